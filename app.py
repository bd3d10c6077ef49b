"""InterestLens entry point: page config, sidebar (language, dataset), and explicit navigation."""

from __future__ import annotations

import streamlit as st

from ui.auth import require_access
from ui.i18n import t
from ui.resources import warm_up_default
from ui.sidebar import render_sidebar

st.set_page_config(page_title="InterestLens", page_icon="🔎", layout="wide")

require_access()
render_sidebar()

# Each page is listed explicitly (auto-discovery of pages/ is then off). No custom url_path: AppTest's
# switch_page needs the default one.
PAGES = [
    st.Page("pages/home.py", title=t("nav.home"), icon="🏠", default=True),
    st.Page("pages/data.py", title=t("nav.data"), icon="📥"),
    st.Page("pages/interests.py", title=t("nav.interests"), icon="💬"),
    st.Page("pages/tuning.py", title=t("nav.tuning"), icon="🎚️"),
    st.Page("pages/map.py", title=t("nav.map"), icon="🗺️"),
    st.Page("pages/evaluate.py", title=t("nav.evaluate"), icon="📊"),
]

try:
    st.navigation(PAGES).run()
finally:  # once per server process, after the first page is drawn: the demo's engine and map, in the background
    warm_up_default()
