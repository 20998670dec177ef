"""重点关注学生: who is at risk, why, and who is doing what about it."""

import streamlit as st

from lib import loaders, ui
from lib.core import fmt, schema
from lib.core.errors import AppError
from lib.dropout import rosters as dropout_rosters
from lib.risk import listing as risk_list
from lib.risk import score as risk
from lib.ui import risk as ui_risk

scope = ui.current_scope()
ui.require_page(scope, "view_named")
data = loaders.load_risk_list(scope)
settings = loaders.load_effective_settings()
opts = risk_list.options(data)
ui.page_header(ui.tr("nav_risk"), scope, towns=opts["townships"])
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
    with st.form("rk_search_form"):
        query = st.text_input(
            ui.tr("risk_search"), key="rk_query", help=ui.tr("risk_search_masked") if scope.mask else None
        )
        searched = st.form_submit_button(ui.tr("rk_find"))
    if searched and query.strip():
        try:
            st.session_state["rk_hits"] = risk_list.find_students(scope, query).to_dict("records")
            if st.session_state["rk_hits"]:  # open the first hit, not the student shown before
                st.session_state["rk_sid"] = st.session_state["rk_hits"][0]["student_id"]
        except AppError as exc:  # too many searches: refused and recorded
            st.error(str(exc))
    hits = st.session_state.get("rk_hits") or []
    choices = risk_list.student_choices(hits, shown)
    sid = st.selectbox(ui.tr("rk_student"), list(choices), format_func=choices.get, key="rk_sid")
    prof = risk_list.student_profile(scope, sid) if sid else None
    if prof:
        for line in risk_list.profile_heading(prof, data, lang=ui.lang()):
            st.markdown(line)
        st.plotly_chart(
            ui.figure(
                risk_list.plot_absences(
                    prof["absences"], title=ui.tr("rk_absences").format(day=ui.fmt_date(scope.as_of))
                )
            ),
            width="stretch",
            config={"displayModeBar": False},
        )
        a, b = st.columns(2)
        for col, title, key in (
            (a, "资助记录", "aid"),
            (b, "控辍保学台账", "cases"),
            (b, "劝返记录", "actions"),
            (a, "帮扶措施", "interventions"),
        ):
            col.caption(ui.tr(title))
            ui.table(prof[key], where=col, height=min(36 * (max(len(prof[key]), 1) + 1) + 4, 200))
        with st.form("rk_assign", clear_on_submit=False):
            k1, k2 = st.columns(2)
            kind = k1.selectbox(ui.tr("rk_assign"), list(schema.INTERVENTION_KINDS), key="rk_kind")
            teacher = k2.text_input(ui.tr("rk_teacher"), key="rk_teacher")
            note = st.text_input(ui.tr("说明"), key="rk_note")
            if st.form_submit_button(ui.tr("rk_save_assign"), type="primary"):
                try:
                    iid = dropout_rosters.assign_intervention(
                        scope, sid, kind=kind, teacher=teacher, note=note
                    )
                    st.success(ui.tr("rk_assigned").format(id=iid))
                except AppError as exc:
                    st.error(str(exc))

with tab_card:
    ui.note(ui.tr("risk_backtest_note"))
    # the back-test scores every past term: run on request (then cached), not on every visit
    if st.toggle(ui.tr("rk_bt_toggle"), key="rk_bt"):
        ui_risk.model_card(loaders.load_risk_backtest(scope), settings)

with tab_settings:
    ui_risk.weights_form(scope, settings)
