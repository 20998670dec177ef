"""Files for people: CSV that Excel opens correctly and .xlsx, both formula-safe and masked.

Every export in the app goes through here (and through ``ui.download_buttons``,
which records it in the audit log).  Every cell passes the masking gate
(:func:`lib.core.masking.mask_table`: names, ID numbers, phones and addresses recognised
by their values) unless the caller says ``mask=False``, which only a user who typed a
reason to unmask gets.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from lib.core import masking

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells beginning with = + - @ tab or CR are prefixed with '
    so that a spreadsheet shows them as text and never runs them."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_neutralise_cell)
    return out


def to_csv_bytes(df: pd.DataFrame, *, mask: bool = True) -> bytes:
    """UTF-8 with BOM (Excel on Chinese Windows needs it), formulas neutralised, masked
    unless ``mask`` is False."""
    if mask:
        df = masking.mask_table(df)
    # CRLF: what Excel writes, and it makes the csv writer quote fields holding a bare CR.
    return neutralise_formulas(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(
    sheets: dict[str, pd.DataFrame], *, titles: dict[str, str] | None = None, mask: bool = True
) -> bytes:
    """An .xlsx with one sheet per frame; an optional title row above each table.

    XlsxWriter never turns strings into formulas or links here, and cells are
    neutralised as in CSV, so a value like ``=HYPERLINK(...)`` stays text.  Every sheet
    and title is masked unless ``mask`` is False.
    """
    buf = io.BytesIO()
    opts = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": opts}) as writer:
        for name, frame in sheets.items():
            sheet = name[:31]
            title = (titles or {}).get(name)
            if mask:
                frame = masking.mask_table(frame)
                title = masking.mask_text(title)
            start = 1 if title else 0
            neutralise_formulas(frame).to_excel(writer, sheet_name=sheet, index=False, startrow=start)
            ws = writer.sheets[sheet]
            if title:
                ws.write(0, 0, title, writer.book.add_format({"bold": True, "font_size": 13}))
            for i, col in enumerate(frame.columns):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
                ws.set_column(i, i, min(max(width, 8), 40))
            ws.freeze_panes(start + 1, 0)
    return buf.getvalue()
