from datetime import date

import duckdb
import pytest

from lib.core.scope import Scope, school_year_of, term_of


@pytest.mark.parametrize(
    ("day", "year", "term"),
    [
        (date(2026, 11, 20), 2026, 1),
        (date(2026, 9, 1), 2026, 1),
        (date(2027, 1, 10), 2026, 1),
        (date(2027, 3, 1), 2026, 2),
        (date(2026, 8, 31), 2025, 2),
    ],
)
def test_school_year_and_term(day, year, term):
    assert school_year_of(day) == year
    assert term_of(day) == term


def test_scope_is_immutable_and_hashable():
    s = Scope(townships=("411503101",))
    with pytest.raises(AttributeError):
        s.townships = None  # type: ignore[misc]
    assert hash(s.cache_key())
    assert s.school_year == 2026


def test_narrow_never_widens():
    role = Scope(townships=("411503101", "411503102"))
    assert role.narrow(townships=["411503102", "411503999"]).townships == ("411503102",)
    assert role.narrow(townships=None).townships == ("411503101", "411503102")
    assert Scope().narrow(townships=["411503101"]).townships == ("411503101",)
    # asking for a township outside the role gives nothing, not everything
    assert role.narrow(townships=["411503999"]).townships == ()


def test_cache_key_includes_user():
    assert Scope(user="a").cache_key() != Scope(user="b").cache_key()


@pytest.fixture
def tiny():
    con = duckdb.connect()
    con.execute("CREATE TABLE schools (code VARCHAR, township_code VARCHAR, level VARCHAR)")
    con.execute("CREATE TABLE villages (code VARCHAR, township_code VARCHAR)")
    con.execute("CREATE TABLE students (student_id VARCHAR, school_code VARCHAR, village_code VARCHAR)")
    con.execute(
        "INSERT INTO schools VALUES ('A', '411503101', '小学'), ('B', '411503102', '初中'),"
        " ('C', '411521101', '小学')"
    )
    con.execute("INSERT INTO villages VALUES ('v1', '411503101'), ('v2', '411503102')")
    # s1 attends A lives v1; s2 attends B lives v1; s3 attends A lives v2; s4 attends B lives v2
    con.execute(
        "INSERT INTO students VALUES ('s1','A','v1'), ('s2','B','v1'), ('s3','A','v2'), ('s4','B','v2'),"
        " ('s5','C','v9')"
    )
    return con


def _students(con, scope):
    where, params = scope.student_where("st")
    return sorted(
        r[0] for r in con.execute(f"SELECT student_id FROM students st WHERE {where}", params).fetchall()
    )


def test_student_in_township_if_attends_or_lives_there(tiny):
    assert _students(tiny, Scope(townships=("411503101",))) == ["s1", "s2", "s3"]
    assert _students(tiny, Scope(townships=("411503102",))) == ["s2", "s3", "s4"]


def test_whole_county_excludes_other_counties(tiny):
    assert _students(tiny, Scope()) == ["s1", "s2", "s3", "s4"]


def test_level_filter_uses_the_school(tiny):
    assert _students(tiny, Scope(levels=("初中",))) == ["s2", "s4"]


def test_empty_restriction_means_nothing(tiny):
    assert _students(tiny, Scope(townships=())) == []
