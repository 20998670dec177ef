"""One home for the import's code lists: the words of a total or signature line and the grade ->
typical age rule live in lib.core.schema, and every user of them reads them there; no import
kind lists a column twice."""

from __future__ import annotations

import importlib
import re
from collections import Counter

import pandas as pd
import pytest

from lib.core import config, schema
from lib.ingest.kinds import KINDS
from lib.ingest.read import read_upload

validate = importlib.import_module("lib.ingest.validate")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_import_kind_lists_a_column_twice(kind):
    names = Counter(KINDS[kind].names)
    assert [n for n, k in names.items() if k > 1] == []


def test_students_keep_the_learning_difficulty_synonym():
    field = KINDS["students"].field("learning_difficulty")
    assert "学困生" in field.synonyms and field.type == "bool"


@pytest.mark.parametrize(("grade", "age"), [(1, 6), (6, 11), (7, 12), (9, 14)])
def test_typical_age_of_a_grade(grade, age):
    assert schema.typical_age(grade) == age


def test_typical_ages_agree_with_the_bands():
    for band, grades in schema.BAND_GRADES.items():
        assert (schema.typical_age(grades[0]), schema.typical_age(grades[-1])) == schema.BAND_AGES[band]


def test_no_module_keeps_its_own_grade_age_rule():
    own = re.compile(r"grade\s*\+\s*5\b|age\s*-\s*5\s*-")
    found = [
        str(p.relative_to(config.ROOT))
        for p in (config.ROOT / "lib").rglob("*.py")
        if "demo" not in p.parts and own.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []


def _rows(text: str) -> list[str]:
    parsed = read_upload(text.encode("utf-8"), "名单.csv", kind="students")
    kept, notes = validate.skip_summary_rows(parsed)
    return [n.code for n in notes] + [str(v) for v in kept.frame.get("name", pd.Series(dtype=str))]


def test_total_and_signature_lines_are_skipped_by_the_schemas_words():
    text = (
        "姓名,性别,年级\n"
        "王小明,男,4\n"
        "合计：2人,,\n"
        "总计村,女,3\n"  # a village-like name, not a total
        "校长：李四,,\n"  # a signature line (two cells at most)
        "小计,,\n"
    )
    got = _rows(text)
    assert got.count("summary_row") == 3
    assert [v for v in got if v != "summary_row"] == ["王小明", "总计村"]


def test_every_summary_word_is_recognised():
    for word in schema.SUMMARY_ROW_WORDS:
        assert re.fullmatch(validate._SUMMARY, f"{word}：12人"), word
    for word in schema.FOOTER_ROW_WORDS:
        assert re.fullmatch(validate._FOOTER, f"{word}：某某"), word
