"""Bytes to a table: file type, encoding, header row, column mapping (pure).

:func:`read_upload` is the first half of the import pipeline (``lib.ingest``):

``bytes -> _file_type -> _decode / _xlsx_grid -> _find_header -> _map_columns -> ParsedFile``

Cells are kept as text (an ID number keeps its leading zeros and its ``X``);
typing and checking are :mod:`lib.ingest.validate`'s job.  A file that cannot be
read at all (empty, binary, too large, undecodable, no recognisable header,
clearly another kind of table) raises :class:`IngestError` with a Chinese
reason that names the file, never a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from lib.core import config
from lib.core.errors import AppError
from lib.ingest import xlsx
from lib.ingest.kinds import KINDS, Kind, clean_header, get_kind, synonym_index

# ------------------------------------------------------------------ problems
#: Every problem code: (severity, what it means).  docs/cli.md lists the same table.
CODES: dict[str, tuple[str, str]] = {
    # the file as a whole (the import is refused)
    "empty_file": ("error", "文件为空"),
    "binary_file": ("error", "不是 CSV 或 XLSX 文件"),
    "old_excel": ("error", "旧版 Excel(.xls)文件，请另存为 .xlsx 或 CSV"),
    "unreadable": ("error", "文件已损坏或无法打开"),
    "too_large": ("error", "文件超过大小上限"),
    "too_many_rows": ("error", "行数超过上限"),
    "too_many_cells": ("error", "单元格数超过上限"),
    "too_many_strings": ("error", "文字(共享字符串)超过上限"),
    "zip_bomb": ("error", "解压后过大或压缩比异常(疑似压缩炸弹)"),
    "worker_memory": ("error", "读取文件所需内存超过上限"),
    "worker_timeout": ("error", "读取文件超时"),
    "worker_crash": ("error", "读取进程意外退出"),
    "encoding": ("error", "无法识别文字编码(应为 UTF-8 或 GBK/GB18030)"),
    "no_header": ("error", "找不到表头"),
    "no_rows": ("error", "表头下没有数据行"),
    "wrong_kind": ("error", "文件内容与所选数据类型不符"),
    "unknown_kind": ("error", "未知的数据类型"),
    "not_importable": ("error", "该类型只做比对，不直接写入数据库"),
    "missing_column": ("error", "缺少必需的列"),
    # one cell or row
    "missing_value": ("error", "必填项为空"),
    "bad_date": ("error", "日期无法识别"),
    "bad_number": ("error", "数字无法识别"),
    "bad_bool": ("error", "是/否无法识别"),
    "bad_code": ("error", "不在代码表中"),
    "out_of_range": ("error", "数值超出合理范围"),
    "id_scientific": ("error", "身份证号被 Excel 改成科学计数法(已损坏)"),
    "id_excel_zeros": ("error", "身份证号末三位为000且校验位不符(被 Excel 截断)"),
    "id_numeric": ("error", "身份证号单元格是数字格式(Excel 只保留 15 位有效数字，已损坏)"),
    "id_checksum": ("error", "身份证号校验位错误"),
    "id_format": ("error", "身份证号格式错误"),
    "xueji_format": ("error", "学籍号格式错误"),
    "school_code_format": ("error", "学校标识码格式错误"),
    "village_code_format": ("error", "村(社区)代码格式错误"),
    "township_code_format": ("error", "乡镇代码格式错误"),
    "unknown_school": ("error", "学校不存在"),
    "unknown_village": ("error", "村(社区)不存在"),
    "unknown_township": ("error", "乡镇不存在"),
    "unknown_place": ("error", "单位(乡镇/村)不存在"),
    "unknown_student": ("error", "学生不存在"),
    "ambiguous_name": ("error", "名称对应多个代码"),
    "no_identity": ("error", "没有可识别学生的编号、身份证号或学籍号"),
    "duplicate_key": ("error", "与文件中前面的行重复"),
    "key_exists": ("error", "该记录已存在(追加时不得重复)"),
    "key_elsewhere": ("error", "该记录已存在于替换范围之外"),
    "out_of_scope": ("error", "不在您的权限范围内"),
    "coords_outside": ("error", "坐标不在本县区范围内"),
    "coords_incomplete": ("error", "经度、纬度只填了一个"),
    "bad_crs": ("error", "坐标系无法识别"),
    "bad_geometry": ("error", "边界不是有效的多边形"),
    "geometry_outside": ("error", "边界不在本县区范围内"),
    # warnings: the row is imported
    "coords_swapped": ("warning", "经纬度填反，已交换"),
    "coords_converted": ("warning", "坐标已转换为 WGS-84"),
    "sex_mismatch": ("warning", "性别与身份证号不符"),
    "birth_mismatch": ("warning", "出生日期与身份证号不符"),
    "id_missing": ("warning", "未填身份证号"),
    "default_value": ("warning", "未提供的列按默认值导入"),
    "unmapped_column": ("warning", "该列未对应任何字段，不导入"),
    "duplicate_column": ("warning", "多列对应同一字段，只用第一列"),
    "derived_key": ("warning", "文件无编号列，编号已按身份信息生成"),
    "name_resolved": ("warning", "已按名称匹配到代码"),
    "merged_filled": ("warning", "合并单元格已按首格的值填入每一行"),
    "summary_row": ("warning", "合计、小计或表尾签字行，已跳过(不是数据)"),
    "grade_age": ("warning", "年龄与年级不符(照常导入，请核对)"),
}


@dataclass(frozen=True)
class Problem:
    """One problem: where (``row`` as the user sees it, ``column`` as written) and what."""

    row: int | None
    column: str | None
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CODES.get(self.code, ("error", ""))[0]

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class IngestError(AppError, ValueError):
    """The file cannot be read at all; ``problem`` says why (its message names the file)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _refuse(filename: str, code: str, detail: str = "", *, row: int | None = None) -> IngestError:
    text = f"{filename}：{CODES[code][1]}" + (f"：{detail}" if detail else "。")
    return IngestError(Problem(row, None, code, text))


# ------------------------------------------------------------------ the parsed file
#: Column of :attr:`ParsedFile.frame` holding each row's number in the file.
ROW = "_row"


@dataclass
class ParsedFile:
    """A file read as text cells under canonical column names.

    Attributes
    ----------
    frame
        One row per non-blank data row: canonical columns for the mapped
        headers, unmapped columns under their header as written, and
        :data:`ROW` (the row number the user sees: 1-based, counting title
        and header rows; for CSV the record number).
    headers
        Canonical column -> header as written in the file.
    mapping
        Every header of the file (as written, made unique) -> canonical
        column or None (not imported).
    """

    filename: str
    kind: str | None
    file_type: str  # csv | xlsx
    encoding: str | None
    sheet: str | None
    header_row: int
    columns: list[str]
    mapping: dict[str, str | None]
    frame: pd.DataFrame
    raw: pd.DataFrame | None = None  # the same rows under the headers as written
    title: list[str] = field(default_factory=list)
    crs_hint: str | None = None
    sha256: str = ""
    size: int = 0
    notes: list[Problem] = field(default_factory=list)
    #: each cell's type as the spreadsheet stored it (:data:`CELL_TYPES`), under the headers as
    #: written and aligned with ``frame``; None for text files (CSV, GeoJSON), where every cell is text
    cell_types: pd.DataFrame | None = None
    #: a boundary file's coordinate system as read (e.g. ``EPSG:4527``), before conversion to WGS-84
    source_crs: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {canon: h for h, canon in self.mapping.items() if canon}

    @property
    def rows(self) -> pd.Series:
        return self.frame[ROW]

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    def header_of(self, column: str) -> str:
        """The header as written for a canonical column (its label when absent)."""
        h = self.headers.get(column)
        if h:
            return h
        if self.kind and self.kind in KINDS:
            try:
                return KINDS[self.kind].field(column).label
            except KeyError:
                pass
        return column

    def cell_type(self, column: str) -> pd.Series | None:
        """The stored type of each cell of a canonical ``column`` (:data:`CELL_TYPES` letters,
        None for an empty cell), aligned with ``frame``; None when the file has no cell types."""
        header = self.headers.get(column)
        if self.cell_types is None or header is None or header not in self.cell_types:
            return None
        return self.cell_types[header]

    def signature(self) -> str:
        """Identifies the file's layout (its kind and headers): the key a mapping is remembered by."""
        text = (self.kind or "") + "\x1f" + "\x1f".join(clean_header(c) for c in self.columns)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# ------------------------------------------------------------------ file type and text
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True)
class ReadLimits(xlsx.Limits):
    """What one upload may hold: :class:`lib.ingest.xlsx.Limits` and its size in bytes."""

    max_upload_bytes: int = 50 * 1024 * 1024


def read_limits(settings: dict[str, Any] | None = None) -> ReadLimits:
    """The limits of the ``ingest`` settings (default :data:`lib.core.config.SETTINGS`; pass the
    effective settings to count an administrator's stored values)."""
    s = (settings or config.SETTINGS)["ingest"]
    d = config.DEFAULTS["ingest"]

    def num(key: str) -> float:
        return float(s.get(key, d[key]))

    return ReadLimits(
        max_rows=int(num("max_rows")),
        max_cells=int(num("max_cells")),
        max_shared_strings_bytes=int(num("max_shared_strings_mb") * 1024 * 1024),
        max_unzipped_bytes=int(num("max_unzipped_mb") * 1024 * 1024),
        max_ratio=num("max_zip_ratio"),
        header_allowance=_HEADER_SCAN,
        max_upload_bytes=int(num("max_upload_mb") * 1024 * 1024),
    )


#: Boundary files (polygons with properties): GeoJSON, or a shapefile zipped with its .dbf/.prj.
GEO_TYPES = ("geojson", "shapefile")


def file_type(data: bytes, filename: str) -> str:
    """``csv``, ``xlsx``, ``geojson`` or ``shapefile`` (zipped) from the bytes (the name is only a hint).

    Raises
    ------
    IngestError
        ``empty_file``, ``old_excel``, ``unreadable`` or ``binary_file``.
    """
    if not data or not data.strip():
        raise _refuse(filename, "empty_file")
    if data.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
                if any(n.lower().endswith(".shp") for n in names):
                    return "shapefile"
        except zipfile.BadZipFile:
            raise _refuse(filename, "unreadable", "压缩包结构损坏") from None
        raise _refuse(filename, "binary_file", "这是一个压缩包，不是 Excel 工作簿，也不含 Shapefile(.shp)")
    if data.startswith(_OLE):
        raise _refuse(filename, "old_excel")
    head = data[:8192]
    if any(head.startswith(b) for b, enc in _BOMS if enc.startswith("utf-16")):
        return "csv"
    if b"\x00" in head:
        raise _refuse(filename, "binary_file", "文件含二进制内容(可能是图片、PDF 或压缩文件)")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{") and re.search(rb'"type"\s*:\s*"Feature', head):
        return "geojson"
    return "csv"


def decode(data: bytes, filename: str) -> tuple[str, str]:
    """Text and encoding: a BOM is respected; else strict UTF-8; else GB18030 (a superset of GBK).

    Never garbles: bytes that are neither are refused (``encoding``).
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                raise _refuse(filename, "encoding", f"文件标明为 {enc}，但内容不符") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        # Short GBK text can also be valid UTF-8 (学校 = D1A7 D0A3 = "ѧУ"): when the UTF-8
        # reading has letters no Chinese table holds and GB18030 reads cleanly, GB18030 wins.
        if _odd_letters(text):
            try:
                other = data.decode("gb18030")
            except UnicodeDecodeError:
                return text, "utf-8"
            if not _odd_letters(other):
                return other, "gb18030"
        return text, "utf-8"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise _refuse(filename, "encoding", "请在 Excel 中另存为“CSV UTF-8”或 xlsx 后重试") from None


#: Scripts a Chinese table never holds but that GBK bytes decode to as UTF-8
#: (Latin-1 supplement letters, Latin extended, Greek, Cyrillic, Armenian ... up to U+07FF).
_ODD = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u07ff]")


def _odd_letters(text: str) -> bool:
    return bool(_ODD.search(text[:20000]))


_DELIMS = (",", "\t", ";", "|")


def _delimiter(text: str) -> str:
    """The delimiter giving the widest consistent rows among the first lines."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best, best_score = ",", 0.0
    for d in _DELIMS:
        widths = [len(r) for r in csv.reader(lines, delimiter=d)]
        if not widths:
            continue
        tail = sorted(widths[len(widths) // 5 :]) or widths
        median = tail[len(tail) // 2]
        if median > 1 and median > best_score:
            best, best_score = d, median
    return best


def _csv_grid(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))


def _cell_text(v: Any) -> str | None:
    """A spreadsheet cell as text: dates ISO, whole numbers without ``.0``, big numbers
    in full (``4.11503200801011e+17`` -> ``411503200801011000``, as Excel stored it)."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:  # NaN
            return None
        if v.is_integer():
            try:
                return format(Decimal(repr(v)), "f").split(".")[0]
            except InvalidOperation:
                return repr(v)
        return repr(v)
    return str(v)


#: Cell types a spreadsheet stores (``ParsedFile.cell_types``): an ID number or a code that
#: Excel holds as a number has lost everything past 15 significant digits.
CELL_TYPES: dict[str, str] = {"s": "文本", "n": "数字", "d": "日期", "b": "是/否"}


def _cell_type(v: Any) -> str | None:
    """The :data:`CELL_TYPES` letter of a cell value as openpyxl returns it."""
    if v is None or isinstance(v, str):
        return None if v is None else "s"
    if isinstance(v, bool):
        return "b"
    if isinstance(v, int | float | Decimal):
        return "n"
    if isinstance(v, date | datetime | time):
        return "d"
    return "s"


Grid = list[list[str | None]]


def _xlsx_grid(
    data: bytes, filename: str, limits: xlsx.Limits, *, sheet: str | None = None
) -> tuple[Grid, Grid, str, list[tuple[int, int, int, int]]]:
    """(cells as text, each cell's type letter, the worksheet's name, its merged ranges), row by
    row, streamed within ``limits`` (:func:`lib.ingest.xlsx.read_sheet`)."""
    try:
        ws = xlsx.read_sheet(data, limits, sheet)
    except xlsx.XlsxRefused as exc:
        raise _refuse(filename, exc.code, exc.detail) from None
    grid: Grid = []
    types: Grid = []
    for row in ws.rows:
        grid.append([_cell_text(v) for v in row])
        types.append([_cell_type(v) for v in row])
    return grid, types, ws.title, ws.merged


Merged = list[tuple[int, int, int, int]]


def _filled_down(scan: Grid, merged: Merged) -> Grid:
    """The first rows with each merged range's value copied down its first column only: what the
    header is looked for in (a tall header cell names its column in every header row; a title
    merged across the table stays one cell wide, so it is never taken for a header)."""
    out = [list(r) for r in scan]
    for r0, c0, r1, _ in merged:
        if r0 >= len(out) or c0 >= len(out[r0]) or out[r0][c0] is None:
            continue
        for r in range(r0 + 1, min(r1, len(out) - 1) + 1):
            row = out[r]
            if len(row) <= c0:
                row.extend([None] * (c0 + 1 - len(row)))
            if row[c0] is None:
                row[c0] = out[r0][c0]
    return out


def _fill_merged(
    grid: Grid, types: Grid | None, merged: Merged, h: int, budget: int, filename: str
) -> list[tuple[int, int, int]]:
    """Copy each merged range's top-left value (and type) into every cell of the range, from the
    header row down; returns (first row, last row, column), 0-based, of the ranges filled below
    the header (for the notes).

    A range wholly above the header is a title: left alone (its text is the file's title).  A
    range that begins in or above the header row and reaches it fills the header row only: a
    header's or title's text never becomes data.  Ranges are clipped to the rows read and the widest row; the
    cells filled count against ``budget`` (``ingest.max_cells``)."""
    width = max((len(r) for r in grid), default=0)
    filled = 0
    notes: list[tuple[int, int, int]] = []
    for r0, c0, r1, c1 in merged:
        if r1 < h or r0 >= len(grid) or c0 >= width:
            continue
        top_row = grid[r0]
        value = top_row[c0] if c0 < len(top_row) else None
        if value is None:
            continue
        kind = types[r0][c0] if types is not None and c0 < len(types[r0]) else None
        first, last = (r0, min(r1, len(grid) - 1)) if r0 > h else (h, h)
        c1 = min(c1, width - 1)
        filled += (last - first + 1) * (c1 - c0 + 1)
        if filled > budget:
            raise _refuse(
                filename, "too_many_cells", f"合并单元格展开后超过 {budget:,} 个(设置 ingest.max_cells)"
            )
        for r in range(first, last + 1):
            for target in (grid, types) if types is not None else (grid,):
                row = target[r]
                if len(row) <= c1:
                    row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                grid[r][c] = value
                if types is not None:
                    types[r][c] = kind
        if first > h and last > first:
            notes.append((first, last, c0))
    return sorted(notes)


def _geo_grid(data: bytes, filename: str, ftype: str) -> tuple[Grid, str | None]:
    """A boundary file as rows: its properties as text and a ``geometry`` column (WKT, WGS-84),
    and the coordinate system it was written in.

    Projected or geographic CRSs (a GeoJSON ``crs`` member, a shapefile's .prj) are converted to
    WGS-84 here; GCJ-02/BD-09 cannot be written in a CRS and are declared at validation.  A
    file without a CRS is taken as WGS-84 when its coordinates are degrees, else refused.
    A shapefile without a .cpg whose names read as Latin letters is read again as GBK.
    """
    import pyogrio

    def read(**kw: Any) -> Any:
        try:
            return pyogrio.read_dataframe(io.BytesIO(data), **kw)
        except Exception as exc:  # GDAL raises many kinds for damaged files
            raise _refuse(filename, "unreadable", f"无法读取边界文件({type(exc).__name__})") from exc

    gdf = read()
    if ftype == "shapefile" and _latin_names(gdf):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            has_cpg = any(n.lower().endswith(".cpg") for n in z.namelist())
        if not has_cpg:
            gdf = read(encoding="gbk")
    source = gdf.crs.to_string() if gdf.crs is not None else None
    if gdf.crs is None or gdf.crs.is_geographic:  # GeoJSON without a crs member reads as WGS-84
        minx, miny, maxx, maxy = gdf.total_bounds if len(gdf) else (0, 0, 0, 0)
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise _refuse(
                filename,
                "bad_crs",
                "文件没有写明坐标系(GeoJSON 的 crs 或 Shapefile 的 .prj)，而坐标不是经纬度",
            )
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(config.WGS84)
    props = [c for c in gdf.columns if c != gdf.geometry.name]
    header: list[str | None] = [*props, "geometry"]
    rows: Grid = [header]
    wkt = gdf.geometry.to_wkt(rounding_precision=6)
    for values, shape in zip(gdf[props].itertuples(index=False), wkt, strict=True):
        rows.append([_cell_text(v) if not _is_missing(v) else None for v in values] + [shape])
    return rows, source


def _is_missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _latin_names(gdf: Any) -> bool:
    texts = [c for c in gdf.columns if c != gdf.geometry.name and not pd.api.types.is_numeric_dtype(gdf[c])]
    text = " ".join(str(v) for c in texts for v in gdf[c].head(50))
    return _odd_letters(text)


def sheet_names(data: bytes) -> list[str]:
    """The worksheets of an .xlsx (empty for anything else); reads only the workbook's index."""
    if not data.startswith(_ZIP):
        return []
    return xlsx.sheet_names(data)


# ------------------------------------------------------------------ header and mapping
_HEADER_SCAN = 30
_PAREN = re.compile(r"\(.*?\)")
_CRS_HINTS = (
    ("bd09", ("百度", "bd09")),
    ("gcj02", ("高德", "腾讯", "gcj", "火星")),
    ("wgs84", ("wgs", "gps", "天地图", "cgcs")),
)


def _lookup(header: str, index: dict[str, str]) -> str | None:
    h = clean_header(header)
    if not h:
        return None
    if h in index:
        return index[h]
    bare = _PAREN.sub("", h)  # 经度(高德) -> 经度; 人数(人) -> 人数
    return index.get(bare) if bare else None


def crs_hint(headers: list[str]) -> str | None:
    """A coordinate system named in a longitude/latitude header (经度(高德) -> gcj02)."""
    for h in headers:
        c = clean_header(h)
        if any(w in c for w in ("经度", "纬度", "lon", "lat", "lng")):
            for crs, words in _CRS_HINTS:
                if any(w in c for w in words):
                    return crs
    return None


def _score_row(cells: list[str | None], index: dict[str, str]) -> int:
    return len({_lookup(c, index) for c in cells if c} - {None})


def _find_header(grid: list[list[str | None]], kind: Kind | None) -> int:
    """0-based index of the header row: for a kind, the row (within the first 30)
    naming the most of its columns; without one, the first row as wide as the table."""
    scan = grid[:_HEADER_SCAN]
    if kind is not None:
        index = synonym_index(kind)
        scores = [_score_row(r, index) for r in scan]
        best = max(scores, default=0)
        return scores.index(best) if best >= 1 else -1
    filled = [sum(1 for c in r if c and str(c).strip()) for r in scan]
    widest = max(filled, default=0)
    if widest == 0:
        return -1
    for i, n in enumerate(filled):
        texty = sum(1 for c in scan[i] if c and not re.fullmatch(r"[\d.,\-+eE ]+", str(c).strip()))
        if n >= max(1, 0.6 * widest) and texty >= 0.5 * n:
            return i
    return filled.index(widest)


def guess_kind(grid_or_parsed: list[list[str | None]] | ParsedFile) -> tuple[str | None, int]:
    """The table kind whose columns the file's header names best, and how many it names."""
    if isinstance(grid_or_parsed, ParsedFile):
        grid = [grid_or_parsed.columns]
    else:
        grid = grid_or_parsed[:_HEADER_SCAN]
    best, best_n = None, 0
    for name, kind in KINDS.items():
        if kind.registry and name != "poverty":
            continue  # the registry kinds share their columns: report them as one
        index = synonym_index(kind)
        n = max((_score_row(r, index) for r in grid), default=0)
        req = sum(1 for r in kind.required if any(_lookup(c, index) == r for row in grid for c in row if c))
        score = n + req
        if score > best_n:
            best, best_n = name, score
    return best, best_n


def _unique(headers: list[str | None]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(headers):
        base = str(h).strip() if h is not None and str(h).strip() else f"第{i + 1}列"
        base = re.sub(r"\s+", " ", base)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(base if n == 0 else f"{base}({n + 1})")
    return out


def guess_mapping(columns: list[str], kind: str | Kind) -> dict[str, str | None]:
    """File header -> canonical column by synonyms (first column wins a field)."""
    k = get_kind(kind) if isinstance(kind, str) else kind
    index = synonym_index(k)
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for h in columns:
        canon = _lookup(h, index)
        out[h] = canon if canon and canon not in taken else None
        if canon:
            taken.add(canon)
    return out


def apply_mapping(
    guess: dict[str, str | None], override: dict[str, str | None] | None, kind: Kind
) -> dict[str, str | None]:
    """The guess with the user's choices on top; a field chosen by the user for one
    column is taken away from any other column."""
    if not override:
        return dict(guess)
    valid = set(kind.names)
    out = dict(guess)
    for h, canon in override.items():
        if h not in out:
            continue
        canon = canon if canon in valid else None
        if canon:
            for other, c in out.items():
                if c == canon and other != h:
                    out[other] = None
        out[h] = canon
    return out


def _mapping_notes(
    columns: list[str], mapping: dict[str, str | None], kind: Kind, header_row: int
) -> list[Problem]:
    index = synonym_index(kind)
    notes = []
    for h in columns:
        if mapping.get(h) is None:
            canon = _lookup(h, index)
            if canon and canon in mapping.values():
                notes.append(
                    Problem(
                        header_row,
                        h,
                        "duplicate_column",
                        f"“{h}”与另一列都对应“{kind.field(canon).label}”，只导入第一列",
                    )
                )
            else:
                notes.append(Problem(header_row, h, "unmapped_column", f"“{h}”未对应任何字段，不导入"))
    return notes


# ------------------------------------------------------------------ public entry
def _kind(kind: str | None, filename: str) -> Kind | None:
    if kind is not None and kind not in KINDS:
        raise _refuse(filename, "unknown_kind", f"{kind}（可选 {', '.join(KINDS)}）")
    return KINDS[kind] if kind else None


def check_size(data: bytes, filename: str, limits: ReadLimits) -> None:
    """Refuse a file larger than ``limits.max_upload_bytes`` (``too_large``)."""
    max_bytes = limits.max_upload_bytes
    if len(data) > max_bytes:
        raise _refuse(
            filename,
            "too_large",
            f"{len(data) / 1024 / 1024:.1f} MB，上限 {max_bytes / 1024 / 1024:.0f} MB(设置 ingest.max_upload_mb)",
        )


@dataclass
class _Table:
    """A file read as rows: the rows down to the header, the header's index, the data rows
    as text, and what the file said about itself."""

    grid: Grid
    h: int
    raw: pd.DataFrame
    encoding: str | None = None
    sheet: str | None = None
    types: pd.DataFrame | None = None
    source_crs: str | None = None
    #: merged ranges filled below the header: (first row, last row, column), 0-based
    filled: list[tuple[int, int, int]] = field(default_factory=list)


def _read_table(
    data: bytes, filename: str, ftype: str, kind: Kind | None, sheet: str | None, limits: ReadLimits
) -> _Table:
    max_rows = limits.max_rows
    encoding = sheet_used = types = source_crs = None
    merged: Merged = []
    if ftype == "xlsx":
        grid, types, sheet_used, merged = _xlsx_grid(data, filename, limits, sheet=sheet)
    elif ftype in GEO_TYPES:
        grid, source_crs = _geo_grid(data, filename, ftype)
    else:
        text, encoding = decode(data, filename)
        fast = _csv_fast(text, kind, max_rows)
        if fast is not None:
            grid, h, raw = fast
            return _Table(grid, h, _limit_rows(raw, filename, max_rows), encoding)
        grid = _csv_grid(text)
    if len(grid) > max_rows + _HEADER_SCAN:
        raise _refuse(
            filename, "too_many_rows", f"约 {len(grid):,} 行，上限 {max_rows:,} 行(设置 ingest.max_rows)"
        )
    h = _find_header(_filled_down(grid[:_HEADER_SCAN], merged) if merged else grid, kind)
    if h < 0:
        raise _no_header(grid, kind, filename)
    filled = _fill_merged(grid, types, merged, h, limits.max_cells, filename) if merged else []
    width = len(grid[h])
    if (len(grid) - h - 1) * width > limits.max_cells:
        raise _refuse(
            filename,
            "too_many_cells",
            f"{len(grid) - h - 1:,} 行 × {width:,} 列，超过 {limits.max_cells:,} 个单元格(设置 ingest.max_cells)",
        )
    raw, type_frame = _frame(grid, h, _unique(grid[h]), types=types)
    return _Table(
        grid, h, _limit_rows(raw, filename, max_rows), encoding, sheet_used, type_frame, source_crs, filled
    )


def _limit_rows(frame: pd.DataFrame, filename: str, max_rows: int) -> pd.DataFrame:
    if len(frame) > max_rows:
        raise _refuse(
            filename, "too_many_rows", f"{len(frame):,} 行，上限 {max_rows:,} 行(设置 ingest.max_rows)"
        )
    return frame


def _merge_notes(filled: list[tuple[int, int, int]], columns: list[str]) -> list[Problem]:
    return [
        Problem(
            r0 + 1,
            columns[c] if c < len(columns) else None,
            "merged_filled",
            f"第 {r0 + 1}-{r1 + 1} 行的“{columns[c] if c < len(columns) else f'第{c + 1}列'}”"
            "是合并单元格，已把首格的值填入每一行",
        )
        for r0, r1, c in filled
    ]


def read_upload(
    data: bytes,
    filename: str,
    *,
    kind: str | None,
    mapping: dict[str, str | None] | None = None,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
) -> ParsedFile:
    """Read an uploaded CSV/XLSX into text cells under canonical column names.

    Parameters
    ----------
    data, filename
        The file's bytes and its name (the name is used in messages; the
        type comes from the bytes).
    kind
        A table kind (:data:`lib.ingest.kinds.KINDS`) or None for free
        exploration (every column kept under its header).
    mapping
        Header as written -> canonical column (or None: do not import):
        overrides the guess for those headers.
    sheet
        Worksheet of an .xlsx (default: the first).
    limits
        What the file may hold (default :func:`read_limits` of the settings file); an .xlsx is
        streamed and refused as soon as one is passed, before its table is made.  Merged
        cells are filled with their first cell's value from the header down (a note says where).

    Returns
    -------
    ParsedFile

    Raises
    ------
    IngestError
        The file is empty, binary, too large, too long, undecodable, has no
        recognisable header, or is clearly another kind of table; or an .xlsx passes a
        limit (``too_many_cells``, ``too_many_strings``, ``zip_bomb``, ``too_many_rows``).
    """
    k = _kind(kind, filename)
    limits = limits or read_limits()
    check_size(data, filename, limits)
    ftype = file_type(data, filename)
    read = _read_table(data, filename, ftype, k, sheet, limits)
    grid, h, raw = read.grid, read.h, read.raw
    columns = _unique(grid[h])
    title = [" ".join(str(c) for c in r if c) for r in grid[:h] if any(c for c in r)]
    frame, mapping_used, notes = raw, {c: None for c in columns}, _merge_notes(read.filled, columns)
    if k is not None:
        mapping_used = apply_mapping(guess_mapping(columns, k), mapping, k)
        frame = _rename(raw, mapping_used, k)
        notes = notes + _mapping_notes(columns, mapping_used, k, h + 1)
    return ParsedFile(
        filename=filename,
        kind=kind,
        file_type=ftype,
        encoding=read.encoding,
        sheet=read.sheet,
        header_row=h + 1,
        columns=columns,
        mapping=mapping_used,
        frame=frame,
        raw=raw,
        title=title,
        crs_hint=crs_hint(columns),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        notes=notes,
        cell_types=read.types,
        source_crs=read.source_crs,
    )


def remap(parsed: ParsedFile, mapping: dict[str, str | None]) -> ParsedFile:
    """The same file under another mapping (the bytes are not read again)."""
    if parsed.kind is None or parsed.raw is None:
        return parsed
    k = KINDS[parsed.kind]
    new = apply_mapping(parsed.mapping, mapping, k)
    return ParsedFile(
        **{
            **parsed.__dict__,
            "mapping": new,
            "frame": _rename(parsed.raw, new, k),
            "notes": _mapping_notes(parsed.columns, new, k, parsed.header_row),
        }
    )


def _columns_of(body: Grid, width: int) -> list[tuple]:
    padded = [r if len(r) == width else (r + [None] * (width - len(r)))[:width] for r in body]
    return list(zip(*padded, strict=True)) if padded else [() for _ in range(width)]


def _frame(
    grid: Grid, h: int, columns: list[str], *, types: Grid | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The rows under the header as trimmed text (<NA> for empty), blank rows dropped,
    with each row's number in the file; and, when ``types`` is given, each kept cell's type
    (same rows, same columns, category dtype)."""
    import pyarrow as pa

    body = grid[h + 1 :]
    arrays = [pa.array(values, type=pa.string()) for values in _columns_of(body, len(columns))]
    frame = _text_frame(columns, arrays, list(range(h + 2, h + 2 + len(body))))
    if types is None:
        return frame, None
    kept = (frame[ROW] - (h + 2)).to_numpy()
    cats = pd.CategoricalDtype(list(CELL_TYPES))
    typed = {
        c: pd.Series(pd.Categorical(pd.Series(v, dtype="object").to_numpy()[kept], dtype=cats))
        for c, v in zip(columns, _columns_of(types[h + 1 :], len(columns)), strict=True)
    }
    return frame, pd.DataFrame(typed, index=frame.index)


def _text_frame(columns: list[str], arrays: list[Any], rows: list[int]) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc

    data = {}
    for name, arr in zip(columns, arrays, strict=True):
        arr = pc.utf8_trim_whitespace(arr)
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        data[name] = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([arr])))
    frame = pd.DataFrame(data)
    frame[ROW] = pd.Series(rows, dtype="int64")
    keep = frame[columns].notna().any(axis=1) if columns else pd.Series(False, index=frame.index)
    return frame[keep].reset_index(drop=True)


def _csv_fast(
    text: str, kind: Kind | None, max_rows: int
) -> tuple[list[list[str]], int, pd.DataFrame] | None:
    """The common case, read by Arrow's CSV parser: no quote characters (so one line is
    one record) and every line under the header as wide as it.  Returns (the rows above
    and including the header, the header's index, the frame) or None for the general path."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if '"' in text:
        return None
    lines = text.lstrip("\ufeff").split("\n")
    if len(lines) > max_rows + _HEADER_SCAN + 1:
        return None  # the general path refuses it with the figures
    delim = _delimiter(text)
    head = [ln.rstrip("\r").split(delim) for ln in lines[:_HEADER_SCAN]]
    h = _find_header(head, kind)
    if h < 0:
        return None
    columns = _unique(head[h])
    body = lines[h + 1 :]
    keep = [i for i, ln in enumerate(body) if ln.strip()]
    payload = "\n".join(body[i].rstrip("\r") for i in keep).encode("utf-8")
    if not payload:
        return None
    names = [f"c{i}" for i in range(len(columns))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(payload),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char=False, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # ragged rows: the general path pads them
    if table.num_rows != len(keep):
        return None
    frame = _text_frame(columns, [table.column(n) for n in names], [h + 2 + i for i in keep])
    return head[: h + 1], h, frame


def _rename(frame: pd.DataFrame, mapping: dict[str, str | None], kind: Kind) -> pd.DataFrame:
    canon = set(kind.names)
    names = {}
    for h in frame.columns:
        if h == ROW:
            continue
        c = mapping.get(h)
        if c:
            names[h] = c
        elif h in canon:
            names[h] = f"{h}(原列)"  # an unmapped header that spells a canonical name
    return frame.rename(columns=names)


def _no_header(grid: list[list[str | None]], kind: Kind | None, filename: str) -> IngestError:
    other, n = guess_kind(grid)
    if kind is not None and other and other != kind.name and n >= 3:
        return _refuse(
            filename,
            "wrong_kind",
            f"表头像是“{KINDS[other].label}”，不是所选的“{kind.label}”，请重新选择数据类型",
        )
    if kind is None:
        return _refuse(filename, "no_header", "前 30 行都是空行")
    return _refuse(
        filename,
        "no_header",
        f"前 {_HEADER_SCAN} 行中没有“{kind.label}”表的列名(如 {'、'.join(kind.field(r).label for r in kind.required[:3])})",
    )


def as_kind(parsed: ParsedFile, kind: str) -> ParsedFile:
    """The same file read as another kind (mapping guessed afresh)."""
    k = get_kind(kind)
    raw = parsed.raw if parsed.raw is not None else parsed.frame
    mapping = guess_mapping(parsed.columns, k)
    return ParsedFile(
        **{
            **parsed.__dict__,
            "kind": kind,
            "mapping": mapping,
            "frame": _rename(raw, mapping, k),
            "raw": raw,
            "notes": _mapping_notes(parsed.columns, mapping, k, parsed.header_row),
        }
    )
