"""The audit log: who looked at or exported what, when, in which Scope (append-only)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from lib.core import ids, masking, store
from lib.core.errors import AppError
from lib.core.scope import Scope

#: ``meta`` key of the secret that keys the fingerprints of search queries.
QUERY_KEY_META = "audit_query_key"


class SearchLimited(AppError):
    """Too many student searches in a short time (message in Chinese)."""


def record(scope: Scope, action: str, **detail: Any) -> None:
    """Append one entry (views of named lists, searches, exports, imports, edits, unmasking)."""
    with store.connect(bookkeeping=True) as con:  # the log is no page's figure: caches stay warm
        store.audit(
            con,
            user=scope.user,
            action=action,
            scope=scope.describe(),
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )


def entries(*, user: str | None = None, action: str | None = None, limit: int = 1000) -> pd.DataFrame:
    """Most recent entries first, optionally filtered."""
    conds, params = ["TRUE"], []
    if user:
        conds.append("user_name = ?")
        params.append(user)
    if action:
        conds.append("action = ?")
        params.append(action)
    return store.read_frame(
        f'SELECT * FROM audit_log WHERE {" AND ".join(conds)} ORDER BY "at" DESC LIMIT {int(limit)}', params
    )


# ------------------------------------------------------------------ student searches
def _secret(con: duckdb.DuckDBPyConnection) -> bytes:
    key = store.get_meta(con, QUERY_KEY_META)
    if not key:
        key = secrets.token_hex(32)
        store.set_meta(con, QUERY_KEY_META, key)
    return bytes.fromhex(key)


def _normalised(text: str) -> str:
    q = (text or "").strip().upper()
    norm = ids.normalise_id(q) or q
    return norm[1:] if norm[:1] in ("G", "J", "L") and len(norm) == 19 else norm


def query_kind(text: str) -> str:
    """What a search query is, in Chinese: 身份证号, 学籍号, 姓名, 脱敏形式, 学生编号 or 其他."""
    q = (text or "").strip().upper()
    if "*" in q:
        return "脱敏形式"
    if q[:1] in ("G", "J", "L") and len(q) == 19:
        return "学籍号"
    if ids.normalise_id(q) and ids.is_valid_id(ids.normalise_id(q)):
        return "身份证号"
    if masking.looks_like_name(q, loose=True):
        return "姓名"
    if q[:1] == "S" and q[1:].isalnum() and q.isascii():
        return "学生编号"
    return "其他"


def query_key(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """A keyed fingerprint of a query (16 hex digits): the same for 王小明 typed by anyone and
    for an ID number however it was written, useless without the store's secret."""
    return hmac.new(_secret(con), _normalised(text).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def query_fields(con: duckdb.DuckDBPyConnection, text: str) -> dict[str, str]:
    """What an audit entry says about a search query: ``query_kind``, ``query_masked`` (its
    masked shape) and ``query_key`` (:func:`query_key`), never the query itself."""
    q = (text or "").strip()
    return {
        "query_kind": query_kind(q),
        "query_masked": masking.mask_value(q, kind="name" if query_kind(q) == "姓名" else None),
        "query_key": query_key(con, q),
    }


def check_search_rate(
    con: duckdb.DuckDBPyConnection, scope: Scope, security: dict[str, Any], *, now: datetime | None = None
) -> None:
    """Refuse a search beyond ``security.search_per_minute`` in the last minute or
    ``security.search_per_day`` in the last day (counted in the audit log, store clock).

    Raises
    ------
    SearchLimited
        With the refusal recorded as ``search_refused``.
    """
    clock = now or con.execute("SELECT now()::TIMESTAMP").fetchone()[0]
    for window, key, label in (
        (timedelta(minutes=1), "search_per_minute", "每分钟"),
        (timedelta(days=1), "search_per_day", "每天"),
    ):
        limit = int(security.get(key, 0) or 0)
        if limit <= 0:
            continue
        done = con.execute(
            "SELECT count(*) FROM audit_log WHERE user_name = ? AND action = 'search' AND \"at\" > ?",
            [scope.user, clock - window],
        ).fetchone()[0]
        if done >= limit:
            store.audit(
                con,
                user=scope.user,
                action="search_refused",
                scope=scope.describe(),
                detail=json.dumps({"limit": f"{label}{limit}次", "done": int(done)}, ensure_ascii=False),
            )
            raise SearchLimited(f"查找过于频繁：{label}最多 {limit} 次，请稍后再试。(已记入审计日志)")
