"""ID numbers (GB 11643-1999), 学籍号 and school codes: validation and masking."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lib.core import masking

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＧＪＬｇｊｌ", "0123456789XXGJLGJL")
_SCI = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def check_char(first17: str) -> str:
    """Check character for the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_valid_id(value: str | None) -> bool:
    """True for an 18-character ID with a valid checksum and birth date."""
    if not isinstance(value, str) or len(value) != 18 or not value[:17].isdigit():
        return False
    if value[17] not in "0123456789X":
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return check_char(value[:17]) == value[17]


_LAST = frozenset("0123456789X")


def is_canonical(value: Any) -> bool:
    """An ID written as 17 ASCII digits and a digit or X (what :func:`valid_canonical` judges)."""
    return (
        isinstance(value, str)
        and len(value) == 18
        and value.isascii()
        and value[:17].isdigit()
        and value[17] in _LAST
    )


#: :func:`is_canonical` as a pattern: 17 ASCII digits and a digit or X
_CANONICAL_RE = "[0-9]{17}[0-9X]"


def canonical_mask(values: pd.Series) -> np.ndarray:
    """:func:`is_canonical` of every value of ``values``; text columns judged set-wise (one
    regular expression over the column), anything else one by one."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.str.fullmatch(_CANONICAL_RE).fillna(False).to_numpy(dtype=bool)
    return np.fromiter(
        (is_canonical(v) for v in values.to_numpy(dtype=object)), dtype=bool, count=len(values)
    )


def valid_canonical(values: Sequence[str] | np.ndarray) -> np.ndarray:
    """:func:`is_valid_id` of canonical IDs (:func:`is_canonical`), all at once: checksum and
    birth date, the date rule being the one ``datetime.date`` applies."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    raw = np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    digits = raw[:, :17].astype(np.int64) - 48
    check = np.frombuffer(_CHECK.encode("ascii"), dtype=np.uint8)[digits @ np.array(_WEIGHTS) % 11]
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month = digits[:, 10:12] @ np.array([10, 1])
    day = digits[:, 12:14] @ np.array([10, 1])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)]
    month_days = month_days + ((month == 2) & leap)
    dated = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    return dated & (check == raw[:, 17])


def valid_ids(values: pd.Series) -> np.ndarray:
    """:func:`is_valid_id` of every value of ``values``, canonical ones set-wise (a county's
    91k IDs in milliseconds), anything else one by one."""
    out = np.zeros(len(values), dtype=bool)
    arr = values.to_numpy(dtype=object)
    canon = canonical_mask(values)
    out[canon] = valid_canonical(arr[canon])
    rest = np.flatnonzero(~canon)
    out[rest] = [is_valid_id(v) for v in arr[rest]]
    return out


def id_from_15(old: str) -> str:
    """Convert a 15-digit first-generation ID (19 century prefix added, checksum computed)."""
    body = old[:6] + "19" + old[6:15]
    return body + check_char(body)


def normalise_id(value: object) -> str | None:
    """Normalise an ID as written in a file: spaces, full-width digits, lower-case x,
    a 学籍号 'G'+ID, and a 15-digit old ID.  Returns None for empty cells.

    Damaged values are returned as written (never "repaired"); judge them with
    :func:`id_damage`.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    s = str(value).translate(_FULLWIDTH).strip().replace(" ", "").upper()
    if not s:
        return None
    if s.startswith("G") and len(s) == 19:
        s = s[1:]
    if len(s) == 15 and s.isdigit():
        s = id_from_15(s)
    return s


def id_damage(value: str | None) -> str | None:
    """Why an ID is unusable, or None if it is valid.

    ``scientific``: written in scientific notation by Excel (always destroyed);
    ``excel_zeros``: ends in 000 and fails the checksum (Excel kept only 15
    significant digits); ``checksum``/``format``: otherwise invalid.
    """
    if value is None:
        return "missing"
    if _SCI.match(value):
        return "scientific"
    if is_valid_id(value):
        return None
    if len(value) == 18 and value.endswith("000") and value[:17].isdigit():
        return "excel_zeros"
    if len(value) == 18 and value[:17].isdigit():
        return "checksum"
    return "format"


def sex_from_id(value: str) -> str:
    return "男" if int(value[16]) % 2 == 1 else "女"


def birth_date_from_id(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


# ------------------------------------------------------------------ masking
# The masked shapes and the gate live in lib.core.masking (values recognised wherever they
# stand); the names here are the ones the domains have always called.
mask_id = masking.mask_id
mask_name = masking.mask_name
mask_phone = masking.mask_phone

#: Which masker applies to which column name (masked whole, whatever the values look like).
MASKED_COLUMNS = {
    "id_number": "id",
    "xueji_number": "id",
    "name": "name",
    "guardian_name": "name",
    "actor": "name",
    "phone": "phone",
    "guardian_phone": "phone",
}


def mask_frame(df: pd.DataFrame, *, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` masked server-side: ``columns`` (default :data:`MASKED_COLUMNS`) whole,
    and every other cell through the masking gate (:func:`lib.core.masking.mask_table`), so a
    name, ID or phone in a remark column is masked too, the names of those columns included."""
    return masking.mask_table(df, columns=columns or MASKED_COLUMNS)


SCHOOL_CODE = re.compile(r"^(1[1-9]|2[1-9]|3[1-9]|4[1-9]|5[1-9]|6[1-9])\d{8}$")


def is_valid_school_code(value: str | None) -> bool:
    """学校标识码: 10 digits, type (21 小学, 31 初中, 51 特殊教育 ...) + province + 6."""
    return isinstance(value, str) and bool(SCHOOL_CODE.match(value))


def is_valid_xueji(value: str | None) -> bool:
    """学籍号: G+ID; J+area(6)+birth(8)+3+1; L+area+birth+4 (temporary)."""
    if not isinstance(value, str) or not value:
        return False
    head, rest = value[0], value[1:]
    if head == "G":
        return is_valid_id(rest)
    if head in ("J", "L") and len(rest) == 18 and rest[:14].isdigit():
        return True
    return False
