"""AppTest of the frame and the 总览 page, and its numbers against independent SQL."""

from __future__ import annotations

import duckdb
import pytest

from lib.core import fmt
from lib.core.scope import Scope

from .conftest import open_page


def _metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def _rows(db, sql):
    con = duckdb.connect(str(db))  # same configuration as the app's, closed at once
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _sql_counts(db, townships=None):
    """Independent counts straight from the store (no lib code)."""
    con = duckdb.connect(str(db))
    t_filter = "TRUE" if townships is None else f"township_code IN ({', '.join(repr(t) for t in townships)})"
    students = con.execute(
        f"SELECT count(*) FROM students WHERE status IN ('在校','送教上门') AND school_code IN "
        f"(SELECT code FROM schools WHERE {t_filter})"
    ).fetchone()[0]
    schools = con.execute(f"SELECT count(*) FROM schools WHERE {t_filter}").fetchone()[0]
    population = con.execute(
        f"SELECT coalesce(sum(persons),0) FROM village_population WHERE year = 2026 AND age BETWEEN 6 AND 14 "
        f"AND village_code IN (SELECT code FROM villages WHERE {t_filter})"
    ).fetchone()[0]
    home = f"village_code IN (SELECT code FROM villages WHERE {t_filter})"
    suspected = con.execute(
        f"SELECT count(*) FROM dropout_cases WHERE status = '疑似辍学' AND reported_on <= DATE '2026-11-20' "
        f"AND {home}"
    ).fetchone()[0]
    dropouts = con.execute(
        f"SELECT count(*) FROM dropout_cases WHERE status IN ('已核实','劝返中') AND reported_on <= DATE '2026-11-20' "
        f"AND {home}"
    ).fetchone()[0]
    con.close()
    return {
        "在校学生": students,
        "学校": schools,
        "学龄人口": population,
        "疑似辍学": suspected,
        "辍学": dropouts,
    }


def test_overview_renders_whole_county(demo_db):
    at = open_page()
    assert not at.exception, at.exception
    assert any("演示数据" in w.value for w in at.warning), "demo banner missing"
    expected = _sql_counts(demo_db)
    for label, n in expected.items():
        assert _metric(at, label) == fmt.fmt_count(n), label
    for label in ("巩固率", "资助覆盖率", "按时足额发放率", "重点关注学生"):
        assert _metric(at, label) not in ("", None)
    assert len(at.dataframe) >= 1


def test_overview_one_township_matches_sql(demo_db):
    town = _rows(demo_db, "SELECT code FROM townships WHERE kind = '镇' ORDER BY code LIMIT 1")[0][0]
    at = open_page(query={"township": town})
    assert not at.exception, at.exception
    expected = _sql_counts(demo_db, [town])
    for label, n in expected.items():
        assert _metric(at, label) == fmt.fmt_count(n), label


def test_url_cannot_widen_a_township_role(demo_db):
    (a,), (b,) = _rows(demo_db, "SELECT code FROM townships WHERE kind='镇' ORDER BY code LIMIT 2")
    at = open_page(role="township", townships=(a,), query={"township": b})
    assert not at.exception
    assert _metric(at, "学校") == fmt.fmt_count(_sql_counts(demo_db, [a])["学校"])


def test_english_interface(demo_db):
    at = open_page(query={"lang": "en"})
    assert not at.exception
    assert any(m.label == "Students enrolled" for m in at.metric)


@pytest.mark.parametrize("measure", ["consolidation", "aid_coverage", "students"])
def test_map_measure_switch(demo_db, measure):
    at = open_page()
    at.selectbox(key="ov_measure").set_value(measure).run()
    assert not at.exception


def test_scope_figures_from_lib_match_sql(demo_db):
    """The lib pipeline itself (no UI) gives the SQL counts for a township Scope."""
    from lib.core import store
    from lib.overview import metrics

    town = _rows(demo_db, "SELECT code FROM townships WHERE kind = '乡' ORDER BY code LIMIT 1")[0][0]
    with store.connect(demo_db) as c:
        ov = metrics.compute_overview(c, Scope(townships=(town,)))
    expected = _sql_counts(demo_db, [town])
    assert ov.county["students"] == expected["在校学生"]
    assert ov.county["schools"] == expected["学校"]
    assert ov.county["population"] == expected["学龄人口"]
    assert ov.county["suspected"] == expected["疑似辍学"]
    assert ov.county["dropouts"] == expected["辍学"]
