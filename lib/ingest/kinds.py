"""Table kinds of the import pipeline: canonical columns, their synonyms, types and rules.

A *kind* says what a file is about (学校, 学生, 缺勤 ... or an outside list such as
the poverty registry): which canonical columns it has, which header names mean
each of them (Chinese and English, as provincial and national systems export
them), which are required, what the key is, and which rows a scoped replace
removes.  Kinds with a ``table`` are committed to that store table; the
registry kinds (``poverty`` ...) and the ``roster`` are read and validated
here and reconciled by their own issues.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from lib.core import schema

#: Field types: how a cell is read.
#: text: as written (trimmed); id: ID number (GB 11643), kept as text;
#: code: a digit code kept as text; date; int; float; bool.
#: geometry: a polygon as WKT (boundary files; WGS-84 after reading).
FIELD_TYPES = ("text", "id", "xueji", "code", "phone", "date", "int", "float", "bool", "geometry")


@dataclass(frozen=True)
class Field:
    """One canonical column of a kind."""

    name: str
    label: str
    type: str = "text"
    synonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] | None = None  # allowed values (a code list)
    personal: bool = False
    aux: bool = False  # read to fill another column (e.g. a school name -> school_code); not stored
    range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Kind:
    """What a file is about and how it lands in the store."""

    name: str
    label: str
    table: str | None
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    #: at least one column of each group must be present (e.g. a student's identity)
    one_of: tuple[tuple[str, ...], ...] = ()
    #: columns whose values in the file delimit a scoped replace
    partition: tuple[str, ...] = ()
    #: how the partition reads in words (for the page and the docs)
    partition_text: str = ""
    registry: bool = False
    description: str = ""
    defaults: dict[str, object] = field(default_factory=dict)
    #: a key the file may leave out: (prefix, columns it is made from) -> prefix + a hash of them
    derive_key: tuple[str, tuple[str, ...]] | None = None
    #: the county's own data: only a whole-county user imports it
    county_wide: bool = False

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    def stored(self) -> list[str]:
        """Canonical columns written to the store (not the auxiliary ones)."""
        return [f.name for f in self.fields if not f.aux]


# ------------------------------------------------------------------ header cleaning
_STRIP = re.compile(r"[\s*＊:：_\-—·•.。、/\\|#№]+")


def clean_header(value: object) -> str:
    """A header for comparison: NFKC, lower case, no spaces, stars, colons or separators,
    ASCII parentheses.  ``学校 名称*`` -> ``学校名称``; ``School_Name`` -> ``schoolname``."""
    s = unicodedata.normalize("NFKC", "" if value is None else str(value)).lower()
    s = s.replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")")
    s = s.replace("[", "(").replace("]", ")")
    return _STRIP.sub("", s)


def _f(name: str, label: str, type_: str = "text", *synonyms: str, **kw) -> Field:
    return Field(name, label, type_, tuple(synonyms), **kw)


# ------------------------------------------------------------------ shared fields
_LON = _f(
    "lon",
    "经度",
    "float",
    "经度",
    "lon",
    "lng",
    "long",
    "longitude",
    "x坐标",
    "东经",
    "经度(wgs84)",
    "经度坐标",
    "gps经度",
    "经度值",
)
_LAT = _f(
    "lat",
    "纬度",
    "float",
    "纬度",
    "lat",
    "latitude",
    "y坐标",
    "北纬",
    "纬度(wgs84)",
    "纬度坐标",
    "gps纬度",
    "纬度值",
)
_CRS = _f(
    "crs",
    "坐标系",
    "text",
    "坐标系",
    "坐标系统",
    "坐标类型",
    "crs",
    "coordsystem",
    "coordinatesystem",
    aux=True,
)
_TOWN_CODE = _f(
    "township_code",
    "乡镇代码",
    "code",
    "乡镇代码",
    "乡镇编码",
    "乡镇(街道)代码",
    "所属乡镇代码",
    "乡镇区划代码",
    "township_code",
    "towncode",
    "township",
)
_TOWN_NAME = _f(
    "township_name",
    "乡镇名称",
    "text",
    "乡镇",
    "乡镇名称",
    "乡镇(街道)",
    "所属乡镇",
    "乡镇街道",
    "乡(镇)",
    "乡镇(街道)名称",
    "所在乡镇",
    "townshipname",
    "town",
    aux=True,
)
_VILLAGE_CODE = _f(
    "village_code",
    "村(社区)代码",
    "code",
    "村(社区)代码",
    "村代码",
    "村编码",
    "行政村代码",
    "社区代码",
    "村居代码",
    "村级代码",
    "villagecode",
)
_VILLAGE_NAME = _f(
    "village_name",
    "村(社区)名称",
    "text",
    "村(社区)",
    "村(社区)名称",
    "行政村",
    "村名",
    "村名称",
    "所在村",
    "村居",
    "村(居)",
    "villagename",
    "village",
    aux=True,
)
_SCHOOL_CODE = _f(
    "school_code",
    "学校标识码",
    "code",
    "学校标识码",
    "学校代码",
    "学校编码",
    "学校识别码",
    "学校标识",
    "schoolcode",
    "schoolid",
)
_SCHOOL_NAME = _f(
    "school_name",
    "学校名称",
    "text",
    "学校名称",
    "学校",
    "就读学校",
    "所在学校",
    "学校全称",
    "schoolname",
    "school",
    aux=True,
)
_STUDENT_ID = _f(
    "student_id", "学生编号", "code", "学生编号", "学生id", "学生标识", "学生标识码", "studentid", "student"
)
_ID_NUMBER = _f(
    "id_number",
    "身份证号",
    "id",
    "身份证号",
    "身份证号码",
    "身份证件号",
    "身份证件号码",
    "公民身份号码",
    "公民身份证号码",
    "证件号码",
    "证件号",
    "身份证",
    "学生身份证号",
    "idnumber",
    "idcard",
    "idno",
    personal=True,
)
_XUEJI = _f(
    "xueji_number",
    "学籍号",
    "xueji",
    "学籍号",
    "全国学籍号",
    "学籍号码",
    "学籍编号",
    "xuejinumber",
    "studentnumber",
    personal=True,
)
_NAME = _f("name", "姓名", "text", "姓名", "学生姓名", "name", "studentname", personal=True)
_YEAR = _f("school_year", "学年", "int", "学年", "学年度", "schoolyear", range=(2000, 2100))
_TERM = _f("term", "学期", "int", "学期", "term", "semester", range=(1, 2))


def _bool(name: str, label: str, *synonyms: str, personal: bool = True) -> Field:
    return Field(
        name, label, "bool", (label, f"是否{label}", *synonyms, name.replace("_", "")), personal=personal
    )


# ------------------------------------------------------------------ the kinds
_SCHOOLS = Kind(
    "schools",
    "学校",
    "schools",
    (
        _f(
            "code",
            "学校标识码",
            "code",
            "学校标识码",
            "学校代码",
            "学校编码",
            "学校识别码",
            "标识码",
            "schoolcode",
            "schoolid",
            "code",
        ),
        _f(
            "name", "学校名称", "text", "学校名称", "学校", "校名", "学校全称", "schoolname", "school", "name"
        ),
        _f(
            "level",
            "办学类型",
            "text",
            "办学类型",
            "学校类型",
            "学校类别",
            "学段",
            "level",
            "schooltype",
            codes=tuple(schema.LEVELS),
        ),
        _TOWN_CODE,
        _TOWN_NAME,
        _VILLAGE_CODE,
        _VILLAGE_NAME,
        _LON,
        _LAT,
        _CRS,
        _f("capacity", "核定学位", "int", "核定学位", "学位数", "核定学位数", "capacity", range=(0, 100_000)),
        _f("classes", "班级数", "int", "班级数", "教学班数", "班数", "classes", range=(0, 1000)),
        _f(
            "boarding_beds",
            "寄宿床位",
            "int",
            "寄宿床位",
            "床位数",
            "住宿床位",
            "boardingbeds",
            "beds",
            range=(0, 100_000),
        ),
        _f(
            "teachers",
            "教师数",
            "int",
            "教师数",
            "专任教师数",
            "专任教师",
            "教职工数",
            "teachers",
            range=(0, 10_000),
        ),
    ),
    key=("code",),
    required=("code", "name", "level"),
    one_of=(("township_code", "township_name"),),
    partition=("township_code",),
    partition_text="文件涉及的乡镇的全部学校",
    description="学校名单：标识码、名称、办学类型、所在乡镇与坐标、学位与班级数。",
)

_VILLAGES = Kind(
    "villages",
    "行政村(社区)",
    "villages",
    (
        _f(
            "code",
            "村(社区)代码",
            "code",
            "村(社区)代码",
            "村代码",
            "行政村代码",
            "社区代码",
            "统计用区划代码",
            "区划代码",
            "villagecode",
            "code",
        ),
        _TOWN_CODE,
        _TOWN_NAME,
        _f(
            "name",
            "村(社区)名称",
            "text",
            "村(社区)名称",
            "村(社区)",
            "行政村",
            "村名",
            "村名称",
            "名称",
            "villagename",
            "name",
        ),
        _f("kind", "类型", "text", "类型", "村居类型", "kind", codes=("行政村", "社区")),
        _LON,
        _LAT,
        _CRS,
    ),
    key=("code",),
    required=("code", "name"),
    one_of=(("township_code", "township_name"),),
    partition=("township_code",),
    partition_text="文件涉及的乡镇的全部村(社区)",
    description="行政村(社区)：12 位代码、名称、所属乡镇与坐标。",
)

_POPULATION = Kind(
    "village_population",
    "学龄人口",
    "village_population",
    (
        _f("village_code", "村(社区)代码", "code", *_VILLAGE_CODE.synonyms),
        _VILLAGE_NAME,
        _f("year", "年份", "int", "年份", "年度", "统计年份", "year", range=(2000, 2100)),
        _f("age", "年龄", "int", "年龄", "周岁", "age", range=(0, 15)),
        _f("persons", "人数", "int", "人数", "人口数", "儿童数", "persons", "count", range=(0, 100_000)),
    ),
    key=("village_code", "year", "age"),
    required=("year", "age", "persons"),
    one_of=(("village_code", "village_name"),),
    partition=("village_code", "year"),
    partition_text="文件涉及的村(社区)在文件涉及年份的全部数据",
    description="各村(社区)分年龄(0-15 岁)的学龄人口。",
)

# disability and learning difficulty are declared with the fields they come with (level, 学困生):
# a column listed twice would be matched, checked and stored twice
_STUDENT_FLAGS = tuple(
    _bool(col, label)
    for col, (label, _) in schema.FLAGS.items()
    if col not in ("disability", "learning_difficulty")
)
_STUDENTS = Kind(
    "students",
    "学生",
    "students",
    (
        _STUDENT_ID,
        _ID_NUMBER,
        _XUEJI,
        _NAME,
        _f("sex", "性别", "text", "性别", "sex", "gender", codes=tuple(schema.SEX)),
        _f(
            "birth_date",
            "出生日期",
            "date",
            "出生日期",
            "出生年月日",
            "出生年月",
            "生日",
            "birthdate",
            "birthday",
            "dob",
            personal=True,
        ),
        _f("grade", "年级", "int", "年级", "当前年级", "所在年级", "grade", range=(1, 9)),
        _f("class_no", "班级", "int", "班级", "班级号", "班号", "班", "classno", "class", range=(1, 99)),
        _SCHOOL_CODE,
        _SCHOOL_NAME,
        _f(
            "village_code",
            "户籍村(社区)",
            "code",
            "户籍村(社区)",
            "户籍村(社区)代码",
            "户籍村代码",
            *_VILLAGE_CODE.synonyms,
        ),
        _f(
            "village_name",
            "户籍村名称",
            "text",
            "户籍村",
            "户籍村名称",
            "户籍所在村",
            "家庭住址村",
            *_VILLAGE_NAME.synonyms,
            aux=True,
        ),
        _bool("boarding", "寄宿", "住校", "是否住校", "寄宿生", personal=False),
        _f(
            "placement",
            "安置方式",
            "text",
            "安置方式",
            "就读方式",
            "placement",
            codes=tuple(schema.PLACEMENTS),
        ),
        _f(
            "status",
            "学籍状态",
            "text",
            "学籍状态",
            "在校状态",
            "状态",
            "status",
            codes=tuple(schema.STUDENT_STATUS),
        ),
        _f("status_date", "状态日期", "date", "状态日期", "状态变更日期", "statusdate"),
        _f(
            "enrolled_on",
            "入学日期",
            "date",
            "入学日期",
            "入学年月",
            "入学时间",
            "enrolledon",
            "enrolmentdate",
        ),
        _bool("learning_difficulty", "学习困难", "学困生"),
        _f(
            "score_trend",
            "成绩变化(标准分)",
            "float",
            "成绩变化(标准分)",
            "成绩变化",
            "scoretrend",
            range=(-10, 10),
        ),
        _bool("disability", "残疾", "残疾学生", "是否残疾学生"),
        _f(
            "disability_level",
            "残疾等级",
            "int",
            "残疾等级",
            "残疾级别",
            "disabilitylevel",
            personal=True,
            range=(1, 4),
        ),
        _f(
            "poverty_category",
            "困难类别",
            "text",
            "困难类别",
            "家庭经济困难类别",
            "贫困类别",
            "建档立卡类别",
            "资助对象类别",
            "povertycategory",
            personal=True,
            codes=tuple(schema.POVERTY_CATEGORIES),
        ),
        *_STUDENT_FLAGS,
        _f(
            "guardian_name",
            "监护人",
            "text",
            "监护人",
            "监护人姓名",
            "家长姓名",
            "家长",
            "guardianname",
            personal=True,
        ),
        _f(
            "guardian_phone",
            "监护人电话",
            "phone",
            "监护人电话",
            "监护人联系电话",
            "家长电话",
            "联系电话",
            "手机号码",
            "guardianphone",
            "phone",
            personal=True,
        ),
    ),
    key=("student_id",),
    required=("name", "grade"),
    one_of=(("student_id", "id_number", "xueji_number"), ("school_code", "school_name")),
    partition=("school_code",),
    partition_text="文件涉及的学校的全部学生",
    description="学生学籍：身份证号或学籍号、姓名、学校、年级、户籍村与各项标记。",
    defaults={"status": "在校", "placement": "普通班"},
)

_ABSENCES = Kind(
    "absences",
    "缺勤",
    "absences",
    (
        _STUDENT_ID,
        _ID_NUMBER,
        _XUEJI,
        _NAME,
        _f("day", "日期", "date", "日期", "缺勤日期", "缺课日期", "day", "date"),
        _bool("excused", "已请假", "请假", "是否请假", "事病假", "excused", personal=False),
    ),
    key=("student_id", "day"),
    required=("day",),
    one_of=(("student_id", "id_number", "xueji_number"),),
    partition=("student_id",),
    partition_text="文件涉及的学生在文件日期范围内的缺勤记录",
    description="缺勤记录：学生、日期、是否请假。",
    defaults={"excused": False},
)

_CASES = Kind(
    "dropout_cases",
    "控辍保学台账",
    "dropout_cases",
    (
        _f("case_id", "案件编号", "code", "案件编号", "台账编号", "编号", "序号编码", "caseid"),
        _STUDENT_ID,
        _ID_NUMBER,
        _NAME,
        _f("village_code", "户籍村(社区)", "code", "户籍村(社区)", "户籍村代码", *_VILLAGE_CODE.synonyms),
        _f("village_name", "户籍村名称", "text", "户籍村", "户籍村名称", *_VILLAGE_NAME.synonyms, aux=True),
        _SCHOOL_CODE,
        _SCHOOL_NAME,
        _f("grade", "年级", "int", "年级", "辍学时年级", "grade", range=(1, 9)),
        _f(
            "status",
            "状态",
            "text",
            "状态",
            "台账状态",
            "处理状态",
            "status",
            codes=tuple(schema.CASE_STATUS),
        ),
        _f(
            "reason",
            "辍学原因",
            "text",
            "辍学原因",
            "原因",
            "失学辍学原因",
            "reason",
            codes=tuple(schema.REASONS),
        ),
        _f("source", "来源", "text", "来源", "线索来源", "source"),
        _f("reported_on", "上报日期", "date", "上报日期", "发现日期", "登记日期", "reportedon"),
        _f("verified_on", "核实日期", "date", "核实日期", "verifiedon"),
        _f("returned_on", "返校日期", "date", "返校日期", "劝返日期", "复学日期", "returnedon"),
        _f("closed_on", "结案日期", "date", "结案日期", "closedon"),
        _f("next_followup_on", "下次跟进", "date", "下次跟进", "下次跟进日期", "nextfollowupon"),
        _f("dismiss_reason", "误报原因", "text", "误报原因", "dismissreason"),
    ),
    key=("case_id",),
    required=("status", "reported_on"),
    one_of=(("student_id", "id_number"), ("village_code", "village_name")),
    partition=("village_code",),
    partition_text="文件涉及的户籍村(社区)的全部台账",
    description="辍学/疑似辍学台账：学生、户籍村、状态、原因与各环节日期。",
)

_AID = Kind(
    "aid_records",
    "资助台账",
    "aid_records",
    (
        _f("record_id", "记录编号", "code", "记录编号", "发放编号", "流水号", "recordid"),
        _STUDENT_ID,
        _ID_NUMBER,
        _XUEJI,
        _NAME,
        _SCHOOL_CODE,
        _SCHOOL_NAME,
        _f(
            "programme",
            "资助项目",
            "text",
            "资助项目",
            "项目",
            "项目名称",
            "资助类型",
            "programme",
            "program",
            codes=tuple(schema.PROGRAMMES),
        ),
        _YEAR,
        _TERM,
        _f(
            "standard_amount",
            "标准金额",
            "float",
            "标准金额",
            "资助标准",
            "应发金额",
            "standardamount",
            range=(0, 1_000_000),
        ),
        _f(
            "paid_amount",
            "实发金额",
            "float",
            "实发金额",
            "发放金额",
            "实发",
            "paidamount",
            range=(0, 1_000_000),
        ),
        _f("due_date", "应发日期", "date", "应发日期", "计划发放日期", "duedate"),
        _f("paid_date", "实发日期", "date", "实发日期", "发放日期", "到账日期", "paiddate"),
        _f(
            "funding_source",
            "资金来源",
            "text",
            "资金来源",
            "资金渠道",
            "fundingsource",
            codes=schema.FUNDING_SOURCES,
        ),
    ),
    key=("record_id",),
    required=("programme", "school_year", "term"),
    one_of=(("student_id", "id_number", "xueji_number"),),
    partition=("school_code", "programme", "school_year", "term"),
    partition_text="文件涉及的学校、项目、学年与学期的全部资助记录",
    description="资助发放台账：学生、项目、学年学期、标准与实发金额、日期。",
)

_CONTACTS = Kind(
    "contacts",
    "联系人",
    "contacts",
    (
        _f(
            "role",
            "角色",
            "text",
            "角色",
            "职务",
            "职责",
            "岗位",
            "role",
            codes=(*schema.SIX_CHIEFS, "资助专干", "控辍专干"),
        ),
        _f(
            "place_code",
            "单位代码",
            "code",
            "单位代码",
            "乡镇/村代码",
            "区划代码",
            "所在单位代码",
            "placecode",
        ),
        _f(
            "place_name", "单位名称", "text", "单位名称", "单位", "乡镇/村", "所在单位", "placename", aux=True
        ),
        _f("name", "姓名", "text", "姓名", "联系人", "联系人姓名", "name", personal=True),
        _f(
            "phone",
            "电话",
            "phone",
            "电话",
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "phone",
            "mobile",
            personal=True,
        ),
    ),
    key=("role", "place_code"),
    required=("role", "name"),
    one_of=(("place_code", "place_name"),),
    partition=("place_code",),
    partition_text="文件涉及的乡镇(村)的全部联系人",
    description="联系人：各乡镇的镇长、各村的村长等(按角色与单位)。",
)

# -- what a county needs before anything else: its townships, its statistics, its year
_BOUNDARIES = Kind(
    "boundaries",
    "乡镇边界",
    "townships",
    (
        _f(
            "code",
            "乡镇代码",
            "code",
            "乡镇代码",
            "乡镇编码",
            "乡镇(街道)代码",
            "乡级代码",
            "行政区代码",
            "行政区划代码",
            "区划代码",
            "统计用区划代码",
            "xzqdm",
            "xzqhdm",
            "towncode",
            "adcode",
            "gb",
            "pac",
            "code",
        ),
        _f(
            "name",
            "乡镇名称",
            "text",
            "乡镇名称",
            "乡镇(街道)名称",
            "乡镇",
            "乡镇(街道)",
            "乡级名称",
            "行政区名称",
            "行政区划名称",
            "名称",
            "xzqmc",
            "xzqhmc",
            "townname",
            "name",
        ),
        _f("kind", "类型", "text", "类型", "乡镇类型", "类别", "kind", codes=schema.TOWNSHIP_KINDS),
        _f("seat_lon", "驻地经度", "float", "驻地经度", "政府驻地经度", "seatlon"),
        _f("seat_lat", "驻地纬度", "float", "驻地纬度", "政府驻地纬度", "seatlat"),
        _f("geometry", "边界", "geometry", "geometry", "几何", "边界", "wkt", "shape"),
        _f("county_code", "县区代码", "code", "县区代码", "countycode"),
    ),
    key=("code",),
    required=("code", "name", "geometry"),
    partition=("county_code",),
    partition_text="本县区的全部乡镇(街道)",
    county_wide=True,
    description="乡镇(街道)边界：GeoJSON 或 Shapefile(zip)，属性含乡镇代码与名称；建立本县区的乡镇。",
)

_ENROLMENT_COUNTS = Kind(
    "enrolment_counts",
    "在校生人数(教育事业统计)",
    "enrolment_counts",
    (
        _YEAR,
        _f("school_code", "学校标识码", "code", *_SCHOOL_CODE.synonyms),
        _SCHOOL_NAME,
        _f("grade", "年级", "int", "年级", "grade", range=(1, 9)),
        _f(
            "students",
            "在校生数",
            "int",
            "在校生数",
            "在校学生数",
            "在校生",
            "学生数",
            "人数",
            "students",
            range=(0, 100_000),
        ),
    ),
    key=("school_year", "school_code", "grade"),
    required=("school_year", "grade", "students"),
    one_of=(("school_code", "school_name"),),
    partition=("school_code", "school_year"),
    partition_text="文件涉及的学校在文件涉及学年的全部年级人数",
    description="教育事业统计：各学年、各学校、各年级的在校生数(巩固率的依据)。",
)

#: 学籍异动 kinds, in the transfers table's ``direction`` column.
TRANSFER_KINDS = ("转出", "转入", "休学", "复学")
_TRANSFERS = Kind(
    "transfers",
    "学籍异动",
    "transfers",
    (
        _f("transfer_id", "异动编号", "code", "异动编号", "转学编号", "业务编号", "transferid"),
        _STUDENT_ID,
        _ID_NUMBER,
        _XUEJI,
        _NAME,
        _f(
            "direction",
            "异动类型",
            "text",
            "异动类型",
            "异动类别",
            "变动类型",
            "方向",
            "direction",
            codes=TRANSFER_KINDS,
        ),
        _f(
            "from_school_name",
            "原学校",
            "text",
            "原学校",
            "原学校名称",
            "原就读学校",
            "转出学校",
            "转出学校名称",
            "原学校标识码",
            "转出学校标识码",
            "fromschool",
            aux=True,
        ),
        _f(
            "to_school_name",
            "转入学校",
            "text",
            "转入学校",
            "转入学校名称",
            "现学校",
            "目标学校",
            "转入学校标识码",
            "toschool",
            aux=True,
        ),
        _f(
            "other_county",
            "县外学校所在地",
            "text",
            "县外学校所在地",
            "转入地",
            "转出地",
            "所在地",
            "othercounty",
        ),
        _f("transfer_on", "异动日期", "date", "异动日期", "转学日期", "变动日期", "申请日期", "transferon"),
        _f(
            "confirmed_on",
            "确认日期",
            "date",
            "确认日期",
            "对方确认日期",
            "审批日期",
            "审核通过日期",
            "办结日期",
            "confirmedon",
        ),
        _f("confirmed_by", "确认人", "text", "确认人", "审批人", "审核人", "confirmedby"),
        # written by validation from the school columns: county schools get a code, others a name
        _f("from_school", "原学校标识码", "code", aux=False),
        _f("to_school", "转入学校标识码", "code", aux=False),
        _f("other_school_name", "县外学校", "text", aux=False),
    ),
    key=("transfer_id",),
    required=("direction", "transfer_on"),
    one_of=(("student_id", "id_number", "xueji_number"),),
    partition=("student_id",),
    partition_text="文件涉及的学生的全部学籍异动",
    description="学籍异动：转出、转入、休学、复学，含日期与对方确认(审批)日期。",
)

_CALENDAR = Kind(
    "calendar",
    "校历",
    "school_calendar",
    (
        _f("day", "日期", "date", "日期", "date", "day"),
        _f(
            "is_school_day",
            "上课日",
            "bool",
            "上课日",
            "是否上课",
            "是否上课日",
            "上课",
            "类型",
            "isschoolday",
        ),
        _f("school_year", "学年", "int", *_YEAR.synonyms, range=(2000, 2100)),
        _f("term", "学期", "int", *_TERM.synonyms, range=(1, 2)),
    ),
    key=("day",),
    required=("day", "is_school_day"),
    partition=("school_year",),
    partition_text="文件涉及学年的全部日期(只列调整的日期时请用“追加并更新”)",
    county_wide=True,
    description="校历：每天是否上课(含调休上课日)；学年与学期可省略(按日期推算)。",
)

# -- 学生资助 beyond the payment ledger: applications, funds, non-compulsory recipients, social aid
_AMOUNT = ("amount", "金额", "float", "金额", "申请金额", "下达金额", "捐赠金额", "发放金额", "amount")
_AID_APPLICATIONS = Kind(
    "aid_applications",
    "资助申请",
    "aid_applications",
    (
        _f("application_id", "申请编号", "code", "申请编号", "业务编号", "applicationid"),
        _STUDENT_ID,
        _ID_NUMBER,
        _XUEJI,
        _NAME,
        _SCHOOL_CODE,
        _SCHOOL_NAME,
        _f("programme", "资助项目", "text", "资助项目", "项目", "项目名称", codes=tuple(schema.PROGRAMMES)),
        _YEAR,
        _TERM,
        _f(*_AMOUNT[:3], *_AMOUNT[3:], range=(0, 1_000_000)),
        _f(
            "status",
            "审批状态",
            "text",
            "审批状态",
            "状态",
            "办理状态",
            codes=(*schema.AID_STAGES, schema.AID_REJECTED),
        ),
        _f("applied_on", "申请日期", "date", "申请日期", "申请时间"),
        _f("stage_on", "最近办理日期", "date", "最近办理日期", "办理日期", "审批日期"),
        _f("reject_reason", "退回原因", "text", "退回原因", "退回理由"),
    ),
    key=("application_id",),
    required=("programme", "school_year", "status"),
    one_of=(("student_id", "id_number", "xueji_number"),),
    partition=("school_year",),
    partition_text="文件涉及学年的全部资助申请",
    description="资助申请与审批进度：学生、项目、学年学期、金额、审批状态。",
    derive_key=("P", ("student_id", "programme", "school_year", "term")),
    county_wide=True,
)
_AID_FUNDS = Kind(
    "aid_funds",
    "资助资金下达",
    "aid_funds",
    (
        _f("allocation_id", "指标编号", "code", "指标编号", "资金编号", "allocationid"),
        _YEAR,
        _f("programme", "资助项目", "text", "资助项目", "项目", "项目名称", codes=tuple(schema.PROGRAMMES)),
        _f(
            "funding_source",
            "资金来源",
            "text",
            "资金来源",
            "资金渠道",
            "资金级次",
            codes=schema.FUNDING_SOURCES,
        ),
        _TOWN_CODE,
        _TOWN_NAME,
        _f(*_AMOUNT[:3], *_AMOUNT[3:], range=(0, 1_000_000_000)),
        _f("allocated_on", "下达日期", "date", "下达日期", "拨付日期", "到位日期"),
        _f("document_no", "文号", "text", "文号", "指标文号", "文件号"),
    ),
    key=("allocation_id",),
    required=("school_year", "programme", "amount"),
    partition=("school_year",),
    partition_text="文件涉及学年的全部资金下达",
    description="资助资金下达：学年、项目、资金来源、(乡镇)、金额、日期、文号。",
    derive_key=(
        "F",
        ("school_year", "programme", "funding_source", "township_code", "document_no", "allocated_on"),
    ),
    county_wide=True,
)
_AID_RECIPIENTS = Kind(
    "aid_recipients",
    "非义务教育受助学生",
    "aid_recipients",
    (
        _f("recipient_id", "受助人编号", "code", "受助人编号", "recipientid"),
        _ID_NUMBER,
        _NAME,
        _f("sex", "性别", "text", "性别", codes=tuple(schema.SEX)),
        _f("stage", "学段", "text", "学段", "就读学段", codes=tuple(schema.AID_RECIPIENT_STAGES)),
        _f("institution", "就读学校", "text", "就读学校", "就读院校", "学校名称", "录取院校"),
        _f("entry_year", "入学年份", "int", "入学年份", "入学年度", range=(1990, 2100)),
        _f("village_code", "户籍村(社区)", "code", "户籍村(社区)", "户籍村代码", *_VILLAGE_CODE.synonyms),
        _f("village_name", "户籍村名称", "text", "户籍村", "户籍村名称", *_VILLAGE_NAME.synonyms, aux=True),
        _f("township_code", "户籍乡镇", "code", *_TOWN_CODE.synonyms),
        _TOWN_NAME,
        _f(
            "poverty_category",
            "困难类别",
            "text",
            "困难类别",
            "家庭经济困难类别",
            codes=tuple(schema.POVERTY_CATEGORIES),
        ),
        _f("phone", "联系电话", "phone", "联系电话", "手机号码", "电话", personal=True),
    ),
    key=("recipient_id",),
    required=("id_number", "name", "stage"),
    partition=("stage",),
    partition_text="文件涉及学段的全部受助学生",
    description="非义务教育阶段受助学生(普通高中、中职、大学)：身份、学段、学校、户籍与困难类别。",
    derive_key=("R", ("id_number",)),
    county_wide=True,
)
_AID_DONATIONS = Kind(
    "aid_donations",
    "社会捐赠",
    "aid_donations",
    (
        _f("donation_id", "捐赠编号", "code", "捐赠编号", "donationid"),
        _f("donor", "捐赠方", "text", "捐赠方", "捐赠单位", "捐赠人", "donor"),
        _f("donor_kind", "捐赠方类型", "text", "捐赠方类型", "捐赠类型"),
        _f(*_AMOUNT[:3], *_AMOUNT[3:], range=(0, 1_000_000_000)),
        _f("received_on", "到账日期", "date", "到账日期", "捐赠日期"),
        _f("purpose", "用途", "text", "用途", "捐赠用途"),
        _f("campaign_year", "新生助学活动年份", "int", "新生助学活动年份", "活动年份", range=(2000, 2100)),
    ),
    key=("donation_id",),
    required=("donor", "amount", "received_on"),
    partition=("received_on",),
    partition_text="与文件同一到账日期的全部捐赠",
    description="社会捐赠：捐赠方、金额、到账日期、用途。",
    derive_key=("D", ("donor", "amount", "received_on")),
    county_wide=True,
)
_AID_GRANTS = Kind(
    "aid_donation_grants",
    "捐赠发放",
    "aid_donation_grants",
    (
        _f("grant_id", "发放编号", "code", "发放编号", "grantid"),
        _f("donation_id", "捐赠编号", "code", "捐赠编号", "donationid"),
        _STUDENT_ID,
        _ID_NUMBER,
        _XUEJI,
        _NAME,
        _f("recipient_id", "受助人编号", "code", "受助人编号", "recipientid"),
        _f("township_code", "乡镇代码", "code", *_TOWN_CODE.synonyms),
        _TOWN_NAME,
        _f(*_AMOUNT[:3], *_AMOUNT[3:], range=(0, 1_000_000)),
        _f("granted_on", "发放日期", "date", "发放日期", "grantedon"),
    ),
    key=("grant_id",),
    required=("donation_id", "amount", "granted_on"),
    partition=("donation_id",),
    partition_text="文件涉及的捐赠的全部发放记录",
    description="捐赠发放：哪笔捐赠、发给谁(学生或受助人)、金额、日期。",
    derive_key=("G", ("donation_id", "student_id", "recipient_id", "granted_on", "amount")),
    county_wide=True,
)
_AID_CAMPAIGN = Kind(
    "aid_campaign_applications",
    "大学新生助学申请",
    "aid_campaign_applications",
    (
        _f("application_id", "申请编号", "code", "申请编号", "applicationid"),
        _f("campaign_year", "活动年份", "int", "活动年份", "年份", range=(2000, 2100)),
        _f("recipient_id", "受助人编号", "code", "受助人编号", "recipientid"),
        _f("applied_on", "申请日期", "date", "申请日期"),
        _f("university", "录取院校", "text", "录取院校", "录取学校", "大学"),
        _f("status", "状态", "text", "状态", "审核状态"),
        _f("grant_id", "发放编号", "code", "发放编号"),
        _f("note", "备注", "text", "备注", "说明"),
    ),
    key=("application_id",),
    required=("campaign_year", "recipient_id"),
    partition=("campaign_year",),
    partition_text="文件涉及年份的全部新生助学申请",
    description="大学新生助学(八月)申请：受助人、录取院校、状态。",
    derive_key=("U", ("campaign_year", "recipient_id")),
    county_wide=True,
)

# -- outside lists (the aid issue reconciles them; the roster check belongs to another issue)
_REG_ID = _f(
    "id_number",
    "身份证号",
    "id",
    *_ID_NUMBER.synonyms,
    "成员身份证号",
    "证件号码",
    "学籍号",
    "全国学籍号",
    personal=True,
)
_REG_NAME = _f(
    "name",
    "姓名",
    "text",
    "姓名",
    "学生姓名",
    "成员姓名",
    "人员姓名",
    "受助人姓名",
    "受助学生姓名",
    "残疾人姓名",
    "儿童姓名",
    "name",
    personal=True,
)
_REG_TOWN = _f(
    "township",
    "乡镇",
    "text",
    "乡镇",
    "乡镇(街道)",
    "乡(镇)",
    "乡镇街道",
    "所属乡镇",
    "乡镇名称",
    "镇(乡、街道)",
    "乡镇(街道)名称",
    "所在乡镇",
    "户籍乡镇",
    "街道(乡镇)",
    "township",
    "town",
)
_REG_VILLAGE = _f(
    "village",
    "村(社区)",
    "text",
    "村",
    "行政村",
    "村(社区)",
    "所属村",
    "村居",
    "村(居)",
    "村名",
    "村名称",
    "所在村",
    "村(社区)名称",
    "户籍村",
    "村委会",
    "村(居)委会",
    "village",
)
_REG_CAT = _f(
    "category",
    "类别",
    "text",
    "类别",
    "人员类别",
    "困难类别",
    "户类型",
    "救助类别",
    "残疾类别",
    "监测类型",
    "资助类型",
    "category",
)


def _registry(name: str, label: str, *extra: Field) -> Kind:
    return Kind(
        name,
        label,
        None,
        (_REG_ID, _REG_NAME, _REG_TOWN, _REG_VILLAGE, _REG_CAT, *extra),
        key=("id_number",),
        required=("id_number",),
        registry=True,
        description=f"{label}：在“学生资助”页与学籍比对，不直接写入数据库。",
    )


_REGISTRIES = tuple(_registry(k, label) for k, label in schema.REGISTRY_KINDS.items())
_ROSTER = Kind(
    "roster",
    "适龄儿童花名册",
    None,
    (
        _REG_ID,
        _REG_NAME,
        _f("sex", "性别", "text", "性别", "sex", codes=tuple(schema.SEX)),
        _f("birth_date", "出生日期", "date", "出生日期", "出生年月", "birthdate", personal=True),
        _REG_TOWN,
        _REG_VILLAGE,
        _f(
            "address",
            "户籍地址",
            "text",
            "户籍地址",
            "住址",
            "家庭住址",
            "户籍地详址",
            "address",
            personal=True,
        ),
        # 学籍核查: where there are no 乡镇/村 columns, the 12-digit village (or 9-digit township) code
        _f(
            "home_code",
            "户籍地代码",
            "code",
            "户籍地代码",
            "户籍地行政区划代码",
            "户籍地区划代码",
            "户籍村代码",
            "户籍村(社区)代码",
            "村(社区)代码",
            "村代码",
            "村级代码",
            "行政区划代码",
            "区划代码",
            "homecode",
        ),
        _f("guardian_name", "监护人", "text", "监护人", "监护人姓名", "户主姓名", "家长姓名", personal=True),
        _f("guardian_phone", "监护人电话", "phone", "监护人电话", "联系电话", "手机号码", personal=True),
        # 学籍核查: optional placement, exemption and studying-elsewhere columns
        _f(
            "placement",
            "安置方式",
            "text",
            "安置方式",
            "安置情况",
            "特殊安置",
            "placement",
            codes=("特教学校", "送教上门"),
        ),
        _f(
            "exemption_reason",
            "免缓学原因",
            "text",
            "免缓学原因",
            "免学原因",
            "缓学原因",
            "免(缓)学原因",
            "exemptionreason",
        ),
        _f(
            "elsewhere_school",
            "异地就读学校",
            "text",
            "异地就读学校",
            "外县就读学校",
            "县外就读学校",
            "elsewhereschool",
        ),
        _f("elsewhere_county", "就读地", "text", "就读地", "就读县区", "异地就读县区", "elsewherecounty"),
        _f(
            "elsewhere_confirmed_on",
            "异地就学确认日期",
            "date",
            "异地就学确认日期",
            "确认日期",
            "elsewhereconfirmedon",
        ),
    ),
    key=("id_number",),
    required=("id_number", "name"),
    registry=True,
    description="适龄儿童花名册(户籍数据)：在“学籍核查”页导入，与学籍比对。",
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _SCHOOLS,
        _VILLAGES,
        _POPULATION,
        _STUDENTS,
        _ABSENCES,
        _CASES,
        _AID,
        _CONTACTS,
        _BOUNDARIES,
        _ENROLMENT_COUNTS,
        _TRANSFERS,
        _CALENDAR,
        _AID_APPLICATIONS,
        _AID_FUNDS,
        _AID_RECIPIENTS,
        _AID_DONATIONS,
        _AID_GRANTS,
        _AID_CAMPAIGN,
        *_REGISTRIES,
        _ROSTER,
    )
}
#: Kinds that are committed to a store table.
TABLE_KINDS = tuple(k for k, v in KINDS.items() if v.table)
REGISTRY_KINDS = tuple(k for k, v in KINDS.items() if v.registry)


def get_kind(name: str) -> Kind:
    """The kind called ``name``; ``KeyError`` with the choices when unknown."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"未知的数据类型：{name}（可选 {', '.join(KINDS)}）") from None


def synonym_index(kind: Kind) -> dict[str, str]:
    """Cleaned header -> canonical column, for one kind.

    The canonical name, the field's label and every synonym map to the field;
    when two fields share a synonym the first declared wins (so ``学校`` is the
    school's name in ``schools`` and the student's school in ``students``).
    """
    index: dict[str, str] = {}
    for f in kind.fields:
        for s in (f.name, f.label, *f.synonyms):
            index.setdefault(clean_header(s), f.name)
    # then what headers add or drop around a name (寄宿床位数 for 寄宿床位, 学位 for 学位数): never
    # over a name declared above; units in brackets (核定学位数（个）) the reader strips itself
    for f in kind.fields:
        for s in (f.label, *f.synonyms):
            for variant in header_variants(clean_header(s)):
                index.setdefault(variant, f.name)
    return index


#: Words a header adds after a column's name: a count (寄宿床位数, 在校学生人数, 教学班个数).
_COUNT_SUFFIXES = ("人数", "个数", "数量", "总数", "数")


def header_variants(name: str) -> list[str]:
    """Other ways a (cleaned) Chinese column name is written: its stem (without a final count
    word) with each count word after it.  ``寄宿床位`` -> ``寄宿床位数``, ``寄宿床位人数`` ...;
    ``教师数`` -> ``教师``, ``教师人数`` ....  ASCII names, bracketed ones and stems of one
    character have none (``班`` is no ``班数``)."""
    if len(name) < 2 or name.isascii() or name.endswith(")"):
        return []
    stem = name
    for suffix in _COUNT_SUFFIXES:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            break
    if len(stem) < 2:
        return []
    return [v for v in (stem, *(stem + s for s in _COUNT_SUFFIXES)) if v != name]
