"""Plotly figures with one look: the house palette, Chinese labels, scope and date in the title."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.present.cards import AMBER, GREEN, RED  # the palette's one home

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, title: str, *, height: int = 340) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white",
        hovermode="x unified",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#eeeeee", rangemode="tozero")
    return fig


def plot_case_trend(trend: pd.DataFrame, *, title: str) -> go.Figure:
    """Open suspected and confirmed dropout cases at the end of each week of the term.

    ``trend`` has columns ``day``, ``status``, ``cases`` (from lib.overview.queries.cases_on_days).
    """
    wide = trend.pivot_table(index="day", columns="status", values="cases", aggfunc="sum", fill_value=0)
    x = [f"{d.month}月{d.day}日" for d in wide.index]
    fig = go.Figure()
    for status, colour in (("辍学", RED), ("疑似辍学", AMBER)):
        y = wide[status] if status in wide else [0] * len(wide)
        fig.add_bar(x=x, y=y, name=f"{status}(未结)", marker_color=colour)
    returned = wide["已返校"] if "已返校" in wide else pd.Series(0, index=wide.index)
    # returns in each week (the cumulative count would dwarf the open cases)
    weekly_returns = returned.diff().fillna(0).clip(lower=0)
    fig.add_scatter(x=x, y=weekly_returns, name="当周返校", mode="lines+markers", line={"color": GREEN})
    fig.update_layout(barmode="stack")
    return _layout(fig, title)
