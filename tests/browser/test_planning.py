"""布局规划 in headless chromium, no network: click the map to place a school; close two schools,
see 无法安置 and the recomputed 大班额, save the scenario and compare with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    assert_map_drawn,
    block_outside_network,
    login_as,
    read_sql,
    settle,
    wait_for_app,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(streamlit_server, demo_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(demo_db)})


def _metric(page: Page, label: str) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return card.locator("[data-testid='stMetricValue']").inner_text()


def test_add_a_school_by_clicking_the_map(
    page: Page, app_url: str, demo_db: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1400})
    login_as(page, "county", app_url, db=demo_db)
    page.goto(f"{app_url}/planning")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="布局规划").first).to_be_visible()
    schools_before = _metric(page, "方案学校数")

    page.get_by_text("新建学校(点击地图选址)").click()
    wait_for_app(page)
    frame = assert_map_drawn(page)
    box = frame.locator(".leaflet-container").bounding_box()
    assert box
    # an empty spot: a school marker or a legend would take the click for itself, so try a few
    for fx, fy in ((0.5, 0.5), (0.35, 0.6), (0.6, 0.4), (0.45, 0.3), (0.55, 0.7)):
        frame.locator(".leaflet-container").click(position={"x": box["width"] * fx, "y": box["height"] * fy})
        wait_for_app(page)
        if page.get_by_text("已选位置").count():
            break
    expect(page.get_by_text("已选位置").first).to_be_visible(timeout=30_000)

    page.get_by_role("button", name="加入方案").click()
    settle(page)
    expect(page.get_by_text("规划新校1").first).to_be_visible(timeout=30_000)
    # the change list is drawn before the cards further down: wait for the card, do not read it once
    expected = f"{int(schools_before.replace(',', '')) + 1:,}"
    card = page.locator("[data-testid='stMetric']").filter(has_text="方案学校数").first
    expect(card.locator("[data-testid='stMetricValue']")).to_have_text(expected, timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "planning.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"


@pytest.fixture(scope="module")
def plan_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo store: this test saves a scenario."""
    path = tmp_path_factory.mktemp("planning") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def plan_url(streamlit_server, plan_db: Path) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(plan_db)})


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox ``label`` by typing it (the list is long)."""
    box = page.get_by_role("combobox", name=label, exact=True).locator("visible=true")
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        expect(box).to_have_count(1)
        box.click()
        page.keyboard.type(option)
        try:
            expect(choice).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    choice.click()
    settle(page)


def _card(page: Page, label: str):
    return page.locator("[data-testid='stMetric']").filter(has_text=label).first


def test_close_two_schools_see_unplaced_and_large_classes_save_and_compare(
    page: Page, plan_url: str, plan_db: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1600})
    # the two largest primary schools of the town: some of their pupils live where no other
    # school is within 2.5 km, and their classmates crowd the schools that remain
    names = [
        r[0]
        for r in read_sql(
            plan_db, "SELECT name FROM schools WHERE level = '小学' ORDER BY capacity DESC LIMIT 2"
        )
    ]
    login_as(page, "county", plan_url, db=plan_db)
    page.goto(f"{plan_url}/planning")
    wait_for_app(page)
    expect(_card(page, "无法安置").locator("[data-testid='stMetricValue']")).to_have_text("0")
    large_before = int(
        _card(page, "大班额班级").locator("[data-testid='stMetricValue']").inner_text().replace(",", "")
    )

    for name in names:
        _pick(page, "学校", name)
        page.get_by_role("button", name="加入方案").click()
        settle(page)
        expect(page.get_by_text(f"撤并 {name}").first).to_be_visible(timeout=30_000)

    unplaced = _card(page, "无法安置")
    expect(unplaced.locator("[data-testid='stMetricDelta']")).to_be_visible(timeout=30_000)
    n_unplaced = int(unplaced.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))
    assert n_unplaced > 0
    large = _card(page, "大班额班级")
    expect(large.locator("[data-testid='stMetricDelta']")).to_be_visible()
    assert int(large.locator("[data-testid='stMetricValue']").inner_text().replace(",", "")) > large_before
    page.get_by_role("tab", name="无法安置").locator("visible=true").click()
    # a lazy tab: its table comes with the rerun the click starts
    panel = page.get_by_role("tabpanel").locator("visible=true")
    expect(panel.get_by_test_id("stDataFrame")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("没有无法安置的学生")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "planning_closures.png"), full_page=True)

    page.get_by_text("方案：打开、保存、复制、改名、删除").click()
    page.get_by_label("方案名称").fill("撤并两校")
    page.get_by_label("方案名称").press("Enter")
    settle(page)
    page.get_by_role("button", name="保存", exact=True).click()
    settle(page)
    expect(page.get_by_text("已保存“撤并两校”")).to_be_visible(timeout=30_000)
    assert read_sql(plan_db, "SELECT count(*) FROM scenarios WHERE name = '撤并两校'") == [(1,)]

    # compare: today's network (the editor emptied) against the saved closure
    for _ in names:
        page.get_by_role("button", name="✕").first.click()
        settle(page)
    _pick(page, "对比基准", "撤并两校")
    card = _card(page, "无法安置")
    expect(card.locator("[data-testid='stMetricValue']")).to_have_text("0", timeout=30_000)
    expect(card.locator("[data-testid='stMetricDelta']")).to_contain_text(f"-{n_unplaced:,}")
    expect(page.get_by_text("对比撤并两校").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "planning_compare.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
