"""The sidebar shared by every page: language toggle and dataset picker.

Both choices belong to one browser session and survive a reload: they are mirrored into the URL
(``?lang=en&dataset=ws:<key>``). The language is never written to the workspace, so one visitor's toggle
does not change what the next visitor sees. Precedence for a new session: the URL's ``?lang=``, then the
deployment's default (:func:`ui.i18n.default_lang`: ``$INTERESTLENS_LANG``), then Chinese.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import LANGS, default_lang, t
from ui.resources import dataset_choices
from ui.safe import md_escape

LANG_PARAM = "lang"
"""URL parameter that carries the session's language across reloads and bookmarks."""
DEFAULT_DATASET = "demo:movielens"


def initial_language() -> str:
    """The language a new session starts in: ``?lang=``, else the deployment's default (never a visitor's)."""
    from_url = st.query_params.get(LANG_PARAM)
    return str(from_url) if from_url in LANGS else default_lang()


LABELLED_CHOICES = (
    "dataset_picker", "tuning_user", "tuning_norm", "interests_user", "interests_mode", "map_colour",
    "map_pool", "map_find", "eval_split", "eval_metrics", "eval_baselines", "eval_channels", "eval_chart_metric",
    "eval_chart_x", "home_category_source", "tuning_bundled_pick", "eval_sweep_channel", "eval_typed_split",
)
"""Keys of choice widgets whose option labels are translated. The browser keeps a choice as its *label*,
so after a language switch it would send back the old-language label, which matches no option, and the
choice would silently fall back to the first option (e.g. the dataset to MovieLens). Writing the value
back to session state when the language changes makes Streamlit send the relabelled choice."""


def _switch_language() -> None:
    """on_change of the toggle: switch this session and its URL (nothing shared is written)."""
    lang = st.session_state.get("lang_toggle")
    if lang not in LANGS:
        return
    st.session_state["lang"] = lang
    for key in LABELLED_CHOICES:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    st.query_params[LANG_PARAM] = lang


def _language_toggle() -> None:
    lang = st.session_state["lang"]
    if st.session_state.get("lang_toggle") != lang:  # keep the widget in step with the session
        st.session_state["lang_toggle"] = lang
    st.segmented_control(
        t("app.language"), options=list(LANGS), format_func=lambda x: "中文" if x == "zh" else "English",
        required=True, key="lang_toggle", on_change=_switch_language,
    )
    if st.query_params.get(LANG_PARAM) != lang:
        st.query_params[LANG_PARAM] = lang


def _picked_dataset() -> None:
    """on_change of the picker: the user's choice becomes the session's dataset."""
    st.session_state["dataset_key"] = st.session_state.get("dataset_picker")


def _dataset_picker() -> None:
    choices = dataset_choices()
    keys = list(choices)
    current = st.session_state.get("dataset_key")
    if current is None:
        current = st.query_params.get("dataset", DEFAULT_DATASET)
    if current not in choices:
        current = DEFAULT_DATASET if DEFAULT_DATASET in choices else keys[0]
    if st.session_state.get("dataset_picker") != current:
        st.session_state["dataset_picker"] = current
    picked = st.selectbox(
        t("app.dataset"), options=keys, format_func=lambda k: choices.get(k, k), help=t("app.dataset_help"),
        key="dataset_picker", on_change=_picked_dataset, placeholder=t("app.choose_one"),
    )
    st.session_state["dataset_key"] = picked
    if picked == DEFAULT_DATASET:
        if "dataset" in st.query_params:
            del st.query_params["dataset"]
    elif st.query_params.get("dataset") != picked:
        st.query_params["dataset"] = picked


def render_sidebar() -> None:
    """Draw the language toggle and the dataset picker (see the module docstring for persistence)."""
    if st.session_state.get("lang") not in LANGS:  # before any text is drawn
        st.session_state["lang"] = initial_language()
    with st.sidebar:
        st.title(t("app.title"))
        st.caption(t("app.tagline"))
        _language_toggle()
        _dataset_picker()
        if st.session_state.get("workspace_error"):  # e.g. an empty or damaged database file
            st.error(t("ws.unusable", error=md_escape(st.session_state["workspace_error"])))
