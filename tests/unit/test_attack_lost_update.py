"""No lost update on the forms that edit a record: 六长联系人, 系统设置, 账号管理.

The attack replayed on each: two users open the same record, the first saves a change, the
second (whose form still shows the old value) saves another.  Before, the second save silently
reverted the first user's change and the audit log blamed the second user for it.  Now the
second save is refused for what the first changed (naming it, who changed it, and both values),
nothing the first wrote is overwritten, the audit log holds the first change only, and saving
again with the conflict shown applies the second user's values knowingly (re-apply).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lib.access import auth
from lib.core import config, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.dropout import data as dropout_data
from lib.dropout import ledger as dropout_ledger

MINE = "411503101"
ALICE = Scope(user="县级甲", role="county")
BOB = Scope(user="县级乙", role="county")
ADMIN_A = Scope(user="管理员甲", role="admin")
ADMIN_B = Scope(user="管理员乙", role="admin")


def _audit(db: Path, action: str) -> list[tuple[str, dict]]:
    with store.connect(db) as con:
        rows = con.execute(
            'SELECT user_name, detail FROM audit_log WHERE action = ? ORDER BY "at"', [action]
        ).fetchall()
    return [(u, json.loads(d)) for u, d in rows]


# ------------------------------------------------------------------ 六长联系人
def _contacts(db: Path, scope: Scope) -> pd.DataFrame:
    with store.connect(db) as con:
        return dropout_data.contacts(con, scope)


def _edit(table: pd.DataFrame, role: str, place: str, name: str, phone: str) -> pd.DataFrame:
    """The table as a user edited it in the data editor (one row's name and phone typed)."""
    return dropout_ledger.contacts_with(table, {(role, place): (name, phone)})


def _stored_contact(db: Path, role: str, place: str) -> tuple:
    with store.connect(db) as con:
        return con.execute(
            "SELECT name, phone FROM contacts WHERE role = ? AND place_code = ?", [role, place]
        ).fetchone()


def test_a_stale_contacts_table_cannot_revert_another_users_contact(fresh_db):
    county = config.COUNTY_CODE
    seen_a = _contacts(fresh_db, ALICE)  # both open the page
    seen_b = _contacts(fresh_db, BOB)
    first = _edit(seen_a, "教体局局长", county, "陈明远", "13900000001")
    n = dropout_cases.save_contacts(
        ALICE, dropout_ledger.changed_contacts(seen_a, first), base=seen_a, path=fresh_db
    )
    assert n == 1
    # B still sees the old chief and types another phone for him, and a new 镇长 elsewhere
    town_row = seen_b[seen_b["role"] == "镇长"].iloc[0]
    second = _edit(seen_b, "教体局局长", county, "旧局长", "13700000002")
    second = _edit(second, "镇长", town_row.place_code, "黄志强", "13600000003")
    changed = dropout_ledger.changed_contacts(seen_b, second)
    with pytest.raises(dropout_cases.ContactConflict, match="县级甲") as err:
        dropout_cases.save_contacts(BOB, changed, base=seen_b, path=fresh_db)
    # nothing of B's save was written: A's chief stands, the 镇长 too (one transaction)
    assert _stored_contact(fresh_db, "教体局局长", county) == ("陈明远", "13900000001")
    assert _stored_contact(fresh_db, "镇长", town_row.place_code) == (town_row["name"], town_row.phone)
    assert [u for u, _ in _audit(fresh_db, "contacts_saved")] == ["县级甲"]
    # the conflict names the row, both values and who changed it
    row = err.value.rows[0]
    assert (row["role"], row["place_code"], row["by"]) == ("教体局局长", county, "县级甲")
    assert row["now"] == ("陈明远", "13900000001") and row["mine"] == ("旧局长", "13700000002")
    shown = err.value.frame(mask=False)
    assert list(shown.iloc[0][["现在", "修改人", "您填写的"]]) == [
        "陈明远 13900000001",
        "县级甲",
        "旧局长 13700000002",
    ]
    assert "陈明远" not in err.value.frame(mask=True).to_string()
    # B's form keeps everything B typed; saving again applies it knowingly
    shown_b, base_b = dropout_ledger.contacts_after_conflict(seen_b, seen_b, second, err.value.rows)
    again = dropout_ledger.changed_contacts(base_b, shown_b)
    assert len(again) == 2
    dropout_cases.save_contacts(BOB, again, base=base_b, path=fresh_db)
    assert _stored_contact(fresh_db, "教体局局长", county) == ("旧局长", "13700000002")
    assert _stored_contact(fresh_db, "镇长", town_row.place_code) == ("黄志强", "13600000003")
    saves = _audit(fresh_db, "contacts_saved")
    assert [u for u, _ in saves] == ["县级甲", "县级乙"]
    chief = next(c for c in saves[1][1]["changes"] if c["role"] == "教体局局长")
    assert chief["fields"]["name"] == ["陈*远", "旧*长"]  # B's audit says what B replaced: A's value


def test_contacts_edited_by_both_to_the_same_value_is_no_conflict(fresh_db):
    county = config.COUNTY_CODE
    seen = _contacts(fresh_db, ALICE)
    typed = _edit(seen, "教体局局长", county, "陈明远", "13900000001")
    dropout_cases.save_contacts(ALICE, dropout_ledger.changed_contacts(seen, typed), base=seen, path=fresh_db)
    dropout_cases.save_contacts(BOB, dropout_ledger.changed_contacts(seen, typed), base=seen, path=fresh_db)
    assert _stored_contact(fresh_db, "教体局局长", county) == ("陈明远", "13900000001")


def test_a_stale_contacts_table_does_not_block_rows_nobody_else_touched(fresh_db):
    seen = _contacts(fresh_db, ALICE)
    rows = seen[seen["role"] == "镇长"]
    one, two = rows.iloc[0], rows.iloc[1]
    a = _edit(seen, "镇长", one.place_code, "甲乙丙", "13500000001")
    dropout_cases.save_contacts(ALICE, dropout_ledger.changed_contacts(seen, a), base=seen, path=fresh_db)
    b = _edit(seen, "镇长", two.place_code, "丁戊己", "13500000002")
    dropout_cases.save_contacts(BOB, dropout_ledger.changed_contacts(seen, b), base=seen, path=fresh_db)
    assert _stored_contact(fresh_db, "镇长", one.place_code) == ("甲乙丙", "13500000001")
    assert _stored_contact(fresh_db, "镇长", two.place_code) == ("丁戊己", "13500000002")


# ------------------------------------------------------------------ 系统设置
def test_a_stale_settings_form_is_refused_for_the_key_another_admin_changed(fresh_db):
    form = dict(settings_store.editable_leaves(settings_store.effective_settings(), "security"))
    assert form["security.max_failed_logins"] == 5 and form["security.lockout_minutes"] != 45
    # both admins opened 系统设置; A lowers the lockout threshold
    assert settings_store.save_overrides(ADMIN_A, {"security.max_failed_logins": 3}, base=form) == {}
    # B's form still shows 5: B sets 7 there and changes the lockout minutes
    typed = {**form, "security.max_failed_logins": 7, "security.lockout_minutes": 45}
    conflicts = settings_store.save_overrides(
        ADMIN_B, settings_store.changed_since(form, typed), base=form, path=fresh_db
    )
    assert list(conflicts) == ["security.max_failed_logins"]
    c = conflicts["security.max_failed_logins"]
    assert (c.base, c.now, c.mine, c.by) == (5, 3, 7, "管理员甲")
    assert "管理员甲" in c.message() and "改为 3" in c.message() and "您填写的是 7" in c.message()
    frame = settings_store.conflicts_frame(conflicts)
    assert list(frame.iloc[0][["打开时", "现在", "修改人", "您填写的"]]) == ["5", "3", "管理员甲", "7"]
    now = settings_store.effective_settings()["security"]
    assert now["max_failed_logins"] == 3 and now["lockout_minutes"] == 45  # A's kept; B's other key saved
    audit = _audit(fresh_db, "settings_changed")
    assert audit == [
        ("管理员甲", {"security.max_failed_logins": {"old": 5, "new": 3}}),
        ("管理员乙", {"security.lockout_minutes": {"old": form["security.lockout_minutes"], "new": 45}}),
    ]
    # re-apply: the page's base now holds the newer value; B's 7 is written over A's 3 knowingly
    rebased = {**form, "security.lockout_minutes": 45, "security.max_failed_logins": 3}
    assert (
        settings_store.save_overrides(ADMIN_B, settings_store.changed_since(rebased, typed), base=rebased)
        == {}
    )
    assert settings_store.effective_settings()["security"]["max_failed_logins"] == 7
    assert _audit(fresh_db, "settings_changed")[-1] == (
        "管理员乙",
        {"security.max_failed_logins": {"old": 3, "new": 7}},
    )


def test_a_stale_settings_form_never_writes_keys_its_user_left_alone(fresh_db):
    form = dict(settings_store.editable_leaves(settings_store.effective_settings(), "security"))
    settings_store.save_overrides(ADMIN_A, {"security.session_idle_minutes": 15}, base=form)
    typed = {**form, "security.max_failed_logins": 4}  # B leaves the idle minutes as shown (stale)
    assert settings_store.changed_since(form, typed) == {"security.max_failed_logins": 4}
    assert settings_store.save_overrides(ADMIN_B, settings_store.changed_since(form, typed), base=form) == {}
    now = settings_store.effective_settings()["security"]
    assert (now["session_idle_minutes"], now["max_failed_logins"]) == (15, 4)


def test_a_percent_setting_conflict_shows_percent(fresh_db):
    key = next(iter(sorted(settings_store.PERCENT_SETTINGS)))
    section = key.split(".", 1)[0]
    form = dict(settings_store.editable_leaves(settings_store.effective_settings(), section))
    old = form[key]
    mine, theirs = round(min(old + 0.01, 1.0), 6), round(max(old - 0.01, 0.0), 6)
    settings_store.save_overrides(ADMIN_A, {key: theirs}, base=form)
    got = settings_store.save_overrides(ADMIN_B, {key: mine}, base=form)
    assert f"{theirs * 100:g}%" in got[key].message()
    assert settings_store.effective_settings()[section] is not None
    assert settings_store._leaf(settings_store.effective_settings(), key) == theirs


# ------------------------------------------------------------------ 账号管理
@pytest.fixture
def account(fresh_db):
    auth.create_user(ADMIN_A, "zhao.l", roles=["township"], display_name="赵老师", townships=[MINE])
    return auth.get_account("zhao.l")


def test_a_stale_account_form_cannot_revert_another_admins_role_change(fresh_db, account):
    # A moves the account to county staff; B, whose form still shows 乡镇, makes it a leader
    auth.update_user(ADMIN_A, "zhao.l", roles=["county"], townships=None, school=None, base=account)
    with pytest.raises(auth.AccountConflict, match="管理员甲") as err:
        auth.update_user(
            ADMIN_B,
            "zhao.l",
            roles=["leader"],
            display_name="赵老师",
            townships=[MINE],
            school=None,
            base=account,
        )
    now = auth.get_account("zhao.l")
    assert now.roles == ("county",) and now.townships is None
    assert set(err.value.fields) == {"roles"}  # the townships B left as shown are not B's change
    assert err.value.fields["roles"] == (("township",), ("county",), ("leader",))
    assert err.value.shown().roles == ("leader",)  # what B typed stays in B's form
    assert [u for u, _ in _audit(fresh_db, "account_updated")] == ["管理员甲"]
    # re-apply over the newer version
    auth.update_user(ADMIN_B, "zhao.l", roles=["leader"], townships=None, school=None, base=err.value.current)
    assert auth.get_account("zhao.l").roles == ("leader",)
    last = _audit(fresh_db, "account_updated")[-1]
    assert last[0] == "管理员乙" and last[1]["changes"]["role"] == {"old": "county", "new": "leader"}


def test_a_stale_account_form_keeps_changes_to_fields_its_user_left_alone(fresh_db, account):
    auth.update_user(ADMIN_A, "zhao.l", display_name="赵丽", base=account)
    # B (stale: shows 赵老师) changes only the townships; the name A set must stay
    town2 = "411503102"
    auth.update_user(
        ADMIN_B, "zhao.l", roles=["township"], display_name="赵老师", townships=[MINE, town2], base=account
    )
    now = auth.get_account("zhao.l")
    assert now.display_name == "赵丽" and now.townships == tuple(sorted([MINE, town2]))


def test_a_stale_disable_button_does_not_undo_another_admins_decision(fresh_db, account):
    auth.disable(ADMIN_A, "zhao.l", disabled=True, expected=False)
    # B's page still shows 停用账号 (enabled); before, the click enabled the account again
    with pytest.raises(auth.AccountConflict, match="管理员甲"):
        auth.disable(ADMIN_B, "zhao.l", disabled=True, expected=False)
    with pytest.raises(auth.AccountConflict):
        auth.disable(ADMIN_B, "zhao.l", disabled=False, expected=False)
    assert auth.get_account("zhao.l").disabled
    assert [u for u, _ in _audit(fresh_db, "account_disabled")] == ["管理员甲"]
    assert _audit(fresh_db, "account_enabled") == []
