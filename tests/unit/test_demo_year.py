"""The demo store through a year: its record of the past agrees with its term snapshots, and
after the rollover the past reads as before while the new year says what it lacks in words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from lib.core import history, store
from lib.core.scope import Scope
from lib.ops import rollover
from lib.overview import metrics
from lib.overview import view as overview_view
from lib.roster import transition

ADMIN = Scope(user="管理员甲", role="admin")


def test_the_demo_history_reaches_back_to_september_2024_and_ends_at_the_live_roll(demo_db: Path):
    with store.connect(demo_db) as con:
        first_day = con.execute("SELECT min(day) FROM school_calendar WHERE is_school_day").fetchone()[0]
        assert history.first_record(con) == first_day == date(2024, 9, 2)  # a Monday
        for table in ("enrolment_counts", "village_population", "schools"):
            assert history.first_record(con, table) == date(2024, 9, 1)
        cols = ", ".join(history.TRACKED)
        assert not con.execute(
            f"SELECT count(*) FROM (SELECT student_id, {cols} FROM students "
            f"EXCEPT SELECT student_id, {cols} FROM student_history WHERE valid_to IS NULL)"
        ).fetchone()[0]
        terms = con.execute(
            "SELECT e.school_year, e.term, max(c.day) FROM enrolments e JOIN school_calendar c "
            "ON c.school_year = e.school_year AND c.term = e.term AND c.is_school_day AND c.day <= ? "
            "GROUP BY 1, 2",
            [date(2026, 11, 20)],
        ).fetchall()
        for year, term, end in terms:  # each term's snapshot is the log read at the term's last day
            snap = con.execute(
                "SELECT student_id, school_code, grade, status FROM enrolments WHERE school_year = ? AND term = ?",
                [year, term],
            ).df()
            then = history.students_as_of(con, end).set_index("student_id")
            got = then.loc[snap["student_id"], ["school_code", "grade", "status"]].reset_index()
            pd.testing.assert_frame_equal(got, snap, check_dtype=False)
        # registered attributes changed within the history (the back-test reads them as they stood)
        before = history.attribute_on(con, date(2025, 10, 1), "poverty_category")
        now = history.attribute_on(con, date(2026, 11, 20), "poverty_category").reindex(before.index)
        changed = (before.fillna("-") != now.fillna("-")).sum()
        assert changed > 200


def test_after_the_rollover_the_demo_keeps_its_past_and_the_new_year_speaks(fresh_db: Path):
    with store.connect(fresh_db) as con:
        past = metrics.compute_overview(con, Scope(as_of=date(2026, 11, 20)))
    plan = rollover.apply_rollover(
        ADMIN, to_year=2027, as_of=date(2027, 9, 15), path=fresh_db, take_backup=False
    )
    with store.connect(fresh_db) as con:
        again = metrics.compute_overview(con, Scope(as_of=date(2026, 11, 20), school_year=2026))
        new = metrics.compute_overview(con, Scope(as_of=date(2027, 9, 15)))
        leavers = transition.leavers(con, Scope(as_of=date(2027, 9, 15)))
    pd.testing.assert_frame_equal(again.townships, past.townships)
    assert again.county == past.county and again.previous == past.previous
    cards = {c.label: c for c in overview_view.cards(new)}
    for label in ("学龄人口", "资助覆盖率", "按时足额发放率"):
        assert cards[label].value == "暂无数据" and cards[label].note
    assert (
        cards["巩固率"].value.endswith("%") and new.county["consolidation"] > 0.9
    )  # grade 9 of 2027 derived
    assert not new.townships["aid_coverage"].notna().any()  # no township red for want of data
    assert len(leavers.waiting) == plan.totals()["leavers_followed"] > 0
