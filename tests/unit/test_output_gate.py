"""One gate for every output: CLI commands print only through lib.cli's masking helpers,
pages show tables only through lib.ui's, files only through lib.present.reports; and
``reconcile --json`` is strict JSON with no full name in it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import duckdb
import pytest

from lib import cli
from lib.core import config
from tests.textscan import found_in

COMMANDS = sorted((config.ROOT / "lib" / "commands").glob("*.py"))
PAGES = sorted((config.ROOT / "pages").glob("*.py"))


def _calls(path: Path) -> list[str]:
    """Dotted names of every call in ``path`` (``print``, ``json.dump``, ``st.dataframe`` ...)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f, parts = node.func, []
            while isinstance(f, ast.Attribute):
                parts.append(f.attr)
                f = f.value
            if isinstance(f, ast.Name):
                parts.append(f.id)
            out.append(".".join(reversed(parts)))
    return out


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p.name)
def test_commands_print_only_through_the_gate(path: Path):
    bad = {c for c in _calls(path) if c in ("print", "json.dump", "sys.stdout.write", "sys.stderr.write")}
    assert not bad, f"{path.name}: use cli.say / cli.print_json / cli.emit, not {bad}"


@pytest.mark.parametrize(
    "path",
    [p for p in PAGES if not p.stem.startswith("admin_") and p.stem != "account"],
    ids=lambda p: p.name,
)
def test_pages_show_tables_only_through_the_gate(path: Path):
    bad = {
        c for c in _calls(path) if c.endswith(".dataframe") or (c.endswith(".table") and c.startswith("st"))
    }
    assert not bad, f"{path.name}: use ui.table / ui.coloured_table (the masking gate), not {bad}"


def test_reconcile_json_is_strict_and_names_nobody(fresh_db: Path, tmp_path: Path, capsys):
    from lib.demo import aid as aid_demo

    con = duckdb.connect(str(fresh_db))
    registry = aid_demo.sample_registry(con, kind="poverty", n=40)
    names = {r[0] for r in con.execute("SELECT name FROM students WHERE length(name) >= 2").fetchall()}
    ids_ = {r[0] for r in con.execute("SELECT id_number FROM students").fetchall() if r[0]}
    con.close()
    # ten names written differently, as outside lists do
    for i in range(10):
        registry.loc[i, "姓名"] = registry.loc[i, "姓名"][:-1] + "珏"
    listed = set(registry["姓名"].dropna())
    path = tmp_path / "名单.csv"
    registry.to_csv(path, index=False, encoding="utf-8-sig")
    assert cli.main(["reconcile", str(path), "--json"]) == cli.EXIT_OK
    out = capsys.readouterr().out

    def refuse(constant):
        raise ValueError(constant)

    doc = json.loads(out, parse_constant=refuse)
    assert doc["counts"]["name_mismatch"] >= 10
    assert all("“" in r["detail"] and "*" in r["detail"] for r in doc["rows"]["name_mismatch"])
    full = {n for n in names | listed if len(n) >= 3} | ids_
    assert not found_in(full, out)
