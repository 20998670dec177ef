"""运行维护 chrome: the maintenance notice during a restore, and the backup schedule.

With :mod:`lib.ui` and :mod:`lib.loaders`, one of the few lib modules that
import streamlit.  What a backup or restore does is :mod:`lib.ops.backup`.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from lib import ui
from lib.core import config
from lib.ops import backup

#: How often (seconds) one server process looks whether a scheduled backup is due.
CHECK_EVERY_S = 600


def maintenance_gate() -> None:
    """While a restore runs (flag file beside the store), say so and stop this run."""
    status = backup.maintenance_status()
    if status is not None:
        st.warning(
            ui.tr("paren").format(a=ui.tr("maintenance_banner"), b=status.get("file", "?")),
            icon=":material/build:",
        )
        st.stop()


@st.cache_resource(show_spinner=False)
def _schedule_state(db: str) -> dict[str, Any]:
    """One per server process and store: when it last looked, and the last scheduled error.

    The first look is :data:`CHECK_EVERY_S` after the process started: a server that has
    just started is busy loading, and a backup is rarely due to the minute.
    """
    return {"checked": time.monotonic(), "error": None, "lock": threading.Lock()}


def scheduled_backup() -> str | None:
    """Take a scheduled backup when one is due (:func:`lib.ops.backup.run_if_due`).

    Called by the frame on every run; costs one clock read except once every
    :data:`CHECK_EVERY_S` seconds per process, when it lists the backup folder.
    When a backup is due, the run that noticed takes it (a few seconds for a
    county's store, with a spinner) before its page: in the same thread, so
    that nothing else in the process copies or writes the file meanwhile (a
    background thread could race a file copy of the store).  Another run that
    arrives meanwhile skips the check.  Returns the last scheduled error, if any.
    """
    db = str(config.db_path())
    state = _schedule_state(db)
    now = time.monotonic()
    if now - state["checked"] < CHECK_EVERY_S or not state["lock"].acquire(blocking=False):
        return state["error"]
    try:
        state["checked"] = now
        with st.spinner(ui.tr("bk_scheduled_running")):
            backup.run_if_due(path=Path(db))
        state["error"] = None
    except Exception as exc:  # any failure: recorded by lib.ops.backup, shown on the backup page
        state["error"] = str(exc)
    finally:
        state["lock"].release()
    return state["error"]


def scheduled_backup_error() -> str | None:
    """The error of this process's last scheduled backup (None: it worked, or none ran)."""
    return _schedule_state(str(config.db_path()))["error"]


# ------------------------------------------------------------------ 更正记录: the form
_BOOL_CHOICES = (None, True, False)


def _bool_labeller() -> Any:
    """是/否 in the reader's language, read now (AppTest formats options outside the run)."""
    yes, no = ui.tr("yes"), ui.tr("no")
    return lambda v: "—" if v is None else (yes if v else no)


def record_form_fields(table: str, record: dict[str, Any], *, masked: bool, key: str) -> dict[str, Any]:
    """One widget per editable column of ``table`` (:data:`lib.ingest.corrections.EDITABLE`), filled with
    ``record``; returns column -> value as entered.  Call inside an ``st.form``.

    Personal columns are shown masked and read-only when ``masked`` (they are not returned).
    The widget follows the import's field type: a code list is a select box, numbers are
    number inputs, dates date inputs, yes/no a select box with "—" for unknown.
    """
    from lib.core import schema  # on first use: the frame's first paint loads only what it draws
    from lib.ingest import corrections  # on first use: the frame's first paint loads only what it draws
    from lib.ingest.kinds import KINDS  # on first use: the frame's first paint loads only what it draws

    kind = KINDS[table]
    _, editable = corrections.EDITABLE[table]
    values: dict[str, Any] = {}
    cols = st.columns(3)
    for i, name in enumerate(editable):
        f = kind.field(name)
        label = ui.tr(schema.label(table, name))
        v = record.get(name)
        box = cols[i % 3]
        wkey = f"{key}_{name}"
        if masked and schema.TABLES[table].column(name).personal:
            box.text_input(
                label,
                value=corrections.show_value(table, name, v, True),
                disabled=True,
                key=wkey + "_masked",
                help=ui.tr("cr_masked_field"),
            )
            continue
        if f.type == "bool":
            values[name] = box.selectbox(
                label, _BOOL_CHOICES, index=_BOOL_CHOICES.index(v), key=wkey, format_func=_bool_labeller()
            )
        elif f.codes:
            options = [None, *f.codes] if v in (None, *f.codes) else [None, v, *f.codes]
            values[name] = box.selectbox(
                label,
                options,
                index=options.index(v),
                key=wkey,
                format_func=lambda c: "—" if c is None else str(c),
            )
        elif f.type == "int":
            values[name] = box.number_input(label, value=None if v is None else int(v), step=1, key=wkey)
        elif f.type == "float":
            values[name] = box.number_input(
                label,
                value=None if v is None else float(v),
                key=wkey,
                format="%.6f" if name in ("lon", "lat") else "%.2f",
            )
        elif f.type == "date":
            values[name] = box.date_input(
                label,
                value=v,
                key=wkey,
                format="YYYY-MM-DD",
                min_value=date(1950, 1, 1),
                max_value=date(2100, 12, 31),
            )
        else:
            values[name] = box.text_input(label, value="" if v is None else str(v), key=wkey) or None
    return values
