"""辍学台账: every case, the suspected dropouts proposed from absences, and new cases."""

import streamlit as st

from lib import loaders, ui
from lib.core import schema
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import ledger as dl
from lib.ui import cases as case_ui
from lib.ui import golive as ui_golive

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
ui.page_header(ui.tr("nav_dropout_cases"), scope)
if msg := st.session_state.pop(dl.FLASH, None):
    st.success(msg)
scope = ui.unmask_control(scope, "控辍保学台账")
unmask = not scope.mask
writable = dropout_cases.may_write(scope)

ui.refresh_note("ledger_table", scope)
found, students = loaders.load_dropout_proposals(scope)
props = dl.proposals_display(found, students, mask=not unmask)
tab_ledger, tab_props, tab_new = ui.lazy_tabs(
    [
        ui.tr("do_ledger"),
        ui.tr("with_count").format(what=ui.tr("do_proposals"), n=len(props)),
        ui.tr("do_new_case"),
    ],
    key=case_ui.LEDGER_TABS,
)


def opened(case_id: str, text: str) -> None:
    """After a write: remember the case, say so, and show fresh figures."""
    st.session_state[dl.SELECTED_CASE] = case_id
    st.session_state[dl.FLASH] = text
    st.rerun()


# only the open tab runs; the filters keep their values while another tab is open
if tab_ledger.open:
    with tab_ledger:
        c1, c2, c3 = st.columns([3, 1, 2])
        statuses = c1.multiselect(
            ui.tr("状态"),
            list(schema.CASE_STATUS),
            default=list(schema.OPEN_CASE_STATUS),
            key="do_status_filter",
            persist_state="page",
        )
        attention = c2.toggle(ui.tr("do_attention"), key="do_attention", persist_state="page")
        text = c3.text_input(ui.tr("do_find"), key="do_find", persist_state="page")
        ledger = loaders.load_ledger_table(scope)
        view = dl.filter_ledger(ledger, statuses=statuses, attention_only=attention, text=text)
        ui.audit_once(scope, "view_list", list="控辍保学台账", statuses=",".join(statuses), masked=not unmask)
        table, colours, formats = dl.ledger_display(view)
        st.caption(ui.tr("do_ledger_caption").format(n=len(view)))
        ui.coloured_table(table, colours, formats=formats, height=420, translate=("当前责任人", "待办"))
        if len(view):
            names = dict(zip(view["case_id"], view["name"], strict=True))
            pick = st.selectbox(
                ui.tr("do_pick"),
                list(names),
                key="do_pick",
                format_func=lambda c: f"{c} {names[c]}",
                persist_state="page",
            )
            if st.button(ui.tr("do_open_case"), key="do_open", type="primary"):
                st.session_state[dl.SELECTED_CASE] = pick
                st.switch_page("pages/dropout_case.py")
        ui.named_download_buttons(table, name="控辍保学台账", scope=scope, key="do_ledger_dl")

if tab_props.open:
    with tab_props:
        ui_golive.unreported_note(scope)  # 数据未报: schools whose absences are not in for the last days
        if props.empty:
            st.info(ui.tr("do_no_proposals"))
        else:
            ui.audit_once(scope, "view_list", list="缺勤监测待确认", masked=not unmask)
            shown, colours = dl.proposals_table(props)
            ui.coloured_table(shown, colours, formats={}, height=300)
            keys = [f"{s}|{r}" for s, r in zip(props["student_id"], props["run_start"], strict=True)]
            run_label = ui.tr("do_run_label")
            labels = {
                k: run_label.format(name=n, school=sc, days=d)
                for k, n, sc, d in zip(keys, props["name"], props["school_name"], props["days"], strict=True)
            }
            with st.form("do_decide"):
                key = st.selectbox(ui.tr("学生"), keys, format_func=labels.get, key="do_prop_pick")
                reason = st.selectbox(
                    ui.tr("rc_first_reason"),
                    list(schema.REASONS),
                    index=len(schema.REASONS) - 1,
                    key="do_prop_reason",
                )
                note = st.text_input(ui.tr("do_note_dismiss"), key="do_prop_note")
                b1, b2 = st.columns(2)
                confirm = b1.form_submit_button(ui.tr("do_confirm"), type="primary", disabled=not writable)
                dismiss = b2.form_submit_button(ui.tr("do_dismiss"), disabled=not writable)
            if confirm or dismiss:
                sid, run = key.split("|")
                run_start = props.set_index("student_id").at[sid, "run_start"]
                try:
                    if confirm:
                        new_id = dropout_cases.confirm_proposal(
                            scope, sid, run_start, reason=reason, note=note
                        )
                        opened(new_id, ui.tr("do_opened_visit").format(case=new_id))
                    dropout_cases.dismiss_proposal(scope, sid, run_start, reason=note)
                    st.session_state[dl.FLASH] = ui.tr("do_dismissed")
                    st.rerun()
                except AppError as exc:
                    st.error(str(exc))

if tab_new.open:
    with tab_new:
        st.caption(ui.tr("do_new_help"))
        villages = loaders.load_dropout_places(scope)["villages"]
        vnames = dict(zip(villages["code"], villages["township_name"] + villages["name"], strict=True))
        with st.form("do_new"):
            c1, c2 = st.columns(2)
            id_number = c1.text_input(ui.tr("身份证号"), key="do_new_id")
            name = c2.text_input(ui.tr("do_child_name"), key="do_new_name")
            village = c1.selectbox(
                ui.tr("户籍村(社区)"), list(vnames), format_func=vnames.get, key="do_new_village"
            )
            reason = c2.selectbox(ui.tr("原因"), list(schema.REASONS), key="do_new_reason")
            guardian = c1.text_input(ui.tr("监护人"), key="do_new_guardian")
            phone = c2.text_input(ui.tr("监护人电话"), key="do_new_phone")
            source = st.selectbox(ui.tr("来源"), ["花名册核查", "名单比对", "学校上报"], key="do_new_source")
            if st.form_submit_button(ui.tr("rc_open"), type="primary", disabled=not writable):
                try:
                    new_id = dropout_cases.open_case_for_child(
                        scope,
                        id_number=id_number,
                        name=name,
                        village_code=village,
                        reason=reason,
                        source=source,
                        guardian_name=guardian,
                        guardian_phone=phone,
                    )
                    opened(new_id, ui.tr("do_opened").format(case=new_id))
                except AppError as exc:
                    st.error(str(exc))
