"""学校布局/布局规划 figures at district scale: map sizes, compute times, page warm reruns, the
placement of a closure, and the optimisation models (HiGHS, with CBC on the same capacitated
p-median for comparison), each solve's wall time against its limit.

    .venv/bin/python bench/bench_layout.py [--runs 7] [--db PATH] [--limits 20,60] [--load N] [--skip-pages]

``--load N`` runs N busy processes beside the solves (a loaded machine); the load average is
printed.  Prints figures; never a test assertion (targets: map HTML < 2 MB, warm rerun < 300 ms
server time, a solve's wall time within 10 % of its limit, the capacitated p-median with a
solution and a gap within its limit).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import tempfile
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


def _busy(stop) -> None:  # a CPU hog for --load
    x = 0
    while not stop.is_set():
        x = (x * 31 + 7) % 1_000_003


def _maps_and_pages(data, runs: int, skip_pages: bool) -> None:
    from lib.core import geo
    from lib.layout import coverage as layout
    from lib.present import maps

    towns = data.townships
    shapes = geo.simplified_geojson(
        dict(zip(towns.code, towns.geometry, strict=True)),
        {r.code: {"name": r.name} for r in towns.itertuples()},
    )
    county = geo.simplified_geojson({"c": data.county_wkt}, {}, tolerance_m=80)
    for band in ("primary", "junior"):
        t_view, view = _timed(lambda band=band: layout.compute_layout(data, band=band), runs)
        every = ("schools", "children", "out_of_reach", "rings", "catchment")
        t_map, m = _timed(
            lambda view=view, every=every: maps.build_layout_map(
                shapes, county=county, show=every, **layout.map_inputs(data, view, measure="share")
            ),
            runs,
        )
        print(
            f"{band:8s} coverage+projection {t_view * 1000:7.0f} ms | map build {t_map * 1000:5.0f} ms | "
            f"map HTML {maps.map_size_bytes(m) / 1e6:.2f} MB ({len(view.schools)} schools, {len(view.reach)} villages)"
        )
    if skip_pages:
        return
    from bench.bench_pages import _median_rerun

    for page, name in (("pages/layout.py", "学校布局"), ("pages/planning.py", "布局规划")):
        rerun = _median_rerun(str(ROOT / "app.py"), page, runs)
        print(f"{name} page warm rerun (AppTest script time, median of {runs}): {rerun * 1000:.0f} ms")


def _placement(data, runs: int) -> None:
    from lib.layout import planning

    s = data.schools[data.schools["level"] == "小学"].sort_values("capacity", ascending=False)
    two = [{"op": "close", "code": c} for c in s["code"].iloc[:2]]
    names = "、".join(s["name"].iloc[:2])
    for year in (data.base_year, data.base_year + 5):
        t, eff = _timed(lambda year=year: planning.evaluate(data, two, band="primary", year=year), runs)
        base = planning.evaluate(data, [], band="primary", year=year).county
        c = eff.county
        print(
            f"close {names} ({year}): evaluate {t * 1000:.0f} ms | pupils {c['pupils_total']:,} | "
            f"无法安置 {c['unplaced']:,} | 大班额 {base['classes_over_large']} -> {c['classes_over_large']} | "
            f"超大班额 {base['classes_over_xlarge']} -> {c['classes_over_xlarge']} | "
            f"超容量 {base['schools_over_capacity']} -> {c['schools_over_capacity']} | "
            f"mean km {base['mean_km']} -> {c['mean_km']}"
        )


def _solves(data, limits: list[float]) -> None:
    from lib.layout import coverage as layout
    from lib.layout import optimize

    k = len(layout.band_supply(data.schools, "primary"))
    runs = [("pmedian", False, limits[-1]), ("pcenter", False, limits[-1]), ("mclp", False, limits[0])]
    runs += [("pmedian", True, lim) for lim in limits]
    for model, cap, lim in runs:
        sol = optimize.optimize(data, model=model, band="primary", capacitated=cap, time_limit_s=lim)
        print(
            f"HiGHS {model}{' capacitated' if cap else ''} primary k={k} limit {lim:g} s: "
            f"{sol.seconds:.1f} s wall ({sol.seconds / lim * 100:.0f} % of the limit), {sol.status}, "
            f"gap {sol.gap if sol.gap is None else f'{sol.gap:.4%}'}, objective {sol.objective and round(sol.objective, 1)}"
            f" (today {sol.current_objective and round(sol.current_objective, 1)}), kept {sol.kept_existing}/{k}, "
            f"closed {len(sol.closed)}, opened {len(sol.opened)}, farthest {sol.farthest_km and round(sol.farthest_km, 2)} km"
        )


def _cbc(data, limits: list[float]) -> None:
    """The same capacitated p-median (written as MPS) solved by PuLP's bundled CBC: its limit in
    wall-clock time (``-timeMode elapsed``) and, once, in its default CPU time (which a loaded
    machine stretches)."""
    import pulp

    from lib.layout import optimize

    cbc = pulp.PULP_CBC_CMD().path
    with tempfile.TemporaryDirectory() as tmp:
        mps = str(Path(tmp) / "cap.mps")
        started = time.perf_counter()
        size = optimize.export_pmedian_mps(data, mps, band="primary", capacitated=True)
        build = time.perf_counter() - started
        runs = [(lim, "elapsed") for lim in limits] + [(limits[0], "cpu")]
        for lim, mode in runs:
            t = time.perf_counter()
            cmd = [cbc, mps, "-timeMode", mode, "-seconds", f"{max(lim - build, 1):.1f}", "-solve"]
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            wall = time.perf_counter() - t + build
            obj = re.search(r"Objective value:\s+([-\d.e+]+)", out)
            gap = re.search(r"Gap:\s+([-\d.e+]+)", out)
            result = re.search(r"Result - (.+)", out)
            print(
                f"CBC pmedian capacitated primary limit {lim:g} s ({mode} time; {size['columns']:,} columns): "
                f"{wall:.1f} s wall ({wall / lim * 100:.0f} % of the limit), "
                f"{result.group(1).strip() if result else 'no result line'}, "
                f"objective {obj.group(1) if obj else None}, gap {gap.group(1) if gap else None}"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db")
    parser.add_argument("--limits", default="20,60", help="solver limits (s), comma-separated")
    parser.add_argument("--load", type=int, default=0, help="busy processes beside the solves")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-cbc", action="store_true")
    args = parser.parse_args()
    db = _db(args.db)
    os.environ["EDU_DB"] = str(db)
    limits = [float(x) for x in args.limits.split(",")]

    from lib.core import store
    from lib.core.scope import default_scope
    from lib.layout import coverage as layout

    with store.connect(db) as con:
        data = layout.load_layout_data(con, default_scope())
    print(f"database: {db} | cores: {os.cpu_count()} | load average before: {os.getloadavg()}")
    _maps_and_pages(data, args.runs, args.skip_pages)
    _placement(data, min(args.runs, 3))
    stop = mp.Event()
    hogs = [mp.Process(target=_busy, args=(stop,), daemon=True) for _ in range(args.load)]
    for h in hogs:
        h.start()
    try:
        if args.load:
            time.sleep(5)
            print(f"with {args.load} busy processes: load average {os.getloadavg()}")
        _solves(data, limits)
        if not args.skip_cbc:
            _cbc(data, limits)
    finally:
        stop.set()
        for h in hogs:
            h.join()
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
