"""The 简报 HTML file opens in headless Chromium with the network fenced off: charts, map, Chinese, A4 print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from lib.core import store
from lib.core.scope import Scope
from lib.overview import briefing
from tests.browser.helpers import block_outside_network

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def briefing_file(demo_db, tmp_path_factory) -> tuple[Path, briefing.Briefing]:
    out = tmp_path_factory.mktemp("briefing") / "简报.html"
    scope = Scope(role="leader", user="browser-test")
    briefing.write_briefing(scope, out)
    with store.connect(demo_db) as con:
        b = briefing.compute_briefing(con, scope)
    return out, b


def _open(context: BrowserContext, path: Path) -> tuple[Page, list[str], list[str]]:
    """The file opened with every other request aborted and the browser offline."""
    blocked = block_outside_network(context)  # everything not on this machine is aborted ...
    context.set_offline(True)  # ... and the browser has no network at all
    page = context.new_page()
    page.route(path.as_uri(), lambda route: route.continue_())  # the one file it may read
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    return page, blocked, errors


def test_briefing_opens_offline_with_charts_and_map(
    context: BrowserContext, briefing_file, screenshot_dir: Path
):
    path, b = briefing_file
    page, blocked, errors = _open(context, path)

    expect(page.locator("h1")).to_contain_text("控辍保学与学生资助工作简报")
    # four plotly charts, each with drawn bars (plotly.js came from the file itself)
    charts = page.locator(".plotly-graph-div")
    expect(charts).to_have_count(4)
    for i in range(4):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible()
        assert charts.nth(i).locator("g.trace").count() >= 1
    expect(page.locator(".plotly-graph-div").nth(3)).to_contain_text("按时足额发放率")

    # the map: Leaflet inlined in the iframe drew every township and every school
    frame = page.frame_locator("iframe.map")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    expect(frame.locator("svg path.leaflet-interactive")).to_have_count(len(b.overview.townships))
    expect(frame.locator(".edu-school")).to_have_count(len(b.schools))
    expect(frame.locator(".edu-map-legend").filter(has_text="巩固率")).to_have_count(
        1
    )  # beside the schools legend

    # the red list, in Chinese, as the lib computed it
    rows = page.locator("table.red tbody tr")
    expect(rows).to_have_count(len(briefing.red_list(b)))
    expect(rows.first).to_contain_text(briefing.red_list(b)["name"].iloc[0])
    # Chinese drawn with a CJK font, not as empty boxes: a Chinese heading is as wide as its characters
    width = page.locator("h1").evaluate(
        "h => { const r = document.createRange(); r.selectNodeContents(h); return r.getBoundingClientRect().width; }"
    )
    assert width > 16 * 10

    page.wait_for_timeout(500)  # let the map's fitBounds settle before the picture
    page.screenshot(path=str(screenshot_dir / "briefing.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
    assert errors == [], errors


def test_briefing_prints_on_a4_landscape(context: BrowserContext, briefing_file, screenshot_dir: Path):
    path, _ = briefing_file
    page, blocked, errors = _open(context, path)
    expect(page.locator(".plotly-graph-div").first.locator(".main-svg").first).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (screenshot_dir / "briefing.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for w, h in boxes:  # A4 landscape is 842 x 595 points
        assert abs(float(w) - 841.89) < 2 and abs(float(h) - 595.28) < 2, (w, h)
    assert 3 <= len(boxes) <= 6  # numbers and red list, map, dropout, aid (and the notes)
    assert blocked == [] and errors == []
