from datetime import date

import numpy as np
import pandas as pd
import pytest

from lib.overview import metrics
from lib.present.cards import status_colour


@pytest.mark.parametrize(
    ("measure", "value", "colour"),
    [
        ("consolidation", 0.95, "red"),
        ("consolidation", 0.965, "amber"),
        ("consolidation", 0.98, "green"),
        ("consolidation", None, "grey"),
        ("consolidation", float("nan"), "grey"),
        ("open_cases_per_1000", 2.0, "red"),
        ("open_cases_per_1000", 1.0, "amber"),
        ("open_cases_per_1000", 0.2, "green"),
        ("students", 5, "none"),
    ],
)
def test_status_colour(measure, value, colour):
    assert status_colour(measure, value) == colour


def _table():
    return pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "students": [1000, 500, 0],
            "population": [900, 600, 10],
            "schools": [3, 2, 1],
            "capacity": [1000, 500, 0],
            "suspected": [1, 3, 0],
            "dropouts": [0, 2, 0],
            "returned": [0, 0, 0],
            "grade9": [98, 40, 0],
            "grade1_base": [100, 50, 0],
            "aid_eligible": [10, 20, 0],
            "aid_covered": [10, 15, 0],
            "aid_due": [20, 40, 0],
            "aid_ontime": [20, 30, 0],
            "at_risk": [1, 2, 0],
        }
    )


def test_rates_and_county_totals_recompute_from_sums():
    t = metrics._rates(_table())
    assert t.consolidation.tolist()[:2] == [0.98, 0.8]
    assert np.isnan(t.consolidation[2]) and np.isnan(t.aid_coverage[2])
    c = metrics.county_totals(t)
    assert c["students"] == 1500
    assert c["consolidation"] == pytest.approx(138 / 150)  # not the mean of township rates
    assert c["aid_coverage"] == pytest.approx(25 / 30)
    assert c["aid_on_time"] == pytest.approx(50 / 60)


def test_rank_by_attention_puts_red_first():
    ranked = metrics.rank_by_attention(metrics._rates(_table()))
    assert ranked.code.tolist()[0] == "b"


def test_term_weeks_are_fridays_ending_at_as_of():
    days = metrics.term_weeks(date(2026, 11, 20), date(2026, 9, 1))
    assert days[0] == date(2026, 9, 4) and days[-1] == date(2026, 11, 20)
    assert all(d.weekday() == 4 for d in days)
    assert len(days) == len(set(days))


def test_consolidation_uses_the_cohort_eight_years_earlier():
    hist = pd.DataFrame(
        {
            "school_year": [2018, 2026, 2026],
            "code": ["a", "a", "a"],
            "grade": [1, 9, 1],
            "students": [100, 95, 60],
        }
    )
    c = metrics._consolidation(hist, 2026)
    assert c.grade9.tolist() == [95] and c.grade1_base.tolist() == [100]
