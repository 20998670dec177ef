"""Print, for every page, the median warm-rerun time (AppTest script time) at district and
city scale beside an empty page's rerun measured in the same run, and the demo build time.

    .venv/bin/python bench/bench_pages.py [--scales district,city] [--runs 7]

Figures go into the README's performance table; they are never test assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "_out"


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
    args = parser.parse_args()
    print(f"{'scale':<9} {'page':<28} {'median warm rerun':>18} {'empty page':>11} {'ratio':>6}")
    for scale in args.scales.split(","):
        path, built = _build(scale)
        if built is not None:
            print(f"{scale:<9} {'(demo build)':<28} {built:>17.1f}s")
        os.environ["EDU_DB"] = str(path)
        floor = _median_rerun(str(ROOT / "bench" / "empty_page.py"), None, args.runs)
        for page in pages():
            t = _median_rerun(str(ROOT / "app.py"), page, args.runs)
            print(f"{scale:<9} {page:<28} {t * 1000:>16.0f}ms {floor * 1000:>9.0f}ms {t / floor:>6.1f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
