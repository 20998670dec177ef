"""每周填报: which cases a week covers, the summary adding up, the template, masking, files, CLI."""

from __future__ import annotations

import copy
import io
import re
from datetime import date

import duckdb
import openpyxl
import pandas as pd
import pytest

from lib import cli
from lib.core import config, ids, store
from lib.core.scope import Scope
from lib.dropout import weekly as wr

D = date
MON, FRI = D(2026, 11, 16), D(2026, 11, 20)


def _cases():
    rows = [
        # case, township, status, reported, verified, returned, closed
        ("k1", "t1", "劝返中", D(2026, 10, 1), D(2026, 10, 20), None, None),  # open all week
        ("k2", "t1", "已返校", D(2026, 10, 1), None, D(2026, 11, 18), None),  # returned this week
        (
            "k3",
            "t2",
            "已返校",
            D(2026, 9, 1),
            None,
            D(2026, 9, 20),
            None,
        ),  # long closed, touched by an action
        ("k4", "t2", "已返校", D(2026, 9, 1), None, D(2026, 9, 20), None),  # long closed, untouched
        ("k5", "t2", "误报", D(2026, 11, 2), None, None, D(2026, 11, 9)),  # closed last week
        ("k6", "t1", "疑似辍学", D(2026, 11, 19), None, None, None),  # new this week
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "case_id",
            "township_code",
            "status",
            "reported_on",
            "verified_on",
            "returned_on",
            "closed_on",
        ],
    )


EVENTS = pd.DataFrame({"case_id": ["k3", "k4"], "day": [D(2026, 11, 17), D(2026, 11, 13)]})


def test_select_cases_open_or_changed():
    got = wr.select_cases(_cases(), EVENTS, start=MON, end=FRI)
    assert got["case_id"].tolist() == ["k1", "k2", "k3", "k6"]


def test_summary_adds_up():
    cases = wr.select_cases(_cases(), EVENTS, start=MON, end=FRI)
    rows = pd.DataFrame({"case_id": cases["case_id"]})
    towns = pd.DataFrame({"code": ["t1", "t2", "t3"], "name": ["甲镇", "乙乡", "丙街道"]})
    actions = pd.DataFrame(
        {"case_id": ["k3", "k1", "k1"], "acted_on": [D(2026, 11, 17), D(2026, 11, 18), MON]}
    )
    notices = pd.DataFrame({"case_id": ["k1"], "issued_on": [D(2026, 11, 19)]})
    s = wr.summary_by_township(rows, towns, cases, actions, notices, start=MON, end=FRI)
    assert s["乡镇(街道)"].tolist() == ["甲镇", "乙乡", "丙街道", "合计"]
    total, parts = s.iloc[-1], s.iloc[:-1]
    for col in s.columns[1:]:
        assert total[col] == parts[col].sum(), col
    assert total["本周台账(条)"] == len(rows)
    assert s.set_index("乡镇(街道)").loc["甲镇"].tolist() == [3, 1, 0, 1, 0, 2, 2, 1]


def test_template_orders_and_names_columns():
    rows = pd.DataFrame({f: [None] for f in wr.FIELDS})
    out = wr.apply_template(rows, [["status", "当前状态"], ["case_id", "编号"]])
    assert list(out.columns) == ["当前状态", "编号"]
    with pytest.raises(ValueError, match="未知字段"):
        wr.apply_template(rows, [["case_id", "编号"], ["shoe_size", "鞋码"]])


def test_mask_rows_masks_children_and_the_six_chiefs():
    rows = pd.DataFrame(
        {
            "name": ["张小明"],
            "id_number": ["34052419800101001X"],
            "chief_bureau": ["蒋丹 18725899868"],
            "chief_township": [None],
            "chief_school": ["李华"],
            "chief_village": ["13812345678"],
            "chief_parent": ["王芳 13800001111"],
            "chief_teacher": [None],
        }
    )
    m = wr.mask_rows(rows).iloc[0]
    assert m["name"] == "张*明" and m["id_number"] == "340524********001X"
    assert m["chief_bureau"] == "蒋* 187****9868" and m["chief_village"] == "138****5678"
    assert m["chief_parent"] == "王* 138****1111" and m["chief_school"] == "李*"


@pytest.mark.parametrize(("week", "match"), [("2026-W48", "尚未开始"), ("2026-48", "格式")])
def test_week_window_refuses(week, match):
    with pytest.raises(ValueError, match=match):
        wr.week_window(week, FRI)


def test_term_weeks_latest_first():
    assert wr.term_weeks(FRI, D(2026, 11, 4)) == ["2026-W47", "2026-W46", "2026-W45"]


# ------------------------------------------------------------------ on the demo county
def _sql(db, sql, params=()):
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _expected_case_ids(db, mon, end, towns=None):
    """Independent SQL: cases open on Monday or changed in [Monday, end], by home township."""
    t = "TRUE" if towns is None else f"v.township_code IN ({', '.join(repr(x) for x in towns)})"
    window = "BETWEEN ?::DATE AND ?::DATE"
    sql = f"""
    SELECT c.case_id FROM dropout_cases c JOIN villages v ON v.code = c.village_code WHERE {t} AND (
      (c.reported_on <= ?::DATE AND (c.returned_on IS NULL OR c.returned_on > ?::DATE)
        AND NOT (c.status = '误报' AND c.closed_on <= ?::DATE))
      OR c.reported_on {window} OR c.verified_on {window} OR c.returned_on {window} OR c.closed_on {window}
      OR c.case_id IN (SELECT case_id FROM case_actions WHERE acted_on {window})
      OR c.case_id IN (SELECT case_id FROM notices WHERE issued_on {window})
      OR c.case_id IN (SELECT case_id FROM case_status_log WHERE changed_on {window}))"""
    params = [mon, mon, mon] + [mon, end] * 7
    return sorted(r[0] for r in _sql(db, sql, params))


@pytest.mark.parametrize(
    ("week", "end", "kind"),
    [("2026-W47", FRI, None), ("2026-W44", D(2026, 11, 1), None), ("2026-W47", FRI, "乡")],
)
def test_one_row_per_case_open_or_changed(demo_db, week, end, kind):
    towns = None
    if kind:
        towns = (
            _sql(demo_db, "SELECT code FROM townships WHERE kind = ? ORDER BY code LIMIT 1", [kind])[0][0],
        )
    monday, _ = wr.week_window(week, FRI)
    with store.connect(demo_db) as con:
        report = wr.build_weekly_report(con, Scope(townships=towns), week)
    got = report.rows["台账编号"].tolist()
    assert len(got) == len(set(got))
    assert sorted(got) == _expected_case_ids(demo_db, monday, end, towns)
    assert report.end == end
    total = report.summary.iloc[-1]
    assert total["乡镇(街道)"] == "合计" and total["本周台账(条)"] == len(got)
    for col in report.summary.columns[1:]:
        assert total[col] == report.summary.iloc[:-1][col].sum(), col


_ID = re.compile(r"\d{17}[\dX]")


def _cells(xlsx: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_files_are_masked_titled_and_in_template_order(demo_db):
    with store.connect(demo_db) as con:
        report = wr.build_weekly_report(con, Scope(), "2026-W47")
    sheets = _cells(wr.to_xlsx(report))
    assert list(sheets) == list(wr.SHEETS)
    rows = sheets["周报台账"]
    assert rows[0][0] == report.title and "2026年第47周" in report.title and "平桥区" in report.title
    assert rows[1] == [h for _, h in config.SETTINGS["dropout"]["weekly_template"]]
    assert len(rows) - 2 == len(report.rows)
    everything = " ".join(str(v) for sheet in sheets.values() for r in sheet for v in r if v is not None)
    assert not [m for m in _ID.findall(everything) if ids.is_valid_id(m)], "a full ID number leaked"
    csv = wr.to_csv(report)
    assert csv.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str).shape[0] == len(report.rows)


def test_unmask_needs_the_role(demo_db):
    with store.connect(demo_db) as con:
        with pytest.raises(PermissionError):
            wr.build_weekly_report(con, Scope(role="viewer"), "2026-W47", unmask=True)
        full = wr.build_weekly_report(con, Scope(), "2026-W47", unmask=True)
    assert full.rows["身份证号"].map(ids.is_valid_id).any()


def test_template_from_settings(demo_db, monkeypatch):
    s = copy.deepcopy(config.SETTINGS)
    s["dropout"]["weekly_template"] = [["case_id", "编号"], ["status", "状态"], ["risk_group", "风险"]]
    monkeypatch.setattr(config, "SETTINGS", s)
    with store.connect(demo_db) as con:
        report = wr.build_weekly_report(con, Scope(), "2026-W47")
    assert list(report.rows.columns) == ["编号", "状态", "风险"]


def test_submit_week_marks_schools_reported(fresh_db):
    with store.connect(fresh_db) as con:
        before = wr.build_weekly_report(con, Scope(), "2026-W47").missing
    assert len(before), "the copy has schools that have not filed"
    code = before["学校标识码"].iloc[0]
    assert wr.submit_week(Scope(user="校办"), [code, code], "2026-W47", note="零报告") == 1
    with store.connect(fresh_db) as con:
        after = wr.build_weekly_report(con, Scope(), "2026-W47").missing
    assert code not in set(after["学校标识码"])
    assert wr.submit_week(Scope(user="校办"), [code], "2026-W47") == 0  # already recorded
    with pytest.raises(PermissionError):
        wr.submit_week(Scope(role="viewer"), [code], "2026-W47")


def test_a_filing_refreshes_the_weekly_page_and_leaves_every_other_page_warm(fresh_db):
    """The page's loader reads the filing at once; 总览's and every other loader's key stays."""
    from lib import loaders

    scope = Scope(user="校办")
    before = loaders.load_weekly_report(scope, "2026-W47").missing
    code = before["学校标识码"].iloc[0]
    others, page = loaders.data_key(), loaders._key_with_filings()
    assert wr.submit_week(scope, [code], "2026-W47") == 1
    assert loaders.data_key() == others  # 总览, 学生资助 ... keep their computed figures
    assert loaders._key_with_filings() != page
    assert code not in set(loaders.load_weekly_report(scope, "2026-W47").missing["学校标识码"])


# ------------------------------------------------------------------ CLI
def test_cli_writes_the_same_report_the_page_downloads(fresh_db, tmp_path):
    out = tmp_path / "w47.xlsx"
    assert cli.main(["weekly-report", "--week", "2026-W47", "--out", str(out)]) == cli.EXIT_OK
    with store.connect(fresh_db) as con:
        report = wr.build_weekly_report(con, Scope(user="cli"), "2026-W47")
    assert _cells(out.read_bytes()) == _cells(wr.to_xlsx(report))


def test_cli_csv_and_errors(fresh_db, tmp_path, capsys):
    out = tmp_path / "w47.csv"
    assert cli.main(["weekly-report", "--week", "2026-W47", "--out", str(out), "--json"]) == cli.EXIT_OK
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    printed = capsys.readouterr().out
    assert '"week": "2026-W47"' in printed and '"masked": true' in printed
    assert cli.main(["weekly-report", "--week", "2026-W60", "--out", str(out)]) == cli.EXIT_DATA
    assert (
        cli.main(["weekly-report", "--week", "2026-W47", "--out", str(tmp_path / "x.pdf")]) == cli.EXIT_DATA
    )
    assert cli.main(["weekly-report", "--out", str(out), "--as-of", "2026-11-13"]) == cli.EXIT_OK
    assert cli.main(["weekly-report"]) == cli.EXIT_USAGE
