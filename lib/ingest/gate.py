"""The gate every uploaded file passes where its bytes arrive, before anything parses it.

Import, 自由探索, 精准识别 and 学籍核查 (pages and CLI) call :func:`check_upload` on the
raw bytes first: the settings' limits (``ingest.max_upload_mb``, ``ingest.max_rows``;
an administrator's stored override counts, :func:`lib.core.settings.upload_limits`)
hold on every path, and a hostile workbook is refused before a parser materialises it.

For an XLSX (a zip) nothing is decompressed into memory: the zip's directory is read,
the declared sizes of its parts are summed (a part cannot inflate beyond its declared
size in Python's zipfile), and each worksheet is decompressed in 1 MB pieces only to
count its rows and cells, stopping at the first limit passed.  A CSV's lines are
counted on the bytes.  The work is bounded by the file's size and the limits.  Behind
the gate the reader is bounded too: it streams an XLSX with its own limits
(lib/ingest/xlsx.py) and runs in a child process with memory and time limits
(lib/ingest/worker.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lib.core import settings as settings_store
from lib.core.errors import AppError

#: Rows above the header a file may have (titles, notes) beyond ``ingest.max_rows``.
HEADER_ALLOWANCE = 50
#: Cells a worksheet may hold per allowed row (a wide-row bomb is refused by this).
CELLS_PER_ROW = 200
#: Columns a file may have (a real export has tens; thousands of columns only crash a browser).
MAX_COLUMNS = 1000
#: Decompressed bytes per compressed byte above which a workbook is refused as a zip bomb:
#: real exports compress 5-20 times; bombs, thousands.
MAX_RATIO = 100
#: Decompressed bytes of the whole workbook, per allowed upload byte.
MAX_INFLATE = 20
#: Parts a workbook may have.
MAX_PARTS = 2_000
_CHUNK = 1 << 20
_ZIP = b"PK\x03\x04"
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")


class UploadRefused(AppError, ValueError):
    """An uploaded file exceeds the limits (the message names the file, the limit and its setting)."""


@dataclass(frozen=True)
class UploadFacts:
    """What the gate learned: the file's size, and its rows (CSV lines or the largest sheet's rows)."""

    size: int
    rows: int
    kind: str  # "csv" or "xlsx"


def check_upload(data: bytes, filename: str, *, limits: tuple[int, int] | None = None) -> UploadFacts:
    """Refuse ``data`` when it exceeds the upload limits; cheap and bounded.

    Parameters
    ----------
    data
        The file's bytes, as they arrived.
    filename
        Its name (for the message).
    limits
        (bytes, rows); default the effective settings' ``ingest.max_upload_mb`` and ``ingest.max_rows``.

    Raises
    ------
    UploadRefused
        Too large, too many rows or cells, or a workbook that inflates like a zip bomb.
    """
    max_bytes, max_rows = limits or settings_store.upload_limits()
    if len(data) > max_bytes:
        raise UploadRefused(
            f"{filename}：文件 {len(data) / 1024 / 1024:.1f} MB，超过上限 {max_bytes / 1024 / 1024:.0f} MB"
            "（系统设置 ingest.max_upload_mb）。"
        )
    if data[:4] == _ZIP:
        return UploadFacts(len(data), _check_workbook(data, filename, max_bytes, max_rows), "xlsx")
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if lines > max_rows + HEADER_ALLOWANCE:
        raise UploadRefused(
            f"{filename}：约 {lines:,} 行，超过上限 {max_rows:,} 行（系统设置 ingest.max_rows）。"
        )
    head = data[: 1 << 16].split(b"\n")[:HEADER_ALLOWANCE]
    widest = max((max(line.count(b","), line.count(b"\t")) + 1 for line in head), default=0)
    if widest > MAX_COLUMNS:
        raise UploadRefused(
            f"{filename}：一行有 {widest:,} 列，超过 {MAX_COLUMNS:,} 列，不像正常的数据文件，已拒绝。"
        )
    return UploadFacts(len(data), lines, "csv")


def _check_workbook(data: bytes, filename: str, max_bytes: int, max_rows: int) -> int:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        parts = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return 0  # not a readable zip: the reader says what is wrong with it
    if len(parts) > MAX_PARTS:
        raise UploadRefused(f"{filename}：工作簿含 {len(parts):,} 个部件，不像正常的 Excel 文件，已拒绝。")
    inflated = sum(max(p.file_size, 0) for p in parts)
    if inflated > max(MAX_RATIO * len(data), 8 * _CHUNK) or inflated > MAX_INFLATE * max_bytes:
        raise UploadRefused(
            f"{filename}：解压后约 {inflated / 1024 / 1024:,.0f} MB（文件本身 {len(data) / 1024:,.0f} KB），"
            "疑似“压缩炸弹”，已拒绝。请从原系统重新导出，或另存为 CSV。"
        )
    most = 0
    for part in parts:
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", part.filename):
            most = max(most, _count_sheet(book, part, filename, max_rows))
    return most


def _count_sheet(book: zipfile.ZipFile, part: zipfile.ZipInfo, filename: str, max_rows: int) -> int:
    """Rows of one worksheet, counted while decompressing in pieces (stops at the first limit).

    Counted on the bytes (``<row``/``<c`` start tags, with or without a namespace prefix): a
    tag split between two pieces is found through the 4 bytes carried over; at most one tag
    per piece may be counted twice, which only makes the count safer.
    """
    row_limit = max_rows + HEADER_ALLOWANCE
    cell_limit = max(10_000, max_rows * CELLS_PER_ROW)
    rows = cells = 0
    tail = b""
    sheet = part.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    try:
        with book.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                piece = tail + chunk
                rows += sum(piece.count(t) for t in _ROW_TAGS)
                cells += sum(piece.count(t) for t in _CELL_TAGS)
                tail = piece[-4:]
                if rows > row_limit:
                    raise UploadRefused(
                        f"{filename}：工作表 {sheet} 超过 {max_rows:,} 行（系统设置 ingest.max_rows），已拒绝。"
                    )
                if cells > cell_limit or cells > MAX_COLUMNS * max(rows, 1) + MAX_COLUMNS:
                    raise UploadRefused(
                        f"{filename}：工作表 {sheet} 单元格过多（约 {cells:,} 个，{rows:,} 行），已拒绝。"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return rows  # damaged or encrypted: the reader reports it
    return rows
