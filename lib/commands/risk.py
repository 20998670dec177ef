"""重点关注学生 commands: ``risk`` (the top N at-risk list) and ``risk-backtest`` (the model card's figures)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from lib.cli import EXIT_OK, DataError, Handler, command, emit, print_json, say
from lib.commands.access import operator_scope
from lib.core import ids, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.risk import backtest as risk_backtest
from lib.risk import listing as risk_list


@command("risk", "重点关注学生：风险分最高的 N 名 (top N students at risk, masked)")
def _risk_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--top", type=int, default=20, metavar="N", help="前 N 名 (default 20)")
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只看这些乡镇 (可重复)")
    return cmd_risk


def top_records(scope: Scope, top: int) -> list[dict[str, Any]]:
    """The top ``top`` students in Scope as JSON-ready dicts (never a full ID or name); only
    children with at least one reason are listed, so fewer than ``top`` may come back."""
    with store.connect() as con:
        settings = settings_store.effective_settings(con)
        df = risk_list.load_list(con, scope, settings)
    df = df.head(max(int(top), 0))
    # plain lists: iterating pandas' arrow-backed strings row by row is what made 100,000 rows slow
    return [
        {"student_id": sid, "masked_id": ids.mask_id(i), "score": float(sc), "band": b, "reasons": list(r)}
        for sid, i, sc, b, r in zip(
            df["student_id"].tolist(),
            df["id_number"].tolist(),
            df["score"].tolist(),
            df["band"].tolist(),
            df["reasons"].tolist(),
            strict=True,
        )
    ]


def cmd_risk(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise DataError("--top 必须是正整数")
    scope = operator_scope(args, "view_named")
    rows = top_records(scope, args.top)
    with store.connect() as con:
        store.audit(
            con,
            user=scope.user,
            action="view_list",
            scope=scope.describe(),
            detail=json.dumps(
                {"list": "risk", "top": args.top, "rows": len(rows), "masked": True, "via": "cli"},
                ensure_ascii=False,
            ),
        )
    lines = [f"重点关注学生 前{args.top}名（{scope.describe()}）"]
    lines += [
        f"{i:>4} {r['masked_id'] or '—':<20} {r['score']:>5.1f} {r['band']}  {'；'.join(r['reasons'])}"
        for i, r in enumerate(rows, 1)
    ]
    emit(args, rows, "\n".join(lines))
    return EXIT_OK


@command("risk-backtest", "重点关注学生：回测(各学期末评分 vs 下学期辍学) (back-test figures)")
def _backtest_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只看这些乡镇 (可重复)")
    return cmd_backtest


def cmd_backtest(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "view_aggregates")
    with store.connect() as con:
        bt = risk_backtest.run_backtest(con, scope, settings_store.effective_settings(con))
    for fold in bt.skipped:  # said on stderr so that --json stays a list of rows
        say(f"{fold.label}(截止 {fold.cutoff.isoformat()})：截止后没有辍学，无从评估，已略去。", err=True)
    if args.json:
        print_json(bt.overall.to_dict(orient="records"))
    else:
        table = risk_backtest.overall_table(bt)
        say(table.to_string(index=False) if not table.empty else "没有可回测的学期。")
    return EXIT_OK
