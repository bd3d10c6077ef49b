"""Tuning page: channel-weight sliders over cached channel scores, the fused list, contributions, what-if
ranks, reasons, rank movement, and named weight presets.

The query (user and/or typed interests) is chosen outside the fragment; everything that reacts to a
slider lives in one ``@st.fragment``, so a slider move reruns only that part and only re-weights the
channel scores the engine cached for the query (``Engine.channel_scores`` -> ``core.ranking.fusion``).

Session state it writes for other pages: ``fusion_config`` (the current :class:`FusionConfig`) and
``last_recommendations`` (dict: ``user_id``, ``profile``, ``query``, ``recommendation`` (the engine's
``Recommendation``), ``records``). It reads ``interest_profile`` (from the Interests page) if present.
Its own keys start with ``tuning_``.
"""

from __future__ import annotations

import html
import time
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.common.errors import InterestLensError
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.fusion import rank_movement
from core.ranking.query import Query
from core.ranking.registry import CHANNELS
from ui.i18n import current_lang, t
from ui.resources import ensure_ready, get_dataset, get_engine
from ui.safe import md_escape
from ui.reasons import records as reason_records
from ui.shell import ensure_app_shell

ensure_app_shell()

COLOURS = dict(zip(CHANNELS, ("#4C78A8", "#72B7B2", "#F58518", "#E45756", "#54A24B", "#EECA3B", "#B279A2"),
                   strict=True))
SLIDER_MAX = 2.0
DEFAULTS = FusionConfig()


def _weight_key(name: str) -> str:
    return f"tuning_w_{name}"


def _apply_config(config: FusionConfig) -> None:
    """Put a configuration into the widgets' session state (used before the widgets are drawn)."""
    for name, value in config.weights.as_dict().items():
        st.session_state[_weight_key(name)] = float(value)
    st.session_state["tuning_norm"] = config.normalisation
    st.session_state["tuning_rrf"] = config.method == "rrf"
    st.session_state["tuning_rrf_k"] = int(config.rrf_k)
    st.session_state["tuning_mmr"] = float(config.mmr_lambda)


def _init_state() -> None:
    if "tuning_norm" not in st.session_state:
        saved = st.session_state.get("fusion_config")
        _apply_config(saved if isinstance(saved, FusionConfig) else DEFAULTS)


def _current_config() -> FusionConfig:
    state = st.session_state
    weights = FusionWeights(**{name: float(state.get(_weight_key(name), 0.0)) for name in CHANNELS})
    return FusionConfig(
        weights=weights,
        normalisation=str(st.session_state.get("tuning_norm", "minmax")),
        method="rrf" if st.session_state.get("tuning_rrf") else "weighted",
        rrf_k=int(st.session_state.get("tuning_rrf_k", 60)),
        mmr_lambda=float(st.session_state.get("tuning_mmr", 1.0)),
    )


# --- presets (core.workspace.store) -----------------------------------------------------------------------


def _workspace() -> Any:
    from core.workspace.store import default_workspace

    return default_workspace()


def _save_preset(fingerprint: str) -> None:
    name = str(st.session_state.get("tuning_preset_name", "")).strip()
    if not name:
        st.session_state["tuning_preset_msg"] = ("warning", t("tuning.name_needed"))
        return
    try:
        _workspace().save_preset(name, _current_config(), fingerprint)
        st.session_state["tuning_preset_msg"] = ("success", t("tuning.saved", name=md_escape(name)))
    except InterestLensError as exc:
        st.session_state["tuning_preset_msg"] = ("error", t("tuning.preset_error", error=md_escape(exc)))


def _load_preset(fingerprint: str) -> None:
    name = st.session_state.get("tuning_preset_pick")
    if not name:
        return
    try:
        config = _workspace().load_preset(str(name), fingerprint)
        _apply_config(config)
        st.session_state["tuning_preset_msg"] = ("success", t("tuning.loaded", name=md_escape(name)))
    except InterestLensError as exc:
        st.session_state["tuning_preset_msg"] = ("error", t("tuning.preset_error", error=md_escape(exc)))


def _reset() -> None:
    _apply_config(DEFAULTS)


def _presets(fingerprint: str) -> None:
    with st.expander(t("tuning.presets")):
        st.text_input(t("tuning.preset_name"), key="tuning_preset_name", max_chars=100)
        st.button(t("tuning.save"), key="tuning_save", on_click=_save_preset, args=(fingerprint,))
        try:
            names = [p.name for p in _workspace().list_presets(fingerprint)]
        except InterestLensError as exc:
            names = []
            st.error(t("tuning.preset_error", error=md_escape(exc)))
        if names:
            st.selectbox(t("tuning.preset_pick"), names, key="tuning_preset_pick")
            st.button(t("tuning.load"), key="tuning_load", on_click=_load_preset, args=(fingerprint,))
        else:
            st.caption(t("tuning.no_presets"))
        msg = st.session_state.pop("tuning_preset_msg", None)
        if msg:
            getattr(st, msg[0])(msg[1])


# --- drawing ------------------------------------------------------------------------------------


def _contribution_chart(labels: list[str], channels: tuple[str, ...], contributions: Any) -> go.Figure:
    """Horizontal stacked bars: one bar per item, one segment per channel (negative parts to the left)."""
    fig = go.Figure()
    for j, name in enumerate(channels):
        fig.add_trace(go.Bar(
            y=labels, x=contributions[:, j], orientation="h", name=t(f"tuning.channel.{name}"),
            marker_color=COLOURS.get(name), hovertemplate="%{y}<br>%{x:.3f}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        barmode="relative", height=90 + 26 * len(labels), margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title=t("tuning.chart_title"), xaxis_title=t("tuning.contribution"),
        legend={"orientation": "h", "y": -0.12 if len(labels) > 8 else -0.3},
        yaxis={"autorange": "reversed", "type": "category"},
    )
    return fig


def _plot_label(rank: int, title: str) -> str:
    """Plotly reads a subset of HTML in labels: escape titles so they show literally."""
    short = title if len(title) <= 42 else title[:41] + "…"
    return html.escape(f"{rank}. {short}")


def _movement_text(move: int | None) -> str:
    if move is None:
        return t("tuning.move.new")
    if move > 0:
        return t("tuning.move.up", n=move)
    if move < 0:
        return t("tuning.move.down", n=-move)
    return t("tuning.move.same")


@st.fragment
def tuning_panel(engine: Any, query: Query) -> None:
    """Sliders + the fused list; reruns alone when a control inside it changes."""
    dataset = engine.dataset
    scores = engine.channel_scores(query)
    controls, output = st.columns([1, 2.6], gap="large")
    with controls:
        st.subheader(t("tuning.weights"))
        for name in CHANNELS:
            key = _weight_key(name)
            top = max(SLIDER_MAX, float(st.session_state.get(key, 0.0)))
            st.slider(t(f"tuning.channel.{name}"), 0.0, top, step=0.05, key=key,
                      help=t(f"tuning.help.{name}"), disabled=name in scores.dropped)
            if name in scores.dropped:
                st.caption(t("tuning.dropped", channel=t(f"tuning.channel.{name}"),
                             reason=t(f"tuning.reason.{scores.dropped[name]}")))
        st.selectbox(t("tuning.normalisation"), ["minmax", "zscore", "rank"], key="tuning_norm",
                     format_func=lambda m: t(f"tuning.norm.{m}"))
        st.toggle(t("tuning.rrf"), key="tuning_rrf")
        if st.session_state.get("tuning_rrf"):
            st.number_input(t("tuning.rrf_k"), min_value=1, max_value=1000, step=1, key="tuning_rrf_k")
        st.slider(t("tuning.mmr"), 0.0, 1.0, step=0.05, key="tuning_mmr")
        st.slider(t("tuning.k"), 5, 50, value=20, step=5, key="tuning_k")
        st.button(t("tuning.reset"), key="tuning_reset", on_click=_reset)
        _presets(dataset.fingerprint)

    config = _current_config()
    k = int(st.session_state.get("tuning_k", 20))
    started = time.perf_counter()
    rec = engine.recommend(query, config, k=k)
    elapsed_ms = (time.perf_counter() - started) * 1e3
    result = rec.result

    # rank movement since the previous *weights* for the same query (other reruns keep the arrows)
    last = st.session_state.get("tuning_last")
    previous = None
    if last and last["query"] == query.key():
        previous = last["items"] if last["config"] != config else last.get("previous")
    items = [int(i) for i in result.items]
    if not last or last["query"] != query.key() or last["config"] != config:
        st.session_state["tuning_last"] = {"query": query.key(), "config": config, "items": items,
                                           "previous": previous}
    moves = rank_movement(previous, items) if previous is not None else [0] * len(items)

    lang = current_lang()
    records = reason_records(rec, dataset, lang)
    st.session_state["fusion_config"] = config
    st.session_state["last_recommendations"] = {
        "user_id": query.user_id, "profile": query.profile, "query": query, "recommendation": rec,
        "records": records,
    }

    with output:
        st.subheader(t("tuning.results"))
        if not items:
            st.info(t("tuning.no_results"))
            return
        st.caption(t("tuning.timing", n=f"{dataset.n_items:,}", ms=f"{elapsed_ms:.1f}"))
        labels = [_plot_label(r["rank"], r["title"]) for r in records]
        st.plotly_chart(_contribution_chart(labels, result.channels, result.contributions),
                        key="tuning_chart", config={"displayModeBar": False})
        table = pd.DataFrame({
            t("tuning.col.rank"): result.rank,
            t("tuning.col.move"): [_movement_text(m) for m in moves],
            t("tuning.col.title"): [r["title"] for r in records],
            t("tuning.col.score"): result.score.round(4),
            t("tuning.col.reason"): [r["reason"] for r in records],
        })
        for j, name in enumerate(result.channels):
            table[t("tuning.col.without", channel=t(f"tuning.channel.{name}"))] = rec.what_if[:, j]
        st.dataframe(table, hide_index=True, key="tuning_table", width="stretch")
        st.caption(t("tuning.whatif"))


# --- page ---------------------------------------------------------------------------------------


def _user_picker(dataset: Any) -> str | None:
    counts = dataset.interactions["user_id"].value_counts()
    options: list[str | None] = [None, *[str(u) for u in dataset.user_ids]]
    if "tuning_user" not in st.session_state:
        st.session_state["tuning_user"] = options[1] if len(options) > 1 else None
    if st.session_state["tuning_user"] not in options:
        st.session_state["tuning_user"] = None

    def _label(user: str | None) -> str:
        if user is None:
            return t("tuning.no_user")
        return t("tuning.user_option", id=user, n=int(counts.get(user, 0)))

    picked: str | None = st.selectbox(t("tuning.user"), options, key="tuning_user", format_func=_label)
    return picked


def _profile(engine: Any) -> Any:
    page_profile = st.session_state.get("interest_profile")
    if page_profile is not None and st.toggle(t("tuning.use_page_interests"), value=True,
                                              key="tuning_use_page_profile"):
        return page_profile
    if "tuning_interests" not in st.session_state:  # widget state is dropped while another page shows
        st.session_state["tuning_interests"] = st.session_state.get("tuning_interests_kept", "")
    text = st.text_input(t("tuning.interests_input"), key="tuning_interests", max_chars=500,
                         placeholder=t("tuning.interests_help")).strip()
    st.session_state["tuning_interests_kept"] = text
    if not text:
        return None
    cache: dict[tuple[str, str], Any] = st.session_state.setdefault("tuning_profiles", {})
    key = (engine.key, text)
    if key not in cache:
        cache[key] = engine.decompose(text)
    return cache[key]


def main() -> None:
    """Draw the page."""
    st.header(t("tuning.header"))
    st.caption(t("tuning.intro"))
    dataset = get_dataset()
    engine = ensure_ready(get_engine(dataset))
    _init_state()
    left, right = st.columns([1, 2])
    with left:
        user = _user_picker(dataset)
    with right:
        try:
            profile = _profile(engine)
        except InterestLensError as exc:
            st.error(md_escape(exc))
            profile = None
        if profile is not None:
            tags = ", ".join(f"{'−' if tag.polarity < 0 else '+'}{tag.text} ({tag.weight:.2f})"
                             for tag in profile.tags)
            st.text(t("tuning.tags", tags=tags))
    if user is None and profile is None:
        st.info(t("tuning.need_query"))
        return
    tuning_panel(engine, Query(user_id=user, profile=profile))


main()
