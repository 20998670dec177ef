"""The overview's own reads: case counts on a day and aid inputs by township.

Shared reads of places (townships, schools, enrolment) are in :mod:`lib.core.places`,
the score's inputs in :mod:`lib.risk.inputs`.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from lib.aid import rules as aid
from lib.core import places, store
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope
from lib.dropout import rules as dropout


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
    return store.frame(
        con,
        f"SELECT v.township_code AS code, {status} AS status, count(*) AS cases "
        f"FROM dropout_cases c JOIN villages v ON v.code = c.village_code "
        f"WHERE {where} GROUP BY 1, 2 HAVING status IS NOT NULL",
        dropout.status_at_params(day) + params,
    )


def cases_on_days(con: duckdb.DuckDBPyConnection, scope: Scope, days: list[date]) -> pd.DataFrame:
    """Case counts by derived status for each of ``days`` (``status``, ``cases``, ``day``: by
    day in the order given, then by status), in one query."""
    if not days:
        return pd.DataFrame(columns=["status", "cases", "day"])
    where, params = _case_where(scope)
    status = dropout.status_at_sql("c", day="d.day")
    out = store.frame(
        con,
        f"SELECT {status} AS status, count(*) AS cases, d.k FROM "
        f"(SELECT unnest(?::DATE[]) AS day, generate_subscripts(?::DATE[], 1) AS k) d, "
        f"dropout_cases c JOIN villages v ON v.code = c.village_code "
        f"WHERE {where} GROUP BY d.k, 1 HAVING status IS NOT NULL ORDER BY d.k, status",
        [[d.isoformat() for d in days], [d.isoformat() for d in days], *params],
    )
    out["day"] = [days[k - 1] for k in out.pop("k")]
    return out.reset_index(drop=True)


def aid_by_township(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Aid coverage and on-time-in-full inputs on ``scope.as_of``, attributed to the school's township.

    Coverage counts the priority-group students enrolled on that day (the roll as it stood) and,
    of them, those paid this term's living subsidy by that day; ``aid_paid_records`` (payments of
    the term made by that day, any student) tells "nothing paid yet" from "nobody covered".
    """
    where, params = scope.school_where("sc")
    r = places.as_of(con, scope)
    prio = aid.priority_group_sql("st")
    ontime = aid.on_time_full_sql("a")
    day = scope.as_of.isoformat()
    paid_by = "(a.paid_date IS NULL OR a.paid_date <= ?::DATE)"  # paid by that day (no date given: paid)
    cov = store.frame(
        con,
        f"SELECT sc.township_code AS code, count(*) AS aid_eligible, "
        f"count(*) FILTER (WHERE EXISTS (SELECT 1 FROM aid_records a WHERE a.student_id = st.student_id "
        f"AND a.programme = ? AND a.school_year = ? AND a.term = ? AND a.paid_amount > 0 "
        f"AND {paid_by})) AS aid_covered "
        f"FROM {r['students']} st JOIN {r['schools']} sc ON sc.code = st.school_code "
        f"WHERE st.status IN {ENROLLED_SQL} AND {prio} AND {where} GROUP BY 1",
        [aid.LIVING_SUBSIDY, scope.school_year, scope.term, day, *params],
    )
    paid = store.frame(
        con,
        f"SELECT sc.township_code AS code, count(*) AS aid_paid_records FROM aid_records a "
        f"JOIN {r['schools']} sc ON sc.code = a.school_code "
        f"WHERE a.programme = ? AND a.school_year = ? AND a.term = ? AND a.paid_amount > 0 "
        f"AND {paid_by} AND {where} GROUP BY 1",
        [aid.LIVING_SUBSIDY, scope.school_year, scope.term, day, *params],
    )
    pay = store.frame(
        con,
        f"SELECT sc.township_code AS code, count(*) AS aid_due, "
        f"count(*) FILTER (WHERE {ontime} AND a.paid_date <= ?::DATE) AS aid_ontime "
        f"FROM aid_records a JOIN {r['schools']} sc ON sc.code = a.school_code "
        f"WHERE a.school_year = ? AND a.due_date <= ?::DATE AND {where} GROUP BY 1",
        [day, scope.school_year, day, *params],
    )
    return cov.merge(paid, on="code", how="outer").merge(pay, on="code", how="outer")
