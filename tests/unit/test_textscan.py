"""The test helper that scans a text for many values agrees with the one-by-one search."""

from tests.textscan import found_in


def test_found_in_agrees_with_searching_each_value():
    text = "王小明，身份证411503201001011234；李华在校。"
    values = ["王小明", "李华", "张三", "411503201001011234", "41150320100101123X", "在校", "", "。"]
    assert found_in(values, text) == sorted(v for v in values if v and v in text)
    assert found_in(values, text) == ["411503201001011234", "。", "在校", "李华", "王小明"]


def test_found_in_sees_a_value_at_either_end_and_nothing_in_an_empty_text():
    assert found_in(["ab", "yz"], "abxyz") == ["ab", "yz"]
    assert found_in(["ab"], "") == []
    assert found_in([], "abc") == []
