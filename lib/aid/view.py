"""What the 学生资助 page shows, computed from :class:`lib.aid.data.AidData` (pure; no streamlit).

:func:`compute_report` combines the domain functions of :mod:`lib.aid.rules`,
:mod:`lib.aid.payments` and :mod:`lib.aid.approvals` into one :class:`AidReport` of the page's first view (the payments and social-aid tabs:
:mod:`lib.aid.tabs`); the other functions turn it into display tables (Chinese headers,
personal columns masked, cell colours) and plotly figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib.aid import approvals as aid_approvals
from lib.aid import payments as aid_payments
from lib.aid import reconcile
from lib.aid import rules as aid
from lib.aid import tasks as aid_tasks
from lib.aid.data import AidData
from lib.core import config, fmt, i18n, ids, schema, textsets
from lib.core.scope import Scope
from lib.present import charts
from lib.present.cards import AMBER, BLUE, GREEN, GREY, RED, Card, status_colour
from lib.present.cards import FORMULAS as HEADLINE_FORMULAS

_HUE = {"red": RED, "amber": AMBER, "green": GREEN, "grey": GREY, "none": BLUE}
#: Help text of the headline numbers (the same words as docs/aid.md).
FORMULAS: dict[str, str] = {
    "coverage": HEADLINE_FORMULAS["aid_coverage"],
    "gap": "应助未助 = 本学期符合生活补助条件(家庭经济困难在校生)但没有实发>0 的发放记录的学生数。",
    "on_time": HEADLINE_FORMULAS["aid_on_time"],
    "in_full": "足额发放率 = 本学年应发日期不晚于统计日的资助记录中，统计日前实发≥标准的记录数 ÷ 全部此类记录数。",
    "overdue": "逾期未发 = 应发日期已过、截至统计日仍未发放的资助记录(金额按标准计)。",
    "stuck": "审批积压 = 仍在办理中的申请；在同一环节停留超过设定天数的为超期(红色)。",
    "misdirected": "疑似错发 = 本学期已发放但不符合条件的记录数 + 同一人同一项目同一学期重复发放的记录数。",
}


@dataclass(frozen=True)
class AidReport:
    """Every figure and list of the 学生资助 page for one Scope."""

    scope: Scope
    towns: dict[str, str]
    schools: dict[str, str]
    #: compulsory-school coverage from the store's summary (lib.aid.data.AidData.coverage); the
    #: per-student marking stays out of the report, which every rerun unpickles from the cache
    coverage: dict[str, pd.DataFrame]
    recipient_marked: pd.DataFrame  # (recipient, programme) owed this term, with covered
    gaps: pd.DataFrame  # owed and unpaid, with reason (compulsory-school students)
    recipient_gaps: pd.DataFrame  # the same for non-compulsory recipients
    paid_not_eligible: pd.DataFrame
    duplicates: pd.DataFrame
    waiting: pd.DataFrame  # open applications
    stuck: pd.DataFrame  # by township
    #: on-time / in-full counts and rates per term, every year, as the store counts them
    #: (lib.aid.data.load_terms): this school year's are the payment cards, all the payments tab's chart
    terms: pd.DataFrame
    #: coverage by programme and priority group (compulsory; coverage_by_category of every programme)
    categories: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    #: names of the enrolled students the wrong payments name (by student_id)
    names: pd.Series = field(repr=False, default_factory=lambda: pd.Series(dtype=object))
    county: dict[str, Any] = field(default_factory=dict)
    #: coverage of every programme owed this term (compulsory and not), in display order
    by_programme: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    @cached_property  # asked by every rerun of the page: worked out once per report
    def programmes(self) -> list[str]:
        """Programmes owed to someone in the Scope this term, in display order."""
        have = set(self.coverage["programme"]["programme"]) | set(self.recipient_marked["programme"])
        order = [*aid.COMPULSORY_PROGRAMMES, *aid.OTHER_PROGRAMMES]
        return [p for p in order if p in have]


def compute_report(data: AidData) -> AidReport:
    """The figures of the 学生资助 page's first view: cards, coverage, approvals (docs/aid.md;
    the payments and social-aid tabs: :mod:`lib.aid.tabs`)."""
    scope = data.scope
    year, term = int(scope.school_year), scope.term
    students = data.students
    nutrition = aid.nutrition_schools(data.schools, data.townships)
    owed = aid.eligibility(students, school_year=year, term=term, nutrition_schools=nutrition)
    current = data.records  # of the Scope's term (load_all)
    info = students[["student_id", "name", "grade", "township_code", "school_name"]]
    # the judged pupils' own records (a few of the term's): owed rows look up only theirs
    theirs = current[textsets.member(current["student_id"], students["student_id"]).to_numpy()]
    marked = aid.mark_covered(owed, theirs, as_of=scope.as_of).merge(info, on="student_id", how="left")
    gaps = marked[~marked["covered"] & ~marked["pending"]].copy()
    gaps["reason"] = aid.gap_reasons(gaps, theirs, data.applications, as_of=scope.as_of)

    rec_owed = aid.recipient_eligibility(data.recipients, school_year=year)
    cur_awards = data.awards[(data.awards["school_year"] == year) & (data.awards["term"] == term)]
    rec_marked = aid.mark_covered(rec_owed, cur_awards, key="recipient_id", as_of=scope.as_of).merge(
        data.recipients[["recipient_id", "township_code"]], on="recipient_id", how="left"
    )

    rec_gaps = rec_marked[~rec_marked["covered"] & ~rec_marked["pending"]].merge(
        data.recipients[["recipient_id", "name", "stage", "institution"]], on="recipient_id", how="left"
    )
    rec_gaps["reason"] = aid.gap_reasons(
        rec_gaps, cur_awards, data.applications, as_of=scope.as_of, key="recipient_id"
    )

    # who the payments name (every payer, any status): the columns the two checks read
    people = data.record_students[["student_id", "id_number", "status"]].drop_duplicates("student_id")
    in_scope = current[current["in_scope"].astype(bool)]
    wrong = aid.paid_not_eligible(in_scope, owed, people)
    dup = aid.duplicate_payments(current, people)
    if len(dup):
        touched = dup.groupby(["person", "programme", "term"])["in_scope"].transform("any")
        dup = dup[touched.astype(bool)]

    waiting = aid_approvals.waiting(data.applications, as_of=scope.as_of)
    stuck = aid_approvals.stuck_by_township(
        data.applications, data.townships, as_of=scope.as_of, open_=waiting
    )
    named = {*wrong["student_id"], *dup["student_id"]}
    who = data.record_students
    names = who.loc[
        who["mine"].astype(bool) & textsets.member(who["student_id"], named), ["student_id", "name"]
    ]
    report = AidReport(
        scope=scope,
        towns=dict(zip(data.townships["code"], data.townships["name"], strict=True)),
        schools=dict(zip(data.schools["code"], data.schools["name"], strict=True)),
        coverage=data.coverage,
        recipient_marked=rec_marked,
        gaps=gaps,
        recipient_gaps=rec_gaps,
        paid_not_eligible=wrong,
        duplicates=dup,
        waiting=waiting,
        stuck=stuck,
        terms=data.terms,
        categories=aid.coverage_by_category(marked, students),
        names=names.set_index("student_id")["name"],
    )
    # the payment cards: this school year's terms as counted in the store (the payments tab's line)
    this_year = report.terms[report.terms["school_year"] == year]
    object.__setattr__(report, "county", _county(report, aid_payments.sum_rates(this_year)))
    by_programme = _coverage_by(report, None, ["programme"])  # counted once, shown on every rerun
    object.__setattr__(
        report, "by_programme", by_programme.set_index("programme").reindex(report.programmes).reset_index()
    )
    return report


def _county(r: AidReport, tot: dict[str, Any]) -> dict[str, Any]:
    cov = r.coverage["programme"]
    living = cov[cov["programme"] == aid.LIVING_SUBSIDY]
    eligible = int(living["eligible"].sum())
    return {
        "eligible": eligible,
        "covered": int(living["covered"].sum()),
        "coverage": float(living["covered"].sum() / eligible) if eligible else None,
        "gap": int(living["gap"].sum()),
        **tot,
        "open_applications": len(r.waiting),
        "stale_applications": int(r.waiting["stale"].sum()) if len(r.waiting) else 0,
        "misdirected": int(len(r.paid_not_eligible) + len(r.duplicates)),
    }


# ------------------------------------------------------------------ headline
def cards(r: AidReport, *, lang: str = "zh") -> list[Card]:
    """The page's big numbers: labels and help translate by their text; numbers and changes in ``lang``."""
    c = r.county
    count = partial(fmt.fmt_count, lang=lang)
    return [
        Card("生活补助覆盖率", fmt.fmt_pct(c["coverage"]), None, FORMULAS["coverage"]),
        Card("应助未助(人)", count(c["gap"]), None, FORMULAS["gap"]),
        Card("按时足额发放率", fmt.fmt_pct(c["on_time_rate"]), None, FORMULAS["on_time"]),
        Card(
            "逾期未发(笔)",
            count(c["overdue"]),
            i18n.t("aid_yuan", lang).format(n=count(c["overdue_amount"])) if c["overdue"] else None,
            FORMULAS["overdue"],
            inverse=True,
        ),
        Card(
            "审批中(件)",
            count(c["open_applications"]),
            i18n.t("aid_overdue_n", lang).format(n=c["stale_applications"])
            if c["stale_applications"]
            else None,
            FORMULAS["stuck"],
            inverse=True,
        ),
        Card("疑似错发(笔)", count(c["misdirected"]), None, FORMULAS["misdirected"]),
    ]


# ------------------------------------------------------------------ coverage
_COV_LABELS = {
    "eligible": "应助",
    "covered": "已发放",
    "pending": "待发(未到期)",
    "gap": "应助未助",
    "coverage": "覆盖率",
    "listed": "纳入率",
}


def _coverage_by(r: AidReport, programme: str | None, by: list[str]) -> pd.DataFrame:
    """Coverage by ``by`` of ``programme`` (None: every programme): compulsory programmes from
    the summary, the others from the recipients' marking."""
    summary = r.coverage["programme" if by == ["programme"] else "township"]
    if programme is None:
        return pd.concat([summary, aid.coverage_by(r.recipient_marked, by)], ignore_index=True).sort_values(
            by, ignore_index=True
        )
    if programme in aid.COMPULSORY_PROGRAMMES:
        return summary[summary["programme"] == programme].reset_index(drop=True)
    return aid.coverage_by(r.recipient_marked[r.recipient_marked["programme"] == programme], by)


def programme_table(r: AidReport) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Coverage by programme (compulsory and non-compulsory), with colours."""
    table = r.by_programme.rename(columns={"programme": "资助项目", **_COV_LABELS})
    return _coloured(table)


def category_table(r: AidReport, programme: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Coverage of one programme by priority group (a student counts in each of their groups)."""
    cats = r.categories
    cov = cats[cats["programme"] == programme].drop(columns="programme").reset_index(drop=True)
    order = {c: i for i, c in enumerate(aid.PRIORITY_CATEGORIES)}
    cov = cov.sort_values("category", key=lambda s: s.map(order), ignore_index=True)
    return _coloured(cov.rename(columns={"category": "困难类别", **_COV_LABELS}))


def township_coverage(r: AidReport, programme: str) -> pd.DataFrame:
    """Coverage of ``programme`` per township of the Scope (code, name, eligible, covered, gap, coverage)."""
    cov = _coverage_by(r, programme, ["township_code"]).drop(columns="programme", errors="ignore")
    out = pd.DataFrame({"code": list(r.towns), "name": list(r.towns.values())})
    out = out.merge(cov.rename(columns={"township_code": "code"}), on="code", how="left")
    out[["eligible", "covered", "gap"]] = out[["eligible", "covered", "gap"]].fillna(0).astype("int64")
    return out


def school_coverage(r: AidReport, programme: str, township: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Coverage of ``programme`` per school of one township, the largest gap first."""
    s = r.coverage["school"]
    cov = s[(s["programme"] == programme) & (s["township_code"] == township)].drop(
        columns=["programme", "township_code"]
    )
    cov = cov.sort_values(["gap", "school_code"], ascending=[False, True])
    cov.insert(0, "学校", cov.pop("school_code").map(r.schools))
    return _coloured(cov.rename(columns=_COV_LABELS).reset_index(drop=True))


def gap_students(
    r: AidReport, programme: str, *, township: str | None = None, school: str | None = None, mask: bool = True
) -> pd.DataFrame:
    """Who is owed ``programme`` and unpaid, and why (names masked unless ``mask`` is False).

    For high-school, vocational and university programmes the people are the
    recipients (their stage and institution in place of grade and school).
    """
    if programme in aid.OTHER_PROGRAMMES:
        g = r.recipient_gaps[r.recipient_gaps["programme"] == programme]
        g = g[g["township_code"] == township] if township else g
        g = g.assign(
            student_id=g["recipient_id"], grade=g["stage"], school_name=g["institution"], school_code=None
        )
        if school:
            g = g.iloc[0:0]
    else:
        g = r.gaps[r.gaps["programme"] == programme]
        if township:
            g = g[g["township_code"] == township]
        if school:
            g = g[g["school_code"] == school]
    out = pd.DataFrame(
        {
            "学生编号": g["student_id"],
            "姓名": g["name"],
            "年级": g["grade"].map(lambda v: schema.GRADE_LABELS.get(v, v)),
            "学校": g["school_name"],
            "资助依据": g["why"].map(lambda w: _mask_why(w, mask)),
            "标准(元)": g["standard_amount"],
            "未发原因": g["reason"],
        }
    )
    if mask:
        out["姓名"] = out["姓名"].map(ids.mask_name, na_action="ignore")
    return out.sort_values(["未发原因", "学校", "学生编号"], ignore_index=True)


def _mask_why(why: Any, mask: bool) -> str:
    """Priority groups are personal data (poverty, disability): generic when masked."""
    if not isinstance(why, str):
        return ""
    if not mask:
        return why
    tail = "、".join(p for p in why.split("、") if p.startswith(("寄宿", "走读")))
    return "家庭经济困难学生" + (f"、{tail}" if tail else "")


def wrong_payments(r: AidReport, *, mask: bool = True) -> pd.DataFrame:
    """Paid but not eligible, then paid twice: one list with a reason per row."""
    info = r.names
    a = r.paid_not_eligible
    first = pd.DataFrame(
        {
            "问题": "不符合条件",
            "记录编号": a["record_id"],
            "学生编号": a["student_id"],
            "学校": a["school_name"],
            "资助项目": a["programme"],
            "实发(元)": a["paid_amount"],
            "说明": a["reason"],
        }
    )
    d = r.duplicates
    second = pd.DataFrame(
        {
            "问题": "重复发放",
            "记录编号": d["record_id"],
            "学生编号": d["student_id"],
            "学校": d["school_name"],
            "资助项目": d["programme"],
            "实发(元)": d["paid_amount"],
            "说明": [
                f"同一人本学期该项目共 {c} 笔" + (f"，涉及 {s} 所学校" if s > 1 else "")
                for c, s in zip(d["copies"], d["schools"], strict=True)
            ],
        }
    )
    out = pd.concat([first, second], ignore_index=True)
    out.insert(3, "姓名", out["学生编号"].map(info))
    if mask:
        out["姓名"] = out["姓名"].map(ids.mask_name, na_action="ignore")
    return out


# ------------------------------------------------------------------ approvals
def stuck_table(r: AidReport) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Where each township's applications wait (stale ones red), the most stale first."""
    s = r.stuck.sort_values(["stale", "open", "code"], ascending=[False, False, True], ignore_index=True)
    table = pd.DataFrame(
        {
            "乡镇(街道)": s["name"],
            "待学校初审": s["学校初审"],
            "待资助中心核对": s["资助中心核对"],
            "待批准": s["已批准"],
            "待发放": s["已发放"],
            "超期": s["stale"],
            "已退回": s["rejected"],
            "已发放": s["paid"],
            "申请总数": s["total"],
        }
    )
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    colours["超期"] = s["stale"].map(lambda v: "red" if v else "green")
    return table, colours, {}


def waiting_list(r: AidReport, *, mask: bool = True, township: str | None = None) -> pd.DataFrame:
    """Open applications, the longest waiting first."""
    w = r.waiting if township is None else r.waiting[r.waiting["township_code"] == township]
    out = pd.DataFrame(
        {
            "申请编号": w["application_id"],
            "姓名": w["name"],
            "学校": w["school_name"].fillna("(非义务教育)"),
            "乡镇": w["township_code"].map(r.towns),
            "资助项目": w["programme"],
            "当前状态": w["status"],
            "等待环节": w["waiting_at"],
            "已等待(天)": w["days_waiting"],
            "版本": w["version"],
        }
    )
    if mask:
        out["姓名"] = out["姓名"].map(ids.mask_name, na_action="ignore")
    return out


# ------------------------------------------------------------------ figures
def plot_township_rate(
    table: pd.DataFrame, *, measure: str, rate: str, title: str, county: float | None
) -> go.Figure:
    """Horizontal bars sorted by the rate, coloured by target; county and target as lines."""
    t = table.sort_values(rate, ascending=False, na_position="first")  # plotly stacks upward: worst on top
    colours = [_HUE[status_colour(measure, v)] for v in t[rate]]
    fig = go.Figure(
        go.Bar(
            x=t[rate].fillna(0),
            y=t["name"],
            orientation="h",
            marker_color=colours,
            customdata=[fmt.fmt_pct(v) for v in t[rate]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    # the value beside the name: never on a bar end, where the target line runs
    charts.bar_labels(fig, list(t["name"]), [fmt.fmt_pct(v) for v in t[rate]])
    rule = config.SETTINGS["targets"][measure]
    charts.reference_line(fig, county, f"全区 {fmt.fmt_pct(county)}", colour="#555555", dash="dot")
    charts.reference_line(fig, rule["green"], f"目标 {fmt.fmt_pct(rule['green'])}", colour=GREEN, dash="dash")
    lo = min([v for v in t[rate].dropna()] + [rule["red"]]) if t[rate].notna().any() else 0.0
    fig.update_xaxes(range=[max(0.0, lo - 0.05), 1.01], tickformat=".0%")
    return charts.style(fig, title, height=max(300, 22 * len(t) + 90))


# ------------------------------------------------------------------ shared
def _coloured(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Coverage colours: the rate by target once nothing is pending (else the 纳入率), gaps red."""
    counts = ("应助", "已发放", "待发(未到期)", "应助未助")
    for col in counts:
        table[col] = table[col].fillna(0).astype("int64")
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    judged = table["待发(未到期)"] == 0
    colours["覆盖率"] = [
        status_colour("aid_coverage", v) if j else "none"
        for v, j in zip(table["覆盖率"], judged, strict=True)
    ]
    colours["纳入率"] = table["纳入率"].map(lambda v: status_colour("aid_coverage", v))
    colours["应助未助"] = table["应助未助"].map(lambda v: "red" if v > 0 else "green")
    # nothing paid because nothing is due yet: say so, a 0.0% would read as a failure
    not_due = (table["已发放"] == 0) & (table["待发(未到期)"] > 0)
    table["覆盖率"] = [
        NOT_YET_DUE if wait else fmt.fmt_pct(v) for v, wait in zip(table["覆盖率"], not_due, strict=True)
    ]
    formats: dict[str, Any] = {"纳入率": fmt.fmt_pct}
    formats.update(dict.fromkeys(counts, "{:,}"))
    return table, colours, formats


#: What the coverage of a programme reads before its first payment is due (short: the column
#: beside it, 待发(未到期), says what is waiting).
NOT_YET_DUE = "未到期"


def not_yet_due(towns: pd.DataFrame, programme: str, *, term: str = "本学期") -> str | None:
    """A sentence instead of a chart of zeros when nothing of ``programme`` is due yet
    (``towns`` from :func:`township_coverage`): 本学期营养改善计划尚未到发放日期 ...; else None."""
    if towns.empty or "pending" not in towns:
        return None
    covered, pending = int(towns["covered"].sum()), int(towns["pending"].fillna(0).sum())
    if covered or not pending:
        return None
    return (
        f"{term}{programme}尚未到发放日期：已列入发放名单 {pending:,} 人次，"
        "到应发日期后按实发计入覆盖率(现在的 0% 不是漏发)。"
    )


# ------------------------------------------------------------------ small helpers for the page
def county_rate(towns: pd.DataFrame) -> float | None:
    """Covered ÷ eligible summed over the townships (never a mean of rates)."""
    eligible = float(towns["eligible"].sum())
    return float(towns["covered"].sum()) / eligible if eligible else None


def schools_of(r: AidReport, township: str | None) -> dict[str, str]:
    """Schools of one township in the Scope that owe someone aid (code -> name); {} for none."""
    if not township:
        return {}
    s = r.coverage["school"]
    codes = s.loc[s["township_code"] == township, "school_code"].dropna().unique()
    return {c: r.schools.get(c, c) for c in sorted(codes)}


def application_labels(waiting: pd.DataFrame, *, lang: str = "zh") -> dict[str, str]:
    """Application ID -> a one-line label for a picker (names as already masked in ``waiting``)."""
    wait, days = i18n.t("aid_wait_for", lang), i18n.t("aid_days", lang)
    return {
        a: f"{a} · {n or ''} · {p} · {wait.format(stage=i18n.t(w, lang))} · {days.format(n=d)}"
        for a, n, p, w, d in zip(
            waiting["申请编号"],
            waiting["姓名"],
            waiting["资助项目"],
            waiting["等待环节"],
            waiting["已等待(天)"],
            strict=True,
        )
    }


def version_of(waiting: pd.DataFrame, application_id: str) -> int:
    """The version of an application as the user saw it."""
    return int(waiting.loc[waiting["申请编号"] == application_id, "版本"].iloc[0])


def standards(r: AidReport) -> pd.DataFrame:
    """Every programme's standard in force this school year (from settings)."""
    return aid.standards_table(int(r.scope.school_year))


# ------------------------------------------------------------------ 精准识别 page
def reconcile_cards(result: Any, *, lang: str = "zh") -> list[Card]:
    """One card per category of a :class:`lib.aid.reconcile.ReconcileResult` (help in ``lang``)."""

    help_text = {
        "matched": "身份证号与在校学生一致，姓名相符。",
        "not_enrolled": "义务教育年龄、在范围内，但不是在校学生：可能失学，可开立控辍保学台账。",
        "out_of_scope": "非义务教育年龄(按当学年9月1日计)，或住址/就读学校不在当前范围内。",
        "not_in_registry": "学籍标记为该类别的在校生却不在名单中：需入户核实。",
        "name_mismatch": "身份证号对应的在校生姓名与名单不同。",
        "invalid_id": "身份证号为空、校验位错误，或被 Excel 改成科学计数法/末位补0。",
        "duplicate": "与名单中前面某行身份证号相同。",
    }
    return [
        Card(
            REC_SHORT[c],
            fmt.fmt_count(result.counts[c], lang=lang),
            None,
            i18n.t("label_value", lang).format(
                label=i18n.t(reconcile.CATEGORIES[c], lang), value=i18n.t(help_text[c], lang)
            ),
        )
        for c in REC_ORDER
    ]


#: Categories in the order of urgency (what to act on first) and their short card labels.
REC_ORDER = (
    "not_enrolled",
    "not_in_registry",
    "name_mismatch",
    "invalid_id",
    "duplicate",
    "out_of_scope",
    "matched",
)
REC_SHORT = {
    "not_enrolled": "适龄未在校",
    "not_in_registry": "未列入名单",
    "name_mismatch": "姓名不符",
    "invalid_id": "号码无效",
    "duplicate": "重复行",
    "out_of_scope": "范围外",
    "matched": "匹配成功",
}


def row_labels(shown: pd.DataFrame, *, lang: str = "zh") -> dict[int, str]:
    """List row number -> label (as displayed, i.e. already masked) for a picker."""
    row = i18n.t("aid_row_n", lang)
    return {
        int(r): f"{row.format(n=int(r))} · {n or ''} · {i or ''}"
        for r, n, i in zip(shown["名单行号"], shown["名单姓名"], shown["身份证号"], strict=True)
    }


def task_table(tasks: pd.DataFrame, *, mask: bool = True, as_of: Any = None) -> pd.DataFrame:
    """Open verification tasks for display (names and IDs masked), overdue first."""

    out = pd.DataFrame(
        {
            "任务编号": tasks["task_id"],
            "核实内容": tasks["category"].map(aid_tasks.TASK_CATEGORIES),
            "姓名": tasks["name"],
            "身份证号": tasks["id_number"],
            "学校": tasks["school_name"],
            "名单": tasks["kind"].map(schema.REGISTRY_KINDS),
            "下发日期": tasks["created_on"].map(fmt.fmt_iso),
            "完成期限": tasks["due_on"].map(fmt.fmt_iso),
            "逾期": (pd.to_datetime(tasks["due_on"]) < pd.Timestamp(as_of)) if as_of else False,
        }
    )
    if mask:
        out = ids.mask_frame(out, columns={"姓名": "name", "身份证号": "id"})
    return out.sort_values(["逾期", "完成期限", "任务编号"], ascending=[False, True, True], ignore_index=True)


def task_labels(table: pd.DataFrame, *, lang: str = "zh") -> dict[str, str]:
    return {
        task: f"{task} · {n or ''} · {i18n.t(k, lang)}"
        for task, n, k in zip(table["任务编号"], table["姓名"], table["核实内容"], strict=True)
    }


def task_version(tasks: pd.DataFrame, task_id: str) -> int:
    return int(tasks.loc[tasks["task_id"] == task_id, "version"].iloc[0])
