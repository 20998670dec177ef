"""A leader searches a child by full name: the browser receives the masked hits only, never the
name typed back in full from the store; an administrator then finds that search in 审计日志 by
typing the same name (the log itself holds only a fingerprint and the masked shape)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import APP_TIMEOUT_MS, block_outside_network, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser

PLANTED = "欧阳翠花"


@pytest.fixture(scope="module")
def search_db(demo_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("privacy_search") / "edu.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute(
        "UPDATE students SET name = ? WHERE student_id = (SELECT min(student_id) FROM students WHERE status = '在校')",
        [PLANTED],
    )
    con.close()
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, search_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(search_db)})


def test_a_leaders_search_is_masked_and_an_auditor_finds_it(
    page: Page, browser, app_url: str, search_db: Path, screenshot_dir: Path
) -> None:
    block_outside_network(page)
    frames: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())),
    )
    page.set_viewport_size({"width": 1440, "height": 1200})
    login_as(page, "leader", app_url, db=search_db)
    page.goto(f"{app_url}/risk")
    wait_for_app(page)
    page.get_by_role("tab", name="学生档案").click()
    settle(page)
    search = page.get_by_role("textbox", name="按姓名、身份证号或学籍号查找(范围内)")
    expect(search).to_be_visible()  # a lazy tab: drawn by the rerun the click starts
    search.fill(PLANTED)
    page.get_by_role("button", name="查找", exact=True).click()
    settle(page)
    expect(page.get_by_text("欧**花").first).to_be_visible(timeout=APP_TIMEOUT_MS)
    page.screenshot(path=str(screenshot_dir / "privacy_search_leader.png"), full_page=True)
    received = b"".join(frames)
    assert "欧**花".encode() in received and PLANTED.encode() not in received

    admin = browser.new_context(viewport={"width": 1440, "height": 1200}, locale="zh-CN")
    apage = admin.new_page()
    block_outside_network(apage)
    login_as(apage, "admin", app_url, db=search_db)
    apage.goto(f"{app_url}/admin_audit")
    wait_for_app(apage)
    apage.get_by_text("查找某个学生被谁查找过").first.click()  # the expander (its box repeats the words)
    settle(apage)
    box = apage.get_by_role(
        "textbox", name="查找某个学生被谁查找过(输入姓名或身份证号；日志中只存查询的指纹与脱敏形式)"
    )
    box.fill(PLANTED)
    box.press("Enter")
    settle(apage)
    expect(apage.get_by_text("1 次查找")).to_be_visible(timeout=APP_TIMEOUT_MS)
    apage.screenshot(path=str(screenshot_dir / "privacy_search_audit.png"), full_page=True)
    admin.close()
