"""Interface language: 简体中文 first, English available; every user-visible string has its home here.

Data values (names of places and schools, code-list values such as 在校 or 辍学) stay in
Chinese, as the bureau's systems write them; every label a page shows is a key of
:data:`TEXT`, looked up with :func:`t`.  The table is kept by wing, one module each: frame,
present, aid, dropout, roster, ingest, layout, risk, access, ops, and schema (the data
model's column and table labels).

Each wing module holds ``TEXT`` (key -> (Chinese, English)) and may hold ``LABELS``
(Chinese -> English): the labels lib writes in Chinese into what it returns (table headers,
card labels, chart legends), which exports and the CLI keep in Chinese.  Their key is the
Chinese itself, so the UI translates them where it draws them (``t(header, "en")``) and a lib
module need not know the reader's language.
"""

from __future__ import annotations

from lib.core.i18n import access, aid, dropout, frame, ingest, layout, ops, present, risk, roster, schema

LANGUAGES = {"zh": "简体中文", "en": "English"}

#: key -> (Chinese, English), every wing's labels in one table (a key has one home)
TEXT: dict[str, tuple[str, str]] = {}
for _wing in (frame, present, aid, dropout, roster, ingest, layout, risk, access, ops, schema):
    _text, _labels = (
        getattr(_wing, "TEXT", {}),
        {zh: (zh, en) for zh, en in getattr(_wing, "LABELS", {}).items()},
    )
    _clash = (TEXT.keys() & _text.keys()) | (TEXT.keys() & _labels.keys()) | (_text.keys() & _labels.keys())
    if _clash:  # a label has one home: the same key in two wings is a mistake to fix at once
        raise KeyError(f"i18n keys defined twice: {sorted(_clash)}")
    TEXT.update(_text)
    TEXT.update(_labels)


def t(key: str, lang: str = "zh") -> str:
    """Text for ``key`` in ``lang`` (falls back to Chinese, then to the key itself, so a
    Chinese label lib wrote passes through unchanged when the table does not hold it)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
