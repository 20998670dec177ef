"""What every page meets before its own content: Streamlit's built-in texts in Chinese, the
first start's progress, and a visible note whenever a page computes for more than a moment.

With :mod:`lib.ui`, one of the few lib modules that import streamlit; app.py calls these.

* :func:`frame_css` replaces the texts Streamlit's frontend writes itself and offers no
  parameter for (the file uploader's "Upload" and "200MB per file", "Press Enter to apply").
* :func:`localise_widget_defaults` gives every selectbox and multiselect a Chinese
  placeholder unless the page passed one ("Choose an option" otherwise).
* :func:`waiting` puts a "正在计算 …" note on screen when a block takes longer than a
  quarter of a second (never a blank page while a cache fills), and removes it after.
* :func:`first_start` builds the demo county on first start with a progress bar, as the one
  hidden page of its run (:func:`first_start_page`), so no page file name is listed meanwhile.
"""

from __future__ import annotations

import functools
import html
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from lib.core import config
from lib.core.i18n import t

#: The placeholder given to a selectbox or multiselect that has none (i18n keys).
PLACEHOLDERS = {"selectbox": "choose_one", "multiselect": "choose_many"}
#: Seconds a block may run before :func:`waiting` shows its note.
WAIT_AFTER_S = 0.25


def _lang() -> str:
    return st.session_state.get("lang", "zh")


def frame_css(lang: str = "zh") -> str:
    """The stylesheet every page carries: Streamlit's own English texts replaced where the
    framework has no parameter for them, and the look of :func:`waiting`'s note."""
    mb = int(config.SETTINGS["ingest"]["max_upload_mb"])
    drop = t("upload_hint", lang).format(mb=mb)
    browse = t("upload_browse", lang)
    enter = t("press_enter", lang)
    skip = t("skip_to_content", lang)
    css = f"""
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{browse}"; font-size: 0.875rem;}}
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0 !important;}}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{content: "{drop}"; font-size: 0.85rem;}}
[data-testid="stSkipToContent"] {{font-size: 0 !important;}}
[data-testid="stSkipToContent"]::after {{content: "{skip}"; font-size: 0.9rem;}}
[data-testid="InputInstructions"] {{font-size: 0 !important;}}
[data-testid="InputInstructions"]::after {{content: "{enter}"; font-size: 0.75rem;}}
[data-testid="stElementContainer"]:has(.edu-wait) {{position: fixed; height: 0; margin: 0; z-index: 1000;}}
.edu-wait {{position: fixed; left: 50%; bottom: 1.2rem; transform: translateX(-50%); z-index: 1000;
  background: #0b2545; color: #fff; padding: 0.55rem 1.1rem; border-radius: 1.4rem;
  box-shadow: 0 2px 10px rgba(0,0,0,0.25); font-size: 0.95rem; display: flex; align-items: center;
  gap: 0.6rem; white-space: nowrap;}}
.edu-wait .edu-spin {{width: 1rem; height: 1rem; border-radius: 50%; border: 0.18rem solid rgba(255,255,255,0.3);
  border-top-color: #fff; animation: edu-spin 0.8s linear infinite;}}
@keyframes edu-spin {{to {{transform: rotate(360deg);}}}}
@media print {{.edu-wait {{display: none;}}}}
"""
    return f"<style>{css}</style>"


def apply_frame_css() -> None:
    """Put :func:`frame_css` on the page (once per run; no space taken)."""
    st.html(frame_css(_lang()))


def _with_placeholder(fn: Callable[..., Any], key: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("placeholder") is None:
            kwargs["placeholder"] = t(key, _lang())
        return fn(*args, **kwargs)

    call.edu_localised = True  # type: ignore[attr-defined]
    return call


def localise_widget_defaults() -> None:
    """Every selectbox and multiselect without a placeholder gets a Chinese one.

    Streamlit writes "Choose an option" / "Choose options" when a widget has none, and a page
    that forgets the parameter would show English: the default is set here once, for every
    container (``st.sidebar``, columns, forms) and for ``st.selectbox`` itself, which is bound
    to the main container when streamlit is imported.  Idempotent.
    """
    from streamlit.delta_generator import DeltaGenerator

    for name, key in PLACEHOLDERS.items():
        current = getattr(DeltaGenerator, name)
        if not getattr(current, "edu_localised", False):
            setattr(DeltaGenerator, name, _with_placeholder(current, key))
        bound = getattr(st, name)
        if not getattr(getattr(bound, "__func__", bound), "edu_localised", False):
            setattr(st, name, getattr(st._main, name))


def _wait_html(what: str) -> str:
    return (
        f'<div class="edu-wait" role="status" aria-live="polite"><span class="edu-spin"></span>'
        f"{html.escape(what)}</div>"
    )


@contextmanager
def waiting(what: str, *, after: float = WAIT_AFTER_S) -> Iterator[None]:
    """Say what is being computed when the block runs longer than ``after`` seconds.

    A note at the bottom of the screen (fixed: nothing on the page moves), shown from a timer
    thread while the script is busy in the block, removed when the block ends however it
    ends (``st.stop``, ``st.rerun``, an error).  Fast blocks show nothing.
    """
    slot = st.empty()
    lock = threading.Lock()
    state = {"done": False}

    def show() -> None:
        with lock:
            if not state["done"]:
                slot.html(_wait_html(what))

    timer = threading.Timer(after, show)
    if get_script_run_ctx() is not None:
        add_script_run_ctx(timer)
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            slot.empty()


def first_start(ensure: Callable[[Callable[[float, str], None]], bool], *, expected_s: float = 15.0) -> bool:
    """Run ``ensure`` (the store's first-start build) with a progress bar that says 正在生成演示数据.

    ``ensure`` receives a callback ``progress(share, step)`` it calls as the build goes on;
    between its calls the bar creeps with the time spent (against ``expected_s``), so the
    screen is never still.  Nothing is drawn when ``ensure`` returns at once (the store exists).
    """
    lang = _lang()
    holder = st.empty()
    started = time.monotonic()
    shown = {"share": 0.0, "step": "", "bar": None}
    lock = threading.Lock()
    stop = threading.Event()

    def draw() -> None:
        spent = time.monotonic() - started
        share = max(shown["share"], min(0.95, spent / expected_s * 0.9))
        text = t("building_demo", lang) + (f" {shown['step']}" if shown["step"] else "")
        text += " " + t("seconds_spent", lang).format(s=int(spent))
        with lock:
            if stop.is_set():
                return
            if shown["bar"] is None:
                shown["bar"] = holder.progress(0.0, text=text)
            else:
                shown["bar"].progress(share, text=text)

    def progress(share: float, step: str) -> None:
        shown["share"], shown["step"] = max(0.0, min(1.0, share)), step
        draw()

    def tick() -> None:
        while not stop.wait(0.5):
            draw()

    ticker = threading.Thread(target=tick, daemon=True)
    add_script_run_ctx(ticker)
    timer = threading.Timer(0.2, lambda: (draw(), ticker.start()))
    add_script_run_ctx(timer)
    timer.daemon = True
    timer.start()
    try:
        return ensure(progress)
    finally:
        timer.cancel()
        with lock:
            stop.set()
            holder.empty()


def first_start_page(ensure: Callable[[Callable[[float, str], None]], bool]) -> None:
    """:func:`first_start` as the one, hidden page of this run, then a rerun into the app.

    Before ``st.navigation`` runs, Streamlit lists the files of ``pages/`` (English file names)
    in the sidebar; a hidden one-page navigation keeps the sidebar to the language switch
    while the demo builds.
    """

    def build() -> None:
        st.title(t("building_title", _lang()))
        first_start(ensure)

    st.navigation(
        [st.Page(build, title=t("building_title", _lang()), url_path="setup", default=True)],
        position="hidden",
    ).run()
    st.rerun()
