"""Numbers and dates the way Chinese reports write them, or plainly in English (pure; used by ui and reports)."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import Any


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_count(value: float | None, *, wan_from: int = 100_000, lang: str = "zh") -> str:
    """12,345 below ``wan_from``; 12.3万 from there on (in English always 123,456); — when missing."""
    if _missing(value):
        return "—"
    v = float(value)
    if abs(v) >= wan_from and lang != "en":
        return f"{v / 10_000:.1f}万"
    return f"{int(round(v)):,}"


def fmt_pct(value: float | None) -> str:
    """A share 0-1 as a percentage with one decimal: 0.9634 -> 96.3%."""
    return "—" if _missing(value) else f"{float(value) * 100:.1f}%"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return value != value  # NaN, NaT
    except (TypeError, ValueError):
        return False


_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)  # not %b: locale


def fmt_date(value: date | None, *, lang: str = "zh") -> str:
    """2026年11月20日 (in English 20 Nov 2026; a datetime or pandas Timestamp: its day); — when missing."""
    if _is_missing(value):
        return "—"
    if lang == "en":
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_datetime(value: datetime | None) -> str:
    """2026年11月20日 08:30 (to the minute); — when missing."""
    if _is_missing(value):
        return "—"
    return f"{fmt_date(value)} {value.hour:02d}:{value.minute:02d}"


def fmt_iso(value: date | None) -> str:
    """2026-11-20: dates in files, JSON and a console's tables; "" when missing."""
    return "" if _is_missing(value) else f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


#: How a change of nothing is written: no sign, so no arrow (an up arrow for "+0" reads as a rise).
FLAT = "±"


def fmt_delta_count(now: float | None, before: float | None) -> str | None:
    """Signed change of a count, or None when there is nothing to compare."""
    if _missing(now) or _missing(before):
        return None
    change = int(round(float(now) - float(before)))
    return f"{FLAT}0" if change == 0 else f"{change:+,}"


def fmt_delta_pct(now: float | None, before: float | None, *, lang: str = "zh") -> str | None:
    """Change of a share in percentage points: +0.4个百分点 (in English +0.4 pp)."""
    if _missing(now) or _missing(before):
        return None
    points = round((float(now) - float(before)) * 100, 1)
    unit = " pp" if lang == "en" else "个百分点"
    return f"{FLAT}0.0{unit}" if points == 0 else f"{points:+.1f}{unit}"


def fmt_value(value: float | None, kind: str = "count", *, signed: bool = False) -> str:
    """A table cell written like the cards: ``count`` 56,522; ``km`` 0.50; ``pct`` 96.3%;
    ``signed`` changes with their sign (+12, -0.03) and :data:`FLAT` for none; — when missing."""
    if _missing(value):
        return "—"
    v = float(value)
    if kind == "pct":
        text = f"{v * 100:+.1f}个百分点" if signed else f"{v * 100:.1f}%"
        zero = round(v * 100, 1) == 0
    elif kind == "km":
        text = f"{v:+.2f}" if signed else f"{v:.2f}"
        zero = round(v, 2) == 0
    else:
        n = int(round(v))
        text = f"{n:+,}" if signed else f"{n:,}"
        zero = n == 0
    if signed and zero:
        return FLAT + text.lstrip("+-")
    return text


def is_flat(delta: str | None) -> bool:
    """A change text that says "no change" (:data:`FLAT`): shown without an arrow or a colour."""
    return bool(delta) and str(delta).startswith(FLAT)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def text_table(rows: list[dict[str, Any]] | Any, *, empty: str = "(无)") -> str:
    """Rows (dicts, or a DataFrame) as an aligned table for a console: the header, a rule,
    one line per row; a missing value (None, NaN, NaT) as —, never "NaN"/"NaT"."""
    records = rows.to_dict(orient="records") if hasattr(rows, "to_dict") else list(rows)
    if not records:
        return empty
    headers = list(records[0])

    def cell(v: Any) -> str:
        if _is_missing(v) or v == "":
            return "—"
        if isinstance(v, bool):
            return "是" if v else "否"
        if isinstance(v, datetime):
            return f"{v:%Y-%m-%d %H:%M}"
        if isinstance(v, date):
            return fmt_iso(v)
        if isinstance(v, float) and v.is_integer():
            return f"{int(v):,}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    body = [[cell(r.get(h)) for h in headers] for r in records]
    widths = [max(_width(str(h)), *(_width(row[i]) for row in body)) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line([str(h) for h in headers]), rule, *(line(r) for r in body)])


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def md_text(value: Any) -> str:
    """``value`` as literal text inside Markdown: a masked name (欧**花) or ID (411503********2255)
    keeps its asterisks instead of turning the rest of the line bold."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
