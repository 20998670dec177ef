"""``lib.cli setup``: the first start prints the admin password before the server starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lib import cli


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "edu.duckdb"
    monkeypatch.setenv("EDU_DB", str(path))
    return path


def test_setup_on_a_store_with_accounts_changes_nothing(fresh_db, capsys):
    from tests.accounts import ensure_test_account

    ensure_test_account("county", path=fresh_db)
    assert cli.main(["setup", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {**out, "demo_built": False, "admin_created": False, "password_file": None}


def test_setup_of_a_bureau_store_builds_no_demo(empty_db, capsys):
    assert cli.main(["init", "--county", "411503", "--json"]) == 0
    capsys.readouterr()
    assert cli.main(["setup", "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["demo_built"] is False and out["admin_created"] is True
    assert "初始密码" in captured.err  # printed on the terminal, never in the JSON
    assert Path(out["password_file"]).read_text(encoding="utf-8").startswith("admin\n")
    assert "password" not in json.dumps({k: v for k, v in out.items() if k != "password_file"})
