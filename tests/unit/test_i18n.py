"""The i18n table: one home per key, labels lib writes in Chinese translated by their text."""

from __future__ import annotations

import importlib
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
