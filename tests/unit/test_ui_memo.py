"""lib.ui.memo: what a page derives from a loader's result, worked out once per result object."""

from __future__ import annotations

import gc

import pandas as pd

from lib import ui


def _rows_over(df: pd.DataFrame, at: int, *, column: str = "x") -> pd.DataFrame:
    _rows_over.calls += 1
    return df[df[column] > at]


_rows_over.calls = 0


def test_the_same_result_and_arguments_are_worked_out_once():
    data = pd.DataFrame({"x": [1, 2, 3], "y": [3, 2, 1]})
    before = _rows_over.calls
    first = ui.memo(_rows_over, data, 1)
    assert ui.memo(_rows_over, data, 1) is first and _rows_over.calls == before + 1
    assert list(first["x"]) == [2, 3]
    # other arguments, other keyword arguments: worked out again, each once
    assert list(ui.memo(_rows_over, data, 2)["x"]) == [3]
    assert list(ui.memo(_rows_over, data, 1, column="y")["y"]) == [3, 2]
    ui.memo(_rows_over, data, 1, column="y")
    assert _rows_over.calls == before + 3


def test_a_new_result_with_the_same_content_is_worked_out_again():
    """A loader's new result (the store changed) is another object: never the old answer."""
    old = pd.DataFrame({"x": [1, 2, 3], "y": [0, 0, 0]})
    new = old.copy()
    before = _rows_over.calls
    ui.memo(_rows_over, old, 1)
    new.loc[2, "x"] = 0  # the new figures differ
    assert list(ui.memo(_rows_over, new, 1)["x"]) == [2]
    assert _rows_over.calls == before + 2


def test_by_keys_arguments_that_do_not_hash_and_a_gone_result_leaves_no_entry():
    data = pd.DataFrame({"x": [5, 6]})
    seen = []

    def pick(df: pd.DataFrame, wanted: dict) -> list:
        seen.append(1)
        return [v for v in df["x"] if v in wanted]

    assert ui.memo(pick, data, {5: True}, by=("5",)) == [5]
    assert ui.memo(pick, data, {5: True}, by=("5",)) == [5] and len(seen) == 1
    key = id(data)
    del data
    gc.collect()
    ui.memo(pick, pd.DataFrame({"x": [5]}), {5: True}, by=("5",))  # any call sweeps the dead entries
    assert not [k for k, (ref, _) in ui._MEMO.items() if k[1] == key and ref() is None]
