"""The sidebar shared by every page: language toggle and dataset picker."""

from __future__ import annotations

import streamlit as st

from ui.i18n import LANGS, t
from ui.resources import dataset_choices


def render_sidebar() -> None:
    """Draw the language toggle and the dataset picker; both persist in session state and the URL."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = st.query_params.get("lang", "zh") if st.query_params.get("lang") in LANGS else "zh"
    with st.sidebar:
        st.title(t("app.title"))
        st.caption(t("app.tagline"))
        lang = st.segmented_control(
            t("app.language"), options=list(LANGS), format_func=lambda x: "中文" if x == "zh" else "English",
            default=st.session_state["lang"], key="lang_toggle",
        )
        if lang and lang != st.session_state["lang"]:
            st.session_state["lang"] = lang
            st.query_params["lang"] = lang
            st.rerun()
        choices = dataset_choices()
        keys = list(choices)
        current = st.session_state.get("dataset_key", keys[0])
        if current not in choices:
            current = keys[0]
        picked = st.selectbox(
            t("app.dataset"), options=keys, index=keys.index(current),
            format_func=lambda k: choices[k], help=t("app.dataset_help"), key="dataset_picker",
        )
        st.session_state["dataset_key"] = picked
