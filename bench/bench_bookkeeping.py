"""What another user's audit line costs the next view of a page: warm, or cold again.

Every page's cache is keyed on :func:`lib.core.store.data_version`.  An audit line (a named
list opened, a search), a login or a background job's state is written to the store too; this
prints, per page, the median rerun time of a logged-in AppTest session

* warm: nothing written in between;
* after bookkeeping: another session's audit line written before each rerun;
* after a data write: one school's name changed (a mark added or taken off) before each
  rerun, a real data change, which must make the view cold;

each with the store's data version as it is, and again with the version read from the files'
stat alone (every write counted, as before bookkeeping writes were told apart), in the same run.

    .venv/bin/python bench/bench_bookkeeping.py [--pages overview,aid,risk] [--runs 3]

Uses (a copy of) the district store of ``bench/bench_pages.py``.  Figures go into the README;
they are never test assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _stat_only(path: Path | None = None) -> tuple[int, ...]:
    """The version before bookkeeping writes were told apart: the files' stat, every write."""
    from lib.core import config

    path = Path(path or config.db_path())
    out: list[int] = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = os.stat(p)
            out += [st.st_mtime_ns, st.st_size]
        except FileNotFoundError:
            out += [0, 0]
    return tuple(out)


def _session(page: str):
    from streamlit import config as st_config
    from streamlit.testing.v1 import AppTest

    from lib.ui import login as ui_login
    from tests.accounts import ensure_test_account

    st_config.set_option("runner.enforceSerializableSessionState", False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[ui_login.AUTH] = ui_login.auth_session(ensure_test_account("county"))
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    at.run()  # warm
    return at


def _median(at, before: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", default="overview,aid,risk,dropout_cases")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    source = ROOT / "bench" / "_out" / "district.duckdb"
    if not source.exists():
        sys.exit("run bench/bench_pages.py first (it builds bench/_out/district.duckdb)")
    work = Path(tempfile.mkdtemp(prefix="bench-bk-"))
    db = work / "edu.duckdb"
    shutil.copy(source, db)
    os.environ["EDU_DB"] = str(db)

    import streamlit as st

    from lib.core import audit, store
    from lib.core.scope import Scope

    other = Scope(user="another-user", role="county")

    def audit_line() -> None:
        audit.record(other, "view_named", page="bench")

    def data_write() -> None:
        with store.transaction(db) as con:
            con.execute(  # a real change (DuckDB writes nothing for an UPDATE that changes nothing)
                "UPDATE schools SET name = CASE WHEN name LIKE '%·' THEN rtrim(name, '·') ELSE name || '·' END "
                "WHERE code = (SELECT min(code) FROM schools)"
            )

    real = store.data_version
    print(f"load average: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}; runs {args.runs}; {db}")
    print(f"{'page':16} {'version':12} {'warm':>8} {'after audit':>12} {'after data':>11}")
    try:
        for page in args.pages.split(","):
            for label, version in (("data only", real), ("every write", _stat_only)):
                store.data_version = version
                st.cache_data.clear()
                st.cache_resource.clear()
                at = _session(page)
                warm = _median(at, lambda: None, args.runs)
                after_audit = _median(at, audit_line, args.runs)
                after_data = _median(at, data_write, args.runs)
                print(
                    f"{page:16} {label:12} {warm * 1000:7.0f}ms {after_audit * 1000:10.0f}ms "
                    f"{after_data * 1000:9.0f}ms",
                    flush=True,
                )
    finally:
        store.data_version = real
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
