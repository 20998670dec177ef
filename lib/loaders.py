"""Cached loaders: the boundary between the store and the pages.

Caches are keyed by the store's path and data version (a write by any process
changes it) and by the Scope's key, which includes the user: a cached result
is shared by every session, so nothing user-dependent is cached without it.
Callers must not mutate what these return.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from lib import config, demo, geo, metrics, queries, store
from lib.scope import Scope


def _key() -> tuple[str, tuple[int, ...]]:
    path = config.db_path()
    return str(path), store.data_version(path)


@st.cache_resource(show_spinner=False)
def _ensure_store(db: str) -> bool:
    """Build the demo county on first start (once per process and database)."""
    if store.is_empty():
        demo.build_demo()
        return True
    return False


def ensure_store() -> bool:
    """True if the demo was built just now."""
    return _ensure_store(str(config.db_path()))


@st.cache_data(show_spinner=False, max_entries=8)
def _store_info(db: str, version: tuple[int, ...]) -> dict[str, Any]:
    with store.connect() as con:
        as_of = store.get_meta(con, "as_of")
        years = [r[0] for r in con.execute(
            "SELECT DISTINCT school_year FROM enrolment_counts ORDER BY 1 DESC").fetchall()]
        towns = con.execute("SELECT code, name, county_code FROM townships ORDER BY code").df()
        county = store.get_meta(con, "county_code", config.COUNTY_CODE)
        return {
            "as_of": date.fromisoformat(as_of) if as_of else config.DEMO_AS_OF,
            "demo": store.get_meta(con, "demo") == "true",
            "years": years,
            "townships": towns,
            "county": county,
        }


def store_info() -> dict[str, Any]:
    """Data date, whether it is demo data, school years and townships available."""
    return _store_info(*_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _overview(db: str, version: tuple[int, ...], scope_key: tuple, _scope: Scope) -> metrics.Overview:
    with store.connect() as con:
        return metrics.compute_overview(con, _scope)


def load_overview(scope: Scope) -> metrics.Overview:
    return _overview(*_key(), scope.cache_key(), scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _township_geojson(db: str, version: tuple[int, ...], scope_key: tuple, _scope: Scope) -> dict:
    with store.connect() as con:
        towns = queries.townships(con, _scope)
        county = queries.county_geometry(con, _scope)
    props = {r.code: {"code": r.code, "name": r.name, "kind": r.kind} for r in towns.itertuples()}
    shapes = geo.simplified_geojson(dict(zip(towns.code, towns.geometry, strict=True)), props)
    outline = geo.simplified_geojson({"county": county}, {"county": {"code": "county"}},
                                     tolerance_m=80) if county else None
    return {"townships": shapes, "county": outline}


def load_township_geojson(scope: Scope) -> dict:
    """Simplified township polygons (and the county outline) as GeoJSON dicts."""
    return _township_geojson(*_key(), scope.cache_key(), scope)
