"""账号 commands: ``user add | list | update | disable | enable | reset`` and ``rotate-key``
(contract in docs/cli.md).

Run at the server's console by whoever holds the database file: without
``--user`` the local operator acts as an administrator (audited as
``local-operator``), so that a locked-out bureau can always get back in; with
``--user NAME`` that account must hold ``manage_accounts``.  ``user add`` reads
the new password from standard input (one line; an empty line = a random
temporary password, printed once); the user must change it at first login
unless ``--no-change`` is given.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time

import pandas as pd

from lib.access import auth
from lib.cli import EXIT_OK, DataError, Handler, command, emit
from lib.commands.access import admin_scope, require_db
from lib.core import fmt, permissions, secure, store


def _roles(value: list[str]) -> list[str]:
    return [r for v in value for r in v.replace("+", ",").split(",") if r]


def _read_password() -> str | None:
    line = getpass.getpass("新密码(回车=随机临时密码)：") if sys.stdin.isatty() else sys.stdin.readline()
    return line.rstrip("\r\n") or None


@command("user", "账号管理：add / list / update / disable / enable / reset (accounts)")
def _user_parser(p: argparse.ArgumentParser) -> Handler:
    sub = p.add_subparsers(dest="user_command", required=True)
    add = sub.add_parser("add", help="新建账号(密码从标准输入读一行)")
    add.add_argument("name")
    add.add_argument(
        "--role",
        action="append",
        required=True,
        metavar="ROLE",
        help=f"角色，可重复或用 + 连接：{', '.join(permissions.ROLES)}",
    )
    add.add_argument("--township", action="append", default=None, metavar="CODE", help="乡镇代码 (可重复)")
    add.add_argument("--school", default=None, metavar="CODE", help="学校代码")
    add.add_argument(
        "--classes", default=None, metavar="7-2,7-3", help="师长(班主任)的班级：年级-班，逗号分隔"
    )
    add.add_argument("--display-name", default="", help="姓名")
    add.add_argument("--no-change", action="store_true", help="首次登录不强制改密")
    sub.add_parser("list", help="列出账号")
    upd = sub.add_parser("update", help="修改角色与范围")
    upd.add_argument("name")
    upd.add_argument("--role", action="append", default=None, metavar="ROLE")
    upd.add_argument("--township", action="append", default=None, metavar="CODE")
    upd.add_argument("--all-townships", action="store_true", help="取消乡镇限制")
    upd.add_argument("--school", default=None, metavar="CODE")
    upd.add_argument("--classes", default=None, metavar="7-2,7-3", help="师长的班级 (空字符串=取消班级限制)")
    for verb, text in (
        ("disable", "停用账号"),
        ("enable", "启用账号"),
        ("reset", "重置为随机临时密码并解锁"),
    ):
        sub.add_parser(verb, help=text).add_argument("name")
    for each in sub.choices.values():  # `user add NAME ... --json` as well as `user --json add NAME`
        each.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON output")
    return cmd_user


def cmd_user(args: argparse.Namespace) -> int:
    require_db()
    actor = admin_scope(args, "manage_accounts")
    verb = args.user_command
    try:
        if verb == "add":
            password = _read_password()
            temp = auth.create_user(
                actor,
                args.name,
                roles=_roles(args.role),
                password=password,
                display_name=args.display_name,
                townships=args.township,
                school=args.school,
                must_change=not args.no_change,
                classes=args.classes,
            )
            account = auth.get_account(args.name)
            emit(
                args,
                {
                    "name": account.name,
                    "roles": list(account.roles),
                    "townships": account.townships,
                    "school": account.school,
                    "classes": account.classes,
                    "must_change": account.must_change,
                    **({"temporary_password": temp} if temp else {}),
                },
                f"已创建账号 {auth.describe_account(account)}"
                + (f"；临时密码 {temp}(首次登录须修改)" if temp else ""),
            )
        elif verb == "list":
            table = auth.list_accounts(actor)
            rows = [{k: _json_value(v) for k, v in r.items()} for r in table.to_dict(orient="records")]
            emit(args, {"accounts": rows}, _accounts_text(table))
        elif verb == "update":
            kw = {}
            if args.all_townships:
                kw["townships"] = None
            elif args.township:
                kw["townships"] = args.township
            if args.school is not None:
                kw["school"] = args.school or None
            if args.classes is not None:
                kw["classes"] = args.classes or None
            account = auth.update_user(actor, args.name, roles=_roles(args.role) if args.role else None, **kw)
            emit(
                args,
                {
                    "name": account.name,
                    "roles": list(account.roles),
                    "townships": account.townships,
                    "school": account.school,
                    "classes": account.classes,
                },
                f"已更新 {auth.describe_account(account)}",
            )
        elif verb in ("disable", "enable"):
            auth.disable(actor, args.name, disabled=verb == "disable")
            emit(
                args,
                {"name": args.name, "disabled": verb == "disable"},
                f"已{'停用' if verb == 'disable' else '启用'}账号 {args.name}",
            )
        elif verb == "reset":
            temp = auth.reset(actor, args.name)
            emit(
                args,
                {"name": args.name, "temporary_password": temp},
                f"账号 {args.name} 的临时密码：{temp}(首次登录须修改；已解锁)",
            )
    except (auth.AuthError, permissions.NotPermitted) as exc:
        raise DataError(str(exc)) from exc
    return EXIT_OK


def _accounts_text(table: pd.DataFrame) -> str:
    """``user list`` for people: the 账号管理 page's table (Chinese headers, role and place
    names, a status word), aligned, no NaN or NaT."""
    if table.empty:
        return "(没有账号)"
    with store.connect() as con:
        towns = dict(con.execute("SELECT code, name FROM townships").fetchall())
        schools = dict(con.execute("SELECT code, name FROM schools").fetchall())
    shown = auth.accounts_table(table, township_names=towns, school_names=schools, now=auth.clock())
    return fmt.text_table(shown)


def _json_value(value: object) -> object:
    """A value for ``user list --json``: times in ISO 8601, a missing one null (never "NaT")."""
    if isinstance(value, list | tuple | dict):
        return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(timespec="seconds")
    return value


# ------------------------------------------------------------------ rotate-key
@command(
    "rotate-key", "更换登录保持(cookie)签名密钥并结束所有会话 (replace the cookie key; ends every session)"
)
def _rotate_parser(p: argparse.ArgumentParser) -> Handler:
    return cmd_rotate_key


def cmd_rotate_key(args: argparse.Namespace) -> int:
    require_db()
    actor = admin_scope(args, "manage_accounts")
    from lib.access import tokens  # when the command runs: a CLI call loads only its own domain

    tokens.rotate_key(actor.user, now=time.time())
    path = secure.key_path(secure.SESSION_KEY)
    emit(
        args,
        {"rotated": True, "key_file": str(path), "sessions_ended": True},
        f"已更换签名密钥（{path}，仅本用户可读）；所有账号的会话和“保持登录”均已失效，需重新登录。",
    )
    return EXIT_OK
