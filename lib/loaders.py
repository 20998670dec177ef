"""Cached loaders: the boundary between the store and the pages.

Caches are keyed by the store's path and data version (a write by any process
changes it) and by the Scope's key, which includes the user: a cached result
is shared by every session, so nothing user-dependent is cached without it.
Callers must not mutate what these return.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lib.aid import summary as aid_summary  # noqa: F401  registers its refresh with every write in this process
from lib.core import config, places, store, storemeta
from lib.core.scope import Scope, school_year_of
from lib.demo import county as demo
from lib.overview import metrics


def _key() -> tuple[str, tuple]:
    """The store and the version of what every page but 每周填报 reads (a school's weekly filing,
    a table only that page reads, leaves it as it was: lib.core.store.NARROW_TABLES)."""
    path = config.db_path()
    return str(path), store.data_version(path, narrow=False)


def _key_with_filings() -> tuple[str, tuple]:
    """:func:`_key` that also moves with every weekly filing (the 每周填报 page's own results)."""
    path = config.db_path()
    return str(path), store.data_version(path)


def data_key() -> tuple[str, tuple]:
    """The store and its data version: what a result computed from the store's data alone (and
    not served from a warm-up's previous figures) may be remembered under."""
    return _key()


@st.cache_resource(show_spinner=False)
def _store_ready(db: str) -> dict[str, Any]:
    """Per process and database: whether the store is known to need no build, and the lock of its build."""
    return {"ready": False, "lock": threading.Lock()}


def _needs_demo() -> bool:
    """No store yet, or an empty file no county was ever set up in: a bureau's own store made by
    ``init`` stays empty until its imports fill it."""
    return store.is_empty() and not _initialised()


def _initialised() -> bool:
    if not config.db_path().exists():
        return False
    with store.connect() as con:
        return storemeta.is_initialised(con)


def store_ready() -> bool:
    """No first-start build is due (a quick look, remembered once true)."""
    state = _store_ready(str(config.db_path()))
    if not state["ready"] and not state["lock"].locked() and not _needs_demo():
        state["ready"] = True
    return state["ready"]


def ensure_store(progress: Callable[[float, str], None] | None = None) -> bool:
    """Build the demo county on first start (once per process and database); True if built now.

    ``progress(share, step)`` is called along the build (the first start's progress bar).  A
    second session arriving during the build waits for it instead of building again.
    """
    state = _store_ready(str(config.db_path()))
    if state["ready"]:
        return False
    with state["lock"]:
        if state["ready"]:
            return False
        built = _needs_demo()
        if built:
            demo.build_demo(progress=progress)
        state["ready"] = True
        return built


@st.cache_data(show_spinner=False, max_entries=8)
def _store_info(db: str, version: tuple, today: date) -> dict[str, Any]:
    with store.connect() as con:
        as_of = storemeta.data_as_of(con)  # the demo's anchor, or a bureau's today
        years = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT school_year FROM enrolment_counts ORDER BY 1 DESC"
            ).fetchall()
        ]
        # the school year of the data date is always offered, even before its counts are in
        years = sorted({*years, school_year_of(as_of)}, reverse=True)
        towns = store.frame(con, "SELECT code, name, county_code FROM townships ORDER BY code")
        county = storemeta.county_code(con)
        return {
            "as_of": as_of,
            "demo": storemeta.is_demo(con),
            "years": years,
            "townships": towns,
            "county": county,
            "county_name": storemeta.county_name(con, county),
        }


def store_info() -> dict[str, Any]:
    """Data date, whether it is demo data, school years and townships available.

    Kept per data version and per calendar day: a bureau's data date is today, and the first
    page opened after midnight reads the new day's figures without waiting for a data change."""
    return _store_info(*_key(), storemeta.today())


@st.cache_data(show_spinner=False, max_entries=64)
def _overview(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> metrics.Overview:
    with store.connect() as con:
        return metrics.compute_overview(con, _scope)


def load_overview(scope: Scope) -> metrics.Overview:
    return _served("overview", scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _township_geojson(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> dict:
    with store.connect() as con:
        return places.township_geojson(con, _scope)


def load_township_geojson(scope: Scope) -> dict:
    """Simplified township polygons (and the county outline) as GeoJSON dicts."""
    return _township_geojson(*_key(), scope.cache_key(), scope)


# ------------------------------------------------------------------ 上线检查
@st.cache_data(show_spinner=False, max_entries=8)
def _golive_status(db: str, version: tuple) -> Any:
    from lib.ops import golive  # on first use: a page loads only its own domain

    with store.connect() as con:
        return golive.golive_status(con)


def load_golive_status() -> Any:
    """:class:`lib.ops.golive.GoLiveStatus`: each kind of data, loaded or not, rows and dates (no
    child's data: the same for every user)."""
    return _golive_status(*_key())


@st.cache_data(show_spinner=False, max_entries=16)
def _unreported(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    from lib.dropout import data as dropout_data  # on first use: a page loads only its own domain

    with store.connect() as con:
        return dropout_data.unreported(con, _scope)


def load_unreported(scope: Scope) -> pd.DataFrame:
    """Schools in Scope whose absences are not reported for the last N school days (数据未报)."""
    return _unreported(*_key(), scope.cache_key(), scope)


# ------------------------------------------------------------------ 学生资助
@st.cache_resource(show_spinner=False, max_entries=8)
def _ensure_aid_demo(db: str, version: tuple) -> bool:
    from lib.demo import aid as aid_demo  # on first use: a page loads only its own domain

    return aid_demo.ensure_aid_demo()


def ensure_aid_demo() -> bool:
    """Fill the aid tables lib/demo.py leaves empty (demo stores only; once)."""
    return _ensure_aid_demo(*_key())


# cache_resource, not cache_data: every rerun of the page would unpickle its own copy of the
# report (~5 ms), and lib.ui.memo keys what the page derives from it on the object.  The report
# is frozen and its readers only read (pandas copies on write).
@st.cache_resource(show_spinner=False, max_entries=16)
def _aid_report(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> Any:
    from lib.aid import data as aid_data  # on first use: a page loads only its own domain
    from lib.aid import view as aid_view  # on first use: a page loads only its own domain

    with store.connect() as con:
        data = aid_data.load_all(con, _scope)
    return aid_view.compute_report(data)


def load_aid_report(scope: Scope) -> Any:
    """The 学生资助 page's first view (:class:`lib.aid.view.AidReport`) for ``scope``."""
    return _served("aid", scope)


@st.cache_resource(show_spinner=False, max_entries=16)  # shared, read only: as _aid_report
def _aid_tab(db: str, version: tuple, scope_key: tuple, _scope: Scope, tab: str) -> Any:
    from lib.aid import data as aid_data  # on first use: a page loads only its own domain
    from lib.aid import tabs as aid_tabs  # on first use: a page loads only its own domain

    with store.connect() as con:
        if tab == "payments":
            return aid_tabs.compute_payments(aid_data.load_payments(con, _scope))
        return aid_tabs.compute_social(aid_data.load_social(con, _scope))


def load_aid_payments(scope: Scope) -> Any:
    """学生资助's payments tab (:class:`lib.aid.tabs.PaymentsReport`), computed when first opened."""
    return _served("aid_payments", scope)


def load_aid_social(scope: Scope) -> Any:
    """学生资助's social-aid tab (:class:`lib.aid.tabs.SocialReport`), computed when first opened."""
    return _served("aid_social", scope)


def load_aid_tasks(scope: Scope) -> pd.DataFrame:
    """Open verification tasks of ``scope``.  Kept per data version: a task made or closed is a
    write of the store, which moves the version (a rerun no longer opens the store to ask)."""
    return _aid_tasks(*_key(), scope.cache_key(), scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _aid_tasks(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    from lib.aid import tasks as aid_tasks  # on first use: a page loads only its own domain

    with store.connect() as con:
        return aid_tasks.open_tasks(con, _scope)


@st.cache_data(show_spinner=False, max_entries=8)
def _sample_registry(db: str, version: tuple, kind: str, as_of: date) -> bytes:
    from lib.demo import aid as aid_demo  # on first use: a page loads only its own domain
    from lib.present import reports  # on first use: a page loads only its own domain

    with store.connect() as con:
        # the demo's outside list as a bureau would receive it (offered only once unmasked)
        return reports.to_csv_bytes(aid_demo.sample_registry(con, kind=kind, as_of=as_of), mask=False)


def sample_registry_csv(kind: str, as_of: date) -> bytes:
    """A demo list of ``kind`` with planted faults, as a UTF-8-BOM CSV."""
    return _sample_registry(*_key(), kind, as_of)


# ------------------------------------------------------------------ 控辍保学
@st.cache_data(show_spinner=False, max_entries=4)
def _dropout_demo(db: str, version: tuple) -> bool:
    from lib.demo import dropout as dropout_demo  # on first use: a page loads only its own domain

    return dropout_demo.ensure_dropout_demo()


def ensure_dropout_demo() -> bool:
    """Fill the 控辍保学 demo rows (rosters, notices, weekly filings) of a demo store once."""
    return _dropout_demo(*_key())


@st.cache_data(show_spinner=False, max_entries=32)
def _dropout_monitoring(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> Any:
    from lib.dropout import monitor as dropout_monitor  # on first use: a page loads only its own domain

    with store.connect() as con:
        return dropout_monitor.compute_monitoring(con, _scope)


def load_dropout_monitoring(scope: Scope) -> Any:
    """:class:`lib.dropout.monitor.Monitoring` for ``scope``."""
    return _served("dropout_monitoring", scope)


@st.cache_data(show_spinner=False, max_entries=32)
def _dropout_ledger(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> dict[str, pd.DataFrame]:
    from lib.dropout import data as dropout_data  # on first use: a page loads only its own domain

    with store.connect() as con:
        cases = dropout_data.cases(con, _scope)
        ids_ = cases["case_id"].tolist()
        return {
            "cases": cases,
            "responsibles": dropout_data.responsibles(con, _scope, ids_),
            "notices": dropout_data.notices(con, _scope, ids_),
        }


def load_dropout_ledger(scope: Scope) -> dict[str, pd.DataFrame]:
    """Cases in Scope with their 六长 and notices (unmasked: mask before display)."""
    return _served("dropout_ledger", scope)


@st.cache_data(show_spinner=False, max_entries=32)
def _ledger_table(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    from lib.dropout import ledger  # on first use: a page loads only its own domain

    frames = _dropout_ledger(db, version, scope_key, _scope)
    return ledger.ledger_table(
        frames["cases"], frames["responsibles"], frames["notices"], as_of=_scope.as_of, mask=_scope.mask
    )


def load_ledger_table(scope: Scope) -> pd.DataFrame:
    """The 台账 (:func:`lib.dropout.ledger.ledger_table`) as of the Scope's day, masked unless
    the Scope is unmasked: computed once per data change, not on every rerun of 辍学台账."""
    return _served("ledger_table", scope)


@st.cache_data(show_spinner=False, max_entries=32)
def _dropout_proposals(
    db: str, version: tuple, scope_key: tuple, _scope: Scope
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from lib.dropout import data as dropout_data  # on first use: a page loads only its own domain

    with store.connect() as con:
        return dropout_data.proposals(con, _scope)


def load_dropout_proposals(scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suspected dropouts proposed from absences, and their students (unmasked)."""
    return _dropout_proposals(*_key(), scope.cache_key(), scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _dropout_case(
    db: str, version: tuple, scope_key: tuple, case_id: str, _scope: Scope
) -> dict[str, Any] | None:
    from lib.dropout import cases as dropout_cases  # on first use: a page loads only its own domain
    from lib.dropout import data as dropout_data  # on first use: a page loads only its own domain

    with store.connect() as con:
        try:
            case = dropout_cases.current_case(con, _scope, case_id)
        except dropout_cases.CaseError:
            return None
        return {
            "case": case,
            "actions": dropout_data.actions(con, _scope, [case_id]),
            "notices": dropout_data.notices(con, _scope, [case_id]),
        }


def load_dropout_case(scope: Scope, case_id: str) -> dict[str, Any] | None:
    """One case (with its 六长, actions and notices), or None outside the Scope."""
    return _dropout_case(*_key(), scope.cache_key(), case_id, scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _dropout_rosters(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> dict[str, pd.DataFrame]:
    from lib.dropout import rosters as dropout_rosters  # on first use: a page loads only its own domain

    with store.connect() as con:
        return dropout_rosters.load_rosters(con, _scope)


def load_dropout_rosters(scope: Scope) -> dict[str, pd.DataFrame]:
    """一教一帮 and 送教上门 rosters (unmasked: mask with lib.dropout.rosters.display)."""
    return _served("dropout_rosters", scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _dropout_forms(
    db: str, version: tuple, scope_key: tuple, mask: bool, _scope: Scope
) -> dict[str, pd.DataFrame]:
    from lib.dropout import forms as dropout_forms  # on first use: a page loads only its own domain

    with store.connect() as con:
        return dropout_forms.build_forms(con, _scope, mask=mask)


def load_dropout_forms(scope: Scope, *, mask: bool) -> dict[str, pd.DataFrame]:
    """The 两表, 核查反馈 and 升级督办通知 of the Scope (lib.dropout.forms), masked unless ``mask`` is False."""
    return _dropout_forms(*_key(), scope.cache_key(), mask, scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _weekly_report(db: str, version: tuple, scope_key: tuple, week: str, unmask: bool, _scope: Scope) -> Any:
    from lib.dropout import weekly as weekly_report  # on first use: a page loads only its own domain

    with store.connect() as con:
        return weekly_report.build_weekly_report(con, _scope, week, unmask=unmask)


def load_weekly_report(scope: Scope, week: str, *, unmask: bool = False) -> Any:
    """:class:`lib.dropout.weekly.WeeklyReport` for ``week`` (masked unless ``unmask``); it reads the
    weekly filings, so its key moves with them."""
    return _weekly_report(*_key_with_filings(), scope.cache_key(), week, unmask, scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _dropout_contacts(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    from lib.dropout import data as dropout_data  # on first use: a page loads only its own domain

    with store.connect() as con:
        return dropout_data.contacts(con, _scope)


def load_dropout_contacts(scope: Scope) -> pd.DataFrame:
    """六长 contacts of the places in Scope (unmasked: mask before display)."""
    return _dropout_contacts(*_key(), scope.cache_key(), scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _todo(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    from lib.overview import todo  # on first use: a page loads only its own domain

    ledger = _dropout_ledger(db, version, scope_key, _scope)  # read once: the page shows its 六长 too
    with store.connect() as con:  # the proposals read by todo_items, beside the schools' work
        return todo.todo_items(con, _scope, ledger=ledger)


def load_todo(scope: Scope) -> pd.DataFrame:
    """我的待办 lines for ``scope`` (names masked)."""
    return _served("todo", scope)


@st.cache_data(show_spinner=False, max_entries=16)
def _dropout_places(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> dict[str, pd.DataFrame]:
    from lib.dropout import data as dropout_data  # on first use: a page loads only its own domain

    with store.connect() as con:
        return {"villages": dropout_data.villages(con, _scope), "schools": dropout_data.schools(con, _scope)}


def load_dropout_places(scope: Scope) -> dict[str, pd.DataFrame]:
    """Villages and schools in Scope (for pickers)."""
    return _dropout_places(*_key(), scope.cache_key(), scope)


# ------------------------------------------------------------------ 数据导入 / 自由探索
def _mapping_key(mapping: dict[str, str | None] | None) -> tuple[tuple[str, str | None], ...]:
    return tuple(sorted((mapping or {}).items(), key=lambda kv: kv[0]))


@st.cache_data(show_spinner=False, max_entries=6)
def _parsed_upload(data: bytes, filename: str, kind: str | None, mapping: tuple, sheet: str | None) -> Any:
    from lib import ingest  # on first use: a page loads only its own domain

    # parsed in a child process with memory and time limits (lib.ingest.worker); a spare kept warm
    return ingest.parse_upload(
        data, filename, kind=kind, mapping=dict(mapping) or None, sheet=sheet, warm=True
    )


def read_upload(
    data: bytes,
    filename: str,
    *,
    kind: str | None,
    mapping: dict[str, str | None] | None = None,
    sheet: str | None = None,
) -> Any:
    """:func:`lib.ingest.read_upload` in a child process (:func:`lib.ingest.parse_upload`), cached by
    the file's bytes (raises ``IngestError``, never cached)."""
    return _parsed_upload(data, filename, kind, _mapping_key(mapping), sheet)


@st.cache_data(show_spinner=False, max_entries=6)
def _upload_report(
    db: str,
    version: tuple,
    scope_key: tuple,
    _scope: Scope,
    data: bytes,
    filename: str,
    kind: str,
    mapping: tuple,
    mode: str,
    crs: str | None,
    sheet: str | None,
) -> Any:
    from lib import ingest  # on first use: a page loads only its own domain

    parsed = _parsed_upload(data, filename, kind, mapping, sheet)
    with store.connect() as con:
        return ingest.validate(parsed, kind, con_or_reference=con, scope=_scope, mode=mode, crs=crs)


def validate_upload(
    scope: Scope,
    data: bytes,
    filename: str,
    *,
    kind: str,
    mapping: dict[str, str | None] | None,
    mode: str,
    crs: str | None,
    sheet: str | None = None,
) -> Any:
    """The validation :class:`lib.ingest.Report` of an upload against the store, for ``scope``."""
    return _upload_report(
        *_key(), scope.cache_key(), scope, data, filename, kind, _mapping_key(mapping), mode, crs, sheet
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _remembered_mapping(db: str, version: tuple, kind: str, signature: str) -> dict | None:
    from lib import ingest  # on first use: a page loads only its own domain

    with store.connect() as con:
        return ingest.remembered_mapping(con, kind, signature)


def load_remembered_mapping(kind: str, signature: str) -> dict[str, str | None] | None:
    """The column mapping chosen last time for files of this layout (kind and headers)."""
    return _remembered_mapping(*_key(), kind, signature)


@st.cache_data(show_spinner=False, max_entries=8)
def _imports(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> tuple:
    from lib import ingest  # on first use: a page loads only its own domain

    with store.connect() as con:
        history = ingest.list_imports(con, scope=_scope)
        last, reason = ingest.undo_check(con, _scope)
    return history, last, reason


def load_imports(scope: Scope) -> tuple[pd.DataFrame, dict[str, Any] | None, str | None]:
    """Recent imports, the one an undo would revert, and why it cannot be undone (or None)."""
    return _imports(*_key(), scope.cache_key(), scope)


@st.cache_data(show_spinner=False, max_entries=4)
def _explore(data: bytes, filename: str, sheet: str | None) -> dict[str, Any]:
    from lib import ingest  # on first use: a page loads only its own domain
    from lib.ingest import explore  # on first use: a page loads only its own domain
    from lib.ingest.validate import skip_summary_rows  # on first use, as above

    parsed, skipped = skip_summary_rows(
        ingest.parse_upload(data, filename, kind=None, sheet=sheet, warm=True)
    )
    frame = parsed.frame.drop(columns=ingest.ROW)
    personal = explore.detect_personal(frame)
    return {
        "parsed": parsed,
        "frame": frame,
        "personal": personal,
        "types": explore.column_types(frame, personal),
        "profile": explore.profile(frame, personal),
        "skipped": [p.message for p in skipped],  # 合计 and signature lines: not data
    }


def explore_file(data: bytes, filename: str, *, sheet: str | None = None) -> dict[str, Any]:
    """An uploaded file read without a kind: frame, personal columns, types and profile (not stored)."""
    return _explore(data, filename, sheet)


@st.cache_data(show_spinner=False, max_entries=4)
def _places(db: str, version: tuple, county: str) -> dict[str, Any]:
    with store.connect() as con:
        towns = store.frame(con, "SELECT code, name FROM townships WHERE code LIKE ?", [county + "%"])
        villages = store.frame(
            con, "SELECT code, township_code FROM villages WHERE township_code LIKE ?", [county + "%"]
        )
    return {
        "township_codes": set(towns["code"]),
        "township_names": dict(zip(towns["name"], towns["code"], strict=True)),
        "village_codes": dict(zip(villages["code"], villages["township_code"], strict=True)),
    }


def load_places(scope: Scope) -> dict[str, Any]:
    """The county's township codes, township name -> code and village code -> township code."""
    return _places(*_key(), scope.county)


@st.cache_data(show_spinner=False, max_entries=16)
def _villages(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    where, params = _scope.village_where("v")
    with store.connect() as con:
        return store.frame(
            con,
            f"SELECT v.code, v.name, v.township_code FROM villages v WHERE {where} ORDER BY v.code",
            params,
        )


def load_villages(scope: Scope) -> pd.DataFrame:
    """Villages (code, name, township_code) of the Scope's townships."""
    return _villages(*_key(), scope.cache_key(), scope)


# ------------------------------------------------------------------ 学校布局
# cache_resource, not cache_data: shared by every rerun (no copy unpickled each time; lib.ui.memo
# keys what the pages derive from them on the object); readers only read (pandas copies on write)
@st.cache_resource(show_spinner=False, max_entries=8)
def _layout_data(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> Any:
    from lib.layout import coverage as layout  # on first use: a page loads only its own domain

    with store.connect() as con:
        return layout.load_layout_data(con, _scope)


def load_layout_data(scope: Scope) -> Any:
    """:class:`lib.layout.coverage.LayoutData` of ``scope`` (townships, villages, population, schools)."""
    return _layout_data(*_key(), scope.cache_key(), scope)


@st.cache_resource(show_spinner=False, max_entries=32)  # shared, read only: as _layout_data
def _layout_view(
    db: str,
    version: tuple,
    scope_key: tuple,
    _scope: Scope,
    band: str,
    km: float | None,
    year: int | None,
) -> Any:
    from lib.layout import coverage as layout  # on first use: a page loads only its own domain

    return layout.compute_layout(load_layout_data(_scope), band=band, km=km, year=year)


def load_layout_view(scope: Scope, *, band: str, km: float | None = None, year: int | None = None) -> Any:
    """:class:`lib.layout.coverage.LayoutView`: coverage and projection of ``band`` (cached per Scope and options)."""
    return _layout_view(*_key(), scope.cache_key(), scope, band, km, year)


def tianditu_key() -> str | None:
    """The user's 天地图 key from ``.streamlit/secrets.toml`` (``tianditu_tk``), if any."""
    try:
        return st.secrets.get("tianditu_tk") or None
    except Exception:  # no secrets file at all: Streamlit raises instead of returning nothing
        return None


# ---- 重点关注学生
# cache_resource, not cache_data: the scored list of every student is large, and cache_data
# unpickles a copy on every rerun (~350 ms at district scale).  Callers only read it.
@st.cache_resource(show_spinner=False, max_entries=16)
def _risk_list(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> pd.DataFrame:
    from lib.core import settings as settings_store  # on first use: a page loads only its own domain
    from lib.risk import listing as risk_list  # on first use: a page loads only its own domain

    with store.connect() as con:
        return risk_list.load_list(con, _scope, settings_store.effective_settings(con))


def load_risk_list(scope: Scope) -> pd.DataFrame:
    """Every enrolled student in Scope, scored with the effective settings (unmasked: mask
    before display with lib.risk.listing.display_frame)."""
    return _served("risk", scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _student_profile(db: str, version: tuple, scope_key: tuple, student_id: str, _scope: Scope) -> Any:
    from lib.risk import listing as risk_list  # on first use: a page loads only its own domain

    return risk_list.student_profile(_scope, student_id)


def load_student_profile(scope: Scope, student_id: str) -> dict[str, Any] | None:
    """:func:`lib.risk.listing.profile` of one student (masked unless the Scope unmasks), or
    None outside the Scope."""
    return _student_profile(*_key(), scope.cache_key(), student_id, scope)


def load_effective_settings() -> dict[str, Any]:
    """DEFAULTS ∘ TOML ∘ the administrator's stored overrides."""
    return _effective_settings(*_key())


@st.cache_data(show_spinner=False, max_entries=4)
def _effective_settings(db: str, version: tuple) -> dict[str, Any]:
    from lib.core import settings as settings_store  # on first use: a page loads only its own domain

    with store.connect() as con:
        return settings_store.effective_settings(con)


# ------------------------------------------------------------------ 布局规划
@st.cache_data(show_spinner=False, max_entries=32)
def _plan_effect(
    db: str,
    version: tuple,
    scope_key: tuple,
    _scope: Scope,
    changes_json: str,
    band: str,
    km: float | None,
    year: int | None,
) -> Any:
    import json

    from lib.layout import planning  # on first use: a page loads only its own domain

    return planning.evaluate(load_layout_data(_scope), json.loads(changes_json), band=band, km=km, year=year)


def changes_key(changes: list[dict]) -> str:
    """A scenario's changes as the text its cached results are keyed by (and rebuilt from)."""
    import json  # on first use: only 布局规划 keys by changes

    return json.dumps(changes, sort_keys=True, ensure_ascii=False)


def load_plan_effect(
    scope: Scope, changes: list[dict], *, band: str, km: float | None = None, year: int | None = None
) -> Any:
    """:class:`lib.layout.planning.Effect` of a scenario's changes (cached by their JSON)."""
    return _plan_effect(
        *_key(),
        scope.cache_key(),
        scope,
        changes_key(changes),
        band,
        km,
        year,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _plan_comparison(
    db: str,
    version: tuple,
    scope_key: tuple,
    _scope: Scope,
    base_json: str,
    changes_json: str,
    band: str,
    km: float | None,
    year: int | None,
    base_name: str,
) -> dict[str, Any]:
    import json

    from lib.layout import planning  # on first use: a page loads only its own domain

    base, changes = json.loads(base_json), json.loads(changes_json)
    return planning.comparison(
        load_layout_data(_scope),
        load_plan_effect(_scope, base, band=band, km=km, year=year),
        load_plan_effect(_scope, changes, band=band, km=km, year=year),
        changes,
        base_name=base_name,
    )


def load_plan_comparison(
    scope: Scope,
    base: list[dict],
    changes: list[dict],
    *,
    band: str,
    km: float | None = None,
    year: int | None = None,
    base_name: str,
) -> dict[str, Any]:
    """:func:`lib.layout.planning.comparison` of a scenario's changes against ``base``'s (cached
    by their JSON): the tables 布局规划 compares on every rerun."""
    return _plan_comparison(
        *_key(),
        scope.cache_key(),
        scope,
        changes_key(base),
        changes_key(changes),
        band,
        km,
        year,
        base_name,
    )


@st.cache_data(show_spinner=False, max_entries=4)
def _scenarios(db: str, version: tuple) -> pd.DataFrame:
    from lib.layout import planning  # on first use: a page loads only its own domain

    with store.connect() as con:
        return planning.list_scenarios(con)


def load_scenarios() -> pd.DataFrame:
    """Saved scenarios (a save, rename or delete is a data change: the next call reads them)."""
    return _scenarios(*_key())


# ------------------------------------------------------------------ 账号
@st.cache_data(show_spinner=False, max_entries=4)
def _school_choices(db: str, version: tuple, county: str) -> pd.DataFrame:
    with store.connect() as con:
        return store.frame(
            con,
            "SELECT code, name, township_code FROM schools WHERE township_code LIKE ? "
            "ORDER BY township_code, name",
            [county + "%"],
        )


def load_school_choices(county: str) -> pd.DataFrame:
    """Schools (code, name, township_code) of the county, for choosing an account's school.

    Not scoped: only administrators (``manage_accounts``) call it, and names of
    schools are not personal data.
    """
    return _school_choices(*_key(), county)


# ------------------------------------------------------------------ 汇报模式与简报
def load_briefing(scope: Scope) -> Any:
    """:class:`lib.overview.briefing.Briefing` of ``scope`` from the overview's cached figures (one computation)."""
    from lib.overview import briefing  # on first use: a page loads only its own domain

    schools = briefing.schools_in_scope(load_layout_data(scope))
    return briefing.build_briefing(
        load_overview(scope), schools, briefing.load_last_snapshot(scope), demo=store_info()["demo"]
    )


# ------------------------------------------------------------------ 学籍核查
@st.cache_data(show_spinner=False, max_entries=16)
def _roster_check(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> dict[str, pd.DataFrame]:
    from lib.roster import checks as roster_checks  # on first use: a page loads only its own domain
    from lib.roster import register as roster  # on first use: a page loads only its own domain

    with store.connect() as con:
        return {
            "roster": roster.classify(con, _scope),
            "double": roster_checks.double_enrolment(con, _scope),
            "transfers": roster_checks.transfers(con, _scope),
            "overdue": roster_checks.overdue_transfers(con, _scope),
            "elsewhere": roster_checks.elsewhere(con, _scope),
            "problems": roster_checks.problems(con, _scope),
        }


def load_roster_check(scope: Scope) -> dict[str, pd.DataFrame]:
    """The stored roster classified and the 学籍核查 lists for ``scope`` (unmasked: mask before display)."""
    return _roster_check(*_key(), scope.cache_key(), scope)


@st.cache_data(show_spinner=False, max_entries=2)
def _demo_roster(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> bytes:
    from lib.demo import roster as roster_demo  # on first use: a page loads only its own domain

    roster_demo.plant_faults(scope=_scope)  # once per store (recorded in meta)
    return roster_demo.demo_roster_csv(scope=_scope)


def demo_roster_csv(scope: Scope) -> bytes:
    """The demo store's synthetic roster with planted faults (plants the store's faults first)."""
    return _demo_roster(*_key(), scope.cache_key(), scope)


def load_settings_overrides(section: str | None = None) -> pd.DataFrame:
    """Stored setting overrides with who and when (not cached: the settings page writes them)."""
    from lib.core import settings as settings_store  # on first use: a page loads only its own domain

    with store.connect() as con:
        return settings_store.overrides_table(con, section)


# ------------------------------------------------------------------ 小升初
@st.cache_data(show_spinner=False, max_entries=16)
def _transition(db: str, version: tuple, scope_key: tuple, _scope: Scope) -> Any:
    from lib.roster import transition  # on first use: a page loads only its own domain

    with store.connect() as con:
        return transition.leavers(con, _scope)


def load_transition(scope: Scope) -> Any:
    """The 小升初 待接收 list of ``scope`` (:class:`lib.roster.transition.TransitionList`, unmasked)."""
    return _transition(*_key(), scope.cache_key(), scope)


# ------------------------------------------------------------------ warm-up after a data change
# After an import, a case edit or an approval the server recomputes, in a background thread, the
# loaders that change touches for the Scopes people used lately, so the next first view is warm.
# While that runs a page gets the figures it had before, with their time (refresh_started).  The
# state is module-level, one server process, guarded by _WARM_LOCK: not st.cache_resource, which a
# cache clearing would forget and every session could mutate.  The thread only reads the store,
# one short connection per loader, so the CLI still gets in between two of them.
_WARM_LOCK = threading.Lock()
_RECENT_PER_LOADER = 8  # Scopes remembered (and warmed) per loader, most recent kept
# a "Scope key" here is (store path, Scope.cache_key()): figures of one store never stand in for another's
_recent: dict[str, dict[tuple, Scope]] = {}  # loader -> Scope key -> Scope, oldest first
_last: dict[tuple[str, tuple], tuple[Any, datetime]] = {}  # (loader, Scope key) -> (result, when)
_refreshing: set[tuple[str, tuple]] = set()  # (loader, Scope key) being recomputed
_warm_state: dict[str, Any] = {"thread": None, "again": False}
_warm_idle = threading.Event()
_warm_idle.set()


def _compute_aid(scope: Scope) -> Any:
    ensure_aid_demo()
    return _aid_report(*_key(), scope.cache_key(), scope)


#: The loaders kept warm: name -> the cached computation for one Scope.
WARMED: dict[str, Callable[[Scope], Any]] = {
    "aid": _compute_aid,
    "aid_payments": lambda s: _aid_tab(*_key(), s.cache_key(), s, "payments"),
    "aid_social": lambda s: _aid_tab(*_key(), s.cache_key(), s, "social"),
    "overview": lambda s: _overview(*_key(), s.cache_key(), s),
    "dropout_monitoring": lambda s: _dropout_monitoring(*_key(), s.cache_key(), s),
    "dropout_ledger": lambda s: _dropout_ledger(*_key(), s.cache_key(), s),
    "ledger_table": lambda s: _ledger_table(*_key(), s.cache_key(), s),
    "dropout_rosters": lambda s: _dropout_rosters(*_key(), s.cache_key(), s),
    "todo": lambda s: _todo(*_key(), s.cache_key(), s),
    "risk": lambda s: _risk_list(*_key(), s.cache_key(), s),
}
#: What each kind of change touches (an import of any table may touch every page: "all").
TOUCHES: dict[str, tuple[str, ...]] = {
    "aid": ("aid", "aid_payments", "aid_social", "overview", "todo"),
    "dropout": (
        "dropout_monitoring",
        "dropout_ledger",
        "ledger_table",
        "dropout_rosters",
        "todo",
        "overview",
        "risk",
    ),
    "all": tuple(WARMED),
}


def touched_by_kind(kind: str) -> str:
    """The :data:`TOUCHES` entry an import (or its undo) of ``kind`` changes."""
    from lib.ingest.kinds import KINDS  # on first use: only the import page needs it

    table = (KINDS[kind].table or "") if kind in KINDS else ""
    if table.startswith("aid_"):
        return "aid"
    if table.startswith("dropout_"):
        return "dropout"
    return "all"


def _served(name: str, scope: Scope) -> Any:
    """``WARMED[name](scope)``, or its previous result while a warm-up recomputes it."""
    _start_watch()
    key = (name, (str(config.db_path()), scope.cache_key()))
    with _WARM_LOCK:
        recent = _recent.setdefault(name, {})
        recent.pop(key[1], None)
        recent[key[1]] = scope
        while len(recent) > _RECENT_PER_LOADER:
            _last.pop((name, next(iter(recent))), None)
            del recent[next(iter(recent))]
        if key in _refreshing and key in _last:
            return _last[key][0]
    result = WARMED[name](scope)
    with _WARM_LOCK:
        if key not in _refreshing:  # a result computed before the change must not pose as newer
            _last[key] = (result, datetime.now())
    return result


def refresh_started(name: str, scope: Scope) -> datetime | None:
    """When the figures shown for ``name`` were computed, if they are the previous ones (a warm-up
    is recomputing them); None when they are current."""
    key = (name, (str(config.db_path()), scope.cache_key()))
    with _WARM_LOCK:
        return _last[key][1] if key in _refreshing and key in _last else None


def after_change(what: str = "all", *, also: frozenset[tuple[str, tuple]] = frozenset()) -> int:
    """Recompute, in the background, the loaders a change of ``what`` (:data:`TOUCHES`) touches,
    for the Scopes used lately (and the ``also`` pairs, not yet shown); returns how many
    (loader, Scope) pairs are due."""
    try:  # this change is warmed here: the watch need not warm it again
        seen = _key()
    except OSError:
        seen = None
    with _WARM_LOCK:
        _watch["seen"] = seen
        due = {(n, k) for n in TOUCHES[what] for k in _recent.get(n, {}) if (n, k) in _last} | set(also)
        _refreshing.update(due)
        if not due:
            return 0
        _warm_idle.clear()
        running = _warm_state["thread"]
        if running is not None and running.is_alive():
            _warm_state["again"] = True  # the running thread goes round once more
            return len(due)
        thread = threading.Thread(target=_warm_loop, name="warm-up", daemon=True)
        _warm_state["thread"] = thread
    thread.start()
    return len(due)


def _warm_loop() -> None:
    try:
        _warm_rounds()
    except BaseException:  # whatever happened, no page goes on showing the previous figures
        with _WARM_LOCK:
            _warm_done()
        raise


def _warm_done() -> None:
    """(Under _WARM_LOCK) the warm-up thread ends: nothing is being refreshed any more."""
    _refreshing.clear()
    _warm_state["thread"] = None
    _warm_idle.set()


def _warm_rounds() -> None:
    while True:
        with _WARM_LOCK:
            _warm_state["again"] = False
            todo_ = list(_refreshing)
        for name, key in todo_:
            with _WARM_LOCK:
                scope = _recent.get(name, {}).get(key)
            try:
                current = key[0] == str(config.db_path())  # the store is the one the figures are of
                result = WARMED[name](scope) if scope is not None and current else None
            except Exception:  # a failed warm-up leaves the page to compute on its own
                result = None
            with _WARM_LOCK:
                if result is not None:
                    _last[(name, key)] = (result, datetime.now())
                else:
                    _last.pop((name, key), None)
                if not _warm_state["again"]:
                    _refreshing.discard((name, key))
        with _WARM_LOCK:
            if not _warm_state["again"]:  # decided under the lock after_change takes to see a thread
                _warm_done()
                return


# ---- a change made outside this process (the CLI's nightly import, another server)
#: Seconds between two looks at the store's data version (``EDU_WATCH_S``; 0: no watch).
WATCH_S_DEFAULT = 30.0
_watch: dict[str, Any] = {"thread": None, "seen": None, "as_of": None}
_watch_wake = threading.Event()  # set: look now (tests)


def watch_seconds() -> float:
    """How often the server looks whether another process changed the store's data."""
    try:
        return max(0.0, float(os.environ.get("EDU_WATCH_S", WATCH_S_DEFAULT)))
    except ValueError:
        return WATCH_S_DEFAULT


def _start_watch() -> None:
    """Start, once per process, the thread that warms the pages after an outside change."""
    if _watch["thread"] is not None or watch_seconds() <= 0:
        return
    with _WARM_LOCK:
        if _watch["thread"] is not None:
            return
        _watch["thread"] = threading.Thread(target=_watch_loop, name="data-watch", daemon=True)
    _watch["thread"].start()


def _watch_loop() -> None:
    while True:
        _watch_wake.wait(watch_seconds() or WATCH_S_DEFAULT)
        _watch_wake.clear()
        look_for_change()


def look_for_change() -> int:
    """If the store's data changed since the last look (or the last warm-up) and nobody here
    warmed it, warm every page for the Scopes used lately, as :func:`after_change` does for a
    change made in the app; return how many (loader, Scope) pairs are due."""
    try:
        now = _key()  # a weekly filing alone leaves every warmed page as it was
        day = store_info()["as_of"]  # the data's date: the day every page opens on
    except Exception:  # no store yet, or unreadable now: look again next time
        return 0
    with _WARM_LOCK:
        seen, _watch["seen"] = _watch["seen"], now
        before, _watch["as_of"] = _watch.get("as_of"), day
    if seen is None or seen == now or seen[0] != now[0]:
        return 0  # the first look, no change, or another store now: nothing of ours to warm
    return after_change("all", also=_moved_to(before, day) if before and before != day else frozenset())


def _moved_to(before: date, day: date) -> frozenset[tuple[str, tuple]]:
    """The import moved the data's date from ``before`` to ``day``: a Scope used lately on the
    old data date (the page's default, not a date the user picked) is remembered on the new one
    too, so that tomorrow's first view of it is warm; within the same school year only."""
    if school_year_of(before) != school_year_of(day):
        return frozenset()
    out = set()
    with _WARM_LOCK:
        for name, recent in _recent.items():
            for key, scope in list(recent.items()):
                if scope.as_of == before and key[0] == str(config.db_path()):
                    moved = replace(scope, as_of=day)
                    new_key = (key[0], moved.cache_key())
                    recent.setdefault(new_key, moved)
                    out.add((name, new_key))
    return frozenset(out)


def wait_warm(timeout: float = 60.0) -> bool:
    """Block until no warm-up runs (tests, benchmarks); True if it finished within ``timeout``."""
    return _warm_idle.wait(timeout)


# What is loaded by now (modules, classes, functions: the server's code) lives as long as the
# process.  Out of the cyclic collector's sight (refcounting still frees them), its full
# collections during a page's computation no longer walk those objects again.  Measured in a
# plain process on the district store: the risk list and 总览 together 1.05 / 0.93 s without,
# 0.88 / 0.83 s with; in the AppTest cold bench the difference is within the noise.  Once, at
# first import.
gc.collect()
gc.freeze()
# And a young generation of 50,000 objects, not 700: a page's first view allocates hundreds of
# thousands (frames' text cells, reason lists), and with the default every 700 allocations ran a
# collection that, often enough, walked the whole heap of cached results. Allocating 181k small
# objects beside a 2M-object heap: 46-59 ms with the default, 10-11 ms with this (a plain process).
gc.set_threshold(50_000, 20, 10)
