"""Shared reads of places: townships, the county outline, schools and enrolment by township.

Every domain reads these the same way (one home for each read); every function takes an
open connection and a :class:`lib.core.scope.Scope`, whose SQL fragments enforce what may be
seen.  Schools, the roll, enrolment counts and population are read as they stood on
``scope.as_of`` (:func:`lib.core.history.relation`): a past date reads the past.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lib.core import geo, history, schema, store
from lib.core.scope import Scope

#: SQL list of the statuses that count as enrolled (在校, 送教上门): ``st.status IN {ENROLLED_SQL}``.
ENROLLED_SQL = "(" + ", ".join(f"'{s}'" for s in schema.ENROLLED_STATUS) + ")"


def townships(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Townships in Scope: code, name, kind, geometry (WKT), seat."""
    where, params = scope.township_where("t.code")
    return store.frame(
        con,
        f"SELECT t.code, t.name, t.kind, t.seat_lon, t.seat_lat, t.geometry FROM townships t "
        f"WHERE {where} ORDER BY t.code",
        params,
    )


def county_geometry(con: duckdb.DuckDBPyConnection, scope: Scope) -> str | None:
    row = con.execute("SELECT geometry FROM counties WHERE code = ?", [scope.county]).fetchone()
    return row[0] if row else None


def as_of(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, str]:
    """SQL relations of the tracked tables as they stood on ``scope.as_of`` (``FROM {r['students']} st``)."""
    return {name: history.relation(con, name, scope.as_of) for name in history.LOGS}


def schools_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Schools and their places (special schools' not counted) by township, as on ``scope.as_of``."""
    where, params = scope.school_where("sc")
    schools = history.relation(con, "schools", scope.as_of)
    return store.frame(
        con,
        f"SELECT sc.township_code AS code, count(*) AS schools, "
        f"sum(CASE WHEN sc.level != '特殊教育' THEN sc.capacity ELSE 0 END) AS capacity "
        f"FROM {schools} sc WHERE {where} GROUP BY 1",
        params,
    )


def enrolled_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Enrolled students (在校 + 送教上门) on ``scope.as_of``, attributed to the school's township."""
    where, params = scope.school_where("sc")
    r = as_of(con, scope)
    return store.frame(
        con,
        f"SELECT sc.township_code AS code, count(*) AS students FROM {r['students']} st "
        f"JOIN {r['schools']} sc ON sc.code = st.school_code "
        f"WHERE st.status IN {ENROLLED_SQL} AND {where} GROUP BY 1",
        params,
    )


def enrolment_history(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Students by school year, township and grade (enrolment_counts, as known on ``scope.as_of``)."""
    where, params = scope.school_where("sc")
    r = as_of(con, scope)
    return store.frame(
        con,
        f"SELECT ec.school_year, sc.township_code AS code, ec.grade, sum(ec.students) AS students "
        f"FROM {r['enrolment_counts']} ec JOIN {r['schools']} sc ON sc.code = ec.school_code "
        f"WHERE {where} GROUP BY 1, 2, 3",
        params,
    )


def population_by_township(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, years: tuple[int, ...], ages: tuple[int, int]
) -> pd.DataFrame:
    """School-age population by home township and year (ages inclusive), as known on ``scope.as_of``."""
    where, params = scope.village_where("v")
    yrs = ", ".join(str(int(y)) for y in years)
    pop = history.relation(con, "village_population", scope.as_of)
    return store.frame(
        con,
        f"SELECT v.township_code AS code, p.year, sum(p.persons) AS population "
        f"FROM {pop} p JOIN villages v ON v.code = p.village_code "
        f"WHERE {where} AND p.year IN ({yrs}) AND p.age BETWEEN ? AND ? GROUP BY 1, 2",
        [*params, ages[0], ages[1]],
    )


def township_geojson(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """Simplified township polygons and the county outline as GeoJSON dicts (maps and the briefing)."""
    towns = townships(con, scope)
    county = county_geometry(con, scope)
    props = {r.code: {"code": r.code, "name": r.name, "kind": r.kind} for r in towns.itertuples()}
    shapes = geo.simplified_geojson(dict(zip(towns.code, towns.geometry, strict=True)), props)
    outline = (
        geo.simplified_geojson({"county": county}, {"county": {"code": "county"}}, tolerance_m=80)
        if county
        else None
    )
    return {"townships": shapes, "county": outline}
