"""布局规划: what-if scenarios on the school network, and optimal networks (spopt)."""

import streamlit as st
from streamlit_folium import st_folium

from lib import loaders, ui
from lib.core import config, schema
from lib.core.errors import AppError
from lib.layout import coverage as layout
from lib.layout import planning
from lib.present import maps
from lib.ui import planning as ui_planning

CHANGES = ui_planning.CHANGES
POINT = "plan_point"

scope = ui.current_scope()
ui.require_page(scope, "view_planning")
data = loaders.load_layout_data(scope)
towns = dict(zip(data.townships.code, data.townships.name, strict=True))
names = dict(zip(data.schools.code, data.schools.name, strict=True))
ui.page_header(ui.tr("nav_planning"), scope, towns=towns)
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
year = c3.selectbox(
    ui.tr("lay_year"),
    years,
    key="plan_year",
    format_func=ui.tr("year_fmt").format,
)
base_name = c4.selectbox(
    ui.tr("plan_base"),
    ["现状", *saved.name],
    key="plan_base",
    help=ui.tr("plan_base_help"),
    format_func=ui.labeller(),
)

ui_planning.scenario_manager(scope, saved)

band_codes = list(layout.band_supply(data.schools, band).code)
left, right = st.columns([2, 1], gap="medium")
with right:
    st.subheader(ui.tr("plan_adjust"))
    kind = st.radio(
        ui.tr("plan_op"),
        ["撤并学校", "并入另一所学校", "新建学校(点击地图选址)", "调整学位/床位"],
        key="plan_kind",
        format_func=ui.labeller(),
    )
    if kind == "撤并学校":
        code = st.selectbox(ui.tr("学校"), band_codes, format_func=names.get, key="plan_close")
        if st.button(ui.tr("plan_add"), key="plan_add_close"):
            st.session_state[CHANGES].append({"op": "close", "code": code})
    elif kind == "并入另一所学校":
        a = st.selectbox(ui.tr("plan_merged"), band_codes, format_func=names.get, key="plan_merge_a")
        b = st.selectbox(ui.tr("plan_into"), band_codes, format_func=names.get, key="plan_merge_b")
        if st.button(ui.tr("plan_add"), key="plan_add_merge") and a != b:
            st.session_state[CHANGES].append({"op": "merge", "code": a, "into": b})
    elif kind == "调整学位/床位":
        code = st.selectbox(ui.tr("学校"), band_codes, format_func=names.get, key="plan_cap_code")
        cap = st.number_input(ui.tr("核定学位"), min_value=0, step=50, key="plan_cap")
        beds = st.number_input(ui.tr("寄宿床位"), min_value=0, step=10, key="plan_beds")
        if st.button(ui.tr("plan_add"), key="plan_add_cap"):
            st.session_state[CHANGES].append(
                {"op": "capacity", "code": code, "capacity": cap, "boarding_beds": beds}
            )
    else:
        point = st.session_state.get(POINT)
        st.caption(
            ui.tr("plan_click")
            if not point
            else ui.tr("plan_picked").format(lon=f"{point[0]:.4f}", lat=f"{point[1]:.4f}")
        )
        level = st.selectbox(
            ui.tr("办学类型"),
            [lv for lv in schema.BAND_LEVELS[band] if lv in schema.LEVELS],
            key="plan_new_level",
        )
        cap = st.number_input(ui.tr("核定学位"), min_value=0, value=600, step=50, key="plan_new_cap")
        beds = st.number_input(ui.tr("寄宿床位"), min_value=0, value=0, step=10, key="plan_new_beds")
        if st.button(ui.tr("plan_add"), key="plan_add_new", disabled=point is None):
            n = sum(1 for c in st.session_state[CHANGES] if c["op"] == "add") + 1
            st.session_state[CHANGES].append(
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
    for i, change in enumerate(st.session_state[CHANGES]):
        r1, r2 = st.columns([5, 1])
        r1.caption(f"{i + 1}. {planning.describe_change(change, names, lang=ui.lang())}")
        if r2.button("✕", key=f"plan_rm_{i}"):
            st.session_state[CHANGES].pop(i)
            st.rerun()

changes = st.session_state[CHANGES]
base_changes = [] if base_name == "现状" else list(saved[saved.name == base_name].iloc[0].changes)
try:
    before = loaders.load_plan_effect(scope, base_changes, band=band, km=km, year=year)
    after = loaders.load_plan_effect(scope, changes, band=band, km=km, year=year)
except AppError as exc:
    st.error(str(exc))
    st.stop()
with left:
    show_after = st.toggle(
        ui.tr("plan_show").format(base=ui.tr(base_name)), value=True, key="plan_show_after"
    )
    shapes = loaders.load_township_geojson(scope)
    effect = after if show_after else before
    m = maps.build_layout_map(
        shapes["townships"], county=shapes.get("county"), **planning.map_inputs(effect, band=band, km=km)
    )
    out = st_folium(
        m,
        key=f"plan_map_{band}_{km}_{show_after}_{len(changes)}_{base_name}",
        height=520,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
point = planning.click_point((out or {}).get("last_clicked"))
if point and point != st.session_state.get(POINT) and kind.startswith("新建"):
    st.session_state[POINT] = point
    st.rerun()

st.subheader(
    ui.tr("plan_effect").format(band=ui.tr(layout.BAND_LABELS[band]), year=year, base=ui.tr(base_name))
)
ui.metric_cards(planning.cards(before, after))
tab_county, tab_towns = st.tabs([ui.tr("全区"), ui.tr("分乡镇")])
county_table = planning.compare(before, after, names=(base_name if base_name != "方案" else "基准", "方案"))
ui.table(county_table, container=tab_county, height=36 * 14 + 4)
towns_table = planning.compare_townships(before, after)
ui.table(towns_table, container=tab_towns, height=36 * 12 + 4)
with tab_towns:
    ui.download_buttons(
        towns_table,
        name=f"方案效果_分乡镇_{band}_{year}",
        scope=scope,
        key="plan_towns_dl",
        sheets={"全区": county_table, "分乡镇": towns_table},
    )

ui_planning.optimizer(data, band=band, km=km, year=year, band_codes=band_codes)
