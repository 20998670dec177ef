"""小升初衔接: primary and 教学点 leavers still to be received, with the school expected for them."""

import streamlit as st

from lib import loaders, ui
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.roster import transition

scope = ui.current_scope()
ui.require_page(scope, "view_named")
ui.page_header(ui.tr("nav_transition"), scope)
for kind, text in st.session_state.pop("xs_flash", []):
    (st.success if kind == "ok" else st.warning)(text)
scope = ui.unmask_control(scope, "小升初待接收名单")
writable = dropout_cases.may_write(scope)

lst = loaders.load_transition(scope)
ui.note(ui.tr("xs_help").format(due=lst.settings["due_days"], case=lst.settings["case_days"]))
n = lst.counts()
c = st.columns(5)
for col, (key, value) in zip(
    c,
    [
        ("xs_waiting", n["waiting"]),
        ("xs_overdue", n["overdue"]),
        ("xs_case_due", n["case_due"]),
        ("xs_received", n["received"]),
        ("xs_accounted", n["elsewhere"] + n["exempt"] + n["case"]),
    ],
    strict=True,
):
    col.metric(ui.tr(key), f"{value:,}", border=True)

st.subheader(ui.tr("xs_list"))
if lst.waiting.empty:
    st.info(ui.tr("xs_none"))
else:
    shown = transition.display(lst.waiting, mask=scope.mask, compact=True)
    ui.audit_once(scope, "view_list", list="小升初待接收")
    ui.coloured_table(shown, transition.state_colours(lst.waiting, compact=True), formats={}, height=420)
    full = transition.display(lst.waiting, mask=scope.mask)  # with home township, basis, both deadlines
    ui.download_buttons(full, name="小升初待接收名单", scope=scope, key="xs_dl")

due = int(n["case_due"])
if writable and due:
    if st.button(ui.tr("xs_open_cases").format(n=due), type="primary", key="xs_cases"):
        try:
            run = transition.open_overdue_cases(scope)
            flash = [("ok", ui.tr("xs_opened").format(n=len(run.opened)))]
            if run.failed:
                why = "；".join(sorted(set(run.failed.values())))
                flash.append(("warn", ui.tr("xs_failed").format(n=len(run.failed), why=why)))
            st.session_state["xs_flash"] = flash
        except AppError as exc:
            st.session_state["xs_flash"] = [("warn", str(exc))]
        st.rerun()

if writable and not lst.waiting.empty:
    with st.expander(ui.tr("xs_elsewhere")):
        choices = transition.choices(lst.waiting, mask=scope.mask)
        with st.form("xs_elsewhere_form"):
            who = st.selectbox(ui.tr("xs_pick"), list(choices), format_func=choices.get, key="xs_who")
            school = st.text_input(ui.tr("xs_school"), key="xs_school")
            county = st.text_input(ui.tr("xs_county"), key="xs_county")
            on = st.date_input(ui.tr("xs_on"), value=scope.as_of, max_value=scope.as_of, key="xs_date")
            if st.form_submit_button(ui.tr("xs_save")):
                try:
                    transition.record_elsewhere(scope, who, school_name=school, county_name=county, on=on)
                    st.session_state["xs_flash"] = [("ok", ui.tr("xs_saved"))]
                    st.rerun()
                except AppError as exc:
                    st.error(str(exc))
