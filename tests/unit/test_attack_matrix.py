"""Writes match the matrix: every write, tried as every role, is done by the roles the matrix
(docs/security.md) allows and refused, with nothing written, for every other.

The attack replayed: a 乡镇 account rewrote the county's 教体局局长 contact, which fills the
六长 of every new case in every township.  County-level records (that contact, settings) are
written only through a county-scope role; security, backup and retention settings by 管理员."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from lib import ingest
from lib.access import auth
from lib.aid import tasks as aid_tasks
from lib.core import config, permissions, store
from lib.core import settings as settings_store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.dropout import weekly as dropout_weekly
from lib.ingest import corrections
from lib.layout import planning
from lib.ops import backup, retention, rollover
from tests.fixtures.ingest.samples import valid_id

MINE = "411503101"
ROLES = tuple(permissions.ROLES)


@dataclass(frozen=True)
class Place:
    school: str
    village: str


def _place(db: Path) -> Place:
    with store.connect(db) as con:
        school = con.execute("SELECT min(code) FROM schools WHERE township_code = ?", [MINE]).fetchone()[0]
        village = con.execute("SELECT min(code) FROM villages WHERE township_code = ?", [MINE]).fetchone()[0]
    return Place(school, village)


def _unfiled_week(school: str, db: Path) -> str:
    """A past week the school has not filed yet (earlier tests of the run may have filed some)."""
    with store.connect(db) as con:
        done = {
            r[0]
            for r in con.execute(
                "SELECT iso_week FROM weekly_submissions WHERE school_code = ?", [school]
            ).fetchall()
        }
    return next(f"2026-W{w:02d}" for w in range(47, 0, -1) if f"2026-W{w:02d}" not in done)


def _scope(role: str, place: Place) -> Scope:
    """Each role with its usual territory: townships and schools their own, the rest the county."""
    if role == "township":
        return Scope(user=f"u-{role}", role=role, townships=(MINE,))
    if role in ("school", "teacher"):  # a 师长 account is scoped to its school
        return Scope(user=f"u-{role}", role=role, schools=(place.school,))
    return Scope(user=f"u-{role}", role=role)


def _contact(role: str, code: str, name: str) -> pd.DataFrame:
    return pd.DataFrame({"role": [role], "place_code": [code], "name": [name], "phone": ["13800001111"]})


def _allowed(action: str, *, county_level: bool = False) -> set[str]:
    """The roles the matrix lets do ``action`` (county-level records: through a county-scope role)."""
    roles = set(permissions.MATRIX[action])
    return roles & permissions.COUNTY_ROLES if county_level else roles


#: name -> (the write, the roles that may do it: read from the matrix, so the test follows it)
WRITES: dict[str, tuple[Callable[[Scope, Place, Path], object], set[str]]] = {
    "六长联系人(本校校长)": (
        lambda s, p, db: dropout_cases.save_contacts(s, _contact("校长", p.school, "李校长"), path=db),
        _allowed("write_unit"),
    ),
    "全县教体局局长联系人": (
        lambda s, p, db: dropout_cases.save_contacts(
            s, _contact("教体局局长", config.COUNTY_CODE, "冒充者"), path=db
        ),
        _allowed("write_cases", county_level=True),
    ),
    "新建控辍保学台账": (
        lambda s, p, db: dropout_cases.open_case_for_child(
            s,
            id_number=valid_id(seq=zlib.crc32(s.role.encode()) % 900 + 17),  # the same ID in every run
            name="测试儿童",
            village_code=p.village,
            reason="其他",
            source="手工",
            path=db,
        ),
        _allowed("write_cases"),
    ),
    "每周填报登记": (
        lambda s, p, db: dropout_weekly.submit_week(s, [p.school], _unfiled_week(p.school, db), path=db),
        _allowed("write_unit"),
    ),
    "核实任务": (
        lambda s, p, db: aid_tasks.record_tasks(s, pd.DataFrame(), path=db),
        _allowed("write_unit"),
    ),
    "更正学校记录": (
        lambda s, p, db: corrections.apply_correction(
            s, "schools", {"code": p.school}, {"teachers": 77}, reason="核对", path=db
        ),
        _allowed("correct_records"),
    ),
    "导入联系人文件": (
        lambda s, p, db: ingest.commit(
            ingest.read_upload(
                f"角色,单位代码,姓名,电话\n校长,{p.school},王校长,13900001111\n".encode(),
                "联系人.csv",
                kind="contacts",
            ),
            "contacts",
            scope=s,
            mode="update",
            path=db,
        ),
        _allowed("import"),
    ),
    "导入全县局长联系人": (
        lambda s, p, db: ingest.commit(
            ingest.read_upload(
                f"角色,单位代码,姓名,电话\n教体局局长,{config.COUNTY_CODE},冒充者,13900001111\n".encode(),
                "联系人.csv",
                kind="contacts",
            ),
            "contacts",
            scope=s,
            mode="update",
            path=db,
        ),
        _allowed("import", county_level=True),
    ),
    "保存规划方案": (
        lambda s, p, db: planning.save_scenario(s, f"方案-{s.role}", [], path=db),
        _allowed("save_scenario"),
    ),
    "修改业务设置": (
        lambda s, p, db: settings_store.save_overrides(s, {"dropout.due_soon_days": 3}, path=db),
        _allowed("edit_settings", county_level=True),
    ),
    "修改安全设置": (
        lambda s, p, db: settings_store.save_overrides(s, {"security.lockout_minutes": 30}, path=db),
        _allowed("edit_system_settings"),
    ),
    "修改上传限制": (
        lambda s, p, db: settings_store.save_overrides(s, {"ingest.max_rows": 1000}, path=db),
        _allowed("edit_system_settings"),
    ),
    "恢复备份设置默认值": (
        lambda s, p, db: settings_store.reset_overrides(s, "backup", path=db),
        _allowed("edit_system_settings"),
    ),
    "新建账号": (
        lambda s, p, db: auth.create_user(
            s, f"new-{s.role}", roles=["leader"], password="Long-enough-pass-1", path=db
        ),
        _allowed("manage_accounts"),
    ),
    "备份": (
        lambda s, p, db: backup.take_backup(s, path=db, out_dir=db.parent / "bk"),
        _allowed("backup"),
    ),
}

#: Heavy system writes: tried for refusal by every role but 管理员 (whose runs the ops tests cover).
REFUSED_ONLY: dict[str, tuple[Callable[[Scope, Place, Path], object], set[str]]] = {
    "学年升级": (
        lambda s, p, db: rollover.apply_rollover(s, to_year=2027, as_of=s.as_of, path=db),
        {"admin"},
    ),
    "数据保留期清理": (lambda s, p, db: retention.apply_retention(s, as_of=s.as_of, path=db), {"admin"}),
}


def _fingerprint(db: Path) -> dict:
    with store.connect(db) as con:
        tables = (
            "contacts",
            "dropout_cases",
            "weekly_submissions",
            "schools",
            "scenarios",
            "settings",
            "accounts",
        )
        return {
            t: con.execute(f'SELECT count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM "{t}" x').fetchone()
            for t in tables
        }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_as_every_role(fresh_db, write, role):
    do, allowed = WRITES[write]
    place = _place(fresh_db)
    scope = _scope(role, place)
    before = _fingerprint(fresh_db)
    if role in allowed:
        do(scope, place, fresh_db)
        if write not in (
            "核实任务",
            "备份",
            "恢复备份设置默认值",
        ):  # these write nothing to the tables compared
            assert _fingerprint(fresh_db) != before, f"{write} as {role} wrote nothing"
    else:
        with pytest.raises(AppError):
            do(scope, place, fresh_db)
        assert _fingerprint(fresh_db) == before, f"{write} as {role} was refused but wrote"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("write", list(REFUSED_ONLY))
def test_system_writes_are_refused_to_everyone_but_admin(fresh_db, write, role):
    do, _ = REFUSED_ONLY[write]
    place = _place(fresh_db)
    before = _fingerprint(fresh_db)
    with pytest.raises(AppError):
        do(_scope(role, place), place, fresh_db)
    assert _fingerprint(fresh_db) == before


def test_a_township_cannot_rewrite_the_county_chief_and_new_cases_keep_the_real_one(fresh_db):
    place = _place(fresh_db)
    with store.connect(fresh_db) as con:
        real = con.execute(
            "SELECT name FROM contacts WHERE role = '教体局局长' AND place_code = ?", [config.COUNTY_CODE]
        ).fetchone()[0]
    with pytest.raises(dropout_cases.CaseError, match="县级业务"):
        dropout_cases.save_contacts(
            _scope("township", place), _contact("教体局局长", config.COUNTY_CODE, "冒充者"), path=fresh_db
        )
    with store.connect(fresh_db) as con:
        now = con.execute(
            "SELECT name FROM contacts WHERE role = '教体局局长' AND place_code = ?", [config.COUNTY_CODE]
        ).fetchone()[0]
    assert now == real != "冒充者"


def test_a_contact_change_is_audited_with_what_changed(fresh_db):
    place = _place(fresh_db)
    dropout_cases.save_contacts(
        _scope("county", place), _contact("校长", place.school, "李建国"), path=fresh_db
    )
    with store.connect(fresh_db) as con:
        detail = con.execute(
            "SELECT detail FROM audit_log WHERE action = 'contacts_saved' ORDER BY \"at\" DESC LIMIT 1"
        ).fetchone()[0]
    import json

    change = json.loads(detail)["changes"][0]
    assert change["role"] == "校长" and change["place_code"] == place.school
    assert change["fields"]["name"][1] == "李*国" and "李建国" not in detail


def test_a_settings_change_is_audited_with_old_and_new_values(fresh_db):
    admin = Scope(user="管理员", role="admin")
    settings_store.save_overrides(admin, {"security.max_failed_logins": 3}, path=fresh_db)
    settings_store.save_overrides(admin, {"security.max_failed_logins": 4}, path=fresh_db)
    settings_store.reset_overrides(admin, "security", path=fresh_db)
    import json

    with store.connect(fresh_db) as con:
        rows = [
            (a, json.loads(d))
            for a, d in con.execute(
                "SELECT action, detail FROM audit_log WHERE action LIKE 'settings_%' ORDER BY \"at\""
            ).fetchall()
        ]
    assert rows[0][1]["security.max_failed_logins"] == {"old": 5, "new": 3}
    assert rows[1][1]["security.max_failed_logins"] == {"old": 3, "new": 4}
    assert rows[2][1]["changes"]["security.max_failed_logins"] == {"old": 4, "new": 5}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("security.max_failed_logins", 0),
        ("security.min_password_length", 4),
        ("security.session_idle_minutes", 0),
        ("retention.audit_years", 1),
        ("backup.schedule_hours", 0.01),
        ("backup.keep", 0),
    ],
)
def test_settings_out_of_bounds_are_refused(fresh_db, key, value):
    with pytest.raises(settings_store.SettingsError):
        settings_store.save_overrides(Scope(user="管理员", role="admin"), {key: value}, path=fresh_db)


def test_county_level_and_system_writes_belong_to_the_roles_the_issue_names():
    """The matrix the writes above follow: the county's records through 县级业务 only (of the roles
    that write cases), security, backup and retention settings through 管理员 only."""
    assert _allowed("write_cases", county_level=True) == {"county"}
    assert _allowed("import", county_level=True) == {"county"}
    assert _allowed("edit_settings", county_level=True) == {"county", "admin"}
    assert _allowed("edit_system_settings") == {"admin"}
