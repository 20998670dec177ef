"""The embedded store: one DuckDB file, versioned migrations, short connections.

Everything reads and writes through this module.  A connection is held only for
one unit of work (:func:`connect`), so that the CLI and scheduled jobs can use
the file while the app runs: DuckDB lets only one process open a file at a
time, so a unit of work that meets another process's lock retries briefly and
then raises :class:`StoreBusy` with a plain message, never a traceback.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from lib.core import config, schema, secure
from lib.core.errors import AppError


class StoreBusy(AppError, RuntimeError):
    """The database file is locked by another process."""


class StoreError(AppError, RuntimeError):
    """The database is missing, damaged or of an unknown schema."""


# --------------------------------------------------------------- migrations
def _ddl_create(table: schema.Table) -> str:
    cols = ", ".join(f'"{c.name}" {c.dtype}' for c in table.columns)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols})'


def _migration_1(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1: every table of :mod:`lib.core.schema` as first released."""
    for table in schema.TABLES.values():
        con.execute(_ddl_create(table))


def _migration_2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2: add any column the schema gained since version 1."""
    for table in schema.TABLES.values():
        con.execute(_ddl_create(table))
        have = {r[0] for r in con.execute(f'DESCRIBE "{table.name}"').fetchall()}
        for col in table.columns:
            if col.name not in have:
                con.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{col.name}" {col.dtype}')


#: Ordered migrations; the store records the last one applied in ``meta``.
MIGRATIONS = (_migration_1, _migration_2)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_fingerprint() -> str:
    """Hash of every table's DDL: when lib/schema.py gains a table or column, the
    store adds it on next open (additive changes only; renames need a migration)."""
    ddl = ";".join(_ddl_create(t) for t in schema.TABLES.values())
    return hashlib.sha256(ddl.encode()).hexdigest()[:16]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    # fetchall, not fetchone: a result left unfinished blocks con.register() on this connection
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations in one transaction; return the new version."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(f"数据库版本 {current} 比本程序支持的版本 {SCHEMA_VERSION} 新，请升级程序。")
    fingerprint = schema_fingerprint()
    if current == SCHEMA_VERSION:
        # fetchall: a result left half-read blocks the connection's next register() (DuckDB 2)
        rows = con.execute("SELECT value FROM meta WHERE key = 'schema_hash'").fetchall()
        if rows and rows[0][0] == fingerprint:
            return current
    con.execute("BEGIN TRANSACTION")
    try:
        for step in MIGRATIONS[current:]:
            step(con)
        _migration_2(con)  # additive: tables/columns added to lib/schema.py since
        _set_meta(con, "schema_version", str(SCHEMA_VERSION))
        _set_meta(con, "schema_hash", fingerprint)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


def _set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("DELETE FROM meta WHERE key = ?", [key])
    con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


# --------------------------------------------------------------- connections
_LOCK_WORDS = ("Could not set lock", "Conflicting lock", "database is locked")


def _is_lock_error(exc: Exception) -> bool:
    return any(w in str(exc) for w in _LOCK_WORDS)


@contextmanager
def connect(
    path: Path | None = None,
    *,
    wait_s: float = 5.0,
    create: bool = True,
    bookkeeping: bool = False,
    only: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store for one unit of work, migrating it if needed.

    Parameters
    ----------
    path
        Database file; default :func:`lib.core.config.db_path` (``EDU_DB``).
    wait_s
        How long to retry while another process holds the file.
    create
        Create the file if it does not exist.
    bookkeeping
        The unit writes only what no page's figures are computed from (the audit log, a login's
        attempt count, a background job's state): it does not move :func:`data_version`, so
        it leaves every page's cache warm.
    only
        The unit writes one table of :data:`NARROW_TABLES` and nothing else a page computes from
        (an audit line aside): its change moves that table's count only, which only the
        results that read the table key on (``data_version(narrow=True)``).

    Raises
    ------
    StoreBusy
        The file stayed locked by another process for ``wait_s`` seconds.
    """
    path = Path(path or config.db_path())
    if not create and not path.exists():
        raise StoreError(f"数据库文件不存在：{path}")
    secure.make_private_dir(path.parent)
    deadline = time.monotonic() + wait_s
    delay = 0.05
    while True:
        try:
            _anchor(path)
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise StoreError(f"无法打开数据库 {path}：{exc}") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"数据库正被另一个程序使用（{path}），请稍后再试；若应用正在导入或备份，请等待其完成。"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    opened = _file_stat(path)
    # files moved since the last unit noted them: something outside connect() wrote (another
    # tool, a restored file), and this unit's note must still count it as a change
    unseen = _noted(path) != opened
    try:
        secure.harden_store(path)  # children's data and password hashes: owner only, 0600
        migrate(con)
        yield con
        # read before close: the checkpoint a close may run moves the files without a change
        changed = unseen or (_file_stat(path) != opened and not bookkeeping)
    finally:
        con.close()
    if changed or _file_stat(path) != opened:  # a read that moved no file leaves the note as it was
        _note_close(path, changed=changed, only=None if unseen else only)


# --------------------------------------------------------------- one page run: one instance
# Opening a DuckDB database costs 10-15 ms whatever its size (the instance's start-up), and a
# page's first view after a data change opens one connection per cache miss. Within held(), the
# first connect of the thread also opens an "anchor" connection to the same file, closed when
# the block ends; while it lives, DuckDB hands every connect of this process to the same
# instance at no cost. A block is one script run (well under the 5 s a CLI waits for the lock).
_held = threading.local()
_anchors: dict[Path, int] = {}  # store -> anchors open in this process
_quiet: set[Path] = set()  # stores no new anchor may open on (a restore is replacing the file)
_anchor_cond = threading.Condition()


@contextmanager
def held() -> Iterator[None]:
    """Share one open database instance among this thread's units of work in the block.

    Each :func:`connect` still opens, migrates and closes as before (locks, change notes and
    transactions are unchanged); only the instance start-up is paid once per block. Nested
    blocks join the outer one.
    """
    if getattr(_held, "anchors", None) is not None:
        yield
        return
    _held.anchors = {}
    try:
        yield
    finally:
        _release_own(end=True)


def _anchor(path: Path) -> None:
    """Inside :func:`held`: keep the instance of ``path`` open until the block ends."""
    mine = getattr(_held, "anchors", None)
    path = path.resolve()
    if mine is None or path in mine:
        return
    with _anchor_cond:
        if path in _quiet:
            return
        _anchors[path] = _anchors.get(path, 0) + 1
    try:
        mine[path] = duckdb.connect(str(path))
    except BaseException:
        _drop_anchor(path)
        raise


def _drop_anchor(path: Path) -> None:
    with _anchor_cond:
        _anchors[path] -= 1
        if not _anchors[path]:
            del _anchors[path]
        _anchor_cond.notify_all()


def _release_own(*, end: bool = True) -> None:
    """Close this thread's anchors (the instance shuts with the last connection to it); ``end``:
    the block ends, else it goes on without them."""
    mine = getattr(_held, "anchors", None) or {}
    _held.anchors = None if end else {}
    for path, con in mine.items():
        before = _file_stat(path)
        try:
            con.close()
        finally:
            _drop_anchor(path)
        # closing the last connection may checkpoint: files moved, data the same
        if _file_stat(path) != before and _noted(path) == before:
            _note_close(path, changed=False)


@contextmanager
def quiesced(path: Path | None = None, *, wait_s: float = 10.0) -> Iterator[None]:
    """No anchor on ``path`` in this process during the block, and none of this thread's at all:
    a restore replaces the file, and an instance left open would go on reading the old one.
    This thread's anchors are closed, other threads' awaited (their runs end within seconds)."""
    path = Path(path or config.db_path()).resolve()
    with _anchor_cond:
        _quiet.add(path)
    outer = getattr(_held, "anchors", None)
    try:
        if outer is not None:
            _release_own(end=True)  # and no new ones in the block
        with _anchor_cond:
            _anchor_cond.wait_for(lambda: path not in _anchors, timeout=wait_s)
        yield
    finally:
        _held.anchors = {} if outer is not None else None  # the run's block goes on
        with _anchor_cond:
            _quiet.discard(path)


@contextmanager
def transaction(path: Path | None = None, **kw: Any) -> Iterator[duckdb.DuckDBPyConnection]:
    """A unit of work that commits entirely or not at all."""
    with connect(path, **kw) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def files_stat(path: Path | None = None) -> tuple[int, ...]:
    """The store's files as the file system sees them now: they move with every write, by
    anyone, bookkeeping included (what :func:`data_version` leaves out)."""
    return _file_stat(Path(path or config.db_path()))


def _file_stat(path: Path) -> tuple[int, ...]:
    """The store's files as the file system sees them: inode, mtime and size of file and WAL."""
    out: list[int] = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = os.stat(p)
            out += [st.st_ino, st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            out += [0, 0, 0]
    return tuple(out)


def _version_file(path: Path) -> Path:
    return Path(str(path) + ".version")


def _note_close(path: Path, *, changed: bool, only: str | None = None) -> None:
    """After a unit of work: count a data change, and note the files as this unit left them.

    The note (``<store>.version``: a counter and the files' stat) is what lets
    :func:`data_version` tell a data change from a bookkeeping write or a checkpoint; it is
    updated under a file lock, so two processes closing at once both count.
    """
    try:
        with open(_version_file(path), "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            text = fh.read()
            epoch, counter, _ = _parse_version(text)
            narrow = _narrow_counts(text)
            # a new note (lost, or never made) starts a new epoch: its counts never meet old keys
            epoch = epoch or os.urandom(8).hex()
            if changed and only in NARROW_TABLES:
                narrow[only] = narrow.get(only, 0) + 1
            else:
                counter += int(changed)
            fh.seek(0)
            fh.truncate()
            note = {"epoch": epoch, "counter": counter, "narrow": narrow, "stat": _file_stat(path)}
            fh.write(json.dumps(note))
    except OSError:  # a read-only folder: data_version falls back to the files' own stat
        return


def _parse_version(text: str) -> tuple[str, int, tuple[int, ...] | None]:
    """Epoch, counter and noted stat of a note; ``("", 0, None)`` for none or a damaged one."""
    try:
        doc = json.loads(text)
        return str(doc["epoch"]), int(doc["counter"]), tuple(doc["stat"])
    except (ValueError, KeyError, TypeError):
        return "", 0, None


def _narrow_counts(text: str) -> dict[str, int]:
    """The note's count of changes of each of :data:`NARROW_TABLES` ({} for none or a damaged note)."""
    try:
        got = json.loads(text).get("narrow") or {}
        return {str(k): int(v) for k, v in got.items() if k in NARROW_TABLES}
    except (ValueError, AttributeError, TypeError):
        return {}


def _noted(path: Path) -> tuple[int, ...] | None:
    try:
        return _parse_version(_version_file(path).read_text(encoding="utf-8"))[2]
    except OSError:
        return None


#: Tables a unit of work may declare as the only one it changes (``connect(only=...)``): written
#: many times a day by many people, read by one page. 每周填报: 200 school heads file their week on
#: a Friday afternoon, and only the 每周填报 page reads the filings; each filing moving every
#: page's key would make every page of every user a cold one, over and over.
NARROW_TABLES = ("weekly_submissions",)


def data_version(path: Path | None = None, *, narrow: bool = True) -> tuple[str | int, ...]:
    """A cheap key that changes whenever the store's data change, and only then.

    Read from the file system, so it needs no connection (and no lock); caches key on it so
    that a data write by any process invalidates them.  A unit of work opened with
    ``bookkeeping=True`` (an audit entry, a login, a job's state) leaves it as it was, and so
    does a checkpoint; a write by anything else than :func:`connect` (another tool, a restored
    file) is seen from the files' stat, which then becomes part of the key.

    ``narrow=False``: the key of a result that reads none of :data:`NARROW_TABLES`; a unit that
    declared it changed only one of them (``connect(only=...)``) leaves that key as it was.
    """
    path = Path(path or config.db_path())
    now = _file_stat(path)
    try:
        text = _version_file(path).read_text(encoding="utf-8")
    except OSError:
        text = ""
    epoch, counter, noted = _parse_version(text)
    counts = tuple(sorted(_narrow_counts(text).items())) if narrow else ()
    return (epoch, counter, *counts, now[0]) if noted == now else (epoch, counter, *counts, *now)


# --------------------------------------------------------------- reads/writes
# ``con.execute(...).to_arrow_table()`` warns that it copies the rows once more than
# ``con.sql(...)`` would; the copy is cheap (Arrow buffers), and ``con.sql`` refuses to run on a
# connection that still holds an unfinished ``execute`` result, which ``execute`` simply replaces.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _plain_type(kind: pa.DataType) -> bool:
    """A type whose conversion :func:`frame` has checked against ``.df()``."""
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
        or (pa.types.is_timestamp(kind) and kind.tz is None)
        or pa.types.is_decimal(kind)
        or pa.types.is_null(kind)
        or (pa.types.is_list(kind) and _plain_type(kind.value_type))
    )


def frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run one read query and return the DataFrame ``con.execute(sql, params).df()`` returns.

    Through Arrow, because with pandas 3 (str columns backed by Arrow) DuckDB's ``.df()``
    builds Python string objects and pandas converts them back: 3-5 times slower on the
    district's 91k students (1.9-2.7 s against 0.5-0.6 s, measured).  The dtypes are those of
    ``.df()``: dates and naive timestamps as ``datetime64[us]``, an integer or boolean column
    holding NULL as a nullable ``Int``/``boolean`` column, a decimal as ``float64``, a text column that is entirely NULL (or has no rows)
    as ``object``.
    """
    table = con.execute(sql, params or []).to_arrow_table()
    if not all(_plain_type(f.type) for f in table.schema):  # an interval, a struct: rare, .df()'s own way
        return con.execute(sql, params or []).df()
    out = table.to_pandas(date_as_object=False)
    for i, field in enumerate(table.schema):
        col, kind = table.column(i), field.type
        if pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None):
            out[field.name] = out[field.name].astype("datetime64[us]")
        elif pa.types.is_decimal(kind):  # SUM of integers is a HUGEINT: .df() gives floats
            out[field.name] = col.cast(pa.float64(), safe=False).to_pandas()
        elif kind in _NULLABLE and col.null_count:
            out[field.name] = col.to_pandas(types_mapper=_NULLABLE.get)
        elif (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and col.null_count == len(col):
            out[field.name] = pd.Series([None] * len(col), index=out.index, dtype=object)
    return out


@contextmanager
def concurrently(con: duckdb.DuckDBPyConnection, *, workers: int = 2) -> Iterator[Callable[..., Future[Any]]]:
    """Run a unit's reads side by side: ``submit(fn, *args, **kw)`` runs ``fn(cursor, *args, **kw)``
    on a worker thread with its own cursor of ``con`` and returns its Future.

    DuckDB lets go of the GIL while it runs a query and Arrow while it builds a frame, so a page
    that reads a dozen tables waits for about the longest half, not their sum (学生资助's reads:
    0.30 → 0.22 s on two cores, measured).  Each read is its own transaction, as on ``con``
    outside a transaction: not for use inside one (a cursor does not see its uncommitted rows).
    A job may wait on the Future of one submitted before it.  The block waits for every job;
    the first job's error is raised.
    """
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="store-read")
    futures: list[Future[Any]] = []

    def run(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        cur = con.cursor()
        try:
            return fn(cur, *args, **kw)
        finally:
            cur.close()

    def submit(fn: Callable[..., Any], *args: Any, **kw: Any) -> Future[Any]:
        futures.append(pool.submit(run, fn, *args, **kw))
        return futures[-1]

    try:
        yield submit
        for f in futures:
            f.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def read_frame(
    sql: str, params: list[Any] | Mapping[str, Any] | None = None, *, path: Path | None = None
) -> pd.DataFrame:
    """Run one read query and return a DataFrame."""
    with connect(path) as con:
        return frame(con, sql, params)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> pd.DataFrame:
    return frame(con, sql, params)


def _coerce(df: pd.DataFrame, table: schema.Table) -> pd.DataFrame:
    missing = [n for n in table.names if n not in df.columns]
    for n in missing:
        df = df.assign(**{n: None})
    return df[table.names]


def write_table(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame, *, mode: str = "append") -> int:
    """Write ``df`` into table ``name`` (``append`` or ``replace`` all rows).

    Columns are matched by name to :mod:`lib.core.schema`; missing ones are NULL.
    Runs inside the caller's transaction when there is one.
    """
    table = schema.TABLES[name]
    frame = _coerce(df, table)
    if mode == "replace":
        con.execute(f'DELETE FROM "{name}"')
    elif mode != "append":
        raise ValueError(f"mode must be append or replace, not {mode!r}")
    con.register("_incoming", frame)
    try:
        cols = ", ".join(f'"{c}"' for c in table.names)
        casts = ", ".join(f'CAST("{c.name}" AS {c.dtype})' for c in table.columns)
        con.execute(f'INSERT INTO "{name}" ({cols}) SELECT {casts} FROM _incoming')
    finally:
        con.unregister("_incoming")
    return len(frame)


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    _set_meta(con, key, value)


def get_meta(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def row_counts(path: Path | None = None) -> dict[str, int]:
    """Rows per table, for ``cli info``."""
    with connect(path) as con:
        return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in schema.TABLES}


def is_empty(path: Path | None = None) -> bool:
    path = Path(path or config.db_path())
    if not path.exists():
        return True
    with connect(path) as con:
        return con.execute("SELECT count(*) FROM students").fetchone()[0] == 0


def audit(con: duckdb.DuckDBPyConnection, *, user: str, action: str, scope: str, detail: str) -> None:
    """Append one line to the audit log (append-only; nothing updates it)."""
    con.execute("INSERT INTO audit_log VALUES (now()::TIMESTAMP, ?, ?, ?, ?)", [user, action, scope, detail])
