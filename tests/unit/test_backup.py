"""Backup and restore: consistent copies while the store is in use, retention
of backup files, the schedule, and a restore that brings back every table."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from lib import cli
from lib.core import permissions, schema, secure, store
from lib.core.scope import Scope
from lib.ops import backup

ADMIN = Scope(user="管理员甲", role="admin")
T0 = datetime(2026, 11, 20, 8, 30, 0)


def _fingerprints(path: Path) -> dict[str, tuple[int, int]]:
    with store.connect(path) as con:
        return backup.table_fingerprints(con)


def _rows(path: Path, sql: str) -> set[tuple]:
    with store.connect(path) as con:
        return set(con.execute(sql).fetchall())


# ------------------------------------------------------------------ pure helpers
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("edu-20261120T083000.duckdb", datetime(2026, 11, 20, 8, 30)),
        ("edu-20261120T083000-2.duckdb", datetime(2026, 11, 20, 8, 30)),
        ("edu-20261120T083000.duckdb.partial", None),
        ("edu.duckdb", None),
        ("notes.txt", None),
    ],
)
def test_parse_backup_name(name, expected):
    assert backup.parse_backup_name(name) == expected


@pytest.mark.parametrize(
    ("keep", "deleted"),
    [
        (3, ["edu-20261101T000000.duckdb"]),
        (2, ["edu-20261110T000000.duckdb", "edu-20261101T000000.duckdb"]),
        (10, []),
        (0, ["edu-20261110T000000.duckdb", "edu-20261101T000000.duckdb", "edu-20261120T000000.duckdb"]),
    ],
)
def test_prune_plan_keeps_the_newest(keep, deleted):
    names = [
        "edu-20261110T000000.duckdb",
        "edu-20261120T000000-1.duckdb",
        "edu-20261101T000000.duckdb",
        "edu-20261120T000000.duckdb",
        "readme.txt",
    ]
    # keep 0 is read as 1: the newest backup is never deleted by pruning
    assert sorted(backup.prune_plan(names, keep=keep)) == sorted(deleted)


@pytest.mark.parametrize(
    ("last", "hours", "due"),
    [
        (None, 24, True),
        (T0 - timedelta(hours=23), 24, False),
        (T0 - timedelta(hours=24), 24, True),
        (T0 - timedelta(days=3), 0, False),  # schedule off
    ],
)
def test_backup_due(last, hours, due):
    assert backup.backup_due(last, T0, schedule_hours=hours) is due


# ------------------------------------------------------------------ backup, damage, restore, compare
def test_backup_damage_restore_brings_back_every_table(fresh_db: Path, tmp_path: Path):
    folder = tmp_path / "bk"
    before = _fingerprints(fresh_db)
    audit_before = _rows(fresh_db, "SELECT * FROM audit_log")
    info = backup.take_backup(ADMIN, out_dir=folder, path=fresh_db, now=T0)
    assert info.path.name == "edu-20261120T083000.duckdb"
    assert backup.file_fingerprints(info.path) == before  # the copy is the store, table by table
    assert set(before) == set(schema.TABLES)

    with store.transaction(fresh_db) as con:  # damage: lost rows, a changed row, a dropped table
        con.execute("DELETE FROM students WHERE grade <= 3")
        con.execute("UPDATE schools SET capacity = -1")
        con.execute("DROP TABLE aid_records")
    assert _fingerprints(fresh_db)["students"] != before["students"]

    result = backup.restore(ADMIN, info.path, path=fresh_db)
    after = _fingerprints(fresh_db)
    for name in schema.TABLES:
        if name not in ("meta", "audit_log"):
            assert after[name] == before[name], name
    # the restored store says where it came from, and its log records the restore (nothing else changed)
    assert _rows(fresh_db, "SELECT key, value FROM meta") - _rows(
        info.path, "SELECT key, value FROM meta"
    ) == {("restored_from", info.path.name)}
    restored_audit = _rows(fresh_db, "SELECT * FROM audit_log")
    assert audit_before <= restored_audit
    assert {r[2] for r in restored_audit - audit_before} == {"restore"}
    # the damaged store was itself backed up first
    assert result.safety_backup is not None and result.safety_backup.exists()
    assert backup.file_fingerprints(result.safety_backup)["students"] != before["students"]
    assert not backup.maintenance_file(fresh_db).exists()


def test_restore_over_a_store_too_damaged_to_open(fresh_db: Path, tmp_path: Path):
    info = backup.take_backup(ADMIN, out_dir=tmp_path / "bk", path=fresh_db, now=T0)
    before = backup.file_fingerprints(info.path)
    fresh_db.write_bytes(b"\x00garbage, as after a disk failure" * 1000)
    result = backup.restore(ADMIN, info.path, path=fresh_db)
    assert result.safety_backup is None
    assert result.moved_aside is not None and result.moved_aside.read_bytes().startswith(b"\x00garbage")
    after = _fingerprints(fresh_db)
    assert {k: v for k, v in after.items() if k not in ("meta", "audit_log")} == {
        k: v for k, v in before.items() if k not in ("meta", "audit_log")
    }


def test_users_are_told_while_a_restore_runs(fresh_db: Path, tmp_path: Path, monkeypatch):
    info = backup.take_backup(ADMIN, out_dir=tmp_path / "bk", path=fresh_db, now=T0)
    seen = []
    real_bump = backup._bump
    monkeypatch.setattr(
        backup, "_bump", lambda db: (seen.append(backup.maintenance_status(db)), real_bump(db))
    )
    backup.restore(ADMIN, info.path, path=fresh_db, safety_backup=False)
    assert seen and seen[0]["user"] == "管理员甲" and seen[0]["file"] == info.path.name
    assert backup.maintenance_status(fresh_db) is None


def test_backup_is_consistent_while_another_thread_writes(fresh_db: Path, tmp_path: Path):
    """A writer commits one row to each of two tables per transaction; every backup taken
    meanwhile must hold both rows or neither (one snapshot, not a mix of moments)."""
    stop = threading.Event()
    written = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            with store.transaction(fresh_db) as con:
                con.execute("INSERT INTO scenarios (name, changes, version) VALUES (?, '[]', 1)", [f"s{i}"])
                con.execute(
                    "INSERT INTO briefing_snapshots (snapshot_id, numbers) VALUES (?, '{}')", [f"s{i}"]
                )
            i += 1
            written.append(i)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        taken = [
            backup.take_backup(ADMIN, out_dir=tmp_path / "bk", path=fresh_db, now=T0 + timedelta(minutes=k))
            for k in range(3)
        ]
    finally:
        stop.set()
        thread.join()
    assert written, "the writer never ran"
    for info in taken:
        con = duckdb.connect(str(info.path), read_only=True)
        try:
            a = {r[0] for r in con.execute("SELECT name FROM scenarios").fetchall()}
            b = {r[0] for r in con.execute("SELECT snapshot_id FROM briefing_snapshots").fetchall()}
        finally:
            con.close()
        assert a == b


def test_backups_beyond_keep_are_deleted(fresh_db: Path, tmp_path: Path):
    folder = tmp_path / "bk"
    for k in range(4):
        info = backup.take_backup(ADMIN, out_dir=folder, path=fresh_db, keep=2, now=T0 + timedelta(hours=k))
    assert backup.list_backups(folder).name.tolist() == [
        "edu-20261120T113000.duckdb",
        "edu-20261120T103000.duckdb",
    ]
    assert info.pruned == ("edu-20261120T093000.duckdb",)
    assert not list(folder.glob("*.partial"))
    actions = _rows(fresh_db, "SELECT action, user_name FROM audit_log WHERE action = 'backup'")
    assert actions == {("backup", "管理员甲")}


def test_scheduled_backup_runs_only_when_due(fresh_db: Path, tmp_path: Path):
    settings = {"backup": {"dir": str(tmp_path / "bk"), "keep": 5, "schedule_hours": 24}}
    first = backup.run_if_due(path=fresh_db, settings=settings, now=T0)
    assert first is not None
    assert backup.run_if_due(path=fresh_db, settings=settings, now=T0 + timedelta(hours=23)) is None
    again = backup.run_if_due(path=fresh_db, settings=settings, now=T0 + timedelta(hours=24))
    assert again is not None and again.path != first.path
    off = {"backup": {**settings["backup"], "schedule_hours": 0}}
    assert backup.run_if_due(path=fresh_db, settings=off, now=T0 + timedelta(days=9)) is None
    users = _rows(fresh_db, "SELECT user_name FROM audit_log WHERE action = 'backup'")
    assert users == {(backup.SCHEDULER.user,)}


@pytest.mark.parametrize("role", ["county", "township", "leader", "planner"])
def test_only_admins_back_up_or_restore(fresh_db: Path, tmp_path: Path, role: str):
    with pytest.raises(permissions.NotPermitted):
        backup.take_backup(Scope(user="x", role=role), out_dir=tmp_path, path=fresh_db)
    with pytest.raises(permissions.NotPermitted):
        backup.restore(Scope(user="x", role=role), tmp_path / "any.duckdb", path=fresh_db)


def test_not_a_backup_is_refused(fresh_db: Path, tmp_path: Path):
    junk = tmp_path / "edu-20261120T083000.duckdb"
    junk.write_bytes(b"not a database")
    with pytest.raises(backup.BackupError, match="没有清单文件"):
        backup.restore(ADMIN, junk, path=fresh_db)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(backup.BackupError, match="没有清单文件"):
        backup.verify_backup(other, path=fresh_db)
    with pytest.raises(backup.BackupError, match="不存在"):
        backup.verify_backup(tmp_path / "missing.duckdb", path=fresh_db)


# ------------------------------------------------------------------ CLI
def test_cli_backup_list_and_restore(fresh_db: Path, tmp_path: Path, capsys):
    folder = tmp_path / "bk"
    assert cli.main(["backup", "--out", str(folder), "--json"]) == 0
    out = capsys.readouterr().out
    assert '"taken": true' in out
    name = backup.list_backups(folder).name.iloc[0]
    assert cli.main(["backup", "--out", str(folder), "--list"]) == 0
    assert name in capsys.readouterr().out
    with store.connect(fresh_db) as con:
        con.execute("DELETE FROM villages")
    assert cli.main(["restore", str(folder / name)]) == cli.EXIT_DATA  # no --yes: nothing happens
    assert "--yes" in capsys.readouterr().err
    assert _fingerprints(fresh_db)["villages"][0] == 0
    assert cli.main(["restore", str(folder / name), "--yes"]) == 0
    assert _fingerprints(fresh_db)["villages"] == backup.file_fingerprints(folder / name)["villages"]
    assert cli.main(["restore", str(tmp_path / "nope.duckdb"), "--yes"]) == cli.EXIT_DATA


def test_cli_backup_if_due(fresh_db: Path, tmp_path: Path, capsys):
    folder = tmp_path / "bk"
    assert cli.main(["backup", "--out", str(folder), "--if-due", "--json"]) == 0
    assert '"taken": true' in capsys.readouterr().out
    assert cli.main(["backup", "--out", str(folder), "--if-due", "--json"]) == 0
    assert '"taken": false' in capsys.readouterr().out
    assert len(backup.list_backups(folder)) == 1


def test_the_app_takes_a_due_backup_at_most_once_per_interval(fresh_db: Path, monkeypatch):
    """lib.ui.ops.scheduled_backup, as the frame calls it on every run."""
    from lib.ui import ops as ui_ops

    state = ui_ops._schedule_state(str(fresh_db))
    assert ui_ops.scheduled_backup() is None  # a process that just started does not look yet
    folder = fresh_db.parent / "backups"
    assert backup.list_backups(folder).empty
    monkeypatch.setitem(state, "checked", -1e9)  # as if the last look was long ago
    assert ui_ops.scheduled_backup() is None
    assert len(backup.list_backups(folder)) == 1
    monkeypatch.setitem(state, "checked", -1e9)
    ui_ops.scheduled_backup()  # looked again: not due (24 h schedule), nothing taken
    assert len(backup.list_backups(folder)) == 1
    assert ui_ops.scheduled_backup_error() is None


def test_restore_into_a_fresh_store_gives_identical_tables(fresh_db: Path, tmp_path: Path):
    info = backup.take_backup(ADMIN, out_dir=tmp_path / "bk", path=fresh_db, now=T0)
    assert info.path.stat().st_mode & 0o077 == 0  # owner only
    new = tmp_path / "new-server" / "edu.duckdb"
    new.parent.mkdir()
    with pytest.raises(backup.BackupError, match="备份密钥"):  # a server without the old one's key
        backup.restore(ADMIN, info.path, path=new)
    assert not new.exists()
    # the operator copies the old server's keys/ beside the new store (docs/operations.md)
    shutil.copytree(secure.keys_dir(fresh_db), secure.keys_dir(new))
    result = backup.restore(ADMIN, info.path, path=new)
    assert secure.is_owner_only(new)
    assert result.safety_backup is None and result.moved_aside is None
    source, restored = _fingerprints(fresh_db), _fingerprints(new)
    assert {k: v for k, v in restored.items() if k not in ("meta", "audit_log")} == {
        k: v for k, v in source.items() if k not in ("meta", "audit_log")
    }
    # the log: the backup's lines + the restore itself (the source logged the backup after copying)
    assert restored["audit_log"][0] == backup.file_fingerprints(info.path)["audit_log"][0] + 1
