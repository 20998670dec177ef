"""巩固率 by home township and the 村 breakdown, on hand-made frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.dropout import homes, monitor


def test_consolidation_by_home_apportions_the_county_base_by_where_the_cohort_lives():
    towns = pd.DataFrame({"code": ["A", "B"]})
    grade9 = pd.DataFrame({"code": ["A", "B"], "grade9": [95, 291]})
    pop6 = pd.DataFrame({"code": ["A", "B"], "cohort": [100, 300]})
    out = homes.consolidation_by_home(towns, grade9, pop6, 400).set_index("code")
    assert out.loc["A", "base_home"] == 100 and out.loc["B", "base_home"] == 300
    assert out.loc["A", "consolidation_home"] == pytest.approx(0.95)
    assert out.loc["B", "consolidation_home"] == pytest.approx(0.97)
    # the county figure is the same whichever way the pupils are attributed
    assert out["grade9_home"].sum() / out["base_home"].sum() == pytest.approx(386 / 400)


def test_village_table_counts_and_coverage():
    villages = pd.DataFrame(
        {
            "code": ["v1", "v2"],
            "village_name": ["甲村", "乙村"],
            "township_name": ["镇", "镇"],
            "enrolled": [90, 50],
            "school_age": [100, 40],
            "interventions": [3, 0],
        }
    )
    cases = pd.DataFrame(
        {
            "village_code": ["v2", "v2", "v2", "v1"],
            "now": ["辍学", "疑似辍学", "已返校", "误报"],
            "status": ["劝返中", "疑似辍学", "已返校", "误报"],
            "reported_on": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 9, 10), date(2026, 9, 5)],
            "returned_on": [None, None, date(2026, 10, 1), None],
        }
    )
    out = homes.village_table(villages, cases, year_start=date(2026, 9, 1), as_of=date(2026, 11, 20))
    assert list(out["code"]) == ["v2", "v1"]  # the village with children out first
    v2 = out.set_index("code").loc["v2"]
    assert (v2.cases, v2.suspected, v2.dropouts, v2.returned) == (3, 1, 1, 1)
    assert out.set_index("code").loc["v1", "cases"] == 0  # a false alarm is not a case
    assert v2.coverage == 1.0 and out.set_index("code").loc["v1", "coverage"] == pytest.approx(0.9)


def test_one_consolidation_target_in_one_format():
    assert monitor.target_text() == "目标 ≥97.0%"
    assert monitor.consolidation_colour(0.955) == "red"
    assert monitor.consolidation_colour(0.965) == "amber"
    assert monitor.consolidation_colour(0.975) == "green"
