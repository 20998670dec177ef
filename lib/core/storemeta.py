"""What a store says about itself: its county, whether it is the demo, and its data date.

A store is either the demo (anchored to its ``as_of``, so it always shows the same figures)
or a bureau's own (made by ``python -m lib.cli init``).  A bureau's store lives in real time:
its data date is the date ``init --as-of`` set, else **today**.  :func:`today` is the one
place the program reads the calendar; pages (through the loaders) and the CLI both ask
:func:`data_as_of`, and every figure then takes the date from the Scope.
"""

from __future__ import annotations

from datetime import date

import duckdb

from lib.core import config

#: meta keys written by ``init`` (and the demo builder)
COUNTY_KEY, DEMO_KEY, AS_OF_KEY = "county_code", "demo", "as_of"


def today() -> date:
    """The calendar's today (the only read of the clock for data dates)."""
    return date.today()


def _meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    # fetchall: a result left half-read blocks the connection's next register() (DuckDB 2)
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def county_code(con: duckdb.DuckDBPyConnection) -> str:
    """The store's county (6 digits); a store from before ``init`` existed is the demo county."""
    return _meta(con, COUNTY_KEY) or config.COUNTY_CODE


def county_name(con: duckdb.DuckDBPyConnection, code: str | None = None) -> str:
    """The county's name from the ``counties`` table (the demo county's name when absent)."""
    code = code or county_code(con)
    row = con.execute("SELECT name FROM counties WHERE code = ?", [code]).fetchone()
    if row and row[0]:
        return str(row[0])
    return config.COUNTY_NAME if code == config.COUNTY_CODE else code


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True for the synthetic demo (meta ``demo`` = ``true``)."""
    return _meta(con, DEMO_KEY) == "true"


def is_initialised(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store has been made for a county (by ``init`` or the demo builder)."""
    return _meta(con, COUNTY_KEY) is not None or _meta(con, DEMO_KEY) is not None


def data_as_of(con: duckdb.DuckDBPyConnection, *, on: date | None = None) -> date:
    """The store's data date.

    The demo: its anchored ``as_of`` (2026-11-20).  A bureau's store: the date ``init --as-of``
    set, else ``on`` (default :func:`today`).
    """
    stored = _meta(con, AS_OF_KEY)
    if stored:
        return date.fromisoformat(stored)
    if is_demo(con):
        return config.DEMO_AS_OF
    return on or today()
