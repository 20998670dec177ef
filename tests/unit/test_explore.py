"""lib.ingest.explore: personal columns masked, types, profile, pivot + chart, map detection (pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.ingest import explore
from lib.present import maps
from tests.fixtures.ingest.samples import valid_id

A, B = valid_id(seq=1), valid_id(seq=2, male=False)
FRAME = pd.DataFrame(
    {
        "学生姓名": ["张三丰", "李四", "王五", "赵六"],
        "证件号码": [A, B, A, B],
        "联系方式": ["13812345678", "13912345678", None, "13712345678"],
        "乡镇": ["明港镇", "明港镇", "五里镇", None],
        "学段": ["小学", "初中", "小学", "小学"],
        "补助金额": ["1,000", "1250", "500", "abc"],
        "入学日期": ["2025-09-01", "2024/9/1", "2023年9月1日", None],
        "经度": ["114.1", "114.2", "114.1", "114.3"],
        "纬度": ["32.2", "32.3", "32.2", "32.25"],
    }
)


def test_personal_columns_are_found_by_header_and_by_value():
    found = explore.detect_personal(FRAME)
    assert found == {"学生姓名": "name", "证件号码": "id", "联系方式": "phone"}
    unnamed = pd.DataFrame({"列1": [A, B], "列2": ["13812345678", "13912345678"], "备注": ["好", "坏"]})
    assert explore.detect_personal(unnamed) == {"列1": "id", "列2": "phone"}


def test_masking_hides_ids_names_and_phones():
    masked = explore.mask_columns(FRAME, explore.detect_personal(FRAME))
    text = masked.to_csv()
    assert A not in text and B not in text and "13812345678" not in text and "张三丰" not in text
    assert masked["学生姓名"].tolist()[:2] == ["张*丰", "李*"]


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("乡镇", "text"),
        ("学段", "text"),
        ("入学日期", "date"),
        ("经度", "lon"),
        ("纬度", "lat"),
    ],
)
def test_column_types(column, expected):
    assert explore.infer_type(FRAME[column], column) == expected


def test_types_numbers_codes_bools_empty():
    assert explore.infer_type(pd.Series(["1", "2,000", "3.5"])) == "number"
    assert explore.infer_type(pd.Series(["411503100", "411503101"])) == "code"
    assert explore.infer_type(pd.Series(["是", "否", "是"])) == "bool"
    assert explore.infer_type(pd.Series([None, None], dtype="object")) == "empty"


def test_profile_counts_missing_and_masks_examples():
    prof = explore.profile(FRAME, explore.detect_personal(FRAME)).set_index("列")
    assert prof.loc["联系方式", "缺失"] == 1 and prof.loc["联系方式", "缺失率"] == 0.25
    assert prof.loc["证件号码", "不同值"] == 2
    assert A not in prof.loc["证件号码", "示例"] and "*" in prof.loc["证件号码", "示例"]
    assert prof.loc["入学日期", "范围"] == "2023-09-01 ~ 2025-09-01"
    assert prof.loc["证件号码", "类型"] == "身份证号(已脱敏)"


def test_pivot_count_sum_mean_and_two_groups():
    count = explore.pivot(FRAME, ["学段"])
    assert count.values.tolist() == [["小学", 3], ["初中", 1]]
    total = explore.pivot(FRAME, ["乡镇"], measure="补助金额", agg="sum")
    assert dict(total.values.tolist()) == {"明港镇": 2250.0, "五里镇": 500.0, "(空)": 0.0}
    mean = explore.pivot(FRAME, ["学段"], measure="补助金额", agg="mean")
    assert dict(mean.values.tolist())["初中"] == 1250.0
    two = explore.pivot(FRAME, ["乡镇", "学段"])
    assert two[two["乡镇"] == "明港镇"]["value"].sum() == 2


def test_pivot_by_a_personal_column_shows_masked_labels():
    out = explore.pivot(FRAME, ["证件号码"], personal=explore.detect_personal(FRAME))
    assert not out["证件号码"].isin([A, B]).any()


def test_pivot_folds_the_long_tail_into_other():
    frame = pd.DataFrame({"k": [f"k{i}" for i in range(60)] + ["k0"] * 5})
    out = explore.pivot(frame, ["k"], top=10)
    assert (
        len(out) == 11
        and out["value"].sum() == 65
        and out["k"].iloc[0] == "k0"
        and out["k"].iloc[-1] == "其他"
    )
    assert out[out["k"] == "其他"]["value"].iloc[0] == 50


def test_chart_follows_the_groups():
    one = explore.plot_pivot(explore.pivot(FRAME, ["学段"]), ["学段"], title="t")
    assert [t.type for t in one.data] == ["bar"] and one.data[0].orientation == "h"
    two = explore.plot_pivot(explore.pivot(FRAME, ["乡镇", "学段"]), ["乡镇", "学段"], title="t")
    assert {t.type for t in two.data} == {"bar"} and len(two.data) == 2
    wide = pd.DataFrame({"a": ["x"] * 12, "b": [str(i) for i in range(12)]})
    assert (
        explore.plot_pivot(explore.pivot(wide, ["a", "b"]), ["a", "b"], title="t").data[0].type == "heatmap"
    )
    dated = explore.plot_pivot(explore.pivot(FRAME, ["入学日期"]), ["入学日期"], title="t", date_like=True)
    assert dated.data[0].type == "scatter"
    assert one.layout.title.text == "t"


PLACES = {
    "township_codes": {"411503100", "411503101"},
    "township_names": {"明港镇": "411503100", "五里镇": "411503101"},
    "village_codes": {"411503100201": "411503100", "411503101201": "411503101"},
}


def test_map_detection():
    types = explore.column_types(FRAME, {})
    assert explore.detect_geo(FRAME, types, **PLACES) == explore.Geo("points", ("经度", "纬度"), False)
    swapped = FRAME.rename(columns={"经度": "纬度", "纬度": "经度"})
    geo = explore.detect_geo(swapped, {"经度": "lon", "纬度": "lat"}, **PLACES)
    assert geo.swapped
    by_name = FRAME[["乡镇", "学段"]].dropna()
    assert explore.detect_geo(by_name, explore.column_types(by_name, {}), **PLACES).how == "townships"
    codes = pd.DataFrame({"村代码": ["411503100201", "411503101201", "411503100201"]})
    geo = explore.detect_geo(codes, explore.column_types(codes, {}), **PLACES)
    assert geo.how == "villages"
    assert explore.township_counts(
        codes, geo, township_names=PLACES["township_names"], village_codes=PLACES["village_codes"]
    ) == {"411503100": 2.0, "411503101": 1.0}
    assert explore.detect_geo(FRAME[["学段"]], {"学段": "text"}, **PLACES).how == "none"


def test_points_are_aggregated_to_a_grid_and_the_map_is_offline():
    many = pd.DataFrame({"lon": [114.10 + i * 1e-4 for i in range(500)], "lat": [32.2] * 500})
    cells = explore.grid_points(many, explore.Geo("points", ("lon", "lat")))
    assert cells["rows"].sum() == 500 and len(cells) <= 6
    m = explore.point_map(cells, title="行数")
    html = maps.map_html(m)
    assert "114.1" in html and not maps.external_links(m)


def test_profile_flags_damaged_id_numbers_without_showing_them():
    """自由探索 says how many IDs Excel destroyed (scientific notation, 000) or are wrong, never which."""
    from tests.fixtures.ingest.samples import valid_id

    good = valid_id(seq=5)
    frame = pd.DataFrame(
        {
            "身份证号": [good, "4.11503E+17", "4.11503E+17", good[:15] + "000", "110101199003077890", None],
            "姓名": ["甲", "乙", "丙", "丁", "戊", "己"],
        }
    )
    personal = explore.detect_personal(frame)
    row = explore.profile(frame, personal).set_index("列").loc["身份证号"]
    assert row["问题"] == "2 个被 Excel 改成科学计数法；1 个末三位被 Excel 改成 000；1 个校验位错误"
    assert good not in row["问题"] and good not in row["示例"]
    assert explore.profile(frame.head(1), personal).set_index("列").loc["身份证号", "问题"] == ""
