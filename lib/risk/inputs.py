"""The store read behind the score: one row per enrolled student in Scope with every input."""

from __future__ import annotations

import duckdb
import pandas as pd

from lib.aid import rules as aid
from lib.core import places
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope


def risk_inputs(con: duckdb.DuckDBPyConnection, scope: Scope, *, window_days: int) -> pd.DataFrame:
    """Per enrolled student in Scope: the columns :func:`lib.risk.score.score_students` needs,
    plus the school's township (``code``), and ``unexcused_prior`` (unexcused
    days in the window before the recent one) and ``aid_gap`` (a priority-group student
    with no living subsidy paid this term by ``scope.as_of``).  The roll and the schools are read
    as they stood on ``scope.as_of`` (a past date scores the past)."""
    where, params = scope.school_where("sc")
    r = places.as_of(con, scope)
    prio = aid.priority_group_sql("st")
    return con.execute(
        f"""
        WITH days AS (
            SELECT day, row_number() OVER (ORDER BY day DESC) AS k FROM school_calendar
            WHERE is_school_day AND day <= ?::DATE
        ), recent AS (
            SELECT day FROM days WHERE k <= ?
        ), unexcused AS (
            SELECT a.student_id, count(*) AS n FROM absences a
            WHERE NOT a.excused AND a.day IN (SELECT day FROM recent) GROUP BY 1
        ), prior AS (
            -- the window before the recent one: the attendance trend
            SELECT a.student_id, count(*) AS n FROM absences a
            WHERE NOT a.excused AND a.day IN (SELECT day FROM days WHERE k > ? AND k <= 2 * ?) GROUP BY 1
        ), paid AS (
            SELECT DISTINCT student_id FROM aid_records
            WHERE programme = ? AND school_year = ? AND term = ? AND paid_amount > 0
              AND (paid_date IS NULL OR paid_date <= ?::DATE)  -- paid by that day (a date not given: paid)
        )
        SELECT st.student_id, sc.township_code AS code, st.school_code, st.grade, st.boarding,
               st.learning_difficulty, st.score_trend, st.disability, st.disabled_parent,
               st.poverty_category, st.left_behind, st.orphan, st.unsupported, st.prisoner_child,
               2 * 6371.0088 * asin(sqrt(
                   pow(sin(radians(sc.lat - v.lat) / 2), 2)
                   + cos(radians(v.lat)) * cos(radians(sc.lat)) * pow(sin(radians(sc.lon - v.lon) / 2), 2)
               )) AS home_km,
               coalesce(u.n, 0) AS unexcused_recent,
               coalesce(pr.n, 0) AS unexcused_prior,
               ({prio} AND pd.student_id IS NULL) AS aid_gap
        FROM {r["students"]} st
        JOIN {r["schools"]} sc ON sc.code = st.school_code
        LEFT JOIN villages v ON v.code = st.village_code
        LEFT JOIN unexcused u ON u.student_id = st.student_id
        LEFT JOIN prior pr ON pr.student_id = st.student_id
        LEFT JOIN paid pd ON pd.student_id = st.student_id
        WHERE st.status IN {ENROLLED_SQL} AND {where}
        """,
        [
            scope.as_of.isoformat(),
            window_days,
            window_days,
            window_days,
            aid.LIVING_SUBSIDY,
            scope.school_year,
            scope.term,
            scope.as_of.isoformat(),
            *params,
        ],
    ).df()
