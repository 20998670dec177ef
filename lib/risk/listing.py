"""The 重点关注学生 list: scored students in Scope, filters, search, a student's profile.

Reads go through :mod:`lib.core.store` connections scoped by :class:`lib.core.scope.Scope`;
the filtering and display helpers are pure functions on DataFrames.  Personal
columns are masked here, server-side, unless the Scope says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import audit, config, fmt, i18n, ids, masking, permissions, schema, store
from lib.core import settings as settings_store
from lib.core.scope import Scope
from lib.present import charts
from lib.present.cards import Card
from lib.risk import backtest as rb
from lib.risk import inputs as risk_inputs_mod
from lib.risk import score as risk

#: Columns of the list as shown on screen and in exports (Chinese headers).
DISPLAY_COLUMNS: dict[str, str] = {
    "rank": "序号",
    "name": "姓名",
    "id_number": "身份证号",
    "sex": "性别",
    "grade_label": "年级",
    "school_name": "学校",
    "township_name": "乡镇",
    "score": "风险分",
    "band": "风险等级",
    "reason_text": "主要原因",
    "action": "帮扶/台账",
}


def _details(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    where, params = scope.school_where("sc")
    cw, cp = scope.class_where("st")  # a class teacher's Scope: their classes only
    where, params = f"{where} AND {cw}", params + cp
    return store.frame(
        con,
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
        ORDER BY st.student_id
        """,
        [scope.as_of.isoformat(), *params],
    )


def load_list(con: duckdb.DuckDBPyConnection, scope: Scope, settings: dict[str, Any]) -> pd.DataFrame:
    """The enrolled students in Scope with at least one risk factor (a reason), with score, band,
    reasons and the list's columns, most urgent first.  A child with no reason is not listed.
    Personal columns are **not** masked here: callers mask with :func:`display_frame` (the
    cache below the page keeps one copy)."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    settings = risk.criteria_for(settings, scope.school_year)
    with store.concurrently(con) as submit:  # the names and places are read while the scores are worked out
        details = submit(_details, scope)
        inputs = risk_inputs_mod.risk_inputs(con, scope, settings=settings)
        scored = risk.score_students(inputs, settings=settings, scored_only=True)  # index: the inputs' rows
        listed = details.result()
    at = np.flatnonzero(scored["score"].to_numpy() > 0)  # a factor's points may round to a score of 0
    rows = inputs.index.get_indexer(scored.index[at])  # the listed rows of the inputs (positions)
    score = scored["score"].to_numpy()[at]
    # the order: the rules' score, or (if the administrator chose it) the learned model's
    rank_score = score
    if settings["risk"].get("model") == "logistic":
        learned = _learned_scores(con, scope, settings, inputs.take(rows).reset_index(drop=True))
        if learned is not None:
            rank_score = np.asarray(learned)
    # rank_score and score down, then student_id up (numbers and codes: no text sort of the list)
    codes = pd.factorize(inputs["student_id"].take(rows), sort=True)[0]
    order = np.lexsort((codes, -score, -rank_score))
    at, rows = at[order], rows[order]  # most urgent first: each part taken once
    parts = [
        inputs[list(_BASE)].take(rows).reset_index(drop=True),
        scored.drop(columns="student_id").take(at).reset_index(drop=True),
    ]
    if listed["student_id"].equals(inputs["student_id"]):  # the same pupils in the same order (today's roll)
        parts.append(listed.drop(columns="student_id").take(rows).reset_index(drop=True))
    else:  # the roll of an earlier day: its pupils looked up by their code
        parts.append(listed.set_index("student_id").reindex(parts[0]["student_id"]).reset_index(drop=True))
    out = pd.concat(parts, axis=1)
    out["grade_label"] = out["grade"].map(schema.GRADE_LABELS)
    out["aid_gap"] = out["aid_gap"].astype("boolean").fillna(False).astype(bool)
    out["rank_score"] = rank_score[order]
    return out


#: The inputs the list keeps beside the scores and the names.
_BASE = ("student_id", "code", "school_code", "grade", "aid_gap", "unexcused_recent", "current_run")


def _learned_scores(
    con: duckdb.DuckDBPyConnection, scope: Scope, settings: dict[str, Any], inputs: pd.DataFrame
) -> np.ndarray | None:
    """The logistic regression trained on the last complete fold (all before ``as_of``)."""

    fs = rb.folds(con, as_of=scope.as_of)
    if not fs:
        return None
    fold = fs[-1]
    train = rb.inputs_at(con, scope.narrow(townships=None), fold, settings)
    y = train["student_id"].isin(rb.outcomes(con, fold)).to_numpy().astype(int)
    model = rb.fit_logistic(train, y, settings)
    return None if model is None else rb.logistic_scores(model, inputs, settings)


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
        if "factors" in df:
            keep &= np.array([bool(wanted & set(x)) for x in df["factors"]], dtype=bool)
        else:  # the scored list: a factor is present where it gives points
            codes = [c for c, label in risk.FACTORS.items() if label in wanted and c in df]
            keep &= (df[codes].to_numpy() > 0).any(axis=1) if codes else np.zeros(len(df), dtype=bool)
    if f.open_case:
        keep &= df["open_case"].fillna(False).astype(bool).to_numpy()
    if f.aid_gap:
        keep &= df["aid_gap"].to_numpy()
    by = ["rank_score", "score", "student_id"] if "rank_score" in df else ["score", "student_id"]
    out = df[keep].sort_values(by, ascending=[False] * (len(by) - 1) + [True])
    if f.budget is not None:
        out = out.head(int(f.budget))
    return out.reset_index(drop=True)


#: Columns left out on screen so that the table fits a laptop (the exports keep them).
WIDE_ONLY = ("sex", "township_name")


def display_frame(df: pd.DataFrame, *, mask: bool = True, compact: bool = False) -> pd.DataFrame:
    """The list as people see it: masked names and ID numbers, one reason chip per row
    (the reasons joined), Chinese headers.  Only these columns leave the server;
    ``compact`` drops :data:`WIDE_ONLY` for the screen."""
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(df) + 1),
            "name": df["name"].to_numpy(),
            "id_number": df["id_number"].to_numpy(),
            "sex": df["sex"].to_numpy(),
            "grade_label": df["grade_label"].to_numpy(),
            # the county's name prefixes most school names: drop it on the list
            "school_name": df["school_name"].str.removeprefix(config.COUNTY_NAME).to_numpy(),
            "township_name": df["township_name"].to_numpy(),
            "score": df["score"].to_numpy(),
            "band": df["band"].to_numpy(),
            "reason_text": ["；".join(r) for r in df["reasons"]],
            "action": [_action_text(c, i) for c, i in zip(df["open_case"], df["interventions"], strict=True)],
        }
    )
    if mask:
        out = ids.mask_frame(out)
    if compact:
        out = out.drop(columns=list(WIDE_ONLY))
    return out.rename(columns=DISPLAY_COLUMNS)


def _action_text(open_case: Any, interventions: Any) -> str:
    parts = []
    if isinstance(interventions, str) and interventions:
        parts.append(interventions)
    if bool(open_case) and not pd.isna(open_case):
        parts.append("有在办台账")
    return "、".join(parts) or "未安排"


@dataclass(frozen=True)
class Screen:
    """The list tab as filtered: its rows (:func:`filter_list`), the table on screen (compact,
    masked as asked), that table's colours, and the export (every column)."""

    shown: pd.DataFrame
    table: pd.DataFrame
    colours: pd.DataFrame
    export: pd.DataFrame


def screen(df: pd.DataFrame, f: Filters, mask: bool) -> Screen:
    """The list tab for filters ``f``: the page keeps it while the list and the filters stay."""
    shown = filter_list(df, f)
    table = display_frame(shown, mask=mask, compact=True)
    return Screen(shown, table, band_colours(table), display_frame(shown, mask=mask))


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
    return {
        "students": len(df),
        "high": int(high.sum()),
        "medium": int((df["band"] == "中").sum()),
        "high_unassigned": int((high & none).sum()),
    }


# ------------------------------------------------------------------ search and profile
_NO_HITS = ["student_id", "name", "id_number", "school_name", "grade", "status"]


def like_prefix(text: str) -> str:
    """``text`` as a LIKE prefix pattern (with ``ESCAPE '\\'``): ``%`` and ``_`` typed by the
    user match themselves, never any text."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _masked_name_sql(col: str) -> str:
    """SQL of :func:`lib.core.ids.mask_name` on column ``col`` (张*三, 李*)."""
    return (
        f"CASE WHEN length({col}) <= 1 THEN {col} WHEN length({col}) = 2 THEN left({col}, 1) || '*' "
        f"ELSE left({col}, 1) || repeat('*', length({col}) - 2) || right({col}, 1) END"
    )


def search(con: duckdb.DuckDBPyConnection, scope: Scope, text: str, *, limit: int = 20) -> pd.DataFrame:
    """Students in Scope that ``text`` finds.  Returns ``student_id``, ``name``/``id_number``
    (masked unless the Scope unmasks), school, grade, status.

    Unmasked (a user who typed a reason): the full name, ID number or 学籍号 equals ``text``,
    or the name starts with it (two characters at least; ``%`` and ``_`` are plain
    characters).  Masked: the 学生编号, or the masked shape of the name (王*明) or ID number
    (area code and last four) equals that of ``text``, so that a guessed name or number
    finds every student masked alike and confirms nothing the masked list does not show.
    """
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    text = (text or "").strip().upper()
    if not text:
        return pd.DataFrame(columns=_NO_HITS)
    sw, sp = scope.student_where("st")
    norm = ids.normalise_id(text) or text
    select = (
        "SELECT st.student_id, st.name, st.id_number, sc.name AS school_name, st.grade, st.status "
        "FROM students st LEFT JOIN schools sc ON sc.code = st.school_code "
    )
    masked = permissions.masked(scope)
    if not masked:
        cond = (
            "st.id_number = ? OR upper(st.xueji_number) = ? OR st.name = ? "
            "OR (length(?) >= 2 AND st.name LIKE ? ESCAPE '\\')"
        )
        params = [norm, text, text, text, like_prefix(text)]
    else:
        shape = text if "*" in text else (ids.mask_name(text) or "")
        idn = norm[1:] if norm[:1] in ("G", "J", "L") and len(norm) == 19 else norm
        id_like = len(idn) == 18 and (idn[:17].replace("*", "").isdigit() or ids.is_valid_id(idn))
        cond = f"st.student_id = ? OR (length(?) >= 2 AND {_masked_name_sql('st.name')} = ?)"
        params = [text, shape, shape]
        if id_like:
            cond += " OR (left(st.id_number, 6) = ? AND right(st.id_number, 4) = ?)"
            params += [idn[:6], idn[-4:]]
    df = store.frame(
        con,
        f"{select} WHERE {sw} AND ({cond}) ORDER BY st.name, st.student_id LIMIT {int(limit)}",
        [*sp, *params],
    )
    return ids.mask_frame(df) if masked else df


def profile(con: duckdb.DuckDBPyConnection, scope: Scope, student_id: str) -> dict[str, Any] | None:
    """One student in Scope: ``student`` (masked unless the Scope unmasks), monthly
    ``absences`` up to ``as_of``, ``aid`` records, ``cases`` with their ``actions``,
    and ``interventions``.  None when the student is not in Scope."""
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    sw, sp = scope.student_where("st")
    st = store.frame(
        con,
        f"SELECT st.student_id, st.name, st.id_number, st.sex, st.grade, st.status, st.boarding, "
        f"sc.name AS school_name, v.name AS village_name FROM students st "
        f"LEFT JOIN schools sc ON sc.code = st.school_code LEFT JOIN villages v ON v.code = st.village_code "
        f"WHERE st.student_id = ? AND {sw}",
        [student_id, *sp],
    )
    if st.empty:
        return None
    day = scope.as_of.isoformat()
    absences = store.frame(
        con,
        "SELECT strftime(day, '%Y-%m') AS month, count(*) FILTER (WHERE NOT excused) AS 无故缺勤, "
        "count(*) FILTER (WHERE excused) AS 请假 FROM absences WHERE student_id = ? AND day <= ?::DATE "
        "GROUP BY 1 ORDER BY 1",
        [student_id, day],
    )
    aid_rows = store.frame(
        con,
        "SELECT school_year AS 学年, term AS 学期, programme AS 资助项目, standard_amount AS 标准金额, "
        "paid_amount AS 实发金额, paid_date AS 实发日期 FROM aid_records WHERE student_id = ? "
        "AND (due_date <= ?::DATE OR paid_date <= ?::DATE) ORDER BY school_year DESC, term DESC, programme",
        [student_id, day, day],
    )
    cases = store.frame(
        con,
        "SELECT case_id AS 案件编号, status AS 状态, reason AS 辍学原因, reported_on AS 上报日期, "
        "returned_on AS 返校日期 FROM dropout_cases WHERE student_id = ? AND reported_on <= ?::DATE "
        "ORDER BY reported_on DESC",
        [student_id, day],
    )
    actions = store.frame(
        con,
        "SELECT a.acted_on AS 日期, a.action AS 措施, a.result AS 结果 FROM case_actions a "
        "JOIN dropout_cases c ON c.case_id = a.case_id WHERE c.student_id = ? AND a.acted_on <= ?::DATE "
        "ORDER BY a.acted_on DESC",
        [student_id, day],
    )
    inter = store.frame(
        con,
        "SELECT kind AS 措施, teacher AS 帮扶教师, started_on AS 开始日期, status AS 状态, note AS 说明 "
        "FROM interventions WHERE student_id = ? AND started_on <= ?::DATE ORDER BY started_on DESC",
        [student_id, day],
    )
    for frame in (aid_rows, cases, actions, inter):
        for col in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = frame[col].dt.date
    if permissions.masked(scope):
        # the child's and the guardian's names, wherever the records' free text repeats them
        known = masking.known_names(
            con.execute(
                "SELECT name, guardian_name FROM students WHERE student_id = ?", [student_id]
            ).fetchone()
        )
        st = ids.mask_frame(st)
        inter = masking.mask_table(inter, columns={"帮扶教师": "name"}, known=known)
        aid_rows, cases, actions = (masking.mask_table(f, known=known) for f in (aid_rows, cases, actions))
    return {
        "student": st.iloc[0].to_dict(),
        "absences": absences,
        "aid": aid_rows,
        "cases": cases,
        "actions": actions,
        "interventions": inter,
    }


# ------------------------------------------------------------------ for the page (own connections)
def find_students(scope: Scope, text: str, *, now: Any = None) -> pd.DataFrame:
    """:func:`search` in its own connection, rate-limited and recorded in the audit log.

    Each user may search ``security.search_per_minute`` times a minute and
    ``security.search_per_day`` times a day (counted in the audit log, so across sessions
    and processes).  The entry says what was searched in a form an auditor can review
    without the log becoming a list of names: the kind of query, its masked shape, the
    hits, and a keyed fingerprint with which 审计日志 finds every search for a given child
    (:func:`lib.core.audit.query_fields`).

    Raises
    ------
    lib.core.audit.SearchLimited
        Too many searches (the refusal is recorded too).
    """
    with store.connect() as con:
        settings = settings_store.effective_settings(con)
        audit.check_search_rate(con, scope, settings["security"], now=now)
        hits = search(con, scope, text)
        fields = audit.query_fields(con, text)
    audit.record(scope, "search", list="risk", hits=len(hits), masked=permissions.masked(scope), **fields)
    return hits


def student_profile(scope: Scope, student_id: str) -> dict[str, Any] | None:
    """:func:`profile` in its own connection."""

    with store.connect() as con:
        return profile(con, scope, student_id)


def plot_absences(absences: pd.DataFrame, *, title: str) -> Any:
    """Monthly unexcused (red) and excused (grey) absence days, stacked."""
    import plotly.graph_objects as go

    fig = go.Figure()
    if not absences.empty:
        fig.add_bar(x=absences["month"], y=absences["无故缺勤"], name="无故缺勤", marker_color="#c0392b")
        fig.add_bar(x=absences["month"], y=absences["请假"], name="请假", marker_color="#9e9e9e")
    fig.update_layout(barmode="stack", yaxis_title="天")
    return charts.style(fig, title, height=280)


def options(df: pd.DataFrame) -> dict[str, dict[Any, str]]:
    """Choices for the filters, from the scored list: township, school and grade labels."""
    t = df.drop_duplicates("code").sort_values("code")
    s = df.drop_duplicates("school_code").sort_values(["code", "school_code"])
    return {
        "townships": dict(zip(t["code"], t["township_name"], strict=True)),
        "schools": dict(zip(s["school_code"], s["school_name"], strict=True)),
        "grades": {g: schema.GRADE_LABELS.get(g, str(g)) for g in sorted(df["grade"].dropna().unique())},
    }


def styled(shown: pd.DataFrame, palette: dict[str, str]) -> Any:
    """A pandas Styler of the displayed list tinted by :func:`band_colours` (house palette)."""
    colours = band_colours(shown)
    return shown.style.format({"风险分": "{:.1f}"}, na_rep="—").apply(
        lambda _: colours.map(lambda c: f"background-color: {palette[c]}" if palette.get(c) else ""),
        axis=None,
    )


#: On-screen column widths (px) so that the list fits a laptop screen.
COLUMN_WIDTHS: dict[str, int] = {
    "序号": 40,
    "姓名": 56,
    "身份证号": 138,
    "年级": 56,
    "学校": 150,
    "风险分": 52,
    "风险等级": 64,
    "主要原因": 350,
    "帮扶/台账": 96,
}


def backtest_view(table: pd.DataFrame) -> pd.DataFrame:
    """The back-test table with a 较随机提升 column (precision ÷ base rate)."""
    out = table.copy()
    lift = out["精确率"] / out["随机抽取精确率"].where(out["随机抽取精确率"] > 0)
    out["较随机提升"] = lift.map(lambda v: "—" if pd.isna(v) else f"{v:.0f}倍")
    return out


def cards(df: pd.DataFrame, settings: dict[str, Any]) -> list[Any]:
    """The page's big numbers (lib.present.cards.Card); labels and help translate by their text."""

    s = summary(df)
    r = settings["risk"]
    return [
        Card(
            "列入名单", fmt.fmt_count(s["students"]), help="至少有一项风险因素的在校生；没有任何因素的不列入"
        ),
        Card("高风险", fmt.fmt_count(s["high"]), help=f"风险分 ≥ {r['band_high']}"),
        Card("中风险", fmt.fmt_count(s["medium"]), help=f"风险分 ≥ {r['band_medium']}"),
        Card(
            "高风险且未安排帮扶", fmt.fmt_count(s["high_unassigned"]), help="无进行中的帮扶措施，也无在办台账"
        ),
    ]


def profile_heading(prof: dict[str, Any], scored: pd.DataFrame, *, lang: str = "zh") -> tuple[str, str]:
    """Two markdown lines: who (masked as the profile is) and the score with its reasons (in ``lang``)."""
    s = prof["student"]
    grade = i18n.t(str(schema.GRADE_LABELS.get(s["grade"], s["grade"])), lang)
    who = f"**{fmt.md_text(s['name'])}** · " + fmt.md_text(
        f"{s['id_number']} · {s['sex']} · {grade} · {s['school_name']} · {s['status']}"
    )
    row = scored[scored["student_id"] == s["student_id"]]
    if row.empty:
        return who, i18n.t("不在当前范围的在校生名单中，未评分。", lang)
    r = row.iloc[0]
    reasons = i18n.t("item_sep", lang).join(i18n.t(x, lang) for x in r["reasons"]) or i18n.t(
        "无风险因素", lang
    )
    return who, i18n.t("rk_score_line", lang).format(
        score=f"{r['score']:.1f}", band=i18n.t(r["band"], lang), reasons=reasons
    )


def student_choices(hits: list[dict[str, Any]], shown: pd.DataFrame, *, top: int = 20) -> dict[str, str]:
    """student_id -> masked label, search hits first, then the list's first ``top``."""
    out = {h["student_id"]: f"{h['name']} {h['id_number']} {h['school_name']}" for h in hits}
    head = display_frame(shown.head(top), mask=True)
    for sid, n, i, sc in zip(
        shown.head(top)["student_id"], head["姓名"], head["身份证号"], head["学校"], strict=True
    ):
        out.setdefault(sid, f"{n} {i} {sc}")
    return out


# ------------------------------------------------------------------ interventions that have not helped
STILL_HIGH_COLUMNS: dict[str, str] = {
    "name": "学生",
    "school_name": "学校",
    "kind": "帮扶措施",
    "teacher": "负责人",
    "started_on": "开始日期",
    "weeks": "已帮扶(周)",
    "score": "风险分",
    "reason_text": "主要原因",
    "next_level": "上报至",
}


def still_high(
    scored: pd.DataFrame, interventions: pd.DataFrame, *, as_of: Any, weeks: int, mask: bool = True
) -> pd.DataFrame:
    """Children still in the 高 band ``weeks`` or more weeks after an active intervention began:
    the intervention has not yet helped, so the case goes to the next level (the school's
    head for a teacher's intervention, the township for the school's), one row per intervention.

    ``scored`` is :func:`load_list`'s frame; ``interventions`` needs ``student_id``, ``kind``,
    ``teacher``, ``started_on``, ``status``."""
    cols = list(STILL_HIGH_COLUMNS)
    if scored.empty or interventions.empty:
        return pd.DataFrame(columns=list(STILL_HIGH_COLUMNS.values()))
    active = interventions[interventions["status"] == "进行中"]
    started = pd.to_datetime(active["started_on"])
    age = (pd.Timestamp(as_of) - started).dt.days // 7
    active = active.assign(weeks=age.to_numpy())[age.to_numpy() >= int(weeks)]
    high = scored[scored["band"] == "高"][
        ["student_id", "name", "id_number", "school_name", "score", "reasons"]
    ]
    out = active[["student_id", "kind", "teacher", "started_on", "weeks"]].merge(high, on="student_id")
    out["reason_text"] = ["；".join(r) for r in out["reasons"]]
    out["next_level"] = np.where(out["kind"].isin(["一教一帮", "家访"]), "校长", "乡镇(街道)")
    out = out.sort_values(["score", "weeks"], ascending=[False, False], ignore_index=True)
    if mask:
        out = ids.mask_frame(out, columns={"name": "name"})
        out["teacher"] = out["teacher"].map(ids.mask_name)
    return out[cols].rename(columns=STILL_HIGH_COLUMNS)
