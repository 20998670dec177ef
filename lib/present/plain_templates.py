"""Plain text wrapped as a Jinja template without compiling it.

Rendering a folium map, every element wraps the text it has already rendered (its header, its
``<div>``, its script, which holds the whole GeoJSON of a layer) in a new ``branca.element.Element``,
and branca makes a ``jinja2.Template`` of that text: Jinja lexes and compiles megabytes of
JavaScript that contain no tag, for each element, on every rerun of a page with a map (a fifth
of the rerun of 学校布局, 布局规划 and 控辍保学).  ``st_folium`` renders each map twice.

:func:`install` makes branca build such a template as :class:`PlainText`, whose ``render``
returns the text as Jinja would have (newlines normalised, one trailing newline dropped).  A
text with anything Jinja could read as a tag (``{{``, ``{%``, ``{#``) is compiled as before.
"""

from __future__ import annotations

import re
from typing import Any

import branca.element
import jinja2

_TAG = re.compile(r"\{[{%#]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


class PlainText:
    """A template of text without a Jinja tag: renders as Jinja would render it."""

    __slots__ = ("_source", "_text")

    def __init__(self, source: str) -> None:
        self._source = source
        text = _NEWLINE.sub("\n", source)
        # Jinja's default (keep_trailing_newline=False) drops one trailing newline
        self._text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self._text

    def __getattr__(self, name: str) -> Any:
        # anything else a Template has (``module``, ``stream``...): the compiled template's
        return getattr(jinja2.Template(self._source), name)


def template(source: Any, *args: Any, **kwargs: Any) -> Any:
    """``jinja2.Template(source)``, or a :class:`PlainText` when ``source`` holds no tag."""
    if not args and not kwargs and isinstance(source, str) and not _TAG.search(source):
        return PlainText(source)
    return jinja2.Template(source, *args, **kwargs)


def install() -> None:
    """Have branca's elements wrap plain text without compiling it (idempotent)."""
    branca.element.Template = template  # type: ignore[attr-defined]
