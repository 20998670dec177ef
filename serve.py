"""The production entry point: ``streamlit run serve.py`` (``make run``) serves app.py.

Streamlit's static serving (``server.enableStaticServing``) hands out every file in
``static/`` to anyone, logged in or not.  Here a middleware lets through only the
vendored assets listed in ``static/vendor/SHA256SUMS`` (:func:`lib.core.secure.static_allowed`):
a file that lands in ``static/`` by mistake (a backup, an export) answers 404.
An uncaught error in a page is logged on the server and shown to the user as a
generic notice, never as a traceback (``client.showErrorDetails = "none"`` too).
"""

from __future__ import annotations

import logging

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from lib.core import secure

secure.owner_only_umask()
_LOG = logging.getLogger("edu.serve")


class VendoredStaticOnly:
    """ASGI middleware: ``/app/static/...`` answers only for vendored files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and "/app/static/" in path and not secure.static_allowed(path):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _log_script_error(exc: Exception) -> bool:
    _LOG.error("uncaught error in a page", exc_info=exc)
    return False  # Streamlit still shows its notice, without details ("none")


app = st.App("app.py", middleware=[Middleware(VendoredStaticOnly)], on_script_error=_log_script_error)
