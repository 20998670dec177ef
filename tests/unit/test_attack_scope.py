"""Attacks on the Scope, replayed: a township user asking about another township's children.

精准识别 with another township's ID numbers (names, status, school shown once unmasked;
student number and school in the CLI even masked), 学籍核查 with those IDs "living" in
the user's village (where they study), open-case refusals naming other units' cases and
students, and ``imports --user`` listing the county's history: each now says only
"不在您的范围内" or names nothing outside the Scope."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from lib import cli
from lib.aid import reconcile
from lib.core import store
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.roster import register as roster
from tests.accounts import ensure_test_account
from tests.fixtures.ingest.samples import valid_id

MINE = "411503101"  # the attacker's township (明港镇)
AS_OF = pd.Timestamp("2026-11-20").date()
TOWNSHIP = Scope(townships=(MINE,), user="town-user", role="township", as_of=AS_OF, mask=False)
COUNTY = Scope(user="county-user", role="county", as_of=AS_OF)


@pytest.fixture
def others(fresh_db: Path) -> pd.DataFrame:
    """Children of other townships: school and home village both outside 明港镇."""
    with store.connect(fresh_db) as con:
        return con.execute(
            """
            SELECT st.student_id, st.id_number, st.name, st.status, st.school_code, sc.name AS school_name
            FROM students st JOIN schools sc ON sc.code = st.school_code
            JOIN villages v ON v.code = st.village_code
            WHERE sc.township_code <> ? AND v.township_code <> ? AND st.status IN ('在校', '辍学', '休学')
              AND st.birth_date > DATE '2011-09-01' AND st.birth_date <= DATE '2020-08-31'
            ORDER BY st.status DESC, st.student_id LIMIT 8
            """,
            [MINE, MINE],
        ).df()


def _my_village(db: Path) -> tuple[str, str, str]:
    with store.connect(db) as con:
        return con.execute(
            "SELECT v.code, v.name, t.name FROM villages v JOIN townships t ON t.code = v.township_code "
            "WHERE v.township_code = ? ORDER BY v.code LIMIT 1",
            [MINE],
        ).fetchone()


def _leaks(text: str, others: pd.DataFrame) -> list[str]:
    found = []
    for r in others.itertuples(index=False):
        for value in (r.student_id, r.name, r.school_code, r.school_name):
            if value and str(value) in text:
                found.append(str(value))
    return found


def test_a_township_reconciling_another_townships_ids_learns_nothing(fresh_db, others, tmp_path, capsys):
    _, village, town = _my_village(fresh_db)
    listed = pd.DataFrame(
        {"身份证号": others["id_number"], "姓名": others["name"], "乡镇": town, "村(社区)": village}
    )
    data = listed.to_csv(index=False).encode("utf-8")
    frame = reconcile.read_registry(data, "名单.csv")
    with store.connect(fresh_db) as con:
        students = reconcile.load_students(con, TOWNSHIP)
        places = reconcile.load_places(con, TOWNSHIP)
    result = reconcile.reconcile(frame, students, places, TOWNSHIP)
    assert set(result.rows["category"]) == {"out_of_scope"}
    assert set(result.rows["detail"]) == {reconcile.OUTSIDE_SCOPE}
    student_cols = ["student_id", "student_name", "status", "school_code", "school_name", "township_name"]
    assert result.rows[student_cols].isna().all().all()
    shown = reconcile.display_frame(result.rows, mask=False)  # even after the user unmasked
    assert _leaks(shown.to_csv(), others) == [] or set(_leaks(shown.to_csv(), others)) <= set(others["name"])
    assert not (shown["学籍姓名"].astype(str).str.len() > 0).any()
    out = reconcile.to_json(result)
    listed_rows = {c: rows for c, rows in out["rows"].items() if c != "not_in_registry"}
    assert _leaks(json.dumps(listed_rows, ensure_ascii=False, default=str), others) == []
    # the township's own students missing from the list may study anywhere: only the listed
    # children's own numbers must not appear there
    nir = json.dumps(out["rows"]["not_in_registry"], ensure_ascii=False)
    assert not [sid for sid in others["student_id"] if sid in nir]
    # the CLI, as that township's account
    account = ensure_test_account("township", townships=(MINE,), path=fresh_db)
    file = tmp_path / "名单.csv"
    file.write_bytes(data)
    assert cli.main(["--user", account.name, "reconcile", str(file), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    printed_rows = {c: rows for c, rows in printed["rows"].items() if c != "not_in_registry"}
    assert _leaks(json.dumps(printed_rows, ensure_ascii=False, default=str), others) == []
    # the county sees them as they are
    with store.connect(fresh_db) as con:
        county = reconcile.reconcile(
            frame, reconcile.load_students(con, COUNTY), reconcile.load_places(con, COUNTY), COUNTY
        )
    assert county.rows["student_id"].notna().all()


def test_a_roster_placing_other_townships_children_in_my_village_shows_nothing_of_them(fresh_db, others):
    _, village, town = _my_village(fresh_db)
    births = [str(i)[6:14] for i in others["id_number"]]
    listed = pd.DataFrame(
        {
            "身份证号": others["id_number"],
            "姓名": others["name"],
            "出生日期": [f"{b[:4]}-{b[4:6]}-{b[6:]}" for b in births],
            "乡镇": town,
            "村(社区)": village,
        }
    )
    with store.connect(fresh_db) as con:
        frame, _, problems = roster.read_file(
            listed.to_csv(index=False).encode("utf-8"), "花名册.csv", con, TOWNSHIP
        )
    assert len(frame) == len(others) and problems == []
    with store.connect(fresh_db) as con:
        checked = roster.classify(con, TOWNSHIP, frame)
    assert set(checked["category"]) == {"out_of_scope"}
    assert checked[["student_id", "school_code", "school_name", "grade"]].isna().all().all()
    with store.connect(fresh_db) as con:  # the county's view of the same file knows where they study
        assert set(roster.classify(con, COUNTY, frame)["category"]) <= {"enrolled", "unaccounted", "placed"}


def test_open_case_refusals_name_no_other_units_case_or_student(fresh_db, others):
    code, _, _ = _my_village(fresh_db)
    child = others.iloc[0]
    with pytest.raises(dropout_cases.CaseError) as refused:
        dropout_cases.open_case_for_child(
            TOWNSHIP,
            id_number=child["id_number"],
            name="某某",
            village_code=code,
            reason="其他",
            source="手工",
        )
    said = str(refused.value)
    assert child["student_id"] not in said and child["school_name"] not in said
    assert "范围以外" in said or "其他单位" in said
    # another township opened a case for a child who lives in a village of theirs
    with store.connect(fresh_db) as con:
        theirs = con.execute(
            "SELECT v.code FROM villages v WHERE v.township_code <> ? ORDER BY v.code LIMIT 1", [MINE]
        ).fetchone()[0]
    stranger = valid_id(birth="20150301", seq=737)  # a child with no student record
    case = dropout_cases.open_case_for_child(
        COUNTY, id_number=stranger, name="王小明", village_code=theirs, reason="其他", source="手工"
    )
    with pytest.raises(dropout_cases.CaseError) as second:
        dropout_cases.open_case_for_child(
            TOWNSHIP, id_number=stranger, name="王小明", village_code=code, reason="其他", source="手工"
        )
    assert case not in str(second.value) and "其他单位" in str(second.value)
    with pytest.raises(dropout_cases.CaseError) as own:  # the county, whose case it is, is told its number
        dropout_cases.open_case_for_child(
            COUNTY, id_number=stranger, name="王小明", village_code=theirs, reason="其他", source="手工"
        )
    assert case in str(own.value)


def test_imports_and_undo_name_nothing_of_the_countys_history(fresh_db, capsys):
    with store.connect(fresh_db) as con:
        con.execute(
            "INSERT INTO imports (import_id, seq, kind, mode, filename, user_name, committed_at, status) "
            "VALUES ('IMP-COUNTY-0001', 9999, 'students', 'replace', '全县学生名册.xlsx', 'county-clerk', "
            "now(), 'committed')"
        )
    account = ensure_test_account("township", townships=(MINE,), path=fresh_db)
    assert cli.main(["--user", account.name, "imports", "--json"]) == 0
    listed = capsys.readouterr().out
    assert "IMP-COUNTY-0001" not in listed and "county-clerk" not in listed and "全县学生名册" not in listed
    assert cli.main(["--user", account.name, "undo-import"]) == cli.EXIT_DATA
    said = capsys.readouterr()
    assert "IMP-COUNTY-0001" not in said.err + said.out and "county-clerk" not in said.err + said.out
    assert cli.main(["imports", "--json"]) == 0  # the local operator (whole county) sees it
    assert "IMP-COUNTY-0001" in capsys.readouterr().out


def test_a_school_account_is_scoped_like_a_township_one(fresh_db, others):
    with store.connect(fresh_db) as con:
        school = con.execute("SELECT min(code) FROM schools WHERE township_code = ?", [MINE]).fetchone()[0]
    scope = replace(TOWNSHIP, townships=None, schools=(school,), role="school")
    listed = pd.DataFrame({"身份证号": others["id_number"], "姓名": others["name"]})
    frame = reconcile.read_registry(listed.to_csv(index=False).encode("utf-8"), "名单.csv")
    with store.connect(fresh_db) as con:
        result = reconcile.reconcile(
            frame, reconcile.load_students(con, scope), reconcile.load_places(con, scope), scope
        )
    assert result.rows["student_id"].isna().all()
