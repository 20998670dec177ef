"""学生资助's payments and social-aid tabs, computed when a tab is first opened (pure; no
streamlit).

The page's first view (cards, coverage, approvals: :func:`lib.aid.view.compute_report`) does not
wait for them: :func:`compute_payments` reads :class:`lib.aid.data.PaymentsData`, and
:func:`compute_social` :class:`lib.aid.data.SocialData`.  The functions below them turn the
results into display tables (Chinese headers, personal columns masked) and figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib.aid import payments as aid_payments
from lib.aid import social as aid_social
from lib.aid.data import PaymentsData, SocialData
from lib.core import config, fmt, ids
from lib.present import charts
from lib.present.cards import BLUE, GREEN, Card, status_colour


@dataclass(frozen=True)
class PaymentsReport:
    """The payments tab's figures for one Scope's school year (its term chart draws the first
    view's term counts, ``lib.aid.view.AidReport.terms``)."""

    #: payment counts and rates by programme: the records of the Scope's schools and the
    #: awards of its recipients (aid_payments.payment_rates)
    programme_rates: pd.DataFrame
    township_rates: pd.DataFrame  # the same of the records, by township_code
    #: overdue, short and late records, the most urgent first (aid_payments.problem_payments)
    problems: pd.DataFrame
    ledger: pd.DataFrame | None  # None when the Scope restricts schools or levels


@dataclass(frozen=True)
class SocialReport:
    """The social-aid tab's figures: donations and this year's campaign for new university students."""

    donations: pd.DataFrame
    campaign: pd.DataFrame
    campaign_year: int


def compute_payments(data: PaymentsData) -> PaymentsReport:
    """The payments tab (docs/aid.md): rates by programme and township, problem payments, terms, ledger."""
    day = data.scope.as_of
    payments = aid_payments.classify_payments(data.records, as_of=day)
    awards = aid_payments.classify_payments(data.awards, as_of=day)
    rated = ["programme", *aid_payments.RATE_COLUMNS, "standard_amount", "paid_amount", "shortfall"]
    ledger = None
    if data.recipients_in_scope:
        paid_cols = ["funding_source", "programme", "paid_amount", "paid_date"]
        ledger = aid_payments.funds_ledger(
            data.funds, pd.concat([payments[paid_cols], awards[paid_cols]], ignore_index=True), as_of=day
        )
    return PaymentsReport(
        programme_rates=aid_payments.payment_rates(
            pd.concat([payments[rated], awards[rated]], ignore_index=True), ["programme"]
        ),
        township_rates=aid_payments.payment_rates(payments, ["township_code"]),
        problems=aid_payments.problem_payments(payments),
        ledger=ledger,
    )


def compute_social(data: SocialData) -> SocialReport:
    """Donations (received, granted, balance) and the campaign of the Scope's day."""
    day = data.scope.as_of
    year = aid_social.campaign_year(day)
    return SocialReport(
        donations=aid_social.donations_ledger(data.donations, data.grants, as_of=day),
        campaign=aid_social.campaign_table(data.campaign, data.recipients, data.grants, year=year),
        campaign_year=year,
    )


# ------------------------------------------------------------------ payments
PROBLEM_FORMATS: dict[str, str] = {"标准(元)": "{:,.1f}", "实发(元)": "{:,.1f}"}
LEDGER_FORMATS: dict[str, Any] = {
    "已下达(元)": "{:,.0f}",
    "已发放(元)": "{:,.0f}",
    "结余(元)": "{:,.0f}",
    "执行率": fmt.fmt_pct,
}


def payments_table(p: PaymentsReport) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """By programme: due records, on time and in full, overdue, short, standard and paid amounts."""
    rates = p.programme_rates
    table = rates[
        ["programme", "due", "on_time_rate", "in_full_rate", "overdue", "short", "late", "standard", "paid"]
    ].rename(
        columns={
            "programme": "资助项目",
            "due": "应发笔数",
            "on_time_rate": "按时足额率",
            "in_full_rate": "足额率",
            "overdue": "逾期未发",
            "short": "未足额",
            "late": "逾期发放",
            "standard": "应发金额(元)",
            "paid": "实发金额(元)",
        }
    )
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    colours["按时足额率"] = rates["on_time_rate"].map(lambda v: status_colour("aid_on_time", v))
    colours["逾期未发"] = rates["overdue"].map(lambda v: "red" if v else "none")
    formats = {
        "按时足额率": fmt.fmt_pct,
        "足额率": fmt.fmt_pct,
        "应发金额(元)": "{:,.0f}",
        "实发金额(元)": "{:,.0f}",
    }
    return table, colours, formats


def township_payments(p: PaymentsReport, towns: dict[str, str]) -> pd.DataFrame:
    """On-time-in-full rate per township of ``towns`` (code, name, due, on_time, on_time_rate ...)."""
    rates = p.township_rates.rename(columns={"township_code": "code"})
    out = pd.DataFrame({"code": list(towns), "name": list(towns.values())})
    return out.merge(rates, on="code", how="left")


def problem_list(p: PaymentsReport, *, mask: bool = True, limit: int = 500) -> pd.DataFrame:
    """Overdue, short and late records, the most urgent first (a pupil's name only while the pupil
    is enrolled at a school of the Scope)."""
    bad = p.problems.head(limit)
    out = pd.DataFrame(
        {
            "问题": bad["problem"],
            "学生编号": bad["student_id"],
            "姓名": bad["name"],
            "学校": bad["school_name"],
            "资助项目": bad["programme"],
            "标准(元)": bad["standard_amount"],
            "实发(元)": bad["paid_amount"].fillna(0.0),
            "应发日期": bad["due_date"].map(fmt.fmt_iso),
            "实发日期": bad["paid_date"].map(fmt.fmt_iso),
            "逾期天数": bad["days_overdue"],
        }
    )
    if mask:
        out["姓名"] = out["姓名"].map(ids.mask_name, na_action="ignore")
    return out


def ledger_table(p: PaymentsReport) -> pd.DataFrame | None:
    """Allocated, paid and balance by funding source and programme; None outside whole townships."""
    if p.ledger is None:
        return None
    return p.ledger.rename(
        columns={
            "funding_source": "资金来源",
            "programme": "资助项目",
            "allocated": "已下达(元)",
            "paid": "已发放(元)",
            "balance": "结余(元)",
            "execution": "执行率",
        }
    )


def plot_terms(series: pd.DataFrame, *, title: str) -> go.Figure:
    """On-time-in-full and in-full rates per term, with the on-time target as a line."""
    rule = config.SETTINGS["targets"]["aid_on_time"]
    fig = go.Figure()
    fig.add_scatter(
        x=series["label"],
        y=series["on_time_rate"],
        name="按时足额率",
        mode="lines+markers+text",
        line={"color": BLUE},
        text=[fmt.fmt_pct(v) for v in series["on_time_rate"]],
        # on the side away from the target line, so that no value is written across it
        textposition=[
            "top center" if v >= rule["green"] else "bottom center" for v in series["on_time_rate"]
        ],
        cliponaxis=False,
        customdata=series["due"],
        hovertemplate="%{x}: %{text}(应发 %{customdata:,} 笔)<extra></extra>",
    )
    fig.add_scatter(
        x=series["label"],
        y=series["in_full_rate"],
        name="足额率",
        mode="lines+markers",
        line={"color": GREEN, "dash": "dot"},
    )
    charts.reference_line(
        fig, rule["green"], f"目标 {fmt.fmt_pct(rule['green'])}", axis="y", colour=GREEN, dash="dash"
    )
    rates = pd.concat([series["on_time_rate"], series["in_full_rate"]]).dropna()
    low = min([*rates.tolist(), rule["red"]]) if len(rates) else rule["red"]
    fig.update_layout(yaxis={"tickformat": ".0%", "range": [max(0.0, low - 0.05), 1.05]})
    fig.update_xaxes(type="category")
    return charts.style(fig, title, height=340)


# ------------------------------------------------------------------ social aid
MONEY_FORMATS: dict[str, str] = {"金额(元)": "{:,.0f}", "已发放(元)": "{:,.0f}", "结余(元)": "{:,.0f}"}


def donations_table(s: SocialReport) -> pd.DataFrame:
    d = s.donations
    return pd.DataFrame(
        {
            "到账日期": d["received_on"].map(fmt.fmt_iso),
            "捐赠方": d["donor"],
            "类型": d["donor_kind"],
            "用途": d["purpose"],
            "金额(元)": d["amount"],
            "已发放(元)": d["granted"],
            "受助人数": d["recipients"],
            "结余(元)": d["balance"],
        }
    )


def campaign_list(s: SocialReport, towns: dict[str, str], *, mask: bool = True) -> pd.DataFrame:
    """This year's applicants (home township named from ``towns``), names and IDs masked unless ``mask`` is False."""
    c = s.campaign
    out = pd.DataFrame(
        {
            "申请日期": c["applied_on"].map(fmt.fmt_iso),
            "姓名": c["name"],
            "身份证号": c["id_number"],
            "户籍乡镇": c["township_code"].map(towns),
            "录取院校": c["university"],
            "状态": c["status"],
            "受助金额(元)": c["amount"],
            "备注": c["note"].fillna(""),
        }
    )
    if mask:
        out = ids.mask_frame(out, columns={"姓名": "name", "身份证号": "id"})
    return out


def campaign_cards(s: SocialReport, *, lang: str = "zh") -> list[Card]:
    got = aid_social.campaign_summary(s.campaign)
    return [
        Card("申请人数", fmt.fmt_count(got["applied"], lang=lang)),
        Card("已资助", fmt.fmt_count(got["funded"], lang=lang)),
        Card("待审核 / 未资助", f"{got['waiting']} / {got['refused']}"),
        Card("资助金额(元)", fmt.fmt_count(got["amount"], lang=lang)),
    ]
