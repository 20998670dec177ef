"""AppTest helpers: every page test logs in through :func:`login_as`."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib import config
from lib.scope import role_scope

APP = str(config.ROOT / "app.py")
TIMEOUT = 120  # the first run imports geopandas/folium and may build caches


def login_as(at: AppTest, role: str = "county", **scope_kw) -> AppTest:
    """Put a user of ``role`` into the session (accounts arrive with the security issue;
    until then every role is the whole county, masked)."""
    from lib import ui

    at.session_state[ui.ROLE_SCOPE] = role_scope(role, user=f"test-{role}", **scope_kw)
    return at


def _allow_apptest_state() -> None:
    """AppTest keeps an internal, unpicklable value in session state, which the app's
    ``runner.enforceSerializableSessionState`` would reject; the app's own values are
    checked by tests/app/test_session_state.py instead."""
    from streamlit import config as st_config

    st_config.set_option("runner.enforceSerializableSessionState", False)


def open_page(page: str | None = None, *, role: str = "county", query: dict | None = None, **scope_kw) -> AppTest:
    """Run app.py (the frame) on ``page`` (its url_path) as ``role``."""
    _allow_apptest_state()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    login_as(at, role, **scope_kw)
    if query:
        at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


@pytest.fixture
def app(demo_db):
    return open_page
