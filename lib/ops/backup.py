"""Backups and restore of the whole store (docs/operations.md).

A backup is a consistent copy of every table, taken while the app serves:
one short connection (the store's usual unit of work) attaches a new DuckDB
file and runs ``COPY FROM DATABASE`` inside one transaction, so the copy is
the snapshot that transaction sees (DuckDB's MVCC), whatever other threads
commit meanwhile.  The copy is checked against that snapshot (rows and a
content hash per table), written under a ``.partial`` name and renamed when
complete, so the backup folder never holds a half-written file; the oldest
backups beyond ``backup.keep`` are then deleted.

Every backup is written with a **manifest** beside it (``<file>.manifest.json``,
0600): the county, schema version, rows and an order-independent content hash per
table, the file's size and SHA-256, signed (HMAC-SHA256) with this installation's
backup key (``<data>/keys/backup.key``, :mod:`lib.core.secure`).  Restore accepts
only a file whose manifest this installation signed and whose every check passes,
**before anything is replaced** (:func:`verify_backup`): the signature and county,
the schema version, the file's size and hash, no views, macros, sequences or
schemas of its own (a view may read any file of the server), exactly the manifest's
tables, and every table read in full (DuckDB verifies each block's checksum as it
reads) with rows and content equal to the manifest.  A file damaged by one byte, a
file of another installation or county, a file with empty tables or a view is
refused with the reason; the live store is untouched.  A new server restores a
backup once the old server's ``keys/backup.key`` is copied beside its store.

Restore replaces the store's file with a verified copy of a backup.  A
maintenance flag file beside the store tells every user it is happening
(:func:`maintenance_status`; the frame shows it and stops, ``lib.ui.ops``).
The current store is first backed up itself (or, when it is too damaged to
open, moved aside as ``*.damaged-…``), the copy is migrated, and renamed
over the store in one step (``os.replace``); the file's new modification
time changes :func:`lib.core.store.data_version`, so every cache reloads.

Time: file names and the schedule use the store's clock (``now()`` in
DuckDB, the audit log's clock), never ``as_of``; tests pass ``now``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import config, permissions, schema, secure, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope

#: Backup files are called ``edu-20261120T083000.duckdb`` (the store clock's time).
_NAME = re.compile(r"^edu-(\d{8}T\d{6})(?:-(\d+))?\.duckdb$")
_STAMP = "%Y%m%dT%H%M%S"
#: The identity scheduled backups run as (recorded in the audit log).
SCHEDULER = Scope(user="system:scheduler", role="admin")
#: The manifest beside each backup: ``edu-….duckdb.manifest.json``.
MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = 1
#: Tables every store of this system has had since its first version.
CORE_TABLES = ("meta", "counties", "townships", "villages", "schools", "students", "accounts", "audit_log")
#: A backup is opened with no access to the server's files and no extensions: a hostile file
#: cannot make a query read /etc/… or load code.
_SAFE_OPEN = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}


class BackupError(AppError, RuntimeError):
    """A backup could not be taken, or a file is not a usable backup (message in Chinese)."""


@dataclass(frozen=True)
class BackupInfo:
    """One backup just taken."""

    path: Path
    taken_at: datetime
    size_bytes: int
    tables: dict[str, int]
    pruned: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    restored_from: Path
    safety_backup: Path | None
    moved_aside: Path | None
    tables: dict[str, int]


# ------------------------------------------------------------------ settings and listing
def backup_settings(settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``backup`` block of the effective settings (defaults ∘ TOML ∘ the admin's overrides)."""
    if settings is None:
        try:
            settings = settings_store.effective_settings()
        except (store.StoreError, store.StoreBusy, duckdb.Error):
            settings = config.SETTINGS
    return settings["backup"]


def backup_dir(settings: dict[str, Any] | None = None, *, db: Path | None = None) -> Path:
    """The backup folder: ``backup.dir`` inside the data directory, or ``backups/`` there.

    Raises
    ------
    BackupError
        ``backup.dir`` leaves the data directory or points into the web-served ``static/``
        (a stored setting from before this rule, or a hand-edited settings file).
    """
    folder = backup_settings(settings).get("dir") or ""
    base = secure.data_dir(db)
    if folder:
        try:
            return secure.confine(folder, base=base, what="备份目录")
        except secure.PathNotAllowed as exc:
            raise BackupError(f"{exc}（当前设置 backup.dir = {folder!r}，请管理员在系统设置中改正）") from exc
    return base / "backups"


def manifest_path(file: Path) -> Path:
    """The manifest of the backup ``file``."""
    file = Path(file)
    return file.with_name(file.name + MANIFEST_SUFFIX)


def parse_backup_name(name: str) -> datetime | None:
    """The time in a backup's file name, or None if the name is not a backup's."""
    m = _NAME.match(name)
    return datetime.strptime(m.group(1), _STAMP) if m else None


def list_backups(folder: Path) -> pd.DataFrame:
    """Backups in ``folder``, newest first: ``name``, ``path``, ``taken_at``, ``size_bytes``."""
    rows = []
    folder = Path(folder)
    if folder.is_dir():
        for p in folder.iterdir():
            when = parse_backup_name(p.name)
            if when is not None and p.is_file():
                rows.append(
                    {"name": p.name, "path": str(p), "taken_at": when, "size_bytes": p.stat().st_size}
                )
    frame = pd.DataFrame(rows, columns=["name", "path", "taken_at", "size_bytes"])
    return frame.sort_values(["taken_at", "name"], ascending=False, ignore_index=True)


def last_backup(folder: Path) -> datetime | None:
    """When the newest backup in ``folder`` was taken (None: there is none)."""
    listed = list_backups(folder)
    return None if listed.empty else listed.taken_at.iloc[0].to_pydatetime()


def backup_due(last_taken: datetime | None, now: datetime, *, schedule_hours: float) -> bool:
    """Is a scheduled backup due?  ``schedule_hours`` 0 (or less) switches the schedule off."""
    if schedule_hours <= 0:
        return False
    return last_taken is None or now - last_taken >= timedelta(hours=schedule_hours)


def prune_plan(names: list[str], *, keep: int) -> list[str]:
    """The backup file names to delete so that the newest ``keep`` remain (at least one is kept)."""
    keep = max(int(keep), 1)
    dated = sorted(
        (n for n in names if parse_backup_name(n)),
        key=lambda n: (parse_backup_name(n), len(n), n),
        reverse=True,
    )
    return dated[keep:]


def _prune(folder: Path, keep: int) -> list[str]:
    removed = prune_plan([p.name for p in folder.iterdir()], keep=keep)
    for name in removed:
        (folder / name).unlink(missing_ok=True)
        manifest_path(folder / name).unlink(missing_ok=True)
    return removed


# ------------------------------------------------------------------ fingerprints
def table_fingerprints(
    con: duckdb.DuckDBPyConnection, *, database: str | None = None
) -> dict[str, tuple[int, int]]:
    """Rows and an order-independent content hash of every table of the schema.

    Two stores with equal fingerprints hold the same rows in every table
    (up to hash collisions).

    Parameters
    ----------
    con
        An open connection.
    database
        Catalog to read (an attached backup); default the connection's own.
    """
    catalog = database or con.execute("SELECT current_database()").fetchone()[0]
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'main'",
            [catalog],
        ).fetchall()
    }
    out: dict[str, tuple[int, int]] = {}
    for name in schema.TABLES:
        if name in have:
            n, h = con.execute(
                f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{catalog}".main."{name}" t'
            ).fetchone()
            out[name] = (int(n), int(h))
    return out


def file_fingerprints(file: Path) -> dict[str, tuple[int, int]]:
    """:func:`table_fingerprints` of a database file, opened read-only (no file access)."""
    con = duckdb.connect(str(file), read_only=True, config=_SAFE_OPEN)
    try:
        return table_fingerprints(con)
    finally:
        con.close()


# ------------------------------------------------------------------ manifests
def file_sha256(file: Path) -> str:
    """SHA-256 of a file, read in 1 MB pieces."""
    digest = hashlib.sha256()
    with open(file, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _backup_key(db: Path | None, *, create: bool) -> bytes:
    return secure.read_key(secure.BACKUP_KEY, db=db, create=create)


def installation_id(key: bytes) -> str:
    """A public name of the backup key (the manifest says which installation signed it)."""
    return hashlib.sha256(b"edu-installation:" + key).hexdigest()[:16]


def _signed_text(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def build_manifest(
    *,
    file: Path,
    county: str,
    version: int,
    tables: dict[str, tuple[int, int]],
    taken_at: datetime,
    key: bytes,
) -> dict[str, Any]:
    """The signed manifest of a backup file (pure but for reading ``file``)."""
    body = {
        "format": MANIFEST_FORMAT,
        "installation": installation_id(key),
        "county": county,
        "schema_version": int(version),
        "taken_at": taken_at.isoformat(),
        "file_size": Path(file).stat().st_size,
        "file_sha256": file_sha256(file),
        "tables": {name: {"rows": int(n), "hash": str(h)} for name, (n, h) in sorted(tables.items())},
    }
    mac = hmac.new(key, _signed_text(body), hashlib.sha256).hexdigest()
    return {**body, "signature": mac}


def _write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    path = manifest_path(target)
    tmp = path.with_name(path.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, secure.FILE_MODE)
    try:
        os.write(fd, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    finally:
        os.close(fd)
    secure.harden_file(tmp)
    os.replace(tmp, path)


def read_manifest(file: Path, *, db: Path | None = None) -> dict[str, Any]:
    """The manifest of the backup ``file``, after checking it was signed by this installation.

    Raises
    ------
    BackupError
        No manifest, unreadable, not signed by this installation's backup key, or of a
        format or schema version this program does not know.
    """
    file = Path(file)
    path = manifest_path(file)
    if not path.is_file():
        raise BackupError(
            f"{file.name} 没有清单文件({path.name})：不是本系统做的备份，或清单已丢失，不能恢复。"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        signature = str(manifest.pop("signature"))
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise BackupError(f"{file.name} 的清单文件无法读取，不能恢复。") from exc
    try:
        key = _backup_key(db, create=False)
    except AppError as exc:
        raise BackupError(
            f"本系统没有备份密钥（{secure.BACKUP_KEY}），无法确认 {file.name} 是本系统的备份。"
        ) from exc
    good = hmac.new(key, _signed_text(manifest), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, signature):
        raise BackupError(f"{file.name} 的清单签名不符：不是本系统做的备份，或清单被改动过，不能恢复。")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{file.name} 的清单格式 {manifest.get('format')} 本程序不认识。")
    if int(manifest.get("schema_version", 0)) > store.SCHEMA_VERSION:
        raise BackupError(f"备份的结构版本 {manifest.get('schema_version')} 比本程序新，不能恢复。")
    return manifest


def _clock(con: duckdb.DuckDBPyConnection) -> datetime:
    return con.execute("SELECT now()::TIMESTAMP").fetchone()[0]


def _free_name(folder: Path, when: datetime) -> Path:
    base = when.strftime(_STAMP)
    path = folder / f"edu-{base}.duckdb"
    n = 1
    while path.exists():
        path = folder / f"edu-{base}-{n}.duckdb"
        n += 1
    return path


def _sql_str(p: Path) -> str:
    return str(p).replace("'", "''")


# ------------------------------------------------------------------ taking a backup
def take_backup(
    scope: Scope,
    *,
    out_dir: Path | None = None,
    path: Path | None = None,
    keep: int | None = None,
    reason: str = "manual",
    now: datetime | None = None,
) -> BackupInfo:
    """Copy the whole store into a new file in the backup folder, consistently.

    Parameters
    ----------
    scope
        Who asks (needs the ``backup`` permission); recorded in the audit log.
    out_dir
        Folder (default :func:`backup_dir`); created if needed.
    path
        The store (default :func:`lib.core.config.db_path`).
    keep
        Backups kept in ``out_dir`` afterwards (default ``backup.keep``).
    reason
        ``manual``, ``scheduled`` or ``before_restore`` (recorded).
    now
        Time for the file name (default: the store's clock).

    Returns
    -------
    BackupInfo

    Raises
    ------
    lib.core.permissions.NotPermitted, lib.core.store.StoreBusy, BackupError
    """
    permissions.require(scope, "backup")
    conf = backup_settings()
    try:
        folder = secure.refuse_static(Path(out_dir), what="备份目录") if out_dir else backup_dir(db=path)
    except secure.PathNotAllowed as exc:
        raise BackupError(str(exc)) from exc
    secure.make_private_dir(folder)
    key = _backup_key(path, create=True)
    keep = int(conf["keep"] if keep is None else keep)
    with store.connect(path, create=False) as con:
        when = (now or _clock(con)).replace(microsecond=0)
        target = _free_name(folder, when)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        # attached databases are shared by every connection of this process: a unique alias
        alias = f"_backup_{uuid.uuid4().hex[:12]}"
        source = con.execute("SELECT current_database()").fetchone()[0]
        try:
            con.execute(f"ATTACH '{_sql_str(partial)}' AS {alias}")
            # one transaction reads the store and writes the copy: both see one snapshot,
            # and the copy is checked against it before it is kept
            con.execute("BEGIN TRANSACTION")
            try:
                before = table_fingerprints(con, database=source)
                con.execute(f'COPY FROM DATABASE "{source}" TO {alias}')
                after = table_fingerprints(con, database=alias)
                if before != after:
                    raise BackupError("备份副本与数据库内容不一致，已放弃本次备份。")
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            con.execute(f"CHECKPOINT {alias}")
            con.execute(f"DETACH {alias}")
        except Exception as exc:
            try:
                con.execute(f"DETACH DATABASE IF EXISTS {alias}")
            except duckdb.Error:
                pass
            _discard(partial)
            _record(con, scope, "backup_failed", file=target.name, reason=reason, error=str(exc))
            if isinstance(exc, BackupError):
                raise
            raise BackupError(f"备份失败：{exc}") from exc
        if Path(str(partial) + ".wal").exists():  # the checkpoint should have emptied it
            _discard(partial)
            raise BackupError("备份文件未能完整写入磁盘，已放弃本次备份。")
        os.chmod(partial, 0o600)  # a backup holds children's data and password hashes: owner only
        _write_manifest(
            target,
            build_manifest(
                file=partial,
                county=store.get_meta(con, "county_code", config.COUNTY_CODE) or config.COUNTY_CODE,
                version=store.schema_version(con),
                tables=after,
                taken_at=when,
                key=key,
            ),
        )
        os.replace(partial, target)
        tables = {name: n for name, (n, _) in after.items()}
        pruned = tuple(_prune(folder, keep))
        _record(
            con,
            scope,
            "backup",
            file=target.name,
            reason=reason,
            folder=str(folder),
            size_bytes=target.stat().st_size,
            pruned=list(pruned),
        )
    return BackupInfo(target, when, target.stat().st_size, tables, pruned)


def _discard(file: Path) -> None:
    file.unlink(missing_ok=True)
    Path(str(file) + ".wal").unlink(missing_ok=True)


def _record(con: duckdb.DuckDBPyConnection, scope: Scope, action: str, **detail: Any) -> None:
    try:
        store.audit(
            con,
            user=scope.user,
            action=action,
            scope=scope.describe(),
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    except duckdb.Error:  # recording must never hide what the caller reports
        pass


def run_if_due(
    *,
    path: Path | None = None,
    settings: dict[str, Any] | None = None,
    now: datetime | None = None,
    out_dir: Path | None = None,
) -> BackupInfo | None:
    """Take a scheduled backup when ``backup.schedule_hours`` have passed since the last one.

    Cheap when nothing is due (one directory listing and one clock read).  ``out_dir``: the
    console operator's folder (``backup --if-due --out DIR``) instead of ``backup.dir``.

    Returns
    -------
    BackupInfo or None
        The new backup, or None when none was due (or the schedule is off).
    """
    conf = backup_settings(settings)
    hours = float(conf.get("schedule_hours") or 0)
    if hours <= 0:
        return None
    folder = Path(out_dir) if out_dir else backup_dir(settings, db=path)
    if now is None:
        with store.connect(path, create=False) as con:
            now = _clock(con)
    if not backup_due(last_backup(folder), now, schedule_hours=hours):
        return None
    return take_backup(
        SCHEDULER, out_dir=folder, path=path, keep=int(conf["keep"]), reason="scheduled", now=now
    )


# ------------------------------------------------------------------ checking and restoring
def verify_backup(file: Path, *, path: Path | None = None) -> dict[str, int]:
    """Check a backup in full, as restore does before replacing anything; rows per table.

    Parameters
    ----------
    file
        The backup file (its manifest beside it).
    path
        The store it would replace (its installation's key and county); default ``EDU_DB``.

    Raises
    ------
    BackupError
        Missing; no manifest or one this installation did not sign; another county's; newer
        than this program; size or SHA-256 not the manifest's (damaged or changed); views,
        macros, sequences or schemas of its own; tables other than the manifest's; a table
        that cannot be read (DuckDB's block checksums) or whose rows or content differ.
    """
    file = Path(file)
    if not file.is_file():
        raise BackupError(f"备份文件不存在：{file}")
    manifest = read_manifest(file, db=path)
    _check_county(manifest, file, path)
    return _check_file(file, manifest, name=file.name)


def backup_summary(file: Path, *, path: Path | None = None) -> dict[str, int]:
    """Rows per table of a backup as its signed manifest records them (cheap: the file itself is
    checked in full only by :func:`verify_backup` and :func:`restore`).

    Raises
    ------
    BackupError
        As :func:`read_manifest`, or another county's backup.
    """
    file = Path(file)
    if not file.is_file():
        raise BackupError(f"备份文件不存在：{file}")
    manifest = read_manifest(file, db=path)
    _check_county(manifest, file, path)
    return {t: int(v["rows"]) for t, v in manifest["tables"].items()}


def _check_county(manifest: dict[str, Any], file: Path, db: Path | None) -> None:
    live = Path(db or config.db_path())
    if not live.exists():
        return  # a new server: the installation's key already vouches for the file
    try:
        with store.connect(live, create=False, wait_s=1.0) as con:
            county = store.get_meta(con, "county_code", config.COUNTY_CODE)
    except (store.StoreError, store.StoreBusy, duckdb.Error):
        return  # the live store cannot say (damaged, busy): the key vouches
    if manifest.get("county") != county:
        raise BackupError(
            f"{file.name} 是 {manifest.get('county')} 的备份，不是本县(区) {county} 的，不能恢复。"
        )


def _check_file(file: Path, manifest: dict[str, Any], *, name: str) -> dict[str, int]:
    """Size, SHA-256, objects and every table of ``file`` against ``manifest``."""
    if file.stat().st_size != int(manifest["file_size"]) or file_sha256(file) != manifest["file_sha256"]:
        raise BackupError(f"{name} 已损坏或被改动过（文件校验和与备份时的清单不符），不能恢复。")
    try:
        con = duckdb.connect(str(file), read_only=True, config=_SAFE_OPEN)
    except duckdb.Error as exc:
        raise BackupError(f"不是有效的数据库备份：{name}（无法打开）") from exc
    try:
        _check_objects(con, manifest, name)
        expected = {t: (int(v["rows"]), int(v["hash"])) for t, v in manifest["tables"].items()}
        got = table_fingerprints(con)  # reads every row of every table: every block's checksum
    except duckdb.Error as exc:
        raise BackupError(f"备份文件已损坏：{name}（读取数据时校验失败）") from exc
    finally:
        con.close()
    bad = sorted(t for t in expected if got.get(t) != expected[t])
    if bad:
        raise BackupError(f"{name} 中这些表的行数或内容与备份时的清单不符：{'、'.join(bad)}，不能恢复。")
    return {t: n for t, (n, _) in got.items()}


def _check_objects(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], name: str) -> None:
    """Only the schema's plain tables, exactly the manifest's: no views, macros, sequences, schemas."""
    views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    macros = [
        r[0]
        for r in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE NOT internal "
            "AND function_type IN ('macro', 'table_macro')"
        ).fetchall()
    ]
    sequences = [r[0] for r in con.execute("SELECT sequence_name FROM duckdb_sequences()").fetchall()]
    schemas = [
        r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas() WHERE NOT internal").fetchall()
    ]
    extra = views + macros + sequences + schemas
    if extra:
        raise BackupError(
            f"{name} 含有本系统不会创建的对象（视图、宏、序列或模式：{'、'.join(map(str, extra[:5]))}），不能恢复。"
        )
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    }
    unknown = sorted(tables - set(schema.TABLES))
    if unknown or tables != set(manifest["tables"]):
        raise BackupError(f"{name} 的表与备份时的清单不符（{'、'.join(unknown) or '缺少表'}），不能恢复。")
    missing = sorted(set(CORE_TABLES) - tables)
    if missing:
        raise BackupError(f"{name} 缺少本系统的基本表：{'、'.join(missing)}，不能恢复。")
    for table in sorted(tables):
        columns = {r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
        strange = sorted(columns - set(schema.TABLES[table].names))
        if strange or not columns:
            raise BackupError(f"{name} 的表 {table} 结构不是本系统的（{'、'.join(strange[:5])}），不能恢复。")


def maintenance_file(path: Path | None = None) -> Path:
    """The flag file that says a restore is in progress (beside the store's file)."""
    p = Path(path or config.db_path())
    return p.with_name(p.name + ".maintenance")


def maintenance_status(path: Path | None = None) -> dict[str, Any] | None:
    """Who is restoring what while a restore runs; None otherwise (one ``stat``)."""
    flag = maintenance_file(path)
    if not flag.exists():
        return None
    try:
        return json.loads(flag.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"user": "?", "file": "?"}


def restore(
    scope: Scope, file: Path, *, path: Path | None = None, safety_backup: bool = True
) -> RestoreResult:
    """Replace the store with the backup ``file`` (call only after the user confirmed).

    The file is copied to a staging file first and the *copy* is checked in full
    (:func:`verify_backup`'s checks), so nothing can change between the check and the
    replacement; on any refusal the live store is untouched.

    Parameters
    ----------
    scope
        Who restores (needs ``backup``); recorded in the restored store's audit log.
    file
        A backup file taken by this installation (its manifest beside it).
    path
        The store (default :func:`lib.core.config.db_path`).
    safety_backup
        Back up the current store first (reason ``before_restore``), so that a
        mistaken restore can itself be undone.  A store too damaged to open is
        moved aside instead (``<file>.damaged-<time>``).

    Raises
    ------
    lib.core.permissions.NotPermitted, lib.core.store.StoreBusy, BackupError
    """
    permissions.require(scope, "backup")
    # no instance of this process may stay open on the file being replaced (lib.core.store.held)
    with store.quiesced(path):
        return _restore(scope, file, path=path, safety_backup=safety_backup)


def _restore(scope: Scope, file: Path, *, path: Path | None, safety_backup: bool) -> RestoreResult:
    file = Path(file).resolve()
    db = Path(path or config.db_path()).resolve()
    if file == db:
        raise BackupError("不能用数据库文件本身恢复自己。")
    if not file.is_file():
        raise BackupError(f"备份文件不存在：{file}")
    manifest = read_manifest(file, db=db)
    _check_county(manifest, file, db)
    safety_dir = backup_dir(db=db) if safety_backup else None  # a bad backup.dir refuses here
    secure.make_private_dir(db.parent)
    staging = db.with_name(db.name + ".restoring")
    _discard(staging)
    flag = maintenance_file(db)
    try:
        _copy_private(file, staging)
        _check_file(staging, manifest, name=file.name)  # the copy that will become the store
        flag.write_text(
            json.dumps(
                {
                    "user": scope.user,
                    "file": file.name,
                    "started": datetime.now().isoformat(timespec="seconds"),
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        with _as_backup_error(file.name), store.connect(staging) as con:  # migrates an older backup
            con.execute("CHECKPOINT")  # before anything of the live store is touched
        safety, aside = None, None
        if db.exists():
            if safety_backup:
                try:
                    # keep: pruning now could delete the very backup being restored
                    safety = take_backup(
                        scope, out_dir=safety_dir, path=db, reason="before_restore", keep=10_000
                    ).path
                except (BackupError, store.StoreError, duckdb.Error):
                    aside = _move_aside(db)  # too damaged to copy: keep it for inspection
            elif not _opens(db):
                aside = _move_aside(db)
        with store.connect(staging) as con:
            store.set_meta(con, "restored_from", file.name)
            con.execute("DELETE FROM meta WHERE key = 'session_key'")  # older versions kept it here
            _record(
                con,
                scope,
                "restore",
                file=file.name,
                safety_backup=safety.name if safety else None,
                moved_aside=aside.name if aside else None,
            )
            con.execute("CHECKPOINT")
        if db.exists():
            # take the store's lock once more (waits for a unit of work in progress) and
            # flush its log, so that nothing is left to replay into the replaced file
            with store.connect(db) as con:
                con.execute("CHECKPOINT")
        Path(str(db) + ".wal").unlink(missing_ok=True)
        secure.harden_file(staging)
        os.replace(staging, db)
        secure.harden_store(db)  # the restored store is owner-only, whatever the backup's mode was
        _bump(db)
        tables = _rows(db)
    finally:
        _discard(staging)
        flag.unlink(missing_ok=True)
    return RestoreResult(file, safety, aside, tables)


@contextmanager
def _as_backup_error(name: str) -> Iterator[None]:
    """A database error on the staged copy is a refusal with a reason, never a traceback."""
    try:
        yield
    except (duckdb.Error, store.StoreError) as exc:
        raise BackupError(f"{name} 无法作为数据库打开或升级，不能恢复。") from exc


def _copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` to a new owner-only file ``target``."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, secure.FILE_MODE)
    with open(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)


def _rows(db: Path) -> dict[str, int]:
    with store.connect(db, create=False) as con:
        return {n: c for n, (c, _) in table_fingerprints(con).items()}


def _opens(db: Path) -> bool:
    try:
        with store.connect(db, create=False):
            return True
    except store.StoreError:
        return False
    except duckdb.Error:
        return False


def _move_aside(db: Path) -> Path:
    aside = db.with_name(f"{db.name}.damaged-{datetime.now():{_STAMP}}")
    os.replace(db, aside)
    wal = Path(str(db) + ".wal")
    if wal.exists():
        os.replace(wal, Path(str(aside) + ".wal"))
    return aside


def _bump(db: Path) -> None:
    """Make sure :func:`lib.core.store.data_version` changes even within one mtime tick."""
    st = os.stat(db)
    os.utime(db, ns=(st.st_atime_ns, max(st.st_mtime_ns, _now_ns()) + 1_000))


def _now_ns() -> int:
    import time

    return time.time_ns()


# ------------------------------------------------------------------ for the admin page
#: Column labels of :func:`backups_table`.
TABLE_COLUMNS = {"name": "备份文件", "taken_at": "备份时间", "size_mb": "大小(MB)"}


def backups_table(folder: Path) -> pd.DataFrame:
    """The backups in ``folder`` for display: file, time (``YYYY-MM-DD HH:MM:SS``), size in MB."""
    listed = list_backups(folder)
    out = pd.DataFrame(
        {
            "name": listed["name"],
            "taken_at": pd.to_datetime(listed["taken_at"]).dt.strftime("%Y-%m-%d %H:%M:%S"),
            "size_mb": (listed["size_bytes"].astype(float) / 1e6).round(1),
        }
    )
    return out.rename(columns=TABLE_COLUMNS)


def backup_status(scope: Scope, *, path: Path | None = None) -> dict[str, Any]:
    """What the admin page shows above the list: folder, count, newest, schedule, keep.

    Raises
    ------
    lib.core.permissions.NotPermitted
    """
    permissions.require(scope, "backup")
    conf = backup_settings()
    folder = backup_dir(db=path)
    listed = list_backups(folder)
    return {
        "folder": folder,
        "count": len(listed),
        "last": last_backup(folder),
        "schedule_hours": float(conf.get("schedule_hours") or 0),
        "keep": int(conf["keep"]),
        "names": listed["name"].tolist(),
    }
