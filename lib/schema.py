"""The data model: tables, columns, types, Chinese labels and code lists.

One place for each fact: every table the store holds, every column with its
DuckDB type and its Chinese label, and every code list (levels, statuses,
reasons, programmes, categories).  ``lib.store`` builds its DDL from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- code lists
#: School levels (学段/办学类型).
LEVELS: dict[str, str] = {
    "教学点": "Teaching point",
    "小学": "Primary school",
    "九年一贯制": "Nine-year school",
    "初中": "Junior secondary",
    "特殊教育": "Special-education school",
}
#: Levels that teach each band (DESIGN.md; issue 3).  Special schools are in neither.
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
    1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级",
    7: "七年级", 8: "八年级", 9: "九年级",
}

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

CASE_ACTIONS = ("家访", "电话", "约谈", "一教一帮", "送教上门", "资助核查", "发放通知书", "其他")

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
            ),
            ("student_id",),
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
DATA_TABLES = tuple(n for n in TABLES if n not in ("meta", "audit_log"))


def label(table: str, column: str) -> str:
    """Chinese label of a column."""
    return TABLES[table].column(column).label


def personal_columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns if c.personal]
