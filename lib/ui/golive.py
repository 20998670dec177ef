"""上线检查 in the frame: a page without its data says so in words, and the checklist's widgets."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import loaders, ui
from lib.core.scope import Scope
from lib.ops import golive

GOLIVE_PAGE = "pages/golive.py"


def data_gate(page_key: str, title: str) -> None:
    """Before a page runs: remember it (for the freshness line under its title) and, when a kind
    of data it cannot work without is not imported yet, say which in words and stop, so that
    no page draws zeros or a red list made of missing data."""
    st.session_state[ui.PAGE_KEY] = page_key
    status = loaders.load_golive_status()
    missing, _ = golive.page_gaps(status, page_key)
    if not missing:
        return
    st.title(title)
    labels = "、".join(golive.BY_KIND[k].label for k in missing)
    st.info(f"{ui.tr('gl_page_needs')}{labels}。{ui.tr('gl_page_hint')}", icon=":material/inventory_2:")
    st.page_link(GOLIVE_PAGE, label=ui.tr("nav_golive"), icon=":material/rule:")
    st.stop()


def checklist_table(status: golive.GoLiveStatus) -> pd.DataFrame:
    """The checklist as the page shows it (Chinese headers, one row per kind)."""
    t = status.table
    last = t["last_at"].map(lambda v: "" if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d %H:%M}")
    return pd.DataFrame(
        {
            ui.tr("gl_col_step"): t["step"],
            ui.tr("gl_col_label"): t["label"],
            ui.tr("gl_col_required"): t["required"].map({True: "必需", False: ""}),
            ui.tr("gl_col_state"): t["state"],
            ui.tr("gl_col_rows"): t["rows"],
            ui.tr("gl_col_through"): t["through"].map(lambda d: "" if d is None or pd.isna(d) else str(d)),
            ui.tr("gl_col_last"): last + t["last_file"].map(lambda f: f" {f}" if isinstance(f, str) else ""),
            ui.tr("gl_col_how"): t["how"],
        }
    )


def state_colours(status: golive.GoLiveStatus, table: pd.DataFrame) -> pd.DataFrame:
    """Cell colours: the state column green when in, amber for the draft 校历, red when a required
    kind is missing, grey else."""
    colours = pd.DataFrame("none", index=table.index, columns=table.columns)
    t = status.table
    colours[ui.tr("gl_col_state")] = [
        "amber" if state == "草拟" else "green" if loaded else "red" if required else "grey"
        for state, loaded, required in zip(t["state"], t["loaded"], t["required"], strict=True)
    ]
    return colours


def unreported_note(scope: Scope) -> None:
    """数据未报: the schools in Scope whose absences are not reported for the last school days
    (their pupils' runs count only up to their last report), as a warning with the list."""
    behind = loaders.load_unreported(scope)
    if behind.empty:
        return
    st.warning(
        f"{ui.tr('gl_unreported')}：{len(behind)} 所。{ui.tr('gl_unreported_help')}",
        icon=":material/schedule:",
    )
    table = pd.DataFrame(
        {
            "学校": behind["school_name"],
            "乡镇": behind["township_name"],
            "最近上报截至": behind["through"].map(
                lambda d: "从未上报" if d is None or pd.isna(d) else str(d)
            ),
            "未报上课日": [
                "" if never else str(int(n))
                for n, never in zip(behind["missing_days"], behind["never"], strict=True)
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(35 * len(table) + 38, 240))
