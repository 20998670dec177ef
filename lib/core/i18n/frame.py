"""Labels: The frame: title, banner, navigation, scope filters, headline labels.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("平桥区控辍保学与学生资助", "Pingqiao dropout control & student aid"),
    "demo_banner": (
        "演示数据，非真实统计：本系统当前载入的是按固定随机种子生成的合成数据(锚定 2026年11月20日)，"
        "乡镇边界与驻地为示意，不代表平桥区真实情况。",
        "Synthetic demo data, not real statistics: generated from a fixed seed (anchored to "
        "2026-11-20); township boundaries and seats are illustrative, not real Pingqiao figures.",
    ),
    "nav_overview": ("总览", "Overview"),
    "data_refreshing": (
        "数据更新中，显示的是 {time} 的数据",
        "Updating the figures: showing those of {time}",
    ),
    "whole_county": ("全区", " (whole district)"),
    "list_sep": ("、", ", "),
    "item_sep": ("；", "; "),
    "clause_sep": ("，", ", "),
    "school_year_fmt": ("{y}-{y1}学年", "{y}-{y1}"),
    "ui_download_xlsx": ("下载 Excel (.xlsx)", "Download Excel (.xlsx)"),
    "ui_download_csv": ("下载 CSV", "Download CSV"),
    "ui_no_right": (
        "您的角色({roles})无权查看本页(需要“{right}”权限)。如需开通，请联系管理员。",
        "Your role ({roles}) may not open this page (it needs the right “{right}”). "
        "Ask an administrator to grant it.",
    ),
    "ui_masked_no_right": (
        "姓名、证件号、电话已脱敏(您的角色无权查看完整信息)。",
        "Names, ID numbers and phone numbers are masked (your role may not see them in full).",
    ),
    "ui_unmasked": (
        "正在显示完整姓名、证件号和电话(理由：{reason})，本次登录有效，已记入审计日志。",
        "Showing full names, ID numbers and phone numbers (reason: {reason}) for this login; "
        "recorded in the audit log.",
    ),
    "ui_mask_again": ("恢复脱敏", "Mask again"),
    "ui_unmask_open": (
        "姓名、证件号、电话已脱敏：显示完整信息(需填写理由)",
        "Names, ID numbers and phone numbers are masked: show them in full (a reason is required)",
    ),
    "ui_unmask_reason": (
        "查看理由(如：入户家访、核对资助名单)",
        "Reason (e.g. a home visit, checking an aid list)",
    ),
    "ui_unmask_go": ("显示完整信息", "Show in full"),
    "ui_unmask_short": ("请填写查看理由(至少两个字)。", "Please give a reason (at least two characters)."),
    "ui_no_export": ("您的角色无权导出学生名单。", "Your role may not export lists of students."),
    "ui_no_pages": (
        "您的角色({roles})没有可查看的页面，请联系管理员。",
        "Your role ({roles}) has no page to open; please contact an administrator.",
    ),
    "as_of_day": ("截至{day}", "as of {day}"),
    "as_of_paren": ("{what}(截至{day})", "{what} (as of {day})"),
    "paren": ("{a}（{b}）", "{a} ({b})"),
    "with_count": ("{what}({n})", "{what} ({n})"),
    "label_value": ("{label}：{value}", "{label}: {value}"),
    "choose": ("请选择", "Choose"),
    "page_title": ("控辍保学与学生资助", "Dropout control & student aid"),
}

#: Labels lib writes in Chinese (table headers, card labels and help, chart legends) that
#: several wings share: Chinese -> English.  A wing's own such labels live in its module.
LABELS: dict[str, str] = {
    # grades (lib.core.schema.GRADE_LABELS)
    **{
        g: f"Grade {i}"
        for i, g in enumerate(
            ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级"), 1
        )
    },
    # headers every wing uses
    "乡镇": "Township",
    "学校": "School",
    "姓名": "Name",
    "状态": "Status",
    "年级": "Grade",
    "性别": "Sex",
    "身份证号": "ID number",
    "学籍号": "Student number",
    "户籍乡镇": "Home township",
    "户籍村(社区)": "Home village",
    "办学类型": "School level",
    "学校名称": "School name",
    "乡镇代码": "Township code",
    "类型": "Type",
    "说明": "Note",
    "原因": "Reason",
    "日期": "Date",
    "学生": "Student",
    "角色": "Role",
    "单位": "Unit",
    "操作": "Action",
    "时间": "Time",
    "用户": "User",
    "范围": "Scope",
    "详情": "Details",
    "来源": "Source",
    "备注": "Remarks",
    "内容": "Details",
    "学年": "School year",
    "学期": "Term",
    "模型": "Model",
    "序号": "No.",
    "学龄儿童": "School-age children",
    "超容量学校": "Schools over capacity",
    "平均距离(km)": "Mean distance (km)",
    "就近可达": "Within reach",
    # sections of the app (settings sections, briefing chapters)
    "控辍保学": "Dropout control",
    "学生资助": "Student aid",
    "学校布局": "School layout",
    "数据导入": "Data import",
    "汇报模式": "Presentation",
    "学籍核查": "Roster check",
    "小升初衔接": "Primary-to-junior transition",
    # case statuses where they head a column or a card (in cells they stay as written)
    "疑似辍学": "Suspected dropouts",
    "辍学": "Dropouts",
    "目标 {target}": "Target {target}",
    # the overview's township table and measures (lib.overview.metrics)
    "乡镇(街道)": "Township",
    "在校学生": "Students enrolled",
    "学龄人口(6-14岁)": "School-age children (6-14)",
    "巩固率": "Retention rate",
    "资助覆盖率": "Aid coverage",
    "按时足额发放率": "Paid on time, in full",
    "重点关注学生": "Students at high risk",
    "每千名在校生未结辍学台账": "Open dropout cases per 1,000 students",
    # the overview's case trend (lib.present.charts)
    "辍学(未结)": "Dropouts (open)",
    "疑似辍学(未结)": "Suspected (open)",
    "当周返校": "Returned that week",
    # the headline numbers' formulas (lib.present.cards.FORMULAS, the words of docs/metrics.md)
    "学籍状态为“在校”或“送教上门”的学生数，按学校所在乡镇统计。": (
        "Students whose status is 在校 (in school) or 送教上门 (home-taught), by the school's township."
    ),
    "户籍在范围内各村(社区)的 6-14 周岁儿童数(年龄按当学年 9 月 1 日计)，按居住乡镇统计。": (
        "Children aged 6-14 (on 1 September of the school year) registered in the villages in scope, "
        "by home township."
    ),
    "范围内学校数(含教学点与特殊教育学校)。": "Schools in scope (teaching points and special schools included).",
    "截至统计日，已上报、尚未核实、未返校、未判为误报的台账数，按户籍乡镇统计。": (
        "Cases reported by the as-of date and not yet confirmed, returned or dismissed, by home township."
    ),
    "截至统计日，已核实辍学(含劝返中)且尚未返校的台账数，按户籍乡镇统计。": (
        "Confirmed dropouts (persuasion included) not yet back at school on the as-of date, by home township."
    ),
    "九年义务教育巩固率 = 本学年九年级在校生数 ÷ 八年前(该届入学时)一年级在校生数，按学校所在乡镇统计。": (
        "Nine-year retention rate = grade-9 students this year ÷ grade-1 students eight years earlier "
        "(when the cohort started), by the school's township."
    ),
    "资助覆盖率 = 本学期已领取生活补助(实发>0)的家庭经济困难在校生 ÷ 全部家庭经济困难在校生(脱贫户、监测对象、低保、特困、孤儿、事实无人抚养、残疾学生、残疾人子女、烈士子女)。": (
        "Aid coverage = students from families in difficulty who received the living subsidy this term "
        "(paid > 0) ÷ all such students (lifted-from-poverty and monitored households, minimum living "
        "allowance, extreme poverty, orphans, de-facto unsupported, disabled students, children of disabled "
        "parents, martyrs' children)."
    ),
    "按时足额发放率 = 本学年应发日期不晚于统计日的资助记录中，于应发日期前足额(实发≥标准)发放的记录数 ÷ 全部此类记录数。": (
        "Paid on time, in full = aid records of this year due by the as-of date that were paid in full "
        "(paid ≥ standard) by their due date ÷ all such records."
    ),
    "重点关注学生 = 风险评分(学困、路远、因贫、因残、缺勤、监护六项加权，0-100)达到“高”档的在校生数。": (
        "Students at high risk = students whose risk score (learning, distance, poverty, disability, "
        "absence and guardianship, weighted, 0-100) is in the 'high' band."
    ),
}
