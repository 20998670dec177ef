"""The map draws with the network fenced off: every script and stylesheet comes from static/vendor."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_map_drawn, block_outside_network, wait_for_app

pytestmark = pytest.mark.browser

MINI_APP = Path(__file__).with_name("mini_map_app.py")


@pytest.fixture(scope="module")
def mini_app_url(streamlit_server) -> str:
    return streamlit_server(MINI_APP)


def test_map_draws_offline(page: Page, mini_app_url: str, screenshot_dir: Path) -> None:
    blocked = block_outside_network(page)
    vendor_responses: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: vendor_responses.append((r.url, r.status)) if "/app/static/vendor/" in r.url else None,
    )

    page.goto(mini_app_url)
    wait_for_app(page)
    frame = assert_map_drawn(page)

    # Three townships and the county outline; the legend is the HTML one (no d3).
    expect(frame.locator("svg path.leaflet-interactive")).to_have_count(3)
    expect(frame.locator("svg path")).to_have_count(4)
    legend = frame.locator(".edu-map-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("九年义务教育巩固率")
    expect(legend).to_contain_text("无数据")
    fills = sorted(
        frame.locator("svg path.leaflet-interactive").evaluate_all(
            "ps => ps.map(p => p.getAttribute('fill'))"
        )
    )
    assert fills == sorted(["#d73027", "#fdae61", "#bdbdbd"])
    expect(page.get_by_text("map-rendered")).to_be_visible()

    page.screenshot(path=str(screenshot_dir / "offline_map.png"), full_page=True)

    assert blocked == [], f"requests to outside hosts: {blocked}"
    loaded = {url.split("/app/static/vendor/")[1]: status for url, status in vendor_responses}
    assert {"leaflet/leaflet.js", "leaflet/leaflet.css", "jquery/jquery.min.js"} <= set(loaded)
    assert all(status == 200 for status in loaded.values()), loaded


def test_tooltip_shows_name_and_value(page: Page, mini_app_url: str, screenshot_dir: Path) -> None:
    block_outside_network(page)
    page.goto(mini_app_url)
    wait_for_app(page)
    frame = assert_map_drawn(page)

    red = frame.locator("svg path.leaflet-interactive[fill='#d73027']")
    red.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("甲镇")
    expect(tooltip).to_contain_text("95.0%")
    page.screenshot(path=str(screenshot_dir / "offline_map_tooltip.png"))
