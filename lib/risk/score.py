"""重点关注学生: an explainable rule-based risk score (model card: docs/risk.md).

Each student gets a sub-score in [0, 1] for each risk the bureau names
(学困, 路远, 因贫, 因残) plus attendance and care; the score is the weighted
mean of the sub-scores times 100, and the band follows the configured cuts.
The reasons are the largest weighted contributions, in plain Chinese.
Weights and thresholds come from the effective settings
(:func:`lib.core.settings.effective_settings`), which an administrator edits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lib.core import config

FACTORS: dict[str, str] = {
    "learning": "学困",
    "distance": "路远",
    "poverty": "因贫",
    "disability": "因残",
    "attendance": "缺勤",
    "care": "监护",
}
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
    "unsupported",
    "prisoner_child",
    "home_km",
    "unexcused_recent",
)
#: Optional columns: used when present (``aid_gap`` bool, ``unexcused_prior`` the
#: unexcused days in the window before the recent one, for the trend).
OPTIONAL_COLUMNS = ("aid_gap", "unexcused_prior")


def _optional(df: pd.DataFrame, col: str, default: float) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), default, dtype="float64")
    return df[col].astype("float64").fillna(default).to_numpy()


def _flag(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.zeros(len(df), dtype=bool)
    return df[col].astype("boolean").fillna(False).astype(bool).to_numpy()


def _sub_scores(df: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    layout = settings["layout"]
    window = settings["risk"]["absence_window_days"]
    trend = df["score_trend"].astype("float64").fillna(0.0).to_numpy()
    learning = np.where(
        _flag(df, "learning_difficulty"), 1.0, np.where(trend <= -1.0, 0.6, np.where(trend <= -0.5, 0.3, 0.0))
    )
    reach = np.where(df["grade"].to_numpy() >= 7, layout["reach_km"]["junior"], layout["reach_km"]["primary"])
    road_km = df["home_km"].astype("float64").fillna(0.0).to_numpy() * layout["detour_factor"]
    far = (road_km > reach) & ~_flag(df, "boarding")
    distance = np.where(far, np.clip(0.5 + (road_km - reach) / reach, 0, 1), 0.0)
    cat = df["poverty_category"].astype("object")
    poverty = np.select(
        [cat.isin(["特困", "低保"]).to_numpy(), cat.isin(["脱贫户", "监测对象"]).to_numpy()],
        [1.0, 0.8],
        0.0,
    )
    gap = _optional(df, "aid_gap", 0.0) > 0
    poverty = np.clip(poverty + np.where(gap, settings["risk"].get("aid_gap_boost", 0.3), 0.0), 0, 1)
    disability = np.maximum(
        np.where(_flag(df, "disability"), 1.0, 0.0), np.where(_flag(df, "disabled_parent"), 0.5, 0.0)
    )
    unexcused = df["unexcused_recent"].astype("float64").fillna(0.0).to_numpy()
    prior = _optional(df, "unexcused_prior", 0.0)
    rising = (unexcused > prior) & (unexcused > 0)
    attendance = np.clip(
        unexcused / max(window / 4, 1)
        + np.where(rising, settings["risk"].get("absence_rising_boost", 0.2), 0.0),
        0,
        1,
    )
    care = np.maximum.reduce(
        [
            np.where(_flag(df, "orphan") | _flag(df, "unsupported"), 1.0, 0.0),
            np.where(_flag(df, "prisoner_child"), 0.8, 0.0),
            np.where(_flag(df, "left_behind"), 0.5, 0.0),
        ]
    )
    return pd.DataFrame(
        {
            "learning": learning,
            "distance": distance,
            "poverty": poverty,
            "disability": disability,
            "attendance": attendance,
            "care": care,
        },
        index=df.index,
    )


def _reason_texts(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per factor, the plain-Chinese reason for every row (used only where it contributes)."""
    n = len(df)
    km = df["home_km"].astype("float64").fillna(0.0).to_numpy()
    unexcused = df["unexcused_recent"].astype("float64").fillna(0.0).astype(int).to_numpy()
    prior = _optional(df, "unexcused_prior", 0.0)
    cat = df["poverty_category"].astype("object").where(df["poverty_category"].notna(), None).to_numpy()
    gap = _optional(df, "aid_gap", 0.0) > 0
    poverty = np.array(
        [
            (f"家庭经济困难({c})" if c else "资助对象") + ("，本学期生活补助未发放" if g else "")
            for c, g in zip(cat, gap, strict=True)
        ],
        dtype=object,
    )
    care_words = np.empty(n, dtype=object)
    flags = [
        ("orphan", "孤儿"),
        ("unsupported", "事实无人抚养"),
        ("prisoner_child", "服刑人员子女"),
        ("left_behind", "留守"),
    ]
    masks = {col: _flag(df, col) for col, _ in flags}
    for i in range(n):
        care_words[i] = "监护缺失(" + "、".join(w for col, w in flags if masks[col][i]) + ")"
    return {
        "learning": np.where(_flag(df, "learning_difficulty"), "学习困难", "成绩明显下滑").astype(object),
        "distance": np.array([f"家距学校约{k:.1f}公里(直线)且未寄宿" for k in km], dtype=object),
        "poverty": poverty,
        "disability": np.where(_flag(df, "disability"), "本人残疾", "父母残疾").astype(object),
        "attendance": np.array(
            [
                f"近期无故缺勤{u}天"
                + ("，且在增加" if u > p and p >= 0 and u > 0 and "unexcused_prior" in df else "")
                for u, p in zip(unexcused, prior, strict=True)
            ],
            dtype=object,
        ),
        "care": care_words,
    }


def _contributions(df: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    weights = settings["risk"]["weights"]
    subs = _sub_scores(df, settings)
    total = float(sum(weights.values())) or 1.0
    return pd.DataFrame({f: subs[f] * weights[f] / total * 100 for f in FACTORS}, index=df.index)


def score_students(
    df: pd.DataFrame, *, settings: dict[str, Any] | None = None, max_reasons: int = 3
) -> pd.DataFrame:
    """Score students.

    Parameters
    ----------
    df
        One row per student with :data:`INPUT_COLUMNS`; ``home_km`` is the
        straight-line distance home village -> school, ``unexcused_recent`` the
        unexcused absent school days in the configured window before ``as_of``.
    settings
        Settings dict (default :data:`lib.core.config.SETTINGS`).

    Returns
    -------
    DataFrame
        ``student_id``, ``score`` (0-100), ``band`` (高/中/低), ``reasons``
        (list of Chinese strings, largest contribution first), and one column
        per factor with its weighted contribution.
    """
    settings = settings or config.SETTINGS
    contrib = _contributions(df, settings)
    score = contrib.sum(axis=1).round(1)
    band = np.where(
        score >= settings["risk"]["band_high"],
        "高",
        np.where(score >= settings["risk"]["band_medium"], "中", "低"),
    )
    values = contrib.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")[:, :max_reasons]
    texts = _reason_texts(df)
    columns = [texts[f] for f in FACTORS]
    reasons = [[columns[j][i] for j in order[i] if values[i, j] > 0] for i in range(len(df))]
    out = pd.DataFrame(
        {
            "student_id": df["student_id"].to_numpy(),
            "score": score.to_numpy(),
            "band": band,
            "reasons": reasons,
        },
        index=df.index,
    )
    return pd.concat([out, contrib.round(1)], axis=1)


def high_mask(df: pd.DataFrame, *, settings: dict[str, Any] | None = None) -> np.ndarray:
    """Boolean array: student is in the 高 band (no reason texts built: fast)."""
    settings = settings or config.SETTINGS
    score = _contributions(df, settings).sum(axis=1).round(1)
    return (score >= settings["risk"]["band_high"]).to_numpy()
