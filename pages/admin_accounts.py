"""账号管理 (administrators): add accounts, set roles and scope, disable, reset passwords."""

import streamlit as st

from lib import loaders, ui
from lib.access import auth
from lib.core.errors import AppError
from lib.ui import accounts as accounts_ui

scope = ui.current_scope()
ui.require_page(scope, "manage_accounts")
ui.page_header(ui.tr("nav_admin_accounts"), scope)
try:
    accounts = auth.list_accounts(scope)
except AppError as exc:
    st.error(str(exc))
    st.stop()

info = loaders.store_info()
towns = dict(zip(info["townships"].code, info["townships"].name, strict=True))
schools = loaders.load_school_choices(scope.county)
school_names = dict(zip(schools.code, schools.name, strict=True))


def _show_temp(password: str) -> None:
    st.success(ui.tr("acct_temp_pw"))
    st.code(password, language=None)


st.subheader(ui.tr("acct_list"))
ui.table(
    auth.accounts_table(
        accounts, township_names=towns, school_names=school_names, now=auth.clock(), lang=ui.lang()
    )
)

new_tab, edit_tab, status_tab = st.tabs(
    [ui.tr("acct_tab_new"), ui.tr("acct_tab_edit"), ui.tr("acct_tab_status")]
)
with new_tab, st.form("acct_new"):
    c1, c2 = st.columns(2)
    name = c1.text_input(ui.tr("acct_name"), key="acct_new_name")
    display = c2.text_input(ui.tr("acct_display"), key="acct_new_display")
    roles, chosen, school, taught = accounts_ui.territory_inputs("acct_new", towns=towns, schools=schools)
    if st.form_submit_button(ui.tr("acct_create"), type="primary"):
        try:
            temp = auth.create_user(
                scope,
                name,
                roles=roles,
                display_name=display,
                townships=chosen,
                school=school,
                classes=taught or None,
            )
        except AppError as exc:
            st.error(str(exc))
        else:
            _show_temp(temp)

names = list(accounts["name"])
# each form keeps the account as it first showed it (base): a save writes only what the user
# changed against it, and only if nobody changed those fields meanwhile (no lost update)
forms = st.session_state.setdefault("acct_forms", {})
with edit_tab:
    who = st.selectbox(ui.tr("acct_pick"), names, key="acct_edit_who")
    held = forms.get(who) or {"gen": 0}
    if who and "base" not in held and (now := auth.get_account(who)) is not None:
        held = forms[who] = {"base": now, "shown": now, "gen": held["gen"] + 1}
    if msg := held.pop("flash", None):
        st.success(msg)
    if "base" in held:
        shown, form = held["shown"], f"acct_edit_{who}_{held['gen']}"
        with st.form(form):
            display = st.text_input(ui.tr("acct_display"), value=shown.display_name, key=f"{form}_display")
            roles, chosen, school, taught = accounts_ui.territory_inputs(
                form,
                towns=towns,
                schools=schools,
                roles=shown.roles,
                townships=shown.townships,
                school=shown.school,
                classes=shown.classes,
            )
            if st.form_submit_button(ui.tr("acct_save"), type="primary"):
                try:
                    auth.update_user(
                        scope,
                        who,
                        roles=roles,
                        display_name=display,
                        townships=chosen or None,
                        school=school,
                        classes=taught or None,
                        base=held["base"],
                    )
                except auth.AccountConflict as exc:  # typed values kept; saving again applies them
                    forms[who] = {
                        "base": exc.current,
                        "shown": exc.shown(),
                        "gen": held["gen"] + 1,
                        "conflict": exc,
                    }
                    st.rerun()
                except AppError as exc:
                    st.error(str(exc))
                else:
                    forms[who] = {"gen": held["gen"], "flash": ui.tr("acct_saved")}
                    st.rerun()
        if conflict := held.get("conflict"):
            st.error(str(conflict))
            ui.table(conflict.frame(), hide_index=True, width="stretch")
        if st.button(ui.tr("cr_reload"), key="acct_edit_reload", icon=":material/refresh:"):
            forms[who] = {"gen": held["gen"]}
            st.rerun()

with status_tab:
    who = st.selectbox(ui.tr("acct_pick"), names, key="acct_status_who")
    current = auth.get_account(who) if who else None
    # the state the buttons were drawn for: a click acts on what its user saw, not on what a
    # second administrator has made of the account since
    seen = st.session_state.get("acct_status_seen", {})
    if current is not None:
        c1, c2 = st.columns(2)
        toggle = ui.tr("acct_enable") if current.disabled else ui.tr("acct_disable")
        try:
            if c1.button(toggle, key="acct_toggle", width="stretch"):
                was = seen.get(who, current.disabled)  # what the clicked button said
                st.session_state["acct_status_seen"] = {}
                auth.disable(scope, who, disabled=not was, expected=was)
                st.rerun()
            if c2.button(ui.tr("acct_reset"), key="acct_reset", width="stretch"):
                _show_temp(auth.reset(scope, who))
        except AppError as exc:
            st.error(str(exc))
        st.session_state["acct_status_seen"] = {who: current.disabled}
