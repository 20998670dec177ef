"""Typing and checking a parsed file for its kind: the validation report (pure).

:func:`validate` is the second half of the import pipeline::

    ParsedFile -> _check_columns -> _type_columns -> _resolve_names -> _check_ids
               -> _check_codes -> _check_coords -> _derive_keys -> _check_required
               -> _check_duplicates -> _check_scope -> _check_existing -> Report

Everything it needs from the store comes in a :class:`Reference` (codes that
exist, the county boundary, the keys already stored and whether each is inside
the Scope), so the rules are tested on tiny frames; :func:`load_reference`
reads one from the store for a Scope.  Each problem names the row the user sees
in the file and the header as written there; messages never repeat a personal
value (an ID number appears masked).  The checks are vectorised: messages are
only formatted for the rows that have the problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib.core import config, geo, ids, permissions, schema, textsets
from lib.core.scope import Scope
from lib.ingest.kinds import KINDS, Kind, clean_header
from lib.ingest.read import CODES, ROW, ParsedFile, Problem, as_kind, guess_kind, guess_mapping
from lib.ingest.types import (
    WHITESPACE,
    id_damage,
    normalise_codes,
    normalise_ids,
    normalise_phones,
    normalise_text,
    parse_bools,
    parse_dates,
    parse_grades,
    parse_numbers,
    valid_xueji,
    value_shape,
)

KEY = "_key"
SEP = "\x1f"
MODES = ("append", "update", "replace")
MODE_LABELS = {
    "append": "追加(已有的记录报错)",
    "update": "追加并更新已有行",
    "replace": "替换文件涉及的范围",
}
CRS = {"wgs84": "WGS-84 / CGCS2000(GPS、天地图)", "gcj02": "GCJ-02(高德、腾讯)", "bd09": "BD-09(百度)"}
_CRS_WORDS = {
    "wgs84": "wgs84",
    "wgs": "wgs84",
    "gps": "wgs84",
    "cgcs2000": "wgs84",
    "天地图": "wgs84",
    "gcj02": "gcj02",
    "gcj": "gcj02",
    "高德": "gcj02",
    "腾讯": "gcj02",
    "火星": "gcj02",
    "bd09": "bd09",
    "百度": "bd09",
}


# ------------------------------------------------------------------ reference data
@dataclass
class Reference:
    """What the checks need to know about the store, for one Scope.

    Attributes
    ----------
    townships, villages, schools
        ``code``, ``name`` (villages and schools: ``township_code``) and
        ``in_scope`` (bool) for every place of the county.
    boundary
        The county polygon (WGS-84, shapely) or None (coordinates unchecked).
    students
        ``student_id``, ``id_number``, ``xueji_number``, ``school_code``,
        ``in_scope`` for every student of the county (identity look-ups).
    existing
        Rows already stored in the kind's table: :data:`KEY` (key columns
        joined), the partition columns and ``in_scope``.
    """

    county: str
    townships: pd.DataFrame
    villages: pd.DataFrame
    schools: pd.DataFrame
    boundary: Any = None
    students: pd.DataFrame | None = None
    existing: pd.DataFrame | None = None
    scope_restricts_schools: bool = False
    #: may the county-level contacts (the 教体局局长) be written: a county-scope role over the whole
    #: county (None, a hand-built reference: when every township is in Scope)
    county_contacts: bool | None = None
    #: identity (ID number or 学籍号) -> student_id; built from ``students`` when None
    identities: pd.Series | None = None
    #: the Scope is the whole county (county-wide kinds: boundaries, the 校历)
    whole_county: bool = True
    #: the store's own county names (平桥区): a place named with another county's (光山县实验中学)
    #: is never taken for ours by leaving the county off
    divisions: tuple[str, ...] = ()


def _frame_of(*cols: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def empty_reference(county: str = "411503") -> Reference:
    """A reference with nothing in it (every code is unknown)."""
    return Reference(
        county,
        _frame_of("code", "name", "in_scope"),
        _frame_of("code", "name", "township_code", "in_scope"),
        _frame_of("code", "name", "township_code", "level", "in_scope"),
    )


def _county_contacts(scope: Scope) -> bool:
    """A county-level record is written only through a county-scope role over the whole county."""
    return scope.townships is None and scope.schools is None and permissions.can_county_level(scope, "import")


def key_sql(kind: Kind, alias: str) -> str:
    """SQL for a row's key text (key columns as VARCHAR joined by U+001F)."""
    parts = [f'CAST({alias}."{k}" AS VARCHAR)' for k in kind.key]
    return parts[0] if len(parts) == 1 else f"concat_ws(chr(31), {', '.join(parts)})"


def scope_sql(kind: Kind, scope: Scope, alias: str = "o") -> tuple[str, list[Any]]:
    """SQL condition: a stored row of the kind's table is inside the Scope (may be written).

    Students and aid records by their school, absences by the student's school,
    dropout cases by the home village (and the school when the Scope restricts
    schools), places by their township, contacts by the place they are for.
    """
    a = alias
    sw, sp = scope.school_where("_sc")
    schools_in = f"(SELECT _sc.code FROM schools _sc WHERE {sw})"
    vw, vp = scope.village_where("_v")
    villages_in = f"(SELECT _v.code FROM villages _v WHERE {vw})"
    tw, tp = scope.township_where("_t.code")
    towns_in = f"(SELECT _t.code FROM townships _t WHERE {tw})"
    t = kind.table
    if kind.county_wide and t != "townships":  # the county's own: whole-county users only
        return ("TRUE" if scope.is_whole_county else "FALSE"), []
    if t == "schools":
        return scope.school_where(a)
    if t == "townships":
        return scope.township_where(f"{a}.code")
    if t == "school_calendar":
        return ("TRUE" if scope.is_whole_county else "FALSE"), []
    if t == "enrolment_counts":
        return f"{a}.school_code IN {schools_in}", sp
    if t == "transfers":
        students_in = f"(SELECT _st.student_id FROM students _st WHERE _st.school_code IN {schools_in})"
        return (
            f"({a}.student_id IN {students_in} OR {a}.from_school IN {schools_in} OR {a}.to_school IN {schools_in})",
            [*sp, *sp, *sp],
        )
    if t == "villages":
        return scope.village_where(a)
    if t == "village_population":
        return f"{a}.village_code IN {villages_in}", vp
    if t in ("students", "aid_records"):
        return f"{a}.school_code IN {schools_in}", sp
    if t == "absences":
        return (
            f"{a}.student_id IN (SELECT _st.student_id FROM students _st WHERE _st.school_code IN {schools_in})",
            sp,
        )
    if t == "dropout_cases":
        cond, params = f"{a}.village_code IN {villages_in}", list(vp)
        if scope.schools is not None or scope.levels is not None:
            cond += f" AND {a}.school_code IN {schools_in}"
            params += sp
        return cond, params
    if t == "contacts":
        if scope.schools is not None or scope.levels is not None:  # a school: its own school's contacts
            return f"{a}.place_code IN {schools_in}", sp
        cond = f"({a}.place_code IN {towns_in} OR {a}.place_code IN {villages_in} OR {a}.place_code IN {schools_in}"
        params = [*tp, *vp, *sp]
        if _county_contacts(scope):
            cond += f" OR {a}.place_code = ?"
            params.append(scope.county)
        return cond + ")", params
    raise ValueError(f"{kind.name} has no table")


def load_reference(con: duckdb.DuckDBPyConnection, kind: str | Kind, scope: Scope) -> Reference:
    """Read what :func:`validate` needs from the store, for ``scope``.

    Places and students of the whole county are read (a code that exists but
    lies outside the Scope is ``out_of_scope``, not ``unknown``).
    """
    k = KINDS[kind] if isinstance(kind, str) else kind
    like = scope.county + "%"
    tw, tp = scope.township_where("t.code")
    towns = con.execute(
        f"SELECT t.code, t.name, ({tw}) AS in_scope FROM townships t WHERE t.code LIKE ?", [*tp, like]
    ).df()
    vw, vp = scope.village_where("v")
    villages = con.execute(
        f"SELECT v.code, v.name, v.township_code, ({vw}) AS in_scope FROM villages v WHERE v.township_code LIKE ?",
        [*vp, like],
    ).df()
    sw, sp = scope.school_where("sc")
    schools = con.execute(
        f"SELECT sc.code, sc.name, sc.township_code, sc.level, ({sw}) AS in_scope FROM schools sc "
        f"WHERE sc.township_code LIKE ?",
        [*sp, like],
    ).df()
    boundary = None
    row = con.execute("SELECT geometry FROM counties WHERE code = ?", [scope.county]).fetchone()
    if row and row[0]:
        import shapely

        boundary = shapely.from_wkt(row[0])
        shapely.prepare(boundary)
    divisions = tuple(
        r[0]
        for r in con.execute("SELECT name FROM counties WHERE code = ?", [scope.county]).fetchall()
        if r[0]
    )
    ref = Reference(
        scope.county,
        towns,
        villages,
        schools,
        boundary,
        scope_restricts_schools=scope.schools is not None or scope.levels is not None,
        whole_county=scope.is_whole_county,
        county_contacts=_county_contacts(scope),
        divisions=divisions,
    )
    if k.table in _FINDS_STUDENTS:
        ref.students = _objects(
            con.execute(
                f"SELECT st.student_id, st.id_number, st.xueji_number, st.school_code, "
                f"coalesce(st.school_code IN (SELECT sc.code FROM schools sc WHERE {sw}), FALSE) AS in_scope "
                f"FROM students st",
                sp,
            ).df()
        )
        ids_ = con.execute(
            "SELECT ident, min(student_id) AS student_id FROM (SELECT id_number AS ident, student_id FROM students "
            "UNION ALL SELECT xueji_number, student_id FROM students) WHERE ident IS NOT NULL "
            "GROUP BY ident HAVING count(DISTINCT student_id) = 1"
        ).df()
        ref.identities = pd.Series(
            ids_["student_id"].to_numpy(dtype=object),
            index=pd.Index(ids_["ident"].to_numpy(dtype=object), dtype=object),
        )
    if k.table == "students":  # the students just read are the stored rows (key student_id)
        ref.existing = ref.students[["student_id", "school_code", "in_scope"]].rename(
            columns={"student_id": KEY}
        )
    elif k.table:
        cond, params = scope_sql(k, scope, "o")
        part = "".join(f', o."{p}"' for p in k.partition if p not in k.key)
        ref.existing = _objects(
            con.execute(
                f'SELECT {key_sql(k, "o")} AS {KEY}{part}, ({cond}) AS in_scope FROM "{k.table}" o', params
            ).df()
        )
    return ref


def _objects(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects (look-ups against the file's object columns stay on the fast path)."""
    for c in df.columns:
        if pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].to_numpy(dtype=object, na_value=None)
    return df


# ------------------------------------------------------------------ the report
@dataclass
class Report:
    """The validation of one file for one kind (and import mode).

    ``clean`` holds every data row typed (canonical columns and :data:`ROW`);
    :meth:`good` the rows without errors.  ``fatal`` is true when the file as
    a whole cannot be imported (a required column is missing, wrong kind ...):
    then no row is valid.  ``provided`` lists the store columns the import
    writes (the file's own and those derived from it).
    """

    kind: str
    filename: str
    mode: str
    rows: int
    problems: list[Problem]
    clean: pd.DataFrame
    fatal: bool = False
    provided: tuple[str, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)
    bad_rows: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        data_rows = set(self.clean[ROW].tolist()) if ROW in self.clean else set()
        self.bad_rows = frozenset(
            p.row for p in self.problems if p.severity == "error" and p.row is not None and p.row in data_rows
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def valid_rows(self) -> int:
        return 0 if self.fatal else self.rows - len(self.bad_rows)

    @property
    def ok(self) -> bool:
        return not self.errors

    def good(self) -> pd.DataFrame:
        """Rows without errors (none when the file is fatally wrong)."""
        if self.fatal:
            return self.clean.iloc[0:0]
        return self.clean[~self.clean[ROW].isin(self.bad_rows)]

    def to_json(self) -> dict[str, Any]:
        """The CLI contract (docs/cli.md): rows, valid_rows, errors, warnings."""
        return {
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }

    def problems_frame(self) -> pd.DataFrame:
        """One line per problem (row, column, code, message, severity): errors first, then by row."""
        df = pd.DataFrame(
            [(p.row, p.column, p.code, p.message, p.severity) for p in self.problems],
            columns=["row", "column", "code", "message", "severity"],
        )
        if df.empty:
            return df
        df["row"] = df["row"].astype("Int64")
        order = (df["severity"] != "error").astype(int)
        return (
            df.assign(_o=order)
            .sort_values(["_o", "row"], na_position="first", kind="stable")
            .drop(columns="_o")
            .reset_index(drop=True)
        )

    def counts_by_code(self) -> pd.DataFrame:
        """Problems per code with the code's meaning (what to fix first)."""
        df = self.problems_frame()
        if df.empty:
            return pd.DataFrame(columns=["code", "severity", "meaning", "count"])
        out = df.groupby(["code", "severity"], as_index=False).size().rename(columns={"size": "count"})
        out["meaning"] = out["code"].map(lambda c: CODES.get(c, ("", c))[1])
        return out.sort_values(["severity", "count"], ascending=[True, False], ignore_index=True)[
            ["code", "severity", "meaning", "count"]
        ]


# ------------------------------------------------------------------ the problem sink
class _Sink:
    """Collects problems for one file (row numbers and headers as the user sees them)."""

    def __init__(self, parsed: ParsedFile, frame: pd.DataFrame) -> None:
        self.parsed = parsed
        self.rows = frame[ROW]
        self.items: list[Problem] = []

    def errored(self, *columns: str) -> pd.Series:
        """Rows that already have an error in one of ``columns`` (canonical names), or in any
        column when none is named: a follow-on problem there would only repeat it.  Problems in
        other columns never hide one (a row's every problem is reported in one pass)."""
        headers = {self.parsed.header_of(c) for c in columns}
        return self.rows.isin(
            {p.row for p in self.items if p.severity == "error" and (not columns or p.column in headers)}
        )

    def file(self, code: str, message: str, *, column: str | None = None, row: int | None = None) -> None:
        """A problem of the file as a whole (at the header row unless told otherwise)."""
        self.items.append(Problem(row if row is not None else self.parsed.header_row, column, code, message))

    def cells(
        self,
        mask: pd.Series | np.ndarray,
        column: str | None,
        code: str,
        message: str,
        *,
        values: pd.Series | None = None,
        personal: bool | str = False,
    ) -> None:
        """One problem per row where ``mask``.

        ``message`` may hold ``{v}``, filled from ``values`` for the flagged rows
        only: masked like an ID number when ``personal == "id"``, shown by its shape
        for any other personal value (``2016.13.01`` -> ``####.##.##``: the user sees
        what is wrong with the form, nobody reads the child's data).
        """
        m = np.asarray(pd.Series(mask).fillna(False).to_numpy(), dtype=bool)
        if not m.any():
            return
        col = self.parsed.header_of(column) if column else None
        rows = self.rows.to_numpy()[m]
        if values is None:
            texts = [message] * len(rows)
        else:
            shown = pd.Series(values).astype("object").to_numpy()[m]
            if personal == "id":
                shown = [ids.mask_id(str(v)) for v in shown]
            elif personal:
                shown = [value_shape(v) for v in shown]
            texts = [message.format(v=v) for v in shown]
        self.items.extend(Problem(int(r), col, code, t) for r, t in zip(rows, texts, strict=True))


def _none(df: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NA, index=df.index, dtype="object")


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df else _none(df)


def _flag(s: pd.Series) -> pd.Series:
    return s.fillna(False).astype(bool)


_member = textsets.member
_lookup = textsets.lookup


# ------------------------------------------------------------------ steps
def _check_columns(parsed: ParsedFile, kind: Kind, sink: _Sink) -> bool:
    """Required columns present; else wrong kind or missing column (fatal)."""
    have = set(parsed.headers)
    missing = [c for c in kind.required if c not in have]
    groups = [g for g in kind.one_of if not any(c in have for c in g)]
    if not missing and not groups:
        return True
    other, n = guess_kind(parsed)
    if other and other != kind.name and not (kind.registry and KINDS[other].registry):
        o = KINDS[other]
        if n >= 3 and all(c in guess_mapping(parsed.columns, o).values() for c in o.required):
            sink.file("wrong_kind", f"表头像是“{o.label}”表，不是所选的“{kind.label}”表：请重新选择数据类型")
            return False
    for c in missing:
        f = kind.field(c)
        sink.file(
            "missing_column",
            f"缺少必需的列“{f.label}”(可用列名：{'、'.join(f.synonyms[:4])})",
            column=f.label,
        )
    for g in groups:
        labels = "、".join(kind.field(c).label for c in g)
        sink.file("missing_column", f"至少需要以下一列：{labels}", column=kind.field(g[0]).label)
    return False


_CODE_ALIASES = {
    "在读": "在校",
    "在籍": "在校",
    "正常": "在校",
    "休学中": "休学",
    "转学": "转出",
    "已毕业": "毕业",
    "失学": "辍学",
    "男性": "男",
    "女性": "女",
    "m": "男",
    "f": "女",
    "male": "男",
    "female": "女",
    "脱贫家庭": "脱贫户",
    "脱贫人口": "脱贫户",
    "建档立卡": "脱贫户",
    "建档立卡户": "脱贫户",
    "防返贫监测对象": "监测对象",
    "监测户": "监测对象",
    "低保户": "低保",
    "最低生活保障": "低保",
    "特困供养": "特困",
    "特困人员": "特困",
    "九年制": "九年一贯制",
    "九年一贯制学校": "九年一贯制",
    "初级中学": "初中",
    "特殊教育学校": "特殊教育",
    "特教": "特殊教育",
    "完小": "小学",
    "村小": "小学",
    "中心小学": "小学",
    "随班": "随班就读",
    "普通": "普通班",
}
#: Values that mean "none" in an optional code column (困难类别 = 无).
_NONE_WORDS = {"无", "否", "非困难", "一般", "/", "-"}


def _canonical_code(values: pd.Series, codes: tuple[str, ...]) -> pd.Series:
    """Common spellings of code-list values mapped to the list's own words."""
    uniq = pd.Series(values.dropna().unique(), dtype="object")
    fixed = pd.Series(_canonical_unique(uniq, codes).to_numpy(), index=uniq.to_numpy(), dtype="object")
    return _lookup(values, fixed)


def _canonical_unique(values: pd.Series, codes: tuple[str, ...]) -> pd.Series:
    v = values.astype("object")
    low = values.astype("string").str.lower()
    alias = low.map(_CODE_ALIASES).where(low.isin(list(_CODE_ALIASES)).fillna(False).astype(bool))
    alias = alias.where(alias.isin(codes))
    out = v.where(v.isin(codes), alias.where(alias.notna(), v))
    return out.where(~low.isin(list(_NONE_WORDS)).fillna(False).astype(bool), None)


#: How a 校历 names a day (上课日 yes/no).
_DAY_WORDS = {
    **dict.fromkeys(("上课", "上课日", "正常上课", "补课", "调休上课", "调课", "工作日", "在校"), "是"),
    **dict.fromkeys(("放假", "假期", "休息", "休息日", "节假日", "寒假", "暑假", "周末", "停课"), "否"),
}


def _school_year_text(raw: pd.Series) -> pd.Series:
    """A school year as reports write it (``2025-2026学年``, ``2025—2026``, ``2025学年``) -> ``2025``."""
    s = normalise_text(raw).str.replace(r"\s", "", regex=True)
    pair = s.str.extract(r"^(\d{4})[-—–~～至/](\d{4})(?:学年度?|年度?)?$")
    first, second = pd.to_numeric(pair[0], errors="coerce"), pd.to_numeric(pair[1], errors="coerce")
    single = s.str.extract(r"^(\d{4})(?:学年度?|年度?)$")[0]
    out = raw.astype("object")
    out = out.where(~_flag(second == first + 1), pair[0].astype("object"))
    return out.where(single.isna(), single.astype("object"))


def _type_columns(frame: pd.DataFrame, kind: Kind, sink: _Sink) -> pd.DataFrame:
    out = pd.DataFrame({ROW: frame[ROW]})
    for f in kind.fields:
        if f.name not in frame.columns:
            continue
        raw = frame[f.name]
        personal = "id" if f.type in ("id", "xueji") else f.personal
        if f.type == "date":
            values, bad = parse_dates(raw)
            sink.cells(
                bad,
                f.name,
                "bad_date",
                "“{v}”不是可识别的日期(如 2025-09-01、2025/9/1、2025年9月1日)",
                values=raw,
                personal=personal,
            )
        elif f.type in ("int", "float"):
            if f.name == "grade":  # 4, 4年级, 四年级, 初一 ... (lib.ingest.types.parse_grades)
                values, bad = parse_grades(raw)
                text = "“{v}”不是可识别的年级(可写 4、4年级、四年级、初一、七年级)"
            else:
                if f.name == "school_year":
                    raw = _school_year_text(raw)
                values, bad = parse_numbers(raw, integer=f.type == "int")
                text = "“{v}”不是可识别的数字"
            sink.cells(bad, f.name, "bad_number", text, values=raw, personal=personal)
            if f.range is not None:
                lo, hi = f.range
                out_of = _flag(values.notna() & ((values < lo) | (values > hi)))
                sink.cells(
                    out_of, f.name, "out_of_range", f"{{v}} 超出合理范围({lo:g}-{hi:g})", values=values
                )
                values = values.where(~out_of)
        elif f.type == "bool":
            if f.name == "is_school_day":
                words = _lookup(normalise_text(raw).str.replace(r"\s", "", regex=True), pd.Series(_DAY_WORDS))
                raw = words.where(words.notna(), raw.astype("object"))
            values, bad = parse_bools(raw)
            sink.cells(bad, f.name, "bad_bool", "“{v}”应为 是/否", values=raw, personal=personal)
            if kind.table:
                values = values.fillna(False)  # a blank flag in a ledger means "no"
        elif f.type == "id":
            values = normalise_ids(raw)
        elif f.type == "xueji":
            values = normalise_text(raw).str.replace(r"\s", "", regex=True).str.upper()
        elif f.type == "code":
            values = normalise_codes(raw)
        elif f.type == "phone":
            values = normalise_phones(raw)
        else:
            values = normalise_text(raw)
        if f.codes is not None and f.type == "text":
            values = _canonical_code(values, f.codes)
            bad = _flag(values.notna() & ~values.isin(f.codes))
            sink.cells(
                bad,
                f.name,
                "bad_code",
                f"“{{v}}”不是有效的{f.label}(可选：{'、'.join(f.codes)})",
                values=values,
            )
            values = values.where(~bad, None)
        out[f.name] = values
    return out


#: A total line of a clerk's file (合计：40人, 小计, 总计 ...): the word, then nothing, a colon,
#: a number or a unit.  总计村 is a village, not a total.
_SUMMARY = "(" + "|".join(schema.SUMMARY_ROW_WORDS) + r")([:：\d人名所个条项,，.。(（].*)?"
#: A signature line under the table (填表人：张三  审核人：李四).
_FOOTER = "(" + "|".join(schema.FOOTER_ROW_WORDS) + ")[:：].*"
#: A cheap first pass: a cell holding none of the words' last characters is neither.
_SUMMARY_HINT = (
    "[" + "".join(sorted({w[-1] for w in schema.SUMMARY_ROW_WORDS + schema.FOOTER_ROW_WORDS})) + "]"
)
#: Columns looked at: a total's word stands in the first columns (序号, 姓名 or 学校名称).
_SUMMARY_COLUMNS = 3


def skip_summary_rows(parsed: ParsedFile) -> tuple[ParsedFile, list[Problem]]:
    """The file without its total and signature lines, and a warning for each one skipped.

    A row is a total when one of its first cells reads 合计/小计/总计 ...; a signature line when
    it has at most two cells and one reads 填表人：... .  Such rows are not data: typed as
    data they would make an error per column (or, worse, be counted as a pupil).
    """
    frame = parsed.frame
    cols = [c for c in frame.columns if c != ROW]
    if frame.empty or not cols:
        return parsed, []
    looked = cols[:_SUMMARY_COLUMNS] + [c for c in ("name", "school_name") if c in cols[_SUMMARY_COLUMNS:]]
    filled = frame[cols].notna().sum(axis=1)
    summary = pd.Series(False, index=frame.index)
    shown = pd.Series(pd.NA, index=frame.index, dtype="object")
    for c in looked:
        s = frame[c].astype("string").str.replace(f"[{WHITESPACE}]", "", regex=True)
        maybe = _flag(s.str.contains(_SUMMARY_HINT, regex=True))
        if not maybe.any():
            continue
        hit = maybe & (_flag(s.str.fullmatch(_SUMMARY)) | (_flag(s.str.fullmatch(_FOOTER)) & (filled <= 2)))
        shown = shown.where(~(hit & shown.isna()), frame[c])
        summary |= hit
    if not summary.any():
        return parsed, []
    notes = [
        Problem(int(r), None, "summary_row", f"第 {int(r)} 行“{str(v)[:20]}”是合计或表尾签字行，已跳过")
        for r, v in zip(frame.loc[summary, ROW], shown[summary], strict=True)
    ]
    skipped = set(frame.loc[summary, ROW].tolist())
    raw = parsed.raw
    if raw is not None and ROW in raw:
        raw = raw[~raw[ROW].isin(skipped)].reset_index(drop=True)
    return replace(parsed, frame=frame[~summary].reset_index(drop=True), raw=raw), notes


def _check_grade_age(df: pd.DataFrame, scope: Scope, sink: _Sink) -> None:
    """A pupil whose age on 1 September does not fit the grade: a warning, never an error
    (children start late, repeat a year or come back after a dropout)."""
    if "grade" not in df or "birth_date" not in df:
        return
    slack = int(config.SETTINGS["ingest"].get("grade_age_years", 2))
    born, grade = df["birth_date"], df["grade"].astype("float64")
    later = (born.dt.month > 9) | ((born.dt.month == 9) & (born.dt.day > 1))
    age = scope.school_year - born.dt.year - later.astype("float64")
    usual = schema.typical_age(grade)
    odd = _flag(age.notna() & grade.notna() & ((age - usual).abs() > slack))
    text = pd.Series(
        [
            f"{schema.GRADE_LABELS.get(int(g), f'{g:g}年级')}一般 "
            f"{schema.typical_age(int(g)) - slack}-{schema.typical_age(int(g)) + slack} 岁"
            if o
            else ""
            for g, o in zip(grade, odd, strict=True)
        ],
        index=df.index,
    )
    sink.cells(
        odd, "grade", "grade_age", "按出生日期算的年龄与年级不相称({v})，照常导入，请核对", values=text
    )


def _clean_names(names: pd.Series) -> pd.Series:
    return names.astype("string").str.normalize("NFKC").str.replace(textsets.SPACES, "", regex=True)


def _lookup_names(
    names: pd.Series,
    table: pd.DataFrame,
    *,
    within: pd.Series | None = None,
    divisions: tuple[str, ...] = (),
) -> tuple[pd.Series, pd.Series]:
    """(code, ambiguous) for each name: an exact match on the place's name, narrowed
    to ``within`` (a township code per row) when the name repeats; then the name with its
    county left off or added, when that county is the store's own (``divisions``, or the
    county the store's own names begin with)."""
    key = _clean_names(table["name"])
    counts = key.value_counts()
    unique = pd.Series(table["code"].to_numpy(), index=key.to_numpy())
    unique = unique[_member(pd.Series(unique.index), counts[counts == 1].index).to_numpy()]
    wanted = _clean_names(names)
    code = _lookup(wanted, unique)
    ambiguous = _member(wanted, counts[counts > 1].index)
    if within is not None and "township_code" in table and ambiguous.any():
        pair = key + SEP + table["township_code"].astype("string")
        pair_counts = pair.value_counts()
        by_pair = pd.Series(table["code"].to_numpy(), index=pair.to_numpy())
        by_pair = by_pair[_member(pd.Series(by_pair.index), pair_counts[pair_counts == 1].index).to_numpy()]
        narrowed = _lookup(wanted + SEP + within.astype("string"), by_pair)
        code = code.where(code.notna(), narrowed.astype("object"))
        ambiguous = ambiguous & narrowed.isna()
    missing = code.isna() & ~ambiguous & wanted.notna()
    if missing.any():  # 明港镇中心小学 for 平桥区明港镇中心小学: the county's name left off (or added)
        short = _without_division(key)
        short_counts = short.value_counts()
        by_short = pd.Series(table["code"].to_numpy(), index=short.to_numpy())
        by_short = by_short[
            _member(pd.Series(by_short.index), short_counts[short_counts == 1].index).to_numpy()
        ]
        asked = wanted.where(missing)
        own = {_county_part(p) for p in _division(key).dropna()} | set(divisions)
        prefix = _division(asked).fillna("")
        foreign = prefix.map(lambda p: bool(p) and _county_part(p) not in own).astype(bool)
        found = _lookup(_without_division(asked.where(~foreign)), by_short)
        code = code.where(code.notna(), found.astype("object"))
    return code.where(code.notna(), None), ambiguous


#: A leading city and county (信阳市平桥区, 平桥区) before a place's own name.
_DIVISION = r"^(?:[^\d\s]{1,4}?市)?[^\d\s]{1,4}?[区县](?=[^\d\s]{4,})"


def _division(names: pd.Series) -> pd.Series:
    """The leading city/county of each name (信阳市平桥区, 平桥区), <NA> where there is none."""
    return names.astype("string").str.extract(f"^({_DIVISION[1:]})", expand=False)


def _county_part(division: str) -> str:
    """信阳市平桥区 -> 平桥区: the county of a division, whether or not its city is written."""
    return re.sub(r"^[^\d\s]{1,4}?市", "", division)


def _without_division(names: pd.Series) -> pd.Series:
    """Names without a leading city/county (平桥区明港镇中心小学 -> 明港镇中心小学), kept whole
    when what would remain is shorter than four characters (城区小学 stays)."""
    return names.astype("string").str.replace(_DIVISION, "", regex=True)


_PLACES = {
    "township_code": ("township_name", "乡镇", "unknown_township"),
    "village_code": ("village_name", "村(社区)", "unknown_village"),
    "school_code": ("school_name", "学校", "unknown_school"),
    "place_code": ("place_name", "单位", "unknown_place"),
}


def _resolve_names(df: pd.DataFrame, kind: Kind, ref: Reference, sink: _Sink) -> None:
    """Fill a code column from a name column (学校名称 -> 学校标识码 ...) where the code is
    blank, and read a code column written with names (户籍村 = 王湾村) the same way."""
    tables = {
        "township_code": ref.townships,
        "village_code": ref.villages,
        "school_code": ref.schools,
        "place_code": pd.concat(
            [ref.townships[["code", "name"]], ref.villages[["code", "name"]], ref.schools[["code", "name"]]],
            ignore_index=True,
        ),
    }
    resolved = 0
    for code_col, (name_col, label, unknown) in _PLACES.items():
        if code_col not in kind.names or (code_col not in df and name_col not in df):
            continue
        codes = _col(df, code_col)
        named = _flag(codes.notna() & ~codes.astype("string").str.fullmatch(r"\d+").fillna(True).astype(bool))
        names = _col(df, name_col).where(~named, codes)
        need = _flag((codes.isna() | named) & names.notna())
        if not need.any():
            continue
        within = df["township_code"] if code_col == "village_code" and "township_code" in df else None
        found, ambiguous = _lookup_names(
            names.where(need), tables[code_col], within=within, divisions=ref.divisions
        )
        where = name_col if name_col in df else code_col
        sink.cells(
            need & ambiguous, where, "ambiguous_name", "名称“{v}”对应多个代码：请填写代码", values=names
        )
        sink.cells(
            need & ~ambiguous & found.isna(), where, unknown, f"找不到名为“{{v}}”的{label}", values=names
        )
        df[code_col] = codes.where(~need, found).astype("object")
        resolved += int((need & found.notna()).sum())
    if resolved:
        sink.file("name_resolved", f"{resolved:,} 个单元格按名称匹配到了代码，请在预览中核对")


_DAMAGE = {
    "numeric": (
        "id_numeric",
        "身份证号在 Excel 中存成了数字(只保留 15 位有效数字，后几位已丢失，无法恢复)：请把该列设为文本后从原系统重新导出",
    ),
    "scientific": (
        "id_scientific",
        "身份证号被 Excel 改成科学计数法，后几位已丢失，无法恢复：请从原系统重新导出(设为文本格式)",
    ),
    "excel_zeros": (
        "id_excel_zeros",
        "身份证号末三位为000且校验位不符：Excel 只保留了前 15 位，请从原系统重新导出",
    ),
    "checksum": ("id_checksum", "身份证号校验位错误"),
    "format": ("id_format", "身份证号格式错误(应为 18 位，最后一位可为 X)"),
}


def _check_ids(df: pd.DataFrame, kind: Kind, sink: _Sink) -> None:
    """ID numbers (damaged by Excel or invalid: never repaired), sex and birth date against
    the ID, 学籍号 format."""
    if "id_number" in df:
        damage = id_damage(df["id_number"])
        numeric = sink.parsed.cell_type("id_number")
        if numeric is not None:
            stored_as_number = _flag(pd.Series(numeric.to_numpy() == "n", index=df.index))
            damage = damage.mask(stored_as_number, "numeric")
        for what, (code, text) in _DAMAGE.items():
            sink.cells(
                damage == what, "id_number", code, text + "({v})", values=df["id_number"], personal="id"
            )
        df["id_number"] = df["id_number"].where(damage.isna(), None)
        idn = df["id_number"].astype("string")
        if "sex" in df:
            odd = (pd.to_numeric(idn.str[16], errors="coerce") % 2 == 1).fillna(False).to_numpy(dtype=bool)
            from_id = np.where(odd, "男", "女")
            sink.cells(
                idn.notna() & df["sex"].notna() & (df["sex"] != from_id),
                "sex",
                "sex_mismatch",
                "性别与身份证号第17位不符",
            )
        if "birth_date" in df:
            born = pd.to_datetime(idn.str[6:14], format="%Y%m%d", errors="coerce")
            sink.cells(
                idn.notna() & df["birth_date"].notna() & (df["birth_date"] != born),
                "birth_date",
                "birth_mismatch",
                "出生日期与身份证号中的日期不符",
            )
    if "xueji_number" in df:
        bad = _flag(df["xueji_number"].notna() & ~valid_xueji(df["xueji_number"]))
        sink.cells(
            bad,
            "xueji_number",
            "xueji_format",
            "学籍号格式错误({v})：应为 G+身份证号，或 J、L 开头的 19 位",
            values=df["xueji_number"],
            personal="id",
        )
        df["xueji_number"] = df["xueji_number"].where(~bad, None)


_FORMATS = {
    "school_code": (
        r"(1[1-9]|2[1-9]|3[1-9]|4[1-9]|5[1-9]|6[1-9])\d{8}",
        "school_code_format",
        "学校标识码应为 10 位数字(类型 2 位 + 省 2 位 + 6 位)",
    ),
    "village_code": (r"\d{12}", "village_code_format", "村(社区)代码应为 12 位数字"),
    "township_code": (r"\d{9}", "township_code_format", "乡镇代码应为 9 位数字"),
}


def _check_codes(df: pd.DataFrame, kind: Kind, ref: Reference, sink: _Sink) -> None:
    """Code formats, and codes that must exist (school, village, township, place)."""
    formats = dict(_FORMATS)
    if kind.table == "schools":
        formats["code"] = _FORMATS["school_code"]
    if kind.table == "villages":
        formats["code"] = _FORMATS["village_code"]
    for col, (pattern, code, text) in formats.items():
        if col in df and col in kind.names:
            v = df[col]
            bad = _flag(v.notna() & ~v.astype("string").str.fullmatch(pattern).fillna(False).astype(bool))
            sink.cells(bad, col, code, "“{v}”：" + text, values=v)
            df[col] = v.where(~bad, None)
    exist = [
        ("township_code", ref.townships, "unknown_township", "乡镇"),
        ("village_code", ref.villages, "unknown_village", "村(社区)"),
        ("school_code", ref.schools, "unknown_school", "学校"),
    ]
    for col, table, code, label in exist:
        if col in df and col in kind.names:
            v = df[col]
            bad = _flag(v.notna() & ~_member(v, table["code"]))
            sink.cells(bad, col, code, f"{label}代码“{{v}}”在系统中不存在", values=v)
            df[col] = v.where(~bad, None)
    if kind.table == "villages" and "township_code" in df and "code" in df:
        wrong = _flag(
            df["code"].notna()
            & df["township_code"].notna()
            & (df["code"].astype("string").str[:9] != df["township_code"].astype("string"))
        )
        sink.cells(wrong, "code", "village_code_format", "村(社区)代码的前 9 位应为所属乡镇代码")
    if kind.table == "contacts" and "place_code" in df:
        known = (
            set(ref.townships["code"]) | set(ref.villages["code"]) | set(ref.schools["code"]) | {ref.county}
        )
        v = df["place_code"]
        bad = _flag(v.notna() & ~_member(v, known))
        sink.cells(bad, "place_code", "unknown_place", "单位代码“{v}”不是本县区的乡镇、村或学校", values=v)
        df["place_code"] = v.where(~bad, None)


def to_wgs84(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes/latitudes declared in ``crs`` (``wgs84``, ``gcj02``, ``bd09``) as WGS-84 (lib.core.geo)."""
    if crs == "wgs84":
        return np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    convert = {"gcj02": geo.gcj02_to_wgs84, "bd09": geo.bd09_to_wgs84}[crs]
    x, y = convert(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def _declared_crs(df: pd.DataFrame, default: str) -> tuple[pd.Series, pd.Series]:
    """CRS per row (a 坐标系 column wins over the file's declaration) and rows where it is unreadable."""
    crs = pd.Series(default, index=df.index, dtype="object")
    if "crs" not in df:
        return crs, pd.Series(False, index=df.index)
    words = df["crs"].map(lambda v: _CRS_WORDS.get(clean_header(v)), na_action="ignore")
    return words.where(words.notna(), default), _flag(df["crs"].notna() & words.isna())


def _inside(boundary: Any, lon: pd.Series, lat: pd.Series) -> pd.Series:
    import shapely

    return pd.Series(
        shapely.contains_xy(boundary, lon.fillna(0).to_numpy(), lat.fillna(0).to_numpy()), index=lon.index
    )


def _check_coords(df: pd.DataFrame, kind: Kind, ref: Reference, crs: str, sink: _Sink) -> None:
    """Both or neither; GCJ-02/BD-09 converted to WGS-84; swapped longitude/latitude
    recognised (and swapped back, with a warning); inside the county."""
    if "lon" not in kind.names or ("lon" not in df and "lat" not in df):
        return
    lon = df["lon"].astype("float64") if "lon" in df else pd.Series(np.nan, index=df.index)
    lat = df["lat"].astype("float64") if "lat" in df else pd.Series(np.nan, index=df.index)
    half = lon.isna() != lat.isna()
    sink.cells(half, "lon" if "lon" in df else "lat", "coords_incomplete", "经度、纬度只填了一个")
    row_crs, bad_crs = _declared_crs(df, crs)
    sink.cells(
        bad_crs,
        "crs",
        "bad_crs",
        "坐标系“{v}”无法识别(可填 WGS84、GCJ02/高德、BD09/百度)",
        values=_col(df, "crs"),
    )
    both = lon.notna() & lat.notna() & ~bad_crs
    # a swap is judged on the raw numbers: the ~500 m datum shift cannot turn lat/lon around
    if ref.boundary is not None and both.any():
        swapped = both & ~_inside(ref.boundary, lon, lat) & _inside(ref.boundary, lat, lon)
        if swapped.any():
            sink.cells(swapped, "lon", "coords_swapped", "经度与纬度填反了，已按交换后的坐标导入")
            lon, lat = lon.where(~swapped, lat), lat.where(~swapped, lon)
    for name in ("gcj02", "bd09"):
        conv = both & (row_crs == name)
        if conv.any():
            x, y = to_wgs84(lon[conv].to_numpy(), lat[conv].to_numpy(), name)
            lon, lat = lon.copy(), lat.copy()
            lon[conv], lat[conv] = x, y
            sink.cells(conv, "lon", "coords_converted", f"坐标按 {CRS[name]} 转换为 WGS-84")
    if ref.boundary is not None and both.any():
        outside = both & ~_inside(ref.boundary, lon, lat)
        shown = lon.round(5).astype("string") + ", " + lat.round(5).astype("string")
        sink.cells(outside, "lon", "coords_outside", "坐标({v})不在本县区范围内", values=shown)
        lon, lat = lon.where(~outside), lat.where(~outside)
    df["lon"], df["lat"] = lon.where(~half), lat.where(~half)


def _town_kind(names: pd.Series) -> pd.Series:
    """街道 / 镇 / 乡 from a township's name; anything else (管理区, 开发区 ...) 类似乡级单位."""
    n = names.astype("string")
    return pd.Series(
        np.select(
            [
                n.str.endswith("街道").fillna(False),
                n.str.endswith("镇").fillna(False),
                n.str.endswith("乡").fillna(False),
            ],
            ["街道", "镇", "乡"],
            default="类似乡级单位",
        ),
        index=names.index,
        dtype="object",
    ).where(n.notna(), None)


def _check_boundaries(df: pd.DataFrame, kind: Kind, ref: Reference, crs: str, sink: _Sink) -> None:
    """Township polygons: 9-digit codes of this county (a 12-digit 国土 code ending in 000 is
    read as its first 9), valid polygons (GCJ-02/BD-09 converted to WGS-84), inside the county;
    the kind from the name, the seat a point inside the polygon when the file gives none."""
    if kind.table != "townships" or "geometry" not in df:
        return
    import shapely

    code = _col(df, "code").astype("string")
    code = code.where(~_flag(code.str.fullmatch(r"\d{9}000")), code.str[:9])
    foreign = _flag(
        code.notna() & code.str.fullmatch(r"\d{9}").fillna(False) & ~code.str.startswith(ref.county)
    )
    sink.cells(
        foreign, "code", "township_code_format", f"乡镇代码“{{v}}”不属于本县区({ref.county})", values=code
    )
    df["code"] = code.where(~foreign, None).astype("object")
    df["county_code"] = ref.county
    shapes = shapely.from_wkt(df["geometry"].astype("object").to_numpy(), on_invalid="ignore")
    polygonal = np.array(
        [g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon") for g in shapes]
    )
    sink.cells(
        ~polygonal & df["geometry"].notna().to_numpy(),
        "geometry",
        "bad_geometry",
        "边界不是多边形(应为乡镇的面状边界)",
    )
    shapes = np.where(polygonal, shapes, None)
    ok = polygonal.copy()
    if ok.any():
        fixed = shapely.make_valid(shapes[ok])
        if crs in ("gcj02", "bd09"):
            convert = {"gcj02": geo.gcj02_to_wgs84, "bd09": geo.bd09_to_wgs84}[crs]
            fixed = shapely.transform(fixed, lambda xy: np.column_stack(convert(xy[:, 0], xy[:, 1])))
            sink.cells(
                pd.Series(ok, index=df.index),
                "geometry",
                "coords_converted",
                f"边界按 {CRS[crs]} 转换为 WGS-84",
            )
        shapes[ok] = fixed
    if ref.boundary is not None and ok.any():
        inside = np.zeros(len(df), dtype=bool)
        county = ref.boundary
        inside[ok] = [
            g.intersection(county).area >= 0.5 * g.area if g.area > 0 else False for g in shapes[ok]
        ]
        sink.cells(
            pd.Series(ok & ~inside, index=df.index),
            "geometry",
            "geometry_outside",
            "边界大部分不在本县区范围内(坐标系是否写明？高德/百度坐标请选择 GCJ-02/BD-09)",
        )
        ok &= inside
    df["geometry"] = pd.Series(
        [g.wkt if g is not None else None for g in np.where(ok, shapes, None)], index=df.index, dtype="object"
    )
    seats = shapely.point_on_surface(np.where(ok, shapes, None))
    for col, coord in (("seat_lon", shapely.get_x), ("seat_lat", shapely.get_y)):
        given = _col(df, col)
        derived = pd.Series(coord(seats), index=df.index)
        df[col] = given.where(given.notna(), derived).astype("float64")
    if "name" in df:
        kind_col = _col(df, "kind")
        df["kind"] = kind_col.where(kind_col.notna(), _town_kind(df["name"])).astype("object")


def _short_hash(*parts: object) -> str:
    return hashlib.sha1(SEP.join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def new_student_ids(identities: pd.Series, county: str) -> list[str]:
    """Student numbers for people the store does not know yet: ``S`` + 16 hex digits of a
    keyed hash of the county and the ID number (the same person always gets the same number)."""
    h = pd.util.hash_array(identities.astype("object").to_numpy(), hash_key=(county + "ingest-student")[:16])
    return [f"S{x:016x}" for x in h.tolist()]


def identity_index(students: pd.DataFrame) -> pd.Series:
    """Normalised ID number or 学籍号 -> student_id, for identities that name exactly one student."""
    pairs = (
        pd.concat(
            [
                students[[c, "student_id"]].rename(columns={c: "ident"})
                for c in ("id_number", "xueji_number")
                if c in students
            ],
            ignore_index=True,
        )
        .dropna()
        .drop_duplicates()
    )
    n = pairs.groupby("ident")["student_id"].nunique()
    pairs = pairs[(pairs["ident"].map(n) == 1).to_numpy()].drop_duplicates("ident")
    return pd.Series(pairs["student_id"].to_numpy(), index=pairs["ident"].to_numpy())


def _find_students(df: pd.DataFrame, ref: Reference) -> pd.Series:
    """student_id of each row: as written, else by ID number, else by 学籍号."""
    sid = _col(df, "student_id").astype("object")
    if ref.students is None or ref.students.empty:
        return sid
    index = ref.identities if ref.identities is not None else identity_index(ref.students)
    for c in ("id_number", "xueji_number"):
        if c in df:
            sid = sid.where(sid.notna(), _lookup(df[c], index))
    return sid.where(sid.notna(), None)


def _derive_keys(df: pd.DataFrame, kind: Kind, ref: Reference, sink: _Sink) -> None:
    """Fill the key when the file has no key column: students by ID / 学籍号 (an existing
    student keeps their number; a new one gets ``S`` + a hash of the county and ID),
    absences and aid records find their student, cases and aid records get an ID
    from what identifies them."""
    t = kind.table
    if t in _FINDS_STUDENTS:
        df["student_id"] = _find_students(df, ref)
    if t == "students":
        ident = _col(df, "id_number").where(_col(df, "id_number").notna(), _col(df, "xueji_number"))
        new = df["student_id"].isna()
        derived = _flag(new & ident.notna())
        if derived.any():
            df.loc[derived, "student_id"] = new_student_ids(ident[derived], ref.county)
            sink.file(
                "derived_key",
                f"{int(derived.sum()):,} 名学生在系统中没有记录，已按身份证号/学籍号生成学生编号",
            )
        sink.cells(
            new & ident.isna() & ~sink.errored(*_IDENTITY),
            "student_id" if "student_id" in df else None,
            "no_identity",
            "没有学生编号、有效身份证号或学籍号，无法确定是哪一名学生",
        )
        if "id_number" in df:
            sink.cells(
                df["id_number"].isna()
                & _col(df, "xueji_number").isna()
                & df["student_id"].notna()
                & ~sink.errored(*_IDENTITY),
                "id_number",
                "id_missing",
                "未填身份证号",
            )
    if t in ("absences", "aid_records", "transfers", "aid_applications") or (
        t == "aid_donation_grants" and df["student_id"].notna().any()
    ):
        written = pd.Series(False, index=df.index)
        for c in ("student_id", "id_number", "xueji_number"):
            if c in sink.parsed.headers:
                written |= sink.parsed.frame[c].notna().to_numpy()
        known = ref.students["student_id"] if ref.students is not None else []
        missing = _flag(
            written
            & (df["student_id"].isna() | ~_member(df["student_id"], known))
            & ~sink.errored(*_IDENTITY)
        )
        col = next((c for c in ("student_id", "id_number", "xueji_number") if c in sink.parsed.headers), None)
        sink.cells(
            missing, col, "unknown_student", "找不到该学生(学生编号、身份证号或学籍号均未匹配到在册学生)"
        )
        df.loc[missing, "student_id"] = None
        sink.cells(~written, col, "no_identity", "没有学生编号、身份证号或学籍号")
    if t == "dropout_cases" and ref.students is not None and "school_code" not in sink.parsed.headers:
        # a case of a pupil: the pupil's school, when the ledger does not name it
        by_student = pd.Series(
            ref.students["school_code"].to_numpy(), index=ref.students["student_id"].to_numpy()
        )
        df["school_code"] = _lookup(df["student_id"].astype("object"), by_student)
    if t == "aid_records":
        if ref.students is not None:
            by_student = pd.Series(
                ref.students["school_code"].to_numpy(), index=ref.students["student_id"].to_numpy()
            )
            sc = _col(df, "school_code")
            df["school_code"] = sc.where(sc.notna(), _lookup(df["student_id"], by_student)).astype("object")
        rid = _col(df, "record_id")
        if rid.isna().any():
            made = [
                f"A{_short_hash(*r)[:12]}" if pd.notna(r[0]) else None
                for r in zip(
                    df["student_id"],
                    _col(df, "programme"),
                    _col(df, "school_year"),
                    _col(df, "term"),
                    strict=True,
                )
            ]
            df["record_id"] = rid.where(rid.notna(), pd.Series(made, index=df.index, dtype="object"))
    if kind.derive_key is not None and kind.key and _col(df, kind.key[0]).isna().any():
        prefix, cols = kind.derive_key
        parts = [_key_part(_col(df, c)).astype("object") for c in cols]
        made = [
            f"{prefix}{_short_hash(*vals)[:12]}"
            if any(v is not None and v is not pd.NA for v in vals)
            else None
            for vals in zip(*parts, strict=True)
        ]
        k0 = kind.key[0]
        df[k0] = _col(df, k0).where(_col(df, k0).notna(), pd.Series(made, index=df.index, dtype="object"))
    if t == "aid_recipients" and "village_code" in df:
        town_of = pd.Series(
            ref.villages["township_code"].to_numpy(dtype=object), index=ref.villages["code"].to_numpy()
        )
        tc = _col(df, "township_code")
        df["township_code"] = tc.where(
            tc.notna(), _lookup(df["village_code"].astype("object"), town_of)
        ).astype("object")
    if t == "aid_applications" and ref.students is not None:
        by_student = pd.Series(
            ref.students["school_code"].to_numpy(), index=ref.students["student_id"].to_numpy()
        )
        sc = _col(df, "school_code")
        df["school_code"] = sc.where(sc.notna(), _lookup(df["student_id"], by_student)).astype("object")
    if t == "transfers":
        _resolve_transfer_schools(df, ref, sink)
        tid = _col(df, "transfer_id")
        if tid.isna().any():
            made = [
                f"T{_short_hash(sid, d, on)[:12]}" if isinstance(sid, str) else None
                for sid, d, on in zip(
                    df["student_id"], _col(df, "direction"), _key_part(_col(df, "transfer_on")), strict=True
                )
            ]
            df["transfer_id"] = tid.where(tid.notna(), pd.Series(made, index=df.index, dtype="object"))
    if t == "school_calendar" and "day" in df:
        day = pd.to_datetime(df["day"], errors="coerce")
        year = pd.Series(np.where(day.dt.month >= 9, day.dt.year, day.dt.year - 1), index=df.index)
        term = pd.Series(np.where((day.dt.month >= 9) | (day.dt.month == 1), 1, 2), index=df.index)
        for col, derived in (("school_year", year), ("term", term)):
            given = _col(df, col)
            df[col] = given.where(given.notna(), derived.where(day.notna())).astype("Int64")
    if t == "dropout_cases":
        cid = _col(df, "case_id")
        if cid.isna().any():
            who = _col(df, "id_number").where(_col(df, "id_number").notna(), df["student_id"])
            made = [
                f"C{_short_hash(w, r)[:12]}" if w is not None and w is not pd.NA else None
                for w, r in zip(who, _col(df, "reported_on"), strict=True)
            ]
            df["case_id"] = cid.where(cid.notna(), pd.Series(made, index=df.index, dtype="object"))


#: Columns a student is identified by (a key derived from them is blank when they were bad).
_IDENTITY = ("student_id", "id_number", "xueji_number")


def _related(*columns: str) -> tuple[str, ...]:
    """The columns and the name columns their codes are read from (学校名称 for 学校标识码)."""
    return tuple(columns) + tuple(_PLACES[c][0] for c in columns if c in _PLACES)


#: Kinds whose rows name a student (found by number, ID or 学籍号).
_FINDS_STUDENTS = (
    "students",
    "absences",
    "dropout_cases",
    "aid_records",
    "transfers",
    "aid_applications",
    "aid_donation_grants",
)


def _resolve_transfer_schools(df: pd.DataFrame, ref: Reference, sink: _Sink) -> None:
    """原学校 / 转入学校 as written (a county school's code or name, or a school outside the
    county) -> ``from_school`` / ``to_school`` codes, the outside school in ``other_school_name``.

    The county's side of a move must be a county school (the pupil's own school when left
    blank): 转出, 休学 and 复学 from it, 转入 to it.  The far side of a 转出 or 转入 may be any
    school; one that is not the county's is kept by name.
    """
    codes = pd.Series(ref.schools["code"].to_numpy(dtype=object), index=ref.schools["code"].to_numpy())
    by_name, ambiguous = {}, set()
    for code, name in zip(ref.schools["code"], _clean_names(ref.schools["name"]), strict=True):
        if name in by_name:
            ambiguous.add(name)
        by_name[name] = code
    names = pd.Series({n: c for n, c in by_name.items() if n not in ambiguous}, dtype="object")

    def county_school(col: str) -> tuple[pd.Series, pd.Series]:
        written = _col(df, col)
        found = _lookup(normalise_codes(written), codes)
        found = found.where(found.notna(), _lookup(_clean_names(written), names))
        return written, found

    own = pd.Series(None, index=df.index, dtype="object")
    if ref.students is not None and not ref.students.empty:
        school_of = pd.Series(
            ref.students["school_code"].to_numpy(dtype=object), index=ref.students["student_id"].to_numpy()
        )
        own = _lookup(df["student_id"].astype("object"), school_of)
    direction = _col(df, "direction")
    inbound = _flag(direction == "转入")
    from_written, from_found = county_school("from_school_name")
    to_written, to_found = county_school("to_school_name")
    home_written, home_found = from_written.where(~inbound, to_written), from_found.where(~inbound, to_found)
    home = home_found.where(home_written.notna(), own)
    header = "to_school_name" if "to_school_name" in df else None
    if not inbound.all() and "from_school_name" in df:
        header = "from_school_name"
    sink.cells(
        home_written.notna() & home_found.isna(),
        header,
        "unknown_school",
        "找不到本县区的学校“{v}”(转出、休学、复学的原学校，转入的转入学校，须是本县区的学校)",
        values=home_written,
    )
    far_written, far_found = to_written.where(~inbound, from_written), to_found.where(~inbound, from_found)
    moves = _flag(direction.isin(["转出", "转入"]))
    df["from_school"] = home.where(~inbound, far_found.where(moves)).astype("object")
    df["to_school"] = far_found.where(moves & ~inbound, home.where(inbound)).astype("object")
    outside = moves & far_written.notna() & far_found.isna()
    df["other_school_name"] = far_written.where(outside).astype("object")


def _check_required(df: pd.DataFrame, kind: Kind, sink: _Sink) -> None:
    """Blank required cells, in every row: only an error already reported for the same column
    (an unreadable date is blank once typed) stops a second message."""
    for c in kind.required:
        if c in df:
            sink.cells(
                df[c].isna() & ~sink.errored(*_related(c)),
                c,
                "missing_value",
                f"“{kind.field(c).label}”不能为空",
            )
    for group in kind.one_of:
        present = [c for c in group if c in df]
        if not present or ("student_id" in group and kind.table in ("students", "absences", "aid_records")):
            continue  # identities are checked (no_identity) when the student is looked up
        empty = pd.concat([df[c].isna() for c in present], axis=1).all(axis=1)
        labels = "、".join(kind.field(c).label for c in group)
        where = next((c for c in group if c in sink.parsed.headers), present[0])  # a column of the file
        sink.cells(empty & ~sink.errored(*_related(*group)), where, "missing_value", f"“{labels}”至少填一项")
    if kind.table:
        for k in kind.key:
            if k in df and k not in kind.required:
                # a derived key (case or record ID) is blank when what it is made from was bad
                blank = df[k].isna() & ~sink.errored(*_related(k, *_IDENTITY, *kind.required))
                sink.cells(blank, k, "missing_value", f"“{kind.field(k).label}”不能为空")


def _key_part(s: pd.Series) -> pd.Series:
    """One key column as the text :func:`key_sql` makes of it (ISO dates, plain whole numbers)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").astype("string")
    if pd.api.types.is_integer_dtype(s) or pd.api.types.is_float_dtype(s):
        return s.astype("Int64").astype("string")
    return s.astype("string")


def row_keys(df: pd.DataFrame, kind: Kind) -> pd.Series:
    """Key text of each row, as :func:`key_sql` writes it (dates ISO, whole numbers plain)."""
    parts = [_key_part(_col(df, k)) for k in kind.key]
    out = parts[0]
    for p in parts[1:]:
        out = out.str.cat(p, sep=SEP)
    return out


def _check_duplicates(df: pd.DataFrame, kind: Kind, sink: _Sink) -> None:
    checks = [(row_keys(df, kind), kind.key[-1], "关键字段")] if kind.key else []
    if kind.table == "students":
        checks = [(df[c], c, kind.field(c).label) for c in ("id_number", "xueji_number") if c in df] + checks
    if kind.table == "students" and "student_id" not in sink.parsed.headers:
        checks = checks[:-1]  # derived from the ID: duplicates already named by the ID check
    flagged = pd.Series(False, index=df.index)
    for values, col, label in checks:
        v = values.astype("string")
        dup = _flag(v.notna() & v.duplicated(keep="first")) & ~flagged
        if dup.any():
            rows = pd.Series(sink.rows.to_numpy(), index=df.index)
            first = rows.groupby(v.to_numpy(), dropna=True).transform("first").astype("Int64")
            sink.cells(dup, col, "duplicate_key", f"{label}与第 {{v}} 行重复", values=first)
            flagged |= dup


def _in_scope_rows(df: pd.DataFrame, kind: Kind, ref: Reference) -> pd.Series:
    """Each incoming row is inside the Scope (may be written by this user)."""

    def flags(table: pd.DataFrame, key: str = "code") -> pd.Series:
        return pd.Series(table["in_scope"].astype(bool).to_numpy(), index=table[key].to_numpy())

    def look(col: str, table: pd.Series, *, unknown: bool = True) -> pd.Series:
        if col not in df:
            return pd.Series(True, index=df.index)
        return _lookup(df[col], table).fillna(unknown).astype(bool)

    t = kind.table
    if kind.county_wide:  # the county's own: whole-county users only
        return pd.Series(ref.whole_county, index=df.index)
    if t == "enrolment_counts":
        return look("school_code", flags(ref.schools))
    if t == "transfers" and ref.students is not None:
        ok = look("student_id", flags(ref.students, "student_id"), unknown=False)
        for side in ("from_school", "to_school"):
            ok |= look(side, flags(ref.schools), unknown=False)
        return ok
    if t == "schools":
        ok = look("township_code", flags(ref.townships))
        return ok & look("code", flags(ref.schools), unknown=False) if ref.scope_restricts_schools else ok
    if t == "villages":
        return look("township_code", flags(ref.townships))
    if t == "village_population":
        return look("village_code", flags(ref.villages))
    if t in ("students", "aid_records"):
        return look("school_code", flags(ref.schools))
    if t == "absences" and ref.students is not None:
        return look("student_id", flags(ref.students, "student_id"))
    if t == "dropout_cases":
        ok = look("village_code", flags(ref.villages))
        return ok & look("school_code", flags(ref.schools)) if ref.scope_restricts_schools else ok
    if t == "contacts":
        county_ok = (
            bool(ref.townships["in_scope"].astype(bool).all())
            if ref.county_contacts is None
            else ref.county_contacts
        )
        whole = pd.Series([county_ok], index=[ref.county])
        if ref.scope_restricts_schools:  # a school: its own school's contacts only
            return look("place_code", flags(ref.schools))
        return look(
            "place_code", pd.concat([flags(ref.townships), flags(ref.villages), flags(ref.schools), whole])
        )
    return pd.Series(True, index=df.index)


def _check_scope(df: pd.DataFrame, kind: Kind, ref: Reference, sink: _Sink) -> None:
    if not kind.table:
        return
    inside = _in_scope_rows(df, kind, ref)
    col = next(
        (
            c
            for c in (
                "school_code",
                "village_code",
                "township_code",
                "place_code",
                "student_id",
                "code",
                "day",
            )
            if c in df and c in kind.names
        ),
        None,
    )
    text = (
        f"“{kind.label}”是全县区的数据，只有全县权限的用户可以导入"
        if kind.county_wide
        else "该行属于您权限范围以外的乡镇或学校，不能导入"
    )
    sink.cells(~inside, col, "out_of_scope", text)


def _tuples(frame: pd.DataFrame) -> list[tuple]:
    cols = [_key_part(frame[c]).astype("object").to_numpy() for c in frame.columns]
    return list(zip(*cols, strict=True))


def _check_existing(df: pd.DataFrame, kind: Kind, ref: Reference, mode: str, sink: _Sink) -> None:
    """append: a stored key is an error; update: the stored row must be inside the Scope;
    replace: it must also lie inside the part of the store the file replaces."""
    if ref.existing is None or not kind.table or ref.existing.empty:
        return
    parts = [p for p in kind.partition if p not in kind.key]
    ex = ref.existing.drop_duplicates(KEY)
    hit = pd.DataFrame({KEY: row_keys(df, kind).astype("object").to_numpy()}).merge(
        ex[[KEY, "in_scope", *[p for p in parts if p in ex]]], on=KEY, how="left", indicator=True
    )
    hit.index = df.index
    present = hit["_merge"] == "both"
    if not present.any():
        return
    col = kind.key[0] if len(kind.key) == 1 else None
    if kind.table == "students" and "student_id" not in sink.parsed.headers:
        col = next((c for c in ("id_number", "xueji_number") if c in sink.parsed.headers), None)
    if mode == "append" and kind.table != "school_calendar":  # a 校历 day overrides the draft's
        sink.cells(
            present & ~sink.errored(*_related(*kind.key, *_IDENTITY)),
            col,
            "key_exists",
            f"该{kind.label}记录已存在：如需覆盖请选择“追加并更新已有行”或“替换”",
        )
        return
    inside = hit["in_scope"].fillna(True).astype(bool)
    sink.cells(
        present & ~inside, col, "out_of_scope", f"已有的这条{kind.label}记录在您权限范围之外，不能覆盖"
    )
    if mode != "replace" or not parts or not all(p in df and p in hit for p in parts):
        return
    incoming = set(_tuples(df[parts]))
    stored = pd.Series([s not in incoming for s in _tuples(hit[parts])], index=df.index)
    where = "、".join(kind.field(p).label for p in parts)
    sink.cells(
        present & inside & stored,
        col,
        "key_elsewhere",
        f"该记录已存在于本文件范围({where})之外：请先处理原记录(如办理转学)，或选择“追加并更新已有行”",
    )


def _defaults(kind: Kind, parsed: ParsedFile, sink: _Sink) -> None:
    absent = [c for c in kind.defaults if c not in parsed.headers]
    if absent and kind.table:
        text = "、".join(f"{kind.field(c).label}=“{kind.defaults[c]}”" for c in absent)
        sink.file("default_value", f"文件没有以下列，新增行按默认值导入(已有行保留原值)：{text}")


def _provided(kind: Kind, parsed: ParsedFile) -> tuple[str, ...]:
    """Store columns the import writes: the file's own and those derived from it."""
    have = set(parsed.headers)
    out = {c for c in kind.stored() if c in have}
    for code_col, (name_col, _, _) in _PLACES.items():
        if name_col in have and code_col in kind.names:
            out.add(code_col)
    out |= set(kind.key)
    if kind.table in ("students", "absences", "dropout_cases", "aid_records") and (
        have & {"id_number", "xueji_number", "student_id"}
    ):
        out.add("student_id")
    if kind.table == "aid_records":
        out.add("school_code")
    if kind.table == "dropout_cases" and have & {"id_number", "student_id"}:
        out.add("school_code")
    if kind.derive_key is not None:
        out |= set(kind.key)
    if kind.table in ("aid_applications", "aid_donation_grants") and (
        have & {"id_number", "xueji_number", "student_id"}
    ):
        out.add("student_id")
    if kind.table == "aid_applications":
        out.add("school_code")
    if kind.table == "aid_recipients" and "village_code" in out:
        out.add("township_code")
    derived = {
        "transfers": ("student_id", "from_school", "to_school", "other_school_name"),
        "townships": ("county_code", "kind", "seat_lon", "seat_lat"),
        "school_calendar": ("school_year", "term"),
    }
    out |= set(derived.get(kind.table or "", ()))
    if kind.table:
        out &= set(schema.TABLES[kind.table].names)
    return tuple(c for c in kind.stored() if c in out)


# ------------------------------------------------------------------ public entry
def validate(
    parsed: ParsedFile,
    kind: str | None = None,
    *,
    con_or_reference: duckdb.DuckDBPyConnection | Reference,
    scope: Scope,
    mode: str = "append",
    crs: str | None = None,
) -> Report:
    """Type and check every row of ``parsed`` for ``kind``.

    Parameters
    ----------
    parsed
        From :func:`lib.ingest.read.read_upload`.
    kind
        Table kind (default: the kind the file was read for; another kind
        re-guesses the mapping).
    con_or_reference
        An open store connection (a :class:`Reference` is loaded for
        ``scope``) or a ready :class:`Reference`.
    scope
        Who imports and what they may write.
    mode
        ``append`` (a stored key is an error), ``update`` (stored rows with
        the same key are replaced) or ``replace`` (the part of the store the
        file is about is replaced).
    crs
        Coordinate system of the file's longitude/latitude (``wgs84``,
        ``gcj02``, ``bd09``); default: one named in the header, else WGS-84.

    Returns
    -------
    Report
    """
    kind = kind or parsed.kind
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    k = KINDS[kind]
    if parsed.kind != kind:
        parsed = as_kind(parsed, kind)
    parsed, skipped = skip_summary_rows(parsed)
    ref = (
        con_or_reference
        if isinstance(con_or_reference, Reference)
        else load_reference(con_or_reference, k, scope)
    )
    frame = parsed.frame
    sink = _Sink(parsed, frame)
    sink.items.extend(parsed.notes)
    sink.items.extend(skipped)
    crs = crs or parsed.crs_hint or "wgs84"
    if frame.empty:
        sink.file("no_rows", f"{parsed.filename}：表头(第 {parsed.header_row} 行)下没有数据行")
    if not _check_columns(parsed, k, sink) or frame.empty:
        return Report(kind, parsed.filename, mode, len(frame), sink.items, frame.iloc[0:0], fatal=True)
    df = _type_columns(frame, k, sink)
    _check_grade_age(df, scope, sink)
    _resolve_names(df, k, ref, sink)
    _check_ids(df, k, sink)
    _check_codes(df, k, ref, sink)
    _check_coords(df, k, ref, crs, sink)
    _check_boundaries(df, k, ref, crs, sink)
    _derive_keys(df, k, ref, sink)
    _check_required(df, k, sink)
    _check_duplicates(df, k, sink)
    _check_scope(df, k, ref, sink)
    _check_existing(df, k, ref, mode, sink)
    _defaults(k, parsed, sink)
    problems = sorted(sink.items, key=lambda p: (p.row is not None, p.row or 0))
    return Report(
        kind,
        parsed.filename,
        mode,
        len(frame),
        problems,
        df,
        provided=_provided(k, parsed),
        notes={"crs": crs, "header_row": parsed.header_row},
    )


def problem_codes() -> pd.DataFrame:
    """The documented list of problem codes (docs/cli.md)."""
    return pd.DataFrame([(c, s, m) for c, (s, m) in CODES.items()], columns=["code", "severity", "meaning"])
