"""The shared look every page and domain uses: the metric card, the palette with fixed
meanings (STYLE.md), the status of a measure against its target, and the help text of the
headline numbers (the same words as docs/metrics.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lib.core import config

# ---- the house palette: the same meaning on every page, chart and map
RED = "#d73027"  #: needs action now
AMBER = "#fdae61"  #: watch
AMBER_LIGHT = "#fee08b"  #: watch, milder (a second amber step)
GREEN = "#1a9850"  #: on target
GREY = "#bdbdbd"  #: no data
BLUE = "#3b6fb6"  #: a plain count, no target
#: Sequential measures (counts, rates without a target): light to dark blue (ColorBrewer Blues).
SEQUENTIAL = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
#: :func:`status_colour` names to colours.
STATUS_COLOURS = {"red": RED, "amber": AMBER, "green": GREEN, "grey": GREY, "none": BLUE}

#: Utilisation classes of a school, in the order a planner acts on them, with their colours.
SCHOOL_STATUS_LABELS: dict[str, str] = {
    "over": "超容量",
    "large": "大班额",
    "normal": "正常",
    "small": "不足100人",
}
SCHOOL_STATUS_COLOURS: dict[str, str] = {"over": RED, "large": AMBER, "normal": GREEN, "small": "#3182bd"}


@dataclass(frozen=True)
class Card:
    """One big number (the shape :func:`lib.ui.metric_cards` draws)."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    inverse: bool = False  # a rise is bad (dropouts)
    note: str | None = None  # why there is no number (shown in words instead of a change)


def status_colour(measure: str, value: float | None) -> str:
    """``red`` / ``amber`` / ``green`` / ``grey`` (no value) for a measure with a target, else ``none``."""
    rule = config.SETTINGS["targets"].get(measure)
    if rule is None:
        return "none"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "grey"
    if rule["higher_is_better"]:
        return "red" if value < rule["red"] else "green" if value >= rule["green"] else "amber"
    return "red" if value > rule["red"] else "green" if value <= rule["green"] else "amber"


#: Exact formula of each headline number (help text; the same words as docs/metrics.md).
FORMULAS: dict[str, str] = {
    "students": "学籍状态为“在校”或“送教上门”的学生数，按学校所在乡镇统计。",
    "population": "户籍在范围内各村(社区)的 6-14 周岁儿童数(年龄按当学年 9 月 1 日计)，按居住乡镇统计。",
    "schools": "范围内学校数(含教学点与特殊教育学校)。",
    "suspected": "截至统计日，已上报、尚未核实、未返校、未判为误报的台账数，按户籍乡镇统计。",
    "dropouts": "截至统计日，已核实辍学(含劝返中)且尚未返校的台账数，按户籍乡镇统计。",
    "consolidation": "九年义务教育巩固率 = 本学年九年级在校生数 ÷ 八年前(该届入学时)一年级在校生数，按学校所在乡镇统计。",
    "aid_coverage": "资助覆盖率 = 本学期已领取生活补助(实发>0)的家庭经济困难在校生 ÷ 全部家庭经济困难在校生(脱贫户、监测对象、低保、特困、孤儿、事实无人抚养、残疾学生、残疾人子女、烈士子女)。",
    "aid_on_time": "按时足额发放率 = 本学年应发日期不晚于统计日的资助记录中，于应发日期前足额(实发≥标准)发放的记录数 ÷ 全部此类记录数。",
    "at_risk": "重点关注学生 = 风险评分(学困、路远、因贫、因残、缺勤、监护六项加权，0-100)达到“高”档的在校生数。",
}
