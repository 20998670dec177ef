"""控辍保学: the rules every part of dropout control shares (pure; no store, no clock).

* a case's **status on a day**, derived from its dates (:func:`status_at_sql`
  for SQL, :func:`status_on` for frames: the same rule), so that "as of"
  figures and "change since last week" come from one definition;
* the **moves** a case may make (疑似辍学 -> 已核实 or 误报; 已核实 -> 劝返中 -> 已返校 -> 巩固;
  a returned child who leaves again reopens the case: 已返校/巩固 -> 劝返中), and the
  retention checks at 30 and 90 days, which need the child present in school;
* **detection** of suspected dropouts from consecutive unexcused absence,
  counted in school days of the calendar (:func:`absence_runs`, :func:`proposals`): one SQL
  (:func:`runs_sql`) that the store runs where the absences are and :func:`absence_runs` runs
  on the frames it is given, in a private in-memory DuckDB;
* **escalation** of overdue follow-ups up the chain 师长 -> 校长 -> 村长 -> 镇长 -> 教体局局长;
* which **notice** (文书) a case needs next;
* ISO weeks (the weekly report is by ISO week).

Reads are in :mod:`lib.dropout.data`, writes in :mod:`lib.dropout.cases`,
monitoring in :mod:`lib.dropout.monitor`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, schema


# ------------------------------------------------------------------ status on a day
#: SQL expression: status of case row ``c`` on the date bound to ``?``
#: (NULL when the case had not been reported yet).  Uses the case's dates:
#: reported_on -> verified_on -> returned_on, and closed_on for 误报.
#: A case closed as 误报 is 误报 from its closing date; before it, 疑似辍学.
def status_at_sql(alias: str = "c", *, day: str = "?::DATE") -> str:
    """SQL CASE giving a case's status on the day bound to the ``?`` (:func:`status_at_params`),
    or on ``day``, an SQL expression (a column of days: no parameter then).

    A case that reopened (the child left again after returning) is 已返校 from its first
    return until the day it reopened, and 辍学 from then until it returns again."""
    a, d = alias, day
    return (
        f"CASE WHEN {a}.reported_on > {d} THEN NULL "
        f"WHEN {a}.status = '误报' AND {a}.closed_on <= {d} THEN '误报' "
        f"WHEN {a}.first_returned_on <= {d} AND {a}.reopened_on > {d} THEN '已返校' "
        f"WHEN {a}.returned_on IS NOT NULL AND {a}.returned_on <= {d} THEN '已返校' "
        f"WHEN {a}.reopened_on <= {d} THEN '辍学' "
        f"WHEN {a}.verified_on IS NOT NULL AND {a}.verified_on <= {d} THEN '辍学' "
        f"ELSE '疑似辍学' END"
    )


def status_at_params(day: date) -> list[str]:
    """Parameters for :func:`status_at_sql` (one per placeholder)."""
    return [day.isoformat()] * 7


#: Derived statuses (what a case counts as on a day) and the ones still open.
DERIVED_STATUS = ("疑似辍学", "辍学", "已返校", "误报")
OPEN_DERIVED = ("疑似辍学", "辍学")


def _ts(values: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(values), errors="coerce")


def _col(cases: pd.DataFrame, name: str) -> pd.Series:
    return _ts(cases[name].to_numpy()) if name in cases else _ts([None] * len(cases))


def status_on(cases: pd.DataFrame, day: date) -> pd.Series:
    """The rule of :func:`status_at_sql` on a frame: each case's derived status on ``day``
    (None before it was reported).  ``cases`` needs ``status`` and the four date columns
    (``first_returned_on`` and ``reopened_on`` when cases can reopen)."""
    d = pd.Timestamp(day)
    rep, ver = _col(cases, "reported_on"), _col(cases, "verified_on")
    ret, close = _col(cases, "returned_on"), _col(cases, "closed_on")
    first, reopen = _col(cases, "first_returned_on"), _col(cases, "reopened_on")
    status = cases["status"].to_numpy()
    out = np.select(
        [
            (rep > d).to_numpy(),
            ((status == "误报") & (close <= d)).to_numpy(),
            ((first <= d) & (reopen > d)).to_numpy(),
            (ret <= d).to_numpy(),
            (reopen <= d).to_numpy(),
            (ver <= d).to_numpy(),
        ],
        [None, "误报", "已返校", "已返校", "辍学", "辍学"],
        default="疑似辍学",
    )
    return pd.Series(out, index=cases.index, dtype=object)


# ------------------------------------------------------------------ moves
#: The moves a case may make from each stored status (only these are offered).  A return
#: goes through 已核实 (a suspicion is verified first, or dismissed as 误报); a returned child
#: who leaves again reopens the case (劝返中), keeping its history.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "疑似辍学": ("已核实", "误报"),
    "已核实": ("劝返中", "已返校"),
    "劝返中": ("已返校",),
    "已返校": ("巩固", "劝返中"),
    "误报": (),
    "巩固": ("劝返中",),
}
OPEN_STATUS = schema.OPEN_CASE_STATUS


def retention_days(settings: dict[str, Any] | None = None) -> tuple[int, ...]:
    """Days after return at which a returned child is checked (default 30 and 90)."""
    s = settings or config.SETTINGS
    return tuple(sorted(int(d) for d in s["dropout"]["retention_check_days"]))


def allowed_moves(
    status: str,
    *,
    returned_on: date | None = None,
    as_of: date,
    present: bool | None = None,
    settings: dict[str, Any] | None = None,
) -> tuple[str, ...]:
    """The statuses a case in ``status`` may move to on ``as_of``.

    巩固 is offered only once the last retention check (90 days after return by default)
    has come *and* the child is present in school (``present``: enrolled and not in a run of
    unexcused absence; see :func:`is_present`).  ``present=None`` means unknown: not offered.
    Reopening (劝返中 from 已返校 or 巩固) is offered when the child is not present.
    """
    moves = TRANSITIONS.get(status, ())
    if "巩固" in moves:
        last = retention_days(settings)[-1]
        due = returned_on is not None and as_of >= _as_date(returned_on) + timedelta(days=last)
        if not (due and present):
            moves = tuple(m for m in moves if m != "巩固")
    if status in ("已返校", "巩固") and present is not False:
        moves = tuple(m for m in moves if m != "劝返中")
    return moves


def is_present(student_status: Any, current_run: int, *, settings: dict[str, Any] | None = None) -> bool:
    """Is a returned child present in school: enrolled (在校 or 送教上门) and not in a run of
    unexcused absence as long as the suspected-dropout threshold (5 school days by default)?"""
    s = (settings or config.SETTINGS)["dropout"]
    return student_status in schema.ENROLLED_STATUS and int(current_run or 0) < int(
        s["suspected_consecutive_days"]
    )


def retention_status(
    returned_on: date | None, as_of: date, *, present: bool, settings: dict[str, Any] | None = None
) -> dict[int, str]:
    """The 30- and 90-day checks of a return on ``as_of``: per check day, 未到期 (not yet due),
    在校 (due and the child present) or 未在校 (due and not present); {} without a return."""
    if returned_on is None or (not isinstance(returned_on, date) and pd.isna(returned_on)):
        return {}
    back = _as_date(returned_on)
    return {
        d: ("未到期" if as_of < back + timedelta(days=d) else "在校" if present else "未在校")
        for d in retention_days(settings)
    }


def _as_date(value: Any) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def next_retention_check(returned_on: date, as_of: date, settings: dict[str, Any] | None = None) -> date:
    """The next retention check after a return: the first of returned_on + 30 / + 90
    that is still to come on ``as_of`` (else the last one)."""
    checks = [returned_on + timedelta(days=d) for d in retention_days(settings)]
    for c in checks:
        if c > as_of:
            return c
    return checks[-1]


# ------------------------------------------------------------------ detection from absences
def absence_runs(
    absences: pd.DataFrame,
    school_days: list[date] | pd.Series,
    *,
    as_of: date,
    reported_through: pd.Series | None = None,
) -> pd.DataFrame:
    """Runs of consecutive unexcused absence that are still going on the last day known.

    Consecutive means on consecutive *school days* of the calendar: weekends
    and holidays do not break a run; a school day present or an excused
    absence does.

    Parameters
    ----------
    absences
        ``student_id``, ``day``, ``excused`` (and ``school_code`` with ``reported_through``).
    school_days
        Every school day of the calendar up to at least ``as_of``.
    as_of
        Without ``reported_through``: only runs that include the last school day on or
        before ``as_of`` are returned.
    reported_through
        School code -> the last day that school's absences are known for (its last upload).
        Each school's runs are counted up to its own last school day on or before that day
        (and ``as_of``): a school that has not reported this week keeps the runs it had, which
        may have gone on since.  A school missing here (never reported) has no runs: it is
        listed by :func:`unreported_schools` instead.

    Returns
    -------
    DataFrame
        ``student_id``, ``run_start`` (first day of the run), ``run_end``, ``days``
        (school days in the run), ``through`` (the last school day the run was judged on);
        one row per student at most.
    """
    days = sorted({_as_date(d) for d in school_days if _as_date(d) <= as_of})
    if not days or absences.empty:
        return runs_frame(pd.DataFrame(columns=RUN_COLUMNS))
    excused = absences["excused"].fillna(False).astype(bool) if "excused" in absences else False
    frames = {
        "_absences": pd.DataFrame(
            {
                "student_id": absences["student_id"].astype(str).to_numpy(),
                "day": pd.to_datetime(pd.Series(absences["day"].to_numpy())),
                "excused": pd.Series(excused, index=absences.index).to_numpy(dtype=bool),
                "school_code": (
                    absences["school_code"].astype(str).to_numpy() if "school_code" in absences else None
                ),
            }
        ),
        "_school_days": pd.DataFrame({"day": pd.to_datetime(pd.Series(days))}),
    }
    if reported_through is not None:
        frames["_reported"] = pd.DataFrame(
            {
                "school_code": [str(c) for c in reported_through.index],
                "through": pd.to_datetime(pd.Series(reported_through.to_numpy(), dtype=object)),
            }
        )
    con = duckdb.connect()  # a private in-memory database: the rule's SQL over the given frames
    try:
        for name, frame in frames.items():
            con.register(name, frame)
        sql = runs_sql("_absences", "_school_days", "_reported" if reported_through is not None else None)
        return runs_frame(con.execute(sql).df())
    finally:
        con.close()


#: What :func:`absence_runs` returns.
RUN_COLUMNS = ["student_id", "run_start", "run_end", "days", "through"]


def runs_sql(absences: str, school_days: str, reported: str | None) -> str:
    """The SELECT of :func:`absence_runs` over three relations (table names or CTEs), so that the
    store counts them where the absences are: ``absences`` (``student_id``, ``day``, ``excused``,
    ``school_code``: the pupil's school), ``school_days`` (``day``: the school days up to the day
    judged) and ``reported`` (``school_code``, ``through``), or None to judge every school up to
    the last school day.

    Gaps and islands over the school-day index: a run is a stretch of consecutive indices; it is
    going on when it reaches the last index its school is judged on.  Columns as
    :data:`RUN_COLUMNS`; longest first, then by student."""
    if reported is None:
        horizon, last = "", "(SELECT max(pos) FROM _d)"
    else:
        horizon = (
            f"LEFT JOIN (SELECT r.school_code, max(d.pos) AS last FROM {reported} r JOIN _d d ON d.day <= r.through "
            f"GROUP BY 1) h ON h.school_code = x.school_code"
        )
        last = "h.last"
    return f"""
        WITH _d AS (SELECT day, row_number() OVER (ORDER BY day) - 1 AS pos FROM (SELECT DISTINCT day FROM {school_days})),
        _a AS (SELECT x.student_id, d.pos, max({last}) AS last FROM {absences} x JOIN _d d ON d.day = x.day {horizon}
               WHERE NOT coalesce(x.excused, FALSE) AND d.pos <= {last} GROUP BY x.student_id, d.pos),
        _i AS (SELECT *, pos - row_number() OVER (PARTITION BY student_id ORDER BY pos) AS island FROM _a),
        _r AS (SELECT student_id, min(pos) AS first, max(pos) AS final, count(*) AS n, max(last) AS last
               FROM _i GROUP BY student_id, island)
        SELECT r.student_id, ds.day AS run_start, de.day AS run_end, r.n AS days, dl.day AS through
        FROM _r r JOIN _d ds ON ds.pos = r.first JOIN _d de ON de.pos = r.final JOIN _d dl ON dl.pos = r.last
        WHERE r.final = r.last
        ORDER BY days DESC, student_id"""


def runs_frame(runs: pd.DataFrame) -> pd.DataFrame:
    """:func:`runs_sql`'s rows as :func:`absence_runs` gives them: days as ``datetime.date``."""
    out = runs[RUN_COLUMNS].reset_index(drop=True)
    for col in ("run_start", "run_end", "through"):
        out[col] = pd.to_datetime(out[col]).dt.date.astype(object)
    return out.astype({"student_id": object, "days": "int64"})


def _last_index(days: list[date], through: Any) -> int:
    """Index in ``days`` of the last school day on or before ``through`` (-1: none, or unknown)."""
    if through is None or pd.isna(through):
        return -1
    t = _as_date(through)
    lo, hi = 0, len(days)
    while lo < hi:  # bisect on the sorted school days
        mid = (lo + hi) // 2
        if days[mid] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def unreported_schools(
    reported: pd.DataFrame,
    school_days: list[date] | pd.Series,
    *,
    as_of: date,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Schools whose absences are not known for the last N school days (数据未报).

    Parameters
    ----------
    reported
        One row per school: ``school_code`` and ``through`` (its last reported day; NaT/None
        when it never reported), other columns kept.
    school_days
        The calendar's school days.
    settings
        ``dropout.unreported_after_school_days`` (N, default 2): a school is listed when N or
        more school days up to ``as_of`` lie after its last report.

    Returns
    -------
    DataFrame
        The listed schools, most behind first, with ``missing_days`` (school days not reported;
        every school day of the window for a school that never reported) and ``never``.
    """
    s = (settings or config.SETTINGS)["dropout"]
    n = int(s.get("unreported_after_school_days", 2))
    days = sorted({_as_date(d) for d in school_days if _as_date(d) <= as_of})
    idx = [_last_index(days, t) for t in reported["through"]]
    out = reported.assign(
        missing_days=[len(days) - 1 - i for i in idx],
        never=[t is None or pd.isna(t) for t in reported["through"]],
    )
    out = out[(out["missing_days"] >= n) & (len(days) > 0)]
    return out.sort_values(
        ["never", "missing_days", "school_code"], ascending=[False, False, True], ignore_index=True
    )


def proposals(
    runs: pd.DataFrame,
    cases: pd.DataFrame,
    decisions: pd.DataFrame,
    *,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Suspected dropouts to propose: runs at or above the threshold that nobody has
    handled yet.

    A run is not proposed when the student has an open case, when a case was
    reported on or after the run's first day (it is being or was handled), or
    when someone already decided on this run (``decisions`` keyed by
    ``student_id`` and ``run_start``): nothing is proposed twice.

    Returns
    -------
    DataFrame
        ``runs`` rows kept, plus ``level`` (疑似辍学 at >= ``suspected_consecutive_days``,
        辍学 at >= ``dropout_school_days``) and ``colour`` (amber / red).
    """
    s = (settings or config.SETTINGS)["dropout"]
    low, high = int(s["suspected_consecutive_days"]), int(s["dropout_school_days"])
    out = runs[runs["days"] >= low].copy()
    if out.empty:
        return out.assign(level=pd.Series(dtype=object), colour=pd.Series(dtype=object))
    if len(cases):
        open_ids = set(cases.loc[cases["status"].isin(OPEN_STATUS), "student_id"].dropna())
        rep = cases.dropna(subset=["student_id"])[["student_id", "reported_on"]]
        merged = out[["student_id", "run_start"]].merge(rep, on="student_id", how="left")
        handled = merged[
            _ts(merged["reported_on"].to_numpy()).to_numpy() >= _ts(merged["run_start"].to_numpy()).to_numpy()
        ]["student_id"]
        out = out[~out["student_id"].isin(open_ids | set(handled))]
    if len(decisions):
        seen = set(zip(decisions["student_id"], (_as_date(d) for d in decisions["run_start"]), strict=True))
        keep = [
            (sid, _as_date(rs)) not in seen
            for sid, rs in zip(out["student_id"], out["run_start"], strict=True)
        ]
        out = out[keep]
    out["level"] = np.where(out["days"] >= high, "辍学", "疑似辍学")
    out["colour"] = np.where(out["days"] >= high, "red", "amber")
    return out.reset_index(drop=True)


# ------------------------------------------------------------------ follow-ups and escalation
#: Who is responsible as a follow-up becomes more overdue (家长 is not in the chain).
ESCALATION_CHAIN: tuple[str, ...] = ("师长", "校长", "村长", "镇长", "教体局局长")


def escalation(
    next_followup_on: pd.Series, *, as_of: date, settings: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Who answers for each follow-up on ``as_of``.

    A follow-up overdue by ``escalate_after_overdue_days`` (default 3) moves
    responsibility one step up :data:`ESCALATION_CHAIN`, and one more step for
    each further such period, up to 教体局局长.

    Returns
    -------
    DataFrame
        Same index: ``overdue_days`` (negative = days left, NA = no date),
        ``level`` (0 = 师长), ``responsible`` (role), ``escalated`` (level > 0),
        ``colour``: red escalated, amber overdue or due within ``due_soon_days``,
        green on schedule, grey no follow-up date.
    """
    s = (settings or config.SETTINGS)["dropout"]
    step = max(int(s["escalate_after_overdue_days"]), 1)
    soon = int(s.get("due_soon_days", 2))
    due = _ts(next_followup_on.to_numpy())
    overdue = (pd.Timestamp(as_of) - due).dt.days
    level = np.clip(overdue.fillna(0).to_numpy() // step, 0, len(ESCALATION_CHAIN) - 1).astype(int)
    level = np.where(overdue.isna().to_numpy(), 0, level)
    colour = np.select(
        [overdue.isna().to_numpy(), level > 0, overdue.fillna(-999).to_numpy() >= -soon],
        ["grey", "red", "amber"],
        default="green",
    )
    return pd.DataFrame(
        {
            "overdue_days": pd.array(overdue.to_numpy(), dtype="Int64"),
            "level": level,
            "responsible": np.array(ESCALATION_CHAIN, dtype=object)[level],
            "escalated": level > 0,
            "colour": colour,
        },
        index=next_followup_on.index,
    )


def days_open(cases: pd.DataFrame, *, as_of: date) -> pd.Series:
    """Days from report to ``as_of`` (open cases) or to the return/closing date (others)."""
    rep = _ts(cases["reported_on"].to_numpy())
    end = _ts(cases["returned_on"].to_numpy()).fillna(_ts(cases["closed_on"].to_numpy()))
    still = cases["status"].isin(OPEN_STATUS).to_numpy()
    end = end.where(~still, pd.Timestamp(as_of)).fillna(pd.Timestamp(as_of))
    return pd.Series((end - rep).dt.days.to_numpy(), index=cases.index).astype("Int64")


# ------------------------------------------------------------------ notices (文书)
def notice_kinds(settings: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The configured notices, in the order they escalate."""
    return tuple((settings or config.SETTINGS)["dropout"]["notices"])


def notice_sequence(*, enrolled: bool, settings: dict[str, Any] | None = None) -> tuple[str, ...]:
    """The notices a case goes through: a child never enrolled starts with 入学通知书,
    a pupil who left with 限期复学通知书; the rest follow in the configured order."""
    kinds = notice_kinds(settings)
    skip = "入学通知书" if enrolled else "限期复学通知书"
    return tuple(k for k in kinds if k != skip)


def next_notice(
    issued: pd.DataFrame,
    *,
    status: str,
    enrolled: bool,
    verified_on: date | None,
    as_of: date,
    settings: dict[str, Any] | None = None,
) -> tuple[str, date] | None:
    """The next notice a case needs and the day it is due, or None.

    Only confirmed cases not yet back (已核实, 劝返中) need notices.  The
    first is due on verification; the second ``notice_deadline_days`` after
    the first (the deadline it set has passed); each later one
    ``notice_hearing_days`` after the one before.

    Parameters
    ----------
    issued
        This case's notices so far: ``kind``, ``issued_on``.
    """
    if status not in schema.DROPOUT_CASE_STATUS:
        return None
    s = (settings or config.SETTINGS)["dropout"]
    seq = notice_sequence(enrolled=enrolled, settings=settings)
    done = (
        {k: _as_date(d) for k, d in zip(issued["kind"], issued["issued_on"], strict=True)}
        if len(issued)
        else {}
    )
    for i, kind in enumerate(seq):
        if kind in done:
            continue
        if i == 0:
            return kind, _as_date(verified_on) if verified_on is not None and not pd.isna(
                verified_on
            ) else as_of
        prev = done.get(seq[i - 1])
        if prev is None:
            return None
        wait = int(s["notice_deadline_days"]) if i == 1 else int(s["notice_hearing_days"])
        return kind, prev + timedelta(days=wait)
    return None


# ------------------------------------------------------------------ ISO weeks
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_iso_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written ``2026-W47``.

    Raises
    ------
    ValueError
        Not an ISO week, or a week number the year does not have.
    """
    m = _WEEK.match(text.strip())
    if not m:
        raise ValueError(f"周次格式应为 2026-W47，而不是 {text!r}")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{year} 年没有第 {week} 周") from exc
    return monday, monday + timedelta(days=6)


def iso_week_of(day: date) -> str:
    """``2026-W47`` for any day of that ISO week."""
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def week_label(week: str) -> str:
    """2026年第47周(2026年11月16日—11月22日)."""
    monday, sunday = parse_iso_week(week)
    y, w, _ = monday.isocalendar()
    return f"{y}年第{w}周({monday.year}年{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日)"
