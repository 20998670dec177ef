"""Merged cells in an .xlsx, read by the one reader (lib/ingest/read.py): each range's top-left
value is in every cell of the range from the header down; a merged title stays a title; a header
cell merged over two header rows names its column; a header's text never becomes data.

Every workbook is built here by openpyxl, cell by cell, and the expected tables are written out."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from lib.ingest import read
from lib.ingest.read import read_upload


def _book(rows: list[list[object]], merges: list[str]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _table(parsed: read.ParsedFile) -> list[list[object]]:
    frame = parsed.raw if parsed.raw is not None else parsed.frame
    cols = [c for c in frame.columns if c != read.ROW]
    return [[None if pd.isna(v) else v for v in row] for row in frame[cols].itertuples(index=False)]


def test_vertical_merges_fill_every_row_of_their_range():
    data = _book(
        [
            ["学校名称", "姓名", "年级"],
            ["一小", "甲", "3"],
            [None, "乙", "4"],
            [None, "丙", "5"],
            ["二小", "丁", "3"],
            [None, "戊", "6"],
        ],
        ["A2:A4", "A5:A6"],
    )
    parsed = read_upload(data, "名单.xlsx", kind=None)
    assert parsed.columns == ["学校名称", "姓名", "年级"]
    assert [r[0] for r in _table(parsed)] == ["一小", "一小", "一小", "二小", "二小"]
    assert parsed.frame[read.ROW].tolist() == [2, 3, 4, 5, 6]
    assert parsed.cell_types["学校名称"].tolist() == ["s"] * 5  # the filled cells are text, as the first
    notes = [(p.row, p.column, p.code) for p in parsed.notes]
    assert notes == [(2, "学校名称", "merged_filled"), (5, "学校名称", "merged_filled")]


def test_a_horizontal_merge_fills_each_column_of_its_row():
    data = _book(
        [
            ["姓名", "父亲电话", "母亲电话", "备注"],
            ["甲", "13800000001", "13800000002", "无"],
            ["乙", "同上(共用)", None, "住校"],
        ],
        ["B3:C3"],
    )
    assert _table(read_upload(data, "a.xlsx", kind=None)) == [
        ["甲", "13800000001", "13800000002", "无"],
        ["乙", "同上(共用)", "同上(共用)", "住校"],
    ]


def test_a_block_merge_fills_all_its_cells_and_numbers_stay_numbers():
    data = _book(
        [["乡镇", "村", "人数", "备注"], ["明港镇", "一村", 12, "甲"], [None, None, None, "乙"]],
        ["A2:A3", "C2:C3"],
    )
    parsed = read_upload(data, "a.xlsx", kind=None)
    assert _table(parsed) == [["明港镇", "一村", "12", "甲"], ["明港镇", None, "12", "乙"]]
    assert parsed.cell_types["人数"].tolist() == ["n", "n"]  # a merged number is still a number


def test_a_merged_title_row_is_neither_header_nor_data():
    rows = [
        ["平桥区明港镇中心小学2026年秋季学生名册", None, None],
        ["姓名", "学校名称", "年级"],
        ["甲", "明港镇中心小学", "4"],
        ["乙", "明港镇中心小学", "5"],
    ]
    for kind in (None, "students"):
        parsed = read_upload(_book(rows, ["A1:C1"]), "a.xlsx", kind=kind)
        assert parsed.header_row == 2
        assert parsed.columns == ["姓名", "学校名称", "年级"]
        assert parsed.title == ["平桥区明港镇中心小学2026年秋季学生名册"]  # once, not thrice
        assert parsed.n_rows == 2
        assert not any("名册" in str(v) for row in _table(parsed) for v in row)


def test_a_title_merged_over_two_rows_is_still_a_title():
    rows = [["学生名册", None, None], [None, None, None], ["姓名", "性别", "年级"], ["甲", "男", "4"]]
    parsed = read_upload(_book(rows, ["A1:C2"]), "a.xlsx", kind=None)
    assert parsed.header_row == 3 and parsed.columns == ["姓名", "性别", "年级"]
    assert _table(parsed) == [["甲", "男", "4"]]


def test_a_header_cell_merged_over_two_header_rows_names_its_column():
    """序号 and 姓名 stand over both header rows; 基本信息 spans the two columns named in row 2."""
    rows = [
        ["序号", "姓名", "基本信息", None],
        [None, None, "学校名称", "年级"],
        ["1", "甲", "明港镇中心小学", "4"],
        ["2", "乙", "明港镇中心小学", "5"],
    ]
    parsed = read_upload(_book(rows, ["A1:A2", "B1:B2", "C1:D1"]), "a.xlsx", kind="students")
    assert parsed.header_row == 2
    assert parsed.columns == ["序号", "姓名", "学校名称", "年级"]
    assert parsed.title == ["序号 姓名 基本信息"]
    assert parsed.frame["name"].tolist() == ["甲", "乙"]
    assert parsed.frame["grade"].tolist() == ["4", "5"]
    assert not [p for p in parsed.notes if p.code == "merged_filled"]  # nothing filled below the header


def test_a_header_merged_across_columns_names_each_and_never_becomes_data():
    """联系电话 spans two columns; 备注 is merged from the header down into the first data rows."""
    rows = [
        ["姓名", "联系电话", None, "备注"],
        ["甲", "13800000001", "13800000002", None],
        ["乙", "13800000003", None, None],
        ["丙", "13800000004", None, "转入"],
    ]
    parsed = read_upload(_book(rows, ["B1:C1", "D1:D3"]), "a.xlsx", kind=None)
    assert parsed.header_row == 1
    assert parsed.columns == ["姓名", "联系电话", "联系电话(2)", "备注"]
    assert _table(parsed) == [
        ["甲", "13800000001", "13800000002", None],
        ["乙", "13800000003", None, None],
        ["丙", "13800000004", None, "转入"],
    ]


def test_a_merge_reaching_past_the_data_makes_no_rows():
    rows = [["学校名称", "姓名"], ["一小", "甲"], [None, "乙"]]
    parsed = read_upload(_book(rows, ["A2:A3000"]), "a.xlsx", kind=None)
    assert _table(parsed) == [["一小", "甲"], ["一小", "乙"]]


def test_every_upload_path_sees_the_filled_values():
    """精准识别 (read_registry) and 自由探索 / 数据导入 (parse_upload, in the worker) read the merged
    乡镇 of a registry list in every row, as read_upload does."""
    from lib.aid import reconcile
    from lib.ingest import worker
    from tests.fixtures.ingest.samples import valid_id

    a, b, c = (valid_id(seq=n) for n in (1, 2, 3))
    rows = [["乡镇", "姓名", "身份证号码"], ["明港镇", "甲", a], [None, "乙", b], ["五里镇", "丙", c]]
    data = _book(rows, ["A2:A3"])
    registry = reconcile.read_registry(data, "脱贫名单.xlsx", kind="poverty")
    assert registry["township"].tolist() == ["明港镇", "明港镇", "五里镇"]
    assert registry["id_number"].tolist() == [a, b, c]
    explored = worker.parse_upload(data, "脱贫名单.xlsx", kind=None)
    assert [r[0] for r in _table(explored)] == ["明港镇", "明港镇", "五里镇"]
    assert [p.code for p in explored.notes] == ["merged_filled"]
