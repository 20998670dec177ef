"""资助覆盖汇总 (lib.aid.summary) on a small hand-made store: the same figures as the pandas
computation and as hand-written SQL, refreshed in the transaction of the write that changes it."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import ingest
from lib.aid import data as aid_data
from lib.aid import rules as aid
from lib.aid import summary
from lib.core import derived, store
from lib.core.scope import Scope
from tests.aid_reports import same_report
from tests.fixtures.ingest.samples import csv_bytes

COUNTY = "411503"
TOWN, STREET = "411503100", "411503001"  # a 镇 (nutrition programme) and a 街道 (not)
S1, S2, S3 = "4141000001", "4141000002", "4141000003"  # S1, S2 in the 镇, S3 in the 街道
DAY = date(2026, 11, 20)  # term 1 of 2026
LS, PROV, NUT = aid.LIVING_SUBSIDY, aid.PROVINCIAL, aid.NUTRITION

# student: school, grade, status, poverty, orphan, disability, boarding
STUDENTS = {
    "T01": (S1, 3, "在校", "脱贫户", False, False, True),  # living + provincial + nutrition
    "T02": (S1, 8, "在校", "低保", False, False, False),  # living + nutrition
    "T03": (S1, 5, "在校", None, True, False, False),  # orphan: living + nutrition
    "T04": (S1, 2, "在校", None, False, False, False),  # nutrition only
    "T05": (S2, 7, "送教上门", "监测对象", False, True, False),  # living + provincial, taught at home
    "T06": (S2, 9, "辍学", "脱贫户", False, False, False),  # not enrolled: owed nothing
    "T07": (S3, 4, "在校", "特困", False, False, True),  # living; 街道: no nutrition
    "T08": (S3, 1, "在校", None, False, False, False),  # owed nothing
}
# record: student, school, programme, year, term, paid, due
RECORD_COLUMNS = [
    "record_id",
    "student_id",
    "school_code",
    "programme",
    "school_year",
    "term",
    "paid_amount",
    "due_date",
]
RECORDS = [
    ("R01", "T01", S1, LS, 2026, 1, 625.0, date(2026, 10, 31)),  # covered
    ("R02", "T01", S1, PROV, 2026, 1, 0.0, date(2026, 12, 15)),  # listed, due later: pending on DAY
    ("R03", "T02", S1, LS, 2026, 1, 0.0, date(2026, 10, 31)),  # listed, overdue: a gap
    ("R04", "T05", S2, LS, 2026, 1, 0.0, date(2026, 12, 15)),  # pending on DAY
    ("R05", "T07", S3, LS, 2026, 1, 312.5, date(2026, 10, 31)),  # covered
    ("R06", "T08", S3, LS, 2026, 1, 312.5, date(2026, 10, 31)),  # paid, not owed: counts nowhere
    ("R07", "T03", S1, LS, 2025, 2, 625.0, date(2026, 4, 30)),  # last year's term
    ("R08", "T04", S1, NUT, 2026, 1, 0.0, None),  # nutrition listed, no due date, unpaid
]


def _build(path: Path) -> Path:
    with store.transaction(path) as con:
        store.set_meta(con, "county_code", COUNTY)
        store.set_meta(con, "as_of", DAY.isoformat())
        store.write_table(
            con,
            "townships",
            pd.DataFrame(
                {
                    "code": [TOWN, STREET],
                    "county_code": COUNTY,
                    "name": ["甲镇", "乙街道"],
                    "kind": ["镇", "街道"],
                }
            ),
        )
        store.write_table(
            con,
            "schools",
            pd.DataFrame(
                {
                    "code": [S1, S2, S3],
                    "name": ["甲镇一小", "甲镇中学", "乙街道小学"],
                    "level": ["小学", "初中", "小学"],
                    "township_code": [TOWN, TOWN, STREET],
                }
            ),
        )
        rows = [
            {
                "student_id": sid,
                "name": f"学生{sid}",
                "school_code": sc,
                "grade": g,
                "status": st,
                "poverty_category": pov,
                "orphan": orphan,
                "disability": dis,
                "boarding": board,
                "unsupported": False,
                "disabled_parent": False,
                "martyr_child": False,
            }
            for sid, (sc, g, st, pov, orphan, dis, board) in STUDENTS.items()
        ]
        store.write_table(con, "students", pd.DataFrame(rows))
        store.write_table(
            con,
            "aid_records",
            pd.DataFrame(
                RECORDS,
                columns=RECORD_COLUMNS,
            ).assign(standard_amount=625.0),
        )
    return path


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "small.duckdb"
    monkeypatch.setenv("EDU_DB", str(path))
    return _build(path)


def _old(con, scope: Scope, by: list[str]) -> pd.DataFrame:
    """The pandas computation the page used (lib.aid.view.compute_report's ``marked``)."""
    students = aid_data.load_students(con, scope)
    schools = store.frame(con, "SELECT code, township_code FROM schools")
    towns = store.frame(con, "SELECT code, name, kind FROM townships")
    owed = aid.eligibility(
        students,
        school_year=int(scope.school_year),
        term=scope.term,
        nutrition_schools=aid.nutrition_schools(schools, towns),
    )
    records = aid_data.load_records(con, scope, school_year=int(scope.school_year))
    current = records[records["term"] == scope.term]
    marked = aid.mark_covered(owed, current, as_of=scope.as_of).merge(
        students[["student_id", "township_code"]], on="student_id", how="left"
    )
    return aid.coverage_by(marked, by)


def _same(old: pd.DataFrame, new: pd.DataFrame, by: list[str]) -> None:
    o, n = (f.sort_values(by, ignore_index=True) for f in (old, new))
    for f in (o, n):
        f[by] = f[by].astype(str)
        f[["eligible", "covered", "pending", "gap"]] = f[["eligible", "covered", "pending", "gap"]].astype(
            "int64"
        )
    pd.testing.assert_frame_equal(o, n, check_dtype=False)


@pytest.mark.parametrize("day", [date(2026, 9, 10), DAY, date(2026, 12, 20), date(2027, 3, 1)])
@pytest.mark.parametrize("towns", [None, (TOWN,), (STREET,)])
@pytest.mark.parametrize("by", [["programme"], ["programme", "township_code"], ["programme", "school_code"]])
def test_the_summary_gives_the_pandas_figures(db: Path, day: date, towns, by) -> None:
    scope = Scope(as_of=day, townships=towns)
    with store.connect() as con:
        _same(_old(con, scope, by), summary.coverage(con, scope, by), by)


def test_the_summary_by_hand(db: Path) -> None:
    with store.connect() as con:
        got = summary.coverage(con, Scope(as_of=DAY), ["programme"]).set_index("programme")
    # living: T01 T02 T03 T05 T07 owed; T01 T07 paid; T05 listed and due 12-15; T02 T03 late or unlisted
    assert got.loc[LS, ["eligible", "covered", "pending", "gap"]].tolist() == [5, 2, 1, 2]
    # provincial: T01 (pending), T05 (never listed)
    assert got.loc[PROV, ["eligible", "covered", "pending", "gap"]].tolist() == [2, 0, 1, 1]
    # nutrition: 在校 in the 镇's schools: T01 T02 T03 T04 (T05 is taught at home; T07 in the 街道)
    assert got.loc[NUT, ["eligible", "covered", "pending", "gap"]].tolist() == [4, 0, 0, 4]
    assert got.loc[LS, "coverage"] == pytest.approx(2 / 5)


def test_the_summary_matches_hand_written_sql(db: Path) -> None:
    """Living-subsidy coverage of the 镇 on DAY written out directly against the base tables."""
    with store.connect() as con:
        eligible, covered = con.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM aid_records a WHERE a.student_id = st.student_id AND a.programme = '生活补助'
                AND a.school_year = 2026 AND a.term = 1 AND a.paid_amount > 0))
            FROM students st JOIN schools sc ON sc.code = st.school_code
            WHERE sc.township_code = ? AND st.status IN ('在校', '送教上门')
              AND (st.poverty_category IS NOT NULL OR st.orphan OR st.disability)
            """,
            [TOWN],
        ).fetchone()
        got = summary.coverage(con, Scope(as_of=DAY, townships=(TOWN,)), ["programme"]).set_index("programme")
    assert (eligible, covered) == (4, 1)
    assert got.loc[LS, ["eligible", "covered"]].tolist() == [eligible, covered]


def test_a_term_without_records_is_counted_on_the_fly(db: Path) -> None:
    scope = Scope(as_of=date(2024, 10, 1))  # no record, not the data date's term
    with store.connect() as con:
        new = summary.coverage(con, scope, ["programme"])
        _same(_old(con, scope, ["programme"]), new, ["programme"])
        kept = con.execute("SELECT count(*) FROM aid_coverage_summary WHERE school_year = 2024").fetchone()[0]
    assert kept == 0 and new.set_index("programme").loc[LS, "eligible"] == 5


def _living(con, town=None) -> list[int]:
    got = summary.coverage(con, Scope(as_of=DAY, townships=town), ["programme"]).set_index("programme")
    return got.loc[LS, ["eligible", "covered"]].tolist()


def _rows(con) -> list[tuple]:
    return con.execute("SELECT * FROM aid_coverage_summary ORDER BY ALL").fetchall()


def _payment_file(student: str, school: str, paid: float) -> bytes:
    frame = pd.DataFrame(
        {
            "记录编号": ["R99"],
            "学生编号": [student],
            "学校标识码": [school],
            "资助项目": [LS],
            "学年": ["2026"],
            "学期": ["1"],
            "标准金额": ["625"],
            "实发金额": [str(paid)],
            "应发日期": ["2026-10-31"],
            "实发日期": ["2026-11-02"],
            "资金来源": ["中央"],
        }
    )
    return csv_bytes(frame)


def test_an_import_refreshes_the_summary_in_its_transaction(db: Path) -> None:
    with store.connect() as con:
        assert _living(con) == [5, 2]
    parsed = ingest.read_upload(_payment_file("T02", S1, 625.0), "资助台账.csv", kind="aid_records")
    ingest.commit(parsed, scope=Scope(as_of=DAY, user="tester"))
    with store.connect() as con:
        assert not derived.stale(con, summary.NAME)  # refreshed by the commit, not by this read
        assert _living(con) == [5, 3]


def test_a_failed_import_leaves_the_summary_as_it_was(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_commit = importlib.import_module(
        "lib.ingest.commit"
    )  # the package's name ``commit`` is the function

    with store.connect() as con:
        summary.ensure_current(con)
        before = _rows(con)
    refreshed: list[int] = []
    real = summary.refresh

    def refresh_then_count(con, tables=summary.SOURCES, *, schools=None):
        real(con, tables, schools=schools)
        refreshed.append(len(_rows(con)))

    monkeypatch.setitem(derived._HOOKS, "aid_records", [(summary.NAME, refresh_then_count)])

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_commit, "_record", fail)  # after the rows and the summary are written
    parsed = ingest.read_upload(_payment_file("T02", S1, 625.0), "资助台账.csv", kind="aid_records")
    with pytest.raises(RuntimeError):
        ingest.commit(parsed, scope=Scope(as_of=DAY, user="tester"))
    assert refreshed  # the summary was recomputed inside the transaction ...
    with store.connect() as con:
        assert _rows(con) == before  # ... and rolled back with it
        assert not derived.stale(con, summary.NAME)
        assert _living(con) == [5, 2]


def test_a_write_of_one_school_refreshes_that_school_only(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with store.connect() as con:
        summary.ensure_current(con)
        s3_before = con.execute(
            "SELECT * FROM aid_coverage_summary WHERE school_code = ? ORDER BY ALL", [S3]
        ).fetchall()
    seen: list = []
    real = summary._select

    def spy(terms, schools):
        seen.append(schools)
        return real(terms, schools)

    monkeypatch.setattr(summary, "_select", spy)
    with store.transaction() as con:  # T02 drops out, as a case edit records it
        con.execute("UPDATE students SET status = '辍学' WHERE student_id = 'T02'")
        assert derived.changed(con, ("students",), schools=[S1]) == [summary.NAME]
    assert seen == [[S1]]
    with store.connect() as con:
        assert _living(con, (TOWN,)) == [3, 1]
        s3_after = con.execute(
            "SELECT * FROM aid_coverage_summary WHERE school_code = ? ORDER BY ALL", [S3]
        ).fetchall()
        _same(
            _old(con, Scope(as_of=DAY), ["programme", "school_code"]),
            summary.coverage(con, Scope(as_of=DAY), ["programme", "school_code"]),
            ["programme", "school_code"],
        )
    assert s3_after == s3_before


def test_a_write_around_the_summary_is_caught_by_its_reader(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.connect() as con:
        assert _living(con) == [5, 2]
    monkeypatch.setattr(derived, "_HOOKS", {})  # a process that never loaded lib.aid.summary
    with store.transaction() as con:
        con.execute("UPDATE aid_records SET paid_amount = 625 WHERE record_id = 'R03'")
        assert derived.changed(con, ("aid_records",)) == []
    with store.connect() as con:
        assert derived.stale(con, summary.NAME) == {"aid_records"}
        assert _living(con) == [5, 3]
        assert not derived.stale(con, summary.NAME)


def test_a_reader_that_cannot_rebuild_counts_on_the_fly(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    def busy(con):
        raise duckdb.TransactionException("Conflict on update")

    monkeypatch.setattr(summary, "ensure_current", busy)  # another session is rebuilding it
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM aid_coverage_summary").fetchone()[0] == 0  # never built
        _same(
            _old(con, Scope(as_of=DAY), ["programme"]),
            summary.coverage(con, Scope(as_of=DAY), ["programme"]),
            ["programme"],
        )


# ------------------------------------------------------------------ the page's report
def _more(path: Path) -> None:
    """Pupils and payments the summary's tests leave out: a pupil of the 镇 paid nutrition and one
    listed for it later (neither in any list), a payment to a pupil who dropped out, one paid
    twice, and applications for two of the gaps."""
    with store.transaction(path) as con:
        base = {"poverty_category": None, "orphan": False, "disability": False, "boarding": False}
        store.write_table(
            con,
            "students",
            pd.DataFrame(
                [
                    {
                        "student_id": "T09",
                        "name": "学生T09",
                        "school_code": S1,
                        "grade": 4,
                        "status": "在校",
                        **base,
                    },
                    {
                        "student_id": "T10",
                        "name": "学生T10",
                        "school_code": S1,
                        "grade": 6,
                        "status": "在校",
                        **base,
                    },
                ]
            ),
        )
        store.write_table(
            con,
            "aid_records",
            pd.DataFrame(
                [
                    ("R09", "T09", S1, NUT, 2026, 1, 400.0, date(2026, 10, 31)),  # paid
                    ("R10", "T10", S1, NUT, 2026, 1, 0.0, date(2026, 12, 15)),  # due after DAY
                    ("R11", "T06", S2, LS, 2026, 1, 625.0, date(2026, 10, 31)),  # T06 dropped out
                    ("R12", "T07", S3, LS, 2026, 1, 312.5, date(2026, 10, 31)),  # T07 paid twice (R05)
                ],
                columns=RECORD_COLUMNS,
            ).assign(standard_amount=625.0),
        )
        store.write_table(
            con,
            "aid_applications",
            pd.DataFrame(
                {
                    "application_id": ["A1", "A2"],
                    "student_id": ["T03", "T05"],
                    "school_code": [S1, S2],
                    "township_code": [TOWN, TOWN],
                    "programme": [LS, PROV],
                    "school_year": [2026, 2026],
                    "term": [1, 1],
                    "status": ["已退回", "学校初审"],
                    "applied_on": [date(2026, 9, 5), date(2026, 9, 6)],
                    "reject_reason": ["材料不全", None],
                    "version": [1, 1],
                }
            ),
        )


@pytest.mark.parametrize("day", [date(2026, 9, 10), DAY, date(2026, 12, 20)])
@pytest.mark.parametrize("towns", [None, (TOWN,), (STREET,)])
def test_the_report_judges_the_few_and_lists_what_judging_everyone_lists(db: Path, day: date, towns) -> None:
    """The page judges one by one only the pupils a list or a count by priority group can name
    (lib.aid.data.load_judged_students); judging every enrolled pupil gives the same report."""
    from lib.aid import view as aid_view

    _more(db)
    scope = Scope(as_of=day, townships=towns)
    with store.connect() as con:
        data = aid_data.load_all(con, scope)
        everyone = aid_data.load_all(con, scope, everyone=True)
    narrow, full = aid_view.compute_report(data), aid_view.compute_report(everyone)
    same_report(narrow, full)
    # the names the wrong payments show: enrolled pupils of the Scope, as before
    named = {*full.paid_not_eligible["student_id"], *full.duplicates["student_id"]}
    old = everyone.students.set_index("student_id")["name"]
    pd.testing.assert_series_equal(
        narrow.names.sort_index(), old[old.index.isin(named)].sort_index(), check_names=False
    )
    if day == DAY and towns is None:  # by hand
        # R10 (T10's nutrition, unpaid, due after DAY; T10 in no priority group) is not read: T10 is
        # owed nutrition alone and not late. R08 (T04's, no due date) is read: T04 is judged.
        assert "R10" not in set(data.records["record_id"]) and "R10" in set(everyone.records["record_id"])
        assert "R08" in set(data.records["record_id"])
        assert sorted(data.students["student_id"]) == ["T01", "T02", "T03", "T04", "T05", "T07"]
        assert sorted(everyone.students["student_id"]) == [
            "T01",
            "T02",
            "T03",
            "T04",
            "T05",
            "T07",
            "T08",
            "T09",
            "T10",
        ]
        wrong = dict(
            zip(narrow.paid_not_eligible["record_id"], narrow.paid_not_eligible["reason"], strict=True)
        )
        assert wrong == {
            "R06": "不属于家庭经济困难学生(无困难类别或标记)",
            "R11": "学籍状态为“辍学”，不应发放",
        }
        assert sorted(narrow.duplicates["record_id"]) == ["R05", "R12"]
        reasons = narrow.gaps.set_index(["student_id", "programme"])["reason"]
        assert reasons[("T03", LS)] == "申请被退回：材料不全"
        assert reasons[("T02", LS)] == "已列入发放名单，逾期20天未发"
        assert reasons[("T05", PROV)] == "申请停在“资助中心核对”环节"
        assert reasons[("T03", NUT)] == "未申请，未纳入资助名单"
        assert ("T10", NUT) not in reasons.index and ("T09", NUT) not in reasons.index


@pytest.mark.parametrize("day", [date(2026, 9, 10), DAY, date(2027, 3, 1), date(2024, 10, 1)])
@pytest.mark.parametrize("towns", [None, (TOWN,), (STREET,)])
def test_the_groupings_from_one_read_equal_their_own_reads(db: Path, day: date, towns) -> None:
    """学生资助 reads the school rows once and sums them up (summary.coverage_sets): each grouping
    equals its own read of the store, on a kept term and on one counted on the fly (2024)."""
    _more(db)
    scope = Scope(as_of=day, townships=towns)
    with store.connect() as con:
        sets = summary.coverage_sets(con, scope)
        for name, by in summary.SETS.items():
            pd.testing.assert_frame_equal(sets[name], summary.coverage(con, scope, by), obj=name)
    if day == DAY and towns is None:  # by hand: the 镇's living subsidy, T01 T02 T03 T05 owed
        town = sets["township"].set_index(["programme", "township_code"])
        assert town.loc[(LS, TOWN), ["eligible", "covered", "pending", "gap"]].tolist() == [4, 1, 1, 2]


@pytest.mark.parametrize("towns", [None, (TOWN,), (STREET,)])
def test_the_payments_tab_names_only_pupils_enrolled_in_the_scope(db: Path, towns) -> None:
    """学生资助's payments tab (read when first opened, lib.aid.tabs): R03 (T02, overdue) names
    its pupil; an overdue record of T06, who dropped out, names nobody; a 街道 Scope sees neither
    (they were paid through the 镇's schools). Its card counts are the tab's."""
    from lib.aid import tabs as aid_tabs
    from lib.aid import view as aid_view

    _more(db)
    with store.transaction(db) as con:
        store.write_table(
            con,
            "aid_records",
            pd.DataFrame(
                [("R13", "T06", S2, LS, 2026, 1, 0.0, date(2026, 10, 31))], columns=RECORD_COLUMNS
            ).assign(standard_amount=625.0),
        )
    scope = Scope(as_of=DAY, townships=towns)
    with store.connect() as con:
        pay = aid_tabs.compute_payments(aid_data.load_payments(con, scope))
        report = aid_view.compute_report(aid_data.load_all(con, scope))
    shown = aid_tabs.problem_list(pay, mask=False)
    overdue = shown[shown["问题"] == "逾期未发"]
    names = overdue.groupby("学生编号")["姓名"].agg(lambda s: set(s.fillna("(无)")))
    if towns == (STREET,):
        assert "T02" not in names.index and "T06" not in names.index
    else:
        # T06's two (R13, and R11: an amount but no date paid) name nobody
        assert names["T02"] == {"学生T02"} and names["T06"] == {"(无)"}
        assert (overdue["学生编号"] == "T06").sum() == 2
        masked = aid_tabs.problem_list(pay)
        assert "学生T02" not in set(masked["姓名"].dropna())
    # the cards count what the tab lists, from the store's count of the terms
    assert report.county["overdue"] == len(overdue)
    assert report.county["overdue_amount"] == pytest.approx(625.0 * len(overdue))
    assert report.county["due"] == int(pay.township_rates["due"].sum())
