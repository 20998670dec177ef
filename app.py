"""The frame: page config, language, scope filters, navigation.  Pages do the rest."""

from pathlib import Path

import streamlit as st

from lib import loaders, store, ui
from lib.i18n import t

st.set_page_config(page_title="控辍保学与学生资助", page_icon=str(Path(__file__).parent / "static" / "favicon.png"), layout="wide")

ui.language_switch()
try:
    with st.spinner(t("building_demo", ui.lang())):
        loaders.ensure_store()
    info = loaders.store_info()
except store.StoreBusy:
    st.error(ui.tr("busy"))
    st.stop()

st.session_state[ui.SCOPE] = ui.sidebar_scope(info, ui.allowed_scope())

# Navigation in meeting order, grouped by duty.  Icons are Material Symbols, which Streamlit
# bundles (emoji need a colour-emoji font an intranet PC may not have).
pages = {
    "": [
        st.Page("pages/overview.py", title=ui.tr("nav_overview"), icon=":material/dashboard:", default=True),
        st.Page("pages/todo.py", title=ui.tr("nav_todo"), icon=":material/checklist:", url_path="todo"),
    ],
    ui.tr("sec_dropout"): [
        st.Page("pages/dropout.py", title=ui.tr("nav_dropout"), icon=":material/monitoring:", url_path="dropout"),
        st.Page("pages/dropout_cases.py", title=ui.tr("nav_dropout_cases"), icon=":material/folder_shared:",
                url_path="dropout_cases"),
        st.Page("pages/dropout_case.py", title=ui.tr("nav_dropout_case"), icon=":material/description:",
                url_path="dropout_case", visibility="hidden"),
        st.Page("pages/dropout_weekly.py", title=ui.tr("nav_dropout_weekly"), icon=":material/event_note:",
                url_path="dropout_weekly"),
        st.Page("pages/dropout_rosters.py", title=ui.tr("nav_dropout_rosters"), icon=":material/diversity_3:",
                url_path="dropout_rosters"),
        st.Page("pages/dropout_contacts.py", title=ui.tr("nav_dropout_contacts"), icon=":material/contact_phone:",
                url_path="dropout_contacts"),
        st.Page("pages/risk.py", title=ui.tr("nav_risk"), icon=":material/crisis_alert:", url_path="risk"),
    ],
    ui.tr("sec_aid"): [
        st.Page("pages/aid.py", title=ui.tr("nav_aid"), icon=":material/payments:", url_path="aid"),
        st.Page("pages/aid_reconcile.py", title=ui.tr("nav_aid_reconcile"), icon=":material/fact_check:",
                url_path="aid_reconcile"),
    ],
    ui.tr("sec_layout"): [
        st.Page("pages/layout.py", title=ui.tr("nav_layout"), icon=":material/school:", url_path="layout"),
        st.Page("pages/planning.py", title=ui.tr("nav_planning"), icon=":material/architecture:",
                url_path="planning"),
    ],
    ui.tr("sec_data"): [
        st.Page("pages/data_import.py", title=ui.tr("nav_import"), icon=":material/upload_file:",
                url_path="data_import"),
        st.Page("pages/explore.py", title=ui.tr("nav_explore"), icon=":material/query_stats:", url_path="explore"),
    ],
}
# 系统管理 (administration): pages are appended here, one line each.
pages[ui.tr("sec_admin")] = []
pages = {section: entries for section, entries in pages.items() if entries}  # a role may leave a section empty
nav = st.navigation(pages)
ui.demo_banner(info["demo"])
nav.run()
