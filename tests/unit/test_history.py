"""The change log of students' registered attributes: hand-made rolls whose history is known."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from lib.core import history, schema, store


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "h.duckdb"))
    store.migrate(c)
    yield c
    c.close()


def _roll(con, rows: list[dict]) -> None:
    cols = [c.name for c in schema.TABLES["students"].columns]
    frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    con.execute("DELETE FROM students")
    store.write_table(con, "students", frame)


A = {"student_id": "S1", "grade": 6, "school_code": "2141000001", "status": "在校", "poverty_category": None}
B = {
    "student_id": "S2",
    "grade": 3,
    "school_code": "2141000001",
    "status": "在校",
    "poverty_category": "低保",
}


def test_a_later_change_does_not_move_the_past(con):
    _roll(con, [A, B])
    assert history.record_students(con, date(2026, 9, 1)) == 2
    _roll(con, [{**A, "poverty_category": "脱贫户"}, B])
    assert history.record_students(con, date(2026, 11, 1)) == 1
    _roll(con, [{**A, "poverty_category": "脱贫户", "grade": 7, "school_code": "3141000002"}])
    assert history.record_students(con, date(2027, 9, 1)) == 1  # S2 left the roll: closed, not counted

    sept = history.students_as_of(con, date(2026, 9, 30)).set_index("student_id")
    assert sept.loc["S1", "poverty_category"] is None or pd.isna(sept.loc["S1", "poverty_category"])
    assert list(sept.index) == ["S1", "S2"]
    nov = history.attribute_on(con, date(2026, 11, 1), "poverty_category")
    assert nov["S1"] == "脱贫户" and nov["S2"] == "低保"
    later = history.students_as_of(con, date(2027, 9, 2)).set_index("student_id")
    assert list(later.index) == ["S1"]
    assert (later.loc["S1", "grade"], later.loc["S1", "school_code"]) == (7, "3141000002")
    assert history.students_as_of(con, date(2026, 8, 31)).empty
    assert history.has_history(con, date(2026, 9, 1)) and not history.has_history(con, date(2026, 8, 31))


def test_recording_twice_a_day_keeps_one_row_and_unchanged_students_none(con):
    _roll(con, [A, B])
    history.record_students(con, date(2026, 9, 1))
    assert history.record_students(con, date(2026, 10, 1)) == 0  # nothing changed: nothing written
    _roll(con, [{**A, "status": "休学"}, B])
    history.record_students(con, date(2026, 10, 8))
    _roll(con, [{**A, "status": "辍学"}, B])
    history.record_students(con, date(2026, 10, 8))  # a second import that day wins
    rows = con.execute(
        "SELECT valid_from, valid_to, status FROM student_history WHERE student_id = 'S1' ORDER BY valid_from"
    ).fetchall()
    assert rows == [(date(2026, 9, 1), date(2026, 10, 8), "在校"), (date(2026, 10, 8), None, "辍学")]


def test_unknown_attribute_is_refused(con):
    with pytest.raises(KeyError):
        history.attribute_on(con, date(2026, 1, 1), "name")


# ------------------------------------------------------------------ every tracked table, composite keys
def _counts(con, rows: list[tuple]) -> None:
    con.execute("DELETE FROM enrolment_counts")
    store.write_table(
        con,
        "enrolment_counts",
        pd.DataFrame(rows, columns=["school_year", "school_code", "grade", "students"]),
    )


def test_counts_keep_their_past_by_composite_key(con):
    _counts(con, [(2026, "X", 9, 95), (2026, "X", 8, 90), (2018, "X", 1, 100)])
    assert history.record(con, date(2026, 9, 15), tables=("enrolment_counts",)) == {"enrolment_counts": 3}
    _counts(
        con, [(2026, "X", 9, 60), (2026, "X", 8, 90), (2027, "X", 9, 88)]
    )  # one changed, one gone, one new
    assert history.record(con, date(2027, 9, 1), tables=("enrolment_counts",)) == {"enrolment_counts": 2}
    sql = "SELECT school_year, grade, students FROM {} ORDER BY ALL"
    past = con.execute(sql.format(history.relation(con, "enrolment_counts", date(2026, 10, 1)))).fetchall()
    assert past == [(2018, 1, 100), (2026, 8, 90), (2026, 9, 95)]
    assert history.relation(con, "enrolment_counts", date(2027, 9, 1)) == "enrolment_counts"
    assert history.last_change(con, "enrolment_counts") == date(2027, 9, 1)


def test_the_log_never_runs_backwards_and_a_same_day_write_back_leaves_no_trace(con):
    _roll(con, [A, B])
    history.record_students(con, date(2026, 9, 1))
    _roll(con, [{**A, "grade": 7}, B])
    history.record_students(con, date(2026, 10, 1))
    _roll(con, [{**A, "grade": 7, "status": "休学"}, B])
    history.record_students(con, date(2026, 9, 20))  # a file dated before the latest change: recorded then
    rows = con.execute(
        "SELECT valid_from, status FROM student_history WHERE student_id = 'S1' ORDER BY 1"
    ).fetchall()
    assert rows == [(date(2026, 9, 1), "在校"), (date(2026, 10, 1), "休学")]
    _roll(con, [{**A, "grade": 6}, B])  # undone the same day: back to what it was before that day
    history.record_students(con, date(2026, 10, 1))
    rows = con.execute(
        "SELECT valid_from, valid_to, grade FROM student_history WHERE student_id = 'S1'"
    ).fetchall()
    assert rows == [(date(2026, 9, 1), None, 6)]


def test_the_relation_of_students_has_every_column_identifiers_from_the_live_row(con):
    _roll(con, [{**A, "name": "张三"}, B])
    history.record_students(con, date(2026, 9, 1))
    _roll(con, [{**A, "name": "张三", "grade": 7}])
    history.record_students(con, date(2027, 9, 1))
    rel = history.relation(con, "students", date(2026, 12, 1))
    frame = con.execute(f"SELECT * FROM {rel} st ORDER BY student_id").df()
    assert list(frame.columns) == schema.TABLES["students"].names
    assert frame["student_id"].tolist() == ["S1", "S2"] and frame["grade"].tolist() == [6, 3]
    assert frame.loc[0, "name"] == "张三" and pd.isna(frame.loc[1, "name"])  # S2 has left the live table


def test_recording_only_the_changed_pupil_gives_the_same_log(con):
    _roll(con, [A, B])
    history.record_students(con, date(2026, 9, 1))
    _roll(con, [{**A, "status": "辍学"}, {**B, "grade": 4}])
    assert history.record_students(con, date(2026, 10, 8), only=["S1"]) == 1  # S2 is not looked at
    assert history.attribute_on(con, date(2026, 10, 9), "status")["S1"] == "辍学"
    assert history.attribute_on(con, date(2026, 10, 9), "grade")["S2"] == 3
    assert history.record_students(con, date(2026, 10, 8)) == 1  # the whole roll: now S2 too
    assert history.attribute_on(con, date(2026, 10, 9), "grade")["S2"] == 4
