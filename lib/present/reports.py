"""Files for people: CSV that Excel opens correctly and .xlsx with numbers as numbers, both
formula-safe and masked.

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


#: Excel number formats by name: numbers in files the way the pages write them (1,234; 96.3%;
#: +12; +0.4个百分点; ISO dates), stored as numbers, so a spreadsheet can still add them up.
NUMBER_FORMATS: dict[str, str] = {
    "count": "#,##0",
    "pct": "0.0%",
    "money": "#,##0.00",
    "decimal1": "0.0",
    "decimal2": "0.00",
    "delta": "+#,##0;-#,##0;0",
    "delta_pp": '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"',
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def _excel_format(name: str) -> str:
    return NUMBER_FORMATS.get(name, name)


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    *,
    titles: dict[str, str] | None = None,
    formats: dict[str, dict[str, str | list[str | None]]] | None = None,
    mask: bool = True,
) -> bytes:
    """An .xlsx with one sheet per frame; an optional title row above each table.

    Numbers are written as numbers (never as text), in the format named for their column in
    ``formats[sheet][column]`` (a key of :data:`NUMBER_FORMATS` or an Excel format), or one
    format per row (a list, for a column mixing rates and counts); dates as dates (ISO).  Text
    is always text: XlsxWriter never turns it into a formula or a link, and text that a
    spreadsheet would read as a formula (``= + - @``, tab, CR) carries Excel's own "text"
    mark (the quote prefix, as when a user types a leading apostrophe), so it stays text even
    when the cell is edited, and no apostrophe shows.  Every sheet and title passes the
    masking gate unless ``mask`` is False.
    """
    import datetime as dt

    import numpy as np
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    )
    cache: dict[tuple[str, bool], Any] = {}

    def style(num: str | None = None, *, quote: bool = False, bold: bool = False) -> Any:
        key = (f"{num}|{bold}", quote)
        if key not in cache:
            props: dict[str, Any] = {}
            if num:
                props["num_format"] = _excel_format(num)
            if quote:
                props["quote_prefix"] = True
            if bold:
                props["bold"] = True
            cache[key] = book.add_format(props) if props else None
        return cache[key]

    title_style = book.add_format({"bold": True, "font_size": 13})
    for name, frame in sheets.items():
        ws = book.add_worksheet(name[:31])
        title = (titles or {}).get(name)
        if mask:
            frame = masking.mask_table(frame)
            title = masking.mask_text(title)
        top = 1 if title else 0
        if title:
            ws.write_string(0, 0, title, title_style)
        column_formats = (formats or {}).get(name, {})
        for j, col in enumerate(frame.columns):
            ws.write_string(top, j, str(col), style(bold=True))
            wanted = column_formats.get(col)
            values = frame[col].tolist()
            for i, v in enumerate(values):
                r = top + 1 + i
                num = wanted[i] if isinstance(wanted, list) else wanted
                if v is None or (not isinstance(v, str) and _is_missing(v)):
                    continue
                if isinstance(v, bool | np.bool_):
                    ws.write_string(r, j, "是" if v else "否")
                elif isinstance(v, int | float | np.integer | np.floating):
                    ws.write_number(r, j, float(v), style(num))
                elif isinstance(v, pd.Timestamp | dt.datetime):
                    ts = pd.Timestamp(v)
                    timed = ts != ts.normalize()
                    ws.write_datetime(
                        r, j, ts.to_pydatetime(), style(num or ("datetime" if timed else "date"))
                    )
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, j, dt.datetime(v.year, v.month, v.day), style(num or "date"))
                else:
                    text = str(v)
                    ws.write_string(r, j, text, style(quote=text.startswith(_FORMULA_START)))
            shown = [str(col)] + [str(v) for v in values[:200]]
            ws.set_column(j, j, min(max(max(len(x) for x in shown) + 2, 8), 40))
        ws.freeze_panes(top + 1, 0)
    book.close()
    return buf.getvalue()
