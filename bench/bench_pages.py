"""Print, for every page, the median warm-rerun time (AppTest script time) at district and
city scale beside an empty page's rerun and the issue's reference page's (a 30-row table and a
bar chart from memory, ``bench/reference_page.py``) measured in the same run, the ratio to the
reference, how many times faster than a hand-rolled overview (``bench/handrolled_overview.py``,
no cache) the page is, and the demo build time.

    .venv/bin/python bench/bench_pages.py [--scales district,city] [--runs 7]
    .venv/bin/python bench/bench_pages.py --cold [--pages aid,risk] [--runs 3]

``--cold``: the first view after a restart or a data change.  Every Streamlit cache
(``st.cache_data``, ``st.cache_resource``) is cleared, then the page's first AppTest run is
timed, beside an empty page's first run after the same clearing in the same process; the
median of ``--runs`` such rounds.  (To see where a page's first view goes, profile the loader
functions it calls in a plain script: AppTest runs the page in another thread, out of cProfile's
sight.)

Figures go into the README's performance table; they are never test assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "_out"

from tests.server_mode import as_the_server  # noqa: E402  (pages through the frame, as the server runs them)


def _build(scale: str) -> tuple[Path, float | None]:
    from lib.core import store
    from lib.demo import county as demo

    path = OUT / f"{scale}.duckdb"
    if path.exists() and not store.is_empty(path):
        return path, None  # reuse: the build time was printed when it was built
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    demo.build_demo(path, scale=scale)
    return path, time.perf_counter() - started


def _median_rerun(script: str, page: str | None, runs: int) -> float:
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    # AppTest keeps an unpicklable internal value in session state (see tests/app/conftest.py).
    st_config.set_option("runner.enforceSerializableSessionState", False)
    as_the_server()
    at = AppTest.from_file(script, default_timeout=600)
    if script.endswith("app.py"):  # every page is behind the login: log in as a county user
        from lib.ui import login as ui_login
        from tests.accounts import ensure_test_account

        at.session_state[ui_login.AUTH] = ui_login.auth_session(ensure_test_account("county"))
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _clear_caches() -> None:
    """Forget every cached result, as after a restart or a data change."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _logged_in(script: str) -> Any:
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    st_config.set_option("runner.enforceSerializableSessionState", False)
    as_the_server()
    at = AppTest.from_file(script, default_timeout=600)
    if script.endswith("app.py"):
        from lib.ui import login as ui_login
        from tests.accounts import ensure_test_account

        at.session_state[ui_login.AUTH] = ui_login.auth_session(ensure_test_account("county"))
    return at


def _cold_run(script: str, page: str | None) -> float:
    """Seconds of the first run of ``page`` after every cache is cleared (the frame's own first
    run, which opens the default page, comes before the clearing and is not timed)."""
    at = _logged_in(script)
    if page:
        at.run()
        assert not at.exception, at.exception
        at.switch_page(page)
    _clear_caches()
    started = time.perf_counter()
    at.run()
    took = time.perf_counter() - started
    assert not at.exception, at.exception
    return took


def cold(scales: str, chosen: list[str], runs: int) -> None:
    """Print every page's median cold first run beside an empty page's in the same process."""
    print(f"{'scale':<9} {'page':<28} {'cold first run':>15} {'empty page':>11} {'ratio':>6}")
    for scale in scales.split(","):
        path, _ = _build(scale)
        os.environ["EDU_DB"] = str(path)
        from lib.demo import aid as aid_demo
        from lib.demo import dropout as dropout_demo

        aid_demo.ensure_aid_demo(path)  # the demo's own one-off fills: not a page's cost
        dropout_demo.ensure_dropout_demo()
        app, empty = str(ROOT / "app.py"), str(ROOT / "bench" / "empty_page.py")
        _cold_run(app, chosen[0])  # imports and the first-start checks: not any page's cost
        for page in chosen:
            pairs = [(_cold_run(app, page), _cold_run(empty, None)) for _ in range(runs)]
            t = statistics.median(p for p, _ in pairs)
            floor = statistics.median(f for _, f in pairs)
            print(f"{scale:<9} {page:<28} {t:>14.2f}s {floor:>10.2f}s {t / floor:>6.1f}", flush=True)


def pages() -> list[str]:
    """The pages a county user may open (administration pages are measured by nobody)."""
    from lib.core import permissions

    return sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "pages").glob("*.py")
        if permissions.visible("county", p.stem)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="district,city")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="first run after clearing every cache")
    parser.add_argument("--pages", default=None, help="comma-separated page names (default: all)")
    args = parser.parse_args()
    chosen = [p for p in pages() if not args.pages or Path(p).stem in args.pages.split(",")]
    print(f"load average: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")
    if args.cold:
        cold(args.scales, chosen, args.runs)
        print(f"load average: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")
        return
    print(
        f"{'scale':<9} {'page':<28} {'median warm rerun':>18} {'empty page':>11} {'reference':>10} "
        f"{'÷ reference':>12} {'hand-rolled ÷':>14}"
    )
    for scale in args.scales.split(","):
        path, built = _build(scale)
        if built is not None:
            print(f"{scale:<9} {'(demo build)':<28} {built:>17.1f}s")
        os.environ["EDU_DB"] = str(path)
        floor = _median_rerun(str(ROOT / "bench" / "empty_page.py"), None, args.runs)
        # the yardstick: a 30-row table and a bar chart from memory (bench/reference_page.py)
        ref = _median_rerun(str(ROOT / "bench" / "reference_page.py"), None, args.runs)
        # what a page without cache or summary costs on this store (bench/handrolled_overview.py)
        hand = _median_rerun(str(ROOT / "bench" / "handrolled_overview.py"), None, args.runs)
        print(f"{scale:<9} {'(hand-rolled overview)':<28} {hand * 1000:>16.0f}ms", flush=True)
        for page in chosen:
            t = _median_rerun(str(ROOT / "app.py"), page, args.runs)
            print(
                f"{scale:<9} {page:<28} {t * 1000:>16.0f}ms {floor * 1000:>9.0f}ms {ref * 1000:>8.0f}ms "
                f"{t / ref:>12.1f} {hand / t:>14.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
