"""Logging in for real: a township user sees only the township; a leader's browser never receives
a full name or ID number; wrong passwords lock the account; a refresh keeps the login, logout ends it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from lib.core import ids
from tests.accounts import DEFAULT_TOWNSHIP, ensure_test_account
from tests.browser.helpers import APP_TIMEOUT_MS, block_outside_network, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sec_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo store: these tests lock accounts and fill the audit log on purpose."""
    path = tmp_path_factory.mktemp("security") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, sec_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(sec_db)})


def _capture_websocket(page: Page) -> list[bytes]:
    """Every frame the server sends to this page (the data of tables travels in them)."""
    frames: list[bytes] = []

    def on_ws(ws) -> None:
        ws.on(
            "framereceived",
            lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode()),
        )

    page.on("websocket", on_ws)
    return frames


def _masked_ids(db: Path, inside: bool) -> set[str]:
    """Masked IDs of students inside (or only outside) the default township's Scope (docs/scope.md)."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT st.id_number, (s.township_code = ? OR v.township_code = ?) AS inside FROM students st "
        "LEFT JOIN schools s ON s.code = st.school_code LEFT JOIN villages v ON v.code = st.village_code "
        "WHERE st.id_number IS NOT NULL",
        [DEFAULT_TOWNSHIP, DEFAULT_TOWNSHIP],
    ).fetchall()
    con.close()
    mine = {ids.mask_id(i) for i, flag in rows if flag}
    return mine if inside else {ids.mask_id(i) for i, flag in rows if not flag} - mine


def test_township_user_sees_only_the_township(
    page: Page, app_url: str, sec_db: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1400})
    login_as(page, "township", app_url, db=sec_db)
    con = duckdb.connect(str(sec_db), read_only=True)
    names = dict(con.execute("SELECT code, name FROM townships").fetchall())
    con.close()
    other = next(c for c in names if c != DEFAULT_TOWNSHIP)
    page.goto(f"{app_url}/?township={other}")  # asks for another township in the URL
    wait_for_app(page)
    header = page.get_by_test_id("stCaptionContainer").filter(has_text="数据截至").first
    expect(header).to_contain_text(names[DEFAULT_TOWNSHIP])
    expect(header).not_to_contain_text(names[other])
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="账号管理")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "security_township.png"), full_page=True)

    frames = _capture_websocket(page)
    page.goto(f"{app_url}/risk?township={other}")
    wait_for_app(page)
    expect(page.get_by_text("风险分").first).to_be_visible()
    received = b"".join(frames).decode("utf-8", errors="ignore")
    assert any(m in received for m in _masked_ids(sec_db, inside=True)), "its own children are listed"
    outside = [m for m in _masked_ids(sec_db, inside=False) if m in received]
    assert not outside, outside[:5]
    assert blocked == []


def test_leader_receives_no_full_name_or_id(page: Page, app_url: str, sec_db: Path) -> None:
    block_outside_network(page)
    frames = _capture_websocket(page)
    page.set_viewport_size({"width": 1440, "height": 1400})
    login_as(page, "leader", app_url, db=sec_db)
    page.goto(f"{app_url}/risk")
    wait_for_app(page)
    expect(page.get_by_text("姓名、证件号、电话已脱敏").first).to_be_visible()
    expect(page.get_by_role("button", name="显示完整信息")).to_have_count(0)
    received = b"".join(frames)
    assert len(received) > 10_000, "the risk list did reach the browser"
    con = duckdb.connect(str(sec_db), read_only=True)
    ids = [r[0] for r in con.execute("SELECT id_number FROM students WHERE id_number IS NOT NULL").fetchall()]
    names = [r[0] for r in con.execute("SELECT name FROM students WHERE length(name) >= 3").fetchall()]
    con.close()
    leaked_ids = [i for i in ids if i.encode() in received]
    leaked_names = [n for n in names if n.encode() in received]
    assert not leaked_ids, leaked_ids[:5]
    assert not leaked_names, leaked_names[:5]


def test_wrong_passwords_lock_refresh_keeps_logout_ends(page: Page, app_url: str, sec_db: Path) -> None:
    block_outside_network(page)
    account = ensure_test_account("school", path=sec_db)
    page.goto(app_url)
    wait_for_app(page)
    for _ in range(5):
        page.get_by_label("用户名").fill(account.name)
        page.get_by_label("密码", exact=True).fill("not-the-password")
        page.get_by_role("button", name="登录", exact=True).click()
        settle(page)
    expect(page.get_by_text("账号已锁定").first).to_be_visible(timeout=APP_TIMEOUT_MS)
    con = duckdb.connect(str(sec_db), read_only=True)
    locked = con.execute(
        "SELECT locked_until IS NOT NULL FROM accounts WHERE name = ?", [account.name]
    ).fetchone()[0]
    con.close()
    assert locked
    # a fresh account logs in; a refresh keeps the login; logout ends it, also for a refresh
    login_as(page, "county", app_url, db=sec_db)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=APP_TIMEOUT_MS)
    page.get_by_role("button", name="退出登录").click()
    settle(page)
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=APP_TIMEOUT_MS)
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=APP_TIMEOUT_MS)
