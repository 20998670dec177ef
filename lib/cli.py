"""Command line: ``python -m lib.cli COMMAND ...`` (contract in docs/cli.md).

Exit codes: 0 ok, 1 the input or data is at fault, 2 usage, 3 database busy.
Every command honours ``EDU_DB`` and ``--as-of``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from lib.core import config, masking, secure, store, storemeta
from lib.core.errors import AppError

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_BUSY = 0, 1, 2, 3


class DataError(AppError):
    """The input or the stored data is at fault (exit 1)."""


# Every byte a command prints passes the masking gate (lib.core.masking): the CLI always
# masks, whatever the account may see on screen, and its JSON is strict (null, never NaN).
def print_json(obj: Any) -> None:
    """``obj`` as strict JSON on standard output, every value through the masking gate."""
    sys.stdout.write(masking.dumps(obj) + "\n")


def say(text: str, *, err: bool = False) -> None:
    """A line (or lines) for people, through the masking gate; ``err``: on standard error."""
    print(masking.mask_text(text), file=sys.stderr if err else sys.stdout)


def emit(args: argparse.Namespace, obj: Any, text: str) -> None:
    """``obj`` as JSON with ``--json``, else ``text`` for people (both masked)."""
    if getattr(args, "json", False):
        print_json(obj)
    else:
        say(text)


# ------------------------------------------------------------------ commands
def cmd_demo(args: argparse.Namespace) -> int:
    from lib.demo import county as demo  # when the command runs: a CLI call loads only its own domain

    path = Path(args.out) if args.out else config.db_path()
    started = time.perf_counter()
    counts = demo.build_demo(path, scale=args.scale, seed=args.seed, as_of=args.as_of or config.DEMO_AS_OF)
    result = {
        "path": str(path),
        "scale": args.scale,
        "seed": args.seed,
        "seconds": round(time.perf_counter() - started, 1),
        "rows": counts,
    }
    lines = [f"演示数据已生成：{path}（{result['seconds']} 秒）"]
    lines += [f"  {name:<20} {n:>10,}" for name, n in counts.items()]
    emit(args, result, "\n".join(lines))
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    path = config.db_path()
    if not path.exists():
        raise DataError(f"数据库文件不存在：{path}（先运行 python -m lib.cli demo）")
    counts = store.row_counts(path)
    with store.connect(path) as con:
        meta = dict(con.execute("SELECT key, value FROM meta ORDER BY key").fetchall())
        as_of = storemeta.data_as_of(con).isoformat()  # the demo's anchor, or a bureau's today
    result = {
        "path": str(path),
        "schema_version": int(meta.get("schema_version", 0)),
        "demo": meta.get("demo") == "true",
        "as_of": as_of,
        "tables": counts,
    }
    lines = [
        f"数据库：{path}（结构版本 {result['schema_version']}，"
        f"{'演示数据' if result['demo'] else '正式数据'}，数据日期 {result['as_of']}）"
    ]
    lines += [f"  {name:<20} {n:>10,}" for name, n in counts.items()]
    emit(args, result, "\n".join(lines))
    return EXIT_OK


Handler = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], Handler]

#: name -> (function that adds the command's arguments and returns its handler, help).
#: Later issues add their commands with :func:`command`.
COMMANDS: dict[str, tuple[Configure, str]] = {}


def command(name: str, help_text: str) -> Callable[[Configure], Configure]:
    """Register a subcommand: ``@command("info", "...")`` on a parser-configuring function."""

    def wrap(configure: Configure) -> Configure:
        COMMANDS[name] = (configure, help_text)
        return configure

    return wrap


@command("demo", "生成演示数据库 (build the synthetic demo county)")
def _demo_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--scale", choices=["district", "city"], default="district")
    p.add_argument("--seed", type=int, default=config.DEMO_SEED)
    p.add_argument("--out", help="数据库文件 (default: EDU_DB or data/edu.duckdb)")
    return cmd_demo


@command("info", "各表行数 (row counts per table)")
def _info_parser(p: argparse.ArgumentParser) -> Handler:
    return cmd_info


#: Modules whose import registers further commands (one per domain, in lib/commands/).
COMMAND_MODULES: tuple[str, ...] = (
    "lib.commands.aid",
    "lib.commands.dropout",
    "lib.commands.ingest",
    "lib.commands.layout",
    "lib.commands.risk",
    "lib.commands.users",
    "lib.commands.roster",
)  # 学籍核查
COMMAND_MODULES += ("lib.commands.briefing",)  # 汇报简报
COMMAND_MODULES += ("lib.commands.ops",)  # 运行维护: backup, restore, ...
COMMAND_MODULES += ("lib.commands.setup",)  # 首次启动: demo data and the admin account


def build_parser() -> argparse.ArgumentParser:
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="控辍保学与学生资助 命令行")
    parser.add_argument(
        "--user",
        default=None,
        metavar="NAME",
        help="以该账号的角色、范围和脱敏规则执行 (default: 本机操作员，全区，脱敏)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (configure, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--json", action="store_true", help="JSON output")
        p.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="统计日期 YYYY-MM-DD (default: the data's date)",
        )
        p.add_argument(
            "--user", default=argparse.SUPPRESS, metavar="NAME", help="以该账号的角色、范围和脱敏规则执行"
        )
        p.set_defaults(handler=configure(p))
    return parser


def main(argv: list[str] | None = None) -> int:
    secure.owner_only_umask()  # every file a command writes (store, backup, export) is the operator's only
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except store.StoreBusy as exc:
        say(f"错误：{exc}", err=True)
        return EXIT_BUSY
    except (DataError, store.StoreError) as exc:
        say(f"错误：{exc}", err=True)
        return EXIT_DATA


if __name__ == "__main__":
    # Run through the canonical module so that commands registered by lib/commands/*
    # (which import lib.cli) land in the same registry.
    sys.exit(importlib.import_module("lib.cli").main())
