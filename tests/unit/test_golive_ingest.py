"""The go-live import kinds and the reader's cell types, on tiny files built here."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from lib import ingest
from lib.core import geo
from lib.core.scope import Scope
from lib.ingest.validate import Reference
from tests.fixtures.ingest.samples import valid_id

COUNTY = shapely.box(114.0, 31.8, 114.6, 32.4)
T1, T2 = "411521101", "411521103"
S1, S2 = "2141521002", "2141521003"
A, B = valid_id(seq=1), valid_id(seq=2, male=False)
SCOPE = Scope(county="411521")


def reference(*, whole_county: bool = True) -> Reference:
    return Reference(
        "411521",
        townships=pd.DataFrame({"code": [T1, T2], "name": ["周党镇", "灵山镇"], "in_scope": [True, True]}),
        villages=pd.DataFrame(
            {"code": [T1 + "200"], "name": ["周党村"], "township_code": [T1], "in_scope": [True]}
        ),
        schools=pd.DataFrame(
            {
                "code": [S1, S2],
                "name": ["周党镇中心小学", "灵山镇中心小学"],
                "township_code": [T1, T2],
                "level": ["小学", "小学"],
                "in_scope": [True, True],
            }
        ),
        boundary=COUNTY,
        students=pd.DataFrame(
            {
                "student_id": ["S1", "S2"],
                "id_number": [A, B],
                "xueji_number": ["G" + A, "G" + B],
                "school_code": [S1, S2],
                "in_scope": [True, True],
            }
        ),
        whole_county=whole_county,
    )


def _xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _check(data: bytes, name: str, kind: str, **kw) -> ingest.Report:
    parsed = ingest.read_upload(data, name, kind=kind)
    return ingest.validate(parsed, kind, con_or_reference=kw.pop("ref", reference()), scope=SCOPE, **kw)


def _codes(report: ingest.Report) -> list[tuple]:
    return [(p.row, p.column, p.code) for p in report.errors]


# ------------------------------------------------------------------ cell types
def test_the_xlsx_reader_reports_each_cells_type():
    data = _xlsx(
        [
            ["标题"],
            ["姓名", "身份证号", "出生日期", "寄宿"],
            ["甲", A, "2015-01-01", True],
            ["乙", 4.11521e17, None, False],
        ]
    )
    parsed = ingest.read_upload(data, "t.xlsx", kind=None)
    assert parsed.cell_types["姓名"].tolist() == ["s", "s"]
    assert parsed.cell_types["身份证号"].tolist() == ["s", "n"]
    born = parsed.cell_types["出生日期"]
    assert born.iloc[0] == "s" and pd.isna(born.iloc[1])  # an empty cell has no type
    assert parsed.cell_types["寄宿"].tolist() == ["b", "b"]
    assert ingest.read_upload(b"a,b\n1,2\n", "t.csv", kind=None).cell_types is None


@pytest.mark.parametrize("as_number", [int, float])
def test_a_numeric_id_cell_is_damaged_even_when_its_checksum_passes(as_number):
    # a valid ID that happens to end in 0 and is stored as a number: the checksum would pass
    good = next(valid_id(seq=s) for s in range(1, 200) if valid_id(seq=s).endswith("0"))
    stored = as_number(good)
    data = _xlsx([["姓名", "身份证号", "年级", "学校标识码"], ["甲", stored, 3, S1], ["乙", B, 3, S1]])
    report = _check(data, "学生.xlsx", "students")
    assert _codes(report) == [(2, "身份证号", "id_numeric")]


def test_the_reconciliation_flags_a_numeric_id_cell():
    from lib.aid import reconcile

    data = _xlsx([["身份证号", "姓名"], [float(A), "甲"], [B, "乙"]])
    frame = reconcile.read_registry(data, "名单.xlsx", kind="poverty")
    assert frame["_id_numeric"].tolist() == [True, False]


# ------------------------------------------------------------------ boundaries
def _towns(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    g = gpd.GeoDataFrame(
        {"XZQDM": [T1 + "000", T2 + "000"], "XZQMC": ["周党镇", "灵山镇"]},
        geometry=[box(114.1, 32.0, 114.3, 32.2), box(114.3, 32.0, 114.5, 32.2)],
        crs="EPSG:4326",
    )
    return g.to_crs(crs)


def _zipped_shapefile(g: gpd.GeoDataFrame, tmp_path, *, encoding: str = "utf-8", cpg: bool = True) -> bytes:
    g.to_file(tmp_path / "towns.shp", encoding=encoding)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for ext in ("shp", "shx", "dbf", "prj") + (("cpg",) if cpg else ()):
            if (tmp_path / f"towns.{ext}").exists():
                z.write(tmp_path / f"towns.{ext}", f"towns.{ext}")
    return buf.getvalue()


def test_a_zipped_shapefile_in_a_projected_crs_becomes_wgs84_townships(tmp_path):
    data = _zipped_shapefile(_towns("EPSG:4527"), tmp_path)  # CGCS2000 Gauss-Krüger zone 38
    parsed = ingest.read_upload(data, "乡镇.zip", kind="boundaries")
    assert parsed.file_type == "shapefile" and parsed.source_crs == "EPSG:4527"
    report = ingest.validate(parsed, "boundaries", con_or_reference=reference(), scope=SCOPE)
    assert report.ok, report.errors
    clean = report.good().set_index("code")
    assert list(clean.index) == [T1, T2]  # 12-digit 国土 codes read as their first 9
    assert clean.loc[T1, "kind"] == "镇" and clean.loc[T1, "county_code"] == "411521"
    back = shapely.from_wkt(clean.loc[T1, "geometry"])
    assert back.bounds == pytest.approx((114.1, 32.0, 114.3, 32.2), abs=1e-5)
    assert back.contains(shapely.Point(clean.loc[T1, "seat_lon"], clean.loc[T1, "seat_lat"]))


def test_a_gbk_shapefile_without_cpg_is_read_as_gbk(tmp_path):
    data = _zipped_shapefile(_towns(), tmp_path, encoding="gbk", cpg=False)
    parsed = ingest.read_upload(data, "乡镇.zip", kind="boundaries")
    assert parsed.frame["name"].tolist() == ["周党镇", "灵山镇"]


def test_gcj02_boundaries_are_declared_and_converted():
    g = _towns()
    shifted = g.copy()
    shifted["geometry"] = shapely.transform(
        g.geometry.to_numpy(), lambda xy: pd.DataFrame(geo.wgs84_to_gcj02(xy[:, 0], xy[:, 1])).T.to_numpy()
    )
    data = shifted.to_json().encode()
    report = _check(data, "乡镇.geojson", "boundaries", crs="gcj02")
    assert report.ok
    back = shapely.from_wkt(report.good()["geometry"].iloc[0])
    assert back.bounds == pytest.approx((114.1, 32.0, 114.3, 32.2), abs=2e-5)
    assert {p.code for p in report.warnings} >= {"coords_converted"}


def test_boundaries_of_another_county_or_outside_it_are_errors():
    g = gpd.GeoDataFrame(
        {"乡镇代码": ["411503101", T1, T2], "乡镇名称": ["五里镇", "周党镇", "灵山镇"]},
        geometry=[
            box(114.1, 32.0, 114.2, 32.1),
            box(116.0, 30.0, 116.1, 30.1),
            box(114.3, 32.0, 114.5, 32.2),
        ],
        crs="EPSG:4326",
    )
    report = _check(g.to_json().encode(), "乡镇.geojson", "boundaries")
    assert _codes(report) == [(2, "乡镇代码", "township_code_format"), (3, "geometry", "geometry_outside")]


def test_only_a_whole_county_user_imports_boundaries():
    report = _check(
        _towns().to_json().encode(), "乡镇.geojson", "boundaries", ref=reference(whole_county=False)
    )
    assert {p.code for p in report.errors} == {"out_of_scope"}


def test_a_boundary_file_without_crs_in_metres_is_refused():
    g = _towns("EPSG:4527")
    data = json.loads(g.to_json())
    data.pop("crs", None)
    with pytest.raises(ingest.IngestError, match="坐标系"):
        ingest.read_upload(json.dumps(data).encode(), "乡镇.geojson", kind="boundaries")


# ------------------------------------------------------------------ enrolment counts, calendar, transfers
@pytest.mark.parametrize("written", ["2025", "2025学年", "2025-2026学年", "2025—2026", "2025-2026"])
def test_a_school_year_as_reports_write_it(written):
    data = f"学年,学校名称,年级,在校生数\n{written},周党镇中心小学,一年级,42\n".encode()
    report = _check(data, "统计.csv", "enrolment_counts")
    assert report.ok and report.good()[
        ["school_year", "school_code", "grade", "students"]
    ].values.tolist() == [[2025, S1, 1, 42]]


def test_a_school_year_that_is_not_one_is_an_error():
    report = _check(
        "学年,学校标识码,年级,在校生数\n2025-2027,2141521002,1,40\n".encode(), "t.csv", "enrolment_counts"
    )
    assert [p.code for p in report.errors] == ["bad_number"]


def test_calendar_days_in_words_with_year_and_term_derived():
    data = "日期,类型\n2026-11-14,调休上课\n2026-10-01,放假\n2027-02-20,上课\n2026-11-15,休息\n".encode("gbk")
    report = _check(data, "校历.csv", "calendar")
    assert report.ok
    got = report.good()[["is_school_day", "school_year", "term"]].astype(object).values.tolist()
    assert got == [[True, 2026, 1], [False, 2026, 1], [True, 2026, 2], [False, 2026, 1]]


def test_transfers_resolve_county_schools_and_keep_others_by_name():
    data = (
        "身份证号,异动类型,原学校,转入学校,异动日期,审核通过日期\n"
        f"{A},转出,周党镇中心小学,武汉市第一小学,2026-09-20,2026-10-08\n"
        f"{B},转入,光山县第二小学,2141521003,2026-09-05,\n"
        f"{A},休学,,,2026-10-12,2026-10-15\n"
        f"{B},转出,某某小学,灵山镇中心小学,2026-10-20,\n"
    ).encode()
    report = _check(data, "异动.csv", "transfers")
    rows = report.clean.set_index("_row").astype(object)
    rows = rows.where(rows.notna(), None)
    assert rows.loc[2, ["from_school", "to_school", "other_school_name"]].tolist() == [
        S1,
        None,
        "武汉市第一小学",
    ]
    assert rows.loc[3, ["from_school", "to_school", "other_school_name"]].tolist() == [
        None,
        S2,
        "光山县第二小学",
    ]
    assert rows.loc[4, ["from_school", "to_school"]].tolist() == [S1, None]  # 休学 at the pupil's school
    # a 转出 from a school that is not the county's is an error with its row and column
    assert _codes(report) == [(5, "原学校", "unknown_school")]
    assert rows["transfer_id"].str.startswith("T").all() and rows["transfer_id"].is_unique


def test_aid_funds_get_a_number_from_what_they_are():
    data = "学年,资助项目,资金来源,乡镇,下达金额,文号\n2026,生活补助,中央,周党镇,50000,罗教资〔2026〕12号\n".encode()
    report = _check(data, "资金.csv", "aid_funds")
    good = report.good()
    assert report.ok and good["allocation_id"].iloc[0].startswith("F") and good["township_code"].iloc[0] == T1
