"""案件详情's widgets: the conflict panel and the four tabs' forms of one dropout case; the
session keys of the open tab of 辍学台账 and 帮扶名册.

Every write goes through the page's ``submit(form, values, expected_version)``, which keeps
what was typed beside the newer version on a conflict; these blocks only read widgets and
render tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lib import ui
from lib.core import audit, schema
from lib.core.scope import Scope
from lib.dropout import ledger as dl
from lib.dropout import notices
from lib.dropout import presence as dropout_presence
from lib.dropout import rules as dropout

Submit = Callable[[str, dict, int], None]

#: Session keys of the open tab of 辍学台账 and of 帮扶名册 (:func:`lib.ui.lazy_tabs`).
LEDGER_TABS, ROSTER_TABS = "do_ledger_tab", "do_roster_tab"


def conflict_panel(case_id: str, *, unmask: bool, named: list, submit: Submit) -> None:
    """Another user's newer version beside what this one typed: re-apply or discard."""
    conflict = st.session_state.get(dl.CONFLICT)
    if not conflict or conflict["case_id"] != case_id:
        return
    st.error(conflict["message"], icon=":material/warning:")
    ui.table(
        dl.conflict_table(conflict["current"], conflict["mine"], mask=not unmask),
        width="content",
        known=named,
    )
    b1, b2 = st.columns(2)
    if b1.button(ui.tr("do_reapply"), key="do_reapply", type="primary"):
        submit(conflict["form"], conflict["mine"], conflict["version"])
    if b2.button(ui.tr("do_discard"), key="do_discard"):
        st.session_state.pop(dl.CONFLICT)
        st.rerun()


def status_tab(case: dict, scope: Scope, *, writable: bool, seen: int, submit: Submit) -> None:
    """The moves the case's status allows now, and its reason and next follow-up."""
    present = dropout_presence.child_present(case.get("student_id"), as_of=scope.as_of)
    moves = dropout.allowed_moves(
        case["status"], returned_on=case.get("returned_on"), as_of=scope.as_of, present=present
    )
    if moves:
        with st.form("do_move"):
            c1, c2 = st.columns(2)
            to = c1.selectbox(ui.tr("do_move_to"), moves, key="do_move_to")
            on = c2.date_input(ui.tr("日期"), value=scope.as_of, max_value=scope.as_of, key="do_move_on")
            code = c1.selectbox(
                ui.tr("do_move_reason"),
                list(schema.REASONS),
                index=dl.reason_index(case),
                key="do_move_code",
            )
            note = c2.text_input(ui.tr("do_move_note"), key="do_move_note")
            placement = c1.selectbox(
                ui.tr("do_move_place"), list(schema.RETURN_PLACEMENTS), key="do_move_place"
            )
            if st.form_submit_button(ui.tr("do_save_status"), type="primary", disabled=not writable):
                submit("status", dl.status_values(to, on, code, note, placement), seen)
    if case["status"] in ("已返校", "巩固"):
        st.caption(
            ui.tr("label_value").format(
                label=ui.tr("do_after_return"), value=ui.tr("在校" if present else "do_not_present")
            )
        )
    else:
        st.info(ui.tr("do_no_moves").format(status=case["status"]))
    with st.form("do_details"):
        c1, c2 = st.columns(2)
        reason = c1.selectbox(
            ui.tr("辍学原因"), list(schema.REASONS), index=dl.reason_index(case), key="do_det_reason"
        )
        follow = c2.date_input(
            ui.tr("do_next_follow"), value=case.get("next_followup_on") or scope.as_of, key="do_det_follow"
        )
        if st.form_submit_button(ui.tr("acct_save"), disabled=not writable):
            submit("details", {"reason": reason, "next_followup_on": follow}, seen)


def actions_tab(
    detail: dict[str, Any],
    scope: Scope,
    *,
    unmask: bool,
    named: list,
    writable: bool,
    seen: int,
    submit: Submit,
) -> None:
    """劝返记录: log a measure taken, and the log so far."""
    with st.form("do_action"):
        c1, c2, c3 = st.columns(3)
        action = c1.selectbox(ui.tr("措施"), list(schema.CASE_ACTIONS), key="do_act_kind")
        acted_on = c2.date_input(ui.tr("日期"), value=scope.as_of, max_value=scope.as_of, key="do_act_on")
        actor = c3.text_input(ui.tr("经办人"), value=scope.user, key="do_act_actor")
        result = st.text_area(ui.tr("结果"), key="do_act_result", height=80)
        if st.form_submit_button(ui.tr("do_log_action"), type="primary", disabled=not writable):
            submit("action", {"action": action, "acted_on": acted_on, "actor": actor, "result": result}, seen)
    ui.table(dl.actions_table(detail["actions"], mask=not unmask), known=named)


def chiefs_tab(case: dict, *, unmask: bool, named: list, writable: bool, seen: int, submit: Submit) -> None:
    """The 六长 of the case; their names and phones are editable only unmasked."""
    ui.table(dl.chiefs_table(case["responsibles"], mask=not unmask), known=named)
    if not unmask:
        st.caption(ui.tr("do_chiefs_masked"))
        return
    with st.form("do_chiefs"):
        people = {}
        for role in schema.SIX_CHIEFS:
            name, phone = case["responsibles"].get(role, (None, None))
            c1, c2, c3 = st.columns(3)
            people[role] = [
                c1.text_input(f"{ui.tr(role)} · {ui.tr('姓名')}", value=name or "", key=f"do_chief_{role}_n"),
                c2.text_input(
                    f"{ui.tr(role)} · {ui.tr('电话')}", value=phone or "", key=f"do_chief_{role}_p"
                ),
            ]
            if role in ("师长", "村长"):  # with an account, the case's tasks reach their 我的待办
                people[role].append(
                    c3.text_input(
                        f"{ui.tr(role)} · {ui.tr('do_chief_account')}",
                        value=case.get("accounts", {}).get(role) or "",
                        key=f"do_chief_{role}_a",
                    )
                )
        if st.form_submit_button(ui.tr("do_save_chiefs"), disabled=not writable):
            submit("chiefs", {"responsibles": people}, seen)


def notices_tab(
    case_id: str,
    case: dict,
    detail: dict[str, Any],
    scope: Scope,
    *,
    unmask: bool,
    writable: bool,
    seen: int,
    submit: Submit,
) -> None:
    """文书: issue the notice due next; print issued ones (unmasked only, every print recorded)."""
    due, text = dl.next_notice_text(case, detail["notices"], as_of=scope.as_of, lang=ui.lang())
    st.caption(text)
    with st.form("do_notice"):
        kinds = list(dropout.notice_kinds())
        # keyed by the notice due, so the choice follows it once one is issued
        kind = st.selectbox(
            ui.tr("文书"),
            kinds,
            index=kinds.index(due) if due in kinds else 0,
            key=f"do_notice_{due}",
            format_func=ui.labeller(),
        )
        if st.form_submit_button(ui.tr("do_issue"), type="primary", disabled=not writable):
            submit("notice", {"kind": kind, "issued_on": scope.as_of}, seen)
    ui.table(dl.notices_table(detail["notices"]))
    for doc in notices.documents(case, detail["notices"]):
        st.download_button(  # personal data: only when unmasked, and every print is recorded
            ui.tr(doc["label"]),
            doc["html"].encode("utf-8") if unmask else b"",
            file_name=doc["file_name"],
            mime="text/html",
            key=f"do_print_{doc['notice_id']}",
            disabled=not unmask,
            on_click=audit.record,
            args=(scope, "print_notice"),
            kwargs={"case": case_id, "notice": doc["notice_id"]},
        )
    if len(detail["notices"]) and not unmask:
        st.caption(ui.tr("do_print_masked"))
