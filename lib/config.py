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

ROOT = Path(__file__).resolve().parent.parent
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


DEFAULTS: dict[str, Any] = {
    "dropout": {
        # No national number exists; DESIGN.md §4 defaults.
        "suspected_consecutive_days": 5,
        "dropout_school_days": 20,
        "consolidation_target": 0.96,
        "followup_interval_days": 7,
        "escalate_after_overdue_days": 3,
        "retention_check_days": [30, 90],
    },
    "layout": {
        "standard_class": {"primary": 45, "junior": 50},
        "large_class": 56,
        "very_large_class": 66,
        "small_school": 100,
        "reach_km": {"primary": 2.5, "junior": 5.0},
        "detour_factor": 1.3,
        "projection_years": 5,
        "decline_flag_share": 0.2,
    },
    "aid": {
        "on_time_grace_days": 0,
        # yuan per year; effective-from dates let history be judged by its own standard
        "living_subsidy": [
            {"from": "2019-09-01", "primary": 1000, "junior": 1250},
        ],
        "nutrition_per_day": [{"from": "2021-09-01", "yuan": 5}],
        "henan_provincial": [{"from": "2021-09-01", "yuan": 800}],
    },
    "risk": {
        "weights": {
            "learning": 25,
            "distance": 15,
            "poverty": 20,
            "disability": 15,
            "attendance": 30,
            "care": 15,
        },
        "band_high": 60,
        "band_medium": 35,
        "absence_window_days": 20,
    },
    # Colour rules: red below ``red``, green at or above ``green``, amber between
    # (for "lower is better" measures the comparison is reversed).
    "targets": {
        "consolidation": {"red": 0.96, "green": 0.97, "higher_is_better": True},
        "aid_coverage": {"red": 0.95, "green": 0.99, "higher_is_better": True},
        "aid_on_time": {"red": 0.90, "green": 0.97, "higher_is_better": True},
        "open_cases_per_1000": {"red": 1.5, "green": 0.5, "higher_is_better": False},
    },
    "ingest": {"max_upload_mb": 50, "max_rows": 500_000},
    "presentation": {"high_contrast": True},
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
