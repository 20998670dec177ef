"""帮扶名册: every intervention with its owner and visits (一教一帮, 送教上门, 家访, 资助核查),
what has happened, who is behind, and whether it helped (帮扶成效)."""

import streamlit as st

from lib import loaders, ui
from lib.core import config
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import rosters as dr
from lib.risk import listing as risk_list
from lib.ui import cases as case_ui

scope = ui.current_scope()
ui.require_page(scope, "view_named")
loaders.ensure_dropout_demo()
ui.page_header(ui.tr("nav_dropout_rosters"), scope)
if msg := st.session_state.pop("do_roster_flash", None):
    st.success(msg)
scope = ui.unmask_control(scope, "帮扶名册")
unmask = not scope.mask
writable = dropout_cases.may_write(scope)
rosters = loaders.load_dropout_rosters(scope)
ui.refresh_note("dropout_rosters", scope)
s = config.SETTINGS["dropout"]


def record(call, *args, **kw) -> None:
    """Write, then show the fresh roster; a refused write keeps what was typed."""
    try:
        call(scope, *args, **kw)
    except AppError as exc:
        st.error(str(exc))
    else:
        st.session_state["do_roster_flash"] = ui.tr("do_recorded")
        st.rerun()


tab_m, tab_h, tab_o, tab_e = ui.lazy_tabs(
    [ui.tr("do_mentoring"), ui.tr("do_home"), ui.tr("do_other_roster"), ui.tr("do_effect")],
    key=case_ui.ROSTER_TABS,
)
for tab, key, columns, rule in (
    (
        tab_m,
        "mentoring",
        dr.MENTORING_COLUMNS,
        ui.tr("do_rule_mentoring").format(n=s["mentoring_sessions_per_week"]),
    ),
    (tab_h, "home", dr.HOME_COLUMNS, ui.tr("do_rule_home").format(n=s["home_teaching_visits_per_week"])),
    (tab_o, "other", dr.OTHER_COLUMNS, ui.tr("do_rule_other")),
):
    if not tab.open:  # only the open tab runs (a write reruns with the same tab open)
        continue
    with tab:
        roster = rosters[key]
        ui.audit_once(scope, "view_list", list=f"帮扶名册-{key}", masked=not unmask)
        shown = dr.display(roster, columns, mask=not unmask)
        colours = dr.roster_colours(roster, shown)
        behind = int((roster["colour"] == "red").sum())
        st.caption(ui.tr("do_roster_caption").format(rule=rule, behind=behind))
        ui.coloured_table(shown, colours, formats={}, height=380)
        ui.named_download_buttons(
            shown, name=f"帮扶名册_{ui.tr('do_' + key)}", scope=scope, key=f"do_{key}_dl"
        )
        active = roster.dropna(subset=["intervention_id"])
        if writable and len(active):
            labels = dict(zip(active["intervention_id"], shown.loc[active.index, "学生"], strict=True))
            with st.form(f"do_visit_{key}"):
                c1, c2 = st.columns(2)
                iid = c1.selectbox(
                    ui.tr("学生"), list(labels), format_func=labels.get, key=f"do_visit_{key}_who"
                )
                day = c2.date_input(
                    ui.tr("日期"), value=scope.as_of, max_value=scope.as_of, key=f"do_visit_{key}_on"
                )
                content = st.text_input(ui.tr("内容"), key=f"do_visit_{key}_text")
                if st.form_submit_button(ui.tr("do_log_visit")):
                    record(dr.log_visit, iid, content=content, visited_on=day)
        waiting = roster[roster["intervention_id"].isna()] if key == "home" else roster.iloc[0:0]
        if writable and len(waiting):
            labels = dict(zip(waiting["student_id"], shown.loc[waiting.index, "学生"], strict=True))
            with st.form("do_assign_home"):
                c1, c2 = st.columns(2)
                sid = c1.selectbox(
                    ui.tr("do_no_teacher"), list(labels), format_func=labels.get, key="do_assign_who"
                )
                teacher = c2.text_input(ui.tr("送教教师"), key="do_assign_teacher")
                if st.form_submit_button(ui.tr("do_assign_teacher")):
                    record(dr.assign_intervention, sid, kind="送教上门", teacher=teacher)
if tab_e.open:
    with tab_e:
        weeks = int(loaders.load_effective_settings()["risk"]["escalate_after_weeks"])
        st.caption(ui.tr("do_effect_note"))
        ui.table(rosters["effect"].rename(columns=dr.EFFECT_COLUMNS))
        st.markdown(f"**{ui.tr('do_still_high').format(weeks=weeks)}**")
        flagged = risk_list.still_high(
            loaders.load_risk_list(scope),
            rosters["interventions"],
            as_of=scope.as_of,
            weeks=weeks,
            mask=not unmask,
        )
        ui.table(flagged, height=min(36 * (len(flagged) + 1) + 4, 320))
        ui.named_download_buttons(flagged, name="帮扶后仍为高风险", scope=scope, key="do_still_high_dl")
st.caption(ui.tr("do_roster_note"))
