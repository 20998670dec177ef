"""What the login costs: a password check (argon2id, slow on purpose), and what every rerun pays
to check its session (account re-read), beside a bare store read measured in the same run.

    .venv/bin/python bench/bench_login.py [--runs 15]

Uses EDU_DB (default: bench/_out/district.duckdb, built by bench_pages.py).
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


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("EDU_DB", str(ROOT / "bench" / "_out" / "district.duckdb"))
    from lib.access import auth
    from lib.access import tokens as auth_tokens
    from lib.core import store
    from tests.accounts import TEST_PASSWORD, ensure_test_account

    account = ensure_test_account("county")
    token = auth_tokens.issue(account.name, account.session_stamp, now=time.time(), ttl_s=600)

    def bare() -> None:
        with store.connect() as con:
            con.execute("SELECT 1").fetchall()

    rows = {
        "bare store read (baseline)": _median(bare, args.runs),
        "session check per rerun": _median(
            lambda: auth.session_account(account.name, account.session_stamp), args.runs
        ),
        "cookie resume (refresh)": _median(
            lambda: auth_tokens.account_from_token(token, now=time.time()), args.runs
        ),
        "password check (login)": _median(lambda: auth.verify(account.name, TEST_PASSWORD), args.runs),
    }
    base = rows["bare store read (baseline)"]
    print(f"{'step':<28} {'median':>10} {'× baseline':>11}")
    for name, t in rows.items():
        print(f"{name:<28} {t * 1000:>8.1f}ms {t / base:>10.1f}")


if __name__ == "__main__":
    main()
