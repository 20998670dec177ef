"""我的待办: what the person using the app has to do, within their Scope.

From 控辍保学: suspected dropouts proposed from absences to confirm or dismiss,
follow-ups due (within ``due_soon_days``) or overdue, escalations (red: the
follow-up is overdue long enough to move up the chain), notices due, 六长 to
complete.  From 学生资助 (when that module offers it): open verification
tasks (:func:`lib.aid.tasks.todo_items`).  From 小升初: leavers not received by
their deadline (:func:`lib.roster.transition.todo_items`).  Every line has the same columns so
the page lists them together, red first.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.aid import tasks as aid_tasks
from lib.core import config, fmt, ids, permissions, schema, store
from lib.core.scope import Scope
from lib.dropout import data as dropout_data
from lib.dropout import ledger as dropout_ledger
from lib.dropout import rules as dropout
from lib.roster import actions as roster_actions
from lib.roster import transition

COLUMNS = [
    "source",
    "kind",
    "task_id",
    "title",
    "place",
    "due_on",
    "overdue",
    "responsible",
    "colour",
    "page",
]
LABELS: dict[str, str] = {
    "kind": "事项",
    "title": "内容",
    "place": "学校/地点",
    "due_on": "期限",
    "responsible": "责任人",
    "source": "来源",
}
KINDS = ("升级督办", "逾期跟进", "待确认", "待发文书", "跟进到期", "待核实", "补齐六长")
#: The 六长 role a user's role answers for (escalations at that level are theirs).
ROLE_CHIEF: dict[str, str] = {"county": "教体局局长", "township": "镇长", "school": "校长", "teacher": "师长"}


def dropout_items(
    cases: pd.DataFrame,
    responsibles: pd.DataFrame,
    notices: pd.DataFrame,
    proposals: pd.DataFrame,
    *,
    as_of: date,
    mask: bool = True,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """To-do lines from the dropout ledger and the detection proposals (pure).

    Parameters
    ----------
    proposals
        :func:`lib.dropout.ledger.proposals_display` rows (masked names).
    """
    s = (settings or config.SETTINGS)["dropout"]
    soon = as_of + timedelta(days=int(s.get("due_soon_days", 2)))
    rows: list[dict[str, Any]] = []
    for p in proposals.itertuples(index=False):
        rows.append(
            {
                "kind": "待确认",
                "task_id": f"{p.student_id}@{p.run_start}",
                "title": f"连续无故缺勤{p.days}个上课日：{p.name}（{p.grade}）",
                "place": p.school_name,
                "due_on": as_of,
                "overdue": False,
                "responsible": "校长",
                "colour": p.colour,
            }
        )
    active = cases[cases["status"].isin(schema.OPEN_CASE_STATUS) | (cases["status"] == "已返校")]
    esc = dropout.escalation(active["next_followup_on"], as_of=as_of, settings=settings)
    missing = dropout_ledger.missing_chiefs(responsibles)
    # each case's notices, grouped once (not one filter of every notice per case)
    by_case = dict(tuple(notices.groupby("case_id", sort=False))) if len(notices) else {}
    none_issued = notices.iloc[0:0]
    for row, e in zip(active.itertuples(index=False), esc.itertuples(index=False), strict=True):
        who = ids.mask_name(row.name) if mask else row.name
        place = row.school_name if isinstance(row.school_name, str) else row.township_name
        label = f"{row.case_id} {who}（{row.status}）"
        fu = row.next_followup_on
        if isinstance(fu, date) and not pd.isna(fu) and fu <= soon:
            kind = "升级督办" if e.escalated else "逾期跟进" if fu < as_of else "跟进到期"
            what = "返校回访" if row.status == "已返校" else "跟进劝返"
            rows.append(
                {
                    "kind": kind,
                    "task_id": row.case_id,
                    "title": f"{what}：{label}",
                    "place": place,
                    "due_on": fu,
                    "overdue": fu < as_of,
                    "responsible": e.responsible,
                    "colour": e.colour,
                }
            )
        if row.status == "疑似辍学":
            rows.append(
                {
                    "kind": "待核实",
                    "task_id": row.case_id,
                    "title": f"入户核实：{label}",
                    "place": place,
                    "due_on": row.reported_on,
                    "overdue": False,
                    "responsible": "师长",
                    "colour": "amber",
                }
            )
        issued = by_case.get(row.case_id, none_issued)
        nxt = dropout.next_notice(
            issued,
            status=row.status,
            enrolled=isinstance(row.student_id, str),
            verified_on=row.verified_on,
            as_of=as_of,
            settings=settings,
        )
        if nxt and nxt[1] <= soon:
            rows.append(
                {
                    "kind": "待发文书",
                    "task_id": row.case_id,
                    "title": f"签发《{nxt[0]}》：{label}",
                    "place": place,
                    "due_on": nxt[1],
                    "overdue": nxt[1] < as_of,
                    "responsible": "校长",
                    "colour": "red" if nxt[1] < as_of else "amber",
                }
            )
        if row.status in schema.OPEN_CASE_STATUS and missing.get(row.case_id):
            rows.append(
                {
                    "kind": "补齐六长",
                    "task_id": row.case_id,
                    "title": f"补齐{'、'.join(missing[row.case_id])}：{label}",
                    "place": place,
                    "due_on": row.reported_on,
                    "overdue": False,
                    "responsible": "校长",
                    "colour": "amber",
                }
            )
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("source", "page")])
    out["source"] = "控辍保学"
    out["page"] = np.where(out["kind"] == "待确认", "dropout_cases", "dropout_case")
    return out[COLUMNS]


def sort_items(items: pd.DataFrame) -> pd.DataFrame:
    """Red first, then by kind (:data:`KINDS` order) and deadline."""
    order = items["colour"].map({"red": 0, "amber": 1, "green": 2, "grey": 3}).fillna(1)
    kind = items["kind"].map({k: i for i, k in enumerate(KINDS)}).fillna(len(KINDS))
    return (
        items.assign(_c=order, _k=kind)
        .sort_values(["_c", "_k", "due_on", "task_id"], na_position="last")
        .drop(columns=["_c", "_k"])
        .reset_index(drop=True)
    )


def _aid_items(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    items = aid_tasks.todo_items(con, scope)
    if items.empty:
        return pd.DataFrame(columns=COLUMNS)
    return items.assign(
        kind="资助核实", responsible="学校资助专干", colour=np.where(items["overdue"], "red", "amber")
    )[COLUMNS]


# ---- 学籍核查: transfers, double enrolment, studying elsewhere, problem records
ROSTER_KINDS = ("去向不明", "转学未确认", "重复在籍", "异地就学核查", "问题学籍")


def _roster_items(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return roster_actions.todo_items(con, scope)[COLUMNS]


# ---- 小升初: leavers not received by a school of the county by their deadline
TRANSITION_KINDS = (transition.TODO_KIND,)


def _transition_items(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    return transition.todo_items(con, scope)[COLUMNS]


def todo_items(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    proposals: pd.DataFrame | None = None,
    *,
    ledger: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Every to-do line for ``scope``: 控辍保学 (ledger and ``proposals``) and 学生资助 tasks.

    ``proposals``: the Scope's suspected-dropout proposals as displayed
    (:func:`lib.dropout.ledger.proposals_display`); None reads them here.  ``ledger``: the Scope's
    ``cases``, ``responsibles`` and ``notices`` when the caller has them
    (:func:`lib.loaders.load_dropout_ledger`'s frames; the page shows the 六长 from them too).
    The schools' work (aid, 学籍核查, 小升初) is read side by side with the 控辍保学 lines."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    # a class teacher's Scope: the cases of their pupils only; aid, 学籍核查 and 小升初 tasks are the
    # school's work, read by school (the pages are hidden from a class Scope too)
    school = () if scope.classes is not None else (_aid_items, _roster_items, _transition_items)
    with store.concurrently(con) as submit:
        school_work = [submit(read, scope) for read in school]
        if proposals is None:
            found, students = dropout_data.proposals(con, scope)
            proposals = dropout_ledger.proposals_display(found, students)
        if ledger is None:
            cases = dropout_data.cases(con, scope)
            ids_ = cases["case_id"].tolist()
            ledger = {
                "cases": cases,
                "responsibles": dropout_data.responsibles(con, scope, ids_),
                "notices": dropout_data.notices(con, scope, ids_),
            }
        mine = dropout_items(
            ledger["cases"],
            ledger["responsibles"],
            ledger["notices"],
            proposals,
            as_of=scope.as_of,
            mask=permissions.masked(scope),
        )
    parts = [p for p in (mine, *(f.result() for f in school_work)) if len(p)]
    items = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    return sort_items(items)


def counts(items: pd.DataFrame) -> dict[str, int]:
    """Lines per kind (every kind listed, zero included) plus 合计."""
    out = {k: int((items["kind"] == k).sum()) for k in (*KINDS, "资助核实", *ROSTER_KINDS, *TRANSITION_KINDS)}
    out["合计"] = len(items)
    return out


def for_role(items: pd.DataFrame, role: str) -> pd.DataFrame:
    """Only the lines whose responsible 六长 is the user's (e.g. a township head's escalations)."""
    chief = ROLE_CHIEF.get(role)
    return items if chief is None else items[items["responsible"] == chief]


def display(items: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """To-do lines for the screen (Chinese headers) and their cell colours."""

    shown = items.assign(
        due_on=items["due_on"].map(
            lambda d: fmt.fmt_date(d) if isinstance(d, date) and not pd.isna(d) else "—"
        )
    )
    shown = shown[["kind", "title", "place", "due_on", "responsible", "source"]].rename(columns=LABELS)
    colours = pd.DataFrame("none", index=shown.index, columns=shown.columns)
    for col in ("事项", "期限"):
        colours[col] = items["colour"].to_numpy()
    return shown, colours
