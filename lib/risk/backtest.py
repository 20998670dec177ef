"""Back-test of the 重点关注学生 score on the store's history (model card: docs/risk.md).

For each past term with a following term, the students enrolled in that term's
snapshot are scored from data dated on or before the term's last day (the
cut-off) only; the outcome is a dropout case reported after the cut-off and up
to the end of the next term (or ``as_of``).  Precision and recall of the top k
are reported overall and by group, for the rules and, beside them, for a
logistic regression trained on the previous fold (whose outcomes are all known
by the cut-off, so it too sees no later data).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.aid import rules as aid
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope
from lib.risk import score as risk

MODELS = {"rules": "规则评分", "logistic": "逻辑回归"}
GROUPS = {"left_behind": "留守", "disability": "残疾", "sex": "性别", "township": "乡镇"}


@dataclass(frozen=True)
class Fold:
    """One back-test step: the term whose snapshot is scored, its cut-off and the outcome window."""

    school_year: int
    term: int
    cutoff: date
    horizon: date

    @property
    def label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}学年第{self.term}学期末"


def folds(con: duckdb.DuckDBPyConnection, *, as_of: date) -> list[Fold]:
    """Terms with a snapshot and a following term, whose cut-off is before ``as_of``."""
    terms = con.execute(
        "SELECT c.school_year, c.term, max(c.day) AS last_day FROM school_calendar c "
        "WHERE c.is_school_day AND (c.school_year, c.term) IN (SELECT DISTINCT school_year, term FROM enrolments) "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    return [
        Fold(int(y), int(t), last, min(nxt[2], as_of))
        for (y, t, last), nxt in itertools.pairwise(terms)
        if last < as_of
    ]


def inputs_at(con: duckdb.DuckDBPyConnection, scope: Scope, fold: Fold, *, window_days: int) -> pd.DataFrame:
    """Risk inputs for the students enrolled in ``fold``'s snapshot, from data dated on or
    before ``fold.cutoff`` only, plus ``sex`` and ``code`` (the school's township) for groups.

    Registered attributes (poverty, disability, care flags, learning difficulty) are
    read as they stand: the store keeps no history of them (see docs/risk.md).
    """
    where, params = scope.school_where("sc")
    prio = aid.priority_group_sql("st")
    cut = fold.cutoff.isoformat()
    return con.execute(
        f"""
        WITH days AS (
            SELECT day, row_number() OVER (ORDER BY day DESC) AS k FROM school_calendar
            WHERE is_school_day AND day <= ?::DATE
        ), unexcused AS (
            SELECT a.student_id, count(*) FILTER (WHERE d.k <= ?) AS recent,
                   count(*) FILTER (WHERE d.k > ? AND d.k <= 2 * ?) AS prior
            FROM absences a JOIN days d ON d.day = a.day
            WHERE NOT a.excused AND a.day <= ?::DATE GROUP BY 1
        ), paid AS (
            SELECT DISTINCT student_id FROM aid_records
            WHERE programme = ? AND school_year = ? AND term = ? AND paid_amount > 0 AND paid_date <= ?::DATE
        )
        SELECT e.student_id, sc.township_code AS code, e.school_code, e.grade, st.sex, st.boarding,
               st.learning_difficulty, st.score_trend, st.disability, st.disabled_parent,
               st.poverty_category, st.left_behind, st.orphan, st.unsupported, st.prisoner_child,
               2 * 6371.0088 * asin(sqrt(
                   pow(sin(radians(sc.lat - v.lat) / 2), 2)
                   + cos(radians(v.lat)) * cos(radians(sc.lat)) * pow(sin(radians(sc.lon - v.lon) / 2), 2)
               )) AS home_km,
               coalesce(u.recent, 0) AS unexcused_recent, coalesce(u.prior, 0) AS unexcused_prior,
               ({prio} AND p.student_id IS NULL) AS aid_gap
        FROM enrolments e
        JOIN students st ON st.student_id = e.student_id
        JOIN schools sc ON sc.code = e.school_code
        LEFT JOIN villages v ON v.code = st.village_code
        LEFT JOIN unexcused u ON u.student_id = e.student_id
        LEFT JOIN paid p ON p.student_id = e.student_id
        WHERE e.school_year = ? AND e.term = ? AND e.status IN {ENROLLED_SQL} AND {where}
        ORDER BY e.student_id
        """,
        [
            cut,
            window_days,
            window_days,
            window_days,
            cut,
            aid.LIVING_SUBSIDY,
            fold.school_year,
            fold.term,
            cut,
            fold.school_year,
            fold.term,
            *params,
        ],
    ).df()


def outcomes(con: duckdb.DuckDBPyConnection, fold: Fold) -> set[str]:
    """Students with a dropout case reported after the cut-off, up to the horizon
    (suspicions dismissed as 误报 by the horizon excluded)."""
    rows = con.execute(
        "SELECT DISTINCT student_id FROM dropout_cases WHERE reported_on > ?::DATE AND reported_on <= ?::DATE "
        "AND student_id IS NOT NULL "
        # a suspicion dismissed as a false alarm (误报) by the horizon is not a dropout
        "AND NOT (status = '误报' AND coalesce(closed_on, reported_on) <= ?::DATE)",
        [fold.cutoff.isoformat(), fold.horizon.isoformat(), fold.horizon.isoformat()],
    ).fetchall()
    return {r[0] for r in rows}


# ------------------------------------------------------------------ models
def features(inputs: pd.DataFrame, settings: dict[str, Any]) -> np.ndarray:
    """The learned model's features: the rules' six sub-scores (0-1)."""
    return risk._sub_scores(inputs, settings)[list(risk.FACTORS)].to_numpy()


def fit_logistic(inputs: pd.DataFrame, y: np.ndarray, settings: dict[str, Any]) -> Any:
    """A class-balanced logistic regression on :func:`features`; None when ``y`` has one class."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        return None
    return LogisticRegression(class_weight="balanced", max_iter=1000).fit(features(inputs, settings), y)


def logistic_scores(model: Any, inputs: pd.DataFrame, settings: dict[str, Any]) -> np.ndarray:
    """0-100 probability score of the learned model."""
    return np.round(model.predict_proba(features(inputs, settings))[:, 1] * 100, 1)


def rank_scores(inputs: pd.DataFrame, settings: dict[str, Any]) -> np.ndarray:
    return risk.score_students(inputs, settings=settings, max_reasons=0)["score"].to_numpy()


# ------------------------------------------------------------------ measures
def top_k_measures(scores: np.ndarray, y: np.ndarray, k: int) -> dict[str, float]:
    """Precision and recall of the ``k`` highest scores (ties broken by row order)."""
    order = np.argsort(-scores, kind="stable")[:k]
    hits = int(y[order].sum())
    positives = int(y.sum())
    return {
        "k": k,
        "hits": hits,
        "positives": positives,
        "precision": hits / k if k else float("nan"),
        "recall": hits / positives if positives else float("nan"),
        "base_rate": positives / len(y) if len(y) else float("nan"),
    }


def group_measures(scores: np.ndarray, y: np.ndarray, groups: pd.Series, k: int) -> pd.DataFrame:
    """By group: size, share flagged (in the top k), dropouts, precision and recall within."""
    flagged = np.zeros(len(y), dtype=bool)
    flagged[np.argsort(-scores, kind="stable")[:k]] = True
    df = pd.DataFrame({"group": groups.to_numpy(), "flag": flagged, "y": y})
    g = df.groupby("group", dropna=False)
    out = pd.DataFrame(
        {
            "students": g.size(),
            "flagged": g["flag"].sum(),
            "dropouts": g["y"].sum(),
            "hits": g.apply(lambda d: int((d.flag & (d.y == 1)).sum()), include_groups=False),
        }
    )
    out["flag_rate"] = out["flagged"] / out["students"]
    out["precision"] = out["hits"] / out["flagged"].where(out["flagged"] > 0)
    out["recall"] = out["hits"] / out["dropouts"].where(out["dropouts"] > 0)
    return out.reset_index()


def _group_series(inputs: pd.DataFrame, name: str, towns: dict[str, str]) -> pd.Series:
    if name == "sex":
        return inputs["sex"].fillna("未知")
    if name == "township":
        return inputs["code"].map(towns).fillna(inputs["code"])
    return inputs[name].astype("boolean").fillna(False).map({True: "是", False: "否"})


@dataclass
class Backtest:
    """Results: ``overall`` (fold, model, k, precision, recall ...) and ``groups``."""

    overall: pd.DataFrame
    groups: pd.DataFrame
    folds: list[Fold]


def run_backtest(con: duckdb.DuckDBPyConnection, scope: Scope, settings: dict[str, Any]) -> Backtest:
    """Score each fold from data before its cut-off; measure top-k precision and recall.

    The logistic regression of fold i is trained on fold i-1 (features at that cut-off,
    outcomes up to its horizon, which is fold i's cut-off): it sees no later data.
    """
    window = int(settings["risk"]["absence_window_days"])
    ks = [int(k) for k in settings["risk"].get("backtest_k", [50])]
    towns = dict(con.execute("SELECT code, name FROM townships").fetchall())
    rows, group_rows = [], []
    previous: tuple[pd.DataFrame, np.ndarray] | None = None
    fs = folds(con, as_of=scope.as_of)
    for fold in fs:
        inputs = inputs_at(con, scope, fold, window_days=window)
        ys = outcomes(con, fold)
        y = inputs["student_id"].isin(ys).to_numpy().astype(int)
        ranked = {"rules": rank_scores(inputs, settings)}
        if previous is not None:
            model = fit_logistic(previous[0], previous[1], settings)
            if model is not None:
                ranked["logistic"] = logistic_scores(model, inputs, settings)
        previous = (inputs, y)
        for name, scores in ranked.items():
            for k in ks:
                rows.append(
                    {
                        "fold": fold.label,
                        "cutoff": fold.cutoff,
                        "horizon": fold.horizon,
                        "model": MODELS[name],
                        "students": len(y),
                        **top_k_measures(scores, y, k),
                    }
                )
            k = max(ks)
            for gname, glabel in GROUPS.items():
                gm = group_measures(scores, y, _group_series(inputs, gname, towns), k)
                group_rows.append(gm.assign(fold=fold.label, model=MODELS[name], dimension=glabel, k=k))
    groups = pd.concat(group_rows, ignore_index=True) if group_rows else pd.DataFrame()
    return Backtest(pd.DataFrame(rows), groups, fs)


def overall_table(bt: Backtest) -> pd.DataFrame:
    """The model card's main table (Chinese headers, rates as fractions)."""
    if bt.overall.empty:
        return pd.DataFrame()
    df = bt.overall
    return pd.DataFrame(
        {
            "截止": df["fold"],
            "模型": df["model"],
            "前k名": df["k"],
            "学生数": df["students"],
            "下学期辍学": df["positives"],
            "命中": df["hits"],
            "精确率": df["precision"],
            "召回率": df["recall"],
            "随机抽取精确率": df["base_rate"],
        }
    )


def group_table(bt: Backtest, *, dimension: str, model: str = "规则评分") -> pd.DataFrame:
    """Group table for one dimension (留守/残疾/性别/乡镇), all folds pooled."""
    g = bt.groups
    if g.empty:
        return pd.DataFrame()
    g = g[(g["dimension"] == dimension) & (g["model"] == model)]
    s = g.groupby("group", as_index=False)[["students", "flagged", "dropouts", "hits"]].sum()
    s["flag_rate"] = s["flagged"] / s["students"]
    s["precision"] = s["hits"] / s["flagged"].where(s["flagged"] > 0)
    s["recall"] = s["hits"] / s["dropouts"].where(s["dropouts"] > 0)
    return s.rename(
        columns={
            "group": dimension,
            "students": "学生人次",
            "flagged": "列入前k名",
            "dropouts": "辍学",
            "hits": "命中",
            "flag_rate": "列入比例",
            "precision": "精确率",
            "recall": "召回率",
        }
    )
