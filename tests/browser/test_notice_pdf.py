"""Every notice (四书) fits one A4 page: printed to PDF by Chromium, pages counted.

The case is written long on purpose (a long school and village name, a 15-digit-looking guardian
name) so that the receipt at the foot of the page is the first thing to spill over if the layout
grows."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page

from lib.dropout import notices

pytestmark = pytest.mark.browser

CASE = {
    "name": "欧阳梓涵",
    "sex": "女",
    "id_number": "34052419800101001X",
    "birth_date": date(2012, 5, 17),
    "guardian_name": "欧阳建国",
    "township_name": "明港镇(新集管理区)",
    "village_name": "大王庄村民委员会第十二村民小组",
    "school_name": "信阳市平桥区明港镇第二初级中学(九年一贯制)",
    "grade": 8,
    "reported_on": date(2026, 10, 12),
}


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF: its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("kind", notices.TEMPLATES)
def test_each_notice_prints_on_one_a4_page(page: Page, kind: str, screenshot_dir) -> None:
    notice = {
        "notice_id": "WS411503-00123-02",
        "kind": kind,
        "issued_on": date(2026, 11, 20),
        "deadline_on": date(2026, 12, 5),
    }
    html = notices.render_notice(CASE, notice, previous="《限期复学通知书》(WS411503-00123-01)")
    page.set_content(html)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf_pages(pdf) == 1, f"{kind}: {pdf_pages(pdf)} pages"
    assert "送达回执" in page.content()  # the receipt is there, on that one page
    page.screenshot(path=str(screenshot_dir / f"notice_{kind}.png"), full_page=True)


def test_the_page_counter_counts(page: Page) -> None:
    """Two pages of text are counted as two: the assertion above can fail."""
    page.set_content("<html><body>" + "<p>第一段</p>" * 200 + "</body></html>")
    assert pdf_pages(page.pdf(format="A4")) >= 2
