"""Labels: 控辍保学.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_dropout": ("控辍保学", "Dropout control"),
    "nav_dropout_cases": ("辍学台账", "Case ledger"),
    "nav_dropout_case": ("案件详情", "Case"),
    "nav_dropout_weekly": ("每周填报", "Weekly report"),
    "nav_dropout_rosters": ("帮扶名册", "Support rosters"),
    "nav_dropout_contacts": ("六长联系人", "Responsible persons"),
    "nav_todo": ("我的待办", "My to-do list"),
    "do_home_rule": (
        "巩固率(按户籍)把九年级学生算回其户籍乡镇，与按学校所在地的数字并列：进城读初中不再让乡镇显得偏低。",
        "Retention by home township counts grade-9 pupils where they live, beside the school-location figure.",
    ),
    "do_forms": ("两表与核查反馈", "Registers and check feedback"),
    "do_escalations": ("升级督办通知", "Escalation notices"),
    "do_effect": ("帮扶成效", "Intervention effect"),
    "do_other_roster": ("家访与资助核查", "Home visits and aid checks"),
}
