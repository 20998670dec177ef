"""Staying logged in across a browser refresh: a signed, expiring token in a cookie.

Streamlit starts a new session on every page load, so without this a refresh
in the middle of a meeting would show the login form.  After a login the page
sets the cookie ``edu_session`` (``SameSite=Strict``, ``Secure`` over https,
``Max-Age`` = the idle timeout, renewed while the user works); a new session
presents it (``st.context.cookies``) and :func:`account_from_token` accepts it
only if

- its HMAC-SHA256 signature is good (the key is random, made on first use and
  kept in a 0600 file outside the store, ``<data>/keys/session.key``
  (:mod:`lib.core.secure`): a copy of the store, such as a backup, carries no key
  with which to forge a cookie; ``python -m lib.cli rotate-key`` replaces it),
- it has not expired,
- the account is enabled and its password has not changed since (the
  account's session stamp is in the token), and
- the user has not logged out since the login it continues began (logout sets
  ``accounts.tokens_revoked_at``: every session that began before it is void, on
  every browser and tab, and so is every cookie such a session renews: the token
  carries the time its login began, ``st``, not only when it was issued).

The cookie is set by a script on the page, so it cannot be ``HttpOnly``; the
app renders no user-supplied HTML (docs/security.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from pathlib import Path

from lib.access import auth
from lib.core import config, secure, store

COOKIE = "edu_session"
#: Where older versions kept the key (in the store, so every backup carried it): removed on first use.
_KEY_META = "session_key"
_PURGED: set[str] = set()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(*, path: Path | None = None) -> bytes:
    """The random token key (32 bytes) from its 0600 file outside the store, made on first use.

    A key an older version left in the store's ``meta`` is deleted (once per process and
    store), never used: every backup taken since carries it.
    """
    key = secure.read_key(secure.SESSION_KEY, db=path)
    db = str(Path(path or config.db_path()).resolve())
    if db not in _PURGED:
        with store.connect(path) as con:
            stale = store.get_meta(con, _KEY_META) is not None
        if stale:
            with store.transaction(path) as con:
                con.execute("DELETE FROM meta WHERE key = ?", [_KEY_META])
        _PURGED.add(db)
    return key


def rotate_key(actor: str, *, path: Path | None = None, now: float) -> None:
    """Replace the cookie key and end every session of every account (cookies signed with the
    old key no longer verify; running sessions end at their next step); audited."""
    secure.replace_key(secure.SESSION_KEY, db=path)
    with store.transaction(path) as con:
        con.execute("UPDATE accounts SET tokens_revoked_at = ?", [datetime.fromtimestamp(now)])
        store.audit(con, user=actor, action="session_key_rotated", scope="", detail="{}")
    auth.note_revocation()


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


def issue(
    account_name: str,
    stamp: str,
    *,
    now: float,
    ttl_s: float,
    since: float | None = None,
    path: Path | None = None,
) -> str:
    """A token for ``account_name`` valid for ``ttl_s`` seconds from ``now`` (epoch seconds),
    continuing the login that began at ``since`` (default ``now``)."""
    began = now if since is None else since
    return sign(
        {
            "u": account_name,
            "s": stamp,
            "st": round(began, 6),
            "iat": round(now, 3),
            "exp": round(now + ttl_s, 3),
        },
        signing_key(path=path),
    )


def token_since(token: str | None, *, path: Path | None = None) -> float | None:
    """When the login a (well-signed) token continues began (epoch seconds), else None."""
    payload = unsign(token or "", signing_key(path=path))
    if payload is None:
        return None
    began = payload.get("st", payload.get("iat"))
    return float(began) if isinstance(began, int | float) else None


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
    began = payload.get("st", payload["iat"])
    if not isinstance(began, int | float):
        return None
    return auth.session_account(
        str(payload.get("u", "")), str(payload.get("s", "")), since=float(began), path=path
    )


def revoke(account_name: str, *, now: float, path: Path | None = None) -> None:
    """End every session of ``account_name`` that began until ``now`` (epoch seconds; on logout):
    its cookies, and its other tabs at their next step."""
    with store.transaction(path, bookkeeping=True) as con:  # no page's figure: caches stay warm
        con.execute(
            "UPDATE accounts SET tokens_revoked_at = ? WHERE name = ?",
            [datetime.fromtimestamp(now), account_name],
        )
    auth.note_revocation()


def cookie_script(token: str | None, *, max_age_s: int) -> str:
    """The ``<script>`` that sets (or, with ``token=None``, deletes) the cookie in the browser."""
    value, age = (token, int(max_age_s)) if token else ("", 0)
    return (
        "<script>(function(){var s=location.protocol==='https:'?'; Secure':'';"
        f"document.cookie='{COOKIE}={value}; Path=/; Max-Age={age}; SameSite=Strict'+s;}})();</script>"
    )
