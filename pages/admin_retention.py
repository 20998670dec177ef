"""数据保留期 (administrators): the report of what will be de-identified or deleted, then the run."""

import streamlit as st

from lib import ui
from lib.core.errors import AppError
from lib.ops import retention

scope = ui.current_scope()
ui.require_page(scope, "retention")
ui.page_header(ui.tr("nav_admin_retention"), scope)
try:
    plan, settings = retention.report(scope)
except AppError as exc:
    st.error(str(exc))
    st.stop()

for kind, text in st.session_state.pop("rt_flash", []):
    (st.success if kind == "ok" else st.error)(text)

conf = settings["retention"]
st.caption(
    ui.tr("rt_rules").format(
        years=conf["leaver_years"],
        statuses=ui.tr("list_sep").join(conf["leaver_status"]),
        audit=conf["audit_years"],
        min=retention.AUDIT_MIN_YEARS,
    )
)
t = plan.totals()
c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.tr("rt_students").format(day=t["leaver_cutoff"]), f"{t['students_deidentified']:,}")
c2.metric(ui.tr("rt_related"), f"{t['dropout_cases_rows'] + t['aid_verification_tasks_rows']:,}")
c3.metric(ui.tr("rt_audit").format(day=t["audit_cutoff"][:10]), f"{t['audit_entries_deleted']:,}")
c4.metric(
    ui.tr("rt_snapshots"),
    f"{plan.snapshot_rows:,}",
    help=ui.tr("rt_snapshots_help"),
)
if not plan.students.empty:
    ui.table(plan.by_school_year())

nothing = plan.students.empty and not plan.audit_entries and not plan.snapshot_rows
if nothing:
    st.success(ui.tr("rt_nothing"))
sure = st.checkbox(ui.tr("rt_confirm"), key="rt_confirm", disabled=nothing)
if st.button(
    ui.tr("rt_run"), type="primary", disabled=nothing or not sure, key="rt_run", icon=":material/auto_delete:"
):
    try:
        done = retention.apply_retention(scope, as_of=scope.as_of, settings=settings)
        st.session_state["rt_flash"] = [
            (
                "ok",
                ui.tr("rt_done").format(
                    n=f"{done.totals()['students_deidentified']:,}", a=f"{done.audit_entries:,}"
                ),
            )
        ]
    except AppError as exc:
        st.session_state["rt_flash"] = [("error", str(exc))]
    st.session_state.pop("rt_confirm", None)
    st.rerun()
ui.note(ui.tr("rt_note"))
