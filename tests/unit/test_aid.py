"""学生资助 (pure): standards by date, eligibility, coverage and its gaps, misdirected payments."""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd
import pytest

from lib.aid import rules as aid
from lib.core import config

AS_OF = date(2026, 11, 20)
FLAGS = ("orphan", "unsupported", "disability", "disabled_parent", "martyr_child")


def students(*rows: tuple) -> pd.DataFrame:
    """(student_id, school, grade, boarding, poverty_category, flags..., status)."""
    cols = ["student_id", "school_code", "grade", "boarding", "poverty_category", *FLAGS, "status"]
    return pd.DataFrame(list(rows), columns=cols)


S = students(
    ("a", "X", 3, True, "脱贫户", False, False, False, False, False, "在校"),
    ("b", "X", 8, False, None, False, False, False, True, False, "在校"),  # 残疾人子女
    ("c", "Y", 2, False, None, False, False, False, False, False, "在校"),  # no group
    ("d", "Y", 7, True, "低保", True, False, True, False, False, "送教上门"),  # 低保、孤儿、残疾学生
    ("e", "X", 5, False, "监测对象", False, False, False, False, False, "在校"),
)


def test_priority_mask_matches_the_sql_groups():
    assert aid.priority_mask(S).tolist() == [True, True, False, True, True]


def test_category_text_and_long_categories():
    assert aid.category_text(S).tolist() == ["脱贫户", "残疾人子女", "", "低保、孤儿、残疾学生", "监测对象"]
    long = aid.student_categories(S)
    assert long[long.student_id == "d"]["category"].tolist() == ["低保", "孤儿", "残疾学生"]


@pytest.mark.parametrize(
    ("key", "day", "column", "expected"),
    [
        ("grant", date(2024, 8, 31), "大学", 3300.0),
        ("grant", date(2024, 9, 1), "大学", 3700.0),
        ("student_loan", date(2022, 3, 1), "大学", 12000.0),
        ("living_subsidy", date(2019, 8, 31), "primary", None),  # before the first standard
        ("tuition_waiver", date(2025, 9, 1), "大学", None),  # no such column
    ],
)
def test_standard_in_force_on_a_day(key, day, column, expected):
    assert aid.standard_on(key, day, column) == expected


def test_history_is_judged_by_the_standard_of_its_time():
    settings = copy.deepcopy(config.SETTINGS)
    settings["aid"]["living_subsidy"] = [
        {"from": "2019-09-01", "primary": 1000, "junior": 1250},
        {"from": "2026-09-01", "primary": 1200, "junior": 1500},
    ]
    old = aid.living_subsidy_term(2025, 2, band="primary", boarding=True, settings=settings)
    new = aid.living_subsidy_term(2026, 1, band="primary", boarding=True, settings=settings)
    assert (old, new) == (500.0, 600.0)


@pytest.mark.parametrize(
    ("band", "boarding", "amount"),
    [("primary", True, 500.0), ("primary", False, 250.0), ("junior", True, 625.0), ("junior", False, 312.5)],
)
def test_living_subsidy_per_term(band, boarding, amount):
    assert aid.living_subsidy_term(2026, 1, band=band, boarding=boarding) == amount


def test_eligibility_per_programme():
    owed = aid.eligibility(S, school_year=2026, term=1, nutrition_schools={"Y"})
    got = {(r.student_id, r.programme): r.standard_amount for r in owed.itertuples()}
    assert got.keys() == {
        ("a", "生活补助"),
        ("b", "生活补助"),
        ("d", "生活补助"),
        ("e", "生活补助"),
        ("a", "省级资助"),
        ("e", "省级资助"),
        ("c", "营养改善计划"),  # d is home-taught: not at school, no meals
    }
    assert got[("a", "生活补助")] == 500.0  # primary boarder
    assert got[("b", "生活补助")] == 312.5  # junior non-boarder: half
    assert got[("a", "省级资助")] == 400.0
    why = owed.set_index(["student_id", "programme"])["why"]
    assert why[("d", "生活补助")] == "低保、孤儿、残疾学生、寄宿生"


def test_nutrition_schools_are_the_rural_ones():
    schools = pd.DataFrame({"code": ["s1", "s2", "s3"], "township_code": ["t1", "t2", "t3"]})
    towns = pd.DataFrame(
        {
            "code": ["t1", "t2", "t3"],
            "name": ["羊山街道", "明港镇", "产业集聚区街道"],
            "kind": ["街道", "镇", "类似乡级单位"],
        }
    )
    assert aid.nutrition_schools(schools, towns) == {"s2"}


def test_recipient_eligibility_by_stage():
    rec = pd.DataFrame(
        {
            "recipient_id": ["r1", "r2", "r3"],
            "stage": ["普通高中", "大学", "中职"],
            "poverty_category": ["脱贫户", "低保", None],
        }
    )
    owed = aid.recipient_eligibility(rec, school_year=2026)
    got = {(r.recipient_id, r.programme): r.standard_amount for r in owed.itertuples()}
    assert got == {("r1", "学费减免"): 1200.0, ("r1", "助学金"): 2300.0, ("r2", "助学金"): 3700.0}


def records(*rows: tuple) -> pd.DataFrame:
    """(record_id, student_id, school, programme, standard, paid, due)."""
    df = pd.DataFrame(
        list(rows),
        columns=[
            "record_id",
            "student_id",
            "school_code",
            "programme",
            "standard_amount",
            "paid_amount",
            "due_date",
        ],
    )
    df["due_date"] = pd.to_datetime(df["due_date"])
    return df.assign(school_year=2026, term=1)


def test_coverage_counts_paid_pending_and_gaps():
    owed = aid.eligibility(S, school_year=2026, term=1, nutrition_schools=set())
    rec = records(
        ("1", "a", "X", "生活补助", 500, 500, "2026-10-31"),
        ("2", "b", "X", "生活补助", 312.5, None, "2026-10-31"),  # overdue, unpaid
        ("3", "a", "X", "省级资助", 400, None, "2026-11-30"),  # not due yet
    )
    marked = aid.mark_covered(owed, rec, as_of=AS_OF)
    cov = aid.coverage_by(marked, ["programme"]).set_index("programme")
    assert cov.loc["生活补助", ["eligible", "covered", "pending", "gap"]].tolist() == [4, 1, 0, 3]
    assert cov.loc["生活补助", "coverage"] == pytest.approx(0.25)
    assert cov.loc["省级资助", ["eligible", "covered", "pending", "gap"]].tolist() == [2, 0, 1, 1]
    assert cov.loc["省级资助", "listed"] == pytest.approx(0.5)
    by_cat = aid.coverage_by_category(marked[marked.programme == "生活补助"], S).set_index("category")
    assert by_cat.loc["脱贫户", "covered"] == 1 and by_cat.loc["孤儿", "eligible"] == 1


@pytest.mark.parametrize(
    ("record", "application", "reason"),
    [
        (("1", "b", "X", "生活补助", 312.5, None, "2026-10-31"), None, "已列入发放名单，逾期20天未发"),
        (
            ("1", "b", "X", "生活补助", 312.5, None, "2026-12-31"),
            None,
            "已列入发放名单，应发日期2026-12-31，未到期",
        ),
        (None, ("已退回", "材料不全"), "申请被退回：材料不全"),
        (None, ("学校初审", None), "申请停在“资助中心核对”环节"),
        (None, ("已申请", None), "申请停在“学校初审”环节"),
        (None, None, "未申请，未纳入资助名单"),
    ],
)
def test_gap_reasons(record, application, reason):
    gaps = pd.DataFrame({"student_id": ["b"], "programme": ["生活补助"]})
    rec = records(record) if record else records()
    apps = pd.DataFrame(
        [("b", "生活补助", application[0], application[1], date(2026, 9, 5))] if application else [],
        columns=["student_id", "programme", "status", "reject_reason", "applied_on"],
    )
    assert aid.gap_reasons(gaps, rec, apps, as_of=AS_OF).tolist() == [reason]


def test_paid_not_eligible_says_why():
    owed = aid.eligibility(S, school_year=2026, term=1, nutrition_schools=set())
    everyone = pd.concat([S, students(("z", "X", 4, False, "脱贫户", *[False] * 5, "辍学"))])
    rec = records(
        ("1", "a", "X", "生活补助", 500, 500, "2026-10-31"),  # owed: fine
        ("2", "c", "Y", "生活补助", 250, 250, "2026-10-31"),  # no group
        ("3", "z", "X", "生活补助", 250, 250, "2026-10-31"),  # dropped out
        ("4", "b", "X", "省级资助", 400, 400, "2026-11-30"),  # not 脱贫户/监测对象
        ("5", "c", "Y", "生活补助", 250, 0, "2026-10-31"),  # nothing paid: not a payment
    )
    wrong = aid.paid_not_eligible(rec, owed, everyone).set_index("record_id")["reason"]
    assert wrong.to_dict() == {
        "2": "不属于家庭经济困难学生(无困难类别或标记)",
        "3": "学籍状态为“辍学”，不应发放",
        "4": "不是脱贫户或监测对象",
    }


def test_duplicates_same_person_also_across_two_schools():
    people = pd.DataFrame(
        {
            "student_id": ["a", "a2", "b", "c"],
            "id_number": ["34052419800101001X", "34052419800101001x", None, "11010519491231002X"],
        }
    )
    rec = records(
        ("1", "a", "X", "生活补助", 500, 500, "2026-10-31"),
        ("2", "a2", "Y", "生活补助", 500, 500, "2026-10-31"),  # the same ID at another school
        ("3", "b", "X", "生活补助", 250, 250, "2026-10-31"),
        ("4", "b", "X", "生活补助", 250, 250, "2026-10-31"),  # same student twice at one school
        ("5", "c", "X", "生活补助", 250, 250, "2026-10-31"),
        ("6", "c", "X", "省级资助", 400, 400, "2026-11-30"),  # another programme: fine
        ("7", "c", "X", "生活补助", 250, 0, "2026-10-31"),  # not paid: not a duplicate payment
    )
    dup = aid.duplicate_payments(rec, people)
    assert sorted(dup["record_id"]) == ["1", "2", "3", "4"]
    assert dup.set_index("record_id").loc["1", "schools"] == 2
    assert dup.set_index("record_id").loc["3", "schools"] == 1


def test_next_stage():
    assert [aid.next_stage(s) for s in ("已申请", "学校初审", "资助中心核对", "已批准", "已发放")] == [
        "学校初审",
        "资助中心核对",
        "已批准",
        "已发放",
        "已发放",
    ]


def test_standards_table_lists_every_programme():
    table = aid.standards_table(2026)
    assert set(table["资助项目"]) == {
        "生活补助",
        "营养改善计划",
        "省级资助",
        "学费减免",
        "助学金",
        "奖学金",
        "生源地信用助学贷款",
    }
    assert (table["执行起始"] <= "2026-09-01").all()


def test_a_programme_not_yet_due_says_so_instead_of_zero_percent():
    """营养改善计划 before its first due date: 尚未到发放日期, never a red 0.0%."""
    import pandas as pd

    from lib.aid import view as aid_view

    table = pd.DataFrame(
        {
            "资助项目": ["营养改善计划", "生活补助"],
            "应助": [100, 50],
            "已发放": [0, 40],
            "待发(未到期)": [98, 0],
            "应助未助": [2, 10],
            "覆盖率": [0.0, 0.8],
            "纳入率": [0.98, 0.8],
        }
    )
    shown, colours, _ = aid_view._coloured(table)
    assert shown["覆盖率"].tolist() == [aid_view.NOT_YET_DUE, "80.0%"]
    assert colours.loc[0, "覆盖率"] == "none"
    towns = pd.DataFrame({"covered": [0, 0], "pending": [60, 38]})
    assert aid_view.not_yet_due(towns, "营养改善计划").startswith("本学期营养改善计划尚未到发放日期")
    assert aid_view.not_yet_due(towns.assign(covered=[1, 0]), "营养改善计划") is None
