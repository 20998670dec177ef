"""School-year rollover and retention: dry run = real run, totals conserved,
repeatable; leavers de-identified while every aggregate figure stays the same."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from lib import cli
from lib.core import config, permissions, store
from lib.core.scope import Scope
from lib.ops import retention, rollover
from lib.overview import metrics

ADMIN = Scope(user="管理员甲", role="admin")
AS_OF = date(2026, 11, 20)
SEPT = date(2027, 8, 31)  # the data date of a rollover to 2027


def _q(db: Path, sql: str, params=()) -> pd.DataFrame:
    with store.connect(db) as con:
        return con.execute(sql, list(params)).df()


# ------------------------------------------------------------------ rollover
def test_outcomes_per_level_and_status():
    roll = pd.DataFrame(
        {
            "student_id": list("abcdefg"),
            "level": ["小学", "小学", "九年一贯制", "初中", "教学点", "小学", "初中"],
            "status": ["在校", "在校", "在校", "送教上门", "在校", "休学", "辍学"],
            "grade": [5, 6, 6, 9, 3, 4, 8],
        }
    )
    out = rollover._outcomes(roll, config.DEFAULTS["rollover"]["last_grade"]).set_index("student_id")
    assert out["outcome"].to_dict() == {
        "a": "升级",
        "b": "毕业",
        "c": "升级",
        "d": "毕业",
        "e": "毕业",
        "f": "不升级",
        "g": "不升级",
    }
    assert out["new_grade"].to_dict() == {"a": 6, "b": 6, "c": 7, "d": 9, "e": 3, "f": 4, "g": 8}
    assert out.loc["b", "new_status"] == "毕业" and out.loc["b", "leave_reason"] == "小学毕业"
    assert out.loc["f", "new_status"] == "休学" and out.loc["f", "leave_reason"] is None


def test_rollover_dry_run_and_real_run_agree_conserve_totals_and_repeat_safely(fresh_db: Path):
    before = _q(fresh_db, "SELECT student_id, grade, status FROM students")
    with store.connect(fresh_db) as con:
        dry = rollover.plan_rollover(con, to_year=2027)
    assert _q(fresh_db, "SELECT student_id, grade, status FROM students").equals(
        before
    )  # a dry run writes nothing
    t = dry.totals()
    assert t["on_roll_before"] == t["升级"] + t["毕业"] + t["不升级"] > 0  # every student gets one outcome

    term1 = int(
        _q(fresh_db, "SELECT count(*) AS n FROM enrolments WHERE school_year = 2026 AND term = 1").n[0]
    )
    real = rollover.apply_rollover(ADMIN, to_year=2027, as_of=SEPT, path=fresh_db)
    assert real.totals() == t
    pd.testing.assert_frame_equal(real.students.reset_index(drop=True), dry.students.reset_index(drop=True))

    after = _q(fresh_db, "SELECT student_id, grade, status, leave_reason FROM students").set_index(
        "student_id"
    )
    plan = dry.students.set_index("student_id")
    assert (after.loc[plan.index, "grade"] == plan["new_grade"]).all()
    assert (after.loc[plan.index, "status"] == plan["new_status"]).all()
    graduated = plan.index[plan["outcome"] == "毕业"]
    assert after.loc[graduated, "leave_reason"].notna().all()
    on_roll = after[~after["status"].isin(rollover.LEFT_STATUS)]
    assert len(on_roll) == t["on_roll_after"]
    # the previous year stays readable; the new year has its snapshot of the roll
    snaps = _q(fresh_db, "SELECT school_year, term, count(*) AS n FROM enrolments GROUP BY ALL")
    assert set(snaps.itertuples(index=False, name=None)) >= {(2026, 1, term1)} | {
        (2027, 1, t["on_roll_after"])
    }
    # the new year's calendar is open: a whole year, two terms, school days on weekdays only
    cal = _q(fresh_db, "SELECT day, term, is_school_day FROM school_calendar WHERE school_year = 2027")
    assert len(cal) == 366 and set(cal["term"]) == {1, 2}  # 2027-09-01 .. 2028-08-31 (2028 is a leap year)
    days = pd.to_datetime(cal["day"])
    assert (
        180 <= cal["is_school_day"].sum() <= 200 and not cal.loc[days.dt.weekday >= 5, "is_school_day"].any()
    )
    assert not cal.loc[days.dt.month.isin([7, 8]) & (days.dt.day > 10), "is_school_day"].any()  # summer
    # open cases are carried forward untouched
    assert t["open_cases_carried"] == len(
        _q(fresh_db, "SELECT * FROM dropout_cases WHERE status IN ('疑似辍学', '已核实', '劝返中')")
    )

    snapshot = _q(fresh_db, "SELECT * FROM students ORDER BY student_id")
    again = rollover.apply_rollover(ADMIN, to_year=2027, as_of=SEPT, path=fresh_db)
    assert again.already_done and again.totals()["on_roll_before"] == 0
    pd.testing.assert_frame_equal(_q(fresh_db, "SELECT * FROM students ORDER BY student_id"), snapshot)
    assert len(_q(fresh_db, "SELECT * FROM audit_log WHERE action = 'rollover'")) == 1


def test_rollover_refuses_to_skip_a_year_run_early_or_non_admins(fresh_db: Path):
    with pytest.raises(rollover.RolloverError, match="2027-07-01 之后"):
        rollover.apply_rollover(ADMIN, to_year=2027, as_of=AS_OF, path=fresh_db)
    with pytest.raises(rollover.RolloverError, match="不能跳过"):
        rollover.apply_rollover(ADMIN, to_year=2028, as_of=date(2028, 8, 31), path=fresh_db)
    with pytest.raises(permissions.NotPermitted):
        rollover.apply_rollover(Scope(user="x", role="county"), to_year=2027, as_of=SEPT, path=fresh_db)


def test_cli_rollover(fresh_db: Path, capsys):
    assert cli.main(["rollover", "--to", "2027", "--dry-run", "--json"]) == 0
    assert '"dry_run": true' in capsys.readouterr().out
    assert _q(fresh_db, "SELECT count(*) AS n FROM enrolments WHERE school_year = 2027").n[0] == 0
    assert cli.main(["rollover", "--to", "2027"]) == cli.EXIT_DATA  # the demo's date is November 2026
    assert "之后" in capsys.readouterr().err
    assert cli.main(["rollover", "--to", "2027", "--as-of", "2027-08-31"]) == 0
    assert "学年升级已完成" in capsys.readouterr().out
    assert cli.main(["rollover", "--to", "2027", "--as-of", "2027-08-31"]) == 0
    assert "无需升级" in capsys.readouterr().out
    assert cli.main(["rollover", "--to", "2030", "--as-of", "2030-08-31"]) == cli.EXIT_DATA


# ------------------------------------------------------------------ retention
def _aggregates(db: Path) -> dict[str, pd.DataFrame]:
    """Figures of past years and of now that retention must not change."""
    sqls = {
        "students": "SELECT school_code, grade, sex, village_code, status, poverty_category, count(*) n "
        "FROM students GROUP BY ALL ORDER BY ALL",
        "enrolments": "SELECT school_year, term, school_code, grade, status, count(*) n FROM enrolments "
        "GROUP BY ALL ORDER BY ALL",
        "counts": "SELECT school_year, sum(students) n FROM enrolment_counts GROUP BY ALL ORDER BY ALL",
        "aid": "SELECT school_year, term, programme, sum(paid_amount) paid, count(*) n FROM aid_records "
        "GROUP BY ALL ORDER BY ALL",
        "cases": "SELECT status, reason, village_code, count(*) n FROM dropout_cases GROUP BY ALL ORDER BY ALL",
    }
    out = {k: _q(db, s) for k, s in sqls.items()}
    with store.connect(db) as con:
        for year_as_of in (AS_OF, date(2025, 11, 20)):
            ov = metrics.compute_overview(con, Scope(as_of=year_as_of))
            out[f"overview_{year_as_of.year}"] = ov.townships
    return out


def test_retention_deidentifies_leavers_and_keeps_every_aggregate(fresh_db: Path):
    settings = {**config.SETTINGS, "retention": {**config.SETTINGS["retention"], "leaver_years": 0}}
    before = _aggregates(fresh_db)
    with store.connect(fresh_db) as con:
        report = retention.plan_retention(con, as_of=AS_OF, settings=settings)
    leavers = report.students["student_id"].tolist()
    assert leavers and set(report.students["status"]) <= {"毕业", "转出"}
    assert not report.by_school_year().empty
    stayers = _q(
        fresh_db, "SELECT student_id FROM students WHERE status NOT IN ('毕业', '转出')"
    ).student_id.tolist()
    with store.connect(fresh_db) as con:
        assert retention.personal_left(con, leavers) > 0
        stayers_personal = retention.personal_left(con, stayers)

    done = retention.apply_retention(ADMIN, as_of=AS_OF, path=fresh_db, settings=settings)
    assert done.totals()["students_deidentified"] == len(leavers)
    with store.connect(fresh_db) as con:
        assert retention.personal_left(con, leavers) == 0
        assert retention.personal_left(con, stayers) == stayers_personal  # nobody else is touched
    after = _aggregates(fresh_db)
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    # a second run finds nothing left to do
    with store.connect(fresh_db) as con:
        assert retention.plan_retention(con, as_of=AS_OF, settings=settings).students.empty


def test_the_default_keeps_recent_leavers(fresh_db: Path):
    with store.connect(fresh_db) as con:
        report = retention.plan_retention(con, as_of=AS_OF)  # 3 years: the demo's leavers left in 2026
    assert report.students.empty and report.cutoff == date(2023, 11, 20)


@pytest.mark.parametrize("years", [0, 1, 2.9])
def test_audit_log_minimum_is_three_years(fresh_db: Path, years):
    settings = {**config.SETTINGS, "retention": {**config.SETTINGS["retention"], "audit_years": years}}
    with pytest.raises(retention.RetentionError, match="至少保留 3 年"):
        retention.apply_retention(ADMIN, as_of=AS_OF, path=fresh_db, settings=settings)


def test_old_audit_entries_go_after_the_limit(fresh_db: Path):
    with store.connect(fresh_db) as con:
        con.execute(
            "INSERT INTO audit_log VALUES (TIMESTAMP '2020-01-01 00:00:00', 'old', 'login', '', '{}'), "
            "(TIMESTAMP '2024-01-01 00:00:00', 'kept', 'login', '', '{}')"
        )
    settings = {**config.SETTINGS, "retention": {**config.SETTINGS["retention"], "audit_years": 3}}
    done = retention.apply_retention(
        ADMIN, as_of=AS_OF, path=fresh_db, settings=settings, now=datetime(2026, 11, 29, 12, 0)
    )
    assert done.audit_entries == 1
    users = set(_q(fresh_db, "SELECT user_name FROM audit_log").user_name)
    assert "old" not in users and "kept" in users and "管理员甲" in users


def test_cli_retention(fresh_db: Path, capsys):
    assert cli.main(["retention", "--dry-run", "--json"]) == 0
    assert '"dry_run": true' in capsys.readouterr().out
    assert cli.main(["retention", "--json"]) == 0
    assert '"students_deidentified": 0' in capsys.readouterr().out


def test_old_import_undo_snapshots_go_recent_ones_stay(fresh_db: Path):
    with store.connect(fresh_db) as con:
        for import_id, day in (("IMPOLD", "2022-09-01 10:00:00"), ("IMPNEW", "2026-11-01 10:00:00")):
            con.execute(
                "INSERT INTO imports (import_id, kind, committed_at, status) VALUES (?, 'students', ?, '已导入')",
                [import_id, day],
            )
            con.execute(
                "INSERT INTO import_snapshots VALUES (?, 'students', 'k1', '{\"name\": \"张三\"}')",
                [import_id],
            )
    with store.connect(fresh_db) as con:
        report = retention.plan_retention(con, as_of=AS_OF)  # default: leavers after 3 years
    assert report.snapshot_rows == 1
    retention.apply_retention(ADMIN, as_of=AS_OF, path=fresh_db)
    left = _q(fresh_db, "SELECT import_id FROM import_snapshots WHERE import_id IN ('IMPOLD', 'IMPNEW')")
    assert left["import_id"].tolist() == ["IMPNEW"]
