"""Interface language: 简体中文 first, English available; every user-visible string has its home here.

Data values (names of places and schools, code-list values such as 在校 or 辍学) stay in
Chinese, as the bureau's systems write them; every label a page shows is a key of
:data:`TEXT`, looked up with :func:`t`.  The table is kept by wing, one module each: frame,
present, aid, dropout, roster, ingest, layout, risk, access, ops, golive, and schema (the
data model's column and table labels).

Each wing module holds ``TEXT`` (key -> (Chinese, English)) and may hold ``LABELS``
(Chinese -> English): the labels lib writes in Chinese into what it returns (table headers,
card labels, chart legends), which exports and the CLI keep in Chinese.  Their key is the
Chinese itself, so the UI translates them where it draws them (``t(header, "en")``) and a lib
module need not know the reader's language.
"""

from __future__ import annotations

import re

from lib.core.i18n import (
    access,
    aid,
    dropout,
    frame,
    golive,
    ingest,
    layout,
    ops,
    present,
    risk,
    roster,
    schema,
)

LANGUAGES = {"zh": "简体中文", "en": "English"}

#: key -> (Chinese, English), every wing's labels in one table (a key has one home)
TEXT: dict[str, tuple[str, str]] = {}
for _wing in (frame, present, aid, dropout, roster, ingest, layout, risk, access, ops, golive, schema):
    _text, _labels = (
        getattr(_wing, "TEXT", {}),
        {zh: (zh, en) for zh, en in getattr(_wing, "LABELS", {}).items()},
    )
    _clash = (TEXT.keys() & _text.keys()) | (TEXT.keys() & _labels.keys()) | (_text.keys() & _labels.keys())
    if _clash:  # a label has one home: the same key in two wings is a mistake to fix at once
        raise KeyError(f"i18n keys defined twice: {sorted(_clash)}")
    TEXT.update(_text)
    TEXT.update(_labels)


#: LABELS written as templates ("近期无故缺勤{days}天"): a text lib built from one is matched
#: back to its template, and its English filled with the same values.
_TEMPLATES: list[tuple[re.Pattern, str]] = [
    (re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(zh))), en)
    for key, (zh, en) in TEXT.items()
    if key == zh and "{" in zh
]


def t(key: str, lang: str = "zh") -> str:
    """Text for ``key`` in ``lang`` (falls back to Chinese, then to the key itself, so a
    Chinese label lib wrote passes through unchanged when the table does not hold it).

    In English, a label lib built from a ``LABELS`` template is translated too, its values
    (names, numbers, other labels) carried over."""
    pair = TEXT.get(key)
    if pair is None:
        return _from_template(key) if lang == "en" and key else key
    return pair[1] if lang == "en" else pair[0]


def _from_template(text: str) -> str:
    for pattern, en in _TEMPLATES:
        m = pattern.fullmatch(text)
        if m:
            values = {k: ", ".join(t(x, "en") for x in v.split("、")) for k, v in m.groupdict().items()}
            return en.format(**values)
    return text
