import pytest

from lib.core import ids


@pytest.mark.parametrize("value", ["34052419800101001X", "11010519491231002X"])
def test_valid_ids(value):
    assert ids.is_valid_id(value)
    assert ids.id_damage(value) is None


@pytest.mark.parametrize(
    ("value", "damage"),
    [
        ("110101199003077890", "checksum"),
        ("4.11503E+17", "scientific"),
        ("411503201401010000", "excel_zeros"),
        ("41150320140101", "format"),
        (None, "missing"),
    ],
)
def test_damaged_ids(value, damage):
    assert ids.id_damage(value) == damage


def test_valid_id_may_end_in_000_and_is_not_flagged():
    candidates = [
        f"41150320140{m}{d:02d}{k}00" for m in range(1, 10) for d in range(1, 29) for k in range(10)
    ]
    valid = [c + "0" for c in candidates if ids.check_char(c) == "0"]
    assert valid, "expected at least one valid ID ending in 000 among these dates"
    assert all(ids.id_damage(v) is None for v in valid)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (" 34052419800101001x ", "34052419800101001X"),
        ("３４０５２４１９８００１０１００１Ｘ", "34052419800101001X"),
        ("G34052419800101001X", "34052419800101001X"),
        ("340524800101001", ids.id_from_15("340524800101001")),
        ("", None),
        (None, None),
    ],
)
def test_normalise_id(raw, normal):
    assert ids.normalise_id(raw) == normal


def test_fifteen_digit_conversion_is_valid():
    assert ids.is_valid_id(ids.id_from_15("340524800101001"))
    assert ids.id_from_15("340524800101001").startswith("34052419800101")


@pytest.mark.parametrize(
    ("fn", "value", "masked"),
    [
        (ids.mask_id, "41150320140101123X", "411503********123X"),
        (ids.mask_id, "G41150320140101123X", "G411503********123X"),
        (ids.mask_name, "张小三", "张*三"),
        (ids.mask_name, "李四", "李*"),
        (ids.mask_name, "欧阳小明", "欧**明"),
        (ids.mask_phone, "13812345678", "138****5678"),
    ],
)
def test_masking(fn, value, masked):
    assert fn(value) == masked


def test_sex_and_birth_from_id():
    assert ids.sex_from_id("34052419800101001X") == "男"
    assert ids.sex_from_id("11010519491231002X") == "女"
    assert ids.birth_date_from_id("11010519491231002X").isoformat() == "1949-12-31"


@pytest.mark.parametrize(
    ("code", "ok"), [("2141000001", True), ("3141123456", True), ("214100001", False), ("0041000001", False)]
)
def test_school_code(code, ok):
    assert ids.is_valid_school_code(code) is ok


def test_valid_ids_set_wise_is_is_valid_id_one_by_one():
    """The set-wise check gives what the one-by-one check gives, on hand-made edge cases and on
    random strings shaped like IDs (most of them with a wrong checksum or date)."""
    import random

    import numpy as np
    import pandas as pd

    body = "41150320140229123"  # 29 Feb 2014 does not exist
    good = "11010519491231002X"
    cases = [
        good,
        good.lower(),
        "110105194912310021",
        body + ids.check_char(body),
        "41150320120229" + "123",  # 17 digits only
        "411503201202291230X",
        "４１１５０３２０１２０２２９１２３４",  # full-width digits
        "000000000001010000",
        "411503000001010011",
        "411503999912310010",
        None,
        float("nan"),
        12345,
        "",
        "4115032012O2291234",
    ]
    rng = random.Random(11)
    for _ in range(3000):
        first = "".join(rng.choice("0123456789") for _ in range(6))
        year = str(rng.randint(1, 9999)).zfill(4)
        month = str(rng.randint(0, 13)).zfill(2)
        day = str(rng.randint(0, 32)).zfill(2)
        seq = "".join(rng.choice("0123456789") for _ in range(3))
        first17 = first + year + month + day + seq
        last = ids.check_char(first17) if rng.random() < 0.5 else rng.choice("0123456789X")
        cases.append(first17 + last)
    values = pd.Series(cases, dtype=object)
    expected = np.array([ids.is_valid_id(v) for v in cases])
    assert (ids.valid_ids(values) == expected).all()
    assert 100 < expected.sum() < len(cases) - 100  # both answers are well represented
    assert ids.valid_ids(pd.Series([], dtype=object)).tolist() == []
