"""Browser tests: Debian's chromium through pytest-playwright, a real Streamlit server per script.

Run with ``pytest -m browser`` (``make test`` runs them; ``make test-fast``
skips them).  Playwright's own browser download does not work here, so the
system chromium is launched (``EDU_CHROMIUM`` overrides its path); the tests
skip when it is missing.  Helpers for the tests are in ``helpers.py``.
Screenshots go to ``tests/browser/_screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
SCREENSHOT_DIR = Path(__file__).resolve().parent / "_screenshots"
CHROMIUM = Path(os.environ.get("EDU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
HEALTH_TIMEOUT_S = 60.0


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated so these tests run under any config.
    config.addinivalue_line("markers", "browser: real-browser tests (Playwright + Debian chromium)")


# ---------------------------------------------------------------- playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, on the system chromium (``--headed`` still works)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need chromium at {CHROMIUM} (make browser-deps, or set EDU_CHROMIUM)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A Chinese desktop: zh-CN, Beijing time, a laptop-sized window."""
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``tests/browser/_screenshots/`` (git-ignored), created on demand."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    return SCREENSHOT_DIR


# ---------------------------------------------------------------- streamlit server


@dataclass
class _Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stage_beside_static(script: Path, workdir: Path) -> Path:
    """A copy of ``script`` in ``workdir`` next to a link to the repo's ``static/``.

    Streamlit serves the ``static/`` folder beside the entry script; a test
    script that lives elsewhere (tests/browser/) gets the repo's folder this way.
    """
    staged = workdir / script.name
    shutil.copy2(script, staged)
    try:
        (workdir / "static").symlink_to(STATIC_DIR, target_is_directory=True)
    except OSError:  # no symlinks (e.g. Windows without the privilege): copy, 1-2 MB
        shutil.copytree(STATIC_DIR, workdir / "static")
    return staged


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_healthy(server: _Server, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {server.process.returncode}; log {server.log}:\n{_tail(server.log)}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(
        f"streamlit not healthy after {timeout_s:.0f} s; log {server.log}:\n{_tail(server.log)}"
    )


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Start Streamlit on a script and return its base URL: ``streamlit_server(script, env=None)``.

    ``script`` is a path, relative paths from the repo root (``"app.py"``).
    One server per (script, env) for the whole session, all stopped at the end.
    The server runs from the repo root (its ``.streamlit/config.toml`` applies)
    with ``PYTHONPATH`` set to the repo root, on a free port of 127.0.0.1, with
    static serving on.  A script with no ``static/`` beside it (the test apps in
    tests/browser/) is run from a temporary copy beside a link to the repo's
    ``static/``, so ``/app/static/...`` works for it as it does for ``app.py``.
    ``env`` adds variables (e.g. ``{"EDU_DB": ...}``); the rest is inherited,
    including the test run's own ``EDU_DB`` from ``tests/conftest.py``.
    """
    servers: dict[tuple, _Server] = {}

    def start(script: str | Path, env: Mapping[str, str] | None = None) -> str:
        script = Path(script)
        script = script if script.is_absolute() else ROOT / script
        key = (str(script), tuple(sorted((env or {}).items())))
        if key in servers:
            return servers[key].url
        workdir = tmp_path_factory.mktemp("streamlit")
        entry = script if (script.parent / "static").is_dir() else _stage_beside_static(script, workdir)

        port = _free_port()
        child_env = {**os.environ, **(env or {})}
        child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        command = [
            sys.executable, "-m", "streamlit", "run", str(entry),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            "--server.enableStaticServing", "true",
        ]  # fmt: skip
        log = workdir / "streamlit.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        server = _Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
        servers[key] = server
        _wait_healthy(server, HEALTH_TIMEOUT_S)
        return server.url

    yield start
    for server in servers.values():
        server.stop()
