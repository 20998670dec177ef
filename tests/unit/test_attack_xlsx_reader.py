"""Hostile workbooks sent straight to the XLSX reader (lib/ingest/read.py, lib/ingest/xlsx.py) and
to the worker that parses uploads (lib/ingest/worker.py), past the upload gate: the reader itself
is bounded.  Each attack is refused with a Chinese message naming the file and the limit; the
time and peak memory are printed (``-s``) and asserted under generous bounds.

Before: openpyxl's read-only mode trusted a sheet's ``<dimension>`` (A1:XFD1048576 made a
billion empty cells), loaded every shared string before the first row, and a parse ran in
the server's own process without a memory or time limit."""

from __future__ import annotations

import random
import resource
import string
import time
import tracemalloc
from dataclasses import replace

import pytest

from lib.ingest import read, worker
from lib.ingest.read import IngestError
from tests.xlsx_parts import workbook_zip

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_WB = f'<workbook {_NS}><sheets><sheet name="名单" sheetId="1"/></sheets></workbook>'


def _workbook(parts: dict[str, object]) -> bytes:
    """An XLSX-shaped zip with one sheet 名单; see :func:`tests.xlsx_parts.workbook_zip`."""
    return workbook_zip({"xl/workbook.xml": _WB, **parts})


def _sheet(rows: str) -> str:
    return f"<worksheet {_NS}><sheetData>{rows}</sheetData></worksheet>"


def _attack(
    data: bytes, name: str, limits: read.ReadLimits | None = None
) -> tuple[IngestError, float, float]:
    """Read ``data`` in this process; (the refusal, seconds, peak MB of Python allocations)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(IngestError) as caught:
            read.read_upload(data, name, kind=None, limits=limits)
    finally:
        seconds = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    err = caught.value
    print(
        f"\n{name}: {len(data) / 1024:,.0f} KB, refused ({err.problem.code}) in {seconds:.2f} s, "
        f"peak {peak / 1e6:.1f} MB: {err}"
    )
    assert str(err).startswith(f"{name}："), "the message names the file"
    return err, seconds, peak / 1e6


def test_a_zip_bomb_is_refused_from_the_directory_before_inflating():
    zeros = b"<row>" + b" " * (1 << 20) + b"</row>"  # 1 MB of blanks compresses ~1000 times
    bomb = _workbook(
        {"xl/worksheets/sheet1.xml": (f"<worksheet {_NS}><sheetData>".encode(), zeros, 400, b"")}
    )
    assert len(bomb) < 1024 * 1024
    err, seconds, peak = _attack(bomb, "zip-bomb.xlsx")
    assert err.problem.code == "zip_bomb" and "ingest.max_zip_ratio" in str(err)
    assert seconds < 5 and peak < 16


def test_a_workbook_over_the_unzipped_limit_is_refused_whatever_its_ratio():
    rnd = random.Random(7)
    row = lambda i: (  # noqa: E731  (varied digits: compresses like a real sheet, well under 100 times)
        f'<row r="{i + 1}"><c r="A{i + 1}"><v>{rnd.randrange(10**12)}</v></c></row>'.encode()
    )
    book = _workbook(
        {"xl/worksheets/sheet1.xml": (f"<worksheet {_NS}><sheetData>".encode(), row, 40_000, b"")}
    )
    limits = replace(read.read_limits(), max_unzipped_bytes=1024 * 1024)
    err, seconds, peak = _attack(book, "big-unzipped.xlsx", limits)
    assert err.problem.code == "zip_bomb" and "ingest.max_unzipped_mb" in str(err)
    assert seconds < 5 and peak < 16


def test_a_declared_billion_cell_sheet_costs_only_its_real_cells():
    """``<dimension ref="A1:XFD1048576"/>``: what openpyxl's read-only mode padded every row to."""
    sheet = (
        f'<worksheet {_NS}><dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>年级</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2"><v>4</v></c></row>'
        "</sheetData></worksheet>"
    )
    tracemalloc.start()
    t0 = time.perf_counter()
    parsed = read.read_upload(_workbook({"xl/worksheets/sheet1.xml": sheet}), "dimension.xlsx", kind=None)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"\ndimension.xlsx: read in {seconds:.2f} s, peak {peak:.1f} MB")
    assert parsed.columns == ["姓名", "年级"] and parsed.frame["年级"].tolist() == ["4"]
    assert seconds < 5 and peak < 16


def test_a_sheet_spreading_cells_to_make_millions_is_refused_while_reading():
    """One cell per row, in column 1,000 (ALL): 20,000 rows of XML make 20 million cells of
    table; refused when the cells the table would hold pass ``ingest.max_cells`` (10 million),
    halfway through the sheet."""
    row = lambda i: f'<row r="{i + 1}"><c r="ALL{i + 1}"><v>{i}</v></c></row>'.encode()  # noqa: E731
    book = _workbook(
        {
            "xl/worksheets/sheet1.xml": (
                f"<worksheet {_NS}><sheetData>".encode(),
                row,
                20_000,
                b"</sheetData></worksheet>",
            )
        }
    )
    err, seconds, peak = _attack(book, "spread-cells.xlsx")
    assert err.problem.code == "too_many_cells" and "ingest.max_cells" in str(err)
    assert seconds < 60 and peak < 200  # the table it would have made: 20 M cells, gigabytes


def test_a_sheet_of_too_many_cells_stops_at_the_limit_not_at_its_end():
    row = lambda i: (  # noqa: E731
        f'<row r="{i + 1}">' + "".join(f'<c r="{c}{i + 1}"><v>{i}</v></c>' for c in "ABCDEFGHIJ") + "</row>"
    ).encode()
    book = _workbook(
        {
            "xl/worksheets/sheet1.xml": (
                f"<worksheet {_NS}><sheetData>".encode(),
                row,
                50_000,
                b"</sheetData></worksheet>",
            )
        }
    )
    limits = replace(read.read_limits(), max_cells=100_000)
    err, seconds, peak = _attack(book, "many-cells.xlsx", limits)
    assert err.problem.code == "too_many_cells" and "100,000" in str(err)
    assert seconds < 60 and peak < 64  # 10,000 of its 50,000 rows read (traced, on a shared machine)


def test_a_huge_shared_strings_part_is_refused_before_a_string_is_kept():
    rnd = random.Random(3)
    si = lambda i: (  # noqa: E731  (random letters: it does not compress, so no ratio catches it)
        "<si><t>" + "".join(rnd.choices(string.ascii_letters, k=200)) + "</t></si>"
    ).encode()
    book = _workbook(
        {
            "xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
            "xl/sharedStrings.xml": (f"<sst {_NS}>".encode(), si, 15_000, b"</sst>"),  # ~3 MB
        }
    )
    limits = replace(read.read_limits(), max_shared_strings_bytes=1024 * 1024)
    err, seconds, peak = _attack(book, "strings.xlsx", limits)
    assert err.problem.code == "too_many_strings" and "ingest.max_shared_strings_mb" in str(err)
    assert seconds < 5 and peak < 16


def test_an_entity_bomb_in_the_shared_strings_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "AAAAAAAAAA">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + f"]><sst {_NS}><si><t>&i;</t></si></sst>"
    )
    book = _workbook(
        {
            "xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
            "xl/sharedStrings.xml": laughs,
        }
    )
    err, seconds, peak = _attack(book, "laughs.xlsx")
    assert err.problem.code == "unreadable" and "DTD" in str(err)
    assert seconds < 5 and peak < 16


def _big_workbook(rows: int) -> bytes:
    """An ordinary-looking table within every reader limit: ``rows`` rows of 10 distinct texts."""
    row = lambda i: (  # noqa: E731
        f'<row r="{i + 2}">'
        + "".join(
            f'<c r="{c}{i + 2}" t="inlineStr"><is><t>{c}{i:07d}甲乙丙丁</t></is></c>' for c in "ABCDEFGHIJ"
        )
        + "</row>"
    ).encode()
    header = '<row r="1">' + "".join(
        f'<c r="{c}1" t="inlineStr"><is><t>列{c}</t></is></c>' for c in "ABCDEFGHIJ"
    )
    return _workbook(
        {
            "xl/worksheets/sheet1.xml": (
                f"<worksheet {_NS}><sheetData>{header}</row>".encode(),
                row,
                rows,
                b"</sheetData></worksheet>",
            )
        }
    )


def test_a_file_needing_more_than_the_memory_limit_is_stopped_in_its_worker():
    """100,000 rows of text passes every count, but needs more than the 64 MB the worker is
    allowed here: the child fails, the server process is untouched and says why."""
    book = _big_workbook(100_000)
    t0 = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        worker.parse_upload(book, "big.xlsx", kind=None, memory_bytes=64 * 1024 * 1024, timeout_s=300)
    seconds = time.perf_counter() - t0
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    err = caught.value
    print(
        f"\nbig.xlsx: {len(book) / 1024:,.0f} KB, refused ({err.problem.code}) in {seconds:.2f} s, "
        f"children's peak RSS {child_peak:,.0f} MB: {err}"
    )
    assert err.problem.code == "worker_memory" and "ingest.worker_memory_mb" in str(err)
    assert str(err).startswith("big.xlsx：")
    assert seconds < 120


def test_a_parse_past_its_time_is_killed():
    book = _big_workbook(100_000)
    t0 = time.perf_counter()
    with pytest.raises(IngestError) as caught:
        worker.parse_upload(book, "slow.xlsx", kind=None, timeout_s=0.5)
    seconds = time.perf_counter() - t0
    print(f"\nslow.xlsx: stopped ({caught.value.problem.code}) after {seconds:.2f} s: {caught.value}")
    assert caught.value.problem.code == "worker_timeout" and "ingest.worker_timeout_s" in str(caught.value)
    assert seconds < 10


def test_the_worker_returns_what_the_reader_returns_and_its_refusals():
    small = _big_workbook(50)
    here = read.read_upload(small, "ok.xlsx", kind=None)
    there = worker.parse_upload(small, "ok.xlsx", kind=None)
    assert there.columns == here.columns and there.frame.equals(here.frame)
    assert there.cell_types is not None and there.cell_types.equals(here.cell_types)
    with pytest.raises(IngestError) as caught:  # a limit of the reader, passed back as it was
        worker.parse_upload(small, "ok.xlsx", kind=None, settings={"ingest": {"max_rows": 10}})
    assert caught.value.problem.code == "too_many_rows" and "ingest.max_rows" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "returncode", "err", "memory"),
    [
        ("memory", 0, b"", True),  # the child said so
        ("crash", -6, b"", True),  # an allocation failing in C code aborts it
        ("crash", 1, b"Traceback ...\nMemoryError\n", True),  # its last words
        ("crash", 1, b"ModuleNotFoundError: No module named 'lib'\n", False),  # a broken install
        ("crash", 0, b"", False),  # ended without a word: not the file's size
    ],
)
def test_only_a_child_out_of_memory_is_reported_as_one(status, returncode, err, memory):
    assert worker._out_of_memory(status, returncode, err) is memory
