"""学校布局: schools against school-age children, coverage by township, five-year projection.

:func:`load_layout_data` reads the store for one Scope; :func:`compute_layout`
turns it into the page's (and the CLI's) numbers with the accessibility rule of
:func:`lib.core.geo.village_reach`, the projection of :mod:`lib.layout.population` and the
layout standards of ``config.SETTINGS["layout"]``.  Pure functions on
DataFrames apart from the loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, fmt, geo, i18n, places, schema, store
from lib.core.history import first_record
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope
from lib.layout import population
from lib.present import charts
from lib.present.cards import AMBER, BLUE, GREEN, GREY, RED, SCHOOL_STATUS_COLOURS, SCHOOL_STATUS_LABELS, Card

#: Utilisation classes of a school, in the order a planner acts on them, with their colours.
STATUS_LABELS, STATUS_COLOURS = SCHOOL_STATUS_LABELS, SCHOOL_STATUS_COLOURS
BAND_LABELS: dict[str, str] = {"primary": "小学(6-11岁)", "junior": "初中(12-14岁)"}

#: Columns of the township table with their Chinese headers.
TOWNSHIP_COLUMNS: dict[str, str] = {
    "name": "乡镇(街道)",
    "children": "学龄儿童",
    "within_reach": "就近可达",
    "share": "可达比例",
    "mean_km": "平均距离(km)",
    "p95_km": "95%距离(km)",
    "seats_per_child": "人均学位(可达)",
    "schools": "学校数",
    "seats": "学位",
    "over_capacity": "超容量学校",
    "small_schools": "不足100人学校",
    "boarding_beds": "寄宿床位",
    "projected_children": "五年后学龄儿童",
    "projected_change": "五年变化",
}


@dataclass(frozen=True)
class LayoutData:
    """What the store holds for the layout of one Scope (frames are not to be mutated)."""

    scope: Scope
    townships: pd.DataFrame  # code, name, kind, geometry
    county_wkt: str | None
    villages: pd.DataFrame  # code, township_code, name, lon, lat (villages in Scope)
    population: pd.DataFrame  # village_code, year, age, persons (villages in Scope)
    schools: pd.DataFrame  # every school of the county with enrolment columns
    grades: pd.DataFrame  # school_code, grade, students (today)
    history: pd.DataFrame  # school_code, school_year, students
    in_scope: frozenset[str] = field(default_factory=frozenset)
    # pupils by school, home village and grade today (every school of the county: pupils of a
    # closed school may go to any school, and a receiving school's own pupils count)
    origins: pd.DataFrame = field(
        default_factory=pd.DataFrame
    )  # school_code, village_code, grade, students, boarders
    # every village of the county with its point and children (aggregates): homes across the border
    county_villages: pd.DataFrame = field(default_factory=pd.DataFrame)  # code, township_code, name, lon, lat
    county_population: pd.DataFrame = field(default_factory=pd.DataFrame)  # village_code, year, age, persons
    # a day before the store's first record of schools: when that record begins (else None)
    records_from: date | None = None

    @property
    def base_year(self) -> int:
        years = self.population["year"]
        if years.empty:
            return int(self.scope.school_year)
        past = years[years <= self.scope.school_year]
        return int(past.max() if not past.empty else years.min())


def reach_scope(scope: Scope) -> Scope:
    """The Scope of the schools that count for reach: every school of the county.

    The issue's definition counts schools in any township (children cross
    township lines); school sites and seats are public facility data.  A role
    that may not see other townships' schools would be restricted here.
    """
    return replace(scope, townships=None, schools=None, levels=None)


def load_layout_data(con: duckdb.DuckDBPyConnection, scope: Scope) -> LayoutData:
    """Read townships, villages, population, schools and enrolment for ``scope``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store connection.
    scope : Scope
        Villages (and so children) are those of the Scope's townships; schools
        are those of the whole county (see :func:`reach_scope`), with
        ``in_scope`` naming the ones the Scope itself selects.
    """
    tw, tp = scope.township_where("t.code")
    towns = store.frame(
        con, f"SELECT t.code, t.name, t.kind, t.geometry FROM townships t WHERE {tw} ORDER BY 1", tp
    )
    row = con.execute("SELECT geometry FROM counties WHERE code = ?", [scope.county]).fetchone()
    vw, vp = scope.village_where("v")
    villages = store.frame(
        con, f"SELECT v.code, v.township_code, v.name, v.lon, v.lat FROM villages v WHERE {vw} ORDER BY 1", vp
    )
    r = places.as_of(con, scope)  # a past date reads schools, roll, counts and population as they stood
    pop = store.frame(
        con,
        f"SELECT p.village_code, p.year, p.age, p.persons FROM {r['village_population']} p "
        f"JOIN villages v ON v.code = p.village_code WHERE {vw}",
        vp,
    )
    sw, sp = reach_scope(scope).school_where("sc")
    schools = store.frame(
        con,
        f"SELECT sc.code, sc.name, sc.level, sc.township_code, sc.lon, sc.lat, sc.capacity, sc.classes, "
        f"sc.boarding_beds, sc.teachers FROM {r['schools']} sc WHERE {sw} ORDER BY 1",
        sp,
    )
    grades = store.frame(
        con,
        f"SELECT st.school_code, st.grade, st.class_no, count(*) AS students, "
        f"count(*) FILTER (WHERE st.boarding) AS boarders FROM {r['students']} st "
        f"JOIN {r['schools']} sc ON sc.code = st.school_code WHERE st.status IN {ENROLLED_SQL} AND {sw} "
        f"GROUP BY 1, 2, 3",
        sp,
    )
    history = store.frame(
        con,
        f"SELECT ec.school_code, ec.school_year, sum(ec.students) AS students FROM {r['enrolment_counts']} ec "
        f"JOIN {r['schools']} sc ON sc.code = ec.school_code WHERE {sw} GROUP BY 1, 2 ORDER BY 1, 2",
        sp,
    )
    ow, op = scope.school_where("sc")
    mine = {x[0] for x in con.execute(f"SELECT sc.code FROM {r['schools']} sc WHERE {ow}", op).fetchall()}
    origins = store.frame(
        con,
        f"SELECT st.school_code, st.village_code, st.grade, count(*) AS students, "
        f"count(*) FILTER (WHERE st.boarding) AS boarders FROM {r['students']} st "
        f"JOIN {r['schools']} sc ON sc.code = st.school_code WHERE st.status IN {ENROLLED_SQL} AND {sw} "
        f"GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        sp,
    )
    cw, cp = reach_scope(scope).village_where("v")
    county_villages = store.frame(
        con, f"SELECT v.code, v.township_code, v.name, v.lon, v.lat FROM villages v WHERE {cw} ORDER BY 1", cp
    )
    county_pop = store.frame(
        con,
        f"SELECT p.village_code, p.year, p.age, p.persons FROM {r['village_population']} p "
        f"JOIN villages v ON v.code = p.village_code WHERE {cw}",
        cp,
    )
    first = first_record(con, "schools")  # nothing to lay out before the store knew schools
    return LayoutData(
        records_from=first if first is not None and scope.as_of < first else None,
        scope=scope,
        townships=towns,
        county_wkt=row[0] if row else None,
        villages=villages,
        population=pop,
        schools=school_stats(schools, grades),
        grades=grades,
        history=history,
        in_scope=frozenset(mine),
        origins=origins,
        county_villages=county_villages,
        county_population=county_pop,
    )


def school_stats(schools: pd.DataFrame, classes: pd.DataFrame) -> pd.DataFrame:
    """Schools with enrolment, boarders, largest class, classes over 大班额 and a utilisation status.

    Parameters
    ----------
    schools : pandas.DataFrame
        ``code``, ``level``, ``capacity``, ``classes``, ``boarding_beds`` ...
    classes : pandas.DataFrame
        ``school_code``, ``grade``, ``class_no``, ``students``, ``boarders`` (pupils per class today).

    Returns
    -------
    pandas.DataFrame
        ``schools`` plus ``enrolled``, ``enrolled_primary``, ``enrolled_junior``, ``boarders``,
        ``max_class``, ``large_classes``, ``utilisation`` and ``status`` (over/large/normal/small).
    """
    lay = config.SETTINGS["layout"]
    c = classes.copy()
    c["primary"] = np.where(c["grade"] <= 6, c["students"], 0)
    c["junior"] = np.where(c["grade"] >= 7, c["students"], 0)
    c["large"] = (c["students"] > lay["large_class"]).astype(int)
    agg = c.groupby("school_code").agg(
        enrolled=("students", "sum"),
        enrolled_primary=("primary", "sum"),
        enrolled_junior=("junior", "sum"),
        boarders=("boarders", "sum"),
        max_class=("students", "max"),
        large_classes=("large", "sum"),
    )
    out = schools.merge(agg, left_on="code", right_index=True, how="left")
    for col in agg.columns:
        out[col] = out[col].fillna(0).astype(int)
    cap = out["capacity"].astype(float)
    out["utilisation"] = np.where(cap > 0, out["enrolled"] / cap.where(cap > 0), np.nan)
    out["status"] = school_status(out)
    return out


def school_status(schools: pd.DataFrame) -> pd.Series:
    """over (enrolled > capacity), large (a class above 大班额), small (< 100 pupils), else normal."""
    lay = config.SETTINGS["layout"]
    status = np.where(
        schools["enrolled"]
        > schools["capacity"].astype(float).fillna(np.inf),  # no capacity given: never over
        "over",
        np.where(
            schools["large_classes"] > 0,
            "large",
            np.where(schools["enrolled"] < lay["small_school"], "small", "normal"),
        ),
    )
    return pd.Series(status, index=schools.index)


def small_school_count(whole_school_pupils: pd.Series) -> int:
    """乡村小规模学校: schools with fewer than ``layout.small_school`` pupils in the whole school
    (both bands of a 九年一贯制 school together).  The one count 学校布局 and 布局规划 show."""
    pupils = pd.Series(whole_school_pupils, dtype="float64").round(6)  # 99.9999999 moved pupils are 100
    return int((pupils < config.SETTINGS["layout"]["small_school"]).sum())


def band_supply(schools: pd.DataFrame, band: str) -> pd.DataFrame:
    """The band's schools with ``seats`` and ``band_enrolled`` for that band.

    A 九年一贯制 school's seats are split between the bands in proportion to its
    pupils (by grades, 6:3, when it has none).
    """
    s = geo.band_schools(schools, band).copy()
    col = "enrolled_primary" if band == "primary" else "enrolled_junior"
    share_grades = 6 / 9 if band == "primary" else 3 / 9
    total = s["enrolled_primary"] + s["enrolled_junior"]
    share = np.where(total > 0, s[col] / total.where(total > 0), share_grades)
    both = s["level"] == "九年一贯制"
    s["seats"] = np.where(both, s["capacity"].fillna(0) * share, s["capacity"].fillna(0))
    s["band_enrolled"] = s[col]
    return s


# ---------------------------------------------------------------- the computation


@dataclass(frozen=True)
class LayoutView:
    """Everything the 学校布局 page and ``cli coverage`` show for one band."""

    band: str
    km: float
    detour: float
    base_year: int
    year: int  # the year whose children are shown
    reach: pd.DataFrame  # villages with children, school_code, straight_km, road_km, within, access
    townships: pd.DataFrame  # one row per township (TOWNSHIP_COLUMNS + code)
    county: dict[str, Any]
    schools: pd.DataFrame  # band schools with seats, status, projected columns
    projection: pd.DataFrame  # school_code, year, enrolled (band grades)
    township_trend: pd.DataFrame  # code, year, children
    # the Scope's own schools: every school, seat and bed figure counts only these (reach counts all)
    in_scope: frozenset[str] = frozenset()


def compute_layout(
    data: LayoutData,
    *,
    band: str,
    km: float | None = None,
    detour: float | None = None,
    year: int | None = None,
    migration: dict[str, float] | None = None,
) -> LayoutView:
    """Coverage by township and county, and the five-year projection, for ``band``.

    Parameters
    ----------
    data : LayoutData
        From :func:`load_layout_data`.
    band : {"primary", "junior"}
    km, detour : float, optional
        Reach threshold and detour factor (default from config).
    year : int, optional
        Year of the children counted (base year .. base year + projection years); default the base year.
    migration : dict, optional
        Net migration rate per year by township code (default: the ``layout.migration_rates`` setting).

    Returns
    -------
    LayoutView
    """
    threshold, factor = geo.reach_settings(band, km=km, detour=detour)
    lay = config.SETTINGS["layout"]
    horizon = int(lay["projection_years"])
    base = data.base_year
    year = base if year is None else int(year)
    if not base <= year <= base + horizon:
        raise ValueError(f"year {year} outside {base}..{base + horizon}")
    v2t = dict(zip(data.villages["code"], data.villages["township_code"], strict=True))
    migration = lay.get("migration_rates") or None if migration is None else migration
    proj = (
        population.project_population(
            data.population, base_year=base, years=horizon, migration=migration, village_township=v2t
        )
        if not data.population.empty
        else data.population.assign(projected=False)
    )
    villages = data.villages.copy()
    villages["children"] = (
        population.band_children(proj, band=band, year=year).reindex(villages["code"]).fillna(0.0).to_numpy()
    )
    supply = band_supply(data.schools, band)
    reach = geo.village_reach(villages, supply, band=band, km=threshold, detour=factor)
    reach["access"] = geo.two_step_fca(reach, supply, km=threshold, detour=factor, supply="seats")

    now = villages.assign(
        children=population.band_children(proj, band=band, year=base)
        .reindex(villages["code"])
        .fillna(0.0)
        .to_numpy()
    )
    catchment = geo.village_reach(now, supply, band=band, km=threshold, detour=factor)
    enrolled = supply[["code", "band_enrolled"]].rename(
        columns={"code": "school_code", "band_enrolled": "enrolled"}
    )
    projection = (
        population.project_enrolment(enrolled, catchment, proj, band=band, base_year=base, years=horizon)
        if len(proj)
        else pd.DataFrame(columns=["school_code", "year", "enrolled"])
    )
    supply = _flag_projection(supply, projection, base + horizon)
    trend = _township_trend(proj, v2t, band=band, years=range(base, base + horizon + 1))
    own = supply[supply["code"].isin(data.in_scope)]
    towns = _township_rows(reach, own, data.townships, trend, base=base, last=base + horizon)
    county = _county_row(reach, own, trend, base=base, last=base + horizon)
    return LayoutView(
        band=band,
        km=threshold,
        detour=factor,
        base_year=base,
        year=year,
        reach=reach,
        townships=towns,
        county=county,
        schools=supply,
        projection=projection,
        township_trend=trend,
        in_scope=data.in_scope,
    )


def _flag_projection(supply: pd.DataFrame, projection: pd.DataFrame, last: int) -> pd.DataFrame:
    small = config.SETTINGS["layout"]["small_school"]
    final = projection[projection["year"] == last].set_index("school_code")["enrolled"]
    out = supply.copy()
    out["projected_enrolled"] = final.reindex(out["code"]).fillna(out["band_enrolled"]).to_numpy()
    out["will_be_small"] = (out["projected_enrolled"] < small) & (out["band_enrolled"] >= small)
    out["will_exceed"] = (out["projected_enrolled"] > out["seats"]) & (out["band_enrolled"] <= out["seats"])
    return out


def _township_trend(proj: pd.DataFrame, v2t: dict[str, str], *, band: str, years: range) -> pd.DataFrame:
    rows = []
    for y in years:
        kids = population.band_children(proj, band=band, year=y)
        by = kids.groupby(kids.index.map(v2t)).sum()
        rows += [{"code": code, "year": y, "children": float(n)} for code, n in by.items()]
    return pd.DataFrame(rows, columns=["code", "year", "children"])


def _summarise(reach: pd.DataFrame, schools: pd.DataFrame) -> dict[str, Any]:
    w = reach["children"].to_numpy(float)
    children = float(w.sum())
    within = float(w[reach["within"].to_numpy(bool)].sum())
    d = reach["road_km"].to_numpy(float)
    return {
        "children": int(round(children)),
        "within_reach": int(round(within)),
        "share": within / children if children > 0 else None,
        "mean_km": float(np.average(d, weights=w)) if children > 0 else None,
        "p95_km": geo.weighted_quantile(d, w, 0.95) if children > 0 else None,
        "seats_per_child": float(np.average(reach["access"], weights=w)) if children > 0 else None,
        "schools": len(schools),
        "seats": int(round(float(schools["seats"].sum()))) if len(schools) else 0,
        "over_capacity": int((schools["band_enrolled"] > schools["seats"]).sum() if len(schools) else 0),
        "small_schools": small_school_count(schools["enrolled"]),
        "boarding_beds": int(schools["boarding_beds"].fillna(0).sum()),
    }


def _township_rows(
    reach: pd.DataFrame,
    supply: pd.DataFrame,
    towns: pd.DataFrame,
    trend: pd.DataFrame,
    *,
    base: int,
    last: int,
) -> pd.DataFrame:
    share_flag = config.SETTINGS["layout"]["decline_flag_share"]
    rows = []
    by_reach = dict(tuple(reach.groupby("township_code")))
    by_supply = dict(tuple(supply.groupby("township_code")))
    now_by = trend[trend.year == base].groupby("code")["children"].sum()
    then_by = trend[trend.year == last].groupby("code")["children"].sum()
    for t in towns.itertuples():
        r = _summarise(by_reach.get(t.code, reach.iloc[:0]), by_supply.get(t.code, supply.iloc[:0]))
        now, then = float(now_by.get(t.code, 0.0)), float(then_by.get(t.code, 0.0))
        r.update(
            code=t.code,
            name=t.name,
            projected_children=int(round(then)),
            projected_change=(then / now - 1) if now > 0 else None,
        )
        r["declining"] = r["projected_change"] is not None and r["projected_change"] < -share_flag
        rows.append(r)
    cols = ["code", *TOWNSHIP_COLUMNS, "declining"]
    return pd.DataFrame(rows, columns=cols)


def _county_row(
    reach: pd.DataFrame, supply: pd.DataFrame, trend: pd.DataFrame, *, base: int, last: int
) -> dict[str, Any]:
    r = _summarise(reach, supply)
    now = trend[trend.year == base]["children"].sum()
    then = trend[trend.year == last]["children"].sum()
    r.update(projected_children=int(round(then)), projected_change=(then / now - 1) if now > 0 else None)
    return r


# ---------------------------------------------------------------- presentation helpers


def coverage_json(view: LayoutView) -> dict[str, Any]:
    """The ``cli coverage --json`` document: county and townships with children, within_reach, share."""

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        return {
            k: (None if isinstance(v, float) and np.isnan(v) else round(v, 4) if isinstance(v, float) else v)
            for k, v in d.items()
        }

    towns = [
        clean({k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
        for row in view.townships.drop(columns=["declining"]).to_dict("records")
    ]
    return {
        "band": view.band,
        "km": view.km,
        "detour_factor": view.detour,
        "year": view.year,
        "county": clean(dict(view.county)),
        "townships": towns,
    }


def township_table(view: LayoutView) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The township table with Chinese headers, and its cell colours (red/amber/green/none)."""
    t = view.townships
    shown = [c for c in TOWNSHIP_COLUMNS if c not in ("schools", "seats", "boarding_beds")]  # fit a laptop
    table = t[shown].rename(columns=TOWNSHIP_COLUMNS)
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    colours[TOWNSHIP_COLUMNS["share"]] = t["share"].map(
        lambda v: (
            "grey" if v is None or pd.isna(v) else "green" if v >= 0.95 else "amber" if v >= 0.85 else "red"
        )
    )
    colours[TOWNSHIP_COLUMNS["over_capacity"]] = t["over_capacity"].map(lambda n: "red" if n > 0 else "none")
    colours[TOWNSHIP_COLUMNS["small_schools"]] = t["small_schools"].map(
        lambda n: "amber" if n > 0 else "none"
    )
    colours[TOWNSHIP_COLUMNS["projected_change"]] = t["declining"].map(lambda f: "amber" if f else "none")
    return table, colours


def school_at_click(
    schools: pd.DataFrame, click: dict[str, Any] | None, *, base: str = "none", tolerance_km: float = 0.3
) -> str | None:
    """The code of the school drawn where the user clicked, or None.

    Parameters
    ----------
    schools : pandas.DataFrame
        ``code``, ``lon``, ``lat`` (WGS-84) of the schools on the map.
    click : dict or None
        st_folium's ``last_object_clicked`` (``{"lat": .., "lng": ..}``).
    base : str
        The base layer; on 高德 (``"gaode"``) the map is in GCJ-02 and the click is converted back.
    """
    if not click or click.get("lat") is None or click.get("lng") is None or schools.empty:
        return None
    lon, lat = float(click["lng"]), float(click["lat"])
    if base == "gaode":
        lon, lat = geo.gcj02_to_wgs84(lon, lat)
    d = geo.haversine_km(schools["lon"].to_numpy(float), schools["lat"].to_numpy(float), lon, lat)
    i = int(np.argmin(d))
    return str(schools["code"].iloc[i]) if d[i] <= tolerance_km else None


def school_card(data: LayoutData, view: LayoutView, code: str) -> dict[str, Any]:
    """A school's card: facts, enrolment by grade, class sizes, trend and projection."""
    s = data.schools[data.schools["code"] == code]
    if s.empty:
        raise KeyError(code)
    row = s.iloc[0]
    g = data.grades[data.grades["school_code"] == code]
    by_grade = (
        g.groupby("grade")
        .agg(
            students=("students", "sum"),
            classes=("class_no", "nunique"),
            largest=("students", "max"),
            boarders=("boarders", "sum"),
        )
        .reset_index()
    )
    by_grade.insert(0, "年级", by_grade["grade"].map(schema.GRADE_LABELS))
    by_grade = by_grade.drop(columns="grade").rename(
        columns={"students": "在校生", "classes": "班级数", "largest": "最大班额", "boarders": "寄宿生"}
    )
    hist = data.history[data.history["school_code"] == code][["school_year", "students"]]
    proj = view.projection[view.projection["school_code"] == code][["year", "enrolled"]]
    return {
        "code": code,
        "name": row["name"],
        "level": row["level"],
        "township_code": row["township_code"],
        "enrolled": int(row["enrolled"]),
        "capacity": None if pd.isna(row["capacity"]) else int(row["capacity"]),
        "classes": None if pd.isna(row["classes"]) else int(row["classes"]),
        "mean_class": row["enrolled"] / row["classes"] if row["classes"] else None,
        "max_class": int(row["max_class"]),
        "large_classes": int(row["large_classes"]),
        "boarding_beds": int(row["boarding_beds"] or 0),
        "boarders": int(row["boarders"]),
        "teachers": None if pd.isna(row["teachers"]) else int(row["teachers"]),
        "status": row["status"],
        "by_grade": by_grade,
        "history": hist.reset_index(drop=True),
        "projection": proj.reset_index(drop=True),
    }


#: Township measures the map can colour by: label, format, colours, breaks.
MAP_MEASURES: dict[str, dict[str, Any]] = {
    "share": {
        "label": "就近可达比例",
        "fmt": "{:.1%}",
        "colors": ["#d73027", "#fdae61", "#1a9850"],
        "bins": [0.85, 0.95],
    },
    "children_per_seat": {
        "label": "每学位学龄儿童",
        "fmt": "{:.2f}",
        "colors": ["#1a9850", "#fdae61", "#d73027"],
        "bins": [0.9, 1.05],
    },
    "projected_change": {
        "label": "五年学龄儿童变化",
        "fmt": "{:+.1%}",
        "colors": ["#d73027", "#fdae61", "#fee08b", "#1a9850"],
        "bins": [-0.3, -0.2, 0.0],
    },
}


def map_inputs(data: LayoutData, view: LayoutView, *, measure: str) -> dict[str, Any]:
    """Arguments for :func:`lib.present.maps.build_layout_map` (everything but the shapes and the base).

    Schools drawn are the band's schools in the Scope; villages carry only their
    aggregate children, distance and nearest school (never a child).
    """
    spec = MAP_MEASURES[measure]
    t = view.townships.set_index("code")
    if measure == "children_per_seat":
        seats = view.schools.groupby("township_code")["seats"].sum()
        per = t["children"] / seats.reindex(t.index).where(lambda s: s > 0)
        values = {c: (None if pd.isna(v) else float(v)) for c, v in per.items()}
    else:
        values = {c: (None if v is None or pd.isna(v) else float(v)) for c, v in t[measure].items()}
    schools = view.schools[view.schools["code"].isin(data.in_scope)]
    loc = data.schools.set_index("code")[["lon", "lat"]]
    villages = view.reach.assign(
        school_lon=loc["lon"].reindex(view.reach["school_code"]).to_numpy(),
        school_lat=loc["lat"].reindex(view.reach["school_code"]).to_numpy(),
    )
    title = f"{spec['label']} · {BAND_LABELS[view.band]} · {view.year}年"
    return {
        "schools": schools,
        "villages": villages,
        "values": values,
        "measure_title": title,
        "measure_fmt": spec["fmt"],
        "measure_colors": spec["colors"],
        "measure_bins": spec["bins"],
        "ring_km": view.km / view.detour,
    }


def cards(view: LayoutView, *, lang: str = "zh") -> list[Any]:
    """The county's big numbers for the band (lib.present.cards.Card objects); the help of the
    numbers that depend on the choices is written in ``lang``, the rest translate by their text."""

    c = view.county
    band = i18n.t(BAND_LABELS[view.band], lang)
    num = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
    return [
        Card(
            "学龄儿童",
            fmt.fmt_count(c["children"], lang=lang),
            help=i18n.t("lay_children_help", lang).format(band=band, year=view.year),
        ),
        Card(
            "就近可达比例",
            fmt.fmt_pct(c["share"]),
            help=i18n.t("lay_share_help", lang).format(detour=f"{view.detour:g}", km=f"{view.km:g}"),
        ),
        Card(
            "平均 / 95%距离(km)",
            f"{num(c['mean_km'])} / {num(c['p95_km'])}",
            help="到最近的该学段学校，道路估算(直线×绕行系数)，按儿童加权",
        ),
        Card(
            "人均可达学位",
            "—" if c["seats_per_child"] is None else f"{c['seats_per_child']:.2f}",
            help="两步移动搜索法(2SFCA)：服务范围内学位/儿童",
        ),
        Card("超容量学校", f"{c['over_capacity']:,}", help="该学段在校生多于核定学位", inverse=True),
        Card("不足100人学校", f"{c['small_schools']:,}", help="乡村小规模学校(全校在校生 < 100)"),
        Card("寄宿床位", f"{c['boarding_beds']:,}", help="该学段学校的寄宿床位(寄宿不计入就近可达)"),
        Card(
            "五年后学龄儿童",
            fmt.fmt_count(c["projected_children"], lang=lang),
            delta=None if c["projected_change"] is None else fmt.fmt_pct(c["projected_change"]),
            help=i18n.t("lay_projected_help", lang).format(year=view.base_year + 5),
        ),
    ]


def plot_distance(view: LayoutView, *, title: str) -> Any:
    """Children by estimated distance to the nearest band school (1 km bins), threshold marked."""
    import plotly.graph_objects as go

    r = view.reach
    known = r["road_km"].dropna()  # a year without children placed: no distance known
    top = max(float(known.max()) if len(known) else 1.0, view.km) + 1
    edges = np.arange(0, np.ceil(top) + 0.5, 0.5)
    counts, _ = np.histogram(r["road_km"].fillna(0), bins=edges, weights=r["children"])
    colours = [GREEN if e + 0.5 <= view.km + 1e-9 else RED for e in edges[:-1]]
    fig = go.Figure(
        go.Bar(
            x=edges[:-1] + 0.25,
            y=counts,
            width=0.48,
            marker_color=colours,
            hovertemplate="%{x:.2f} km: %{y:,.0f} 人<extra></extra>",
        )
    )
    fig.update_traces(showlegend=False)
    charts.reference_line(fig, view.km, f"阈值 {view.km:g} km", colour="#333333", dash="dash")
    fig.update_xaxes(title="到最近学校距离(km，道路估算)")
    fig.update_yaxes(title="学龄儿童")
    return charts.style(fig, title)


def plot_projection(view: LayoutView, *, title: str) -> Any:
    """Projected enrolment of the band's schools and school-age children, by year."""
    import plotly.graph_objects as go

    own = view.projection["school_code"].isin(view.in_scope)
    enrol = view.projection[own].groupby("year")["enrolled"].sum()
    kids = view.township_trend.groupby("year")["children"].sum()
    fig = go.Figure()
    fig.add_scatter(
        x=kids.index, y=kids.values, name="学龄儿童(户籍)", mode="lines+markers", line={"color": BLUE}
    )
    fig.add_scatter(
        x=enrol.index, y=enrol.values, name="预计在校生", mode="lines+markers", line={"color": AMBER}
    )
    seats = float(view.schools[view.schools["code"].isin(view.in_scope)]["seats"].sum())
    charts.reference_line(fig, seats, f"学位 {seats:,.0f}", axis="y", colour=GREY, dash="dot")
    fig.update_xaxes(dtick=1)
    return charts.style(fig, title)


def school_flags(view: LayoutView, data: LayoutData, *, lang: str = "zh") -> pd.DataFrame:
    """Schools that will fall under 100 pupils or exceed their seats within the projection
    (the projected year's header in ``lang``)."""
    s = view.schools[
        (view.schools["will_be_small"] | view.schools["will_exceed"])
        & view.schools["code"].isin(data.in_scope)
    ]
    names = dict(zip(data.townships["code"], data.townships["name"], strict=True))
    out = pd.DataFrame(
        {
            "学校": s["name"],
            "类型": s["level"],
            "乡镇": s["township_code"].map(names),
            "今年在校生(本学段)": s["band_enrolled"].astype(int),
            i18n.t("lay_projected_col", lang).format(year=view.base_year + 5): s["projected_enrolled"]
            .round()
            .astype(int),
            "学位(本学段)": s["seats"].round().astype(int),
            "提示": np.where(s["will_exceed"], "将超容量", "将不足100人"),
        }
    )
    return out.reset_index(drop=True)


def _km_text(v: Any) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:.1f}"


#: Formats of the township table's columns (by Chinese header).
TABLE_FORMATS: dict[str, Any] = {
    TOWNSHIP_COLUMNS["children"]: "{:,}",
    TOWNSHIP_COLUMNS["within_reach"]: "{:,}",
    TOWNSHIP_COLUMNS["share"]: lambda v: "—" if v is None or pd.isna(v) else f"{v * 100:.1f}%",
    TOWNSHIP_COLUMNS["mean_km"]: _km_text,
    TOWNSHIP_COLUMNS["p95_km"]: _km_text,
    TOWNSHIP_COLUMNS["seats_per_child"]: lambda v: "—" if v is None or pd.isna(v) else f"{v:.2f}",
    TOWNSHIP_COLUMNS["boarding_beds"]: "{:,}",
    TOWNSHIP_COLUMNS["seats"]: "{:,}",
    TOWNSHIP_COLUMNS["projected_children"]: "{:,}",
    TOWNSHIP_COLUMNS["projected_change"]: lambda v: "—" if v is None or pd.isna(v) else f"{v * 100:+.1f}%",
}


def plot_school_trend(card: dict[str, Any]) -> Any:
    """A school's enrolment by school year (observed) and its projection (dashed)."""
    import plotly.graph_objects as go

    h, p = card["history"], card["projection"]
    fig = go.Figure()
    fig.add_scatter(
        x=h["school_year"],
        y=h["students"],
        name="历年在校生",
        mode="lines+markers",
        line={"color": BLUE},
    )
    if len(p):
        fig.add_scatter(
            x=p["year"],
            y=p["enrolled"].round(),
            name="预测(本学段)",
            mode="lines",
            line={"color": AMBER, "dash": "dash"},
        )
    if card["capacity"]:
        charts.reference_line(
            fig, card["capacity"], f"学位 {card['capacity']:,}", axis="y", colour=RED, dash="dot"
        )
    fig.update_xaxes(dtick=2, tickformat="d")
    return charts.style(fig, "在校生：历年与五年预测", height=300)


def township_export(view: LayoutView) -> pd.DataFrame:
    """Every township column (with the county as a last row) for the downloads."""
    rows = view.townships[["code", *TOWNSHIP_COLUMNS]].copy()
    county = {
        "code": "合计",
        "name": "全区",
        **{k: view.county.get(k) for k in TOWNSHIP_COLUMNS if k != "name"},
    }
    out = pd.concat([rows, pd.DataFrame([county])], ignore_index=True)
    return out.rename(columns={"code": "乡镇代码", **TOWNSHIP_COLUMNS})


def view_out_of_reach(view: LayoutView, data: LayoutData) -> pd.DataFrame:
    """:func:`out_of_reach_table` of ``view``'s own reach and threshold (``data``: the Scope's)."""
    return out_of_reach_table(data, view.reach, km=view.km)


def out_of_reach_table(
    data: LayoutData, reach: pd.DataFrame, *, km: float, names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Villages whose children of the band are beyond the threshold: township, village, children,
    the distance to the nearest school of the band and its name, farthest first (a 乡镇 head's list).

    Parameters
    ----------
    reach : pandas.DataFrame
        From :func:`lib.core.geo.village_reach` with ``children`` (a LayoutView's or a scenario's).
    km : float
        The threshold the distances were judged by.
    names : dict, optional
        School code -> name (default today's schools; a scenario adds its new ones).
    """
    towns = dict(zip(data.townships["code"], data.townships["name"], strict=True))
    names = names or dict(zip(data.schools["code"], data.schools["name"], strict=True))
    r = reach[~reach["within"].astype(bool) & (reach["children"] > 0)]
    out = pd.DataFrame(
        {
            "乡镇": r["township_code"].map(towns),
            "村(社区)": r["name"],
            "学龄儿童": r["children"].round().astype(int),
            "到最近学校(km，道路估算)": r["road_km"].round(2),
            "超出阈值(km)": (r["road_km"] - km).round(2),
            "最近的学校": r["school_code"].map(lambda c: names.get(c, c) if c else "—"),
        }
    )
    return out.sort_values(["到最近学校(km，道路估算)", "学龄儿童"], ascending=False).reset_index(drop=True)
