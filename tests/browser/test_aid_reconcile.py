"""精准识别 in a real browser: upload an outside list (CSV), see the categories, download the
workbook (a sheet per category), open a 控辍保学 case for a child not in school.

The list is the app's own demo list (lib.demo.aid.sample_registry) written to a file; the
server runs on a private copy of the demo database (the test writes)."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from lib.aid import reconcile
from lib.core import fmt, store
from lib.demo import aid as aid_demo
from lib.present import reports
from tests.browser.helpers import block_outside_network, login_as, pick_option, read_sql, wait_for_app
from tests.browser.helpers import expect_choice as _expect_choice
from tests.browser.helpers import settle as _settle

pytestmark = pytest.mark.browser

AS_OF = date(2026, 11, 20)
#: The page's metric cards: short label per category.
CARDS = {
    "matched": "匹配成功",
    "not_enrolled": "适龄未在校",
    "out_of_scope": "范围外",
    "invalid_id": "号码无效",
    "duplicate": "重复行",
    "name_mismatch": "姓名不符",
    "not_in_registry": "未列入名单",
}


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("aid_reconcile") / "edu.duckdb"
    shutil.copy(demo_db, path)
    aid_demo.ensure_aid_demo(path)
    return path


@pytest.fixture(scope="module")
def registry(db_copy: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo 脱贫户 list as a CSV file, and the truth (each row's expected category)."""
    with store.connect(db_copy) as con:
        truth = aid_demo.sample_registry(con, kind="poverty", as_of=AS_OF, with_truth=True)
    path = tmp_path_factory.mktemp("registry") / "脱贫户名单.csv"
    path.write_bytes(reports.to_csv_bytes(truth.drop(columns="_expected"), mask=False))  # a bureau's own list
    return path, truth


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path, registry) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _metric(page: Page, label: str):
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def test_upload_categories_workbook_and_open_a_case(
    page: Page, app_url: str, db_copy: Path, registry, screenshot_dir: Path
) -> None:
    path, truth = registry
    expected = truth["_expected"].value_counts().to_dict()
    expected["not_in_registry"] = len(truth.attrs["not_in_registry"])
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    login_as(page, "county", app_url, db=db_copy)
    page.goto(f"{app_url}/aid_reconcile")
    wait_for_app(page)
    _expect_choice(page, "名单类型", reconcile.schema.REGISTRY_KINDS["poverty"])

    # upload the list: one card per category, with the expected counts
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    _settle(page)
    expect(page.get_by_text(f"{path.name} · ")).to_contain_text(f"{fmt.fmt_count(len(truth))} 行")
    for cat, label in CARDS.items():
        expect(_metric(page, label)).to_have_text(fmt.fmt_count(expected.get(cat, 0)))
    radio = page.get_by_test_id("stRadio").filter(has_text="比对结果")
    for cat, label in reconcile.CATEGORIES.items():
        expect(radio.get_by_text(f"{label} {expected.get(cat, 0)}", exact=True)).to_be_visible()
    assert expected["not_enrolled"] >= 1

    # the workbook: a sheet per category, each with its rows
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel (.xlsx)").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    assert set(book.sheetnames) == set(reconcile.CATEGORIES.values()), book.sheetnames
    for cat, label in reconcile.CATEGORIES.items():
        rows = [r for r in book[label].iter_rows(values_only=True) if any(v is not None for v in r)]
        assert len(rows) - 1 == expected.get(cat, 0), (label, len(rows))

    # open a 控辍保学 case for the first child of age not in school (the category shown first)
    expect(page.get_by_text("为适龄未在校儿童开立控辍保学台账")).to_be_visible()
    pick_option(page, "辍学原因(初判)", "家庭经济困难")
    page.get_by_role("button", name="开立控辍保学台账").click()
    _settle(page)
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="已开立控辍保学台账")
    expect(success).to_be_visible()
    _settle(page)  # the success shows at the top of the run that follows st.rerun()
    found = re.search(r"已开立控辍保学台账 (\S+)（名单第 (\d+) 行）", success.inner_text())
    assert found, success.inner_text()
    case_id, file_row = found.group(1), int(found.group(2))
    child = truth[truth["序号"].astype(int) + 1 == file_row].iloc[0]  # file row = 序号 + the header row
    assert child["_expected"] == "not_enrolled"
    assert read_sql(
        db_copy,
        "SELECT id_number, name, reason, source, status FROM dropout_cases WHERE case_id = ?",
        [case_id],
    ) == [(child["身份证号码"], child["姓名"], "家庭经济困难", "资助名单比对", "疑似辍学")]

    page.get_by_test_id("stAppViewContainer").get_by_role("heading", level=1).scroll_into_view_if_needed()
    _settle(page)
    page.screenshot(path=str(screenshot_dir / "aid_reconcile.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
