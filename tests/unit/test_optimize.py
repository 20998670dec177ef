"""选址优化 (lib.layout.optimize): answers known by hand or by enumeration on small lines of
villages, the planner's rules (kept schools, close/open limits, budget, forced sites), failures
that are never plans, and the district's properties the issue names."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lib.core import store
from lib.core.scope import default_scope
from lib.layout import coverage as layout
from lib.layout import optimize

from . import layout_net as net

SV = "schools+villages"


@pytest.fixture(scope="module")
def line():
    # villages at 0 (100 children), 10 (100), 20 (1); today's schools at 5 and 20
    return net.line_data([(0, 100), (10, 100), (20, 1)], [(5, 500), (20, 500)])


def test_pmedian_by_hand(line):
    sol = optimize.optimize(line, model="pmedian", close_max=1, open_max=1, candidates=SV, time_limit_s=20)
    # keep S0 (km 5), close S1 (km 20), open the centre of 村1 (km 10): 100*5 + 0 + 1*10 km, x 1.3
    assert sol.status == "optimal" and sol.gap is not None
    assert sol.closed == ["S1"] and sol.opened == ["VW1"]
    assert sol.objective == pytest.approx(510 * 1.3, rel=1e-3)
    assert sol.current_objective == pytest.approx((500 + 500) * 1.3, rel=1e-3)
    assert sol.kept_existing == 1 and sol.farthest_km == pytest.approx(13.0, rel=1e-3)


def test_existing_schools_are_kept_by_default(line):
    # two schools: the default share (20 %) allows no closure, so today's network is the answer
    sol = optimize.optimize(line, model="pmedian", candidates=SV, time_limit_s=20)
    assert sol.close_max == 0 and sol.closed == [] and sol.opened == [] and sol.kept_existing == 2
    assert sol.objective == pytest.approx(sol.current_objective)


def test_pcenter_reports_the_farthest_child(line):
    sol = optimize.optimize(line, model="pcenter", close_max=1, open_max=1, candidates=SV, time_limit_s=20)
    # today's network already has the smallest farthest distance: 5 km (x 1.3) from 村0 and 村1
    assert sol.status == "optimal" and sol.gap == 0.0
    assert sol.farthest_km == pytest.approx(6.5, rel=1e-3) and sol.closed == []
    far = optimize.optimize(
        net.line_data([(0, 10), (10, 10), (20, 10), (30, 10)], [(0, 500), (10, 500)]),
        model="pcenter",
        close_max=1,
        open_max=1,
        candidates=SV,
        time_limit_s=20,
    )
    # today 村3 is 20 km from school 10: moving school 0 to 村2 (20) leaves 10 km at most... or
    # moving it to 30 leaves 村0 10 km away; either way the farthest child is 10 km (x 1.3)
    assert far.current_farthest_km == pytest.approx(26.0, rel=1e-3)
    assert far.farthest_km == pytest.approx(13.0, rel=1e-3)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pmedian_and_pcenter_match_enumeration(seed):
    rng = np.random.default_rng(seed)
    villages = [
        (float(x), int(n)) for x, n in zip(rng.uniform(0, 30, 7), rng.integers(1, 60, 7), strict=True)
    ]
    schools = [(float(x), 500) for x in rng.uniform(0, 30, 3)]
    data = net.line_data(villages, schools)
    prob = optimize.build_problem(data, band="primary", candidates=SV)
    w = prob.demand["children"].to_numpy(float)
    existing = np.flatnonzero(prob.sites["existing"].to_numpy())
    new = np.flatnonzero(~prob.sites["existing"].to_numpy())
    best_sum, best_max = np.inf, np.inf
    for closed in range(0, 2):  # close at most 1, open at most 1, k = 3
        for keep in itertools.combinations(existing, len(existing) - closed):
            for add in itertools.combinations(new, closed):
                d = prob.km[:, list(keep) + list(add)].min(axis=1)
                best_sum = min(best_sum, float((w * d).sum()))
                best_max = min(best_max, float(d.max()))
    med = optimize.optimize(data, model="pmedian", close_max=1, open_max=1, candidates=SV, time_limit_s=20)
    cen = optimize.optimize(data, model="pcenter", close_max=1, open_max=1, candidates=SV, time_limit_s=20)
    assert med.objective == pytest.approx(best_sum, rel=1e-4)
    assert cen.farthest_km == pytest.approx(best_max, rel=1e-3)


def test_budget_and_forced_sites_are_obeyed(line):
    cost = optimize.optimize(
        line, model="pmedian", close_max=1, open_max=1, budget_wan=100, candidates=SV, time_limit_s=20
    )
    assert cost.opened == [] and cost.closed == []  # building costs 3000 万元: not within 100
    forced = optimize.optimize(
        line, model="pmedian", close_max=1, open_max=1, force_open=("S1",), candidates=SV, time_limit_s=20
    )
    # with S1 (km 20) kept, every network costs 1000 child-km x 1.3: no better move exists
    assert "S1" not in forced.closed and forced.objective == pytest.approx(1000 * 1.3, rel=1e-3)
    shut = optimize.optimize(
        line, model="pmedian", close_max=1, open_max=1, force_closed=("S0",), candidates=SV, time_limit_s=20
    )
    assert shut.closed == ["S0"]
    with pytest.raises(optimize.OptimizeError, match="不是本范围内"):
        optimize.optimize(line, force_open=("nope",), candidates=SV)


def test_a_solve_without_a_solution_is_never_a_plan():
    data = net.line_data([(0, 100), (10, 100), (20, 1)], [(5, 50), (20, 50)])  # 201 children, 100 seats
    sol = optimize.optimize(
        data, model="pmedian", capacitated=True, close_max=0, open_max=0, candidates=SV, time_limit_s=20
    )
    assert sol.status == "infeasible" and not sol.ok and sol.sites == [] and sol.gap is None
    assert "没有可保存的方案" in sol.message
    with pytest.raises(optimize.OptimizeError):
        optimize.solution_changes(sol, band="primary")


def test_a_solution_becomes_scenario_changes(line):
    sol = optimize.optimize(line, model="pmedian", close_max=1, open_max=1, candidates=SV, time_limit_s=20)
    changes = optimize.solution_changes(sol, band="primary")
    assert changes[0] == {"op": "close", "code": "S1"}
    assert changes[1]["op"] == "add" and changes[1]["level"] == "小学" and changes[1]["capacity"] == 900
    assert list(sol.why["撤并学校"]) == ["学校1"] and sol.why["理由"].iloc[0]


def test_aggregation_moves_child_km_within_its_stated_bound():
    data = net.line_data([(0.2, 40), (0.5, 30), (10.2, 50), (10.6, 20)], [(2, 500), (9, 500)])
    exact = optimize.build_problem(data, band="primary", candidates="schools")
    agg = optimize.build_problem(data, band="primary", candidates="schools", aggregate_km=1.0)
    assert len(agg.demand) < len(exact.demand) and agg.aggregation_bound > 0
    for cols in ([0], [1], [0, 1]):
        full = float((exact.demand["children"] * exact.km[:, cols].min(axis=1)).sum())
        merged = float((agg.demand["children"] * agg.km[:, cols].min(axis=1)).sum())
        assert abs(full - merged) <= agg.aggregation_bound + 1e-9


def test_cli_choices_match_the_module():
    from lib.commands import layout as commands

    assert commands.OPTIMIZE_MODELS == optimize.MODELS and commands.OPTIMIZE_CANDIDATES == optimize.CANDIDATES


# ---------------------------------------------------------------- the district (demo store)


@pytest.fixture(scope="module")
def district(demo_db):
    with store.connect(demo_db) as con:
        return layout.load_layout_data(con, default_scope())


@pytest.mark.slow
def test_default_pmedian_keeps_80_percent_and_is_no_worse_than_today(district):
    today = len(layout.band_supply(district.schools, "primary"))
    sol = optimize.optimize(district, model="pmedian", band="primary", time_limit_s=60)
    assert sol.ok and sol.k == today
    assert sol.kept_existing >= 0.8 * today
    assert sol.objective <= sol.current_objective + 1e-6
    assert sol.gap is not None
    shut = optimize.optimize(district, model="pmedian", band="primary", close_max=0, time_limit_s=60)
    assert shut.kept_existing == today and shut.closed == []


@pytest.mark.slow
def test_capacitated_pmedian_gap_holds_at_district_scale(district):
    """A short run returns a solution and a gap; the optimum (a long run) lies within that gap."""
    short = optimize.optimize(district, model="pmedian", band="primary", capacitated=True, time_limit_s=15)
    assert short.ok and short.gap is not None and short.objective is not None
    best = optimize.optimize(district, model="pmedian", band="primary", capacitated=True, time_limit_s=240)
    assert best.ok and best.objective is not None
    lower = short.objective * (1 - short.gap)
    assert best.objective >= lower * (1 - 1e-4) - 1e-6  # the short run's bound is a true bound
    assert best.objective <= short.objective * (1 + 1e-4) + 1e-6
