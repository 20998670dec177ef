"""A school year in a real browser: the administrator runs the rollover from its page (a backup
first), the overview of the new year says what it has no data for in words while a date of the
year that ended shows its old figures, and the 小升初 leavers nobody received become suspected
cases from the 小升初衔接 page.

The server runs on a private copy of the demo database (the test writes)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lib.core import history, store
from lib.core.scope import Scope
from lib.overview import metrics
from tests.browser.helpers import block_outside_network, login_as, read_sql, settle, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def db_copy(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("year") / "edu.duckdb"
    shutil.copy(demo_db, path)
    with store.transaction(path) as con:  # late August 2027: the rollover may run
        store.set_meta(con, "as_of", "2027-08-20")
    return path


@pytest.fixture(scope="module")
def app_url(streamlit_server, db_copy: Path) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(db_copy)})


def _metric(page: Page, label: str):
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return card.get_by_test_id("stMetricValue")


def test_a_school_year_rolls_over_and_its_leavers_are_followed(
    page: Page, browser: Browser, app_url: str, db_copy: Path, screenshot_dir: Path
):
    with store.connect(db_copy) as con:
        students_then = metrics.compute_overview(con, Scope(as_of=date(2026, 11, 20))).county["students"]
    block_outside_network(page)
    login_as(page, "admin", app_url, db=db_copy)
    page.goto(f"{app_url}/admin_rollover")
    wait_for_app(page)
    expect(page.get_by_text("各数据表将发生的变化")).to_be_visible()
    page.get_by_text(re.compile("我已核对预演结果")).click()
    settle(page)
    page.get_by_role("button", name="执行学年升级").click()
    settle(page, timeout_ms=240_000)
    expect(page.get_by_text(re.compile(r"学年升级已完成.*升级前备份：edu-"))).to_be_visible(timeout=240_000)
    page.screenshot(path=str(screenshot_dir / "year_rollover.png"), full_page=True)
    assert read_sql(db_copy, "SELECT value FROM meta WHERE key = 'school_year'") == [("2027",)]
    assert len(list((db_copy.parent / "backups").glob("edu-*.duckdb"))) == 1

    # October 2027: the junior schools imported all their intake but two
    with store.transaction(db_copy) as con:
        keep = [
            r[0]
            for r in con.execute(
                "SELECT st.student_id FROM students st JOIN schools sc ON sc.code = st.school_code "
                "WHERE st.status = '毕业' AND sc.level IN ('小学', '教学点') ORDER BY 1 LIMIT 2"
            ).fetchall()
        ]
        con.execute(
            "UPDATE students SET status = '在校', grade = grade + 1 FROM schools sc "
            "WHERE sc.code = students.school_code AND students.status = '毕业' "
            "AND sc.level IN ('小学', '教学点') AND students.student_id NOT IN (?, ?)",
            keep,
        )
        history.record_students(con, date(2027, 9, 10))
        store.set_meta(con, "as_of", "2027-10-08")

    county = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    block_outside_network(county)
    login_as(county, "county", app_url, db=db_copy)
    county.goto(app_url)
    wait_for_app(county)
    expect(_metric(county, "学龄人口")).to_have_text("暂无数据")  # the new year's population is not in yet
    expect(county.get_by_text("2027年人口未到")).to_be_visible()
    county.screenshot(path=str(screenshot_dir / "year_overview_2027.png"), full_page=True)
    county.goto(f"{app_url}/?year=2026&as_of=2026-11-20")  # the year that ended reads as it did
    wait_for_app(county)
    expect(_metric(county, "在校学生")).to_have_text(f"{students_then:,.0f}")

    county.goto(f"{app_url}/transition")
    wait_for_app(county)
    expect(_metric(county, "已过建档期限")).to_have_text("2")
    county.get_by_role("button", name=re.compile("为已过建档期限的 2 人建立疑似辍学台账")).click()
    settle(county)
    expect(county.get_by_text("已建立疑似辍学台账 2 件。")).to_be_visible()
    expect(county.get_by_text(re.compile("名单为空"))).to_be_visible()
    cases = read_sql(db_copy, "SELECT count(*) FROM dropout_cases WHERE source = '小升初跟踪'")
    assert cases == [(2,)]
