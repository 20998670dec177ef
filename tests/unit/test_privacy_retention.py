"""Retention on the demo: nothing identifying is left of a de-identified child in any table
that holds personal data (checked with SQL written here, table by table, not with the
module's own list), NULL and never blank, reported per table; every aggregate and past
overview unchanged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import cli
from lib.core import schema, store
from lib.core.scope import Scope
from lib.ops import retention
from lib.overview import metrics
from tests.privacy_store import full_demo, valid_id

ADMIN = Scope(user="管理员甲", role="admin")
LATER = date(2031, 11, 20)  # five years on: the demo's leavers of 2026 are past the 3-year limit


def _q(db: Path, sql: str, params=()) -> pd.DataFrame:
    with store.connect(db) as con:
        return con.execute(sql, list(params)).df()


@pytest.fixture(scope="module")
def demo_store(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full demo, plus rows tied to leavers in the tables the demo leaves empty for them."""
    path = full_demo(demo_db, tmp_path_factory.mktemp("retention") / "edu.duckdb")
    with store.transaction(path) as con:
        leavers = con.execute(
            "SELECT student_id, id_number, name, village_code, birth_date FROM students "
            "WHERE status = '转出' ORDER BY student_id LIMIT 4"
        ).df()
        a, b, c, d = leavers.itertuples(index=False)
        town = con.execute("SELECT township_code FROM villages WHERE code = ?", [a.village_code]).fetchone()[
            0
        ]
        # the stored roster and the 异地就学 list hold them
        for r in (a, b):
            con.execute(
                "INSERT INTO school_age_roster (id_number, name, sex, birth_date, township_code, village_code, "
                "address, guardian_name, guardian_phone, loaded_on, loaded_by) VALUES "
                "(?, ?, '女', ?, ?, ?, '明港镇新集村3组12号', '郝大山', '13911112222', DATE '2026-11-01', 'x')",
                [r.id_number, r.name, r.birth_date, town, r.village_code],
            )
        con.execute(
            "INSERT INTO study_elsewhere VALUES (?, ?, ?, '郑州市金水区第一小学', '郑州市金水区', DATE '2026-10-01')",
            [c.id_number, c.name, c.village_code],
        )
        # their cases' logs, detection decisions, interventions and visits, aid tasks and applications
        case = con.execute(
            "SELECT case_id FROM dropout_cases WHERE student_id IN (SELECT student_id FROM students "
            "WHERE status IN ('毕业', '转出')) LIMIT 1"
        ).fetchone()[0]
        con.execute(
            "INSERT INTO case_status_log VALUES (?, '疑似辍学', '已核实', DATE '2026-10-01', 'x', '家长郝大山确认')",
            [case],
        )
        con.execute(
            "INSERT INTO detection_decisions VALUES (?, DATE '2026-10-01', '排除', '随父母外出，郝大山电话说明', 'x', "
            "DATE '2026-10-02', NULL)",
            [d.student_id],
        )
        con.execute(
            "INSERT INTO interventions VALUES ('GYT1', ?, '一教一帮', '林老师', DATE '2026-03-01', NULL, '已结束', "
            "'与郝小花谈心', 'x', 1)",
            [d.student_id],
        )
        con.execute(
            "INSERT INTO intervention_visits VALUES ('GYT1-1', 'GYT1', DATE '2026-03-08', '林老师', '家访郝大山', 'x')"
        )
        con.execute(
            "INSERT INTO aid_verification_tasks (task_id, kind, category, student_id, id_number, name, detail, "
            "status, result, version) VALUES ('HT1', 'poverty', 'name_mismatch', ?, ?, ?, '名单姓名“郝小花”不一致', "
            "'已核实', '监护人郝大山确认', 1)",
            [d.student_id, d.id_number, d.name],
        )
        con.execute(
            "INSERT INTO aid_applications (application_id, student_id, programme, school_year, term, amount, status, "
            "applied_on, reject_reason, version) VALUES ('AT1', ?, '生活补助', 2025, 2, 500, '已退回', "
            "DATE '2026-03-01', '郝大山的低保证明不全', 1)",
            [d.student_id],
        )
        con.execute(
            "INSERT INTO aid_approval_steps VALUES ('AT1-1', 'AT1', '学校初审', '退回', '郝大山未交证明', '专干', "
            "DATE '2026-03-05')"
        )
        # a recent import whose undo snapshot holds a leaver's row as it was
        con.execute(
            "INSERT INTO imports (import_id, seq, kind, table_name, committed_at, status) VALUES "
            "('IMPT1', 1, 'students', 'students', TIMESTAMP '2031-01-05 10:00:00', '已导入')"
        )
        con.execute(
            "INSERT INTO import_snapshots SELECT 'IMPT1', 'students', student_id, to_json(s)::VARCHAR "
            "FROM students s WHERE student_id = ?",
            [a.student_id],
        )
        # a student who is no leaver, with the same kind of rows, must keep everything
        con.execute(
            "INSERT INTO school_age_roster (id_number, name, township_code, guardian_name, loaded_on) "
            "SELECT id_number, name, ?, '留守监护人', DATE '2026-11-01' FROM students WHERE status = '在校' "
            "ORDER BY student_id LIMIT 1",
            [town],
        )
    return path


#: Per table: SQL that counts the identifying values still held about the children in
#: ``_gone`` (student_id), ``_gone_ids`` (their ID numbers as they were), ``_gone_rec``
#: (recipient_id) — written here, independently of lib.ops.retention.TARGETS.
LEFT_SQL = {
    "students": "SELECT count(id_number) + count(xueji_number) + count(name) + count(birth_date) "
    "+ count(guardian_name) + count(guardian_phone) FROM students WHERE student_id IN (SELECT v FROM _gone)",
    "dropout_cases": "SELECT count(id_number) + count(name) + count(dismiss_reason) FROM dropout_cases "
    "WHERE student_id IN (SELECT v FROM _gone) OR id_number IN (SELECT v FROM _gone_ids)",
    "case_responsibles": "SELECT count(r.name) + count(r.phone) FROM case_responsibles r JOIN dropout_cases c "
    "USING (case_id) WHERE r.role = '家长' AND c.student_id IN (SELECT v FROM _gone)",
    "case_actions": "SELECT count(a.result) FROM case_actions a JOIN dropout_cases c USING (case_id) "
    "WHERE c.student_id IN (SELECT v FROM _gone)",
    "case_status_log": "SELECT count(l.reason) FROM case_status_log l JOIN dropout_cases c USING (case_id) "
    "WHERE c.student_id IN (SELECT v FROM _gone)",
    "detection_decisions": "SELECT count(reason) FROM detection_decisions WHERE student_id IN (SELECT v FROM _gone)",
    "interventions": "SELECT count(note) FROM interventions WHERE student_id IN (SELECT v FROM _gone)",
    "intervention_visits": "SELECT count(v.content) FROM intervention_visits v JOIN interventions i "
    "USING (intervention_id) WHERE i.student_id IN (SELECT v FROM _gone)",
    "aid_verification_tasks": "SELECT count(id_number) + count(name) + count(detail) + count(result) "
    "FROM aid_verification_tasks WHERE student_id IN (SELECT v FROM _gone) OR id_number IN (SELECT v FROM _gone_ids)",
    "aid_applications": "SELECT count(reject_reason) FROM aid_applications "
    "WHERE student_id IN (SELECT v FROM _gone) OR recipient_id IN (SELECT v FROM _gone_rec)",
    "aid_approval_steps": "SELECT count(s.reason) FROM aid_approval_steps s JOIN aid_applications a "
    "USING (application_id) WHERE a.student_id IN (SELECT v FROM _gone) OR a.recipient_id IN (SELECT v FROM _gone_rec)",
    "aid_recipients": "SELECT count(id_number) + count(name) + count(phone) FROM aid_recipients "
    "WHERE recipient_id IN (SELECT v FROM _gone_rec)",
    "aid_campaign_applications": "SELECT count(note) FROM aid_campaign_applications "
    "WHERE recipient_id IN (SELECT v FROM _gone_rec)",
    "school_age_roster": "SELECT count(*) FROM school_age_roster WHERE id_number IN (SELECT v FROM _gone_ids) "
    "OR name IN (SELECT name FROM _gone_names) AND guardian_name = '郝大山'",
    "study_elsewhere": "SELECT count(*) FROM study_elsewhere WHERE id_number IN (SELECT v FROM _gone_ids) "
    "OR name IN (SELECT name FROM _gone_names)",
    "import_snapshots": "SELECT count(*) FROM import_snapshots s, _gone_ids g WHERE contains(s.row_json, g.v)",
}


def _left(
    db: Path, gone: list[str], gone_ids: list[str], gone_rec: list[str], names: list[str]
) -> dict[str, int]:
    with store.connect(db) as con:
        con.execute("SELECT 1").fetchall()  # finish any pending result (DuckDB 2: register needs it)
        con.register("_gone", pd.DataFrame({"v": gone}, dtype=object))
        con.register("_gone_ids", pd.DataFrame({"v": gone_ids}, dtype=object))
        con.register("_gone_rec", pd.DataFrame({"v": gone_rec}, dtype=object))
        con.register("_gone_names", pd.DataFrame({"name": names}, dtype=object))
        return {t: int(con.execute(sql).fetchone()[0]) for t, sql in LEFT_SQL.items()}


def _aggregates(db: Path) -> dict[str, pd.DataFrame]:
    sqls = {
        "students": "SELECT school_code, grade, sex, village_code, status, poverty_category, disability, "
        "left_behind, count(*) n FROM students GROUP BY ALL ORDER BY ALL",
        "enrolments": "SELECT school_year, term, school_code, grade, status, count(*) n FROM enrolments "
        "GROUP BY ALL ORDER BY ALL",
        "aid": "SELECT school_year, term, programme, sum(paid_amount) paid, count(*) n FROM aid_records "
        "GROUP BY ALL ORDER BY ALL",
        "recipients": "SELECT r.stage, r.township_code, r.poverty_category, a.school_year, count(*) n, "
        "sum(a.paid_amount) paid FROM aid_recipients r JOIN aid_recipient_awards a USING (recipient_id) "
        "GROUP BY ALL ORDER BY ALL",
        "applications": "SELECT status, programme, count(*) n FROM aid_applications GROUP BY ALL ORDER BY ALL",
        "cases": "SELECT status, reason, village_code, count(*) n FROM dropout_cases GROUP BY ALL ORDER BY ALL",
        "chiefs": "SELECT role, count(*) n FROM case_responsibles GROUP BY ALL ORDER BY ALL",
        "actions": "SELECT action, count(*) n FROM case_actions GROUP BY ALL ORDER BY ALL",
        "roster": "SELECT township_code, village_code, count(*) n FROM school_age_roster GROUP BY ALL ORDER BY ALL",
    }
    out = {k: _q(db, s) for k, s in sqls.items()}
    with store.connect(db) as con:
        for day in (date(2026, 11, 20), date(2025, 11, 20)):
            out[f"overview_{day}"] = metrics.compute_overview(con, Scope(as_of=day)).townships
    return out


def test_retention_on_the_demo_leaves_nothing_identifying(demo_store: Path):
    gone = _q(
        demo_store,
        "SELECT student_id, id_number, name FROM students WHERE status IN ('毕业', '转出') AND status_date <= ?",
        [date(2028, 11, 20)],
    )
    with store.connect(demo_store) as con:
        plan = retention.plan_retention(con, as_of=LATER)
    gone_rec = plan.recipients["recipient_id"].tolist()
    assert len(plan.students) == len(gone) > 9000 and len(gone_rec) > 100
    args = (gone.student_id.tolist(), gone.id_number.dropna().tolist(), gone_rec, gone.name.dropna().tolist())
    before = _left(demo_store, *args)
    # every table holds something about them before the run (else the check below proves nothing)
    assert all(before.values()), before
    stayer = _q(demo_store, "SELECT * FROM school_age_roster WHERE guardian_name = '留守监护人'")
    aggregates = _aggregates(demo_store)

    done = retention.apply_retention(ADMIN, as_of=LATER, path=demo_store)

    after = _left(demo_store, *args)
    assert after == dict.fromkeys(LEFT_SQL, 0), after
    # NULL, never blanked: no identifying column anywhere holds an empty string
    for t in retention.TARGETS:
        blank = " OR ".join(
            f"\"{c}\" = ''" for c in t.columns if schema.TABLES[t.table].column(c).dtype == "VARCHAR"
        )
        if blank:
            assert _q(demo_store, f'SELECT count(*) n FROM "{t.table}" WHERE {blank}').n[0] == 0, t.table
    # the report per table counted exactly the rows changed
    report = done.by_table().set_index("数据表")["行数"]
    assert report["students"] == len(gone) and report["case_responsibles"] == before["case_responsibles"] // 2
    assert report["aid_recipients"] == len(gone_rec) and report["study_elsewhere"] == 1
    # every table had something, as planted (the demo edits no case of a leaver: no earlier versions)
    assert (report.drop("case_versions", errors="ignore") > 0).all()
    # rows stay (for the counts), only the fields go; nobody else is touched
    pd.testing.assert_frame_equal(
        _q(demo_store, "SELECT * FROM school_age_roster WHERE guardian_name = '留守监护人'"), stayer
    )
    for name, frame in _aggregates(demo_store).items():
        pd.testing.assert_frame_equal(frame, aggregates[name], obj=name)
    # an undo of the later import would bring the row back without the fields
    row = json.loads(
        _q(demo_store, "SELECT row_json FROM import_snapshots WHERE import_id = 'IMPT1'").row_json[0]
    )
    assert (
        row["student_id"] in set(gone.student_id) and row.get("name") is None and row.get("id_number") is None
    )
    # a second run finds nothing left
    with store.connect(demo_store) as con:
        again = retention.plan_retention(con, as_of=LATER)
    assert again.empty and not any(again.tables.values()) and again.snapshot_scrubbed == 0


def test_every_personal_column_is_either_removed_or_kept_for_a_reason():
    removed = {(t.table, c) for t in retention.TARGETS for c in t.columns}
    for table in schema.TABLES.values():
        for col in schema.personal_columns(table.name):
            kept = col in retention.KEPT_PERSONAL or f"{table.name}.{col}" in retention.KEPT_PERSONAL
            assert (table.name, col) in removed or kept, (table.name, col)


def test_the_cli_report_is_per_table_and_strict_json(fresh_db: Path, capsys):
    assert cli.main(["retention", "--dry-run", "--json"]) == cli.EXIT_OK
    doc = json.loads(capsys.readouterr().out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    tables = {r["table"]: r for r in doc["by_table"]}
    assert set(tables) == {t.table for t in retention.TARGETS}
    assert tables["case_responsibles"]["fields"] == "姓名、电话(仅家长)"
    assert {"students_deidentified", "recipients_deidentified", "dropout_cases_rows"} <= set(doc)


def test_recipients_leave_when_their_studies_end_and_aid_stops(fresh_db: Path):
    with store.transaction(fresh_db) as con:
        con.execute("DELETE FROM aid_recipients")
        for rid, stage, entry in (("R1", "普通高中", 2020), ("R2", "大学", 2020), ("R3", "普通高中", 2020)):
            con.execute(
                "INSERT INTO aid_recipients (recipient_id, id_number, name, stage, entry_year, phone) "
                "VALUES (?, ?, '郝小花', ?, ?, '13900001111')",
                [rid, valid_id(date(2005, 1, 1), int(rid[1])), stage, entry],
            )
        # R3 was still paid after the cutoff: kept
        con.execute(
            "INSERT INTO aid_recipient_awards (award_id, recipient_id, paid_date) VALUES ('W1', 'R3', DATE '2024-01-10')"
        )
    with store.connect(fresh_db) as con:
        # cutoff 2023-11-20: 高中 of 2020 ended 2023-07-01 (gone), 大学 of 2020 ends 2024-07-01 (kept)
        plan = retention.plan_retention(con, as_of=date(2026, 11, 20))
    assert plan.recipients["recipient_id"].tolist() == ["R1"]
