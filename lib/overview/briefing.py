"""汇报模式 and 简报: the overview's numbers arranged for a meeting, and one offline HTML file.

Every number here comes from :func:`lib.overview.metrics.compute_overview` (the 总览's
one computation) and is formatted by :func:`lib.overview.view.cards`, so a
briefing and the overview always agree for the same Scope and date.  What
this module adds: targets beside the numbers, the township red list, the
change since the last saved briefing (a *snapshot* in ``briefing_snapshots``),
the school map, and :func:`render_html`, a self-contained file (plotly.js and
Leaflet inlined from the installed package and ``static/vendor``) that opens
and prints with no network.

Nothing here names a child: only aggregates by county, township and school.
Pure Python (no streamlit); the page and the CLI call it.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import folium
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from lib.aid import view as aid_view
from lib.core import audit, config, fmt, masking, permissions, places, store
from lib.core.i18n import t
from lib.core.scope import Scope
from lib.dropout import charts as dropout_charts
from lib.layout import coverage as layout
from lib.overview import metrics
from lib.overview import view as overview_view
from lib.present import charts, maps, reports
from lib.present.cards import status_colour

#: The headline numbers, in the overview's card order (lib.overview.view.cards).
KEY_MEASURES: tuple[str, ...] = (
    "students",
    "population",
    "schools",
    "suspected",
    "dropouts",
    "consolidation",
    "aid_coverage",
    "aid_on_time",
    "at_risk",
)
#: Shares (changes in percentage points); the rest are counts.
RATE_MEASURES: tuple[str, ...] = ("consolidation", "aid_coverage", "aid_on_time")
#: A township is on the red list when one of these is red (below the red threshold of its target).
RED_MEASURES: tuple[str, ...] = RATE_MEASURES
#: The meeting order of the presentation (key -> title).
SLIDES: dict[str, str] = {
    "numbers": "关键指标",
    "red_list": "乡镇红名单",
    "map": "学校分布与巩固率",
    "dropout": "控辍保学",
    "aid": "学生资助",
    "export": "简报与存档",
}
#: Vendored files inlined into the briefing's map (the rest of folium's defaults are not needed:
#: no Bootstrap widget, no Font-Awesome icon and no jQuery call is used by these maps).
_INLINE_ASSETS = ("leaflet/leaflet.js", "leaflet/leaflet.css")
_ASSET_PREFIX = "__EDU_VENDOR__"
SNAPSHOT_TABLE = "briefing_snapshots"


@dataclass(frozen=True)
class Snapshot:
    """The numbers of a saved briefing."""

    snapshot_id: str
    as_of: date
    saved_by: str
    numbers: dict[str, Any]  # {"county": {measure: value}, "red": [codes], "townships": {code: {...}}}

    @property
    def county(self) -> dict[str, float | None]:
        return self.numbers.get("county", {})

    @property
    def red(self) -> list[str]:
        return list(self.numbers.get("red", []))


@dataclass(frozen=True)
class Headline:
    """One big number with its target and changes."""

    key: str
    label: str
    value: str
    status: str  # red / amber / green / none
    target: str | None
    since_last: str | None  # change since the last saved briefing
    delta: str | None  # change since last week / last year (as on the overview)
    inverse: bool
    help: str | None
    note: str | None = None  # no data: the reason in words (the value then says 暂无数据)


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows, for one Scope."""

    scope: Scope
    overview: metrics.Overview
    schools: pd.DataFrame  # schools of the Scope: name, level, lon, lat, enrolled, capacity, status
    last: Snapshot | None
    demo: bool = False

    @property
    def towns(self) -> dict[str, str]:
        return dict(zip(self.overview.townships.code, self.overview.townships.name, strict=True))


# ------------------------------------------------------------------ building
def build_briefing(
    overview: metrics.Overview, schools: pd.DataFrame, last: Snapshot | None, *, demo: bool = False
) -> Briefing:
    """A :class:`Briefing` from the overview's figures (the page passes its cached ones)."""
    permissions.require(overview.scope, "briefing")
    cols = ["code", "name", "level", "township_code", "lon", "lat", "enrolled", "capacity", "status"]
    return Briefing(
        scope=overview.scope,
        overview=overview,
        schools=schools[cols].reset_index(drop=True),
        last=last,
        demo=demo,
    )


def schools_in_scope(data: layout.LayoutData) -> pd.DataFrame:
    """The Scope's own schools with enrolment and utilisation status (lib.layout.coverage's figures)."""
    return data.schools[data.schools["code"].isin(data.in_scope)]


def compute_briefing(con: duckdb.DuckDBPyConnection, scope: Scope) -> Briefing:
    """The briefing of ``scope``: the overview's numbers, the schools and the last snapshot.

    Parameters
    ----------
    con
        An open store connection.
    scope
        What may be seen and as of when (masked or not, nothing personal is read).

    Raises
    ------
    lib.core.permissions.NotPermitted
        The user's role may not make briefings.
    """
    permissions.require(scope, "briefing")
    ov = metrics.compute_overview(con, scope)
    return build_briefing(
        ov,
        schools_in_scope(layout.load_layout_data(con, scope)),
        last_snapshot(con, scope),
        demo=store.get_meta(con, "demo") == "true",
    )


def township_shapes(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Any]:
    """Simplified township polygons and county outline (the maps' own: :func:`lib.core.places.township_geojson`)."""
    return places.township_geojson(con, scope)


# ------------------------------------------------------------------ numbers
def key_numbers(overview: metrics.Overview) -> dict[str, float | None]:
    """The headline numbers, exactly the overview's county figures."""
    return {k: overview.county.get(k) for k in KEY_MEASURES}


def _target_text(measure: str, lang: str = "zh") -> str | None:
    rule = config.SETTINGS["targets"].get(measure)
    if rule is None:
        return None
    sign = "≥" if rule["higher_is_better"] else "≤"
    return t("br_target", lang).format(target=f"{sign}{fmt.fmt_pct(rule['green'])}")


def _change(measure: str, now: float | None, before: float | None, lang: str = "zh") -> str | None:
    if measure in RATE_MEASURES:
        return fmt.fmt_delta_pct(now, before, lang=lang)
    return fmt.fmt_delta_count(now, before)


def headlines(b: Briefing, *, lang: str = "zh") -> list[Headline]:
    """The overview's cards with targets, status colour and change since the last briefing (in ``lang``)."""
    cards = overview_view.cards(b.overview, lang=lang)
    if len(cards) != len(KEY_MEASURES):  # the overview changed its cards: keep both in step
        raise RuntimeError("lib.overview.view.cards and lib.overview.briefing.KEY_MEASURES disagree")
    numbers = key_numbers(b.overview)
    before = b.last.county if b.last else {}
    out = []
    for key, card in zip(KEY_MEASURES, cards, strict=True):
        out.append(
            Headline(
                key=key,
                label=card.label,
                value=card.value,
                status=status_colour(key, numbers[key]),
                target=_target_text(key, lang),
                since_last=_change(key, numbers[key], before.get(key), lang) if b.last else None,
                delta=card.delta,
                inverse=card.inverse,
                help=card.help,
                note=b.overview.missing.get(key, card.note),  # in full: the briefing has the room
            )
        )
    return out


def red_list(b: Briefing) -> pd.DataFrame:
    """Townships red on 巩固率, 资助覆盖率 or 按时足额发放率, most red first (the overview's order).

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name``, the three rates, ``open_cases`` (疑似辍学 + 辍学),
        ``behind`` (labels of the red measures), ``new`` (not red at the last briefing;
        None when there is no earlier briefing).
    """
    t = b.overview.townships
    status = pd.DataFrame({m: t[m].map(lambda v, m=m: status_colour(m, v)) for m in RED_MEASURES})
    red = (status == "red").any(axis=1)
    rows = t[red].copy()
    rows["behind"] = [
        "、".join(metrics.MEASURE_LABELS[m] for m in RED_MEASURES if status.at[i, m] == "red")
        for i in rows.index
    ]
    rows["open_cases"] = rows["suspected"] + rows["dropouts"]
    earlier = set(b.last.red) if b.last else None
    rows["new"] = [None if earlier is None else code not in earlier for code in rows["code"]]
    cols = ["code", "name", *RED_MEASURES, "open_cases", "behind", "new"]
    return rows[cols].reset_index(drop=True)


def left_red_list(b: Briefing) -> list[str]:
    """Names of townships that were red at the last briefing and are not now."""
    if not b.last:
        return []
    now = set(red_list(b)["code"])
    return [b.towns.get(c, c) for c in b.last.red if c not in now and c in b.towns]


RED_COLUMNS: dict[str, str] = {
    "name": "乡镇(街道)",
    "behind": "落后指标",
    "consolidation": "巩固率",
    "aid_coverage": "资助覆盖率",
    "aid_on_time": "按时足额发放率",
    "open_cases": "未结辍学台账",
    "new": "较上次汇报",
}


def red_table(b: Briefing, *, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The red list for display (columns and words in ``lang``, formatted text) and the status of each cell."""
    r = red_list(b)
    col = {k: t(v, lang) for k, v in RED_COLUMNS.items()}
    if lang != "zh":  # the measures behind, named in the reader's language
        r["behind"] = r["behind"].map(lambda s: t("list_sep", lang).join(t(x, lang) for x in s.split("、")))
    new, still = t("新上榜", lang), t("仍在榜", lang)
    shown = pd.DataFrame(
        {
            col["name"]: r["name"],
            col["behind"]: r["behind"],
            **{col[m]: r[m].map(fmt.fmt_pct) for m in RED_MEASURES},
            col["open_cases"]: r["open_cases"].map(lambda v: f"{int(v):,}"),
            col["new"]: r["new"].map(lambda v: "—" if v is None else (new if v else still)),
        }
    )
    colours = pd.DataFrame("none", index=shown.index, columns=shown.columns)
    for m in RED_MEASURES:
        colours[col[m]] = r[m].map(lambda v, m=m: status_colour(m, v))
    return masking.mask_table(shown), colours  # aggregates only; the gate all tables pass


# ------------------------------------------------------------------ figures and map
def where_text(b: Briefing, *, lang: str = "zh") -> str:
    """For whom: 平桥区全区, or the townships' names (and levels)."""
    s, sep = b.scope, t("list_sep", lang)
    where = (
        (config.COUNTY_NAME + t("whole_county", lang))
        if s.townships is None
        else (sep.join(b.towns.get(c, c) for c in s.townships) or "—")
    )
    if s.levels is not None:
        where += " · " + sep.join(s.levels)
    return where


def stamp(b: Briefing, *, lang: str = "zh") -> str:
    """``<where> · 截至2026年11月20日`` for titles."""
    return t("br_stamp", lang).format(
        where=where_text(b, lang=lang), day=fmt.fmt_date(b.scope.as_of, lang=lang)
    )


def figures(
    b: Briefing,
    *,
    medium: str = "screen",
    height: int | None = None,
    width: int | None = None,
    lang: str = "zh",
) -> dict[str, go.Figure]:
    """The dropout and aid charts: weekly case trend, and townships on 巩固率, coverage, on-time.

    Built from the overview's township table with the charts the 控辍保学 and 学生资助
    pages use, so every bar is the overview's number.  ``medium`` (``screen``, ``slide``,
    ``print``) sets the type sizes (:data:`lib.present.charts.SIZES`); ``height`` fixes the
    height (a slide has one screen), ``width`` the width (the file's charts).  Titles in
    ``lang``; legends and reference lines as the charts write them (the page translates them).
    """

    ov, st_ = b.overview, stamp(b, lang=lang)
    towns = ov.townships
    cons = towns.assign(colour=towns["consolidation"].map(lambda v: status_colour("consolidation", v)))
    target = config.SETTINGS["targets"]["consolidation"]["green"]
    out = {
        "case_trend": charts.plot_case_trend(ov.trend, title=f"{t('本学期每周未结辍学台账', lang)} · {st_}"),
        "consolidation": dropout_charts.plot_township_bars(
            cons,
            "consolidation",
            county=ov.county["consolidation"],
            target=target,
            title=f"{t('各乡镇九年义务教育巩固率', lang)} · {st_}",
            pct=True,
        ),
        "aid_coverage": aid_view.plot_township_rate(
            towns,
            measure="aid_coverage",
            rate="aid_coverage",
            county=ov.county["aid_coverage"],
            title=f"{t('各乡镇资助覆盖率', lang)} · {st_}",
        ),
        "aid_on_time": aid_view.plot_township_rate(
            towns,
            measure="aid_on_time",
            rate="aid_on_time",
            county=ov.county["aid_on_time"],
            title=f"{t('各乡镇按时足额发放率', lang)} · {st_}",
        ),
    }
    values = cons["consolidation"].dropna()
    if len(values):  # rates above 100% occur where children move in: fit the axis to the data, not to 0
        lo, hi = min(values.min(), target) - 0.03, max(values.max(), target) + 0.03
        out["consolidation"].update_xaxes(range=[max(0.0, lo), hi])
    if medium != "screen" or height or width:
        # a slide's header says for whom and as of when, above the charts
        out = {
            k: charts.restyle(f, medium=medium, height=height, width=width, subtitle=medium != "slide")
            for k, f in out.items()
        }
    return out


def school_map(
    b: Briefing,
    shapes: dict[str, Any],
    *,
    measure: str = "consolidation",
    static_url: str = maps.STATIC_URL,
    medium: str = "screen",
) -> folium.Map:
    """Township choropleth of ``measure`` (the overview's map) with every school of the Scope on it.

    Schools are drawn as on the 学校布局 map: shape by level, size by enrolment,
    colour by utilisation (over capacity, large classes, small, normal).  Townships are
    named on the map (larger on a slide, ``medium="slide"``); the legends take the corners
    where they hide the fewest schools, and fold away on a click.
    """
    ov = b.overview
    values = {
        k: (None if pd.isna(v) else float(v))
        for k, v in zip(ov.townships.code, ov.townships[measure], strict=True)
    }
    rule = config.SETTINGS["targets"].get(measure)
    kw: dict[str, Any] = maps.target_scale(rule) if rule else {}
    where = list(zip(b.schools["lon"].astype(float), b.schools["lat"].astype(float), strict=True))
    legend_title = f"{metrics.MEASURE_LABELS[measure]} · 截至{fmt.fmt_date(b.scope.as_of)}"
    first = maps.legend_corner(shapes["townships"], where, view_px=(1200, 600), legend_px=(230, 110))
    m = maps.build_choropleth(
        shapes["townships"],
        values,
        fmt=overview_view.MAP_MEASURES[measure],
        title=legend_title,
        boundary=shapes.get("county"),
        legend_position=first,
        static_url=static_url,
        label_size=maps.LABEL_SIZES[medium],
        **kw,
    )
    points = []
    for row in b.schools.itertuples():
        size = maps.school_marker_size(row.enrolled)
        cap = "—" if pd.isna(row.capacity) else f"{int(row.capacity):,}"
        tip = (
            f"{html_lib.escape(str(row.name))}<br>{html_lib.escape(str(row.level))} · 在校 "
            f"{int(row.enrolled):,} / 学位 {cap} · {layout.STATUS_LABELS.get(row.status, '')}"
        )
        points.append(
            {
                "lat": round(float(row.lat), 5),
                "lon": round(float(row.lon), 5),
                "size": size,
                "tip": tip,
                "html": maps.school_icon_html(
                    str(row.level), layout.STATUS_COLOURS.get(row.status, maps.GREY), size
                ),
            }
        )
    group = folium.FeatureGroup(name="学校", show=True)
    maps.PointLayer(points, kind="school").add_to(group)
    group.add_to(m)
    maps.Legend(
        "学校(形状=类型，大小=在校生)",
        [(layout.STATUS_COLOURS[k], layout.STATUS_LABELS[k]) for k in layout.STATUS_COLOURS],
        position=maps.legend_corner(
            shapes["townships"],
            where,
            view_px=(1200, 600),
            legend_px=(190, 110),
            used={first: maps.CORNER_USED[first] + 120},
        ),
    ).add_to(m)
    return m


# ------------------------------------------------------------------ the meeting view (pages/present.py)
def slide_header_html(b: Briefing, slide: str, *, lang: str = "zh") -> str:
    """A slide's title and the line saying for whom and as of when (in ``lang``)."""
    n = list(SLIDES).index(slide) + 1
    s = b.scope
    sub = " · ".join(
        [
            where_text(b, lang=lang),
            t("school_year_fmt", lang).format(y=s.school_year, y1=s.school_year + 1),
            f"{t('as_of_caption', lang)} {fmt.fmt_date(s.as_of, lang=lang)}",
        ]
    )
    if b.demo:
        sub += " · " + t("br_demo", lang)
    return (
        f'<div class="pm-title">{n}. {html_lib.escape(t(SLIDES[slide], lang))}</div>'
        f'<div class="pm-sub">{html_lib.escape(sub)}</div>'
    )


def present_html(inner: str) -> str:
    """``inner`` (cards or the red list) inside the meeting view's large-type container."""
    return f'<div class="pm">{inner}</div>'


def file_stem(b: Briefing) -> str:
    """File name without extension: 简报_<where>_<date>."""
    where = "全区" if b.scope.townships is None else "_".join(b.scope.townships)
    return f"简报_{where}_{b.scope.as_of.isoformat()}"


# ------------------------------------------------------------------ tables (xlsx)
#: What each headline's change is measured against (the overview's cards say the same).
_CHANGE_BASE: dict[str, str] = {
    "students": "较上学年",
    "population": "较上学年",
    "suspected": "较上周",
    "dropouts": "较上周",
    "consolidation": "较上学年",
}
_STATUS_WORDS = {"red": "低于红线", "amber": "低于目标", "green": "达到目标", "grey": "无数据", "none": ""}


def _number(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _difference(measure: str, now: Any, before: Any) -> float | None:
    """A change as the sheet stores it: counts as counts, rates in percentage points."""
    now, before = _number(now), _number(before)
    if now is None or before is None:
        return None
    return (now - before) * 100 if measure in RATE_MEASURES else now - before


def summary_sheets(b: Briefing) -> dict[str, pd.DataFrame]:
    """The briefing's tables, numbers as numbers: headline numbers, red list, all townships
    (no child named).  :data:`summary_formats` says how each column is written."""
    heads = headlines(b)
    numbers = key_numbers(b.overview)
    previous = b.overview.previous
    before = b.last.county if b.last else {}
    rules = config.SETTINGS["targets"]
    key = pd.DataFrame(
        {
            "指标": [h.label for h in heads],
            "数值": [numbers[h.key] for h in heads],
            "目标": [_number(rules[h.key]["green"]) if h.key in rules else None for h in heads],
            "状态": [_STATUS_WORDS.get(h.status, "") for h in heads],
            "变化": [
                _difference(h.key, numbers[h.key], previous.get(h.key)) if h.key in _CHANGE_BASE else None
                for h in heads
            ],
            "比较": [_CHANGE_BASE.get(h.key, "") for h in heads],
            "较上次汇报": [
                _difference(h.key, numbers[h.key], before.get(h.key)) if b.last else None for h in heads
            ],
            "口径": [h.help or "" for h in heads],
        }
    )
    r = red_list(b)
    red = pd.DataFrame(
        {
            RED_COLUMNS["name"]: r["name"],
            RED_COLUMNS["behind"]: r["behind"],
            **{RED_COLUMNS[m]: r[m].astype("float64") for m in RED_MEASURES},
            RED_COLUMNS["open_cases"]: r["open_cases"].astype("int64"),
            RED_COLUMNS["new"]: r["new"].map(lambda v: "—" if v is None else ("新上榜" if v else "仍在榜")),
        }
    )
    towns, _, _ = overview_view.township_table(b.overview)
    return {"关键指标": key, "乡镇红名单": red, "各乡镇汇总": towns}


def summary_formats(b: Briefing) -> dict[str, dict[str, Any]]:
    """Excel formats of :func:`summary_sheets`: rates as 96.3%, counts as 12,345, changes signed
    (rates in percentage points) — each row of 关键指标 in its own measure's format."""
    kinds = ["pct" if k in RATE_MEASURES else "count" for k in KEY_MEASURES]
    changes = ["delta_pp" if k in RATE_MEASURES else "delta" for k in KEY_MEASURES]
    return {
        "关键指标": {"数值": kinds, "目标": "pct", "变化": changes, "较上次汇报": changes},
        "乡镇红名单": {
            **{RED_COLUMNS[m]: "pct" for m in RED_MEASURES},
            RED_COLUMNS["open_cases"]: "count",
        },
        "各乡镇汇总": overview_view.TOWNSHIP_XLSX_FORMATS,
    }


def summary_xlsx(b: Briefing) -> bytes:
    """:func:`summary_sheets` as an .xlsx (numbers in the house formats, formula-safe, a title row per sheet)."""
    sheets = summary_sheets(b)
    return reports.to_xlsx_bytes(
        sheets, titles={k: f"{k} · {stamp(b)}" for k in sheets}, formats=summary_formats(b)
    )


# ------------------------------------------------------------------ snapshots
def scope_key(scope: Scope) -> str:
    """What makes two briefings comparable: the same county, townships, schools, levels and year."""
    return json.dumps(
        [scope.county, scope.townships, scope.schools, scope.levels, scope.school_year], ensure_ascii=False
    )


def snapshot_numbers(b: Briefing) -> dict[str, Any]:
    """What a snapshot keeps: county numbers, red townships, township rates and cases."""
    t = b.overview.townships

    def num(v: Any) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    return {
        "county": {k: num(v) for k, v in key_numbers(b.overview).items()},
        "red": red_list(b)["code"].tolist(),
        "townships": {
            r.code: {m: num(getattr(r, m)) for m in (*RED_MEASURES, "suspected", "dropouts")}
            for r in t.itertuples()
        },
    }


def save_snapshot(con: duckdb.DuckDBPyConnection, b: Briefing) -> str:
    """Store the briefing's numbers, so the next briefing can say what changed; returns its id."""
    permissions.require(b.scope, "briefing")
    sid = f"{b.scope.as_of.isoformat()}-{uuid.uuid4().hex[:8]}"
    con.execute(
        f"INSERT INTO {SNAPSHOT_TABLE} (snapshot_id, scope_key, scope_text, as_of, saved_at, saved_by, numbers) "
        "VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, ?)",
        [
            sid,
            scope_key(b.scope),
            b.scope.describe(),
            b.scope.as_of,
            b.scope.user,
            json.dumps(snapshot_numbers(b), ensure_ascii=False),
        ],
    )
    return sid


def last_snapshot(con: duckdb.DuckDBPyConnection, scope: Scope) -> Snapshot | None:
    """The latest snapshot of the same Scope with data from before ``scope.as_of`` (the last meeting)."""
    row = con.execute(
        f"SELECT snapshot_id, as_of, saved_by, numbers FROM {SNAPSHOT_TABLE} "
        "WHERE scope_key = ? AND as_of < ? ORDER BY as_of DESC, saved_at DESC LIMIT 1",
        [scope_key(scope), scope.as_of],
    ).fetchone()
    if row is None:
        return None
    return Snapshot(snapshot_id=row[0], as_of=row[1], saved_by=row[2], numbers=json.loads(row[3]))


def save(b: Briefing) -> str:
    """:func:`save_snapshot` in its own unit of work, recorded in the audit log; returns the id."""

    with store.transaction() as con:
        sid = save_snapshot(con, b)
    audit.record(b.scope, "briefing_saved", snapshot=sid)
    return sid


def load_last_snapshot(scope: Scope) -> Snapshot | None:
    """:func:`last_snapshot` in its own short unit of work (for the page)."""
    with store.connect() as con:
        return last_snapshot(con, scope)


def load_snapshots(scope: Scope) -> pd.DataFrame:
    """:func:`snapshots` in its own short unit of work (for the page)."""
    with store.connect() as con:
        return snapshots(con, scope)


def snapshots_view(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`snapshots` for the page: dates as 2026年11月20日, times to the minute."""
    out = table.copy()
    if not out.empty:
        out["统计日期"] = out["统计日期"].map(fmt.fmt_date)
        out["保存时间"] = out["保存时间"].map(fmt.fmt_datetime)
    return out


def snapshots(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Saved snapshots of the same Scope, newest first (id, data date, saved at, by)."""
    return store.frame(
        con,
        f"SELECT snapshot_id AS 编号, as_of AS 统计日期, saved_at AS 保存时间, saved_by AS 保存人 "
        f"FROM {SNAPSHOT_TABLE} WHERE scope_key = ? ORDER BY as_of DESC, saved_at DESC",
        [scope_key(scope)],
    )


# ------------------------------------------------------------------ the HTML file
def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _inline_asset(rel: str) -> str:
    """A vendored file's text, CSS images turned into data: URIs (nothing left to fetch)."""
    path = config.STATIC_DIR / "vendor" / rel
    text = path.read_text(encoding="utf-8")
    if rel.endswith(".css"):

        def repl(m: re.Match) -> str:
            img = path.parent / m.group(1)
            return f"url({_data_uri(img, 'image/png')})" if img.is_file() else "none"

        text = re.sub(r"url\((images/[^)]+\.png)\)", repl, text)
    return text


def standalone_map_html(m: folium.Map) -> str:
    """A map built with ``static_url=_ASSET_PREFIX`` as a page with Leaflet inlined and nothing linked."""
    page = maps.map_html(m)

    def script(match: re.Match) -> str:
        rel = match.group(1)
        return f"<script>{_inline_asset(rel)}</script>" if rel in _INLINE_ASSETS else ""

    def style(match: re.Match) -> str:
        rel = match.group(1)
        return f"<style>{_inline_asset(rel)}</style>" if rel in _INLINE_ASSETS else ""

    page = re.sub(rf'<script src="{_ASSET_PREFIX}/([^"]+)"></script>', script, page)
    page = re.sub(rf'<link rel="stylesheet" href="{_ASSET_PREFIX}/([^"]+)"\s*/?>', style, page)
    # after Leaflet's own stylesheet, so that the map stays white (as in the app)
    page = page.replace("</head>", "<style>.leaflet-container{background:#ffffff}</style></head>", 1)
    if _ASSET_PREFIX in page:  # a link this code does not know how to inline: never ship it
        raise RuntimeError("map still links vendored assets")
    return page


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


#: Chart size in the file (pixels): two side by side on a laptop screen and, unscaled, on A4 landscape
#: (277 × 190 mm printable: about 1,047 × 718 CSS pixels), so printed type is the size it was drawn at.
FILE_CHART_WIDTH, FILE_CHART_HEIGHT = 505, 560


def _figure_div(fig: go.Figure, div_id: str) -> str:
    """A chart at a fixed size (:func:`figures` with ``medium="print"``), so that screen and paper
    lay it out the same way (no resize on print)."""
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displayModeBar": False, "responsive": False},
    )


_STATUS_CSS = {"red": "#d73027", "amber": "#f39c12", "green": "#1a9850", "grey": "#9e9e9e", "none": "#444444"}

_CSS = """
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Source Han Sans SC",sans-serif;
  color:#111;background:#fff;margin:0;padding:24px 32px;line-height:1.45}
header{border-bottom:4px solid #1f3864;margin-bottom:16px;padding-bottom:8px}
h1{font-size:28px;margin:0 0 4px;color:#1f3864} h2{font-size:21px;margin:22px 0 10px;color:#1f3864}
.meta{color:#333;font-size:15px} .demo{color:#8a4b00;font-size:13px;margin-top:4px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:10px}
.card{border:1px solid #bbb;border-left:8px solid #444;border-radius:6px;padding:8px 12px;break-inside:avoid}
.card .label{font-size:14px;color:#333} .card .value{font-size:30px;font-weight:700}
.card .sub{font-size:12.5px;color:#333}
table.red{border-collapse:collapse;width:100%;font-size:15px}
table.red th,table.red td{border:1px solid #999;padding:5px 8px;text-align:left}
table.red th{background:#1f3864;color:#fff}
td.s-red{background:#fbe3e1;font-weight:700;color:#a50f15} td.s-amber{background:#fff1d6}
td.s-green{background:#e3f4e8}
.map{width:100%;height:560px;border:1px solid #999}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart{break-inside:avoid;border:1px solid #ddd;padding:4px;width:fit-content}
.note{font-size:12px;color:#444} footer{margin-top:20px;border-top:1px solid #999;padding-top:8px}
section{break-inside:avoid-page}
@page{size:A4 landscape;margin:10mm}
@media print{
  body{padding:0;font-size:12px} h1{font-size:20px} h2{font-size:15px;margin:6px 0 4px}
  header{margin-bottom:6px;padding-bottom:4px} .meta{font-size:12px}
  .cards{grid-template-columns:repeat(5,1fr);gap:6px} .card{padding:3px 8px;border-left-width:6px}
  .card .label{font-size:11px} .card .value{font-size:19px} .card .sub{font-size:10px}
  table.red{font-size:11px} table.red th,table.red td{padding:2px 6px} table.red tr{break-inside:avoid}
  table.red thead{display:table-header-group} section#red-list{break-inside:auto}
  section.page{break-before:page} .map{height:165mm}
  .charts{flex-wrap:nowrap;gap:8px} .chart{page-break-inside:avoid;border:none;padding:0}
  footer.note{font-size:10px;margin-top:8px}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def cards_html(heads: list[Headline], last: Snapshot | None, *, lang: str = "zh") -> str:
    items = []
    for h in heads:
        since_last = h.since_last and f"{t('较上次汇报', lang)} {h.since_last}"
        subs = [x for x in (t(h.note, lang) if h.note else None, h.target, h.delta, since_last) if x]
        items.append(
            f'<div class="card" style="border-left-color:{_STATUS_CSS.get(h.status, "#444")}">'
            f'<div class="label">{html_lib.escape(h.label)}</div><div class="value">{html_lib.escape(h.value)}</div>'
            + "".join(f'<div class="sub">{html_lib.escape(s)}</div>' for s in subs)
            + "</div>"
        )
    since = (
        t("br_last", lang).format(day=fmt.fmt_date(last.as_of, lang=lang)) if last else t("br_no_last", lang)
    )
    return f'<div class="cards">{"".join(items)}</div><p class="note">{html_lib.escape(since)}</p>'


def red_list_html(b: Briefing, *, lang: str = "zh") -> str:
    """The red list as an HTML table (cells tinted by status), or a sentence when it is empty."""
    shown, colours = red_table(b, lang=lang)
    absent = [t(metrics.MEASURE_LABELS[m], lang) for m in RED_MEASURES if m in b.overview.missing]
    why = t("item_sep", lang).join(
        t(b.overview.missing[m], lang) for m in RED_MEASURES if m in b.overview.missing
    )
    missing = (
        f'<p class="note">{html_lib.escape(t("br_absent", lang).format(what=t("list_sep", lang).join(absent), why=why))}</p>'
        if absent
        else ""
    )
    if shown.empty:
        return f'<p class="meta">{html_lib.escape(t("br_no_red", lang))}</p>' + missing
    head = "".join(f"<th>{html_lib.escape(c)}</th>" for c in shown.columns)
    body = []
    for i in shown.index:
        cells = "".join(
            f'<td class="s-{colours.at[i, c]}">{html_lib.escape(str(shown.at[i, c]))}</td>'
            for c in shown.columns
        )
        body.append(f"<tr>{cells}</tr>")
    gone = left_red_list(b)
    gone_text = t("br_gone", lang).format(names=t("list_sep", lang).join(gone))
    after = f'<p class="note">{html_lib.escape(gone_text)}</p>' if gone else ""
    return f'<table class="red"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{after}{missing}'


def _rule_text() -> str:
    rules = config.SETTINGS["targets"]
    return "；".join(
        f"{metrics.MEASURE_LABELS[m]} 红线 {fmt.fmt_pct(rules[m]['red'])}、目标 {fmt.fmt_pct(rules[m]['green'])}"
        for m in RED_MEASURES
    )


def render_html(b: Briefing, shapes: dict[str, Any]) -> str:
    """The 简报: one self-contained HTML page (A4 landscape print stylesheet, no outside resource).

    Parameters
    ----------
    b
        The briefing.
    shapes
        Township polygons and county outline (:func:`township_shapes`).

    Returns
    -------
    str
        The page: date, Scope, key numbers, red list, school map (Leaflet inlined
        in an ``iframe srcdoc``), dropout and aid charts (plotly.js inlined).
    """
    title = f"{config.COUNTY_NAME}控辍保学与学生资助工作简报"
    figs = figures(b, medium="print", height=FILE_CHART_HEIGHT, width=FILE_CHART_WIDTH)
    m = school_map(b, shapes, static_url=_ASSET_PREFIX)
    map_doc = html_lib.escape(standalone_map_html(m), quote=True)
    s = b.scope
    year = f"{s.school_year}-{s.school_year + 1}学年"
    demo = '<div class="demo">演示数据，非真实统计：合成数据，乡镇边界与驻地为示意。</div>' if b.demo else ""
    chart = lambda key: f'<div class="chart">{_figure_div(figs[key], f"fig_{key}")}</div>'  # noqa: E731
    formulas = "".join(
        f"<li><b>{html_lib.escape(h.label)}</b>：{html_lib.escape(h.help or '')}</li>" for h in headlines(b)
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_lib.escape(title)} · {fmt.fmt_date(s.as_of)}</title>
<style>{_CSS}</style>
<script>{_plotly_js()}</script>
</head><body>
<header><h1>{html_lib.escape(title)}</h1>
<div class="meta">范围：{html_lib.escape(where_text(b))} · {year} · 数据截至 {fmt.fmt_date(s.as_of)}</div>{demo}</header>
<section id="numbers"><h2>一、关键指标</h2>{cards_html(headlines(b), b.last)}</section>
<section id="red-list"><h2>二、乡镇红名单</h2>
<p class="note">{html_lib.escape(_rule_text())}。低于红线的指标标红。</p>{red_list_html(b)}</section>
<section id="map" class="page"><h2>三、学校分布与巩固率</h2>
<iframe class="map" title="学校分布与巩固率地图" srcdoc="{map_doc}"></iframe>
<p class="note">行政区划边界仅为示意。学校：形状表示类型，大小表示在校生数，颜色表示容量状况。</p></section>
<section id="dropout" class="page"><h2>四、控辍保学</h2><div class="charts">{chart("case_trend")}{chart("consolidation")}</div></section>
<section id="aid" class="page"><h2>五、学生资助</h2><div class="charts">{chart("aid_coverage")}{chart("aid_on_time")}</div></section>
<footer class="note"><b>口径</b><ul>{formulas}</ul>
本简报只含汇总数字，不含任何学生姓名或证件号。数字与系统“总览”页同一范围、同一日期的数字一致。</footer>
</body></html>
"""


def write_briefing(
    scope: Scope, out: Path, *, save: bool = False, xlsx: Path | None = None
) -> dict[str, Any]:
    """Compute the briefing of ``scope`` and write it to ``out`` (and the tables to ``xlsx``).

    One unit of work on the store; with ``save`` the numbers are kept as a snapshot.
    Returns a JSON-ready summary (path, bytes, numbers, red list, snapshot id).
    """
    scope = replace(scope, mask=True)  # a briefing never needs personal fields
    with store.connect() as con:
        b = compute_briefing(con, scope)
        shapes = township_shapes(con, scope)
        sid = save_snapshot(con, b) if save else None
    page = render_html(b, shapes)
    out.write_text(page, encoding="utf-8")
    if xlsx is not None:
        xlsx.write_bytes(summary_xlsx(b))
    return {
        "path": str(out),
        "bytes": len(page.encode("utf-8")),
        "xlsx": str(xlsx) if xlsx else None,
        "scope": scope.describe(),
        "as_of": scope.as_of.isoformat(),
        "numbers": key_numbers(b.overview),
        "red_list": red_list(b)["name"].tolist(),
        "last_snapshot": b.last.snapshot_id if b.last else None,
        "snapshot": sid,
    }
