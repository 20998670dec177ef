"""学校布局 before the store's first record of schools (the hand-made county of
tests/small_county.py went live on 15 September 2026): the data say when the record begins."""

from __future__ import annotations

from datetime import date

from lib.core import store
from lib.core.scope import Scope
from lib.layout import coverage as layout
from tests import small_county as sc


def test_the_layout_knows_a_day_before_the_first_record_of_schools(tmp_path):
    path = sc.build(tmp_path / "edu.duckdb")
    with store.connect(path) as con:
        before = layout.load_layout_data(con, Scope(county=sc.COUNTY, as_of=date(2026, 9, 14)))
        live = layout.load_layout_data(con, Scope(county=sc.COUNTY, as_of=sc.LIVE_ON))
        today = layout.load_layout_data(con, Scope(county=sc.COUNTY, as_of=sc.AS_OF))
    assert before.records_from == sc.LIVE_ON and before.schools.empty
    assert live.records_from is None and len(live.schools) == 5
    assert today.records_from is None and len(today.schools) == 5
