"""Labels: 控辍保学.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_dropout": ("控辍保学", "Dropout control"),
    "nav_dropout_cases": ("辍学台账", "Case ledger"),
    "nav_dropout_case": ("案件详情", "Case"),
    "nav_dropout_weekly": ("每周填报", "Weekly report"),
    "nav_dropout_rosters": ("帮扶名册", "Support rosters"),
    "nav_dropout_contacts": ("六长联系人", "Responsible persons"),
    "nav_todo": ("我的待办", "My to-do list"),
}
