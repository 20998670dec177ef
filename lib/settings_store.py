"""Settings an administrator changes in the app, stored in the ``settings`` table.

Effective settings = :data:`lib.config.DEFAULTS` ∘ the TOML file (both already in
:data:`lib.config.SETTINGS`) ∘ the stored overrides.  An override is one leaf of
the settings tree, addressed by a dotted key (``risk.weights.attendance``), with
its value as JSON, who changed it and when.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb

from lib import config, permissions, store
from lib.scope import Scope

# Who may change settings: lib.permissions ("edit_settings").


class SettingsError(ValueError):
    """An override names an unknown key, has the wrong type, or the user may not change it."""


def may_edit(scope: Scope) -> bool:
    """May the user of ``scope`` change settings?"""
    return permissions.can(scope, "edit_settings")


def _leaf(tree: dict[str, Any], key: str) -> Any:
    node: Any = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise SettingsError(f"未知的设置项：{key}")
        node = node[part]
    return node


def _set_leaf(tree: dict[str, Any], key: str, value: Any) -> None:
    *head, last = key.split(".")
    node = tree
    for part in head:
        node = node[part]
    node[last] = value


def apply_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with each dotted-key override applied (unknown keys are skipped:
    a stored override for a setting that no longer exists must not break the app)."""
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        try:
            _leaf(out, key)
        except SettingsError:
            continue
        _set_leaf(out, key, value)
    return out


def load_overrides(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Stored overrides: dotted key -> value."""
    rows = con.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
    return {k: json.loads(v) for k, v in rows}


def effective_settings(con: duckdb.DuckDBPyConnection | None = None, *,
                       base: dict[str, Any] | None = None) -> dict[str, Any]:
    """DEFAULTS ∘ TOML ∘ stored overrides (reads the store when ``con`` is None)."""
    base = base if base is not None else config.SETTINGS
    if con is None:
        with store.connect() as own:
            return apply_overrides(base, load_overrides(own))
    return apply_overrides(base, load_overrides(con))


def _check(key: str, value: Any) -> Any:
    current = _leaf(config.DEFAULTS, key)
    if isinstance(current, dict):
        raise SettingsError(f"{key} 是一组设置，请逐项修改")
    if isinstance(current, bool) or isinstance(value, bool):
        if not isinstance(value, bool) or not isinstance(current, bool):
            raise SettingsError(f"{key} 的取值类型不对")
        return value
    if isinstance(current, (int, float)):
        if not isinstance(value, (int, float)):
            raise SettingsError(f"{key} 应为数字")
        if value < 0:
            raise SettingsError(f"{key} 不能为负数")
        return float(value) if isinstance(current, float) else (int(value) if float(value).is_integer() else
                                                                  float(value))
    if type(value) is not type(current):
        raise SettingsError(f"{key} 的取值类型不对")
    return value


def save_overrides(scope: Scope, changes: dict[str, Any], *, path: Path | None = None) -> None:
    """Store overrides in one transaction, with who and when, and audit them.

    Raises
    ------
    SettingsError
        The user may not change settings, or a key/value is invalid (nothing is written).
    """
    if not may_edit(scope):
        raise SettingsError("只有管理员可以修改设置。")
    checked = {k: _check(k, v) for k, v in changes.items()}
    merged = apply_overrides(config.SETTINGS, checked)
    if merged["risk"]["band_medium"] >= merged["risk"]["band_high"]:
        raise SettingsError("中档线必须低于高档线。")
    if merged["risk"].get("model") not in ("rules", "logistic"):
        raise SettingsError("名单排序模型只能是 rules 或 logistic。")
    if sum(merged["risk"]["weights"].values()) <= 0:
        raise SettingsError("权重之和必须大于 0。")
    with store.transaction(path) as con:
        for key, value in checked.items():
            con.execute("DELETE FROM settings WHERE key = ?", [key])
            # the store's clock, like the audit log's: a change happens when it is made
            con.execute("INSERT INTO settings VALUES (?, ?, ?, current_timestamp)",
                        [key, json.dumps(value, ensure_ascii=False), scope.user])
        store.audit(con, user=scope.user, action="settings_changed", scope=scope.describe(),
                    detail=json.dumps(checked, ensure_ascii=False, sort_keys=True))


def reset_overrides(scope: Scope, prefix: str, *, path: Path | None = None) -> int:
    """Remove every override under ``prefix`` (back to defaults); returns how many."""
    if not may_edit(scope):
        raise SettingsError("只有管理员可以修改设置。")
    with store.transaction(path) as con:
        n = con.execute("SELECT count(*) FROM settings WHERE key = ? OR key LIKE ?",
                        [prefix, prefix + ".%"]).fetchall()[0][0]
        con.execute("DELETE FROM settings WHERE key = ? OR key LIKE ?", [prefix, prefix + ".%"])
        store.audit(con, user=scope.user, action="settings_reset", scope=scope.describe(),
                    detail=json.dumps({"prefix": prefix, "removed": n}, ensure_ascii=False))
    return int(n)
