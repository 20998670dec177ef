"""Interface language: 简体中文 first, English available.

Data labels (columns, code lists) stay in Chinese, as the bureau's systems
write them; the frame, navigation and headline labels are translated here.
"""

from __future__ import annotations

LANGUAGES = {"zh": "简体中文", "en": "English"}

#: key -> (Chinese, English)
TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("平桥区控辍保学与学生资助", "Pingqiao dropout control & student aid"),
    "demo_banner": (
        "演示数据，非真实统计：本系统当前载入的是按固定随机种子生成的合成数据(锚定 2026年11月20日)，"
        "乡镇边界与驻地为示意，不代表平桥区真实情况。",
        "Synthetic demo data, not real statistics: generated from a fixed seed (anchored to "
        "2026-11-20); township boundaries and seats are illustrative, not real Pingqiao figures.",
    ),
    "nav_overview": ("总览", "Overview"),
    "filters": ("范围筛选", "Scope"),
    "township": ("乡镇(街道)", "Township"),
    "level": ("办学类型", "School level"),
    "school_year": ("学年", "School year"),
    "as_of": ("统计日期", "As of"),
    "language": ("语言", "Language"),
    "all": ("全部", "All"),
    "students": ("在校学生", "Students enrolled"),
    "population": ("学龄人口", "School-age children"),
    "schools": ("学校", "Schools"),
    "suspected": ("疑似辍学", "Suspected dropouts"),
    "dropouts": ("辍学", "Dropouts"),
    "consolidation": ("巩固率", "Retention rate"),
    "aid_coverage": ("资助覆盖率", "Aid coverage"),
    "aid_on_time": ("按时足额发放率", "Paid on time, in full"),
    "at_risk": ("重点关注学生", "Students at high risk"),
    "vs_last_week": ("较上周", "vs last week"),
    "vs_last_year": ("较上学年", "vs last year"),
    "township_table": ("乡镇情况(需关注的排在前面)", "Townships (most in need of attention first)"),
    "map_measure": ("地图指标", "Map measure"),
    "case_trend": ("本学期控辍保学台账周变化", "Dropout cases this term, week by week"),
    "scope_rule": (
        "在校学生、巩固率、资助按学校所在乡镇统计；学龄人口、辍学台账按户籍乡镇统计。",
        "Enrolment, retention and aid count by the school's township; school-age children and "
        "dropout cases by the home township.",
    ),
    "busy": ("数据库正忙，请稍后刷新。", "The database is busy; refresh in a moment."),
    "building_demo": ("首次启动：正在生成演示县数据(约半分钟)…", "First start: building the demo county…"),
    "no_data": ("当前范围内没有数据。", "No data in the current scope."),
    "as_of_caption": ("数据截至", "Figures as of"),
}


def t(key: str, lang: str = "zh") -> str:
    """Text for ``key`` in ``lang`` (falls back to Chinese, then to the key)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
