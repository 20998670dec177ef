"""学籍核查 · problem records (问题学籍) on the hand-made county of tests/small_county.py, each
problem planted by hand beside a near miss that must not be listed, so that every line of the
answer is known on paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from lib.core import ids, store
from lib.roster import checks as rc
from tests import small_county as sc

SCOPE, _id = sc.SCOPE, sc.student_id


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    path = sc.build(tmp_path_factory.mktemp("problems") / "edu.duckdb")
    with store.transaction(path) as con:
        days = sc.school_days(con, since=date(2026, 9, 1))  # this term's
        absent = [(_id(1), d, False) for d in days[:20]]  # 20 school days unexcused: 空挂学籍
        absent += [(_id(2), d, False) for d in days[:19]]  # 19: not yet
        absent += [(_id(2), d, True) for d in days[19:25]]  # excused days do not count
        absent += [(_id(3), d, False) for d in days[:25]]  # an open case follows this child already
        con.executemany("INSERT INTO absences (student_id, day, excused) VALUES (?, ?, ?)", absent)
        for case_id, who, status in (("DC0002", 3, "疑似辍学"), ("DC0003", 1, "巩固")):  # 巩固: closed
            con.execute(
                "INSERT INTO dropout_cases (case_id, student_id, status, reported_on, version) "
                "VALUES (?, ?, ?, DATE '2026-10-01', 1)",
                [case_id, _id(who), status],
            )
        # 超龄: grade 2 is age 7; born 1 September 2016 makes 10 on 1 September 2026 (3 over),
        # born a day later 9 (2 over: allowed)
        con.execute("UPDATE students SET birth_date = DATE '2016-09-01' WHERE student_id = ?", [_id(4)])
        con.execute("UPDATE students SET birth_date = DATE '2016-09-02' WHERE student_id = ?", [_id(5)])
        # 疑似重复人员: 10 takes 7's name, sex, birth date and village under its own ID number;
        # 16 takes 13's and its ID number too (one child enrolled twice: not this list's)
        for copy, of in ((10, 7), (16, 13)):
            con.execute(
                "UPDATE students SET name = o.name, sex = o.sex, birth_date = o.birth_date, "
                "village_code = o.village_code FROM students o WHERE o.student_id = ? AND students.student_id = ?",
                [_id(of), _id(copy)],
            )
        con.execute(
            "UPDATE students SET id_number = (SELECT id_number FROM students WHERE student_id = ?) "
            "WHERE student_id = ?",
            [_id(13), _id(16)],
        )
        # 身份证号校验错误: a wrong check digit, and an ID that Excel cut to 15 digits
        good = con.execute("SELECT id_number FROM students WHERE student_id = ?", [_id(19)]).fetchone()[0]
        wrong = good[:17] + ("1" if good[17] != "1" else "2")
        cut = con.execute("SELECT id_number FROM students WHERE student_id = ?", [_id(20)]).fetchone()[0]
        cut = cut[:15] + "000"
        assert not ids.is_valid_id(wrong) and not ids.is_valid_id(cut)
        con.execute("UPDATE students SET id_number = ? WHERE student_id = ?", [wrong, _id(19)])
        con.execute("UPDATE students SET id_number = ? WHERE student_id = ?", [cut, _id(20)])
        # 人籍分离: the roster puts 25 in 南湾村; 26 where its record does; 27 nowhere
        for who, village in ((25, sc.V2A), (26, None), (27, None)):
            row = con.execute(
                "SELECT id_number, name, village_code FROM students WHERE student_id = ?", [_id(who)]
            ).fetchone()
            con.execute(
                "INSERT INTO school_age_roster (id_number, name, village_code) VALUES (?, ?, ?)",
                [row[0], row[1], village or (row[2] if who == 26 else None)],
            )
        home25 = con.execute(
            "SELECT v.name FROM students s JOIN villages v ON v.code = s.village_code WHERE s.student_id = ?",
            [_id(25)],
        ).fetchone()[0]
    return path, home25


def _lines(frame) -> set[tuple[str, str, str]]:
    return set(frame[["student_id", "problem", "detail"]].itertuples(index=False, name=None))


def test_each_planted_problem_and_no_near_miss(county):
    path, home25 = county
    with store.connect(path) as con:
        found = rc.problems(con, SCOPE)
    assert _lines(found) == {
        (_id(1), "kongua", "本学期无故缺勤20个上课日"),
        (_id(4), "over_age", "10岁读2年级"),
        (_id(7), "duplicate", "同名同性别同生日同村，身份证号不同"),
        (_id(10), "duplicate", "同名同性别同生日同村，身份证号不同"),
        (_id(19), "bad_id", "校验位错误"),
        (_id(20), "bad_id", "被 Excel 截断(末尾 000)"),
        (_id(25), "residence", f"户籍：南湾村，学籍：{home25}"),
    }
    # what a line shows: the student's own name and school, the label and the suggested action
    one = found[found["student_id"] == _id(19)].iloc[0]
    assert (one["name"], one["school_name"], one["township_name"]) == ("学生19", "长竹园教学点", "长竹园乡")
    assert one["problem_label"] == "身份证号校验错误" and one["action"] == rc.ACTIONS["bad_id"]
    assert found["problem"].tolist() == sorted(found["problem"])  # grouped by problem


def test_a_township_sees_its_own_pupils_only(county):
    path, _ = county
    with store.connect(path) as con:
        found = rc.problems(con, replace(SCOPE, townships=(sc.T2,)))
    # 19 and 20 attend the 教学点 of 长竹园乡; the others attend and live in 城关镇
    assert {s for s, _, _ in _lines(found)} == {_id(19), _id(20)}


def test_nothing_to_report_is_an_empty_list_with_its_columns(county):
    path, _ = county
    with store.connect(path) as con:
        found = rc.problems(con, replace(SCOPE, schools=(sc.E,)))
    assert found.empty
    assert {"student_id", "name", "school_name", "problem", "detail", "problem_label", "action"} <= set(
        found.columns
    )


def test_a_later_school_year_judges_age_on_its_own_1_september(county):
    path, _ = county
    later = replace(SCOPE, as_of=date(2027, 9, 20), school_year=None)  # the year follows the day
    with store.connect(path) as con:
        found = rc.problems(con, later)
    # on 1 September 2027 pupil 5 (born 2 September 2016) is 10 in grade 2 on the roll, 3 over, and
    # pupil 4 is 11; this term has no absences yet
    lines = _lines(found)
    assert {(_id(4), "over_age", "11岁读2年级"), (_id(5), "over_age", "10岁读2年级")} <= lines
    assert not [line for line in lines if line[1] == "kongua"]
