import csv as csv_module
import io

import openpyxl
import pandas as pd
import pytest

from lib.present import reports


@pytest.mark.parametrize("bad", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formula_cells_neutralised_in_csv_and_xlsx(bad):
    df = pd.DataFrame({"姓名": [bad, "张*三"], "n": [1, 2]})
    csv = reports.to_csv_bytes(df)
    assert csv.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM"
    rows = list(csv_module.reader(io.StringIO(csv.decode("utf-8-sig"), newline="")))
    assert rows[1][0] == "'" + bad
    wb = openpyxl.load_workbook(io.BytesIO(reports.to_xlsx_bytes({"表": df})))
    cell = wb["表"]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("'")  # text, never a formula


def test_plain_values_untouched_and_title_row():
    df = pd.DataFrame({"乡镇": ["明港镇"], "人数": [3]})
    wb = openpyxl.load_workbook(io.BytesIO(reports.to_xlsx_bytes({"汇总": df}, titles={"汇总": "标题"})))
    ws = wb["汇总"]
    assert ws["A1"].value == "标题"
    assert [c.value for c in ws[2]] == ["乡镇", "人数"]
    assert [c.value for c in ws[3]] == ["明港镇", 3]
    assert reports.to_csv_bytes(df).decode("utf-8-sig") == "乡镇,人数\r\n明港镇,3\r\n"
