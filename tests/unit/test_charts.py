"""lib.present.charts: one style, readable sizes per medium, reference lines labelled off the plot."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from lib.aid import view as aid_view
from lib.dropout import charts as dropout_charts
from lib.present import charts

TOWNS = pd.DataFrame(
    {
        "name": [f"第{i}镇" for i in range(30)],
        "rate": [0.80 + i * 0.007 for i in range(30)],
    }
)


def _bars(n: int = 30) -> go.Figure:
    fig = go.Figure(go.Bar(y=TOWNS["name"][:n], x=TOWNS["rate"][:n], orientation="h"))
    return fig


@pytest.mark.parametrize("medium", list(charts.SIZES))
def test_every_medium_sets_its_type_sizes_and_room_for_the_axes(medium):
    fig = charts.style(
        go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a")), "标题 · 全区 · 截至2026年11月20日"
    )
    fig = charts.restyle(fig, medium=medium)
    sizes = charts.SIZES[medium]
    assert fig.layout.xaxis.tickfont.size == sizes["tick"] and fig.layout.yaxis.tickfont.size == sizes["tick"]
    assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin  # labels are never cut
    assert fig.layout.title.font.size == sizes["title"] and fig.layout.legend.font.size == sizes["legend"]


def test_slide_axis_text_is_at_least_14px():
    assert min(charts.SIZES["slide"][k] for k in ("tick", "label", "legend", "subtitle")) >= 14


def test_thirty_townships_on_a_slide_keep_readable_labels_at_a_fixed_height():
    fig = charts.restyle(charts.style(_bars(), "各乡镇"), medium="slide", height=580)
    assert fig.layout.height == 580
    assert fig.layout.yaxis.tickfont.size >= charts.SLIDE_MIN_TICK
    assert fig.layout.yaxis.dtick == 1  # every township named


def test_on_screen_a_long_bar_chart_grows_instead_of_shrinking_its_labels():
    fig = charts.style(_bars(), "各乡镇", height=300)
    assert fig.layout.height > 300 and fig.layout.yaxis.tickfont.size == charts.SIZES["screen"]["tick"]


def test_title_splits_what_from_for_whom_and_when():
    fig = charts.style(go.Figure(), "各乡镇巩固率 · 平桥区全区 · 截至2026年11月20日")
    assert fig.layout.title.text == "各乡镇巩固率"
    assert fig.layout.title.subtitle.text == "平桥区全区 · 截至2026年11月20日"
    slide = charts.restyle(fig, medium="slide", subtitle=False)
    assert slide.layout.title.text == "各乡镇巩固率" and not slide.layout.title.subtitle.text
    assert fig.layout.title.subtitle.text  # restyle works on a copy


def test_reference_lines_are_labelled_in_the_legend_never_on_the_plot():
    fig = _bars(5)
    charts.reference_line(fig, 0.96, "全区 96.0%")
    charts.reference_line(fig, 0.97, "目标 97.0%", dash="dash")
    charts.reference_line(fig, None, "没有值")
    charts.style(fig, "t")
    assert charts.reference_labels(fig) == ["全区 96.0%", "目标 97.0%"]
    assert len(fig.layout.shapes) == 2 and not fig.layout.annotations  # two lines, no text on the plot
    assert fig.layout.legend.yref == "container"  # the legend has its own row above the plot


def test_legend_row_is_reserved_above_the_plot():
    bare = charts.style(go.Figure(go.Bar(x=["a"], y=[1], showlegend=False)), "t")
    legend = charts.style(
        go.Figure([go.Bar(x=["a"], y=[1], name="甲"), go.Bar(x=["a"], y=[2], name="乙")]), "t"
    )
    assert legend.layout.margin.t > bare.layout.margin.t


def test_township_bars_name_their_value_on_the_axis_and_keep_the_data():
    table = TOWNS.head(4).assign(colour=["red", "amber", "green", "green"])
    fig = dropout_charts.plot_township_bars(
        table, "rate", county=0.81, target=0.82, title="巩固率 · 全区", pct=True
    )
    bars = fig.data[0]
    assert list(bars.y) == table.sort_values("rate")["name"].tolist()  # the data stays the names
    assert fig.layout.yaxis.ticktext[0] == "第0镇  80.0%"
    assert charts.reference_labels(fig) == ["全区 81.0%", "目标 82.0%"]
    assert not fig.layout.annotations


def test_aid_rate_bars_carry_no_text_where_the_target_line_runs():
    table = pd.DataFrame({"name": ["甲", "乙"], "r": [0.95, 0.99]})
    fig = aid_view.plot_township_rate(table, measure="aid_coverage", rate="r", title="覆盖率", county=0.97)
    assert fig.data[0].text is None  # the values are on the axis (ticktext)
    assert list(fig.layout.yaxis.ticktext) == ["乙  99.0%", "甲  95.0%"]
    assert any(label.startswith("目标") for label in charts.reference_labels(fig))


def test_day_labels_are_chinese():
    assert charts.day_label(pd.Timestamp("2026-09-04")) == "9月4日"
