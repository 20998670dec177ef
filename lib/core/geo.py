"""Coordinates and geometry: China's map datums, distances, nearest points, compact GeoJSON.

Chinese web maps do not use WGS-84.  GCJ-02 ("Mars coordinates") is the
obfuscated datum every licensed Chinese map (AMap/Gaode, Tencent) uses, and
BD-09 is Baidu's further offset of GCJ-02.  A GPS reading or a national
boundary file is WGS-84; an address geocoded on a Chinese web map is GCJ-02
or BD-09.  Mixing them puts a school 300-700 m from where it is.

The converters take and return ``(lon, lat)`` (x first, like GeoJSON and
shapely), as scalars or numpy arrays.  Inverses are solved by iteration to
well below a millimetre, not with the usual one-step approximation (which is
off by up to a few metres).

Distances use the metric CRS of :mod:`lib.core.config` (UTM zone 50N covers the
county); everything handed to folium is WGS-84.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyproj
import shapely
from numpy.typing import ArrayLike
from shapely import wkt as shapely_wkt

from lib.core import config, schema

#: scipy comes with the runtime set (scikit-learn, spopt); without it a brute-force search serves
_HAVE_SCIPY = importlib.util.find_spec("scipy") is not None


def _kd_query(points_xy: np.ndarray, targets_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distance, index) of each target's nearest point: a k-d tree, else brute force."""
    if not _HAVE_SCIPY:
        index = _nearest_brute(points_xy, targets_xy)
        return np.hypot(*(targets_xy - points_xy[index]).T), index
    # on first use: SciPy's spatial module is 0.26 s of imports that an import check or a CLI
    # command without distances need not pay
    from scipy.spatial import cKDTree

    dist, index = cKDTree(points_xy).query(targets_xy, k=1)
    return np.asarray(dist, dtype=float), np.asarray(index, dtype=np.intp)


#: GCJ-02 uses the Krasovsky 1940 ellipsoid's semi-major axis and WGS-84's eccentricity.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_BD_X_PI = np.pi * 3000.0 / 180.0
#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: Inverses stop when the forward transform of the answer is this close (degrees; ~1 mm).
_INVERSE_TOL_DEG = 1e-9
_INVERSE_MAX_ITER = 30


# ---------------------------------------------------------------- datum shifts


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray, bool]:
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    scalar = lon_a.ndim == 0 and lat_a.ndim == 0
    lon_a, lat_a = np.broadcast_arrays(lon_a, lat_a)
    return lon_a, lat_a, scalar


def _out(lon: np.ndarray, lat: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> np.ndarray | bool:
    """True where a point lies outside the rough box in which GCJ-02 applies.

    The usual bounding box (lon 72.004-137.8347, lat 0.8293-55.8271); outside
    it GCJ-02 equals WGS-84.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    out = (lon_a < 72.004) | (lon_a > 137.8347) | (lat_a < 0.8293) | (lat_a > 55.8271)
    return bool(out) if scalar else out


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at a WGS-84 point (inside China)."""
    x = lon - 105.0
    y = lat - 35.0
    abs_x = np.sqrt(np.abs(x))
    wave = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs_x + wave
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs_x + wave
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0

    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def _wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_delta(lon, lat)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj_estimate(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Baidu's published one-step inverse: a good first guess, off by up to ~1e-5 degrees."""
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(forward, lon: np.ndarray, lat: np.ndarray, lon0: np.ndarray, lat0: np.ndarray):
    """Solve forward(x) = (lon, lat) by fixed-point iteration from (lon0, lat0).

    Both shifts are the identity plus a small, slowly varying offset, so
    ``x <- x - (forward(x) - target)`` converges in a handful of steps.
    """
    x, y = lon0.copy(), lat0.copy()
    for _ in range(_INVERSE_MAX_ITER):
        fx, fy = forward(x, y)
        ex, ey = fx - lon, fy - lat
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < _INVERSE_TOL_DEG) and np.all(np.abs(ey) < _INVERSE_TOL_DEG):
            break
    return x, y


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS-84 to GCJ-02 (China's obfuscated datum, used by Gaode/AMap and Tencent maps).

    Parameters
    ----------
    lon, lat : float or array-like
        WGS-84 longitude and latitude in degrees (broadcast together).

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02: floats for scalar input, numpy arrays otherwise.
        Points outside China are returned unchanged.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    return _out(*_wgs_to_gcj(lon_a, lat_a), scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """GCJ-02 to WGS-84, solved by iteration (exact to ~1e-9 degrees, not the one-step guess).

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84: floats for scalar input, numpy arrays otherwise.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon_a, lat_a)
    return _out(*_invert(_wgs_to_gcj, lon_a, lat_a, lon_a - dlon, lat_a - dlat), scalar)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """GCJ-02 to BD-09 (Baidu maps).

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09: floats for scalar input, numpy arrays otherwise.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    return _out(*_gcj_to_bd(lon_a, lat_a), scalar)


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """BD-09 to GCJ-02, Baidu's inverse refined by iteration (exact to ~1e-9 degrees).

    Parameters
    ----------
    lon, lat : float or array-like
        BD-09 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02: floats for scalar input, numpy arrays otherwise.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    lon0, lat0 = _bd_to_gcj_estimate(lon_a, lat_a)
    return _out(*_invert(_gcj_to_bd, lon_a, lat_a, lon0, lat0), scalar)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS-84 to BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """BD-09 to WGS-84 (through GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


# ---------------------------------------------------------------- distances


@functools.lru_cache(maxsize=4)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    # pyproj >= 3.1 Transformers are thread-safe, so one per CRS pair serves every session.
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def to_metric(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS-84 degrees to metres in :data:`lib.core.config.METRIC_CRS` (UTM 50N).

    Parameters
    ----------
    lon, lat : float or array-like
        WGS-84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        ``(x, y)`` in metres: floats for scalar input, numpy arrays otherwise.
    """
    lon_a, lat_a, scalar = _as_arrays(lon, lat)
    x, y = _transformer(config.WGS84, config.METRIC_CRS).transform(lon_a, lat_a)
    return _out(np.asarray(x, dtype=float), np.asarray(y, dtype=float), scalar)


def haversine_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Any:
    """Great-circle distance in km between WGS-84 points (numpy broadcasting applies).

    Returns
    -------
    float or numpy.ndarray
        A float when every input is a scalar.
    """
    lon1_r, lat1_r, lon2_r, lat2_r = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2_r - lat1_r) / 2.0) ** 2
        + np.cos(lat1_r) * np.cos(lat2_r) * np.sin((lon2_r - lon1_r) / 2.0) ** 2
    )
    km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(km) if np.ndim(km) == 0 else km


def _nearest_brute(points_xy: np.ndarray, targets_xy: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Index of the closest point for each target, in chunks to bound memory."""
    index = np.empty(len(targets_xy), dtype=np.intp)
    for start in range(0, len(targets_xy), chunk):
        block = targets_xy[start : start + chunk]
        d2 = ((block[:, None, :] - points_xy[None, :, :]) ** 2).sum(axis=2)
        index[start : start + chunk] = d2.argmin(axis=1)
    return index


def nearest(
    points_lon: ArrayLike, points_lat: ArrayLike, targets_lon: ArrayLike, targets_lat: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """For each target, the nearest of the points (e.g. the closest school to each village).

    The search runs in the metric CRS (a k-d tree when scipy is available,
    else a chunked brute force); the distance returned is the great-circle
    distance of the chosen pair.

    Parameters
    ----------
    points_lon, points_lat : array-like
        WGS-84 coordinates of the candidates (at least one).
    targets_lon, targets_lat : array-like
        WGS-84 coordinates of the points to match.

    Returns
    -------
    index : numpy.ndarray of int
        Position in ``points`` of each target's nearest point.
    km : numpy.ndarray of float
        The distance to it in kilometres.

    Raises
    ------
    ValueError
        If there are no points, or a coordinate is missing (NaN).
    """
    p_lon, p_lat = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (points_lon, points_lat))
    t_lon, t_lat = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (targets_lon, targets_lat))
    if p_lon.size == 0:
        raise ValueError("nearest(): no points to choose from")
    if p_lon.shape != p_lat.shape or t_lon.shape != t_lat.shape:
        raise ValueError("nearest(): lon and lat must have the same length")
    if np.isnan(p_lon).any() or np.isnan(p_lat).any() or np.isnan(t_lon).any() or np.isnan(t_lat).any():
        raise ValueError("nearest(): coordinates must not be missing (NaN)")
    if t_lon.size == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=float)

    points_xy = np.column_stack(to_metric(p_lon, p_lat))
    targets_xy = np.column_stack(to_metric(t_lon, t_lat))
    _, index = _kd_query(points_xy, targets_xy)
    km = np.atleast_1d(haversine_km(p_lon[index], p_lat[index], t_lon, t_lat))
    return index, km


# ---------------------------------------------------------------- GeoJSON for maps


def _parse_polygon(code: str, text: str) -> shapely.Geometry:
    try:
        geom = shapely_wkt.loads(text)
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"area {code!r}: the WKT cannot be read ({exc})") from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"area {code!r}: expected a Polygon or MultiPolygon, got {geom.geom_type}")
    if geom.is_empty:
        raise ValueError(f"area {code!r}: the polygon is empty")
    return geom


def _reproject(geoms: np.ndarray, src: str, dst: str) -> np.ndarray:
    tr = _transformer(src, dst)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


def simplified_geojson(
    wkt_by_code: Mapping[str, str],
    props: Mapping[str, Mapping[str, Any]],
    *,
    tolerance_m: float = 50,
    decimals: int = 5,
) -> dict[str, Any]:
    """WGS-84 WKT polygons as a compact GeoJSON FeatureCollection for folium.

    Each polygon is simplified in the metric CRS (``preserve_topology=True``,
    so no ring collapses or self-intersects) and its coordinates rounded
    (5 decimals is about 1 m).  Polygons are simplified one by one, so
    neighbours' shared edges may differ by up to ``tolerance_m``: invisible at
    county scale, but do not use the result for area or overlay arithmetic.

    Parameters
    ----------
    wkt_by_code : Mapping[str, str]
        Area code (e.g. a township code) to its WGS-84 Polygon/MultiPolygon WKT.
    props : Mapping[str, Mapping[str, Any]]
        Extra JSON-serialisable properties by code (e.g. ``{"name": "平桥街道"}``);
        codes absent here get only ``code``.
    tolerance_m : float, default 50
        Simplification tolerance in metres (0 keeps every vertex).
    decimals : int, default 5
        Decimal places kept in the coordinates.

    Returns
    -------
    dict
        A FeatureCollection, features sorted by code, each with ``id`` and
        ``properties["code"]`` set to the code.

    Raises
    ------
    ValueError
        Naming the code whose WKT cannot be read or is not a polygon.
    """
    codes = sorted(wkt_by_code)
    geoms = np.array([_parse_polygon(code, wkt_by_code[code]) for code in codes], dtype=object)
    if len(geoms) and tolerance_m > 0:
        metric = _reproject(geoms, config.WGS84, config.METRIC_CRS)
        metric = shapely.simplify(metric, tolerance_m, preserve_topology=True)
        geoms = _reproject(metric, config.METRIC_CRS, config.WGS84)
    if len(geoms):
        geoms = shapely.transform(geoms, lambda coords: np.round(coords, decimals))
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {**dict(props.get(code, {})), "code": code},
            "geometry": shapely.geometry.mapping(geom),
        }
        for code, geom in zip(codes, geoms, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- accessibility
# One definition, used by the layout page, the planner and the CLI: a village's children of a
# band are *within reach* when the straight-line distance in the metric CRS to the nearest school
# teaching that band, times the detour factor, is at most the band's threshold.


def reach_settings(band: str, *, km: float | None = None, detour: float | None = None) -> tuple[float, float]:
    """The threshold (km, road estimate) and detour factor for ``band``, from config unless given."""
    layout = config.SETTINGS["layout"]
    if band not in layout["reach_km"]:
        raise ValueError(f"unknown band {band!r}; expected one of {sorted(layout['reach_km'])}")
    threshold = float(km if km is not None else layout["reach_km"][band])
    factor = float(detour if detour is not None else layout["detour_factor"])
    if threshold <= 0 or factor < 1:
        raise ValueError(f"threshold must be > 0 km and detour factor >= 1 (got {threshold}, {factor})")
    return threshold, factor


def band_schools(schools: Any, band: str) -> Any:
    """The schools that teach ``band`` (lib.core.schema.BAND_LEVELS; special schools never count)."""

    return schools[schools["level"].isin(schema.BAND_LEVELS[band])].reset_index(drop=True)


def metric_distance_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> np.ndarray:
    """Straight-line distance in km between WGS-84 points, measured in the metric CRS."""
    x1, y1 = to_metric(np.atleast_1d(lon1), np.atleast_1d(lat1))
    x2, y2 = to_metric(np.atleast_1d(lon2), np.atleast_1d(lat2))
    return np.hypot(np.asarray(x1) - np.asarray(x2), np.asarray(y1) - np.asarray(y2)) / 1000.0


def village_reach(
    villages: Any, schools: Any, *, band: str, km: float | None = None, detour: float | None = None
) -> Any:
    """Each village's nearest school of ``band`` and whether its children are within reach.

    Parameters
    ----------
    villages : pandas.DataFrame
        ``code``, ``lon``, ``lat`` (WGS-84) and ``children`` (of the band); other columns kept.
    schools : pandas.DataFrame
        ``code``, ``level``, ``lon``, ``lat``: every school of the county (any township counts).
    band : {"primary", "junior"}
    km, detour : float, optional
        Threshold on the road estimate and detour factor (default ``config`` layout block).

    Returns
    -------
    pandas.DataFrame
        The villages with ``school_code`` (nearest band school), ``straight_km``,
        ``road_km`` (straight x detour) and ``within`` (road_km <= threshold).
        With no band school at all, ``school_code`` is None and nobody is within reach.
    """
    import pandas as pd

    threshold, factor = reach_settings(band, km=km, detour=detour)
    out = villages.copy()
    cands = band_schools(schools, band)
    if len(out) == 0 or len(cands) == 0:
        out["school_code"] = None
        out["straight_km"] = np.nan
        out["road_km"] = np.nan
        out["within"] = False
        return out
    sx, sy = to_metric(cands["lon"].to_numpy(float), cands["lat"].to_numpy(float))
    vx, vy = to_metric(out["lon"].to_numpy(float), out["lat"].to_numpy(float))
    pts = np.column_stack([np.atleast_1d(sx), np.atleast_1d(sy)])
    tgt = np.column_stack([np.atleast_1d(vx), np.atleast_1d(vy)])
    dist_m, idx = _kd_query(pts, tgt)
    out["school_code"] = cands["code"].to_numpy()[np.asarray(idx, dtype=np.intp)]
    out["straight_km"] = np.asarray(dist_m, dtype=float) / 1000.0
    out["road_km"] = out["straight_km"] * factor
    out["within"] = out["road_km"] <= threshold + 1e-9
    return pd.DataFrame(out)


def weighted_quantile(values: ArrayLike, weights: ArrayLike, q: float) -> float:
    """The ``q`` quantile of ``values`` with integer-like ``weights`` (each child counts once).

    The smallest value at which the cumulative weight reaches ``q`` of the total; NaN when
    the total weight is 0.
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = (w > 0) & ~np.isnan(v)
    v, w = v[keep], w[keep]
    if w.sum() <= 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    pos = int(np.searchsorted(cum, q * cum[-1] - 1e-9, side="left"))
    return float(v[order][min(pos, len(v) - 1)])


def two_step_fca(
    villages: Any, schools: Any, *, km: float, detour: float, supply: str = "capacity"
) -> np.ndarray:
    """Seats per child within reach by a two-step floating catchment (2SFCA, Luo & Wang 2003).

    Step 1: each school's ratio = its seats / the children living within reach of it.
    Step 2: each village's access = the sum of the ratios of the schools within its reach.
    Reach is the same rule as :func:`village_reach` (straight metric distance x detour <= km).

    Parameters
    ----------
    villages : pandas.DataFrame
        ``lon``, ``lat``, ``children``.
    schools : pandas.DataFrame
        ``lon``, ``lat`` and the ``supply`` column (seats for the band).

    Returns
    -------
    numpy.ndarray
        Seats per child for each village (0 where no school is within reach).
    """
    if len(villages) == 0 or len(schools) == 0:
        return np.zeros(len(villages))
    vx, vy = to_metric(villages["lon"].to_numpy(float), villages["lat"].to_numpy(float))
    sx, sy = to_metric(schools["lon"].to_numpy(float), schools["lat"].to_numpy(float))
    d_km = (
        np.hypot(
            np.atleast_1d(vx)[:, None] - np.atleast_1d(sx)[None, :],
            np.atleast_1d(vy)[:, None] - np.atleast_1d(sy)[None, :],
        )
        / 1000.0
    )
    inside = d_km * detour <= km + 1e-9
    children = villages["children"].to_numpy(float)
    seats = schools[supply].fillna(0).to_numpy(float)
    demand = inside.T.astype(float) @ children
    ratio = np.divide(seats, demand, out=np.zeros_like(seats), where=demand > 0)
    return inside.astype(float) @ ratio
