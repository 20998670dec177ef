"""上线检查: which kinds of data are in, how many rows, as of when; what is missing; what each page needs."""

import streamlit as st

from lib import loaders, ui
from lib.core import permissions
from lib.ops import golive
from lib.ui import golive as ui_golive

scope = ui.current_scope()
ui.require_page(scope, "view_aggregates")
status = loaders.load_golive_status()
st.title(ui.tr("nav_golive"))
st.caption(f"{status.county_name}({status.county}) · {ui.tr('as_of_caption')} {status.as_of.isoformat()}")
if status.demo:
    st.info(ui.tr("gl_demo"), icon=":material/science:")
ui.note(ui.tr("gl_intro"))

if status.live:
    st.success(ui.tr("gl_live"), icon=":material/check_circle:")
else:
    missing = "、".join(golive.BY_KIND[k].label for k in status.missing_required)
    step = golive.next_step(status)
    st.warning(
        f"{ui.tr('gl_missing')}{missing}。{ui.tr('gl_next')}“{step.label}”：{step.how}",
        icon=":material/pending_actions:",
    )
if permissions.can(scope, "import"):
    st.page_link("pages/data_import.py", label=ui.tr("gl_go_import"), icon=":material/upload_file:")

table = ui_golive.checklist_table(status)
ui.coloured_table(table, ui_golive.state_colours(status, table), formats={}, height=36 * (len(table) + 1) + 4)

st.subheader(ui.tr("gl_pages"))
pages = golive.pages_table(status)
st.dataframe(
    pages.assign(page=pages["page"].map(lambda p: ui.tr(f"nav_{p or 'overview'}")))[
        ["page", "needs", "better", "missing", "ready"]
    ].rename(
        columns={
            "page": ui.tr("gl_col_page"),
            "needs": ui.tr("gl_col_needs"),
            "better": ui.tr("gl_col_better"),
            "missing": ui.tr("gl_col_missing"),
            "ready": ui.tr("gl_col_ready"),
        }
    ),
    hide_index=True,
    width="stretch",
)
