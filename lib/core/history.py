"""The record of the past: every registered attribute of every student, per date.

A change log with validity intervals (``student_history``): a row holds a student's
tracked attributes from ``valid_from`` (inclusive) until ``valid_to`` (exclusive; NULL while
it is still true).  :func:`record_students` compares the live roll with the open rows and
closes/opens rows only for what changed (set-based, one statement each), so it is cheap to
call after every import, correction and rollover.  :func:`students_as_of` gives the roll as
it stood on a day: every figure at a past ``as_of``, the at-risk back-test and retention read
it, so that changing today's data never moves a past figure.

Identifying fields (ID number, 学籍号, name, guardian) are not copied: they stay in
``students`` (join on ``student_id``), where retention de-identifies them once.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

#: The attributes kept per date (everything of ``students`` that can change and is not an identifier).
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


def _changed(alias_a: str, alias_b: str) -> str:
    return " OR ".join(f"{alias_a}.{c} IS DISTINCT FROM {alias_b}.{c}" for c in TRACKED)


def record_students(con: duckdb.DuckDBPyConnection, day: date) -> int:
    """Bring the change log up to the live roll as of ``day``; returns how many students changed.

    A student whose attributes differ from their open row gets that row closed on ``day`` and a
    new one opened from ``day``; a student new to the roll gets a row from ``day``; a student gone
    from the table gets their open row closed.  Recording twice on one day replaces that day's
    row (the later import of the day wins).  Run inside the caller's transaction.
    """
    cols = ", ".join(TRACKED)
    iso = day.isoformat()
    # the same day again: drop today's rows and reopen what they closed, then record afresh
    con.execute(f"DELETE FROM {TABLE} WHERE valid_from = ?::DATE", [iso])
    con.execute(f"UPDATE {TABLE} SET valid_to = NULL WHERE valid_to = ?::DATE", [iso])
    changed = con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _history_changed AS
        SELECT s.student_id FROM students s
        LEFT JOIN {TABLE} h ON h.student_id = s.student_id AND h.valid_to IS NULL
        WHERE h.student_id IS NULL OR {_changed("s", "h")}
        """
    )
    del changed
    con.execute(
        f"""UPDATE {TABLE} SET valid_to = ?::DATE
        WHERE valid_to IS NULL AND valid_from < ?::DATE
          AND (student_id IN (SELECT student_id FROM _history_changed)
               OR student_id NOT IN (SELECT student_id FROM students))""",
        [iso, iso],
    )
    n = con.execute("SELECT count(*) FROM _history_changed").fetchone()[0]
    con.execute(
        f"""INSERT INTO {TABLE} (student_id, valid_from, valid_to, {cols})
        SELECT student_id, ?::DATE, NULL, {cols} FROM students
        WHERE student_id IN (SELECT student_id FROM _history_changed)""",
        [iso],
    )
    con.execute("DROP TABLE _history_changed")
    return int(n)


def has_history(con: duckdb.DuckDBPyConnection, day: date) -> bool:
    """Whether the log reaches back to ``day`` (some row was valid then)."""
    row = con.execute(f"SELECT min(valid_from) FROM {TABLE}").fetchone()
    return bool(row and row[0] is not None and row[0] <= day)


def students_as_of(con: duckdb.DuckDBPyConnection, day: date) -> pd.DataFrame:
    """The roll as it stood at the end of ``day``: ``student_id`` and every :data:`TRACKED`
    column, one row per student who was on record then (empty before the first record)."""
    cols = ", ".join(TRACKED)
    return con.execute(
        f"SELECT student_id, {cols} FROM {TABLE} "
        f"WHERE valid_from <= ?::DATE AND (valid_to IS NULL OR valid_to > ?::DATE) ORDER BY student_id",
        [day.isoformat(), day.isoformat()],
    ).df()


def attribute_on(con: duckdb.DuckDBPyConnection, day: date, column: str) -> pd.Series:
    """One tracked attribute of every student as it stood on ``day`` (indexed by ``student_id``)."""
    if column not in TRACKED:
        raise KeyError(f"{column} is not a tracked attribute")
    frame = students_as_of(con, day)
    return frame.set_index("student_id")[column]
