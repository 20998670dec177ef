"""汇报模式 in the real app (network fenced to localhost): no sidebar, big numbers, keys step, the map draws."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_map_drawn, block_outside_network, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy: making the 简报 records a background job in the store."""
    path = tmp_path_factory.mktemp("present") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _title(page: Page):
    return page.locator(".pm-title")


def test_meeting_view_steps_with_the_keyboard(page: Page, app_url: str, db_copy: Path, screenshot_dir: Path):
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 900})
    login_as(page, "leader", app_url, db=db_copy)
    page.goto(f"{app_url}/?present=1")  # the URL switch: any page becomes the meeting view
    wait_for_app(page)

    expect(_title(page)).to_have_text("1. 关键指标")
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    expect(page.locator(".pm .card")).to_have_count(9)
    value = page.locator(".pm .card .value").first
    size = float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 40  # readable from the back of the room
    page.screenshot(path=str(screenshot_dir / "present_numbers.png"))

    page.locator(".pm-title").click()  # focus off the slide picker, so the arrow keys reach the app
    page.keyboard.press("ArrowRight")
    settle(page)
    expect(_title(page)).to_have_text("2. 乡镇红名单")
    expect(page.locator(".pm table.red tbody tr").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "present_red_list.png"))

    page.get_by_role("button", name="下一页").click()
    settle(page)
    expect(_title(page)).to_have_text("3. 学校分布与巩固率")
    frame = assert_map_drawn(page)
    expect(frame.locator(".edu-school").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "present_map.png"))

    page.get_by_role("button", name="下一页").click()
    settle(page)
    expect(_title(page)).to_have_text("4. 控辍保学")
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    page.screenshot(path=str(screenshot_dir / "present_dropout.png"))

    page.get_by_role("button", name="下一页").click()
    settle(page)
    expect(_title(page)).to_have_text("5. 学生资助")
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    page.screenshot(path=str(screenshot_dir / "present_aid.png"))

    page.get_by_role("button", name="下一页").click()
    settle(page)
    expect(_title(page)).to_have_text("6. 简报与存档")
    page.screenshot(path=str(screenshot_dir / "present_export.png"))
    # the 简报 is made in a background job: its download is offered once it has finished
    page.get_by_role("button", name="生成简报 (HTML)").click()
    get = page.get_by_role("button", name="下载简报 (HTML，离线可打开、可打印)")
    expect(get).to_be_visible(timeout=120_000)
    settle(page)
    page.screenshot(path=str(screenshot_dir / "present_export_ready.png"))
    with page.expect_download(timeout=120_000) as download:
        get.click()
    assert download.value.suggested_filename == "简报_全区_2026-11-20.html"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "一、关键指标" in text and "<script src=" not in text

    page.locator(".pm-title").click()
    page.keyboard.press("ArrowLeft")
    settle(page)
    expect(_title(page)).to_have_text("5. 学生资助")

    page.get_by_role("button", name="退出汇报模式").click()
    settle(page)
    # back on the 总览, sidebar and all
    expect(page.locator("[data-testid='stMetric']").first).to_be_visible()
    expect(page.locator("[data-testid='stSidebar']")).to_be_visible()
    assert blocked == [], f"requests to outside hosts: {blocked}"
