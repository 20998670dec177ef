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
        options = view.field_options(kind)
        grid, chosen = st.columns(3), {}
        for r in view.mapping_rows(base):
            chosen[r["header"]] = grid[r["i"] % 3].selectbox(
                r["header"],
                list(options),
                index=list(options).index(r["field"]),
                format_func=options.get,
                key=f"imp_map_{signature}_{r['i']}",
                help=f"示例：{r['examples'] or '(空)'}",
            )
    return chosen


def show_report(report: ingest.Report, scope: Scope, *, kind: str, name: str) -> None:
    """The validation report: counts, problems by code and by row, a masked preview."""
    st.subheader(ui.tr("imp_report"))
    ui.metric_cards(view.summary_cards(report), per_row=4)
    if report.problems:
        st.markdown(f"**{ui.tr('imp_by_code')}**")
        table, colours = view.code_table(report)
        ui.coloured_table(table, colours, formats={}, height=view.table_height(len(table), 250))
        st.markdown(f"**{ui.tr('imp_problems')}**")
        table, colours = view.problem_table(report)
        ui.coloured_table(table, colours, formats={"行": "{:.0f}"}, height=view.table_height(len(table), 320))
        if len(report.problems) > len(table):
            ui.note(view.truncated_note(report, len(table)))
    if report.valid_rows:
        st.markdown(f"**{ui.tr('imp_preview')}**")
        ui.audit_once(scope, "view_list", list="导入预览", kind=kind, file=name)
        ui.table(view.preview(report, mask=scope.mask), hide_index=True, width="stretch", height=260)


def history_and_undo(scope: Scope) -> None:
    """Recent imports, and the button that undoes the latest one when it still can be."""
    st.subheader(ui.tr("imp_history"))
    history, last, reason = loaders.load_imports(scope)
    if history.empty:
        ui.note("还没有导入记录。")
    else:
        table = view.history_table(history)
        ui.table(table, hide_index=True, width="stretch", height=view.table_height(len(table), 250))
    if last is not None:
        if reason:
            ui.note(f"最近一次导入 {last['import_id']} 不能撤销：{reason}")
        if st.button(
            f"{ui.tr('imp_undo')}（{last['import_id']}，{view.kind_label(last['kind'])}）",
            key="imp_undo",
            disabled=reason is not None,
        ):
            try:
                message = view.undo_file(scope, last["import_id"])
            except AppError as exc:
                st.error(getattr(exc, "reason", str(exc)))
            else:
                st.session_state["imp_flash"] = message
                st.rerun()
    with st.expander(ui.tr("imp_codes")):
        ui.table(view.problem_codes_table(), hide_index=True, width="stretch")
