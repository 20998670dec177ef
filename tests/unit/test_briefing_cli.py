"""The ``briefing`` command (docs/cli.md): the same file as the page, exit codes, snapshots."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from lib import cli
from lib.commands.access import LOCAL_OPERATOR
from lib.core import store
from lib.core.scope import Scope
from lib.overview import briefing


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    body = json.loads(out.out) if "--json" in argv and out.out.strip() else None
    return code, body, out.err


def _stable(page: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "_ID", page)


def _town(db) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT code FROM townships WHERE kind = '镇' ORDER BY code LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_briefing_writes_the_pages_file(capsys, fresh_db, tmp_path):
    town = _town(fresh_db)
    out = tmp_path / "简报.html"
    code, body, err = run(capsys, "briefing", "--out", str(out), "--township", town, "--json")
    assert code == 0, err
    scope = Scope(townships=(town,), user=LOCAL_OPERATOR, role="county")
    with store.connect(fresh_db) as con:
        b = briefing.compute_briefing(con, scope)
        expected = briefing.render_html(b, briefing.township_shapes(con, scope))
    # what the page offers, up to the random element ids folium gives each map layer
    assert _stable(out.read_text(encoding="utf-8")) == _stable(expected)
    assert body["numbers"] == briefing.key_numbers(b.overview)
    assert body["snapshot"] is None and body["last_snapshot"] is None


def test_save_then_a_later_briefing_compares(capsys, fresh_db, tmp_path):
    code, body, _ = run(
        capsys, "briefing", "--out", str(tmp_path / "a.html"), "--as-of", "2026-11-13", "--save", "--json"
    )
    assert code == 0 and body["snapshot"]
    code, later, _ = run(
        capsys, "briefing", "--out", str(tmp_path / "b.html"), "--xlsx", str(tmp_path / "b.xlsx"), "--json"
    )
    assert code == 0 and later["last_snapshot"] == body["snapshot"]
    assert "较上次汇报" in (tmp_path / "b.html").read_text(encoding="utf-8")
    assert (tmp_path / "b.xlsx").stat().st_size > 0


def test_text_output(capsys, demo_db, tmp_path):
    code, _, _ = run(capsys, "briefing", "--out", str(tmp_path / "c.html"))
    # (run() already read the output: run again to see the text)
    assert code == 0
    assert cli.main(["briefing", "--out", str(tmp_path / "c.html")]) == 0
    assert "简报已写出" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["briefing"], 2),  # --out is required
        (["briefing", "--out", "/nonexistent-dir/x.html"], 1),
        (["briefing", "--out", "x.html", "--township", "999999999"], 1),
    ],
)
def test_errors(capsys, demo_db, tmp_path, monkeypatch, argv, code):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == code
    assert not (tmp_path / "x.html").exists()
