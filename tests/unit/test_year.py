"""A whole school year on a county made by hand (tests/small_county.py, not lib.demo): the past
stays as it was when today's data changes, the rollover gives the new year its own figures and
changes nothing the second time, a year after 2031 rolls over, and 小升初 leavers are followed."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lib import ingest
from lib.core import calendar, history, store
from lib.core.scope import Scope, school_year_of
from lib.dropout import cases as dropout_cases
from lib.ingest import corrections
from lib.ops import backup, rollover
from lib.overview import briefing, metrics, todo
from lib.overview import view as overview_view
from lib.roster import transition
from tests import small_county as sc
from tests.fixtures.ingest.samples import csv_bytes

ADMIN = Scope(county=sc.COUNTY, user="管理员", role="admin")
TODAY = sc.AS_OF + timedelta(days=3)  # the day today's data changes (a Thursday)


def _scope(day: date, **kw) -> Scope:
    return Scope(
        county=sc.COUNTY, as_of=day, school_year=school_year_of(day), user="县级甲", role="county", **kw
    )


@pytest.fixture
def county(tmp_path: Path) -> Path:
    return sc.build(tmp_path / "county.duckdb")


def figures(path: Path, day: date) -> dict:
    """Everything the overview and the briefing show for the county on ``day``."""
    scope = _scope(day)
    with store.connect(path) as con:
        ov = metrics.compute_overview(con, scope)
        b = briefing.compute_briefing(con, scope)
    return {
        "townships": ov.townships,
        "county": ov.county,
        "previous": ov.previous,
        "trend": ov.trend,
        "missing": ov.missing,
        "cards": overview_view.cards(ov),
        "headlines": briefing.headlines(b),
        "red": briefing.red_list(b),
        "schools": b.schools,
    }


def same(a: dict, b: dict) -> None:
    """Field by field: frames equal, dicts of numbers equal (None and NaN alike), the rest equal."""
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), obj=key)
        elif isinstance(x, dict):
            assert x.keys() == y.keys(), key
            for k in x:
                u, v = x[k], y[k]
                nan = lambda z: z is None or (isinstance(z, float) and math.isnan(z))  # noqa: E731
                assert (nan(u) and nan(v)) or u == v, (key, k, u, v)
        else:
            assert x == y, key


def change_today(path: Path) -> None:
    """Today's data changes through the product's own paths: an import of new pupils, corrections
    of a pupil, a school, the population and an aid payment, a new case, a new school, new counts
    and an absence, all dated ``TODAY``."""
    scope = _scope(TODAY)
    new = pd.DataFrame(
        [
            {
                "身份证号": sc.make_id(date(2019, 5, 1), 900 + i, i % 2 == 0),
                "姓名": f"新生{i}",
                "性别": "男" if i % 2 == 0 else "女",
                "出生日期": "2019-05-01",
                "年级": "1",
                "学校标识码": sc.A,
                "户籍村(社区)": sc.V1A,
                "学籍状态": "在校",
                "困难类别": "低保",
            }
            for i in range(3)
        ]
    )
    parsed = ingest.read_upload(csv_bytes(new, encoding="gbk"), "新生.csv", kind="students")
    assert ingest.commit(parsed, scope=scope, path=path).rows_written == 3
    pupils = sc.pupils()
    first = pupils[(pupils.school_code == sc.E) & (pupils.grade == 7)].iloc[0]
    for table, key, values in (
        ("students", {"student_id": first.student_id}, {"poverty_category": "特困", "status": "辍学"}),
        ("schools", {"code": sc.A}, {"capacity": 150}),
        ("village_population", {"village_code": sc.V1A, "year": 2026, "age": 8}, {"persons": 40}),
        ("aid_records", {"record_id": "AR000"}, {"paid_amount": 250.0, "paid_date": TODAY}),
    ):
        # unmasked: a 困难类别 is personal (the page asks for a reason first)
        corrections.apply_correction(
            replace(scope, mask=False), table, key, values, reason="核对后更正", path=path
        )
    other = pupils[(pupils.school_code == sc.D) & (pupils.grade == 5)].iloc[0]
    dropout_cases.open_case_for_child(
        scope, id_number=other.id_number, name=other["name"], village_code=other.village_code, path=path
    )
    with store.transaction(path) as con:  # as the enrolment_counts and schools imports write them
        con.execute(
            "UPDATE enrolment_counts SET students = 60 WHERE school_year = 2026 AND school_code = ?", [sc.C]
        )
        store.write_table(
            con,
            "schools",
            pd.DataFrame(
                [{"code": "2141152406", "name": "城关第二小学", "level": "小学", "township_code": sc.T1}]
            ),
        )
        history.record(con, TODAY, tables=("enrolment_counts", "schools"))
        con.execute("INSERT INTO absences VALUES (?, ?, FALSE)", [other.student_id, TODAY])


# ------------------------------------------------------------------ the past stays as it was
def test_past_figures_do_not_move_when_todays_data_changes(county: Path):
    past = figures(county, sc.AS_OF)
    now_before = figures(county, TODAY)
    change_today(county)
    same(figures(county, sc.AS_OF), past)  # overview and briefing of the past date: field by field
    # ... while today's figures did move (the test can fail)
    now = figures(county, TODAY)
    c0, c1 = now_before["county"], now["county"]
    assert c1["students"] == c0["students"] + 3 - 1  # three imported, one dropped out
    assert c1["schools"] == c0["schools"] + 1
    assert c1["population"] == c0["population"] + 30
    assert c1["grade9"] == c0["grade9"] - 35
    assert c1["suspected"] == c0["suspected"] + 1
    assert c1["aid_covered"] == c0["aid_covered"] + 1 and c1["aid_eligible"] == c0["aid_eligible"] + 3
    assert len(now["schools"]) == len(now_before["schools"]) + 1


def test_history_relation_is_the_live_table_until_something_later_is_recorded(county: Path):
    with store.connect(county) as con:
        assert history.relation(con, "students", sc.AS_OF) == "students"  # today: no cost
        assert history.relation(con, "students", sc.LIVE_ON - timedelta(days=1)) != "students"
        assert (
            con.execute(  # before the first record the store knew nothing
                f"SELECT count(*) FROM {history.relation(con, 'students', sc.LIVE_ON - timedelta(days=1))} s"
            ).fetchone()[0]
            == 0
        )
    ov = figures(county, sc.LIVE_ON - timedelta(days=1))
    assert ov["missing"]["students"].startswith("截至2026年9月14日尚无学籍数据")
    assert ov["cards"][0].value == "暂无数据"


# ------------------------------------------------------------------ the rollover
def _tables(path: Path) -> dict[str, int]:
    return store.row_counts(path)


def test_rollover_gives_the_new_year_its_own_figures_and_keeps_the_past(county: Path, tmp_path: Path):
    past = figures(county, sc.AS_OF)
    with store.connect(county) as con:
        dry = rollover.plan_rollover(con, to_year=2027)
    before = _tables(county)
    plan = rollover.apply_rollover(ADMIN, to_year=2027, as_of=date(2027, 8, 20), path=county)
    after = _tables(county)
    # the dry run's changes per table are what the run wrote
    changes = dry.changes().set_index("table")
    for table in ("enrolments", "enrolment_counts", "school_calendar", "enrolment_counts_history"):
        assert after[table] - before[table] == changes.loc[table, "added"], table
    assert after["students"] == before["students"]
    # a backup of the store as it was came first
    assert (
        plan.backup_file
        and backup.verify_backup(county.parent / "backups" / plan.backup_file, path=county)["students"] == 57
    )
    # by hand: 3 A and 2 D sixth-graders, 2 B third-graders, 4 + 3 ninth-graders leave; 辍学, 休学 stay
    t = plan.totals()
    assert (t["毕业"], t["不升级"], t["leavers_followed"], t["on_roll_before"]) == (14, 2, 7, 57)
    # the year that ended reads as it did, field by field
    same(figures(county, sc.AS_OF), past)
    # the new year from its own data: grade 9 of 2027 derived from the roll, over grade 1 of 2019
    new = figures(county, date(2027, 9, 15))
    towns = new["townships"].set_index("code")
    assert towns.loc[sc.T1, "consolidation"] == pytest.approx(3 / 4)
    assert towns.loc[sc.T2, "consolidation"] == pytest.approx(3 / 6)
    assert new["county"]["consolidation"] == pytest.approx(6 / 10)
    assert new["county"]["students"] == 57 - 14 - 2  # promoted pupils, at school
    # no data is said in words, never 0%: population of 2027, this term's aid
    assert set(new["missing"]) == {"population", "aid_coverage", "aid_on_time"}
    cards = {c.label: c for c in new["cards"]}
    assert cards["学龄人口"].value == "暂无数据" and "2027" in cards["学龄人口"].note
    assert cards["学龄人口"].help.startswith(
        "尚无2027年学龄人口数据"
    )  # the reason in full beside the formula
    assert cards["资助覆盖率"].value == "暂无数据" and cards["资助覆盖率"].note == "本学期尚未发放"
    assert "尚无生活补助发放记录" in cards["资助覆盖率"].help
    assert cards["巩固率"].value == "60.0%"
    # the red list is made of the new year's data only: both townships below 96% on 巩固率
    red = new["red"].set_index("code")
    assert set(red.index) == {sc.T1, sc.T2} and set(red["behind"]) == {"巩固率"}
    # a second run changes nothing and takes no second backup
    digest = {
        t: store.read_frame(f'SELECT * FROM "{t}" ORDER BY ALL', path=county)
        for t in ("students", "enrolments")
    }
    again = rollover.apply_rollover(ADMIN, to_year=2027, as_of=date(2027, 8, 20), path=county)
    assert again.already_done and again.backup_file is None and again.changes().empty
    assert _tables(county) == after
    for t, frame in digest.items():
        pd.testing.assert_frame_equal(
            store.read_frame(f'SELECT * FROM "{t}" ORDER BY ALL', path=county), frame
        )
    assert len(list((county.parent / "backups").glob("*.duckdb"))) == 1


def test_counts_already_imported_for_the_new_year_are_kept(county: Path):
    with store.transaction(county) as con:
        store.write_table(
            con,
            "enrolment_counts",
            pd.DataFrame([{"school_year": 2027, "school_code": sc.C, "grade": 9, "students": 7}]),
        )
    plan = rollover.apply_rollover(
        ADMIN, to_year=2027, as_of=date(2027, 8, 20), path=county, take_backup=False
    )
    assert plan.counts_held == 1 and plan.counts_derived.empty
    got = store.read_frame("SELECT * FROM enrolment_counts WHERE school_year = 2027", path=county)
    assert got[["school_code", "grade", "students"]].values.tolist() == [[sc.C, 9, 7]]


def test_derive_counts_counts_enrolled_pupils_per_school_and_grade():
    roll = pd.DataFrame(
        {
            "school_code": ["X", "X", "X", "Y", "Y"],
            "grade": [7, 7, 8, 7, None],
            "status": ["在校", "送教上门", "辍学", "在校", "在校"],
        }
    )
    assert rollover.derive_counts(roll).values.tolist() == [["X", 7, 2], ["Y", 7, 1]]


def test_a_year_after_2031_rolls_over(tmp_path: Path):
    path = sc.build(tmp_path / "late.duckdb")
    with store.transaction(path) as con:  # the same county, five years on
        con.execute("UPDATE meta SET value = '2031' WHERE key = 'school_year'")
        store.write_table(con, "school_calendar", calendar.year_calendar(2031), mode="replace")
    plan = rollover.apply_rollover(ADMIN, to_year=2032, as_of=date(2032, 8, 25), path=path, take_backup=False)
    assert plan.to_year == 2032 and plan.totals()["升级"] == 57 - 14 - 2
    cal = store.read_frame("SELECT * FROM school_calendar WHERE school_year = 2032", path=path)
    assert len(cal) == 365 and set(cal["term"]) == {1, 2}
    first = cal[cal.is_school_day]["day"].min()
    assert first == pd.Timestamp("2032-09-01")  # a Wednesday: term 1 starts that day
    assert 180 <= cal["is_school_day"].sum() <= 200
    # Spring Festival 2033 (31 January) falls in the winter holiday: 18 January - 6 February
    winter = cal[(cal["day"] >= "2033-01-18") & (cal["day"] <= "2033-02-06")]
    assert len(winter) == 20 and not winter["is_school_day"].any()
    assert cal.set_index("day").loc["2033-02-07", "is_school_day"]  # term 2 opens on the Monday after
    with store.connect(path) as con:
        ov = metrics.compute_overview(con, _scope(date(2032, 9, 20)))
    assert ov.county["students"] == 41 and ov.missing["population"] == "尚无2032年学龄人口数据"


# ------------------------------------------------------------------ 小升初
def _rolled(path: Path) -> Path:
    rollover.apply_rollover(ADMIN, to_year=2027, as_of=date(2027, 8, 20), path=path, take_backup=False)
    return path


def test_leavers_wait_with_their_expected_school_then_are_overdue_then_cases(county: Path):
    _rolled(county)
    with store.connect(county) as con:
        early = transition.leavers(con, _scope(date(2027, 9, 3)))
    w = early.waiting.set_index("student_id")
    assert len(w) == 7 and set(w["state"]) == {"waiting"}
    # 教学点 pupils (北岗村) go to the nearest 小学 of the next level: 长竹园小学; A's to 城关初级中学
    assert set(w.loc[w["school_code"] == sc.B, "expected_school"]) == {sc.D}
    assert set(w.loc[w["school_code"] == sc.A, "expected_school"]) == {sc.C}
    assert set(w.loc[w["school_code"] == sc.D, "expected_school"]) == {sc.E}
    first = calendar.year_calendar(2027).query("is_school_day")["day"].min().date()
    assert set(w["due_on"]) == {first + timedelta(days=14)} and set(w["case_on"]) == {
        first + timedelta(days=30)
    }
    # overdue: in 我的待办, red
    with store.connect(county) as con:
        items = todo.todo_items(con, _scope(first + timedelta(days=20)), pd.DataFrame(columns=["student_id"]))
    late = items[items["kind"] == transition.TODO_KIND]
    assert len(late) == 7 and set(late["colour"]) == {"red"} and set(late["page"]) == {"transition"}


def test_a_leaver_enrolled_at_a_junior_school_leaves_the_list_one_not_enrolled_becomes_a_case(county: Path):
    _rolled(county)
    pupils = sc.pupils()
    sixth = pupils[(pupils.school_code == sc.A) & (pupils.grade == 6)]
    enrolled, lost = sixth.iloc[0], sixth.iloc[1]
    # the junior school imports its intake: one leaver arrives (the same record, updated)
    intake = pd.DataFrame(
        [
            {
                "身份证号": enrolled.id_number,
                "姓名": enrolled["name"],
                "性别": enrolled.sex,
                "出生日期": enrolled.birth_date.isoformat(),
                "年级": "7",
                "学校标识码": sc.C,
                "户籍村(社区)": enrolled.village_code,
                "学籍状态": "在校",
            }
        ]
    )
    scope = _scope(date(2027, 9, 10))
    parsed = ingest.read_upload(csv_bytes(intake), "初一新生.csv", kind="students")
    assert ingest.commit(parsed, scope=scope, path=county, mode="update").rows_written == 1
    with store.connect(county) as con:
        lst = transition.leavers(con, _scope(date(2027, 10, 8)))
    assert enrolled.student_id not in set(lst.waiting["student_id"])
    assert lst.resolved.set_index("student_id").loc[enrolled.student_id, "resolved"] == "received"
    assert set(lst.waiting["state"]) == {"case_due"} and len(lst.waiting) == 6
    # after the deadline: a suspected case for every leaver still missing
    run = transition.open_overdue_cases(_scope(date(2027, 10, 8)), path=county)
    assert len(run.opened) == 6 and not run.failed and lost.student_id in run.opened
    case = store.read_frame(
        "SELECT * FROM dropout_cases WHERE case_id = ?", [run.opened[lost.student_id]], path=county
    )
    assert case[["status", "source", "student_id"]].values.tolist() == [
        ["疑似辍学", "小升初跟踪", lost.student_id]
    ]
    with store.connect(county) as con:
        after = transition.leavers(con, _scope(date(2027, 10, 9)))
    assert after.waiting.empty and after.counts()["case"] == 6 and after.counts()["received"] == 1
    # running it again opens nothing more
    assert not transition.open_overdue_cases(_scope(date(2027, 10, 9)), path=county).opened


def test_a_leaver_recorded_as_studying_elsewhere_leaves_the_list(county: Path):
    _rolled(county)
    scope = _scope(date(2027, 9, 20))
    with store.connect(county) as con:
        sid = transition.leavers(con, scope).waiting["student_id"].iloc[0]
    with pytest.raises(transition.TransitionError, match="就读学校"):
        transition.record_elsewhere(scope, sid, school_name=" ", county_name="", on=scope.as_of, path=county)
    transition.record_elsewhere(
        scope, sid, school_name="郑州市某中学", county_name="郑州市", on=scope.as_of, path=county
    )
    with store.connect(county) as con:
        lst = transition.leavers(con, scope)
    assert sid not in set(lst.waiting["student_id"]) and lst.counts()["elsewhere"] == 1


@pytest.mark.parametrize(
    ("left", "year"), [(date(2027, 9, 1), 2027), (date(2027, 7, 9), 2027), (date(2027, 3, 2), 2026)]
)
def test_entry_year(left, year):
    assert transition.entry_year(left) == year


def test_expected_school_is_where_most_earlier_leavers_went():
    moves = pd.DataFrame({"from_school": ["A", "A", "A", "B"], "to_school": ["X", "Y", "Y", "X"]})
    got = transition.expected_by_moves(moves).set_index("from_school")
    assert got["expected_school"].to_dict() == {"A": "Y", "B": "X"} and got.loc["A", "pupils"] == 2


def test_states_follow_the_deadlines():
    due = pd.Series([date(2027, 9, 15)] * 3)
    case = pd.Series([date(2027, 10, 1)] * 3)
    for day, state in (
        (date(2027, 9, 14), "waiting"),
        (date(2027, 9, 15), "overdue"),
        (date(2027, 10, 1), "case_due"),
    ):
        assert set(transition.states(due, case, as_of=day)) == {state}


# ------------------------------------------------------------------ the CLI contracts
def test_cli_rollover_and_transition(county: Path, monkeypatch, capsys):
    import json

    from lib import cli

    monkeypatch.setenv("EDU_DB", str(county))
    assert cli.main(["rollover", "--to", "2027", "--dry-run", "--json"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert dry["totals"]["leavers_followed"] == 7 and dry["backup"] is None
    assert {c["table"] for c in dry["changes"]} >= {"students", "enrolment_counts", "school_calendar", "meta"}
    assert cli.main(["rollover", "--to", "2027", "--as-of", "2027-08-20", "--json"]) == 0
    real = json.loads(capsys.readouterr().out)
    assert real["backup"].startswith("edu-") and real["changes"] == dry["changes"]
    assert cli.main(["transition", "--as-of", "2027-10-08", "--open-cases", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["opened"]) == 7 and out["failed"] == {} and out["leavers"] == []
    assert out["counts"]["case"] == 7
    assert cli.main(["transition", "--as-of", "2027-10-09"]) == 0
    assert "小升初待接收 0 人" in capsys.readouterr().out


def test_an_imported_calendar_overrides_the_rollovers_draft_and_moves_the_deadlines(county: Path):
    _rolled(county)
    draft = store.read_frame(
        "SELECT day, is_school_day FROM school_calendar WHERE day IN ('2027-09-01', '2027-09-04') ORDER BY day",
        path=county,
    )
    assert draft["is_school_day"].tolist() == [True, False]  # a Wednesday, a Saturday
    # the county's own 校历: term starts on Thursday 2 September, Saturday 4 September made up
    own = pd.DataFrame({"日期": ["2027-09-01", "2027-09-04"], "类型": ["放假", "调休上课"]})
    parsed = ingest.read_upload(csv_bytes(own, encoding="gbk"), "校历.csv", kind="calendar")
    assert ingest.commit(parsed, scope=_scope(date(2027, 8, 25)), path=county).rows_written == 2
    got = store.read_frame(
        "SELECT day, is_school_day FROM school_calendar WHERE day IN ('2027-09-01', '2027-09-04') ORDER BY day",
        path=county,
    )
    assert got["is_school_day"].tolist() == [False, True]
    assert (
        len(store.read_frame("SELECT * FROM school_calendar WHERE school_year = 2027", path=county)) == 366
    )  # to 2028-08-31, a leap year
    with store.connect(county) as con:
        lst = transition.leavers(con, _scope(date(2027, 9, 3)))
    assert set(lst.waiting["due_on"]) == {date(2027, 9, 2) + timedelta(days=14)}
    # a second rollover run does not put the draft back
    rollover.apply_rollover(ADMIN, to_year=2027, as_of=date(2027, 8, 26), path=county, take_backup=False)
    again = store.read_frame(
        "SELECT is_school_day FROM school_calendar WHERE day = '2027-09-01'", path=county
    )
    assert not again["is_school_day"].iloc[0]


def test_the_new_years_briefing_names_what_it_leaves_out(county: Path):
    _rolled(county)
    scope = _scope(date(2027, 9, 15))
    with store.connect(county) as con:
        b = briefing.compute_briefing(con, scope)
        html = briefing.render_html(b, briefing.township_shapes(con, scope))
    assert "资助覆盖率、按时足额发放率暂无数据，未计入红名单" in briefing.red_list_html(b)
    heads = {h.key: h for h in briefing.headlines(b)}
    assert heads["population"].value == "暂无数据" and heads["population"].note == "尚无2027年学龄人口数据"
    assert "尚无2027年学龄人口数据" in html
    cards = briefing.cards_html(briefing.headlines(b), b.last)
    assert cards.count("暂无数据") == 3 and ">0.0%<" not in cards
