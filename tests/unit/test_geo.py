"""lib.core.geo: datum shifts against published pairs, exact inverses, distances, nearest, compact GeoJSON."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

from lib.core import geo

# Published WGS-84 -> GCJ-02 pairs, written (lat, lng) as published; the functions take (lon, lat).
PUBLISHED_WGS_GCJ = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


def _xinyang_grid(n: int = 15) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(np.linspace(113.7, 114.4, n), np.linspace(32.0, 32.7, n))
    return lon, lat


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(geo.haversine_km(lon1, lat1, lon2, lat2)) * 1000.0


# ---------------------------------------------------------------- datum shifts


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_WGS_GCJ)
def test_wgs84_to_gcj02_reproduces_published_pairs(wgs, gcj):
    lon, lat = geo.wgs84_to_gcj02(wgs[1], wgs[0])
    # 1e-9 (not just 1e-6) also pins the Krasovsky semi-major axis GCJ-02 uses.
    assert lon == pytest.approx(gcj[1], abs=1e-9)
    assert lat == pytest.approx(gcj[0], abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_WGS_GCJ)
def test_gcj02_to_wgs84_inverts_published_pairs_exactly(wgs, gcj):
    lon, lat = geo.gcj02_to_wgs84(gcj[1], gcj[0])
    assert lon == pytest.approx(wgs[1], abs=1e-7)
    assert lat == pytest.approx(wgs[0], abs=1e-7)


def test_gcj02_to_bd09_matches_the_reference_implementation():
    # The example of the widely used coordTransform library: Tiananmen, GCJ-02 -> BD-09.
    lon, lat = geo.gcj02_to_bd09(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41036949371029, 39.92133699351022), abs=1e-9)


def test_the_shift_near_xinyang_is_a_few_hundred_metres():
    lon, lat = _xinyang_grid()
    g_lon, g_lat = geo.wgs84_to_gcj02(lon, lat)
    shift = _metres(lon, lat, g_lon, g_lat)
    assert shift.min() > 100 and shift.max() < 1000


def test_round_trip_wgs_gcj_wgs_within_a_millimetre_over_xinyang():
    lon, lat = _xinyang_grid()
    back_lon, back_lat = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lon, lat))
    assert _metres(lon, lat, back_lon, back_lat).max() < 1.0
    assert np.abs(back_lon - lon).max() < 1e-7
    assert np.abs(back_lat - lat).max() < 1e-7


def test_round_trip_gcj_bd_gcj_within_a_millimetre_over_xinyang():
    lon, lat = _xinyang_grid()
    back_lon, back_lat = geo.bd09_to_gcj02(*geo.gcj02_to_bd09(lon, lat))
    assert _metres(lon, lat, back_lon, back_lat).max() < 1.0
    assert np.abs(back_lon - lon).max() < 1e-7
    assert np.abs(back_lat - lat).max() < 1e-7


def test_round_trip_wgs_bd_wgs_composites():
    lon, lat = _xinyang_grid(7)
    b_lon, b_lat = geo.wgs84_to_bd09(lon, lat)
    assert _metres(lon, lat, b_lon, b_lat).min() > 500  # BD-09 adds ~0.006 degrees to GCJ-02
    back_lon, back_lat = geo.bd09_to_wgs84(b_lon, b_lat)
    assert _metres(lon, lat, back_lon, back_lat).max() < 1.0


def test_the_inverse_is_better_than_the_one_step_approximation():
    lon, lat = _xinyang_grid()
    g_lon, g_lat = geo.wgs84_to_gcj02(lon, lat)
    d_lon, d_lat = geo._gcj_delta(g_lon, g_lat)
    one_step = _metres(lon, lat, g_lon - d_lon, g_lat - d_lat).max()
    exact = _metres(lon, lat, *geo.gcj02_to_wgs84(g_lon, g_lat)).max()
    assert one_step > 0.01 and exact < one_step / 1000


@pytest.mark.parametrize(
    "convert",
    [
        geo.wgs84_to_gcj02,
        geo.gcj02_to_wgs84,
        geo.gcj02_to_bd09,
        geo.bd09_to_gcj02,
        geo.wgs84_to_bd09,
        geo.bd09_to_wgs84,
    ],
)
def test_scalars_give_floats_and_arrays_give_arrays_of_the_same_shape(convert):
    lon, lat = convert(114.07, 32.13)
    assert isinstance(lon, float) and isinstance(lat, float)

    grid_lon, grid_lat = _xinyang_grid(4)
    out_lon, out_lat = convert(grid_lon, grid_lat)
    assert isinstance(out_lon, np.ndarray) and out_lon.shape == grid_lon.shape == out_lat.shape
    # Element by element the same as the scalar call.
    assert out_lon[1, 2] == pytest.approx(convert(grid_lon[1, 2], grid_lat[1, 2])[0], abs=1e-12)

    list_lon, _ = convert([114.0, 114.1], [32.1, 32.2])
    assert list_lon.shape == (2,)


def test_a_scalar_broadcasts_against_an_array():
    lon, lat = geo.wgs84_to_gcj02(114.0, np.array([32.0, 32.5]))
    assert lon.shape == lat.shape == (2,)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(-0.1276, 51.5072), (139.69, 35.69), (103.8198, 1.3521 - 1.0), (151.2093, -33.8688)],
    ids=["london", "tokyo", "south-of-box", "sydney"],
)
def test_outside_china_wgs_and_gcj_are_the_same(lon, lat):
    assert geo.out_of_china(lon, lat)
    assert geo.wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert geo.gcj02_to_wgs84(lon, lat) == pytest.approx((lon, lat), abs=1e-12)


def test_arrays_mixing_inside_and_outside_china():
    lon, lat = geo.wgs84_to_gcj02(np.array([114.0, -0.1276]), np.array([32.0, 51.5072]))
    assert lon[1] == -0.1276 and lat[1] == 51.5072
    assert lon[0] != 114.0


# ---------------------------------------------------------------- distances


def test_haversine_one_degree_of_latitude():
    assert geo.haversine_km(114.0, 32.0, 114.0, 33.0) == pytest.approx(math.pi / 180 * geo.EARTH_RADIUS_KM)
    assert isinstance(geo.haversine_km(114.0, 32.0, 114.0, 33.0), float)


def test_haversine_is_vectorised_and_broadcasts():
    km = geo.haversine_km(114.0, 32.0, np.array([114.0, 114.1, 115.0]), np.array([32.0, 32.0, 32.0]))
    assert km.shape == (3,)
    assert km[0] == 0.0 and 0 < km[1] < km[2]


def test_to_metric_agrees_with_great_circle_distance():
    x, y = geo.to_metric(np.array([113.9, 114.3]), np.array([32.1, 32.5]))
    planar_km = math.hypot(x[1] - x[0], y[1] - y[0]) / 1000
    assert planar_km == pytest.approx(geo.haversine_km(113.9, 32.1, 114.3, 32.5), rel=2e-3)
    sx, sy = geo.to_metric(114.0, 32.0)
    assert isinstance(sx, float) and 100_000 < sx < 900_000 and 3_000_000 < sy < 4_000_000


def _brute_nearest(p_lon, p_lat, t_lon, t_lat):
    km = geo.haversine_km(p_lon[None, :], p_lat[None, :], t_lon[:, None], t_lat[:, None])
    return km.argmin(axis=1), km.min(axis=1)


@pytest.mark.parametrize("use_scipy", [True, False], ids=["kdtree", "brute-force"])
def test_nearest_matches_brute_force(monkeypatch, use_scipy):
    monkeypatch.setattr(geo, "_HAVE_SCIPY", use_scipy and geo._HAVE_SCIPY)
    rng = np.random.default_rng(7)
    p_lon, p_lat = rng.uniform(113.7, 114.4, 60), rng.uniform(32.0, 32.7, 60)
    t_lon, t_lat = rng.uniform(113.7, 114.4, 500), rng.uniform(32.0, 32.7, 500)

    index, km = geo.nearest(p_lon, p_lat, t_lon, t_lat)
    want_index, want_km = _brute_nearest(p_lon, p_lat, t_lon, t_lat)

    assert index.dtype.kind == "i" and index.shape == km.shape == (500,)
    # The search is planar (UTM); only near-ties may choose differently, at the same distance.
    assert (index == want_index).mean() > 0.99
    assert km == pytest.approx(want_km, rel=1e-3)


def test_nearest_of_a_point_to_itself_is_zero():
    index, km = geo.nearest([114.0, 114.2], [32.0, 32.2], [114.2], [32.2])
    assert index.tolist() == [1] and km[0] == pytest.approx(0.0, abs=1e-9)


def test_nearest_with_no_targets_is_empty():
    index, km = geo.nearest([114.0], [32.0], [], [])
    assert index.size == km.size == 0


@pytest.mark.parametrize(
    ("points", "targets", "match"),
    [
        (([], []), ([114.0], [32.0]), "no points"),
        (([114.0, np.nan], [32.0, 32.1]), ([114.0], [32.0]), "missing"),
        (([114.0, 114.1], [32.0]), ([114.0], [32.0]), "same length"),
    ],
)
def test_nearest_rejects_bad_input(points, targets, match):
    with pytest.raises(ValueError, match=match):
        geo.nearest(*points, *targets)


# ---------------------------------------------------------------- simplified GeoJSON


def _circle_wkt(lon: float, lat: float, radius_m: float, n: int = 720) -> str:
    """A WGS-84 polygon of ``n`` vertices approximating a circle (built in metres)."""
    x, y = geo.to_metric(lon, lat)
    ring_xy = Point(x, y).buffer(radius_m, quad_segs=n // 4).exterior.coords
    tr = geo._transformer(geo.config.METRIC_CRS, geo.config.WGS84)
    lons, lats = tr.transform(*np.array(ring_xy).T)
    return shapely.Polygon(np.column_stack([lons, lats])).wkt


def test_simplified_geojson_is_compact_valid_and_close():
    wkt = {"411503102": _circle_wkt(114.1, 32.2, 5000), "411503101": _circle_wkt(113.9, 32.1, 3000)}
    props = {"411503101": {"name": "甲镇"}, "411503102": {"name": "乙镇", "code": "ignored"}}

    fc = geo.simplified_geojson(wkt, props, tolerance_m=50, decimals=5)

    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == ["411503101", "411503102"]  # sorted by code
    assert fc["features"][0]["properties"] == {"name": "甲镇", "code": "411503101"}
    assert fc["features"][1]["properties"]["code"] == "411503102"  # the key wins over props
    for feature in fc["features"]:
        simplified = shape(feature["geometry"])
        original = shapely.from_wkt(wkt[feature["id"]])
        assert simplified.is_valid
        assert len(simplified.exterior.coords) < len(original.exterior.coords) / 4
        assert simplified.symmetric_difference(original).area / original.area < 0.01
        coords = np.array(simplified.exterior.coords)
        assert np.allclose(coords, np.round(coords, 5), atol=1e-12)


def test_simplified_geojson_zero_tolerance_keeps_every_vertex():
    wkt = {"1": _circle_wkt(114.0, 32.0, 1000, n=80)}
    fc = geo.simplified_geojson(wkt, {}, tolerance_m=0, decimals=7)
    assert len(fc["features"][0]["geometry"]["coordinates"][0]) == len(
        shapely.from_wkt(wkt["1"]).exterior.coords
    )


def test_simplified_geojson_keeps_multipolygons():
    multi = shapely.MultiPolygon(
        [shapely.from_wkt(_circle_wkt(114.0, 32.0, 800)), shapely.from_wkt(_circle_wkt(114.1, 32.0, 800))]
    )
    fc = geo.simplified_geojson({"9": multi.wkt}, {})
    assert fc["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_simplified_geojson_of_nothing_is_an_empty_collection():
    assert geo.simplified_geojson({}, {}) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("POLYGON ((114 32, 114.1 32", "'411503104'.*cannot be read"),
        ("POINT (114 32)", "'411503104'.*Polygon or MultiPolygon, got Point"),
        ("POLYGON EMPTY", "'411503104'.*empty"),
    ],
)
def test_simplified_geojson_names_the_bad_area(text, match):
    with pytest.raises(ValueError, match=match):
        geo.simplified_geojson({"411503104": text}, {})
