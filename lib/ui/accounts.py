"""账号管理's widgets: the role, territory and class inputs, the edit form and the status buttons."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from lib import ui
from lib.access import auth
from lib.core import permissions
from lib.core.errors import AppError
from lib.core.scope import Scope


def territory_inputs(
    prefix: str,
    *,
    towns: dict[str, str],
    schools: pd.DataFrame,
    roles: Any = (),
    townships: Any = None,
    school: str | None = None,
    classes: Any = None,
) -> tuple[list[str], list[str], str | None, str]:
    """Roles, townships, school and classes widgets (keys ``{prefix}_roles`` …); their values."""
    role_names = permissions.ROLES
    role_label = ui.labeller(role_names.get)
    paren = ui.tr("paren")  # read during the run: AppTest formats options again outside it
    school_names = dict(zip(schools.code, schools.name, strict=True))

    def school_label(code: str | None) -> str:
        return "—" if not code else paren.format(a=school_names.get(code, code), b=code)

    c1, c2, c3, c4 = st.columns([3, 3, 3, 2])
    picked = c1.multiselect(
        ui.tr("acct_roles"),
        list(role_names),
        default=list(roles),
        key=f"{prefix}_roles",
        format_func=lambda r: f"{role_label(r)} ({r})",
        placeholder=ui.tr("choose"),
    )
    chosen = c2.multiselect(
        ui.tr("acct_townships"),
        list(towns),
        default=list(townships or []),
        key=f"{prefix}_towns",
        format_func=towns.get,
        placeholder=ui.tr("acct_whole_county"),
    )
    options = [None, *schools.code]
    picked_school = c3.selectbox(
        ui.tr("acct_school"),
        options,
        index=options.index(school) if school in options else 0,
        key=f"{prefix}_school",
        format_func=school_label,
    )
    taught = c4.text_input(
        ui.tr("acct_classes"),
        value=",".join(classes or ()),
        key=f"{prefix}_classes",
        placeholder=ui.tr("acct_classes_hint"),
    )
    return picked, chosen, picked_school, taught


TEMP_PASSWORD = "acct_temp"  # session key: a new or reset password, shown once after the rerun


def show_temp_password() -> None:
    """The temporary password of the account just created or reset, once."""
    if password := st.session_state.pop(TEMP_PASSWORD, None):
        st.success(ui.tr("acct_temp_pw"))
        st.code(password, language=None)


def edit_form(scope: Scope, names: list[str], *, towns: dict[str, str], schools: pd.DataFrame) -> None:
    """修改账号: each form keeps the account as it first showed it (its base).

    A save writes only what the user changed against the base, and only if nobody changed
    those fields meanwhile (no lost update); on a conflict the typed values stay in the form
    beside the newer account, and saving again applies them.
    """
    forms = st.session_state.setdefault("acct_forms", {})
    who = st.selectbox(ui.tr("acct_pick"), names, key="acct_edit_who")
    held = forms.get(who) or {"gen": 0}
    if who and "base" not in held and (now := auth.get_account(who)) is not None:
        held = forms[who] = {"base": now, "shown": now, "gen": held["gen"] + 1}
    if msg := held.pop("flash", None):
        st.success(msg)
    if "base" not in held:
        return
    shown, form = held["shown"], f"acct_edit_{who}_{held['gen']}"
    with st.form(form):
        display = st.text_input(ui.tr("acct_display"), value=shown.display_name, key=f"{form}_display")
        roles, chosen, school, taught = territory_inputs(
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
            except auth.AccountConflict as exc:
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
        ui.table(conflict.frame(), hide_index=True, width="stretch", keep=auth.STAFF_NAME_COLUMNS)
    if st.button(ui.tr("cr_reload"), key="acct_edit_reload", icon=":material/refresh:"):
        forms[who] = {"gen": held["gen"]}
        st.rerun()


def status_form(scope: Scope, names: list[str]) -> None:
    """停用/启用 and 重置密码 of one account."""
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
                st.session_state[TEMP_PASSWORD] = auth.reset(scope, who)
                st.rerun()
        except AppError as exc:
            st.error(str(exc))
        st.session_state["acct_status_seen"] = {who: current.disabled}
