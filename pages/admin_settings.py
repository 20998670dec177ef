"""系统设置 (管理员; 县级业务 the domains' thresholds and targets): stored with who and when;
they override the defaults file (data/settings.toml) until reset.  Security, backup,
retention, upload limits and paths are 管理员's alone (lib.core.settings)."""

import streamlit as st

from lib import loaders, ui
from lib.core import settings as settings_store
from lib.core.errors import AppError

scope = ui.current_scope()
ui.require_page(scope, "edit_settings")
ui.page_header(ui.tr("nav_admin_settings"), scope)
if msg := st.session_state.pop("set_flash", None):
    st.success(msg)
if conflicts := st.session_state.get("set_conflict"):  # refused keys: theirs beside what was typed
    st.error(ui.tr("settings_conflict") + "\n\n" + "\n\n".join(c.message() for c in conflicts.values()))
    ui.table(settings_store.conflicts_frame(conflicts), hide_index=True, width="stretch")

settings = loaders.load_effective_settings()
sections = settings_store.editable_sections(scope, settings)
if not sections:
    st.info(ui.tr("settings_none"))
    st.stop()
section = (
    st.segmented_control(
        ui.tr("settings_section"),
        sections,
        format_func=ui.labeller(settings_store.SECTION_LABELS.get),
        default=sections[0],
        key="set_section",
    )
    or sections[0]
)
if section not in sections:
    section = sections[0]
# the values as the form first showed them: a save writes only the keys the user changed against
# them, each only if nobody changed it meanwhile (no lost update between two administrators)
bases = st.session_state.setdefault("set_bases", {})
base = bases.setdefault(section, dict(settings_store.editable_leaves(settings, section)))
with st.form(f"set_form_{section}"):
    cols = st.columns(3)
    submitted = {}
    # only the keys this role may change are offered (管理员-only keys are not shown to others)
    leaves = [(k, v) for k, v in base.items() if settings_store.may_edit_key(scope, k)]
    for i, (key, value) in enumerate(leaves):
        label = ui.tr(settings_store.setting_label(key))
        col = cols[i % 3]
        hint = key
        if isinstance(value, bool):
            entered = col.checkbox(label, value=value, key=f"set_{key}", help=hint)
        elif key in settings_store.PERCENT_SETTINGS:  # a share, typed in percent as people write it
            typed = col.number_input(
                label,
                value=float(settings_store.shown_value(key, value)),
                min_value=0.0,
                max_value=100.0,
                step=0.1,
                format="%.1f",
                key=f"set_{key}",
                help=hint,
            )
            entered = settings_store.stored_value(key, typed)
        elif isinstance(value, (int, float)):
            lo, hi = settings_store.BOUNDS.get(key, (0, None))
            entered = col.number_input(
                label,
                value=value,
                min_value=type(value)(lo),
                max_value=None if hi is None else type(value)(hi),
                key=f"set_{key}",
                help=hint,
                step=1 if isinstance(value, int) else 0.01,
            )
        else:
            entered = col.text_input(label, value=value, key=f"set_{key}", help=hint)
        submitted[key] = entered
    c1, c2, _ = st.columns([1, 1, 4])
    saved = c1.form_submit_button(ui.tr("settings_save"), type="primary")
    reload = c2.form_submit_button(ui.tr("cr_reload"), icon=":material/refresh:")


def _restart_form() -> None:
    """Show the stored settings afresh (a widget would otherwise keep a stale value it showed)."""
    bases.pop(section, None)
    st.session_state.pop("set_conflict", None)
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"set_{section}.")]:
        del st.session_state[k]


if reload:  # drop what was typed and show the settings as they are now
    _restart_form()
    st.rerun()
if saved:
    changes = settings_store.changed_since(base, submitted)
    try:
        conflicts = settings_store.save_overrides(scope, changes, base=base) if changes else {}
        if changes:
            st.cache_data.clear()  # every cached figure depends on the settings
        n = len(changes) - len(conflicts)
        if not conflicts:
            _restart_form()  # the next form starts from the stored settings
        else:  # refused keys keep the typed value in the form; saving again applies it over theirs
            bases[section] = {**base, **changes, **{k: c.now for k, c in conflicts.items()}}
            st.session_state["set_conflict"] = conflicts
        if n or not conflicts:
            st.session_state["set_flash"] = (
                ui.tr("settings_saved").format(n=n) if n else ui.tr("settings_unchanged")
            )
        st.rerun()
    except AppError as exc:
        st.error(str(exc))

st.subheader(ui.tr("settings_overrides"))
table = loaders.load_settings_overrides(section)
if table.empty:
    ui.note(ui.tr("settings_all_default"))
else:
    ui.table(settings_store.overrides_view(table))
    label = ui.tr("settings_reset").format(section=ui.tr(settings_store.SECTION_LABELS[section]))
    if st.button(label, key="set_reset"):
        try:
            n = settings_store.reset_overrides(scope, section)
            st.cache_data.clear()
            st.session_state["set_flash"] = ui.tr("settings_reset_done").format(n=n)
            st.rerun()
        except AppError as exc:
            st.error(str(exc))
ui.note(ui.tr("settings_note"))
