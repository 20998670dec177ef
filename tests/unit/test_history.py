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
