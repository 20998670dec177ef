"""控辍保学: scoped reads from the store (SQL in, DataFrames out).

Every function takes an open connection and a :class:`lib.core.scope.Scope`.
Cases are attributed to the child's **home village's township** (docs/scope.md);
when the Scope also restricts schools or levels, only cases of those schools
are seen (a child who is not enrolled has no school, so none of those).
Frames returned here hold personal columns unmasked: callers mask them
(:func:`lib.core.ids.mask_frame`) before anything reaches a browser or a file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from lib.core import ids, permissions, schema, store, storemeta
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope
from lib.dropout import rules as dropout

#: ``imports.status`` of an import that stands (lib.ingest.commit.COMMITTED; dropout does not import ingest)
COMMITTED_IMPORT = "已导入"


def case_where(scope: Scope, alias: str = "c") -> tuple[str, list[Any]]:
    """WHERE clause selecting the cases in Scope (table ``dropout_cases AS alias``)."""
    vw, vp = scope.village_where("_cv")
    cond = f"{alias}.village_code IN (SELECT _cv.code FROM villages _cv WHERE {vw})"
    params = list(vp)
    if scope.schools is not None or scope.levels is not None:
        sw, sp = scope.school_where("_cs")
        cond += f" AND {alias}.school_code IN (SELECT _cs.code FROM schools _cs WHERE {sw})"
        params += sp
    if scope.classes is not None:  # a class teacher: only the cases of their own pupils
        stw, stp = scope.student_where("_cst")
        cond += f" AND {alias}.student_id IN (SELECT _cst.student_id FROM students _cst WHERE {stw})"
        params += stp
    return cond, params


_CASE_SELECT = """
SELECT c.*, v.township_code, t.name AS township_name, v.name AS village_name,
       sc.name AS school_name, sc.level AS school_level, sc.township_code AS school_township,
       st.sex, st.status AS student_status, st.guardian_name, st.guardian_phone, st.birth_date
FROM dropout_cases c
LEFT JOIN villages v ON v.code = c.village_code
LEFT JOIN townships t ON t.code = v.township_code
LEFT JOIN schools sc ON sc.code = c.school_code
LEFT JOIN students st ON st.student_id = c.student_id
"""


def _with_sex(df: pd.DataFrame) -> pd.DataFrame:
    """Fill ``sex`` from the ID number for children who are not students."""
    if df.empty:
        return df
    missing = df["sex"].isna() & ids.valid_ids(df["id_number"])
    if missing.any():
        df.loc[missing, "sex"] = df.loc[missing, "id_number"].map(ids.sex_from_id)
    return df


def cases(con: duckdb.DuckDBPyConnection, scope: Scope, *, case_ids: list[str] | None = None) -> pd.DataFrame:
    """Every case in Scope (or the given ones, if in Scope) with its place names.

    Returns
    -------
    DataFrame
        The ``dropout_cases`` columns plus ``township_code``, ``township_name``,
        ``village_name``, ``school_name``, ``school_level``, ``sex``,
        ``student_status``, ``guardian_name``, ``guardian_phone``, ``birth_date``.
    """
    where, params = case_where(scope)
    if case_ids is not None:
        if not case_ids:
            where += " AND FALSE"
        else:
            where += f" AND c.case_id IN ({', '.join('?' * len(case_ids))})"
            params = params + list(case_ids)
    df = store.frame(con, f"{_CASE_SELECT} WHERE {where} ORDER BY c.reported_on, c.case_id", params)
    for col in ("reported_on", "verified_on", "returned_on", "closed_on", "next_followup_on", "birth_date"):
        df[col] = pd.to_datetime(df[col]).dt.date
    return _with_sex(df)


def one_case(con: duckdb.DuckDBPyConnection, scope: Scope, case_id: str) -> dict[str, Any] | None:
    """One case as a dict (None when it does not exist or is outside the Scope)."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    df = cases(con, scope, case_ids=[case_id])
    if df.empty:
        return None
    return {k: (None if _isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _related(
    con: duckdb.DuckDBPyConnection, scope: Scope, table: str, order: str, case_ids: list[str] | None
) -> pd.DataFrame:
    where, params = case_where(scope)
    extra = ""
    if case_ids is not None:
        extra = f" AND r.case_id IN ({', '.join('?' * len(case_ids))})" if case_ids else " AND FALSE"
        params = params + list(case_ids)
    return store.frame(
        con,
        f"SELECT r.* FROM {table} r JOIN dropout_cases c ON c.case_id = r.case_id "
        f"WHERE {where}{extra} ORDER BY {order}",
        params,
    )


def responsibles(
    con: duckdb.DuckDBPyConnection, scope: Scope, case_ids: list[str] | None = None
) -> pd.DataFrame:
    """The 六长 of cases in Scope: ``case_id``, ``role``, ``name``, ``phone``."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    return _related(con, scope, "case_responsibles", "r.case_id, r.role", case_ids)


def actions(con: duckdb.DuckDBPyConnection, scope: Scope, case_ids: list[str] | None = None) -> pd.DataFrame:
    """Action log of cases in Scope, oldest first."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    df = _related(con, scope, "case_actions", "r.case_id, r.acted_on, r.action_id", case_ids)
    df["acted_on"] = pd.to_datetime(df["acted_on"]).dt.date
    return df


def notices(con: duckdb.DuckDBPyConnection, scope: Scope, case_ids: list[str] | None = None) -> pd.DataFrame:
    """Notices issued for cases in Scope."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    df = _related(con, scope, "notices", "r.case_id, r.issued_on, r.notice_id", case_ids)
    for col in ("issued_on", "deadline_on"):
        df[col] = pd.to_datetime(df[col]).dt.date
    return df


def status_log(
    con: duckdb.DuckDBPyConnection, scope: Scope, case_ids: list[str] | None = None
) -> pd.DataFrame:
    """Status changes of cases in Scope (made in the app; the demo's history is in the dates)."""
    df = _related(con, scope, "case_status_log", "r.case_id, r.changed_on", case_ids)
    df["changed_on"] = pd.to_datetime(df["changed_on"]).dt.date
    return df


# ------------------------------------------------------------------ detection
def school_days(con: duckdb.DuckDBPyConnection, *, until: date, since: date | None = None) -> list[date]:
    """School days of the calendar up to ``until`` (and from ``since``)."""
    since = since or until - timedelta(days=400)
    rows = con.execute(
        "SELECT day FROM school_calendar WHERE is_school_day AND day BETWEEN ?::DATE AND ?::DATE ORDER BY day",
        [since.isoformat(), until.isoformat()],
    ).fetchall()
    return [r[0] for r in rows]


def reported_through(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Each school in Scope that has enrolled pupils, with the last day its absences are known
    for (``through``; NaT when it never reported).

    A school's absences are known up to the date its last absences upload describes: the
    import's ``as_of`` (``import absences --as-of D``; a day in the file later than that
    counts instead).  Absence rows that no import wrote (the demo's generator, a bulk load)
    are taken as complete up to the store's data date for every school.
    """
    where, params = scope.school_where("sc")
    data_day = storemeta.data_as_of(con)
    return store.frame(
        con,
        f"""
        WITH imp AS (
            SELECT split_part(k.row_key, chr(31), 1) AS student_id,
                   TRY_CAST(split_part(k.row_key, chr(31), 2) AS DATE) AS day, i.as_of
            FROM import_keys k JOIN imports i ON i.import_id = k.import_id
            WHERE i.kind = 'absences' AND i.status = ?),
        by_school AS (
            SELECT st.school_code, max(greatest(imp.as_of, imp.day)) AS through
            FROM imp JOIN students st ON st.student_id = imp.student_id GROUP BY 1),
        bulk AS (
            SELECT EXISTS (SELECT 1 FROM absences a ANTI JOIN imp ON imp.student_id = a.student_id
                           AND imp.day = a.day) AS any_rows)
        SELECT sc.code AS school_code, sc.name AS school_name, sc.township_code, t.name AS township_name,
               CASE WHEN (SELECT any_rows FROM bulk) THEN greatest(b.through, ?::DATE) ELSE b.through END AS through
        FROM schools sc LEFT JOIN by_school b ON b.school_code = sc.code
        LEFT JOIN townships t ON t.code = sc.township_code
        WHERE {where} AND EXISTS (SELECT 1 FROM students st WHERE st.school_code = sc.code
                                  AND st.status IN {ENROLLED_SQL})
        ORDER BY sc.township_code, sc.code
        """,
        [COMMITTED_IMPORT, data_day.isoformat(), *params],
    )


def unreported(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Schools in Scope whose absences have not been reported for the last N school days
    (:func:`lib.dropout.rules.unreported_schools`): ``school_code``, ``school_name``,
    ``township_name``, ``through``, ``missing_days``, ``never``.  No child is named."""
    since = scope.as_of - timedelta(days=400)
    days = school_days(con, until=scope.as_of, since=since)
    reported = reported_through(con, scope)
    reported["through"] = pd.to_datetime(reported["through"]).dt.date
    return dropout.unreported_schools(reported, days, as_of=scope.as_of)


def absence_runs(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """:func:`lib.dropout.rules.absence_runs` of the enrolled students in Scope, counted in the
    store (:func:`lib.dropout.rules.runs_sql`): their unexcused absences of the last 400 days,
    each judged up to the last day their school's absences are known for."""
    sw, sp = scope.student_where("st")
    since, until = (scope.as_of - timedelta(days=400)).isoformat(), scope.as_of.isoformat()
    # the pupils' schools may lie outside a township Scope (children living there): all schools.
    # Read first (218 rows at district scale), not as a CTE of this query: DuckDB 2.0.1 joined
    # that CTE to none of the absences once they were filtered by the Scope's OR of two
    # subqueries (tests/unit/test_dropout_runs_store.py finds no run at all in that form)
    reported = reported_through(con, replace(scope, townships=None, schools=None, levels=None))
    con.register("_reported", reported[["school_code", "through"]])
    try:
        runs = store.frame(
            con,
            f"""WITH ab AS (
                SELECT a.student_id, a.day, a.excused, st.school_code FROM absences a
                JOIN students st ON st.student_id = a.student_id
                WHERE NOT a.excused AND a.day BETWEEN ?::DATE AND ?::DATE AND st.status IN {ENROLLED_SQL}
                  AND {sw}),
            sd AS (SELECT day FROM school_calendar WHERE is_school_day AND day BETWEEN ?::DATE AND ?::DATE)
            SELECT * FROM ({dropout.runs_sql("ab", "sd", "_reported")}) ORDER BY days DESC, student_id""",
            [since, until, *sp, since, until],
        )
    finally:
        con.unregister("_reported")
    return dropout.runs_frame(runs)


def _handled(con: duckdb.DuckDBPyConnection, student_ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cases (``student_id``, ``status``, ``reported_on``) and detection decisions
    (``student_id``, ``run_start``, ``decision``) of ``student_ids``: what
    :func:`lib.dropout.rules.proposals` weighs a run against."""
    con.register("_ids", pd.DataFrame({"student_id": pd.Series(student_ids, dtype=object)}))
    try:
        case_rows = store.frame(
            con,
            "SELECT student_id, status, reported_on FROM dropout_cases WHERE student_id IN "
            "(SELECT student_id FROM _ids)",
        )
        decisions = store.frame(
            con,
            "SELECT student_id, run_start, decision FROM detection_decisions WHERE student_id IN "
            "(SELECT student_id FROM _ids)",
        )
    finally:
        con.unregister("_ids")
    case_rows["reported_on"] = pd.to_datetime(case_rows["reported_on"]).dt.date
    decisions["run_start"] = pd.to_datetime(decisions["run_start"]).dt.date
    return case_rows, decisions


def students(con: duckdb.DuckDBPyConnection, scope: Scope, student_ids: list[str]) -> pd.DataFrame:
    """Students in Scope among ``student_ids``, with school, village and township names."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    sw, sp = scope.student_where("st")
    if not student_ids:
        student_ids = ["\x00"]
    return store.frame(
        con,
        f"SELECT st.*, sc.name AS school_name, sc.township_code AS school_township, v.name AS village_name, "
        f"v.township_code, t.name AS township_name FROM students st "
        f"LEFT JOIN schools sc ON sc.code = st.school_code LEFT JOIN villages v ON v.code = st.village_code "
        f"LEFT JOIN townships t ON t.code = v.township_code "
        f"WHERE st.student_id IN ({', '.join('?' * len(student_ids))}) AND {sw} ORDER BY st.student_id",
        [*student_ids, *sp],
    )


# ------------------------------------------------------------------ contacts and 六长
def contacts(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Contacts of the county, and of the townships, villages and schools in Scope,
    with the place's name: ``role``, ``place_code``, ``place_name``, ``name``, ``phone``."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    tw, tp = scope.township_where("t.code")
    vw, vp = scope.village_where("v")
    sw, sp = scope.school_where("sc")
    return store.frame(
        con,
        f"""
        SELECT k.role, k.place_code, coalesce(co.name, t.name, v.name, sc.name) AS place_name, k.name, k.phone
        FROM contacts k
        LEFT JOIN counties co ON co.code = k.place_code
        LEFT JOIN townships t ON t.code = k.place_code AND {tw}
        LEFT JOIN villages v ON v.code = k.place_code AND {vw}
        LEFT JOIN schools sc ON sc.code = k.place_code AND {sw}
        WHERE k.place_code = ? OR t.code IS NOT NULL OR v.code IS NOT NULL OR sc.code IS NOT NULL
        ORDER BY CASE k.role WHEN '教体局局长' THEN 0 WHEN '镇长' THEN 1 WHEN '村长' THEN 2 WHEN '校长' THEN 3
                 ELSE 4 END, k.place_code
        """,
        [*tp, *vp, *sp, scope.county],
    )


def default_chiefs(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str,
    village_code: str | None,
    school_code: str | None,
    guardian: tuple[str | None, str | None] = (None, None),
) -> dict[str, tuple[str | None, str | None]]:
    """The 六长 a new case starts with: the 教体局局长 of the county, the 镇长 of the child's
    home township and the 村长 of the home village, the 校长 of the school (from
    ``contacts``), the guardian as 家长; the 师长 (class teacher) is left for the school."""
    town = None
    if village_code:
        row = con.execute("SELECT township_code FROM villages WHERE code = ?", [village_code]).fetchall()
        town = row[0][0] if row else None
    want = {"教体局局长": county, "镇长": town, "村长": village_code, "校长": school_code}
    out: dict[str, tuple[str | None, str | None]] = {}
    for role in schema.SIX_CHIEFS:
        place = want.get(role)
        person: tuple[str | None, str | None] = (None, None)
        if place:
            row = con.execute(
                "SELECT name, phone FROM contacts WHERE role = ? AND place_code = ?", [role, place]
            ).fetchall()
            if row:
                person = (row[0][0], row[0][1])
        if role == "家长":
            person = guardian
        out[role] = person
    return out


# ------------------------------------------------------------------ monitoring inputs
def enrolment_history_by_school(
    con: duckdb.DuckDBPyConnection, scope: Scope, years: tuple[int, int]
) -> pd.DataFrame:
    """``enrolment_counts`` of the schools in Scope for two school years: ``school_year``,
    ``school_code``, ``school_name``, ``code`` (the school's township), ``grade``, ``students``."""
    where, params = scope.school_where("sc")
    return store.frame(
        con,
        f"SELECT ec.school_year, ec.school_code, sc.name AS school_name, sc.township_code AS code, ec.grade, "
        f"ec.students FROM enrolment_counts ec JOIN schools sc ON sc.code = ec.school_code "
        f"WHERE {where} AND ec.school_year IN (?, ?)",
        [*params, *years],
    )


def term_start(con: duckdb.DuckDBPyConnection, scope: Scope) -> date:
    """First school day of the term containing ``as_of``."""
    row = con.execute(
        "SELECT min(day) FROM school_calendar WHERE school_year = ? AND term = ? AND is_school_day",
        [scope.school_year, scope.term],
    ).fetchall()
    return row[0][0] if row and row[0][0] else scope.as_of - timedelta(days=7 * 12)


def enrolled_by_school(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Enrolled students per school in Scope: ``code``, ``students``."""
    where, params = scope.school_where("sc")
    return store.frame(
        con,
        f"SELECT sc.code, count(*) AS students FROM students st JOIN schools sc ON sc.code = st.school_code "
        f"WHERE st.status IN {ENROLLED_SQL} AND {where} GROUP BY 1",
        params,
    )


def schools(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Schools in Scope: ``code``, ``name``, ``level``, ``township_code``, ``township_name``."""
    where, params = scope.school_where("sc")
    return store.frame(
        con,
        f"SELECT sc.code, sc.name, sc.level, sc.township_code, t.name AS township_name FROM schools sc "
        f"LEFT JOIN townships t ON t.code = sc.township_code WHERE {where} ORDER BY sc.township_code, sc.code",
        params,
    )


def villages(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Villages in Scope with their township: ``code``, ``name``, ``township_code``, ``township_name``."""
    where, params = scope.village_where("v")
    return store.frame(
        con,
        f"SELECT v.code, v.name, v.township_code, t.name AS township_name FROM villages v "
        f"LEFT JOIN townships t ON t.code = v.township_code WHERE {where} ORDER BY v.code",
        params,
    )


# ------------------------------------------------------------------ rosters
def interventions(con: duckdb.DuckDBPyConnection, scope: Scope, *, kind: str | None = None) -> pd.DataFrame:
    """Interventions of students in Scope, with the student's school, grade and placement."""
    sw, sp = scope.student_where("st")
    cond, params = "TRUE", []
    if kind is not None:
        cond, params = "i.kind = ?", [kind]
    df = store.frame(
        con,
        f"SELECT i.*, st.name, st.id_number, st.sex, st.grade, st.school_code, st.placement, st.disability_level, "
        f"st.status AS student_status, sc.name AS school_name, sc.township_code AS school_township, "
        f"v.name AS village_name, v.township_code, t.name AS township_name FROM interventions i "
        f"JOIN students st ON st.student_id = i.student_id LEFT JOIN schools sc ON sc.code = st.school_code "
        f"LEFT JOIN villages v ON v.code = st.village_code LEFT JOIN townships t ON t.code = v.township_code "
        f"WHERE {cond} AND {sw} ORDER BY i.started_on, i.intervention_id",
        [*params, *sp],
    )
    for col in ("started_on", "ended_on"):
        df[col] = pd.to_datetime(df[col]).dt.date
    return df


def intervention_visits(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, since: date | None = None
) -> pd.DataFrame:
    """Visits/sessions of interventions of students in Scope (from ``since``, up to ``as_of``)."""
    sw, sp = scope.student_where("st")
    since = since or date(1900, 1, 1)
    df = store.frame(
        con,
        f"SELECT w.* FROM intervention_visits w JOIN interventions i ON i.intervention_id = w.intervention_id "
        f"JOIN students st ON st.student_id = i.student_id "
        f"WHERE w.visited_on BETWEEN ?::DATE AND ?::DATE AND {sw} ORDER BY w.visited_on",
        [since.isoformat(), scope.as_of.isoformat(), *sp],
    )
    df["visited_on"] = pd.to_datetime(df["visited_on"]).dt.date
    return df


def home_taught_students(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Students in Scope placed 送教上门 (severely disabled, taught at home)."""
    sw, sp = scope.student_where("st")
    return store.frame(
        con,
        f"SELECT st.student_id, st.name, st.id_number, st.sex, st.grade, st.school_code, st.disability_level, "
        f"sc.name AS school_name, v.name AS village_name, v.township_code, t.name AS township_name "
        f"FROM students st LEFT JOIN schools sc ON sc.code = st.school_code "
        f"LEFT JOIN villages v ON v.code = st.village_code LEFT JOIN townships t ON t.code = v.township_code "
        f"WHERE st.placement = '送教上门' AND st.status IN {ENROLLED_SQL} AND {sw} ORDER BY st.student_id",
        sp,
    )


def unexcused_since(
    con: duckdb.DuckDBPyConnection, student_ids: list[str], since: pd.Series | None, *, until: date
) -> pd.Series:
    """Unexcused absent days of each student from their own ``since`` date to ``until``."""
    if not student_ids:
        return pd.Series(dtype="int64")
    frame = pd.DataFrame({"student_id": student_ids, "since": pd.to_datetime(pd.Series(since).to_numpy())})
    con.register("_since", frame)
    try:
        df = store.frame(
            con,
            "SELECT s.student_id, count(a.day) AS n FROM _since s LEFT JOIN absences a ON a.student_id = s.student_id "
            "AND NOT a.excused AND a.day >= s.since AND a.day <= ?::DATE GROUP BY 1",
            [until.isoformat()],
        )
    finally:
        con.unregister("_since")
    return df.set_index("student_id")["n"].astype("int64")


def proposals(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suspected dropouts to propose in Scope (:func:`lib.dropout.rules.proposals`), and the
    students they concern (:func:`students`)."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only

    runs = absence_runs(con, scope)
    found = dropout.proposals(runs, *_handled(con, runs["student_id"].tolist()))
    return found, students(con, scope, found["student_id"].tolist())
