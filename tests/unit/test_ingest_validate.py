"""lib.ingest.validate on tiny files and a hand-made Reference: every fault with its row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from lib import ingest
from lib.core import geo
from lib.core.scope import Scope
from lib.ingest.validate import KEY, Reference
from tests.fixtures.ingest.samples import valid_id

A, B, C = valid_id(seq=1), valid_id(seq=2, male=False), valid_id(seq=3)
COUNTY = shapely.box(113.8, 31.9, 114.4, 32.5)  # the county, roughly (WGS-84 lon/lat)
T1, T2 = "411503100", "411503101"
V1, V2, V3 = "411503100201", "411503100202", "411503101201"
S1, S2 = "2141030001", "2141030002"


def reference(*, scoped: bool = False, existing: pd.DataFrame | None = None) -> Reference:
    """Two townships (the second outside the Scope when ``scoped``), three villages, two schools,
    two students."""
    inside = [True, not scoped]
    return Reference(
        "411503",
        townships=pd.DataFrame({"code": [T1, T2], "name": ["明港镇", "五里镇"], "in_scope": inside}),
        villages=pd.DataFrame(
            {
                "code": [V1, V2, V3],
                "name": ["王湾村", "李庄村", "王湾村"],
                "township_code": [T1, T1, T2],
                "in_scope": [True, True, not scoped],
            }
        ),
        schools=pd.DataFrame(
            {
                "code": [S1, S2],
                "name": ["明港镇中心小学", "五里镇中心小学"],
                "township_code": [T1, T2],
                "level": ["小学", "小学"],
                "in_scope": inside,
            }
        ),
        boundary=COUNTY,
        students=pd.DataFrame(
            {
                "student_id": ["S1", "S2"],
                "id_number": [A, B],
                "xueji_number": ["G" + A, "G" + B],
                "school_code": [S1, S2],
                "in_scope": inside,
            }
        ),
        existing=existing,
        scope_restricts_schools=False,
    )


def check(
    text: str,
    kind: str,
    *,
    ref: Reference | None = None,
    mode: str = "append",
    crs: str | None = None,
    titles: int = 0,
) -> ingest.Report:
    data = ("标题\n" * titles + text).encode("gbk")
    parsed = ingest.read_upload(data, "f.csv", kind=kind)
    return ingest.validate(parsed, con_or_reference=ref or reference(), scope=Scope(), mode=mode, crs=crs)


def found(report: ingest.Report) -> set[tuple[int | None, str | None, str]]:
    return {(p.row, p.column, p.code) for p in report.problems}


STUDENTS = "姓名,身份证号,学校标识码,年级,出生日期,性别\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (f"甲,4.11503E+17,{S1},3,,", (2, "身份证号", "id_scientific")),
        (f"甲,411503200801011000,{S1},3,,", (2, "身份证号", "id_excel_zeros")),
        (f"甲,110101199003077890,{S1},3,,", (2, "身份证号", "id_checksum")),
        (f"甲,41150320080101,{S1},3,,", (2, "身份证号", "id_format")),
        (f"甲,{C},{S1},3,2017-13-01,", (2, "出生日期", "bad_date")),
        (f"甲,{C},{S1},三年级半,,", (2, "年级", "bad_number")),
        (f"甲,{C},{S1},12,,", (2, "年级", "out_of_range")),
        (f"甲,{C},2141039999,3,,", (2, "学校标识码", "unknown_school")),
        (f"甲,{C},123,3,,", (2, "学校标识码", "school_code_format")),
        (f",{C},{S1},3,,", (2, "姓名", "missing_value")),
        (f"甲,{C},{S1},3,,女", (2, "性别", "sex_mismatch")),
        (f"甲,{C},{S1},3,2015-03-02,", (2, "出生日期", "birth_mismatch")),
        (f"甲,{C},{S1},3,,未知", (2, "性别", "bad_code")),
    ],
)
def test_student_faults_name_their_row_and_column(row, expected):
    assert expected in found(check(STUDENTS + row + "\n", "students"))


def test_rows_count_title_rows_and_columns_are_headers_as_written():
    text = f"姓名,身份证号码（必填）,学校标识码,年级\n甲,{C},{S1},3\n乙,110101199003077890,{S1},3\n"
    report = check(text, "students", titles=2)
    assert (5, "身份证号码（必填）", "id_checksum") in found(report)
    assert report.bad_rows == {5}
    assert report.valid_rows == 1


def test_grades_written_in_words():
    report = check(
        f"姓名,身份证号,学校标识码,年级\n甲,{C},{S1},三年级\n乙,{A},{S1},初二\n", "students", mode="update"
    )
    assert report.clean["grade"].tolist() == [3, 8]


def test_duplicate_keys_name_the_first_row():
    report = check(STUDENTS + f"甲,{C},{S1},3,,\n乙,{C},{S1},4,,\n", "students")
    dup = [p for p in report.problems if p.code == "duplicate_key"]
    assert [(p.row, p.column) for p in dup] == [(3, "身份证号")]
    assert "第 2 行" in dup[0].message


def test_messages_never_repeat_a_full_id_number():
    report = check(STUDENTS + f"甲,{C[:-1]}0,{S1},3,,\n", "students")
    assert all(C[:-1] not in p.message for p in report.problems)


def test_missing_required_column_is_fatal():
    report = check(f"身份证号,学校标识码\n{C},{S1}\n", "students")
    assert report.fatal and report.valid_rows == 0
    assert {p.code for p in report.errors} == {"missing_column"}
    assert {p.column for p in report.errors} == {"姓名", "年级"}


def test_a_file_of_another_kind_is_named_as_such():
    text = f"学校标识码,学校名称,办学类型,乡镇代码\n{S1},一小,小学,{T1}\n"
    report = check(text, "students")  # shares two headers with students: read, then judged
    assert report.fatal and [p.code for p in report.errors] == ["wrong_kind"]
    assert "学校" in report.errors[0].message
    with pytest.raises(ingest.IngestError, match="学校") as err:  # shares none: refused at reading
        check(text, "village_population")
    assert err.value.problem.code == "wrong_kind"


def test_student_identity_comes_from_the_store_or_is_derived_stably():
    report = check(STUDENTS + f"甲,{A},{S1},3,,\n丙,{C},{S1},3,,\n", "students", mode="update")
    ids_ = report.clean["student_id"].tolist()
    assert ids_[0] == "S1"  # known by ID number
    assert ids_[1].startswith("S") and len(ids_[1]) == 17
    again = check(STUDENTS + f"丙,{C},{S1},3,,\n", "students", mode="update")
    assert again.clean["student_id"].tolist() == [ids_[1]]


def test_names_resolve_to_codes_and_ambiguity_is_an_error():
    report = check(
        "学校标识码,学校名称,办学类型,乡镇\n2141031111,新小学,小学,明港镇\n2141031112,另一小学,小学,不存在镇\n",
        "schools",
    )
    assert report.clean["township_code"].tolist() == [T1, None]
    assert (3, "乡镇", "unknown_township") in found(report)
    vil = check(f"村(社区)代码,村(社区)名称,乡镇代码\n411503100299,新村,{T1}\n", "villages")
    assert vil.ok
    pop = check("村(社区),年份,年龄,人数\n王湾村,2026,6,10\n李庄村,2026,6,12\n", "village_population")
    assert (2, "村(社区)", "ambiguous_name") in found(pop)
    assert pop.clean["village_code"].tolist() == [None, V2]


SCHOOLS = "学校标识码,学校名称,办学类型,乡镇代码,经度,纬度\n"


def test_coordinates_outside_the_county_are_errors():
    report = check(SCHOOLS + f"2141031111,新小学,小学,{T1},116.4,39.9\n", "schools")
    assert (2, "经度", "coords_outside") in found(report)


def test_swapped_coordinates_are_recognised_and_swapped_back():
    report = check(SCHOOLS + f"2141031111,新小学,小学,{T1},32.2,114.1\n", "schools")
    assert [p.code for p in report.problems] == ["coords_swapped"]
    assert report.clean[["lon", "lat"]].iloc[0].tolist() == [114.1, 32.2]


def test_one_coordinate_alone_is_an_error():
    report = check(SCHOOLS + f"2141031111,新小学,小学,{T1},114.1,\n", "schools")
    assert (2, "经度", "coords_incomplete") in found(report)


@pytest.mark.parametrize(("crs", "convert"), [("gcj02", geo.wgs84_to_gcj02), ("bd09", geo.wgs84_to_bd09)])
def test_declared_gcj02_and_bd09_are_converted_to_wgs84(crs, convert):
    lon, lat = convert(114.1, 32.2)
    report = check(SCHOOLS + f"2141031111,新小学,小学,{T1},{lon:.9f},{lat:.9f}\n", "schools", crs=crs)
    assert [p.code for p in report.problems] == ["coords_converted"]
    assert np.allclose(report.clean[["lon", "lat"]].iloc[0].to_numpy(dtype=float), [114.1, 32.2], atol=1e-7)


def test_a_crs_header_or_column_declares_the_system():
    lon, lat = geo.wgs84_to_gcj02(114.1, 32.2)
    by_header = check(
        f"学校标识码,学校名称,办学类型,乡镇代码,经度(高德),纬度(高德)\n2141031111,新小学,小学,{T1},{lon},{lat}\n",
        "schools",
    )
    assert np.allclose(
        by_header.clean[["lon", "lat"]].iloc[0].to_numpy(dtype=float), [114.1, 32.2], atol=1e-7
    )
    by_column = check(
        SCHOOLS.replace("\n", ",坐标系\n") + f"2141031111,新小学,小学,{T1},{lon},{lat},高德\n"
        f"2141031112,二小学,小学,{T1},114.1,32.2,火星坐标系统X\n",
        "schools",
    )
    assert np.allclose(
        by_column.clean[["lon", "lat"]].iloc[0].to_numpy(dtype=float), [114.1, 32.2], atol=1e-7
    )
    assert (3, "坐标系", "bad_crs") in found(by_column)


def test_codes_must_exist_for_cases_and_aid():
    cases = check(
        f"身份证号,户籍村(社区),状态,上报日期\n{C},411503100999,疑似辍学,2026-10-09\n", "dropout_cases"
    )
    assert (2, "户籍村(社区)", "unknown_village") in found(cases)
    aid = check(
        f"身份证号,资助项目,学年,学期,实发金额\n{C},生活补助,2026,1,500\n{A},生活补助,2026,1,500\n",
        "aid_records",
    )
    assert (2, "身份证号", "unknown_student") in found(aid)
    assert aid.clean["school_code"].tolist()[1] == S1  # the student's school
    absent = check("日期,已请假\n2026-11-02,否\n", "absences")
    assert absent.fatal


def test_scope_keeps_other_townships_out():
    report = check(
        SCHOOLS + f"2141031111,新小学,小学,{T2},114.1,32.2\n2141031112,二小,小学,{T1},114.1,32.2\n",
        "schools",
        ref=reference(scoped=True),
    )
    assert next(p for p in report.errors if p.code == "out_of_scope").row == 2
    assert report.valid_rows == 1


def _existing(keys: list[str], schools: list[str], inside: list[bool]) -> pd.DataFrame:
    return pd.DataFrame({KEY: keys, "school_code": schools, "in_scope": inside})


def test_existing_keys_by_mode():
    text = f"学生编号,姓名,学校标识码,年级\nS1,甲,{S1},3\n"
    ref = reference(existing=_existing(["S1", "S2"], [S1, S2], [True, True]))
    assert [p.code for p in check(text, "students", ref=ref).errors] == ["key_exists"]
    assert check(text, "students", ref=ref, mode="update").ok
    assert check(text, "students", ref=ref, mode="replace").ok
    moved = f"学生编号,姓名,学校标识码,年级\nS2,乙,{S1},3\n"  # S2 is stored at S2's school
    assert [p.code for p in check(moved, "students", ref=ref, mode="replace").errors] == ["key_elsewhere"]
    assert check(moved, "students", ref=ref, mode="update").ok
    outside = reference(scoped=True, existing=_existing(["S1", "S2"], [S1, S2], [True, False]))
    codes = [p.code for p in check(moved, "students", ref=outside, mode="update").errors]
    assert codes == ["out_of_scope"]


def test_report_json_contract():
    report = check(STUDENTS + f"甲,{C},{S1},3,,\n乙,4.11503E+17,{S1},3,,\n", "students")
    out = report.to_json()
    assert set(out) == {"rows", "valid_rows", "errors", "warnings"}
    assert out["rows"] == 2 and out["valid_rows"] == 1
    assert set(out["errors"][0]) == {"row", "column", "code", "message"}
    assert all(p["code"] in ingest.CODES for p in out["errors"] + out["warnings"])


def test_registry_kinds_validate_ids_and_duplicates():
    report = check(
        f"序号,姓名,身份证号码,乡镇\n1,甲,{A},明港镇\n2,乙,{A},明港镇\n3,丙,4.11503E+17,明港镇\n", "poverty"
    )
    assert {(p.row, p.code) for p in report.errors} == {(3, "duplicate_key"), (4, "id_scientific")}


def test_every_code_is_documented():
    docs = (ingest.problem_codes()["code"]).tolist()
    assert len(docs) == len(set(docs)) == len(ingest.CODES)
    from lib.core import config

    text = (config.DOCS_DIR / "cli.md").read_text(encoding="utf-8")
    missing = [c for c in docs if f"`{c}`" not in text]
    assert not missing, f"docs/cli.md lacks {missing}"
