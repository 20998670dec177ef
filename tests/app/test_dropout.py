"""AppTest of the 控辍保学 pages: figures against SQL, and the whole flow: confirm a proposed
suspected case, log a home visit, confirm it, issue a notice, see it in the ledger and in
the week's report; an edit conflict keeps what the user typed."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from streamlit import config as st_config

from lib.core import fmt
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.ui import cases as case_ui

from .conftest import open_page, open_tab

AS_OF = date(2026, 11, 20)
PAGES = (
    "dropout",
    "dropout_cases",
    "dropout_case",
    "dropout_weekly",
    "dropout_forms",
    "dropout_rosters",
    "dropout_contacts",
    "todo",
)


@pytest.fixture(autouse=True)
def _allow_unpicklable_widget_callbacks():
    """AppTest keeps widget callbacks (format_func lambdas) in its own session-state entry,
    which runner.enforceSerializableSessionState refuses to pickle; the real app does not."""
    old = st_config.get_option("runner.enforceSerializableSessionState")
    st_config.set_option("runner.enforceSerializableSessionState", False)
    yield
    st_config.set_option("runner.enforceSerializableSessionState", old)


def _sql(db, sql, params=()):
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def _button(at, label):
    buttons = [*at.button, *at.download_button]
    for b in buttons:
        if b.label == label:
            return b
    raise AssertionError(f"no button {label!r}; have {[b.label for b in buttons]}")


def _ok(at):
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


PROPOSALS, NEW_CASE = "缺勤监测：待确认的疑似辍学(", "登记未入学儿童"


def _tab(at, key, start):
    """Open the tab whose label starts with ``start`` (the proposals' label ends with a count)."""
    return _ok(open_tab(at, key, next(t.label for t in at.tabs if t.label.startswith(start))))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(fresh_db, page):
    at = _ok(open_page(page))
    assert at.title, page


@pytest.mark.parametrize("township_kind", [None, "镇"])
def test_monitoring_numbers_equal_sql(fresh_db, township_kind):
    query, home = None, "TRUE"
    if township_kind:
        town = _sql(
            fresh_db, "SELECT code FROM townships WHERE kind = ? ORDER BY code LIMIT 1", [township_kind]
        )[0][0]
        query, home = {"township": town}, f"v.township_code = '{town}'"
    at = _ok(open_page("dropout", query=query))
    cases = f"dropout_cases c JOIN villages v ON v.code = c.village_code WHERE {home} AND c.reported_on <= DATE '2026-11-20'"
    expected = {
        "疑似辍学": _sql(fresh_db, f"SELECT count(*) FROM {cases} AND c.status = '疑似辍学'")[0][0],
        "辍学": _sql(fresh_db, f"SELECT count(*) FROM {cases} AND c.status IN ('已核实', '劝返中')")[0][0],
        "本学年返校": _sql(fresh_db, f"SELECT count(*) FROM {cases} AND c.returned_on >= DATE '2026-09-01'")[
            0
        ][0],
    }
    for label, n in expected.items():
        assert _metric(at, label) == fmt.fmt_count(n), label


@pytest.mark.parametrize("by", ["township", "school", "grade", "sex"])
def test_breakdowns_switch(fresh_db, by):
    at = _ok(open_page("dropout"))
    at.radio(key="do_by").set_value(by).run()
    _ok(at)
    assert len(at.dataframe) >= 1


def test_confirm_visit_notice_ledger_and_weekly_report(fresh_db):
    at = _tab(_ok(open_page("dropout_cases")), case_ui.LEDGER_TABS, PROPOSALS)
    before = _sql(fresh_db, "SELECT count(*) FROM dropout_cases")[0][0]
    student = at.selectbox(key="do_prop_pick").value.split("|")[0]
    at.selectbox(key="do_prop_reason").set_value("外出打工")
    _button(at, "确认为疑似辍学，建立台账").click().run()
    _ok(at)
    case_id = _sql(
        fresh_db,
        "SELECT case_id FROM dropout_cases WHERE student_id = ? AND source = '缺勤监测' "
        "AND reported_on = DATE '2026-11-20'",
        [student],
    )[0][0]
    assert _sql(fresh_db, "SELECT count(*) FROM dropout_cases")[0][0] == before + 1
    assert any(case_id in s.value for s in at.success)
    assert at.session_state["do_case"] == case_id

    at.switch_page("pages/dropout_case.py").run()
    _ok(at)
    assert case_id in at.title[0].value
    at.selectbox(key="do_act_kind").set_value("家访")
    at.text_area(key="do_act_result").input("入户家访：孩子在外地亲戚家，家长同意月底前送回")
    _button(at, "登记措施").click().run()
    _ok(at)
    assert _sql(fresh_db, "SELECT action FROM case_actions WHERE case_id = ?", [case_id]) == [("家访",)]
    at.selectbox(key="do_move_to").set_value("已核实")
    _button(at, "保存状态").click().run()
    _ok(at)
    assert _sql(fresh_db, "SELECT status FROM dropout_cases WHERE case_id = ?", [case_id]) == [("已核实",)]
    assert [b.value for b in at.selectbox if b.label == "文书"] == ["限期复学通知书"]  # the next one due
    _button(at, "签发并登记").click().run()
    _ok(at)
    (notice_id,) = _sql(fresh_db, "SELECT notice_id FROM notices WHERE case_id = ?", [case_id])[0]
    print_button = _button(at, f"打印《限期复学通知书》{notice_id}")
    assert print_button.disabled  # personal data: only when unmasked
    at.text_input(key="unmask_reason").input("入户送达通知书")
    _button(at, "显示完整信息").click().run()
    _ok(at)
    assert not _button(at, f"打印《限期复学通知书》{notice_id}").disabled
    _button(at, f"打印《限期复学通知书》{notice_id}").click().run()
    _ok(at)
    assert (
        _sql(
            fresh_db,
            "SELECT count(*) FROM audit_log WHERE action = 'print_notice' AND detail LIKE ?",
            [f"%{notice_id}%"],
        )[0][0]
        == 1
    )

    at.switch_page("pages/dropout_cases.py").run()
    _ok(at)
    ledger = at.dataframe[0].value
    row = ledger[ledger["台账编号"] == case_id].iloc[0]
    assert row["状态"] == "已核实" and "*" not in row["学生"]  # the unmasking lasts for the session...
    _button(at, "恢复脱敏").click().run()  # ...until the user ends it
    _ok(at)
    ledger = at.dataframe[0].value
    assert "*" in ledger[ledger["台账编号"] == case_id].iloc[0]["学生"]

    at.switch_page("pages/dropout_weekly.py").run()
    _ok(at)
    assert at.selectbox(key="do_week").value == "2026-W47"
    rows = at.dataframe[0].value
    mine = rows[rows["台账编号"] == case_id]
    assert len(mine) == 1
    assert "家访" in mine.iloc[0]["本周劝返措施"] and "限期复学通知书" in mine.iloc[0]["本周文书"]
    assert mine.iloc[0]["状态"] == "已核实" and "*" in mine.iloc[0]["身份证号"]
    assert _metric(at, "本周台账(条)") == fmt.fmt_count(len(rows))


def test_a_conflicting_edit_keeps_what_was_typed(fresh_db):
    case_id = _sql(
        fresh_db, "SELECT case_id FROM dropout_cases WHERE status = '劝返中' ORDER BY case_id LIMIT 1"
    )[0][0]
    at = open_page("dropout_cases")
    at.session_state["do_case"] = case_id
    at.switch_page("pages/dropout_case.py").run()
    _ok(at)
    version = _sql(fresh_db, "SELECT version FROM dropout_cases WHERE case_id = ?", [case_id])[0][0]
    # someone else logs a call on the same case meanwhile
    dropout_cases.log_action(
        Scope(user="另一位老师"),
        case_id,
        expected_version=version,
        action="电话",
        result="另一位老师：电话联系家长",
    )
    typed = "本人：约谈家长，签订送返承诺书"
    at.selectbox(key="do_act_kind").set_value("约谈")
    at.text_area(key="do_act_result").input(typed)
    _button(at, "登记措施").click().run()
    _ok(at)
    assert any("刚被" in e.value for e in at.error)
    assert at.text_area(key="do_act_result").value == typed  # nothing typed is lost
    table = at.dataframe[0].value.set_index("字段")
    assert table.at["结果", "您填写的"] == typed and table.at["版本", "最新版本"] == str(version + 1)
    assert typed not in [
        r[0] for r in _sql(fresh_db, "SELECT result FROM case_actions WHERE case_id = ?", [case_id])
    ]
    _button(at, "在最新版本上重新提交我的修改").click().run()
    _ok(at)
    results = [r[0] for r in _sql(fresh_db, "SELECT result FROM case_actions WHERE case_id = ?", [case_id])]
    assert typed in results and "另一位老师：电话联系家长" in results
    assert not any("刚被" in e.value for e in at.error)


def test_dismiss_needs_a_reason_and_keeps_the_input(fresh_db):
    at = _tab(_ok(open_page("dropout_cases")), case_ui.LEDGER_TABS, PROPOSALS)
    _button(at, "排除(不是辍学)").click().run()
    _ok(at)
    assert any("理由" in e.value for e in at.error)
    at.text_input(key="do_prop_note").input("已办理病假")
    label = at.session_state[case_ui.LEDGER_TABS]
    _button(at, "排除(不是辍学)").click().run()
    _ok(at)
    assert _sql(fresh_db, "SELECT decision, reason FROM detection_decisions") == [("排除", "已办理病假")]
    # one proposal fewer in the tab's label, and that tab is still the open one
    n = int(label.removeprefix(PROPOSALS).rstrip(")"))
    assert at.session_state[case_ui.LEDGER_TABS] == f"{PROPOSALS}{n - 1})"
    assert [m.value for m in at.success] == ["已排除，不再提示。"] and at.selectbox(key="do_prop_pick")


def test_open_a_case_for_a_child_not_enrolled(fresh_db):
    from lib.core import ids

    body = "41150320150101123"
    at = _tab(_ok(open_page("dropout_cases")), case_ui.LEDGER_TABS, NEW_CASE)
    at.text_input(key="do_new_id").input(body + ids.check_char(body))
    at.text_input(key="do_new_name").input("王小花")
    _button(at, "建立台账").click().run()
    _ok(at)
    assert _sql(
        fresh_db,
        "SELECT name, student_id FROM dropout_cases WHERE id_number = ?",
        [body + ids.check_char(body)],
    ) == [("王小花", None)]


def test_read_only_role_sees_but_cannot_write(fresh_db):
    at = _ok(open_page("dropout_cases", role="leader"))  # 局领导: sees everything masked, changes nothing
    assert _button(_tab(at, case_ui.LEDGER_TABS, PROPOSALS), "确认为疑似辍学，建立台账").disabled
    assert _button(_tab(at, case_ui.LEDGER_TABS, NEW_CASE), "建立台账").disabled
    assert not [b for b in at.button if b.label == "显示完整信息"]


def test_township_user_sees_only_home_township_cases(fresh_db):
    town = _sql(
        fresh_db,
        "SELECT v.township_code FROM dropout_cases c JOIN villages v ON v.code = c.village_code "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )[0][0]
    at = _ok(open_page("dropout_cases", role="township", townships=(town,)))
    at.multiselect(key="do_status_filter").set_value([]).run()
    ledger = at.dataframe[0].value
    expected = _sql(
        fresh_db,
        "SELECT count(*) FROM dropout_cases c JOIN villages v ON v.code = c.village_code "
        "WHERE v.township_code = ?",
        [town],
    )[0][0]
    assert len(ledger) == expected


def test_ledger_filters_are_kept_while_another_tab_is_open(fresh_db):
    at = _ok(open_page("dropout_cases"))
    opened = len(at.dataframe[0].value)
    at.multiselect(key="do_status_filter").set_value([]).run()  # every status, closed cases too
    at.text_input(key="do_find").input("KC").run()
    every = len(at.dataframe[0].value)
    assert every > opened
    _tab(at, case_ui.LEDGER_TABS, NEW_CASE)
    assert at.text_input(key="do_new_id")  # the other tab runs, the ledger does not
    _tab(at, case_ui.LEDGER_TABS, "控辍保学台账")
    assert at.multiselect(key="do_status_filter").value == [] and at.text_input(key="do_find").value == "KC"
    assert len(at.dataframe[0].value) == every


def test_weekly_report_numbers_equal_sql(fresh_db):
    at = _ok(open_page("dropout_weekly"))
    at.selectbox(key="do_week").set_value("2026-W46").run()
    _ok(at)
    new = _sql(
        fresh_db,
        "SELECT count(*) FROM dropout_cases WHERE reported_on BETWEEN DATE '2026-11-09' AND "
        "DATE '2026-11-15'",
    )[0][0]
    back = _sql(
        fresh_db,
        "SELECT count(*) FROM dropout_cases WHERE returned_on BETWEEN DATE '2026-11-09' AND "
        "DATE '2026-11-15'",
    )[0][0]
    assert _metric(at, "新增疑似") == fmt.fmt_count(new)
    assert _metric(at, "本周返校") == fmt.fmt_count(back)


def test_todo_opens_a_case(fresh_db):
    at = _ok(open_page("todo"))
    assert int(_metric(at, "待确认")) > 0
    pick = at.selectbox(key="do_todo_pick").value
    _button(at, "打开案件").click().run()
    _ok(at)
    assert at.session_state["do_case"] == pick
    assert pick in at.title[0].value


def _form_button(at, form):
    return next(b for b in at.button if b.form_id == form)


def test_rosters_log_a_visit(fresh_db):
    at = _ok(open_page("dropout_rosters"))
    n = _sql(fresh_db, "SELECT count(*) FROM intervention_visits")[0][0]
    _form_button(at, "do_visit_mentoring").click().run()  # nothing typed: refused, nothing written
    _ok(at)
    assert any("内容" in e.value for e in at.error)
    _tab(at, case_ui.ROSTER_TABS, "送教上门")
    at.text_input(key="do_visit_home_text").input("入户送教：识字卡片")
    _form_button(at, "do_visit_home").click().run()
    _ok(at)
    assert at.session_state[case_ui.ROSTER_TABS] == "送教上门"  # the write reran with the same tab open
    assert [m.value for m in at.success] == ["已登记。"]
    assert _form_button(at, "do_visit_home")  # ...and shows that tab's roster and form again
    assert _sql(fresh_db, "SELECT count(*) FROM intervention_visits")[0][0] == n + 1
    assert _sql(
        fresh_db, "SELECT content, visited_on FROM intervention_visits WHERE recorded_by = 'test-county'"
    ) == [("入户送教：识字卡片", AS_OF)]


def test_forms_page_lists_the_children_out_as_sql_counts_them(fresh_db):
    from lib.dropout import rules

    at = _ok(open_page("dropout_forms"))
    status = rules.status_at_sql("c")
    (out,) = _sql(
        fresh_db,
        f"SELECT count(*) FROM dropout_cases c WHERE ({status}) IN ('疑似辍学', '辍学')",
        rules.status_at_params(AS_OF),
    )[0]
    labels = [t.label for t in at.tabs]
    assert f"辍学学生登记表({out})" in labels, labels
    assert any(label.startswith("核查反馈(") for label in labels)
    register = at.dataframe[0].value
    assert len(register) == out and register["身份证号"].str.contains(r"\*").all()  # masked


def test_rosters_show_every_kind_and_the_effect(fresh_db):
    at = _ok(open_page("dropout_rosters"))
    labels = [t.label for t in at.tabs]
    assert {"家访与资助核查", "帮扶成效"} <= set(labels), labels
