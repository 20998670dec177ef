"""备份与恢复 page: an administrator backs up, sees the list, restores after confirming."""

from __future__ import annotations

import pytest

from lib.core import store
from lib.ops import backup

from .conftest import open_page


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def test_admin_backs_up_and_restores_after_confirming(fresh_db):
    at = open_page("admin_backup", role="admin")
    assert not at.exception
    assert "尚无备份" in [m.value for m in at.metric]
    _button(at, "bk_now").click().run()
    assert not at.exception
    assert any("已备份" in s.value for s in at.success)
    folder = fresh_db.parent / "backups"
    names = backup.list_backups(folder).name.tolist()
    assert len(names) == 1
    assert at.dataframe[0].value.iloc[0]["备份文件"] == names[0]

    with store.connect(fresh_db) as con:
        con.execute("DELETE FROM schools")
    restore = _button(at, "bk_restore")
    assert restore.disabled  # nothing happens before the box is ticked
    at.checkbox(key="bk_confirm").check().run()
    _button(at, "bk_restore").click().run()
    assert not at.exception
    assert any("已从" in s.value for s in at.success)
    with store.connect(fresh_db) as con:
        assert con.execute("SELECT count(*) FROM schools").fetchone()[0] > 0


def test_county_staff_are_not_offered_the_backup_page(demo_db):
    at = open_page(None, role="county")
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/admin_backup.py")
