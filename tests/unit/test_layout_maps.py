"""The 学校布局 map (lib.present.maps.build_layout_map) without a browser, and click handling."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lib.core import geo, store
from lib.core.scope import default_scope
from lib.layout import coverage as layout
from lib.present import maps


@pytest.fixture(scope="module")
def district(demo_db):
    with store.connect(demo_db) as con:
        data = layout.load_layout_data(con, default_scope())
    towns = data.townships
    shapes = geo.simplified_geojson(
        dict(zip(towns.code, towns.geometry, strict=True)),
        {r.code: {"name": r.name} for r in towns.itertuples()},
    )
    county = geo.simplified_geojson({"c": data.county_wkt}, {}, tolerance_m=80)
    return data, shapes, county


def _build(district, *, band="primary", base="none", measure="share", **kw):
    data, shapes, county = district
    view = layout.compute_layout(data, band=band)
    return maps.build_layout_map(
        shapes, county=county, base=base, **layout.map_inputs(data, view, measure=measure), **kw
    ), view


@pytest.mark.parametrize("band", ["primary", "junior"])
def test_district_map_is_small_and_needs_nothing_from_outside(district, band):
    m, view = _build(district, band=band, show=("schools", "children", "out_of_reach", "rings", "catchment"))
    html = maps.map_html(m)
    assert len(html.encode()) < 2_000_000
    assert maps.external_urls(html) == set()
    assert maps.external_links(m) == set()
    # one marker per school, never per child: markers = band schools in Scope
    layers = [el for el in maps._walk(m) if isinstance(el, maps.PointLayer) and el.kind == "school"]
    assert sum(len(el.points) for el in layers) == len(view.schools)
    assert len(view.schools) < 300


def test_layers_are_named_and_toggleable(district):
    m, _ = _build(district)
    html = maps.map_html(m)
    names = {getattr(el, "layer_name", None) for el in maps._walk(m)}
    for name in (
        "学龄儿童(按村)",
        "学校：小学",
        "学校：教学点",
        "超出就近范围的村",
        "就近学校(服务范围连线)",
    ):
        assert name in names, name
    assert any(str(n).startswith("服务半径") for n in names)
    assert "L.control.layers" in html


def test_no_child_level_data_reaches_the_map(district):
    html = maps.map_html(_build(district)[0])
    assert "student" not in html and "id_number" not in html
    # no ID numbers (as a token of their own: folium's random element ids are hex runs inside identifiers)
    assert not re.search(r"(?<![0-9A-Za-z_])\d{17}[\dX](?![0-9A-Za-z_])", html)


@pytest.mark.parametrize(("base", "host"), [("osm", "openstreetmap.org"), ("gaode", "autonavi.com")])
def test_a_chosen_base_layer_is_the_only_outside_link(district, base, host):
    html = maps.map_html(_build(district, base=base)[0])
    urls = maps.external_urls(html)
    assert urls and all(host in u for u in urls)


def test_tianditu_needs_a_key(district):
    m = maps.offline_map(location=[32, 114], zoom_start=9)
    assert maps.add_base_layer(m, "tianditu") is False
    assert maps.add_base_layer(m, "tianditu", tianditu_key="abc") is True
    assert "tk=abc" in maps.map_html(m)
    with pytest.raises(ValueError, match="unknown base"):
        maps.add_base_layer(m, "baidu")


def test_gaode_shifts_every_overlay_to_gcj02():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [114.1, 32.3]}}
        ],
    }
    shifted = maps.shift_geojson(fc, "gaode")["features"][0]["geometry"]["coordinates"]
    expected = geo.wgs84_to_gcj02(114.1, 32.3)
    assert shifted == pytest.approx([round(expected[0], 5), round(expected[1], 5)])
    assert maps.shift_geojson(fc, "none") == fc
    assert fc["features"][0]["geometry"]["coordinates"] == [114.1, 32.3]  # input untouched


SCHOOLS = pd.DataFrame({"code": ["A", "B"], "lon": [114.10, 114.20], "lat": [32.30, 32.30]})


@pytest.mark.parametrize(
    ("click", "base", "expected"),
    [
        ({"lat": 32.30, "lng": 114.10}, "none", "A"),
        ({"lat": 32.3005, "lng": 114.2003}, "none", "B"),
        ({"lat": 32.35, "lng": 114.15}, "none", None),  # empty map area
        (None, "none", None),
        ({}, "none", None),
    ],
)
def test_school_at_click(click, base, expected):
    assert layout.school_at_click(SCHOOLS, click, base=base) == expected


def test_school_at_click_on_gaode_converts_the_click_back():
    lon, lat = geo.wgs84_to_gcj02(114.2, 32.3)
    assert layout.school_at_click(SCHOOLS, {"lat": lat, "lng": lon}, base="gaode") == "B"
    # the same GCJ-02 click read as WGS-84 lands ~600 m off: outside a tight tolerance
    assert layout.school_at_click(SCHOOLS, {"lat": lat, "lng": lon}, base="none", tolerance_km=0.2) is None


def test_school_card_has_grades_trend_and_projection(district):
    data, _, _ = district
    view = layout.compute_layout(data, band="primary")
    code = view.schools.sort_values("enrolled").iloc[-1]["code"]
    card = layout.school_card(data, view, code)
    assert card["enrolled"] == card["by_grade"]["在校生"].sum() > 0
    assert list(card["projection"]["year"]) == list(range(view.base_year, view.base_year + 6))
    assert len(card["history"]) >= 2
    with pytest.raises(KeyError):
        layout.school_card(data, view, "nope")


def test_a_scenario_map_crosses_out_the_schools_it_closes(district):
    """A closed school stays on the scenario map, hollow and crossed out, named in its tooltip."""
    from lib.layout import planning

    data, shapes, county = district
    code = data.schools[data.schools.level == "小学"].code.iloc[0]
    name = data.schools.set_index("code").loc[code, "name"]
    changes = [{"op": "close", "code": code}]
    gone = planning.closed_schools(data, changes, band="primary")
    assert gone["code"].tolist() == [code] and gone["enrolled"].iloc[0] >= 0
    assert planning.closed_schools(data, changes, band="junior").empty  # not a junior school
    effect = planning.evaluate(data, changes, band="primary")
    m = maps.build_layout_map(
        shapes, county=county, closed=gone, **planning.map_inputs(effect, band="primary", km=2.5)
    )
    tips = [p["tip"] for p in _points(m) if "edu-closed" in p["html"]]
    assert len(tips) == 1 and name in tips[0] and tips[0].startswith("已撤并")


def _points(m):
    out = []
    for group in m._children.values():
        for child in getattr(group, "_children", {}).values():
            if isinstance(child, maps.PointLayer) and child.kind == "school":
                out += child.points
    return out
