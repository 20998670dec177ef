"""Accessibility (lib.core.geo): one definition of 'within reach', checked on tiny frames and the demo county."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pyproj
import pytest

from lib.core import config, geo, store
from lib.core.scope import default_scope
from lib.layout import coverage as layout

_TO_WGS = pyproj.Transformer.from_crs(config.METRIC_CRS, config.WGS84, always_xy=True)
_TO_M = pyproj.Transformer.from_crs(config.WGS84, config.METRIC_CRS, always_xy=True)
X0, Y0 = _TO_M.transform(114.1, 32.3)


def _pt(dx_km: float, dy_km: float = 0.0) -> tuple[float, float]:
    """A WGS-84 point dx, dy km from the origin, measured in the metric CRS."""
    return _TO_WGS.transform(X0 + dx_km * 1000, Y0 + dy_km * 1000)


def _village(dx: float = 0.0, children: float = 10.0, code: str = "v1") -> dict:
    lon, lat = _pt(dx)
    return {"code": code, "township_code": "t1", "lon": lon, "lat": lat, "children": children}


def _school(dx: float, level: str, code: str = "s1", capacity: float = 100.0) -> dict:
    lon, lat = _pt(dx)
    return {"code": code, "level": level, "lon": lon, "lat": lat, "capacity": capacity}


def test_worked_example_1_8_km_is_2_34_km_by_road_and_within_2_5():
    r = geo.village_reach(pd.DataFrame([_village()]), pd.DataFrame([_school(1.8, "小学")]), band="primary")
    assert r.loc[0, "straight_km"] == pytest.approx(1.8, abs=1e-6)
    assert r.loc[0, "road_km"] == pytest.approx(2.34, abs=1e-6)
    assert bool(r.loc[0, "within"])


@pytest.mark.parametrize(
    ("dx", "km", "detour", "within"),
    [
        (1.9, None, None, True),  # 2.47 km
        (2.0, None, None, False),  # 2.6 km
        (2.0, 2.6, None, True),  # --km widens it; the boundary counts
        (2.0, None, 1.0, True),  # no detour
        (0.0, None, None, True),
    ],
)
def test_threshold_and_detour(dx, km, detour, within):
    r = geo.village_reach(
        pd.DataFrame([_village()]), pd.DataFrame([_school(dx, "小学")]), band="primary", km=km, detour=detour
    )
    assert bool(r.loc[0, "within"]) is within


@pytest.mark.parametrize(
    ("band", "level", "counts"),
    [
        ("primary", "小学", True),
        ("primary", "教学点", True),
        ("primary", "九年一贯制", True),
        ("primary", "初中", False),
        ("primary", "特殊教育", False),
        ("junior", "初中", True),
        ("junior", "九年一贯制", True),
        ("junior", "完全中学", True),
        ("junior", "小学", False),
        ("junior", "特殊教育", False),
    ],
)
def test_which_schools_teach_a_band(band, level, counts):
    schools = pd.DataFrame(
        [_school(0.5, level, "near"), _school(4.5, "小学" if band == "primary" else "初中", "far")]
    )
    r = geo.village_reach(pd.DataFrame([_village()]), schools, band=band, km=10)
    assert (r.loc[0, "school_code"] == "near") is counts


def test_no_school_of_the_band_means_nobody_within_reach():
    r = geo.village_reach(pd.DataFrame([_village()]), pd.DataFrame([_school(0.1, "初中")]), band="primary")
    assert r.loc[0, "school_code"] is None and not r.loc[0, "within"]


@pytest.mark.parametrize(
    ("band", "km", "detour", "match"),
    [
        ("senior", None, None, "unknown band"),
        ("primary", 0, None, "threshold"),
        ("primary", 2, 0.9, "detour"),
    ],
)
def test_reach_settings_rejects_bad_input(band, km, detour, match):
    with pytest.raises(ValueError, match=match):
        geo.reach_settings(band, km=km, detour=detour)


@pytest.mark.parametrize(
    ("values", "weights", "q", "expected"),
    [
        ([1, 2, 3], [1, 1, 1], 0.5, 2),
        ([1, 2, 3], [1, 1, 98], 0.5, 3),
        ([1, 2, 3], [98, 1, 1], 0.95, 1),
        ([5.0], [3], 0.95, 5.0),
        ([1, 2], [0, 0], 0.5, np.nan),
    ],
)
def test_weighted_quantile(values, weights, q, expected):
    got = geo.weighted_quantile(values, weights, q)
    assert (np.isnan(got) and np.isnan(expected)) or got == expected


def test_two_step_floating_catchment_shares_seats_among_children_in_reach():
    villages = pd.DataFrame([_village(0, 100, "a"), _village(1, 100, "b"), _village(20, 50, "c")])
    schools = pd.DataFrame([_school(0.5, "小学", "s", capacity=100)])
    access = geo.two_step_fca(villages, schools, km=2.5, detour=1.3)
    assert access == pytest.approx([0.5, 0.5, 0.0])  # 100 seats / 200 children in reach; c is out of reach


# ---------------------------------------------------------------- the demo county, independently


def _independent(db, band: str, km: float, detour: float) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """Children and children within reach by straight-line brute force, straight from the store."""
    levels = {"primary": "('小学','九年一贯制','教学点')", "junior": "('初中','九年一贯制','完全中学')"}[band]
    ages = {"primary": (6, 11), "junior": (12, 14)}[band]
    con = duckdb.connect(str(db), read_only=True)
    try:
        s = con.execute(f"SELECT lon, lat FROM schools WHERE level IN {levels}").fetchnumpy()
        v = con.execute(
            "SELECT v.code, v.township_code, v.lon, v.lat, coalesce(sum(p.persons), 0) AS n FROM villages v "
            "LEFT JOIN village_population p ON p.village_code = v.code AND p.year = 2026 AND p.age BETWEEN ? AND ? "
            "GROUP BY ALL",
            list(ages),
        ).df()
    finally:
        con.close()
    sx, sy = _TO_M.transform(s["lon"], s["lat"])
    vx, vy = _TO_M.transform(v["lon"].to_numpy(), v["lat"].to_numpy())
    d = np.sqrt((np.asarray(vx)[:, None] - sx[None, :]) ** 2 + (np.asarray(vy)[:, None] - sy[None, :]) ** 2)
    ok = d.min(axis=1) / 1000 * detour <= km
    v["ok"] = ok
    by = {t: (int(g["n"].sum()), int(g.loc[g["ok"], "n"].sum())) for t, g in v.groupby("township_code")}
    return int(v["n"].sum()), int(v.loc[ok, "n"].sum()), by


@pytest.mark.parametrize(("band", "km"), [("primary", 2.5), ("junior", 5.0), ("primary", 1.5)])
def test_coverage_equals_an_independent_computation(demo_db, band, km):
    with store.connect(demo_db) as con:
        data = layout.load_layout_data(con, default_scope())
    view = layout.compute_layout(data, band=band, km=km)
    children, within, by = _independent(demo_db, band, km, 1.3)
    assert view.county["children"] == children
    assert view.county["within_reach"] == within
    assert 0 < within < children or km >= 5  # the check can fail: some villages are out of reach
    for row in view.townships.itertuples():
        assert (row.children, row.within_reach) == by.get(row.code, (0, 0)), row.name


def test_cli_coverage_json_is_the_same_computation(demo_db, capsys, monkeypatch):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    assert cli.main(["coverage", "--level", "junior", "--km", "6", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    children, within, by = _independent(demo_db, "junior", 6.0, 1.3)
    assert doc["county"]["children"] == children and doc["county"]["within_reach"] == within
    assert doc["county"]["share"] == pytest.approx(within / children, abs=1e-4)
    assert len(doc["townships"]) == 30
    first = doc["townships"][0]
    assert {"code", "name", "children", "within_reach", "share"} <= set(first)
    assert (first["children"], first["within_reach"]) == by[first["code"]]


def test_cli_coverage_rejects_a_bad_threshold(demo_db, monkeypatch, capsys):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    assert cli.main(["coverage", "--km", "-1"]) == cli.EXIT_DATA
    assert "--km" in capsys.readouterr().err
