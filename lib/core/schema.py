"""The data model: tables, columns, types, Chinese labels and code lists.

One place for each fact: every table the store holds, every column with its
DuckDB type and its Chinese label, and every code list (levels, statuses,
reasons, programmes, categories).  ``lib.core.store`` builds its DDL from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------- code lists
#: School levels (学段/办学类型).
LEVELS: dict[str, str] = {
    "教学点": "Teaching point",
    "小学": "Primary school",
    "九年一贯制": "Nine-year school",
    "初中": "Junior secondary",
    "特殊教育": "Special-education school",
}
#: Levels that teach each band (DESIGN.md).  Special schools are in neither.
BAND_LEVELS: dict[str, tuple[str, ...]] = {
    "primary": ("小学", "九年一贯制", "教学点"),
    "junior": ("初中", "九年一贯制", "完全中学"),
}
BAND_GRADES: dict[str, tuple[int, ...]] = {
    "primary": (1, 2, 3, 4, 5, 6),
    "junior": (7, 8, 9),
}
BAND_AGES: dict[str, tuple[int, int]] = {"primary": (6, 11), "junior": (12, 14)}
COMPULSORY_AGES: tuple[int, int] = (6, 14)
#: Grade labels: grades are stored as 1-9 (7 = 初一).
GRADE_LABELS: dict[int, str] = {
    1: "一年级",
    2: "二年级",
    3: "三年级",
    4: "四年级",
    5: "五年级",
    6: "六年级",
    7: "七年级",
    8: "八年级",
    9: "九年级",
}
#: A pupil's usual age on 1 September is the grade plus this (grade 1 at six; grade 7 = 初一 at
#: twelve): the one definition of grade -> typical age (import warnings, over-age checks, risk).
GRADE_AGE_OFFSET = 5


def typical_age(grade: Any) -> Any:
    """The usual age on 1 September of a pupil in ``grade`` (1-9; a number, Series or array)."""
    return grade + GRADE_AGE_OFFSET


#: Words that open a total line of a clerk's table (合计：40人, 小计, 总计 ...): not data.
SUMMARY_ROW_WORDS: tuple[str, ...] = ("合计", "小计", "总计", "共计", "累计", "总数")
#: Words that open a signature line under a clerk's table (填表人：张三  审核人：李四).
FOOTER_ROW_WORDS: tuple[str, ...] = (
    "填表人",
    "制表人",
    "填报人",
    "审核人",
    "负责人",
    "校长",
    "联系电话",
    "填表日期",
    "填报日期",
    "制表日期",
    "单位盖章",
    "盖章",
)

TOWNSHIP_KINDS = ("街道", "镇", "乡", "类似乡级单位")

#: Student status (学籍状态); separate from case status.
STUDENT_STATUS: dict[str, str] = {
    "在校": "In school",
    "送教上门": "Home-taught",
    "休学": "Suspended",
    "转出": "Transferred out",
    "辍学": "Dropped out",
    "毕业": "Graduated",
}
#: Statuses that count as enrolled (在校学生).
ENROLLED_STATUS = ("在校", "送教上门")

PLACEMENTS: dict[str, str] = {
    "普通班": "Regular class",
    "随班就读": "Inclusive class",
    "特教学校": "Special school",
    "送教上门": "Home-taught",
}

#: Dropout case status (辍学/疑似辍学台账), in the order a case moves.
CASE_STATUS: dict[str, str] = {
    "疑似辍学": "Suspected",
    "已核实": "Confirmed",
    "误报": "False alarm",
    "劝返中": "Persuading",
    "已返校": "Returned",
    "巩固": "Retained",
}
#: Cases that count as dropouts (confirmed, not yet back).
DROPOUT_CASE_STATUS = ("已核实", "劝返中")
OPEN_CASE_STATUS = ("疑似辍学", "已核实", "劝返中")
RETURNED_CASE_STATUS = ("已返校", "巩固")

#: Reason codes (DESIGN.md §4).
REASONS: dict[str, str] = {
    "学习困难/厌学": "Learning difficulty",
    "家庭经济困难": "Poverty",
    "上学远": "Distance",
    "外出打工": "Left to work",
    "早婚早育": "Early marriage",
    "信教": "Religion",
    "身体原因(残疾/疾病)": "Disability or illness",
    "监护缺失": "No guardian",
    "其他": "Other",
}
#: The four risks the bureau names, and which reason codes fall under each.
RISK_GROUPS: dict[str, tuple[str, ...]] = {
    "学困厌学": ("学习困难/厌学",),
    "上学远": ("上学远",),
    "因贫": ("家庭经济困难",),
    "因残": ("身体原因(残疾/疾病)",),
}

#: The six responsible people per case (六长), in escalation order upward.
SIX_CHIEFS: dict[str, str] = {
    "师长": "Class teacher",
    "家长": "Parent",
    "校长": "Head teacher",
    "村长": "Village head",
    "镇长": "Township head",
    "教体局局长": "Bureau director",
}

#: 安置方式: where a returned child is placed (中职 only from 15 years of age).
RETURN_PLACEMENTS: dict[str, str] = {
    "原校": "Same school",
    "转学": "Another school",
    "特教学校": "Special school",
    "送教上门": "Home teaching",
    "中职": "Secondary vocational school",
}
#: 核查结果 of the provincial module's 核查反馈 export.
CHECK_RESULTS: dict[str, str] = {
    "在校": "In school",
    "已返校": "Returned",
    "辍学": "Out of school",
    "误报": "False alarm",
}

CASE_ACTIONS = ("家访", "电话", "约谈", "一教一帮", "送教上门", "资助核查", "发放通知书", "其他")

# ---- 控辍保学: interventions, notices, detection decisions
#: Interventions (帮扶措施) assigned to a student: 一教一帮 pairs a struggling student
#: with a teacher; 送教上门 sends a teacher to a severely disabled child at home.
INTERVENTION_KINDS: dict[str, str] = {
    "一教一帮": "One-to-one teacher mentoring",
    "送教上门": "Home teaching",
    "家访": "Home visits",
    "资助核查": "Aid check",
}
INTERVENTION_STATUS: dict[str, str] = {"进行中": "Active", "已结束": "Ended"}
#: A person's decision on a suspected case proposed from absences (缺勤监测).
DETECTION_DECISIONS: dict[str, str] = {"确认": "Confirmed", "排除": "Dismissed"}
#: Where a case came from.
CASE_SOURCES = ("缺勤监测", "学校上报", "花名册核查", "名单比对", "小升初跟踪")

POVERTY_CATEGORIES: dict[str, str] = {
    "脱贫户": "Lifted from poverty",
    "监测对象": "Monitored household",
    "低保": "Minimum living allowance",
    "特困": "Extreme poverty support",
}

#: Student flags (boolean columns) with their labels.
FLAGS: dict[str, tuple[str, str]] = {
    "learning_difficulty": ("学习困难", "Learning difficulty"),
    "disability": ("残疾", "Disability"),
    "left_behind": ("留守儿童", "Left-behind child"),
    "orphan": ("孤儿", "Orphan"),
    "unsupported": ("事实无人抚养", "De-facto unsupported"),
    "martyr_child": ("烈士子女", "Martyr's child"),
    "prisoner_child": ("服刑人员子女", "Child of a prisoner"),
    "disabled_parent": ("残疾人子女", "Child of a disabled parent"),
}

#: Aid programmes (资助项目).
PROGRAMMES: dict[str, str] = {
    "生活补助": "Living subsidy (compulsory)",
    "营养改善计划": "Nutrition programme",
    "省级资助": "Henan provincial aid",
    "学费减免": "Tuition waiver",
    "助学金": "Grant",
    "奖学金": "Scholarship",
    "生源地信用助学贷款": "Student-origin credit loan",
}
FUNDING_SOURCES = ("中央", "省级", "市级", "县级", "社会")

#: Approval stages of an aid application (资助审批), in order; an application's
#: status is the last stage it passed, or 已退回 (rejected, with a reason).
AID_STAGES: dict[str, str] = {
    "已申请": "Applied",
    "学校初审": "School review passed",
    "资助中心核对": "Aid centre check passed",
    "已批准": "Approved",
    "已发放": "Paid",
}
AID_REJECTED = "已退回"
#: Aid recipients who are not compulsory-school students (非义务教育阶段受助学生).
AID_RECIPIENT_STAGES: dict[str, str] = {
    "普通高中": "High school",
    "中职": "Vocational school",
    "大学": "University",
}
#: Outside lists reconciled against the students (精准识别比对).
REGISTRY_KINDS: dict[str, str] = {
    "poverty": "脱贫户/防返贫监测对象(乡村振兴部门)",
    "minimal_living": "低保/特困供养(民政部门)",
    "disability": "残疾人(残联)",
    "aid_system": "全国学生资助管理系统导出",
}
#: Verification task status (核实任务).
AID_TASK_STATUS: dict[str, str] = {"待核实": "Open", "已核实": "Verified", "无需处理": "Dismissed"}

SEX = {"男": "Male", "女": "Female"}


# ---------------------------------------------------------------- tables
@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # DuckDB type
    label: str  # Chinese label shown to users
    personal: bool = False  # personal data: masked by default
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, dtype: str, label: str, **kw: bool) -> Column:
    return Column(name, dtype, label, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("meta", "元数据", (_c("key", "VARCHAR", "键"), _c("value", "VARCHAR", "值")), ("key",)),
        Table(
            "counties",
            "县区",
            (
                _c("code", "VARCHAR", "县区代码"),
                _c("name", "VARCHAR", "县区名称"),
                _c("geometry", "VARCHAR", "边界(WKT)"),
            ),
            ("code",),
        ),
        Table(
            "townships",
            "乡镇(街道)",
            (
                _c("code", "VARCHAR", "乡镇代码"),
                _c("county_code", "VARCHAR", "县区代码"),
                _c("name", "VARCHAR", "乡镇名称"),
                _c("kind", "VARCHAR", "类型"),
                _c("seat_lon", "DOUBLE", "驻地经度"),
                _c("seat_lat", "DOUBLE", "驻地纬度"),
                _c("geometry", "VARCHAR", "边界(WKT)"),
            ),
            ("code",),
        ),
        Table(
            "villages",
            "行政村(社区)",
            (
                _c("code", "VARCHAR", "村(社区)代码"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("name", "VARCHAR", "村(社区)名称"),
                _c("kind", "VARCHAR", "类型"),
                _c("lon", "DOUBLE", "经度"),
                _c("lat", "DOUBLE", "纬度"),
            ),
            ("code",),
        ),
        Table(
            "village_population",
            "学龄人口",
            (
                _c("village_code", "VARCHAR", "村(社区)代码"),
                _c("year", "INTEGER", "年份"),
                _c("age", "INTEGER", "年龄"),
                _c("persons", "INTEGER", "人数"),
            ),
            ("village_code", "year", "age"),
        ),
        Table(
            "schools",
            "学校",
            (
                _c("code", "VARCHAR", "学校标识码"),
                _c("name", "VARCHAR", "学校名称"),
                _c("level", "VARCHAR", "办学类型"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("village_code", "VARCHAR", "所在村(社区)"),
                _c("lon", "DOUBLE", "经度"),
                _c("lat", "DOUBLE", "纬度"),
                _c("capacity", "INTEGER", "核定学位"),
                _c("classes", "INTEGER", "班级数"),
                _c("boarding_beds", "INTEGER", "寄宿床位"),
                _c("teachers", "INTEGER", "教师数"),
            ),
            ("code",),
        ),
        Table(
            "students",
            "学生",
            (
                _c("student_id", "VARCHAR", "学生编号"),
                _c("id_number", "VARCHAR", "身份证号", personal=True),
                _c("xueji_number", "VARCHAR", "学籍号", personal=True),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("sex", "VARCHAR", "性别"),
                _c("birth_date", "DATE", "出生日期", personal=True),
                _c("grade", "INTEGER", "年级"),
                _c("class_no", "INTEGER", "班级"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("village_code", "VARCHAR", "户籍村(社区)"),
                _c("boarding", "BOOLEAN", "寄宿"),
                _c("placement", "VARCHAR", "安置方式"),
                _c("status", "VARCHAR", "学籍状态"),
                _c("status_date", "DATE", "状态日期"),
                _c("enrolled_on", "DATE", "入学日期"),
                _c("learning_difficulty", "BOOLEAN", "学习困难", personal=True),
                _c("score_trend", "DOUBLE", "成绩变化(标准分)"),
                _c("disability", "BOOLEAN", "残疾", personal=True),
                _c("disability_level", "INTEGER", "残疾等级", personal=True),
                _c("poverty_category", "VARCHAR", "困难类别", personal=True),
                _c("left_behind", "BOOLEAN", "留守儿童", personal=True),
                _c("orphan", "BOOLEAN", "孤儿", personal=True),
                _c("unsupported", "BOOLEAN", "事实无人抚养", personal=True),
                _c("martyr_child", "BOOLEAN", "烈士子女", personal=True),
                _c("prisoner_child", "BOOLEAN", "服刑人员子女", personal=True),
                _c("disabled_parent", "BOOLEAN", "残疾人子女", personal=True),
                _c("guardian_name", "VARCHAR", "监护人", personal=True),
                _c("guardian_phone", "VARCHAR", "监护人电话", personal=True),
                # ---- why a student left the active roll (学年升级: 毕业 ...), and when
                # retention de-identified the row's personal fields
                _c("leave_reason", "VARCHAR", "离校原因"),
                _c("deidentified_on", "DATE", "去标识化日期"),
            ),
            ("student_id",),
        ),
        Table(
            "student_history",
            "学籍与登记属性历史",
            (
                _c("student_id", "VARCHAR", "学生编号"),
                _c("valid_from", "DATE", "起始日期"),
                _c("valid_to", "DATE", "截止日期(不含)"),
                _c("grade", "INTEGER", "年级"),
                _c("class_no", "INTEGER", "班级"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("village_code", "VARCHAR", "户籍村(社区)"),
                _c("boarding", "BOOLEAN", "寄宿"),
                _c("placement", "VARCHAR", "安置方式"),
                _c("status", "VARCHAR", "学籍状态"),
                _c("status_date", "DATE", "状态日期"),
                _c("learning_difficulty", "BOOLEAN", "学习困难", personal=True),
                _c("score_trend", "DOUBLE", "成绩变化(标准分)"),
                _c("disability", "BOOLEAN", "残疾", personal=True),
                _c("disability_level", "INTEGER", "残疾等级", personal=True),
                _c("poverty_category", "VARCHAR", "困难类别", personal=True),
                _c("left_behind", "BOOLEAN", "留守儿童", personal=True),
                _c("orphan", "BOOLEAN", "孤儿", personal=True),
                _c("unsupported", "BOOLEAN", "事实无人抚养", personal=True),
                _c("martyr_child", "BOOLEAN", "烈士子女", personal=True),
                _c("prisoner_child", "BOOLEAN", "服刑人员子女", personal=True),
                _c("disabled_parent", "BOOLEAN", "残疾人子女", personal=True),
                _c("leave_reason", "VARCHAR", "离校原因"),
            ),
            ("student_id", "valid_from"),
        ),
        # ---- the record of the past (lib/core/history.py): the same columns per date
        Table(
            "enrolment_counts_history",
            "在校生人数历史",
            (
                _c("school_year", "INTEGER", "学年"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("grade", "INTEGER", "年级"),
                _c("valid_from", "DATE", "起始日期"),
                _c("valid_to", "DATE", "截止日期(不含)"),
                _c("students", "INTEGER", "人数"),
            ),
            ("school_year", "school_code", "grade", "valid_from"),
        ),
        Table(
            "village_population_history",
            "学龄人口历史",
            (
                _c("village_code", "VARCHAR", "村(社区)代码"),
                _c("year", "INTEGER", "年份"),
                _c("age", "INTEGER", "年龄"),
                _c("valid_from", "DATE", "起始日期"),
                _c("valid_to", "DATE", "截止日期(不含)"),
                _c("persons", "INTEGER", "人数"),
            ),
            ("village_code", "year", "age", "valid_from"),
        ),
        Table(
            "school_history",
            "学校历史",
            (
                _c("code", "VARCHAR", "学校标识码"),
                _c("valid_from", "DATE", "起始日期"),
                _c("valid_to", "DATE", "截止日期(不含)"),
                _c("name", "VARCHAR", "学校名称"),
                _c("level", "VARCHAR", "办学类型"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("village_code", "VARCHAR", "所在村(社区)"),
                _c("lon", "DOUBLE", "经度"),
                _c("lat", "DOUBLE", "纬度"),
                _c("capacity", "INTEGER", "核定学位"),
                _c("classes", "INTEGER", "班级数"),
                _c("boarding_beds", "INTEGER", "寄宿床位"),
                _c("teachers", "INTEGER", "教师数"),
            ),
            ("code", "valid_from"),
        ),
        Table(
            "enrolments",
            "学籍快照",
            (
                _c("school_year", "INTEGER", "学年"),
                _c("term", "INTEGER", "学期"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("grade", "INTEGER", "年级"),
                _c("status", "VARCHAR", "学籍状态"),
            ),
            ("school_year", "term", "student_id"),
        ),
        Table(
            "enrolment_counts",
            "在校生人数(历年)",
            (
                _c("school_year", "INTEGER", "学年"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("grade", "INTEGER", "年级"),
                _c("students", "INTEGER", "人数"),
            ),
            ("school_year", "school_code", "grade"),
        ),
        Table(
            "school_calendar",
            "校历",
            (
                _c("day", "DATE", "日期"),
                _c("school_year", "INTEGER", "学年"),
                _c("term", "INTEGER", "学期"),
                _c("is_school_day", "BOOLEAN", "上课日"),
            ),
            ("day",),
        ),
        Table(
            "absences",
            "缺勤",
            (
                _c("student_id", "VARCHAR", "学生编号"),
                _c("day", "DATE", "日期"),
                _c("excused", "BOOLEAN", "已请假"),
            ),
            ("student_id", "day"),
        ),
        Table(
            "contacts",
            "联系人",
            (
                _c("role", "VARCHAR", "角色"),
                _c("place_code", "VARCHAR", "单位代码"),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("phone", "VARCHAR", "电话", personal=True),
            ),
            ("role", "place_code"),
        ),
        Table(
            "dropout_cases",
            "控辍保学台账",
            (
                _c("case_id", "VARCHAR", "案件编号"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("id_number", "VARCHAR", "身份证号", personal=True),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("village_code", "VARCHAR", "户籍村(社区)"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("grade", "INTEGER", "年级"),
                _c("status", "VARCHAR", "状态"),
                _c("reason", "VARCHAR", "辍学原因"),
                _c("source", "VARCHAR", "来源"),
                _c("reported_on", "DATE", "上报日期"),
                _c("verified_on", "DATE", "核实日期"),
                _c("returned_on", "DATE", "返校日期"),
                _c("closed_on", "DATE", "结案日期"),
                _c("next_followup_on", "DATE", "下次跟进"),
                _c("dismiss_reason", "VARCHAR", "误报原因"),
                _c("version", "INTEGER", "版本"),
                # ---- 控辍保学: 安置方式 at return; a case that reopens keeps its first return
                _c("return_placement", "VARCHAR", "安置方式"),
                _c("first_returned_on", "DATE", "首次返校日期"),
                _c("reopened_on", "DATE", "再次辍学日期"),
                _c("updated_by", "VARCHAR", "更新人"),
                _c("updated_at", "TIMESTAMP", "更新时间"),
            ),
            ("case_id",),
        ),
        Table(
            "case_responsibles",
            "六长责任人",
            (
                _c("case_id", "VARCHAR", "案件编号"),
                _c("role", "VARCHAR", "职责"),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("phone", "VARCHAR", "电话", personal=True),
                # the person's account, when they have one: the case's tasks reach their 我的待办
                _c("account", "VARCHAR", "账号"),
            ),
            ("case_id", "role"),
        ),
        Table(
            "case_actions",
            "劝返记录",
            (
                _c("action_id", "VARCHAR", "记录编号"),
                _c("case_id", "VARCHAR", "案件编号"),
                _c("acted_on", "DATE", "日期"),
                _c("actor", "VARCHAR", "经办人", personal=True),
                _c("action", "VARCHAR", "措施"),
                _c("result", "VARCHAR", "结果"),
            ),
            ("action_id",),
        ),
        # ---- 控辍保学
        Table(
            "case_versions",
            "台账修改前版本",
            (
                _c("case_id", "VARCHAR", "案件编号"),
                _c("version", "INTEGER", "修改前版本"),
                _c("edited_on", "DATE", "修改(业务)日期"),
                _c("edited_by", "VARCHAR", "修改人"),
                _c("before", "VARCHAR", "修改前内容(JSON，含六长)", personal=True),
            ),
            ("case_id", "version"),
        ),
        Table(
            "case_status_log",
            "台账状态变更",
            (
                _c("case_id", "VARCHAR", "案件编号"),
                _c("from_status", "VARCHAR", "原状态"),
                _c("to_status", "VARCHAR", "新状态"),
                _c("changed_on", "DATE", "变更日期"),
                _c("changed_by", "VARCHAR", "变更人"),
                _c("reason", "VARCHAR", "说明"),
            ),
        ),
        Table(
            "notices",
            "通知书",
            (
                _c("notice_id", "VARCHAR", "文书编号"),
                _c("case_id", "VARCHAR", "案件编号"),
                _c("kind", "VARCHAR", "文书"),
                _c("issued_on", "DATE", "签发日期"),
                _c("issued_by", "VARCHAR", "签发人"),
                _c("deadline_on", "DATE", "限期"),
            ),
            ("notice_id",),
        ),
        Table(
            "detection_decisions",
            "缺勤监测确认",
            (
                _c("student_id", "VARCHAR", "学生编号"),
                _c("run_start", "DATE", "连续缺勤起始日"),
                _c("decision", "VARCHAR", "结论"),
                _c("reason", "VARCHAR", "理由"),
                _c("decided_by", "VARCHAR", "确认人"),
                _c("decided_on", "DATE", "确认日期"),
                _c("case_id", "VARCHAR", "案件编号"),
            ),
            ("student_id", "run_start"),
        ),
        Table(
            "interventions",
            "帮扶措施",
            (
                _c("intervention_id", "VARCHAR", "措施编号"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("kind", "VARCHAR", "措施"),
                _c("teacher", "VARCHAR", "帮扶教师", personal=True),
                _c("started_on", "DATE", "开始日期"),
                _c("ended_on", "DATE", "结束日期"),
                _c("status", "VARCHAR", "状态"),
                _c("note", "VARCHAR", "说明"),
                _c("created_by", "VARCHAR", "安排人"),
                _c("version", "INTEGER", "版本"),
            ),
            ("intervention_id",),
        ),
        Table(
            "intervention_visits",
            "帮扶记录",
            (
                _c("visit_id", "VARCHAR", "记录编号"),
                _c("intervention_id", "VARCHAR", "措施编号"),
                _c("visited_on", "DATE", "日期"),
                _c("teacher", "VARCHAR", "教师", personal=True),
                _c("content", "VARCHAR", "内容"),
                _c("recorded_by", "VARCHAR", "登记人"),
            ),
            ("visit_id",),
        ),
        Table(
            "weekly_submissions",
            "每周填报",
            (
                _c("iso_week", "VARCHAR", "周次"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("submitted_on", "DATE", "填报日期"),
                _c("submitted_by", "VARCHAR", "填报人"),
                _c("note", "VARCHAR", "说明"),
            ),
            ("iso_week", "school_code"),
        ),
        Table(
            "aid_records",
            "资助台账",
            (
                _c("record_id", "VARCHAR", "记录编号"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("programme", "VARCHAR", "资助项目"),
                _c("school_year", "INTEGER", "学年"),
                _c("term", "INTEGER", "学期"),
                _c("standard_amount", "DOUBLE", "标准金额"),
                _c("paid_amount", "DOUBLE", "实发金额"),
                _c("due_date", "DATE", "应发日期"),
                _c("paid_date", "DATE", "实发日期"),
                _c("funding_source", "VARCHAR", "资金来源"),
            ),
            ("record_id",),
        ),
        # Derived (lib.aid.summary): who is owed what per term, counted per school, refreshed in the
        # transaction of every write that changes it; no personal data (counts per school).
        Table(
            "aid_coverage_summary",
            "资助覆盖汇总",
            (
                _c("school_year", "INTEGER", "学年"),
                _c("term", "INTEGER", "学期"),
                _c("programme", "VARCHAR", "资助项目"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("covered", "BOOLEAN", "已发放"),
                _c("last_due", "DATE", "最晚应发日期"),
                _c("students", "INTEGER", "学生数"),
            ),
        ),
        # ---- 学生资助: approvals, funds, non-compulsory recipients, social aid, tasks
        Table(
            "aid_applications",
            "资助申请",
            (
                _c("application_id", "VARCHAR", "申请编号"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("recipient_id", "VARCHAR", "受助人编号"),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("programme", "VARCHAR", "资助项目"),
                _c("school_year", "INTEGER", "学年"),
                _c("term", "INTEGER", "学期"),
                _c("amount", "DOUBLE", "申请金额"),
                _c("status", "VARCHAR", "审批状态"),
                _c("applied_on", "DATE", "申请日期"),
                _c("stage_on", "DATE", "最近办理日期"),
                _c("reject_reason", "VARCHAR", "退回原因"),
                _c("version", "INTEGER", "版本"),
                _c("updated_by", "VARCHAR", "更新人"),
            ),
            ("application_id",),
        ),
        Table(
            "aid_approval_steps",
            "资助审批记录",
            (
                _c("step_id", "VARCHAR", "记录编号"),
                _c("application_id", "VARCHAR", "申请编号"),
                _c("stage", "VARCHAR", "环节"),
                _c("decision", "VARCHAR", "结果"),
                _c("reason", "VARCHAR", "意见/退回原因"),
                _c("actor", "VARCHAR", "经办人", personal=True),
                _c("acted_on", "DATE", "办理日期"),
            ),
            ("step_id",),
        ),
        Table(
            "aid_funds",
            "资助资金下达",
            (
                _c("allocation_id", "VARCHAR", "指标编号"),
                _c("school_year", "INTEGER", "学年"),
                _c("programme", "VARCHAR", "资助项目"),
                _c("funding_source", "VARCHAR", "资金来源"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("amount", "DOUBLE", "下达金额"),
                _c("allocated_on", "DATE", "下达日期"),
                _c("document_no", "VARCHAR", "文号"),
            ),
            ("allocation_id",),
        ),
        Table(
            "aid_recipients",
            "非义务教育受助学生",
            (
                _c("recipient_id", "VARCHAR", "受助人编号"),
                _c("id_number", "VARCHAR", "身份证号", personal=True),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("sex", "VARCHAR", "性别"),
                _c("stage", "VARCHAR", "学段"),
                _c("institution", "VARCHAR", "就读学校"),
                _c("entry_year", "INTEGER", "入学年份"),
                _c("village_code", "VARCHAR", "户籍村(社区)"),
                _c("township_code", "VARCHAR", "户籍乡镇"),
                _c("poverty_category", "VARCHAR", "困难类别", personal=True),
                _c("phone", "VARCHAR", "联系电话", personal=True),
            ),
            ("recipient_id",),
        ),
        Table(
            "aid_recipient_awards",
            "非义务教育资助台账",
            (
                _c("award_id", "VARCHAR", "记录编号"),
                _c("recipient_id", "VARCHAR", "受助人编号"),
                _c("programme", "VARCHAR", "资助项目"),
                _c("school_year", "INTEGER", "学年"),
                _c("term", "INTEGER", "学期"),
                _c("standard_amount", "DOUBLE", "标准金额"),
                _c("paid_amount", "DOUBLE", "实发金额"),
                _c("due_date", "DATE", "应发日期"),
                _c("paid_date", "DATE", "实发日期"),
                _c("funding_source", "VARCHAR", "资金来源"),
            ),
            ("award_id",),
        ),
        Table(
            "aid_donations",
            "社会捐赠",
            (
                _c("donation_id", "VARCHAR", "捐赠编号"),
                _c("donor", "VARCHAR", "捐赠方"),
                _c("donor_kind", "VARCHAR", "捐赠方类型"),
                _c("amount", "DOUBLE", "金额"),
                _c("received_on", "DATE", "到账日期"),
                _c("purpose", "VARCHAR", "用途"),
                _c("campaign_year", "INTEGER", "新生助学活动年份"),
                _c("recorded_by", "VARCHAR", "登记人"),
            ),
            ("donation_id",),
        ),
        Table(
            "aid_donation_grants",
            "捐赠发放",
            (
                _c("grant_id", "VARCHAR", "发放编号"),
                _c("donation_id", "VARCHAR", "捐赠编号"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("recipient_id", "VARCHAR", "受助人编号"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("amount", "DOUBLE", "金额"),
                _c("granted_on", "DATE", "发放日期"),
            ),
            ("grant_id",),
        ),
        Table(
            "aid_campaign_applications",
            "大学新生助学申请",
            (
                _c("application_id", "VARCHAR", "申请编号"),
                _c("campaign_year", "INTEGER", "活动年份"),
                _c("recipient_id", "VARCHAR", "受助人编号"),
                _c("applied_on", "DATE", "申请日期"),
                _c("university", "VARCHAR", "录取院校"),
                _c("status", "VARCHAR", "状态"),
                _c("grant_id", "VARCHAR", "发放编号"),
                _c("note", "VARCHAR", "备注"),
            ),
            ("application_id",),
        ),
        Table(
            "aid_verification_tasks",
            "资助核实任务",
            (
                _c("task_id", "VARCHAR", "任务编号"),
                _c("kind", "VARCHAR", "名单类型"),
                _c("category", "VARCHAR", "比对结果"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("id_number", "VARCHAR", "身份证号", personal=True),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("school_code", "VARCHAR", "学校标识码"),
                _c("township_code", "VARCHAR", "乡镇代码"),
                _c("detail", "VARCHAR", "核实内容"),
                _c("source_file", "VARCHAR", "来源文件"),
                _c("created_on", "DATE", "下发日期"),
                _c("created_by", "VARCHAR", "下发人"),
                _c("due_on", "DATE", "完成期限"),
                _c("status", "VARCHAR", "状态"),
                _c("result", "VARCHAR", "核实结果"),
                _c("closed_on", "DATE", "办结日期"),
                _c("closed_by", "VARCHAR", "办结人"),
                _c("version", "INTEGER", "版本"),
            ),
            ("task_id",),
        ),
        # ---- 数据导入: the import log, the rows each import replaced (for undo),
        # the keys it wrote, and column mappings remembered per source layout
        Table(
            "imports",
            "导入记录",
            (
                _c("import_id", "VARCHAR", "导入编号"),
                _c("seq", "INTEGER", "序号"),
                _c("kind", "VARCHAR", "数据类型"),
                _c("table_name", "VARCHAR", "目标表"),
                _c("mode", "VARCHAR", "导入方式"),
                _c("filename", "VARCHAR", "文件名"),
                _c("file_sha256", "VARCHAR", "文件指纹"),
                _c("rows_in_file", "INTEGER", "文件行数"),
                _c("rows_written", "INTEGER", "写入行数"),
                _c("rows_new", "INTEGER", "新增行数"),
                _c("rows_removed", "INTEGER", "替换前删除行数"),
                _c("rows_skipped", "INTEGER", "跳过的错误行"),
                _c("scope", "VARCHAR", "范围"),
                _c("as_of", "DATE", "统计日期"),
                _c("user_name", "VARCHAR", "导入人"),
                _c("committed_at", "TIMESTAMP", "导入时间"),
                _c("after_count", "INTEGER", "导入后行数"),
                _c("after_hash", "VARCHAR", "导入后内容指纹"),
                _c("status", "VARCHAR", "状态"),
                _c("undone_by", "VARCHAR", "撤销人"),
                _c("undone_at", "TIMESTAMP", "撤销时间"),
            ),
            ("import_id",),
        ),
        Table(
            "import_snapshots",
            "导入前快照",
            (
                _c("import_id", "VARCHAR", "导入编号"),
                _c("table_name", "VARCHAR", "表"),
                _c("row_key", "VARCHAR", "行键"),
                _c("row_json", "VARCHAR", "原行内容", personal=True),
            ),
        ),
        Table(
            "import_keys",
            "导入写入的行",
            (
                _c("import_id", "VARCHAR", "导入编号"),
                _c("table_name", "VARCHAR", "表"),
                _c("row_key", "VARCHAR", "行键"),
            ),
        ),
        Table(
            "import_mappings",
            "列对应关系(按来源记忆)",
            (
                _c("kind", "VARCHAR", "数据类型"),
                _c("signature", "VARCHAR", "表头指纹"),
                _c("mapping_json", "VARCHAR", "对应关系"),
                _c("updated_by", "VARCHAR", "更新人"),
                _c("updated_at", "TIMESTAMP", "更新时间"),
            ),
            ("kind", "signature"),
        ),
        # ---- 重点关注学生: an administrator's overrides of lib/config.py settings
        Table(
            "settings",
            "系统设置(管理员修改)",
            (
                _c("key", "VARCHAR", "设置项"),
                _c("value", "VARCHAR", "取值(JSON)"),
                _c("changed_by", "VARCHAR", "修改人"),
                _c("changed_at", "TIMESTAMP", "修改时间"),
            ),
            ("key",),
        ),
        # ---- 布局规划: what-if scenarios, saved by name
        Table(
            "scenarios",
            "布局规划方案",
            (
                _c("name", "VARCHAR", "方案名称"),
                _c("changes", "VARCHAR", "调整(JSON)"),
                _c("created_by", "VARCHAR", "创建人"),
                _c("updated_at", "TIMESTAMP", "更新时间"),
                _c("version", "INTEGER", "版本"),
            ),
            ("name",),
        ),
        # ---- 学籍核查: the school-age roster (一册), transfers, studying elsewhere
        Table(
            "school_age_roster",
            "适龄儿童花名册",
            (
                _c("id_number", "VARCHAR", "身份证号", personal=True),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("sex", "VARCHAR", "性别"),
                _c("birth_date", "DATE", "出生日期", personal=True),
                _c("township_code", "VARCHAR", "户籍乡镇"),
                _c("village_code", "VARCHAR", "户籍村(社区)"),
                _c("address", "VARCHAR", "户籍地址", personal=True),
                _c("guardian_name", "VARCHAR", "监护人", personal=True),
                _c("guardian_phone", "VARCHAR", "监护人电话", personal=True),
                _c("placement", "VARCHAR", "安置方式"),
                _c("exemption_reason", "VARCHAR", "免缓学原因"),
                _c("loaded_on", "DATE", "导入日期"),
                _c("loaded_by", "VARCHAR", "导入人"),
            ),
            ("id_number",),
        ),
        Table(
            "transfers",
            "转学台账",
            (
                _c("transfer_id", "VARCHAR", "转学编号"),
                _c("student_id", "VARCHAR", "学生编号"),
                _c("direction", "VARCHAR", "方向"),
                _c("from_school", "VARCHAR", "转出学校"),
                _c("to_school", "VARCHAR", "转入学校"),
                _c("other_school_name", "VARCHAR", "县外学校"),
                _c("other_county", "VARCHAR", "县外学校所在地"),
                _c("transfer_on", "DATE", "转学日期"),
                _c("confirmed_on", "DATE", "对方确认日期"),
                _c("confirmed_by", "VARCHAR", "确认人"),
            ),
            ("transfer_id",),
        ),
        Table(
            "study_elsewhere",
            "异地就学",
            (
                _c("id_number", "VARCHAR", "身份证号", personal=True),
                _c("name", "VARCHAR", "姓名", personal=True),
                _c("village_code", "VARCHAR", "户籍村(社区)"),
                _c("school_name", "VARCHAR", "就读学校"),
                _c("county_name", "VARCHAR", "就读地"),
                _c("confirmed_on", "DATE", "最近确认日期"),
            ),
            ("id_number",),
        ),
        # ---- 汇报模式与简报: the numbers of each saved briefing, to compare with the next
        Table(
            "briefing_snapshots",
            "汇报快照",
            (
                _c("snapshot_id", "VARCHAR", "快照编号"),
                _c("scope_key", "VARCHAR", "范围键(JSON)"),
                _c("scope_text", "VARCHAR", "范围"),
                _c("as_of", "DATE", "统计日期"),
                _c("saved_at", "TIMESTAMP", "保存时间"),
                _c("saved_by", "VARCHAR", "保存人"),
                _c("numbers", "VARCHAR", "指标(JSON，仅汇总数字)"),
            ),
            ("snapshot_id",),
        ),
        # ---- 后台任务: long work (核查, 比对, 回测, 规划, 简报) run in the background, by owner
        Table(
            "jobs",
            "后台任务",
            (
                _c("job_id", "VARCHAR", "任务编号"),
                _c("kind", "VARCHAR", "类型"),
                _c("owner", "VARCHAR", "发起人"),
                _c("scope_key", "VARCHAR", "范围键(JSON)"),
                _c("params", "VARCHAR", "参数摘要(JSON，不含个人信息)"),
                _c("state", "VARCHAR", "状态(queued/running/done/failed)"),
                _c("progress", "DOUBLE", "进度(0-1)"),
                _c("progress_text", "VARCHAR", "进度说明"),
                _c("created_at", "TIMESTAMP", "提交时间"),
                _c("started_at", "TIMESTAMP", "开始时间"),
                _c("finished_at", "TIMESTAMP", "结束时间"),
                _c("result_path", "VARCHAR", "结果文件"),
                _c("error", "VARCHAR", "错误信息"),
                _c("worker", "VARCHAR", "运行进程"),
            ),
            ("job_id",),
        ),
        # ---- 账号与权限: who may log in, with which roles and scope
        Table(
            "accounts",
            "账号",
            (
                _c("name", "VARCHAR", "用户名"),
                _c("display_name", "VARCHAR", "姓名"),
                _c("roles", "VARCHAR", "角色(+连接)"),
                _c("townships", "VARCHAR", "乡镇范围(逗号分隔)"),
                _c("school", "VARCHAR", "学校范围"),
                _c("password_hash", "VARCHAR", "密码摘要(argon2)"),
                _c("must_change", "BOOLEAN", "须修改密码"),
                _c("disabled", "BOOLEAN", "已停用"),
                _c("failed_count", "INTEGER", "连续失败次数"),
                _c("locked_until", "TIMESTAMP", "锁定至"),
                _c("password_changed_at", "TIMESTAMP", "密码修改时间"),
                _c("last_login_at", "TIMESTAMP", "最近登录"),
                _c("tokens_revoked_at", "TIMESTAMP", "登录保持凭证作废时间(退出登录)"),
                _c("created_at", "TIMESTAMP", "创建时间"),
                _c("created_by", "VARCHAR", "创建人"),
                _c("updated_at", "TIMESTAMP", "更新时间"),
                _c("updated_by", "VARCHAR", "更新人"),
                # a class teacher's classes (grade-class, e.g. 7-2): added last, as the migration appends it
                _c("classes", "VARCHAR", "班级范围(年级-班，逗号分隔，如 7-2)"),
            ),
            ("name",),
        ),
        Table(
            "audit_log",
            "审计日志",
            (
                _c("at", "TIMESTAMP", "时间"),
                _c("user_name", "VARCHAR", "用户"),
                _c("action", "VARCHAR", "操作"),
                _c("scope", "VARCHAR", "范围"),
                _c("detail", "VARCHAR", "详情"),
            ),
        ),
    )
}

#: Tables whose rows describe the county (filled by the demo or imports).
# (accounts are not county data: rebuilding the demo keeps them)
DATA_TABLES = tuple(n for n in TABLES if n not in ("meta", "audit_log", "accounts"))


def label(table: str, column: str) -> str:
    """Chinese label of a column."""
    return TABLES[table].column(column).label


def personal_columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns if c.personal]
