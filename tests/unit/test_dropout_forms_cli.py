"""``dropout-forms``: the release's 两表, 核查反馈 and 升级督办通知 from the CLI, masked, scoped and
audited as the page's downloads are, on the hand-made county of tests/small_county.py (one
case there: the 城关 pupil who dropped out; one added here: a 长竹园乡 pupil suspected)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from lib import cli
from lib.core import store
from lib.dropout import forms as dropout_forms
from tests import small_county as sc
from tests.accounts import ensure_test_account


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> dict:
    path = sc.build(tmp_path_factory.mktemp("forms") / "edu.duckdb")
    with store.transaction(path) as con:
        kid = con.execute(
            "SELECT student_id, id_number, name, village_code, guardian_phone FROM students "
            "WHERE school_code = ? AND grade = 8 ORDER BY 1 LIMIT 1",
            [sc.E],
        ).fetchall()[0]
        case = pd.DataFrame(
            [
                {
                    "case_id": "DC0002",
                    "student_id": kid[0],
                    "id_number": kid[1],
                    "name": kid[2],
                    "village_code": kid[3],
                    "school_code": sc.E,
                    "grade": 8,
                    "status": "疑似辍学",
                    "reason": "上学远",
                    "source": "学校上报",
                    "reported_on": date(2026, 11, 9),
                    "version": 1,
                }
            ]
        )
        con.register("_case", case)
        con.execute("INSERT INTO dropout_cases BY NAME SELECT * FROM _case")
        con.unregister("_case")
        first = con.execute(
            "SELECT id_number, name, guardian_phone FROM students WHERE status = '辍学'"
        ).fetchall()[0]
    return {
        "path": path,
        "ids": [first[0], kid[1]],
        "names": [first[1], kid[2]],
        "phones": [first[2], kid[4]],
    }


@pytest.fixture
def run(county, monkeypatch, capsys):
    monkeypatch.setenv("EDU_DB", str(county["path"]))

    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.main([*argv, "--as-of", sc.AS_OF.isoformat()])
        got = capsys.readouterr()
        return code, got.out, got.err

    return call


def _audit(path, action: str) -> list[dict]:
    with store.connect(path) as con:
        rows = con.execute(
            'SELECT user_name, detail FROM audit_log WHERE action = ? ORDER BY "at", rowid', [action]
        ).fetchall()
    return [{"user": u, **json.loads(d)} for u, d in rows]


def _no_personal_data(text: str, county: dict) -> None:
    for value in (*county["ids"], *county["names"], *county["phones"]):
        assert value not in text
    assert "NaN" not in text and "NaT" not in text


def test_the_register_lists_both_children_masked_as_strict_json(run, county):
    code, out, _ = run("dropout-forms", "--form", "辍学学生登记表", "--json")
    assert code == 0
    doc = json.loads(out)  # strict: json.loads would accept NaN, so it is checked by name below
    assert doc["form"] == "辍学学生登记表" and doc["count"] == 2 and doc["masked"] is True
    assert doc["columns"] == list(dropout_forms.REGISTER_COLUMNS)
    assert sorted(r["学校"] for r in doc["rows"]) == ["城关初级中学", "长竹园初级中学"]
    _no_personal_data(out, county)
    seen = _audit(county["path"], "view_list")[-1]
    assert (seen["list"], seen["rows"], seen["via"], seen["masked"]) == ("辍学学生登记表", 2, "cli", True)


@pytest.mark.parametrize(("town", "school"), [(sc.T1, "城关初级中学"), (sc.T2, "长竹园初级中学")])
def test_a_township_gets_only_its_own_childrens_rows(run, town, school):
    code, out, _ = run("dropout-forms", "--form", "register", "--township", town, "--json")
    assert code == 0
    assert [r["学校"] for r in json.loads(out)["rows"]] == [school]


def test_feedback_export_is_a_masked_audited_csv_in_the_provinces_layout(run, county, tmp_path):
    out_file = tmp_path / "核查反馈.csv"
    code, out, _ = run("dropout-forms", "--form", "核查反馈", "--out", str(out_file), "--json")
    assert code == 0 and json.loads(out)["count"] == 2
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows needs the BOM
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(dropout_forms.FEEDBACK_COLUMNS)
    assert "核查中" in text  # the suspected child's 核查结果
    _no_personal_data(text, county)
    entry = _audit(county["path"], "export")[-1]
    assert (entry["what"], entry["format"], entry["rows"], entry["via"]) == ("核查反馈", "csv", 2, "cli")


def test_the_printable_sheet_is_recorded_as_a_print(run, county, tmp_path):
    out_file = tmp_path / "sheet.html"
    assert run("dropout-forms", "--form", "劝返复学情况表", "--out", str(out_file))[0] == 0
    assert "劝返复学情况表" in out_file.read_text(encoding="utf-8")
    assert _audit(county["path"], "print_form")[-1]["form"] == "劝返复学情况表"


def test_a_role_without_export_may_list_but_not_write_a_file(run, county, tmp_path):
    teacher = ensure_test_account("teacher", schools=(sc.E,), path=county["path"])
    out_file = tmp_path / "x.xlsx"
    code, _, err = run("--user", teacher.name, "dropout-forms", "--form", "核查反馈", "--out", str(out_file))
    assert code == 1 and "无权" in err and not out_file.exists()
    code, out, _ = run("--user", teacher.name, "dropout-forms", "--form", "核查反馈", "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and len(rows) == 1  # the teacher's school (E) has the one case


def test_a_class_teacher_gets_only_their_classes_rows(run, county):
    other = ensure_test_account("teacher", schools=(sc.E,), classes=("7-1",), path=county["path"])
    code, out, _ = run("--user", other.name, "dropout-forms", "--form", "register", "--json")
    assert code == 0 and json.loads(out)["count"] == 0  # the case is in 8-1, not in 7-1


def test_a_wrong_file_type_or_form_is_refused(run, tmp_path):
    code, _, err = run("dropout-forms", "--form", "register", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and ".xlsx" in err
    assert run("dropout-forms", "--form", "不存在的表")[0] == 2
