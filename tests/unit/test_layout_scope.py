"""Scope-true layout figures: a township's schools, seats and beds beside its children, checked
against SQL written here independently of lib.layout (reach still counts every school)."""

from __future__ import annotations

import json

import pytest

from lib.core import store
from lib.core.scope import default_scope
from lib.layout import coverage as layout
from lib.layout import planning
from tests.accounts import ensure_test_account
from tests.layout_sql import pick_town, sql_figures


@pytest.fixture(scope="module")
def town(demo_db) -> str:
    with store.connect(demo_db) as con:
        return pick_town(con)


def test_coverage_township_block_equals_independent_sql(demo_db, town, capsys, monkeypatch):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    assert cli.main(["coverage", "--township", town, "--json"]) == 0
    county = json.loads(capsys.readouterr().out)["county"]
    want = sql_figures(demo_db, town)
    assert {k: county[k] for k in want} == want
    # the whole county has more of everything: the figures really are the township's
    assert cli.main(["coverage", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)["county"]
    assert whole["schools"] > want["schools"] and whole["boarding_beds"] > want["boarding_beds"]


def test_a_township_account_sees_its_townships_figures(demo_db, town, capsys, monkeypatch):
    from lib import cli

    monkeypatch.setenv("EDU_DB", str(demo_db))
    account = ensure_test_account("township", townships=(town,), path=demo_db)
    assert cli.main(["--user", account.name, "coverage", "--json"]) == 0
    county = json.loads(capsys.readouterr().out)["county"]
    want = sql_figures(demo_db, town)
    assert {k: county[k] for k in want} == want


def test_planner_figures_of_a_narrowed_scope_equal_independent_sql(demo_db, town):
    scope = default_scope().narrow(townships=(town,))
    with store.connect(demo_db) as con:
        data = layout.load_layout_data(con, scope)
    eff = planning.evaluate(data, [], band="primary").county
    want = sql_figures(demo_db, town)
    assert eff["children_total"] == want["children"]
    assert (eff["schools"], eff["seats"], eff["boarding_beds"]) == (
        want["schools"],
        want["seats"],
        want["boarding_beds"],
    )
    assert eff["schools_over_capacity"] == want["over_capacity"]
    assert eff["schools_under_100"] == want["small_schools"]
