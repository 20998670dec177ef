"""Labels: Accounts, login and the audit log.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "login_title": ("请登录", "Please log in"),
    "login_name": ("用户名", "User name"),
    "login_password": ("密码", "Password"),
    "login_button": ("登录", "Log in"),
    "login_sso": ("使用统一身份认证登录", "Log in with single sign-on"),
    "login_note": (
        "本系统含未成年人个人信息，仅限授权人员使用；登录、查看名单和导出均记入审计日志。"
        "忘记密码请联系系统管理员重置。",
        "This system holds minors' personal data: authorised staff only; logins, list views and "
        "exports are recorded. Ask an administrator to reset a forgotten password.",
    ),
    "logout": ("退出登录", "Log out"),
    "logged_in_as": ("当前用户", "Logged in as"),
    "pw_current": ("当前密码", "Current password"),
    "pw_new": ("新密码", "New password"),
    "pw_again": ("再次输入新密码", "New password again"),
    "pw_rule": (
        "至少 {n} 个字符，不能与用户名相同，不能是常见密码。",
        "At least {n} characters, not the user name, not a common password.",
    ),
    "pw_button": ("修改密码", "Change password"),
    "pw_mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "pw_changed": ("密码已修改。", "Password changed."),
    "pw_forced_title": ("请设置新密码", "Choose a new password"),
    "pw_forced_note": (
        "这是首次登录或管理员重置后的临时密码：请先设置自己的新密码再继续。",
        "You logged in with a temporary password: choose your own before going on.",
    ),
    "nav_account": ("我的账号", "My account"),
    "nav_admin_accounts": ("账号管理", "Accounts"),
    "nav_admin_audit": ("审计日志", "Audit log"),
    "nav_admin_settings": ("系统设置", "Settings"),
    "acct_roles": ("角色", "Roles"),
    "acct_scope": ("可见范围", "Scope"),
    "acct_whole_county": ("全区", "Whole district"),
    "acct_last_login": ("最近登录", "Last login"),
    "acct_rights": ("本账号可以", "This account may"),
    "acct_list": ("全部账号", "All accounts"),
    "acct_tab_new": ("新建账号", "New account"),
    "acct_tab_edit": ("修改角色与范围", "Roles and scope"),
    "acct_tab_status": ("停用 / 重置密码", "Disable / reset"),
    "acct_name": ("用户名(登录名)", "User name"),
    "acct_display": ("姓名", "Display name"),
    "acct_townships": ("乡镇范围(乡镇角色必填)", "Townships (required for the township role)"),
    "acct_school": ("学校(学校角色必填)", "School (required for the school role)"),
    "acct_create": ("新建", "Create"),
    "acct_save": ("保存", "Save"),
    "acct_pick": ("账号", "Account"),
    "acct_disable": ("停用账号", "Disable"),
    "acct_enable": ("启用账号", "Enable"),
    "acct_reset": ("重置密码", "Reset password"),
    "acct_temp_pw": (
        "临时密码(只显示这一次，请当面或电话告知本人；首次登录须修改)：",
        "Temporary password (shown once; the user must change it at first login):",
    ),
    "acct_saved": ("已保存。", "Saved."),
    "audit_from": ("起始日期", "From"),
    "audit_to": ("截止日期", "To"),
    "audit_users": ("用户", "Users"),
    "audit_actions": ("操作", "Actions"),
    "audit_search_for": (
        "查找某个学生被谁查找过(输入姓名或身份证号；日志中只存查询的指纹与脱敏形式)",
        "Who searched for a student (type the name or ID number; the log keeps only a fingerprint)",
    ),
    "audit_search_hits": ("{n} 次查找", "{n} searches"),
    "audit_count": ("条记录(最新在前，最多 {n} 条)", "entries (newest first, at most {n})"),
    "audit_note": (
        "审计日志只追加、不可修改或删除；记录时间为服务器时间。",
        "The audit log is append-only; times are the server's.",
    ),
    # ---- hold against attack: the login gate's own failure, settings only for 管理员
    "login_error": (
        "登录服务暂时出错，请稍后再试；如反复出现请联系系统管理员。",
        "Login failed for a technical reason; try again shortly, or tell an administrator.",
    ),
    "session_ended": (
        "会话已结束(已在其他窗口退出登录、账号被停用或密码已更改)，请重新登录。",
        "The session has ended (logged out in another window, account disabled or password "
        "changed); please log in again.",
    ),
    "settings_section": ("设置类别", "Section"),
    "settings_none": (
        "您的角色没有可修改的设置。",
        "Your role may change no settings.",
    ),
    "settings_admin_only": ("（仅管理员可改）", " (administrators only)"),
    "settings_save": ("保存修改", "Save changes"),
    "settings_saved": ("已保存 {n} 项设置。", "{n} setting(s) saved."),
    "settings_unchanged": ("没有改动。", "Nothing changed."),
    "settings_overrides": ("已修改的设置(覆盖默认值)", "Changed settings (override the defaults)"),
    "settings_all_default": (
        "本类设置均为默认值(data/settings.toml 或程序默认)。",
        "Every setting of this section has its default (data/settings.toml or the program's).",
    ),
    "settings_reset": ("恢复“{section}”的默认值", "Reset “{section}” to the defaults"),
    "settings_reset_done": ("已恢复 {n} 项默认值。", "{n} setting(s) reset."),
    "settings_note": (
        "修改记入审计日志(修改人、时间、原值和新值)。安全、备份、数据保留期、上传限制和目录只有管理员可改；"
        "备份目录须在数据目录之内。列表和各年度标准(如资助标准)请在 data/settings.toml 中维护。",
        "Changes are audited (who, when, old and new value). Security, backup, retention, upload "
        "limits and folders are for administrators only; the backup folder must lie inside the data "
        "folder. Lists and yearly standards (e.g. aid amounts) live in data/settings.toml.",
    ),
}
