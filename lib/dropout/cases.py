"""控辍保学台账: every change to a case, each in one transaction with who and when.

Writes take the user's :class:`lib.core.scope.Scope`: the case must be inside it and
the role must be allowed to write (:func:`may_write`; the security issue maps
its roles in :mod:`lib.core.permissions`).  Every change to a case checks the version
the user saw (optimistic concurrency): when someone else changed the case in
between, nothing is written and :class:`CaseConflict` carries the newer
version *and* what the user typed, so that the page can show both and offer
to apply the typed values again.  Business dates come from ``scope.as_of``;
the row's ``updated_at`` and the audit log hold the store's clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import config, derived, history, ids, permissions, schema, store
from lib.core.errors import AppError
from lib.core.permissions import NotPermitted
from lib.core.scope import Scope
from lib.dropout import data as dropout_data
from lib.dropout import presence as dropout_presence
from lib.dropout import rules as dropout

# Who may change cases and who may unmask: lib.core.permissions ("write_cases", "unmask").


class CaseError(AppError, RuntimeError):
    """The change cannot be made (message in Chinese, for the user)."""


class CaseNotAllowed(CaseError, NotPermitted):
    """The user's role may not make this change."""


class CaseConflict(CaseError):
    """Someone else changed the case since the user read it.

    Attributes
    ----------
    case_id
        The case.
    current
        The case as it is now (dict of its columns, its 六长 under ``responsibles``),
        including the newer ``version``.
    mine
        What the user typed, to apply again on top of ``current``.
    """

    def __init__(self, case_id: str, *, current: dict[str, Any], mine: dict[str, Any]) -> None:
        super().__init__(
            f"案件 {case_id} 刚被 {current.get('updated_by') or '他人'} 修改(现为第 {current.get('version')} 版)，"
            "您的修改尚未保存；请查看最新内容后重新提交。"
        )
        self.case_id, self.current, self.mine = case_id, current, mine

    @property
    def version(self) -> int:
        return int(self.current.get("version") or 0)

    def as_state(self, form: str) -> dict[str, Any]:
        """What a page keeps in session state until the user re-applies or discards."""
        return {
            "case_id": self.case_id,
            "form": form,
            "current": self.current,
            "mine": self.mine,
            "version": self.version,
            "message": str(self),
        }

    def __reduce__(self):  # picklable (session state is serialised)
        return (_rebuild_conflict, (self.case_id, self.current, self.mine))


def _rebuild_conflict(case_id: str, current: dict[str, Any], mine: dict[str, Any]) -> CaseConflict:
    return CaseConflict(case_id, current=current, mine=mine)


class ContactConflict(CaseError):
    """Contacts the user edited were changed by someone else after the table was shown (nothing saved).

    ``rows``: one dict per contact: ``role``, ``place_code``, ``base`` / ``now`` / ``mine`` as
    (name, phone), ``by`` and ``at`` (who saved it last and when, from the audit log; None if unknown).
    """

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        who = sorted({r["by"] for r in rows if r.get("by")})
        places = "、".join(f"{r['role']}({r['place_code']})" for r in rows)
        super().__init__(
            f"您打开此表后，{('、'.join(who) or '他人')}已修改了 {places}：未保存任何内容。"
            "您填写的内容仍在表中：核对现值后再次保存即以您的为准，或重新载入。"
        )
        self.rows = rows

    def __reduce__(self):  # picklable (session state is serialised)
        return (ContactConflict, (self.rows,))

    def frame(self, *, mask: bool = True) -> pd.DataFrame:
        """角色, 单位代码, 打开时, 现在, 修改人, 您填写的: one line per contact."""

        def show(pair: tuple[Any, Any]) -> str:
            name, phone = pair
            if mask:
                name, phone = ids.mask_name(name), ids.mask_phone(phone)
            return f"{name or ''} {phone or ''}".strip() or "—"

        return pd.DataFrame(
            [
                (
                    r["role"],
                    r["place_code"],
                    show(r["base"]),
                    show(r["now"]),
                    r.get("by") or "—",
                    show(r["mine"]),
                )
                for r in self.rows
            ],
            columns=["角色", "单位代码", "打开时", "现在", "修改人", "您填写的"],
        )


def may_write(scope: Scope) -> bool:
    """May the user of ``scope`` change cases?"""
    return permissions.can(scope, "write_cases")


def may_unmask(scope: Scope) -> bool:
    """May the user of ``scope`` ask to see names and ID numbers in full?"""
    return permissions.can(scope, "unmask")


def _require_write(scope: Scope) -> None:
    if not may_write(scope):
        raise CaseNotAllowed("您的角色只能查看，不能修改台账。")


def _interval() -> int:
    return int(config.SETTINGS["dropout"]["followup_interval_days"])


def _audit(con: duckdb.DuckDBPyConnection, scope: Scope, what: str, **detail: Any) -> None:
    store.audit(
        con,
        user=scope.user,
        action=what,
        scope=scope.describe(),
        detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
    )


def _d(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


# ------------------------------------------------------------------ reading for a write
def current_case(con: duckdb.DuckDBPyConnection, scope: Scope, case_id: str) -> dict[str, Any]:
    """The case as stored now, with its 六长 (``responsibles``: role -> (name, phone)).

    Raises
    ------
    CaseError
        No such case in the user's Scope.
    """
    case = dropout_data.one_case(con, scope, case_id)
    if case is None:
        raise CaseError(f"找不到案件 {case_id}（或不在您的权限范围内）。")
    resp = con.execute(
        "SELECT role, name, phone, account FROM case_responsibles WHERE case_id = ?", [case_id]
    ).fetchall()
    case["responsibles"] = {r: (n, p) for r, n, p, _ in resp}
    case["accounts"] = {r: a for r, _, _, a in resp if a}
    return case


def _read_current(scope: Scope, case_id: str, path: Path | None) -> dict[str, Any]:
    with store.connect(path) as con:
        return current_case(con, scope, case_id)


def _write(
    scope: Scope,
    case_id: str,
    expected_version: int,
    mine: dict[str, Any],
    body: Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], Any],
    path: Path | None,
) -> Any:
    """Run ``body`` on the case in one transaction, after checking the version the user saw."""
    _require_write(scope)
    try:
        with store.transaction(path) as con:
            case = current_case(con, scope, case_id)
            if int(case["version"] or 0) != int(expected_version):
                raise CaseConflict(case_id, current=case, mine=mine)
            _save_version(con, scope, case)
            return body(con, case)
    except CaseConflict as exc:
        if exc.mine:
            raise
        raise CaseConflict(case_id, current=exc.current, mine=mine) from None
    except duckdb.TransactionException as exc:  # two writers at the same instant
        raise CaseConflict(case_id, current=_read_current(scope, case_id, path), mine=mine) from exc


def _save_version(con: duckdb.DuckDBPyConnection, scope: Scope, case: dict[str, Any]) -> None:
    """Keep the case as it was before this edit, dated by the business day of the edit, so that a
    report for an earlier week shows the case as it stood then (:func:`lib.dropout.weekly.as_it_stood`)."""
    keep = {k: case.get(k) for k in schema.TABLES["dropout_cases"].names}
    keep["responsibles"] = {r: list(p) for r, p in (case.get("responsibles") or {}).items()}
    con.execute(
        "DELETE FROM case_versions WHERE case_id = ? AND version = ?",
        [case["case_id"], int(case["version"] or 0)],
    )
    con.execute(
        "INSERT INTO case_versions VALUES (?, ?, ?, ?, ?)",
        [
            case["case_id"],
            int(case["version"] or 0),
            scope.as_of,
            scope.user,
            json.dumps(keep, ensure_ascii=False, default=str),
        ],
    )


def _bump(con: duckdb.DuckDBPyConnection, scope: Scope, case: dict[str, Any], sets: dict[str, Any]) -> int:
    """UPDATE the case with ``sets``, version + 1, who and when; returns the new version."""
    cols = ", ".join(f'"{k}" = ?' for k in sets)
    prefix = f"{cols}, " if cols else ""
    n = con.execute(
        f"UPDATE dropout_cases SET {prefix}version = version + 1, updated_by = ?, updated_at = now()::TIMESTAMP "
        f"WHERE case_id = ? AND version = ?",
        [*sets.values(), scope.user, case["case_id"], int(case["version"] or 0)],
    ).fetchall()[0][0]
    if n != 1:
        raise CaseConflict(case["case_id"], current=current_case(con, scope, case["case_id"]), mine={})
    return int(case["version"] or 0) + 1


def _log_status(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    case_id: str,
    before: str | None,
    after: str,
    on: date,
    reason: str | None,
) -> None:
    con.execute(
        "INSERT INTO case_status_log VALUES (?, ?, ?, ?, ?, ?)",
        [case_id, before, after, on, scope.user, reason],
    )


def _next_action_id(con: duckdb.DuckDBPyConnection, case_id: str) -> str:
    have = {
        r[0]
        for r in con.execute("SELECT action_id FROM case_actions WHERE case_id = ?", [case_id]).fetchall()
    }
    n = len(have) + 1
    while f"{case_id}-{n:02d}" in have:
        n += 1
    return f"{case_id}-{n:02d}"


def _check_day(on: date, case: dict[str, Any], scope: Scope, what: str) -> None:
    if on > scope.as_of:
        raise CaseError(f"{what}不能晚于统计日期 {scope.as_of.isoformat()}。")
    rep = _d(case.get("reported_on"))
    if rep and on < rep:
        raise CaseError(f"{what}不能早于上报日期 {rep.isoformat()}。")


# ------------------------------------------------------------------ status moves
def move_status(
    scope: Scope,
    case_id: str,
    *,
    to: str,
    expected_version: int,
    on: date | None = None,
    reason: str | None = None,
    note: str | None = None,
    placement: str | None = None,
    path: Path | None = None,
) -> int:
    """Move a case to another status (only the allowed moves), in one transaction.

    Parameters
    ----------
    to
        The new status (:data:`lib.dropout.rules.TRANSITIONS`).  劝返中 from 已返校 or 巩固
        reopens the case (the child left again): its first return is kept.
    expected_version
        The version the user saw.
    on
        The day it happened (default ``scope.as_of``).
    reason
        For 误报: why it was a false alarm (required).  For 已核实: the reason
        code (:data:`lib.core.schema.REASONS`), if it changes.
    note
        A remark kept in the status log.
    placement
        For 已返校: the 安置方式 (:data:`lib.core.schema.RETURN_PLACEMENTS`, required; 中职
        only for a child of 15 or more).

    Returns
    -------
    int
        The case's new version.

    Raises
    ------
    CaseError, CaseConflict, CaseNotAllowed
    """
    on = on or scope.as_of
    reason = (reason or "").strip() or None
    mine = {"to": to, "on": on, "reason": reason, "note": note, "placement": placement}

    def body(con: duckdb.DuckDBPyConnection, case: dict[str, Any]) -> int:
        present = dropout_presence.is_present_now(con, case.get("student_id"), as_of=scope.as_of)
        allowed = dropout.allowed_moves(
            case["status"], returned_on=_d(case.get("returned_on")), as_of=scope.as_of, present=present
        )
        if to not in allowed:
            why = ""
            if to == "已返校" and case["status"] == "疑似辍学":
                why = "返校须先核实(已核实/劝返中)；未辍学的请判为误报。"
            elif to == "巩固":
                why = "巩固须在返校满规定天数后、且学生在校(无连续缺勤)时办理。"
            elif to == "劝返中" and case["status"] in ("已返校", "巩固"):
                why = "学生仍在校，不能重新打开台账。"
            raise CaseError(
                f"案件当前为“{case['status']}”，不能改为“{to}”（可改为：{'、'.join(allowed) or '无'}）。{why}"
            )
        _check_day(on, case, scope, "日期")
        sets: dict[str, Any] = {"status": to}
        if to == "已核实":
            if reason is not None:
                if reason not in schema.REASONS:
                    raise CaseError(f"未知的辍学原因：{reason}")
                sets["reason"] = reason
            sets["verified_on"] = on
            sets["next_followup_on"] = on + timedelta(days=_interval())
        elif to == "误报":
            if not reason:
                raise CaseError("判为误报必须填写理由。")
            sets.update(dismiss_reason=reason, closed_on=on, next_followup_on=None)
        elif to == "劝返中" and case["status"] in ("已返校", "巩固"):
            # the child left again: reopen, keeping the first return (the derived status uses it)
            sets.update(
                first_returned_on=_d(case.get("first_returned_on")) or _d(case.get("returned_on")),
                returned_on=None,
                reopened_on=on,
                closed_on=None,
                next_followup_on=on + timedelta(days=_interval()),
            )
        elif to == "劝返中":
            fu = _d(case.get("next_followup_on"))
            sets["next_followup_on"] = max(fu, on) if fu else on + timedelta(days=_interval())
        elif to == "已返校":
            _check_placement(placement, case, on)
            sets.update(
                returned_on=on,
                return_placement=placement,
                next_followup_on=dropout.next_retention_check(on, scope.as_of),
            )
        elif to == "巩固":
            sets.update(closed_on=on, next_followup_on=None)
        version = _bump(con, scope, case, sets)
        log_note = (
            reason
            if to == "误报"
            else (f"安置方式：{placement}" + (f"；{note}" if note else ""))
            if to == "已返校"
            else note
        )
        _log_status(con, scope, case_id, case["status"], to, on, log_note)
        if _sync_student(con, case, to, on, placement=placement):  # the register changed on the data date
            history.record_students(con, scope.as_of, only=[case["student_id"]])
        _audit(con, scope, "case_status", case=case_id, before=case["status"], after=to, on=on)
        return version

    return _write(scope, case_id, expected_version, mine, body, path)


def _check_placement(placement: str | None, case: dict[str, Any], on: date) -> None:
    """安置方式 is required at return; 中职 only for a child of 15 or more on that day."""
    if placement not in schema.RETURN_PLACEMENTS:
        raise CaseError(f"请选择安置方式（{'、'.join(schema.RETURN_PLACEMENTS)}）。")
    if placement == "中职":
        birth = _d(case.get("birth_date"))
        if birth is None and ids.is_valid_id(case.get("id_number")):
            birth = ids.birth_date_from_id(case["id_number"])
        age = (
            None if birth is None else on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        )
        if age is None or age < 15:
            raise CaseError("安置到中职仅适用于15周岁及以上的学生。")


def _sync_student(
    con: duckdb.DuckDBPyConnection, case: dict[str, Any], to: str, on: date, *, placement: str | None = None
) -> bool:
    """Keep the register in step: a confirmed (or reopened) dropout is 辍学; a returned one is
    在校 again, 送教上门 when taught at home, 转出 when placed in another school or 中职.
    Returns whether the student's row changed."""
    if not case.get("student_id"):
        return False
    if to == "已核实" or (to == "劝返中" and case["status"] in ("已返校", "巩固")):
        rows = con.execute(
            "UPDATE students SET status = '辍学', status_date = ? WHERE student_id = ? "
            "AND status IN ('在校', '送教上门') RETURNING school_code",
            [on, case["student_id"]],
        ).fetchall()
    elif to == "已返校":
        status = {"送教上门": "送教上门", "转学": "转出", "中职": "转出"}.get(placement or "", "在校")
        rows = con.execute(
            "UPDATE students SET status = ?, status_date = ?, "
            "placement = CASE WHEN ? = '送教上门' THEN '送教上门' WHEN ? = '特教学校' THEN '特教学校' ELSE placement END "
            "WHERE student_id = ? AND status = '辍学' RETURNING school_code",
            [status, on, placement, placement, case["student_id"]],
        ).fetchall()
    else:
        rows = []
    if rows:  # summaries of the register follow in this transaction (only this school's rows)
        derived.changed(con, ("students",), schools=[r[0] for r in rows if r[0]])
    return bool(rows)


# ------------------------------------------------------------------ actions, details, 六长
def log_action(
    scope: Scope,
    case_id: str,
    *,
    expected_version: int,
    action: str,
    result: str,
    acted_on: date | None = None,
    actor: str | None = None,
    next_followup_on: date | None = None,
    path: Path | None = None,
) -> int:
    """Add one line to the case's action log (家访, 电话, 约谈 ...) and set the next follow-up.

    The next follow-up defaults to ``acted_on`` + ``followup_interval_days`` for an open
    case (a follow-up done resets the clock and any escalation).

    Returns
    -------
    int
        The case's new version.
    """
    acted_on = acted_on or scope.as_of
    result = (result or "").strip()
    actor = (actor or "").strip() or scope.user
    mine = {
        "action": action,
        "result": result,
        "acted_on": acted_on,
        "actor": actor,
        "next_followup_on": next_followup_on,
    }

    def body(con: duckdb.DuckDBPyConnection, case: dict[str, Any]) -> int:
        if action not in schema.CASE_ACTIONS:
            raise CaseError(f"未知的措施：{action}")
        if not result:
            raise CaseError("请填写本次措施的结果。")
        _check_day(acted_on, case, scope, "措施日期")
        con.execute(
            "INSERT INTO case_actions VALUES (?, ?, ?, ?, ?, ?)",
            [_next_action_id(con, case_id), case_id, acted_on, actor, action, result],
        )
        sets: dict[str, Any] = {}
        if next_followup_on is not None:
            sets["next_followup_on"] = next_followup_on
        elif case["status"] in dropout.OPEN_STATUS:
            sets["next_followup_on"] = acted_on + timedelta(days=_interval())
        version = _bump(con, scope, case, sets)
        _audit(con, scope, "case_action", case=case_id, action=action, on=acted_on)
        return version

    return _write(scope, case_id, expected_version, mine, body, path)


def update_case(
    scope: Scope,
    case_id: str,
    *,
    expected_version: int,
    reason: str | None = None,
    next_followup_on: date | None = None,
    responsibles: dict[str, tuple[str | None, ...]] | None = None,
    path: Path | None = None,
) -> int:
    """Change a case's reason, next follow-up date or 六长 (only what is given).

    A person is ``(name, phone)`` or ``(name, phone, account)``: the account of a 师长 or 村长
    who has one, so that the case's tasks reach their 我的待办.

    Returns
    -------
    int
        The case's new version.
    """
    mine = {
        "reason": reason,
        "next_followup_on": next_followup_on,
        "responsibles": {k: list(v) for k, v in (responsibles or {}).items()},
    }

    def body(con: duckdb.DuckDBPyConnection, case: dict[str, Any]) -> int:
        sets: dict[str, Any] = {}
        if reason is not None and reason != case.get("reason"):
            if reason not in schema.REASONS:
                raise CaseError(f"未知的辍学原因：{reason}")
            sets["reason"] = reason
        if next_followup_on is not None and next_followup_on != _d(case.get("next_followup_on")):
            _check_day(min(next_followup_on, scope.as_of), case, scope, "下次跟进日期")
            sets["next_followup_on"] = next_followup_on
        changed_roles = []
        for role, person in (responsibles or {}).items():
            if role not in schema.SIX_CHIEFS:
                raise CaseError(f"未知的职责：{role}")
            name, phone = person[0], person[1]
            # a person given without an account keeps the account already on the case
            account = person[2] if len(person) > 2 else case.get("accounts", {}).get(role)
            name, phone = (name or "").strip() or None, (phone or "").strip() or None
            account = (account or "").strip() or None
            if phone and not (phone.replace("-", "").isdigit() and 7 <= len(phone.replace("-", "")) <= 12):
                raise CaseError(f"{role}的电话号码格式不对：{phone}")
            if (
                account
                and not con.execute("SELECT count(*) FROM accounts WHERE name = ?", [account]).fetchone()[0]
            ):
                raise CaseError(f"{role}的账号 {account} 不存在。")
            before = (*case["responsibles"].get(role, (None, None)), case.get("accounts", {}).get(role))
            if before != (name, phone, account):
                con.execute("DELETE FROM case_responsibles WHERE case_id = ? AND role = ?", [case_id, role])
                con.execute(
                    "INSERT INTO case_responsibles (case_id, role, name, phone, account) VALUES (?, ?, ?, ?, ?)",
                    [case_id, role, name, phone, account],
                )
                changed_roles.append(role)
        if not sets and not changed_roles:
            return int(case["version"] or 0)
        version = _bump(con, scope, case, sets)
        _audit(con, scope, "case_update", case=case_id, fields=sorted(sets), roles=changed_roles)
        return version

    return _write(scope, case_id, expected_version, mine, body, path)


# ------------------------------------------------------------------ notices
def issue_notice(
    scope: Scope,
    case_id: str,
    *,
    kind: str,
    expected_version: int,
    issued_on: date | None = None,
    path: Path | None = None,
) -> str:
    """Record that a notice (文书) was issued for a confirmed case, and log it as an action.

    Returns
    -------
    str
        The notice's number (``notice_id``), printed on the document.
    """
    issued_on = issued_on or scope.as_of
    mine = {"kind": kind, "issued_on": issued_on}
    s = config.SETTINGS["dropout"]

    def body(con: duckdb.DuckDBPyConnection, case: dict[str, Any]) -> str:
        if kind not in dropout.notice_kinds():
            raise CaseError(f"未配置的文书：{kind}")
        if case["status"] not in ("已核实", "劝返中"):
            raise CaseError("只有已核实、尚未返校的案件才能签发文书。")
        _check_day(issued_on, case, scope, "签发日期")
        n = con.execute("SELECT count(*) FROM notices WHERE case_id = ?", [case_id]).fetchall()[0][0]
        notice_id = f"WS{case_id[2:]}-{n + 1:02d}"
        wait = {
            "入学通知书": s["notice_deadline_days"],
            "限期复学通知书": s["notice_deadline_days"],
            "行政处罚告知书": s["notice_hearing_days"],
        }.get(kind)
        deadline = issued_on + timedelta(days=int(wait)) if wait is not None else None
        con.execute(
            "INSERT INTO notices VALUES (?, ?, ?, ?, ?, ?)",
            [notice_id, case_id, kind, issued_on, scope.user, deadline],
        )
        con.execute(
            "INSERT INTO case_actions VALUES (?, ?, ?, ?, ?, ?)",
            [
                _next_action_id(con, case_id),
                case_id,
                issued_on,
                scope.user,
                "发放通知书",
                f"签发《{kind}》({notice_id})",
            ],
        )
        _bump(con, scope, case, {})
        _audit(con, scope, "case_notice", case=case_id, kind=kind, notice=notice_id)
        return notice_id

    return _write(scope, case_id, expected_version, mine, body, path)


# ------------------------------------------------------------------ opening cases
def _next_case_id(con: duckdb.DuckDBPyConnection, county: str) -> str:
    row = con.execute(
        "SELECT max(TRY_CAST(split_part(case_id, '-', 2) AS INTEGER)) FROM dropout_cases WHERE case_id LIKE ?",
        [f"KC{county}-%"],
    ).fetchall()[0]
    return f"KC{county}-{(row[0] or 0) + 1:05d}"


def _insert_case(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    student: dict[str, Any] | None,
    id_number: str | None,
    name: str,
    village_code: str,
    reason: str,
    source: str,
    guardian: tuple[str | None, str | None] = (None, None),
) -> str:
    if reason not in schema.REASONS:
        raise CaseError(f"未知的辍学原因：{reason}")
    case_id = _next_case_id(con, scope.county)
    school = student.get("school_code") if student else None
    row = {
        "case_id": case_id,
        "student_id": student["student_id"] if student else None,
        "id_number": id_number,
        "name": name,
        "village_code": village_code,
        "school_code": school,
        "grade": int(student["grade"]) if student and student.get("grade") is not None else None,
        "status": "疑似辍学",
        "reason": reason,
        "source": source,
        "reported_on": scope.as_of,
        "next_followup_on": scope.as_of + timedelta(days=_interval()),
        "version": 1,
        "updated_by": scope.user,
    }
    store.write_table(con, "dropout_cases", pd.DataFrame([row]))
    con.execute("UPDATE dropout_cases SET updated_at = now()::TIMESTAMP WHERE case_id = ?", [case_id])
    chiefs = dropout_data.default_chiefs(
        con, county=scope.county, village_code=village_code, school_code=school, guardian=guardian
    )
    store.write_table(
        con,
        "case_responsibles",
        pd.DataFrame(
            [{"case_id": case_id, "role": r, "name": n, "phone": p} for r, (n, p) in chiefs.items()]
        ),
    )
    _log_status(con, scope, case_id, None, "疑似辍学", scope.as_of, source)
    return case_id


def _student_in_scope(con: duckdb.DuckDBPyConnection, scope: Scope, student_id: str) -> dict[str, Any]:
    df = dropout_data.students(con, scope, [student_id])
    if df.empty:
        raise CaseError(f"找不到学生 {student_id}（或不在您的权限范围内）。")
    return df.iloc[0].to_dict()


def _open_case_of(
    con: duckdb.DuckDBPyConnection, *, student_id: str | None = None, id_number: str | None = None
) -> str | None:
    row = con.execute(
        "SELECT case_id FROM dropout_cases WHERE status IN ('疑似辍学', '已核实', '劝返中') "
        "AND (student_id = ? OR id_number = ?) LIMIT 1",
        [student_id, id_number],
    ).fetchall()
    return row[0][0] if row else None


def _refuse_second_case(con: duckdb.DuckDBPyConnection, scope: Scope, case_id: str | None, who: str) -> None:
    """Refuse a second open case; name the open one only when it is in the user's Scope (a
    case of another township is not the user's to know by its number)."""
    if case_id is None:
        return
    cw, cp = dropout_data.case_where(scope, "c")
    mine = con.execute(f"SELECT count(*) FROM dropout_cases c WHERE c.case_id = ? AND {cw}", [case_id, *cp])
    if mine.fetchall()[0][0]:
        raise CaseError(f"该{who}已有未结案件 {case_id}。")
    raise CaseError(f"该{who}已由其他单位立案(未结)，请联系县级业务人员。")


def confirm_proposal(
    scope: Scope,
    student_id: str,
    run_start: date,
    *,
    reason: str = "其他",
    note: str | None = None,
    path: Path | None = None,
) -> str:
    """Confirm a suspected dropout proposed from absences: open a 疑似辍学 case (source
    缺勤监测) with its 六长 and record the decision, in one transaction.

    Returns
    -------
    str
        The new case's ``case_id``.

    Raises
    ------
    CaseError
        Already decided by someone, or the student already has an open case.
    """
    _require_write(scope)
    with store.transaction(path) as con:
        _undecided(con, student_id, run_start)
        student = _student_in_scope(con, scope, student_id)
        _refuse_second_case(con, scope, _open_case_of(con, student_id=student_id), "学生")
        case_id = _insert_case(
            con,
            scope,
            student=student,
            id_number=student["id_number"],
            name=student["name"],
            village_code=student["village_code"],
            reason=reason,
            source="缺勤监测",
            guardian=(student.get("guardian_name"), student.get("guardian_phone")),
        )
        con.execute(
            "INSERT INTO detection_decisions VALUES (?, ?, '确认', ?, ?, ?, ?)",
            [student_id, run_start, (note or "").strip() or None, scope.user, scope.as_of, case_id],
        )
        _audit(con, scope, "detection_confirm", student=student_id, run_start=run_start, case=case_id)
    return case_id


def dismiss_proposal(
    scope: Scope, student_id: str, run_start: date, *, reason: str, path: Path | None = None
) -> None:
    """Dismiss a proposed suspected dropout with a reason (it is not proposed again)."""
    _require_write(scope)
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("排除必须填写理由(例如：已补办请假手续、已转学)。")
    with store.transaction(path) as con:
        _undecided(con, student_id, run_start)
        _student_in_scope(con, scope, student_id)
        con.execute(
            "INSERT INTO detection_decisions VALUES (?, ?, '排除', ?, ?, ?, NULL)",
            [student_id, run_start, reason, scope.user, scope.as_of],
        )
        _audit(con, scope, "detection_dismiss", student=student_id, run_start=run_start, reason=reason)


def _undecided(con: duckdb.DuckDBPyConnection, student_id: str, run_start: date) -> None:
    row = con.execute(
        "SELECT decision, decided_by FROM detection_decisions WHERE student_id = ? AND run_start = ?",
        [student_id, run_start],
    ).fetchall()
    if row:
        raise CaseError(f"这次连续缺勤已由 {row[0][1]} 处理(结论：{row[0][0]})，不再重复处理。")


def open_case_for_student(
    scope: Scope, student_id: str, *, reason: str, source: str = "学校上报", path: Path | None = None
) -> str:
    """Open a 疑似辍学 case for an enrolled student (reported by the school)."""
    _require_write(scope)
    with store.transaction(path) as con:
        student = _student_in_scope(con, scope, student_id)
        _refuse_second_case(con, scope, _open_case_of(con, student_id=student_id), "学生")
        case_id = _insert_case(
            con,
            scope,
            student=student,
            id_number=student["id_number"],
            name=student["name"],
            village_code=student["village_code"],
            reason=reason,
            source=source,
            guardian=(student.get("guardian_name"), student.get("guardian_phone")),
        )
        _audit(con, scope, "case_open", case=case_id, student=student_id, source=source)
    return case_id


def open_case_for_child(
    scope: Scope,
    *,
    id_number: str,
    name: str,
    village_code: str,
    reason: str = "其他",
    source: str = "花名册核查",
    guardian_name: str | None = None,
    guardian_phone: str | None = None,
    path: Path | None = None,
) -> str:
    """Open a 疑似辍学 case for a child who is not enrolled at all (found by the registry
    reconciliation or the school-age roster), identified by ID number, name and home village.

    If the ID belongs to a student in Scope, the case is linked to that student.

    Parameters
    ----------
    id_number
        As written (normalised with :func:`lib.core.ids.normalise_id`; must be valid).
    village_code
        The child's home village (must be in the Scope).

    Returns
    -------
    str
        The new ``case_id``.

    Raises
    ------
    CaseError
        Invalid ID, village outside the Scope, or an open case for the same child.
    """
    _require_write(scope)
    norm = ids.normalise_id(id_number)
    if not ids.is_valid_id(norm):
        raise CaseError(f"身份证号无效：{ids.mask_id(str(id_number))}")
    name = (name or "").strip()
    if not name:
        raise CaseError("请填写儿童姓名。")
    with store.transaction(path) as con:
        vw, vp = scope.village_where("v")
        if not con.execute(
            f"SELECT count(*) FROM villages v WHERE v.code = ? AND {vw}", [village_code, *vp]
        ).fetchall()[0][0]:
            raise CaseError(f"户籍村(社区) {village_code} 不在您的权限范围内。")
        _refuse_second_case(con, scope, _open_case_of(con, id_number=norm), "儿童")
        row = con.execute("SELECT student_id FROM students WHERE id_number = ?", [norm]).fetchall()
        if row and dropout_data.students(con, scope, [row[0][0]]).empty:
            # the ID is a student's of another township or school: say so, name nothing of them
            raise CaseError("该儿童的学籍在您的范围以外，请联系县级业务人员立案。")
        student = _student_in_scope(con, scope, row[0][0]) if row else None
        case_id = _insert_case(
            con,
            scope,
            student=student,
            id_number=norm,
            name=name,
            village_code=village_code,
            reason=reason,
            source=source,
            guardian=(guardian_name, guardian_phone),
        )
        _audit(con, scope, "case_open", case=case_id, source=source, enrolled=student is not None)
    return case_id


# ------------------------------------------------------------------ contacts
def save_contacts(
    scope: Scope, rows: pd.DataFrame, *, base: pd.DataFrame | None = None, path: Path | None = None
) -> int:
    """Insert or replace contacts (``role``, ``place_code``, ``name``, ``phone``) of places in
    the Scope, in one transaction.  Returns how many rows were written.

    No lost update: ``base`` is the contacts table as the user's form showed it.  A row is
    written only if the stored name and phone are still those of ``base`` (compare-and-set);
    when another user changed one of the rows meanwhile, :class:`ContactConflict` names them and
    nothing is written.

    A county-level contact (the 教体局局长, ``place_code`` = the county) fills the 六长 of every
    new case in every township: only a county-scope role (lib.core.permissions.COUNTY_ROLES)
    writes it.  The audit log records, per row, which fields changed from what to what.

    Raises
    ------
    CaseError
        A role that is not one of the 六长, a place outside the Scope, a county-level contact
        written through a township or school role, or a missing name; nothing is written then.
    ContactConflict
        A row changed by someone else since ``base`` (nothing written).
    """
    _require_write(scope)
    permissions.require(scope, "write_unit")  # a class teacher names no school contacts
    if rows.empty:
        return 0
    rows = rows[["role", "place_code", "name", "phone"]].astype(object).where(rows.notna(), None)
    with store.transaction(path) as con:
        if scope.schools is not None:
            # a school's account keeps its own school's contacts (校长, 师长), not its township's
            # villages: a school Scope does not restrict villages, so they must not count here
            allowed = set(dropout_data.schools(con, scope)["code"])
        else:
            allowed = set(dropout_data.contacts(con, scope)["place_code"])
            allowed |= set(dropout_data.villages(con, scope)["code"]) | set(
                dropout_data.schools(con, scope)["code"]
            )
            tw, tp = scope.township_where("t.code")
            allowed |= {
                r[0] for r in con.execute(f"SELECT t.code FROM townships t WHERE {tw}", tp).fetchall()
            }
        county_level = permissions.can_county_level(scope, "write_cases")
        if county_level:
            allowed.add(scope.county)
        else:
            allowed.discard(scope.county)
        changes, stale = [], []
        shown = _contact_pairs(base) if base is not None else {}
        for i, r in enumerate(rows.itertuples(index=False), start=1):
            if r.role not in schema.SIX_CHIEFS:
                raise CaseError(f"第 {i} 行：未知的角色 {r.role!r}")
            if r.place_code == scope.county and not county_level:
                raise CaseError(f"第 {i} 行：全县的{r.role}只能由县级业务人员修改")
            if r.place_code not in allowed:
                raise CaseError(f"第 {i} 行：单位 {r.place_code} 不在您的权限范围内")
            if not (r.name or "").strip():
                raise CaseError(f"第 {i} 行：姓名不能为空")
            old = con.execute(
                "SELECT name, phone FROM contacts WHERE role = ? AND place_code = ?", [r.role, r.place_code]
            ).fetchall()
            new = (r.name.strip(), (r.phone or "").strip() or None)
            before = old[0] if old else (None, None)
            was = shown.get((r.role, r.place_code))
            if (
                base is not None
                and _pair(before) != _pair(was or (None, None))
                and _pair(before) != _pair(new)
            ):
                stale.append(
                    {
                        "role": r.role,
                        "place_code": r.place_code,
                        "base": _pair(was),
                        "now": _pair(before),
                        "mine": new,
                    }
                )
                continue
            fields = {
                f: [
                    ids.mask_name(o) if f == "name" else ids.mask_phone(o),
                    ids.mask_name(n) if f == "name" else ids.mask_phone(n),
                ]
                for f, o, n in zip(("name", "phone"), before, new, strict=True)
                if (o or None) != (n or None)
            }
            con.execute("DELETE FROM contacts WHERE role = ? AND place_code = ?", [r.role, r.place_code])
            con.execute("INSERT INTO contacts VALUES (?, ?, ?, ?)", [r.role, r.place_code, *new])
            changes.append({"role": r.role, "place_code": r.place_code, "new": not old, "fields": fields})
        if stale:  # the transaction is rolled back: nothing of this save is kept
            _who_changed(con, stale)
            raise ContactConflict(stale)
        # names and phones masked as elsewhere in the log: the changes are visible, the numbers not
        _audit(con, scope, "contacts_saved", rows=len(rows), changes=changes)
    return len(rows)


def _pair(pair: Any) -> tuple[str | None, str | None]:
    """(name, phone) with blanks as None, for comparing what a form showed with what is stored."""
    if pair is None:
        return (None, None)

    def norm(v: Any) -> str | None:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        return str(v).strip() or None

    return (norm(pair[0]), norm(pair[1]))


def _contact_pairs(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(role, place_code) -> (name, phone) of a contacts table as a form showed it."""
    return {
        (r.role, r.place_code): (r.name, r.phone)
        for r in frame[["role", "place_code", "name", "phone"]].itertuples(index=False)
    }


def _who_changed(con: duckdb.DuckDBPyConnection, stale: list[dict[str, Any]]) -> None:
    """Fill ``by``/``at`` of each stale contact from the newest audited save of it."""
    rows = con.execute(
        "SELECT \"at\", user_name, detail FROM audit_log WHERE action = 'contacts_saved' "
        'ORDER BY "at" DESC LIMIT 500'
    ).fetchall()
    for s in stale:
        s["by"] = s["at"] = None
        for at, user, detail in rows:
            try:
                saved = json.loads(detail).get("changes") or []
            except (TypeError, ValueError):
                continue
            if any(c.get("role") == s["role"] and c.get("place_code") == s["place_code"] for c in saved):
                s["by"], s["at"] = user, at
                break


# ------------------------------------------------------------------ one entry point for the page's forms
FORMS = ("status", "action", "details", "chiefs", "notice")


def apply_edit(
    scope: Scope,
    case_id: str,
    form: str,
    values: dict[str, Any],
    *,
    expected_version: int,
    path: Path | None = None,
) -> Any:
    """Apply what the user typed in one of the case page's forms (:data:`FORMS`).

    The same ``values`` can be applied again on a newer version after a
    :class:`CaseConflict` (``expected_version=conflict.version``).
    """
    v = dict(values)
    if form == "status":
        return move_status(
            scope,
            case_id,
            to=v["to"],
            on=v.get("on"),
            reason=v.get("reason"),
            note=v.get("note"),
            placement=v.get("placement"),
            expected_version=expected_version,
            path=path,
        )
    if form == "action":
        return log_action(
            scope,
            case_id,
            action=v["action"],
            result=v.get("result", ""),
            acted_on=v.get("acted_on"),
            actor=v.get("actor"),
            next_followup_on=v.get("next_followup_on"),
            expected_version=expected_version,
            path=path,
        )
    if form == "details":
        return update_case(
            scope,
            case_id,
            reason=v.get("reason"),
            next_followup_on=v.get("next_followup_on"),
            expected_version=expected_version,
            path=path,
        )
    if form == "chiefs":
        people = {r: tuple(p) for r, p in (v.get("responsibles") or {}).items()}
        return update_case(scope, case_id, responsibles=people, expected_version=expected_version, path=path)
    if form == "notice":
        return issue_notice(
            scope,
            case_id,
            kind=v["kind"],
            issued_on=v.get("issued_on"),
            expected_version=expected_version,
            path=path,
        )
    raise ValueError(f"unknown form {form!r}")
