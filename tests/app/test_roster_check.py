"""AppTest of 学籍核查: the page renders without a roster, shows the stored roster's figures
(masked), and opens a 控辍保学 case for an unaccounted child from the list."""

from __future__ import annotations

from datetime import date
from functools import partial

import duckdb
import pytest
from streamlit import config as st_config

from lib.core import store
from lib.core.scope import Scope
from lib.demo import roster as roster_demo
from lib.ops import jobs
from lib.roster import filecheck
from lib.roster import register as roster

from .conftest import open_page

SCOPE = Scope(as_of=date(2026, 11, 20), user="测试员", role="county")


@pytest.fixture(autouse=True)
def _allow_unpicklable_widget_callbacks():
    old = st_config.get_option("runner.enforceSerializableSessionState")
    st_config.set_option("runner.enforceSerializableSessionState", False)
    yield
    st_config.set_option("runner.enforceSerializableSessionState", old)


def _ok(at):
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def _stored_roster(path):
    roster_demo.plant_faults(path, scope=SCOPE)
    frame, planted = roster_demo.demo_roster(path, scope=SCOPE, townships=("411503410", "411503101"))
    with store.connect(path) as con:
        resolved, _, _ = roster.read_file(frame.to_csv(index=False).encode(), "r.csv", con, SCOPE)
    roster.save(resolved, SCOPE, path=path)
    return planted


def test_the_page_renders_without_a_roster(fresh_db):
    at = _ok(open_page("roster_check"))
    assert _metric(at, "去向不明") == "0"
    assert any("尚未导入花名册" in c.value for c in at.caption)


def test_masked_lists_and_a_case_from_the_unaccounted_list(fresh_db):
    planted = _stored_roster(fresh_db)
    at = _ok(open_page("roster_check"))
    assert _metric(at, "去向不明") == str(len(planted["never_enrolled"]))
    shown = at.dataframe[-1].value
    assert len(shown) == len(planted["never_enrolled"])
    assert all("********" in v for v in shown["身份证号"])  # masked by default
    pick = at.selectbox(key="rc_case_pick")
    assert all("********" in o for o in pick.options)  # the picker's labels are masked too
    child = pick.value
    at.selectbox(key="rc_reason").set_value("上学远")
    next(b for b in at.button if b.label == "建立控辍保学台账").click().run()
    _ok(at)
    con = duckdb.connect(str(fresh_db), read_only=True)
    row = con.execute("SELECT case_id, source FROM dropout_cases WHERE id_number = ?", [child]).fetchone()
    con.close()
    assert row is not None and row[1] == "花名册核查"
    assert any(row[0] in s.value for s in at.success)
    assert _metric(at, "去向不明") == str(len(planted["never_enrolled"]))  # still to find, now with a case


@pytest.mark.parametrize("which", ["transfer", "double", "elsewhere", "problem", "all"])
def test_every_list_renders(fresh_db, which):
    _stored_roster(fresh_db)
    at = _ok(open_page("roster_check"))
    at.radio(key="rc_list").set_value(which).run()
    _ok(at)
    assert len(at.dataframe) >= 2


def test_a_township_user_sees_only_their_township(fresh_db):
    _stored_roster(fresh_db)
    at = _ok(open_page("roster_check", role="township", townships=("411503101",)))
    coverage = at.dataframe[0].value
    assert set(coverage["乡镇"]) <= {"明港镇", "合计"}


def test_hidden_from_a_planner_and_read_only_for_a_leader(fresh_db):
    from lib.core import permissions

    assert not permissions.visible("planner", "roster_check")
    _stored_roster(fresh_db)
    at = _ok(open_page("roster_check", role="leader"))
    assert next(b for b in at.button if b.label == "建立控辍保学台账").disabled
    assert all("********" in v for v in at.dataframe[-1].value["身份证号"])


def test_confirming_an_overdue_transfer_from_the_ledger(fresh_db):
    _stored_roster(fresh_db)
    at = _ok(open_page("roster_check"))
    assert _metric(at, "转学逾期未确认") == "1"
    at.radio(key="rc_list").set_value("transfer").run()
    tid = at.selectbox(key="rc_tr_id").value
    next(b for b in at.button if b.label == "登记已确认").click().run()
    _ok(at)
    assert any(tid in s.value for s in at.success)
    assert _metric(at, "转学逾期未确认") == "0"


def _wait_for_jobs(at):
    """Wait (by condition: the job's thread ends) for the check the page started, then rerun."""
    jobs.wait_all(timeout_s=120)
    return _ok(at.run())


def test_the_demo_roster_from_the_page(fresh_db):
    at = _ok(open_page("roster_check"))
    next(b for b in at.button if b.label == "使用演示花名册").click().run()
    _ok(at)
    _wait_for_jobs(at)
    assert any("可导入" in c.value for c in at.caption)
    next(b for b in at.button if b.label.startswith("导入花名册")).click().run()
    _ok(at)
    assert any("已导入花名册" in s.value for s in at.success)
    assert _metric(at, "去向不明") == "3"
    assert _metric(at, "重复在籍") == "2"
    assert not any("可导入" in c.value for c in at.caption)  # the check's result went with the import
    assert _rows(fresh_db, "SELECT count(*) FROM jobs")[0][0] == 0


def _rows(path, sql):
    with store.connect(path) as con:  # as the job's own connections (read-only would clash in-process)
        return con.execute(sql).fetchall()


def test_the_check_runs_as_a_job_and_waits_for_the_user_to_come_back(fresh_db):
    at = _ok(open_page("roster_check"))
    next(b for b in at.button if b.label == "使用演示花名册").click().run()
    _ok(at)
    # a job of this user is recorded, the file's name in its summary, no child's data
    (_, owner, state, params), *more = _rows(fresh_db, "SELECT job_id, owner, state, params FROM jobs")
    assert not more and owner == "test-county" and state in ("queued", "running", "done")
    assert "演示花名册.csv" in params and "身份证" not in params
    # while it runs the page says so (or it has already finished on this machine)
    assert any("可以离开本页" in c.value for c in at.caption) or state == "done"
    jobs.wait_all(timeout_s=120)
    # another page, then back: the result is there, with the time it finished
    at.switch_page("pages/overview.py")
    _ok(at.run())
    at.switch_page("pages/roster_check.py")
    _ok(at.run())
    assert any("结果完成于" in c.value for c in at.caption)
    assert any("可导入" in c.value for c in at.caption)
    assert any("本文件核对结果" in c.value and "去向不明 3" in c.value for c in at.caption)
    # a new session of the same user (logged in anew, nothing in session state) finds it too
    again = _ok(open_page("roster_check"))
    assert any("结果完成于" in c.value for c in again.caption)
    assert _rows(fresh_db, "SELECT count(*) FROM jobs")[0][0] == 1  # not started twice
    # another user does not see it
    other = _ok(open_page("roster_check", role="township", townships=("411503101",)))
    assert not any("结果完成于" in c.value for c in other.caption)


def test_a_file_that_cannot_be_read_fails_with_its_message(fresh_db):
    at = _ok(open_page("roster_check"))
    scope = at.session_state["scope"]
    assert isinstance(scope, Scope)  # the page's: the test account's
    jobs.start("roster_check", scope, partial(filecheck.check, b"\x00\x01garbage", "坏文件.xlsx", scope))
    _wait_for_jobs(at)
    assert at.error and "坏文件.xlsx" in at.error[0].value
    assert "任务失败" in at.error[0].value
