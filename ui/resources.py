"""Cached access to datasets and engines for the pages (st.cache_resource / st.cache_data)."""

from __future__ import annotations

import streamlit as st

from core.dataset import Dataset
from core.demo import DEMOS, load_demo
from ui.i18n import t


def dataset_choices() -> dict[str, str]:
    """Dataset keys the sidebar offers, mapped to their display labels."""
    choices = {f"demo:{key}": t(f"demo.{key}") for key in DEMOS}
    for key, ds in st.session_state.get("uploaded_datasets", {}).items():
        choices[key] = f"⬆ {ds.name}"
    return choices


@st.cache_resource(show_spinner=False)
def _demo_dataset(key: str) -> Dataset:
    return load_demo(key)


def get_dataset(key: str | None = None) -> Dataset:
    """The Dataset behind a sidebar key (default: the one currently picked)."""
    key = key or st.session_state.get("dataset_key", "demo:movielens")
    if key.startswith("demo:"):
        return _demo_dataset(key.split(":", 1)[1])
    uploaded: dict[str, Dataset] = st.session_state.get("uploaded_datasets", {})
    if key in uploaded:
        return uploaded[key]
    return _demo_dataset("movielens")
