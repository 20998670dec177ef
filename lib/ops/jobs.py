"""Background jobs (后台任务): long work that shows its progress and can be left.

A job (a roster check, a reconciliation, a back-test ...) runs in a thread of the server
process.  Its state lives in the store's ``jobs`` table (queued -> running -> done / failed,
progress 0..1 with a Chinese text, times, the error), so that its owner finds it again after
leaving the page or logging in anew; its result is pickled into a private folder beside the
store (``<store>-jobs/``, owner-only) and read back by its owner only.

The store is opened only for a moment at a time: one short connection when a job starts and
one when it ends, and the work itself opens the store for its own short units of work, so the
CLI (another process) still gets in while a job computes.  Progress is kept in memory by the
process that runs the job (a page polling it opens no store) and written to the store with
the job's end (a failed job shows where it stopped).  The jobs table is bookkeeping
(``store.connect(bookkeeping=True)``): its writes leave :func:`lib.core.store.data_version`,
on which every page's cache is keyed, as it was, so starting or ending a job makes no user's
next view a cold one.

A failed job keeps its message: an :class:`~lib.core.errors.AppError`'s Chinese text as
raised, any other exception a generic Chinese message (a traceback can carry data; it goes
to the log).  A job left ``running`` by a process that is gone (a server restart) is marked
failed (:data:`RESTART_MESSAGE`) by :func:`recover`, which the server calls once at start.
Results are deleted ``retention.job_days`` days after they finished (:func:`purge`), and
only the newest :data:`KEEP_PER_OWNER` results of a kind are kept per owner and scope.

Times here are the wall clock's: they say when a job ran (like the audit log), not what
date the data is for (which stays ``Scope.as_of``).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lib.core import config, secure, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope

_LOG = logging.getLogger("edu.ops.jobs")

#: The message of a job that was running when its server stopped.
RESTART_MESSAGE = "服务重启，任务中断，请重新运行"
#: The message of a job that failed on an unexpected error (the details go to the log).
UNEXPECTED_MESSAGE = "任务运行出错，请重新运行；若再次出错，请联系管理员查看日志。"
STATES = ("queued", "running", "done", "failed")
ACTIVE = ("queued", "running")
#: Finished results kept per owner, kind and scope (older ones are deleted when one finishes).
KEEP_PER_OWNER = 3

#: A callback the work calls with its progress (0..1) and a Chinese text of its phase.
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Job:
    """One row of the ``jobs`` table."""

    job_id: str
    kind: str
    owner: str
    scope_key: str
    params: dict[str, Any]
    state: str
    progress: float
    progress_text: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    result_path: str | None
    error: str | None
    worker: str | None

    @property
    def active(self) -> bool:
        """Queued or running."""
        return self.state in ACTIVE


# ------------------------------------------------------------------ this process
_LOCK = threading.Lock()
_THREADS: dict[str, threading.Thread] = {}
_LIVE: dict[str, Job] = {}  # the freshest state of the jobs this process runs
# a page asks for its jobs on every rerun: the list as last read, by the store's files then
# (any write to the store, by any process, moves them; a page's rerun opens no store)
_LISTED: dict[tuple[Any, ...], tuple[tuple[int, ...], list[Job]]] = {}


def _start_time(pid: int) -> str | None:
    """A process's start time (clock ticks since boot, from /proc): with the pid it names one
    process, not a later one that reuses the pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


_WORKER = f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def _worker_alive(worker: str | None) -> bool:
    """Whether the process that ``worker`` names still runs (on this host; a job of another host
    is left alone)."""
    if not worker:
        return False
    host, _, rest = worker.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname():
        return True
    if worker == _WORKER:
        return False  # this process: only its live threads count (checked by the caller)
    return pid.isdigit() and _start_time(int(pid)) == started and started != "None"


def scope_key(scope: Scope) -> str:
    """The key a job is filed under: the Scope without its masking (a job started while the list
    was unmasked is the same job when it is masked again; results are masked on display)."""
    return json.dumps(replace(scope, mask=True).cache_key(), ensure_ascii=False, default=str)


def results_dir(path: Path | None = None) -> Path:
    """The private folder of job results: ``<stem>-jobs/`` beside the store's file (0700)."""
    db = Path(path or config.db_path())
    return secure.make_private_dir(db.parent / f"{db.stem}-jobs")


# ------------------------------------------------------------------ rows
_COLUMNS = (
    "job_id, kind, owner, scope_key, params, state, progress, progress_text, created_at, "
    "started_at, finished_at, result_path, error, worker"
)


def _row_to_job(row: tuple) -> Job:
    values = list(row)
    values[4] = json.loads(values[4] or "{}")
    values[6] = float(values[6] or 0.0)
    values[7] = values[7] or ""
    return Job(*values)


def _remember(job_id: str, **fields: Any) -> None:
    with _LOCK:
        if job_id in _LIVE:
            _LIVE[job_id] = replace(_LIVE[job_id], **fields)


class _Reporter:
    """The progress callback handed to the work: this process's memory (see the module's notes)."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.text = ""

    def __call__(self, fraction: float, text: str = "") -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        self.text = text or self.text
        _remember(self.job_id, progress=fraction, progress_text=self.text)


# ------------------------------------------------------------------ running
def start(
    kind: str,
    scope: Scope,
    work: Callable[[Progress], Any],
    *,
    params: dict[str, Any] | None = None,
    path: Path | None = None,
) -> str:
    """Record a job and run ``work(progress)`` in a background thread; return the job's id.

    Parameters
    ----------
    kind
        What the job is (``roster_check``, ``reconcile`` ...): a page finds its jobs by it.
    scope
        Whose job it is (``scope.user``) and what it may see (filed by :func:`scope_key`).
    work
        The computation; it calls ``progress(fraction, text)`` and returns the result (anything
        picklable).  An :class:`~lib.core.errors.AppError` it raises is the job's message.
    params
        A summary for the record (a file's name and size, options): no personal data.
    path
        The store (default ``EDU_DB``).
    """
    job = Job(
        job_id=uuid.uuid4().hex[:16],
        kind=kind,
        owner=scope.user,
        scope_key=scope_key(scope),
        params=dict(params or {}),
        state="running",  # a thread starts it at once (``queued`` is for a queue of workers)
        progress=0.0,
        progress_text="",
        created_at=datetime.now(),
        started_at=datetime.now(),
        finished_at=None,
        result_path=None,
        error=None,
        worker=_WORKER,
    )
    with store.connect(path, bookkeeping=True) as con:
        con.execute(
            f"INSERT INTO jobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                job.job_id,
                job.kind,
                job.owner,
                job.scope_key,
                json.dumps(job.params, ensure_ascii=False, default=str),
                job.state,
                job.progress,
                job.progress_text,
                job.created_at,
                job.started_at,
                None,
                None,
                None,
                job.worker,
            ],
        )
    thread = threading.Thread(target=_run, args=(job, work, path), name=f"job-{job.job_id}", daemon=True)
    with _LOCK:
        _LIVE[job.job_id] = job
        _THREADS[job.job_id] = thread
    thread.start()
    return job.job_id


def _run(job: Job, work: Callable[[Progress], Any], path: Path | None) -> None:
    reporter = _Reporter(job.job_id)
    try:
        result = work(reporter)
        target = results_dir(path) / f"{job.job_id}.pkl"
        with open(target, "wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        secure.harden_file(target)
        final = {
            "state": "done",
            "progress": 1.0,
            "progress_text": "完成",
            "finished_at": datetime.now(),
            "result_path": target.name,
        }
    except AppError as exc:
        final = _failed(job.job_id, str(exc))
    except Exception:
        _LOG.exception("job %s (%s) failed", job.job_id, job.kind)
        final = _failed(job.job_id, UNEXPECTED_MESSAGE)
    _remember(job.job_id, **final)
    try:
        _finish(job, final, path)
    except AppError:
        _LOG.exception("job %s: its end could not be recorded", job.job_id)
        return  # stays in memory (and running in the store until the next start's recovery)
    with _LOCK:
        _LIVE.pop(job.job_id, None)
        _THREADS.pop(job.job_id, None)


def _failed(job_id: str, message: str) -> dict[str, Any]:
    """The end of a failed job: its message, and how far it got."""
    with _LOCK:
        live = _LIVE.get(job_id)
    where = {"progress": live.progress, "progress_text": live.progress_text} if live else {}
    return {"state": "failed", "finished_at": datetime.now(), "error": message, **where}


def wait(job_id: str, *, timeout_s: float = 120.0, path: Path | None = None) -> Job:
    """Block until the job has finished (for tests and the CLI); return its last state."""
    with _LOCK:
        thread = _THREADS.get(job_id)
    if thread is not None:
        thread.join(timeout_s)
    job = get(job_id, path=path)
    if job is None or job.active:
        raise TimeoutError(f"job {job_id} still running after {timeout_s} s")
    return job


def wait_all(*, timeout_s: float = 120.0) -> None:
    """Block until every job this process runs has finished (tests; a clean shutdown)."""
    deadline = time.monotonic() + timeout_s
    with _LOCK:
        threads = list(_THREADS.values())
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


# ------------------------------------------------------------------ reading
def get(job_id: str, *, owner: str | None = None, path: Path | None = None) -> Job | None:
    """One job (None if unknown, or not ``owner``'s when given); from memory while it runs here."""
    with _LOCK:
        live = _LIVE.get(job_id)
    if live is None:
        with store.connect(path, bookkeeping=True) as con:
            row = con.execute(f"SELECT {_COLUMNS} FROM jobs WHERE job_id = ?", [job_id]).fetchall()
        live = _row_to_job(row[0]) if row else None
    if live is None or (owner is not None and live.owner != owner):
        return None
    return live


def jobs_of(scope: Scope, kind: str | None = None, *, path: Path | None = None) -> list[Job]:
    """The jobs of ``scope.user`` filed under this Scope (of ``kind`` when given), newest first.
    Nobody sees another user's jobs, nor their own of another scope."""
    where = Path(path or config.db_path())
    key = (str(where), scope.user, scope_key(scope), kind)
    seen = store.files_stat(where)  # before the read: a write after it makes the next call read
    with _LOCK:
        hit = _LISTED.get(key)
    if hit is not None and hit[0] == seen:
        found = hit[1]
    else:
        sql = f"SELECT {_COLUMNS} FROM jobs WHERE owner = ? AND scope_key = ?"
        args: list[Any] = [scope.user, scope_key(scope)]
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        with store.connect(where, bookkeeping=True) as con:
            found = [
                _row_to_job(row) for row in con.execute(sql + " ORDER BY created_at DESC", args).fetchall()
            ]
        with _LOCK:
            if len(_LISTED) >= 256:
                _LISTED.clear()
            _LISTED[key] = (seen, found)
    with _LOCK:  # a job this process runs: its state as of now, from memory
        return [_LIVE.get(job.job_id, job) for job in found]


def latest(scope: Scope, kind: str, *, path: Path | None = None) -> Job | None:
    """The newest job of ``kind`` of this user and Scope, or None."""
    found = jobs_of(scope, kind, path=path)
    return found[0] if found else None


def result(job: Job, scope: Scope, *, path: Path | None = None) -> Any:
    """The result of a finished job of ``scope.user`` (None if it has none or is not theirs)."""
    if job.state != "done" or not job.result_path or job.owner != scope.user:
        return None
    if job.scope_key != scope_key(scope):
        return None
    target = results_dir(path) / Path(job.result_path).name
    try:
        with open(target, "rb") as fh:
            return pickle.load(fh)  # written by this module, in a folder only this user can write
    except FileNotFoundError:
        return None


# ------------------------------------------------------------------ clean-up
def _delete(con: Any, rows: list[tuple[str, str | None]], path: Path | None) -> int:
    folder = results_dir(path)
    for job_id, result_path in rows:
        if result_path:
            (folder / Path(result_path).name).unlink(missing_ok=True)
        con.execute("DELETE FROM jobs WHERE job_id = ?", [job_id])
    return len(rows)


def forget(job: Job, scope: Scope, *, path: Path | None = None) -> bool:
    """Delete a finished job of ``scope.user`` and its result (after an import used it)."""
    if job.owner != scope.user or job.active:
        return False
    with store.connect(path, bookkeeping=True) as con:
        _delete(con, [(job.job_id, job.result_path)], path)
    return True


def _finish(job: Job, final: dict[str, Any], path: Path | None) -> None:
    """Record a job's end and, when it is done, keep only the newest :data:`KEEP_PER_OWNER`
    finished jobs of this owner, kind and scope: one unit of work (one change of the file)."""
    sets = ", ".join(f'"{k}" = ?' for k in final)
    with store.connect(path, wait_s=60.0, bookkeeping=True) as con:
        con.execute(f"UPDATE jobs SET {sets} WHERE job_id = ?", [*final.values(), job.job_id])
        if final["state"] != "done":
            return
        rows = con.execute(
            "SELECT job_id, result_path FROM jobs WHERE owner = ? AND kind = ? AND scope_key = ? "
            "AND state IN ('done', 'failed') ORDER BY created_at DESC OFFSET ?",
            [job.owner, job.kind, job.scope_key, KEEP_PER_OWNER],
        ).fetchall()
        _delete(con, rows, path)


def purge(*, days: float | None = None, now: datetime | None = None, path: Path | None = None) -> int:
    """Delete jobs (and their results) that finished more than ``days`` (``retention.job_days``)
    ago; return how many."""
    with store.connect(path, bookkeeping=True) as con:
        if days is None:
            days = float(settings_store.effective_settings(con)["retention"]["job_days"])
        cutoff = (now or datetime.now()) - timedelta(days=days)
        rows = con.execute(
            "SELECT job_id, result_path FROM jobs WHERE state IN ('done', 'failed') AND finished_at < ?",
            [cutoff],
        ).fetchall()
        return _delete(con, rows, path)


def recover(*, path: Path | None = None) -> int:
    """Mark failed (:data:`RESTART_MESSAGE`) every job left queued or running by a process that
    no longer runs it; then :func:`purge`.  Return how many were marked.  The server calls it
    once at start; a job this process still runs, or another live process runs, is left alone."""
    with store.connect(path, bookkeeping=True) as con:
        rows = con.execute("SELECT job_id, worker FROM jobs WHERE state IN ('queued', 'running')").fetchall()
        with _LOCK:
            mine = {j for j, t in _THREADS.items() if t.is_alive()}
        gone = [j for j, w in rows if j not in mine and not _worker_alive(w)]
        for job_id in gone:
            con.execute(
                "UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE job_id = ?",
                [RESTART_MESSAGE, datetime.now(), job_id],
            )
    purge(path=path)
    return len(gone)
