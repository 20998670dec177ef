"""Labels: 控辍保学.  key -> (Chinese, English)."""

from lib.core.schema import SIX_CHIEFS

TEXT: dict[str, tuple[str, str]] = {
    "nav_dropout": ("控辍保学", "Dropout control"),
    "nav_dropout_cases": ("辍学台账", "Case ledger"),
    "nav_dropout_case": ("案件详情", "Case"),
    "nav_dropout_weekly": ("每周填报", "Weekly report"),
    "nav_dropout_rosters": ("帮扶名册", "Support rosters"),
    "nav_dropout_contacts": ("六长联系人", "Responsible persons"),
    "nav_todo": ("我的待办", "My to-do list"),
    "do_target": ("巩固率{target}", "Retention: {target}"),
    "do_cases_link": ("确认疑似、登记劝返", "confirm, follow up"),
    "do_export": ("导出", "export"),
    "do_breakdown_caption": (
        "{by}分组 · {where} · {when} · 未结台账‰ = (疑似辍学+辍学)÷在校生×1000",
        "By {by} · {where} · {when} · open cases ‰ = (suspected + dropouts) ÷ students × 1000",
    ),
    "do_attention": ("只看红黄", "Urgent only"),
    "do_find": ("查找(台账编号/学校/乡镇)", "Find (case ID / school / township)"),
    "do_ledger_caption": (
        "共 {n} 件 · 红 = 跟进逾期已升级，黄 = 逾期或即将到期 · 按紧急程度排序",
        "{n} cases · red = follow-up overdue and escalated, amber = overdue or due soon · most urgent first",
    ),
    "do_pick": ("选择案件", "Case"),
    "do_run_label": ("{name}（{school}，连续{days}天）", "{name} ({school}, {days} days in a row)"),
    "do_note_dismiss": ("说明 / 排除理由(排除时必填)", "Note / why dismissed (required to dismiss)"),
    "do_confirm": ("确认为疑似辍学，建立台账", "Confirm as a suspected dropout and open a case"),
    "do_dismiss": ("排除(不是辍学)", "Dismiss (not a dropout)"),
    "do_opened_visit": (
        "已建立台账 {case}，请尽快入户核实。",
        "Case {case} opened; please visit the home soon.",
    ),
    "do_opened": ("已建立台账 {case}。", "Case {case} opened."),
    "do_dismissed": ("已排除，不再提示。", "Dismissed; it will not be proposed again."),
    "do_new_help": (
        "为花名册核查、名单比对等发现的未入学适龄儿童建立台账(按身份证号、姓名和户籍村识别)。",
        "Open a case for a school-age child found out of school by a roster check or a list comparison "
        "(identified by ID number, name and home village).",
    ),
    "do_child_name": ("儿童姓名", "Child's name"),
    "do_chip": ("【{group}】{reason}", "[{group}] {reason}"),
    "do_no_notice": (
        "当前无需签发文书(已核实、未返校的案件才签发)。",
        "No notice is due (notices are issued for confirmed cases not yet back at school).",
    ),
    "do_next_notice": ("下一份应发：《{kind}》(应于{day}前)", "Next notice due: “{kind}” (by {day})"),
    "do_tab_status": ("状态与跟进", "Status and follow-up"),
    "do_tab_chiefs": ("六长", "Six responsible persons"),
    "do_move_to": ("改为", "Change to"),
    "do_move_reason": ("核实的辍学原因(改为已核实时)", "Confirmed reason (when changing to 已核实)"),
    "do_move_note": ("误报理由(改为误报时必填) / 说明", "Why a false alarm (required for 误报) / note"),
    "do_save_status": ("保存状态", "Save the status"),
    "do_no_moves": ("“{status}”没有可做的状态变更。", "No status change is possible from “{status}”."),
    "do_next_follow": ("下次跟进日期", "Next follow-up"),
    "do_log_action": ("登记措施", "Log the action"),
    "do_chiefs_masked": (
        "打开“显示完整姓名和证件号”后可修改六长。镇长、村长、校长默认取自“六长联系人”。",
        "Show full names to edit the six responsible persons. Township and village heads and head "
        "teachers come from the responsible persons' list by default.",
    ),
    "do_save_chiefs": ("保存六长", "Save the responsible persons"),
    "do_issue": ("签发并登记", "Issue and record"),
    "do_print_masked": (
        "文书载有儿童及监护人完整信息：打开“显示完整姓名和证件号”后可打印(打印记入审计日志)。",
        "Notices carry the child's and guardian's full details: show full names to print them "
        "(printing is recorded in the audit log).",
    ),
    "do_recorded": ("已登记。", "Recorded."),
    "do_form_register": (
        "当前疑似辍学与已核实辍学(未返校)的学生，按户籍乡镇排列；辍学(疑似)时间为核实日期(未核实的为上报日期)。",
        "Pupils now suspected or confirmed out of school (not back), by home township; the date is the "
        "confirmation date (the report date when not yet confirmed).",
    ),
    "do_form_returns": (
        "本学年返校的学生(含再次辍学后又返校的)：劝返责任人为返校前登记劝返措施的人员；巩固情况按返校后30天、90天是否在校(无连续缺勤)判断。",
        "Pupils back at school this year (those who left again and came back too): the persuader is who "
        "logged the persuasion before the return; retention is whether the pupil is in school 30 and 90 days "
        "after it (no absence in a row).",
    ),
    "do_form_feedback": (
        "每件台账一行：核查结果(在校/已返校/辍学/核查中)、说明、核查人与日期。列序为通用格式，省级模块公布其格式后按 docs/dropout.md 调整。",
        "One row per case: the finding (in school / back / dropped out / checking), a note, who checked and "
        "when. A general layout, to be matched to the provincial module's once published (docs/dropout.md).",
    ),
    "do_form_escalations": (
        "跟进逾期已升级、而督办对象没有系统账号的案件(有账号的已进入其“我的待办”)：打印或导出后送达。",
        "Escalated cases whose responsible person has no account (those with one see it in My to-do list): "
        "print or export and deliver.",
    ),
    "do_form_print": ("打印《{form}》(A4 横向，网页文件)", "Print “{form}” (A4 landscape, web page)"),
    "do_move_place": ("安置方式(改为已返校时)", "Placement (when changing to 已返校)"),
    "do_after_return": ("返校后在校情况", "In school since the return"),
    "do_not_present": (
        "未在校(连续缺勤或已离校)：可重新打开台账",
        "Not in school (absent or left): the case can be reopened",
    ),
    "do_chief_account": ("账号(可空)", "Account (optional)"),
    "do_rule_other": (
        "家访、资助核查：近四周没有记录的显示为红",
        "Home visits and aid checks: red without a record in four weeks",
    ),
    "do_effect_note": (
        "开始满四周的帮扶：开始前后各四周的无故缺勤天数(人均)，开始时未在校的学生中已返校的人数。",
        "Support running four weeks or more: unexcused absence days per pupil in the four weeks before and "
        "after it started, and how many pupils out of school at the start are back.",
    ),
    "do_still_high": (
        "帮扶满 {weeks} 周仍为高风险，上报上一级",
        "Still high risk after {weeks} weeks of support: report up",
    ),
    "do_rule_mentoring": ("每周应辅导 {n} 次", "{n} mentoring sessions a week are due"),
    "do_rule_home": ("每名学生每周应送教 {n} 次", "{n} home-teaching visits a week are due per student"),
    "do_roster_caption": (
        "{rule}(设置项)；近四周 = 统计日前28天。红 = 落后较多或未安排教师({behind}人)，黄 = 略有落后。",
        "{rule} (a setting); last four weeks = the 28 days before the as-of date. Red = well behind or no "
        "teacher ({behind}), amber = a little behind.",
    ),
    "do_log_visit": (
        "登记一次记录(辅导/送教/家访/核查)",
        "Log a session (mentoring, home teaching, visit, check)",
    ),
    "do_no_teacher": ("未安排教师的学生", "Students without a teacher"),
    "do_assign_teacher": ("安排送教教师", "Assign a home teacher"),
    "do_roster_note": (
        "一教一帮、家访、资助核查、送教上门也可在“重点关注学生”页安排；安排后出现在本名册。",
        "Mentoring, home visits, aid checks and home teaching can also be arranged on the students-at-risk "
        "page; they then appear here.",
    ),
    "do_weekly_caption": (
        "一案一行：{start}至{end}期间在册(未返校)或有变动的台账；"
        "列的顺序和表头取自设置项 dropout.weekly_template，可与省级系统的模板对齐。",
        "One row per case open (not back at school) or changed between {start} and {end}; the columns and "
        "their headers follow the setting dropout.weekly_template, to match the provincial system's template.",
    ),
    "do_weekly_rows": ("周报台账", "Cases this week"),
    "do_weekly_towns": ("乡镇汇总", "By township"),
    "do_submit_schools": ("登记为本周已填报(含零报告)", "Record as filed this week (zero reports too)"),
    "do_zero_report": ("零报告", "zero report"),
    "do_submit": ("登记", "Record"),
    "do_submitted": ("已登记 {n} 所学校本周填报。", "{n} schools recorded as filed this week."),
    "do_contacts_caption": (
        "{n} 人 · 新建台账时，镇长、村长取儿童户籍所在乡镇和村，校长取就读学校，教体局局长取本县。"
        "批量导入请用“数据导入”页(类型：联系人)。",
        "{n} people · a new case takes the township and village heads of the child's home, the head "
        "teacher of the school and the county's bureau director. Import many at once on the data import "
        "page (kind: contacts).",
    ),
    "do_contacts_changed": (
        "已修改 {n} 行(保存前不会写入)。",
        "{n} rows changed (nothing is written before saving).",
    ),
    "do_contacts_saved": ("已保存 {n} 行。", "{n} rows saved."),
    "do_todo_mine_help": (
        "案件六长中登记了您的账号的，只列这些案件中由您负责的事项；否则按您的角色对应的六长一级筛选。",
        "Where your account is named among a case's responsible persons, only what you answer for in those "
        "cases; otherwise filtered by the level your role stands for.",
    ),
    "do_todo_transition": (
        "去小升初衔接查明未报到学生的去向",
        "Go to the primary-to-junior transition: find where the missing pupils are",
    ),
    "do_todo_caption": (
        "共 {n} 项 · 红 = 已升级或逾期，黄 = 到期或即将到期 · 姓名已脱敏",
        "{n} items · red = escalated or overdue, amber = due or due soon · names masked",
    ),
    "do_todo_pick": ("办理案件", "Case to handle"),
    "do_todo_roster": (
        "去学籍核查处理花名册、转学与问题学籍",
        "Go to the roster check: rosters, transfers, problem records",
    ),
    "do_todo_confirm": (
        "去确认缺勤监测发现的疑似辍学",
        "Go and confirm the suspected dropouts found from absences",
    ),
    "do_home_rule": (
        "巩固率(按户籍)把九年级学生算回其户籍乡镇，与按学校所在地的数字并列：进城读初中不再让乡镇显得偏低。",
        "Retention by home township counts grade-9 pupils where they live, beside the school-location figure.",
    ),
    "do_forms": ("两表与核查反馈", "Registers and check feedback"),
    "do_escalations": ("升级督办通知", "Escalation notices"),
    "do_effect": ("帮扶成效", "Intervention effect"),
    "do_other_roster": ("家访与资助核查", "Home visits and aid checks"),
}


#: Labels lib writes in Chinese (控辍保学's cards, tables, charts, to-do items): Chinese -> English.
LABELS: dict[str, str] = {
    # monitoring (lib.dropout.monitor)
    "返校(本学年)": "Returned (this year)",
    "误报(本学年)": "False alarms (this year)",
    "九年级在校生": "Grade-9 students",
    "八年前一年级在校生": "Grade-1 students eight years earlier",
    "未结台账‰": "Open cases ‰",
    "新增疑似": "New suspected",
    "新核实辍学": "Newly confirmed",
    "劝返复学": "Persuaded back",
    "排除误报": "Dismissed",
    "周末仍未返校": "Still out at week's end",
    "每千名在校生未结台账(疑似+辍学)": "Open cases per 1,000 students (suspected + dropouts)",
    "辍学(人)": "Dropouts",
    "疑似辍学(人)": "Suspected dropouts",
    "本学年返校": "Back this year",
    "待确认": "To confirm",
    "升级督办": "Escalated",
    "{n} 较上周": "{n} vs last week",
    "统计日当天状态为疑似辍学(已上报、未核实、未返校、未判误报)的台账数，按户籍乡镇统计。": (
        "Cases suspected on the as-of date (reported, not confirmed, not returned, not dismissed), by home township."
    ),
    "统计日当天已核实辍学(已核实、劝返中)且尚未返校的台账数，按户籍乡镇统计。": (
        "Confirmed dropouts (confirmed or being persuaded) not back at school on the as-of date, by home township."
    ),
    "返校日期在本学年(9月1日起)且不晚于统计日的台账数。": (
        "Cases whose return date falls in this school year (from 1 September) up to the as-of date."
    ),
    "九年义务教育巩固率 = 本学年九年级在校生数 ÷ 八年前一年级在校生数，按学校所在乡镇统计；目标 {target}(设置项 dropout.consolidation_target)。": (
        "Nine-year retention rate = grade-9 students this year ÷ grade-1 students eight years earlier, by the "
        "school's township; target {target} (setting dropout.consolidation_target)."
    ),
    "连续无故缺勤达到设置的上课日数(默认5天)、尚无未结台账、也未被确认或排除过的学生。": (
        "Students absent without excuse for the set number of school days in a row (5 by default), with no open "
        "case and never confirmed or dismissed."
    ),
    "下次跟进逾期达到设置天数(默认3天)、责任已沿 师长→校长→村长→镇长→教体局局长 上移的案件。": (
        "Cases whose follow-up is overdue by the set number of days (3 by default), so that responsibility "
        "has moved up: class teacher → head teacher → village head → township head → bureau director."
    ),
    "周(周一)": "Week (Monday)",
    "本周件数": "Cases this week",
    "仍未返校": "Still out",
    "未返校": "Not back",
    "其他(已巩固等)": "Other (retained, etc.)",
    "(未入学)": "(never enrolled)",
    "未入学": "never enrolled",
    "(范围外学校)": "(school outside the scope)",
    # the ledger and the case (lib.dropout.ledger)
    "台账编号": "Case ID",
    "当前责任人": "Responsible now",
    "待办": "To do",
    "在册天数": "Days open",
    "连续缺勤起始": "Absent since",
    "连续缺勤(上课日)": "Days absent (school days)",
    "达到标准": "Threshold reached",
    "跟进": "Follow-up",
    "户籍": "Home",
    "上报": "Reported",
    "逾期{n}天": "{n} days overdue",
    "今天到期": "due today",
    "还有{n}天": "{n} days left",
    "跟进逾期每满设置天数，责任沿 师长→校长→村长→镇长→教体局局长 上移一级。": (
        "Each time a follow-up is overdue by the set number of days, responsibility moves up one level: "
        "class teacher → head teacher → village head → township head → bureau director."
    ),
    "原因/理由": "Reason",
    "措施日期": "Action date",
    "最新版本": "Latest version",
    "您填写的": "What you entered",
    "(基于旧版本)": "(based on an older version)",
    "打印《{kind}》{id}": "Print “{kind}” {id}",
    "发《{kind}》": "Issue “{kind}”",
    "待核实": "To verify",
    "补齐六长": "Complete the responsible persons",
    "可转巩固": "May be marked retained",
    # the six responsible persons, in English where schema defines them, and the notices (settings)
    **SIX_CHIEFS,
    "入学通知书": "Notice to enrol",
    "限期复学通知书": "Notice to return to school by a date",
    "行政处罚告知书": "Notice of intended penalty",
    "行政处罚决定书": "Penalty decision",
    # support rosters (lib.dropout.rosters)
    "学籍学校": "School of record",
    "已帮扶(天)": "Supported (days)",
    "应送教(次)": "Visits due",
    "开始以来无故缺勤(天)": "Unexcused absence since the start (days)",
    "最近一次": "Last",
    "欠(次)": "Behind (sessions)",
    "累计辅导(次)": "Sessions in all",
    "近四周辅导(次)": "Sessions, last four weeks",
    "近四周送教(次)": "Visits, last four weeks",
    "送教教师": "Home teacher",
    # the weekly report (lib.dropout.weekly, lib.dropout.rules.week_label)
    "{year}年第{week}周({y}年{m1}月{d1}日—{m2}月{d2}日)": "Week {week} of {year} ({d1}/{m1}/{y} – {d2}/{m2})",
    "{place}控辍保学每周填报 · {week} · 截至{m}月{d}日": "{place}: weekly dropout report · {week} · as of {d}/{m}",
    "本周台账(条)": "Cases this week",
    "本周返校": "Returned this week",
    "本周劝返措施": "Persuasion this week",
    "本周措施(次)": "Actions this week",
    "本周文书": "Notices this week",
    "本周文书(份)": "Notices this week",
    "本周误报": "Dismissed this week",
    "本校未结台账": "Open cases of the school",
    "学生姓名": "Student's name",
    # my to-do list (lib.overview.todo)
    "事项": "Item",
    "逾期跟进": "Overdue follow-ups",
    "待发文书": "Notices to issue",
    "跟进到期": "Follow-ups due",
    "资助核实": "Aid checks",
    "学校/地点": "School / place",
    "期限": "Due",
    "责任人": "Responsible",
    # the two registers, the check feedback and the escalation list (lib.dropout.forms)
    "辍学学生登记表": "Register of pupils out of school",
    "劝返复学情况表": "Register of returns",
    "核查反馈": "Check feedback",
    "升级督办通知": "Escalation notices",
    "辍学(疑似)时间": "Out of school since",
    "劝返责任人": "Persuaded by",
    "劝返日期": "Persuaded on",
    "复学日期": "Back on",
    "30天巩固情况": "After 30 days",
    "90天巩固情况": "After 90 days",
    "核查结果": "Finding",
    "核查说明": "Note",
    "核查人": "Checked by",
    "核查日期": "Checked on",
    "督办对象": "Escalated to",
    "待办事项": "To do",
    "件数": "Cases",
    # monitoring by home township, intervention effect, rosters (lib.dropout.monitor, rosters)
    "巩固率(按户籍)": "Retention (by home)",
    "巩固率(按学校所在地)": "Retention (by school location)",
    "每千名在校生未结辍学台账(‰)": "Open dropout cases per 1,000 students (‰)",
    "九年义务教育巩固率 = 本学年九年级在校生数 ÷ 八年前一年级在校生数(全区按户籍或按学校所在地相同)；{target}(设置项 targets.consolidation)。": (
        "Nine-year retention rate = grade-9 students this year ÷ grade-1 students eight years earlier (the "
        "same for the whole district by home or by school location); {target} (setting targets.consolidation)."
    ),
    "近四周(次)": "Last four weeks",
    "负责人": "Responsible",
    "累计记录(次)": "Records in all",
    "开始时未在校(人)": "Out of school at the start",
    "开始后四周无故缺勤(天/人)": "Unexcused days per pupil, four weeks after",
    "开始前四周无故缺勤(天/人)": "Unexcused days per pupil, four weeks before",
    "已满四周(人次)": "Running four weeks or more",
    "已帮扶(周)": "Supported (weeks)",
    "其中已返校(人)": "Of whom back",
    "上报至": "Reported to",
}
