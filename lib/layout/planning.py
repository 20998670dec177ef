"""布局规划: what-if scenarios on the school network, and optimal networks with PySAL spopt.

A scenario is a named list of changes (JSON-serialisable dicts):

* ``{"op": "close", "code": C}``: close school C;
* ``{"op": "merge", "code": A, "into": B}``: close A, its pupils go to B;
* ``{"op": "add", "code": N, "name": ..., "level": ..., "lon": .., "lat": .., "capacity": .., "boarding_beds": ..}``;
* ``{"op": "capacity", "code": C, "capacity": .., "boarding_beds": ..}``.

Children are counted where they live (:mod:`lib.layout.coverage`), so a scenario never
drops a child; reach and distance use :func:`lib.core.geo.village_reach` (one
definition everywhere).  Pupils of a closed school move to the nearest open
school of the band with room (the merge target for a merge).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, fmt, geo, i18n, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.layout import coverage as layout
from lib.layout import population
from lib.present.cards import Card

OPS = ("close", "merge", "add", "capacity")
MODELS = ("pmedian", "mclp", "lscp")


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


def reassign_pupils(
    schools: pd.DataFrame, open_net: pd.DataFrame, closed: dict[str, str], *, band: str
) -> pd.Series:
    """Band pupils per open school after the closed schools' pupils move (total conserved).

    Each closed school's pupils go to its merge target, else to the nearest
    open band school with room, then the next nearest, and what no school has
    room for goes to the nearest one (it is then over capacity, and shown).
    """
    sup = layout.band_supply(open_net, band).set_index("code")
    pupils = sup["band_enrolled"].astype(float).copy()
    room = (sup["seats"] - pupils).clip(lower=0)
    old = layout.band_supply(schools, band).set_index("code")
    if sup.empty:
        return pupils
    for code, into in closed.items():
        if code not in old.index:
            continue
        n = float(old.loc[code, "band_enrolled"])
        if into and into in pupils.index:
            pupils[into] += n
            room[into] = max(room[into] - n, 0)
            continue
        d = geo.haversine_km(
            sup["lon"].to_numpy(float),
            sup["lat"].to_numpy(float),
            float(old.loc[code, "lon"]),
            float(old.loc[code, "lat"]),
        )
        order = sup.index[np.argsort(d)]
        for target in order:
            take = min(n, room[target])
            pupils[target] += take
            room[target] -= take
            n -= take
            if n <= 0:
                break
        if n > 0:
            pupils[order[0]] += n
    return pupils


# ---------------------------------------------------------------- the effect of a scenario


@dataclass(frozen=True)
class Effect:
    """Numbers of one network for one band and year (county and per township)."""

    county: dict[str, Any]
    townships: pd.DataFrame
    reach: pd.DataFrame
    schools: pd.DataFrame


def evaluate(
    data: layout.LayoutData,
    changes: list[dict[str, Any]],
    *,
    band: str,
    km: float | None = None,
    year: int | None = None,
) -> Effect:
    """Children within reach, distances, capacity and boarding of the network after ``changes``.

    Parameters
    ----------
    data : LayoutData
    changes : list of dict
    band : {"primary", "junior"}
    km : float, optional
        Threshold (default config).
    year : int, optional
        Year of the children (default the base year; up to five projected years).

    Returns
    -------
    Effect
        ``county`` holds ``children_total``, ``children_within_reach``, ``children_beyond``,
        ``mean_km``, ``p95_km``, ``max_km`` (road estimate to the school each village is
        assigned to, its nearest open band school), ``schools_over_capacity``,
        ``schools_under_100``, ``classes_over_large`` (today's classes of open schools),
        ``boarding_beds`` and ``boarding_missing`` (children beyond reach in grades
        that may board, 4-9, minus beds).
    """
    threshold, factor = geo.reach_settings(band, km=km)
    base = data.base_year
    year = base if year is None else int(year)
    open_net, closed = apply_changes(data.schools, changes)
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
    reach = geo.village_reach(villages, open_net, band=band, km=threshold, detour=factor)
    pupils = reassign_pupils(data.schools, open_net, closed, band=band)
    sup = layout.band_supply(open_net, band).set_index("code")
    sup["pupils"] = pupils.reindex(sup.index).fillna(0)
    sup = sup.reset_index()
    small = config.SETTINGS["layout"]["small_school"]
    lo, hi = schema.BAND_AGES[band]
    board_share = (hi - max(lo, 9) + 1) / (hi - lo + 1)  # ages of grades 4+ (grades 1-3 do not board)
    county = _effect_row(reach, sup, small, board_share, open_net)
    rows = []
    for t in data.townships.itertuples():
        r = _effect_row(
            reach[reach.township_code == t.code],
            sup[sup.township_code == t.code],
            small,
            board_share,
            open_net[open_net.township_code == t.code],
        )
        rows.append({"code": t.code, "name": t.name, **r})
    return Effect(county=county, townships=pd.DataFrame(rows), reach=reach, schools=sup)


def _effect_row(
    reach: pd.DataFrame, sup: pd.DataFrame, small: int, board_share: float, open_net: pd.DataFrame
) -> dict[str, Any]:
    w = reach["children"].to_numpy(float)
    total = float(w.sum())
    within = float(w[reach["within"].to_numpy(bool)].sum())
    d = reach["road_km"].to_numpy(float)
    beds = float(sup["boarding_beds"].fillna(0).sum())
    need = (total - within) * board_share
    return {
        "children_total": int(round(total)),
        "children_within_reach": int(round(within)),
        "children_beyond": int(round(total - within)),
        "mean_km": round(float(np.average(d, weights=w)), 3) if total > 0 else None,
        "p95_km": round(geo.weighted_quantile(d, w, 0.95), 3) if total > 0 else None,
        "max_km": round(float(np.nanmax(d[w > 0])), 3) if total > 0 else None,
        "schools": len(sup),
        "schools_over_capacity": int((sup["pupils"] > sup["seats"]).sum()) if len(sup) else 0,
        "schools_under_100": int((sup["pupils"] < small).sum()) if len(sup) else 0,
        "classes_over_large": int(open_net["large_classes"].fillna(0).sum()) if len(open_net) else 0,
        "boarding_beds": int(beds),
        "boarding_needed": int(round(need)),
        "boarding_missing": int(max(round(need - beds), 0)),
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


#: Township columns of :func:`compare_townships` (the measures a township head asks about).
TOWNSHIP_MEASURES: tuple[str, ...] = (
    "children_total",
    "children_within_reach",
    "children_beyond",
    "mean_km",
    "schools",
    "schools_over_capacity",
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
    "mean_km": "平均距离(km)",
    "p95_km": "95%距离(km)",
    "max_km": "最远距离(km)",
    "schools": "学校数",
    "schools_over_capacity": "超容量学校",
    "schools_under_100": "不足100人学校",
    "classes_over_large": "大班额班级(现状班级)",
    "boarding_needed": "需寄宿(估算)",
    "boarding_beds": "寄宿床位",
    "boarding_missing": "床位缺口",
}


def plan_json(
    data: layout.LayoutData, changes: list[dict[str, Any]], *, band: str, km: float | None = None
) -> dict[str, Any]:
    """``cli plan --json``: ``before`` and ``after`` county numbers."""
    keys = (
        "children_total",
        "children_within_reach",
        "mean_km",
        "p95_km",
        "max_km",
        "schools_over_capacity",
        "schools_under_100",
        "boarding_missing",
    )
    before = evaluate(data, [], band=band, km=km).county
    after = evaluate(data, changes, band=band, km=km).county
    return {
        "band": band,
        "changes": changes,
        "before": {k: before[k] for k in keys},
        "after": {k: after[k] for k in keys},
    }


# ---------------------------------------------------------------- optimisation (spopt)


@dataclass(frozen=True)
class Solution:
    model: str
    sites: list[dict[str, Any]]
    objective: float | None
    status: str
    optimal: bool
    gap: float | None
    seconds: float
    current_objective: float | None
    uncoverable: int = 0  # LSCP: children no candidate can reach (left out of the model)


def _candidates(data: layout.LayoutData, band: str, candidates: str) -> pd.DataFrame:
    sup = layout.band_supply(data.schools, band)
    sch = pd.DataFrame(
        {
            "code": sup["code"],
            "name": sup["name"],
            "lon": sup["lon"],
            "lat": sup["lat"],
            "capacity": sup["seats"],
            "existing": True,
        }
    )
    if candidates == "schools":
        return sch
    vil = pd.DataFrame(
        {
            "code": "V" + data.villages["code"],
            "name": data.villages["name"] + "(村址)",
            "lon": data.villages["lon"],
            "lat": data.villages["lat"],
            "capacity": float(sch["capacity"].median() if len(sch) else 0),
            "existing": False,
        }
    )
    return pd.concat([sch, vil], ignore_index=True)


def optimize(
    data: layout.LayoutData,
    *,
    model: str,
    band: str,
    k: int | None = None,
    km: float | None = None,
    year: int | None = None,
    capacitated: bool = False,
    keep_existing: bool = False,
    candidates: str = "schools+villages",
    time_limit_s: float = 60.0,
) -> Solution:
    """Optimal school sites with PySAL spopt (PuLP/CBC, offline) for the band's children.

    Parameters
    ----------
    model : {"pmedian", "mclp", "lscp"}
        p-median: k sites minimising child-weighted road-estimate distance (``capacitated``
        uses the seats); MCLP: k sites covering most children within the threshold; LSCP:
        fewest sites so that every village with children is within it.
    k : int, optional
        Sites (default: the current number of band schools).
    keep_existing : bool
        Existing schools are kept (they count towards ``k``).
    candidates : {"schools", "schools+villages"}
        Existing band schools, plus village centres.
    time_limit_s : float
        CBC's time limit; when it stops the search, ``status`` says so and ``gap``
        is the relative gap to CBC's best bound when known.

    Returns
    -------
    Solution
        ``current_objective``: the same objective for today's network (p-median only).
    """
    import pulp
    from spopt.locate.base import SpecificationError

    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}")
    threshold, factor = geo.reach_settings(band, km=km)
    effect = evaluate(data, [], band=band, km=km, year=year)
    dem = effect.reach[effect.reach["children"] > 0].reset_index(drop=True)
    cand = _candidates(data, band, candidates)
    cost = geo.metric_distance_km(
        dem["lon"].to_numpy()[:, None],
        dem["lat"].to_numpy()[:, None],
        cand["lon"].to_numpy()[None, :],
        cand["lat"].to_numpy()[None, :],
    )
    cost = cost.reshape(len(dem), len(cand)) * factor
    weights = dem["children"].to_numpy(float)
    uncoverable = 0
    if model == "lscp":  # a village no candidate reaches would make the model infeasible
        reachable = cost.min(axis=1) <= threshold + 1e-9
        uncoverable = int(round(weights[~reachable].sum()))
        cost, weights = cost[reachable], weights[reachable]
    k = int(k or int(cand["existing"].sum()))
    fixed = cand["existing"].to_numpy(bool) if keep_existing else None
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=int(max(time_limit_s, 1)))
    started = time.perf_counter()
    try:
        m = _build_model(
            model,
            cost,
            weights,
            k=k,
            threshold=threshold,
            fixed=fixed,
            caps=cand["capacity"].to_numpy(float) if capacitated else None,
        )
    except SpecificationError as exc:  # e.g. k sites cannot seat every child
        return Solution(
            model=model,
            sites=[],
            objective=None,
            status=f"Infeasible: {exc}",
            optimal=False,
            gap=None,
            seconds=0.0,
            current_objective=None,
            uncoverable=uncoverable,
        )
    try:
        m = m.solve(solver, results=True)
    except RuntimeError as exc:  # spopt raises when CBC finds no solution (e.g. k too small)
        limited = time.perf_counter() - started >= time_limit_s * 0.98
        text = "no solution found within the time limit" if limited else str(exc).split(".")[0]
        return Solution(
            model=model,
            sites=[],
            objective=None,
            status=text,
            optimal=False,
            gap=None,
            seconds=round(time.perf_counter() - started, 2),
            current_objective=None,
            uncoverable=uncoverable,
        )
    seconds = time.perf_counter() - started
    # CBC stopped by the time limit with an incumbent reports status "Optimal" in PuLP; the
    # solution status tells them apart (LpSolutionOptimal vs LpSolutionIntegerFeasible).
    sol_status = getattr(m.problem, "sol_status", pulp.LpSolutionOptimal)
    optimal = m.problem.status == pulp.LpStatusOptimal and sol_status == pulp.LpSolutionOptimal
    status = "Optimal" if optimal else f"{pulp.LpSolution.get(sol_status, sol_status)} (time limit reached)"
    chosen = [j for j, var in enumerate(m.fac_vars) if (var.value() or 0) > 0.5]
    obj = pulp.value(m.problem.objective)
    gap = 0.0 if optimal else _gap(m.problem, obj)
    current = None
    if model == "pmedian":
        current = (
            float((weights * cost[:, cand["existing"].to_numpy(bool)].min(axis=1)).sum())
            if cand["existing"].any()
            else None
        )
    sites = [
        {
            "code": str(cand.loc[j, "code"]),
            "name": str(cand.loc[j, "name"]),
            "lon": float(cand.loc[j, "lon"]),
            "lat": float(cand.loc[j, "lat"]),
            "existing": bool(cand.loc[j, "existing"]),
        }
        for j in chosen
    ]
    return Solution(
        model=model,
        sites=sites,
        objective=None if obj is None else float(obj),
        status=status,
        optimal=optimal,
        gap=gap,
        seconds=round(seconds, 2),
        current_objective=current,
        uncoverable=uncoverable,
    )


def _build_model(
    model: str,
    cost: np.ndarray,
    weights: np.ndarray,
    *,
    k: int,
    threshold: float,
    fixed: np.ndarray | None,
    caps: np.ndarray | None,
) -> Any:
    from spopt.locate import LSCP, MCLP, PMedian

    if model == "pmedian":
        if caps is not None and caps.sum() < weights.sum():
            caps = caps * (weights.sum() / max(caps.sum(), 1)) * 1.05  # seats scaled so a solution exists
        return PMedian.from_cost_matrix(
            cost,
            weights,
            p_facilities=k,
            predefined_facilities_arr=fixed,
            facility_capacities=caps,
            fulfill_predefined_fac=False,
        )
    if model == "mclp":
        return MCLP.from_cost_matrix(
            cost, weights, service_radius=threshold, p_facilities=k, predefined_facilities_arr=fixed
        )
    return LSCP.from_cost_matrix(cost, service_radius=threshold, predefined_facilities_arr=fixed)


def _gap(problem: Any, obj: float | None) -> float | None:
    """Relative gap to the LP relaxation's bound (a valid lower bound for minimisation)."""
    if obj is None:
        return None
    try:
        import pulp

        relaxed = problem.deepcopy()
        for v in relaxed.variables():
            v.cat = pulp.LpContinuous
        relaxed.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=30))
        bound = pulp.value(relaxed.objective)
        if bound is None or obj == 0:
            return None
        return round(abs(obj - bound) / abs(obj), 6)
    except Exception:  # the gap is a courtesy figure; the solution stands without it
        return None


def solution_changes(data: layout.LayoutData, sol: Solution, *, band: str) -> list[dict[str, Any]]:
    """A solution as scenario changes: close the band's schools not chosen, add the new sites."""
    chosen = {s["code"] for s in sol.sites}
    sup = layout.band_supply(data.schools, band)
    changes: list[dict[str, Any]] = [{"op": "close", "code": c} for c in sup["code"] if c not in chosen]
    level = "小学" if band == "primary" else "初中"
    for s in sol.sites:
        if not s["existing"]:
            changes.append(
                {
                    "op": "add",
                    "code": "N" + s["code"],
                    "name": s["name"].replace("(村址)", "新校"),
                    "level": level,
                    "lon": s["lon"],
                    "lat": s["lat"],
                    "capacity": int(sup["seats"].median()) if len(sup) else 0,
                    "boarding_beds": 0,
                }
            )
    return changes


# ---------------------------------------------------------------- the store


def _require_save(scope: Scope) -> None:
    """Only roles with ``save_scenario`` change saved scenarios (as a ScenarioError, for the page)."""
    try:
        permissions.require(scope, "save_scenario")
    except permissions.NotPermitted as exc:
        raise ScenarioError(str(exc)) from exc


def list_scenarios(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved scenarios: name, changes (list), created_by, updated_at, version."""
    df = con.execute(
        "SELECT name, changes, created_by, updated_at, version FROM scenarios ORDER BY name"
    ).df()
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
    s["status"] = np.where(s["pupils"] > s["seats"], "over", np.where(s["pupils"] < small, "small", "normal"))
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
        "measure_title": f"就近可达比例 · {layout.BAND_LABELS[band]} · 方案",
        "measure_fmt": "{:.1%}",
        "measure_colors": layout.MAP_MEASURES["share"]["colors"],
        "measure_bins": layout.MAP_MEASURES["share"]["bins"],
        "ring_km": km / detour,
    }


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
            "方案平均距离(km)",
            "—" if a["mean_km"] is None else f"{a['mean_km']:.2f}",
            delta("mean_km", 2),
            inverse=True,
        ),
        Card(
            "方案超容量学校", f"{a['schools_over_capacity']:,}", delta("schools_over_capacity"), inverse=True
        ),
        Card("方案床位缺口", f"{a['boarding_missing']:,}", delta("boarding_missing"), inverse=True),
    ]
