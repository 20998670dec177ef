"""AppTest of 学籍核查: the page renders without a roster, shows the stored roster's figures
(masked), and opens a 控辍保学 case for an unaccounted child from the list."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from streamlit import config as st_config

from lib.core import store
from lib.core.scope import Scope
from lib.demo import roster as roster_demo
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


def test_the_demo_roster_from_the_page(fresh_db):
    at = _ok(open_page("roster_check"))
    next(b for b in at.button if b.label == "使用演示花名册").click().run()
    _ok(at)
    assert any("可导入" in c.value for c in at.caption)
    next(b for b in at.button if b.label.startswith("导入花名册")).click().run()
    _ok(at)
    assert any("已导入花名册" in s.value for s in at.success)
    assert _metric(at, "去向不明") == "3"
    assert _metric(at, "重复在籍") == "2"
