"""我的账号: who I am, my roles and scope, what they allow; change my own password."""

import streamlit as st

from lib import loaders, ui
from lib.access import auth
from lib.core import permissions
from lib.ui import login as ui_login

scope = ui.current_scope()
ui.require_page(scope, "view_aggregates")
account = ui_login.current_account()
st.title(ui.tr("nav_account"))
if account is None:
    st.stop()

info = loaders.store_info()
towns = dict(zip(info["townships"].code, info["townships"].name, strict=True))
left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown("### " + ui.tr("paren").format(a=account.display_name, b=account.name))
    roles = permissions.describe_roles(account.role, lang=ui.lang())
    st.markdown(ui.tr("label_value").format(label=f"**{ui.tr('acct_roles')}**", value=roles))
    where = (
        ui.tr("list_sep").join(towns.get(c, c) for c in account.townships)
        if account.townships
        else ui.tr("acct_whole_county")
    )
    if account.school:
        schools = loaders.load_school_choices(scope.county)
        where += " · " + dict(zip(schools.code, schools.name, strict=True)).get(
            account.school, account.school
        )
    st.markdown(ui.tr("label_value").format(label=f"**{ui.tr('acct_scope')}**", value=where))
    if account.last_login_at is not None:
        last = f"{ui.fmt_date(account.last_login_at.date())} {account.last_login_at:%H:%M}"
        st.markdown(ui.tr("label_value").format(label=f"**{ui.tr('acct_last_login')}**", value=last))
    st.markdown(ui.tr("label_value").format(label=f"**{ui.tr('acct_rights')}**", value=""))
    ui.table(auth.rights_table(scope, lang=ui.lang()))
with right:
    st.subheader(ui.tr("pw_button"))
    if ui_login.password_change_form(account, key="own_pw"):
        st.success(ui.tr("pw_changed"))
