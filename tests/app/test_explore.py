"""AppTest of 自由探索: profile, pivot and chart, map; personal columns masked; nothing stored."""

from __future__ import annotations

from unittest.mock import patch

import pandas as pd
import pytest
from streamlit import config as st_config

from tests.fixtures.ingest.samples import csv_bytes, store_rows, table_digest, valid_id, xlsx_bytes

from .conftest import open_page

A, B = valid_id(seq=1), valid_id(seq=2, male=False)


@pytest.fixture(autouse=True)
def _allow_unpicklable_widget_callbacks():
    """AppTest keeps widget callbacks (format_func lambdas) in its own session-state entry,
    which runner.enforceSerializableSessionState refuses to pickle; the real app does not."""
    old = st_config.get_option("runner.enforceSerializableSessionState")
    st_config.set_option("runner.enforceSerializableSessionState", False)
    yield
    st_config.set_option("runner.enforceSerializableSessionState", old)


def _frame(db) -> pd.DataFrame:
    towns = store_rows(db, "SELECT name FROM townships ORDER BY code LIMIT 3")["name"].tolist()
    return pd.DataFrame(
        {
            "姓名": ["张三丰", "李四", "王五", "赵六"],
            "身份证号": [A, B, A, B],
            "手机": ["13812345678", "13912345678", "13712345678", "13612345678"],
            "乡镇": [towns[0], towns[0], towns[1], towns[2]],
            "补助": ["1,000", "500", "800", "1.2万"],
            "经度": ["114.10", "114.12", "114.05", "114.2"],
            "纬度": ["32.20", "32.21", "32.15", "32.3"],
        }
    )


def _open(data: bytes, name: str = "名单.csv"):
    at = open_page("explore")
    with patch("streamlit_folium.st_folium") as folium:
        at.file_uploader(key="exp_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at, folium


def test_a_file_is_profiled_pivoted_charted_and_mapped_without_personal_data(demo_db):
    frame = _frame(demo_db)
    at, folium = _open(csv_bytes(frame, encoding="gbk", titles=("资助名单",)))
    shown = "\n".join(df.value.to_csv() for df in at.dataframe)
    for secret in (A, B, "13812345678", "张三丰"):
        assert secret not in shown
    profile = at.dataframe[0].value
    assert profile["列"].tolist() == list(frame.columns)
    assert len(at.get("plotly_chart")) == 1
    assert folium.call_count == 1  # the map (aggregated points) was drawn
    assert any("未保存" in c.value for c in at.caption)


def test_pivot_controls_and_township_map(demo_db):
    frame = _frame(demo_db).drop(columns=["经度", "纬度"])
    at, _ = _open(csv_bytes(frame))
    at.multiselect(key="exp_by").set_value(["乡镇"])
    at.selectbox(key="exp_agg").set_value("sum")
    with patch("streamlit_folium.st_folium") as folium:
        at.run()
        at.selectbox(key="exp_measure").set_value("补助").run()
    assert not at.exception, at.exception
    table = at.dataframe[1].value
    assert table["合计"].sum() == 1000 + 500 + 800 + 12000
    assert folium.call_count >= 1  # township choropleth from the names


def test_nothing_is_stored_and_the_file_can_go_to_import(fresh_db):
    before = table_digest(fresh_db)
    data = xlsx_bytes(_frame(fresh_db), titles=("标题", "副标题"))
    at, _ = _open(data, "名单.xlsx")
    assert table_digest(fresh_db) == before
    with patch("streamlit_folium.st_folium"):
        at.button(key="exp_to_import").click().run()
    assert not at.exception, at.exception
    assert any("来自“自由探索”的文件" in c.value for c in at.caption)


def test_an_unreadable_file_is_refused(demo_db):
    at, _ = _open(b"\x00\x01\x02binary")
    assert any("不是 CSV 或 XLSX" in e.value for e in at.error)
