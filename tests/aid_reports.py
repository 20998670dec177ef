"""Comparing two 学生资助 reports (lib.aid.view.AidReport) field by field."""

from __future__ import annotations

from dataclasses import fields

import pandas as pd


def same_report(a, b) -> None:
    """Two AidReports hold the same figures and lists."""
    for f in fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), obj=f.name)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x.sort_index(), y.sort_index(), obj=f.name)
        elif isinstance(x, dict) and x and isinstance(next(iter(x.values())), pd.DataFrame):
            assert x.keys() == y.keys()
            for k in x:
                pd.testing.assert_frame_equal(x[k], y[k], obj=f"{f.name}[{k}]")
        else:
            assert x == y, f.name
