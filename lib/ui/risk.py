"""重点关注学生: the model card (back-test figures) and the weights form, as streamlit widgets."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib.core import fmt
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.risk import backtest as risk_backtest
from lib.risk import listing as risk_list
from lib.risk import score as risk
from lib.ui import note


def model_card(bt: Any, settings: dict[str, Any]) -> None:
    """The back-test: AUC and top-k per fold and model, calibration by band, groups."""
    overall = risk_backtest.overall_table(bt)
    if overall.empty:
        st.info("没有可回测的学期(需要至少两个有数据的学期)。")
    else:
        skipped = "、".join(f.label for f in bt.skipped)
        st.caption(
            f"{len(bt.folds)} 个回测学期"
            + (f"；{skipped} 截止后无辍学，无从评估，已略去" if skipped else "")
            + "。AUC：随机取一名辍学学生和一名未辍学学生，前者分数更高的概率(0.5 = 随机)。"
        )
        pct = {c: fmt.fmt_pct for c in ("精确率", "召回率", "随机抽取精确率")} | {
            "学生数": "{:,}",
            "AUC": "{:.3f}",
        }
        st.dataframe(
            risk_list.backtest_view(overall).style.format(pct, na_rep="—"), hide_index=True, width="stretch"
        )
        st.caption("校准：各风险等级的学生在下学期实际辍学的比例(规则评分)。等级越高，比例应越高。")
        st.dataframe(
            risk_backtest.calibration_table(bt).style.format(
                {"实际辍学率": "{:.2%}", "学生数": "{:,}"}, na_rep="—"
            ),
            hide_index=True,
            width="stretch",
        )
        d1, d2 = st.columns(2)
        dim = d1.radio("分组", list(risk_backtest.GROUPS.values()), horizontal=True, key="rk_dim")
        model = d2.radio(
            "模型",
            [m for m in risk_backtest.MODELS if m in set(bt.overall["model"])],
            format_func=risk_backtest.MODELS.get,
            horizontal=True,
            key="rk_model",
        )
        groups = risk_backtest.group_table(bt, dimension=dim, model=model)
        st.caption(
            f"按{dim}：各回测学期合计，前 {max(settings['risk']['backtest_k'])} 名；列入比例高而精确率不高即为无益的偏重。"
        )
        st.dataframe(
            groups.style.format(
                {c: fmt.fmt_pct for c in ("列入比例", "精确率", "召回率")} | {"学生人次": "{:,}"}, na_rep="—"
            ),
            hide_index=True,
            width="stretch",
        )


def weights_form(scope: Scope, settings: dict[str, Any]) -> None:
    """Each factor's weight, the bands and the list's model, saved as settings overrides."""
    if not settings_store.may_edit(scope):
        st.info("只有管理员可以修改权重。")
    else:
        note(
            "权重是相对的：某项权重加倍，它在总分中的份量随之加大；保存后本页名单与回测立即按新设置重算。"
            "“逻辑回归”只改变名单排序，风险等级与原因仍按规则评分。"
        )
        with st.form("rk_settings"):
            st.caption(
                f"以下为 {scope.school_year} 学年的评分标准(各学年可在设置文件中分别规定：risk.criteria_by_year)。"
            )
            changes = {}
            factors = list(risk.FACTORS.items())
            for row in range(0, len(factors), 5):
                cols = st.columns(5)
                for i, (f, label) in enumerate(factors[row : row + 5]):
                    changes[f"risk.weights.{f}"] = cols[i].number_input(
                        f"{label}(分)",
                        min_value=0,
                        max_value=100,
                        step=5,
                        value=int(settings["risk"]["weights"][f]),
                    )
            h1, h2, h3 = st.columns(3)
            changes["risk.band_high"] = h1.number_input("高档线", 0, 100, int(settings["risk"]["band_high"]))
            changes["risk.band_medium"] = h2.number_input(
                "中档线", 0, 100, int(settings["risk"]["band_medium"])
            )
            changes["risk.model"] = h3.radio(
                "名单排序模型",
                ["rules", "logistic"],
                horizontal=True,
                format_func=risk_backtest.MODELS.get,
                index=["rules", "logistic"].index(settings["risk"]["model"]),
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
