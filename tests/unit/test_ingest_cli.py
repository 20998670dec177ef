"""The CLI contract of validate / import / undo-import / imports (docs/cli.md)."""

from __future__ import annotations

import json

import pytest

from lib import cli
from tests.fixtures.ingest.samples import csv_bytes, new_students, store_rows, table_digest


def run(capsys, *argv: str) -> tuple[int, dict | list | None, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    body = json.loads(out.out) if "--json" in argv and out.out.strip() else None
    return code, body, out.err


@pytest.fixture
def files(fresh_db, tmp_path):
    good = new_students(fresh_db, 4)
    bad = good.copy()
    bad.loc[1, "身份证号"] = "4.11503E+17"
    paths = {"good": tmp_path / "good.csv", "bad": tmp_path / "bad.csv", "binary": tmp_path / "x.csv"}
    paths["good"].write_bytes(csv_bytes(good, encoding="gbk", titles=("学生名单",)))
    paths["bad"].write_bytes(csv_bytes(bad, encoding="gbk", titles=("学生名单",)))
    paths["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    return paths


def test_validate_prints_the_report_and_exits_0_only_without_errors(capsys, files):
    code, body, _ = run(capsys, "validate", "students", str(files["good"]), "--json")
    assert code == 0
    assert (
        set(body) == {"rows", "valid_rows", "errors", "warnings"} and body["rows"] == body["valid_rows"] == 4
    )
    code, body, _ = run(capsys, "validate", "students", str(files["bad"]), "--json")
    assert code == 1
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [(4, "身份证号", "id_scientific")]
    assert body["valid_rows"] == 3


def test_validate_refuses_unreadable_files_without_a_traceback(capsys, files, tmp_path):
    code, body, err = run(capsys, "validate", "students", str(files["binary"]), "--json")
    assert code == 1 and body["errors"][0]["code"] == "binary_file" and "Traceback" not in err
    code, _, err = run(capsys, "validate", "students", str(tmp_path / "missing.csv"))
    assert code == 1 and "文件不存在" in err


def test_import_failure_exits_non_zero_and_changes_nothing(capsys, files, fresh_db):
    before = table_digest(fresh_db)
    code, body, err = run(capsys, "import", "students", str(files["bad"]), "--json")
    assert code == 1 and body["imported"] is False and "未导入" in err
    assert table_digest(fresh_db) == before


def test_import_then_undo(capsys, files, fresh_db):
    n = store_rows(fresh_db, "SELECT count(*) AS n FROM students")["n"].iloc[0]
    code, body, _ = run(capsys, "import", "students", str(files["bad"]), "--drop-bad-rows", "--json")
    assert code == 0 and body["imported"] and body["written"] == 3 and body["skipped"] == 1
    assert store_rows(fresh_db, "SELECT count(*) AS n FROM students")["n"].iloc[0] == n + 3
    code, listed, _ = run(capsys, "imports", "--json")
    assert (
        code == 0
        and listed[0]["import_id"] == body["import_id"]
        and listed[0]["user_name"] == "local-operator"
    )
    code, undone, _ = run(capsys, "undo-import", "--json")
    assert code == 0 and undone == {
        "undone": True,
        "import_id": body["import_id"],
        "removed": 3,
        "restored": 0,
    }
    assert store_rows(fresh_db, "SELECT count(*) AS n FROM students")["n"].iloc[0] == n
    code, again, _ = run(capsys, "undo-import", "--json")
    assert code == 1 and again["undone"] is False


def test_replace_and_update_are_exclusive(capsys, files):
    code, _, err = run(capsys, "validate", "students", str(files["good"]), "--replace", "--update")
    assert code == 1 and "只能选一个" in err
