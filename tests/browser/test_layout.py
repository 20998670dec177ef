"""学校布局 in headless chromium with no network: boundaries, schools and children drawn; a click opens
a card; the map downloads as a server-drawn PNG."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_map_drawn, block_outside_network, login_as, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(streamlit_server, demo_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(demo_db)})


def test_layout_map_layers_and_school_card(
    page: Page, app_url: str, demo_db: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1400})
    login_as(page, "county", app_url, db=demo_db)
    page.goto(f"{app_url}/layout")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="学校布局").first).to_be_visible()

    frame = assert_map_drawn(page)
    # boundaries: 30 township polygons (+ the county outline, not interactive)
    expect(frame.locator("path.leaflet-interactive").first).to_be_visible()
    assert frame.locator("path.leaflet-interactive").count() > 30 + 100  # townships + village bubbles
    schools = frame.locator(".edu-school-icon")
    assert schools.count() > 100  # one marker per primary school / teaching point
    expect(page.get_by_text("点击地图上的学校").first).to_be_visible()

    schools.nth(3).click(force=True)
    wait_for_app(page)
    expect(page.get_by_text("点击地图上的学校")).to_have_count(0, timeout=30_000)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="核定学位").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "layout.png"), full_page=True)

    # the map as a PNG drawn by the server, not by this browser
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="下载地图 (PNG)").click()
    png = Path(got.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert got.value.suggested_filename.endswith(".png")
    assert blocked == [], f"requests to outside hosts: {blocked}"
