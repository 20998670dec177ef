"""数据导入 in a real browser: upload a GBK CSV of new students whose school column has an
unusual header, fix its mapping by hand, commit, see 总览's 在校学生 rise by the rows imported,
undo, and see it back where it was.

The server runs on a private copy of the demo database (this test writes)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from lib.core import fmt
from tests.browser.helpers import block_outside_network, login_as
from tests.browser.helpers import settle as _settle
from tests.fixtures.ingest.samples import csv_bytes, new_students, store_rows

pytestmark = pytest.mark.browser

ROWS = 7
ODD_HEADER = "就读学校编码X"  # stands for 学校标识码; the importer cannot guess it
SCHOOL_CODE = "学校标识码"  # the mapping editor names columns in Chinese only
TIMEOUT_MS = 90_000  # the machine may be busy (CI beside us)


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("import_flow") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _open(page: Page, url: str) -> None:
    page.goto(url)
    _settle(page)


def _enrolled(page: Page) -> Locator:
    """The value of 总览's 在校学生 card."""
    return (
        page.locator("[data-testid='stMetric']")
        .filter(has_text="在校学生")
        .locator("[data-testid='stMetricValue']")
    )


def _students_metric(page: Page) -> str:
    value = _enrolled(page)
    expect(value).to_have_count(1, timeout=TIMEOUT_MS)
    expect(value).to_have_text(re.compile(r"\d"), timeout=TIMEOUT_MS)
    return value.inner_text().strip()


def _retry(read):
    """Run a read of the copied database; the app holds it only per unit of work, so retry if locked."""
    for attempt in range(40):
        try:
            return read()
        except duckdb.Error:
            if attempt == 39:
                raise
            time.sleep(0.25)
    raise AssertionError("unreachable")


def _students(db: Path) -> int:
    return int(_retry(lambda: store_rows(db, "SELECT count(*) AS n FROM students"))["n"].iloc[0])


def _expect_success(page: Page, words: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text=words)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    _settle(page)  # the success shows at the top of the run that follows st.rerun()


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label``, again if a rerun swallowed the choice."""
    box = page.get_by_role("combobox", name=label, exact=True).locator("visible=true")
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(4):
        expect(box).to_have_count(1, timeout=TIMEOUT_MS)
        box.click()
        try:
            expect(choice).to_be_visible(timeout=5_000)
            choice.click()
            _settle(page)
            expect(box).to_have_value(option, timeout=10_000)
            return
        except (AssertionError, PlaywrightError):
            if attempt == 3:
                raise
            page.keyboard.press("Escape")  # close a menu left open, then try again
            _settle(page)


def test_gbk_upload_fix_mapping_commit_then_undo(
    page: Page, app_url: str, db_copy: Path, tmp_path: Path, screenshot_dir: Path
) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    login_as(page, "county", app_url, db=db_copy)

    # 1. the overview before
    _open(page, app_url + "/")
    before = _students_metric(page)
    n0 = _students(db_copy)
    assert before.replace(",", "").isdigit(), before  # an exact count (not 万), so +ROWS shows

    # 2. upload a GBK CSV whose school column the importer cannot recognise
    frame = _retry(lambda: new_students(db_copy, ROWS)).rename(columns={"学校标识码": ODD_HEADER})
    upload = tmp_path / "学生名单.csv"
    upload.write_bytes(csv_bytes(frame, encoding="gbk", titles=("平桥区转入学生名单",)))

    _open(page, f"{app_url}/data_import")
    kind = page.get_by_role("combobox", name="数据类型", exact=True)
    if kind.input_value() != "学生":
        _pick(page, "数据类型", "学生")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    _settle(page)

    commit = page.get_by_role("button", name=f"导入 {ROWS} 行", exact=True)
    mapped = page.get_by_role("button", name=re.compile(r"^导入 \d+ 行$"))
    expect(mapped).to_be_disabled(timeout=TIMEOUT_MS)  # the school column is missing: nothing to import
    missing = page.get_by_test_id("stAlertContentError").filter(has_text=re.compile("学校标识码|不能导入"))
    expect(missing.first).to_be_visible(timeout=TIMEOUT_MS)

    # fix the mapping by hand: the picker is labelled with the header as written in the file
    _pick(page, ODD_HEADER, SCHOOL_CODE)
    picker = page.get_by_role("combobox", name=ODD_HEADER, exact=True)
    expect(picker).to_have_value(SCHOOL_CODE, timeout=TIMEOUT_MS)
    cards = page.locator("[data-testid='stMetric']")
    for label, value in (("可导入行", str(ROWS)), ("错误", "0")):
        card = cards.filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        expect(card.locator("[data-testid='stMetricValue']")).to_have_text(value, timeout=TIMEOUT_MS)
    expect(commit).to_be_enabled(timeout=TIMEOUT_MS)
    commit.click()
    _settle(page)
    _expect_success(page, "已导入")
    assert _students(db_copy) == n0 + ROWS
    page.screenshot(path=str(screenshot_dir / "import_committed.png"), full_page=True)

    # 3. the overview counts the new students
    _open(page, app_url + "/")
    expect(_enrolled(page)).to_have_text(
        fmt.fmt_count(int(before.replace(",", "")) + ROWS), timeout=TIMEOUT_MS
    )

    # 4. undo the import; the overview is back where it was
    _open(page, f"{app_url}/data_import")
    undo = page.get_by_role("button", name=re.compile(r"^撤销最近一次导入（.+[，、]学生）$"))
    expect(undo).to_be_enabled(timeout=TIMEOUT_MS)
    undo.click()
    _settle(page)
    _expect_success(page, "已撤销")
    assert _students(db_copy) == n0

    _open(page, app_url + "/")
    expect(_enrolled(page)).to_have_text(before, timeout=TIMEOUT_MS)
    page.screenshot(path=str(screenshot_dir / "import_undone.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
