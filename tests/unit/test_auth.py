"""Accounts, passwords, lockout, first start, refresh tokens and the CLI's ``user`` / ``--user``."""

from __future__ import annotations

import io
import json
import stat
import sys
from datetime import timedelta

import pytest

from lib import cli
from lib.access import auth
from lib.access import tokens as auth_tokens
from lib.core import config, permissions, store
from lib.core.scope import Scope

ADMIN = Scope(user="boss", role="admin")
TOWN = "411503101"


def _audit(action: str, user: str | None = None) -> list[dict]:
    sql = "SELECT user_name, action, detail FROM audit_log WHERE action = ?" + (
        " AND user_name = ?" if user else ""
    )
    rows = store.read_frame(sql + ' ORDER BY "at"', params=[action, *([user] if user else [])])
    return [{**r, "detail": json.loads(r["detail"] or "{}")} for r in rows.to_dict(orient="records")]


# ------------------------------------------------------------------ pure
def test_hash_is_salted_argon2id_and_checks():
    a, b = auth.hash_password("Same-pass-1"), auth.hash_password("Same-pass-1")
    assert a != b and a.startswith("$argon2id$")
    assert auth.check_password(a, "Same-pass-1")
    assert not auth.check_password(a, "same-pass-1")
    assert not auth.check_password(None, "x") and not auth.check_password("garbage", "x")


def test_password_policy_names_each_problem():
    assert auth.password_problems("Good-pass-9", name="wang", min_length=8) == []
    assert auth.password_problems("short", name="wang", min_length=8)
    assert auth.password_problems("Wang.2026", name="wang.2026", min_length=8)  # the user name
    assert auth.password_problems("aaaaaaaaaa", name="wang", min_length=8)


def test_token_signature_expiry_and_tampering():
    key = b"k" * 32
    token = auth_tokens.sign({"u": "a", "exp": 10}, key)
    assert auth_tokens.unsign(token, key) == {"u": "a", "exp": 10}
    _body, mac = token.split(".")
    forged = auth_tokens.sign({"u": "admin", "exp": 10}, b"x" * 32)
    assert auth_tokens.unsign(f"{forged.split('.')[0]}.{mac}", key) is None
    assert auth_tokens.unsign(forged, key) is None
    for junk in ("", "abc", "a.b.c", "%%%.%%%"):
        assert auth_tokens.unsign(junk, key) is None


def test_cookie_script_sets_and_deletes():
    assert "edu_session=abc; Path=/; Max-Age=60; SameSite=Strict" in auth_tokens.cookie_script(
        "abc", max_age_s=60
    )
    assert "edu_session=; Path=/; Max-Age=0" in auth_tokens.cookie_script(None, max_age_s=60)


# ------------------------------------------------------------------ store
def test_first_start_creates_admin_once_with_an_owner_only_file(fresh_db, tmp_path):
    with store.transaction() as con:
        con.execute("DELETE FROM accounts")
    out, pw_file = io.StringIO(), tmp_path / "pw.txt"
    password = auth.ensure_admin(password_file=pw_file, stream=out)
    assert password and password in out.getvalue()
    assert pw_file.read_text().split() == ["admin", password]
    assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
    assert auth.verify("admin", password).must_change
    assert auth.ensure_admin(password_file=pw_file, stream=io.StringIO()) is None  # never twice


def test_only_admins_manage_accounts_and_codes_must_exist(fresh_db):
    with pytest.raises(permissions.NotPermitted):
        auth.create_user(Scope(user="c", role="county"), "x1", roles=["county"])
    with pytest.raises(auth.AuthError, match="乡镇"):
        auth.create_user(ADMIN, "x2", roles=["township"], townships=["999999999"])
    temp = auth.create_user(ADMIN, "x3", roles=["township"], townships=[TOWN])
    assert temp and auth.get_account("x3").must_change
    with pytest.raises(auth.AuthError, match="已存在"):
        auth.create_user(ADMIN, "x3", roles=["county"])
    created = _audit("account_created", "boss")
    assert created[-1]["detail"]["account"] == "x3"


def test_wrong_passwords_lock_the_account_then_it_unlocks(fresh_db):
    auth.create_user(ADMIN, "li", roles=["county"], password="Right-pass-1", must_change=False)
    limit = config.DEFAULTS["security"]["max_failed_logins"]
    now = auth.clock()
    for _ in range(limit - 1):
        with pytest.raises(auth.LoginFailed) as exc:
            auth.verify("li", "wrong", now=now)
        assert not isinstance(exc.value, auth.AccountLocked)
    with pytest.raises(auth.AccountLocked):
        auth.verify("li", "wrong", now=now)
    with pytest.raises(auth.AccountLocked):  # even the right password, while locked
        auth.verify("li", "Right-pass-1", now=now + timedelta(minutes=1))
    later = now + timedelta(minutes=config.DEFAULTS["security"]["lockout_minutes"] + 1)
    assert auth.verify("li", "Right-pass-1", now=later).name == "li"
    reasons = [e["detail"]["reason"] for e in _audit("login_failed", "li")]
    assert reasons.count("wrong_password") == limit and "locked" in reasons
    assert len(_audit("account_locked", "li")) == 1 and _audit("login", "li")


def test_unknown_user_and_wrong_password_look_the_same(fresh_db):
    auth.create_user(ADMIN, "zhao", roles=["county"], password="Right-pass-1", must_change=False)
    with pytest.raises(auth.LoginFailed) as unknown:
        auth.verify("nobody", "Right-pass-1")
    with pytest.raises(auth.LoginFailed) as wrong:
        auth.verify("zhao", "nope")
    assert str(unknown.value) == auth.WRONG_LOGIN == str(wrong.value)[: len(auth.WRONG_LOGIN)]


def test_password_change_ends_other_sessions_and_tokens(fresh_db):
    auth.create_user(ADMIN, "sun", roles=["county"], password="Right-pass-1", must_change=False)
    account = auth.verify("sun", "Right-pass-1")
    token = auth_tokens.issue("sun", account.session_stamp, now=1000.0, ttl_s=600)
    assert auth_tokens.account_from_token(token, now=1100.0).name == "sun"
    assert auth_tokens.account_from_token(token, now=1700.0) is None  # expired
    changed = auth.set_password("sun", "Other-pass-2", current_password="Right-pass-1")
    assert auth.session_account("sun", account.session_stamp) is None
    assert auth.session_account("sun", changed.session_stamp).name == "sun"
    assert auth_tokens.account_from_token(token, now=1100.0) is None


def test_logout_voids_earlier_tokens_only(fresh_db):
    auth.create_user(ADMIN, "zhou", roles=["county"], password="Right-pass-1", must_change=False)
    stamp = auth.get_account("zhou").session_stamp
    import time

    t0 = time.time()
    before = auth_tokens.issue("zhou", stamp, now=t0, ttl_s=600)
    auth_tokens.revoke("zhou", now=t0 + 1)
    after = auth_tokens.issue("zhou", stamp, now=t0 + 2, ttl_s=600)
    assert auth_tokens.account_from_token(before, now=t0 + 3) is None
    assert auth_tokens.account_from_token(after, now=t0 + 3).name == "zhou"
    auth.disable(ADMIN, "zhou")
    assert auth_tokens.account_from_token(after, now=t0 + 3) is None


def test_account_scope_is_its_territory(fresh_db):
    auth.create_user(ADMIN, "town1", roles=["township"], townships=[TOWN], password="Right-pass-1")
    scope = auth.scope_for(auth.get_account("town1"))
    assert scope.townships == (TOWN,) and scope.mask and scope.role == "township"
    assert scope.narrow(townships=("411503102",)).townships == ()  # a URL cannot widen it


def test_last_admin_cannot_be_removed(fresh_db):
    with store.transaction() as con:
        con.execute("DELETE FROM accounts")
    auth.create_user(ADMIN, "root", roles=["admin"], password="Right-pass-1")
    with pytest.raises(auth.AuthError, match="管理员"):
        auth.update_user(ADMIN, "root", roles=["county"])
    with pytest.raises(auth.AuthError):
        auth.disable(Scope(user="root", role="admin"), "root")


def test_docs_matrix_is_the_code_matrix():
    assert auth.matrix_markdown() in (config.ROOT / "docs" / "security.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ CLI
def _cli(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_user_add_reads_the_password_from_stdin(fresh_db, monkeypatch, capsys):
    code, out, _ = _cli(
        monkeypatch,
        capsys,
        ["user", "add", "wang", "--role", "township", "--township", TOWN, "--json"],
        stdin="Wang-pass-2026\n",
    )
    assert code == 0 and json.loads(out)["townships"] == [TOWN]
    assert auth.verify("wang", "Wang-pass-2026").must_change
    assert _audit("account_created", "local-operator")[-1]["detail"]["account"] == "wang"
    code, out, _ = _cli(monkeypatch, capsys, ["user", "add", "lead", "--role", "leader", "--json"])
    assert code == 0 and auth.verify("lead", json.loads(out)["temporary_password"]).roles == ("leader",)
    code, _, err = _cli(monkeypatch, capsys, ["--user", "lead", "user", "add", "x9", "--role", "county"])
    assert code == 1 and "无权管理账号" in err


def test_cli_user_scope_never_widens_and_is_audited(fresh_db, monkeypatch, capsys):
    auth.create_user(ADMIN, "wang2", roles=["township"], townships=[TOWN], password="Wang-pass-2026")
    code, out, _ = _cli(monkeypatch, capsys, ["--user", "wang2", "risk", "--top", "500", "--json"])
    rows = json.loads(out)
    assert code == 0 and rows
    ids = tuple(r["student_id"] for r in rows)
    with store.connect() as con:
        outside = con.execute(
            f"SELECT count(*) FROM students st JOIN schools s ON s.code = st.school_code "
            f"LEFT JOIN villages v ON v.code = st.village_code "
            f"WHERE st.student_id IN ({','.join('?' * len(ids))}) "
            f"AND s.township_code <> ? AND coalesce(v.township_code, '') <> ?",
            [*ids, TOWN, TOWN],
        ).fetchone()[0]
    assert outside == 0  # attends a school there or lives in one of its villages, nobody else
    assert all("*" in r["masked_id"] for r in rows if r["masked_id"])
    code, _, err = _cli(monkeypatch, capsys, ["--user", "wang2", "risk", "--township", "411503102"])
    assert code == 1 and "不在" in err
    assert _audit("view_list", "wang2")
    code, _, _ = _cli(monkeypatch, capsys, ["risk", "--top", "3"])
    assert code == 0 and _audit("view_list", "local-operator")


def test_cli_planner_may_not_read_named_lists(fresh_db, monkeypatch, capsys):
    auth.create_user(ADMIN, "plan1", roles=["planner"], password="Plan-pass-2026")
    code, _, err = _cli(monkeypatch, capsys, ["--user", "plan1", "risk"])
    assert code == 1 and "无权" in err
    code, _, _ = _cli(monkeypatch, capsys, ["--user", "plan1", "coverage", "--json"])
    assert code == 0
