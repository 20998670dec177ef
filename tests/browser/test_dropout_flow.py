"""The 控辍保学 flow in a real browser: confirm a proposed suspected case, log a home visit,
issue and print a notice, then find the case in the ledger and in the week's report (.xlsx).

The server runs on a private copy of the demo database (these tests write)."""

from __future__ import annotations

import io
import re
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import block_outside_network, login_as, pick_option, read_sql, wait_for_app
from tests.browser.helpers import expect_choice as _expect_choice
from tests.browser.helpers import settle as _settle

pytestmark = pytest.mark.browser

CASE_ID = re.compile(r"已建立台账 (\S+)，")


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dropout_flow") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _tab(page: Page, name: str | re.Pattern, *, timeout_s: float = 30.0) -> None:
    """Select a tab and see it selected: a rerun that is still drawing can reset the tab bar."""
    deadline = time.monotonic() + timeout_s
    while True:
        tab = page.get_by_role("tab", name=name).locator("visible=true")
        expect(tab).to_have_count(1)  # a rerun may briefly show the old tab bar beside the new one
        tab.click()
        _settle(page)
        if tab.get_attribute("aria-selected") == "true":
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"tab {name!r} did not stay selected")


def _nav(page: Page, title: str) -> None:
    """Client-side navigation through the sidebar (keeps the session, as a user does)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    _settle(page)


def test_confirm_visit_notice_ledger_and_week(
    page: Page, app_url: str, db_copy: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1800})
    login_as(page, "county", app_url, db=db_copy)
    page.goto(f"{app_url}/dropout_cases")
    wait_for_app(page)
    before = read_sql(db_copy, "SELECT count(*) FROM dropout_cases")[0][0]

    # 1. confirm the first proposed suspected case
    proposals = re.compile("缺勤监测：待确认的疑似辍学")
    _tab(page, proposals)
    form = page.get_by_test_id("stForm")
    expect(form.get_by_role("button", name="确认为疑似辍学，建立台账")).to_be_visible()  # drawn on the click
    pick_option(page, "初步判断的原因", "外出打工", within=form)
    page.get_by_role("button", name="确认为疑似辍学，建立台账").click()
    _settle(page)
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="已建立台账")
    expect(success).to_be_visible()
    _settle(page)  # the success shows at the top of the run that follows st.rerun()
    # one proposal fewer in the tab's label, and that tab still open
    expect(page.get_by_role("tab", name=proposals).locator("visible=true")).to_have_attribute(
        "aria-selected", "true"
    )
    case_id = CASE_ID.search(success.inner_text()).group(1)
    assert read_sql(db_copy, "SELECT count(*) FROM dropout_cases")[0][0] == before + 1
    assert read_sql(
        db_copy, "SELECT status, source, reason FROM dropout_cases WHERE case_id = ?", [case_id]
    ) == [("疑似辍学", "缺勤监测", "外出打工")]

    # 2. open it from the ledger
    _tab(page, "控辍保学台账")
    expect(page.get_by_label("查找(台账编号/学校/乡镇)")).to_be_visible()
    page.get_by_label("查找(台账编号/学校/乡镇)").fill(case_id)
    page.get_by_label("查找(台账编号/学校/乡镇)").press("Enter")
    _settle(page)
    expect(page.get_by_text("共 1 件")).to_be_visible()
    _expect_choice(page, "选择案件", re.compile(re.escape(case_id)))
    page.get_by_role("button", name="打开案件").click()
    _settle(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(case_id)

    # 3. log a home visit
    _tab(page, "劝返记录")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="登记措施"))
    pick_option(page, "措施", "家访", within=form)
    form.get_by_label("结果").fill("入户家访：孩子在外地亲戚家，家长同意月底前送回")
    page.get_by_role("button", name="登记措施").click()
    _settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="已保存。")).to_be_visible()
    _settle(page)  # the success shows at the top of the run that follows st.rerun()
    assert read_sql(db_copy, "SELECT action, result FROM case_actions WHERE case_id = ?", [case_id]) == [
        ("家访", "入户家访：孩子在外地亲戚家，家长同意月底前送回")
    ]

    # 4. verified after the visit
    _tab(page, "状态与跟进")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="保存状态"))
    pick_option(page, "改为", "已核实", within=form)
    page.get_by_role("button", name="保存状态").click()
    _settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="已保存。")).to_be_visible()
    _settle(page)  # the success shows at the top of the run that follows st.rerun()
    assert read_sql(db_copy, "SELECT status FROM dropout_cases WHERE case_id = ?", [case_id]) == [("已核实",)]

    # 5. issue the notice due, then print it (only when unmasked)
    _tab(page, "文书")
    notice_form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="签发并登记"))
    _expect_choice(notice_form, "文书", "限期复学通知书")
    page.get_by_role("button", name="签发并登记").click()
    _settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="已保存。")).to_be_visible()
    _settle(page)  # the success shows at the top of the run that follows st.rerun()
    ((notice_id, kind),) = read_sql(
        db_copy, "SELECT notice_id, kind FROM notices WHERE case_id = ?", [case_id]
    )
    assert kind == "限期复学通知书"
    _tab(page, "文书")
    print_button = page.get_by_role("button", name=f"打印《限期复学通知书》{notice_id}")
    expect(print_button).to_be_disabled()
    page.get_by_text("显示完整信息(需填写理由)").click()  # the unmask panel: a reason, then the names
    page.get_by_label("查看理由(如：入户家访、核对资助名单)").fill("送达限期复学通知书")
    page.get_by_role("button", name="显示完整信息", exact=True).click()
    # the grant is in once its end button shows: a tab clicked before that rerun ran would cut it off
    expect(page.get_by_role("button", name="恢复脱敏")).to_be_visible(timeout=60_000)
    _settle(page)
    _tab(page, "文书")
    expect(print_button).to_be_enabled()
    with page.expect_download() as download:
        print_button.click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == f"{notice_id}.html"
    assert "限期复学通知书" in html
    _settle(page)
    for _ in range(40):  # the click's rerun records the print
        if (
            read_sql(
                db_copy,
                "SELECT count(*) FROM audit_log WHERE action = 'print_notice' AND detail LIKE ?",
                [f"%{notice_id}%"],
            )[0][0]
            == 1
        ):
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the print was not recorded in the audit log")

    page.get_by_role("heading", level=1).scroll_into_view_if_needed()
    _settle(page)
    page.screenshot(path=str(screenshot_dir / "dropout_case.png"), full_page=True)

    # 6. the ledger lists it as verified
    _nav(page, "辍学台账")
    page.get_by_label("查找(台账编号/学校/乡镇)").fill(case_id)
    page.get_by_label("查找(台账编号/学校/乡镇)").press("Enter")
    _settle(page)
    expect(page.get_by_text("共 1 件")).to_be_visible()
    _expect_choice(page, "选择案件", re.compile(re.escape(case_id)))
    page.get_by_role("button", name="恢复脱敏").click()  # the unmasking of step 5 lasts until ended
    _settle(page)

    # 7. the week's report (2026-W47) has the case's row with the visit and the notice
    _nav(page, "每周填报")
    _expect_choice(page, "周次", re.compile(r"2026年第47周"))
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel (.xlsx)").click()
    assert "2026-W47" in download.value.suggested_filename
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    assert "周报台账" in book.sheetnames
    rows = [
        tuple("" if v is None else str(v) for v in r) for r in book["周报台账"].iter_rows(values_only=True)
    ]
    header = next(r for r in rows if "台账编号" in r)
    mine = [dict(zip(header, r, strict=False)) for r in rows if case_id in r]
    assert len(mine) == 1, mine
    assert mine[0]["状态"] == "已核实"
    assert "家访" in mine[0]["本周劝返措施"] and "限期复学通知书" in mine[0]["本周文书"]
    assert "*" in mine[0]["身份证号"]  # masked again

    _settle(page)
    page.screenshot(path=str(screenshot_dir / "dropout_weekly.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
