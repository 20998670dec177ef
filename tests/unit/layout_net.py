"""A small hand-built school network whose answers are known by hand (not the demo's county).

Points are laid on an east-west line in UTM 50N (the metric CRS of every distance), so a
distance in km here is the distance the code measures; road = straight x 1.3.  Primary
reach 2.5 km road = 1.92 km straight.  Positions, km east of the origin (y = 0):

    D 小学 (10 beds), V5   -12                      township 甲镇 (x < 1 km):
    V3 (far village)       -4.5                         A, C, D, J; V1, V3, V5
    C 教学点 (grades 1-3)  -1.0                     township 乙乡 (x >= 1 km):
    A 小学, V1              0   (closed in tests)       B; V2, V4, V6
    J 初中                  0.5
    V6                      1.05 (pupils at A, grade 3: 5 -> B, 0.59 km road)
    B 小学                  1.5  (grade 5: 100 pupils in 2 classes)
    V2                      3.0
    V4                     30.0

A's pupils: V1 grade 2: 30 (-> C at 1.3 km road: nearest teaching grade 2), V1 grade 5: 20
(-> B at 1.95: C teaches only 1-3), V3 grade 2: 7 (no school within reach, grades 1-3 never
board: 无法安置), V3 grade 5: 12 (board at D, 9.75 km: 10 beds, 2 无法安置), V4 grade 6: 3
(nothing within the 15 km boarding limit: 无法安置), V6 grade 3: 5 (-> B).
"""

from __future__ import annotations

import pandas as pd
import pyproj

from lib.core import config
from lib.core.scope import Scope
from lib.layout import coverage as layout

X0, Y0 = 300_000.0, 3_540_000.0  # metres in UTM 50N, near 平桥区
TOWN_A, TOWN_B = "411599001", "411599002"  # west of x = 1 km / east of it
BASE = 2026
_TO_WGS = pyproj.Transformer.from_crs(config.METRIC_CRS, config.WGS84, always_xy=True)


def point(km_east: float, km_north: float = 0.0) -> tuple[float, float]:
    """(lon, lat) of a point ``km_east`` km east of the origin."""
    lon, lat = _TO_WGS.transform(X0 + km_east * 1000, Y0 + km_north * 1000)
    return float(lon), float(lat)


def _square(x0: float, x1: float) -> str:
    corners = [point(x0, -5), point(x1, -5), point(x1, 5), point(x0, 5), point(x0, -5)]
    return "POLYGON ((" + ", ".join(f"{lon} {lat}" for lon, lat in corners) + "))"


SCHOOLS = [
    # code, name, level, township, km east, capacity, beds
    ("A", "甲小学", "小学", TOWN_A, 0.0, 300, 0),
    ("B", "乙小学", "小学", TOWN_B, 1.5, 150, 0),
    ("C", "丙教学点", "教学点", TOWN_A, -1.0, 60, 0),
    ("D", "丁小学", "小学", TOWN_A, -12.0, 200, 10),
    ("J", "戊初中", "初中", TOWN_A, 0.5, 400, 0),
]
VILLAGES = [("V1", 0.0), ("V2", 3.0), ("V3", -4.5), ("V4", 30.0), ("V5", -12.0), ("V6", 1.05)]
# school, village, grade, pupils, classes of the school's grade (the school's count), boarders
PUPILS = [
    ("A", "V1", 2, 30),
    ("A", "V1", 5, 20),
    ("A", "V3", 2, 7),
    ("A", "V3", 5, 12),
    ("A", "V4", 6, 3),
    ("A", "V6", 3, 5),
    ("B", "V2", 2, 40),
    ("B", "V2", 5, 100),
    ("C", "V1", 1, 10),
    ("C", "V1", 2, 15),
    ("D", "V5", 3, 50),
    ("J", "V1", 7, 40),
]
CLASSES = {("B", 5): 2}  # every other school and grade with pupils: one class


def _town_of(km: float) -> str:
    return TOWN_A if km < 1.0 else TOWN_B


def build(*, townships: tuple[str, ...] | None = None, v2_births: float = 20.0) -> layout.LayoutData:
    """The network as :class:`lib.layout.coverage.LayoutData` (``townships`` narrows the Scope).

    Population: each village's children of age ``grade + 5`` equal its pupils of that grade
    today; V2 also has ``v2_births`` children of each age 0-5 (so in 2031 its grade-2 and
    grade-5 cohorts are ``v2_births``, and ``v2_births`` arrive in grade 1).
    """
    rows = []
    for code, name, level, town, km, cap, beds in SCHOOLS:
        lon, lat = point(km)
        classes = sum(n for (s, _), n in CLASSES.items() if s == code) or 1
        rows.append((code, name, level, town, lon, lat, cap, classes, beds, 10))
    schools = pd.DataFrame(
        rows,
        columns=[
            "code",
            "name",
            "level",
            "township_code",
            "lon",
            "lat",
            "capacity",
            "classes",
            "boarding_beds",
            "teachers",
        ],
    )
    grades = []
    for s, _v, g, n in PUPILS:
        k = CLASSES.get((s, g), 1)
        for c in range(1, k + 1):
            grades.append((s, g, c, n / k, 0))
    grades = pd.DataFrame(grades, columns=["school_code", "grade", "class_no", "students", "boarders"])
    grades = grades.groupby(["school_code", "grade", "class_no"], as_index=False).sum()
    villages = pd.DataFrame(
        [(v, _town_of(km), f"{v}村", *point(km)) for v, km in VILLAGES],
        columns=["code", "township_code", "name", "lon", "lat"],
    )
    pop = []
    for v, _km in VILLAGES:
        by_age = {age: 0.0 for age in range(16)}
        for _s, vv, g, n in PUPILS:
            if vv == v:
                by_age[g + 5] += n
        if v == "V2":
            for age in range(6):
                by_age[age] = v2_births
        pop += [(v, BASE, age, n) for age, n in by_age.items()]
    population = pd.DataFrame(pop, columns=["village_code", "year", "age", "persons"])
    origins = pd.DataFrame(
        [(s, v, g, n, 0) for s, v, g, n in PUPILS],
        columns=["school_code", "village_code", "grade", "students", "boarders"],
    )
    towns = pd.DataFrame(
        [(TOWN_A, "甲镇", "镇", _square(-40, 1)), (TOWN_B, "乙乡", "乡", _square(1, 40))],
        columns=["code", "name", "kind", "geometry"],
    )
    scope = Scope(user="t", role="county", county="411599", townships=townships)
    mine = towns if townships is None else towns[towns["code"].isin(townships)]
    in_villages = villages[villages["township_code"].isin(set(mine["code"]))]
    in_scope = schools if townships is None else schools[schools["township_code"].isin(townships)]
    return layout.LayoutData(
        scope=scope,
        townships=mine.reset_index(drop=True),
        county_wkt=None,
        villages=in_villages.reset_index(drop=True),
        population=population[population["village_code"].isin(set(in_villages["code"]))].reset_index(
            drop=True
        ),
        schools=layout.school_stats(schools, grades),
        grades=grades,
        history=pd.DataFrame(columns=["school_code", "school_year", "students"]),
        in_scope=frozenset(in_scope["code"]),
        origins=origins,
        county_villages=villages,
        county_population=population,
    )


def line_data(
    villages: list[tuple[float, float]], schools: list[tuple[float, float]], *, level: str = "小学"
) -> layout.LayoutData:
    """A line of villages ``(km east, children aged 8)`` and today's schools ``(km east, seats)``
    (codes S0, S1 ...; villages W0, W1 ...), one township: for the optimisation models."""
    s = pd.DataFrame(
        [
            (f"S{i}", f"学校{i}", level, TOWN_A, *point(km), seats, 1, 0, 10)
            for i, (km, seats) in enumerate(schools)
        ],
        columns=[
            "code",
            "name",
            "level",
            "township_code",
            "lon",
            "lat",
            "capacity",
            "classes",
            "boarding_beds",
            "teachers",
        ],
    )
    v = pd.DataFrame(
        [(f"W{i}", TOWN_A, f"村{i}", *point(km)) for i, (km, _) in enumerate(villages)],
        columns=["code", "township_code", "name", "lon", "lat"],
    )
    pop = pd.DataFrame(
        [(f"W{i}", BASE, 8, n) for i, (_, n) in enumerate(villages)],
        columns=["village_code", "year", "age", "persons"],
    )
    grades = pd.DataFrame(columns=["school_code", "grade", "class_no", "students", "boarders"])
    towns = pd.DataFrame(
        [(TOWN_A, "甲镇", "镇", _square(-60, 60))], columns=["code", "name", "kind", "geometry"]
    )
    return layout.LayoutData(
        scope=Scope(user="t", role="county", county="411599"),
        townships=towns,
        county_wkt=None,
        villages=v,
        population=pop,
        schools=layout.school_stats(
            s, grades.astype({"grade": int, "class_no": int, "students": int, "boarders": int})
        ),
        grades=grades,
        history=pd.DataFrame(columns=["school_code", "school_year", "students"]),
        in_scope=frozenset(s["code"]),
        origins=pd.DataFrame(columns=["school_code", "village_code", "grade", "students", "boarders"]),
        county_villages=v,
        county_population=pop,
    )
