"""系统状态: file facts, backups, imports, freshness per township, failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from lib.core import permissions, store
from lib.core.scope import Scope
from lib.ops import backup, health

ADMIN = Scope(user="管理员甲", role="admin")


def test_health_figures(fresh_db: Path, tmp_path: Path):
    now = datetime(2026, 11, 29, 12, 0)
    with store.connect(fresh_db) as con:
        con.execute(
            "DELETE FROM audit_log"
        )  # only this test's entries (other tests log in and fail on purpose)
        con.execute(
            "INSERT INTO audit_log VALUES (?, 'x', 'login_failed', '', '{}'), (?, 'x', 'login_failed', '', '{}'),"
            " (?, 'x', 'login_failed', '', '{}')",
            [now - timedelta(hours=1), now - timedelta(hours=2), now - timedelta(days=2)],
        )
    h = health.system_health(ADMIN, path=fresh_db, now=now)
    assert h.db_bytes > 0 and h.backups == 0 and h.backup_overdue
    assert health.summary(h)["failures_last_day"] == {"login_failed": 2}
    assert len(h.freshness) == 30
    assert (h.freshness["缺勤滞后天数"] >= 0).all()
    backup.take_backup(ADMIN, path=fresh_db, now=now)
    h = health.system_health(ADMIN, path=fresh_db, now=now + timedelta(hours=1))
    assert h.backups == 1 and not h.backup_overdue


def test_freshness_colours():
    table = pd.DataFrame(
        {
            "缺勤滞后天数": pd.array([0, 8, 31, None], dtype="Int64"),
            "资助发放滞后天数": pd.array([7, 30, 100, 1], dtype="Int64"),
        }
    )
    colours = health.freshness_colours(table)
    assert colours["缺勤滞后天数"].tolist() == ["green", "amber", "red", "grey"]
    assert colours["资助发放滞后天数"].tolist() == ["green", "amber", "red", "green"]


def test_a_township_user_may_not_see_it(fresh_db: Path):
    with pytest.raises(permissions.NotPermitted):
        health.system_health(Scope(user="x", role="township", townships=("411503101",)), path=fresh_db)
