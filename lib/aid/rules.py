"""学生资助: programmes and standards, eligibility, coverage and its gaps.

Formulas (docs/metrics.md, docs/aid.md):

* **资助覆盖率** = enrolled students of the priority groups with a 生活补助
  record for the current term and an amount paid > 0, divided by the enrolled
  students of the priority groups; attributed to the school's township.  Per
  programme likewise: aided eligible ÷ eligible, eligibility from
  :func:`eligibility`.
* **按时足额发放率** = aid records of the current school year due on or before
  ``as_of`` that were paid in full (paid >= standard) by the due date (plus the
  configured grace days), divided by all such records (:mod:`lib.aid.payments`).

``priority_group_sql``, ``on_time_full_sql`` and ``LIVING_SUBSIDY`` are used by
:mod:`lib.overview.queries` for the overview: their meaning is fixed.  Everything else
here is pure (frames in, frames out); the scoped reads are in
:mod:`lib.aid.data`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from lib.core import config, ids, schema, textsets


#: SQL predicate: student row ``st`` belongs to a priority group (DESIGN.md §4)
#: and so is eligible for the compulsory-education living subsidy.
def priority_group_sql(alias: str = "st") -> str:
    a = alias
    return (
        f"({a}.poverty_category IS NOT NULL OR {a}.orphan OR {a}.unsupported OR {a}.disability "
        f"OR {a}.disabled_parent OR {a}.martyr_child)"
    )


def rural_township_sql(alias: str = "t") -> str:
    """SQL predicate: township ``alias`` is not a 街道 (the SQL twin of :func:`nutrition_schools`'s
    test; NULL when the township is unknown, which counts as rural there)."""
    return f"NOT ({alias}.kind = '街道' OR ({alias}.kind = '类似乡级单位' AND {alias}.name LIKE '%街道'))"


LIVING_SUBSIDY = "生活补助"
NUTRITION = "营养改善计划"
PROVINCIAL = "省级资助"
#: Programmes for compulsory-school students (aid_records).
COMPULSORY_PROGRAMMES = (LIVING_SUBSIDY, NUTRITION, PROVINCIAL)
#: Programmes for high-school, vocational and university students (aid_recipient_awards),
#: with the settings key of their standards.
OTHER_PROGRAMMES: dict[str, str] = {
    "学费减免": "tuition_waiver",
    "助学金": "grant",
    "奖学金": "scholarship",
    "生源地信用助学贷款": "student_loan",
}
#: Programmes awarded on application and merit (not owed to every poor student):
#: shown in the ledgers, not counted in coverage.
BY_APPLICATION = ("奖学金", "生源地信用助学贷款")


def on_time_full_sql(alias: str = "a") -> str:
    """SQL predicate: aid record ``a`` was paid in full by its due date (+ grace)."""
    grace = int(config.SETTINGS["aid"]["on_time_grace_days"])
    return (
        f"({alias}.paid_date IS NOT NULL AND {alias}.paid_date <= {alias}.due_date + INTERVAL {grace} DAY "
        f"AND {alias}.paid_amount >= {alias}.standard_amount)"
    )


# ------------------------------------------------------------------ priority groups
#: Boolean student columns that put a student in a priority group, with labels.
PRIORITY_FLAGS: dict[str, str] = {
    "orphan": "孤儿",
    "unsupported": "事实无人抚养",
    "disability": "残疾学生",
    "disabled_parent": "残疾人子女",
    "martyr_child": "烈士子女",
}
#: Every priority-group label (the category axis of coverage), in display order.
PRIORITY_CATEGORIES: tuple[str, ...] = (*schema.POVERTY_CATEGORIES, *PRIORITY_FLAGS.values())


def _flag(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df:
        return pd.Series(False, index=df.index)
    return df[col].astype("boolean").fillna(False).astype(bool)


def priority_mask(students: pd.DataFrame) -> pd.Series:
    """True for students of a priority group (the pandas twin of :func:`priority_group_sql`)."""
    mask = students["poverty_category"].notna()
    for col in PRIORITY_FLAGS:
        mask |= _flag(students, col)
    return mask.astype(bool)


def student_categories(students: pd.DataFrame, *, ordered: bool = True) -> pd.DataFrame:
    """Long frame ``student_id``, ``category``: one row per priority group a student is in, by
    student and then in the order of :data:`PRIORITY_CATEGORIES` (``ordered=False``: group by
    group, for a caller that groups them anyway)."""
    parts = [
        students.loc[students["poverty_category"].notna(), ["student_id", "poverty_category"]].rename(
            columns={"poverty_category": "category"}
        )
    ]
    for col, label in PRIORITY_FLAGS.items():
        parts.append(students.loc[_flag(students, col), ["student_id"]].assign(category=label))
    out = pd.concat(parts, ignore_index=True)
    if not ordered:
        return out
    order = {c: i for i, c in enumerate(PRIORITY_CATEGORIES)}
    return out.sort_values(
        ["student_id", "category"],
        key=lambda s: s.map(order) if s.name == "category" else s,
        ignore_index=True,
    )


def category_text(students: pd.DataFrame) -> pd.Series:
    """Each student's priority groups as one string (脱贫户、残疾人子女), '' if none."""
    text = students["poverty_category"].astype(object).where(students["poverty_category"].notna(), "")
    text = text.astype(str)
    for col, label in PRIORITY_FLAGS.items():
        text = text.where(~_flag(students, col), text + "、" + label)
    return text.str.lstrip("、")


# ------------------------------------------------------------------ standards
def term_start(school_year: int, term: int) -> date:
    """First day of a term: 1 September (term 1) or 1 February of the next year (term 2)."""
    return date(school_year, 9, 1) if term == 1 else date(school_year + 1, 2, 1)


def standard_on(key: str, day: date, column: str, *, settings: dict[str, Any] | None = None) -> float | None:
    """The yearly standard ``column`` of the settings list ``aid.<key>`` in force on ``day``.

    Each entry carries an effective-from date; the latest entry not after
    ``day`` applies.  None when none applies (before the first, or no such column).
    """
    entries = (settings or config.SETTINGS)["aid"][key]
    best: dict[str, Any] | None = None
    for entry in sorted(entries, key=lambda e: e["from"]):
        if date.fromisoformat(entry["from"]) <= day:
            best = entry
    if best is None or column not in best:
        return None
    return float(best[column])


def band_of_grade(grade: Any) -> str:
    """primary (grades 1-6) or junior (7-9)."""
    return "junior" if int(grade) >= 7 else "primary"


def living_subsidy_term(
    school_year: int, term: int, *, band: str, boarding: bool, settings: dict[str, Any] | None = None
) -> float | None:
    """Per-term living subsidy: half the yearly standard; non-boarders the configured share."""
    s = settings or config.SETTINGS
    yearly = standard_on("living_subsidy", term_start(school_year, term), band, settings=s)
    if yearly is None:
        return None
    share = 1.0 if boarding else float(s["aid"]["non_boarder_share"])
    return yearly / 2 * share


def provincial_term(school_year: int, term: int, *, settings: dict[str, Any] | None = None) -> float | None:
    """Per-term Henan provincial aid (half the yearly standard)."""
    yearly = standard_on("henan_provincial", term_start(school_year, term), "yuan", settings=settings)
    return None if yearly is None else yearly / 2


def other_standard(
    programme: str, school_year: int, stage: str, *, settings: dict[str, Any] | None = None
) -> float | None:
    """Yearly standard of a non-compulsory programme for a stage (普通高中/中职/大学)."""
    return standard_on(OTHER_PROGRAMMES[programme], term_start(school_year, 1), stage, settings=settings)


def standards_table(school_year: int, *, settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Every programme's standard in force at the start of ``school_year`` (for the settings view)."""
    s = settings or config.SETTINGS
    day = term_start(school_year, 1)
    rows: list[dict[str, Any]] = []

    def add(programme: str, who: str, key: str, column: str, unit: str, note: str = "") -> None:
        entries = sorted(s["aid"][key], key=lambda e: e["from"])
        current = [e for e in entries if date.fromisoformat(e["from"]) <= day]
        if current and column in current[-1]:
            rows.append(
                {
                    "资助项目": programme,
                    "对象": who,
                    "标准": float(current[-1][column]),
                    "单位": unit,
                    "执行起始": current[-1]["from"],
                    "说明": note,
                }
            )

    share = float(s["aid"]["non_boarder_share"])
    add(LIVING_SUBSIDY, "小学寄宿生", "living_subsidy", "primary", "元/年", f"非寄宿生按 {share:.0%}")
    add(LIVING_SUBSIDY, "初中寄宿生", "living_subsidy", "junior", "元/年", f"非寄宿生按 {share:.0%}")
    add(NUTRITION, "农村义务教育学生", "nutrition_per_day", "yuan", "元/在校日")
    add(PROVINCIAL, "脱贫户、监测对象学生", "henan_provincial", "yuan", "元/年")
    for programme, key in OTHER_PROGRAMMES.items():
        for stage in schema.AID_RECIPIENT_STAGES:
            add(programme, stage, key, stage, "元/年", "上限" if programme == "生源地信用助学贷款" else "")
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ eligibility
def nutrition_schools(
    schools: pd.DataFrame, townships: pd.DataFrame, *, settings: dict[str, Any] | None = None
) -> set[str]:
    """Schools in the nutrition programme: rural schools (not in a 街道) unless
    ``aid.nutrition_rural_only`` is off.  ``schools``: code, township_code;
    ``townships``: code, name, kind."""
    s = settings or config.SETTINGS
    if not s["aid"].get("nutrition_rural_only", True):
        return set(schools["code"])
    urban = townships[
        (townships["kind"] == "街道")
        | ((townships["kind"] == "类似乡级单位") & townships["name"].str.endswith("街道"))
    ]
    return set(schools.loc[~schools["township_code"].isin(set(urban["code"])), "code"])


def eligibility(
    students: pd.DataFrame,
    *,
    school_year: int,
    term: int,
    nutrition_schools: set[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """Who is owed what for one term, programme by programme.

    Parameters
    ----------
    students
        Enrolled compulsory-school students: ``student_id``, ``school_code``,
        ``grade``, ``boarding``, ``poverty_category`` and the flags of
        :data:`PRIORITY_FLAGS`.
    school_year, term
        The term judged (standards in force on its first day).
    nutrition_schools
        Schools in the nutrition programme (:func:`nutrition_schools`); None =
        every school.  Only students at school (在校, not 送教上门) are owed it.

    Returns
    -------
    DataFrame
        One row per (student, programme) owed: ``student_id``, ``school_code``,
        ``programme``, ``standard_amount`` (for the term) and ``why`` (the
        student's priority groups and boarding, in Chinese).
    """
    s = settings or config.SETTINGS
    # only the columns judged: every filter below copies what it keeps
    wanted = ["student_id", "school_code", "grade", "poverty_category", "status", "boarding", *PRIORITY_FLAGS]
    base = students[[c for c in wanted if c in students]]
    parts = []
    prio = base[priority_mask(base)]
    if len(prio):
        bands = {g: band_of_grade(g) for g in prio["grade"].unique()}  # per grade, not per student
        junior = prio["grade"].map(bands).eq("junior").to_numpy(dtype=bool)
        boarding = _flag(prio, "boarding").to_numpy()

        def amount(band: str, board: bool) -> float:
            v = living_subsidy_term(school_year, term, band=band, boarding=board, settings=s)
            return np.nan if v is None else v

        parts.append(
            pd.DataFrame(
                {
                    "student_id": prio["student_id"],
                    "school_code": prio["school_code"],
                    "programme": LIVING_SUBSIDY,
                    "standard_amount": np.select(
                        [junior & boarding, junior, boarding],
                        [amount("junior", True), amount("junior", False), amount("primary", True)],
                        amount("primary", False),
                    ),
                    "why": category_text(prio) + np.where(boarding, "、寄宿生", "、走读生(按半额)"),
                }
            )
        )
    prov_amount = provincial_term(school_year, term, settings=s)
    poor = base[base["poverty_category"].isin(["脱贫户", "监测对象"])]
    if len(poor) and prov_amount is not None:
        parts.append(
            pd.DataFrame(
                {
                    "student_id": poor["student_id"],
                    "school_code": poor["school_code"],
                    "programme": PROVINCIAL,
                    "standard_amount": prov_amount,
                    "why": poor["poverty_category"].astype(str),
                }
            )
        )
    at_school = base[base["status"] == "在校"] if "status" in base else base
    nutri = (
        at_school
        if nutrition_schools is None
        else at_school[at_school["school_code"].isin(nutrition_schools)]
    )
    if len(nutri):
        parts.append(
            pd.DataFrame(
                {
                    "student_id": nutri["student_id"],
                    "school_code": nutri["school_code"],
                    "programme": NUTRITION,
                    "standard_amount": np.nan,
                    "why": "营养改善计划学校在校生",
                }
            )
        )
    cols = ["student_id", "school_code", "programme", "standard_amount", "why"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def recipient_eligibility(
    recipients: pd.DataFrame, *, school_year: int, settings: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Non-compulsory recipients owed a means-tested programme (学费减免, 助学金).

    A recipient of a poverty category (脱贫户/监测对象/低保/特困) is owed the
    grant and, in 普通高中/中职, the tuition waiver, at the yearly standard of
    their stage.  Scholarships and loans go by application (not owed).
    """
    poor = recipients[recipients["poverty_category"].isin(list(schema.POVERTY_CATEGORIES))]
    rows = []
    for programme in ("学费减免", "助学金"):
        amount = poor["stage"].map(
            lambda st, p=programme: other_standard(p, school_year, st, settings=settings)
        )
        owed = poor[amount.notna()]
        rows.append(
            pd.DataFrame(
                {
                    "recipient_id": owed["recipient_id"],
                    "programme": programme,
                    "standard_amount": amount[amount.notna()],
                    "why": owed["poverty_category"] + "、" + owed["stage"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


# ------------------------------------------------------------------ coverage
def mark_covered(
    eligible: pd.DataFrame, records: pd.DataFrame, *, key: str = "student_id", as_of: date | None = None
) -> pd.DataFrame:
    """``eligible`` with ``covered`` (a record of the same programme with an amount paid > 0)
    and ``pending`` (not covered, but listed in a record due after ``as_of``: not late yet).

    ``records`` must already be restricted to the term judged.
    """

    # (person, programme) pairs as one text each, judged set-wise: no grouping, no merge
    def pairs(frame: pd.DataFrame) -> pd.Series:
        return frame[key].astype("str") + "\x1f" + frame["programme"].astype("str")

    recs = pairs(records)
    paid = (records["paid_amount"].fillna(0) > 0).to_numpy(dtype=bool)
    later = np.zeros(len(records), dtype=bool)
    if as_of is not None:
        later = (pd.to_datetime(records["due_date"]) > pd.Timestamp(as_of)).fillna(False).to_numpy(dtype=bool)
    wanted = pairs(eligible)
    covered = textsets.member(wanted, recs[paid]).to_numpy()
    listed = textsets.member(wanted, recs[later]).to_numpy()
    return eligible.assign(covered=covered, pending=listed & ~covered)


def coverage_by(marked: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Eligible, covered, pending (listed, not yet due), gap and rates grouped by ``by``.

    ``gap`` = eligible - covered - pending (owed and late, or never listed);
    ``coverage`` = covered / eligible (the overview's formula); ``listed`` =
    (covered + pending) / eligible.
    """
    cols = [*by, "eligible", "covered", "pending", "gap", "coverage", "listed"]
    if marked.empty:
        return pd.DataFrame(columns=cols)
    m = marked if "pending" in marked else marked.assign(pending=False)
    g = (
        m.groupby(by, dropna=False, observed=True)
        .agg(eligible=("covered", "size"), covered=("covered", "sum"), pending=("pending", "sum"))
        .reset_index()
    )
    g["gap"] = g["eligible"] - g["covered"] - g["pending"]
    den = g["eligible"].where(g["eligible"] > 0)
    g["coverage"] = g["covered"] / den
    g["listed"] = (g["covered"] + g["pending"]) / den
    return g[cols]


def coverage_by_category(marked: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """Coverage per priority group (a student counts once in each group they are in)."""
    cats = student_categories(students, ordered=False)  # coverage_by groups them
    return coverage_by(
        marked[["student_id", "programme", "covered", "pending"]].merge(cats, on="student_id"),
        ["programme", "category"],
    )


def gap_reasons(
    gaps: pd.DataFrame,
    records: pd.DataFrame,
    applications: pd.DataFrame,
    *,
    as_of: date,
    key: str = "student_id",
) -> pd.Series:
    """Why each eligible, unaided person (``gaps``) has not been paid.

    In order: a record exists but is unpaid (not yet due / overdue by n days);
    an application was rejected (reason) or is waiting at a stage; no
    application at all.  ``key``: ``student_id`` or ``recipient_id``.
    """
    keys = [key, "programme"]
    wanted = gaps[keys].drop_duplicates()  # the gaps' own records and applications: a few of many
    records = records[[*keys, "due_date"]].merge(wanted, on=keys)
    applications = applications[[*keys, "applied_on", "status", "reject_reason"]].merge(wanted, on=keys)
    rec = (
        records.sort_values("due_date", kind="stable")
        .drop_duplicates(keys, keep="last")[[*keys, "due_date"]]
        .assign(_rec=True)
    )
    apps = applications.sort_values("applied_on", kind="stable").drop_duplicates(keys, keep="last")[
        [*keys, "status", "reject_reason"]
    ]
    m = gaps[keys].merge(rec, on=keys, how="left").merge(apps, on=keys, how="left")
    due = pd.to_datetime(m["due_date"])
    days = (pd.Timestamp(as_of) - due).dt.days
    out = []
    for has_rec, d, late, status, why in zip(
        m["_rec"].fillna(False), due, days, m["status"], m["reject_reason"], strict=True
    ):
        if has_rec:
            if pd.isna(d):
                out.append("已列入发放名单，未发放")
            elif late < 0:
                out.append(f"已列入发放名单，应发日期{d.date().isoformat()}，未到期")
            else:
                out.append(f"已列入发放名单，逾期{int(late)}天未发")
        elif isinstance(status, str):
            out.append(
                f"申请被退回：{why or '未填原因'}"
                if status == schema.AID_REJECTED
                else f"申请停在“{next_stage(status)}”环节"
            )
        else:
            out.append("未申请，未纳入资助名单")
    return pd.Series(out, index=gaps.index, dtype=object)


def next_stage(status: str) -> str:
    """The stage an application with ``status`` is waiting for."""
    stages = list(schema.AID_STAGES)
    if status not in stages or status == stages[-1]:
        return status
    return stages[stages.index(status) + 1]


# ------------------------------------------------------------------ misdirected payments
def paid_not_eligible(records: pd.DataFrame, eligible: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """Records with an amount paid > 0 whose student is not owed that programme this term.

    ``students`` holds every student the records name (any status), so the
    reason can say whether the student left school or is not in a priority group.
    """
    paid = records[
        (records["paid_amount"].fillna(0) > 0) & records["programme"].isin([LIVING_SUBSIDY, PROVINCIAL])
    ]
    owed = eligible[["student_id", "programme"]].drop_duplicates().assign(_owed=True)
    out = paid.merge(owed, on=["student_id", "programme"], how="left")
    out = out[out.pop("_owed").isna()].reset_index(drop=True)
    status = out["student_id"].map(students.drop_duplicates("student_id").set_index("student_id")["status"])
    reasons = np.select(
        [status.isna(), ~status.isin(schema.ENROLLED_STATUS), out["programme"] == PROVINCIAL],
        [
            "学生不在学籍库中",
            "学籍状态为“" + status.fillna("").astype(str) + "”，不应发放",
            "不是脱贫户或监测对象",
        ],
        "不属于家庭经济困难学生(无困难类别或标记)",
    )
    return out.assign(reason=reasons)


def person_key(students: pd.DataFrame) -> pd.Series:
    """One key per person: the normalised valid ID number, else the student ID."""
    raw = students["id_number"]
    arr = raw.to_numpy(dtype=object)
    key = np.full(len(arr), None, dtype=object)
    canon = ids.canonical_mask(raw)  # normalise_id leaves these as they are: judged all at once
    key[canon] = np.where(ids.valid_canonical(arr[canon]), arr[canon], None)
    for i in np.flatnonzero(~canon & raw.notna().to_numpy(dtype=bool)):  # written otherwise: few
        v = arr[i]
        n = ids.normalise_id(v) if isinstance(v, str) else None
        key[i] = n if n and ids.is_valid_id(n) else None
    out = pd.Series(key, index=students.index, dtype=object, name=raw.name).fillna(students["student_id"])
    return out.astype("str")


def duplicate_payments(records: pd.DataFrame, students: pd.DataFrame) -> pd.DataFrame:
    """Records paying the same person twice for one programme and term (also across schools).

    The person is the ID number (two student records with one ID are one person).

    Returns
    -------
    DataFrame
        Every record involved, with ``person``, ``copies`` (records for that
        person, programme and term) and ``schools`` (distinct schools).
    """
    paid = records[records["paid_amount"].fillna(0) > 0]
    # a join, not .isin(set): pandas judges an isin value set on text one value at a time
    payers = paid[["student_id"]].drop_duplicates()
    named = students[["student_id", "id_number"]].merge(payers, on="student_id").drop_duplicates("student_id")
    keys = pd.DataFrame({"student_id": named["student_id"], "person": person_key(named)})
    paid = paid.merge(keys, on="student_id", how="left")
    paid["person"] = paid["person"].fillna(paid["student_id"])
    grp = ["person", "programme", "school_year", "term"]
    # every record of a repeated (person, programme, term), then counted among those few
    dup = paid[paid.duplicated(grp, keep=False).to_numpy()].copy()
    dup["copies"] = dup.groupby(grp)["record_id"].transform("size")
    dup["schools"] = dup.groupby(grp)["school_code"].transform("nunique")
    return dup.sort_values([*grp, "record_id"], ignore_index=True)
