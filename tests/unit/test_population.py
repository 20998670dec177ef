"""Cohort projection of school-age children (lib.layout.population)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.layout import population


def _pop(rows: dict[str, dict[int, float]], year: int = 2026) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"village_code": v, "year": year, "age": a, "persons": n}
            for v, ages in rows.items()
            for a, n in ages.items()
        ]
    )


def test_cohorts_age_one_year_per_year():
    proj = population.project_population(_pop({"v": {0: 10, 3: 7, 5: 4, 15: 9}}), base_year=2026, years=3)
    at = lambda y, a: proj[(proj.year == y) & (proj.age == a)]["persons"].sum()  # noqa: E731
    assert at(2027, 4) == 7 and at(2029, 6) == 7 and at(2027, 6) == 4
    assert at(2027, 0) == 10  # births held at the last observed level
    assert at(2027, 15) == 0  # the 15-year-olds leave the table (no age 16)
    assert set(proj.year) == {2026, 2027, 2028, 2029}
    assert not proj[proj.year == 2026]["projected"].any() and proj[proj.year > 2026]["projected"].all()


@pytest.mark.parametrize(("rate", "expected"), [(0.0, 100.0), (-0.1, 81.0), (0.05, 110.25)])
def test_net_migration_scales_each_year(rate, expected):
    proj = population.project_population(
        _pop({"v": {4: 100}}), base_year=2026, years=2, migration={"t": rate}, village_township={"v": "t"}
    )
    assert proj[(proj.year == 2028) & (proj.age == 6)]["persons"].sum() == pytest.approx(expected)


def test_missing_base_year_is_an_error():
    with pytest.raises(ValueError, match="2025"):
        population.project_population(_pop({"v": {1: 1}}), base_year=2025)


def test_band_children_sums_the_band_ages():
    pop = _pop({"a": {5: 1, 6: 2, 11: 3, 12: 4}, "b": {14: 5}})
    assert population.band_children(pop, band="primary", year=2026).to_dict() == {"a": 5.0}
    assert population.band_children(pop, band="junior", year=2026).to_dict() == {"a": 4.0, "b": 5.0}


def test_enrolment_follows_its_catchment():
    proj = population.project_population(_pop({"a": {5: 20, 6: 40}, "b": {6: 10}}), base_year=2026, years=1)
    catch = pd.DataFrame({"code": ["a", "b"], "school_code": ["S", "T"]})
    enrolled = pd.DataFrame({"school_code": ["S", "T", "U"], "enrolled": [100, 50, 30]})
    out = population.project_enrolment(enrolled, catch, proj, band="primary", base_year=2026, years=1)
    nxt = out[out.year == 2027].set_index("school_code")["enrolled"]
    # S: catchment 6-11 goes 40 -> 60 (the 5-year-olds start); T: 10 -> 10; U has no catchment: unchanged
    assert nxt.to_dict() == pytest.approx({"S": 150.0, "T": 50.0, "U": 30.0})


def test_township_decline_flags_a_fall_beyond_the_share():
    pop = _pop({"a": {6: 100, 0: 50}, "b": {6: 100, 0: 100}})
    proj = population.project_population(pop, base_year=2026, years=6)
    table = population.township_decline(
        proj, {"a": "A", "b": "B"}, band="primary", base_year=2026, last_year=2032, share=0.2
    ).set_index("code")
    assert table.loc["A", "change"] == pytest.approx(-0.5) and bool(table.loc["A", "flag"])
    assert table.loc["B", "change"] == pytest.approx(0.0) and not table.loc["B", "flag"]
