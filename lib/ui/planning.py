"""布局规划's widget blocks (the page stays thin): open/save/duplicate/rename/delete a scenario,
and the optimisation panel.  Logic is :mod:`lib.layout.planning`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from lib import ui
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.layout import planning

#: The scenario being edited (kept in the session: a failed save loses nothing).
CHANGES = "plan_changes"


def scenario_manager(scope: Scope, saved: pd.DataFrame) -> None:
    """The 方案 expander: open a saved scenario into the editor, save, duplicate, rename, delete."""
    with st.expander(ui.tr("plan_manage"), expanded=False):
        o1, o2 = st.columns(2)
        pick = o1.selectbox(
            ui.tr("plan_saved"), ["(新方案)", *saved.name], key="plan_pick", format_func=ui.labeller()
        )
        if o1.button(ui.tr("plan_open"), key="plan_open") and pick != "(新方案)":
            row = saved[saved.name == pick].iloc[0]
            st.session_state[CHANGES] = list(row.changes)
            st.session_state["plan_name"] = pick
            st.session_state["plan_version"] = int(row.version)
        name = o2.text_input(ui.tr("方案名称"), key="plan_name")
        b1, b2, b3, b4 = o2.columns(4)
        try:
            if b1.button(ui.tr("plan_save"), key="plan_save"):
                version = st.session_state.get("plan_version") if name in set(saved.name) else None
                st.session_state["plan_version"] = planning.save_scenario(
                    scope, name, st.session_state[CHANGES], version=version
                )
                st.success(ui.tr("plan_saved_msg").format(name=name))
            if b2.button(ui.tr("plan_dup"), key="plan_dup") and pick != "(新方案)":
                planning.duplicate_scenario(scope, pick, ui.tr("plan_copy").format(name=pick))
                st.rerun()
            if b3.button(ui.tr("plan_rename"), key="plan_rename") and pick != "(新方案)" and name:
                planning.rename_scenario(scope, pick, name)
                st.rerun()
            if b4.button(ui.tr("plan_delete"), key="plan_delete") and pick != "(新方案)":
                planning.delete_scenario(scope, pick)
                st.rerun()
        except AppError as exc:
            st.error(str(exc))


def optimizer(data: Any, *, band: str, km: float, year: int, band_codes: list[str]) -> None:
    """The 选址优化 expander: solve p-median / MCLP / LSCP with a time limit; use the result as the scenario."""
    with st.expander(ui.tr("plan_optimise") + " (p-median / MCLP / LSCP)"):
        q1, q2, q3, q4 = st.columns(4)
        model = q1.selectbox(ui.tr("模型"), list(planning.MODELS), key="plan_model")
        k = q2.number_input(ui.tr("plan_k"), min_value=1, value=len(band_codes), key="plan_k")
        limit = q3.number_input(ui.tr("plan_limit"), min_value=5, max_value=600, value=60, key="plan_limit")
        capacitated = q4.checkbox(ui.tr("plan_capacitated"), key="plan_capacitated")
        if st.button(ui.tr("plan_solve"), key="plan_solve"):
            with st.spinner(ui.tr("plan_solving").format(model=model, limit=limit)):
                sol = planning.optimize(
                    data,
                    model=model,
                    band=band,
                    k=int(k),
                    km=km,
                    capacitated=capacitated,
                    time_limit_s=float(limit),
                    year=year,
                )
            st.session_state["plan_solution"] = planning.solution_changes(data, sol, band=band)
            st.info(
                ui.tr("plan_solved").format(
                    status=sol.status,
                    objective=sol.objective,
                    current=sol.current_objective,
                    sites=len(sol.sites),
                    seconds=sol.seconds,
                )
                + ("" if sol.optimal else ui.tr("plan_gap").format(gap=sol.gap))
            )
        if st.session_state.get("plan_solution") and st.button(ui.tr("plan_use"), key="plan_use_solution"):
            st.session_state[CHANGES] = list(st.session_state["plan_solution"])
            st.rerun()
