"""AppTest of 布局规划: closing schools recounts 无法安置 and 大班额; a map click places a new school;
a scenario is compared with another; the optimiser shows which schools close and why before
its result can become the scenario, and a failed solve offers nothing."""

from __future__ import annotations

from unittest import mock

import duckdb

from lib.ops import jobs

from .conftest import open_page


def _number(cell):
    """A cell as the table writes it (52,940; 1.8; —) back to a number."""
    if isinstance(cell, str):
        text = cell.replace(",", "").replace("%", "").replace("±", "").strip()
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            return cell
    return cell


def _compare(at):
    df = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    pairs = zip(df[df.columns[1]].map(_number), df["方案"].map(_number), strict=True)
    return dict(zip(df["指标"], pairs, strict=True))


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_planning_page_renders_with_no_changes(demo_db):
    at = open_page("planning")
    assert not at.exception, at.exception
    assert at.title[0].value == "布局规划"
    rows = _compare(at)
    assert rows["学龄儿童"][0] == rows["学龄儿童"][1] > 0
    assert rows["就近可达"][0] == rows["就近可达"][1]
    assert rows["无法安置"] == (0, 0)


def test_closing_two_schools_counts_unplaced_and_recounts_large_classes(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        codes = [
            r[0]
            for r in con.execute(
                "SELECT code FROM schools WHERE level = '小学' ORDER BY capacity DESC LIMIT 2"
            ).fetchall()
        ]
    at = open_page("planning")
    for code in codes:
        at.selectbox(key="plan_close").set_value(code).run()
        at.button(key="plan_add_close").click().run()
    assert not at.exception, at.exception
    rows = _compare(at)
    assert rows["学龄儿童"][0] == rows["学龄儿童"][1]
    assert rows["学校数"][1] == rows["学校数"][0] - 2
    assert rows["在校生(本学段)"][0] == rows["在校生(本学段)"][1]  # nobody vanishes
    assert rows["大班额班级"][1] >= rows["大班额班级"][0]
    assert _metric(at, "无法安置") == f"{int(rows['无法安置'][1]):,}"
    receiving = next(d.value for d in at.dataframe if "在校生(方案)" in d.value.columns)
    assert (receiving["在校生(方案)"] >= receiving["在校生(现状)"]).all() and len(receiving)


def test_a_map_click_places_a_new_school(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    lon, lat = con.execute("SELECT lon, lat FROM villages ORDER BY code DESC LIMIT 1").fetchone()
    con.close()
    with mock.patch(
        "streamlit_folium._component_func", return_value={"last_clicked": {"lat": lat, "lng": lon}}
    ):
        at = open_page("planning")
        at.radio(key="plan_kind").set_value("add").run()
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
    assert (towns["学校数变化"].map(_number) == 1).sum() == 1  # written "+1" like the cards


def test_an_optimised_network_shows_why_before_it_becomes_the_scenario(fresh_db):
    at = open_page("planning")
    at.radio(key="plan_band").set_value("junior").run()
    at.selectbox(key="opt_model").set_value("mclp").run()
    at.number_input(key="opt_limit").set_value(20).run()
    at.button(key="plan_solve").click().run()
    assert not at.exception, at.exception
    # a background job: wait for it by condition (its thread ends), leave the page and come back
    jobs.wait_all(timeout_s=300)
    at.switch_page("pages/overview.py")
    at.run()
    at.switch_page("pages/planning.py")
    at.run()
    assert not at.exception, at.exception
    assert any("结果完成于" in c.value for c in at.caption)
    why = next(d.value for d in at.dataframe if "撤并学校" in d.value.columns)
    assert len(why) and why["理由"].str.len().min() > 0
    assert at.button(key="plan_use_solution").disabled  # not before the closures are checked
    at.checkbox(key="opt_confirm").check().run()
    at.button(key="plan_use_solution").click().run()
    assert not at.exception, at.exception
    rows = _compare(at)
    assert rows["学校数"][1] == rows["学校数"][0]  # as many opened as closed (k = today's)


def test_a_failed_solve_offers_nothing_to_save(fresh_db):
    at = open_page("planning")
    at.radio(key="plan_band").set_value("junior").run()
    at.number_input(key="opt_k_junior").set_value(2).run()
    at.number_input(key="opt_close_junior").set_value(0).run()
    at.button(key="plan_solve").click().run()
    jobs.wait_all(timeout_s=300)
    at.run()
    assert not at.exception, at.exception
    assert any("没有可保存的方案" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "plan_use_solution"]
