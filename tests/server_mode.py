"""Make AppTest run pages the way the server does: through the frame (app.py).

AppTest re-detects Streamlit's legacy ``pages/``-folder mode before every run, and in that mode a
page opened with ``switch_page`` runs alone, without app.py: no login gate, no data gate, no
navigation, no ``store.held``. A real server runs the frame on every run, since its first
``st.navigation`` turns that mode off for good. :func:`as_the_server` turns it off after AppTest's
detection. AppTest also compiles the scripts again on every run (a new ``ScriptCache`` each
time); the server compiles each once, and so does AppTest after this (bench figures then count
no compilation). Used by tests/app/conftest.py and bench/bench_pages.py.
"""

from __future__ import annotations

from typing import Any


def as_the_server() -> None:
    """Patch AppTest (once per process) to run every page through the frame, scripts compiled once."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    if getattr(PagesManager.__init__, "_as_server", False):
        return
    compiled = ScriptCache()
    app_test.ScriptCache = lambda: compiled  # type: ignore[attr-defined,assignment]
    local_script_runner.ScriptCache = lambda: compiled  # type: ignore[attr-defined,assignment]
    init = PagesManager.__init__

    def server_init(self: Any, *args: Any, **kw: Any) -> None:
        init(self, *args, **kw)
        PagesManager.uses_pages_directory = False

    server_init._as_server = True  # type: ignore[attr-defined]
    PagesManager.__init__ = server_init  # type: ignore[method-assign]
