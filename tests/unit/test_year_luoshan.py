"""The second county (罗山县, tests/fixtures/luoshan: files a bureau holds, made without lib.demo)
through a rollover: live from ``init`` and the CLI imports, rolled over to 2027-2028 by the CLI;
the year that ended reads exactly as before (overview and briefing, field by field) and the new
year's 巩固率 and red list are computed here from the fixture files."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lib import cli
from lib.core import config, store
from lib.core.scope import Scope
from lib.overview import briefing, metrics
from lib.roster import transition
from tests.fixtures.luoshan import make_fixtures as fx
from tests.unit.test_year import same

PAST = date(2026, 11, 20)
NEW = date(2027, 9, 15)


def _run(argv: list[str]) -> dict:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(argv)
    assert code == 0, (argv, buf.getvalue()[:2000])
    return json.loads(buf.getvalue())


def _scope(day: date, year: int) -> Scope:
    return Scope(county=fx.COUNTY, as_of=day, school_year=year, user="县级", role="county")


def _figures(db: Path, day: date, year: int) -> dict:
    scope = _scope(day, year)
    with store.connect(db) as con:
        ov = metrics.compute_overview(con, scope)
        b = briefing.compute_briefing(con, scope)
    return {
        "townships": ov.townships,
        "county": ov.county,
        "previous": ov.previous,
        "trend": ov.trend,
        "missing": ov.missing,
        "headlines": briefing.headlines(b),
        "red": briefing.red_list(b),
        "schools": b.schools,
    }


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("luoshan_year")
    files = fx.write_all(base / "files")
    db = base / "luoshan.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("EDU_DB", str(db))
    _run(["init", "--county", fx.COUNTY, "--as-of", PAST.isoformat(), "--json"])
    for kind, day, extra in (
        ("boundaries", "2026-09-01", []),
        ("villages", "2026-09-01", []),
        ("schools", "2026-09-15", []),
        ("students", "2026-09-15", ["--drop-bad-rows"]),
        ("village_population", "2026-06-30", []),
        ("enrolment_counts", "2026-09-30", []),
        ("calendar", "2026-08-25", []),
        ("transfers", PAST.isoformat(), []),
        ("contacts", PAST.isoformat(), []),
        ("aid_records", PAST.isoformat(), []),
        ("dropout_cases", PAST.isoformat(), []),
    ):
        assert _run(["import", kind, str(files[kind]), "--as-of", day, "--json", *extra])["imported"], kind
    out = {"db": db, "files": files, "before": _figures(db, PAST, 2026)}
    out["dry"] = _run(["rollover", "--to", "2027", "--dry-run", "--json"])
    out["run"] = _run(["rollover", "--to", "2027", "--as-of", NEW.isoformat(), "--json"])
    out["again"] = _run(["rollover", "--to", "2027", "--as-of", NEW.isoformat(), "--json"])
    out["after"] = _figures(db, PAST, 2026)
    out["new"] = _figures(db, NEW, 2027)
    yield out
    mp.undo()


def test_the_year_that_ended_reads_as_before(rolled):
    assert rolled["run"]["from_year"] == 2026 and not rolled["run"]["already_done"]
    same(rolled["after"], rolled["before"])


def test_the_new_years_consolidation_and_red_list_come_from_its_data(rolled):
    pupils = [p for i, p in enumerate(fx.pupils()) if i != fx.NUMERIC_ID_PUPIL]  # the one refused on import
    town_of = {code: s[2] for code, s in fx.SCHOOLS.items()}
    # grade 9 of 2027: the grade-8 pupils at school (在读, 送教上门) promoted by the rollover
    g9: dict[str, int] = {}
    for p in pupils:
        if p["grade"] == 8 and p["status"] in ("在读", "送教上门"):
            g9[town_of[p["school"]]] = g9.get(town_of[p["school"]], 0) + 1
    # grade 1 of 2019 from the 教育事业统计 file
    ws = openpyxl.load_workbook(rolled["files"]["enrolment_counts"], read_only=True).active
    rows = list(ws.iter_rows(values_only=True))[2:]
    g1: dict[str, int] = {}
    for year, code, _, grade, n in rows:
        if year == "2019-2020学年" and grade == "一年级":
            g1[town_of[code]] = g1.get(town_of[code], 0) + n
    new = rolled["new"]
    towns = new["townships"].set_index("code")
    for town in fx.TOWNSHIPS:
        assert towns.loc[town, "consolidation"] == pytest.approx(g9.get(town, 0) / g1[town]), town
    assert new["county"]["consolidation"] == pytest.approx(sum(g9.values()) / sum(g1.values()))
    red_line = config.SETTINGS["targets"]["consolidation"]["red"]
    want = {t for t in fx.TOWNSHIPS if g9.get(t, 0) / g1[t] < red_line}
    assert set(new["red"]["code"]) == want and set(new["red"]["behind"]) <= {"巩固率"}
    # what the new year has no data for yet is said, not zero: population of 2027, this term's aid
    assert {"population", "aid_coverage", "aid_on_time"} <= set(new["missing"])
    heads = {h.key: h for h in new["headlines"]}
    assert heads["aid_coverage"].value == "暂无数据" and heads["aid_coverage"].status == "grey"


def test_the_rollover_was_rehearsed_backed_up_and_is_not_repeated(rolled):
    dry, run, again = rolled["dry"], rolled["run"], rolled["again"]
    assert dry["changes"] == run["changes"] and dry["totals"] == run["totals"]
    assert run["backup"] and (rolled["db"].parent / "backups" / run["backup"]).exists()
    assert again["already_done"] and again["backup"] is None and again["changes"] == []
    leavers = [p for i, p in enumerate(fx.pupils()) if i != fx.NUMERIC_ID_PUPIL]
    primary = {c for c, s in fx.SCHOOLS.items() if s[1] in ("小学", "完小")}
    sixth = [p for p in leavers if p["school"] in primary and p["grade"] == 6 and p["status"] == "在读"]
    third = [p for p in leavers if fx.SCHOOLS[p["school"]][1] == "教学点" and p["grade"] == 3]
    with store.connect(rolled["db"]) as con:
        lst = transition.leavers(con, _scope(NEW, 2027))
    assert run["totals"]["leavers_followed"] == len(lst.waiting) == len(sixth) + len(third)
