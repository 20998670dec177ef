"""数据导入 on the command line: validate, import, undo-import, imports (docs/cli.md).

The same pipeline as the import page (:mod:`lib.ingest`), as the whole-county
role.  ``validate`` and ``import`` exit 0 only when the file has no errors
(``import --drop-bad-rows``: when its good rows were written); a refused import
changes nothing in the store.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lib import ingest
from lib.aid import summary as _aid_summary  # noqa: F401  registers the summary's refresh with the import's transaction
from lib.cli import EXIT_DATA, EXIT_OK, DataError, command, emit, print_json, say
from lib.commands.access import operator_scope
from lib.core import config, store, storemeta
from lib.ingest import gate
from lib.ops import golive


def _read(args: argparse.Namespace) -> tuple[bytes, str]:
    path = Path(args.file)
    if not path.is_file():
        raise DataError(f"文件不存在：{path}")
    data = path.read_bytes()
    try:
        gate.check_upload(data, path.name)  # the settings' size and row limits, zip bombs
    except gate.UploadRefused as exc:
        raise DataError(str(exc)) from exc
    return data, path.name


def _mode(args: argparse.Namespace) -> str:
    if getattr(args, "replace", False) and getattr(args, "update", False):
        raise DataError("--replace 与 --update 只能选一个")
    return (
        "replace"
        if getattr(args, "replace", False)
        else "update"
        if getattr(args, "update", False)
        else "append"
    )


def _unreadable(exc: ingest.IngestError, args: argparse.Namespace) -> int:
    if args.json:
        print_json({"rows": 0, "valid_rows": 0, "errors": [exc.problem.to_dict()], "warnings": []})
    say(f"错误：{exc}", err=True)
    return EXIT_DATA


def _print_problems(report: ingest.Report, *, limit: int = 30) -> None:
    lines = [
        f"{report.filename}：共 {report.rows:,} 行，可导入 {report.valid_rows:,} 行；"
        f"错误 {len(report.errors):,} 处，警告 {len(report.warnings):,} 处。"
    ]
    for p in (report.errors + report.warnings)[:limit]:
        where = f"第 {p.row} 行" if p.row is not None else "文件"
        col = f"“{p.column}”列" if p.column else ""
        lines.append(f"  [{p.severity}] {where}{col} {p.code}：{p.message}")
    more = len(report.problems) - limit
    if more > 0:
        lines.append(f"  …另有 {more:,} 处(用 --json 查看全部)")
    say("\n".join(lines), err=True)


# ------------------------------------------------------------------ validate
def cmd_validate(args: argparse.Namespace) -> int:
    data, name = _read(args)
    scope = operator_scope(args, "import")
    try:
        parsed = ingest.parse_upload(data, name, kind=args.kind, sheet=args.sheet)
    except ingest.IngestError as exc:
        return _unreadable(exc, args)
    if not config.db_path().exists():
        raise DataError(f"数据库文件不存在：{config.db_path()}（先运行 python -m lib.cli demo）")
    with store.connect() as con:
        report = ingest.validate(
            parsed, args.kind, con_or_reference=con, scope=scope, mode=_mode(args), crs=args.crs
        )
    if args.json:
        print_json(report.to_json())
    else:
        _print_problems(report)
    return EXIT_OK if report.ok else EXIT_DATA


@command("validate", "校验 CSV/XLSX 文件 (validate a file for a table kind; exit 0 only without errors)")
def _validate_parser(p: argparse.ArgumentParser) -> Any:
    _file_args(p)
    return cmd_validate


def _file_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=list(ingest.KINDS), help="数据类型")
    p.add_argument("file", help="CSV 或 XLSX 文件")
    p.add_argument("--replace", action="store_true", help="替换文件涉及的范围(如文件中学校的全部学生)")
    p.add_argument("--update", action="store_true", help="追加，并更新已有的行")
    p.add_argument("--crs", choices=list(ingest.CRS), help="文件坐标系 (default: 表头所写, 否则 wgs84)")
    p.add_argument("--sheet", help="XLSX 工作表名 (default: 第一个)")


# ------------------------------------------------------------------ init
def cmd_init(args: argparse.Namespace) -> int:
    path = Path(args.out) if args.out else config.db_path()
    try:
        result = golive.init_store(args.county, path=path, as_of=args.as_of, force=args.force)
    except golive.GoLiveError as exc:
        raise DataError(str(exc)) from exc
    emit(
        args,
        result,
        f"已为{result['name']}({result['county']})新建数据库：{result['path']}\n"
        f"下一步：python -m lib.cli import boundaries 乡镇边界.geojson(步骤见 docs/golive.md)",
    )
    return EXIT_OK


@command("init", "为本县区新建空数据库 (an empty store for one county of 河南省)")
def _init_parser(p: argparse.ArgumentParser) -> Any:
    p.add_argument("--county", required=True, metavar="CODE", help="6 位县区代码，如 411521(罗山县)")
    p.add_argument("--out", help="数据库文件 (default: EDU_DB or data/edu.duckdb)")
    p.add_argument("--force", action="store_true", help="清空已有数据的数据库后重建(账号保留)")
    return cmd_init


# ------------------------------------------------------------------ import
def _file_day(args: argparse.Namespace) -> Any:
    """The date a file describes: ``--as-of``, else today (the demo: its own anchored date)."""
    if args.as_of:
        return args.as_of
    with store.connect() as con:
        return storemeta.data_as_of(con) if storemeta.is_demo(con) else storemeta.today()


def cmd_import(args: argparse.Namespace) -> int:
    data, name = _read(args)
    operator_scope(args, "import")  # the account, its rights and the database, checked first
    scope = operator_scope(args, "import", as_of=_file_day(args))
    try:
        parsed = ingest.parse_upload(data, name, kind=args.kind, sheet=args.sheet)
    except ingest.IngestError as exc:
        return _unreadable(exc, args)
    if not config.db_path().exists():
        raise DataError(f"数据库文件不存在：{config.db_path()}（先运行 python -m lib.cli demo）")
    try:
        result = ingest.commit(
            parsed, args.kind, scope=scope, mode=_mode(args), drop_bad_rows=args.drop_bad_rows, crs=args.crs
        )
    except ingest.ImportRefused as exc:
        if args.json:
            body = (
                exc.report.to_json()
                if exc.report
                else {"rows": 0, "valid_rows": 0, "errors": [], "warnings": []}
            )
            print_json({**body, "imported": False, "reason": exc.reason})
        elif exc.report:
            _print_problems(exc.report)
        say(f"未导入：{exc.reason}", err=True)
        return EXIT_DATA
    out = {
        **result.report.to_json(),
        "imported": True,
        "import_id": result.import_id,
        "as_of": scope.as_of.isoformat(),
        "mode": result.mode,
        "written": result.rows_written,
        "new": result.rows_new,
        "removed": result.rows_removed,
        "skipped": result.rows_skipped,
    }
    if args.json:
        print_json(out)
    else:
        say(
            f"已导入 {result.import_id}：写入 {result.rows_written:,} 行(新增 {result.rows_new:,}，"
            f"替换时删除 {result.rows_removed:,}，跳过错误行 {result.rows_skipped:,})。"
            f"撤销：python -m lib.cli undo-import"
        )
    return EXIT_OK


@command("import", "导入 CSV/XLSX 文件 (commit a file; non-zero and no change on failure)")
def _import_parser(p: argparse.ArgumentParser) -> Any:
    _file_args(p)
    p.add_argument("--drop-bad-rows", action="store_true", help="跳过有错误的行，只导入其余行")
    return cmd_import


# ------------------------------------------------------------------ undo and history
def cmd_undo(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "import")
    try:
        res = ingest.undo_last_import(scope=scope, import_id=args.import_id)
    except ingest.UndoRefused as exc:
        if args.json:
            print_json({"undone": False, "reason": exc.reason})
        say(f"未撤销：{exc.reason}", err=True)
        return EXIT_DATA
    if args.json:
        print_json(
            {
                "undone": True,
                "import_id": res.import_id,
                "removed": res.rows_removed,
                "restored": res.rows_restored,
            }
        )
    else:
        say(
            f"已撤销 {res.import_id}：删除导入的 {res.rows_removed:,} 行，恢复原有的 {res.rows_restored:,} 行。"
        )
    return EXIT_OK


@command("undo-import", "撤销最近一次导入 (undo the last import, if nothing changed its rows since)")
def _undo_parser(p: argparse.ArgumentParser) -> Any:
    p.add_argument("--import-id", help="只在它仍是最近一次导入时撤销")
    return cmd_undo


def cmd_imports(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "import")  # --user: that account's history only, unless whole-county
    with store.connect() as con:
        df = ingest.list_imports(con, limit=args.limit, scope=scope)
    if args.json:
        print_json(df)
    else:
        for r in df.itertuples():
            say(
                f"{r.import_id}  {r.status}  {r.kind:<18} {r.mode:<8} {r.rows_written:>8,} 行  "
                f"{r.user_name}  {r.committed_at:%Y-%m-%d %H:%M}  {r.filename}"
            )
    return EXIT_OK


@command("imports", "最近的导入记录 (recent imports)")
def _imports_parser(p: argparse.ArgumentParser) -> Any:
    p.add_argument("--limit", type=int, default=20)
    return cmd_imports
