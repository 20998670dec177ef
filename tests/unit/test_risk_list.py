"""重点关注学生 list, settings overrides, search and CLI against the demo store."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from lib import cli
from lib.core import config, ids, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.risk import listing as risk_list
from lib.risk import score as risk


def _scored(**over):
    base = {
        "student_id": ["A", "B", "C"],
        "code": ["t1", "t2", "t1"],
        "school_code": ["s1", "s2", "s1"],
        "grade": [3, 8, 5],
        "band": ["高", "中", "高"],
        "score": [70.0, 40.0, 90.0],
        "factors": [["学困"], ["路远"], ["因贫", "缺勤"]],
        "open_case": [False, True, False],
        "aid_gap": [True, False, False],
        "interventions": [None, None, "一教一帮"],
        "name": ["张三丰", "李四", "王五六"],
        "id_number": ["411503200001010011"] * 3,
        "sex": ["男"] * 3,
        "grade_label": ["三年级", "八年级", "五年级"],
        "school_name": ["x"] * 3,
        "township_name": ["y"] * 3,
        "reasons": [["学习困难"], ["路远"], ["低保", "缺勤"]],
    }
    base.update(over)
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (risk_list.Filters(bands=()), ["C", "A", "B"]),
        (risk_list.Filters(), ["C", "A"]),
        (risk_list.Filters(bands=(), townships=("t2",)), ["B"]),
        (risk_list.Filters(bands=(), grades=(3,)), ["A"]),
        (risk_list.Filters(bands=(), factors=("缺勤",)), ["C"]),
        (risk_list.Filters(bands=(), open_case=True), ["B"]),
        (risk_list.Filters(bands=(), aid_gap=True), ["A"]),
        (risk_list.Filters(bands=(), budget=2), ["C", "A"]),
        (risk_list.Filters(bands=(), schools=("s2",)), ["B"]),
    ],
)
def test_filter_list(filters, expected):
    assert list(risk_list.filter_list(_scored(), filters)["student_id"]) == expected


def test_display_frame_masks_and_has_reason_chip():
    shown = risk_list.display_frame(_scored())
    assert list(shown["姓名"]) == ["张*丰", "李*", "王*六"]
    assert set(shown["身份证号"]) == {ids.mask_id("411503200001010011")}
    assert all(shown["主要原因"])
    assert list(shown["帮扶/台账"]) == ["未安排", "有在办台账", "一教一帮"]
    assert list(risk_list.band_colours(shown)["风险等级"]) == ["red", "amber", "red"]


def test_factor_names_only_contributing():
    df = pd.DataFrame(
        [
            {
                "student_id": "S",
                "grade": 5,
                "boarding": False,
                "learning_difficulty": True,
                "score_trend": 0.0,
                "disability": False,
                "disabled_parent": False,
                "poverty_category": None,
                "left_behind": False,
                "orphan": False,
                "unsupported": False,
                "prisoner_child": False,
                "home_km": 0.5,
                "unexcused_recent": 0,
            }
        ]
    )
    assert risk_list.factor_names(risk.score_students(df)) == [["学困"]]


def test_aid_gap_and_a_current_run_raise_the_score():
    row = {
        "student_id": "S",
        "grade": 5,
        "boarding": False,
        "learning_difficulty": False,
        "score_trend": 0.0,
        "disability": False,
        "disabled_parent": False,
        "poverty_category": "脱贫户",
        "left_behind": False,
        "orphan": False,
        "unsupported": False,
        "prisoner_child": False,
        "home_km": 0.5,
        "unexcused_recent": 2,
        "aid_gap": False,
    }
    base = risk.score_students(pd.DataFrame([row]))
    gap = risk.score_students(pd.DataFrame([{**row, "aid_gap": True}]))
    run = risk.score_students(pd.DataFrame([{**row, "current_run": 2, "longest_run": 2}]))
    ended = risk.score_students(pd.DataFrame([{**row, "current_run": 0, "longest_run": 2}]))
    assert gap.poverty[0] > base.poverty[0] and any("未发放" in r for r in gap.reasons[0])
    assert run.absence_run[0] > ended.absence_run[0] > base.absence_run[0] == 0


# ------------------------------------------------------------------ settings overrides
def test_apply_overrides_is_dotted_and_skips_unknown():
    out = settings_store.apply_overrides(config.DEFAULTS, {"risk.weights.care": 99, "no.such": 1})
    assert out["risk"]["weights"]["care"] == 99 and config.DEFAULTS["risk"]["weights"]["care"] != 99


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"risk.weights.nope": 1}, "未知"),
        ({"risk.weights.care": "x"}, "数字"),
        ({"risk.weights.care": -1}, "负数"),
        ({"risk.band_medium": 90}, "中档线"),
        ({"risk.model": "forest"}, "模型"),
        ({"risk.weights": 3}, "一组"),
    ],
)
def test_bad_overrides_are_refused_and_nothing_written(fresh_db, changes, match):
    with pytest.raises(settings_store.SettingsError, match=match):
        settings_store.save_overrides(Scope(user="admin1", role="admin"), changes)
    with store.connect() as con:
        assert settings_store.load_overrides(con) == {}


def test_viewer_may_not_change_settings(fresh_db):
    with pytest.raises(settings_store.SettingsError, match="不能修改系统设置"):
        settings_store.save_overrides(Scope(role="viewer"), {"risk.weights.care": 1})


def test_stored_weight_changes_scores_and_is_audited(fresh_db):
    scope = Scope(user="admin1", role="admin+county")  # admin alone sees no children
    with store.connect() as con:
        before = risk_list.load_list(con, scope, settings_store.effective_settings(con))
    settings_store.save_overrides(scope, {"risk.weights.absence_recent": 90})
    with store.connect() as con:
        eff = settings_store.effective_settings(con)
        after = risk_list.load_list(con, scope, eff)
        who = con.execute(
            "SELECT changed_by, changed_at FROM settings WHERE key = 'risk.weights.absence_recent'"
        ).fetchall()
        audited = con.execute("SELECT count(*) FROM audit_log WHERE action = 'settings_changed'").fetchone()[
            0
        ]
    assert eff["risk"]["weights"]["absence_recent"] == 90
    merged = before.merge(after, on="student_id")
    assert (merged.score_x != merged.score_y).any()
    assert who[0][0] == "admin1" and who[0][1] is not None and audited == 1
    assert settings_store.reset_overrides(scope, "risk") == 1


# ------------------------------------------------------------------ the store
def test_list_every_high_student_has_a_reason_and_matches_high_mask(demo_db):
    scope = Scope()
    with store.connect(demo_db) as con:
        df = risk_list.load_list(con, scope, config.SETTINGS)
        inputs = __import__("lib.risk.inputs", fromlist=["x"]).risk_inputs(
            con, scope, settings=config.SETTINGS
        )
    assert (df["score"].diff().dropna() <= 0).all()
    assert df["reasons"].map(len).gt(0).all() and (df["score"] > 0).all()  # nobody listed without a reason
    assert len(df) < len(inputs)
    assert int((df["band"] == "高").sum()) == int(risk.high_mask(inputs).sum())


def test_search_by_xueji_id_and_name_within_scope(demo_db):
    with store.connect(demo_db) as con:
        sid, name, idn, xj, town = con.execute(
            "SELECT st.student_id, st.name, st.id_number, st.xueji_number, sc.township_code FROM students st "
            "JOIN schools sc ON sc.code = st.school_code WHERE st.status = '在校' ORDER BY 1 LIMIT 1"
        ).fetchone()
        other = con.execute("SELECT code FROM townships WHERE code != ? LIMIT 1", [town]).fetchone()[0]
        unmasked = Scope(role="county", mask=False)  # a user who typed a reason: exact search
        for q in (idn, xj, name):
            hits = risk_list.search(con, unmasked, q)
            assert sid in set(hits["student_id"]), q
        hits = risk_list.search(con, Scope(), sid)  # masked: by 学生编号, shown masked
        assert list(hits["student_id"]) == [sid] and idn not in set(hits["id_number"])
        outside = risk_list.search(con, Scope(townships=(other,)).narrow(schools=()), idn)
    assert outside.empty


def test_cli_risk_json_is_masked_and_ordered(demo_db, capsys):
    assert cli.main(["risk", "--top", "5", "--json"]) == cli.EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5
    assert set(rows[0]) == {"student_id", "masked_id", "score", "band", "reasons"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert all(r["reasons"] and "*" in r["masked_id"] for r in rows)
    con = duckdb.connect(str(demo_db), read_only=True)
    full = {r[0] for r in con.execute("SELECT id_number FROM students").fetchall()}
    con.close()
    text = json.dumps(rows, ensure_ascii=False)
    assert not any(i in text for i in full)


def test_cli_risk_rejects_bad_top(demo_db):
    assert cli.main(["risk", "--top", "0"]) == cli.EXIT_DATA


def test_docs_worked_example():
    """docs/risk.md's worked example, step by step (default weights)."""
    b = {
        "student_id": "S",
        "grade": 7,
        "term": 1,
        "boarding": False,
        "learning_difficulty": True,
        "score_trend": 0.0,
        "disability": False,
        "disabled_parent": False,
        "poverty_category": "脱贫户",
        "left_behind": False,
        "orphan": False,
        "home_km": 0.5,
        "unexcused_recent": 4,
        "unexcused_term": 6,
        "longest_run": 3,
        "current_run": 3,
        "aid_gap": False,
    }
    rows = [
        b,
        {**b, "current_run": 0},  # the run of 3 ended
        {**b, "current_run": 0, "longest_run": 0, "unexcused_recent": 0, "unexcused_term": 0},
        {
            **b,
            "current_run": 0,
            "longest_run": 0,
            "unexcused_recent": 0,
            "unexcused_term": 0,
            "aid_gap": True,
        },
    ]
    out = risk.score_students(pd.DataFrame(rows), settings=config.DEFAULTS)
    assert list(out.absence_run) == [13.6, 6.8, 0.0, 0.0]
    assert list(out.score) == [50.7, 43.9, 30.6, 33.0]
    assert list(out.band) == ["高", "高", "中", "中"]
    assert out.reasons[0][:3] == ["学习困难", "连续无故缺勤3个上课日(至今)", "家庭经济困难(脱贫户)"]


def test_export_is_masked_and_formula_safe():
    from lib.present import reports

    df = _scored(name=["=HYPERLINK(1)", "+李四", "@王五"], reasons=[["-1"], ["a"], ["b"]])
    csv = reports.to_csv_bytes(risk_list.display_frame(df)).decode("utf-8-sig")
    assert "411503200001010011" not in csv and "HYPERLINK(1)" not in csv
    assert "\n" + "1,=" not in csv and "'-1" in csv


def test_assigned_intervention_appears_in_the_dropout_rosters(fresh_db):
    from lib.dropout import rosters as dropout_rosters

    scope = Scope(user="t1")
    with store.connect() as con:
        df = risk_list.load_list(con, scope, config.SETTINGS)
    sid = df.loc[df["interventions"].isna(), "student_id"].iloc[0]
    iid = dropout_rosters.assign_intervention(scope, sid, kind="一教一帮", teacher="王老师", note="重点关注")
    with store.connect() as con:
        rosters = dropout_rosters.load_rosters(con, scope)
        again = risk_list.load_list(con, scope, config.SETTINGS)
    assert iid in set(rosters["mentoring"]["intervention_id"])
    assert again.set_index("student_id").loc[sid, "interventions"] == "一教一帮"


def test_cli_risk_top_all_lists_only_children_with_a_reason(demo_db, capsys):
    assert cli.main(["risk", "--top", "100000", "--json"]) == cli.EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    con = duckdb.connect(str(demo_db), read_only=True)
    enrolled = con.execute("SELECT count(*) FROM students WHERE status IN ('在校', '送教上门')").fetchone()[0]
    con.close()
    assert 0 < len(rows) < enrolled
    assert all(r["reasons"] and r["score"] > 0 for r in rows)


def test_cli_backtest_json_rows_with_auc_and_model_codes(fresh_db, capsys):
    from datetime import date

    con = duckdb.connect(str(fresh_db))
    # no dropout reported in the first fold's window: that fold is left out, and says so on stderr
    con.execute(
        "DELETE FROM dropout_cases WHERE reported_on > ? AND reported_on <= ?",
        [date(2025, 1, 15), date(2025, 7, 9)],
    )
    con.close()
    assert cli.main(["risk-backtest", "--json"]) == cli.EXIT_OK
    out = capsys.readouterr()
    rows = json.loads(out.out)
    assert isinstance(rows, list) and rows
    assert {r["model"] for r in rows} == {"rules", "logistic", "baseline_absence", "baseline_seed4"}
    assert all(isinstance(r["auc"], float) and 0 <= r["auc"] <= 1 for r in rows)
    assert len({r["fold"] for r in rows}) >= 3
    assert "略去" in out.err and "2024-2025学年第1学期末" in out.err
