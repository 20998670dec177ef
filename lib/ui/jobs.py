"""后台任务 on a page: start a long work, show its progress, show its result when the user is back.

One widget for every page (:func:`panel`): while the page's newest job of a kind runs, a
progress bar with its phase, polled by a fragment (``run_every``) that reruns the page once
the job has finished; then the result (drawn by the page's ``show``) with the time it
finished, or the job's Chinese error.  The job lives in the store (:mod:`lib.ops.jobs`), so
the user may leave the page, or log in anew, and find it here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import streamlit as st

from lib.core import config
from lib.core.scope import Scope
from lib.ops import jobs
from lib.ui import lang, note, tr

#: How often a running job's progress is polled (seconds).
POLL_S = 1.0


@st.cache_resource(show_spinner=False)
def _recovered(db: str) -> int:
    """Once per server process and store: jobs a previous process left running are failed."""
    return jobs.recover()


def _when(at: datetime | None) -> str:
    if at is None:
        return "—"
    return at.strftime("%Y-%m-%d %H:%M") if lang() == "en" else at.strftime("%Y年%m月%d日 %H:%M")


def start(kind: str, scope: Scope, work: Callable[[jobs.Progress], Any], params: dict[str, Any]) -> str:
    """Start ``work`` as a job of ``scope.user`` (``params``: a summary without personal data)."""
    return jobs.start(kind, scope, work, params=params)


def latest(kind: str, scope: Scope) -> jobs.Job | None:
    """The user's newest job of ``kind`` in this Scope (after the start-up recovery)."""
    _recovered(str(config.db_path()))
    return jobs.latest(scope, kind)


def progress(job: jobs.Job) -> None:
    """The progress bar of a running job, its phase, and that the page may be left."""
    text = tr(job.progress_text) if job.progress_text else tr("job_started")
    st.progress(min(max(job.progress, 0.0), 1.0), text=f"{text} · {job.progress:.0%}")
    note(tr("job_leave"))


def panel(
    kind: str,
    scope: Scope,
    show: Callable[[Any, jobs.Job], None],
    *,
    key: str,
) -> jobs.Job | None:
    """The page's newest job of ``kind``: its progress while it runs, else its result (drawn by
    ``show(result, job)``) or its error; returns the job (None when there is none)."""
    job = latest(kind, scope)
    if job is None:
        return None
    with st.container(key=key):  # st-key-<key>: where a test or a style finds the panel
        return _panel(job, scope, show)


def _panel(job: jobs.Job, scope: Scope, show: Callable[[Any, jobs.Job], None]) -> jobs.Job:
    if job.active:

        @st.fragment(run_every=POLL_S)
        def poll() -> None:
            now = jobs.get(job.job_id, owner=scope.user)
            if now is None or not now.active:
                st.rerun(scope="app")  # finished: the whole page draws the result
            progress(now)

        poll()
        return job
    if job.state == "failed":
        st.error(tr("job_failed").format(at=_when(job.finished_at), error=job.error or ""))
        return job
    got = jobs.result(job, scope)
    if got is None:
        return job
    st.caption("✓ " + tr("job_done_at").format(at=_when(job.finished_at)))
    show(got, job)
    return job


def forget(job: jobs.Job, scope: Scope) -> None:
    """Delete a finished job and its result (its data was stored, or the user cleared it)."""
    jobs.forget(job, scope)
