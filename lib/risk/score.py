"""重点关注学生: an explainable, additive risk score that ranks by urgency (model card: docs/risk.md).

Each factor gives a sub-score; the score is the sum of ``weight × sub-score`` in points.
Most sub-scores lie in [0, 1] (the weight is then the factor's full points), but
the absence factors do not saturate: the longest run of consecutive unexcused school
days counts ``log2(1 + run / suspected_days)``, so a child absent 36 days in a row
outranks a child absent 4 days whatever else is known about either.  The reasons are the
largest contributions, in plain Chinese; a child with no contributing factor has no
reason and is not listed.  Weights and thresholds come from the effective settings
(:func:`lib.core.settings.effective_settings`), and may differ per school year
(``risk.criteria_by_year``, see :func:`criteria_for`).
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config

#: Factor code -> Chinese name (the settings' ``risk.weights`` keys).
FACTORS: dict[str, str] = {
    "absence_recent": "近期缺勤",
    "absence_term": "学期缺勤",
    "absence_run": "连续缺勤",
    "unhandled": "未建台账",
    "case_history": "曾辍学",
    "learning": "学困",
    "over_age": "超龄",
    "repeating": "留级",
    "transition": "升学衔接",
    "school_move": "转学",
    "distance": "路远",
    "poverty": "因贫",
    "disability": "因残",
    "care": "监护",
}
#: The seed's four named risks (学困, 路远, 因贫, 因残): the ``baseline_seed4`` model.
SEED4: tuple[str, ...] = ("learning", "distance", "poverty", "disability")
#: The absence factors: the ``baseline_absence`` model.
ABSENCE: tuple[str, ...] = ("absence_recent", "absence_term", "absence_run", "unhandled")
BANDS = ("高", "中", "低")

#: Columns :func:`score_students` needs.
INPUT_COLUMNS = (
    "student_id",
    "grade",
    "boarding",
    "learning_difficulty",
    "score_trend",
    "disability",
    "disabled_parent",
    "poverty_category",
    "left_behind",
    "orphan",
    "unexcused_recent",
    "home_km",
)
#: Optional columns (0/False when absent): ``unexcused_term`` (unexcused days in the
#: longer window), ``longest_run`` (longest run of consecutive unexcused school days in
#: the longer window), ``current_run`` (the run still going on the day scored),
#: ``age_excess`` (age on 1 September minus the grade's normal age), ``repeating``
#: (same grade as a year before), ``term`` (1 or 2), ``school_moved`` (another school than
#: a year before, outside the 6→7 move), ``prior_cases`` (earlier dropout cases, returned),
#: ``open_case`` (a case still open), ``aid_gap``, ``unsupported``, ``prisoner_child``.
OPTIONAL_COLUMNS = (
    "unexcused_term",
    "longest_run",
    "current_run",
    "age_excess",
    "repeating",
    "term",
    "school_moved",
    "prior_cases",
    "open_case",
    "aid_gap",
    "unsupported",
    "prisoner_child",
)


def criteria_for(settings: dict[str, Any], school_year: int | None) -> dict[str, Any]:
    """The settings with the school year's criteria applied: ``risk.criteria_by_year``
    maps a school year (``"2025"``) to overrides of ``risk`` (weights, bands, windows),
    as OpenEMIS Risks keeps criteria per academic period.  Other years use ``risk``."""
    per_year = (settings.get("risk") or {}).get("criteria_by_year") or {}
    over = per_year.get(str(school_year)) if school_year is not None else None
    if not over:
        return settings
    out = copy.deepcopy(settings)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out["risk"].get(key), dict):
            out["risk"][key] = {**out["risk"][key], **value}
        else:
            out["risk"][key] = value
    return out


def _num(df: pd.DataFrame, col: str, default: float = 0.0) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), default, dtype="float64")
    values = df[col]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":  # the store's columns: no casts
        out = values.to_numpy(dtype="float64")
        return np.where(np.isnan(out), default, out) if values.dtype.kind == "f" else out
    return pd.to_numeric(values, errors="coerce").astype("float64").fillna(default).to_numpy()


def _flag(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.zeros(len(df), dtype=bool)
    values = df[col]
    if values.dtype == np.dtype(bool):  # the store's BOOLEAN NOT NULL columns: as they are
        return values.to_numpy()
    return values.astype("boolean").fillna(False).astype(bool).to_numpy()


def _sub_scores(df: pd.DataFrame, settings: dict[str, Any]) -> dict[str, np.ndarray]:
    """Every factor's sub-score, one array each in ``df``'s row order (absence ones unbounded
    above; the others in [0, 1])."""
    r, layout = settings["risk"], settings["layout"]
    window = max(int(r["absence_window_days"]), 1)
    term_window = max(int(r.get("absence_term_days", 60)), 1)
    run_unit = max(int(settings["dropout"]["suspected_consecutive_days"]), 1)
    unexcused = _num(df, "unexcused_recent")
    term_days = np.maximum(_num(df, "unexcused_term"), unexcused)
    current = _num(df, "current_run")
    longest = np.maximum(_num(df, "longest_run"), current)
    trend = _num(df, "score_trend")
    learning = np.where(
        _flag(df, "learning_difficulty"), 1.0, np.where(trend <= -1.0, 0.6, np.where(trend <= -0.5, 0.3, 0.0))
    )
    grade = _num(df, "grade")
    reach = np.where(grade >= 7, layout["reach_km"]["junior"], layout["reach_km"]["primary"])
    road_km = _num(df, "home_km") * layout["detour_factor"]
    far = (road_km > reach) & ~_flag(df, "boarding")
    distance = np.where(far, np.clip(0.5 + (road_km - reach) / reach, 0, 1), 0.0)
    cat = df["poverty_category"].astype("object") if "poverty_category" in df else pd.Series([None] * len(df))
    poverty = np.select(
        [cat.isin(["特困", "低保"]).to_numpy(), cat.isin(["脱贫户", "监测对象"]).to_numpy()], [1.0, 0.8], 0.0
    )
    gap = _flag(df, "aid_gap")
    poverty = np.clip(poverty + np.where(gap, r.get("aid_gap_boost", 0.3), 0.0), 0, 1)
    disability = np.maximum(
        np.where(_flag(df, "disability"), 1.0, 0.0), np.where(_flag(df, "disabled_parent"), 0.5, 0.0)
    )
    care = np.maximum.reduce(
        [
            np.where(_flag(df, "orphan") | _flag(df, "unsupported"), 1.0, 0.0),
            np.where(_flag(df, "prisoner_child"), 0.8, 0.0),
            np.where(_flag(df, "left_behind"), 0.5, 0.0),
        ]
    )
    excess = _num(df, "age_excess")
    over_age = np.clip((excess - 1.0) / 2.0, 0, 1)  # 2 years over: 0.5, 3 or more: 1
    term = _num(df, "term", 1.0)
    grades = [int(g) for g in r.get("transition_grades", [6, 7])]
    # the move from primary to junior school: the last spring term of grade 6, the first year of 7
    transition = np.where(
        (grade == max(grades)) & (term == 1), 1.0, np.where(np.isin(grade, grades), 0.5, 0.0)
    )
    # an earlier case the child came back from (an open case is shown beside the list, not scored:
    # somebody is already on it, and the list ranks who needs attention)
    history = np.minimum(_num(df, "prior_cases"), 1.0)
    return {
        "absence_recent": unexcused / window,
        "absence_term": term_days / term_window,
        # a run still going is the most urgent; one that ended counts half
        "absence_run": np.maximum(np.log2(1.0 + current / run_unit), 0.5 * np.log2(1.0 + longest / run_unit)),
        # absent long enough to be a suspected dropout and nobody has opened a case: no one is on it
        "unhandled": np.where((current >= run_unit) & ~_flag(df, "open_case"), 1.0, 0.0),
        "case_history": history,
        "learning": learning,
        "over_age": over_age,
        "repeating": np.where(_flag(df, "repeating"), 1.0, 0.0),
        "transition": transition,
        "school_move": np.where(_flag(df, "school_moved"), 1.0, 0.0),
        "distance": distance,
        "poverty": poverty,
        "disability": disability,
        "care": care,
    }


def _between(head: str, numbers: np.ndarray, tail: str) -> np.ndarray:
    """``f"{head}{k}{tail}"`` for every whole number ``k``, as an object array: one text per
    distinct number (a few dozen days or years), picked for each row."""
    return _per_distinct(np.asarray(numbers, dtype="int64")[:, None], lambda k: f"{head}{k}{tail}")


def _per_distinct(keys: np.ndarray, text: Callable[..., str]) -> np.ndarray:
    """``text(*row)`` for every row of ``keys`` (one column per argument), as an object array: one
    text per distinct row (pupils of a village share its distance, most runs are a few days)."""
    if not len(keys):
        return np.array([], dtype=object)
    distinct, which = np.unique(keys, axis=0, return_inverse=True)
    texts = np.array([text(*row) for row in distinct.tolist()], dtype=object)
    return texts[which.reshape(-1)]


def _reason_texts(
    df: pd.DataFrame, settings: dict[str, Any], rows: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per factor, the plain-Chinese reason of each row ``rows[factor]`` (positions in ``df``):
    texts only where a factor is named, not for every row and factor."""
    r = settings["risk"]
    window, term_window = int(r["absence_window_days"]), int(r.get("absence_term_days", 60))
    flags = [
        ("orphan", "孤儿"),
        ("unsupported", "事实无人抚养"),
        ("prisoner_child", "服刑人员子女"),
        ("left_behind", "留守"),
    ]
    # the care text of each of the 16 combinations of the four flags, picked by the row's code
    care_texts = np.array(
        [
            "监护缺失(" + "、".join(w for bit, (_, w) in enumerate(flags) if k >> bit & 1) + ")"
            for k in range(16)
        ],
        dtype=object,
    )

    def unexcused(i: np.ndarray) -> np.ndarray:
        return _num(df, "unexcused_recent")[i].astype(int)

    def same(text: str) -> Callable[[np.ndarray], np.ndarray]:
        return lambda i: np.full(len(i), text, dtype=object)

    def absence_run(i: np.ndarray) -> np.ndarray:
        pairs = np.column_stack([_num(df, "current_run")[i], _num(df, "longest_run")[i]]).astype(int)
        return _per_distinct(
            pairs,
            lambda c, lo: (
                f"连续无故缺勤{c}个上课日(至今)" if c > 0 and c >= lo else f"曾连续无故缺勤{lo}个上课日"
            ),
        )

    def poverty(i: np.ndarray) -> np.ndarray:
        if "poverty_category" in df:
            codes, cats = pd.factorize(df["poverty_category"].to_numpy(dtype=object)[i])  # None: -1
        else:
            codes, cats = np.full(len(i), -1), np.array([], dtype=object)
        gap = _flag(df, "aid_gap")[i].astype(int)
        return _per_distinct(
            np.column_stack([codes, gap]),
            lambda k, g: (
                (f"家庭经济困难({cats[k]})" if k >= 0 and cats[k] else "资助对象")
                + ("，本学期生活补助未发放" if g else "")
            ),
        )

    def care(i: np.ndarray) -> np.ndarray:
        code = sum(_flag(df, col)[i].astype(int) << bit for bit, (col, _) in enumerate(flags))
        return care_texts[np.asarray(code, dtype=int)]

    build: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "absence_recent": lambda i: _between(f"近{window}个上课日无故缺勤", unexcused(i), "天"),
        "absence_term": lambda i: _between(
            f"近{term_window}个上课日无故缺勤",
            np.maximum(_num(df, "unexcused_term")[i], _num(df, "unexcused_recent")[i]).astype(int),
            "天",
        ),
        "absence_run": absence_run,
        "unhandled": same("已达疑似辍学标准，尚未建台账"),
        "case_history": same("曾辍学(已返校)"),
        "learning": lambda i: np.where(
            _flag(df, "learning_difficulty")[i], "学习困难", "成绩明显下滑"
        ).astype(object),
        "over_age": lambda i: _between("超龄", _num(df, "age_excess")[i].astype(int), "岁"),
        "repeating": same("留级(与上学年同年级)"),
        "transition": lambda i: np.where(
            _num(df, "grade")[i].astype(int) >= 7, "初一(小升初衔接期)", "六年级(将升初中)"
        ).astype(object),
        "school_move": same("近一年转学"),
        "distance": lambda i: _per_distinct(
            _num(df, "home_km")[i][:, None], lambda k: f"家距学校约{k:.1f}公里(直线)且未寄宿"
        ),
        "poverty": poverty,
        "disability": lambda i: np.where(_flag(df, "disability")[i], "本人残疾", "父母残疾").astype(object),
        "care": care,
    }
    return {f: build[f](np.asarray(i, dtype=np.intp)) for f, i in rows.items()}


def weights(settings: dict[str, Any]) -> dict[str, float]:
    """Each factor's weight (points at a sub-score of 1; a factor missing from the settings: 0)."""
    w = settings["risk"]["weights"]
    return {f: float(w.get(f, 0)) for f in FACTORS}


def contributions(
    df: pd.DataFrame, settings: dict[str, Any], *, only: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Points per factor (``weight × sub-score``); ``only`` keeps those factors (the others 0)."""
    subs = _sub_scores(df, settings)
    w = weights(settings)
    keep = set(only) if only is not None else set(FACTORS)
    # one block, laid out as pandas keeps a frame's columns (a factor's row of points after another):
    # no frame of columns to stack, and a pupil's points are summed in the same order as before
    points = np.empty((len(FACTORS), len(df)), dtype="float64")
    for j, f in enumerate(FACTORS):
        np.multiply(subs[f], w[f] if f in keep else 0.0, out=points[j])
    return pd.DataFrame(points.T, columns=list(FACTORS), index=df.index, copy=False)


def score_students(
    df: pd.DataFrame,
    *,
    settings: dict[str, Any] | None = None,
    max_reasons: int = 3,
    scored_only: bool = False,
) -> pd.DataFrame:
    """Score students.

    Parameters
    ----------
    df
        One row per student with :data:`INPUT_COLUMNS` (and any of :data:`OPTIONAL_COLUMNS`);
        ``home_km`` is the straight-line distance home village -> school,
        ``unexcused_recent`` the unexcused absent school days in the last
        ``absence_window_days`` school days.
    settings
        Settings dict (default :data:`lib.core.config.SETTINGS`).
    max_reasons
        How many reasons to name (largest contribution first); 0 = none (faster).
    scored_only
        Only the rows with a factor that gives points (``df``'s index kept): a list drops the
        others, and need not build them (a third of a county's pupils).

    Returns
    -------
    DataFrame
        ``student_id``, ``score`` (points, not capped), ``band`` (高/中/低), ``reasons``
        (Chinese strings, largest contribution first; empty only when ``score`` is 0), and
        one column per factor with its points.
    """
    settings = settings or config.SETTINGS
    contrib = contributions(df, settings)
    score = contrib.sum(axis=1).round(1)
    band = np.where(
        score >= settings["risk"]["band_high"],
        "高",
        np.where(score >= settings["risk"]["band_medium"], "中", "低"),
    )
    values = contrib.to_numpy()
    some = np.flatnonzero((values > 0).any(axis=1))  # the rows a factor gives points to
    with _paused_collection():  # a list per pupil: tens of thousands of containers at district scale
        named = _reasons(df, values, some, settings, max_reasons)
        if scored_only:
            reasons = named
        else:
            reasons = [[] for _ in range(len(df))]
            for i, r in zip(some.tolist(), named, strict=True):
                reasons[i] = r
    out = pd.DataFrame(
        {
            "student_id": df["student_id"].array,  # as read: no round trip through Python strings
            "score": score.to_numpy(),
            "band": band,
        },
        index=df.index,
    )
    out = pd.concat([out, contrib.round(1)], axis=1)
    if scored_only:
        out = out.iloc[some]
    out.insert(3, "reasons", reasons)
    return out


@contextmanager
def _paused_collection() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a block makes tens of thousands of lists.

    Each 700 new containers start a collection, and in a server whose heap holds a page's
    frames and Streamlit's state those collections cost more than the lists (about a sixth of the
    重点关注学生 list's first view, measured).  Lists of strings hold no cycles: nothing is left
    for the collector that reference counting does not free, and it runs again after the block.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _reasons(
    df: pd.DataFrame, values: np.ndarray, some: np.ndarray, settings: dict[str, Any], max_reasons: int
) -> list[list[str]]:
    """For each row ``some`` (positions; ``values``: every row's points per factor), the texts of
    its ``max_reasons`` largest contributions, largest first."""
    if max_reasons <= 0 or not len(some):
        return [[] for _ in some]
    # texts only for the (row, factor) pairs named: a row's largest contributions, in order
    values = values[some]
    order = np.argsort(-values, axis=1, kind="stable")[:, :max_reasons]
    counts = (np.take_along_axis(values, order, axis=1) > 0).sum(axis=1)
    named = np.arange(order.shape[1]) < counts[:, None]  # row-major: each row's reasons in order
    row_of = np.broadcast_to(some[:, None], order.shape)[named]
    factor_of = order[named]
    chosen = {f: factor_of == j for j, f in enumerate(FACTORS)}
    texts = _reason_texts(df, settings, {f: row_of[m] for f, m in chosen.items() if m.any()})
    flat = np.empty(len(factor_of), dtype=object)
    for f, text in texts.items():
        flat[chosen[f]] = text
    flat_list = flat.tolist()
    ends = np.cumsum(counts)
    return [flat_list[a:b] for a, b in zip((ends - counts).tolist(), ends.tolist(), strict=True)]


def model_scores(df: pd.DataFrame, settings: dict[str, Any], model: str) -> np.ndarray:
    """Ranking scores of a rule model: ``rules`` (every factor), ``baseline_absence`` (the absence
    factors only) or ``baseline_seed4`` (the seed's four risks only), same weights."""
    only = {"rules": None, "baseline_absence": ABSENCE, "baseline_seed4": SEED4}[model]
    return contributions(df, settings, only=only).sum(axis=1).to_numpy()


def high_mask(df: pd.DataFrame, *, settings: dict[str, Any] | None = None) -> np.ndarray:
    """Boolean array: student is in the 高 band (no reason texts built: fast)."""
    settings = settings or config.SETTINGS
    score = contributions(df, settings).sum(axis=1).round(1)
    return (score >= settings["risk"]["band_high"]).to_numpy()
