"""系统设置 (administrators and county staff): thresholds and targets, stored with who and when;
they override the defaults file (data/settings.toml) until reset."""

import streamlit as st

from lib import loaders, ui
from lib.core import settings as settings_store
from lib.core.errors import AppError

scope = ui.current_scope()
ui.require_page(scope, "edit_settings")
ui.page_header(ui.tr("nav_admin_settings"), scope)
if msg := st.session_state.pop("set_flash", None):
    st.success(msg)

settings = loaders.load_effective_settings()
sections = [s for s in settings_store.SECTION_LABELS if settings_store.editable_leaves(settings, s)]
section = (
    st.segmented_control(
        ui.tr("set_section"),
        sections,
        format_func=ui.labeller(settings_store.SECTION_LABELS.get),
        default=sections[0],
        key="set_section",
    )
    or sections[0]
)
with st.form(f"set_form_{section}"):
    cols = st.columns(3)
    submitted = {}
    for i, (key, value) in enumerate(settings_store.editable_leaves(settings, section)):
        label = ui.tr(settings_store.setting_label(key))
        col = cols[i % 3]
        if isinstance(value, bool):
            submitted[key] = col.checkbox(label, value=value, key=f"set_{key}", help=key)
        elif isinstance(value, (int, float)):
            submitted[key] = col.number_input(
                label,
                value=value,
                min_value=type(value)(0),
                key=f"set_{key}",
                help=key,
                step=1 if isinstance(value, int) else 0.01,
            )
        else:
            submitted[key] = col.text_input(label, value=value, key=f"set_{key}", help=key)
    saved = st.form_submit_button(ui.tr("set_save"), type="primary")
if saved:
    changes = settings_store.changed_values(settings, submitted)
    try:
        if changes:
            settings_store.save_overrides(scope, changes)
            st.cache_data.clear()  # every cached figure depends on the settings
        st.session_state["set_flash"] = (
            ui.tr("set_saved").format(n=len(changes)) if changes else ui.tr("set_unchanged")
        )
        st.rerun()
    except AppError as exc:
        st.error(str(exc))

st.subheader(ui.tr("set_overrides"))
table = loaders.load_settings_overrides(section)
if table.empty:
    ui.note(ui.tr("set_all_default"))
else:
    ui.table(table)
    if st.button(
        ui.tr("set_reset").format(section=ui.tr(settings_store.SECTION_LABELS[section])), key="set_reset"
    ):
        n = settings_store.reset_overrides(scope, section)
        st.cache_data.clear()
        st.session_state["set_flash"] = ui.tr("set_reset_done").format(n=n)
        st.rerun()
ui.note(ui.tr("set_note"))
