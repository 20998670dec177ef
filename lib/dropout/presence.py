"""Is a child in school?  The 巩固 checks and the reopening of a case ask this of the store.

A child is *present* when the register says enrolled (在校, 送教上门) and they are not in a run of
consecutive unexcused absence as long as the suspected-dropout threshold
(:func:`lib.dropout.rules.is_present`).  The run is counted in school days of the calendar
(gaps and islands in one query, as the at-risk score counts them).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from lib.core import store
from lib.dropout import rules as dropout


def presence(con: duckdb.DuckDBPyConnection, student_ids: list[str], *, as_of: date) -> pd.DataFrame:
    """Per student: ``student_status``, ``current_run`` (unexcused school days in a row up to
    ``as_of``) and ``present`` (:func:`lib.dropout.rules.is_present`).  Unknown students are absent
    from the result."""
    cols = ["student_id", "student_status", "current_run", "present"]
    ids = [s for s in dict.fromkeys(student_ids) if isinstance(s, str)]
    if not ids:
        return pd.DataFrame(columns=cols)
    df = store.frame(
        con,
        """
            WITH ids AS (SELECT unnest(?::VARCHAR[]) AS student_id), days AS (
                SELECT day, row_number() OVER (ORDER BY day DESC) AS k FROM school_calendar
                WHERE is_school_day AND day <= ?::DATE
            ), ab AS (
                SELECT a.student_id, d.k FROM absences a JOIN days d ON d.day = a.day
                WHERE NOT a.excused AND d.k <= 120 AND a.student_id IN (SELECT student_id FROM ids)
            ), runs AS (
                SELECT student_id, count(*) FILTER (WHERE k = rn) AS cur FROM (
                    SELECT student_id, k, row_number() OVER (PARTITION BY student_id ORDER BY k) AS rn FROM ab
                ) GROUP BY 1
            )
            SELECT i.student_id, st.status AS student_status, coalesce(r.cur, 0) AS current_run
            FROM ids i LEFT JOIN students st ON st.student_id = i.student_id
            LEFT JOIN runs r ON r.student_id = i.student_id
            ORDER BY i.student_id
            """,
        [ids, as_of.isoformat()],
    )
    df["present"] = [
        dropout.is_present(s, r) for s, r in zip(df["student_status"], df["current_run"], strict=True)
    ]
    return df[cols]


def is_present_now(con: duckdb.DuckDBPyConnection, student_id: str | None, *, as_of: date) -> bool | None:
    """One child's :func:`presence` (None for a child with no student record)."""
    if not student_id:
        return None
    df = presence(con, [student_id], as_of=as_of)
    return bool(df["present"].iloc[0]) if len(df) else None


def child_present(student_id: str | None, *, as_of: date) -> bool | None:
    """:func:`is_present_now` in its own short connection (for a page)."""
    from lib.core import store  # the page's own unit of work; the functions above take a connection

    with store.connect() as con:
        return is_present_now(con, student_id, as_of=as_of)
