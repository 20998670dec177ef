"""AppTest of 上线检查: a new county's store opens on the checklist; the demo's says it is the demo."""

from __future__ import annotations

from datetime import date

import pytest

from lib.ops import golive

from .conftest import open_page


def _ok(at):
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


@pytest.fixture
def new_store(tmp_path, monkeypatch):
    path = tmp_path / "new.duckdb"
    golive.init_store("411524", path=path, as_of=date(2026, 11, 20))  # 商城县
    monkeypatch.setenv("EDU_DB", str(path))
    return path


def test_a_new_store_opens_on_the_checklist(new_store):
    at = _ok(open_page(None))
    assert [t.value for t in at.title] == ["上线检查"]
    assert any("商城县(411524)" in c.value for c in at.caption)
    warning = at.warning[0].value
    assert "乡镇(街道)边界、行政村(社区)、学校、学生学籍" in warning and "import boundaries" in warning
    table = at.dataframe[0].value
    assert "草拟" in table.astype(str).to_numpy().ravel().tolist()  # the national-rules 校历
    assert not at.metric  # no figure of missing data anywhere


def test_the_demo_store_says_it_is_the_demo_and_is_live(demo_db):
    at = _ok(open_page("golive"))
    assert [t.value for t in at.title] == ["上线检查"]
    assert any("演示数据库" in i.value for i in at.info)
    assert any("可以上线" in s.value for s in at.success)
