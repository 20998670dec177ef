"""AppTest of 数据导入: upload a GBK CSV, fix a column mapping, commit, see the overview change, undo."""

from __future__ import annotations

import pytest
from streamlit import config as st_config

from lib.core import fmt
from tests.fixtures.ingest.samples import csv_bytes, new_students, store_rows

from .conftest import open_page


@pytest.fixture(autouse=True)
def _allow_unpicklable_widget_callbacks():
    """AppTest keeps widget callbacks (format_func lambdas) in its own session-state entry,
    which runner.enforceSerializableSessionState refuses to pickle; the real app does not."""
    old = st_config.get_option("runner.enforceSerializableSessionState")
    st_config.set_option("runner.enforceSerializableSessionState", False)
    yield
    st_config.set_option("runner.enforceSerializableSessionState", old)


def _metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


def _upload(at, data: bytes, name: str = "学生名单.csv", kind: str = "students"):
    at.selectbox(key="imp_kind").set_value(kind).run()
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _mapping_box(at, header: str):
    boxes = [s for s in at.selectbox if s.key and s.key.startswith("imp_map_") and s.label == header]
    assert boxes, f"no mapping control for {header!r}"
    return boxes[0]


def test_page_renders_without_a_file(fresh_db):
    at = open_page("data_import")
    assert not at.exception, at.exception
    assert any(s.value == "最近的导入" for s in at.subheader)
    assert at.selectbox(key="imp_kind").value == "students"


def test_english_interface(fresh_db):
    at = open_page("data_import", query={"lang": "en"})
    assert not at.exception, at.exception
    assert any(t.value == "Data import" for t in at.title)
    at = open_page("explore", query={"lang": "en"})
    assert not at.exception, at.exception
    assert any(t.value == "Explore a file" for t in at.title)


def test_gbk_upload_fix_mapping_commit_overview_changes_undo_restores(fresh_db):
    frame = new_students(fresh_db, 7).rename(columns={"学校标识码": "就读学校编码X"})
    data = csv_bytes(frame, encoding="gbk", titles=("平桥区转入学生名单",))
    overview = open_page()
    before = _metric(overview, "在校学生")
    n0 = int(store_rows(fresh_db, "SELECT count(*) AS n FROM students")["n"].iloc[0])

    at = _upload(open_page("data_import"), data)
    assert any("学校标识码" in e.value or "不能导入" in e.value for e in at.error), (
        "missing column not reported"
    )
    assert at.button(key="imp_commit").disabled
    _mapping_box(at, "就读学校编码X").set_value("school_code").run()
    assert not at.exception, at.exception
    assert _metric(at, "可导入行") == "7" and _metric(at, "错误") == "0"
    assert not at.button(key="imp_commit").disabled
    at.button(key="imp_commit").click().run()
    assert not at.exception, at.exception
    assert any("已导入" in s.value for s in at.success)
    assert int(store_rows(fresh_db, "SELECT count(*) AS n FROM students")["n"].iloc[0]) == n0 + 7
    remembered = store_rows(fresh_db, "SELECT mapping_json FROM import_mappings")["mapping_json"].tolist()
    assert remembered and "school_code" in remembered[0]

    at.switch_page("pages/overview.py").run()
    after = _metric(at, "在校学生")
    assert after != before
    assert after == fmt.fmt_count(int(before.replace(",", "")) + 7)

    at.switch_page("pages/data_import.py").run()
    undo = at.button(key="imp_undo")
    assert not undo.disabled
    undo.click().run()
    assert not at.exception, at.exception
    assert any("已撤销" in s.value for s in at.success)
    at.switch_page("pages/overview.py").run()
    refreshing = any("数据更新中" in i.value for i in at.info)
    # while the warm-up takes the undo in: the previous figure, said to be so; else the new one
    assert _metric(at, "在校学生") == (after if refreshing else before)
    from lib import loaders

    assert loaders.wait_warm(120)
    at.run()
    assert _metric(at, "在校学生") == before
    assert not any("数据更新中" in i.value for i in at.info)
    assert int(store_rows(fresh_db, "SELECT count(*) AS n FROM students")["n"].iloc[0]) == n0


def test_rows_with_errors_are_imported_only_when_the_user_says_so(fresh_db):
    frame = new_students(fresh_db, 4)
    frame.loc[2, "身份证号"] = "4.11503E+17"
    at = _upload(open_page("data_import"), csv_bytes(frame, encoding="gbk"))
    assert _metric(at, "错误") == "1" and _metric(at, "可导入行") == "3"
    problems = at.dataframe[1].value
    assert {"行", "列", "代码", "说明"} <= set(problems.columns)
    row = problems[problems["代码"] == "id_scientific"].iloc[0]
    assert (row["行"], row["列"]) == (4, "身份证号")
    assert at.button(key="imp_commit").disabled
    at.checkbox(key="imp_drop_bad").check().run()
    assert not at.button(key="imp_commit").disabled
    at.button(key="imp_commit").click().run()
    assert any("跳过有错误的 1 行" in s.value for s in at.success)


def test_preview_is_masked(fresh_db):
    frame = new_students(fresh_db, 3)
    at = _upload(open_page("data_import"), csv_bytes(frame, encoding="gbk"))
    preview = at.dataframe[-2].value.to_csv()
    assert frame["身份证号"].iloc[0] not in preview and "测试1号" not in preview


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "students", "不是 CSV 或 XLSX"),
        (
            "学校标识码,学校名称,办学类型,乡镇代码\n2141031133,一小,小学,411503100\n".encode("gbk"),
            "absences",
            "学校",
        ),
        (b"", "students", "文件为空"),
    ],
)
def test_unreadable_or_wrong_files_are_refused_with_a_reason(fresh_db, data, kind, words):
    at = open_page("data_import")
    at.selectbox(key="imp_kind").set_value(kind).run()
    at.file_uploader[0].set_value(("upload.csv", data, "text/csv")).run()
    assert not at.exception, at.exception
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
