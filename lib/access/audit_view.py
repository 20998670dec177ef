"""The audit log for administrators: read with filters, shown and exported in Chinese.

Reading needs the ``view_audit`` permission.  The log itself is append-only
(:func:`lib.core.store.audit` is the only writer); nothing here changes it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from lib.core import audit, permissions, store
from lib.core.i18n import t
from lib.core.scope import Scope

#: Chinese names of the actions written by the modules (unknown ones are shown as they are).
ACTION_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "account_locked": "账号锁定",
    "logout": "退出/会话结束",
    "password_changed": "修改密码",
    "password_change_failed": "修改密码失败",
    "password_reset": "重置密码",
    "account_created": "新建账号",
    "account_updated": "修改账号",
    "account_disabled": "停用账号",
    "account_enabled": "启用账号",
    "account_provisioned": "系统配置账号",
    "view_list": "查看名单",
    "search": "查找学生",
    "search_refused": "查找学生被拒绝(过于频繁)",
    "export": "导出",
    "import": "导入",
    "undo_import": "撤销导入",
    "unmask": "显示完整信息",
    "settings_changed": "修改设置",
    "settings_reset": "恢复默认设置",
    "reconcile": "名单比对",
    "aid_approval": "资助审核",
    "scenario_save": "保存规划方案",
    # 运行维护
    "backup": "备份",
    "backup_failed": "备份失败",
    "restore": "从备份恢复",
    "correct_record": "更正记录",
    "rollover": "学年升级",
    "retention": "数据保留期处理",
}

COLUMNS = {"at": "时间", "user_name": "用户", "action": "操作", "scope": "范围", "detail": "详情"}


def load_entries(
    scope: Scope,
    *,
    start: date | None = None,
    end: date | None = None,
    users: list[str] | None = None,
    actions: list[str] | None = None,
    limit: int = 5000,
    path: Path | None = None,
) -> pd.DataFrame:
    """Entries newest first, filtered by day range (inclusive), users and actions.

    Raises
    ------
    permissions.NotPermitted
        The user may not read the audit log.
    """
    permissions.require(scope, "view_audit")
    conds, params = ["TRUE"], []
    if start is not None:
        conds.append('"at" >= ?')
        params.append(pd.Timestamp(start))
    if end is not None:
        conds.append('"at" < ?')
        params.append(pd.Timestamp(end + timedelta(days=1)))
    for column, values in (("user_name", users), ("action", actions)):
        if values:
            conds.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    where = " AND ".join(conds)
    return store.read_frame(
        f'SELECT "at", user_name, action, scope, detail FROM audit_log WHERE {where} '
        f'ORDER BY "at" DESC LIMIT {int(limit)}',
        params,
        path=path,
    )


def filter_choices(scope: Scope, *, path: Path | None = None) -> tuple[list[str], list[str]]:
    """Users and actions that occur in the log (for the filters)."""
    permissions.require(scope, "view_audit")
    with store.connect(path) as con:
        users = [r[0] for r in con.execute("SELECT DISTINCT user_name FROM audit_log ORDER BY 1").fetchall()]
        actions = [r[0] for r in con.execute("SELECT DISTINCT action FROM audit_log ORDER BY 1").fetchall()]
    return [u for u in users if u], [a for a in actions if a]


def _detail_text(raw: Any) -> str:
    """``{"what": "名单", "rows": 3}`` -> ``what=名单；rows=3`` (plain text for people)."""
    if raw is None or raw == "":
        return ""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return str(raw)
    if not isinstance(value, dict):
        return str(value)
    return "；".join(
        f"{k}={json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v}"
        for k, v in value.items()
    )


def audit_table(entries: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """The entries with Chinese headers, action names (in ``lang``) and readable details
    (for screen and export)."""
    out = entries.copy()
    out["action"] = out["action"].map(lambda a: t(ACTION_LABELS.get(a, a), lang))
    out["detail"] = out["detail"].map(_detail_text)
    out["at"] = pd.to_datetime(out["at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return out[list(COLUMNS)].rename(columns=COLUMNS)


def searches_for(scope: Scope, text: str, *, path: Path | None = None) -> pd.DataFrame:
    """Every student search whose query was ``text`` (a name, ID number or 学籍号, however it
    was written), newest first, shown as :func:`audit_table` shows entries.

    Search entries keep the query only as a keyed fingerprint (with its kind and masked
    shape), so that the log does not become a list of children's names; an auditor who
    wants to know who looked for a child types the child's name or number here.

    Raises
    ------
    permissions.NotPermitted
        The user may not read the audit log.
    """
    permissions.require(scope, "view_audit")
    if not (text or "").strip():
        return audit_table(pd.DataFrame(columns=list(COLUMNS)))
    with store.connect(path) as con:
        key = audit.query_key(con, text)
        found = con.execute(
            "SELECT \"at\", user_name, action, scope, detail FROM audit_log WHERE action = 'search' "
            'AND detail LIKE ? ORDER BY "at" DESC',
            [f'%"query_key": "{key}"%'],
        ).df()
    return audit_table(found)
