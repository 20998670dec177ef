import subprocess
import sys
import textwrap
import time
from datetime import date

import pandas as pd
import pytest

from lib import cli
from lib.core import schema, store


def test_migrations_create_every_table(tmp_path):
    path = tmp_path / "s.duckdb"
    with store.connect(path) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(schema.TABLES) <= tables
        assert store.schema_version(con) == store.SCHEMA_VERSION
    # reopening does not migrate again and keeps the version
    with store.connect(path) as con:
        assert store.schema_version(con) == store.SCHEMA_VERSION


def test_migration_adds_columns_added_to_schema_later(tmp_path):
    path = tmp_path / "old.duckdb"
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("CREATE TABLE schools (code VARCHAR, name VARCHAR)")
    con.close()
    with store.connect(path) as con:
        cols = {r[0] for r in con.execute("DESCRIBE schools").fetchall()}
    assert set(schema.TABLES["schools"].names) <= cols


def test_round_trip_keeps_types_and_text(tmp_path):
    path = tmp_path / "rt.duckdb"
    frame = pd.DataFrame(
        {
            "student_id": ["S1", "S2"],
            "id_number": ["41150320140101001X", "411503201401010020"],
            "name": ["张小三", "李四"],
            "birth_date": [date(2014, 1, 1), date(2014, 1, 1)],
            "grade": [6, 7],
            "boarding": [True, False],
        }
    )
    with store.transaction(path) as con:
        store.write_table(con, "students", frame)
    back = store.read_frame("SELECT * FROM students ORDER BY student_id", path=path)
    assert list(back.id_number) == list(frame.id_number)  # leading digits and X kept
    assert list(back.name) == ["张小三", "李四"]
    assert back.grade.tolist() == [6, 7]
    assert back.boarding.tolist() == [True, False]
    assert back.school_code.isna().all()  # columns not given are NULL


def test_failed_transaction_leaves_nothing(tmp_path):
    path = tmp_path / "tx.duckdb"
    with pytest.raises(RuntimeError, match="boom"), store.transaction(path) as con:
        store.write_table(con, "schools", pd.DataFrame({"code": ["2141000001"], "name": ["甲"]}))
        raise RuntimeError("boom")
    assert store.read_frame("SELECT count(*) AS n FROM schools", path=path).n[0] == 0


def test_replace_mode_and_bad_mode(tmp_path):
    path = tmp_path / "r.duckdb"
    with store.transaction(path) as con:
        store.write_table(con, "schools", pd.DataFrame({"code": ["a", "b"]}))
        store.write_table(con, "schools", pd.DataFrame({"code": ["c"]}), mode="replace")
        with pytest.raises(ValueError, match="append or replace"):
            store.write_table(con, "schools", pd.DataFrame({"code": ["d"]}), mode="upsert")
    assert store.read_frame("SELECT code FROM schools", path=path).code.tolist() == ["c"]


def test_data_version_changes_on_write(tmp_path):
    path = tmp_path / "v.duckdb"
    with store.connect(path):
        pass
    before = store.data_version(path)
    time.sleep(0.01)
    with store.transaction(path) as con:
        store.write_table(con, "schools", pd.DataFrame({"code": ["x"]}))
    assert store.data_version(path) != before


@pytest.fixture
def locked_db(tmp_path):
    """Another process holding the database file open (as a running app or CLI would)."""
    path = tmp_path / "locked.duckdb"
    with store.connect(path):
        pass
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    yield path
    proc.kill()
    proc.wait()


def test_locked_database_is_reported_plainly(locked_db):
    with (
        pytest.raises(store.StoreBusy, match="数据库正被另一个程序使用"),
        store.connect(locked_db, wait_s=0.3),
    ):
        pass


def test_cli_exit_code_3_when_busy(locked_db, monkeypatch, capsys):
    monkeypatch.setenv("EDU_DB", str(locked_db))
    monkeypatch.setattr(store, "connect", _short_wait(store.connect))
    assert cli.main(["info"]) == cli.EXIT_BUSY
    assert "数据库正被另一个程序使用" in capsys.readouterr().err


def _short_wait(connect):
    def wrapped(path=None, **kw):
        kw["wait_s"] = 0.3
        return connect(path, **kw)

    return wrapped


def test_cli_usage_error_exits_2():
    assert cli.main(["no-such-command"]) == cli.EXIT_USAGE


def test_cli_info_missing_database_exits_1(tmp_path, monkeypatch):
    monkeypatch.setenv("EDU_DB", str(tmp_path / "none.duckdb"))
    assert cli.main(["info"]) == cli.EXIT_DATA


def test_frame_returns_what_df_returns_for_every_kind_of_column():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t (s VARCHAR, n INTEGER, big BIGINT, x DOUBLE, d DATE, ts TIMESTAMP, b BOOLEAN, "
        "none VARCHAR, some_null INTEGER)"
    )
    con.execute(
        "INSERT INTO t VALUES ('甲', 1, 10, 0.5, DATE '2026-11-20', TIMESTAMP '2026-11-20 08:30:00', TRUE, "
        "NULL, NULL), (NULL, 2, 20, NULL, NULL, NULL, NULL, NULL, 7)"
    )
    queries = [
        "SELECT * FROM t",
        "SELECT * FROM t WHERE n > ?",  # no rows: empty columns keep .df()'s dtypes
        "SELECT n, sum(big) AS total, avg(x) AS mean, count(*) AS k FROM t GROUP BY n ORDER BY n",
        "SELECT 1.25::DECIMAL(10, 2) AS amount, list(s) AS names FROM t",
        "SELECT d - ts AS gap, {'a': n} AS pair, NULL AS nothing FROM t",  # interval, struct: .df() itself
    ]
    for sql in queries:
        params = [5] if "?" in sql else None
        pd.testing.assert_frame_equal(store.frame(con, sql, params), con.execute(sql, params or []).df())
    out = store.frame(con, "SELECT * FROM t ORDER BY n")
    assert out["some_null"].tolist()[1] == 7 and pd.isna(out["some_null"].tolist()[0])
    assert out["none"].dtype == object and out["d"].tolist()[0] == pd.Timestamp("2026-11-20")
    assert store.frame(con, "SELECT * FROM t WHERE n = $n", {"n": 2})["big"].tolist() == [20]
