"""Settings an administrator changes in the app, stored in the ``settings`` table.

Effective settings = :data:`lib.core.config.DEFAULTS` ∘ the TOML file (both already in
:data:`lib.core.config.SETTINGS`) ∘ the stored overrides.  An override is one leaf of
the settings tree, addressed by a dotted key (``risk.weights.attendance``), with
its value as JSON, who changed it and when.

Who may change what (docs/security.md): the thresholds and targets of the domains need
``edit_settings`` through a county-scope role (县级业务, 管理员); the security, backup,
retention and upload-limit settings, and every path, need ``edit_system_settings``
(管理员 only).  Every number has bounds (:data:`BOUNDS`: a lockout of 0 attempts or a
password of 3 characters cannot be set), a path resolves inside the data directory
(:func:`lib.core.secure.confine`), and the audit log records old and new values.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lib.core import config, permissions, secure, store
from lib.core.errors import AppError
from lib.core.scope import Scope

# Who may change settings: lib.core.permissions ("edit_settings", "edit_system_settings").

#: Sections only 管理员 may change (they decide who gets in, where copies go, what is kept).
SYSTEM_SECTIONS = ("security", "backup", "retention")
#: Further keys only 管理员 may change: the limits that protect the server from hostile files.
SYSTEM_KEYS = (
    "ingest.max_upload_mb",
    "ingest.max_rows",
    "ingest.max_cells",
    "ingest.max_shared_strings_mb",
    "ingest.max_unzipped_mb",
    "ingest.max_zip_ratio",
    "ingest.worker_memory_mb",
    "ingest.worker_timeout_s",
)
#: Settings that name a folder: resolved inside the data directory (never ``static/``).
PATH_KEYS = ("backup.dir",)
#: Inclusive bounds of numeric settings (a value outside is refused with the range).
BOUNDS: dict[str, tuple[float, float]] = {
    "security.max_failed_logins": (1, 20),
    "security.lockout_minutes": (1, 24 * 60),
    "security.session_idle_minutes": (1, 12 * 60),
    "security.min_password_length": (10, 128),
    "security.temporary_password_length": (10, 64),
    "backup.keep": (1, 1000),
    "backup.schedule_hours": (0, 24 * 366),
    "retention.leaver_years": (1, 100),
    "retention.audit_years": (3, 100),
    "retention.job_days": (1, 365),
    "ingest.max_upload_mb": (1, 1024),
    "ingest.max_rows": (1, 5_000_000),
    "ingest.max_cells": (1_000, 200_000_000),
    "ingest.max_shared_strings_mb": (1, 2048),
    "ingest.max_unzipped_mb": (10, 16_384),
    "ingest.max_zip_ratio": (10, 10_000),
    "ingest.worker_memory_mb": (256, 65_536),
    "ingest.worker_timeout_s": (5, 3600),
    # 布局规划: grades board from 1-9; shares are 0-1; a solve's limit stays a planner's wait
    "layout.boarding_min_grade": (1, 9),
    "layout.optimize.close_max_share": (0, 1),
    "layout.optimize.grid_km": (0.5, 50),
    "layout.optimize.time_limit_s": (5, 600),
}


class SettingsError(AppError, ValueError):
    """An override names an unknown key, has the wrong type, or the user may not change it."""


def may_edit(scope: Scope) -> bool:
    """May the user of ``scope`` change any settings (a county-level record: county-scope roles)?"""
    return permissions.can_county_level(scope, "edit_settings") or permissions.can(
        scope, "edit_system_settings"
    )


def is_system_key(key: str) -> bool:
    """Is ``key`` one of the settings only 管理员 may change?"""
    return key.split(".", 1)[0] in SYSTEM_SECTIONS or key in SYSTEM_KEYS or key in PATH_KEYS


def may_edit_key(scope: Scope, key: str) -> bool:
    """May the user of ``scope`` change the setting ``key``?"""
    if is_system_key(key):
        return permissions.can(scope, "edit_system_settings")
    return permissions.can_county_level(scope, "edit_settings")


def editable_sections(scope: Scope, settings: dict[str, Any]) -> list[str]:
    """The sections (of :data:`SECTION_LABELS`) in which the user may change at least one setting."""
    return [s for s in SECTION_LABELS if any(may_edit_key(scope, k) for k, _ in editable_leaves(settings, s))]


def upload_limits(settings: dict[str, Any] | None = None) -> tuple[int, int]:
    """(bytes, rows) an uploaded file may have: ``ingest.max_upload_mb`` and ``ingest.max_rows``
    of the effective settings (an administrator's stored override included)."""
    if settings is None:
        try:
            settings = effective_settings()
        except (store.StoreError, store.StoreBusy, duckdb.Error):
            settings = config.SETTINGS
    conf = settings["ingest"]
    return int(float(conf["max_upload_mb"]) * 1024 * 1024), int(conf["max_rows"])


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


def effective_settings(
    con: duckdb.DuckDBPyConnection | None = None, *, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """DEFAULTS ∘ TOML ∘ stored overrides (reads the store when ``con`` is None)."""
    base = base if base is not None else config.SETTINGS
    if con is None:
        with store.connect() as own:
            return apply_overrides(base, load_overrides(own))
    return apply_overrides(base, load_overrides(con))


def _check(key: str, value: Any, *, db: Path | None = None) -> Any:
    value = _check_type(key, value)
    if key in BOUNDS:
        lo, hi = BOUNDS[key]
        if not lo <= value <= hi:
            raise SettingsError(f"{setting_label(key)}({key}) 须在 {lo:g} 到 {hi:g} 之间。")
    if key == "backup.schedule_hours" and 0 < value < 1:
        raise SettingsError("定时备份间隔须为 0(仅手动)或至少 1 小时。")
    if key in PATH_KEYS and value.strip():
        try:
            secure.confine(value, base=secure.data_dir(db), what=setting_label(key))
        except secure.PathNotAllowed as exc:
            raise SettingsError(str(exc)) from exc
    return value


def _check_type(key: str, value: Any) -> Any:
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
        return (
            float(value)
            if isinstance(current, float)
            else (int(value) if float(value).is_integer() else float(value))
        )
    if type(value) is not type(current):
        raise SettingsError(f"{key} 的取值类型不对")
    return value


@dataclass(frozen=True)
class SettingConflict:
    """A setting another user changed after the form was opened: not saved.

    ``base`` is the value the form showed, ``now`` the stored value, ``mine`` what the user typed;
    ``by``/``at`` who changed it and when (None: unknown, e.g. reset to its default).
    """

    key: str
    base: Any
    now: Any
    mine: Any
    by: str | None = None
    at: Any = None

    def message(self) -> str:
        """One Chinese line naming the setting, who changed it, and both values."""
        who = self.by or "其他管理员"
        when = f"于 {str(self.at)[:16]} " if self.at is not None else ""
        return (
            f"“{setting_label(self.key)}”在您打开此页后已被 {who} {when}改为 {_shown(self.key, self.now)}"
            f"(您打开时为 {_shown(self.key, self.base)}，您填写的是 {_shown(self.key, self.mine)})"
        )


def _shown(key: str, value: Any) -> str:
    if key in PERCENT_SETTINGS and _is_number(value):
        return f"{float(value) * 100:g}%"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def save_overrides(
    scope: Scope,
    changes: dict[str, Any],
    *,
    base: dict[str, Any] | None = None,
    path: Path | None = None,
) -> dict[str, SettingConflict]:
    """Store overrides in one transaction, with who and when, and audit them.

    No lost update: with ``base`` (dotted key -> the value the form showed when it was opened) a
    key is written only if its stored value is still its ``base`` value (compare-and-set per key);
    a key another user changed meanwhile is refused and returned, the other keys are saved.  A key
    already holding the typed value is neither a conflict nor written.

    Returns
    -------
    dict
        Dotted key -> :class:`SettingConflict` for every refused key (empty: all saved).

    Raises
    ------
    SettingsError
        The user may not change settings, or a key/value is invalid (nothing is written).
    """
    _require_keys(scope, changes)
    checked = {k: _check(k, v, db=path) for k, v in changes.items()}
    with store.transaction(path) as con:
        before = effective_settings(con)
        conflicts: dict[str, SettingConflict] = {}
        if base is not None:
            stamps = _changed_by(con, list(checked))
            for key, value in checked.items():
                now = _leaf(before, key)
                if key in base and now != base[key] and now != value:
                    conflicts[key] = SettingConflict(
                        key, base[key], now, value, *stamps.get(key, (None, None))
                    )
        write = {k: v for k, v in checked.items() if k not in conflicts and _leaf(before, k) != v}
        _check_together(apply_overrides(before, write))
        old = {key: _leaf(before, key) for key in write}
        for key, value in write.items():
            con.execute("DELETE FROM settings WHERE key = ?", [key])
            # the store's clock, like the audit log's: a change happens when it is made
            con.execute(
                "INSERT INTO settings VALUES (?, ?, ?, current_timestamp)",
                [key, json.dumps(value, ensure_ascii=False), scope.user],
            )
        if write:
            store.audit(
                con,
                user=scope.user,
                action="settings_changed",
                scope=scope.describe(),
                detail=json.dumps(
                    {key: {"old": old[key], "new": value} for key, value in write.items()},
                    ensure_ascii=False,
                    sort_keys=True,
                ),
            )
    return conflicts


def _check_together(merged: dict[str, Any]) -> None:
    """Rules that tie settings to each other, on the settings as they would be after the save."""
    if merged["risk"]["band_medium"] >= merged["risk"]["band_high"]:
        raise SettingsError("中档线必须低于高档线。")
    if merged["risk"].get("model") not in ("rules", "logistic"):
        raise SettingsError("名单排序模型只能是 rules 或 logistic。")
    if sum(merged["risk"]["weights"].values()) <= 0:
        raise SettingsError("权重之和必须大于 0。")


def _changed_by(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, tuple[str | None, Any]]:
    """Who last stored each of ``keys`` and when (keys at their default have no row)."""
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = con.execute(f"SELECT key, changed_by, changed_at FROM settings WHERE key IN ({marks})", keys)
    return {k: (by, at) for k, by, at in rows.fetchall()}


def changed_since(base: dict[str, Any], submitted: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``submitted`` that differ from ``base`` (dotted key -> value the form showed)."""
    return {k: v for k, v in submitted.items() if k not in base or base[k] != v}


def conflicts_frame(conflicts: dict[str, SettingConflict]) -> pd.DataFrame:
    """One line per refused setting: 设置项, 名称, 打开时, 现在, 修改人, 您填写的."""
    rows = [
        (
            c.key,
            setting_label(c.key),
            _shown(c.key, c.base),
            _shown(c.key, c.now),
            c.by or "—",
            _shown(c.key, c.mine),
        )
        for c in conflicts.values()
    ]
    return pd.DataFrame(rows, columns=["设置项", "名称", "打开时", "现在", "修改人", "您填写的"])


def reset_overrides(scope: Scope, prefix: str, *, path: Path | None = None) -> int:
    """Remove every override under ``prefix`` (back to defaults); returns how many.

    Raises
    ------
    SettingsError
        The user may not change one of the settings under ``prefix`` (nothing is removed).
    """
    with store.transaction(path) as con:
        rows = con.execute(
            "SELECT key, value FROM settings WHERE key = ? OR key LIKE ?", [prefix, prefix + ".%"]
        ).fetchall()
        _require_keys(scope, {k: None for k, _ in rows} or {prefix: None})
        before = effective_settings(con)
        con.execute("DELETE FROM settings WHERE key = ? OR key LIKE ?", [prefix, prefix + ".%"])
        after = effective_settings(con)
        changes = {}
        for k, _ in rows:
            try:
                changes[k] = {"old": _leaf(before, k), "new": _leaf(after, k)}
            except SettingsError:  # an override of a setting that no longer exists
                changes[k] = {"old": None, "new": None}
        store.audit(
            con,
            user=scope.user,
            action="settings_reset",
            scope=scope.describe(),
            detail=json.dumps(
                {"prefix": prefix, "removed": len(rows), "changes": changes},
                ensure_ascii=False,
                sort_keys=True,
                default=str,
            ),
        )
    return len(rows)


def _require_keys(scope: Scope, keys: dict[str, Any]) -> None:
    """Raise SettingsError unless the user may change every one of ``keys``."""
    if not may_edit(scope):
        raise SettingsError(f"您的角色({permissions.describe_roles(scope)})不能修改系统设置。")
    refused = [k for k in keys if not may_edit_key(scope, k)]
    if refused:
        raise SettingsError(
            "安全、备份、数据保留期、上传限制和目录设置只有管理员可以修改：" + "、".join(refused)
        )


#: Chinese names of the settings' sections (the settings page groups by them).
SECTION_LABELS: dict[str, str] = {
    "dropout": "控辍保学",
    "aid": "学生资助",
    "layout": "学校布局",
    "risk": "重点关注学生",
    "ingest": "数据导入",
    "presentation": "汇报模式",
    "security": "账号与登录",
    "backup": "备份",
    "rollover": "学年升级",
    "retention": "数据保留期",
    "roster": "学籍核查",
    "transition": "小升初衔接",
}


#: Chinese names of the settings a page offers (the dotted key is shown as help).
SETTING_LABELS: dict[str, str] = {
    "targets.consolidation.green": "巩固率目标(%)",
    "targets.consolidation.red": "巩固率红线(%)",
    "targets.aid_coverage.green": "资助覆盖率目标(%)",
    "targets.aid_coverage.red": "资助覆盖率红线(%)",
    "targets.aid_on_time.green": "按时足额发放率目标(%)",
    "targets.aid_on_time.red": "按时足额发放率红线(%)",
    "dropout.unreported_after_school_days": "几个上学日未报缺勤列为数据未报",
    "roster.max_age": "学籍核查最大年龄(未完成九年级者)",
    "dropout.suspected_consecutive_days": "连续无故缺勤几天提示疑似辍学",
    "dropout.dropout_school_days": "连续缺勤几个上学日认定辍学",
    "dropout.followup_interval_days": "跟进间隔(天)",
    "dropout.escalate_after_overdue_days": "逾期几天升级督办",
    "dropout.due_soon_days": "到期前几天提醒",
    "dropout.notice_deadline_days": "限期复学期限(天)",
    "dropout.notice_hearing_days": "听证告知期限(天)",
    "dropout.home_teaching_visits_per_week": "送教上门每周次数",
    "dropout.mentoring_sessions_per_week": "一教一帮每周次数",
    "aid.on_time_grace_days": "按时发放宽限(天)",
    "aid.non_boarder_share": "非寄宿生补助比例(%)",
    "aid.nutrition_rural_only": "营养餐仅限农村学校",
    "aid.approval_stale_days": "审批停滞提醒(天)",
    "aid.verification_due_days": "核实任务期限(天)",
    "aid.freshman_campaign.month": "大学新生资助月份",
    "aid.freshman_campaign.grant_yuan": "大学新生资助金额(元)",
    "layout.standard_class.primary": "小学标准班额",
    "layout.standard_class.junior": "初中标准班额",
    "layout.large_class": "大班额(班额超过人数)",
    "layout.very_large_class": "超大班额(班额超过人数)",
    "layout.small_school": "小规模学校(不足人数)",
    "layout.reach_km.primary": "小学就近距离阈值(km)",
    "layout.reach_km.junior": "初中就近距离阈值(km)",
    "layout.detour_factor": "道路绕行系数",
    "layout.projection_years": "预测年数",
    "layout.decline_flag_share": "学龄人口降幅提示(%)",
    "layout.boarding_min_grade": "可寄宿的最低年级",
    "layout.boarding_max_km.primary": "小学寄宿最远距离(km)",
    "layout.boarding_max_km.junior": "初中寄宿最远距离(km)",
    "layout.optimize.close_max_share": "优化默认最多撤并比例(%)",
    "layout.optimize.close_cost": "撤并一所学校成本(万元)",
    "layout.optimize.build_cost.primary": "新建小学成本(万元)",
    "layout.optimize.build_cost.junior": "新建初中成本(万元)",
    "layout.optimize.new_school_seats.primary": "新建小学学位",
    "layout.optimize.new_school_seats.junior": "新建初中学位",
    "layout.optimize.new_school_beds.primary": "新建小学床位",
    "layout.optimize.new_school_beds.junior": "新建初中床位",
    "layout.optimize.grid_km": "候选网格间距(km)",
    "layout.optimize.assign_max_km": "考虑学位时最远分配距离(km)",
    "layout.optimize.aggregate_km": "需求点合并距离(km，0=不合并)",
    "layout.optimize.time_limit_s": "优化求解时限(秒)",
    **{
        f"risk.weights.{code}": f"权重：{label}"
        for code, label in {
            "absence_recent": "近期缺勤",
            "absence_term": "学期缺勤",
            "absence_run": "连续缺勤",
            "unhandled": "未建台账",
            "case_history": "曾辍学",
            "learning": "学困",
            "over_age": "超龄",
            "repeating": "留级",
            "transition": "升学衔接",
            "school_move": "转学",
            "distance": "路远",
            "poverty": "因贫",
            "disability": "因残",
            "care": "监护",
        }.items()
    },
    "risk.band_high": "高风险线(分)",
    "risk.band_medium": "中风险线(分)",
    "risk.absence_window_days": "缺勤统计窗口(天)",
    "risk.aid_gap_boost": "资助缺口加成(0-1)",
    "risk.absence_term_days": "较长缺勤窗口(上课日)",
    "risk.escalate_after_weeks": "帮扶几周后仍为高风险即上报",
    "risk.model": "排序模型(rules/logistic)",
    "risk.budget_default": "默认帮扶人数",
    "ingest.max_upload_mb": "上传文件上限(MB)",
    "ingest.max_rows": "单个文件最多行数",
    "ingest.max_cells": "单个工作表最多单元格数",
    "ingest.max_shared_strings_mb": "工作簿文字(共享字符串)上限(MB)",
    "ingest.max_unzipped_mb": "工作簿解压后上限(MB)",
    "ingest.max_zip_ratio": "工作簿最大压缩比(倍)",
    "ingest.worker_memory_mb": "读取上传文件的内存上限(MB)",
    "ingest.worker_timeout_s": "读取上传文件的时间上限(秒)",
    "ingest.grade_age_years": "年龄与年级相差几岁提示核对",
    "presentation.high_contrast": "汇报模式高对比度",
    "security.max_failed_logins": "连续输错几次锁定账号",
    "security.lockout_minutes": "锁定时长(分钟)",
    "security.session_idle_minutes": "无操作几分钟自动退出",
    "security.min_password_length": "密码最短长度",
    "security.temporary_password_length": "临时密码长度",
    "security.search_per_minute": "每人每分钟最多查找学生次数",
    "security.search_per_day": "每人每天最多查找学生次数",
    "backup.dir": "备份目录(空=数据目录下 backups)",
    "backup.keep": "保留备份份数",
    "backup.schedule_hours": "定时备份间隔(小时，0=仅手动)",
    **{
        f"rollover.last_grade.{level}": f"{level}最高年级(升级时毕业)"
        for level in ("教学点", "小学", "九年一贯制", "初中", "特殊教育")
    },
    "retention.leaver_years": "离校学生个人信息保留年数",
    "retention.audit_years": "审计日志保留年数(不少于3)",
    "retention.job_days": "后台任务结果保留天数",
    **{
        f"retention.study_years.{stage}": f"{stage}学制(年，受助人离校去标识化)"
        for stage in ("普通高中", "中职", "大学")
    },
    "roster.transfer_confirm_days": "转学确认期限(天)",
    "roster.over_age_years": "超龄提示(岁)",
    "roster.absent_school_days": "空挂学籍缺勤天数",
    "transition.due_days": "小升初报到期限(开学后天数)",
    "transition.case_days": "小升初未报到列为疑似辍学(开学后天数)",
    "transition.window_days": "小升初跟踪期(离校后天数)",
}


#: Shares stored as 0-1 and shown in percent, the unit people use for a target (96.0 for 0.96).
PERCENT_SETTINGS: frozenset[str] = frozenset(
    {
        "aid.non_boarder_share",
        "layout.decline_flag_share",
        "layout.optimize.close_max_share",
        *(
            f"targets.{m}.{line}"
            for m in ("consolidation", "aid_coverage", "aid_on_time")
            for line in ("red", "green")
        ),
    }
)


def shown_value(key: str, value: Any) -> Any:
    """A setting as the page shows it (a share in percent)."""
    return round(float(value) * 100, 4) if key in PERCENT_SETTINGS else value


def stored_value(key: str, value: Any) -> Any:
    """A value typed on the page as the setting stores it (a percent back to a share)."""
    return round(float(value) / 100, 6) if key in PERCENT_SETTINGS else value


def overrides_view(table: Any) -> Any:
    """:func:`overrides_table` for people: setting names, values in their unit, times in words."""
    from lib.core import fmt  # a leaf module of core; loaded only when the table is shown

    out = table.copy()
    if out.empty:
        return out
    keys = out["设置项"].tolist()
    out["取值"] = [
        f"{float(v) * 100:g}%" if k in PERCENT_SETTINGS and _is_number(v) else v
        for k, v in zip(keys, out["取值"], strict=True)
    ]
    out.insert(0, "名称", [setting_label(k) for k in keys])
    out["修改时间"] = out["修改时间"].map(fmt.fmt_datetime)
    return out


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def setting_label(key: str) -> str:
    """The Chinese name of a dotted settings key (the key's last parts when none is set)."""
    return SETTING_LABELS.get(key) or key.split(".", 1)[-1]


def editable_leaves(settings: dict[str, Any], section: str) -> list[tuple[str, Any]]:
    """The scalar settings of ``section`` (numbers, yes/no, text) as ``(dotted key, value)``:
    what the settings page offers.  Lists and tables of standards stay in data/settings.toml."""
    out: list[tuple[str, Any]] = []

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{prefix}.{k}")
        elif isinstance(node, (bool, int, float, str)):
            out.append((prefix, node))

    walk(settings.get(section, {}), section)
    return out


def changed_values(settings: dict[str, Any], submitted: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``submitted`` (dotted key -> value) that differ from ``settings``."""
    return {k: v for k, v in submitted.items() if _leaf(settings, k) != v}


def overrides_table(con: duckdb.DuckDBPyConnection, section: str | None = None) -> Any:
    """Stored overrides with who changed them and when (newest first), optionally of one section."""
    where, params = ("WHERE key LIKE ?", [section + ".%"]) if section else ("", [])
    return con.execute(
        f"SELECT key AS 设置项, value AS 取值, changed_by AS 修改人, changed_at AS 修改时间 "
        f"FROM settings {where} ORDER BY changed_at DESC",
        params,
    ).df()
