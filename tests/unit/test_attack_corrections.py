"""The lost update in 更正记录, replayed: two users open the same record; the second saves a
stale form.  Before, the stale form silently reverted the first user's change (and the audit
blamed the second user for it).  Now only the fields the user changed are written, each only
if nobody changed it since the form was shown; otherwise the save is refused, names the field
and writes nothing, and the form keeps what was typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lib.core import store
from lib.core.scope import Scope
from lib.ingest import corrections

TOWN = "411503101"
ALICE = Scope(user="alice", role="county")
BOB = Scope(user="bob", role="township", townships=(TOWN,))


def _school(db: Path) -> str:
    with store.connect(db) as con:
        return con.execute("SELECT min(code) FROM schools WHERE township_code = ?", [TOWN]).fetchone()[0]


def _row(db: Path, code: str) -> tuple:
    with store.connect(db) as con:
        return con.execute("SELECT capacity, teachers FROM schools WHERE code = ?", [code]).fetchone()


def test_a_stale_form_does_not_revert_anothers_change(fresh_db):
    code = _school(fresh_db)
    key = {"code": code}
    alice_form = corrections.load_record(ALICE, "schools", key)
    bob_form = corrections.load_record(BOB, "schools", key)  # both open the form
    capacity, teachers = _row(fresh_db, code)

    corrections.apply_correction(
        ALICE, "schools", key, {**alice_form, "capacity": capacity + 100}, reason="新校舍", base=alice_form
    )
    # Bob's stale form still shows the old capacity; he changes the teachers only
    fix = corrections.apply_correction(
        BOB, "schools", key, {**bob_form, "teachers": teachers + 3}, reason="新教师", base=bob_form
    )
    assert list(fix.changes) == ["teachers"]
    assert _row(fresh_db, code) == (capacity + 100, teachers + 3)  # Alice's change stands
    with store.connect(fresh_db) as con:
        blamed = [
            json.loads(d)
            for (d,) in con.execute(
                "SELECT detail FROM audit_log WHERE action = 'correct_record' AND user_name = 'bob'"
            ).fetchall()
        ]
    assert [list(d["changes"]) for d in blamed] == [["teachers"]]  # not blamed for the capacity


def test_a_stale_form_changing_the_same_field_is_refused_and_names_it(fresh_db):
    code = _school(fresh_db)
    key = {"code": code}
    alice_form = corrections.load_record(ALICE, "schools", key)
    bob_form = corrections.load_record(BOB, "schools", key)
    capacity, teachers = _row(fresh_db, code)
    corrections.apply_correction(
        ALICE, "schools", key, {**alice_form, "capacity": capacity + 100}, reason="新校舍", base=alice_form
    )
    typed = {**bob_form, "capacity": capacity + 7, "teachers": teachers + 1}
    with pytest.raises(corrections.CorrectionConflict) as conflict:
        corrections.apply_correction(BOB, "schools", key, typed, reason="核对", base=bob_form)
    assert "核定学位" in str(conflict.value) or "学位" in str(conflict.value)
    frame = conflict.value.frame()
    assert frame.iloc[0].tolist()[1:] == [str(capacity), str(capacity + 100), str(capacity + 7)]
    assert _row(fresh_db, code) == (capacity + 100, teachers)  # nothing of Bob's form was written
    # after reloading (a fresh base), Bob's change goes through
    again = corrections.load_record(BOB, "schools", key)
    corrections.apply_correction(
        BOB, "schools", key, {**again, "capacity": capacity + 7}, reason="核对", base=again
    )
    assert _row(fresh_db, code) == (capacity + 7, teachers)
