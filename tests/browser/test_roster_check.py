"""学籍核查 in a real browser: import a school-age roster (CSV through the page's uploader),
see the planted never-enrolled children under 去向不明, download the masked list, and open a
控辍保学 case for one of them from the list.

The roster is lib.demo.roster's (two townships, planted faults); the server runs on a
private copy of the demo database (the test writes)."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from lib.core.scope import Scope
from lib.demo import roster as roster_demo
from tests.browser.helpers import block_outside_network, login_as, read_sql, wait_for_app
from tests.browser.helpers import settle as _settle

pytestmark = pytest.mark.browser

SCOPE = Scope(as_of=date(2026, 11, 20))
TOWNSHIPS = ("411503410", "411503101")


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roster_check") / "edu.duckdb"
    shutil.copy(demo_db, path)
    roster_demo.plant_faults(path, scope=SCOPE)
    return path


@pytest.fixture(scope="module")
def roster_file(db_copy: Path, tmp_path_factory: pytest.TempPathFactory):
    frame, planted = roster_demo.demo_roster(db_copy, scope=SCOPE, townships=TOWNSHIPS)
    path = tmp_path_factory.mktemp("roster_file") / "适龄儿童花名册.csv"
    path.write_bytes(frame.to_csv(index=False).encode("utf-8-sig"))
    return path, frame, planted


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path, roster_file) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _metric(page: Page, label: str):
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def test_import_a_roster_and_open_a_case_for_an_unaccounted_child(
    page: Page, app_url: str, db_copy: Path, roster_file, screenshot_dir: Path
) -> None:
    path, frame, planted = roster_file
    never = planted["never_enrolled"]
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    login_as(page, "county", app_url, db=db_copy)
    page.goto(f"{app_url}/roster_check")
    wait_for_app(page)
    expect(_metric(page, "去向不明")).to_have_text("0")

    # import the roster through the page (the upload panel is open while no roster is stored)
    expect(page.locator("[data-testid='stFileUploaderDropzoneInput']")).to_have_count(1)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    _settle(page)
    # the check runs as a background job: its result shows when it has finished
    expect(page.get_by_text(re.compile(rf"{path.name}：{len(frame):,} 行"))).to_be_visible(timeout=120_000)
    _settle(page)
    page.get_by_role("button", name=re.compile("导入花名册")).click()
    _settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="已导入花名册")).to_be_visible()
    assert read_sql(db_copy, "SELECT count(*) FROM school_age_roster")[0][0] == len(frame)
    expect(_metric(page, "去向不明")).to_have_text(str(len(never)))

    # the list 去向不明 (shown first): masked, and its download is masked too
    expect(page.get_by_text(f"共 {len(never)} 行")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel (.xlsx)").last.click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    rows = [r for r in book.worksheets[0].iter_rows(values_only=True) if any(v is not None for v in r)]
    text = repr(rows)
    assert all(full not in text for full in never)
    assert text.count("********") >= len(never)

    # open a case for the child the picker shows first
    page.get_by_role("button", name="建立控辍保学台账").click()
    _settle(page)
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="已建立控辍保学台账")
    expect(success).to_be_visible()
    found = re.search(r"已建立控辍保学台账 (\S+?)\(", success.inner_text())
    assert found, success.inner_text()
    got = read_sql(
        db_copy, "SELECT id_number, source, status FROM dropout_cases WHERE case_id = ?", [found.group(1)]
    )
    assert len(got) == 1 and got[0][0] in never and got[0][1:] == ("花名册核查", "疑似辍学")

    page.get_by_test_id("stAppViewContainer").get_by_role("heading", level=1).scroll_into_view_if_needed()
    _settle(page)
    page.screenshot(path=str(screenshot_dir / "roster_check.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
