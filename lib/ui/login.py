"""The login gate, the forced password change and the account box in the sidebar.

:func:`login_gate` runs in ``app.py`` before any page: it lets a logged-in
session through with its account's Scope, resumes a session from the signed
cookie after a browser refresh (:mod:`lib.access.tokens`), or shows the login
form and stops the run.  Accounts, passwords and lockouts are :mod:`lib.access.auth`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from lib.access import auth
from lib.access import tokens as auth_tokens
from lib.core import config, store
from lib.core.scope import Scope
from lib.ui import LANG, ROLE_SCOPE, demo_banner, note, tr

#: Set after logout: the next run deletes the cookie in the browser.
_CLEAR_COOKIE = "auth_clear_cookie"

#: The logged-in session: {"user", "stamp", "since", "last_seen", "method"} (plain values: it must pickle).
AUTH = "auth"
_LOG = logging.getLogger(__name__)
#: A message for the login form after a session ended (timeout, account changed).
LOGIN_NOTICE = "login_notice"


def auth_session(
    account: Any, *, method: str = "password", now: float | None = None, since: float | None = None
) -> dict[str, Any]:
    """The session value :func:`login_gate` keeps for a logged-in ``account`` (tests use it too).

    ``since``: when the login began (a session resumed from the cookie keeps its login's time,
    so that a logout in another tab, which voids every session begun before it, ends it too).
    """
    now = time.time() if now is None else now
    return {
        "user": account.name,
        "stamp": account.session_stamp,
        "since": now if since is None else since,
        "method": method,
        "last_seen": now,
    }


def _security() -> dict[str, Any]:
    from lib import loaders  # on first use: the frame's first paint loads only what it draws

    return {**config.DEFAULTS["security"], **loaders.load_effective_settings().get("security", {})}


def _sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def end_session(reason: str = "logout", notice: str | None = None) -> None:
    """Log out: audit it, void the refresh cookie, then forget everything this session held
    except the language."""
    sess = st.session_state.get(AUTH)
    if sess:
        auth.record_logout(sess["user"], reason=reason)
        if reason == "logout":
            auth_tokens.revoke(sess["user"], now=time.time())
    for key in list(st.session_state.keys()):
        if key != LANG:  # the language radio may already be drawn in this run: leave it be
            del st.session_state[key]
    st.session_state[_CLEAR_COOKIE] = True  # and never resume this browser session from the cookie
    if notice:
        st.session_state[LOGIN_NOTICE] = notice
    if sess and sess.get("method") == "oidc" and _sso_configured():
        st.logout()  # also drops Streamlit's identity cookie


def _resume_from_cookie() -> dict[str, Any] | None:
    """A new browser session (a refresh) with a valid signed cookie continues the login."""
    if st.session_state.get(_CLEAR_COOKIE):
        return None
    try:
        token = st.context.cookies.get(auth_tokens.COOKIE)
    except Exception:  # no browser context (bare runs)
        return None
    account = auth_tokens.account_from_token(token, now=time.time()) if token else None
    if account is None:
        return None
    auth.record_resume(account.name)
    st.session_state[AUTH] = auth_session(account, method="cookie", since=auth_tokens.token_since(token))
    return st.session_state[AUTH]


def _cookie(token: str | None, max_age_s: int) -> None:
    with st.sidebar:
        st.html(auth_tokens.cookie_script(token, max_age_s=max_age_s), unsafe_allow_javascript=True)


def _keep_cookie(sess: dict[str, Any], account: Any) -> None:
    """Set the refresh cookie after a login and renew it while the user works (a quarter of its life)."""
    ttl = int(float(_security()["session_idle_minutes"]) * 60)
    now = time.time()
    if now - sess.get("cookie_at", 0.0) > ttl / 4:
        token = auth_tokens.issue(
            account.name, account.session_stamp, now=now, ttl_s=ttl, since=sess.get("since")
        )
        _cookie(token, ttl)
        sess["cookie_at"] = now


#: A running session re-reads its account (disabled? password changed? roles?) at most this often.
RECHECK_S = 10.0


def _session_account(sess: dict[str, Any]) -> Any:
    """The session's account, re-read from the store every :data:`RECHECK_S` seconds (one
    connection, ~25 ms on a loaded machine: ``bench/bench_login.py``) rather than on every rerun."""
    now = time.time()
    epoch = auth.revocation_epoch()
    if (
        sess.get("account") is not None
        and now - sess.get("checked_at", 0.0) < RECHECK_S
        and sess.get("epoch") == epoch  # a logout or password change in this process: look now
    ):
        return sess["account"]
    account = auth.session_account(sess["user"], sess["stamp"], since=sess.get("since"))
    sess["account"], sess["checked_at"], sess["epoch"] = account, now, epoch
    return account


def login_gate(info: dict[str, Any]) -> Scope:
    """Before any page renders: the logged-in user's Scope, or the login form and ``st.stop()``.

    Ends the session after ``security.session_idle_minutes`` without interaction,
    or when the account was disabled or its password changed elsewhere; forces
    a new password when one is due; puts who is logged in and a logout button in
    the sidebar.  The allowed Scope is kept in ``st.session_state[ROLE_SCOPE]``.
    """
    try:
        sess = st.session_state.get(AUTH) or _resume_from_cookie()
        if sess:
            if auth.session_expired(
                sess["last_seen"], time.time(), idle_minutes=float(_security()["session_idle_minutes"])
            ):
                end_session("idle", tr("login_idle"))
            elif (account := _session_account(sess)) is None:
                end_session("revoked", tr("session_ended"))
            else:
                sess["last_seen"] = time.time()
                if account.must_change:
                    _only_page(lambda: _forced_password_change(account), tr("pw_forced_title"), info["demo"])
                scope = auth.scope_for(
                    account, as_of=info["as_of"], county=info.get("county") or config.COUNTY_CODE
                )
                st.session_state[ROLE_SCOPE] = scope
                _sidebar_account(account)
                _keep_cookie(sess, account)
                return scope
        st.session_state.pop(ROLE_SCOPE, None)
        if st.session_state.get(_CLEAR_COOKIE):
            _cookie(None, 0)
        auth.ensure_admin()  # first start only: creates `admin` and prints its password to the terminal
        _only_page(_login_form, tr("login_title"), info["demo"])
    except store.StoreBusy:
        st.error(tr("busy"))
    except ScriptControlException:
        raise  # st.stop / st.rerun are Streamlit's own control flow
    except Exception:  # nobody at the login form sees a traceback, a path or a database message
        _LOG.exception("login gate failed")
        st.error(tr("login_error"))
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _only_page(render: Any, title: str, demo: bool) -> None:
    """Run ``render`` as the one, hidden page of this run, so that no page of the app is listed
    (without it a fresh server would list the pages/ folder beside the login form), then stop."""
    demo_banner(demo)
    st.navigation([st.Page(render, title=title, url_path="login", default=True)], position="hidden").run()
    st.stop()


def _login_form() -> None:
    if _sso_configured() and getattr(st.user, "is_logged_in", False):
        try:
            account = auth.sso_account(st.user.get("email"))
        except auth.LoginFailed as exc:
            st.error(str(exc))
            st.button(tr("logout"), on_click=st.logout)
            return
        st.session_state[AUTH] = auth_session(account, method="oidc")
        st.rerun()
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.header(tr("app_title"))
        st.subheader(tr("login_title"))
        notice = st.session_state.get(LOGIN_NOTICE)
        if notice:
            st.info(notice)
        with st.form("login_form"):
            name = st.text_input(tr("login_name"), autocomplete="username")
            password = st.text_input(tr("login_password"), type="password", autocomplete="current-password")
            submitted = st.form_submit_button(tr("login_button"), type="primary", width="stretch")
        if submitted:
            try:
                account = auth.verify(name, password)
            except auth.LoginFailed as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(LOGIN_NOTICE, None)
                st.session_state[AUTH] = auth_session(account)
                st.rerun()
        if _sso_configured():
            st.button(tr("login_sso"), on_click=st.login, width="stretch")
        note(tr("login_note"))
        first = config.initial_admin_password_file()
        if first.exists():  # a new installation: say where the first password is, never the password
            note(tr("login_first_admin").format(path=first))


def password_change_form(account: Any, *, key: str) -> bool:
    """Current password, new password twice; True when changed (the session stays valid)."""
    with st.form(key, clear_on_submit=True):
        current = st.text_input(tr("pw_current"), type="password", autocomplete="current-password")
        new = st.text_input(
            tr("pw_new"),
            type="password",
            autocomplete="new-password",
            help=tr("pw_rule").format(
                n=max(auth.MIN_PASSWORD_FLOOR, int(_security()["min_password_length"]))
            ),
        )
        again = st.text_input(tr("pw_again"), type="password", autocomplete="new-password")
        submitted = st.form_submit_button(tr("pw_button"), type="primary")
    if not submitted:
        return False
    if new != again:
        st.error(tr("pw_mismatch"))
        return False
    try:
        updated = auth.set_password(account.name, new, current_password=current)
    except auth.AuthError as exc:
        st.error(str(exc))
        return False
    sess = st.session_state.get(AUTH)
    if sess and sess["user"] == account.name:
        sess["stamp"] = updated.session_stamp  # this session goes on; others of the account end
        sess.pop("account", None)  # re-read at once (must_change is now off)
        sess["cookie_at"] = 0.0  # and its cookie is renewed at once with the new stamp
    return True


def _forced_password_change(account: Any) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(tr("pw_forced_title"))
        st.info(tr("pw_forced_note"))
        if password_change_form(account, key="forced_pw"):
            st.rerun()
        st.button(tr("logout"), key="logout_forced", on_click=end_session)


def _sidebar_account(account: Any) -> None:
    from lib.core import permissions  # on first use: the frame's first paint loads only what it draws

    with st.sidebar:
        who = (
            account.name
            if account.display_name == account.name
            else tr("paren").format(a=account.display_name, b=account.name)
        )
        roles = permissions.describe_roles(account.role, lang=st.session_state.get(LANG, "zh"))
        st.caption(tr("label_value").format(label=tr("logged_in_as"), value=f"**{who}** · {roles}"))
        st.button(tr("logout"), key="logout", icon=":material/logout:", on_click=end_session)


def current_account() -> Any:
    """The logged-in account, read fresh from the store (None if nobody is logged in)."""
    sess = st.session_state.get(AUTH)
    return auth.get_account(sess["user"]) if sess else None
