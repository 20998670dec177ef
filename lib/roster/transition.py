"""小升初 followed: primary and 教学点 leavers on a 待接收 list until a school receives them.

The move to the next school is where children are lost: the rollover (or the school's own
import) marks a primary or 教学点 pupil 毕业 and off the roll, and nothing else looks for
them until the receiving school imports its intake.  Here every such leaver stays on the
**待接收** list, with the school expected for them, until

* **received**: a school of the county enrols them (the same 学生编号 back on the roll -- the
  record of the past still shows them leaving --, or another record with their ID number or
  学籍号, status 在校/送教上门/休学), or
* **accounted for**: recorded as studying elsewhere (``study_elsewhere``, or a transfer out),
  exempt or placed (the school-age roster's 免缓学/安置), or a 控辍保学 case opened for them
  since they left.

The school expected for a leaver is where earlier leavers of the same school went (the
record of the past, :mod:`lib.core.history`, shows each pupil's next school), else the
nearest school of the next level to the child's home village.

Deadlines (settings ``transition``): a leaver not received ``due_days`` after the first
school day of the year they should start (the 校历; else 1 September) is **overdue** and
listed in 我的待办; after ``case_days`` they become a suspected dropout
(:func:`open_overdue_cases`, through :func:`lib.dropout.cases.open_case_for_child`; the page's
button, and ``python -m lib.cli transition --open-cases`` from cron).  Leavers who left more
than ``window_days`` before the data date are no longer listed (long since a case or found).

Reads take the caller's Scope (a leaver is in it by their former school or home village)
and need ``view_named``; rows are unmasked (mask with :func:`display`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, ids, permissions, schema, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.history import TABLE as HISTORY
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases

#: The levels whose leavers are followed, and the levels that receive them.
NEXT_LEVELS: dict[str, tuple[str, ...]] = {"小学": ("初中", "九年一贯制"), "教学点": ("小学", "九年一贯制")}
#: A leaver's state on the list.
STATES: dict[str, str] = {"waiting": "待接收", "overdue": "逾期未报到", "case_due": "已过建档期限"}
#: How a leaver left the list.
RESOLVED: dict[str, str] = {
    "received": "已入学",
    "elsewhere": "异地就学",
    "exempt": "免缓学/特殊安置",
    "case": "已建控辍保学台账",
}
#: 我的待办 kind of an overdue leaver.
TODO_KIND = "小升初未报到"
#: Source recorded on the cases this module opens.
CASE_SOURCE = "小升初跟踪"
_ENROLLED_OR_SUSPENDED = (*schema.ENROLLED_STATUS, "休学")


class TransitionError(AppError, ValueError):
    """A 小升初 action refused (the message says why)."""


def transition_settings(settings: dict[str, Any] | None = None) -> dict[str, int]:
    """``due_days``, ``case_days`` and ``window_days`` of the effective settings."""
    conf = (settings or config.SETTINGS).get("transition", config.DEFAULTS["transition"])
    return {k: int(conf.get(k, config.DEFAULTS["transition"][k])) for k in config.DEFAULTS["transition"]}


# ------------------------------------------------------------------ pure rules
def entry_year(left_on: date) -> int:
    """The school year a leaver should start at the next school: the one beginning the September
    after they left (a leaver of July or of the rollover on 1 September starts that September)."""
    return left_on.year if left_on.month >= 7 else left_on.year - 1


def deadlines(
    left_on: pd.Series, first_days: dict[int, date], *, settings: dict[str, int]
) -> tuple[pd.Series, pd.Series]:
    """Each leaver's ``due_on`` (listed overdue from then) and ``case_on`` (a suspected case
    from then): ``due_days``/``case_days`` after the first school day of their entry year (never
    before the day they left)."""
    starts = [
        max(first_days.get(entry_year(d), date(entry_year(d), 9, 1)), d) if isinstance(d, date) else None
        for d in left_on
    ]
    due = pd.Series(
        [s + timedelta(days=settings["due_days"]) if s else None for s in starts], index=left_on.index
    )
    case = pd.Series(
        [s + timedelta(days=settings["case_days"]) if s else None for s in starts], index=left_on.index
    )
    return due, case


def states(due_on: pd.Series, case_on: pd.Series, *, as_of: date) -> pd.Series:
    """``waiting`` before the due day, ``overdue`` from it, ``case_due`` from the case day."""
    out = pd.Series("waiting", index=due_on.index, dtype=object)
    out[[d is not None and as_of >= d for d in due_on]] = "overdue"
    out[[d is not None and as_of >= d for d in case_on]] = "case_due"
    return out


def expected_by_moves(moves: pd.DataFrame) -> pd.DataFrame:
    """For each school left, the school most of its earlier leavers went to next (pure).

    ``moves`` has ``from_school``, ``to_school`` (one row per pupil who moved); ties go to the
    lower school code.  Returns ``from_school``, ``expected_school``, ``pupils``."""
    if moves.empty:
        return pd.DataFrame(columns=["from_school", "expected_school", "pupils"])
    n = moves.groupby(["from_school", "to_school"], as_index=False).size()
    n = n.sort_values(["from_school", "size", "to_school"], ascending=[True, False, True])
    top = n.drop_duplicates("from_school")
    return top.rename(columns={"to_school": "expected_school", "size": "pupils"}).reset_index(drop=True)


def nearest_school(points: pd.DataFrame, schools: pd.DataFrame) -> pd.Series:
    """For each row of ``points`` (``lon``, ``lat``, ``level``: the level left), the code of the
    nearest school of a level that receives it (:data:`NEXT_LEVELS`); None when there is none."""
    out = pd.Series(None, index=points.index, dtype=object)
    for level, nxt in NEXT_LEVELS.items():
        cand = schools[schools["level"].isin(nxt) & schools["lon"].notna() & schools["lat"].notna()]
        mine = points[(points["level"] == level) & points["lon"].notna() & points["lat"].notna()]
        if cand.empty or mine.empty:
            continue
        lat0 = np.radians(mine["lat"].to_numpy())[:, None]
        dx = (mine["lon"].to_numpy()[:, None] - cand["lon"].to_numpy()[None, :]) * np.cos(lat0)
        dy = mine["lat"].to_numpy()[:, None] - cand["lat"].to_numpy()[None, :]
        out[mine.index] = cand["code"].to_numpy()[np.argmin(dx * dx + dy * dy, axis=1)]
    return out


# ------------------------------------------------------------------ reads
def _leaver_rows(con: duckdb.DuckDBPyConnection, scope: Scope, *, since: date) -> pd.DataFrame:
    """Pupils who left a 小学 or 教学点 as 毕业 between ``since`` and ``scope.as_of``: from the live
    roll, and from the record of the past for those whose row has changed since (a school that
    received them updated the same 学生编号).  The school, grade and date are those of leaving."""
    sw, sp = scope.student_where("lv")
    levels = ", ".join(f"'{lv}'" for lv in NEXT_LEVELS)
    window = [since.isoformat(), scope.as_of.isoformat()]
    return store.frame(
        con,
        f"""WITH lv AS (
              SELECT student_id, school_code, grade, village_code, leave_reason, status_date AS left_on
              FROM (SELECT *, row_number() OVER (PARTITION BY student_id ORDER BY src, valid_from DESC) AS k FROM (
                  SELECT student_id, school_code, grade, village_code, leave_reason, status_date,
                         0 AS src, NULL::DATE AS valid_from
                  FROM students WHERE status = '毕业' AND status_date BETWEEN ?::DATE AND ?::DATE
                  UNION ALL
                  SELECT student_id, school_code, grade, village_code, leave_reason, status_date, 1, valid_from
                  FROM {HISTORY} WHERE status = '毕业' AND status_date BETWEEN ?::DATE AND ?::DATE))
              WHERE k = 1)
        SELECT lv.student_id, st.id_number, st.xueji_number, st.name, st.sex, lv.grade, st.status,
               lv.village_code, lv.school_code, sc.name AS school_name, sc.level, lv.leave_reason, lv.left_on,
               st.guardian_name, st.guardian_phone, v.name AS village_name, t.name AS township_name,
               v.township_code, coalesce(v.lon, sc.lon) AS lon, coalesce(v.lat, sc.lat) AS lat
        FROM lv JOIN students st ON st.student_id = lv.student_id
        JOIN schools sc ON sc.code = lv.school_code
        LEFT JOIN villages v ON v.code = lv.village_code
        LEFT JOIN townships t ON t.code = v.township_code
        WHERE sc.level IN ({levels}) AND {sw}
        ORDER BY v.township_code, lv.school_code, lv.student_id""",
        [*window, *window, *sp],
    )


def _resolutions(con: duckdb.DuckDBPyConnection, leavers: pd.DataFrame, *, as_of: date) -> pd.Series:
    """How each leaver left the list (a key of :data:`RESOLVED`), None while still waiting."""
    if leavers.empty:
        return pd.Series(dtype=object)
    frame = leavers[["student_id", "id_number", "xueji_number", "left_on", "status"]].assign(
        norm=leavers["id_number"].map(ids.normalise_id)
    )
    con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
    con.register("_leavers", frame)
    statuses = ", ".join(f"'{s}'" for s in _ENROLLED_OR_SUSPENDED)
    try:
        # equality joins only (an OR inside a correlated EXISTS is a nested loop over the roll)
        got = store.frame(
            con,
            f"""WITH received AS (
                  SELECT l.student_id FROM _leavers l WHERE l.status IN ({statuses})
                  UNION SELECT l.student_id FROM _leavers l JOIN students o ON o.id_number = l.norm
                  WHERE o.status IN ({statuses})
                  UNION SELECT l.student_id FROM _leavers l JOIN students o ON o.xueji_number = l.xueji_number
                  WHERE o.status IN ({statuses})
                  UNION SELECT l.student_id FROM _leavers l JOIN students o ON o.student_id = l.student_id
                  WHERE o.status IN ({statuses})),
                cased AS (
                  SELECT l.student_id FROM _leavers l JOIN dropout_cases c ON c.student_id = l.student_id
                  WHERE c.reported_on >= l.left_on AND c.reported_on <= ?::DATE
                  UNION SELECT l.student_id FROM _leavers l JOIN dropout_cases c ON c.id_number = l.norm
                  WHERE c.reported_on >= l.left_on AND c.reported_on <= ?::DATE),
                away AS (
                  SELECT l.student_id FROM _leavers l JOIN study_elsewhere e ON e.id_number = l.norm
                  UNION SELECT l.student_id FROM _leavers l JOIN transfers tr ON tr.student_id = l.student_id
                  WHERE tr.direction = '转出' AND tr.transfer_on >= l.left_on),
                excused AS (
                  SELECT l.student_id FROM _leavers l JOIN school_age_roster r ON r.id_number = l.norm
                  WHERE r.exemption_reason IS NOT NULL OR r.placement IS NOT NULL)
            SELECT l.student_id,
                CASE WHEN l.student_id IN (SELECT student_id FROM received) THEN 'received'
                     WHEN l.student_id IN (SELECT student_id FROM cased) THEN 'case'
                     WHEN l.student_id IN (SELECT student_id FROM away) THEN 'elsewhere'
                     WHEN l.student_id IN (SELECT student_id FROM excused) THEN 'exempt' END AS resolved
            FROM _leavers l""",
            [as_of.isoformat(), as_of.isoformat()],
        )
    finally:
        con.unregister("_leavers")
    return leavers["student_id"].map(dict(zip(got["student_id"], got["resolved"], strict=True)))


def _moves(con: duckdb.DuckDBPyConnection, from_schools: list[str]) -> pd.DataFrame:
    """Pupils the record of the past shows moving from a 小学/教学点 of ``from_schools`` to
    another school a grade up (the history of the pupils ever at one of them, not the whole
    store's: a city's store holds millions of rows)."""
    levels = ", ".join(f"'{lv}'" for lv in NEXT_LEVELS)
    return store.frame(
        con,
        f"""WITH h AS (
              SELECT student_id, school_code, grade,
                     lead(school_code) OVER w AS next_school, lead(grade) OVER w AS next_grade
              FROM {HISTORY}
              WHERE student_id IN (SELECT student_id FROM {HISTORY} WHERE school_code IN (SELECT unnest(?::VARCHAR[])))
              WINDOW w AS (PARTITION BY student_id ORDER BY valid_from))
            SELECT h.school_code AS from_school, h.next_school AS to_school
            FROM h JOIN schools sc ON sc.code = h.school_code
            WHERE sc.level IN ({levels}) AND h.next_school IS NOT NULL AND h.next_school <> h.school_code
              AND h.next_grade = h.grade + 1 AND h.school_code IN (SELECT unnest(?::VARCHAR[]))""",
        [from_schools, from_schools],
    )


def _first_school_days(con: duckdb.DuckDBPyConnection) -> dict[int, date]:
    rows = con.execute(
        "SELECT school_year, min(day) FROM school_calendar WHERE is_school_day GROUP BY 1"
    ).fetchall()
    return {int(y): d for y, d in rows}


@dataclass(frozen=True)
class TransitionList:
    """The 待接收 list of one Scope on one day.

    Attributes
    ----------
    waiting
        Leavers still to be received: the leaver's fields, ``expected_school``,
        ``expected_school_name``, ``expected_basis`` (往届去向 / 距家最近), ``due_on``,
        ``case_on``, ``state`` (a key of :data:`STATES`).
    resolved
        Leavers of the window who left the list, with ``resolved`` (a key of :data:`RESOLVED`).
    """

    scope: Scope
    waiting: pd.DataFrame
    resolved: pd.DataFrame
    settings: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Leavers per state and per way they left the list, and 合计 of the window."""
        w = self.waiting
        out = {k: int((w["state"] == k).sum()) if len(w) else 0 for k in STATES}
        out.update(
            {k: int((self.resolved["resolved"] == k).sum()) if len(self.resolved) else 0 for k in RESOLVED}
        )
        out["total"] = len(w) + len(self.resolved)
        return out


def leavers(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, settings: dict[str, Any] | None = None
) -> TransitionList:
    """The 待接收 list on ``scope.as_of``: leavers in Scope not yet received or accounted for,
    each with the school expected for them, deadlines and state.

    Raises
    ------
    lib.core.permissions.NotPermitted
        The role may not see named lists.
    """
    permissions.require(scope, "view_named")
    conf = transition_settings(settings or settings_store.effective_settings(con))
    rows = _leaver_rows(con, scope, since=scope.as_of - timedelta(days=conf["window_days"]))
    rows["left_on"] = pd.to_datetime(rows["left_on"]).dt.date
    resolved = _resolutions(con, rows, as_of=scope.as_of)
    rows = rows.assign(resolved=resolved.to_numpy() if len(rows) else [])
    waiting = rows[rows["resolved"].isna()].drop(columns=["resolved", "status"]).reset_index(drop=True)
    done = rows[rows["resolved"].notna()].reset_index(drop=True)
    schools = store.frame(con, "SELECT code, name, level, lon, lat FROM schools")
    names = dict(zip(schools["code"], schools["name"], strict=True))
    left = sorted(waiting["school_code"].dropna().unique().tolist())
    by_moves = expected_by_moves(_moves(con, left)).set_index("from_school")["expected_school"]
    expected = waiting["school_code"].map(by_moves).astype("str")  # text even when nobody left
    near = nearest_school(waiting, schools)
    waiting["expected_basis"] = np.where(
        expected.notna(), "往届去向", np.where(near.notna(), "距家最近", None)
    )
    waiting["expected_school"] = expected.where(expected.notna(), near)
    waiting["expected_school_name"] = waiting["expected_school"].map(names)
    waiting["due_on"], waiting["case_on"] = deadlines(
        waiting["left_on"], _first_school_days(con), settings=conf
    )
    waiting["state"] = states(waiting["due_on"], waiting["case_on"], as_of=scope.as_of)
    order = waiting["state"].map({"case_due": 0, "overdue": 1, "waiting": 2})
    waiting = waiting.assign(_o=order).sort_values(["_o", "due_on", "student_id"]).drop(columns="_o")
    return TransitionList(scope, waiting.reset_index(drop=True), done, conf)


def load(scope: Scope, *, path: Path | None = None) -> TransitionList:
    """:func:`leavers` in its own unit of work (the page and the CLI)."""
    with store.connect(path) as con:
        return leavers(con, scope)


# ------------------------------------------------------------------ 我的待办
def todo_items(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """我的待办 lines (columns of :data:`lib.overview.todo.COLUMNS`): each overdue leaver, red."""
    mask = permissions.masked(scope)
    lst = leavers(con, scope)
    late = lst.waiting[lst.waiting["state"] != "waiting"]
    rows = []
    for r in late.itertuples(index=False):
        who = ids.mask_name(r.name) if mask else r.name
        then = (
            "已过建档期限，将列为疑似辍学" if r.state == "case_due" else f"{r.case_on:%m月%d日}后列为疑似辍学"
        )
        rows.append(
            {
                "kind": TODO_KIND,
                "task_id": f"XSC-{r.student_id}",
                "title": f"{r.school_name}{schema.GRADE_LABELS.get(int(r.grade), '') if pd.notna(r.grade) else ''}"
                f"毕业生{who}未到{r.expected_school_name or '初中'}报到：查明去向（{then}）",
                "place": r.expected_school_name or r.school_name,
                "due_on": r.due_on,
                "overdue": True,
                "responsible": "校长",
                "colour": "red",
            }
        )
    cols = ["kind", "task_id", "title", "place", "due_on", "overdue", "responsible", "colour"]
    return pd.DataFrame(rows, columns=cols).assign(source="小升初", page="transition")


# ------------------------------------------------------------------ actions
@dataclass(frozen=True)
class CaseRun:
    """What :func:`open_overdue_cases` did: cases opened, and leavers it could not open one for."""

    opened: dict[str, str]  # student_id -> case_id
    failed: dict[str, str]  # student_id -> reason (Chinese)


def open_overdue_cases(scope: Scope, *, path: Path | None = None) -> CaseRun:
    """Open a 疑似辍学 case for every leaver in Scope past the case deadline and still not received
    or accounted for (:func:`lib.dropout.cases.open_case_for_child`, source 小升初跟踪).  Each case
    is its own transaction (and audit entry); a leaver whose case cannot be opened (no valid ID
    number, home village outside the Scope) is reported, not skipped silently.

    Raises
    ------
    lib.core.permissions.NotPermitted
        The role may not open cases.
    """
    permissions.require(scope, "write_cases")
    lst = load(scope, path=path)
    due = lst.waiting[lst.waiting["state"] == "case_due"]
    opened, failed = {}, {}
    for r in due.itertuples(index=False):
        try:
            opened[r.student_id] = dropout_cases.open_case_for_child(
                scope,
                id_number=r.id_number or "",
                name=r.name or "",
                village_code=r.village_code,
                reason="其他",
                source=CASE_SOURCE,
                guardian_name=r.guardian_name,
                guardian_phone=r.guardian_phone,
                path=path,
            )
        except AppError as exc:
            failed[r.student_id] = str(exc)
    return CaseRun(opened, failed)


def record_elsewhere(
    scope: Scope,
    student_id: str,
    *,
    school_name: str,
    county_name: str,
    on: date,
    path: Path | None = None,
) -> None:
    """Record that a leaver studies outside the county (``study_elsewhere``): they leave the list.

    Raises
    ------
    TransitionError
        Not a leaver in Scope, no valid ID number, no school name, or a date after the data date.
    """
    permissions.require(scope, "write_cases")
    if not (school_name or "").strip():
        raise TransitionError("请填写就读学校。")
    if on > scope.as_of:
        raise TransitionError("确认日期不能晚于统计日期。")
    with store.transaction(path) as con:
        lst = leavers(con, scope)
        row = lst.waiting[lst.waiting["student_id"] == student_id]
        if row.empty:
            raise TransitionError(f"待接收名单中没有学生 {student_id}（或不在您的权限范围内）。")
        r = row.iloc[0]
        norm = ids.normalise_id(r["id_number"])
        if not ids.is_valid_id(norm):
            raise TransitionError("该学生身份证号无效，无法登记异地就学：请先更正学籍。")
        con.execute("DELETE FROM study_elsewhere WHERE id_number = ?", [norm])
        store.write_table(
            con,
            "study_elsewhere",
            pd.DataFrame(
                [
                    {
                        "id_number": norm,
                        "name": r["name"],
                        "village_code": r["village_code"],
                        "school_name": school_name.strip(),
                        "county_name": (county_name or "").strip() or None,
                        "confirmed_on": on,
                    }
                ]
            ),
        )
        store.audit(
            con,
            user=scope.user,
            action="transition_elsewhere",
            scope=scope.describe(),
            detail=f'{{"student": "{student_id}", "on": "{on.isoformat()}"}}',
        )


# ------------------------------------------------------------------ display
DISPLAY: dict[str, str] = {
    "state": "状态",
    "name": "姓名",
    "id_number": "身份证号",
    "school_name": "毕业学校",
    "grade": "年级",
    "township_name": "户籍乡镇",
    "village_name": "户籍村(社区)",
    "expected_school_name": "应入学校",
    "expected_basis": "依据",
    "left_on": "离校日期",
    "due_on": "报到期限",
    "case_on": "建档期限",
}


#: The columns that fit on a laptop screen (the export has all of :data:`DISPLAY`).
COMPACT = (
    "state",
    "name",
    "id_number",
    "school_name",
    "grade",
    "village_name",
    "expected_school_name",
    "due_on",
)


def display(waiting: pd.DataFrame, *, mask: bool = True, compact: bool = False) -> pd.DataFrame:
    """The 待接收 list for exports (Chinese headers; ``compact``: the screen's columns), masked
    unless ``mask`` is False."""
    out = waiting.copy()
    out["state"] = out["state"].map(STATES)
    out["grade"] = out["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g), "") if pd.notna(g) else "")
    if mask:
        out = ids.mask_frame(out, columns={"name": "name", "id_number": "id"})
    cols = [c for c in DISPLAY if c in COMPACT] if compact else list(DISPLAY)
    return out.reindex(columns=cols).rename(columns=DISPLAY)


def state_colours(waiting: pd.DataFrame, *, compact: bool = False) -> pd.DataFrame:
    """Cell colours of :func:`display`: the state column red when overdue, amber while waiting."""
    cols = [DISPLAY[c] for c in DISPLAY if c in COMPACT] if compact else list(DISPLAY.values())
    shown = pd.DataFrame("none", index=waiting.index, columns=cols)
    shown["状态"] = waiting["state"].map({"case_due": "red", "overdue": "red", "waiting": "amber"}).to_numpy()
    return shown


def choices(waiting: pd.DataFrame, *, mask: bool = True) -> dict[str, str]:
    """学生编号 -> a label for a select box: name (masked unless ``mask`` is False), school left, village."""
    names = waiting["name"].map(ids.mask_name) if mask else waiting["name"]
    return {
        sid: f"{name or '—'} · {school} · {village or ''}"
        for sid, name, school, village in zip(
            waiting["student_id"], names, waiting["school_name"], waiting["village_name"], strict=True
        )
    }
