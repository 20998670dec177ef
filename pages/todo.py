"""我的待办: cases to confirm, follow-ups due or overdue, escalations, notices to issue (and
the aid verification tasks), within the user's Scope."""

import streamlit as st

from lib import loaders, ui
from lib.dropout import ledger as dl
from lib.overview import todo

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
ui.page_header(ui.tr("nav_todo"), scope)
items = loaders.load_todo(scope)
ui.refresh_note("todo", scope)  # the previous figures, while a data change is taken in
people = loaders.load_dropout_ledger(scope)["responsibles"]
named = dl.is_named(people, scope.user)  # a 师长 or 村长 named on cases with this account
if st.toggle(
    ui.tr("do_todo_mine"),
    key="do_todo_mine",
    value=named or "teacher" in scope.role.split("+"),
    help=ui.tr("do_todo_mine_help"),
):
    items = dl.tasks_for_account(items, people, scope.user) if named else todo.for_role(items, scope.role)
counts = todo.counts(items)
cols = st.columns(6)
for col, kind in zip(
    cols, ("升级督办", "逾期跟进", "待确认", "待发文书", "跟进到期", "资助核实"), strict=True
):
    col.metric(ui.tr(kind), counts[kind], border=True)
kinds = st.multiselect(
    ui.tr("事项"),
    [k for k in (*todo.KINDS, "资助核实", *todo.ROSTER_KINDS, *todo.TRANSITION_KINDS) if counts[k]],
    key="do_todo_kinds",
    placeholder=ui.tr("all"),
    format_func=ui.labeller(),
)
view = items[items["kind"].isin(kinds)] if kinds else items
ui.audit_once(scope, "view_list", list="我的待办", kinds=",".join(kinds))
if view.empty:  # an empty table says nothing: say that there is nothing to do
    st.success(ui.tr("todo_empty"), icon=":material/task_alt:")
else:
    st.caption(ui.tr("do_todo_caption").format(n=len(view)))
    table, colours = todo.display(view)
    ui.coloured_table(
        table, colours, formats={}, height=min(36 * (len(table) + 1) + 4, 440), translate=("事项",)
    )

cases = view[view["page"] == "dropout_case"]["task_id"].drop_duplicates().tolist()
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
if cases:
    pick = c1.selectbox(ui.tr("do_todo_pick"), cases, key="do_todo_pick")
    if c2.button(ui.tr("do_open_case"), key="do_todo_open", type="primary"):
        st.session_state[dl.SELECTED_CASE] = pick
        st.switch_page("pages/dropout_case.py")
if (view["page"] == "roster_check").any():  # 学籍核查
    st.page_link("pages/roster_check.py", label=ui.tr("do_todo_roster"), icon=":material/how_to_reg:")
if (view["page"] == "transition").any():  # 小升初
    st.page_link("pages/transition.py", label=ui.tr("do_todo_transition"), icon=":material/move_up:")
if (view["kind"] == "待确认").any():
    st.page_link("pages/dropout_cases.py", label=ui.tr("do_todo_confirm"), icon=":material/folder_shared:")
