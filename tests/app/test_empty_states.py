"""Empty and not-yet states are said in words, never shown as an empty table or a 0%."""

from __future__ import annotations

from unittest.mock import patch

from lib import loaders

from .conftest import open_page


def test_todo_with_nothing_to_do_says_so(demo_db):
    real = loaders.load_todo

    def nothing(scope):
        return real(scope).iloc[0:0]

    with patch("lib.loaders.load_todo", nothing):
        at = open_page("todo")
        assert not at.exception, [e.stack_trace for e in at.exception]
        assert any(s.value.startswith("暂无待办") for s in at.success)
        assert not at.dataframe  # no empty table under it


def test_present_says_no_briefing_was_saved_yet(demo_db):
    at = open_page("present", role="leader")
    at.session_state["present_step"] = 5
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert any("尚未保存过汇报数据" in c.value for c in at.caption)
