"""The synthetic demo county (lib/demo.py): sizes, determinism, validity, and the
patterns the dashboard must be able to find (docs/demo.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from lib.core import config, schema, store
from lib.demo import county as demo

AS_OF = config.DEMO_AS_OF
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _read_all(path: Path) -> dict[str, pd.DataFrame]:
    with store.connect(path) as con:
        return {name: con.execute(f'SELECT * FROM "{name}"').df() for name in schema.DATA_TABLES}


def _sorted(df: pd.DataFrame, table: str) -> pd.DataFrame:
    key = list(schema.TABLES[table].key) or list(df.columns)
    return df.sort_values(key, kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """The district demo, built once for this module."""
    path = tmp_path_factory.mktemp("demo") / "a.duckdb"
    counts = demo.build_demo(path)
    with store.connect(path) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    return {"path": path, "counts": counts, "t": _read_all(path), "meta": meta}


@pytest.fixture(scope="module")
def t(built) -> dict[str, pd.DataFrame]:
    return built["t"]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict:
    """A second file: first built with another seed, then rebuilt with the default seed
    over it (so it also shows that a build replaces what was there)."""
    path = tmp_path_factory.mktemp("demo2") / "b.duckdb"
    demo.build_demo(path, seed=config.DEMO_SEED + 1)
    other = _read_all(path)
    demo.build_demo(path)
    return {"other_seed": other, "again": _read_all(path)}


# ------------------------------------------------------------------ sizes and meta
def test_row_counts_in_range(built, t):
    c = built["counts"]
    assert c["townships"] == 30 and c["counties"] == 1
    assert 200 <= c["schools"] <= 260
    assert 80_000 <= c["students"] <= 100_000
    assert 180 <= c["villages"] <= 260
    assert set(t["villages"].kind) == {"行政村", "社区"}
    for name in (
        "village_population",
        "enrolments",
        "enrolment_counts",
        "absences",
        "contacts",
        "dropout_cases",
        "case_responsibles",
        "case_actions",
        "aid_records",
        "school_calendar",
    ):
        assert c[name] > 0, name
    assert 100_000 <= c["absences"] <= 500_000
    assert 150 <= c["dropout_cases"] <= 600
    assert {k: len(v) for k, v in t.items()} == c


def test_meta_keys(built):
    m = built["meta"]
    assert m["demo"] == "true" and m["demo_scale"] == "district"
    assert m["demo_seed"] == str(config.DEMO_SEED)
    assert m["as_of"] == "2026-11-20" and m["county_code"] == "411503"


def test_scale_must_be_known(tmp_path):
    with pytest.raises(ValueError, match="scale"):
        demo.build_demo(tmp_path / "x.duckdb", scale="province")


# ------------------------------------------------------------------ determinism
def test_same_seed_identical_tables(t, rebuilt):
    again = rebuilt["again"]
    for name in schema.DATA_TABLES:
        pd.testing.assert_frame_equal(_sorted(t[name], name), _sorted(again[name], name), obj=name)


def test_other_seed_differs(t, rebuilt):
    other = rebuilt["other_seed"]
    assert not set(other["students"].id_number) == set(t["students"].id_number)
    assert not other["schools"].name.equals(t["schools"].name) or len(other["schools"]) != len(t["schools"])
    assert other["townships"].geometry.tolist() != t["townships"].geometry.tolist()


# ------------------------------------------------------------------ identities
def test_id_numbers_valid_and_consistent(t):
    st = t["students"]
    body = np.array([list(s[:17]) for s in st.id_number], dtype=int)
    check = np.array(list("10X98765432"))[(body * np.array(WEIGHTS)).sum(1) % 11]
    assert (st.id_number.str[17] == check).all()
    assert st.id_number.str[:6].eq("411503").all()
    assert (pd.to_datetime(st.id_number.str[6:14], format="%Y%m%d") == pd.to_datetime(st.birth_date)).all()
    odd = st.id_number.str[16].astype(int) % 2 == 1
    assert ((st.sex == "男") == odd).all()
    assert (st.xueji_number == "G" + st.id_number).all()
    assert st.id_number.is_unique and st.student_id.is_unique
    assert st.student_id.str.fullmatch(r"S[0-9A-F]{10}").all()
    assert 0.50 <= (st.sex == "男").mean() <= 0.54
    assert st.guardian_phone.str.fullmatch(r"1[358]\d{9}").all()
    assert st.name.str.len().between(2, 3).all()


def test_age_matches_grade(t):
    st = t["students"]
    enrolled = st[st.status.isin(schema.ENROLLED_STATUS)]
    b = pd.to_datetime(enrolled.birth_date)
    age = 2026 - b.dt.year - ((b.dt.month * 100 + b.dt.day) > 901)
    over = age - enrolled.grade
    assert over.isin([5, 6]).all()
    assert 0.005 < (over == 6).mean() < 0.05  # a few over-age pupils


def test_school_codes(t):
    sc = t["schools"]
    assert sc.code.is_unique and sc.code.str.fullmatch(r"\d{10}").all()
    assert sc.code.str[2:4].eq("41").all()
    prefix = {"小学": "21", "教学点": "21", "初中": "31", "九年一贯制": "31", "特殊教育": "51"}
    assert (sc.code.str[:2] == sc.level.map(prefix)).all()
    assert set(sc.level) == set(schema.LEVELS)
    assert (sc.level == "特殊教育").sum() == 1


# ------------------------------------------------------------------ references
def test_every_reference_exists(t):
    schools, villages, towns = set(t["schools"].code), set(t["villages"].code), set(t["townships"].code)
    st = t["students"]
    assert st.school_code.isin(schools).all() and st.village_code.isin(villages).all()
    assert t["schools"].village_code.isin(villages).all() and t["schools"].township_code.isin(towns).all()
    assert t["villages"].township_code.isin(towns).all()
    assert (t["villages"].code.str[:9] == t["villages"].township_code).all()
    ids = set(st.student_id)
    for name in ("enrolments", "absences", "aid_records", "dropout_cases"):
        assert t[name].student_id.isin(ids).all(), name
    assert t["aid_records"].school_code.isin(schools).all()
    assert t["enrolments"].school_code.isin(schools).all()
    assert t["village_population"].village_code.isin(villages).all()
    assert t["case_actions"].case_id.isin(t["dropout_cases"].case_id).all()
    c = t["contacts"]
    for role, places in (("镇长", towns), ("村长", villages), ("校长", schools), ("教体局局长", {"411503"})):
        assert set(c[c.role == role].place_code) == places, role


def test_keys_unique(t):
    for name in schema.DATA_TABLES:
        key = list(schema.TABLES[name].key)
        if key and len(t[name]):
            assert not t[name].duplicated(key).any(), name


# ------------------------------------------------------------------ geography
def test_township_polygons_valid_and_cover_the_boundary(t):
    with open(config.BOUNDARY_FILE, encoding="utf-8") as fh:
        boundary = shape(json.load(fh)["features"][0]["geometry"])
    polys = shapely.from_wkt(t["townships"].geometry.to_numpy())
    assert shapely.is_valid(polys).all()
    assert set(shapely.get_type_id(polys)) <= {3, 6}  # Polygon, MultiPolygon
    to_m = demo._to_metric
    b = to_m(boundary)
    pm = [to_m(p) for p in polys]
    assert sum(p.area for p in pm) == pytest.approx(b.area, rel=0.01)
    for p in pm:
        assert p.difference(b.buffer(100)).area < 0.005 * p.area
    assert shapely.union_all(pm).symmetric_difference(b).area < 0.01 * b.area
    assert t["townships"].code.tolist() == pd.read_csv(config.TOWNSHIPS_FILE, dtype=str).code.tolist()


def test_urban_core_in_the_south_and_points_inside_their_township(t):
    tw = t["townships"]
    urban = tw.kind.eq("街道") | tw.name.str.endswith("街道")
    assert tw[urban].seat_lat.max() < tw[~urban].seat_lat.median()
    assert tw[urban].seat_lat.between(32.10, 32.22).all() and tw[urban].seat_lon.between(114.03, 114.18).all()
    polys = dict(zip(tw.code, shapely.from_wkt(tw.geometry.to_numpy()), strict=True))
    for frame in (t["villages"], t["schools"]):
        inside = [
            polys[c].buffer(1e-4).contains(shapely.Point(x, y))
            for c, x, y in zip(frame.township_code, frame.lon, frame.lat, strict=True)
        ]
        assert all(inside)
    v = t["villages"]
    assert (v[v.kind == "社区"].township_code.isin(tw[urban].code)).all()


def test_population_cohorts_age_consistently(t):
    pop = t["village_population"]
    assert sorted(pop.year.unique()) == list(range(2018, 2027)) and sorted(pop.age.unique()) == list(
        range(16)
    )
    tot = pop.pivot_table(index="year", columns="age", values="persons", aggfunc="sum")
    ratio = tot.loc[2019:2026, 1:15].to_numpy() / tot.loc[2018:2025, 0:14].to_numpy()
    assert ((ratio > 0.9) & (ratio < 1.1)).all()
    # falling births: this year's 0-year-olds far fewer than the 6-year-olds of 2018
    assert tot.loc[2026, 0] < 0.65 * tot.loc[2018, 6]
    # the urban core grows, rural villages empty
    kind = pop.village_code.map(t["villages"].set_index("code").kind)
    by = pop[pop.age.between(6, 14)].groupby([kind, "year"]).persons.sum()
    assert by["社区"][2026] / by["社区"][2018] > by["行政村"][2026] / by["行政村"][2018]


def test_students_come_from_the_population(t):
    st, pop = t["students"], t["village_population"]
    b = pd.to_datetime(st.birth_date)
    age = 2026 - b.dt.year - ((b.dt.month * 100 + b.dt.day) > 901)
    have = st.groupby([st.village_code, age]).size()
    p = pop[pop.year == 2026].set_index(["village_code", "age"]).persons
    assert (have <= p.reindex(have.index).fillna(0)).all()


# ------------------------------------------------------------------ schools
def test_school_network_is_realistic(t):
    st, sc = t["students"], t["schools"]
    enrolled = st[st.status.isin(schema.ENROLLED_STATUS)]
    size = enrolled.groupby("school_code").size().reindex(sc.code).fillna(0)
    tp = sc.level.eq("教学点").to_numpy()
    assert (size[tp] < 30).all() and (size[tp] > 0).all()
    assert enrolled[enrolled.school_code.isin(sc.code[tp])].grade.le(3).all()
    assert (size < 100).sum() >= 60  # 乡村小规模学校 and teaching points
    classes = enrolled.groupby(["school_code", "grade", "class_no"]).size()
    assert (classes >= 56).sum() >= 5 and 1 <= (classes >= 66).sum() <= 60
    towns = t["townships"].set_index("code")
    urban_code = towns.index[(towns.kind == "街道") | towns.name.str.endswith("街道")]
    urban = sc.township_code.isin(urban_code) & sc.level.isin(["小学", "初中", "九年一贯制"])
    assert (size[urban.to_numpy()] > sc.capacity[urban.to_numpy()].to_numpy()).mean() > 0.6  # over capacity
    assert not enrolled[enrolled.grade <= 3].boarding.any()
    assert enrolled.boarding.any()
    boarders = enrolled[enrolled.boarding].school_code.value_counts()
    beds = sc.set_index("code").boarding_beds
    assert (beds.reindex(boarders.index) >= boarders).all()
    assert (sc.boarding_beds[sc.township_code.isin(urban_code) & (sc.level != "特殊教育")] == 0).all()
    rural = ~sc.township_code.isin(urban_code)
    for name_part in ("中心小学", "初级中学"):
        assert sc[rural].name.str.contains(name_part).any()


# ------------------------------------------------------------------ flags
@pytest.mark.parametrize(
    ("column", "lo", "hi"),
    [
        ("learning_difficulty", 0.06, 0.08),
        ("disability", 0.010, 0.015),
        ("orphan", 0.001, 0.004),
        ("unsupported", 0.003, 0.008),
        ("prisoner_child", 0.0015, 0.005),
        ("disabled_parent", 0.015, 0.03),
    ],
)
def test_flag_rates(t, column, lo, hi):
    assert lo <= t["students"][column].mean() <= hi


def test_poverty_left_behind_and_martyr_rates(t):
    st = t["students"]
    assert 0.08 <= st.poverty_category.notna().mean() <= 0.12
    assert set(st.poverty_category.dropna()) == set(schema.POVERTY_CATEGORIES)
    kind = st.village_code.map(t["villages"].set_index("code").kind)
    assert 0.15 <= st.left_behind[kind == "行政村"].mean() <= 0.25
    assert st.left_behind[kind == "社区"].mean() < 0.06
    assert 1 <= st.martyr_child.sum() <= 10
    assert st[st.disability].disability_level.between(1, 4).all()
    assert st[~st.disability].disability_level.isna().all()
    assert (st.score_trend[st.learning_difficulty].mean() < -0.5) and abs(
        st.score_trend[~st.learning_difficulty].mean()
    ) < 0.1
    assert set(st.placement) <= set(schema.PLACEMENTS) and set(st.status) <= set(schema.STUDENT_STATUS)
    severe = st[st.disability & (st.disability_level == 1)]
    assert severe.placement.isin(["送教上门", "特教学校"]).all()
    assert (st[st.placement == "送教上门"].status.isin(["送教上门", "转出", "毕业", "休学"])).all()
    mild = st[st.disability & (st.disability_level >= 3)]
    assert mild.placement.eq("随班就读").all()


def test_poverty_higher_in_remote_rural_townships(t):
    st = t["students"]
    kind = st.village_code.map(t["villages"].set_index("code").kind)
    assert (
        st.poverty_category[kind == "行政村"].notna().mean()
        > 2 * st.poverty_category[kind == "社区"].notna().mean()
    )


# ------------------------------------------------------------------ dropouts
def test_dropouts_follow_risk_factors(t):
    st, cases = t["students"], t["dropout_cases"]
    case = st.student_id.isin(cases[cases.status != "误报"].student_id)
    for flag in (st.learning_difficulty, st.poverty_category.notna(), st.disability, st.left_behind):
        assert case[flag].mean() > 2 * case[~flag].mean()
    dropped = st.status == "辍学"
    assert dropped[st.learning_difficulty].mean() > 3 * dropped[~st.learning_difficulty].mean()
    junior = cases.grade >= 7
    assert junior.mean() > 0.4  # grades 7-9 are a third of pupils


def test_cases_are_consistent(t):
    st, c = t["students"].set_index("student_id"), t["dropout_cases"]
    assert set(c.status) <= set(schema.CASE_STATUS) and set(c.reason) <= set(schema.REASONS)
    assert set(c.source) <= {"缺勤监测", "学校上报", "花名册核查"}
    counts = c.status.value_counts()
    assert counts[["已返校", "巩固"]].sum() > 0.5 * len(c)
    for s in ("疑似辍学", "已核实", "劝返中", "误报", "已返校", "巩固"):
        assert counts.get(s, 0) > 0, s
    asof = pd.Timestamp(AS_OF)
    assert (c.reported_on >= pd.Timestamp("2024-09-01")).all() and (c.reported_on <= asof).all()
    confirmed = c[c.status.isin(schema.DROPOUT_CASE_STATUS)]
    assert confirmed.verified_on.notna().all() and confirmed.returned_on.isna().all()
    assert (confirmed.verified_on <= asof).all()
    assert st.loc[confirmed.student_id, "status"].eq("辍学").all()
    assert set(st.index[st.status == "辍学"]) == set(confirmed.student_id)
    suspected = c[c.status == "疑似辍学"]
    assert suspected.verified_on.isna().all() and suspected.returned_on.isna().all()
    back = c[c.status.isin(schema.RETURNED_CASE_STATUS)]
    assert back.returned_on.notna().all() and (back.returned_on <= asof).all()
    assert (back.returned_on > back.reported_on).all()
    kept = c[c.status == "巩固"]
    assert ((kept.closed_on - kept.returned_on).dt.days == 90).all()
    false = c[c.status == "误报"]
    assert false.dismiss_reason.notna().all() and false.closed_on.notna().all()
    assert c[c.status != "误报"].dismiss_reason.isna().all()
    open_ = c[c.status.isin(schema.OPEN_CASE_STATUS)]
    assert open_.next_followup_on.notna().all()
    overdue = (open_.next_followup_on < asof).mean()
    assert 0.05 < overdue < 0.5
    assert (c.version == 1).all() and c.updated_by.notna().all()
    assert (c.updated_at.dt.normalize() <= asof).all()
    assert (pd.to_datetime(c.reported_on).dt.strftime("%G-W%V") == "2026-W47").any()
    weeks = pd.to_datetime(c[c.reported_on >= pd.Timestamp("2026-09-01")].reported_on).dt.strftime("%G-W%V")
    assert weeks.nunique() >= 8  # a weekly trend through the current term


def test_six_chiefs_and_actions(t):
    c, r, a = t["dropout_cases"], t["case_responsibles"], t["case_actions"]
    roles = r.groupby("case_id").role.apply(lambda s: sorted(s))
    assert (roles.map(len) == 6).all() and set(roles.index) == set(c.case_id)
    assert set(r.role) == set(schema.SIX_CHIEFS)
    assert r.name.notna().all() and r.phone.str.fullmatch(r"1[358]\d{9}").all()
    contacts = t["contacts"]
    heads = r[r.role == "教体局局长"].name.unique()
    assert list(heads) == contacts[contacts.role == "教体局局长"].name.tolist()
    per = a.groupby("case_id").size()
    assert per.min() >= 2 and per.mean() >= 3
    assert a.action_id.is_unique and set(a.action) <= set(schema.CASE_ACTIONS)
    m = a.merge(c[["case_id", "reported_on"]], on="case_id")
    assert (m.acted_on >= m.reported_on).all() and (m.acted_on <= pd.Timestamp(AS_OF)).all()
    assert a.result.str.len().gt(4).all()


def test_absences_and_undetected_runs(t):
    ab, cal = t["absences"], t["school_calendar"]
    school_days = pd.DatetimeIndex(cal[cal.is_school_day].day)
    assert ab.day.isin(school_days).all()
    assert ab.day.min() >= pd.Timestamp("2024-09-01") and ab.day.max() <= pd.Timestamp(AS_OF)
    assert ab.excused.mean() > 0.6  # mostly excused
    days = school_days[school_days <= pd.Timestamp(AS_OF)]
    pos = pd.Series(np.arange(len(days)), index=days)
    un = ab[~ab.excused].assign(k=lambda d: pos.reindex(d.day).to_numpy())
    last = len(days) - 1
    runs = {}
    for sid, k in un[un.k >= last - 60].groupby("student_id").k:
        ks = set(k)
        n = 0
        while last - n in ks:
            n += 1
        if n:
            runs[sid] = n
    runs = pd.Series(runs, dtype=int)
    cases = t["dropout_cases"]
    no_case = ~runs.index.isin(cases.student_id)
    assert (runs >= 5).sum() >= 24  # dozens suspected by the absence rule
    assert ((runs >= 5) & no_case).sum() >= 5 and ((runs >= 20) & no_case).sum() >= 1
    assert (runs >= 20).sum() >= 5


def test_calendar(t):
    cal = t["school_calendar"].set_index("day")
    assert cal.index.min() == pd.Timestamp("2024-09-01") and cal.index.max() == pd.Timestamp("2027-01-22")
    assert len(cal) == (date(2027, 1, 22) - date(2024, 9, 1)).days + 1
    school = cal[cal.is_school_day]
    assert (school.index.weekday < 5).all()
    for off in (
        "2025-10-01",
        "2025-10-07",
        "2026-01-01",
        "2026-01-23",
        "2026-02-20",
        "2026-05-01",
        "2026-07-10",
        "2026-08-31",
        "2026-10-05",
    ):
        assert not cal.loc[off, "is_school_day"], off
    for on in ("2025-09-01", "2026-02-23", "2026-07-09", "2026-09-01", "2026-11-20", "2027-01-22"):
        assert cal.loc[on, "is_school_day"], on
    assert cal.loc["2026-11-20", "school_year"] == 2026 and cal.loc["2026-11-20", "term"] == 1
    assert cal.loc["2026-03-02", "school_year"] == 2025 and cal.loc["2026-03-02", "term"] == 2


# ------------------------------------------------------------------ history
def test_enrolment_counts_match_students_and_consolidation(t):
    ec, st = t["enrolment_counts"], t["students"]
    assert sorted(ec.school_year.unique()) == list(range(2018, 2027))
    now = st[st.status.isin(schema.ENROLLED_STATUS)].groupby(["school_code", "grade"]).size()
    cur = ec[ec.school_year == 2026].set_index(["school_code", "grade"]).students
    pd.testing.assert_series_equal(now.sort_index(), cur.sort_index(), check_names=False, check_dtype=False)
    g9 = ec[(ec.school_year == 2026) & (ec.grade == 9)].students.sum()
    g1 = ec[(ec.school_year == 2018) & (ec.grade == 1)].students.sum()
    assert 0.93 <= g9 / g1 <= 0.985
    town = ec.school_code.map(t["schools"].set_index("code").township_code)
    a = ec[(ec.school_year == 2026) & (ec.grade == 9)].groupby(town).students.sum()
    b = ec[(ec.school_year == 2018) & (ec.grade == 1)].groupby(town).students.sum()
    rate = (a / b).dropna()
    weak = rate.reindex(list(demo.WEAK_RETENTION_TOWNSHIPS))
    assert (weak < g9 / g1 - 0.03).all()


def test_enrolment_snapshots(t):
    en, st = t["enrolments"], t["students"].set_index("student_id")
    terms = sorted(en.groupby(["school_year", "term"]).groups)
    assert terms == [(2024, 1), (2024, 2), (2025, 1), (2025, 2), (2026, 1)]
    now = en[(en.school_year == 2026) & (en.term == 1)].set_index("student_id")
    s = st.loc[now.index]
    assert (
        (now.status == s.status).all()
        and (now.school_code == s.school_code).all()
        and (now.grade == s.grade).all()
    )
    # a child who dropped out last year and is still out appears as 辍学 in every later snapshot
    c = t["dropout_cases"]
    old = c[c.status.isin(schema.DROPOUT_CASE_STATUS) & (c.verified_on < pd.Timestamp("2026-01-22"))]
    assert len(old) > 0
    e = en.set_index(["school_year", "term", "student_id"]).status
    for sid in old.student_id:
        assert e.loc[(2026, 1, sid)] == "辍学"
    assert set(en.status) <= set(schema.STUDENT_STATUS)


# ------------------------------------------------------------------ aid
def test_aid_records(t):
    a, st = t["aid_records"], t["students"].set_index("student_id")
    assert a.record_id.is_unique and set(a.programme) <= set(schema.PROGRAMMES)
    assert set(a.funding_source) <= set(schema.FUNDING_SOURCES)
    assert (a.paid_date.dropna() <= pd.Timestamp(AS_OF)).all()
    living = a[a.programme == "生活补助"]
    assert set(living.standard_amount) <= {250.0, 312.5, 500.0, 625.0}
    prov = a[a.programme == "省级资助"]
    assert (prov.standard_amount == 400).all()
    assert st.loc[prov.student_id].poverty_category.isin(["脱贫户", "监测对象"]).all()
    nut = a[a.programme == "营养改善计划"]
    assert (nut.standard_amount % 5 == 0).all() and nut.standard_amount.between(400, 520).all()
    cur = a[(a.school_year == 2026) & (a.term == 1)]
    assert cur[cur.due_date > pd.Timestamp(AS_OF)].paid_date.isna().any()
    dup = a.groupby(["student_id", "programme", "school_year", "term"]).school_code.agg(["size", "nunique"])
    assert (dup["size"] > 1).sum() >= 2 and (dup["nunique"] > 1).sum() >= 1
    prio = (
        st.poverty_category.notna()
        | st.orphan
        | st.unsupported
        | st.disability
        | st.disabled_parent
        | st.martyr_child
    )
    assert (~prio.reindex(living.student_id).to_numpy()).sum() >= 2  # paid but not eligible


def test_aid_defects_concentrated_in_named_townships(t):
    a = t["aid_records"]
    town = a.school_code.map(t["schools"].set_index("code").township_code)
    due = a.due_date <= pd.Timestamp(AS_OF)
    ontime = a.paid_date.notna() & (a.paid_date <= a.due_date) & (a.paid_amount >= a.standard_amount)
    share = ontime[due].groupby(town[due]).mean()
    named = share.reindex(list(demo.AID_DEFECT_TOWNSHIPS))
    others = share.drop(list(demo.AID_DEFECT_TOWNSHIPS))
    assert (named < 0.9).all() and (others > 0.95).all()
    st = t["students"]
    enrolled = st[st.status.isin(schema.ENROLLED_STATUS)]
    prio = enrolled[
        enrolled.poverty_category.notna()
        | enrolled.orphan
        | enrolled.unsupported
        | enrolled.disability
        | enrolled.disabled_parent
        | enrolled.martyr_child
    ]
    paid = a[(a.programme == "生活补助") & (a.school_year == 2026) & (a.term == 1) & (a.paid_amount > 0)]
    covered = prio.student_id.isin(paid.student_id)
    ptown = prio.school_code.map(t["schools"].set_index("code").township_code)
    cov = covered.groupby(ptown).mean()
    assert (
        cov.drop(list(demo.AID_DEFECT_TOWNSHIPS)).min() > cov.reindex(list(demo.AID_DEFECT_TOWNSHIPS)).max()
    )


# ------------------------------------------------------------------ other counties
def test_generator_for_another_county():
    f = demo.county_frames("411523", students=3000)  # 新县, small
    assert set(f) == set(demo.COUNTY_TABLES)
    for name, df in f.items():
        assert set(schema.TABLES[name].names) <= set(df.columns), name
    tw = f["townships"]
    assert 12 <= len(tw) <= 25 and tw.code.str.startswith("411523").all()
    assert tw.name.str.startswith("新县第").all()
    assert set(tw.kind) <= set(schema.TOWNSHIP_KINDS)
    assert shapely.is_valid(shapely.from_wkt(tw.geometry.to_numpy())).all()
    with open(config.CITY_COUNTIES_FILE, encoding="utf-8") as fh:
        feat = next(x for x in json.load(fh)["features"] if x["properties"]["district"] == "新县")
    county = demo._to_metric(shape(feat["geometry"]))
    area = sum(demo._to_metric(p).area for p in shapely.from_wkt(tw.geometry.to_numpy()))
    assert area == pytest.approx(county.area, rel=0.01)
    st = f["students"]
    assert 2500 <= st.status.isin(schema.ENROLLED_STATUS).sum() <= 3500
    assert st.id_number.str[:6].eq("411523").all()
    assert f["schools"].code.str[4:6].eq("23").all()
    assert f["counties"].code.tolist() == ["411523"]


def test_counties_are_generated_independently():
    """A county's tables depend on the seed and its code only (so 平桥区 is the same at
    district and city scale)."""
    a = demo.county_frames("411523", students=1500)
    b = demo.county_frames("411523", students=1500)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    c = demo.county_frames("411523", students=1500, seed=1)
    assert not a["students"].id_number.equals(c["students"].id_number)
