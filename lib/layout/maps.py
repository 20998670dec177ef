"""The layout map as a PNG drawn on the server (matplotlib): a file a 乡镇 head can print or send.

Township outlines, schools coloured by what they hold (red 超容量, amber 大班额, blue 不足100人,
green 正常), closed schools crossed out, new schools as stars, and villages whose children
are out of reach as red circles sized by their children.  Only aggregates: never a child.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely

from lib.layout import coverage as layout
from lib.layout import planning
from lib.present.cards import SCHOOL_STATUS_COLOURS, SCHOOL_STATUS_LABELS

#: Pixel size of the PNG (width, height at 150 dpi).
SIZE_IN = (10.0, 8.0)
DPI = 150


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    """A CJK font the machine has (Noto Sans CJK on Debian), else None (labels may show boxes)."""
    from matplotlib import font_manager  # on first PNG: the page does not pay for matplotlib

    for f in font_manager.fontManager.ttflist:
        if "CJK" in f.name and "Sans" in f.name:
            return f.name
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path or "wqy" in path.lower():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def render_png(
    townships: pd.DataFrame,
    schools: pd.DataFrame,
    villages: pd.DataFrame,
    *,
    title: str,
    note: str,
    county_wkt: str | None = None,
    closed: pd.DataFrame | None = None,
) -> bytes:
    """Draw the map and return PNG bytes.

    Parameters
    ----------
    townships : pandas.DataFrame
        ``code``, ``name``, ``geometry`` (WKT, WGS-84) of the townships shown.
    schools : pandas.DataFrame
        ``lon``, ``lat``, ``status`` (over/large/small/normal) and optionally ``new`` (bool).
    villages : pandas.DataFrame
        ``lon``, ``lat``, ``children``, ``within`` (bool): the out-of-reach ones are drawn.
    title, note : str
        The map's title (what, for whom, when) and a footnote.
    closed : pandas.DataFrame, optional
        ``lon``, ``lat`` of closed schools (crossed out).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # on first PNG: see _cjk_font

    font = _cjk_font()
    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
        try:
            _draw(ax, townships, schools, villages, county_wkt=county_wkt, closed=closed)
            ax.set_title(title, fontsize=13, loc="left")
            fig.text(0.01, 0.01, note, fontsize=8, color="#555555")
            buf = io.BytesIO()
            fig.savefig(buf, format="png", bbox_inches="tight")
        finally:
            plt.close(fig)
    return buf.getvalue()


def _draw(
    ax: Any,
    townships: pd.DataFrame,
    schools: pd.DataFrame,
    villages: pd.DataFrame,
    *,
    county_wkt: str | None,
    closed: pd.DataFrame | None,
) -> None:
    # lon/lat drawn with the aspect of the centre latitude: a planar sketch, not a survey map
    polys = shapely.from_wkt(townships["geometry"].to_numpy()) if len(townships) else []
    for poly, name in zip(polys, townships.get("name", []), strict=False):
        for part in getattr(poly, "geoms", [poly]):
            x, y = part.exterior.xy
            ax.fill(x, y, facecolor="#f4f4f4", edgecolor="#9a9a9a", linewidth=0.6)
        c = poly.representative_point()
        ax.annotate(str(name), (c.x, c.y), fontsize=6, color="#777777", ha="center")
    if county_wkt:
        outline = shapely.from_wkt(county_wkt)
        for part in getattr(outline, "geoms", [outline]):
            x, y = part.exterior.xy
            ax.plot(x, y, color="#333333", linewidth=1.2)
    far = villages[~villages["within"].astype(bool) & (villages["children"] > 0)]
    if len(far):
        size = 8 + 120 * np.sqrt(far["children"].to_numpy(float) / max(float(far["children"].max()), 1.0))
        ax.scatter(
            far["lon"],
            far["lat"],
            s=size,
            facecolors="none",
            edgecolors="#d73027",
            linewidths=1.0,
            label=f"超出就近距离的村(圈大小=儿童数，{len(far)}个)",
            zorder=3,
        )
    new = schools["new"].astype(bool) if "new" in schools else pd.Series(False, index=schools.index)
    for status in ("over", "large", "small", "normal"):
        s = schools[(schools["status"] == status) & ~new]
        if len(s):
            ax.scatter(
                s["lon"],
                s["lat"],
                s=18,
                color=SCHOOL_STATUS_COLOURS[status],
                edgecolors="white",
                linewidths=0.4,
                label=f"{SCHOOL_STATUS_LABELS[status]}({len(s)}所)",
                zorder=4,
            )
    if new.any():
        s = schools[new]
        ax.scatter(
            s["lon"], s["lat"], s=90, marker="*", color="#6a3d9a", label=f"新建学校({len(s)}所)", zorder=5
        )
    if closed is not None and len(closed):
        ax.scatter(
            closed["lon"],
            closed["lat"],
            s=40,
            marker="x",
            color="#000000",
            linewidths=1.4,
            label=f"撤并学校({len(closed)}所)",
            zorder=5,
        )
    lat0 = float(np.nanmean(schools["lat"])) if len(schools) else 32.0
    ax.set_aspect(1 / np.cos(np.radians(lat0)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)


def layout_png(data: layout.LayoutData, view: layout.LayoutView, *, title: str, note: str) -> bytes:
    """The 学校布局 page's map: the Scope's schools of the band and its villages out of reach."""
    schools = view.schools[view.schools["code"].isin(data.in_scope)]
    return render_png(data.townships, schools, view.reach, title=title, note=note, county_wkt=_outline(data))


def plan_png(
    data: layout.LayoutData, effect: planning.Effect, changes: list[dict[str, Any]], *, title: str, note: str
) -> bytes:
    """A scenario's map: its open schools by what they then hold, closures crossed out, new stars."""
    m = planning.map_inputs(effect, band=effect.band, km=1.0)
    schools = m["schools"]
    schools = schools[schools["in_scope"]]
    gone = {str(c.get("code")) for c in changes if c.get("op") in ("close", "merge")}
    closed = data.schools[data.schools["code"].isin(gone)][["lon", "lat"]]
    return render_png(
        data.townships,
        schools,
        effect.reach,
        title=title,
        note=note,
        closed=closed,
        county_wkt=_outline(data),
    )


def _outline(data: layout.LayoutData) -> str | None:
    """The county outline when the whole county is shown (a township's map stays zoomed in)."""
    return data.county_wkt if data.scope.townships is None else None
