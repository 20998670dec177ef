"""AppTest as a class teacher (师长 of one class): the risk list, the case ledger and the search
show the pupils of that class only; a pupil of another class asked for by 学籍号 is not found;
pages read by school (资助, 学籍核查) are not in the teacher's navigation."""

from __future__ import annotations

import duckdb
import pytest

from lib.core import ids, permissions
from lib.core.scope import Scope
from lib.ui import risk as ui_risk

from .conftest import open_page, open_tab


def _sql(db, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def cls(fresh_db) -> dict:
    """The class with the most 控辍保学 cases, and a pupil of the same school in another class."""
    school, grade, class_no = _sql(
        fresh_db,
        "SELECT st.school_code, st.grade, st.class_no FROM dropout_cases c "
        "JOIN students st ON st.student_id = c.student_id "
        "GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 1, 2, 3 LIMIT 1",
    )[0]
    pupils = _sql(
        fresh_db,
        "SELECT student_id, id_number FROM students WHERE school_code = ? AND grade = ? AND class_no = ?",
        [school, grade, class_no],
    )
    other = _sql(
        fresh_db,
        "SELECT student_id, xueji_number, id_number FROM students WHERE school_code = ? AND status = '在校' "
        "AND NOT (grade = ? AND class_no = ?) ORDER BY student_id LIMIT 1",
        [school, grade, class_no],
    )[0]
    return {
        "school": school,
        "classes": (f"{grade}-{class_no}",),
        "ids": {r[0] for r in pupils},
        "masked": {ids.mask_id(r[1]) for r in pupils},
        "other": other,
    }


def _risk_table(at):
    for d in at.dataframe:
        data = getattr(d.value, "data", d.value)
        if "风险分" in getattr(data, "columns", []):
            return data
    raise AssertionError("no risk table")


def test_a_class_teachers_risk_list_holds_only_their_pupils(cls):
    at = open_page("risk", role="teacher", schools=(cls["school"],), classes=cls["classes"])
    assert not at.exception, at.exception
    mine = _risk_table(at)
    assert len(mine) and set(mine["身份证号"]) <= cls["masked"]
    school = _risk_table(open_page("risk", role="teacher", schools=(cls["school"],)))
    assert len(school) > len(mine)  # the whole school's teacher account sees more


def test_another_class_pupil_is_not_found_by_xueji_number(cls):
    at = open_page("risk", role="teacher", schools=(cls["school"],), classes=cls["classes"])
    open_tab(at, ui_risk.TABS, "学生档案")
    _, xueji, id_number = cls["other"]
    at.text_input(key="rk_query").input(xueji)
    next(b for b in at.get("form_submit_button") if b.label == "查找").click().run()
    assert not at.exception, at.exception
    options = at.selectbox(key="rk_sid").options
    assert not any(ids.mask_id(id_number) in o for o in options)
    shown = " ".join(m.value for m in at.markdown) + " ".join(str(e.value) for e in at.error)
    assert xueji not in shown and id_number not in shown


def test_a_class_teachers_case_ledger_holds_only_their_pupils_cases(fresh_db, cls):
    at = open_page("dropout_cases", role="teacher", schools=(cls["school"],), classes=cls["classes"])
    assert not at.exception, at.exception
    at.multiselect(key="do_status_filter").set_value([]).run()
    ledger = at.dataframe[0].value
    want = _sql(
        fresh_db,
        "SELECT count(*) FROM dropout_cases WHERE student_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(cls["ids"])],
    )[0][0]
    assert want and len(ledger) == want


def test_pages_read_by_school_are_not_offered_to_a_class_teacher():
    teacher = Scope(role="teacher", schools=("2141150301",), classes=("3-1",))
    school_teacher = Scope(role="teacher", schools=("2141150301",))
    for page in ("aid", "aid_reconcile", "roster_check", "transition", "dropout_weekly"):
        assert permissions.visible(school_teacher, page) and not permissions.visible(teacher, page)
    for page in ("risk", "dropout_cases", "dropout_case", "dropout_forms", "dropout_rosters", "todo"):
        assert permissions.visible(teacher, page)


def _todo(scope: Scope):
    from lib.core import store
    from lib.dropout import data as dropout_data
    from lib.dropout import ledger as dropout_ledger
    from lib.overview import todo

    with store.connect() as con:
        found, students = dropout_data.proposals(con, scope)
        return todo.todo_items(con, scope, dropout_ledger.proposals_display(found, students))


def test_a_class_teachers_todo_holds_their_pupils_cases_and_no_school_work(fresh_db):
    county = _todo(Scope(role="county"))
    case_ids = county.loc[county["page"] == "dropout_case", "task_id"].tolist()
    rows = _sql(
        fresh_db,
        "SELECT c.case_id, st.school_code, st.grade, st.class_no FROM dropout_cases c "
        "JOIN students st ON st.student_id = c.student_id WHERE c.case_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY 1",
        [case_ids],
    )
    case_id, school, grade, class_no = rows[0]
    classes = (f"{grade}-{class_no}",)
    pupils = {
        r[0]
        for r in _sql(
            fresh_db,
            "SELECT c.case_id FROM dropout_cases c JOIN students st ON st.student_id = c.student_id "
            "WHERE st.school_code = ? AND st.grade = ? AND st.class_no = ?",
            [school, grade, class_no],
        )
    }
    whole = _todo(Scope(role="teacher", schools=(school,)))
    mine = _todo(Scope(role="teacher", schools=(school,), classes=classes))
    assert case_id in set(mine["task_id"])
    assert set(mine["page"]) <= {"dropout_case", "dropout_cases"}
    assert set(mine.loc[mine["page"] == "dropout_case", "task_id"]) <= pupils
    assert len(whole) > len(mine)  # the school's other classes or its aid and roster work
    at = open_page("todo", role="teacher", schools=(school,), classes=classes)
    assert not at.exception, at.exception
