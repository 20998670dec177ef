"""The data date pages open on (lib.loaders.store_info) follows the calendar for a bureau's store
whose date is today, without a data change; a store with a set date keeps it."""

from __future__ import annotations

from datetime import date

from lib import loaders
from lib.core import store, storemeta
from tests import small_county as sc


def test_a_bureaus_data_date_moves_at_midnight_and_a_set_one_does_not(tmp_path, monkeypatch):
    path = sc.build(tmp_path / "edu.duckdb")
    monkeypatch.setenv("EDU_DB", str(path))
    monkeypatch.setattr(storemeta, "today", lambda: date(2026, 11, 23))
    assert loaders.store_info()["as_of"] == sc.AS_OF  # set by the store (init --as-of)
    with store.transaction(path) as con:
        con.execute("DELETE FROM meta WHERE key = ?", [storemeta.AS_OF_KEY])  # a bureau's: today
    assert loaders.store_info()["as_of"] == date(2026, 11, 23)
    monkeypatch.setattr(storemeta, "today", lambda: date(2026, 11, 24))  # after midnight, no data change
    version = store.data_version(path, narrow=False)
    assert loaders.store_info()["as_of"] == date(2026, 11, 24)
    assert store.data_version(path, narrow=False) == version


def test_reading_the_data_date_leaves_the_connection_free_for_a_register(tmp_path):
    import pandas as pd

    path = sc.build(tmp_path / "edu.duckdb")
    with store.connect(path) as con:
        assert storemeta.data_as_of(con) == sc.AS_OF
        con.register("_after", pd.DataFrame({"x": [1]}))  # DuckDB 2 refuses it after a half-read result
        assert con.execute("SELECT x FROM _after").fetchall() == [(1,)]
