"""总览: the state of the county at a glance."""

import streamlit as st

from lib import loaders, ui
from lib.ops import golive
from lib.overview import metrics
from lib.overview import view as overview_view
from lib.present import charts
from lib.ui import mapview

scope = ui.current_scope()
ui.require_page(scope, "view_aggregates")
data = loaders.load_overview(scope)
towns = dict(zip(data.townships.code, data.townships.name, strict=True))
ui.page_header(ui.tr("nav_overview"), scope, towns=towns)
ui.refresh_note("overview", scope)  # the previous figures, while a data change is taken in

unknown = golive.unknown_measures(loaders.load_golive_status())  # not imported: 未导入, never 0 %
ui.metric_cards(overview_view.cards(data, lang=ui.lang(), unknown=unknown))
ui.note(ui.tr("scope_rule"))

st.subheader(ui.tr("township_table"))
table, colours, formats = overview_view.township_table(data, unknown=unknown)
ui.coloured_table(table, colours, formats=formats, height=min(36 * (len(table) + 1) + 4, 420))

left, right = st.columns([1, 1], gap="medium")
with left:
    measure = st.selectbox(
        ui.tr("map_measure"),
        list(overview_view.MAP_MEASURES),
        format_func=ui.labeller(metrics.MEASURE_LABELS.get),
        key="ov_measure",
    )
    mapview.show_choropleth(
        overview_view.choropleth,
        data,
        scope,
        overview_view.township_values(data, measure),
        build_kw={"measure": measure},
        key=f"ov_map_{measure}",
        returned_objects=[],
        height=440,
        use_container_width=True,
    )
with right:
    fig = ui.cached_figure(
        charts.plot_case_trend,
        data.trend,
        title=ui.tr("as_of_paren").format(what=ui.tr("case_trend"), day=ui.fmt_date(scope.as_of)),
        height=500,
    )
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})
