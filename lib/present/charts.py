"""Plotly figures with one look: the house palette, Chinese labels, scope and date in the title,
and type that stays readable where the chart is seen (a laptop, a projector, A4).

Every chart of the app goes through :func:`style` last: it sets the fonts of the chart's
*medium* (:data:`SIZES`; on a slide no axis text is under 14 px), splits the title into
what the chart shows and a smaller line for whom and as of when, puts the legend in its own
row under the title, and lets the axes take the room their labels need (``automargin``), so
nothing is cut at any width.  Reference lines (the county value, a target) are drawn with
:func:`reference_line`: the line on the plot, its label in the legend row, so a label can
never cover a bar or another label.  :func:`restyle` turns a page's figure into a slide's or
a printed briefing's.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from lib.present.cards import AMBER, BLUE, GREEN, RED  # the palette's one home

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

#: Type sizes in pixels by medium: ``tick`` axis labels, ``label`` text on the plot (values),
#: ``legend``, ``title`` and ``subtitle`` (for whom, as of when).  A projector at the back of a
#: meeting room needs 14 px at the very least; A4 is read at arm's length.
SIZES: dict[str, dict[str, int]] = {
    "screen": {"base": 13, "tick": 12, "label": 12, "legend": 12, "title": 16, "subtitle": 12},
    "slide": {"base": 17, "tick": 16, "label": 16, "legend": 16, "title": 22, "subtitle": 16},
    "print": {"base": 12, "tick": 12, "label": 12, "legend": 12, "title": 15, "subtitle": 12},
}
#: Width a chart is usually drawn at, by medium (px): to estimate how many rows its legend takes.
WIDTHS: dict[str, int] = {"screen": 620, "slide": 590, "print": 560}
#: Smallest axis text a slide may carry (px).
SLIDE_MIN_TICK = 14
#: ``meta`` of the legend entries that label reference lines.
REFERENCE = "edu-reference"
#: Separator between what a chart shows and for whom / as of when, in a title.
TITLE_SEP = " · "
_META = "edu"


def _title_parts(title: str) -> tuple[str, str]:
    main, _, rest = title.partition(TITLE_SEP)
    return main, rest


def _text_px(text: str, size: int) -> float:
    """Rough width of ``text`` in pixels: a CJK character is 1 em, other characters about 0.6."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def _legend_rows(fig: go.Figure, size: int, width: int) -> int:
    names = [str(t.name) for t in fig.data if t.name and t.showlegend is not False]
    if not names or fig.layout.showlegend is False:
        return 0
    used = sum(_text_px(n, size) + 2.6 * size + 10 for n in names)  # symbol, gap, text
    return max(1, math.ceil(used / max(width - 20, 100)))


def _category_count(fig: go.Figure) -> int:
    """Categories on the y axis of a horizontal bar chart (0 when there is none)."""
    n = 0
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" and trace.type == "bar" and trace.y is not None:
            n = max(n, len(trace.y))
    return n


def style(
    fig: go.Figure,
    title: str | None = None,
    *,
    height: int | None = None,
    medium: str = "screen",
    fixed_height: bool = False,
    width: int | None = None,
    subtitle: bool = True,
) -> go.Figure:
    """The house look, applied last (after traces, axes and reference lines).

    Parameters
    ----------
    fig
        The figure (changed in place and returned).
    title
        ``"what · for whom · as of when"``: the part before the first `` · `` is the title,
        the rest a smaller second line.  Default: the title given at the last call.
    height
        Height in pixels (default: the figure's, else 340).  A horizontal bar chart grows so
        that every category keeps a readable label, unless ``fixed_height``.
    medium
        ``screen``, ``slide`` or ``print`` (:data:`SIZES`).
    fixed_height
        Keep ``height`` whatever the number of bars (a slide has one screen): the labels
        then shrink, never below :data:`SLIDE_MIN_TICK` on a slide.
    width
        The width the chart is drawn at, when known (estimates the legend's rows).
    subtitle
        Show the title's second line (for whom, as of when).  A slide leaves it off: its
        header above the chart says it, in larger type.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    sizes = SIZES[medium]
    meta = dict(fig.layout.meta or {}) if isinstance(fig.layout.meta, dict) else {}
    if title is None:
        title = meta.get("title", fig.layout.title.text or "")
    meta["title"] = title
    main, rest = _title_parts(title or "")
    rest = rest if subtitle else ""
    width = width or (int(fig.layout.width) if fig.layout.width else WIDTHS[medium])

    title_h = (sizes["title"] * 1.35 if main else 0) + (sizes["subtitle"] * 1.45 if rest else 0)
    legend_h = _legend_rows(fig, sizes["legend"], width) * sizes["legend"] * 1.75
    top = int(title_h + legend_h + (18 if title_h else 6) + (4 if legend_h else 0))
    height = int(height or fig.layout.height or 340)

    # horizontal bars: one readable label per category
    tick = sizes["tick"]
    bars = _category_count(fig)
    if bars:
        plot_needed = bars * (tick + 4)
        room = height - top - (2.4 * tick + 16)
        if room < plot_needed and not fixed_height:
            height = int(height + plot_needed - room)
            room = plot_needed
        per_bar = room / bars
        floor = SLIDE_MIN_TICK if medium == "slide" else 8
        tick_bars = int(max(floor, min(tick, per_bar * 0.85)))

    fig.update_layout(
        meta={**meta, _META: medium},
        title={
            "text": main,
            "subtitle": {"text": rest, "font": {"size": sizes["subtitle"], "color": "#333333"}},
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 12, "l": 4},  # the em box of CJK type rises above its glyphs
            "font": {"size": sizes["title"]},
        },
        font={"family": FONT, "size": sizes["base"], "color": "#1a1a1a"},
        height=height,
        margin={"l": 8, "r": 16, "t": top, "b": 8, "autoexpand": True},
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - (title_h + 14) / height,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": sizes["legend"]},
            "bgcolor": "rgba(255,255,255,0)",
        },
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"size": max(sizes["base"], 13)}},
        uniformtext={"minsize": sizes["label"] - 2, "mode": "show"},
    )
    # each axis and the traces in one update: plotly checks every property of every update
    axis = {"automargin": True, "title": {"font": {"size": sizes["base"]}}}
    x = {**axis, "tickfont": {"size": tick}, "showgrid": False, "linecolor": "#888888"}
    y = {**axis, "tickfont": {"size": tick}, "gridcolor": "#e6e6e6"}
    if bars:  # the value axis of horizontal bars is x; one label per bar, as large as fits
        x.update(showgrid=True, gridcolor="#e6e6e6")
        y.update(tickfont={"size": tick_bars}, showgrid=False)
        if fig.layout.yaxis.tickvals is None:  # a chart that labels its bars itself keeps its labels
            y.update(tickmode="linear", dtick=1)
    fig.update_xaxes(**x)
    fig.update_yaxes(**y)
    fig.update_traces(textfont={"size": sizes["label"]}, selector=lambda t: t.type in ("bar", "scatter"))
    return fig


def restyle(
    fig: go.Figure, *, medium: str, height: int | None = None, width: int | None = None, subtitle: bool = True
) -> go.Figure:
    """A copy of a styled figure for another medium (a page's chart on a slide or on paper)."""
    out = go.Figure(fig)
    if width:
        out.update_layout(width=width)
    return style(
        out, height=height, medium=medium, fixed_height=height is not None, width=width, subtitle=subtitle
    )


def reference_line(
    fig: go.Figure,
    value: float | None,
    label: str,
    *,
    axis: str = "x",
    colour: str = BLUE,
    dash: str = "solid",
) -> go.Figure:
    """A reference line (the county value, a target) across the plot, labelled in the legend.

    The label never sits on the plot: in a meeting a label over a bar hides the bar, and two
    labels of close values cover each other.  ``axis="x"`` draws a vertical line at ``x=value``
    (horizontal bars), ``"y"`` a horizontal one.  Nothing is drawn for a missing value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return fig
    line = {"color": colour, "dash": dash, "width": 2}
    if axis == "x":
        fig.add_vline(x=value, line=line, layer="above")
    else:
        fig.add_hline(y=value, line=line, layer="above")
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        line=line,
        name=label,
        meta=REFERENCE,
        hoverinfo="skip",
        showlegend=True,
    )
    return fig


def reference_labels(fig: go.Figure) -> list[str]:
    """The labels of a figure's reference lines (tests, and the page's alternative text)."""
    return [str(t.name) for t in fig.data if t.meta == REFERENCE]


def bar_labels(fig: go.Figure, names: list[str], values: list[str]) -> go.Figure:
    """Label each horizontal bar with its name and its value (``胡店乡  81.6%``) on the axis:
    the value can then never cover a bar end or a reference line, at any font size."""
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(names),
        ticktext=[f"{n}  {v}" for n, v in zip(names, values, strict=True)],
    )
    return fig


def day_label(day: Any) -> str:
    """A day on a chart axis within one school year: 9月4日 (the year is in the title)."""
    d = pd.Timestamp(day)
    return f"{d.month}月{d.day}日"


def plot_case_trend(trend: pd.DataFrame, *, title: str, height: int | None = None) -> go.Figure:
    """Open suspected and confirmed dropout cases at the end of each week of the term (``height``:
    the chart's, default the house one).

    ``trend`` has columns ``day``, ``status``, ``cases`` (from lib.overview.queries.cases_on_days).
    """
    wide = trend.pivot_table(index="day", columns="status", values="cases", aggfunc="sum", fill_value=0)
    x = [day_label(d) for d in wide.index]
    fig = go.Figure()
    for status, colour in (("辍学", RED), ("疑似辍学", AMBER)):
        y = wide[status] if status in wide else [0] * len(wide)
        fig.add_bar(x=x, y=y, name=f"{status}(未结)", marker_color=colour)
    returned = wide["已返校"] if "已返校" in wide else pd.Series(0, index=wide.index)
    # returns in each week (the cumulative count would dwarf the open cases)
    weekly_returns = returned.diff().fillna(0).clip(lower=0)
    fig.add_scatter(
        x=x, y=weekly_returns, name="当周返校", mode="lines+markers", line={"color": GREEN, "width": 3}
    )
    fig.update_layout(barmode="stack", hovermode="x unified")
    fig.update_yaxes(rangemode="tozero", title="件数")
    fig.update_xaxes(type="category")
    return style(fig, title, height=height)
