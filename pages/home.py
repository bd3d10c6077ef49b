"""Overview page: what the product is and the current dataset's headline statistics."""

from __future__ import annotations

import streamlit as st

from ui.i18n import fmt_number, t
from ui.resources import get_dataset
from ui.safe import md_escape
from ui.shell import ensure_app_shell

ensure_app_shell()

st.header(t("home.header"))
st.write(t("app.tagline"))
with st.spinner(t("app.loading_dataset")):
    ds = get_dataset()
stats = ds.stats()
st.subheader(f"{t('home.stats')}: {md_escape(ds.name)}")
cols = st.columns(4)
cols[0].metric(t("home.interactions"), fmt_number(stats["interactions"]))
cols[1].metric(t("home.users"), fmt_number(stats["users"]))
cols[2].metric(t("home.items"), fmt_number(stats["items"]))
cols[3].metric(t("home.density"), f"{stats['density']:.3%}")
st.info(t("home.what_next"))
