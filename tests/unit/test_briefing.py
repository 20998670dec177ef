"""lib.overview.briefing: the overview's numbers, the red list, snapshots, and a self-contained, anonymous HTML file."""

from __future__ import annotations

import html as html_lib
import io
import json
import re
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser

import duckdb
import pandas as pd
import pytest

from lib.core import config, fmt, permissions, store
from lib.core.scope import Scope
from lib.overview import briefing, metrics
from lib.overview import view as overview_view
from lib.present.cards import status_colour
from tests.textscan import found_in

AS_OF = config.DEMO_AS_OF


def _first_township(db, kind: str = "乡") -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT code FROM townships WHERE kind = ? ORDER BY code LIMIT 1", [kind]
        ).fetchone()[0]
    finally:
        con.close()


def _personal(db) -> tuple[set[str], set[str], set[str]]:
    """Every student's name, ID number and 学籍号, and every place name (which a name may be part of)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        students = con.execute("SELECT name, id_number, xueji_number FROM students").fetchall()
        places = [
            r[0]
            for r in con.execute(
                "SELECT name FROM townships UNION ALL SELECT name FROM villages UNION ALL SELECT name FROM schools"
            ).fetchall()
        ]
    finally:
        con.close()
    names = {r[0] for r in students if r[0]}
    # a two-character name such as 王庄 may also be part of a place's name: those are not evidence of a leak
    place_text = "\n".join(places)
    names = {n for n in names if n not in place_text}
    return names, {r[1] for r in students if r[1]}, {r[2] for r in students if r[2]}


@pytest.fixture(scope="module")
def whole(demo_db):
    scope = Scope(user="t", role="leader")
    with store.connect(demo_db) as con:
        b = briefing.compute_briefing(con, scope)
        shapes = briefing.township_shapes(con, scope)
        ov = metrics.compute_overview(con, scope)
    return b, shapes, ov


@pytest.fixture(scope="module")
def page(whole):
    b, shapes, _ = whole
    return briefing.render_html(b, shapes)


# ------------------------------------------------------------------ numbers
def test_key_numbers_are_the_overviews(whole):
    b, _, ov = whole
    assert briefing.key_numbers(b.overview) == {k: ov.county[k] for k in briefing.KEY_MEASURES}
    shown = [h.value for h in briefing.headlines(b)]
    assert shown == [c.value for c in overview_view.cards(ov)]


def test_one_township_numbers_are_the_overviews(demo_db):
    town = _first_township(demo_db)
    scope = Scope(townships=(town,), role="county")
    with store.connect(demo_db) as con:
        b = briefing.compute_briefing(con, scope)
        ov = metrics.compute_overview(con, scope)
    assert briefing.key_numbers(b.overview) == {k: ov.county[k] for k in briefing.KEY_MEASURES}
    assert set(b.schools["township_code"]) == {town}
    assert len(b.schools) == ov.county["schools"]


def test_headline_targets_and_status(whole):
    b, _, ov = whole
    heads = {h.key: h for h in briefing.headlines(b)}
    rule = config.SETTINGS["targets"]["consolidation"]
    assert heads["consolidation"].target == f"目标 ≥{fmt.fmt_pct(rule['green'])}"
    assert heads["consolidation"].status == status_colour("consolidation", ov.county["consolidation"])
    assert heads["students"].target is None and heads["students"].since_last is None  # no snapshot yet


def test_red_list_holds_exactly_the_red_townships(whole):
    b, _, ov = whole
    red = briefing.red_list(b)
    t = ov.townships
    expected = {
        r.code
        for r in t.itertuples()
        if any(status_colour(m, getattr(r, m)) == "red" for m in briefing.RED_MEASURES)
    }
    assert set(red["code"]) == expected and expected  # the demo has townships in trouble
    assert red["code"].tolist() == [c for c in t["code"] if c in expected]  # the overview's attention order
    row = red.iloc[0]
    assert row["behind"] and row["new"] is None  # no earlier briefing to compare with


def test_figures_use_the_overview_table(whole):
    b, _, ov = whole
    figs = briefing.figures(b)
    assert set(figs) == {"case_trend", "consolidation", "aid_coverage", "aid_on_time"}
    bars = figs["aid_coverage"].data[0]
    got = dict(zip(bars.y, bars.x, strict=True))
    want = dict(zip(ov.townships.name, ov.townships.aid_coverage.fillna(0), strict=True))
    assert got == pytest.approx(want)
    cons = figs["consolidation"].data[0]
    assert dict(zip(cons.y, cons.x, strict=True)) == pytest.approx(
        dict(zip(ov.townships.name, ov.townships.consolidation, strict=True))
    )


def test_school_map_has_every_school_and_no_outside_link(whole):
    b, shapes, _ = whole
    from lib.present import maps

    m = briefing.school_map(b, shapes)
    assert maps.external_links(m) == set()
    html = maps.map_html(m)
    assert html.count('"html":') == len(b.schools)  # one point per school (never per child)


def test_role_without_briefing_right_is_refused(demo_db):
    with store.connect(demo_db) as con, pytest.raises(permissions.NotPermitted, match="生成汇报简报"):
        briefing.compute_briefing(con, Scope(role="admin"))


# ------------------------------------------------------------------ the file
class _Links(HTMLParser):
    """Every src/href of the page and of pages inside ``iframe srcdoc``, and the inline CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.docs: list[str] = []
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href", "data", "poster"):
            if a.get(key):
                self.links.append((tag, a[key]))
        if tag == "iframe" and a.get("srcdoc"):
            self.docs.append(a["srcdoc"])
        if a.get("style"):
            self.css.append(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.css.append(data)


def _walk(page: str) -> _Links:
    parser = _Links()
    parser.feed(page)
    for doc in list(parser.docs):
        inner = _walk(doc)
        parser.links += inner.links
        parser.css += inner.css
    return parser


def test_html_loads_nothing_from_outside(page):
    found = _walk(page)
    assert not found.links, found.links[:5]  # no script src, link href, img src at all: everything is inline
    outside = re.compile(r"url\(\s*['\"]?(https?:)?//|@import", re.IGNORECASE)
    assert not [c for c in found.css if outside.search(c)]
    assert "<script src=" not in page and '<link rel="stylesheet" href=' not in page
    assert len(found.docs) == 1  # the map, with Leaflet inside it
    assert "L.version" in found.docs[0] or "leaflet" in found.docs[0].lower()
    assert briefing._ASSET_PREFIX not in page


def test_html_has_the_parts_a_meeting_needs(whole, page):
    b, _, ov = whole
    for section in ("一、关键指标", "二、乡镇红名单", "三、学校分布与巩固率", "四、控辍保学", "五、学生资助"):
        assert section in page
    assert fmt.fmt_date(AS_OF) in page and "平桥区全区" in page
    assert "@page{size:A4 landscape" in page and "@media print" in page
    assert '<meta charset="utf-8">' in page
    for key in ("students", "suspected", "dropouts"):
        assert f">{fmt.fmt_count(ov.county[key])}<" in page
    for key in ("consolidation", "aid_coverage", "aid_on_time"):
        assert f">{fmt.fmt_pct(ov.county[key])}<" in page
    for name in briefing.red_list(b)["name"]:
        assert f">{name}<" in page
    assert page.count('class="plotly-graph-div"') == 4


def _cjk_and_ids(text: str) -> tuple[str, set[str]]:
    """All runs of Chinese characters (where a name could be) and every 15-19 character ID-like token.

    The text is read as a browser and plotly would: HTML entities and JSON ``\\uXXXX`` escapes decoded.
    """
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html_lib.unescape(text))
    cjk = "\n".join(re.findall(r"[\u4e00-\u9fff·]+", text))
    tokens = set(re.findall(r"[GJLgjl]?\d{14,18}[\dXx]?", text))
    return cjk, tokens | {t[1:] for t in tokens if t[:1].isalpha()}


def test_html_names_no_student_and_no_id(demo_db, page):
    names, id_numbers, xueji = _personal(demo_db)
    assert len(names) > 1000 and len(id_numbers) > 1000  # the check is against the real demo students
    cjk, tokens = _cjk_and_ids(page)
    assert "关键指标" in cjk  # the extraction sees the page's Chinese text
    planted, pid = sorted(names)[0], sorted(id_numbers)[0]  # and would see a name hidden in plotly's JSON
    seen, seen_ids = _cjk_and_ids(page.replace("</body>", f"{json.dumps(planted)}G{pid}</body>"))
    assert planted in seen and pid in seen_ids
    assert not found_in(names, cjk)[:5]
    assert not (tokens & id_numbers) and not (tokens & xueji)
    for doc in _walk(page).docs:  # the map inside its iframe too
        cjk, tokens = _cjk_and_ids(doc)
        assert not found_in(names, cjk)[:5]
        assert not (tokens & id_numbers)


def test_xlsx_has_the_summary_tables_and_no_names(demo_db, whole):
    b, _, ov = whole
    book = pd.read_excel(io.BytesIO(briefing.summary_xlsx(b)), sheet_name=None, header=1)
    assert set(book) == {"关键指标", "乡镇红名单", "各乡镇汇总"}
    key = book["关键指标"].set_index("指标")["数值"]
    assert key["在校学生"] == ov.county["students"]
    assert key["巩固率"] == pytest.approx(ov.county["consolidation"])
    assert len(book["各乡镇汇总"]) == len(ov.townships)
    names, id_numbers, _ = _personal(demo_db)
    cells = {str(v) for sheet in book.values() for v in sheet.to_numpy().ravel()}
    assert not cells & names and not cells & id_numbers


def test_xlsx_is_meeting_ready_numbers_with_formats_and_no_apostrophe(whole):
    """Rates are numbers shown as 96.3%, counts as 12,345, changes signed; the red list's
    figures are numbers too, and no cell shows Excel's text apostrophe."""
    import openpyxl

    b, _, ov = whole
    wb = openpyxl.load_workbook(io.BytesIO(briefing.summary_xlsx(b)))
    key = wb["关键指标"]
    header = [c.value for c in key[2]]
    rows = {r[0].value: r for r in key.iter_rows(min_row=3)}
    value, change = header.index("数值"), header.index("变化")
    assert rows["巩固率"][value].value == pytest.approx(ov.county["consolidation"])
    assert rows["巩固率"][value].number_format == "0.0%"
    assert rows["在校学生"][value].number_format == "#,##0" and rows["在校学生"][value].data_type == "n"
    assert rows["在校学生"][change].value == ov.county["students"] - ov.previous["students"]
    assert rows["在校学生"][change].number_format.startswith("+#,##0")
    assert (
        briefing.summary_formats(b)["关键指标"]["变化"][briefing.KEY_MEASURES.index("consolidation")]
        == "delta_pp"
    )
    assert briefing._difference("consolidation", 0.967, 0.962) == pytest.approx(0.5)  # percentage points
    red = wb["乡镇红名单"]
    red_header = [c.value for c in red[2]]
    cell = red.cell(3, red_header.index("巩固率") + 1)
    assert cell.data_type == "n" and cell.number_format == "0.0%"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and c.value.startswith("'")), (ws.title, c.coordinate)
    towns = wb["各乡镇汇总"]
    t_header = [c.value for c in towns[2]]
    assert towns.cell(3, t_header.index("资助覆盖率") + 1).number_format == "0.0%"
    assert towns.cell(3, t_header.index("在校学生") + 1).number_format == "#,##0"


# ------------------------------------------------------------------ snapshots
def test_snapshot_of_last_meeting_gives_the_changes(fresh_db):
    town = _first_township(fresh_db)
    last_week = Scope(townships=(town,), role="county", as_of=AS_OF - timedelta(days=7), user="t")
    now = replace(last_week, as_of=AS_OF)
    with store.connect(fresh_db) as con:
        before = briefing.compute_briefing(con, last_week)
        sid = briefing.save_snapshot(con, before)
        b = briefing.compute_briefing(con, now)
        other = briefing.compute_briefing(con, replace(now, townships=None))
    assert b.last is not None and b.last.snapshot_id == sid and b.last.as_of == last_week.as_of
    assert other.last is None  # another Scope's meeting is not this one's
    heads = {h.key: h for h in briefing.headlines(b)}
    was, is_ = before.overview.county, b.overview.county
    assert heads["dropouts"].since_last == fmt.fmt_delta_count(is_["dropouts"], was["dropouts"])
    assert heads["consolidation"].since_last == fmt.fmt_delta_pct(is_["consolidation"], was["consolidation"])
    red = briefing.red_list(b)
    assert all(
        flag == (code not in set(briefing.red_list(before)["code"]))
        for code, flag in zip(red["code"], red["new"], strict=True)
    )
    assert b.last.numbers == json.loads(json.dumps(briefing.snapshot_numbers(before)))


def test_snapshot_of_the_same_day_is_not_the_last_meeting(fresh_db):
    scope = Scope(role="leader", user="t")
    with store.connect(fresh_db) as con:
        briefing.save_snapshot(con, briefing.compute_briefing(con, scope))
        assert briefing.last_snapshot(con, scope) is None
        assert briefing.last_snapshot(con, replace(scope, as_of=AS_OF + timedelta(days=7))) is not None
        assert len(briefing.snapshots(con, scope)) == 1


def test_snapshot_holds_only_aggregates(fresh_db):
    with store.connect(fresh_db) as con:
        b = briefing.compute_briefing(con, Scope(role="leader", user="t"))
        briefing.save_snapshot(con, b)
        stored = con.execute("SELECT numbers FROM briefing_snapshots").fetchone()[0]
    numbers = json.loads(stored)
    assert set(numbers) == {"county", "red", "townships"}
    assert set(numbers["county"]) == set(briefing.KEY_MEASURES)
    assert all(len(code) == 9 for code in numbers["townships"])


def test_write_briefing_writes_both_files(fresh_db, tmp_path):
    out, xlsx = tmp_path / "b.html", tmp_path / "b.xlsx"
    result = briefing.write_briefing(Scope(role="leader", user="t"), out, xlsx=xlsx, save=True)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert xlsx.stat().st_size > 0 and result["snapshot"]
    assert result["as_of"] == AS_OF.isoformat() and result["bytes"] == len(out.read_bytes())


def test_date_is_never_read_from_the_clock():
    import inspect

    src = inspect.getsource(briefing)
    assert "date.today" not in src and "datetime.now" not in src
    assert isinstance(AS_OF, date)


def test_townships_that_left_the_red_list_are_named(whole):
    b, _, ov = whole
    red_now = briefing.red_list(b)["code"].tolist()
    green = next(c for c in ov.townships["code"] if c not in red_now)
    last = briefing.Snapshot("s1", AS_OF - timedelta(days=7), "t", {"county": {}, "red": [red_now[0], green]})
    again = replace(b, last=last)
    assert briefing.left_red_list(again) == [again.towns[green]]
    flags = dict(zip(briefing.red_list(again)["code"], briefing.red_list(again)["new"], strict=True))
    assert flags[red_now[0]] is False and all(flags[c] is True for c in red_now[1:])
    shown, _ = briefing.red_table(again)
    assert shown["较上次汇报"].tolist() == ["仍在榜"] + ["新上榜"] * (len(red_now) - 1)
    assert f"较上次汇报已出榜：{again.towns[green]}" in briefing.red_list_html(again)
