"""lib.ui.mapview.show_map: a map built and rendered once per inputs sends the browser exactly
what the map built anew and shown by st_folium's defaults sends."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit_folium

from lib.present import maps
from lib.ui import mapview

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
def test_a_map_object_shown_twice_carries_its_layers_twice(monkeypatch, build) -> None:
    """Why show_map keeps the component's arguments, not the map: folium's render is not
    idempotent."""
    built = build()
    fresh = _sent(monkeypatch, build())
    again = [_sent(monkeypatch, built, render=False) for _ in range(2)]
    assert again[0] == fresh
    assert again[1]["script"].count(".addTo(") > fresh["script"].count(".addTo(")


def test_a_map_with_inputs_is_built_once_and_the_component_gets_what_st_folium_gives(monkeypatch) -> None:
    """The first show builds the map; later shows with the same inputs build nothing and call the
    component with the very arguments st_folium gives for a map built anew."""
    from functools import partial

    mapview._cached_arguments.clear()
    fresh = _sent(monkeypatch, _layout_map())
    builds: list[int] = []

    def build(n: int) -> object:
        builds.append(n)
        return _layout_map()

    got: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **a: got.append(a) or {"zoom": 9})
    shows = [
        mapview.show_map(partial(build, 1), inputs=("v1", "primary"), key="k", returned_objects=[])
        for _ in range(3)
    ]
    assert builds == [1] and shows == [{"zoom": 9}] * 3
    assert len(got) == 3
    for sent in got:
        callback = sent.pop("on_change")
        assert callable(callback) and sent == fresh
    # other inputs, or other widget arguments: built again
    mapview.show_map(partial(build, 2), inputs=("v2", "primary"), key="k", returned_objects=[])
    mapview.show_map(partial(build, 1), inputs=("v1", "primary"), key="k2", returned_objects=[])
    assert builds == [1, 2, 1]


def test_the_component_is_caught_in_its_own_thread_only(monkeypatch) -> None:
    """While one session's thread catches st_folium's arguments, another session's map is drawn."""
    import threading

    drawn: list[str] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **a: drawn.append(a["key"]))
    catcher = mapview._component()
    mapview._CAUGHT.box = []
    try:
        other = threading.Thread(target=lambda: catcher(key="other session"))
        other.start()
        other.join()
        catcher(key="caught here")
        assert mapview._CAUGHT.box == [{"key": "caught here"}]
    finally:
        mapview._CAUGHT.box = None
    assert drawn == ["other session"]


def test_a_township_map_is_keyed_by_the_values_it_shows(monkeypatch) -> None:
    """While a change is taken in, a page shows its previous figures under the new data version:
    their map must be their own, built from their values, not stored as the new figures' map."""
    from lib import loaders
    from lib.core.scope import Scope

    mapview._cached_arguments.clear()
    shapes = {"townships": _counties()}
    monkeypatch.setattr(loaders, "data_key", lambda: ("store", ("v2",)))
    monkeypatch.setattr(loaders, "load_township_geojson", lambda scope: shapes)
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **a: a["script"])
    built: list[dict] = []

    def build(values: dict, shapes: dict, *, measure: str) -> object:
        built.append(values)
        return maps.build_choropleth(shapes["townships"], values, title=measure)

    scope = Scope()
    codes = [f["properties"]["code"] for f in shapes["townships"]["features"]]
    previous = dict.fromkeys(codes, 0.5)
    current = {**previous, codes[0]: 0.9}
    shown = [
        mapview.show_choropleth(build, v, scope, v, build_kw={"measure": "巩固率"}, key="m")
        for v in (previous, previous, current, previous)
    ]
    assert built == [previous, current]  # each set of values built once
    assert shown[0] == shown[1] == shown[3] != shown[2]
