"""布局规划: what-if scenarios on the school network and what they change.

A scenario is a named list of changes (JSON-serialisable dicts):

* ``{"op": "close", "code": C}``: close school C;
* ``{"op": "merge", "code": A, "into": B}``: close A, its pupils go to B where B is within
  reach of their home (else as for a closure);
* ``{"op": "add", "code": N, "name": ..., "level": ..., "lon": .., "lat": .., "capacity": .., "boarding_beds": ..}``;
* ``{"op": "capacity", "code": C, "capacity": .., "boarding_beds": ..}``.

Children are counted where they live (:mod:`lib.layout.coverage`), so a scenario never
drops a child; reach uses :func:`lib.core.geo.village_reach` (one definition everywhere).
Pupils are placed by the rules of :mod:`lib.layout.assign` (reach from home, boarding
from grade 4, 无法安置 otherwise) in the scenario's year, and every school figure counts
the Scope's own schools only.  Optimal networks: :mod:`lib.layout.optimize`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import shapely

from lib.core import config, fmt, geo, i18n, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.layout import assign, population
from lib.layout import coverage as layout
from lib.present.cards import Card

OPS = ("close", "merge", "add", "capacity")


class ScenarioError(AppError, ValueError):
    """A change cannot be applied (unknown school, bad level ...)."""


class ScenarioConflict(AppError, RuntimeError):
    """Someone else saved the scenario since it was read (optimistic concurrency)."""


# ---------------------------------------------------------------- applying changes


def apply_changes(
    schools: pd.DataFrame, changes: list[dict[str, Any]]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The network after ``changes``: open schools, and closed school -> merge target (or "").

    Parameters
    ----------
    schools : pandas.DataFrame
        From :func:`lib.layout.coverage.school_stats` (``code``, ``level``, ``lon``, ``lat``,
        ``capacity``, ``boarding_beds``, ``enrolled_primary``, ``enrolled_junior`` ...).
    changes : list of dict
        See the module docstring.

    Raises
    ------
    ScenarioError
        Naming the change that cannot be applied.
    """
    net = schools.copy().set_index("code", drop=False)
    closed: dict[str, str] = {}
    for i, ch in enumerate(changes, start=1):
        op = ch.get("op")
        code = str(ch.get("code", ""))
        if op not in OPS:
            raise ScenarioError(f"第{i}项调整：未知操作 {op!r}")
        if op == "add":
            if ch.get("level") not in schema.LEVELS:
                raise ScenarioError(f"第{i}项调整：办学类型 {ch.get('level')!r} 无效")
            if code in net.index:
                raise ScenarioError(f"第{i}项调整：学校代码 {code} 已存在")
            row = {c: None for c in net.columns}
            row.update(
                code=code,
                name=ch.get("name") or f"新建学校{code}",
                level=ch["level"],
                township_code=ch.get("township_code"),
                lon=float(ch["lon"]),
                lat=float(ch["lat"]),
                capacity=int(ch.get("capacity") or 0),
                boarding_beds=int(ch.get("boarding_beds") or 0),
                classes=0,
                enrolled=0,
                enrolled_primary=0,
                enrolled_junior=0,
                boarders=0,
                max_class=0,
                large_classes=0,
            )
            net.loc[code] = pd.Series(row)
            continue
        if code not in net.index or code in closed:
            raise ScenarioError(f"第{i}项调整：学校 {code} 不存在或已撤并")
        if op == "capacity":
            for col in ("capacity", "boarding_beds"):
                if ch.get(col) is not None:
                    net.loc[code, col] = int(ch[col])
        elif op == "close":
            closed[code] = ""
        else:  # merge
            into = str(ch.get("into", ""))
            if into not in net.index or into in closed or into == code:
                raise ScenarioError(f"第{i}项调整：并入的学校 {into} 无效")
            closed[code] = into
    open_net = net[~net.index.isin(list(closed))].reset_index(drop=True)
    return open_net, closed


# ---------------------------------------------------------------- the effect of a scenario


@dataclass(frozen=True)
class Effect:
    """Numbers of one network for one band and year (the Scope's and per township).

    ``schools``: the band's open schools (every township: reach crosses borders) with
    ``pupils`` (band grades), ``pupils_all``, ``seats``, ``boarders``, ``boarding_beds``,
    ``classes_over_large``, ``classes_over_xlarge``, ``over`` and ``in_scope``; ``rows``: the
    assignment (:class:`lib.layout.assign.Assignment` rows, band grades, every pupil).
    """

    county: dict[str, Any]
    townships: pd.DataFrame
    reach: pd.DataFrame
    schools: pd.DataFrame
    rows: pd.DataFrame
    grades: pd.DataFrame
    year: int
    band: str
    km: float = 0.0  # the band's reach threshold the figures were judged by


def evaluate(
    data: layout.LayoutData,
    changes: list[dict[str, Any]],
    *,
    band: str,
    km: float | None = None,
    year: int | None = None,
) -> Effect:
    """Children within reach, where pupils go, classes, capacity and boarding after ``changes``.

    Parameters
    ----------
    data : LayoutData
    changes : list of dict
    band : {"primary", "junior"}
    km : float, optional
        Reach threshold of ``band`` (default config; the other band keeps its own).
    year : int, optional
        Year of the children and pupils (default the base year; up to the projection's last year).

    Returns
    -------
    Effect
        ``county`` (the Scope's figures) holds ``children_total``, ``children_within_reach``,
        ``children_beyond`` (children by home village, the coverage rule), ``pupils_total``,
        ``unplaced`` (无法安置), ``mean_km``, ``p95_km``, ``max_km`` (road estimate from home to
        the school each pupil is assigned to), ``schools``, ``seats``, ``schools_over_capacity``,
        ``schools_under_100`` (whole-school pupils), ``classes_over_large`` /
        ``classes_over_xlarge`` (a grade's classes when its pupils ÷ classes exceed 55 / 65),
        ``boarding_beds``, ``boarding_needed`` (boarders) and ``boarding_missing``.

    Raises
    ------
    ScenarioError
        A change cannot be applied, or ``year`` is outside the projection.
    """
    threshold, factor = geo.reach_settings(band, km=km)
    lay = config.SETTINGS["layout"]
    base = data.base_year
    year = base if year is None else int(year)
    if not base <= year <= base + int(lay["projection_years"]):
        raise ScenarioError(f"年份 {year} 超出预测范围 {base}-{base + int(lay['projection_years'])}")
    open_net, closed = apply_changes(data.schools, changes)
    added = _added(data, open_net)
    migration = lay.get("migration_rates") or None
    reach = children_reach(data, open_net, band=band, year=year, km=threshold, detour=factor)
    origins = assign.project_origins(
        data.origins,
        data.county_population,
        base_year=base,
        year=year,
        schools=data.schools,
        villages=data.county_villages,
        migration=migration,
        village_township=dict(
            zip(data.county_villages["code"], data.county_villages["township_code"], strict=True)
        ),
    )
    result = assign.assign_pupils(
        origins,
        open_net,
        data.county_villages,
        sites=data.schools,
        closed=closed,
        added=set(added),
        km=assign.thresholds(band=band, km=threshold),
        detour=factor,
    )
    grades = assign.school_grades(result.rows, assign.grade_classes(data.grades), added=added)
    sup = _school_table(data, open_net, grades, added, band=band)
    rows = _territory(data, result.rows, band=band)
    own_sup, own_rows = sup[sup["in_scope"]], rows[rows["in_scope"]]
    county = _effect_row(reach, own_sup, own_rows)
    by_reach = dict(tuple(reach.groupby("township_code")))
    by_sup = dict(tuple(own_sup.groupby("township_code")))
    by_rows = dict(tuple(own_rows.groupby("home_township")))
    towns = [
        {
            "code": t.code,
            "name": t.name,
            **_effect_row(
                by_reach.get(t.code, reach.iloc[:0]),
                by_sup.get(t.code, own_sup.iloc[:0]),
                by_rows.get(t.code, own_rows.iloc[:0]),
            ),
        }
        for t in data.townships.itertuples()
    ]
    return Effect(
        county=county,
        townships=pd.DataFrame(towns),
        reach=reach,
        schools=sup,
        rows=rows,
        grades=grades,
        year=year,
        band=band,
        km=threshold,
    )


def _added(data: layout.LayoutData, open_net: pd.DataFrame) -> dict[str, str]:
    """New schools of the network: code -> band (of their level)."""
    new = open_net[~open_net["code"].isin(set(data.schools["code"]))]
    return {
        c: ("junior" if lv == "初中" else "primary") for c, lv in zip(new["code"], new["level"], strict=True)
    }


def children_reach(
    data: layout.LayoutData, open_net: pd.DataFrame, *, band: str, year: int, km: float, detour: float
) -> pd.DataFrame:
    """The Scope's villages with the band's children of ``year``, their nearest open band school
    and whether it is within reach (:func:`lib.core.geo.village_reach`)."""
    base = data.base_year
    if not data.population.empty and year != base:
        proj = population.project_population(
            data.population,
            base_year=base,
            years=year - base,
            migration=config.SETTINGS["layout"].get("migration_rates") or None,
            village_township=dict(zip(data.villages["code"], data.villages["township_code"], strict=True)),
        )
    else:
        proj = data.population
    villages = data.villages.copy()
    villages["children"] = (
        population.band_children(proj, band=band, year=year).reindex(villages["code"]).fillna(0.0).to_numpy()
    )
    return geo.village_reach(villages, open_net, band=band, km=km, detour=detour)


def _school_table(
    data: layout.LayoutData, open_net: pd.DataFrame, grades: pd.DataFrame, added: dict[str, str], *, band: str
) -> pd.DataFrame:
    """The band's open schools with what they hold after the assignment."""
    sup = layout.band_supply(open_net, band).copy()
    lo, hi = schema.BAND_GRADES[band][0], schema.BAND_GRADES[band][-1]
    mine = grades[grades["grade"].between(lo, hi)]
    per = mine.groupby("school_code")[["pupils", "boarders", "large", "xlarge"]].sum()
    whole = grades.groupby("school_code")[["pupils", "boarders"]].sum()
    code = sup["code"]
    sup["pupils"] = code.map(per["pupils"]).fillna(0.0).to_numpy()
    sup["pupils_all"] = code.map(whole["pupils"]).fillna(0.0).to_numpy()
    sup["boarders"] = code.map(per["boarders"]).fillna(0.0).to_numpy()
    sup["boarders_all"] = code.map(whole["boarders"]).fillna(0.0).to_numpy()
    sup["classes_over_large"] = code.map(per["large"]).fillna(0).astype(int).to_numpy()
    sup["classes_over_xlarge"] = code.map(per["xlarge"]).fillna(0).astype(int).to_numpy()
    sup["boarding_beds"] = sup["boarding_beds"].fillna(0).astype(float)
    sup["over"] = sup["pupils"] > sup["seats"] + 1e-9
    sup["township_code"] = sup["township_code"].where(
        sup["township_code"].notna(), sup["code"].map(_locate(data, sup[sup["code"].isin(added)]))
    )
    sup["in_scope"] = sup["code"].isin(data.in_scope) | (
        sup["code"].isin(added) & sup["township_code"].isin(set(data.townships["code"]))
    )
    sup["new"] = sup["code"].isin(added)
    return sup.reset_index(drop=True)


def _locate(data: layout.LayoutData, schools: pd.DataFrame) -> dict[str, str]:
    """The township each (new) school stands in: the polygon holding it, else (a click just
    outside the drawn boundary) the township of the nearest village."""
    if schools.empty:
        return {}
    polys = shapely.from_wkt(data.townships["geometry"].to_numpy()) if len(data.townships) else []
    towns = data.townships["code"].to_numpy()
    v = data.county_villages
    out = {}
    for code, lon, lat in zip(schools["code"], schools["lon"], schools["lat"], strict=True):
        inside = shapely.contains_xy(polys, float(lon), float(lat)) if len(polys) else np.array([])
        if inside.any():
            out[code] = str(towns[int(np.argmax(inside))])
        elif len(v):
            d = geo.haversine_km(v["lon"].to_numpy(float), v["lat"].to_numpy(float), float(lon), float(lat))
            out[code] = str(v["township_code"].to_numpy()[int(np.argmin(d))])
    return out


def _territory(data: layout.LayoutData, rows: pd.DataFrame, *, band: str) -> pd.DataFrame:
    """The band's assignment rows with the home township and whether they are the Scope's pupils.

    A pupil belongs to the territory of home (children are counted where they live); a
    pupil with no known home village to the township of the school they attend today.
    """
    lo, hi = schema.BAND_GRADES[band][0], schema.BAND_GRADES[band][-1]
    r = rows[rows["grade"].between(lo, hi)].copy()
    home = r["village_code"].map(
        dict(zip(data.county_villages["code"], data.county_villages["township_code"], strict=True))
    )
    school_town = r["from_code"].map(
        dict(zip(data.schools["code"], data.schools["township_code"], strict=True))
    )
    r["home_township"] = home.fillna(school_town)
    r["in_scope"] = r["home_township"].isin(set(data.townships["code"])) & (
        r["village_code"].notna() | r["from_code"].isin(data.in_scope)
    )
    return r.reset_index(drop=True)


def _effect_row(reach: pd.DataFrame, sup: pd.DataFrame, rows: pd.DataFrame) -> dict[str, Any]:
    w = reach["children"].to_numpy(float)
    total = float(w.sum())
    within = float(w[reach["within"].to_numpy(bool)].sum())
    pw = rows["pupils"].to_numpy(float)
    d = rows["road_km"].to_numpy(float)
    ok = (pw > 0) & np.isfinite(d)
    has = bool(ok.any())
    unplaced = rows["to_code"].isna().to_numpy()
    boarders_all = sup["boarders_all"].to_numpy(float)
    beds = sup["boarding_beds"].to_numpy(float)
    return {
        "children_total": int(round(total)),
        "children_within_reach": int(round(within)),
        "children_beyond": int(round(total - within)),
        "pupils_total": int(round(float(pw.sum()))),
        "unplaced": int(round(float(pw[unplaced].sum()))),
        "mean_km": round(float(np.average(d[ok], weights=pw[ok])), 3) if has else None,
        "p95_km": round(geo.weighted_quantile(d[ok], pw[ok], 0.95), 3) if has else None,
        "max_km": round(float(d[ok].max()), 3) if has else None,
        "schools": len(sup),
        "seats": int(round(float(sup["seats"].sum()))),
        "schools_over_capacity": int(sup["over"].sum()),
        # the whole school's pupils (the other band's too), counted as 学校布局 counts them
        "schools_under_100": layout.small_school_count(sup["pupils_all"]),
        "classes_over_large": int(sup["classes_over_large"].sum()),
        "classes_over_xlarge": int(sup["classes_over_xlarge"].sum()),
        "boarding_beds": int(round(float(beds.sum()))),
        "boarding_needed": int(round(float(sup["boarders"].sum()))),
        "boarding_missing": int(round(float(np.clip(boarders_all - beds, 0, None).sum()))),
    }


def comparison(
    data: layout.LayoutData, before: Effect, after: Effect, changes: list[dict[str, Any]], *, base_name: str
) -> dict[str, Any]:
    """What 布局规划 compares of a scenario (``changes``, giving ``after``) against its base
    (``before``, named ``base_name``): the headline (``cards``, with ``band`` and ``year``), the
    county (``county``, :func:`compare`), the townships
    (``towns``), the receiving schools (``receiving``) and where pupils go (``tables``,
    :func:`assignment_tables`)."""
    names = school_names(data, changes)
    return {
        "cards": cards(before, after),
        "band": after.band,
        "year": after.year,
        "county": compare(before, after, names=(base_name if base_name != "方案" else "基准", "方案")),
        "towns": compare_townships(before, after),
        "receiving": receiving_schools(before, after, names),
        "tables": assignment_tables(data, after, changes),
    }


def compare(before: Effect, after: Effect, *, names: tuple[str, str] = ("现状", "方案")) -> pd.DataFrame:
    """County numbers side by side with the change (``names``: the two networks' column titles)."""
    labels = EFFECT_LABELS
    rows = [
        {
            "指标": labels[k],
            names[0]: before.county[k],
            names[1]: after.county[k],
            "变化": None
            if before.county[k] is None or after.county[k] is None
            else round(after.county[k] - before.county[k], 3),
        }
        for k in labels
    ]
    return pd.DataFrame(rows)


def _number_kind(label: str) -> str:
    return "km" if "(km)" in label else "count"


def compare_view(table: pd.DataFrame) -> Any:
    """:func:`compare` for the page, written like the cards (56,522 pupils, 0.50 km, +12, ±0):
    a pandas Styler, so the cells keep their numbers (the downloads, the tests) and show text."""
    styler = table.style
    kinds = table["指标"].map(lambda label: _number_kind(str(label)))
    for kind in kinds.unique():
        rows = table.index[kinds == kind]
        for signed in (False, True):
            cols = [c for c in table.columns[1:] if (c == "变化") == signed]
            if cols:
                styler = styler.format(
                    lambda v, k=kind, d=signed: fmt.fmt_value(v, k, signed=d),
                    subset=pd.IndexSlice[rows, cols],
                )
    return styler


def compare_townships_view(table: pd.DataFrame) -> Any:
    """:func:`compare_townships` for the page, written like the cards (a Styler, as :func:`compare_view`)."""

    def writer(col: str) -> Any:
        kind, signed = _number_kind(col), col.endswith("变化")
        return lambda v: fmt.fmt_value(v, kind, signed=signed)

    return table.style.format({col: writer(col) for col in table.columns if col not in ("乡镇", "有变化")})


#: Township columns of :func:`compare_townships` (the measures a township head asks about).
TOWNSHIP_MEASURES: tuple[str, ...] = (
    "children_total",
    "children_within_reach",
    "unplaced",
    "mean_km",
    "schools",
    "schools_over_capacity",
    "classes_over_large",
    "boarding_missing",
)


def compare_townships(before: Effect, after: Effect) -> pd.DataFrame:
    """Per township: each measure of :data:`TOWNSHIP_MEASURES` after the change and its change,
    townships whose numbers moved first (the county's rows are in :func:`compare`)."""
    b = before.townships.set_index("code")
    a = after.townships.set_index("code").reindex(b.index)
    out = pd.DataFrame({"乡镇": b["name"]})
    moved = pd.Series(False, index=b.index)
    for key in TOWNSHIP_MEASURES:
        diff = (a[key].astype(float) - b[key].astype(float)).round(3)
        out[EFFECT_LABELS[key]] = a[key]
        out[f"{EFFECT_LABELS[key]}变化"] = diff
        moved |= diff.fillna(0).ne(0)
    out.insert(1, "有变化", moved.map({True: "是", False: ""}))
    return out.sort_values("有变化", ascending=False, kind="stable").reset_index(drop=True)


EFFECT_LABELS: dict[str, str] = {
    "children_total": "学龄儿童",
    "children_within_reach": "就近可达",
    "children_beyond": "超出阈值",
    "pupils_total": "在校生(本学段)",
    "unplaced": "无法安置",
    "mean_km": "平均距离(km)",
    "p95_km": "95%距离(km)",
    "max_km": "最远距离(km)",
    "schools": "学校数",
    "seats": "学位",
    "schools_over_capacity": "超容量学校",
    "schools_under_100": "不足100人学校",
    "classes_over_large": "大班额班级",
    "classes_over_xlarge": "超大班额班级",
    "boarding_needed": "寄宿生",
    "boarding_beds": "寄宿床位",
    "boarding_missing": "床位缺口",
}

#: Keys of ``plan --json``'s flat ``before``/``after`` objects (docs/cli.md).
PLAN_KEYS: tuple[str, ...] = (
    "children_total",
    "children_within_reach",
    "mean_km",
    "p95_km",
    "max_km",
    "schools_over_capacity",
    "schools_under_100",
    "boarding_missing",
    "unplaced",
    "classes_over_large",
    "classes_over_xlarge",
)


def receiving_schools(before: Effect, after: Effect, names: dict[str, str]) -> pd.DataFrame:
    """Schools whose pupils grow in the scenario: pupils, seats, 大班额 before and after, over capacity."""
    b = before.schools.set_index("code")
    a = after.schools.set_index("code")
    common = a.index.intersection(b.index)
    grew = a.loc[common, "pupils"] > b.loc[common, "pupils"] + 0.5
    codes = list(common[grew.to_numpy()]) + [c for c in a.index if c not in b.index]
    rows = []
    for c in codes:
        pb = float(b.loc[c, "pupils"]) if c in b.index else 0.0
        rows.append(
            {
                "学校": names.get(c, a.loc[c, "name"]),
                "本乡镇": "是" if bool(a.loc[c, "in_scope"]) else "",
                "在校生(现状)": int(round(pb)),
                "在校生(方案)": int(round(float(a.loc[c, "pupils"]))),
                "学位": int(round(float(a.loc[c, "seats"]))),
                "大班额班级(现状)": int(b.loc[c, "classes_over_large"]) if c in b.index else 0,
                "大班额班级(方案)": int(a.loc[c, "classes_over_large"]),
                "超容量": "超容量" if bool(a.loc[c, "over"]) else "",
            }
        )
    cols = [
        "学校",
        "本乡镇",
        "在校生(现状)",
        "在校生(方案)",
        "学位",
        "大班额班级(现状)",
        "大班额班级(方案)",
        "超容量",
    ]
    return pd.DataFrame(rows, columns=cols)


def assignment_tables(
    data: layout.LayoutData, effect: Effect, changes: list[dict[str, Any]]
) -> dict[str, pd.DataFrame]:
    """The scenario's downloads: pupils who change school, 无法安置 (the Scope's pupils), and the
    villages whose children are out of reach in the scenario."""
    names = school_names(data, changes)
    villages = dict(zip(data.county_villages["code"], data.county_villages["name"], strict=True))
    mine = effect.rows[effect.rows["in_scope"]]
    return {
        "去向": assign.moves_table(mine, names, villages),
        "无法安置": assign.unplaced_table(mine, names, villages),
        "超出就近距离的村": layout.out_of_reach_table(data, effect.reach, km=effect.km, names=names),
    }


def school_names(data: layout.LayoutData, changes: list[dict[str, Any]]) -> dict[str, str]:
    """Code -> name of today's schools and of the scenario's new ones."""
    names = dict(zip(data.schools["code"], data.schools["name"], strict=True))
    names.update({str(c["code"]): str(c.get("name") or c["code"]) for c in changes if c.get("op") == "add"})
    return names


def plan_json(
    data: layout.LayoutData,
    changes: list[dict[str, Any]],
    *,
    band: str,
    km: float | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """``cli plan --json``: flat ``before`` and ``after`` objects of the Scope's numbers, and the
    receiving schools over capacity (by name)."""
    before = evaluate(data, [], band=band, km=km, year=year)
    after = evaluate(data, changes, band=band, km=km, year=year)
    names = school_names(data, changes)
    over = after.schools[after.schools["over"] & after.schools["code"].isin(_receivers(before, after))]
    return {
        "band": band,
        "year": after.year,
        "changes": changes,
        "before": {k: before.county[k] for k in PLAN_KEYS},
        "after": {k: after.county[k] for k in PLAN_KEYS},
        "receiving_over_capacity": [
            {"code": c, "name": names.get(c, c), "pupils": int(round(p)), "seats": int(round(s))}
            for c, p, s in zip(over["code"], over["pupils"], over["seats"], strict=True)
        ],
    }


def _receivers(before: Effect, after: Effect) -> set[str]:
    b = before.schools.set_index("code")["pupils"]
    a = after.schools.set_index("code")["pupils"]
    return {c for c, p in a.items() if p > float(b.get(c, 0.0)) + 0.5}


# ---------------------------------------------------------------- the store


def _require_save(scope: Scope) -> None:
    """Only roles with ``save_scenario`` change saved scenarios (as a ScenarioError, for the page)."""
    try:
        permissions.require(scope, "save_scenario")
    except permissions.NotPermitted as exc:
        raise ScenarioError(str(exc)) from exc


def list_scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved scenarios: name, changes (list), created_by, updated_at, version."""
    df = store.frame(
        con, "SELECT name, changes, created_by, updated_at, version FROM scenarios ORDER BY name"
    )
    df["changes"] = df["changes"].map(json.loads)
    return df


def save_scenario(
    scope: Scope, name: str, changes: list[dict[str, Any]], *, version: int | None = None, path: Any = None
) -> int:
    """Create (``version=None``) or update a scenario in one transaction; returns the new version.

    Raises
    ------
    ScenarioConflict
        The name exists (on create) or was changed since ``version`` was read.
    """
    _require_save(scope)
    name = name.strip()
    if not name:
        raise ScenarioError("方案名称不能为空")
    text = json.dumps(changes, ensure_ascii=False)
    with store.transaction(path) as con:
        row = con.execute("SELECT version FROM scenarios WHERE name = ?", [name]).fetchone()
        if version is None:
            if row:
                raise ScenarioConflict(f"方案“{name}”已存在")
            con.execute(
                "INSERT INTO scenarios VALUES (?, ?, ?, now()::TIMESTAMP, 1)", [name, text, scope.user]
            )
            new = 1
        else:
            if not row or row[0] != version:
                raise ScenarioConflict(f"方案“{name}”已被他人修改，请重新打开")
            con.execute(
                "UPDATE scenarios SET changes = ?, updated_at = now()::TIMESTAMP, version = version + 1 "
                "WHERE name = ? AND version = ?",
                [text, name, version],
            )
            new = version + 1
        store.audit(
            con,
            user=scope.user,
            action="scenario_save",
            scope=scope.describe(),
            detail=json.dumps({"name": name, "changes": len(changes), "version": new}, ensure_ascii=False),
        )
    return new


def rename_scenario(scope: Scope, old: str, new: str, *, path: Any = None) -> None:
    _require_save(scope)
    new = new.strip()
    with store.transaction(path) as con:
        if not new or con.execute("SELECT 1 FROM scenarios WHERE name = ?", [new]).fetchone():
            raise ScenarioConflict(f"方案“{new}”已存在或名称为空")
        con.execute(
            "UPDATE scenarios SET name = ?, version = version + 1, updated_at = now()::TIMESTAMP "
            "WHERE name = ?",
            [new, old],
        )
        store.audit(
            con,
            user=scope.user,
            action="scenario_rename",
            scope=scope.describe(),
            detail=json.dumps({"from": old, "to": new}, ensure_ascii=False),
        )


def duplicate_scenario(scope: Scope, name: str, new: str, *, path: Any = None) -> None:
    with store.connect(path) as con:
        row = con.execute("SELECT changes FROM scenarios WHERE name = ?", [name]).fetchone()
    if not row:
        raise ScenarioError(f"方案“{name}”不存在")
    save_scenario(scope, new, json.loads(row[0]), path=path)


def delete_scenario(scope: Scope, name: str, *, path: Any = None) -> None:
    _require_save(scope)
    with store.transaction(path) as con:
        con.execute("DELETE FROM scenarios WHERE name = ?", [name])
        store.audit(
            con,
            user=scope.user,
            action="scenario_delete",
            scope=scope.describe(),
            detail=json.dumps({"name": name}, ensure_ascii=False),
        )


# ---------------------------------------------------------------- the planner page


def map_inputs(effect: Effect, *, band: str, km: float) -> dict[str, Any]:
    """Arguments of :func:`lib.present.maps.build_layout_map` for a scenario's network."""
    small = config.SETTINGS["layout"]["small_school"]
    s = effect.schools.copy()
    s["enrolled"] = s["pupils"].round()
    s["status"] = np.select(
        [s["over"], s["classes_over_large"] > 0, s["pupils_all"] < small],
        ["over", "large", "small"],
        "normal",
    )
    loc = s.set_index("code")[["lon", "lat"]]
    villages = effect.reach.assign(
        school_lon=loc["lon"].reindex(effect.reach["school_code"]).to_numpy(),
        school_lat=loc["lat"].reindex(effect.reach["school_code"]).to_numpy(),
    )
    t = effect.townships
    share = {
        c: (w / n if n else None)
        for c, w, n in zip(t.code, t.children_within_reach, t.children_total, strict=True)
    }
    _, detour = geo.reach_settings(band, km=km)
    return {
        "schools": s,
        "villages": villages,
        "values": share,
        "measure_title": f"就近可达比例 · {layout.BAND_LABELS[band]} · {effect.year}年",
        "measure_fmt": "{:.1%}",
        "measure_colors": layout.MAP_MEASURES["share"]["colors"],
        "measure_bins": layout.MAP_MEASURES["share"]["bins"],
        "ring_km": km / detour,
    }


def closed_schools(data: layout.LayoutData, changes: list[dict[str, Any]], *, band: str) -> pd.DataFrame:
    """The band's schools that ``changes`` close or merge away, where they stood, with the
    pupils they had (``closed`` of :func:`lib.present.maps.build_layout_map`: drawn crossed out)."""
    _, closed = apply_changes(data.schools, changes)
    s = layout.band_supply(data.schools, band)
    gone = s[s["code"].isin(list(closed))]
    return gone[["code", "name", "level", "lon", "lat"]].assign(enrolled=gone["band_enrolled"].to_numpy())


def describe_change(change: dict[str, Any], names: dict[str, str], *, lang: str = "zh") -> str:
    """One line a planner reads: 撤并 XX小学 / XX并入YY / 新建 ... / 调整学位 (in ``lang``)."""
    op, code = change.get("op"), str(change.get("code", ""))
    name = names.get(code, code)
    if op == "close":
        return i18n.t("plan_do_close", lang).format(name=name)
    if op == "merge":
        into = names.get(str(change.get("into")), change.get("into"))
        return i18n.t("plan_do_merge", lang).format(name=name, into=into)
    seats, beds = change.get("capacity"), change.get("boarding_beds")
    if op == "add":
        return i18n.t("plan_do_add", lang).format(
            name=change.get("name"),
            level=change.get("level"),
            seats=seats,
            beds=beds,
            lon=f"{change['lon']:.4f}",
            lat=f"{change['lat']:.4f}",
        )
    return i18n.t("plan_do_capacity", lang).format(name=name, seats=seats, beds=beds)


def click_point(click: dict[str, Any] | None, *, base: str = "none") -> tuple[float, float] | None:
    """A map click (st_folium ``last_clicked``) as WGS-84 ``(lon, lat)``; 高德 clicks converted back."""
    if not click or click.get("lat") is None or click.get("lng") is None:
        return None
    lon, lat = float(click["lng"]), float(click["lat"])
    if base == "gaode":
        lon, lat = geo.gcj02_to_wgs84(lon, lat)
    return round(lon, 6), round(lat, 6)


def cards(before: Effect, after: Effect) -> list[Any]:
    """The scenario's headline numbers with their change against the base network (lib.present.cards.Card)."""

    b, a = before.county, after.county

    def delta(key: str, digits: int = 0) -> str | None:
        if b[key] is None or a[key] is None or a[key] == b[key]:
            return None
        return f"{a[key] - b[key]:+,.{digits}f}"

    return [
        Card("方案学校数", f"{a['schools']:,}", delta("schools")),
        Card(
            "方案就近可达",
            fmt.fmt_count(a["children_within_reach"]),
            delta("children_within_reach"),
            help="学龄儿童总数不变(按户籍村计)",
        ),
        Card(
            "无法安置",
            f"{a['unplaced']:,}",
            delta("unplaced"),
            inverse=True,
            help="家附近(阈值内)无可就读学校、又不能寄宿(1-3年级)或无空余床位的学生",
        ),
        Card(
            "大班额班级",
            f"{a['classes_over_large']:,}",
            delta("classes_over_large"),
            inverse=True,
            help="按撤并后各校各年级人数÷原有班级数重新计算：平均班额超过55人的年级，其班级全部计入",
        ),
        Card(
            "方案平均距离(km)",
            "—" if a["mean_km"] is None else f"{a['mean_km']:.2f}",
            delta("mean_km", 2),
            inverse=True,
            help="每名学生从户籍村到所分配学校的道路估算距离(直线×绕行系数)",
        ),
        Card(
            "方案超容量学校", f"{a['schools_over_capacity']:,}", delta("schools_over_capacity"), inverse=True
        ),
        Card("方案床位缺口", f"{a['boarding_missing']:,}", delta("boarding_missing"), inverse=True),
    ]
