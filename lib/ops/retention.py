"""Retention (数据保留期, docs/operations.md): nothing identifying left of children who left.

A student who left the system (``retention.leaver_status``: 毕业, 转出) more than
``retention.leaver_years`` years before the data's date (``as_of``, never the clock) is
*de-identified*, and so is a non-compulsory aid recipient (高中, 中职, 大学) whose studies
ended (entry year + ``retention.study_years`` of the stage) before that cutoff and who has
had no award, application or grant since.  Every field that says who the child is, in
every table that holds one (:data:`TARGETS`: the student row, the child's dropout cases
with the guardian's name and phone and the free-text results of every action, notes of
interventions and visits, aid verification tasks and applications, the stored 花名册, the
异地就学 list, the recipient's row) is set to NULL, never blanked, and ``deidentified_on``
is set.  The undo snapshots of recent imports lose the same fields.  Everything an
aggregate is built from stays: the opaque ``student_id``, school, grade, sex, home
village, status, the category flags (in ``students`` and ``student_history``), the
enrolment snapshots, counts, aid records and cases, and the names of the staff who acted.
So every figure of past years is unchanged, while no one can any longer tell which child
a row was.  The day a student left is their status date or, when it is missing, the first
day the record of the past (:mod:`lib.core.history`) shows them with a leaver's status.

The results of background jobs (:mod:`lib.ops.jobs`: a checked roster, a compared list) are
deleted ``retention.job_days`` days after they finished, by the same run and at each start.

The audit log is kept for ``retention.audit_years`` (never less than
:data:`AUDIT_MIN_YEARS`: a shorter setting is refused) against the store's clock
(the log's own timestamps); older entries are deleted by the same run.

Pipeline: :func:`plan_retention` (the report, reads only) -> :func:`apply_retention`
(one transaction; its own audit entry says what it removed, table by table).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import config, history, permissions, schema, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.ops import jobs

#: The law's floor for keeping the audit log (years).
AUDIT_MIN_YEARS = 3


@dataclass(frozen=True)
class Target:
    """The identifying fields of one table, and how its rows are tied to a de-identified child.

    ``keys``: (column, set) pairs, any of which ties a row: ``students`` (学生编号 of the
    leavers, also those de-identified by an earlier run), ``ids`` (their ID numbers),
    ``recipients``, ``cases``, ``interventions``, ``applications`` (rows of the child).
    ``only``: (column, value) rows must also have (the guardian, 家长, among the 六长).
    """

    table: str
    columns: tuple[str, ...]
    keys: tuple[tuple[str, str], ...]
    only: tuple[str, str] | None = None


#: Every table with a field that identifies a child, what retention sets to NULL in it.
TARGETS: tuple[Target, ...] = (
    Target(
        "students",
        ("id_number", "xueji_number", "name", "birth_date", "guardian_name", "guardian_phone"),
        (("student_id", "students"),),
    ),
    Target(
        "dropout_cases",
        ("id_number", "name", "dismiss_reason"),
        (("student_id", "students"), ("id_number", "ids")),
    ),
    Target("case_responsibles", ("name", "phone"), (("case_id", "cases"),), only=("role", "家长")),
    Target("case_actions", ("result",), (("case_id", "cases"),)),
    Target("case_status_log", ("reason",), (("case_id", "cases"),)),
    Target(
        "case_versions", ("before",), (("case_id", "cases"),)
    ),  # earlier versions name the 六长 and guardian
    Target("detection_decisions", ("reason",), (("student_id", "students"),)),
    Target("interventions", ("note",), (("student_id", "students"),)),
    Target("intervention_visits", ("content",), (("intervention_id", "interventions"),)),
    Target(
        "aid_verification_tasks",
        ("id_number", "name", "detail", "result"),
        (("student_id", "students"), ("id_number", "ids")),
    ),
    Target(
        "aid_applications", ("reject_reason",), (("student_id", "students"), ("recipient_id", "recipients"))
    ),
    Target("aid_approval_steps", ("reason",), (("application_id", "applications"),)),
    Target("aid_recipients", ("id_number", "name", "phone"), (("recipient_id", "recipients"),)),
    Target("aid_campaign_applications", ("note",), (("recipient_id", "recipients"),)),
    Target(
        "school_age_roster",
        ("id_number", "name", "birth_date", "address", "guardian_name", "guardian_phone"),
        (("id_number", "ids"),),
    ),
    Target("study_elsewhere", ("id_number", "name"), (("id_number", "ids"),)),
)
#: Personal columns (:func:`lib.core.schema.personal_columns`) that stay, and why (by column,
#: or ``table.column``): the categories every aggregate counts, and the names and phones of
#: staff (teachers, case workers, the officials among the 六长 and in 六长联系人), which say
#: nothing about which child.
KEPT_PERSONAL: dict[str, str] = {
    **{
        c: "类别(汇总指标所用)"
        for c in (
            "learning_difficulty",
            "disability",
            "disability_level",
            "poverty_category",
            *schema.FLAGS,
        )
    },
    "actor": "经办人员",
    "teacher": "帮扶教师",
    "contacts.name": "镇村干部(六长联系人)",
    "contacts.phone": "镇村干部(六长联系人)",
    "row_json": "导入快照(同字段一并清除)",
}
#: Backwards-compatible alias: the identifying fields per table.
IDENTIFYING: dict[str, tuple[str, ...]] = {t.table: t.columns for t in TARGETS}


def _key_sql(target: Target) -> str:
    """SQL: the row is about a de-identified child and still holds an identifying value."""
    tied = " OR ".join(f'"{col}" IN (SELECT v FROM _rt_{name})' for col, name in target.keys)
    only = f" AND \"{target.only[0]}\" = '{target.only[1]}'" if target.only else ""
    return f"({tied}){only} AND {_any_set(target.columns)}"


def _json_key_sql(target: Target) -> str:
    """The same test on an import snapshot's ``row_json``."""
    tied = " OR ".join(
        f"json_extract_string(row_json, '$.{col}') IN (SELECT v FROM _rt_{name})" for col, name in target.keys
    )
    only = (
        f" AND json_extract_string(row_json, '$.{target.only[0]}') = '{target.only[1]}'"
        if target.only
        else ""
    )
    held = " OR ".join(f"json_extract_string(row_json, '$.{c}') IS NOT NULL" for c in target.columns)
    return f"table_name = '{target.table}' AND ({tied}){only} AND ({held})"


def _any_set(cols: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f'"{c}" IS NOT NULL' for c in cols) + ")"


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
        Students who left on or before this day are de-identified (and recipients whose
        studies ended by then).
    students
        One row per student to de-identify: ``student_id``, ``school_code``, ``status``,
        ``status_date`` (no personal field).
    related
        Table -> rows about the de-identified children whose identifying fields are removed
        (every table of :data:`TARGETS` but ``students``).
    audit_cutoff, audit_entries
        Audit entries before ``audit_cutoff`` (store clock) are deleted; how many.
    snapshot_rows
        Rows kept for undoing imports committed on or before ``cutoff``: deleted (they hold
        the replaced rows as they were, personal fields included; an import that old can
        no longer be undone anyway, since only the latest import of a kind can be).
    recipients
        Non-compulsory aid recipients to de-identify: ``recipient_id``, ``stage``,
        ``entry_year``.
    snapshot_scrubbed
        Undo-snapshot rows of later imports that hold a de-identified child's row: they lose
        the same fields (an undo brings the row back de-identified).
    """

    as_of: date
    cutoff: date
    students: pd.DataFrame
    related: dict[str, int]
    audit_cutoff: datetime
    audit_entries: int
    snapshot_rows: int = 0
    recipients: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["recipient_id"]))
    snapshot_scrubbed: int = 0

    @property
    def tables(self) -> dict[str, int]:
        """Rows whose identifying fields are set to NULL, per table (``students`` first)."""
        return {"students": len(self.students), **self.related}

    @property
    def empty(self) -> bool:
        """Nothing to de-identify or delete."""
        return not any(self.tables.values()) and not (
            self.audit_entries or self.snapshot_rows or self.snapshot_scrubbed
        )

    def totals(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "leaver_cutoff": self.cutoff.isoformat(),
            "students_deidentified": len(self.students),
            "recipients_deidentified": len(self.recipients),
            **{f"{t}_rows": n for t, n in self.related.items()},
            "audit_cutoff": self.audit_cutoff.isoformat(sep=" "),
            "audit_entries_deleted": self.audit_entries,
            "import_snapshot_rows_deleted": self.snapshot_rows,
            "import_snapshot_rows_scrubbed": self.snapshot_scrubbed,
        }

    def by_table(self) -> pd.DataFrame:
        """The report per table: 表, 置空的字段 (Chinese labels), 行数 (rows changed)."""
        rows = []
        for t in TARGETS:
            table = schema.TABLES[t.table]
            fields = "、".join(table.column(c).label for c in t.columns)
            if t.only:
                fields += f"(仅{t.only[1]})"
            rows.append(
                {
                    "表": table.label,
                    "数据表": t.table,
                    "置空的字段": fields,
                    "行数": self.tables.get(t.table, 0),
                }
            )
        return pd.DataFrame(rows, columns=["表", "数据表", "置空的字段", "行数"])

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


_STUDENT_IDENTIFYING = TARGETS[0].columns
_RECIPIENT_IDENTIFYING = next(t.columns for t in TARGETS if t.table == "aid_recipients")


def _leavers(con: duckdb.DuckDBPyConnection, conf: dict[str, Any], cutoff: date) -> pd.DataFrame:
    statuses = list(conf["leaver_status"])
    marks = ", ".join("?" for _ in statuses)
    # the day a student left: their status date, else the first day the record of the past
    # (lib.core.history) shows them with a leaver's status
    left = (
        f"coalesce(st.status_date, (SELECT min(h.valid_from) FROM {history.TABLE} h "
        f"WHERE h.student_id = st.student_id AND h.status IN ({marks})))"
    )
    return con.execute(
        f"SELECT student_id, school_code, status, {left} AS status_date FROM students st "
        f"WHERE status IN ({marks}) AND {left} <= ? AND deidentified_on IS NULL "
        f"AND {_any_set(_STUDENT_IDENTIFYING)} ORDER BY student_id",
        [*statuses, *statuses, *statuses, cutoff],
    ).df()


def _recipients(con: duckdb.DuckDBPyConnection, conf: dict[str, Any], cutoff: date) -> pd.DataFrame:
    """Recipients whose studies ended by ``cutoff`` with no award, application or grant since."""
    years = {**config.DEFAULTS["retention"]["study_years"], **(conf.get("study_years") or {})}
    stage_years = "CASE r.stage " + " ".join(f"WHEN '{k}' THEN {int(v)}" for k, v in years.items())
    stage_years += f" ELSE {max(int(v) for v in years.values())} END"
    after = [
        "SELECT recipient_id FROM aid_recipient_awards WHERE due_date > ? OR paid_date > ?",
        "SELECT recipient_id FROM aid_applications WHERE applied_on > ? OR stage_on > ?",
        "SELECT recipient_id FROM aid_donation_grants WHERE granted_on > ? OR granted_on > ?",
        "SELECT recipient_id FROM aid_campaign_applications WHERE applied_on > ? OR applied_on > ?",
    ]
    return con.execute(
        f"SELECT r.recipient_id, r.stage, r.entry_year FROM aid_recipients r "
        f"WHERE r.entry_year IS NOT NULL AND make_date(r.entry_year + {stage_years}, 7, 1) <= ? "
        f"AND {_any_set(_RECIPIENT_IDENTIFYING)} "
        f"AND r.recipient_id NOT IN (SELECT recipient_id FROM ({' UNION '.join(after)}) "
        f"WHERE recipient_id IS NOT NULL) ORDER BY r.recipient_id",
        [cutoff, *[cutoff] * (2 * len(after))],
    ).df()


def _build_sets(con: duckdb.DuckDBPyConnection, students: pd.DataFrame, recipients: pd.DataFrame) -> None:
    """Temp tables ``_rt_*`` (one column ``v``) of the rows about de-identified children."""
    con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
    con.register("_rt_in_students", students[["student_id"]])
    con.register("_rt_in_recipients", recipients[["recipient_id"]])
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_new_students AS SELECT student_id AS v FROM _rt_in_students"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_students AS SELECT v FROM _rt_new_students "
            "UNION SELECT student_id FROM students WHERE deidentified_on IS NOT NULL"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_ids AS SELECT DISTINCT v FROM ("
            "SELECT id_number AS v FROM students WHERE student_id IN (SELECT v FROM _rt_new_students) "
            "UNION ALL SELECT substr(xueji_number, 2) FROM students WHERE student_id IN "
            "(SELECT v FROM _rt_new_students) AND xueji_number LIKE 'G%' "
            "UNION ALL SELECT id_number FROM aid_recipients WHERE recipient_id IN "
            "(SELECT recipient_id FROM _rt_in_recipients)) WHERE v IS NOT NULL"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_recipients AS SELECT recipient_id AS v FROM _rt_in_recipients "
            f"UNION SELECT recipient_id FROM aid_recipients WHERE NOT {_any_set(_RECIPIENT_IDENTIFYING)}"
        )
    finally:
        con.unregister("_rt_in_students")
        con.unregister("_rt_in_recipients")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rt_cases AS SELECT case_id AS v FROM dropout_cases "
        "WHERE student_id IN (SELECT v FROM _rt_students) OR id_number IN (SELECT v FROM _rt_ids)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rt_interventions AS SELECT intervention_id AS v FROM interventions "
        "WHERE student_id IN (SELECT v FROM _rt_students)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rt_applications AS SELECT application_id AS v FROM aid_applications "
        "WHERE student_id IN (SELECT v FROM _rt_students) OR recipient_id IN (SELECT v FROM _rt_recipients)"
    )


def _drop_sets(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("new_students", "students", "ids", "recipients", "cases", "interventions", "applications"):
        con.execute(f"DROP TABLE IF EXISTS _rt_{name}")


def _count(con: duckdb.DuckDBPyConnection, target: Target) -> int:
    return int(con.execute(f'SELECT count(*) FROM "{target.table}" WHERE {_key_sql(target)}').fetchone()[0])


def _scrub_sql(target: Target) -> str:
    return f"FROM import_snapshots WHERE {_json_key_sql(target)}"


def plan_retention(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date,
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> RetentionPlan:
    """The report: which leavers' identifying fields (table by table) and which audit entries a
    run removes (``settings`` default: the effective settings, with the administrator's overrides)."""
    if settings is None:
        settings = settings_store.effective_settings(con)
    conf = retention_settings(settings)
    cutoff = _years_before(as_of, float(conf["leaver_years"]))
    students = _leavers(con, conf, cutoff)
    recipients = _recipients(con, conf, cutoff)
    _build_sets(con, students, recipients)
    try:
        related = {t.table: _count(con, t) for t in TARGETS if t.table != "students"}
        scrubbed = sum(int(con.execute(f"SELECT count(*) {_scrub_sql(t)}").fetchone()[0]) for t in TARGETS)
    finally:
        _drop_sets(con)
    clock = now or con.execute("SELECT now()::TIMESTAMP").fetchall()[0][0]
    audit_cutoff = datetime.combine(_years_before(clock.date(), float(conf["audit_years"])), clock.time())
    entries = int(
        con.execute('SELECT count(*) FROM audit_log WHERE "at" < ?', [audit_cutoff]).fetchall()[0][0]
    )
    snapshots = int(
        con.execute(_OLD_SNAPSHOTS.replace("DELETE", "SELECT count(*)", 1), [cutoff]).fetchall()[0][0]
    )
    return RetentionPlan(
        as_of, cutoff, students, related, audit_cutoff, entries, snapshots, recipients, scrubbed
    )


#: Undo snapshots of imports committed on or before the leaver cutoff.
_OLD_SNAPSHOTS = (
    "DELETE FROM import_snapshots WHERE import_id IN "
    "(SELECT import_id FROM imports WHERE CAST(committed_at AS DATE) <= ?)"
)


def _apply(con: duckdb.DuckDBPyConnection, plan: RetentionPlan) -> None:
    """Set every identifying field of :data:`TARGETS` to NULL for the plan's children."""
    _build_sets(con, plan.students, plan.recipients)
    try:
        for t in TARGETS:
            sets = ", ".join(f'"{c}" = NULL' for c in t.columns)
            params: list[Any] = []
            if t.table == "students":
                sets += ", deidentified_on = CAST(? AS DATE)"
                params.append(plan.as_of)
            con.execute(f'UPDATE "{t.table}" SET {sets} WHERE {_key_sql(t)}', params)
            patch = {c: None for c in t.columns}
            con.execute(
                f"UPDATE import_snapshots SET row_json = json_merge_patch(row_json, ?) {_scrub_sql(t).removeprefix('FROM import_snapshots ')}",
                [json.dumps(patch)],
            )
    finally:
        _drop_sets(con)


def apply_retention(
    scope: Scope,
    *,
    as_of: date,
    path: Path | None = None,
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> RetentionPlan:
    """De-identify the leavers and recipients and delete the old audit entries of
    :func:`plan_retention`, in one transaction; returns the plan it carried out.

    Raises
    ------
    lib.core.permissions.NotPermitted, RetentionError
    """
    permissions.require(scope, "retention")
    with store.transaction(path) as con:
        plan = plan_retention(con, as_of=as_of, settings=settings, now=now)
        if any(plan.tables.values()) or plan.snapshot_scrubbed or not plan.recipients.empty:
            _apply(con, plan)
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
    jobs.purge(path=path, now=now)  # background jobs' results (children's data among them) too
    return plan


def personal_left(
    con: duckdb.DuckDBPyConnection,
    student_ids: list[str],
    *,
    id_numbers: list[str] = (),
    recipient_ids: list[str] = (),
) -> int:
    """How many identifying values remain for these children in every table of :data:`TARGETS`
    (0 after a run; for tests and checks).  ``id_numbers``: their ID numbers as they were
    (the 花名册 and 异地就学 rows are found by them)."""
    con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
    con.register("_pl_students", pd.DataFrame({"v": list(student_ids)}, dtype=object))
    con.register("_pl_ids", pd.DataFrame({"v": list(id_numbers)}, dtype=object))
    con.register("_pl_recipients", pd.DataFrame({"v": list(recipient_ids)}, dtype=object))
    try:
        for name in ("students", "ids", "recipients"):
            con.execute(f"CREATE OR REPLACE TEMP TABLE _rt_{name} AS SELECT v FROM _pl_{name}")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_cases AS SELECT case_id AS v FROM dropout_cases "
            "WHERE student_id IN (SELECT v FROM _rt_students) OR id_number IN (SELECT v FROM _rt_ids)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_interventions AS SELECT intervention_id AS v FROM interventions "
            "WHERE student_id IN (SELECT v FROM _rt_students)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rt_applications AS SELECT application_id AS v FROM aid_applications "
            "WHERE student_id IN (SELECT v FROM _rt_students) OR recipient_id IN (SELECT v FROM _rt_recipients)"
        )
        total = 0
        for t in TARGETS:
            nn = " + ".join(f'count("{c}")' for c in t.columns)
            total += int(con.execute(f'SELECT {nn} FROM "{t.table}" WHERE {_key_sql(t)}').fetchone()[0])
        return total
    finally:
        _drop_sets(con)
        for name in ("students", "ids", "recipients"):
            con.unregister(f"_pl_{name}")


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
