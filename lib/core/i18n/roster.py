"""Labels: 学籍核查.  key -> (Chinese, English)."""

TEXT: dict[str, tuple[str, str]] = {
    "nav_roster_check": ("学籍核查", "Enrolment check"),
    "rc_upload": (
        "上传适龄儿童花名册(CSV/XLSX：身份证号、姓名、出生日期、乡镇、村 …)",
        "Upload the school-age roster (CSV/XLSX)",
    ),
    "rc_help": (
        "花名册(户籍或公安数据)导入后，与全县学籍按身份证号比对：每名义务教育适龄儿童归入在县内就读、异地就学、"
        "特教/送教上门、免缓学或去向不明之一。去向不明的儿童可一键建立控辍保学台账。",
        "The roster is matched to the students by ID number; every child of compulsory age falls in one list.",
    ),
    "rc_sample": ("使用演示花名册", "Use the demo roster"),
    "rc_import": (
        "导入花名册(替换所涉乡镇的原花名册)",
        "Import the roster (replaces the townships it covers)",
    ),
    "rc_open_case": ("建立控辍保学台账", "Open a dropout case"),
    "rc_no_roster": ("尚未导入花名册。", "No roster imported yet."),
    "rc_demo_file": ("演示花名册.csv", "demo-roster.csv"),
    "rc_read": (
        "{file}：{n} 行，可导入 {ok} 行，跳过 {skip} 行",
        "{file}: {n} rows, {ok} to import, {skip} skipped",
    ),
    "rc_file_counts": ("本文件核对结果(导入后)：{counts}", "This file checked (once imported): {counts}"),
    "rc_imported": (
        "已导入花名册 {n} 人(涉及 {towns} 个乡镇)。",
        "Roster imported: {n} children ({towns} townships).",
    ),
    "rc_coverage": ("花名册覆盖情况(按户籍乡镇)", "Roster coverage (by home township)"),
    "rc_list": ("名单", "List"),
    "rc_rows": ("共 {n} 行", "{n} rows"),
    "rc_action": ("建议措施：{action}", "Suggested action: {action}"),
    "rc_first_rows": (
        "仅显示前 {n} 行，完整名单请下载。",
        "Showing the first {n} rows; download the full list.",
    ),
    "rc_child": ("儿童", "Child"),
    "rc_first_reason": ("初步判断的原因", "Likely reason"),
    "rc_case_opened": (
        "已建立控辍保学台账 {case}(来源：花名册核查)，请尽快入户核实。",
        "Dropout case {case} opened (source: roster check); please visit the home soon.",
    ),
    "rc_transfer": ("转学记录", "Transfer"),
    "rc_confirmed": ("登记已确认", "Record as confirmed"),
    "rc_transfer_done": (
        "已登记 {id} 由转入学校确认。",
        "{id} recorded as confirmed by the receiving school.",
    ),
    "rc_checked_on": ("核查日期", "Checked on"),
    "rc_new_school": ("就读学校有变化时填写", "New school (if it changed)"),
    "rc_checked": ("登记已核查", "Record as checked"),
    "rc_checked_done": ("已登记异地就学核查。", "Check of studying elsewhere recorded."),
    "rc_overdue": (
        "逾期未确认的转出：按疑似辍学建立台账(由您确认，不会自动建立)",
        "Transfers out not confirmed in time: open a suspected-dropout case (you decide; none opens by itself)",
    ),
    "rc_open": ("建立台账", "Open a case"),
    "rc_opened": ("已建立控辍保学台账 {case}。", "Dropout case {case} opened."),
    # ---- 小升初衔接 (lib/roster/transition.py)
    "nav_transition": ("小升初衔接", "Primary-to-junior transition"),
    "xs_help": (
        "小学和教学点毕业生离开原学校后列入待接收名单，直到县内学校为其注册学籍，或查明在外地就读、免缓学、"
        "已建立控辍保学台账。开学后 {due} 天仍未报到的列入“我的待办”；{case} 天后列为疑似辍学。",
        "Primary and teaching-point leavers stay on this list until a school of the county enrols them or they "
        "are accounted for. Not received {due} days after term starts: in My tasks; after {case} days: a "
        "suspected dropout.",
    ),
    "xs_waiting": ("待接收", "To be received"),
    "xs_overdue": ("逾期未报到", "Overdue"),
    "xs_case_due": ("已过建档期限", "Past the case deadline"),
    "xs_received": ("已入学", "Received"),
    "xs_accounted": ("已查明去向", "Accounted for"),
    "xs_list": ("待接收名单(逾期的排在前面)", "Still to be received (overdue first)"),
    "xs_none": (
        "名单为空：跟踪期内离校的小学、教学点毕业生均已入学或已查明去向。",
        "Nobody to receive: every leaver of the period is enrolled or accounted for.",
    ),
    "xs_open_cases": (
        "为已过建档期限的 {n} 人建立疑似辍学台账",
        "Open suspected-dropout cases for the {n} leavers past the deadline",
    ),
    "xs_opened": ("已建立疑似辍学台账 {n} 件。", "{n} suspected-dropout cases opened."),
    "xs_failed": ("{n} 人未能建档：{why}", "{n} leavers could not get a case: {why}"),
    "xs_elsewhere": ("登记异地就学(该生离开名单)", "Record studying outside the county (leaves the list)"),
    "xs_pick": ("学生", "Student"),
    "xs_school": ("就读学校", "School attended"),
    "xs_county": ("就读地(县、市)", "Where (county, city)"),
    "xs_on": ("核实日期", "Checked on"),
    "xs_save": ("登记", "Record"),
    "xs_saved": ("已登记异地就学。", "Recorded."),
    "do_returned": ("本学年已返校", "Returned this school year"),
    "do_to_confirm": ("待确认(缺勤监测)", "To confirm (from absences)"),
    "do_escalated": ("升级督办", "Escalated"),
    "do_breakdown": ("分组", "Break down by"),
    "do_reasons": (
        "本学年辍学原因(四类风险及其他)",
        "Reasons this school year (four named risks and others)",
    ),
    "do_trend": ("本学期逐周变化", "This term, week by week"),
    "do_case_rule": (
        "辍学台账按儿童户籍乡镇统计；巩固率按学校所在乡镇统计；疑似辍学、辍学为统计日当天的状态。",
        "Cases count by the child's home township; retention by the school's township; suspected and "
        "dropout counts are the status on the as-of date.",
    ),
    "do_proposals": ("缺勤监测：待确认的疑似辍学", "Suspected dropouts proposed from absences"),
    "do_no_proposals": ("当前范围内没有待确认的连续缺勤。", "No absence runs to confirm in this scope."),
    "do_ledger": ("控辍保学台账", "Case ledger"),
    "do_new_case": ("登记未入学儿童", "Open a case for a child not enrolled"),
    "do_open_case": ("打开案件", "Open case"),
    "do_unmask": ("显示完整姓名和证件号(将记录在审计日志)", "Show full names and IDs (recorded)"),
    "do_no_case": ("请先在“辍学台账”中选择一个案件。", "Choose a case in the ledger first."),
    "do_conflict": ("保存冲突", "Edit conflict"),
    "do_reapply": ("在最新版本上重新提交我的修改", "Apply my changes to the newer version"),
    "do_discard": ("放弃我的修改", "Discard my changes"),
    "do_week": ("周次", "ISO week"),
    "do_missing": ("本周未填报的学校", "Schools that have not filed this week"),
    "do_mentoring": ("一教一帮", "One-to-one mentoring"),
    "do_home": ("送教上门", "Home teaching"),
    "do_todo_mine": ("只看需要我这一级处理的", "Only what my level answers for"),
    "do_read_only": ("您的角色只能查看。", "Your role is read-only."),
}


#: Labels lib writes in Chinese (学籍核查's lists, cards and tables): Chinese -> English.
LABELS: dict[str, str] = {
    # the roster's categories (lib.roster.register.CATEGORIES) and the other lists
    "在县内就读": "In a county school",
    "特教/送教上门": "Special school / home-taught",
    "免缓学": "Exempt or deferred",
    "去向不明": "Whereabouts unknown",
    "重复在籍": "Enrolled twice",
    "问题学籍": "Problem records",
    "全部花名册": "Whole roster",
    "转学逾期未确认": "Transfers unconfirmed past the deadline",
    "异地就学待核查": "Studying elsewhere, to check",
    # card help (lib.roster.view)
    "身份证号与全县某校在校学生一致。": "The ID number matches a student enrolled in a county school.",
    "有异地就学记录(外县学校)，或转出县外且对方学校已确认。": (
        "Recorded as studying in another county, or transferred out and confirmed by the receiving school."
    ),
    "特教学校就读或送教上门。": "At a special school or taught at home.",
    "花名册注明免缓学原因(须有鉴定或批准)。": "The roster gives a reason for exemption or deferral (assessed or approved).",
    "既不在县内就读，也无异地就学、特教/送教或免缓学记录：须入户查明去向，可建立控辍保学台账。": (
        "Not at a county school and no record of studying elsewhere, special placement or exemption: "
        "visit the home to find out; a dropout case can be opened."
    ),
    "转出后超过期限仍未获转入学校确认。": "Transferred out, and the receiving school has not confirmed in time.",
    "同一身份证号同时在县内两所学校在籍。": "One ID number enrolled at two county schools.",
    "本学期尚未确认在读情况。": "Not yet confirmed as attending this term.",
    "空挂学籍、人籍分离、身份证号错误、疑似重复人员、超龄。": (
        "Ghost enrolments, home and record apart, wrong ID numbers, likely duplicates, over-age."
    ),
    # table headers (lib.roster.view, lib.roster.checks)
    "类别": "Category",
    "合计": "Total",
    "已掌握去向": "Whereabouts known",
    "学校所在乡镇": "School's township",
    "确认期限": "Confirm by",
    "核查": "Check",
    "问题": "Problem",
    "建议措施": "Suggested action",
    # suggested actions (lib.roster.checks.ACTIONS)
    "核对两校学籍，注销错误的一条": "Check both schools' records and cancel the wrong one",
    "联系转入学校确认；无法确认的按疑似辍学核实": (
        "Ask the receiving school to confirm; if it cannot, check as a suspected dropout"
    ),
    "电话或入户核实就读情况，更新确认日期": "Check attendance by phone or a visit and update the date",
    "入户核实是否辍学，必要时建立控辍保学台账": "Visit to check for dropout; open a case if needed",
    "核对户籍与学籍住址，更新学籍信息": "Compare the registered and school addresses; update the record",
    "核对户口簿，更正身份证号": "Check the household register and correct the ID number",
    "核实是否同一人，合并或注销重复学籍": "Check whether it is one person; merge or cancel the duplicate",
    "核实出生日期与年级，关注学习困难与辍学风险": "Check birth date and grade; watch for learning difficulty and dropout risk",
    # what another unit's students show (nothing) and suspended pupils
    "不在您的范围内": "Outside your scope",
    "身份证号属于您范围以外的学生：不显示其任何信息；如有疑问请联系县级业务人员。": (
        "ID numbers of students outside your scope: nothing about them is shown; ask the county staff if in doubt."
    ),
    "经批准休学(学籍状态为休学，或学籍异动中已批准的休学之后未复学)：到期复学时核实。": (
        "Suspended with approval (status 休学, or an approved suspension not followed by a return): check when it ends."
    ),
}
