"""更正记录: correct one school, village population figure, student or aid record without a
re-import (the import's rules, the user's Scope, the audit log with old and new values)."""

import streamlit as st

from lib import ui
from lib.core import permissions
from lib.core.errors import AppError
from lib.ingest import corrections
from lib.ui import ops as ui_ops

scope = ui.current_scope()
ui.require_page(scope, "correct_records")
ui.page_header(ui.tr("nav_corrections"), scope)

table = (
    st.segmented_control(
        ui.tr("cr_kind"),
        list(corrections.RECORD_LABELS),
        default="schools",
        format_func=ui.labeller(corrections.RECORD_LABELS.get),
        key="cr_table",
    )
    or "schools"
)
if table == "students":
    scope = ui.unmask_control(scope, "更正学生记录")
masked = permissions.masked(scope)
text = st.text_input(ui.tr("cr_search"), key=f"cr_search_{table}", placeholder=ui.tr(f"cr_hint_{table}"))
found = corrections.lookup(scope, table, text)
if table in ("students", "aid_records"):
    ui.audit_once(scope, "view_list", list="更正记录", table=table, search=text)
if found.empty:
    st.info(ui.tr("cr_none"))
    st.stop()
pick = st.selectbox(
    ui.tr("cr_pick"),
    range(len(found)),
    key=f"cr_pick_{table}",
    format_func=lambda i: corrections.describe_row(found.iloc[i], table),
)
key = corrections.key_of(found.iloc[pick], table)
form_key = "cr_" + table + "_" + "_".join(str(v) for v in key.values())
# the record as the form first showed it: the save writes only what the user changed against it,
# and only if nobody else changed those fields meanwhile (no lost update)
bases = st.session_state.setdefault("cr_bases", {})
if form_key not in bases:
    bases[form_key] = corrections.load_record(scope, table, key)
record = bases[form_key]

with st.form(form_key):
    values = ui_ops.record_form_fields(table, record, masked=masked, key=form_key)
    reason = st.text_input(ui.tr("cr_reason"), key=form_key + "_reason", max_chars=200)
    c1, c2, c3, _ = st.columns([1, 1, 1, 3])
    check = c1.form_submit_button(ui.tr("cr_check"), icon=":material/rule:")
    save = c2.form_submit_button(ui.tr("cr_save"), type="primary", icon=":material/save:")
    reload = c3.form_submit_button(ui.tr("cr_reload"), icon=":material/refresh:")

if reload:  # drop what was typed and show the record as it is now
    bases.pop(form_key, None)
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(form_key + "_")]:
        del st.session_state[k]
    st.rerun()
if check or save:
    try:
        if save:
            fix = corrections.apply_correction(scope, table, key, values, reason=reason, base=record)
            if fix.changes:
                bases.pop(form_key, None)  # the next form starts from the saved record
                st.success(ui.tr("cr_saved").format(n=len(fix.changes)))
            else:
                st.info(ui.tr("cr_nothing"))
        else:
            fix = corrections.preview(scope, table, key, values)
            for p in fix.errors:
                st.error(p.message)
            if fix.ok:
                st.success(ui.tr("cr_valid") if fix.changes else ui.tr("cr_nothing"))
        if fix.changes:
            ui.table(fix.changes_frame(masked=masked))
        for p in fix.notes:
            st.warning(ui.tr("cr_existing") + p.message)
    except corrections.CorrectionConflict as exc:
        st.error(str(exc))
        ui.table(exc.frame(), hide_index=True, width="stretch")
    except AppError as exc:
        st.error(str(exc))
ui.note(ui.tr("cr_note"))
