"""Staying logged in across a browser refresh: a signed, expiring token in a cookie.

Streamlit starts a new session on every page load, so without this a refresh
in the middle of a meeting would show the login form.  After a login the page
sets the cookie ``edu_session`` (``SameSite=Strict``, ``Secure`` over https,
``Max-Age`` = the idle timeout, renewed while the user works); a new session
presents it (``st.context.cookies``) and :func:`account_from_token` accepts it
only if

- its HMAC-SHA256 signature is good (the key is random, made on first use and
  kept in the store's ``meta``; whoever can read the store could forge one, but
  could read every child's record anyway),
- it has not expired,
- the account is enabled and its password has not changed since (the
  account's session stamp is in the token), and
- the user has not logged out since it was issued (logout sets
  ``accounts.tokens_revoked_at``: every token issued before it is void, on
  every browser).

The cookie is set by a script on the page, so it cannot be ``HttpOnly``; the
app renders no user-supplied HTML (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from pathlib import Path

from lib.access import auth
from lib.core import store

COOKIE = "edu_session"
_KEY_META = "session_key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(*, path: Path | None = None) -> bytes:
    """The store's random token key (32 bytes), made on first use."""
    with store.connect(path) as con:
        row = store.get_meta(con, _KEY_META)
    if row:
        return bytes.fromhex(row)
    with store.transaction(path) as con:
        row = store.get_meta(con, _KEY_META)  # another session may have made it meanwhile
        if not row:
            row = secrets.token_hex(32)
            store.set_meta(con, _KEY_META, row)
    return bytes.fromhex(row)


def sign(payload: dict, key: bytes) -> str:
    """``payload`` as ``<base64 json>.<base64 hmac>``."""
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(token: str, key: bytes) -> dict | None:
    """The payload of a well-signed ``token``, else None (never raises on bad input)."""
    try:
        body, mac = token.split(".", 1)
        good = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(good, _unb64(mac)):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeError, json.JSONDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def issue(account_name: str, stamp: str, *, now: float, ttl_s: float, path: Path | None = None) -> str:
    """A token for ``account_name`` valid for ``ttl_s`` seconds from ``now`` (epoch seconds)."""
    return sign(
        {"u": account_name, "s": stamp, "iat": round(now, 3), "exp": round(now + ttl_s, 3)},
        signing_key(path=path),
    )


def account_from_token(token: str | None, *, now: float, path: Path | None = None):
    """The :class:`lib.access.auth.Account` a cookie token stands for, or None if it must not be trusted."""

    if not token:
        return None
    payload = unsign(token, signing_key(path=path))
    if (
        payload is None
        or not all(isinstance(payload.get(k), int | float) for k in ("iat", "exp"))
        or payload["exp"] <= now
    ):
        return None
    account = auth.session_account(str(payload.get("u", "")), str(payload.get("s", "")), path=path)
    if account is None:
        return None
    with store.connect(path) as con:
        revoked = con.execute(
            "SELECT tokens_revoked_at FROM accounts WHERE name = ?", [account.name]
        ).fetchone()
    if revoked and revoked[0] is not None and datetime.fromtimestamp(payload["iat"]) <= revoked[0]:
        return None
    return account


def revoke(account_name: str, *, now: float, path: Path | None = None) -> None:
    """Void every token of ``account_name`` issued until ``now`` (epoch seconds; on logout)."""
    with store.transaction(path) as con:
        con.execute(
            "UPDATE accounts SET tokens_revoked_at = ? WHERE name = ?",
            [datetime.fromtimestamp(now), account_name],
        )


def cookie_script(token: str | None, *, max_age_s: int) -> str:
    """The ``<script>`` that sets (or, with ``token=None``, deletes) the cookie in the browser."""
    value, age = (token, int(max_age_s)) if token else ("", 0)
    return (
        "<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
        f"document.cookie='{COOKIE}={value}; Path=/; Max-Age={age}; SameSite=Strict'+s;}})();</script>"
    )
