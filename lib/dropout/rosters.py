"""帮扶名册: 一教一帮 (a struggling pupil paired with a teacher) and 送教上门 (a teacher
sent to a severely disabled child at home).

Interventions live in the ``interventions`` table (the at-risk list assigns
them too) and what has happened since in ``intervention_visits``.

* 一教一帮: per active pairing, sessions since the start and in the last four
  weeks against ``mentoring_sessions_per_week`` × 4, the last session, and the
  pupil's unexcused absence since the start.
* 送教上门: per home-taught child (placed 送教上门, or assigned it from the at-risk list), the
  assigned teacher (or none) and visits in the last four weeks against
  ``home_teaching_visits_per_week`` × 4: who is behind.
* 家访 and 资助核查 (:func:`other_roster`): every such assignment with its owner, its visits and
  the last one; red when an active one has had no visit in four weeks.
* 帮扶成效 (:func:`effect_table`, as EWIMS monitors effect): per intervention kind, unexcused
  absence in the four weeks before the start against the four weeks after, and how many of the
  children out of school at the start have returned since.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, ids, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.dropout import data as dropout_data

WINDOW_DAYS = 28  # "the last four weeks"

MENTORING_COLUMNS: dict[str, str] = {
    "name": "学生",
    "school_name": "学校",
    "grade": "年级",
    "teacher": "帮扶教师",
    "days": "已帮扶(天)",
    "sessions": "累计辅导(次)",
    "sessions_4w": "近四周辅导(次)",
    "last_session": "最近一次",
    "unexcused": "开始以来无故缺勤(天)",
    "open_case": "未结辍学台账",
    "status": "状态",
}
OTHER_COLUMNS: dict[str, str] = {
    "kind": "措施",
    "name": "学生",
    "school_name": "学校",
    "grade": "年级",
    "teacher": "负责人",
    "started_on": "开始日期",
    "sessions": "累计记录(次)",
    "sessions_4w": "近四周(次)",
    "last_session": "最近一次",
    "status": "状态",
}
#: Kinds listed by :func:`other_roster` (一教一帮 and 送教上门 have their own rosters).
OTHER_KINDS = ("家访", "资助核查")
EFFECT_COLUMNS: dict[str, str] = {
    "kind": "措施",
    "interventions": "已满四周(人次)",
    "before": "开始前四周无故缺勤(天/人)",
    "after": "开始后四周无故缺勤(天/人)",
    "change": "变化",
    "out_at_start": "开始时未在校(人)",
    "returned": "其中已返校(人)",
}
HOME_COLUMNS: dict[str, str] = {
    "name": "学生",
    "disability_level": "残疾等级",
    "township_name": "户籍乡镇",
    "village_name": "户籍村(社区)",
    "school_name": "学籍学校",
    "teacher": "送教教师",
    "started_on": "开始日期",
    "visits_4w": "近四周送教(次)",
    "required_4w": "应送教(次)",
    "behind": "欠(次)",
    "last_visit": "最近一次",
}


class SupportRosterError(AppError, RuntimeError):
    """The change cannot be made (message in Chinese)."""


# ------------------------------------------------------------------ pure
def _per_intervention(visits: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    if visits.empty:
        return pd.DataFrame(columns=["intervention_id", "n_all", "n_4w", "last_on", "last_content"])
    v = visits.sort_values(["intervention_id", "visited_on"])
    recent = pd.to_datetime(v["visited_on"]) > pd.Timestamp(as_of - timedelta(days=WINDOW_DAYS))
    agg = (
        v.assign(recent=recent.to_numpy())
        .groupby("intervention_id")
        .agg(
            n_all=("visit_id", "size"),
            n_4w=("recent", "sum"),
            last_on=("visited_on", "max"),
            last_content=("content", "last"),
        )
    )
    return agg.reset_index()


def mentoring_roster(
    inter: pd.DataFrame,
    visits: pd.DataFrame,
    unexcused: pd.Series,
    open_cases: set[str],
    *,
    as_of: date,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """一教一帮 roster, one row per pairing, most behind first.

    Returns
    -------
    DataFrame
        The intervention's and student's columns plus ``days``, ``sessions``,
        ``sessions_4w``, ``required_4w``, ``last_session``, ``unexcused``,
        ``open_case`` and ``colour`` (grey ended; red active with no session in the last
        four weeks; amber fewer than required; green on target).
    """
    per_week = int((settings or config.SETTINGS)["dropout"]["mentoring_sessions_per_week"])
    out = inter.merge(_per_intervention(visits, as_of=as_of), on="intervention_id", how="left")
    out["sessions"] = out["n_all"].fillna(0).astype("int64")
    out["sessions_4w"] = out["n_4w"].fillna(0).astype("int64")
    started = pd.to_datetime(out["started_on"])
    out["days"] = (pd.Timestamp(as_of) - started).dt.days.astype("Int64")
    weeks = np.minimum(out["days"].fillna(0).to_numpy(dtype=float), WINDOW_DAYS) / 7
    out["required_4w"] = np.floor(weeks * per_week).astype("int64")
    out["last_session"] = [
        f"{d.month}月{d.day}日 {c}" if isinstance(d, date) and not pd.isna(d) else "—"
        for d, c in zip(out["last_on"], out["last_content"], strict=True)
    ]
    out["unexcused"] = out["student_id"].map(unexcused).fillna(0).astype("int64")
    out["open_case"] = np.where(out["student_id"].isin(open_cases), "有", "")
    active = (out["status"] == "进行中").to_numpy()
    out["colour"] = np.select(
        [
            ~active,
            out["sessions_4w"].to_numpy() == 0,
            out["sessions_4w"].to_numpy() < out["required_4w"].to_numpy(),
        ],
        ["grey", "red", "amber"],
        default="green",
    )
    order = out["colour"].map({"red": 0, "amber": 1, "green": 2, "grey": 3})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "sessions_4w", "intervention_id"], ignore_index=True)
        .drop(columns=["_o", "n_all", "n_4w", "last_on", "last_content"])
    )


def home_teaching_roster(
    children: pd.DataFrame,
    inter: pd.DataFrame,
    visits: pd.DataFrame,
    *,
    as_of: date,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """送教上门 roster, one row per home-taught child, those behind first.

    Returns
    -------
    DataFrame
        The child's columns plus ``intervention_id``, ``teacher`` (None = no teacher
        assigned), ``started_on``, ``visits_4w``, ``required_4w``, ``behind``,
        ``last_visit`` and ``colour`` (red no teacher or two or more visits behind; amber
        one behind; green on target).
    """
    per_week = int((settings or config.SETTINGS)["dropout"]["home_teaching_visits_per_week"])
    active = inter[(inter["kind"] == "送教上门") & (inter["status"] == "进行中")]
    active = active.sort_values("started_on").drop_duplicates("student_id", keep="last")
    out = children.merge(
        active[["student_id", "intervention_id", "teacher", "started_on"]], on="student_id", how="left"
    )
    out = out.merge(_per_intervention(visits, as_of=as_of), on="intervention_id", how="left")
    out["visits_4w"] = out["n_4w"].fillna(0).astype("int64")
    started = pd.to_datetime(out["started_on"])
    days = (pd.Timestamp(as_of) - started).dt.days.fillna(WINDOW_DAYS).clip(upper=WINDOW_DAYS)
    out["required_4w"] = np.floor(days.to_numpy(dtype=float) / 7 * per_week).astype("int64")
    out["behind"] = np.maximum(out["required_4w"] - out["visits_4w"], 0).astype("int64")
    out["last_visit"] = [
        f"{d.month}月{d.day}日" if isinstance(d, date) and not pd.isna(d) else "—" for d in out["last_on"]
    ]
    no_teacher = out["teacher"].isna().to_numpy()
    out["colour"] = np.select(
        [no_teacher, out["behind"].to_numpy() >= 2, out["behind"].to_numpy() == 1],
        ["red", "red", "amber"],
        default="green",
    )
    order = out["colour"].map({"red": 0, "amber": 1, "green": 2})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "behind", "student_id"], ascending=[True, False, True], ignore_index=True)
        .drop(columns=["_o", "n_all", "n_4w", "last_on", "last_content"])
    )


def other_roster(inter: pd.DataFrame, visits: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """家访 and 资助核查 assignments (:data:`OTHER_KINDS`), one row each, those needing attention first.

    Returns
    -------
    DataFrame
        The intervention's and student's columns plus ``sessions``, ``sessions_4w``,
        ``last_session`` and ``colour`` (grey ended; red active with no record in the last four
        weeks and started at least a week ago; green otherwise).
    """
    out = inter[inter["kind"].isin(OTHER_KINDS)].merge(
        _per_intervention(visits, as_of=as_of), on="intervention_id", how="left"
    )
    out["sessions"] = out["n_all"].fillna(0).astype("int64")
    out["sessions_4w"] = out["n_4w"].fillna(0).astype("int64")
    out["last_session"] = [
        f"{d.month}月{d.day}日 {c}" if isinstance(d, date) and not pd.isna(d) else "—"
        for d, c in zip(out["last_on"], out["last_content"], strict=True)
    ]
    age = (pd.Timestamp(as_of) - pd.to_datetime(out["started_on"])).dt.days.fillna(0).to_numpy()
    active = (out["status"] == "进行中").to_numpy()
    out["colour"] = np.select(
        [~active, (out["sessions_4w"].to_numpy() == 0) & (age >= 7)], ["grey", "red"], default="green"
    )
    order = out["colour"].map({"red": 0, "amber": 1, "green": 2, "grey": 3})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "started_on", "intervention_id"], ignore_index=True)
        .drop(columns=["_o", "n_all", "n_4w", "last_on", "last_content"])
    )


def effect_table(around: pd.DataFrame) -> pd.DataFrame:
    """帮扶成效 per kind from one row per intervention started at least four weeks ago.

    Parameters
    ----------
    around
        ``kind``, ``before`` and ``after`` (unexcused days in the 28 days before and after the
        start), ``out_at_start`` (an open case on the start day), ``returned`` (that case's
        child back since).

    Returns
    -------
    DataFrame
        :data:`EFFECT_COLUMNS` keys; ``before``/``after`` are means per child, ``change`` their
        difference (negative = fewer absences after).
    """
    if around.empty:
        return pd.DataFrame(columns=list(EFFECT_COLUMNS))
    g = around.groupby("kind")
    out = pd.DataFrame(
        {
            "interventions": g.size(),
            "before": g["before"].mean().round(2),
            "after": g["after"].mean().round(2),
            "out_at_start": g["out_at_start"].sum().astype("int64"),
            "returned": g["returned"].sum().astype("int64"),
        }
    )
    out["change"] = (out["after"] - out["before"]).round(2)
    return out.reset_index()[list(EFFECT_COLUMNS)]


def _around(con: duckdb.DuckDBPyConnection, inter: pd.DataFrame, *, as_of: date) -> pd.DataFrame:
    """Per intervention started 28 or more days before ``as_of``: unexcused days in the 28 days
    before and after its start, and whether its child was out (an open case) then and is back now."""
    cols = ["intervention_id", "kind", "before", "after", "out_at_start", "returned"]
    done = inter[pd.to_datetime(inter["started_on"]) <= pd.Timestamp(as_of - timedelta(days=WINDOW_DAYS))]
    if done.empty:
        return pd.DataFrame(columns=cols)
    con.register("_iv", done[["intervention_id", "student_id", "kind", "started_on"]])
    try:
        return store.frame(
            con,
            f"""
            SELECT i.intervention_id, i.kind,
                   (SELECT count(*) FROM absences a WHERE a.student_id = i.student_id AND NOT a.excused
                    AND a.day >= i.started_on - INTERVAL {WINDOW_DAYS} DAY AND a.day < i.started_on) AS before,
                   (SELECT count(*) FROM absences a WHERE a.student_id = i.student_id AND NOT a.excused
                    AND a.day >= i.started_on AND a.day < i.started_on + INTERVAL {WINDOW_DAYS} DAY) AS after,
                   EXISTS (SELECT 1 FROM dropout_cases c WHERE c.student_id = i.student_id
                           AND c.verified_on <= i.started_on
                           AND (c.returned_on IS NULL OR c.returned_on > i.started_on)) AS out_at_start,
                   EXISTS (SELECT 1 FROM dropout_cases c WHERE c.student_id = i.student_id
                           AND c.verified_on <= i.started_on
                           AND c.returned_on > i.started_on AND c.returned_on <= ?::DATE) AS returned
            FROM _iv i ORDER BY i.intervention_id
            """,
            [as_of.isoformat()],
        )
    finally:
        con.unregister("_iv")


def display(roster: pd.DataFrame, columns: dict[str, str], *, mask: bool = True) -> pd.DataFrame:
    """A roster ready for the screen or a file: masked, grade labels, Chinese headers."""
    out = roster.copy()
    if "grade" in out:
        out["grade"] = out["grade"].map(schema.GRADE_LABELS)
    if "teacher" in out:
        out["teacher"] = out["teacher"].fillna("未安排")
    if mask:
        out = ids.mask_frame(out, columns={"name": "name", "id_number": "id"})
        if "teacher" in out:
            out["teacher"] = out["teacher"].map(lambda v: v if v == "未安排" else ids.mask_name(v))
    return out[list(columns)].rename(columns=columns)


# ------------------------------------------------------------------ reading
def load_rosters(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, pd.DataFrame]:
    """Both rosters for ``scope`` on ``as_of`` (unmasked: mask with :func:`display`)."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    inter = dropout_data.interventions(con, scope)
    visits = dropout_data.intervention_visits(con, scope)
    mentoring = inter[inter["kind"] == "一教一帮"]
    unexcused = dropout_data.unexcused_since(
        con, mentoring["student_id"].tolist(), mentoring["started_on"], until=scope.as_of
    )
    cases = dropout_data.cases(con, scope)
    open_cases = set(cases.loc[cases["status"].isin(schema.OPEN_CASE_STATUS), "student_id"].dropna())
    children = dropout_data.home_taught_students(con, scope)
    # an ordinary pupil assigned 送教上门 from the at-risk list is on the roster too
    assigned = inter.loc[(inter["kind"] == "送教上门") & (inter["status"] == "进行中"), "student_id"]
    extra = [s for s in assigned.unique() if s not in set(children["student_id"])]
    if extra:
        more = dropout_data.students(con, scope, extra)
        children = pd.concat(
            [children, more[[c for c in children.columns if c in more.columns]]], ignore_index=True
        )
    return {
        "mentoring": mentoring_roster(mentoring, visits, unexcused, open_cases, as_of=scope.as_of),
        "home": home_teaching_roster(children, inter, visits, as_of=scope.as_of),
        "other": other_roster(inter, visits, as_of=scope.as_of),
        "effect": effect_table(_around(con, inter, as_of=scope.as_of)),
        "interventions": inter,
    }


# ------------------------------------------------------------------ writing
def _student_visible(con: duckdb.DuckDBPyConnection, scope: Scope, student_id: str) -> None:
    if dropout_data.students(con, scope, [student_id]).empty:
        raise SupportRosterError(f"找不到学生 {student_id}（或不在您的权限范围内）。")


def assign_intervention(
    scope: Scope,
    student_id: str,
    *,
    kind: str,
    teacher: str,
    started_on: date | None = None,
    note: str | None = None,
    path: Path | None = None,
) -> str:
    """Assign an intervention (一教一帮 teacher, 送教上门 ...) to a student in Scope.

    Returns
    -------
    str
        The new ``intervention_id``.

    Raises
    ------
    SupportRosterError
        Unknown kind, no teacher, student outside the Scope, or an active
        intervention of the same kind already.
    """
    if not dropout_cases.may_write(scope):
        raise SupportRosterError("您的角色只能查看，不能安排帮扶。")
    teacher = (teacher or "").strip()
    if kind not in schema.INTERVENTION_KINDS:
        raise SupportRosterError(f"未知的帮扶措施：{kind}")
    if not teacher:
        raise SupportRosterError("请填写帮扶教师。")
    started_on = started_on or scope.as_of
    if started_on > scope.as_of:
        raise SupportRosterError("开始日期不能晚于统计日期。")
    with store.transaction(path) as con:
        _student_visible(con, scope, student_id)
        if con.execute(
            "SELECT count(*) FROM interventions WHERE student_id = ? AND kind = ? AND status = '进行中'",
            [student_id, kind],
        ).fetchall()[0][0]:
            raise SupportRosterError(f"该学生已有进行中的“{kind}”。")
        have = {r[0] for r in con.execute("SELECT intervention_id FROM interventions").fetchall()}
        n = len(have) + 1
        while f"IV{scope.as_of:%Y%m%d}-{n:05d}" in have:
            n += 1
        iid = f"IV{scope.as_of:%Y%m%d}-{n:05d}"
        con.execute(
            "INSERT INTO interventions VALUES (?, ?, ?, ?, ?, NULL, '进行中', ?, ?, 1)",
            [iid, student_id, kind, teacher, started_on, (note or "").strip() or None, scope.user],
        )
        store.audit(
            con,
            user=scope.user,
            action="intervention_assigned",
            scope=scope.describe(),
            detail=json.dumps({"intervention": iid, "kind": kind, "student": student_id}, ensure_ascii=False),
        )
    return iid


def log_visit(
    scope: Scope,
    intervention_id: str,
    *,
    content: str,
    visited_on: date | None = None,
    teacher: str | None = None,
    path: Path | None = None,
) -> str:
    """Record one 送教 visit or 一教一帮 session.  Returns the ``visit_id``."""
    if not dropout_cases.may_write(scope):
        raise SupportRosterError("您的角色只能查看，不能登记。")
    content = (content or "").strip()
    visited_on = visited_on or scope.as_of
    if not content:
        raise SupportRosterError("请填写本次内容。")
    if visited_on > scope.as_of:
        raise SupportRosterError("日期不能晚于统计日期。")
    with store.transaction(path) as con:
        row = con.execute(
            "SELECT student_id, teacher, status, started_on FROM interventions WHERE intervention_id = ?",
            [intervention_id],
        ).fetchall()
        if not row:
            raise SupportRosterError(f"找不到帮扶措施 {intervention_id}。")
        student_id, assigned, status, started = row[0]
        _student_visible(con, scope, student_id)
        if status != "进行中":
            raise SupportRosterError("该帮扶已结束。")
        if visited_on < started:
            raise SupportRosterError("日期不能早于帮扶开始日期。")
        n = con.execute(
            "SELECT count(*) FROM intervention_visits WHERE intervention_id = ?", [intervention_id]
        ).fetchall()[0][0]
        vid = f"{intervention_id}-{n + 1:03d}"
        while con.execute("SELECT count(*) FROM intervention_visits WHERE visit_id = ?", [vid]).fetchall()[0][
            0
        ]:
            n += 1
            vid = f"{intervention_id}-{n + 1:03d}"
        con.execute(
            "INSERT INTO intervention_visits VALUES (?, ?, ?, ?, ?, ?)",
            [vid, intervention_id, visited_on, (teacher or "").strip() or assigned, content, scope.user],
        )
        store.audit(
            con,
            user=scope.user,
            action="intervention_visit",
            scope=scope.describe(),
            detail=json.dumps(
                {"intervention": intervention_id, "on": visited_on.isoformat()}, ensure_ascii=False
            ),
        )
    return vid


def roster_colours(roster: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """Cell colours for a displayed roster: the row's colour on the columns that judge it."""
    colours = pd.DataFrame("none", index=shown.index, columns=shown.columns)
    for col in (
        "帮扶教师",
        "送教教师",
        "负责人",
        "近四周辅导(次)",
        "近四周送教(次)",
        "近四周(次)",
        "欠(次)",
        "状态",
    ):
        if col in colours:
            colours[col] = roster["colour"].to_numpy()
    return colours
