"""Warm-up after a data change (lib.loaders): previous figures while recomputing, then warm."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from lib import loaders
from lib.core.scope import default_scope


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    """One fake loader "x" whose figures are ``data["value"]``; ``gate`` holds the warm-up."""
    data = {"value": "old", "calls": 0, "fail": False}
    gate = threading.Event()
    gate.set()

    def compute(scope):
        if threading.current_thread().name == "warm-up":
            assert gate.wait(10)
        data["calls"] += 1
        if data["fail"]:
            raise RuntimeError("store gone")
        return (data["value"], scope.cache_key())

    for name in ("_recent", "_last"):
        monkeypatch.setattr(loaders, name, {})
    monkeypatch.setattr(loaders, "_refreshing", set())
    monkeypatch.setattr(loaders, "WARMED", {"x": compute, "y": compute})
    monkeypatch.setattr(loaders, "TOUCHES", {"x": ("x",), "all": ("x", "y")})
    yield data, gate
    gate.set()
    assert loaders.wait_warm(10)


def test_previous_figures_with_their_time_while_recomputing_then_the_new_ones(fake) -> None:
    data, gate = fake
    scope = default_scope(as_of=date(2026, 11, 20))
    assert loaders._served("x", scope) == ("old", scope.cache_key())
    assert loaders.refresh_started("x", scope) is None
    data["value"] = "new"
    gate.clear()
    assert loaders.after_change("x") == 1
    shown = loaders._served("x", scope)  # the warm-up is held: the page gets the previous figures
    assert shown[0] == "old"
    assert loaders.refresh_started("x", scope) is not None
    gate.set()
    assert loaders.wait_warm(10)
    assert loaders.refresh_started("x", scope) is None
    assert loaders._served("x", scope)[0] == "new"
    assert data["calls"] == 3  # first view, warm-up, the view after it (a cache hit in the app)


def test_only_the_touched_loaders_and_the_scopes_seen_are_warmed(fake) -> None:
    _data, gate = fake
    county = default_scope(as_of=date(2026, 11, 20))
    loaders._served("x", county)
    loaders._served("y", county)
    gate.clear()
    assert loaders.after_change("x") == 1  # "y" is not touched by a change of "x"
    assert loaders.refresh_started("y", county) is None
    assert loaders.refresh_started("x", county) is not None
    gate.set()
    assert loaders.wait_warm(10)
    assert loaders.after_change("all") == 2
    assert loaders.wait_warm(10)


def test_nothing_seen_nothing_to_warm(fake) -> None:
    assert loaders.after_change("all") == 0
    assert loaders.wait_warm(0.1)


def test_a_failed_warm_up_leaves_the_page_to_compute_its_own(fake) -> None:
    data, _gate = fake
    scope = default_scope(as_of=date(2026, 11, 20))
    loaders._served("x", scope)
    data["fail"] = True
    loaders.after_change("x")
    assert loaders.wait_warm(10)
    assert loaders.refresh_started("x", scope) is None
    data["fail"] = False
    data["value"] = "new"
    assert loaders._served("x", scope)[0] == "new"  # not the figures from before the change


def test_a_second_change_during_the_warm_up_is_warmed_too(fake) -> None:
    data, gate = fake
    scope = default_scope(as_of=date(2026, 11, 20))
    loaders._served("x", scope)
    gate.clear()
    data["value"] = "first"
    loaders.after_change("x")
    data["value"] = "second"
    loaders.after_change("x")  # while the first warm-up is held
    assert loaders._served("x", scope)[0] == "old"
    gate.set()
    assert loaders.wait_warm(10)
    assert loaders._served("x", scope)[0] == "second"


def test_import_kinds_touch_their_wing() -> None:
    assert loaders.touched_by_kind("aid_records") == "aid"
    assert loaders.touched_by_kind("dropout_cases") == "dropout"
    assert loaders.touched_by_kind("students") == "all"
    assert loaders.touched_by_kind("no such kind") == "all"


def test_after_an_aid_payment_is_undone_the_next_view_is_warm_and_current(fresh_db, monkeypatch) -> None:
    """The real 学生资助 loader: after a change the warm-up fills the cache, so the next view
    computes nothing, and it shows the change."""
    import streamlit as st

    from lib.aid import rules as aid
    from lib.aid import view as aid_view
    from lib.core import derived, store

    for name in ("_recent", "_last"):
        monkeypatch.setattr(loaders, name, {})
    monkeypatch.setattr(loaders, "_refreshing", set())
    st.cache_data.clear()
    scope = default_scope(as_of=date(2026, 11, 20))
    before = loaders.load_aid_report(scope)
    with store.connect() as con:  # an enrolled poor child paid this term's living subsidy
        child = con.execute(
            "SELECT a.student_id FROM aid_records a JOIN students st USING (student_id) "
            "WHERE a.programme = ? AND a.school_year = ? AND a.term = ? AND a.paid_amount > 0 "
            "AND st.status = '在校' AND st.poverty_category IS NOT NULL ORDER BY 1 LIMIT 1",
            [aid.LIVING_SUBSIDY, int(scope.school_year), scope.term],
        ).fetchone()[0]
    with store.transaction() as con:  # the child's living subsidy of this term was not paid after all
        con.execute(
            "UPDATE aid_records SET paid_amount = 0, paid_date = NULL WHERE student_id = ? "
            "AND programme = ? AND school_year = ? AND term = ?",
            [child, aid.LIVING_SUBSIDY, int(scope.school_year), scope.term],
        )
        derived.changed(con, ("aid_records",))  # as every writer of aid_records does
    assert loaders.after_change("aid") >= 1
    assert loaders.wait_warm(300)

    def not_again(data):
        raise AssertionError("the view after the warm-up recomputed the report")

    monkeypatch.setattr(aid_view, "compute_report", not_again)
    after = loaders.load_aid_report(scope)
    assert after.county["covered"] == before.county["covered"] - 1
    assert after.county["eligible"] == before.county["eligible"]
    assert loaders.refresh_started("aid", scope) is None
