"""Going live on a county the demo did not make: 罗山县 (411521), from files in the formats bureaus hold.

``init`` -> ``import`` every kind through the CLI -> the overview (briefing numbers), coverage,
roster check and absence detection equal figures this test computes from the fixture files
itself (tests/fixtures/luoshan/make_fixtures.py, which imports nothing of lib).
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from lib import cli
from tests.fixtures.luoshan import make_fixtures as fx

AS_OF = "2026-11-20"
SEPT1 = date(2026, 9, 1)


# ------------------------------------------------------------------ reading the fixture files here
def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("gbk"))))


def _xlsx(path: Path, header_row: int) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[header_row - 1]
    return [dict(zip(header, r, strict=False)) for r in rows[header_row:]]


def _age(born: date) -> int:
    return SEPT1.year - born.year - ((born.month, born.day) > (SEPT1.month, SEPT1.day))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# ------------------------------------------------------------------ the CLI
@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A store made by init and filled by the CLI, and the fixture files."""
    base = tmp_path_factory.mktemp("luoshan")
    files = fx.write_all(base / "files")
    db = base / "luoshan.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("EDU_DB", str(db))
    out: dict = {"files": files, "db": db, "mp": mp, "base": base}
    out["init"] = _run(["init", "--county", "411521", "--as-of", AS_OF, "--json"])
    # before any place is loaded: each row's own problems are reported all the same
    out["students_early"] = _run(["validate", "students", str(files["students"]), "--json"], expect=1)
    for kind, day, extra in (
        ("boundaries", "2026-09-01", []),
        ("villages", "2026-09-01", []),
        ("schools", "2026-09-15", []),
        ("students", "2026-09-15", ["--drop-bad-rows"]),
        ("village_population", "2026-06-30", []),
        ("enrolment_counts", "2026-09-30", []),
        ("calendar", "2026-08-25", []),
        ("transfers", AS_OF, []),
        ("contacts", AS_OF, []),
        ("aid_records", AS_OF, []),
        ("dropout_cases", AS_OF, []),
    ):
        if kind == "students":
            out["students_check"] = _run(["validate", "students", str(files["students"]), "--json"], expect=1)
        res = _run(["import", kind, str(files[kind]), "--as-of", day, "--json", *extra])
        assert res["imported"], (kind, res)
        out[kind] = res
    out["absences_1"] = _run(
        ["import", "absences", str(files["absences_1"]), "--as-of", "2026-11-20", "--json"]
    )
    out["absences_2"] = _run(
        ["import", "absences", str(files["absences_2"]), "--as-of", "2026-11-16", "--json"]
    )
    out["briefing"] = _run(["briefing", "--out", str(base / "简报.html"), "--json"])
    out["primary"] = _run(["coverage", "--level", "primary", "--json"])
    out["junior"] = _run(["coverage", "--level", "junior", "--json"])
    out["roster"] = _run(["roster-check", str(files["roster"]), "--json"])
    out["detect"] = _run(["dropout-detect", "--json"])
    out["info"] = _run(["info", "--json"])
    yield out
    mp.undo()


def _run(argv: list[str], *, expect: int = 0) -> dict:
    import contextlib

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(argv)
    assert code == expect, (argv, code, buf.getvalue()[:2000])
    return json.loads(buf.getvalue())


# ------------------------------------------------------------------ init and imports
def test_init_makes_an_empty_store_for_the_county(county):
    assert county["init"] == {"path": str(county["db"]), "county": "411521", "name": "罗山县", "demo": False}
    tables = county["info"]["tables"]
    assert county["info"]["demo"] is False and county["info"]["as_of"] == AS_OF
    assert tables["counties"] == 1 and tables["townships"] == 4 and tables["villages"] == 12
    assert tables["schools"] == 6


def test_a_numeric_id_cell_is_an_error_with_its_row_and_column(county):
    people = fx.pupils()
    report = county["students_check"]
    errors = [(e["row"], e["column"], e["code"]) for e in report["errors"]]
    # two title rows and the header above the data: pupil i is on row i + 4
    assert errors == [(fx.NUMERIC_ID_PUPIL + 4, "身份证件号", "id_numeric")]
    assert county["students"]["written"] == len(people) - 1
    assert county["students"]["skipped"] == 1


def test_validate_reports_a_rows_own_problems_before_its_codes_are_loaded(county):
    early = county["students_early"]["errors"]
    numeric_row = fx.NUMERIC_ID_PUPIL + 4
    assert (numeric_row, "身份证件号", "id_numeric") in {(e["row"], e["column"], e["code"]) for e in early}
    unknown = {e["row"] for e in early if e["code"] == "unknown_school"}
    assert unknown == set(range(4, 4 + len(fx.pupils())))  # every row: no school is loaded yet


def test_every_kind_was_written_in_full(county):
    files = county["files"]
    assert county["villages"]["written"] == len(_csv(files["villages"]))
    assert county["village_population"]["written"] == len(_csv(files["village_population"]))
    assert county["enrolment_counts"]["written"] == len(_xlsx(files["enrolment_counts"], 2))
    assert county["calendar"]["written"] == len(_csv(files["calendar"]))
    assert county["transfers"]["written"] == len(_xlsx(files["transfers"], 2))
    assert county["boundaries"]["written"] == 4
    assert county["info"]["tables"]["students"] == len(fx.pupils()) - 1


# ------------------------------------------------------------------ the overview
def _imported_pupils() -> list[dict]:
    return [p for i, p in enumerate(fx.pupils()) if i != fx.NUMERIC_ID_PUPIL]


def test_overview_figures_equal_the_files(county):
    files = county["files"]
    numbers = county["briefing"]["numbers"]
    pupils = _imported_pupils()
    enrolled = [p for p in pupils if p["status"] in ("在读", "送教上门")]
    assert numbers["students"] == len(enrolled)
    assert numbers["schools"] == len(fx.SCHOOLS)
    pop = _csv(files["village_population"])
    assert numbers["population"] == sum(
        int(r["人数"]) for r in pop if r["年份"] == "2026" and 6 <= int(r["年龄"]) <= 14
    )
    counts = _xlsx(files["enrolment_counts"], 2)
    g9 = sum(r["在校生数"] for r in counts if r["学年"] == "2026-2027学年" and r["年级"] == "初三")
    g1 = sum(r["在校生数"] for r in counts if r["学年"] == "2018-2019学年" and r["年级"] == "一年级")
    assert numbers["consolidation"] == pytest.approx(g9 / g1)
    assert numbers["dropouts"] == 1 and numbers["suspected"] == 0  # the case file: 劝返中, verified
    aid = _csv(files["aid_records"])
    poor = {p["id"] for p in enrolled if p["poverty"]}
    covered = {r["身份证号"] for r in aid if float(r["实发金额"]) > 0}
    assert numbers["aid_coverage"] == pytest.approx(len(poor & covered) / len(poor))
    on_time = [
        r
        for r in aid
        if r["实发日期"] and r["实发日期"] <= r["应发日期"] and float(r["实发金额"]) >= float(r["标准金额"])
    ]
    assert numbers["aid_on_time"] == pytest.approx(len(on_time) / len(aid))


# ------------------------------------------------------------------ coverage
@pytest.mark.parametrize(
    ("band", "ages", "levels", "km"),
    [
        ("primary", (6, 11), ("小学", "完小", "教学点"), 2.5),
        ("junior", (12, 14), ("初中", "初级中学"), 5.0),
    ],
)
def test_coverage_equals_distances_computed_here(county, band, ages, levels, km):
    files = county["files"]
    villages = {r["村(社区)代码"]: (float(r["经度"]), float(r["纬度"])) for r in _csv(files["villages"])}
    schools = [
        (float(r["经度"]), float(r["纬度"])) for r in _xlsx(files["schools"], 3) if r["办学类型"] in levels
    ]
    children: dict[str, int] = {}
    for r in _csv(files["village_population"]):
        if r["年份"] == "2026" and ages[0] <= int(r["年龄"]) <= ages[1]:
            children[r["村代码"]] = children.get(r["村代码"], 0) + int(r["人数"])
    road = {v: min(_km(p, s) for s in schools) * 1.3 for v, p in villages.items()}
    assert all(abs(d - km) > 0.3 for d in road.values())  # no village on the edge of the threshold
    within = sum(children[v] for v, d in road.items() if d <= km)
    got = county[band]["county"]
    assert got["children"] == sum(children.values())
    assert got["within_reach"] == within
    assert 0 < within < got["children"]  # both sides of the threshold are exercised


# ------------------------------------------------------------------ the roster check
def test_roster_check_equals_the_rules_applied_here(county):
    files = county["files"]
    pupils = {p["id"]: p for p in _imported_pupils()}
    transfers = _xlsx(files["transfers"], 2)
    confirmed_out = {
        r["学籍号"][1:]
        for r in transfers
        if r["异动类型"] == "转出" and r["审核通过日期"] and "罗山" not in r["转入学校"]
    }
    # the whole county: nobody is outside the Scope
    want = dict.fromkeys(
        ("enrolled", "suspended", "elsewhere", "placed", "exempt", "unaccounted", "out_of_scope"), 0
    )
    for r in _csv(files["roster"]):
        age, p = _age(date.fromisoformat(r["出生日期"])), pupils.get(r["公民身份号码"])
        if not (6 <= age <= 16) or (age >= 15 and p is None):
            continue
        status = p["status"] if p else None
        if status == "送教上门":
            want["placed"] += 1
        elif status == "休学":
            want["suspended"] += 1
        elif status == "在读":
            want["enrolled"] += 1
        elif r["公民身份号码"] in confirmed_out:
            want["elsewhere"] += 1
        elif r["免缓学原因"]:
            want["exempt"] += 1
        else:
            want["unaccounted"] += 1
    assert county["roster"]["counts"] == want
    assert (
        want["suspended"] == 1 and want["unaccounted"] == 3
    )  # never enrolled, dropped out at 15, unconfirmed move
    ages = {row["age"] for rows in county["roster"]["rows"].values() for row in rows}
    assert max(ages) == 16 and 15 in ages


# ------------------------------------------------------------------ detection per school
def test_detection_counts_each_school_up_to_its_own_upload(county):
    files = county["files"]
    school_days = sorted(
        date.fromisoformat(r["日期"]) for r in _csv(files["calendar"]) if r["类型"] in ("上课", "调休上课")
    )
    detect = county["detect"]
    by_school = {p["school"]: p for p in detect["proposals"]}
    assert detect["count"] == 2
    # 龙山第一小学 reported through 11-20: 11-16..11-20 = 5 school days
    assert by_school["罗山县龙山第一小学"]["days"] == 5
    # 周党镇中心小学 stopped reporting on 11-16; its run 11-09..11-16 includes the make-up Saturday
    run = [d for d in school_days if date(2026, 11, 9) <= d <= date(2026, 11, 16)]
    assert by_school["周党镇中心小学"]["days"] == len(run) == 7
    unreported = {u["school_code"]: u for u in detect["unreported"]}
    behind = [d for d in school_days if date(2026, 11, 16) < d <= date(2026, 11, 20)]
    assert unreported["2141521002"]["through"] == "2026-11-16"  # 周党镇中心小学
    assert unreported["2141521002"]["missing_days"] == len(behind)
    never = set(fx.SCHOOLS) - {"2141521001", "2141521002"}
    assert {s for s, u in unreported.items() if u["through"] is None} == never
    assert "2141521001" not in unreported  # 罗山县龙山第一小学 reported through 11-20


def test_the_checklist_says_live_with_each_kind_dated(county):
    from lib.core import store
    from lib.ops import golive

    with store.connect(county["db"]) as con:
        status = golive.golive_status(con)
    assert status.live and status.county_name == "罗山县"
    assert status.through("students") == date(2026, 9, 15)
    assert status.through("absences") == date(2026, 11, 20)
    row = status.table.set_index("kind").loc["calendar"]
    assert row["state"] == "已导入"
    assert status.through("roster") is None  # the roster check reads a file; nothing stored
    assert date(2026, 11, 20) - timedelta(days=0) == status.as_of
