"""学籍核查 commands: ``roster-check FILE`` (a school-age roster against the students) and
``transition`` (小升初: leavers still to be received; ``--open-cases`` for cron)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lib.cli import EXIT_OK, DataError, Handler, command, emit, print_json, say
from lib.commands.access import operator_scope, refuse_class_scope
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
    refuse_class_scope(scope, "学籍核查")
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
        say(f"跳过：{p}", err=True)
    rows = roster_view.rows_json(classified)
    lines = [f"适龄儿童花名册 {args.file.name}（{scope.describe()}）"]
    lines += [f"  {label:<8} {counts[key]:>8,}" for key, label in roster.CATEGORIES.items()]
    lines += [
        f"  去向不明：{r['id_number']} {r['name']} {r['township']}{r['village'] or ''} {r['age']}岁"
        for r in rows["unaccounted"]
    ]
    emit(args, {"counts": counts, "rows": rows}, "\n".join(lines))
    return EXIT_OK


# ------------------------------------------------------------------ 小升初
@command("transition", "小升初衔接：待接收的小学、教学点毕业生 (--open-cases: 过期者建疑似辍学台账，供 cron)")
def _transition_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只看这些乡镇 (可重复)")
    p.add_argument(
        "--open-cases",
        action="store_true",
        help="为已过建档期限仍未入学、未查明去向的毕业生建立疑似辍学台账 (需 write_cases)",
    )
    return cmd_transition


def cmd_transition(args: argparse.Namespace) -> int:
    from lib.roster import transition  # when the command runs: a CLI call loads only its own domain

    scope = operator_scope(args, "view_named", *(("write_cases",) if args.open_cases else ()))
    refuse_class_scope(scope, "小升初衔接")
    run = transition.open_overdue_cases(scope) if args.open_cases else None
    lst = transition.load(scope)
    rows = [
        {
            "student_id": r.student_id,
            "school_code": r.school_code,
            "grade": None if r.grade != r.grade else int(r.grade),
            "left_on": r.left_on.isoformat(),
            "expected_school": r.expected_school,
            "due_on": r.due_on.isoformat(),
            "case_on": r.case_on.isoformat(),
            "state": r.state,
        }
        for r in lst.waiting.itertuples(index=False)
    ]
    out = {"as_of": scope.as_of.isoformat(), "counts": lst.counts(), "leavers": rows}
    if run is not None:
        out.update(opened=run.opened, failed=run.failed)
    if args.json:
        print_json(out)
        return EXIT_OK
    n = lst.counts()
    say(
        f"小升初待接收 {len(rows):,} 人(截至 {scope.as_of.isoformat()})：待接收 {n['waiting']:,}，"
        f"逾期未报到 {n['overdue']:,}，已过建档期限 {n['case_due']:,}；已入学 {n['received']:,}，"
        f"已查明去向 {n['elsewhere'] + n['exempt'] + n['case']:,}"
    )
    if run is not None:
        say(
            f"已建立疑似辍学台账 {len(run.opened):,} 件"
            + (f"，未能建档 {len(run.failed):,} 人" if run.failed else "")
        )
        for sid, why in run.failed.items():
            say(f"  未能建档 {sid}：{why}", err=True)
    return EXIT_OK
