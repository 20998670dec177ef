"""两表与核查反馈: 辍学学生登记表, 劝返复学情况表, the 核查反馈 file and the escalation notice list."""

import streamlit as st

from lib import loaders, ui
from lib.core import audit, fmt
from lib.dropout import forms as dropout_forms
from lib.dropout import monitor as dm

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
ui.page_header(ui.tr("do_forms"), scope)
scope = ui.unmask_control(scope, "两表与核查反馈")
tables = loaders.load_dropout_forms(scope, mask=scope.mask)
where = dm.scope_label(scope, {})
notes = {
    "register": "当前疑似辍学与已核实辍学(未返校)的学生，按户籍乡镇排列；辍学(疑似)时间为核实日期(未核实的为上报日期)。",
    "returns": "本学年返校的学生(含再次辍学后又返校的)：劝返责任人为返校前登记劝返措施的人员；巩固情况按返校后30天、90天是否在校(无连续缺勤)判断。",
    "feedback": "每件台账一行：核查结果(在校/已返校/辍学/核查中)、说明、核查人与日期。列序为通用格式，省级模块公布其格式后按 docs/dropout.md 调整。",
    "escalations": "跟进逾期已升级、而督办对象没有系统账号的案件(有账号的已进入其“我的待办”)：打印或导出后送达。",
}
tabs = st.tabs([f"{label}({len(tables[key])})" for key, label in dropout_forms.FORMS.items()])
for tab, (key, label) in zip(tabs, dropout_forms.FORMS.items(), strict=True):
    with tab:
        table = tables[key]
        ui.audit_once(scope, "view_list", list=label, masked=scope.mask)
        st.caption(f"{notes[key]} · {where} · 截至{fmt.fmt_date(scope.as_of)}")
        st.dataframe(table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1) + 4, 420))
        ui.named_download_buttons(table, name=label, scope=scope, key=f"do_form_{key}", title=label)
        st.download_button(  # the printable A4 sheet; every print is recorded like an export
            f"打印《{label}》(A4 横向，网页文件)",
            dropout_forms.render_html(label, table, scope_text=where, as_of=scope.as_of),
            file_name=f"{label}_{scope.as_of.isoformat()}.html",
            mime="text/html",
            key=f"do_form_{key}_print",
            on_click=audit.record,
            args=(scope, "print_form"),
            kwargs={"form": label, "rows": len(table), "masked": scope.mask},
        )
