"""账号管理's widgets: the role, territory and class inputs shared by the new and edit forms."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from lib import ui
from lib.core import permissions


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
