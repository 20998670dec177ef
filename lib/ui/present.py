"""汇报模式 chrome: the switch, the URL parameter, the meeting look and the step buttons.

With :mod:`lib.ui`, :mod:`lib.ui.login` and :mod:`lib.loaders`, one of the few
lib modules that import streamlit.  What a slide shows is :mod:`lib.overview.briefing`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lib.core.scope import Scope
from lib.ui import jobs as ui_jobs
from lib.ui import tr

#: Session keys: presentation mode on (from ``?present=1``), and the slide shown.
PRESENT = "present_mode"
STEP = "present_step"
#: The page of the presentation mode (its url_path in app.py and permissions.PAGE_ACTIONS).
PAGE = "pages/present.py"
URL_PATH = "present"
_TRUE = ("1", "true", "yes", "on")

#: The meeting look: no sidebar, no toolbar, large type, high contrast (a projector washes out greys).
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"] {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container {padding-top: 0.6rem !important; max-width: 100% !important;
  padding-left: 2rem !important; padding-right: 2rem !important; padding-bottom: 0.5rem !important;}
[data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #ffffff; color: #000000;}
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label {font-size: 1.15rem;}
[data-testid="stMain"] button p {font-size: 1.2rem; font-weight: 600;}
.pm-title {font-size: 2.1rem; font-weight: 800; color: #0b2545; margin: 0; line-height: 1.2;}
.pm-sub {font-size: 1.05rem; color: #111; margin: 0;}
.pm .cards {display: grid; grid-template-columns: repeat(3, 1fr); gap: 14px;}
.pm .card {border: 2px solid #333; border-left: 14px solid #444; border-radius: 8px; padding: 10px 16px;}
.pm .card .label {font-size: 1.35rem; color: #000; font-weight: 600;}
.pm .card .value {font-size: 3.2rem; font-weight: 800; line-height: 1.15; color: #000;}
.pm .card .sub {font-size: 1.1rem; color: #111;}
.pm .note {font-size: 1.05rem; color: #111;}
.pm table.red {border-collapse: collapse; width: 100%; font-size: 1.35rem;}
.pm table.red th, .pm table.red td {border: 2px solid #333; padding: 6px 12px; text-align: left;}
.pm table.red th {background: #0b2545; color: #fff;}
.pm td.s-red {background: #f8d0cc; color: #8b0000; font-weight: 800;}
.pm td.s-amber {background: #ffe3a8;} .pm td.s-green {background: #cdebd6;}
</style>
"""


def from_url() -> None:
    """``?present=1`` switches presentation mode on for this session (call before the sidebar
    mirrors the filters to the URL, which drops parameters it does not know)."""
    if str(st.query_params.get("present", "")).lower() in _TRUE:
        st.session_state[PRESENT] = True


def redirect(nav: Any, scope: Scope) -> None:
    """In presentation mode every page is the meeting view (when the role may use it)."""
    from lib.core import permissions  # on first use: the frame's first paint loads only what it draws

    if st.session_state.get(PRESENT) and nav.url_path != URL_PATH and permissions.visible(scope, URL_PATH):
        st.switch_page(PAGE)


def chrome() -> None:
    """Hide the sidebar and the toolbar; large, high-contrast type."""
    st.markdown(CSS, unsafe_allow_html=True)


def _step(delta: int, count: int) -> None:
    st.session_state[STEP] = (int(st.session_state.get(STEP, 0)) + delta) % count


def _jump(titles: list[str]) -> None:
    st.session_state[STEP] = titles.index(st.session_state["present_jump"])


#: Height of a slide's chart and map (px): the header row and the chart fit a 1280×720 projector.
SLIDE_HEIGHT = 580


def step_bar(titles: list[str], header: Callable[[int], str] | None = None) -> int:
    """One row: the slide's title (``header(step)``, HTML), ◀ / ▶ buttons (keys ← and →), a
    slide picker and the exit button; returns the slide index.  One row, so that a slide's
    chart keeps the rest of a 720-pixel screen."""
    n = len(titles)
    step = int(st.session_state.get(STEP, 0)) % n
    st.session_state[STEP] = step
    st.session_state["present_jump"] = titles[step]
    c0, c1, c2, c3, c4 = st.columns([3.4, 0.9, 1.5, 0.9, 1.0], vertical_alignment="center")
    if header is not None:
        c0.html(header(step))
    c1.button(
        "◀ " + tr("present_prev"),
        key="present_prev",
        on_click=_step,
        args=(-1, n),
        shortcut="Left",
        width="stretch",
        help=tr("present_key").format(key="←"),
    )
    c2.selectbox(
        tr("present_page"),
        titles,
        key="present_jump",
        on_change=_jump,
        args=(titles,),
        label_visibility="collapsed",
        format_func=lambda t: f"{titles.index(t) + 1} / {n} · {t}",
    )
    c3.button(
        tr("present_next") + " ▶",
        key="present_next",
        on_click=_step,
        args=(1, n),
        shortcut="Right",
        type="primary",
        width="stretch",
        help=tr("present_key").format(key="→"),
    )
    if c4.button(tr("present_exit"), key="present_exit", width="stretch"):
        st.session_state[PRESENT] = False
        st.session_state.pop(STEP, None)
        st.switch_page("pages/overview.py")
    return step


def file_button(
    label: str, make: Callable[[], bytes], *, scope: Scope, what: str, file_name: str, mime: str, key: str
) -> None:
    """A download built when clicked and recorded in the audit log (as :func:`lib.ui.download_buttons`)."""
    from functools import partial

    from lib.core import audit  # on first use: the frame's first paint loads only what it draws

    def build() -> bytes:
        data = make()
        audit.record(scope, "export", what=what, rows=0, format=file_name.rsplit(".", 1)[-1])
        return data

    st.download_button(
        label, partial(build), file_name=file_name, mime=mime, key=key, width="stretch", on_click="ignore"
    )


#: The job kind of the HTML briefing.
BRIEFING = "briefing_html"


def export_job(make: Callable[[], bytes], *, scope: Scope, file_name: str, key: str) -> None:
    """The 简报 (HTML) built in a background job (the page may be left meanwhile), then offered
    for download (recorded in the audit log when downloaded, as :func:`file_button`)."""

    def work(progress: Callable[[float, str], None]) -> bytes:
        progress(0.1, "生成报告")
        return make()

    job = ui_jobs.latest(BRIEFING, scope)
    if job is None or not job.active:
        if st.button(tr("present_make"), key=f"{key}_make", width="stretch"):
            ui_jobs.start(BRIEFING, scope, work, {"file": file_name})
            st.rerun()

    def show(html: bytes, done: Any) -> None:
        name = done.params.get("file", file_name)
        file_button(
            tr("present_export"),
            lambda: html,
            scope=scope,
            what="简报",
            file_name=name,
            mime="text/html",
            key=key,
        )

    ui_jobs.panel(BRIEFING, scope, show, key=f"{key}_job")
