"""The frame: page config, language, scope filters, navigation.  Pages do the rest."""

from pathlib import Path

import streamlit as st

from lib import loaders, ui
from lib.core import permissions, secure, store
from lib.ui import frame as ui_frame
from lib.ui import golive as ui_golive
from lib.ui import login as ui_login
from lib.ui import ops as ui_ops
from lib.ui import present as ui_present

st.set_page_config(
    page_title=ui.tr("page_title"),  # the language of the last run (zh at first)
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
)

secure.owner_only_umask()  # the store, its log and backups this process writes: owner only
ui.language_switch()
ui_frame.localise_widget_defaults()  # Chinese placeholders where a page gives none
ui_frame.apply_frame_css()  # Streamlit's own English texts (file uploader ...) in Chinese
ui_ops.maintenance_gate()  # while a backup is being restored, say so and stop
# one database instance for the whole run: each cache miss connects at no start-up cost
with store.held():  # (lib.core.store.held; closed when the run ends, stopped or rerun)
    try:
        if not loaders.store_ready():
            ui_frame.first_start_page(loaders.ensure_store)  # 正在生成演示数据, with a progress bar
        info = loaders.store_info()
    except store.StoreBusy:
        st.error(ui.tr("busy"))
        st.stop()

    ui_login.login_gate(info)  # the login form (and st.stop) unless logged in; sets the allowed Scope
    ui_present.from_url()  # ?present=1 turns on the meeting view (read before the URL is rewritten)
    st.session_state[ui.SCOPE] = ui.sidebar_scope(info, ui.allowed_scope())

    # A bureau's new store opens on 上线检查 until its required data is in; the demo on the overview.
    golive_first = not info["demo"] and not loaders.load_golive_status().live
    overview_page = st.Page(
        "pages/overview.py",
        title=ui.tr("nav_overview"),
        icon=":material/dashboard:",
        default=not golive_first,
    )
    golive_page = st.Page(
        "pages/golive.py",
        title=ui.tr("nav_golive"),
        icon=":material/rule:",
        url_path="golive",
        default=golive_first,
    )
    # Navigation in meeting order, grouped by duty.  Icons are Material Symbols, which Streamlit
    # bundles (emoji need a colour-emoji font an intranet PC may not have).
    pages = {
        "": [
            overview_page,
            st.Page(
                "pages/present.py",
                title=ui.tr("nav_present"),
                icon=":material/co_present:",
                url_path="present",
            ),  # 汇报模式
            st.Page("pages/todo.py", title=ui.tr("nav_todo"), icon=":material/checklist:", url_path="todo"),
            st.Page(
                "pages/account.py",
                title=ui.tr("nav_account"),
                icon=":material/account_circle:",
                url_path="account",
            ),
        ],
        ui.tr("sec_dropout"): [
            st.Page(
                "pages/dropout.py",
                title=ui.tr("nav_dropout"),
                icon=":material/monitoring:",
                url_path="dropout",
            ),
            st.Page(
                "pages/dropout_cases.py",
                title=ui.tr("nav_dropout_cases"),
                icon=":material/folder_shared:",
                url_path="dropout_cases",
            ),
            st.Page(
                "pages/dropout_case.py",
                title=ui.tr("nav_dropout_case"),
                icon=":material/description:",
                url_path="dropout_case",
                visibility="hidden",
            ),
            st.Page(
                "pages/dropout_forms.py",
                title=ui.tr("do_forms"),
                icon=":material/assignment:",
                url_path="dropout_forms",
            ),
            st.Page(
                "pages/dropout_weekly.py",
                title=ui.tr("nav_dropout_weekly"),
                icon=":material/event_note:",
                url_path="dropout_weekly",
            ),
            st.Page(
                "pages/dropout_rosters.py",
                title=ui.tr("nav_dropout_rosters"),
                icon=":material/diversity_3:",
                url_path="dropout_rosters",
            ),
            st.Page(
                "pages/dropout_contacts.py",
                title=ui.tr("nav_dropout_contacts"),
                icon=":material/contact_phone:",
                url_path="dropout_contacts",
            ),
            # 学籍核查
            st.Page(
                "pages/roster_check.py",
                title=ui.tr("nav_roster_check"),
                icon=":material/how_to_reg:",
                url_path="roster_check",
            ),
            st.Page(
                "pages/transition.py",
                title=ui.tr("nav_transition"),
                icon=":material/move_up:",
                url_path="transition",
            ),  # 小升初衔接
            st.Page(
                "pages/risk.py", title=ui.tr("nav_risk"), icon=":material/crisis_alert:", url_path="risk"
            ),
        ],
        ui.tr("sec_aid"): [
            st.Page("pages/aid.py", title=ui.tr("nav_aid"), icon=":material/payments:", url_path="aid"),
            st.Page(
                "pages/aid_reconcile.py",
                title=ui.tr("nav_aid_reconcile"),
                icon=":material/fact_check:",
                url_path="aid_reconcile",
            ),
        ],
        ui.tr("sec_layout"): [
            st.Page(
                "pages/layout.py", title=ui.tr("nav_layout"), icon=":material/school:", url_path="layout"
            ),
            st.Page(
                "pages/planning.py",
                title=ui.tr("nav_planning"),
                icon=":material/architecture:",
                url_path="planning",
            ),
        ],
        ui.tr("sec_data"): [
            golive_page,  # 上线检查
            st.Page(
                "pages/data_import.py",
                title=ui.tr("nav_import"),
                icon=":material/upload_file:",
                url_path="data_import",
            ),
            st.Page(
                "pages/explore.py",
                title=ui.tr("nav_explore"),
                icon=":material/query_stats:",
                url_path="explore",
            ),
            st.Page(
                "pages/corrections.py",
                title=ui.tr("nav_corrections"),
                icon=":material/edit_note:",
                url_path="corrections",
            ),  # 更正记录
        ],
        ui.tr("sec_admin"): [
            st.Page(
                "pages/admin_accounts.py",
                title=ui.tr("nav_admin_accounts"),
                icon=":material/manage_accounts:",
                url_path="admin_accounts",
            ),
            st.Page(
                "pages/admin_audit.py",
                title=ui.tr("nav_admin_audit"),
                icon=":material/policy:",
                url_path="admin_audit",
            ),
            st.Page(
                "pages/admin_settings.py",
                title=ui.tr("nav_admin_settings"),
                icon=":material/tune:",
                url_path="admin_settings",
            ),
            st.Page(
                "pages/admin_backup.py",
                title=ui.tr("nav_admin_backup"),
                icon=":material/backup:",
                url_path="admin_backup",
            ),
            st.Page(
                "pages/admin_rollover.py",
                title=ui.tr("nav_admin_rollover"),
                icon=":material/upgrade:",
                url_path="admin_rollover",
            ),
            st.Page(
                "pages/admin_retention.py",
                title=ui.tr("nav_admin_retention"),
                icon=":material/auto_delete:",
                url_path="admin_retention",
            ),
            st.Page(
                "pages/admin_health.py",
                title=ui.tr("nav_admin_health"),
                icon=":material/monitor_heart:",
                url_path="admin_health",
            ),
        ],
    }
    ui_ops.scheduled_backup()  # a signed-in run takes a due scheduled backup (docs/operations.md)
    # a role sees only the pages it may use (lib.core.permissions.PAGE_ACTIONS; each page checks again)
    pages = {
        section: [p for p in entries if permissions.visible(st.session_state[ui.SCOPE], p.url_path)]
        for section, entries in pages.items()
    }
    if not any(pages.values()):
        st.error(
            ui.tr("ui_no_pages").format(
                roles=permissions.describe_roles(st.session_state[ui.SCOPE], lang=ui.lang())
            )
        )
        st.stop()
    pages = {
        section: entries for section, entries in pages.items() if entries
    }  # a role may leave a section empty
    nav = st.navigation(pages, expanded=True)  # every page listed, no "View N more"
    ui_present.redirect(nav, st.session_state[ui.SCOPE])  # in the meeting view every page is it
    ui.demo_banner(info["demo"])
    # a page without its data says so in words (and does not run); every page says how fresh its data is
    ui_golive.data_gate(
        "" if nav is overview_page else "golive" if nav is golive_page else nav.url_path, nav.title
    )
    with ui_frame.waiting(ui.tr("computing_page").format(page=nav.title)):  # never a silent wait
        nav.run()
