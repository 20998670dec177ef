"""Absence runs counted in the store (lib.dropout.data.absence_runs) on the hand-made county of
tests/small_county.py: the runs known on paper, and the same runs as the rule on frames
(lib.dropout.rules.absence_runs), for the county and for one township."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from lib.core import store
from lib.dropout import data, rules
from tests import small_county as sc

SCOPE, _id = sc.SCOPE, sc.student_id


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    path = sc.build(tmp_path_factory.mktemp("runs") / "edu.duckdb")
    with store.transaction(path) as con:
        days = sc.school_days(con)
        rows = [(_id(1), d, False) for d in days[-6:]]  # 城关 A: the last six school days
        rows += [(_id(37), d, False) for d in days[-3:]] + [(_id(37), days[-4], True)]  # 长竹园 D: three
        rows += [(_id(2), d, False) for d in days[-9:-1]]  # back on the last day: no run
        rows += [(_id(38), d, False) for d in days[-5:-3] + days[-2:]]  # a day present: the last two
        con.executemany("INSERT INTO absences (student_id, day, excused) VALUES (?, ?, ?)", rows)
    return path, days


def _runs(frame: pd.DataFrame) -> dict[str, tuple]:
    return {r.student_id: (r.run_start, r.days, r.through) for r in frame.itertuples()}


def test_the_runs_known_on_paper_for_the_county_and_a_township(county):
    path, days = county
    with store.connect(path) as con:
        whole = data.absence_runs(con, SCOPE)
        town = data.absence_runs(con, replace(SCOPE, townships=(sc.T2,)))
    last = days[-1]
    assert _runs(whole) == {
        _id(1): (days[-6], 6, last),
        _id(37): (days[-3], 3, last),
        _id(38): (days[-2], 2, last),
    }
    assert whole["student_id"].tolist() == [_id(1), _id(37), _id(38)]  # longest first
    assert _runs(town) == {_id(37): (days[-3], 3, last), _id(38): (days[-2], 2, last)}


def test_the_store_counts_what_the_rule_counts_on_frames(county):
    path, days = county
    with store.connect(path) as con:
        got = data.absence_runs(con, SCOPE)
        absences = store.frame(
            con,
            "SELECT a.student_id, a.day, a.excused, st.school_code FROM absences a "
            "JOIN students st ON st.student_id = a.student_id",
        )
        reported = data.reported_through(con, SCOPE)
    absences["day"] = pd.to_datetime(absences["day"]).dt.date
    through = pd.Series(pd.to_datetime(reported["through"]).dt.date.to_numpy(), index=reported["school_code"])
    want = rules.absence_runs(absences, days, as_of=sc.AS_OF, reported_through=through)
    pd.testing.assert_frame_equal(got, want)
