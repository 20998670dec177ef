"""两表, 核查反馈 and the escalation notice list on hand-made cases."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from lib.dropout import forms

D = date
AS_OF = D(2026, 11, 20)


def _cases():
    base = {
        "township_code": "t",
        "township_name": "甲镇",
        "village_name": "一村",
        "school_name": "甲小",
        "grade": 5,
        "sex": "女",
        "guardian_name": "王大明",
        "guardian_phone": "13912345678",
        "reason": "外出打工",
        "verified_on": None,
        "returned_on": None,
        "closed_on": None,
        "first_returned_on": None,
        "reopened_on": None,
        "return_placement": None,
        "dismiss_reason": None,
        "updated_by": "李干事",
        "next_followup_on": AS_OF + timedelta(days=3),
    }
    rows = [
        {
            "case_id": "k1",
            "student_id": "s1",
            "name": "王小红",
            "id_number": "34052419800101001X",
            "status": "劝返中",
            "reported_on": D(2026, 10, 1),
            "verified_on": D(2026, 10, 20),
            "next_followup_on": AS_OF - timedelta(days=7),
        },  # escalated two steps: 村长
        {
            "case_id": "k2",
            "student_id": "s2",
            "name": "李小明",
            "id_number": "11010519491231002X",
            "status": "已返校",
            "reported_on": D(2026, 9, 10),
            "verified_on": D(2026, 9, 20),
            "returned_on": D(2026, 10, 10),
            "return_placement": "特教学校",
        },
        {
            "case_id": "k3",
            "student_id": "s3",
            "name": "张三",
            "id_number": "34052419800101001X",
            "status": "误报",
            "reported_on": D(2026, 11, 2),
            "closed_on": D(2026, 11, 4),
            "dismiss_reason": "已请病假",
        },
        {
            "case_id": "k4",
            "student_id": "s4",
            "name": "赵四",
            "id_number": "34052419800101001X",
            "status": "疑似辍学",
            "reported_on": D(2026, 11, 18),
            "next_followup_on": AS_OF - timedelta(days=4),
        },
    ]
    return pd.DataFrame([{**base, **r} for r in rows])


RESP = pd.DataFrame(
    [
        {"case_id": "k1", "role": "村长", "name": "刘村长", "phone": "13800000001", "account": None},
        {"case_id": "k1", "role": "师长", "name": "周老师", "phone": None, "account": "zhou"},
        {"case_id": "k4", "role": "校长", "name": "陈校长", "phone": "13800000002", "account": "chen"},
    ]
)


def test_register_lists_the_children_out_or_suspected_masked():
    t = forms.register_table(_cases(), RESP, as_of=AS_OF)
    assert list(t.columns) == list(forms.REGISTER_COLUMNS)
    assert list(t["辍学(疑似)时间"]) == ["2026-10-20", "2026-11-18"]  # k1 (verified) and k4
    assert t["姓名"].iloc[0] == "王*红" and "34052419800101001X" not in t.to_csv()
    assert "村长 刘*长" in t["六长责任人"].iloc[0]
    full = forms.register_table(_cases(), RESP, as_of=AS_OF, mask=False)
    assert full["联系电话"].iloc[0] == "13912345678"


def test_return_table_has_placement_and_checks():
    presence = pd.DataFrame({"student_id": ["s2"], "present": [True]})
    actions = pd.DataFrame(
        [
            {
                "case_id": "k2",
                "acted_on": D(2026, 10, 5),
                "actor": "周老师",
                "action": "家访",
                "result": "同意",
            },
            {
                "case_id": "k2",
                "acted_on": D(2026, 11, 1),
                "actor": "回访人",
                "action": "电话",
                "result": "在校",
            },
        ]
    )
    t = forms.return_table(
        _cases(), RESP, actions, presence, year_start=D(2026, 9, 1), as_of=AS_OF, mask=False
    )
    assert list(t.columns) == list(forms.RETURN_COLUMNS) and len(t) == 1
    r = t.iloc[0]
    assert (r["劝返日期"], r["复学日期"], r["安置方式"]) == ("2026-10-05", "2026-10-10", "特教学校")
    assert r["劝返责任人"] == "周老师"  # the visit after the return is not persuasion
    assert (r["30天巩固情况"], r["90天巩固情况"]) == ("在校", "未到期")


def test_feedback_results():
    t = forms.feedback_table(_cases(), as_of=AS_OF, mask=False).set_index("姓名")
    assert list(t.columns) == list(forms.FEEDBACK_COLUMNS[:1] + forms.FEEDBACK_COLUMNS[2:])
    assert t.loc["王小红", "核查结果"] == "辍学" and t.loc["李小明", "核查结果"] == "已返校"
    assert t.loc["张三", "核查结果"] == "在校" and "已请病假" in t.loc["张三", "核查说明"]
    assert t.loc["赵四", "核查结果"] == "核查中" and t.loc["张三", "核查日期"] == "2026-11-04"


def test_escalation_notices_only_for_people_without_an_account():
    t = forms.escalation_notices(_cases(), RESP, as_of=AS_OF, mask=False)
    # k1: 7 days overdue -> two steps up (师长 -> 校长 -> 村长), the 村长 has no account: listed;
    # k4: 4 days overdue -> 校长, who has an account: the task is in his 我的待办 instead
    assert list(t["台账编号"]) == ["k1"]
    assert (t["督办对象"].iloc[0], t["姓名"].iloc[0], t["逾期天数"].iloc[0]) == ("村长", "刘村长", 7)


def test_render_html_is_a4_landscape_with_header_row():
    html = forms.render_html(
        "辍学学生登记表", forms.register_table(_cases(), RESP, as_of=AS_OF), scope_text="甲镇", as_of=AS_OF
    )
    assert "A4 landscape" in html and "<th>六长责任人</th>" in html and "共 2 人" in html


def test_tasks_reach_the_named_account_at_its_level():
    from lib.dropout import ledger

    items = pd.DataFrame(
        {
            "task_id": ["k1", "k1", "k4", "k9"],
            "responsible": ["村长", "师长", "校长", "师长"],
            "kind": ["升级督办", "待核实", "升级督办", "待核实"],
        }
    )
    mine = ledger.tasks_for_account(items, RESP, "zhou")  # 周老师 is 师长 on k1 only
    assert list(zip(mine["task_id"], mine["responsible"], strict=True)) == [("k1", "师长")]
    assert list(ledger.tasks_for_account(items, RESP, "chen")["task_id"]) == ["k4"]
    assert ledger.is_named(RESP, "zhou") and not ledger.is_named(RESP, "nobody")


def test_teacher_role_reads_and_writes_cases_but_does_not_unmask_or_export():
    from lib.core import permissions

    assert permissions.can("teacher", "view_named") and permissions.can("teacher", "write_cases")
    assert not permissions.can("teacher", "unmask") and not permissions.can("teacher", "export_named")
    assert permissions.visible("teacher", "todo") and permissions.visible("teacher", "dropout_forms")
