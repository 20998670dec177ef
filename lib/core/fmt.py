"""Numbers and dates the way Chinese reports write them (pure; used by ui and reports)."""

from __future__ import annotations

import math
from datetime import date


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_count(value: float | None, *, wan_from: int = 100_000) -> str:
    """12,345 below ``wan_from``; 12.3万 from there on; — when missing."""
    if _missing(value):
        return "—"
    v = float(value)
    if abs(v) >= wan_from:
        return f"{v / 10_000:.1f}万"
    return f"{int(round(v)):,}"


def fmt_pct(value: float | None) -> str:
    """A share 0-1 as a percentage with one decimal: 0.9634 -> 96.3%."""
    return "—" if _missing(value) else f"{float(value) * 100:.1f}%"


def fmt_date(value: date | None) -> str:
    """2026年11月20日."""
    return "—" if value is None else f"{value.year}年{value.month}月{value.day}日"


def fmt_delta_count(now: float | None, before: float | None) -> str | None:
    """Signed change of a count, or None when there is nothing to compare."""
    if _missing(now) or _missing(before):
        return None
    return f"{int(round(float(now) - float(before))):+,}"


def fmt_delta_pct(now: float | None, before: float | None) -> str | None:
    """Change of a share in percentage points: +0.4个百分点."""
    if _missing(now) or _missing(before):
        return None
    return f"{(float(now) - float(before)) * 100:+.1f}个百分点"
