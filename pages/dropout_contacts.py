"""六长联系人: the 镇长, 村长, 校长 and 教体局局长 a new case's 六长 are filled from."""

import streamlit as st

from lib import loaders, ui
from lib.core import ids
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import ledger as dropout_ledger

scope = ui.current_scope()
ui.require_page(scope, "view_named")
ui.page_header(ui.tr("nav_dropout_contacts"), scope)
if msg := st.session_state.pop("do_contacts_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "六长联系人")
unmask = not scope.mask
contacts = loaders.load_dropout_contacts(scope)
roles = st.multiselect(
    ui.tr("角色"),
    sorted(contacts["role"].unique()),
    key="do_contact_roles",
    placeholder=ui.tr("all"),
    format_func=ui.labeller(),
)
view = contacts[contacts["role"].isin(roles)] if roles else contacts
ui.audit_once(scope, "view_list", list="六长联系人", masked=not unmask)
labels = {
    k: ui.tr(v)
    for k, v in {
        "role": "角色",
        "place_code": "单位代码",
        "place_name": "单位",
        "name": "姓名",
        "phone": "电话",
    }.items()
}
st.caption(ui.tr("do_contacts_caption").format(n=len(view)))
if not unmask:
    ui.table(ids.mask_frame(view).rename(columns=labels), hide_index=True, width="stretch", height=480)
else:
    ui.audit_once(scope, "unmask", list="六长联系人")
    edited = st.data_editor(
        view.rename(columns=labels),
        hide_index=True,
        width="stretch",
        height=480,
        disabled=[labels["role"], labels["place_code"], labels["place_name"]],
        key="do_contacts_editor",
        num_rows="fixed",
    )
    changed = dropout_ledger.changed_contacts(view, edited.rename(columns={v: k for k, v in labels.items()}))
    st.caption(ui.tr("do_contacts_changed").format(n=len(changed)))
    if st.button(
        ui.tr("set_save"),
        type="primary",
        disabled=changed.empty or not dropout_cases.may_write(scope),
        key="do_contacts_save",
    ):
        try:
            n = dropout_cases.save_contacts(scope, changed)
            st.session_state["do_contacts_flash"] = ui.tr("do_contacts_saved").format(n=n)
            st.rerun()
        except AppError as exc:
            st.error(str(exc))
