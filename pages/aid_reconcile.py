"""精准识别: reconcile an outside list against the students; verification tasks (入户核实)."""

import streamlit as st

from lib import loaders, ui
from lib.aid import reconcile, view
from lib.aid import tasks as aid_tasks
from lib.core import permissions, schema
from lib.core.errors import AppError

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

result = None
if data is None:
    ui.note(ui.tr("rec_help"))
else:
    try:
        result = loaders.run_reconcile(scope, data, filename, kind)
    except AppError as exc:
        st.error(str(exc))
if result is not None:
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
