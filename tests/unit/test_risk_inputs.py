"""The at-risk score on a small hand-built county (not the demo): urgency, reasons, point-in-time inputs."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from lib.core import config, history, store
from lib.core.scope import Scope
from lib.risk import backtest as rb
from lib.risk import inputs as risk_inputs
from lib.risk import listing as risk_list
from lib.risk import score as risk

AS_OF = date(2026, 11, 20)
TERMS = [
    (2025, 1, date(2025, 9, 1), date(2026, 1, 16)),
    (2025, 2, date(2026, 2, 23), date(2026, 7, 10)),
    (2026, 1, date(2026, 9, 1), date(2027, 1, 15)),
]


def _calendar() -> pd.DataFrame:
    rows = []
    for y, t, first, last in TERMS:
        d = first
        while d <= last:
            rows.append({"day": d, "school_year": y, "term": t, "is_school_day": d.weekday() < 5})
            d += timedelta(days=1)
    return pd.DataFrame(rows)


def _school_days(cal: pd.DataFrame, until: date) -> list[date]:
    return sorted(cal.loc[cal.is_school_day & (cal.day <= until), "day"])


def _student(sid: str, **kw) -> dict:
    base = {
        "student_id": sid,
        "name": "学生" + sid,
        "id_number": None,
        "sex": "男",
        "birth_date": date(2016, 3, 1),  # grade 5 in 2026-27: the normal age (10 on 1 September)
        "grade": 5,
        "class_no": 1,
        "school_code": "2141000001",
        "village_code": "411503101001",
        "boarding": False,
        "placement": "普通班",
        "status": "在校",
        "learning_difficulty": False,
        "score_trend": 0.0,
        "disability": False,
        "poverty_category": None,
        "left_behind": False,
        "orphan": False,
        "unsupported": False,
        "martyr_child": False,
        "prisoner_child": False,
        "disabled_parent": False,
    }
    return {**base, **kw}


@pytest.fixture
def county(tmp_path):
    """One township, two villages (one 12 km away), one primary school; 30 pupils:
    A36 absent the last 36 school days in a row and no case; twelve pupils with every
    registered risk and a few scattered absences; the rest with nothing against them."""
    path = tmp_path / "small.duckdb"
    con = duckdb.connect(str(path))
    store.migrate(con)
    store.write_table(con, "townships", pd.DataFrame([{"code": "411503101", "name": "甲镇", "kind": "镇"}]))
    store.write_table(
        con,
        "villages",
        pd.DataFrame(
            [
                {
                    "code": "411503101001",
                    "township_code": "411503101",
                    "name": "近村",
                    "lon": 114.1,
                    "lat": 32.1,
                },
                {
                    "code": "411503101002",
                    "township_code": "411503101",
                    "name": "远村",
                    "lon": 114.1,
                    "lat": 32.21,
                },
            ]
        ),
    )
    store.write_table(
        con,
        "schools",
        pd.DataFrame(
            [
                {
                    "code": "2141000001",
                    "name": "甲镇小学",
                    "level": "小学",
                    "township_code": "411503101",
                    "lon": 114.1,
                    "lat": 32.1,
                }
            ]
        ),
    )
    cal = _calendar()
    store.write_table(con, "school_calendar", cal)
    pupils = [_student("A36")]
    loaded = {
        "learning_difficulty": True,
        "poverty_category": "特困",
        "disability": True,
        "orphan": True,
        "village_code": "411503101002",
        "birth_date": date(2013, 3, 1),  # three years over age
        "score_trend": -1.2,
    }
    pupils += [_student(f"R{i:02d}", **loaded) for i in range(12)]
    pupils += [_student(f"N{i:02d}") for i in range(17)]
    store.write_table(con, "students", pd.DataFrame(pupils))
    days = _school_days(cal, AS_OF)
    absences = [{"student_id": "A36", "day": d, "excused": False} for d in days[-36:]]
    for i in range(12):  # 3 or 4 scattered unexcused days each, none consecutive
        n = 3 + i % 2
        absences += [{"student_id": f"R{i:02d}", "day": days[-2 - 3 * k], "excused": False} for k in range(n)]
    store.write_table(con, "absences", pd.DataFrame(absences))
    yield con
    con.close()


def test_longest_run_and_rates_come_from_the_calendar(county):
    inputs = risk_inputs.inputs_on(county, Scope(), AS_OF, config.SETTINGS).set_index("student_id")
    a = inputs.loc["A36"]
    assert (a.current_run, a.longest_run, a.unexcused_recent, a.unexcused_term) == (36, 36, 20, 36)
    r = inputs.loc["R01"]
    assert (r.current_run, r.longest_run, r.unexcused_recent) == (0, 1, 4)
    assert inputs.loc["R00", "age_excess"] == 3 and inputs.loc["N00", "age_excess"] == 0
    assert inputs.loc["R00", "home_km"] > 10


def test_the_child_absent_36_days_without_a_case_is_in_the_top_ten(county):
    """Twelve pupils carry every registered risk and a few absences; the absentee still leads."""
    df = risk_list.load_list(county, Scope(), config.SETTINGS)
    top = list(df["student_id"].head(10))
    assert "A36" in top and top[0] == "A36"
    reasons = df.set_index("student_id").loc["A36", "reasons"]
    assert reasons[0].startswith("连续无故缺勤36个上课日")


def test_children_without_a_reason_are_not_listed(county):
    df = risk_list.load_list(county, Scope(), config.SETTINGS)
    assert set(df["student_id"]) == {"A36", *(f"R{i:02d}" for i in range(12))}
    assert df["reasons"].map(len).gt(0).all()


def test_a_run_does_not_saturate():
    rows = [
        {"student_id": s, "grade": 5, "unexcused_recent": min(n, 20), "unexcused_term": n, "current_run": n}
        for s, n in (("a", 4), ("b", 20), ("c", 36), ("d", 60))
    ]
    out = risk.score_students(pd.DataFrame(rows))
    assert list(out["score"]) == sorted(out["score"]) and out["score"].is_unique


def test_weights_per_school_year():
    settings = {
        **config.SETTINGS,
        "risk": {**config.SETTINGS["risk"], "criteria_by_year": {"2025": {"weights": {"care": 99}}}},
    }
    assert risk.criteria_for(settings, 2025)["risk"]["weights"]["care"] == 99
    assert (
        risk.criteria_for(settings, 2025)["risk"]["weights"]["learning"]
        == config.SETTINGS["risk"]["weights"]["learning"]
    )
    assert (
        risk.criteria_for(settings, 2026)["risk"]["weights"]["care"]
        == config.SETTINGS["risk"]["weights"]["care"]
    )


# ------------------------------------------------------------------ the back-test reads the past as it was
FOLD = rb.Fold(2025, 1, date(2026, 1, 16), date(2026, 7, 10))


def _change(con, sid: str, **values) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    con.execute(f"UPDATE students SET {sets} WHERE student_id = ?", [*values.values(), sid])


def test_an_attribute_changed_after_the_cut_off_does_not_move_the_fold(county):
    history.record_students(county, date(2025, 9, 1))
    before = rb.inputs_at(county, Scope(), FOLD, config.SETTINGS)
    _change(county, "N00", poverty_category="低保", learning_difficulty=True, grade=6, orphan=True)
    history.record_students(county, date(2026, 3, 2))  # after the cut-off
    after = rb.inputs_at(county, Scope(), FOLD, config.SETTINGS)
    pd.testing.assert_frame_equal(before, after)
    assert rb.roll_at(county, FOLD)[1] == "history"
    # today's list does see the change: the test has teeth
    today = risk_inputs.inputs_on(county, Scope(), AS_OF, config.SETTINGS).set_index("student_id")
    assert today.loc["N00", "poverty_category"] == "低保"


def test_an_attribute_changed_before_the_cut_off_does_move_the_fold(county):
    history.record_students(county, date(2025, 9, 1))
    before = rb.inputs_at(county, Scope(), FOLD, config.SETTINGS).set_index("student_id")
    _change(county, "N00", poverty_category="低保")
    history.record_students(county, date(2025, 12, 1))
    after = rb.inputs_at(county, Scope(), FOLD, config.SETTINGS).set_index("student_id")
    assert pd.isna(before.loc["N00", "poverty_category"]) and after.loc["N00", "poverty_category"] == "低保"


def test_absences_after_the_cut_off_are_not_read(county):
    history.record_students(county, date(2025, 9, 1))
    inputs = rb.inputs_at(county, Scope(), FOLD, config.SETTINGS).set_index("student_id")
    # A36's 36 days all fall in the autumn of 2026, long after this cut-off
    assert inputs.loc["A36", "unexcused_term"] == 0 and inputs.loc["A36", "current_run"] == 0
