"""两表与核查反馈: 辍学学生登记表, 劝返复学情况表, the 核查反馈 file and the escalation notice list."""

import streamlit as st

from lib import loaders, ui
from lib.core import audit
from lib.dropout import forms as dropout_forms
from lib.dropout import monitor as dm

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
ui.page_header(ui.tr("do_forms"), scope)
scope = ui.unmask_control(scope, "两表与核查反馈")
tables = loaders.load_dropout_forms(scope, mask=scope.mask)
where = dm.scope_label(scope, {})  # the printed sheet's words: the sheets are the bureau's, in Chinese
notes = {key: ui.tr(f"do_form_{key}") for key in dropout_forms.FORMS}
tabs = st.tabs(
    [
        ui.tr("with_count").format(what=ui.tr(label), n=len(tables[key]))
        for key, label in dropout_forms.FORMS.items()
    ]
)
for tab, (key, label) in zip(tabs, dropout_forms.FORMS.items(), strict=True):
    with tab:
        table = tables[key]
        ui.audit_once(scope, "view_list", list=label, masked=scope.mask)
        shown_where = dm.scope_label(scope, {}, lang=ui.lang())
        st.caption(
            f"{notes[key]} · {shown_where} · {ui.tr('as_of_day').format(day=ui.fmt_date(scope.as_of))}"
        )
        ui.table(table, height=min(36 * (len(table) + 1) + 4, 420))
        ui.named_download_buttons(table, name=label, scope=scope, key=f"do_form_{key}", title=label)
        st.download_button(  # the printable A4 sheet; every print is recorded like an export
            ui.tr("do_form_print").format(form=ui.tr(label)),
            dropout_forms.render_html(label, table, scope_text=where, as_of=scope.as_of),
            file_name=f"{label}_{scope.as_of.isoformat()}.html",
            mime="text/html",
            key=f"do_form_{key}_print",
            on_click=audit.record,
            args=(scope, "print_form"),
            kwargs={"form": label, "rows": len(table), "masked": scope.mask},
        )
