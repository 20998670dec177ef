"""How many people one server holds: N simulated users against one running Streamlit server.

Each user is a client speaking Streamlit's own websocket protocol (``/_stcore/stream``,
protobuf BackMsg out, ForwardMsg in), not a browser: 50 browser contexts do not fit on
2 cores.  Every user is a school account (one school each) that resumes its login from the
signed refresh cookie (:mod:`lib.access.tokens`, the same cookie a browser presents after a
refresh), opens 总览, opens 每周填报 and submits its school's week through the page's form.
A page is *settled* when the server sends ``script_finished``.

    .venv/bin/python bench/bench_load.py [--db PATH] [--users 1,10,25,50] [--timeout 300]

The server listens on 127.0.0.1 only, uses a copy of the store (default: a copy of
/tmp/perf-demo.duckdb, made with ``python -m lib.cli demo --scale district``) and is stopped
at the end.  After each round the store copy is read: every submission must be there once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The pages each user opens, by url_path ("" is the default page).
PAGES = ("", "dropout_weekly")
WEEKLY = "dropout_weekly"


@dataclass
class Run:
    """What one rerun sent back: elapsed seconds, widgets seen, errors."""

    seconds: float
    status: str  # "ok", "exception", "timeout", "closed", "login"
    widgets: dict[str, dict] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` by linear interpolation; nan if empty."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(runs: list[Run]) -> dict[str, float]:
    """p50/p95 seconds of the settled runs, and how many runs failed."""
    ok = [r.seconds for r in runs if r.status == "ok"]
    return {
        "runs": len(runs),
        "p50": percentile(ok, 50),
        "p95": percentile(ok, 95),
        "errors": sum(r.status != "ok" for r in runs),
    }


def widget_of(widgets: dict[str, dict], key: str) -> dict | None:
    """The widget whose element id ends in the user key ``key`` (Streamlit ids end ``-<key>``)."""
    for wid, info in widgets.items():
        if wid.endswith(f"-{key}"):
            return info
    return None


def form_submitter(widgets: dict[str, dict], form_key: str) -> dict | None:
    """The submit button of the form ``form_key``."""
    for info in widgets.values():
        if info["kind"] == "button" and info.get("submitter") and info.get("form_id", "").endswith(form_key):
            return info
    return None


def collect(msg, widgets: dict[str, dict]) -> str | None:
    """Note the widgets of one ForwardMsg in ``widgets``; 'exception' if it shows a traceback,
    'login' if it shows the login form."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    el = msg.delta.new_element
    kind = el.WhichOneof("type")
    if kind == "exception":
        return "exception"
    if kind in ("multiselect", "button", "text_input", "selectbox"):
        proto = getattr(el, kind)
        info = {"kind": kind, "id": proto.id, "form_id": getattr(proto, "form_id", "")}
        if kind == "multiselect":
            info["options"] = list(proto.options)
        if kind == "button":
            info["submitter"] = proto.is_form_submitter
            if proto.form_id.endswith("login_form"):
                return "login"
        widgets[proto.id] = info
    return None


async def rerun(ws, page: str, states: list | None, timeout: float) -> Run:
    """One rerun of ``page`` with ``states`` (WidgetState protos), timed to script_finished."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    back = BackMsg()
    back.rerun_script.query_string = ""
    back.rerun_script.page_name = page
    back.rerun_script.page_script_hash = ""
    if states:
        back.rerun_script.widget_states.widgets.extend(states)
    widgets: dict[str, dict] = {}
    status = "ok"
    started = time.perf_counter()
    await ws.send(back.SerializeToString())
    try:
        async with asyncio.timeout(timeout):
            while True:
                raw = await ws.recv()
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                seen = collect(msg, widgets)
                if seen:
                    status = seen
                if msg.WhichOneof("type") == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        status = "exception"
                    if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        break
                    widgets.clear()  # st.rerun(): only the run that settles counts
    except TimeoutError:
        status = "timeout"
    except Exception:  # the server closed the socket: counted as an error, the round goes on
        status = "closed"
    return Run(time.perf_counter() - started, status, widgets)


async def user(port: int, token: str, timeout: float) -> tuple[list[Run], bool]:
    """One simulated user: open every page, then submit the week; (runs, submitted)."""
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    runs: list[Run] = []
    submitted = False
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            additional_headers={"Cookie": f"edu_session={token}"},
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
        ) as ws:
            weekly = None
            for page in PAGES:
                run = await rerun(ws, page, None, timeout)
                runs.append(run)
                if page == WEEKLY:
                    weekly = run
            chosen = widget_of(weekly.widgets, "do_submit_schools") if weekly else None
            button = form_submitter(weekly.widgets, "do_submit_week") if weekly else None
            if chosen and button and chosen["options"]:
                pick = WidgetState(id=chosen["id"])
                pick.string_array_value.data.extend(chosen["options"][:1])
                press = WidgetState(id=button["id"], trigger_value=True)
                run = await rerun(ws, WEEKLY, [pick, press], timeout)
                still = widget_of(run.widgets, "do_submit_schools")
                if run.status == "ok" and still and chosen["options"][0] in still["options"]:
                    run.status = "still_missing"  # the settled page must no longer ask for the school
                runs.append(run)
                submitted = run.status == "ok"
            else:
                runs.append(Run(0.0, "no_form"))
    except Exception:  # could not connect: one error for the user
        runs.append(Run(0.0, "closed"))
    return runs, submitted


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """Streamlit on 127.0.0.1:port over ``db``; returns once /_stcore/health answers."""
    env = dict(os.environ, EDU_DB=str(db))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("the server did not start")


def school_tokens(n: int, db: Path) -> list[tuple[str, str]]:
    """(school code, refresh token) for ``n`` school accounts, one school each."""
    from lib.access import tokens as auth_tokens
    from lib.core import config, store
    from tests.accounts import ensure_test_account

    with store.connect(db) as con:  # schools of the county the app serves (a city store holds ten)
        codes = [
            r[0]
            for r in con.execute(
                "SELECT code FROM schools WHERE township_code LIKE ? ORDER BY code LIMIT ?",
                [config.COUNTY_CODE + "%", n],
            ).fetchall()
        ]
    out = []
    for code in codes:
        account = ensure_test_account("school", schools=[code], path=db)
        token = auth_tokens.issue(account.name, account.session_stamp, now=time.time(), ttl_s=3600, path=db)
        out.append((code, token))
    return out


def stored_twice(db: Path) -> tuple[int, int]:
    """(rows in weekly_submissions, (week, school) pairs stored more than once)."""
    from lib.core import store

    with store.connect(db) as con:
        rows = con.execute(
            "SELECT count(*) FROM weekly_submissions WHERE submitted_by LIKE 'test-school-%'"
        ).fetchone()[0]
        dup = con.execute(
            "SELECT count(*) FROM (SELECT iso_week, school_code FROM weekly_submissions "
            "WHERE submitted_by LIKE 'test-school-%' GROUP BY 1, 2 HAVING count(*) > 1)"
        ).fetchone()[0]
    return rows, dup


def forget_submissions(db: Path, codes: list[str]) -> None:
    """Delete every submission of the schools ``codes`` (the demo files most weeks for most
    schools), so that each simulated user finds its school's week open."""
    from lib.core import store

    marks = ", ".join("?" * len(codes))
    with store.transaction(db) as con:
        con.execute(f"DELETE FROM weekly_submissions WHERE school_code IN ({marks})", codes)


async def round_(port: int, tokens: list[tuple[str, str]], timeout: float):
    return await asyncio.gather(*(user(port, t, timeout) for _, t in tokens))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/perf-demo.duckdb"))
    parser.add_argument("--users", default="1,10,25,50")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    sizes = [int(x) for x in args.users.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    db = work / "store.duckdb"
    shutil.copy(args.db, db)
    os.environ["EDU_DB"] = str(db)
    all_tokens = school_tokens(max(sizes), db)
    codes = [c for c, _ in all_tokens]
    port = _free_port()
    server = start_server(db, port)
    print(
        f"{'users':>5} {'page runs':>9} {'p50 s':>8} {'p95 s':>8} {'errors':>6} {'submitted':>9} "
        f"{'stored':>6} {'doubled':>7} {'wall s':>7}"
    )
    try:
        # one untimed user first: the first visit plants the demo's weekly history and fills caches
        asyncio.run(round_(port, all_tokens[:1], args.timeout))
        for n in sizes:
            forget_submissions(db, codes)
            before, _ = stored_twice(db)
            started = time.perf_counter()
            results = asyncio.run(round_(port, all_tokens[:n], args.timeout))
            wall = time.perf_counter() - started
            runs = [r for rs, _ in results for r in rs]
            if os.environ.get("BENCH_DEBUG"):
                for r in runs:
                    print(r.status, round(r.seconds, 2), widget_of(r.widgets, "do_submit_schools"))
            sent = sum(ok for _, ok in results)
            after, dup = stored_twice(db)
            s = summarize(runs)
            print(
                f"{n:>5} {s['runs']:>9} {s['p50']:>8.2f} {s['p95']:>8.2f} {s['errors']:>6} {sent:>9} "
                f"{after - before:>6} {dup:>7} {wall:>7.1f}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
