"""重点关注学生: who is at risk, why, and who is doing what about it."""

import streamlit as st

from lib import loaders, ui
from lib.core import fmt
from lib.risk import listing as risk_list
from lib.ui import risk as ui_risk

scope = ui.current_scope()
ui.require_page(scope, "view_named")
data = loaders.load_risk_list(scope)
settings = loaders.load_effective_settings()
opts = ui.memo(risk_list.options, data)  # worked out once per list, not on every click
ui.page_header(ui.tr("nav_risk"), scope, towns=opts["townships"])
ui.refresh_note("risk", scope)  # the previous figures, while a data change is taken in
scope = ui.unmask_control(scope, "重点关注学生")
ui.metric_cards(risk_list.cards(data, settings), per_row=4)

tab_list, tab_student, tab_card, tab_settings = ui.lazy_tabs(
    [ui.tr("risk_tab_list"), ui.tr("risk_tab_student"), ui.tr("risk_tab_card"), ui.tr("risk_tab_settings")],
    key=ui_risk.TABS,
)

# only the open tab runs; the list's filters keep their values while another tab is open
if tab_list.open:
    with tab_list:
        flt = ui_risk.filters(opts, settings)
        view = ui_risk.screen(data, flt, scope)
        table = view.table
        ui.audit_once(scope, "view_list", list="risk", filters=repr(flt), rows=len(table))
        order = ui.tr("rk_by_logistic" if settings["risk"].get("model") == "logistic" else "风险分")
        st.caption(
            ui.tr("rk_list_caption").format(order=order, n=len(table), budget=flt.budget)
            + ui.tr("rk_masked" if scope.mask else "rk_stop")
        )
        ui.coloured_table(
            table,
            view.colours,
            formats={"风险分": "{:.1f}"},
            height=min(36 * (len(table) + 1) + 4, 520),
            column_config={c: st.column_config.Column(width=w) for c, w in risk_list.COLUMN_WIDTHS.items()},
            translate=("年级", "风险等级", "主要原因", "帮扶/台账"),
        )
        ui.note(ui.tr("risk_rule"))
        ui.named_download_buttons(
            view.export,
            name="重点关注学生",
            scope=scope,
            key="rk_dl",
            title=f"重点关注学生(截至{fmt.fmt_date(scope.as_of)})",
        )

if tab_student.open:  # the list as last filtered offers its first students
    with tab_student:
        flt = ui_risk.filters(opts, settings, draw=False)
        ui_risk.student_tab(scope, data, ui_risk.screen(data, flt, scope).shown)

if tab_card.open:
    with tab_card:
        ui_risk.backtest(scope, settings)

if tab_settings.open:
    with tab_settings:
        ui_risk.weights_form(scope, settings)
