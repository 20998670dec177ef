"""布局规划: what-if scenarios on the school network, where pupils go, and optimal networks."""

import streamlit as st

from lib import loaders, ui
from lib.core import config
from lib.core.errors import AppError
from lib.layout import coverage as layout
from lib.layout import planning
from lib.ui import layout as ui_layout
from lib.ui import planning as ui_planning

CHANGES = ui_planning.CHANGES

scope = ui.current_scope()
ui.require_page(scope, "view_planning")
data = loaders.load_layout_data(scope)
towns = dict(zip(data.townships.code, data.townships.name, strict=True))
ui.page_header(ui.tr("nav_planning"), scope, towns=towns)
ui_layout.stop_before_records(data, scope)  # a day before the store knew any school
st.session_state.setdefault(CHANGES, [])

saved = loaders.load_scenarios()
c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1])
band = c1.radio(
    ui.tr("lay_band"),
    list(layout.BAND_LABELS),
    format_func=ui.labeller(layout.BAND_LABELS.get),
    horizontal=True,
    key="plan_band",
)
km = c2.number_input(
    ui.tr("lay_km"),
    min_value=0.5,
    max_value=30.0,
    step=0.5,
    key=f"plan_km_{band}",
    value=float(config.SETTINGS["layout"]["reach_km"][band]),
)
years = list(range(data.base_year, data.base_year + config.SETTINGS["layout"]["projection_years"] + 1))
year = c3.selectbox(ui.tr("lay_year"), years, key="plan_year", format_func=ui.tr("year_fmt").format)
today = ui.tr("plan_today")
base_name = c4.selectbox(
    ui.tr("plan_base"), [today, *saved.name], key="plan_base", help=ui.tr("plan_base_help")
)

ui_planning.scenario_manager(scope, saved)

# the Scope's own schools are the planner's to change; reach still counts every school
band_codes = [c for c in layout.band_supply(data.schools, band).code if c in data.in_scope]
names = planning.school_names(data, st.session_state[CHANGES])
left, right = st.columns([2, 1], gap="medium")
with right:
    kind = ui_planning.change_editor(band, band_codes, names)

changes = st.session_state[CHANGES]
base_changes = [] if base_name == today else list(saved[saved.name == base_name].iloc[0].changes)
try:  # the scenario against its base: computed once per changes, choices and store data
    compared = loaders.load_plan_comparison(
        scope, base_changes, changes, band=band, km=km, year=year, base_name=base_name
    )
except AppError as exc:
    st.error(str(exc))
    st.stop()
with left:
    show_after = st.toggle(ui.tr("plan_map_after"), value=True, key="plan_show_after")
    out = ui_planning.show_plan_map(
        scope,
        data,
        changes if show_after else base_changes,
        band=band,
        km=km,
        year=year,
        key=f"plan_map_{band}_{km}_{year}_{show_after}_{len(changes)}_{base_name}",
        height=520,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
ui_planning.remember_click(planning.click_point((out or {}).get("last_clicked")), kind)

ui_planning.effect_panel(scope, data, compared, changes, base_name=base_name, km=km)
ui_planning.optimizer(scope, data, band=band, km=km, year=year, band_codes=band_codes, names=names)
