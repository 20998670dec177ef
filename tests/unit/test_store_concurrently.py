"""A unit's reads side by side (:func:`lib.core.store.concurrently`): each job gets its own
cursor and the answer a serial read gives; a job may wait on one submitted before it; the first
error is raised; every job has ended when the block ends, and the file is another process's
again afterwards."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from lib.core import store


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "c.duckdb"
    with store.transaction(p) as con:
        store.write_table(
            con,
            "schools",
            pd.DataFrame({"code": [f"s{i:02d}" for i in range(20)], "name": [f"第{i}校" for i in range(20)]}),
        )
    return p


def test_jobs_read_what_a_serial_read_gives_on_their_own_cursors(path: Path) -> None:
    sql = "SELECT code, name FROM schools WHERE code >= ? ORDER BY code"
    with store.connect(path) as con:
        serial = [store.frame(con, sql, [f"s{i:02d}"]) for i in range(6)]
        seen: list[object] = []

        def read(cur, start: str) -> pd.DataFrame:
            seen.append(cur)
            return store.frame(cur, sql, [start])

        with store.concurrently(con) as submit:
            jobs = [submit(read, f"s{i:02d}") for i in range(6)]
        side = [j.result() for j in jobs]
    for a, b in zip(serial, side, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert len({id(c) for c in seen}) == 6 and con not in seen  # a cursor each, never the unit's


def test_a_job_waits_on_one_submitted_before_it(path: Path) -> None:
    gate = threading.Event()
    with store.connect(path) as con:

        def first(cur) -> list[str]:
            gate.wait(timeout=30)  # held until the second job is queued behind it
            return [r[0] for r in cur.execute("SELECT code FROM schools ORDER BY code LIMIT 3").fetchall()]

        with store.concurrently(con) as submit:
            one = submit(first)
            two = submit(
                lambda cur, ids: cur.execute(
                    f"SELECT count(*) FROM schools WHERE code IN ({', '.join('?' * len(ids.result()))})",
                    ids.result(),
                ).fetchall()[0][0],
                one,
            )
            gate.set()
        assert two.result() == 3


def test_the_first_error_is_raised_and_every_job_has_ended(path: Path) -> None:
    futures = []
    with store.connect(path) as con:
        with pytest.raises(Exception, match="no_such_table"):
            with store.concurrently(con) as submit:
                futures.append(submit(lambda cur: cur.execute("SELECT * FROM no_such_table").fetchall()))
                futures += [
                    submit(lambda cur: cur.execute("SELECT count(*) FROM schools").fetchall())
                    for _ in range(4)
                ]
        assert all(f.done() for f in futures)  # ended or never started: nothing runs on after the block
        assert store.frame(con, "SELECT count(*) AS n FROM schools")["n"].iloc[0] == 20  # the unit goes on
