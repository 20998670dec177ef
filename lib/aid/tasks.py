"""核实任务: what reconciliation leaves to verify by home visit (入户核实).

Tasks are rows of ``aid_verification_tasks``, created from a
:class:`lib.aid.reconcile.ReconcileResult` (students flagged but missing from the
list, names that disagree, listed students whose category is not recorded),
assigned by the student's school, and shown in 我的待办 through
:func:`todo_items`.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pandas as pd

from lib.aid import reconcile
from lib.core import config, ids, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope

#: Task categories with their Chinese labels (what is to be verified).
TASK_CATEGORIES: dict[str, str] = {
    "not_in_registry": "在册未列入名单：入户核实困难类别",
    "name_mismatch": "姓名不一致：核对户籍与学籍姓名",
    "unflagged": "名单有、学籍未标记：核实后更新困难类别",
}
OPEN = "待核实"
TASK_COLUMNS = schema.TABLES["aid_verification_tasks"].names


class TaskError(AppError, RuntimeError):
    """The task cannot be changed (message in Chinese)."""


def tasks_from_result(result: reconcile.ReconcileResult, scope: Scope, *, source_file: str) -> pd.DataFrame:
    """Tasks for every row to verify (without ``task_id``; :func:`record_tasks` numbers them)."""
    rows = result.rows
    unflagged = rows[(rows["category"] == "matched") & rows["detail"].astype(str).str.contains("未标记")]
    parts = [
        result.not_in_registry.assign(task_category="not_in_registry"),
        rows[rows["category"] == "name_mismatch"].assign(task_category="name_mismatch"),
        unflagged.assign(task_category="unflagged"),
    ]
    todo = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if todo is None:
        return pd.DataFrame(columns=[c for c in TASK_COLUMNS if c != "task_id"])
    due = scope.as_of + timedelta(days=int(config.SETTINGS["aid"]["verification_due_days"]))
    return pd.DataFrame(
        {
            "kind": result.kind,
            "category": todo["task_category"],
            "student_id": todo["student_id"],
            "id_number": todo["id_number"],
            "name": todo["student_name"].fillna(todo["name"]),
            "school_code": todo["school_code"],
            "township_code": todo["township_code"],
            "detail": todo["task_category"].map(TASK_CATEGORIES) + "。" + todo["detail"].fillna(""),
            "source_file": source_file,
            "created_on": scope.as_of,
            "created_by": scope.user,
            "due_on": due,
            "status": OPEN,
            "result": None,
            "closed_on": None,
            "closed_by": None,
            "version": 1,
        }
    )


def record_tasks(scope: Scope, tasks: pd.DataFrame, *, path: Any = None) -> int:
    """Store new tasks in one transaction; an open task for the same list kind, category
    and student is not created twice.  Returns how many were created (``write_cases``: the roles
    that do the home visits; a 局领导 or 规划 account changes nothing)."""
    permissions.require(scope, "write_unit")
    if tasks.empty:
        return 0
    with store.transaction(path) as con:
        existing = store.frame(
            con, "SELECT kind, category, student_id FROM aid_verification_tasks WHERE status = ?", [OPEN]
        )
        have = set(zip(existing["kind"], existing["category"], existing["student_id"], strict=True))
        keep = tasks[
            [
                (k, c, s) not in have
                for k, c, s in zip(tasks["kind"], tasks["category"], tasks["student_id"], strict=True)
            ]
        ]
        keep = keep.drop_duplicates(["kind", "category", "student_id"])
        if keep.empty:
            return 0
        start = con.execute("SELECT count(*) FROM aid_verification_tasks").fetchall()[0][0]
        stamp = scope.as_of.strftime("%Y%m%d")
        keep = keep.assign(task_id=[f"V{stamp}-{start + i + 1:06d}" for i in range(len(keep))])
        store.write_table(con, "aid_verification_tasks", keep)
        store.audit(
            con,
            user=scope.user,
            action="aid_tasks_created",
            scope=scope.describe(),
            detail=json.dumps(
                {
                    "kind": str(keep["kind"].iloc[0]),
                    "tasks": len(keep),
                    "source": str(keep["source_file"].iloc[0]),
                },
                ensure_ascii=False,
            ),
        )
    return len(keep)


def _task_where(scope: Scope, alias: str = "k") -> tuple[str, list[Any]]:
    sw, sp = scope.school_where("sc")
    cond = f"{alias}.school_code IN (SELECT sc.code FROM schools sc WHERE {sw})"
    return cond, sp


def open_tasks(con: Any, scope: Scope) -> pd.DataFrame:
    """Open verification tasks of the Scope (by the student's school), the oldest deadline first."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    where, params = _task_where(scope)
    return store.frame(
        con,
        f"SELECT k.*, sc.name AS school_name, t.name AS township_name FROM aid_verification_tasks k "
        f"LEFT JOIN schools sc ON sc.code = k.school_code LEFT JOIN townships t ON t.code = k.township_code "
        f"WHERE k.status = ? AND {where} ORDER BY k.due_on, k.task_id",
        [OPEN, *params],
    )


def todo_items(con: Any, scope: Scope) -> pd.DataFrame:
    """Open tasks as 我的待办 lines: ``source``, ``task_id``, ``title``, ``place``, ``due_on``,
    ``overdue``, ``page`` (url_path of the page that handles them).  Names are masked."""
    tasks = open_tasks(con, scope)

    names = tasks["name"].map(ids.mask_name, na_action="ignore") if len(tasks) else tasks["name"]
    return pd.DataFrame(
        {
            "source": "学生资助",
            "task_id": tasks["task_id"],
            "title": tasks["category"].map(TASK_CATEGORIES).fillna("核实") + "(" + names.fillna("") + ")",
            "place": tasks["school_name"].fillna(tasks["school_code"]),
            "due_on": tasks["due_on"],
            "overdue": pd.to_datetime(tasks["due_on"]) < pd.Timestamp(scope.as_of),
            "page": "aid_reconcile",
        }
    )


def close_task(
    scope: Scope,
    task_id: str,
    *,
    result: str,
    expected_version: int,
    status: str = "已核实",
    path: Any = None,
) -> None:
    """Record the outcome of a verification (one transaction, who and when)."""
    result = (result or "").strip()
    if status not in schema.AID_TASK_STATUS or status == OPEN:
        raise TaskError(f"无效的任务状态：{status}")
    if not result:
        raise TaskError("请填写核实结果。")
    with store.transaction(path) as con:
        where, params = _task_where(scope)
        visible = con.execute(
            f"SELECT count(*) FROM aid_verification_tasks k WHERE k.task_id = ? AND {where}",
            [task_id, *params],
        ).fetchall()[0][0]
        if not visible:
            raise TaskError(f"找不到任务 {task_id}（或不在您的权限范围内）。")
        n = con.execute(
            "UPDATE aid_verification_tasks SET status = ?, result = ?, closed_on = ?, closed_by = ?, "
            "version = version + 1 WHERE task_id = ? AND version = ? AND status = ?",
            [status, result, scope.as_of, scope.user, task_id, int(expected_version), OPEN],
        ).fetchall()[0][0]
        if n != 1:
            raise TaskError(f"任务 {task_id} 刚被他人办理过，请刷新后再试。")
        store.audit(
            con,
            user=scope.user,
            action="aid_task_closed",
            scope=scope.describe(),
            detail=json.dumps({"task": task_id, "status": status}, ensure_ascii=False),
        )
