"""学籍核查 on a tiny store made here: 休学 by the 学籍异动, ages 15-16, transfers in that never arrive."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.core import store
from lib.core.scope import Scope
from lib.ops import golive
from lib.roster import checks
from lib.roster import register as roster
from tests.fixtures.ingest.samples import valid_id

T, V, S = "411521101", "411521101201", "2141521002"
AS_OF = date(2026, 11, 20)
SCOPE = Scope(county="411521", as_of=AS_OF)


def _id(seq: int, born: date) -> str:
    return valid_id(area="411521", birth=f"{born:%Y%m%d}", seq=seq)


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "r.duckdb"
    golive.init_store("411521", path=path, as_of=AS_OF)
    monkeypatch.setenv("EDU_DB", str(path))
    people = {
        "P1": (_id(1, date(2016, 3, 1)), "在校"),  # 10, 休学 approved in the 异动, not back
        "P2": (_id(2, date(2016, 4, 1)), "在校"),  # 10, 休学 then 复学: enrolled
        "P3": (_id(3, date(2011, 2, 1)), "在校"),  # 15, in 初二: checked
        "P4": (_id(4, date(2016, 5, 1)), "在校"),  # transferred in, never on the roll of the school
    }
    with store.transaction(path) as con:
        store.write_table(
            con, "townships", pd.DataFrame([{"code": T, "county_code": "411521", "name": "周党镇"}])
        )
        store.write_table(con, "villages", pd.DataFrame([{"code": V, "township_code": T, "name": "雷畈村"}]))
        store.write_table(
            con,
            "schools",
            pd.DataFrame([{"code": S, "name": "周党镇中心小学", "level": "小学", "township_code": T}]),
        )
        store.write_table(
            con,
            "students",
            pd.DataFrame(
                [
                    {
                        "student_id": k,
                        "id_number": i,
                        "name": k,
                        "grade": 4,
                        "school_code": S if k != "P4" else None,
                        "village_code": V,
                        "status": st,
                    }
                    for k, (i, st) in people.items()
                ]
            ),
        )
        store.write_table(
            con,
            "transfers",
            pd.DataFrame(
                [
                    {
                        "transfer_id": "T1",
                        "student_id": "P1",
                        "direction": "休学",
                        "from_school": S,
                        "transfer_on": date(2026, 10, 12),
                        "confirmed_on": date(2026, 10, 15),
                    },
                    {
                        "transfer_id": "T2",
                        "student_id": "P2",
                        "direction": "休学",
                        "from_school": S,
                        "transfer_on": date(2026, 9, 10),
                        "confirmed_on": date(2026, 9, 11),
                    },
                    {
                        "transfer_id": "T3",
                        "student_id": "P2",
                        "direction": "复学",
                        "from_school": S,
                        "transfer_on": date(2026, 10, 20),
                    },
                    {
                        "transfer_id": "T4",
                        "student_id": "P4",
                        "direction": "转入",
                        "to_school": S,
                        "other_school_name": "光山县第二小学",
                        "transfer_on": date(2026, 9, 5),
                        "confirmed_on": date(2026, 9, 7),
                    },
                ]
            ),
        )
    return path, people


def _roster(people: dict, extra: list[tuple[str, date]] = ()) -> pd.DataFrame:
    rows = [(i, k, date(int(i[6:10]), int(i[10:12]), int(i[12:14]))) for k, (i, _) in people.items()]
    rows += [(i, "无籍", born) for i, born in extra]
    return pd.DataFrame(
        {
            "id_number": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "birth_date": [r[2] for r in rows],
            "township_code": T,
            "village_code": V,
        }
    )


def test_an_approved_suspension_without_return_is_its_own_list(db):
    path, people = db
    extra = [(_id(9, date(2010, 6, 1)), date(2010, 6, 1))]  # 16, no pupil record: not checked
    with store.connect(path) as con:
        got = roster.classify(con, SCOPE, _roster(people, extra)).set_index("name")["category"].to_dict()
    assert got == {"P1": "suspended", "P2": "enrolled", "P3": "enrolled", "P4": "unaccounted"}


def test_a_transfer_in_that_never_arrived_is_overdue(db):
    path, _ = db
    with store.connect(path) as con:
        ledger = checks.transfers(con, SCOPE)
        overdue = checks.overdue_transfers(con, SCOPE)
    assert ledger.set_index("transfer_id").at["T4", "state"] == "逾期未到校"
    assert overdue["transfer_id"].tolist() == ["T4"]
    with store.transaction(path) as con:  # the pupil arrives
        con.execute("UPDATE students SET school_code = ? WHERE student_id = 'P4'", [S])
    with store.connect(path) as con:
        assert checks.transfers(con, SCOPE).set_index("transfer_id").at["T4", "state"] == "已到校"
