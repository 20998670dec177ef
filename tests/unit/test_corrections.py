"""Correcting one record: the import's rules, the Scope, the audit log."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from lib.core import permissions, store
from lib.core.scope import Scope
from lib.ingest import corrections

TOWN, OTHER = "411503101", "411503102"
COUNTY = Scope(user="县级甲", role="county")
TOWNSHIP = Scope(user="乡镇乙", role="township", townships=(TOWN,))


def _one(db: Path, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchone()
    finally:
        con.close()


def _audits(db: Path) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT user_name, detail FROM audit_log WHERE action = 'correct_record' ORDER BY \"at\""
        ).fetchall()
    finally:
        con.close()
    return [{"user": u, **json.loads(d)} for u, d in rows]


@pytest.fixture
def school(fresh_db):
    return _one(fresh_db, "SELECT code, capacity FROM schools WHERE township_code = ? ORDER BY code", [TOWN])


@pytest.fixture
def student(fresh_db):
    return _one(
        fresh_db,
        "SELECT s.student_id, s.grade, s.name FROM students s JOIN schools c ON c.code = s.school_code "
        "WHERE c.township_code = ? AND s.grade BETWEEN 2 AND 5 ORDER BY s.student_id",
        [TOWN],
    )


def test_a_valid_correction_is_written_and_audited_with_old_and_new(fresh_db, school):
    code, capacity = school
    fix = corrections.apply_correction(
        TOWNSHIP, "schools", {"code": code}, {"capacity": capacity + 40}, reason="核定学位录入错误"
    )
    assert fix.changes == {"capacity": (capacity, capacity + 40)}
    assert _one(fresh_db, "SELECT capacity FROM schools WHERE code = ?", [code])[0] == capacity + 40
    [entry] = _audits(fresh_db)
    assert entry["user"] == "乡镇乙" and entry["table"] == "schools" and entry["key"] == {"code": code}
    assert (
        entry["changes"] == {"capacity": [capacity, capacity + 40]} and entry["reason"] == "核定学位录入错误"
    )


@pytest.mark.parametrize(
    ("table", "values", "code"),
    [
        ("schools", {"level": "大学"}, "bad_code"),
        ("schools", {"capacity": -3}, "out_of_range"),
        ("schools", {"village_code": "411503999999"}, None),  # a village that does not exist
    ],
)
def test_the_import_rules_refuse_bad_values_and_nothing_is_written(fresh_db, school, table, values, code):
    before = _one(fresh_db, "SELECT * FROM schools WHERE code = ?", [school[0]])
    with store.connect(fresh_db) as con:
        fix = corrections.check_correction(con, COUNTY, table, {"code": school[0]}, values)
    assert not fix.ok
    if code:
        assert code in {p.code for p in fix.errors}
    with pytest.raises(corrections.CorrectionError):
        corrections.apply_correction(COUNTY, table, {"code": school[0]}, values, reason="测试")
    assert _one(fresh_db, "SELECT * FROM schools WHERE code = ?", [school[0]]) == before
    assert _audits(fresh_db) == []


def test_a_township_user_corrects_only_its_own(fresh_db, school, student):
    other = _one(fresh_db, "SELECT code FROM schools WHERE township_code = ? ORDER BY code", [OTHER])[0]
    with pytest.raises(corrections.CorrectionError, match="找不到"):
        corrections.apply_correction(TOWNSHIP, "schools", {"code": other}, {"capacity": 1}, reason="x")
    with pytest.raises(corrections.CorrectionError, match="权限范围以外"):  # nor move its own out
        corrections.apply_correction(
            TOWNSHIP, "students", {"student_id": student[0]}, {"school_code": other}, reason="x"
        )
    assert corrections.lookup(TOWNSHIP, "schools", other).empty
    assert not corrections.lookup(TOWNSHIP, "schools", school[0]).empty


def test_village_population_and_aid_record(fresh_db):
    village, year, age, persons = _one(
        fresh_db, "SELECT p.village_code, p.year, p.age, p.persons FROM village_population p ORDER BY 1, 2, 3"
    )
    key = {"village_code": village, "year": year, "age": age}
    corrections.apply_correction(
        COUNTY, "village_population", key, {"persons": persons + 2}, reason="核对户籍"
    )
    assert (
        _one(
            fresh_db,
            "SELECT persons FROM village_population WHERE village_code = ? AND year = ? AND age = ?",
            [village, year, age],
        )[0]
        == persons + 2
    )
    with pytest.raises(corrections.CorrectionError, match="超出合理范围"):
        corrections.apply_correction(COUNTY, "village_population", key, {"persons": -1}, reason="x")

    record, paid = _one(fresh_db, "SELECT record_id, paid_amount FROM aid_records ORDER BY record_id")
    fix = corrections.apply_correction(
        COUNTY,
        "aid_records",
        {"record_id": record},
        {"paid_amount": 0.0, "funding_source": "县级"},
        reason="退回",
    )
    assert fix.changes["paid_amount"] == (paid, 0.0)
    with pytest.raises(corrections.CorrectionError, match="资金来源"):
        corrections.apply_correction(
            COUNTY, "aid_records", {"record_id": record}, {"funding_source": "外星"}, reason="x"
        )


def test_personal_fields_need_unmasking_and_are_masked_in_the_log(fresh_db, student):
    sid, grade, name = student
    with pytest.raises(corrections.CorrectionError, match="显示完整信息"):
        corrections.apply_correction(
            TOWNSHIP, "students", {"student_id": sid}, {"name": "王小明"}, reason="x"
        )
    # an unchanged masked field on the form does not count as a change
    fix = corrections.apply_correction(
        TOWNSHIP, "students", {"student_id": sid}, {"grade": grade + 1, "name": name}, reason="升级漏录"
    )
    assert set(fix.changes) == {"grade"}
    fix = corrections.apply_correction(
        replace(TOWNSHIP, mask=False), "students", {"student_id": sid}, {"name": "王小明"}, reason="姓名错字"
    )
    assert _one(fresh_db, "SELECT name, grade FROM students WHERE student_id = ?", [sid]) == (
        "王小明",
        grade + 1,
    )
    logged = _audits(fresh_db)[-1]["changes"]["name"]
    assert "王小明" not in logged and logged[1] == "王*明"


def test_nothing_changed_writes_nothing(fresh_db, school):
    fix = corrections.apply_correction(
        COUNTY, "schools", {"code": school[0]}, {"capacity": school[1]}, reason="x"
    )
    assert fix.changes == {} and _audits(fresh_db) == []


def test_someone_else_changed_it_meanwhile(fresh_db, school, monkeypatch):
    code, capacity = school
    stale = corrections.Correction("schools", {"code": code}, {"capacity": (capacity - 1, capacity + 5)})
    monkeypatch.setattr(corrections, "check_correction", lambda *a, **k: stale)
    with pytest.raises(corrections.CorrectionConflict):
        corrections.apply_correction(
            COUNTY, "schools", {"code": code}, {"capacity": capacity + 5}, reason="x"
        )
    assert _one(fresh_db, "SELECT capacity FROM schools WHERE code = ?", [code])[0] == capacity


@pytest.mark.parametrize("role", ["leader", "planner", "admin"])
def test_roles_without_correct_records_are_refused(fresh_db, school, role):
    with pytest.raises(permissions.NotPermitted):
        corrections.apply_correction(
            Scope(user="x", role=role), "schools", {"code": school[0]}, {"capacity": 1}, reason="x"
        )


def test_a_reason_and_an_editable_field_are_required(fresh_db, school):
    with pytest.raises(corrections.CorrectionError, match="原因"):
        corrections.apply_correction(COUNTY, "schools", {"code": school[0]}, {"capacity": 1}, reason=" ")
    with pytest.raises(corrections.CorrectionError, match="不能在此更正"):
        corrections.apply_correction(
            COUNTY, "schools", {"code": school[0]}, {"code": "2141000000"}, reason="x"
        )


def test_the_picker_masks_children_not_schools(fresh_db):
    schools = corrections.lookup(TOWNSHIP, "schools", "")
    assert not schools.empty and not schools["name"].str.contains(r"\*").any()
    students = corrections.lookup(TOWNSHIP, "students", "")
    assert students["name"].dropna().str.contains(r"\*").all()
    assert corrections.lookup(replace(TOWNSHIP, mask=False), "students", "")["name"].equals(
        _names_of(fresh_db, students["student_id"].tolist())
    )


def _names_of(db: Path, sids: list[str]):
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = dict(con.execute("SELECT student_id, name FROM students").fetchall())
    finally:
        con.close()
    import pandas as pd

    return pd.Series([names[s] for s in sids], name="name")
