"""帮扶名册: every intervention with its owner and visits (一教一帮, 送教上门, 家访, 资助核查),
what has happened, who is behind, and whether it helped (帮扶成效)."""

import streamlit as st

from lib import loaders, ui
from lib.core import config
from lib.core.errors import AppError
from lib.dropout import cases as dropout_cases
from lib.dropout import rosters as dr
from lib.risk import listing as risk_list

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
s = config.SETTINGS["dropout"]


def record(call, *args, **kw) -> None:
    """Write, then show the fresh roster; a refused write keeps what was typed."""
    try:
        call(scope, *args, **kw)
    except AppError as exc:
        st.error(str(exc))
    else:
        st.session_state["do_roster_flash"] = "已登记。"
        st.rerun()


tab_m, tab_h, tab_o, tab_e = st.tabs(
    [ui.tr("do_mentoring"), ui.tr("do_home"), ui.tr("do_other_roster"), ui.tr("do_effect")]
)
for tab, key, columns, rule in (
    (tab_m, "mentoring", dr.MENTORING_COLUMNS, f"每周应辅导 {s['mentoring_sessions_per_week']} 次"),
    (tab_h, "home", dr.HOME_COLUMNS, f"每名学生每周应送教 {s['home_teaching_visits_per_week']} 次"),
    (tab_o, "other", dr.OTHER_COLUMNS, "家访、资助核查：近四周没有记录的显示为红"),
):
    with tab:
        roster = rosters[key]
        ui.audit_once(scope, "view_list", list=f"帮扶名册-{key}", masked=not unmask)
        shown = dr.display(roster, columns, mask=not unmask)
        colours = dr.roster_colours(roster, shown)
        behind = int((roster["colour"] == "red").sum())
        st.caption(
            f"{rule}(设置项)；近四周 = 统计日前28天。红 = 落后较多或未安排教师({behind}人)，黄 = 略有落后。"
        )
        ui.coloured_table(shown, colours, formats={}, height=380)
        ui.named_download_buttons(
            shown, name=f"帮扶名册_{ui.tr('do_' + key)}", scope=scope, key=f"do_{key}_dl"
        )
        active = roster.dropna(subset=["intervention_id"])
        if writable and len(active):
            labels = dict(zip(active["intervention_id"], shown.loc[active.index, "学生"], strict=True))
            with st.form(f"do_visit_{key}"):
                c1, c2 = st.columns(2)
                iid = c1.selectbox("学生", list(labels), format_func=labels.get, key=f"do_visit_{key}_who")
                day = c2.date_input(
                    "日期", value=scope.as_of, max_value=scope.as_of, key=f"do_visit_{key}_on"
                )
                content = st.text_input("内容", key=f"do_visit_{key}_text")
                if st.form_submit_button("登记一次记录(辅导/送教/家访/核查)"):
                    record(dr.log_visit, iid, content=content, visited_on=day)
        waiting = roster[roster["intervention_id"].isna()] if key == "home" else roster.iloc[0:0]
        if writable and len(waiting):
            labels = dict(zip(waiting["student_id"], shown.loc[waiting.index, "学生"], strict=True))
            with st.form("do_assign_home"):
                c1, c2 = st.columns(2)
                sid = c1.selectbox(
                    "未安排教师的学生", list(labels), format_func=labels.get, key="do_assign_who"
                )
                teacher = c2.text_input("送教教师", key="do_assign_teacher")
                if st.form_submit_button("安排送教教师"):
                    record(dr.assign_intervention, sid, kind="送教上门", teacher=teacher)
with tab_e:
    weeks = int(loaders.load_effective_settings()["risk"]["escalate_after_weeks"])
    st.caption("开始满四周的帮扶：开始前后各四周的无故缺勤天数(人均)，开始时未在校的学生中已返校的人数。")
    ui.table(rosters["effect"].rename(columns=dr.EFFECT_COLUMNS), hide_index=True, width="stretch")
    st.markdown(f"**帮扶满 {weeks} 周仍为高风险，上报上一级**")
    flagged = risk_list.still_high(
        loaders.load_risk_list(scope),
        rosters["interventions"],
        as_of=scope.as_of,
        weeks=weeks,
        mask=not unmask,
    )
    ui.table(flagged, hide_index=True, width="stretch", height=min(36 * (len(flagged) + 1) + 4, 320))
    ui.named_download_buttons(flagged, name="帮扶后仍为高风险", scope=scope, key="do_still_high_dl")
st.caption("一教一帮、家访、资助核查、送教上门也可在“重点关注学生”页安排；安排后出现在本名册。")
