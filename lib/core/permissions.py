"""The role × action matrix: the one place that says who may do what.

Every lib function that reads personal data or writes anything takes the
caller's :class:`~lib.core.scope.Scope` and asks :func:`can` / :func:`require`
here, so a role is enforced where data is read and written, not only by
hiding widgets.  ``docs/security.md`` prints this matrix for people.

A user may hold several roles (e.g. ``admin`` and ``county``); the Scope
carries them joined by ``+`` in :attr:`Scope.role` (``"admin+county"``), and a
user may do what any of their roles may do.

Roles (identifiers as in the CLI and settings):

* ``leader`` 局领导: everything aggregated, lists masked, changes nothing.
* ``county`` 县级业务 (基教股 / 资助中心): sees and changes everything in the
  county, may unmask with a reason.
* ``township`` 乡镇 and ``school`` 学校: see and change cases, interventions
  and imports of their own Scope; may unmask their own children with a reason.
* ``teacher`` 师长(班主任): a class teacher, scoped to their school (the account's school); sees
  the school's lists masked and records follow-ups, visits and sessions on the cases and
  interventions they are named on; their tasks reach 我的待办 through the case's 师长 account.
* ``planner`` 规划: planning pages and aggregates, no personal data; saves scenarios.
* ``admin`` 管理员: accounts, settings, audit log, backups; no children's data
  unless also given another role.
"""

from __future__ import annotations

from lib.core.errors import AppError
from lib.core.i18n import t
from lib.core.scope import Scope

ROLES: dict[str, str] = {
    "leader": "局领导",
    "county": "县级业务",
    "township": "乡镇",
    "school": "学校",
    "teacher": "师长",
    "planner": "规划",
    "admin": "管理员",
}

#: action -> roles that may do it.  Keep the keys stable: pages, CLI and tests use them.
MATRIX: dict[str, frozenset[str]] = {
    # reading
    "view_aggregates": frozenset({"leader", "county", "township", "school", "teacher", "planner", "admin"}),
    "view_named": frozenset({"leader", "county", "township", "school", "teacher"}),  # lists (masked)
    "unmask": frozenset({"county", "township", "school"}),  # with a typed reason, per session
    "export_named": frozenset({"leader", "county", "township", "school"}),  # masked unless unmasked
    "view_planning": frozenset({"leader", "county", "planner"}),
    # writing
    "write_cases": frozenset({"county", "township", "school", "teacher"}),  # cases, interventions
    # a unit's own records: its contacts, weekly submissions, aid verification tasks (not a class teacher's)
    "write_unit": frozenset({"county", "township", "school"}),
    "import": frozenset({"county", "township", "school"}),
    "correct_records": frozenset({"county", "township", "school"}),
    "approve_aid": frozenset({"county", "school"}),  # stages narrowed further in lib.aid.approvals
    "save_scenario": frozenset({"county", "planner"}),
    "briefing": frozenset({"leader", "county", "township", "school", "planner"}),
    # running the system
    "edit_settings": frozenset({"admin", "county"}),
    "manage_accounts": frozenset({"admin"}),
    "view_audit": frozenset({"admin"}),
    "backup": frozenset({"admin"}),
    "rollover": frozenset({"admin"}),
    "retention": frozenset({"admin"}),
    "health": frozenset({"admin"}),
    # security, backup and retention settings, and every path setting: 管理员 only
    "edit_system_settings": frozenset({"admin"}),
}

ACTION_LABELS: dict[str, str] = {
    "view_aggregates": "查看汇总数据",
    "view_named": "查看学生名单(脱敏)",
    "unmask": "查看完整姓名/证件号(需填写理由)",
    "export_named": "导出学生名单",
    "view_planning": "查看布局规划",
    "write_cases": "登记/修改控辍保学台账",
    "write_unit": "登记本单位填报、联系人与核实任务",
    "import": "导入数据",
    "correct_records": "更正单条记录",
    "approve_aid": "资助审核",
    "save_scenario": "保存规划方案",
    "briefing": "生成汇报简报",
    "edit_settings": "修改系统设置",
    "manage_accounts": "管理账号",
    "view_audit": "查看审计日志",
    "backup": "备份与恢复",
    "rollover": "学年升级",
    "retention": "数据保留期清理",
    "health": "系统状态",
    "edit_system_settings": "修改安全、备份与保留期设置",
}

#: Roles whose territory is the whole county.  A county-level record (the 教体局局长 contact,
#: settings) is written only through one of these roles, never through a township or school
#: role, even by an account that holds the action through such a role.
COUNTY_ROLES: frozenset[str] = frozenset({"leader", "county", "planner", "admin"})


class NotPermitted(AppError, PermissionError):
    """The user's role may not do this (message in Chinese, for the UI)."""


def roles_of(scope_or_role: Scope | str) -> frozenset[str]:
    """The roles held by the user of ``scope`` (``"admin+county"`` -> {admin, county})."""
    role = scope_or_role.role if isinstance(scope_or_role, Scope) else scope_or_role
    return frozenset(r for r in role.split("+") if r)


def can(scope_or_role: Scope | str, action: str) -> bool:
    """May the user do ``action``?  Unknown actions are refused (fail closed)."""
    return bool(roles_of(scope_or_role) & MATRIX.get(action, frozenset()))


def can_county_level(scope_or_role: Scope | str, action: str) -> bool:
    """May the user do ``action`` on a county-level record (through a county-scope role)?"""
    return bool(roles_of(scope_or_role) & COUNTY_ROLES & MATRIX.get(action, frozenset()))


def require(scope: Scope, action: str) -> None:
    """Raise :class:`NotPermitted` unless the user of ``scope`` may do ``action``."""
    if not can(scope, action):
        label = ACTION_LABELS.get(action, action)
        raise NotPermitted(f"您的角色({describe_roles(scope)})无权{label}。")


#: url_path -> the action needed to see the page (the overview's url_path is '').  A page not
#: listed here is hidden from everyone (fail closed): add new pages here.
PAGE_ACTIONS: dict[str, str] = {
    "": "view_aggregates",  # 总览
    "present": "briefing",  # 汇报模式: aggregates only, whatever the role
    "overview": "view_aggregates",
    "todo": "view_named",
    "dropout": "view_named",  # counts suspected dropouts from the named proposals
    "dropout_cases": "view_named",
    "dropout_case": "view_named",
    "dropout_weekly": "view_named",
    "dropout_forms": "view_named",  # 两表, 核查反馈, 升级督办通知: named, masked
    "dropout_rosters": "view_named",
    "dropout_contacts": "view_named",
    "roster_check": "view_named",  # 学籍核查: named lists, masked
    "transition": "view_named",  # 小升初衔接: the leavers still to be received, masked
    "risk": "view_named",
    "aid": "view_named",
    "aid_reconcile": "view_named",
    "layout": "view_aggregates",  # schools and village populations: no child is named
    "planning": "view_planning",
    "data_import": "import",
    "explore": "view_aggregates",  # the user's own file; personal columns masked (lib.ingest.explore)
    "golive": "view_aggregates",  # 上线检查: counts and dates of each kind of data, no child's data
    # 系统管理
    "account": "view_aggregates",  # one's own password: everyone
    "admin_accounts": "manage_accounts",
    "admin_audit": "view_audit",
    "admin_settings": "edit_settings",
    "admin_backup": "backup",  # 备份与恢复
    "corrections": "correct_records",  # 更正记录
    "admin_rollover": "rollover",  # 学年升级
    "admin_retention": "retention",  # 数据保留期
    "admin_health": "health",  # 系统状态
}


#: Pages naming children whose reads keep a class teacher's Scope (``Scope.classes``) to their
#: classes.  A Scope with classes sees no other page that names children (fail closed): aid,
#: 学籍核查, 小升初衔接 and 每周填报 are the school's work, read by school.
CLASS_PAGES: frozenset[str] = frozenset(
    {
        "todo",
        "dropout",
        "dropout_cases",
        "dropout_case",
        "dropout_forms",
        "dropout_rosters",
        "dropout_contacts",
        "risk",
    }
)


def visible(scope_or_role: Scope | str, url_path: str) -> bool:
    """May the user see the page at ``url_path``?  Unknown pages are hidden (fail closed)."""
    path = url_path.strip("/")
    action = PAGE_ACTIONS.get(path)
    if isinstance(scope_or_role, Scope) and scope_or_role.classes is not None:
        if action == "view_named" and path not in CLASS_PAGES:
            return False
    return action is not None and can(scope_or_role, action)


def masked(scope: Scope) -> bool:
    """Must personal fields be masked for ``scope``?  True unless the Scope asks for them
    unmasked *and* the user may unmask (a Scope cannot unmask itself past the role)."""
    return bool(scope.mask) or not can(scope, "unmask")


def describe_roles(scope_or_role: Scope | str, *, lang: str = "zh") -> str:
    """Names of the user's roles, e.g. ``管理员、县级业务`` (``Administrator, County staff``)."""
    order = list(ROLES)
    held = sorted(roles_of(scope_or_role), key=lambda r: (order.index(r) if r in order else len(order), r))
    return t("list_sep", lang).join(t(ROLES.get(r, r), lang) for r in held) or t("无", lang)
