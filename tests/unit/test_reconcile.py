"""精准识别: every planted fault lands in its category, and nothing else does."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from lib.aid import reconcile
from lib.core import ids
from lib.core.scope import Scope

AS_OF = date(2026, 11, 20)
TOWN_A, TOWN_B = "411503100", "411503200"


def make_id(area: str, birth: str, seq: str = "001") -> str:
    body = area + birth + seq
    return body + ids.check_char(body)


def id_with_check(area: str, birth: str, check: str) -> str:
    """A valid ID of that area and birth date whose check character is ``check``."""
    for seq in range(1, 1000):
        value = make_id(area, birth, f"{seq:03d}")
        if value.endswith(check):
            return value
    raise AssertionError("no such ID")


A = make_id("411503", "20150312", "001")  # 张三, enrolled, 脱贫户, school in town A
B = make_id("411503", "20140506", "002")  # 李四, enrolled, 监测对象, school in town B
C = make_id("411503", "20160101", "003")  # 王五, dropped out
D = make_id("411503", "20130709", "004")  # 赵六, enrolled, 脱贫户, not on the list
E = make_id("411503", "20170202", "005")  # 钱七, enrolled, no category
X = id_with_check("411503", "20180808", "X")  # 孙八, enrolled, 脱贫户 (ID ends in X)
OLD = make_id("411503", "20110903", "007")  # 周九, grade 9, 15 on 1 Sept 2026 (over age), enrolled
UNKNOWN = make_id("411503", "20160606", "011")  # a child of the county who is no student
OUTSIDER = make_id("411502", "20150101", "012")  # a child of another county
ADULT = make_id("411503", "19800101", "013")
INFANT = make_id("411503", "20230101", "014")


def students() -> pd.DataFrame:
    rows = [
        ("S1", A, "G" + A, "张三", "在校", "SC1", "甲镇小学", TOWN_A, "411503100001", 3, "脱贫户", False),
        ("S2", B, "G" + B, "李四", "在校", "SC2", "乙乡中学", TOWN_B, "411503200001", 7, "监测对象", False),
        ("S3", C, "G" + C, "王五", "辍学", "SC1", "甲镇小学", TOWN_A, "411503100001", 4, "脱贫户", False),
        ("S4", D, "G" + D, "赵六", "在校", "SC2", "乙乡中学", TOWN_B, "411503200001", 8, "脱贫户", False),
        ("S5", None, "G" + E, "钱七", "在校", "SC1", "甲镇小学", TOWN_A, "411503100001", 2, None, False),
        ("S6", X, "G" + X, "孙八", "在校", "SC1", "甲镇小学", TOWN_A, "411503100001", 1, "脱贫户", False),
        ("S7", OLD, "G" + OLD, "周九", "在校", "SC2", "乙乡中学", TOWN_B, "411503200001", 9, "脱贫户", False),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "student_id",
            "id_number",
            "xueji_number",
            "name",
            "status",
            "school_code",
            "school_name",
            "township_code",
            "village_code",
            "grade",
            "poverty_category",
            "disability",
        ],
    )
    for col in ("disabled_parent", "orphan", "unsupported", "martyr_child", "boarding"):
        df[col] = False
    df["township_name"] = df["township_code"].map({TOWN_A: "甲镇", TOWN_B: "乙乡"})
    df["visible"] = True
    return df


PLACES = reconcile.Places(
    townships=pd.DataFrame({"code": [TOWN_A, TOWN_B], "name": ["甲镇", "乙乡"]}),
    villages=pd.DataFrame(
        {
            "code": ["411503100001", "411503200001"],
            "name": ["东村", "西村"],
            "township_code": [TOWN_A, TOWN_B],
        }
    ),
)

#: (id as written, name, expected category) -- the planted faults.
PLANTED = [
    ("４１１５０３" + A[6:], " 张 三", "matched"),  # full-width digits, spaces
    ("4.11503E+17", "某甲", "invalid_id"),  # Excel scientific notation
    (A, "张三", "duplicate"),  # repeat of row 2
    (ADULT, "某乙", "out_of_scope"),  # adult of the household
    (INFANT, "某丙", "out_of_scope"),  # infant
    (OUTSIDER, "某丁", "out_of_scope"),  # another county, no place column
    (B, "李泗", "name_mismatch"),  # name variant
    (C, "王五", "not_enrolled"),  # dropped out
    (UNKNOWN, "某戊", "not_enrolled"),  # no student record at all
    (A[:15] + "000", "某己", "invalid_id"),  # trailing 000, checksum fails
    ("G" + E, "钱七", "matched"),  # 学籍号 G+ID counts as the ID (student has no ID number)
    (X.lower(), "孙八", "matched"),  # lower-case x
    (OLD, "周九", "matched"),  # over-age grade 9 student: enrolled, so of school age
    ("", "某庚", "invalid_id"),  # missing
    (f" {B} ", "李四", "duplicate"),  # spaces around, repeat of the mismatched row
]


def test_planted_zeros_id_really_fails_its_checksum():
    assert ids.id_damage(A[:15] + "000") == "excel_zeros"


def registry(extra: dict[str, list] | None = None) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "row": range(2, len(PLANTED) + 2),
            "id_number": [p[0] for p in PLANTED],
            "name": [p[1] for p in PLANTED],
        }
    )
    for k, v in (extra or {}).items():
        df[k] = v
    return df


def run(df=None, scope=None, kind="poverty", studs=None):
    return reconcile.reconcile(
        registry() if df is None else df,
        students() if studs is None else studs,
        PLACES,
        scope or Scope(as_of=AS_OF),
        kind=kind,
    )


def test_each_planted_row_lands_in_its_category():
    res = run()
    got = dict(zip(res.rows["row"], res.rows["category"], strict=True))
    want = {i + 2: p[2] for i, p in enumerate(PLANTED)}
    assert got == want


def test_every_row_in_exactly_one_category_and_counts_add_up():
    res = run()
    assert res.rows["category"].notna().all()
    counts = res.counts
    assert list(counts) == list(reconcile.CATEGORIES)
    assert sum(v for k, v in counts.items() if k != "not_in_registry") == len(PLANTED)


def test_not_in_registry_lists_flagged_students_missing_from_the_list():
    res = run()
    assert res.not_in_registry["student_id"].tolist() == ["S4"]
    assert (res.not_in_registry["category"] == "not_in_registry").all()


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("poverty", ["S4"]), ("minimal_living", []), ("disability", []), ("aid_system", ["S4"])],
)
def test_not_in_registry_depends_on_the_kind(kind, missing):
    assert run(kind=kind).not_in_registry["student_id"].tolist() == missing


def test_matched_student_not_flagged_gets_a_note():
    res = run()
    row = res.rows[res.rows["row"] == 12].iloc[0]  # 钱七: enrolled, no poverty category
    assert row["category"] == "matched"
    assert "未标记" in row["detail"]


def test_duplicate_names_the_earlier_row():
    res = run()
    assert res.rows.set_index("row").at[4, "detail"] == "与第 2 行身份证号相同"


@pytest.mark.parametrize(
    ("value", "text"),
    [("4.11503E+17", "科学计数法"), (A[:15] + "000", "000"), ("12345", "格式"), ("", "为空")],
)
def test_invalid_id_reasons(value, text):
    df = pd.DataFrame({"row": [2], "id_number": [value], "name": ["x"]})
    res = run(df)
    assert res.rows.at[0, "category"] == "invalid_id"
    assert text in res.rows.at[0, "detail"]


def test_valid_id_ending_000_is_not_damaged():
    body = next(
        b
        for b in (f"4115032016010{k}{j}00" for k in range(1, 10) for j in range(10))
        if ids.check_char(b) == "0"
    )
    df = pd.DataFrame({"row": [2], "id_number": [body + "0"], "name": ["x"]})
    assert run(df).rows.at[0, "category"] == "not_enrolled"


def test_fifteen_digit_old_id_is_converted_then_judged_by_age():
    df = pd.DataFrame({"row": [2], "id_number": ["411503800101001"], "name": ["x"]})
    res = run(df)
    assert res.rows.at[0, "category"] == "out_of_scope"
    assert res.rows.at[0, "id_number"] == ids.id_from_15("411503800101001")


def test_township_scope_uses_the_lists_own_place_column():
    towns = [None] * len(PLANTED)
    towns[8] = "乙乡"  # UNKNOWN child lives in town B per the list
    towns[7] = "甲镇"  # C (dropped out) lives in town A
    scope = Scope(as_of=AS_OF, townships=(TOWN_A,))
    studs = students()
    studs["visible"] = studs["township_code"] == TOWN_A
    res = run(registry({"township": towns}), scope=scope, studs=studs)
    got = dict(zip(res.rows["row"], res.rows["category"], strict=True))
    assert got[9] == "not_enrolled"  # C, listed in town A
    assert got[10] == "out_of_scope"  # UNKNOWN, listed in town B
    assert got[8] == "out_of_scope"  # B studies in town B: outside this Scope
    assert got[2] == "matched"
    assert res.not_in_registry["student_id"].tolist() == []  # S4 and S7 are in town B


def test_village_column_and_unknown_place():
    df = pd.DataFrame(
        {
            "row": [2, 3, 4],
            "id_number": [UNKNOWN, C, make_id("411503", "20150505", "021")],
            "name": ["a", "b", "c"],
            "village": ["西村", "411503100001", "火星村"],
        }
    )
    res = run(df, scope=Scope(as_of=AS_OF, townships=(TOWN_A,)))
    assert res.rows["category"].tolist() == ["out_of_scope", "not_enrolled", "out_of_scope"]
    assert "火星村" in res.rows.at[2, "detail"]


def test_township_scope_without_place_column_cannot_claim_unknown_children():
    df = pd.DataFrame({"row": [2], "id_number": [UNKNOWN], "name": ["a"]})
    res = run(df, scope=Scope(as_of=AS_OF, townships=(TOWN_A,)))
    assert res.rows.at[0, "category"] == "out_of_scope"


@pytest.mark.parametrize(
    ("birth", "as_of", "age"),
    [
        (date(2012, 9, 1), date(2026, 11, 20), 14),
        (date(2012, 9, 2), date(2026, 11, 20), 13),
        (date(2020, 9, 1), date(2027, 3, 1), 6),
        (date(2011, 8, 31), date(2026, 9, 1), 15),
    ],
)
def test_age_on_september_first(birth, as_of, age):
    assert reconcile.age_on_september_first(birth, as_of) == age


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" 4115 0320 1503 1200 18 ", "411503201503120018"),
        ("'411503201503120018", "411503201503120018"),
        ("411503201503120018\u3000", "411503201503120018"),
        (None, None),
    ],
)
def test_clean_id(raw, clean):
    assert reconcile.clean_id(raw) == clean


@pytest.mark.parametrize(("a", "b"), [("阿依·古丽", "阿依•古丽"), ("张 三", "张三"), ("ＡＢ", "AB")])
def test_clean_name_equates_variants_of_writing(a, b):
    assert reconcile.clean_name(a) == reconcile.clean_name(b)


# ------------------------------------------------------------------ files
def _csv_text() -> str:
    lines = ["序号,姓名,身份证号码,乡镇,备注"]
    for i, (idn, name, _) in enumerate(PLANTED, start=1):
        lines.append(f"{i},{name.strip()},{idn.strip()},,")
    return "\n".join(lines) + "\n"


READERS = {
    "pipeline": lambda data, name: reconcile.read_registry(data, name, kind="poverty"),
}


def _categories(data: bytes, filename: str, reader) -> list[str]:
    frame = reader(data, filename)
    return run(frame).rows.sort_values("row")["category"].tolist()


@pytest.mark.parametrize("reader", list(READERS))
def test_gbk_csv_and_titled_xlsx_reconcile_like_clean_utf8(reader):
    read = READERS[reader]
    text = _csv_text()
    clean = _categories(text.encode("utf-8"), "list.csv", read)
    gbk = _categories(text.encode("gbk"), "list.csv", read)
    bom = _categories(text.encode("utf-8-sig"), "list.csv", read)
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        df.to_excel(w, index=False, startrow=2)
        w.sheets["Sheet1"]["A1"] = "平桥区2026年脱贫户学生名单"
        w.sheets["Sheet1"]["A2"] = "制表单位：乡村振兴局"
    xlsx = _categories(buf.getvalue(), "list.xlsx", read)
    assert clean == gbk == bom == xlsx
    assert clean == [p[2] for p in PLANTED]


@pytest.mark.parametrize("reader", list(READERS))
def test_file_row_numbers_follow_the_file(reader):
    text = "名单\n\n姓名,身份证号\n甲," + A + "\n\n乙," + B + "\n"
    frame = READERS[reader](text.encode("gbk"), "a.csv")
    assert frame["row"].tolist() == [4, 6]
    assert frame["id_number"].tolist() == [A, B]


def test_file_without_id_column_is_refused_with_its_name():
    with pytest.raises(reconcile.RegistryFileError, match=r"bad\.csv"):
        reconcile.read_registry("姓名,电话\n甲,1\n".encode(), "bad.csv")


def test_workbook_has_one_sheet_per_category_and_masks_ids():
    res = run()
    book = pd.read_excel(io.BytesIO(reconcile.workbook_bytes(res)), sheet_name=None, dtype=str)
    assert list(book) == list(reconcile.CATEGORIES.values())
    matched = book[reconcile.CATEGORIES["matched"]]
    assert len(matched) == res.counts["matched"]
    assert not matched["身份证号"].str.contains(A[6:14]).any()
    assert matched["身份证号"].str.contains(r"\*").all()


def test_json_is_keyed_by_category_and_masked():
    out = reconcile.to_json(run())
    assert set(out["counts"]) == set(reconcile.CATEGORIES) == set(out["rows"])
    assert out["counts"]["not_in_registry"] == 1
    flat = [r["id_number"] for rows in out["rows"].values() for r in rows if r["id_number"]]
    assert all(A not in v and B not in v for v in flat)


def test_village_choices_narrow_to_what_the_list_says():
    villages = pd.DataFrame(
        {
            "code": ["411503100001", "411503100002", "411503200001"],
            "name": ["东村", "南村", "西村"],
            "township_code": [TOWN_A, TOWN_A, TOWN_B],
        }
    )
    assert list(reconcile.village_choices(villages, {"home_village": "411503200001"})) == ["411503200001"]
    assert list(reconcile.village_choices(villages, {"home_village": None, "home_township": TOWN_A})) == [
        "411503100001",
        "411503100002",
    ]
    assert (
        len(reconcile.village_choices(villages, {"home_village": float("nan"), "home_township": None})) == 3
    )


def test_open_case_only_for_not_enrolled_rows():
    with pytest.raises(ValueError, match="适龄未在校"):
        reconcile.open_case_for_row(Scope(), {"category": "matched"}, village_code="411503100001")


def test_student_index_of_only_the_lists_ids_keeps_every_position_of_those_ids():
    a, b, c = "411503201401010012", "411503201402020023", "41150320150303003X"
    students = pd.DataFrame(
        {
            "id_number": [a, " 411503201401010012 ", b, None, c.lower()],
            "xueji_number": [None, "G" + b, "L411503201402020023", "G" + c, "J12"],
        }
    )
    # positions by hand: a in rows 0 and 1 (spaces removed); b in row 2 and row 1's G+ID
    # 学籍号 (an L 学籍号 is no ID); c in row 3's 学籍号 and row 4 (lower-case x)
    full = reconcile._student_index(students)
    assert {k: sorted(v) for k, v in full.items()} == {a: [0, 1], b: [1, 2], c: [3, 4]}
    only = reconcile._student_index(students, only={b, "999"})
    assert {k: sorted(v) for k, v in only.items()} == {b: [1, 2]}
    assert reconcile._student_index(students, only=set()) == {}
