"""Committing a validated file, and undoing the last import (the store's side of ingest).

:func:`commit` runs in **one transaction**: it validates the file again against
the store as it is now, snapshots every row it will replace, deletes them,
inserts the file's good rows, checks that no record elsewhere lost the row it
points at (a case or aid record without its student ...), records the import
(``imports``, ``import_keys``, ``import_snapshots``) and writes the audit log.
Any failure, or a kill of the process, leaves every table as it was.

:func:`undo_last_import` puts the snapshot back, but only for the most recent
import and only while nothing touched its rows since (their content is
fingerprinted at commit time); otherwise it refuses and says why, so that
nothing a user entered after the import is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import config, derived, history, permissions, schema, store
from lib.core.errors import AppError
from lib.core.scope import Scope
from lib.ingest.kinds import KINDS, Kind
from lib.ingest.read import ROW, ParsedFile
from lib.ingest.validate import Report, key_sql, scope_sql, validate

Progress = Callable[[float, str], None]
COMMITTED, UNDONE = "已导入", "已撤销"

#: parent table -> (child table, child column, parent column): rows that must keep their parent.
FOREIGN_KEYS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "students": (
        ("dropout_cases", "student_id", "student_id"),
        ("aid_records", "student_id", "student_id"),
        ("absences", "student_id", "student_id"),
        ("aid_applications", "student_id", "student_id"),
        ("transfers", "student_id", "student_id"),
    ),
    "schools": (
        ("transfers", "from_school", "code"),
        ("students", "school_code", "code"),
        ("aid_records", "school_code", "code"),
        ("dropout_cases", "school_code", "code"),
        ("enrolment_counts", "school_code", "code"),
    ),
    "villages": (
        ("students", "village_code", "code"),
        ("dropout_cases", "village_code", "code"),
        ("village_population", "village_code", "code"),
        ("schools", "village_code", "code"),
    ),
    "dropout_cases": (("case_responsibles", "case_id", "case_id"), ("case_actions", "case_id", "case_id")),
    "townships": (("villages", "township_code", "code"), ("schools", "township_code", "code")),
}


class ImportRefused(AppError):
    """The import was not written (the store is unchanged); ``reason`` says why in Chinese."""

    def __init__(self, reason: str, report: Report | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.report = report


class UndoRefused(AppError):
    """The undo was not done (the store is unchanged); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class CommitResult:
    """What an import wrote."""

    import_id: str
    kind: str
    mode: str
    rows_written: int
    rows_new: int
    rows_removed: int
    rows_skipped: int
    report: Report
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass
class UndoResult:
    import_id: str
    rows_removed: int
    rows_restored: int


# ------------------------------------------------------------------ permissions
def may_import(scope: Scope) -> tuple[bool, str]:
    """Whether the Scope's role may import, with the reason when not.

    The role must have the ``import`` permission (:mod:`lib.core.permissions`); the
    settings' ``ingest.import_roles`` may narrow that further, never widen it.
    """
    roles = set(config.SETTINGS["ingest"].get("import_roles", list(permissions.MATRIX["import"])))
    if not permissions.can(scope, "import") or not (
        permissions.roles_of(scope) & roles & permissions.MATRIX["import"]
    ):
        return False, f"您的角色({permissions.describe_roles(scope)})没有导入数据的权限"
    return True, ""


# ------------------------------------------------------------------ SQL helpers
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _key_eq(kind: Kind, a: str, b: str) -> str:
    return " AND ".join(f"{a}.{_q(k)} = {b}.{_q(k)}" for k in kind.key)


def _content_sql(table: str, alias: str) -> str:
    cols = ", ".join(f"{alias}.{_q(c)}" for c in schema.TABLES[table].names)
    return f"hash({cols})"


def _fingerprint(con: duckdb.DuckDBPyConnection, kind: Kind, import_id: str) -> tuple[int, str]:
    """(rows, content hash) of the stored rows whose keys the import wrote.

    DuckDB's ``hash`` of every column, XOR-ed over the rows; it is stable within
    one DuckDB version, so the version is part of the fingerprint.
    """
    t = kind.table
    n, h = con.execute(
        f"SELECT count(*), CAST(coalesce(bit_xor({_content_sql(t, 'o')}), 0) AS VARCHAR) FROM {_q(t)} o "
        f"WHERE {key_sql(kind, 'o')} IN (SELECT row_key FROM import_keys WHERE import_id = ?)",
        [import_id],
    ).fetchone()
    return int(n), f"duckdb-{duckdb.__version__}:{h}"


def _arrow_for_store(good: pd.DataFrame, kind: Kind, provided: tuple[str, ...]) -> Any:
    """The good rows' provided columns as an Arrow table DuckDB reads without guessing
    (text as Arrow strings, dates as timestamps, nullable integers and booleans)."""
    import pyarrow as pa

    table = schema.TABLES[kind.table]
    arrays, names = [], []
    for c in provided:
        if c not in good:
            continue
        dtype, v = table.column(c).dtype, good[c]
        if dtype == "VARCHAR":
            arr = (
                pa.array(v.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
                if not (isinstance(v.dtype, pd.StringDtype) and v.dtype.storage == "pyarrow")
                else pa.array(v.array)
            )
        elif dtype == "DATE":
            arr = pa.array(
                pd.to_datetime(v, errors="coerce").astype("datetime64[us]"), type=pa.timestamp("us")
            )
        elif dtype == "INTEGER":
            arr = pa.array(pd.array(pd.to_numeric(v, errors="coerce"), dtype="Int64"), type=pa.int64())
        elif dtype == "DOUBLE":
            arr = pa.array(
                pd.to_numeric(v, errors="coerce").astype("float64"), type=pa.float64(), from_pandas=True
            )
        elif dtype == "BOOLEAN":
            arr = pa.array(v.astype("boolean"), type=pa.bool_())
        else:
            arr = pa.array(v.astype("string").to_numpy(dtype=object, na_value=None), type=pa.string())
        arrays.append(arr)
        names.append(c)
    return pa.Table.from_arrays(arrays, names=names)


_USER = object()  # placeholder for the importing user in _select_new's parameters


def _select_new(kind: Kind, provided: tuple[str, ...]) -> tuple[str, list[Any]]:
    """SELECT list building each new row: the file's columns; for columns the file does
    not have, the stored row's value (an update keeps what it does not mention), else
    the kind's default; who and when for the columns that record them."""
    table = schema.TABLES[kind.table]
    exprs, params = [], []
    for col in table.columns:
        c = _q(col.name)
        if col.name in provided:
            exprs.append(f"i.{c}")
        elif col.name == "updated_by":
            exprs.append("CAST(? AS VARCHAR)")
            params.append(_USER)  # filled by the caller
        elif col.name == "updated_at":
            exprs.append("now()::TIMESTAMP")
        elif col.name == "version":
            exprs.append(f"coalesce(o.{c}, 0) + 1")
        elif col.name in kind.defaults:
            exprs.append(f"coalesce(o.{c}, CAST(? AS {col.dtype}))")
            params.append(kind.defaults[col.name])
        elif col.dtype == "BOOLEAN" and col.name in kind.names:
            exprs.append(f"coalesce(o.{c}, FALSE)")
        else:
            exprs.append(f"o.{c}")
    return ", ".join(f"{e} AS {_q(col.name)}" for e, col in zip(exprs, table.columns, strict=True)), params


def _removal_condition(kind: Kind, scope: Scope, mode: str) -> tuple[str, list[Any]]:
    """Which stored rows (alias ``o``) the import replaces."""
    by_key = f"EXISTS (SELECT 1 FROM _in i WHERE {_key_eq(kind, 'i', 'o')})"
    if mode != "replace":
        return by_key, []
    cond, params = scope_sql(kind, scope, "o")
    part = " AND ".join(f"i.{_q(p)} = o.{_q(p)}" for p in kind.partition)
    within = f"EXISTS (SELECT 1 FROM _in i WHERE {part})"
    if kind.table == "absences":  # the students' absences within the file's dates
        within += " AND o.day BETWEEN (SELECT min(day) FROM _in) AND (SELECT max(day) FROM _in)"
    return f"(({cond}) AND {within}) OR {by_key}", params


def _orphans(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Records elsewhere that lost the row they point at (rows removed from ``table``)."""
    out = []
    for child, ccol, pcol in FOREIGN_KEYS.get(table, ()):
        if child not in schema.TABLES:
            continue
        n = con.execute(
            f"SELECT count(*) FROM {_q(child)} c WHERE c.{_q(ccol)} IN (SELECT d.{_q(pcol)} FROM _old d) "
            f"AND c.{_q(ccol)} NOT IN (SELECT p.{_q(pcol)} FROM {_q(table)} p WHERE p.{_q(pcol)} IS NOT NULL)"
        ).fetchone()[0]
        if n:
            out.append(f"{n:,} 条{schema.TABLES[child].label}记录")
    return out


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for t in ("_in", "_new", "_old"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


# ------------------------------------------------------------------ commit
def commit(
    parsed: ParsedFile,
    kind: str | None = None,
    *,
    scope: Scope,
    mode: str = "append",
    drop_bad_rows: bool = False,
    crs: str | None = None,
    path: Path | None = None,
    progress: Progress | None = None,
) -> CommitResult:
    """Validate ``parsed`` against the store and write its good rows, all in one transaction.

    Parameters
    ----------
    parsed
        The file (:func:`lib.ingest.read.read_upload`).
    kind
        Table kind (default: the one the file was read for); registry kinds
        and the roster are not written (they are reconciled).
    scope
        Who imports: rows outside it are errors, and a replace removes only
        rows inside it.
    mode
        ``append``, ``update`` (stored rows with the same key are replaced;
        columns the file lacks keep their stored values) or ``replace`` (the
        part of the store the file is about: ``Kind.partition_text``).
    drop_bad_rows
        Write the good rows of a file that has errors (the user must say so).
    progress
        Called with (fraction 0-1, Chinese text) as the work proceeds.

    Returns
    -------
    CommitResult

    Raises
    ------
    ImportRefused
        Nothing was written: the reason (and the report) say why.
    """
    kind = kind or parsed.kind
    k = KINDS[kind]
    tell = progress or (lambda f, t: None)
    if not k.table:
        raise ImportRefused(f"“{k.label}”只用于比对，不直接写入数据库：请在“学生资助 · 精准识别”页上传比对。")
    allowed, why = may_import(scope)
    if not allowed:
        raise ImportRefused(why)
    with store.transaction(path) as con:
        tell(0.05, "正在按数据库现状校验…")
        report = validate(parsed, kind, con_or_reference=con, scope=scope, mode=mode, crs=crs)
        _refuse_if_needed(report, drop_bad_rows)
        good = report.good()
        tell(0.35, f"正在写入 {len(good):,} 行…")
        written = _write(con, k, good, report, scope, mode, tell)
        history.record(con, scope.as_of, tables=(k.table,))  # the file describes its as_of: keep the past
        derived.changed(con, (k.table,))  # summaries of this table commit (or roll back) with the rows
        tell(0.9, "正在记录导入…")
        import_id = _record(con, k, parsed, report, scope, mode, written)
        tell(1.0, "完成")
    return CommitResult(
        import_id,
        kind,
        mode,
        rows_written=written["written"],
        rows_new=written["new"],
        rows_removed=written["removed"],
        rows_skipped=len(report.bad_rows),
        report=report,
    )


def _refuse_if_needed(report: Report, drop_bad_rows: bool) -> None:
    if report.fatal:
        first = report.errors[0].message if report.errors else "文件无法导入"
        raise ImportRefused(f"文件不能导入：{first}", report)
    if report.errors and not drop_bad_rows:
        raise ImportRefused(
            f"文件有 {len(report.errors):,} 处错误(涉及 {len(report.bad_rows):,} 行)：请修正后重新上传，"
            f"或选择“跳过有错误的行”只导入其余 {report.valid_rows:,} 行。",
            report,
        )
    if report.valid_rows == 0:
        raise ImportRefused("没有可以导入的行。", report)


def _write(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    good: pd.DataFrame,
    report: Report,
    scope: Scope,
    mode: str,
    tell: Progress,
) -> dict[str, int]:
    t = _q(kind.table)
    names = schema.TABLES[kind.table].names
    provided = tuple(c for c in report.provided if c in good)
    src = _arrow_for_store(good, kind, provided)
    table = schema.TABLES[kind.table]
    _drop_temp(con)
    con.register("_src", src)
    try:
        casts = ", ".join(f"CAST({_q(c)} AS {table.column(c).dtype}) AS {_q(c)}" for c in provided)
        con.execute(f"CREATE TEMP TABLE _in AS SELECT {casts} FROM _src")
    finally:
        con.unregister("_src")
    select, params = _select_new(kind, provided)
    params = [scope.user if p is _USER else p for p in params]
    con.execute(
        f"CREATE TEMP TABLE _new AS SELECT {select} FROM _in i LEFT JOIN {t} o ON {_key_eq(kind, 'i', 'o')}",
        params,
    )
    cond, cparams = _removal_condition(kind, scope, mode)
    con.execute(f"CREATE TEMP TABLE _old AS SELECT * FROM {t} o WHERE {cond}", cparams)
    tell(0.55, "正在保存导入前快照…")
    con.execute(
        f"DELETE FROM {t} WHERE {key_sql(kind, kind.table)} IN (SELECT {key_sql(kind, 'd')} FROM _old d)"
    )
    cols = ", ".join(_q(c) for c in names)
    con.execute(f"INSERT INTO {t} ({cols}) SELECT {cols} FROM _new")
    tell(0.75, "正在检查关联记录…")
    lost = _orphans(con, kind.table)
    if lost:
        raise ImportRefused(
            f"导入会使 {'、'.join(lost)}失去对应的{kind.label}(它们引用了将被替换掉的行)：未做任何修改。"
            f"请把这些{kind.label}也列入文件，或改用“追加并更新已有行”。",
            report,
        )
    removed = con.execute("SELECT count(*) FROM _old").fetchone()[0]
    kept = con.execute(
        f"SELECT count(*) FROM _old d WHERE EXISTS (SELECT 1 FROM _new n WHERE {_key_eq(kind, 'n', 'd')})"
    ).fetchone()[0]
    # removed: stored rows that are gone after the import (replaced rows the file did not list)
    return {"written": src.num_rows, "new": src.num_rows - int(kept), "removed": int(removed) - int(kept)}


def _record(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    parsed: ParsedFile,
    report: Report,
    scope: Scope,
    mode: str,
    written: dict[str, int],
) -> str:
    seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM imports").fetchone()[0]
    import_id = f"IMP{seq:06d}"
    t = kind.table
    con.execute(
        f"INSERT INTO import_snapshots SELECT ?, ?, {key_sql(kind, 'd')}, to_json(d)::VARCHAR FROM _old d",
        [import_id, t],
    )
    con.execute(f"INSERT INTO import_keys SELECT ?, ?, {key_sql(kind, 'n')} FROM _new n", [import_id, t])
    count, digest = _fingerprint(con, kind, import_id)
    con.execute(
        "INSERT INTO imports (import_id, seq, kind, table_name, mode, filename, file_sha256, rows_in_file, "
        "rows_written, rows_new, rows_removed, rows_skipped, scope, as_of, user_name, committed_at, after_count, "
        "after_hash, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?)",
        [
            import_id,
            seq,
            kind.name,
            t,
            mode,
            parsed.filename,
            parsed.sha256,
            report.rows,
            written["written"],
            written["new"],
            written["removed"],
            len(report.bad_rows),
            scope.describe(),
            scope.as_of,
            scope.user,
            count,
            digest,
            COMMITTED,
        ],
    )
    store.audit(
        con,
        user=scope.user,
        action="import",
        scope=scope.describe(),
        detail=json.dumps(
            {
                "import_id": import_id,
                "kind": kind.name,
                "mode": mode,
                "file": parsed.filename,
                "sha256": parsed.sha256,
                "rows": report.rows,
                "written": written["written"],
                "new": written["new"],
                "removed": written["removed"],
                "skipped": len(report.bad_rows),
                "warnings": len(report.warnings),
            },
            ensure_ascii=False,
            sort_keys=True,
        ),
    )
    _drop_temp(con)
    return import_id


# ------------------------------------------------------------------ undo
def last_import(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The most recent import that has not been undone."""
    df = con.execute("SELECT * FROM imports WHERE status = ? ORDER BY seq DESC LIMIT 1", [COMMITTED]).df()
    return None if df.empty else df.iloc[0].to_dict()


def undo_check(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[dict[str, Any] | None, str | None]:
    """(the import an undo would revert, the reason it cannot be undone or None)."""
    last = last_import(con)
    if last is None:
        return None, "没有可以撤销的导入。"
    allowed, why = may_import(scope)
    if not allowed:
        return last, why
    if last["user_name"] != scope.user and not scope.is_whole_county:
        # another user's import (maybe another township's): name neither them nor what they imported
        return None, "最近一次导入不是您做的，只有本人或全县权限的用户可以撤销。"
    kind = KINDS[last["kind"]]
    count, digest = _fingerprint(con, kind, last["import_id"])
    if digest.split(":")[0] != str(last["after_hash"]).split(":")[0]:
        return last, "导入后数据库程序已升级，无法核对导入的行是否被修改过，因此不能撤销。"
    if count != int(last["after_count"]) or digest != str(last["after_hash"]):
        when = _later_edit(con, last) if scope.is_whole_county else ""  # the log is not a township's
        return last, (
            f"导入后这些{kind.label}记录已被修改或删除{when}，撤销会丢失之后录入的内容，因此不能撤销。"
            f"如需更正，请导入修正后的文件。"
        )
    back = con.execute(
        f"SELECT count(*) FROM import_snapshots s WHERE s.import_id = ? AND s.row_key NOT IN "
        f"(SELECT row_key FROM import_keys WHERE import_id = ?) AND s.row_key IN "
        f"(SELECT {key_sql(kind, 'o')} FROM {_q(kind.table)} o)",
        [last["import_id"], last["import_id"]],
    ).fetchone()[0]
    if back:
        return last, f"导入时替换掉的 {back:,} 条记录之后又被重新录入，撤销会产生重复，因此不能撤销。"
    return last, None


def _later_edit(con: duckdb.DuckDBPyConnection, last: dict[str, Any]) -> str:
    row = con.execute(
        'SELECT "at", user_name, action FROM audit_log WHERE "at" > ? AND action NOT IN '
        "('view_list', 'export', 'search') ORDER BY 1 LIMIT 1",
        [last["committed_at"]],
    ).fetchone()
    if not row:
        return ""
    return f"(例如 {row[0]:%Y-%m-%d %H:%M} {row[1]} 的“{row[2]}”操作)"


def undo_last_import(*, scope: Scope, path: Path | None = None, import_id: str | None = None) -> UndoResult:
    """Put back what the most recent import replaced and remove what it wrote (one transaction).

    Parameters
    ----------
    scope
        Who undoes (recorded with the time in ``imports`` and the audit log).
    import_id
        When given, it must be the most recent import (a guard against undoing
        something other than what the user saw).

    Raises
    ------
    UndoRefused
        Not the last import, rows changed since, or records now depending on
        the imported rows; nothing was changed.
    """
    with store.transaction(path) as con:
        last, reason = undo_check(con, scope)
        if last is not None and import_id and last["import_id"] != import_id:
            raise UndoRefused(
                f"{import_id} 不是最近一次导入(最近一次是 {last['import_id']})，只能撤销最近一次。"
            )
        if last is None and reason and import_id:
            raise UndoRefused(f"{import_id} 不是您可以撤销的最近一次导入。")
        if reason:
            raise UndoRefused(reason)
        kind = KINDS[last["kind"]]
        iid, t = last["import_id"], _q(kind.table)
        _drop_temp(con)
        con.execute(
            f"CREATE TEMP TABLE _old AS SELECT * FROM {t} o WHERE {key_sql(kind, 'o')} IN "
            f"(SELECT row_key FROM import_keys WHERE import_id = ?)",
            [iid],
        )
        con.execute(
            f"DELETE FROM {t} WHERE {key_sql(kind, kind.table)} IN "
            f"(SELECT row_key FROM import_keys WHERE import_id = ?)",
            [iid],
        )
        structure = json.dumps({c.name: c.dtype for c in schema.TABLES[kind.table].columns})
        cols = ", ".join(_q(c) for c in schema.TABLES[kind.table].names)
        restored = con.execute(
            f"INSERT INTO {t} ({cols}) SELECT {cols} FROM (SELECT unnest(json_transform(row_json, ?)) "
            f"FROM import_snapshots WHERE import_id = ?)",
            [structure, iid],
        ).fetchone()[0]
        lost = _orphans(con, kind.table)
        if lost:
            raise UndoRefused(
                f"导入后已有 {'、'.join(lost)}引用了这次导入的{kind.label}，撤销会使它们失去对应记录，因此不能撤销。"
            )
        removed = con.execute("SELECT count(*) FROM _old").fetchone()[0]
        history.record(con, scope.as_of, tables=(kind.table,))
        derived.changed(con, (kind.table,))
        con.execute(
            "UPDATE imports SET status = ?, undone_by = ?, undone_at = now()::TIMESTAMP WHERE import_id = ?",
            [UNDONE, scope.user, iid],
        )
        store.audit(
            con,
            user=scope.user,
            action="undo_import",
            scope=scope.describe(),
            detail=json.dumps(
                {"import_id": iid, "kind": kind.name, "removed": int(removed), "restored": int(restored)},
                ensure_ascii=False,
                sort_keys=True,
            ),
        )
        _drop_temp(con)
    return UndoResult(iid, int(removed), int(restored))


# ------------------------------------------------------------------ history and remembered mappings
def list_imports(
    con: duckdb.DuckDBPyConnection, *, limit: int = 20, scope: Scope | None = None
) -> pd.DataFrame:
    """Recent imports, newest first: every import for a county-scope role (or ``scope=None``),
    else only the user's own (a township does not see the county's import history)."""
    mine, params = ("", [])
    if scope is not None and not permissions.can_county_level(scope, "import"):
        mine, params = "WHERE user_name = ? ", [scope.user]
    return con.execute(
        "SELECT import_id, kind, mode, filename, rows_in_file, rows_written, rows_new, rows_removed, "
        f"rows_skipped, user_name, committed_at, status, undone_by, undone_at FROM imports {mine}"
        f"ORDER BY seq DESC LIMIT {int(limit)}",
        params,
    ).df()


def remembered_mapping(
    con: duckdb.DuckDBPyConnection, kind: str, signature: str
) -> dict[str, str | None] | None:
    """The column mapping a user chose last time for files of this layout."""
    row = con.execute(
        "SELECT mapping_json FROM import_mappings WHERE kind = ? AND signature = ?", [kind, signature]
    ).fetchone()
    return json.loads(row[0]) if row else None


def remember_mapping(
    kind: str, signature: str, mapping: dict[str, str | None], *, scope: Scope, path: Path | None = None
) -> None:
    """Store the mapping for files of this layout (one transaction, with who and when)."""
    with store.transaction(path) as con:
        con.execute("DELETE FROM import_mappings WHERE kind = ? AND signature = ?", [kind, signature])
        con.execute(
            "INSERT INTO import_mappings VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
            [kind, signature, json.dumps(mapping, ensure_ascii=False), scope.user],
        )


__all__ = [
    "FOREIGN_KEYS",
    "ROW",
    "CommitResult",
    "ImportRefused",
    "UndoRefused",
    "UndoResult",
    "commit",
    "last_import",
    "list_imports",
    "may_import",
    "remember_mapping",
    "remembered_mapping",
    "undo_check",
    "undo_last_import",
]
