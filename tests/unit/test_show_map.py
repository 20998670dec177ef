"""lib.ui.show_map and lib.ui.cached_map: a map built once and shown from a copy sends the
browser exactly what the map built anew and shown by st_folium's defaults sends."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit_folium

from lib import ui
from lib.present import maps

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference" / "xinyang_counties.geojson"


def _counties() -> dict:
    """The real county boundaries of 信阳市 (not the demo's), keyed 0..n."""
    doc = json.loads(REFERENCE.read_text(encoding="utf-8"))
    for i, f in enumerate(doc["features"]):
        f["properties"]["code"] = f"C{i}"
    return doc


def _layout_map() -> object:
    shapes = _counties()
    schools = pd.DataFrame(
        {
            "code": ["S1", "S2"],
            "name": ["甲小学", "乙中学"],
            "level": ["小学", "初中"],
            "lon": [114.05, 115.1],
            "lat": [32.15, 31.9],
            "enrolled": [300, 900],
            "capacity": [400, 800],
            "status": ["normal", "over"],
        }
    )
    villages = pd.DataFrame(
        {
            "code": ["V1"],
            "name": ["张庄村"],
            "lon": [114.1],
            "lat": [32.1],
            "children": [40],
            "road_km": [4.2],
            "within": [False],
            "school_code": ["S1"],
            "school_lon": [114.05],
            "school_lat": [32.15],
        }
    )
    closed = pd.DataFrame(
        {"name": ["丙小学"], "level": ["小学"], "lon": [114.3], "lat": [32.0], "enrolled": [85]}
    )
    values = {f["properties"]["code"]: i / 10 for i, f in enumerate(shapes["features"])}
    return maps.build_layout_map(
        shapes,
        schools=schools,
        villages=villages,
        values=values,
        measure_title="学位缺口",
        ring_km=3.0,
        closed=closed,
    )


def _choropleth() -> object:
    shapes = _counties()
    values = {f["properties"]["code"]: (None if i == 0 else i / 20) for i, f in enumerate(shapes["features"])}
    return maps.build_choropleth(shapes, values, title="巩固率", points=[(32.1, 114.1)])


def _sent(monkeypatch: pytest.MonkeyPatch, m: object, **kw: object) -> dict:
    """The arguments st_folium gives the component for ``m`` (the callback aside: new each call)."""
    got: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **a: got.append(a))
    streamlit_folium.st_folium(m, key="k", returned_objects=[], **kw)
    return {k: v for k, v in got[0].items() if k != "on_change"}


@pytest.mark.parametrize("build", [_layout_map, _choropleth])
def test_without_the_first_render_the_browser_gets_the_same(monkeypatch, build) -> None:
    default = _sent(monkeypatch, build())
    assert ".addTo(" in default["script"] and "<style>" in default["header"]
    assert _sent(monkeypatch, build(), render=False) == default


@pytest.mark.parametrize("build", [_layout_map, _choropleth])
def test_a_copy_of_a_built_map_shows_as_a_new_one_each_time(monkeypatch, build) -> None:
    built = build()
    fresh = _sent(monkeypatch, build())
    shown = [_sent(monkeypatch, copy.deepcopy(built), render=False) for _ in range(3)]
    assert all(s == fresh for s in shown)
    # why the copy: the same object shown again carries its layers twice
    again = [_sent(monkeypatch, built, render=False) for _ in range(2)]
    assert again[1]["script"].count(".addTo(") > fresh["script"].count(".addTo(")


def test_cached_map_builds_once_per_inputs_and_hands_out_copies() -> None:
    ui._map_by_inputs.clear()
    calls: list[int] = []

    def build(n: int) -> dict:
        calls.append(n)
        return {"layers": [n]}

    a = ui.cached_map(build, 1, inputs=("v1", "band"))
    b = ui.cached_map(build, 1, inputs=("v1", "band"))
    assert a == b == {"layers": [1]} and a is not b and calls == [1]
    a["layers"].append(99)  # what one run does to its copy stays there
    assert ui.cached_map(build, 1, inputs=("v1", "band")) == {"layers": [1]}
    assert ui.cached_map(build, 2, inputs=("v2", "band")) == {"layers": [2]} and calls == [1, 2]
