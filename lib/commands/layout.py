"""学校布局 commands: ``coverage`` (children within reach, by township and county)."""

from __future__ import annotations

import argparse

from lib.cli import EXIT_OK, DataError, Handler, command, emit
from lib.commands.access import operator_scope
from lib.core import store
from lib.layout import coverage as layout


@command("coverage", "学校布局：就近可达的学龄儿童 (children within reach, by township)")
def _coverage_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--level", choices=["primary", "junior"], default="primary", help="学段")
    p.add_argument("--km", type=float, default=None, help="阈值(道路估算 km)；默认 小学 2.5 / 初中 5")
    p.add_argument("--year", type=int, default=None, help="儿童年份(当前至五年后)；默认当前")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_coverage


def cmd_coverage(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "view_aggregates")
    if args.km is not None and args.km <= 0:
        raise DataError(f"--km 须大于 0：{args.km}")
    with store.connect() as con:
        data = layout.load_layout_data(con, scope)
    try:
        view = layout.compute_layout(data, band=args.level, km=args.km, year=args.year)
    except ValueError as exc:
        raise DataError(str(exc)) from exc
    doc = layout.coverage_json(view)
    c = doc["county"]
    lines = [
        f"{layout.BAND_LABELS[args.level]}，阈值 {doc['km']:g} km(绕行系数 {doc['detour_factor']:g})，{doc['year']}年",
        f"全区：学龄儿童 {c['children']:,}，就近可达 {c['within_reach']:,}（{(c['share'] or 0) * 100:.1f}%）",
    ]
    for t in doc["townships"]:
        share = "—" if t["share"] is None else f"{t['share'] * 100:.1f}%"
        lines.append(f"  {t['code']} {t['name']:<8} {t['children']:>7,} {t['within_reach']:>7,} {share:>7}")
    emit(args, doc, "\n".join(lines))
    return EXIT_OK


# ---------------------------------------------------------------- 布局规划
@command("plan", "布局规划：撤并学校前后的对比 (before/after closing schools)")
def _plan_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--close", action="append", default=[], metavar="CODE", help="撤并的学校标识码 (可重复)")
    p.add_argument("--level", choices=["primary", "junior"], default="primary", help="学段")
    p.add_argument("--km", type=float, default=None, help="阈值(道路估算 km)")
    p.add_argument("--scenario", default=None, help="使用已保存的方案(名称)，与 --close 合并")
    return cmd_plan


def cmd_plan(args: argparse.Namespace) -> int:
    from lib.layout import planning  # when the command runs: a CLI call loads only its own domain

    scope = operator_scope(args, "view_planning")
    with store.connect() as con:
        data = layout.load_layout_data(con, scope)
        changes: list[dict] = []
        if args.scenario:
            saved = planning.list_scenarios(con)
            row = saved[saved["name"] == args.scenario]
            if row.empty:
                raise DataError(f"方案不存在：{args.scenario}")
            changes = list(row.iloc[0]["changes"])
    changes += [{"op": "close", "code": c} for c in args.close]
    try:
        doc = planning.plan_json(data, changes, band=args.level, km=args.km)
    except planning.ScenarioError as exc:
        raise DataError(str(exc)) from exc
    lines = [f"{key:24s} {doc['before'][key]!s:>10} -> {doc['after'][key]!s:>10}" for key in doc["before"]]
    emit(args, doc, "\n".join(lines))
    return EXIT_OK


@command("optimize", "布局规划：p-median / MCLP / LSCP 选址优化 (spopt, offline)")
def _optimize_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--model", choices=["pmedian", "mclp", "lscp"], default="pmedian")
    p.add_argument("--level", choices=["primary", "junior"], default="primary")
    p.add_argument("--k", type=int, default=None, help="学校数 (默认：现有该学段学校数)")
    p.add_argument("--km", type=float, default=None, help="阈值(道路估算 km)")
    p.add_argument("--capacitated", action="store_true", help="p-median 考虑学位")
    p.add_argument("--keep-existing", action="store_true", help="保留现有学校")
    p.add_argument("--candidates", choices=["schools", "schools+villages"], default="schools+villages")
    p.add_argument("--time-limit", type=float, default=60.0, help="求解时限(秒)")
    return cmd_optimize


def cmd_optimize(args: argparse.Namespace) -> int:
    from lib.layout import planning  # when the command runs: a CLI call loads only its own domain

    scope = operator_scope(args, "view_planning")
    with store.connect() as con:
        data = layout.load_layout_data(con, scope)
    sol = planning.optimize(
        data,
        model=args.model,
        band=args.level,
        k=args.k,
        km=args.km,
        capacitated=args.capacitated,
        keep_existing=args.keep_existing,
        candidates=args.candidates,
        time_limit_s=args.time_limit,
    )
    doc = {
        "model": sol.model,
        "status": sol.status,
        "optimal": sol.optimal,
        "objective": sol.objective,
        "current_objective": sol.current_objective,
        "seconds": sol.seconds,
        "sites": [s["code"] for s in sol.sites],
        "new_sites": [s for s in sol.sites if not s["existing"]],
    }
    if not sol.optimal:
        doc["gap"] = sol.gap
    emit(
        args,
        doc,
        f"{sol.model}: {sol.status}，目标值 {sol.objective}，现状 {sol.current_objective}，"
        f"{len(sol.sites)} 个点，{sol.seconds} 秒",
    )
    return EXIT_OK
