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


def test_a_change_made_by_another_process_is_warmed_once(fake, tmp_path, monkeypatch) -> None:
    """The CLI's import in another process moves the data version; the server's watch warms
    the pages once, and not again for a change it warmed itself."""
    from lib.core import store

    db = tmp_path / "watched.duckdb"
    monkeypatch.setenv("EDU_DB", str(db))
    monkeypatch.setitem(loaders._watch, "seen", None)
    with store.transaction(db) as con:
        con.execute("CREATE TABLE outside (x INTEGER)")
    data, gate = fake
    scope = default_scope(as_of=date(2026, 11, 20))
    loaders._served("x", scope)
    loaders._served("y", scope)
    assert loaders.look_for_change() == 0  # the first look only notes the version
    assert loaders.look_for_change() == 0  # nothing changed
    data["value"] = "imported"
    with store.transaction(db) as con:  # as the CLI does, past this process's loaders
        con.execute("INSERT INTO outside VALUES (1)")
    gate.clear()
    assert loaders.look_for_change() == 2  # every loader, for the Scope seen
    assert loaders.refresh_started("x", scope) is not None  # previous figures, with their time
    gate.set()
    assert loaders.wait_warm(10)
    assert loaders._served("x", scope)[0] == "imported"
    assert loaders.look_for_change() == 0  # warmed already
    with store.transaction(db) as con:  # a change made in the app, warmed by the app
        con.execute("INSERT INTO outside VALUES (2)")
    loaders.after_change("x")
    assert loaders.wait_warm(10)
    assert loaders.look_for_change() == 0


def test_the_watch_is_off_in_tests_and_reads_its_period() -> None:
    import os

    assert os.environ["EDU_WATCH_S"] == "0" and loaders.watch_seconds() == 0
    assert loaders._watch["thread"] is None  # no background look during the suite


def test_an_import_that_moves_the_data_date_warms_the_new_day(fake, tmp_path, monkeypatch) -> None:
    """The nightly import moves the data's date to today: yesterday's default view is warmed
    on the new date (what the morning's first click opens); a date the user picked is not."""
    from lib.core import store, storemeta

    db = tmp_path / "nightly.duckdb"
    monkeypatch.setenv("EDU_DB", str(db))
    monkeypatch.setitem(loaders._watch, "seen", None)
    monkeypatch.setitem(loaders._watch, "as_of", None)
    with store.transaction(db) as con:
        con.execute("INSERT INTO meta VALUES (?, '2026-11-19')", [storemeta.AS_OF_KEY])
    _data, gate = fake
    default = default_scope(as_of=date(2026, 11, 19))
    picked = default_scope(as_of=date(2026, 11, 2))
    loaders._served("x", default)
    loaders._served("x", picked)
    assert loaders.look_for_change() == 0
    with store.transaction(db) as con:  # the import, in another process
        con.execute("UPDATE meta SET value = '2026-11-20' WHERE key = ?", [storemeta.AS_OF_KEY])
    gate.clear()
    assert loaders.look_for_change() == 3  # the two Scopes seen, and the default on the new day
    gate.set()
    assert loaders.wait_warm(10)
    new_day = default_scope(as_of=date(2026, 11, 20))
    key = ("x", (str(db), new_day.cache_key()))
    assert key in loaders._last  # computed before anybody asked
    assert loaders._last[key][0][1] == new_day.cache_key()
    assert not any(k[1][1] == default_scope(as_of=date(2026, 11, 3)).cache_key() for k in loaders._last)
