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

accounts_ui.show_temp_password()  # of the account just created or reset, once
st.subheader(ui.tr("acct_list"))
ui.table(
    auth.accounts_table(
        accounts, township_names=towns, school_names=school_names, now=auth.clock(), lang=ui.lang()
    ),
    keep=auth.STAFF_NAME_COLUMNS,  # who holds an account: staff, shown to the administrator
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
        else:  # rerun: the list above shows the new account at once
            st.session_state[accounts_ui.TEMP_PASSWORD] = temp
            st.rerun()

names = list(accounts["name"])
with edit_tab:
    accounts_ui.edit_form(scope, names, towns=towns, schools=schools)
with status_tab:
    accounts_ui.status_form(scope, names)
