"""学籍核查: the planted-faults roster finds each fault in its list and nothing else; the
figures equal independent SQL on the store for the same Scope; one step to a case."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

from lib import cli
from lib.core import permissions, store
from lib.core.scope import Scope
from lib.demo import roster as roster_demo
from lib.dropout import cases as dropout_cases
from lib.overview import todo
from lib.roster import actions as roster_actions
from lib.roster import checks as rc
from lib.roster import register as roster
from lib.roster import view as roster_view

AS_OF = date(2026, 11, 20)
SCOPE = Scope(as_of=AS_OF, user="测试员", role="county", mask=True)


@pytest.fixture(scope="module")
def planted_db(demo_db, tmp_path_factory):
    """A copy of the demo store with the faults planted and the demo roster stored."""
    path = tmp_path_factory.mktemp("roster") / "edu.duckdb"
    shutil.copy(demo_db, path)
    faults = roster_demo.plant_faults(path, scope=SCOPE)
    frame, planted = roster_demo.demo_roster(path, scope=SCOPE)
    data = frame.to_csv(index=False).encode("utf-8-sig")
    with store.connect(path) as con:
        resolved, report, problems = roster.read_file(data, "花名册.csv", con, SCOPE)
    assert not report.errors and not problems
    roster.save(resolved, SCOPE, path=path)
    return path, faults, planted, data


@pytest.fixture
def db(planted_db, tmp_path, monkeypatch):
    """A private copy for a test that writes (EDU_DB points at it)."""
    path = tmp_path / "edu.duckdb"
    shutil.copy(planted_db[0], path)
    monkeypatch.setenv("EDU_DB", str(path))
    return path


def _ids(frame: pd.DataFrame, category: str) -> set[str]:
    return set(frame.loc[frame["category"] == category, "id_number"])


def test_each_planted_fault_is_found_in_its_list_and_nothing_else(planted_db):
    path, faults, planted, _ = planted_db
    with store.connect(path) as con:
        classified = roster.classify(con, SCOPE)
        double = rc.double_enrolment(con, SCOPE)
        overdue = rc.overdue_transfers(con, SCOPE)
        away = rc.elsewhere(con, SCOPE)
        problems = rc.problems(con, SCOPE)
        double_ids = set(
            con.execute(
                f"SELECT id_number FROM students WHERE student_id IN ({', '.join('?' * len(faults['double']))})",
                faults["double"],
            ).df()["id_number"]
        )
    assert _ids(classified, "unaccounted") == set(planted["never_enrolled"])
    assert _ids(classified, "exempt") == set(planted["exempt"])
    assert _ids(classified, "elsewhere") == set(planted["elsewhere"])
    assert set(planted["placed"]) <= _ids(classified, "placed")
    assert len(double_ids) == 2 and set(double["id_number"]) == double_ids
    assert len(double) == 4  # both records of each child
    assert double_ids <= _ids(classified, "enrolled")  # a child enrolled twice is counted once
    assert classified["id_number"].is_unique
    assert overdue["transfer_id"].tolist() == faults["unconfirmed"]
    assert away.loc[away["to_check"], "id_number"].tolist() == [
        i for i in planted["elsewhere"] if i in set(away.loc[away["to_check"], "id_number"])
    ]
    assert away["to_check"].sum() == 1  # the one confirmed last year, not the one confirmed this term
    for kind in ("bad_id", "over_age", "duplicate"):
        assert set(problems.loc[problems["problem"] == kind, "student_id"]) == set(faults[kind]), kind
    residence = problems[problems["problem"] == "residence"]
    assert set(residence["id_number"]) == set(planted["residence"])
    assert problems["action"].notna().all()


def _independent_counts(path, townships: tuple[str, ...] | None) -> dict[str, int]:
    """The lists counted with plain SQL written apart from lib.roster.register: ages 6-16 on
    1 September 2026, 15 and 16 only with a pupil record; 休学 pupils a list of their own."""
    town = "TRUE" if townships is None else f"r.township_code IN ({', '.join(repr(t) for t in townships)})"
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(f"""
            WITH r AS (SELECT * FROM school_age_roster r
                       WHERE r.birth_date > DATE '2009-09-01' AND r.birth_date <= DATE '2020-09-01' AND {town}),
            s AS (SELECT id_number,
                         max(CASE WHEN status IN ('在校', '送教上门') THEN 1 ELSE 0 END) AS enr,
                         max(CASE WHEN status = '休学' THEN 1 ELSE 0 END) AS sus,
                         max(CASE WHEN status = '送教上门' OR (status = '在校' AND placement IN ('特教学校', '送教上门'))
                             THEN 1 ELSE 0 END) AS plc,
                         max(CASE WHEN status = '毕业' THEN 1 ELSE 0 END) AS grad
                  FROM students GROUP BY id_number)
            SELECT CASE WHEN s.plc = 1 THEN 'placed' WHEN s.enr = 1 THEN 'enrolled'
                        WHEN s.sus = 1 THEN 'suspended'
                        WHEN r.placement IS NOT NULL THEN 'placed'
                        WHEN r.id_number IN (SELECT id_number FROM study_elsewhere) THEN 'elsewhere'
                        WHEN r.id_number IN (SELECT st.id_number FROM transfers t JOIN students st USING (student_id)
                             WHERE t.direction = '转出' AND t.to_school IS NULL AND t.confirmed_on IS NOT NULL)
                             THEN 'elsewhere'
                        WHEN r.exemption_reason IS NOT NULL THEN 'exempt' ELSE 'unaccounted' END AS cat, count(*)
            FROM r LEFT JOIN s USING (id_number)
            WHERE NOT (coalesce(s.grad, 0) = 1 AND coalesce(s.enr, 0) = 0)
              AND (r.birth_date > DATE '2011-09-01' OR s.id_number IS NOT NULL)
            GROUP BY 1""").fetchall()
    finally:
        con.close()
    got = dict.fromkeys(roster.CATEGORIES, 0)
    got.update({k: int(v) for k, v in rows})
    return got


@pytest.mark.parametrize("townships", [None, ("411503101",), ("411503410", "411503001")])
def test_figures_equal_independent_sql_for_the_same_scope(planted_db, townships):
    path = planted_db[0]
    scope = replace(SCOPE, townships=townships)
    with store.connect(path) as con:
        classified = roster.classify(con, scope)
    assert roster.counts(classified) == _independent_counts(path, townships)
    table = roster_view.by_township(classified).set_index("乡镇")
    assert table.at["合计", "合计"] == len(classified)
    if townships is not None:
        assert set(classified["township_code"]) <= set(townships)


def test_the_file_checked_without_storing_gives_the_stored_figures(planted_db):
    path, _, _, data = planted_db
    with store.connect(path) as con:
        frame, _, _ = roster.read_file(data, "花名册.csv", con, SCOPE)
        assert roster.counts(roster.classify(con, SCOPE, frame)) == roster.counts(roster.classify(con, SCOPE))


def test_a_school_filter_keeps_only_that_schools_children(planted_db):
    path = planted_db[0]
    con = duckdb.connect(str(path), read_only=True)
    school = con.execute(
        "SELECT school_code FROM students WHERE status = '在校' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    con.close()
    with store.connect(path) as con:
        got = roster.classify(con, replace(SCOPE, schools=(school,)))
    assert len(got) and set(got["category"]) <= {"enrolled", "placed"}
    assert set(got["school_code"]) == {school}


def test_places_are_resolved_by_name_or_code_and_unknown_or_foreign_ones_are_named(planted_db):
    path = planted_db[0]
    good = pd.DataFrame(
        {
            "_row": [2, 3, 4, 5],
            "id_number": ["a", "b", "c", "d"],
            "name": ["甲", "乙", "丙", "丁"],
            "township": ["明港镇", None, "不存在镇", "羊山街道"],
            "village": [None, "411503101200", None, None],
        }
    )
    with store.connect(path) as con:
        frame, problems = roster.resolve_places(good, con, replace(SCOPE, townships=("411503101",)))
    assert frame["township_code"].tolist() == ["411503101", "411503101"]
    assert frame["village_code"].tolist() == [None, "411503101200"]
    assert len(problems) == 2 and "第4行" in problems[0] and "第5行" in problems[1]


def test_an_unaccounted_child_becomes_a_case_in_one_step(db, planted_db):
    planted = planted_db[2]
    child = planted["never_enrolled"][0]
    case_id = roster.open_case(SCOPE, child, reason="外出打工", path=db)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "SELECT id_number, source, status, reason FROM dropout_cases WHERE case_id = ?", [case_id]
    ).fetchone()
    con.close()
    assert row == (child, "花名册核查", "疑似辍学", "外出打工")
    with pytest.raises(dropout_cases.CaseError, match="未结案件"):
        roster.open_case(SCOPE, child, path=db)
    with pytest.raises(dropout_cases.CaseError, match="免缓学"):
        roster.open_case(SCOPE, planted["exempt"][0], path=db)


def test_opening_a_case_obeys_scope_and_role(db, planted_db):
    child = planted_db[2]["never_enrolled"][1]
    with store.connect(db) as con:
        town = roster.classify(con, SCOPE).set_index("id_number").at[child, "township_code"]
    other = "411503001" if town != "411503001" else "411503002"
    with pytest.raises(dropout_cases.CaseError, match="权限范围"):
        roster.open_case(replace(SCOPE, townships=(other,), role="township"), child, path=db)
    with pytest.raises(permissions.NotPermitted):
        roster.open_case(replace(SCOPE, role="leader"), child, path=db)
    with pytest.raises(permissions.NotPermitted):
        with store.connect(db) as con:
            roster.classify(con, replace(SCOPE, role="planner"))


def test_saving_needs_the_import_right_and_replaces_only_the_townships_in_the_file(db, planted_db):
    with store.connect(db) as con:
        before = con.execute("SELECT count(*) FROM school_age_roster").fetchone()[0]
        frame = roster.classify(con, SCOPE)
    one = frame[frame["township_code"] == "411503101"].head(5).reindex(columns=list(roster.ROSTER_COLUMNS))
    with pytest.raises(permissions.NotPermitted):
        roster.save(one, replace(SCOPE, role="leader"), path=db)
    got = roster.save(one, SCOPE, path=db)
    with store.connect(db) as con:
        n_town = con.execute(
            "SELECT count(*) FROM school_age_roster WHERE township_code = '411503101'"
        ).fetchone()[0]
        after = con.execute("SELECT count(*) FROM school_age_roster").fetchone()[0]
    assert n_town == 5 and got["rows"] == 5
    assert after == before - got["removed"] + 5


def test_the_cli_prints_counts_and_masked_rows(db, planted_db, tmp_path, capsys):
    _, _, planted, data = planted_db
    file = tmp_path / "花名册.csv"
    file.write_bytes(data)
    code = cli.main(["roster-check", str(file), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    body = json.loads(out)
    assert set(body) == {"counts", "rows"}
    assert set(body["counts"]) == set(body["rows"]) == set(roster.CATEGORIES)
    assert body["counts"]["unaccounted"] == len(body["rows"]["unaccounted"]) == len(planted["never_enrolled"])
    assert all(r["id_number"][6:14] == "********" for r in body["rows"]["unaccounted"])
    for full in planted["never_enrolled"]:
        assert full not in out


def test_my_todo_lists_the_roster_checks(db):
    with store.connect(db) as con:
        items = roster_actions.todo_items(con, SCOPE)
        every = todo.todo_items(
            con,
            SCOPE,
            pd.DataFrame(
                columns=["student_id", "run_start", "days", "name", "grade", "school_name", "colour"]
            ),
        )
    kinds = set(items["kind"])
    assert {"去向不明", "转学未确认", "重复在籍", "异地就学核查", "问题学籍"} <= kinds
    assert set(items["page"]) == {"roster_check"}
    assert items["title"].str.contains("：").all()
    assert kinds <= set(every["kind"])
    assert todo.counts(every)["转学未确认"] == 1


def test_an_open_case_is_shown_and_leaves_my_todo(db, planted_db):
    child = planted_db[2]["never_enrolled"][2]
    case_id = roster.open_case(SCOPE, child, path=db)
    with store.connect(db) as con:
        classified = roster.classify(con, SCOPE).set_index("id_number")
        items = roster_actions.todo_items(con, SCOPE)
    assert classified.at[child, "category"] == "unaccounted"  # still to find, now followed by a case
    assert classified.at[child, "open_case"] == case_id
    shown = roster_view.display(classified.reset_index(), mask=True)
    assert (shown["说明"] == f"已建立控辍保学台账 {case_id}").sum() == 1
    assert f"RC-{child}" not in set(items["task_id"])
    assert (items["kind"] == "去向不明").sum() == len(planted_db[2]["never_enrolled"]) - 1


def test_confirming_a_transfer_takes_it_off_the_overdue_list(db, planted_db):
    tid = planted_db[1]["unconfirmed"][0]
    with pytest.raises(permissions.NotPermitted):
        roster_actions.confirm_transfer(replace(SCOPE, role="leader"), tid, on=AS_OF, path=db)
    with pytest.raises(ValueError, match="晚于"):
        roster_actions.confirm_transfer(SCOPE, tid, on=date(2026, 12, 1), path=db)
    roster_actions.confirm_transfer(SCOPE, tid, on=AS_OF, path=db)
    with pytest.raises(ValueError, match="已于"):
        roster_actions.confirm_transfer(SCOPE, tid, on=AS_OF, path=db)
    with store.connect(db) as con:
        assert rc.overdue_transfers(con, SCOPE).empty
        assert rc.transfers(con, SCOPE).set_index("transfer_id").at[tid, "state"] == "已确认"


def test_a_check_of_a_child_studying_elsewhere_is_recorded(db, planted_db):
    with store.connect(db) as con:
        due = rc.elsewhere(con, SCOPE)
    child = due.loc[due["to_check"], "id_number"].iloc[0]
    town = due.set_index("id_number").at[child, "village_code"][:9]
    other = "411503001" if town != "411503001" else "411503002"
    with pytest.raises(ValueError, match="权限范围"):
        roster_actions.confirm_elsewhere(replace(SCOPE, townships=(other,)), child, on=AS_OF, path=db)
    roster_actions.confirm_elsewhere(SCOPE, child, on=AS_OF, school_name="郑州市第二小学", path=db)
    with store.connect(db) as con:
        after = rc.elsewhere(con, SCOPE).set_index("id_number")
    assert not after["to_check"].any()
    assert after.at[child, "school_name"] == "郑州市第二小学"


def test_a_township_user_cannot_store_another_townships_roster(db):
    with store.connect(db) as con:
        frame = roster.classify(con, SCOPE)
    other = frame[frame["township_code"] == "411503001"].head(3).reindex(columns=list(roster.ROSTER_COLUMNS))
    with pytest.raises(permissions.NotPermitted):
        roster.save(other, replace(SCOPE, role="township", townships=("411503101",)), path=db)


def test_a_primary_leaver_enrolled_nowhere_is_unaccounted_a_junior_graduate_is_not(db):
    with store.connect(db) as con:
        enrolled = roster.classify(con, SCOPE)
        kids = enrolled[enrolled["category"] == "enrolled"].head(2)
        (young, old) = kids["id_number"].tolist()
        # one finished primary school (grade 6) and was never enrolled at a junior school;
        # the other finished grade 9: compulsory education is complete
        con.execute("UPDATE students SET status = '毕业', grade = 6 WHERE id_number = ?", [young])
        con.execute("UPDATE students SET status = '毕业', grade = 9 WHERE id_number = ?", [old])
        after = roster.classify(con, SCOPE)
    assert young in _ids(after, "unaccounted")
    assert old not in set(after["id_number"])


def test_rows_json_masks_and_groups_rows_by_category():
    from lib.roster import view as roster_view

    classified = pd.DataFrame(
        {
            "category": ["unaccounted", "enrolled", "unaccounted"],
            "id_number": ["411503201401010011", "411503201402020022", "41150320150303003X"],
            "name": ["王小明", "李四", "赵六"],
            "township_name": ["甲镇", "乙乡", "甲镇"],
            "village_name": ["一村", None, "二村"],
            "age": [12.0, 11.0, 11.0],
            "school_name": [None, "乙乡中心小学", float("nan")],
        }
    )
    rows = roster_view.rows_json(classified)
    assert [len(rows[c]) for c in ("unaccounted", "enrolled", "placed")] == [2, 1, 0]
    first, second = rows["unaccounted"]
    assert first == {
        "id_number": "411503********0011",
        "name": "王*明",
        "township": "甲镇",
        "village": "一村",
        "age": 12,
        "school": None,
    }
    assert second["id_number"].endswith("003X") and second["name"] == "赵*" and second["school"] is None
    assert rows["enrolled"][0]["school"] == "乙乡中心小学" and pd.isna(rows["enrolled"][0]["village"])
