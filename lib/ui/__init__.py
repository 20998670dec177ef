"""Shared chrome, written once: banner, headers, metric cards, scope sidebar, tables.

With :mod:`lib.loaders`, the only place in lib that imports streamlit.  The widget blocks
of some wings live beside it: login (the login gate, password change, account box),
present (汇报模式 chrome), ops (maintenance notice, scheduled backup, the correction form),
planning (布局规划 scenario widgets), imports (数据导入 mapping editor, report, history),
golive (the data gate of a page without its data, the 上线检查 tables, 数据未报),
risk (重点关注学生 model card and weights form), frame (Streamlit's own texts in Chinese, the
first start's progress, the note of a long wait), accounts (账号管理 role, territory and class
inputs), cases (案件详情's conflict panel and tab forms), jobs (后台任务: a long work's progress
bar, its result when the user comes back), roster (学籍核查 file check, coverage and lists),
reconcile (精准识别 of an uploaded list and its result), aid (学生资助's four tabs), layout
(学校布局's school card, charts and map), mapview (a folium map on a page: st_folium's work
done once per map).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from lib import loaders
from lib.core import config, fmt, schema
from lib.core.i18n import LANGUAGES, TEXT, t
from lib.core.scope import Scope

# Session-state keys (one place).
LANG = "lang"
SCOPE = "scope"
ROLE_SCOPE = "role_scope"

COLOURS = {"red": "#fbe3e1", "amber": "#fff1d6", "green": "#e3f4e8", "grey": "#f0f0f0", "none": ""}


def lang() -> str:
    return st.session_state.get(LANG, "zh")


def tr(key: str) -> str:
    """``key`` in the reader's language; a Chinese label lib wrote is its own key (``LABELS``)."""
    return t(key, lang())


def headers(df: Any, translate: tuple[str, ...] = ()) -> Any:
    """``df`` (a frame, or a Styler lib formatted) with its column headers (labels lib wrote in
    Chinese), and the cells of the ``translate`` columns (:func:`cells`), in the reader's language."""
    if lang() == "zh":
        return df
    styler = df if hasattr(df, "relabel_index") else None  # a pandas Styler
    data = styler.data if styler is not None else df
    names, seen = [], set()
    for c in data.columns:
        en = t(c, "en") if isinstance(c, str) else c
        names.append(c if en in seen else en)  # two headers with one English: the second keeps its own
        seen.add(names[-1])
    shown = cells(data, translate).set_axis(names, axis=1)
    if styler is None:
        return shown
    # Streamlit draws a Styler's data with its formats, which pandas keys by cell position
    # (not by label), so the formats carry over to the relabelled copy unchanged.
    restyled = shown.style
    restyled._display_funcs.update(styler._display_funcs)
    return restyled


def cells(df: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """``df`` with the cells of ``columns`` (labels lib wrote in Chinese: grades, bands, reasons,
    lists of them joined by ；or 、) in the reader's language; names and code-list values stay."""
    if lang() == "zh" or not columns:
        return df

    def one(v: Any) -> Any:
        if not isinstance(v, str):
            return v
        return "; ".join(", ".join(t(w, "en") for w in part.split("、")) for part in v.split("；"))

    return df.assign(**{c: df[c].map(one) for c in columns if c in df})


def _keys(mapping: dict[str, Any] | None) -> dict[str, Any] | None:
    """A dict keyed by column headers, keyed as :func:`headers` renames them."""
    return None if mapping is None else {tr(k): v for k, v in mapping.items()}


def figure(fig: Any) -> Any:
    """A plotly figure with its title, axis and legend titles, trace names and annotations (labels
    lib wrote in Chinese) in the reader's language.  Changes ``fig`` in place and returns it."""
    if lang() == "zh":
        return fig

    def title(obj: Any) -> None:
        if obj is not None and getattr(obj, "title", None) is not None and obj.title.text:
            obj.title.text = tr(obj.title.text)

    title(fig.layout)
    fig.for_each_xaxis(title)
    fig.for_each_yaxis(title)
    title(fig.layout.legend)
    fig.for_each_trace(lambda tr_: tr_.update(name=_label_value(tr_.name)) if tr_.name else None)
    for ann in fig.layout.annotations or ():
        if ann.text:
            ann.text = _label_value(ann.text)
    return fig


def cached_figure(fn: Callable[..., Any], *args: Any, inputs: tuple | None = None, **kwargs: Any) -> Any:
    """``figure(fn(*args, **kwargs))``, made once per process for the same inputs and language.

    Building a plotly figure and styling it (lib.present.charts.style validates every property)
    costs 10-30 ms on every rerun of a page; the figure shows the same until its inputs change.
    The key is ``fn`` and its arguments, judged by content (small frames: a township's rows, a
    trend), or, when they are costly to judge, ``inputs``: what they were computed from (the
    store's :func:`lib.loaders.data_key`, the Scope's key, the page's choices), which must then
    decide them entirely. The figure is shared: Streamlit only reads it; never change it.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    if inputs is not None:
        return _figure_by_inputs(name, lang(), inputs, kwargs, _build=partial(fn, *args))
    return _figure_by_content(name, lang(), args, kwargs, _build=fn)


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure_by_content(name: str, language: str, args: tuple, kwargs: dict, _build: Callable) -> Any:
    return figure(_build(*args, **kwargs))


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure_by_inputs(name: str, language: str, inputs: tuple, kwargs: dict, _build: Callable) -> Any:
    return figure(_build(**kwargs))


_MEMO: OrderedDict[tuple, tuple[weakref.ref, Any]] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 128


def memo(fn: Callable[..., Any], data: Any, *args: Any, by: Hashable = None, **kwargs: Hashable) -> Any:
    """``fn(data, *args, **kwargs)``, worked out once while ``data`` stays the same object.

    ``data`` is a loader's result (one object shared by every rerun until the store changes and
    the loader computes a new one); what a page derives from it on each rerun (the filter
    choices, the rows a filter keeps, their display table) is then derived once, not again on
    every click elsewhere on the page.  ``args`` and ``kwargs`` (or ``by``, when they are not
    hashable: their ``repr``, say, or a second result's ``id`` beside the first) must decide the
    result with ``data`` (the filters, the mask); the result is shared, never change it.  Entries
    hold ``data`` weakly: a result of a loader's earlier figures is dropped with them.
    """
    what = (args, tuple(sorted(kwargs.items()))) if by is None else by
    key = (f"{fn.__module__}.{fn.__qualname__}", id(data), what)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0]() is data:
            _MEMO.move_to_end(key)
            return hit[1]
    out = fn(data, *args, **kwargs)
    with _MEMO_LOCK:
        _MEMO[key] = (weakref.ref(data), out)
        for old in [k for k, (ref, _) in _MEMO.items() if ref() is None]:  # their data is gone
            del _MEMO[old]
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return out


def _label_value(text: str) -> str:
    """A label, or a label and its value ("全区 96.3%", a reference line's legend), translated."""
    head, _, rest = text.partition(" ")
    return tr(text) if text in TEXT or not rest else f"{tr(head)} {rest}"


def fmt_date(value: date | None) -> str:
    """A date in the reader's language: 2026年11月20日 / 20 Nov 2026."""
    return fmt.fmt_date(value, lang=lang())


def school_year(year: int, language: str | None = None) -> str:
    """2026-2027学年 / 2026-2027."""
    return t("school_year_fmt", language or lang()).format(y=year, y1=year + 1)


def labeller(fn: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """A ``format_func`` showing ``fn(value)`` (or the value), a label lib wrote in Chinese, in
    the reader's language.  The language is read now, not when the widget formats its options
    (AppTest formats them again outside the run, where the session's language is not at hand)."""
    language = lang()
    return lambda v: t(str(fn(v) if fn else v), language)


def current_scope() -> Scope:
    """The Scope computed by the frame (app.py) for this run.

    If a page runs without the frame, it is Streamlit's legacy ``pages/``-folder
    mode, which a fresh server uses for its very first run when that run opens a
    page URL directly (streamlit PR #10276 discussion): switch the server to
    ``st.navigation`` mode and rerun, so the frame (login, scope) always runs first.
    """
    if SCOPE not in st.session_state:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state[SCOPE]


# ------------------------------------------------------------------ frame
def language_switch() -> None:
    params = st.query_params
    if LANG not in st.session_state:
        st.session_state[LANG] = params.get("lang", "zh") if params.get("lang") in LANGUAGES else "zh"
    st.sidebar.radio(
        t("language", lang()), list(LANGUAGES), key=LANG, format_func=LANGUAGES.get, horizontal=True
    )


def _param_list(name: str) -> list[str]:
    raw = st.query_params.get_all(name)
    out: list[str] = []
    for item in raw:
        out += [x for x in item.split(",") if x]
    return out


def sidebar_scope(info: dict[str, Any], allowed: Scope) -> Scope:
    """Scope filters in the sidebar, initialised from and mirrored to the URL.

    The result is ``allowed`` (what the role may see) narrowed by the sidebar,
    which is itself initialised from the URL: a URL can narrow, never widen.
    """
    towns: pd.DataFrame = info["townships"]
    towns = towns[towns.code.str.startswith(allowed.county)]
    if allowed.townships is not None:
        towns = towns[towns.code.isin(allowed.townships)]
    names = dict(zip(towns.code, towns.name, strict=True))
    data_as_of: date = info["as_of"]
    # a year that starts after the data's date (counts derived by a summer rollover) is not offered yet
    years: list[int] = [y for y in info["years"] if date(y, 9, 1) <= data_as_of] or [allowed.school_year]

    st.sidebar.subheader(tr("filters"))
    if "f_towns" not in st.session_state:
        st.session_state["f_towns"] = [c for c in _param_list("township") if c in names]
        st.session_state["f_levels"] = [x for x in _param_list("level") if x in schema.LEVELS]
        y = st.query_params.get("year")
        st.session_state["f_year"] = int(y) if y and y.isdigit() and int(y) in years else years[0]
    chosen = st.sidebar.multiselect(
        tr("township"), list(names), key="f_towns", format_func=names.get, placeholder=tr("all")
    )
    levels = st.sidebar.multiselect(tr("level"), list(schema.LEVELS), key="f_levels", placeholder=tr("all"))
    year = st.sidebar.selectbox(
        tr("school_year"), years, key="f_year", format_func=partial(school_year, language=lang())
    )
    start, end = date(year, 9, 1), min(date(year + 1, 8, 31), data_as_of)
    a = st.query_params.get("as_of")
    default = end
    if a:
        try:
            default = min(max(date.fromisoformat(a), start), end)
        except ValueError:
            pass
    as_of = st.sidebar.date_input(
        tr("as_of"), value=default, min_value=start, max_value=end, key=f"f_as_of_{year}", format="YYYY-MM-DD"
    )

    scope = allowed.narrow(
        townships=tuple(chosen) if chosen else None,
        levels=tuple(levels) if levels else None,
        as_of=as_of,
        school_year=year,
    )
    _mirror_to_url(chosen, levels, year, as_of, data_as_of)
    return scope


def _mirror_to_url(towns: list[str], levels: list[str], year: int, as_of: date, data_as_of: date) -> None:
    want: dict[str, Any] = {}
    if towns:
        want["township"] = ",".join(towns)
    if levels:
        want["level"] = ",".join(levels)
    want["year"] = str(year)
    if as_of != data_as_of:
        want["as_of"] = as_of.isoformat()
    if lang() != "zh":
        want["lang"] = lang()
    current = {k: ",".join(st.query_params.get_all(k)) for k in st.query_params}
    if current != want:
        st.query_params.from_dict(want)


def allowed_scope() -> Scope:
    """What the logged-in user's roles allow (set by :func:`login_gate`).

    Nobody logged in means nothing to show: the run stops (fail closed).
    """
    if ROLE_SCOPE not in st.session_state:
        st.stop()
    return st.session_state[ROLE_SCOPE]


def demo_banner(is_demo: bool) -> None:
    """The synthetic-data warning; in the meeting view every slide's subtitle says 演示数据
    instead (the banner would take a tenth of a projector's screen)."""
    from lib.ui.present import PRESENT  # the meeting view's switch (a sibling module of the ui)

    if is_demo and not st.session_state.get(PRESENT):
        st.warning(tr("demo_banner"), icon=":material/science:")


def page_header(title: str, scope: Scope, *, towns: dict[str, str] | None = None) -> None:
    """Title plus one line saying for whom (the Scope) and as of when."""
    st.title(title)
    if scope.townships is None:
        county = loaders.store_info().get("county_name") or config.COUNTY_NAME
        where = county + tr("whole_county")
    else:
        where = tr("list_sep").join((towns or {}).get(c, c) for c in scope.townships) or "—"
    if scope.levels is not None:
        where += " · " + tr("list_sep").join(scope.levels)
    st.caption(f"{where} · {school_year(scope.school_year)} · {tr('as_of_caption')} {fmt_date(scope.as_of)}")
    if fresh := _freshness():
        st.caption(fresh)


#: session key: the page being run (app.py sets it), for the freshness line under its title
PAGE_KEY = "_page_key"


def _freshness() -> str | None:
    """How fresh each source of the current page is (lib.ops.golive.freshness_text)."""
    from lib.ops import golive  # on first use: the frame's first paint loads only what it draws

    page = st.session_state.get(PAGE_KEY)
    if page is None:
        return None
    return golive.freshness_text(loaders.load_golive_status(), golive.page_sources(page), lang=lang())


def metric_cards(cards: list[Any], *, per_row: int = 5) -> None:
    """Big-number cards (objects with label, value, delta, help, inverse: lib.present.cards.Card);
    labels, help and changes lib wrote in Chinese are shown in the reader's language.

    An arrow and a colour only for a real change: "±0 较上周" is shown plain (a red up arrow
    for nothing would send a meeting looking for a rise that did not happen)."""
    for i in range(0, len(cards), per_row):
        cols = st.columns(per_row)
        for col, card in zip(cols, cards[i : i + per_row], strict=False):
            note = getattr(card, "note", None)  # no data: the reason in words, grey, no arrow
            plain = bool(note) or fmt.is_flat(card.delta)  # no data, or a change of nothing: no arrow
            col.metric(
                tr(card.label),
                card.value,
                delta=tr(note or card.delta) if (note or card.delta) else None,
                help=tr(card.help) if card.help else None,
                border=True,
                delta_color="off" if plain else "inverse" if card.inverse else "normal",
                delta_arrow="off" if plain else "auto",
            )


def shows_masked(scope: Scope | None = None) -> bool:
    """Whether what this session shows must be masked: always, unless the user typed a
    reason to unmask (:func:`unmask_control`) and ``scope`` (when given) is the unmasked one."""
    from lib.core import permissions  # on first use: the frame's first paint loads only what it draws

    if scope is not None and permissions.masked(scope):
        return True
    base = st.session_state.get(SCOPE)
    grant = st.session_state.get(UNMASK)
    user = (scope or base).user if (scope or base) is not None else None
    granted = (
        bool(grant) and grant.get("user") == user and base is not None and permissions.can(base, "unmask")
    )
    return not granted


def table(
    data: Any,
    *,
    scope: Scope | None = None,
    where: Any = None,
    known: Any = (),
    keep: tuple[str, ...] = (),
    formats: dict[str, Any] | None = None,
    column_config: dict[str, Any] | None = None,
    translate: tuple[str, ...] = (),
    **kwargs: Any,
) -> None:
    """``st.dataframe`` (in ``where``, a column or container, if given; no index, full width
    unless told) through the masking gate (:func:`lib.core.masking.gate`): names, ID numbers,
    phones and addresses are masked by their values, whatever the columns are called, unless
    the user unmasked with a reason (:func:`shows_masked`).  ``known``: the names the table is
    about (a case's child and guardian), masked wherever its text repeats them; ``keep``:
    columns shown as they are (staff names, never a child's).  Headers, and
    the cells of the ``translate`` columns (:func:`cells`), in the reader's language;
    ``formats`` and ``column_config`` are keyed by the Chinese headers lib writes."""
    from lib.core import masking  # on first use: the frame's first paint loads only what it draws

    shown = masking.gate(data, mask=shows_masked(scope), known=known, keep=keep)
    if isinstance(shown, pd.DataFrame):  # a Styler keeps the headers it was styled with
        shown = headers(cells(shown, translate))
        if formats:
            shown = shown.style.format(_keys(formats), na_rep="—")
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    (where or st).dataframe(shown, column_config=_keys(column_config), **kwargs)


def coloured_table(
    df: pd.DataFrame,
    colours: pd.DataFrame,
    *,
    formats: dict[str, Any],
    height: int | str = "auto",
    scope: Scope | None = None,
    column_config: dict[str, Any] | None = None,
    width: str = "stretch",
    translate: tuple[str, ...] = (),
) -> None:
    """A table whose cells are tinted by the house palette (``colours`` holds red/amber/...),
    through the masking gate as :func:`table`; headers and the ``translate`` columns' cells in
    the reader's language (``formats`` and ``column_config`` keyed by the Chinese headers)."""
    from lib.core import masking  # on first use: the frame's first paint loads only what it draws

    df = masking.gate(df, mask=shows_masked(scope))
    df, colours, formats = headers(cells(df, translate)), headers(colours), _keys(formats) or {}
    # st.dataframe shows a missing cell as "None" whatever the Styler's na_rep: a column with
    # missing values is shown as text, formatted here, "—" where there is no value
    config: dict[str, Any] = dict(_keys(column_config) or {})
    shown, texted = df.copy(), set()
    for col in df.columns:
        if df[col].isna().any() and not (df[col].dtype == object and df[col].map(type).eq(str).all()):
            f = formats.get(col)
            shown[col] = df[col].map(lambda v, f=f: "—" if pd.isna(v) else _cell_text(v, f))
            config.setdefault(col, st.column_config.TextColumn(alignment="right"))
            texted.add(col)
    styler = shown.style.format({k: v for k, v in formats.items() if k not in texted}, na_rep="—").apply(
        lambda _: colours.map(lambda c: f"background-color: {COLOURS.get(c, '')}" if COLOURS.get(c) else ""),
        axis=None,
    )
    st.dataframe(styler, hide_index=True, width=width, height=height, column_config=config or None)


def _cell_text(value: Any, f: Any) -> str:
    """One cell as its column's format writes it (a whole float as an integer)."""
    if callable(f):
        return str(f(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f.format(value) if f else str(value)


def lazy_tabs(labels: list[str], *, key: str) -> Any:
    """``st.tabs`` whose content runs for the open tab only: a page draws each tab inside
    ``if tab.open:``, and a click on another tab reruns the page with that one open (the
    first by default).  A page of four tabs no longer computes and sends all four on every
    rerun.  ``st.session_state[key]`` holds the open tab's label (:data:`LAZY_TABS`: every
    such key, for the tests that open each tab).

    A label that changes while its tab is open (a count in it, the language) keeps that tab
    open: Streamlit would fall back to the first.  A widget inside a tab loses its value while
    the tab is closed unless made with ``persist_state="page"``.
    """
    LAZY_TABS.add(key)
    seen = f"{key}__labels"
    was, before = st.session_state.get(key), st.session_state.get(seen)
    if was is not None and was not in labels and before and was in before:
        st.session_state[key] = labels[min(before.index(was), len(labels) - 1)]
    st.session_state[seen] = list(labels)
    return st.tabs(labels, key=key, on_change="rerun")


#: The session keys of the pages' :func:`lazy_tabs`.
LAZY_TABS: set[str] = set()


def note(text: str) -> None:
    st.caption("ⓘ " + text)


def refresh_note(loader: str, scope: Scope) -> None:
    """Say so when the page shows the previous figures of ``loader`` (:data:`lib.loaders.WARMED`)
    while the server recomputes them after a data change."""
    if (since := loaders.refresh_started(loader, scope)) is not None:
        st.info(tr("data_refreshing").format(time=since.strftime("%H:%M")), icon=":material/autorenew:")


# ------------------------------------------------------------------ audit and export
def audit_once(scope: Scope, action: str, **detail: Any) -> None:
    """Record a view once per session and (scope, filters), not once per rerun."""
    from lib.core import audit  # on first use: the frame's first paint loads only what it draws

    key = ("audited", action, scope.cache_key(), tuple(sorted((k, str(v)) for k, v in detail.items())))
    seen: set = st.session_state.setdefault("_audited", set())
    token = repr(key)
    if token not in seen:
        audit.record(scope, action, **detail)
        seen.add(token)


def _export_bytes(make, scope: Scope, what: str, rows: int, fmt_name: str) -> bytes:
    """Build an export when the user clicks, and record it in the audit log."""
    from lib.core import audit, permissions  # on first use: the frame's first paint loads only what it draws

    data = make()
    audit.record(scope, "export", what=what, rows=rows, format=fmt_name, masked=permissions.masked(scope))
    return data


def download_buttons(
    df: pd.DataFrame,
    *,
    name: str,
    scope: Scope,
    key: str,
    sheets: dict[str, pd.DataFrame] | None = None,
    title: str | None = None,
) -> None:
    """xlsx + UTF-8 CSV (with BOM) buttons; each download is recorded in the audit log.

    The files are built only when a button is clicked (deferred ``data``), so a
    page with several exports stays fast.  Every cell passes the masking gate
    (:mod:`lib.core.masking`) unless the user unmasked with a reason and ``scope`` is
    the unmasked one (:func:`shows_masked`).
    """
    from lib.present import reports  # on first use: the frame's first paint loads only what it draws

    stem = f"{name}_{scope.as_of.isoformat()}"
    c1, c2 = st.columns(2)
    book = sheets or {name: df}
    titles = {k: title for k in book} if title else None
    mask = shows_masked(scope)
    c1.download_button(
        tr("ui_download_xlsx"),
        partial(
            _export_bytes,
            partial(reports.to_xlsx_bytes, book, titles=titles, mask=mask),
            scope,
            name,
            len(df),
            "xlsx",
        ),
        file_name=f"{stem}.xlsx",
        key=f"{key}_xlsx",
        width="stretch",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    c2.download_button(
        tr("ui_download_csv"),
        partial(_export_bytes, partial(reports.to_csv_bytes, df, mask=mask), scope, name, len(df), "csv"),
        file_name=f"{stem}.csv",
        key=f"{key}_csv",
        width="stretch",
        on_click="ignore",
        mime="text/csv",
    )


# ------------------------------------------------------------------ permissions (enforcement)
UNMASK = "_unmask_grant"  # session: {"user": ..., "reason": ...} once a reason was typed


def require_page(scope: Scope, action: str) -> None:
    """Stop the page (with a Chinese message) unless the user may do ``action``.

    Every page calls this first, so a direct URL to a page hidden from the
    navigation shows no data.
    """
    from lib.core import permissions  # on first use: the frame's first paint loads only what it draws

    if not permissions.can(scope, action):
        st.error(
            tr("ui_no_right").format(
                roles=permissions.describe_roles(scope, lang=lang()),
                right=tr(permissions.ACTION_LABELS.get(action, action)),
            ),
            icon=":material/lock:",
        )
        st.stop()


def unmask_control(scope: Scope, list_name: str) -> Scope:
    """The one way a page shows a named list unmasked; returns the Scope to read and show with.

    Masked by default.  A user whose role may unmask types a reason once; the
    grant lasts for the session (every named list), is recorded in the audit log
    (``unmask_granted`` with the reason, then ``unmask`` once per list and
    filters), and can be ended with a button.  Without the right: always masked.
    """
    from dataclasses import replace

    from lib.core import audit, permissions  # on first use: the frame's first paint loads only what it draws

    masked = replace(scope, mask=True)
    if not permissions.can(scope, "unmask"):
        note(tr("ui_masked_no_right"))
        return masked
    grant = st.session_state.get(UNMASK)
    if grant and grant.get("user") == scope.user:
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.caption("🔓 " + tr("ui_unmasked").format(reason=grant["reason"]))
        if c2.button(tr("ui_mask_again"), key=f"unmask_end_{list_name}"):
            st.session_state.pop(UNMASK, None)
            audit.record(scope, "unmask_ended", list=list_name)
            st.rerun()
        audit_once(scope, "unmask", list=list_name, reason=grant["reason"])
        return replace(scope, mask=False)
    with st.expander("🔒 " + tr("ui_unmask_open")):
        reason = st.text_input(tr("ui_unmask_reason"), key="unmask_reason", max_chars=200)
        if st.button(tr("ui_unmask_go"), key="unmask_go"):
            reason = (reason or "").strip()
            if len(reason) < 2:
                st.error(tr("ui_unmask_short"))
            else:
                st.session_state[UNMASK] = {"user": scope.user, "reason": reason}
                audit.record(scope, "unmask_granted", list=list_name, reason=reason)
                st.rerun()
    return masked


def named_download_buttons(
    df: pd.DataFrame,
    *,
    name: str,
    scope: Scope,
    key: str,
    sheets: dict[str, pd.DataFrame] | None = None,
    title: str | None = None,
) -> None:
    """:func:`download_buttons` for a list that names children: only with ``export_named``;
    ``df`` must already be masked as :func:`unmask_control` decided."""
    from lib.core import permissions  # on first use: the frame's first paint loads only what it draws

    if not permissions.can(scope, "export_named"):
        note(tr("ui_no_export"))
        return
    download_buttons(df, name=name, scope=scope, key=key, sheets=sheets, title=title)


# ------------------------------------------------------------------ uploads
def upload_limit_mb() -> int:
    """The upload limit in MB for ``st.file_uploader(max_upload_size=...)``: ``ingest.max_upload_mb``
    of the effective settings (an administrator's stored override counts)."""
    from lib import loaders  # on first use: the frame's first paint loads only what it draws

    return max(1, int(float(loaders.load_effective_settings()["ingest"]["max_upload_mb"])))


def uploaded(upload: Any) -> tuple[bytes, str] | None:
    """The bytes and name of an ``st.file_uploader`` file once they pass the upload gate
    (:func:`lib.ingest.gate.check_upload`: size, rows, zip bombs); else None, with the reason shown."""
    if upload is None:
        return None
    from lib import loaders  # on first use: the frame's first paint loads only what it draws
    from lib.core import settings as settings_store  # on first use: as above
    from lib.ingest import gate  # on first use: as above

    data = upload.getvalue()
    try:
        gate.check_upload(
            data, upload.name, limits=settings_store.upload_limits(loaders.load_effective_settings())
        )
    except gate.UploadRefused as exc:
        st.error(str(exc))
        return None
    return data, upload.name
