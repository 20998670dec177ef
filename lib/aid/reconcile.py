"""精准识别: reconcile an outside list (registry) against the students.

An outside list (the poverty registry, civil affairs' 低保/特困 list, the
disabled persons' federation's list, an export of the national aid system) is
read through the import pipeline, then every row lands in exactly one
category, in this order of precedence (docs/aid.md):

1. ``invalid_id``: the ID is missing, invalid or damaged by Excel
   (scientific notation always; a trailing ``000`` when the checksum fails);
2. ``duplicate``: the same (normalised) ID as an earlier row of the file;
3. ``out_of_scope``: the ID is a student's whose record lies outside the Scope
   (said as only "不在您的范围内": nothing of that record, not its name, school,
   status or township, is shown, exported or printed), or not of compulsory school
   age in the school year of ``as_of`` (age on 1 September, by the birth date in the
   ID), or living outside the Scope (by the list's own township or village column
   when it has one, else by the student record or the ID's area code);
4. ``not_enrolled``: a child of compulsory school age in the Scope who is not
   an enrolled student: a possible out-of-school child;
5. ``name_mismatch``: the ID is an enrolled student's but the names differ;
6. ``matched``.

Plus ``not_in_registry``: enrolled students of the Scope flagged in the list's
category who are not in the list (to verify by home visit, 入户核实).

Everything here is pure (frames in, frames out) except :func:`load_students`
/ :func:`load_places`, which read the store for one Scope, and
:func:`read_registry`, the adapter to the import pipeline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from lib import ingest
from lib.aid import rules as aid
from lib.core import ids, masking, permissions, schema, store, textsets
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.dropout import cases as dropout_cases
from lib.ingest import gate
from lib.present import reports

#: Result categories, in display order, with their Chinese labels.
CATEGORIES: dict[str, str] = {
    "matched": "匹配成功",
    "not_enrolled": "适龄未在校(疑似失学)",
    "out_of_scope": "不在范围内",
    "not_in_registry": "在册未列入名单(需入户核实)",
    "name_mismatch": "姓名不一致",
    "invalid_id": "身份证号无效",
    "duplicate": "重复行",
}
#: Row categories in order of precedence (the first that applies wins).
PRECEDENCE = ("invalid_id", "duplicate", "out_of_scope", "not_enrolled", "name_mismatch", "matched")
KINDS = tuple(schema.REGISTRY_KINDS)
DEFAULT_KIND = "poverty"

#: What "flagged in the list's category" means for ``not_in_registry``.
KIND_FLAG_LABELS: dict[str, str] = {
    "poverty": "学籍标记为脱贫户/监测对象",
    "minimal_living": "学籍标记为低保/特困",
    "disability": "学籍标记为残疾学生",
    "aid_system": "属家庭经济困难学生(资助对象)",
}

_DAMAGE_TEXT = {
    "missing": "身份证号为空",
    "numeric": "身份证号单元格是数字格式(Excel 只保留 15 位有效数字，后几位已丢失，无法恢复)：请设为文本后重新导出",
    "scientific": "身份证号被 Excel 改成科学计数法(后几位已丢失，无法恢复)",
    "excel_zeros": "身份证号末三位为000且校验位不符(Excel 截断了后几位)",
    "checksum": "身份证号校验位错误",
    "format": "身份证号格式错误(位数或字符不对)",
}


# ------------------------------------------------------------------ reading files
class RegistryFileError(AppError, ValueError):
    """The uploaded list cannot be read (names the file and what is wrong)."""


def read_registry(data: bytes, filename: str, *, kind: str = DEFAULT_KIND) -> pd.DataFrame:
    """Read an outside list (CSV or XLSX, Chinese headers, GBK or UTF-8) through the import
    pipeline (:func:`lib.ingest.read_upload`: encoding, title rows, header synonyms).

    Returns
    -------
    DataFrame
        ``row`` (row number in the file, 1-based as a spreadsheet shows it),
        ``id_number`` (as written), ``name`` and, when the file has them,
        ``township``, ``village``, ``category``; other columns as written.

    Raises
    ------
    RegistryFileError
        The file cannot be decoded or has no ID column.
    """
    if kind not in KINDS:
        raise RegistryFileError(f"未知的名单类型：{kind}（可选 {', '.join(KINDS)}）")
    try:
        gate.check_upload(data, filename)  # the settings' size and row limits, zip bombs
        parsed = ingest.parse_upload(data, filename, kind=kind)  # a child process: memory, time
    except (ingest.IngestError, gate.UploadRefused) as exc:
        raise RegistryFileError(str(exc)) from exc
    frame = parsed.frame.copy()
    kinds = parsed.cell_type("id_number")
    # an ID cell the workbook stored as a number lost its last digits: damaged, whatever its checksum
    frame["_id_numeric"] = kinds.to_numpy() == "n" if kinds is not None else False
    if "row" not in frame.columns and ingest.ROW in frame.columns:
        frame = frame.rename(columns={ingest.ROW: "row"})
    return _check_registry(frame.astype(object).where(frame.notna(), None), filename)


def _check_registry(frame: pd.DataFrame, filename: str) -> pd.DataFrame:
    if "id_number" not in frame.columns:
        raise RegistryFileError(
            f"{filename}：找不到身份证号列（表头应含“身份证号”“公民身份号码”或“学籍号”等）。"
        )
    out = frame.copy()
    if "name" not in out.columns:
        out["name"] = None
    if "row" not in out.columns:
        out["row"] = range(2, len(out) + 2)
    return out.reset_index(drop=True)


# ------------------------------------------------------------------ store reads
@dataclass(frozen=True)
class Places:
    """Township and village names and codes of the county (to read a list's place columns)."""

    townships: pd.DataFrame  # code, name
    villages: pd.DataFrame  # code, name, township_code


def load_places(con: duckdb.DuckDBPyConnection, scope: Scope) -> Places:
    """Every township and village of the Scope's county (not only those in Scope)."""
    towns = store.frame(
        con, "SELECT code, name FROM townships WHERE code LIKE ? ORDER BY code", [scope.county + "%"]
    )
    villages = store.frame(
        con, "SELECT code, name, township_code FROM villages WHERE township_code LIKE ?", [scope.county + "%"]
    )
    return Places(towns, villages)


def load_students(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Every student of the county, with ``visible`` = inside the Scope.

    All students of the county are needed to tell a child who is not a student
    anywhere (``not_enrolled``) from one who studies outside the Scope.
    """
    permissions.require(scope, "view_named")  # named list: not for planner/admin-only
    where, params = scope.student_where("st")
    return store.frame(
        con,
        f"SELECT st.student_id, st.id_number, st.xueji_number, st.name, st.status, st.school_code, "
        f"sc.name AS school_name, sc.township_code, t.name AS township_name, st.village_code, st.grade, "
        f"st.boarding, st.poverty_category, st.disability, st.disabled_parent, st.orphan, st.unsupported, "
        f"st.martyr_child, ({where}) AS visible "
        f"FROM students st LEFT JOIN schools sc ON sc.code = st.school_code "
        f"LEFT JOIN townships t ON t.code = sc.township_code "
        f"WHERE sc.township_code LIKE ? OR st.village_code LIKE ?",
        [*params, scope.county + "%", scope.county + "%"],
    )


# ------------------------------------------------------------------ normalising
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·", ".": "·", "･": "·"})


def clean_id(value: Any) -> str | None:
    """:func:`lib.core.ids.normalise_id` after removing any whitespace (incl. full-width)
    and the apostrophe Excel users type to keep an ID as text."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    s = re.sub(r"\s+", "", str(value)).lstrip("'‘’`")
    return ids.normalise_id(s)


def clean_name(value: Any) -> str:
    """A name for comparison: NFKC, no whitespace, one kind of middle dot."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    s = unicodedata.normalize("NFKC", str(value)).translate(_DOTS)
    return re.sub(r"\s+", "", s)


def age_on_september_first(birth: date, as_of: date) -> int:
    """Age in whole years on 1 September of the school year containing ``as_of``."""
    start = date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)
    return start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))


def flagged_mask(students: pd.DataFrame, kind: str) -> pd.Series:
    """Students flagged in the category of a list ``kind`` (for ``not_in_registry``)."""
    cat = students["poverty_category"].astype("object")
    if kind == "poverty":
        return cat.isin(["脱贫户", "监测对象"])
    if kind == "minimal_living":
        return cat.isin(["低保", "特困"])
    if kind == "disability":
        return students["disability"].fillna(False).astype(bool)
    if kind == "aid_system":
        return aid.priority_mask(students)
    raise ValueError(f"unknown list kind {kind!r}")


# ------------------------------------------------------------------ the classification
@dataclass
class ReconcileResult:
    """Every row of the list in one category, plus the students missing from it."""

    kind: str
    rows: pd.DataFrame  # one per list row: row, category, detail, student columns
    not_in_registry: pd.DataFrame  # students flagged in the category but absent
    source: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per category (``not_in_registry``: students), in :data:`CATEGORIES` order."""
        by = self.rows["category"].value_counts()
        return {
            c: len(self.not_in_registry) if c == "not_in_registry" else int(by.get(c, 0)) for c in CATEGORIES
        }

    def category(self, name: str) -> pd.DataFrame:
        """Rows of one category (``not_in_registry``: the students)."""
        if name == "not_in_registry":
            return self.not_in_registry
        return self.rows[self.rows["category"] == name]


_STUDENT_COLS = (
    "student_id",
    "student_name",
    "status",
    "school_code",
    "school_name",
    "township_code",
    "township_name",
    "village_code",
)


def _student_keys(students: pd.DataFrame) -> pd.DataFrame:
    """Each student's ID keys (vectorised): the ID number and a G+ID 学籍号, cleaned
    like :func:`clean_id` (spaces, lower-case x; full-width digits are rare in the store)."""

    def clean(col: pd.Series) -> pd.Series:
        t = col.astype("string").str.replace(textsets.SPACES, "", regex=True).str.upper()
        return t.mask(t == "")

    idn = clean(students["id_number"])
    xj = clean(students["xueji_number"])
    xj = xj.where(xj.str.match(r"^G\d{17}[\dX]$").fillna(False)).str[1:]
    pos = np.arange(len(students))
    keys = pd.DataFrame(
        {"key": pd.concat([idn, xj], ignore_index=True), "pos": np.concatenate([pos, pos])}
    ).dropna()
    return keys.drop_duplicates()


def _student_index(students: pd.DataFrame, only: set[str] | None = None) -> dict[str, list[int]]:
    """Normalised ID (from the ID number or a G+ID 学籍号) -> row positions; ``only``: just
    these IDs (a list's own, picked set-wise first: the loop over every student of the
    county was most of a 5,000-row list's time)."""
    index: dict[str, list[int]] = {}
    keys = _student_keys(students)
    if only is not None:
        keys = keys[keys["key"].isin(only)]
    for k, p in zip(keys["key"].to_numpy(dtype=object), keys["pos"].to_numpy(), strict=True):
        index.setdefault(k, []).append(int(p))
    return index


#: What a row whose student lies outside the Scope says, and all it says.
OUTSIDE_SCOPE = "不在您的范围内"


def _best_student(records: dict[int, dict[str, Any]], positions: list[int]) -> dict[str, Any] | None:
    """A visible record first (enrolled before not), then an invisible one (enrolled first).

    The caller shows nothing of an invisible record: it only says the row is outside the Scope.
    """
    if not positions:
        return None

    def rank(p: int) -> int:
        r = records[p]
        enrolled = r["status"] in schema.ENROLLED_STATUS
        return (0 if bool(r["visible"]) else 2) + (0 if enrolled else 1)

    return records[min(positions, key=rank)]


class _PlaceResolver:
    """Reads a list's township / village cell as a township code."""

    def __init__(self, places: Places) -> None:
        towns = places.townships
        self.town_codes = set(towns["code"])
        self.town_by_name = {clean_name(n): c for c, n in zip(towns["code"], towns["name"], strict=True)}
        self.town_by_short = {_short(n): c for c, n in zip(towns["code"], towns["name"], strict=True)}
        vil = places.villages
        self.village_town = dict(zip(vil["code"], vil["township_code"], strict=True))
        self.village_by_name: dict[str, set[str]] = {}
        self.village_codes: dict[str, list[tuple[str, str]]] = {}
        for c, n, t in zip(vil["code"], vil["name"], vil["township_code"], strict=True):
            self.village_by_name.setdefault(clean_name(n), set()).add(t)
            self.village_codes.setdefault(clean_name(n), []).append((c, t))
        self.town_names = dict(zip(towns["code"], towns["name"], strict=True))

    def village(self, village: Any, township: str | None) -> str | None:
        """The village code a list's village cell names (a code, or a name unique in the township)."""
        v = clean_name(village)
        if not v:
            return None
        if v in self.village_town:
            return v
        hits = [c for c, t in self.village_codes.get(v, []) if township is None or t == township]
        return hits[0] if len(hits) == 1 else None

    def township(self, town: Any, village: Any) -> tuple[str | None, str | None]:
        """(township code or None, the text as written) from the list's place cells."""
        t = clean_name(town)
        if t:
            if t in self.town_codes:
                return t, t
            if t[:9] in self.town_codes and t.isdigit():
                return t[:9], t
            code = self.town_by_name.get(t) or self.town_by_short.get(_short(t))
            return code, t
        v = clean_name(village)
        if v:
            if v in self.village_town:
                return self.village_town[v], v
            towns = self.village_by_name.get(v, set())
            return (next(iter(towns)) if len(towns) == 1 else None), v
        return None, None


def _short(name: str) -> str:
    return re.sub(r"(街道办事处|街道|管理区|镇|乡|办事处)$", "", clean_name(name))


def reconcile(
    registry: pd.DataFrame,
    students: pd.DataFrame,
    places: Places,
    scope: Scope,
    *,
    kind: str = DEFAULT_KIND,
    source: str = "",
) -> ReconcileResult:
    """Put every row of ``registry`` in exactly one category (module docstring).

    Parameters
    ----------
    registry
        The list as read by :func:`read_registry` (``row``, ``id_number``,
        ``name``; optional ``township``/``village``).
    students
        Every student of the county with ``visible`` (:func:`load_students`).
    places
        The county's townships and villages (:func:`load_places`).
    scope
        The Scope (its townships and ``as_of``) the list is judged for.
    kind
        The list's kind (:data:`lib.core.schema.REGISTRY_KINDS`); decides who is
        ``not_in_registry``.

    Returns
    -------
    ReconcileResult
    """
    if kind not in KINDS:
        raise ValueError(f"unknown list kind {kind!r}")
    students = students.reset_index(drop=True)
    cleaned = [clean_id(v) for v in registry["id_number"]]
    index = _student_index(students, only={k for k in cleaned if k})
    wanted = sorted({p for k in cleaned if k for p in index.get(k, [])})
    sub = students.iloc[wanted]
    records = dict(
        zip(wanted, sub.assign(_flagged=flagged_mask(sub, kind).to_numpy()).to_dict("records"), strict=True)
    )
    resolver = _PlaceResolver(places)
    in_scope_towns = set(places.townships["code"]) if scope.townships is None else set(scope.townships)
    lo, hi = schema.COMPULSORY_AGES
    has_place = any(c in registry.columns for c in ("township", "village"))

    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    for rec, idn in zip(registry.to_dict("records"), cleaned, strict=True):
        raw = rec.get("id_number")
        row = {
            "row": int(rec["row"]),
            "id_number": idn if idn else raw,
            "raw_id": raw,
            "name": rec.get("name"),
        }
        row.update(dict.fromkeys(_STUDENT_COLS))
        out.append(row)
        damage = "numeric" if rec.get("_id_numeric") else ids.id_damage(idn)
        if damage:
            row.update(category="invalid_id", detail=_DAMAGE_TEXT[damage])
            continue
        if idn in seen:
            row.update(category="duplicate", detail=f"与第 {seen[idn]} 行身份证号相同")
            continue
        seen[idn] = row["row"]
        st = _best_student(records, index.get(idn, []))
        if st is not None and not bool(st["visible"]):
            # a student of another township or school: nothing about them, only that they are
            # not the user's to see (their status, school and name stay where they are)
            row.update(category="out_of_scope", detail=OUTSIDE_SCOPE)
            continue
        enrolled = st is not None and st["status"] in schema.ENROLLED_STATUS
        if st is not None:
            row.update(
                student_id=st["student_id"],
                student_name=st["name"],
                status=st["status"],
                school_code=st["school_code"],
                school_name=st["school_name"],
                township_code=st["township_code"],
                township_name=st["township_name"],
                village_code=st["village_code"],
            )
        visible_student = enrolled and bool(st["visible"])
        age = age_on_september_first(ids.birth_date_from_id(idn), scope.as_of)
        if not (lo <= age <= hi) and not visible_student:
            row.update(category="out_of_scope", detail=f"{age} 岁(按当学年9月1日计)，不在义务教育年龄段")
            continue
        reason = _outside(rec, idn, st, enrolled, has_place, resolver, in_scope_towns, scope)
        if reason:
            row.update(category="out_of_scope", detail=reason)
            continue
        if not enrolled:
            town, _ = resolver.township(rec.get("township"), rec.get("village"))
            row["home_village"] = resolver.village(rec.get("village"), town) or (
                st["village_code"] if st is not None else None
            )
            row["home_township"] = town or resolver.village_town.get(row["home_village"])
            status = f"学籍状态为“{st['status']}”" if st is not None else "无学籍记录"
            row.update(category="not_enrolled", detail=f"{age} 岁，{status}：可能失学，请核实并劝返")
            continue
        if clean_name(rec.get("name")) and clean_name(rec.get("name")) != clean_name(st["name"]):
            row.update(
                category="name_mismatch", detail=f"名单姓名“{rec.get('name')}”与学籍姓名“{st['name']}”不一致"
            )
            continue
        row.update(category="matched", detail="")
        if not st["_flagged"]:
            row["detail"] = f"学籍未标记该类别({KIND_FLAG_LABELS[kind]}不符)：请核实后更新困难类别"
    rows = pd.DataFrame(
        out,
        columns=[
            "row",
            "category",
            "id_number",
            "raw_id",
            "name",
            *_STUDENT_COLS,
            "home_township",
            "home_village",
            "detail",
        ],
    )
    missing = _not_in_registry(students, set(seen), kind)
    return ReconcileResult(
        kind=kind,
        rows=rows,
        not_in_registry=missing,
        source=source,
        notes={"as_of": scope.as_of, "scope": scope.describe()},
    )


def _outside(
    rec: dict[str, Any],
    idn: str,
    st: pd.Series | None,
    enrolled: bool,
    has_place: bool,
    resolver: _PlaceResolver,
    in_scope_towns: set[str],
    scope: Scope,
) -> str | None:
    """Why a row lives outside the Scope, or None if it is inside."""
    if enrolled and bool(st["visible"]):
        return None  # a student of the Scope is inside it, wherever the list says they live
    if enrolled:
        return f"在范围外学校就读({st['school_name'] or st['school_code']})"
    if has_place:
        code, written = resolver.township(rec.get("township"), rec.get("village"))
        if written:
            if code is None:
                return f"名单所填住址“{written}”不在{_county_label(scope)}范围内"
            if code not in in_scope_towns:
                return f"户籍在{resolver.town_names.get(code, code)}，不在当前范围内"
            return None
    if st is not None and st["village_code"]:
        town = resolver.village_town.get(st["village_code"])
        if town is not None:
            return (
                None
                if town in in_scope_towns
                else f"户籍在{resolver.town_names.get(town, town)}，不在当前范围内"
            )
    if idn[:6] != scope.county:
        return f"身份证地址码 {idn[:6]} 不属于本区({scope.county})"
    if scope.townships is not None:
        return "名单无乡镇/村列，无法确定是否属于所选乡镇"
    return None


def _county_label(scope: Scope) -> str:
    return "本区" if scope.townships is None else "所选乡镇"


def _not_in_registry(students: pd.DataFrame, listed: set[str], kind: str) -> pd.DataFrame:
    enrolled = students["status"].isin(schema.ENROLLED_STATUS) & students["visible"].fillna(False).astype(
        bool
    )
    cand = students[enrolled & flagged_mask(students, kind)]
    keys = _student_keys(cand)
    found = set(keys.loc[keys["key"].isin(listed), "pos"])
    miss = cand.iloc[[p for p in range(len(cand)) if p not in found]]
    out = pd.DataFrame(
        {
            "row": pd.array([None] * len(miss), dtype="Int64"),
            "category": "not_in_registry",
            "id_number": miss["id_number"].to_numpy(),
            "raw_id": None,
            "name": miss["name"].to_numpy(),
            "student_id": miss["student_id"].to_numpy(),
            "student_name": miss["name"].to_numpy(),
            "status": miss["status"].to_numpy(),
            "school_code": miss["school_code"].to_numpy(),
            "school_name": miss["school_name"].to_numpy(),
            "township_code": miss["township_code"].to_numpy(),
            "township_name": miss["township_name"].to_numpy(),
            "village_code": miss["village_code"].to_numpy(),
            "detail": f"{KIND_FLAG_LABELS[kind]}，但不在名单中：请入户核实",
        }
    )
    return out.sort_values(["township_code", "school_code", "student_id"], ignore_index=True)


# ------------------------------------------------------------------ output
#: Columns shown and exported, with Chinese headers.
DISPLAY_COLUMNS: dict[str, str] = {
    "row": "名单行号",
    "category_label": "比对结果",
    "id_number": "身份证号",
    "name": "名单姓名",
    "student_name": "学籍姓名",
    "status": "学籍状态",
    "school_name": "学校",
    "township_name": "学校所在乡镇",
    "detail": "说明",
}
_MASK = {"id_number": "id", "name": "name", "student_name": "name"}


def display_frame(frame: pd.DataFrame, *, mask: bool = True) -> pd.DataFrame:
    """Rows with Chinese headers, masked unless ``mask`` is False: the name and ID columns,
    and every name, ID, phone or address in 说明 (the masking gate, by value)."""
    # the rows masked as they are (what :func:`to_json` masks too: the gate's memo answers it once)
    df = ids.mask_frame(frame, columns=_MASK) if mask else frame
    df = df.assign(category_label=frame["category"].map(CATEGORIES))
    out = df[list(DISPLAY_COLUMNS)].rename(columns=DISPLAY_COLUMNS)
    text = [c for c in out.columns if c != DISPLAY_COLUMNS["row"]]
    out[text] = out[text].astype(object).where(out[text].notna(), "")
    if mask:
        # the unmasked names of both columns, so that 说明 loses them wherever it repeats them
        names = masking.known_names(pd.concat([frame["name"], frame["student_name"]]).dropna().astype(str))
        out[DISPLAY_COLUMNS["detail"]] = [
            masking.mask_text(d, known=names) for d in out[DISPLAY_COLUMNS["detail"]]
        ]
        out = masking.mask_table(out)
    return out


def workbook_sheets(result: ReconcileResult, *, mask: bool = True) -> dict[str, pd.DataFrame]:
    """One sheet per category (Chinese sheet names, :data:`CATEGORIES` order)."""
    return {label: display_frame(result.category(cat), mask=mask) for cat, label in CATEGORIES.items()}


def workbook_bytes(result: ReconcileResult, *, mask: bool = True) -> bytes:
    """The .xlsx of :func:`workbook_sheets` (formula-safe)."""
    return reports.to_xlsx_bytes(workbook_sheets(result, mask=mask), mask=mask)


#: What a row of :func:`to_json` holds besides its 说明.
_JSON_FIELDS = ("row", "id_number", "name", "student_id", "school_code")


def to_json(result: ReconcileResult) -> dict[str, Any]:
    """``{"counts": {...}, "rows": {...}}`` keyed by category, IDs and names masked, names
    in ``detail`` too; strict JSON types (``None`` for a missing value, never NaN).

    The rows are masked as :func:`display_frame` masks them (the columns whole, every other
    cell by value), once; what the CLI prints passes the gate again, as all it prints does."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for cat in CATEGORIES:
        frame = result.category(cat)
        shown = display_frame(frame, mask=True)[DISPLAY_COLUMNS["detail"]].tolist()
        masked = ids.mask_frame(frame, columns=_MASK)
        # column by column, as Python values (not a dict per row from pandas: 5k rows × 6)
        cols = {f: masked[f].astype(object).where(masked[f].notna(), None).tolist() for f in _JSON_FIELDS}
        cols["row"] = [None if r is None else int(r) for r in cols["row"]]
        rows[cat] = [
            dict(zip((*_JSON_FIELDS, "detail"), values, strict=True))
            for values in zip(*(cols[f] for f in _JSON_FIELDS), shown, strict=True)
        ]
    return {
        **masking.jsonable({"kind": result.kind, "source": result.source, "counts": result.counts}),
        "rows": rows,
    }


# ------------------------------------------------------------------ the offer: open a 控辍保学 case
CASE_SOURCE = "资助名单比对"


def village_choices(villages: pd.DataFrame, row: pd.Series | dict[str, Any]) -> dict[str, str]:
    """Villages a not-enrolled child may live in (code -> name): the list's village when it
    names one, else the villages of the list's township, else every village given."""
    r = dict(row)
    village, town = r.get("home_village"), r.get("home_township")
    if isinstance(village, str) and village in set(villages["code"]):
        pick = villages[villages["code"] == village]
    elif isinstance(town, str) and (villages["township_code"] == town).any():
        pick = villages[villages["township_code"] == town]
    else:
        pick = villages
    return dict(zip(pick["code"], pick["name"], strict=True))


def open_case_for_row(
    scope: Scope, row: pd.Series | dict[str, Any], *, village_code: str, reason: str = "其他"
) -> str:
    """Open a 控辍保学 case (疑似辍学) for a ``not_enrolled`` row; returns the case ID.

    Parameters
    ----------
    village_code
        The child's home village, chosen by the user (lists often name only the township).
    reason
        A reason code of :data:`lib.core.schema.REASONS`.

    Raises
    ------
    ValueError
        The row is not a ``not_enrolled`` row.
    RuntimeError
        The dropout module refused (invalid ID, village outside the Scope, an
        open case for the same child, a read-only role).
    """
    r = {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in dict(row).items()}
    if r.get("category") != "not_enrolled":
        raise RegistryFileError("只能为“适龄未在校”的名单行开立控辍保学台账")
    return dropout_cases.open_case_for_child(
        scope,
        id_number=r.get("id_number"),
        name=r.get("name") or "",
        village_code=village_code,
        reason=reason,
        source=CASE_SOURCE,
    )
