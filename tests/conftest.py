"""Shared fixtures: one demo database per test run, in a temporary EDU_DB."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Before any lib import reads it: every test run gets its own database file.
_RUN_DIR = Path(tempfile.mkdtemp(prefix="edu-test-"))
os.environ["EDU_DB"] = str(_RUN_DIR / "edu.duckdb")
os.environ.setdefault("EDU_SETTINGS", str(_RUN_DIR / "settings.toml"))
# no background look for outside changes: a test warms (loaders.look_for_change) when it means to
os.environ["EDU_WATCH_S"] = "0"


@pytest.fixture(scope="session")
def demo_db() -> Path:
    """The district demo county, built once per run at the run's EDU_DB."""
    from lib.core import store
    from lib.demo import county as demo

    path = Path(os.environ["EDU_DB"])
    if store.is_empty(path):
        demo.build_demo(path)
    return path


@pytest.fixture
def fresh_db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database for a test that writes."""
    path = tmp_path / "edu.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("EDU_DB", str(path))
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_RUN_DIR, ignore_errors=True)
