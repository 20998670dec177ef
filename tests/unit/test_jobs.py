"""Background jobs (lib.ops.jobs) on a private, empty store: states, progress, failures with their
message, owners kept apart, a restart's recovery, retention, and the store left free mid-job."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from lib.core import config, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.ops import jobs

ANNA = Scope(as_of=date(2031, 3, 2), user="anna", role="county")
HOST = socket.gethostname()
BO = Scope(as_of=date(2031, 3, 2), user="bo", role="county")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "jobs.duckdb"
    with store.connect(path):
        pass
    return path


def _rows(db: Path, sql: str, args: list | None = None) -> list[tuple]:
    with store.connect(db) as con:
        return con.execute(sql, args or []).fetchall()


def test_a_job_runs_reports_progress_and_keeps_its_result(db):
    gate, middle, later = threading.Event(), threading.Event(), threading.Event()

    def work(progress):
        progress(0.25, "读取文件")
        middle.set()
        assert gate.wait(10)
        progress(0.75, "核对")
        later.set()
        return {"answer": 42, "rows": [1, 2, 3]}

    job_id = jobs.start("demo", ANNA, work, params={"file": "a.csv"}, path=db)
    assert middle.wait(10)
    running = jobs.get(job_id, path=db)
    assert running.state == "running" and running.progress == 0.25 and running.progress_text == "读取文件"
    # the store knows it runs; its progress stays in memory: a write would change the data
    # version every page's cache is keyed on
    assert _rows(db, "SELECT state, owner, kind FROM jobs WHERE job_id = ?", [job_id]) == [
        ("running", "anna", "demo")
    ]
    version = store.data_version(db)
    gate.set()
    assert later.wait(10)
    done = jobs.wait(job_id, path=db)
    assert done.state == "done" and done.progress == 1.0 and done.error is None
    assert done.started_at <= done.finished_at
    assert done.params == {"file": "a.csv"}
    assert jobs.result(done, ANNA, path=db) == {"answer": 42, "rows": [1, 2, 3]}
    stored = _rows(db, "SELECT state, progress, result_path FROM jobs WHERE job_id = ?", [job_id])[0]
    assert stored[:2] == ("done", 1.0) and store.data_version(db) != version  # the end is written
    result_file = jobs.results_dir(db) / stored[2]
    assert result_file.is_file() and (result_file.stat().st_mode & 0o077) == 0  # owner only


def test_progress_does_not_write_to_the_store(db):
    started, reported, release = threading.Event(), threading.Event(), threading.Event()

    def work(progress):
        started.wait(10)
        for i in range(20):
            progress(0.1 + i / 25, "核对")
        reported.set()
        release.wait(10)

    job_id = jobs.start("demo", ANNA, work, path=db)
    version = store.data_version(db)  # after the start was written
    started.set()
    assert reported.wait(10)
    try:
        assert jobs.get(job_id, path=db).progress == pytest.approx(0.1 + 19 / 25)
        assert store.data_version(db) == version
    finally:
        release.set()
    jobs.wait(job_id, path=db)


def test_a_failed_job_keeps_its_chinese_message(db):
    def work(progress):
        progress(0.4, "核对")
        raise AppError("花名册.csv 第 3 行“身份证号”列：校验位不对")

    job = jobs.wait(jobs.start("demo", ANNA, work, path=db), path=db)
    assert job.state == "failed"
    assert job.error == "花名册.csv 第 3 行“身份证号”列：校验位不对"
    assert jobs.result(job, ANNA, path=db) is None
    # the message, and where it stopped, are in the store for when the user comes back
    assert _rows(db, "SELECT error, progress, progress_text FROM jobs WHERE job_id = ?", [job.job_id]) == [
        (job.error, 0.4, "核对")
    ]


def test_an_unexpected_error_is_a_generic_message_without_the_details(db):
    def work(progress):
        raise KeyError("张三 411503201001011234")

    job = jobs.wait(jobs.start("demo", ANNA, work, path=db), path=db)
    assert job.state == "failed" and job.error == jobs.UNEXPECTED_MESSAGE
    assert "张三" not in job.error


def test_a_user_sees_only_their_own_jobs_of_their_scope(db):
    a = jobs.wait(jobs.start("demo", ANNA, lambda p: "anna's", path=db), path=db)
    b = jobs.wait(jobs.start("demo", BO, lambda p: "bo's", path=db), path=db)
    assert [j.job_id for j in jobs.jobs_of(ANNA, "demo", path=db)] == [a.job_id]
    assert [j.job_id for j in jobs.jobs_of(BO, "demo", path=db)] == [b.job_id]
    assert jobs.result(a, BO, path=db) is None  # not bo's
    assert jobs.get(a.job_id, owner="bo", path=db) is None
    assert jobs.forget(a, BO, path=db) is False
    # the same user narrowed to one township is another scope; unmasking is the same one
    narrow = Scope(as_of=ANNA.as_of, user="anna", role="county", townships=("411503101",))
    assert jobs.jobs_of(narrow, "demo", path=db) == []
    unmasked = Scope(as_of=ANNA.as_of, user="anna", role="county", mask=False)
    assert jobs.latest(unmasked, "demo", path=db).job_id == a.job_id
    assert jobs.result(a, unmasked, path=db) == "anna's"
    assert jobs.latest(ANNA, "other", path=db) is None


def test_a_restart_marks_jobs_left_running_failed(db):
    key = jobs.scope_key(ANNA)
    # rows as a server that stopped mid-job left them: a dead process, and one of another host
    _rows(
        db,
        "INSERT INTO jobs (job_id, kind, owner, scope_key, params, state, progress, created_at, worker) "
        "VALUES ('gone', 'demo', 'anna', ?, '{}', 'running', 0.4, now()::TIMESTAMP, ?), "
        "('queued', 'demo', 'anna', ?, '{}', 'queued', 0, now()::TIMESTAMP, ?), "
        "('remote', 'demo', 'anna', ?, '{}', 'running', 0.4, now()::TIMESTAMP, 'elsewhere-host:1:1')",
        [key, f"{HOST}:999999999:1", key, f"{HOST}:999999998:5", key],
    )
    gate = threading.Event()
    live = jobs.start("demo", ANNA, lambda p: gate.wait(10), path=db)
    try:
        assert jobs.recover(path=db) == 2
        states = dict(_rows(db, "SELECT job_id, state FROM jobs"))
        assert states["gone"] == "failed" and states["queued"] == "failed"
        assert states["remote"] == "running"  # another host's job is not this server's to judge
        assert states[live] in ("queued", "running")  # this process still runs it
        assert _rows(db, "SELECT error FROM jobs WHERE job_id = 'gone'") == [(jobs.RESTART_MESSAGE,)]
    finally:
        gate.set()
        jobs.wait(live, path=db)


def test_old_results_are_deleted_and_only_the_newest_are_kept(db):
    ids = [jobs.wait(jobs.start("demo", ANNA, lambda p, i=i: i, path=db), path=db).job_id for i in range(5)]
    kept = [j.job_id for j in jobs.jobs_of(ANNA, "demo", path=db)]
    assert kept == ids[::-1][: jobs.KEEP_PER_OWNER]
    assert len(list(jobs.results_dir(db).glob("*.pkl"))) == jobs.KEEP_PER_OWNER
    assert jobs.purge(days=7, path=db) == 0  # all finished just now
    assert jobs.purge(days=7, now=datetime.now() + timedelta(days=8), path=db) == jobs.KEEP_PER_OWNER
    assert jobs.jobs_of(ANNA, "demo", path=db) == []
    assert list(jobs.results_dir(db).glob("*.pkl")) == []


def test_the_store_is_free_while_a_job_computes(db):
    """Another process (as the CLI) opens the store and writes a row while the job computes."""
    computing, gate = threading.Event(), threading.Event()

    def work(progress):
        progress(0.5, "核对")
        computing.set()
        assert gate.wait(60)
        return "ok"

    job_id = jobs.start("demo", ANNA, work, path=db)
    try:
        assert computing.wait(10)
        code = (
            "import sys; from lib.core import store\n"
            "with store.connect(sys.argv[1], wait_s=1.0) as con:\n"
            "    con.execute(\"INSERT INTO meta VALUES ('cli_was_here', 'yes')\")\n"
        )
        run = subprocess.run(
            [sys.executable, "-c", code, str(db)],
            cwd=config.ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert jobs.get(job_id, path=db).state == "running"
    finally:
        gate.set()
    assert jobs.wait(job_id, path=db).state == "done"
    assert _rows(db, "SELECT value FROM meta WHERE key = 'cli_was_here'") == [("yes",)]


def test_the_retention_run_deletes_old_results(db):
    from lib.ops import retention  # the retention run: beside the jobs' own clean-up

    old = jobs.wait(jobs.start("demo", ANNA, lambda p: "kept a week", path=db), path=db)
    admin = Scope(as_of=date(2031, 3, 2), user="root", role="admin")
    retention.apply_retention(admin, as_of=admin.as_of, path=db, now=datetime.now() + timedelta(days=3))
    assert jobs.latest(ANNA, "demo", path=db) is not None  # within retention.job_days
    retention.apply_retention(admin, as_of=admin.as_of, path=db, now=datetime.now() + timedelta(days=8))
    assert jobs.latest(ANNA, "demo", path=db) is None
    assert not (jobs.results_dir(db) / old.result_path).exists()
