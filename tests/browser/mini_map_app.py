"""A one-map Streamlit script for the offline-map browser test (not part of the app).

Three fake square "townships" west to east: red (needs action), amber (watch)
and grey (no data), inside a county outline.  The test runs a copy of this file
beside a link to the repo's ``static/`` (see ``conftest.streamlit_server``).
"""

import streamlit as st
from streamlit_folium import st_folium

from lib.present import maps


def _square(lon: float, lat: float, code: str, name: str, size: float = 0.1) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


townships = {
    "type": "FeatureCollection",
    "features": [
        _square(114.00, 32.10, "411503001", "甲镇"),
        _square(114.10, 32.10, "411503002", "乙镇"),
        _square(114.20, 32.10, "411503003", "丙镇"),
    ],
}
county = _square(114.00, 32.10, "411503", "平桥区", size=0.3)
county["geometry"]["coordinates"][0] = [
    [114.0, 32.1],
    [114.3, 32.1],
    [114.3, 32.2],
    [114.0, 32.2],
    [114.0, 32.1],
]
rule = {"red": 0.96, "green": 0.97, "higher_is_better": True}

st.title("离线地图测试")
m = maps.build_choropleth(
    townships,
    {"411503001": 0.95, "411503002": 0.965, "411503003": None},
    title="九年义务教育巩固率（2026年11月20日）",
    boundary=county,
    **maps.target_scale(rule),
)
st_folium(m, key="m", returned_objects=[], height=400, use_container_width=True)
st.caption("map-rendered")
