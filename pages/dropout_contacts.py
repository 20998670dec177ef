"""六长联系人: the 镇长, 村长, 校长 and 教体局局长 a new case's 六长 are filled from."""

import streamlit as st

from lib import loaders, ui
from lib.core import ids
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import ledger as dropout_ledger

FORM, CONFLICT = "do_contacts_form", "do_contacts_conflict"
scope = ui.current_scope()
ui.require_page(scope, "view_named")
ui.page_header(ui.tr("nav_dropout_contacts"), scope)
if msg := st.session_state.pop("do_contacts_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "六长联系人")
unmask = not scope.mask
# the table as the user first saw it (base) and as the editor shows it: a save writes only rows the
# user changed against base, and only if nobody changed them meanwhile (no lost update)
held = st.session_state.get(FORM) or {"gen": 0}
if not unmask or "shown" not in held or held["scope"] != str(scope.cache_key()):
    fresh = loaders.load_dropout_contacts(scope)
    held = {"shown": fresh, "base": fresh, "gen": held["gen"] + 1, "scope": str(scope.cache_key())}
    st.session_state[FORM] = held
contacts = held["shown"]
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
        key=f"do_contacts_editor_{held['gen']}",
        num_rows="fixed",
    )
    edited = edited.rename(columns={v: k for k, v in labels.items()})
    changed = dropout_ledger.changed_contacts(held["base"], edited)
    st.caption(ui.tr("do_contacts_changed").format(n=len(changed)))
    if st.button(
        ui.tr("set_save"),
        type="primary",
        disabled=changed.empty or not dropout_cases.may_write(scope),
        key="do_contacts_save",
    ):
        try:
            n = dropout_cases.save_contacts(scope, changed, base=held["base"])
            st.session_state[FORM] = {"gen": held["gen"]}  # the next table starts from the stored contacts
            st.session_state.pop(CONFLICT, None)
            st.session_state["do_contacts_flash"] = ui.tr("do_contacts_saved").format(n=n)
            st.rerun()
        except dropout_cases.ContactConflict as exc:
            shown, base = dropout_ledger.contacts_after_conflict(
                held["shown"], held["base"], edited, exc.rows
            )
            st.session_state[FORM] = {**held, "shown": shown, "base": base, "gen": held["gen"] + 1}
            st.session_state[CONFLICT] = exc
            st.rerun()
        except AppError as exc:
            st.error(str(exc))
    if conflict := st.session_state.get(CONFLICT):
        st.error(str(conflict))
        ui.table(conflict.frame(mask=False), hide_index=True, width="stretch")
    if st.button(ui.tr("cr_reload"), key="do_contacts_reload", icon=":material/refresh:"):
        st.session_state[FORM] = {"gen": held["gen"]}
        st.session_state.pop(CONFLICT, None)
        st.rerun()
