"""The synthetic demo county (演示数据，非真实统计).

:func:`build_demo` fills the store with a realistic, deterministic county (平桥区
at district scale; the ten counties of 信阳市 at city scale): synthetic township
polygons inside the real boundary, villages, school-age population by single
year of age, schools, about 90,000 students with their flags, history, a school
calendar, absences, dropout cases with the 六长 and persuasion records, contacts
and aid records with defects concentrated in a few named townships.

Everything follows from ``seed`` (``numpy.random.default_rng``; never the clock,
never ``hash()``) and is anchored to ``as_of``.  Each county is generated from
its own random streams (``[seed, county code, stage]``), so 平桥区 is identical
at district and city scale, and a city build generates and writes one county at
a time.  How each thing is generated, and why each rate is plausible:
``docs/demo.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import shape
from shapely.ops import nearest_points

from lib.aid import summary as aid_summary
from lib.core import calendar, config, derived, schema, store
from lib.core.scope import school_year_of
from lib.demo import history as demo_history

# ------------------------------------------------------------------ constants
#: National births (millions) by calendar year, from the NBS statistical
#: bulletins (国民经济和社会发展统计公报); 2025-2026 are rounded projections.
NATIONAL_BIRTHS: dict[int, float] = {
    2002: 16.47,
    2003: 15.99,
    2004: 15.93,
    2005: 16.17,
    2006: 15.84,
    2007: 15.94,
    2008: 16.08,
    2009: 15.91,
    2010: 15.92,
    2011: 16.04,
    2012: 16.35,
    2013: 16.40,
    2014: 16.90,
    2015: 16.55,
    2016: 17.86,
    2017: 17.23,
    2018: 15.23,
    2019: 14.65,
    2020: 12.02,
    2021: 10.62,
    2022: 9.56,
    2023: 9.02,
    2024: 9.54,
    2025: 8.70,
    2026: 8.50,
}


@dataclass(frozen=True)
class CountySpec:
    """One county of 信阳市 as the demo builds it."""

    code: str
    name: str
    seat: tuple[float, float]  # approximate urban core (lon, lat), WGS-84
    students: int  # target enrolled compulsory-education students in the current year
    townships: int  # township-level units (synthetic counties only)
    streets: int  # of which 街道 at the urban core (synthetic counties only)


#: The ten county-level units of 信阳市 (seat positions approximate; student
#: targets are round synthetic figures adding up to about one million).
COUNTIES: tuple[CountySpec, ...] = (
    CountySpec("411502", "浉河区", (114.06, 32.13), 105_000, 20, 8),
    CountySpec("411503", "平桥区", (114.12, 32.16), 82_000, 30, 11),
    CountySpec("411521", "罗山县", (114.53, 32.20), 70_000, 18, 3),
    CountySpec("411522", "光山县", (114.91, 32.01), 95_000, 19, 3),
    CountySpec("411523", "新县", (114.88, 31.64), 38_000, 17, 2),
    CountySpec("411524", "商城县", (115.41, 31.80), 90_000, 21, 3),
    CountySpec("411525", "固始县", (115.68, 32.17), 190_000, 25, 4),
    CountySpec("411526", "潢川县", (115.05, 32.13), 100_000, 21, 4),
    CountySpec("411527", "淮滨县", (115.42, 32.45), 88_000, 19, 3),
    CountySpec("411528", "息县", (114.74, 32.34), 125_000, 21, 3),
)
COUNTY_BY_CODE = {c.code: c for c in COUNTIES}

#: Tables :func:`county_frames` generates for each county; the demo also writes
#: ``school_calendar`` once.  Other data tables are emptied by :func:`build_demo`.
COUNTY_TABLES: tuple[str, ...] = (
    "counties",
    "townships",
    "villages",
    "village_population",
    "schools",
    "students",
    "enrolments",
    "enrolment_counts",
    "absences",
    "contacts",
    "dropout_cases",
    "case_responsibles",
    "case_actions",
    "aid_records",
    # the record of the past (lib/core/history.py), from two school years back; the students'
    # log is replayed after all counties are written (lib.demo.history)
    "enrolment_counts_history",
    "village_population_history",
    "school_history",
)

#: 平桥区 townships where the demo concentrates aid defects (unpaid, late and
#: short payments).  An arbitrary choice for the demo: it says nothing about the
#: real townships.  Other counties get one or two chosen from the seed.
AID_DEFECT_TOWNSHIPS: tuple[str, ...] = ("411503103", "411503203", "411503211")  # 邢集镇 胡店乡 查山乡
#: 平桥区 townships with a lower synthetic consolidation rate (more children lost
#: between grade 1 and grade 9); equally arbitrary.
WEAK_RETENTION_TOWNSHIPS: tuple[str, ...] = ("411503205", "411503209")  # 彭家湾乡 王岗乡

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹易常武乔贺龚文"
)
_SURNAME_WEIGHTS = np.array(
    [
        7.1,
        7.0,
        6.7,
        5.4,
        4.5,
        3.1,
        2.3,
        2.2,
        2.1,
        2.0,
        1.7,
        1.5,
        1.3,
        1.3,
        1.2,
        1.2,
        1.2,
        1.1,
        1.1,
        0.9,
        0.9,
        0.8,
        0.8,
        0.7,
        0.7,
        0.7,
        0.7,
        0.6,
        0.6,
        0.6,
        0.6,
        0.6,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
    ]
    + [0.3] * (len(_SURNAMES) - 40)
)
_CHILD_GIVEN = {
    "男": "子浩宇轩博文俊杰涛明鑫磊豪晨阳睿泽航宸铭凯辰然锦嘉思翔诚逸一皓瑞煜昊天奕林宏昕恒毅烨晟峻卓梓彬鹏",
    "女": "欣怡梓涵雨萱佳琪诗雅梦婷悦可心语彤馨妍若晴思一嘉紫玉静芳颖璐瑶萌楠菲雪月茜蕊婉冰洁琳露艺莹",
}
_ADULT_GIVEN = {
    "男": "建国军伟强华平勇刚明辉磊超涛斌鹏波海峰亮杰林东兵龙飞成永新俊",
    "女": "丽红霞芳敏燕娟梅静玲艳萍英琴华慧莉秀兰凤云丹颖洁",
}
_VILLAGE_PREFIX = tuple(
    dict.fromkeys(
        "王李张刘陈杨赵黄周吴徐孙胡朱高何郭马罗梁宋郑谢韩唐冯董程曹袁邓许彭吕苏卢蒋蔡贾丁魏叶余潘杜"
        "夏钟汪田任姜范方石姚谭廖熊金陆郝孔白崔毛邱秦江史顾侯邵孟龙万段雷钱汤易常武乔贺龚文"
        "东西南北前后大小新老双三五桃柳枣竹松凤青红"
    )
)
_VILLAGE_SUFFIX = tuple("岗湾店庄楼营寨洼冲畈桥河集铺堰塘园岭坡台圩埠庙井港林")
_COMMUNITY_NAMES = (
    "新华",
    "民主",
    "建设",
    "和平",
    "光明",
    "胜利",
    "幸福",
    "振兴",
    "文化",
    "工农",
    "团结",
    "友谊",
    "向阳",
    "红星",
    "长安",
    "滨河",
    "兴华",
    "朝阳",
    "东方",
    "平安",
    "锦绣",
    "明珠",
    "龙江",
    "湖滨",
    "书香",
    "育才",
    "金桂",
    "银杏",
    "春晖",
    "阳光",
    "和谐",
    "康宁",
    "富民",
    "永安",
    "欣荣",
    "瑞祥",
    "翠园",
    "泰和",
    "安居",
    "中山",
    "解放",
    "人民",
    "花园",
    "丽景",
    "华庭",
    "南湖",
    "东湖",
    "西湖",
    "百花",
    "桂花",
    "梅园",
    "荷塘",
    "清风",
    "秀水",
    "金山",
    "银河",
    "星光",
    "晨曦",
    "紫荆",
    "凤凰",
    "鸿运",
    "嘉禾",
    "新城",
    "文昌",
    "兴业",
    "民安",
    "福星",
    "长青",
    "天润",
    "乐居",
)
_CN_DIGITS = "零一二三四五六七八九"

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))
_HEX = np.array(list("0123456789ABCDEF"))
_DIGITS = np.array(list("0123456789"))

_PRIORITY_POVERTY = ("脱贫户", "监测对象", "低保", "特困")
_PROVINCIAL_CATEGORIES = ("脱贫户", "监测对象")
_REASON_CODES = tuple(schema.REASONS)
_DISMISS_REASONS = (
    "核实为病假，家长未及时请假，已补办手续",
    "已随父母在外地就读，学籍转接延迟",
    "考勤录入错误，学生实际在校",
    "事假已获班主任口头批准，补录请假",
    "转入县内其他学校，系统未及时更新",
)


# ------------------------------------------------------------------ small helpers
def _births(cohort: int) -> float:
    years = sorted(NATIONAL_BIRTHS)
    return NATIONAL_BIRTHS[min(max(cohort, years[0]), years[-1])]


def _day(d: date) -> int:
    """Days since 1970-01-01."""
    return (d - date(1970, 1, 1)).days


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (negative = NULL) to datetime64[D] (NaT for NULL)."""
    days = np.asarray(days, dtype="int64")
    out = days.astype("datetime64[D]")
    out[days < 0] = np.datetime64("NaT")
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _intercept(score: np.ndarray, target: float) -> float:
    """Intercept b with mean(sigmoid(b + score)) == target (bisection; deterministic)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(mid + score).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _draw(rng: np.random.Generator, score: np.ndarray, target: float) -> np.ndarray:
    """Bernoulli draws with logit ``score`` + intercept calibrated to mean ``target``."""
    if len(score) == 0:
        return np.zeros(0, dtype=bool)
    return rng.random(len(score)) < _sigmoid(_intercept(score, target) + score)


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` items drawn without replacement with probability ∝ weights."""
    ok = np.flatnonzero(weights > 0)
    k = min(k, len(ok))
    if k <= 0:
        return np.zeros(0, dtype=int)
    keys = np.log(rng.random(len(ok))) / weights[ok]  # Efraimidis-Spirakis
    return ok[np.argsort(-keys, kind="stable")[:k]]


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row of a (n, k) matrix of non-negative weights."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1).clip(0, probs.shape[1] - 1)


def _chars(matrix: np.ndarray) -> np.ndarray:
    """(n, k) array of single characters -> (n,) array of k-character strings."""
    m = np.ascontiguousarray(matrix.astype("<U1"))
    return m.view(f"<U{m.shape[1]}").reshape(len(m)) if len(m) else np.zeros(0, dtype=f"<U{m.shape[1]}")


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n,) non-negative ints -> (n, width) matrix of their decimal digits."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype="int64")
    return (np.asarray(values, dtype="int64")[:, None] // powers[None, :]) % 10


def _cn_number(n: int) -> str:
    """Chinese numeral for 1..99 (第一, 第十二 ...)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance, the same formula as ``lib.overview.risk_inputs_mod.risk_inputs``."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype="float64")) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def _opaque_hex(values: np.ndarray, seed: int, *, rounds: int = 4) -> np.ndarray:
    """Keyed 40-bit Feistel permutation of ``values`` (< 2**40) as 10 hex characters.

    A bijection, so distinct inputs give distinct outputs; the output reveals
    neither the county nor the order of generation.
    """
    mask = np.uint64((1 << 20) - 1)
    keys = np.random.SeedSequence([seed, 40]).generate_state(rounds, dtype=np.uint64)
    x = np.asarray(values, dtype=np.uint64)
    left, right = x >> np.uint64(20), x & mask
    for k in keys:
        f = (right * np.uint64(0x9E3779B97F4A7C15) + k) & np.uint64(0xFFFFFFFFFFFF)
        f = (f ^ (f >> np.uint64(17))) * np.uint64(0xBF58476D1CE4E5B9)
        f = (f >> np.uint64(23)) & mask
        left, right = right, left ^ f
    y = (left << np.uint64(20)) | right
    shifts = np.arange(36, -1, -4, dtype=np.uint64)
    return _chars(_HEX[((y[:, None] >> shifts[None, :]) & np.uint64(15)).astype(int)])


def _phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mobile numbers 13x/15x/18x + 8 digits."""
    second = np.array(["3", "5", "8"])[rng.integers(0, 3, n)]
    rest = _DIGITS[rng.integers(0, 10, (n, 9))]
    return _chars(np.column_stack([np.full(n, "1"), second, rest]))


def _person_names(
    rng: np.random.Generator, sex: np.ndarray, *, adult: bool = False, surnames: np.ndarray | None = None
) -> np.ndarray:
    """Synthetic Chinese names: a common surname and one or two given characters."""
    n = len(sex)
    if surnames is None:
        p = _SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum()
        surnames = np.array(list(_SURNAMES))[rng.choice(len(_SURNAMES), n, p=p)]
    pools = _ADULT_GIVEN if adult else _CHILD_GIVEN
    male = np.asarray(sex) == "男"
    mp, fp = np.array(list(pools["男"])), np.array(list(pools["女"]))
    g1 = np.where(male, mp[rng.integers(0, len(mp), n)], fp[rng.integers(0, len(fp), n)])
    g2 = np.where(male, mp[rng.integers(0, len(mp), n)], fp[rng.integers(0, len(fp), n)])
    two = rng.random(n) < (0.45 if adult else 0.72)
    names = np.char.add(surnames.astype("<U2"), g1)
    return np.where(two, np.char.add(names, g2), names)


# ------------------------------------------------------------------ calendar
def year_calendar(school_year: int) -> pd.DataFrame:
    """One whole school year by the national rules (:func:`lib.core.calendar.year_calendar`)."""
    return calendar.year_calendar(school_year)


def build_calendar(as_of: date = config.DEMO_AS_OF) -> pd.DataFrame:
    """School calendar from 1 September two school years back (four whole terms before the
    current one: the at-risk back-test's folds) to the end of the term that contains
    ``as_of``: day, school_year, term, is_school_day, by the national rules of
    :mod:`lib.core.calendar`."""
    y0 = school_year_of(as_of)
    t1_last = calendar.terms_of_year(y0)[0][1]
    end = t1_last if as_of <= t1_last else date(y0 + 1, 8, 31)
    return calendar.calendar_between(date(y0 - 2, 9, 1), end)


# ------------------------------------------------------------------ geometry
@cache
def _transformers() -> tuple[pyproj.Transformer, pyproj.Transformer]:
    return (
        pyproj.Transformer.from_crs(config.WGS84, config.METRIC_CRS, always_xy=True),
        pyproj.Transformer.from_crs(config.METRIC_CRS, config.WGS84, always_xy=True),
    )


def _to_metric(geom):
    tr = _transformers()[0]
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _to_wgs(geom):
    tr = _transformers()[1]
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


def _xy_to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _transformers()[1].transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.round(np.asarray(lon), 5), np.round(np.asarray(lat), 5)


def _lonlat_to_xy(lon: float, lat: float) -> tuple[float, float]:
    x, y = _transformers()[0].transform(lon, lat)
    return float(x), float(y)


def _polygonal(geom):
    """The polygonal part of a geometry (intersections may add points or lines)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _wkt(geom_m) -> str:
    """A metric geometry as WGS-84 WKT with 5 decimals, valid after rounding."""
    g = shapely.set_precision(_to_wgs(geom_m), 1e-5)
    if not g.is_valid:
        g = _polygonal(shapely.make_valid(g))
    return shapely.to_wkt(g, rounding_precision=5, trim=True)


def _sample_in(geom_m, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points uniformly inside a metric polygon (rejection sampling)."""
    shapely.prepare(geom_m)
    minx, miny, maxx, maxy = geom_m.bounds
    ratio = (maxx - minx) * (maxy - miny) / max(geom_m.area, 1.0)
    out: list[np.ndarray] = []
    got = 0
    while got < n:
        m = int((n - got) * ratio * 1.3) + 16
        x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(geom_m, x, y)
        pts = np.column_stack([x[ok], y[ok]])[: n - got]
        out.append(pts)
        got += len(pts)
    return np.concatenate(out)


def _kmeans(
    points: np.ndarray, k: int, rng: np.random.Generator, *, fixed: np.ndarray | None = None, iters: int = 25
) -> np.ndarray:
    """``k`` well-spread sites: Lloyd iterations on sample points, each centre then
    snapped to its nearest own member (so it lies inside the sampled area).
    ``fixed`` (optional) is kept as site 0."""
    centres = points[rng.choice(len(points), k, replace=False)].astype(float)
    if fixed is not None:
        centres[0] = fixed
    for _ in range(iters):
        lab = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1)
        sums = np.zeros_like(centres)
        np.add.at(sums, lab, points)
        cnt = np.bincount(lab, minlength=k)
        centres = np.where(cnt[:, None] > 0, sums / np.maximum(cnt, 1)[:, None], centres)
        if fixed is not None:
            centres[0] = fixed
    d = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    lab = d.argmin(1)
    out = centres.copy()
    for j in range(k):
        if fixed is not None and j == 0:
            continue
        members = np.flatnonzero(lab == j)
        if len(members):
            out[j] = points[members[d[members, j].argmin()]]
    return out


def _load_boundary(code: str):
    """The county's WGS-84 boundary: the detailed file for 平桥区, else the city file."""
    if code == config.COUNTY_CODE:
        path = config.BOUNDARY_FILE
        name = None
    else:
        path = config.CITY_COUNTIES_FILE
        name = COUNTY_BY_CODE[code].name
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    for f in features:
        if name is None or f["properties"].get("district") == name:
            return shapely.make_valid(shape(f["geometry"]))
    raise ValueError(f"{path} 中没有 {name} 的边界")


# ------------------------------------------------------------------ one county
class _County:
    """Generates every data table (except the calendar) for one county.

    The steps run in order (:meth:`frames`); each draws from its own random
    stream so that a change in one step does not shift the others.
    """

    def __init__(
        self,
        spec: CountySpec,
        *,
        seed: int,
        as_of: date,
        students: int | None = None,
        calendar: pd.DataFrame | None = None,
    ) -> None:
        self.spec = spec
        self.code = spec.code
        self.seed = int(seed)
        self.as_of = as_of
        self.y0 = school_year_of(as_of)
        self.target = int(students or spec.students)
        self.is_pingqiao = spec.code == config.COUNTY_CODE
        self.prefix = spec.name  # school names start with the county's name
        self._calendar(calendar if calendar is not None else build_calendar(as_of))

    def rng(self, stage: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, int(self.code), stage])

    # -------------------------------------------------------------- calendar
    def _calendar(self, cal: pd.DataFrame) -> None:
        school = cal[cal.is_school_day]
        days = school["day"].to_numpy().astype("datetime64[D]").astype("int64")
        self.sd = days  # school days (day numbers), ascending
        self.asof_day = _day(self.as_of)
        self.i_asof = int(np.searchsorted(days, self.asof_day, side="right") - 1)
        terms = []
        for (y, t), g in school.groupby(["school_year", "term"], sort=True):
            idx = np.searchsorted(days, g["day"].to_numpy().astype("datetime64[D]").astype("int64"))
            first, last = int(idx.min()), int(idx.max())
            if first > self.i_asof:
                continue
            terms.append(
                {
                    "year": int(y),
                    "term": int(t),
                    "first": first,
                    "last": last,
                    "end": min(last, self.i_asof),
                    "days": int(min(last, self.i_asof) - first + 1),
                    "all_days": int(last - first + 1),
                }
            )
        self.terms = terms
        self.year_first = {
            y: min(t["first"] for t in terms if t["year"] == y) for y in {t["year"] for t in terms}
        }
        self.year_last = {
            y: max(t["last"] for t in terms if t["year"] == y) for y in {t["year"] for t in terms}
        }

    # -------------------------------------------------------------- geography
    def _township_list(self, rng: np.random.Generator) -> pd.DataFrame:
        if self.is_pingqiao:
            towns = pd.read_csv(config.TOWNSHIPS_FILE, dtype=str)
        else:
            n, n_u = self.spec.townships, self.spec.streets
            n_town = round(0.55 * (n - n_u))
            rows = [(f"{self.code}{i:03d}", f"{self.spec.name}第{i}街道", "街道") for i in range(1, n_u + 1)]
            rows += [
                (f"{self.code}{100 + i:03d}", f"{self.spec.name}第{i}镇", "镇") for i in range(1, n_town + 1)
            ]
            rows += [
                (f"{self.code}{200 + i:03d}", f"{self.spec.name}第{i}乡", "乡")
                for i in range(1, n - n_u - n_town + 1)
            ]
            towns = pd.DataFrame(rows, columns=["code", "name", "kind"])
        towns["urban"] = (towns.kind == "街道") | (
            (towns.kind == "类似乡级单位") & towns.name.str.endswith("街道")
        )
        return towns.reset_index(drop=True)

    def _seats(self, towns: pd.DataFrame, bnd, core: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        urban = towns.urban.to_numpy()
        n_u, n_r = int(urban.sum()), int((~urban).sum())
        r_max = 800 + 280 * n_u
        seats = np.zeros((len(towns), 2))
        shapely.prepare(bnd)
        ring = [core]
        for k in range(1, n_u):
            theta = 2 * np.pi * k / max(n_u - 1, 1) + rng.uniform(-0.3, 0.3)
            r = r_max * rng.uniform(0.45, 1.0)
            while True:
                p = core + r * np.array([np.cos(theta), np.sin(theta)])
                if shapely.contains_xy(bnd, p[0], p[1]) and bnd.boundary.distance(shapely.Point(p)) > 300:
                    break
                r *= 0.75
            ring.append(p)
        seats[urban] = np.array(ring)[:n_u]
        rural_area = bnd.difference(shapely.Point(core).buffer(r_max + 3500))
        if rural_area.is_empty or rural_area.area < 0.2 * bnd.area:
            rural_area = bnd.difference(shapely.Point(core).buffer(r_max + 800))
        candidates = _sample_in(rural_area, max(3000, 150 * n_r), rng)
        rural_seats = _kmeans(candidates, n_r, rng)
        # rural townships take the k-means sites in a random order
        seats[~urban] = rural_seats[rng.permutation(n_r)]
        return seats

    def _geography(self) -> None:
        rng = self.rng(1)
        boundary = _load_boundary(self.code)
        bnd = _polygonal(_to_metric(boundary).simplify(50, preserve_topology=True))
        if not bnd.is_valid:
            bnd = _polygonal(shapely.make_valid(bnd))
        core = np.array(_lonlat_to_xy(*self.spec.seat))
        inner = bnd.buffer(-2500)
        if inner.is_empty:
            inner = bnd
        if not shapely.contains_xy(inner, core[0], core[1]):
            near = nearest_points(inner, shapely.Point(core))[0]
            core = np.array([near.x, near.y])
        self.core = core
        towns = self._township_list(rng)
        seats = self._seats(towns, bnd, core, rng)
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seats), extend_to=bnd))
        polys = []
        for x, y in seats:
            j = int(np.flatnonzero(shapely.contains_xy(cells, x, y))[0])
            polys.append(_polygonal(shapely.intersection(cells[j], bnd)))
        self.town_polys = polys
        lon, lat = _xy_to_lonlat(seats[:, 0], seats[:, 1])
        towns["seat_lon"], towns["seat_lat"] = lon, lat
        towns["x"], towns["y"] = seats[:, 0], seats[:, 1]
        towns["area_km2"] = [p.area / 1e6 for p in polys]
        towns["county_code"] = self.code
        towns["geometry"] = [_wkt(p) for p in polys]
        towns["poverty_factor"] = rng.lognormal(0.0, 0.3, len(towns))
        rural_codes = towns.code[~towns.urban].to_numpy()
        if self.is_pingqiao:
            defect, weak = AID_DEFECT_TOWNSHIPS, WEAK_RETENTION_TOWNSHIPS
        else:
            picks = rng.permutation(rural_codes)
            n_def = 1 + int(rng.random() < 0.5)
            defect, weak = tuple(picks[:n_def]), tuple(picks[n_def : n_def + 2])
        towns["aid_defect"] = towns.code.isin(defect)
        towns["weak"] = towns.code.isin(weak)
        self.towns = towns
        self.county_row = pd.DataFrame(
            {"code": [self.code], "name": [self.spec.name], "geometry": [_wkt(bnd)]}
        )
        self._villages(rng)

    def _villages(self, rng: np.random.Generator) -> None:
        towns = self.towns
        rural = ~towns.urban.to_numpy()
        weight = towns.area_km2.to_numpy() * np.where(towns.kind == "类似乡级单位", 0.55, 1.0)
        n_rural_total = max(4 * int(rural.sum()), round(self.target / 470))
        alloc = np.zeros(len(towns), dtype=int)
        w = np.where(rural, weight, 0.0)
        base = 4
        alloc[rural] = base
        extra = n_rural_total - base * int(rural.sum())
        if extra > 0:
            share = w / w.sum() * extra
            alloc += np.floor(share).astype(int)
            rem = extra - int(np.floor(share).sum())
            alloc[np.argsort(-(share - np.floor(share)), kind="stable")[:rem]] += 1
        rows = []
        names = [p + s for p in _VILLAGE_PREFIX for s in _VILLAGE_SUFFIX]
        names = [names[i] for i in rng.permutation(len(names))]
        comm_names = [_COMMUNITY_NAMES[i] for i in rng.permutation(len(_COMMUNITY_NAMES))]
        vi = ci = 0
        for t, town in towns.iterrows():
            poly = self.town_polys[t]
            seat = np.array([town.x, town.y])
            if town.urban:
                n_comm = int(rng.integers(3, 6))
                pts = seat + rng.normal(0, 650, (400, 2))
                pts = pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]
                if len(pts) < n_comm:
                    pts = _sample_in(poly, n_comm, rng)
                pts = np.vstack([seat[None, :], pts])[:n_comm]
                for k, p in enumerate(pts):
                    nm = comm_names[ci] if ci < len(comm_names) else f"第{ci + 1}"
                    ci += 1
                    rows.append((f"{town.code}{k + 1:03d}", town.code, nm + "社区", "社区", p, 0))
                n_v = 0 if town.area_km2 < 6 else 1 + int(rng.random() < 0.5 and town.area_km2 > 15)
                if n_v:
                    cand = _sample_in(poly, 200, rng)
                    far = cand[np.hypot(*(cand - seat).T) > 1500]
                    cand = far if len(far) >= n_v else cand
                    for k, p in enumerate(cand[:n_v]):
                        rows.append(
                            (f"{town.code}{200 + k:03d}", town.code, names[vi] + "村", "行政村", p, 1)
                        )
                        vi += 1
            else:
                n_v = int(alloc[t])
                cand = _sample_in(poly, max(60 * n_v, 300), rng)
                pts = _kmeans(cand, n_v, rng, fixed=seat)
                for k, p in enumerate(pts):
                    rows.append((f"{town.code}{200 + k:03d}", town.code, names[vi] + "村", "行政村", p, 2))
                    vi += 1
        xy = np.array([r[4] for r in rows])
        lon, lat = _xy_to_lonlat(xy[:, 0], xy[:, 1])
        v = pd.DataFrame(
            {
                "code": [r[0] for r in rows],
                "township_code": [r[1] for r in rows],
                "name": [r[2] for r in rows],
                "kind": [r[3] for r in rows],
                "lon": lon,
                "lat": lat,
                "x": xy[:, 0],
                "y": xy[:, 1],
                "cls": [r[5] for r in rows],  # 0 community, 1 village of an urban township, 2 rural village
            }
        )
        v["t"] = v.township_code.map({c: i for i, c in enumerate(towns.code)}).astype(int)
        v["seat"] = [
            bool(np.allclose(p, towns.loc[t, ["x", "y"]].to_numpy(dtype=float)))
            for p, t in zip(xy, v.t, strict=True)
        ]
        dist = np.hypot(v.x - self.core[0], v.y - self.core[1]) / 1000
        scale = max(float(np.quantile(dist[v.cls == 2], 0.95)) if (v.cls == 2).any() else 1.0, 1.0)
        v["rem"] = np.where(v.cls == 0, 0.0, np.clip(dist / scale, 0, 1))
        v["core_km"] = dist
        self.vill = v

    # -------------------------------------------------------------- population
    def _population(self) -> None:
        rng = self.rng(2)
        v = self.vill
        n_v = len(v)
        y0 = self.y0
        years = np.arange(y0 - 8, y0 + 1)
        ages = np.arange(16)
        cohorts = np.arange(years[0] - 15, y0 + 1)
        births = np.array([_births(c) for c in cohorts])
        cls, rem = v.cls.to_numpy(), v.rem.to_numpy()
        w = rng.lognormal(0.0, 0.35, n_v)
        w = np.where(cls == 0, w * 2.3 * rng.lognormal(0.0, 0.25, n_v), np.where(cls == 1, w * 1.3, w))
        tau = np.where(cls == 0, 0.035, np.where(cls == 1, 0.01, -0.02 - 0.02 * rem))
        g = np.where(cls == 0, 0.03, np.where(cls == 1, 0.005, -(0.006 + 0.02 * rem)))
        eps = rng.lognormal(0.0, 0.08, (n_v, len(cohorts)))
        b = births[None, :] * w[:, None] * np.exp(tau[:, None] * (cohorts[None, :] - 2014)) * eps
        cidx = (years[:, None] - ages[None, :]) - cohorts[0]
        pop = b[:, cidx] * np.exp(g[:, None, None] * ages[None, None, :])  # village x year x age
        share = np.where(cls == 0, 0.975, np.where(cls == 1, 0.95, 0.93 - 0.05 * rem))
        k = self.target / (share[:, None] * pop[:, -1, 6:15]).sum()
        persons = np.rint(k * pop).astype("int64")
        self.persons = persons
        self.local_share = share
        vv, yy, aa = np.meshgrid(np.arange(n_v), years, ages, indexing="ij")
        self.population = pd.DataFrame(
            {
                "village_code": v.code.to_numpy()[vv.ravel()],
                "year": yy.ravel().astype("int64"),
                "age": aa.ravel().astype("int64"),
                "persons": persons.ravel(),
            }
        )

    # -------------------------------------------------------------- schools
    def _schools(self) -> None:
        rng = self.rng(3)
        v, towns = self.vill, self.towns
        kids = self.persons[:, -1, :] * self.local_share[:, None]  # this year's children by age
        kids_all = kids[:, 6:15].sum(1)
        rows: list[dict] = []

        def add(kind: str, level: str, vidx: int, name: str, beds: bool) -> None:
            rows.append({"kind": kind, "level": level, "v": int(vidx), "name": name, "beds": beds})

        rural_t = np.flatnonzero(~towns.urban.to_numpy())
        town_kids = np.array([kids_all[v.t.to_numpy() == t].sum() for t in range(len(towns))])
        big = set(rural_t[np.argsort(-town_kids[rural_t], kind="stable")[:2]]) if len(rural_t) > 2 else set()
        for t in rural_t:
            tn = towns.loc[t, "name"]
            pre = self.prefix if not tn.startswith(self.prefix) else ""
            members = np.flatnonzero(v.t.to_numpy() == t)
            seat = (
                int(members[v.seat.to_numpy()[members]][0])
                if v.seat.to_numpy()[members].any()
                else int(members[0])
            )
            others = members[members != seat]
            add("central", "小学", seat, f"{pre}{tn}中心小学", True)
            d_seat = np.hypot(v.x.to_numpy()[others] - v.x[seat], v.y.to_numpy()[others] - v.y[seat])
            nine = len(others) >= 3 and t not in big and rng.random() < 0.35
            taken = {seat}
            if nine:
                score = kids_all[others] * np.where(d_seat > 2000, 1.0, 0.2)
                nv = int(others[np.argmax(score)])
                add("nine", "九年一贯制", nv, f"{pre}{tn}{v.name[nv].removesuffix('村')}九年一贯制学校", True)
                taken.add(nv)
            else:
                add("junior", "初中", seat, f"{pre}{tn}初级中学", True)
                if t in big and len(others) >= 6:
                    score = kids_all[others] * d_seat
                    nv = int(others[np.argmax(score)])
                    add("junior", "初中", nv, f"{pre}{tn}第二初级中学", True)
            rest = np.array([o for o in others if o not in taken], dtype=int)
            n_vp = round(0.58 * len(others))
            vp = rest[_weighted_sample(rng, kids_all[rest] + 1e-6, n_vp)] if len(rest) else rest
            for o in vp:
                add("village", "小学", o, f"{tn}{v.name[o].removesuffix('村')}小学", False)
            taken |= set(vp.tolist())
            sites = np.array(sorted(taken))
            rest = np.array([o for o in others if o not in taken], dtype=int)
            if len(rest):
                d_near = np.hypot(
                    v.x.to_numpy()[rest, None] - v.x.to_numpy()[None, sites],
                    v.y.to_numpy()[rest, None] - v.y.to_numpy()[None, sites],
                ).min(1)
                ok = d_near > 1200
                n_tp = min(round(0.40 * len(others)), int(ok.sum()))
                tp = rest[ok][_weighted_sample(rng, (d_near[ok] / 1000) ** 2, n_tp)] if n_tp else []
                for o in tp:
                    add("tp", "教学点", o, f"{tn}{v.name[o].removesuffix('村')}教学点", False)

        # urban schools: as many as the urban children (and rural children who go to town) need
        urban_v = v.cls.to_numpy() <= 1
        p_urban_rural = 0.02 + 0.13 * (1 - v.rem.to_numpy()) ** 2
        demand_p = kids[urban_v, 6:12].sum() + (kids[~urban_v, 6:12].sum(1) * p_urban_rural[~urban_v]).sum()
        demand_j = kids[urban_v, 12:15].sum() + (kids[~urban_v, 12:15].sum(1) * p_urban_rural[~urban_v]).sum()
        urban_t = np.flatnonzero(towns.urban.to_numpy())
        weights = np.array([kids_all[(v.t.to_numpy() == t) & urban_v].sum() for t in urban_t]) + 1.0
        n_p = max(len(urban_t), round(demand_p / 1900))
        n_j = max(len(urban_t), round(demand_j / 1700))

        def spread(n: int) -> np.ndarray:
            """``n`` schools over the urban townships: one each, the rest by children."""
            share = weights / weights.sum() * (n - len(urban_t))
            out = np.floor(share).astype(int)
            out[np.argsort(-(share - out), kind="stable")[: n - len(urban_t) - out.sum()]] += 1
            return out + 1

        per_p, per_j = spread(n_p), spread(n_j)
        k_p = k_j = k_9 = 0
        special_t = int(urban_t[0])  # the township at the urban core
        for i, t in enumerate(urban_t):
            comm = np.flatnonzero((v.t.to_numpy() == t) & (v.cls.to_numpy() == 0))
            comm = comm if len(comm) else np.flatnonzero(v.t.to_numpy() == t)
            slots = [int(comm[j % len(comm)]) for j in range(per_p[i] + per_j[i] + 1)]
            a, b = int(per_p[i]), int(per_j[i])
            if a and b and rng.random() < 0.3:
                k_9 += 1
                add(
                    "urban_9",
                    "九年一贯制",
                    slots.pop(),
                    f"{self.prefix}{'' if k_9 == 1 else '第' + _cn_number(k_9)}实验学校",
                    False,
                )
                a, b = a - 1, b - 1
            for _ in range(a):
                k_p += 1
                add("urban_p", "小学", slots.pop(0), f"{self.prefix}第{_cn_number(k_p)}小学", False)
            for _ in range(b):
                k_j += 1
                add("urban_j", "初中", slots.pop(0), f"{self.prefix}第{_cn_number(k_j)}初级中学", False)
        comm = np.flatnonzero((v.t.to_numpy() == special_t) & (v.cls.to_numpy() == 0))
        comm = comm if len(comm) else np.flatnonzero(v.t.to_numpy() == special_t)
        add("special", "特殊教育", int(comm[-1]), f"{self.prefix}特殊教育学校", True)

        sch = pd.DataFrame(rows)
        sch["t"] = v.t.to_numpy()[sch.v]
        sch["township_code"] = towns.code.to_numpy()[sch.t]
        sch["village_code"] = v.code.to_numpy()[sch.v]
        sch["urban"] = towns.urban.to_numpy()[sch.t]
        off = rng.normal(0, 150, (len(sch), 2))
        x = v.x.to_numpy()[sch.v] + off[:, 0]
        y = v.y.to_numpy()[sch.v] + off[:, 1]
        inside = np.array(
            [shapely.contains_xy(self.town_polys[t], xx, yy) for t, xx, yy in zip(sch.t, x, y, strict=True)]
        )
        sch["x"] = np.where(inside, x, v.x.to_numpy()[sch.v])
        sch["y"] = np.where(inside, y, v.y.to_numpy()[sch.v])
        sch["lon"], sch["lat"] = _xy_to_lonlat(sch.x, sch.y)
        type_prefix = sch.level.map(
            {"小学": "21", "教学点": "21", "初中": "31", "九年一贯制": "31", "特殊教育": "51"}
        )
        serial = rng.permutation(9000)[: len(sch)] + 1000
        sch["code"] = type_prefix + config.PROVINCE_CODE + self.code[4:6] + pd.Series(serial).astype(str)
        sch["teaches_p"] = sch.level.isin(["小学", "九年一贯制"]).to_numpy()
        sch["teaches_j"] = sch.level.isin(["初中", "九年一贯制"]).to_numpy()
        self.sch = sch

    # -------------------------------------------------------------- children
    def _roster(self) -> None:
        """Children aged 6-15 of the villages who go to school in the county, with flags."""
        rng = self.rng(4)
        v, y0 = self.vill, self.y0
        n_v = len(v)
        counts = rng.binomial(self.persons[:, -1, 6:16], self.local_share[:, None])
        flat = counts.ravel()
        vi = np.repeat(np.repeat(np.arange(n_v), 10), flat)
        age = np.repeat(np.tile(np.arange(6, 16), n_v), flat)
        n = len(vi)
        sex = np.where(rng.random(n) < 0.52, "男", "女")
        sept1 = np.array([_day(date(y0 - a, 9, 1)) for a in range(18)])
        span = sept1[age] - sept1[age + 1]
        birth = sept1[age] - np.floor(rng.random(n) * span).astype("int64")

        cls, rem, t = v.cls.to_numpy()[vi], v.rem.to_numpy()[vi], v.t.to_numpy()[vi]
        rural = cls != 0
        pf = np.log(self.towns.poverty_factor.to_numpy()[t])
        pov = _draw(rng, 1.4 * rem + pf - 1.6 * (~rural), 0.10)
        lb = np.zeros(n, dtype=bool)
        lb[rural] = _draw(rng, 0.8 * rem[rural] + 0.3 * pov[rural], 0.21)
        lb[~rural] = rng.random(int((~rural).sum())) < 0.03
        dis = _draw(rng, 0.5 * pov, 0.012)
        level = np.where(dis, _categorical(rng, np.tile([0.15, 0.25, 0.30, 0.30], (n, 1))) + 1, 0)
        dparent = _draw(rng, 1.2 * pov, 0.02)
        orphan = _draw(rng, 1.0 * pov, 0.002)
        unsupported = _draw(rng, 0.8 * pov + 0.5 * lb, 0.005) & ~orphan
        prisoner = _draw(rng, 0.5 * pov, 0.003)
        martyr = np.zeros(n, dtype=bool)
        martyr[rng.choice(n, max(1, int(rng.poisson(n * 3e-5))), replace=False)] = True
        cat_idx = np.where(
            rural,
            _categorical(rng, np.tile([0.50, 0.15, 0.25, 0.10], (n, 1))),
            _categorical(rng, np.tile([0.15, 0.15, 0.60, 0.10], (n, 1))),
        )
        to_tekun = orphan & (rng.random(n) < 0.6)
        cat_idx = np.where(to_tekun, 3, cat_idx)
        pov = pov | to_tekun
        category = np.where(pov, np.array(_PRIORITY_POVERTY, dtype=object)[cat_idx], None)
        care = orphan | unsupported | prisoner
        ld = _draw(
            rng,
            0.5 * lb
            + 0.5 * pov
            + 1.3 * (dis & (level >= 3))
            + 0.3 * (age >= 12)
            + 0.35 * rural
            + 0.5 * care
            + 0.2 * (sex == "男"),
            0.07,
        )
        trend = np.where(ld, rng.normal(-0.8, 0.45, n), rng.normal(0.03, 0.4, n) - 0.12 * lb - 0.1 * pov)
        over = rng.random(n) < 0.012 + 0.06 * ld + 0.15 * (dis & (level <= 2))
        grade = age - 5 - over
        u = rng.random(n)
        placement = np.full(n, "普通班", dtype=object)
        placement[dis & (level >= 3)] = "随班就读"
        l1, l2 = dis & (level == 1), dis & (level == 2)
        placement[l1] = np.where(u[l1] < 0.6, "送教上门", "特教学校")
        placement[l2] = np.where(u[l2] < 0.35, "特教学校", np.where(u[l2] < 0.45, "送教上门", "随班就读"))
        keep = grade >= 1  # late entrants aged 6 are still in kindergarten
        st = pd.DataFrame(
            {
                "vi": vi,
                "age": age,
                "sex": sex,
                "birth": birth,
                "G": grade,
                "over": over,
                "ld": ld,
                "trend": np.round(trend, 2),
                "dis": dis,
                "level": level,
                "category": category,
                "pov": pov,
                "lb": lb,
                "orphan": orphan,
                "unsupported": unsupported,
                "martyr": martyr,
                "prisoner": prisoner,
                "dparent": dparent,
                "placement": placement,
            }
        )[keep].reset_index(drop=True)
        self.st = st
        self.n = len(st)

    # -------------------------------------------------------------- schools chosen
    def _placement(self) -> None:
        rng = self.rng(5)
        v, sch, st = self.vill, self.sch, self.st
        n_v, n = len(v), self.n
        d = _haversine_km(
            v.lon.to_numpy()[:, None],
            v.lat.to_numpy()[:, None],
            sch.lon.to_numpy()[None, :],
            sch.lat.to_numpy()[None, :],
        )
        self.dist = d
        own = v.t.to_numpy()[:, None] == sch.t.to_numpy()[None, :]
        kind = sch.kind.to_numpy()
        urban_s = sch.urban.to_numpy() & (kind != "special")
        tp_s, tj_s = sch.teaches_p.to_numpy(), sch.teaches_j.to_numpy()

        def nearest(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            dm = np.where(mask, d, np.inf)
            order = np.argsort(dm, axis=1, kind="stable")[:, :2]
            dd = np.take_along_axis(dm, order, 1)
            second = np.where(np.isfinite(dd[:, 1]), order[:, 1], order[:, 0])
            return order[:, 0], second, dd[:, 0]

        u1, u2, _ = nearest(np.broadcast_to(urban_s & tp_s, d.shape))
        j1, j2, _ = nearest(np.broadcast_to(urban_s & tj_s, d.shape))
        central = np.array(
            [np.flatnonzero((sch.t.to_numpy() == t) & (kind == "central"))[:1] for t in v.t], dtype=object
        )
        central = np.array([c[0] if len(c) else -1 for c in central])
        central = np.where(central >= 0, central, u1)
        vs, _, dvs = nearest(own & (tp_s & ~urban_s & (kind != "central"))[None, :])
        has_vs = np.isfinite(dvs)
        hosted = has_vs & (sch.v.to_numpy()[vs] == np.arange(n_v))
        tp_at = np.full(n_v, -1)
        tps = np.flatnonzero(kind == "tp")
        tp_at[sch.v.to_numpy()[tps]] = tps
        jl, _, djl = nearest(own & (tj_s & ~urban_s)[None, :])
        jl = np.where(np.isfinite(djl), jl, j1)

        vi = st.vi.to_numpy()
        cls, rem = v.cls.to_numpy()[vi], v.rem.to_numpy()[vi]
        urban_home = cls <= 1
        u_city, u_p, u_tp, u_j, u_b, u_h = rng.random((6, n))
        p_u = 0.02 + 0.13 * (1 - rem) ** 2
        city_p = urban_home | (u_city < p_u)
        city_j = urban_home | (u_city < p_u * 1.12)
        prim_city = np.where(u_p < np.where(urban_home, 0.72, 0.5), u1[vi], u2[vi])
        p_vs = np.where(
            hosted, 0.6, np.where(has_vs & (dvs < 4), 0.35 * np.exp(-np.maximum(dvs - 1, 0) / 1.5), 0)
        )
        prim_local = np.where(u_p < p_vs[vi], vs[vi], central[vi])
        prim = np.where(city_p, prim_city, prim_local)
        tp_choice = ~city_p & (tp_at[vi] >= 0) & (u_tp < 0.5)
        # in town, junior school mostly in the same township as the primary school
        same_t = np.full((n_v, len(self.towns)), -1)
        for t in np.flatnonzero(self.towns.urban.to_numpy()):
            cols = np.flatnonzero(urban_s & tj_s & (sch.t.to_numpy() == t))
            if len(cols):
                same_t[:, t] = cols[np.argmin(d[:, cols], axis=1)]
        jun_town = same_t[vi, sch.t.to_numpy()[prim]]
        jun_city = np.where((jun_town >= 0) & (u_j < 0.85), jun_town, np.where(u_j < 0.93, j1[vi], j2[vi]))
        jun = np.where(city_j, jun_city, jl[vi])
        nine_prim = sch.level.to_numpy()[prim] == "九年一贯制"
        jun = np.where(nine_prim & (urban_home | ~city_j) & (u_j < 0.85), prim, jun)
        special = int(np.flatnonzero(kind == "special")[0])
        placement = st.placement.to_numpy()
        at_special = (placement == "特教学校") | ((placement == "送教上门") & (u_h < 0.5))
        home_local = (placement == "送教上门") & ~at_special
        prim = np.where(home_local, central[vi], prim)
        jun = np.where(home_local, jl[vi], jun)
        tp_choice &= ~(at_special | home_local)
        self.prim, self.jun, self.tp_school = prim, jun, tp_at[vi]
        self.at_special, self.special = at_special, special
        self.u_board = u_b
        # teaching points stay tiny: pupils beyond each one's cap go to the next school
        g26 = st.G.to_numpy()
        in_tp = np.flatnonzero(tp_choice & (g26 <= 3))
        order = in_tp[rng.permutation(len(in_tp))]
        tp_of = self.tp_school[order]
        rank = pd.Series(tp_of).groupby(tp_of).cumcount().to_numpy()
        cap = rng.integers(8, 29, len(sch))[tp_of]
        tp_choice[order[rank >= cap]] = False
        self.tp_choice = tp_choice

    def school_at(self, grade: np.ndarray, who: np.ndarray | None = None) -> np.ndarray:
        """Each child's (or the children ``who``'s) school when in ``grade`` (1-9)."""
        sel = slice(None) if who is None else who
        s = np.where(grade <= 6, self.prim[sel], self.jun[sel])
        s = np.where((grade <= 3) & self.tp_choice[sel], self.tp_school[sel], s)
        return np.where(self.at_special[sel], self.special, s)

    def boarding_at(self, grade: np.ndarray, school: np.ndarray) -> np.ndarray:
        """Boarding in ``grade`` at ``school``: far pupils of grade 4+ where there are beds."""
        road = self.dist[self.st.vi.to_numpy(), school] * self.settings_detour
        beds = self.sch.beds.to_numpy()[school]
        u = self.u_board
        prim = beds & (grade >= 4) & (grade <= 6) & (road > 2.0) & (u < 0.6)
        jun = beds & (grade >= 7) & (((road > 3.0) & (u < 0.85)) | (u < 0.12))
        spec = (school == self.special) & (grade >= 4) & (road > 5.0) & (u < 0.7)
        board = np.where(school == self.special, spec, prim | jun)
        return board & (self.st.placement.to_numpy() != "送教上门")

    settings_detour = float(config.SETTINGS["layout"]["detour_factor"])

    def _year_state(self, year: int) -> dict[str, np.ndarray]:
        """Path grade, school, boarding and distance of every child in school year ``year``."""
        g = self.st.G.to_numpy() - (self.y0 - year)
        gc = np.clip(g, 1, 9)
        s = self.school_at(gc)
        b = self.boarding_at(gc, s)
        km = self.dist[self.st.vi.to_numpy(), s]
        reach_cfg = config.SETTINGS["layout"]["reach_km"]
        reach = np.where(gc >= 7, reach_cfg["junior"], reach_cfg["primary"])
        far = (km * self.settings_detour > reach) & ~b
        st = self.st
        z = (
            1.4 * st.ld
            + 0.8 * (st.trend <= -0.5)
            + 1.0 * far
            + 0.8 * st.pov
            + 0.9 * st.dis
            + 0.5 * st.lb
            + 1.1 * (st.orphan | st.unsupported)
            + 0.6 * st.prisoner
            + 0.3 * st.dparent
            + 0.9 * (gc >= 7)
            + 0.5 * st.over
        ).to_numpy(dtype=float)
        return {"grade": g, "school": s, "boarding": b, "km": km, "far": far, "z": z}

    # -------------------------------------------------------------- events
    def _events(self) -> None:
        """Dropout cases, children absent now without a case, transfers and suspensions."""
        rng = self.rng(6)
        st, n, y0 = self.st, self.n, self.y0
        G = st.G.to_numpy()
        ordinary = np.isin(st.placement.to_numpy(), ["普通班", "随班就读"])
        self.years = {y: self._year_state(y) for y in sorted({t["year"] for t in self.terms})}
        never = np.iinfo("int64").max // 4
        selected = np.zeros(n, dtype=bool)
        out_from = np.full(n, never)
        cases = []
        weights = np.array(
            [t["days"] * (1.4 if i == len(self.terms) - 1 else 1.0) for i, t in enumerate(self.terms)]
        )
        # about 3.3 per 1,000 pupils over three terms: the same density whatever the calendar's length
        n_cases = round(n * 3.3e-3 * len(self.terms) / 3)
        per_term = np.round(n_cases * weights / weights.sum()).astype(int)
        for term, k in zip(self.terms, per_term, strict=True):
            y = term["year"]
            state = self.years[y]
            g = state["grade"]
            elig = ordinary & (g >= 1) & (g <= 9) & ~selected & (out_from > term["first"])
            idx = _weighted_sample(rng, np.exp(state["z"]) * elig, int(k))
            if not len(idx):
                continue
            cases.append(self._case_timeline(rng, idx, term, G[idx] == 10))
            selected[idx] = True
            c = cases[-1]
            open_ = np.isin(c["outcome"], [1, 3])
            out_from[idx[open_]] = c["s0"][open_]
        self.cases = (
            pd.concat([pd.DataFrame(c) for c in cases], ignore_index=True)
            if cases
            else pd.DataFrame(
                columns=["i", "year", "term", "src", "s0", "rep", "ver", "ret", "close", "outcome", "run_end"]
            )
        )

        # absent now for five or more school days, and nobody has reported it yet
        cur = self.terms[-1]
        elig = ordinary & (G <= 9) & ~selected
        k = max(3, round(n * 0.22e-3))
        idx = _weighted_sample(rng, np.exp(self.years[y0]["z"]) * elig, k)
        length = np.where(
            rng.random(len(idx)) < 0.7, rng.integers(5, 20, len(idx)), rng.integers(20, 41, len(idx))
        )
        start = np.maximum(self.i_asof - length + 1, cur["first"])
        self.undetected = pd.DataFrame({"i": idx, "start": start, "end": np.full(len(idx), self.i_asof)})
        selected[idx] = True

        # transfers out (spring term last year or this term) and suspensions (this term)
        spring = [t for t in self.terms if t["year"] == y0 - 1 and t["term"] == 2]
        first_tr = spring[0]["first"] if spring else cur["first"]
        elig = ordinary & ~selected & (G >= 2) & (G <= 9)
        idx = _weighted_sample(rng, elig.astype(float), round(n * 0.006))
        self.transfer = np.full(n, -1)
        self.transfer[idx] = rng.integers(first_tr, self.i_asof + 1, len(idx))
        selected[idx] = True
        elig = ordinary & ~selected & (G <= 9)
        w = (1 + 8 * st.dis + 2 * st.ld).to_numpy(dtype=float) * elig
        idx = _weighted_sample(rng, w, max(1, round(n * 0.0012)))
        self.suspend = np.full(n, -1)
        self.suspend[idx] = rng.integers(cur["first"], self.i_asof + 1, len(idx))
        self._status()

    def _case_timeline(
        self, rng: np.random.Generator, idx: np.ndarray, term: dict, graduating: np.ndarray
    ) -> dict:
        """School-day indices of each case's absence run, report, verification, return."""
        k = len(idx)
        first, last = term["first"], term["end"]
        current = term is self.terms[-1]
        src = _categorical(rng, np.tile([0.6, 0.3, 0.1], (k, 1)))
        hi = max(first, last - 6)
        s0 = np.where(src == 2, first, rng.integers(first, hi + 1, k))
        lag = np.where(
            src == 0,
            5 + rng.integers(0, 3, k),
            np.where(src == 1, rng.integers(3, 8, k), rng.integers(5, 11, k)),
        )
        rep = np.minimum(s0 + lag, last)
        # outcome: 0 疑似辍学, 1 已核实, 2 误报, 3 劝返中, 4 returned (已返校/巩固)
        if current:
            recent = (self.i_asof - rep) <= 7
            probs = np.where(recent[:, None], [0.70, 0.0, 0.15, 0.0, 0.15], [0.10, 0.07, 0.10, 0.18, 0.55])
        else:
            probs = np.tile([0.0, 0.02, 0.10, 0.08, 0.80], (k, 1))
        out = _categorical(rng, probs)
        ver = s0 + 20
        confirmed = np.isin(out, [1, 3])
        out = np.where(confirmed & (ver > self.i_asof), 0, out)
        returned = out == 4
        verified_first = returned & (rng.random(k) < 0.65) & (ver < self.i_asof)
        ret = np.where(
            verified_first,
            ver + rng.integers(2, 26 if current else 40, k),
            np.minimum(rep + rng.integers(1, 9, k), s0 + 19),
        )
        ret = np.where(verified_first, np.maximum(ret, ver + 1), np.maximum(ret, rep + 1))
        too_late = returned & ((ret > self.i_asof) | (graduating & (ret > self.year_last[term["year"]])))
        out = np.where(too_late, np.where(verified_first | (ver <= self.i_asof), 3, 0), out)
        returned = out == 4
        verified = np.isin(out, [1, 3]) | (returned & verified_first)
        close = np.where(out == 2, np.minimum(rep + rng.integers(0, 5, k), self.i_asof), -1)
        # an open case from an earlier year: absent to the end of that year (at least until verified)
        open_end = (
            self.i_asof if current else np.minimum(np.maximum(self.year_last[term["year"]], ver), self.i_asof)
        )
        run_end = np.where(out == 2, rep - 1, np.where(returned, ret - 1, open_end))
        return {
            "i": idx,
            "year": np.full(k, term["year"]),
            "term": np.full(k, term["term"]),
            "src": src,
            "s0": s0,
            "rep": rep,
            "ver": np.where(verified, ver, -1),
            "ret": np.where(returned, ret, -1),
            "close": close,
            "outcome": out,
            "run_end": run_end,
        }

    def _status(self) -> None:
        """Status, grade, school and dates of every child on ``as_of``."""
        st, y0, n = self.st, self.y0, self.n
        G = st.G.to_numpy()
        c = self.cases
        ci = c.i.to_numpy()
        self.ver_day = np.full(n, -1)
        self.ret_day = np.full(n, -1)
        self.case_year = np.full(n, -1)
        ver_i = np.full(n, -1)
        ret_i = np.full(n, -1)
        ver_i[ci] = c.ver.to_numpy()
        ret_i[ci] = c.ret.to_numpy()
        self.ver_i, self.ret_i = ver_i, ret_i
        self.case_year[ci] = c.year.to_numpy()
        open_drop = (ver_i >= 0) & (ret_i < 0)
        status = np.where(
            G == 10, "毕业", np.where(st.placement.to_numpy() == "送教上门", "送教上门", "在校")
        )
        status = status.astype(object)
        status[self.transfer >= 0] = "转出"
        status[self.suspend >= 0] = "休学"
        status[open_drop] = "辍学"
        eff_year = np.full(n, y0)
        eff_year[G == 10] = y0 - 1
        eff_year[(self.transfer >= 0) & (self.transfer < self.year_first[y0])] = y0 - 1
        eff_year[open_drop] = self.case_year[open_drop]
        grade = np.minimum(G - (y0 - eff_year), 9)
        school = self.school_at(grade)
        start_grade = np.where(grade >= 7, 7, np.where(self.tp_choice & (grade >= 4), 4, 1))
        start_grade = np.where(self.at_special, 1, start_grade)
        enrolled_on = np.array([_day(date(y, 9, 1)) for y in range(y0 - 12, y0 + 1)])[
            (eff_year - (grade - start_grade)) - (y0 - 12)
        ]
        sd = self.sd
        status_date = enrolled_on.copy()
        back = ret_i >= 0
        status_date[back] = sd[ret_i[back]]
        status_date[G == 10] = sd[self.year_last[y0 - 1]]
        status_date[self.transfer >= 0] = sd[self.transfer[self.transfer >= 0]]
        status_date[self.suspend >= 0] = sd[self.suspend[self.suspend >= 0]]
        status_date[open_drop] = sd[ver_i[open_drop]]
        self.status = status
        self.grade_now = grade
        self.school_now = school
        self.enrolled_on = enrolled_on
        self.status_date = status_date
        self.eff_year = eff_year

    def snapshot(self, term: dict) -> pd.DataFrame:
        """The register at the end of ``term`` (or on ``as_of``): who, where, which grade, status."""
        st, y0 = self.st, self.y0
        y, day = term["year"], term["end"]
        g = st.G.to_numpy() - (y0 - y)
        out = (self.ver_i >= 0) & (self.ver_i <= day) & ((self.ret_i < 0) | (self.ret_i > day))
        frozen = out & (self.case_year < y)  # dropped out in an earlier school year, still out
        member = ((g >= 1) & (g <= 9)) | frozen
        member &= ~((self.transfer >= 0) & (self.transfer < term["first"]))
        grade = np.where(frozen, g - (y - self.case_year), g)
        grade = np.clip(grade, 1, 9)
        status = np.where(st.placement.to_numpy() == "送教上门", "送教上门", "在校").astype(object)
        status[(self.suspend >= 0) & (self.suspend <= day)] = "休学"
        status[(self.transfer >= 0) & (self.transfer <= day)] = "转出"
        status[out] = "辍学"
        i = np.flatnonzero(member)
        return pd.DataFrame(
            {"i": i, "school": self.school_at(grade)[i], "grade": grade[i], "status": status[i]}
        )

    # -------------------------------------------------------------- schools' figures
    def _school_stats(self) -> None:
        rng = self.rng(7)
        sch, n_s = self.sch, len(self.sch)
        kind = sch.kind.to_numpy()
        enrolled = np.isin(self.status, schema.ENROLLED_STATUS)
        s, g = self.school_now, self.grade_now
        cnt = np.zeros((n_s, 10), dtype="int64")
        np.add.at(cnt, (s[enrolled], g[enrolled]), 1)
        urban = np.isin(kind, ["urban_p", "urban_j", "urban_9"])
        junior = sch.level.to_numpy() == "初中"
        size = np.repeat(
            np.where(urban, rng.uniform(49, 57, n_s), np.where(junior, 50.0, 45.0))[:, None], 10, 1
        )
        total = cnt.sum(1)
        members = np.flatnonzero(kind == "urban_p")
        if len(members):  # the largest town primary has 超大班额 in its two largest grades
            big = members[np.argmax(total[members])]
            size[big, np.argsort(-cnt[big], kind="stable")[:2]] = rng.uniform(64, 67)
        classes = np.where(urban[:, None], np.maximum(1, np.rint(cnt / size)), np.ceil(cnt / size)).astype(
            "int64"
        )
        classes[kind == "special"] = np.ceil(cnt[kind == "special"] / 12)
        classes[kind == "tp"] = (cnt[kind == "tp"] > 0).astype("int64")
        classes[cnt == 0] = 0
        # class numbers for every child (by school and grade as stored)
        order = rng.permutation(self.n)
        key = s[order] * 10 + g[order]
        rank = pd.Series(key).groupby(key).cumcount().to_numpy()
        n_cls = np.maximum(classes[s[order], g[order]], 1)
        class_no = np.empty(self.n, dtype="int64")
        class_no[order] = rank % n_cls + 1
        self.class_no = class_no
        self.boarding_now = self.boarding_at(g, s) & enrolled
        boarders = np.bincount(s[self.boarding_now], minlength=n_s)
        n_classes = classes.sum(1)
        capacity = np.where(
            urban,
            np.round(total / rng.uniform(1.10, 1.35, n_s) / 5) * 5,
            np.round(total * rng.uniform(1.15, 1.7, n_s) / 10) * 10,
        )
        capacity = np.where(kind == "tp", np.maximum(capacity, rng.integers(3, 7, n_s) * 10), capacity)
        capacity = np.where(kind == "village", np.maximum(capacity, 90), capacity)
        capacity = np.where(kind == "special", np.round(total * 1.3 / 10) * 10 + 40, capacity)
        jr = np.isin(kind, ["junior", "urban_j"])
        nine = np.isin(kind, ["nine", "urban_9"])
        teachers = np.where(
            jr,
            np.maximum(np.rint(total / 13.5), n_classes * 2.6),
            np.where(
                nine,
                np.maximum(np.rint(total / 16), n_classes * 2.0),
                np.maximum(np.rint(total / 19), n_classes * 1.5),
            ),
        )
        teachers = np.where(kind == "tp", 1 + (total > 15), teachers)
        teachers = np.where(kind == "special", np.maximum(8, np.rint(total / 3.5)), teachers)
        beds = np.where(sch.beds.to_numpy(), np.round(boarders * rng.uniform(1.05, 1.3, n_s) / 10) * 10, 0)
        sch["capacity"] = capacity.astype("int64")
        sch["classes"] = n_classes.astype("int64")
        sch["boarding_beds"] = beds.astype("int64")
        sch["teachers"] = np.maximum(teachers, 1).astype("int64")

    # -------------------------------------------------------------- identities
    def _identities(self) -> None:
        rng = self.rng(8)
        st, n = self.st, self.n
        county_index = [c.code for c in COUNTIES].index(self.code) + 1 if self.code in COUNTY_BY_CODE else 0
        self.student_id = np.char.add("S", _opaque_hex((county_index << 22) + np.arange(n), self.seed))
        birth = st.birth.to_numpy().astype("datetime64[D]")
        year = birth.astype("datetime64[Y]").astype("int64") + 1970
        month = birth.astype("datetime64[M]").astype("int64") % 12 + 1
        day = (birth - birth.astype("datetime64[M]")).astype("int64") + 1
        male = st.sex.to_numpy() == "男"
        key = st.birth.to_numpy() * 2 + male
        order = rng.permutation(n)
        rank = np.empty(n, dtype="int64")
        rank[order] = pd.Series(key[order]).groupby(key[order]).cumcount().to_numpy()
        uniq, inv = np.unique(key, return_inverse=True)
        offset = rng.integers(0, 120, len(uniq))[inv]
        seq = 2 * (rank + offset) + np.where(male, 1, 2)
        area = np.full(n, int(self.code))
        digits = np.column_stack(
            [_digits(area, 6), _digits(year, 4), _digits(month, 2), _digits(day, 2), _digits(seq, 3)]
        )
        check = _ID_CHECK[(digits * _ID_WEIGHTS).sum(1) % 11]
        self.id_number = np.char.add(_chars(_DIGITS[digits]), check)
        g_sex = np.where(rng.random(n) < 0.62, "男", "女")
        p = _SURNAME_WEIGHTS / _SURNAME_WEIGHTS.sum()
        father = np.array(list(_SURNAMES))[rng.choice(len(_SURNAMES), n, p=p)]
        other = np.array(list(_SURNAMES))[rng.choice(len(_SURNAMES), n, p=p)]
        self.name = _person_names(rng, st.sex.to_numpy(), surnames=father)
        self.guardian_name = _person_names(
            rng, g_sex, adult=True, surnames=np.where(g_sex == "男", father, other)
        )
        self.guardian_phone = _phones(rng, n)

    def _contacts(self) -> pd.DataFrame:
        rng = self.rng(11)
        places = (
            [("教体局局长", self.code)]
            + [("镇长", c) for c in self.towns.code]
            + [("村长", c) for c in self.vill.code]
            + [("校长", c) for c in self.sch.code]
        )
        sex = np.where(rng.random(len(places)) < 0.75, "男", "女")
        return pd.DataFrame(
            {
                "role": [p[0] for p in places],
                "place_code": [p[1] for p in places],
                "name": _person_names(rng, sex, adult=True),
                "phone": _phones(rng, len(places)),
            }
        )

    # -------------------------------------------------------------- tables
    def _students_frame(self) -> pd.DataFrame:
        st, sch, v = self.st, self.sch, self.vill
        id_number = self.id_number
        return pd.DataFrame(
            {
                "student_id": self.student_id,
                "id_number": id_number,
                "xueji_number": np.char.add("G", id_number),
                "name": self.name,
                "sex": st.sex.to_numpy(),
                "birth_date": _dates(st.birth.to_numpy()),
                "grade": self.grade_now,
                "class_no": self.class_no,
                "school_code": sch.code.to_numpy()[self.school_now],
                "village_code": v.code.to_numpy()[st.vi],
                "boarding": self.boarding_now,
                "placement": st.placement.to_numpy(),
                "status": self.status,
                "status_date": _dates(self.status_date),
                "enrolled_on": _dates(self.enrolled_on),
                "learning_difficulty": st.ld.to_numpy(),
                "score_trend": st.trend.to_numpy(),
                "disability": st.dis.to_numpy(),
                "disability_level": self._disability_level(),
                "poverty_category": st.category.to_numpy(),
                "left_behind": st.lb.to_numpy(),
                "orphan": st.orphan.to_numpy(),
                "unsupported": st.unsupported.to_numpy(),
                "martyr_child": st.martyr.to_numpy(),
                "prisoner_child": st.prisoner.to_numpy(),
                "disabled_parent": st.dparent.to_numpy(),
                "guardian_name": self.guardian_name,
                "guardian_phone": self.guardian_phone,
                # set by the school-year rollover and by retention, not by the generator
                "leave_reason": None,
                "deidentified_on": None,
            }
        )

    # -------------------------------------------------------------- history
    def history_start(self) -> date:
        """The first day of the demo's record of the past: 1 September two school years back (the
        students' log is replayed from the calendar's first school day by :mod:`lib.demo.history`)."""
        return date(self.y0 - 2, 9, 1)

    def _logs(self, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Change logs of the other tracked tables: schools and population known since the start
        of the history, each school year's enrolment counts since 1 September of that year."""
        start = np.datetime64(self.history_start(), "D")
        counts = tables["enrolment_counts"]
        sept = pd.to_datetime(counts["school_year"].astype(str) + "-09-01").to_numpy().astype("datetime64[D]")
        return {
            "enrolment_counts_history": counts.assign(valid_from=np.maximum(sept, start), valid_to=pd.NaT),
            "village_population_history": tables["village_population"].assign(
                valid_from=start, valid_to=pd.NaT
            ),
            "school_history": tables["schools"].assign(valid_from=start, valid_to=pd.NaT),
        }

    def _disability_level(self) -> pd.arrays.IntegerArray:
        level = pd.array(self.st.level.to_numpy(), dtype="Int64")
        level[~self.st.dis.to_numpy()] = pd.NA
        return level

    def _enrolment_counts(self) -> pd.DataFrame:
        rng = self.rng(9)
        y0, sch, n_s = self.y0, self.sch, len(self.sch)
        G = self.st.G.to_numpy()
        frames = []
        enrolled = np.isin(self.status, schema.ENROLLED_STATUS)
        cur = np.zeros((n_s, 10), dtype="int64")
        np.add.at(cur, (self.school_now[enrolled], self.grade_now[enrolled]), 1)
        frames.append((y0, cur.astype(float)))
        # annual share of a cohort lost between grade 1 and grade 9 (moves away, dropouts), by township
        towns = self.towns
        lam_t = np.where(
            towns.weak,
            rng.uniform(0.010, 0.013, len(towns)),
            np.where(towns.urban, 0.003, rng.uniform(0.003, 0.0045, len(towns))),
        )
        lam = lam_t[sch.t.to_numpy()]
        by_grade = {g: self.school_at(np.full(self.n, g)) for g in range(1, 10)}
        for y in range(y0 - 1, y0 - 9, -1):
            counts = np.zeros((n_s, 10))
            inflate = (1 + lam) ** (y0 - 1 - y)
            for g in range(1, 10):
                cohort = g + (y0 - y)
                if cohort <= 10:
                    c = np.bincount(by_grade[g][G == cohort], minlength=n_s).astype(float)
                else:
                    ref = np.bincount(by_grade[g][G == 10], minlength=n_s).astype(float)
                    c = ref * _births(y0 - 5 - cohort) / _births(y0 - 15)
                noise = 1 + rng.normal(0, 0.01, n_s) if y < y0 - 1 else 1.0
                counts[:, g] = c * inflate * noise
            frames.append((y, counts))
        rows = []
        for y, counts in frames:
            s_idx, g_idx = np.nonzero(np.rint(counts) > 0)
            rows.append(
                pd.DataFrame(
                    {
                        "school_year": np.full(len(s_idx), y, dtype="int64"),
                        "school_code": sch.code.to_numpy()[s_idx],
                        "grade": g_idx.astype("int64"),
                        "students": np.rint(counts[s_idx, g_idx]).astype("int64"),
                    }
                )
            )
        return pd.concat(rows, ignore_index=True)

    def _absences(self) -> pd.DataFrame:
        rng = self.rng(10)
        st, n, y0 = self.st, self.n, self.y0
        G = st.G.to_numpy()
        # from the child's first school year on the calendar (grade 1 in y0 - G + 1)
        first_year = np.maximum(y0 - G + 1, min(self.year_first))
        lo = np.vectorize(self.year_first.get, otypes=["int64"])(np.minimum(first_year, y0))
        hi = np.full(n, self.i_asof)
        hi[G == 10] = min(self.year_last[y0 - 1], self.i_asof)
        tr, sp = self.transfer >= 0, self.suspend >= 0
        hi[tr] = np.minimum(hi[tr], self.transfer[tr] - 1)
        hi[sp] = np.minimum(hi[sp], self.suspend[sp] - 1)
        c = self.cases
        ci = c.i.to_numpy()
        open_ = np.isin(c.outcome.to_numpy(), [0, 1, 3])
        hi[ci[open_]] = np.minimum(hi[ci[open_]], c.s0.to_numpy()[open_] - 1)
        hi[st.placement.to_numpy() == "送教上门"] = -1
        ndays = np.maximum(hi - lo + 1, 0)

        def scatter(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            who = np.repeat(np.arange(n), k)
            return who, lo[who] + np.floor(rng.random(len(who)) * ndays[who]).astype("int64")

        def expand(who: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            length = np.maximum(end - start + 1, 0)
            rep = np.repeat(np.arange(len(who)), length)
            offs = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
            return who[rep], start[rep] + offs

        rate_e = rng.gamma(1.2, 0.008 / 1.2, n) * (1 + st.dis.to_numpy())
        z = self.years[y0]["z"]
        p = _sigmoid(z + _intercept(z, 0.02))
        rate_u = 0.0003 + 0.0009 * p / p.mean()
        ex_who, ex_day = scatter(rng.poisson(rate_e * ndays))
        un_who, un_day = scatter(rng.poisson(rate_u * ndays))
        # short runs of 2-4 unexcused days among at-risk children
        flagged = np.zeros(n, dtype=bool)
        flagged[ci] = True
        flagged[self.undetected.i.to_numpy()] = True
        idx = _weighted_sample(rng, np.exp(z) * ((ndays >= 10) & ~flagged), round(n * 0.012))
        length = rng.integers(2, 5, len(idx))
        start = lo[idx] + np.floor(rng.random(len(idx)) * (ndays[idx] - length + 1)).astype("int64")
        parts = [
            expand(ci, c.s0.to_numpy(), c.run_end.to_numpy()),
            expand(
                self.undetected.i.to_numpy(), self.undetected.start.to_numpy(), self.undetected.end.to_numpy()
            ),
            expand(idx, start, start + length - 1),
            (un_who, un_day),
        ]
        who = np.concatenate([p_[0] for p_ in parts] + [ex_who])
        day = np.concatenate([p_[1] for p_ in parts] + [ex_day])
        excused = np.concatenate(
            [np.zeros(sum(len(p_[0]) for p_ in parts), dtype=bool), np.ones(len(ex_who), dtype=bool)]
        )
        frame = pd.DataFrame({"i": who, "d": day, "excused": excused})
        frame = frame[(frame.d >= 0) & (frame.d <= self.i_asof)]
        frame = frame.drop_duplicates(["i", "d"], keep="first").sort_values(["i", "d"], kind="stable")
        return pd.DataFrame(
            {
                "student_id": self.student_id[frame.i.to_numpy()],
                "day": _dates(self.sd[frame.d.to_numpy()]),
                "excused": frame.excused.to_numpy(),
            }
        )

    # -------------------------------------------------------------- dropout cases
    def _case_frames(self, contacts: pd.DataFrame) -> dict[str, pd.DataFrame]:
        rng = self.rng(12)
        c = self.cases.sort_values(["rep", "i"], kind="stable").reset_index(drop=True)
        st, sd, k = self.st, self.sd, len(self.cases)
        i = c.i.to_numpy()
        year = c.year.to_numpy()
        grade = np.clip(st.G.to_numpy()[i] - (self.y0 - year), 1, 9)
        school = np.array([self.years[y]["school"][j] for y, j in zip(year, i, strict=True)], dtype="int64")
        far = np.array([self.years[y]["far"][j] for y, j in zip(year, i, strict=True)], dtype=bool)
        age = st.age.to_numpy()[i] - (self.y0 - year)
        female = st.sex.to_numpy()[i] == "女"
        sub = st.iloc[i]
        weights = np.column_stack(
            [
                3 * sub.ld + 1 * (sub.trend <= -0.5) + 0.3,  # 学习困难/厌学
                2.5 * sub.pov + 0.1,  # 家庭经济困难
                3 * far + 0.05,  # 上学远
                1.5 * (age >= 14) + 0.5 * (age >= 13),  # 外出打工
                0.15 * (female & (age >= 14)),  # 早婚早育
                np.full(k, 0.03),  # 信教
                3 * sub.dis + 0.15,  # 身体原因(残疾/疾病)
                2 * (sub.orphan | sub.unsupported) + 1 * sub.prisoner + 0.6 * sub.lb,  # 监护缺失
                np.full(k, 0.2),  # 其他
            ]
        ).astype(float)
        reason = np.array(_REASON_CODES, dtype=object)[_categorical(rng, weights)]
        outcome = c.outcome.to_numpy()
        rep_d = sd[c.rep.to_numpy()]
        ver_d = np.where(c.ver >= 0, sd[np.maximum(c.ver.to_numpy(), 0)], -1)
        ret_d = np.where(c.ret >= 0, sd[np.maximum(c.ret.to_numpy(), 0)], -1)
        close_d = np.where(c.close >= 0, sd[np.maximum(c.close.to_numpy(), 0)], -1)
        retained = (outcome == 4) & (self.asof_day - ret_d >= 90)
        status = np.array(["疑似辍学", "已核实", "误报", "劝返中", "已返校"], dtype=object)[outcome]
        status[retained] = "巩固"
        close_d = np.where(retained, ret_d + 90, close_d)
        case_id = np.array([f"KC{self.code}-{j + 1:05d}" for j in range(k)])
        source = np.array(["缺勤监测", "学校上报", "花名册核查"], dtype=object)[c.src.to_numpy()]
        dismiss = np.where(
            outcome == 2,
            np.array(_DISMISS_REASONS, dtype=object)[rng.integers(0, len(_DISMISS_REASONS), k)],
            None,
        )
        # the six responsible people (六长)
        look = dict(
            zip(
                zip(contacts.role, contacts.place_code, strict=True),
                zip(contacts.name, contacts.phone, strict=True),
                strict=True,
            )
        )
        vill = self.vill.code.to_numpy()[st.vi.to_numpy()[i]]
        town = self.vill.township_code.to_numpy()[st.vi.to_numpy()[i]]
        sch_code = self.sch.code.to_numpy()[school]
        t_sex = np.where(rng.random(k) < 0.35, "男", "女")
        teacher = _person_names(rng, t_sex, adult=True)
        teacher_phone = _phones(rng, k)
        resp_rows, act_rows = [], []
        next_fu = np.full(k, -1)
        updated = np.zeros(k, dtype="int64")
        updated_by = np.empty(k, dtype=object)
        for j in range(k):
            people = {
                "师长": (teacher[j], teacher_phone[j]),
                "家长": (self.guardian_name[i[j]], self.guardian_phone[i[j]]),
                "校长": look[("校长", sch_code[j])],
                "村长": look[("村长", vill[j])],
                "镇长": look[("镇长", town[j])],
                "教体局局长": look[("教体局局长", self.code)],
            }
            for role in schema.SIX_CHIEFS:
                resp_rows.append((case_id[j], role, *people[role]))
            acts = self._actions(
                rng, outcome[j], status[j], reason[j], rep_d[j], ver_d[j], ret_d[j], close_d[j], dismiss[j]
            )
            for n_a, (d, who, what, result) in enumerate(acts):
                act_rows.append((f"{case_id[j]}-{n_a + 1:02d}", case_id[j], d, people[who][0], what, result))
            last = max(a[0] for a in acts)
            updated[j] = max(last, close_d[j], ret_d[j], ver_d[j], rep_d[j])
            updated_by[j] = people[acts[-1][1]][0]
            if outcome[j] in (0, 1, 3):
                next_fu[j] = last + int(config.SETTINGS["dropout"]["followup_interval_days"])
            elif status[j] == "已返校":
                next_fu[j] = ret_d[j] + (30 if self.asof_day < ret_d[j] + 30 else 90)
        minutes = rng.integers(8 * 60, 18 * 60, k)
        updated_at = _dates(updated).astype("datetime64[m]") + minutes.astype("timedelta64[m]")
        cases = pd.DataFrame(
            {
                "case_id": case_id,
                "student_id": self.student_id[i],
                "id_number": self.id_number[i],
                "name": self.name[i],
                "village_code": vill,
                "school_code": sch_code,
                "grade": grade.astype("int64"),
                "status": status,
                "reason": reason,
                "source": source,
                "reported_on": _dates(rep_d),
                "verified_on": _dates(ver_d),
                "returned_on": _dates(ret_d),
                "closed_on": _dates(close_d),
                "next_followup_on": _dates(next_fu),
                "dismiss_reason": dismiss,
                "version": np.ones(k, dtype="int64"),
                "updated_by": updated_by,
                "updated_at": updated_at.astype("datetime64[us]"),
            }
        )
        responsibles = pd.DataFrame(resp_rows, columns=["case_id", "role", "name", "phone"])
        actions = pd.DataFrame(
            act_rows, columns=["action_id", "case_id", "acted_on", "actor", "action", "result"]
        )
        actions["acted_on"] = _dates(actions.acted_on.to_numpy(dtype="int64"))
        # set in the app, not by the generator: 安置方式 (lib/demo/dropout.py fills it), reopenings,
        # and the accounts of 师长/村长
        cases = cases.assign(return_placement=None, first_returned_on=None, reopened_on=None)
        responsibles = responsibles.assign(account=None)
        return {"dropout_cases": cases, "case_responsibles": responsibles, "case_actions": actions}

    def _actions(
        self,
        rng: np.random.Generator,
        outcome: int,
        status: str,
        reason: str,
        rep: int,
        ver: int,
        ret: int,
        close: int,
        dismiss: str | None,
    ) -> list[tuple[int, str, str, str]]:
        """Persuasion record of one case: (day, who, action, result), all between report and ``as_of``."""
        asof = self.asof_day
        acts = [(rep, "师长", "电话", "已电话联系家长，了解缺勤原因")]
        if outcome == 2:
            acts.append((max(close, rep), "校长", "其他", f"核查结论：{dismiss}"))
            return acts
        visit = min(rep + int(rng.integers(1, 4)), asof)
        acts.append((visit, "师长", "家访", "入户家访，核实学生未到校情况并做家长工作"))
        if ver >= 0:
            acts.append((ver, "校长", "发放通知书", "已向家长送达《劝返复学通知书》"))
        specific = {
            "学习困难/厌学": ("师长", "一教一帮", "已确定一教一帮结对教师，每周个别辅导两次"),
            "家庭经济困难": ("校长", "资助核查", "已核查资助落实情况，纳入家庭经济困难学生生活补助"),
            "上学远": ("校长", "其他", "协调寄宿床位和上下学接送"),
            "外出打工": ("村长", "约谈", "约谈家长，告知适龄子女接受义务教育的法定责任"),
            "身体原因(残疾/疾病)": ("校长", "送教上门", "已评估身体状况，安排教师送教上门"),
            "监护缺失": ("村长", "约谈", "联系监护人和村委会，落实监护责任"),
        }.get(reason, ("镇长", "约谈", "镇村干部联合入户做家长工作"))
        base = ver if ver >= 0 else rep
        acts.append((min(base + int(rng.integers(2, 8)), asof), *specific))
        if outcome in (1, 3):
            d = acts[-1][0]
            stop = asof - int(rng.integers(0, 10))
            while outcome == 3 and d + 12 <= stop:
                # weekly-ish visits for two months, then monthly
                d += int(rng.integers(7, 13)) if d - base < 60 else int(rng.integers(25, 36))
                who, what = [("镇长", "约谈"), ("村长", "家访"), ("师长", "电话"), ("教体局局长", "约谈")][
                    int(rng.integers(0, 4))
                ]
                acts.append(
                    (
                        d,
                        who,
                        what,
                        [
                            "学生仍未返校，家长表示将继续做孩子工作",
                            "学生在外地，已联系务工地协助劝返",
                            "家长态度有所转变，约定下周再访",
                        ][int(rng.integers(0, 3))],
                    )
                )
        if outcome in (0, 1, 3) and max(a[0] for a in acts) < asof - 9:
            # open cases are followed up; about a fifth are overdue on ``as_of``
            who, what = [("师长", "电话"), ("村长", "家访"), ("镇长", "约谈")][int(rng.integers(0, 3))]
            acts.append((asof - int(rng.integers(0, 10)), who, what, "继续跟进，学生尚未返校"))
        if ret >= 0:
            acts.append((ret, "师长", "家访", "学生已返校复学，班主任跟踪关注"))
            if ret + 30 <= asof:
                acts.append((ret + 30, "师长", "电话", "返校满30天，学习生活正常"))
            if status == "巩固":
                acts.append((ret + 90, "校长", "其他", "返校满90天，巩固成效"))
        acts = [a for a in acts if a[0] <= asof]
        return sorted(acts, key=lambda a: a[0])

    # -------------------------------------------------------------- aid
    @staticmethod
    def _standard(key: str, day: date) -> dict:
        entries = sorted(config.SETTINGS["aid"][key], key=lambda e: e["from"])
        valid = [e for e in entries if date.fromisoformat(str(e["from"])) <= day]
        return (valid or entries)[-1]

    def _aid(self, snapshots: dict[tuple[int, int], pd.DataFrame]) -> pd.DataFrame:
        rng = self.rng(13)
        st, sch, sd = self.st, self.sch, self.sd
        defect_s = self.towns.aid_defect.to_numpy()[sch.t.to_numpy()]
        rural_s = ~sch.urban.to_numpy()
        prio = (st.pov | st.orphan | st.unsupported | st.dis | st.dparent | st.martyr).to_numpy()
        provincial = np.isin(st.category.to_numpy().astype(str), _PROVINCIAL_CATEGORIES)
        frames = []
        for term in self.terms:
            y, t = term["year"], term["term"]
            snap = snapshots[(y, t)]
            snap = snap[np.isin(snap.status.to_numpy(), schema.ENROLLED_STATUS)]
            i, s, g = snap.i.to_numpy(), snap.school.to_numpy(), snap.grade.to_numpy()
            start = date(1970, 1, 1) + timedelta(days=int(sd[term["first"]]))
            living = self._standard("living_subsidy", start)
            g_full = np.ones(self.n, dtype="int64")
            g_full[i] = g
            boarding = self.boarding_at(g_full, self.school_at(g_full))[i]
            per_term = np.where(g >= 7, living["junior"], living["primary"]) / 2
            amount_l = np.where(boarding, per_term, per_term / 2)
            nutrition = self._standard("nutrition_per_day", start)["yuan"] * term["all_days"]
            prov = self._standard("henan_provincial", start)["yuan"] / 2
            if t == 1:
                due_l, due_p = date(y, 10, 31), date(y, 11, 30)
            else:
                due_l, due_p = date(y + 1, 4, 30), date(y + 1, 5, 31)
            due_n = date(1970, 1, 1) + timedelta(days=int(sd[term["last"]]))
            at_school = snap.status.to_numpy() == "在校"
            parts = [
                ("生活补助", prio[i], amount_l, due_l, "中央"),
                ("营养改善计划", rural_s[s] & at_school, np.full(len(i), float(nutrition)), due_n, "中央"),
                ("省级资助", provincial[i], np.full(len(i), float(prov)), due_p, "省级"),
            ]
            for programme, mask, amount, due, fund in parts:
                frames.append(
                    pd.DataFrame(
                        {
                            "i": i[mask],
                            "school": s[mask],
                            "programme": programme,
                            "school_year": y,
                            "term": t,
                            "standard_amount": amount[mask],
                            "due": _day(due),
                            "funding_source": fund,
                            "term_first": sd[term["first"]],
                        }
                    )
                )
        rec = pd.concat(frames, ignore_index=True)
        defect = defect_s[rec.school.to_numpy()]
        n_r = len(rec)
        u = rng.random((5, n_r))
        living = (rec.programme == "生活补助").to_numpy()
        missing = u[0] < np.where(defect, np.where(living, 0.08, 0.03), 0.002)
        rec = rec[~missing].reset_index(drop=True)
        defect, u = defect[~missing], u[:, ~missing]
        due = rec.due.to_numpy()
        asof = self.asof_day
        paid_day = due - rng.integers(3, 31, len(rec))
        paid_day = np.maximum(paid_day, rec.term_first.to_numpy() + 10)
        late = u[1] < np.where(defect, 0.18, 0.01)
        paid_day = np.where(late, due + rng.integers(3, 61, len(rec)), paid_day)
        unpaid = u[2] < np.where(defect, 0.03, 0.002)
        not_due = due > asof
        early = u[3] < 0.55  # some not-yet-due payments are already made
        paid_day = np.where(
            not_due & early & (rec.programme != "营养改善计划"),
            np.minimum(paid_day, asof - rng.integers(0, 15, len(rec))),
            paid_day,
        )
        unpaid |= paid_day > asof
        paid_amount = rec.standard_amount.to_numpy().copy()
        short = u[4] < np.where(defect, 0.06, 0.003)
        paid_amount = np.where(
            short, np.round(paid_amount * rng.uniform(0.5, 0.9, len(rec)) / 10) * 10, paid_amount
        )
        paid_amount = np.where(unpaid, np.nan, paid_amount)
        paid_day = np.where(unpaid, -1, paid_day)
        rec = rec.assign(paid_day=paid_day, paid_amount=paid_amount)

        # paid but not eligible, and paid twice (some by two schools)
        cur = self.terms[-1]
        snap = snapshots[(cur["year"], cur["term"])]
        snap = snap[np.isin(snap.status.to_numpy(), schema.ENROLLED_STATUS)]
        noprio = ~prio[snap.i.to_numpy()]
        w = noprio * np.where(defect_s[snap.school.to_numpy()], 4.0, 1.0)
        pick = _weighted_sample(rng, w, max(2, round(self.n * 1.1e-4)))
        extra = rec[(rec.programme == "生活补助")].head(0)
        if len(pick):
            living = self._standard(
                "living_subsidy", date(1970, 1, 1) + timedelta(days=int(sd[cur["first"]]))
            )
            g = snap.grade.to_numpy()[pick]
            amount = np.where(g >= 7, living["junior"], living["primary"]) / 4
            due = _day(date(cur["year"], 10, 31) if cur["term"] == 1 else date(cur["year"] + 1, 4, 30))
            extra = pd.DataFrame(
                {
                    "i": snap.i.to_numpy()[pick],
                    "school": snap.school.to_numpy()[pick],
                    "programme": "生活补助",
                    "school_year": cur["year"],
                    "term": cur["term"],
                    "standard_amount": amount,
                    "due": due,
                    "funding_source": "中央",
                    "term_first": sd[cur["first"]],
                    "paid_day": np.minimum(due - rng.integers(3, 20, len(pick)), asof),
                    "paid_amount": amount,
                }
            )
        paid = rec[(rec.paid_day >= 0) & rec.programme.isin(["生活补助", "省级资助"])]
        dup_idx = _weighted_sample(
            rng, np.where(defect_s[paid.school.to_numpy()], 3.0, 1.0), max(2, round(self.n * 0.9e-4))
        )
        dup = paid.iloc[dup_idx].copy()
        other_school = rng.random(len(dup)) < 0.5
        who = dup.i.to_numpy()
        prev = self.school_at(
            np.clip(st.G.to_numpy()[who] - (self.y0 - dup.school_year.to_numpy()) - 1, 1, 9), who
        )
        alt = np.where(prev != dup.school.to_numpy(), prev, (dup.school.to_numpy() + 1) % len(sch))
        dup["school"] = np.where(other_school, alt, dup.school.to_numpy())
        dup["paid_day"] = np.minimum(dup.paid_day.to_numpy() + rng.integers(5, 40, len(dup)), asof)
        rec = pd.concat([rec, extra, dup], ignore_index=True)
        rec = rec.sort_values(["school_year", "term", "programme", "i"], kind="stable").reset_index(drop=True)
        return pd.DataFrame(
            {
                "record_id": np.char.add(
                    f"A{self.code}", np.char.zfill(np.arange(1, len(rec) + 1).astype(str), 8)
                ),
                "student_id": self.student_id[rec.i.to_numpy()],
                "school_code": sch.code.to_numpy()[rec.school.to_numpy()],
                "programme": rec.programme.to_numpy(),
                "school_year": rec.school_year.to_numpy(dtype="int64"),
                "term": rec.term.to_numpy(dtype="int64"),
                "standard_amount": rec.standard_amount.to_numpy(dtype=float),
                "paid_amount": rec.paid_amount.to_numpy(dtype=float),
                "due_date": _dates(rec.due.to_numpy()),
                "paid_date": _dates(rec.paid_day.to_numpy()),
                "funding_source": rec.funding_source.to_numpy(),
            }
        )

    # -------------------------------------------------------------- all tables
    def frames(self) -> dict[str, pd.DataFrame]:
        """Every data table of this county except the shared school calendar."""
        self._geography()
        self._population()
        self._schools()
        self._roster()
        self._placement()
        self._events()
        self._school_stats()
        self._identities()
        contacts = self._contacts()
        snapshots = {(t["year"], t["term"]): self.snapshot(t) for t in self.terms}
        enrolments = pd.concat(
            [
                pd.DataFrame(
                    {
                        "school_year": np.full(len(s), y, dtype="int64"),
                        "term": np.full(len(s), t, dtype="int64"),
                        "student_id": self.student_id[s.i.to_numpy()],
                        "school_code": self.sch.code.to_numpy()[s.school],
                        "grade": s.grade.to_numpy(dtype="int64"),
                        "status": s.status.to_numpy(),
                    }
                )
                for (y, t), s in snapshots.items()
            ],
            ignore_index=True,
        )
        towns = self.towns
        out = {
            "counties": self.county_row,
            "townships": towns[["code", "county_code", "name", "kind", "seat_lon", "seat_lat", "geometry"]],
            "villages": self.vill[["code", "township_code", "name", "kind", "lon", "lat"]],
            "village_population": self.population,
            "schools": self.sch[
                [
                    "code",
                    "name",
                    "level",
                    "township_code",
                    "village_code",
                    "lon",
                    "lat",
                    "capacity",
                    "classes",
                    "boarding_beds",
                    "teachers",
                ]
            ],
            "students": self._students_frame(),
            "enrolments": enrolments,
            "enrolment_counts": self._enrolment_counts(),
            "absences": self._absences(),
            "contacts": contacts,
            **self._case_frames(contacts),
            "aid_records": self._aid(snapshots),
        }
        out.update(self._logs(out))
        return {name: df.reset_index(drop=True) for name, df in out.items()}


# ------------------------------------------------------------------ public API
def demo_counties(scale: str) -> tuple[CountySpec, ...]:
    """The counties a build of ``scale`` ('district' or 'city') contains."""
    if scale == "district":
        return (COUNTY_BY_CODE[config.COUNTY_CODE],)
    if scale == "city":
        return COUNTIES
    raise ValueError(f"scale 只能是 district 或 city，不是 {scale!r}")


def county_frames(
    code: str,
    *,
    seed: int = config.DEMO_SEED,
    as_of: date = config.DEMO_AS_OF,
    students: int | None = None,
    calendar: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Generate one county's tables (every data table but ``school_calendar``).

    Parameters
    ----------
    code
        6-digit county code, one of :data:`COUNTIES`.
    seed, as_of
        Random seed and the demo's "today".
    students
        Override the county's target number of enrolled students (small test builds).
    calendar
        The school calendar (default :func:`build_calendar` of ``as_of``).

    Returns
    -------
    dict
        Table name -> DataFrame with the columns of :mod:`lib.core.schema`.
    """
    if code not in COUNTY_BY_CODE:
        raise ValueError(f"未知的县区代码 {code!r}")
    return _County(
        COUNTY_BY_CODE[code], seed=seed, as_of=as_of, students=students, calendar=calendar
    ).frames()


def build_demo(
    path: Path | None = None,
    *,
    scale: str = "district",
    seed: int = config.DEMO_SEED,
    as_of: date = config.DEMO_AS_OF,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, int]:
    """Fill the store at `path` (default config.db_path()) with the demo; return row counts per table.

    Existing data is replaced in one transaction (a failed build leaves the old
    content).  At city scale the counties are generated and written one at a
    time, so at most one county's frames are in memory.

    Parameters
    ----------
    path
        Database file (default :func:`lib.core.config.db_path`).
    scale
        ``district`` (平桥区) or ``city`` (the ten counties of 信阳市).
    seed
        Everything follows from it: same seed, identical tables.
    as_of
        The demo's "today" (default 2026-11-20).
    progress
        Called as ``progress(share_done, step)`` along the way (the first start's progress bar).

    Returns
    -------
    dict
        Rows written per data table.
    """
    specs = demo_counties(scale)
    say = progress or (lambda share, step: None)
    say(0.02, "校历")
    calendar = build_calendar(as_of)
    counts = dict.fromkeys(schema.DATA_TABLES, 0)
    with store.transaction(path) as con:
        for name in schema.DATA_TABLES:
            store.write_table(con, name, pd.DataFrame(columns=schema.TABLES[name].names), mode="replace")
        counts["school_calendar"] = store.write_table(con, "school_calendar", calendar)
        for i, spec in enumerate(specs):
            say(0.05 + 0.9 * i / len(specs), f"{spec.name}：学校、学生与台账")
            frames = county_frames(spec.code, seed=seed, as_of=as_of, calendar=calendar)
            say(0.05 + 0.9 * (i + 0.7) / len(specs), f"{spec.name}：写入数据库")
            for name, df in frames.items():
                counts[name] += store.write_table(con, name, df)
            del frames
        # the students' change log, replayed back to the calendar's first day (lib.demo.history)
        demo_history.record_demo_history(con, as_of, monthly=scale == "district")
        counts["student_history"] = con.execute("SELECT count(*) FROM student_history").fetchone()[0]
        # data-describing flags of the replaced content (e.g. derived demo steps) go with it
        con.execute("DELETE FROM meta WHERE key NOT IN ('schema_version', 'schema_hash')")
        for key, value in {
            "demo": "true",
            "demo_seed": str(seed),
            "demo_scale": scale,
            "as_of": as_of.isoformat(),
            "county_code": config.COUNTY_CODE,
            "demo_counties": ",".join(s.code for s in specs),
        }.items():
            store.set_meta(con, key, value)
        derived.changed(con, aid_summary.SOURCES)  # the summaries of the new content, in its transaction
        counts[aid_summary.NAME] = con.execute(f"SELECT count(*) FROM {aid_summary.NAME}").fetchone()[0]
    return counts
