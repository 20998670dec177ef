"""Where pupils go (lib.layout.assign, lib.layout.planning.evaluate) on a hand-built network
whose answers are worked out by hand in tests/unit/layout_net.py."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.layout import assign, planning

from . import layout_net as net

CLOSE_A = [{"op": "close", "code": "A"}]


@pytest.fixture(scope="module")
def data():
    return net.build()


def _placed(rows: pd.DataFrame) -> dict[tuple[str, int, str | None, str], float]:
    """(village, grade, destination, mode) -> pupils, for the pupils who were at A."""
    a = rows[rows["from_code"] == "A"]
    return {
        (v, int(g), t if isinstance(t, str) else None, m): round(float(n), 6)
        for (v, g, t, m), n in a.groupby(["village_code", "grade", "to_code", "mode"], dropna=False)["pupils"]
        .sum()
        .items()
    }


def test_closing_a_sends_each_pupil_where_the_rules_say(data):
    eff = planning.evaluate(data, CLOSE_A, band="primary")
    assert _placed(eff.rows) == {
        ("V1", 2, "C", "nearest"): 30.0,  # the 教学点 is nearest and teaches grade 2
        ("V1", 5, "B", "nearest"): 20.0,  # the 教学点 does not teach grade 5
        ("V3", 2, None, "unplaced"): 7.0,  # nothing within reach, grade 2 never boards
        ("V3", 5, "D", "board"): 10.0,  # D's 10 free beds, 9.75 km
        ("V3", 5, None, "unplaced"): 2.0,  # no bed left
        ("V4", 6, None, "unplaced"): 3.0,  # no school with beds within 15 km
        ("V6", 3, "B", "nearest"): 5.0,
    }
    reasons = eff.rows[eff.rows["mode"] == "unplaced"].groupby("reason")["pupils"].sum().to_dict()
    assert reasons == {"young": 7.0, "no_bed": 5.0}
    assert eff.county["unplaced"] == 12
    assert (
        eff.county["pupils_total"]
        == planning.evaluate(data, [], band="primary").county["pupils_total"]
        == 292
    )


def test_distances_are_to_the_assigned_school(data):
    rows = planning.evaluate(data, CLOSE_A, band="primary").rows.set_index(["village_code", "grade", "mode"])
    assert rows.loc[("V1", 2, "nearest"), "road_km"] == pytest.approx(1.3, abs=0.01)
    assert rows.loc[("V1", 5, "nearest"), "road_km"] == pytest.approx(1.95, abs=0.01)
    assert rows.loc[("V3", 5, "board"), "road_km"] == pytest.approx(7.5 * 1.3, abs=0.02)
    # an unplaced pupil counts at the nearest school teaching the grade (C, 3.5 km): never left out
    assert rows.loc[("V3", 2, "unplaced"), "road_km"] == pytest.approx(3.5 * 1.3, abs=0.02)


@pytest.mark.parametrize("closed", ["A", "B", "C", "D"])
def test_no_grade_1_3_pupil_is_moved_beyond_reach(data, closed):
    rows = planning.evaluate(data, [{"op": "close", "code": closed}], band="primary").rows
    moved = rows[(rows["from_code"] == closed) & rows["to_code"].notna() & (rows["grade"] <= 3)]
    assert (moved["road_km"] <= 2.5 + 1e-9).all()
    assert not (rows[rows["grade"] <= 3]["mode"] == "board").any()


@pytest.mark.parametrize("closed", ["A", "B", "C", "D"])
def test_closing_never_lowers_the_class_counts_of_receiving_schools(data, closed):
    before = planning.evaluate(data, [], band="primary").schools.set_index("code")
    after = planning.evaluate(data, [{"op": "close", "code": closed}], band="primary").schools.set_index(
        "code"
    )
    for code in after.index:
        assert after.loc[code, "pupils"] >= before.loc[code, "pupils"] - 1e-9
        assert after.loc[code, "classes_over_large"] >= before.loc[code, "classes_over_large"]


def test_classes_are_recounted_from_the_pupils_a_school_then_holds(data):
    before = planning.evaluate(data, [], band="primary")
    after = planning.evaluate(data, CLOSE_A, band="primary")
    g = after.grades.set_index(["school_code", "grade"])
    # B keeps its 2 grade-5 classes: (100 + 20) / 2 = 60 > 55, so both count as 大班额
    assert g.loc[("B", 5), "classes"] == 2 and g.loc[("B", 5), "class_size"] == pytest.approx(60)
    assert g.loc[("B", 5), "large"] == 2 and g.loc[("B", 5), "xlarge"] == 0
    assert before.county["classes_over_large"] == 0 and after.county["classes_over_large"] == 2
    assert after.schools.set_index("code").loc["B", "over"]  # 140 + 25 pupils > 150 seats


def test_merge_goes_to_the_target_within_reach_else_by_the_rules(data):
    eff = planning.evaluate(data, [{"op": "merge", "code": "A", "into": "B"}], band="primary")
    got = _placed(eff.rows)
    assert got[("V1", 2, "B", "merge")] == 30.0  # B is within reach of V1 (1.95 km)
    assert got[("V1", 5, "B", "merge")] == 20.0
    assert got[("V3", 2, None, "unplaced")] == 7.0  # B is 6 km from V3: the rules apply


def test_a_new_school_takes_its_catchment(data):
    lon, lat = net.point(3.0)  # at V2
    new = {
        "op": "add",
        "code": "N1",
        "name": "新校",
        "level": "小学",
        "lon": lon,
        "lat": lat,
        "capacity": 300,
        "boarding_beds": 0,
    }
    eff = planning.evaluate(data, [new], band="primary")
    s = eff.schools.set_index("code")
    # V2's 140 pupils (nearer to it than to B) and V4's 3 at A (27 km east of it: nearer than A)
    assert s.loc["N1", "pupils"] == 143
    assert s.loc["B", "pupils"] == 0
    assert s.loc["N1", "in_scope"] and s.loc["N1", "township_code"] == net.TOWN_B
    g = eff.grades.set_index(["school_code", "grade"])
    assert g.loc[("N1", 5), "classes"] == 3  # 100 pupils in classes of 45: ceil(100 / 45)
    assert (
        eff.county["schools_under_100"]
        == planning.evaluate(data, [], band="primary").county["schools_under_100"] + 1
    )  # B is left with nobody; the new school is not "small"


def test_a_2031_scenario_uses_2031_pupils(data):
    e26 = planning.evaluate(data, [], band="primary")
    e31 = planning.evaluate(data, [], band="primary", year=2031)
    # V2: grades 1-5 are the 20 children of each age 1-5 today; V1: its 10 six-year-olds in grade 6
    assert e31.county["pupils_total"] == 110
    by = e31.rows.groupby("village_code")["pupils"].sum()
    assert by["V2"] == pytest.approx(100) and by["V1"] == pytest.approx(10)
    assert e31.county["children_total"] == 100 + 10  # ages 6-11 in 2031
    assert e26.county["pupils_total"] == 292
    closed = planning.evaluate(data, CLOSE_A, band="primary", year=2031)
    assert _placed(closed.rows) == {("V1", 6, "B", "nearest"): 10.0}


def test_project_origins_keeps_today_and_moves_cohorts(data):
    today = assign.project_origins(
        data.origins,
        data.county_population,
        base_year=2026,
        year=2026,
        schools=data.schools,
        villages=data.county_villages,
    )
    assert today["pupils"].sum() == sum(n for *_, n in net.PUPILS)
    later = assign.project_origins(
        data.origins,
        data.county_population,
        base_year=2026,
        year=2028,
        schools=data.schools,
        villages=data.county_villages,
    )
    b = later[later["school_code"] == "B"].set_index("grade")["pupils"]
    assert b[2] == pytest.approx(40 * 20 / 40)  # age 7 in 2028 = age 5 today (20 of them)
    assert 5 not in b.index  # age 10 in 2028 = age 8 today: nobody
    assert b[1] == pytest.approx(20)  # a cohort arriving: V2's 20 four-year-olds, at V2's own school


def test_township_scope_counts_its_schools_and_reach_crosses_the_border():
    data = net.build(townships=(net.TOWN_B,))
    today = planning.evaluate(data, [], band="primary").county
    assert (today["schools"], today["seats"], today["boarding_beds"]) == (1, 150, 0)  # B only
    assert today["children_total"] == 140 + 3 + 5 and today["children_within_reach"] == 145
    assert today["pupils_total"] == 148  # pupils living in 乙乡, wherever they go to school
    shut = planning.evaluate(data, [{"op": "close", "code": "B"}], band="primary").county
    assert shut["schools"] == 0 and shut["seats"] == 0
    assert shut["children_within_reach"] == 5  # V6 reaches A across the border
    assert shut["unplaced"] == 140  # V2: grade 2 cannot board; grade 5: D is 19.5 km away


def test_unplaced_and_moves_tables_name_schools_and_villages(data):
    eff = planning.evaluate(data, CLOSE_A, band="primary")
    tables = planning.assignment_tables(data, eff, CLOSE_A)
    u = tables["无法安置"]
    assert u["人数"].sum() == 12 and set(u["原学校"]) == {"甲小学"}
    assert set(u["户籍村"]) == {"V3村", "V4村"}
    m = tables["去向"]
    assert set(m["去向学校"]) == {"丙教学点", "乙小学", "丁小学"}
    far = tables["超出就近距离的村"].set_index("村(社区)")
    assert far["学龄儿童"].to_dict() == {"V4村": 3, "V3村": 19}  # farthest first
    assert far.loc["V3村", "最近的学校"] == "丙教学点" and far.loc["V3村", "到最近学校(km，道路估算)"] == 4.55
    receiving = planning.receiving_schools(
        planning.evaluate(data, [], band="primary"), eff, planning.school_names(data, CLOSE_A)
    )
    assert receiving.set_index("学校").loc["乙小学", "超容量"] == "超容量"
