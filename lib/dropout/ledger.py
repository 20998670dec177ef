"""台账 views: the case ledger, a case's details, the proposals from absences, and a
conflict shown side by side (pure; frames in, frames out, masked by default).

Tables of people follow STYLE.md: masked columns, a reason chip per row,
sorted by urgency (red escalations first), few enough columns for a laptop.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lib.core import fmt, i18n, ids, schema
from lib.dropout import rules as dropout
from lib.present.cards import Card

#: Session-state keys the 控辍保学 pages share (the chosen case, a message after a write,
#: a conflict waiting for the user to re-apply or discard their typed values).
SELECTED_CASE, FLASH, CONFLICT = "do_case", "do_flash", "do_conflict"

#: The ledger's columns on screen, most telling first (the ID number is on the case page).
LEDGER_COLUMNS: dict[str, str] = {
    "case_id": "台账编号",
    "name": "学生",
    "status": "状态",
    "next_followup_on": "下次跟进",
    "responsible": "当前责任人",
    "todo": "待办",
    "reason_chip": "原因",
    "days_open": "在册天数",
    "township_name": "户籍乡镇",
    "school_name": "学校",
    "grade": "年级",
}
PROPOSAL_COLUMNS: dict[str, str] = {
    "name": "学生",
    "school_name": "学校",
    "grade": "年级",
    "township_name": "户籍乡镇",
    "village_name": "户籍村(社区)",
    "run_start": "连续缺勤起始",
    "days": "连续缺勤(上课日)",
    "level": "达到标准",
}
_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}


def _chip(reason: Any, lang: str = "zh") -> str:
    group = {code: g for g, codes in schema.RISK_GROUPS.items() for code in codes}
    if reason is None or pd.isna(reason):
        return "—"
    chip = i18n.t("do_chip", lang)
    return chip.format(group=group.get(reason, "其他"), reason=reason)


def ledger_table(
    cases: pd.DataFrame,
    responsibles: pd.DataFrame,
    notices: pd.DataFrame,
    *,
    as_of: date,
    mask: bool = True,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Every case with its child, reason, status, days open, next follow-up, who answers now
    (after escalation) and what is to do; most urgent first.

    Returns
    -------
    DataFrame
        :data:`LEDGER_COLUMNS` keys plus ``colour`` (red escalated, amber overdue or due
        soon, green on schedule, grey closed), ``open`` (bool), ``escalated`` (bool) and
        ``version``.
    """
    out = cases.copy()
    open_ = out["status"].isin(schema.OPEN_CASE_STATUS) | (out["status"] == "已返校")
    esc = dropout.escalation(out["next_followup_on"].where(open_), as_of=as_of, settings=settings)
    out["days_open"] = dropout.days_open(out, as_of=as_of)
    out["responsible"] = np.where(open_, esc["responsible"], "—")
    out["escalated"] = esc["escalated"].to_numpy() & open_.to_numpy()
    out["colour"] = np.where(open_, esc["colour"], "grey")
    out["overdue_days"] = esc["overdue_days"]
    out["open"] = out["status"].isin(schema.OPEN_CASE_STATUS)
    out["reason_chip"] = out["reason"].map(_chip)
    out["grade"] = out["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g)) if pd.notna(g) else "未入学")
    out["school_name"] = out["school_name"].fillna("(未入学)")
    out["todo"] = _todo_text(out, responsibles, notices, as_of=as_of, settings=settings)
    if mask:
        out = ids.mask_frame(out, columns={"name": "name", "id_number": "id"})
    out["_o"] = out["colour"].map(_ORDER)
    out = out.sort_values(
        ["_o", "overdue_days", "reported_on", "case_id"],
        ascending=[True, False, True, True],
        na_position="last",
        ignore_index=True,
    )
    return out.drop(columns="_o")


def _todo_text(
    cases: pd.DataFrame,
    responsibles: pd.DataFrame,
    notices: pd.DataFrame,
    *,
    as_of: date,
    settings: dict[str, Any] | None,
) -> pd.Series:
    missing = missing_chiefs(responsibles)
    # each case's notices, found once (not by a scan of every notice for each case)
    # (only a confirmed case not yet back needs a notice: schema.DROPOUT_CASE_STATUS)
    needing = cases.loc[cases["status"].isin(schema.DROPOUT_CASE_STATUS), "case_id"]
    wanted = notices[notices["case_id"].isin(needing)] if len(notices) else notices
    by_case = dict(tuple(wanted.groupby("case_id", sort=False))) if len(wanted) else {}
    none = notices.iloc[0:0]
    texts = []
    for row in cases.itertuples(index=False):
        items = []
        if row.status == "疑似辍学":
            items.append("待核实")
        nxt = dropout.next_notice(
            by_case.get(row.case_id, none),
            status=row.status,
            enrolled=isinstance(row.student_id, str),
            verified_on=row.verified_on,
            as_of=as_of,
            settings=settings,
        )
        if nxt and nxt[1] <= as_of:
            items.append(f"发《{nxt[0]}》")
        if row.status in schema.OPEN_CASE_STATUS and missing.get(row.case_id):
            items.append("补齐六长")
        if row.status == "已返校" and dropout.allowed_moves(
            "已返校", returned_on=row.returned_on, as_of=as_of, present=True
        ):
            items.append("可转巩固(须在校)")
        texts.append("、".join(items))
    return pd.Series(texts, index=cases.index, dtype=object)


def missing_chiefs(responsibles: pd.DataFrame) -> dict[str, list[str]]:
    """Per case, the 六长 roles without a name."""
    if responsibles.empty:
        return {}
    named = responsibles[responsibles["name"].notna() & (responsibles["name"].astype(str).str.strip() != "")]
    have = named.groupby("case_id")["role"].agg(set).to_dict()
    return {
        c: [r for r in schema.SIX_CHIEFS if r not in have.get(c, set())]
        for c in responsibles["case_id"].unique()
    }


def filter_ledger(
    ledger: pd.DataFrame,
    *,
    statuses: list[str] | None = None,
    attention_only: bool = False,
    text: str | None = None,
) -> pd.DataFrame:
    """Rows of the given statuses; only red/amber; matching ``text`` in 台账编号, school or township."""
    out = ledger
    if statuses:
        out = out[out["status"].isin(statuses)]
    if attention_only:
        out = out[out["colour"].isin(["red", "amber"])]
    if text and text.strip():
        t = text.strip()
        hit = (
            out["case_id"].str.contains(t, regex=False)
            | out["school_name"].str.contains(t, regex=False)
            | out["township_name"].fillna("").str.contains(t, regex=False)
        )
        out = out[hit]
    return out


def ledger_display(ledger: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The ledger for the screen: labelled columns, cell colours, formats."""
    table = ledger[list(LEDGER_COLUMNS)].rename(columns=LEDGER_COLUMNS)
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    for col in ("下次跟进", "当前责任人"):
        colours[col] = ledger["colour"].to_numpy()
    formats = {"下次跟进": lambda d: fmt.fmt_date(d) if isinstance(d, date) and not pd.isna(d) else "—"}
    return table, colours, formats


def proposals_display(props: pd.DataFrame, students: pd.DataFrame, *, mask: bool = True) -> pd.DataFrame:
    """Proposals with the student's masked name, school, grade and home place; ``colour`` kept."""
    cols = ["student_id", "name", "school_name", "grade", "township_name", "village_name"]
    out = props.merge(students[cols], on="student_id", how="left")
    out["grade"] = out["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g)) if pd.notna(g) else "")
    out["level"] = np.where(out["level"] == "辍学", "≥辍学标准(20天)", "≥疑似标准(5天)")
    if mask:
        out = ids.mask_frame(out, columns={"name": "name"})
    return out


def proposals_table(props: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Proposals for the screen (labelled columns) and their cell colours (days and level)."""
    shown = props[list(PROPOSAL_COLUMNS)].rename(columns=PROPOSAL_COLUMNS)
    colours = pd.DataFrame("none", index=shown.index, columns=shown.columns)
    for col in ("连续缺勤(上课日)", "达到标准"):
        colours[col] = props["colour"].to_numpy()
    return shown, colours


# ------------------------------------------------------------------ one case
def chiefs_table(responsibles: dict[str, tuple[Any, Any]], *, mask: bool = True) -> pd.DataFrame:
    """The 六长 of one case in the bureau's order: 职责, 姓名, 电话 (blank when missing)."""
    order = ("教体局局长", "镇长", "校长", "村长", "家长", "师长")
    rows = []
    for role in order:
        name, phone = responsibles.get(role, (None, None))
        name = None if name is None or pd.isna(name) else name
        phone = None if phone is None or pd.isna(phone) else phone
        rows.append(
            {
                "职责": role,
                "姓名": (ids.mask_name(name) if mask else name) or "（未填）",
                "电话": (ids.mask_phone(phone) if mask else phone) or "",
            }
        )
    return pd.DataFrame(rows)


def actions_table(actions: pd.DataFrame, *, mask: bool = True) -> pd.DataFrame:
    """A case's action log, newest first: 日期, 经办人, 措施, 结果."""
    out = actions.sort_values(["acted_on", "action_id"], ascending=False)
    if mask:
        out = ids.mask_frame(out, columns={"actor": "name"})
    out = out.assign(acted_on=out["acted_on"].map(fmt.fmt_date))
    return (
        out[["acted_on", "actor", "action", "result"]]
        .rename(columns={"acted_on": "日期", "actor": "经办人", "action": "措施", "result": "结果"})
        .reset_index(drop=True)
    )


def notices_table(notices: pd.DataFrame) -> pd.DataFrame:
    """A case's notices: 文书编号, 文书, 签发日期, 限期, 签发人."""
    out = notices.sort_values("issued_on")
    return pd.DataFrame(
        {
            "文书编号": out["notice_id"],
            "文书": out["kind"],
            "签发日期": out["issued_on"].map(fmt.fmt_date),
            "限期": out["deadline_on"].map(
                lambda d: fmt.fmt_date(d) if isinstance(d, date) and not pd.isna(d) else "—"
            ),
            "签发人": out["issued_by"],
        }
    ).reset_index(drop=True)


def case_facts(case: dict[str, Any], *, as_of: date, mask: bool = True, lang: str = "zh") -> dict[str, str]:
    """One case's headline facts as display strings (words and dates in ``lang``)."""
    esc = dropout.escalation(pd.Series([case.get("next_followup_on")]), as_of=as_of).iloc[0]
    frame = pd.DataFrame([case])
    grade = case.get("grade")
    fu = case.get("next_followup_on")
    return {
        "学生": (ids.mask_name(case.get("name")) if mask else case.get("name")) or "—",
        "身份证号": (ids.mask_id(case.get("id_number")) if mask else case.get("id_number")) or "—",
        "学校": case.get("school_name") or i18n.t("(未入学)", lang),
        "年级": i18n.t(schema.GRADE_LABELS.get(int(grade), "") if grade is not None else "未入学", lang),
        "户籍": f"{case.get('township_name') or ''}{case.get('village_name') or ''}",
        "原因": _chip(case.get("reason"), lang),
        "来源": case.get("source") or "—",
        "上报": fmt.fmt_date(case.get("reported_on"), lang=lang),
        "在册天数": str(int(dropout.days_open(frame, as_of=as_of).iloc[0])),
        "下次跟进": fmt.fmt_date(fu, lang=lang) if fu is not None else "—",
        "跟进": i18n.t(_due_text(esc["overdue_days"]), lang) if fu is not None else "—",
        "当前责任人": esc["responsible"]
        if case.get("status") in (*schema.OPEN_CASE_STATUS, "已返校")
        else "—",
        "colour": esc["colour"],
    }


def _due_text(overdue: Any) -> str:
    """逾期 12 天 / 今天到期 / 还有 3 天."""
    if overdue is None or pd.isna(overdue):
        return "—"
    n = int(overdue)
    return f"逾期{n}天" if n > 0 else "今天到期" if n == 0 else f"还有{-n}天"


def conflict_table(current: dict[str, Any], mine: dict[str, Any], *, mask: bool = True) -> pd.DataFrame:
    """What the newer version holds beside what the user typed, field by field."""
    labels = {
        "to": "新状态",
        "on": "日期",
        "reason": "原因/理由",
        "note": "说明",
        "action": "措施",
        "result": "结果",
        "acted_on": "措施日期",
        "actor": "经办人",
        "next_followup_on": "下次跟进",
        "kind": "文书",
        "issued_on": "签发日期",
    }
    now_values = {
        "to": current.get("status"),
        "reason": current.get("reason"),
        "next_followup_on": current.get("next_followup_on"),
    }
    rows = []
    for key, value in mine.items():
        if key == "responsibles":
            for role, (name, phone) in (value or {}).items():
                cur = (current.get("responsibles") or {}).get(role, (None, None))
                show = (
                    (lambda n, p: f"{ids.mask_name(n) or ''} {ids.mask_phone(p) or ''}".strip())
                    if mask
                    else (lambda n, p: f"{n or ''} {p or ''}".strip())
                )
                rows.append({"字段": role, "最新版本": show(*cur), "您填写的": show(name, phone)})
            continue
        if key == "actor" and mask:
            value = ids.mask_name(value)
        rows.append(
            {
                "字段": labels.get(key, key),
                "最新版本": _text(now_values.get(key, "")),
                "您填写的": _text(value),
            }
        )
    rows.append({"字段": "版本", "最新版本": str(current.get("version")), "您填写的": "(基于旧版本)"})
    rows.append({"字段": "修改人", "最新版本": str(current.get("updated_by") or ""), "您填写的": ""})
    return pd.DataFrame(rows)


def _text(v: Any) -> str:
    if v is None or (not isinstance(v, str | date) and pd.isna(v)):
        return ""
    return fmt.fmt_date(v) if isinstance(v, date) else str(v)


def changed_contacts(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rows of an edited contacts table whose name or phone changed (``role``, ``place_code``,
    ``name``, ``phone``), keyed by role and place."""
    key = ["role", "place_code"]
    b = before[[*key, "name", "phone"]].astype(object).where(before[[*key, "name", "phone"]].notna(), None)
    a = after[[*key, "name", "phone"]].astype(object).where(after[[*key, "name", "phone"]].notna(), None)
    merged = a.merge(b, on=key, how="left", suffixes=("", "_old"))

    def norm(v: Any) -> str:
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()

    diff = [
        norm(r.name) != norm(r.name_old) or norm(r.phone) != norm(r.phone_old)
        for r in merged.itertuples(index=False)
    ]
    return merged.loc[diff, [*key, "name", "phone"]].reset_index(drop=True)


def contacts_with(frame: pd.DataFrame, values: dict[tuple[str, str], tuple[Any, Any]]) -> pd.DataFrame:
    """A copy of a contacts table with (role, place_code) -> (name, phone) put in."""
    out = frame.copy()
    for i, r in enumerate(out[["role", "place_code"]].itertuples(index=False)):
        if (r.role, r.place_code) in values:
            name, phone = values[(r.role, r.place_code)]
            out.iloc[i, out.columns.get_loc("name")] = name
            out.iloc[i, out.columns.get_loc("phone")] = phone
    return out


def contacts_after_conflict(
    shown: pd.DataFrame, base: pd.DataFrame, edited: pd.DataFrame, stale: list[dict[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contacts form after a refused save: what to show (everything the user typed kept) and
    what to compare against (the refused rows' current values, so that saving again re-applies
    the user's values knowingly, while rows the user did not touch are still never written)."""
    typed = {(r.role, r.place_code): (r.name, r.phone) for r in edited.itertuples(index=False)}
    now = {(r["role"], r["place_code"]): tuple(r["now"]) for r in stale}
    return contacts_with(shown, typed), contacts_with(base, now)


# ------------------------------------------------------------------ the case page's helpers
def case_cards(case: dict[str, Any], facts: dict[str, str], *, lang: str = "zh") -> tuple[list[Any], str]:
    """The case page's four cards (lib.present.cards.Card) and its one-line summary (in ``lang``)."""

    pair = i18n.t("label_value", lang)
    cards = [
        Card("状态", case["status"]),
        Card("在册天数", facts["在册天数"]),
        Card(
            "跟进", facts["跟进"], help=pair.format(label=i18n.t("下次跟进", lang), value=facts["下次跟进"])
        ),
        Card(
            "当前责任人",
            facts["当前责任人"],
            help="跟进逾期每满设置天数，责任沿 师长→校长→村长→镇长→教体局局长 上移一级。",
        ),
    ]
    line = " · ".join(
        pair.format(label=i18n.t(k, lang), value=facts[k])
        for k in ("学生", "身份证号", "学校", "年级", "户籍", "原因", "来源", "上报", "下次跟进")
    )
    return cards, line


def reason_index(case: dict[str, Any]) -> int:
    """Position of the case's reason in :data:`lib.core.schema.REASONS` (for a select box)."""
    codes = list(schema.REASONS)
    return codes.index(case["reason"]) if case.get("reason") in codes else 0


def status_values(to: str, on: date, code: str, note: str, placement: str | None = None) -> dict[str, Any]:
    """The status form's values: 已核实 takes the reason code, 误报 the typed reason, 已返校 the
    安置方式."""
    reason = code if to == "已核实" else note if to == "误报" else None
    return {
        "to": to,
        "on": on,
        "note": note,
        "reason": reason,
        "placement": placement if to == "已返校" else None,
    }


def next_notice_text(
    case: dict[str, Any], issued: pd.DataFrame, *, as_of: date, lang: str = "zh"
) -> tuple[str | None, str]:
    """The notice due next (or None) and a sentence saying so (in ``lang``)."""
    nxt = dropout.next_notice(
        issued,
        status=case["status"],
        enrolled=bool(case.get("student_id")),
        verified_on=case.get("verified_on"),
        as_of=as_of,
    )
    if nxt is None:
        return None, i18n.t("do_no_notice", lang)
    return nxt[0], i18n.t("do_next_notice", lang).format(
        kind=i18n.t(nxt[0], lang), day=fmt.fmt_date(nxt[1], lang=lang)
    )


# ------------------------------------------------------------------ people, not places
def tasks_for_account(items: pd.DataFrame, responsibles: pd.DataFrame, account: str) -> pd.DataFrame:
    """The to-do lines that are ``account``'s: those of a case whose 六长 for the line's responsible
    role (师长 for a home check, 村长 for an escalation at that level ...) carries this account."""
    if items.empty or responsibles.empty or "account" not in responsibles:
        return items.iloc[0:0]
    mine = responsibles[responsibles["account"] == account]
    keys = set(zip(mine["case_id"], mine["role"], strict=True))
    keep = [(t, r) in keys for t, r in zip(items["task_id"], items["responsible"], strict=True)]
    return items[keep]


def is_named(responsibles: pd.DataFrame, account: str) -> bool:
    """Is ``account`` named on some case (as its 师长, 村长 ...)?"""
    return (
        bool(len(responsibles))
        and "account" in responsibles
        and bool((responsibles["account"] == account).any())
    )
