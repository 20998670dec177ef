"""One database instance per page run (:func:`lib.core.store.held`), and what must not change
because of it: the lock is another process's again when the run ends (by return or by
exception), the data version moves on a write and only then, and a restored file is read as
the new file (:func:`lib.core.store.quiesced`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lib.core import store

# another process opening the file for writing, as the CLI does: 0 if it got in, 3 if locked
_OTHER = (
    "import sys, duckdb\n"
    "try:\n"
    "    duckdb.connect(sys.argv[1]).close()\n"
    "except duckdb.IOException:\n"
    "    sys.exit(3)\n"
)


def _other_process_gets_in(path: Path) -> bool:
    done = subprocess.run([sys.executable, "-c", _OTHER, str(path)], timeout=120, check=False)
    assert done.returncode in (0, 3), done
    return done.returncode == 0


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "h.duckdb"
    with store.transaction(p) as con:
        store.write_table(con, "schools", pd.DataFrame({"code": ["a"], "name": ["甲校"]}))
    return p


def _schools(path: Path) -> list[str]:
    with store.connect(path) as con:
        return [r[0] for r in con.execute("SELECT code FROM schools ORDER BY code").fetchall()]


def test_the_run_holds_the_file_and_lets_go_when_it_ends(path):
    assert _other_process_gets_in(path)
    with store.held():
        assert _other_process_gets_in(path)  # nothing opened yet: nothing held
        assert _schools(path) == ["a"]
        assert not _other_process_gets_in(path)  # the run's instance stays open between units
        assert _schools(path) == ["a"]
    assert _other_process_gets_in(path)


def test_a_run_stopped_by_an_exception_lets_go_too(path):
    with pytest.raises(RuntimeError), store.held():
        _schools(path)
        raise RuntimeError("st.stop()")
    assert _other_process_gets_in(path)


def test_without_a_block_nothing_is_held(path):
    _schools(path)
    assert _other_process_gets_in(path)


def test_the_version_moves_on_a_write_and_not_on_the_instance_closing(path):
    with store.held():
        before = store.data_version(path)
        assert _schools(path) == ["a"]
        assert store.data_version(path) == before  # a read
        with store.transaction(path) as con:
            con.execute("INSERT INTO schools (code) VALUES ('b')")
        written = store.data_version(path)
        assert written != before
    # closing the last connection checkpoints the log into the file: not a data change
    assert store.data_version(path) == written
    assert _schools(path) == ["a", "b"]
    assert store.data_version(path) == written


def test_a_restored_file_is_read_as_the_new_file(path, tmp_path):
    copy = tmp_path / "older.duckdb"
    with store.transaction(path) as con:
        con.execute("INSERT INTO schools (code) VALUES ('old')")
    shutil.copy(path, copy)
    with store.transaction(path) as con:
        con.execute("INSERT INTO schools (code) VALUES ('new')")
    with store.held():
        assert _schools(path) == ["a", "new", "old"]
        with store.quiesced(path):
            assert _other_process_gets_in(path)  # the run's own instance is closed
            Path(str(path) + ".wal").unlink(missing_ok=True)
            os.replace(copy, path)
            assert _schools(path) == ["a", "old"]
            assert _other_process_gets_in(path)  # and none opened in the block
        assert _schools(path) == ["a", "old"]  # the run goes on, on the restored file
        assert not _other_process_gets_in(path)
    assert _other_process_gets_in(path)


def test_nested_blocks_join_the_outer_one(path):
    with store.held():
        with store.held():
            _schools(path)
        assert not _other_process_gets_in(path)  # the inner block's end is not the run's
    assert _other_process_gets_in(path)
