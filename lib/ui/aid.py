"""学生资助: the page's four tabs (coverage and its gaps, payments, approvals, social aid) as
streamlit blocks.  Figures and tables come from :mod:`lib.aid.view` (the first view's report,
:func:`lib.loaders.load_aid_report`) and :mod:`lib.aid.tabs` (the payments and social-aid tabs,
read when first opened); the page reads the report and calls these in its tabs."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from lib import loaders, ui
from lib.aid import approvals as aid_approvals
from lib.aid import tabs, view
from lib.core.errors import AppError
from lib.core.scope import Scope

#: Session key of the page's open tab (:func:`lib.ui.lazy_tabs`).
TABS = "aid_tab"


def show(styled: tuple, **kw: Any) -> None:
    """A (table, colours, formats) triple from lib.aid.view as a tinted table."""
    table, colours, formats = styled
    kw.setdefault("height", min(35 * (len(table) + 1) + 3, 420))  # ui.coloured_table needs a height
    ui.coloured_table(table, colours, formats=formats, **kw)


def when_text(as_of: date) -> str:
    """The statistics day as the titles and file names say it (截至 …)."""
    return ui.tr("as_of_day").format(day=ui.fmt_date(as_of))


def coverage_tab(r: Any, scope: Scope) -> None:
    """Coverage by township, programme and priority group; the drill-down to the children owed
    and not paid; payments that look wrong; the standards."""
    when = when_text(scope.as_of)
    left, right = st.columns([4, 6], gap="medium")  # the coverage tables' seven columns, unscrolled
    # persist_state: a filter keeps its value while another (lazy) tab is open
    programme = right.selectbox(
        ui.tr("aid_programme"), r.programmes, key="aid_programme", persist_state="page"
    )
    towns = ui.memo(view.township_coverage, r, programme)  # once per report: not on every click
    if waiting := view.not_yet_due(towns, programme):  # no chart of zeros before the first due date
        left.info(ui.tr(waiting), icon=":material/event_upcoming:")
    else:
        left.plotly_chart(
            ui.cached_figure(
                view.plot_township_rate,
                towns,
                measure="aid_coverage",
                rate="coverage",
                county=view.county_rate(towns),
                title=ui.tr("aid_cov_title").format(
                    programme=programme, what=ui.tr("aid_township_cov"), when=when
                ),
            ),
            width="stretch",
            config={"displayModeBar": False},
        )
    with right:
        st.caption(ui.tr("aid_by_programme"))
        show(ui.memo(view.programme_table, r), translate=("覆盖率",))  # 未到期 in the reader's language
        st.caption(ui.tr("label_value").format(label=programme, value=ui.tr("aid_by_category")))
        show(ui.memo(view.category_table, r, programme), translate=("覆盖率",))
    st.subheader(ui.tr("aid_drill"))
    c1, c2 = st.columns(2)
    town = _township(c1, r, "aid_town")
    schools = ui.memo(view.schools_of, r, town)
    school = c2.selectbox(
        ui.tr("schools"),
        [None, *schools],
        key=f"aid_school_{town}",
        persist_state="page",
        format_func=lambda c: schools.get(c, ui.tr("aid_all_schools")),
    )
    if town and not school:
        show(ui.memo(view.school_coverage, r, programme, town), height=240, translate=("覆盖率",))
    gaps = ui.memo(view.gap_students, r, programme, township=town, school=school, mask=scope.mask)
    ui.audit_once(scope, "view_list", list="aid_gaps", programme=programme, township=town, school=school)
    ui.table(gaps, height=300)
    ui.named_download_buttons(
        gaps, name="应助未助名单", scope=scope, key="aid_gaps_dl", title=f"{programme}应助未助名单 {when}"
    )
    with st.expander(
        ui.tr("with_count").format(what=ui.tr("aid_wrong"), n=len(r.paid_not_eligible) + len(r.duplicates))
    ):
        wrong = ui.memo(view.wrong_payments, r, mask=scope.mask)
        ui.audit_once(scope, "view_list", list="aid_wrong_payments")
        ui.table(wrong)
        ui.named_download_buttons(wrong, name="疑似错发重复发放", scope=scope, key="aid_wrong_dl")
    with st.expander(ui.tr("aid_standards")):
        ui.table(ui.memo(view.standards, r))


def payments_tab(r: Any, scope: Scope) -> None:
    """On-time payment by township and term, the payments table, the problem payments, the ledger
    (computed when the tab is first opened)."""
    p = loaders.load_aid_payments(scope)
    when = when_text(scope.as_of)
    left, right = st.columns([1, 1], gap="medium")
    towns_pay = tabs.township_payments(p, r.towns)
    left.plotly_chart(
        ui.cached_figure(
            view.plot_township_rate,
            towns_pay,
            measure="aid_on_time",
            rate="on_time_rate",
            county=r.county["on_time_rate"],
            title=ui.tr("aid_ontime_title").format(
                what=ui.tr("aid_township_ontime"), year=ui.school_year(scope.school_year), when=when
            ),
        ),
        width="stretch",
        config={"displayModeBar": False},
    )
    right.plotly_chart(
        ui.cached_figure(tabs.plot_terms, r.terms, title=f"{ui.tr('aid_terms')} · {when}"),
        width="stretch",
        config={"displayModeBar": False},
    )
    show(tabs.payments_table(p))
    st.subheader(ui.tr("aid_problems"))
    problems = tabs.problem_list(p, mask=scope.mask)
    ui.audit_once(scope, "view_list", list="aid_problem_payments")
    ui.table(problems, formats=tabs.PROBLEM_FORMATS, height=280)
    ui.named_download_buttons(problems, name="逾期未足额发放", scope=scope, key="aid_problems_dl")
    st.subheader(ui.tr("aid_ledger"))
    ledger = tabs.ledger_table(p)
    if ledger is None:
        ui.note(ui.tr("aid_ledger_none"))
    else:
        ui.table(ledger, formats=tabs.LEDGER_FORMATS)


def _township(where: Any, r: Any, key: str) -> str | None:
    """A township of the report (None: all), kept while another tab is open."""
    return where.selectbox(
        ui.tr("township"),
        [None, *r.towns],
        key=key,
        persist_state="page",
        format_func=lambda c: r.towns.get(c, ui.tr("aid_all_towns")),
    )


def approvals_tab(r: Any, scope: Scope) -> None:
    """Applications stuck by township, the waiting list and the approve / reject form."""
    if msg := st.session_state.pop("aid_flash", None):
        st.success(msg)
    st.subheader(ui.tr("aid_stuck"))
    show(view.stuck_table(r))
    st.subheader(ui.tr("aid_waiting"))
    a_town = _township(st, r, "aid_appr_town")
    waiting = view.waiting_list(r, mask=scope.mask, township=a_town)
    ui.audit_once(scope, "view_list", list="aid_applications", township=a_town)
    ui.table(waiting.drop(columns="版本"), height=260)
    with st.form("aid_decide"):
        st.markdown(f"**{ui.tr('aid_decide')}**")
        labels = view.application_labels(waiting, lang=ui.lang())
        app_id = st.selectbox(ui.tr("aid_application"), list(labels), format_func=labels.get)
        reason = st.text_input(ui.tr("aid_reason"), key="aid_reason")
        b1, b2 = st.columns(2)
        approve = b1.form_submit_button(ui.tr("aid_approve"), type="primary", width="stretch")
        reject = b2.form_submit_button(ui.tr("aid_reject"), width="stretch")
    if (approve or reject) and app_id:
        try:
            status = aid_approvals.decide(
                scope,
                app_id,
                approve=approve,
                reason=reason,
                expected_version=view.version_of(waiting, app_id),
            )
        except AppError as exc:
            st.error(str(exc))
        else:
            st.session_state["aid_flash"] = ui.tr("aid_done").format(id=app_id, status=ui.tr(status))
            loaders.after_change("aid")
            del st.session_state["aid_reason"]
            st.rerun()


def social_tab(r: Any, scope: Scope) -> None:
    """Donations, and this year's campaign for new university students (computed when the tab
    is first opened)."""
    s = loaders.load_aid_social(scope)
    st.subheader(ui.tr("aid_donations"))
    ui.table(tabs.donations_table(s), formats=tabs.MONEY_FORMATS, height=260)
    st.subheader(ui.tr("aid_campaign_year").format(year=s.campaign_year, what=ui.tr("aid_campaign")))
    ui.metric_cards(tabs.campaign_cards(s, lang=ui.lang()), per_row=4)
    campaign = tabs.campaign_list(s, r.towns, mask=scope.mask)
    ui.audit_once(scope, "view_list", list="aid_campaign", year=s.campaign_year)
    ui.table(campaign, height=300)
    ui.named_download_buttons(campaign, name="大学新生助学名单", scope=scope, key="aid_campaign_dl")
