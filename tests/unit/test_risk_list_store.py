"""The 重点关注学生 list read from the store (lib.risk.listing.load_list) on the hand-made county of
tests/small_county.py: each row's name and school are its own pupil's, on today's roll (names read
beside the scores, in the same order) and on the roll of an earlier day (a pupil who has left since
is looked up by code); the list is in score order, ties by 学生编号."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from lib.core import history, store
from lib.core import settings as settings_store
from lib.risk import listing
from tests import small_county as sc

SCOPE, _id = sc.SCOPE, sc.student_id
LEFT_ON = date(2026, 11, 2)  # pupil 8 (低保: listed for it) moves away this day


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    path = sc.build(tmp_path_factory.mktemp("risklist") / "edu.duckdb")
    with store.transaction(path) as con:
        days = sc.school_days(con)
        rows = [(_id(3), d, False) for d in days[-6:]]  # absent the last six school days: a run
        rows += [(_id(9), d, False) for d in days[-12:-10]]  # two days, a fortnight ago
        con.executemany("INSERT INTO absences (student_id, day, excused) VALUES (?, ?, ?)", rows)
        con.execute(
            "UPDATE students SET status = '转出', status_date = ? WHERE student_id = ?", [LEFT_ON, _id(8)]
        )
        history.record_students(con, LEFT_ON)
    return path


def _read(path, scope):
    with store.connect(path) as con:
        lst = listing.load_list(con, scope, settings_store.effective_settings(con))
        pupils = con.execute(
            "SELECT st.student_id, st.name, sc.name AS school FROM students st JOIN schools sc "
            "ON sc.code = st.school_code"
        ).df()
    return lst, pupils.set_index("student_id")


def _in_order(lst: pd.DataFrame) -> bool:
    key = list(zip(-lst["rank_score"], -lst["score"], lst["student_id"], strict=True))
    return key == sorted(key)


def test_todays_list_names_each_pupil_by_their_own_row(county):
    lst, pupils = _read(county, SCOPE)
    assert lst["student_id"].iloc[0] == _id(3)  # six days running: the most urgent
    assert _id(8) not in set(lst["student_id"])  # gone from the roll
    assert {_id(4), _id(9), _id(12)} <= set(lst["student_id"])  # 低保, absent, 低保
    assert (lst["name"].to_numpy() == pupils.loc[lst["student_id"], "name"].to_numpy()).all()
    assert (lst["school_name"].to_numpy() == pupils.loc[lst["student_id"], "school"].to_numpy()).all()
    assert (lst["score"] > 0).all() and _in_order(lst)


def test_an_earlier_days_list_looks_up_the_pupils_of_that_day(county):
    lst, pupils = _read(county, replace(SCOPE, as_of=LEFT_ON.replace(day=1)))
    assert _id(8) in set(lst["student_id"])  # on the roll that day, and 低保
    assert _id(3) != lst["student_id"].iloc[0]  # the run had not begun
    named = lst["name"].notna()
    assert named.sum() == len(lst) - 1  # every pupil named but the one who has left
    ids = lst.loc[named, "student_id"]
    assert (lst.loc[named, "name"].to_numpy() == pupils.loc[ids, "name"].to_numpy()).all()
    assert _in_order(lst)
