"""布局规划's widget blocks (the page stays thin): the scenario store, the change editor, the
effect of a scenario with its downloads, and the optimisation panel.  Logic is
:mod:`lib.layout.planning` and :mod:`lib.layout.optimize`; the layout page's downloads too."""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from lib import loaders, ui
from lib.core import config, fmt, schema
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.layout import coverage as layout
from lib.layout import planning
from lib.ui import jobs as ui_jobs
from lib.ui import mapview

#: The scenario being edited (kept in the session: a failed save loses nothing).
CHANGES = "plan_changes"
POINT = "plan_point"
OPTIMIZE = "optimize"  # the job kind of a solve: its result {"solution", "changes", "band", "year"}


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


def change_editor(band: str, band_codes: list[str], names: dict[str, str]) -> str:
    """The 调整 column: pick a change and add it to the scenario; the list with ✕ to remove.
    Returns the chosen operation (the map click places a new school only for ``add``)."""
    st.subheader(ui.tr("plan_edit"))
    ops = {k: ui.tr(f"plan_op_{k}") for k in ("close", "merge", "add", "capacity")}
    kind = st.radio(ui.tr("plan_op"), list(ops), format_func=ops.get, key="plan_kind")
    changes = st.session_state[CHANGES]
    if kind == "close":
        code = st.selectbox(ui.tr("plan_school"), band_codes, format_func=names.get, key="plan_close")
        if st.button(ui.tr("plan_add"), key="plan_add_close"):
            changes.append({"op": "close", "code": code})
    elif kind == "merge":
        a = st.selectbox(ui.tr("plan_merge_from"), band_codes, format_func=names.get, key="plan_merge_a")
        b = st.selectbox(ui.tr("plan_merge_into"), band_codes, format_func=names.get, key="plan_merge_b")
        if st.button(ui.tr("plan_add"), key="plan_add_merge") and a != b:
            changes.append({"op": "merge", "code": a, "into": b})
    elif kind == "capacity":
        code = st.selectbox(ui.tr("plan_school"), band_codes, format_func=names.get, key="plan_cap_code")
        cap = st.number_input(ui.tr("plan_seats"), min_value=0, step=50, key="plan_cap")
        beds = st.number_input(ui.tr("plan_beds"), min_value=0, step=10, key="plan_beds")
        if st.button(ui.tr("plan_add"), key="plan_add_cap"):
            changes.append({"op": "capacity", "code": code, "capacity": cap, "boarding_beds": beds})
    else:
        _new_school(band, changes)
    for i, change in enumerate(changes):
        r1, r2 = st.columns([5, 1])
        r1.caption(f"{i + 1}. {planning.describe_change(change, names, lang=ui.lang())}")
        if r2.button("✕", key=f"plan_rm_{i}"):
            changes.pop(i)
            st.rerun()
    return kind


def _new_school(band: str, changes: list[dict[str, Any]]) -> None:
    point = st.session_state.get(POINT)
    st.caption(
        ui.tr("plan_click_hint")
        if not point
        else ui.tr("label_value").format(label=ui.tr("plan_picked"), value=f"{point[0]:.4f}, {point[1]:.4f}")
    )
    level = st.selectbox(
        ui.tr("plan_level"),
        [lv for lv in schema.BAND_LEVELS[band] if lv in schema.LEVELS],
        key="plan_new_level",
    )
    cap = st.number_input(ui.tr("plan_seats"), min_value=0, value=600, step=50, key="plan_new_cap")
    beds = st.number_input(ui.tr("plan_beds"), min_value=0, value=0, step=10, key="plan_new_beds")
    if st.button(ui.tr("plan_add"), key="plan_add_new", disabled=point is None):
        n = sum(1 for c in changes if c["op"] == "add") + 1
        changes.append(
            {
                "op": "add",
                "code": f"NEW{n:03d}",
                "name": ui.tr("plan_new_school").format(n=n),
                "level": level,
                "lon": point[0],
                "lat": point[1],
                "capacity": cap,
                "boarding_beds": beds,
            }
        )
        st.session_state.pop(POINT, None)


def show_plan_map(
    scope: Scope,
    data: layout.LayoutData,
    changes: list[dict[str, Any]],
    *,
    band: str,
    km: float,
    year: int,
    **widget: Any,
) -> Any:
    """布局规划's map of ``changes``' effect, shown by :func:`lib.ui.mapview.show_map`
    (``widget``: st_folium's arguments): built and rendered once per store data, Scope, changes
    and choices (the effect is decided by them); returns what st_folium returns."""
    return mapview.show_map(
        partial(_build_plan_map, scope, data, changes, band=band, km=km, year=year),
        inputs=(
            loaders.data_key(),
            scope.cache_key(),
            loaders.changes_key(changes),
            band,
            km,
            year,
        ),
        **widget,
    )


def _build_plan_map(
    scope: Scope, data: layout.LayoutData, changes: list[dict[str, Any]], *, band: str, km: float, year: int
) -> Any:
    from lib.present import maps  # on first use

    effect = loaders.load_plan_effect(scope, changes, band=band, km=km, year=year)
    shapes = loaders.load_township_geojson(scope)
    return maps.build_layout_map(
        shapes["townships"],
        county=shapes.get("county"),
        closed=planning.closed_schools(data, changes, band=band),
        **planning.map_inputs(effect, band=band, km=km),
    )


def remember_click(point: tuple[float, float] | None, kind: str) -> None:
    """A map click picks the new school's site (only while adding a school)."""
    if point and point != st.session_state.get(POINT) and kind == "add":
        st.session_state[POINT] = point
        st.rerun()


def effect_panel(
    scope: Scope,
    data: layout.LayoutData,
    compared: dict[str, Any],
    changes: list[dict[str, Any]],
    *,
    base_name: str,
    km: float | None,
) -> None:
    """Cards, the comparison tabs (county, townships, receiving schools, 无法安置, where pupils go)
    and their downloads, and the scenario's map as a PNG: ``compared`` is
    :func:`lib.loaders.load_plan_comparison` of ``changes``."""
    band, year = compared["band"], compared["year"]
    st.subheader(
        ui.tr("plan_effect_title").format(
            what=ui.tr("plan_effect"), band=ui.tr(layout.BAND_LABELS[band]), year=year, base=ui.tr(base_name)
        )
    )
    ui.metric_cards(compared["cards"], per_row=4)
    ui.note(ui.tr("plan_rules"))
    county, towns, receiving, tables = (compared[k] for k in ("county", "towns", "receiving", "tables"))
    tabs = st.tabs(
        [
            ui.tr(k)
            for k in (
                "plan_tab_county",
                "plan_tab_towns",
                "plan_tab_receiving",
                "plan_tab_unplaced",
                "plan_tab_moves",
            )
        ]
    )
    # totals by township and school: no child in them, so not through the masking gate
    tabs[0].dataframe(
        ui.headers(planning.compare_view(county), translate=("指标",)),
        hide_index=True,
        width="stretch",
        height=36 * (len(county) + 1) + 4,
    )
    tabs[1].dataframe(
        ui.headers(planning.compare_townships_view(towns)),
        hide_index=True,
        width="stretch",
        height=36 * 12 + 4,
    )
    tabs[2].dataframe(ui.headers(receiving), hide_index=True, width="stretch")
    with tabs[3]:
        if tables["无法安置"].empty:
            st.caption(ui.tr("plan_none_unplaced"))
        else:
            ui.table(tables["无法安置"])
    with tabs[4]:
        if tables["去向"].empty:
            st.caption(ui.tr("plan_no_moves"))
        else:
            ui.table(tables["去向"])
    ui.download_buttons(
        towns,
        name=f"方案效果_{band}_{year}",
        scope=scope,
        key="plan_towns_dl",
        sheets={"全区": county, "分乡镇": towns, "接收学校": receiving, **tables},
    )
    title = f"布局方案 · {layout.BAND_LABELS[band]} · {year}年 · {_where(scope, data)}"
    png_button(
        lambda: _plan_png(
            data, loaders.load_plan_effect(scope, changes, band=band, km=km, year=year), changes, title=title
        ),
        scope=scope,
        what=f"方案地图_{band}_{year}",
        key="plan_png",
    )


def _plan_png(
    data: layout.LayoutData, effect: planning.Effect, changes: list[dict[str, Any]], *, title: str
) -> bytes:
    from lib.layout import maps  # on click: matplotlib loads only when a PNG is asked for

    return maps.plan_png(data, effect, changes, title=title, note=ui.tr("lay_png_note"))


def _where(scope: Scope, data: layout.LayoutData) -> str:
    if scope.townships is None:
        return config.COUNTY_NAME + "全区"
    return "、".join(data.townships["name"])


def png_button(make: Any, *, scope: Scope, what: str, key: str) -> None:
    """A PNG download drawn on the server when clicked, audited like every export."""
    from lib.ui import present  # its file_button: the one deferred, audited download

    present.file_button(
        ui.tr("lay_map_png"),
        make,
        scope=scope,
        what=what,
        file_name=f"{what}_{scope.as_of.isoformat()}.png",
        mime="image/png",
        key=key,
    )


def layout_downloads(scope: Scope, data: layout.LayoutData, view: layout.LayoutView) -> None:
    """学校布局's downloads a 乡镇 head acts on: villages out of reach, and the map as a PNG."""
    far = ui.memo(layout.view_out_of_reach, view, data, by=(id(data),))  # once per view and data
    st.subheader(ui.tr("lay_far_villages"))
    if far.empty:
        st.caption(ui.tr("无"))
    else:
        ui.table(far, height=min(36 * (len(far) + 1) + 4, 320))
        ui.download_buttons(
            far, name=f"超出就近距离的村_{view.band}_{view.year}", scope=scope, key="lay_far_dl"
        )
    title = f"学校与就近可达 · {layout.BAND_LABELS[view.band]} · {view.year}年 · {_where(scope, data)}"

    def make() -> bytes:
        from lib.layout import maps  # on click: matplotlib loads only when a PNG is asked for

        return maps.layout_png(data, view, title=title, note=ui.tr("lay_png_note"))

    png_button(make, scope=scope, what=f"学校布局地图_{view.band}_{view.year}", key="lay_png")


def optimizer(
    scope: Scope,
    data: layout.LayoutData,
    *,
    band: str,
    km: float,
    year: int,
    band_codes: list[str],
    names: dict[str, str],
) -> None:
    """The 选址优化 expander: solve within a time limit; a result shows which schools close and
    why, and what the placement rules make of it, before it can become the scenario."""
    from lib.layout import optimize  # not on top: the layout page uses this module, never the solver

    opt = config.SETTINGS["layout"]["optimize"]
    # open when a solve of this user is running or waiting to be seen (they may have left the page)
    with st.expander(ui.tr("opt_title"), expanded=ui_jobs.latest(OPTIMIZE, scope) is not None):
        ui.note(ui.tr("opt_defaults"))
        q = st.columns(4)
        model = q[0].selectbox(
            ui.tr("opt_model"),
            list(optimize.MODELS),
            format_func=ui.labeller(optimize.MODEL_LABELS.get),
            key="opt_model",
        )
        k = q[1].number_input(ui.tr("opt_k"), min_value=1, value=max(len(band_codes), 1), key=f"opt_k_{band}")
        default_close = int(float(opt["close_max_share"]) * len(band_codes))
        close_max = q[2].number_input(
            ui.tr("opt_close_max"), min_value=0, value=default_close, key=f"opt_close_{band}"
        )
        open_max = q[3].number_input(
            ui.tr("opt_open_max"), min_value=0, value=default_close, key=f"opt_open_{band}"
        )
        r = st.columns(4)
        budget = r[0].number_input(
            ui.tr("opt_budget"), min_value=0.0, value=0.0, step=1000.0, key="opt_budget"
        )
        limit = r[1].number_input(
            ui.tr("opt_limit"), min_value=5, max_value=600, value=int(opt["time_limit_s"]), key="opt_limit"
        )
        keep = r[2].multiselect(ui.tr("opt_force_open"), band_codes, format_func=names.get, key="opt_keep")
        shut = r[3].multiselect(ui.tr("opt_force_closed"), band_codes, format_func=names.get, key="opt_shut")
        capacitated = st.checkbox(
            ui.tr("opt_capacitated"), key="opt_capacitated", disabled=model != "pmedian"
        )
        if st.button(ui.tr("opt_solve"), key="plan_solve", type="primary"):
            options = {
                "model": model,
                "band": band,
                "k": int(k),
                "close_max": int(close_max),
                "open_max": int(open_max),
                "budget_wan": float(budget) or None,
                "force_open": tuple(keep),
                "force_closed": tuple(shut),
                "capacitated": capacitated,
                "km": km,
                "year": year,
                "time_limit_s": float(limit),
            }
            ui_jobs.start(OPTIMIZE, scope, partial(_solve, data, options), options)
            st.rerun()
        ui_jobs.panel(OPTIMIZE, scope, lambda last, _job: _solution(scope, data, last, km=km), key="opt_job")


def _solve(data: layout.LayoutData, options: dict[str, Any], progress: Any) -> dict[str, Any]:
    """The optimisation as a background job: its progress is the time spent against the limit
    (the solver reports none), then the solution and the scenario changes it makes."""
    from lib.layout import optimize  # see optimizer()

    limit, started, stop = float(options["time_limit_s"]), time.monotonic(), threading.Event()
    phase = f"求解(最长 {limit:g} 秒)"  # Chinese, as lib writes it: the progress bar translates it

    def tick() -> None:
        while not stop.wait(1.0):
            progress(min(0.9, 0.05 + 0.85 * (time.monotonic() - started) / limit), phase)

    progress(0.05, phase)
    ticker = threading.Thread(target=tick, name="opt-progress", daemon=True)
    ticker.start()
    try:
        sol = optimize.optimize(data, **options)
    finally:
        stop.set()
    progress(0.95, "生成报告")
    changes = optimize.solution_changes(sol, band=options["band"]) if sol.ok else []
    return {"solution": sol, "changes": changes, "band": options["band"], "year": options["year"]}


def _solution(scope: Scope, data: layout.LayoutData, last: dict[str, Any], *, km: float) -> None:
    from lib.layout import optimize  # see optimizer()

    sol, changes = last["solution"], last["changes"]
    result = f"{ui.tr(optimize.MODEL_LABELS[sol.model])} · {ui.tr(sol.status_label())}"
    st.markdown(f"**{ui.tr('label_value').format(label=ui.tr('opt_result'), value=result)}**")
    if not sol.ok:
        st.error(sol.message or sol.status_label())  # a failure is never a plan: nothing to use
        return
    if sol.message:
        st.info(sol.message)
    c = st.columns(6)
    c[0].metric(ui.tr("opt_kept"), f"{sol.kept_existing:,}")
    c[1].metric(ui.tr("opt_closed"), f"{len(sol.closed):,}")
    c[2].metric(ui.tr("opt_opened"), f"{len(sol.opened):,}")
    c[3].metric(
        ui.tr("opt_farthest"),
        _km(sol.farthest_km),
        delta=_delta(sol.farthest_km, sol.current_farthest_km),
        delta_color="inverse",
    )
    c[4].metric(
        ui.tr("opt_child_km"),
        fmt.fmt_count(round(sol.child_km or 0)),
        delta=_delta(sol.child_km, sol.current_child_km, 0),
        delta_color="inverse",
    )
    c[5].metric(
        ui.tr("opt_gap"),
        "—" if sol.gap is None else f"{sol.gap * 100:.2f}%",
        help=f"{ui.tr('opt_seconds')} {sol.seconds:.1f} / {sol.time_limit_s:g}",
    )
    if sol.closed:
        st.markdown(f"**{ui.tr('opt_why')}**")
        ui.table(sol.why)
    preview_after = loaders.load_plan_effect(scope, changes, band=last["band"], km=km, year=last["year"])
    preview_before = loaders.load_plan_effect(scope, [], band=last["band"], km=km, year=last["year"])
    st.markdown(f"**{ui.tr('opt_preview')}**")
    ui.metric_cards(planning.cards(preview_before, preview_after), per_row=4)
    if changes:
        ok = st.checkbox(ui.tr("opt_confirm"), key="opt_confirm") if sol.closed else True
        if st.button(ui.tr("opt_use"), key="plan_use_solution", disabled=not ok):
            st.session_state[CHANGES] = list(changes)
            st.rerun()


def _km(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


def _delta(v: float | None, ref: float | None, digits: int = 1) -> str | None:
    if v is None or ref is None:
        return None
    return f"{v - ref:+,.{digits}f}"
