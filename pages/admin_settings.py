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
        "设置类别",
        sections,
        format_func=settings_store.SECTION_LABELS.get,
        default=sections[0],
        key="set_section",
    )
    or sections[0]
)
with st.form(f"set_form_{section}"):
    cols = st.columns(3)
    submitted = {}
    for i, (key, value) in enumerate(settings_store.editable_leaves(settings, section)):
        label = settings_store.setting_label(key)
        col = cols[i % 3]
        if isinstance(value, bool):
            submitted[key] = col.checkbox(label, value=value, key=f"set_{key}", help=key)
        elif key in settings_store.PERCENT_SETTINGS:  # a share, typed in percent
            typed = col.number_input(
                label,
                value=float(settings_store.shown_value(key, value)),
                min_value=0.0,
                max_value=100.0,
                step=0.1,
                format="%.1f",
                key=f"set_{key}",
                help=key,
            )
            submitted[key] = settings_store.stored_value(key, typed)
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
    saved = st.form_submit_button("保存修改", type="primary")
if saved:
    changes = settings_store.changed_values(settings, submitted)
    try:
        if changes:
            settings_store.save_overrides(scope, changes)
            st.cache_data.clear()  # every cached figure depends on the settings
        st.session_state["set_flash"] = f"已保存 {len(changes)} 项设置。" if changes else "没有改动。"
        st.rerun()
    except AppError as exc:
        st.error(str(exc))

st.subheader("已修改的设置(覆盖默认值)")
table = loaders.load_settings_overrides(section)
if table.empty:
    ui.note("本类设置均为默认值(data/settings.toml 或程序默认)。")
else:
    st.dataframe(settings_store.overrides_view(table), hide_index=True, width="stretch")
    if st.button(f"恢复“{settings_store.SECTION_LABELS[section]}”的默认值", key="set_reset"):
        n = settings_store.reset_overrides(scope, section)
        st.cache_data.clear()
        st.session_state["set_flash"] = f"已恢复 {n} 项默认值。"
        st.rerun()
ui.note("修改记入审计日志(修改人、时间、新值)。列表和各年度标准(如资助标准)请在 data/settings.toml 中维护。")
