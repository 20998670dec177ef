"""The case flow as the work is: return through 已核实 with a 安置方式, 巩固 only with the child in
school, reopening that keeps the history, and a past week's report that later edits do not move."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from lib.core import store
from lib.core.scope import Scope
from lib.dropout import cases as dc
from lib.dropout import weekly as wr

AS_OF = date(2026, 11, 20)


def _q(db, sql, params=()):
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture
def user():
    return Scope(user="李干事", role="county")


def _case(db, status):
    return _q(
        db,
        "SELECT case_id, version, student_id FROM dropout_cases WHERE status = ? AND student_id IS NOT NULL "
        "ORDER BY case_id LIMIT 1",
        [status],
    )[0]


def _absent(db, student_id, days: int) -> None:
    """The child absent, unexcused, on the last ``days`` school days up to AS_OF."""
    con = duckdb.connect(str(db))
    try:
        rows = con.execute(
            "SELECT day FROM school_calendar WHERE is_school_day AND day <= ? ORDER BY day DESC LIMIT ?",
            [AS_OF, days],
        ).fetchall()
        con.execute("DELETE FROM absences WHERE student_id = ? AND day >= ?", [student_id, rows[-1][0]])
        con.executemany("INSERT INTO absences VALUES (?, ?, false)", [(student_id, r[0]) for r in rows])
    finally:
        con.close()


def test_a_suspected_case_cannot_return_without_verification(fresh_db, user):
    case_id, v, _ = _case(fresh_db, "疑似辍学")
    with pytest.raises(dc.CaseError, match="返校须先核实"):
        dc.move_status(user, case_id, to="已返校", placement="原校", expected_version=v)


def test_return_needs_a_placement_and_vocational_only_from_fifteen(fresh_db, user):
    case_id, v, sid = _case(fresh_db, "劝返中")
    with pytest.raises(dc.CaseError, match="安置方式"):
        dc.move_status(user, case_id, to="已返校", expected_version=v)
    birth = _q(fresh_db, "SELECT birth_date FROM students WHERE student_id = ?", [sid])[0][0]
    age = AS_OF.year - birth.year - ((AS_OF.month, AS_OF.day) < (birth.month, birth.day))
    if age < 15:
        with pytest.raises(dc.CaseError, match="15周岁"):
            dc.move_status(user, case_id, to="已返校", placement="中职", expected_version=v)
    dc.move_status(user, case_id, to="已返校", placement="特教学校", expected_version=v)
    assert _q(fresh_db, "SELECT return_placement FROM dropout_cases WHERE case_id = ?", [case_id]) == [
        ("特教学校",)
    ]
    assert _q(fresh_db, "SELECT status, placement FROM students WHERE student_id = ?", [sid]) == [
        ("在校", "特教学校")
    ]


def test_retention_needs_the_child_in_school_and_a_reopened_case_keeps_its_history(fresh_db, user):
    case_id, v, sid = _case(fresh_db, "劝返中")
    back = AS_OF - timedelta(days=100)
    con = duckdb.connect(str(fresh_db))
    con.execute(
        "UPDATE dropout_cases SET status = '已返校', returned_on = ?, verified_on = ?, reported_on = ? WHERE case_id = ?",
        [back, back - timedelta(days=20), back - timedelta(days=40), case_id],
    )
    con.execute("UPDATE students SET status = '在校' WHERE student_id = ?", [sid])
    con.execute("DELETE FROM absences WHERE student_id = ? AND day > ?", [sid, back])
    con.close()
    _absent(fresh_db, sid, 6)  # the child has left again
    with pytest.raises(dc.CaseError, match="学生在校"):
        dc.move_status(user, case_id, to="巩固", expected_version=v)
    v = dc.move_status(
        user, case_id, to="劝返中", on=AS_OF - timedelta(days=5), note="再次辍学", expected_version=v
    )
    row = _q(
        fresh_db,
        "SELECT status, returned_on, first_returned_on, reopened_on FROM dropout_cases WHERE case_id = ?",
        [case_id],
    )[0]
    assert row == ("劝返中", None, back, AS_OF - timedelta(days=5))
    assert _q(fresh_db, "SELECT status FROM students WHERE student_id = ?", [sid]) == [("辍学",)]
    with store.connect(fresh_db) as con:  # the derived status keeps the first return
        from lib.dropout import rules

        sql = f"SELECT {rules.status_at_sql('c')} FROM dropout_cases c WHERE case_id = ?"
        assert (
            con.execute(sql, [*rules.status_at_params(back + timedelta(days=10)), case_id]).fetchone()[0]
            == "已返校"
        )
        assert con.execute(sql, [*rules.status_at_params(AS_OF), case_id]).fetchone()[0] == "辍学"


def test_retention_is_offered_when_the_child_is_present(fresh_db, user):
    case_id, v, sid = _case(fresh_db, "劝返中")
    back = AS_OF - timedelta(days=95)
    con = duckdb.connect(str(fresh_db))
    con.execute(
        "UPDATE dropout_cases SET status = '已返校', returned_on = ?, verified_on = ?, reported_on = ? WHERE case_id = ?",
        [back, back - timedelta(days=20), back - timedelta(days=40), case_id],
    )
    con.execute("UPDATE students SET status = '在校' WHERE student_id = ?", [sid])
    con.execute("DELETE FROM absences WHERE student_id = ? AND day > ?", [sid, back])
    con.close()
    dc.move_status(user, case_id, to="巩固", expected_version=v)
    assert _q(fresh_db, "SELECT status FROM dropout_cases WHERE case_id = ?", [case_id]) == [("巩固",)]


def _frames(db, week):
    with store.connect(db) as con:
        rep = wr.build_weekly_report(con, Scope(role="county"), week, unmask=True)
    return rep.rows, rep.summary, rep.missing


def test_a_past_week_is_identical_before_and_after_later_edits(fresh_db, user):
    week = "2026-W45"  # 11-02 … 11-08, well before AS_OF
    before = _frames(fresh_db, week)
    ids = before[0]["台账编号"].tolist()
    assert len(ids) > 3
    with store.connect(fresh_db) as con:
        cases = con.execute(
            "SELECT case_id, status, version FROM dropout_cases WHERE case_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    touched = 0
    per_status: dict[str, int] = {}
    for case_id, status, v in cases:
        if per_status.get(status, 0) >= 3:  # three of each kind show it; every case only costs time
            continue
        per_status[status] = per_status.get(status, 0) + 1
        if status in ("劝返中", "已核实"):
            v = dc.log_action(user, case_id, action="家访", result="家长同意送回", expected_version=v)
            v = dc.update_case(
                user,
                case_id,
                reason="其他",
                responsibles={"师长": ("新老师", "13800000000")},
                expected_version=v,
            )
            dc.move_status(
                user,
                case_id,
                to="已返校" if status == "劝返中" else "劝返中",
                placement="原校",
                expected_version=v,
            )
            touched += 1
        elif status == "疑似辍学":
            dc.move_status(user, case_id, to="误报", reason="已请假", expected_version=v)
            touched += 1
    assert touched >= 2
    after = _frames(fresh_db, week)
    for a, b in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(a, b)
    # the current week does see the edits: the test has teeth
    now = _frames(fresh_db, "2026-W47")[0]
    assert (now["师长"] == "新老师 13800000000").any()


def test_a_teacher_named_with_an_account_gets_the_case_on_the_case_and_in_the_todo(fresh_db, user):
    from lib.dropout import data as dropout_data
    from lib.dropout import ledger

    con = duckdb.connect(str(fresh_db))
    con.execute(
        "INSERT INTO accounts (name, display_name, roles, school) VALUES ('zhou', '周老师', 'teacher', NULL)"
    )
    con.close()
    case_id, v, _ = _case(fresh_db, "疑似辍学")
    with pytest.raises(dc.CaseError, match="账号"):
        dc.update_case(user, case_id, responsibles={"师长": ("周老师", None, "nobody")}, expected_version=v)
    dc.update_case(
        user, case_id, responsibles={"师长": ("周老师", "13800000001", "zhou")}, expected_version=v
    )
    assert _q(
        fresh_db, "SELECT name, account FROM case_responsibles WHERE case_id = ? AND role = '师长'", [case_id]
    ) == [("周老师", "zhou")]
    from lib.overview import todo

    with store.connect(fresh_db) as con:
        proposals = (
            pd.DataFrame(columns=["student_id"])
            .iloc[0:0]
            .assign(run_start=None, days=None, name=None, grade=None, school_name=None, colour=None)
        )
        items = todo.todo_items(con, Scope(role="county"), proposals)
        people = dropout_data.responsibles(con, Scope(role="county"))
        # the page hands over the ledger it has read already: the same lines
        cases = dropout_data.cases(con, Scope(role="county"))
        frames = {
            "cases": cases,
            "responsibles": dropout_data.responsibles(con, Scope(role="county"), cases["case_id"].tolist()),
            "notices": dropout_data.notices(con, Scope(role="county"), cases["case_id"].tolist()),
        }
        handed = todo.todo_items(con, Scope(role="county"), proposals, ledger=frames)
    pd.testing.assert_frame_equal(handed, items)
    mine = ledger.tasks_for_account(items, people, "zhou")
    assert case_id in set(mine["task_id"]) and set(mine["responsible"]) == {"师长"}
