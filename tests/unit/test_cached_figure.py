"""A figure is built once for the same inputs and language (lib.ui.cached_figure), and again as
soon as what it shows changes: the content of its frames, a keyword, the language, or the
``inputs`` that stand for its arguments."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st

from lib import ui

BUILT: list[str] = []


def _bars(frame: pd.DataFrame, *, title: str) -> go.Figure:
    BUILT.append(title)
    return go.Figure(go.Bar(x=frame["x"], y=frame["y"], name="全区"), layout={"title": {"text": title}})


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    st.cache_resource.clear()
    BUILT.clear()
    monkeypatch.setattr(ui, "lang", lambda: "zh")


def test_the_same_content_is_built_once_and_other_content_again():
    a = pd.DataFrame({"x": ["甲", "乙"], "y": [1, 2]})
    first = ui.cached_figure(_bars, a, title="T")
    assert ui.cached_figure(_bars, a.copy(), title="T") is first  # an equal frame, not the same object
    assert BUILT == ["T"]
    changed = a.assign(y=[1, 3])
    again = ui.cached_figure(_bars, changed, title="T")
    assert list(again.data[0].y) == [1, 3]
    assert ui.cached_figure(_bars, a, title="T2").layout.title.text == "T2"
    assert BUILT == ["T", "T", "T2"]


def test_another_language_builds_its_own(monkeypatch):
    a = pd.DataFrame({"x": ["甲"], "y": [1]})
    zh = ui.cached_figure(_bars, a, title="件数")
    monkeypatch.setattr(ui, "lang", lambda: "en")
    en = ui.cached_figure(_bars, a, title="件数")
    assert en is not zh
    assert zh.data[0].name == "全区"
    assert en.data[0].name == "Whole district"  # translated when built, in the reader's language
    assert len(BUILT) == 2


def test_inputs_stand_for_the_arguments():
    a = pd.DataFrame({"x": ["甲"], "y": [1]})
    b = pd.DataFrame({"x": ["甲"], "y": [5]})
    first = ui.cached_figure(_bars, a, inputs=("v1", "全区"), title="T")
    assert ui.cached_figure(_bars, b, inputs=("v1", "全区"), title="T") is first  # inputs decide
    moved = ui.cached_figure(_bars, b, inputs=("v2", "全区"), title="T")  # the data version moved
    assert list(moved.data[0].y) == [5]
    assert len(BUILT) == 2
