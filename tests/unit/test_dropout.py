"""控辍保学 rules (lib.dropout.rules): status on a day, moves, detection, escalation, notices, weeks."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from lib.core import config
from lib.dropout import rules as dropout

D = date


def _case(status, rep, ver=None, ret=None, close=None, first=None, reopened=None):
    return {
        "status": status,
        "reported_on": rep,
        "verified_on": ver,
        "returned_on": ret,
        "closed_on": close,
        "first_returned_on": first,
        "reopened_on": reopened,
    }


CASES = pd.DataFrame(
    [
        _case("疑似辍学", D(2026, 11, 10)),
        _case("劝返中", D(2026, 10, 1), D(2026, 10, 20)),
        _case("已返校", D(2026, 10, 1), D(2026, 10, 20), D(2026, 11, 5)),
        _case("误报", D(2026, 11, 2), close=D(2026, 11, 6)),
        _case("巩固", D(2026, 3, 1), None, D(2026, 3, 10), D(2026, 6, 8)),
        # returned on 10-01, left again on 10-28, back on 11-12: the history is kept
        _case(
            "已返校",
            D(2026, 9, 10),
            D(2026, 9, 20),
            D(2026, 11, 12),
            first=D(2026, 10, 1),
            reopened=D(2026, 10, 28),
        ),
    ]
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 9, 30), [None, None, None, None, "已返校", "辍学"]),
        (D(2026, 10, 25), [None, "辍学", "辍学", None, "已返校", "已返校"]),
        (D(2026, 11, 3), [None, "辍学", "辍学", "疑似辍学", "已返校", "辍学"]),
        (D(2026, 11, 20), ["疑似辍学", "辍学", "已返校", "误报", "已返校", "已返校"]),
    ],
)
def test_status_on_follows_the_dates(day, expected):
    assert dropout.status_on(CASES, day).tolist() == expected


@pytest.mark.parametrize(
    "day", [D(2026, 9, 30), D(2026, 10, 25), D(2026, 11, 3), D(2026, 11, 6), D(2026, 11, 20)]
)
def test_status_on_equals_the_sql_rule(day):
    con = duckdb.connect()
    con.register("c", CASES)
    sql = con.execute(f"SELECT {dropout.status_at_sql('c')} FROM c", dropout.status_at_params(day)).fetchall()
    assert [r[0] for r in sql] == dropout.status_on(CASES, day).tolist()


@pytest.mark.parametrize(
    ("status", "returned", "as_of", "present", "moves"),
    [
        ("疑似辍学", None, D(2026, 11, 20), None, ("已核实", "误报")),  # a return goes through 已核实
        ("已核实", None, D(2026, 11, 20), None, ("劝返中", "已返校")),
        ("劝返中", None, D(2026, 11, 20), None, ("已返校",)),
        ("已返校", D(2026, 10, 1), D(2026, 11, 20), True, ()),  # 90 days not yet passed
        ("已返校", D(2026, 8, 1), D(2026, 11, 20), True, ("巩固",)),
        ("已返校", D(2026, 8, 1), D(2026, 11, 20), None, ()),  # presence unknown: no 巩固
        ("已返校", D(2026, 8, 1), D(2026, 11, 20), False, ("劝返中",)),  # left again: reopen
        ("误报", None, D(2026, 11, 20), None, ()),
        ("巩固", None, D(2026, 11, 20), True, ()),
        ("巩固", None, D(2026, 11, 20), False, ("劝返中",)),
    ],
)
def test_allowed_moves(status, returned, as_of, present, moves):
    assert dropout.allowed_moves(status, returned_on=returned, as_of=as_of, present=present) == moves


@pytest.mark.parametrize(
    ("status", "run", "present"),
    [("在校", 0, True), ("在校", 4, True), ("在校", 5, False), ("辍学", 0, False), ("送教上门", 0, True)],
)
def test_is_present(status, run, present):
    assert dropout.is_present(status, run) is present


def test_retention_status_at_30_and_90_days():
    back = D(2026, 8, 1)
    assert dropout.retention_status(back, D(2026, 9, 15), present=True) == {30: "在校", 90: "未到期"}
    assert dropout.retention_status(back, D(2026, 11, 20), present=False) == {30: "未在校", 90: "未在校"}
    assert dropout.retention_status(None, D(2026, 11, 20), present=True) == {}


@pytest.mark.parametrize(
    ("returned", "as_of", "check"),
    [
        (D(2026, 11, 1), D(2026, 11, 20), D(2026, 12, 1)),
        (D(2026, 9, 1), D(2026, 11, 20), D(2026, 11, 30)),
        (D(2026, 1, 1), D(2026, 11, 20), D(2026, 4, 1)),
    ],
)
def test_next_retention_check(returned, as_of, check):
    assert dropout.next_retention_check(returned, as_of) == check


# ------------------------------------------------------------------ detection
# Mon 2 Nov .. Fri 20 Nov 2026: 15 school days (weekends are not school days).
DAYS = [
    D(2026, 11, 2) + timedelta(days=i)
    for i in range(19)
    if (D(2026, 11, 2) + timedelta(days=i)).weekday() < 5
]


def _absent(student, days, excused=False):
    return pd.DataFrame({"student_id": student, "day": days, "excused": excused})


def test_weekend_does_not_break_a_run_but_a_present_day_does():
    a = pd.concat(
        [
            _absent("A", DAYS[-6:]),  # Fri 13 .. Fri 20: 6 school days across a weekend
            _absent("B", DAYS[:5] + DAYS[-3:]),  # a gap: only the last 3 count
            _absent("C", DAYS[:8]),  # came back: not ongoing
        ]
    )
    runs = dropout.absence_runs(a, DAYS, as_of=D(2026, 11, 20))
    got = dict(zip(runs.student_id, runs.days, strict=True))
    assert got == {"A": 6, "B": 3}
    assert runs.set_index("student_id").at["A", "run_start"] == D(2026, 11, 13)


def test_excused_day_breaks_a_run_and_runs_end_on_the_last_school_day_before_as_of():
    a = pd.concat([_absent("A", DAYS[:10]), _absent("A", [DAYS[10]], excused=True), _absent("A", DAYS[11:])])
    runs = dropout.absence_runs(a, DAYS, as_of=D(2026, 11, 22))  # a Sunday: last school day is Fri 20
    assert runs.days.tolist() == [4]
    assert runs.run_end.tolist() == [D(2026, 11, 20)]


def test_absence_runs_empty():
    assert dropout.absence_runs(_absent("A", []), DAYS, as_of=D(2026, 11, 20)).empty


def _runs(**days):
    return pd.DataFrame(
        {
            "student_id": list(days),
            "run_start": [D(2026, 10, 1)] * len(days),
            "run_end": [D(2026, 11, 20)] * len(days),
            "days": list(days.values()),
        }
    )


NO_CASES = pd.DataFrame(columns=["student_id", "status", "reported_on"])
NO_DECISIONS = pd.DataFrame(columns=["student_id", "run_start", "decision"])


def test_proposals_thresholds_and_levels():
    p = dropout.proposals(_runs(A=4, B=5, C=19, D=20), NO_CASES, NO_DECISIONS)
    assert dict(zip(p.student_id, p.level, strict=True)) == {"B": "疑似辍学", "C": "疑似辍学", "D": "辍学"}
    assert dict(zip(p.student_id, p.colour, strict=True)) == {"B": "amber", "C": "amber", "D": "red"}


def test_proposals_thresholds_come_from_settings():
    s = copy.deepcopy(config.SETTINGS)
    s["dropout"]["suspected_consecutive_days"] = 10
    assert dropout.proposals(_runs(A=9, B=10), NO_CASES, NO_DECISIONS, settings=s).student_id.tolist() == [
        "B"
    ]


def test_nothing_is_proposed_twice():
    cases = pd.DataFrame(
        {
            "student_id": ["A", "B", "C"],
            "status": ["劝返中", "误报", "已返校"],
            "reported_on": [D(2026, 9, 1), D(2026, 10, 3), D(2026, 3, 1)],
        }
    )
    decisions = pd.DataFrame(
        {"student_id": ["D", "E"], "run_start": [D(2026, 10, 1), D(2026, 9, 1)], "decision": ["排除", "确认"]}
    )
    p = dropout.proposals(_runs(A=9, B=9, C=9, D=9, E=9), cases, decisions)
    # A: open case; B: a case reported during the run; D: decided on this run.
    # C: an old case closed before the run; E: a decision on an earlier run.
    assert sorted(p.student_id) == ["C", "E"]


# ------------------------------------------------------------------ escalation
@pytest.mark.parametrize(
    ("due", "overdue", "responsible", "colour"),
    [
        (D(2026, 11, 30), -10, "师长", "green"),
        (D(2026, 11, 21), -1, "师长", "amber"),
        (D(2026, 11, 20), 0, "师长", "amber"),
        (D(2026, 11, 18), 2, "师长", "amber"),
        (D(2026, 11, 17), 3, "校长", "red"),
        (D(2026, 11, 14), 6, "村长", "red"),
        (D(2026, 11, 11), 9, "镇长", "red"),
        (D(2026, 11, 8), 12, "教体局局长", "red"),
        (D(2025, 1, 1), 688, "教体局局长", "red"),
        (None, None, "师长", "grey"),
    ],
)
def test_escalation_moves_up_the_chain(due, overdue, responsible, colour):
    e = dropout.escalation(pd.Series([due]), as_of=D(2026, 11, 20)).iloc[0]
    assert (None if pd.isna(e.overdue_days) else e.overdue_days) == overdue
    assert e.responsible == responsible
    assert e.colour == colour
    assert e.escalated == (colour == "red")


def test_escalation_step_from_settings():
    s = copy.deepcopy(config.SETTINGS)
    s["dropout"]["escalate_after_overdue_days"] = 5
    e = dropout.escalation(pd.Series([D(2026, 11, 16)]), as_of=D(2026, 11, 20), settings=s).iloc[0]
    assert e.responsible == "师长" and not e.escalated


def test_days_open():
    got = dropout.days_open(CASES, as_of=D(2026, 11, 20)).tolist()
    assert got == [10, 50, 35, 4, 9, 63]  # the reopened case: report to its latest return


# ------------------------------------------------------------------ notices
def _issued(*rows):
    return pd.DataFrame(rows, columns=["kind", "issued_on"])


@pytest.mark.parametrize(
    ("status", "enrolled", "issued", "expected"),
    [
        ("疑似辍学", True, [], None),
        ("已返校", True, [], None),
        ("已核实", True, [], ("限期复学通知书", D(2026, 11, 1))),
        ("已核实", False, [], ("入学通知书", D(2026, 11, 1))),
        ("劝返中", True, [("限期复学通知书", D(2026, 11, 2))], ("行政处罚告知书", D(2026, 11, 17))),
        ("劝返中", False, [("入学通知书", D(2026, 11, 2))], ("行政处罚告知书", D(2026, 11, 17))),
        (
            "劝返中",
            True,
            [("限期复学通知书", D(2026, 10, 1)), ("行政处罚告知书", D(2026, 10, 20))],
            ("行政处罚决定书", D(2026, 10, 25)),
        ),
        (
            "劝返中",
            True,
            [
                ("限期复学通知书", D(2026, 9, 1)),
                ("行政处罚告知书", D(2026, 9, 20)),
                ("行政处罚决定书", D(2026, 9, 28)),
            ],
            None,
        ),
    ],
)
def test_next_notice(status, enrolled, issued, expected):
    got = dropout.next_notice(
        _issued(*issued), status=status, enrolled=enrolled, verified_on=D(2026, 11, 1), as_of=D(2026, 11, 20)
    )
    assert got == expected


def test_notice_list_is_configurable():
    s = copy.deepcopy(config.SETTINGS)
    s["dropout"]["notices"] = ["限期复学通知书", "督促复学函"]
    assert dropout.notice_sequence(enrolled=True, settings=s) == ("限期复学通知书", "督促复学函")
    got = dropout.next_notice(
        _issued(("限期复学通知书", D(2026, 11, 1))),
        status="劝返中",
        enrolled=True,
        verified_on=D(2026, 11, 1),
        as_of=D(2026, 11, 20),
        settings=s,
    )
    assert got == ("督促复学函", D(2026, 11, 16))


# ------------------------------------------------------------------ weeks
@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W47", D(2026, 11, 16)),
        ("2026W47", D(2026, 11, 16)),
        ("2026-w01", D(2025, 12, 29)),
        ("2020-W53", D(2020, 12, 28)),
    ],
)
def test_parse_iso_week(text, monday):
    assert dropout.parse_iso_week(text) == (monday, monday + timedelta(days=6))


@pytest.mark.parametrize(
    ("text", "match"), [("2026-47", "格式"), ("2026-W54", "没有第 54 周"), ("W47", "格式")]
)
def test_parse_iso_week_rejects(text, match):
    with pytest.raises(ValueError, match=match):
        dropout.parse_iso_week(text)


def test_iso_week_round_trip_and_label():
    assert dropout.iso_week_of(D(2026, 11, 20)) == "2026-W47"
    assert dropout.iso_week_of(D(2026, 11, 22)) == "2026-W47"
    assert dropout.week_label("2026-W47") == "2026年第47周(2026年11月16日—11月22日)"
