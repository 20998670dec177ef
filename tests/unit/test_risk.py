import copy

import numpy as np
import pandas as pd
import pytest

from lib.core import config
from lib.risk import score as risk


def _student(**kw):
    base = {
        "student_id": "S",
        "grade": 5,
        "boarding": False,
        "learning_difficulty": False,
        "score_trend": 0.0,
        "disability": False,
        "disabled_parent": False,
        "poverty_category": None,
        "left_behind": False,
        "orphan": False,
        "unsupported": False,
        "prisoner_child": False,
        "home_km": 0.5,
        "unexcused_recent": 0,
    }
    base.update(kw)
    return base


def test_no_factor_scores_zero_with_no_reasons():
    out = risk.score_students(pd.DataFrame([_student()]))
    assert out.score[0] == 0 and out.band[0] == "低" and out.reasons[0] == []


@pytest.mark.parametrize(
    ("kw", "word"),
    [
        ({"learning_difficulty": True}, "学习困难"),
        ({"home_km": 4.0}, "公里"),
        ({"poverty_category": "低保"}, "低保"),
        ({"disability": True}, "本人残疾"),
        ({"unexcused_recent": 4}, "缺勤4天"),
        ({"orphan": True}, "监护"),
    ],
)
def test_each_factor_gives_its_reason(kw, word):
    out = risk.score_students(pd.DataFrame([_student(**kw)]))
    assert out.score[0] > 0
    assert any(word in r for r in out.reasons[0])


def test_boarder_far_from_school_is_not_at_distance_risk():
    out = risk.score_students(pd.DataFrame([_student(home_km=8.0, grade=8, boarding=True)]))
    assert out.score[0] == 0


def test_junior_threshold_is_longer_than_primary():
    df = pd.DataFrame([_student(home_km=3.0, grade=3), _student(home_km=3.0, grade=8)])
    out = risk.score_students(df)
    assert out.distance[0] > 0 and out.distance[1] == 0


def test_many_factors_reach_high_band_and_order_by_contribution():
    s = _student(learning_difficulty=True, poverty_category="特困", unexcused_recent=6, orphan=True)
    out = risk.score_students(pd.DataFrame([s]))
    assert out.band[0] == "高"
    assert len(out.reasons[0]) == 3
    assert risk.high_mask(pd.DataFrame([s]))[0]


def test_score_changes_when_a_weight_changes():
    df = pd.DataFrame([_student(learning_difficulty=True, left_behind=True)])
    settings = copy.deepcopy(config.SETTINGS)
    before = risk.score_students(df, settings=settings).score[0]
    settings["risk"]["weights"]["learning"] *= 2
    assert risk.score_students(df, settings=settings).score[0] > before


def test_scored_only_keeps_the_rows_with_points_and_their_own_reasons():
    """The list's form (scored_only): the rows a factor gives points to, under their own index,
    equal to the same rows of the full frame; texts shared by distinct values stay each row's."""
    rows = [
        _student(student_id="A"),  # nothing: left out
        _student(student_id="B", home_km=4.0, poverty_category="低保", aid_gap=True),
        _student(student_id="C"),
        _student(student_id="D", home_km=4.0, current_run=3, longest_run=3),
        _student(student_id="E", home_km=6.5, poverty_category="", current_run=0, longest_run=5),
        _student(student_id="F", poverty_category="监测对象"),
    ]
    df = pd.DataFrame(rows, index=[10, 11, 12, 13, 14, 15])
    full = risk.score_students(df)
    some = risk.score_students(df, scored_only=True)
    assert list(some.index) == [11, 13, 14, 15] and list(some.student_id) == ["B", "D", "E", "F"]
    pd.testing.assert_frame_equal(some, full.loc[[11, 13, 14, 15]])
    assert full.loc[10, "reasons"] == [] and full.loc[12, "reasons"] == []
    reasons = dict(zip(some.student_id, some.reasons, strict=True))
    assert "家庭经济困难(低保)，本学期生活补助未发放" in reasons["B"]
    assert (
        "家距学校约4.0公里(直线)且未寄宿" in reasons["B"]
        and "家距学校约4.0公里(直线)且未寄宿" in reasons["D"]
    )
    assert "连续无故缺勤3个上课日(至今)" in reasons["D"]
    assert "曾连续无故缺勤5个上课日" in reasons["E"] and "家距学校约6.5公里(直线)且未寄宿" in reasons["E"]
    assert "家庭经济困难(监测对象)" in reasons["F"]


def test_a_score_adds_the_factors_in_their_order_to_the_last_bit():
    """The points are one block as pandas keeps columns: a pupil's score adds factor after factor,
    as when the points were a frame of columns, so a score on a .x5 edge rounds the same way."""
    rng = np.random.default_rng(7)
    n = 500
    df = pd.DataFrame(
        [
            _student(
                student_id=f"S{i}",
                grade=int(rng.integers(1, 10)),
                home_km=float(rng.uniform(0, 9)),
                unexcused_recent=int(rng.integers(0, 12)),
                poverty_category=[None, "低保", "脱贫户"][i % 3],
                learning_difficulty=bool(i % 4 == 0),
                left_behind=bool(i % 5 == 0),
                disabled_parent=bool(i % 7 == 0),
            )
            for i in range(n)
        ]
        # the optional inputs too: every factor gives points to someone
    ).assign(
        unexcused_term=rng.integers(0, 30, n),
        current_run=rng.integers(0, 9, n),
        longest_run=rng.integers(0, 15, n),
        age_excess=rng.integers(0, 4, n),
        prior_cases=rng.integers(0, 2, n),
        repeating=rng.random(n) < 0.1,
        school_moved=rng.random(n) < 0.1,
    )
    settings = copy.deepcopy(config.SETTINGS)
    for k, f in enumerate(risk.FACTORS):  # awkward weights: sums that need every bit
        settings["risk"]["weights"][f] = 0.1 + 0.37 * k + 1e-9 * k * k
    contrib = risk.contributions(df, settings)
    first, *rest = risk.FACTORS
    in_order = contrib[first].to_numpy().copy()
    for f in rest:
        in_order = in_order + contrib[f].to_numpy()
    assert np.array_equal(contrib.sum(axis=1).to_numpy(), in_order)
    assert (risk.score_students(df, settings=settings)["score"].to_numpy() == np.round(in_order, 1)).all()
