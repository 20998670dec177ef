"""Print, for every page a county user opens, the time to a settled page in a real browser
(Playwright driving Debian's chromium against a real Streamlit server), first visit and warm.

    .venv/bin/python bench/bench_browser.py [--db PATH] [--pages overview,aid,...] [--runs 3]

"Settled" is what a person waits for: the script has finished (``data-test-script-state``
is ``notRunning``), no skeleton or stale element is left, every plotly chart has drawn its
SVG and every map iframe has drawn Leaflet's polygons.  A page is opened as people open it,
by a click on its name in the navigation (汇报模式 by its link ``?present=1``); the clock
starts at the click.  "first" is the first visit after the server started (its caches cold,
as the first person in the morning meets it); "warm" the median of ``--runs`` later visits
(each after a visit to 我的账号, so the page is really switched to).

The server runs on a copy of the database (default: bench/_out/district.duckdb, built by
bench_pages.py, else built here).  Figures go into the README's performance table beside
the server-side times of bench_pages.py; they are never test assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "_out"
CHROMIUM = os.environ.get("EDU_CHROMIUM", "/usr/bin/chromium")

#: Pages in the README's order (url paths; "" is the overview).
PAGES = (
    "",
    "present",
    "todo",
    "dropout",
    "dropout_cases",
    "dropout_weekly",
    "dropout_rosters",
    "roster_check",
    "risk",
    "aid",
    "aid_reconcile",
    "layout",
    "planning",
    "data_import",
    "explore",
    "corrections",
    "account",
)

#: Settled: script done, nothing loading, every chart and map drawn.
_SETTLED_JS = """
() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector("[data-testid='stSkeleton'], [data-stale='true'], .edu-wait")) return false;
  if (!document.querySelector("[data-testid='stMainBlockContainer'] h1, .pm-title")) return false;
  for (const plot of document.querySelectorAll('.stPlotlyChart')) {
    if (!plot.querySelector('.main-svg')) return false;
  }
  for (const frame of document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')) {
    const doc = frame.contentDocument;
    if (!doc || !doc.querySelector('.leaflet-container svg path')) return false;
  }
  return true;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(path: str | None) -> Path:
    if path:
        return Path(path)
    built = OUT / "district.duckdb"
    if not built.exists():
        from lib.demo import county as demo

        OUT.mkdir(parents=True, exist_ok=True)
        demo.build_demo(built)
    return built


def _serve(db: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "EDU_DB": str(db), "EDU_SETTINGS": str(workdir / "settings.toml")}
    env["PYTHONPATH"] = str(ROOT)
    log = (workdir / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read().strip() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.25)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


def _settle(page, timeout_s: float) -> None:
    page.wait_for_timeout(150)  # let the run begin: the attribute still reads notRunning before it
    page.wait_for_function(_SETTLED_JS, timeout=timeout_s * 1000, polling=50)


def _visit(page, url: str, name: str, timeout_s: float = 300.0) -> float:
    """Open ``name`` as a person does and return the seconds until it has settled."""
    if name == "present":
        started = time.perf_counter()
        page.goto(f"{url}/?present=1")
        _settle(page, timeout_s)
        took = time.perf_counter() - started
        page.get_by_role("button", name="退出汇报模式").click()
        _settle(page, timeout_s)
        return took
    link = page.locator(f'[data-testid="stSidebarNav"] a[href="{url}/{name}"]')
    started = time.perf_counter()
    link.click()
    _settle(page, timeout_s)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None, help="database to copy (default bench/_out/district.duckdb)")
    parser.add_argument("--pages", default=",".join(PAGES), help="url paths, comma-separated ('' = 总览)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.accounts import TEST_PASSWORD, ensure_test_account

    workdir = Path(tempfile.mkdtemp(prefix="edu-bench-browser-"))
    db = workdir / "edu.duckdb"
    shutil.copy(_database(args.db), db)
    account = ensure_test_account("county", path=db)
    proc, url = _serve(db, workdir)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page.goto(url)
            page.get_by_label("用户名").fill(account.name, timeout=120_000)
            page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
            page.get_by_role("button", name="登录", exact=True).click()
            page.get_by_role("button", name="退出登录").wait_for(timeout=300_000)
            print(f"{'page':<18} {'first visit':>12} {'warm (median)':>14}")
            _settle(page, 300)
            for name in args.pages.split(","):
                if name != "account":
                    _visit(page, url, "account")  # start from another page
                first = _visit(page, url, name)
                warm = []
                for _ in range(args.runs):
                    _visit(page, url, "account")
                    warm.append(_visit(page, url, name))
                print(
                    f"{name or 'overview':<18} {first:>11.1f}s {statistics.median(warm):>13.1f}s", flush=True
                )
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
