"""A class teacher (师长) sees the pupils of their own classes only, written as the attack: the
teacher of 8-2 asks for a pupil and a case of 8-1 by ID (library, CLI) and gets nothing, with
no name in the answer.  The county is the hand-made one of tests/small_county.py, with two of
城关初级中学's four 八年级 pupils moved to class 2 and a case opened for one of them."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.access import auth
from lib.core import config, permissions, store
from lib.core.scope import Scope
from lib.dropout import data as dropout_data
from lib.risk import listing as risk_list
from tests import small_county as sc
from tests.accounts import ensure_test_account


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> dict:
    """The small county, 8-2 of school C holding two pupils, each class with a case and an
    intervention, and absences that put both classes' pupils on the risk list."""
    path = sc.build(tmp_path_factory.mktemp("classes") / "edu.duckdb")
    with store.transaction(path) as con:
        grade8 = [
            r[0]
            for r in con.execute(
                "SELECT student_id FROM students WHERE school_code = ? AND grade = 8 AND status = '在校' "
                "ORDER BY student_id",
                [sc.C],
            ).fetchall()
        ]
        mine = grade8[:2]  # 8-2; the rest of grade 8 (the dropped-out pupil included) stay in 8-1
        con.execute("UPDATE students SET class_no = 2 WHERE student_id IN (?, ?)", mine)
        other = con.execute(
            "SELECT student_id, id_number, name, village_code FROM students "
            "WHERE school_code = ? AND grade = 8 AND class_no = 1 AND status = '在校' ORDER BY 1 LIMIT 1",
            [sc.C],
        ).fetchall()[0]
        row = con.execute(
            "SELECT student_id, id_number, name, village_code FROM students WHERE student_id = ?", [mine[0]]
        ).fetchall()[0]
        cases = pd.DataFrame(
            [
                {
                    "case_id": "DC0002",
                    "student_id": row[0],
                    "id_number": row[1],
                    "name": row[2],
                    "village_code": row[3],
                    "school_code": sc.C,
                    "grade": 8,
                    "status": "疑似辍学",
                    "reason": "其他",
                    "source": "学校上报",
                    "reported_on": date(2026, 11, 2),
                    "version": 1,
                }
            ]
        )
        con.register("_new_cases", cases)
        con.execute("INSERT INTO dropout_cases BY NAME SELECT * FROM _new_cases")
        con.unregister("_new_cases")
        for iid, sid in (("IV-A", other[0]), ("IV-B", mine[1])):
            con.execute(
                "INSERT INTO interventions (intervention_id, student_id, kind, teacher, started_on, status, "
                "version) VALUES (?, ?, '家访', '王老师', DATE '2026-11-03', '进行中', 1)",
                [iid, sid],
            )
        # five unexcused school days for one pupil of each class: both are on the county's list
        days = [
            r[0]
            for r in con.execute(
                "SELECT day FROM school_calendar WHERE is_school_day AND day <= ? ORDER BY day DESC LIMIT 5",
                [sc.AS_OF],
            ).fetchall()
        ]
        for sid in (other[0], mine[1]):
            for d in days:
                con.execute("INSERT INTO absences (student_id, day, excused) VALUES (?, ?, FALSE)", [sid, d])
    dropped = con_fetch(path, "SELECT student_id FROM students WHERE status = '辍学'")[0][0]
    return {"path": path, "mine": set(mine), "other": other, "dropped": dropped}


def con_fetch(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with store.connect(path) as con:
        return con.execute(sql, params or []).fetchall()


def teacher(classes: tuple[str, ...] | None = ("8-2",)) -> Scope:
    return Scope(
        county=sc.COUNTY, schools=(sc.C,), classes=classes, role="teacher", user="t-82", as_of=sc.AS_OF
    )


def test_student_where_keeps_the_class_and_never_the_village_branch(county):
    with store.connect(county["path"]) as con:
        for scope, want in (
            (teacher(), county["mine"]),
            (teacher(()), set()),  # no class at all: nothing, not everything
            (teacher().narrow(classes=("8-1",)), set()),  # a URL cannot widen to another class
        ):
            w, p = scope.student_where("st")
            got = {r[0] for r in con.execute(f"SELECT student_id FROM students st WHERE {w}", p).fetchall()}
            assert got == want
        # the whole school (no classes) still sees grade 8's four pupils and more
        w, p = teacher(None).student_where("st")
        assert con.execute(f"SELECT count(*) FROM students st WHERE {w}", p).fetchone()[0] == 12


def test_scope_key_and_description_carry_the_classes():
    assert teacher().cache_key() != teacher(None).cache_key()  # caches never share the two
    assert "班级=8-2" in teacher().describe()
    assert not teacher().is_whole_county


def test_a_class_teacher_sees_only_their_pupils_cases(county):
    with store.connect(county["path"]) as con:
        mine = dropout_data.cases(con, teacher())
        school = dropout_data.cases(con, teacher(None))
        assert mine["case_id"].tolist() == ["DC0002"]
        assert set(school["case_id"]) == {"DC0001", "DC0002"}
        # the attack: the 8-1 case asked for by its ID
        assert dropout_data.one_case(con, teacher(), "DC0001") is None
        assert dropout_data.cases(con, teacher(), case_ids=["DC0001"]).empty


def test_a_class_teacher_sees_only_their_pupils_interventions(county):
    with store.connect(county["path"]) as con:
        assert dropout_data.interventions(con, teacher())["intervention_id"].tolist() == ["IV-B"]
        assert set(dropout_data.interventions(con, teacher(None))["intervention_id"]) == {"IV-A", "IV-B"}


def test_a_class_teachers_risk_list_profile_and_search(county):
    settings = config.SETTINGS
    other_id, other_name = county["other"][0], county["other"][2]
    with store.connect(county["path"]) as con:
        mine = risk_list.load_list(con, teacher(), settings)
        school = risk_list.load_list(con, teacher(None), settings)
        assert other_id in set(school["student_id"])  # the 8-1 pupil is on the school's list ...
        assert set(mine["student_id"]) and set(mine["student_id"]) <= county["mine"]  # ... not on 8-2's
        # the attack: another class's pupil by ID, and by name
        assert risk_list.profile(con, teacher(), other_id) is None
        assert risk_list.search(con, teacher(), other_name).empty
        assert risk_list.profile(con, teacher(), sorted(county["mine"])[0]) is not None


def test_cli_as_a_class_teacher_lists_only_their_pupils(county, capsys, monkeypatch):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(county["path"]))
    account = ensure_test_account("teacher", schools=(sc.C,), classes=("8-2",), path=county["path"])
    assert account.classes == ("8-2",)
    assert auth.scope_for(account).classes == ("8-2",)
    assert (
        cli.main(["--user", account.name, "risk", "--top", "100000", "--json", "--as-of", "2026-11-16"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["student_id"] for r in rows} <= county["mine"]
    assert county["other"][2] not in json.dumps(rows, ensure_ascii=False)
    # the same command as the school's account lists the 8-1 pupil too
    head = ensure_test_account("school", schools=(sc.C,), path=county["path"])
    assert cli.main(["--user", head.name, "risk", "--top", "100000", "--json", "--as-of", "2026-11-16"]) == 0
    assert county["other"][0] in {r["student_id"] for r in json.loads(capsys.readouterr().out)}


@pytest.mark.parametrize(
    ("roles", "school", "classes", "message"),
    [
        (("teacher",), None, "8-2", "须同时指定学校"),
        (("school",), sc.C, "8-2", "只有师长"),
        (("teacher",), sc.C, "八年级2班", "年级-班"),
    ],
)
def test_classes_are_checked_when_an_account_is_made(county, roles, school, classes, message):
    admin = Scope(county=sc.COUNTY, user="admin", role="admin")
    with pytest.raises(auth.AuthError, match=message):
        auth.create_user(
            admin,
            "t-bad",
            roles=roles,
            password="Kq7-unusual-pass",
            school=school,
            classes=classes,
            path=county["path"],
        )


def test_the_teacher_role_still_has_no_unmasking_and_no_export():
    assert not permissions.can("teacher", "unmask") and not permissions.can("teacher", "export_named")


def test_a_class_teacher_cannot_write_on_another_classs_pupil_or_case(county):
    from lib.dropout import cases as dropout_cases
    from lib.dropout import rosters

    other_id, other_name = county["other"][0], county["other"][2]
    scope = teacher()
    with pytest.raises(dropout_cases.CaseError) as err:
        dropout_cases.log_action(
            scope, "DC0001", expected_version=1, action="家访", result="未见到", path=county["path"]
        )
    assert "DC0001" in str(err.value) and other_name not in str(err.value)
    with pytest.raises(rosters.SupportRosterError) as err:
        rosters.assign_intervention(scope, other_id, kind="家访", teacher="王老师", path=county["path"])
    assert other_name not in str(err.value)
    with pytest.raises(rosters.SupportRosterError):  # IV-A is the 8-1 pupil's
        rosters.log_visit(scope, "IV-A", content="入户", path=county["path"])
    # on their own pupil the same write goes through
    assert rosters.log_visit(scope, "IV-B", content="入户", path=county["path"])
    n = con_fetch(county["path"], "SELECT count(*) FROM interventions WHERE student_id = ?", [other_id])
    assert n == [(1,)]  # nothing was added for the other class's pupil


@pytest.mark.parametrize(
    "argv", [["transition"], ["roster-check", "{file}"], ["reconcile", "{file}"]], ids=lambda a: a[0]
)
def test_commands_read_by_school_refuse_a_class_teacher(county, argv, capsys, monkeypatch, tmp_path):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(county["path"]))
    listed = tmp_path / "名单.csv"
    listed.write_text("身份证号,姓名\n", encoding="utf-8")
    account = ensure_test_account("teacher", schools=(sc.C,), classes=("8-2",), path=county["path"])
    args = [a.replace("{file}", str(listed)) for a in argv]
    assert cli.main(["--user", account.name, *args, "--json"]) == 1
    err = capsys.readouterr().err
    assert "师长" in err and county["other"][2] not in err


def test_user_add_and_update_name_a_teachers_classes(county, capsys, monkeypatch):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(county["path"]))
    monkeypatch.setattr("sys.stdin", io.StringIO("Kq7-unusual-pass\n"))
    add = ["user", "add", "t-class", "--role", "teacher", "--school", sc.C, "--classes", "8-2, 8-1", "--json"]
    assert cli.main(add) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["8-1", "8-2"]
    assert cli.main(["user", "update", "t-class", "--classes", "8-2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"] == ["8-2"]
    changed = con_fetch(
        county["path"],
        "SELECT detail FROM audit_log WHERE action = 'account_updated' ORDER BY \"at\" DESC LIMIT 1",
    )
    assert json.loads(changed[0][0])["changes"]["classes"] == {"old": ["8-1", "8-2"], "new": ["8-2"]}
    assert cli.main(["user", "update", "t-class", "--classes", "", "--json"]) == 0  # the whole school again
    assert json.loads(capsys.readouterr().out)["classes"] is None
    assert auth.scope_for(auth.get_account("t-class", path=county["path"])).classes is None
