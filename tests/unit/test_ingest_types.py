"""lib.ingest.types: cells to values (dates, numbers, yes/no, IDs), vectorised like lib.core.ids."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.core import ids
from lib.ingest.types import (
    id_damage,
    normalise_codes,
    normalise_ids,
    normalise_phones,
    parse_bools,
    parse_dates,
    parse_grades,
    parse_numbers,
    valid_xueji,
    value_shape,
)
from tests.fixtures.ingest.samples import valid_id


def _one(fn, value):
    values, bad = fn(pd.Series([value], dtype="object"))
    return values.iloc[0], bool(bad.iloc[0])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-09-01", date(2025, 9, 1)),
        ("2025/9/1", date(2025, 9, 1)),
        ("2025.9.1", date(2025, 9, 1)),
        ("2025年9月1日", date(2025, 9, 1)),
        ("2025年09月01号", date(2025, 9, 1)),
        ("20250901", date(2025, 9, 1)),
        ("45901", date(2025, 9, 1)),  # Excel serial number
        ("45901.0", date(2025, 9, 1)),
        ("2025-09-01 08:30:00", date(2025, 9, 1)),
        ("２０２５－０９－０１", date(2025, 9, 1)),  # full-width
        (" 2025-9-1 ", date(2025, 9, 1)),
    ],
)
def test_dates_in_every_common_spelling(cell, expected):
    value, bad = _one(parse_dates, cell)
    assert not bad
    assert value.date() == expected


@pytest.mark.parametrize("cell", ["2025-13-01", "2025-02-30", "明天", "9/1", "123", "1800-01-01"])
def test_unreadable_dates_are_bad_not_guessed(cell):
    value, bad = _one(parse_dates, cell)
    assert bad and pd.isna(value)


@pytest.mark.parametrize("cell", [None, "", "   "])
def test_empty_cells_are_empty_not_bad(cell):
    for fn in (parse_dates, parse_numbers, parse_bools):
        value, bad = _one(fn, cell)
        assert not bad and pd.isna(value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234", 1234.0),
        ("1.2万", 12000.0),
        ("3 人", 3.0),
        ("¥1,250.50", 1250.5),
        ("500元", 500.0),
        ("１２", 12.0),
        ("-3", -3.0),
        ("1e3", 1000.0),
    ],
)
def test_numbers_with_separators_units_and_wan(cell, expected):
    value, bad = _one(parse_numbers, cell)
    assert not bad and value == expected


@pytest.mark.parametrize(
    ("cell", "integer", "bad"),
    [("12.5", True, True), ("12.0", True, False), ("abc", False, True), ("1,2,3x", False, True)],
)
def test_bad_numbers(cell, integer, bad):
    _, is_bad = parse_numbers(pd.Series([cell], dtype="object"), integer=integer)
    assert bool(is_bad.iloc[0]) is bad


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("no", False),
        ("1", True),
        ("0", False),
        ("√", True),
        ("×", False),
        ("住校", True),
        ("走读", False),
    ],
)
def test_yes_no(cell, expected):
    value, bad = _one(parse_bools, cell)
    assert not bad and bool(value) is expected


def test_yes_no_unreadable_is_bad():
    _, bad = _one(parse_bools, "也许")
    assert bad


GOOD = valid_id(seq=7)
CASES = [
    GOOD,
    "34052419800101001X",
    "11010519491231002X",
    "110101199003077890",  # checksum
    "411503200801011000",  # trailing 000, checksum fails
    "4.11503E+17",  # scientific
    "4.115032E17",
    "41150320080101",  # too short
    "41150319991332001X",  # bad birth date
    "ABCDEFGHIJKLMNOPQR",
    "4115032008010110001",  # 19 digits
]


@pytest.mark.parametrize("value", CASES)
def test_vectorised_id_damage_equals_lib_ids(value):
    expected = ids.id_damage(value)
    got = id_damage(pd.Series([value])).iloc[0]
    assert (None if pd.isna(got) else got) == expected


def test_a_valid_id_ending_in_000_is_not_flagged():
    idn = "411503200801015000"  # check digit 0: a real ID can end in 000
    assert ids.is_valid_id(idn)
    assert pd.isna(id_damage(pd.Series([idn])).iloc[0])


@pytest.mark.parametrize(
    "value",
    [
        "G" + GOOD,
        "G" + GOOD[:-1] + "0",
        "J41150320150301" + "123X",
        "L4115032015030112345",
        "X" + GOOD,
        "G123",
        "J4115032015A30112X",
    ],
)
def test_vectorised_xueji_equals_lib_ids(value):
    assert bool(valid_xueji(pd.Series([value])).iloc[0]) == ids.is_valid_xueji(value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (" 34052419800101001x ", "34052419800101001X"),
        ("'" + GOOD, GOOD),
        ("G" + GOOD, GOOD),
        ("３４０５２４１９８００１０１００１Ｘ", "34052419800101001X"),
        ("340524800101001", ids.id_from_15("340524800101001")),
        ("4.11503E+17", "4.11503E+17"),  # damaged: kept as written
        ("3405 2419 8001 0100 1X", "34052419800101001X"),
    ],
)
def test_ids_are_normalised_never_repaired(cell, expected):
    assert normalise_ids(pd.Series([cell])).iloc[0] == expected


def test_codes_and_phones_are_text():
    assert normalise_codes(pd.Series(["2141031133.0", " 411503100 ", "'0210000001"])).tolist() == [
        "2141031133",
        "411503100",
        "0210000001",
    ]
    assert normalise_phones(pd.Series(["138-1234-5678", "+8613812345678", "0376 1234567"])).tolist() == [
        "13812345678",
        "13812345678",
        "03761234567",
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("4", 4),
        ("4年级", 4),
        ("四年级", 4),
        ("四", 4),
        ("小学四年级", 4),
        ("４年级", 4),  # full-width digit
        (" 4 年级 ", 4),
        ("4.0", 4),  # a number written by Excel
        ("一年级", 1),
        ("初一", 7),
        ("初中二年级", 8),
        ("初3", 9),
        ("七年级", 7),
        ("七年级(初一)", 7),
        ("九年级（初三）", 9),
        ("12", 12),  # a number: out of range is the range check's word, not "unreadable"
    ],
)
def test_grades_as_schools_write_them(cell, expected):
    assert _one(parse_grades, cell) == (expected, False)


@pytest.mark.parametrize("cell", ["4年纪", "高一", "十年级", "初四年级", "4.5", "三年二班"])
def test_unreadable_grades_are_bad(cell):
    value, bad = _one(parse_grades, cell)
    assert pd.isna(value) and bad


def test_empty_grade_is_empty_not_bad():
    assert _one(parse_grades, None)[1] is False and _one(parse_grades, "  ")[1] is False


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("2016.13.01", "####.##.##"),
        ("2016年13月1日", "####年##月#日"),
        ("二〇一六年", "□□□□年"),
        ("张三", "□□"),
        ("ab-12", "aa-##"),
    ],
)
def test_personal_values_show_their_shape_only(value, shape):
    assert value_shape(value) == shape
