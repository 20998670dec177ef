"""学籍核查: the school-age roster against the students, transfers, studying elsewhere, problem records."""

import streamlit as st

from lib import loaders, ui
from lib.core import permissions
from lib.roster import view
from lib.ui import roster as ui_roster

scope = ui.current_scope()
ui.require_page(scope, "view_named")
info = loaders.store_info()
ui.page_header(ui.tr("nav_roster_check"), scope)
if msg := st.session_state.pop("rc_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "学籍核查")


def done(text: str) -> None:
    st.session_state["rc_flash"] = text
    st.rerun()


checked = loaders.load_roster_check(scope)
classified = checked["roster"]
checking = ui_roster.latest_check(scope) is not None
with st.expander(ui.tr("rc_upload"), expanded=classified.empty or checking):  # open until a roster is stored
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
        ui_roster.check_file(scope, data, filename)  # a background job: the page may be left
    ui_roster.file_result(scope, done)

ui.metric_cards(view.cards(checked), per_row=5)
ui_roster.coverage(classified, scope)
ui_roster.lists(checked, scope, done)
