"""资助审批: application -> 学校初审 -> 资助中心核对 -> 已批准 -> 已发放.

An application's ``status`` is the last stage it passed (or 已退回, with a
reason); every step is a row of ``aid_approval_steps`` with who and when.
:func:`stuck_by_township` says where each township's applications wait;
:func:`decide` moves one application a stage on (or rejects it) in one
transaction, with optimistic concurrency on ``version``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lib.aid import payments as aid_payments
from lib.aid import rules as aid
from lib.core import config, derived, permissions, schema, store
from lib.core.errors import AppError
from lib.core.permissions import NotPermitted
from lib.core.scope import Scope

STAGES: tuple[str, ...] = tuple(schema.AID_STAGES)
#: Statuses still moving (waiting for the next stage).
OPEN_STATUS: tuple[str, ...] = STAGES[:-1]
PAID = STAGES[-1]
REJECTED = schema.AID_REJECTED

#: Roles that may pass an application through each stage; the role must also hold
#: ``approve_aid`` (lib.core.permissions).  资助中心 ('aid_centre') staff are county users.
STAGE_ROLES: dict[str, tuple[str, ...]] = {
    "学校初审": ("school", "county", "aid_centre", "admin"),
    "资助中心核对": ("county", "aid_centre", "admin"),
    "已批准": ("county", "aid_centre", "admin"),
    "已发放": ("county", "aid_centre", "admin"),
}
#: Where the money for a newly paid application comes from, by programme.
DEFAULT_SOURCE: dict[str, str] = {
    aid.LIVING_SUBSIDY: "中央",
    aid.PROVINCIAL: "省级",
    aid.NUTRITION: "中央",
    "学费减免": "省级",
    "助学金": "中央",
    "奖学金": "中央",
    "生源地信用助学贷款": "中央",
}


class ApprovalError(AppError, RuntimeError):
    """The step cannot be taken (message in Chinese, for the user)."""


class ApprovalConflict(ApprovalError):
    """Someone else changed the application since it was read."""


class ApprovalNotAllowed(ApprovalError, NotPermitted):
    """The user's role may not take this step."""


# ------------------------------------------------------------------ reading
def waiting(applications: pd.DataFrame, *, as_of: date, stale_days: int | None = None) -> pd.DataFrame:
    """Open applications with ``waiting_at`` (the next stage), ``days_waiting`` and ``stale``
    (waiting longer than ``aid.approval_stale_days``; waiting for payment: past the due date)."""
    stale_after = int(config.SETTINGS["aid"]["approval_stale_days"] if stale_days is None else stale_days)
    open_ = applications[applications["status"].isin(OPEN_STATUS)].copy()
    open_["waiting_at"] = open_["status"].map(aid.next_stage)
    since = pd.to_datetime(open_["stage_on"].fillna(open_["applied_on"]))
    open_["days_waiting"] = (pd.Timestamp(as_of) - since).dt.days.astype("int64")
    # waiting to be paid is late only once the programme's due date has passed
    terms = list(zip(open_["school_year"], open_["term"], open_["programme"], strict=True))
    due_of = {k: aid_payments.default_due_date(int(k[0]), int(k[1]), k[2]) for k in set(terms)}  # a few
    due = [due_of[k] for k in terms]
    to_pay = (open_["waiting_at"] == PAID).to_numpy()
    # bool even when nothing is open: an empty list would make a column of objects, and a frame
    # indexed by it selects columns, not rows
    open_["stale"] = np.array(
        [
            d < as_of if pay else w > stale_after
            for d, pay, w in zip(due, to_pay, open_["days_waiting"], strict=True)
        ],
        dtype=bool,
    )
    return open_.sort_values(["days_waiting", "application_id"], ascending=[False, True], ignore_index=True)


def stuck_by_township(
    applications: pd.DataFrame,
    townships: pd.DataFrame,
    *,
    as_of: date,
    stale_days: int | None = None,
    open_: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per township: open applications waiting at each stage, of which stale, rejected and paid.

    Returns
    -------
    DataFrame
        ``code``, ``name``, one column per stage waited for (学校初审 ...
        已发放), ``open``, ``stale``, ``rejected``, ``paid``, ``total``; in
        township-code order.  ``open_``: :func:`waiting` of the same arguments, if the caller
        has it already.
    """
    w = waiting(applications, as_of=as_of, stale_days=stale_days) if open_ is None else open_
    waits = list(STAGES[1:])
    counts = (
        w.groupby(["township_code", "waiting_at"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=waits, fill_value=0)
    )
    stale = w[w["stale"]].groupby("township_code").size().rename("stale")
    town = applications["township_code"]
    rejected = (applications["status"] == REJECTED).groupby(town).sum().rename("rejected")
    paid = (applications["status"] == PAID).groupby(town).sum().rename("paid")
    total = town.value_counts().rename("total")
    out = townships[["code", "name"]].set_index("code")
    out = out.join(counts).join(stale).join(rejected).join(paid).join(total)
    num = [*waits, "stale", "rejected", "paid", "total"]
    out[num] = out[num].fillna(0).astype("int64")
    out["open"] = out[waits].sum(axis=1)
    return out.reset_index()[["code", "name", *waits, "open", "stale", "rejected", "paid", "total"]]


def can_act(scope: Scope, stage: str) -> bool:
    """May the user of ``scope`` pass an application through ``stage``?"""
    if not permissions.can(scope, "approve_aid"):
        return False
    allowed = {"county" if r == "aid_centre" else r for r in STAGE_ROLES.get(stage, ())}
    return bool(permissions.roles_of(scope) & allowed & permissions.MATRIX["approve_aid"])


# ------------------------------------------------------------------ writing
def _application(con: Any, scope: Scope, application_id: str) -> dict[str, Any]:
    sw, sp = scope.school_where("sc")
    tw, tp = scope.township_where("a.township_code")
    in_scope = (
        f"(a.school_code IN (SELECT sc.code FROM schools sc WHERE {sw}) OR (a.school_code IS NULL AND {tw}))"
    )
    row = con.execute(
        f"SELECT a.*, {in_scope} AS visible FROM aid_applications a WHERE a.application_id = ?",
        [*sp, *tp, application_id],
    ).df()
    if row.empty or not bool(row.at[0, "visible"]):
        raise ApprovalError(f"找不到申请 {application_id}（或不在您的权限范围内）。")
    return row.iloc[0].to_dict()


def decide(
    scope: Scope,
    application_id: str,
    *,
    approve: bool,
    expected_version: int,
    reason: str | None = None,
    path: Any = None,
) -> str:
    """Pass an application through its next stage, or reject it, in one transaction.

    Parameters
    ----------
    scope
        Who acts (``user``, ``role``) and when (``as_of`` is the step's date).
    application_id
        The application.
    approve
        True to pass the next stage; False to reject (``reason`` required).
    expected_version
        The version the user saw; another user's change in between raises
        :class:`ApprovalConflict` and nothing is written.

    Returns
    -------
    str
        The application's new status.  Passing 已发放 also writes the payment
        into the aid ledger (the term's record, or a new one).

    Raises
    ------
    ApprovalError, ApprovalConflict, ApprovalNotAllowed
    """
    reason = (reason or "").strip() or None
    if not approve and not reason:
        raise ApprovalError("退回申请必须填写原因。")
    with store.transaction(path) as con:
        app = _application(con, scope, application_id)
        if app["status"] not in OPEN_STATUS:
            raise ApprovalError(f"申请 {application_id} 已是“{app['status']}”，不能再办理。")
        stage = aid.next_stage(app["status"])
        if not can_act(scope, stage):
            raise ApprovalNotAllowed(f"您的角色不能办理“{stage}”环节。")
        new_status = stage if approve else REJECTED
        updated = con.execute(
            "UPDATE aid_applications SET status = ?, stage_on = ?, reject_reason = ?, "
            "version = version + 1, updated_by = ? WHERE application_id = ? AND version = ?",
            [
                new_status,
                scope.as_of,
                None if approve else reason,
                scope.user,
                application_id,
                int(expected_version),
            ],
        ).fetchall()[0][0]
        if updated != 1:
            raise ApprovalConflict(f"申请 {application_id} 刚被他人办理过，请刷新后再试。")
        n = con.execute(
            "SELECT count(*) FROM aid_approval_steps WHERE application_id = ?", [application_id]
        ).fetchall()[0][0]
        con.execute(
            "INSERT INTO aid_approval_steps VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                f"{application_id}-{n + 1:02d}",
                application_id,
                stage,
                "通过" if approve else "退回",
                reason,
                scope.user,
                scope.as_of,
            ],
        )
        if approve and stage == PAID:
            _record_payment(con, app, scope.as_of)
            derived.changed(con, ("aid_records" if app.get("student_id") else "aid_recipient_awards",))
        store.audit(
            con,
            user=scope.user,
            action="aid_approval",
            scope=scope.describe(),
            detail=json.dumps(
                {
                    "application": application_id,
                    "stage": stage,
                    "decision": "通过" if approve else "退回",
                    "reason": reason,
                },
                ensure_ascii=False,
            ),
        )
    return new_status


def _record_payment(con: Any, app: dict[str, Any], day: date) -> None:
    """Write the payment of an application into the ledger (same transaction)."""
    year, term, programme = int(app["school_year"]), int(app["term"]), app["programme"]
    amount = float(app["amount"] or 0)
    source = DEFAULT_SOURCE.get(programme, "县级")
    due = aid_payments.default_due_date(year, term, programme)
    if app.get("student_id"):
        existing = con.execute(
            "SELECT record_id FROM aid_records WHERE student_id = ? AND programme = ? AND school_year = ? "
            "AND term = ? AND coalesce(paid_amount, 0) = 0 ORDER BY record_id LIMIT 1",
            [app["student_id"], programme, year, term],
        ).fetchall()
        if existing:
            con.execute(
                "UPDATE aid_records SET paid_amount = standard_amount, paid_date = ? WHERE record_id = ?",
                [day, existing[0][0]],
            )
            return
        store.write_table(
            con,
            "aid_records",
            pd.DataFrame(
                [
                    {
                        "record_id": f"AP{app['application_id']}",
                        "student_id": app["student_id"],
                        "school_code": app["school_code"],
                        "programme": programme,
                        "school_year": year,
                        "term": term,
                        "standard_amount": amount,
                        "paid_amount": amount,
                        "due_date": due,
                        "paid_date": day,
                        "funding_source": source,
                    }
                ]
            ),
        )
    else:
        store.write_table(
            con,
            "aid_recipient_awards",
            pd.DataFrame(
                [
                    {
                        "award_id": f"AP{app['application_id']}",
                        "recipient_id": app["recipient_id"],
                        "programme": programme,
                        "school_year": year,
                        "term": term,
                        "standard_amount": amount,
                        "paid_amount": amount,
                        "due_date": due,
                        "paid_date": day,
                        "funding_source": source,
                    }
                ]
            ),
        )
