"""资助发放 (pure): on time and in full, overdue, short and late; funds ledger; terms."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.aid import payments as aid_payments

AS_OF = date(2026, 11, 20)
DUE = "2026-10-31"


def rec(standard, paid, due, paid_on, *, programme="生活补助", year=2026, term=1, source="中央"):
    return {
        "programme": programme,
        "school_year": year,
        "term": term,
        "standard_amount": standard,
        "paid_amount": paid,
        "due_date": pd.Timestamp(due) if due else pd.NaT,
        "paid_date": pd.Timestamp(paid_on) if paid_on else pd.NaT,
        "funding_source": source,
    }


@pytest.mark.parametrize(
    ("row", "flags"),
    [
        (rec(500, 500, DUE, "2026-10-20"), {"due", "on_time", "in_full"}),
        (rec(500, 500, DUE, "2026-10-31"), {"due", "on_time", "in_full"}),  # on the due date
        (rec(500, 500, DUE, "2026-11-05"), {"due", "in_full", "late"}),
        (rec(500, 400, DUE, "2026-10-20"), {"due", "short"}),
        (rec(500, 400, DUE, "2026-11-05"), {"due", "short", "late"}),
        (rec(500, None, DUE, None), {"due", "overdue"}),
        (rec(500, 500, DUE, "2026-11-25"), {"due", "overdue"}),  # paid after as_of: unpaid on as_of
        (rec(500, None, "2026-11-30", None), set()),  # not due yet
        (rec(500, 500, "2026-11-30", "2026-11-10"), set()),  # paid early, not due yet: not judged
    ],
)
def test_classify_payments(row, flags):
    out = aid_payments.classify_payments(pd.DataFrame([row]), as_of=AS_OF).iloc[0]
    got = {f for f in aid_payments.RATE_COLUMNS if out[f]}
    assert got == flags


def test_grace_days_move_the_on_time_line():
    df = pd.DataFrame([rec(500, 500, DUE, "2026-11-03")])
    assert not aid_payments.classify_payments(df, as_of=AS_OF, grace_days=0).at[0, "on_time"]
    assert aid_payments.classify_payments(df, as_of=AS_OF, grace_days=3).at[0, "on_time"]


def test_rates_and_totals_recompute_from_counts():
    df = pd.DataFrame(
        [
            rec(500, 500, DUE, "2026-10-20"),
            rec(500, None, DUE, None),
            rec(400, 200, DUE, "2026-10-20", programme="省级资助"),
            rec(400, None, "2026-12-31", None),
        ]
    )
    c = aid_payments.classify_payments(df, as_of=AS_OF)
    tot = aid_payments.totals(c)
    assert (tot["due"], tot["on_time"], tot["overdue"], tot["short"]) == (3, 1, 1, 1)
    assert tot["on_time_rate"] == pytest.approx(1 / 3)
    assert tot["overdue_amount"] == 500 and tot["short_amount"] == 200
    by = aid_payments.payment_rates(c, ["programme"]).set_index("programme")
    assert by.loc["生活补助", "on_time_rate"] == 0.5 and by.loc["省级资助", "in_full_rate"] == 0.0


def test_problem_list_puts_longest_overdue_first():
    df = pd.DataFrame(
        [
            rec(500, 400, DUE, "2026-10-20"),
            rec(500, None, "2026-11-15", None),
            rec(500, None, "2026-09-30", None),
            rec(500, 500, DUE, "2026-11-02"),
        ]
    )
    bad = aid_payments.problem_payments(aid_payments.classify_payments(df, as_of=AS_OF))
    assert bad["problem"].tolist() == ["逾期未发", "逾期未发", "未足额", "逾期发放"]
    assert bad["days_overdue"].tolist()[:2] == [51, 5]


def test_funds_ledger_by_source_and_programme():
    alloc = pd.DataFrame(
        {
            "funding_source": ["中央", "中央", "省级", "中央", "中央"],
            "programme": ["生活补助", "生活补助", "省级资助", "生活补助", "营养改善计划"],
            "amount": [1000.0, 500.0, 300.0, 9999.0, 800.0],
            "allocated_on": pd.to_datetime(
                ["2026-09-10", "2026-10-01", "2026-09-10", "2027-03-10", "2026-09-10"]
            ),
        }
    )
    pays = pd.DataFrame(
        {
            "funding_source": ["中央", "省级", "省级"],
            "programme": ["生活补助", "省级资助", "省级资助"],
            "paid_amount": [1200.0, 350.0, 50.0],
            "paid_date": pd.to_datetime(["2026-10-20", "2026-10-20", "2026-12-01"]),
        }
    )
    led = aid_payments.funds_ledger(alloc, pays, as_of=AS_OF).set_index(["funding_source", "programme"])
    assert led.loc[("中央", "生活补助"), ["allocated", "paid", "balance"]].tolist() == [1500.0, 1200.0, 300.0]
    assert led.loc[("中央", "营养改善计划"), "execution"] == 0.0
    assert led.loc[("中央", "小计"), "allocated"] == 2300.0
    assert led.loc[("省级", "省级资助"), "balance"] == -50.0  # overspent: shows as a negative balance
    assert led.loc[("合计", ""), ["allocated", "paid"]].tolist() == [2600.0, 1550.0]
    assert [k[0] for k in led.index] == ["中央", "中央", "中央", "省级", "合计"]


def test_term_series_in_order_with_labels():
    df = pd.DataFrame(
        [
            rec(500, 500, "2025-10-31", "2025-10-01", year=2025),
            rec(500, None, "2026-04-30", None, year=2025, term=2),
            rec(500, 500, DUE, "2026-10-01"),
        ]
    )
    s = aid_payments.term_series(aid_payments.classify_payments(df, as_of=AS_OF))
    assert s["label"].tolist() == ["2025-2026第一学期", "2025-2026第二学期", "2026-2027第一学期"]
    assert s["on_time_rate"].tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("programme", "term", "due"),
    [
        ("生活补助", 1, date(2026, 10, 31)),
        ("生活补助", 2, date(2027, 4, 30)),
        ("助学金", 1, date(2026, 11, 30)),
        (None, 2, date(2027, 5, 31)),
    ],
)
def test_default_due_dates(programme, term, due):
    assert aid_payments.default_due_date(2026, term, programme) == due
