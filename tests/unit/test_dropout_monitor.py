"""控辍保学 monitoring: pure steps on tiny frames, then the figures against independent SQL."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from lib.core.scope import Scope
from lib.dropout import monitor as dm

D = date
AS_OF = D(2026, 11, 20)


def _cases():
    rows = [
        # township, school, grade, sex, status, reason, reported, verified, returned, closed
        ("t1", "s1", 7, "男", "疑似辍学", "上学远", D(2026, 11, 18), None, None, None),
        ("t1", "s1", 8, "女", "劝返中", "家庭经济困难", D(2026, 10, 1), D(2026, 10, 20), None, None),
        ("t1", "s2", 3, "男", "已返校", "学习困难/厌学", D(2026, 9, 10), None, D(2026, 9, 20), None),
        ("t2", "s2", 3, "女", "误报", "其他", D(2026, 11, 2), None, None, D(2026, 11, 5)),
        ("t2", None, None, "男", "已核实", "外出打工", D(2026, 11, 16), D(2026, 11, 19), None, None),
        (
            "t2",
            "s3",
            9,
            "女",
            "巩固",
            "身体原因(残疾/疾病)",
            D(2025, 10, 1),
            D(2025, 10, 20),
            D(2025, 11, 1),
            D(2026, 1, 30),
        ),
    ]
    cols = [
        "township_code",
        "school_code",
        "grade",
        "sex",
        "status",
        "reason",
        "reported_on",
        "verified_on",
        "returned_on",
        "closed_on",
    ]
    return dm.with_status(pd.DataFrame(rows, columns=cols), as_of=AS_OF)


def test_with_status_now_and_a_week_before():
    c = _cases()
    assert c["now"].tolist() == ["疑似辍学", "辍学", "已返校", "误报", "辍学", "已返校"]
    assert c["before"].fillna("—").tolist() == ["—", "辍学", "已返校", "误报", "—", "已返校"]


def test_case_counts_by_township():
    got = dm.case_counts(_cases(), "township_code", year=2026, as_of=AS_OF).set_index("township_code")
    assert got.loc["t1"].tolist() == [1, 1, 1, 0]  # suspected, dropouts, returned this year, dismissed
    assert got.loc["t2"].tolist() == [0, 1, 0, 1]  # the 2025 return is last school year's


def test_consolidation_formula():
    history = pd.DataFrame(
        {
            "school_year": [2026, 2026, 2018, 2018, 2026],
            "code": ["a", "a", "a", "b", "b"],
            "grade": [9, 8, 1, 1, 9],
            "students": [96, 50, 100, 0, 10],
        }
    )
    got = dm.consolidation(history, 2026).set_index("code")
    assert got.at["a", "consolidation"] == pytest.approx(0.96)
    assert pd.isna(got.at["b", "consolidation"])  # no base: no rate


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (0.95, "red"),
        (0.96, "amber"),
        (0.965, "amber"),
        (0.97, "green"),
        (None, "grey"),
        (float("nan"), "grey"),
    ],
)
def test_consolidation_colour_against_target(value, colour):
    assert dm.consolidation_colour(value) == colour


def test_county_figures_recompute_rates_from_sums():
    towns = pd.DataFrame(
        {
            "suspected": [1, 2],
            "dropouts": [0, 2],
            "returned": [1, 0],
            "dismissed": [0, 0],
            "grade9": [90, 10],
            "grade1_base": [100, 20],
            "students": [1000, 1000],
        }
    )
    tot = dm.county_figures(towns)
    assert tot["consolidation"] == pytest.approx(100 / 120)  # not the mean of 0.9 and 0.5
    assert tot["open_per_1000"] == pytest.approx(2.5)


def test_reasons_table_groups_every_code():
    r = dm.reasons_table(_cases(), year=2026, as_of=AS_OF)
    assert list(r["group"].unique()) == ["学困厌学", "上学远", "因贫", "因残", "其他原因"]
    assert len(r) == 9  # every reason code, once
    got = r.set_index("reason")
    assert got.at["上学远", "open"] == 1 and got.at["学习困难/厌学", "returned"] == 1
    assert got.at["其他", "cases"] == 0  # 误报 does not count
    assert got.at["身体原因(残疾/疾病)", "cases"] == 0  # reported last school year


def test_weekly_trend():
    t = dm.weekly_trend(_cases(), start=D(2026, 11, 2), as_of=AS_OF).set_index("week")
    assert list(t.index) == ["2026-W45", "2026-W46", "2026-W47"]
    assert t.loc["2026-W45"].tolist()[2:] == [1, 0, 0, 1, 1]  # reported, confirmed, returned, dismissed, open
    assert t.loc["2026-W47"].tolist()[2:] == [2, 1, 0, 0, 3]
    assert t.at["2026-W47", "week_end"] == AS_OF


# ------------------------------------------------------------------ against the demo county
def _sql(db, sql, params=()):
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _independent(db, towns=None):
    t = "TRUE" if towns is None else f"v.township_code IN ({', '.join(repr(x) for x in towns)})"
    home = f"c.village_code IN (SELECT v.code FROM villages v WHERE {t})"
    q = lambda cond: _sql(db, f"SELECT count(*) FROM dropout_cases c WHERE {home} AND {cond}")[0][0]  # noqa: E731
    return {
        "suspected": q("reported_on <= DATE '2026-11-20' AND status = '疑似辍学'"),
        "dropouts": q("reported_on <= DATE '2026-11-20' AND status IN ('已核实', '劝返中')"),
        "returned": q("returned_on BETWEEN DATE '2026-09-01' AND DATE '2026-11-20'"),
        "dismissed": q("status = '误报' AND closed_on BETWEEN DATE '2026-09-01' AND DATE '2026-11-20'"),
    }


@pytest.mark.parametrize("township_kind", [None, "镇"])
def test_monitoring_equals_independent_sql(demo_db, township_kind):
    from lib.core import store

    towns = None
    if township_kind:
        towns = (
            _sql(demo_db, "SELECT code FROM townships WHERE kind = ? ORDER BY code LIMIT 1", [township_kind])[
                0
            ][0],
        )
    with store.connect(demo_db) as con:
        m = dm.compute_monitoring(con, Scope(townships=towns))
    expected = _independent(demo_db, towns)
    for key, n in expected.items():
        assert m.county[key] == n, key
    assert int(m.townships["suspected"].sum()) == expected["suspected"]
    # the same as the overview's definition of the two headline numbers
    for by in dm.BREAKDOWNS:
        table = dm.breakdown(m, by)
        assert int(table["dropouts"].sum()) == expected["dropouts"], by
        assert int(table["suspected"].sum()) == expected["suspected"], by


def test_weekly_trend_last_week_open_equals_headline(demo_db):
    from lib.core import store

    with store.connect(demo_db) as con:
        m = dm.compute_monitoring(con, Scope())
    last = m.trend.iloc[-1]
    assert last["open_end"] == m.county["suspected"] + m.county["dropouts"]
    assert m.trend["week_start"].iloc[0] <= m.notes["term_start"]
