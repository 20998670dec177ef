"""数据导入's widget blocks (the page stays thin): the column-mapping editor, the validation
report, the import history with undo.  Logic is :mod:`lib.ingest.view` and :mod:`lib.ingest`."""

from __future__ import annotations

import streamlit as st

from lib import ingest, loaders, ui
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.ingest import view


def mapping_editor(base: ingest.ParsedFile, kind: str, signature: str) -> dict[str, str]:
    """The 列对应 expander (open when the guess needs a person); returns header -> chosen field."""
    with st.expander(ui.tr("imp_mapping"), expanded=view.needs_mapping(base)):
        options = view.field_options(kind, lang=ui.lang())
        grid, chosen = st.columns(3), {}
        for r in view.mapping_rows(base, lang=ui.lang()):
            chosen[r["header"]] = grid[r["i"] % 3].selectbox(
                r["header"],
                list(options),
                index=list(options).index(r["field"]),
                format_func=options.get,
                key=f"imp_map_{signature}_{r['i']}",
                help=ui.tr("label_value").format(
                    label=ui.tr("imp_example"), value=r["examples"] or ui.tr("imp_empty")
                ),
            )
    return chosen


def show_report(report: ingest.Report, scope: Scope, *, kind: str, name: str) -> None:
    """The validation report: counts, problems by code and by row, a masked preview."""
    st.subheader(ui.tr("imp_report"))
    ui.metric_cards(view.summary_cards(report, lang=ui.lang()), per_row=4)
    if report.problems:
        st.markdown(f"**{ui.tr('imp_by_code')}**")
        table, colours = view.code_table(report)
        ui.coloured_table(table, colours, formats={}, height=view.table_height(len(table), 250))
        st.markdown(f"**{ui.tr('imp_problems')}**")
        table, colours = view.problem_table(report)
        ui.coloured_table(table, colours, formats={"行": "{:.0f}"}, height=view.table_height(len(table), 320))
        if len(report.problems) > len(table):
            ui.note(view.truncated_note(report, len(table), lang=ui.lang()))
    if report.valid_rows:
        st.markdown(f"**{ui.tr('imp_preview')}**")
        ui.audit_once(scope, "view_list", list="导入预览", kind=kind, file=name)
        ui.table(view.preview(report, mask=scope.mask), height=260)


def history_and_undo(scope: Scope) -> None:
    """Recent imports, and the button that undoes the latest one when it still can be."""
    st.subheader(ui.tr("imp_history"))
    history, last, reason = loaders.load_imports(scope)
    if history.empty:
        ui.note(ui.tr("imp_no_history"))
    else:
        table = view.history_table(history)
        ui.table(table, height=view.table_height(len(table), 250))
    if last is not None:
        if reason:
            ui.note(ui.tr("imp_cannot_undo").format(id=last["import_id"], reason=reason))
        what = ui.tr("list_sep").join([last["import_id"], ui.tr(view.kind_label(last["kind"]))])
        if st.button(
            ui.tr("paren").format(a=ui.tr("imp_undo"), b=what),
            key="imp_undo",
            disabled=reason is not None,
        ):
            try:
                message = view.undo_file(scope, last["import_id"], lang=ui.lang())
            except AppError as exc:
                st.error(getattr(exc, "reason", str(exc)))
            else:
                st.session_state["imp_flash"] = message
                loaders.after_change(loaders.touched_by_kind(last["kind"]))
                st.rerun()
    with st.expander(ui.tr("imp_codes")):
        ui.table(view.problem_codes_table())
