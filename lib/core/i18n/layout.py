"""Labels: 学校布局 and 布局规划.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_layout": ("学校布局", "School layout"),
    "nav_planning": ("布局规划", "Layout planner"),
    "lay_band": ("学段", "Band"),
    "lay_km": ("就近距离阈值(km，道路估算)", "Reach threshold (km, road estimate)"),
    "lay_year": ("儿童年份", "Children of year"),
    "lay_measure": ("乡镇着色", "Township colour"),
    "lay_base": ("底图", "Base map"),
    "lay_layers": ("初始显示的图层", "Layers shown"),
    "lay_card": ("学校卡片", "School card"),
    "lay_card_hint": (
        "点击地图上的学校查看：各年级在校生、学位、班额、寄宿床位、历年与预测。",
        "Click a school on the map: enrolment by grade, capacity, class size, beds, trend and projection.",
    ),
    "lay_townships": ("各乡镇学校布局", "Townships"),
    "lay_flags": ("五年内需关注的学校", "Schools to watch within five years"),
    "lay_rule": (
        "就近可达：村到最近的该学段学校直线距离(米制投影)×绕行系数 ≤ 阈值；教学点计入小学段，特殊教育学校不计；"
        "学位不影响是否可达，只进入人均学位；寄宿另列。儿童年龄按学年9月1日计。",
        "Within reach: straight-line distance (metric CRS) to the nearest school of the band x detour "
        "factor <= threshold; special schools do not count; seats enter seats-per-child only; boarding "
        "is reported beside. Ages on 1 September.",
    ),
    "lay_demo_geo": (
        "乡镇边界、村和学校位置为合成示意数据。",
        "Township boundaries, villages and school sites are synthetic.",
    ),
    # ---- downloads
    "lay_far_villages": ("超出就近距离的村", "Villages out of reach"),
    "lay_map_png": ("下载地图 (PNG)", "Download the map (PNG)"),
    "lay_png_note": (
        "示意图：直线距离×绕行系数估算；乡镇边界、村和学校位置为合成示意数据。",
        "Sketch: straight line x detour factor; township boundaries, villages and sites are synthetic.",
    ),
    # ---- 布局规划
    "plan_base": ("对比基准", "Compare with"),
    "plan_base_help": (
        "方案与现状比较，或与另一个已保存的方案并排比较",
        "Compare the scenario with today's network or with another saved scenario",
    ),
    "plan_today": ("现状", "Today"),
    "plan_edit": ("调整", "Changes"),
    "plan_op": ("操作", "Change"),
    "plan_op_close": ("撤并学校", "Close a school"),
    "plan_op_merge": ("并入另一所学校", "Merge into another school"),
    "plan_op_add": ("新建学校(点击地图选址)", "New school (click the map)"),
    "plan_op_capacity": ("调整学位/床位", "Change seats / beds"),
    "plan_school": ("学校", "School"),
    "plan_merge_from": ("撤并的学校", "School closed"),
    "plan_merge_into": ("并入", "Into"),
    "plan_seats": ("核定学位", "Seats"),
    "plan_beds": ("寄宿床位", "Boarding beds"),
    "plan_level": ("办学类型", "Level"),
    "plan_add": ("加入方案", "Add to scenario"),
    "plan_click_hint": ("在地图上点击新校址。", "Click the map where the new school stands."),
    "plan_picked": ("已选位置", "Picked"),
    "plan_map_after": ("地图显示方案(关闭则显示对比基准)", "Map shows the scenario (off: the baseline)"),
    "plan_effect": ("方案效果", "Effect of the scenario"),
    "plan_tab_county": ("全区", "County"),
    "plan_tab_towns": ("分乡镇", "By township"),
    "plan_tab_receiving": ("接收学校", "Receiving schools"),
    "plan_tab_unplaced": ("无法安置", "Cannot be placed"),
    "plan_tab_moves": ("学生去向", "Where pupils go"),
    "plan_rules": (
        "撤并学校的学生从户籍村出发，去阈值内最近的、开设其年级的学校(教学点只开1-3年级)；学位不限制去向，"
        "超容量的接收学校列出校名。阈值内没有学校时，4年级及以上可到最近有空床位的学校寄宿，1-3年级不寄宿；"
        "仍无法安置的学生单独列为“无法安置”。接收学校班级数不变，按各年级人数÷班级数重算大班额(超过55人)。"
        "预测年份的学生按队列推算。",
        "Pupils of a closed school go from home to the nearest open school teaching their grade within the "
        "threshold (teaching points teach grades 1-3); seats do not stop them (receiving schools over capacity "
        "are named). With no school within reach, grades 4+ may board at the nearest school with free beds; "
        "grades 1-3 never board; the rest are listed as unplaced. Receiving schools keep their classes; "
        "大班额 is recounted from pupils ÷ classes per grade (above 55). Later years use the cohort projection.",
    ),
    "plan_none_unplaced": ("没有无法安置的学生。", "Every pupil is placed."),
    "plan_no_moves": ("没有学生需要转学。", "No pupil changes school."),
    # ---- 选址优化
    "opt_title": ("选址优化", "Site optimisation"),
    "opt_model": ("模型", "Model"),
    "opt_k": ("学校数 k", "Schools k"),
    "opt_close_max": ("最多撤并(所)", "Close at most"),
    "opt_open_max": ("最多新建(所)", "Open at most"),
    "opt_budget": ("预算(万元，0=不限)", "Budget (10k yuan, 0 = none)"),
    "opt_force_open": ("必须保留", "Keep open"),
    "opt_force_closed": ("必须撤并", "Close"),
    "opt_capacitated": ("考虑学位(p-中位)", "Within seats (p-median)"),
    "opt_limit": ("时限(秒)", "Time limit (s)"),
    "opt_solve": ("求解", "Solve"),
    "opt_solving": ("正在求解", "Solving"),
    "opt_result": ("求解结果", "Result"),
    "opt_kept": ("保留现有学校", "Schools kept"),
    "opt_closed": ("撤并", "Closed"),
    "opt_opened": ("新建", "Opened"),
    "opt_farthest": ("最远儿童距离(km)", "Farthest child (km)"),
    "opt_child_km": ("儿童总路程(人·km)", "Child-km"),
    "opt_gap": ("与最优的差距上限", "Gap to the best bound"),
    "opt_seconds": ("用时(秒)", "Seconds"),
    "opt_why": ("撤并哪些学校、为什么", "Which schools close, and why"),
    "opt_preview": ("若采用此结果(按安置规则)", "If adopted (placement rules)"),
    "opt_confirm": (
        "我已核对撤并的学校及理由、无法安置与大班额的变化",
        "I have checked the closures, their reasons, unplaced pupils and 大班额",
    ),
    "opt_use": ("把结果作为当前方案", "Use as the current scenario"),
    "opt_defaults": (
        "默认保留现有学校：最多撤并现有学校的20%(设置 layout.optimize.close_max_share)，新建不超过撤并数；"
        "候选点为现有学校、村址和网格点；求解器 HiGHS，时限含建模时间。",
        "Today's schools are kept by default: at most 20 % may close (layout.optimize.close_max_share) and no "
        "more may open; candidates are today's schools, village centres and a grid; HiGHS, the limit includes "
        "model building.",
    ),
}
