"""The audit log: who looked at or exported what, when, in which Scope (append-only)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from lib.core import store
from lib.core.scope import Scope


def record(scope: Scope, action: str, **detail: Any) -> None:
    """Append one entry (views of named lists, searches, exports, imports, edits, unmasking)."""
    with store.connect() as con:
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
        f"SELECT * FROM audit_log WHERE {' AND '.join(conds)} ORDER BY at DESC LIMIT {int(limit)}", params
    )
