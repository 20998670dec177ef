"""控辍保学 monitoring: who is out of school now, where, why, and the term week by week.

Formulas (docs/metrics.md, section 控辍保学):

* **疑似辍学** / **辍学** on ``as_of``: cases whose derived status on that day
  (:func:`lib.dropout.rules.status_on`, the same rule as the overview) is 疑似辍学 /
  辍学 (已核实 or 劝返中, not returned); attributed to the home township.
* **已返校**: cases whose ``returned_on`` falls in the school year, up to ``as_of``.
* **巩固率**: grade-9 students of school year *Y* ÷ grade-1 students of *Y*−8
  (``enrolment_counts``), by the school's township; and **巩固率(按户籍)** by the home
  township (:mod:`lib.dropout.homes`), shown beside it; compared with the one target
  ``targets.consolidation`` (red below ``red``, green from ``green``, written "目标 ≥97.0%").
* **村 breakdown** (:func:`lib.dropout.homes.village_table`): cases, returns and 入学覆盖 per village.

:func:`compute_monitoring` reads the scoped frames; everything else here is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, fmt, i18n, places, schema
from lib.core.scope import Scope
from lib.dropout import data as dropout_data
from lib.dropout import homes
from lib.dropout import rules as dropout
from lib.present import maps
from lib.present.cards import Card, status_colour

#: Breakdowns the page offers, with their Chinese labels.
BREAKDOWNS: dict[str, str] = {
    "township": "乡镇(街道)",
    "village": "村(社区)",
    "school": "学校",
    "grade": "年级",
    "sex": "性别",
}
#: Columns of a breakdown table, with labels.
COLUMNS: dict[str, str] = {
    "suspected": "疑似辍学",
    "dropouts": "辍学",
    "returned": "返校(本学年)",
    "dismissed": "误报(本学年)",
    "grade9": "九年级在校生",
    "grade1_base": "八年前一年级在校生",
    "consolidation_home": "巩固率(按户籍)",
    "consolidation": "巩固率(按学校所在地)",
}
#: The bureau's four named risks first, then the other reason codes.
OTHER_REASONS: tuple[str, ...] = tuple(
    r for r in schema.REASONS if not any(r in codes for codes in schema.RISK_GROUPS.values())
)
TREND_COLUMNS: dict[str, str] = {
    "new_suspected": "新增疑似",
    "confirmed": "新核实辍学",
    "returned": "劝返复学",
    "dismissed": "排除误报",
    "open_end": "周末仍未返校",
}


@dataclass(frozen=True)
class Monitoring:
    """Dropout monitoring for one Scope on its ``as_of`` date."""

    scope: Scope
    cases: (
        pd.DataFrame
    )  # every case in Scope with ``now`` (derived status on as_of) and ``before`` (7 days earlier)
    townships: pd.DataFrame  # one row per township in Scope: counts, consolidation, per 1,000
    schools: pd.DataFrame  # one row per school in Scope with its enrolled students
    county: dict[str, float | None]
    previous: dict[str, float | None]
    trend: pd.DataFrame
    notes: dict[str, Any] = field(default_factory=dict)
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)  # the 村 breakdown
    #: cases of the school year by reason (:func:`reasons_table`), counted once per data change
    reasons: pd.DataFrame = field(default_factory=pd.DataFrame)


# ------------------------------------------------------------------ pure steps
def school_year_start(year: int) -> date:
    return date(year, 9, 1)


def with_status(cases: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Cases with ``now`` (derived status on ``as_of``) and ``before`` (seven days earlier)."""
    return cases.assign(
        now=dropout.status_on(cases, as_of).to_numpy(),
        before=dropout.status_on(cases, as_of - timedelta(days=7)).to_numpy(),
    )


def _in_year(values: pd.Series, year: int, as_of: date) -> np.ndarray:
    d = pd.to_datetime(pd.Series(values.to_numpy()), errors="coerce")
    return ((d >= pd.Timestamp(school_year_start(year))) & (d <= pd.Timestamp(as_of))).to_numpy()


def case_counts(cases: pd.DataFrame, by: str, *, year: int, as_of: date) -> pd.DataFrame:
    """Per value of ``by``: ``suspected`` and ``dropouts`` on ``as_of`` (column ``now``), and
    ``returned`` / ``dismissed`` during the school year up to ``as_of``."""
    flags = pd.DataFrame(
        {
            by: cases[by].to_numpy(),
            "suspected": (cases["now"] == "疑似辍学").to_numpy(),
            "dropouts": (cases["now"] == "辍学").to_numpy(),
            "returned": _in_year(cases["returned_on"], year, as_of),
            "dismissed": (cases["status"] == "误报").to_numpy() & _in_year(cases["closed_on"], year, as_of),
        }
    )
    cols = ["suspected", "dropouts", "returned", "dismissed"]
    if flags.empty:
        return pd.DataFrame(columns=[by, *cols])
    return flags.groupby(by, as_index=False, dropna=False)[cols].sum()


def consolidation(history: pd.DataFrame, year: int, by: str = "code") -> pd.DataFrame:
    """巩固率 inputs per ``by``: ``grade9`` (grade 9 in ``year``), ``grade1_base`` (grade 1 in
    ``year`` - 8) and ``consolidation`` (their ratio; NaN without a base)."""
    g9 = history[(history.school_year == year) & (history.grade == 9)].groupby(by)["students"].sum()
    g1 = history[(history.school_year == year - 8) & (history.grade == 1)].groupby(by)["students"].sum()
    out = pd.DataFrame({"grade9": g9, "grade1_base": g1}).fillna(0).astype("int64")
    out["consolidation"] = out["grade9"] / out["grade1_base"].where(out["grade1_base"] > 0)
    return out.reset_index(names=by)


def consolidation_target(settings: dict[str, Any] | None = None) -> float:
    """The 巩固率 target: ``targets.consolidation``'s green line (default 97%)."""
    return float((settings or config.SETTINGS)["targets"]["consolidation"]["green"])


def target_text(settings: dict[str, Any] | None = None) -> str:
    """The target as every page writes it: ``目标 ≥97.0%``."""
    return f"目标 ≥{fmt.fmt_pct(consolidation_target(settings))}"


def consolidation_colour(value: float | None, *, settings: dict[str, Any] | None = None) -> str:
    """red below ``targets.consolidation.red``, green from its ``green``, amber between; grey
    without data (the overview's rule)."""
    rule = (settings or config.SETTINGS)["targets"]["consolidation"]
    if value is None or pd.isna(value):
        return "grey"
    return "red" if value < rule["red"] else "green" if value >= rule["green"] else "amber"


def reasons_table(cases: pd.DataFrame, *, year: int, as_of: date) -> pd.DataFrame:
    """Cases of the school year (reported from 1 September to ``as_of``, 误报 excluded) by
    reason, grouped under the four named risks and the other codes.

    Returns
    -------
    DataFrame
        ``group`` (学困厌学 / 上学远 / 因贫 / 因残 / 其他原因), ``reason``, ``cases``,
        ``open`` (疑似辍学 or 辍学 on ``as_of``), ``returned``; every reason code listed.
    """
    year_cases = cases[_in_year(cases["reported_on"], year, as_of) & (cases["status"] != "误报").to_numpy()]
    rows = []
    for group, codes in [*schema.RISK_GROUPS.items(), ("其他原因", OTHER_REASONS)]:
        for code in codes:
            sub = year_cases[year_cases["reason"] == code]
            rows.append(
                {
                    "group": group,
                    "reason": code,
                    "cases": len(sub),
                    "open": int(sub["now"].isin(dropout.OPEN_DERIVED).sum()),
                    "returned": int((sub["now"] == "已返校").sum()),
                }
            )
    return pd.DataFrame(rows)


def weekly_trend(cases: pd.DataFrame, *, start: date, as_of: date) -> pd.DataFrame:
    """Week by week from the week of ``start`` to the week of ``as_of``.

    Returns
    -------
    DataFrame
        ``week`` (2026-W47), ``week_start`` (Monday), ``week_end`` (Sunday, or
        ``as_of`` in the last week), ``new_suspected`` (reported that week),
        ``confirmed`` (verified), ``returned``, ``dismissed`` (误报 closed) and
        ``open_end`` (疑似辍学 or 辍学 at the end of the week).
    """
    monday = start - timedelta(days=start.weekday())
    rows = []
    dates = {
        c: pd.to_datetime(pd.Series(cases[c].to_numpy()), errors="coerce")
        for c in ("reported_on", "verified_on", "returned_on", "closed_on")
    }
    false_alarm = (cases["status"] == "误报").to_numpy()
    while monday <= as_of:
        end = min(monday + timedelta(days=6), as_of)
        lo, hi = pd.Timestamp(monday), pd.Timestamp(end)

        def within(col: str, lo: pd.Timestamp = lo, hi: pd.Timestamp = hi) -> np.ndarray:
            return ((dates[col] >= lo) & (dates[col] <= hi)).to_numpy()

        rows.append(
            {
                "week": dropout.iso_week_of(monday),
                "week_start": monday,
                "week_end": end,
                "new_suspected": int(within("reported_on").sum()),
                "confirmed": int(within("verified_on").sum()),
                "returned": int(within("returned_on").sum()),
                "dismissed": int((within("closed_on") & false_alarm).sum()),
                "open_end": int(dropout.status_on(cases, end).isin(dropout.OPEN_DERIVED).sum()),
            }
        )
        monday += timedelta(days=7)
    return pd.DataFrame(rows, columns=["week", "week_start", "week_end", *TREND_COLUMNS])


def breakdown(data: Monitoring, by: str) -> pd.DataFrame:
    """The monitoring table for one breakdown (:data:`BREAKDOWNS`), a row per value.

    Townships carry 巩固率 (cases by the home township, 巩固率 by the school's township:
    docs/scope.md).  Schools are those in Scope plus any school a case of the Scope
    names (so every breakdown adds up to the same totals), and carry open cases per
    1,000 students instead of 巩固率: a cohort rate
    is meaningless for one school (pupils change school between grades 6 and 7).
    Grade and sex carry the case counts only (``enrolment_counts`` has no sex).
    """
    year, as_of = int(data.scope.school_year), data.scope.as_of
    if by == "township":
        cols = ["code", "name", *COLUMNS, "open_per_1000"]
        return data.townships[cols].rename(columns={"name": "label"})
    if by == "village":
        v = data.villages
        if v.empty:
            return pd.DataFrame(columns=["code", "label", *homes.VILLAGE_COLUMNS])
        return v.rename(columns={"village_name": "label"})[
            ["code", "label", *(c for c in homes.VILLAGE_COLUMNS if c != "village_name")]
        ]
    if by == "school":
        cases = data.cases.assign(school_code=data.cases["school_code"].fillna(""))
        counts = case_counts(cases, "school_code", year=year, as_of=as_of).rename(
            columns={"school_code": "code"}
        )
        # a child of the Scope may attend a school outside it (cases go by the home township)
        names = cases.drop_duplicates("school_code").set_index("school_code")["school_name"].to_dict()
        out = data.schools.merge(counts, on="code", how="outer")
        out["name"] = out["name"].fillna(out["code"].map(names)).fillna("(未入学)")
        out["township_name"] = out["township_name"].fillna("(范围外学校)")
        num = ["suspected", "dropouts", "returned", "dismissed", "students"]
        out[num] = out[num].fillna(0).astype("int64")
        out["open_per_1000"] = (out.suspected + out.dropouts) / out.students.where(out.students > 0) * 1000
        out = out.sort_values(
            ["dropouts", "suspected", "code"], ascending=[False, False, True], ignore_index=True
        )
        return out[["code", "name", "township_name", *num, "open_per_1000"]].rename(columns={"name": "label"})
    if by == "grade":
        counts = case_counts(
            data.cases.dropna(subset=["grade"]).astype({"grade": "int64"}), "grade", year=year, as_of=as_of
        )
        base = pd.DataFrame({"grade": list(schema.GRADE_LABELS)})
        out = base.merge(counts, on="grade", how="left").fillna(0)
        out["label"] = out["grade"].map(schema.GRADE_LABELS)
        return out.rename(columns={"grade": "code"})[
            ["code", "label", "suspected", "dropouts", "returned", "dismissed"]
        ].astype({"suspected": "int64", "dropouts": "int64", "returned": "int64", "dismissed": "int64"})
    if by == "sex":
        counts = case_counts(
            data.cases.assign(sex=data.cases["sex"].fillna("未知")), "sex", year=year, as_of=as_of
        )
        base = pd.DataFrame({"sex": [*schema.SEX, *(["未知"] if (counts["sex"] == "未知").any() else [])]})
        out = base.merge(counts, on="sex", how="left").fillna(0)
        num = ["suspected", "dropouts", "returned", "dismissed"]
        out[num] = out[num].astype("int64")
        return out.assign(code=out["sex"], label=out["sex"])[["code", "label", *num]]
    raise ValueError(f"unknown breakdown {by!r}; choose one of {list(BREAKDOWNS)}")


def _township_table(
    towns: pd.DataFrame,
    cases: pd.DataFrame,
    history: pd.DataFrame,
    enrolled: pd.DataFrame,
    *,
    year: int,
    as_of: date,
    home: pd.DataFrame | None = None,
) -> pd.DataFrame:
    counts = case_counts(cases, "township_code", year=year, as_of=as_of).rename(
        columns={"township_code": "code"}
    )
    out = (
        towns[["code", "name"]]
        .merge(counts, on="code", how="left")
        .merge(consolidation(history, year, "code"), on="code", how="left")
        .merge(enrolled, on="code", how="left")
    )
    num = ["suspected", "dropouts", "returned", "dismissed", "grade9", "grade1_base", "students"]
    out[num] = out[num].fillna(0).astype("int64")
    out["open_per_1000"] = (out.suspected + out.dropouts) / out.students.where(out.students > 0) * 1000
    if home is not None:
        out = out.merge(home, on="code", how="left")
    else:
        out["consolidation_home"] = np.nan
    return out.sort_values("code", ignore_index=True)


def county_figures(towns: pd.DataFrame) -> dict[str, float | None]:
    """County figures from the township table: counts summed, 巩固率 recomputed from the sums."""
    tot = {
        k: float(towns[k].sum())
        for k in ("suspected", "dropouts", "returned", "dismissed", "grade9", "grade1_base", "students")
    }
    tot["consolidation"] = tot["grade9"] / tot["grade1_base"] if tot["grade1_base"] else None
    tot["open_per_1000"] = (
        (tot["suspected"] + tot["dropouts"]) / tot["students"] * 1000 if tot["students"] else None
    )
    return tot


# ------------------------------------------------------------------ reading
def compute_monitoring(con: duckdb.DuckDBPyConnection, scope: Scope) -> Monitoring:
    """Every monitoring figure for ``scope`` on ``scope.as_of``.

    Parameters
    ----------
    con
        An open store connection (one unit of work).
    scope
        What may be seen and as of when.

    Returns
    -------
    Monitoring
        Cases with their derived status, the township and school tables, county
        figures, last week's counts and the weekly trend of the current term.
    """
    year, as_of = int(scope.school_year), scope.as_of
    cases = with_status(dropout_data.cases(con, scope), as_of=as_of)
    towns = places.townships(con, scope)[["code", "name"]]
    history = dropout_data.enrolment_history_by_school(con, scope, (year, year - 8))
    enrolled = places.enrolled_by_township(con, scope)
    h = homes.home_inputs(con, scope, year)
    home = homes.consolidation_by_home(
        towns, h["grade9"], h["cohort"], float(h["grade1_county"]["students"].iloc[0])
    )
    table = _township_table(towns, cases, history, enrolled, year=year, as_of=as_of, home=home)
    villages = homes.village_table(
        homes.village_inputs(con, scope, year)["villages"],
        cases,
        year_start=school_year_start(year),
        as_of=as_of,
    )
    schools = dropout_data.schools(con, scope)[["code", "name", "township_name"]].merge(
        dropout_data.enrolled_by_school(con, scope), on="code", how="left"
    )
    county = county_figures(table)
    previous = {
        "suspected": float((cases["before"] == "疑似辍学").sum()),
        "dropouts": float((cases["before"] == "辍学").sum()),
    }
    start = dropout_data.term_start(con, scope)
    trend = weekly_trend(cases, start=start, as_of=as_of)
    return Monitoring(
        scope=scope,
        cases=cases,
        townships=table,
        schools=schools,
        county=county,
        previous=previous,
        trend=trend,
        notes={"term_start": start},
        villages=villages,
        reasons=reasons_table(cases, year=int(scope.school_year), as_of=as_of),
    )


def township_values(data: Monitoring, measure: str) -> dict[str, float | None]:
    """Values per township code for the choropleth (``open_per_1000``, ``dropouts``,
    ``suspected`` or ``consolidation``)."""
    t = data.townships
    return {c: (None if pd.isna(v) else float(v)) for c, v in zip(t["code"], t[measure], strict=True)}


#: Measures the township map can show: label and number format.
MAP_MEASURES: dict[str, tuple[str, str]] = {
    "open_per_1000": ("每千名在校生未结台账(疑似+辍学)", "{:.2f}‰"),
    "dropouts": ("辍学(人)", "{:,.0f}"),
    "suspected": ("疑似辍学(人)", "{:,.0f}"),
    "consolidation_home": ("巩固率(按户籍)", "{:.1%}"),
    "consolidation": ("巩固率(按学校所在地)", "{:.1%}"),
}


def choropleth(data: Monitoring, shapes: dict, *, measure: str, where: str) -> Any:
    """Township choropleth of ``measure`` (a folium.Map): 巩固率 against its target and open cases
    per 1,000 against ``targets.open_cases_per_1000`` in red/amber/green; counts in one hue.

    ``where`` names the Scope in the title (e.g. 平桥区全区)."""

    label, number = MAP_MEASURES[measure]
    title = f"{label} · {where} · 截至{fmt.fmt_date(data.scope.as_of)}"
    kw: dict[str, Any] = {}
    if measure in ("consolidation", "consolidation_home"):  # the same cuts as consolidation_colour
        kw = maps.target_scale(config.SETTINGS["targets"]["consolidation"])
    elif measure == "open_per_1000":
        kw = maps.target_scale(config.SETTINGS["targets"]["open_cases_per_1000"])
    return maps.build_choropleth(
        shapes["townships"],
        township_values(data, measure),
        title=title,
        fmt=number,
        boundary=shapes.get("county"),
        **kw,
    )


# ------------------------------------------------------------------ display
def scope_label(scope: Scope, towns: dict[str, str], *, lang: str = "zh") -> str:
    """For whom: 平桥区全区, or the chosen townships (and levels)."""
    sep = i18n.t("list_sep", lang)
    if scope.townships is None:
        where = config.COUNTY_NAME + i18n.t("whole_county", lang)
    else:
        where = sep.join(towns.get(c, c) for c in scope.townships) or "—"
    if scope.levels is not None:
        where += "·" + sep.join(scope.levels)
    return where


def escalated_count(cases: pd.DataFrame, *, as_of: date) -> int:
    """Open cases (and returned ones awaiting their check) whose follow-up has escalated."""
    active = cases[cases["status"].isin((*schema.OPEN_CASE_STATUS, "已返校"))]
    return int(dropout.escalation(active["next_followup_on"], as_of=as_of)["escalated"].sum())


def cards(data: Monitoring, *, proposals: int) -> list[Any]:
    """The headline numbers (lib.present.cards.Card) with their change and formula."""

    c, p = data.county, data.previous

    def delta(now: float | None, before: float | None) -> str | None:
        d = fmt.fmt_delta_count(now, before)
        return f"{d} 较上周" if d else None

    return [
        Card(
            "疑似辍学",
            fmt.fmt_count(c["suspected"]),
            delta(c["suspected"], p["suspected"]),
            "统计日当天状态为疑似辍学(已上报、未核实、未返校、未判误报)的台账数，按户籍乡镇统计。",
            inverse=True,
        ),
        Card(
            "辍学",
            fmt.fmt_count(c["dropouts"]),
            delta(c["dropouts"], p["dropouts"]),
            "统计日当天已核实辍学(已核实、劝返中)且尚未返校的台账数，按户籍乡镇统计。",
            inverse=True,
        ),
        Card(
            "本学年返校",
            fmt.fmt_count(c["returned"]),
            None,
            "返校日期在本学年(9月1日起)且不晚于统计日的台账数。",
        ),
        Card(
            "巩固率",
            fmt.fmt_pct(c["consolidation"]),
            None,
            "九年义务教育巩固率 = 本学年九年级在校生数 ÷ 八年前一年级在校生数(全区按户籍或按学校所在地相同)；"
            f"{target_text()}(设置项 targets.consolidation)。",
        ),
        Card(
            "待确认",
            fmt.fmt_count(proposals),
            None,
            "连续无故缺勤达到设置的上课日数(默认5天)、尚无未结台账、也未被确认或排除过的学生。",
        ),
        Card(
            "升级督办",
            fmt.fmt_count(escalated_count(data.cases, as_of=data.scope.as_of)),
            None,
            "下次跟进逾期达到设置天数(默认3天)、责任已沿 师长→校长→村长→镇长→教体局局长 上移的案件。",
            inverse=True,
        ),
    ]


def breakdown_display(data: Monitoring, by: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """A breakdown table with Chinese headers, its cell colours and formats."""

    table = breakdown(data, by)
    labels = {
        "label": BREAKDOWNS[by],
        "township_name": "乡镇(街道)",
        "students": "在校生",
        "open_per_1000": "未结台账‰",
        **COLUMNS,
    }
    # the 巩固率 inputs stay in the data (and the help text), not on a laptop-wide table
    if by == "village":
        labels.update(homes.VILLAGE_COLUMNS)
        labels["label"] = BREAKDOWNS[by]
    shown = table.drop(
        columns=["code", "grade9", "grade1_base", "grade9_home", "base_home"], errors="ignore"
    ).rename(columns=labels)
    colours = pd.DataFrame("none", index=shown.index, columns=shown.columns)
    formats: dict[str, Any] = {}
    for col in ("consolidation_home", "consolidation"):
        if col in table:
            colours[COLUMNS[col]] = table[col].map(consolidation_colour).to_numpy()
            formats[COLUMNS[col]] = fmt.fmt_pct
    if "coverage" in table:
        formats[homes.VILLAGE_COLUMNS["coverage"]] = fmt.fmt_pct
    if "open_per_1000" in table:
        colours["未结台账‰"] = (
            table["open_per_1000"]
            .map(lambda v: status_colour("open_cases_per_1000", None if pd.isna(v) else v))
            .to_numpy()
        )
        formats["未结台账‰"] = lambda v: "—" if pd.isna(v) else f"{v:.2f}‰"
    for col in ("疑似辍学", "辍学"):
        if col not in colours:
            continue
        colours[col] = np.where(
            table[{"疑似辍学": "suspected", "辍学": "dropouts"}[col]] > 0,
            "amber" if col == "疑似辍学" else "red",
            "none",
        )
    return shown, colours, formats
