"""From the at-risk list to the roster in a real browser: assign a 家访 to the first child of the
list, find it on 帮扶名册 (家访与资助核查), record a visit, and see it stored.

The server runs on a private copy of the demo database (this test writes)."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import block_outside_network, login_as, pick_option, read_sql, wait_for_app
from tests.browser.helpers import settle as _settle

pytestmark = pytest.mark.browser
SAVED = re.compile(r"已保存\((IV\S+)\)")


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("risk_flow") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _tab(page: Page, name: str, *, timeout_s: float = 30.0) -> None:
    """Select a tab and see it selected: a rerun that is still drawing can reset the tab bar."""
    deadline = time.monotonic() + timeout_s
    while True:
        tab = page.get_by_role("tab", name=re.compile(name)).locator("visible=true")
        expect(tab).to_have_count(1)
        tab.click()
        _settle(page)
        if tab.get_attribute("aria-selected") == "true" or time.monotonic() > deadline:
            return


def test_assign_home_visit_from_the_list_find_it_in_the_roster_and_record_a_visit(
    page: Page, app_url: str, db_copy: Path, screenshot_dir: Path
) -> None:
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1600})
    login_as(page, "county", app_url, db=db_copy)
    page.goto(f"{app_url}/risk")
    wait_for_app(page)
    expect(page.get_by_text(re.compile("按风险分从高到低"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "risk_list.png"), full_page=False)

    # 1. the first child of the list, in 学生档案: arrange a 家访
    _tab(page, "学生档案")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="保存帮扶安排"))
    expect(form).to_be_visible()  # a lazy tab: its content comes with the rerun the click starts
    pick_option(page, "安排帮扶", "家访", within=form)
    form.get_by_label("帮扶教师/负责人").fill("周老师")
    form.get_by_label("说明").fill("连续缺勤，入户了解情况")
    form.get_by_role("button", name="保存帮扶安排").click()
    _settle(page)
    saved = page.get_by_test_id("stAlertContentSuccess").filter(has_text="已保存")
    expect(saved).to_be_visible()
    iid = SAVED.search(saved.inner_text()).group(1)
    ((sid, kind, teacher),) = read_sql(
        db_copy, "SELECT student_id, kind, teacher FROM interventions WHERE intervention_id = ?", [iid]
    )
    assert (kind, teacher) == ("家访", "周老师")

    # 2. it is on 帮扶名册, under 家访与资助核查, with no visit yet
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="帮扶名册").click()
    _settle(page)
    _tab(page, "家访与资助核查")
    panel = page.get_by_role("tabpanel").locator("visible=true")
    expect(panel.get_by_text(re.compile("家访、资助核查"))).to_be_visible()
    form = panel.get_by_test_id("stForm")
    box = form.get_by_role("combobox", name="学生", exact=True)
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    # the demo assigns no 家访 itself: the one on the roster is the one just arranged
    options.first.click()
    _settle(page)
    form.get_by_label("内容").fill("入户家访：家长说明孩子生病，已约定下周一返校")
    form.get_by_role("button", name=re.compile("登记一次记录")).click()
    _settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="已登记")).to_be_visible()
    visits = read_sql(db_copy, "SELECT content FROM intervention_visits WHERE intervention_id = ?", [iid])
    assert visits == [("入户家访：家长说明孩子生病，已约定下周一返校",)], visits
    _settle(page)
    page.screenshot(path=str(screenshot_dir / "dropout_rosters_other.png"), full_page=True)
    assert sid and blocked == [], f"requests to outside hosts: {blocked}"
