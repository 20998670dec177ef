"""Demo rows for the 控辍保学 tables that lib/demo.py does not fill (演示数据).

:func:`ensure_dropout_demo` fills, once and in one transaction, and only in a
demo store (``meta.demo == 'true'``):

* ``interventions``: 送教上门 for most home-taught children (a few left without
  a teacher) and 一教一帮 for pupils with learning difficulty whose case gives
  学习困难/厌学, plus a sample of other struggling pupils;
* ``intervention_visits``: weekly visits and sessions since each start, some
  children falling behind in the last four weeks;
* ``weekly_submissions``: each school's weekly report for the weeks of the
  current term (a few schools missing, more in the current week).

Deterministic: a fixed seed, dates anchored to the store's ``as_of``.  Rows
are marked ``created_by``/``recorded_by``/``submitted_by`` = :data:`MARK`, so a
rebuilt demo (whose tables are emptied) is filled again.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config, store
from lib.core.scope import school_year_of
from lib.dropout import rules as dropout

MARK = "演示数据"
_SEED = (config.DEMO_SEED, 5)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈彭吕苏卢蒋蔡余潘杜"
_GIVEN = "丽芳敏静秀娟英华慧巧美娜红霞玲桂琴云艳凤洁梅琳雪燕建国明军平刚伟强磊洋勇杰涛超"
_SESSION = ("个别辅导数学", "个别辅导语文", "检查作业并谈心", "学习方法指导", "与家长沟通学习情况")
_VISIT = (
    "入户送教：生活自理训练",
    "入户送教：语文识字",
    "入户送教：数学认知",
    "入户送教：康复训练与家长指导",
)


def _rng(stage: int) -> np.random.Generator:
    return np.random.default_rng([*_SEED, stage])


def _names(rng: np.random.Generator, n: int) -> list[str]:
    s = np.array(list(_SURNAMES))[rng.integers(0, len(_SURNAMES), n)]
    g1 = np.array(list(_GIVEN))[rng.integers(0, len(_GIVEN), n)]
    g2 = np.array(list(_GIVEN))[rng.integers(0, len(_GIVEN), n)]
    two = rng.random(n) < 0.6
    return [a + b + (c if t else "") for a, b, c, t in zip(s, g1, g2, two, strict=True)]


def needs_dropout_demo(con: Any) -> bool:
    """A demo store whose 控辍保学 demo rows have not been written yet."""
    if store.get_meta(con, "demo") != "true":
        return False
    marked = con.execute("SELECT count(*) FROM interventions WHERE created_by = ?", [MARK]).fetchall()[0][0]
    if marked:
        return False
    return con.execute("SELECT count(*) FROM students").fetchall()[0][0] > 0


def ensure_dropout_demo(path: Path | None = None) -> bool:
    """Fill the 控辍保学 demo rows once (one transaction).  True if it did."""
    with store.connect(path) as con:
        if not needs_dropout_demo(con):
            return False
    with store.transaction(path) as con:
        if not needs_dropout_demo(con):  # another session did it meanwhile
            return False
        as_of = date.fromisoformat(store.get_meta(con, "as_of") or config.DEMO_AS_OF.isoformat())
        for name, frame in build_frames(con, as_of).items():
            store.write_table(con, name, frame)
        _placements(con)
    return True


def _placements(con: Any) -> None:
    """安置方式 of the demo's returned children: mostly back in their own school, some in another,
    a few in special education or taught at home, and 中职 for some of 15 and over."""
    rows = con.execute(
        "SELECT c.case_id, date_diff('year', st.birth_date, c.returned_on) AS age FROM dropout_cases c "
        "LEFT JOIN students st ON st.student_id = c.student_id WHERE c.returned_on IS NOT NULL ORDER BY c.case_id"
    ).fetchall()
    rng = _rng(4)
    kinds = np.array(["原校", "转学", "特教学校", "送教上门"])
    out = []
    for case_id, age in rows:
        u = rng.random()
        kind = (
            "中职"
            if age is not None and age >= 15 and u < 0.3
            else kinds[np.searchsorted([0.84, 0.94, 0.97], u)]
        )
        out.append((str(kind), case_id))
    con.executemany("UPDATE dropout_cases SET return_placement = ? WHERE case_id = ?", out)


def build_frames(con: Any, as_of: date) -> dict[str, pd.DataFrame]:
    """The demo rows, from what the store holds."""
    year_start = date(school_year_of(as_of), 9, 1)
    days = [d for d in _school_days(con, as_of) if d >= year_start]
    home = con.execute(
        "SELECT student_id FROM students WHERE placement = '送教上门' AND status IN ('在校', '送教上门') "
        "ORDER BY student_id"
    ).df()
    struggling = con.execute(
        "SELECT DISTINCT st.student_id FROM students st LEFT JOIN dropout_cases c ON c.student_id = st.student_id "
        "WHERE st.status = '在校' AND st.learning_difficulty AND (c.reason = '学习困难/厌学' OR c.case_id IS NULL) "
        "ORDER BY st.student_id"
    ).df()
    case_ld = set(
        con.execute(
            "SELECT student_id FROM dropout_cases WHERE reason = '学习困难/厌学' AND status IN ('已核实', '劝返中', '已返校')"
        ).df()["student_id"]
    )
    inter, visits = _interventions(
        home["student_id"].tolist(), struggling["student_id"].tolist(), case_ld, days=days, as_of=as_of
    )
    schools = con.execute("SELECT code FROM schools ORDER BY code").df()["code"].tolist()
    sent = con.execute(
        "SELECT c.case_id, c.status, min(a.acted_on) AS sent_on FROM dropout_cases c JOIN case_actions a "
        "ON a.case_id = c.case_id AND a.action = '发放通知书' GROUP BY 1, 2 ORDER BY 1"
    ).df()
    return {
        "interventions": inter,
        "intervention_visits": visits,
        "weekly_submissions": _submissions(schools, days=days, as_of=as_of),
        "notices": _notices(sent, as_of=as_of),
    }


def _notices(sent: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """The notices behind the demo's "发放通知书" actions, and, for children still out, some
    of the later ones (the rest are left for 我的待办)."""
    rng = _rng(3)
    s = config.SETTINGS["dropout"]
    kinds = dropout.notice_sequence(enrolled=True)
    rows = []
    for case_id, status, sent_on in sent.itertuples(index=False):
        day = pd.Timestamp(sent_on).date()
        for i, kind in enumerate(kinds):
            if i > 0 and (status != "劝返中" or rng.random() < 0.4):
                break
            wait = int(s["notice_deadline_days"]) if i <= 1 else int(s["notice_hearing_days"])
            if i > 0:
                day = day + timedelta(days=wait + int(rng.integers(0, 6)))
            if day > as_of:
                break
            deadline = day + timedelta(days=wait) if i < len(kinds) - 1 else None
            rows.append((f"WS{case_id[2:]}-{i + 1:02d}", case_id, kind, day, MARK, deadline))
    return pd.DataFrame(
        rows, columns=["notice_id", "case_id", "kind", "issued_on", "issued_by", "deadline_on"]
    )


def _school_days(con: Any, as_of: date) -> list[date]:
    rows = con.execute(
        "SELECT day FROM school_calendar WHERE is_school_day AND day <= ?::DATE ORDER BY day",
        [as_of.isoformat()],
    ).fetchall()
    return [r[0] for r in rows]


def _interventions(
    home: list[str], struggling: list[str], case_ld: set[str], *, days: list[date], as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng(1)
    first = days[0] if days else as_of
    rows, visits = [], []
    # 送教上门: about nine in ten have a teacher; a fifth of those are behind lately
    assigned = [s for s in home if rng.random() < 0.9]
    teachers = _names(rng, len(assigned))
    for k, (sid, teacher) in enumerate(zip(assigned, teachers, strict=True)):
        iid = f"GY{k + 1:05d}"
        start = first + timedelta(days=int(rng.integers(0, 10)))
        rows.append((iid, sid, "送教上门", teacher, start, None, "进行中", "每周入户送教", MARK, 1))
        behind = rng.random() < 0.2
        weekday = int(rng.integers(0, 5))
        d = start + timedelta(days=(weekday - start.weekday()) % 7)
        while d <= as_of:
            late = (as_of - d).days < 28
            if not (behind and late and rng.random() < 0.7) and rng.random() < 0.95:
                visits.append((iid, d, teacher, _VISIT[int(rng.integers(0, len(_VISIT)))]))
            d += timedelta(days=7)
    # 一教一帮: every struggling pupil with a 学困 case, and a sample of the others
    others = [s for s in struggling if s not in case_ld]
    pick = sorted(case_ld & set(struggling)) + sorted(
        rng.choice(others, size=min(140, len(others)), replace=False).tolist() if others else []
    )
    teachers = _names(rng, len(pick))
    for k, (sid, teacher) in enumerate(zip(pick, teachers, strict=True)):
        iid = f"BF{k + 1:05d}"
        start = days[int(rng.integers(0, max(len(days) - 10, 1)))] if days else as_of
        ended = rng.random() < 0.08
        end = min(start + timedelta(days=int(rng.integers(30, 60))), as_of) if ended else None
        rows.append(
            (
                iid,
                sid,
                "一教一帮",
                teacher,
                start,
                end,
                "已结束" if ended else "进行中",
                "结对帮扶，每周个别辅导",
                MARK,
                1,
            )
        )
        behind = rng.random() < 0.15
        d = start + timedelta(days=int(rng.integers(1, 5)))
        while d <= (end or as_of):
            if d.weekday() < 5 and not (behind and (as_of - d).days < 21):
                visits.append((iid, d, teacher, _SESSION[int(rng.integers(0, len(_SESSION)))]))
            d += timedelta(days=int(rng.integers(3, 8)))
    inter = pd.DataFrame(
        rows,
        columns=[
            "intervention_id",
            "student_id",
            "kind",
            "teacher",
            "started_on",
            "ended_on",
            "status",
            "note",
            "created_by",
            "version",
        ],
    )
    vis = pd.DataFrame(visits, columns=["intervention_id", "visited_on", "teacher", "content"])
    vis.insert(0, "visit_id", [f"{i}-{n + 1:03d}" for n, i in enumerate(vis["intervention_id"])])
    vis["recorded_by"] = MARK
    return inter, vis


def _submissions(schools: list[str], *, days: list[date], as_of: date) -> pd.DataFrame:
    """Each school's weekly report: weeks of the school year up to ``as_of``'s week."""
    rng = _rng(2)
    weeks = sorted({dropout.iso_week_of(d) for d in days})
    current = dropout.iso_week_of(as_of)
    rows = []
    lagging = (
        set(rng.choice(schools, size=max(1, len(schools) // 25), replace=False).tolist())
        if schools
        else set()
    )
    for week in weeks:
        monday, _ = dropout.parse_iso_week(week)
        for code in schools:
            p = 0.78 if week == current else (0.8 if code in lagging else 0.99)
            if rng.random() < p:
                day = min(monday + timedelta(days=int(rng.integers(3, 5))), as_of)
                rows.append((week, code, day, MARK, "零报告" if rng.random() < 0.85 else None))
    return pd.DataFrame(rows, columns=["iso_week", "school_code", "submitted_on", "submitted_by", "note"])
