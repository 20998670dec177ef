"""资助审批: where applications wait (pure) and moving one on (one transaction, who and when)."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from lib.aid import approvals as aid_approvals
from lib.core.scope import Scope
from lib.demo import aid as aid_demo

AS_OF = date(2026, 11, 20)


def apps(*rows: tuple) -> pd.DataFrame:
    """(id, township, status, stage_on, programme)."""
    df = pd.DataFrame(
        list(rows), columns=["application_id", "township_code", "status", "stage_on", "programme"]
    )
    df["stage_on"] = pd.to_datetime(df["stage_on"])
    return df.assign(applied_on=pd.Timestamp("2026-09-05"), school_year=2026, term=1)


APPS = apps(
    ("1", "t1", "已申请", "2026-11-18", "生活补助"),  # 2 days at school review
    ("2", "t1", "已申请", "2026-10-01", "生活补助"),  # 50 days: stale
    ("3", "t1", "学校初审", "2026-11-01", "生活补助"),  # 19 days waiting for the centre: stale
    ("4", "t2", "已批准", "2026-09-20", "省级资助"),  # waiting to be paid, due 30 Nov: not late yet
    ("5", "t2", "已批准", "2026-09-20", "生活补助"),  # waiting to be paid, due 31 Oct: late
    ("6", "t2", "已退回", "2026-10-10", "生活补助"),
    ("7", "t2", "已发放", "2026-10-20", "生活补助"),
)
TOWNS = pd.DataFrame({"code": ["t1", "t2", "t3"], "name": ["甲镇", "乙乡", "丙乡"]})


def test_waiting_and_stale():
    w = aid_approvals.waiting(APPS, as_of=AS_OF, stale_days=14).set_index("application_id")
    assert list(w.index) == ["4", "5", "2", "3", "1"]  # longest waiting first
    assert w["waiting_at"].to_dict() == {
        "4": "已发放",
        "5": "已发放",
        "2": "学校初审",
        "3": "资助中心核对",
        "1": "学校初审",
    }
    assert w["stale"].to_dict() == {"4": False, "5": True, "2": True, "3": True, "1": False}
    assert w.at["2", "days_waiting"] == 50


def test_stuck_by_township():
    s = aid_approvals.stuck_by_township(APPS, TOWNS, as_of=AS_OF, stale_days=14).set_index("code")
    assert s.loc["t1", ["学校初审", "资助中心核对", "已批准", "已发放", "open", "stale"]].tolist() == [
        2,
        1,
        0,
        0,
        3,
        2,
    ]
    assert s.loc["t2", ["已发放", "rejected", "paid", "total"]].tolist() == [2, 1, 1, 4]
    assert s.loc["t3", ["open", "total"]].tolist() == [0, 0]  # a township without applications still shows


@pytest.mark.parametrize("rows", [APPS.iloc[:0], APPS[APPS["status"].isin(["已退回", "已发放"])]])
def test_a_year_with_nothing_open_shows_zeros(rows):
    """No application open (a school year before any was imported, or all decided): every township
    is listed with zeros, not an error (学生资助 on 2026-03-20 of the demo raised KeyError)."""
    assert aid_approvals.waiting(rows, as_of=AS_OF).empty
    s = aid_approvals.stuck_by_township(rows, TOWNS, as_of=AS_OF).set_index("code")
    assert list(s.index) == ["t1", "t2", "t3"]
    assert s[["open", "stale"]].to_numpy().sum() == 0
    assert s["total"].sum() == len(rows)


@pytest.mark.parametrize(
    ("role", "stage", "allowed"),
    [
        ("county", "资助中心核对", True),
        ("school", "学校初审", True),
        ("school", "资助中心核对", False),
        ("viewer", "学校初审", False),
    ],
)
def test_role_checks(role, stage, allowed):
    assert aid_approvals.can_act(Scope(role=role), stage) is allowed


# ------------------------------------------------------------------ writes on a copy of the demo
@pytest.fixture(scope="module")
def aid_template(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("aid") / "edu.duckdb"
    shutil.copy(demo_db, path)
    aid_demo.ensure_aid_demo(path)
    return path


@pytest.fixture
def aid_db(aid_template, tmp_path):
    """A private copy of the demo with the aid rows (each test writes)."""
    path = tmp_path / "edu.duckdb"
    shutil.copy(aid_template, path)
    return path


def _one(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _waiting(db, status, *, student=True):
    cond = "student_id IS NOT NULL" if student else "student_id IS NULL"
    return _one(
        db,
        f"SELECT application_id, version, student_id, programme FROM aid_applications "
        f"WHERE status = ? AND {cond} ORDER BY application_id LIMIT 1",
        [status],
    )[0]


def test_full_flow_from_application_to_payment(aid_db):
    app_id, version, student, programme = _waiting(aid_db, "已申请")
    scope = Scope(as_of=AS_OF, user="审核员甲")
    before = _one(aid_db, "SELECT count(*) FROM aid_records")[0][0]
    for n, want in enumerate(["学校初审", "资助中心核对", "已批准", "已发放"]):
        assert (
            aid_approvals.decide(scope, app_id, approve=True, expected_version=version + n, path=aid_db)
            == want
        )
    steps = _one(
        aid_db,
        "SELECT stage, decision, actor, acted_on FROM aid_approval_steps WHERE application_id = ? "
        "ORDER BY step_id",
        [app_id],
    )
    assert [s[0] for s in steps[-4:]] == ["学校初审", "资助中心核对", "已批准", "已发放"]
    assert all(s[2] == "审核员甲" and s[3] == AS_OF for s in steps[-4:])
    paid = _one(
        aid_db,
        "SELECT paid_amount, paid_date FROM aid_records WHERE student_id = ? AND programme = ? "
        "AND school_year = 2026 AND term = 1 AND paid_amount > 0",
        [student, programme],
    )
    assert paid and paid[-1][1] == AS_OF
    assert _one(aid_db, "SELECT count(*) FROM aid_records")[0][0] in (before, before + 1)
    assert (
        _one(
            aid_db, "SELECT count(*) FROM audit_log WHERE action = 'aid_approval' AND user_name = '审核员甲'"
        )[0][0]
        == 4
    )


def test_reject_needs_a_reason_and_records_it(aid_db):
    app_id, version, *_ = _waiting(aid_db, "学校初审")
    scope = Scope(as_of=AS_OF, user="u")
    with pytest.raises(aid_approvals.ApprovalError, match="原因"):
        aid_approvals.decide(scope, app_id, approve=False, reason="  ", expected_version=version, path=aid_db)
    assert (
        aid_approvals.decide(
            scope, app_id, approve=False, reason="材料不全", expected_version=version, path=aid_db
        )
        == "已退回"
    )
    row = _one(
        aid_db,
        "SELECT status, reject_reason, updated_by FROM aid_applications WHERE application_id = ?",
        [app_id],
    )[0]
    assert row == ("已退回", "材料不全", "u")
    with pytest.raises(aid_approvals.ApprovalError, match="不能再办理"):
        aid_approvals.decide(scope, app_id, approve=True, expected_version=version + 1, path=aid_db)


def test_a_stale_version_writes_nothing(aid_db):
    app_id, version, *_ = _waiting(aid_db, "已申请")
    steps = _one(aid_db, "SELECT count(*) FROM aid_approval_steps")[0][0]
    with pytest.raises(aid_approvals.ApprovalConflict):
        aid_approvals.decide(
            Scope(as_of=AS_OF), app_id, approve=True, expected_version=version - 1, path=aid_db
        )
    assert _one(aid_db, "SELECT count(*) FROM aid_approval_steps")[0][0] == steps
    assert (
        _one(aid_db, "SELECT status FROM aid_applications WHERE application_id = ?", [app_id])[0][0]
        == "已申请"
    )


def test_scope_and_role_are_enforced(aid_db):
    app_id, version, *_ = _waiting(aid_db, "学校初审")
    town = _one(aid_db, "SELECT township_code FROM aid_applications WHERE application_id = ?", [app_id])[0][0]
    other = _one(aid_db, "SELECT code FROM townships WHERE code != ? ORDER BY code LIMIT 1", [town])[0][0]
    with pytest.raises(aid_approvals.ApprovalError, match="权限范围"):
        aid_approvals.decide(
            Scope(as_of=AS_OF, townships=(other,)),
            app_id,
            approve=True,
            expected_version=version,
            path=aid_db,
        )
    with pytest.raises(aid_approvals.ApprovalNotAllowed):
        aid_approvals.decide(
            Scope(as_of=AS_OF, role="school"), app_id, approve=True, expected_version=version, path=aid_db
        )


def test_paying_a_recipient_writes_an_award(aid_db):
    app_id, version, *_ = _waiting(aid_db, "已批准", student=False)
    assert (
        aid_approvals.decide(Scope(as_of=AS_OF), app_id, approve=True, expected_version=version, path=aid_db)
        == "已发放"
    )
    award = _one(
        aid_db,
        "SELECT programme, paid_amount > 0, paid_date FROM aid_recipient_awards WHERE award_id = ?",
        ["AP" + app_id],
    )
    assert award == [("助学金", True, AS_OF)]
