"""AppTest of 学生资助 while the server recomputes its figures after a data change: the
previous figures with their time and a note, then the new figures without it."""

from __future__ import annotations

import shutil
import threading

import pytest
from streamlit import config as st_config

from lib import loaders
from lib.core import derived, store
from lib.demo import aid as aid_demo

from .conftest import open_page

NOTE = "数据更新中，显示的是"


@pytest.fixture
def aid_db(demo_db, tmp_path, monkeypatch):
    """A private copy with the aid demo rows, as the app's EDU_DB (this test writes)."""
    path = tmp_path / "edu.duckdb"
    shutil.copy(demo_db, path)
    aid_demo.ensure_aid_demo(path)
    monkeypatch.setenv("EDU_DB", str(path))
    old = st_config.get_option("runner.enforceSerializableSessionState")
    st_config.set_option("runner.enforceSerializableSessionState", False)  # format_func lambdas
    for name in ("_recent", "_last"):
        monkeypatch.setattr(loaders, name, {})
    monkeypatch.setattr(loaders, "_refreshing", set())
    yield path
    st_config.set_option("runner.enforceSerializableSessionState", old)


def _notes(at) -> list[str]:
    return [i.value for i in at.info if NOTE in i.value]


def _gap(at) -> str:
    return next(m.value for m in at.metric if m.label == "应助未助(人)")


def test_the_page_shows_the_previous_figures_with_their_time_while_refreshing(aid_db, monkeypatch) -> None:
    at = open_page("aid")
    assert not at.exception, at.exception
    assert _notes(at) == []
    before = _gap(at)
    with store.transaction() as con:  # every living subsidy of this term was not paid after all
        con.execute("UPDATE aid_records SET paid_amount = 0 WHERE programme = '生活补助' AND term = 1")
        derived.changed(con, ("aid_records",))
    gate = threading.Event()
    real = loaders.WARMED["aid"]

    def held(scope):
        if threading.current_thread().name == "warm-up":
            assert gate.wait(60)
        return real(scope)

    monkeypatch.setitem(loaders.WARMED, "aid", held)
    try:
        assert loaders.after_change("aid") >= 1
        at.run()
        assert not at.exception, at.exception
        (note,) = _notes(at)
        assert note.startswith(NOTE) and note.endswith("的数据")
        assert _gap(at) == before  # the previous figures, as the note says
    finally:
        gate.set()
    assert loaders.wait_warm(300)
    at.run()
    assert not at.exception, at.exception
    assert _notes(at) == []
    assert _gap(at) != before  # now the change shows
