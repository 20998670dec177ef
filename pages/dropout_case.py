"""案件详情: one case: status moves, follow-ups and the action log, the 六长, notices."""

import streamlit as st

from lib import loaders, ui
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import ledger as dl
from lib.ui import cases as case_ui

scope = ui.current_scope()
ui.require_page(scope, "view_named")
case_id = st.session_state.get(dl.SELECTED_CASE)
ui.page_header(f"{ui.tr('nav_dropout_case')} {case_id or ''}", scope)
detail = loaders.load_dropout_case(scope, case_id) if case_id else None
if detail is None:
    st.info(ui.tr("do_no_case"))
    st.page_link("pages/dropout_cases.py", label=ui.tr("nav_dropout_cases"), icon=":material/folder_shared:")
    st.stop()
case, version = detail["case"], int(detail["case"]["version"])
named = [
    case.get("name"),
    *(n for n, _ in case["responsibles"].values()),
]  # masked wherever text repeats them
# A write must check the version the user *saw* (the previous run's), not the one this
# run has just loaded: another user's change in between must be caught, not absorbed.
seen = int(st.session_state.get(f"do_seen_{case_id}", version))
scope = ui.unmask_control(scope, f"案件{case_id}")
unmask = not scope.mask
ui.audit_once(scope, "view_case", case=case_id, masked=not unmask)
writable = dropout_cases.may_write(scope)
if msg := st.session_state.pop(dl.FLASH, None):
    st.success(msg)


def submit(form: str, values: dict, expected: int) -> None:
    """Write; on a conflict keep what was typed beside the newer version; never lose input."""
    try:
        dropout_cases.apply_edit(scope, case_id, form, values, expected_version=expected)
    except dropout_cases.CaseConflict as exc:
        st.session_state[dl.CONFLICT] = exc.as_state(form)
        st.rerun()
    except AppError as exc:
        st.error(str(exc))
    else:
        st.session_state.pop(dl.CONFLICT, None)
        loaders.after_change("dropout")
        st.session_state[dl.FLASH] = ui.tr("acct_saved")
        st.rerun()


case_ui.conflict_panel(case_id, unmask=unmask, named=named, submit=submit)
facts = dl.case_facts(case, as_of=scope.as_of, mask=not unmask, lang=ui.lang())
cards, line = dl.case_cards(case, facts, lang=ui.lang())
ui.metric_cards(cards, per_row=4)
st.caption(line)
tab_status, tab_actions, tab_chiefs, tab_notices = st.tabs(
    [ui.tr("do_tab_status"), ui.tr("劝返记录"), ui.tr("do_tab_chiefs"), ui.tr("文书")]
)
edit = {"writable": writable, "seen": seen, "submit": submit}
with tab_status:
    case_ui.status_tab(case, scope, **edit)
with tab_actions:
    case_ui.actions_tab(detail, scope, unmask=unmask, named=named, **edit)
with tab_chiefs:
    case_ui.chiefs_tab(case, unmask=unmask, named=named, **edit)
with tab_notices:
    case_ui.notices_tab(case_id, case, detail, scope, unmask=unmask, **edit)
st.session_state[f"do_seen_{case_id}"] = version  # what this run showed
