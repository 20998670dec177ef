"""Retention (数据保留期, docs/operations.md): personal data of children who left.

A student who left the system (``retention.leaver_status``: 毕业, 转出) more than
``retention.leaver_years`` years before the data's date (``as_of``, never the
clock) is *de-identified*: the fields that say who the child is (ID number,
学籍号, name, birth date, guardian's name and phone) are set to NULL in
``students`` and in the rows of other tables about that student (dropout cases,
aid verification tasks), and ``deidentified_on`` is set.  Everything an
aggregate is built from stays: the opaque ``student_id``, school, grade, sex,
home village, status and the category flags, the enrolment snapshots, counts,
aid records and cases, and the record of the past (:mod:`lib.core.history`), which
keeps no identifier at all.  So every figure of past years is unchanged, while no
one can any longer tell which child a row was.  The day a student left is their
status date or, when it is missing, the first day the record of the past shows them
with a leaver's status.

The audit log is kept for ``retention.audit_years`` (never less than
:data:`AUDIT_MIN_YEARS`: a shorter setting is refused) against the store's clock
(the log's own timestamps); older entries are deleted by the same run.

Pipeline: :func:`plan_retention` (the report, reads only) -> :func:`apply_retention`
(one transaction; its own audit entry says what it removed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import config, history, permissions, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope

#: The law's floor for keeping the audit log (years).
AUDIT_MIN_YEARS = 3
#: Identifying fields removed per table (the student is found by ``student_id``).
IDENTIFYING: dict[str, tuple[str, ...]] = {
    "students": ("id_number", "xueji_number", "name", "birth_date", "guardian_name", "guardian_phone"),
    "dropout_cases": ("id_number", "name"),
    "aid_verification_tasks": ("id_number", "name"),
}


class RetentionError(AppError, ValueError):
    """A retention setting is not allowed (message in Chinese)."""


@dataclass
class RetentionPlan:
    """What a retention run removes.

    Attributes
    ----------
    as_of
        The data's date the leaver limit is counted from.
    cutoff
        Students who left on or before this day are de-identified.
    students
        One row per student to de-identify: ``student_id``, ``school_code``, ``status``,
        ``status_date`` (no personal field).
    related
        Table -> rows about those students whose identifying fields are removed too.
    audit_cutoff, audit_entries
        Audit entries before ``audit_cutoff`` (store clock) are deleted; how many.
    snapshot_rows
        Rows kept for undoing imports committed on or before ``cutoff``: deleted (they hold
        the replaced rows as they were, personal fields included; an import that old can
        no longer be undone anyway, since only the latest import of a kind can be).
    """

    as_of: date
    cutoff: date
    students: pd.DataFrame
    related: dict[str, int]
    audit_cutoff: datetime
    audit_entries: int
    snapshot_rows: int = 0

    def totals(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "leaver_cutoff": self.cutoff.isoformat(),
            "students_deidentified": len(self.students),
            **{f"{t}_rows": n for t, n in self.related.items()},
            "audit_cutoff": self.audit_cutoff.isoformat(sep=" "),
            "audit_entries_deleted": self.audit_entries,
            "import_snapshot_rows_deleted": self.snapshot_rows,
        }

    def by_school_year(self) -> pd.DataFrame:
        """Students to de-identify per status and year they left (the report)."""
        if self.students.empty:
            return pd.DataFrame(columns=["学籍状态", "离校年份", "人数"])
        df = self.students.assign(year=pd.to_datetime(self.students["status_date"]).dt.year)
        out = df.groupby(["status", "year"]).size().reset_index(name="人数")
        return out.rename(columns={"status": "学籍状态", "year": "离校年份"})


def retention_settings(settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``retention`` block, checked.

    Raises
    ------
    RetentionError
        ``audit_years`` below :data:`AUDIT_MIN_YEARS`, or ``leaver_years`` below 0.
    """
    conf = (settings or config.SETTINGS)["retention"]
    if float(conf["audit_years"]) < AUDIT_MIN_YEARS:
        raise RetentionError(
            f"审计日志至少保留 {AUDIT_MIN_YEARS} 年，设置为 {conf['audit_years']} 年不被接受。"
        )
    if float(conf["leaver_years"]) < 0:
        raise RetentionError("离校学生信息保留年限不能为负数。")
    return conf


def _years_before(day: date, years: float) -> date:
    whole = int(years)
    try:
        out = day.replace(year=day.year - whole)
    except ValueError:  # 29 February
        out = day.replace(year=day.year - whole, day=28)
    return out - pd.Timedelta(days=round((years - whole) * 365)).to_pytimedelta()


def plan_retention(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date,
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> RetentionPlan:
    """The report: which leavers' identifying fields and which audit entries a run removes
    (``settings`` default: the effective settings, with the administrator's overrides)."""
    if settings is None:
        settings = settings_store.effective_settings(con)
    conf = retention_settings(settings)
    cutoff = _years_before(as_of, float(conf["leaver_years"]))
    statuses = list(conf["leaver_status"])
    marks = ", ".join("?" for _ in statuses)
    # the day a student left: their status date, else the first day the record of the past
    # (lib.core.history) shows them with a leaver's status
    left = (
        f"coalesce(st.status_date, (SELECT min(h.valid_from) FROM {history.TABLE} h "
        f"WHERE h.student_id = st.student_id AND h.status IN ({marks})))"
    )
    students = con.execute(
        f"SELECT student_id, school_code, status, {left} AS status_date FROM students st WHERE status IN ({marks}) "
        f"AND {left} <= ? AND deidentified_on IS NULL "
        "AND (id_number IS NOT NULL OR xueji_number IS NOT NULL OR name IS NOT NULL OR birth_date IS NOT NULL "
        "OR guardian_name IS NOT NULL OR guardian_phone IS NOT NULL) ORDER BY student_id",
        [*statuses, *statuses, *statuses, cutoff],
    ).df()
    related = {}
    con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
    con.register("_leavers", students[["student_id"]])
    try:
        for table, cols in IDENTIFYING.items():
            if table == "students":
                continue
            any_set = " OR ".join(f'"{c}" IS NOT NULL' for c in cols)
            related[table] = int(
                con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE student_id IN (SELECT student_id FROM _leavers) '
                    f"AND ({any_set})"
                ).fetchall()[0][0]
            )
    finally:
        con.unregister("_leavers")
    clock = now or con.execute("SELECT now()::TIMESTAMP").fetchall()[0][0]
    audit_cutoff = datetime.combine(_years_before(clock.date(), float(conf["audit_years"])), clock.time())
    entries = int(
        con.execute('SELECT count(*) FROM audit_log WHERE "at" < ?', [audit_cutoff]).fetchall()[0][0]
    )
    snapshots = int(
        con.execute(_OLD_SNAPSHOTS.replace("DELETE", "SELECT count(*)", 1), [cutoff]).fetchall()[0][0]
    )
    return RetentionPlan(as_of, cutoff, students, related, audit_cutoff, entries, snapshots)


#: Undo snapshots of imports committed on or before the leaver cutoff.
_OLD_SNAPSHOTS = (
    "DELETE FROM import_snapshots WHERE import_id IN "
    "(SELECT import_id FROM imports WHERE CAST(committed_at AS DATE) <= ?)"
)


def apply_retention(
    scope: Scope,
    *,
    as_of: date,
    path: Path | None = None,
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> RetentionPlan:
    """De-identify the leavers and delete the old audit entries of :func:`plan_retention`, in one
    transaction; returns the plan it carried out.

    Raises
    ------
    lib.core.permissions.NotPermitted, RetentionError
    """
    permissions.require(scope, "retention")
    with store.transaction(path) as con:
        plan = plan_retention(con, as_of=as_of, settings=settings, now=now)
        if not plan.students.empty:
            con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
            con.register("_leavers", plan.students[["student_id"]])
            try:
                for table, cols in IDENTIFYING.items():
                    sets = ", ".join(f'"{c}" = NULL' for c in cols)
                    if table == "students":
                        sets += ", deidentified_on = CAST(? AS DATE)"
                    con.execute(
                        f'UPDATE "{table}" SET {sets} WHERE student_id IN (SELECT student_id FROM _leavers)',
                        [as_of] if table == "students" else [],
                    )
            finally:
                con.unregister("_leavers")
        history.record_students(con, as_of)  # identifiers are not kept per date: nothing to forget there
        if plan.audit_entries:
            con.execute('DELETE FROM audit_log WHERE "at" < ?', [plan.audit_cutoff])
        if plan.snapshot_rows:
            con.execute(_OLD_SNAPSHOTS, [plan.cutoff])
        store.audit(
            con,
            user=scope.user,
            action="retention",
            scope=scope.describe(),
            detail=json.dumps(plan.totals(), ensure_ascii=False),
        )
    return plan


def personal_left(con: duckdb.DuckDBPyConnection, student_ids: list[str]) -> int:
    """How many identifying values remain for ``student_ids`` (0 after a run; for tests and checks)."""
    con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
    con.register("_ids", pd.DataFrame({"student_id": student_ids}))
    try:
        total = 0
        for table, cols in IDENTIFYING.items():
            nn = " + ".join(f'count("{c}")' for c in cols)
            total += int(
                con.execute(
                    f'SELECT {nn} FROM "{table}" WHERE student_id IN (SELECT student_id FROM _ids)'
                ).fetchall()[0][0]
            )
        return total
    finally:
        con.unregister("_ids")


def report(scope: Scope, *, path: Path | None = None) -> tuple[RetentionPlan, dict[str, Any]]:
    """The retention report for the data's date of ``scope`` and the effective settings
    (for the admin page): the plan and the ``retention`` settings it used.

    Raises
    ------
    lib.core.permissions.NotPermitted, RetentionError
    """

    permissions.require(scope, "retention")
    with store.connect(path) as con:
        settings = settings_store.effective_settings(con)
        return plan_retention(con, as_of=scope.as_of, settings=settings), settings
