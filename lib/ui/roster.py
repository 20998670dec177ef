"""学籍核查's widgets: the uploaded roster's check (a background job), the coverage table, and the
lists with the steps taken from them (open a case, confirm a transfer, record a check)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from lib import ui
from lib.core import permissions, schema
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.roster import actions, filecheck, view
from lib.roster import checks as rc
from lib.roster import register as roster
from lib.ui import jobs as ui_jobs

#: The job kind of a roster file's check.
KIND = "roster_check"
_IMPORTED = "rc_imported_sha"  # session: the file last imported, not to be checked again


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def latest_check(scope: Scope) -> Any:
    """The user's newest roster-file check in this Scope (a :class:`lib.ops.jobs.Job`), or None."""
    return ui_jobs.latest(KIND, scope)


def check_file(scope: Scope, data: bytes, filename: str) -> None:
    """Start the check of ``data`` as a background job, unless the newest job checks this very file
    (or it was just imported)."""
    digest = _digest(data)
    job = ui_jobs.latest(KIND, scope)
    if (job is not None and job.params.get("sha") == digest) or st.session_state.get(_IMPORTED) == digest:
        return
    params = {"file": filename, "bytes": len(data), "sha": digest}
    ui_jobs.start(KIND, scope, partial(filecheck.check, data, filename, scope), params)


def file_result(scope: Scope, done: Callable[[str], None]) -> bool:
    """The newest check of a roster file: its progress, or what it found with the import button
    (or its error).  Returns whether there is one."""

    def show(got: filecheck.RosterCheck, job: Any) -> None:
        frame, n_rows, problems = got.frame, got.rows, got.problems
        st.caption(
            ui.tr("rc_read").format(
                file=got.filename, n=f"{n_rows:,}", ok=f"{len(frame):,}", skip=f"{n_rows - len(frame):,}"
            )
        )
        if got.counts:
            parts = [f"{ui.tr(label)} {got.counts.get(k, 0):,}" for k, label in roster.CATEGORIES.items()]
            st.caption(ui.tr("rc_file_counts").format(counts=ui.tr("list_sep").join(parts)))
        if problems:
            st.warning("\n".join(f"- {p}" for p in problems[:10]) + ("\n- …" if len(problems) > 10 else ""))
        if st.button(ui.tr("rc_import"), key="rc_import", type="primary", disabled=frame.empty):
            try:
                saved = roster.save(frame, scope)
                st.session_state.pop("rc_use_sample", None)
                st.session_state[_IMPORTED] = job.params.get("sha")
                ui_jobs.forget(job, scope)  # its children's data is stored now: no second copy kept
                done(ui.tr("rc_imported").format(n=f"{saved['rows']:,}", towns=saved["townships"]))
            except AppError as exc:
                st.error(str(exc))

    return ui_jobs.panel(KIND, scope, show, key="rc_job") is not None


def coverage(classified: pd.DataFrame, scope: Scope) -> None:
    """花名册覆盖情况 by home township (or the note that no roster is stored)."""
    st.subheader(ui.tr("rc_coverage"))
    if classified.empty:
        ui.note(ui.tr("rc_no_roster"))
        return
    table = view.by_township(classified)
    ui.table(
        table,
        height=min(35 * (len(table) + 1) + 3, 360),
        column_config={"已掌握去向": st.column_config.NumberColumn(format="percent")},
    )
    ui.download_buttons(table, name="花名册覆盖情况", scope=scope, key="rc_cov_dl")


LISTS = {
    "unaccounted": "去向不明",
    "transfer": "转学台账",
    "double": "重复在籍",
    "elsewhere": "异地就学",
    "problem": "问题学籍",
    "all": "全部花名册",
}


def lists(checked: dict[str, pd.DataFrame], scope: Scope, done: Callable[[str], None]) -> None:
    """The list the user picks (masked as ``scope`` says), its downloads, and its steps."""
    classified = checked["roster"]
    which = st.radio(
        ui.tr("rc_list"), list(LISTS), horizontal=True, key="rc_list", format_func=ui.labeller(LISTS.get)
    )
    ui.audit_once(scope, "view_list", list=f"学籍核查·{LISTS[which]}", masked=scope.mask)
    if which in ("unaccounted", "all"):
        rows = classified[classified["category"] == "unaccounted"] if which == "unaccounted" else classified
        shown = view.display(rows, mask=scope.mask)
    else:
        rows = {
            "transfer": checked["transfers"],
            "double": checked["double"],
            "elsewhere": checked["elsewhere"],
            "problem": checked["problems"],
        }[which]
        shown = rc.display(rows, which, mask=scope.mask)
    st.caption(
        ui.tr("rc_rows").format(n=f"{len(shown):,}")
        + (" · " + ui.tr("rc_action").format(action=ui.tr(rc.ACTIONS[which])) if which in rc.ACTIONS else "")
    )
    if len(shown) > view.MAX_ROWS:
        st.caption(ui.tr("rc_first_rows").format(n=f"{view.MAX_ROWS:,}"))
    if len(shown):
        ui.table(shown.head(view.MAX_ROWS), height=min(35 * len(shown) + 38, 420))
        ui.named_download_buttons(shown, name=f"学籍核查_{LISTS[which]}", scope=scope, key=f"rc_dl_{which}")
    _steps(which, rows, checked, scope, done)


def _steps(
    which: str,
    rows: pd.DataFrame,
    checked: dict[str, pd.DataFrame],
    scope: Scope,
    done: Callable[[str], None],
) -> None:
    """The steps taken from a list: a case for an unaccounted child, a transfer confirmed, a
    check of studying elsewhere recorded, a case for an overdue transfer."""
    writable = dropout_cases.may_write(scope)
    if which == "unaccounted" and len(rows := rows[rows["open_case"].isna()]):
        st.markdown(f"**{ui.tr('rc_open_case')}**")
        labels = view.child_labels(rows, mask=scope.mask)
        c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
        pick = c1.selectbox(ui.tr("rc_child"), list(labels), format_func=labels.get, key="rc_case_pick")
        reason = c2.selectbox(
            ui.tr("rc_first_reason"), list(schema.REASONS), index=len(schema.REASONS) - 1, key="rc_reason"
        )
        if c3.button(ui.tr("rc_open_case"), key="rc_case_go", type="primary", disabled=not writable):
            try:
                case_id = roster.open_case(scope, pick, reason=reason)
                done(ui.tr("rc_case_opened").format(case=case_id))
            except AppError as exc:
                st.error(str(exc))
    transfers = checked["transfers"]
    if (
        which == "transfer"
        and (pending := transfers[transfers["state"].isin(["待确认", "逾期未确认"])]).shape[0]
    ):
        with st.form("rc_tr_confirm"):
            c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
            tid = c1.selectbox(ui.tr("rc_transfer"), pending["transfer_id"].tolist(), key="rc_tr_id")
            on = c2.date_input(
                ui.tr("对方确认日期"), value=scope.as_of, max_value=scope.as_of, key="rc_tr_on"
            )
            if c3.form_submit_button(
                ui.tr("rc_confirmed"), disabled=not permissions.can(scope, "correct_records")
            ):
                try:
                    actions.confirm_transfer(scope, tid, on=on)
                    done(ui.tr("rc_transfer_done").format(id=tid))
                except AppError as exc:
                    st.error(str(exc))
    if which == "elsewhere" and len(checked["elsewhere"]):
        with st.form("rc_ew_check"):
            labels = view.elsewhere_labels(checked["elsewhere"], mask=scope.mask)
            c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
            who = c1.selectbox(ui.tr("rc_child"), list(labels), format_func=labels.get, key="rc_ew_pick")
            on = c2.date_input(
                ui.tr("rc_checked_on"), value=scope.as_of, max_value=scope.as_of, key="rc_ew_on"
            )
            school = st.text_input(ui.tr("rc_new_school"), key="rc_ew_school")
            if c3.form_submit_button(ui.tr("rc_checked"), disabled=not writable):
                try:
                    actions.confirm_elsewhere(scope, who, on=on, school_name=school)
                    done(ui.tr("rc_checked_done"))
                except AppError as exc:
                    st.error(str(exc))
    if which == "transfer" and len(checked["overdue"]):
        st.markdown(f"**{ui.tr('rc_overdue')}**")
        labels = view.transfer_labels(checked["overdue"], mask=scope.mask)
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        pick = c1.selectbox(ui.tr("学生"), list(labels), format_func=labels.get, key="rc_tr_pick")
        if c2.button(ui.tr("rc_open"), key="rc_tr_go", disabled=not writable):
            try:
                case_id = dropout_cases.open_case_for_student(scope, pick, reason="其他", source="花名册核查")
                done(ui.tr("rc_opened").format(case=case_id))
            except AppError as exc:
                st.error(str(exc))
