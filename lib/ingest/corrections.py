"""Correcting one record without a re-import (docs/operations.md).

A school, a village's population of one age in one year, a student's fields or
an aid record is edited on a form.  The edited row goes through the *import's*
own validation (:func:`lib.ingest.read.read_upload` and
:func:`lib.ingest.validate.validate` in ``update`` mode, on a one-row CSV built
from the stored row with the changes applied), so a correction obeys exactly
the rules an import does: code lists, ranges, ID checksums, codes that exist,
and the Scope (the stored row and the corrected one must both be inside it; a
township user corrects only its own).  The write is one transaction that
first checks nobody changed those fields since the form was shown, and the
audit log records the old and new values (personal values masked there).

No lost update: the page passes the record *as the form showed it* (``base``).  Only
the fields the user changed against ``base`` are written, and only if each still holds
its ``base`` value (compare-and-set); a field someone else changed meanwhile raises
:class:`CorrectionConflict` naming it, and nothing is written, so the stale form
neither reverts the other user's change nor loses what its user typed.

Pipeline: ``find_record`` -> (form) -> ``check_correction`` -> ``apply_correction``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from lib.core import derived, history, ids, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.ingest.kinds import KINDS, Kind
from lib.ingest.read import Problem, read_upload
from lib.ingest.validate import scope_sql, validate

#: What may be corrected: table -> (key columns, editable columns).  Identity columns
#: (ID number, 学籍号) and keys are not edited here: changing who a record is about is
#: a re-import or a transfer, not a correction.
EDITABLE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "schools": (
        ("code",),
        (
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
        ),
    ),
    "village_population": (("village_code", "year", "age"), ("persons",)),
    "students": (
        ("student_id",),
        (
            "name",
            "sex",
            "birth_date",
            "grade",
            "class_no",
            "school_code",
            "village_code",
            "boarding",
            "placement",
            "status",
            "status_date",
            "enrolled_on",
            "learning_difficulty",
            "disability",
            "disability_level",
            "poverty_category",
            "left_behind",
            "orphan",
            "unsupported",
            "martyr_child",
            "prisoner_child",
            "disabled_parent",
            "guardian_name",
            "guardian_phone",
        ),
    ),
    "aid_records": (
        ("record_id",),
        (
            "programme",
            "school_year",
            "term",
            "standard_amount",
            "paid_amount",
            "due_date",
            "paid_date",
            "funding_source",
        ),
    ),
}
#: Chinese names of the four kinds of record, for the form.
RECORD_LABELS = {
    "schools": "学校",
    "village_population": "村(社区)学龄人口",
    "students": "学生",
    "aid_records": "资助记录",
}
#: Problems that block a correction whatever column they name (who/where the row is).
_BLOCKING = {"out_of_scope", "unknown_student", "no_identity", "unknown_code", "key_exists", "key_elsewhere"}


class CorrectionError(AppError, ValueError):
    """The record is not found / not in Scope, or the correction is not valid (Chinese message)."""


class CorrectionConflict(CorrectionError):
    """Someone changed the record since the form was shown.

    ``fields``: column -> (value when the form was shown, value now, value typed), personal
    values masked unless the user sees them unmasked.
    """

    def __init__(self, message: str, fields: dict[str, tuple[str, str, str]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}

    def frame(self) -> pd.DataFrame:
        """字段, 打开时, 现在, 您填写的: one line per conflicting field."""
        return pd.DataFrame(
            [(f, *v) for f, v in self.fields.items()],
            columns=["字段", "打开表单时", "现在(他人已改)", "您填写的"],
        )


@dataclass
class Correction:
    """A checked correction of one record.

    Attributes
    ----------
    table, key
        Which record (key column -> value).
    changes
        Column -> (old, new) for the columns that really change, typed as stored.
    errors
        Problems that stop it (import rules on the changed columns, Scope, codes).
    notes
        Problems of columns the user did not change (already in the stored row): shown, not blocking.
    """

    table: str
    key: dict[str, Any]
    changes: dict[str, tuple[Any, Any]]
    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def changes_frame(self, *, masked: bool = True) -> pd.DataFrame:
        """One line per changed column: 字段, 原值, 新值 (personal values masked unless ``masked`` is False)."""
        rows = [
            (
                _label(self.table, c),
                show_value(self.table, c, o, masked),
                show_value(self.table, c, n, masked),
            )
            for c, (o, n) in self.changes.items()
        ]
        return pd.DataFrame(rows, columns=["字段", "原值", "新值"])


# ------------------------------------------------------------------ helpers
def _kind(table: str) -> Kind:
    if table not in EDITABLE:
        raise CorrectionError(f"不能在此更正“{table}”的记录")
    return KINDS[table]


def _label(table: str, column: str) -> str:
    return schema.label(table, column)


def _personal(table: str, column: str) -> bool:
    return schema.TABLES[table].column(column).personal


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _plain(v: Any) -> Any:
    """A stored or typed value as a plain Python value (None, bool, int, float, str, date)."""
    if _missing(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, datetime):
        return v.date()
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return v
    return v


def _same(a: Any, b: Any) -> bool:
    a, b = _plain(a), _plain(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return str(a) == str(b)


def _cell(v: Any) -> str:
    """A value as an import file would hold it."""
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def show_value(table: str, column: str, v: Any, masked: bool) -> str:
    """A value for display: personal ones masked when ``masked``; ``—`` for none."""
    v = _plain(v)
    if v is None:
        return "—"
    if masked and _personal(table, column):
        how = ids.MASKED_COLUMNS.get(column)
        if how == "name":
            return ids.mask_name(str(v)) or "—"
        if how == "phone":
            return ids.mask_phone(str(v)) or "—"
        if how == "id":
            return ids.mask_id(str(v)) or "—"
        return "***"
    if isinstance(v, bool):
        return "是" if v else "否"
    return _cell(v)


def _where_key(keys: tuple[str, ...], alias: str = "o") -> str:
    return " AND ".join(f'{alias}."{k}" = ?' for k in keys)


# ------------------------------------------------------------------ reading
def find_record(
    con: duckdb.DuckDBPyConnection, scope: Scope, table: str, key: dict[str, Any]
) -> dict[str, Any]:
    """The stored row ``key`` of ``table`` if it lies inside ``scope`` (values unmasked: the
    caller masks what it shows).

    Raises
    ------
    lib.core.permissions.NotPermitted
        The user may not correct records.
    CorrectionError
        No such record inside the Scope (a record of another township is "not found").
    """
    permissions.require(scope, "correct_records")
    k = _kind(table)
    keys, _ = EDITABLE[table]
    cond, params = scope_sql(k, scope, "o")
    df = con.execute(
        f'SELECT o.* FROM "{table}" o WHERE {_where_key(keys)} AND ({cond})', [key[c] for c in keys] + params
    ).df()
    if df.empty:
        what = "、".join(f"{_label(table, c)} {key[c]}" for c in keys)
        raise CorrectionError(f"在您的权限范围内找不到{RECORD_LABELS[table]}记录：{what}")
    return {c: _plain(v) for c, v in df.iloc[0].items()}


def search_records(
    con: duckdb.DuckDBPyConnection, scope: Scope, table: str, text: str, *, limit: int = 50
) -> pd.DataFrame:
    """Records of ``table`` in ``scope`` whose key or name starts with / contains ``text``
    (for the form's picker; personal columns masked as ``scope`` requires).

    Students are found by 学生编号 or, when the user may see names, by name.
    """
    permissions.require(scope, "correct_records")
    k = _kind(table)
    keys, _ = EDITABLE[table]
    cond, params = scope_sql(k, scope, "o")
    text = (text or "").strip()
    match, mparams = "TRUE", []
    if text:
        fields = [f'CAST(o."{c}" AS VARCHAR)' for c in keys]
        if table == "schools":
            fields.append("o.name")
        if table == "students" and not permissions.masked(scope):
            fields.append("o.name")
        match = "(" + " OR ".join(f"{f} LIKE ?" for f in fields) + ")"
        mparams = [f"%{text}%"] * len(fields)
    cols = {
        "schools": "o.code, o.name, o.level, o.township_code",
        "village_population": "o.village_code, o.year, o.age, o.persons",
        "students": "o.student_id, o.name, o.grade, o.school_code, o.status",
        "aid_records": "o.record_id, o.student_id, o.programme, o.school_year, o.term, o.paid_amount",
    }[table]
    order = ", ".join(f'o."{c}"' for c in keys)
    df = con.execute(
        f'SELECT {cols} FROM "{table}" o WHERE ({cond}) AND {match} ORDER BY {order} LIMIT {int(limit)}',
        params + mparams,
    ).df()
    if not permissions.masked(scope):
        return df
    personal = {c: how for c, how in ids.MASKED_COLUMNS.items() if c in df and _personal(table, c)}
    return ids.mask_frame(df, columns=personal) if personal else df


# ------------------------------------------------------------------ checking
def _one_row_csv(k: Kind, row: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The row as a one-row import file: headers are the fields' Chinese labels."""
    names = [f.name for f in k.fields if not f.aux and f.name in row and f.name != "crs"]
    headers = {n: k.field(n).label for n in names}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([headers[n] for n in names])
    w.writerow([_cell(row[n]) for n in names])
    return buf.getvalue().encode("utf-8"), headers


def check_correction(
    con: duckdb.DuckDBPyConnection, scope: Scope, table: str, key: dict[str, Any], new_values: dict[str, Any]
) -> Correction:
    """Validate ``new_values`` for the record ``key`` with the import's rules.

    Parameters
    ----------
    con
        Open store connection.
    scope
        Who corrects; the record and its new place must be inside it.
    table
        ``schools``, ``village_population``, ``students`` or ``aid_records``.
    key
        Key column -> value (:data:`EDITABLE`).
    new_values
        Column -> new value (only editable columns; a personal column only
        when the user sees it unmasked).

    Returns
    -------
    Correction
        With ``changes`` typed as the import types them, and the problems.

    Raises
    ------
    lib.core.permissions.NotPermitted, CorrectionError
    """
    k = _kind(table)
    keys, editable = EDITABLE[table]
    old = find_record(con, scope, table, key)
    unknown = [c for c in new_values if c not in editable]
    if unknown:
        raise CorrectionError(f"这些字段不能在此更正：{'、'.join(unknown)}")
    if permissions.masked(scope):
        hidden = [c for c in new_values if _personal(table, c) and not _same(new_values[c], old.get(c))]
        if hidden:
            raise CorrectionError(
                "更正姓名等个人信息需先显示完整信息(填写理由)：" + "、".join(_label(table, c) for c in hidden)
            )
    row = {**old, **{c: v for c, v in new_values.items()}}
    data, headers = _one_row_csv(k, row)
    parsed = read_upload(
        data, f"更正{RECORD_LABELS[table]}.csv", kind=k.name, mapping={h: n for n, h in headers.items()}
    )
    report = validate(parsed, k.name, con_or_reference=con, scope=scope, mode="update")
    typed = report.clean.iloc[0] if len(report.clean) else pd.Series(dtype=object)
    changes: dict[str, tuple[Any, Any]] = {}
    for c in new_values:
        new = _plain(typed[c]) if c in typed.index else _plain(new_values[c])
        if not _same(new, old.get(c)):
            changes[c] = (old.get(c), new)
    by_header = {h: n for n, h in headers.items()}
    errors, notes = [], []
    for p in report.problems:
        col = by_header.get(p.column or "", p.column)
        p = replace(p, message=p.message.replace("不能导入", "不能更正"))  # the import's words, for a form
        if p.severity != "error":
            continue
        if p.code in _BLOCKING or col is None or col in changes or col in keys:
            errors.append(p)
        else:
            notes.append(p)
    stored_key = {c: old[c] for c in keys}
    if len(report.clean) and any(not _same(typed.get(c), stored_key[c]) for c in keys if c in typed.index):
        errors.append(Problem(None, None, "key_changed", "更正不能改变记录的编号"))
    return Correction(table, stored_key, changes, errors, notes)


# ------------------------------------------------------------------ writing
def apply_correction(
    scope: Scope,
    table: str,
    key: dict[str, Any],
    new_values: dict[str, Any],
    *,
    reason: str,
    base: dict[str, Any] | None = None,
    path: Any = None,
) -> Correction:
    """Check and write one correction in one transaction, and record it in the audit log.

    Parameters
    ----------
    scope
        Who corrects (``correct_records``; Scope-checked).
    table, key, new_values
        As for :func:`check_correction`.  ``new_values`` should hold the
        form's fields; only those that differ from the stored row are written.
    reason
        Why (required; recorded with the old and new values).
    base
        The record as the form showed it (:func:`find_record` when the form was opened).
        Only the fields whose value differs from ``base`` are written, each only if the
        stored value is still its ``base`` value.  None: the stored row now is the base
        (a caller that passes only the fields it changes).
    path
        The store (default ``EDU_DB``).

    Returns
    -------
    Correction
        What was written (``changes`` empty: nothing differed, nothing written).

    Raises
    ------
    lib.core.permissions.NotPermitted
    CorrectionConflict
        A field the user changed was changed by someone else since ``base`` (nothing written).
    CorrectionError
        Not found in Scope, not valid (message lists the problems), or no reason.
    """
    permissions.require(scope, "correct_records")
    if not (reason or "").strip():
        raise CorrectionError("请填写更正原因")
    with store.transaction(path) as con:
        if base is not None:
            new_values = {c: v for c, v in new_values.items() if not _same(v, base.get(c))}
            _check_unchanged_since(con, scope, table, key, base, new_values)
        fix = check_correction(con, scope, table, key, new_values)
        if not fix.ok:
            raise CorrectionError("；".join(p.message for p in fix.errors))
        if not fix.changes:
            return fix
        cols = list(fix.changes)
        sets = ", ".join(f'"{c}" = CAST(? AS {schema.TABLES[table].column(c).dtype})' for c in cols)
        keys = list(fix.key)
        # the stored values must still be those the check saw (optimistic concurrency)
        guard = " AND ".join(
            f'"{c}" IS NOT DISTINCT FROM CAST(? AS {schema.TABLES[table].column(c).dtype})' for c in cols
        )
        n = con.execute(
            f'UPDATE "{table}" SET {sets} WHERE {_where_key(tuple(keys), alias=table)} AND {guard} RETURNING 1',
            [fix.changes[c][1] for c in cols]
            + [fix.key[c] for c in keys]
            + [fix.changes[c][0] for c in cols],
        ).fetchall()
        if len(n) != 1:
            raise CorrectionConflict("该记录刚被其他人修改，请重新打开后再更正。")
        history.record(con, scope.as_of, tables=(table,))  # from the data date on; the past keeps its value
        derived.changed(con, (table,))
        detail = {
            "table": table,
            "key": fix.key,
            "reason": reason.strip(),
            "changes": {
                c: [_audit_value(table, c, o), _audit_value(table, c, v)] for c, (o, v) in fix.changes.items()
            },
        }
        store.audit(
            con,
            user=scope.user,
            action="correct_record",
            scope=scope.describe(),
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    return fix


def _check_unchanged_since(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    table: str,
    key: dict[str, Any],
    base: dict[str, Any],
    typed: dict[str, Any],
) -> None:
    """Raise :class:`CorrectionConflict` if a field the user changed no longer holds ``base``'s value."""
    if not typed:
        return
    now = find_record(con, scope, table, key)
    masked = permissions.masked(scope)
    stale = {
        _label(table, c): (
            show_value(table, c, base.get(c), masked),
            show_value(table, c, now.get(c), masked),
            show_value(table, c, v, masked),
        )
        for c, v in typed.items()
        if not _same(now.get(c), base.get(c))
    }
    if stale:
        raise CorrectionConflict(
            f"您打开表单后，他人已修改了{'、'.join(stale)}：未保存任何内容。您填写的内容仍在表单中，"
            "请核对现值后再保存，或重新载入记录。",
            stale,
        )


def _audit_value(table: str, column: str, v: Any) -> Any:
    """Old/new values as the audit log keeps them: personal ones masked (the log is read by
    administrators, who see no child's data)."""
    v = _plain(v)
    if v is None:
        return None
    if _personal(table, column):
        return show_value(table, column, v, True)
    return v.isoformat() if isinstance(v, date) else v


# ------------------------------------------------------------------ for the page (one short connection each)
def key_columns(table: str) -> tuple[str, ...]:
    """The key columns of ``table``'s records."""
    return EDITABLE[table][0]


def lookup(scope: Scope, table: str, text: str, *, limit: int = 50) -> pd.DataFrame:
    """:func:`search_records` on the store."""
    with store.connect() as con:
        return search_records(con, scope, table, text, limit=limit)


def load_record(scope: Scope, table: str, key: dict[str, Any]) -> dict[str, Any]:
    """:func:`find_record` on the store."""
    with store.connect() as con:
        return find_record(con, scope, table, key)


def preview(scope: Scope, table: str, key: dict[str, Any], new_values: dict[str, Any]) -> Correction:
    """:func:`check_correction` on the store (nothing is written)."""
    permissions.require(scope, "correct_records")
    with store.connect() as con:
        return check_correction(con, scope, table, key, new_values)


def key_of(row: pd.Series, table: str) -> dict[str, Any]:
    """The key of a :func:`search_records` row."""
    return {c: _plain(row[c]) for c in key_columns(table)}


def describe_row(row: pd.Series, table: str) -> str:
    """One line naming a :func:`search_records` row in the picker."""
    parts = [str(_plain(v)) for v in row.tolist() if _plain(v) is not None]
    return " · ".join(parts)
