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
    "lay_before_records": (
        "截至{day}，本系统尚无学校与学籍记录(记录始于{first})：学校布局按当日的学校、学籍和人口计算，"
        "那时还没有可算的数据。请在左侧“范围筛选”中选择{year}学年或之后的学年。",
        "On {day} this system holds no schools or roll yet (its records begin on {first}): the layout is "
        "computed from the schools, roll and population of that day. Choose the school year {year} or a "
        "later one under Scope on the left.",
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
        "large classes are recounted from pupils ÷ classes per grade (above 55). Later years use the cohort "
        "projection.",
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
        "I have checked the closures, their reasons, unplaced pupils and large classes",
    ),
    "opt_use": ("把结果作为当前方案", "Use as the current scenario"),
    "opt_defaults": (
        "默认保留现有学校：最多撤并现有学校的20%(设置 layout.optimize.close_max_share)，新建不超过撤并数；"
        "候选点为现有学校、村址和网格点；求解器 HiGHS，时限含建模时间。",
        "Today's schools are kept by default: at most 20 % may close (layout.optimize.close_max_share) and no "
        "more may open; candidates are today's schools, village centres and a grid; HiGHS, the limit includes "
        "model building.",
    ),
    "lay_children_help": ("{band}，按户籍村，{year}年", "{band}, by home village, {year}"),
    "lay_share_help": (
        "直线距离×绕行系数{detour} ≤ {km} km 的儿童占比",
        "Share of children within straight-line distance × detour factor {detour} ≤ {km} km",
    ),
    "lay_projected_help": (
        "队列推算：今天0-5岁的儿童即今后的学生；{year}年",
        "Cohort projection: today's children aged 0-5 are the future pupils; {year}",
    ),
    "lay_projected_col": ("{year}年预计", "Projected {year}"),
    "lay_now": ("{y}年(当前)", "{y} (now)"),
    "lay_projected": ("{y}年(预测)", "{y} (projected)"),
    "lay_map_caption": ("学校与{band}学龄儿童", "Schools and school-age children, {band}"),
    "lay_classes": ("班级数 / 平均班额", "Classes / mean class size"),
    "lay_boarders": ("寄宿生 / 床位", "Boarders / beds"),
    "lay_chosen": ("所选乡镇", "chosen townships"),
    "lay_stamp": ("{where} · 截至{day}", "{where} · as of {day}"),
    "lay_distance_title": (
        "学龄儿童上学距离分布({year}年，{stamp})",
        "Distance to school of school-age children ({year}, {stamp})",
    ),
    "lay_projection_title": ("{band}五年预测({stamp})", "{band}: five-year projection ({stamp})"),
    "year_fmt": ("{}年", "{}"),
    "plan_effect_title": (
        "{what} · {band} · {year}年 · 对比{base}",
        "{what} · {band} · {year} · against {base}",
    ),
    "opt_solving_model": ("{what} {model}(≤ {limit} 秒)…", "{what} {model} (≤ {limit} s)…"),
    "plan_new_school": ("规划新校{n}", "Planned school {n}"),
    "plan_manage": ("方案：打开、保存、复制、改名、删除", "Scenarios: open, save, copy, rename, delete"),
    "plan_saved": ("已保存的方案", "Saved scenarios"),
    "plan_open": ("打开", "Open"),
    "plan_save": ("保存", "Save"),
    "plan_saved_msg": ("已保存“{name}”", "Saved “{name}”"),
    "plan_dup": ("复制", "Copy"),
    "plan_copy": ("{name}(副本)", "{name} (copy)"),
    "plan_rename": ("改名", "Rename"),
    "plan_delete": ("删除", "Delete"),
    "plan_do_close": ("撤并 {name}", "Close {name}"),
    "plan_do_merge": ("{name} 并入 {into}", "Merge {name} into {into}"),
    "plan_do_add": (
        "新建 {name}({level}，学位 {seats}，床位 {beds}，{lon}, {lat})",
        "New {name} ({level}, {seats} seats, {beds} beds, {lon}, {lat})",
    ),
    "plan_do_capacity": (
        "调整 {name}：学位 {seats}，床位 {beds}",
        "Change {name}: {seats} seats, {beds} beds",
    ),
}


#: Labels lib writes in Chinese (学校布局's cards, tables, charts, map choices): Chinese -> English.
LABELS: dict[str, str] = {
    # bands and map measures (lib.layout.coverage)
    "小学(6-11岁)": "Primary (6-11)",
    "初中(12-14岁)": "Junior (12-14)",
    "就近可达比例": "Share within reach",
    "每学位学龄儿童": "Children per seat",
    "五年学龄儿童变化": "Change in school-age children over five years",
    # base maps (lib.present.maps)
    "无底图(仅本系统边界)": "No base map (boundaries only)",
    "天地图(矢量+注记，需密钥 tk)": "Tianditu (vector and labels, needs a key)",
    "高德地图(GCJ-02)": "Amap (GCJ-02)",
    "天地图底图需要密钥(tk)：在 https://console.tianditu.gov.cn 注册并申请“浏览器端”密钥，"
    '写入 .streamlit/secrets.toml 的 tianditu_tk = "..."。': (
        "The Tianditu base map needs a key (tk): register at https://console.tianditu.gov.cn, ask for a "
        'browser key and put it in .streamlit/secrets.toml as tianditu_tk = "...".'
    ),
    # school status (lib.present.cards.SCHOOL_STATUS_LABELS)
    "超容量": "Over capacity",
    "大班额": "Large classes",
    "不足100人": "Under 100 pupils",
    # cards
    "平均 / 95%距离(km)": "Mean / 95% distance (km)",
    "人均可达学位": "Seats per child within reach",
    "不足100人学校": "Schools under 100 pupils",
    "五年后学龄儿童": "School-age children in five years",
    "两步移动搜索法(2SFCA)：服务范围内学位/儿童": "Two-step floating catchment (2SFCA): seats per child within reach",
    "到最近的该学段学校，道路估算(直线×绕行系数)，按儿童加权": (
        "To the nearest school of the band, road estimate (straight line × detour factor), weighted by children"
    ),
    "该学段在校生多于核定学位": "More pupils of the band than approved seats",
    "乡村小规模学校(全校在校生 < 100)": "Small rural schools (under 100 pupils in all)",
    "该学段学校的寄宿床位(寄宿不计入就近可达)": "Boarding beds of the band's schools (boarding does not count as within reach)",
    # the township table and the school card (lib.layout.coverage)
    "可达比例": "Share within reach",
    "95%距离(km)": "95% distance (km)",
    "人均学位(可达)": "Seats per child (within reach)",
    "学校数": "Schools",
    "五年变化": "Change in five years",
    "在校生": "Pupils",
    "最大班额": "Largest class",
    "寄宿生": "Boarders",
    "今年在校生(本学段)": "Pupils this year (band)",
    "学位(本学段)": "Seats (band)",
    "提示": "Flag",
    # charts
    "阈值": "Threshold",
    "到最近学校距离(km，道路估算)": "Distance to the nearest school (km, road estimate)",
    "学龄儿童(户籍)": "School-age children (registered)",
    "预计在校生": "Projected pupils",
    "学位": "Seats",
    "历年在校生": "Pupils by year",
    "预测(本学段)": "Projection (band)",
    "在校生：历年与五年预测": "Pupils: past years and five-year projection",
    # 布局规划 (lib.layout.planning): changes, the compare tables, cards
    "现状": "Today",
    "方案": "Scenario",
    "基准": "Base",
    "(新方案)": "(new scenario)",
    "撤并学校": "Close a school",
    "并入另一所学校": "Merge into another school",
    "新建学校(点击地图选址)": "Build a school (click the site on the map)",
    "调整学位/床位": "Change seats / beds",
    "分乡镇": "By township",
    "指标": "Measure",
    "变化": "Change",
    "有变化": "Changed",
    "床位缺口": "Missing beds",
    "超出阈值": "Beyond the threshold",
    "学校数变化": "Change in schools",
    "学龄儿童变化": "Change in school-age children",
    "就近可达变化": "Change within reach",
    "平均距离(km)变化": "Change in mean distance (km)",
    "床位缺口变化": "Change in missing beds",
    "超出阈值变化": "Change beyond the threshold",
    "超容量学校变化": "Change in schools over capacity",
    "方案学校数": "Schools",
    "方案就近可达": "Within reach",
    "方案平均距离(km)": "Mean distance (km)",
    "方案超容量学校": "Over capacity",
    "方案床位缺口": "Missing beds",
    "学龄儿童总数不变(按户籍村计)": "The number of school-age children does not change (by home village)",
    # placement of pupils and the optimiser (lib.layout.planning, assign, optimize)
    "{what}变化": "Change in {what}",
    "本乡镇": "In scope",
    "无法安置": "Cannot be placed",
    "大班额班级": "Large classes",
    "超大班额班级": "Very large classes",
    "大班额班级(现状)": "Large classes (today)",
    "大班额班级(方案)": "Large classes (scenario)",
    "在校生(现状)": "Pupils (today)",
    "在校生(方案)": "Pupils (scenario)",
    "在校生(本学段)": "Pupils (band)",
    "最远距离(km)": "Farthest (km)",
    "超出阈值(km)": "Beyond the threshold (km)",
    "最近的学校": "Nearest school",
    "到最近学校(km，道路估算)": "To the nearest school (km, road estimate)",
    "超出就近距离的村": "Villages out of reach",
    "原学校": "School before",
    "户籍村": "Home village",
    "去向学校": "School after",
    "距离(km)": "Distance (km)",
    "去向": "Where pupils go",
    "接收学校": "Receiving schools",
    "(未知)": "(unknown)",
    "学区儿童(按最近学校)": "Children of its area (nearest school)",
    "平均距离(现状km)": "Mean distance (today, km)",
    "平均距离(方案km)": "Mean distance (scenario, km)",
    "改由": "Taken over by",
    "没有以该校为最近学校的儿童": "No child has this school as the nearest",
    "名额移到离儿童更近的新址，总路程更短": "Its place moves to a site nearer the children: less distance in all",
    "名额用于缩短最远儿童的距离": "Its place shortens the farthest child's way",
    "名额用于覆盖阈值外的更多儿童": "Its place reaches more children beyond the threshold",
    "学区儿童在阈值内另有学校": "Its children have another school within the threshold",
    "{goal}；学区儿童平均 {before}→{after} km": "{goal}; its children's mean {before}→{after} km",
    "p-中位(儿童总路程最短)": "p-median (least distance in all)",
    "p-中心(最远儿童距离最短)": "p-center (shortest farthest way)",
    "最大覆盖(阈值内儿童最多)": "Maximal covering (most children within the threshold)",
    "集合覆盖(学校最少且全覆盖)": "Set covering (fewest schools reaching everyone)",
    "已求得最优解": "Optimal",
    "达到时限：已有可行解，尚未证明最优": "Time limit: a feasible solution, not proven optimal",
    "时限内未找到可行解": "No feasible solution within the time limit",
    "无可行解：约束无法同时满足": "Infeasible: the constraints cannot all hold",
    "求解出错": "Solver error",
    "家附近(阈值内)无可就读学校、又不能寄宿(1-3年级)或无空余床位的学生": (
        "Pupils with no school teaching their grade within reach who cannot board (grades 1-3) or find no free bed"
    ),
    "按撤并后各校各年级人数÷原有班级数重新计算：平均班额超过55人的年级，其班级全部计入": (
        "Recounted after the changes from pupils per grade ÷ the school's classes: every class of a grade "
        "averaging more than 55 counts"
    ),
    "每名学生从户籍村到所分配学校的道路估算距离(直线×绕行系数)": (
        "Each pupil's road estimate from the home village to the assigned school (straight line × detour factor)"
    ),
}
