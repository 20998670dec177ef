"""后台任务 in a real browser: the 学籍核查 of an uploaded roster runs as a background job; the user
goes to another page while it runs, comes back, and the result is there (with the time it
finished), then imports it.

The roster is lib.demo.roster's (two townships); the server runs on a private copy of the demo
database (the test writes)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.core.scope import Scope
from lib.demo import roster as roster_demo
from tests.browser.helpers import block_outside_network, login_as, read_sql, wait_for_app
from tests.browser.helpers import settle as _settle

pytestmark = pytest.mark.browser

SCOPE = Scope(as_of=date(2026, 11, 20))
JOB_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("jobs_flow") / "edu.duckdb"
    shutil.copy(demo_db, path)
    roster_demo.plant_faults(path, scope=SCOPE)
    return path


@pytest.fixture(scope="module")
def roster_file(db_copy: Path, tmp_path_factory: pytest.TempPathFactory):
    frame, planted = roster_demo.demo_roster(db_copy, scope=SCOPE, townships=("411503101",))
    path = tmp_path_factory.mktemp("jobs_file") / "明港镇花名册.csv"
    path.write_bytes(frame.to_csv(index=False).encode("utf-8-sig"))
    return path, frame, planted


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path, roster_file) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def test_the_roster_check_can_be_left_and_its_result_found_again(
    page: Page, app_url: str, db_copy: Path, roster_file, screenshot_dir: Path
) -> None:
    path, frame, _ = roster_file
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 900})
    login_as(page, "county", app_url, db=db_copy)
    page.goto(f"{app_url}/roster_check")
    wait_for_app(page)

    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    # the job is recorded at once, before its first phase ends
    expect(
        page.get_by_text("可以离开本页，结果会保留在这里").or_(page.get_by_text(re.compile("结果完成于")))
    ).to_be_visible(timeout=JOB_TIMEOUT_MS)
    jobs = read_sql(db_copy, "SELECT owner, params FROM jobs")
    assert len(jobs) == 1 and jobs[0][0] == "test-county" and path.name in jobs[0][1]

    # leave for the overview, then come back: the result waits there
    page.goto(f"{app_url}/")
    wait_for_app(page)
    expect(page.get_by_test_id("stAppViewContainer").get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{app_url}/roster_check")
    wait_for_app(page)
    expect(page.get_by_text(re.compile("结果完成于"))).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(rf"{re.escape(path.name)}：{len(frame):,} 行"))).to_be_visible()
    assert read_sql(db_copy, "SELECT state, progress FROM jobs") == [("done", 1.0)]
    page.screenshot(path=str(screenshot_dir / "jobs_roster_check_done.png"))

    # the result is the one imported
    page.get_by_role("button", name=re.compile("导入花名册")).click()
    _settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="已导入花名册")).to_be_visible()
    assert read_sql(db_copy, "SELECT count(*) FROM school_age_roster")[0][0] == len(frame)
    assert read_sql(db_copy, "SELECT count(*) FROM jobs") == [(0,)]  # its copy of the children is gone
    assert blocked == [], f"requests to outside hosts: {blocked}"
