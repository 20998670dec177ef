"""学校布局/布局规划 figures at district scale: map HTML size, compute times, page warm reruns, p-median solve time.

    .venv/bin/python bench/bench_layout.py [--runs 7] [--db PATH]

Prints figures; never a test assertion (targets: map HTML < 2 MB, warm rerun < 300 ms server time).
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


def _db(path: str | None) -> Path:
    if path:
        return Path(path)
    from lib.core import store
    from lib.demo import county as demo

    db = OUT / "district.duckdb"
    if not db.exists() or store.is_empty(db):
        OUT.mkdir(parents=True, exist_ok=True)
        demo.build_demo(db, scale="district")
    return db


def _timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db")
    parser.add_argument("--time-limit", type=float, default=60.0, help="p-median solver limit (s)")
    args = parser.parse_args()
    db = _db(args.db)
    os.environ["EDU_DB"] = str(db)

    from lib.core import geo, store
    from lib.core.scope import default_scope
    from lib.layout import coverage as layout
    from lib.present import maps

    with store.connect(db) as con:
        data = layout.load_layout_data(con, default_scope())
    towns = data.townships
    shapes = geo.simplified_geojson(
        dict(zip(towns.code, towns.geometry, strict=True)),
        {r.code: {"name": r.name} for r in towns.itertuples()},
    )
    county = geo.simplified_geojson({"c": data.county_wkt}, {}, tolerance_m=80)
    print(f"database: {db}")
    for band in ("primary", "junior"):
        t_view, view = _timed(lambda band=band: layout.compute_layout(data, band=band), args.runs)
        every = ("schools", "children", "out_of_reach", "rings", "catchment")
        t_map, m = _timed(
            lambda view=view, every=every: maps.build_layout_map(
                shapes, county=county, show=every, **layout.map_inputs(data, view, measure="share")
            ),
            args.runs,
        )
        size = maps.map_size_bytes(m)
        print(
            f"{band:8s} coverage+projection {t_view * 1000:7.0f} ms | map build {t_map * 1000:5.0f} ms | "
            f"map HTML {size / 1e6:.2f} MB ({len(view.schools)} schools, {len(view.reach)} villages)"
        )

    from bench.bench_pages import _median_rerun

    rerun = _median_rerun(str(ROOT / "app.py"), "pages/layout.py", args.runs)
    print(f"学校布局 page warm rerun (AppTest script time, median of {args.runs}): {rerun * 1000:.0f} ms")
    rerun = _median_rerun(str(ROOT / "app.py"), "pages/planning.py", args.runs)
    print(f"布局规划 page warm rerun (AppTest script time, median of {args.runs}): {rerun * 1000:.0f} ms")

    from lib.layout import planning

    k = len(layout.band_supply(data.schools, "primary"))
    for capacitated in (False, True):
        sol = planning.optimize(
            data, model="pmedian", band="primary", k=k, capacitated=capacitated, time_limit_s=args.time_limit
        )
        print(
            f"p-median primary k={k} {'capacitated' if capacitated else 'uncapacitated'} "
            f"(schools + village centres): {sol.seconds:.1f} s, {sol.status}, objective {sol.objective} "
            f"vs current {sol.current_objective} child-km, gap {sol.gap}"
        )


if __name__ == "__main__":
    main()
