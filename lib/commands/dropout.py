"""控辍保学 commands: ``weekly-report`` (每周填报), ``dropout-detect`` (缺勤监测) and
``dropout-forms`` (两表, 核查反馈, 升级督办通知)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lib.cli import EXIT_OK, DataError, Handler, command, print_json, say
from lib.commands.access import operator_scope
from lib.core import audit, fmt, store
from lib.demo import dropout as dropout_demo
from lib.dropout import data as dropout_data
from lib.dropout import forms as dropout_forms
from lib.dropout import ledger as dropout_ledger
from lib.dropout import rules as dropout
from lib.dropout import weekly as weekly_report


@command("weekly-report", "控辍保学每周填报 (the weekly dropout report, .xlsx or .csv, masked)")
def _weekly_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--week", help="ISO 周次，如 2026-W47 (default: the week of --as-of)")
    p.add_argument("--out", required=True, help="输出文件：.xlsx(三张表) 或 .csv(台账，UTF-8 带 BOM)")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_weekly_report


def cmd_weekly_report(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "export_named")
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise DataError(f"输出文件须为 .xlsx 或 .csv：{out}")
    week = args.week or dropout.iso_week_of(scope.as_of)
    dropout_demo.ensure_dropout_demo()  # a demo store gets the same rows the app shows
    try:
        with store.connect() as con:
            report = weekly_report.build_weekly_report(con, scope, week)
    except ValueError as exc:
        raise DataError(str(exc)) from exc
    data = weekly_report.to_xlsx(report) if out.suffix.lower() == ".xlsx" else weekly_report.to_csv(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    with store.connect() as con:
        store.audit(
            con,
            user=scope.user,
            action="export",
            scope=scope.describe(),
            detail=json.dumps(
                {
                    "what": "每周填报",
                    "week": report.week,
                    "rows": len(report.rows),
                    "file": out.name,
                    "masked": True,
                    "via": "cli",
                },
                ensure_ascii=False,
            ),
        )
    total = report.summary.iloc[-1]
    result = {
        "path": str(out.resolve()),
        "week": report.week,
        "start": report.start,
        "end": report.end,
        "rows": len(report.rows),
        "masked": report.masked,
        "missing_schools": len(report.missing),
        "summary": {k: int(v) for k, v in total.items() if k != "乡镇(街道)"},
    }
    if args.json:
        print_json(result)
    else:
        say(
            f"{report.title}\n已写入 {out}：{len(report.rows)} 条台账，{len(report.missing)} 所学校未填报。",
            err=True,
        )
    return EXIT_OK


@command("dropout-detect", "缺勤监测：列出待确认的疑似辍学 (suspected dropouts from absences, masked)")
def _detect_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_detect


def cmd_detect(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "view_named")
    with store.connect() as con:
        found, students = dropout_data.proposals(con, scope)
        behind = dropout_data.unreported(con, scope)
    shown = dropout_ledger.proposals_display(found, students, mask=True)
    unreported = [
        {
            "school_code": r.school_code,
            "school": r.school_name,
            "township": r.township_name,
            "through": None if r.never else r.through,
            "missing_days": int(r.missing_days),
        }
        for r in behind.itertuples(index=False)
    ]
    with store.connect() as con:  # a named list, even masked, is on record (as on the page)
        store.audit(
            con,
            user=scope.user,
            action="view_list",
            scope=scope.describe(),
            detail=json.dumps(
                {"list": "dropout-detect", "rows": len(shown), "masked": True, "via": "cli"},
                ensure_ascii=False,
            ),
        )
    rows = [
        {
            "student_id": r.student_id,
            "name": r.name,
            "school": r.school_name,
            "grade": r.grade,
            "run_start": r.run_start,
            "days": int(r.days),
            "level": r.level,
        }
        for r in shown.itertuples(index=False)
    ]
    if args.json:
        print_json({"as_of": scope.as_of, "count": len(rows), "proposals": rows, "unreported": unreported})
    else:
        say(f"截至 {scope.as_of.isoformat()}，待确认 {len(rows)} 人：", err=True)
        for r in rows:
            say(f"  {r['student_id']} {r['name']} {r['school']} {r['grade']} 连续{r['days']}天 {r['level']}")
        if unreported:
            say(f"数据未报(缺勤未上报)的学校 {len(unreported)} 所：", err=True)
            for u in unreported:
                since = f"最近上报截至 {u['through']}" if u["through"] else "从未上报"
                say(f"  {u['school']}({u['township']}) {since}，缺 {u['missing_days']} 个上课日")
    return EXIT_OK


#: ``--form`` values: the key or the form's Chinese name (辍学学生登记表 ...).
FORM_CHOICES: dict[str, str] = {
    **{key: key for key in dropout_forms.FORMS},
    **{label: key for key, label in dropout_forms.FORMS.items()},
}
_FORM_SUFFIXES = (".xlsx", ".csv", ".html")


@command(
    "dropout-forms",
    "两表与核查反馈：辍学学生登记表、劝返复学情况表、核查反馈、升级督办通知 (the release's forms, masked)",
)
def _forms_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument(
        "--form",
        required=True,
        choices=list(FORM_CHOICES),
        metavar="FORM",
        help="辍学学生登记表 | 劝返复学情况表 | 核查反馈 | 升级督办通知 (或 register/returns/feedback/escalations)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="输出文件：.xlsx、.csv(UTF-8 带 BOM) 或 .html(A4 打印版)；不给则列在标准输出",
    )
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_dropout_forms


def cmd_dropout_forms(args: argparse.Namespace) -> int:
    """One form of :data:`lib.dropout.forms.FORMS` for the operator's Scope, always masked: listed
    (audited as a view of the list), written to .xlsx/.csv (an export: needs ``export_named``) or
    to the printable .html (a print, as the page's 打印 button records it)."""
    from lib.dropout import monitor as dropout_monitor  # when the command runs: the scope's words only
    from lib.present import reports  # when the command runs: a CLI call loads only its own domain

    key = FORM_CHOICES[args.form]
    label = dropout_forms.FORMS[key]
    out: Path | None = args.out
    suffix = out.suffix.lower() if out else ""
    if out and suffix not in _FORM_SUFFIXES:
        raise DataError(f"输出文件须为 .xlsx、.csv 或 .html：{out}")
    exporting = suffix in (".xlsx", ".csv")
    scope = operator_scope(args, "view_named", *(("export_named",) if exporting else ()))
    dropout_demo.ensure_dropout_demo()  # a demo store gets the same rows the app shows
    with store.connect() as con:
        table = dropout_forms.build_forms(con, scope, mask=True)[key]
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".xlsx":
            data = reports.to_xlsx_bytes({label: table}, titles={label: label}, mask=True)
        elif suffix == ".csv":
            data = reports.to_csv_bytes(table, mask=True)
        else:
            where = dropout_monitor.scope_label(scope, {})
            data = dropout_forms.render_html(label, table, scope_text=where, as_of=scope.as_of).encode(
                "utf-8"
            )
        out.write_bytes(data)
    if exporting:
        audit.record(scope, "export", what=label, rows=len(table), format=suffix[1:], masked=True, via="cli")
    elif out:
        audit.record(scope, "print_form", form=label, rows=len(table), masked=True, via="cli")
    else:
        audit.record(scope, "view_list", list=label, rows=len(table), masked=True, via="cli")
    rows = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    result = {
        "form": label,
        "as_of": scope.as_of,
        "scope": scope.describe(),
        "count": len(table),
        "columns": list(table.columns),
        "masked": True,
        **({"path": str(out.resolve())} if out else {"rows": rows}),
    }
    if args.json:
        print_json(result)
    elif out:
        say(f"{label}（{scope.describe()}）已写入 {out}：{len(table)} 行。", err=True)
    else:
        say(f"{label}（{scope.describe()}）{len(table)} 行", err=True)
        say(fmt.text_table(table))
    return EXIT_OK
