"""Accounts, passwords and logins: who is at the keyboard, and what their Scope is.

The embedded default keeps accounts in the store's ``accounts`` table with
salted, slow argon2id hashes (argon2-cffi's :class:`~argon2.PasswordHasher`).
Every good and bad login, logout, password change and account change is
appended to the audit log in the same transaction as the change it records;
a password hash never enters the log.

Time: lockouts and password stamps use the store's clock (like the audit
log's timestamp); functions take ``now`` so that tests can set it.  Nothing
here imports streamlit: the login form is :func:`lib.ui.login.login_gate`.

Under load: attempts on one user name are serialised (a lock per name in this
process) and a write conflict with another process is retried, so that every
failure is counted and audited and a right password among wrong ones is not
refused.  An unknown user name is answered exactly as a known one with a wrong
password, including "再错 N 次" and the lockout (counted in memory), so names
cannot be told apart by the answers.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from lib.core import config, permissions, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.i18n import t
from lib.core.scope import Scope

#: The account created on first start.
ADMIN_NAME = "admin"
#: Who the CLI acts as when no ``--user`` is given (see docs/security.md).
LOCAL_OPERATOR = "local-operator"
#: Who system steps (first start, provisioning) are recorded as.
SYSTEM_USER = "system"

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,63}$")
#: Temporary passwords: no 0/O, 1/l/I, so that they can be read out over the phone.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_HASHER = PasswordHasher()


# Hashed once, so that an unknown user name costs as much time as a wrong password; made on the
# first unknown-name login, not at import (an argon2id hash costs 0.2-0.8 s, which every CLI
# command and the app's start-up paid before).
@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


WRONG_LOGIN = "用户名或密码错误。"
#: The policy's floor: a setting can raise the minimum length, never lower it below this.
MIN_PASSWORD_FLOOR = 10


class AuthError(AppError, ValueError):
    """An account operation failed (message in Chinese, for the UI and the CLI)."""


class LoginFailed(AuthError):
    """The login was refused (wrong name or password, locked or disabled account)."""


class AccountLocked(LoginFailed):
    """Too many wrong passwords: the account is locked for a while."""


class AccountConflict(AuthError):
    """The account was changed by someone else after the form was shown: nothing was saved.

    ``fields``: field -> (value when the form was shown, value now, value typed);
    ``current``: the account as it is now; ``by``/``at``: who changed it last and when.
    """

    def __init__(
        self,
        current: Account,
        fields: dict[str, tuple[Any, Any, Any]],
        by: str | None = None,
        at: Any = None,
        typed: dict[str, Any] | None = None,
    ) -> None:
        when = f"于 {str(at)[:16]} " if at is not None else ""
        what = "、".join(FIELD_LABELS.get(f, f) for f in fields)
        super().__init__(
            f"账号 {current.name} 在您打开此页后已被 {by or '其他管理员'} {when}修改了{what}：未保存任何内容。"
            "您填写的内容仍在表单中：核对现值后再次保存即以您的为准，或重新载入。"
        )
        self.current, self.fields, self.by, self.at = current, fields, by, at
        # every field the user changed (not only the conflicting ones): all of it stays in the form
        self.typed = typed if typed is not None else {f: mine for f, (_, _, mine) in fields.items()}

    def __reduce__(self):  # picklable (session state is serialised)
        return (AccountConflict, (self.current, self.fields, self.by, self.at, self.typed))

    def shown(self) -> Account:
        """What the form shows next: the account as it is now, with everything the user typed."""
        return replace(self.current, **self.typed)

    def frame(self) -> pd.DataFrame:
        """字段, 打开时, 现在, 修改人, 您填写的: one line per conflicting field."""
        return pd.DataFrame(
            [
                (FIELD_LABELS.get(f, f), _field_text(b), _field_text(n), self.by or "—", _field_text(m))
                for f, (b, n, m) in self.fields.items()
            ],
            columns=["字段", "打开时", "现在", "修改人", "您填写的"],
        )


#: Columns of the account list and of an account conflict that name staff (never a child):
#: shown as they are to the administrator, who must see who holds an account.
STAFF_NAME_COLUMNS = ("姓名", "打开时", "现在", "修改人", "您填写的")

#: Chinese names of the account fields a form edits.
FIELD_LABELS = {
    "roles": "角色",
    "townships": "乡镇范围",
    "school": "学校范围",
    "classes": "班级范围",
    "display_name": "姓名",
    "disabled": "停用",
}


def _field_text(v: Any) -> str:
    if v is None or v == ():
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, tuple):
        return "、".join(permissions.ROLES.get(x, x) for x in v)
    return str(v)


class PasswordPolicyError(AuthError):
    """The new password does not meet the policy."""


@dataclass(frozen=True)
class Account:
    """One row of ``accounts``, without the password hash."""

    name: str
    display_name: str
    roles: tuple[str, ...]
    townships: tuple[str, ...] | None = None
    school: str | None = None
    must_change: bool = False
    disabled: bool = False
    failed_count: int = 0
    locked_until: datetime | None = None
    password_changed_at: datetime | None = None
    last_login_at: datetime | None = None
    tokens_revoked_at: datetime | None = None
    classes: tuple[str, ...] | None = None

    @property
    def role(self) -> str:
        """The roles joined by ``+`` as :attr:`Scope.role` carries them (``admin+county``)."""
        return "+".join(self.roles)

    @property
    def session_stamp(self) -> str:
        """Changes whenever the password does: a session started before it is over."""
        return self.password_changed_at.isoformat() if self.password_changed_at else ""


# ------------------------------------------------------------------ pure helpers
def hash_password(password: str) -> str:
    """An argon2id hash (salted; parameters are argon2-cffi's defaults)."""
    return _HASHER.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Does ``password`` match ``password_hash``?  A missing or damaged hash never matches."""
    if not password_hash:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def temporary_password(length: int | None = None) -> str:
    """A random password from :mod:`secrets` (letters and digits, none look alike)."""
    n = int(length or config.SETTINGS["security"]["temporary_password_length"])
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(n))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def password_problems(password: str, *, name: str, min_length: int) -> list[str]:
    """What is wrong with a new password (empty list = acceptable).

    >>> password_problems("abc", name="x", min_length=8)
    ['密码至少需要 8 个字符。']
    """
    problems = []
    if len(password) < min_length:
        problems.append(f"密码至少需要 {min_length} 个字符。")
    if password.strip().lower() == name.strip().lower():
        problems.append("密码不能与用户名相同。")
    if is_common_password(password):
        problems.append("这是常见密码，很容易被猜中，请换一个。")
    if password and len(set(password)) == 1:
        problems.append("密码不能由同一个字符重复组成。")
    if password != password.strip():
        problems.append("密码首尾不能有空格。")
    return problems


#: Passwords common among Chinese users that the English-language list below lacks.
_COMMON_EXTRA = frozenset(
    {
        "woaini1314",
        "woaini520",
        "5201314",
        "5201314520",
        "1314520520",
        "1qaz2wsx3edc",
        "1q2w3e4r5t",
        "qwe123456",
        "qq123456789",
        "a123456789",
        "aa123456789",
        "abc123456789",
        "zxcvbnm123",
        "88888888",
        "666666666",
        "iloveyou1314",
        "admin12345",
        "admin123456",
        "password1234",
    }
)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's list (PyPI ``zxcvbn``, MIT), and ours."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 0.8 MB of data: loaded on the first check

    return frozenset(FREQUENCY_LISTS["passwords"]) | _COMMON_EXTRA


def is_common_password(password: str) -> bool:
    """Is ``password`` (ignoring case, and digits or signs added at its end) a common one?

    >>> is_common_password("Password2026!")
    True
    """
    low = password.strip().lower()
    base = re.sub(r"[\d\W_]+$", "", low)
    common = _common_passwords()
    return low in common or (len(base) >= 4 and base in common) or (low.isdigit() and len(set(low)) <= 2)


def parse_roles(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"admin+county"`` or ``["county", "admin"]`` -> roles in the matrix's order, no duplicates."""
    if value is None:
        return ()
    items = value.split("+") if isinstance(value, str) else list(value)
    order = list(permissions.ROLES)
    held = {r.strip() for r in items if r and r.strip()}
    return tuple(sorted(held, key=lambda r: (order.index(r) if r in order else len(order), r)))


def _parse_codes(value: str | None) -> tuple[str, ...] | None:
    if value is None or str(value).strip() == "":
        return None
    return tuple(sorted({c.strip() for c in str(value).split(",") if c.strip()}))


def scope_for(account: Account, *, as_of: date | None = None, county: str = config.COUNTY_CODE) -> Scope:
    """The widest Scope ``account`` may see: its roles, townships, school and classes, masked.

    A township account sees its townships (children attending or living there);
    a school account its school; a class teacher's account (school and classes) the pupils
    of its classes.  ``mask`` is always True here: unmasking is a
    per-session step with a reason, done by the pages that offer it.
    """
    return Scope(
        county=county,
        townships=account.townships,
        schools=(account.school,) if account.school else None,
        classes=account.classes,
        as_of=as_of or config.DEMO_AS_OF,
        mask=True,
        user=account.name,
        role=account.role,
    )


def describe_account(account: Account) -> str:
    """One line for the audit log's scope column: roles and territory (no secrets)."""
    parts = [permissions.describe_roles(account.role)]
    if account.townships:
        parts.append("乡镇=" + ",".join(account.townships))
    if account.school:
        parts.append("学校=" + account.school)
    if account.classes:
        parts.append("班级=" + ",".join(account.classes))
    return " ".join(parts)


def rights_table(scope_or_role: Scope | str, *, lang: str = "zh") -> pd.DataFrame:
    """The actions of the matrix the user may do, in ``lang`` (for 我的账号)."""
    allowed = [
        t(permissions.ACTION_LABELS.get(a, a), lang)
        for a in permissions.MATRIX
        if permissions.can(scope_or_role, a)
    ]
    return pd.DataFrame({"可以": allowed or [t("(无)", lang)]})


def matrix_markdown() -> str:
    """The role × action matrix as a Markdown table (printed in docs/security.md)."""
    roles = list(permissions.ROLES)
    head = "| 操作 (action) | " + " | ".join(f"{permissions.ROLES[r]} ({r})" for r in roles) + " |"
    rule = "|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| {permissions.ACTION_LABELS.get(a, a)} (`{a}`) | "
        + " | ".join("✓" if r in permissions.MATRIX[a] else "—" for r in roles)
        + " |"
        for a in permissions.MATRIX
    ]
    return "\n".join([head, rule, *rows])


def session_expired(last_seen: float, now: float, *, idle_minutes: float) -> bool:
    """Has a session been idle (no interaction) for longer than ``idle_minutes``?"""
    return now - last_seen > idle_minutes * 60


def security_settings(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Any]:
    """The ``security`` block of the effective settings (defaults ∘ TOML ∘ stored overrides)."""
    merged = settings_store.effective_settings(con)
    return {**config.DEFAULTS["security"], **merged.get("security", {})}


def min_password_length(con: duckdb.DuckDBPyConnection | None = None) -> int:
    """The minimum length of a new password: the setting, never below :data:`MIN_PASSWORD_FLOOR`."""
    return max(MIN_PASSWORD_FLOOR, int(security_settings(con)["min_password_length"]))


def check_password_policy(password: str, *, name: str, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Raise :class:`PasswordPolicyError` unless ``password`` meets the policy."""
    problems = password_problems(password, name=name, min_length=min_password_length(con))
    if problems:
        raise PasswordPolicyError("".join(problems))


# ------------------------------------------------------------------ store access
_COLUMNS = (
    "name, display_name, roles, townships, school, must_change, disabled, failed_count, "
    "locked_until, password_changed_at, last_login_at, tokens_revoked_at, classes"
)


def _clock(con: duckdb.DuckDBPyConnection) -> datetime:
    """The store's clock, as the audit log's timestamp reads it."""
    return con.execute("SELECT now()::TIMESTAMP").fetchone()[0]


def _to_account(row: tuple) -> Account:
    name, display, roles, towns, school, must, disabled, failed, locked, changed, last, revoked, classes = row
    return Account(
        name=name,
        display_name=display or name,
        roles=parse_roles(roles),
        townships=_parse_codes(towns),
        school=school or None,
        must_change=bool(must),
        disabled=bool(disabled),
        failed_count=int(failed or 0),
        locked_until=locked,
        password_changed_at=changed,
        last_login_at=last,
        tokens_revoked_at=revoked,
        classes=_parse_codes(classes),
    )


def _load(con: duckdb.DuckDBPyConnection, name: str) -> Account | None:
    row = con.execute(f"SELECT {_COLUMNS} FROM accounts WHERE name = ?", [name]).fetchone()
    return _to_account(row) if row else None


def _hash_of(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    row = con.execute("SELECT password_hash FROM accounts WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def _audit(con: duckdb.DuckDBPyConnection, user: str, action: str, scope: str, **detail: Any) -> None:
    store.audit(
        con,
        user=user[:64],
        action=action,
        scope=scope,
        detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
    )


def get_account(name: str, *, path: Path | None = None) -> Account | None:
    """The account called ``name`` (None if there is none)."""
    with store.connect(path) as con:
        return _load(con, name)


def has_accounts(*, path: Path | None = None) -> bool:
    with store.connect(path) as con:
        return con.execute("SELECT count(*) FROM accounts").fetchone()[0] > 0


def list_accounts(scope: Scope, *, path: Path | None = None) -> pd.DataFrame:
    """Every account for the administrators' page (never the hashes).

    Raises
    ------
    permissions.NotPermitted
        The user may not manage accounts.
    """
    permissions.require(scope, "manage_accounts")
    return store.read_frame(
        f"SELECT {_COLUMNS}, created_at, created_by, updated_at, updated_by FROM accounts ORDER BY name",
        path=path,
    )


def accounts_table(
    accounts: pd.DataFrame,
    *,
    township_names: dict[str, str],
    school_names: dict[str, str],
    now: datetime,
    lang: str = "zh",
) -> pd.DataFrame:
    """:func:`list_accounts` for people: Chinese headers, role and place names, a status word
    (role names, status words and 全区 in ``lang``)."""

    def status(row: Any) -> str:
        if row.disabled:
            return t("已停用", lang)
        if pd.notna(row.locked_until) and row.locked_until > now:
            return t("锁定至 {time}", lang).format(time=f"{row.locked_until:%H:%M}")
        return t("须改密" if row.must_change else "正常", lang)

    def places(codes: Any) -> str:
        parsed = _parse_codes(codes if isinstance(codes, str) else None)
        return (
            t("list_sep", lang).join(township_names.get(c, c) for c in parsed) if parsed else t("全区", lang)
        )

    return pd.DataFrame(
        {
            "用户名": accounts["name"],
            "姓名": accounts["display_name"],
            "角色": accounts["roles"].map(lambda r: permissions.describe_roles(r, lang=lang)),
            "乡镇范围": accounts["townships"].map(places),
            "学校": accounts["school"].map(
                lambda c: school_names.get(c, c) if isinstance(c, str) and c else ""
            ),
            "班级": accounts["classes"].fillna("").str.replace(",", "、") if "classes" in accounts else "",
            "状态": [status(r) for r in accounts.itertuples()],
            "最近登录": pd.to_datetime(accounts["last_login_at"]).dt.strftime("%Y-%m-%d %H:%M").fillna(""),
        }
    )


def clock(*, path: Path | None = None) -> datetime:
    """The store's current time (the clock lockouts are measured by)."""
    with store.connect(path) as con:
        return _clock(con)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_PATTERN.match(name):
        raise AuthError("用户名须为 2-64 个字母、数字或 _ . @ + -，以字母或数字开头。")
    return name


def _check_roles(roles: Iterable[str], *, strict: bool = True) -> tuple[str, ...]:
    held = parse_roles(roles)
    if not held:
        raise AuthError("至少需要一个角色。")
    unknown = [r for r in held if r not in permissions.ROLES]
    if unknown and strict:
        raise AuthError(f"未知的角色：{'、'.join(unknown)}（可选：{'、'.join(permissions.ROLES)}）。")
    return held


#: A class as an account names it: grade and class number, ``7-2``.
CLASS_PATTERN = re.compile(r"^[1-9]-[1-9][0-9]?$")


def parse_classes(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """``"7-2, 7-3"`` or ``["7-2"]`` -> ``("7-2", "7-3")``; None or empty -> None (every class).

    Raises
    ------
    AuthError
        A class not written as grade-class (``7-2``).
    """
    if value is None:
        return None
    if isinstance(value, str):  # as people type it: 7-2，7-3 or 7－2、7－3
        value = re.sub(r"[，、;；\s]+", ",", value.replace("－", "-").replace("—", "-"))
    items = value.split(",") if isinstance(value, str) else list(value)
    held = sorted({c.strip() for c in items if c and c.strip()})
    bad = [c for c in held if not CLASS_PATTERN.match(c)]
    if bad:
        raise AuthError(f"班级须写作“年级-班”，如 7-2：{'、'.join(bad)}。")
    return tuple(held) or None


def _check_territory(
    con: duckdb.DuckDBPyConnection,
    roles: tuple[str, ...],
    townships: tuple[str, ...] | None,
    school: str | None,
    classes: tuple[str, ...] | None = None,
) -> None:
    """Codes must exist in the store; township and school roles need their territory; classes
    belong to a school and only to a 师长 account (a class restricts every role it holds)."""
    if classes and not school:
        raise AuthError("班级范围须同时指定学校。")
    if classes and set(roles) - {"teacher"}:
        raise AuthError("只有师长(班主任)账号可以限定班级。")
    if townships:
        known = {r[0] for r in con.execute("SELECT code FROM townships").fetchall()}
        bad = [c for c in townships if c not in known]
        if bad:
            raise AuthError(f"未知的乡镇代码：{'、'.join(bad)}。")
    if school:
        if not con.execute("SELECT count(*) FROM schools WHERE code = ?", [school]).fetchone()[0]:
            raise AuthError(f"未知的学校标识码：{school}。")
    if "township" in roles and not townships:
        raise AuthError("乡镇角色须指定至少一个乡镇。")
    if "school" in roles and not school:
        raise AuthError("学校角色须指定一所学校。")


def _territory(
    townships: Iterable[str] | None, school: str | None
) -> tuple[tuple[str, ...] | None, str | None]:
    towns = tuple(sorted({t.strip() for t in townships if t and t.strip()})) if townships else None
    return (towns or None), ((school or "").strip() or None)


def _insert(
    con: duckdb.DuckDBPyConnection,
    *,
    name: str,
    display_name: str,
    roles: tuple[str, ...],
    townships: tuple[str, ...] | None,
    school: str | None,
    password: str,
    must_change: bool,
    actor: str,
    now: datetime,
    classes: tuple[str, ...] | None = None,
) -> None:
    con.execute(
        "INSERT INTO accounts (name, display_name, roles, townships, school, password_hash, must_change, "
        "disabled, failed_count, locked_until, password_changed_at, last_login_at, created_at, created_by, "
        "updated_at, updated_by, classes) VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, 0, NULL, ?, NULL, ?, ?, ?, ?, ?)",
        [
            name,
            display_name or name,
            "+".join(roles),
            ",".join(townships) if townships else None,
            school,
            hash_password(password),
            must_change,
            now,
            now,
            actor,
            now,
            actor,
            ",".join(classes) if classes else None,
        ],
    )


def create_user(
    actor: Scope,
    name: str,
    *,
    roles: Iterable[str],
    password: str | None = None,
    display_name: str = "",
    townships: Iterable[str] | None = None,
    school: str | None = None,
    must_change: bool = True,
    path: Path | None = None,
    classes: str | Iterable[str] | None = None,
) -> str | None:
    """Add an account (one transaction, audited with who and what).

    Parameters
    ----------
    actor
        The administrator's Scope (needs ``manage_accounts``).
    password
        The initial password; None = a random temporary one, returned once.
    must_change
        The user must choose a new password at first login.

    Returns
    -------
    str or None
        The generated temporary password, if one was generated.

    Raises
    ------
    AuthError
        Bad name, role, township or school code, or the name is taken.
    PasswordPolicyError
        ``password`` does not meet the policy.
    permissions.NotPermitted
        ``actor`` may not manage accounts.
    """
    permissions.require(actor, "manage_accounts")
    name = _check_name(name)
    held = _check_roles(roles)
    towns, school = _territory(townships, school)
    classes = parse_classes(classes)
    generated = password is None
    password = temporary_password() if generated else password
    with store.transaction(path) as con:
        if _load(con, name) is not None:
            raise AuthError(f"用户名 {name} 已存在。")
        _check_territory(con, held, towns, school, classes)
        if not generated:
            check_password_policy(password, name=name, con=con)
        _insert(
            con,
            name=name,
            display_name=display_name.strip(),
            roles=held,
            townships=towns,
            school=school,
            password=password,
            must_change=must_change,
            actor=actor.user,
            now=_clock(con),
            classes=classes,
        )
        account = _load(con, name)
        _audit(
            con,
            actor.user,
            "account_created",
            actor.describe(),
            account=name,
            roles=account.role,
            townships=account.townships,
            school=account.school,
            classes=account.classes,
        )
    return password if generated else None


_KEEP: Any = object()


def update_user(
    actor: Scope,
    name: str,
    *,
    roles: Iterable[str] | None = None,
    display_name: str | None = None,
    townships: Iterable[str] | Any | None = _KEEP,
    school: str | Any | None = _KEEP,
    base: Account | None = None,
    path: Path | None = None,
    classes: str | Iterable[str] | Any | None = _KEEP,
) -> Account:
    """Change an account's roles, territory or display name; audits old and new values.

    Arguments left out keep their value (``townships=None`` clears the restriction).
    No lost update: with ``base`` (the account as the form showed it) only the fields that differ
    from ``base`` are written, and only if each still holds its ``base`` value (compare-and-set);
    otherwise :class:`AccountConflict` names them and nothing is written.

    Raises
    ------
    AuthError
        Unknown account, bad role or code, or an administrator would lock everyone out.
    AccountConflict
        A field the user changed was changed by someone else since ``base``.
    permissions.NotPermitted
        ``actor`` may not manage accounts.
    """
    permissions.require(actor, "manage_accounts")
    with store.transaction(path) as con:
        old = _load(con, name)
        if old is None:
            raise AuthError(f"没有账号 {name}。")
        held = _check_roles(roles) if roles is not None else old.roles
        towns = old.townships if townships is _KEEP else _territory(townships, None)[0]
        sch = old.school if school is _KEEP else _territory(None, school)[1]
        cls = old.classes if classes is _KEEP else parse_classes(classes)
        if base is not None:
            disp = (display_name.strip() or name) if display_name is not None else old.display_name
            mine = {"roles": held, "townships": towns, "school": sch, "display_name": disp, "classes": cls}
            held, towns, sch, display_name, cls = _compare_and_set(con, old, base, mine)
            now = {
                "roles": held,
                "townships": towns,
                "school": sch,
                "display_name": display_name,
                "classes": cls,
            }
            if all(_same_field(f, v, getattr(old, f)) for f, v in now.items()):
                return old  # nothing to write: the stamp of who changed it last stays true
        _check_territory(con, held, towns, sch, cls)
        if "admin" in old.roles and "admin" not in held:
            _keep_an_admin(con, name)
        con.execute(
            "UPDATE accounts SET roles = ?, townships = ?, school = ?, classes = ?, display_name = ?, "
            "updated_at = ?, updated_by = ? WHERE name = ?",
            [
                "+".join(held),
                ",".join(towns) if towns else None,
                sch,
                ",".join(cls) if cls else None,
                (display_name.strip() or name) if display_name is not None else old.display_name,
                _clock(con),
                actor.user,
                name,
            ],
        )
        new = _load(con, name)
        changes = {
            field: {"old": getattr(old, field), "new": getattr(new, field)}
            for field in ("role", "townships", "school", "classes", "display_name")
            if getattr(old, field) != getattr(new, field)
        }
        if changes:
            _audit(con, actor.user, "account_updated", actor.describe(), account=name, changes=changes)
    return new


def _same_field(field: str, a: Any, b: Any) -> bool:
    if field in ("roles", "townships", "classes"):
        return tuple(sorted(a or ())) == tuple(sorted(b or ()))
    return (a or None) == (b or None)


def _compare_and_set(
    con: duckdb.DuckDBPyConnection, old: Account, base: Account, mine: dict[str, Any]
) -> tuple[Any, ...]:
    """The values to write: the fields the user changed against ``base`` (each refused if someone
    changed it meanwhile), the stored value for every other field."""
    changed = [f for f, v in mine.items() if not _same_field(f, v, getattr(base, f))]
    stale = {
        f: (getattr(base, f), getattr(old, f), mine[f])
        for f in changed
        if not _same_field(f, getattr(old, f), getattr(base, f))
        and not _same_field(f, getattr(old, f), mine[f])
    }
    if stale:
        by, at = con.execute(
            "SELECT updated_by, updated_at FROM accounts WHERE name = ?", [old.name]
        ).fetchone()
        raise AccountConflict(old, stale, by, at, {f: mine[f] for f in changed})
    return tuple(mine[f] if f in changed else getattr(old, f) for f in mine)


def _keep_an_admin(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Refuse a change that would leave no enabled administrator."""
    others = con.execute(
        "SELECT count(*) FROM accounts WHERE name <> ? AND NOT coalesce(disabled, FALSE) "
        "AND list_contains(string_split(roles, '+'), 'admin')",
        [name],
    ).fetchone()[0]
    if not others:
        raise AuthError("至少要保留一个启用的管理员账号。")


def disable(
    actor: Scope,
    name: str,
    *,
    disabled: bool = True,
    expected: bool | None = None,
    path: Path | None = None,
) -> None:
    """Disable (or enable again) an account; its open sessions end at their next step.

    ``expected``: whether the account was disabled when the page showed it; if another
    administrator changed that meanwhile, :class:`AccountConflict` says so and nothing is done
    (a stale button must not undo the other's decision).

    Raises
    ------
    AuthError
        Unknown account, or disabling the last enabled administrator (or oneself).
    AccountConflict
        The account's state is no longer ``expected``.
    """
    permissions.require(actor, "manage_accounts")
    with store.transaction(path) as con:
        old = _load(con, name)
        if old is None:
            raise AuthError(f"没有账号 {name}。")
        if expected is not None and old.disabled != expected:
            by, at = con.execute(
                "SELECT updated_by, updated_at FROM accounts WHERE name = ?", [name]
            ).fetchone()
            raise AccountConflict(old, {"disabled": (expected, old.disabled, disabled)}, by, at)
        if disabled and name == actor.user:
            raise AuthError("不能停用自己的账号。")
        if disabled and "admin" in old.roles:
            _keep_an_admin(con, name)
        con.execute(
            "UPDATE accounts SET disabled = ?, updated_at = ?, updated_by = ? WHERE name = ?",
            [disabled, _clock(con), actor.user, name],
        )
        _audit(
            con,
            actor.user,
            "account_disabled" if disabled else "account_enabled",
            actor.describe(),
            account=name,
            old={"disabled": old.disabled},
            new={"disabled": disabled},
        )
    note_revocation()


def reset(actor: Scope, name: str, *, path: Path | None = None) -> str:
    """Give an account a random temporary password (shown once), unlock it, force a change.

    Returns
    -------
    str
        The temporary password, to hand to the user.
    """
    permissions.require(actor, "manage_accounts")
    password = temporary_password()
    with store.transaction(path) as con:
        if _load(con, name) is None:
            raise AuthError(f"没有账号 {name}。")
        now = _clock(con)
        con.execute(
            "UPDATE accounts SET password_hash = ?, must_change = TRUE, failed_count = 0, locked_until = NULL, "
            "password_changed_at = ?, updated_at = ?, updated_by = ? WHERE name = ?",
            [hash_password(password), now, now, actor.user, name],
        )
        _audit(con, actor.user, "password_reset", actor.describe(), account=name)
    note_revocation()
    return password


def set_password(name: str, new_password: str, *, current_password: str, path: Path | None = None) -> Account:
    """A user changes their own password (the current one is asked again).

    Raises
    ------
    AuthError
        The current password is wrong (counted like a failed login is not: the
        user is already logged in), or the account does not exist.
    PasswordPolicyError
        The new password does not meet the policy or equals the current one.
    """
    with store.transaction(path) as con:
        account = _load(con, name)
        if account is None or account.disabled:
            raise AuthError("账号不存在或已停用。")
        stored = _hash_of(con, name)
        wrong = not check_password(stored, current_password)
        if not wrong:
            check_password_policy(new_password, name=name, con=con)
            if check_password(stored, new_password):
                raise PasswordPolicyError("新密码不能与当前密码相同。")
            now = _clock(con)
            con.execute(
                "UPDATE accounts SET password_hash = ?, must_change = FALSE, password_changed_at = ?, "
                "updated_at = ?, updated_by = ? WHERE name = ?",
                [hash_password(new_password), now, now, name, name],
            )
        _audit(
            con,
            name,
            "password_change_failed" if wrong else "password_changed",
            describe_account(account),
            account=name,
        )
        updated = _load(con, name)
    if wrong:
        raise AuthError("当前密码不正确。")
    note_revocation()  # the account's other sessions end at their next step
    return updated


def verify(name: str, password: str, *, now: datetime | None = None, path: Path | None = None) -> Account:
    """Check a login; count failures and lock the account after too many.

    Every attempt, good or bad, is written to the audit log.  A locked account
    is refused without looking at the password, until ``locked_until``.

    Parameters
    ----------
    now
        The time of the attempt (default: the store's clock).

    Returns
    -------
    Account
        The account, logged in (``must_change`` says whether a new password is due first).

    Raises
    ------
    AccountLocked
        Too many wrong passwords (the message says until when).
    LoginFailed
        Wrong name or password, or the account is disabled.
    """
    name = (name or "").strip()
    if not name or not password:
        raise LoginFailed("请输入用户名和密码。")
    with _serialised(name):
        for attempt in range(_RETRIES):
            try:
                # bookkeeping: a login's count and audit line are no page's figures
                with store.transaction(path, bookkeeping=True) as con:
                    outcome = _attempt(con, name, password, now or _clock(con))
                break
            except duckdb.TransactionException:
                # another process wrote the same account row meanwhile: this attempt was rolled
                # back whole (count and audit line included), so it is simply tried again
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


_RETRIES = 5
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _serialised(name: str) -> Iterator[None]:
    """One login attempt at a time per user name in this process (parallel attempts on one
    account would otherwise conflict on its row, and a conflict lost the count and the audit)."""
    key = name.lower()
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
        if len(_LOCKS) > 10_000:  # names tried once and never again: forget the idle ones
            for other in [k for k, v in _LOCKS.items() if k != key and not v.locked()][:5_000]:
                del _LOCKS[other]
    with lock:
        yield


#: Failures of user names that have no account: name -> (failures in a row, locked until).
#: Kept in memory (bounded) so that an unknown name is answered as a known one would be.
_UNKNOWN: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()
_UNKNOWN_MAX = 10_000


def _unknown_failure(name: str, now: datetime, limits: dict[str, Any]) -> tuple[int, datetime | None]:
    """Count a failure of an unknown name like a wrong password: (failures, locked until or None)."""
    key = name.lower()
    failed, until = _UNKNOWN.get(key, (0, None))
    if until is not None and until > now:
        return failed, until
    failed = (0 if until is not None else failed) + 1
    until = None
    if failed >= int(limits["max_failed_logins"]):
        until = now + timedelta(minutes=float(limits["lockout_minutes"]))
    _UNKNOWN[key] = (0 if until else failed, until)
    _UNKNOWN.move_to_end(key)
    while len(_UNKNOWN) > _UNKNOWN_MAX:
        _UNKNOWN.popitem(last=False)
    return failed, until


#: Bumped whenever sessions are ended (logout, password change, account disabled, key rotated):
#: a running session of this process re-reads its account at its next step when it changed.
_REVOCATIONS = [0]


def note_revocation() -> None:
    """Tell this process's running sessions to re-read their accounts at their next step."""
    _REVOCATIONS[0] += 1


def revocation_epoch() -> int:
    """Changes whenever :func:`note_revocation` is called."""
    return _REVOCATIONS[0]


def _attempt(
    con: duckdb.DuckDBPyConnection, name: str, password: str, now: datetime
) -> Account | LoginFailed:
    """One login attempt inside the caller's transaction; returns the refusal instead of raising,
    so that its audit entry and failure count are committed."""
    account = _load(con, name)
    if account is None:
        check_password(_dummy_hash(), password)  # same cost as a real check: names are not revealed by timing
        limits = security_settings(con)
        failed, until = _unknown_failure(name, now, limits)
        _audit(con, name, "login_failed", "", reason="unknown_user", failed=failed)
        return _refusal(failed, until, now, limits)
    where = describe_account(account)
    if account.locked_until is not None and account.locked_until > now:
        _audit(con, name, "login_failed", where, reason="locked", locked_until=account.locked_until)
        return _refusal(0, account.locked_until, now, {})
    stored = _hash_of(con, name)
    if not check_password(stored, password):
        limits = security_settings(con)
        failed = (0 if account.locked_until is not None else account.failed_count) + 1
        if failed >= int(limits["max_failed_logins"]):
            until = now + timedelta(minutes=float(limits["lockout_minutes"]))
            con.execute(
                "UPDATE accounts SET failed_count = 0, locked_until = ? WHERE name = ?", [until, name]
            )
            _audit(con, name, "login_failed", where, reason="wrong_password", failed=failed)
            _audit(con, name, "account_locked", where, until=until, failed=failed)
            return _refusal(failed, until, now, limits)
        con.execute(
            "UPDATE accounts SET failed_count = ?, locked_until = NULL WHERE name = ?", [failed, name]
        )
        _audit(con, name, "login_failed", where, reason="wrong_password", failed=failed)
        return _refusal(failed, None, now, limits)
    if account.disabled:
        _audit(con, name, "login_failed", where, reason="disabled")
        return LoginFailed("账号已停用，请联系管理员。")
    new_hash = _HASHER.hash(password) if _HASHER.check_needs_rehash(stored) else stored
    con.execute(
        "UPDATE accounts SET failed_count = 0, locked_until = NULL, last_login_at = ?, password_hash = ? "
        "WHERE name = ?",
        [now, new_hash, name],
    )
    _audit(con, name, "login", where, method="password", must_change=account.must_change)
    return _load(con, name)


def _refusal(failed: int, until: datetime | None, now: datetime, limits: dict[str, Any]) -> LoginFailed:
    """The answer to a failed attempt: the same words for an unknown name and a wrong password."""
    if until is not None and until > now:
        if failed:
            return AccountLocked(
                f"密码连续错误 {failed} 次，账号已锁定至 {until:%H:%M}，请稍后再试，或请管理员重置密码。"
            )
        return AccountLocked(
            f"密码错误次数过多，账号已锁定至 {until:%H:%M}，请稍后再试，或请管理员重置密码。"
        )
    left = int(limits["max_failed_logins"]) - failed
    return LoginFailed(WRONG_LOGIN + (f"再错 {left} 次账号将被锁定。" if left <= 2 else ""))


def session_account(
    name: str, stamp: str, *, since: float | None = None, path: Path | None = None
) -> Account | None:
    """The account of a running session, or None if the session must end.

    A session ends when its account is gone or disabled, its password was
    changed or reset since the session began (``stamp`` from :attr:`Account.session_stamp`),
    or the user logged out (in any tab or browser) after the session began at ``since``
    (epoch seconds).  Roles and territory are read fresh, so an administrator's change
    applies at once.
    """
    account = get_account(name, path=path)
    if account is None or account.disabled or account.session_stamp != stamp:
        return None
    revoked = account.tokens_revoked_at
    if since is not None and revoked is not None and datetime.fromtimestamp(since) <= revoked:
        return None
    return account


def record_logout(account_name: str, *, reason: str = "logout", path: Path | None = None) -> None:
    """Audit the end of a session (``logout`` by the user, ``idle`` after inactivity, ``revoked``)."""
    with store.connect(path) as con:
        _audit(con, account_name, "logout", "", reason=reason)


def record_resume(account_name: str, *, path: Path | None = None) -> None:
    """Audit a session resumed from the signed cookie after a browser refresh."""
    with store.connect(path) as con:
        account = _load(con, account_name)
        _audit(con, account_name, "login", describe_account(account) if account else "", method="cookie")


# ------------------------------------------------------------------ single sign-on
def sso_account(email: str | None, *, path: Path | None = None) -> Account:
    """The account an OIDC login (``st.user.email``) maps to: the one of the same name.

    The identity provider proves who the person is; roles and territory still
    come from the account here, which an administrator must have created.

    Raises
    ------
    LoginFailed
        No e-mail, no such account, or it is disabled (the attempt is audited).
    """
    name = (email or "").strip().lower()
    if not name:
        raise LoginFailed("单点登录未返回电子邮箱，无法对应账号。")
    with store.transaction(path) as con:
        account = _load(con, name)
        if account is None or account.disabled:
            _audit(
                con,
                name,
                "login_failed",
                "",
                method="oidc",
                reason="unknown_user" if account is None else "disabled",
            )
        else:
            con.execute("UPDATE accounts SET last_login_at = ? WHERE name = ?", [_clock(con), name])
            _audit(con, name, "login", describe_account(account), method="oidc")
    if account is None:
        raise LoginFailed(f"单点登录账号 {name} 未在本系统开通，请联系管理员。")
    if account.disabled:
        raise LoginFailed("账号已停用，请联系管理员。")
    return account


# ------------------------------------------------------------------ first start, provisioning
def _write_owner_only(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable and writable by the owner only (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an existing file keeps its mode on open: set it
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def ensure_admin(
    *, path: Path | None = None, password_file: Path | None = None, stream: TextIO | None = None
) -> str | None:
    """On first start (no accounts at all) create ``admin`` with a random password.

    The password is printed once to ``stream`` (the terminal's stderr) and
    written to ``password_file`` (default :func:`lib.core.config.initial_admin_password_file`)
    with mode 0600; it must be changed at first login.

    Returns
    -------
    str or None
        The password if the account was created now, else None.
    """
    password_file = password_file or config.initial_admin_password_file()
    with store.transaction(path) as con:
        if con.execute("SELECT count(*) FROM accounts").fetchone()[0]:
            return None
        password = temporary_password()
        _insert(
            con,
            name=ADMIN_NAME,
            display_name="系统管理员",
            roles=("admin",),
            townships=None,
            school=None,
            password=password,
            must_change=True,
            actor=SYSTEM_USER,
            now=_clock(con),
        )
        _audit(con, SYSTEM_USER, "account_created", "", account=ADMIN_NAME, roles="admin", first_start=True)
        # written before the commit: if the file cannot be written, no account exists without its password
        _write_owner_only(password_file, f"{ADMIN_NAME}\n{password}\n")
    print(
        f"首次启动：已创建管理员账号 {ADMIN_NAME}，初始密码 {password}（首次登录后须修改）。"
        f"密码同时写入 {password_file}（仅本用户可读），改密后请删除该文件。",
        file=stream or sys.stderr,
        flush=True,
    )
    return password


def ensure_account(
    name: str,
    *,
    roles: Iterable[str],
    password: str,
    townships: Iterable[str] | None = None,
    school: str | None = None,
    display_name: str = "",
    strict_roles: bool = True,
    path: Path | None = None,
    classes: str | Iterable[str] | None = None,
) -> Account:
    """Create or update an account to exactly these values (provisioning and test set-up).

    A system step with no actor: callers are the deployment's own scripts and
    the test suites (demo users per role), never a page.  Writes nothing when
    the account already matches, so repeated calls do not touch the store.
    ``strict_roles=False`` lets a test store a role outside the matrix (it grants nothing).
    """
    name = _check_name(name)
    held = _check_roles(roles, strict=strict_roles)
    towns, school = _territory(townships, school)
    classes = parse_classes(classes)
    with store.connect(path) as con:
        old = _load(con, name)
        if (
            old is not None
            and old.roles == held
            and old.townships == towns
            and old.school == school
            and old.classes == classes
            and not old.disabled
            and not old.must_change
            and old.failed_count == 0
            and old.locked_until is None
            and check_password(_hash_of(con, name), password)
        ):
            return old
    with store.transaction(path) as con:
        _check_territory(con, tuple(r for r in held if r in permissions.ROLES), towns, school, classes)
        con.execute("DELETE FROM accounts WHERE name = ?", [name])
        _insert(
            con,
            name=name,
            display_name=display_name or name,
            roles=held,
            townships=towns,
            school=school,
            password=password,
            must_change=False,
            actor=SYSTEM_USER,
            now=_clock(con),
            classes=classes,
        )
        _audit(
            con,
            SYSTEM_USER,
            "account_provisioned",
            "",
            account=name,
            roles="+".join(held),
            townships=towns,
            school=school,
            classes=classes,
        )
        return _load(con, name)
