"""选址优化: the network that answers a planner's question, solved with HiGHS within a time limit.

Today's schools are kept by default: the planner says how many may close (``close_max``,
default ``layout.optimize.close_max_share`` of today's schools, so at least 80 % stay) and
how many may open (``open_max``), or gives a budget in 万元 with the closing and building
costs of the settings, and may force schools open or closed.  Candidate sites: today's
schools of the band, village centres and a grid (``layout.optimize.grid_km``).  Schools of
the band outside the Scope stay open and serve across the border (reach counts them) but
are not the planner's to close.

Models (demand: the band's children by home village in the year; cost: road estimate,
straight line x detour factor):

* ``pmedian``: ``k`` sites (default today's number) minimising child-km; ``capacitated``
  keeps every site's children within its seats (new sites: ``new_school_seats``) and sends
  no child farther than ``assign_max_km``.
* ``pcenter``: ``k`` sites minimising the farthest child's distance (the figure leaders ask
  about), then child-km among the networks with that farthest distance.
* ``mclp``: ``k`` sites covering the most children within the threshold.
* ``lscp``: the fewest sites covering every child some candidate can reach.

Formulation (:class:`_Lp`): binary ``y_j`` per site, assignment ``x_ij`` only to sites no
farther than the ``close_max + 1``-th nearest school that may not close (the nearest open
site is always among them, so this loses nothing for the uncapacitated models), strong
linking ``x_ij <= y_j``.  Today's network (when it satisfies the constraints) is the
warm start, so a solution is never worse than today.  ``aggregate_km`` > 0 merges demand
points closer than that; any network's child-km then moves by at most children x the
largest displacement x detour (``aggregation_bound``), and the reported objective is
recomputed on every village.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from lib.core import config, geo
from lib.core.errors import AppError
from lib.layout import coverage as layout
from lib.layout import planning

MODELS = ("pmedian", "pcenter", "mclp", "lscp")
CANDIDATES = ("schools", "schools+villages", "schools+villages+grid")

#: Status codes (JSON) and what the page says.
STATUS_LABELS: dict[str, str] = {
    "optimal": "已求得最优解",
    "time_limit": "达到时限：已有可行解，尚未证明最优",
    "no_solution": "时限内未找到可行解",
    "infeasible": "无可行解：约束无法同时满足",
    "error": "求解出错",
}
MODEL_LABELS: dict[str, str] = {
    "pmedian": "p-中位(儿童总路程最短)",
    "pcenter": "p-中心(最远儿童距离最短)",
    "mclp": "最大覆盖(阈值内儿童最多)",
    "lscp": "集合覆盖(学校最少且全覆盖)",
}


class OptimizeError(AppError, ValueError):
    """A request the models cannot take (bad k, unknown school ...)."""


@dataclass(frozen=True)
class Solution:
    """The answer of one solve, or why there is none (``sites`` empty, ``ok`` False)."""

    model: str
    band: str
    status: str  # key of STATUS_LABELS
    optimal: bool
    objective: float | None  # the model's own measure (child-km, farthest km, children covered, sites)
    current_objective: float | None  # today's network on the same measure
    gap: float | None  # relative gap to the best bound; a number whenever a solution exists
    seconds: float  # wall time of the whole solve, model building included
    time_limit_s: float
    sites: list[dict[str, Any]] = field(default_factory=list)
    kept_existing: int = 0
    closed: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    farthest_km: float | None = None
    current_farthest_km: float | None = None
    child_km: float | None = None
    current_child_km: float | None = None
    uncoverable: int = 0  # lscp: children no candidate reaches (left out)
    k: int | None = None
    close_max: int | None = None
    open_max: int | None = None
    cost_wan: float | None = None
    aggregation_bound: float | None = None  # child-km any network may move by (aggregate_km > 0)
    message: str = ""
    why: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        """A solution exists (optimal or not): it may be previewed and used as a scenario."""
        return bool(self.sites) and self.status in ("optimal", "time_limit")

    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def to_json(self) -> dict[str, Any]:
        """``cli optimize --json`` (docs/cli.md)."""
        return {
            "model": self.model,
            "band": self.band,
            "status": self.status,
            "optimal": self.optimal,
            "objective": _r(self.objective),
            "current_objective": _r(self.current_objective),
            "gap": None if self.gap is None else round(float(self.gap), 6),
            "seconds": round(self.seconds, 2),
            "time_limit_s": self.time_limit_s,
            "k": self.k,
            "close_max": self.close_max,
            "open_max": self.open_max,
            "kept_existing": self.kept_existing,
            "closed": list(self.closed),
            "opened": list(self.opened),
            "farthest_km": _r(self.farthest_km),
            "current_farthest_km": _r(self.current_farthest_km),
            "child_km": _r(self.child_km),
            "current_child_km": _r(self.current_child_km),
            "cost_wan": _r(self.cost_wan),
            "uncoverable": self.uncoverable,
            "sites": [s["code"] for s in self.sites],
            "new_sites": [s for s in self.sites if not s["existing"]],
            "message": self.message,
        }


def _r(v: float | None, digits: int = 3) -> float | None:
    return None if v is None or not math.isfinite(v) else round(float(v), digits)


# ---------------------------------------------------------------- the problem


@dataclass(frozen=True)
class Problem:
    """Demand points, candidate sites and road km between them."""

    demand: pd.DataFrame  # code, lon, lat, children
    sites: pd.DataFrame  # code, name, kind (school/border/village/grid), existing, counted, seats, lon, lat
    km: np.ndarray  # demand x sites, road estimate
    threshold: float
    detour: float
    full_demand: pd.DataFrame  # before aggregation (== demand when aggregate_km is 0)
    full_km: np.ndarray
    aggregation_bound: float | None = None


def build_problem(
    data: layout.LayoutData,
    *,
    band: str,
    year: int | None = None,
    km: float | None = None,
    candidates: str = "schools+villages+grid",
    aggregate_km: float | None = None,
) -> Problem:
    """Demand (the Scope's villages with the band's children in ``year``) and candidate sites.

    Raises
    ------
    OptimizeError
        ``candidates`` unknown.
    """
    if candidates not in CANDIDATES:
        raise OptimizeError(f"候选点类型 {candidates!r} 无效，应为 {'、'.join(CANDIDATES)}")
    threshold, detour = geo.reach_settings(band, km=km)
    opt = config.SETTINGS["layout"]["optimize"]
    reach = planning.children_reach(
        data, data.schools, band=band, year=year or data.base_year, km=threshold, detour=detour
    )
    full = reach[reach["children"] > 0][["code", "lon", "lat", "children"]].reset_index(drop=True)
    sites = _sites(data, band=band, candidates=candidates, grid_km=float(opt["grid_km"]))
    full_km = _road(full, sites, detour)
    agg = float(opt["aggregate_km"] if aggregate_km is None else aggregate_km)
    demand, bound = (full, None) if agg <= 0 else _aggregate(full, agg, detour)
    dkm = full_km if agg <= 0 else _road(demand, sites, detour)
    return Problem(
        demand=demand,
        sites=sites,
        km=dkm,
        threshold=threshold,
        detour=detour,
        full_demand=full,
        full_km=full_km,
        aggregation_bound=bound,
    )


def _road(points: pd.DataFrame, sites: pd.DataFrame, detour: float) -> np.ndarray:
    d = geo.metric_distance_km(
        points["lon"].to_numpy(float)[:, None],
        points["lat"].to_numpy(float)[:, None],
        sites["lon"].to_numpy(float)[None, :],
        sites["lat"].to_numpy(float)[None, :],
    )
    return np.asarray(d, dtype=float).reshape(len(points), len(sites)) * detour


def _sites(data: layout.LayoutData, *, band: str, candidates: str, grid_km: float) -> pd.DataFrame:
    opt = config.SETTINGS["layout"]["optimize"]
    sup = layout.band_supply(data.schools, band)
    mine = sup["code"].isin(data.in_scope).to_numpy()
    schools = pd.DataFrame(
        {
            "code": sup["code"],
            "name": sup["name"],
            "kind": np.where(mine, "school", "border"),
            "existing": True,
            "counted": mine,
            "seats": sup["seats"].astype(float),
            "lon": sup["lon"].astype(float),
            "lat": sup["lat"].astype(float),
        }
    )
    frames = [schools]
    new_seats = float(opt["new_school_seats"][band])
    taken = schools[["lon", "lat"]].to_numpy(float)
    if candidates != "schools":
        v = data.villages
        far = _far_from(v["lon"].to_numpy(float), v["lat"].to_numpy(float), taken, 0.5)
        v = v[far]
        frames.append(
            pd.DataFrame(
                {
                    "code": "V" + v["code"],
                    "name": v["name"] + "(村址)",
                    "kind": "village",
                    "existing": False,
                    "counted": True,
                    "seats": new_seats,
                    "lon": v["lon"].astype(float),
                    "lat": v["lat"].astype(float),
                }
            )
        )
        taken = np.vstack([taken, v[["lon", "lat"]].to_numpy(float)])
    if candidates == "schools+villages+grid" and grid_km > 0:
        g = _grid(data, grid_km)
        g = g[_far_from(g["lon"].to_numpy(float), g["lat"].to_numpy(float), taken, grid_km / 3)]
        frames.append(
            pd.DataFrame(
                {
                    "code": [f"G{i:04d}" for i in range(1, len(g) + 1)],
                    "name": [f"网格点{i}" for i in range(1, len(g) + 1)],
                    "kind": "grid",
                    "existing": False,
                    "counted": True,
                    "seats": new_seats,
                    "lon": g["lon"].to_numpy(float),
                    "lat": g["lat"].to_numpy(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _far_from(lon: np.ndarray, lat: np.ndarray, taken: np.ndarray, km: float) -> np.ndarray:
    """Points more than ``km`` (straight line) from every point of ``taken``."""
    if len(lon) == 0 or len(taken) == 0:
        return np.ones(len(lon), dtype=bool)
    d = geo.metric_distance_km(lon[:, None], lat[:, None], taken[None, :, 0], taken[None, :, 1])
    return np.asarray(d).reshape(len(lon), len(taken)).min(axis=1) > km


def _grid(data: layout.LayoutData, grid_km: float) -> pd.DataFrame:
    """Grid points ``grid_km`` apart inside the Scope's townships (degrees scaled at the centre latitude)."""
    if data.townships.empty:
        return pd.DataFrame(columns=["lon", "lat"])
    polys = shapely.from_wkt(data.townships["geometry"].to_numpy())
    area = shapely.union_all(polys)
    x0, y0, x1, y1 = area.bounds
    dlat = grid_km / 111.2
    dlon = grid_km / (111.2 * math.cos(math.radians((y0 + y1) / 2)))
    xs, ys = np.meshgrid(np.arange(x0 + dlon / 2, x1, dlon), np.arange(y0 + dlat / 2, y1, dlat))
    xs, ys = xs.ravel(), ys.ravel()
    inside = shapely.contains_xy(area, xs, ys)
    return pd.DataFrame({"lon": np.round(xs[inside], 6), "lat": np.round(ys[inside], 6)})


def _aggregate(demand: pd.DataFrame, cell_km: float, detour: float) -> tuple[pd.DataFrame, float]:
    """Demand points merged per ``cell_km`` square (child-weighted centre); the bound on child-km."""
    x, y = geo.to_metric(demand["lon"].to_numpy(float), demand["lat"].to_numpy(float))
    cell = np.floor(np.asarray(x) / (cell_km * 1000)).astype(int) * 100000 + np.floor(
        np.asarray(y) / (cell_km * 1000)
    ).astype(int)
    d = demand.assign(
        cell=cell, wlon=demand["lon"] * demand["children"], wlat=demand["lat"] * demand["children"]
    )
    g = d.groupby("cell", as_index=False).agg(
        code=("code", "first"), children=("children", "sum"), wlon=("wlon", "sum"), wlat=("wlat", "sum")
    )
    g["lon"] = g["wlon"] / g["children"]
    g["lat"] = g["wlat"] / g["children"]
    centre = d["cell"].map(g.set_index("cell")["lon"]), d["cell"].map(g.set_index("cell")["lat"])
    moved = geo.metric_distance_km(
        demand["lon"].to_numpy(float),
        demand["lat"].to_numpy(float),
        centre[0].to_numpy(),
        centre[1].to_numpy(),
    )
    bound = float((np.asarray(moved) * demand["children"].to_numpy(float)).sum() * detour)
    return g[["code", "lon", "lat", "children"]], bound


# ---------------------------------------------------------------- the solve


def optimize(
    data: layout.LayoutData,
    *,
    model: str = "pmedian",
    band: str = "primary",
    k: int | None = None,
    close_max: int | None = None,
    open_max: int | None = None,
    budget_wan: float | None = None,
    force_open: tuple[str, ...] | list[str] = (),
    force_closed: tuple[str, ...] | list[str] = (),
    capacitated: bool = False,
    candidates: str = "schools+villages+grid",
    km: float | None = None,
    year: int | None = None,
    time_limit_s: float | None = None,
    aggregate_km: float | None = None,
) -> Solution:
    """Solve ``model`` for the band's children of the Scope within ``time_limit_s`` (wall time).

    Parameters
    ----------
    data : LayoutData
    model : {"pmedian", "pcenter", "mclp", "lscp"}
    k : int, optional
        Sites counted for the Scope (default: today's band schools of the Scope, 教学点 included).
    close_max, open_max : int, optional
        Most of today's schools closed / new sites opened (defaults: ``close_max_share`` of
        today's schools; ``close_max`` plus any growth of ``k``).
    budget_wan : float, optional
        Closing and building costs (settings, 万元) may not exceed it.
    force_open, force_closed : sequence of str
        Today's school codes kept open / closed whatever the model prefers.
    capacitated : bool
        p-median: children within seats.
    time_limit_s : float, optional
        The whole solve's wall time, model building included (default setting, 60 s); kept
        within 10 %.

    Returns
    -------
    Solution
        With ``status`` ``optimal`` or ``time_limit`` a solution (``gap`` a number);
        ``no_solution`` / ``infeasible`` none (nothing to save).

    Raises
    ------
    OptimizeError
        Unknown model, school codes not among the Scope's schools, or a bad k.
    """
    started = time.perf_counter()
    opt = config.SETTINGS["layout"]["optimize"]
    limit = float(opt["time_limit_s"] if time_limit_s is None else time_limit_s)
    if model not in MODELS:
        raise OptimizeError(f"模型 {model!r} 无效，应为 {'、'.join(MODELS)}")
    prob = build_problem(data, band=band, year=year, km=km, candidates=candidates, aggregate_km=aggregate_km)
    rules = _rules(
        prob,
        model=model,
        band=band,
        k=k,
        close_max=close_max,
        open_max=open_max,
        budget_wan=budget_wan,
        force_open=force_open,
        force_closed=force_closed,
    )
    deadline = started + limit * 0.97 - 0.3  # reading the answer and the report take the rest
    if model == "pmedian":
        res = _solve_pmedian(prob, rules, capacitated=capacitated, deadline=deadline)
    elif model == "pcenter":
        res = _solve_pcenter(prob, rules, deadline=deadline)
    else:
        res = _solve_cover(prob, rules, model=model, deadline=deadline)
    return _report(
        prob, rules, res, model=model, band=band, capacitated=capacitated, started=started, limit=limit
    )


@dataclass(frozen=True)
class _Rules:
    k: int | None  # None: free (lscp)
    close_max: int
    open_max: int
    budget: float | None
    close_cost: float
    build_cost: float
    lower: np.ndarray  # y bounds per site
    upper: np.ndarray
    today: np.ndarray  # bool per site: open today (schools and border)
    feasible_today: bool


def _rules(
    prob: Problem,
    *,
    model: str,
    band: str,
    k: int | None,
    close_max: int | None,
    open_max: int | None,
    budget_wan: float | None,
    force_open: tuple[str, ...] | list[str],
    force_closed: tuple[str, ...] | list[str],
) -> _Rules:
    opt = config.SETTINGS["layout"]["optimize"]
    s = prob.sites
    mine = (s["kind"] == "school").to_numpy()
    n_existing = int(mine.sum())
    codes = set(s.loc[mine, "code"])
    unknown = [c for c in [*force_open, *force_closed] if c not in codes]
    if unknown:
        raise OptimizeError(f"学校 {'、'.join(unknown)} 不是本范围内该学段的现有学校")
    if set(force_open) & set(force_closed):
        raise OptimizeError("同一所学校不能既强制保留又强制撤并")
    if model == "lscp":
        k = None
    else:
        k = n_existing if k is None else int(k)
        if k < 1:
            raise OptimizeError(f"学校数 k 须至少为 1：{k}")
    default_close = int(math.floor(float(opt["close_max_share"]) * n_existing))
    cmax = default_close if close_max is None else max(int(close_max), 0)
    cmax = max(cmax, len(force_closed))
    grow = 0 if k is None else max(k - (n_existing - cmax), 0)
    omax = max(cmax, grow) if open_max is None else max(int(open_max), 0)
    lower = np.where((s["kind"] == "border").to_numpy(), 1.0, 0.0)
    upper = np.ones(len(s))
    code = s["code"].to_numpy()
    lower[np.isin(code, list(force_open))] = 1.0
    upper[np.isin(code, list(force_closed))] = 0.0
    today = s["existing"].to_numpy(bool)
    build = float(opt["build_cost"][band])
    close = float(opt["close_cost"])
    ok = not force_closed and (k is None or k == n_existing)
    if budget_wan is not None and budget_wan < 0:
        ok = False
    return _Rules(
        k=k,
        close_max=cmax,
        open_max=omax,
        budget=None if budget_wan is None else float(budget_wan),
        close_cost=close,
        build_cost=build,
        lower=lower,
        upper=upper,
        today=today,
        feasible_today=ok,
    )


@dataclass
class _Result:
    status: str
    y: np.ndarray | None = None
    x: sp.csr_matrix | None = None  # demand x sites shares (capacitated)
    objective: float | None = None
    gap: float | None = None
    current: float | None = None
    uncoverable: int = 0
    message: str = ""


class _Lp:
    """A MILP assembled from sparse blocks and solved with HiGHS (highspy)."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.n = 0
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.row_lo: list[np.ndarray] = []
        self.row_hi: list[np.ndarray] = []

    def add_vars(self, cost: np.ndarray, lo: np.ndarray, hi: np.ndarray, *, integer: bool) -> int:
        start = self.n
        self.cost.append(np.asarray(cost, float))
        self.lo.append(np.asarray(lo, float))
        self.hi.append(np.asarray(hi, float))
        self.integer.append(np.full(len(cost), integer))
        self.n += len(cost)
        return start

    def add_rows(self, r: np.ndarray, c: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        offset = sum(len(x) for x in self.row_lo)
        self.rows.append((np.asarray(r, int) + offset, np.asarray(c, int), np.asarray(v, float)))
        self.row_lo.append(np.asarray(lo, float))
        self.row_hi.append(np.asarray(hi, float))

    def to_highs(self) -> Any:
        """The model as a ``highspy.HighsLp``."""
        import highspy  # when a solve runs: the planner page and the CLI load the solver only then

        inf = highspy.kHighsInf
        lo, hi = np.concatenate(self.row_lo), np.concatenate(self.row_hi)
        r, c, v = (np.concatenate(part) for part in zip(*self.rows, strict=True))
        a = sp.csr_matrix((v, (r, c)), shape=(len(lo), self.n))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, a.shape[0]
        lp.col_cost_ = np.concatenate(self.cost)
        lp.col_lower_ = np.concatenate(self.lo)
        lp.col_upper_ = np.concatenate(self.hi)
        lp.row_lower_ = np.where(np.isfinite(lo), lo, -inf)
        lp.row_upper_ = np.where(np.isfinite(hi), hi, inf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        ints = np.concatenate(self.integer)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in ints
        ]
        return lp

    def write_mps(self, path: str) -> None:
        """The model as an MPS file (for another solver, e.g. CBC in the bench)."""
        h = _highs()
        h.passModel(self.to_highs())
        h.writeModel(str(path))

    def solve(
        self, *, seconds: float, warm: np.ndarray | None = None, floor: float = 0.0
    ) -> tuple[str, np.ndarray | None, float | None, float | None]:
        """(status, values, objective, gap) within ``seconds``; ``floor`` is a bound the objective
        cannot go below (the gap's reference when the search stopped before any better bound)."""
        import highspy  # see to_highs

        lp = self.to_highs()
        h = _highs()
        # HiGHS checks its limit between steps: on a loaded machine (load 20 on 2 cores) it ran
        # 0.7-1.4 s over, so it is given less than the time left
        h.setOptionValue("time_limit", max(0.9 * float(seconds) - 0.5, 0.2))
        h.setOptionValue("random_seed", 1)
        h.setOptionValue("mip_rel_gap", 1e-4)
        h.passModel(lp)
        if warm is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(map(float, warm))
            sol.value_valid = True
            h.setSolution(sol)
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.asarray(h.getSolution().col_value, float) if has else None
        obj = float(info.objective_function_value) if has else None
        gap = float(info.mip_gap) if has and math.isfinite(info.mip_gap) else None
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", values, obj, gap if gap is not None else 0.0
        if status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", None, None, None
        if has:
            return "time_limit", values, obj, gap if gap is not None else _lp_gap(obj, info, floor)
        if status in (
            highspy.HighsModelStatus.kTimeLimit,
            highspy.HighsModelStatus.kInterrupt,
            highspy.HighsModelStatus.kIterationLimit,
        ):
            return "no_solution", None, None, None
        return "error", None, None, None


def _lp_gap(obj: float, info: Any, floor: float) -> float:
    """The relative gap to HiGHS's dual bound, else to ``floor`` (a solution always has a gap)."""
    bound = getattr(info, "mip_dual_bound", None)
    if bound is None or not math.isfinite(bound):
        bound = floor
    return abs(obj - bound) / max(abs(obj), 1e-9)


_BANNER = threading.Lock()
_BANNER_SHOWN = False


def _highs() -> Any:
    """A silent HiGHS instance (its once-per-process banner goes to the C stdout: not into JSON)."""
    import highspy  # when a solve runs: see _Lp.solve

    global _BANNER_SHOWN
    with _BANNER:
        if _BANNER_SHOWN:
            h = highspy.Highs()
        else:
            with _quiet_stdout():
                h = highspy.Highs()
            _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    return h


@contextlib.contextmanager
def _quiet_stdout():
    fd = 1
    try:
        saved = os.dup(fd)
    except OSError:  # no stdout at all
        yield
        return
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


def _site_rows(m: _Lp, prob: Problem, rules: _Rules, y0: int) -> None:
    """The planner's rules on the site variables: k, close_max, open_max, budget."""
    s = prob.sites
    counted = np.flatnonzero(s["counted"].to_numpy(bool))
    existing = np.flatnonzero((s["kind"] == "school").to_numpy())
    new = np.flatnonzero(~s["existing"].to_numpy(bool))
    r, c, v, lo, hi = [], [], [], [], []

    def row(cols: np.ndarray, vals: np.ndarray, low: float, high: float) -> None:
        i = len(lo)
        r.extend([i] * len(cols))
        c.extend((y0 + cols).tolist())
        v.extend(vals.tolist())
        lo.append(low)
        hi.append(high)

    if rules.k is not None:
        row(counted, np.ones(len(counted)), rules.k, rules.k)
    row(existing, np.ones(len(existing)), len(existing) - rules.close_max, np.inf)
    row(new, np.ones(len(new)), -np.inf, rules.open_max)
    if rules.budget is not None:
        cols = np.concatenate([existing, new])
        vals = np.concatenate(
            [np.full(len(existing), -rules.close_cost), np.full(len(new), rules.build_cost)]
        )
        row(cols, vals, -np.inf, rules.budget - rules.close_cost * len(existing))
    m.add_rows(np.array(r, int), np.array(c, int), np.array(v, float), np.array(lo), np.array(hi))


def _radius(prob: Problem, rules: _Rules) -> np.ndarray:
    """Per demand point: a distance within which an open site always is (see the module docstring)."""
    s = prob.sites
    stay = (rules.lower >= 1) & (rules.upper >= 1)  # border schools and forced-open ones
    closable = (s["kind"] == "school").to_numpy() & ~stay & (rules.upper >= 1)
    d = prob.km
    r = np.full(d.shape[0], np.inf)
    if stay.any():
        r = np.minimum(r, d[:, stay].min(axis=1))
    c = rules.close_max
    if closable.sum() > c:
        part = np.partition(d[:, closable], c, axis=1)[:, c]
        r = np.minimum(r, part)
    return r


def _pairs(prob: Problem, rules: _Rules, radius: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = (prob.km <= radius[:, None] + 1e-9) & (rules.upper[None, :] > 0)
    i, j = np.nonzero(ok)
    return i, j


def _nearest(km: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest open site per demand point and its km."""
    d = np.where(y[None, :] > 0.5, km, np.inf)
    j = d.argmin(axis=1)
    return j, d[np.arange(len(j)), j]


def _pmedian_model(prob: Problem, rules: _Rules, *, capacitated: bool) -> tuple[_Lp, dict[str, Any]]:
    """The p-median MILP and where its variables are (``y0``, ``xs``, pairs ``pi``/``pj``)."""
    w = prob.demand["children"].to_numpy(float)
    n = len(prob.sites)
    radius = _radius(prob, rules)
    if capacitated:
        radius = np.maximum(radius, float(config.SETTINGS["layout"]["optimize"]["assign_max_km"]))
    pi, pj = _pairs(prob, rules, radius)
    m = _Lp()
    y0 = m.add_vars(np.zeros(n), rules.lower, rules.upper, integer=True)
    x0 = m.add_vars(w[pi] * prob.km[pi, pj], np.zeros(len(pi)), np.ones(len(pi)), integer=False)
    nd = len(w)
    xs = x0 + np.arange(len(pi))
    m.add_rows(pi, xs, np.ones(len(pi)), np.ones(nd), np.ones(nd))  # every child assigned
    link = np.arange(len(pi))
    m.add_rows(
        np.concatenate([link, link]),
        np.concatenate([xs, y0 + pj]),
        np.concatenate([np.ones(len(pi)), -np.ones(len(pi))]),
        np.full(len(pi), -np.inf),
        np.zeros(len(pi)),
    )
    seats = prob.sites["seats"].to_numpy(float)
    if capacitated:
        m.add_rows(
            np.concatenate([pj, np.arange(n)]),
            np.concatenate([xs, y0 + np.arange(n)]),
            np.concatenate([w[pi], -seats]),
            np.full(n, -np.inf),
            np.zeros(n),
        )
    _site_rows(m, prob, rules, y0)
    return m, {"y0": y0, "xs": xs, "pi": pi, "pj": pj, "w": w, "seats": seats}


def _solve_pmedian(prob: Problem, rules: _Rules, *, capacitated: bool, deadline: float) -> _Result:
    m, at = _pmedian_model(prob, rules, capacitated=capacitated)
    y0, xs, pi, pj, w, seats = (at[k] for k in ("y0", "xs", "pi", "pj", "w", "seats"))
    n, nd = len(prob.sites), len(w)
    warm, current = None, None
    today = rules.today.astype(float)
    if rules.feasible_today:
        if capacitated:
            xt, current = _transport(prob, today, pi, pj, w, seats, deadline)
        else:
            j, dist = _nearest(prob.km, today)
            xt = (pj == j[pi]).astype(float)
            current = float((w * dist).sum())
        if xt is not None:
            warm = np.concatenate([today, xt])
    status, vals, obj, gap = m.solve(seconds=deadline - time.perf_counter(), warm=warm)
    if vals is None:
        return _Result(status=status, current=current)
    y = vals[y0 : y0 + n]
    x = sp.csr_matrix((vals[xs], (pi, pj)), shape=(nd, n))
    return _Result(status=status, y=y, x=x, objective=obj, gap=gap, current=current)


def _transport(
    prob: Problem,
    y: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    w: np.ndarray,
    seats: np.ndarray,
    deadline: float,
) -> tuple[np.ndarray | None, float | None]:
    """Today's network under the seats: the cheapest assignment (an LP), or None when none exists."""
    keep = y[pj] > 0.5
    m = _Lp()
    x0 = m.add_vars(
        w[pi[keep]] * prob.km[pi[keep], pj[keep]], np.zeros(keep.sum()), np.ones(keep.sum()), integer=False
    )
    nd, n = len(w), len(y)
    xs = x0 + np.arange(keep.sum())
    m.add_rows(pi[keep], xs, np.ones(keep.sum()), np.ones(nd), np.ones(nd))
    m.add_rows(pj[keep], xs, w[pi[keep]], np.full(n, -np.inf), seats * y)
    # at most a quarter of what is left: the warm start must not eat the solve it is for
    _, vals, obj, _ = m.solve(seconds=max(min(10.0, 0.25 * (deadline - time.perf_counter())), 0.2))
    if vals is None:
        return None, None
    out = np.zeros(len(pi))
    out[np.flatnonzero(keep)] = vals
    return out, obj


def _solve_cover(prob: Problem, rules: _Rules, *, model: str, deadline: float) -> _Result:
    """MCLP (most children within the threshold, k sites) or LSCP (fewest sites covering all)."""
    w = prob.demand["children"].to_numpy(float)
    n = len(prob.sites)
    cover = (prob.km <= prob.threshold + 1e-9) & (rules.upper[None, :] > 0)
    ci, cj = np.nonzero(cover)
    m = _Lp()
    counted = prob.sites["counted"].to_numpy(bool)
    today = rules.today.astype(float)
    if model == "lscp":
        coverable = cover.any(axis=1)
        unc = int(round(float(w[~coverable].sum())))
        y0 = m.add_vars(counted.astype(float), rules.lower, rules.upper, integer=True)
        keep = coverable[ci]
        rows = np.cumsum(coverable) - 1
        nrow = int(coverable.sum())
        m.add_rows(rows[ci[keep]], y0 + cj[keep], np.ones(keep.sum()), np.ones(nrow), np.full(nrow, np.inf))
        _site_rows(m, prob, rules, y0)
        covered_today = (cover[:, today > 0.5].any(axis=1) | ~coverable).all()
        warm = today if rules.feasible_today and covered_today else None
        current = float(today[counted].sum()) if covered_today else None
        status, vals, obj, gap = m.solve(seconds=deadline - time.perf_counter(), warm=warm)
        if vals is None:
            return _Result(status=status, current=current, uncoverable=unc)
        return _Result(
            status=status, y=vals[y0 : y0 + n], objective=obj, gap=gap, current=current, uncoverable=unc
        )
    y0 = m.add_vars(np.zeros(n), rules.lower, rules.upper, integer=True)
    nd = len(w)
    z0 = m.add_vars(-w, np.zeros(nd), np.ones(nd), integer=False)
    m.add_rows(
        np.concatenate([np.arange(nd), ci]),
        np.concatenate([z0 + np.arange(nd), y0 + cj]),
        np.concatenate([np.ones(nd), -np.ones(len(ci))]),
        np.full(nd, -np.inf),
        np.zeros(nd),
    )
    _site_rows(m, prob, rules, y0)
    z_today = cover[:, today > 0.5].any(axis=1).astype(float)
    current = float((w * z_today).sum())
    warm = np.concatenate([today, z_today]) if rules.feasible_today else None
    status, vals, obj, gap = m.solve(seconds=deadline - time.perf_counter(), warm=warm, floor=-float(w.sum()))
    if vals is None:
        return _Result(status=status, current=current)
    return _Result(status=status, y=vals[y0 : y0 + n], objective=-obj, gap=gap, current=current)


def _solve_pcenter(prob: Problem, rules: _Rules, *, deadline: float) -> _Result:
    """Smallest farthest distance by bisection over the distances (each step a covering MIP), then
    the least child-km among the networks within it.  ``gap``: (best - proven bound) / best."""
    d = prob.km
    usable = rules.upper > 0
    lower = float(d[:, usable].min(axis=1).max()) if usable.any() else math.inf
    today = rules.today.astype(float)
    best_y, best_r = None, math.inf
    if rules.feasible_today:
        _, dist = _nearest(d, today)
        best_y, best_r = today, float(dist.max())
    current = float(_nearest(d, today)[1].max()) if today.any() else None
    radii = np.unique(np.round(d[:, usable], 3))
    radii = radii[
        (radii >= lower - 1e-9) & (radii <= (best_r if math.isfinite(best_r) else radii.max()) + 1e-9)
    ]
    lo, hi = 0, len(radii) - 1
    if best_y is None and len(radii):
        status, y = _cover_at(prob, rules, radii[hi], deadline, share=0.5)
        if y is None:
            return _Result(status=status, current=current)
        best_y, best_r = y, float(radii[hi])
    hi = int(np.searchsorted(radii, best_r - 1e-9, side="left")) if len(radii) else 0
    proven = radii[0] if len(radii) else best_r
    finished = True
    search_end = time.perf_counter() + 0.7 * (deadline - time.perf_counter())
    while lo < hi:
        if time.perf_counter() >= search_end:
            finished = False
            break
        mid = (lo + hi) // 2
        status, y = _cover_at(prob, rules, radii[mid], search_end, share=1.0)
        if y is not None:
            best_y, best_r, hi = y, float(radii[mid]), mid
        elif status == "infeasible":
            lo = mid + 1
            proven = radii[lo] if lo < len(radii) else best_r
        else:
            finished = False
            break
    if lo >= hi:
        proven = best_r
    gap = 0.0 if best_r <= 0 else max(best_r - float(proven), 0.0) / best_r
    # among the networks within best_r, the least child-km (warm: the covering found)
    w = prob.demand["children"].to_numpy(float)
    pi, pj = np.nonzero((d <= best_r + 1e-9) & usable[None, :])
    m = _Lp()
    n = len(prob.sites)
    y0 = m.add_vars(np.zeros(n), rules.lower, rules.upper, integer=True)
    x0 = m.add_vars(w[pi] * d[pi, pj], np.zeros(len(pi)), np.ones(len(pi)), integer=False)
    xs = x0 + np.arange(len(pi))
    m.add_rows(pi, xs, np.ones(len(pi)), np.ones(len(w)), np.ones(len(w)))
    link = np.arange(len(pi))
    m.add_rows(
        np.concatenate([link, link]),
        np.concatenate([xs, y0 + pj]),
        np.concatenate([np.ones(len(pi)), -np.ones(len(pi))]),
        np.full(len(pi), -np.inf),
        np.zeros(len(pi)),
    )
    _site_rows(m, prob, rules, y0)
    masked = np.where(best_y[None, :] > 0.5, np.where(d <= best_r + 1e-9, d, np.inf), np.inf)
    jw = masked.argmin(axis=1)
    warm = np.concatenate([best_y, (pj == jw[pi]).astype(float)])
    _, vals, _, _ = m.solve(seconds=deadline - time.perf_counter(), warm=warm)
    y = vals[y0 : y0 + n] if vals is not None else best_y
    status = "optimal" if finished and gap <= 1e-9 else "time_limit"
    return _Result(status=status, y=y, objective=best_r, gap=gap, current=current)


def _cover_at(
    prob: Problem, rules: _Rules, r: float, until: float, *, share: float
) -> tuple[str, np.ndarray | None]:
    """Sites within the rules so that every child has one within ``r`` km (any feasible one)."""
    cover = (prob.km <= r + 1e-9) & (rules.upper[None, :] > 0)
    nd, n = cover.shape
    if not cover.any(axis=1).all():
        return "infeasible", None
    ci, cj = np.nonzero(cover)
    m = _Lp()
    y0 = m.add_vars(np.zeros(n), rules.lower, rules.upper, integer=True)
    m.add_rows(ci, y0 + cj, np.ones(len(ci)), np.ones(nd), np.full(nd, np.inf))
    _site_rows(m, prob, rules, y0)
    status, vals, _, _ = m.solve(seconds=share * (until - time.perf_counter()))
    return status, None if vals is None else vals[y0 : y0 + n]


def export_pmedian_mps(
    data: layout.LayoutData, path: str, *, band: str = "primary", capacitated: bool = True, **rules: Any
) -> dict[str, int]:
    """Write the p-median :func:`optimize` would solve as MPS (the bench runs CBC on it); its size."""
    prob = build_problem(data, band=band)
    kw = {
        "k": None,
        "close_max": None,
        "open_max": None,
        "budget_wan": None,
        "force_open": (),
        "force_closed": (),
    }
    m, at = _pmedian_model(
        prob, _rules(prob, model="pmedian", band=band, **{**kw, **rules}), capacitated=capacitated
    )
    m.write_mps(path)
    return {"sites": len(prob.sites), "demand": len(prob.demand), "pairs": len(at["pi"]), "columns": m.n}


# ---------------------------------------------------------------- the report


def _report(
    prob: Problem,
    rules: _Rules,
    res: _Result,
    *,
    model: str,
    band: str,
    capacitated: bool,
    started: float,
    limit: float,
) -> Solution:
    s = prob.sites
    base = dict(
        model=model,
        band=band,
        status=res.status,
        time_limit_s=limit,
        k=rules.k,
        close_max=rules.close_max,
        open_max=rules.open_max,
        current_objective=res.current,
        uncoverable=res.uncoverable,
        aggregation_bound=prob.aggregation_bound,
    )
    wf = prob.full_demand["children"].to_numpy(float)
    today_km = _nearest(prob.full_km, rules.today.astype(float))[1] if rules.today.any() else None
    cur_far = float(today_km.max()) if today_km is not None and len(today_km) else None
    cur_ckm = float((wf * today_km).sum()) if today_km is not None else None
    if res.y is None:
        return Solution(
            **base,
            optimal=False,
            objective=None,
            gap=None,
            seconds=time.perf_counter() - started,
            current_farthest_km=cur_far,
            current_child_km=cur_ckm,
            message=_failure_text(res.status, rules),
        )
    y = res.y > 0.5
    open_idx = np.flatnonzero(y)
    existing = (s["kind"] == "school").to_numpy()
    if res.x is not None and capacitated:
        dist = _capacitated_km(prob, res.x)
        far = float(dist.max()) if len(dist) else None
        wd = prob.km * prob.demand["children"].to_numpy(float)[:, None]
        ckm = float(res.x.multiply(sp.csr_matrix(wd)).sum())
    else:
        masked = np.where(y[None, :], prob.full_km, np.inf)
        dist = masked.min(axis=1)
        far = float(dist.max()) if len(dist) else None
        ckm = float((wf * dist).sum())
    closed = [str(c) for c in s.loc[existing & ~y, "code"]]
    opened = [str(c) for c in s.loc[~s["existing"].to_numpy(bool) & y, "code"]]
    sites = [
        {
            "code": str(r.code),
            "name": str(r.name),
            "lon": float(r.lon),
            "lat": float(r.lat),
            "existing": bool(r.existing),
            "kind": str(r.kind),
        }
        for r in s.iloc[open_idx].itertuples()
        if r.counted
    ]
    objective = res.objective
    if model == "pmedian" and prob.aggregation_bound is not None and not capacitated:
        objective = ckm  # recomputed on every village
    if model == "pcenter":
        objective = far  # the bisection's radii are rounded to metres; this is the network's own
    message = ""
    if capacitated and res.current is None:
        message = (
            f"现状学校的核定学位无法在 {config.SETTINGS['layout']['optimize']['assign_max_km']:g} km 内"
            "容纳全部儿童，因此没有现状对比值。"
        )
    why = _why(prob, y, closed, model=model)
    return Solution(
        **base,
        optimal=res.status == "optimal",
        objective=objective,
        gap=res.gap,
        seconds=time.perf_counter() - started,  # last: the report is part of the solve's time
        sites=sites,
        kept_existing=int((existing & y).sum()),
        closed=closed,
        opened=opened,
        farthest_km=far,
        current_farthest_km=cur_far,
        child_km=ckm,
        current_child_km=cur_ckm,
        cost_wan=rules.close_cost * len(closed) + rules.build_cost * len(opened),
        message=message,
        why=why,
    )


def _capacitated_km(prob: Problem, x: sp.csr_matrix) -> np.ndarray:
    coo = x.tocoo()
    used = coo.data > 1e-6
    far = np.zeros(x.shape[0])
    np.maximum.at(far, coo.row[used], prob.km[coo.row[used], coo.col[used]])
    return far


def _failure_text(status: str, rules: _Rules) -> str:
    if status == "infeasible":
        return (
            f"在当前约束下(学校数 {rules.k if rules.k is not None else '不限'}，最多撤并 {rules.close_max} 所，"
            f"最多新建 {rules.open_max} 所{'' if rules.budget is None else f'，预算 {rules.budget:g} 万元'})"
            "找不到满足条件的布局：请放宽撤并/新建数量、预算或学位约束。没有可保存的方案。"
        )
    if status == "no_solution":
        return "在时限内没有找到可行的布局：请延长时限或缩小问题(减少候选点、按乡镇求解)。没有可保存的方案。"
    return "求解器出错，没有可保存的方案。"


def _why(prob: Problem, y: np.ndarray, closed: list[str], *, model: str) -> pd.DataFrame:
    """For each closed school: its catchment today, where those children go, and the distances."""
    s = prob.sites
    if not closed:
        return pd.DataFrame(columns=list(WHY_COLUMNS))
    today = s["existing"].to_numpy(bool)
    d = prob.full_km
    w = prob.full_demand["children"].to_numpy(float)
    jt = np.where(today[None, :], d, np.inf).argmin(axis=1)
    ja = np.where(y[None, :], d, np.inf).argmin(axis=1)
    code = s["code"].to_numpy()
    names = s["name"].to_numpy()
    rows = []
    for c in closed:
        j = int(np.flatnonzero(code == c)[0])
        mine = jt == j
        kids = float(w[mine].sum())
        if kids > 0:
            before = float(np.average(d[mine, j], weights=w[mine]))
            after = float(np.average(d[mine, ja[mine]], weights=w[mine]))
            dest = pd.Series(w[mine]).groupby(names[ja[mine]]).sum().sort_values(ascending=False)
            to = "、".join(dest.index[:2])
        else:
            before = after = float("nan")
            to = "—"
        rows.append(
            {
                "撤并学校": names[j],
                "学区儿童(按最近学校)": int(round(kids)),
                "改由": to,
                "平均距离(现状km)": round(before, 2),
                "平均距离(方案km)": round(after, 2),
                "理由": _reason(kids, before, after, model),
            }
        )
    return pd.DataFrame(rows, columns=list(WHY_COLUMNS))


WHY_COLUMNS = ("撤并学校", "学区儿童(按最近学校)", "平均距离(现状km)", "平均距离(方案km)", "理由", "改由")


def _reason(kids: float, before: float, after: float, model: str) -> str:
    if kids <= 0:
        return "没有以该校为最近学校的儿童"
    goal = {
        "pmedian": "名额移到离儿童更近的新址，总路程更短",
        "pcenter": "名额用于缩短最远儿童的距离",
        "mclp": "名额用于覆盖阈值外的更多儿童",
        "lscp": "学区儿童在阈值内另有学校",
    }[model]
    return goal if abs(after - before) < 0.05 else f"{goal}；学区儿童平均 {before:.1f}→{after:.1f} km"


# ---------------------------------------------------------------- as a scenario


def solution_changes(sol: Solution, *, band: str) -> list[dict[str, Any]]:
    """A solution as scenario changes: close the schools it closes, add its new sites.

    Raises
    ------
    OptimizeError
        The solve found no solution (a failure is never a plan).
    """
    if not sol.ok:
        raise OptimizeError("求解没有得到可行解，不能作为方案。")
    opt = config.SETTINGS["layout"]["optimize"]
    changes: list[dict[str, Any]] = [{"op": "close", "code": c} for c in sol.closed]
    level = "小学" if band == "primary" else "初中"
    for s in sol.sites:
        if not s["existing"]:
            changes.append(
                {
                    "op": "add",
                    "code": "N" + s["code"],
                    "name": s["name"].replace("(村址)", "新校")
                    if s["kind"] == "village"
                    else f"{s['name']}新校",
                    "level": level,
                    "lon": s["lon"],
                    "lat": s["lat"],
                    "capacity": int(opt["new_school_seats"][band]),
                    "boarding_beds": int(opt["new_school_beds"][band]),
                }
            )
    return changes
