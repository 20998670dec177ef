"""学生资助 commands: ``reconcile`` (精准识别: an outside list against the students)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lib.aid import reconcile
from lib.cli import EXIT_OK, DataError, Handler, command, emit
from lib.commands.access import operator_scope, refuse_class_scope
from lib.core import schema, store


@command("reconcile", "名单比对(精准识别)：外部名单与学籍逐行比对 (reconcile an outside list)")
def _reconcile_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("file", help="名单文件 (CSV 或 XLSX；中文表头；GBK 或 UTF-8)")
    p.add_argument(
        "--kind",
        choices=list(schema.REGISTRY_KINDS),
        default=reconcile.DEFAULT_KIND,
        help="名单类型 (default: poverty)",
    )
    p.add_argument(
        "--township", action="append", default=None, metavar="CODE", help="只比对这些乡镇 (9 位代码，可重复)"
    )
    return cmd_reconcile


def cmd_reconcile(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise DataError(f"名单文件不存在：{path}")
    scope = operator_scope(args, "view_named")
    refuse_class_scope(scope, "名单比对")
    try:
        frame = reconcile.read_registry(path.read_bytes(), path.name, kind=args.kind)
    except reconcile.RegistryFileError as exc:
        raise DataError(str(exc)) from exc
    with store.connect() as con:
        students = reconcile.load_students(con, scope)
        places = reconcile.load_places(con, scope)
    result = reconcile.reconcile(frame, students, places, scope, kind=args.kind, source=path.name)
    with store.connect() as con:
        store.audit(
            con,
            user=scope.user,
            action="reconcile",
            scope=scope.describe(),
            detail=json.dumps(
                {"file": path.name, "kind": args.kind, "counts": result.counts, "masked": True, "via": "cli"},
                ensure_ascii=False,
            ),
        )
    out = reconcile.to_json(result)
    lines = [
        f"{path.name}（{schema.REGISTRY_KINDS[args.kind]}，{len(frame)} 行，截至 {scope.as_of.isoformat()}）"
    ]
    lines += [f"  {label:<20} {result.counts[cat]:>8,}" for cat, label in reconcile.CATEGORIES.items()]
    emit(args, {"counts": out["counts"], "rows": out["rows"]}, "\n".join(lines))
    return EXIT_OK
