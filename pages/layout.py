"""学校布局: schools against school-age children, coverage by township, five-year projection."""

import streamlit as st

from lib import loaders, ui
from lib.core import config
from lib.layout import coverage as layout
from lib.present import maps
from lib.ui import layout as ui_layout
from lib.ui import planning as ui_planning

scope = ui.current_scope()
ui.require_page(scope, "view_aggregates")
data = loaders.load_layout_data(scope)
towns = dict(zip(data.townships.code, data.townships.name, strict=True))
ui.page_header(ui.tr("nav_layout"), scope, towns=towns)
ui_layout.stop_before_records(data, scope)  # a day before the store knew any school

c1, c2, c3, c4, c5 = st.columns([1.1, 1, 1, 1.2, 1.3])
band = c1.radio(
    ui.tr("lay_band"),
    list(layout.BAND_LABELS),
    format_func=ui.labeller(layout.BAND_LABELS.get),
    horizontal=True,
    key="lay_band",
)
km = c2.number_input(
    ui.tr("lay_km"),
    min_value=0.5,
    max_value=30.0,
    step=0.5,
    key=f"lay_km_{band}",
    value=float(config.SETTINGS["layout"]["reach_km"][band]),
)
years = list(range(data.base_year, data.base_year + config.SETTINGS["layout"]["projection_years"] + 1))
year = c3.selectbox(
    ui.tr("lay_year"),
    years,
    key="lay_year",
    format_func={
        y: ui.tr("lay_now" if y == data.base_year else "lay_projected").format(y=y) for y in years
    }.get,
)
measure = c4.selectbox(
    ui.tr("lay_measure"),
    list(layout.MAP_MEASURES),
    key="lay_measure",
    format_func=ui.labeller(lambda m: layout.MAP_MEASURES[m]["label"]),
)
base = c5.selectbox(
    ui.tr("lay_base"), list(maps.BASE_LAYERS), format_func=ui.labeller(maps.BASE_LAYERS.get), key="lay_base"
)

view = loaders.load_layout_view(scope, band=band, km=km, year=year)
ui.metric_cards(layout.cards(view, lang=ui.lang()), per_row=4)
ui.note(ui.tr("lay_rule"))

key = loaders.tianditu_key() if base == "tianditu" else None
if base == "tianditu" and not key:
    st.info(ui.tr(maps.TIANDITU_HELP), icon=":material/key:")
left, right = st.columns([2.2, 1], gap="medium")
with left:
    st.caption(
        ui.tr("lay_map_caption").format(band=ui.tr(layout.BAND_LABELS[band]))
        + f" · {ui.fmt_date(scope.as_of)} · {ui.tr('lay_demo_geo')}"
    )
    out = ui_layout.show_layout_map(
        scope,
        data,
        view,
        measure=measure,
        base=base,
        tianditu_key=key,
        key=f"lay_map_{band}_{km}_{year}_{measure}_{base}",
        height=560,
        use_container_width=True,
        returned_objects=["last_object_clicked"],
    )
clicked = layout.school_at_click(view.schools, (out or {}).get("last_object_clicked"), base=base)
if clicked:
    st.session_state["lay_school"] = clicked
with right:
    ui_layout.school_card(data, view, towns)

st.subheader(ui.tr("lay_townships"))
table, colours = ui.memo(layout.township_table, view)  # once per view, not on every click
ui.coloured_table(table, colours, formats=layout.TABLE_FORMATS, height=min(36 * (len(table) + 1) + 4, 460))
ui.download_buttons(
    ui.memo(layout.township_export, view),
    name=f"学校布局_{band}_{year}",
    scope=scope,
    key="lay_dl",
    title=f"各乡镇学校布局 · {layout.BAND_LABELS[band]} · {year}年",
)

ui_layout.charts(scope, view, band=band, km=km, year=year)

ui_planning.layout_downloads(scope, data, view)

flags = ui.memo(layout.school_flags, view, data, lang=ui.lang(), by=(ui.lang(), id(data)))
st.subheader(ui.tr("lay_flags"))
if flags.empty:
    st.caption(ui.tr("无"))
else:
    ui.table(flags)
    ui.download_buttons(flags, name=f"需关注学校_{band}", scope=scope, key="lay_flags_dl")
