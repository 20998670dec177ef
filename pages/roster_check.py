"""学籍核查: the school-age roster against the students, transfers, studying elsewhere, problem records."""

import streamlit as st

from lib import loaders, ui
from lib.core import permissions, schema
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.roster import actions, view
from lib.roster import checks as rc
from lib.roster import register as roster

scope = ui.current_scope()
ui.require_page(scope, "view_named")
info = loaders.store_info()
ui.page_header(ui.tr("nav_roster_check"), scope)
if msg := st.session_state.pop("rc_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "学籍核查")
writable = dropout_cases.may_write(scope)


def done(text: str) -> None:
    st.session_state["rc_flash"] = text
    st.rerun()


checked = loaders.load_roster_check(scope)
classified = checked["roster"]
with st.expander(ui.tr("rc_upload"), expanded=classified.empty):  # open until a roster is stored
    ui.note(ui.tr("rc_help"))
    upload = st.file_uploader(
        ui.tr("rc_upload"),
        type=["csv", "xlsx"],
        key="rc_file",
        label_visibility="collapsed",
        max_upload_size=ui.upload_limit_mb(),
    )
    data, filename = ui.uploaded(upload) or (None, None)  # the upload gate: size, rows, zip bombs
    if data is None and info["demo"] and scope.townships is None and permissions.can(scope, "import"):
        if st.button(ui.tr("rc_sample"), key="rc_sample"):
            st.session_state["rc_use_sample"] = True
        if st.session_state.get("rc_use_sample"):
            data, filename = loaders.demo_roster_csv(scope), ui.tr("rc_demo_file")
    if data is not None:
        try:
            frame, n_rows, problems = loaders.read_roster_file(scope, data, filename)
        except AppError as exc:
            st.error(str(exc))
            frame, n_rows, problems = None, 0, []
        if frame is not None:
            st.caption(
                ui.tr("rc_read").format(
                    file=filename, n=f"{n_rows:,}", ok=f"{len(frame):,}", skip=f"{n_rows - len(frame):,}"
                )
            )
            if problems:
                st.warning(
                    "\n".join(f"- {p}" for p in problems[:10]) + ("\n- …" if len(problems) > 10 else "")
                )
            if st.button(ui.tr("rc_import"), key="rc_import", type="primary", disabled=frame.empty):
                try:
                    got = roster.save(frame, scope)
                    st.session_state.pop("rc_use_sample", None)
                    done(ui.tr("rc_imported").format(n=f"{got['rows']:,}", towns=got["townships"]))
                except AppError as exc:
                    st.error(str(exc))

ui.metric_cards(view.cards(checked), per_row=5)
st.subheader(ui.tr("rc_coverage"))
if classified.empty:
    ui.note(ui.tr("rc_no_roster"))
else:
    coverage = view.by_township(classified)
    ui.table(
        coverage,
        height=min(35 * (len(coverage) + 1) + 3, 360),
        column_config={"已掌握去向": st.column_config.NumberColumn(format="percent")},
    )
    ui.download_buttons(coverage, name="花名册覆盖情况", scope=scope, key="rc_cov_dl")

lists = {
    "unaccounted": "去向不明",
    "transfer": "转学台账",
    "double": "重复在籍",
    "elsewhere": "异地就学",
    "problem": "问题学籍",
    "all": "全部花名册",
}
which = st.radio(
    ui.tr("rc_list"), list(lists), horizontal=True, key="rc_list", format_func=ui.labeller(lists.get)
)
ui.audit_once(scope, "view_list", list=f"学籍核查·{lists[which]}", masked=scope.mask)
if which in ("unaccounted", "all"):
    rows = classified[classified["category"] == "unaccounted"] if which == "unaccounted" else classified
    shown = view.display(rows, mask=scope.mask)
else:
    rows = {
        "transfer": checked["transfers"],
        "double": checked["double"],
        "elsewhere": checked["elsewhere"],
        "problem": checked["problems"],
    }[which]
    shown = rc.display(rows, which, mask=scope.mask)
st.caption(
    ui.tr("rc_rows").format(n=f"{len(shown):,}")
    + (" · " + ui.tr("rc_action").format(action=ui.tr(rc.ACTIONS[which])) if which in rc.ACTIONS else "")
)
if len(shown) > view.MAX_ROWS:
    st.caption(ui.tr("rc_first_rows").format(n=f"{view.MAX_ROWS:,}"))
if len(shown):
    ui.table(shown.head(view.MAX_ROWS), height=min(35 * len(shown) + 38, 420))
    ui.named_download_buttons(shown, name=f"学籍核查_{lists[which]}", scope=scope, key=f"rc_dl_{which}")

if which == "unaccounted" and len(rows := rows[rows["open_case"].isna()]):
    st.markdown(f"**{ui.tr('rc_open_case')}**")
    labels = view.child_labels(rows, mask=scope.mask)
    c1, c2, c3 = st.columns([3, 2, 1], vertical_alignment="bottom")
    pick = c1.selectbox(ui.tr("rc_child"), list(labels), format_func=labels.get, key="rc_case_pick")
    reason = c2.selectbox(
        ui.tr("rc_first_reason"), list(schema.REASONS), index=len(schema.REASONS) - 1, key="rc_reason"
    )
    if c3.button(ui.tr("rc_open_case"), key="rc_case_go", type="primary", disabled=not writable):
        try:
            case_id = roster.open_case(scope, pick, reason=reason)
            done(ui.tr("rc_case_opened").format(case=case_id))
        except AppError as exc:
            st.error(str(exc))
if (
    which == "transfer"
    and (pending := checked["transfers"][checked["transfers"]["state"].isin(["待确认", "逾期未确认"])]).shape[
        0
    ]
):
    with st.form("rc_tr_confirm"):
        c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        tid = c1.selectbox(ui.tr("rc_transfer"), pending["transfer_id"].tolist(), key="rc_tr_id")
        on = c2.date_input(ui.tr("对方确认日期"), value=scope.as_of, max_value=scope.as_of, key="rc_tr_on")
        if c3.form_submit_button(
            ui.tr("rc_confirmed"), disabled=not permissions.can(scope, "correct_records")
        ):
            try:
                actions.confirm_transfer(scope, tid, on=on)
                done(ui.tr("rc_transfer_done").format(id=tid))
            except AppError as exc:
                st.error(str(exc))
if which == "elsewhere" and len(checked["elsewhere"]):
    with st.form("rc_ew_check"):
        labels = view.elsewhere_labels(checked["elsewhere"], mask=scope.mask)
        c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        who = c1.selectbox(ui.tr("rc_child"), list(labels), format_func=labels.get, key="rc_ew_pick")
        on = c2.date_input(ui.tr("rc_checked_on"), value=scope.as_of, max_value=scope.as_of, key="rc_ew_on")
        school = st.text_input(ui.tr("rc_new_school"), key="rc_ew_school")
        if c3.form_submit_button(ui.tr("rc_checked"), disabled=not writable):
            try:
                actions.confirm_elsewhere(scope, who, on=on, school_name=school)
                done(ui.tr("rc_checked_done"))
            except AppError as exc:
                st.error(str(exc))
if which == "transfer" and len(checked["overdue"]):
    st.markdown(f"**{ui.tr('rc_overdue')}**")
    labels = view.transfer_labels(checked["overdue"], mask=scope.mask)
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    pick = c1.selectbox(ui.tr("学生"), list(labels), format_func=labels.get, key="rc_tr_pick")
    if c2.button(ui.tr("rc_open"), key="rc_tr_go", disabled=not writable):
        try:
            case_id = dropout_cases.open_case_for_student(scope, pick, reason="其他", source="花名册核查")
            done(ui.tr("rc_opened").format(case=case_id))
        except AppError as exc:
            st.error(str(exc))
