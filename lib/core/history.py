"""The record of the past: the roll, enrolment counts, population and schools, per date.

One change log with validity intervals per tracked table (:data:`LOGS`): a row holds a
record's tracked columns from ``valid_from`` (inclusive) until ``valid_to`` (exclusive; NULL
while it is still true).  :func:`record` compares the live tables with their open rows and
closes/opens rows only for what changed (set-based, a few statements per table), so it is
cheap to call after every import, correction, case decision and rollover.

Reading the past: :func:`relation` gives SQL for a table as it stood at the end of a day --
the live table's own name when nothing was recorded after that day, else a sub-query on the
log -- so a query written against ``students`` reads the past by swapping one name.  Every
figure at a past ``as_of`` reads through it (the overview, the briefing, the layout's
enrolment, the score's inputs); :func:`students_as_of` and :func:`attribute_on` give the
roll as frames (the at-risk back-test and retention read them), so changing today's data
never moves a past figure.

What is *not* here, and why: tables of events that carry their own dates (absences by day,
aid payments by ``paid_date``, dropout cases by their report/verify/return dates, transfers)
are read by those dates; a correction of such a row corrects the past on purpose.

Identifying fields of students (ID number, 学籍号, name, guardian, birth date, sex) are not
copied: they stay in ``students`` (joined on ``student_id``), where retention de-identifies
them once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from lib.core import schema, store

#: The attributes of a student kept per date (everything of ``students`` that can change and
#: is not an identifier).
TRACKED: tuple[str, ...] = (
    "grade",
    "class_no",
    "school_code",
    "village_code",
    "boarding",
    "placement",
    "status",
    "status_date",
    "learning_difficulty",
    "score_trend",
    "disability",
    "disability_level",
    "poverty_category",
    "left_behind",
    "orphan",
    "unsupported",
    "martyr_child",
    "prisoner_child",
    "disabled_parent",
    "leave_reason",
)
TABLE = "student_history"


@dataclass(frozen=True)
class Log:
    """A live table and its change log: the key that names a record and the columns kept per date."""

    table: str
    log: str
    key: tuple[str, ...]
    tracked: tuple[str, ...]


#: Every table whose past is kept, by live table name.
LOGS: dict[str, Log] = {
    "students": Log("students", TABLE, ("student_id",), TRACKED),
    "enrolment_counts": Log(
        "enrolment_counts", "enrolment_counts_history", ("school_year", "school_code", "grade"), ("students",)
    ),
    "village_population": Log(
        "village_population", "village_population_history", ("village_code", "year", "age"), ("persons",)
    ),
    "schools": Log(
        "schools",
        "school_history",
        ("code",),
        (
            "name",
            "level",
            "township_code",
            "village_code",
            "lon",
            "lat",
            "capacity",
            "classes",
            "boarding_beds",
            "teachers",
        ),
    ),
}


def _on(log: Log, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{k} = {b}.{k}" for k in log.key)


def _differs(log: Log, a: str, b: str) -> str:
    return " OR ".join(f"{a}.{c} IS DISTINCT FROM {b}.{c}" for c in log.tracked)


def last_change(con: duckdb.DuckDBPyConnection, table: str = "students") -> date | None:
    """The latest day on which the log of ``table`` recorded a change (None: nothing recorded)."""
    log = LOGS[table]
    # fetchall: a result left half-read blocks the connection's next register() (DuckDB 2)
    row = con.execute(f"SELECT greatest(max(valid_from), max(valid_to)) FROM {log.log}").fetchall()[0]
    return row[0] if row and row[0] is not None else None


def first_record(con: duckdb.DuckDBPyConnection, table: str = "students") -> date | None:
    """The first day the log of ``table`` knows anything about (None: nothing recorded)."""
    row = con.execute(f"SELECT min(valid_from) FROM {LOGS[table].log}").fetchall()[0]  # as last_change
    return row[0] if row and row[0] is not None else None


def _record_one(
    con: duckdb.DuckDBPyConnection, log: Log, day: date, only: tuple[str, ...] | None = None
) -> int:
    keys = ", ".join(log.key)
    cols = ", ".join(log.tracked)
    iso = day.isoformat()
    on_hs = _on(log, "h", "s")
    # only these records (by their one-column key) can have changed: compare just them
    pick = "" if only is None else f" AND s.{log.key[0]} IN ({', '.join('?' for _ in only)})"
    pick_h = "" if only is None else f" AND h.{log.key[0]} IN ({', '.join('?' for _ in only)})"
    args = list(only or ())

    def mark() -> None:
        # what differs from its open row (or has none), and open rows whose record is gone
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _hist_chg AS
            SELECT {", ".join(f"s.{k}" for k in log.key)} FROM {log.table} s
            LEFT JOIN {log.log} h ON {on_hs} AND h.valid_to IS NULL
            WHERE (h.{log.key[0]} IS NULL OR {_differs(log, "s", "h")}){pick}""",
            args,
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _hist_gone AS
            SELECT {", ".join(f"h.{k}" for k in log.key)} FROM {log.log} h
            WHERE h.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM {log.table} s WHERE {on_hs}){pick_h}""",
            args,
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _hist_touch AS SELECT * FROM _hist_chg UNION SELECT * FROM _hist_gone"
        )

    touched = f"EXISTS (SELECT 1 FROM _hist_touch x WHERE {_on(log, 'x', log.log)})"
    mark()
    # the same day again: a touched record's row opened today is dropped and the row it closed
    # today reopened, so that the day keeps one row per record (the later write of the day wins)
    opened_today = con.execute(
        f"SELECT count(*) FROM {log.log} WHERE valid_from = ?::DATE AND valid_to IS NULL AND {touched}", [iso]
    ).fetchone()[0]
    if opened_today:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _hist_redo AS SELECT {keys} FROM {log.log} "
            f"WHERE valid_from = ?::DATE AND valid_to IS NULL AND {touched}",
            [iso],
        )
        redo = f"EXISTS (SELECT 1 FROM _hist_redo x WHERE {_on(log, 'x', log.log)})"
        con.execute(
            f"DELETE FROM {log.log} WHERE valid_from = ?::DATE AND valid_to IS NULL AND {redo}", [iso]
        )
        con.execute(f"UPDATE {log.log} SET valid_to = NULL WHERE valid_to = ?::DATE AND {redo}", [iso])
        con.execute("DROP TABLE _hist_redo")
        mark()
    con.execute(f"UPDATE {log.log} SET valid_to = ?::DATE WHERE valid_to IS NULL AND {touched}", [iso])
    n = con.execute("SELECT count(*) FROM _hist_chg").fetchone()[0]
    con.execute(
        f"""INSERT INTO {log.log} ({keys}, valid_from, valid_to, {cols})
        SELECT {", ".join(f"s.{k}" for k in log.key)}, ?::DATE, NULL, {", ".join(f"s.{c}" for c in log.tracked)}
        FROM {log.table} s WHERE EXISTS (SELECT 1 FROM _hist_chg x WHERE {_on(log, "x", "s")})""",
        [iso],
    )
    for t in ("_hist_chg", "_hist_gone", "_hist_touch"):
        con.execute(f"DROP TABLE {t}")
    return int(n)


def record(
    con: duckdb.DuckDBPyConnection, day: date, *, tables: tuple[str, ...] | None = None
) -> dict[str, int]:
    """Bring the change logs up to the live tables as of ``day``; returns records changed per table.

    A record whose tracked columns differ from its open row gets that row closed on ``day`` and
    a new one opened from ``day``; a record new to the table gets a row from ``day``; a record
    gone from the table gets its open row closed.  Recording twice on one day keeps one row per
    record for that day (the later write wins).  The log never runs backwards: a ``day`` before
    the log's latest change is recorded on that latest day.  Run inside the caller's transaction.

    Parameters
    ----------
    tables
        Live table names (default: every table of :data:`LOGS`); a table whose past is not kept
        is skipped, so a writer may pass whatever table it wrote.
    """
    out = {}
    for name in tables or tuple(LOGS):
        if name not in LOGS:
            continue
        log = LOGS[name]
        latest = last_change(con, name)
        out[name] = _record_one(con, log, max(day, latest) if latest else day)
    return out


def record_students(con: duckdb.DuckDBPyConnection, day: date, *, only: list[str] | None = None) -> int:
    """Bring the students' change log up to the live roll as of ``day``; returns how many students
    changed (see :func:`record`; a student gone from the table has their row closed, not counted).

    ``only``: the 学生编号 the caller changed (a case decision changes one pupil): just those are
    compared, which is much cheaper than the whole roll."""
    if only is None:
        return record(con, day, tables=("students",))["students"]
    latest = last_change(con, "students")
    return _record_one(con, LOGS["students"], max(day, latest) if latest else day, tuple(only))


def has_history(con: duckdb.DuckDBPyConnection, day: date, table: str = "students") -> bool:
    """Whether the log reaches back to ``day`` (some row was valid then)."""
    first = first_record(con, table)
    return first is not None and first <= day


def _log_sql(log: Log, day: date) -> str:
    iso = day.isoformat()
    return (
        f"SELECT * FROM {log.log} WHERE valid_from <= DATE '{iso}' "
        f"AND (valid_to IS NULL OR valid_to > DATE '{iso}')"
    )


def relation(con: duckdb.DuckDBPyConnection, table: str, day: date) -> str:
    """SQL for ``table`` as it stood at the end of ``day``, to use in ``FROM {relation} alias``.

    The live table's own name when its log holds nothing after ``day`` (today's reads pay
    nothing) or holds nothing at all (a store that has never recorded); otherwise a
    parenthesised sub-query with every column of the table: the tracked ones from the log, the
    rest (a student's identifiers) from the live row.  Before the log's first record the
    relation is empty: the store knew nothing then.
    """
    log = LOGS[table]
    latest = last_change(con, table)
    if latest is None or day >= latest:
        return table
    names = schema.TABLES[table].names
    kept = set(log.key) | set(log.tracked)
    if kept >= set(names):
        return f"({_log_sql(log, day).replace('SELECT *', 'SELECT ' + ', '.join(names), 1)})"
    cols = ", ".join(f"h.{c}" if c in kept else f"l.{c}" for c in names)
    return f"(SELECT {cols} FROM ({_log_sql(log, day)}) h LEFT JOIN {table} l ON {_on(log, 'h', 'l')})"


def students_as_of_sql(day: date) -> tuple[str, list[str]]:
    """SQL (and its parameters) of :func:`students_as_of`, unordered: to use inside a query."""
    cols = ", ".join(TRACKED)
    return (
        f"SELECT student_id, {cols} FROM {TABLE} WHERE valid_from <= ?::DATE AND (valid_to IS NULL OR valid_to > ?::DATE)",
        [day.isoformat(), day.isoformat()],
    )


def students_as_of(con: duckdb.DuckDBPyConnection, day: date) -> pd.DataFrame:
    """The roll as it stood at the end of ``day``: ``student_id`` and every :data:`TRACKED`
    column, one row per student who was on record then (empty before the first record)."""
    sql, params = students_as_of_sql(day)
    return store.frame(con, sql + " ORDER BY student_id", params)


def attribute_on(con: duckdb.DuckDBPyConnection, day: date, column: str) -> pd.Series:
    """One tracked attribute of every student as it stood on ``day`` (indexed by ``student_id``)."""
    if column not in TRACKED:
        raise KeyError(f"{column} is not a tracked attribute")
    frame = students_as_of(con, day)
    return frame.set_index("student_id")[column]
