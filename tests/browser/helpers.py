"""Helpers for the Playwright tests: wait for Streamlit, fence the network, look inside the map.

Import them in a test module: ``from tests.browser.helpers import wait_for_app, ...``.
The fixtures (server, browser launch) live in ``conftest.py``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
from playwright.sync_api import BrowserContext, FrameLocator, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from tests.accounts import TEST_PASSWORD, ensure_test_account

#: Hosts a test may talk to: the Streamlit server under test.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
#: The streamlit-folium component's iframe (the dot is escaped for CSS).
MAP_IFRAME = 'iframe[title="streamlit_folium\\.st_folium"]'
APP_TIMEOUT_MS = 60_000


def wait_for_app(page: Page, *, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until the script has finished running and nothing is still loading.

    Call after ``page.goto`` and after every interaction.  Never use
    ``networkidle``: the app keeps a websocket open.
    """
    app = page.locator("[data-testid='stApp']")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=timeout_ms)
    # The attribute reads "initial" until the first run starts, so this cannot pass too early.
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout_ms)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0, timeout=timeout_ms)


def is_local(url: str) -> bool:
    """True for requests that stay on this machine (and for data:/blob: URLs)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-extension"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


def block_outside_network(target: Page | BrowserContext) -> list[str]:
    """Abort every request to another host and record its URL.

    Call before ``page.goto``.  Routing on a page covers its iframes (the map);
    on a context it covers every page.  Returns the list that fills as
    requests are blocked, so a test can assert it stays empty.
    """
    blocked: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.fallback()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    target.route("**/*", handle)
    return blocked


def map_frame(page: Page) -> FrameLocator:
    """The inside of the (first) st_folium map iframe."""
    return page.frame_locator(MAP_IFRAME).first


def assert_map_drawn(page: Page, *, timeout_ms: int = APP_TIMEOUT_MS) -> FrameLocator:
    """Fail unless Leaflet drew inside the map iframe (the iframe alone proves nothing).

    Offline with CDN links the iframe is there but stays blank, with no error:
    so look for the Leaflet container and at least one drawn SVG path.
    """
    frame = map_frame(page)
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=timeout_ms)
    expect(frame.locator("svg path.leaflet-interactive").first).to_be_visible(timeout=timeout_ms)
    return frame


def login_as(
    page: Page,
    role: str,
    url: str,
    *,
    db: Path,
    townships: tuple[str, ...] | None = None,
    schools: tuple[str, ...] | None = None,
) -> str:
    """Log the browser in as a user with ``role`` through the real login form: the one place
    browser tests log in.  Returns the account name.

    The account (tests/accounts.py) is created in ``db``, the database the server
    at ``url`` runs on.  The login sets the signed refresh cookie, so later
    ``page.goto`` calls on the same server stay logged in.
    """
    account = ensure_test_account(role, townships=townships, schools=schools, path=db)
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("用户名").fill(account.name)
    page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=APP_TIMEOUT_MS)
    wait_for_app(page)
    return account.name


def settle(page: Page, *, pause_s: float = 0.5, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """After an interaction: let the rerun start, wait for it to end and for no stale element to remain.

    wait_for_app alone can pass before the rerun that a click or Enter triggers has begun.
    """
    time.sleep(pause_s)
    wait_for_app(page, timeout_ms=timeout_ms)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=timeout_ms)


def pick_option(page: Page, label: str, option: str, *, within=None) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` (a combobox; opened again if a rerun closed it)."""
    box = (within or page).get_by_role("combobox", name=label, exact=True).locator("visible=true")
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        expect(box).to_have_count(1)
        box.click()
        try:
            expect(choice).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    choice.click()
    settle(page)


def expect_choice(scope, label: str, value: str | re.Pattern, *, timeout_s: float = 30.0) -> None:
    """Wait until exactly one selectbox labelled ``label`` shows ``value`` (a rerun may briefly show two)."""
    boxes = scope.get_by_role("combobox", name=label, exact=True)
    deadline = time.monotonic() + timeout_s
    seen: list[str] = []
    while time.monotonic() < deadline:
        try:
            seen = [b.input_value(timeout=1_000) for b in boxes.all()]
        except PlaywrightError:  # an element replaced while read: look again
            seen = []
        if len(seen) == 1 and (value.search(seen[0]) if isinstance(value, re.Pattern) else seen[0] == value):
            return
        time.sleep(0.25)
    raise AssertionError(f"selectbox {label!r} shows {seen}, expected {value!r}")


def read_sql(db: Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    """Read the database a test server runs on; the app holds it only per unit of work, so retry if locked."""
    for attempt in range(40):
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.IOException:
            if attempt == 39:
                raise
            time.sleep(0.25)
            continue
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()
    raise AssertionError("unreachable")
