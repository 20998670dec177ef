"""自由探索: any CSV/XLSX profiled, pivoted, charted and mapped in a minute (pure).

The file is read by the import pipeline (:func:`lib.ingest.read_upload` with no
kind: every column kept under its header) and never stored.  Columns of names, ID
numbers, phone numbers or addresses are found by their headers and by their values
(:func:`detect_personal`: a column of names headed 学生 or 受助人 is one), masked whole,
and every other text cell passes the masking gate (:mod:`lib.core.masking`), exactly as
everywhere else in the app; a map never shows single people: points are aggregated to
a grid when the file has personal columns or many rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import folium
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.core import fmt, ids, masking
from lib.core.i18n import t
from lib.ingest.kinds import clean_header
from lib.ingest.read import ROW
from lib.ingest.types import id_damage, normalise_ids, parse_dates, parse_numbers
from lib.present import charts, maps
from lib.present.cards import BLUE

# ------------------------------------------------------------------ personal columns
_NAME_WORDS = ("姓名", "名字", "监护人", "家长", "户主", "联系人", "经办人", "负责人", "法定代表人", "name")
_ID_WORDS = ("身份证", "证件号", "公民身份", "学籍号", "idcard", "idnumber", "idno")
_PHONE_WORDS = ("电话", "手机", "联系方式", "phone", "mobile", "tel")
_ADDRESS_WORDS = ("住址", "地址", "家庭住址", "address")
_ID_VALUE = re.compile(r"^[GJL]?\d{15}(\d{2}[\dXx])?$|^\d(\.\d+)?[eE]\+?\d+$")
_PHONE_VALUE = re.compile(r"^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$")
_NAME_VALUE = re.compile(r"^[\u4e00-\u9fff·•]{2,5}$")


def _share(values: pd.Series, pattern: re.Pattern[str]) -> float:
    v = values.dropna().astype(str).str.replace(" ", "", regex=False).head(500)
    return float(v.str.match(pattern).mean()) if len(v) else 0.0


def detect_personal(frame: pd.DataFrame) -> dict[str, str]:
    """Columns that hold personal data, with how to mask each: ``id``, ``name``, ``phone``
    or ``address``.  Judged by the header and by the values (whatever the header: a column
    of names headed 学生 is a names column, :func:`lib.core.masking.column_kind`)."""
    out: dict[str, str] = {}
    for col in frame.columns:
        if col == ROW:
            continue
        h = clean_header(col)
        values = frame[col]
        if any(w in h for w in _ID_WORDS) or _share(values, _ID_VALUE) >= 0.6:
            out[col] = "id"
        elif any(w in h for w in _PHONE_WORDS) or _share(values, _PHONE_VALUE) >= 0.6:
            out[col] = "phone"
        elif any(w in h for w in _ADDRESS_WORDS):
            out[col] = "address"
        elif any(w in h for w in _NAME_WORDS) or (
            "名" in h
            and _share(values, _NAME_VALUE) >= 0.6
            and not any(w in h for w in ("学校", "村", "乡", "镇", "单位"))
        ):
            out[col] = "name"
        elif kind := masking.column_kind(values.astype("object"), col):
            out[col] = kind
    return out


def _mask_address(value: Any) -> Any:
    return masking.mask_address(str(value))


def mask_columns(frame: pd.DataFrame, personal: dict[str, str]) -> pd.DataFrame:
    """A copy with the personal columns masked whole and every other text cell through the
    masking gate (a name, ID or phone in a remark is masked too), server-side, before display."""
    maskers = {"id": ids.mask_id, "name": ids.mask_name, "phone": ids.mask_phone, "address": _mask_address}
    out = frame.copy()
    names: list[str] = []
    for col, how in personal.items():
        if col in out:
            if how == "name":
                names += [
                    v
                    for v in out[col].dropna().astype(str).unique()
                    if masking.looks_like_name(v, loose=True)
                ]
            out[col] = out[col].astype("object").map(maskers[how], na_action="ignore")
    return masking.mask_table(out, keep=[c for c in personal if c in out], known=names)


# ------------------------------------------------------------------ column types and profile
TYPE_LABELS = {
    "number": "数字",
    "date": "日期",
    "bool": "是/否",
    "code": "代码",
    "text": "文本",
    "empty": "空列",
    "id": "身份证号(已脱敏)",
    "name": "姓名(已脱敏)",
    "phone": "电话(已脱敏)",
    "address": "地址(已脱敏)",
    "lon": "经度",
    "lat": "纬度",
}
_BOOL_WORDS = {"是", "否", "有", "无", "y", "n", "yes", "no", "true", "false", "√", "×"}


def infer_type(values: pd.Series, header: str = "") -> str:
    """What a column holds: number, date, bool, code (digits with a fixed width), text or empty."""
    v = values.dropna()
    if v.empty:
        return "empty"
    sample = v.head(2000)
    s = sample.astype("string")
    if s.str.lower().isin(list(_BOOL_WORDS)).mean() >= 0.9:
        return "bool"
    digits = s.str.fullmatch(r"\d+").fillna(False).astype(bool)
    if digits.mean() >= 0.9 and s[digits].str.len().nunique() == 1 and s[digits].str.len().iloc[0] >= 6:
        return "code"
    _, bad_num = parse_numbers(sample)
    if bad_num.mean() <= 0.05:
        h = clean_header(header)
        num = parse_numbers(sample)[0]
        if any(w in h for w in ("经度", "lon", "lng")) and num.between(73, 136).mean() > 0.9:
            return "lon"
        if any(w in h for w in ("纬度", "lat")) and num.between(3, 54).mean() > 0.9:
            return "lat"
        return "number"
    dates, bad_date = parse_dates(sample)
    if bad_date.mean() <= 0.05 and dates.notna().any():
        return "date"
    return "text"


def column_types(frame: pd.DataFrame, personal: dict[str, str]) -> dict[str, str]:
    return {c: personal.get(c) or infer_type(frame[c], c) for c in frame.columns if c != ROW}


def profile(frame: pd.DataFrame, personal: dict[str, str]) -> pd.DataFrame:
    """One row per column: type, missing, distinct values, examples (masked), range for numbers/dates."""
    masked = mask_columns(frame, personal)
    types = column_types(frame, personal)
    n = len(frame)
    rows = []
    for col, typ in types.items():
        v = frame[col]
        missing = int(v.isna().sum())
        examples = masked[col].dropna().astype(str).drop_duplicates().head(3).tolist()
        rng = ""
        if typ in ("number", "lon", "lat"):
            num = parse_numbers(v)[0]
            if num.notna().any():
                rng = f"{num.min():,.6g} ~ {num.max():,.6g}"
        elif typ == "date":
            d = parse_dates(v)[0]
            if d.notna().any():
                rng = f"{d.min():%Y-%m-%d} ~ {d.max():%Y-%m-%d}"
        rows.append(
            {
                "列": col,
                "类型": TYPE_LABELS[typ],
                "缺失": missing,
                "缺失率": missing / n if n else None,
                "不同值": int(v.nunique(dropna=True)),
                "示例": "、".join(examples),
                "范围": rng,
                "问题": id_problems(v) if typ == "id" else "",
            }
        )
    return pd.DataFrame(rows, columns=["列", "类型", "缺失", "缺失率", "不同值", "示例", "范围", "问题"])


#: How an ID number is unusable, in words (lib.ingest.types.id_damage's reasons).
_ID_DAMAGE_WORDS = {
    "scientific": "被 Excel 改成科学计数法",
    "excel_zeros": "末三位被 Excel 改成 000",
    "checksum": "校验位错误",
    "format": "格式错误",
}


def id_problems(values: pd.Series) -> str:
    """What is wrong with an ID-number column, counted (never a value): ``3 个被 Excel 改成科学
    计数法；1 个校验位错误``; "" when every written ID is valid.  Damaged IDs cannot be
    repaired: the file must be exported again with the column as text."""
    damage = id_damage(normalise_ids(values)).value_counts()
    parts = [f"{int(damage[k]):,} 个{w}" for k, w in _ID_DAMAGE_WORDS.items() if k in damage]
    return "；".join(parts)


# ------------------------------------------------------------------ pivot
AGGREGATES = {
    "count": "行数",
    "sum": "合计",
    "mean": "平均",
    "median": "中位数",
    "min": "最小",
    "max": "最大",
    "nunique": "不同值个数",
}


def pivot(
    frame: pd.DataFrame,
    by: list[str],
    *,
    measure: str | None = None,
    agg: str = "count",
    personal: dict[str, str] | None = None,
    top: int = 50,
) -> pd.DataFrame:
    """Group by one or two columns and aggregate a measure (``count`` needs none).

    Returns a long table: the group columns (masked when personal, blanks as
    “(空)”), then ``value``; sorted by value, at most ``top`` groups of the first
    column (the rest summed into “其他”).
    """
    if not by:
        raise ValueError("至少选择一个分组列")
    if agg not in AGGREGATES:
        raise ValueError(f"agg must be one of {list(AGGREGATES)}")
    df = mask_columns(
        frame[[*by, *([measure] if measure else [])]], {c: h for c, h in (personal or {}).items() if c in by}
    )
    for c in by:
        df[c] = df[c].astype("object").where(df[c].notna(), "(空)").astype(str)
    if agg == "count":
        out = df.groupby(by, sort=False).size().rename("value").reset_index()
    elif agg == "nunique":
        out = df.groupby(by, sort=False)[measure].nunique().rename("value").reset_index()
    else:
        if measure is None:
            raise ValueError("该汇总方式需要选择一个数值列")
        df["_v"] = parse_numbers(df[measure])[0]
        out = df.groupby(by, sort=False)["_v"].agg(agg).rename("value").reset_index()
    first = by[0]
    totals = out.groupby(first)["value"].sum().sort_index().sort_values(ascending=False, kind="stable")
    if len(totals) > top:
        keep = set(totals.index[:top])
        rest = out[~out[first].isin(keep)]
        other = (
            rest.groupby(by[1:], as_index=False)["value"].sum()
            if len(by) > 1
            else pd.DataFrame({"value": [rest["value"].sum()]})
        )
        other[first] = "其他"
        out = pd.concat([out[out[first].isin(keep)], other[out.columns]], ignore_index=True)
        totals = totals[totals.index.isin(keep)]
    order = {k: i for i, k in enumerate(totals.index)}  # "其他" (not in it) goes last
    return out.sort_values([first], key=lambda s: s.map(order).fillna(len(order)), kind="stable").reset_index(
        drop=True
    )


def pivot_title(by: list[str], measure: str | None, agg: str, *, lang: str = "zh") -> str:
    """行数，按乡镇 / 补助的合计，按乡镇、年级 (the file's column names as they are)."""
    what = (
        t("行数", lang)
        if agg == "count"
        else t("exp_of", lang).format(measure=measure, agg=t(AGGREGATES[agg], lang))
    )
    return t("exp_by_title", lang).format(what=what, by=t("list_sep", lang).join(by))


def plot_pivot(table: pd.DataFrame, by: list[str], *, title: str, date_like: bool = False) -> go.Figure:
    """The automatic chart: one group -> horizontal bars sorted by value (a line when the
    group is a date); two groups -> stacked bars, or a heatmap when the second has many values."""
    fig = go.Figure()
    first = by[0]
    if len(by) == 1:
        if date_like:
            t = table.sort_values(first)
            fig.add_scatter(x=t[first], y=t["value"], mode="lines+markers", line={"color": BLUE})
        else:
            t = table.iloc[::-1]
            fig.add_bar(y=t[first], x=t["value"], orientation="h", marker_color=BLUE)
        height = max(320, min(900, 24 * len(table) + 90)) if not date_like else 360
    else:
        second = by[1]
        wide = table.pivot_table(
            index=first, columns=second, values="value", aggfunc="sum", fill_value=0, sort=False
        )
        if wide.shape[1] > 8:
            fig.add_heatmap(
                z=wide.to_numpy(),
                x=[str(c) for c in wide.columns],
                y=[str(i) for i in wide.index],
                colorscale="Blues",
            )
        else:
            for col in wide.columns:
                fig.add_bar(
                    y=[str(i) for i in wide.index][::-1],
                    x=wide[col].to_numpy()[::-1],
                    orientation="h",
                    name=str(col),
                )
            fig.update_layout(barmode="stack")
        height = max(340, min(900, 26 * wide.shape[0] + 110))
    return charts.style(fig, title, height=height)


# ------------------------------------------------------------------ maps
@dataclass(frozen=True)
class Geo:
    """How a file can be mapped: by coordinates or by township/village codes or names."""

    how: str  # "points" | "townships" | "villages" | "none"
    columns: tuple[str, ...] = ()
    swapped: bool = False


def detect_geo(
    frame: pd.DataFrame,
    types: dict[str, str],
    *,
    township_codes: set[str],
    township_names: dict[str, str],
    village_codes: dict[str, str],
) -> Geo:
    """Longitude/latitude columns (swapped ones recognised), else a column of township or
    village codes (or township names) of the county."""
    lon = next((c for c, t in types.items() if t == "lon"), None)
    lat = next((c for c, t in types.items() if t == "lat"), None)
    if lon and lat:
        lo = parse_numbers(frame[lon])[0]
        swapped = bool(lo.between(3, 54).mean() > 0.9)
        return Geo("points", (lon, lat), swapped)
    for col, typ in types.items():
        v = frame[col].dropna().astype(str).head(500)
        if v.empty:
            continue
        if typ == "code" and v.isin(village_codes).mean() >= 0.8:
            return Geo("villages", (col,))
        if typ == "code" and v.isin(township_codes).mean() >= 0.8:
            return Geo("townships", (col,))
        if typ == "text" and v.isin(set(township_names)).mean() >= 0.8:
            return Geo("townships", (col,))
    return Geo("none")


def township_counts(
    frame: pd.DataFrame, geo: Geo, *, township_names: dict[str, str], village_codes: dict[str, str]
) -> dict[str, float]:
    """Rows per township code (villages rolled up to their township)."""
    col = frame[geo.columns[0]].dropna().astype(str)
    if geo.how == "villages":
        codes = col.map(village_codes)
    else:
        codes = col.map(lambda v: township_names.get(v, v))
    return {k: float(v) for k, v in codes.dropna().value_counts().items()}


def grid_points(frame: pd.DataFrame, geo: Geo, *, cell_deg: float = 0.01) -> pd.DataFrame:
    """Points aggregated to grid cells (about 1 km): lon, lat (cell centre) and rows."""
    lon = parse_numbers(frame[geo.columns[0]])[0]
    lat = parse_numbers(frame[geo.columns[1]])[0]
    if geo.swapped:
        lon, lat = lat, lon
    ok = lon.between(73, 136) & lat.between(3, 54)
    gx = (np.floor(lon[ok] / cell_deg) + 0.5) * cell_deg
    gy = (np.floor(lat[ok] / cell_deg) + 0.5) * cell_deg
    cells = pd.DataFrame({"lon": gx.round(5), "lat": gy.round(5)})
    return cells.groupby(["lon", "lat"], as_index=False).size().rename(columns={"size": "rows"})


def point_map(cells: pd.DataFrame, *, title: str, boundary: dict | None = None) -> folium.Map:
    """Aggregated points as one GeoJson layer of circles sized by rows (never one marker per person)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(r.lon), float(r.lat)]},
            "properties": {"rows": int(r.rows), "label": f"{int(r.rows):,} 行"},
        }
        for r in cells.itertuples()
    ]
    data = {"type": "FeatureCollection", "features": features}
    bounds = maps.geojson_bounds(data, boundary) if features or boundary else [[31.5, 113.5], [32.5, 114.5]]
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = maps.offline_map(location=centre, zoom_start=10, attribution="位置按约 1 公里网格汇总")
    if boundary is not None:
        folium.GeoJson(
            boundary,
            name="边界",
            style_function=lambda _: {"color": maps.OUTLINE, "weight": 1.5, "fillOpacity": 0},
        ).add_to(m)
    folium.GeoJson(
        data,
        name=title,
        marker=folium.CircleMarker(
            radius=6, fill=True, fill_opacity=0.7, weight=1, color="#08519c", fill_color="#3182bd"
        ),
        # radius grows with the log of the rows: one row 5 px, a thousand about 24 px
        style_function=lambda f: {"radius": 3 + min(21.0, 2.1 * math.log2(1 + f["properties"]["rows"]))},
        tooltip=folium.GeoJsonTooltip(fields=["label"], aliases=[title]),
    ).add_to(m)
    m.fit_bounds(bounds)
    return m


def map_caption(geo: Geo, *, rows: int, mapped: int, lang: str = "zh") -> str:
    n = {"mapped": fmt.fmt_count(mapped, lang=lang), "rows": fmt.fmt_count(rows, lang=lang)}
    if geo.how == "points":
        note = t("exp_swapped", lang) if geo.swapped else ""
        return t("exp_grid", lang).format(**n) + note
    key = "exp_by_villages" if geo.how == "villages" else "exp_by_townships"
    return t(key, lang).format(**n)
