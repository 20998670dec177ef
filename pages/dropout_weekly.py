"""每周填报: the week's dropout report for the Scope, as .xlsx and CSV (the CLI writes the same)."""

import streamlit as st

from lib import loaders, ui
from lib.core import fmt
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import rules as dropout
from lib.dropout import weekly as weekly_report

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
ui.page_header(ui.tr("nav_dropout_weekly"), scope)
if msg := st.session_state.pop("do_weekly_flash", None):
    st.success(msg)

start = loaders.load_dropout_monitoring(scope).notes["term_start"]
weeks = weekly_report.term_weeks(scope.as_of, start)
c1, c2 = st.columns([1, 2])
week = c1.selectbox(ui.tr("do_week"), weeks, key="do_week", format_func=ui.labeller(dropout.week_label))
with c2:
    scope = ui.unmask_control(scope, "每周填报")
unmask = not scope.mask
report = loaders.load_weekly_report(scope, week, unmask=unmask)
ui.audit_once(scope, "view_list", list="每周填报", week=week, masked=not unmask)

st.markdown(f"**{ui.tr(report.title)}**")
total = report.summary.iloc[-1]
cols = st.columns(5)
for col, label in zip(
    cols, ("本周台账(条)", "新增疑似", "新核实辍学", "本周返校", "周末仍未返校"), strict=True
):
    col.metric(ui.tr(label), fmt.fmt_count(total[label], lang=ui.lang()), border=True)
st.caption(ui.tr("do_weekly_caption").format(start=ui.fmt_date(report.start), end=ui.fmt_date(report.end)))
ui.named_download_buttons(
    report.rows,
    name=f"控辍保学每周填报_{report.week}",
    scope=scope,
    key="do_weekly_dl",
    sheets=report.sheets(),
    title=report.title,
)

tab_rows, tab_sum, tab_missing = st.tabs(
    [
        ui.tr("do_weekly_rows"),
        ui.tr("do_weekly_towns"),
        ui.tr("with_count").format(what=ui.tr("do_missing"), n=len(report.missing)),
    ]
)
with tab_rows:
    ui.table(report.rows, height=420)
with tab_sum:
    ui.table(report.summary, height=420)
with tab_missing:
    ui.table(report.missing, height=360)
    if len(report.missing) and dropout_cases.may_write(scope):
        with st.form("do_submit_week"):
            names = dict(zip(report.missing["学校标识码"], report.missing["学校名称"], strict=True))
            chosen = st.multiselect(
                ui.tr("do_submit_schools"), list(names), format_func=names.get, key="do_submit_schools"
            )
            note = st.text_input(ui.tr("说明"), value=ui.tr("do_zero_report"), key="do_submit_note")
            if st.form_submit_button(ui.tr("do_submit")) and chosen:
                try:
                    n = weekly_report.submit_week(scope, chosen, week, note=note)
                    st.session_state["do_weekly_flash"] = ui.tr("do_submitted").format(n=n)
                    st.rerun()
                except AppError as exc:
                    st.error(str(exc))
