"""台账 writes on a private copy of the demo county: one transaction each, who and when,
scope and role checks, and optimistic versioning (no lost update, nothing typed lost)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from lib.core import ids, store
from lib.core.scope import Scope
from lib.dropout import cases as dc
from lib.dropout import data as dropout_data

AS_OF = date(2026, 11, 20)


def _one(db, sql, params=()):
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _proposals(db, scope):
    with store.connect(db) as con:
        return dropout_data.proposals(con, scope)[0]


@pytest.fixture
def user():
    return Scope(user="张老师")


def _other_reason(db, case_id):
    current = _one(db, "SELECT reason FROM dropout_cases WHERE case_id = ?", [case_id])[0][0]
    return "信教" if current != "信教" else "早婚早育"


def _open_case(db, status="劝返中"):
    return _one(
        db, "SELECT case_id, version FROM dropout_cases WHERE status = ? ORDER BY case_id LIMIT 1", [status]
    )[0]


# ------------------------------------------------------------------ proposals
def test_confirm_creates_a_case_with_its_six_chiefs_once(fresh_db, user):
    p = _proposals(fresh_db, user).iloc[0]
    case_id = dc.confirm_proposal(user, p.student_id, p.run_start, reason="上学远")
    row = _one(
        fresh_db,
        "SELECT status, source, reported_on, version, updated_by, student_id, village_code "
        "FROM dropout_cases WHERE case_id = ?",
        [case_id],
    )[0]
    assert row[:5] == ("疑似辍学", "缺勤监测", AS_OF, 1, "张老师")
    village = row[6]
    town = _one(fresh_db, "SELECT township_code FROM villages WHERE code = ?", [village])[0][0]
    chiefs = dict(_one(fresh_db, "SELECT role, name FROM case_responsibles WHERE case_id = ?", [case_id]))
    assert set(chiefs) == {"教体局局长", "镇长", "校长", "村长", "家长", "师长"}
    assert (
        chiefs["镇长"]
        == _one(fresh_db, "SELECT name FROM contacts WHERE role='镇长' AND place_code=?", [town])[0][0]
    )
    assert (
        chiefs["村长"]
        == _one(fresh_db, "SELECT name FROM contacts WHERE role='村长' AND place_code=?", [village])[0][0]
    )
    assert (
        chiefs["家长"]
        == _one(fresh_db, "SELECT guardian_name FROM students WHERE student_id=?", [row[5]])[0][0]
    )
    assert _one(
        fresh_db, "SELECT decision, case_id FROM detection_decisions WHERE student_id = ?", [p.student_id]
    ) == [("确认", case_id)]
    assert p.student_id not in set(_proposals(fresh_db, user).student_id)
    with pytest.raises(dc.CaseError, match="不再重复处理"):
        dc.confirm_proposal(user, p.student_id, p.run_start)
    assert _one(fresh_db, "SELECT count(*) FROM audit_log WHERE action = 'detection_confirm'")[0][0] == 1


def test_dismiss_needs_a_reason_and_is_not_proposed_again(fresh_db, user):
    p = _proposals(fresh_db, user).iloc[0]
    with pytest.raises(dc.CaseError, match="理由"):
        dc.dismiss_proposal(user, p.student_id, p.run_start, reason="  ")
    dc.dismiss_proposal(user, p.student_id, p.run_start, reason="已补办病假手续")
    assert p.student_id not in set(_proposals(fresh_db, user).student_id)
    assert (
        _one(fresh_db, "SELECT count(*) FROM dropout_cases WHERE student_id = ?", [p.student_id])[0][0] == 0
    )


# ------------------------------------------------------------------ concurrency
def test_two_edits_from_one_version_second_gets_the_newer_version_and_its_own_values(fresh_db):
    case_id, version = _open_case(fresh_db)
    a, b = Scope(user="甲"), Scope(user="乙")
    new = dc.log_action(a, case_id, expected_version=version, action="家访", result="甲：家长同意下周送返")
    assert new == version + 1
    typed = {"action": "电话", "result": "乙：电话无人接听", "acted_on": AS_OF, "actor": "乙"}
    with pytest.raises(dc.CaseConflict) as info:
        dc.log_action(b, case_id, expected_version=version, **typed)
    conflict = info.value
    assert conflict.version == version + 1
    assert conflict.current["updated_by"] == "甲"
    assert {k: conflict.mine[k] for k in typed} == typed  # what 乙 typed is kept
    results = [r[0] for r in _one(fresh_db, "SELECT result FROM case_actions WHERE case_id = ?", [case_id])]
    assert "甲：家长同意下周送返" in results and "乙：电话无人接听" not in results  # no lost update
    # 乙 re-applies on the newer version: both lines are there
    dc.apply_edit(b, case_id, "action", conflict.mine, expected_version=conflict.version)
    results = [r[0] for r in _one(fresh_db, "SELECT result FROM case_actions WHERE case_id = ?", [case_id])]
    assert {"甲：家长同意下周送返", "乙：电话无人接听"} <= set(results)
    assert (
        _one(fresh_db, "SELECT version FROM dropout_cases WHERE case_id = ?", [case_id])[0][0] == version + 2
    )


def test_conflicting_detail_edits_do_not_overwrite(fresh_db):
    case_id, version = _open_case(fresh_db)
    reason = _other_reason(fresh_db, case_id)
    dc.update_case(Scope(user="甲"), case_id, expected_version=version, reason=reason)
    with pytest.raises(dc.CaseConflict) as info:
        dc.update_case(
            Scope(user="乙"),
            case_id,
            expected_version=version,
            reason="外出打工",
            responsibles={"师长": ("王老师", "13800000000")},
        )
    assert _one(fresh_db, "SELECT reason FROM dropout_cases WHERE case_id = ?", [case_id])[0][0] == reason
    assert info.value.mine["reason"] == "外出打工"
    assert info.value.mine["responsibles"] == {"师长": ["王老师", "13800000000"]}
    assert (
        _one(fresh_db, "SELECT name FROM case_responsibles WHERE case_id = ? AND role = '师长'", [case_id])[
            0
        ][0]
        != "王老师"
    )


def test_conflict_survives_pickling(fresh_db):
    import pickle

    case_id, version = _open_case(fresh_db)
    dc.update_case(
        Scope(user="甲"), case_id, expected_version=version, reason=_other_reason(fresh_db, case_id)
    )
    with pytest.raises(dc.CaseConflict) as info:
        dc.update_case(Scope(user="乙"), case_id, expected_version=version, reason="其他")
    again = pickle.loads(pickle.dumps(info.value))
    assert again.version == info.value.version and again.mine == info.value.mine


# ------------------------------------------------------------------ moves and atomicity
def test_full_flow_dates_student_status_and_status_log(fresh_db, user):
    p = _proposals(fresh_db, user).iloc[0]
    case_id = dc.confirm_proposal(user, p.student_id, p.run_start)
    v = dc.move_status(user, case_id, to="已核实", reason="外出打工", expected_version=1)
    assert _one(fresh_db, "SELECT status FROM students WHERE student_id = ?", [p.student_id])[0][0] == "辍学"
    v = dc.move_status(user, case_id, to="劝返中", expected_version=v)
    notice = dc.issue_notice(user, case_id, kind="限期复学通知书", expected_version=v)
    assert _one(fresh_db, "SELECT kind, deadline_on FROM notices WHERE notice_id = ?", [notice]) == [
        ("限期复学通知书", AS_OF + timedelta(days=15))
    ]
    v = _one(fresh_db, "SELECT version FROM dropout_cases WHERE case_id = ?", [case_id])[0][0]
    dc.move_status(user, case_id, to="已返校", placement="原校", expected_version=v)
    row = _one(
        fresh_db,
        "SELECT status, verified_on, returned_on, next_followup_on, reason FROM dropout_cases "
        "WHERE case_id = ?",
        [case_id],
    )[0]
    assert row == ("已返校", AS_OF, AS_OF, AS_OF + timedelta(days=30), "外出打工")
    assert _one(fresh_db, "SELECT status FROM students WHERE student_id = ?", [p.student_id])[0][0] == "在校"
    log = _one(
        fresh_db,
        "SELECT from_status, to_status FROM case_status_log WHERE case_id = ? ORDER BY rowid",
        [case_id],
    )
    assert log == [(None, "疑似辍学"), ("疑似辍学", "已核实"), ("已核实", "劝返中"), ("劝返中", "已返校")]


@pytest.mark.parametrize(
    ("to", "kw", "match"),
    [
        ("巩固", {}, "不能改为"),
        ("误报", {}, "理由"),
        ("已核实", {"on": AS_OF + timedelta(days=1)}, "不能晚于"),
        ("已核实", {"on": date(2000, 1, 1)}, "不能早于"),
        ("已核实", {"reason": "不存在的原因"}, "未知的辍学原因"),
    ],
)
def test_refused_moves_write_nothing(fresh_db, user, to, kw, match):
    case_id, version = _open_case(fresh_db, "疑似辍学")
    before = _one(fresh_db, "SELECT * FROM dropout_cases WHERE case_id = ?", [case_id])
    with pytest.raises(dc.CaseError, match=match):
        dc.move_status(user, case_id, to=to, expected_version=version, **kw)
    assert _one(fresh_db, "SELECT * FROM dropout_cases WHERE case_id = ?", [case_id]) == before


def test_a_failure_inside_the_transaction_leaves_nothing_half_written(fresh_db, user, monkeypatch):
    case_id, version = _open_case(fresh_db)
    n_actions = _one(fresh_db, "SELECT count(*) FROM case_actions WHERE case_id = ?", [case_id])[0][0]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "audit", broken)  # fails after the action row and the version bump
    with pytest.raises(RuntimeError, match="disk full"):
        dc.log_action(user, case_id, expected_version=version, action="家访", result="入户")
    assert _one(fresh_db, "SELECT count(*) FROM case_actions WHERE case_id = ?", [case_id])[0][0] == n_actions
    assert _one(fresh_db, "SELECT version FROM dropout_cases WHERE case_id = ?", [case_id])[0][0] == version


def test_notice_only_for_confirmed_cases(fresh_db, user):
    case_id, version = _open_case(fresh_db, "疑似辍学")
    with pytest.raises(dc.CaseError, match="已核实"):
        dc.issue_notice(user, case_id, kind="限期复学通知书", expected_version=version)
    case_id, version = _open_case(fresh_db, "劝返中")
    with pytest.raises(dc.CaseError, match="未配置"):
        dc.issue_notice(user, case_id, kind="随便一份文书", expected_version=version)


# ------------------------------------------------------------------ scope and roles
def test_read_only_role_cannot_write(fresh_db):
    case_id, version = _open_case(fresh_db)
    viewer = Scope(user="访客", role="viewer")
    with pytest.raises(dc.CaseNotAllowed):
        dc.log_action(viewer, case_id, expected_version=version, action="电话", result="x")
    assert not dc.may_write(viewer) and not dc.may_unmask(viewer)


def test_a_township_user_cannot_touch_another_townships_case(fresh_db):
    case_id, version = _open_case(fresh_db)
    home = _one(
        fresh_db,
        "SELECT v.township_code FROM dropout_cases c JOIN villages v ON v.code = c.village_code "
        "WHERE case_id = ?",
        [case_id],
    )[0][0]
    other = _one(fresh_db, "SELECT code FROM townships WHERE code != ? ORDER BY code LIMIT 1", [home])[0][0]
    outsider = Scope(user="外乡", role="township", townships=(other,))
    with pytest.raises(dc.CaseError, match="权限范围"):
        dc.log_action(outsider, case_id, expected_version=version, action="电话", result="x")


# ------------------------------------------------------------------ a child who is not enrolled
def _new_id(seq=123):
    body = f"41150320150101{seq:03d}"
    return body + ids.check_char(body)


def test_open_case_for_a_child_not_enrolled(fresh_db, user):
    village = _one(fresh_db, "SELECT code FROM villages ORDER BY code LIMIT 1")[0][0]
    case_id = dc.open_case_for_child(
        user,
        id_number=" " + _new_id().lower() + " ",
        name="李小明",
        village_code=village,
        reason="外出打工",
        guardian_name="李大明",
    )
    row = _one(
        fresh_db,
        "SELECT student_id, school_code, id_number, status, source FROM dropout_cases WHERE case_id = ?",
        [case_id],
    )[0]
    assert row == (None, None, _new_id(), "疑似辍学", "花名册核查")
    chiefs = dict(_one(fresh_db, "SELECT role, name FROM case_responsibles WHERE case_id = ?", [case_id]))
    assert chiefs["家长"] == "李大明" and chiefs["村长"] and chiefs["镇长"] and chiefs["校长"] is None
    with pytest.raises(dc.CaseError, match="已有未结案件"):
        dc.open_case_for_child(user, id_number=_new_id(), name="李小明", village_code=village)


@pytest.mark.parametrize(
    ("id_number", "name", "match"),
    [
        ("4.11503E+17", "张三", "身份证号无效"),
        ("411503201501011230", "张三", "身份证号无效"),
        (_new_id(5), "", "姓名"),
    ],
)
def test_open_case_for_child_refuses_bad_input(fresh_db, user, id_number, name, match):
    village = _one(fresh_db, "SELECT code FROM villages ORDER BY code LIMIT 1")[0][0]
    with pytest.raises(dc.CaseError, match=match):
        dc.open_case_for_child(user, id_number=id_number, name=name, village_code=village)


def test_open_case_for_child_outside_the_scope(fresh_db):
    village, town = _one(fresh_db, "SELECT code, township_code FROM villages ORDER BY code LIMIT 1")[0]
    other = _one(fresh_db, "SELECT code FROM townships WHERE code != ? ORDER BY code LIMIT 1", [town])[0][0]
    with pytest.raises(dc.CaseError, match="权限范围"):
        dc.open_case_for_child(
            Scope(role="township", townships=(other,)),
            id_number=_new_id(7),
            name="王五",
            village_code=village,
        )


def test_entry_point_in_lib_dropout(fresh_db, user):
    from lib import dropout

    village = _one(fresh_db, "SELECT code FROM villages ORDER BY code LIMIT 1")[0][0]
    assert dropout.open_case_for_child(
        user, id_number=_new_id(9), name="赵六", village_code=village
    ).startswith("KC")


# ------------------------------------------------------------------ contacts
def test_save_contacts_replaces_rows_in_scope_only(fresh_db):
    town = _one(fresh_db, "SELECT code FROM townships ORDER BY code LIMIT 1")[0][0]
    other = _one(fresh_db, "SELECT code FROM townships ORDER BY code LIMIT 1 OFFSET 1")[0][0]
    scope = Scope(role="township", townships=(town,), user="镇办")
    dc.save_contacts(
        scope, pd.DataFrame([{"role": "镇长", "place_code": town, "name": "新镇长", "phone": "13900000000"}])
    )
    assert _one(fresh_db, "SELECT name FROM contacts WHERE role = '镇长' AND place_code = ?", [town]) == [
        ("新镇长",)
    ]
    with pytest.raises(dc.CaseError, match="权限范围"):
        dc.save_contacts(
            scope, pd.DataFrame([{"role": "镇长", "place_code": other, "name": "x", "phone": None}])
        )
    with pytest.raises(dc.CaseError, match="角色"):
        dc.save_contacts(
            scope, pd.DataFrame([{"role": "会计", "place_code": town, "name": "x", "phone": None}])
        )
