"""Going live in the real app: an empty county store opens on 上线检查 (and a page without its data
says so); after the county's files are imported through the CLI the overview draws, map included."""

from __future__ import annotations

import contextlib
import io
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib import cli
from lib.ops import golive
from tests.browser.helpers import assert_map_drawn, block_outside_network, login_as, wait_for_app
from tests.fixtures.luoshan import make_fixtures as fx

pytestmark = pytest.mark.browser

IMPORTS = (
    ("boundaries", "2026-09-01", ()),
    ("villages", "2026-09-01", ()),
    ("schools", "2026-09-15", ()),
    ("students", "2026-09-15", ("--drop-bad-rows",)),
    ("village_population", "2026-06-30", ()),
    ("enrolment_counts", "2026-09-30", ()),
    ("aid_records", "2026-11-20", ()),
)


@pytest.fixture(scope="module")
def county_db(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("golive")
    db = base / "luoshan.duckdb"
    golive.init_store("411521", path=db, as_of=date(2026, 11, 20))
    return db, fx.write_all(base / "files")


@pytest.fixture(scope="module")
def app_url(streamlit_server, county_db) -> str:
    return streamlit_server("app.py", env={"EDU_DB": str(county_db[0])})


def _import_all(db: Path, files: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDU_DB", str(db))
    for kind, day, extra in IMPORTS:
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli.main(["import", kind, str(files[kind]), "--as-of", day, *extra]) == 0, kind


def test_empty_store_opens_on_the_checklist_then_the_overview_draws(
    page: Page, app_url: str, county_db, screenshot_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, files = county_db
    blocked = block_outside_network(page)
    page.set_viewport_size({"width": 1440, "height": 1100})
    login_as(page, "county", app_url, db=db)
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="上线检查")).to_be_visible()
    expect(page.get_by_text("尚缺必需的数据").first).to_be_visible()
    expect(page.get_by_text("罗山县(411521)").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "golive_empty.png"), full_page=True)

    page.goto(f"{app_url}/overview")  # a page without its data says so, and draws no zero
    wait_for_app(page)
    expect(page.get_by_text("本页需要的数据尚未导入").first).to_be_visible()
    expect(page.locator("[data-testid='stMetric']")).to_have_count(0)

    _import_all(db, files, monkeypatch)
    page.goto(app_url)
    wait_for_app(page)
    metrics = page.locator("[data-testid='stMetric']")
    expect(metrics).to_have_count(9)
    students = metrics.filter(has_text="在校学生").first.locator("[data-testid='stMetricValue']").inner_text()
    assert students == str(
        sum(
            1
            for i, p in enumerate(fx.pupils())
            if i != fx.NUMERIC_ID_PUPIL and p["status"] in ("在读", "送教上门")
        )
    )
    expect(page.get_by_text("数据：乡镇 截至 09-01").first).to_be_visible()  # the freshness line
    frame = assert_map_drawn(page)
    expect(frame.locator("svg path.leaflet-interactive")).to_have_count(4)  # the four townships
    page.screenshot(path=str(screenshot_dir / "golive_overview.png"), full_page=True)
    assert blocked == [], f"requests to outside hosts: {blocked}"
