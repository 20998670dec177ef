"""Scoped reads for 学生资助: the store's aid tables as DataFrames for one Scope.

Attribution (docs/scope.md): compulsory-school students and their aid records
belong to the **school's** township (``Scope.school_where``), as on 总览;
non-compulsory recipients, their awards and donations' grants to the
recipient's **home** township.  Recipients are outside a Scope that restricts
schools or school levels (they attend no school of the county).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

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
    """What the 学生资助 page's first view (its cards, coverage and approvals) computes from, for
    one Scope and term; the payments and social-aid tabs read theirs when first opened
    (:class:`PaymentsData`, :class:`SocialData`)."""

    scope: Scope
    townships: pd.DataFrame  # code, name, kind (in Scope)
    schools: pd.DataFrame  # code, name, level, township_code (in Scope)
    #: the enrolled students of the Scope judged one by one (load_judged_students): every
    #: priority-group student, and every student at school without a paid nutrition record this
    #: term; the summary counts the others, who are owed nutrition alone and are paid it
    students: pd.DataFrame
    records: pd.DataFrame  # aid_records of the Scope's term for the Scope's students / schools
    #: every student the records name (any status): student_id, id_number, status, name and
    #: ``mine`` (enrolled at a school of the Scope)
    record_students: pd.DataFrame
    #: on-time and in-full payment per term, every year, of the Scope's schools (load_terms)
    terms: pd.DataFrame
    applications: pd.DataFrame  # aid_applications of the school year
    recipients: pd.DataFrame  # aid_recipients of the Scope
    awards: pd.DataFrame  # aid_recipient_awards of every year for those recipients
    #: compulsory-school coverage from the store's summary (lib.aid.summary) by "programme",
    #: "township" (programme, township_code) and "school" (programme, township_code, school_code)
    coverage: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentsData:
    """What the payments tab computes from: the school year's records and awards, its funds (the
    term counts it draws are the first view's, :attr:`AidData.terms`)."""

    scope: Scope
    records: pd.DataFrame  # load_history of the school year
    awards: pd.DataFrame  # aid_recipient_awards of the school year for the Scope's recipients
    funds: pd.DataFrame  # aid_funds of the school year

    @property
    def recipients_in_scope(self) -> bool:
        return self.scope.schools is None and self.scope.levels is None


@dataclass(frozen=True)
class SocialData:
    """What the social-aid tab computes from."""

    scope: Scope
    recipients: pd.DataFrame  # aid_recipients of the Scope
    donations: pd.DataFrame  # aid_donations (county-wide; not personal)
    grants: pd.DataFrame  # aid_donation_grants to the Scope's people
    campaign: pd.DataFrame  # aid_campaign_applications of the Scope's recipients


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
        -- a join, not NOT EXISTS under the OR: DuckDB then reads the term's records once (2x faster)
        LEFT JOIN (SELECT DISTINCT a.student_id FROM aid_records a WHERE a.programme = ?
                   AND a.school_year = ? AND a.term = ? AND (a.paid_amount > 0 OR a.due_date > ?)) _n
               ON _n.student_id = st.student_id
        WHERE st.status IN {ENROLLED_SQL} AND {where} AND ({aid_rules.priority_group_sql("st")} OR (
            st.status = '在校' AND (NOT ? OR coalesce({aid_rules.rural_township_sql("_t")}, TRUE))
            AND _n.student_id IS NULL))
        ORDER BY st.student_id
        """,
        [
            aid_rules.NUTRITION,
            int(scope.school_year),
            int(scope.term),
            scope.as_of,
            *params,
            bool(config.SETTINGS["aid"].get("nutrition_rural_only", True)),
        ],
    )


def load_records(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    school_year: int,
    term: int | None = None,
    judged_only: bool = False,
) -> pd.DataFrame:
    """aid_records of ``school_year`` (of its ``term``; None: both) paid through a school of the
    Scope, or naming a student of the Scope, or naming anyone who shares an ID number with one
    (duplicates across schools).

    ``in_scope`` marks records paid through a school of the Scope (payment figures use only those).
    ``judged_only`` (with ``term``): without the unpaid nutrition records due after the Scope's day
    of pupils in no priority group. Such a pupil is not judged one by one
    (:func:`load_judged_students`: that very record makes them owed nutrition alone and not late),
    and the checks of paid records do not read an unpaid one: the report is the same from fewer
    rows (the demo county's term: 47k → 22k rows; tests compare).
    """
    schools, sp = _scope_schools(scope)
    where, wp = scope.school_where("sc")
    unjudged, up = "FALSE", []
    if judged_only and term is not None:
        unjudged = (
            "(a.programme = ? AND coalesce(a.paid_amount, 0) <= 0 AND a.due_date > ? AND a.student_id IN ("
            f"SELECT _p.student_id FROM students _p WHERE NOT coalesce({aid_rules.priority_group_sql('_p')}, FALSE)))"
        )
        up = [aid_rules.NUTRITION, scope.as_of]
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
        WHERE a.school_year = ? AND (a.term = ? OR ? IS NULL)
          AND (a.school_code IN {schools} OR a.student_id IN (SELECT student_id FROM people))
          AND NOT coalesce({unjudged}, FALSE)  -- a NULL (no due date, no pupil) keeps the row
        ORDER BY a.record_id
        """,
        [*wp, *sp, school_year, term, term, *sp, *up],
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


def load_history(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, school_year: int | None = None
) -> pd.DataFrame:
    """aid_records paid through a school of the Scope, of every year (of ``school_year``), with
    what payments need: the school, its township, and the pupil's ``name`` when the pupil is
    enrolled at a school of the Scope (else NULL: a leaver's name is not the Scope's to show)."""
    where, params = scope.school_where("sc")
    schools, sp = _scope_schools(scope)
    return store.frame(
        con,
        f"""
        SELECT a.record_id, a.student_id, a.programme, a.school_year, a.term, a.standard_amount,
               a.paid_amount, a.due_date, a.paid_date, a.funding_source, sc.township_code,
               sc.name AS school_name,
               CASE WHEN st.status IN {ENROLLED_SQL} AND st.school_code IN {schools} THEN st.name END AS name
        FROM aid_records a JOIN schools sc ON sc.code = a.school_code
        LEFT JOIN students st ON st.student_id = a.student_id
        WHERE {where} AND (a.school_year = ? OR ? IS NULL)
        ORDER BY a.record_id
        """,
        [*sp, *params, school_year, school_year],
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
               coalesce(sum(paid_amount), 0)::DOUBLE AS paid,
               coalesce(sum(standard_amount) FILTER (WHERE NOT paid_by_now), 0)::DOUBLE AS overdue_amount,
               coalesce(sum(standard_amount - coalesce(paid_amount, 0)) FILTER (WHERE short), 0)::DOUBLE
                   AS short_amount
        FROM due GROUP BY ALL ORDER BY school_year, term
        """,
        [day, day, day, day, *params, day],
    )
    cols = ["school_year", "term", *aid_payments.RATE_COLUMNS, *aid_payments.AMOUNT_COLUMNS]
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


def _read_all(submit: Callable[..., Future[Any]], scope: Scope, everyone: bool) -> dict[str, Future[Any]]:
    """Start reading every frame of :class:`AidData` with ``submit`` (the longest first)."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    year, term = int(scope.school_year), int(scope.term)
    tw, tp = scope.township_where("t.code")
    sw, sp = scope.school_where("sc")
    f: dict[str, Future[Any]] = {}
    f["students"] = submit(load_students if everyone else load_judged_students, scope)
    f["records"] = submit(load_records, scope, school_year=year, term=term, judged_only=not everyone)
    f["schools"] = submit(
        store.frame,
        f"SELECT sc.code, sc.name, sc.level, sc.township_code FROM schools sc WHERE {sw} ORDER BY sc.code",
        sp,
    )
    f["townships"] = submit(
        store.frame, f"SELECT t.code, t.name, t.kind FROM townships t WHERE {tw} ORDER BY t.code", tp
    )
    f["applications"] = submit(load_applications, scope, school_year=year)
    f["recipients"] = submit(load_recipients, scope)
    f["awards"] = submit(load_awards, scope)
    records = f["records"]
    f["record_students"] = submit(  # waits for the records, submitted before it
        lambda cur: load_record_students(
            cur, records.result()["student_id"].dropna().unique().tolist(), scope
        )
    )
    f["coverage"] = submit(summary.coverage_sets, scope)
    f["terms"] = submit(load_terms, scope)
    return f


def load_all(con: duckdb.DuckDBPyConnection, scope: Scope, *, everyone: bool = False) -> AidData:
    """Every frame of :class:`AidData`, read side by side (:func:`lib.core.store.concurrently`).

    ``everyone``: every enrolled pupil and every record of the term, where the page reads only the
    pupils it judges one by one and their records (``load_judged_students``, ``load_records(...,
    judged_only=True)``); the report is the same (the tests' reference)."""
    with store.concurrently(con) as submit:
        read = _read_all(submit, scope, everyone)
    return AidData(scope=scope, **{name: got.result() for name, got in read.items()})


def load_payments(con: duckdb.DuckDBPyConnection, scope: Scope) -> PaymentsData:
    """:class:`PaymentsData` of the Scope's school year, read side by side."""
    permissions.require(scope, "view_named")  # the problem payments name pupils
    year = int(scope.school_year)
    with store.concurrently(con) as submit:
        records = submit(load_history, scope, school_year=year)
        awards = submit(load_awards, scope)
        funds = submit(load_funds, scope, school_year=year)
    got = awards.result()
    return PaymentsData(
        scope=scope,
        records=records.result(),
        awards=got[got["school_year"] == year].reset_index(drop=True),
        funds=funds.result(),
    )


def load_social(con: duckdb.DuckDBPyConnection, scope: Scope) -> SocialData:
    """:class:`SocialData` of the Scope, read side by side."""
    permissions.require(scope, "view_named")  # the campaign list names students
    rc, rp = _recipient_cond(scope, "r")
    with store.concurrently(con) as submit:
        recipients = submit(load_recipients, scope)
        donations = submit(store.frame, "SELECT * FROM aid_donations ORDER BY donation_id")
        grants = submit(load_grants, scope)
        campaign = submit(
            store.frame,
            f"SELECT c.* FROM aid_campaign_applications c JOIN aid_recipients r ON r.recipient_id = c.recipient_id "
            f"WHERE {rc} ORDER BY c.application_id",
            rp,
        )
    return SocialData(
        scope=scope,
        recipients=recipients.result(),
        donations=donations.result(),
        grants=grants.result(),
        campaign=campaign.result(),
    )
