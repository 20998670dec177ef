"""AppTest of 布局规划: a scenario closes a school and the numbers change; a map click places a new school."""

from __future__ import annotations

from unittest import mock

import duckdb

from .conftest import open_page


def _compare(at):
    df = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    return dict(zip(df["指标"], zip(df[df.columns[1]], df["方案"], strict=True), strict=True))


def test_planning_page_renders_with_no_changes(demo_db):
    at = open_page("planning")
    assert not at.exception, at.exception
    assert at.title[0].value == "布局规划"
    rows = _compare(at)
    assert rows["学龄儿童"][0] == rows["学龄儿童"][1] > 0
    assert rows["就近可达"][0] == rows["就近可达"][1]


def test_closing_a_school_changes_the_numbers_but_not_the_children(demo_db):
    at = open_page("planning")
    at.radio(key="plan_band").set_value("junior").run()
    at.button(key="plan_add_close").click().run()
    assert not at.exception, at.exception
    rows = _compare(at)
    assert rows["学龄儿童"][0] == rows["学龄儿童"][1]
    assert rows["学校数"][1] == rows["学校数"][0] - 1
    assert rows["平均距离(km)"][1] >= rows["平均距离(km)"][0]


def test_a_map_click_places_a_new_school(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    lon, lat = con.execute("SELECT lon, lat FROM villages ORDER BY code DESC LIMIT 1").fetchone()
    con.close()
    with mock.patch("streamlit_folium.st_folium", return_value={"last_clicked": {"lat": lat, "lng": lon}}):
        at = open_page("planning")
        at.radio(key="plan_kind").set_value("新建学校(点击地图选址)").run()
        at.button(key="plan_add_new").click().run()
    assert not at.exception, at.exception
    rows = _compare(at)
    assert rows["学校数"][1] == rows["学校数"][0] + 1
    assert any("规划新校1" in c.value for c in at.caption)


def test_a_scenario_is_compared_with_another_and_by_township(fresh_db):
    from lib.core.scope import Scope
    from lib.layout import planning

    with duckdb.connect(str(fresh_db), read_only=True) as con:
        code = con.execute("SELECT code FROM schools WHERE level = '初中' ORDER BY code LIMIT 1").fetchone()[
            0
        ]
    planning.save_scenario(Scope(user="p", role="planner"), "撤一所初中", [{"op": "close", "code": code}])
    at = open_page("planning")
    at.radio(key="plan_band").set_value("junior").run()
    at.selectbox(key="plan_base").set_value("撤一所初中").run()
    assert not at.exception, at.exception
    rows = _compare(at)  # the editor is empty (today's network) against the saved closure
    assert rows["学校数"][1] == rows["学校数"][0] + 1
    assert rows["学龄儿童"][0] == rows["学龄儿童"][1]
    towns = next(d.value for d in at.dataframe if "乡镇" in d.value.columns and "有变化" in d.value.columns)
    assert towns["有变化"].iloc[0] == "是"  # the township that lost the school is listed first
    assert (towns["学校数变化"] == 1).sum() == 1
