"""学籍核查 · what a person does with the lists: record that a receiving school confirmed a
transfer, record a check of a child studying elsewhere; and the 我的待办 lines of
:mod:`lib.roster.register` and :mod:`lib.roster.checks`.

Writes are one transaction each, checked against the Scope and the role
(:mod:`lib.core.permissions`), and recorded in the audit log.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from lib.core import ids, permissions, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.roster import register as roster
from lib.roster.checks import ACTIONS, double_enrolment, elsewhere, overdue_transfers, problems, term_start


class RosterActionError(AppError, ValueError):
    """A 学籍核查 action refused (the message says why)."""


def todo_items(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """我的待办 lines (columns of :data:`lib.overview.todo.COLUMNS`): unaccounted children of the roster
    without a case, overdue transfers, double enrolments, children studying elsewhere to
    check, problem records."""
    mask = permissions.masked(scope)
    who = (lambda n: ids.mask_name(n)) if mask else (lambda n: n)
    rows: list[dict[str, Any]] = []

    lost = roster.classify(con, scope)
    lost = lost[(lost["category"] == "unaccounted") & lost["open_case"].isna()]
    for r in lost.itertuples(index=False):
        rows.append(
            {
                "kind": "去向不明",
                "task_id": f"RC-{r.id_number}",
                "title": f"入户查明去向，必要时建立控辍保学台账：{who(r.name)}（{r.age}岁）",
                "place": f"{r.township_name}{r.village_name or ''}",
                "due_on": scope.as_of,
                "overdue": False,
                "responsible": "村长",
                "colour": "red",
            }
        )
    for r in overdue_transfers(con, scope).itertuples(index=False):
        rows.append(
            {
                "kind": "转学未确认",
                "task_id": r.transfer_id,
                "title": f"{ACTIONS['transfer']}：{who(r.name)}",
                "place": r.school_name,
                "due_on": r.deadline,
                "overdue": True,
                "responsible": "校长",
                "colour": "red",
            }
        )
    dbl = double_enrolment(con, scope)
    for _idn, g in dbl.groupby("id_number", sort=False):
        rows.append(
            {
                "kind": "重复在籍",
                "task_id": f"DUP-{g['student_id'].iloc[0]}",
                "title": f"{ACTIONS['double']}：{who(g['name'].iloc[0])}（{'、'.join(g['school_name'])}）",
                "place": g["school_name"].iloc[-1],
                "due_on": scope.as_of,
                "overdue": False,
                "responsible": "校长",
                "colour": "red",
            }
        )
    ew = elsewhere(con, scope)
    for r in ew[ew["to_check"]].itertuples(index=False):
        rows.append(
            {
                "kind": "异地就学核查",
                "task_id": f"EW-{r.id_number}",
                "title": f"{ACTIONS['elsewhere']}：{who(r.name)}（{r.school_name}）",
                "place": r.township_name,
                "due_on": term_start(scope) + timedelta(days=30),
                "overdue": False,
                "responsible": "村长",
                "colour": "amber",
            }
        )
    for r in problems(con, scope).itertuples(index=False):
        rows.append(
            {
                "kind": "问题学籍",
                "task_id": f"{r.problem}-{r.student_id}",
                "title": f"{r.problem_label}：{who(r.name)}，{r.action}",
                "place": r.school_name,
                "due_on": scope.as_of,
                "overdue": False,
                "responsible": "校长",
                "colour": "red" if r.problem == "kongua" else "amber",
            }
        )
    cols = ["kind", "task_id", "title", "place", "due_on", "overdue", "responsible", "colour"]
    out = pd.DataFrame(rows, columns=cols)
    return out.assign(source="学籍核查", page="roster_check")


# ------------------------------------------------------------------ recording a check
def confirm_transfer(scope: Scope, transfer_id: str, *, on: date, path: Any = None) -> None:
    """Record that the receiving school confirmed a transfer out (the sending school must be
    in Scope; ``correct_records``).  One transaction, in the audit log."""

    permissions.require(scope, "correct_records")
    if on > scope.as_of:
        raise RosterActionError("确认日期不能晚于统计日期。")
    sw, sp = scope.school_where("sc")
    with store.transaction(path) as con:
        row = con.execute(
            f"SELECT tr.transfer_on, tr.confirmed_on FROM transfers tr JOIN schools sc ON sc.code = tr.from_school "
            f"WHERE tr.transfer_id = ? AND {sw}",
            [transfer_id, *sp],
        ).fetchone()
        if row is None:
            raise RosterActionError(f"找不到转学记录 {transfer_id}（或不在您的权限范围内）。")
        if row[1] is not None:
            raise RosterActionError(f"转学记录 {transfer_id} 已于 {row[1]} 确认。")
        if on < row[0]:
            raise RosterActionError("确认日期不能早于转学日期。")
        con.execute(
            "UPDATE transfers SET confirmed_on = ?, confirmed_by = ? WHERE transfer_id = ?",
            [on, scope.user, transfer_id],
        )
        store.audit(
            con,
            user=scope.user,
            action="transfer_confirm",
            scope=scope.describe(),
            detail=f'{{"transfer": "{transfer_id}", "on": "{on.isoformat()}"}}',
        )


def confirm_elsewhere(
    scope: Scope, id_number: str, *, on: date, school_name: str | None = None, path: Any = None
) -> None:
    """Record a check of a child studying elsewhere (phone or home visit): the date and, if
    it changed, the school.  The child's home village must be in Scope (``write_cases``)."""

    permissions.require(scope, "write_cases")
    if on > scope.as_of:
        raise RosterActionError("核查日期不能晚于统计日期。")
    vw, vp = scope.village_where("v")
    with store.transaction(path) as con:
        found = con.execute(
            f"SELECT count(*) FROM study_elsewhere e JOIN villages v ON v.code = e.village_code "
            f"WHERE e.id_number = ? AND {vw}",
            [id_number, *vp],
        ).fetchone()[0]
        if not found:
            raise RosterActionError("找不到这名异地就学儿童（或不在您的权限范围内）。")
        con.execute(
            "UPDATE study_elsewhere SET confirmed_on = ?, school_name = coalesce(?, school_name) "
            "WHERE id_number = ?",
            [on, (school_name or "").strip() or None, id_number],
        )
        store.audit(
            con,
            user=scope.user,
            action="elsewhere_check",
            scope=scope.describe(),
            detail=f'{{"child": "{ids.mask_id(id_number)}", "on": "{on.isoformat()}"}}',
        )
