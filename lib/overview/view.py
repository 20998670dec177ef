"""What the 总览 page shows, built from :class:`lib.overview.metrics.Overview` (pure; no streamlit)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import folium
import pandas as pd

from lib.core import fmt
from lib.core.i18n import t
from lib.overview import metrics
from lib.present import maps
from lib.present.cards import FORMULAS, Card, status_colour

#: Measures the map can show: (format, higher_is_better or None for plain counts).
MAP_MEASURES: dict[str, str] = {
    "consolidation": "{:.1%}",
    "aid_coverage": "{:.1%}",
    "aid_on_time": "{:.1%}",
    "open_cases_per_1000": "{:.2f}‰",
    "students": "{:,.0f}",
    "population": "{:,.0f}",
}


def cards(data: metrics.Overview, *, lang: str = "zh", unknown: frozenset[str] = frozenset()) -> list[Card]:
    """The headline numbers with their change and exact formula.  A measure in ``unknown`` (its
    data not imported: lib.ops.golive.unknown_measures) reads 未导入; one without data on this
    date (``data.missing``: e.g. a new school year before its population or first payment) reads
    暂无数据 with the reason in words; never 0 or 0 %."""
    c, p = dict(data.county), dict(data.previous)
    for m in unknown:
        c[m] = p[m] = None
    week, year = t("vs_last_week", lang), t("vs_last_year", lang)

    def delta(text: str | None, suffix: str) -> str | None:
        return f"{text} {suffix}" if text else None

    out = [
        Card(
            t("students", lang),
            fmt.fmt_count(c["students"]),
            delta(fmt.fmt_delta_count(c["students"], p.get("students")), year),
            FORMULAS["students"],
        ),
        Card(
            t("population", lang),
            _unknown_or(fmt.fmt_count(c["population"]), "population", unknown),
            delta(fmt.fmt_delta_count(c["population"], p.get("population")), year),
            FORMULAS["population"],
        ),
        Card(t("schools", lang), fmt.fmt_count(c["schools"]), None, FORMULAS["schools"]),
        Card(
            t("suspected", lang),
            fmt.fmt_count(c["suspected"]),
            delta(fmt.fmt_delta_count(c["suspected"], p.get("suspected")), week),
            FORMULAS["suspected"],
            inverse=True,
        ),
        Card(
            t("dropouts", lang),
            fmt.fmt_count(c["dropouts"]),
            delta(fmt.fmt_delta_count(c["dropouts"], p.get("dropouts")), week),
            FORMULAS["dropouts"],
            inverse=True,
        ),
        Card(
            t("consolidation", lang),
            _unknown_or(fmt.fmt_pct(c["consolidation"]), "consolidation", unknown),
            delta(fmt.fmt_delta_pct(c["consolidation"], p.get("consolidation")), year),
            FORMULAS["consolidation"],
        ),
        Card(
            t("aid_coverage", lang),
            _unknown_or(fmt.fmt_pct(c["aid_coverage"]), "aid_coverage", unknown),
            None,
            FORMULAS["aid_coverage"],
        ),
        Card(
            t("aid_on_time", lang),
            _unknown_or(fmt.fmt_pct(c["aid_on_time"]), "aid_on_time", unknown),
            None,
            FORMULAS["aid_on_time"],
        ),
        Card(t("at_risk", lang), fmt.fmt_count(c["at_risk"]), None, FORMULAS["at_risk"]),
    ]
    keys = ("students", "population", "schools", "suspected", "dropouts", "consolidation", "aid_coverage")
    keys += ("aid_on_time", "at_risk")
    return [
        replace(
            card,
            value=t("figure_no_data", lang),
            delta=None,
            note=data.missing_short.get(key) or data.missing[key],
            help=f"{data.missing[key]}。\n\n{card.help}",
        )
        if key in data.missing and key not in unknown
        else card
        for key, card in zip(keys, out, strict=True)
    ]


#: The column that says how many open cases a township has for its size (its colour's reason).
OPEN_RATE_COLUMN = metrics.MEASURE_LABELS["open_cases_per_1000"] + "(‰)"


def _unknown_or(text: str, measure: str, unknown: frozenset[str]) -> str:
    return "未导入" if measure in unknown else text


def township_table(
    data: metrics.Overview, *, unknown: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The township table (ranked by attention), its cell colours and its formats; measures in
    ``unknown`` (not imported) are blank, not 0 and not red.

    A cell is coloured only by the number it shows: the open cases are judged per 1,000
    pupils, so that rate has its own column and its own colour (0 cases is never amber).
    """
    cols = list(metrics.TOWNSHIP_COLUMNS)
    towns = data.townships.copy()
    for m in unknown:
        if m in towns:
            towns[m] = float("nan")
    data = replace(data, townships=towns)
    table = data.townships[cols].rename(columns=metrics.TOWNSHIP_COLUMNS)
    at = table.columns.get_loc(metrics.TOWNSHIP_COLUMNS["dropouts"]) + 1
    table.insert(at, OPEN_RATE_COLUMN, data.townships["open_cases_per_1000"].to_numpy())
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    for m in ("consolidation", "aid_coverage", "aid_on_time"):
        colours[metrics.TOWNSHIP_COLUMNS[m]] = data.townships[m].map(lambda v, m=m: status_colour(m, v))
    colours[OPEN_RATE_COLUMN] = data.townships["open_cases_per_1000"].map(
        lambda v: status_colour("open_cases_per_1000", v)
    )
    pct = lambda v: fmt.fmt_pct(v)  # noqa: E731
    formats: dict[str, Any] = {
        metrics.TOWNSHIP_COLUMNS[m]: pct for m in ("consolidation", "aid_coverage", "aid_on_time")
    }
    for m in ("students", "population", "schools", "suspected", "dropouts", "at_risk"):
        formats[metrics.TOWNSHIP_COLUMNS[m]] = "{:,}"
    formats[OPEN_RATE_COLUMN] = lambda v: "—" if pd.isna(v) else f"{v:.2f}"
    return table, colours, formats


#: Excel formats of the township table's columns (the briefing's 各乡镇汇总 sheet).
TOWNSHIP_XLSX_FORMATS: dict[str, str] = {
    **{metrics.TOWNSHIP_COLUMNS[m]: "pct" for m in ("consolidation", "aid_coverage", "aid_on_time")},
    **{
        metrics.TOWNSHIP_COLUMNS[m]: "count"
        for m in ("students", "population", "schools", "suspected", "dropouts", "at_risk")
    },
    OPEN_RATE_COLUMN: "decimal2",
}


def township_values(data: metrics.Overview, measure: str) -> dict[str, float | None]:
    """Values per township code for the choropleth of ``measure``."""
    values = dict(zip(data.townships.code, data.townships[measure], strict=True))
    return {k: (None if pd.isna(v) else float(v)) for k, v in values.items()}


def choropleth(data: metrics.Overview, shapes: dict, *, measure: str) -> folium.Map:
    """Township choropleth of ``measure`` (target measures coloured red/amber/green)."""
    values = township_values(data, measure)
    label = metrics.MEASURE_LABELS[measure]
    title = f"{label} · 截至{fmt.fmt_date(data.scope.as_of)}"
    rule = metrics.config.SETTINGS["targets"].get(measure)
    kw: dict[str, Any] = maps.target_scale(rule) if rule else {}
    return maps.build_choropleth(
        shapes["townships"],
        values,
        title=title,
        fmt=MAP_MEASURES[measure],
        boundary=shapes.get("county"),
        legend_position="topright",
        **kw,
    )
