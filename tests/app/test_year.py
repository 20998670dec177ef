"""学年升级 run from its page (a backup first, the new year's figures after), and 小升初衔接:
the list, the overdue leavers' cases opened from the page."""

from __future__ import annotations

from datetime import date

import duckdb

from lib.core import store
from lib.core.scope import Scope
from lib.ops import rollover

from .conftest import open_page


def _set_as_of(db, day: date) -> None:
    with store.transaction(db) as con:
        store.set_meta(con, "as_of", day.isoformat())


def test_rollover_runs_from_its_page_after_a_backup(fresh_db):
    _set_as_of(fresh_db, date(2027, 8, 20))
    at = open_page("admin_rollover", role="admin")
    assert not at.exception
    changes = at.dataframe[0].value
    assert {"students", "enrolment_counts", "school_calendar", "student_history"} <= set(changes["数据表"])
    at.checkbox(key="ro_confirm").check().run()
    at.button(key="ro_run").click().run()
    assert not at.exception
    done = " ".join(s.value for s in at.success)
    assert "学年升级已完成" in done and "升级前备份：edu-" in done
    con = duckdb.connect(str(fresh_db), read_only=True)
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'school_year'").fetchone()[0] == "2027"
        assert con.execute("SELECT count(*) FROM enrolment_counts WHERE school_year = 2027").fetchone()[0] > 0
    finally:
        con.close()
    assert len(list((fresh_db.parent / "backups").glob("edu-*.duckdb"))) == 1


def test_transition_page_lists_leavers_and_opens_the_overdue_cases(fresh_db):
    rollover.apply_rollover(
        Scope(user="管理员", role="admin"),
        to_year=2027,
        as_of=date(2027, 8, 20),
        path=fresh_db,
        take_backup=False,
    )
    with store.transaction(fresh_db) as con:  # the junior schools imported all but three leavers
        keep = [
            r[0]
            for r in con.execute(
                "SELECT st.student_id FROM students st JOIN schools sc ON sc.code = st.school_code "
                "WHERE st.status = '毕业' AND sc.level IN ('小学', '教学点') ORDER BY 1 LIMIT 3"
            ).fetchall()
        ]
        con.execute(
            "UPDATE students SET status = '在校', grade = grade + 1 FROM schools sc WHERE sc.code = students.school_code "
            "AND students.status = '毕业' AND sc.level IN ('小学', '教学点') AND students.student_id NOT IN (?, ?, ?)",
            keep,
        )
        store.set_meta(con, "as_of", "2027-10-08")
    at = open_page("transition", role="county")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已过建档期限"] == "3" and metrics["待接收"] == "0"
    table = at.dataframe[0].value
    assert len(table) == 3 and set(table["状态"]) == {"已过建档期限"} and table["应入学校"].notna().all()
    assert all("*" in n for n in table["姓名"])  # masked
    at.button(key="xs_cases").click().run()
    assert not at.exception
    assert any("已建立疑似辍学台账 3 件" in s.value for s in at.success)
    assert at.metric[2].value == "0" and any("名单为空" in i.value for i in at.info)
