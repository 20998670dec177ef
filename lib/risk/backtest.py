"""Back-test of the 重点关注学生 score on the store's history (model card: docs/risk.md).

For each past term with data and a following term, the students enrolled at the term's last
school day (the cut-off) are scored from data as it stood then: registered attributes from the
change log (:func:`lib.core.history.students_as_of`), absences, cases and payments dated on or
before the cut-off.  The outcome is a dropout case reported after the cut-off and up to the end
of the next term (or ``as_of``).  Reported per fold and model: AUC, precision and recall of the
top k, and calibration by band; the models are the rules, a logistic regression trained on the
previous fold (whose outcomes are all known by the cut-off, so it too sees no later data), and
two simple baselines with the same weights (absence only; the seed's four risks only).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import history, store
from lib.core.scope import Scope
from lib.risk import inputs as risk_inputs
from lib.risk import score as risk

#: Model codes (JSON, CLI) -> Chinese names (the page).
MODELS = {
    "rules": "规则评分",
    "logistic": "逻辑回归",
    "baseline_absence": "基线：仅看缺勤",
    "baseline_seed4": "基线：四类风险",
}
GROUPS = {"left_behind": "留守", "disability": "残疾", "sex": "性别", "township": "乡镇"}


@dataclass(frozen=True)
class Fold:
    """One back-test step: the term whose end is scored, its cut-off and the outcome window."""

    school_year: int
    term: int
    cutoff: date
    horizon: date

    @property
    def label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}学年第{self.term}学期末"


def folds(con: duckdb.DuckDBPyConnection, *, as_of: date) -> list[Fold]:
    """Terms with data (a roll at the cut-off, from the change log or a term snapshot, and
    absences recorded in the term) and a following term, whose cut-off is before ``as_of``."""
    terms = con.execute(
        "SELECT c.school_year, c.term, min(c.day) AS first_day, max(c.day) AS last_day FROM school_calendar c "
        "WHERE c.is_school_day GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    snap = {
        (int(y), int(t))
        for y, t in con.execute("SELECT DISTINCT school_year, term FROM enrolments").fetchall()
    }
    out = []
    for (y, t, first, last), nxt in itertools.pairwise(terms):
        if last >= as_of:
            continue
        has_roll = history.has_history(con, last) or (int(y), int(t)) in snap
        has_absences = con.execute(
            "SELECT count(*) > 0 FROM (SELECT 1 FROM absences WHERE day BETWEEN ?::DATE AND ?::DATE LIMIT 1)",
            [first.isoformat(), last.isoformat()],
        ).fetchone()[0]
        if has_roll and has_absences:
            out.append(Fold(int(y), int(t), last, min(nxt[3], as_of)))
    return out


def roll_at(con: duckdb.DuckDBPyConnection, fold: Fold) -> tuple[pd.DataFrame, str]:
    """The roll at the fold's cut-off and where it came from: ``history`` (the change log, as
    it stood that day) or ``snapshot`` (the term's enrolments with today's attributes: a
    fallback for stores without a change log, which the model card flags)."""
    if history.has_history(con, fold.cutoff):
        return history.students_as_of(con, fold.cutoff), "history"
    cols = [c for c in risk_inputs.ROLL_COLUMNS if c not in ("student_id", "grade", "school_code", "status")]
    roll = store.frame(
        con,
        f"SELECT e.student_id, e.grade, e.school_code, e.status, {', '.join('st.' + c for c in cols)} "
        "FROM enrolments e JOIN students st ON st.student_id = e.student_id WHERE e.school_year = ? AND e.term = ?",
        [fold.school_year, fold.term],
    )
    return roll, "snapshot"


def inputs_at(
    con: duckdb.DuckDBPyConnection, scope: Scope, fold: Fold, settings: dict[str, Any]
) -> pd.DataFrame:
    """Risk inputs for the students enrolled at ``fold``'s cut-off, from data as it stood then
    (with the criteria of the fold's school year), plus ``sex`` and ``code`` for the groups."""
    roll, _ = roll_at(con, fold)
    return risk_inputs.inputs_on(
        con, scope, fold.cutoff, risk.criteria_for(settings, fold.school_year), roll=roll
    )


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
    """The learned model's features: the rules' sub-scores (absence ones unbounded)."""
    subs = risk._sub_scores(inputs, settings)
    return np.column_stack([subs[f] for f in risk.FACTORS])


def fit_logistic(inputs: pd.DataFrame, y: np.ndarray, settings: dict[str, Any]) -> Any:
    """A class-balanced logistic regression on :func:`features`; None when ``y`` has one class."""
    from sklearn.linear_model import LogisticRegression  # heavy: only when a model is fitted

    if len(set(y.tolist())) < 2:
        return None
    return LogisticRegression(class_weight="balanced", max_iter=2000).fit(features(inputs, settings), y)


def logistic_scores(model: Any, inputs: pd.DataFrame, settings: dict[str, Any]) -> np.ndarray:
    """0-100 probability score of the learned model."""
    return np.round(model.predict_proba(features(inputs, settings))[:, 1] * 100, 1)


def rank_scores(inputs: pd.DataFrame, settings: dict[str, Any], model: str = "rules") -> np.ndarray:
    """A rule model's scores (:func:`lib.risk.score.model_scores`)."""
    return risk.model_scores(inputs, settings, model)


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


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (the chance that a random dropout outranks a random stayer;
    ties count half), by the rank-sum formula; NaN without both classes."""
    y = np.asarray(y).astype(bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = pd.Series(np.asarray(scores, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def calibration(bands: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Per band (高/中/低): students, dropouts and the observed dropout rate."""
    df = pd.DataFrame({"band": bands, "y": y})
    out = df.groupby("band")["y"].agg(students="size", dropouts="sum").reindex(list(risk.BANDS), fill_value=0)
    out["rate"] = out["dropouts"] / out["students"].where(out["students"] > 0)
    return out.reset_index()


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
    """Results: ``overall`` (fold, model, k, precision, recall, auc ...), ``groups``,
    ``calibration`` (fold, band, students, dropouts, rate), the folds scored, the folds left
    out (no dropout after the cut-off: nothing to measure) and where each roll came from."""

    overall: pd.DataFrame
    groups: pd.DataFrame
    folds: list[Fold]
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)
    skipped: list[Fold] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def run_backtest(
    con: duckdb.DuckDBPyConnection | Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    scope: Scope,
    settings: dict[str, Any],
    *,
    progress: Callable[[float, str], None] | None = None,
) -> Backtest:
    """Score each fold from data as it stood at its cut-off; measure AUC, top-k precision and
    recall and calibration, for the rules, the logistic regression and the two baselines.

    The logistic regression of fold i is trained on fold i-1 (features at that cut-off,
    outcomes up to its horizon, which is fold i's cut-off): it sees no later data.  A fold
    with no dropout after its cut-off is left out (``skipped``).

    ``con`` is an open connection, or a function opening one (``lambda: store.connect(path)``):
    then the store is open only while a fold's data is read, not while it is scored (a
    background job leaves the store to the CLI).  ``progress(fraction, phase)`` after each fold.
    """
    opener = (lambda: nullcontext(con)) if isinstance(con, duckdb.DuckDBPyConnection) else con
    say = progress or (lambda fraction, text: None)
    ks = [int(k) for k in settings["risk"].get("backtest_k", [50])]
    with opener() as c:
        towns = dict(c.execute("SELECT code, name FROM townships").fetchall())
        fold_list = folds(c, as_of=scope.as_of)
    rows, group_rows, calib = [], [], []
    previous: tuple[pd.DataFrame, np.ndarray, dict[str, Any]] | None = None
    used, skipped, sources = [], [], {}
    for i, fold in enumerate(fold_list):
        say(0.05 + 0.9 * i / max(len(fold_list), 1), f"回测 {fold.label}")
        fold_settings = risk.criteria_for(settings, fold.school_year)
        with opener() as c:
            _, sources[fold.label] = roll_at(c, fold)
            inputs = inputs_at(c, scope, fold, settings)
            y = inputs["student_id"].isin(outcomes(c, fold)).to_numpy().astype(int)
        ranked = {
            m: rank_scores(inputs, fold_settings, m) for m in ("rules", "baseline_absence", "baseline_seed4")
        }
        if previous is not None:
            model = fit_logistic(previous[0], previous[1], previous[2])
            if model is not None:
                ranked["logistic"] = logistic_scores(model, inputs, previous[2])
        previous = (inputs, y, fold_settings)
        if y.sum() == 0:
            skipped.append(fold)
            continue
        used.append(fold)
        for name in MODELS:
            if name not in ranked:
                continue
            scores = ranked[name]
            area = auc(scores, y)
            for k in ks:
                rows.append(
                    {
                        "fold": fold.label,
                        "cutoff": fold.cutoff,
                        "horizon": fold.horizon,
                        "model": name,
                        "students": len(y),
                        **top_k_measures(scores, y, k),
                        "auc": round(area, 4),
                    }
                )
            k = max(ks)
            for gname, glabel in GROUPS.items():
                gm = group_measures(scores, y, _group_series(inputs, gname, towns), k)
                group_rows.append(gm.assign(fold=fold.label, model=name, dimension=glabel, k=k))
        bands = risk.score_students(inputs, settings=fold_settings, max_reasons=0)["band"].to_numpy()
        calib.append(calibration(bands, y).assign(fold=fold.label))
    groups = pd.concat(group_rows, ignore_index=True) if group_rows else pd.DataFrame()
    cal = pd.concat(calib, ignore_index=True) if calib else pd.DataFrame()
    say(1.0, "生成报告")
    return Backtest(pd.DataFrame(rows), groups, used, cal, skipped, sources)


def overall_table(bt: Backtest) -> pd.DataFrame:
    """The model card's main table (Chinese headers, model names in Chinese, rates as fractions)."""
    if bt.overall.empty:
        return pd.DataFrame()
    df = bt.overall
    return pd.DataFrame(
        {
            "截止": df["fold"],
            "模型": df["model"].map(MODELS),
            "AUC": df["auc"],
            "前k名": df["k"],
            "学生数": df["students"],
            "下学期辍学": df["positives"],
            "命中": df["hits"],
            "精确率": df["precision"],
            "召回率": df["recall"],
            "随机抽取精确率": df["base_rate"],
        }
    )


def calibration_table(bt: Backtest) -> pd.DataFrame:
    """Calibration of the rules' bands, per fold: 风险等级, 学生数, 下学期辍学, 实际辍学率."""
    if bt.calibration.empty:
        return pd.DataFrame()
    c = bt.calibration
    return pd.DataFrame(
        {
            "截止": c["fold"],
            "风险等级": c["band"],
            "学生数": c["students"],
            "下学期辍学": c["dropouts"],
            "实际辍学率": c["rate"],
        }
    )


def group_table(bt: Backtest, *, dimension: str, model: str = "rules") -> pd.DataFrame:
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
