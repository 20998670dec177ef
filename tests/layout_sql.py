"""Layout figures of one township by plain SQL, written independently of lib.layout, for the
tests that check a township's (or a narrowed Scope's) figures: unit, AppTest."""

from __future__ import annotations

import duckdb


def pick_town(con) -> str:
    """A township with a 九年一贯制 school (its seats are split between the bands) and beds."""
    return con.execute(
        "SELECT township_code FROM schools GROUP BY 1 "
        "HAVING count(*) FILTER (WHERE level = '九年一贯制') > 0 AND sum(boarding_beds) > 0 "
        "ORDER BY 1 LIMIT 1"
    ).fetchone()[0]


def sql_figures(db, town: str) -> dict:
    """The township's primary figures by plain SQL: children by home village, its own schools."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        year = con.execute("SELECT max(year) FROM village_population WHERE year <= 2026").fetchone()[0]
        children = con.execute(
            "SELECT sum(p.persons) FROM village_population p JOIN villages v ON v.code = p.village_code "
            "WHERE v.township_code = ? AND p.year = ? AND p.age BETWEEN 6 AND 11",
            [town, year],
        ).fetchone()[0]
        rows = con.execute(
            """
            WITH pupils AS (
                SELECT school_code,
                       count(*) FILTER (WHERE grade <= 6) AS prim,
                       count(*) AS total
                FROM students WHERE status IN ('在校', '送教上门') GROUP BY 1)
            SELECT s.code, s.level, s.capacity, s.boarding_beds,
                   coalesce(p.prim, 0) AS prim, coalesce(p.total, 0) AS total
            FROM schools s LEFT JOIN pupils p ON p.school_code = s.code
            WHERE s.township_code = ? AND s.level IN ('小学', '九年一贯制', '教学点')
            """,
            [town],
        ).fetchall()
    finally:
        con.close()
    seats, over, small, beds = 0.0, 0, 0, 0
    for _code, level, cap, bed, prim, total in rows:
        share = (prim / total if total else 6 / 9) if level == "九年一贯制" else 1.0
        seats += cap * share
        over += prim > cap * share
        small += total < 100
        beds += bed
    return {
        "children": int(children),
        "schools": len(rows),
        "seats": int(round(seats)),
        "over_capacity": over,
        "small_schools": small,
        "boarding_beds": beds,
    }
