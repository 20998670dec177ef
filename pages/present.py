"""汇报模式: the overview's numbers for a meeting, one screen at a time, no personal data."""

from dataclasses import replace

import streamlit as st

from lib import loaders, ui
from lib.core.i18n import t
from lib.overview import briefing
from lib.ui import mapview
from lib.ui import present as ui_present

scope = ui.current_scope()
ui.require_page(scope, "briefing")
scope = replace(scope, mask=True)  # aggregates only: nothing personal is read or shown, whatever the role
ui_present.chrome()
b = loaders.load_briefing(scope)

lang = ui.lang()
titles, keys = [ui.tr(x) for x in briefing.SLIDES.values()], list(briefing.SLIDES)
slide = keys[ui_present.step_bar(titles, lambda i: briefing.slide_header_html(b, keys[i], lang=lang))]

if slide == "numbers":
    st.html(briefing.present_html(briefing.cards_html(briefing.headlines(b, lang=lang), b.last, lang=lang)))
elif slide == "red_list":
    st.html(briefing.present_html(briefing.red_list_html(b, lang=lang)))
elif slide == "map":
    m = briefing.school_map(b, loaders.load_township_geojson(scope), medium="slide")
    mapview.show_map(
        m, key="present_map", returned_objects=[], height=ui_present.SLIDE_HEIGHT, use_container_width=True
    )
elif slide in ("dropout", "aid"):
    figs = briefing.figures(b, medium="slide", height=ui_present.SLIDE_HEIGHT, lang=lang)
    left, right = st.columns(2, gap="large")
    first, second = ("case_trend", "consolidation") if slide == "dropout" else ("aid_coverage", "aid_on_time")
    for col, key in ((left, first), (right, second)):  # theme=None: our fonts and colours, not pale greys
        col.plotly_chart(
            ui.figure(figs[key]),
            width="stretch",
            config={"displayModeBar": False},
            key=f"present_{key}",
            theme=None,
        )
else:
    c1, c2, c3 = st.columns(3)
    with c1:
        shapes = loaders.load_township_geojson(scope)
        ui_present.export_job(  # a background job: the 简报 with its maps takes a while
            lambda: briefing.render_html(b, shapes).encode(),
            scope=scope,
            file_name=briefing.file_stem(b) + ".html",
            key="present_html",
        )
    with c2:
        ui_present.file_button(
            t("present_xlsx", lang),
            lambda: briefing.summary_xlsx(b),
            scope=scope,
            what="简报汇总表",
            file_name=briefing.file_stem(b) + ".xlsx",
            key="present_xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if c3.button(t("present_save", lang), key="present_save", type="primary", width="stretch"):
        st.session_state["present_saved"] = briefing.save(b)
        st.rerun()
    if saved := st.session_state.pop("present_saved", None):
        st.success(ui.tr("present_saved").format(id=saved))
    ui.note(ui.tr("present_note"))
    st.subheader(ui.tr("present_snapshots"))
    saved_list = briefing.snapshots_view(briefing.load_snapshots(scope))
    if saved_list.empty:
        ui.note(ui.tr("snapshots_empty"))
    else:
        ui.table(saved_list)
