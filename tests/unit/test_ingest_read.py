"""lib.ingest.read: bytes -> text cells under canonical columns (file type, encoding, header, mapping)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from lib import ingest
from lib.core import config
from lib.ingest.read import ROW, crs_hint, decode, file_type
from tests.fixtures.ingest.samples import csv_bytes, valid_id, xlsx_bytes

A, B = valid_id(seq=1), valid_id(seq=2, male=False)
FRAME = pd.DataFrame(
    {
        "学校名称": ["平桥区第一小学", "五里店中心小学"],
        "姓名": ["张三", "李四"],
        "身份证号": [A, B],
        "年级": ["3", "4"],
    }
)
TITLES = ("平桥区2026年秋季学期学生名单", "制表单位：教体局")


def _variants() -> dict[str, bytes]:
    return {
        "utf-8": csv_bytes(FRAME, titles=TITLES),
        "utf-8-bom": csv_bytes(FRAME, titles=TITLES, encoding="utf-8-sig"),
        "gbk": csv_bytes(FRAME, titles=TITLES, encoding="gbk"),
        "utf-16-tab": b"\xff\xfe" + csv_bytes(FRAME, titles=TITLES, encoding="utf-16-le", sep="\t"),
        "xlsx": xlsx_bytes(FRAME, titles=TITLES),
    }


@pytest.mark.parametrize("variant", list(_variants()))
def test_every_encoding_reads_the_same_cells_and_rows(variant):
    parsed = ingest.read_upload(
        _variants()[variant], f"f.{'xlsx' if variant == 'xlsx' else 'csv'}", kind="students"
    )
    assert parsed.header_row == 3
    assert parsed.frame[ROW].tolist() == [4, 5]
    assert parsed.frame["id_number"].tolist() == [A, B]
    assert parsed.frame["name"].tolist() == ["张三", "李四"]
    assert parsed.headers["school_name"] == "学校名称"
    assert parsed.title[0] == TITLES[0]


def test_signature_is_the_same_for_every_encoding():
    sigs = {ingest.read_upload(b, "f", kind="students").signature() for b in _variants().values()}
    assert len(sigs) == 1


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("学校".encode("utf-8-sig"), "utf-8-sig"),
        ("学校".encode(), "utf-8"),
        ("学校".encode("gbk"), "gb18030"),
        (b"\xff\xfe" + "学校".encode("utf-16-le"), "utf-16"),
        ("学校".encode("gbk"), "gb18030"),  # also valid UTF-8 ("ѧУ"): must not be read as such
    ],
)
def test_decode_respects_bom_then_strict_utf8_then_gb18030(data, encoding):
    assert decode(data, "f.csv") == ("学校", encoding)


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused_not_garbled():
    with pytest.raises(ingest.IngestError, match="编码") as err:
        ingest.read_upload(b"name\n\x80\x81\x82\n", "x.csv", kind="students")
    assert err.value.problem.code == "encoding"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"   \n\n", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old_excel"),
        (b"PK\x03\x04garbage", "unreadable"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, code):
    with pytest.raises(ingest.IngestError) as err:
        ingest.read_upload(data, "upload.csv", kind="students")
    assert err.value.problem.code == code
    assert "upload.csv" in str(err.value)


def test_a_zip_that_is_not_a_workbook_is_binary():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(ingest.IngestError) as err:
        file_type(buf.getvalue(), "a.zip")
    assert err.value.problem.code == "binary_file"


def test_no_recognisable_header_is_refused():
    with pytest.raises(ingest.IngestError, match="前 30 行") as err:
        ingest.read_upload("甲,乙,丙\n1,2,3\n".encode(), "x.csv", kind="students")
    assert err.value.problem.code == "no_header"


def test_wrong_kind_is_named():
    data = "学校标识码,学校名称,办学类型,乡镇代码\n2141031133,一小,小学,411503100\n".encode()
    with pytest.raises(ingest.IngestError, match="学校") as err:
        ingest.read_upload(data, "schools.csv", kind="absences")
    assert err.value.problem.code == "wrong_kind"


def test_size_and_row_limits_come_from_settings(monkeypatch):
    monkeypatch.setitem(config.SETTINGS["ingest"], "max_upload_mb", 0.0001)
    with pytest.raises(ingest.IngestError, match="上限") as err:
        ingest.read_upload(csv_bytes(FRAME), "big.csv", kind="students")
    assert err.value.problem.code == "too_large"
    monkeypatch.setitem(config.SETTINGS["ingest"], "max_upload_mb", 50)
    monkeypatch.setitem(config.SETTINGS["ingest"], "max_rows", 1)
    with pytest.raises(ingest.IngestError, match="行数") as err:
        ingest.read_upload(csv_bytes(FRAME), "long.csv", kind="students")
    assert err.value.problem.code == "too_many_rows"


def test_blank_rows_are_skipped_but_keep_the_numbering():
    text = "名单\n\n姓名,身份证号,年级\n甲," + A + ",3\n\n,,\n乙," + B + ",4\n"
    parsed = ingest.read_upload(text.encode("gbk"), "a.csv", kind="students")
    assert parsed.header_row == 3
    assert parsed.frame[ROW].tolist() == [4, 7]


@pytest.mark.parametrize(("sep", "name"), [("\t", "tab"), (";", "semicolon"), ("|", "bar")])
def test_delimiter_is_detected(sep, name):
    parsed = ingest.read_upload(csv_bytes(FRAME, sep=sep, titles=("标题",)), f"{name}.csv", kind="students")
    assert parsed.frame["name"].tolist() == ["张三", "李四"]


def test_cells_keep_leading_zeros_and_x():
    frame = pd.DataFrame(
        {"姓名": ["甲"], "身份证号": ["11010519491231002x"], "学校标识码": ["0210000001"], "年级": ["3"]}
    )
    parsed = ingest.read_upload(csv_bytes(frame), "a.csv", kind="students")
    assert parsed.frame["id_number"].iloc[0] == "11010519491231002x"
    assert parsed.frame["school_code"].iloc[0] == "0210000001"


def test_xlsx_number_cells_are_written_out_as_excel_stored_them():
    frame = pd.DataFrame({"姓名": ["甲"], "身份证号": ["411503200801011234"], "年级": ["3"]})
    parsed = ingest.read_upload(xlsx_bytes(frame, numeric=("身份证号", "年级")), "a.xlsx", kind="students")
    assert parsed.frame["id_number"].iloc[0] == "411503200801011000"  # 15 significant digits kept
    assert parsed.frame["grade"].iloc[0] == "3"


@pytest.mark.parametrize(
    ("header", "kind", "field"),
    [
        ("学校名称", "schools", "name"),
        ("School_Name", "schools", "name"),
        ("学校", "schools", "name"),
        ("学校", "students", "school_name"),
        ("学校 名称*", "students", "school_name"),
        ("公民身份号码", "students", "id_number"),
        ("身份证号码（必填）", "students", "id_number"),
        ("全国学籍号", "students", "xueji_number"),
        ("经度(高德)", "schools", "lon"),
        ("latitude", "villages", "lat"),
        ("缺勤日期", "absences", "day"),
        ("实发金额", "aid_records", "paid_amount"),
        ("手机号码", "contacts", "phone"),
        ("成员身份证号", "poverty", "id_number"),
        ("户籍乡镇", "minimal_living", "township"),
        ("残疾类别", "disability", "category"),
        ("户主姓名", "roster", "guardian_name"),
    ],
)
def test_headers_map_by_synonyms(header, kind, field):
    assert ingest.guess_mapping([header], kind)[header] == field


def test_first_column_wins_a_field_and_the_second_is_reported():
    data = f"姓名,学生姓名,身份证号,年级\n甲,甲,{A},3\n".encode()
    parsed = ingest.read_upload(data, "a.csv", kind="students")
    assert parsed.mapping == {"姓名": "name", "学生姓名": None, "身份证号": "id_number", "年级": "grade"}
    assert [p.code for p in parsed.notes] == ["duplicate_column"]


def test_user_mapping_overrides_the_guess_and_moves_the_field():
    data = f"姓名,代码,身份证号,年级\n甲,2141031133,{A},3\n".encode()
    parsed = ingest.read_upload(data, "a.csv", kind="students", mapping={"代码": "school_code", "姓名": None})
    assert parsed.mapping["代码"] == "school_code"
    assert parsed.mapping["姓名"] is None
    assert parsed.frame["school_code"].tolist() == ["2141031133"]
    again = ingest.remap(parsed, {"身份证号": "xueji_number"})
    assert again.headers["xueji_number"] == "身份证号" and "id_number" not in again.headers


def test_crs_is_read_from_the_coordinate_headers():
    assert crs_hint(["学校", "经度(高德)", "纬度(高德)"]) == "gcj02"
    assert crs_hint(["百度经度", "百度纬度"]) == "bd09"
    assert crs_hint(["经度", "纬度"]) is None


def test_free_exploration_keeps_every_header():
    parsed = ingest.read_upload(csv_bytes(FRAME, titles=TITLES), "a.csv", kind=None)
    assert list(parsed.frame.columns) == [*FRAME.columns, ROW]
    assert parsed.header_row == 3


def test_duplicate_and_blank_headers_are_made_unique():
    data = "姓名,,备注,备注\n甲,1,a,b\n".encode()
    parsed = ingest.read_upload(data, "a.csv", kind=None)
    assert parsed.columns == ["姓名", "第2列", "备注", "备注(2)"]


@pytest.mark.parametrize(
    ("text", "rows", "names"),
    [
        # quoted cells (one with a line break): the general csv path, one record = one row
        ('姓名,年级,备注\n"甲",3,"两\n行"\n乙,4,"a,b"\n', [2, 3], ["甲", "乙"]),
        # a ragged row (trailing cells left out): padded, not refused
        ("姓名,年级,备注\n甲,3\n乙,4,x\n", [2, 3], ["甲", "乙"]),
        # the fast path: plain lines, CRLF, a blank line in between
        ("姓名,年级,备注\r\n甲,3,x\r\n\r\n乙,4,y\r\n", [2, 4], ["甲", "乙"]),
    ],
)
def test_general_and_fast_csv_paths_agree_on_rows(text, rows, names):
    parsed = ingest.read_upload(text.encode("gbk"), "a.csv", kind="students")
    assert parsed.frame[ROW].tolist() == rows
    assert parsed.frame["name"].tolist() == names
