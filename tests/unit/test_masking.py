"""lib.core.masking: names, IDs, phones and addresses recognised by their values, anywhere.

Hand-built values (none from the demo generator), each with the answer worked out by hand.
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from lib.core import ids, masking

ID = "34052419800101001X"  # DESIGN.md's valid example
ID2 = "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # ID numbers and 学籍号, alone and inside text
        (ID, "340524********001X"),
        (f"G{ID}", "G340524********001X"),
        (f"身份证号{ID}，学籍号G{ID2}", "身份证号340524********001X，学籍号G110105********002X"),
        ("340524800101001", "340524*****1001"),  # a 15-digit first-generation number
        # phones
        ("13812345678", "138****5678"),
        ("电话：138-1234-5678。", "电话：138****5678。"),
        ("+86 13912345678", "139****5678"),
        ("0376-6221234", "0376-****1234"),
        ("座机(0376)6221234", "座机0376-****1234"),
        # names: whole cells
        ("张小三", "张*三"),
        ("李四", "李*"),
        ("欧阳娜娜", "欧**娜"),
        ("阿依古丽·买买提", "阿******提"),
        # names in free text: after a cue, in quotes, after a verb, a 复姓 anywhere
        ("家长王建国表示同意", "家长王*国表示同意"),
        ("学生家长刘红同意", "学生家长刘*同意"),
        ("监护人：李四，电话13812345678", "监护人：李*，电话138****5678"),
        ("名单姓名“王小明”与学籍姓名“王晓明”不一致", "名单姓名“王*明”与学籍姓名“王*明”不一致"),
        ("与王小明谈心", "与王*明谈心"),
        ("送欧阳翠花返校", "送欧**花返校"),
        ("学生阿依古丽·买买提在校", "学生阿******提在校"),
        ("，郝翠花，", "，郝*花，"),
        ("监护人：蒿翠花，同意返校", "监护人：蒿*花，同意返校"),  # a surname outside the list, after a label
        # addresses: kept up to the township
        ("河南省信阳市平桥区明港镇新集村3组12号", "河南省信阳市平桥区明港镇****"),
        ("家住明港镇新集村3组，父母外出务工", "家住明港镇****，父母外出务工"),
        ("平东街道兴华社区", "平东街道****"),
        ("新集村三组", "****"),
    ],
)
def test_identifying_values_are_masked_wherever_they_stand(text, masked):
    assert masking.mask_value(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        # places, schools, offices: never names or addresses
        "明港镇",
        "王岗乡",
        "信阳国际家居产业小镇",
        "平桥区农村改革发展综合试验核心区中心小学",
        "明港镇新集村小学",
        "郑州市金水区第一小学",
        "胜利路小学",
        "平财教〔2026〕10号",
        # code lists and common words
        "高风险",
        "高中",
        "送教上门",
        "家庭经济困难",
        "已返校",
        "周末补课",
        # case notes without a person in them
        "联系监护人和村委会，落实监护责任",
        "约谈家长，告知适龄子女接受义务教育的法定责任",
        "同时加强家校沟通",
        "本人申请资助",
        "请班主任家访",
        "家长态度有所转变，约定下周再访",
        # codes and numbers that are not IDs or phones
        "S0117946216",  # an opaque 学生编号
        "KC411503-00001",
        "4115030012",  # a school code
        "411503101201",  # a village code
        "114.13812345678",  # a longitude
        "2026-11-20",
        "20261120093541",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    ],
)
def test_what_identifies_nobody_is_left_alone(text):
    assert masking.mask_value(text) == text
    assert masking.mask_text(text) == text


@pytest.mark.parametrize("text", [ID, "张小三", "13812345678", "明港镇新集村3组12号", "家长王建国表示同意"])
def test_masking_twice_changes_nothing(text):
    once = masking.mask_value(text)
    assert once != text and masking.mask_value(once) == once and masking.mask_text(once) == once


def test_a_names_column_is_found_by_its_values_whatever_its_header():
    df = pd.DataFrame(
        {
            "学生": [
                "张小三",
                "李四",
                "欧阳娜娜",
                "牛犇",
            ],  # 牛犇: two characters, a names column all the same
            "乡镇": ["明港镇", "五里镇", "明港镇", None],
            "备注": ["张小三家访一次", "无", "已转学", "电话13812345678"],
            "人数": [1, 2, 3, 4],
        }
    )
    assert masking.column_kind(df["学生"]) == "name" and masking.column_kind(df["乡镇"]) is None
    out = masking.mask_table(df)
    assert out["学生"].tolist() == ["张*三", "李*", "欧**娜", "牛*"]
    assert out["乡镇"].iloc[:3].tolist() == ["明港镇", "五里镇", "明港镇"] and pd.isna(out["乡镇"].iloc[3])
    # a name of the names column is masked wherever else the table mentions it
    assert out["备注"].tolist() == ["张*三家访一次", "无", "已转学", "电话138****5678"]
    assert out["人数"].tolist() == [1, 2, 3, 4]
    assert df["学生"].iloc[0] == "张小三"  # the input is not changed


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([ID, ID2, "4.11503E+17"], "id"),
        (["13812345678", "0376-6221234", "无"], "phone"),
        (["明港镇新集村3组", "五里镇王湾村5号", "平东街道兴华社区"], "address"),
        (["王小明", "李四", "赵子龙"], "name"),
        (["明港镇", "五里镇"], None),
        (["小学", "初中", "教学点"], None),
    ],
)
def test_column_kind_by_values(values, kind):
    assert masking.column_kind(pd.Series(values, dtype=object), "列1") == kind


def test_a_damaged_id_in_an_ids_column_is_masked_too():
    out = masking.mask_table(pd.DataFrame({"x": [ID, ID2, "41150320140101"]}))
    assert out["x"].tolist() == ["340524********001X", "110105********002X", "411503****0101"]


def test_jsonable_masks_strings_and_makes_strict_json():
    doc = {
        "rows": [
            {"name": "王小明", "detail": "名单姓名“王小明”与学籍姓名“王晓明”不一致", "score": float("nan")},
            {"name": "平桥街道", "detail": None, "score": np.float64(2.5), "n": np.int64(3)},
        ],
        "frame": pd.DataFrame({"学生": ["李四"], "when": [pd.Timestamp("2026-11-20")], "x": [pd.NA]}),
        "inf": float("inf"),
        "day": date(2026, 11, 20),
    }
    text = masking.dumps(doc)

    def refuse(name):
        raise ValueError(name)

    back = json.loads(text, parse_constant=refuse)
    assert back["rows"][0] == {
        "name": "王*明",
        "detail": "名单姓名“王*明”与学籍姓名“王*明”不一致",
        "score": None,
    }
    assert back["rows"][1] == {"name": "平桥街道", "detail": None, "score": 2.5, "n": 3}
    assert back["frame"] == [{"学生": "李*", "when": "2026-11-20 00:00:00", "x": None}]
    assert back["inf"] is None and back["day"] == "2026-11-20"
    assert "王小明" not in text and "NaN" not in text and "Infinity" not in text


def test_a_name_under_a_name_key_is_masked_wherever_the_document_repeats_it():
    doc = {"name": "郝翠花", "notes": ["走访时郝翠花不在家"]}
    assert masking.jsonable(doc) == {"name": "郝*花", "notes": ["走访时郝*花不在家"]}


def test_unmasked_passes_values_through_but_json_stays_strict():
    doc = {"name": "王小明", "x": math.nan}
    assert masking.jsonable(doc, mask=False) == {"name": "王小明", "x": None}
    df = pd.DataFrame({"姓名": ["王小明"]})
    assert masking.gate(df, mask=False) is df


def test_gate_masks_a_styler_frame_in_place():
    df = pd.DataFrame({"姓名": ["王小明"], "分": [1.0]})
    styler = masking.gate(df.style.format({"分": "{:.1f}"}))
    assert styler.data["姓名"].tolist() == ["王*明"] and df["姓名"].tolist() == ["王小明"]


def test_the_masked_shapes_are_those_of_lib_core_ids():
    assert masking.mask_value(ID) == ids.mask_id(ID)
    assert masking.mask_value("张小三") == ids.mask_name("张小三")
    assert masking.mask_value("13812345678") == ids.mask_phone("13812345678")


def test_known_names_are_masked_wherever_they_start_longest_first():
    known = masking.known_names(["张三", "李四五", "x"])  # one character: never a known name
    text = "张三和李四五及张三丰，x"
    assert masking._mask_known(text, known) == "张*和李*五及张*丰，x"
    # an equal set built anew (as each table builds its own) gives the same answer
    assert masking._mask_known(text, frozenset(set(known))) == "张*和李*五及张*丰，x"
    assert masking._mask_known("没有人名", known) == "没有人名"
    assert masking.header_kind(" 学生姓名 ") == "name" and masking.header_kind("guardian_phone") == "phone"
    assert masking.header_kind(3) is None
