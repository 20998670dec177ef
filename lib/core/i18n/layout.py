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
}
