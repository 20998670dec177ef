"""The leader's student search (重点关注学生 查找): wildcards are plain characters, a masked user's
guess confirms nothing, searches are rate-limited, and the audit says what was searched in a
form an auditor can review without the log listing children."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lib.access import audit_view
from lib.core import audit, ids, permissions, store
from lib.core.scope import Scope
from lib.risk import listing as risk_list

UNMASKED = Scope(user="核查员", role="county", mask=False)  # typed a reason to unmask
LEADER = Scope(user="局领导甲", role="leader")  # masked, always
ADMIN = Scope(user="管理员", role="admin")


def _student(con, name: str, sid: str, idn: str) -> None:
    """A copy of an enrolled student under ``name``/``sid``/``idn`` (same school, so in Scope)."""
    con.execute(
        "INSERT INTO students SELECT * REPLACE (? AS student_id, ? AS name, ? AS id_number, "
        "'G' || ? AS xueji_number) FROM students WHERE status = '在校' ORDER BY student_id LIMIT 1",
        [sid, name, idn, idn],
    )


@pytest.fixture
def planted(fresh_db: Path) -> Path:
    body = "41150320140101" + "91"
    with store.connect(fresh_db) as con:
        _student(con, "郝_翠", "SPLANT0001", body + "1" + ids.check_char(body + "1"))
        _student(con, "郝X翠", "SPLANT0002", body + "3" + ids.check_char(body + "3"))
        _student(con, "郝%翠", "SPLANT0003", body + "5" + ids.check_char(body + "5"))
    return fresh_db


def _sids(df: pd.DataFrame) -> set[str]:
    return set(df["student_id"])


def test_percent_and_underscore_are_plain_characters(planted: Path):
    with store.connect(planted) as con:
        assert _sids(risk_list.search(con, UNMASKED, "郝_")) == {"SPLANT0001"}  # not 郝X翠
        assert _sids(risk_list.search(con, UNMASKED, "郝%")) == {"SPLANT0003"}
        assert risk_list.search(con, UNMASKED, "%").empty and risk_list.search(con, UNMASKED, "__").empty
        assert _sids(risk_list.search(con, UNMASKED, "郝X")) == {"SPLANT0002"}


def test_a_masked_users_guess_finds_everyone_masked_alike(planted: Path):
    with store.connect(planted) as con:
        real = risk_list.search(con, LEADER, "郝X翠")
        guess = risk_list.search(con, LEADER, "郝Y翠")  # nobody is called that
        masked_form = risk_list.search(con, LEADER, "郝*翠")
        two = risk_list.search(con, LEADER, "郝X")  # a two-character name's shape, never a prefix
        mine = con.execute("SELECT id_number FROM students WHERE student_id = 'SPLANT0002'").fetchone()[0]
        by_id = risk_list.search(con, LEADER, mine)
        fake_id = mine[:6] + "19990101" + mine[-4:]  # same area code and last four
        by_fake_id = risk_list.search(con, LEADER, fake_id)
    planted3 = {"SPLANT0001", "SPLANT0002", "SPLANT0003"}
    assert _sids(real) == _sids(guess) == _sids(masked_form) == planted3
    assert set(real["name"]) == {"郝*翠"}
    assert not _sids(two) & planted3 and set(two["name"]) <= {"郝*"}
    assert "SPLANT0002" in _sids(by_id) and _sids(by_id) == _sids(by_fake_id)
    assert mine not in set(by_id["id_number"]) and set(by_id["id_number"]) == {ids.mask_id(mine)}


def test_searches_are_rate_limited_and_the_refusal_is_audited(planted: Path):
    with store.connect(planted) as con:
        con.execute(
            "INSERT INTO settings VALUES ('security.search_per_minute', '3', 'test', now()::TIMESTAMP)"
        )
    for q in ("郝X翠", "郝Y翠", "郝Z翠"):
        risk_list.find_students(LEADER, q)
    with pytest.raises(audit.SearchLimited, match="每分钟最多 3 次"):
        risk_list.find_students(LEADER, "郝W翠")
    with store.connect(planted) as con:
        refused = con.execute("SELECT count(*) FROM audit_log WHERE action = 'search_refused'").fetchone()[0]
        done = con.execute("SELECT count(*) FROM audit_log WHERE action = 'search'").fetchone()[0]
    assert (refused, done) == (1, 3)
    # another user is not held up by the first one's searches
    assert not risk_list.find_students(Scope(user="局领导乙", role="leader"), "郝X翠").empty


def test_the_audit_keeps_a_reviewable_fingerprint_not_the_query(planted: Path):
    risk_list.find_students(LEADER, "郝翠花")
    with store.connect(planted) as con:
        real_id = con.execute("SELECT id_number FROM students WHERE student_id = 'SPLANT0002'").fetchone()[0]
    risk_list.find_students(LEADER, f"g{real_id.lower()}")  # the 学籍号, typed in lower case
    entries = audit.entries(action="search")
    details = [json.loads(d) for d in entries["detail"]]
    assert {d["query_kind"] for d in details} == {"姓名", "学籍号"}
    assert {d["query_masked"] for d in details} == {"郝*花", "G" + ids.mask_id(real_id)}
    text = " ".join(entries["detail"])
    assert "郝翠花" not in text and real_id not in text
    # the auditor types the name or the number, however written, and finds who searched
    by_name = audit_view.searches_for(ADMIN, " 郝翠花 ")
    by_id = audit_view.searches_for(ADMIN, real_id)
    assert len(by_name) == 1 and set(by_name["用户"]) == {"局领导甲"}
    assert len(by_id) == 1
    assert audit_view.searches_for(ADMIN, "郝翠华").empty
    with pytest.raises(permissions.NotPermitted):
        audit_view.searches_for(LEADER, "郝翠花")
