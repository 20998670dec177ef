"""汇报模式 on a projector: every slide at 1280×720 (and the chart slides at 1920×1080) is
screenshotted; no chart text is cut by its chart's edge, none sits on a reference line, axis
text is at least 14 px, the chart ends on the screen; no Latin-only interface text shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from lib.overview import briefing
from tests.browser.helpers import assert_map_drawn, block_outside_network, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser

#: A visible text with Latin letters and nothing else (digits, Chinese) beside them: "Upload",
#: "Choose an option", "Leaflet".  Units after a number ("10 km") are not Latin-only.
LATIN_ONLY = re.compile(r"^[A-Za-z][A-Za-z .,'’:;!?()/&+\-]*$")
#: Slides whose charts are checked text by text.
CHART_SLIDES = (4, 5)

#: Every visible text node of a document (Material icons are drawn from their ligature names:
#: they show an icon, not the word).
_TEXTS_JS = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script,style,noscript,[data-testid="stIconMaterial"],.material-icons')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || parseFloat(style.fontSize) === 0) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) continue;
    out.push(text);
  }
  return out;
}
"""

#: For one plotly chart: its box, each text's box and size, and the reference lines' boxes.
_CHART_JS = """
(plot) => {
  const box = plot.querySelector('.svg-container').getBoundingClientRect();
  const texts = [];
  for (const t of plot.querySelectorAll('svg text')) {
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const kind = t.closest('.xtick,.ytick') ? 'tick' : (t.closest('.legend') ? 'legend' : 'other');
    texts.push({text: t.textContent, kind, size: parseFloat(getComputedStyle(t).fontSize),
                left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  }
  const lines = [];
  for (const p of plot.querySelectorAll('.shapelayer path')) {
    const r = p.getBoundingClientRect();
    lines.push({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  }
  return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}, texts, lines,
          screen: innerHeight};
}
"""


@pytest.fixture(scope="module")
def app_url(streamlit_server, demo_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(demo_db)})


def _latin_only(frames: list[Frame]) -> list[str]:
    found: list[str] = []
    for frame in frames:
        try:
            texts = frame.evaluate(_TEXTS_JS)
        except Exception:  # a frame navigating away while read (a component reloading)
            continue
        found += [t for t in texts if LATIN_ONLY.match(t) and len(t) > 1]
    return found


def _overlaps(a: dict, b: dict, pad: float = 0.5) -> bool:
    return (
        a["left"] < b["right"] - pad
        and a["right"] > b["left"] + pad
        and a["top"] < b["bottom"] - pad
        and a["bottom"] > b["top"] + pad
    )


def _check_charts(page: Page, where: str) -> None:
    plots = page.locator(".js-plotly-plot")
    expect(plots).to_have_count(2)
    for i in range(2):
        got = plots.nth(i).evaluate(_CHART_JS)
        box = got["box"]
        assert box["bottom"] <= got["screen"] + 1, f"{where}: chart {i} runs off the screen"
        assert got["texts"], f"{where}: chart {i} drew no text"
        for t in got["texts"]:
            inside = (
                t["left"] >= box["left"] - 1
                and t["right"] <= box["right"] + 1
                and t["top"] >= box["top"] - 1
                and t["bottom"] <= box["bottom"] + 1
            )
            assert inside, f"{where}: chart {i} cuts “{t['text']}” ({t}) at its edge ({box})"
            if t["kind"] in ("tick", "legend"):
                assert t["size"] >= 14, f"{where}: “{t['text']}” is {t['size']} px on a slide"
            for line in got["lines"]:
                assert not _overlaps(t, line), f"{where}: “{t['text']}” lies on a reference line"


@pytest.mark.parametrize("viewport", [(1280, 720)])
def test_every_slide_reads_on_a_projector(
    page: Page, app_url: str, demo_db: Path, screenshot_dir: Path, viewport: tuple[int, int]
):
    blocked = block_outside_network(page)
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    login_as(page, "leader", app_url, db=demo_db)
    page.goto(f"{app_url}/?present=1")
    wait_for_app(page)
    titles = list(briefing.SLIDES.values())
    for n, title in enumerate(titles, start=1):
        expect(page.locator(".pm-title")).to_have_text(f"{n}. {title}")
        page.mouse.move(1, height - 1)  # no button tooltip over the slide
        if n == 3:
            frame = assert_map_drawn(page)
            expect(frame.locator(".edu-area-label div").first).to_be_visible()
            names = frame.locator(".edu-area-label div").evaluate_all(
                "els => els.filter(e => getComputedStyle(e.parentElement).visibility !== 'hidden').length"
            )
            assert names >= 20, f"only {names} township names readable on the map slide"
        if n in CHART_SLIDES:
            _check_charts(page, f"slide {n} at {width}×{height}")
        page.screenshot(path=str(screenshot_dir / f"slide{n}_{width}x{height}.png"))
        latin = _latin_only(page.frames)
        assert latin == [], f"slide {n}: English interface text {latin}"
        if n < len(titles):
            page.get_by_role("button", name="下一页").click()
            settle(page)
    assert blocked == [], f"requests to outside hosts: {blocked}"


def test_chart_slides_at_full_hd(page: Page, app_url: str, demo_db: Path, screenshot_dir: Path):
    page.set_viewport_size({"width": 1920, "height": 1080})
    login_as(page, "leader", app_url, db=demo_db)
    page.goto(f"{app_url}/?present=1")
    wait_for_app(page)
    titles = list(briefing.SLIDES.values())
    for n in CHART_SLIDES:
        # the step bar's picker by its name: the hidden sidebar's 乡镇 picker can come first in the page
        page.get_by_role("combobox", name="页", exact=True).click()
        page.get_by_role("option", name=f"{n} / {len(titles)} · {titles[n - 1]}").click()
        settle(page)
        expect(page.locator(".pm-title")).to_have_text(f"{n}. {titles[n - 1]}")
        page.mouse.move(1, 1079)
        _check_charts(page, f"slide {n} at 1920×1080")
        page.screenshot(path=str(screenshot_dir / f"slide{n}_1920x1080.png"))
