"""The memo of masked tables: a rerun asks for the same table again and gets the same answer,
and nothing that could make the answer differ (a cell, a column, ``known``, the store's
places, text that only looks like a number) is served from it.  Hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.core import masking


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """No store's places, an empty memo, and a count of the tables really judged."""
    monkeypatch.setattr(masking, "_read_places", lambda path: frozenset({"明港镇"}))
    for key, value in {"at": -1e9, "version": object(), "names": frozenset(), "by_first": {}}.items():
        monkeypatch.setitem(masking._PLACES, key, value)
    masking._MEMO.clear()
    judged = []
    real = masking._mask_table
    monkeypatch.setattr(masking, "_mask_table", lambda df, **kw: judged.append(1) or real(df, **kw))
    yield judged
    masking._MEMO.clear()


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "学生": ["王秀英", "李明杰"],
            "电话": ["13812345678", "13912345678"],
            "备注": ["家长王大山已联系", "—"],
            "天数": [3, 5],
        }
    )


def test_the_same_table_again_is_not_judged_again(fresh):
    first = masking.mask_table(_table())
    again = masking.mask_table(_table())
    pd.testing.assert_frame_equal(first, again)
    assert len(fresh) == 1
    assert first.loc[0, "学生"] == "王*英" and first.loc[0, "电话"] == "138****5678"


def test_the_answer_is_a_copy_the_caller_may_change(fresh):
    first = masking.mask_table(_table())
    first.loc[0, "学生"] = "changed"
    assert masking.mask_table(_table()).loc[0, "学生"] == "王*英"


def test_one_changed_cell_is_judged_anew(fresh):
    masking.mask_table(_table())
    other = _table()
    other.loc[1, "学生"] = "赵丽"
    out = masking.mask_table(other)
    assert len(fresh) == 2
    assert out.loc[1, "学生"] == "赵*"


def test_a_renamed_column_or_other_arguments_are_judged_anew(fresh):
    masking.mask_table(_table())
    masking.mask_table(_table().rename(columns={"备注": "说明"}))
    kept = masking.mask_table(_table(), keep=["学生"])
    known = masking.mask_table(_table(), known=["王大山"])
    assert len(fresh) == 4
    assert kept.loc[0, "学生"] == "王秀英"
    assert "王大山" not in known.loc[0, "备注"]


def test_text_that_looks_like_a_number_is_not_served_the_numbers_answer(fresh):
    as_numbers = pd.DataFrame({"x": pd.Series([13812345678, 5], dtype=object)})
    as_text = pd.DataFrame({"x": pd.Series(["13812345678", "5"], dtype=object)})
    mixed = pd.DataFrame({"x": pd.Series([13812345678, "13812345678"], dtype=object)})
    assert masking.mask_table(as_numbers).loc[0, "x"] == 13812345678  # a number is not text
    assert masking.mask_table(as_text).loc[0, "x"] == "138****5678"
    assert masking.mask_table(mixed).loc[1, "x"] == "138****5678"
    assert masking.mask_table(mixed).loc[1, "x"] == "138****5678"
    assert len(fresh) == 4  # the mixed column is never remembered: judged both times


def test_new_places_of_the_store_make_the_table_judged_anew(fresh, monkeypatch):
    masking.mask_table(_table())
    monkeypatch.setattr(masking, "_read_places", lambda path: frozenset({"明港镇", "王秀英"}))
    monkeypatch.setitem(masking._PLACES, "at", -1e9)
    monkeypatch.setitem(masking._PLACES, "version", object())
    out = masking.mask_table(_table())
    assert len(fresh) == 2
    assert out.loc[0, "学生"] == "王秀英"  # now a place of the store: not the old answer


def test_the_memo_keeps_within_its_budget(fresh, monkeypatch):
    monkeypatch.setattr(masking, "_MEMO_CELLS", 40)
    for i in range(6):
        t = _table()
        t["天数"] = [i, i]
        masking.mask_table(t)
    assert sum(v[1].size for v in masking._MEMO.values()) <= 40
    assert len(masking._MEMO) >= 1
