"""学校布局 commands: ``coverage`` (children within reach, by township and county)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from lib import config, layout, store
from lib.cli import EXIT_OK, DataError, Handler, command
from lib.scope import Scope, default_scope


def _scope(args: argparse.Namespace) -> Scope:
    db = config.db_path()
    if not db.exists():
        raise DataError(f"数据库文件不存在：{db}（先运行 python -m lib.cli demo）")
    with store.connect(db) as con:
        as_of = args.as_of or date.fromisoformat(store.get_meta(con, "as_of") or config.DEMO_AS_OF.isoformat())
    scope = default_scope(as_of=as_of).narrow(user="cli")
    if getattr(args, "township", None):
        scope = scope.narrow(townships=tuple(args.township))
    return scope


@command("coverage", "学校布局：就近可达的学龄儿童 (children within reach, by township)")
def _coverage_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--level", choices=["primary", "junior"], default="primary", help="学段")
    p.add_argument("--km", type=float, default=None, help="阈值(道路估算 km)；默认 小学 2.5 / 初中 5")
    p.add_argument("--year", type=int, default=None, help="儿童年份(当前至五年后)；默认当前")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_coverage


def cmd_coverage(args: argparse.Namespace) -> int:
    scope = _scope(args)
    if args.km is not None and args.km <= 0:
        raise DataError(f"--km 须大于 0：{args.km}")
    with store.connect() as con:
        data = layout.load_layout_data(con, scope)
    try:
        view = layout.compute_layout(data, band=args.level, km=args.km, year=args.year)
    except ValueError as exc:
        raise DataError(str(exc)) from exc
    doc = layout.coverage_json(view)
    if args.json:
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return EXIT_OK
    c = doc["county"]
    print(f"{layout.BAND_LABELS[args.level]}，阈值 {doc['km']:g} km(绕行系数 {doc['detour_factor']:g})，{doc['year']}年")
    print(f"全区：学龄儿童 {c['children']:,}，就近可达 {c['within_reach']:,}"
          f"（{(c['share'] or 0) * 100:.1f}%）")
    for t in doc["townships"]:
        share = "—" if t["share"] is None else f"{t['share'] * 100:.1f}%"
        print(f"  {t['code']} {t['name']:<8} {t['children']:>7,} {t['within_reach']:>7,} {share:>7}")
    return EXIT_OK
