"""The frame: page config, language, scope filters, navigation.  Pages do the rest."""

import streamlit as st

from lib import loaders, store, ui
from lib.i18n import t

st.set_page_config(page_title="控辍保学与学生资助", page_icon="📚", layout="wide")

ui.language_switch()
try:
    with st.spinner(t("building_demo", ui.lang())):
        loaders.ensure_store()
    info = loaders.store_info()
except store.StoreBusy:
    st.error(ui.tr("busy"))
    st.stop()

st.session_state[ui.SCOPE] = ui.sidebar_scope(info, ui.allowed_scope())

pages = [
    st.Page("pages/overview.py", title=ui.tr("nav_overview"), icon="📊", url_path="overview", default=True),
]
nav = st.navigation(pages)
ui.demo_banner(info["demo"])
nav.run()
