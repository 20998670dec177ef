"""重点关注学生: who is at risk, why, and who is doing what about it."""

import streamlit as st

from lib import loaders, ui
from lib.core import fmt
from lib.risk import listing as risk_list
from lib.risk import score as risk
from lib.ui import risk as ui_risk

scope = ui.current_scope()
ui.require_page(scope, "view_named")
data = loaders.load_risk_list(scope)
settings = loaders.load_effective_settings()
opts = risk_list.options(data)
ui.page_header(ui.tr("nav_risk"), scope, towns=opts["townships"])
ui.refresh_note("risk", scope)  # the previous figures, while a data change is taken in
scope = ui.unmask_control(scope, "重点关注学生")
ui.metric_cards(risk_list.cards(data, settings), per_row=4)

tab_list, tab_student, tab_card, tab_settings = st.tabs(
    [ui.tr("risk_tab_list"), ui.tr("risk_tab_student"), ui.tr("risk_tab_card"), ui.tr("risk_tab_settings")]
)

with tab_list:
    c1, c2, c3, c4 = st.columns(4)
    towns = c1.multiselect(
        ui.tr("乡镇"),
        list(opts["townships"]),
        format_func=opts["townships"].get,
        placeholder=ui.tr("all"),
        key="rk_towns",
    )
    schools = c2.multiselect(
        ui.tr("学校"),
        list(opts["schools"]),
        format_func=opts["schools"].get,
        placeholder=ui.tr("all"),
        key="rk_schools",
    )
    grades = c3.multiselect(
        ui.tr("年级"),
        list(opts["grades"]),
        format_func=ui.labeller(opts["grades"].get),
        placeholder=ui.tr("all"),
        key="rk_grades",
    )
    bands = c4.multiselect(
        ui.tr("风险等级"), list(risk.BANDS), default=["高", "中"], key="rk_bands", format_func=ui.labeller()
    )
    c5, c6, c7, c8 = st.columns([2, 1, 1, 2])
    factors = c5.multiselect(
        ui.tr("rk_factors"),
        list(risk.FACTORS.values()),
        placeholder=ui.tr("all"),
        key="rk_factors",
        format_func=ui.labeller(),
    )
    open_case = c6.checkbox(ui.tr("有在办台账"), key="rk_open")
    aid_gap = c7.checkbox(ui.tr("rk_aid_gap"), key="rk_gap")
    budget = c8.number_input(
        ui.tr("risk_budget"),
        min_value=1,
        max_value=5000,
        value=int(settings["risk"]["budget_default"]),
        step=10,
        key="rk_budget",
    )
    flt = risk_list.Filters(
        townships=tuple(towns),
        schools=tuple(schools),
        grades=tuple(grades),
        bands=tuple(bands),
        factors=tuple(factors),
        open_case=open_case,
        aid_gap=aid_gap,
        budget=int(budget),
    )
    shown = risk_list.filter_list(data, flt)
    table = risk_list.display_frame(shown, mask=scope.mask, compact=True)
    ui.audit_once(scope, "view_list", list="risk", filters=repr(flt), rows=len(table))
    order = ui.tr("rk_by_logistic" if settings["risk"].get("model") == "logistic" else "风险分")
    st.caption(
        ui.tr("rk_list_caption").format(order=order, n=len(table), budget=int(budget))
        + ui.tr("rk_masked" if scope.mask else "rk_stop")
    )
    ui.coloured_table(
        table,
        risk_list.band_colours(table),
        formats={"风险分": "{:.1f}"},
        height=min(36 * (len(table) + 1) + 4, 520),
        column_config={c: st.column_config.Column(width=w) for c, w in risk_list.COLUMN_WIDTHS.items()},
        translate=("年级", "风险等级", "主要原因", "帮扶/台账"),
    )
    ui.note(ui.tr("risk_rule"))
    ui.named_download_buttons(
        risk_list.display_frame(shown, mask=scope.mask),
        name="重点关注学生",
        scope=scope,
        key="rk_dl",
        title=f"重点关注学生(截至{fmt.fmt_date(scope.as_of)})",
    )

with tab_student:
    ui_risk.student_tab(scope, data, shown)

with tab_card:
    ui_risk.backtest(scope, settings)

with tab_settings:
    ui_risk.weights_form(scope, settings)
