"""学生资助 on the demo store: figures against independent SQL, demo rows, 精准识别 end to end, CLI."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from lib.aid import data as aid_data
from lib.aid import reconcile
from lib.aid import social as aid_social
from lib.aid import tabs as aid_tabs
from lib.aid import tasks as aid_tasks
from lib.aid import view as aid_view
from lib.core import store
from lib.core.scope import Scope
from lib.demo import aid as aid_demo
from tests.aid_reports import same_report

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def aid_db(demo_db, tmp_path_factory):
    """A copy of the demo database with the aid demo rows filled (read-only for these tests)."""
    path = tmp_path_factory.mktemp("aid") / "edu.duckdb"
    shutil.copy(demo_db, path)
    assert aid_demo.ensure_aid_demo(path)
    return path


def _sql(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _towns(db, n=2):
    return [r[0] for r in _sql(db, "SELECT code FROM townships WHERE kind IN ('镇', '乡') ORDER BY code")][:n]


def _report(db, scope):
    with store.connect(db) as con:
        return aid_view.compute_report(aid_data.load_all(con, scope))


@pytest.fixture(scope="module")
def county(aid_db):
    """The whole county's report (computed once for the read-only tests)."""
    return _report(aid_db, Scope(as_of=AS_OF))


SCOPES = {"county": None, "township": "first"}


@pytest.mark.parametrize("which", list(SCOPES))
def test_coverage_and_on_time_equal_independent_sql(aid_db, which, request):
    town = _towns(aid_db, 1)[0] if SCOPES[which] else None
    r = _report(aid_db, Scope(as_of=AS_OF, townships=(town,))) if town else request.getfixturevalue("county")
    t_filter = f"AND sc.township_code = '{town}'" if town else ""
    prio = (
        "(st.poverty_category IS NOT NULL OR st.orphan OR st.unsupported OR st.disability "
        "OR st.disabled_parent OR st.martyr_child)"
    )
    eligible, covered = _sql(
        aid_db,
        f"""
        SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM aid_records a WHERE a.student_id = st.student_id
            AND a.programme = '生活补助' AND a.school_year = 2026 AND a.term = 1 AND a.paid_amount > 0))
        FROM students st JOIN schools sc ON sc.code = st.school_code
        WHERE st.status IN ('在校', '送教上门') AND {prio} {t_filter}""",
    )[0]
    due, on_time = _sql(
        aid_db,
        f"""
        SELECT count(*), count(*) FILTER (WHERE a.paid_date IS NOT NULL AND a.paid_date <= a.due_date
            AND a.paid_date <= DATE '2026-11-20' AND a.paid_amount >= a.standard_amount)
        FROM aid_records a JOIN schools sc ON sc.code = a.school_code
        WHERE a.school_year = 2026 AND a.due_date <= DATE '2026-11-20' {t_filter}""",
    )[0]
    assert (r.county["eligible"], r.county["covered"]) == (eligible, covered)
    assert r.county["coverage"] == pytest.approx(covered / eligible)
    assert (r.county["due"], r.county["on_time"]) == (due, on_time)
    assert r.county["on_time_rate"] == pytest.approx(on_time / due)
    prov = _sql(
        aid_db,
        f"""
        SELECT count(*) FROM students st JOIN schools sc ON sc.code = st.school_code
        WHERE st.status IN ('在校', '送教上门') AND st.poverty_category IN ('脱贫户', '监测对象') {t_filter}""",
    )[0][0]
    by_prog = aid_view.programme_table(r)[0].set_index("资助项目")
    assert by_prog.loc["省级资助", "应助"] == prov


def test_page_figures_equal_the_overview(aid_db, county):
    from lib.overview import metrics

    with store.connect(aid_db) as con:
        ov = metrics.compute_overview(con, Scope(as_of=AS_OF))
    r = county
    assert r.county["coverage"] == pytest.approx(ov.county["aid_coverage"])
    assert r.county["on_time_rate"] == pytest.approx(ov.county["aid_on_time"])


def test_defects_are_concentrated_in_the_demo_townships(county):
    from lib.demo import county as demo

    r = county
    towns = aid_view.township_coverage(r, "生活补助").set_index("code")
    bad = towns.loc[list(demo.AID_DEFECT_TOWNSHIPS), "coverage"].mean()
    good = towns.drop(index=list(demo.AID_DEFECT_TOWNSHIPS))["coverage"].mean()
    assert bad < good
    assert len(r.paid_not_eligible) > 0 and len(r.duplicates) > 0
    assert (r.duplicates["copies"] > 1).all()


def test_gap_list_drills_down_and_masks(county):
    r = county
    county = aid_view.gap_students(r, "生活补助")
    assert len(county) == r.county["gap"]
    living = r.gaps[r.gaps["programme"] == "生活补助"]
    town = county.merge(living[["student_id", "township_code"]], left_on="学生编号", right_on="student_id")
    code = town["township_code"].mode()[0]
    assert len(aid_view.gap_students(r, "生活补助", township=code)) == (town["township_code"] == code).sum()
    assert county["姓名"].str.contains(r"\*").all()
    assert not county["资助依据"].str.contains("脱贫户|低保|残疾").any()  # categories are personal data


def test_aid_demo_is_deterministic_idempotent_and_demo_only(demo_db, aid_db, tmp_path):
    again = tmp_path / "again.duckdb"
    shutil.copy(demo_db, again)
    assert aid_demo.ensure_aid_demo(again)
    assert not aid_demo.ensure_aid_demo(again)  # once only
    for table in (
        "aid_applications",
        "aid_approval_steps",
        "aid_funds",
        "aid_recipients",
        "aid_recipient_awards",
        "aid_donations",
        "aid_donation_grants",
        "aid_campaign_applications",
    ):
        fingerprint = f"SELECT count(*), sum(hash(t)) FROM {table} t"  # every row, every column
        a, b = _sql(aid_db, fingerprint), _sql(again, fingerprint)
        assert a[0][0] > 0, table
        assert a == b, table
    real = tmp_path / "real.duckdb"
    shutil.copy(demo_db, real)
    with store.connect(real) as con:
        store.set_meta(con, "demo", "false")
    assert not aid_demo.ensure_aid_demo(real)
    assert _sql(real, "SELECT count(*) FROM aid_applications")[0][0] == 0


def test_approval_steps_are_in_order_with_who_and_when(aid_db):
    steps = pd.DataFrame(
        _sql(
            aid_db,
            "SELECT application_id, step_id, acted_on, actor FROM aid_approval_steps "
            "ORDER BY application_id, step_id",
        ),
        columns=["app", "step", "on", "actor"],
    )
    assert steps["actor"].notna().all()
    assert (steps.groupby("app")["on"].apply(lambda s: s.is_monotonic_increasing)).all()
    assert (pd.to_datetime(steps["on"]) <= pd.Timestamp(AS_OF)).all()
    rejected = _sql(
        aid_db, "SELECT count(*) FROM aid_applications WHERE status = '已退回' AND reject_reason IS NULL"
    )
    assert rejected[0][0] == 0


def test_social_aid_ledger_and_campaign(aid_db, county):
    with store.connect(aid_db) as con:
        r = aid_tabs.compute_social(aid_data.load_social(con, county.scope))
    assert (r.donations["balance"] >= 0).all()
    assert r.campaign_year == 2026
    s = aid_social.campaign_summary(r.campaign)
    assert s["applied"] == len(r.campaign) > 0
    assert s["amount"] == pytest.approx(r.campaign.loc[r.campaign["status"] == "已资助", "amount"].sum())
    assert (r.campaign.loc[r.campaign["status"] != "已资助", "amount"] == 0).all()
    assert aid_tabs.campaign_list(r, county.towns)["身份证号"].str.contains(r"\*").all()


# ------------------------------------------------------------------ 精准识别 on the demo
@pytest.fixture(scope="module")
def planted(aid_db):
    with store.connect(aid_db) as con:
        truth = aid_demo.sample_registry(con, kind="poverty", as_of=AS_OF, with_truth=True)
        students = reconcile.load_students(con, Scope(as_of=AS_OF))
        places = reconcile.load_places(con, Scope(as_of=AS_OF))
    return truth, students, places


def _files(truth: pd.DataFrame) -> dict[str, tuple[bytes, str]]:
    df = truth.drop(columns="_expected")
    text = df.to_csv(index=False)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        df.to_excel(w, index=False, startrow=3)
        w.sheets["Sheet1"]["A1"] = "平桥区脱贫户家庭成员名单"
        w.sheets["Sheet1"]["A2"] = "填报单位：区乡村振兴局  日期：2026年11月"
    return {
        "utf8": (text.encode("utf-8"), "list.csv"),
        "gbk": (text.encode("gbk"), "list.csv"),
        "xlsx": (buf.getvalue(), "list.xlsx"),
    }


@pytest.mark.parametrize("variant", ["utf8", "gbk", "xlsx"])
def test_planted_registry_rows_land_in_their_categories(planted, variant):
    truth, students, places = planted
    data, name = _files(truth)[variant]
    frame = reconcile.read_registry(data, name, kind="poverty")
    res = reconcile.reconcile(frame, students, places, Scope(as_of=AS_OF), kind="poverty")
    got = res.rows.sort_values("row")["category"].tolist()
    assert got == truth["_expected"].tolist()
    assert sorted(res.not_in_registry["student_id"]) == truth.attrs["not_in_registry"]
    assert res.counts["not_enrolled"] == 2 and res.counts["out_of_scope"] == 5


def test_tasks_from_a_reconciliation_once_and_closed(aid_db, tmp_path, planted):
    db = tmp_path / "tasks.duckdb"
    shutil.copy(aid_db, db)
    truth, students, places = planted
    scope = Scope(as_of=AS_OF, user="test")
    frame = reconcile.read_registry(*_files(truth)["utf8"], kind="poverty")
    res = reconcile.reconcile(frame, students, places, scope, kind="poverty")
    tasks = aid_tasks.tasks_from_result(res, scope, source_file="list.csv")
    expected = (
        res.counts["not_in_registry"]
        + res.counts["name_mismatch"]
        + int(res.rows["detail"].str.contains("未标记").sum())
    )
    assert len(tasks) == expected
    assert aid_tasks.record_tasks(scope, tasks, path=db) == expected
    assert aid_tasks.record_tasks(scope, tasks, path=db) == 0  # not twice
    with store.connect(db) as con:
        todo = aid_tasks.todo_items(con, scope)
        open_ = aid_tasks.open_tasks(con, scope)
    assert len(todo) == expected and todo["page"].eq("aid_reconcile").all()
    assert todo["title"].str.contains(r"\*").all()
    first = open_.iloc[0]
    with pytest.raises(aid_tasks.TaskError, match="核实结果"):
        aid_tasks.close_task(scope, first.task_id, result="  ", expected_version=1, path=db)
    aid_tasks.close_task(scope, first.task_id, result="入户核实：确为脱贫户", expected_version=1, path=db)
    with pytest.raises(aid_tasks.TaskError, match="他人"):
        aid_tasks.close_task(scope, first.task_id, result="again", expected_version=1, path=db)
    row = _sql(
        db,
        "SELECT status, closed_by, closed_on FROM aid_verification_tasks WHERE task_id = ?",
        [first.task_id],
    )
    assert row[0] == ("已核实", "test", AS_OF)
    audit = _sql(db, "SELECT action FROM audit_log WHERE user_name = 'test' ORDER BY \"at\"")
    assert [a[0] for a in audit] == ["aid_tasks_created", "aid_task_closed"]


def test_cli_reconcile_json(aid_db, tmp_path, planted, monkeypatch, capsys):
    from lib import cli

    truth = planted[0]
    f = tmp_path / "名单.csv"
    f.write_bytes(_files(truth)["gbk"][0])
    monkeypatch.setenv("EDU_DB", str(aid_db))
    assert cli.main(["reconcile", str(f), "--json", "--as-of", "2026-11-20"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"counts", "rows"}
    assert set(out["counts"]) == set(reconcile.CATEGORIES) == set(out["rows"])
    expected = truth["_expected"].value_counts()
    for cat in ("matched", "invalid_id", "duplicate", "out_of_scope", "not_enrolled", "name_mismatch"):
        assert out["counts"][cat] == expected.get(cat, 0) == len(out["rows"][cat]), cat
    shown = [r["id_number"] for rows in out["rows"].values() for r in rows if r["id_number"]]
    assert all("*" in v for v in shown if v[:1].isdigit() and len(v) == 18)
    assert cli.main(["reconcile", str(tmp_path / "missing.csv")]) == 1
    assert cli.main(["reconcile", str(f), "--kind", "nonsense"]) == 2


def test_gap_list_of_a_non_compulsory_programme_lists_recipients(county):
    gaps = aid_view.gap_students(county, "助学金")
    cov = aid_view.programme_table(county)[0].set_index("资助项目")
    assert len(gaps) == cov.loc["助学金", "应助未助"] > 0
    assert gaps["学生编号"].str.startswith("R").all()
    assert set(gaps["年级"]) <= {"普通高中", "中职", "大学"}
    town = county.recipient_gaps.loc[county.recipient_gaps["programme"] == "助学金", "township_code"].iloc[0]
    assert 0 < len(aid_view.gap_students(county, "助学金", township=town)) < len(gaps)


@pytest.mark.parametrize("day", [AS_OF, date(2027, 1, 10)])
def test_judging_the_few_gives_the_report_of_judging_everyone(aid_db, day):
    """On the demo's 81k pupils: the page judges one by one the priority groups and the pupils
    its nutrition lists can name; judging every enrolled pupil gives the same report."""
    scope = Scope(as_of=day)
    with store.connect(aid_db) as con:
        data = aid_data.load_all(con, scope)
        everyone = aid_data.load_all(con, scope, everyone=True)
    assert len(data.students) < len(everyone.students) / 3  # the point of it
    assert len(data.records) < len(everyone.records) * 0.6  # the unjudged pupils' unpaid nutrition
    same_report(aid_view.compute_report(data), aid_view.compute_report(everyone))


def test_the_payment_cards_agree_with_the_payments_tab(aid_db, county):
    """The cards count this school year's terms in the store (lib.aid.data.load_terms); the
    payments tab (lib.aid.tabs, read when first opened) classifies the same records in pandas."""
    with store.connect(aid_db) as con:
        pay = aid_tabs.compute_payments(aid_data.load_payments(con, county.scope))
    c = county.county
    problems = aid_tabs.problem_list(pay, limit=10**6)
    overdue = problems[problems["问题"] == "逾期未发"]
    assert c["overdue"] == len(overdue) > 0
    assert c["overdue_amount"] == pytest.approx(overdue["标准(元)"].sum())
    towns = pay.township_rates
    assert (c["due"], c["on_time"]) == (int(towns["due"].sum()), int(towns["on_time"].sum()))
    assert c["on_time_rate"] == pytest.approx(towns["on_time"].sum() / towns["due"].sum())
