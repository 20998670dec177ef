"""资助覆盖汇总: who is owed which compulsory-school programme per term, counted per school.

The table ``aid_coverage_summary`` holds, per school year, term, programme and school (with the
school's township), the number of students owed that programme, split by whether a record of
the term paid them (``covered``) and by the latest due date of their records of the term
(``last_due``).  Coverage, pending and gap for any statistics day then come from the summary
by SQL: pending = not covered and ``last_due`` after the day (the definitions of
:func:`lib.aid.rules.eligibility`, :func:`lib.aid.rules.mark_covered` and
:func:`lib.aid.rules.coverage_by`; tests compare the two).

It is refreshed in the transaction of every write of its sources (``students``, ``schools``,
``townships``, ``aid_records``) through :mod:`lib.core.derived`; a write of one school's students
(a case edit) refreshes that school's rows only.  Terms kept: every term of ``aid_records`` and
the term of the store's data date; another term is counted on the fly by the same SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import duckdb
import pandas as pd

from lib.aid import rules as aid
from lib.core import config, derived, store, storemeta
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope, school_year_of, term_of

NAME = "aid_coverage_summary"
SOURCES = ("students", "schools", "townships", "aid_records")
_KEY = ["school_year", "term", "programme", "township_code", "school_code", "covered", "last_due"]


def _terms(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    day = storemeta.data_as_of(con)
    rows = con.execute("SELECT DISTINCT school_year, term FROM aid_records").fetchall()
    return sorted({(int(y), int(t)) for y, t in rows if y is not None and t is not None} | {_term(day)})


def _term(day: date) -> tuple[int, int]:
    return school_year_of(day), term_of(day)


def _select(terms: list[tuple[int, int]], schools: list[str] | None) -> tuple[str, list]:
    """SELECT of the summary rows of ``terms`` (of ``schools``; None = every school)."""
    values = ", ".join("(?, ?, ?)" for _ in terms)
    params: list = []
    for y, t in terms:  # the provincial aid is owed only in terms a standard is in force for
        params += [y, t, aid.provincial_term(y, t) is not None]
    rural_only = bool(config.SETTINGS["aid"].get("nutrition_rural_only", True))
    only = ""
    if schools is not None:
        only = f"AND sc.code IN ({', '.join('?' * len(schools))})" if schools else "AND FALSE"
    school_params = list(schools or [])
    sql = f"""
    WITH terms(school_year, term, provincial) AS (VALUES {values}),
    st AS (
        SELECT st.*, sc.township_code,
               {aid.rural_township_sql("t")} AS rural
        FROM students st JOIN schools sc ON sc.code = st.school_code
        LEFT JOIN townships t ON t.code = sc.township_code
        WHERE st.status IN {ENROLLED_SQL} {only}
    ),
    owed AS (
        SELECT y.school_year, y.term, ? AS programme, st.student_id, st.township_code, st.school_code
        FROM terms y, st WHERE {aid.priority_group_sql("st")}
        UNION ALL
        SELECT y.school_year, y.term, ?, st.student_id, st.township_code, st.school_code
        FROM terms y, st WHERE y.provincial AND st.poverty_category IN ('脱贫户', '监测对象')
        UNION ALL
        SELECT y.school_year, y.term, ?, st.student_id, st.township_code, st.school_code
        FROM terms y, st WHERE st.status = '在校' AND (coalesce(st.rural, TRUE) OR NOT ?)
    ),
    paid AS (
        SELECT student_id, programme, school_year, term,
               bool_or(coalesce(paid_amount, 0) > 0) AS covered, max(due_date) AS last_due
        FROM aid_records GROUP BY ALL
    )
    SELECT o.school_year, o.term, o.programme, o.township_code, o.school_code,
           coalesce(p.covered, FALSE) AS covered, p.last_due, count(*)::INTEGER AS students
    FROM owed o LEFT JOIN paid p USING (student_id, programme, school_year, term)
    GROUP BY ALL
    """
    return sql, [
        *params,
        *school_params,
        aid.LIVING_SUBSIDY,
        aid.PROVINCIAL,
        aid.NUTRITION,
        rural_only,
    ]


@derived.on_change(NAME, SOURCES)
def refresh(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str] = SOURCES, *, schools: Iterable[str] | None = None
) -> None:
    """Recompute the summary on ``con`` (the caller's transaction): every row, or those of
    ``schools`` when only those schools' students changed."""
    chosen = None if schools is None or set(tables) - {"students"} else sorted(set(schools))
    sql, params = _select(_terms(con), chosen)
    if chosen is None:
        con.execute(f"DELETE FROM {NAME}")
    elif chosen:
        con.execute(f"DELETE FROM {NAME} WHERE school_code IN ({', '.join('?' * len(chosen))})", chosen)
    con.execute(f"INSERT INTO {NAME} ({', '.join(_KEY)}, students) {sql}", params)


def ensure_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the summary if a source was written without refreshing it (a process that never
    loaded this module, a store built before it existed); True if rebuilt."""
    if not derived.stale(con, NAME):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        if derived.stale(con, NAME):  # another writer may have refreshed it meanwhile
            refresh(con)
            derived.mark_current(con, NAME)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


#: The groupings 学生资助 shows, finest last: :func:`coverage_sets` counts the last in the store
#: and sums it up to the others.
SETS: dict[str, list[str]] = {
    "programme": ["programme"],
    "township": ["programme", "township_code"],
    "school": ["programme", "township_code", "school_code"],
}


def coverage_sets(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, pd.DataFrame]:
    """:func:`coverage` by each grouping of :data:`SETS`, from one read of the store (the
    school rows; a programme's or township's counts are their schools' sums)."""
    finest = coverage(con, scope, SETS["school"])
    out = {"school": finest}
    for name, by in SETS.items():
        if name != "school":
            sums = (
                finest.groupby(by, sort=True, dropna=False)[["eligible", "covered", "pending"]]
                .sum()
                .reset_index()
            )
            out[name] = _rates(sums, by)
    return out


def _rates(out: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``out`` (``by``, eligible, covered, pending) with gap, coverage and listed."""
    cols_out = [*by, "eligible", "covered", "pending", "gap", "coverage", "listed"]
    if out.empty:
        return pd.DataFrame(columns=cols_out)
    for c in ("eligible", "covered", "pending"):
        out[c] = out[c].fillna(0).astype("int64")
    out["gap"] = out["eligible"] - out["covered"] - out["pending"]
    den = out["eligible"].where(out["eligible"] > 0)
    out["coverage"] = out["covered"] / den
    out["listed"] = (out["covered"] + out["pending"]) / den
    return out[cols_out].reset_index(drop=True)


def coverage(con: duckdb.DuckDBPyConnection, scope: Scope, by: list[str]) -> pd.DataFrame:
    """Eligible, covered, pending, gap and the rates by ``by`` (a subset of ``programme``,
    ``township_code``, ``school_code``) for the Scope's schools in its term, on its day: the
    frame :func:`lib.aid.rules.coverage_by` gives for the Scope's compulsory-school students."""
    try:
        ensure_current(con)
        current = True
    except duckdb.Error:  # another session rebuilds it at this moment: count on the fly this time
        current = False
    year, term = int(scope.school_year), int(scope.term)
    where, params = scope.school_where("sc")
    kept = current and (
        con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {NAME} WHERE school_year = ? AND term = ? LIMIT 1)",
            [year, term],
        ).fetchone()[0]
        or (year, term) in _terms(con)
    )
    if kept:
        source, sparams = f"SELECT * FROM {NAME} WHERE school_year = ? AND term = ?", [year, term]
    else:  # a term the summary does not keep: the same counts, on the fly
        source, sparams = _select([(year, term)], None)
    cols = ", ".join(f"s.{c}" for c in by)
    group = f"GROUP BY {cols}" if by else ""
    out = store.frame(
        con,
        f"""
        SELECT {cols + ", " if by else ""}
               sum(s.students)::BIGINT AS eligible,
               sum(s.students) FILTER (WHERE s.covered)::BIGINT AS covered,
               sum(s.students) FILTER (WHERE NOT s.covered AND s.last_due > ?)::BIGINT AS pending
        FROM ({source}) s JOIN schools sc ON sc.code = s.school_code
        WHERE {where} {group}
        ORDER BY {cols or 1}
        """,
        [scope.as_of, *sparams, *params],
    )
    if not by and len(out) and pd.isna(out.loc[0, "eligible"]):
        out = out.iloc[0:0]
    return _rates(out, by)
