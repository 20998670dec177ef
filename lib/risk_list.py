"""The 重点关注学生 list: scored students in Scope, filters, search, a student's profile.

Reads go through :mod:`lib.store` connections scoped by :class:`lib.scope.Scope`;
the filtering and display helpers are pure functions on DataFrames.  Personal
columns are masked here, server-side, unless the Scope says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib import ids, queries, risk, schema
from lib.scope import Scope

#: Columns of the list as shown on screen and in exports (Chinese headers).
DISPLAY_COLUMNS: dict[str, str] = {
    "rank": "序号", "name": "姓名", "id_number": "身份证号", "sex": "性别", "grade_label": "年级",
    "school_name": "学校", "township_name": "乡镇", "score": "风险分", "band": "风险等级",
    "reason_text": "主要原因", "action": "帮扶/台账",
}


def _details(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    where, params = scope.school_where("sc")
    return con.execute(
        f"""
        SELECT st.student_id, st.name, st.id_number, st.xueji_number, st.sex, sc.name AS school_name,
               t.name AS township_name,
               EXISTS (SELECT 1 FROM dropout_cases c WHERE c.student_id = st.student_id
                       AND c.status IN ({", ".join("'" + s + "'" for s in schema.OPEN_CASE_STATUS)})
                       AND c.reported_on <= ?::DATE) AS open_case,
               (SELECT string_agg(DISTINCT i.kind, '、') FROM interventions i
                WHERE i.student_id = st.student_id AND i.status = '进行中') AS interventions
        FROM students st JOIN schools sc ON sc.code = st.school_code
        LEFT JOIN townships t ON t.code = sc.township_code
        WHERE st.status IN ({", ".join("'" + s + "'" for s in schema.ENROLLED_STATUS)}) AND {where}
        """,
        [scope.as_of.isoformat()] + params,
    ).df()


def load_list(con: duckdb.DuckDBPyConnection, scope: Scope, settings: dict[str, Any]) -> pd.DataFrame:
    """Every enrolled student in Scope with score, band, reasons and the list's columns,
    sorted by score (highest first).  Personal columns are **not** masked here: callers
    mask with :func:`display_frame` (the cache below the page keeps one copy)."""
    inputs = queries.risk_inputs(con, scope, window_days=int(settings["risk"]["absence_window_days"]))
    scored = risk.score_students(inputs, settings=settings)
    scored["factors"] = factor_names(scored)
    base = inputs[["student_id", "code", "school_code", "grade", "aid_gap", "unexcused_recent"]]
    out = base.merge(scored, on="student_id").merge(_details(con, scope), on="student_id", how="left")
    out["grade_label"] = out["grade"].map(schema.GRADE_LABELS)
    out["aid_gap"] = out["aid_gap"].astype("boolean").fillna(False).astype(bool)
    return out.sort_values(["score", "student_id"], ascending=[False, True], ignore_index=True)


def factor_names(scored: pd.DataFrame) -> list[list[str]]:
    """Per row, the Chinese names of the factors that contribute (学困, 路远 ...)."""
    cols = list(risk.FACTORS)
    values = scored[cols].to_numpy()
    labels = np.array(list(risk.FACTORS.values()))
    return [list(labels[row > 0]) for row in values]


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the list to (empty = no restriction)."""

    townships: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()
    grades: tuple[int, ...] = ()
    bands: tuple[str, ...] = ("高",)
    factors: tuple[str, ...] = ()
    open_case: bool = False
    aid_gap: bool = False
    budget: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def filter_list(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Rows of the scored list that pass the filters, in score order, cut to the budget."""
    keep = np.ones(len(df), dtype=bool)
    if f.townships:
        keep &= df["code"].isin(f.townships).to_numpy()
    if f.schools:
        keep &= df["school_code"].isin(f.schools).to_numpy()
    if f.grades:
        keep &= df["grade"].isin(f.grades).to_numpy()
    if f.bands:
        keep &= df["band"].isin(f.bands).to_numpy()
    if f.factors:
        wanted = set(f.factors)
        keep &= np.array([bool(wanted & set(x)) for x in df["factors"]], dtype=bool)
    if f.open_case:
        keep &= df["open_case"].fillna(False).astype(bool).to_numpy()
    if f.aid_gap:
        keep &= df["aid_gap"].to_numpy()
    out = df[keep].sort_values(["score", "student_id"], ascending=[False, True])
    if f.budget is not None:
        out = out.head(int(f.budget))
    return out.reset_index(drop=True)


def display_frame(df: pd.DataFrame, *, mask: bool = True) -> pd.DataFrame:
    """The list as people see it: masked names and ID numbers, one reason chip per row
    (the reasons joined), Chinese headers.  Only these columns leave the server."""
    out = pd.DataFrame({
        "rank": np.arange(1, len(df) + 1),
        "name": df["name"].to_numpy(),
        "id_number": df["id_number"].to_numpy(),
        "sex": df["sex"].to_numpy(),
        "grade_label": df["grade_label"].to_numpy(),
        "school_name": df["school_name"].to_numpy(),
        "township_name": df["township_name"].to_numpy(),
        "score": df["score"].to_numpy(),
        "band": df["band"].to_numpy(),
        "reason_text": ["；".join(r) for r in df["reasons"]],
        "action": [_action_text(c, i) for c, i in zip(df["open_case"], df["interventions"], strict=True)],
    })
    if mask:
        out = ids.mask_frame(out)
    return out.rename(columns=DISPLAY_COLUMNS)


def _action_text(open_case: Any, interventions: Any) -> str:
    parts = []
    if isinstance(interventions, str) and interventions:
        parts.append(interventions)
    if bool(open_case) and not pd.isna(open_case):
        parts.append("有在办台账")
    return "、".join(parts) or "未安排"


def band_colours(shown: pd.DataFrame) -> pd.DataFrame:
    """Cell colours: 风险等级 red/amber/green; 帮扶 amber where nothing is arranged."""
    colours = pd.DataFrame("none", index=shown.index, columns=shown.columns)
    colours["风险等级"] = shown["风险等级"].map({"高": "red", "中": "amber", "低": "green"}).fillna("grey")
    colours["帮扶/台账"] = np.where(shown["帮扶/台账"] == "未安排", "amber", "none")
    return colours


def summary(df: pd.DataFrame) -> dict[str, int]:
    """Counts for the cards: students scored, 高, 中, 高 with nothing arranged."""
    high = df["band"] == "高"
    none = df["interventions"].isna() & ~df["open_case"].fillna(False).astype(bool)
    return {"students": len(df), "high": int(high.sum()), "medium": int((df["band"] == "中").sum()),
            "high_unassigned": int((high & none).sum())}


# ------------------------------------------------------------------ search and profile
def search(con: duckdb.DuckDBPyConnection, scope: Scope, text: str, *, limit: int = 20) -> pd.DataFrame:
    """Students in Scope whose full name, ID number or 学籍号 equals ``text``
    (or whose name starts with it when at least two characters are given).
    Returns ``student_id``, masked ``name``/``id_number``, school, grade, status."""
    text = (text or "").strip().upper()
    if not text:
        return pd.DataFrame(columns=["student_id", "name", "id_number", "school_name", "grade", "status"])
    sw, sp = scope.student_where("st")
    norm = ids.normalise_id(text) or text
    df = con.execute(
        f"SELECT st.student_id, st.name, st.id_number, sc.name AS school_name, st.grade, st.status "
        f"FROM students st LEFT JOIN schools sc ON sc.code = st.school_code "
        f"WHERE {sw} AND (st.id_number = ? OR upper(st.xueji_number) = ? OR st.name = ? "
        f"OR (length(?) >= 2 AND st.name LIKE ? || '%')) ORDER BY st.name, st.student_id LIMIT {int(limit)}",
        sp + [norm, text, text, text, text],
    ).df()
    return ids.mask_frame(df) if scope.mask else df


def profile(con: duckdb.DuckDBPyConnection, scope: Scope, student_id: str) -> dict[str, Any] | None:
    """One student in Scope: ``student`` (masked unless the Scope unmasks), monthly
    ``absences`` up to ``as_of``, ``aid`` records, ``cases`` with their ``actions``,
    and ``interventions``.  None when the student is not in Scope."""
    sw, sp = scope.student_where("st")
    st = con.execute(
        f"SELECT st.student_id, st.name, st.id_number, st.sex, st.grade, st.status, st.boarding, "
        f"sc.name AS school_name, v.name AS village_name FROM students st "
        f"LEFT JOIN schools sc ON sc.code = st.school_code LEFT JOIN villages v ON v.code = st.village_code "
        f"WHERE st.student_id = ? AND {sw}", [student_id] + sp).df()
    if st.empty:
        return None
    day = scope.as_of.isoformat()
    absences = con.execute(
        "SELECT strftime(day, '%Y-%m') AS month, count(*) FILTER (WHERE NOT excused) AS 无故缺勤, "
        "count(*) FILTER (WHERE excused) AS 请假 FROM absences WHERE student_id = ? AND day <= ?::DATE "
        "GROUP BY 1 ORDER BY 1", [student_id, day]).df()
    aid_rows = con.execute(
        "SELECT school_year AS 学年, term AS 学期, programme AS 资助项目, standard_amount AS 标准金额, "
        "paid_amount AS 实发金额, paid_date AS 实发日期 FROM aid_records WHERE student_id = ? "
        "AND (due_date <= ?::DATE OR paid_date <= ?::DATE) ORDER BY school_year DESC, term DESC, programme",
        [student_id, day, day]).df()
    cases = con.execute(
        "SELECT case_id AS 案件编号, status AS 状态, reason AS 辍学原因, reported_on AS 上报日期, "
        "returned_on AS 返校日期 FROM dropout_cases WHERE student_id = ? AND reported_on <= ?::DATE "
        "ORDER BY reported_on DESC", [student_id, day]).df()
    actions = con.execute(
        "SELECT a.acted_on AS 日期, a.action AS 措施, a.result AS 结果 FROM case_actions a "
        "JOIN dropout_cases c ON c.case_id = a.case_id WHERE c.student_id = ? AND a.acted_on <= ?::DATE "
        "ORDER BY a.acted_on DESC", [student_id, day]).df()
    inter = con.execute(
        "SELECT kind AS 措施, teacher AS 帮扶教师, started_on AS 开始日期, status AS 状态, note AS 说明 "
        "FROM interventions WHERE student_id = ? AND started_on <= ?::DATE ORDER BY started_on DESC",
        [student_id, day]).df()
    if scope.mask:
        st = ids.mask_frame(st)
        inter = ids.mask_frame(inter, columns={"帮扶教师": "name"})
    return {"student": st.iloc[0].to_dict(), "absences": absences, "aid": aid_rows, "cases": cases,
            "actions": actions, "interventions": inter}
