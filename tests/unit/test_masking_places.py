"""Places are never people: a school or village name (of the store, or by its institution's
ending) is left as it is wherever it stands, while a real short name ending in a place's
one-character ending (张小村, 李村) is still masked in a names column.

The places are hand-made here (not the demo's): the store's list is replaced by this file's.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lib.core import masking

#: The store's places for these tests: a school whose name holds a village's, a village
#: named without 村, a township.
PLACES = ("庙仙乡吴乡村教学点", "明港镇崔岭小学", "吴庄", "崔岭村", "肖王乡")


@pytest.fixture
def places(monkeypatch):
    """The store's places are PLACES (the cache of masking is reset before and after)."""
    monkeypatch.setattr(masking, "_read_places", lambda path: frozenset(PLACES))
    for key, value in {"at": -1e9, "version": object(), "names": frozenset(), "by_first": {}}.items():
        monkeypatch.setitem(masking._PLACES, key, value)
    masking._mask_cell.cache_clear()
    masking._mask_text.cache_clear()
    yield
    masking._mask_cell.cache_clear()
    masking._mask_text.cache_clear()


@pytest.fixture
def no_places(monkeypatch):
    monkeypatch.setattr(masking, "_read_places", lambda path: frozenset())
    for key, value in {"at": -1e9, "version": object(), "names": frozenset(), "by_first": {}}.items():
        monkeypatch.setitem(masking._PLACES, key, value)
    masking._mask_cell.cache_clear()
    masking._mask_text.cache_clear()


@pytest.mark.parametrize(
    "school",
    [
        "王岗乡吴乡村教学点",
        "平桥区明港镇崔岭小学",
        "吴乡村教学点",
        "胡店乡张村完小",
        "平桥区五里店中心校",
    ],
)
def test_a_school_or_office_holding_a_village_name_is_no_name_and_no_address(no_places, school):
    """By its ending alone, without the store: under any header, in a names column, in text."""
    assert not masking.looks_like_name(school) and not masking.looks_like_name(school, loose=True)
    assert masking.mask_value(school) == school
    assert masking.mask_value(school, kind="name") == school
    assert masking.mask_text(f"学校：{school}，已核实") == f"学校：{school}，已核实"


def test_places_of_the_store_are_never_names(places):
    for place in PLACES:
        assert masking.is_place(place)
        assert masking.mask_value(place, kind="name") == place
    assert masking.mask_text("学生吴庄的家在崔岭村") == "学生吴庄的家在崔岭村"


def test_without_the_store_a_two_character_village_looks_like_a_name(no_places):
    """The other direction of the test above: it is the store's list that spares 吴庄."""
    assert masking.mask_value("吴庄", kind="name") == "吴*"


def test_a_real_name_ending_in_a_place_character_is_masked_in_a_names_column(places):
    frame = pd.DataFrame(
        {
            "学生": ["张小村", "李村", "王小明", "刘乡"],
            "学校": ["庙仙乡吴乡村教学点", "明港镇崔岭小学", "庙仙乡吴乡村教学点", "肖王乡中心校"],
            "户籍": ["崔岭村", "吴庄", "崔岭村", "肖王乡"],
        }
    )
    out = masking.mask_table(frame)
    assert list(out["学生"]) == ["张*村", "李*", "王*明", "刘*"]
    assert list(out["学校"]) == list(frame["学校"])  # schools untouched, 吴乡村 inside included
    assert list(out["户籍"]) == list(frame["户籍"])  # villages untouched, 吴庄 included


def test_a_names_column_judged_by_values_keeps_its_places(places):
    """A column of names (no telling header) holding a village: the names masked, the place not."""
    frame = pd.DataFrame({"受助对象": ["赵一鸣", "钱小村", "吴庄", "孙丽"]})
    out = masking.mask_table(frame)
    assert list(out["受助对象"]) == ["赵*鸣", "钱*村", "吴庄", "孙*"]


def test_outside_a_names_column_a_word_ending_in_a_place_character_is_left_alone(places):
    """Free values stay as the strict rule takes them: 张小村 alone in a remark is not judged."""
    frame = pd.DataFrame({"备注": ["张小村", "已走访", "李村"], "数量": [1, 2, 3]})
    assert list(masking.mask_table(frame)["备注"]) == ["张小村", "已走访", "李村"]


def test_a_home_address_is_still_masked(places):
    assert masking.mask_value("王岗乡吴乡村3组5号") == "王岗乡****"
    assert masking.mask_text("家住明港镇崔岭村") == "家住明港镇****"


def test_a_second_store_is_read_at_once_and_a_busy_store_is_not_noted_as_read(tmp_path, monkeypatch):
    """The CLI of one process may serve two counties' stores in a row: the second store's
    places are read at once, not a pause later (罗山县 would otherwise be masked as a name)."""
    from lib.core import store

    stores = {}
    for county, town in (("平桥区", "肖王乡"), ("罗山县", "周党镇")):
        path = tmp_path / f"{county}.duckdb"
        with store.transaction(path) as con:
            con.execute("INSERT INTO counties (code, name) VALUES ('1', ?)", [county])
            con.execute("INSERT INTO townships (code, name) VALUES ('2', ?)", [town])
        stores[county] = path
    for key, value in {
        "at": -1e9,
        "asked": None,
        "version": None,
        "names": frozenset(),
        "by_first": {},
    }.items():
        monkeypatch.setitem(masking._PLACES, key, value)
    assert "平桥区" in masking.store_places(path=stores["平桥区"])
    assert masking.store_places(path=stores["罗山县"]) == frozenset({"罗山县", "周党镇"})
    # busy: nothing read, and it is asked again after the pause (not noted as read)
    monkeypatch.setattr(masking, "_read_places", lambda path: None)
    monkeypatch.setitem(masking._PLACES, "at", -1e9)
    with store.transaction(stores["罗山县"]) as con:
        con.execute("INSERT INTO townships (code, name) VALUES ('3', '子路镇')")
    assert masking.store_places(path=stores["罗山县"]) == frozenset({"罗山县", "周党镇"})  # as known
    assert masking._PLACES["version"] is None


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("联系13812345678王秀英。", "联系138****5678王*英。"),  # a name right after a phone number
        ("学号2026001李明杰，旷课", "学号2026001李*杰，旷课"),  # ... or after a student number
        ("2026年秋季学期", "2026年秋季学期"),  # while dates and grades stay as they are
        ("7年级2班第3周请假两天", "7年级2班第3周请假两天"),
    ],
)
def test_a_name_after_digits_in_free_text_is_masked(text, masked):
    assert masking.mask_text(text) == masked
