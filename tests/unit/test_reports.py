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
    # text, never a formula: Excel's own text mark (quote prefix), so no apostrophe is shown
    assert cell.data_type == "s" and cell.value.replace("_x000D_", "\r") == bad and cell.quotePrefix


def test_plain_values_untouched_and_title_row():
    df = pd.DataFrame({"乡镇": ["明港镇"], "人数": [3]})
    wb = openpyxl.load_workbook(io.BytesIO(reports.to_xlsx_bytes({"汇总": df}, titles={"汇总": "标题"})))
    ws = wb["汇总"]
    assert ws["A1"].value == "标题"
    assert [c.value for c in ws[2]] == ["乡镇", "人数"]
    assert [c.value for c in ws[3]] == ["明港镇", 3]
    assert reports.to_csv_bytes(df).decode("utf-8-sig") == "乡镇,人数\r\n明港镇,3\r\n"


def test_xlsx_numbers_are_numbers_in_the_house_formats():
    df = pd.DataFrame(
        {
            "乡镇": ["明港镇", "五里镇"],
            "人数": [12345, 7],
            "覆盖率": [0.9533678756476683, None],
            "变化": [-3014, 5],
            "数值": [0.961, 81344],
            "日期": [pd.Timestamp("2026-11-20"), pd.Timestamp("2026-11-21 08:30")],
        }
    )
    data = reports.to_xlsx_bytes(
        {"表": df},
        formats={"表": {"人数": "count", "覆盖率": "pct", "变化": "delta", "数值": ["pct", "count"]}},
    )
    ws = openpyxl.load_workbook(io.BytesIO(data))["表"]
    assert [c.value for c in ws[2]][:5] == ["明港镇", 12345, pytest.approx(0.9533678756476683), -3014, 0.961]
    assert [c.number_format for c in ws[2]][1:6] == ["#,##0", "0.0%", "+#,##0;-#,##0;0", "0.0%", "yyyy-mm-dd"]
    assert ws["E3"].number_format == "#,##0" and ws["C3"].value is None
    assert ws["F3"].number_format == "yyyy-mm-dd hh:mm"
    assert not any(str(c.value).startswith("'") for row in ws.iter_rows() for c in row if c.value)
