"""What the slow CLI commands cost at district scale, beside a bare store read in the same run.

    .venv/bin/python bench/bench_cli.py [--db PATH] [--runs 3] [--rows 5000]

Median of ``--runs`` runs of ``python -m lib.cli`` (a fresh process each, as cron or a clerk
runs it) for ``roster-check`` (the demo's school-age roster), ``reconcile`` (a ``--rows``-row
poverty list cut from the students), ``risk`` and ``briefing``; the baseline is ``info``
(open the store, count rows) in a fresh process, so interpreter start-up is in both.
Works on a copy of the store (default /tmp/perf-demo.duckdb, ``python -m lib.cli demo
--scale district``).  The figures go into the README; they are never test assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, int]:
    """Median seconds of ``runs`` runs of ``python -m lib.cli *cmd``, and the last exit code."""
    times, code = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "lib.cli", *cmd], cwd=ROOT, env=env, capture_output=True)
        times.append(time.perf_counter() - started)
        code = done.returncode
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/perf-demo.duckdb"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    db = work / "store.duckdb"
    shutil.copy(args.db, db)
    env = dict(os.environ, EDU_DB=str(db))
    os.environ["EDU_DB"] = str(db)
    from lib.core import store
    from lib.demo.roster import demo_roster_csv

    roster = work / "花名册.csv"
    roster.write_bytes(demo_roster_csv(db))
    listed = work / "脱贫名单.csv"
    with store.connect(db) as con:
        frame = con.execute(
            "SELECT id_number AS 身份证号, name AS 姓名 FROM students ORDER BY student_id LIMIT ?",
            [args.rows],
        ).df()
    frame.to_csv(listed, index=False, encoding="utf-8-sig")
    n_roster = sum(1 for _ in roster.open(encoding="utf-8-sig")) - 1
    cases = {
        "info (bare store read, baseline)": ["info"],
        f"roster-check ({n_roster:,} rows)": ["roster-check", str(roster), "--json"],
        f"reconcile ({len(frame):,} rows)": ["reconcile", str(listed), "--json"],
        "risk (top 20)": ["risk", "--json"],
        "briefing": ["briefing", "--out", str(work / "简报.html"), "--json"],
    }
    try:
        base = None
        print(f"{'command':<36} {'median s':>9} {'× info':>7} {'exit':>4}")
        for name, cmd in cases.items():
            t, code = _median(cmd, args.runs, env)
            base = base or t
            print(f"{name:<36} {t:>9.2f} {t / base:>7.1f} {code:>4}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
