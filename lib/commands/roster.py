"""学籍核查 command: ``roster-check FILE`` (a school-age roster against the students)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lib.cli import EXIT_OK, DataError, Handler, command
from lib.commands.access import operator_scope
from lib.core import store
from lib.roster import register as roster
from lib.roster import view as roster_view


@command("roster-check", "学籍核查：适龄儿童花名册与学籍比对 (classify a school-age roster, masked)")
def _roster_check_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("file", type=Path, help="花名册 CSV 或 XLSX (身份证号、姓名、出生日期、乡镇、村 …)")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只看这些乡镇 (可重复)")
    return cmd_roster_check


def cmd_roster_check(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "view_named")
    if not args.file.is_file():
        raise DataError(f"找不到文件：{args.file}")
    with store.connect() as con:
        try:
            frame, report, problems = roster.read_file(args.file.read_bytes(), args.file.name, con, scope)
        except roster.RosterError as exc:
            raise DataError(str(exc)) from exc
        classified = roster.classify(con, scope, frame)
        counts = roster.counts(classified)
        store.audit(
            con,
            user=scope.user,
            action="view_list",
            scope=scope.describe(),
            detail=json.dumps(
                {"list": "roster-check", "file": args.file.name, **counts, "masked": True, "via": "cli"},
                ensure_ascii=False,
            ),
        )
    for p in [e.message for e in report.errors][:20] + problems[:20]:
        print(f"跳过：{p}", file=sys.stderr)
    if args.json:
        json.dump(
            {"counts": counts, "rows": roster_view.rows_json(classified)},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        print(f"适龄儿童花名册 {args.file.name}（{scope.describe()}）")
        for key, label in roster.CATEGORIES.items():
            print(f"  {label:<8} {counts[key]:>8,}")
        for r in roster_view.rows_json(classified)["unaccounted"]:
            print(
                f"  去向不明：{r['id_number']} {r['name']} {r['township']}{r['village'] or ''} {r['age']}岁"
            )
    return EXIT_OK
