"""Attacks on logins, sessions and secrets, replayed.

Parallel wrong logins (failures lost, a right password refused), user-name enumeration
through "再错 N 次", common passwords, a cookie forged with the key a backup carried,
logout in one tab leaving the others live (and minting fresh cookies), world-readable
store files: each now refused or harmless."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import duckdb
import pytest

from lib import cli
from lib.access import auth
from lib.access import tokens as auth_tokens
from lib.core import config, secure, store
from lib.core.scope import Scope

ADMIN = Scope(user="boss", role="admin")


def _failures(name: str) -> list[dict]:
    rows = store.read_frame(
        "SELECT detail FROM audit_log WHERE action = 'login_failed' AND user_name = ? ORDER BY \"at\"", [name]
    )
    return [json.loads(d) for d in rows["detail"]]


# ------------------------------------------------------------------ login under load
def test_parallel_wrong_logins_are_all_counted_and_a_right_one_gets_in(fresh_db):
    auth.create_user(ADMIN, "qian", roles=["county"], password="Right-pass-1", must_change=False)
    start = threading.Barrier(4)
    outcomes: list[str] = []
    unexpected: list[BaseException] = []

    def attempt(password: str) -> None:
        start.wait()
        try:
            auth.verify("qian", password)
            outcomes.append("ok")
        except auth.LoginFailed as exc:
            outcomes.append(type(exc).__name__)
        except BaseException as exc:  # a traceback reaching the login form
            unexpected.append(exc)

    threads = [
        threading.Thread(target=attempt, args=(pw,))
        for pw in ("w1-xxxxxx", "w2-xxxxxx", "Right-pass-1", "w3-xxxxxx")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert unexpected == []
    assert outcomes.count("ok") == 1  # the right password was not refused
    assert outcomes.count("LoginFailed") == 3
    assert len(_failures("qian")) == 3  # every failure audited


def test_nine_parallel_wrong_logins_lock_the_account_and_are_all_on_record(fresh_db):
    auth.create_user(ADMIN, "wu", roles=["county"], password="Right-pass-1", must_change=False)
    start = threading.Barrier(9)
    errors: list[BaseException] = []

    def attempt(i: int) -> None:
        start.wait()
        try:
            auth.verify("wu", f"wrong-{i}-xxxx")
        except auth.LoginFailed:
            pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    failures = _failures("wu")
    assert len(failures) == 9
    assert [f["reason"] for f in failures].count("wrong_password") == 5  # then locked, counted as such
    assert [f["reason"] for f in failures].count("locked") == 4
    assert auth.get_account("wu").locked_until is not None


def test_an_unknown_name_is_answered_exactly_as_a_wrong_password(fresh_db):
    auth.create_user(ADMIN, "zheng", roles=["county"], password="Right-pass-1", must_change=False)
    known, unknown = [], []
    for _ in range(6):
        for name, out in (("zheng", known), ("zheng-nobody", unknown)):
            try:
                auth.verify(name, "Wrong-pass-1")
            except auth.LoginFailed as exc:
                out.append((type(exc).__name__, str(exc)))
    assert known == unknown
    assert any("再错 1 次" in m for _, m in unknown) and unknown[-1][0] == "AccountLocked"
    assert len(_failures("zheng-nobody")) == 6  # unknown names are audited too


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "Password2026!", "qwertyuiop", "1234567890", "woaini1314", "Abcd-123"],
)
def test_common_or_short_passwords_are_refused(fresh_db, password):
    with pytest.raises(auth.PasswordPolicyError):
        auth.create_user(ADMIN, "feng", roles=["county"], password=password)


def test_a_long_uncommon_password_is_accepted_and_the_floor_is_ten(fresh_db):
    auth.create_user(ADMIN, "chen", roles=["county"], password="河南-平桥-2026-春", must_change=False)
    assert auth.min_password_length() == 10
    with store.connect() as con:  # a stored setting below the floor (from before) does not lower it
        con.execute("INSERT INTO settings VALUES ('security.min_password_length', '4', 'x', now())")
    assert auth.min_password_length() == 10


def test_the_login_form_shows_no_traceback_when_the_store_fails(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP, _allow_apptest_state

    _allow_apptest_state()

    def broken(*a, **k):
        raise duckdb.TransactionException("Conflict on tuple deletion in /srv/secret/path/edu.duckdb")

    monkeypatch.setattr(auth, "verify", broken)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input("anyone")
    at.text_input[1].input("Some-pass-123")
    at.button[0].click().run()
    assert not at.exception
    shown = " ".join(str(e.value) for e in [*at.error, *at.markdown, *at.caption])
    assert "登录服务暂时出错" in shown and "/srv/secret" not in shown and "Conflict" not in shown


def test_uncaught_errors_show_no_details():
    text = (config.ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'showErrorDetails = "none"' in text  # the legacy `false` still shows the traceback


# ------------------------------------------------------------------ sessions end together
def test_logout_in_one_tab_ends_the_others_and_their_renewed_cookies(fresh_db):
    auth.create_user(ADMIN, "he", roles=["county"], password="Right-pass-1", must_change=False)
    account = auth.verify("he", "Right-pass-1")
    stamp, t0 = account.session_stamp, time.time()
    tab_a, tab_b = t0, t0 + 0.5  # two tabs, logged in (or resumed) before the logout
    renewed_b = auth_tokens.issue("he", stamp, now=t0 + 1, ttl_s=600, since=tab_b)  # B renews its cookie
    epoch = auth.revocation_epoch()
    auth_tokens.revoke("he", now=t0 + 2)  # tab A logs out
    assert auth.revocation_epoch() != epoch  # running sessions of this process look at once
    assert auth.session_account("he", stamp, since=tab_a) is None
    assert auth.session_account("he", stamp, since=tab_b) is None
    assert auth_tokens.account_from_token(renewed_b, now=t0 + 3) is None
    # a cookie B mints after the logout still carries B's login time: void too
    late = auth_tokens.issue("he", stamp, now=t0 + 4, ttl_s=600, since=tab_b)
    assert auth_tokens.account_from_token(late, now=t0 + 5) is None
    # logging in again afterwards works
    assert auth.session_account("he", stamp, since=t0 + 6).name == "he"


def test_a_password_change_ends_every_other_session_at_once(fresh_db):
    auth.create_user(ADMIN, "lv", roles=["county"], password="Right-pass-1", must_change=False)
    account = auth.verify("lv", "Right-pass-1")
    epoch = auth.revocation_epoch()
    changed = auth.set_password("lv", "Other-pass-22", current_password="Right-pass-1")
    assert auth.revocation_epoch() != epoch
    assert auth.session_account("lv", account.session_stamp, since=time.time() - 5) is None
    assert auth.session_account("lv", changed.session_stamp, since=time.time()).name == "lv"


# ------------------------------------------------------------------ the cookie key
def test_a_cookie_forged_with_the_key_a_backup_carried_is_refused(fresh_db):
    auth.create_user(ADMIN, "kong", roles=["admin"], password="Right-pass-1", must_change=False)
    stamp = auth.get_account("kong").session_stamp
    with store.connect() as con:  # an old store kept its key in meta: every backup carried it
        store.set_meta(con, "session_key", "ab" * 32)
    auth_tokens._PURGED.discard(str(fresh_db.resolve()))
    forged = auth_tokens.sign(
        {"u": "kong", "s": stamp, "iat": time.time(), "exp": time.time() + 600}, bytes.fromhex("ab" * 32)
    )
    assert auth_tokens.account_from_token(forged, now=time.time()) is None
    with store.connect() as con:
        assert store.get_meta(con, "session_key") is None  # purged from the store
    key_file = secure.key_path(secure.SESSION_KEY)
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert bytes.fromhex("ab" * 32) != auth_tokens.signing_key()


def test_rotate_key_ends_every_session(fresh_db, capsys):
    auth.create_user(ADMIN, "yan", roles=["county"], password="Right-pass-1", must_change=False)
    stamp, t0 = auth.get_account("yan").session_stamp, time.time()
    token = auth_tokens.issue("yan", stamp, now=t0, ttl_s=600)
    old_key = auth_tokens.signing_key()
    assert cli.main(["rotate-key", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rotated"] is True
    assert auth_tokens.signing_key() != old_key
    assert auth_tokens.account_from_token(token, now=t0 + 1) is None  # cookies: old key
    assert auth.session_account("yan", stamp, since=t0) is None  # running sessions end too
    actions = store.read_frame("SELECT action FROM audit_log WHERE action = 'session_key_rotated'")
    assert len(actions) == 1


# ------------------------------------------------------------------ file modes
def test_a_new_store_is_owner_only_in_an_owner_only_folder(tmp_path, monkeypatch):
    folder = tmp_path / "fresh-data"
    db = folder / "edu.duckdb"
    with store.connect(db) as con:
        con.execute("SELECT 1")
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_an_existing_world_readable_store_is_made_owner_only_on_open(fresh_db: Path):
    fresh_db.chmod(0o644)
    with store.connect(fresh_db):
        pass
    assert stat.S_IMODE(os.stat(fresh_db).st_mode) == 0o600
