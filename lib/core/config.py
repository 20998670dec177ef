"""Every path, threshold and standard, declared once.

Defaults live here; a TOML file (``EDU_SETTINGS`` or ``data/settings.toml``)
may override any key of :data:`DEFAULTS`.  Paths are built from this file's
location, never from the working directory.
"""

from __future__ import annotations

import copy
import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # lib/core/config.py -> the project
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
STATIC_DIR = ROOT / "static"
DOCS_DIR = ROOT / "docs"

BOUNDARY_FILE = REFERENCE_DIR / "pingqiao_boundary.geojson"
CITY_COUNTIES_FILE = REFERENCE_DIR / "xinyang_counties.geojson"
TOWNSHIPS_FILE = REFERENCE_DIR / "pingqiao_townships.csv"

COUNTY_CODE = "411503"
COUNTY_NAME = "平桥区"
CITY_NAME = "信阳市"
PROVINCE_CODE = "41"

#: The demo county's fixed "today": a Friday in ISO week 2026-W47.
DEMO_AS_OF = date(2026, 11, 20)
DEMO_SEED = 20261120

#: Metric CRS for distances and areas (UTM zone 50N covers Xinyang).
METRIC_CRS = "EPSG:32650"
WGS84 = "EPSG:4326"


def db_path() -> Path:
    """The store's file: ``EDU_DB`` if set, else ``data/edu.duckdb``."""
    return Path(os.environ.get("EDU_DB", DATA_DIR / "edu.duckdb")).resolve()


def initial_admin_password_file() -> Path:
    """Where the first start writes the ``admin`` password: beside the store's file
    (``data/initial_admin_password.txt`` for the default database), owner-only."""
    return db_path().parent / "initial_admin_password.txt"


DEFAULTS: dict[str, Any] = {
    "dropout": {
        # No national number exists; DESIGN.md §4 defaults.
        "suspected_consecutive_days": 5,
        "dropout_school_days": 20,
        "followup_interval_days": 7,
        "escalate_after_overdue_days": 3,
        "retention_check_days": [30, 90],
        # ---- 控辍保学
        # follow-ups due within this many days are listed in 我的待办 as 即将到期
        "due_soon_days": 2,
        # notices a case can issue, in the order they escalate (文书)
        "notices": ["入学通知书", "限期复学通知书", "行政处罚告知书", "行政处罚决定书"],
        # a 限期复学/入学 notice gives this many days; after it, the 告知书 is due
        "notice_deadline_days": 15,
        # after the 告知书, the 决定书 is due when this many days have passed (陈述申辩期)
        "notice_hearing_days": 5,
        # 送教上门: visits each child must receive per week; 一教一帮: sessions per week
        "home_teaching_visits_per_week": 1,
        "mentoring_sessions_per_week": 1,
        # 缺勤监测 per school: a school whose absences are not reported for this many school days
        # is listed as 数据未报 (its runs are judged up to its last report, never dropped)
        "unreported_after_school_days": 2,
        # the weekly report (每周填报): [field, header] in the provincial module's column order
        "weekly_template": [
            ["row_no", "序号"],
            ["case_id", "台账编号"],
            ["name", "学生姓名"],
            ["id_number", "身份证号"],
            ["sex", "性别"],
            ["township", "户籍乡镇"],
            ["village", "户籍村(社区)"],
            ["school", "就读学校"],
            ["grade", "年级"],
            ["reason", "辍学原因"],
            ["reported_on", "上报日期"],
            ["chief_bureau", "教体局局长"],
            ["chief_township", "镇长"],
            ["chief_school", "校长"],
            ["chief_village", "村长"],
            ["chief_parent", "家长"],
            ["chief_teacher", "师长"],
            ["actions_week", "本周劝返措施"],
            ["notices_week", "本周文书"],
            ["status", "状态"],
            ["returned_on", "返校日期"],
        ],
    },
    "layout": {
        # ---- standards of the layout figures and of 布局规划 (docs/layout.md)
        "standard_class": {"primary": 45, "junior": 50},
        # a class (or, in a what-if, a grade's pupils ÷ its classes) above 55 is 大班额, above 65 超大班额
        "large_class": 55,
        "very_large_class": 65,
        "small_school": 100,
        "reach_km": {"primary": 2.5, "junior": 5.0},
        "detour_factor": 1.3,
        # pupils from this grade up may board when no school is within reach of home (grades 1-3 never board)
        "boarding_min_grade": 4,
        # a boarding place farther than this from home (road estimate, km) is not offered: 无法安置
        "boarding_max_km": {"primary": 15.0, "junior": 25.0},
        "projection_years": 5,
        "decline_flag_share": 0.2,
        # net migration rate per year by township code for the projection (0.01 = +1 % a
        # year; a township not listed: 0), e.g. {"411503101": -0.02} in data/settings.toml
        "migration_rates": {},
        # ---- 布局规划 optimisation: what a planner may change, and at what cost
        "optimize": {
            # by default at most this share of today's schools of the band may close (so >= 80 % are kept)
            "close_max_share": 0.2,
            # 万元 per school closed (transport, conversion) and per school built, for a budget
            "close_cost": 200,
            "build_cost": {"primary": 3000, "junior": 5000},
            # seats and beds of a new school the optimiser proposes
            "new_school_seats": {"primary": 900, "junior": 1200},
            "new_school_beds": {"primary": 0, "junior": 300},
            # candidate sites: today's schools, village centres and a grid of this spacing (km)
            "grid_km": 3.0,
            # capacitated model: a village's children are not sent farther than this (road km)
            "assign_max_km": 15.0,
            # demand points closer than this (km) are merged before solving (0 = never)
            "aggregate_km": 0.0,
            "time_limit_s": 60,
        },
    },
    "aid": {
        "on_time_grace_days": 0,
        # yuan per year; effective-from dates let history be judged by its own standard
        "living_subsidy": [
            {"from": "2019-09-01", "primary": 1000, "junior": 1250},
        ],
        "nutrition_per_day": [{"from": "2021-09-01", "yuan": 5}],
        "henan_provincial": [{"from": "2021-09-01", "yuan": 800}],
        # ---- 学生资助: programme standards beyond compulsory education,
        # yuan per year by stage, each with its effective-from date (a later entry
        # replaces an earlier one from its date on).  Loans: the yearly ceiling.
        "non_boarder_share": 0.5,
        "tuition_waiver": [{"from": "2019-09-01", "普通高中": 1200, "中职": 2000}],
        "grant": [
            {"from": "2019-09-01", "普通高中": 2000, "中职": 2000, "大学": 3300},
            {"from": "2024-09-01", "普通高中": 2300, "中职": 2300, "大学": 3700},
        ],
        "scholarship": [{"from": "2019-09-01", "大学": 5000}, {"from": "2024-09-01", "大学": 6000}],
        "student_loan": [
            {"from": "2019-09-01", "大学": 8000},
            {"from": "2021-09-01", "大学": 12000},
            {"from": "2024-09-01", "大学": 20000},
        ],
        # Due dates by programme (month-day in term 1, term 2); others use "default".
        "due_dates": {
            "生活补助": ["10-31", "04-30"],
            "省级资助": ["11-30", "05-31"],
            "default": ["11-30", "05-31"],
        },
        # The nutrition programme covers students at school (在校) in rural schools
        # (not in a 街道); False = every school.
        "nutrition_rural_only": True,
        # Applications waiting longer than this at one stage are shown red.
        "approval_stale_days": 14,
        # Verification tasks (入户核实) from reconciliation are due this many days later.
        "verification_due_days": 14,
        # August campaign for university freshmen from poor families (社会帮扶).
        "freshman_campaign": {"month": 8, "grant_yuan": 3000},
    },
    "risk": {
        # points a factor gives at a sub-score of 1 (docs/risk.md); the absence factors do not
        # saturate (a longer run or a higher rate keeps adding)
        "weights": {
            "absence_recent": 25,
            "absence_term": 15,
            "absence_run": 20,
            "unhandled": 15,
            "case_history": 15,
            "learning": 15,
            "over_age": 10,
            "repeating": 10,
            "transition": 6,
            "school_move": 8,
            "distance": 10,
            "poverty": 12,
            "disability": 10,
            "care": 10,
        },
        "band_high": 40,
        "band_medium": 20,
        "absence_window_days": 20,
        # the longer window: absence rate and the longest run of consecutive unexcused days
        "absence_term_days": 60,
        # grade 6 and the first year of grade 7: the move from primary to junior school
        "transition_grades": [6, 7],
        # criteria per school year (as OpenEMIS Risks keeps them per academic period):
        # {"2025": {"weights": {...}, "band_high": ...}} in data/settings.toml; a year not
        # listed uses the values above.  The back-test scores each fold with its year's criteria.
        "criteria_by_year": {},
        # an intervention after which the child's score is still 高 this many weeks later is
        # flagged to the next level (帮扶成效)
        "escalate_after_weeks": 4,
        # ---- 重点关注学生
        # an aid gap (priority-group student, no living subsidy paid this term) adds this to 因贫
        "aid_gap_boost": 0.3,
        # which model orders the list: "rules" (explainable, the default) or "logistic"
        # (scikit-learn, trained on the last complete term); the 高/中/低 band is always the rules'
        "model": "rules",
        # the budget control's default ("we can pair N students with a teacher this term")
        "budget_default": 50,
        # back-test: top k of each ranking
        "backtest_k": [50, 200, 1000],
        # calibration bands of the back-test: the observed dropout rate per 高/中/低 band
    },
    # Colour rules: red below ``red``, green at or above ``green``, amber between
    # (for "lower is better" measures the comparison is reversed).
    "targets": {
        "consolidation": {"red": 0.96, "green": 0.97, "higher_is_better": True},
        "aid_coverage": {"red": 0.95, "green": 0.99, "higher_is_better": True},
        "aid_on_time": {"red": 0.90, "green": 0.97, "higher_is_better": True},
        "open_cases_per_1000": {"red": 1.5, "green": 0.5, "higher_is_better": False},
    },
    "ingest": {
        "max_upload_mb": 50,
        "max_rows": 500_000,
        # hostile workbooks: cells a sheet may make (empty cells inside a row count), the
        # decompressed text of its shared strings, the whole workbook decompressed, and the
        # ratio of decompressed to compressed size (real exports compress 5-20 times)
        "max_cells": 10_000_000,
        "max_shared_strings_mb": 100,
        "max_unzipped_mb": 1024,
        "max_zip_ratio": 100,
        # uploads are parsed in a child process with this much memory and time
        "worker_memory_mb": 2048,
        "worker_timeout_s": 120,
        # a pupil this many years older or younger than the grade's usual age is a warning
        "grade_age_years": 2,
        # roles that may import (the accounts issue narrows this)
        "import_roles": ["county", "township", "school", "admin"],
    },
    "presentation": {"high_contrast": True},
    # ---- 账号与登录
    "security": {
        # wrong passwords in a row before the account is locked, and for how long
        "max_failed_logins": 5,
        "lockout_minutes": 15,
        # a session with no interaction for this long must log in again
        "session_idle_minutes": 30,
        "min_password_length": 10,
        # length of the temporary passwords of a reset or of the first admin
        "temporary_password_length": 12,
        # student searches a user may make (重点关注学生 查找): guessing names one by one is slow
        "search_per_minute": 10,
        "search_per_day": 200,
    },
    # ---- 学籍核查: the school-age roster, transfers, problem records
    "roster": {
        # a transfer out not confirmed by the receiving school this many days after it is overdue
        "transfer_confirm_days": 30,
        # over age for the grade: age on 1 September minus schema.typical_age(grade) greater than this
        "over_age_years": 2,
        # 空挂学籍: unexcused absence on at least this many school days of the current term
        "absent_school_days": 20,
        # the oldest age the roster check looks at: under 17 and grade 9 not completed (15 and 16
        # only with a pupil record in the county)
        "max_age": 16,
    },
    # ---- 运行维护: backups (docs/operations.md)
    "backup": {
        # folder of backups; "" = backups/ beside the store's file
        "dir": "",
        # how many backups to keep (the oldest beyond this are deleted after each backup)
        "keep": 14,
        # a scheduled backup is due when the newest one is older than this; 0 = only on demand
        "schedule_hours": 24,
    },
    # ---- 学年升级: the last grade each school level teaches; a student in it
    # leaves the level at the rollover (毕业), everyone else on the roll moves up one grade
    "rollover": {
        "last_grade": {"教学点": 3, "小学": 6, "九年一贯制": 9, "初中": 9, "特殊教育": 9},
    },
    # ---- 小升初: primary and 教学点 leavers followed until a school of the county receives them
    "transition": {
        # not received this many days after the first school day of their new year: overdue (我的待办)
        "due_days": 14,
        # ... and after this many days: a suspected dropout case is opened for them
        "case_days": 30,
        # leavers who left longer ago than this are no longer listed
        "window_days": 365,
    },
    # ---- 数据保留期: how long personal data of children who left is kept
    "retention": {
        # identifying fields of a student who left (status below) are removed this many
        # years after the status date; aggregates and the student's non-identifying row stay
        "leaver_years": 3,
        "leaver_status": ["毕业", "转出"],
        # non-compulsory aid recipients leave when their studies end: years of each stage,
        # counted from the entry year's September (a recipient with no award, application or
        # grant since the cutoff is de-identified like a leaver)
        "study_years": {"普通高中": 3, "中职": 3, "大学": 4},
        # audit-log entries older than this are deleted by the retention run; never below 3
        "audit_years": 5,
        # results of background jobs (后台任务: a checked roster, a reconciliation) are deleted
        # this many days after they finished, and when their owner imports or starts again
        "job_days": 7,
    },
}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def settings_file() -> Path:
    return Path(os.environ.get("EDU_SETTINGS", DATA_DIR / "settings.toml"))


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """Defaults overridden by the settings TOML file when it exists."""
    path = path or settings_file()
    if path.exists():
        with path.open("rb") as fh:
            return _merge(DEFAULTS, tomllib.load(fh))
    return copy.deepcopy(DEFAULTS)


SETTINGS = load_settings()
