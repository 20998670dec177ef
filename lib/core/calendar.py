"""School days by the national rules, for any school year (the draft a county's own 校历 overrides).

* Term 1 runs from 1 September (the next Monday when it falls on a weekend) to about two
  weeks before the Spring Festival, at the latest 22 January; term 2 from the Monday about
  a week after the Spring Festival to 9 July (summer holiday 10 July - 31 August).
* Public holidays (国务院办公厅 rules): 国庆 1-7 October (to the 8th when 中秋 falls in the
  Golden Week), 中秋, 元旦 (Friday bridged when it is a Thursday), 清明, 劳动节 1-5 May,
  端午 (a weekend holiday moves to the Monday).  Weekend make-up days are announced
  each year and are not guessed: an imported 校历 carries them.
* Lunar dates (春节, 端午, 中秋) come from :mod:`lunardate` (1900-2099); 清明 from the
  solar-term formula for the 21st century.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from lunardate import LunarDate


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def qingming(year: int) -> date:
    """清明 of ``year`` (21st-century solar-term formula: ``int(Y*0.2422 + 4.81) - int(Y/4)``)."""
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def spring_festival(year: int) -> date:
    """春节 (1st day of the 1st lunar month) of ``year``."""
    return _lunar(year, 1, 1)


def _next_weekday(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def terms_of_year(school_year: int) -> tuple[tuple[date, date], tuple[date, date]]:
    """(first, last) day of term 1 and term 2 of the school year starting in September ``school_year``."""
    festival = spring_festival(school_year + 1)
    start = date(school_year, 9, 1)
    t1_first = _next_weekday(start, 0) if start.weekday() >= 5 else start
    t1_last = min(date(school_year + 1, 1, 22), festival - timedelta(days=14))
    while t1_last.weekday() >= 5:
        t1_last -= timedelta(days=1)
    t2_first = _next_weekday(festival + timedelta(days=6), 0)
    return (t1_first, t1_last), (t2_first, date(school_year + 1, 7, 9))


def holidays(school_year: int) -> set[date]:
    """Public holidays falling in the school year (weekend make-up days not included)."""
    y = school_year
    days: set[date] = set()
    mid_autumn = _lunar(y, 8, 15)
    national_end = 8 if date(y, 9, 29) <= mid_autumn <= date(y, 10, 8) else 7
    days |= {date(y, 10, d) for d in range(1, national_end + 1)}
    days.add(mid_autumn)
    new_year = date(y + 1, 1, 1)
    days.add(new_year)
    if new_year.weekday() == 3:  # Thursday: Friday bridged
        days.add(new_year + timedelta(days=1))
    for d in (qingming(y + 1), _lunar(y + 1, 5, 5)):
        days.add(d if d.weekday() < 5 else _next_weekday(d, 0))
    days |= {date(y + 1, 5, d) for d in range(1, 6)}
    return days


def _frame(days: pd.DatetimeIndex, years: range) -> pd.DataFrame:
    is_school = np.zeros(len(days), dtype=bool)
    for y in years:
        off = holidays(y)
        for first, last in terms_of_year(y):
            inside = (days.date >= first) & (days.date <= last)
            is_school |= inside & (days.weekday < 5) & ~np.isin(days.date, list(off))
    return pd.DataFrame(
        {
            "day": days.values.astype("datetime64[D]"),
            "school_year": np.where(days.month >= 9, days.year, days.year - 1).astype("int64"),
            "term": np.where((days.month >= 9) | (days.month == 1), 1, 2).astype("int64"),
            "is_school_day": is_school,
        }
    )


def year_calendar(school_year: int) -> pd.DataFrame:
    """Every day of one school year (1 September to 31 August): ``day``, ``school_year``,
    ``term``, ``is_school_day``."""
    days = pd.date_range(date(school_year, 9, 1), date(school_year + 1, 8, 31), freq="D")
    return _frame(days, range(school_year, school_year + 1))


def calendar_between(first: date, last: date) -> pd.DataFrame:
    """The days from ``first`` to ``last`` (inclusive) in the same columns as :func:`year_calendar`."""
    days = pd.date_range(first, last, freq="D")
    y0 = first.year if first.month >= 9 else first.year - 1
    y1 = last.year if last.month >= 9 else last.year - 1
    return _frame(days, range(y0, y1 + 1))
