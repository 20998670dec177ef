"""控辍保学 by where children live: 巩固率 by home township (户籍) and the 村 breakdown a 镇长 needs.

* **巩固率(按户籍)** of township *t* in school year *Y* = grade-9 pupils enrolled anywhere in the
  county whose home village is in *t* ÷ the grade-1 base of *Y*−8 attributed to *t* by where the
  cohort lives now: the county's grade-1 pupils of *Y*−8 × *t*'s share of the county's children
  aged 14 in *Y* (``village_population``; families that moved are counted where they live, so the
  figure measures who is still in school, not migration).  The county figure is the same as by
  school location; a township no longer looks weak because its pupils go to junior school in town.
* **村 breakdown**: per home village, cases of the school year, 疑似辍学 and 辍学 now, returned, children in an
  active intervention, and 入学覆盖 = enrolled pupils living there ÷ its children aged 6-14.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from lib.core import store
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope

#: The village table's columns with their labels.
VILLAGE_COLUMNS: dict[str, str] = {
    "township_name": "乡镇(街道)",
    "village_name": "村(社区)",
    "cases": "本学年台账",
    "suspected": "疑似辍学",
    "dropouts": "辍学",
    "returned": "本学年返校",
    "interventions": "帮扶中(人)",
    "enrolled": "在校生(户籍)",
    "school_age": "适龄儿童(6-14岁)",
    "coverage": "入学覆盖",
}


# ------------------------------------------------------------------ reading
def home_inputs(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> dict[str, pd.DataFrame]:
    """What :func:`consolidation_by_home` needs for the townships in Scope: ``grade9`` (code,
    grade9: enrolled grade-9 pupils by home township), ``cohort`` (code, cohort: children of
    grade-9 age, 14, in ``year``, every township of the county) and the county's grade-1 base of
    ``year`` - 8."""
    tw, tp = scope.township_where("v.township_code")
    grade9 = store.frame(
        con,
        f"SELECT v.township_code AS code, count(*) AS grade9 FROM students st "
        f"JOIN villages v ON v.code = st.village_code "
        f"WHERE st.status IN {ENROLLED_SQL} AND st.grade = 9 AND {tw} GROUP BY 1",
        tp,
    )
    base_year = year - 8
    last = con.execute("SELECT max(year) FROM village_population WHERE year <= ?", [year]).fetchone()[0]
    # the cohort where it lives in the latest year on record (its age then: 14 minus the gap)
    pop_year = last if last is not None else year
    cohort = store.frame(
        con,
        "SELECT v.township_code AS code, sum(p.persons) AS cohort FROM village_population p "
        "JOIN villages v ON v.code = p.village_code WHERE p.year = ? AND p.age = ? GROUP BY 1",
        [pop_year, 14 - (year - pop_year)],
    )
    g1 = con.execute(
        "SELECT coalesce(sum(students), 0) FROM enrolment_counts WHERE school_year = ? AND grade = 1",
        [base_year],
    ).fetchone()[0]
    return {"grade9": grade9, "cohort": cohort, "grade1_county": pd.DataFrame({"students": [g1]})}


def village_inputs(con: duckdb.DuckDBPyConnection, scope: Scope, year: int) -> dict[str, pd.DataFrame]:
    """Per village in Scope: enrolled pupils living there, children aged 6-14 in ``year``, pupils
    in an active intervention (``villages``: code, name, township_name, enrolled, school_age,
    interventions)."""
    vw, vp = scope.village_where("v")
    villages = store.frame(
        con,
        f"""
        SELECT v.code, v.name AS village_name, t.name AS township_name,
               (SELECT count(*) FROM students st WHERE st.village_code = v.code AND st.status IN {ENROLLED_SQL}) AS enrolled,
               (SELECT coalesce(sum(p.persons), 0) FROM village_population p
                WHERE p.village_code = v.code AND p.year = ? AND p.age BETWEEN 6 AND 14) AS school_age,
               (SELECT count(DISTINCT i.student_id) FROM interventions i JOIN students st ON st.student_id = i.student_id
                WHERE st.village_code = v.code AND i.status = '进行中') AS interventions
        FROM villages v LEFT JOIN townships t ON t.code = v.township_code
        WHERE {vw} ORDER BY v.code
        """,
        [year, *vp],
    )
    return {"villages": villages}


# ------------------------------------------------------------------ pure
def consolidation_by_home(
    towns: pd.DataFrame, grade9: pd.DataFrame, cohort: pd.DataFrame, grade1_county: float
) -> pd.DataFrame:
    """Per township of ``towns`` (``code``): ``grade9_home``, ``base_home`` (the county's grade-1
    base × the township's share of the cohort, ``cohort``: code, cohort) and
    ``consolidation_home`` (NaN without a base)."""
    share = cohort.set_index("code")["cohort"].astype(float)
    total = float(share.sum())
    out = towns[["code"]].copy()
    out["grade9_home"] = out["code"].map(grade9.set_index("code")["grade9"]).fillna(0).astype("int64")
    out["base_home"] = out["code"].map(share).fillna(0.0) / total * float(grade1_county) if total else 0.0
    out["consolidation_home"] = out["grade9_home"] / out["base_home"].where(out["base_home"] > 0)
    return out


def village_table(
    villages: pd.DataFrame, cases: pd.DataFrame, *, year_start: date, as_of: date
) -> pd.DataFrame:
    """The 村 breakdown: :data:`VILLAGE_COLUMNS` keys plus ``code``; villages with open cases first.

    ``cases`` needs ``village_code``, ``now`` (derived status on ``as_of``), ``reported_on``,
    ``returned_on`` and ``status``."""
    rep = pd.to_datetime(pd.Series(cases["reported_on"].to_numpy()), errors="coerce")
    ret = pd.to_datetime(pd.Series(cases["returned_on"].to_numpy()), errors="coerce")
    lo, hi = pd.Timestamp(year_start), pd.Timestamp(as_of)
    flags = pd.DataFrame(
        {
            "code": cases["village_code"].to_numpy(),
            "cases": (((rep >= lo) & (rep <= hi)).to_numpy() & (cases["status"] != "误报").to_numpy()),
            "suspected": (cases["now"] == "疑似辍学").to_numpy(),
            "dropouts": (cases["now"] == "辍学").to_numpy(),
            "returned": ((ret >= lo) & (ret <= hi)).to_numpy(),
        }
    )
    cols = ["cases", "suspected", "dropouts", "returned"]
    counts = flags.groupby("code")[cols].sum() if len(flags) else None
    out = villages.copy()
    for col in cols:
        out[col] = out["code"].map(counts[col]).fillna(0).astype("int64") if counts is not None else 0
    out["coverage"] = out["enrolled"] / out["school_age"].where(out["school_age"] > 0)
    out["coverage"] = np.minimum(out["coverage"], 1.0)  # pupils living there but counted elsewhere
    out["_open"] = out["suspected"] + out["dropouts"]
    out = out.sort_values(["_open", "cases", "code"], ascending=[False, False, True], ignore_index=True)
    return out.drop(columns="_open")
