"""The school-year rollover (学年升级, each September, docs/operations.md).

Every student on the roll (status not 毕业/转出) gets one outcome:

* ``升级``   in 在校 or 送教上门 below their school level's last grade: grade + 1;
* ``毕业``   in the last grade of the level (``rollover.last_grade``): status 毕业,
  ``leave_reason`` says which level they finished, off the active roll; a primary or
  教学点 leaver goes on the 小升初 待接收 list (:mod:`lib.roster.transition`) until a
  school of the county enrols them or they are accounted for;
* ``不升级`` 休学 or 辍学: the grade stays (a suspended child repeats it; a dropout's
  case is still being followed).

Open dropout cases and active interventions are carried forward unchanged (they
are not tied to a school year).  The new year's 校历 is opened with the draft by
national rules (:func:`lib.core.calendar.year_calendar`, any year) for the days not
imported yet; the programmes' standards carry over by their effective-from dates.  The
new year's first-term snapshot is written to ``enrolments``, and the new year's
``enrolment_counts`` are derived from the roll as it stands after the rollover (per
school and grade, enrolled students) unless counts of that year were imported already:
巩固率 of the new year reads its own grade 9.  The record of the past
(:mod:`lib.core.history`) gets the change on the run's data date (on 1 September when the run
comes later), so every figure of a date before stays as it was.  The store's ``meta.school_year`` records the year
the roll is in: a rollover to a year the roll is already in changes nothing, so running it
twice is safe.

Pipeline: :func:`plan_rollover` (the dry run, pure reads; :meth:`RolloverPlan.changes`
lists what changes per table) -> :func:`apply_rollover` (a backup first, then re-plans
inside one transaction and writes exactly that plan).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import calendar, config, derived, history, permissions, schema, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope, school_year_of
from lib.ingest.commit import COMMITTED
from lib.ops import backup

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
#: Levels whose leavers must be received by another school of the county (小升初, 教学点 -> 完小).
FOLLOWED_LEVELS = ("小学", "教学点")
_PLAN_COLUMNS = [
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
#: Columns of :meth:`RolloverPlan.changes` (the dry run's "what changes per table").
CHANGE_COLUMNS: dict[str, str] = {
    "table": "数据表",
    "label": "内容",
    "added": "新增行",
    "changed": "修改行",
    "note": "说明",
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
    calendar_days
        Days of the new year's 校历 the draft adds (the store does not hold them yet).
    counts_held
        Rows of ``enrolment_counts`` the new year already has (imported): then none are derived.
    counts_derived
        The new year's counts derived from the roll after the rollover (``school_code``, ``grade``,
        ``students``); empty when ``counts_held``.
    snapshot_rows
        Rows added to ``enrolments``: the year that ends (only when it has no snapshot) and the
        new year's first term.
    backup_file
        The backup taken before the real run (None for a dry run).
    """

    from_year: int
    to_year: int
    students: pd.DataFrame
    open_cases: int = 0
    active_interventions: int = 0
    already_done: bool = False
    notes: list[str] = field(default_factory=list)
    calendar_days: int = 0
    counts_held: int = 0
    counts_derived: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["school_code", "grade", "students"])
    )
    snapshot_rows: dict[int, int] = field(default_factory=dict)
    backup_file: str | None = None

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
            "leavers_followed": self.leavers_followed(),
        }

    def leavers_followed(self) -> int:
        """Primary and 教学点 leavers who go on the 小升初 待接收 list."""
        s = self.students
        if s.empty:
            return 0
        return int(((s["outcome"] == "毕业") & s["level"].isin(FOLLOWED_LEVELS)).sum())

    def changes(self) -> pd.DataFrame:
        """What the run changes, per table: ``table``, ``label``, ``added``, ``changed``, ``note``
        (the dry run shows it; the real run writes exactly this)."""
        if self.already_done:
            return pd.DataFrame(columns=list(CHANGE_COLUMNS))
        t = self.totals()
        s = self.students
        moved = (
            0 if s.empty else int(((s["new_grade"] != s["grade"]) | (s["new_status"] != s["status"])).sum())
        )
        snap = ", ".join(f"{y}-{y + 1}学年 {n:,} 行" for y, n in sorted(self.snapshot_rows.items()))
        derived = len(self.counts_derived)
        year = f"{self.to_year}-{self.to_year + 1}学年"
        rows = [
            (
                "students",
                schema.TABLES["students"].label,
                0,
                moved,
                f"升级 {t['升级']:,}，毕业 {t['毕业']:,}(小升初 {t['leavers_followed']:,})，不升级 {t['不升级']:,}",
            ),
            (
                "enrolments",
                schema.TABLES["enrolments"].label,
                sum(self.snapshot_rows.values()),
                0,
                snap or "—",
            ),
            (
                "enrolment_counts",
                schema.TABLES["enrolment_counts"].label,
                derived,
                0,
                f"已有导入的 {self.counts_held:,} 行，不再推算"
                if self.counts_held
                else "按升级后在册学生推算(导入事业统计后以导入为准)",
            ),
            (
                "school_calendar",
                schema.TABLES["school_calendar"].label,
                self.calendar_days,
                0,
                "按全国规则草拟，已导入的日期不覆盖" if self.calendar_days else "校历已齐全",
            ),
            (
                history.TABLE,
                schema.TABLES[history.TABLE].label,
                moved,
                moved,
                f"自执行日(最迟 {self.to_year}-09-01)起记录，此前各日的数字不变",
            ),
            (
                "enrolment_counts_history",
                schema.TABLES["enrolment_counts_history"].label,
                derived,
                0,
                "记录推算的人数" if derived else "—",
            ),
            (
                "meta",
                schema.TABLES["meta"].label,
                0,
                1,
                f"当前学年 {self.from_year}-{self.from_year + 1} → {year}",
            ),
            (
                "dropout_cases",
                schema.TABLES["dropout_cases"].label,
                0,
                0,
                f"未结案台账 {self.open_cases:,} 件、进行中帮扶 {self.active_interventions:,} 项原样结转",
            ),
        ]
        return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))

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
            "changes": self.changes().to_dict(orient="records"),
            "backup": self.backup_file,
        }


def current_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The school year the roll is in: ``meta.school_year`` (set by each rollover), else the newest
    enrolment snapshot's, else the school year of the data date of the latest import of the roll
    (a county that went live by importing its 学籍 export has neither yet)."""
    meta = store.get_meta(con, "school_year")
    if meta:
        return int(meta)
    row = con.execute("SELECT max(school_year) FROM enrolments").fetchone()
    if row and row[0] is not None:
        return int(row[0])
    row = con.execute(
        "SELECT max(as_of) FROM imports WHERE table_name = 'students' AND status = ?", [COMMITTED]
    ).fetchone()
    return school_year_of(row[0]) if row and row[0] is not None else None


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


def derive_counts(roll_after: pd.DataFrame) -> pd.DataFrame:
    """The new year's enrolment counts from the roll after the rollover (pure): enrolled students
    (在校, 送教上门) per school and grade.  ``roll_after`` needs ``school_code``, ``grade``, ``status``."""
    on = roll_after[roll_after["status"].isin(schema.ENROLLED_STATUS) & roll_after["grade"].notna()]
    out = on.groupby(["school_code", "grade"], as_index=False).size().rename(columns={"size": "students"})
    return out.astype({"grade": "int64", "students": "int64"}).sort_values(
        ["school_code", "grade"], ignore_index=True
    )


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
        return RolloverPlan(
            year,
            to_year,
            pd.DataFrame(columns=_PLAN_COLUMNS),
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
    held = con.execute("SELECT count(*) FROM enrolment_counts WHERE school_year = ?", [to_year]).fetchone()[0]
    staying = plan[plan["outcome"] != "毕业"]
    derived = (
        derive_counts(staying.assign(grade=staying["new_grade"], status=staying["new_status"]))
        if not held
        else pd.DataFrame(columns=["school_code", "grade", "students"])
    )
    snaps = {}
    if not con.execute("SELECT count(*) FROM enrolments WHERE school_year = ?", [year]).fetchone()[0]:
        snaps[year] = len(plan)
    have_new = {
        r[0]
        for r in con.execute(
            "SELECT student_id FROM enrolments WHERE school_year = ? AND term = 1", [to_year]
        ).fetchall()
    }
    snaps[to_year] = int((~staying["student_id"].isin(have_new)).sum())
    return RolloverPlan(
        year,
        to_year,
        plan,
        int(cases),
        int(helps),
        notes=notes,
        calendar_days=len(_calendar_draft(con, to_year)),
        counts_held=int(held),
        counts_derived=derived,
        snapshot_rows=snaps,
    )


def opens_on(to_year: int) -> date:
    """The first data date on which a rollover to ``to_year`` may run (after the summer's
    graduation, before the new year's imports): 1 July of ``to_year``."""
    return date(to_year, 7, 1)


def takes_effect(to_year: int) -> date:
    """The day the new school year starts (graduates' status date; the latest day the record of the
    past takes the change on): 1 September."""
    return date(to_year, 9, 1)


def apply_rollover(
    scope: Scope,
    *,
    to_year: int,
    as_of: date,
    path: Path | None = None,
    settings: dict[str, Any] | None = None,
    on_day: Any = None,
    take_backup: bool = True,
) -> RolloverPlan:
    """Run the rollover: a backup first, then one transaction (re-planned inside it); returns the
    plan it wrote.  A rollover already done changes nothing and takes no backup.

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
        The status date written for graduates and the day the record of the past changes
        (default :func:`takes_effect`, 1 September of ``to_year``).  The record of the past gets
        the change on ``as_of``, or on 1 September when the run comes after it.
    take_backup
        Take a backup of the whole store first (:func:`lib.ops.backup.take_backup`, reason
        ``before_rollover``); a failed backup stops the run before anything is written.

    Raises
    ------
    lib.core.permissions.NotPermitted, RolloverError, lib.ops.backup.BackupError
    """
    permissions.require(scope, "rollover")
    day = date.fromisoformat(str(on_day)) if on_day else takes_effect(to_year)
    if as_of < opens_on(to_year):
        raise RolloverError(
            f"数据日期为 {as_of.isoformat()}：升级到 {to_year}-{to_year + 1} 学年要在 "
            f"{opens_on(to_year).isoformat()} 之后(毕业季之后)进行。"
        )
    with store.connect(path) as con:
        done = plan_rollover(con, to_year=to_year, settings=settings)
    if done.already_done:
        return done
    saved = backup.take_backup(scope, path=path, reason="before_rollover") if take_backup else None
    with store.transaction(path) as con:
        plan = plan_rollover(con, to_year=to_year, settings=settings)
        if plan.already_done:  # another run finished meanwhile
            return plan
        s = plan.students
        if plan.from_year in plan.snapshot_rows:
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
                [day.isoformat()],
            )
        finally:
            con.unregister("_rollover")
        derived.changed(con, ("students",))
        staying = s[s["outcome"] != "毕业"]
        _snapshot(
            con,
            staying.assign(grade=staying["new_grade"], status=staying["new_status"])[
                ["student_id", "school_code", "grade", "status"]
            ],
            to_year,
            1,
        )
        if len(plan.counts_derived):
            store.write_table(con, "enrolment_counts", plan.counts_derived.assign(school_year=to_year))
        opened = _open_calendar(con, to_year)
        # from the run's data date: a summer run's roll holds from then (the graduates have left),
        # a late run's from 1 September (the log never runs backwards past a later change)
        recorded = history.record(
            con, min(as_of, takes_effect(to_year)), tables=("students", "enrolment_counts")
        )
        store.set_meta(con, "school_year", str(to_year))
        held = store.get_meta(con, "as_of")
        if held and date.fromisoformat(held) < as_of:  # the store's data date moves on to the run's
            store.set_meta(con, "as_of", as_of.isoformat())
        plan.backup_file = saved.path.name if saved else None
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
                    "counts_derived": len(plan.counts_derived),
                    "history_recorded": recorded,
                    "backup": plan.backup_file,
                },
                ensure_ascii=False,
            ),
        )
    return plan


def _calendar_draft(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """The days of the draft by national rules for ``year`` that the store does not hold yet."""
    draft = calendar.year_calendar(year)
    have = {
        d for (d,) in con.execute("SELECT day FROM school_calendar WHERE school_year = ?", [year]).fetchall()
    }
    return draft[~draft["day"].dt.date.isin(have)]


def _open_calendar(con: duckdb.DuckDBPyConnection, year: int) -> int:
    """Open the new year's 校历: the draft by national rules (:func:`lib.core.calendar.year_calendar`)
    for the days the store does not hold yet (an imported calendar is never overwritten).
    Returns the number of days added.  The programmes' standards need no opening: each has
    an effective-from date and holds until a later one replaces it (settings)."""
    new = _calendar_draft(con, year)
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
