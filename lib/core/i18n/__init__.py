"""Interface language: 简体中文 first, English available; every user-visible string has its home here.

Data labels (columns, code lists) stay in Chinese, as the bureau's systems write them;
everything else a page says is a key of :data:`TEXT`, looked up with :func:`t`.  The table
is kept by wing, one module each: frame, present, aid, dropout, roster, ingest, layout, risk, access, ops,
golive.
"""

from __future__ import annotations

from lib.core.i18n import access, aid, dropout, frame, golive, ingest, layout, ops, present, risk, roster

LANGUAGES = {"zh": "简体中文", "en": "English"}

#: key -> (Chinese, English), every wing's labels in one table (a key has one home)
TEXT: dict[str, tuple[str, str]] = {}
for _wing in (frame, present, aid, dropout, roster, ingest, layout, risk, access, ops, golive):
    _clash = TEXT.keys() & _wing.TEXT.keys()
    if _clash:  # a label has one home: the same key in two wings is a mistake to fix at once
        raise KeyError(f"i18n keys defined twice: {sorted(_clash)}")
    TEXT.update(_wing.TEXT)


def t(key: str, lang: str = "zh") -> str:
    """Text for ``key`` in ``lang`` (falls back to Chinese, then to the key)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
