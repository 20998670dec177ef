"""AppTest of 学校布局: numbers, table, and a (patched) click on a school showing its card."""

from __future__ import annotations

from unittest import mock

import duckdb

from lib.core import fmt

from .conftest import open_page


def _metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def _primary_children(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(
            con.execute(
                "SELECT sum(persons) FROM village_population WHERE year = 2026 AND age BETWEEN 6 AND 11"
            ).fetchone()[0]
        )
    finally:
        con.close()


def test_layout_page_renders_numbers_and_table(demo_db):
    at = open_page("layout")
    assert not at.exception, at.exception
    assert at.title[0].value == "学校布局"
    assert _metric(at, "学龄儿童") == fmt.fmt_count(_primary_children(demo_db))
    assert _metric(at, "就近可达比例").endswith("%")
    assert len(at.dataframe) >= 1
    assert any("点击地图上的学校" in c.value for c in at.caption)


def test_junior_band_and_projected_year(demo_db):
    at = open_page("layout")
    at.radio(key="lay_band").set_value("junior").run()
    assert not at.exception, at.exception
    first = _metric(at, "就近可达比例")
    at.selectbox(key="lay_year").set_value(2031).run()
    assert not at.exception, at.exception
    assert _metric(at, "就近可达比例") != "—" and first


def test_a_click_on_a_school_shows_its_card(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    name, lon, lat = con.execute(
        "SELECT name, lon, lat FROM schools WHERE level = '小学' ORDER BY code LIMIT 1"
    ).fetchone()
    con.close()
    click = {"last_object_clicked": {"lat": lat, "lng": lon}}
    with mock.patch("streamlit_folium._component_func", return_value=click):
        at = open_page("layout")
    assert not at.exception, at.exception
    assert any(name in md.value for md in at.markdown), "school card missing"
    assert _metric(at, "在校生") not in ("", None)


def test_a_township_account_sees_its_townships_schools_seats_and_beds(demo_db):
    from lib.core import store
    from tests.layout_sql import pick_town, sql_figures

    with store.connect(demo_db) as con:
        town = pick_town(con)
    want = sql_figures(demo_db, town)
    at = open_page("layout", role="township", townships=(town,))
    assert not at.exception, at.exception
    assert _metric(at, "学龄儿童") == fmt.fmt_count(want["children"])
    assert _metric(at, "超容量学校") == f"{want['over_capacity']:,}"
    assert _metric(at, "不足100人学校") == f"{want['small_schools']:,}"
    assert _metric(at, "寄宿床位") == f"{want['boarding_beds']:,}"
    assert any("超出就近距离的村" in h.value for h in at.subheader)
