"""AppTest of the three forms that edit a record with no lost update (六长联系人, 系统设置,
账号管理): the page's user opens the form, another user saves a change to the same record, the
page's user saves: the page shows the conflict in Chinese naming the other user and both
values, keeps what its user typed, writes nothing over the other's change, and a second click
of 保存 applies its user's values knowingly."""

from __future__ import annotations

import pickle

import pytest
from streamlit import config as st_config

from lib.access import auth
from lib.core import config, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.dropout import ledger as dropout_ledger
from lib.ui import risk as ui_risk

from .conftest import open_page, open_tab

OTHER_ADMIN = Scope(user="管理员乙", role="admin")
OTHER_COUNTY = Scope(user="县级乙", role="county")
TOWN = "411503101"


@pytest.fixture(autouse=True)
def _allow_unpicklable_widget_callbacks():
    """AppTest keeps widget callbacks (format_func lambdas) in session state, which
    runner.enforceSerializableSessionState refuses to pickle; the real app does not."""
    old = st_config.get_option("runner.enforceSerializableSessionState")
    st_config.set_option("runner.enforceSerializableSessionState", False)
    yield
    st_config.set_option("runner.enforceSerializableSessionState", old)


def _save(at, label):
    next(b for b in at.get("form_submit_button") if b.label == label).click().run()
    assert not at.exception, at.exception


def test_settings_page_refuses_the_key_another_admin_changed_and_keeps_the_typed_value(fresh_db):
    at = open_page("admin_settings", role="admin")
    at.segmented_control(key="set_section").set_value("security").run()
    assert not at.exception, at.exception
    settings_store.save_overrides(OTHER_ADMIN, {"security.max_failed_logins": 3})  # meanwhile
    at.number_input(key="set_security.max_failed_logins").set_value(7)
    at.number_input(key="set_security.lockout_minutes").set_value(45)
    _save(at, "保存修改")
    shown = " ".join(e.value for e in at.error)
    assert "管理员乙" in shown and "改为 3" in shown and "您填写的是 7" in shown
    assert at.number_input(key="set_security.max_failed_logins").value == 7  # what was typed stays
    pickle.dumps(at.session_state["set_bases"])
    now = settings_store.effective_settings()["security"]
    assert (now["max_failed_logins"], now["lockout_minutes"]) == (3, 45)  # theirs kept, the rest saved
    _save(at, "保存修改")  # re-apply, knowing the other value
    assert any("已保存 1 项设置" in s.value for s in at.success)
    assert settings_store.effective_settings()["security"]["max_failed_logins"] == 7


def test_risk_weights_refuse_the_weight_another_user_changed_and_keep_the_typed_value(fresh_db):
    at = open_tab(open_page("risk"), ui_risk.TABS, "权重设置")
    settings_store.save_overrides(OTHER_COUNTY, {"risk.weights.absence_recent": 70})  # meanwhile
    at.number_input(key="rk_w_risk.weights.absence_recent").set_value(60)
    at.number_input(key="rk_w_risk.band_high").set_value(66)
    _save(at, "保存设置")
    shown = " ".join(e.value for e in at.error)
    assert "县级乙" in shown and "改为 70" in shown and "您填写的是 60" in shown
    assert at.number_input(key="rk_w_risk.weights.absence_recent").value == 60  # what was typed stays
    now = settings_store.effective_settings()["risk"]
    assert (now["weights"]["absence_recent"], now["band_high"]) == (70, 66)  # theirs kept, the rest saved
    _save(at, "保存设置")  # re-apply, knowing the other value
    assert not at.error
    assert settings_store.effective_settings()["risk"]["weights"]["absence_recent"] == 60


def test_accounts_page_refuses_a_stale_role_change_and_a_stale_disable(fresh_db):
    admin = Scope(user="管理员甲", role="admin")
    auth.create_user(admin, "zhao.l", roles=["township"], display_name="赵老师", townships=[TOWN])
    at = open_page("admin_accounts", role="admin")
    at.selectbox(key="acct_edit_who").set_value("zhao.l").run()
    at.selectbox(key="acct_status_who").set_value("zhao.l").run()
    assert not at.exception, at.exception
    base = auth.get_account("zhao.l")
    auth.update_user(OTHER_ADMIN, "zhao.l", roles=["county"], townships=None, base=base)  # meanwhile
    at.multiselect(key="acct_edit_zhao.l_1_roles").set_value(["leader"])
    _save(at, "保存")
    assert any("管理员乙" in e.value and "角色" in e.value for e in at.error)
    pickle.dumps(at.session_state["acct_forms"])  # the server pickles session state, conflict included
    assert at.multiselect(key="acct_edit_zhao.l_2_roles").value == ["leader"]  # typed value kept
    assert auth.get_account("zhao.l").roles == ("county",)
    _save(at, "保存")  # re-apply over the newer version
    assert auth.get_account("zhao.l").roles == ("leader",)
    # the status tab was drawn when the account was enabled; another admin disables it meanwhile:
    # the stale 停用 click must not enable it again (it used to act on the fresh state, inverted)
    assert at.button(key="acct_toggle").label == "停用账号"
    auth.disable(OTHER_ADMIN, "zhao.l", disabled=True, expected=False)
    at.button(key="acct_toggle").click().run()
    assert not at.exception, at.exception
    assert any("管理员乙" in e.value for e in at.error)
    assert auth.get_account("zhao.l").disabled


def test_contacts_page_refuses_a_stale_save_and_keeps_the_typed_row(fresh_db):
    at = open_page("dropout_contacts", role="county")
    next(b for b in at.button if b.label == "显示完整信息").click().run()
    at.text_input(key="unmask_reason").input("核对六长").run()
    next(b for b in at.button if b.label == "显示完整信息").click().run()
    assert not at.exception, at.exception
    county = config.COUNTY_CODE
    held = at.session_state["do_contacts_form"]
    # what the page's user typed in the editor (AppTest cannot type into a data editor)
    typed = dropout_ledger.contacts_with(held["shown"], {("教体局局长", county): ("旧局长", "13700000002")})
    at.session_state["do_contacts_form"] = {**held, "shown": typed}
    at.run()
    theirs = dropout_ledger.contacts_with(held["base"], {("教体局局长", county): ("陈明远", "13900000001")})
    dropout_cases.save_contacts(  # meanwhile, another county clerk
        OTHER_COUNTY, dropout_ledger.changed_contacts(held["base"], theirs), base=held["base"]
    )
    at.button(key="do_contacts_save").click().run()
    assert not at.exception, at.exception
    assert any("县级乙" in e.value and "教体局局长" in e.value for e in at.error)
    table = next(d.value for d in at.dataframe if "修改人" in d.value.columns)
    assert list(table.iloc[0][["现在", "您填写的"]]) == ["陈明远 13900000001", "旧局长 13700000002"]

    def stored():
        with store.connect() as con:
            return con.execute(
                "SELECT name FROM contacts WHERE role = '教体局局长' AND place_code = ?", [county]
            ).fetchone()[0]

    assert stored() == "陈明远"
    pickle.dumps((at.session_state["do_contacts_form"], at.session_state["do_contacts_conflict"]))
    at.button(key="do_contacts_save").click().run()  # re-apply: the typed row is still in the table
    assert not at.exception, at.exception
    assert stored() == "旧局长"
