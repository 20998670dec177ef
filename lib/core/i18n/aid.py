"""Labels: 学生资助 and 精准识别.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_aid": ("学生资助", "Student aid"),
    "nav_aid_reconcile": ("精准识别", "Registry check"),
    "aid_scope_rule": (
        "义务教育学生与资助记录按学校所在乡镇统计；高中、中职、大学受助学生与社会捐赠按户籍乡镇统计。"
        "覆盖率 = 已发放 ÷ 应助；待发(未到期) = 已列入发放名单、应发日期未到。",
        "Compulsory-school students and their aid count by the school's township; high-school, vocational "
        "and university recipients by their home township. Coverage = paid ÷ eligible.",
    ),
    "aid_tab_coverage": ("覆盖与缺口", "Coverage and gaps"),
    "aid_tab_payments": ("发放与资金", "Payments and funds"),
    "aid_tab_approvals": ("审批进度", "Approvals"),
    "aid_tab_social": ("社会帮扶", "Social aid"),
    "aid_programme": ("资助项目", "Programme"),
    "aid_township_cov": ("各乡镇覆盖率", "coverage by township"),
    "aid_by_programme": ("各资助项目覆盖情况(本学期)", "Coverage by programme (this term)"),
    "aid_by_category": ("各困难类别覆盖情况", "coverage by category"),
    "aid_drill": ("应助未助名单：乡镇 → 学校 → 学生", "Eligible but unpaid: township → school → student"),
    "aid_all_towns": ("全部乡镇", "All townships"),
    "aid_all_schools": ("全部学校", "All schools"),
    "aid_wrong": ("已发放但不符合条件、重复发放", "Paid but not eligible, paid twice"),
    "aid_township_ontime": ("各乡镇按时足额发放率", "On time and in full by township"),
    "aid_terms": ("历学期按时足额发放率", "On time and in full, term by term"),
    "aid_problems": ("逾期、未足额发放记录(最紧急的在前)", "Overdue and short payments (most urgent first)"),
    "aid_ledger": ("资金台账(按资金来源)", "Funds ledger by source"),
    "aid_ledger_none": (
        "资金按乡镇下达：按学校或学段筛选时不显示资金台账。",
        "Funds are allocated by township: no ledger when filtering by school or level.",
    ),
    "aid_stuck": ("各乡镇申请卡在哪个环节(超期的排在前面)", "Where each township's applications wait"),
    "aid_waiting": ("办理中的申请(等待最久的在前)", "Open applications, longest waiting first"),
    "aid_decide": ("办理一件申请(通过本环节或退回)", "Act on an application"),
    "aid_application": ("申请", "Application"),
    "aid_reason": ("意见 / 退回原因(退回必填)", "Comment / reason (required to reject)"),
    "aid_approve": ("通过本环节", "Pass this stage"),
    "aid_reject": ("退回", "Reject"),
    "aid_donations": ("社会捐赠台账", "Donations ledger"),
    "aid_campaign": ("大学新生助学活动(8月)", "August campaign for university freshmen"),
    "aid_standards": (
        "现行资助标准(设置中可改，含执行起始日期)",
        "Standards in force (with effective dates)",
    ),
    "rec_kind": ("名单类型", "List kind"),
    "rec_upload": ("上传名单：CSV 或 Excel，中文表头，GBK 或 UTF-8 编码均可", "Upload a list (CSV or XLSX)"),
    "rec_sample": ("使用演示名单试一试", "Try the demo list"),
    "rec_sample_download": ("下载演示名单(CSV)", "Download the demo list (CSV)"),
    "rec_help": (
        "上传乡村振兴、民政、残联或全国学生资助管理系统导出的名单，系统按身份证号与学籍逐行比对，"
        "每行归入一类：匹配成功、适龄未在校、不在范围内、姓名不一致、身份证号无效、重复行；"
        "另列出学籍标记为该类别却不在名单中的学生(需入户核实)。",
        "Upload an outside list; every row is matched to the students by ID number and lands in one category.",
    ),
    "rec_category": ("比对结果", "Result"),
    "rec_case_offer": ("为适龄未在校儿童开立控辍保学台账", "Open a dropout case for a child not in school"),
    "rec_case_row": ("名单行", "List row"),
    "rec_case_village": ("户籍村(社区)", "Home village"),
    "rec_case_reason": ("辍学原因(初判)", "Reason (first view)"),
    "rec_open_case": ("开立控辍保学台账", "Open a dropout case"),
    "rec_tasks_button": ("生成入户核实任务(在册未列入、姓名不一致、类别未标记)", "Create verification tasks"),
    "rec_tasks": ("待核实任务(入户核实)", "Open verification tasks"),
    "rec_no_tasks": ("当前范围内没有待核实任务。", "No open verification tasks in this scope."),
    "rec_task": ("任务", "Task"),
    "rec_outcome": ("核实结果", "Outcome"),
    "rec_task_status": ("办结方式", "Closed as"),
    "rec_close": ("登记核实结果", "Record the outcome"),
    "aid_cov_title": (
        "{programme}：{what} · {when}，已发放÷应助",
        "{programme}: {what} · {when}, paid ÷ eligible",
    ),
    "aid_ontime_title": (
        "{what} · {year}学年已到期记录，{when}",
        "{what} · records of {year} due so far, {when}",
    ),
    "aid_done": ("申请 {id} 已办理：{status}", "Application {id} handled: {status}"),
    "aid_campaign_year": ("{year}年{what}", "{year} {what}"),
    "aid_yuan": ("{n} 元", "{n} yuan"),
    "aid_overdue_n": ("超期 {n}", "{n} overdue"),
    "aid_wait_for": ("待{stage}", "waiting for {stage}"),
    "aid_days": ("{n}天", "{n} days"),
    "aid_row_n": ("第{n}行", "Row {n}"),
    "rec_demo_file": ("演示名单_{kind}.csv", "demo-list_{kind}.csv"),
    "rec_case_opened": (
        "已开立控辍保学台账 {case}（名单第 {row} 行）",
        "Dropout case {case} opened (list row {row})",
    ),
    "rec_tasks_made": (
        "已生成 {n} 条入户核实任务（已存在的未重复生成）",
        "{n} home-visit tasks created (existing ones not repeated)",
    ),
    "rec_task_closed": ("任务 {id} 已办结", "Task {id} closed"),
}


#: Labels lib writes in Chinese (学生资助 and 精准识别: cards, tables, charts, categories): Chinese -> English.
LABELS: dict[str, str] = {
    # cards (lib.aid.view)
    "生活补助覆盖率": "Subsidy coverage",
    "应助未助(人)": "Eligible, unpaid",
    "逾期未发(笔)": "Overdue",
    "审批中(件)": "In approval",
    "疑似错发(笔)": "Doubtful payments",
    "申请人数": "Applicants",
    "已资助": "Funded",
    "待审核 / 未资助": "Waiting / not funded",
    "资助金额(元)": "Amount (yuan)",
    "应助未助 = 本学期符合生活补助条件(家庭经济困难在校生)但没有实发>0 的发放记录的学生数。": (
        "Eligible, unpaid = students eligible for the living subsidy this term (students from families in "
        "difficulty) without a payment record with an amount > 0."
    ),
    "足额发放率 = 本学年应发日期不晚于统计日的资助记录中，统计日前实发≥标准的记录数 ÷ 全部此类记录数。": (
        "Paid in full = aid records of this year due by the as-of date paid ≥ standard by that date ÷ all such records."
    ),
    "逾期未发 = 应发日期已过、截至统计日仍未发放的资助记录(金额按标准计)。": (
        "Overdue, unpaid = aid records past their due date and still unpaid on the as-of date (amounts at the standard)."
    ),
    "审批积压 = 仍在办理中的申请；在同一环节停留超过设定天数的为超期(红色)。": (
        "Applications open = applications still being handled; those waiting at one stage longer than the "
        "set number of days are overdue (red)."
    ),
    "疑似错发 = 本学期已发放但不符合条件的记录数 + 同一人同一项目同一学期重复发放的记录数。": (
        "Likely misdirected = records paid this term to someone not eligible + records paid twice to one "
        "person for one programme and term."
    ),
    # coverage and payment tables (lib.aid.view)
    "应助": "Eligible",
    "已发放": "Paid",
    "待发(未到期)": "To pay (not yet due)",
    "未到期": "Not yet due",
    "应助未助": "Eligible, unpaid",
    "覆盖率": "Coverage",
    "纳入率": "Listed",
    "受助人数": "Recipients",
    "受助金额(元)": "Amount received (yuan)",
    "实发(元)": "Paid (yuan)",
    "标准(元)": "Standard (yuan)",
    "标准": "Standard",
    "金额(元)": "Amount (yuan)",
    "已下达(元)": "Allocated (yuan)",
    "已发放(元)": "Paid (yuan)",
    "结余(元)": "Balance (yuan)",
    "执行率": "Spent",
    "执行起始": "From",
    "已等待(天)": "Waiting (days)",
    "等待环节": "Waiting at",
    "当前状态": "Status",
    "待学校初审": "Waiting for the school",
    "待资助中心核对": "Waiting for the aid centre",
    "待批准": "Waiting for approval",
    "待发放": "Waiting for payment",
    "超期": "Overdue",
    "按时足额率": "On time and in full",
    "足额率": "In full",
    "未足额": "Short",
    "逾期发放": "Paid late",
    "逾期天数": "Days overdue",
    "逾期未发": "Overdue, unpaid",
    "应发笔数": "Records due",
    "应发金额(元)": "Amount due (yuan)",
    "实发金额(元)": "Amount paid (yuan)",
    "未发原因": "Why unpaid",
    "资助依据": "Basis",
    "对象": "Recipient",
    "申请总数": "Applications",
    # 精准识别 (lib.aid.reconcile, lib.aid.view)
    "匹配成功": "Matched",
    "适龄未在校(疑似失学)": "School age, not in school (likely out of school)",
    "不在范围内": "Out of scope",
    "在册未列入名单(需入户核实)": "Enrolled, not on the list (visit to check)",
    "姓名不一致": "Names differ",
    "身份证号无效": "Invalid ID number",
    "重复行": "Duplicate row",
    "适龄未在校": "Not in school",
    "未列入名单": "Not on the list",
    "姓名不符": "Names differ",
    "号码无效": "Invalid number",
    "范围外": "Out of scope",
    "身份证号与在校学生一致，姓名相符。": "The ID number matches an enrolled student with the same name.",
    "义务教育年龄、在范围内，但不是在校学生：可能失学，可开立控辍保学台账。": (
        "Of compulsory-school age and in scope, but not enrolled: possibly out of school; a dropout case can be opened."
    ),
    "非义务教育年龄(按当学年9月1日计)，或住址/就读学校不在当前范围内。": (
        "Not of compulsory-school age (on 1 September), or the address or school is outside the current scope."
    ),
    "学籍标记为该类别的在校生却不在名单中：需入户核实。": (
        "Students flagged with this category who are not on the list: visit to check."
    ),
    "身份证号对应的在校生姓名与名单不同。": "The enrolled student with this ID number has another name than the list.",
    "身份证号为空、校验位错误，或被 Excel 改成科学计数法/末位补0。": (
        "ID number empty, wrong check digit, or damaged by Excel (scientific notation or trailing zeros)."
    ),
    "与名单中前面某行身份证号相同。": "Same ID number as an earlier row of the list.",
    "名单行号": "List row",
    "名单姓名": "Name on the list",
    "学籍姓名": "Name on record",
    "名单": "List",
    "逾期": "Overdue",
    "在册未列入名单：入户核实困难类别": "Enrolled, not on the list: visit to check the category",
    "姓名不一致：核对户籍与学籍姓名": "Names differ: compare the registered and recorded names",
    "名单有、学籍未标记：核实后更新困难类别": "On the list, not flagged: check, then update the category",
    "已退回": "Returned",
    "本学期{programme}尚未到发放日期：已列入发放名单 {n} 人次，到应发日期后按实发计入覆盖率(现在的 0% 不是漏发)。": (
        "{programme} is not due yet this term: {n} listed for payment; they count for coverage once paid "
        "(today's 0% is not a missed payment)."
    ),
}
