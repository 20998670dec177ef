"""Attacks on backup and restore, replayed: each file below was restored by the old code.

A corrupted backup (512 random bytes written in, 24 times), a foreign one (another
installation's, another county's, a store of empty tables), one whose ``counties`` is a
view reading a server file, and a backup dir set to the web-served ``static/``: each is
now refused with a reason, and the live store is untouched."""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from lib import cli
from lib.core import config, secure, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.ops import backup

ADMIN = Scope(user="管理员甲", role="admin")
COUNTY = Scope(user="县级甲", role="county")
T0 = datetime(2026, 11, 20, 8, 30, 0)


def _live(path: Path) -> dict[str, tuple[int, int]]:
    with store.connect(path) as con:
        return backup.table_fingerprints(con)


@pytest.fixture
def taken(fresh_db: Path, tmp_path: Path) -> backup.BackupInfo:
    return backup.take_backup(ADMIN, out_dir=tmp_path / "backups", path=fresh_db, now=T0)


def test_a_backup_is_owner_only_with_a_signed_manifest(taken, fresh_db):
    manifest = json.loads(backup.manifest_path(taken.path).read_text(encoding="utf-8"))
    assert secure.is_owner_only(taken.path) and secure.is_owner_only(backup.manifest_path(taken.path))
    assert manifest["file_sha256"] == backup.file_sha256(taken.path)
    assert manifest["tables"]["students"]["rows"] == taken.tables["students"] > 0
    assert manifest["county"] == config.COUNTY_CODE and len(manifest["signature"]) == 64
    assert backup.verify_backup(taken.path, path=fresh_db) == taken.tables


def test_24_backups_with_512_random_bytes_written_in_are_all_refused(taken, fresh_db):
    before, pristine = _live(fresh_db), taken.path.read_bytes()
    rng = random.Random(20)
    size = len(pristine)
    for _ in range(24):
        at = rng.randrange(0, size - 512)
        taken.path.write_bytes(pristine[:at] + rng.randbytes(512) + pristine[at + 512 :])
        with pytest.raises(backup.BackupError, match="已损坏或被改动"):
            backup.restore(ADMIN, taken.path, path=fresh_db)
    assert _live(fresh_db) == before  # nothing replaced, nothing written
    assert not list(fresh_db.parent.glob("*.restoring")) and not backup.maintenance_file(fresh_db).exists()


def test_damage_is_caught_by_reading_every_table_even_when_the_file_hash_is_vouched_for(taken, fresh_db):
    """The worst case: the manifest was signed after the damage (a disk that corrupted the file
    before the manifest was written).  DuckDB's block checksums and the row hashes still refuse it."""
    data = bytearray(taken.path.read_bytes())
    for at in range(1 << 20, len(data) - 4096, 1 << 18):  # 4 KB zeroed every 256 KB past the header
        data[at : at + 4096] = bytes(4096)
    taken.path.write_bytes(bytes(data))
    manifest = json.loads(backup.manifest_path(taken.path).read_text(encoding="utf-8"))
    manifest.pop("signature")
    resigned = backup.build_manifest(
        file=taken.path,
        county=manifest["county"],
        version=manifest["schema_version"],
        tables={t: (v["rows"], int(v["hash"])) for t, v in manifest["tables"].items()},
        taken_at=T0,
        key=secure.read_key(secure.BACKUP_KEY, db=fresh_db),
    )
    backup.manifest_path(taken.path).write_text(json.dumps(resigned), encoding="utf-8")
    before = _live(fresh_db)
    with pytest.raises(backup.BackupError, match=r"损坏|不符"):
        backup.restore(ADMIN, taken.path, path=fresh_db)
    assert _live(fresh_db) == before


def test_a_manifest_rewritten_to_match_a_changed_file_is_refused(taken, fresh_db):
    con = duckdb.connect(str(taken.path))  # plant an administrator of the attacker's own
    con.execute("INSERT INTO accounts (name, roles, password_hash) VALUES ('mallory', 'admin', 'known')")
    con.close()
    manifest = json.loads(backup.manifest_path(taken.path).read_text(encoding="utf-8"))
    manifest["file_sha256"] = backup.file_sha256(taken.path)
    manifest["file_size"] = taken.path.stat().st_size
    backup.manifest_path(taken.path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(backup.BackupError, match="签名不符"):
        backup.restore(ADMIN, taken.path, path=fresh_db)


def test_another_installations_backup_is_refused(fresh_db, tmp_path):
    other = tmp_path / "other-server" / "edu.duckdb"
    other.parent.mkdir()
    shutil.copy(fresh_db, other)
    foreign = backup.take_backup(ADMIN, out_dir=tmp_path / "theirs", path=other, now=T0)  # their own key
    secure.read_key(secure.BACKUP_KEY, db=fresh_db)  # this installation has backed up before
    before = _live(fresh_db)
    with pytest.raises(backup.BackupError, match="签名不符"):
        backup.restore(ADMIN, foreign.path, path=fresh_db)
    assert _live(fresh_db) == before


def _signed(file: Path, db: Path, *, county: str = config.COUNTY_CODE) -> None:
    """Write a manifest for ``file`` signed with the installation's own key: the strongest
    attacker, who holds the key, still cannot get these files restored."""
    con = duckdb.connect(str(file), read_only=True)
    tables = {
        r[0]: tuple(
            con.execute(f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM "{r[0]}" t').fetchone()
        )
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    }
    con.close()
    manifest = backup.build_manifest(
        file=file,
        county=county,
        version=1,
        tables=tables,
        taken_at=T0,
        key=secure.read_key(secure.BACKUP_KEY, db=db),
    )
    backup.manifest_path(file).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_file_of_four_empty_tables_is_refused(fresh_db, tmp_path):
    empty = tmp_path / "edu-20261120T090000.duckdb"
    con = duckdb.connect(str(empty))
    for name in ("meta", "students", "schools", "audit_log"):
        con.execute(f'CREATE TABLE "{name}" (x INTEGER)')
    con.close()
    before = _live(fresh_db)
    with pytest.raises(backup.BackupError, match="没有清单文件"):
        backup.restore(ADMIN, empty, path=fresh_db)
    _signed(empty, fresh_db)  # even with a manifest signed by the real key
    with pytest.raises(backup.BackupError):
        backup.restore(ADMIN, empty, path=fresh_db)
    assert _live(fresh_db) == before
    with store.connect(fresh_db) as con:
        assert con.execute("SELECT count(*) FROM students").fetchone()[0] > 0


def test_a_view_reading_a_server_file_is_refused_and_never_read(fresh_db, tmp_path, taken):
    evil = tmp_path / "edu-20261120T100000.duckdb"
    shutil.copy(taken.path, evil)
    secret = tmp_path / "server-secret.txt"
    secret.write_text("code,name\nSECRET-HOSTNAME,x\n", encoding="utf-8")
    con = duckdb.connect(str(evil))
    con.execute("DROP TABLE counties")
    con.execute(f"CREATE VIEW counties AS SELECT * FROM read_csv('{secret}')")
    con.close()
    _signed(evil, fresh_db)
    before = _live(fresh_db)
    with pytest.raises(backup.BackupError, match="视图") as refused:
        backup.restore(ADMIN, evil, path=fresh_db)
    assert "SECRET-HOSTNAME" not in str(refused.value)
    assert _live(fresh_db) == before
    # and opening it as restore does cannot read the file at all
    con = duckdb.connect(str(evil), read_only=True, config=backup._SAFE_OPEN)
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM counties").fetchall()
    con.close()


def test_another_countys_backup_is_refused(fresh_db, taken):
    _signed(taken.path, fresh_db, county="411502")
    with pytest.raises(backup.BackupError, match="不是本县"):
        backup.restore(ADMIN, taken.path, path=fresh_db)


def test_a_restored_store_is_owner_only_whatever_the_backups_mode(fresh_db, taken):
    taken.path.chmod(0o644)
    backup.restore(ADMIN, taken.path, path=fresh_db)
    assert secure.is_owner_only(fresh_db)


# ------------------------------------------------------------------ backup dir into static
@pytest.mark.parametrize(
    "folder",
    ["../static", str(config.STATIC_DIR), str(config.STATIC_DIR / "vendor"), "/tmp", "..", ".", "a/../.."],
)
def test_the_backup_dir_cannot_leave_the_data_directory(fresh_db, folder):
    with pytest.raises(settings_store.SettingsError, match=r"数据目录|static"):
        settings_store.save_overrides(ADMIN, {"backup.dir": folder}, path=fresh_db)


def test_a_backup_dir_named_static_is_a_folder_of_the_data_directory_not_the_served_one(fresh_db):
    settings_store.save_overrides(ADMIN, {"backup.dir": "static"}, path=fresh_db)
    folder = backup.backup_dir(db=fresh_db)
    assert folder == fresh_db.parent.resolve() / "static" != config.STATIC_DIR.resolve()


def test_a_county_account_cannot_set_the_backup_dir_or_schedule(fresh_db):
    for change in ({"backup.dir": "static"}, {"backup.schedule_hours": 1}, {"backup.keep": 1}):
        with pytest.raises(settings_store.SettingsError, match="只有管理员"):
            settings_store.save_overrides(COUNTY, change, path=fresh_db)
    settings_store.save_overrides(ADMIN, {"backup.dir": "backups/nightly"}, path=fresh_db)
    assert backup.backup_dir(db=fresh_db) == fresh_db.parent.resolve() / "backups" / "nightly"


def test_a_stored_static_backup_dir_from_before_is_refused_and_nothing_lands_in_static(fresh_db):
    """The old attack's end state: 备份目录 = static, interval 1 hour, a page load runs the backup."""
    with store.connect(fresh_db) as con:
        con.execute("INSERT INTO settings VALUES ('backup.schedule_hours', '1', 'county-user', now())")
        con.execute("INSERT INTO settings VALUES ('backup.dir', '\"../static\"', 'county-user', now())")
    before = sorted(p.name for p in config.STATIC_DIR.rglob("*"))
    with pytest.raises(backup.BackupError, match="static"):
        backup.run_if_due(path=fresh_db, settings=settings_store.effective_settings())
    assert sorted(p.name for p in config.STATIC_DIR.rglob("*")) == before
    assert not secure.static_allowed("/app/static/edu-20261120T083000.duckdb")


def test_the_console_operator_cannot_back_up_into_static_either(fresh_db, capsys):
    assert cli.main(["backup", "--out", str(config.STATIC_DIR)]) == cli.EXIT_DATA
    assert "static" in capsys.readouterr().err
    assert not list(config.STATIC_DIR.glob("edu-*.duckdb"))


def test_the_status_page_names_what_others_could_read(fresh_db):
    from lib.ops import health

    fresh_db.chmod(0o644)  # as the live store was before
    stray = config.STATIC_DIR / "edu-20261120T083000.duckdb"
    stray.write_bytes(b"a copy of the store")
    try:
        found = health.exposure_problems(fresh_db)
        assert any("数据库文件" in p for p in found)
        assert any("edu-20261120T083000.duckdb" in p for p in found)
        assert not secure.static_allowed("/app/static/edu-20261120T083000.duckdb")
        assert secure.static_allowed("/app/static/vendor/leaflet/leaflet.js")
    finally:
        stray.unlink()
