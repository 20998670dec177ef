"""数据导入: upload, fix the column mapping, validate, preview, commit; undo the last import."""

import streamlit as st

from lib import ingest, loaders, ui
from lib.core.errors import AppError
from lib.ingest import view
from lib.ui import imports as ui_imports

scope = ui.current_scope()
ui.require_page(scope, "import")
ui.page_header(ui.tr("nav_import"), scope)
if msg := st.session_state.pop("imp_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "导入预览")
allowed, why = ingest.may_import(scope)
if not allowed:
    st.warning(why)

c1, c2 = st.columns([1, 2])
kind = c1.selectbox(
    ui.tr("imp_kind"),
    view.KIND_CHOICES,
    index=view.KIND_CHOICES.index("students"),
    format_func=ui.labeller(view.kind_label),
    key="imp_kind",
    help=view.kind_help(lang=ui.lang()),
)
upload = c2.file_uploader(
    ui.tr("imp_upload"),
    type=["csv", "xlsx", "geojson", "json", "zip"],  # boundaries: GeoJSON or a zipped shapefile
    max_upload_size=ui.upload_limit_mb(),
    key=f"imp_file_{st.session_state.get('imp_n', 0)}",
)  # a new key empties it
handoff = st.session_state.get("imp_handoff")
data = name = parsed = report = None
if upload is not None:
    data, name = ui.uploaded(upload) or (None, None)  # the upload gate: size, rows, zip bombs
elif handoff:
    data, name = handoff["data"], handoff["name"]
    st.caption(ui.tr("label_value").format(label=ui.tr("imp_from_explore"), value=name))
else:
    ui.note(ui.tr("imp_help"))

if data is not None:
    sheets = ingest.sheet_names(data)
    sheet = st.selectbox(ui.tr("imp_sheet"), sheets, key="imp_sheet") if len(sheets) > 1 else None
    try:
        parsed = loaders.read_upload(data, name, kind=kind, sheet=sheet)
    except AppError as exc:
        st.error(str(exc))

if parsed is not None:
    remembered = loaders.load_remembered_mapping(kind, parsed.signature()) or {}
    base = ingest.remap(parsed, remembered)
    chosen = ui_imports.mapping_editor(base, kind, parsed.signature())
    mapping = {**remembered, **view.overrides(base, chosen)}
    o1, o2 = st.columns([2, 1])
    mode = o1.radio(
        ui.tr("imp_mode"),
        ingest.MODES,
        format_func=ui.labeller(ingest.MODE_LABELS.get),
        horizontal=True,
        key="imp_mode",
        help=view.mode_help(kind, lang=ui.lang()),
    )
    crs = None
    if "lon" in ingest.KINDS[kind].names:
        crs = o2.selectbox(
            ui.tr("imp_crs"),
            list(ingest.CRS),
            format_func=ui.labeller(ingest.CRS.get),
            key="imp_crs",
            index=list(ingest.CRS).index(parsed.crs_hint or "wgs84"),
        )
    with st.spinner(ui.tr("imp_checking")):
        report = loaders.validate_upload(
            scope, data, name, kind=kind, mapping=mapping, mode=mode, crs=crs, sheet=sheet
        )

if report is not None:
    ui_imports.show_report(report, scope, kind=kind, name=name)
    drop = False
    if report.fatal:
        st.error(ui.tr("imp_fatal"))
    elif report.errors:
        drop = st.checkbox(view.drop_label(ui.tr("imp_drop_bad"), report, lang=ui.lang()), key="imp_drop_bad")
        if not drop:
            ui.note(ui.tr("imp_has_errors"))
    ready = view.ready_to_commit(report, allowed=allowed, drop=drop)
    if st.button(
        ui.tr("imp_commit_rows").format(n=f"{report.valid_rows:,}"),
        type="primary",
        disabled=not ready,
        key="imp_commit",
    ):
        bar = st.progress(0.0, text=ui.tr("imp_starting"))
        try:
            message = view.commit_file(
                data,
                name,
                kind=kind,
                mapping=mapping,
                sheet=sheet,
                signature=parsed.signature(),
                scope=scope,
                mode=mode,
                drop_bad_rows=drop,
                crs=crs,
                progress=lambda f, t: bar.progress(f, text=ui.tr(t)),
                lang=ui.lang(),
            )
        except AppError as exc:
            st.error(getattr(exc, "reason", str(exc)))
        else:
            st.session_state["imp_flash"] = message
            loaders.after_change(loaders.touched_by_kind(kind))
            st.session_state.pop("imp_handoff", None)
            st.session_state["imp_n"] = st.session_state.get("imp_n", 0) + 1  # a fresh, empty uploader
            st.rerun()

ui_imports.history_and_undo(scope)
