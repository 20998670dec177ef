"""布局规划 in headless chromium, no network: click the map to place a school and see the numbers change."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_map_drawn, block_outside_network, login_as, settle, wait_for_app

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
    # an empty spot (a school marker would take the click for itself)
    frame.locator(".leaflet-container").click(position={"x": box["width"] * 0.85, "y": box["height"] * 0.2})
    wait_for_app(page)
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
