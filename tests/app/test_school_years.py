"""Every page on the earliest school year the sidebar offers, every lazy tab open.

A year before most of a county's data (no aid applications, no children placed for 学校布局,
no persuasion on record) is what a planner meets when looking back. Three pages raised an error
there (学生资助's approvals, 两表与核查反馈, 学校布局's distance chart): each built a selection from
an empty list, which pandas and numpy read as "no column" or "no range", not "no row".
"""

from __future__ import annotations

import pytest

from lib.core import config, permissions

from .conftest import each_tab, lazy_tab_keys, open_page

PAGES = sorted(p.stem for p in (config.ROOT / "pages").glob("*.py") if permissions.visible("county", p.stem))


@pytest.mark.parametrize("page", PAGES)
def test_the_earliest_school_year_opens_every_page(fresh_db, page):
    at = open_page(page)  # on a private copy: the aid page fills the demo's aid rows
    year = at.sidebar.selectbox(key="f_year")
    assert len(year.options) > 1, "the demo offers earlier school years"
    year.select_index(len(year.options) - 1).run()
    assert not at.exception, [e.value for e in at.exception]
    for key in lazy_tab_keys(at):
        for shown in each_tab(at, key):
            assert not shown.exception, (key, [e.value for e in shown.exception])


@pytest.mark.parametrize("page", ["layout", "planning"])
def test_a_year_before_the_first_school_record_says_so_instead_of_zeros(fresh_db, page):
    at = open_page(page)
    assert at.metric  # today: the layout's cards
    year = at.sidebar.selectbox(key="f_year")
    year.select_index(len(year.options) - 1).run()  # 2018: the demo's records begin in 2024
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(i.value for i in at.info)
    assert "尚无学校与学籍记录" in said and "2024-2025学年" in said, said
    assert not at.metric  # no card of zeros
