"""Tables derived from others (summaries), kept current in the transaction that changes their sources.

A wing that keeps a summary registers its refresh with :func:`on_change` for the tables it is
computed from; every writer of those tables calls :func:`changed` inside its own transaction,
so the summary commits (or rolls back) together with the write.  Core cannot import the wings,
so the registry is filled when a wing's summary module is imported.  Every write is also counted
in ``meta`` (``derived_gen:<table>``) and every refresh records the counts it followed
(``derived_seen:<summary>:<table>``), so a summary written around (a process that never loaded
its module, a store older than it) is seen as stale by its reader (:func:`stale`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import duckdb

Refresh = Callable[..., None]  # refresh(con, changed_tables, *, schools=None)
_HOOKS: dict[str, list[tuple[str, Refresh]]] = {}  # source table -> (summary name, refresh)
_SUMMARIES: dict[str, frozenset[str]] = {}  # summary name -> its source tables


def on_change(name: str, sources: Iterable[str]) -> Callable[[Refresh], Refresh]:
    """Register ``refresh(con, changed_tables)`` as how summary ``name`` follows ``sources``."""

    def register(refresh: Refresh) -> Refresh:
        _SUMMARIES[name] = frozenset(sources)
        for table in _SUMMARIES[name]:
            hooks = _HOOKS.setdefault(table, [])
            hooks[:] = [h for h in hooks if h[0] != name] + [(name, refresh)]
        return refresh

    return register


def _get(con: duckdb.DuckDBPyConnection, key: str, default: int) -> int:
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return int(rows[0][0]) if rows else default


def _set(con: duckdb.DuckDBPyConnection, key: str, value: int) -> None:
    con.execute("DELETE FROM meta WHERE key = ?", [key])
    con.execute("INSERT INTO meta VALUES (?, ?)", [key, str(value)])


def changed(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], *, schools: Iterable[str] | None = None
) -> list[str]:
    """Refresh, on ``con`` (inside the caller's transaction), every summary computed from
    ``tables`` (only the rows of ``schools`` when given: the write touched those schools'
    rows only); returns the summaries refreshed.  Each write also counts in ``meta``
    (``derived_gen:<table>``), so a summary whose module this process never loaded is
    refreshed by its next reader (:func:`stale`)."""
    wrote = frozenset(tables)
    for table in sorted(wrote):
        _set(con, f"derived_gen:{table}", _get(con, f"derived_gen:{table}", 0) + 1)
    due: dict[str, Refresh] = {}
    for table in sorted(wrote):
        for name, refresh in _HOOKS.get(table, []):
            due.setdefault(name, refresh)
    for name, refresh in due.items():
        refresh(con, wrote & _SUMMARIES[name], schools=schools)
        mark_current(con, name)
    return sorted(due)


def stale(con: duckdb.DuckDBPyConnection, name: str) -> frozenset[str]:
    """The source tables of summary ``name`` written since it was last refreshed (all of them
    when it never was)."""
    sources = _SUMMARIES.get(name, frozenset())
    if not sources:
        return frozenset()
    keys = [*(f"derived_gen:{t}" for t in sources), *(f"derived_seen:{name}:{t}" for t in sources)]
    rows = con.execute(f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(keys))})", keys)
    have = {k: int(v) for k, v in rows.fetchall()}  # one read: every page view of a summary asks
    return frozenset(
        t for t in sources if have.get(f"derived_seen:{name}:{t}", -1) != have.get(f"derived_gen:{t}", 0)
    )


def mark_current(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Record that summary ``name`` follows every write of its sources so far."""
    for t in sorted(_SUMMARIES.get(name, ())):
        _set(con, f"derived_seen:{name}:{t}", _get(con, f"derived_gen:{t}", 0))
