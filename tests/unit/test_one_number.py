"""One measure, one number: what two pages both show is computed by one function."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.core import store
from lib.core.scope import default_scope
from lib.layout import coverage as layout
from lib.layout import planning


def test_small_schools_count_the_whole_school():
    # a 九年一贯制 school with 60 primary and 50 junior pupils is not small: 110 in the school
    whole = pd.Series([99, 100, 110, 0])
    assert layout.small_school_count(whole) == 2


@pytest.mark.parametrize("band", ["primary", "junior"])
def test_layout_and_planning_show_the_same_small_school_count(demo_db, band):
    with store.connect(demo_db) as con:
        data = layout.load_layout_data(con, default_scope())
    view = layout.compute_layout(data, band=band)
    effect = planning.evaluate(data, [], band=band)
    assert view.county["small_schools"] == effect.county["schools_under_100"]
    band_schools = layout.band_supply(data.schools, band)
    assert view.county["small_schools"] == int((band_schools["enrolled"] < 100).sum())
