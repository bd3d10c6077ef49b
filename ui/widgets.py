"""Widgets and labels several pages draw the same way, bound to the typed state in :mod:`ui.state`.

One formatter per concept, so a user or a dataset reads the same on every page: :func:`user_label`
("user 1 (232 interactions)") and :func:`dataset_label` (a bundled demo in the session's language).
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.data.dataset import Dataset
from core.data.demos import DEMOS
from ui import state
from ui.i18n import CATALOGUE, current_lang, t


@st.cache_data(show_spinner=False, max_entries=8)
def _user_counts(_dataset: Dataset, fingerprint: str) -> dict[str, int]:
    counts = _dataset.interactions["user_id"].astype(str).value_counts()
    return {str(user): int(n) for user, n in counts.items()}


def user_counts(dataset: Dataset) -> dict[str, int]:
    """Interactions per user id (as text), cached per dataset fingerprint."""
    return _user_counts(dataset, dataset.fingerprint)


def user_label(user: str, n: int, lang: str | None = None) -> str:
    """The one way a user is named on screen: "user 1 (232 interactions)" / "用户 1（232 条交互）"."""
    return t("app.user_option", lang, id=user, n=n)


def dataset_label(dataset: Dataset, lang: str | None = None) -> str:
    """The dataset's name as the sidebar shows it: a bundled demo's label in the language, else its own name."""
    demo = dataset.meta.get("demo")
    if isinstance(demo, str) and demo in DEMOS:
        return t(f"demo.{demo}", lang)
    return dataset.name


def user_picker(dataset: Dataset, key: str, section: str, default: str | None = None) -> str | None:
    """A "(no user) / user (n interactions)" selectbox bound to the shared user in :class:`ui.state.FusionState`.

    ``section`` names the i18n keys of the label, the "no user" option and the help (``<section>.user``,
    ``.no_user``, ``.user_help``); users themselves are labelled by :func:`user_label` on every page.
    ``default`` is the user shown when the widget has no value yet and no page has chosen one.
    """
    counts = user_counts(dataset)
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
        return user_label(user, counts.get(user, 0), lang)

    help_key = f"{section}.user_help"
    picked: str | None = st.selectbox(t(f"{section}.user"), options, key=key, format_func=_label,
                                      help=t(help_key) if help_key in CATALOGUE else None,
                                      placeholder=t("app.choose_one"))
    if picked != fusion.user_id or not state.has_fusion():
        state.set_fusion(dataclasses.replace(fusion, user_id=picked))
    return picked
