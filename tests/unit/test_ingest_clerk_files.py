"""The clerk's own files (tests/fixtures/ingest/clerk/): every problem in one pass, the good rows imported.

The files were not made by the demo generator: their school and village are those of the
hand-made Reference of test_ingest_validate.py, and the expected problems are written out by
row in tests/fixtures/ingest/clerk_files.py.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from lib import ingest
from lib.core.scope import Scope
from lib.ingest.read import CODES
from tests.fixtures.ingest import clerk_files as cf
from tests.unit.test_ingest_validate import S1, S2, V2, reference


def _validate(data: bytes, name: str) -> ingest.Report:
    parsed = ingest.read_upload(data, name, kind="students")
    return ingest.validate(parsed, con_or_reference=reference(), scope=Scope(), mode="append")


@pytest.fixture(scope="module")
def csv_report() -> ingest.Report:
    return _validate((cf.HERE / cf.CSV_NAME).read_bytes(), cf.CSV_NAME)


def test_the_committed_csv_is_the_clerks_gbk_file():
    data = (cf.HERE / cf.CSV_NAME).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "4年级" in data.decode("gbk") and "合计：40人" in data.decode("gbk")
    assert data == cf.csv_bytes()  # the generator still describes the committed file


def test_every_problem_of_every_row_in_one_pass(csv_report: ingest.Report):
    found: dict[int, set[str]] = {}
    for p in csv_report.problems:
        if p.row is not None and p.row != 3:  # row 3 is the header: file-level notes
            found.setdefault(p.row, set()).add(p.code)
    assert found == cf.EXPECTED


def test_good_rows_are_imported_and_totals_are_not_pupils(csv_report: ingest.Report):
    assert csv_report.rows == cf.PUPILS  # the 合计 and signature lines are not data rows
    assert csv_report.bad_rows == frozenset(cf.ERROR_ROWS)
    assert csv_report.valid_rows == cf.PUPILS - len(cf.ERROR_ROWS)
    good = csv_report.good()
    assert len(good) == 35 and set(good["school_code"]) == {S1} and set(good["village_code"]) == {V2}
    # 4年级, 四年级 and 4 are all grade 4; the pupil too old for it is imported with a warning
    assert set(good["grade"]) == {4}
    assert 33 in set(good["_row"]) and 44 not in set(good["_row"])


def test_grade_words_and_summary_are_warnings_or_plain_numbers(csv_report: ingest.Report):
    severities = {p.code: p.severity for p in csv_report.problems}
    assert severities["grade_age"] == "warning" and severities["summary_row"] == "warning"
    assert CODES["summary_row"][0] == "warning"
    assert not any("不是可识别的数字" in p.message for p in csv_report.problems)


def test_messages_show_bad_values_masked_but_recognisable(csv_report: ingest.Report):
    by_row = {(p.row, p.code): p.message for p in csv_report.problems}
    assert "“####.##.##”不是可识别的日期" in by_row[(24, "bad_date")]  # its shape, not the birth date
    assert "2016" not in by_row[(24, "bad_date")]
    assert "“4年纪”" in by_row[(19, "bad_number")]  # not personal: shown as written
    assert "与第 5 行重复" in by_row[(29, "duplicate_key")]  # a row number, never 5.0
    assert "(411503********2000)" in by_row[(14, "id_excel_zeros")]  # masked as IDs always are
    for p in csv_report.problems:  # no full ID number, no birth date in any message
        assert not re.search(r"\d{17}[\dX]|2016-03-15", p.message), p.message


def _filled_down(data: bytes) -> bytes:
    """The XLSX with every merged range's value written into each of its cells by openpyxl (what
    the reader does itself: lib/ingest/read.py)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    for rng in list(ws.merged_cells.ranges):
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        for row in ws.iter_rows(
            min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col
        ):
            for cell in row:
                cell.value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_merged_school_names_once_filled_import_every_row():
    """Validation on the values the eye reads in the merged XLSX (filled down): all 11 pupils,
    each at the school of its merged block, grades 五年级 / 5 / 5年级 alike."""
    data = _filled_down((cf.HERE / cf.XLSX_NAME).read_bytes())
    report = _validate(data, cf.XLSX_NAME)
    assert report.errors == []
    good = report.good()
    assert len(good) == sum(n for _, n in cf.XLSX_SCHOOLS)
    assert good["school_code"].tolist() == [S1] * 6 + [S2] * 5
    assert set(good["grade"]) == {5}


def test_merged_xlsx_as_uploaded_imports_every_row():
    """The reader fills each merged 学校名称 into every row of its range, and says so."""
    report = _validate((cf.HERE / cf.XLSX_NAME).read_bytes(), cf.XLSX_NAME)
    assert report.errors == [] and report.valid_rows == sum(n for _, n in cf.XLSX_SCHOOLS)
    assert report.good()["school_code"].tolist() == [S1] * 6 + [S2] * 5
    notes = [p for p in report.problems if p.code == "merged_filled"]
    assert [(p.row, p.column) for p in notes] == [(3, "学校名称"), (9, "学校名称")]
    assert notes[0].message.startswith("第 3-8 行的“学校名称”是合并单元格")


def test_the_xlsx_really_has_merged_school_names():
    ws = openpyxl.load_workbook(cf.HERE / cf.XLSX_NAME).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A8", "A9:A13"} <= merged
    assert pd.isna(ws["A4"].value) and ws["A3"].value == cf.SCHOOL


def test_a_school_named_without_the_county_is_found():
    """The store says 平桥区明港镇中心小学, the clerk writes 明港镇中心小学: the same school (when
    the shorter name is still unique); a name that only shares a word is not."""
    ref = reference()
    ref.schools = ref.schools.assign(name=["平桥区明港镇中心小学", "平桥区五里镇中心小学"])
    parsed = ingest.read_upload((cf.HERE / cf.CSV_NAME).read_bytes(), cf.CSV_NAME, kind="students")
    report = ingest.validate(parsed, con_or_reference=ref, scope=Scope(), mode="append")
    assert report.valid_rows == cf.PUPILS - len(cf.ERROR_ROWS)
    assert set(report.good()["school_code"]) == {S1}
    text = f"姓名,身份证号,学校名称,年级\n甲,{cf.valid_id(seq=9)},中心小学,3\n"
    other = ingest.validate(
        ingest.read_upload(text.encode(), "a.csv", kind="students"), con_or_reference=ref, scope=Scope()
    )
    assert any(p.code == "unknown_school" for p in other.errors)


def test_a_school_of_another_county_is_not_taken_for_ours():
    """光山县明港镇中心小学 is not 平桥区明港镇中心小学: only the store's own county may be left off
    or added (信阳市平桥区 with its city too); another county's school stays unknown."""
    ref = reference()
    ref.schools = ref.schools.assign(name=["平桥区明港镇中心小学", "平桥区五里镇中心小学"])
    rows = [
        ("甲", "光山县明港镇中心小学"),  # another county: unknown
        ("乙", "浉河区五里镇中心小学"),  # another district of the city: unknown
        ("丙", "信阳市平桥区明港镇中心小学"),  # ours, with the city
        ("丁", "明港镇中心小学"),  # ours, county left off
    ]
    text = "姓名,身份证号,学校名称,年级\n" + "".join(
        f"{n},{cf.valid_id(seq=20 + i)},{school},3\n" for i, (n, school) in enumerate(rows)
    )
    report = ingest.validate(
        ingest.read_upload(text.encode(), "a.csv", kind="students"), con_or_reference=ref, scope=Scope()
    )
    unknown = sorted(p.row for p in report.errors if p.code == "unknown_school")
    assert unknown == [2, 3]  # the file's rows 2 and 3 (row 1 is the header)
    assert list(report.good()["school_code"]) == [S1, S1]


def test_the_county_of_the_store_may_be_added_even_when_its_names_do_not_carry_it():
    ref = reference()
    ref.schools = ref.schools.assign(name=["明港镇中心小学", "五里镇中心小学"])
    ref.divisions = ("平桥区",)
    text = f"姓名,身份证号,学校名称,年级\n甲,{cf.valid_id(seq=31)},平桥区明港镇中心小学,3\n"
    text += f"乙,{cf.valid_id(seq=32)},罗山县明港镇中心小学,3\n"
    report = ingest.validate(
        ingest.read_upload(text.encode(), "a.csv", kind="students"), con_or_reference=ref, scope=Scope()
    )
    assert list(report.good()["school_code"]) == [S1]
    assert [p.row for p in report.errors if p.code == "unknown_school"] == [3]
