"""每周填报: the weekly dropout report for one ISO week and Scope.

One row per case **open or changed in the week** (within the Scope, attributed
to the home township):

* open: the case's derived status on the week's Monday is 疑似辍学 or 辍学;
* changed: reported, verified, returned or closed in the week, or an action,
  a notice or a status change dated in the week.

The week ends on its Sunday, or on ``as_of`` when the week contains it.  A past week is
built from the data as it stood at its end (:func:`as_it_stood`): cases reported later are
left out, each case edited later is read from the version it had before that edit
(``case_versions``, with its 六长), and the status is the one derived for the week's end;
so a past week's report does not change when its cases are edited afterwards.  The
summary sheet counts the same rows by township and ends with a 合计 row that
adds them up; a third sheet lists the schools in Scope that have not filed
this week (``weekly_submissions``).  Column order and headers come from the
template ``dropout.weekly_template`` in settings ([field, header] pairs), so
they can match the provincial module's layout.  Names, ID numbers and phones
are masked unless the caller passes ``unmask=True`` (the page asks, checks the
role and records it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, ids, permissions, places, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.dropout import data as dropout_data
from lib.dropout import rules as dropout
from lib.present import reports


class WeeklyReportError(AppError, ValueError):
    """每周填报 refused (the message says why)."""


#: Every field a template may name, with its default header.
FIELDS: dict[str, str] = {
    "row_no": "序号",
    "case_id": "台账编号",
    "name": "学生姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "township": "户籍乡镇",
    "village": "户籍村(社区)",
    "school": "就读学校",
    "grade": "年级",
    "reason": "辍学原因",
    "risk_group": "风险类型",
    "source": "来源",
    "reported_on": "上报日期",
    "verified_on": "核实日期",
    "chief_bureau": "教体局局长",
    "chief_township": "镇长",
    "chief_school": "校长",
    "chief_village": "村长",
    "chief_parent": "家长",
    "chief_teacher": "师长",
    "actions_week": "本周劝返措施",
    "notices_week": "本周文书",
    "status": "状态",
    "returned_on": "返校日期",
    "next_followup_on": "下次跟进",
}
_CHIEF_FIELDS = {
    "chief_bureau": "教体局局长",
    "chief_township": "镇长",
    "chief_school": "校长",
    "chief_village": "村长",
    "chief_parent": "家长",
    "chief_teacher": "师长",
}
SUMMARY_COLUMNS: dict[str, str] = {
    "township": "乡镇(街道)",
    "cases": "本周台账(条)",
    "new_suspected": "新增疑似",
    "confirmed": "新核实辍学",
    "returned": "本周返校",
    "dismissed": "本周误报",
    "open_end": "周末仍未返校",
    "actions": "本周措施(次)",
    "notices": "本周文书(份)",
}
MISSING_COLUMNS: dict[str, str] = {
    "township_name": "乡镇(街道)",
    "code": "学校标识码",
    "name": "学校名称",
    "level": "办学类型",
    "head": "校长",
    "head_phone": "校长电话",
    "open_cases": "本校未结台账",
}
SHEETS = ("周报台账", "乡镇汇总", "未填报学校")


@dataclass(frozen=True)
class WeeklyReport:
    """The week's report: rows (in template order), township summary, schools not filed."""

    week: str
    start: date
    end: date  # Sunday, or as_of when the week contains it
    title: str
    rows: pd.DataFrame
    summary: pd.DataFrame
    missing: pd.DataFrame
    masked: bool

    def sheets(self) -> dict[str, pd.DataFrame]:
        return dict(zip(SHEETS, (self.rows, self.summary, self.missing), strict=True))


# ------------------------------------------------------------------ pure steps
def week_window(week: str, as_of: date) -> tuple[date, date]:
    """Monday and the report's last day (Sunday, or ``as_of`` in the current week).

    Raises
    ------
    ValueError
        A malformed week, or a week that begins after ``as_of``.
    """
    monday, sunday = dropout.parse_iso_week(week)
    if monday > as_of:
        raise WeeklyReportError(f"{week} 尚未开始(统计日期 {as_of.isoformat()})")
    return monday, min(sunday, as_of)


def _between(values: pd.Series, start: date, end: date) -> np.ndarray:
    d = pd.to_datetime(pd.Series(values.to_numpy()), errors="coerce")
    return ((d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))).to_numpy()


def select_cases(cases: pd.DataFrame, events: pd.DataFrame, *, start: date, end: date) -> pd.DataFrame:
    """The cases the week's report covers: open on ``start`` or changed in ``[start, end]``.

    Parameters
    ----------
    events
        ``case_id``, ``day``: dated actions, notices and status changes.
    """
    open_at_start = dropout.status_on(cases, start).isin(dropout.OPEN_DERIVED).to_numpy()
    changed = np.zeros(len(cases), dtype=bool)
    for col in ("reported_on", "verified_on", "returned_on", "closed_on"):
        changed |= _between(cases[col], start, end)
    touched = set(events.loc[_between(events["day"], start, end), "case_id"]) if len(events) else set()
    changed |= cases["case_id"].isin(touched).to_numpy()
    return cases[open_at_start | changed].copy()


def _week_text(frame: pd.DataFrame, day_col: str, text: Any, start: date, end: date) -> pd.Series:
    sub = frame[_between(frame[day_col], start, end)] if len(frame) else frame
    if sub.empty:
        return pd.Series(dtype=object)
    sub = sub.sort_values(day_col)
    lines = [f"{d.month}月{d.day}日 {t}" for d, t in zip(sub[day_col], text(sub), strict=True)]
    return pd.Series(lines, index=sub.index).groupby(sub["case_id"]).agg("；".join)


def report_rows(
    cases: pd.DataFrame,
    responsibles: pd.DataFrame,
    actions: pd.DataFrame,
    notices: pd.DataFrame,
    *,
    start: date,
    end: date,
    as_of: date,
) -> pd.DataFrame:
    """One row per selected case with every field of :data:`FIELDS` (unmasked).

    ``status`` is the stored status when the week reaches ``as_of``, else the
    case's derived status at the week's end.
    """
    out = cases.sort_values(["township_code", "reported_on", "case_id"], ignore_index=True)
    acts = _week_text(actions, "acted_on", lambda s: s["action"] + "：" + s["result"].fillna(""), start, end)
    nots = _week_text(notices, "issued_on", lambda s: "《" + s["kind"] + "》", start, end)
    people = {}
    if len(responsibles):
        r = responsibles.assign(
            text=[_person(n, p) for n, p in zip(responsibles["name"], responsibles["phone"], strict=True)]
        )
        people = {role: dict(zip(g["case_id"], g["text"], strict=True)) for role, g in r.groupby("role")}
    status = out["status"] if end >= as_of else dropout.status_on(out, end)
    group = {code: g for g, codes in schema.RISK_GROUPS.items() for code in codes}
    rows = pd.DataFrame(
        {
            "row_no": np.arange(1, len(out) + 1),
            "case_id": out["case_id"],
            "name": out["name"],
            "id_number": out["id_number"],
            "sex": out["sex"],
            "township": out["township_name"],
            "village": out["village_name"],
            "school": out["school_name"],
            "grade": out["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g)) if pd.notna(g) else None),
            "reason": out["reason"],
            "risk_group": out["reason"].map(group).fillna("其他原因"),
            "source": out["source"],
            "reported_on": out["reported_on"],
            "verified_on": out["verified_on"],
            **{f: out["case_id"].map(people.get(role, {})) for f, role in _CHIEF_FIELDS.items()},
            "actions_week": out["case_id"].map(acts),
            "notices_week": out["case_id"].map(nots),
            "status": status.to_numpy(),
            "returned_on": out["returned_on"],
            "next_followup_on": out["next_followup_on"],
            "township_code": out["township_code"],
        }
    )
    return rows


def _person(name: Any, phone: Any) -> str | None:
    name = None if name is None or pd.isna(name) else str(name)
    phone = None if phone is None or pd.isna(phone) else str(phone)
    if not name and not phone:
        return None
    return " ".join(x for x in (name, phone) if x)


def _mask_person(text: Any) -> Any:
    if text is None or pd.isna(text):
        return text
    parts = str(text).split(" ")
    return " ".join(ids.mask_phone(p) if p.isdigit() else ids.mask_name(p) for p in parts)


def mask_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Names, ID numbers and the 六长's names and phones masked."""
    out = ids.mask_frame(rows, columns={"name": "name", "id_number": "id"})
    for f in _CHIEF_FIELDS:
        out[f] = out[f].map(_mask_person)
    return out


def apply_template(rows: pd.DataFrame, template: list[list[str]] | list[tuple[str, str]]) -> pd.DataFrame:
    """Columns in the template's order with its headers.

    Raises
    ------
    ValueError
        The template names a field that does not exist (see :data:`FIELDS`).
    """
    fields = [f for f, _ in template]
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise WeeklyReportError(
            f"每周填报模板中有未知字段：{', '.join(unknown)}（可用：{', '.join(FIELDS)}）"
        )
    out = rows[fields].copy()
    for f in fields:
        if f.endswith("_on"):
            out[f] = out[f].map(lambda d: d.isoformat() if isinstance(d, date) and not pd.isna(d) else None)
    out.columns = [h for _, h in template]
    return out


def summary_by_township(
    rows: pd.DataFrame,
    towns: pd.DataFrame,
    cases: pd.DataFrame,
    actions: pd.DataFrame,
    notices: pd.DataFrame,
    *,
    start: date,
    end: date,
) -> pd.DataFrame:
    """Per township in Scope (code order), counts over the report's rows, then a 合计 row.

    Every column of the 合计 row is the sum of the township rows, and its
    ``cases`` equals the number of report rows.
    """
    sel = cases[cases["case_id"].isin(rows["case_id"])]
    per = pd.DataFrame(
        {
            "code": sel["township_code"].to_numpy(),
            "cases": 1,
            "new_suspected": _between(sel["reported_on"], start, end).astype(int),
            "confirmed": _between(sel["verified_on"], start, end).astype(int),
            "returned": _between(sel["returned_on"], start, end).astype(int),
            "dismissed": (
                _between(sel["closed_on"], start, end) & (sel["status"] == "误报").to_numpy()
            ).astype(int),
            "open_end": dropout.status_on(sel, end).isin(dropout.OPEN_DERIVED).astype(int).to_numpy(),
            "actions": sel["case_id"]
            .map(_count_in(actions, "acted_on", start, end))
            .fillna(0)
            .astype(int)
            .to_numpy(),
            "notices": sel["case_id"]
            .map(_count_in(notices, "issued_on", start, end))
            .fillna(0)
            .astype(int)
            .to_numpy(),
        }
    )
    num = [c for c in SUMMARY_COLUMNS if c != "township"]
    grouped = per.groupby("code")[num].sum() if len(per) else pd.DataFrame(columns=num)
    out = towns[["code", "name"]].set_index("code").join(grouped).fillna(0)
    out[num] = out[num].astype("int64")
    out = out.reset_index().rename(columns={"name": "township"})
    total = {"code": "", "township": "合计", **{c: int(out[c].sum()) for c in num}}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    return out[list(SUMMARY_COLUMNS)].rename(columns=SUMMARY_COLUMNS)


def _count_in(frame: pd.DataFrame, col: str, start: date, end: date) -> pd.Series:
    if frame.empty:
        return pd.Series(dtype="int64")
    return frame[_between(frame[col], start, end)].groupby("case_id").size()


def missing_schools(
    schools: pd.DataFrame,
    submitted: set[str],
    contacts: pd.DataFrame,
    cases: pd.DataFrame,
    *,
    mask: bool = True,
) -> pd.DataFrame:
    """Schools in Scope with no weekly submission, with their head's contact and open cases."""
    out = schools[~schools["code"].isin(submitted)].copy()
    heads = contacts[contacts["role"] == "校长"].set_index("place_code")
    out["head"] = out["code"].map(heads["name"]) if len(heads) else None
    out["head_phone"] = out["code"].map(heads["phone"]) if len(heads) else None
    open_ = cases[cases["status"].isin(schema.OPEN_CASE_STATUS)].groupby("school_code").size()
    out["open_cases"] = out["code"].map(open_).fillna(0).astype("int64")
    if mask:
        out = ids.mask_frame(out, columns={"head": "name", "head_phone": "phone"})
    return out[list(MISSING_COLUMNS)].rename(columns=MISSING_COLUMNS).reset_index(drop=True)


_DATES = (
    "reported_on",
    "verified_on",
    "returned_on",
    "closed_on",
    "next_followup_on",
    "first_returned_on",
    "reopened_on",
)


def as_it_stood(
    cases: pd.DataFrame, responsibles: pd.DataFrame, versions: pd.DataFrame, *, end: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases and their 六长 as they stood at the end of ``end``.

    Parameters
    ----------
    versions
        ``case_id``, ``version``, ``edited_on``, ``before`` (JSON of the case and its 六长 before
        an edit made on ``edited_on``).  A case edited after ``end`` is read from its earliest
        such version; cases reported after ``end`` are dropped.
    """
    out = cases.copy()
    resp = responsibles.copy()
    later = versions[pd.to_datetime(versions["edited_on"]) > pd.Timestamp(end)] if len(versions) else versions
    if len(later):
        first = later.sort_values(["case_id", "version"]).drop_duplicates("case_id")
        rows = []
        for case_id, before in zip(first["case_id"], first["before"], strict=True):
            old = json.loads(before)
            people = old.pop("responsibles", {}) or {}
            idx = out.index[out["case_id"] == case_id]
            for col, value in old.items():
                if col in out.columns and col not in ("case_id",):
                    if col in _DATES:
                        value = date.fromisoformat(value) if value else None
                    out.loc[idx, col] = value
            rows += [{"case_id": case_id, "role": r, "name": p[0], "phone": p[1]} for r, p in people.items()]
        if len(resp):
            resp = resp[~resp["case_id"].isin(set(first["case_id"]))]
        resp = pd.concat(
            [resp, pd.DataFrame(rows, columns=["case_id", "role", "name", "phone"])], ignore_index=True
        )
    rep = pd.to_datetime(pd.Series(out["reported_on"].to_numpy()), errors="coerce")
    out = out[(rep <= pd.Timestamp(end)).to_numpy()].copy()
    return out, resp[resp["case_id"].isin(set(out["case_id"]))] if len(resp) else resp


# ------------------------------------------------------------------ building
def build_weekly_report(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    week: str,
    *,
    unmask: bool = False,
    template: list[list[str]] | None = None,
) -> WeeklyReport:
    """The weekly report for ``week`` (``2026-W47``) and ``scope``.

    Parameters
    ----------
    con
        An open store connection.
    scope
        Whose cases, and the data's "today" (``as_of``).
    week
        ISO week; it may not begin after ``as_of``.
    unmask
        Full names, ID numbers and phones (only for a role that may unmask; the
        caller records the request).  Default masked.
    template
        [field, header] pairs (default ``dropout.weekly_template`` in settings).

    Raises
    ------
    ValueError
        A malformed or future week, or a template naming an unknown field.
    PermissionError
        ``unmask`` asked by a role that may not unmask.
    """
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    if unmask and not dropout_cases.may_unmask(scope):
        raise permissions.NotPermitted("您的角色不能查看完整的个人信息。")
    start, end = week_window(week, scope.as_of)
    past = end < scope.as_of
    template = template or config.SETTINGS["dropout"]["weekly_template"]
    cases = dropout_data.cases(con, scope)
    ids_ = cases["case_id"].tolist()
    responsibles = dropout_data.responsibles(con, scope, ids_)
    actions = dropout_data.actions(con, scope, ids_)
    notices = dropout_data.notices(con, scope, ids_)
    changes = dropout_data.status_log(con, scope, ids_)
    if past:  # the week as it stood at its end: nothing recorded later is read
        cases, responsibles = as_it_stood(cases, responsibles, _versions(con, ids_, after=end), end=end)
        actions = actions[pd.to_datetime(actions["acted_on"]) <= pd.Timestamp(end)]
        notices = notices[pd.to_datetime(notices["issued_on"]) <= pd.Timestamp(end)]
        changes = changes[pd.to_datetime(changes["changed_on"]) <= pd.Timestamp(end)]
    events = pd.concat(
        [
            actions[["case_id", "acted_on"]].rename(columns={"acted_on": "day"}),
            notices[["case_id", "issued_on"]].rename(columns={"issued_on": "day"}),
            changes[["case_id", "changed_on"]].rename(columns={"changed_on": "day"}),
        ],
        ignore_index=True,
    )
    chosen = select_cases(cases, events, start=start, end=end)
    raw = report_rows(
        chosen,
        responsibles[responsibles["case_id"].isin(set(chosen["case_id"]))],
        actions,
        notices,
        start=start,
        end=end,
        as_of=scope.as_of,
    )
    shown = raw if unmask else mask_rows(raw)
    towns = places.townships(con, scope)
    summary = summary_by_township(raw, towns, chosen, actions, notices, start=start, end=end)
    submitted = {
        r[0]
        for r in con.execute(
            "SELECT school_code FROM weekly_submissions WHERE iso_week = ? AND submitted_on <= ?::DATE",
            [dropout.iso_week_of(start), end.isoformat()],
        ).fetchall()
    }
    open_cases = cases.assign(
        status=np.where(dropout.status_on(cases, end).isin(dropout.OPEN_DERIVED), "劝返中", "—")
    )
    missing = missing_schools(
        dropout_data.schools(con, scope),
        submitted,
        dropout_data.contacts(con, scope),
        open_cases,
        mask=not unmask,
    )
    title = (
        f"{config.CITY_NAME}{config.COUNTY_NAME}控辍保学每周填报 · {dropout.week_label(week)}"
        f" · 截至{end.month}月{end.day}日"
    )
    return WeeklyReport(
        week=dropout.iso_week_of(start),
        start=start,
        end=end,
        title=title,
        rows=apply_template(shown, template),
        summary=summary,
        missing=missing,
        masked=not unmask,
    )


def _versions(con: duckdb.DuckDBPyConnection, case_ids: list[str], *, after: date) -> pd.DataFrame:
    """Versions of these cases saved by edits made after ``after`` (:func:`as_it_stood`)."""
    cols = ["case_id", "version", "edited_on", "before"]
    if not case_ids:
        return pd.DataFrame(columns=cols)
    return store.frame(
        con,
        "SELECT case_id, version, edited_on, before FROM case_versions WHERE edited_on > ?::DATE "
        "AND case_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY case_id, version",
        [after.isoformat(), case_ids],
    )


def to_xlsx(report: WeeklyReport) -> bytes:
    """The report as .xlsx: the three sheets, each under the title row (the page's download)."""
    sheets = report.sheets()
    return reports.to_xlsx_bytes(sheets, titles={k: report.title for k in sheets}, mask=report.masked)


def to_csv(report: WeeklyReport) -> bytes:
    """The report's rows as UTF-8 CSV with BOM."""
    return reports.to_csv_bytes(report.rows, mask=report.masked)


def term_weeks(as_of: date, term_start: date) -> list[str]:
    """ISO weeks from the term's first week to ``as_of``'s week, latest first."""
    weeks, d = [], term_start - timedelta(days=term_start.weekday())
    while d <= as_of:
        weeks.append(dropout.iso_week_of(d))
        d += timedelta(days=7)
    return weeks[::-1]


# ------------------------------------------------------------------ filing
def submit_week(
    scope: Scope, school_codes: list[str], week: str, *, note: str | None = None, path: Path | None = None
) -> int:
    """Record that schools in Scope filed their report for ``week`` (one transaction).
    Schools already recorded are skipped.  Returns how many were recorded."""
    if not dropout_cases.may_write(scope) or not permissions.can(scope, "write_unit"):
        raise permissions.NotPermitted("您的角色不能登记填报。")
    start, _ = week_window(week, scope.as_of)
    iso = dropout.iso_week_of(start)
    # the filings only: every page but 每周填报 keeps its figures (lib.core.store.NARROW_TABLES)
    with store.transaction(path, only="weekly_submissions") as con:
        visible = set(dropout_data.schools(con, scope)["code"])
        outside = [c for c in school_codes if c not in visible]
        if outside:
            raise permissions.NotPermitted(f"学校 {', '.join(outside)} 不在您的权限范围内。")
        done = {
            r[0]
            for r in con.execute(
                "SELECT school_code FROM weekly_submissions WHERE iso_week = ?", [iso]
            ).fetchall()
        }
        new = [c for c in dict.fromkeys(school_codes) if c not in done]
        for code in new:
            con.execute(
                "INSERT INTO weekly_submissions VALUES (?, ?, ?, ?, ?)",
                [iso, code, scope.as_of, scope.user, (note or "").strip() or None],
            )
        store.audit(
            con,
            user=scope.user,
            action="weekly_submitted",
            scope=scope.describe(),
            detail=json.dumps({"week": iso, "schools": len(new)}, ensure_ascii=False),
        )
    return len(new)
