"""户籍地址 -> home township and village, by the county's own names (pure).

A 户籍 roster from the public-security system often has no 乡镇/村 columns, only the address
as text (``河南省信阳市罗山县周党镇雷畈村3组``) or a division code.  :class:`PlaceIndex` reads
either: a 12-digit village code (or a 9-digit township code), else the first township name of
the county found in the address and then, after it, the first of that township's village
names.  Village names are compared without the committees' suffixes (``雷畈村民委员会`` =
``雷畈村``, ``龙山社区居民委员会`` = ``龙山社区``).  A village name that two townships share is
used only when the address names the township too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

_SUFFIXES = (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", ""), ("居委会", ""))
_SPACE = re.compile(r"\s+")


def clean_place(text: object) -> str:
    """NFKC, no spaces, committees' suffixes shortened (``胡山村民委员会`` -> ``胡山村``)."""
    s = _SPACE.sub("", unicodedata.normalize("NFKC", str(text or "")))
    for long, short in _SUFFIXES:
        s = s.replace(long, short)
    return s


def _first(text: str, names: dict[str, str], start: int = 0) -> tuple[str | None, int]:
    """(code of the name found earliest in ``text`` from ``start`` (the longer one on a tie), its end)."""
    best: tuple[int, int, str] | None = None
    for name, code in names.items():
        i = text.find(name, start)
        if i >= 0 and (best is None or (i, -len(name)) < (best[0], -best[1])):
            best = (i, len(name), code)
    return (best[2], best[0] + best[1]) if best else (None, start)


@dataclass
class PlaceIndex:
    """The county's townships and villages, ready to read codes and addresses."""

    towns: dict[str, str]  # cleaned name -> township code
    town_codes: set[str]
    villages: dict[str, dict[str, str]]  # township code -> cleaned village name -> village code
    unique_villages: dict[str, str]  # cleaned village name (unique in the county) -> village code
    village_town: dict[str, str]  # village code -> township code

    @classmethod
    def build(cls, towns: pd.DataFrame, villages: pd.DataFrame) -> PlaceIndex:
        """From ``towns`` (``code``, ``name``) and ``villages`` (``code``, ``name``, ``township_code``)."""
        by_town: dict[str, dict[str, str]] = {}
        count: dict[str, int] = {}
        any_code: dict[str, str] = {}
        for code, name, town in zip(
            villages["code"], villages["name"], villages["township_code"], strict=True
        ):
            n = clean_place(name)
            by_town.setdefault(town, {})[n] = code
            count[n] = count.get(n, 0) + 1
            any_code[n] = code
        return cls(
            towns={clean_place(n): c for c, n in zip(towns["code"], towns["name"], strict=True)},
            town_codes=set(towns["code"]),
            villages=by_town,
            unique_villages={n: any_code[n] for n, k in count.items() if k == 1},
            village_town=dict(zip(villages["code"], villages["township_code"], strict=True)),
        )

    def from_code(self, code: object) -> tuple[str | None, str | None]:
        """(township, village) of a 12-digit village or 9-digit township code of the county."""
        c = re.sub(r"\D", "", str(code or ""))
        if len(c) == 12 and c in self.village_town:
            return self.village_town[c], c
        if len(c) == 12 and c.endswith("000") and c[:9] in self.town_codes:
            return c[:9], None
        if len(c) == 9 and c in self.town_codes:
            return c, None
        return None, None

    def from_address(self, address: object) -> tuple[str | None, str | None]:
        """(township, village) named in an address; None where the address names none."""
        text = clean_place(address)
        if not text:
            return None, None
        town, end = _first(text, self.towns)
        if town is not None:
            village, _ = _first(text, self.villages.get(town, {}), end)
            return town, village
        village, _ = _first(text, self.unique_villages)
        return (self.village_town[village], village) if village else (None, None)
