"""The role × page × export matrix: what a role must see it sees, and nothing else.

Every page is listed in ``permissions.PAGE_ACTIONS`` with the action it calls
``ui.require_page`` with; a role without that action gets the lock message and
no data (even by typing the page's URL); a township user never receives a child
outside the township, whatever the URL says; roles without ``unmask`` never
receive a full name or ID number.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from lib import ui
from lib.core import config, ids, permissions
from lib.ui import aid as ui_aid
from lib.ui import cases as case_ui
from lib.ui import risk as ui_risk

from .conftest import TIMEOUT, each_tab, open_page

PAGES_DIR = config.ROOT / "pages"
LOCK = "无权查看本页"
TOWN, OTHER = "411503101", "411503102"


def _page_actions_in_source() -> dict[str, str]:
    found = {}
    for path in sorted(PAGES_DIR.glob("*.py")):
        match = re.search(r'ui\.require_page\(scope, "(\w+)"\)', path.read_text(encoding="utf-8"))
        found[path.stem] = match.group(1) if match else ""
    return found


def test_every_page_checks_the_action_the_matrix_lists():
    in_source = _page_actions_in_source()
    assert in_source, "no pages found"
    for stem, action in in_source.items():
        assert action, f"pages/{stem}.py does not call ui.require_page"
        assert permissions.PAGE_ACTIONS.get(stem) == action, stem
        assert action in permissions.MATRIX, (stem, action)


def _frames(at) -> list:
    return [getattr(d.value, "data", d.value) for d in at.dataframe]


def _locked(at) -> bool:
    return any(LOCK in e.value for e in at.error)


#: Pages worth checking for each role (named lists, planning, import, administration).
PAGES = (
    "risk",
    "dropout_cases",
    "aid",
    "planning",
    "data_import",
    "admin_accounts",
    "admin_audit",
    "admin_settings",
)
DENIED = [(role, page) for role in permissions.ROLES for page in PAGES if not permissions.visible(role, page)]


@pytest.mark.parametrize(("role", "page"), DENIED)
def test_a_page_the_role_may_not_use_is_not_offered_and_shows_no_data(fresh_db, role, page):
    at = open_page(None, role=role)
    assert not at.exception, at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{page}.py")  # not in the navigation: a typed URL falls back to 总览
    # and the page itself refuses, should it ever be reached without the frame's filter
    alone = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=TIMEOUT)
    alone.session_state[ui.SCOPE] = at.session_state[ui.ROLE_SCOPE]
    alone.run()
    assert not alone.exception, alone.exception
    assert _locked(alone)
    assert _frames(alone) == []
    assert not list(alone.get("download_button"))


def _people(db) -> tuple[set[str], set[str]]:
    con = duckdb.connect(str(db), read_only=True)
    ids_ = {
        r[0] for r in con.execute("SELECT id_number FROM students WHERE id_number IS NOT NULL").fetchall()
    }
    names = {r[0] for r in con.execute("SELECT name FROM students WHERE length(name) >= 2").fetchall()}
    con.close()
    return ids_, names


def _cells(frames) -> set[str]:
    return {str(v) for f in frames for col in f.columns for v in f[col].tolist()}


@pytest.mark.parametrize(
    ("page", "tabs"), [("risk", ui_risk.TABS), ("dropout_cases", case_ui.LEDGER_TABS), ("aid", ui_aid.TABS)]
)
def test_leader_sees_named_lists_masked_and_cannot_unmask(fresh_db, page, tabs):
    at = open_page(page, role="leader")
    assert not at.exception, at.exception
    frames = []
    for _ in each_tab(at, tabs):  # every tab's tables (a lazy tab draws only when open)
        assert not at.exception, at.exception
        frames += _frames(at)
    assert frames, "the leader sees the list"
    full_ids, names = _people(fresh_db)
    cells = _cells(frames)
    assert not cells & full_ids
    assert not cells & names
    assert not [b for b in at.button if b.label == "显示完整信息"]  # no unmask offer without the right


def _masked_ids_of_township(db, town: str) -> set[str]:
    """Masked ID numbers of the students a township's Scope holds (docs/scope.md), by independent SQL."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT st.id_number FROM students st LEFT JOIN schools s ON s.code = st.school_code "
        "LEFT JOIN villages v ON v.code = st.village_code WHERE s.township_code = ? OR v.township_code = ?",
        [town, town],
    ).fetchall()
    con.close()
    return {ids.mask_id(r[0]) for r in rows if r[0]}


@pytest.mark.parametrize("query", [None, {"township": OTHER}])
def test_township_user_gets_only_its_township_whatever_the_url_says(fresh_db, query):
    at = open_page("risk", role="township", townships=(TOWN,), query=query)
    assert not at.exception, at.exception
    table = next(f for f in _frames(at) if "风险分" in f.columns)
    assert len(table) > 0
    assert set(table["身份证号"]) <= _masked_ids_of_township(fresh_db, TOWN)
    assert not set(table["身份证号"]) <= _masked_ids_of_township(fresh_db, OTHER)


def test_unmask_needs_a_reason_and_is_recorded(fresh_db):
    at = open_page("risk", role="county")
    next(b for b in at.button if b.label == "显示完整信息").click().run()
    assert any("理由" in e.value for e in at.error)  # no reason, no names
    at.text_input(key="unmask_reason").input("入户家访核对").run()
    next(b for b in at.button if b.label == "显示完整信息").click().run()
    assert not at.exception, at.exception
    full_ids, _ = _people(fresh_db)
    table = next(f for f in _frames(at) if "风险分" in f.columns)
    assert set(table["身份证号"]) & full_ids
    con = duckdb.connect(str(fresh_db), read_only=True)
    actions = [
        r[0]
        for r in con.execute(
            "SELECT action FROM audit_log WHERE user_name = 'test-county' ORDER BY \"at\""
        ).fetchall()
    ]
    con.close()
    assert "unmask_granted" in actions and "unmask" in actions


def test_admin_manages_accounts_and_reads_the_audit_log(fresh_db):
    at = open_page("admin_accounts", role="admin")
    assert not at.exception, at.exception
    assert not _locked(at)
    assert any("用户名" in f.columns for f in _frames(at))
    at = open_page("admin_audit", role="admin")
    assert not at.exception, at.exception
    assert any(len(f) for f in _frames(at))


def test_admin_creates_an_account_on_the_page(fresh_db):
    at = open_page("admin_accounts", role="admin")
    at.text_input(key="acct_new_name").input("wang.t")
    at.text_input(key="acct_new_display").input("王老师")
    at.multiselect(key="acct_new_roles").set_value(["township"])
    at.multiselect(key="acct_new_towns").set_value([TOWN])
    next(b for b in at.get("form_submit_button") if b.label == "新建").click().run()
    assert not at.exception, at.exception
    assert any("临时密码" in s.value for s in at.success)
    listed = next(f for f in _frames(at) if "用户名" in f.columns)
    assert "wang.t" in set(listed["用户名"])  # the list above the form shows it in the same run
    # staff, not a child: the administrator sees whose account it is
    assert listed.set_index("用户名").loc["wang.t", "姓名"] == "王老师"
    from lib.access import auth

    account = auth.get_account("wang.t")
    assert account.townships == (TOWN,) and account.must_change


def test_my_account_page_changes_my_password(fresh_db):
    at = open_page("account", role="county")
    assert not at.exception, at.exception
    from tests.accounts import TEST_PASSWORD

    form = [t for t in at.text_input]
    by_label = {t.label: t for t in form}
    by_label["当前密码"].input(TEST_PASSWORD)
    by_label["新密码"].input("Brand-new-pass-7")
    by_label["再次输入新密码"].input("Brand-new-pass-7")
    next(b for b in at.get("form_submit_button") if b.label == "修改密码").click().run()
    assert not at.exception, at.exception
    assert any("已修改" in s.value for s in at.success)
    from lib.access import auth

    assert auth.verify("test-county", "Brand-new-pass-7").name == "test-county"


def test_admin_gives_a_teacher_two_classes_and_the_list_shows_them(fresh_db):
    from lib.core import store

    with store.connect(fresh_db) as con:
        school = con.execute("SELECT min(code) FROM schools WHERE level = '初中'").fetchone()[0]
    at = open_page("admin_accounts", role="admin")
    at.text_input(key="acct_new_name").input("li.t")
    at.multiselect(key="acct_new_roles").set_value(["teacher"])
    at.selectbox(key="acct_new_school").set_value(school)
    at.text_input(key="acct_new_classes").input("7－2，7-3")  # as typed with a Chinese keyboard
    next(b for b in at.get("form_submit_button") if b.label == "新建").click().run()
    assert not at.exception, at.exception
    from lib.access import auth

    assert auth.get_account("li.t").classes == ("7-2", "7-3")
    shown = next(f for f in _frames(at) if "班级" in f.columns)  # in the list at once
    assert shown.set_index("用户名").loc["li.t", "班级"] == "7-2、7-3"
