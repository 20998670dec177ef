"""Backups while the app serves: the administrator backs up from the page of a running
server, a second process backs up from the command line meanwhile, and each backup restored into a
fresh store holds the same tables; a restore's maintenance notice reaches every user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.core import config
from lib.core.scope import Scope
from lib.ops import backup
from tests.browser.helpers import APP_TIMEOUT_MS, block_outside_network, login_as, settle, wait_for_app

pytestmark = pytest.mark.browser
ADMIN = Scope(user="测试管理员", role="admin")


@pytest.fixture(scope="module")
def served_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo store for this module's server (it is written to)."""
    path = tmp_path_factory.mktemp("ops") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, served_db: Path) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(served_db)})


def _same_tables(backup_file: Path, restored: Path) -> None:
    a, b = backup.file_fingerprints(backup_file), backup.file_fingerprints(restored)
    assert set(a) == set(b)
    assert {k: v for k, v in a.items() if k not in ("meta", "audit_log")} == {
        k: v for k, v in b.items() if k not in ("meta", "audit_log")
    }
    assert b["audit_log"][0] == a["audit_log"][0] + 1  # + the restore's own line


def test_backups_taken_while_serving_restore_to_identical_tables(
    page: Page, app_url: str, served_db: Path, tmp_path: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1100})
    login_as(page, "admin", app_url, db=served_db)
    page.goto(f"{app_url}/admin_backup")
    wait_for_app(page)
    page.get_by_role("button", name="立即备份").click()
    settle(page)
    expect(page.get_by_text("已备份：")).to_be_visible(timeout=APP_TIMEOUT_MS)
    folder = served_db.parent / "backups"
    from_page = backup.list_backups(folder)
    assert len(from_page) == 1

    # another process backs up the same file while the server keeps serving
    cli = subprocess.run(
        [sys.executable, "-m", "lib.cli", "backup", "--out", str(tmp_path / "cli")],
        cwd=config.ROOT,
        env={**os.environ, "EDU_DB": str(served_db)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="备份与恢复")).to_be_visible(timeout=APP_TIMEOUT_MS)
    page.screenshot(path=str(screenshot_dir / "admin_backup.png"), full_page=True)

    for file in (Path(from_page.path.iloc[0]), next((tmp_path / "cli").glob("edu-*.duckdb"))):
        fresh = tmp_path / f"fresh-{file.stem}" / "edu.duckdb"
        fresh.parent.mkdir()
        # the same installation on a new disk: its keys go with it (a backup restores only there)
        shutil.copytree(served_db.parent / "keys", fresh.parent / "keys")
        backup.restore(ADMIN, file, path=fresh)
        _same_tables(file, fresh)
    assert blocked == []


def test_users_see_the_maintenance_notice_during_a_restore(page: Page, app_url: str, served_db: Path) -> None:
    flag = backup.maintenance_file(served_db)
    flag.write_text('{"user": "管理员", "file": "edu-20261120T083000.duckdb"}', encoding="utf-8")
    try:
        page.goto(app_url)
        wait_for_app(page)
        expect(page.get_by_text("系统维护中")).to_be_visible(timeout=APP_TIMEOUT_MS)
        expect(page.get_by_label("用户名")).to_have_count(0)
    finally:
        flag.unlink()
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_text("系统维护中")).to_have_count(0)
