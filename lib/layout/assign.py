"""Where pupils go when schools close, merge or open: the assignment a parent would accept.

Pupils are counted by school, home village and grade (:func:`project_origins` moves today's
counts to a later year with the cohort projection).  :func:`assign_pupils` applies a
network's changes with these rules, in this order:

1. Pupils of an open school stay, unless a new school is now the nearest school teaching
   their grade from their home village (its catchment): then they go to it.
2. Pupils of a closed school go, from their home village, to the merge target when it
   teaches their grade within the band's reach of home, else to the nearest open school
   teaching their grade within reach (the same reach rule as the coverage figures:
   straight line x detour factor <= the band's threshold).  Room does not stop them; a
   receiving school over its seats is reported, with its name.
3. Where no such school is within reach of home, pupils of ``boarding_min_grade`` (4) and
   up may board at the nearest school teaching their grade with free beds (the merge
   target first), no farther than ``boarding_max_km``; grades 1-3 never board.
4. Everyone else is 无法安置 (unplaced): counted and listed, never spread across the county.

A school teaches a grade when its level teaches the grade's band and the grade is not above
the level's last grade (``rollover.last_grade``: a 教学点 teaches grades 1-3).  Pupils with
no known home village are placed from their school's site.  :func:`grade_classes` recounts
大班额 from the pupils a school then holds, keeping its classes per grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config, geo, schema
from lib.layout import population

#: Modes of an assignment row, with the label a planner reads.
MODES: dict[str, str] = {
    "stay": "留在原校",
    "catchment": "划入新校学区",
    "merge": "并入目标学校(就近可达)",
    "nearest": "就近入学(阈值内最近学校)",
    "board": "寄宿",
    "unplaced": "无法安置",
}
#: Why pupils are 无法安置.
UNPLACED_REASONS: dict[str, str] = {
    "young": "1-3年级不寄宿，家附近(阈值内)没有可就读的学校",
    "no_bed": "家附近没有可就读的学校，寄宿距离内的学校没有空余床位",
}


def grade_band(grade: int) -> str:
    """The band of a grade: 1-6 primary, 7-9 junior."""
    return "primary" if int(grade) in schema.BAND_GRADES["primary"] else "junior"


def grade_range(level: str) -> tuple[int, int]:
    """First and last grade a school of ``level`` teaches ((0, -1) when it teaches none of 1-9)."""
    last = config.SETTINGS["rollover"]["last_grade"]
    if level not in schema.BAND_LEVELS["primary"] and level not in schema.BAND_LEVELS["junior"]:
        return 0, -1  # special schools receive by placement, never by distance
    first = 1 if level in schema.BAND_LEVELS["primary"] else 7
    return first, int(last.get(level, 9 if first == 7 else 6))


def thresholds(*, band: str | None = None, km: float | None = None) -> dict[str, float]:
    """Reach threshold (road km) per band; ``km`` overrides ``band``'s (the page's input)."""
    out = {b: geo.reach_settings(b)[0] for b in ("primary", "junior")}
    if band is not None and km is not None:
        out[band] = float(km)
    return out


# ---------------------------------------------------------------- pupils in a year


def project_origins(
    origins: pd.DataFrame,
    population_: pd.DataFrame,
    *,
    base_year: int,
    year: int,
    schools: pd.DataFrame,
    villages: pd.DataFrame,
    migration: Mapping[str, float] | None = None,
    village_township: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Pupils by school, home village and grade in ``year``, from today's and the cohort projection.

    A village's grade-``g`` pupils in ``year`` are today's times its children aged ``g + 5``
    then ÷ now (the same cohort, ``g + 5 - (year - base)`` today), spread over schools as
    today.  A village and grade with no pupils today (a cohort arriving) gets its children
    then times the share of the village's children of the band who are pupils today, at the
    school most of the village's pupils attend that teaches the grade, else the nearest school
    teaching it: today's network, before any change.

    Parameters
    ----------
    origins : pandas.DataFrame
        ``school_code``, ``village_code``, ``grade``, ``students``, ``boarders`` today.
    population_ : pandas.DataFrame
        ``village_code``, ``year``, ``age``, ``persons`` (observed).
    base_year, year : int
        Today's year and the year wanted (``year == base_year`` returns today's counts).
    schools : pandas.DataFrame
        ``code``, ``level``, ``lon``, ``lat`` of today's schools.
    villages : pandas.DataFrame
        ``code``, ``lon``, ``lat`` of the home villages.

    Returns
    -------
    pandas.DataFrame
        ``school_code``, ``village_code``, ``grade``, ``pupils``, ``boarders`` (floats).
    """
    o = origins.rename(columns={"students": "pupils"})[
        ["school_code", "village_code", "grade", "pupils", "boarders"]
    ].copy()
    o["pupils"] = o["pupils"].astype(float)
    o["boarders"] = o["boarders"].astype(float)
    if year == base_year or population_.empty or o.empty:
        return o.reset_index(drop=True)
    proj = population.project_population(
        population_,
        base_year=base_year,
        years=year - base_year,
        migration=migration,
        village_township=village_township,
    )
    kids = proj[proj["year"].isin([base_year, year])].pivot_table(
        index=["village_code", "age"], columns="year", values="persons", aggfunc="sum"
    )
    kids = kids.reindex(columns=[base_year, year]).fillna(0.0)
    kids.columns = ["now", "then"]
    o["age"] = o["grade"] + 5
    o["band"] = np.where(o["grade"] <= 6, "primary", "junior")
    # pupils per village and grade, and the share of the village's children of that age they are
    vg = o.groupby(["village_code", "grade"], as_index=False)[["pupils"]].sum()
    vg["age"] = vg["grade"] + 5
    vg["band"] = np.where(vg["grade"] <= 6, "primary", "junior")
    vg = vg.merge(kids, left_on=["village_code", "age"], right_index=True, how="left").fillna(
        {"now": 0.0, "then": 0.0}
    )
    band_rate = _band_rate(vg)
    vg = vg.merge(band_rate, on=["village_code", "band"], how="left")
    # the grade's cohort when it is observed today, else the village's band as a whole
    cohort = np.where(vg["now"] > 0, vg["then"] / vg["now"].where(vg["now"] > 0), vg["band_ratio"])
    vg["target"] = vg["pupils"] * cohort
    # rows today: scaled so the village and grade reach its target
    o = o.merge(vg[["village_code", "grade", "target"]], on=["village_code", "grade"], how="left")
    vg_now = o.groupby(["village_code", "grade"])["pupils"].transform("sum")
    factor = np.where(vg_now > 0, o["target"] / vg_now.where(vg_now > 0), 1.0)
    factor = np.nan_to_num(factor, nan=1.0)
    o["pupils"] = o["pupils"] * factor
    o["boarders"] = o["boarders"] * factor
    new = _new_cohorts(o, vg, kids, band_rate, schools=schools, villages=villages)
    out = pd.concat(
        [o[["school_code", "village_code", "grade", "pupils", "boarders"]], new], ignore_index=True
    )
    return out[out["pupils"] > 1e-9].reset_index(drop=True)


def _band_rate(vg: pd.DataFrame) -> pd.DataFrame:
    """Per village and band: pupils / children today (1 when unknown) and children then / now."""
    b = vg.groupby(["village_code", "band"], as_index=False)[["pupils", "now", "then"]].sum()
    b["band_rate"] = np.where(b["now"] > 0, b["pupils"] / b["now"].where(b["now"] > 0), 1.0)
    b["band_ratio"] = np.where(b["now"] > 0, b["then"] / b["now"].where(b["now"] > 0), 1.0)
    return b[["village_code", "band", "band_rate", "band_ratio"]]


def _new_cohorts(
    o: pd.DataFrame,
    vg: pd.DataFrame,
    kids: pd.DataFrame,
    band_rate: pd.DataFrame,
    *,
    schools: pd.DataFrame,
    villages: pd.DataFrame,
) -> pd.DataFrame:
    """Pupils of a village and grade with nobody in it today (children of that age arrive)."""
    cols = ["school_code", "village_code", "grade", "pupils", "boarders"]
    vs = sorted(set(o["village_code"].dropna()) & set(villages["code"]))
    pairs = pd.DataFrame([(v, g) for v in vs for g in range(1, 10)], columns=["village_code", "grade"])
    pairs["age"] = pairs["grade"] + 5
    pairs = pairs.merge(kids[["then"]], left_on=["village_code", "age"], right_index=True, how="left")
    seen = vg[["village_code", "grade"]].assign(seen=True)
    pairs = pairs.merge(seen, on=["village_code", "grade"], how="left")
    pairs = pairs[pairs["seen"].isna() & (pairs["then"].fillna(0) > 0)].drop(columns="seen")
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    net = _network(schools.assign(boarding_beds=0))
    rng = net.set_index("code")[["first_grade", "last_grade"]]
    # the village's own schools that teach the grade, most pupils first (then by code)
    per = o.groupby(["village_code", "school_code"], as_index=False)["pupils"].sum()
    per = per.merge(rng, left_on="school_code", right_index=True)
    usual = pairs.merge(per, on="village_code")
    usual = usual[(usual["first_grade"] <= usual["grade"]) & (usual["last_grade"] >= usual["grade"])]
    usual = usual.sort_values(["pupils", "school_code"], ascending=[False, True]).drop_duplicates(
        ["village_code", "grade"]
    )
    pairs = pairs.merge(
        usual[["village_code", "grade", "school_code"]], on=["village_code", "grade"], how="left"
    )
    # else the nearest school teaching the grade
    vpts = villages.set_index("code").loc[vs, ["lon", "lat"]]
    d = np.asarray(
        geo.metric_distance_km(
            vpts["lon"].to_numpy(float)[:, None],
            vpts["lat"].to_numpy(float)[:, None],
            net["lon"].to_numpy(float)[None, :],
            net["lat"].to_numpy(float)[None, :],
        )
    ).reshape(len(vs), len(net))
    row = {v: i for i, v in enumerate(vs)}
    missing = pairs["school_code"].isna().to_numpy()
    if missing.any():
        g = pairs["grade"].to_numpy()[missing]
        teach = (net["first_grade"].to_numpy()[None, :] <= g[:, None]) & (
            net["last_grade"].to_numpy()[None, :] >= g[:, None]
        )
        dd = np.where(teach, d[pairs["village_code"].map(row).to_numpy()[missing]], np.inf)
        pick = dd.argmin(axis=1)
        nearest = np.where(np.isfinite(dd.min(axis=1)), net["code"].to_numpy()[pick], None)
        pairs.loc[missing, "school_code"] = nearest
    pairs = pairs[pairs["school_code"].notna()]
    pairs["band"] = np.where(pairs["grade"] <= 6, "primary", "junior")
    rate = pairs.merge(band_rate, on=["village_code", "band"], how="left")["band_rate"].fillna(1.0).to_numpy()
    pairs["pupils"] = pairs["then"].to_numpy(float) * rate
    pairs["boarders"] = 0.0
    return pairs[cols].reset_index(drop=True)


# ---------------------------------------------------------------- the assignment


@dataclass(frozen=True)
class Assignment:
    """Where every pupil of a network goes (rows of ``pupils``) and who cannot be placed."""

    rows: pd.DataFrame  # from_code, village_code, grade, pupils, boarders, to_code, mode, road_km, reason
    schools: pd.DataFrame  # the network: code, level, lon, lat, first_grade, last_grade, beds ...


def assign_pupils(
    origins: pd.DataFrame,
    schools: pd.DataFrame,
    villages: pd.DataFrame,
    *,
    sites: pd.DataFrame,
    closed: Mapping[str, str],
    added: set[str] | frozenset[str] = frozenset(),
    km: Mapping[str, float] | None = None,
    detour: float | None = None,
) -> Assignment:
    """Place every pupil of ``origins`` in the network ``schools`` (closed schools removed).

    Parameters
    ----------
    origins : pandas.DataFrame
        ``school_code``, ``village_code``, ``grade``, ``pupils``, ``boarders`` (from
        :func:`project_origins`); rows of schools not in the network nor in ``closed`` are kept
        where they are.
    schools : pandas.DataFrame
        The open network: ``code``, ``level``, ``lon``, ``lat``, ``boarding_beds``.
    villages : pandas.DataFrame
        ``code``, ``lon``, ``lat`` of every home village (any township).
    sites : pandas.DataFrame
        ``code``, ``lon``, ``lat`` of every school of ``origins`` (closed ones included): the
        home point of pupils whose village is unknown.
    closed : Mapping[str, str]
        Closed school -> merge target ("" for a plain closure).
    added : set of str
        Codes of new schools (their catchment takes its pupils, rule 1).
    km : Mapping[str, float], optional
        Reach threshold per band (default :func:`thresholds`).
    detour : float, optional
        Detour factor (default config).

    Returns
    -------
    Assignment
        ``rows``: one per (from school, village, grade, destination) with ``mode`` (see
        :data:`MODES`), ``road_km`` (home to the school; for 无法安置 rows, ``to_code`` None,
        to the nearest school teaching the grade) and, for those, ``reason``
        (:data:`UNPLACED_REASONS` key).
    """
    lay = config.SETTINGS["layout"]
    km = dict(km or thresholds())
    _, factor = geo.reach_settings("primary", detour=detour)
    net = _network(schools)
    o = origins.copy()
    o["from_code"] = o["school_code"]
    o["village_code"] = o["village_code"].where(o["village_code"].isin(set(villages["code"])), None)
    # each pupil group's home point: its village, else its school's site (closed sites included)
    site = sites.drop_duplicates("code").set_index("code")[["lon", "lat"]]
    vpts = villages.set_index("code")[["lon", "lat"]]
    o["home_lon"] = o["village_code"].map(vpts["lon"]).fillna(o["from_code"].map(site["lon"])).astype(float)
    o["home_lat"] = o["village_code"].map(vpts["lat"]).fillna(o["from_code"].map(site["lat"])).astype(float)
    o = o[o["home_lon"].notna()].reset_index(drop=True)
    dist = _road_km(o, net, factor)  # rows x schools
    teach = (o["grade"].to_numpy()[:, None] >= net["first_grade"].to_numpy()[None, :]) & (
        o["grade"].to_numpy()[:, None] <= net["last_grade"].to_numpy()[None, :]
    )
    dist_t = np.where(teach, dist, np.inf)
    nearest = np.argmin(dist_t, axis=1) if net.shape[0] else np.zeros(len(o), dtype=int)
    nearest_km = dist_t[np.arange(len(o)), nearest] if net.shape[0] else np.full(len(o), np.inf)
    codes = net["code"].to_numpy()
    col = {c: i for i, c in enumerate(codes)}
    thr = np.where(o["grade"].to_numpy() <= 6, km["primary"], km["junior"])

    to = np.full(len(o), None, dtype=object)
    mode = np.full(len(o), "stay", dtype=object)
    is_closed = o["from_code"].isin(list(closed)).to_numpy()
    is_open = o["from_code"].isin(col).to_numpy()
    # rule 1: stay, or go to a new school that is now the nearest teaching the grade
    to[is_open] = o["from_code"].to_numpy()[is_open]
    if added and net.shape[0]:
        new_near = np.isin(codes[nearest], list(added)) & np.isfinite(nearest_km)
        move = is_open & new_near & (codes[nearest] != o["from_code"].to_numpy())
        to[move] = codes[nearest][move]
        mode[move] = "catchment"
    # rows of schools outside the network and not closed (e.g. special schools) stay as they are
    other = ~is_open & ~is_closed
    to[other] = o["from_code"].to_numpy()[other]
    # rule 2: closed schools' pupils within reach of a school teaching their grade
    board = np.zeros(len(o), dtype=bool)
    for i in np.flatnonzero(is_closed):
        into = closed.get(o.at[i, "from_code"]) or ""
        j = col.get(into)
        if j is not None and teach[i, j] and dist[i, j] <= thr[i] + 1e-9:
            to[i], mode[i] = into, "merge"
        elif np.isfinite(nearest_km[i]) and nearest_km[i] <= thr[i] + 1e-9:
            to[i], mode[i] = codes[nearest[i]], "nearest"
        elif o.at[i, "grade"] >= int(lay["boarding_min_grade"]):
            board[i] = True
        else:
            mode[i] = "unplaced"
    o["to_code"], o["mode"] = to, mode
    o["reason"] = np.where(o["mode"] == "unplaced", "young", None)
    # 无法安置 pupils keep the distance to the nearest school teaching their grade: leaving them
    # out of the mean would make a closure look shorter than it is
    o["nearest_km"] = np.where(np.isfinite(nearest_km), nearest_km, np.nan)
    o["road_km"] = [dist[i, col[t]] if t in col else np.nan for i, t in enumerate(o["to_code"])]
    o.loc[o["mode"] == "unplaced", "road_km"] = o["nearest_km"]
    # boarders of rows that moved: only those now beyond reach of their school board
    moved = o["mode"].isin(["catchment", "merge", "nearest"]).to_numpy()
    beyond = (o["road_km"].to_numpy(float) > thr + 1e-9) & (
        o["grade"].to_numpy() >= lay["boarding_min_grade"]
    )
    o.loc[moved, "boarders"] = np.where(beyond[moved], o.loc[moved, "pupils"], 0.0)
    # rule 3: boarding at the nearest school with free beds (merge target first)
    o = _board(o, board, net, dist, teach, closed, col)
    cols = [
        "from_code",
        "village_code",
        "grade",
        "pupils",
        "boarders",
        "to_code",
        "mode",
        "road_km",
        "reason",
    ]
    return Assignment(rows=o[cols].reset_index(drop=True), schools=net)


def _network(schools: pd.DataFrame) -> pd.DataFrame:
    net = schools[["code", "level", "lon", "lat", "boarding_beds"]].copy().reset_index(drop=True)
    rng = [grade_range(lv) for lv in net["level"]]
    net["first_grade"] = [r[0] for r in rng]
    net["last_grade"] = [r[1] for r in rng]
    net["boarding_beds"] = net["boarding_beds"].fillna(0).astype(float)
    return net


def _road_km(rows: pd.DataFrame, net: pd.DataFrame, factor: float) -> np.ndarray:
    if rows.empty or net.empty:
        return np.full((len(rows), len(net)), np.inf)
    # distinct home points only: many rows share a village
    pts = rows[["home_lon", "home_lat"]].drop_duplicates().reset_index(drop=True)
    d = geo.metric_distance_km(
        pts["home_lon"].to_numpy()[:, None],
        pts["home_lat"].to_numpy()[:, None],
        net["lon"].to_numpy(float)[None, :],
        net["lat"].to_numpy(float)[None, :],
    ).reshape(len(pts), len(net))
    idx = pd.MultiIndex.from_frame(pts)
    pos = idx.get_indexer(pd.MultiIndex.from_frame(rows[["home_lon", "home_lat"]]))
    return d[pos] * factor


def _board(
    o: pd.DataFrame,
    board: np.ndarray,
    net: pd.DataFrame,
    dist: np.ndarray,
    teach: np.ndarray,
    closed: Mapping[str, str],
    col: dict[str, int],
) -> pd.DataFrame:
    """Rule 3: split the boarding rows over the nearest schools with free beds; the rest is unplaced."""
    lay = config.SETTINGS["layout"]
    if not board.any():
        return o
    used = o[o["to_code"].notna()].groupby("to_code")["boarders"].sum()
    free = np.array((net["boarding_beds"] - net["code"].map(used).fillna(0.0)).clip(lower=0), dtype=float)
    limit = {b: float(v) for b, v in lay["boarding_max_km"].items()}
    keep, extra = [], []
    order = sorted(
        np.flatnonzero(board),
        key=lambda i: (o.at[i, "from_code"], str(o.at[i, "village_code"]), -o.at[i, "grade"]),
    )
    for i in order:
        row = o.loc[i].to_dict()
        left = float(row["pupils"])
        cap = limit[grade_band(row["grade"])]
        ok = teach[i] & (dist[i] <= cap + 1e-9) & (free > 1e-9)
        cand = np.flatnonzero(ok)
        into = col.get(closed.get(row["from_code"]) or "")
        cand = sorted(cand, key=lambda j: (j != into, dist[i, j], net.at[j, "code"]))
        for j in cand:
            if left <= 1e-9:
                break
            take = min(left, free[j])
            free[j] -= take
            left -= take
            extra.append(
                {
                    **row,
                    "pupils": take,
                    "boarders": take,
                    "to_code": net.at[j, "code"],
                    "mode": "board",
                    "road_km": dist[i, j],
                    "reason": None,
                }
            )
        if left > 1e-9:
            extra.append(
                {
                    **row,
                    "pupils": left,
                    "boarders": 0.0,
                    "to_code": None,
                    "mode": "unplaced",
                    "road_km": row["nearest_km"],
                    "reason": "no_bed",
                }
            )
        keep.append(i)
    out = o.drop(index=keep)
    return pd.concat([out, pd.DataFrame(extra, columns=o.columns)], ignore_index=True) if extra else out


# ---------------------------------------------------------------- what a school then holds


def grade_classes(grades: pd.DataFrame) -> pd.DataFrame:
    """Classes per school and grade today (distinct class numbers): ``school_code``, ``grade``, ``classes``."""
    if grades.empty:
        return pd.DataFrame(columns=["school_code", "grade", "classes"])
    return grades.groupby(["school_code", "grade"])["class_no"].nunique().rename("classes").reset_index()


def school_grades(
    rows: pd.DataFrame, classes: pd.DataFrame, *, added: set[str] | frozenset[str] | dict | None = None
) -> pd.DataFrame:
    """Pupils, classes and 大班额 per receiving school and grade after an assignment.

    A school keeps its classes per grade (a what-if builds no classrooms); a grade with
    pupils but no class today counts as one class; a new school (a code of ``added``)
    opens classes of the standard size of the grade's band.  All classes of a grade count as 大班额 when its
    pupils ÷ classes exceed ``large_class`` (超大班额: ``very_large_class``).

    Returns
    -------
    pandas.DataFrame
        ``school_code``, ``grade``, ``pupils``, ``boarders``, ``classes``, ``class_size``,
        ``large`` (classes counted 大班额), ``xlarge`` (超大班额).
    """
    lay = config.SETTINGS["layout"]
    placed = rows[rows["to_code"].notna()]
    g = placed.groupby(["to_code", "grade"], as_index=False)[["pupils", "boarders"]].sum()
    g = g.rename(columns={"to_code": "school_code"})
    g = g.merge(classes, on=["school_code", "grade"], how="left")
    g["classes"] = g["classes"].fillna(0).astype(float)
    new = g["school_code"].isin(set(added or ()))
    std = np.where(g["grade"] <= 6, lay["standard_class"]["primary"], lay["standard_class"]["junior"])
    planned = np.ceil(g["pupils"].round(6) / std)
    g["classes"] = np.where(new, np.maximum(planned, 1), np.maximum(g["classes"], 1))
    g["class_size"] = g["pupils"] / g["classes"]
    g["large"] = np.where(g["class_size"] > lay["large_class"] + 1e-9, g["classes"], 0).astype(int)
    g["xlarge"] = np.where(g["class_size"] > lay["very_large_class"] + 1e-9, g["classes"], 0).astype(int)
    return g


def unplaced_table(rows: pd.DataFrame, names: Mapping[str, str], villages: Mapping[str, str]) -> pd.DataFrame:
    """The 无法安置 list: closed school, home village, grade, pupils and why (Chinese headers)."""
    u = rows[rows["mode"] == "unplaced"]
    out = pd.DataFrame(
        {
            "原学校": u["from_code"].map(lambda c: names.get(c, c)),
            "户籍村": u["village_code"].map(lambda c: villages.get(c, "(未知)") if c else "(未知)"),
            "年级": u["grade"].map(schema.GRADE_LABELS),
            "人数": u["pupils"].round().astype(int),
            "原因": u["reason"].map(UNPLACED_REASONS),
        }
    )
    return out[out["人数"] > 0].sort_values(["原学校", "户籍村", "年级"]).reset_index(drop=True)


def moves_table(rows: pd.DataFrame, names: Mapping[str, str], villages: Mapping[str, str]) -> pd.DataFrame:
    """Every pupil group that changes school: from, home village, grade, pupils, to, km, how."""
    m = rows[rows["mode"].isin(["catchment", "merge", "nearest", "board"])]
    out = pd.DataFrame(
        {
            "原学校": m["from_code"].map(lambda c: names.get(c, c)),
            "户籍村": m["village_code"].map(lambda c: villages.get(c, "(未知)") if c else "(未知)"),
            "年级": m["grade"].map(schema.GRADE_LABELS),
            "人数": m["pupils"].round().astype(int),
            "去向学校": m["to_code"].map(lambda c: names.get(c, c)),
            "距离(km)": m["road_km"].round(1),
            "方式": m["mode"].map(MODES),
        }
    )
    return out[out["人数"] > 0].sort_values(["原学校", "户籍村", "年级"]).reset_index(drop=True)


def summary(rows: pd.DataFrame) -> dict[str, Any]:
    """Pupils by mode (rounded), for a log line or a test."""
    return {k: int(round(v)) for k, v in rows.groupby("mode")["pupils"].sum().items()}
