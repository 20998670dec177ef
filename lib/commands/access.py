"""Who a CLI command acts as: the ``--user`` account's Scope, or the local operator.

Every data command calls :func:`operator_scope`: with ``--user NAME`` it is that
account's Scope (roles, townships or school); without it the *local operator*:
the whole county as the ``county`` role, audited as ``local-operator``.  Either
way the CLI always masks names, ID numbers and phones (there is no way to type
a reason for unmasking), and ``--township`` only narrows the Scope, never widens
it.  The CLI does not ask for the account's password: whoever runs it can read
the database file anyway (docs/security.md).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date

from lib.access.auth import LOCAL_OPERATOR
from lib.core import config, permissions, store, storemeta
from lib.core.scope import Scope, school_year_of


def data_as_of(args: argparse.Namespace) -> date:
    """``--as-of``, else the store's data date (the demo's anchor, a bureau's today)."""
    if getattr(args, "as_of", None):
        return args.as_of
    db = config.db_path()
    if db.exists():
        with store.connect(db) as con:
            return storemeta.data_as_of(con)
    return config.DEMO_AS_OF


def store_county() -> str:
    """The county of the store in ``EDU_DB`` (the demo county when there is none yet)."""
    db = config.db_path()
    if not db.exists():
        return config.COUNTY_CODE
    with store.connect(db) as con:
        return storemeta.county_code(con)


def require_db() -> None:
    """Exit 1 with a Chinese message when there is no database file."""
    from lib.cli import DataError  # when the command runs: a CLI call loads only its own domain

    if not config.db_path().exists():
        raise DataError(f"数据库文件不存在：{config.db_path()}（先运行 python -m lib.cli demo）")


def _account_scope(name: str) -> Scope:
    from lib.access import auth  # when the command runs: a CLI call loads only its own domain
    from lib.cli import DataError  # when the command runs: a CLI call loads only its own domain

    account = auth.get_account(name)
    if account is None or account.disabled:
        raise DataError(f"没有启用的账号 {name}（python -m lib.cli user list 查看账号）")
    return auth.scope_for(account, county=store_county())


def operator_scope(args: argparse.Namespace, *actions: str, as_of: date | None = None) -> Scope:
    """The Scope a command runs with, always masked, after checking ``actions``.

    Raises
    ------
    lib.cli.DataError
        No database, no such (enabled) account, or the user may not do one of
        ``actions`` (exit 1 with the Chinese message).
    """
    from lib.cli import DataError  # when the command runs: a CLI call loads only its own domain

    require_db()
    name = getattr(args, "user", None)
    base = _account_scope(name) if name else Scope(county=store_county(), user=LOCAL_OPERATOR, role="county")
    day = as_of or data_as_of(args)
    scope = replace(base, as_of=day, school_year=school_year_of(day), mask=True)
    if getattr(args, "township", None):
        scope = scope.narrow(townships=tuple(args.township))
        if not scope.townships:
            raise DataError(f"乡镇 {'、'.join(args.township)} 不在账号 {base.user} 的范围内。")
    for action in actions:
        try:
            permissions.require(scope, action)
        except permissions.NotPermitted as exc:
            raise DataError(str(exc)) from exc
    return scope


def refuse_class_scope(scope: Scope, what: str) -> None:
    """Refuse a class teacher's account (``Scope.classes``) a command read by school (学籍核查,
    小升初衔接, 名单比对), as their pages are not offered to it (``permissions.CLASS_PAGES``).

    Raises
    ------
    lib.cli.DataError
        ``scope`` names classes.
    """
    from lib.cli import DataError  # when the command runs: a CLI call loads only its own domain

    if scope.classes is not None:
        raise DataError(f"师长(班主任)账号只查看本班学生；{what}按学校进行，请用学校账号执行。")


def admin_scope(args: argparse.Namespace, action: str) -> Scope:
    """Who runs an administration command (``user``, ``backup``, ``restore``, ``rollover``, ...).

    Without ``--user``: the console operator, as an administrator (audited as
    ``local-operator``), so that a locked-out bureau or a broken app can always
    be repaired by whoever holds the database file.  With ``--user NAME``: that
    account, which must be allowed ``action``.

    Raises
    ------
    lib.cli.DataError
        No such (enabled) account, or the account may not do ``action``.  (Callers that
        need the database call :func:`require_db` first: ``restore`` may start without one.)
    """
    from lib.access import auth  # when the command runs: a CLI call loads only its own domain
    from lib.cli import DataError  # when the command runs: a CLI call loads only its own domain

    name = getattr(args, "user", None)
    if not name:
        return Scope(county=store_county(), user=LOCAL_OPERATOR, role="admin")
    account = auth.get_account(name)
    if account is None or account.disabled:
        raise DataError(f"没有启用的账号 {name}")
    scope = replace(auth.scope_for(account, county=store_county()), mask=True)
    if not permissions.can(scope, action):
        raise DataError(
            f"账号 {name}({permissions.describe_roles(scope)})无权"
            f"{permissions.ACTION_LABELS.get(action, action)}。"
        )
    return scope
