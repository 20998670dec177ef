"""Header matching tolerates what people add to a column's name: counts, units, spaces, brackets."""

from __future__ import annotations

import pytest

from lib.ingest.kinds import KINDS, clean_header, header_variants, synonym_index
from lib.ingest.read import guess_mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("寄宿床位数", "boarding_beds"),
        ("寄宿床位数（张）", "boarding_beds"),
        ("核定学位数（个）", "capacity"),
        ("核定学位（个）", "capacity"),
        ("核定 学位", "capacity"),
        ("学位", "capacity"),  # 学位数 without its 数
        ("班级数量", "classes"),
        ("教师人数", "teachers"),
        ("学校名称：", "name"),
    ],
)
def test_school_headers_with_counts_units_and_brackets(header, field):
    assert guess_mapping([header], "schools")[header] == field


def test_declared_names_win_over_variants():
    """A variant never takes a header another field declares (学生 kinds: 班级 is the class, and
    班级数 means nothing there rather than something wrong)."""
    index = synonym_index(KINDS["schools"])
    for f in KINDS["schools"].fields:
        for s in (f.label, *f.synonyms):
            assert index[clean_header(s)] in {g.name for g in KINDS["schools"].fields}
    assert guess_mapping(["班级"], "students")["班级"] == "class_no"


@pytest.mark.parametrize(
    ("name", "none"), [("班", True), ("grade", True), ("经度(wgs84)", True), ("床位", False)]
)
def test_variants_only_for_chinese_names_of_two_characters_or_more(name, none):
    assert (header_variants(name) == []) is none
