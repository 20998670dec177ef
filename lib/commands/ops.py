"""运行维护 commands: ``backup`` and ``restore`` (contract in docs/cli.md, docs/operations.md).

Run at the server's console by whoever holds the database file: without
``--user`` the local operator acts as an administrator (audited as
``local-operator``, as for ``user``), so that a bureau whose app is broken can
still restore; with ``--user NAME`` that account must hold the action.
None of these commands prints personal data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lib.cli import EXIT_OK, DataError, Handler, command, emit
from lib.commands.access import admin_scope, data_as_of, require_db
from lib.ops import backup


# ------------------------------------------------------------------ backup
@command("backup", "备份整个数据库 (consistent backup while the app runs; --list, --if-due for cron)")
def _backup_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--out", default=None, metavar="DIR", help="备份目录 (default: settings backup.dir)")
    p.add_argument("--list", action="store_true", help="列出已有备份，不备份")
    p.add_argument(
        "--if-due",
        action="store_true",
        help="仅当距上次备份已超过 backup.schedule_hours 时备份 (供 cron 定时调用)",
    )
    return cmd_backup


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        folder = Path(args.out) if args.out else backup.backup_dir()
    except backup.BackupError as exc:
        raise DataError(str(exc)) from exc
    if args.list:
        listed = backup.list_backups(folder)
        rows = [
            {
                "name": r.name,
                "path": r.path,
                "taken_at": r.taken_at.isoformat(),
                "size_bytes": int(r.size_bytes),
            }
            for r in listed.itertuples(index=False)
        ]
        lines = [f"备份目录：{folder}（{len(rows)} 个）"] + [
            f"  {r['name']}  {r['size_bytes'] / 1e6:>8.1f} MB" for r in rows
        ]
        emit(args, {"folder": str(folder), "backups": rows}, "\n".join(lines))
        return EXIT_OK
    require_db()
    scope = admin_scope(args, "backup")
    try:
        if args.if_due:
            conf = backup.backup_settings()
            info = backup.run_if_due(out_dir=folder if args.out else None)
            if info is None:
                emit(
                    args,
                    {"taken": False, "folder": str(folder)},
                    f"未到定时备份时间（每 {conf['schedule_hours']} 小时；0 = 不定时），未备份。",
                )
                return EXIT_OK
        else:
            info = backup.take_backup(scope, out_dir=folder)
    except backup.BackupError as exc:
        raise DataError(str(exc)) from exc
    obj = {
        "taken": True,
        "path": str(info.path),
        "taken_at": info.taken_at.isoformat(),
        "size_bytes": info.size_bytes,
        "tables": info.tables,
        "pruned": list(info.pruned),
    }
    text = (
        f"已备份：{info.path}（{info.size_bytes / 1e6:.1f} MB，{len(info.tables)} 张表，"
        f"{sum(info.tables.values()):,} 行）"
    )
    if info.pruned:
        text += f"\n按保留数量删除旧备份：{'、'.join(info.pruned)}"
    emit(args, obj, text)
    return EXIT_OK


# ------------------------------------------------------------------ restore
@command("restore", "从备份恢复整个数据库 (replaces the store; needs --yes)")
def _restore_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("file", metavar="FILE", help="备份文件 (backup --list 查看)")
    p.add_argument("--yes", action="store_true", help="确认：用该备份替换当前数据库")
    p.add_argument("--no-safety-backup", action="store_true", help="恢复前不先备份当前数据库")
    return cmd_restore


def cmd_restore(args: argparse.Namespace) -> int:
    file = Path(args.file)
    scope = admin_scope(args, "backup")
    try:
        if not file.exists() and not file.is_absolute():
            file = backup.backup_dir() / args.file  # a bare name from `backup --list`
        tables = backup.backup_summary(file)
        if not args.yes:
            raise DataError(
                f"恢复会用 {file.name}（{sum(tables.values()):,} 行）替换当前数据库；确认请加 --yes。"
            )
        result = backup.restore(scope, file, safety_backup=not args.no_safety_backup)
    except backup.BackupError as exc:
        raise DataError(str(exc)) from exc
    obj = {
        "restored_from": str(result.restored_from),
        "safety_backup": str(result.safety_backup) if result.safety_backup else None,
        "moved_aside": str(result.moved_aside) if result.moved_aside else None,
        "tables": result.tables,
    }
    text = f"已从 {result.restored_from.name} 恢复（{sum(result.tables.values()):,} 行）。"
    if result.safety_backup:
        text += f"\n恢复前的数据库已备份为 {result.safety_backup.name}。"
    if result.moved_aside:
        text += f"\n原数据库无法打开，已移至 {result.moved_aside}。"
    emit(args, obj, text)
    return EXIT_OK


# ------------------------------------------------------------------ rollover
@command("rollover", "学年升级：升年级、毕业离册、台账结转 (school-year rollover; --dry-run first)")
def _rollover_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--to", type=int, required=True, metavar="YEAR", help="新学年 (如 2027 = 2027-2028学年)")
    p.add_argument("--dry-run", action="store_true", help="只报告将要发生的变化，不写入")
    return cmd_rollover


def cmd_rollover(args: argparse.Namespace) -> int:
    from lib.core import store  # when the command runs: a CLI call loads only its own domain
    from lib.ops import rollover  # when the command runs: a CLI call loads only its own domain

    require_db()
    scope = admin_scope(args, "rollover")
    try:
        if args.dry_run:
            with store.connect() as con:
                plan = rollover.plan_rollover(con, to_year=args.to)
        else:
            plan = rollover.apply_rollover(scope, to_year=args.to, as_of=data_as_of(args))
    except rollover.RolloverError as exc:
        raise DataError(str(exc)) from exc
    t = plan.totals()
    head = "学年升级(预演，未写入)" if args.dry_run else "学年升级已完成"
    lines = [
        f"{head}：{plan.from_year}-{plan.from_year + 1} → {plan.to_year}-{plan.to_year + 1} 学年",
        *plan.notes,
    ]
    if not plan.already_done:
        lines.append(
            f"  在册 {t['on_roll_before']:,} 人：升级 {t['升级']:,}，毕业离册 {t['毕业']:,}，"
            f"不升级(休学/辍学) {t['不升级']:,}；升级后在册 {t['on_roll_after']:,} 人"
        )
        lines.append(
            f"  结转未结案台账 {t['open_cases_carried']:,} 件，进行中帮扶措施 "
            f"{t['active_interventions_carried']:,} 项；小升初待接收 {t['leavers_followed']:,} 人"
        )
        lines.append("  各表变化(新增行 / 修改行)：")
        lines += [
            f"    {c.table:<26} +{c.added:>7,} / ~{c.changed:>7,}  {c.note}"
            for c in plan.changes().itertuples(index=False)
        ]
        if plan.backup_file:
            lines.append(f"  升级前备份：{plan.backup_file}")
    emit(args, {"dry_run": bool(args.dry_run), **plan.to_json()}, "\n".join(lines))
    return EXIT_OK


# ------------------------------------------------------------------ retention
@command("retention", "数据保留期：离校学生个人信息去标识化、过期审计日志 (--dry-run = report only)")
def _retention_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--dry-run", action="store_true", help="只报告将要去标识化/删除的内容，不写入")
    return cmd_retention


def cmd_retention(args: argparse.Namespace) -> int:
    # when the command runs: a CLI call loads only its own domain
    from lib.core import settings as settings_store
    from lib.core import store  # when the command runs: a CLI call loads only its own domain
    from lib.ops import retention  # when the command runs: a CLI call loads only its own domain

    require_db()
    scope = admin_scope(args, "retention")
    as_of = data_as_of(args)
    try:
        with store.connect() as con:
            settings = settings_store.effective_settings(con)
            plan = retention.plan_retention(con, as_of=as_of, settings=settings)
        if not args.dry_run:
            plan = retention.apply_retention(scope, as_of=as_of, settings=settings)
    except retention.RetentionError as exc:
        raise DataError(str(exc)) from exc
    t = plan.totals()
    head = "数据保留期(报告，未写入)" if args.dry_run else "数据保留期处理已完成"
    text = (
        f"{head}：数据日期 {t['as_of']}，{t['leaver_cutoff']} 及以前离校的学生\n"
        f"  去标识化学生 {t['students_deidentified']:,} 人，非义务教育受助学生 {t['recipients_deidentified']:,} 人\n"
        f"  删除 {t['audit_cutoff'][:10]} 以前的审计日志 {t['audit_entries_deleted']:,} 条"
    )
    by_year = plan.by_school_year()
    for r in by_year.itertuples(index=False):
        text += f"\n    {r[0]} {r[1]} 年离校：{r[2]:,} 人"
    by_table = plan.by_table()
    text += "\n  各表置空(NULL)的行数："
    for r in by_table.itertuples(index=False):
        text += f"\n    {r.表}({r.数据表}) {r.行数:,} 行：{r.置空的字段}"
    emit(
        args,
        {
            "dry_run": bool(args.dry_run),
            **t,
            "by_year": by_year.to_dict(orient="records"),
            "by_table": by_table.rename(
                columns={"表": "label", "数据表": "table", "置空的字段": "fields", "行数": "rows"}
            ).to_dict(orient="records"),
        },
        text,
    )
    return EXIT_OK
