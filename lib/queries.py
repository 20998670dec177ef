"""Scoped reads: the SQL that turns the store into DataFrames for one Scope.

Every function takes an open connection and a :class:`lib.scope.Scope`; the
Scope's SQL fragments enforce what may be seen.  Domain modules combine the
frames these return; pages never see SQL.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from lib import aid, dropout, geo, schema
from lib.scope import Scope

_ENROLLED = "(" + ", ".join(f"'{s}'" for s in schema.ENROLLED_STATUS) + ")"


def townships(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Townships in Scope: code, name, kind, geometry (WKT), seat."""
    where, params = scope.township_where("t.code")
    return con.execute(
        f"SELECT t.code, t.name, t.kind, t.seat_lon, t.seat_lat, t.geometry FROM townships t "
        f"WHERE {where} ORDER BY t.code",
        params,
    ).df()


def county_geometry(con: duckdb.DuckDBPyConnection, scope: Scope) -> str | None:
    row = con.execute("SELECT geometry FROM counties WHERE code = ?", [scope.county]).fetchone()
    return row[0] if row else None


def schools_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    where, params = scope.school_where("sc")
    return con.execute(
        f"SELECT sc.township_code AS code, count(*) AS schools, "
        f"sum(CASE WHEN sc.level != '特殊教育' THEN sc.capacity ELSE 0 END) AS capacity "
        f"FROM schools sc WHERE {where} GROUP BY 1",
        params,
    ).df()


def enrolled_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Enrolled students (在校 + 送教上门), attributed to the school's township."""
    where, params = scope.school_where("sc")
    return con.execute(
        f"SELECT sc.township_code AS code, count(*) AS students FROM students st "
        f"JOIN schools sc ON sc.code = st.school_code "
        f"WHERE st.status IN {_ENROLLED} AND {where} GROUP BY 1",
        params,
    ).df()


def enrolment_history(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Students by school year, township and grade (enrolment_counts)."""
    where, params = scope.school_where("sc")
    return con.execute(
        f"SELECT ec.school_year, sc.township_code AS code, ec.grade, sum(ec.students) AS students "
        f"FROM enrolment_counts ec JOIN schools sc ON sc.code = ec.school_code "
        f"WHERE {where} GROUP BY 1, 2, 3",
        params,
    ).df()


def population_by_township(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, years: tuple[int, ...], ages: tuple[int, int]
) -> pd.DataFrame:
    """School-age population by home township and year (ages inclusive)."""
    where, params = scope.village_where("v")
    yrs = ", ".join(str(int(y)) for y in years)
    return con.execute(
        f"SELECT v.township_code AS code, p.year, sum(p.persons) AS population "
        f"FROM village_population p JOIN villages v ON v.code = p.village_code "
        f"WHERE {where} AND p.year IN ({yrs}) AND p.age BETWEEN ? AND ? GROUP BY 1, 2",
        [*params, ages[0], ages[1]],
    ).df()


def _case_where(scope: Scope) -> tuple[str, list]:
    vw, vp = scope.village_where("v")
    cond = f"c.village_code IN (SELECT v.code FROM villages v WHERE {vw})"
    if scope.schools is not None or scope.levels is not None:
        sw, sp = scope.school_where("sc")
        cond += f" AND c.school_code IN (SELECT sc.code FROM schools sc WHERE {sw})"
        vp = vp + sp
    return cond, vp


def cases_by_township(con: duckdb.DuckDBPyConnection, scope: Scope, *, day: date) -> pd.DataFrame:
    """Case counts by derived status on ``day``, attributed to the home township."""
    where, params = _case_where(scope)
    status = dropout.status_at_sql("c")
    return con.execute(
        f"SELECT v.township_code AS code, {status} AS status, count(*) AS cases "
        f"FROM dropout_cases c JOIN villages v ON v.code = c.village_code "
        f"WHERE {where} GROUP BY 1, 2 HAVING status IS NOT NULL",
        dropout.status_at_params(day) + params,
    ).df()


def cases_on_days(con: duckdb.DuckDBPyConnection, scope: Scope, days: list[date]) -> pd.DataFrame:
    """Case counts by derived status for each of ``days`` (one query per day)."""
    frames = []
    for d in days:
        f = cases_by_township(con, scope, day=d)
        frames.append(f.groupby("status", as_index=False)["cases"].sum().assign(day=d))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["status", "cases", "day"])


def aid_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Aid coverage and on-time-in-full inputs, attributed to the school's township."""
    where, params = scope.school_where("sc")
    prio = aid.priority_group_sql("st")
    ontime = aid.on_time_full_sql("a")
    cov = con.execute(
        f"SELECT sc.township_code AS code, count(*) AS aid_eligible, "
        f"count(*) FILTER (WHERE EXISTS (SELECT 1 FROM aid_records a WHERE a.student_id = st.student_id "
        f"AND a.programme = ? AND a.school_year = ? AND a.term = ? AND a.paid_amount > 0)) AS aid_covered "
        f"FROM students st JOIN schools sc ON sc.code = st.school_code "
        f"WHERE st.status IN {_ENROLLED} AND {prio} AND {where} GROUP BY 1",
        [aid.LIVING_SUBSIDY, scope.school_year, scope.term, *params],
    ).df()
    pay = con.execute(
        f"SELECT sc.township_code AS code, count(*) AS aid_due, "
        f"count(*) FILTER (WHERE {ontime} AND a.paid_date <= ?::DATE) AS aid_ontime "
        f"FROM aid_records a JOIN schools sc ON sc.code = a.school_code "
        f"WHERE a.school_year = ? AND a.due_date <= ?::DATE AND {where} GROUP BY 1",
        [scope.as_of.isoformat(), scope.school_year, scope.as_of.isoformat(), *params],
    ).df()
    return cov.merge(pay, on="code", how="outer")


def risk_inputs(con: duckdb.DuckDBPyConnection, scope: Scope, *, window_days: int) -> pd.DataFrame:
    """Per enrolled student in Scope: the columns :func:`lib.risk.score_students` needs,
    plus the school's township (``code``), and (issue 7) ``unexcused_prior`` (unexcused
    days in the window before the recent one) and ``aid_gap`` (a priority-group student
    with no living subsidy paid this term)."""
    where, params = scope.school_where("sc")
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
            -- the window before the recent one: the attendance trend (issue 7)
            SELECT a.student_id, count(*) AS n FROM absences a
            WHERE NOT a.excused AND a.day IN (SELECT day FROM days WHERE k > ? AND k <= 2 * ?) GROUP BY 1
        ), paid AS (
            SELECT DISTINCT student_id FROM aid_records
            WHERE programme = ? AND school_year = ? AND term = ? AND paid_amount > 0
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
        FROM students st
        JOIN schools sc ON sc.code = st.school_code
        LEFT JOIN villages v ON v.code = st.village_code
        LEFT JOIN unexcused u ON u.student_id = st.student_id
        LEFT JOIN prior pr ON pr.student_id = st.student_id
        LEFT JOIN paid pd ON pd.student_id = st.student_id
        WHERE st.status IN {_ENROLLED} AND {where}
        """,
        [scope.as_of.isoformat(), window_days, window_days, window_days, aid.LIVING_SUBSIDY, scope.school_year, scope.term, *params],
    ).df()


def township_geojson(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Simplified township polygons and the county outline as GeoJSON dicts (maps and the briefing)."""
    towns = townships(con, scope)
    county = county_geometry(con, scope)
    props = {r.code: {"code": r.code, "name": r.name, "kind": r.kind} for r in towns.itertuples()}
    shapes = geo.simplified_geojson(dict(zip(towns.code, towns.geometry, strict=True)), props)
    outline = (geo.simplified_geojson({"county": county}, {"county": {"code": "county"}}, tolerance_m=80)
               if county else None)
    return {"townships": shapes, "county": outline}
