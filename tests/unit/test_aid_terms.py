"""学生资助's payments per term counted in the store (lib.aid.data.load_terms) against the pandas
definition (lib.aid.payments.classify_payments + term_series), on hand-made records whose
classes are known: paid on time, in the grace days, late, short, unpaid, not yet due, no due
date, no standard, a school outside the Scope."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.aid import data as aid_data
from lib.aid import payments as aid_payments
from lib.core import config, store
from lib.core.scope import Scope

DAY = date(2026, 11, 20)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "terms.duckdb"
    rows = [
        # record, school, year, term, standard, paid, due, paid on
        ("r1", "S1", 2025, 1, 500.0, 500.0, date(2025, 10, 31), date(2025, 10, 20)),  # on time
        ("r2", "S1", 2025, 1, 500.0, 500.0, date(2025, 10, 31), date(2025, 10, 31)),  # on the due day
        ("r3", "S1", 2025, 1, 500.0, 500.0, date(2025, 10, 1), date(2025, 12, 30)),  # late
        ("r4", "S1", 2025, 1, 500.0, 300.0, date(2025, 10, 31), date(2025, 10, 30)),  # short
        ("r5", "S1", 2025, 2, 500.0, None, date(2026, 4, 30), None),  # overdue, never paid
        ("r6", "S1", 2025, 2, 500.0, 500.0, date(2026, 4, 30), date(2026, 12, 1)),  # paid after the day
        ("r7", "S1", 2026, 1, 500.0, None, date(2026, 12, 31), None),  # not yet due
        ("r8", "S1", 2026, 1, 500.0, 500.0, None, date(2026, 10, 1)),  # no due date: never due
        ("r9", "S1", 2026, 1, None, 200.0, date(2026, 10, 31), date(2026, 10, 2)),  # no standard
        ("r10", "S2", 2026, 1, 500.0, None, date(2026, 10, 31), None),  # another township's school
        (
            "r11",
            "S1",
            2026,
            1,
            400.0,
            400.0,
            date(2026, 10, 31),
            date(2026, 11, 3),
        ),  # 3 days late: on time only with grace days
    ]
    records = pd.DataFrame(
        rows,
        columns=[
            "record_id",
            "school_code",
            "school_year",
            "term",
            "standard_amount",
            "paid_amount",
            "due_date",
            "paid_date",
        ],
    ).assign(programme="生活补助", student_id=lambda f: "P" + f["record_id"], funding_source="中央")
    with store.transaction(path) as con:
        store.write_table(
            con, "townships", pd.DataFrame({"code": ["411503001", "411503002"], "name": ["甲镇", "乙镇"]})
        )
        store.write_table(
            con,
            "schools",
            pd.DataFrame(
                {"code": ["S1", "S2"], "name": ["甲校", "乙校"], "township_code": ["411503001", "411503002"]}
            ),
        )
        store.write_table(con, "aid_records", records)
    return path


@pytest.mark.parametrize("grace", [0, 5])
@pytest.mark.parametrize("townships", [None, ("411503001",), ("411503002",)])
@pytest.mark.parametrize("day", [DAY, date(2026, 4, 1), date(2024, 1, 1)])
def test_the_store_counts_what_pandas_classifies(db, townships, day, grace, monkeypatch):
    monkeypatch.setitem(config.SETTINGS["aid"], "on_time_grace_days", grace)
    scope = Scope(as_of=day, townships=townships)
    with store.connect(db) as con:
        expected = aid_payments.term_series(
            aid_payments.classify_payments(aid_data.load_history(con, scope), as_of=day)
        )
        got = aid_data.load_terms(con, scope)
    assert list(got.columns) == list(expected.columns)
    if day == DAY and townships != ("411503002",):  # S1's records of three terms are due
        assert len(expected) == 3
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False, check_index_type=False
    )


def test_the_known_classes(db, monkeypatch):
    monkeypatch.setitem(config.SETTINGS["aid"], "on_time_grace_days", 0)
    with store.connect(db) as con:
        terms = aid_data.load_terms(con, Scope(as_of=DAY, townships=("411503001",)))

    def term(year: int, t: int) -> dict:
        (row,) = terms[(terms["school_year"] == year) & (terms["term"] == t)].to_dict("records")
        return row

    first = term(2025, 1)
    assert (first["due"], first["on_time"], first["in_full"], first["late"], first["short"]) == (
        4,
        2,
        3,
        1,
        1,
    )
    second = term(2025, 2)
    assert (second["due"], second["overdue"], second["paid"]) == (2, 2, 500.0)  # r6 paid after the day
    now = term(2026, 1)  # r7 not due, r8 without a due date; r9 without a standard, r11 late
    assert (now["due"], now["on_time"], now["in_full"], now["late"], now["standard"]) == (2, 0, 1, 1, 400.0)
    assert now["label"] == "2026-2027第一学期"
