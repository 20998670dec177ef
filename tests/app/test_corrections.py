"""更正记录 page: pick a record, check it, save it; the import's rules apply."""

from __future__ import annotations

import duckdb

from .conftest import open_page

TOWN = "411503101"


def _submit(at, label):
    return next(b for b in at.button if b.label == label)


def _capacity(db, code):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT capacity FROM schools WHERE code = ?", [code]).fetchone()[0]
    finally:
        con.close()


def test_township_user_corrects_a_school_of_its_own(fresh_db):
    at = open_page("corrections", role="township", townships=(TOWN,))
    assert not at.exception
    con = duckdb.connect(str(fresh_db), read_only=True)
    code, other = con.execute(
        "SELECT min(code) FILTER (township_code = ?), min(code) FILTER (township_code <> ?) FROM schools",
        [TOWN, TOWN],
    ).fetchone()
    con.close()
    assert at.selectbox(key="cr_pick_schools").value == 0  # the first school of the township, by code
    form = f"cr_schools_{code}"
    before = _capacity(fresh_db, code)

    at.number_input(key=f"{form}_capacity").set_value(-5)
    at.text_input(key=f"{form}_reason").input("核定学位录错")
    _submit(at, "检查").click().run()
    assert not at.exception
    assert any("超出合理范围" in e.value for e in at.error)
    assert _capacity(fresh_db, code) == before

    at.number_input(key=f"{form}_capacity").set_value(before + 10)
    _submit(at, "保存更正").click().run()
    assert not at.exception
    assert any("已保存 1 处更正" in s.value for s in at.success)
    assert _capacity(fresh_db, code) == before + 10
    # a school of another township is not offered
    at.text_input(key="cr_search_schools").input(other).run()
    assert any("没有找到" in i.value for i in at.info)


def test_student_form_shows_personal_fields_masked(fresh_db):
    at = open_page("corrections", role="county")
    at.segmented_control(key="cr_table").set_value("students").run()
    assert not at.exception
    masked = [t for t in at.text_input if t.key and t.key.endswith("_name_masked")]
    assert masked and masked[0].disabled and "*" in masked[0].value


def test_a_stale_form_sees_the_conflict_and_keeps_what_was_typed(fresh_db):
    """Two users open the same school; the first saves; the second's stale save is refused."""
    con = duckdb.connect(str(fresh_db), read_only=True)
    code = con.execute("SELECT min(code) FROM schools WHERE township_code = ?", [TOWN]).fetchone()[0]
    con.close()
    form = f"cr_schools_{code}"
    alice = open_page("corrections", role="county")
    alice.text_input(key="cr_search_schools").input(code).run()
    bob = open_page("corrections", role="township", townships=(TOWN,))
    before = _capacity(fresh_db, code)

    alice.number_input(key=f"{form}_capacity").set_value(before + 100)
    alice.text_input(key=f"{form}_reason").input("新校舍")
    _submit(alice, "保存更正").click().run()
    assert _capacity(fresh_db, code) == before + 100

    bob.number_input(key=f"{form}_capacity").set_value(before + 7)
    bob.text_input(key=f"{form}_reason").input("核对")
    _submit(bob, "保存更正").click().run()
    assert not bob.exception
    assert any("他人已修改" in e.value for e in bob.error)
    assert _capacity(fresh_db, code) == before + 100  # Alice's change stands
    assert bob.number_input(key=f"{form}_capacity").value == before + 7  # Bob keeps what he typed
    _submit(bob, "重新载入").click().run()
    assert bob.number_input(key=f"{form}_capacity").value == before + 100
