"""系统状态 (administrators): database size, backups, last import per table, data freshness per
township, failures in the last day."""

import streamlit as st

from lib import ui
from lib.access import audit_view
from lib.core.errors import AppError
from lib.ops import health

scope = ui.current_scope()
ui.require_page(scope, "health")
ui.page_header(ui.tr("nav_admin_health"), scope)
try:
    h = health.system_health(scope)
except AppError as exc:
    st.error(str(exc))
    st.stop()

c1, c2, c3, c4 = st.columns([1, 1.6, 1, 1])
c1.metric(ui.tr("hl_size"), f"{(h.db_bytes + h.wal_bytes) / 1e6:,.1f} MB")
c2.metric(ui.tr("bk_last"), h.last_backup.strftime("%Y-%m-%d %H:%M") if h.last_backup else ui.tr("bk_none"))
c3.metric(ui.tr("hl_failures"), f"{int(h.failures['n'].sum()) if not h.failures.empty else 0}")
c4.metric(ui.tr("hl_year"), f"{h.school_year}-{h.school_year + 1}" if h.school_year else "—")
if h.backup_overdue:
    st.error(ui.tr("hl_backup_overdue"), icon=":material/warning:")
if h.restored_from:
    st.caption(ui.tr("hl_restored").format(name=h.restored_from))
for problem in h.exposure:  # files others could read, strays in static/, a backup dir out of bounds
    st.warning(problem, icon=":material/lock_open:")

st.subheader(ui.tr("hl_freshness"))
ui.coloured_table(h.freshness, health.freshness_colours(h.freshness), formats={})
st.subheader(ui.tr("hl_imports"))
if h.imports.empty:
    st.caption(ui.tr("hl_no_imports"))
else:
    ui.table(h.imports)
st.subheader(ui.tr("hl_fail_title"))
if h.failures.empty:
    st.caption(ui.tr("hl_no_failures"))
else:
    ui.table(
        h.failures.assign(
            action=h.failures["action"].map(lambda a: ui.tr(audit_view.ACTION_LABELS.get(a, a)))
        ).rename(columns={"action": ui.tr("hl_action"), "n": ui.tr("hl_times")}),
        width="content",
    )
ui.note(ui.tr("hl_note").format(path=h.db_path, as_of=h.as_of or "—"))
