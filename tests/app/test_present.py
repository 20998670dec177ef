"""AppTest of the 汇报模式 page (pages/present.py): every slide, the URL switch, no personal data."""

from __future__ import annotations

import duckdb
import pytest

from lib.core import fmt, store
from lib.core.scope import Scope
from lib.ops import jobs
from lib.overview import briefing, metrics
from tests.textscan import found_in

from .conftest import open_page


def _students(db, *, limit: int = 100_000) -> tuple[set[str], set[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT name, id_number FROM students LIMIT ?", [limit]).fetchall()
    finally:
        con.close()
    names = {r[0] for r in rows if r[0] and len(r[0]) >= 3}
    ids = {r[1] for r in rows if r[1]}
    return names, ids


def _page_text(at) -> str:
    parts = [str(getattr(e, "value", "")) for e in (*at.markdown, *at.caption, *at.title, *at.subheader)]
    parts += [str(e.proto) for e in at.get("html")]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def _slide(at, n: int):
    for _ in range(n):
        at.button(key="present_next").click().run()
        assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["leader", "county", "planner"])
def test_every_slide_renders_without_personal_data(demo_db, role):
    at = open_page("present", role=role)
    assert not at.exception, at.exception
    names, ids = _students(demo_db)
    seen = []
    for i, title in enumerate(briefing.SLIDES.values()):
        if i:
            _slide(at, 1)
        text = _page_text(at)
        assert title in text, title
        seen.append(text)
    text = "\n".join(seen)
    assert not found_in(names, text)[:5]
    assert not found_in(ids, text)[:5]


def test_numbers_equal_the_overview(demo_db):
    at = open_page("present", role="leader")
    assert not at.exception, at.exception
    text = _page_text(at)
    with store.connect(demo_db) as con:
        ov = metrics.compute_overview(con, Scope(role="leader"))
    for key in ("students", "schools", "suspected", "dropouts"):
        assert f">{fmt.fmt_count(ov.county[key])}<" in text, key
    for key in ("consolidation", "aid_coverage", "aid_on_time"):
        assert f">{fmt.fmt_pct(ov.county[key])}<" in text, key


def test_url_parameter_switches_to_the_meeting_view(demo_db):
    at = open_page(role="leader", query={"present": "1"})
    assert not at.exception, at.exception
    assert "关键指标" in _page_text(at)
    assert at.button(key="present_next")


def test_previous_wraps_to_the_last_slide(demo_db):
    at = open_page("present", role="county")
    at.button(key="present_prev").click().run()
    assert not at.exception, at.exception
    assert list(briefing.SLIDES.values())[-1] in _page_text(at)


def test_admin_alone_may_not_present(demo_db):
    from lib.core import permissions

    assert permissions.visible("leader", "present") and not permissions.visible("admin", "present")
    at = open_page(role="admin", query={"present": "1"})  # no redirect to a page the role cannot see
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.key == "present_next"]


def test_saving_the_briefing_keeps_a_snapshot(fresh_db):
    at = open_page("present", role="leader")
    at.button(key="present_prev").click().run()  # wraps round to 简报与存档
    assert not at.exception, at.exception
    at.button(key="present_save").click().run()
    assert not at.exception, at.exception
    assert any("已保存本次汇报数据" in s.value for s in at.success)
    con = duckdb.connect(str(fresh_db), read_only=True)
    try:
        saved = con.execute("SELECT as_of, saved_by, numbers FROM briefing_snapshots").fetchall()
        audited = con.execute("SELECT count(*) FROM audit_log WHERE action = 'briefing_saved'").fetchone()[0]
    finally:
        con.close()
    assert len(saved) == 1 and saved[0][1].startswith("test-leader") and audited == 1
    assert len(at.dataframe[-1].value) == 1  # the list of saved briefings shows it


def test_a_township_user_sees_their_townships_numbers(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        town = con.execute("SELECT code FROM townships WHERE kind = '镇' ORDER BY code LIMIT 1").fetchone()[0]
    finally:
        con.close()
    at = open_page("present", role="township", townships=(town,))
    assert not at.exception, at.exception
    with store.connect(demo_db) as c:
        ov = metrics.compute_overview(c, Scope(townships=(town,), role="township"))
    text = _page_text(at)
    assert f">{fmt.fmt_count(ov.county['students'])}<" in text
    assert ov.townships["name"].iloc[0] in text  # the slide says for whom


def test_the_briefing_file_is_made_in_the_background_and_waits(fresh_db):
    at = open_page("present", role="leader")
    at.button(key="present_prev").click().run()  # the last slide: 简报与存档
    assert not at.exception, at.exception
    assert not [b for b in at.get("download_button") if b.proto.label.startswith("下载简报")]
    at.button(key="present_html_make").click().run()
    assert not at.exception, at.exception
    jobs.wait_all(timeout_s=300)  # by condition: the job's thread ends
    at.switch_page("pages/overview.py")
    at.run()
    at.switch_page("pages/present.py")
    at.run()
    if list(briefing.SLIDES.values())[-1] not in _page_text(at):  # the slide shown is kept in the session
        at.button(key="present_prev").click().run()
    assert not at.exception, at.exception
    assert any("结果完成于" in c.value for c in at.caption), [e.value for e in at.error]
    assert [b for b in at.get("download_button") if b.proto.label.startswith("下载简报")]
    with store.connect(fresh_db) as con:
        rows = con.execute("SELECT kind, state, owner, params FROM jobs").fetchall()
    assert len(rows) == 1 and rows[0][:3] == ("briefing_html", "done", "test-leader")
    assert rows[0][3].endswith('.html"}')
