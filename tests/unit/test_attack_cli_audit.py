"""Audit gaps, replayed: ``dropout-detect`` listed named children unaudited, and exports did not
say whether they were masked.  Every CLI list of named children and every export now does."""

from __future__ import annotations

import json

from lib import cli
from lib.core import store
from lib.core.scope import Scope


def _last(action: str) -> dict:
    with store.connect() as con:
        row = con.execute(
            'SELECT detail FROM audit_log WHERE action = ? ORDER BY "at" DESC LIMIT 1', [action]
        ).fetchone()
    return json.loads(row[0]) if row else {}


def test_every_cli_list_of_named_children_is_audited_as_masked(fresh_db, tmp_path, capsys):
    assert cli.main(["dropout-detect", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    detail = _last("view_list")
    assert detail["list"] == "dropout-detect" and detail["rows"] == listed["count"] > 0
    assert detail["masked"] is True and detail["via"] == "cli"
    assert cli.main(["risk", "--top", "5", "--json"]) == 0
    capsys.readouterr()
    assert _last("view_list") == {"list": "risk", "top": 5, "rows": 5, "masked": True, "via": "cli"}
    assert cli.main(["weekly-report", "--out", str(tmp_path / "w.csv")]) == 0
    capsys.readouterr()
    assert _last("export")["masked"] is True


def test_an_app_export_records_whether_it_was_unmasked(fresh_db):
    from lib import ui

    masked = Scope(user="u1", role="county", mask=True)
    unmasked = Scope(user="u1", role="county", mask=False)
    leader = Scope(user="u2", role="leader", mask=False)  # a leader cannot unmask, whatever the Scope says
    for scope, expected in ((masked, True), (unmasked, False), (leader, True)):
        ui._export_bytes(lambda: b"x", scope, "测试名单", 1, "csv")
        assert _last("export")["masked"] is expected
