"""精准识别: reconcile an outside list against the students; verification tasks (入户核实)."""

import streamlit as st

from lib import loaders, ui
from lib.aid import tasks as aid_tasks
from lib.aid import view
from lib.core import permissions, schema
from lib.core.errors import AppError
from lib.ui import reconcile as ui_reconcile

scope = ui.current_scope()
ui.require_page(scope, "view_named")
info = loaders.store_info()
ui.page_header(
    ui.tr("nav_aid_reconcile"),
    scope,
    towns=dict(zip(info["townships"].code, info["townships"].name, strict=True)),
)
if msg := st.session_state.pop("rec_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "精准识别")

c1, c2 = st.columns([1, 2])
kind = c1.selectbox(
    ui.tr("rec_kind"),
    list(schema.REGISTRY_KINDS),
    format_func=ui.labeller(schema.REGISTRY_KINDS.get),
    key="rec_kind",
)
upload = c2.file_uploader(
    ui.tr("rec_upload"), type=["csv", "xlsx"], key="rec_file", max_upload_size=ui.upload_limit_mb()
)
if info["demo"] and permissions.can(scope, "unmask") and scope.townships is None and scope.schools is None:
    s1, s2, _ = st.columns([1, 1, 3])  # the demo list is county-wide with full IDs: county users only
    if s1.button(ui.tr("rec_sample"), key="rec_sample"):
        st.session_state["rec_use_sample"] = True
    if not scope.mask:  # the file itself: only once unmasked (with a reason)
        s2.download_button(
            ui.tr("rec_sample_download"),
            loaders.sample_registry_csv(kind, scope.as_of),
            file_name=ui.tr("rec_demo_file").format(kind=kind),
            mime="text/csv",
            key="rec_sample_dl",
        )
if upload is not None:
    data, filename = ui.uploaded(upload) or (None, None)  # the upload gate: size, rows, zip bombs
elif st.session_state.get("rec_use_sample") and permissions.can(scope, "unmask") and scope.townships is None:
    data, filename = loaders.sample_registry_csv(kind, scope.as_of), ui.tr("rec_demo_file").format(kind=kind)
else:
    data, filename = None, None

if data is not None:
    ui_reconcile.start(scope, data, filename, kind)  # a background job: the page may be left
elif ui_reconcile.latest(scope) is None:
    ui.note(ui.tr("rec_help"))
ui_reconcile.result(scope)

st.subheader(ui.tr("rec_tasks"))
tasks = loaders.load_aid_tasks(scope)
if tasks.empty:
    ui.note(ui.tr("rec_no_tasks"))
else:
    table = view.task_table(tasks, mask=scope.mask, as_of=scope.as_of)
    ui.audit_once(scope, "view_list", list="aid_tasks", n=len(tasks))
    ui.table(table, height=260)
    with st.form("rec_close_task"):
        labels = view.task_labels(table, lang=ui.lang())
        task_id = st.selectbox(ui.tr("rec_task"), list(labels), format_func=labels.get)
        outcome = st.text_input(ui.tr("rec_outcome"), key="rec_outcome")
        status = st.radio(
            ui.tr("rec_task_status"), ["已核实", "无需处理"], horizontal=True, format_func=ui.labeller()
        )
        if st.form_submit_button(ui.tr("rec_close")):
            try:
                aid_tasks.close_task(
                    scope,
                    task_id,
                    result=outcome,
                    status=status,
                    expected_version=view.task_version(tasks, task_id),
                )
            except AppError as exc:
                st.error(str(exc))
            else:
                st.session_state["rec_flash"] = ui.tr("rec_task_closed").format(id=task_id)
                del st.session_state["rec_outcome"]
                st.rerun()
