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
from lib.ui import labeller, note, table, tr


def model_card(bt: Any, settings: dict[str, Any]) -> None:
    """The back-test: AUC and top-k per fold and model, calibration by band, groups."""
    overall = risk_backtest.overall_table(bt)
    if overall.empty:
        st.info(tr("rk_no_backtest"))
    else:
        skipped = tr("list_sep").join(tr(f.label) for f in bt.skipped)
        st.caption(
            tr("rk_folds").format(n=len(bt.folds))
            + (tr("rk_skipped").format(terms=skipped) if skipped else "")
            + tr("rk_auc")
        )
        pct = {c: fmt.fmt_pct for c in ("精确率", "召回率", "随机抽取精确率")} | {
            "学生数": "{:,}",
            "AUC": "{:.3f}",
        }
        table(risk_list.backtest_view(overall), formats=pct, translate=("模型", "截止"))
        st.caption(tr("rk_calibration"))
        table(
            risk_backtest.calibration_table(bt),
            formats={"实际辍学率": "{:.2%}", "学生数": "{:,}"},
            translate=("风险等级",),
        )
        d1, d2 = st.columns(2)
        dim = d1.radio(
            tr("rk_group"),
            list(risk_backtest.GROUPS.values()),
            horizontal=True,
            key="rk_dim",
            format_func=labeller(),
        )
        model = d2.radio(
            tr("模型"),
            [m for m in risk_backtest.MODELS if m in set(bt.overall["model"])],
            format_func=labeller(risk_backtest.MODELS.get),
            horizontal=True,
            key="rk_model",
        )
        groups = risk_backtest.group_table(bt, dimension=dim, model=model)
        st.caption(tr("rk_group_caption").format(dim=tr(dim), k=max(settings["risk"]["backtest_k"])))
        table(
            groups, formats={c: fmt.fmt_pct for c in ("列入比例", "精确率", "召回率")} | {"学生人次": "{:,}"}
        )


def weights_form(scope: Scope, settings: dict[str, Any]) -> None:
    """Each factor's weight, the bands and the list's model, saved as settings overrides."""
    if not settings_store.may_edit(scope):
        st.info(tr("rk_admin_only"))
    else:
        note(tr("rk_weights_note"))
        with st.form("rk_settings"):
            st.caption(tr("rk_criteria_year").format(year=scope.school_year))
            changes = {}
            factors = list(risk.FACTORS.items())
            for row in range(0, len(factors), 5):
                cols = st.columns(5)
                for i, (f, label) in enumerate(factors[row : row + 5]):
                    changes[f"risk.weights.{f}"] = cols[i].number_input(
                        tr("rk_points").format(label=tr(label)),
                        min_value=0,
                        max_value=100,
                        step=5,
                        value=int(settings["risk"]["weights"][f]),
                    )
            h1, h2, h3 = st.columns(3)
            changes["risk.band_high"] = h1.number_input(
                tr("rk_high_cut"), 0, 100, int(settings["risk"]["band_high"])
            )
            changes["risk.band_medium"] = h2.number_input(
                tr("rk_medium_cut"), 0, 100, int(settings["risk"]["band_medium"])
            )
            changes["risk.model"] = h3.radio(
                tr("rk_model"),
                ["rules", "logistic"],
                horizontal=True,
                format_func=labeller(risk_backtest.MODELS.get),
                index=["rules", "logistic"].index(settings["risk"]["model"]),
            )
            if st.form_submit_button(tr("rk_save_settings"), type="primary"):
                try:
                    settings_store.save_overrides(scope, changes)
                    st.toast(tr("rk_saved"))
                    st.rerun()
                except AppError as exc:
                    st.error(str(exc))
        if st.button(tr("rk_reset"), key="rk_reset"):
            settings_store.reset_overrides(scope, "risk")
            st.rerun()
