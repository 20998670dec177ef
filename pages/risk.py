"""重点关注学生: who is at risk, why, and who is doing what about it."""

import streamlit as st

from lib import loaders, ui
from lib.core import fmt, schema
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.dropout import rosters as dropout_rosters
from lib.risk import backtest as risk_backtest
from lib.risk import listing as risk_list
from lib.risk import score as risk

scope = ui.current_scope()
ui.require_page(scope, "view_named")
data = loaders.load_risk_list(scope)
settings = loaders.load_effective_settings()
opts = risk_list.options(data)
ui.page_header(ui.tr("nav_risk"), scope, towns=opts["townships"])
scope = ui.unmask_control(scope, "重点关注学生")
ui.metric_cards(risk_list.cards(data, settings), per_row=4)

tab_list, tab_student, tab_card, tab_settings = st.tabs(
    [ui.tr("risk_tab_list"), ui.tr("risk_tab_student"), ui.tr("risk_tab_card"), ui.tr("risk_tab_settings")]
)

with tab_list:
    c1, c2, c3, c4 = st.columns(4)
    towns = c1.multiselect(
        "乡镇",
        list(opts["townships"]),
        format_func=opts["townships"].get,
        placeholder=ui.tr("all"),
        key="rk_towns",
    )
    schools = c2.multiselect(
        "学校",
        list(opts["schools"]),
        format_func=opts["schools"].get,
        placeholder=ui.tr("all"),
        key="rk_schools",
    )
    grades = c3.multiselect(
        "年级",
        list(opts["grades"]),
        format_func=opts["grades"].get,
        placeholder=ui.tr("all"),
        key="rk_grades",
    )
    bands = c4.multiselect("风险等级", list(risk.BANDS), default=["高", "中"], key="rk_bands")
    c5, c6, c7, c8 = st.columns([2, 1, 1, 2])
    factors = c5.multiselect(
        "风险类型", list(risk.FACTORS.values()), placeholder=ui.tr("all"), key="rk_factors"
    )
    open_case = c6.checkbox("有在办台账", key="rk_open")
    aid_gap = c7.checkbox("有资助缺口", key="rk_gap")
    budget = c8.number_input(
        ui.tr("risk_budget"),
        min_value=1,
        max_value=5000,
        value=int(settings["risk"]["budget_default"]),
        step=10,
        key="rk_budget",
    )
    flt = risk_list.Filters(
        townships=tuple(towns),
        schools=tuple(schools),
        grades=tuple(grades),
        bands=tuple(bands),
        factors=tuple(factors),
        open_case=open_case,
        aid_gap=aid_gap,
        budget=int(budget),
    )
    shown = risk_list.filter_list(data, flt)
    table = risk_list.display_frame(shown, mask=scope.mask, compact=True)
    ui.audit_once(scope, "view_list", list="risk", filters=repr(flt), rows=len(table))
    order = "逻辑回归概率" if settings["risk"].get("model") == "logistic" else "风险分"
    st.caption(
        f"按{order}从高到低，显示前 {len(table)} 名(预算 {int(budget)} 人)"
        + ("；姓名、身份证号已脱敏。" if scope.mask else "。")
    )
    ui.table(
        risk_list.styled(table, ui.COLOURS),
        hide_index=True,
        height=min(36 * (len(table) + 1) + 4, 520),
        column_config={c: st.column_config.Column(width=w) for c, w in risk_list.COLUMN_WIDTHS.items()},
    )
    ui.note(ui.tr("risk_rule"))
    ui.named_download_buttons(
        risk_list.display_frame(shown, mask=scope.mask),
        name="重点关注学生",
        scope=scope,
        key="rk_dl",
        title=f"重点关注学生(截至{fmt.fmt_date(scope.as_of)})",
    )

with tab_student:
    with st.form("rk_search_form"):
        query = st.text_input(
            ui.tr("risk_search"), key="rk_query", help=ui.tr("risk_search_masked") if scope.mask else None
        )
        searched = st.form_submit_button("查找")
    if searched and query.strip():
        try:
            st.session_state["rk_hits"] = risk_list.find_students(scope, query).to_dict("records")
        except AppError as exc:  # too many searches: refused and recorded
            st.error(str(exc))
    hits = st.session_state.get("rk_hits") or []
    choices = risk_list.student_choices(hits, shown)
    sid = st.selectbox("学生(查找结果或名单前 20 名)", list(choices), format_func=choices.get, key="rk_sid")
    prof = risk_list.student_profile(scope, sid) if sid else None
    if prof:
        for line in risk_list.profile_heading(prof, data):
            st.markdown(line)
        st.plotly_chart(
            risk_list.plot_absences(prof["absences"], title=f"每月缺勤天数(截至{fmt.fmt_date(scope.as_of)})"),
            width="stretch",
            config={"displayModeBar": False},
        )
        a, b = st.columns(2)
        for col, title, key in (
            (a, "资助记录", "aid"),
            (b, "控辍保学台账", "cases"),
            (b, "劝返记录", "actions"),
            (a, "帮扶措施", "interventions"),
        ):
            col.caption(title)
            ui.table(
                where=col,
                data=prof[key],
                hide_index=True,
                height=min(36 * (max(len(prof[key]), 1) + 1) + 4, 200),
            )
        with st.form("rk_assign", clear_on_submit=False):
            k1, k2 = st.columns(2)
            kind = k1.selectbox("安排帮扶", list(schema.INTERVENTION_KINDS), key="rk_kind")
            teacher = k2.text_input("帮扶教师/负责人", key="rk_teacher")
            note = st.text_input("说明", key="rk_note")
            if st.form_submit_button("保存帮扶安排", type="primary"):
                try:
                    iid = dropout_rosters.assign_intervention(
                        scope, sid, kind=kind, teacher=teacher, note=note
                    )
                    st.success(f"已保存({iid})：将出现在“帮扶名册”中。")
                except AppError as exc:
                    st.error(str(exc))

with tab_card:
    bt = loaders.load_risk_backtest(scope)
    ui.note(ui.tr("risk_backtest_note"))
    overall = risk_backtest.overall_table(bt)
    if overall.empty:
        st.info("没有可回测的学期(需要至少两个学期的学籍快照)。")
    else:
        pct = {c: fmt.fmt_pct for c in ("精确率", "召回率", "随机抽取精确率")} | {"学生数": "{:,}"}
        ui.table(
            risk_list.backtest_view(overall).style.format(pct, na_rep="—"), hide_index=True, width="stretch"
        )
        d1, d2 = st.columns(2)
        dim = d1.radio("分组", list(risk_backtest.GROUPS.values()), horizontal=True, key="rk_dim")
        model = d2.radio("模型", sorted(set(bt.overall["model"])), horizontal=True, key="rk_model")
        groups = risk_backtest.group_table(bt, dimension=dim, model=model)
        st.caption(
            f"按{dim}：各回测学期合计，前 {max(settings['risk']['backtest_k'])} 名；列入比例高而精确率不高即为无益的偏重。"
        )
        ui.table(
            groups.style.format(
                {c: fmt.fmt_pct for c in ("列入比例", "精确率", "召回率")} | {"学生人次": "{:,}"}, na_rep="—"
            ),
            hide_index=True,
            width="stretch",
        )

with tab_settings:
    if not settings_store.may_edit(scope):
        st.info("只有管理员可以修改权重。")
    else:
        ui.note(
            "权重是相对的：某项权重加倍，它在总分中的份量随之加大；保存后本页名单与回测立即按新设置重算。"
            "“逻辑回归”只改变名单排序，风险等级与原因仍按规则评分。"
        )
        with st.form("rk_settings"):
            cols = st.columns(len(risk.FACTORS))
            changes = {
                f"risk.weights.{f}": cols[i].number_input(
                    label, min_value=0, max_value=100, step=5, value=int(settings["risk"]["weights"][f])
                )
                for i, (f, label) in enumerate(risk.FACTORS.items())
            }
            h1, h2, h3 = st.columns(3)
            changes["risk.band_high"] = h1.number_input("高档线", 0, 100, int(settings["risk"]["band_high"]))
            changes["risk.band_medium"] = h2.number_input(
                "中档线", 0, 100, int(settings["risk"]["band_medium"])
            )
            changes["risk.model"] = h3.radio(
                "名单排序模型",
                list(risk_backtest.MODELS),
                horizontal=True,
                format_func=risk_backtest.MODELS.get,
                index=list(risk_backtest.MODELS).index(settings["risk"]["model"]),
            )
            if st.form_submit_button("保存设置", type="primary"):
                try:
                    settings_store.save_overrides(scope, changes)
                    st.toast("已保存，名单已按新权重重新评分。")
                    st.rerun()
                except AppError as exc:
                    st.error(str(exc))
        if st.button("恢复默认", key="rk_reset"):
            settings_store.reset_overrides(scope, "risk")
            st.rerun()
