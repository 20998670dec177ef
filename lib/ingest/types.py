"""Reading cells as types: dates, numbers, yes/no, IDs and codes (vectorised, pure).

Every parser takes a Series of text (``<NA>`` for an empty cell) and returns the
parsed Series plus a boolean mask of the cells that were written but could not
be read, so the validator can name their rows.  Nothing here guesses silently:
a value that is not clearly a date or a number is *bad*, not empty.

The ID checks are vectorised versions of :func:`lib.core.ids.id_damage` and
:func:`lib.core.ids.is_valid_xueji` (same rules; the tests compare them): 100,000
rows must validate in a second or two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.core import ids

_FULL = "０１２３４５６７８９．，－／＋％ｘＸ：　ＧＪＬｇｊｌ"
_HALF = "0123456789.,-/+%xX: GJLgjl"
_FULLWIDTH = str.maketrans(_FULL, _HALF)
_HAS_FULL = "[" + _FULL + "]"
#: Whitespace written out: pandas runs a regex with ``\s`` in Python, one without it in Arrow (fast).
_WS = " \t\r\n\u3000\u00a0"
#: The same, for the other modules of the pipeline.
WHITESPACE = _WS
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Excel serial numbers accepted as dates: 1950-01-01 .. 2099-12-31.
_SERIAL_RANGE = (18264, 73415)


def text(values: pd.Series) -> pd.Series:
    """Trimmed text with full-width digits and punctuation made half-width; empty -> <NA>."""
    s = values.astype("string")
    wide = s.str.contains(_HAS_FULL, regex=True).fillna(False).astype(bool)
    if wide.any():
        s = s.copy()
        s[wide] = s[wide].map(lambda v: v.translate(_FULLWIDTH))
    s = s.str.strip()
    return s.mask(s == "")


# ------------------------------------------------------------------ dates
def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates written as 2025-09-01, 2025/9/1, 2025.9.1, 2025年9月1日, 20250901,
    an ISO timestamp, or an Excel serial number (45901 = 2025-09-01).

    Returns
    -------
    (dates, bad)
        ``dates``: ``datetime64[us]`` (NaT when empty or bad); ``bad``: written but unreadable.
    """
    t = text(values)
    written = t.notna()
    out = pd.to_datetime(t, format="%Y-%m-%d", errors="coerce")  # the common case, fast
    rest = written & out.isna()
    if rest.any():
        r = t[rest]
        r = r.str.replace(r"(日|号)?([ T][0-9]{1,2}(:[0-9]{1,2}){1,2}(\.[0-9]+)?)?$", "", regex=True)
        serial = r.str.fullmatch(r"\d{5}(\.0+)?").fillna(False).astype(bool)
        compact = r.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
        iso = r.str.replace(r"[年月/.\-]", "-", regex=True).str.strip("-")
        got = pd.to_datetime(iso.where(~serial & ~compact), format="%Y-%m-%d", errors="coerce")
        if compact.any():
            got = got.where(~compact, pd.to_datetime(r.where(compact), format="%Y%m%d", errors="coerce"))
        if serial.any():
            n = pd.to_numeric(r.where(serial), errors="coerce")
            ok = serial & n.between(*_SERIAL_RANGE)
            got = got.where(~ok, _EXCEL_EPOCH + pd.to_timedelta(n.where(ok), unit="D"))
        out = out.astype("datetime64[us]")
        out[rest] = got.astype("datetime64[us]")
    out = out.astype("datetime64[us]")
    out = out.where((out.dt.year >= 1900) & (out.dt.year <= 2100))
    return out, written & out.isna()


# ------------------------------------------------------------------ numbers
def parse_numbers(values: pd.Series, *, integer: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers with thousands separators, currency signs, units (元, 人, 岁) and 万.

    ``1,234`` -> 1234; ``1.2万`` -> 12000; ``3 人`` -> 3.  With ``integer`` a
    value with a fraction is bad (``12.5`` students).
    """
    t = text(values)
    written = t.notna()
    t = t.str.replace(f"[,{_WS}¥￥元人个岁名]", "", regex=True)
    wan = t.str.endswith("万").fillna(False).astype(bool)
    t = t.str.removesuffix("万")
    plain = t.str.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?").fillna(False).astype(bool)
    n = pd.to_numeric(t.where(plain), errors="coerce").astype("float64")
    n = n.where(~wan, n * 10_000)
    bad = written & n.isna()
    if integer:
        frac = n.notna() & (n != np.floor(n.fillna(0)))
        return n.where(~frac).round().astype("Int64"), bad | frac
    return n, bad


# ------------------------------------------------------------------ grades
_CN_DIGITS = str.maketrans("一二三四五六七八九", "123456789")
#: 4, 4年级, 四年级, 小学四年级, 4.0 (a number written by Excel) -> 4.
_PRIMARY_GRADE = r"(?:小学)?(\d{1,2})(?:年级|年)?(?:\.0+)?"
#: 初一, 初中一年级, 初1 -> 7 (junior secondary counts on from the six primary grades).
_JUNIOR_GRADE = r"初(?:中)?([1-3])(?:年级|年)?"


def parse_grades(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Grades 1-9 as schools write them: 4, 4年级, 四年级, 小学四年级, 初一, 初中一年级,
    七年级(初一); full-width digits and spaces tolerated.

    Returns
    -------
    (grades, bad)
        ``grades``: ``Int64`` (<NA> when empty or unreadable); ``bad``: written but unreadable
        (高一, 十年级, 4年纪 ...).  A grade outside 1-9 is the range check's business, not this one's.
    """
    t = text(values)
    written = t.notna()
    s = t.str.replace(f"[{_WS}]", "", regex=True)
    # 七年级(初一): the bracket repeats the grade in the other system
    s = s.str.replace(r"[(（][^)）]*[)）]$", "", regex=True)
    s = s.map(lambda v: v.translate(_CN_DIGITS), na_action="ignore").astype("string")
    primary = s.str.extract(f"^{_PRIMARY_GRADE}$", expand=False)
    junior = s.str.extract(f"^{_JUNIOR_GRADE}$", expand=False)
    out = pd.to_numeric(primary, errors="coerce")
    out = out.where(out.notna(), pd.to_numeric(junior, errors="coerce") + 6)
    grades = out.round().astype("Int64")
    return grades, written & grades.isna()


def value_shape(value: object, *, most: int = 24) -> str:
    """A personal value made unreadable but recognisable by its form: digits become ``#``, Latin
    letters ``A``/``a``, other letters and characters ``□``; separators and the date words
    (年月日号) stay.  ``2016.13.01`` -> ``####.##.##``; ``二〇一六年`` -> ``□□□□年``."""
    out = []
    for ch in str(value)[:most]:
        if ch.isdigit():
            out.append("#")
        elif ch.isascii() and ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif ch in "年月日号时分秒岁" or not ch.isalnum():
            out.append(ch)
        else:
            out.append("□")
    return "".join(out) + ("…" if len(str(value)) > most else "")


# ------------------------------------------------------------------ yes/no
_TRUE = [
    "是",
    "有",
    "y",
    "yes",
    "true",
    "t",
    "1",
    "√",
    "✓",
    "✔",
    "对",
    "寄宿",
    "住校",
    "已请假",
    "请假",
    "事假",
    "病假",
]
_FALSE = ["否", "无", "n", "no", "false", "f", "0", "×", "✗", "✘", "不是", "走读", "未请假", "旷课", "-", "/"]


def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否, 有/无, Y/N, true/false, 1/0, √/×; empty -> <NA>."""
    low = text(values).str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[low.isin(_TRUE).fillna(False).to_numpy(dtype=bool)] = True
    out[low.isin(_FALSE).fillna(False).to_numpy(dtype=bool)] = False
    return out, low.notna() & out.isna()


# ------------------------------------------------------------------ IDs and codes
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))
_SCI = r"\d(\.\d+)?[eE]\+?\d+"


def normalise_ids(values: pd.Series) -> pd.Series:
    """ID numbers as text (:func:`lib.core.ids.normalise_id`, vectorised): whitespace and the
    apostrophe Excel users type removed, full-width digits half-width, ``x`` upper
    case, ``G`` + ID (a 学籍号) stripped, a 15-digit first-generation ID converted.
    Damaged values stay as written (``4.11503E+17``)."""
    s = text(values).str.replace(f"[{_WS}'‘’`]", "", regex=True).str.upper()
    s = s.mask(s == "")
    g = (s.str.len() == 19) & s.str.startswith("G")
    s = s.where(~g.fillna(False).astype(bool), s.str[1:])
    old = s.str.fullmatch(r"\d{15}").fillna(False).astype(bool)
    if old.any():
        s = s.copy()
        s[old] = s[old].map(ids.id_from_15)
    return s


def check_chars(first17: pd.Series) -> np.ndarray:
    """Check characters of 17-digit strings (all must be 17 digits)."""
    if len(first17) == 0:
        return np.array([], dtype="<U1")
    raw = "".join(first17.tolist()).encode("ascii")
    digits = (np.frombuffer(raw, dtype=np.uint8).reshape(-1, 17) - 48).astype(np.int64)
    return _CHECK[(digits @ _WEIGHTS) % 11]


def id_damage(values: pd.Series) -> pd.Series:
    """Why each ID is unusable (:func:`lib.core.ids.id_damage`, vectorised), <NA> when valid or empty:
    ``scientific``, ``excel_zeros``, ``checksum`` or ``format``."""
    s = values.astype("string")
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    written = s.notna()
    sci = s.str.fullmatch(_SCI).fillna(False).astype(bool)
    shaped = s.str.fullmatch(r"\d{17}[\dX]").fillna(False).astype(bool)
    born = pd.to_datetime(s.str[6:14].where(shaped), format="%Y%m%d", errors="coerce").notna()
    check_ok = pd.Series(False, index=s.index)
    if shaped.any():
        check_ok[shaped] = check_chars(s[shaped].str[:17]) == s[shaped].str[17].to_numpy()
    valid = shaped & born & check_ok
    digits17 = s.str.fullmatch(r"\d{17}.").fillna(False).astype(bool) & (s.str.len() == 18)
    zeros = digits17 & s.str.endswith("000").fillna(False).astype(bool)
    out[written & ~valid & ~sci] = "format"
    out[written & ~valid & digits17] = "checksum"
    out[written & ~valid & zeros] = "excel_zeros"
    out[sci] = "scientific"
    return out


def valid_xueji(values: pd.Series) -> pd.Series:
    """学籍号 format (:func:`lib.core.ids.is_valid_xueji`, vectorised): G + a valid ID;
    J or L + 18 characters whose first 14 are digits."""
    s = values.astype("string")
    g = s.str.startswith("G").fillna(False).astype(bool)
    ok = pd.Series(False, index=s.index)
    if g.any():
        ok[g] = id_damage(s[g].str[1:]).isna() & (s[g].str.len() == 19)
    jl = s.str.fullmatch(r"[JL]\d{14}.{4}").fillna(False).astype(bool)
    return ok | jl


def normalise_codes(values: pd.Series) -> pd.Series:
    """Digit codes as text: spaces and a leading apostrophe removed, a trailing ``.0``
    (a number written by a program) dropped."""
    s = text(values).str.replace(f"[{_WS}]", "", regex=True).str.replace("^'", "", regex=True)
    s = s.str.replace(r"^([0-9]+)\.0$", r"\1", regex=True)
    return s.mask(s == "")


def normalise_text(values: pd.Series) -> pd.Series:
    """Text trimmed; empty cells <NA>."""
    return text(values)


def normalise_phones(values: pd.Series) -> pd.Series:
    """Phone numbers as text: spaces, dashes, brackets and a +86 prefix removed."""
    s = text(values).str.replace(f"[{_WS}\\-()（）]", "", regex=True)
    s = s.str.replace(r"^\+?86(1[0-9]{10})$", r"\1", regex=True)
    return s.mask(s == "")
