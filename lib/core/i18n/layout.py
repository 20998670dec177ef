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
}
