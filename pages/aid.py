"""学生资助: coverage and its gaps, payments and funds, approvals, social aid."""

from lib import loaders, ui
from lib.aid import view
from lib.ui import aid as ui_aid

scope = ui.current_scope()
ui.require_page(scope, "view_named")
r = loaders.load_aid_report(scope)
ui.page_header(ui.tr("nav_aid"), scope, towns=r.towns)
ui.refresh_note("aid", scope)
scope = ui.unmask_control(scope, "学生资助名单")
ui.metric_cards(view.cards(r, lang=ui.lang()), per_row=3)  # six cards: two rows, labels whole
ui.note(ui.tr("aid_scope_rule"))
tabs = ui.lazy_tabs(
    [ui.tr(k) for k in ("aid_tab_coverage", "aid_tab_payments", "aid_tab_approvals", "aid_tab_social")],
    key=ui_aid.TABS,
)
for tab, draw in zip(
    tabs, (ui_aid.coverage_tab, ui_aid.payments_tab, ui_aid.approvals_tab, ui_aid.social_tab), strict=True
):
    if tab.open:  # only the open tab runs
        with tab:
            draw(r, scope)
