"""Labels: 上线检查 (go-live checklist) and the data-freshness line.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_golive": ("上线检查", "Go-live checklist"),
    "gl_intro": (
        "本县区的数据逐项导入后，各页面才有数字。下表是每类数据的导入情况：行数、最近一次导入和数据截止日期；"
        "标“必需”的几项齐全后系统即可上线。导入：数据 › 数据导入，或命令行 python -m lib.cli import 类型 文件。",
        "Each page has figures once the county's data is imported. The table shows each kind: rows, the last "
        "import and the date its data runs to; the system is live once every required kind is in.",
    ),
    "gl_live": ("必需的数据已齐全，系统可以上线使用。", "Every required kind is in: the system is live."),
    "gl_missing": ("尚缺必需的数据：", "Required data still missing: "),
    "gl_next": ("下一步：导入", "Next: import"),
    "gl_demo": (
        "这是演示数据库(平桥区合成数据)。本县区上线：python -m lib.cli init --county 6位县区代码 --out 新文件，"
        "再逐项导入(见 docs/golive.md)。",
        "This is the demo store. To go live: python -m lib.cli init --county CODE --out FILE, then import.",
    ),
    "gl_pages": ("各页面需要的数据", "What each page needs"),
    "gl_col_step": ("步骤", "Step"),
    "gl_col_label": ("数据", "Data"),
    "gl_col_required": ("必需", "Required"),
    "gl_col_state": ("状态", "State"),
    "gl_col_rows": ("行数", "Rows"),
    "gl_col_through": ("数据截至", "Data up to"),
    "gl_col_last": ("最近导入", "Last import"),
    "gl_col_how": ("导入方式", "How"),
    "gl_col_pages": ("用于页面", "Used by"),
    "gl_col_page": ("页面", "Page"),
    "gl_col_needs": ("必需", "Needs"),
    "gl_col_better": ("补充", "Completed by"),
    "gl_col_ready": ("可用", "Ready"),
    "gl_col_missing": ("尚缺", "Missing"),
    "gl_go_import": ("去导入数据", "Go to the import page"),
    "gl_page_needs": ("本页需要的数据尚未导入：", "This page needs data not imported yet: "),
    "gl_page_hint": (
        "导入后本页即显示数字(不会用 0 或空表代替缺少的数据)。",
        "The page shows figures once they are imported (missing data is never shown as zeros).",
    ),
    "gl_fresh": ("数据", "Data"),
    "gl_fresh_to": ("截至", "to"),
    "gl_not_loaded": ("未导入", "not imported"),
    "gl_unreported": ("数据未报(缺勤未按时上报)的学校", "Schools whose absences are not reported"),
    "gl_unreported_help": (
        "这些学校最近几个上课日的缺勤尚未上报：其学生的连续缺勤只算到该校最近一次上报，按时上报后自动更新。",
        "These schools have not reported absences for recent school days: their runs count up to their last report.",
    ),
}


#: Labels lib writes in Chinese (the freshness line's words, lib.ops.golive.SOURCES): Chinese -> English.
LABELS: dict[str, str] = {
    "村": "Villages",
    "学籍": "Enrolment",
    "人口": "Population",
    "事业统计": "Statistics",
    "异动": "Transfers",
    "花名册": "Roster",
    "资助": "Aid",
    "台账": "Cases",
    "资金": "Funds",
    "高中及以上受助": "Upper-secondary and university recipients",
    "捐赠": "Donations",
    "新生助学": "New-student aid",
}
