"""学生资助: coverage and its gaps, payments and funds, approvals, social aid."""

import streamlit as st

from lib import loaders, ui
from lib.aid import view
from lib.ui import aid as ui_aid

scope = ui.current_scope()
ui.require_page(scope, "view_named")
r = loaders.load_aid_report(scope)
ui.page_header(ui.tr("nav_aid"), scope, towns=r.towns)
ui.refresh_note("aid", scope)
scope = ui.unmask_control(scope, "学生资助名单")
ui.metric_cards(view.cards(r, lang=ui.lang()), per_row=6)
ui.note(ui.tr("aid_scope_rule"))
cov, pay, appr, social = st.tabs(
    [
        ui.tr("aid_tab_coverage"),
        ui.tr("aid_tab_payments"),
        ui.tr("aid_tab_approvals"),
        ui.tr("aid_tab_social"),
    ]
)
with cov:
    ui_aid.coverage_tab(r, scope)
with pay:
    ui_aid.payments_tab(r, scope)
with appr:
    ui_aid.approvals_tab(r, scope)
with social:
    ui_aid.social_tab(r, scope)
