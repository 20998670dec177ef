"""布局规划 (lib.layout.planning) on the demo county: scenarios conserve children and pupils, never
widen reach; the store keeps them; the CLI contracts of plan and optimize."""

from __future__ import annotations

import json

import pytest

from lib.core import store
from lib.core.scope import default_scope
from lib.layout import coverage as layout
from lib.layout import planning


@pytest.fixture(scope="module")
def data(demo_db):
    with store.connect(demo_db) as con:
        return layout.load_layout_data(con, default_scope())


def _some(data, level, n=1):
    return list(data.schools[data.schools.level == level].code.iloc[:n])


@pytest.mark.parametrize(
    ("level", "band"),
    [
        ("小学", "primary"),
        ("教学点", "primary"),
        ("初中", "junior"),
        ("九年一贯制", "primary"),
        ("九年一贯制", "junior"),
    ],
)
def test_closing_conserves_children_and_pupils_and_never_increases_reach(data, level, band):
    changes = [{"op": "close", "code": c} for c in _some(data, level, 3)]
    before = planning.evaluate(data, [], band=band)
    after = planning.evaluate(data, changes, band=band)
    assert after.county["children_total"] == before.county["children_total"] > 0
    assert after.county["children_within_reach"] <= before.county["children_within_reach"]
    assert after.rows["pupils"].sum() == pytest.approx(before.rows["pupils"].sum())  # nobody dropped
    assert after.county["pupils_total"] == before.county["pupils_total"]


def test_closing_a_nine_year_school_affects_both_bands(data):
    code = _some(data, "九年一贯制")[0]
    for band in ("primary", "junior"):
        b = planning.evaluate(data, [], band=band)
        a = planning.evaluate(data, [{"op": "close", "code": code}], band=band)
        assert code in set(b.schools.code) and code not in set(a.schools.code)


def test_moved_pupils_of_grades_1_to_3_stay_within_reach(data):
    codes = _some(data, "小学", 4)
    rows = planning.evaluate(data, [{"op": "close", "code": c} for c in codes], band="primary").rows
    moved = rows[rows["from_code"].isin(codes) & rows["to_code"].notna() & (rows["grade"] <= 3)]
    assert len(moved) and (moved["road_km"] <= 2.5 + 1e-9).all()
    placed = rows[rows["from_code"].isin(codes)]
    assert set(placed["mode"]) <= {"nearest", "board", "unplaced"}


def test_merge_sends_pupils_within_reach_to_the_target(data):
    a_code, b_code = _some(data, "小学", 2)
    rows = planning.evaluate(data, [{"op": "merge", "code": a_code, "into": b_code}], band="primary").rows
    merged = rows[(rows["from_code"] == a_code) & (rows["mode"] == "merge")]
    assert (merged["to_code"] == b_code).all() and (merged["road_km"] <= 2.5 + 1e-9).all()


def test_adding_a_school_where_children_are_far_brings_them_within_reach(data):
    base = planning.evaluate(data, [], band="junior")
    far = base.reach[~base.reach.within].sort_values("children").iloc[-1]
    add = {
        "op": "add",
        "code": "NEW1",
        "name": "新校",
        "level": "初中",
        "lon": far.lon,
        "lat": far.lat,
        "capacity": 600,
        "boarding_beds": 100,
    }
    after = planning.evaluate(data, [add], band="junior").county
    assert after["children_within_reach"] >= base.county["children_within_reach"] + int(far.children)
    assert after["children_total"] == base.county["children_total"]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"op": "close", "code": "nope"}, "不存在"),
        ({"op": "demolish", "code": "x"}, "未知操作"),
        ({"op": "add", "code": "N", "level": "大学", "lon": 114, "lat": 32}, "办学类型"),
    ],
)
def test_bad_changes_are_named(data, change, match):
    with pytest.raises(planning.ScenarioError, match=match):
        planning.apply_changes(data.schools, [change])


def test_scenarios_survive_in_the_store_and_conflict_on_stale_versions(fresh_db):
    scope = default_scope().narrow(user="planner")
    changes = [{"op": "close", "code": "X"}]
    assert planning.save_scenario(scope, "方案一", changes) == 1
    with pytest.raises(planning.ScenarioConflict):
        planning.save_scenario(scope, "方案一", changes)
    assert planning.save_scenario(scope, "方案一", changes + changes, version=1) == 2
    with pytest.raises(planning.ScenarioConflict):
        planning.save_scenario(scope, "方案一", changes, version=1)
    planning.duplicate_scenario(scope, "方案一", "方案二")
    planning.rename_scenario(scope, "方案二", "方案三")
    planning.delete_scenario(scope, "方案一")
    with store.connect() as con:
        saved = planning.list_scenarios(con)
        audit = con.execute("SELECT action FROM audit_log WHERE user_name = 'planner'").fetchall()
    assert list(saved.name) == ["方案三"] and saved.iloc[0]["changes"] == changes + changes
    assert saved.iloc[0]["created_by"] == "planner"
    assert {a[0] for a in audit} >= {"scenario_save", "scenario_rename", "scenario_delete"}


def test_cli_plan_json(demo_db, capsys, monkeypatch, data):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    code = _some(data, "九年一贯制")[0]
    assert cli.main(["plan", "--close", code, "--level", "junior", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["before"]) == set(doc["after"]) == set(planning.PLAN_KEYS)
    for key in ("unplaced", "classes_over_large", "classes_over_xlarge", "schools_under_100"):
        assert isinstance(doc["before"][key], int) and isinstance(doc["after"][key], int)
    assert doc["before"]["unplaced"] == 0
    assert doc["before"]["children_total"] == doc["after"]["children_total"]
    assert doc["after"]["children_within_reach"] <= doc["before"]["children_within_reach"]
    assert cli.main(["plan", "--close", "nope", "--json"]) == cli.EXIT_DATA
    assert cli.main(["plan", "--close", code, "--year", "2099", "--json"]) == cli.EXIT_DATA


def test_cli_plan_in_a_later_year_uses_that_years_pupils(demo_db, capsys, monkeypatch, data):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    later = data.base_year + 5
    assert cli.main(["plan", "--close", _some(data, "小学")[0], "--year", str(later), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["year"] == later
    now = planning.evaluate(data, [], band="primary").county
    then = planning.evaluate(data, [], band="primary", year=later).county
    assert doc["before"]["children_total"] == then["children_total"] < now["children_total"]
    assert then["pupils_total"] < now["pupils_total"]


def test_cli_optimize_json(demo_db, capsys, monkeypatch):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    args = ["optimize", "--model", "mclp", "--level", "junior", "--close-max", "2", "--open-max", "2"]
    assert cli.main([*args, "--time-limit", "30", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("kept_existing", "closed", "opened", "farthest_km", "gap", "seconds", "status", "objective"):
        assert key in doc
    assert len(doc["closed"]) <= 2 and len(doc["opened"]) <= 2
    assert doc["kept_existing"] == doc["k"] - len(doc["opened"]) == 32 - len(doc["closed"])
    assert isinstance(doc["gap"], float) and doc["objective"] >= doc["current_objective"]
    bad = ["optimize", "--model", "pmedian", "--level", "junior", "--capacitated", "--close-max", "0"]
    assert (
        cli.main([*bad, "--k", "2", "--time-limit", "20", "--json"]) == cli.EXIT_DATA
    )  # 2 schools, none may close
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "infeasible" and doc["sites"] == [] and doc["gap"] is None


def test_township_comparison_adds_up_to_the_county_and_lists_changed_townships_first(data):
    school = data.schools[data.schools.level == "初中"].iloc[0]
    before = planning.evaluate(data, [], band="junior")
    after = planning.evaluate(data, [{"op": "close", "code": school.code}], band="junior")
    towns = planning.compare_townships(before, after)
    assert len(towns) == len(data.townships)
    assert towns["学校数变化"].sum() == -1
    assert set(planning.TOWNSHIP_MEASURES) >= {"unplaced", "classes_over_large"}
    own = towns[towns["乡镇"] == data.townships.set_index("code").loc[school.township_code, "name"]].iloc[0]
    assert own["学校数变化"] == -1 and own["有变化"] == "是"
    flags = list(towns["有变化"])
    assert flags == sorted(flags, key=lambda f: f != "是")  # changed townships first
    assert towns["学龄儿童"].sum() == after.county["children_total"]  # per township sums to the county
    assert towns["学龄儿童变化"].abs().sum() == 0  # nobody dropped


def test_migration_rate_setting_moves_the_projection(data, monkeypatch):
    from lib.core import config

    year = data.base_year + 3
    town = data.townships.code.iloc[0]
    plain = planning.evaluate(data, [], band="primary", year=year).townships.set_index("code")
    monkeypatch.setitem(config.SETTINGS["layout"], "migration_rates", {town: -0.10})
    moved = planning.evaluate(data, [], band="primary", year=year).townships.set_index("code")
    assert moved.loc[town, "children_total"] < plain.loc[town, "children_total"]
    others = plain.index != town
    assert (moved.loc[others, "children_total"] == plain.loc[others, "children_total"]).all()
    trend = layout.compute_layout(
        data, band="primary", year=year
    ).township_trend  # the layout page: same setting
    monkeypatch.setitem(config.SETTINGS["layout"], "migration_rates", {})
    still = layout.compute_layout(data, band="primary", year=year).township_trend
    mine = (trend.code == town) & (trend.year == year)
    assert trend[mine].children.iloc[0] < still[mine].children.iloc[0]
