"""The Tuning page's controls (weight sliders, normalisation, RRF, MMR, presets), drawn with Streamlit.

The widgets hold the configuration while the page shows; :func:`widget_config` reads it (and puts the shared
``FusionState.config`` back when Streamlit dropped the widgets on a page switch). Presets are stored in the
workspace (``Workspace.save_preset`` / ``load_preset``).

The sliders' weights pass the same check as presets and the CLI's ``--weights``
(:func:`core.ranking.config.check_weights`): weights it refuses (all zero …) are not ranked with and not
shared with the other pages; :func:`weights_problem` says why, :func:`refused_panel` shows it beside the
controls.

The settings live in the URL too (:func:`sync_url`, ``?tw=semantic:1,gist:1&tk=30``…, see
:func:`ui.tuning_views.config_params`), so a reload of the page (a new browser session) puts the sliders back
where they were; each visitor's URL is their own (the workspace keeps nothing per visitor). Values in the URL
pass the same weight check; unusable ones are ignored (:func:`widget_config` then starts from the shared state).
"""

from __future__ import annotations

import streamlit as st

from core.common.errors import InterestLensError
from core.ranking.config import MAX_WEIGHT, FusionConfig, FusionWeights, WeightsError, check_weights
from core.ranking.presets import BUNDLED, bundled_presets
from core.ranking.registry import CHANNELS
from ui import state
from ui.i18n import current_lang, t
from ui.resources import workspace
from ui.safe import md_escape
from ui.tuning_views import DEFAULT_K, PARAMS, config_from_params, config_params

SLIDER_MAX = 2.0
K_KEPT = "tuning_k_kept"
"""Session key of the list length, kept while another page shows (Streamlit drops the widget's own key)."""


def weight_key(name: str) -> str:
    """Session-state key of a channel's weight slider."""
    return f"tuning_w_{name}"


def apply_config(config: FusionConfig) -> None:
    """Put a configuration into the widgets' session state (used before the widgets are drawn)."""
    for name, value in config.weights.as_dict().items():
        st.session_state[weight_key(name)] = float(value)
    st.session_state["tuning_norm"] = config.normalisation
    st.session_state["tuning_rrf"] = config.method == "rrf"
    st.session_state["tuning_rrf_k"] = int(config.rrf_k)
    st.session_state["tuning_mmr"] = float(config.mmr_lambda)


def widget_config() -> FusionConfig:
    """The configuration the widgets hold; when Streamlit dropped them (a new session, a page switch) they are
    put back from the URL's settings if it has usable ones, else from the shared state."""
    s = st.session_state
    if "tuning_norm" not in s:
        from_url, k = config_from_params(st.query_params.to_dict())
        apply_config(from_url or state.get_fusion().config)
        if "tuning_k" not in s:
            s["tuning_k"] = k or int(s.get(K_KEPT, DEFAULT_K))
    return FusionConfig(
        weights=FusionWeights(**{name: float(s.get(weight_key(name), 0.0)) for name in CHANNELS}),
        normalisation=str(s.get("tuning_norm", "minmax")), method="rrf" if s.get("tuning_rrf") else "weighted",
        rrf_k=int(s.get("tuning_rrf_k", 60)), mmr_lambda=float(s.get("tuning_mmr", 1.0)),
    )


def sync_url(config: FusionConfig, k: int) -> None:
    """Write the settings into the URL's query parameters (only those that changed; other parameters stay)."""
    st.session_state[K_KEPT] = int(k)
    wanted = config_params(config, k)
    params = st.query_params
    for key in PARAMS:
        if key in wanted:
            if params.get(key) != wanted[key]:
                params[key] = wanted[key]
        elif key in params:
            del params[key]


def weights_problem(config: FusionConfig, lang: str | None = None) -> str | None:
    """Why ``config``'s weights cannot rank (:func:`~core.ranking.config.check_weights` refuses them), in the
    UI language and safe for Markdown; None when they can."""
    try:
        check_weights(config.weights)
    except WeightsError as exc:
        channel = exc.channel or ""
        label = t(f"tuning.channel.{channel}", lang) if channel in CHANNELS else md_escape(channel)
        return t(f"tuning.weights_error.{exc.code}", lang, channel=label, value=md_escape(exc.value),
                 cap=f"{MAX_WEIGHT:g}")
    return None


def refused_panel(problem: str, fingerprint: str) -> None:
    """The controls, and in place of the list the reason the weights are refused (no list is ranked)."""
    controls, output = st.columns([1, 2.6], gap="large")
    with controls:
        controls_panel({}, fingerprint)
    with output:
        st.subheader(t("tuning.results"))
        st.error(problem)


def _preset_message(kind: str, key: str, **fmt: str) -> None:
    st.session_state["tuning_preset_msg"] = (kind, t(key, **fmt))


def _save_preset(fingerprint: str) -> None:
    name = str(st.session_state.get("tuning_preset_name", "")).strip()
    if not name:
        _preset_message("warning", "tuning.name_needed")
        return
    try:
        workspace().save_preset(name, widget_config(), fingerprint)
        _preset_message("success", "tuning.saved", name=md_escape(name))
    except InterestLensError as exc:
        _preset_message("error", "tuning.preset_error", error=md_escape(exc))


def _load_preset(fingerprint: str) -> None:
    name = st.session_state.get("tuning_preset_pick")
    if not name:
        return
    try:
        apply_config(workspace().load_preset(str(name), fingerprint))
        _preset_message("success", "tuning.loaded", name=md_escape(name))
    except InterestLensError as exc:
        _preset_message("error", "tuning.preset_error", error=md_escape(exc))


def _apply_bundled() -> None:
    key = st.session_state.get("tuning_bundled_pick")
    try:
        config = bundled_presets()[str(key)][1]
    except (KeyError, InterestLensError) as exc:
        _preset_message("error", "tuning.preset_error", error=md_escape(exc))
        return
    apply_config(config)
    _preset_message("success", "tuning.loaded", name=md_escape(t(f"tuning.bundled.{key}")))


def presets_panel(fingerprint: str) -> None:
    """Apply a bundled preset; save the current settings under a name; load a saved preset of this dataset."""
    with st.expander(t("tuning.presets")):
        lang = current_lang()
        st.selectbox(t("tuning.bundled"), BUNDLED, key="tuning_bundled_pick",
                     format_func=lambda k: t(f"tuning.bundled.{k}", lang), help=t("tuning.bundled_help"),
                     placeholder=t("app.choose_one"))
        st.caption(t(f"tuning.bundled_note.{st.session_state.get('tuning_bundled_pick', BUNDLED[0])}"))
        st.button(t("tuning.apply_bundled"), key="tuning_apply_bundled", on_click=_apply_bundled)
        st.text_input(t("tuning.preset_name"), key="tuning_preset_name", max_chars=100)
        st.button(t("tuning.save"), key="tuning_save", on_click=_save_preset, args=(fingerprint,))
        try:
            names = [p.name for p in workspace().list_presets(fingerprint)]
        except InterestLensError as exc:
            names = []
            st.error(t("tuning.preset_error", error=md_escape(exc)))
        if names:
            st.selectbox(t("tuning.preset_pick"), names, key="tuning_preset_pick", placeholder=t("app.choose_one"))
            st.button(t("tuning.load"), key="tuning_load", on_click=_load_preset, args=(fingerprint,))
        else:
            st.caption(t("tuning.no_presets"))
        msg = st.session_state.get("tuning_preset_msg")  # the last preset action's outcome stays in view
        if msg:
            {"success": st.success, "warning": st.warning, "error": st.error}[msg[0]](msg[1])


def controls_panel(dropped: dict[str, str], fingerprint: str) -> None:
    """One slider per channel (off, with the reason, when the query drops it), normalisation, RRF, MMR,
    list length, reset and presets."""
    st.subheader(t("tuning.weights"))
    for name in CHANNELS:
        key = weight_key(name)
        top = max(SLIDER_MAX, float(st.session_state.get(key, 0.0)))
        st.slider(t(f"tuning.channel.{name}"), 0.0, top, step=0.05, key=key, help=t(f"tuning.help.{name}"),
                  disabled=name in dropped and dropped[name] != "on_first_use")  # a weight fits it
        if name in dropped:
            st.caption(t("tuning.dropped", channel=t(f"tuning.channel.{name}"),
                         reason=t(f"tuning.reason.{dropped[name]}")))
    lang = current_lang()  # format functions may be called outside the script run (AppTest)
    st.selectbox(t("tuning.normalisation"), ["minmax", "zscore", "rank"], key="tuning_norm",
                 format_func=lambda m: t(f"tuning.norm.{m}", lang), placeholder=t("app.choose_one"))
    st.toggle(t("tuning.rrf"), key="tuning_rrf")
    if st.session_state.get("tuning_rrf"):
        st.number_input(t("tuning.rrf_k"), min_value=1, max_value=1000, step=1, key="tuning_rrf_k")
    st.slider(t("tuning.mmr"), 0.0, 1.0, step=0.05, key="tuning_mmr")
    st.slider(t("tuning.k"), 5, 50, step=5, key="tuning_k")
    st.button(t("tuning.reset"), key="tuning_reset", on_click=apply_config, args=(FusionConfig(),))
    presets_panel(fingerprint)
