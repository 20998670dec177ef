"""The school-year rollover (学年升级, each September, docs/operations.md).

Every student on the roll (status not 毕业/转出) gets one outcome:

* ``升级``   in 在校 or 送教上门 below their school level's last grade: grade + 1;
* ``毕业``   in the last grade of the level (``rollover.last_grade``): status 毕业,
  ``leave_reason`` says which level they finished, off the active roll;
* ``不升级`` 休学 or 辍学: the grade stays (a suspended child repeats it; a dropout's
  case is still being followed).

Open dropout cases and active interventions are carried forward unchanged (they
are not tied to a school year).  The new year's 校历 is opened with a draft by
national rules for the days not imported yet; the programmes' standards carry
over by their effective-from dates.  The new year's first-term snapshot is written to
``enrolments``; the previous year's snapshots and ``enrolment_counts`` are never
touched, so every figure of past years stays readable.  The store's
``meta.school_year`` records the year the roll is in: a rollover to a year the
roll is already in changes nothing, so running it twice is safe.

Pipeline: :func:`plan_rollover` (the dry run, pure reads) -> :func:`apply_rollover`
(re-plans inside one transaction and writes exactly that plan).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import calendar, config, permissions, schema, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope

OUTCOMES: dict[str, str] = {"升级": "Promoted", "毕业": "Graduated", "不升级": "Stays in grade"}
#: Statuses already off the roll (never touched by a rollover).
LEFT_STATUS = ("毕业", "转出")
_FINISHED = {
    "教学点": "教学点结业(升入完小待入学登记)",
    "小学": "小学毕业",
    "九年一贯制": "初中毕业",
    "初中": "初中毕业",
    "特殊教育": "特殊教育学校毕业",
}


class RolloverError(AppError, ValueError):
    """The rollover cannot run (wrong year, nothing on the roll ...), in Chinese."""


@dataclass
class RolloverPlan:
    """What a rollover to ``to_year`` changes.

    Attributes
    ----------
    from_year, to_year
        The school year the roll is in, and the one it moves to.
    students
        One row per student on the roll: ``student_id``, ``school_code``, ``level``,
        ``status``, ``grade``, ``outcome``, ``new_grade``, ``new_status``, ``leave_reason``.
        Empty when the roll is already in ``to_year``.
    open_cases, active_interventions
        Carried forward unchanged (counted for the report).
    already_done
        The roll is already in ``to_year``: nothing to do.
    """

    from_year: int
    to_year: int
    students: pd.DataFrame
    open_cases: int = 0
    active_interventions: int = 0
    already_done: bool = False
    notes: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """Students per outcome, and on the roll before and after."""
        s = self.students
        counts = (
            {o: int((s["outcome"] == o).sum()) for o in OUTCOMES}
            if not s.empty
            else dict.fromkeys(OUTCOMES, 0)
        )
        return {
            "on_roll_before": len(s),
            **counts,
            "on_roll_after": len(s) - counts["毕业"],
            "open_cases_carried": self.open_cases,
            "active_interventions_carried": self.active_interventions,
        }

    def by_grade(self) -> pd.DataFrame:
        """Students per level and grade, one column per outcome: what the dry run shows."""
        cols = ["办学类型", "年级", *OUTCOMES]
        if self.students.empty:
            return pd.DataFrame(columns=cols)
        s = self.students.assign(grade=self.students["grade"].fillna(0).astype(int))
        wide = (
            s.pivot_table(
                index=["level", "grade"],
                columns="outcome",
                values="student_id",
                aggfunc="count",
                fill_value=0,
            )
            .reindex(columns=list(OUTCOMES), fill_value=0)
            .reset_index()
        )
        order = {lv: i for i, lv in enumerate(schema.LEVELS)}
        wide = wide.sort_values(["level", "grade"], key=lambda c: c.map(order) if c.name == "level" else c)
        wide["grade"] = wide["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g), "—"))
        out = wide.rename(columns={"level": "办学类型", "grade": "年级"})[cols].reset_index(drop=True)
        out.columns.name = None
        return out.astype({o: int for o in OUTCOMES})

    def to_json(self) -> dict[str, Any]:
        """The CLI contract (docs/cli.md)."""
        return {
            "from_year": self.from_year,
            "to_year": self.to_year,
            "already_done": self.already_done,
            "totals": self.totals(),
            "notes": self.notes,
            "by_grade": self.by_grade().to_dict(orient="records"),
        }


def current_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The school year the roll is in: ``meta.school_year``, else the newest enrolment snapshot's."""
    meta = store.get_meta(con, "school_year")
    if meta:
        return int(meta)
    row = con.execute("SELECT max(school_year) FROM enrolments").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _last_grades(settings: dict[str, Any] | None) -> dict[str, int]:
    return {k: int(v) for k, v in (settings or config.SETTINGS)["rollover"]["last_grade"].items()}


def _outcomes(roll: pd.DataFrame, last_grade: dict[str, int]) -> pd.DataFrame:
    """Each student's outcome, new grade, status and reason (pure)."""
    out = roll.copy()
    last = out["level"].map(last_grade).fillna(9).astype(int)
    moving = out["status"].isin(schema.ENROLLED_STATUS)
    finishing = moving & (out["grade"] >= last)
    out["outcome"] = "不升级"
    out.loc[moving, "outcome"] = "升级"
    out.loc[finishing, "outcome"] = "毕业"
    out["new_grade"] = out["grade"].where(~(moving & ~finishing), out["grade"] + 1)
    out["new_status"] = out["status"].where(~finishing, "毕业")
    out["leave_reason"] = None
    out.loc[finishing, "leave_reason"] = out.loc[finishing, "level"].map(_FINISHED).fillna("毕业")
    return out


def plan_rollover(
    con: duckdb.DuckDBPyConnection, *, to_year: int, settings: dict[str, Any] | None = None
) -> RolloverPlan:
    """The dry run: what a rollover to ``to_year`` would change (reads only).

    Raises
    ------
    RolloverError
        ``to_year`` skips a year, or the store has no school year yet.
    """
    year = current_year(con)
    if year is None:
        raise RolloverError("数据库中还没有学籍快照，无法确定当前学年。")
    if to_year <= year:
        empty = pd.DataFrame(
            columns=[
                "student_id",
                "school_code",
                "level",
                "status",
                "grade",
                "outcome",
                "new_grade",
                "new_status",
                "leave_reason",
            ]
        )
        return RolloverPlan(
            year,
            to_year,
            empty,
            already_done=True,
            notes=[f"学籍已在 {year}-{year + 1} 学年，无需升级到 {to_year} 学年。"],
        )
    if to_year != year + 1:
        raise RolloverError(f"当前是 {year}-{year + 1} 学年，只能升级到 {year + 1} 学年(不能跳过学年)。")
    roll = con.execute(
        "SELECT st.student_id, st.school_code, sc.level, st.status, st.grade FROM students st "
        "LEFT JOIN schools sc ON sc.code = st.school_code "
        f"WHERE st.status IS NULL OR st.status NOT IN ({', '.join('?' for _ in LEFT_STATUS)}) "
        "ORDER BY st.student_id",
        list(LEFT_STATUS),
    ).df()
    if settings is None:  # defaults ∘ TOML ∘ the administrator's overrides
        settings = settings_store.effective_settings(con)
    plan = _outcomes(roll, _last_grades(settings))
    opened = ", ".join("?" for _ in schema.OPEN_CASE_STATUS)
    cases = con.execute(
        f"SELECT count(*) FROM dropout_cases WHERE status IN ({opened})", list(schema.OPEN_CASE_STATUS)
    ).fetchall()[0][0]
    helps = con.execute("SELECT count(*) FROM interventions WHERE status = '进行中'").fetchall()[0][0]
    notes = []
    no_grade = int(plan["grade"].isna().sum())
    if no_grade:
        notes.append(f"{no_grade} 名学生没有年级，保持不变。")
    return RolloverPlan(year, to_year, plan, int(cases), int(helps), notes=notes)


def opens_on(to_year: int) -> date:
    """The first data date on which a rollover to ``to_year`` may run (after the summer's
    graduation, before the new year's imports): 1 July of ``to_year``."""
    return date(to_year, 7, 1)


def apply_rollover(
    scope: Scope,
    *,
    to_year: int,
    as_of: date,
    path: Path | None = None,
    settings: dict[str, Any] | None = None,
    on_day: Any = None,
) -> RolloverPlan:
    """Run the rollover in one transaction (re-planned inside it); returns the plan it wrote.

    Parameters
    ----------
    scope
        Who runs it (``rollover``; the whole county: a township user cannot).
    to_year
        The new school year (the current one + 1).
    as_of
        The data's date: the run is refused before :func:`opens_on` (a second click after a
        rollover would otherwise move everyone up another year).
    on_day
        The status date written for graduates (default 1 September of ``to_year``).

    Raises
    ------
    lib.core.permissions.NotPermitted, RolloverError
    """
    permissions.require(scope, "rollover")
    day = on_day or f"{to_year}-09-01"
    if as_of < opens_on(to_year):
        raise RolloverError(
            f"数据日期为 {as_of.isoformat()}：升级到 {to_year}-{to_year + 1} 学年要在 "
            f"{opens_on(to_year).isoformat()} 之后(毕业季之后)进行。"
        )
    with store.transaction(path) as con:
        plan = plan_rollover(con, to_year=to_year, settings=settings)
        if plan.already_done:
            return plan
        s = plan.students
        if not con.execute(
            "SELECT count(*) FROM enrolments WHERE school_year = ?", [plan.from_year]
        ).fetchall()[0][0]:
            # the year that ends has no snapshot: keep one, so that it stays readable
            _snapshot(con, s[["student_id", "school_code", "grade", "status"]], plan.from_year, 2)
        changed = s[(s["new_grade"] != s["grade"]) | (s["new_status"] != s["status"])]
        con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
        con.register("_rollover", changed[["student_id", "new_grade", "new_status", "leave_reason"]])
        try:
            con.execute(
                "UPDATE students SET grade = CAST(r.new_grade AS INTEGER), status = r.new_status, "
                "leave_reason = coalesce(r.leave_reason, students.leave_reason), "
                "status_date = CASE WHEN r.new_status <> students.status THEN CAST(? AS DATE) "
                "ELSE students.status_date END "
                "FROM _rollover r WHERE students.student_id = r.student_id",
                [day],
            )
        finally:
            con.unregister("_rollover")
        staying = s[s["outcome"] != "毕业"]
        _snapshot(
            con,
            staying.assign(grade=staying["new_grade"], status=staying["new_status"])[
                ["student_id", "school_code", "grade", "status"]
            ],
            to_year,
            1,
        )
        opened = _open_calendar(con, to_year)
        store.set_meta(con, "school_year", str(to_year))
        store.audit(
            con,
            user=scope.user,
            action="rollover",
            scope=scope.describe(),
            detail=json.dumps(
                {
                    "from_year": plan.from_year,
                    "to_year": to_year,
                    **plan.totals(),
                    "calendar_days_added": opened,
                },
                ensure_ascii=False,
            ),
        )
    return plan


def _open_calendar(con: duckdb.DuckDBPyConnection, year: int) -> int:
    """Open the new year's 校历: the draft by national rules (:func:`lib.core.calendar.year_calendar`)
    for the days the store does not hold yet (an imported calendar is never overwritten).
    Returns the number of days added.  The programmes' standards need no opening: each has
    an effective-from date and holds until a later one replaces it (settings)."""
    draft = calendar.year_calendar(year)
    have = {
        d for (d,) in con.execute("SELECT day FROM school_calendar WHERE school_year = ?", [year]).fetchall()
    }
    new = draft[~draft["day"].dt.date.isin(have)]
    if len(new):
        store.write_table(con, "school_calendar", new)
    return len(new)


def _snapshot(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, year: int, term: int) -> None:
    """Add ``rows`` to the snapshot of ``year``/``term``, keeping any row already there
    (e.g. written by an import of the new year that came first)."""
    have = {
        r[0]
        for r in con.execute(
            "SELECT student_id FROM enrolments WHERE school_year = ? AND term = ?", [year, term]
        ).fetchall()
    }
    frame = rows[~rows["student_id"].isin(have)].assign(school_year=year, term=term)
    store.write_table(con, "enrolments", frame)


def next_rollover(scope: Scope, *, path: Path | None = None) -> RolloverPlan:
    """The dry run of the rollover to the year after the roll's current one (for the admin page).

    Raises
    ------
    lib.core.permissions.NotPermitted, RolloverError
    """
    permissions.require(scope, "rollover")
    with store.connect(path) as con:
        year = current_year(con)
        if year is None:
            raise RolloverError("数据库中还没有学籍快照，无法确定当前学年。")

        return plan_rollover(con, to_year=year + 1, settings=settings_store.effective_settings(con))
