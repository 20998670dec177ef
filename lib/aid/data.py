"""Scoped reads for 学生资助: the store's aid tables as DataFrames for one Scope.

Attribution (docs/scope.md): compulsory-school students and their aid records
belong to the **school's** township (``Scope.school_where``), as on 总览;
non-compulsory recipients, their awards and donations' grants to the
recipient's **home** township.  Recipients are outside a Scope that restricts
schools or school levels (they attend no school of the county).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from lib.aid import payments as aid_payments
from lib.aid import rules as aid_rules
from lib.aid import summary
from lib.core import config, permissions, store
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope

_STUDENT_COLS = (
    "st.student_id, st.id_number, st.name, st.sex, st.grade, st.school_code, sc.name AS school_name, "
    "sc.level, sc.township_code, st.village_code, st.boarding, st.status, st.poverty_category, st.orphan, "
    "st.unsupported, st.disability, st.disabled_parent, st.martyr_child"
)


@dataclass(frozen=True)
class AidData:
    """Everything the 学生资助 page computes from, for one Scope and school year."""

    scope: Scope
    townships: pd.DataFrame  # code, name, kind (in Scope)
    schools: pd.DataFrame  # code, name, level, township_code (in Scope)
    #: the enrolled students of the Scope judged one by one (load_judged_students): every
    #: priority-group student, and every student at school without a paid nutrition record this
    #: term; the summary counts the others, who are owed nutrition alone and are paid it
    students: pd.DataFrame
    records: pd.DataFrame  # aid_records of the school year for the Scope's students / schools
    #: every student the records name (any status): student_id, id_number, status, name and
    #: ``mine`` (enrolled at a school of the Scope)
    record_students: pd.DataFrame
    #: on-time and in-full payment per term, every year, of the Scope's schools (load_terms)
    terms: pd.DataFrame
    applications: pd.DataFrame  # aid_applications of the school year
    funds: pd.DataFrame  # aid_funds of the school year
    recipients: pd.DataFrame  # aid_recipients of the Scope
    awards: pd.DataFrame  # aid_recipient_awards of every year for those recipients
    donations: pd.DataFrame  # aid_donations (county-wide; not personal)
    grants: pd.DataFrame  # aid_donation_grants to the Scope's people
    campaign: pd.DataFrame  # aid_campaign_applications of the Scope's recipients
    #: compulsory-school coverage from the store's summary (lib.aid.summary) by "programme",
    #: "township" (programme, township_code) and "school" (programme, township_code, school_code)
    coverage: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def recipients_in_scope(self) -> bool:
        return self.scope.schools is None and self.scope.levels is None


def _scope_schools(scope: Scope) -> tuple[str, list]:
    sw, sp = scope.school_where("_s")
    return f"(SELECT _s.code FROM schools _s WHERE {sw})", sp


def load_students(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Enrolled students of the Scope's schools, with the columns eligibility needs."""
    where, params = scope.school_where("sc")
    return store.frame(
        con,
        f"SELECT {_STUDENT_COLS} FROM students st JOIN schools sc ON sc.code = st.school_code "
        f"WHERE st.status IN {ENROLLED_SQL} AND {where} ORDER BY st.student_id",
        params,
    )


def load_judged_students(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The students of :func:`load_students` whose (student, programme) rows the page lists or
    counts one by one: every priority-group student (the living subsidy, the provincial aid and
    the coverage by priority group are theirs alone), and every student at school with no
    nutrition record of the Scope's term that is paid or due after the Scope's day, at a school of
    the nutrition programme (the nutrition gaps are among them).  The others are owed nutrition alone and are paid it or not yet due:
    they appear in no list, and the summary counts them.
    ``lib.aid.view.compute_report`` gives the same report from either frame (tests compare)."""
    where, params = scope.school_where("sc")
    return store.frame(
        con,
        f"""
        SELECT {_STUDENT_COLS} FROM students st JOIN schools sc ON sc.code = st.school_code
        LEFT JOIN townships _t ON _t.code = sc.township_code
        WHERE st.status IN {ENROLLED_SQL} AND {where} AND ({aid_rules.priority_group_sql("st")} OR (
            st.status = '在校' AND (NOT ? OR coalesce({aid_rules.rural_township_sql("_t")}, TRUE))
            AND NOT EXISTS (
                SELECT 1 FROM aid_records a WHERE a.student_id = st.student_id AND a.programme = ?
                AND a.school_year = ? AND a.term = ? AND (a.paid_amount > 0 OR a.due_date > ?))))
        ORDER BY st.student_id
        """,
        [
            *params,
            bool(config.SETTINGS["aid"].get("nutrition_rural_only", True)),
            aid_rules.NUTRITION,
            int(scope.school_year),
            int(scope.term),
            scope.as_of,
        ],
    )


def load_records(con: duckdb.DuckDBPyConnection, scope: Scope, *, school_year: int) -> pd.DataFrame:
    """aid_records of ``school_year`` paid through a school of the Scope, or naming a student
    of the Scope, or naming anyone who shares an ID number with one (duplicates across schools).

    ``in_scope`` marks records paid through a school of the Scope (payment figures use only those).
    """
    schools, sp = _scope_schools(scope)
    where, wp = scope.school_where("sc")
    return store.frame(
        con,
        f"""
        WITH mine AS (
            SELECT st.student_id, st.id_number FROM students st JOIN schools sc ON sc.code = st.school_code
            WHERE st.status IN {ENROLLED_SQL} AND {where}
        ), people AS (
            SELECT student_id FROM mine  -- ALL: only ever asked "IN", so no need to drop repeats
            UNION ALL SELECT s2.student_id FROM students s2
            WHERE s2.id_number IN (SELECT id_number FROM mine WHERE id_number IS NOT NULL)
        )
        SELECT a.*, sc.township_code, sc.name AS school_name, a.school_code IN {schools} AS in_scope
        FROM aid_records a LEFT JOIN schools sc ON sc.code = a.school_code
        WHERE a.school_year = ? AND (a.school_code IN {schools} OR a.student_id IN (SELECT student_id FROM people))
        ORDER BY a.record_id
        """,
        [*wp, *sp, school_year, *sp],
    )


def load_record_students(con: duckdb.DuckDBPyConnection, ids: list[str], scope: Scope) -> pd.DataFrame:
    """The students ``ids`` names (any status): who they are (``student_id``, ``id_number``,
    ``status``, ``name``) and whether they are enrolled at a school of ``scope`` (``mine``)."""
    frame = pd.DataFrame({"student_id": pd.Series(ids, dtype=object)}).drop_duplicates()
    schools, sp = _scope_schools(scope)
    con.register("_wanted", frame)
    try:
        return store.frame(
            con,
            f"SELECT st.student_id, st.id_number, st.status, st.name, "
            f"coalesce(st.status IN {ENROLLED_SQL} AND st.school_code IN {schools}, FALSE) AS mine "
            f"FROM students st WHERE st.student_id IN (SELECT student_id FROM _wanted)",
            sp,
        )
    finally:
        con.unregister("_wanted")


def load_history(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """aid_records of every year paid through a school of the Scope (the columns payments need)."""
    where, params = scope.school_where("sc")
    return store.frame(
        con,
        f"SELECT a.programme, a.school_year, a.term, a.standard_amount, a.paid_amount, a.due_date, "
        f"a.paid_date, a.funding_source, sc.township_code FROM aid_records a "
        f"JOIN schools sc ON sc.code = a.school_code WHERE {where}",
        params,
    )


def load_terms(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """On-time and in-full counts, rates and amounts per (school_year, term) of every year's
    aid_records paid through the Scope's schools, on the Scope's day: the frame
    ``lib.aid.payments.term_series(classify_payments(load_history(...)))`` gives, counted in the
    store (a county's 235k records are never loaded; tests compare the two)."""
    where, params = scope.school_where("sc")
    grace = int(config.SETTINGS["aid"]["on_time_grace_days"])
    day = scope.as_of
    out = store.frame(
        con,
        f"""
        WITH due AS (
            SELECT a.school_year, a.term, a.standard_amount, a.paid_amount,
                   coalesce(a.paid_date <= ?, FALSE) AS paid_by_now,
                   coalesce(a.paid_date <= ?, FALSE)
                       AND coalesce(coalesce(a.paid_amount, 0) >= a.standard_amount - 1e-9, FALSE) AS full_paid,
                   coalesce(a.paid_date <= ?, FALSE)
                       AND coalesce(a.paid_date <= a.due_date + INTERVAL ({grace}) DAY, FALSE) AS in_time,
                   coalesce(a.paid_date <= ?, FALSE)
                       AND coalesce(coalesce(a.paid_amount, 0) < a.standard_amount - 1e-9, FALSE) AS short
            FROM aid_records a JOIN schools sc ON sc.code = a.school_code
            WHERE {where} AND a.due_date <= ?
        )
        SELECT school_year, term, count(*) AS due,
               count(*) FILTER (WHERE full_paid AND in_time) AS on_time,
               count(*) FILTER (WHERE full_paid) AS in_full,
               count(*) FILTER (WHERE NOT paid_by_now) AS overdue,
               count(*) FILTER (WHERE paid_by_now AND NOT in_time) AS late,
               count(*) FILTER (WHERE short) AS short,
               coalesce(sum(standard_amount), 0)::DOUBLE AS standard,
               coalesce(sum(paid_amount), 0)::DOUBLE AS paid
        FROM due GROUP BY ALL ORDER BY school_year, term
        """,
        [day, day, day, day, *params, day],
    )
    cols = ["school_year", "term", *aid_payments.RATE_COLUMNS, "standard", "paid"]
    if out.empty:
        return pd.DataFrame(columns=[*cols, "on_time_rate", "in_full_rate", "label"])
    for c in aid_payments.RATE_COLUMNS:
        out[c] = out[c].astype("int64")
    den = out["due"].where(out["due"] > 0)
    out["on_time_rate"] = out["on_time"] / den
    out["in_full_rate"] = out["in_full"] / den
    out["label"] = aid_payments.term_labels(out["school_year"], out["term"])
    return out


def load_applications(con: duckdb.DuckDBPyConnection, scope: Scope, *, school_year: int) -> pd.DataFrame:
    """Applications of ``school_year`` from the Scope's schools (and, for a township-only
    Scope, from its non-compulsory recipients)."""
    schools, sp = _scope_schools(scope)
    cond, params = f"a.school_code IN {schools}", list(sp)
    if scope.schools is None and scope.levels is None:
        tw, tp = scope.township_where("a.township_code")
        cond = f"({cond} OR (a.school_code IS NULL AND {tw}))"
        params += tp
    return store.frame(
        con,
        f"SELECT a.*, sc.name AS school_name, coalesce(st.name, r.name) AS name, "
        f"coalesce(st.id_number, r.id_number) AS id_number FROM aid_applications a "
        f"LEFT JOIN schools sc ON sc.code = a.school_code LEFT JOIN students st ON st.student_id = a.student_id "
        f"LEFT JOIN aid_recipients r ON r.recipient_id = a.recipient_id "
        f"WHERE a.school_year = ? AND {cond} ORDER BY a.application_id",
        [school_year, *params],
    )


def _recipient_cond(scope: Scope, alias: str = "r") -> tuple[str, list]:
    if scope.schools is not None or scope.levels is not None:
        return "FALSE", []
    return scope.township_where(f"{alias}.township_code")


def load_funds(con: duckdb.DuckDBPyConnection, scope: Scope, *, school_year: int) -> pd.DataFrame:
    """Allocations of ``school_year`` to the Scope's townships (none when the Scope
    restricts schools or levels: money is allocated by township)."""
    cond, params = _recipient_cond(scope, "f")
    return store.frame(
        con, f"SELECT * FROM aid_funds f WHERE f.school_year = ? AND {cond}", [school_year, *params]
    )


def load_recipients(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    cond, params = _recipient_cond(scope)
    return store.frame(con, f"SELECT * FROM aid_recipients r WHERE {cond} ORDER BY r.recipient_id", params)


def load_awards(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    cond, params = _recipient_cond(scope)
    return store.frame(
        con,
        f"SELECT w.*, r.township_code, r.stage FROM aid_recipient_awards w "
        f"JOIN aid_recipients r ON r.recipient_id = w.recipient_id WHERE {cond} ORDER BY w.award_id",
        params,
    )


def load_grants(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Donation grants to people of the Scope (students by school, recipients by home township)."""
    schools, sp = _scope_schools(scope)
    rc, rp = _recipient_cond(scope, "g")
    return store.frame(
        con,
        f"SELECT g.* FROM aid_donation_grants g LEFT JOIN students st ON st.student_id = g.student_id "
        f"WHERE (g.student_id IS NOT NULL AND st.school_code IN {schools}) "
        f"OR (g.student_id IS NULL AND {rc})",
        [*sp, *rp],
    )


def load_all(con: duckdb.DuckDBPyConnection, scope: Scope) -> AidData:
    """Every frame of :class:`AidData` in one unit of work."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    year = int(scope.school_year)
    tw, tp = scope.township_where("t.code")
    sw, sp = scope.school_where("sc")
    records = load_records(con, scope, school_year=year)
    apps = load_applications(con, scope, school_year=year)
    recipients = load_recipients(con, scope)
    rc, rp = _recipient_cond(scope, "r")
    return AidData(
        scope=scope,
        townships=store.frame(
            con, f"SELECT t.code, t.name, t.kind FROM townships t WHERE {tw} ORDER BY t.code", tp
        ),
        schools=store.frame(
            con,
            f"SELECT sc.code, sc.name, sc.level, sc.township_code FROM schools sc WHERE {sw} "
            f"ORDER BY sc.code",
            sp,
        ),
        students=load_judged_students(con, scope),
        records=records,
        record_students=load_record_students(con, records["student_id"].dropna().unique().tolist(), scope),
        terms=load_terms(con, scope),
        applications=apps,
        funds=load_funds(con, scope, school_year=year),
        recipients=recipients,
        awards=load_awards(con, scope),
        donations=store.frame(con, "SELECT * FROM aid_donations ORDER BY donation_id"),
        grants=load_grants(con, scope),
        campaign=store.frame(
            con,
            f"SELECT c.* FROM aid_campaign_applications c JOIN aid_recipients r ON r.recipient_id = c.recipient_id "
            f"WHERE {rc} ORDER BY c.application_id",
            rp,
        ),
        coverage=summary.coverage_sets(con, scope),
    )
