"""备份与恢复 (administrators): back up now, the list of backups, restore one after a confirmation."""

import streamlit as st

from lib import ui
from lib.core.errors import AppError
from lib.ops import backup
from lib.ui import ops as ui_ops

scope = ui.current_scope()
ui.require_page(scope, "backup")
ui.page_header(ui.tr("nav_admin_backup"), scope)
try:
    status = backup.backup_status(scope)
except AppError as exc:
    st.error(str(exc))
    st.stop()

for kind, text in st.session_state.pop("bk_flash", []):
    (st.success if kind == "ok" else st.error)(text)

last = status["last"]
c1, c2, c3, c4 = st.columns([1, 2, 1.3, 1])
c1.metric(ui.tr("bk_count"), f"{status['count']}")
c2.metric(ui.tr("bk_last"), last.strftime("%Y-%m-%d %H:%M") if last else ui.tr("bk_none"))
c3.metric(
    ui.tr("bk_schedule"),
    ui.tr("bk_every").format(h=f"{status['schedule_hours']:g}")
    if status["schedule_hours"] > 0
    else ui.tr("bk_off"),
)
c4.metric(ui.tr("bk_keep"), f"{status['keep']}")
if ui_ops.scheduled_backup_error():
    st.warning(ui.tr("bk_sched_failed") + ui_ops.scheduled_backup_error())

if st.button(ui.tr("bk_now"), type="primary", icon=":material/backup:", key="bk_now"):
    try:
        with st.spinner(ui.tr("bk_now") + "…"):
            info = backup.take_backup(scope)
        flash = ("ok", ui.tr("bk_done").format(name=info.path.name, mb=f"{info.size_bytes / 1e6:.1f}"))
    except AppError as exc:
        flash = ("error", ui.tr("bk_failed") + str(exc))
    st.session_state["bk_flash"] = [flash]
    st.rerun()

st.subheader(ui.tr("bk_list"))
ui.table(backup.backups_table(status["folder"]))

st.subheader(ui.tr("bk_restore"))
if status["names"]:
    name = st.selectbox(ui.tr("bk_choose"), status["names"], key="bk_choose")
    chosen = status["folder"] / name
    try:
        rows = backup.backup_summary(chosen)  # the signed manifest; restore checks the file in full
        st.caption(ui.tr("bk_verified").format(name=name, tables=len(rows), rows=f"{sum(rows.values()):,}"))
    except AppError as exc:
        rows = None
        st.error(str(exc))
    sure = st.checkbox(ui.tr("bk_confirm"), key="bk_confirm", disabled=rows is None)
    if st.button(
        ui.tr("bk_restore_btn"),
        icon=":material/settings_backup_restore:",
        key="bk_restore",
        disabled=not sure or rows is None,
    ):
        try:
            with st.spinner(ui.tr("maintenance_banner")):
                result = backup.restore(scope, chosen)
            safety = result.safety_backup.name if result.safety_backup else "—"
            flash = ("ok", ui.tr("bk_restored").format(name=name, safety=safety))
        except AppError as exc:
            flash = ("error", ui.tr("bk_failed") + str(exc))
        st.session_state["bk_flash"] = [flash]
        st.session_state.pop("bk_confirm", None)
        st.rerun()
else:
    st.info(ui.tr("bk_none"))
ui.note(ui.tr("bk_note").format(folder=status["folder"]))
