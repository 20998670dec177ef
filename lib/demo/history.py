"""The demo's change log of registered attributes, back to the calendar's first day (演示数据).

A real store gets its ``student_history`` from every import, correction and rollover
(:func:`lib.core.history.record_students`).  The demo has no such past, so
:func:`record_demo_history` replays one: at each checkpoint (the first school day of every
month, and every term's first and last school day) it puts the roll as it stood that day into
``students`` and records it, then restores today's roll and records that.  The roll on a day:

* who is on it, their grade and school: the term's snapshot (``enrolments``);
* status: 辍学 between a case's verification and return, a transfer or suspension only from
  its date (the snapshot is taken at the term's end);
* attributes that change over time, drawn once per student from a fixed seed: a learning
  difficulty flagged only some time after the child's case was reported (or at a later term
  for others), a poverty category recognised later or a household that left monitoring, a
  falling score trend that began lately, a parent who left to work.  So today's attributes
  differ from the past ones the way a real county's do, and a back-test that read today's
  would see the future.

Deterministic: the same store and seed give the same log.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, history, schema

_SEED = (config.DEMO_SEED, 19)


def checkpoints(con: duckdb.DuckDBPyConnection, as_of: date, *, monthly: bool = True) -> list[date]:
    """Days on which the demo records the roll: every term's first and last school day and (when
    ``monthly``) the first school day of each month, before ``as_of``."""
    rows = con.execute(
        "SELECT min(day), max(day) FROM school_calendar WHERE is_school_day AND day < ?::DATE "
        "GROUP BY school_year, term",
        [as_of.isoformat()],
    ).fetchall()
    days = {d for pair in rows for d in pair}
    if monthly:
        days |= {
            r[0]
            for r in con.execute(
                "SELECT min(day) FROM school_calendar WHERE is_school_day AND day < ?::DATE "
                "GROUP BY year(day), month(day)",
                [as_of.isoformat()],
            ).fetchall()
        }
    return sorted(days)


def change_schedule(con: duckdb.DuckDBPyConnection, first: date, as_of: date) -> pd.DataFrame:
    """Per student, when the attributes that change took today's value, and what they were before:
    ``ld_from``, ``pov_from``/``pov_before``, ``trend_from``/``trend_before``, ``lb_from``/``lb_before``
    (NULL dates: unchanged over the whole log)."""
    st = con.execute(
        "SELECT s.student_id, s.learning_difficulty, s.poverty_category, s.score_trend, s.left_behind, "
        "min(c.reported_on) AS reported_on FROM students s LEFT JOIN dropout_cases c ON c.student_id = s.student_id "
        "GROUP BY ALL ORDER BY s.student_id"
    ).df()
    rng = np.random.default_rng(_SEED)
    n = len(st)
    span = max((as_of - first).days, 1)

    def day_after(base: np.ndarray, lo: int, hi: int) -> np.ndarray:
        return base + rng.integers(lo, hi, n).astype("timedelta64[D]")

    t0 = np.datetime64(first, "D")
    some_day = t0 + (rng.random(n) * span).astype("int64").astype("timedelta64[D]")
    reported = pd.to_datetime(st["reported_on"]).to_numpy().astype("datetime64[D]")
    has_case = ~np.isnat(reported)
    ld = st["learning_difficulty"].fillna(False).to_numpy(dtype=bool)
    # a learning difficulty is recorded some weeks after the child's case (the school looks back),
    # or at some later day for a third of the others
    ld_from = np.where(
        ld & has_case & (rng.random(n) < 0.7), day_after(reported, 10, 40), np.datetime64("NaT")
    )
    ld_from = np.where(ld & ~has_case & (rng.random(n) < 0.35), some_day, ld_from)
    cat = st["poverty_category"].to_numpy(dtype=object)
    has_cat = pd.notna(cat)
    pov_from = np.where(has_cat & (rng.random(n) < 0.2), some_day, np.datetime64("NaT"))
    pov_before = np.full(n, None, dtype=object)
    left = ~has_cat & (rng.random(n) < 0.03)  # a monitored household that left monitoring
    pov_from = np.where(left, some_day, pov_from)
    pov_before[left] = "监测对象"
    trend = st["score_trend"].astype("float64").fillna(0.0).to_numpy()
    trend_from = np.where((trend <= -0.5) & (rng.random(n) < 0.4), some_day, np.datetime64("NaT"))
    lb = st["left_behind"].fillna(False).to_numpy(dtype=bool)
    lb_from = np.where(rng.random(n) < 0.08, some_day, np.datetime64("NaT"))
    return pd.DataFrame(
        {
            "student_id": st["student_id"].to_numpy(),
            "ld_from": pd.to_datetime(ld_from).date,
            "pov_from": pd.to_datetime(pov_from).date,
            "pov_before": pov_before,
            "trend_from": pd.to_datetime(trend_from).date,
            "trend_before": np.where(trend <= -0.5, 0.0, trend),
            "lb_from": pd.to_datetime(lb_from).date,
            "lb_before": ~lb,
        }
    ).astype({"ld_from": object, "pov_from": object, "trend_from": object, "lb_from": object})


def _roll_sql(columns: list[str]) -> str:
    """SELECT of the roll on the day bound to every ``$d`` (from the snapshot of ``$y``/``$t``)."""
    override = {
        "grade": "e.grade",
        "school_code": "e.school_code",
        "status": """CASE
            WHEN cs.verified_on <= $d AND (cs.returned_on IS NULL OR cs.returned_on > $d) THEN '辍学'
            WHEN e.status = '辍学' OR (e.status IN ('转出', '休学') AND l.status_date > $d)
                THEN CASE WHEN l.placement = '送教上门' THEN '送教上门' ELSE '在校' END
            ELSE e.status END""",
        "learning_difficulty": "CASE WHEN h.ld_from > $d THEN FALSE ELSE l.learning_difficulty END",
        "poverty_category": "CASE WHEN h.pov_from > $d THEN h.pov_before ELSE l.poverty_category END",
        "score_trend": "CASE WHEN h.trend_from > $d THEN h.trend_before ELSE l.score_trend END",
        "left_behind": "CASE WHEN h.lb_from > $d THEN h.lb_before ELSE l.left_behind END",
    }
    select = ", ".join(f"{override.get(c, 'l.' + c)} AS {c}" for c in columns)
    return f"""
        SELECT {select} FROM _demo_live l
        JOIN enrolments e ON e.student_id = l.student_id AND e.school_year = $y AND e.term = $t
        LEFT JOIN _demo_changes h ON h.student_id = l.student_id
        LEFT JOIN (SELECT student_id, min(verified_on) AS verified_on, max(returned_on) AS returned_on
                   FROM dropout_cases WHERE student_id IS NOT NULL GROUP BY 1) cs ON cs.student_id = l.student_id
    """


def record_demo_history(con: duckdb.DuckDBPyConnection, as_of: date, *, monthly: bool = True) -> int:
    """Write the demo's ``student_history`` from the calendar's first day to ``as_of`` (replacing
    any), inside the caller's transaction.  Returns the number of checkpoints recorded."""
    con.execute(f"DELETE FROM {history.TABLE}")
    days = checkpoints(con, as_of, monthly=monthly)
    if not days:
        history.record_students(con, as_of)
        return 1
    columns = list(schema.TABLES["students"].names)
    con.execute("CREATE OR REPLACE TEMP TABLE _demo_live AS SELECT * FROM students")
    con.register("_demo_changes_df", change_schedule(con, days[0], as_of))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _demo_changes AS SELECT student_id, ld_from::DATE AS ld_from, "
        "pov_from::DATE AS pov_from, pov_before::VARCHAR AS pov_before, trend_from::DATE AS trend_from, "
        "trend_before::DOUBLE AS trend_before, lb_from::DATE AS lb_from, lb_before::BOOLEAN AS lb_before "
        "FROM _demo_changes_df"
    )
    con.unregister("_demo_changes_df")
    terms = con.execute(
        "SELECT day, school_year, term FROM school_calendar WHERE day IN (SELECT unnest(?::DATE[]))",
        [[d.isoformat() for d in days]],
    ).fetchall()
    term_of = {d: (int(y), int(t)) for d, y, t in terms}
    sql = _roll_sql(columns)
    try:
        for d in days:
            y, t = term_of[d]
            con.execute("DELETE FROM students")
            con.execute(
                f"INSERT INTO students ({', '.join(columns)}) {sql}",
                {"d": d, "y": y, "t": t},
            )
            history.record_students(con, d)
    finally:
        con.execute("DELETE FROM students")
        con.execute(f"INSERT INTO students SELECT {', '.join(columns)} FROM _demo_live")
        con.execute("DROP TABLE IF EXISTS _demo_live")
        con.execute("DROP TABLE IF EXISTS _demo_changes")
    history.record_students(con, as_of)
    return len(days) + 1
