"""The store's data version moves on every data change, and only then.

Every page's cache is keyed on :func:`lib.core.store.data_version`.  A version that stays put
after a data change shows stale figures (the worse fault); one that moves on an audit line or a
login makes the next view of every page of every user a cold one.  Each case below is a way
the store's files can change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lib.core import audit, store
from lib.core.scope import Scope

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "v.duckdb"
    with store.transaction(p) as con:
        store.write_table(con, "schools", pd.DataFrame({"code": ["a"], "name": ["甲校"]}))
    return p


def _schools(path: Path) -> list[str]:
    with store.connect(path) as con:
        return [r[0] for r in con.execute("SELECT code FROM schools ORDER BY code").fetchall()]


def test_a_data_write_moves_the_version_and_a_read_does_not(path):
    before = store.data_version(path)
    assert _schools(path) == ["a"]
    assert store.data_version(path) == before
    with store.transaction(path) as con:
        store.write_table(con, "schools", pd.DataFrame({"code": ["b"]}))
    assert store.data_version(path) != before


def test_an_audit_line_a_login_count_and_a_job_state_leave_it(path, monkeypatch):
    monkeypatch.setenv("EDU_DB", str(path))
    before = store.data_version(path)
    audit.record(Scope(user="anna", role="county"), "view_case", case="C1")
    with store.transaction(path, bookkeeping=True) as con:
        con.execute("INSERT INTO meta VALUES ('last_login', 'anna')")
    assert store.data_version(path) == before
    with store.connect(path) as con:  # the audit line is there: it was written, not skipped
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'view_case'").fetchone()[0] == 1


def test_a_data_write_after_bookkeeping_still_moves_it(path):
    with store.transaction(path, bookkeeping=True) as con:
        con.execute("INSERT INTO meta VALUES ('k', 'v')")
    before = store.data_version(path)
    with store.transaction(path) as con:
        con.execute("UPDATE schools SET name = '乙校'")
    assert store.data_version(path) != before


def test_a_write_by_another_tool_moves_it_and_it_does_not_come_back(path):
    """Written past connect() (a DBA's tool): seen from the files, and counted by the next unit
    of work, so the version never returns to the one caches hold the old figures under."""
    before = store.data_version(path)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schools (code) VALUES ('z')")
    con.close()
    outside = store.data_version(path)
    assert outside != before
    assert _schools(path) == ["a", "z"]  # a plain read notes the files again ...
    after = store.data_version(path)
    assert after != before  # ... and counts the change it found
    assert store.data_version(path) == after


def test_a_restored_file_moves_it(path, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(path, copy)
    before = store.data_version(path)
    with store.transaction(path) as con:
        con.execute("DELETE FROM schools")
    os.replace(copy, path)  # as a restore puts an older file in place
    assert store.data_version(path) not in (before,)
    assert _schools(path) == ["a"]
    assert store.data_version(path) != before


def test_a_write_by_another_process_moves_it(path):
    before = store.data_version(path)
    code = (
        "from lib.core import store; import sys\n"
        "with store.transaction(sys.argv[1]) as con:\n"
        "    con.execute(\"INSERT INTO schools (code) VALUES ('p')\")\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=ROOT, timeout=120)
    assert store.data_version(path) != before
    assert _schools(path) == ["a", "p"]


def test_a_unit_of_work_that_fails_midway_still_moves_it(path):
    before = store.data_version(path)
    with pytest.raises(RuntimeError), store.connect(path) as con:
        con.execute("INSERT INTO schools (code) VALUES ('half')")  # no transaction: it stays
        raise RuntimeError("stopped")
    assert _schools(path) == ["a", "half"]
    assert store.data_version(path) != before


def test_without_its_note_the_version_is_the_files_own(path):
    before = store.data_version(path)
    Path(str(path) + ".version").unlink()
    assert store.data_version(path) != before  # unknown history: never the old key
    with store.transaction(path) as con:
        con.execute("INSERT INTO schools (code) VALUES ('n')")
    assert store.data_version(path) != before


def test_a_weekly_filing_moves_only_the_key_of_what_reads_the_filings(path):
    """每周填报 (lib.core.store.NARROW_TABLES): a unit that declares it wrote only the filings
    moves the full key (the 每周填报 page's) and leaves every other page's key as it was."""
    full, broad = store.data_version(path), store.data_version(path, narrow=False)
    with store.transaction(path, only="weekly_submissions") as con:
        con.execute("INSERT INTO weekly_submissions (iso_week, school_code) VALUES ('2026-W47', 'a')")
    assert store.data_version(path) != full
    assert store.data_version(path, narrow=False) == broad
    again = store.data_version(path)
    with store.transaction(path, only="weekly_submissions") as con:
        con.execute("INSERT INTO weekly_submissions (iso_week, school_code) VALUES ('2026-W48', 'a')")
    assert store.data_version(path) not in (full, again)  # every filing, not only the first
    assert store.data_version(path, narrow=False) == broad
    with store.transaction(path) as con:  # any other write moves both
        con.execute("UPDATE schools SET name = '丙校'")
    assert store.data_version(path, narrow=False) != broad


def test_a_filing_after_an_outside_write_still_moves_every_key(path):
    """The outside write was not counted yet: the narrow unit that finds it counts it for all."""
    broad = store.data_version(path, narrow=False)
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schools (code) VALUES ('z')")
    con.close()
    with store.transaction(path, only="weekly_submissions") as con:
        con.execute("INSERT INTO weekly_submissions (iso_week, school_code) VALUES ('2026-W47', 'a')")
    after = store.data_version(path, narrow=False)
    assert after != broad
    assert _schools(path) == ["a", "z"]
    assert store.data_version(path, narrow=False) == after  # and it does not come back


def test_a_declared_filing_that_wrote_nothing_moves_nothing(path):
    full = store.data_version(path)
    with store.transaction(path, only="weekly_submissions") as con:
        con.execute("SELECT count(*) FROM weekly_submissions").fetchall()
    assert store.data_version(path) == full
