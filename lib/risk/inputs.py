"""The store read behind the score: one row per enrolled student in Scope with every input, on a day.

One set-based query (no per-student loop) computes, for the day scored:

* absence: unexcused days in the last ``absence_window_days`` and ``absence_term_days``
  school days, the longest run of consecutive unexcused school days in the longer window
  and the run still going on the day (gaps and islands over the calendar's school-day index);
* the roll's registered attributes, from a *roll* relation: the live ``students`` table for
  today's list, or the roll as it stood on a past day (:func:`lib.core.history.students_as_of`)
  for the back-test, so that a fold reads nothing recorded after its cut-off;
* a year earlier (:func:`previous_roll`): grade and school, for 留级 and 转学;
* dropout cases reported by the day (open or returned), the living subsidy paid by the day,
  and age on 1 September (for 超龄).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from lib.aid import rules as aid
from lib.core import history, schema, store
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope
from lib.dropout import rules as dropout

#: Roll columns the query reads (all in :data:`lib.core.history.TRACKED`, plus ``student_id``).
ROLL_COLUMNS = (
    "student_id",
    "grade",
    "school_code",
    "village_code",
    "boarding",
    "status",
    "learning_difficulty",
    "score_trend",
    "disability",
    "disabled_parent",
    "poverty_category",
    "left_behind",
    "orphan",
    "unsupported",
    "prisoner_child",
    "martyr_child",
)


def term_on(con: duckdb.DuckDBPyConnection, day: date) -> tuple[int, int] | None:
    """(school year, term) of the last school day on or before ``day``; None before the calendar."""
    row = con.execute(
        "SELECT school_year, term FROM school_calendar WHERE is_school_day AND day <= ?::DATE "
        "ORDER BY day DESC LIMIT 1",
        [day.isoformat()],
    ).fetchall()
    return (int(row[0][0]), int(row[0][1])) if row else None


def previous_roll(con: duckdb.DuckDBPyConnection, day: date) -> tuple[str, list[Any]]:
    """SQL (and its parameters) for the grade and school of every student one year before
    ``day``: from the change log when it reaches back that far, else from the term snapshot
    (``enrolments``) a year earlier; no row when neither exists.  Columns ``student_id``,
    ``prev_grade``, ``prev_school``.  A relation, not a frame: the 91k rows stay in the store."""
    then = day - timedelta(days=365)
    if history.has_history(con, then):
        sql, params = history.students_as_of_sql(then)
        return f"SELECT student_id, grade AS prev_grade, school_code AS prev_school FROM ({sql})", params
    term = term_on(con, then)
    if term is None:
        return (
            "SELECT NULL::VARCHAR AS student_id, NULL::INTEGER AS prev_grade, NULL::VARCHAR AS prev_school "
            "WHERE FALSE",
            [],
        )
    return (
        "SELECT student_id, grade AS prev_grade, school_code AS prev_school FROM enrolments "
        "WHERE school_year = ? AND term = ?",
        list(term),
    )


def inputs_on(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    day: date,
    settings: dict[str, Any],
    *,
    roll: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every input of :func:`lib.risk.score.score_students` for the students enrolled on ``day``.

    Parameters
    ----------
    day
        The day scored: only absences, cases and payments dated on or before it are read.
    roll
        The roll on ``day`` (``student_id`` and :data:`ROLL_COLUMNS`); None = the live
        ``students`` table (today's list).

    Returns
    -------
    DataFrame
        One row per enrolled student in Scope, ordered by ``student_id``: the score's inputs,
        ``code`` (the school's township), ``school_code``, ``sex`` and ``village_code``.
    """
    r = settings["risk"]
    window, term_days = int(r["absence_window_days"]), int(r.get("absence_term_days", 60))
    term = term_on(con, day) or (scope.school_year, scope.term)
    prev_sql, prev_params = previous_roll(con, day)
    registered: list[str] = []
    if roll is not None:
        con.register("_risk_roll", roll[list(ROLL_COLUMNS)])
        registered.append("_risk_roll")
        roll_sql = "_risk_roll"
        person, by = "LEFT JOIN students s0 ON s0.student_id = st.student_id", "s0"  # sex, birth date
    else:  # the roll as it stood on ``day`` (the live table when nothing changed since), with every column
        cols = ", ".join((*ROLL_COLUMNS, "sex", "birth_date"))
        roll_sql = f"(SELECT {cols} FROM {history.relation(con, 'students', day)})"
        person, by = "", "st"
    where, params = scope.school_where("sc")
    cw, cp = scope.class_where("st")  # a class teacher's Scope: their pupils only
    where, params = f"{where} AND {cw}", params + cp
    schools = history.relation(con, "schools", day)  # the schools as they stood on ``day``
    prio = aid.priority_group_sql("st")
    iso = day.isoformat()
    sept1 = date(term[0], 9, 1).isoformat()
    try:
        return store.frame(
            con,
            f"""
            WITH prev AS ({prev_sql}), days AS (
                SELECT day, row_number() OVER (ORDER BY day DESC) AS k FROM school_calendar
                WHERE is_school_day AND day <= ?::DATE
            ), roll AS (
                SELECT st.* FROM {roll_sql} st JOIN {schools} sc ON sc.code = st.school_code
                WHERE st.status IN {ENROLLED_SQL} AND {where}
            ), ab AS (
                SELECT a.student_id, d.k FROM absences a JOIN days d ON d.day = a.day
                WHERE NOT a.excused AND d.k <= ? AND a.student_id IN (SELECT student_id FROM roll)
            ), agg AS (
                SELECT student_id, count(*) FILTER (WHERE k <= ?) AS recent, count(*) AS term_n FROM ab GROUP BY 1
            ), islands AS (
                SELECT student_id, count(*) AS n, min(k) AS first_k FROM (
                    SELECT student_id, k, k - row_number() OVER (PARTITION BY student_id ORDER BY k) AS grp FROM ab
                ) GROUP BY student_id, grp
            ), runs AS (
                SELECT student_id, max(n) AS longest, coalesce(max(n) FILTER (WHERE first_k = 1), 0) AS cur
                FROM islands GROUP BY 1
            ), cases AS (
                SELECT c.student_id,
                       count(*) FILTER (WHERE c.returned_on <= ?::DATE) AS prior,
                       bool_or(({dropout.status_at_sql("c")}) IN ('疑似辍学', '辍学')) AS open_case
                FROM dropout_cases c
                WHERE c.student_id IS NOT NULL AND c.reported_on <= ?::DATE
                  AND NOT (c.status = '误报' AND c.closed_on <= ?::DATE)
                GROUP BY 1
            ), paid AS (
                SELECT DISTINCT student_id FROM aid_records
                WHERE programme = ? AND school_year = ? AND term = ? AND paid_amount > 0 AND paid_date <= ?::DATE
            )
            SELECT st.student_id, sc.township_code AS code, st.school_code, st.village_code, st.grade,
                   {term[1]} AS term, {by}.sex, st.boarding,
                   st.learning_difficulty, st.score_trend, st.disability, st.disabled_parent,
                   st.poverty_category, st.left_behind, st.orphan, st.unsupported, st.prisoner_child,
                   2 * 6371.0088 * asin(sqrt(
                       pow(sin(radians(sc.lat - v.lat) / 2), 2)
                       + cos(radians(v.lat)) * cos(radians(sc.lat)) * pow(sin(radians(sc.lon - v.lon) / 2), 2)
                   )) AS home_km,
                   coalesce(g.recent, 0) AS unexcused_recent, coalesce(g.term_n, 0) AS unexcused_term,
                   coalesce(ru.longest, 0) AS longest_run, coalesce(ru.cur, 0) AS current_run,
                   (year(?::DATE) - year({by}.birth_date)
                     - CASE WHEN month({by}.birth_date) > 9 OR (month({by}.birth_date) = 9 AND day({by}.birth_date) > 1)
                            THEN 1 ELSE 0 END) - (st.grade + {schema.GRADE_AGE_OFFSET}) AS age_excess,
                   coalesce(p.prev_grade = st.grade, FALSE) AS repeating,
                   coalesce(p.prev_school IS NOT NULL AND p.prev_school <> st.school_code
                            AND NOT (st.grade = 7 AND p.prev_grade = 6)
                            AND NOT (ps.level = '教学点' AND st.grade >= 4), FALSE) AS school_moved,
                   coalesce(c.prior, 0) AS prior_cases, coalesce(c.open_case, FALSE) AS open_case,
                   ({prio} AND pd.student_id IS NULL) AS aid_gap
            FROM roll st
            JOIN {schools} sc ON sc.code = st.school_code
            {person}
            LEFT JOIN villages v ON v.code = st.village_code
            LEFT JOIN agg g ON g.student_id = st.student_id
            LEFT JOIN runs ru ON ru.student_id = st.student_id
            LEFT JOIN prev p ON p.student_id = st.student_id
            LEFT JOIN schools ps ON ps.code = p.prev_school
            LEFT JOIN cases c ON c.student_id = st.student_id
            LEFT JOIN paid pd ON pd.student_id = st.student_id
            ORDER BY st.student_id
            """,
            [
                *prev_params,
                iso,
                *params,
                term_days,
                window,
                iso,
                *dropout.status_at_params(day),
                iso,
                iso,
                aid.LIVING_SUBSIDY,
                term[0],
                term[1],
                iso,
                sept1,
            ],
        )
    finally:
        for name in registered:
            con.unregister(name)


def risk_inputs(con: duckdb.DuckDBPyConnection, scope: Scope, *, settings: dict[str, Any]) -> pd.DataFrame:
    """Today's inputs: the live roll on ``scope.as_of``."""
    return inputs_on(con, scope, scope.as_of, settings)
