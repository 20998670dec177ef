"""Every page in English: no Chinese on screen except data values.

Each page is opened (as a role allowed to see it) with the language switched to English,
and every text a reader sees is collected from the AppTest element tree: titles, headers,
markdown and captions, alerts, metric labels, values and help, widget labels, options,
placeholders and help, tabs, expanders, the column headers of tables, and the titles and
legends of charts.  After the data values are taken out (the names of townships, schools and
villages in the store, the code-list values of :mod:`lib.core.schema`, masked student names),
no Chinese character may be left: anything else is a label that missed the i18n table.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from unittest.mock import patch

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from google.protobuf.message import Message

from lib.core import config, permissions, schema
from lib.core import settings as settings_store
from lib.core.i18n import LANGUAGES, t
from lib.dropout import ledger as dl
from lib.ingest import corrections
from lib.ops import jobs
from lib.overview import briefing
from tests.fixtures.ingest.samples import csv_bytes, new_students, store_rows

from .conftest import lazy_tab_keys, open_page

#: Chinese characters and the full-width punctuation that comes with them.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]")
#: A student's name as the app masks it (张*, 欧阳**).
MASKED_NAME = re.compile(r"[\u4e00-\u9fff]{1,2}\*+[\u4e00-\u9fff]{0,2}")

#: Proto fields that hold no reader-facing text (ids, keys, icons, types, data payloads).
SKIP_FIELDS = {
    "id",
    "form_id",
    "key",
    "icon",
    "type",
    "url",
    "data",
    "mime",
    "file_name",
    "default",
    "value",  # widget values are what the user chose (data); metric values are read below
    "styler",
    "arrow_data",
    "lazy_data",
    "columns",
    "spec",
    "theme",
    "page_script_hash",
    "placeholder_id",
    "deprecation_warning",
    "element_type",
    "widget_id",
}

#: Pages and the first role (of these) allowed to open each.
ROLES = ("county", "admin", "planner")
PAGES = [*sorted(p for p in permissions.PAGE_ACTIONS if p not in ("", "overview")), "overview"]


def _role(page: str) -> str:
    return next(r for r in ROLES if permissions.visible(r, page))


@cache
def _data_values(db: str) -> re.Pattern:
    """One pattern matching every data value a page may show in Chinese."""
    con = duckdb.connect(db, read_only=True)
    try:
        names = {
            n
            for table in ("townships", "schools", "villages")
            for (n,) in con.execute(f"SELECT DISTINCT name FROM {table} WHERE name IS NOT NULL").fetchall()
        }
    finally:
        con.close()
    names |= {n.removeprefix(config.COUNTY_NAME) for n in names}  # lists show schools without the county
    names |= {config.COUNTY_NAME, config.CITY_NAME, *LANGUAGES.values()}
    for value in vars(schema).values():  # every code list: dict keys, tuple/list members
        items = value.keys() if isinstance(value, dict) else value if isinstance(value, tuple | list) else ()
        names |= {x for x in items if isinstance(x, str) and CJK.search(x)}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _strings(msg: Message, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string field of a proto message, with its dotted field name."""
    for field, value in msg.ListFields():
        if field.name in SKIP_FIELDS:
            continue
        name = f"{path}.{field.name}" if path else field.name
        items = value if field.is_repeated else [value]
        for item in items:
            if isinstance(item, Message):
                yield from _strings(item, name)
            elif isinstance(item, str):
                yield name, item


def _chart_texts(spec: str) -> Iterator[tuple[str, str]]:
    """Title, axis titles, legend title and trace names of a plotly figure."""
    fig = json.loads(spec)
    layout = fig.get("layout", {})

    def title(obj: dict) -> str:
        t = obj.get("title") if isinstance(obj, dict) else None
        return (t.get("text") if isinstance(t, dict) else t) or ""

    yield "chart.title", title(layout)
    for k, v in layout.items():
        if k.startswith(("xaxis", "yaxis", "legend", "coloraxis")):
            yield f"chart.{k}.title", title(v)
    for ann in layout.get("annotations", []):
        yield "chart.annotation", ann.get("text", "")
    for trace in fig.get("data", []):
        if trace.get("showlegend", True) is not False:
            yield "chart.trace", trace.get("name") or ""


def _table_headers(data: bytes) -> list[str]:
    if not data:
        return []
    schema_ = pa.ipc.open_stream(io.BytesIO(data)).schema
    return [n for n in schema_.names if not n.startswith("__index_level_")]


def _texts(node) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a reader sees under ``node`` of the element tree."""
    proto = getattr(node, "proto", None)
    kind = type(node).__name__
    if isinstance(proto, Message):
        if kind == "Dataframe":
            arrow = proto.arrow_data.data or (
                proto.lazy_data.initial_chunk.data if proto.HasField("lazy_data") else b""
            )
            for h in _table_headers(arrow):
                yield "table.header", h
            for h in json.loads(proto.columns or "{}").values():
                if isinstance(h, dict) and h.get("label"):
                    yield "table.column_config", h["label"]
        elif kind == "PlotlyChart" or (kind == "UnknownElement" and hasattr(proto, "spec") and proto.spec):
            yield from _chart_texts(proto.spec)
        elif kind == "Metric":
            yield "metric.value", proto.body
            yield "metric.delta", proto.delta
        for field, text in _strings(proto):
            yield f"{kind}.{field}", text
    for child in getattr(node, "children", {}).values():
        yield from _texts(child)


def chinese_left(at, data_values: re.Pattern, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Texts that still hold Chinese once data values (and the ``extra`` ones) are taken out."""
    more = re.compile("|".join(re.escape(x) for x in sorted(extra, key=len, reverse=True)) or "(?!)")
    bad = []
    for where, text in _texts(at._tree):
        shown = re.sub(r"\\(.)", r"\1", text)  # what Markdown shows: 林\* is read as 林*
        rest = MASKED_NAME.sub("", data_values.sub("", more.sub("", shown)))
        if CJK.search(rest):
            bad.append(f"{where}: {text!r}")
    return sorted(set(bad))


#: Widgets (by key) whose every choice shows other labels, with the values they may take:
#: each choice offered is scanned too.
WALKS: dict[str, tuple[str, Callable[[], list]]] = {
    "admin_settings": ("set_section", lambda: list(settings_store.SECTION_LABELS)),
    "corrections": ("cr_table", lambda: list(corrections.RECORD_LABELS)),
    "planning": (
        "plan_kind",
        lambda: ["撤并学校", "并入另一所学校", "新建学校(点击地图选址)", "调整学位/床位"],
    ),
    "present": ("present_jump", lambda: [t(x, "en") for x in briefing.SLIDES.values()]),
    "roster_check": ("rc_list", lambda: ["unaccounted", "transfer", "double", "elsewhere", "problem", "all"]),
}


def _run(at, widget) -> None:
    """Rerun after ``widget`` changed, still in English: after a page switch the language radio
    is not in AppTest's tree, so its value would not be sent with the rerun."""
    at.session_state["lang"] = "en"
    widget.run()


def _file_values(frame: pd.DataFrame) -> list[str]:
    """An uploaded file's headers and cells: data, whatever language they are in."""
    return [*map(str, frame.columns), *frame.astype(str).stack().tolist()]


def _upload_students(at, db) -> list[str]:
    """数据导入 with a file that needs a person: a renamed column, a bad ID number."""
    frame = new_students(db, 4).rename(columns={"学校标识码": "就读学校编码X"})
    frame.loc[1, "身份证号"] = "41150320150301001"
    _run(at, at.selectbox(key="imp_kind").set_value("students"))
    _run(at, at.file_uploader[0].set_value(("students.csv", csv_bytes(frame, encoding="gbk"), "text/csv")))
    return _file_values(frame)


def _explore_file(at, db) -> list[str]:
    """自由探索 with a file that has personal columns, numbers and coordinates."""
    towns = store_rows(db, "SELECT name FROM townships ORDER BY code LIMIT 2")["name"].tolist()
    frame = pd.DataFrame(
        {
            "姓名": ["张三丰", "李四", "王五"],
            "乡镇": [towns[0], towns[1], towns[1]],
            "补助": ["1,000", "500", "800"],
            "经度": ["114.10", "114.12", "114.05"],
            "纬度": ["32.20", "32.21", "32.15"],
        }
    )
    _run(at, at.file_uploader(key="exp_file").set_value(("list.csv", csv_bytes(frame), "text/csv")))
    return _file_values(frame)


def _school_card(at, db) -> list[str]:
    """学校布局 with a school picked on the map (the card beside it)."""
    at.session_state["lay_school"] = store_rows(db, "SELECT min(code) AS c FROM schools")["c"].iloc[0]
    _run(at, at)
    return []


def _open_case(at, db) -> list[str]:
    """案件详情 with an open case picked (the ledger's 打开案件)."""
    rows = store_rows(db, "SELECT min(case_id) AS c FROM dropout_cases WHERE status IN ('已核实', '劝返中')")
    at.session_state[dl.SELECTED_CASE] = rows["c"].iloc[0]
    _run(at, at)
    return []


def _reconcile_sample(at, db) -> list[str]:
    """精准识别 with the demo list compared (its rows are data; their labels are not)."""
    _run(at, at.button(key="rec_sample").click())
    jobs.wait_all(timeout_s=300)  # the comparison runs as a background job: wait for it, then rerun
    _run(at, at)
    return []


#: What a page needs before it shows most of what it can (a file, a school picked, a list compared).
SETUPS: dict[str, Callable] = {
    "data_import": _upload_students,
    "explore": _explore_file,
    "layout": _school_card,
    "aid_reconcile": _reconcile_sample,
    "dropout_case": _open_case,
}


def _lazy_tabs(at) -> Iterator[str]:
    """Open each tab of the page's lazy tabs (:func:`lib.ui.lazy_tabs`) in turn, rerunning: only
    the open tab draws; yield a label per tab."""
    for key in lazy_tab_keys(at):
        for label in [tab.label for tab in at.tabs]:
            at.session_state[key] = label
            _run(at, at)
            yield f"{key}={label}"


def _widget(at, key: str):
    return next(w for kind in ("button_group", "radio", "selectbox") for w in at.get(kind) if w.key == key)


def _choices(at, key: str, values: list) -> Iterator[str]:
    """Set the widget ``key`` to each value it offers in turn, rerunning; yield a label per state."""
    for value in values:
        widget = _widget(at, key)
        if widget.format_func(value) not in widget.options:
            continue
        _run(at, widget.set_value(value))
        yield f"{key}={value}"


@pytest.fixture(scope="module")
def english_store(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the demo for the module: opening 学生资助 fills the aid demo rows and the
    set-ups import files, neither of which may reach the shared demo store of the run."""
    path = tmp_path_factory.mktemp("english") / "edu.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture
def english_db(english_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EDU_DB", str(english_store))
    return english_store


@pytest.mark.parametrize("page", PAGES)
def test_page_in_english_has_no_chinese_labels(english_db, page):
    demo_db = english_db
    # the overview is the default page: opening it without a switch also shows the sidebar
    # (after a page switch AppTest's tree holds the main area only)
    at = open_page(None if page == "overview" else page, role=_role(page), query={"lang": "en"})
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert at.query_params["lang"] == "en"
    values = _data_values(str(demo_db))
    left = chinese_left(at, values)
    for state in _lazy_tabs(at):
        assert not at.exception, (state, [e.stack_trace for e in at.exception])
        left += [f"[{state}] {x}" for x in chinese_left(at, values)]
    if page in SETUPS:
        with patch("streamlit_folium.st_folium"):  # AppTest cannot draw the component
            file_values = SETUPS[page](at, demo_db)
        assert not at.exception, [e.stack_trace for e in at.exception]
        left += [f"[{page} set up] {x}" for x in chinese_left(at, values, file_values)]
    if page in WALKS:
        key, offered = WALKS[page]
        for state in _choices(at, key, offered()):
            assert not at.exception, (state, [e.stack_trace for e in at.exception])
            left += [f"[{state}] {x}" for x in chinese_left(at, values)]
    assert not left, f"{page}: {len(left)} Chinese labels in English:\n" + "\n".join(left)


def test_scanner_sees_a_chinese_label(english_db):
    demo_db = english_db
    """The check can fail: in Chinese the same page is full of labels it reports."""
    at = open_page("overview", query={"lang": "zh"})
    left = chinese_left(at, _data_values(str(demo_db)))
    assert any(w.startswith("Title") for w in left) and any(w.startswith("table.header") for w in left)
