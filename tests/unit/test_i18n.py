"""The i18n table: one home per key, labels lib writes in Chinese translated by their text."""

from __future__ import annotations

import importlib
import re
import sys
import types

import pytest

from lib.core import i18n, permissions


def test_key_and_label_lookup():
    assert i18n.t("nav_overview", "en") == "Overview"
    assert i18n.t("nav_overview") == "总览"
    # a label lib wrote in Chinese is its own key: English when the table has it, itself otherwise
    assert i18n.t("在校学生", "en") == "Students enrolled"
    assert i18n.t("在校学生") == "在校学生"
    assert i18n.t("某个未登记的标签", "en") == "某个未登记的标签"


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("近期无故缺勤3天", "3 days of unexcused absence recently"),
        ("近期无故缺勤12天，且在增加", "12 days of unexcused absence recently, and rising"),
        ("监护缺失(孤儿、留守)", "No guardian (Orphan, Left behind)"),  # values are labels too
        ("家庭经济困难(脱贫户)", "Family in difficulty (脱贫户)"),  # a code-list value stays as written
        ("2026年第47周(2026年11月16日—11月22日)", "Week 47 of 2026 (16/11/2026 – 22/11)"),
        ("锁定至 09:30", "Locked until 09:30"),
        ("+3 较上周", "+3 vs last week"),
    ],
)
def test_a_label_built_from_a_template_translates_with_its_values(text, english):
    assert i18n.t(text, "en") == english
    assert i18n.t(text) == text


def test_chinese_and_english_take_the_same_values():
    """A format string and its translation name the same placeholders (a typo would raise or drop one)."""
    slots = re.compile(r"{(\w*)}")
    wrong = {
        k: (zh, en) for k, (zh, en) in i18n.TEXT.items() if set(slots.findall(zh)) != set(slots.findall(en))
    }
    assert not wrong


def test_roles_in_english():
    assert permissions.describe_roles("admin+county") == "县级业务、管理员"
    assert permissions.describe_roles("admin+county", lang="en") == "County staff, Administrator"


@pytest.mark.parametrize(
    ("text", "labels"),
    [({"nav_overview": ("又一个", "Again")}, {}), ({}, {"在校学生": "Again"})],
    ids=["key", "label"],
)
def test_a_key_defined_twice_raises(monkeypatch, text, labels):
    extra = types.ModuleType("lib.core.i18n.ops")
    extra.TEXT = {**sys.modules["lib.core.i18n.ops"].TEXT, **text}
    extra.LABELS = {**getattr(sys.modules["lib.core.i18n.ops"], "LABELS", {}), **labels}
    monkeypatch.setitem(sys.modules, "lib.core.i18n.ops", extra)
    monkeypatch.setattr(i18n, "ops", extra)
    with pytest.raises(KeyError, match="defined twice"):
        importlib.reload(i18n)
    monkeypatch.undo()
    importlib.reload(i18n)  # leave the real table for the other tests


def test_every_source_of_the_freshness_line_has_english_words():
    """The line under every page's title names its sources (lib.ops.golive.freshness_text); the
    English page must not show 资金 or 高中及以上受助 (seen once pages ran through the frame)."""
    from lib.ops import golive

    untranslated = [s.short for s in golive.SOURCES if re.search(r"[\u4e00-\u9fff]", i18n.t(s.short, "en"))]
    assert not untranslated
