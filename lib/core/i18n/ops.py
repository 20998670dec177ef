"""Labels: 运行维护: backup, restore, rollover, retention, health.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_admin_backup": ("备份与恢复", "Backup & restore"),
    "maintenance_banner": (
        "系统维护中：管理员正在从备份恢复数据库，请暂停录入，稍后刷新页面",
        "Maintenance: the administrator is restoring the database from a backup; "
        "please stop entering data and refresh in a moment",
    ),
    "bk_count": ("已有备份", "Backups kept"),
    "bk_last": ("最近一次备份", "Last backup"),
    "bk_schedule": ("定时备份", "Schedule"),
    "bk_every": ("每 {h} 小时", "every {h} h"),
    "bk_off": ("未开启(仅手动)", "off (on demand only)"),
    "bk_keep": ("保留份数", "Kept"),
    "bk_none": ("尚无备份", "none yet"),
    "bk_now": ("立即备份", "Back up now"),
    "bk_done": ("已备份：{name}（{mb} MB）", "Backed up: {name} ({mb} MB)"),
    "bk_failed": ("备份失败：", "Backup failed: "),
    "bk_sched_failed": ("最近一次定时备份失败：", "The last scheduled backup failed: "),
    "bk_scheduled_running": ("正在进行定时备份，请稍候…", "Taking the scheduled backup…"),
    "bk_list": ("备份列表(最新在前)", "Backups (newest first)"),
    "bk_restore": ("从备份恢复", "Restore from a backup"),
    "bk_choose": ("选择备份", "Backup"),
    "bk_confirm": (
        "我确认用这个备份替换当前数据库(恢复前会先自动备份当前数据库；恢复期间其他用户会看到维护提示)",
        "I confirm: replace the current database with this backup (the current one is backed up "
        "first; other users see a maintenance notice meanwhile)",
    ),
    "bk_restore_btn": ("恢复", "Restore"),
    "bk_restored": (
        "已从 {name} 恢复。恢复前的数据库已备份为 {safety}。",
        "Restored from {name}. The database before the restore was saved as {safety}.",
    ),
    "bk_note": (
        "备份在应用运行时进行，得到某一时刻的完整一致副本；备份目录：{folder}。"
        "每个备份附有本系统签名的清单，恢复前逐表核对，损坏、外来或被改动的文件一律拒绝。"
        "也可由服务器定时任务运行 python -m lib.cli backup --if-due。",
        "Backups are consistent snapshots taken while the app runs; folder: {folder}. "
        "Each carries a manifest signed by this installation and is checked table by table "
        "before a restore: damaged, foreign or altered files are refused. "
        "A server cron job can run python -m lib.cli backup --if-due.",
    ),
    "nav_corrections": ("更正记录", "Correct a record"),
    "cr_kind": ("记录类型", "Record"),
    "cr_search": ("查找", "Find"),
    "cr_hint_schools": ("学校标识码或名称", "school code or name"),
    "cr_hint_village_population": ("村(社区)代码或年份", "village code or year"),
    "cr_hint_students": ("学生编号(显示完整信息后也可按姓名)", "student number (or name once unmasked)"),
    "cr_hint_aid_records": ("记录编号或学生编号", "record or student number"),
    "cr_none": ("您的权限范围内没有找到记录。", "No record found in your scope."),
    "cr_pick": ("选择记录(最多列出 50 条)", "Record (at most 50 listed)"),
    "cr_reason": ("更正原因(必填，记入审计日志)", "Reason (required, kept in the audit log)"),
    "cr_check": ("检查", "Check"),
    "cr_save": ("保存更正", "Save"),
    "cr_reload": ("重新载入", "Reload"),
    "cr_saved": (
        "已保存 {n} 处更正，原值与新值已记入审计日志。",
        "Saved {n} change(s); old and new values are in the audit log.",
    ),
    "cr_valid": ("检查通过，可以保存。", "Valid: ready to save."),
    "cr_nothing": ("没有改动。", "Nothing changed."),
    "cr_existing": (
        "原记录已有的问题(未改动，不影响保存)：",
        "Problem already in the stored record (not blocking): ",
    ),
    "cr_note": (
        "更正按与导入相同的规则检查(代码表、取值范围、编码是否存在、权限范围)；学生的身份证号、学籍号和各记录的编号"
        "不能在此更改，请通过导入或转学办理。",
        "Corrections are checked with the import's rules (code lists, ranges, existing codes, scope); "
        "ID numbers and record keys cannot be changed here.",
    ),
    "nav_admin_rollover": ("学年升级", "School-year rollover"),
    "ro_dry": ("预演：{a} → {b} 学年", "Dry run: {a} → {b}"),
    "ro_before": ("升级前在册", "On roll before"),
    "ro_after": ("升级后在册", "On roll after"),
    "ro_carried": (
        "未结案的控辍保学台账 {cases} 件、进行中的帮扶措施 {helps} 项原样结转到新学年。",
        "{cases} open dropout cases and {helps} active interventions carry forward unchanged.",
    ),
    "ro_confirm": (
        "我已核对预演结果，确认升级到 {b} 学年(一次完成；再次运行不会重复升级)",
        "I checked the dry run: roll over to {b} (one transaction; running it again changes nothing)",
    ),
    "ro_run": ("执行学年升级", "Run the rollover"),
    "ro_early": (
        "数据日期 {as_of}：学年升级在 {day} 之后(毕业季之后)才能执行，现在可先查看预演。",
        "Data date {as_of}: the rollover can run from {day} (after graduation); the dry run is shown now.",
    ),
    "ro_done": (
        "学年升级已完成：升级 {up} 人，毕业离册 {out} 人。",
        "Rollover done: {up} promoted, {out} graduated.",
    ),
    "ro_changes": ("各数据表将发生的变化", "What changes, table by table"),
    "ro_by_grade": ("按办学类型和年级", "By school level and grade"),
    "ro_followed": ("小升初待接收", "Leavers to be received"),
    "ro_backup": (
        "执行时先自动备份整个数据库(备份与恢复中可见，原因“升级前”)，再在一个事务中完成全部修改。",
        "The whole store is backed up first (reason: before rollover), then everything is written in "
        "one transaction.",
    ),
    "ro_backup_done": ("升级前备份：{file}", "Backup taken before the rollover: {file}"),
    "ro_note": (
        "往年的学籍、在校生人数和各日期的数字保持不变(选择往年的统计日期即可查看)；新学年的在校生人数按升级后在册学生"
        "推算，导入教育事业统计后以导入为准；新生和转入学生请通过导入登记。",
        "Every past figure stays as it was (pick a past date to see it); the new year's counts are derived "
        "from the roll until the statistics are imported; register the new intake by import.",
    ),
    "nav_admin_retention": ("数据保留期", "Data retention"),
    "rt_rules": (
        "规则：{statuses}学生离校满 {years} 年后(非义务教育受助学生在学制期满、无资助往来满 {years} 年后)，"
        "所有能识别孩子的字段置为空值(NULL)：学生表的身份证号、学籍号、姓名、出生日期、监护人及电话，"
        "台账中的家长姓名电话和劝返结果等文字记录、资助核实与申请的文字、花名册、异地就学名单、受助人信息；"
        "审计日志保留 {audit} 年(不得少于 {min} 年)。",
        "Rules: {years} years after {statuses} students left (recipients: after their studies ended and "
        "no aid since), every field that identifies the child is set to NULL in every table that holds "
        "one (students, guardians and free text on cases, aid tasks, the roster, the studying-elsewhere "
        "list, recipients); the audit log is kept {audit} years (at least {min}).",
    ),
    "rt_students": ("将去标识化的学生({day} 及以前离校)", "Students to de-identify (left by {day})"),
    "rt_related": ("其他表中置空的行", "Rows set to NULL in other tables"),
    "rt_recipients": ("将去标识化的受助学生(非义务教育)", "Aid recipients to de-identify"),
    "rt_by_table": ("各表置空(NULL)的字段与行数", "Fields set to NULL, and rows, per table"),
    "rt_audit": ("将删除的审计日志({day} 以前)", "Audit entries to delete (before {day})"),
    "rt_confirm": (
        "我已核对报告，确认去标识化并删除过期审计日志(不可撤销；汇总数字不受影响)",
        "I checked the report: de-identify and delete old audit entries (cannot be undone; "
        "aggregates are unchanged)",
    ),
    "rt_run": ("执行", "Run"),
    "nav_admin_health": ("系统状态", "System health"),
    "hl_size": ("数据库大小", "Database size"),
    "hl_failures": ("近 24 小时失败事件", "Failures, last 24 h"),
    "hl_year": ("学籍所在学年", "Roll's school year"),
    "hl_backup_overdue": (
        "备份已超过定时备份间隔未进行，请检查定时任务或立即备份。",
        "The last backup is older than the schedule: check the cron job or back up now.",
    ),
    "hl_restored": ("本数据库恢复自备份 {name}。", "This database was restored from {name}."),
    "hl_freshness": (
        "各乡镇数据新鲜度(相对数据日期)",
        "Data freshness per township (against the data's date)",
    ),
    "hl_imports": ("各表最近一次导入", "Last import per table"),
    "hl_no_imports": (
        "尚无导入记录(演示数据由生成器写入)。",
        "No imports yet (the demo data was generated).",
    ),
    "hl_fail_title": ("近 24 小时的失败事件", "Failures in the last 24 hours"),
    "hl_no_failures": ("无。", "None."),
    "hl_note": (
        "数据库文件：{path}；数据日期 {as_of}。滞后超过 7 天标黄、超过 30 天标红。",
        "Database file: {path}; data date {as_of}. Lag over 7 days amber, over 30 red.",
    ),
    "rt_nothing": ("目前没有超过保留期限的个人信息或审计日志。", "Nothing is past its retention period."),
    "rt_done": (
        "已去标识化 {n} 名学生、{r} 名受助学生(共 {rows} 行置空)，删除审计日志 {a} 条。",
        "De-identified {n} students and {r} recipients ({rows} rows set to NULL); deleted {a} audit entries.",
    ),
    "rt_note": (
        "去标识化只去除能识别孩子的字段，学校、年级、性别、户籍村、状态和各类标记保留，历年汇总数字不变。"
        "去标识化前请先备份；备份文件中仍有原始信息，请按同样期限清理备份。",
        "Only identifying fields are removed; every aggregate stays the same. Backups still hold the "
        "original data: prune them on the same schedule.",
    ),
    "bk_verified": ("{name}：{tables} 张表，{rows} 行", "{name}: {tables} tables, {rows} rows"),
    "hl_action": ("操作", "Action"),
    "hl_times": ("次数", "Times"),
    "rt_snapshots": ("导入撤销快照(行)", "Import undo snapshots (rows)"),
    "rt_snapshots_help": (
        "早于离校保留期的导入已不能撤销，其快照中的原行内容一并删除",
        "Imports older than the leavers' retention period can no longer be undone; the old rows "
        "their snapshots hold are deleted too",
    ),
    "ro_up": ("升级", "Promoted"),
    "ro_out": ("毕业离册", "Graduate and leave"),
    "ro_stay": ("不升级(休学/辍学)", "Stay (suspended / dropped out)"),
    "cr_masked_field": ("已脱敏：显示完整信息后可更正", "Masked: show in full to correct it"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
}

_LEVELS_EN = {
    "教学点": "teaching points",
    "小学": "primary schools",
    "九年一贯制": "nine-year schools",
    "初中": "junior secondary schools",
    "特殊教育": "special schools",
}

#: Labels lib writes in Chinese (ops tables, settings names): Chinese -> English.
LABELS: dict[str, str] = {
    # backups, health, retention, rollover tables (lib.ops)
    "备份文件": "Backup file",
    "备份时间": "Taken at",
    "大小(MB)": "Size (MB)",
    "最近缺勤记录": "Latest absence record",
    "最近资助发放": "Latest aid payment",
    "缺勤滞后天数": "Absence data lag (days)",
    "资助发放滞后天数": "Aid data lag (days)",
    "最近导入": "Last import",
    "导入次数": "Imports",
    "离校年份": "Year left",
    "升级": "Promoted",
    "不升级": "Stays in grade",
    "毕业": "Graduated",
    "取值": "Value",
    # settings sections and names (lib.core.settings)
    "数据保留期": "Data retention",
    "账号与登录": "Accounts and login",
    "连续无故缺勤几天提示疑似辍学": "Unexcused absence days before a suspected dropout is proposed",
    "连续缺勤几个上学日认定辍学": "School days of absence that make a dropout",
    "巩固率目标(0-1)": "Retention-rate target (0-1)",
    "跟进间隔(天)": "Follow-up interval (days)",
    "逾期几天升级督办": "Days overdue before escalation",
    "到期前几天提醒": "Remind this many days before due",
    "限期复学期限(天)": "Return-to-school deadline (days)",
    "听证告知期限(天)": "Hearing notice period (days)",
    "送教上门每周次数": "Home-teaching visits per week",
    "一教一帮每周次数": "Mentoring sessions per week",
    "按时发放宽限(天)": "Grace period for on-time payment (days)",
    "非寄宿生补助比例(0-1)": "Non-boarder share of the subsidy (0-1)",
    "营养餐仅限农村学校": "Nutrition programme for rural schools only",
    "审批停滞提醒(天)": "Flag approvals stalled for (days)",
    "核实任务期限(天)": "Verification task deadline (days)",
    "大学新生资助月份": "University freshman aid month",
    "大学新生资助金额(元)": "University freshman grant (yuan)",
    "小学标准班额": "Standard class size, primary",
    "初中标准班额": "Standard class size, junior",
    "大班额(人)": "Large class (pupils)",
    "超大班额(人)": "Very large class (pupils)",
    "小规模学校(不足人数)": "Small school (fewer than)",
    "小学就近距离阈值(km)": "Primary reach threshold (km)",
    "初中就近距离阈值(km)": "Junior reach threshold (km)",
    "道路绕行系数": "Road detour factor",
    "预测年数": "Projection years",
    "学龄人口降幅提示(0-1)": "Flag a fall in school-age children of (0-1)",
    "权重：学困": "Weight: learning",
    "权重：路远": "Weight: distance",
    "权重：因贫": "Weight: poverty",
    "权重：因残": "Weight: disability",
    "权重：缺勤": "Weight: absence",
    "权重：监护": "Weight: guardianship",
    "高风险线(分)": "High-risk cut (score)",
    "中风险线(分)": "Medium-risk cut (score)",
    "缺勤统计窗口(天)": "Absence window (days)",
    "资助缺口加成(0-1)": "Aid-gap boost (0-1)",
    "缺勤上升加成(0-1)": "Rising-absence boost (0-1)",
    "排序模型(rules/logistic)": "Ranking model (rules/logistic)",
    "默认帮扶人数": "Default support budget (students)",
    "上传文件上限(MB)": "Upload limit (MB)",
    "单个文件最多行数": "Most rows per file",
    "汇报模式高对比度": "High contrast in the presentation",
    "连续输错几次锁定账号": "Failed logins before lock-out",
    "锁定时长(分钟)": "Lock-out (minutes)",
    "无操作几分钟自动退出": "Log out after idle (minutes)",
    "密码最短长度": "Shortest password",
    "临时密码长度": "Temporary password length",
    "备份目录(空=数据目录下 backups)": "Backup folder (empty = backups in the data folder)",
    "保留备份份数": "Backups kept",
    "定时备份间隔(小时，0=仅手动)": "Scheduled backup every (hours, 0 = on demand only)",
    **{
        f"{lv}最高年级(升级时毕业)": f"Last grade of {en} (they graduate at rollover)"
        for lv, en in _LEVELS_EN.items()
    },
    "离校学生个人信息保留年数": "Years to keep leavers' personal data",
    "审计日志保留年数(不少于3)": "Years to keep the audit log (3 at least)",
    "转学确认期限(天)": "Transfer confirmation deadline (days)",
    "超龄提示(岁)": "Over-age flag (years)",
    "空挂学籍缺勤天数": "Absence days of a ghost enrolment",
    "优化求解时限(秒)": "Optimisation time limit (s)",
    "优化默认最多撤并比例(0-1)": "Optimisation: most closures by default (share 0-1)",
    "候选网格间距(km)": "Candidate grid spacing (km)",
    "初中寄宿最远距离(km)": "Junior: farthest boarding distance (km)",
    "可寄宿的最低年级": "Lowest grade that may board",
    "大班额(班额超过人数)": "Large class (more pupils than)",
    "小学寄宿最远距离(km)": "Primary: farthest boarding distance (km)",
    "撤并一所学校成本(万元)": "Cost of closing a school (10k yuan)",
    "新建初中学位": "Seats of a new junior school",
    "新建初中床位": "Beds of a new junior school",
    "新建初中成本(万元)": "Cost of a new junior school (10k yuan)",
    "新建小学学位": "Seats of a new primary school",
    "新建小学床位": "Beds of a new primary school",
    "新建小学成本(万元)": "Cost of a new primary school (10k yuan)",
    "考虑学位时最远分配距离(km)": "Farthest assignment within seats (km)",
    "超大班额(班额超过人数)": "Very large class (more pupils than)",
    "需求点合并距离(km，0=不合并)": "Merge demand points within (km, 0 = never)",
}
