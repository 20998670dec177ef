"""Hostile uploads, replayed: an XLSX shared-strings bomb (before: 275 s of CPU and 1.25 GB), a
row bomb (before: past 400 s), and a file of 91,172 rows passing with ``max_rows=5``.  Now every
upload path (import, 自由探索, 精准识别, 学籍核查; page and CLI) passes the gate where the bytes
arrive (lib.ingest.gate): the settings' limits hold, and a bomb is refused in bounded time and
memory before any parser sees it.  Figures are printed (``-s``) and bounded by the asserts."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from lib import cli, ui
from lib.aid import reconcile
from lib.core import settings as settings_store
from lib.core import store
from lib.core.scope import Scope
from lib.ingest import gate
from lib.roster import register as roster
from tests.xlsx_parts import workbook_zip

ADMIN = Scope(user="管理员", role="admin")
COUNTY = Scope(user="县级", role="county")


def _workbook(parts: dict[str, object]) -> bytes:
    """An XLSX-shaped zip (no workbook part); see :func:`tests.xlsx_parts.workbook_zip`."""
    return workbook_zip(parts, compresslevel=9)


def _measure(data: bytes, name: str) -> tuple[str, float, float]:
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        gate.check_upload(data, name, limits=(50 * 1024 * 1024, 500_000))
        message = ""
    except gate.UploadRefused as exc:
        message = str(exc)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\n{name}: {len(data) / 1024:,.0f} KB, refused in {seconds:.2f} s, peak {peak / 1e6:.1f} MB: {message}"
    )
    return message, seconds, peak / 1e6


def test_a_shared_strings_bomb_is_refused_in_bounded_time_and_memory():
    si = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    bomb = _workbook(
        {
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
            "xl/sharedStrings.xml": (b"<sst>", si, 300_000, b"</sst>"),  # ~300 MB of strings
        }
    )
    assert len(bomb) < 2 * 1024 * 1024
    message, seconds, peak_mb = _measure(bomb, "shared-strings-bomb.xlsx")
    assert "压缩炸弹" in message
    assert seconds < 2 and peak_mb < 16


def test_a_row_bomb_is_refused_after_counting_past_the_limit():
    row = lambda i: f'<row r="{i + 2}"><c r="A{i + 2}"><v>{i * 7919 % 1000003}</v></c></row>'.encode()  # noqa: E731
    bomb = _workbook(
        {
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": (
                b"<worksheet><sheetData>",
                row,
                1_500_000,
                b"</sheetData></worksheet>",
            ),
        }
    )
    message, seconds, peak_mb = _measure(bomb, "row-bomb.xlsx")
    assert "超过 500,000 行" in message
    assert seconds < 10 and peak_mb < 16


def test_an_ordinary_workbook_passes(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(
        {"身份证号": [f"41150320150301{i:04d}" for i in range(3000)], "姓名": ["张三"] * 3000}
    )
    out = tmp_path / "ok.xlsx"
    frame.to_excel(out, index=False)
    facts = gate.check_upload(out.read_bytes(), "ok.xlsx", limits=(50 * 1024 * 1024, 500_000))
    assert facts.kind == "xlsx" and facts.rows == 3001


@pytest.fixture
def five_rows(fresh_db):
    """The attack's setting: 单个文件最多行数 = 5, stored by an administrator in 系统设置."""
    settings_store.save_overrides(ADMIN, {"ingest.max_rows": 5}, path=fresh_db)
    return fresh_db


def _csv(n: int) -> bytes:
    from tests.fixtures.ingest.samples import valid_id

    lines = ["身份证号,姓名"] + [f"{valid_id(seq=i % 999 + 1)},张三{i}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_max_rows_holds_on_every_upload_path(five_rows: Path, tmp_path, capsys):
    data = _csv(200)
    file = tmp_path / "名单.csv"
    file.write_bytes(data)
    # import and validate (CLI)
    assert cli.main(["validate", "students", str(file)]) == cli.EXIT_DATA
    assert "ingest.max_rows" in capsys.readouterr().err
    assert cli.main(["import", "students", str(file)]) == cli.EXIT_DATA
    # 精准识别 (page and CLI share read_registry)
    with pytest.raises(reconcile.RegistryFileError, match=r"ingest\.max_rows"):
        reconcile.read_registry(data, "名单.csv")
    # 学籍核查
    with store.connect(five_rows) as con, pytest.raises(roster.RosterError, match=r"ingest\.max_rows"):
        roster.read_file(data, "花名册.csv", con, COUNTY)

    # 数据导入 and 自由探索 pages: the bytes pass ui.uploaded before anything reads them
    class Upload:
        name = "名单.csv"

        def getvalue(self) -> bytes:
            return data

    from lib import loaders

    loaders.load_effective_settings.__wrapped__ if hasattr(
        loaders.load_effective_settings, "__wrapped__"
    ) else None
    import streamlit as st

    st.cache_data.clear()
    assert ui.uploaded(Upload()) is None
    assert ui.upload_limit_mb() == 50


def test_max_upload_mb_holds_at_arrival(fresh_db):
    settings_store.save_overrides(ADMIN, {"ingest.max_upload_mb": 1}, path=fresh_db)
    with pytest.raises(gate.UploadRefused, match=r"ingest\.max_upload_mb"):
        gate.check_upload(b"a,b\n" + b"1,2\n" * 400_000, "big.csv")


def test_a_small_very_wide_file_is_refused_before_explore_draws_it():
    """The 104 KB file that crashed 自由探索's browser tab and left the server 690 MB larger:
    tens of thousands of columns, in CSV or XLSX."""
    wide_csv = (",".join(f"c{i}" for i in range(12_000)) + "\n" + ",".join("1" * 12_000) + "\n").encode()
    assert len(wide_csv) < 150_000
    with pytest.raises(gate.UploadRefused, match="列"):
        gate.check_upload(wide_csv, "wide.csv", limits=(50 * 1024 * 1024, 500_000))
    cell = lambda i: f'<c r="R{i}" t="n"><v>{i}</v></c>'.encode()  # noqa: E731
    wide_xlsx = _workbook(
        {
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": (
                b'<worksheet><sheetData><row r="1">',
                cell,
                60_000,
                b"</row></sheetData></worksheet>",
            ),
        }
    )
    message, seconds, peak_mb = _measure(wide_xlsx, "wide.xlsx")
    assert "单元格过多" in message and seconds < 2 and peak_mb < 16
