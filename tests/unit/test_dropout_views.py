"""Views on tiny frames: ledger, to-do lines, rosters, notices, contacts edits, conflicts."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from lib.dropout import ledger as dl
from lib.dropout import notices
from lib.dropout import rosters as dr
from lib.overview import todo

D = date
AS_OF = D(2026, 11, 20)


def _cases():
    base = {
        "student_id": "S1",
        "id_number": "34052419800101001X",
        "name": "张小明",
        "township_name": "甲镇",
        "village_name": "东村",
        "school_name": "甲镇中心小学",
        "grade": 5,
        "reason": "上学远",
        "source": "缺勤监测",
        "reported_on": D(2026, 11, 1),
        "verified_on": None,
        "returned_on": None,
        "closed_on": None,
        "version": 1,
    }
    rows = [
        {
            **base,
            "case_id": "K1",
            "status": "劝返中",
            "verified_on": D(2026, 11, 3),
            "next_followup_on": D(2026, 11, 10),
        },  # 10 days overdue: escalated
        {**base, "case_id": "K2", "status": "疑似辍学", "next_followup_on": D(2026, 11, 21)},  # due tomorrow
        {
            **base,
            "case_id": "K3",
            "status": "已返校",
            "returned_on": D(2026, 11, 5),
            "next_followup_on": D(2026, 12, 5),
        },
        {**base, "case_id": "K4", "status": "误报", "closed_on": D(2026, 11, 2), "next_followup_on": None},
        {
            **base,
            "case_id": "K5",
            "status": "已核实",
            "student_id": None,
            "school_name": None,
            "grade": None,
            "verified_on": D(2026, 11, 10),
            "next_followup_on": D(2026, 11, 30),
        },
    ]
    return pd.DataFrame(rows)


def _chiefs(case_ids, missing=()):
    rows = []
    for c in case_ids:
        for role in ("师长", "家长", "校长", "村长", "镇长", "教体局局长"):
            rows.append(
                {
                    "case_id": c,
                    "role": role,
                    "name": None if (c, role) in missing else f"{role}某",
                    "phone": "13800001111",
                }
            )
    return pd.DataFrame(rows)


NO_NOTICES = pd.DataFrame(columns=["case_id", "kind", "issued_on"])


def test_ledger_is_masked_and_sorted_by_urgency():
    ledger = dl.ledger_table(
        _cases(), _chiefs(["K1", "K2", "K3", "K4", "K5"], missing={("K2", "师长")}), NO_NOTICES, as_of=AS_OF
    )
    assert ledger["case_id"].tolist()[0] == "K1"
    assert ledger["case_id"].tolist()[-1] == "K4"  # closed: grey, last
    row = ledger.set_index("case_id")
    assert row.at["K1", "colour"] == "red" and row.at["K1", "responsible"] == "镇长"  # 10 days: 3 steps up
    assert (
        row.at["K2", "colour"] == "amber"
        and "补齐六长" in row.at["K2", "todo"]
        and "待核实" in row.at["K2", "todo"]
    )
    assert "发《限期复学通知书》" in row.at["K1", "todo"]
    assert "发《入学通知书》" in row.at["K5", "todo"] and row.at["K5", "school_name"] == "(未入学)"
    assert row.at["K4", "responsible"] == "—"
    assert set(ledger["name"]) == {"张*明"} and set(ledger["id_number"]) == {"340524********001X"}
    unmasked = dl.ledger_table(_cases(), _chiefs(["K1"]), NO_NOTICES, as_of=AS_OF, mask=False)
    assert set(unmasked["name"]) == {"张小明"}


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"statuses": ["劝返中", "已核实"]}, {"K1", "K5"}),
        ({"attention_only": True}, {"K1", "K2"}),
        ({"text": "K3"}, {"K3"}),
        ({"text": "乙镇"}, set()),
    ],
)
def test_filter_ledger(kw, expected):
    ledger = dl.ledger_table(_cases(), _chiefs(["K1"]), NO_NOTICES, as_of=AS_OF)
    assert set(dl.filter_ledger(ledger, **kw)["case_id"]) == expected


def test_missing_chiefs():
    assert dl.missing_chiefs(_chiefs(["K1", "K2"], missing={("K2", "师长"), ("K2", "家长")})) == {
        "K1": [],
        "K2": ["师长", "家长"],
    }


def test_todo_items_cover_every_kind():
    props = pd.DataFrame(
        {
            "student_id": ["S9"],
            "run_start": [D(2026, 11, 2)],
            "days": [15],
            "name": ["李*"],
            "grade": ["七年级"],
            "school_name": ["乙中学"],
            "colour": ["amber"],
        }
    )
    cases = _cases()
    items = todo.sort_items(
        todo.dropout_items(
            cases, _chiefs(cases["case_id"], missing={("K1", "师长")}), NO_NOTICES, props, as_of=AS_OF
        )
    )
    kinds = set(items["kind"])
    assert {"升级督办", "待确认", "跟进到期", "待核实", "待发文书", "补齐六长"} <= kinds
    assert items.iloc[0]["colour"] == "red" and items.iloc[0]["kind"] == "升级督办"
    assert not items["title"].str.contains("张小明").any()  # masked
    esc = items[items["kind"] == "升级督办"].iloc[0]
    assert esc["task_id"] == "K1" and esc["responsible"] == "镇长"
    assert todo.counts(items)["合计"] == len(items)
    assert set(todo.for_role(items, "township")["responsible"]) == {"镇长"}


def test_roster_behind_and_required_visits():
    children = pd.DataFrame({"student_id": ["A", "B", "C"], "name": ["甲", "乙", "丙"]})
    start = AS_OF - timedelta(days=60)
    inter = pd.DataFrame(
        {
            "intervention_id": ["I1", "I2"],
            "student_id": ["A", "B"],
            "kind": ["送教上门"] * 2,
            "teacher": ["王老师", "李老师"],
            "started_on": [start, start],
            "status": ["进行中"] * 2,
        }
    )
    visits = pd.DataFrame(
        {
            "visit_id": ["v1", "v2", "v3", "v4", "v5"],
            "intervention_id": ["I1"] * 4 + ["I2"],
            "visited_on": [AS_OF - timedelta(days=d) for d in (1, 8, 15, 22)] + [AS_OF - timedelta(days=3)],
            "content": ["送教"] * 5,
        }
    )
    r = dr.home_teaching_roster(children, inter, visits, as_of=AS_OF).set_index("student_id")
    assert r.loc["A", ["visits_4w", "required_4w", "behind", "colour"]].tolist() == [4, 4, 0, "green"]
    assert r.loc["B", ["visits_4w", "behind", "colour"]].tolist() == [1, 3, "red"]
    assert pd.isna(r.loc["C", "teacher"]) and r.loc["C", "colour"] == "red"  # nobody assigned
    assert dr.home_teaching_roster(children, inter, visits, as_of=AS_OF).iloc[-1]["student_id"] == "A"


def test_mentoring_roster():
    start = AS_OF - timedelta(days=40)
    inter = pd.DataFrame(
        {
            "intervention_id": ["M1", "M2", "M3"],
            "student_id": ["A", "B", "C"],
            "kind": ["一教一帮"] * 3,
            "teacher": ["王", "李", "赵"],
            "started_on": [start] * 3,
            "status": ["进行中", "进行中", "已结束"],
            "name": ["甲某", "乙某", "丙某"],
            "school_name": ["一小"] * 3,
            "grade": [3, 4, 5],
        }
    )
    visits = pd.DataFrame(
        {
            "visit_id": ["1", "2", "3", "4", "5"],
            "intervention_id": ["M1"] * 4 + ["M2"],
            "visited_on": [AS_OF - timedelta(days=d) for d in (2, 9, 16, 23)] + [start],
            "content": ["个别辅导数学"] * 5,
        }
    )
    r = dr.mentoring_roster(inter, visits, pd.Series({"A": 2}), {"B"}, as_of=AS_OF).set_index(
        "intervention_id"
    )
    assert r.loc["M1", ["sessions", "sessions_4w", "colour", "unexcused"]].tolist() == [4, 4, "green", 2]
    assert r.loc["M2", ["sessions", "sessions_4w", "colour", "open_case"]].tolist() == [1, 0, "red", "有"]
    assert r.loc["M3", "colour"] == "grey"
    shown = dr.display(r.reset_index(), dr.MENTORING_COLUMNS)
    assert list(shown.columns) == list(dr.MENTORING_COLUMNS.values())


def test_notice_document_fills_in_the_child_and_guardian():
    case = {
        "name": "张小明",
        "id_number": "34052419800101001X",
        "sex": "男",
        "guardian_name": "张大山",
        "township_name": "甲镇",
        "village_name": "东村",
        "school_name": "甲镇中学",
        "grade": 8,
        "reported_on": D(2026, 11, 2),
        "birth_date": None,
    }
    doc = notices.render_notice(
        case,
        {
            "notice_id": "WS411503-00001-01",
            "kind": "限期复学通知书",
            "issued_on": AS_OF,
            "deadline_on": D(2026, 12, 5),
        },
    )
    for text in (
        "限期复学通知书",
        "张大山",
        "张小明",
        "34052419800101001X",
        "甲镇中学",
        "八年级",
        "2026年12月5日",
        "第五十八条",
        "2026年11月20日",
        "送达回执",
        "WS411503-00001-01",
    ):
        assert text in doc, text
    other = notices.render_notice(
        {"name": "<b>x</b>"}, {"notice_id": "N", "kind": "自定义文书", "issued_on": AS_OF}
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in other and "________" in other  # escaped; blanks for the unknown


def test_previous_notice_named_in_the_next():
    issued = pd.DataFrame(
        {
            "notice_id": ["N1", "N2"],
            "kind": ["限期复学通知书", "行政处罚告知书"],
            "issued_on": [D(2026, 10, 1), D(2026, 10, 20)],
        }
    )
    assert notices.previous_notice(issued, "行政处罚决定书") == "《行政处罚告知书》(N2)"
    assert notices.previous_notice(issued.iloc[:0], "限期复学通知书") is None


def test_changed_contacts_only_rows_that_changed():
    before = pd.DataFrame(
        {
            "role": ["镇长", "村长"],
            "place_code": ["1", "2"],
            "place_name": ["甲", "乙"],
            "name": ["赵", "钱"],
            "phone": ["139", None],
        }
    )
    after = before.copy()
    after.loc[1, "phone"] = "13812345678"
    got = dl.changed_contacts(before, after)
    assert got.to_dict("records") == [
        {"role": "村长", "place_code": "2", "name": "钱", "phone": "13812345678"}
    ]
    assert dl.changed_contacts(before, before.copy()).empty


def test_conflict_table_shows_both_sides_masked():
    current = {
        "status": "劝返中",
        "reason": "上学远",
        "version": 3,
        "updated_by": "甲",
        "responsibles": {"师长": ("王老师", "13800001111")},
    }
    mine = {"reason": "外出打工", "responsibles": {"师长": ["李老师", "13900002222"]}}
    t = dl.conflict_table(current, mine).set_index("字段")
    assert t.at["原因/理由", "最新版本"] == "上学远" and t.at["原因/理由", "您填写的"] == "外出打工"
    assert t.at["师长", "您填写的"] == "李*师 139****2222"
    assert t.at["版本", "最新版本"] == "3"
