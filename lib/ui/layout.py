"""学校布局: the school card and the two charts as streamlit blocks (the page reads the widgets
and the loaders, and calls these)."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from lib import loaders, ui
from lib.core.scope import Scope, school_year_of
from lib.layout import coverage as layout
from lib.present import maps
from lib.ui import mapview


def stop_before_records(data: layout.LayoutData, scope: Scope) -> None:
    """On a day before the store's first record of schools, say so and stop the page: a layout
    of no school would read as zeros, not as "no data"."""
    if data.records_from is None:
        return
    st.info(
        ui.tr("lay_before_records").format(
            day=ui.fmt_date(scope.as_of),
            first=ui.fmt_date(data.records_from),
            year=f"{school_year_of(data.records_from)}-{school_year_of(data.records_from) + 1}",
        ),
        icon=":material/history:",
    )
    st.stop()


def show_layout_map(
    scope: Scope,
    data: layout.LayoutData,
    view: layout.LayoutView,
    *,
    measure: str,
    base: str,
    tianditu_key: str | None,
    **widget: Any,
) -> Any:
    """学校布局's map, shown by :func:`lib.ui.mapview.show_map` (``widget``: st_folium's
    arguments): built and rendered once per store data, Scope and choices (the view is decided
    by the Scope, band, distance and year); returns what st_folium returns."""
    return mapview.show_map(
        partial(_build_layout_map, scope, data, view, measure=measure, base=base, tianditu_key=tianditu_key),
        inputs=(
            loaders.data_key(),
            scope.cache_key(),
            view.band,
            view.km,
            view.year,
            measure,
            base,
            tianditu_key,
        ),
        **widget,
    )


def _build_layout_map(
    scope: Scope,
    data: layout.LayoutData,
    view: layout.LayoutView,
    *,
    measure: str,
    base: str,
    tianditu_key: str | None,
) -> Any:
    shapes = loaders.load_township_geojson(scope)
    return maps.build_layout_map(
        shapes["townships"],
        county=shapes.get("county"),
        base=base,
        tianditu_key=tianditu_key,
        **layout.map_inputs(data, view, measure=measure),
    )


def school_card(data: layout.LayoutData, view: layout.LayoutView, towns: dict[str, str]) -> None:
    """The card of the school clicked on the map (``lay_school``), or a hint to click one."""
    st.subheader(ui.tr("lay_card"))
    code = st.session_state.get("lay_school")
    if not code or code not in set(data.schools.code):
        st.caption(ui.tr("lay_card_hint"))
        return
    card = layout.school_card(data, view, code)
    st.markdown(
        f"**{card['name']}**  \n{card['level']} · {towns.get(card['township_code'], '')} · "
        f"{ui.tr(layout.STATUS_LABELS[card['status']])}"
    )
    a, b = st.columns(2)
    a.metric(ui.tr("在校生"), f"{card['enrolled']:,}")
    b.metric(ui.tr("核定学位"), "—" if card["capacity"] is None else f"{card['capacity']:,}")
    a.metric(
        ui.tr("lay_classes"),
        f"{card['classes'] or '—'} / {card['mean_class']:.0f}" if card["mean_class"] else "—",
    )
    b.metric(ui.tr("lay_boarders"), f"{card['boarders']:,} / {card['boarding_beds']:,}")
    ui.table(card["by_grade"], height=250)
    st.plotly_chart(
        ui.figure(layout.plot_school_trend(card)),
        width="stretch",
        config={"displayModeBar": False},
        key="lay_card_chart",
    )


def charts(scope: Scope, view: layout.LayoutView, *, band: str, km: float, year: int) -> None:
    """Children by distance to the nearest school, and the five-year projection, side by side."""
    g1, g2 = st.columns(2)
    stamp = ui.tr("lay_stamp").format(
        where=ui.tr("全区" if scope.townships is None else "lay_chosen"), day=ui.fmt_date(scope.as_of)
    )
    # the view is decided by the store's data, the Scope and the page's choices (loaders.load_layout_view)
    decided_by = (loaders.data_key(), scope.cache_key(), band, km, year)
    g1.plotly_chart(
        ui.cached_figure(
            layout.plot_distance,
            view,
            inputs=decided_by,
            title=ui.tr("lay_distance_title").format(year=year, stamp=stamp),
        ),
        width="stretch",
        config={"displayModeBar": False},
    )
    g2.plotly_chart(
        ui.cached_figure(
            layout.plot_projection,
            view,
            inputs=decided_by,
            title=ui.tr("lay_projection_title").format(band=ui.tr(layout.BAND_LABELS[band]), stamp=stamp),
        ),
        width="stretch",
        config={"displayModeBar": False},
    )
