"""AppTest of 系统设置: an administrator changes a threshold; it is stored with who and when,
overrides the default at once (the lockout uses it), is audited, and can be reset."""

from __future__ import annotations

import duckdb

from lib.access import auth
from lib.core import settings as settings_store

from .conftest import open_page


def test_admin_changes_the_lockout_threshold_and_resets_it(fresh_db):
    at = open_page("admin_settings", role="admin")
    assert not at.exception, at.exception
    at.segmented_control(key="set_section").set_value("security").run()
    at.number_input(key="set_security.max_failed_logins").set_value(3)
    next(b for b in at.get("form_submit_button") if b.label == "保存修改").click().run()
    assert not at.exception, at.exception
    assert any("已保存 1 项设置" in s.value for s in at.success)
    assert auth.security_settings()["max_failed_logins"] == 3
    con = duckdb.connect(str(fresh_db), read_only=True)
    row = con.execute(
        "SELECT value, changed_by FROM settings WHERE key = 'security.max_failed_logins'"
    ).fetchone()
    audited = con.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'settings_changed' AND user_name = 'test-admin'"
    ).fetchone()[0]
    con.close()
    assert row == ("3", "test-admin") and audited == 1
    shown = next(d.value for d in at.dataframe if "设置项" in d.value.columns)
    assert list(shown["设置项"]) == ["security.max_failed_logins"]
    at.button(key="set_reset").click().run()
    assert not at.exception, at.exception
    assert auth.security_settings()["max_failed_logins"] == 5


def test_editable_leaves_are_the_scalars_of_a_section():
    tree = {
        "security": {"max_failed_logins": 5, "flag": True, "name": "x", "pairs": [1, 2], "sub": {"a": 1.5}}
    }
    assert settings_store.editable_leaves(tree, "security") == [
        ("security.max_failed_logins", 5),
        ("security.flag", True),
        ("security.name", "x"),
        ("security.sub.a", 1.5),
    ]
    assert settings_store.changed_values(tree, {"security.max_failed_logins": 5, "security.sub.a": 2.0}) == {
        "security.sub.a": 2.0
    }


def test_every_setting_the_page_offers_has_a_chinese_name():
    from lib.core import config

    missing = [
        key
        for section in settings_store.SECTION_LABELS
        for key, _ in settings_store.editable_leaves(config.DEFAULTS, section)
        if key not in settings_store.SETTING_LABELS
    ]
    assert missing == []


def test_county_staff_are_offered_the_domains_settings_only(fresh_db):
    at = open_page("admin_settings", role="county")
    assert not at.exception, at.exception
    offered = set(at.segmented_control(key="set_section").options)  # as labelled on the page
    system = {"账号与登录", "备份", "数据保留期"}
    assert not system & offered and "控辍保学" in offered
    if "数据导入" in offered:  # the import's domain settings, never its upload limits
        at.segmented_control(key="set_section").set_value("ingest").run()
        shown = {w.key for w in at.number_input} | {w.key for w in at.text_input}
        assert not shown & {"set_ingest.max_upload_mb", "set_ingest.max_rows"}
    admin = open_page("admin_settings", role="admin")
    assert system | {"数据导入"} <= set(admin.segmented_control(key="set_section").options)


def test_an_admin_cannot_point_the_backup_dir_at_static(fresh_db):
    from lib.core import config

    at = open_page("admin_settings", role="admin")
    at.segmented_control(key="set_section").set_value("backup").run()
    at.text_input(key="set_backup.dir").input(str(config.STATIC_DIR))
    next(b for b in at.get("form_submit_button") if b.label == "保存修改").click().run()
    assert not at.exception, at.exception
    assert any("static" in e.value for e in at.error)
    con = duckdb.connect(str(fresh_db), read_only=True)
    stored = con.execute("SELECT count(*) FROM settings WHERE key = 'backup.dir'").fetchone()[0]
    con.close()
    assert stored == 0


def test_targets_are_typed_and_shown_in_percent():
    """巩固率目标 is 96.0 (%) on the page and 0.96 in the settings; the overrides table says 96%."""
    import pandas as pd

    from lib.core import settings as settings_store

    assert settings_store.shown_value("targets.consolidation.green", 0.97) == 97.0
    assert settings_store.stored_value("targets.consolidation.green", 97.5) == 0.975
    assert settings_store.stored_value("security.max_failed_logins", 5) == 5
    assert settings_store.setting_label("targets.consolidation.green").endswith("(%)")
    table = pd.DataFrame(
        {
            "设置项": ["targets.consolidation.green"],
            "取值": ["0.975"],
            "修改人": ["wang"],
            "修改时间": [pd.Timestamp("2026-11-20 08:05")],
        }
    )
    shown = settings_store.overrides_view(table)
    assert shown.iloc[0].tolist() == [
        "巩固率目标(%)",
        "targets.consolidation.green",
        "97.5%",
        "wang",
        "2026年11月20日 08:05",
    ]
