"""AppTest helpers: every page test logs in through :func:`login_as`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from lib.core import config
from tests.accounts import ensure_test_account
from tests.server_mode import as_the_server

# every page runs through the frame (login gate, data gate, navigation), as on the server
as_the_server()

APP = str(config.ROOT / "app.py")
TIMEOUT = 120  # the first run imports geopandas/folium and may build caches


def login_as(at: AppTest, role: str = "county", **scope_kw) -> AppTest:
    """Log ``at`` in as a user of ``role`` the way the login form does.

    The account (see :func:`ensure_test_account`) is created in the test database,
    and the session gets the same value :func:`lib.ui.login.login_gate` keeps after
    a good password, so the gate lets every page test through with that
    account's Scope (``townships=``/``schools=`` narrow it).
    """
    from lib import ui
    from lib.access import auth
    from lib.ui import login as ui_login

    account = ensure_test_account(role, **scope_kw)
    at.session_state[ui_login.AUTH] = ui_login.auth_session(account)
    at.session_state[ui.ROLE_SCOPE] = auth.scope_for(account)
    return at


def _allow_apptest_state() -> None:
    """AppTest keeps an internal, unpicklable value in session state, which the app's
    ``runner.enforceSerializableSessionState`` would reject; the app's own values are
    checked by tests/app/test_session_state.py instead."""
    from streamlit import config as st_config

    st_config.set_option("runner.enforceSerializableSessionState", False)


@pytest.fixture(autouse=True)
def _no_warm_up_left_running():
    """A test whose page changed data leaves no warm-up thread reading its store into the next
    test (its connection would refuse the next test's read-only one)."""
    yield
    from lib import loaders

    assert loaders.wait_warm(120), "the warm-up after a data change did not finish"


def open_page(
    page: str | None = None, *, role: str = "county", query: dict | None = None, **scope_kw
) -> AppTest:
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


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` of a page's lazy tabs (lib.ui.lazy_tabs, session key ``key``), as
    a click on it does: the page reruns with that tab's content."""
    assert label in [t.label for t in at.tabs], [t.label for t in at.tabs]
    at.session_state[key] = label
    return at.run()


def lazy_tab_keys(at: AppTest) -> list[str]:
    """The session keys of the lazy tabs (:func:`lib.ui.lazy_tabs`) on the page ``at`` shows."""
    from lib import ui  # the registry fills as pages run

    keys = []
    for key in sorted(ui.LAZY_TABS):
        try:
            at.session_state[key]
        except KeyError:
            continue  # another page's tabs
        keys.append(key)
    return keys


def each_tab(at: AppTest, key: str) -> Iterator[AppTest]:
    """The page with each of its lazy tabs (session key ``key``) open in turn, the first first:
    what every tab shows."""
    for label in [t.label for t in at.tabs]:
        yield open_tab(at, key, label)


@pytest.fixture
def app(demo_db):
    return open_page
