"""Per-school absence detection and the roster's address reading: pure functions on frames built here."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from lib.dropout import rules
from lib.roster.address import PlaceIndex, clean_place

D = date
# school days: Mon 2026-11-09 .. Fri 11-20 (weekend 14-15 off)
DAYS = [
    D(2026, 11, 9) + timedelta(days=i)
    for i in range(12)
    if (D(2026, 11, 9) + timedelta(days=i)).weekday() < 5
]


def _absent(student: str, school: str, days: list[date], excused: bool = False) -> pd.DataFrame:
    return pd.DataFrame({"student_id": student, "school_code": school, "day": days, "excused": excused})


FRIDAY = D(2026, 11, 20)


def _runs(reported: dict[str, date | None], *frames: pd.DataFrame, as_of: date = FRIDAY) -> dict:
    runs = rules.absence_runs(
        pd.concat(frames, ignore_index=True), DAYS, as_of=as_of, reported_through=pd.Series(reported)
    )
    return {r.student_id: (r.run_start, r.days, r.through) for r in runs.itertuples()}


def test_each_school_is_judged_up_to_its_own_last_upload():
    a = _absent("A", "S1", DAYS[5:])  # 16-20: five days, school reported through 20
    b = _absent("B", "S2", DAYS[:6])  # 9-16: six days, school stopped reporting on 16
    c = _absent("C", "S2", DAYS[:3])  # 9-11, back on 12: no run
    got = _runs({"S1": D(2026, 11, 20), "S2": D(2026, 11, 16)}, a, b, c)
    assert got == {"A": (D(2026, 11, 16), 5, D(2026, 11, 20)), "B": (D(2026, 11, 9), 6, D(2026, 11, 16))}


def test_county_wide_the_late_school_loses_its_run():
    b = _absent("B", "S2", DAYS[:6])
    assert rules.absence_runs(b, DAYS, as_of=D(2026, 11, 20)).empty  # what the per-school rule fixes


def test_a_school_that_never_reported_has_no_runs_and_a_report_on_a_weekend_counts_to_friday():
    b = _absent("B", "S2", DAYS[:5])  # 9-13
    assert _runs({"S2": None}, b) == {}
    assert _runs({"S2": D(2026, 11, 15)}, b) == {"B": (D(2026, 11, 9), 5, D(2026, 11, 13))}
    assert _runs({}, b) == {}  # a school not in the list at all


def test_a_report_later_than_as_of_is_cut_at_as_of():
    a = _absent("A", "S1", DAYS[3:8])  # 12-18
    assert _runs({"S1": D(2026, 11, 20)}, a, as_of=D(2026, 11, 18)) == {
        "A": (D(2026, 11, 12), 5, D(2026, 11, 18))
    }


def test_an_excused_day_breaks_a_run_per_school_too():
    a = pd.concat([_absent("A", "S1", DAYS[:4]), _absent("A", "S1", [DAYS[4]], excused=True)])
    assert _runs({"S1": D(2026, 11, 13)}, a) == {}


def test_unreported_schools_are_listed_by_school_days_behind():
    reported = pd.DataFrame(
        {
            "school_code": ["S1", "S2", "S3", "S4"],
            "through": [D(2026, 11, 20), D(2026, 11, 18), D(2026, 11, 16), None],
        }
    )
    out = rules.unreported_schools(reported, DAYS, as_of=D(2026, 11, 20))
    # S2 misses 19 and 20 (2 >= 2), S3 misses 17-20, S4 never reported; S1 is up to date
    assert out[["school_code", "missing_days", "never"]].values.tolist() == [
        ["S4", len(DAYS), True],
        ["S3", 4, False],
        ["S2", 2, False],
    ]
    settings = {"dropout": {"unreported_after_school_days": 3}}
    assert rules.unreported_schools(reported, DAYS, as_of=D(2026, 11, 20), settings=settings)[
        "school_code"
    ].tolist() == ["S4", "S3"]


# ------------------------------------------------------------------ 户籍地址
TOWNS = pd.DataFrame(
    {"code": ["411521101", "411521103", "411521202"], "name": ["周党镇", "灵山镇", "庙仙乡"]}
)
VILLAGES = pd.DataFrame(
    {
        "code": ["411521101003", "411521101201", "411521103001", "411521202201", "411521202200"],
        "name": ["南街社区居民委员会", "雷畈村民委员会", "南街社区", "吴乡村", "庙仙村"],
        "township_code": ["411521101", "411521101", "411521103", "411521202", "411521202"],
    }
)
INDEX = PlaceIndex.build(TOWNS, VILLAGES)


@pytest.mark.parametrize(
    ("address", "town", "village"),
    [
        ("河南省信阳市罗山县周党镇雷畈村3组", "411521101", "411521101201"),
        ("罗山县周党镇南街社区12号", "411521101", "411521101003"),  # 南街社区 of 周党镇, not of 灵山镇
        ("罗山县灵山镇南街社区", "411521103", "411521103001"),
        ("罗山县庙仙乡吴乡村", "411521202", "411521202201"),  # 乡 inside a village's name
        ("罗山县 庙仙乡 庙仙村民委员会", "411521202", "411521202200"),
        ("罗山县周党镇", "411521101", None),  # the township alone
        ("雷畈村5组", "411521101", "411521101201"),  # a village name unique in the county
        ("南街社区8号", None, None),  # two townships have one: not guessed
        ("河南省信阳市浉河区某街道", None, None),
        ("", None, None),
    ],
)
def test_an_address_names_its_township_and_village(address, town, village):
    assert INDEX.from_address(address) == (town, village)


@pytest.mark.parametrize(
    ("code", "want"),
    [
        ("411521101201", ("411521101", "411521101201")),
        ("411521202000", ("411521202", None)),
        ("411521103", ("411521103", None)),
        ("411521999201", (None, None)),
        ("4115211012", (None, None)),
    ],
)
def test_a_division_code_names_its_township_and_village(code, want):
    assert INDEX.from_code(code) == want


def test_committee_suffixes_are_ignored():
    assert clean_place("胡山村民委员会") == "胡山村" and clean_place("龙山社区居民委员会") == "龙山社区"
