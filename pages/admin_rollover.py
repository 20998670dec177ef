"""学年升级 (administrators): the dry run of the rollover to the next school year, then the real run."""

import streamlit as st

from lib import ui
from lib.core.errors import AppError
from lib.ops import rollover

scope = ui.current_scope()
ui.require_page(scope, "rollover")
ui.page_header(ui.tr("nav_admin_rollover"), scope)
try:
    plan = rollover.next_rollover(scope)
except AppError as exc:
    st.error(str(exc))
    st.stop()
year = plan.from_year

for kind, text in st.session_state.pop("ro_flash", []):
    (st.success if kind == "ok" else st.error)(text)

st.subheader(ui.tr("ro_dry").format(a=f"{year}-{year + 1}", b=f"{year + 1}-{year + 2}"))
t = plan.totals()
c = [*st.columns(3), *st.columns(3)]
for col, (label, value) in zip(
    c,
    [
        (ui.tr("ro_before"), t["on_roll_before"]),
        (ui.tr("ro_up"), t["升级"]),
        (ui.tr("ro_out"), t["毕业"]),
        (ui.tr("ro_followed"), t["leavers_followed"]),
        (ui.tr("ro_stay"), t["不升级"]),
        (ui.tr("ro_after"), t["on_roll_after"]),
    ],
    strict=True,
):
    col.metric(label, f"{value:,}", border=True)
st.caption(ui.tr("ro_carried").format(cases=t["open_cases_carried"], helps=t["active_interventions_carried"]))
for note in plan.notes:
    st.info(note)
st.markdown(f"**{ui.tr('ro_changes')}**")
changes = plan.changes().rename(columns=rollover.CHANGE_COLUMNS)
ui.table(changes)
with st.expander(ui.tr("ro_by_grade")):
    ui.table(plan.by_grade(), height=420)
ui.download_buttons(
    plan.by_grade(),
    name="学年升级预演",
    scope=scope,
    key="ro_export",
    sheets={"按年级": plan.by_grade(), "各表变化": changes},
)

early = scope.as_of < rollover.opens_on(plan.to_year)
if early:
    st.info(
        ui.tr("ro_early").format(
            day=rollover.opens_on(plan.to_year).isoformat(), as_of=scope.as_of.isoformat()
        )
    )
sure = st.checkbox(ui.tr("ro_confirm").format(b=f"{year + 1}-{year + 2}"), key="ro_confirm", disabled=early)
if st.button(
    ui.tr("ro_run"), type="primary", disabled=early or not sure, key="ro_run", icon=":material/upgrade:"
):
    try:
        with st.spinner(ui.tr("ro_run") + "…"):
            done = rollover.apply_rollover(scope, to_year=plan.to_year, as_of=scope.as_of)
        st.session_state["ro_flash"] = [
            (
                "ok",
                ui.tr("ro_done").format(up=f"{done.totals()['升级']:,}", out=f"{done.totals()['毕业']:,}")
                + " "
                + ui.tr("ro_backup_done").format(file=done.backup_file or "—"),
            )
        ]
    except AppError as exc:
        st.session_state["ro_flash"] = [("error", str(exc))]
    st.session_state.pop("ro_confirm", None)
    st.rerun()
ui.note(ui.tr("ro_backup"))
ui.note(ui.tr("ro_note"))
