"""自由探索: drop any CSV/XLSX: column profile, pivot with a chart, a map; nothing is stored."""

import streamlit as st

from lib import ingest, loaders, ui
from lib.core import fmt
from lib.core.errors import AppError
from lib.ingest import explore
from lib.present import maps
from lib.ui import mapview

scope = ui.current_scope()
ui.require_page(scope, "view_aggregates")
ui.page_header(ui.tr("nav_explore"), scope)
upload = st.file_uploader(
    ui.tr("exp_upload"),
    type=["csv", "xlsx"],
    key="exp_file",
    max_upload_size=ui.upload_limit_mb(),
)
ui.note(ui.tr("exp_help"))
info = None
if (got := ui.uploaded(upload)) is not None:  # the upload gate: size, rows, zip bombs
    data, name = got
    sheets = ingest.sheet_names(data)
    sheet = st.selectbox(ui.tr("imp_sheet"), sheets, key="exp_sheet") if len(sheets) > 1 else None
    try:
        info = loaders.explore_file(data, name, sheet=sheet)
    except AppError as exc:
        st.error(str(exc))

if info is not None:
    frame, personal, types = info["frame"], info["personal"], info["types"]
    parsed = info["parsed"]
    masked_note = ui.tr("exp_masked").format(cols=ui.tr("list_sep").join(personal)) if personal else ""
    st.caption(
        ui.tr("exp_file_caption").format(
            name=name,
            header=parsed.header_row,
            rows=fmt.fmt_count(len(frame), lang=ui.lang()),
            cols=len(types),
        )
        + (ui.tr("exp_encoding").format(enc=parsed.encoding) if parsed.encoding else "")
        + masked_note
        + ui.tr("exp_not_saved")
    )
    for skipped in info.get("skipped", []):  # 合计 and signature lines are not data
        ui.note(skipped)
    if personal:
        ui.audit_once(scope, "view_list", list="自由探索", file=name, columns=",".join(personal))

    st.subheader(ui.tr("exp_profile"))
    ui.table(
        info["profile"],
        height=min(35 * (len(types) + 1) + 3, 360),
        column_config={"缺失率": st.column_config.NumberColumn(format="percent")},
    )

    st.subheader(ui.tr("exp_pivot"))
    cols = list(types)
    p1, p2, p3 = st.columns([2, 1, 1])
    default_by = [c for c, t in types.items() if t in ("text", "code", "bool")][:1] or cols[:1]
    by = p1.multiselect(ui.tr("exp_by"), cols, default=default_by, max_selections=2, key="exp_by")
    agg = p2.selectbox(
        ui.tr("exp_agg"),
        list(explore.AGGREGATES),
        format_func=ui.labeller(explore.AGGREGATES.get),
        key="exp_agg",
    )
    numeric = [c for c, t in types.items() if t in ("number", "lon", "lat")]
    measure = p3.selectbox(
        ui.tr("exp_measure"),
        numeric if agg != "nunique" else cols,
        key="exp_measure",
        disabled=agg == "count",
        index=None if agg == "count" or not numeric else 0,
    )
    if by and (agg == "count" or measure):
        table = explore.pivot(frame, by, measure=measure, agg=agg, personal=personal)
        title = ui.tr("exp_chart_title").format(
            what=explore.pivot_title(by, measure, agg, lang=ui.lang()),
            name=name,
            day=ui.fmt_date(scope.as_of),
        )
        chart, values = st.columns([3, 2])
        fig = explore.plot_pivot(table, by, title=title, date_like=types.get(by[0]) == "date")
        chart.plotly_chart(ui.figure(fig), width="stretch", config={"displayModeBar": False})
        ui.table(
            table.rename(columns={"value": explore.AGGREGATES[agg]}),
            where=values,
            height=min(35 * (len(table) + 1) + 3, fig.layout.height or 400, 480),
        )
    elif by:
        ui.note(ui.tr("exp_pick_number"))

    st.subheader(ui.tr("exp_map"))
    places = loaders.load_places(scope)
    geo = explore.detect_geo(frame, types, **places)
    shapes = loaders.load_township_geojson(scope)
    if geo.how == "points":
        cells = explore.grid_points(frame, geo)
        st.caption(explore.map_caption(geo, rows=len(frame), mapped=int(cells["rows"].sum()), lang=ui.lang()))
        m = explore.point_map(
            cells, title=ui.tr("exp_map_rows").format(name=name), boundary=shapes.get("county")
        )
        mapview.show_map(m, key="exp_map_points", returned_objects=[], height=460, use_container_width=True)
    elif geo.how in ("townships", "villages"):
        counts = explore.township_counts(
            frame, geo, township_names=places["township_names"], village_codes=places["village_codes"]
        )
        st.caption(
            explore.map_caption(geo, rows=len(frame), mapped=int(sum(counts.values())), lang=ui.lang())
        )
        m = maps.build_choropleth(
            shapes["townships"],
            counts,
            title=ui.tr("exp_map_towns").format(name=name),
            fmt="{:,.0f}",
            boundary=shapes.get("county"),
        )
        mapview.show_map(m, key="exp_map_towns", returned_objects=[], height=460, use_container_width=True)
    else:
        ui.note(ui.tr("exp_no_map"))

    if st.button(ui.tr("exp_to_import"), key="exp_to_import", type="primary"):
        st.session_state["imp_handoff"] = {"data": data, "name": name}
        st.switch_page("pages/data_import.py")
