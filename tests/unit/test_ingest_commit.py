"""lib.ingest.commit against the demo store: one transaction, scoped replace, foreign keys,
snapshot and undo, refusal leaving every table unchanged (also when the process is killed)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import duckdb
import pandas as pd
import pytest

from lib import ingest
from lib.core import config, store
from lib.core.scope import Scope
from tests.fixtures.ingest.samples import csv_bytes, new_students, store_rows, table_digest, xlsx_bytes

SCOPE = Scope(user="tester")


def _students(db, school=None) -> int:
    sql = "SELECT count(*) AS n FROM students" + (" WHERE school_code = ?" if school else "")
    return int(store_rows(db, sql, [school] if school else None)["n"].iloc[0])


def _commit(frame: pd.DataFrame, *, kind="students", scope=SCOPE, **kw) -> ingest.CommitResult:
    parsed = ingest.read_upload(csv_bytes(frame, encoding="gbk"), "学生.csv", kind=kind)
    return ingest.commit(parsed, scope=scope, **kw)


def test_the_same_table_validates_identically_in_every_form(demo_db):
    frame = new_students(demo_db, 6)
    frame.loc[2, "身份证号"] = "4.11503E+17"
    frame.loc[4, "学校标识码"] = "2141099999"
    titles = ("平桥区学生学籍表", "填报单位：教体局")
    forms = {
        "utf-8": csv_bytes(frame, titles=titles),
        "utf-8-bom": csv_bytes(frame, titles=titles, encoding="utf-8-sig"),
        "gbk": csv_bytes(frame, titles=titles, encoding="gbk"),
        "xlsx": xlsx_bytes(frame, titles=titles),
    }
    reports = {}
    with store.connect(demo_db) as con:
        for name, data in forms.items():
            parsed = ingest.read_upload(data, f"学生.{'xlsx' if name == 'xlsx' else 'csv'}", kind="students")
            reports[name] = ingest.validate(parsed, con_or_reference=con, scope=SCOPE)
    dumps = {name: r.to_json() for name, r in reports.items()}
    assert all(d == dumps["utf-8"] for d in dumps.values())
    errors = {(p["row"], p["column"], p["code"]) for p in dumps["utf-8"]["errors"]}
    assert errors == {(6, "身份证号", "id_scientific"), (8, "学校标识码", "unknown_school")}
    assert dumps["utf-8"]["valid_rows"] == 4


def test_append_then_undo_restores_every_table(fresh_db):
    before = table_digest(fresh_db)
    frame = new_students(fresh_db, 12)
    school = frame["学校标识码"].iloc[0]
    n0 = _students(fresh_db, school)
    result = _commit(frame)
    assert (result.rows_written, result.rows_new, result.rows_removed) == (12, 12, 0)
    assert _students(fresh_db, school) == n0 + 12
    imp = store_rows(fresh_db, "SELECT * FROM imports")
    assert imp["status"].tolist() == ["已导入"] and imp["user_name"].tolist() == ["tester"]
    audit = store_rows(fresh_db, "SELECT * FROM audit_log WHERE action = 'import'")
    assert len(audit) == 1 and result.import_id in audit["detail"].iloc[0]
    undone = ingest.undo_last_import(scope=SCOPE)
    assert (undone.rows_removed, undone.rows_restored) == (12, 0)
    after = table_digest(fresh_db)
    assert {k: v for k, v in after.items() if not k.startswith("import")} == {
        k: v for k, v in before.items() if not k.startswith("import")
    }
    assert store_rows(fresh_db, "SELECT status FROM imports")["status"].tolist() == ["已撤销"]
    with pytest.raises(ingest.UndoRefused, match="没有可以撤销"):
        ingest.undo_last_import(scope=SCOPE)


def test_new_students_change_the_overview_count(fresh_db):
    from lib.overview import metrics

    with store.connect() as con:
        before = metrics.compute_overview(con, SCOPE).county["students"]
    _commit(new_students(fresh_db, 5))
    with store.connect() as con:
        assert metrics.compute_overview(con, SCOPE).county["students"] == before + 5


def test_append_of_an_existing_key_is_refused_and_nothing_changes(fresh_db):
    existing = store_rows(fresh_db, "SELECT id_number, name, school_code FROM students LIMIT 3")
    frame = pd.DataFrame(
        {
            "身份证号": existing["id_number"],
            "姓名": existing["name"],
            "学校标识码": existing["school_code"],
            "年级": "3",
        }
    )
    before = table_digest(fresh_db)
    with pytest.raises(ingest.ImportRefused, match="3 处错误") as err:
        _commit(frame)
    assert {p.code for p in err.value.report.errors} == {"key_exists"}
    assert table_digest(fresh_db) == before


def test_update_overwrites_what_the_file_has_and_keeps_the_rest(fresh_db):
    row = store_rows(
        fresh_db, "SELECT * FROM students WHERE guardian_name IS NOT NULL AND status = '在校' LIMIT 1"
    )
    frame = pd.DataFrame(
        {
            "身份证号": row["id_number"],
            "姓名": ["改名字"],
            "学校标识码": row["school_code"],
            "年级": row["grade"].astype(str),
        }
    )
    result = _commit(frame, mode="update")
    assert (result.rows_written, result.rows_new) == (1, 0)
    after = store_rows(fresh_db, "SELECT * FROM students WHERE student_id = ?", [row["student_id"].iloc[0]])
    assert after["name"].iloc[0] == "改名字"
    assert after["guardian_name"].iloc[0] == row["guardian_name"].iloc[0]
    assert after["village_code"].iloc[0] == row["village_code"].iloc[0]
    ingest.undo_last_import(scope=SCOPE)
    back = store_rows(fresh_db, "SELECT name FROM students WHERE student_id = ?", [row["student_id"].iloc[0]])
    assert back["name"].iloc[0] == row["name"].iloc[0]


_DEPENDENT = (
    "SELECT student_id FROM dropout_cases UNION SELECT student_id FROM aid_records "
    "UNION SELECT student_id FROM absences UNION SELECT student_id FROM aid_applications"
)


def _roster_without(db, drop: int) -> tuple[str, pd.DataFrame, int]:
    """(school, its roster as a file minus ``drop`` students no other record points at, students now)."""
    school = store_rows(
        db,
        f"""
        SELECT school_code FROM students WHERE student_id NOT IN ({_DEPENDENT})
        GROUP BY 1 HAVING count(*) >= {drop} ORDER BY 1 LIMIT 1""",
    )["school_code"].iloc[0]
    roster = store_rows(
        db,
        f"""
        SELECT id_number, name, grade, student_id IN ({_DEPENDENT}) AS needed FROM students
        WHERE school_code = ? ORDER BY needed, student_id""",
        [school],
    )
    keep = roster.iloc[drop:]
    frame = pd.DataFrame(
        {
            "身份证号": keep["id_number"],
            "姓名": keep["name"],
            "学校标识码": school,
            "年级": keep["grade"].astype(str),
        }
    )
    return school, frame, len(roster)


def test_replace_is_scoped_to_the_schools_in_the_file(fresh_db):
    school, frame, here = _roster_without(fresh_db, 3)
    others = table_digest(fresh_db, ("schools", "aid_records", "dropout_cases"))
    total = _students(fresh_db)
    result = _commit(frame, mode="replace")
    assert _students(fresh_db, school) == here - 3
    assert _students(fresh_db) == total - 3
    assert (result.rows_removed, result.rows_new) == (3, 0)
    assert table_digest(fresh_db, ("schools", "aid_records", "dropout_cases")) == others
    ingest.undo_last_import(scope=SCOPE)
    assert _students(fresh_db, school) == here


def test_replace_that_would_orphan_cases_or_aid_is_refused(fresh_db):
    school = store_rows(
        fresh_db, "SELECT school_code FROM aid_records GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )["school_code"].iloc[0]
    one = store_rows(
        fresh_db, "SELECT id_number, name, grade FROM students WHERE school_code = ? LIMIT 1", [school]
    )
    frame = pd.DataFrame(
        {
            "身份证号": one["id_number"],
            "姓名": one["name"],
            "学校标识码": school,
            "年级": one["grade"].astype(str),
        }
    )
    before = table_digest(fresh_db)
    with pytest.raises(ingest.ImportRefused, match="资助台账") as err:
        _commit(frame, mode="replace")
    assert "失去对应的学生" in err.value.reason
    assert table_digest(fresh_db) == before


def test_errors_are_imported_only_without_their_rows_and_only_when_asked(fresh_db):
    frame = new_students(fresh_db, 5)
    frame.loc[1, "身份证号"] = "4.11503E+17"
    before = table_digest(fresh_db)
    with pytest.raises(ingest.ImportRefused, match="跳过有错误的行"):
        _commit(frame)
    assert table_digest(fresh_db) == before
    result = _commit(frame, drop_bad_rows=True)
    assert (result.rows_written, result.rows_skipped) == (4, 1)
    assert store_rows(fresh_db, "SELECT rows_skipped FROM imports")["rows_skipped"].tolist() == [1]


def test_a_township_user_cannot_import_into_another_township(fresh_db):
    frame = new_students(fresh_db, 3)
    school = frame["学校标识码"].iloc[0]
    town = store_rows(fresh_db, "SELECT township_code FROM schools WHERE code = ?", [school])[
        "township_code"
    ].iloc[0]
    other = store_rows(fresh_db, "SELECT code FROM townships WHERE code != ? LIMIT 1", [town])["code"].iloc[0]
    scope = Scope(townships=(other,), user="township-user", role="township")
    before = table_digest(fresh_db)
    with pytest.raises(ingest.ImportRefused) as err:
        _commit(frame, scope=scope)
    assert {p.code for p in err.value.report.errors} == {"out_of_scope"}
    assert table_digest(fresh_db) == before


def test_a_role_without_the_right_is_refused(fresh_db, monkeypatch):
    monkeypatch.setitem(config.SETTINGS["ingest"], "import_roles", ["county"])
    with pytest.raises(ingest.ImportRefused, match="没有导入数据的权限"):
        _commit(new_students(fresh_db, 1), scope=Scope(role="viewer"))


def test_registry_lists_are_not_written(fresh_db):
    parsed = ingest.read_upload("姓名,身份证号\n甲,34052419800101001X\n".encode(), "list.csv", kind="poverty")
    with pytest.raises(ingest.ImportRefused, match="精准识别"):
        ingest.commit(parsed, scope=SCOPE)


def test_undo_is_refused_after_a_later_edit(fresh_db):
    frame = new_students(fresh_db, 3)
    result = _commit(frame)
    con = duckdb.connect(str(fresh_db))
    con.execute("UPDATE students SET name = '后来改的' WHERE id_number = ?", [frame["身份证号"].iloc[0]])
    con.close()
    before = table_digest(fresh_db)
    with store.connect() as c:
        last, reason = ingest.undo_check(c, SCOPE)
    assert last["import_id"] == result.import_id and "已被修改" in reason
    with pytest.raises(ingest.UndoRefused, match="已被修改"):
        ingest.undo_last_import(scope=SCOPE)
    assert table_digest(fresh_db) == before


def test_undo_is_refused_when_a_record_now_points_at_an_imported_row(fresh_db):
    frame = new_students(fresh_db, 2)
    _commit(frame)
    sid = store_rows(
        fresh_db,
        "SELECT student_id, school_code FROM students WHERE id_number = ?",
        [frame["身份证号"].iloc[0]],
    )
    con = duckdb.connect(str(fresh_db))
    con.execute(
        "INSERT INTO aid_records (record_id, student_id, school_code, programme, school_year, term) "
        "VALUES ('A-later', ?, ?, '生活补助', 2026, 1)",
        [sid["student_id"].iloc[0], sid["school_code"].iloc[0]],
    )
    con.close()
    before = table_digest(fresh_db)
    with pytest.raises(ingest.UndoRefused, match="资助台账"):
        ingest.undo_last_import(scope=SCOPE)
    assert table_digest(fresh_db) == before


def test_only_the_last_import_can_be_undone(fresh_db):
    first = _commit(new_students(fresh_db, 2, start=401))
    second = _commit(new_students(fresh_db, 2, start=501))
    with pytest.raises(ingest.UndoRefused, match="不是最近一次"):
        ingest.undo_last_import(scope=SCOPE, import_id=first.import_id)
    assert ingest.undo_last_import(scope=SCOPE, import_id=second.import_id).import_id == second.import_id
    assert ingest.undo_last_import(scope=SCOPE).import_id == first.import_id


def test_other_kinds_commit_and_undo(fresh_db):
    village = store_rows(fresh_db, "SELECT code, township_code FROM villages LIMIT 1")
    pop = pd.DataFrame(
        {"村(社区)代码": village["code"].iloc[0], "年份": "2030", "年龄": ["6", "7"], "人数": ["10", "1.2万"]}
    )
    r = _commit(pop, kind="village_population")
    got = store_rows(fresh_db, "SELECT age, persons FROM village_population WHERE year = 2030 ORDER BY age")
    assert got.values.tolist() == [[6, 10], [7, 12000]] and r.rows_new == 2
    ingest.undo_last_import(scope=SCOPE)
    contacts = pd.DataFrame(
        {
            "角色": ["镇长"],
            "单位代码": [village["township_code"].iloc[0]],
            "姓名": ["新镇长"],
            "手机号码": ["138-0000-0000"],
        }
    )
    r = _commit(contacts, kind="contacts", mode="update")
    got = store_rows(
        fresh_db,
        "SELECT name, phone FROM contacts WHERE role = '镇长' AND place_code = ?",
        [village["township_code"].iloc[0]],
    )
    assert got.values.tolist() == [["新镇长", "13800000000"]] and r.rows_new == 0


def test_mapping_is_remembered_per_layout(fresh_db):
    parsed = ingest.read_upload("名字,代码,年级\n甲,1,3\n".encode(), "a.csv", kind="students")
    ingest.remember_mapping(
        "students", parsed.signature(), {"名字": "name", "代码": "school_code"}, scope=SCOPE
    )
    same_layout = ingest.read_upload("名字,代码,年级\n乙,2,4\n".encode("gbk"), "b.csv", kind="students")
    with store.connect() as con:
        assert ingest.remembered_mapping(con, "students", same_layout.signature()) == {
            "名字": "name",
            "代码": "school_code",
        }
        assert ingest.remembered_mapping(con, "schools", same_layout.signature()) is None


KILLER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from lib import ingest
    from lib.core.scope import Scope
    parsed = ingest.read_upload(open({file!r}, "rb").read(), "学生.csv", kind="students")

    def progress(fraction, text):
        if fraction >= 0.75:  # rows deleted and written, transaction still open
            open({marker!r}, "w").close()
            time.sleep(600)

    ingest.commit(parsed, scope=Scope(user="killed"), mode="replace", progress=progress)
""")


def test_a_kill_during_commit_leaves_every_table_unchanged(fresh_db, tmp_path):
    school, roster, _ = _roster_without(fresh_db, 2)
    frame = pd.concat([roster, new_students(fresh_db, 3, school=school)])
    file, marker = tmp_path / "students.csv", tmp_path / "inside-transaction"
    file.write_bytes(csv_bytes(frame, encoding="gbk"))
    before = table_digest(fresh_db)
    script = KILLER.format(root=str(config.ROOT), file=str(file), marker=str(marker))
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "EDU_DB": str(fresh_db)})
    try:
        deadline = time.monotonic() + 300
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the commit never reached its write step"
    finally:
        proc.kill()
        proc.wait()
    assert table_digest(fresh_db) == before
    assert store_rows(fresh_db, "SELECT count(*) AS n FROM imports")["n"].iloc[0] == 0
