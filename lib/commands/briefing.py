"""汇报简报 command: ``briefing`` (the offline briefing HTML the 汇报模式 page downloads)."""

from __future__ import annotations

import argparse
from pathlib import Path

from lib.cli import EXIT_OK, DataError, Handler, command, emit
from lib.commands.access import operator_scope
from lib.core import store


@command("briefing", "汇报简报：离线可打开的 HTML 简报 (offline briefing file, aggregates only)")
def _briefing_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--out", required=True, metavar="FILE.html", help="简报 HTML 文件")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    p.add_argument("--xlsx", default=None, metavar="FILE.xlsx", help="同时写出汇总表 (.xlsx)")
    p.add_argument("--save", action="store_true", help="保存本次数字为快照(下次简报显示变化)")
    return cmd_briefing


def _check_townships(codes: list[str] | None, county: str) -> None:
    if not codes:
        return
    with store.connect() as con:
        known = {
            r[0]
            for r in con.execute("SELECT code FROM townships WHERE code LIKE ?", [county + "%"]).fetchall()
        }
    unknown = sorted(set(codes) - known)
    if unknown:
        raise DataError(f"没有这些乡镇代码：{', '.join(unknown)}")


def cmd_briefing(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "briefing")
    _check_townships(args.township, scope.county)
    out = Path(args.out)
    xlsx = Path(args.xlsx) if args.xlsx else None
    for path in (out, xlsx):
        if path is not None and not path.parent.is_dir():
            raise DataError(f"目录不存在：{path.parent}")
    from lib.overview import briefing  # when the command runs: folium and the maps cost every command 1 s

    result = briefing.write_briefing(scope, out, save=args.save, xlsx=xlsx)
    lines = [f"简报已写出：{out}（{result['bytes'] / 1e6:.1f} MB，{result['scope']}）"]
    if xlsx:
        lines.append(f"汇总表：{xlsx}")
    lines.append(f"红名单乡镇 {len(result['red_list'])} 个：{'、'.join(result['red_list']) or '无'}")
    if result["snapshot"]:
        lines.append(f"已保存快照 {result['snapshot']}")
    emit(args, result, "\n".join(lines))
    return EXIT_OK
