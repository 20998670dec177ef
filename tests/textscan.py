"""Which of many values occur in a text, in one pass over the text.

``found_in(values, text)`` equals ``[v for v in values if v in text]`` (sorted), but reads each
of the text's substrings of the values' lengths once instead of searching the text once per
value: 91k names against a JSON of a few hundred kB takes well under a second, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterable


def found_in(values: Iterable[str], text: str) -> list[str]:
    """The values that occur in ``text``, sorted; empty values are never counted."""
    wanted = {v for v in values if v}
    seen: set[str] = set()
    for size in {len(v) for v in wanted}:
        seen.update(text[i : i + size] for i in range(len(text) - size + 1))
    return sorted(wanted & seen)
