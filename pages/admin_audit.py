"""审计日志 (administrators): who did what, when, in which scope; filter and export."""

import streamlit as st

from lib import ui
from lib.access import audit_view
from lib.core.errors import AppError

scope = ui.current_scope()
ui.require_page(scope, "view_audit")
ui.page_header(ui.tr("nav_admin_audit"), scope)
try:
    users, actions = audit_view.filter_choices(scope)
except AppError as exc:
    st.error(str(exc))
    st.stop()

c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
start = c1.date_input(ui.tr("audit_from"), value=None, key="audit_from", format="YYYY-MM-DD")
end = c2.date_input(ui.tr("audit_to"), value=None, key="audit_to", format="YYYY-MM-DD")
who = c3.multiselect(ui.tr("audit_users"), users, key="audit_users", placeholder=ui.tr("all"))
what = c4.multiselect(
    ui.tr("audit_actions"),
    actions,
    key="audit_actions",
    placeholder=ui.tr("all"),
    format_func=ui.labeller(lambda a: audit_view.ACTION_LABELS.get(a, a)),
)

limit = 5000
entries = audit_view.load_entries(scope, start=start, end=end, users=who, actions=what, limit=limit)
table = audit_view.audit_table(entries, lang=ui.lang())
st.caption(f"{len(table):,} {ui.tr('audit_count').format(n=f'{limit:,}')}")
ui.table(table, height=520)
ui.download_buttons(table, name="审计日志", scope=scope, key="audit_export")
with st.expander(ui.tr("audit_search_for")):
    typed = st.text_input(ui.tr("audit_search_for"), key="audit_search_for", label_visibility="collapsed")
    if typed.strip():
        found = audit_view.searches_for(scope, typed)
        st.caption(ui.tr("audit_search_hits").format(n=len(found)))
        ui.table(found, hide_index=True, width="stretch")
ui.note(ui.tr("audit_note"))
