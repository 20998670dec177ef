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
