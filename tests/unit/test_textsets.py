"""lib.core.textsets: Arrow-hashed membership and lookup, and the whitespace class that keeps a
column's regular expression in Arrow, each against what Python or pandas would answer."""

from __future__ import annotations

import re

import pandas as pd

from lib.core import textsets


def test_spaces_is_pythons_whitespace_over_all_of_unicode():
    spaces = {chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c))}
    pattern = re.compile(textsets.SPACES)
    assert {c for c in spaces if pattern.fullmatch(c)} == spaces
    assert not [c for c in map(chr, range(0x110000)) if c not in spaces and pattern.fullmatch(c)]


def test_a_column_loses_the_same_spaces_as_with_backslash_s():
    values = pd.Series(
        ["4115 0320\u300014", "张\u00a0三", "\t李四\n", "王\u2028五\x1c", None, "", "x\u200by"],
        dtype="string",
    )
    want = values.map(lambda v: re.sub(r"\s+", "", v), na_action="ignore")
    got = values.str.replace(textsets.SPACES, "", regex=True)
    assert got.tolist() == want.tolist()
    assert got.iloc[0] == "4115032014" and got.iloc[-1] == "x\u200by"  # a zero-width space is not a space


def test_member_and_lookup_by_hand():
    values = pd.Series(["a", "b", None, "c", "a"], index=[5, 6, 7, 8, 9], dtype="str")
    assert textsets.member(values, ["a", "c", None]).tolist() == [True, False, False, True, True]
    assert textsets.member(values, []).tolist() == [False] * 5
    found = textsets.lookup(values, pd.Series({"a": 1, "c": "三"}))
    assert found.tolist() == [1, None, None, "三", 1]
    assert list(found.index) == [5, 6, 7, 8, 9]
