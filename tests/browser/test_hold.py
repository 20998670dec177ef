"""Held against attack, in the real server (``serve.py``, as ``make run`` starts it):

- a file that lands in ``static/`` (a backup, an export) is not served, while the vendored
  map assets are (before: ``curl /app/static/edu-<time>.duckdb`` returned the whole store);
- a logout in one tab ends the other tabs of the account at their next step (before: they
  stayed live and minted fresh cookies)."""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from lib.core import config
from tests.browser.helpers import APP_TIMEOUT_MS, block_outside_network, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hold_db(demo_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hold") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def serve_url(streamlit_server, hold_db) -> str:
    return streamlit_server("serve.py", env={"EDU_DB": str(hold_db)})


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_static_serves_only_the_vendored_assets(serve_url: str) -> None:
    stray = config.STATIC_DIR / "edu-20261120T083000.duckdb"
    stray.write_bytes(b"pretend this is the whole store")
    try:
        assert _status(f"{serve_url}/app/static/vendor/leaflet/leaflet.js") == 200
        assert _status(f"{serve_url}/app/static/favicon.png") == 200
        assert _status(f"{serve_url}/app/static/edu-20261120T083000.duckdb") == 404
        assert _status(f"{serve_url}/app/static/vendor/SHA256SUMS") == 404
        assert _status(f"{serve_url}/app/static/vendor/../edu-20261120T083000.duckdb") in (400, 404)
    finally:
        stray.unlink()


def test_logout_in_one_tab_ends_the_other(browser: Browser, serve_url: str, hold_db: Path) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    try:
        tab_a = context.new_page()
        block_outside_network(context)
        login_as(tab_a, "county", serve_url, db=hold_db)
        tab_b = context.new_page()  # the same browser: the cookie resumes the login
        tab_b.goto(f"{serve_url}/todo")
        wait_for_app(tab_b)
        expect(tab_b.get_by_role("button", name="退出登录")).to_be_visible(timeout=APP_TIMEOUT_MS)

        tab_a.get_by_role("button", name="退出登录").click()
        settle(tab_a)
        expect(tab_a.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=APP_TIMEOUT_MS)

        # tab B, still open, takes its next step: it is over, without a reload
        tab_b.get_by_test_id("stSidebarNav").get_by_role("link", name="总览").click()
        settle(tab_b)
        expect(tab_b.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=APP_TIMEOUT_MS)
        expect(tab_b.get_by_text("请重新登录").first).to_be_visible()
        # and no cookie it minted brings it back
        tab_b.reload()
        wait_for_app(tab_b)
        expect(tab_b.get_by_role("button", name="登录", exact=True)).to_be_visible(timeout=APP_TIMEOUT_MS)
    finally:
        context.close()
