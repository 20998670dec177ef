"""Folium maps on a page: ``st_folium``'s work done once per map, not on every rerun.

``st_folium`` renders the whole map page, renders the map again, renders every element's script
a third time for the component, walks the elements for their links and only then calls the
component with the result: the map's script (its layers' GeoJSON as JSON text), header, div,
links and defaults.  On 学校布局 and 布局规划 that was half of a rerun, for the same map every
time.  :func:`show_map` with ``inputs`` keeps the component's arguments per process for the
same inputs, language and widget arguments, and on a rerun calls the component with them, as
``st_folium`` would.  The arguments are what ``st_folium`` itself assembled for the map (caught
on their way to the component, in this thread only), so nothing of its assembly is rewritten
here, and tests/unit/test_show_map.py checks that the component gets the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import streamlit as st

from lib import loaders, ui

_CAUGHT = threading.local()  # this thread's list while st_folium's arguments are being caught
_INSTALL = threading.Lock()


class _Catcher:
    """streamlit-folium's component, which hands its arguments back instead of drawing while
    this thread catches them (other sessions' threads draw as before)."""

    def __init__(self, component: Callable[..., Any]) -> None:
        self.component = component

    def __call__(self, **kwargs: Any) -> Any:
        box = getattr(_CAUGHT, "box", None)
        if box is not None:
            box.append(kwargs)
            return None
        return self.component(**kwargs)


def _component() -> _Catcher:
    import streamlit_folium  # on first use: pages without a map do not load it

    with _INSTALL:
        if not isinstance(streamlit_folium._component_func, _Catcher):
            streamlit_folium._component_func = _Catcher(streamlit_folium._component_func)
        return streamlit_folium._component_func


def _arguments(m: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What ``st_folium(m, **kwargs)`` gives the component, its callback aside."""
    from streamlit_folium import st_folium

    _component()
    _CAUGHT.box = []
    try:
        st_folium(m, render=False, **kwargs)
        caught = _CAUGHT.box
    finally:
        _CAUGHT.box = None
    if len(caught) != 1:  # st_folium calls its component once
        raise RuntimeError(f"st_folium called its component {len(caught)} times")
    caught[0].pop("on_change", None)
    return caught[0]


@st.cache_resource(show_spinner=False, max_entries=32)
def _cached_arguments(
    name: str, language: str, inputs: tuple, widget: tuple, _build: Callable[[], Any], _kwargs: dict
) -> dict[str, Any]:
    return _arguments(_build(), _kwargs)


def show_map(m: Any, *, inputs: tuple | None = None, **kwargs: Any) -> Any:
    """Show the folium map ``m`` as ``st_folium(m, **kwargs)`` would, and return what it returns.

    ``m``: a map, or (with ``inputs``) a function of no argument that builds it.
    ``inputs``: what decides the map entirely (the store's :func:`lib.loaders.data_key`, the
    Scope's key, the page's choices), as for :func:`lib.ui.cached_figure`.  With it, the map is
    built and rendered once per process for the same inputs, language and ``kwargs``; a rerun
    only calls the component.  Without it, every run builds and renders (st_folium's first,
    whole-page render aside, which adds nothing the component gets).
    """
    if inputs is None:
        from streamlit_folium import st_folium

        return st_folium(m() if callable(m) else m, render=False, **kwargs)
    fn = getattr(m, "func", m)  # a functools.partial: name it by its function
    widget = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    args = _cached_arguments(
        f"{fn.__module__}.{fn.__qualname__}", ui.lang(), inputs, widget, _build=m, _kwargs=kwargs
    )
    key, hashed = kwargs.get("key"), args["key"]

    def on_change() -> None:  # st_folium's own callback: the value under the caller's key too
        if key is not None:
            st.session_state[key] = st.session_state.get(hashed, {})

    return _component()(**args, on_change=on_change)


def show_choropleth(
    build: Callable[..., Any],
    data: Any,
    scope: Any,
    values: Mapping[str, float | None],
    *,
    build_kw: dict[str, Any],
    **widget: Any,
) -> Any:
    """Show the township map ``build(data, shapes, **build_kw)`` of ``values`` (its townships'
    values) through :func:`show_map`, built once per store data, Scope, ``build_kw`` and values.

    The values are part of the key, not only the data's version: while a change is taken in, a
    page shows its previous figures (lib.loaders' warm-up), and their map is keyed by their own
    values, never stored under the new version."""
    name = f"{build.__module__}.{build.__qualname__}"
    return show_map(
        partial(_choropleth, build, data, scope, build_kw),
        inputs=(
            name,
            loaders.data_key(),
            scope.cache_key(),
            tuple(sorted(build_kw.items())),
            tuple(sorted(values.items())),
        ),
        **widget,
    )


def _choropleth(build: Callable[..., Any], data: Any, scope: Any, build_kw: dict[str, Any]) -> Any:
    return build(data, loaders.load_township_geojson(scope), **build_kw)
