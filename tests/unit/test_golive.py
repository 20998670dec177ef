"""上线检查 and init on small stores made here (not the demo)."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.core import config, schema, store, storemeta
from lib.ingest import KINDS
from lib.ops import golive

XINYANG = {
    "411502": "浉河区",
    "411503": "平桥区",
    "411521": "罗山县",
    "411522": "光山县",
    "411523": "新县",
    "411524": "商城县",
    "411525": "固始县",
    "411526": "潢川县",
    "411527": "淮滨县",
    "411528": "息县",
}


# ------------------------------------------------------------------ every table has a way in
@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_table_has_a_way_in(table):
    assert table in golive.WAYS_IN, f"{table}: no import kind, form or derivation (lib.ops.golive.WAYS_IN)"
    how, what, words = golive.WAYS_IN[table]
    assert words
    if how == "import":
        assert KINDS[what].table == table
    else:
        assert how in ("form", "derived", "system")
        module = importlib.import_module(what)
        assert table in Path(module.__file__).read_text(encoding="utf-8"), f"{what} never names {table}"


def test_ways_in_names_no_table_the_schema_lacks():
    assert set(golive.WAYS_IN) <= set(schema.TABLES)


def test_every_table_kind_appears_in_the_golive_doc():
    text = (config.DOCS_DIR / "golive.md").read_text(encoding="utf-8")
    for table in schema.TABLES:
        assert f"`{table}`" in text, table


# ------------------------------------------------------------------ counties
@pytest.mark.parametrize(("code", "name"), XINYANG.items())
def test_every_county_of_xinyang_has_its_code_and_outline(code, name):
    ref = golive.county_reference(code)
    assert ref["name"] == name and ref["city"] == "信阳市"
    assert ref["geometry"].startswith(("POLYGON", "MULTIPOLYGON"))


def test_the_province_has_157_coded_outlines():
    table = golive.county_choices("41")
    assert len(table) == 157 and table["code"].is_unique
    assert table["code"].str.fullmatch(r"41\d{4}").all()


@pytest.mark.parametrize("bad", ["411599", "4115", "110101", "abc"])
def test_an_unknown_county_is_refused_in_words(bad):
    with pytest.raises(golive.GoLiveError, match="不是河南省的县区"):
        golive.county_reference(bad)


# ------------------------------------------------------------------ init
def test_init_makes_an_empty_non_demo_store(tmp_path):
    db = tmp_path / "new.duckdb"
    out = golive.init_store("411522", path=db)
    assert out == {"path": str(db.resolve()), "county": "411522", "name": "光山县", "demo": False}
    with store.connect(db) as con:
        assert storemeta.county_code(con) == "411522" and not storemeta.is_demo(con)
        assert storemeta.county_name(con) == "光山县"
        assert con.execute("SELECT count(*) FROM townships").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM counties").fetchone()[0] == 1
        # no data date stored: a bureau's store lives in real time
        assert storemeta.data_as_of(con, on=date(2027, 3, 4)) == date(2027, 3, 4)
        year = con.execute("SELECT DISTINCT school_year FROM school_calendar").fetchall()
    assert year == [(storemeta.today().year if storemeta.today().month >= 9 else storemeta.today().year - 1,)]


def test_init_with_as_of_sets_the_data_date(tmp_path):
    db = tmp_path / "new.duckdb"
    golive.init_store("411528", path=db, as_of=date(2026, 11, 20))
    with store.connect(db) as con:
        assert storemeta.data_as_of(con) == date(2026, 11, 20)
        assert con.execute("SELECT min(school_year), max(school_year) FROM school_calendar").fetchone() == (
            2026,
            2026,
        )


def test_init_refuses_a_store_holding_data_unless_forced(tmp_path):
    db = tmp_path / "held.duckdb"
    golive.init_store("411521", path=db)
    golive.init_store("411521", path=db)  # only what init writes: still empty, may be redone
    with store.transaction(db) as con:
        con.execute(
            "INSERT INTO townships (code, county_code, name) VALUES ('411521101', '411521', '周党镇')"
        )
    with pytest.raises(golive.GoLiveError, match=r"已有数据.*--force"):
        golive.init_store("411523", path=db)
    with store.connect(db) as con:
        assert storemeta.county_code(con) == "411521"  # nothing changed
    golive.init_store("411523", path=db, force=True)
    with store.connect(db) as con:
        assert storemeta.county_code(con) == "411523"
        assert con.execute("SELECT count(*) FROM townships").fetchone()[0] == 0


def test_the_demo_keeps_its_anchor(tmp_path):
    db = tmp_path / "d.duckdb"
    with store.transaction(db) as con:
        store.set_meta(con, "demo", "true")
    with store.connect(db) as con:
        assert storemeta.is_demo(con) and storemeta.data_as_of(con) == config.DEMO_AS_OF


# ------------------------------------------------------------------ the checklist
@pytest.fixture
def new_store(tmp_path) -> Path:
    db = tmp_path / "c.duckdb"
    golive.init_store("411521", path=db, as_of=date(2026, 11, 20))
    return db


def test_a_new_store_is_not_live_and_says_what_comes_first(new_store):
    with store.connect(new_store) as con:
        status = golive.golive_status(con)
    assert not status.live
    assert status.missing_required == ["boundaries", "villages", "schools", "students"]
    assert golive.next_step(status).kind == "boundaries"
    calendar = status.table.set_index("kind").loc["calendar"]
    assert calendar["state"] == "草拟" and calendar["rows"] > 300
    assert golive.page_gaps(status, "") == (
        ["boundaries", "schools", "students"],
        ["village_population", "enrolment_counts", "aid_records"],
    )
    assert golive.page_gaps(status, "golive") == ([], [])


def _add(con, table: str, rows: list[dict]) -> None:
    store.write_table(con, table, pd.DataFrame(rows))


def test_loaded_kinds_are_dated_by_their_imports(new_store):
    with store.transaction(new_store) as con:
        _add(con, "townships", [{"code": "411521101", "county_code": "411521", "name": "周党镇"}])
        _add(con, "schools", [{"code": "2141521002", "name": "周党镇中心小学", "township_code": "411521101"}])
        _add(con, "absences", [{"student_id": "S1", "day": date(2026, 11, 18), "excused": False}])
        con.execute(
            "INSERT INTO imports (import_id, seq, kind, as_of, status) VALUES "
            "('IMP000001', 1, 'schools', DATE '2026-09-15', '已导入'), "
            "('IMP000002', 2, 'schools', DATE '2026-10-15', '已撤销')"
        )
    with store.connect(new_store) as con:
        status = golive.golive_status(con)
    assert status.through("schools") == date(2026, 9, 15)  # the undone import does not count
    assert status.through("absences") == date(2026, 11, 18)  # no import: the rows' own last day
    assert status.through("boundaries") == date(2026, 11, 20)  # no import, no date of its own: data date
    assert status.through("students") is None
    assert golive.freshness_text(status, ("schools", "absences", "aid_records")) == (
        "数据：学校 截至 09-15 · 缺勤 截至 11-18 · 资助 未导入"
    )
    assert golive.unknown_measures(status) == frozenset(
        {"population", "consolidation", "aid_coverage", "aid_on_time"}
    )


def test_the_aid_ledger_is_dated_by_its_last_payment_not_a_payment_due_later(new_store):
    """A record due next term (not paid) made 资助 read "截至 2027-01-22" on 2026-11-20."""
    with store.transaction(new_store) as con:
        _add(
            con,
            "aid_records",
            [
                {"record_id": "A1", "paid_date": date(2026, 10, 30), "due_date": date(2026, 10, 31)},
                {"record_id": "A2", "paid_date": None, "due_date": date(2027, 1, 22)},
            ],
        )
    with store.connect(new_store) as con:
        assert golive.golive_status(con).through("aid_records") == date(2026, 10, 30)


def test_every_page_in_the_checklist_is_a_page_of_the_app():
    pages = {p.stem for p in (config.ROOT / "pages").glob("*.py")}
    for page, (req, opt) in golive.PAGE_NEEDS.items():
        assert (page or "overview") in pages
        assert set(req) | set(opt) <= set(golive.BY_KIND)


def test_an_import_without_as_of_is_dated_today_in_a_bureaus_store(tmp_path, monkeypatch):
    import contextlib
    import io
    import json

    from lib import cli

    db = tmp_path / "t.duckdb"
    golive.init_store("411521", path=db)
    monkeypatch.setenv("EDU_DB", str(db))
    csv = tmp_path / "乡镇.geojson"
    ref = golive.county_reference("411521")
    import shapely

    inner = shapely.from_wkt(ref["geometry"]).representative_point().buffer(0.01)
    csv.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"乡镇代码": "411521101", "乡镇名称": "周党镇"},
                        "geometry": shapely.geometry.mapping(inner),
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["import", "boundaries", str(csv), "--json"]) == 0
    assert json.loads(out.getvalue())["as_of"] == storemeta.today().isoformat()
    with store.connect(db) as con:
        assert con.execute("SELECT kind FROM townships").fetchall() == [("镇",)]
