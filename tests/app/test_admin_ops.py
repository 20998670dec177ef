"""学年升级 and 数据保留期 pages: the dry run / report first, the run after a confirmation."""

from __future__ import annotations

import duckdb
import pytest

from .conftest import open_page


def _one(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_rollover_page_shows_the_dry_run_and_waits_for_summer(fresh_db):
    at = open_page("admin_rollover", role="admin")
    assert not at.exception
    labels = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert labels["升级前在册"] == labels["升级"] + labels["毕业离册"] + labels["不升级(休学/辍学)"] > 0
    assert len(at.dataframe) == 2 and not at.dataframe[0].value.empty  # changes per table, by grade
    assert "students" in set(at.dataframe[0].value["数据表"])
    assert "2026-2027 → 2027-2028" in " ".join(h.value for h in at.subheader)
    # the demo's data date is November 2026: the dry run is shown, the run waits for July 2027
    assert any("2027-07-01" in i.value for i in at.info)
    assert next(b for b in at.button if b.key == "ro_run").disabled
    assert _one(fresh_db, "SELECT count(*) FROM enrolments WHERE school_year = 2027") == 0


def test_retention_page_reports_first(fresh_db):
    at = open_page("admin_retention", role="admin")
    assert not at.exception
    assert at.metric[0].value == "0"  # the demo's leavers left in 2026: within the 3 years
    assert next(b for b in at.button if b.key == "rt_run").disabled


@pytest.mark.parametrize("page", ["pages/admin_rollover.py", "pages/admin_retention.py"])
def test_county_staff_are_not_offered_them(demo_db, page):
    at = open_page(None, role="county")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def test_health_page(fresh_db):
    at = open_page("admin_health", role="admin")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "数据库大小" in labels and "最近一次备份" in labels
    assert len(at.dataframe) >= 1  # freshness per township
    assert any("备份已超过" in e.value for e in at.error)  # no backup yet in a fresh store's folder
