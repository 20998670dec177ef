"""学籍核查 · 适龄儿童花名册 (the "一册"): import the roster, match it to the students, classify.

Every child of compulsory age on the Scope's school year (age on 1 September in
``schema.COMPULSORY_AGES``) in the roster of resident children (户籍 or public
security data) falls in exactly one list:

* ``placed``: a pupil of the county in a special school or taught at home
  (学籍状态 送教上门 or 安置方式 特教学校/送教上门), or placed so by the roster;
* ``enrolled``: any other pupil of the county (学籍状态 在校);
* ``elsewhere``: recorded as studying elsewhere (``study_elsewhere``, the roster's
  异地就读学校 column, or a confirmed transfer out of the county);
* ``exempt``: the roster gives a reason for exemption or deferral (免缓学);
* ``unaccounted``: none of these -- a child to find, who can become a 控辍保学
  case in one step (:func:`open_case`);
* ``out_of_scope``: the ID is a student's whose every record lies outside the
  Scope (another township's or school's): the row says only "不在您的范围内", never
  that child's school, grade, student number, case or transfer.

Children who finished compulsory education (学籍状态 毕业 in grade 9) are not of
concern.  A primary or 教学点 leaver (毕业 below grade 9) who is enrolled nowhere
is unaccounted for: the move to the next school is where children are lost.
Matching is by the normalised ID number (:func:`lib.core.ids.normalise_id`).

Scope: a child belongs to the township of their 户籍 (``township_code``).  A
school or level filter keeps only the children enrolled in those schools (a
child who is not enrolled has no school).

The same SQL classifies the stored roster (``school_age_roster``) and a file
that is only being checked (CLI ``roster-check``): :func:`classify` takes
either.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib import ingest
from lib.core import config, ids, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.ingest import gate
from lib.roster.address import PlaceIndex

CATEGORIES: dict[str, str] = {
    "enrolled": "在县内就读",
    "suspended": "休学",
    "elsewhere": "异地就学",
    "placed": "特教/送教上门",
    "exempt": "免缓学",
    "unaccounted": "去向不明",
    "out_of_scope": "不在您的范围内",
}
#: Columns of a roster frame (canonical names; ``elsewhere_*`` are optional).
ROSTER_COLUMNS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "township_code",
    "village_code",
    "address",
    "guardian_name",
    "guardian_phone",
    "placement",
    "exemption_reason",
    "elsewhere_school",
    "elsewhere_county",
    "elsewhere_confirmed_on",
    "home_code",
)
_STORED = [c.name for c in schema.TABLES["school_age_roster"].columns]


class RosterError(AppError, ValueError):
    """The roster file cannot be used (message in Chinese)."""


# ------------------------------------------------------------------ reading
def max_age() -> int:
    """The oldest age checked (``roster.max_age``, 16): a child under 17 who has not completed
    grade 9 is still of concern; from 15 on only with a pupil record in the county, since a
    15- or 16-year-old without one may well have finished school."""
    return int(config.SETTINGS.get("roster", {}).get("max_age", 16))


def age_bounds(scope: Scope) -> tuple[date, date]:
    """(earliest exclusive, latest inclusive) birth date of a child the roster check looks at:
    ages 6 to :func:`max_age` on 1 September of the Scope's school year (``lo < birth <= hi``).
    """
    low = schema.COMPULSORY_AGES[0]
    sept1 = date(int(scope.school_year), 9, 1)
    return sept1.replace(year=sept1.year - max_age() - 1), sept1.replace(year=sept1.year - low)


def read_file(
    data: bytes, filename: str, con: duckdb.DuckDBPyConnection, scope: Scope
) -> tuple[pd.DataFrame, ingest.Report, list[str]]:
    """Read and check a roster file through the import pipeline (kind ``roster``).

    Returns
    -------
    (frame, report, problems)
        ``frame``: the rows without errors with :data:`ROSTER_COLUMNS` (places
        resolved to codes); ``report``: the pipeline's validation; ``problems``:
        rows whose place is unknown or outside the Scope (Chinese, by row).
    """
    try:
        gate.check_upload(data, filename)  # the settings' size and row limits, zip bombs
        parsed = ingest.parse_upload(data, filename, kind="roster")  # a child process: memory, time
    except (ingest.IngestError, gate.UploadRefused) as exc:
        raise RosterError(str(exc)) from exc
    report = ingest.validate(parsed, "roster", con_or_reference=con, scope=scope)
    if report.fatal:
        raise RosterError(report.errors[0].message if report.errors else "花名册无法读取。")
    frame, problems = resolve_places(report.good(), con, scope)
    return frame, report, problems


def resolve_places(
    good: pd.DataFrame, con: duckdb.DuckDBPyConnection, scope: Scope
) -> tuple[pd.DataFrame, list[str]]:
    """Township and village (names or codes as written) -> codes; rows outside the Scope dropped.

    A village is found by its 12-digit code, or by its name within the row's
    township (or in the whole county when the name is unique there).  A row without
    乡镇/村 is placed by its 户籍地代码 (12-digit village or 9-digit township code), else by
    the names its 户籍地址 holds (:class:`lib.roster.address.PlaceIndex`).
    """
    towns = store.frame(con, "SELECT code, name FROM townships WHERE code LIKE ?", [scope.county + "%"])
    vills = store.frame(
        con, "SELECT code, name, township_code FROM villages WHERE township_code LIKE ?", [scope.county + "%"]
    )
    town_by = {**dict(zip(towns["name"], towns["code"], strict=True)), **{c: c for c in towns["code"]}}
    vill_town = dict(zip(vills["code"], vills["township_code"], strict=True))
    pair: dict[tuple[str, str], str | None] = {}
    for c, n, t in zip(vills["code"], vills["name"], vills["township_code"], strict=True):
        pair[(t, n)] = None if (t, n) in pair else c  # a name twice in one township: ambiguous
    alone: dict[str, str | None] = {}
    for c, n in zip(vills["code"], vills["name"], strict=True):
        alone[n] = None if n in alone else c

    def column(name: str) -> list[str | None]:
        # tolist first: iterating an Arrow-backed text column cell by cell is slow
        return [_text(v) for v in good.get(name, pd.Series([None] * len(good), index=good.index)).tolist()]

    t_text, v_text, codes, addresses = (
        column("township"),
        column("village"),
        column("home_code"),
        column("address"),
    )
    index = PlaceIndex.build(towns, vills)
    rows_no = good[ingest.ROW].tolist() if ingest.ROW in good else list(range(2, len(good) + 2))
    allowed = None if scope.townships is None else set(scope.townships)
    keep, town_codes, vill_codes, problems = [], [], [], []
    for i, (tt, vt, code, addr, row_no) in enumerate(
        zip(t_text, v_text, codes, addresses, rows_no, strict=True)
    ):
        town = town_by.get(tt) if tt else None
        village = None
        if vt:
            if vt in vill_town and (town is None or vill_town[vt] == town):
                village = vt
            elif town is not None:
                village = pair.get((town, vt))
            else:
                village = alone.get(vt)
            if village is not None and town is None:
                town = vill_town[village]
        if town is None and not tt and not vt and code:
            town, village = index.from_code(code)
        if town is None and not tt and not vt and addr:
            town, village = index.from_address(addr)
        if town is None:
            written = tt or vt or code or ("户籍地址未写明本县区的乡镇" if addr else None)
            problems.append(f"第{row_no}行：找不到户籍乡镇“{written or '(空)'}”")
            continue
        if allowed is not None and town not in allowed:
            problems.append(f"第{row_no}行：户籍乡镇不在您的权限范围内")
            continue
        keep.append(i)
        town_codes.append(town)
        vill_codes.append(village)
    frame = good.iloc[keep].reindex(columns=list(ROSTER_COLUMNS)).reset_index(drop=True)
    frame["township_code"] = town_codes
    frame["village_code"] = vill_codes
    frame["id_number"] = [ids.normalise_id(v) for v in frame["id_number"].tolist()]
    for c in ("birth_date", "elsewhere_confirmed_on"):
        frame[c] = pd.to_datetime(frame[c], errors="coerce").dt.date
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.drop_duplicates("id_number", keep="first").reset_index(drop=True), problems


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    s = str(value).strip()
    return s or None


# ------------------------------------------------------------------ storing
def save(frame: pd.DataFrame, scope: Scope, *, path: Path | None = None) -> dict[str, int]:
    """Store a resolved roster: it replaces the stored roster of the townships it covers.

    Children marked as studying elsewhere (异地就读学校) are added to (or
    updated in) ``study_elsewhere``.  One transaction, recorded in the audit log.
    Requires the ``import`` permission.
    """
    ok, why = ingest.may_import(scope)
    if not ok:
        raise permissions.NotPermitted(why)
    if frame.empty:
        raise RosterError("花名册没有可以导入的行。")
    towns = sorted(set(frame["township_code"]))
    if scope.townships is not None and not set(towns) <= set(scope.townships):
        raise permissions.NotPermitted("花名册含有不在您权限范围内的乡镇，未导入。")
    stored = frame.assign(loaded_on=scope.as_of, loaded_by=scope.user)[_STORED]
    away = frame[frame["elsewhere_school"].notna()]
    with store.transaction(path) as con:
        removed = con.execute(
            f"SELECT count(*) FROM school_age_roster WHERE township_code IN ({', '.join('?' * len(towns))})",
            towns,
        ).fetchone()[0]
        con.execute(
            f"DELETE FROM school_age_roster WHERE township_code IN ({', '.join('?' * len(towns))})", towns
        )
        con.register("_roster_in", stored)
        try:
            con.execute(
                f"INSERT INTO school_age_roster ({', '.join(_STORED)}) "
                f"SELECT {', '.join(_cast(c) for c in _STORED)} FROM _roster_in"
            )
        finally:
            con.unregister("_roster_in")
        for r in away.itertuples(index=False):
            con.execute("DELETE FROM study_elsewhere WHERE id_number = ?", [r.id_number])
            con.execute(
                "INSERT INTO study_elsewhere VALUES (?, ?, ?, ?, ?, ?)",
                [
                    r.id_number,
                    r.name,
                    r.village_code,
                    r.elsewhere_school,
                    r.elsewhere_county,
                    r.elsewhere_confirmed_on,
                ],
            )
        store.audit(
            con,
            user=scope.user,
            action="roster_import",
            scope=scope.describe(),
            detail=f'{{"rows": {len(stored)}, "townships": {len(towns)}, "removed": {removed}}}',
        )
    return {"rows": len(stored), "townships": len(towns), "removed": int(removed), "elsewhere": len(away)}


def _cast(col: str) -> str:
    dtype = schema.TABLES["school_age_roster"].column(col).dtype
    return f'CAST("{col}" AS {dtype}) AS "{col}"'


# ------------------------------------------------------------------ classifying
def _source_sql(frame: pd.DataFrame | None) -> str:
    if frame is None:
        return (
            "SELECT id_number, name, sex, birth_date, township_code, village_code, guardian_name, "
            "guardian_phone, placement, exemption_reason, NULL::VARCHAR AS elsewhere_school "
            "FROM school_age_roster"
        )
    return (
        "SELECT CAST(id_number AS VARCHAR) id_number, CAST(name AS VARCHAR) name, CAST(sex AS VARCHAR) sex, "
        "CAST(birth_date AS DATE) birth_date, CAST(township_code AS VARCHAR) township_code, "
        "CAST(village_code AS VARCHAR) village_code, CAST(guardian_name AS VARCHAR) guardian_name, "
        "CAST(guardian_phone AS VARCHAR) guardian_phone, CAST(placement AS VARCHAR) placement, "
        "CAST(exemption_reason AS VARCHAR) exemption_reason, "
        "CAST(elsewhere_school AS VARCHAR) elsewhere_school FROM _roster_frame"
    )


def classify(con: duckdb.DuckDBPyConnection, scope: Scope, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every roster child of compulsory age in Scope with its ``category`` (:data:`CATEGORIES`).

    Parameters
    ----------
    frame
        A resolved roster (:func:`read_file`) to check without storing it;
        ``None`` = the stored roster.

    Returns
    -------
    DataFrame
        The roster columns plus ``age``, ``township_name``, ``village_name``,
        ``student_id``, ``school_code``, ``school_name``, ``grade``, ``open_case`` (an open
        控辍保学 case for the ID number), ``category``;
        unmasked (mask with :func:`lib.roster.view.display`).
    """
    permissions.require(scope, "view_named")
    lo, hi = age_bounds(scope)
    sept1 = date(int(scope.school_year), 9, 1)
    tw, tp = scope.township_where("r.township_code")
    sw, sp = scope.school_where("sc")
    stw, stp = scope.student_where("st")  # the records the user may see
    ew, ep = scope.village_where("_ev")
    cw, cp = _case_where(scope)
    enrolled = ", ".join(f"'{s}'" for s in schema.ENROLLED_STATUS)
    school_filter = (
        "TRUE" if scope.schools is None and scope.levels is None else "coalesce(m.in_scope_school, FALSE)"
    )
    sql = f"""
    WITH r AS (SELECT * FROM ({_source_sql(frame)}) r
               WHERE r.birth_date > ? AND r.birth_date <= ? AND {tw}),
    m AS (
        SELECT st.id_number,
               bool_or(st.status IN ({enrolled})) AS enrolled,
               bool_or(st.status = '休学') AS suspended,
               bool_or(st.status IN ({enrolled}) AND (st.status = '送教上门'
                       OR st.placement IN ('特教学校', '送教上门'))) AS placed,
               bool_or(st.status = '毕业' AND st.grade >= 9) AS graduated,
               bool_or(st.status IN ({enrolled}) AND ({sw})) AS in_scope_school,
               bool_or({stw}) AS any_visible,
               arg_max(st.student_id, (st.status IN ({enrolled}))::INT * 10000000 + epoch(st.enrolled_on)::BIGINT
                       ) FILTER (WHERE {stw}) AS student_id
        FROM students st JOIN schools sc ON sc.code = st.school_code
        WHERE st.id_number IN (SELECT id_number FROM r) AND sc.township_code LIKE ?
        GROUP BY st.id_number),
    paused AS (  -- an approved 休学 not followed by a 复学 (学籍异动)
        SELECT st.id_number FROM transfers t JOIN students st ON st.student_id = t.student_id
        WHERE t.direction IN ('休学', '复学') AND t.transfer_on <= ?
          AND (t.direction = '复学' OR (t.confirmed_on IS NOT NULL AND t.confirmed_on <= ?))
        GROUP BY st.id_number HAVING arg_max(t.direction, t.transfer_on) = '休学'),
    away AS (
        SELECT id_number FROM study_elsewhere
        WHERE village_code IN (SELECT _ev.code FROM villages _ev WHERE {ew})
        UNION
        SELECT st.id_number FROM transfers t JOIN students st ON st.student_id = t.student_id
        WHERE t.direction = '转出' AND t.to_school IS NULL AND t.confirmed_on IS NOT NULL AND t.confirmed_on <= ?
          AND {stw})
    SELECT r.*,
           date_diff('year', r.birth_date, ?::DATE) - CASE WHEN strftime(r.birth_date, '%m%d') > '0901'
                THEN 1 ELSE 0 END AS age,
           t.name AS township_name, v.name AS village_name,
           m.student_id, s2.school_code, sc2.name AS school_name, s2.grade,
           (SELECT coalesce(min(c.case_id) FILTER (WHERE {cw}), CASE WHEN count(*) > 0 THEN ? END)
              FROM dropout_cases c WHERE c.id_number = r.id_number
             AND c.status IN ('疑似辍学', '已核实', '劝返中')) AS open_case,
           CASE WHEN m.id_number IS NOT NULL AND NOT m.any_visible THEN 'out_of_scope'
                WHEN coalesce(m.placed, FALSE) THEN 'placed'
                WHEN r.id_number IN (SELECT id_number FROM paused) THEN 'suspended'
                WHEN coalesce(m.enrolled, FALSE) THEN 'enrolled'
                WHEN coalesce(m.suspended, FALSE) THEN 'suspended'
                WHEN r.placement IS NOT NULL THEN 'placed'
                WHEN r.elsewhere_school IS NOT NULL OR r.id_number IN (SELECT id_number FROM away) THEN 'elsewhere'
                WHEN r.exemption_reason IS NOT NULL THEN 'exempt'
                ELSE 'unaccounted' END AS category
    FROM r LEFT JOIN m ON m.id_number = r.id_number
    LEFT JOIN students s2 ON s2.student_id = m.student_id
    LEFT JOIN schools sc2 ON sc2.code = s2.school_code
    LEFT JOIN townships t ON t.code = r.township_code
    LEFT JOIN villages v ON v.code = r.village_code
    WHERE NOT (coalesce(m.graduated, FALSE) AND NOT coalesce(m.enrolled, FALSE))
      AND (r.birth_date > ? OR m.id_number IS NOT NULL)
      AND {school_filter}
    ORDER BY r.township_code, r.village_code, r.id_number
    """
    # past the compulsory ages (15, 16) a child is checked only with a pupil record here
    compulsory_lo = sept1.replace(year=sept1.year - schema.COMPULSORY_AGES[1] - 1)
    params = [lo, hi, *tp, *sp, *stp, *stp, scope.county + "%", scope.as_of, scope.as_of, *ep, scope.as_of]
    params += [*stp, sept1, *cp, OTHER_UNIT_CASE, compulsory_lo]
    if frame is not None:
        con.register("_roster_frame", frame.reindex(columns=list(ROSTER_COLUMNS)))
    try:
        out = store.frame(con, sql, params)
    finally:
        if frame is not None:
            con.unregister("_roster_frame")
    return out


#: What the roster shows for an open case of the child held by a unit outside the Scope.
OTHER_UNIT_CASE = "(其他单位已立案)"


def _case_where(scope: Scope) -> tuple[str, list[Any]]:
    """Cases in Scope (by home village, and school when the Scope names schools), alias ``c``."""
    vw, vp = scope.village_where("_cv")
    cond = f"c.village_code IN (SELECT _cv.code FROM villages _cv WHERE {vw})"
    if scope.schools is not None or scope.levels is not None:
        sw, sp = scope.school_where("_cs")
        return cond + f" AND c.school_code IN (SELECT _cs.code FROM schools _cs WHERE {sw})", [*vp, *sp]
    return cond, list(vp)


def counts(classified: pd.DataFrame) -> dict[str, int]:
    """Children per category (every category, zero included)."""
    return {c: int((classified["category"] == c).sum()) for c in CATEGORIES}


# ------------------------------------------------------------------ one step to a case
def open_case(scope: Scope, id_number: str, *, reason: str = "其他", path: Path | None = None) -> str:
    """Open a 控辍保学 case (source 花名册核查) for an unaccounted child of the stored roster.

    The child must be in the stored roster, in Scope and unaccounted for; the
    case is written by :func:`lib.dropout.cases.open_case_for_child` (which
    checks the role and refuses a second open case).
    """
    permissions.require(scope, "write_cases")
    norm = ids.normalise_id(id_number)
    with store.connect(path) as con:
        rows = classify(con, scope)
    row = rows[rows["id_number"] == norm]
    if row.empty:
        raise dropout_cases.CaseError("花名册中没有这名儿童(或不在您的权限范围内)。")
    r = row.iloc[0]
    if isinstance(r["open_case"], str):
        raise dropout_cases.CaseError(f"该儿童已有未结案件 {r['open_case']}。")  # its ID only if in Scope
    if r["category"] != "unaccounted":
        raise dropout_cases.CaseError(f"这名儿童属于“{CATEGORIES[r['category']]}”，不需要建立台账。")
    if not isinstance(r["village_code"], str):
        raise dropout_cases.CaseError("花名册未写明这名儿童的户籍村(社区)，请先补全后重新导入。")
    return dropout_cases.open_case_for_child(
        scope,
        id_number=norm,
        name=r["name"],
        village_code=r["village_code"],
        reason=reason,
        source="花名册核查",
        guardian_name=_text(r["guardian_name"]),
        guardian_phone=_text(r["guardian_phone"]),
        path=path,
    )
