"""控辍保学: who is out of school now, where, why, and this term week by week."""

import streamlit as st

from lib import loaders, ui
from lib.dropout import charts as dropout_charts
from lib.dropout import monitor as dm
from lib.ui import mapview

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
data = loaders.load_dropout_monitoring(scope)
found, _ = loaders.load_dropout_proposals(scope)
towns = dict(zip(data.townships.code, data.townships.name, strict=True))
where = dm.scope_label(scope, towns, lang=ui.lang())
when = ui.tr("as_of_day").format(day=ui.fmt_date(scope.as_of))
ui.page_header(ui.tr("nav_dropout"), scope, towns=towns)
ui.refresh_note("dropout_monitoring", scope)  # the previous figures, while a data change is taken in

ui.metric_cards(dm.cards(data, proposals=len(found)), per_row=6)
ui.note(
    ui.tr("do_case_rule")
    + " "
    + ui.tr("do_target").format(target=ui.tr(dm.target_text()))
    + ui.tr("item_sep")
    + ui.tr("do_home_rule")
)
c1, c2, c3 = st.columns(3)
c1.page_link(
    "pages/dropout_cases.py",
    label=ui.tr("label_value").format(label=ui.tr("nav_dropout_cases"), value=ui.tr("do_cases_link")),
    icon=":material/folder_shared:",
)
c2.page_link("pages/todo.py", label=ui.tr("nav_todo"), icon=":material/checklist:")
c3.page_link(
    "pages/dropout_weekly.py",
    label=ui.tr("paren").format(a=ui.tr("nav_dropout_weekly"), b=ui.tr("do_export")),
    icon=":material/event_note:",
)

left, right = st.columns([7, 4], gap="medium")
with left:
    by = st.radio(
        ui.tr("do_breakdown"),
        list(dm.BREAKDOWNS),
        format_func=ui.labeller(dm.BREAKDOWNS.get),
        horizontal=True,
        key="do_by",
    )
    table, colours, formats = dm.breakdown_display(data, by)
    st.caption(ui.tr("do_breakdown_caption").format(by=ui.tr(dm.BREAKDOWNS[by]), where=where, when=when))
    ui.coloured_table(table, colours, formats=formats, height=430)
with right:
    measure = st.selectbox(
        ui.tr("map_measure"),
        list(dm.MAP_MEASURES),
        format_func=ui.labeller(lambda m: dm.MAP_MEASURES[m][0]),
        key="do_measure",
    )
    mapview.show_choropleth(
        dm.choropleth,
        data,
        scope,
        dm.township_values(data, measure),
        build_kw={"measure": measure, "where": where},
        key=f"do_map_{measure}",
        returned_objects=[],
        height=430,
        use_container_width=True,
    )

left, right = st.columns(2, gap="medium")
with left:
    fig = ui.cached_figure(
        dropout_charts.plot_weekly_trend, data.trend, title=f"{ui.tr('do_trend')} · {where} · {when}"
    )
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key="do_trend_chart")
with right:
    fig = ui.cached_figure(
        dropout_charts.plot_reasons, data.reasons, title=f"{ui.tr('do_reasons')} · {where} · {when}"
    )
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False}, key="do_reason_chart")
