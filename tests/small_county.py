"""A small county made by hand (not by lib.demo): 商城县's code, two townships, five schools,
57 pupils, counts and population chosen so that every figure can be worked out on paper.

Townships: 城关镇 411524100 (schools A 小学, C 初中) and 长竹园乡 411524200 (B 教学点, D 小学,
E 初中).  Pupils: A grades 1-6 three each, B grades 1-3 two each, C grades 7-9 four each,
D grades 1-6 two each, E grades 7-9 three each; one C 八年级 pupil has dropped out (辍学, a
verified case), one D 三年级 pupil is suspended (休学); every fourth pupil is 低保.

Hand figures (school year 2026, as of :data:`AS_OF`):

* 巩固率 2026 = grade 9 in 2026 / grade 1 in 2018: 城关镇 95/100, 长竹园乡 80/(70+20), county
  175/190;
* after the rollover to 2027 the counts are derived from the roll: grade 9 of 2027 = the
  enrolled grade-8 pupils, C 3 (one dropped out) and E 3, over grade 1 of 2019 (A 4; D 4 + B 2):
  城关镇 3/4, 长竹园乡 3/6, county 6/10.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from lib.core import calendar, history, ids, store
from lib.core.scope import Scope

COUNTY = "411524"
T1, T2 = "411524100", "411524200"
V1A, V1B, V2A, V2B = "411524100201", "411524100202", "411524200201", "411524200202"
A, B, C, D, E = "2141152401", "2141152402", "3141152403", "2141152404", "3141152405"
#: The day the county went live (its first import) and the data date of the figures.
LIVE_ON = date(2026, 9, 15)
AS_OF = date(2026, 11, 16)
YEAR = 2026


def _square(x: float, y: float, size: float = 0.1) -> str:
    return f"POLYGON(({x} {y}, {x + size} {y}, {x + size} {y + size}, {x} {y + size}, {x} {y}))"


SCHOOLS = pd.DataFrame(
    [
        (A, "城关第一小学", "小学", T1, V1A, 115.33, 31.73, 300),
        (B, "长竹园教学点", "教学点", T2, V2B, 115.47, 31.77, 60),
        (C, "城关初级中学", "初中", T1, V1B, 115.36, 31.75, 400),
        (D, "长竹园小学", "小学", T2, V2A, 115.43, 31.73, 200),
        (E, "长竹园初级中学", "初中", T2, V2A, 115.45, 31.75, 300),
    ],
    columns=["code", "name", "level", "township_code", "village_code", "lon", "lat", "capacity"],
).assign(classes=6, boarding_beds=0, teachers=20)

#: (school, grades, pupils per grade, home villages in turn)
_CLASSES = (
    (A, range(1, 7), 3, (V1A, V1B)),
    (B, range(1, 4), 2, (V2B,)),
    (C, range(7, 10), 4, (V1A, V1B)),
    (D, range(1, 7), 2, (V2A, V2B)),
    (E, range(7, 10), 3, (V2A, V2B)),
)


def make_id(birth: date, serial: int, male: bool) -> str:
    """A valid ID number of the county (GB 11643-1999 checksum)."""
    seq = f"{serial % 1000:03d}"
    seq = seq[:2] + str((int(seq[2]) // 2) * 2 + (1 if male else 0))
    body = f"{COUNTY}{birth:%Y%m%d}{seq}"
    return body + ids.check_char(body)


#: A county user's Scope over the whole county on :data:`AS_OF` (names masked).
SCOPE = Scope(county=COUNTY, as_of=AS_OF, user="测试员", role="county", mask=True)


def student_id(n: int) -> str:
    """The ``student_id`` of the n-th pupil of :func:`pupils` (from 1: A's first grade 1 pupil)."""
    return f"SC{n:04d}"


def school_days(con: Any, *, since: date | None = None, until: date = AS_OF) -> list[date]:
    """The calendar's school days in the store, from ``since`` (default: all) up to ``until``."""
    rows = con.execute(
        "SELECT day FROM school_calendar WHERE is_school_day AND day BETWEEN ? AND ? ORDER BY day",
        [since or date(1900, 1, 1), until],
    ).fetchall()
    return [r[0] for r in rows]


def pupils(year: int = YEAR) -> pd.DataFrame:
    """The 57 pupils in school year ``year`` (grades as of 1 September of that year)."""
    rows = []
    n = 0
    for school, grades, per, villages in _CLASSES:
        for g in grades:
            for k in range(per):
                n += 1
                birth = date(year - g - 6, 3 + k, 10)
                male = n % 2 == 0
                rows.append(
                    {
                        "student_id": student_id(n),
                        "id_number": make_id(birth, n, male),
                        "xueji_number": "G" + make_id(birth, n, male),
                        "name": f"学生{n:02d}",
                        "sex": "男" if male else "女",
                        "birth_date": birth,
                        "grade": g,
                        "class_no": 1,
                        "school_code": school,
                        "village_code": villages[n % len(villages)],
                        "boarding": False,
                        "placement": "普通班",
                        "status": "在校",
                        "status_date": date(year - (g - (7 if g >= 7 else 1)), 9, 1),
                        "enrolled_on": date(year - (g - (7 if g >= 7 else 1)), 9, 1),
                        "poverty_category": "低保" if n % 4 == 0 else None,
                        "learning_difficulty": False,
                        "disability": False,
                        "left_behind": n % 5 == 0,
                        "orphan": False,
                        "unsupported": False,
                        "martyr_child": False,
                        "prisoner_child": False,
                        "disabled_parent": False,
                        "guardian_name": f"家长{n:02d}",
                        "guardian_phone": f"1390000{n:04d}",
                    }
                )
    out = pd.DataFrame(rows)
    dropout = out.index[(out.school_code == C) & (out.grade == 8)][0]
    out.loc[dropout, ["status", "status_date"]] = ["辍学", date(year, 10, 12)]
    suspended = out.index[(out.school_code == D) & (out.grade == 3)][0]
    out.loc[suspended, ["status", "status_date"]] = ["休学", date(year, 10, 8)]
    return out


def counts() -> pd.DataFrame:
    """教育事业统计 counts: the ones the hand figures use, plus filler for the other cells."""
    rows = []
    for y in range(YEAR - 9, YEAR + 1):
        for school, grades, per, _ in _CLASSES:
            for g in grades:
                rows.append((y, school, g, 10 + per))
    frame = pd.DataFrame(rows, columns=["school_year", "school_code", "grade", "students"])
    exact = {
        (YEAR, C, 9): 95,
        (YEAR - 8, A, 1): 100,
        (YEAR, E, 9): 80,
        (YEAR - 8, D, 1): 70,
        (YEAR - 8, B, 1): 20,
        (YEAR - 7, A, 1): 4,
        (YEAR - 7, D, 1): 4,
        (YEAR - 7, B, 1): 2,
    }
    for (y, s, g), n in exact.items():
        frame.loc[(frame.school_year == y) & (frame.school_code == s) & (frame.grade == g), "students"] = n
    return frame


def population() -> pd.DataFrame:
    """Ten children of each age 0-15 in each village, in 2025 and 2026 (90 aged 6-14 per village)."""
    return pd.DataFrame(
        [(v, y, a, 10) for v in (V1A, V1B, V2A, V2B) for y in (YEAR - 1, YEAR) for a in range(16)],
        columns=["village_code", "year", "age", "persons"],
    )


def aid(students: pd.DataFrame) -> pd.DataFrame:
    """This term's living subsidy for the 低保 pupils at school: paid on 20 October, except the first
    one (not paid) and the second (paid late, 5 November)."""
    poor = students[students.poverty_category.notna() & (students.status == "在校")].reset_index(drop=True)
    paid = [date(YEAR, 10, 20)] * len(poor)
    paid[0], paid[1] = None, date(YEAR, 11, 5)
    return pd.DataFrame(
        {
            "record_id": [f"AR{i:03d}" for i in range(len(poor))],
            "student_id": poor.student_id,
            "school_code": poor.school_code,
            "programme": "生活补助",
            "school_year": YEAR,
            "term": 1,
            "standard_amount": 250.0,
            "paid_amount": [0.0 if p is None else 250.0 for p in paid],
            "due_date": date(YEAR, 10, 31),
            "paid_date": paid,
            "funding_source": "中央",
        }
    )


def build(path: Path) -> Path:
    """Write the county into a new store at ``path`` and record it as of :data:`LIVE_ON`
    (the way its first imports would); returns ``path``."""
    students = pupils()
    dropout = students[students.status == "辍学"].iloc[0]
    with store.transaction(path) as con:
        tables = {
            "counties": pd.DataFrame(
                [{"code": COUNTY, "name": "商城县", "geometry": _square(115.3, 31.7, 0.2)}]
            ),
            "townships": pd.DataFrame(
                [
                    {
                        "code": T1,
                        "county_code": COUNTY,
                        "name": "城关镇",
                        "kind": "镇",
                        "seat_lon": 115.35,
                        "seat_lat": 31.75,
                        "geometry": _square(115.3, 31.7),
                    },
                    {
                        "code": T2,
                        "county_code": COUNTY,
                        "name": "长竹园乡",
                        "kind": "乡",
                        "seat_lon": 115.45,
                        "seat_lat": 31.75,
                        "geometry": _square(115.4, 31.7),
                    },
                ]
            ),
            "villages": pd.DataFrame(
                [
                    (V1A, T1, "东关村", "村", 115.32, 31.72),
                    (V1B, T1, "西关村", "村", 115.38, 31.78),
                    (V2A, T2, "南湾村", "村", 115.42, 31.72),
                    (V2B, T2, "北岗村", "村", 115.48, 31.78),
                ],
                columns=["code", "township_code", "name", "kind", "lon", "lat"],
            ),
            "village_population": population(),
            "schools": SCHOOLS,
            "students": students,
            "enrolment_counts": counts(),
            "enrolments": students[["student_id", "school_code", "grade", "status"]].assign(
                school_year=YEAR, term=1
            ),
            "school_calendar": calendar.year_calendar(YEAR),
            "aid_records": aid(students),
            "dropout_cases": pd.DataFrame(
                [
                    {
                        "case_id": "DC0001",
                        "student_id": dropout.student_id,
                        "id_number": dropout.id_number,
                        "name": dropout["name"],
                        "village_code": dropout.village_code,
                        "school_code": dropout.school_code,
                        "grade": 8,
                        "status": "劝返中",
                        "reason": "学习困难/厌学",
                        "source": "学校上报",
                        "reported_on": date(YEAR, 9, 28),
                        "verified_on": date(YEAR, 10, 12),
                        "version": 1,
                    }
                ]
            ),
        }
        for name, frame in tables.items():
            store.write_table(con, name, frame)
        store.set_meta(con, "school_year", str(YEAR))
        store.set_meta(con, "county_code", COUNTY)
        store.set_meta(con, "as_of", AS_OF.isoformat())
        store.set_meta(con, "demo", "false")
        history.record(con, LIVE_ON)
    return path
