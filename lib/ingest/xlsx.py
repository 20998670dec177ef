"""An .xlsx worksheet read by streaming its XML, with limits checked while reading (pure).

The one XLSX reader of the project is :func:`lib.ingest.read.read_upload`; this module is
the part of it that opens the workbook.  It never materialises more than the limits allow:

* the zip: parts, total decompressed size and compression ratio are checked from the
  directory before anything is decompressed, and every part is read in pieces, counted;
* shared strings: the part's size and every string's length are counted against
  ``ingest.max_shared_strings_mb`` while streaming; their number against the cell limit;
* the worksheet: cells are counted while streaming, and so is the grid they would make
  (a row's width counts its empty cells too, so a sheet that places one cell per row in
  column 1,000 or declares ``A1:XFD1048576`` is refused before its rows are made); a row
  number past ``ingest.max_rows`` is refused when it is read;
* merged ranges (``<mergeCells>``) are returned, so that the reader fills them.

The worksheet is parsed by expat's handlers directly (no element objects: a cell costs a few
calls: twice as fast as ``iterparse``, a little faster than openpyxl's read-only mode); the other parts by
``xml.etree.ElementTree.iterparse``, each element dropped as soon as it has been read.  Expat
never fetches external entities, and a part declaring a DTD is refused (entity bombs).

Cell values are returned as :mod:`openpyxl` would in ``data_only`` mode (numbers as int or
float, dates as datetime by the cell's number format, booleans, text), so that the reader's
text and cell types (numbers vs text: an ID stored as a number) stay as they were.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

#: Parts a workbook may have (a real one has tens).
MAX_PARTS = 2_000
#: Columns a row may have (a real export has tens; Excel allows 16,384).
MAX_COLUMNS = 1_000
#: Decompressed size below which the compression ratio is not judged (small files
#: of repeated cells compress very well and are harmless).
RATIO_FLOOR = 8 * 1024 * 1024
#: Size the small parts (workbook, relationships) may have.
SMALL_PART = 8 * 1024 * 1024
_CHUNK = 1 << 16


class XlsxRefused(Exception):
    """A limit passed or the workbook unreadable: ``code`` (a :data:`lib.ingest.read.CODES` key)
    and a Chinese ``detail``; :mod:`lib.ingest.read` turns it into an ``IngestError`` naming the file."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    """What one workbook may hold (from ``ingest`` settings; see :func:`lib.ingest.read.read_limits`)."""

    max_rows: int
    max_cells: int
    max_shared_strings_bytes: int
    max_unzipped_bytes: int
    max_ratio: float
    #: rows a file may have above its header (titles): added to ``max_rows``
    header_allowance: int = 30


@dataclass
class Sheet:
    """A worksheet read: values row by row (``rows[i]`` is row ``i + 1`` of the sheet; a row is
    as long as its last non-empty cell), its name, and its merged ranges as 0-based inclusive
    ``(first_row, first_col, last_row, last_col)``."""

    rows: list[list[Any]]
    title: str
    merged: list[tuple[int, int, int, int]]


# ------------------------------------------------------------------ the zip
def _open(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        parts = book.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise XlsxRefused("unreadable", f"压缩包结构损坏({type(exc).__name__})") from None
    if len(parts) > MAX_PARTS:
        raise XlsxRefused("zip_bomb", f"工作簿含 {len(parts):,} 个部件，不像正常的 Excel 文件")
    inflated = sum(max(p.file_size, 0) for p in parts)
    if inflated > limits.max_unzipped_bytes:
        raise XlsxRefused(
            "zip_bomb",
            f"解压后约 {inflated / 1024 / 1024:,.0f} MB，超过上限 "
            f"{limits.max_unzipped_bytes / 1024 / 1024:,.0f} MB(设置 ingest.max_unzipped_mb)",
        )
    if inflated > max(limits.max_ratio * len(data), RATIO_FLOOR):
        raise XlsxRefused(
            "zip_bomb",
            f"文件 {len(data) / 1024:,.0f} KB 解压后约 {inflated / 1024 / 1024:,.0f} MB，"
            f"压缩比超过 {limits.max_ratio:,.0f} 倍(设置 ingest.max_zip_ratio)，疑似压缩炸弹",
        )
    return book


class _Part(io.RawIOBase):
    """A part of the zip read in pieces: at most ``limit`` bytes (the limit's ``code`` and
    ``detail`` otherwise), and never a DTD (an XLSX part has none; entities are how XML bombs work)."""

    def __init__(self, fh: IO[bytes], limit: int, code: str, detail: str) -> None:
        self._fh, self._limit, self._code, self._detail = fh, limit, code, detail
        self.read_bytes = 0
        self._tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        chunk = self._fh.read(min(len(buf), _CHUNK))
        self.read_bytes += len(chunk)
        if self.read_bytes > self._limit:
            raise XlsxRefused(self._code, self._detail)
        probe = self._tail + chunk
        if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
            raise XlsxRefused("unreadable", "工作簿含 XML 文档类型声明(DTD)，正常的 Excel 文件没有")
        self._tail = chunk[-9:]
        buf[: len(chunk)] = chunk
        return len(chunk)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _elements(
    fh: IO[bytes], wanted: frozenset[str], starts: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str, ET.Element]]:
    """(event, local name, element): ``end`` of each element named in ``wanted``, its subtree
    complete, and ``start`` of each named in ``starts`` (attributes only).  Every other element
    is dropped as soon as it ends, and a wanted one once yielded, so memory holds one wanted
    element at a time plus the path to it."""
    stack: list[ET.Element] = []
    inside = 0
    try:
        for event, elem in ET.iterparse(fh, events=("start", "end")):
            if event == "start":
                stack.append(elem)
                if inside or _local(elem.tag) in wanted:
                    inside += 1
                if starts and _local(elem.tag) in starts:
                    yield "start", _local(elem.tag), elem
                continue
            stack.pop()
            if inside:
                inside -= 1
                if inside:
                    continue  # inside a wanted element: kept until it ends
                yield "end", _local(elem.tag), elem
            if stack:
                stack[-1].remove(elem)  # the only child left: its elder siblings were dropped
            elem.clear()
    except ET.ParseError as exc:
        raise XlsxRefused("unreadable", f"工作簿的 XML 损坏({exc})") from None


def _stream(book: zipfile.ZipFile, name: str, limit: int, code: str, detail: str) -> io.BufferedReader:
    try:
        fh = book.open(name)
    except (KeyError, zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
        raise XlsxRefused("unreadable", f"无法打开 {name}({type(exc).__name__})") from None
    return io.BufferedReader(_Part(fh, limit, code, detail), buffer_size=_CHUNK)


def _small(book: zipfile.ZipFile, name: str) -> io.BufferedReader:
    return _stream(book, name, SMALL_PART, "unreadable", f"{name} 过大，不像正常的 Excel 文件")


def _has(book: zipfile.ZipFile, name: str) -> bool:
    try:
        book.getinfo(name)
    except KeyError:
        return False
    return True


# ------------------------------------------------------------------ workbook, sheets, styles
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheets(book: zipfile.ZipFile) -> tuple[list[tuple[str, str]], bool]:
    """[(sheet name, part path)] of the worksheets in workbook order, and the 1904 date system."""
    if not _has(book, "xl/workbook.xml"):
        raise XlsxRefused("unreadable", "缺少 xl/workbook.xml")
    targets: dict[str, str] = {}
    if _has(book, "xl/_rels/workbook.xml.rels"):
        for _, _, el in _elements(_small(book, "xl/_rels/workbook.xml.rels"), frozenset({"Relationship"})):
            target = el.get("Target") or ""
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join("xl", target))
            targets[el.get("Id") or ""] = path
    sheets: list[tuple[str, str]] = []
    date1904 = False
    for _, name, el in _elements(_small(book, "xl/workbook.xml"), frozenset({"sheet", "workbookPr"})):
        if name == "workbookPr":
            date1904 = (el.get("date1904") or "").lower() in ("1", "true")
            continue
        rid = el.get(_REL) or next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
        path = targets.get(rid, "")
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", path) and _has(book, path):
            sheets.append((el.get("name") or path, path))
    if not sheets:  # no usable relationships: the worksheet parts in their natural order
        parts = [n for n in book.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
        parts.sort(key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", n)])
        sheets = [(posixpath.basename(n).removesuffix(".xml"), n) for n in parts]
    return sheets, date1904


def sheet_names(data: bytes) -> list[str]:
    """The worksheets of an .xlsx in workbook order (empty when it cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            if len(book.infolist()) > MAX_PARTS:
                return []
            return [name for name, _ in _sheets(book)[0]]
    except (XlsxRefused, zipfile.BadZipFile, ValueError, OSError):
        return []


def _date_styles(book: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """Indexes of the cell formats (``s`` attribute) that show a date, and those that show a duration."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if not _has(book, "xl/styles.xml"):
        return set(), set()
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    xfs: list[int] = []
    in_cell_xfs = False
    for event, name, el in _elements(
        _small(book, "xl/styles.xml"), frozenset({"numFmt", "xf"}), frozenset({"cellXfs", "cellStyleXfs"})
    ):
        if event == "start":
            in_cell_xfs = name == "cellXfs"
        elif name == "numFmt":
            try:
                formats[int(el.get("numFmtId") or -1)] = el.get("formatCode") or ""
            except ValueError:
                continue
        elif in_cell_xfs:
            try:
                xfs.append(int(el.get("numFmtId") or 0))
            except ValueError:
                xfs.append(0)
    dates, durations = set(), set()
    for i, fid in enumerate(xfs):
        code = formats.get(fid, "")
        if code and is_timedelta_format(code):
            durations.add(i)
        elif code and is_date_format(code):
            dates.add(i)
    return dates, durations


def _shared_strings(book: zipfile.ZipFile, limits: Limits) -> list[str]:
    name = next((n for n in ("xl/sharedStrings.xml", "xl/sharedstrings.xml") if _has(book, n)), None)
    if name is None:
        return []
    budget = limits.max_shared_strings_bytes
    mb = budget / 1024 / 1024
    too_big = f"共享字符串超过 {mb:,.0f} MB(设置 ingest.max_shared_strings_mb)"
    declared = book.getinfo(name).file_size
    if declared > budget:
        raise XlsxRefused(
            "too_many_strings",
            f"共享字符串解压后 {declared / 1024 / 1024:,.1f} MB，超过上限 {mb:,.0f} MB"
            "(设置 ingest.max_shared_strings_mb)",
        )
    out: list[str] = []
    used = 0
    for _, _, si in _elements(_stream(book, name, budget, "too_many_strings", too_big), frozenset({"si"})):
        text = _rich_text(si)
        used += len(text)
        if used > budget:
            raise XlsxRefused("too_many_strings", too_big)
        out.append(text)
        if len(out) > limits.max_cells:
            raise XlsxRefused(
                "too_many_cells",
                f"共享字符串超过 {limits.max_cells:,} 个(设置 ingest.max_cells)",
            )
    return out


def _rich_text(el: ET.Element) -> str:
    """The text of a string item (``<si>`` or ``<is>``): its ``<t>``, or its runs' ``<t>``;
    phonetic guides (``<rPh>``) are not part of the text."""
    parts: list[str] = []
    for child in el:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(sub.text or "" for sub in child if _local(sub.tag) == "t")
    return "".join(parts)


# ------------------------------------------------------------------ cells
_REF = re.compile(r"([A-Za-z]{1,3})(\d+)$")


@functools.lru_cache(maxsize=4096)
def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _ref(ref: str) -> tuple[int, int] | None:
    """(row, col), 1-based, of ``B12``; None when not a cell reference."""
    m = _REF.match(ref.replace("$", ""))
    return (int(m.group(2)), _col(m.group(1))) if m else None


def _number(text: str) -> int | float:
    if "." in text or "e" in text or "E" in text:
        return float(text)
    try:
        return int(text)
    except ValueError:
        return float(text)


def read_sheet(data: bytes, limits: Limits, sheet: str | None = None) -> Sheet:
    """The worksheet named ``sheet`` (default: the first) of an .xlsx, streamed within ``limits``.

    Raises
    ------
    XlsxRefused
        ``zip_bomb``, ``too_many_strings``, ``too_many_cells``, ``too_many_rows``, or
        ``unreadable`` (damaged, encrypted or not a workbook).
    """
    book = _open(data, limits)
    with book:
        sheets, date1904 = _sheets(book)
        if not sheets:
            raise XlsxRefused("unreadable", "工作簿中没有工作表")
        title, path = next(((n, p) for n, p in sheets if n == sheet), sheets[0])
        reader = _SheetReader(title, limits, _shared_strings(book, limits), *_date_styles(book), date1904)
        fh = _stream(
            book,
            path,
            limits.max_unzipped_bytes,
            "zip_bomb",
            "工作表解压后超过上限(设置 ingest.max_unzipped_mb)",
        )
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text
        try:
            parser.ParseFile(fh)
        except expat.ExpatError as exc:
            raise XlsxRefused("unreadable", f"工作表的 XML 损坏({exc})") from None
    return Sheet(reader.rows, title, reader.merged)


class _SheetReader:
    """Expat's handlers for a worksheet: no element objects are made (a cell costs a few calls),
    and every limit is checked as the cell or row arrives."""

    def __init__(
        self,
        title: str,
        limits: Limits,
        strings: list[str],
        dates: set[int],
        durations: set[int],
        date1904: bool,
    ) -> None:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.title, self.limits, self.strings = title, limits, strings
        self.dates, self.durations = dates, durations
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self.row_limit = limits.max_rows + limits.header_allowance
        self.too_many = (
            f"工作表“{title}”的单元格超过 {limits.max_cells:,} 个(含行内空格；设置 ingest.max_cells)"
        )
        self.rows: list[list[Any]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.seen = self.grid_cells = self.text_bytes = 0
        self.row_no = self.col_no = 0
        self.current: list[Any] = []
        # the cell being read
        self.ref: str | None = None
        self.kind = "n"
        self.style: str | None = None
        self.value_text: str | None = None
        self.inline: str | None = None
        self.parts: list[str] = []
        self.collect = self.in_is = self.in_phonetic = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name[name.rfind("}") + 1 :]
        if local == "c":
            self.ref, self.kind, self.style = attrs.get("r"), attrs.get("t") or "n", attrs.get("s")
            self.value_text = self.inline = None
        elif local == "v":
            self.collect, self.parts = True, []
        elif local == "row":  # a new row: the previous one is complete
            r = attrs.get("r")
            self.row_no = int(r) if r and r.isdigit() else self.row_no + 1
            self.col_no = 0
            self.current = []
        elif local == "is":
            self.in_is, self.parts = True, []
        elif local == "t":
            self.collect = self.in_is and not self.in_phonetic
        elif local == "rPh":
            self.in_phonetic = True
        elif local == "mergeCell":
            self._merge(attrs.get("ref") or "")

    def text(self, data: str) -> None:
        if self.collect:
            self.parts.append(data)

    def end(self, name: str) -> None:
        local = name[name.rfind("}") + 1 :]
        if local == "c":
            self._cell()
        elif local == "v":
            self.collect = False
            self.value_text = "".join(self.parts)
        elif local == "t":
            self.collect = False
        elif local == "is":
            self.in_is = False
            self.inline = "".join(self.parts)
        elif local == "rPh":
            self.in_phonetic = False

    def _merge(self, ref: str) -> None:
        parts = [_ref(x) for x in ref.split(":")]
        if len(parts) == 2 and parts[0] and parts[1]:
            (r0, c0), (r1, c1) = parts[0], parts[1]
            self.merged.append((min(r0, r1) - 1, min(c0, c1) - 1, max(r0, r1) - 1, max(c0, c1) - 1))
            if len(self.merged) > self.limits.max_cells:
                raise XlsxRefused("too_many_cells", self.too_many)

    def _value(self) -> Any:
        t, v = self.kind, self.value_text
        if t == "inlineStr":
            return self.inline
        if v is None:
            return None
        if t == "s":
            try:
                return self.strings[int(v)]
            except (ValueError, IndexError):
                return None
        if t in ("str", "e"):
            return v
        if t == "b":
            return v.strip() in ("1", "true")
        if t == "d":
            try:
                return datetime.fromisoformat(v.strip().rstrip("Z"))
            except ValueError:
                return v
        try:
            number = _number(v.strip())
        except ValueError:
            return v
        s = self.style
        if s and (self.dates or self.durations) and s.isdigit():
            from openpyxl.utils.datetime import from_excel

            style = int(s)
            if style in self.durations or style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
                except (ValueError, OverflowError):
                    return number
        return number

    def _cell(self) -> None:
        limits = self.limits
        self.seen += 1
        if self.seen > limits.max_cells:
            raise XlsxRefused("too_many_cells", self.too_many)
        ref = _ref(self.ref) if self.ref else None
        col_no = self.col_no = ref[1] if ref is not None else self.col_no + 1
        v = self._value()
        if v is None or v == "":
            return
        if col_no > MAX_COLUMNS:
            raise XlsxRefused(
                "too_many_cells",
                f"工作表“{self.title}”有第 {col_no:,} 列，超过 {MAX_COLUMNS:,} 列，不像正常的数据文件",
            )
        if self.kind in ("inlineStr", "str") and isinstance(v, str):
            self.text_bytes += len(v)
            if self.text_bytes > limits.max_shared_strings_bytes:
                raise XlsxRefused(
                    "too_many_strings",
                    f"工作表“{self.title}”的文字超过上限(设置 ingest.max_shared_strings_mb)",
                )
        rows, current = self.rows, self.current
        if not rows or rows[-1] is not current:
            if self.row_no <= len(rows):
                return  # a cell of a row already passed (rows out of order): ignored
            if self.row_no > self.row_limit:  # an empty row costs nothing; a filled one would be kept
                raise XlsxRefused(
                    "too_many_rows",
                    f"工作表“{self.title}”有第 {self.row_no:,} 行，上限 {limits.max_rows:,} 行(设置 ingest.max_rows)",
                )
            rows.extend([] for _ in range(self.row_no - 1 - len(rows)))
            rows.append(current)
        if col_no > len(current):
            self.grid_cells += col_no - len(current)
            if self.grid_cells > limits.max_cells:
                raise XlsxRefused("too_many_cells", self.too_many)
            current.extend([None] * (col_no - len(current)))
        current[col_no - 1] = v
