"""Folium maps that draw offline: vendored Leaflet, no tiles, the house palette, an HTML legend.

folium loads Leaflet, jQuery, Bootstrap, Leaflet.awesome-markers and
Font-Awesome from public CDNs, and streamlit-folium's frontend waits for each
of them: on the intranet no map would draw.  :func:`offline_map` points a map
at the copies in ``static/vendor/`` (``scripts/vendor_static.sh``), which
Streamlit serves at ``/app/static/vendor/`` with
``server.enableStaticServing = true``.

Elements with CDN links of their own are avoided: branca colormaps (st_folium
adds d3 from two CDNs for them) are replaced by a small HTML legend, and no
plugin is used.  :func:`external_urls` (on the rendered HTML) and
:func:`external_links` (on what st_folium will ask the browser to load) let
tests prove that a map needs nothing from outside.

Builders return ``folium.Map``; pages render them with
``st_folium(m, key=..., returned_objects=[])``.  Nothing here imports streamlit.
"""

from __future__ import annotations

import copy
import html as html_lib
import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import branca.colormap
import folium
import numpy as np
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from lib.core import geo
from lib.present import plain_templates
from lib.present.cards import (
    AMBER,
    GREEN,
    GREY,
    RED,
    SCHOOL_STATUS_COLOURS,
    SCHOOL_STATUS_LABELS,
    SEQUENTIAL,
    STATUS_COLOURS,
)

plain_templates.install()  # a map's rendered text is not compiled as a Jinja template again

#: Where Streamlit serves ``static/vendor/`` (``static/`` beside the entry script).
STATIC_URL = "/app/static/vendor"

# ---- the house palette: fixed meanings on every page (STYLE.md)
# (one home: lib.present.cards)
STATUS_COLOURS = {k: v for k, v in STATUS_COLOURS.items() if k != "none"}

OUTLINE = "#333333"
FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
#: Leaflet's own prefix links to its website (useless offline); plain text instead, in Chinese
#: like everything else on the screen.
ATTRIBUTION_PREFIX = "地图引擎 Leaflet"
#: Boundaries drawn here are not a surveyed map (no 审图号): say so on every map.
DEFAULT_ATTRIBUTION = "行政区划边界仅为示意"
NO_DATA_LABEL = "无数据"

#: What :func:`external_links` reports for a branca colormap (st_folium then loads d3 from CDNs).
D3_FROM_CDN = "d3 from a CDN (st_folium adds it for a branca colormap)"

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def vendor_js(static_url: str = STATIC_URL) -> list[tuple[str, str]]:
    """folium's ``default_js`` with every entry pointing at the vendored copy."""
    return [
        ("leaflet", f"{static_url}/leaflet/leaflet.js"),
        ("jquery", f"{static_url}/jquery/jquery.min.js"),
        ("bootstrap", f"{static_url}/bootstrap/js/bootstrap.bundle.min.js"),
        ("awesome_markers", f"{static_url}/leaflet.awesome-markers/leaflet.awesome-markers.js"),
    ]


def vendor_css(static_url: str = STATIC_URL) -> list[tuple[str, str]]:
    """folium's ``default_css``, vendored; glyphicons and awesome-rotate are dropped (unused)."""
    return [
        ("leaflet_css", f"{static_url}/leaflet/leaflet.css"),
        ("bootstrap_css", f"{static_url}/bootstrap/css/bootstrap.min.css"),
        ("awesome_markers_font_css", f"{static_url}/fontawesome-free/css/all.min.css"),
        ("awesome_markers_css", f"{static_url}/leaflet.awesome-markers/leaflet.awesome-markers.css"),
    ]


# ---------------------------------------------------------------- small map elements


class _Corners(MacroElement):
    """Attribution without Leaflet's outside link, and a metric-only scale bar.

    folium's ``control_scale`` also draws miles, which nobody here reads.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        {% if this.text %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endif %}
        {% if this.scale %}
        L.control.scale({"metric": true, "imperial": false}).addTo({{ this._parent.get_name() }});
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, prefix: str, text: str, *, scale: bool) -> None:
        super().__init__()
        self._name = "Corners"
        self.prefix = prefix
        self.text = text
        self.scale = scale


class Legend(MacroElement):
    """A compact HTML legend drawn as a Leaflet control (no d3, no CDN)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "edu-map-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, title: str, entries: Sequence[tuple[str, str]], *, position: str = "bottomright"
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.entries = list(entries)
        self.position = position
        self.html = _legend_html(title, self.entries)


def _legend_html(title: str, entries: Sequence[tuple[str, str]]) -> str:
    # Inline styles: st_folium passes only part of the page header, inline survives everywhere.
    # A <details> element: a click on the title folds the legend away, so that nothing under it
    # (a school in the corner) is ever out of reach.
    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span class="edu-legend-swatch" style="display:inline-block;width:14px;height:14px;'
        f'background:{html_lib.escape(colour)};border:1px solid #999"></span>'
        f'<span class="edu-legend-label">{html_lib.escape(label)}</span></div>'
        for colour, label in entries
    )
    return (
        '<details open class="edu-legend" style="background:rgba(255,255,255,0.92);padding:6px 8px;'
        "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.3);"
        f'font:12px/1.3 {html_lib.escape(FONT)};color:#222">'
        '<summary class="edu-legend-title" style="font-weight:600;margin-bottom:4px;cursor:pointer" '
        f'title="点击收起/展开图例">{html_lib.escape(title)}</summary>'
        f"{rows}</details>"
    )


# ---------------------------------------------------------------- the map


#: Type size of area names on a map (px), by medium (as lib.present.charts.SIZES).
LABEL_SIZES: dict[str, int] = {"screen": 12, "slide": 15, "print": 12}


def map_css(label_size: int = LABEL_SIZES["screen"]) -> str:
    """The maps' own stylesheet: white background, the house font, area names with a white halo
    (never clickable), and on paper no zoom buttons or layer switch (nothing to click there)."""
    halo = ",".join(f"{x}px {y}px 0 #fff" for x in (-1, 0, 1) for y in (-1, 0, 1) if x or y)
    return (
        f".leaflet-container{{background:#ffffff;font-family:{FONT}}}"
        ".edu-area-label{pointer-events:none !important;background:none;border:none}"
        f".edu-area-label div{{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;"
        f"font:600 {label_size}px/1.15 {FONT};color:#1a1a1a;text-align:center;"
        f"text-shadow:{halo},0 0 4px #fff;pointer-events:none}}"
        ".edu-legend summary{list-style:none}.edu-legend summary::-webkit-details-marker{display:none}"
        ".edu-legend summary::after{content:' ▾';color:#777}"
        ".edu-legend:not([open]) summary::after{content:' ▸'}"
        ".edu-legend:not([open]) summary{margin-bottom:0 !important}"
        "@media print{.leaflet-control-zoom,.leaflet-control-layers,.leaflet-bar,"
        ".leaflet-control-attribution a{display:none !important}"
        ".edu-legend summary::after{content:''}}"
    )


def _wrap_name(name: str, *, per_line: int = 5) -> list[str]:
    """A long area name on two or three short lines (农村改革发展综合试验核心区)."""
    if len(name) <= per_line + 1:
        return [name]
    lines = math.ceil(len(name) / per_line)
    width = math.ceil(len(name) / lines)
    return [name[i : i + width] for i in range(0, len(name), width)]


def label_points(geojson: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """``code -> (lon, lat)`` where an area's name is written: the point of its largest part
    farthest from the edge (a pole of inaccessibility), so the name sits inside the area."""
    import shapely
    from shapely.ops import polylabel

    out: dict[str, tuple[float, float]] = {}
    for feature in geojson.get("features", []):
        props = feature.get("properties") or {}
        code = str(props.get("code", feature.get("id", "")))
        geom = shapely.geometry.shape(feature["geometry"])
        if geom.is_empty:
            continue
        parts = list(getattr(geom, "geoms", [geom]))
        largest = max(parts, key=lambda g: g.area)
        if largest.geom_type != "Polygon":
            point = largest.representative_point()
        else:
            span = max(largest.bounds[2] - largest.bounds[0], largest.bounds[3] - largest.bounds[1])
            point = polylabel(largest, tolerance=max(span / 200, 1e-6))
        out[code] = (round(point.x, 5), round(point.y, 5))
    return out


class AreaLabels(MacroElement):
    """Area names written on the map at :func:`label_points`, as text that is never clickable
    (the schools under a name stay clickable) and carries no data but the name.

    The names sit in a pane of their own above the markers (a school never hides a name) that
    lets every click through.  Where two names would overlap, the smaller area's name waits
    for a closer zoom (checked again after each zoom), so what is written can be read.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var pane = map.getPane("eduLabels") || map.createPane("eduLabels");
            pane.style.zIndex = 620;
            pane.style.pointerEvents = "none";
            var labels = {{ this.points|tojson }}.map(function (p) {
                var icon = L.divIcon({html: "<div>" + p.text + "</div>", iconSize: [0, 0],
                                      className: "edu-area-label"});
                return L.marker([p.lat, p.lon], {icon: icon, interactive: false, keyboard: false,
                                                 pane: "eduLabels"}).addTo(map);
            });
            function declutter() {
                var shown = [];
                labels.forEach(function (m) {
                    var el = m.getElement();
                    if (!el || !el.firstChild) { return; }
                    el.style.visibility = "visible";
                    var r = el.firstChild.getBoundingClientRect();
                    var hit = shown.some(function (s) {
                        return r.left < s.right + 2 && r.right > s.left - 2 &&
                               r.top < s.bottom + 1 && r.bottom > s.top - 1;
                    });
                    if (hit) { el.style.visibility = "hidden"; } else { shown.push(r); }
                });
            }
            map.on("zoomend moveend resize", declutter);
            map.whenReady(function () { setTimeout(declutter, 0); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: Sequence[Mapping[str, Any]]) -> None:
        super().__init__()
        self._name = "AreaLabels"
        self.points = [dict(p) for p in points]


#: Most areas a map names (beyond that, villages say: the tooltip names them).
MAX_LABELS = 60


def add_area_labels(
    m: folium.Map, geojson: Mapping[str, Any], *, names: Mapping[str, str] | None = None, base: str = "none"
) -> int:
    """Write each area's name on ``m`` (townships: every choropleth names them); returns how many.

    ``names`` overrides the features' ``name`` property; maps of more than :data:`MAX_LABELS`
    areas get none (the tooltip names an area there).
    """
    features = geojson.get("features", [])
    if not features or len(features) > MAX_LABELS:
        return 0
    where = label_points(geojson)
    points = []
    for feature in features:
        props = feature.get("properties") or {}
        code = str(props.get("code", feature.get("id", "")))
        name = html_lib.unescape(str((names or {}).get(code) or props.get("name") or ""))
        if not name or code not in where:
            continue
        lon, lat = shift_coords(*where[code], base)
        text = "<br>".join(html_lib.escape(line) for line in _wrap_name(name))
        area = _area(feature.get("geometry") or {})
        points.append({"lat": round(float(lat), 5), "lon": round(float(lon), 5), "text": text, "area": area})
    points.sort(key=lambda p: -p["area"])  # the larger area keeps its name where two collide
    for p in points:
        del p["area"]
    AreaLabels(points).add_to(m)
    return len(points)


def _area(geometry: Mapping[str, Any]) -> float:
    import shapely

    return float(shapely.geometry.shape(geometry).area) if geometry else 0.0


#: Leaflet's control corners, in the order a legend is tried.
LEGEND_CORNERS = ("bottomright", "bottomleft", "topright", "topleft")
#: Height (px) the map's own controls take in each corner: zoom buttons top left, the scale bar
#: bottom left, the credit bottom right (a layer switch top right is the caller's to add).
CORNER_USED: dict[str, float] = {"topleft": 80, "topright": 0, "bottomleft": 34, "bottomright": 22}


def legend_size(title: str, entries: Sequence[tuple[str, str]]) -> tuple[int, int]:
    """The size (px) a :class:`Legend` takes on the map, roughly: a line per entry."""
    longest = max([len(title)] + [len(label) for _, label in entries])
    return min(300, 12 * longest + 40), 30 + 19 * len(entries)


def legend_corner(
    geojson: Mapping[str, Any] | None,
    points: Sequence[tuple[float, float]] = (),
    *,
    view_px: tuple[int, int] = (800, 560),
    legend_px: tuple[int, int] = (210, 130),
    used: Mapping[str, float] | None = None,
    corners: Sequence[str] = LEGEND_CORNERS,
) -> str:
    """The corner where a legend covers least: of the areas (their share under the legend box)
    and above all of the points (schools, each one worth a whole box of area: a school under
    a legend cannot be clicked).

    The map is assumed fitted to ``geojson`` in a ``view_px`` frame (Leaflet's fit_bounds:
    the data's extent stretched to the frame's shape); ``legend_px`` is the legend's size
    (:func:`legend_size`); ``used`` the height already taken in a corner (controls, another
    legend: Leaflet stacks what shares a corner), on top of :data:`CORNER_USED`.
    """
    import shapely

    taken = {**CORNER_USED, **(used or {})}
    features = (geojson or {}).get("features", [])
    if not features:
        return corners[0]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features if f.get("geometry")]
    area = shapely.union_all(shapes)
    (south, west), (north, east) = geojson_bounds(geojson)
    # degrees to a flat frame (longitude shrinks with the cosine of the latitude)
    kx = math.cos(math.radians((south + north) / 2))
    w, h = (east - west) * kx, north - south
    scale = min(view_px[0] / max(w, 1e-9), view_px[1] / max(h, 1e-9))  # px per flat degree
    half_w, half_h = view_px[0] / scale / 2 / kx, view_px[1] / scale / 2
    cx, cy = (west + east) / 2, (south + north) / 2
    box_w, box_h = legend_px[0] / scale / kx, legend_px[1] / scale
    pad = 10 / scale  # Leaflet's margin around a control

    def box(corner: str) -> Any:
        offset = taken.get(corner, 0) / scale + pad
        x0 = cx + half_w - box_w - pad / kx if corner.endswith("right") else cx - half_w + pad / kx
        y0 = cy + half_h - offset - box_h if corner.startswith("top") else cy - half_h + offset
        return shapely.box(x0, y0, x0 + box_w, y0 + box_h)

    def cost(corner: str) -> float:
        b = box(corner)
        if b.bounds[1] < cy - half_h or b.bounds[3] > cy + half_h:
            return math.inf  # the corner is full: the legend would run off the map
        covered = area.intersection(b).area / max(b.area, 1e-12)
        hidden = sum(1 for lon, lat in points if b.contains(shapely.Point(lon, lat)))
        return covered + hidden

    return min(corners, key=cost)


# ---------------------------------------------------------------- the map (builders)


def offline_map(
    *,
    location: Sequence[float],
    zoom_start: int,
    static_url: str = STATIC_URL,
    attribution: str = DEFAULT_ATTRIBUTION,
    **kw: Any,
) -> folium.Map:
    """A ``folium.Map`` that loads its JavaScript and CSS from the vendored copies.

    The vendored links are set on this instance only (folium's class
    attributes, and so other maps, are left alone).  No tiles by default: the
    intranet has no tile server; draw our own boundary layers instead.

    Parameters
    ----------
    location : sequence of float
        ``[lat, lon]`` of the initial centre (folium's order).
    zoom_start : int
        Initial zoom (a later ``fit_bounds`` overrides it).
    static_url : str, default :data:`STATIC_URL`
        URL prefix of ``static/vendor`` (change it only when Streamlit runs
        under a ``server.baseUrlPath``, e.g. ``"/edu/app/static/vendor"``).
    attribution : str, default :data:`DEFAULT_ATTRIBUTION`
        Text in the map's corner ("" for none).
    **kw
        Passed to ``folium.Map`` (``tiles`` defaults to None; ``control_scale``,
        default True, draws a metric-only scale bar).

    Returns
    -------
    folium.Map
    """
    kw.setdefault("tiles", None)
    scale = kw.pop("control_scale", True)
    kw.setdefault("font_size", "13px")  # folium's 1rem makes the scale and attribution loud
    m = folium.Map(location=list(location), zoom_start=zoom_start, control_scale=False, **kw)
    m.default_js = vendor_js(static_url)
    m.default_css = vendor_css(static_url)
    m.get_root().header.add_child(Element(f"<style>{map_css()}</style>"), name="edu_map_style")
    _Corners(ATTRIBUTION_PREFIX, attribution, scale=scale).add_to(m)
    return m


# ---------------------------------------------------------------- choropleth


def target_scale(rule: Mapping[str, Any]) -> dict[str, Any]:
    """``colors``/``bins``/``right`` for :func:`build_choropleth` from a target rule.

    A rule is an entry of ``config.SETTINGS["targets"]``
    (``{"red": .., "green": .., "higher_is_better": ..}``); the colours then
    match ``lib.overview.metrics.status_colour`` exactly: higher-is-better is red below
    ``red`` and green at or above ``green``; lower-is-better is red above
    ``red`` and green at or below ``green``.
    """
    if rule["higher_is_better"]:
        return {"colors": [RED, AMBER, GREEN], "bins": [rule["red"], rule["green"]], "right": False}
    return {"colors": [GREEN, AMBER, RED], "bins": [rule["green"], rule["red"]], "right": True}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _formatter(fmt: str | Callable[[float], str]) -> Callable[[float], str]:
    return fmt if callable(fmt) else fmt.format


def _classes(
    values: Sequence[float], colors: Sequence[str] | None, bins: Sequence[float] | None
) -> tuple[list[str], list[float], float | None, float | None]:
    """Colours and inner breaks; with no ``bins``, equal intervals over the data (lo, hi returned)."""
    if bins is not None:
        colors = list(colors) if colors is not None else SEQUENTIAL[-(len(bins) + 1) :]
        bins = [float(b) for b in bins]
        if len(colors) != len(bins) + 1:
            raise ValueError(
                f"build_choropleth: {len(bins)} breaks need {len(bins) + 1} colours, got {len(colors)}"
            )
        if any(b2 <= b1 for b1, b2 in itertools.pairwise(bins)):
            raise ValueError(f"build_choropleth: breaks must increase strictly, got {bins}")
        return colors, bins, None, None
    colors = list(colors) if colors is not None else list(SEQUENTIAL)
    if not values:
        return colors, list(np.linspace(0, 1, len(colors) + 1)[1:-1]), None, None
    lo, hi = float(min(values)), float(max(values))
    if lo == hi:
        return [colors[len(colors) // 2]], [], lo, hi
    return colors, [float(b) for b in np.linspace(lo, hi, len(colors) + 1)[1:-1]], lo, hi


def _legend_entries(
    colors: Sequence[str],
    bins: Sequence[float],
    fmt: Callable[[float], str],
    *,
    right: bool,
    lo: float | None,
    hi: float | None,
) -> list[tuple[str, str]]:
    if not bins:
        return [(colors[0], fmt(lo) if lo is not None else "")]
    entries = []
    for i, colour in enumerate(colors):
        if i == 0:
            label = (
                f"{fmt(lo)} – {fmt(bins[0])}" if lo is not None else f"{'≤' if right else '<'} {fmt(bins[0])}"
            )
        elif i == len(colors) - 1:
            label = (
                f"{fmt(bins[-1])} – {fmt(hi)}"
                if hi is not None
                else f"{'>' if right else '≥'} {fmt(bins[-1])}"
            )
        else:
            label = f"{fmt(bins[i - 1])} – {fmt(bins[i])}"
        entries.append((colour, label))
    return entries


def _iter_coords(geometry: Mapping[str, Any]) -> Iterator[tuple[float, float]]:
    if geometry.get("type") == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from _iter_coords(part)
        return

    def walk(node: Any) -> Iterator[tuple[float, float]]:
        if len(node) and isinstance(node[0], int | float):
            yield float(node[0]), float(node[1])
        else:
            for child in node:
                yield from walk(child)

    yield from walk(geometry.get("coordinates", []))


def geojson_bounds(*collections: Mapping[str, Any] | None) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of GeoJSON FeatureCollections (folium's order)."""
    lons, lats = [], []
    for fc in collections:
        for feature in (fc or {}).get("features", []):
            for lon, lat in _iter_coords(feature.get("geometry") or {}):
                lons.append(lon)
                lats.append(lat)
    if not lons:
        raise ValueError("geojson_bounds: no coordinates")
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _as_feature_collection(data: Mapping[str, Any]) -> dict[str, Any]:
    """A new FeatureCollection (no properties) from a FeatureCollection, Feature or geometry.

    folium writes ids into the dict it is given; a copy keeps the caller's
    (possibly cached) data untouched, and dropping properties keeps them out
    of the browser.
    """
    kind = data.get("type")
    if kind == "FeatureCollection":
        geometries = [f["geometry"] for f in data["features"]]
    elif kind == "Feature":
        geometries = [data["geometry"]]
    else:
        geometries = [data]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": str(i), "properties": {}, "geometry": g}
            for i, g in enumerate(geometries)
        ],
    }


def _styled_features(
    geojson: Mapping[str, Any],
    values: Mapping[str, float | None],
    colors: Sequence[str],
    bins: Sequence[float],
    fmt: Callable[[float], str],
    *,
    right: bool,
    labels: Mapping[str, str] | None,
    no_data_label: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """A new FeatureCollection holding only what the tooltip shows, and the fill colour by code.

    Everything in a layer reaches the browser, so nothing else is copied.  The
    tooltip puts name and value into ``innerHTML``: they are HTML-escaped here.
    """
    side = "left" if right else "right"
    features = []
    fills: dict[str, str] = {}
    for feature in geojson["features"]:
        props = feature.get("properties") or {}
        code = str(props.get("code", feature.get("id", "")))
        if not code:
            raise ValueError("build_choropleth: every feature needs properties['code']")
        value = values.get(code)
        if _missing(value):
            fill, text = GREY, no_data_label
        else:
            fill = colors[int(np.searchsorted(bins, float(value), side=side))]
            text = fmt(float(value))
        name = (labels or {}).get(code) or props.get("name") or code
        if code in fills:
            raise ValueError(f"build_choropleth: code {code!r} appears twice")
        fills[code] = fill
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": html_lib.escape(code),
                    "name": html_lib.escape(str(name)),
                    "value_text": html_lib.escape(text),
                },
                "geometry": feature["geometry"],
            }
        )
    return {"type": "FeatureCollection", "features": features}, fills


def _fill_style(fills: Mapping[str, str]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    def style(feature: Mapping[str, Any]) -> dict[str, Any]:
        return {"fillColor": fills[feature["id"]], "color": "#ffffff", "weight": 1, "fillOpacity": 0.85}

    return style


def _highlight_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    return {"color": OUTLINE, "weight": 3, "fillOpacity": 0.95}


def _outline_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    return {"fill": False, "color": OUTLINE, "weight": 2.5, "opacity": 0.9}


def build_choropleth(
    geojson: Mapping[str, Any],
    values: Mapping[str, float | None],
    *,
    title: str,
    fmt: str | Callable[[float], str] = "{:.1%}",
    colors: Sequence[str] | None = None,
    bins: Sequence[float] | None = None,
    right: bool = False,
    boundary: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    area_label: str = "乡镇",
    value_label: str | None = None,
    no_data_label: str = NO_DATA_LABEL,
    legend_position: str = "auto",
    static_url: str = STATIC_URL,
    area_names: bool = True,
    points: Sequence[tuple[float, float]] = (),
    label_size: int | None = None,
) -> folium.Map:
    """Areas coloured by a value, with a tooltip, the county outline, the areas' names and a legend.

    Parameters
    ----------
    geojson : Mapping
        WGS-84 FeatureCollection; each feature's ``properties["code"]`` keys
        ``values`` (e.g. from :func:`lib.core.geo.simplified_geojson`).  Not modified.
    values : Mapping[str, float | None]
        Value by code; None, NaN or a missing code is drawn grey ("no data").
    title : str
        Legend title and tooltip label: say what, for whom and as of when.
    fmt : str or callable, default ``"{:.1%}"``
        Format of a value in the tooltip and the legend.
    colors : sequence of str, optional
        One colour per class; default :data:`SEQUENTIAL`.  For a target use
        :func:`target_scale` (red/amber/green).
    bins : sequence of float, optional
        The ``len(colors) - 1`` inner breaks, increasing.  Default: equal
        intervals between the smallest and largest value.
    right : bool, default False
        False: a class is ``bins[i-1] <= v < bins[i]``; True: ``bins[i-1] < v <= bins[i]``.
    boundary : Mapping, optional
        FeatureCollection drawn on top as an outline (the county border).
    labels : Mapping[str, str], optional
        Display name by code; default the feature's ``name`` property, else the code.
    area_label : str, default "乡镇"
        Tooltip label of the name.
    value_label : str, optional
        Tooltip label of the value (a shorter title); default ``title``.
    no_data_label : str, default :data:`NO_DATA_LABEL`
        Legend and tooltip text for no data.
    legend_position : str, default "auto"
        A Leaflet control corner ("topright", "bottomleft", ...), or ``auto``: the
        corner where the legend covers least of the areas and of ``points``
        (:func:`legend_corner`).  The legend folds away on a click, wherever it is.
    static_url : str, default :data:`STATIC_URL`
        See :func:`offline_map`.
    area_names : bool, default True
        Write each area's name on the map (:func:`add_area_labels`; up to :data:`MAX_LABELS`).
    points : sequence of (lon, lat)
        Markers the caller adds afterwards (schools): the legend keeps clear of them.
    label_size : int, optional
        Type size of the names (px; default :data:`LABEL_SIZES` ``["screen"]``; a slide wants 15).

    Returns
    -------
    folium.Map
        Fitted to the areas (and boundary).  Only code, name, formatted value
        and colour of each area are embedded: everything in a layer is
        readable in the browser.

    Raises
    ------
    ValueError
        If colours and breaks do not match, breaks do not increase, a feature
        has no code, or there are no coordinates.
    """
    format_value = _formatter(fmt)
    present = [float(v) for v in values.values() if not _missing(v)]
    colors, bins, lo, hi = _classes(present, colors, bins)
    layer_data, fills = _styled_features(
        geojson, values, colors, bins, format_value, right=right, labels=labels, no_data_label=no_data_label
    )
    outline = _as_feature_collection(boundary) if boundary is not None else None
    bounds = geojson_bounds(layer_data, outline)
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]

    # Quarter zoom steps let fit_bounds fill the frame instead of leaving up to half of it empty.
    m = offline_map(location=centre, zoom_start=10, static_url=static_url, zoom_snap=0.25, zoom_delta=0.5)
    if label_size:
        m.get_root().header.add_child(Element(f"<style>{map_css(label_size)}</style>"), name="edu_map_style")
    folium.GeoJson(
        layer_data,
        name=title,
        style_function=_fill_style(fills),
        highlight_function=_highlight_style,
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "value_text"],
            aliases=[html_lib.escape(area_label), html_lib.escape(value_label or title)],
            sticky=True,
            labels=True,
        ),
    ).add_to(m)
    if outline is not None:
        folium.GeoJson(
            outline, name="边界", style_function=_outline_style, interactive=False, control=False
        ).add_to(m)

    if area_names:
        add_area_labels(m, geojson, names=labels)
    entries = _legend_entries(colors, bins, format_value, right=right, lo=lo, hi=hi)
    if GREY in fills.values():
        entries.append((GREY, no_data_label))
    if legend_position == "auto":
        legend_position = legend_corner(geojson, points, legend_px=legend_size(title, entries))
    Legend(title, entries, position=legend_position).add_to(m)
    m.fit_bounds(bounds, padding=(12, 12))
    return m


# ---------------------------------------------------------------- inspection (tests, benchmarks)


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page, rendered from a copy.

    folium's render is not idempotent (each call appends another ``addTo``
    per layer), and st_folium renders the map again: a copy keeps ``m`` as built.
    """
    return copy.deepcopy(m).get_root().render()


def map_size_bytes(m: folium.Map) -> int:
    """Size of the rendered HTML in bytes (what a page sends grows with it)."""
    return len(map_html(m).encode("utf-8"))


def _is_outside(url: str) -> bool:
    host = urlsplit(url if "://" in url or url.startswith("//") else "//" + url).hostname
    return bool(host) and host not in _LOCAL_HOSTS and not host.startswith("127.")


_HTTP_URL = re.compile(r"""(?P<pre>xmlns(?::\w+)?=["'])?(?P<url>https?://[^\s"'<>()\\`]+)""", re.IGNORECASE)
_PROTOCOL_RELATIVE = re.compile(
    r"""(?:["'(=]|url\(\s*["']?)(?P<url>//[\w{}-]+(?:\.[\w{}-]+)+(?::\d+)?(?:/[^\s"'<>()\\`]*)?)"""
)


def external_urls(html: str) -> set[str]:
    """Every http(s) or protocol-relative URL in ``html`` whose host is not this machine.

    Covers ``src``/``href`` attributes, CSS ``url()`` and URLs inside scripts
    (e.g. a tile layer's template).  XML namespace names (``xmlns="http://..."``)
    are identifiers, never fetched, and are ignored.
    """
    text = html.replace("\\/", "/")
    found = {m_.group("url") for m_ in _HTTP_URL.finditer(text) if not m_.group("pre")} | {
        m_.group("url") for m_ in _PROTOCOL_RELATIVE.finditer(text)
    }
    return {url for url in found if _is_outside(url)}


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def external_links(m: folium.Map) -> set[str]:
    """Outside URLs that streamlit-folium would tell the browser to load for this map.

    st_folium does not send the rendered page: it collects ``default_js`` and
    ``default_css`` of every element itself, and adds d3 from two CDNs when a
    branca colormap is present.  Those links never show in :func:`map_html`.
    """
    urls: set[str] = set()
    for element in _walk(m):
        if isinstance(element, branca.colormap.ColorMap):
            urls.add(D3_FROM_CDN)
        if isinstance(element, JSCSSMixin):
            urls.update(url for _, url in getattr(element, "default_js", []) if _is_outside(url))
            urls.update(url for _, url in getattr(element, "default_css", []) if _is_outside(url))
    return urls


# ---------------------------------------------------------------- 学校布局 map
#: Optional base layers.  None of them is used unless chosen: intranets have no tile server.
#: 高德 tiles are in GCJ-02: every overlay is shifted to it when that base is chosen.
BASE_LAYERS: dict[str, str] = {
    "none": "无底图(仅本系统边界)",
    "tianditu": "天地图(矢量+注记，需密钥 tk)",
    "gaode": "高德地图(GCJ-02)",
    "osm": "OpenStreetMap",
}
TIANDITU_HELP = (
    "天地图底图需要密钥(tk)：在 https://console.tianditu.gov.cn 注册并申请“浏览器端”密钥，"
    '写入 .streamlit/secrets.toml 的 tianditu_tk = "..."。'
)
_TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
    "&TILECOL={{x}}&tk={tk}"
)
_GAODE_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

#: Symbol by school level (CSS shape of the marker).
LEVEL_SHAPES: dict[str, str] = {
    "小学": "border-radius:50%",
    "教学点": "border-radius:50%;border-style:dashed",
    "初中": "border-radius:2px",
    "九年一贯制": "border-radius:2px;transform:rotate(45deg)",
    "完全中学": "border-radius:2px",
    "特殊教育": "border-radius:30%",
}
LEVEL_SYMBOL_NAMES: dict[str, str] = {
    "小学": "● 小学",
    "教学点": "◌ 教学点",
    "初中": "■ 初中",
    "九年一贯制": "◆ 九年一贯制",
    "特殊教育": "▢ 特殊教育",
}
CATCHMENT_COLOUR = "#6baed6"
CHILDREN_COLOUR = "#3182bd"


def shift_coords(lon: Any, lat: Any, base: str) -> tuple[Any, Any]:
    """WGS-84 coordinates as drawn on ``base`` (GCJ-02 on 高德, unchanged otherwise)."""
    if base == "gaode":
        return geo.wgs84_to_gcj02(lon, lat)
    return lon, lat


def shift_geojson(data: Mapping[str, Any], base: str) -> dict[str, Any]:
    """A copy of a FeatureCollection with coordinates shifted for ``base`` (see :func:`shift_coords`)."""
    out = copy.deepcopy(dict(data))
    if base != "gaode":
        return out

    def walk(node: Any) -> Any:
        if len(node) and isinstance(node[0], int | float):
            x, y = shift_coords(float(node[0]), float(node[1]), base)
            return [round(x, 5), round(y, 5)]
        return [walk(child) for child in node]

    for feature in out.get("features", []):
        geom = feature.get("geometry") or {}
        if "coordinates" in geom:
            geom["coordinates"] = walk(geom["coordinates"])
    return out


def add_base_layer(m: folium.Map, base: str, *, tianditu_key: str | None = None) -> bool:
    """Add the chosen tile base to ``m``; False when it cannot be (天地图 without a key)."""
    if base == "none":
        return True
    if base == "tianditu":
        if not tianditu_key:
            return False
        for layer, name in (("vec", "天地图矢量"), ("cva", "天地图注记")):
            folium.TileLayer(
                _TIANDITU_URL.format(layer=layer, tk=tianditu_key),
                attr="天地图",
                name=name,
                subdomains="01234567",
                overlay=layer == "cva",
                control=False,
            ).add_to(m)
        return True
    if base == "gaode":
        folium.TileLayer(_GAODE_URL, attr="高德地图", name="高德", subdomains="1234", control=False).add_to(m)
        return True
    if base == "osm":
        folium.TileLayer(_OSM_URL, attr="© OpenStreetMap contributors", name="OSM", control=False).add_to(m)
        return True
    raise ValueError(f"unknown base layer {base!r}; expected one of {sorted(BASE_LAYERS)}")


def school_icon_html(level: str, colour: str, size: int) -> str:
    """The HTML of a school's marker: shape by level, fill by utilisation, size by enrolment."""
    shape = LEVEL_SHAPES.get(level, "border-radius:50%")
    return (
        f'<div class="edu-school" style="width:{size}px;height:{size}px;background:{html_lib.escape(colour)};'
        f'border:2px solid #222;{shape};opacity:0.9;box-sizing:border-box"></div>'
    )


def closed_school_icon_html(level: str, size: int) -> str:
    """A closed school in a scenario: its level's shape, hollow and grey, crossed out in red."""
    shape = LEVEL_SHAPES.get(level, "border-radius:50%")
    return (
        f'<div class="edu-school edu-closed" style="position:relative;width:{size}px;height:{size}px">'
        f'<div style="width:{size}px;height:{size}px;background:#f2f2f2;border:2px dashed #555;{shape};'
        'box-sizing:border-box"></div>'
        f'<svg viewBox="0 0 10 10" style="position:absolute;left:-3px;top:-3px;width:{size + 6}px;'
        f'height:{size + 6}px;overflow:visible">'
        f'<path d="M1 1L9 9M9 1L1 9" stroke="{RED}" stroke-width="1.8" stroke-linecap="round"/></svg></div>'
    )


#: Legend entry of a closed school (a scenario map).
CLOSED_LABEL = "✕ 已撤并(方案)"


def school_marker_size(enrolled: float) -> int:
    """Marker width in pixels: grows with the square root of enrolment, 10-28 px."""
    return int(np.clip(8 + math.sqrt(max(float(enrolled), 0.0)) * 0.55, 10, 28))


class PointLayer(MacroElement):
    """Many markers (or rings) drawn by one loop in JavaScript, added to the parent layer.

    One ``folium.Marker`` per school costs a Jinja template compilation per
    marker, tooltip and icon each time the map is rendered (about 1 s for 200
    schools, on every rerun); one element holding the points as data costs
    next to nothing.  ``kind="school"``: a ``L.divIcon`` per point (``html``,
    ``size``, ``tip``); ``kind="bubble"``: a ``L.circleMarker`` (``radius`` px,
    ``tip``); ``kind="ring"``: a ``L.circle`` of ``radius`` metres.
    streamlit-folium reports clicks on these markers like on any other layer.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            {{ this.points|tojson }}.forEach(function (p) {
                {% if this.kind == "school" %}
                var icon = L.divIcon({html: p.html, iconSize: [p.size, p.size],
                                      iconAnchor: [p.size / 2, p.size / 2], className: "edu-school-icon"});
                L.marker([p.lat, p.lon], {icon: icon}).bindTooltip(p.tip).addTo(group);
                {% elif this.kind == "bubble" %}
                L.circleMarker([p.lat, p.lon], {radius: p.radius, color: {{ this.colour|tojson }},
                    weight: {{ this.weight }}, fillColor: {{ this.colour|tojson }},
                    fillOpacity: {{ this.fill_opacity }}}).bindTooltip(p.tip).addTo(group);
                {% else %}
                L.circle([p.lat, p.lon], {radius: p.radius, color: {{ this.colour|tojson }}, weight: 1,
                                          fill: false, interactive: false}).addTo(group);
                {% endif %}
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        points: Sequence[Mapping[str, Any]],
        *,
        kind: str = "school",
        colour: str = "#6baed6",
        weight: float = 1,
        fill_opacity: float = 0.35,
    ) -> None:
        super().__init__()
        self._name = "PointLayer"
        self.points = [dict(p) for p in points]
        self.kind = kind
        self.colour = colour
        self.weight = float(weight)
        self.fill_opacity = float(fill_opacity)


def _village_points(
    villages: Any, base: str, *, radius_for: Callable[[float], float], label: str = ""
) -> list[dict[str, Any]]:
    """Village bubbles as PointLayer data: aggregate children, distance, a tooltip (never a child)."""
    lon, lat = shift_coords(villages["lon"].to_numpy(float), villages["lat"].to_numpy(float), base)
    out = []
    for i, row in enumerate(villages.itertuples()):
        km = "—" if np.isnan(row.road_km) else f"{row.road_km:.1f} km"
        tip = (
            f"{html_lib.escape(str(row.name))}{(' · ' + label) if label else ''}<br>"
            f"学龄儿童 {int(round(row.children)):,} · 到最近学校(估算) {km}"
        )
        out.append(
            {
                "lat": round(float(lat[i]), 5),
                "lon": round(float(lon[i]), 5),
                "radius": round(radius_for(row.children), 1),
                "tip": tip,
            }
        )
    return out


def build_layout_map(
    townships: Mapping[str, Any],
    *,
    schools: Any,
    villages: Any,
    values: Mapping[str, float | None],
    measure_title: str,
    measure_fmt: str | Callable[[float], str] = "{:.1%}",
    measure_colors: Sequence[str] | None = None,
    measure_bins: Sequence[float] | None = None,
    county: Mapping[str, Any] | None = None,
    ring_km: float | None = None,
    base: str = "none",
    tianditu_key: str | None = None,
    show: Sequence[str] = ("schools", "children", "out_of_reach"),
    static_url: str = STATIC_URL,
    closed: Any = None,
    view_px: tuple[int, int] = (680, 560),
) -> folium.Map:
    """The 学校布局 map: township choropleth and names, schools, children by village, reach and
    catchments; in a scenario, the schools it closes drawn crossed out where they stood.

    Parameters
    ----------
    townships : Mapping
        WGS-84 township FeatureCollection (``properties["code"]``, ``name``).
    schools : pandas.DataFrame
        ``code``, ``name``, ``level``, ``lon``, ``lat``, ``enrolled``, ``capacity``, ``status``
        (one of :data:`lib.present.cards.SCHOOL_STATUS_COLOURS`' keys).  One marker per school.
    villages : pandas.DataFrame
        Per village (never per child): ``code``, ``name``, ``lon``, ``lat``, ``children``,
        ``road_km``, ``within`` and ``school_lon``/``school_lat`` of its nearest school.
    values : Mapping[str, float | None]
        The choropleth measure by township code.
    measure_title : str
        Legend title of the measure: what, for whom, as of when.
    measure_fmt, measure_colors, measure_bins
        As in :func:`build_choropleth`.
    county : Mapping, optional
        County outline FeatureCollection.
    ring_km : float, optional
        Straight-line radius of the service rings (threshold / detour factor).
    base : str, default "none"
        A key of :data:`BASE_LAYERS`; ``"gaode"`` shifts every overlay to GCJ-02.
    tianditu_key : str, optional
        The user's 天地图 key.
    show : sequence of str
        Layers shown at first (the others can be switched on in the layer control):
        ``schools``, ``children``, ``out_of_reach``, ``rings``, ``catchment``.
    closed : pandas.DataFrame, optional
        Schools a scenario closes (``name``, ``level``, ``lon``, ``lat``, optionally
        ``enrolled``, the pupils it had): drawn hollow and crossed out, with a tooltip saying
        so, never simply left off (a planner must see what a plan takes away).
    view_px : (int, int)
        The map's usual size on the page (px): the legends go to the corners where they
        cover least at that size (:func:`legend_corner`).

    Returns
    -------
    folium.Map
    """
    format_value = _formatter(measure_fmt)
    present = [float(v) for v in values.values() if not _missing(v)]
    colors, bins, lo, hi = _classes(present, measure_colors, measure_bins)
    layer_data, fills = _styled_features(
        townships, values, colors, bins, format_value, right=False, labels=None, no_data_label=NO_DATA_LABEL
    )
    layer_data = shift_geojson(layer_data, base)
    outline = shift_geojson(_as_feature_collection(county), base) if county is not None else None
    bounds = geojson_bounds(layer_data, outline)
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = offline_map(location=centre, zoom_start=10, static_url=static_url, zoom_snap=0.25, zoom_delta=0.5)
    add_base_layer(m, base, tianditu_key=tianditu_key)
    opacity = 0.3 if base != "none" else 0.4  # light, so that the school markers stand out

    def fill(feature: Mapping[str, Any]) -> dict[str, Any]:
        return {"fillColor": fills[feature["id"]], "color": "#ffffff", "weight": 1, "fillOpacity": opacity}

    folium.GeoJson(
        layer_data,
        name=f"乡镇：{measure_title}",
        style_function=fill,
        highlight_function=_highlight_style,
        tooltip=folium.GeoJsonTooltip(fields=["name", "value_text"], aliases=["乡镇", "指标"], sticky=True),
    ).add_to(m)
    if outline is not None:
        folium.GeoJson(
            outline, name="区界", style_function=_outline_style, interactive=False, control=False
        ).add_to(m)

    vill = villages[villages["children"] > 0]
    top = float(vill["children"].max()) if len(vill) else 1.0

    def radius(n: float) -> float:
        return 3.0 + 14.0 * math.sqrt(max(n, 0.0) / top)

    if len(vill) and "school_lon" in vill:
        lines = []
        vlon, vlat = shift_coords(vill["lon"].to_numpy(float), vill["lat"].to_numpy(float), base)
        slon, slat = shift_coords(
            vill["school_lon"].to_numpy(float), vill["school_lat"].to_numpy(float), base
        )
        for i in range(len(vill)):
            if np.isnan(slon[i]):
                continue
            lines.append(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [
                            [round(float(vlon[i]), 5), round(float(vlat[i]), 5)],
                            [round(float(slon[i]), 5), round(float(slat[i]), 5)],
                        ],
                    },
                }
            )
        folium.GeoJson(
            {"type": "FeatureCollection", "features": lines},
            name="就近学校(服务范围连线)",
            show="catchment" in show,
            interactive=False,
            style_function=lambda f: {"color": "#555555", "weight": 1, "opacity": 0.6},
        ).add_to(m)

    if ring_km:
        rings = folium.FeatureGroup(name=f"服务半径(直线 {ring_km:.1f} km)", show="rings" in show)
        slon, slat = shift_coords(schools["lon"].to_numpy(float), schools["lat"].to_numpy(float), base)
        PointLayer(
            [
                {"lat": round(float(slat[i]), 5), "lon": round(float(slon[i]), 5), "radius": ring_km * 1000}
                for i in range(len(schools))
            ],
            kind="ring",
            colour=CATCHMENT_COLOUR,
        ).add_to(rings)
        rings.add_to(m)

    if len(vill):
        children = folium.FeatureGroup(name="学龄儿童(按村)", show="children" in show)
        PointLayer(
            _village_points(vill, base, radius_for=radius), kind="bubble", colour=CHILDREN_COLOUR
        ).add_to(children)
        children.add_to(m)
        far = vill[~vill["within"].astype(bool)]
        if len(far):
            group = folium.FeatureGroup(name="超出就近范围的村", show="out_of_reach" in show)
            points = _village_points(far, base, radius_for=lambda n: radius(n) + 2, label="超出就近范围")
            PointLayer(points, kind="bubble", colour=RED, weight=3, fill_opacity=0.25).add_to(group)
            group.add_to(m)

    points: dict[str, list[dict[str, Any]]] = {}
    slon, slat = shift_coords(schools["lon"].to_numpy(float), schools["lat"].to_numpy(float), base)
    for i, row in enumerate(schools.itertuples()):
        level = str(row.level)
        size = school_marker_size(row.enrolled)
        colour = SCHOOL_STATUS_COLOURS.get(row.status, GREY)
        cap = "—" if _missing(row.capacity) else f"{int(row.capacity):,}"
        tip = (
            f"{html_lib.escape(str(row.name))}<br>{html_lib.escape(level)} · 在校 {int(row.enrolled):,} / "
            f"学位 {cap} · {SCHOOL_STATUS_LABELS.get(row.status, '')}<br><i>点击查看学校卡片</i>"
        )
        points.setdefault(level, []).append(
            {
                "lat": round(float(slat[i]), 5),
                "lon": round(float(slon[i]), 5),
                "size": size,
                "tip": tip,
                "html": school_icon_html(level, colour, size),
            }
        )
    for level in sorted(points, key=lambda x: list(LEVEL_SHAPES).index(x) if x in LEVEL_SHAPES else 99):
        group = folium.FeatureGroup(name=f"学校：{level}", show="schools" in show)
        PointLayer(points[level], kind="school").add_to(group)
        group.add_to(m)
    gone = _closed_points(closed, base)
    if gone:
        group = folium.FeatureGroup(name="已撤并的学校(方案)", show=True)
        PointLayer(gone, kind="school").add_to(group)
        group.add_to(m)

    add_area_labels(m, townships, base=base)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    entries = _legend_entries(colors, bins, format_value, right=False, lo=lo, hi=hi)
    if GREY in fills.values():
        entries.append((GREY, NO_DATA_LABEL))
    where = list(zip(schools["lon"].astype(float), schools["lat"].astype(float), strict=True))
    school_entries = [(SCHOOL_STATUS_COLOURS[k], SCHOOL_STATUS_LABELS[k]) for k in SCHOOL_STATUS_COLOURS]
    if gone:
        school_entries.append(("#f2f2f2", CLOSED_LABEL))
    school_entries.append(
        ("#ffffff", " ".join(LEVEL_SYMBOL_NAMES[x] for x in ("小学", "教学点", "初中", "九年一贯制")))
    )
    school_title = "学校(形状=类型，大小=在校生)"
    # the two legends where they hide the fewest schools: the larger first, then the other
    # (possibly stacked in the same corner); the layer switch holds the top right
    used = {"topright": 50.0}
    size = legend_size(school_title, school_entries)
    school_corner = legend_corner(townships, where, view_px=view_px, legend_px=size, used=used)
    used[school_corner] = used.get(school_corner, CORNER_USED[school_corner]) + size[1] + 10
    measure_size = legend_size(measure_title, entries)
    measure_corner = legend_corner(townships, where, view_px=view_px, legend_px=measure_size, used=used)
    Legend(measure_title, entries, position=measure_corner).add_to(m)
    Legend(school_title, school_entries, position=school_corner).add_to(m)
    m.fit_bounds(bounds, padding=(12, 12))
    return m


def _closed_points(closed: Any, base: str) -> list[dict[str, Any]]:
    """PointLayer data of the schools a scenario closes (crossed out, with a tooltip)."""
    if closed is None or len(closed) == 0:
        return []
    lon, lat = shift_coords(closed["lon"].to_numpy(float), closed["lat"].to_numpy(float), base)
    out = []
    for i, row in enumerate(closed.itertuples()):
        level = str(row.level)
        size = school_marker_size(getattr(row, "enrolled", 0) or 0)
        had = getattr(row, "enrolled", None)
        pupils = "" if had is None or _missing(had) else f" · 原在校 {int(had):,}"
        out.append(
            {
                "lat": round(float(lat[i]), 5),
                "lon": round(float(lon[i]), 5),
                "size": size,
                "tip": f"已撤并(方案)：{html_lib.escape(str(row.name))}<br>{html_lib.escape(level)}{pupils}",
                "html": closed_school_icon_html(level, size),
            }
        )
    return out
