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
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(
    ui.tr("rt_students_short"),
    f"{t['students_deidentified']:,}",
    help=ui.tr("rt_students").format(day=t["leaver_cutoff"]),
)
c2.metric(ui.tr("rt_recipients_short"), f"{t['recipients_deidentified']:,}", help=ui.tr("rt_recipients"))
c3.metric(ui.tr("rt_related"), f"{sum(plan.related.values()):,}")
c4.metric(
    ui.tr("rt_audit_short"),
    f"{t['audit_entries_deleted']:,}",
    help=ui.tr("rt_audit").format(day=t["audit_cutoff"][:10]),
)
c5.metric(
    ui.tr("rt_snapshots"),
    f"{plan.snapshot_rows + plan.snapshot_scrubbed:,}",
    help=ui.tr("rt_snapshots_help"),
)
if not plan.students.empty:
    ui.table(plan.by_school_year())
with st.expander(ui.tr("rt_by_table"), expanded=not plan.empty):
    ui.table(
        plan.by_table(),
        height=35 * (len(retention.TARGETS) + 1) + 3,
        column_config={"置空的字段": st.column_config.TextColumn(width="large")},
    )

nothing = plan.empty
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
                    n=f"{len(done.students):,}",
                    r=f"{len(done.recipients):,}",
                    rows=f"{sum(done.tables.values()):,}",
                    a=f"{done.audit_entries:,}",
                ),
            )
        ]
    except AppError as exc:
        st.session_state["rt_flash"] = [("error", str(exc))]
    st.session_state.pop("rt_confirm", None)
    st.rerun()
ui.note(ui.tr("rt_note"))
