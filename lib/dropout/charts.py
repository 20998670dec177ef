"""控辍保学 figures in the house look (lib.present.charts palette and layout; pure plotly)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.dropout import monitor as dropout_monitor
from lib.present import charts
from lib.present.cards import AMBER, BLUE, GREEN, GREY, RED


def plot_weekly_trend(trend: pd.DataFrame, *, title: str) -> go.Figure:
    """This term week by week: new suspected, confirmed, returned (bars) and still open (line)."""
    x = [charts.day_label(d) for d in trend["week_start"]]  # the Monday of each ISO week
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
    fig.update_xaxes(type="category")
    return charts.style(fig, title, height=420)


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
    return charts.style(fig, title, height=380)


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
        showlegend=False,
        hovertemplate="%{y}: %{x:.1%}<extra></extra>" if pct else "%{y}: %{x:.2f}<extra></extra>",
    )
    shown = (lambda v: f"{v * 100:.1f}%") if pct else (lambda v: f"{v:.2f}")
    charts.bar_labels(fig, list(df["name"]), [shown(v) for v in df[measure]])
    for value, label, colour, dash in ((county, "全区", BLUE, "solid"), (target, "目标", RED, "dash")):
        if value is not None and not pd.isna(value):
            charts.reference_line(fig, value, f"{label} {shown(value)}", colour=colour, dash=dash)
    fig.update_layout(hovermode="closest")
    if pct:
        fig.update_xaxes(tickformat=".0%")
    return charts.style(fig, title, height=max(320, 22 * len(df) + 90))
