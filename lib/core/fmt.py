"""Numbers and dates the way Chinese reports write them, or plainly in English (pure; used by ui and reports)."""

from __future__ import annotations

import math
from datetime import date


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
    """2026年11月20日 (in English 20 Nov 2026)."""
    if value is None:
        return "—"
    if lang == "en":
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_delta_count(now: float | None, before: float | None) -> str | None:
    """Signed change of a count, or None when there is nothing to compare."""
    if _missing(now) or _missing(before):
        return None
    return f"{int(round(float(now) - float(before))):+,}"


def fmt_delta_pct(now: float | None, before: float | None, *, lang: str = "zh") -> str | None:
    """Change of a share in percentage points: +0.4个百分点 (in English +0.4 pp)."""
    if _missing(now) or _missing(before):
        return None
    return f"{(float(now) - float(before)) * 100:+.1f}" + (" pp" if lang == "en" else "个百分点")
