"""控辍保学 figures in the house look (lib.present.charts palette and layout; pure plotly)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.dropout import monitor as dropout_monitor
from lib.present import charts
from lib.present.cards import AMBER, BLUE, GREEN, GREY, RED


def plot_weekly_trend(trend: pd.DataFrame, *, title: str) -> go.Figure:
    """This term week by week: new suspected, confirmed, returned (bars) and still open (line)."""
    x = [f"{d.month}/{d.day}" for d in trend["week_start"]]  # the Monday of each ISO week
    fig = go.Figure()
    for col, colour in (
        ("new_suspected", AMBER),
        ("confirmed", RED),
        ("returned", GREEN),
        ("dismissed", GREY),
    ):
        fig.add_bar(x=x, y=trend[col], name=dropout_monitor.TREND_COLUMNS[col], marker_color=colour)
    fig.add_scatter(
        x=x,
        y=trend["open_end"],
        name=dropout_monitor.TREND_COLUMNS["open_end"],
        mode="lines+markers",
        line={"color": BLUE, "width": 3},
        yaxis="y2",
    )
    fig.update_layout(
        barmode="group",
        xaxis={"title": "周(周一)"},
        yaxis={"title": "本周件数"},
        yaxis2={
            "title": "仍未返校",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
    )
    fig = charts._layout(fig, title, height=420)
    # legend well below the slanted week labels (at half width they would collide)
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.32, "x": 0},
        margin={"l": 10, "r": 10, "t": 50, "b": 20},
    )
    fig.update_xaxes(tickangle=-45)
    return fig


def plot_reasons(reasons: pd.DataFrame, *, title: str) -> go.Figure:
    """Cases of the school year by reason (grouped under the four risks), open vs returned."""
    df = reasons.iloc[::-1]
    # the four named risks by their own names; the other codes as 其他：<code>
    y = [f"其他：{r}" if g == "其他原因" else g for g, r in zip(df["group"], df["reason"], strict=True)]
    fig = go.Figure()
    fig.add_bar(y=y, x=df["open"], name="未返校", orientation="h", marker_color=RED)
    fig.add_bar(y=y, x=df["returned"], name="已返校", orientation="h", marker_color=GREEN)
    fig.add_bar(
        y=y,
        x=df["cases"] - df["open"] - df["returned"],
        name="其他(已巩固等)",
        orientation="h",
        marker_color=GREY,
    )
    fig.update_layout(barmode="stack", hovermode="y unified")
    fig = charts._layout(fig, title, height=380)
    fig.update_layout(hovermode="y unified")
    return fig


def plot_township_bars(
    table: pd.DataFrame, measure: str, *, county: float | None, target: float | None, title: str, pct: bool
) -> go.Figure:
    """Townships compared on ``measure``: horizontal bars sorted by it, the county value and
    the target as reference lines; bars coloured red/amber/green by ``colour`` when given."""
    df = table.dropna(subset=[measure]).sort_values(measure)
    colours = (
        df["colour"].map({"red": RED, "amber": AMBER, "green": GREEN, "grey": GREY}).fillna(BLUE)
        if "colour" in df
        else BLUE
    )
    fig = go.Figure()
    fig.add_bar(
        y=df["name"],
        x=df[measure],
        orientation="h",
        marker_color=colours,
        name="",
        hovertemplate="%{y}: %{x:.1%}<extra></extra>" if pct else "%{y}: %{x:.2f}<extra></extra>",
    )
    for value, label, dash in ((county, "全区", "solid"), (target, "目标", "dash")):
        if value is not None and not pd.isna(value):
            fig.add_vline(
                x=value,
                line_dash=dash,
                line_color=BLUE if dash == "solid" else RED,
                annotation_text=f"{label} {value:.1%}" if pct else f"{label} {value:.2f}",
                annotation_position="top",
            )
    fig = charts._layout(fig, title, height=max(320, 22 * len(df) + 90))
    fig.update_layout(showlegend=False, hovermode="closest")
    if pct:
        fig.update_xaxes(tickformat=".0%")
    return fig
