"""学籍核查 · the lists beside the roster: double enrolment, the transfer ledger,
studying elsewhere and problem records (问题学籍).

Every function takes a connection and the caller's Scope, asks
:mod:`lib.core.permissions` for ``view_named`` and returns unmasked rows (mask
with :func:`display`).  Settings: ``roster.transfer_confirm_days``,
``roster.over_age_years``, ``roster.absent_school_days`` (lib/config.py).

* **Double enrolment** (重复在籍): one ID number enrolled (在校/送教上门) at two
  schools of the county at once; listed when either school is in Scope.
* **Transfers** (转学台账): each transfer out is followed until the receiving
  school confirms it; unconfirmed after ``transfer_confirm_days`` it is
  overdue and proposed as a suspected dropout (a person decides: nothing is
  created silently).  Scope: the sending school.
* **Studying elsewhere** (异地就学): children of the Scope's villages recorded
  as studying in another county; not confirmed since the term began → to check
  by phone or at home.
* **Problem records**: 空挂学籍 (enrolled, unexcused absence on at least
  ``absent_school_days`` school days this term, no open case), 人籍分离 (the
  roster's home village differs from the record's), 身份证号校验错误, 疑似重复人员
  (same name, sex, birth date and home village under two ID numbers), 超龄 (age
  on 1 September − the grade's typical age, ``schema.typical_age``, > ``over_age_years``).
  Each with a suggested action.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, ids, permissions, schema, store
from lib.core.places import ENROLLED_SQL
from lib.core.scope import Scope

PROBLEMS: dict[str, str] = {
    "kongua": "空挂学籍",
    "residence": "人籍分离",
    "bad_id": "身份证号校验错误",
    "duplicate": "疑似重复人员",
    "over_age": "超龄",
}
ACTIONS: dict[str, str] = {
    "double": "核对两校学籍，注销错误的一条",
    "transfer": "联系转入学校确认；无法确认的按疑似辍学核实",
    "elsewhere": "电话或入户核实就读情况，更新确认日期",
    "kongua": "入户核实是否辍学，必要时建立控辍保学台账",
    "residence": "核对户籍与学籍住址，更新学籍信息",
    "bad_id": "核对户口簿，更正身份证号",
    "duplicate": "核实是否同一人，合并或注销重复学籍",
    "over_age": "核实出生日期与年级，关注学习困难与辍学风险",
}


def _settings() -> dict[str, Any]:
    return {
        "transfer_confirm_days": 30,
        "over_age_years": 2,
        "absent_school_days": 20,
        **config.SETTINGS.get("roster", {}),
    }


def term_start(scope: Scope) -> date:
    """First day of the Scope's term: 1 September (term 1) or 1 February (term 2)."""
    return date(int(scope.school_year), 9, 1) if scope.term == 1 else date(int(scope.school_year) + 1, 2, 1)


def _students_sql(scope: Scope) -> tuple[str, list[Any]]:
    """Enrolled students in Scope with their school and township names (alias ``st``)."""
    sw, sp = scope.student_where("st")
    return (
        f"SELECT st.*, sc.name AS school_name, sc.level, t.name AS township_name FROM students st "
        f"JOIN schools sc ON sc.code = st.school_code JOIN townships t ON t.code = sc.township_code "
        f"WHERE st.status IN {ENROLLED_SQL} AND {sw}",
        sp,
    )


def double_enrolment(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Every enrolled record of an ID number enrolled more than once in the county.

    One row per record (``student_id``, ``school_name`` …), the records of one
    child together; the child is listed when any of the records is in Scope.
    """
    permissions.require(scope, "view_named")
    base, params = _students_sql(scope)
    return store.frame(
        con,
        f"""WITH dup AS (SELECT st.id_number FROM students st JOIN schools sc ON sc.code = st.school_code
                         WHERE st.status IN {ENROLLED_SQL} AND sc.township_code LIKE ?
                         GROUP BY 1 HAVING count(*) > 1),
            mine AS (SELECT DISTINCT id_number FROM ({base}) s WHERE id_number IN (SELECT id_number FROM dup))
        SELECT st.student_id, st.id_number, st.name, st.grade, st.school_code, sc.name AS school_name,
               t.name AS township_name, st.enrolled_on
        FROM students st JOIN schools sc ON sc.code = st.school_code JOIN townships t ON t.code = sc.township_code
        WHERE st.status IN {ENROLLED_SQL} AND st.id_number IN (SELECT id_number FROM mine)
        ORDER BY st.id_number, st.enrolled_on, st.student_id""",
        [scope.county + "%", *params],
    )


def transfers(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The transfer ledger of the Scope's schools, with ``deadline`` and ``state``; overdue first.

    A transfer out (转出, Scope: the sending school) is 已确认 once the receiving school
    confirmed it, else 待确认, and 逾期未确认 after the deadline.  A transfer in (转入, Scope:
    the receiving school) is 已到校 once the pupil is on its roll (在校), else 待到校, and
    逾期未到校 after the deadline: a child who left one school and never arrived at the next.
    """
    permissions.require(scope, "view_named")
    days = int(_settings()["transfer_confirm_days"])
    sw, sp = scope.school_where("sc")
    out = store.frame(
        con,
        f"""SELECT tr.*, st.id_number, st.name, st.grade, st.village_code, sc.name AS school_name,
                   t.name AS township_name, coalesce(sc2.name, tr.other_school_name) AS to_school_name,
                   coalesce(sc0.name, tr.other_school_name) AS from_school_name,
                   tr.transfer_on + ?::INTEGER AS deadline,
                   (st.status IN {ENROLLED_SQL} AND st.school_code = tr.to_school) AS arrived
            FROM transfers tr JOIN students st ON st.student_id = tr.student_id
            JOIN schools sc ON sc.code = CASE WHEN tr.direction = '转入' THEN tr.to_school ELSE tr.from_school END
            JOIN townships t ON t.code = sc.township_code
            LEFT JOIN schools sc2 ON sc2.code = tr.to_school
            LEFT JOIN schools sc0 ON sc0.code = tr.from_school
            WHERE tr.direction IN ('转出', '转入') AND tr.transfer_on <= ? AND {sw}""",
        [days, scope.as_of, *sp],
    )
    inbound = (out["direction"] == "转入").to_numpy()
    confirmed = out["confirmed_on"].notna() & (
        pd.to_datetime(out["confirmed_on"]) <= pd.Timestamp(scope.as_of)
    )
    done = np.where(inbound, out["arrived"].fillna(False).astype(bool), confirmed)
    overdue = ~done & (pd.to_datetime(out["deadline"]) < pd.Timestamp(scope.as_of)).to_numpy()
    for c in ("transfer_on", "confirmed_on", "deadline"):
        out[c] = pd.to_datetime(out[c]).dt.date.astype(object).where(out[c].notna(), None)
    out["state"] = np.select(
        [done & inbound, done, overdue & inbound, overdue, inbound],
        ["已到校", "已确认", "逾期未到校", "逾期未确认", "待到校"],
        default="待确认",
    )
    order = out["state"].map(
        {"逾期未确认": 0, "逾期未到校": 0, "待确认": 1, "待到校": 1, "已确认": 2, "已到校": 2}
    )
    return (
        out.assign(_o=order)
        .sort_values(["_o", "deadline", "transfer_id"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def overdue_transfers(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Transfers past the deadline (out: not confirmed; in: the pupil never arrived) without an open case:
    the suspected cases proposed to a person (confirm with
    :func:`lib.dropout.cases.open_case_for_student`)."""
    t = transfers(con, scope)
    t = t[t["state"].isin(["逾期未确认", "逾期未到校"])]
    open_ = set(
        store.frame(
            con,
            "SELECT student_id FROM dropout_cases WHERE student_id IS NOT NULL AND status IN "
            f"({', '.join(repr(s) for s in schema.OPEN_CASE_STATUS)})",
        )["student_id"]
    )
    return t[~t["student_id"].isin(open_)].reset_index(drop=True)


def elsewhere(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Children of the Scope's villages studying in another county; ``to_check`` when not
    confirmed since the term began (to check by phone or at home)."""
    permissions.require(scope, "view_named")
    vw, vp = scope.village_where("v")
    out = store.frame(
        con,
        f"""SELECT e.*, v.name AS village_name, t.name AS township_name
            FROM study_elsewhere e JOIN villages v ON v.code = e.village_code JOIN townships t ON t.code = v.township_code
            WHERE {vw} ORDER BY e.confirmed_on NULLS FIRST, e.id_number""",
        vp,
    )
    start = pd.Timestamp(term_start(scope))
    out["confirmed_on"] = (
        pd.to_datetime(out["confirmed_on"]).dt.date.astype(object).where(out["confirmed_on"].notna(), None)
    )
    out["to_check"] = out["confirmed_on"].isna() | (pd.to_datetime(out["confirmed_on"]) < start)
    return out


#: What the checks of :func:`problems` judge of a student (names are read for what they find).
_PROBLEM_COLUMNS = "student_id, id_number, sex, birth_date, grade, village_code"
#: What a problem record shows of its student.
_SHOWN = "student_id, id_number, name, grade, school_code, school_name, township_name, village_code"
#: What an ID number's damage is called (:func:`lib.core.ids.id_damage`).
_DAMAGE = {
    "checksum": "校验位错误",
    "format": "格式错误",
    "excel_zeros": "被 Excel 截断(末尾 000)",
    "scientific": "科学计数法",
    "missing": "缺失",
}


def problems(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Problem records in Scope: one row per student and problem, with ``problem``
    (:data:`PROBLEMS` key), ``detail`` and ``action``.

    The checks read only what they judge of the Scope's students (a city's store has 1.1M);
    names and places are read for the students they find."""
    permissions.require(scope, "view_named")
    base, params = _students_sql(scope)
    s = _settings()
    sept1 = date(int(scope.school_year), 9, 1)
    found = store.frame(
        con,
        f"""WITH s AS MATERIALIZED (SELECT {_PROBLEM_COLUMNS} FROM ({base})),
        -- 空挂学籍: unexcused absence on N school days of this term, no open case
        a AS (SELECT a.student_id, count(*) AS days FROM absences a JOIN school_calendar c ON c.day = a.day
              WHERE NOT a.excused AND c.is_school_day AND a.day >= ? AND a.day <= ? GROUP BY 1),
        -- 疑似重复人员: same name, sex, birth date and home village under two ID numbers (the groups
        -- of more than one record first: comparing their ID numbers is the dear part)
        k AS (SELECT name, sex, birth_date, village_code FROM students WHERE status IN {ENROLLED_SQL}
              AND village_code IN (SELECT village_code FROM s)  -- the pairs s can join, not the store's
              GROUP BY ALL HAVING count(*) > 1),
        d AS (SELECT k.* FROM k JOIN students x ON x.name = k.name AND x.sex = k.sex
              AND x.birth_date = k.birth_date AND x.village_code = k.village_code
              WHERE x.status IN {ENROLLED_SQL} GROUP BY ALL HAVING count(DISTINCT x.id_number) > 1),
        -- 超龄: the age on 1 September against the grade's typical age
        age AS (SELECT student_id, grade, year(?::DATE) - year(birth_date)
                 - CASE WHEN month(birth_date) > 9 OR (month(birth_date) = 9 AND day(birth_date) > 1)
                        THEN 1 ELSE 0 END AS age FROM s)
        SELECT s.student_id, 'kongua' AS problem, '本学期无故缺勤' || a.days || '个上课日' AS detail
        FROM s JOIN a USING (student_id)
        WHERE a.days >= ? AND s.student_id NOT IN (SELECT student_id FROM dropout_cases
              WHERE student_id IS NOT NULL AND status IN ('疑似辍学', '已核实', '劝返中'))
        UNION ALL  -- 人籍分离: the roster's home village differs from the record's
        SELECT s.student_id, 'residence',
               '户籍：' || coalesce(v.name, r.village_code) || '，学籍：' || coalesce(v2.name, s.village_code)
        FROM s JOIN school_age_roster r ON r.id_number = s.id_number
        LEFT JOIN villages v ON v.code = r.village_code LEFT JOIN villages v2 ON v2.code = s.village_code
        WHERE r.village_code IS NOT NULL AND r.village_code IS DISTINCT FROM s.village_code
        UNION ALL
        SELECT s.student_id, 'duplicate', '同名同性别同生日同村，身份证号不同'
        FROM s JOIN students n ON n.student_id = s.student_id
        JOIN d ON d.name = n.name AND d.sex = s.sex AND d.birth_date = s.birth_date AND d.village_code = s.village_code
        UNION ALL
        SELECT student_id, 'over_age', age || '岁读' || grade || '年级' FROM age
        WHERE age - (grade + {schema.GRADE_AGE_OFFSET}) > ?""",
        [
            *params,
            term_start(scope),
            scope.as_of,
            sept1,
            int(s["absent_school_days"]),
            int(s["over_age_years"]),
        ],
    )
    # 身份证号校验错误 (GB 11643, judged set-wise in Python: lib.core.ids)
    roll = store.frame(con, f"SELECT student_id, id_number FROM ({base})", params)
    bad = roll[~ids.valid_ids(roll["id_number"])]
    bad = pd.DataFrame(
        {
            "student_id": bad["student_id"],
            "problem": "bad_id",
            "detail": bad["id_number"].map(
                lambda v: _DAMAGE.get(ids.id_damage(v) or "", "无效"), na_action=None
            ),
        }
    )
    return _shown(con, pd.concat([p for p in (found, bad) if len(p)] or [found], ignore_index=True))


def _shown(con: duckdb.DuckDBPyConnection, found: pd.DataFrame) -> pd.DataFrame:
    """``found`` with what a problem record shows of its student, its label and action."""
    con.register("_found_problems", found.astype({"student_id": "str", "problem": "str", "detail": "str"}))
    try:
        out = store.frame(
            con,
            f"""SELECT {", ".join("s." + c for c in _SHOWN.split(", "))}, f.problem, f.detail
            FROM _found_problems f JOIN (SELECT st.student_id, st.id_number, st.name, st.grade, st.school_code,
                 sc.name AS school_name, t.name AS township_name, st.village_code FROM students st
                 JOIN schools sc ON sc.code = st.school_code JOIN townships t ON t.code = sc.township_code) s
              ON s.student_id = f.student_id""",
        )
    finally:
        con.unregister("_found_problems")
    out["problem_label"] = out["problem"].map(PROBLEMS)
    out["action"] = out["problem"].map(ACTIONS)
    return out.sort_values(["problem", "township_name", "school_name", "student_id"]).reset_index(drop=True)


# ------------------------------------------------------------------ display and 我的待办
_MASK = {"name": "name", "id_number": "id"}
DISPLAY: dict[str, dict[str, str]] = {
    "double": {
        "name": "姓名",
        "id_number": "身份证号",
        "school_name": "学校",
        "grade": "年级",
        "township_name": "学校所在乡镇",
        "enrolled_on": "入学日期",
        "student_id": "学生编号",
    },
    "transfer": {
        "transfer_id": "转学编号",
        "direction": "方向",
        "name": "姓名",
        "id_number": "身份证号",
        "from_school_name": "转出学校",
        "to_school_name": "转入学校",
        "transfer_on": "转学日期",
        "deadline": "确认期限",
        "confirmed_on": "对方确认日期",
        "state": "状态",
    },
    "elsewhere": {
        "name": "姓名",
        "id_number": "身份证号",
        "township_name": "户籍乡镇",
        "village_name": "户籍村(社区)",
        "school_name": "就读学校",
        "county_name": "就读地",
        "confirmed_on": "最近确认日期",
        "check": "核查",
    },
    "problem": {
        "problem_label": "问题",
        "name": "姓名",
        "id_number": "身份证号",
        "school_name": "学校",
        "grade": "年级",
        "township_name": "学校所在乡镇",
        "detail": "说明",
        "action": "建议措施",
    },
}


def display(frame: pd.DataFrame, which: str, *, mask: bool = True) -> pd.DataFrame:
    """A list for the screen and exports (Chinese headers), masked unless ``mask`` is False."""
    out = frame.copy()
    if which == "elsewhere":
        out["check"] = out["to_check"].map({True: "本学期未确认，需电话或入户核查", False: "已确认"})
    if "grade" in out:
        out["grade"] = out["grade"].map(lambda g: schema.GRADE_LABELS.get(int(g), "") if pd.notna(g) else "")
    if mask:
        out = ids.mask_frame(out, columns={k: v for k, v in _MASK.items() if k in out})
    labels = DISPLAY[which]
    return out.reindex(columns=list(labels)).rename(columns=labels)
