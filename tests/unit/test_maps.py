"""lib.present.maps without a browser: render to HTML and assert on the layers and on every URL."""

from __future__ import annotations

import copy
import json
import re

import branca.colormap
import folium
import pytest

from lib.core import config
from lib.present import maps
from lib.present.cards import status_colour

CODES = ["411503001", "411503002", "411503003"]
CONSOLIDATION = {"red": 0.96, "green": 0.97, "higher_is_better": True}
OPEN_CASES = {"red": 1.5, "green": 0.5, "higher_is_better": False}


def _square(lon: float, lat: float, size: float = 0.1) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def townships() -> dict:
    names = ["甲镇", "乙镇", "丙镇"]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "head": "张三"},
                "geometry": _square(114 + i / 10, 32.1),
            }
            for i, (code, name) in enumerate(zip(CODES, names, strict=True))
        ],
    }


@pytest.fixture
def county() -> dict:
    ring = [[113.95, 32.05], [114.35, 32.05], [114.35, 32.25], [113.95, 32.25], [113.95, 32.05]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "平桥区"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }


@pytest.fixture
def choropleth(townships, county) -> folium.Map:
    return maps.build_choropleth(
        townships,
        {CODES[0]: 0.95, CODES[1]: 0.965, CODES[2]: None},
        title="巩固率（2026年11月20日）",
        boundary=county,
        **maps.target_scale(CONSOLIDATION),
    )


def _children(m: folium.Map, kind: type) -> list:
    return [child for child in m._children.values() if isinstance(child, kind)]


def _fill_by_code(layer: folium.GeoJson) -> dict[str, str]:
    return {f["id"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}


# ---------------------------------------------------------------- nothing from outside


def test_choropleth_references_no_outside_host(choropleth):
    html = maps.map_html(choropleth)
    assert maps.external_urls(html) == set()
    assert maps.external_links(choropleth) == set()
    assert f'src="{maps.STATIC_URL}/leaflet/leaflet.js"' in html


def test_a_plain_folium_map_is_caught(townships):
    """The checks can fail: folium's defaults load from CDNs, and a tile layer from a tile server."""
    m = folium.Map(location=[32.1, 114.1], zoom_start=9)
    folium.GeoJson(townships).add_to(m)
    html = maps.map_html(m)
    found = maps.external_urls(html)
    assert any("leaflet" in url for url in found)
    assert any("{z}/{x}/{y}" in url for url in found)  # the OpenStreetMap tile template, inside the script
    assert any("leaflet" in url for url in maps.external_links(m))


def test_offline_map_leaves_folium_defaults_alone():
    before = list(folium.Map.default_js)
    m = maps.offline_map(location=[32.1, 114.1], zoom_start=9)
    assert folium.Map.default_js == before
    assert folium.Map(location=[0, 0]).default_js == before
    assert m.default_js == maps.vendor_js()
    assert not _children(m, folium.TileLayer)
    html = maps.map_html(m)
    assert 'L.control.scale({"metric": true, "imperial": false})' in html
    assert "L.control.scale()" not in html
    assert f"setPrefix({json.dumps(maps.ATTRIBUTION_PREFIX)})" in html
    assert json.dumps(maps.DEFAULT_ATTRIBUTION) in html  # Jinja's tojson writes \\uXXXX escapes


def test_offline_map_can_serve_under_a_base_url_path():
    m = maps.offline_map(location=[32.1, 114.1], zoom_start=9, static_url="/edu/app/static/vendor")
    assert all(url.startswith("/edu/app/static/vendor/") for _, url in m.default_js + m.default_css)


def test_a_branca_colormap_is_reported_because_st_folium_adds_d3_from_cdns():
    m = maps.offline_map(location=[32.1, 114.1], zoom_start=9)
    branca.colormap.LinearColormap([maps.RED, maps.GREEN], vmin=0, vmax=1).add_to(m)
    assert maps.D3_FROM_CDN in maps.external_links(m)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example.org/a.js"></script>', {"https://cdn.example.org/a.js"}),
        ('<link rel="stylesheet" href="//fonts.example.net/x.css"/>', {"//fonts.example.net/x.css"}),
        ("<style>.a{background:url(//img.example.com/b.png)}</style>", {"//img.example.com/b.png"}),
        (
            "<style>.a{background:url('https://img.example.com/c.png')}</style>",
            {"https://img.example.com/c.png"},
        ),
        (
            'L.tileLayer("https:\\/\\/{s}.tiles.example.com\\/{z}\\/{x}\\/{y}.png")',
            {"https://{s}.tiles.example.com/{z}/{x}/{y}.png"},
        ),
        ('<script src="/app/static/vendor/leaflet/leaflet.js"></script>', set()),
        ('<img src="http://localhost:8501/x.png"><img src="http://127.0.0.1/y.png">', set()),
        ('<svg xmlns="http://www.w3.org/2000/svg"></svg>', set()),
        ("var a = 1; // a comment\nvar b = 2;", set()),
    ],
    ids=[
        "script",
        "protocol-relative",
        "css-url",
        "css-url-quoted",
        "tile-in-script",
        "vendored",
        "local",
        "xmlns",
        "js-comment",
    ],
)
def test_external_urls(html, expected):
    assert maps.external_urls(html) == expected


def test_every_vendored_link_exists_and_its_css_urls_resolve():
    vendor = config.STATIC_DIR / "vendor"
    for _, url in maps.vendor_js() + maps.vendor_css():
        path = vendor / url.removeprefix(maps.STATIC_URL + "/")
        assert path.is_file(), f"{url} is not in static/vendor (run scripts/vendor_static.sh)"
        if path.suffix != ".css":
            continue
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", path.read_text()):
            if ref.startswith(("data:", "#")):
                continue
            target = (path.parent / ref).resolve()
            # Font-Awesome's .ttf fallbacks are left out on purpose: browsers take the woff2 listed first.
            if target.suffix == ".ttf":
                target = target.with_suffix(".woff2")
            assert target.is_file(), f"{path.name} refers to missing {ref}"


# ---------------------------------------------------------------- the choropleth


def test_one_feature_per_township_with_the_tooltip_data_only(choropleth, townships):
    layers = _children(choropleth, folium.GeoJson)
    polygons = layers[0]
    assert [f["id"] for f in polygons.data["features"]] == CODES
    assert {tuple(sorted(f["properties"])) for f in polygons.data["features"]} == {
        ("code", "name", "value_text")
    }
    assert "张三" not in maps.map_html(choropleth)  # nothing but what the map shows reaches the browser
    tooltip = _children(polygons, folium.GeoJsonTooltip)[0]
    assert tooltip.fields == ["name", "value_text"]
    assert tooltip.aliases == ["乡镇", "巩固率（2026年11月20日）"]


def test_tooltip_value_label_can_be_shorter_than_the_title(townships):
    m = maps.build_choropleth(townships, {}, title="巩固率（2026年11月20日）", value_label="巩固率")
    tooltip = _children(_children(m, folium.GeoJson)[0], folium.GeoJsonTooltip)[0]
    assert tooltip.aliases == ["乡镇", "巩固率"]


def test_colours_follow_the_target_and_none_is_grey(choropleth):
    polygons = _children(choropleth, folium.GeoJson)[0]
    assert _fill_by_code(polygons) == {CODES[0]: maps.RED, CODES[1]: maps.AMBER, CODES[2]: maps.GREY}
    texts = [f["properties"]["value_text"] for f in polygons.data["features"]]
    assert texts == ["95.0%", "96.5%", maps.NO_DATA_LABEL]
    html = maps.map_html(choropleth)
    assert maps.RED in html and maps.GREY in html


def test_missing_code_and_nan_are_grey_too(townships):
    m = maps.build_choropleth(townships, {CODES[0]: float("nan")}, title="t")
    assert set(_fill_by_code(_children(m, folium.GeoJson)[0]).values()) == {maps.GREY}


@pytest.mark.parametrize(
    ("measure", "rule", "value"),
    [
        (measure, rule, value)
        for measure, rule in [("consolidation", CONSOLIDATION), ("open_cases_per_1000", OPEN_CASES)]
        for value in [0.0, 0.4, 0.5, 0.9, 0.95, 0.96, 0.965, 0.97, 0.99, 1.5, 1.6]
    ],
)
def test_target_scale_colours_like_metrics_status_colour(townships, measure, rule, value, monkeypatch):
    monkeypatch.setitem(config.SETTINGS["targets"], measure, rule)
    m = maps.build_choropleth(townships, {CODES[0]: value}, title="t", **maps.target_scale(rule))
    fill = _fill_by_code(_children(m, folium.GeoJson)[0])[CODES[0]]
    assert fill == maps.STATUS_COLOURS[status_colour(measure, value)]


def test_county_outline_on_top_and_not_interactive(choropleth, county):
    layers = _children(choropleth, folium.GeoJson)
    assert len(layers) == 2
    outline = layers[1]
    assert outline.options.get("interactive") is False
    assert outline.style_function(outline.data["features"][0])["fill"] is False
    assert outline.data["features"][0]["properties"] == {}  # the county's own properties stay home


def test_inputs_are_not_modified(townships, county):
    before = copy.deepcopy((townships, county))
    m = maps.build_choropleth(townships, {CODES[0]: 0.5}, title="t", boundary=county)
    maps.map_html(m)
    assert (townships, county) == before


def test_legend_has_title_classes_and_no_data(choropleth):
    legend = _children(choropleth, maps.Legend)[0]
    assert legend.title == "巩固率（2026年11月20日）"
    assert legend.entries == [
        (maps.RED, "< 96.0%"),
        (maps.AMBER, "96.0% – 97.0%"),
        (maps.GREEN, "≥ 97.0%"),
        (maps.GREY, maps.NO_DATA_LABEL),
    ]
    html = maps.map_html(choropleth)
    assert "edu-map-legend" in html and "L.control(" in html


def test_legend_can_move_to_another_corner(townships):
    m = maps.build_choropleth(townships, {}, title="t", legend_position="topright")
    assert _children(m, maps.Legend)[0].position == "topright"
    assert 'L.control({position: "topright"})' in maps.map_html(m)


def test_legend_for_lower_is_better_uses_closed_right_ends(townships):
    m = maps.build_choropleth(
        townships, dict.fromkeys(CODES, 1.0), title="t", fmt="{:.1f}", **maps.target_scale(OPEN_CASES)
    )
    legend = _children(m, maps.Legend)[0]
    assert legend.entries == [(maps.GREEN, "≤ 0.5"), (maps.AMBER, "0.5 – 1.5"), (maps.RED, "> 1.5")]


def test_sequential_default_spreads_values_over_the_blues(townships):
    m = maps.build_choropleth(
        townships, {CODES[0]: 10, CODES[1]: 55, CODES[2]: 100}, title="人数", fmt="{:.0f}"
    )
    fills = _fill_by_code(_children(m, folium.GeoJson)[0])
    assert fills == {
        CODES[0]: maps.SEQUENTIAL[0],
        CODES[1]: maps.SEQUENTIAL[2],
        CODES[2]: maps.SEQUENTIAL[-1],
    }
    entries = _children(m, maps.Legend)[0].entries
    assert entries[0] == (maps.SEQUENTIAL[0], "10 – 28") and entries[-1] == (maps.SEQUENTIAL[-1], "82 – 100")
    assert maps.GREY not in [colour for colour, _ in entries]


def test_a_single_value_gets_one_class(townships):
    m = maps.build_choropleth(townships, dict.fromkeys(CODES, 7), title="t", fmt="{:.0f}")
    assert _children(m, maps.Legend)[0].entries == [(maps.SEQUENTIAL[2], "7")]


def test_labels_override_names_and_everything_shown_is_escaped(townships):
    m = maps.build_choropleth(
        townships, {CODES[0]: 0.5}, title="<b>比例</b>", labels={CODES[0]: "<img src=x onerror=alert(1)>"}
    )
    html = maps.map_html(m)
    assert "<img src=x" not in html and "<b>比例" not in html
    polygons = _children(m, folium.GeoJson)[0]
    assert polygons.data["features"][0]["properties"]["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert polygons.data["features"][1]["properties"]["name"] == "乙镇"


def test_fitted_to_the_areas_and_the_outline(choropleth):
    fit = [c for c in choropleth._children.values() if type(c).__name__ == "FitBounds"]
    assert fit and fit[0].bounds == [[32.05, 113.95], [32.25, 114.35]]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"colors": [maps.RED, maps.GREEN], "bins": [0.1, 0.2]}, "2 breaks need 3 colours"),
        ({"colors": [maps.RED, maps.AMBER, maps.GREEN], "bins": [0.2, 0.1]}, "increase"),
    ],
)
def test_bad_classes_are_rejected(townships, kwargs, match):
    with pytest.raises(ValueError, match=match):
        maps.build_choropleth(townships, {}, title="t", **kwargs)


def test_a_feature_without_code_is_rejected(townships):
    del townships["features"][0]["properties"]["code"]
    with pytest.raises(ValueError, match="code"):
        maps.build_choropleth(townships, {}, title="t")


def test_size_is_the_rendered_html(choropleth):
    assert maps.map_size_bytes(choropleth) == len(maps.map_html(choropleth).encode("utf-8"))
    assert maps.map_size_bytes(choropleth) < 30_000


# ---------------------------------------------------------------- names, legends, print, closed schools


def _l_shape() -> dict:
    """An L-shaped township whose centroid lies outside it (the corner's notch)."""
    ring = [[114.0, 32.0], [114.3, 32.0], [114.3, 32.05], [114.05, 32.05], [114.05, 32.3], [114.0, 32.3]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "411503009", "name": "拐角镇"},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        ],
    }


def test_names_are_placed_inside_their_area_even_where_the_centroid_is_not():
    import shapely

    shape = shapely.geometry.shape(_l_shape()["features"][0]["geometry"])
    assert not shape.contains(shape.centroid)
    lon, lat = maps.label_points(_l_shape())["411503009"]
    assert shape.contains(shapely.Point(lon, lat))


def test_every_township_is_named_on_the_choropleth_in_a_pane_that_lets_clicks_through(choropleth):
    html = maps.map_html(choropleth)
    assert [p["text"] for p in _children(choropleth, maps.AreaLabels)[0].points] == ["甲镇", "乙镇", "丙镇"]
    assert 'createPane("eduLabels")' in html and "interactive: false" in html
    assert ".edu-area-label{pointer-events:none" in html.replace(" !important", "")


def test_long_names_wrap_and_names_are_escaped(townships):
    townships["features"][0]["properties"]["name"] = "农村改革发展综合试验核心区"
    townships["features"][1]["properties"]["name"] = "<b>乙镇</b>"
    m = maps.build_choropleth(townships, {}, title="t")
    label = _children(m, maps.AreaLabels)[0]
    texts = {p["text"] for p in label.points}
    assert "农村改革发<br>展综合试验<br>核心区" in texts
    assert not any("<b>" in t for t in texts) and any("&lt;b&gt;乙镇" in t for t in texts)


def test_names_can_be_left_off():
    fc = _l_shape()
    m = maps.build_choropleth(fc, {}, title="t", area_names=False)
    assert _children(m, maps.AreaLabels) == []


def test_print_hides_the_map_controls_and_legends_fold_away(choropleth):
    html = maps.map_html(choropleth)
    assert "@media print{.leaflet-control-zoom,.leaflet-control-layers" in html
    legend = _children(choropleth, maps.Legend)[0]
    assert legend.html.startswith('<details open class="edu-legend"') and "<summary" in legend.html


def test_legend_goes_to_the_corner_that_hides_no_school():
    """Areas fill the frame; schools sit in the bottom-right corner, just above the map's
    credit: the legend never goes over them, and a full corner (a legend already there) is
    passed over."""
    left = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "1"}, "geometry": _square(114.0, 32.0, 0.2)},
            {"type": "Feature", "properties": {"code": "2"}, "geometry": _square(114.2, 32.0, 0.2)},
        ],
    }
    schools = [(114.36, 32.05), (114.35, 32.06), (114.37, 32.07)]  # the bottom-right corner
    kw = {"view_px": (400, 200), "legend_px": (100, 60)}
    assert maps.legend_corner(left, schools, **kw) != "bottomright"
    assert maps.legend_corner(left, [], **kw) in maps.LEGEND_CORNERS
    full = {c: 200.0 for c in maps.LEGEND_CORNERS if c != "bottomleft"}  # only bottom left has room
    assert maps.legend_corner(left, schools, **kw, used=full) == "bottomleft"
    assert maps.legend_size("巩固率", [("#000", "≥ 97.0%")] * 3)[1] == 30 + 3 * 19


def test_closed_schools_are_drawn_crossed_out_not_left_off(townships):
    import pandas as pd

    schools = pd.DataFrame(
        {
            "code": ["2141030001"],
            "name": ["甲小学"],
            "level": ["小学"],
            "lon": [114.05],
            "lat": [32.15],
            "enrolled": [300],
            "capacity": [400],
            "status": ["normal"],
        }
    )
    villages = pd.DataFrame(columns=["code", "name", "lon", "lat", "children", "road_km", "within"])
    closed = pd.DataFrame(
        {"name": ["乙小学"], "level": ["小学"], "lon": [114.15], "lat": [32.15], "enrolled": [85]}
    )
    m = maps.build_layout_map(
        townships, schools=schools, villages=villages, values={}, measure_title="t", closed=closed
    )
    layers = [
        p
        for g in m._children.values()
        for c in getattr(g, "_children", {}).values()
        if isinstance(c, maps.PointLayer)
        for p in c.points
    ]
    gone = [p for p in layers if "edu-closed" in p["html"]]
    assert (
        len(gone) == 1 and gone[0]["tip"].startswith("已撤并(方案)：乙小学") and "原在校 85" in gone[0]["tip"]
    )
    legends = [e for legend in _children(m, maps.Legend) for e in legend.entries]
    assert ("#f2f2f2", maps.CLOSED_LABEL) in legends
    plain = maps.build_layout_map(townships, schools=schools, villages=villages, values={}, measure_title="t")
    assert "edu-closed" not in maps.map_html(plain)
    assert "edu-closed" in maps.map_html(m)
