"""学校布局 commands: ``coverage`` (children within reach, by township and county)."""

from __future__ import annotations

import argparse

from lib.cli import EXIT_DATA, EXIT_OK, DataError, Handler, command, emit, print_json, say
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
#: lib.layout.optimize.MODELS / CANDIDATES, spelled out so that building the parser of every
#: command does not import the solver's module (a test keeps them equal).
OPTIMIZE_MODELS = ("pmedian", "pcenter", "mclp", "lscp")
OPTIMIZE_CANDIDATES = ("schools", "schools+villages", "schools+villages+grid")


@command("plan", "布局规划：撤并学校前后的对比 (before/after closing schools)")
def _plan_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--close", action="append", default=[], metavar="CODE", help="撤并的学校标识码 (可重复)")
    p.add_argument("--level", choices=["primary", "junior"], default="primary", help="学段")
    p.add_argument("--year", type=int, default=None, help="方案年份(当前至五年后，按队列预测)；默认当前")
    p.add_argument("--km", type=float, default=None, help="阈值(道路估算 km)")
    p.add_argument("--scenario", default=None, help="使用已保存的方案(名称)，与 --close 合并")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_plan


def cmd_plan(args: argparse.Namespace) -> int:
    from lib.layout import planning  # when the command runs: a CLI call loads only its own domain

    scope = operator_scope(args, "view_planning")
    if args.km is not None and args.km <= 0:
        raise DataError(f"--km 须大于 0：{args.km}")
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
        doc = planning.plan_json(data, changes, band=args.level, km=args.km, year=args.year)
    except planning.ScenarioError as exc:
        raise DataError(str(exc)) from exc
    if args.json:
        print_json(doc)
    else:
        say(f"{layout.BAND_LABELS[args.level]}，{doc['year']}年")
        for key in doc["before"]:
            label = planning.EFFECT_LABELS.get(key, key)
            say(f"{label:<14s} {doc['before'][key]!s:>10} -> {doc['after'][key]!s:>10}")
        for s in doc["receiving_over_capacity"]:
            say(f"超容量：{s['name']}（{s['pupils']:,} 人 / {s['seats']:,} 学位）")
    return EXIT_OK


@command("optimize", "布局规划：选址优化 p-median / p-center / MCLP / LSCP (HiGHS, offline)")
def _optimize_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--model", choices=list(OPTIMIZE_MODELS), default="pmedian")
    p.add_argument("--level", choices=["primary", "junior"], default="primary")
    p.add_argument("--k", type=int, default=None, help="学校数 (默认：现有该学段学校数，含教学点)")
    p.add_argument("--close-max", type=int, default=None, help="最多撤并几所现有学校 (默认：设置中的比例)")
    p.add_argument("--open-max", type=int, default=None, help="最多新建几所 (默认：与可撤并数相同)")
    p.add_argument("--budget", type=float, default=None, metavar="万元", help="撤并与新建成本上限(万元)")
    p.add_argument(
        "--force-open", action="append", default=[], metavar="CODE", help="必须保留的学校 (可重复)"
    )
    p.add_argument(
        "--force-closed", action="append", default=[], metavar="CODE", help="必须撤并的学校 (可重复)"
    )
    p.add_argument("--keep-existing", action="store_true", help="保留全部现有学校 (= --close-max 0)")
    p.add_argument("--km", type=float, default=None, help="阈值(道路估算 km)")
    p.add_argument("--year", type=int, default=None, help="儿童年份(当前至五年后)")
    p.add_argument("--capacitated", action="store_true", help="p-median 考虑学位")
    p.add_argument("--candidates", choices=list(OPTIMIZE_CANDIDATES), default="schools+villages+grid")
    p.add_argument("--time-limit", type=float, default=None, help="求解时限(秒，含建模)；默认设置中的值")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只含这些乡镇 (可重复)")
    return cmd_optimize


def cmd_optimize(args: argparse.Namespace) -> int:
    from lib.layout import optimize  # when the command runs: a CLI call loads only its own domain

    scope = operator_scope(args, "view_planning")
    if args.time_limit is not None and args.time_limit <= 0:
        raise DataError(f"--time-limit 须大于 0：{args.time_limit}")
    with store.connect() as con:
        data = layout.load_layout_data(con, scope)
    try:
        sol = optimize.optimize(
            data,
            model=args.model,
            band=args.level,
            k=args.k,
            close_max=0 if args.keep_existing else args.close_max,
            open_max=args.open_max,
            budget_wan=args.budget,
            force_open=tuple(args.force_open),
            force_closed=tuple(args.force_closed),
            km=args.km,
            year=args.year,
            capacitated=args.capacitated,
            candidates=args.candidates,
            time_limit_s=args.time_limit,
        )
    except optimize.OptimizeError as exc:
        raise DataError(str(exc)) from exc
    doc = sol.to_json()
    if args.json:
        print_json(doc)
    else:
        say(
            f"{optimize.MODEL_LABELS[sol.model]}：{sol.status_label()}，目标值 {doc['objective']}"
            f"(现状 {doc['current_objective']})，保留现有 {sol.kept_existing} 所，撤并 {len(sol.closed)} 所，"
            f"新建 {len(sol.opened)} 所，最远 {doc['farthest_km']} km，差距 {doc['gap']}，{doc['seconds']} 秒"
        )
    if not sol.ok:
        say(sol.message or sol.status_label(), err=True)
        return EXIT_DATA
    return EXIT_OK
