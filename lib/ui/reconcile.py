"""精准识别's widgets: an uploaded list reconciled as a background job, and its result (cards,
the category lists, the downloads, a case for a child not enrolled, verification tasks)."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

import streamlit as st

from lib import loaders, ui
from lib.aid import reconcile, reconcile_run, view
from lib.aid import tasks as aid_tasks
from lib.core import schema
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.ui import jobs as ui_jobs

#: The job kind of a list's reconciliation.
KIND = "reconcile"


def start(scope: Scope, data: bytes, filename: str, kind: str) -> None:
    """Reconcile ``data`` as a background job, unless the newest job reconciles this very list
    as this kind."""
    digest = hashlib.sha256(data + kind.encode()).hexdigest()[:16]
    job = ui_jobs.latest(KIND, scope)
    if job is not None and job.params.get("sha") == digest:
        return
    params = {"file": filename, "kind": kind, "bytes": len(data), "sha": digest}
    ui_jobs.start(KIND, scope, partial(reconcile_run.run, data, filename, kind, scope), params)


def latest(scope: Scope) -> Any:
    """The user's newest reconciliation job in this Scope (a :class:`lib.ops.jobs.Job`), or None."""
    return ui_jobs.latest(KIND, scope)


def result(scope: Scope) -> None:
    """The newest reconciliation: its progress, else its result (or its error)."""
    ui_jobs.panel(KIND, scope, partial(_show, scope), key="rec_job")


def _show(scope: Scope, result: reconcile.ReconcileResult, job: Any) -> None:
    filename, kind = job.params.get("file", ""), job.params.get("kind", result.kind)
    st.caption(
        f"{filename} · {ui.tr(schema.REGISTRY_KINDS[kind])} · {ui.tr('rc_rows').format(n=f'{len(result.rows):,}')}"
    )
    ui.metric_cards(view.reconcile_cards(result, lang=ui.lang()), per_row=7)
    counts = result.counts
    category = st.radio(
        ui.tr("rec_category"),
        list(view.REC_ORDER),
        horizontal=True,
        key="rec_category",
        format_func={c: f"{ui.tr(reconcile.CATEGORIES[c])} {counts[c]}" for c in view.REC_ORDER}.get,
    )
    rows = result.category(category)
    shown = reconcile.display_frame(rows, mask=scope.mask)
    ui.audit_once(scope, "view_list", list="reconcile", kind=kind, category=category, file=filename)
    ui.table(shown, height=min(35 * (len(shown) + 1) + 3, 320))
    ui.named_download_buttons(
        reconcile.display_frame(result.rows, mask=scope.mask),
        name="精准识别比对结果",
        scope=scope,
        key="rec_dl",
        sheets=reconcile.workbook_sheets(result, mask=scope.mask),
    )
    if category == "not_enrolled" and len(rows):
        st.markdown(f"**{ui.tr('rec_case_offer')}**")
        k1, k2, k3 = st.columns(3)
        labels = view.row_labels(shown, lang=ui.lang())
        pick = k1.selectbox(ui.tr("rec_case_row"), list(labels), format_func=labels.get, key="rec_case_pick")
        row = rows[rows["row"] == pick].iloc[0]
        villages = reconcile.village_choices(loaders.load_villages(scope), row)
        village = k2.selectbox(
            ui.tr("rec_case_village"),
            list(villages),
            format_func=villages.get,
            key=f"rec_case_village_{pick}",
        )
        reason = k3.selectbox(ui.tr("rec_case_reason"), list(schema.REASONS), key="rec_case_reason")
        if st.button(ui.tr("rec_open_case"), key="rec_open_case", type="primary"):
            try:
                case_id = reconcile.open_case_for_row(scope, row, village_code=village, reason=reason)
            except AppError as exc:
                st.error(str(exc))
            else:
                st.session_state["rec_flash"] = ui.tr("rec_case_opened").format(case=case_id, row=pick)
                st.rerun()
    if st.button(ui.tr("rec_tasks_button"), key="rec_make_tasks"):
        made = aid_tasks.record_tasks(scope, aid_tasks.tasks_from_result(result, scope, source_file=filename))
        st.session_state["rec_flash"] = ui.tr("rec_tasks_made").format(n=made)
        st.rerun()
