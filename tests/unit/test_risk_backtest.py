"""Back-test: figures from data before each cut-off only; top-k measures."""

from __future__ import annotations

import itertools
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from lib.core import config, store
from lib.core.scope import Scope
from lib.risk import backtest as rb


@pytest.mark.parametrize(
    ("scores", "y", "k", "precision", "recall"),
    [
        ([9, 8, 7, 1], [1, 0, 1, 0], 2, 0.5, 0.5),
        ([9, 8, 7, 1], [1, 0, 1, 0], 3, 2 / 3, 1.0),
        ([1, 2, 3, 4], [1, 0, 0, 0], 1, 0.0, 0.0),
    ],
)
def test_top_k_measures(scores, y, k, precision, recall):
    m = rb.top_k_measures(np.array(scores, float), np.array(y), k)
    assert m["precision"] == pytest.approx(precision) and m["recall"] == pytest.approx(recall)


def test_group_measures():
    g = rb.group_measures(
        np.array([9, 8, 7, 1.0]), np.array([1, 0, 1, 0]), pd.Series(["a", "a", "b", "b"]), 2
    )
    a = g.set_index("group").loc["a"]
    assert a.flagged == 2 and a.hits == 1 and a.flag_rate == 1.0 and a.recall == 1.0
    assert g.set_index("group").loc["b"].flagged == 0


@pytest.mark.parametrize(
    ("scores", "y", "expected"),
    [
        ([4, 3, 2, 1], [1, 1, 0, 0], 1.0),  # every dropout above every stayer
        ([1, 2, 3, 4], [1, 1, 0, 0], 0.0),
        ([1, 1, 1, 1], [1, 0, 1, 0], 0.5),  # ties count half
        ([3, 1, 2, 0], [1, 0, 0, 1], 0.5),  # pairs (3>1,3>2 won; 0<1,0<2 lost)
    ],
)
def test_auc_by_hand(scores, y, expected):
    assert rb.auc(np.array(scores, float), np.array(y)) == pytest.approx(expected)


def test_auc_without_both_classes_is_nan():
    assert np.isnan(rb.auc(np.array([1.0, 2.0]), np.array([0, 0])))


def test_calibration_by_band():
    c = rb.calibration(np.array(["高", "高", "中", "低", "低", "低", "低"]), np.array([1, 0, 1, 0, 0, 0, 1]))
    c = c.set_index("band")
    assert list(c.index) == ["高", "中", "低"]
    assert c.loc["高", "rate"] == 0.5 and c.loc["中", "rate"] == 1.0 and c.loc["低", "rate"] == 0.25


def test_folds_cut_off_before_as_of(demo_db):
    with store.connect(demo_db) as con:
        fs = rb.folds(con, as_of=config.DEMO_AS_OF)
    assert len(fs) >= 4  # the demo's history reaches back to September two years before
    assert all(f.cutoff < f.horizon <= config.DEMO_AS_OF for f in fs)
    assert all(a.horizon <= b.horizon for a, b in itertools.pairwise(fs))


def _state(con, fold):
    inputs = rb.inputs_at(con, Scope(), fold, config.SETTINGS)
    return inputs, rb.rank_scores(inputs, config.SETTINGS)


def test_no_data_after_the_cut_off_leaks_in(fresh_db):
    """Rewriting everything dated after a cut-off leaves that fold's inputs and scores unchanged."""
    with store.connect(fresh_db) as con:
        fold = rb.folds(con, as_of=config.DEMO_AS_OF)[0]
        before_inputs, before = _state(con, fold)
        top = before_inputs["student_id"].iloc[np.argsort(-before)[:200]].tolist()
        low = before_inputs["student_id"].iloc[np.argsort(before)[:200]].tolist()
    cut = fold.cutoff
    with store.transaction(fresh_db) as con:
        # the future: every later absence gone, the low scorers absent every later school day,
        # later aid unpaid/paid, later cases
        con.execute("DELETE FROM absences WHERE day > ?", [cut])
        days = [
            r[0]
            for r in con.execute(
                "SELECT day FROM school_calendar WHERE is_school_day AND day > ? ORDER BY day LIMIT 30", [cut]
            ).fetchall()
        ]
        con.executemany("INSERT INTO absences VALUES (?, ?, false)", [(s, d) for s in low for d in days])
        con.execute("UPDATE aid_records SET paid_amount = 0 WHERE paid_date > ?", [cut])
        con.execute("UPDATE aid_records SET paid_date = ? WHERE paid_date IS NULL", [cut + timedelta(days=1)])
        con.execute("DELETE FROM dropout_cases WHERE reported_on > ?", [cut])
    with store.connect(fresh_db) as con:
        after_inputs, after = _state(con, fold)
        assert rb.outcomes(con, fold) == set()  # the outcomes did change: the test has teeth
    pd.testing.assert_frame_equal(before_inputs, after_inputs)
    np.testing.assert_array_equal(before, after)
    assert top  # the ranking compared is the real one


def test_changing_data_before_the_cut_off_does_change_scores(fresh_db):
    """The converse, so the leak test cannot pass by ignoring data altogether."""
    with store.connect(fresh_db) as con:
        fold = rb.folds(con, as_of=config.DEMO_AS_OF)[0]
        inputs, before = _state(con, fold)
        sid = inputs["student_id"].iloc[int(np.argmin(before))]
        days = [
            r[0]
            for r in con.execute(
                "SELECT day FROM school_calendar WHERE is_school_day AND day <= ? ORDER BY day DESC LIMIT 10",
                [fold.cutoff],
            ).fetchall()
        ]
    with store.transaction(fresh_db) as con:
        con.execute("DELETE FROM absences WHERE student_id = ?", [sid])
        con.executemany("INSERT INTO absences VALUES (?, ?, false)", [(sid, d) for d in days])
    with store.connect(fresh_db) as con:
        _, after = _state(con, fold)
    assert (after != before).any()


def test_run_backtest_shows_rules_and_logistic(demo_db):
    with store.connect(demo_db) as con:
        bt = rb.run_backtest(con, Scope(), config.SETTINGS)
    table = rb.overall_table(bt)
    assert set(bt.overall["model"]) == {"rules", "logistic", "baseline_absence", "baseline_seed4"}
    assert {"规则评分", "逻辑回归", "基线：仅看缺勤", "基线：四类风险"} == set(table["模型"])
    assert bt.overall["auc"].between(0, 1).all() and len(bt.folds) >= 4
    assert set(bt.sources.values()) == {"history"}
    assert table["精确率"].between(0, 1).all()
    g = rb.group_table(bt, dimension="性别")
    assert set(g["性别"]) <= {"男", "女", "未知"} and g["学生人次"].sum() > 0
