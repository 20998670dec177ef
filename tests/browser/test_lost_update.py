"""Two administrators on 系统设置 in a real browser: the page is open, another administrator
changes the lockout threshold, the page's user types another value and saves.  The page says
who changed it and both values, the typed value stays in the form, nothing of theirs is
overwritten; a second 保存 applies the typed value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.core import settings as settings_store
from lib.core import store
from lib.core.scope import Scope
from tests.browser.helpers import APP_TIMEOUT_MS, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser
KEY = "security.max_failed_logins"


@pytest.fixture(scope="module")
def cas_db(demo_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lost_update") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, cas_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(cas_db)})


def _leaf(db: Path) -> int:
    with store.connect(db) as con:
        return settings_store.effective_settings(con)["security"]["max_failed_logins"]


def test_a_stale_settings_save_is_refused_and_can_be_reapplied(page: Page, app_url, cas_db):
    login_as(page, "admin", app_url, db=cas_db)
    page.goto(app_url + "/admin_settings")
    wait_for_app(page)
    page.get_by_text("账号与登录", exact=True).first.click()
    settle(page)
    box = page.get_by_role("spinbutton", name="连续输错几次锁定账号").last
    expect(box).to_have_value("5", timeout=APP_TIMEOUT_MS)
    settings_store.save_overrides(Scope(user="管理员乙", role="admin"), {KEY: 3}, path=cas_db)  # meanwhile
    box.fill("8")
    page.get_by_role("button", name="保存修改").click()
    settle(page)
    alert = page.get_by_text("保存冲突", exact=False).first
    expect(alert).to_be_visible(timeout=APP_TIMEOUT_MS)
    expect(page.get_by_text("已被 管理员乙", exact=False).first).to_be_visible()
    expect(page.get_by_role("spinbutton", name="连续输错几次锁定账号").last).to_have_value("8")
    assert _leaf(cas_db) == 3
    page.get_by_role("button", name="保存修改").click()
    settle(page)
    expect(page.get_by_text("已保存 1 项设置", exact=False).first).to_be_visible(timeout=APP_TIMEOUT_MS)
    assert _leaf(cas_db) == 8
