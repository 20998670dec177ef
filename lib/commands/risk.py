"""重点关注学生 commands: ``risk`` (the top N at-risk list) and ``risk-backtest`` (the model card's figures)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lib.cli import EXIT_OK, DataError, Handler, command
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
    """The top ``top`` students in Scope as JSON-ready dicts (never a full ID or name)."""
    with store.connect() as con:
        settings = settings_store.effective_settings(con)
        df = risk_list.load_list(con, scope, settings)
    df = df.head(max(int(top), 0))
    return [
        {
            "student_id": r.student_id,
            "masked_id": ids.mask_id(r.id_number),
            "score": float(r.score),
            "band": r.band,
            "reasons": list(r.reasons),
        }
        for r in df.itertuples(index=False)
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
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(f"重点关注学生 前{args.top}名（{scope.describe()}）")
        for i, r in enumerate(rows, 1):
            print(
                f"{i:>4} {r['masked_id'] or '—':<20} {r['score']:>5.1f} {r['band']}  {'；'.join(r['reasons'])}"
            )
    return EXIT_OK


@command("risk-backtest", "重点关注学生：回测(各学期末评分 vs 下学期辍学) (back-test figures)")
def _backtest_parser(p: argparse.ArgumentParser) -> Handler:
    p.add_argument("--township", action="append", default=None, metavar="CODE", help="只看这些乡镇 (可重复)")
    return cmd_backtest


def cmd_backtest(args: argparse.Namespace) -> int:
    scope = operator_scope(args, "view_aggregates")
    with store.connect() as con:
        bt = risk_backtest.run_backtest(con, scope, settings_store.effective_settings(con))
    if args.json:
        json.dump(bt.overall.to_dict(orient="records"), sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        table = risk_backtest.overall_table(bt)
        print(table.to_string(index=False) if not table.empty else "没有可回测的学期。")
    return EXIT_OK
