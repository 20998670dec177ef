"""The overview's figures: one formula per number (docs/metrics.md).

:func:`compute_overview` reads the scoped frames from :mod:`lib.overview.queries` and
combines them with pure functions into a township table and county totals.  Every read is
of ``scope.as_of``: a past date reads the roll, counts, population and schools as they stood
(:mod:`lib.core.history`).  A figure whose data is not there (a new school year before its
counts, population or first payment arrive) is ``None`` with the reason in words in
:attr:`Overview.missing`, never a 0% or a red township made of missing data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, fmt, places, schema, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.overview import queries
from lib.present import cards
from lib.risk import inputs as risk_inputs_mod
from lib.risk import score as risk

#: Township-table columns in display order, with Chinese labels.
TOWNSHIP_COLUMNS: dict[str, str] = {
    "name": "乡镇(街道)",
    "students": "在校学生",
    "population": "学龄人口(6-14岁)",
    "schools": "学校",
    "suspected": "疑似辍学",
    "dropouts": "辍学",
    "consolidation": "巩固率",
    "aid_coverage": "资助覆盖率",
    "aid_on_time": "按时足额发放率",
    "at_risk": "重点关注学生",
}

#: Every measure's label (the table's columns plus derived rates).
MEASURE_LABELS: dict[str, str] = {**TOWNSHIP_COLUMNS, "open_cases_per_1000": "每千名在校生未结辍学台账"}


@dataclass(frozen=True)
class Overview:
    """The overview's numbers for one Scope."""

    scope: Scope
    townships: pd.DataFrame  # one row per township in Scope
    county: dict[str, float | None]
    previous: dict[str, float | None]  # the same figures a week (cases) or a year earlier
    trend: pd.DataFrame  # weekly case counts this term
    notes: dict[str, Any] = field(default_factory=dict)
    #: measure -> why it has no value (Chinese words shown instead of a number)
    missing: dict[str, str] = field(default_factory=dict)
    #: the same in a few words, for a card
    missing_short: dict[str, str] = field(default_factory=dict)


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _consolidation(history: pd.DataFrame, year: int) -> pd.DataFrame:
    g9 = history[(history.school_year == year) & (history.grade == 9)].groupby("code")["students"].sum()
    g1 = history[(history.school_year == year - 8) & (history.grade == 1)].groupby("code")["students"].sum()
    return pd.DataFrame({"grade9": g9, "grade1_base": g1}).fillna(0).reset_index(names="code")


def _cases_wide(cases: pd.DataFrame) -> pd.DataFrame:
    wide = cases.pivot_table(index="code", columns="status", values="cases", aggfunc="sum", fill_value=0)
    out = pd.DataFrame(index=wide.index)
    out["suspected"] = wide.get("疑似辍学", 0)
    out["dropouts"] = wide.get("辍学", 0)
    out["returned"] = wide.get("已返校", 0)
    return out.reset_index()


def _risk_by_township(inputs: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    if inputs.empty:
        return pd.DataFrame(columns=["code", "at_risk"])
    high = risk.high_mask(inputs, settings=settings)
    return inputs.assign(at_risk=high).groupby("code", as_index=False)["at_risk"].sum()


def _rates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["consolidation"] = np.where(
        out.grade1_base > 0, out.grade9 / out.grade1_base.where(out.grade1_base > 0), np.nan
    )
    out["aid_coverage"] = out.aid_covered / out.aid_eligible.where(out.aid_eligible > 0)
    out["aid_on_time"] = out.aid_ontime / out.aid_due.where(out.aid_due > 0)
    out["open_cases_per_1000"] = (out.suspected + out.dropouts) / out.students.where(out.students > 0) * 1000
    return out


_SUMMED = (
    "students",
    "population",
    "schools",
    "capacity",
    "suspected",
    "dropouts",
    "returned",
    "grade9",
    "grade1_base",
    "aid_eligible",
    "aid_covered",
    "aid_due",
    "aid_ontime",
    "at_risk",
)


def county_totals(table: pd.DataFrame) -> dict[str, float | None]:
    """County figures from the township table: counts summed, rates recomputed."""
    tot = {k: float(table[k].sum()) for k in _SUMMED if k in table}
    tot["consolidation"] = _ratio(tot["grade9"], tot["grade1_base"])
    tot["aid_coverage"] = _ratio(tot["aid_covered"], tot["aid_eligible"])
    tot["aid_on_time"] = _ratio(tot["aid_ontime"], tot["aid_due"])
    tot["open_cases_per_1000"] = (
        (tot["suspected"] + tot["dropouts"]) / tot["students"] * 1000 if tot["students"] else None
    )
    return tot


def rank_by_attention(table: pd.DataFrame) -> pd.DataFrame:
    """Townships that need attention first: most red measures, then most open cases."""
    reds = sum(
        (table[m].map(lambda v, m=m: cards.status_colour(m, v)) == "red").astype(int)
        for m in config.SETTINGS["targets"]
    )
    out = table.assign(red_measures=reds, open_cases=table.suspected + table.dropouts)
    return out.sort_values(
        ["red_measures", "open_cases", "code"], ascending=[False, False, True], ignore_index=True
    )


def term_weeks(as_of: date, calendar_start: date) -> list[date]:
    """Fridays of each ISO week from the term's first week to ``as_of``'s week (last = as_of)."""
    first = calendar_start + timedelta(days=(4 - calendar_start.weekday()) % 7)
    days = []
    d = first
    while d < as_of:
        days.append(d)
        d += timedelta(days=7)
    days.append(as_of)
    return days


def _term_start(con: duckdb.DuckDBPyConnection, scope: Scope) -> date:
    row = con.execute(
        "SELECT min(day) FROM school_calendar WHERE school_year = ? AND term = ? AND is_school_day",
        [scope.school_year, scope.term],
    ).fetchone()
    return row[0] if row and row[0] else scope.as_of - timedelta(days=7 * 12)


def _missing(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    table: pd.DataFrame,
    history: pd.DataFrame,
    pop: pd.DataFrame,
) -> dict[str, tuple[str, str]]:
    """Measures that have no data on ``scope.as_of``: measure -> (reason in a few words, in full)."""
    year = int(scope.school_year)
    out: dict[str, tuple[str, str]] = {}
    r = places.as_of(con, scope)
    county = [scope.county + "%"]
    on_roll = con.execute(
        f"SELECT count(*) FROM {r['students']} st JOIN {r['schools']} sc ON sc.code = st.school_code "
        f"WHERE sc.township_code LIKE ?",
        county,
    ).fetchone()[0]
    day = fmt.fmt_date(scope.as_of)
    if not on_roll:
        out["students"] = out["at_risk"] = ("该日尚无学籍", f"截至{day}尚无学籍数据")
    schools = con.execute(f"SELECT count(*) FROM {r['schools']} sc WHERE sc.township_code LIKE ?", county)
    if not schools.fetchone()[0]:
        out["schools"] = ("该日尚无学校", f"截至{day}尚无学校数据")
    if not (pop.year == year).any():
        out["population"] = (f"{year}年人口未到", f"尚无{year}年学龄人口数据")
    if not ((history.school_year == year) & (history.grade == 9)).any():
        out["consolidation"] = ("缺九年级人数", f"尚无{year}-{year + 1}学年九年级在校生数")
    elif not ((history.school_year == year - 8) & (history.grade == 1)).any():
        out["consolidation"] = ("缺入学时人数", f"尚无{year - 8}-{year - 7}学年一年级在校生数")
    if not table["aid_eligible"].sum():
        out["aid_coverage"] = ("无困难学生", "范围内没有家庭经济困难在校生")
    elif not table["aid_paid_records"].sum():
        out["aid_coverage"] = (
            "本学期尚未发放",
            f"{year}-{year + 1}学年第{scope.term}学期截至{day}尚无生活补助发放记录",
        )
    if not table["aid_due"].sum():
        out["aid_on_time"] = ("尚无到期记录", f"{year}-{year + 1}学年截至{day}尚无到期的资助记录")
    return out


def compute_overview(con: duckdb.DuckDBPyConnection, scope: Scope) -> Overview:
    """All overview figures for ``scope``, as they stood on ``scope.as_of``.

    Parameters
    ----------
    con
        An open store connection (one unit of work).
    scope
        What may be seen and as of when.

    Returns
    -------
    Overview
        Township table (ranked by attention), county totals, the previous
        week's/year's figures, this term's weekly case trend, and the measures
        that have no data (``missing``: their values are None, with the reason).
    """
    year = int(scope.school_year)
    last_week = scope.as_of - timedelta(days=7)
    settings = settings_store.effective_settings(con)  # an administrator's weights count here too
    with store.concurrently(con) as submit:  # the reads side by side, the longest first
        risk = submit(risk_inputs_mod.risk_inputs, scope, settings=settings)
        got = {
            "base": submit(places.townships, scope),
            "history": submit(places.enrolment_history, scope),
            "pop": submit(
                places.population_by_township, scope, years=(year, year - 1), ages=schema.COMPULSORY_AGES
            ),
            "schools": submit(places.schools_by_township, scope),
            "enrolled": submit(places.enrolled_by_township, scope),
            "cases": submit(queries.cases_by_township, scope, day=scope.as_of),
            "prev_cases": submit(queries.cases_by_township, scope, day=last_week),
            "aid": submit(queries.aid_by_township, scope),
            "term_start": submit(_term_start, scope),
        }
    base, history, pop = (
        got["base"].result()[["code", "name", "kind"]],
        got["history"].result(),
        got["pop"].result(),
    )
    parts = [
        got["schools"].result(),
        got["enrolled"].result(),
        pop[pop.year == year].drop(columns="year"),
        _cases_wide(got["cases"].result()),
        _consolidation(history, year),
        got["aid"].result(),
        _risk_by_township(risk.result(), settings),
    ]
    table = base
    for p in parts:
        table = table.merge(p, on="code", how="left")
    counts = [c for c in (*_SUMMED, "aid_paid_records") if c in table]
    table[counts] = table[counts].fillna(0).astype("int64")
    table = _rates(table)
    missing = _missing(con, scope, table, history, pop)
    for m in missing:  # no data is not zero: the table and the map show it as missing
        if m in ("consolidation", "aid_coverage", "aid_on_time", "population"):
            table[m] = np.nan
    table = rank_by_attention(table)
    county = county_totals(table)
    for m in missing:
        county[m] = None

    prev_cases = _cases_wide(got["prev_cases"].result())
    prev_hist = history[history.school_year == year - 1]
    previous = {
        "suspected": float(prev_cases.suspected.sum()),
        "dropouts": float(prev_cases.dropouts.sum()),
        "students": float(prev_hist.students.sum()) if not prev_hist.empty else None,
        "population": float(pop[pop.year == year - 1].population.sum())
        if (pop.year == year - 1).any()
        else None,
    }
    cons_prev = _consolidation(history, year - 1)
    previous["consolidation"] = _ratio(cons_prev.grade9.sum(), cons_prev.grade1_base.sum())

    days = term_weeks(scope.as_of, got["term_start"].result())
    trend = queries.cases_on_days(con, scope, days)
    return Overview(
        scope=scope,
        townships=table,
        county=county,
        previous=previous,
        trend=trend,
        notes={"last_week": last_week},
        missing={m: full for m, (_, full) in missing.items()},
        missing_short={m: short for m, (short, _) in missing.items()},
    )
