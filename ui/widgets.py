"""Widgets several pages draw the same way, bound to the typed state in :mod:`ui.state`."""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.data.dataset import Dataset
from ui import state
from ui.i18n import CATALOGUE, current_lang, t


@st.cache_data(show_spinner=False, max_entries=8)
def _user_counts(_dataset: Dataset, fingerprint: str) -> dict[str, int]:
    counts = _dataset.interactions["user_id"].astype(str).value_counts()
    return {str(user): int(n) for user, n in counts.items()}


def user_picker(dataset: Dataset, key: str, section: str, default: str | None = None) -> str | None:
    """A "(no user) / user (n interactions)" selectbox bound to the shared user in :class:`ui.state.FusionState`.

    ``section`` names the i18n keys (``<section>.user``, ``.no_user``, ``.user_option``, ``.user_help``);
    ``default`` is the user shown when the widget has no value yet and no page has chosen one.
    """
    counts = _user_counts(dataset, dataset.fingerprint)
    options: list[str | None] = [None, *[str(u) for u in dataset.user_ids]]
    fusion = state.get_fusion()
    if key not in st.session_state:  # a new session, or back from another page (widget state dropped)
        st.session_state[key] = fusion.user_id if state.has_fusion() else default
    if st.session_state[key] not in options:  # e.g. after a dataset switch
        st.session_state[key] = None
    lang = current_lang()  # format functions may be called outside the script run (AppTest)

    def _label(user: str | None) -> str:
        if user is None:
            return t(f"{section}.no_user", lang)
        return t(f"{section}.user_option", lang, id=user, n=counts.get(user, 0))

    help_key = f"{section}.user_help"
    picked: str | None = st.selectbox(t(f"{section}.user"), options, key=key, format_func=_label,
                                      help=t(help_key) if help_key in CATALOGUE else None)
    if picked != fusion.user_id or not state.has_fusion():
        state.set_fusion(dataclasses.replace(fusion, user_id=picked))
    return picked

