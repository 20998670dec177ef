"""The real app in headless chromium, network fenced to localhost: 总览 renders its numbers and map."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_map_drawn, block_outside_network, login_as, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(streamlit_server, demo_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(demo_db)})


def test_overview_numbers_and_map(page: Page, app_url: str, demo_db: Path, screenshot_dir: Path) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    login_as(page, "county", app_url, db=demo_db)
    page.goto(app_url)
    wait_for_app(page)

    expect(page.get_by_text("演示数据，非真实统计").first).to_be_visible()
    metrics = page.locator("[data-testid='stMetric']")
    expect(metrics).to_have_count(9)
    for label in (
        "在校学生",
        "学龄人口",
        "学校",
        "疑似辍学",
        "辍学",
        "巩固率",
        "资助覆盖率",
        "按时足额发放率",
        "重点关注学生",
    ):
        expect(metrics.filter(has_text=label).first).to_be_visible()
    # the value is a number, not a dash
    value = metrics.filter(has_text="在校学生").first.locator("[data-testid='stMetricValue']").inner_text()
    assert value.replace(",", "").replace("万", "").replace(".", "").isdigit(), value

    frame = assert_map_drawn(page)
    expect(frame.locator("svg path.leaflet-interactive")).to_have_count(30)  # one per township
    page.screenshot(path=str(screenshot_dir / "overview.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"


def test_township_filter_from_url_narrows_the_map(page: Page, app_url: str, demo_db: Path) -> None:
    block_outside_network(page)
    login_as(page, "county", app_url, db=demo_db)
    page.goto(f"{app_url}/?township=411503101")
    wait_for_app(page)
    expect(page.get_by_text("明港镇").first).to_be_visible()
    frame = assert_map_drawn(page)
    expect(frame.locator("svg path.leaflet-interactive")).to_have_count(1)
