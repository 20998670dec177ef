"""重点关注学生: the student's profile tab, the model card (the back-test, run as a background job)
and the weights form, as streamlit widgets."""

from __future__ import annotations

import hashlib
import json
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from lib import loaders
from lib.core import config, fmt, schema, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import rosters as dropout_rosters
from lib.risk import backtest as risk_backtest
from lib.risk import listing as risk_list
from lib.risk import score as risk
from lib.ui import audit_once, figure, fmt_date, labeller, lang, memo, note, table, tr
from lib.ui import jobs as ui_jobs

#: The job kind of the back-test.
BACKTEST = "risk_backtest"
#: Session key of the page's open tab (:func:`lib.ui.lazy_tabs`).
TABS = "risk_tab"
#: The bands the list shows until the user picks others.
_BANDS = ["高", "中"]


def screen(data: pd.DataFrame, flt: risk_list.Filters, scope: Scope) -> risk_list.Screen:
    """:func:`lib.risk.listing.screen` of the list ``data`` for ``flt``, worked out once per list,
    filters and masking (:func:`lib.ui.memo`), not on every click."""
    return memo(risk_list.screen, data, flt, scope.mask, by=(repr(flt), scope.mask))


def filters(opts: dict[str, dict], settings: dict[str, Any], *, draw: bool = True) -> risk_list.Filters:
    """The list's filters as widgets (their values kept while the list's tab is closed), or with
    ``draw=False`` as last set, without widgets (for the other tabs)."""
    budget_default = int(settings["risk"]["budget_default"])
    if not draw:
        got = st.session_state.get
        return risk_list.Filters(
            townships=tuple(got("rk_towns") or ()),
            schools=tuple(got("rk_schools") or ()),
            grades=tuple(got("rk_grades") or ()),
            bands=tuple(got("rk_bands", _BANDS)),
            factors=tuple(got("rk_factors") or ()),
            open_case=bool(got("rk_open", False)),
            aid_gap=bool(got("rk_gap", False)),
            budget=int(got("rk_budget", budget_default)),
        )
    kept: dict[str, Any] = {"persist_state": "page"}
    c1, c2, c3, c4 = st.columns(4)
    towns = c1.multiselect(
        tr("乡镇"),
        list(opts["townships"]),
        format_func=opts["townships"].get,
        placeholder=tr("all"),
        key="rk_towns",
        **kept,
    )
    schools = c2.multiselect(
        tr("学校"),
        list(opts["schools"]),
        format_func=opts["schools"].get,
        placeholder=tr("all"),
        key="rk_schools",
        **kept,
    )
    grades = c3.multiselect(
        tr("年级"),
        list(opts["grades"]),
        format_func=labeller(opts["grades"].get),
        placeholder=tr("all"),
        key="rk_grades",
        **kept,
    )
    bands = c4.multiselect(
        tr("风险等级"), list(risk.BANDS), default=_BANDS, key="rk_bands", format_func=labeller(), **kept
    )
    c5, c6, c7, c8 = st.columns([2, 1, 1, 2])
    factors = c5.multiselect(
        tr("rk_factors"),
        list(risk.FACTORS.values()),
        placeholder=tr("all"),
        key="rk_factors",
        format_func=labeller(),
        **kept,
    )
    open_case = c6.checkbox(tr("有在办台账"), key="rk_open", **kept)
    aid_gap = c7.checkbox(tr("rk_aid_gap"), key="rk_gap", **kept)
    budget = c8.number_input(
        tr("risk_budget"),
        min_value=1,
        max_value=5000,
        value=budget_default,
        step=10,
        key="rk_budget",
        **kept,
    )
    return risk_list.Filters(
        townships=tuple(towns),
        schools=tuple(schools),
        grades=tuple(grades),
        bands=tuple(bands),
        factors=tuple(factors),
        open_case=open_case,
        aid_gap=aid_gap,
        budget=int(budget),
    )


def student_tab(scope: Scope, data: pd.DataFrame, shown: pd.DataFrame) -> None:
    """学生档案: search (the first hit opens), the student's risk, absences, aid, cases and
    interventions, and the form assigning an intervention."""
    with st.form("rk_search_form"):
        query = st.text_input(
            tr("risk_search"),
            key="rk_query",
            help=tr("risk_search_masked") if scope.mask else None,
            persist_state="page",  # kept while another tab is open
        )
        searched = st.form_submit_button(tr("rk_find"))
    if searched and query.strip():
        try:
            st.session_state["rk_hits"] = risk_list.find_students(scope, query).to_dict("records")
            if st.session_state["rk_hits"]:  # open the first hit, not the student shown before
                st.session_state["rk_sid"] = st.session_state["rk_hits"][0]["student_id"]
        except AppError as exc:  # too many searches: refused and recorded
            st.error(str(exc))
    hits = st.session_state.get("rk_hits") or []
    choices = risk_list.student_choices(hits, shown)
    sid = st.selectbox(
        tr("rk_student"), list(choices), format_func=choices.get, key="rk_sid", persist_state="page"
    )
    prof = loaders.load_student_profile(scope, sid) if sid else None
    if not prof:
        return
    audit_once(scope, "view_student", student=sid, masked=scope.mask)  # a named view: recorded
    for line in risk_list.profile_heading(prof, data, lang=lang()):
        st.markdown(line)
    st.plotly_chart(
        figure(
            risk_list.plot_absences(
                prof["absences"], title=tr("rk_absences").format(day=fmt_date(scope.as_of))
            )
        ),
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
        col.caption(tr(title))
        table(prof[key], where=col, height=min(36 * (max(len(prof[key]), 1) + 1) + 4, 200))
    with st.form("rk_assign", clear_on_submit=False):
        k1, k2 = st.columns(2)
        kind = k1.selectbox(tr("rk_assign"), list(schema.INTERVENTION_KINDS), key="rk_kind")
        teacher = k2.text_input(tr("rk_teacher"), key="rk_teacher")
        text = st.text_input(tr("说明"), key="rk_note")
        if st.form_submit_button(tr("rk_save_assign"), type="primary"):
            try:
                iid = dropout_rosters.assign_intervention(scope, sid, kind=kind, teacher=teacher, note=text)
                st.success(tr("rk_assigned").format(id=iid))
            except AppError as exc:
                st.error(str(exc))


def _run_backtest(scope: Scope, settings: dict[str, Any], path: Any, progress: Any) -> Any:
    """The back-test with the store open only while each term's data is read."""
    return risk_backtest.run_backtest(lambda: store.connect(path), scope, settings, progress=progress)


def _basis(settings: dict[str, Any]) -> str:
    """What a back-test's result depends on: the risk settings and the store's data."""
    text = json.dumps(settings["risk"], sort_keys=True, default=str) + repr(store.data_version())
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def backtest(scope: Scope, settings: dict[str, Any]) -> None:
    """The back-test on request, as a background job (the user may leave; the model card waits).

    A result computed under other settings or on other data is still shown, said to be so.
    """
    note(tr("risk_backtest_note"))
    job = ui_jobs.latest(BACKTEST, scope)
    if st.button(tr("rk_bt_toggle"), key="rk_bt", disabled=job is not None and job.active):
        params = {
            "model": settings["risk"].get("model"),
            "k": list(settings["risk"].get("backtest_k", [])),
            "basis": _basis(settings),
        }
        ui_jobs.start(BACKTEST, scope, partial(_run_backtest, scope, settings, config.db_path()), params)
        st.rerun()

    def show(bt: Any, done: Any) -> None:
        if done.params.get("basis") != _basis(settings):
            st.warning(tr("rk_bt_stale"), icon=":material/history:")
        model_card(bt, settings, k=done.params.get("k"))

    ui_jobs.panel(BACKTEST, scope, show, key="rk_bt_job")


def model_card(bt: Any, settings: dict[str, Any], *, k: list[int] | None = None) -> None:
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
            persist_state="page",
        )
        model = d2.radio(
            tr("模型"),
            [m for m in risk_backtest.MODELS if m in set(bt.overall["model"])],
            format_func=labeller(risk_backtest.MODELS.get),
            horizontal=True,
            key="rk_model",
            persist_state="page",
        )
        groups = risk_backtest.group_table(bt, dimension=dim, model=model)
        st.caption(tr("rk_group_caption").format(dim=tr(dim), k=max(k or settings["risk"]["backtest_k"])))
        table(
            groups, formats={c: fmt.fmt_pct for c in ("列入比例", "精确率", "召回率")} | {"学生人次": "{:,}"}
        )


#: Session keys of the weights form: the values as the form first showed them, the refused keys.
_RK_BASE, _RK_CONFLICT = "rk_base", "rk_conflict"


def _shown_weights(settings: dict[str, Any]) -> dict[str, Any]:
    """The risk settings the form edits, by dotted key."""
    risk_settings = settings["risk"]
    return {
        **{f"risk.weights.{f}": int(risk_settings["weights"][f]) for f in risk.FACTORS},
        "risk.band_high": int(risk_settings["band_high"]),
        "risk.band_medium": int(risk_settings["band_medium"]),
        "risk.model": risk_settings["model"],
    }


def _restart_weights() -> None:
    """Show the stored settings afresh (the widgets would otherwise keep what they showed)."""
    st.session_state.pop(_RK_BASE, None)
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith("rk_w_")]:
        del st.session_state[k]


def weights_form(scope: Scope, settings: dict[str, Any]) -> None:
    """Each factor's weight, the bands and the list's model, saved as settings overrides.

    No lost update: the form keeps the values as it first showed them (its base); a save
    writes only what the user changed against them, each key only if nobody changed it
    meanwhile; a refused key is shown with who changed it, and what was typed stays.
    """
    if not settings_store.may_edit(scope):
        st.info(tr("rk_admin_only"))
        return
    note(tr("rk_weights_note"))
    if conflicts := st.session_state.pop(_RK_CONFLICT, None):
        st.error(tr("settings_conflict") + "\n\n" + "\n\n".join(c.message() for c in conflicts.values()))
        table(settings_store.conflicts_frame(conflicts), hide_index=True, width="stretch")
    base = st.session_state.setdefault(_RK_BASE, _shown_weights(settings))
    with st.form("rk_settings"):
        st.caption(tr("rk_criteria_year").format(year=scope.school_year))
        typed: dict[str, Any] = {}
        factors = list(risk.FACTORS.items())
        for row in range(0, len(factors), 5):
            cols = st.columns(5)
            for i, (f, label) in enumerate(factors[row : row + 5]):
                key = f"risk.weights.{f}"
                typed[key] = cols[i].number_input(
                    tr("rk_points").format(label=tr(label)),
                    min_value=0,
                    max_value=100,
                    step=5,
                    value=base[key],
                    key=f"rk_w_{key}",
                )
        h1, h2, h3 = st.columns(3)
        typed["risk.band_high"] = h1.number_input(
            tr("rk_high_cut"), 0, 100, base["risk.band_high"], key="rk_w_risk.band_high"
        )
        typed["risk.band_medium"] = h2.number_input(
            tr("rk_medium_cut"), 0, 100, base["risk.band_medium"], key="rk_w_risk.band_medium"
        )
        typed["risk.model"] = h3.radio(
            tr("rk_model"),
            ["rules", "logistic"],
            horizontal=True,
            format_func=labeller(risk_backtest.MODELS.get),
            index=["rules", "logistic"].index(base["risk.model"]),
            key="rk_w_risk.model",
        )
        if st.form_submit_button(tr("rk_save_settings"), type="primary"):
            changes = settings_store.changed_since(base, typed)
            try:
                refused = settings_store.save_overrides(scope, changes, base=base) if changes else {}
            except AppError as exc:
                st.error(str(exc))
            else:
                if refused:  # what was typed stays; saving again applies it over theirs
                    st.session_state[_RK_BASE] = {**base, **changes, **{k: c.now for k, c in refused.items()}}
                    st.session_state[_RK_CONFLICT] = refused
                else:
                    _restart_weights()
                    st.toast(tr("rk_saved"))
                st.rerun()
    if st.button(tr("rk_reset"), key="rk_reset"):
        settings_store.reset_overrides(scope, "risk")
        _restart_weights()
        st.rerun()
