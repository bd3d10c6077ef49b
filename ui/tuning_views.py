"""Helpers of the Tuning page: the contribution chart, the result table and its columns, one item's detail,
rank movement, how a user's history is mixed in, and the settings kept in the URL (nothing draws).

The page (``pages/tuning.py``) gets its list from ``Engine.recommend`` (through :mod:`ui.ranking`) and
draws what these functions build.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.interests.profile import InterestProfile
from core.ranking.config import FusionConfig, WeightsError, check_weights
from core.ranking.fusion import rank_movement
from core.ranking.query import TagLike
from core.ranking.ranker import Recommendation
from core.ranking.registry import CHANNELS
from ui.safe import plot_text

USER_CHANNELS: tuple[str, ...] = ("history", "mf", "item_knn", "ease", "rp3beta", "graph")
"""Channels that rank from the picked user's history (and from titles the typed interests name)."""
NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")
DEFAULT_K = 20
PARAMS: tuple[str, ...] = ("tw", "tn", "trrf", "tmmr", "tk")
"""URL query parameters of the Tuning page's settings: weights, normalisation, RRF k, MMR λ, list length."""
COLOURS = dict(zip(CHANNELS, ("#4C78A8", "#72B7B2", "#F58518", "#E45756", "#54A24B", "#EECA3B", "#B279A2"),
                   strict=False))
Translate = Callable[..., str]


def plot_label(rank: int, title: str, limit: int = 42) -> str:
    """``"<rank>. <title>"`` for a plotly axis, the title shortened and HTML-escaped."""
    return f"{int(rank)}. {plot_text(title, limit)}"


def contribution_chart(rec: Recommendation, titles: Sequence[str], translate: Translate) -> go.Figure:
    """Horizontal stacked bars: one bar per listed item, one segment per channel (negative parts to the left)."""
    result = rec.result
    labels = [plot_label(int(r), title) for r, title in zip(result.rank, titles, strict=True)]
    fig = go.Figure()
    for j, name in enumerate(result.channels):
        fig.add_trace(go.Bar(
            y=labels, x=result.contributions[:, j], orientation="h", name=translate(f"tuning.channel.{name}"),
            marker_color=COLOURS.get(name), hovertemplate="%{y}<br>%{x:.3f}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        barmode="relative", height=90 + 26 * len(labels), margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title=translate("tuning.chart_title"), xaxis_title=translate("tuning.contribution"),
        legend={"orientation": "h", "y": -0.12 if len(labels) > 8 else -0.3},
        yaxis={"autorange": "reversed", "type": "category"},
    )
    return fig


def movement_text(move: int | None, translate: Translate) -> str:
    """▲n / ▼n / — / new for one item's rank movement (:func:`core.ranking.fusion.rank_movement`)."""
    if move is None:
        return translate("tuning.move.new")
    if move > 0:
        return translate("tuning.move.up", n=move)
    if move < 0:
        return translate("tuning.move.down", n=-move)
    return translate("tuning.move.same")


@dataclass(frozen=True)
class RankMemory:
    """The list shown for one query under one configuration, and the list before the last weight change."""

    query: tuple[Any, ...]
    config: FusionConfig
    items: tuple[int, ...]
    previous: tuple[int, ...] | None = None


def remember(
    memory: RankMemory | None, query: tuple[Any, ...], config: FusionConfig, items: Sequence[int]
) -> tuple[RankMemory, list[int | None]]:
    """The new memory and each item's movement since the previous *weights* for the same query (other reruns
    keep the arrows; a new query starts without any)."""
    current = tuple(int(i) for i in items)
    previous: tuple[int, ...] | None = None
    if memory is not None and memory.query == query:
        previous = memory.items if memory.config != config else memory.previous
    if memory is None or memory.query != query or memory.config != config:
        memory = RankMemory(query, config, current, previous)
    moves: list[int | None] = [0] * len(current)
    if previous is not None:
        moves = rank_movement(list(previous), list(current))
    return memory, moves


def weighted_channels(rec: Recommendation, config: FusionConfig) -> list[tuple[int, str]]:
    """(column in the result, name) of the channels the list was fused with a weight above 0."""
    weights = config.weights.as_dict()
    return [(j, name) for j, name in enumerate(rec.result.channels) if weights.get(name, 0.0) > 0]


def results_frame(
    rec: Recommendation, records: Sequence[dict[str, Any]], moves: Sequence[int | None], translate: Translate,
    config: FusionConfig | None = None,
) -> pd.DataFrame:
    """The result table: rank, movement, title, score, reason, and the what-if rank without each channel that
    has a weight (all the result's channels without ``config``)."""
    result = rec.result
    table = pd.DataFrame({
        translate("tuning.col.rank"): result.rank,
        translate("tuning.col.move"): [movement_text(m, translate) for m in moves],
        translate("tuning.col.title"): [r["title"] for r in records],
        translate("tuning.col.score"): np.round(result.score, 4),
        translate("tuning.col.reason"): [r["reason"] for r in records],
    })
    channels = weighted_channels(rec, config) if config is not None else list(enumerate(result.channels))
    for j, name in channels:
        without = translate("tuning.col.without", channel=translate(f"tuning.channel.{name}"))
        table[without] = rec.what_if[:, j]
    return table


def results_columns(frame: pd.DataFrame, translate: Translate) -> dict[str, Any]:
    """``st.dataframe`` column configuration of :func:`results_frame`: the reason wide, the title medium, rank,
    movement, score and each "without …" rank narrow (the full meaning in their help)."""
    import streamlit as st

    col = st.column_config
    fixed = {
        translate("tuning.col.rank"): col.NumberColumn(width="small"),
        translate("tuning.col.move"): col.TextColumn(width="small"),
        translate("tuning.col.title"): col.TextColumn(width="medium"),
        translate("tuning.col.score"): col.NumberColumn(width="small", format="%.3f"),
        translate("tuning.col.reason"): col.TextColumn(width="large", help=translate("tuning.col.reason_help")),
    }
    out: dict[str, Any] = {}
    for name in frame.columns:
        out[name] = fixed.get(name) or col.NumberColumn(width="small", help=translate("tuning.col.without_help"))
    return out


def detail_rows(rec: Recommendation, row: int, config: FusionConfig, translate: Translate) -> pd.DataFrame:
    """One listed item's channels: label, weight, contribution to its score and its rank without the channel."""
    result = rec.result
    weights = config.weights.as_dict()
    contributions = result.contribution_dict(row, all_channels=False)
    rows = [{
        translate("tuning.detail.channel"): translate(f"tuning.channel.{name}"),
        translate("tuning.detail.weight"): round(float(weights.get(name, 0.0)), 2),
        translate("tuning.detail.contribution"): round(float(contributions.get(name, 0.0)), 4),
        translate("tuning.detail.without"): int(rec.what_if[row, j]),
    } for j, name in weighted_channels(rec, config)]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class HistoryMix:
    """How a picked user's history enters a list: the history interests' share of the wanted tag weight (None
    without typed interests), the weighted channels that read the history, their share of the listed items'
    scores, and how many seen items are left out."""

    tag_share: float | None
    channels: tuple[str, ...]
    score_share: float
    n_seen: int


def history_mix(
    rec: Recommendation, config: FusionConfig, profile: InterestProfile | None, typed: bool, n_seen: int
) -> HistoryMix:
    """The :class:`HistoryMix` of a list ranked for a user (``profile``: the query's profile, history interests
    mixed in; ``typed``: whether the query has typed interests)."""
    tag_share: float | None = None
    if profile is not None and typed:
        positive = [tag for tag in profile.tags if tag.polarity > 0]
        total = sum(float(tag.weight) for tag in positive)
        history = sum(float(tag.weight) for tag in positive if tag.source == "history")
        tag_share = history / total if total > 0 else 0.0
    active = [(j, name) for j, name in weighted_channels(rec, config)
              if name in USER_CHANNELS and name not in rec.scores.dropped[0]]
    parts = np.abs(np.asarray(rec.result.contributions, dtype=float))
    total_score = float(parts.sum())
    user_score = float(parts[:, [j for j, _ in active]].sum()) if active and parts.size else 0.0
    return HistoryMix(tag_share, tuple(name for _, name in active),
                      user_score / total_score if total_score > 0 else 0.0, int(n_seen))


def mix_lines(mix: HistoryMix, translate: Translate) -> list[str]:
    """The sentences that say how the user's history and the typed interests are mixed (no user text)."""
    lines: list[str] = []
    if mix.tag_share is not None:
        lines.append(translate("tuning.mix.tags", history=f"{100 * mix.tag_share:.0f}",
                               typed=f"{100 * (1 - mix.tag_share):.0f}"))
    else:
        lines.append(translate("tuning.mix.history_only"))
    if mix.channels:
        names = ", ".join(translate(f"tuning.channel.{name}") for name in mix.channels)
        lines.append(translate("tuning.mix.channels", channels=names, share=f"{100 * mix.score_share:.0f}"))
    lines.append(translate("tuning.mix.seen", n=mix.n_seen))
    lines.append(translate("tuning.mix.why"))
    return lines


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def config_params(config: FusionConfig, k: int) -> dict[str, str]:
    """The Tuning page's settings as URL query parameters (:data:`PARAMS`; defaults left out)."""
    weights = config.weights.as_dict()
    out = {"tw": ",".join(f"{name}:{weights[name]:g}" for name in CHANNELS if weights[name] > 0)}
    if config.normalisation != "minmax":
        out["tn"] = config.normalisation
    if config.method == "rrf":
        out["trrf"] = str(int(config.rrf_k))
    if config.mmr_lambda < 1.0:
        out["tmmr"] = f"{config.mmr_lambda:g}"
    if int(k) != DEFAULT_K:
        out["tk"] = str(int(k))
    return out


def config_from_params(params: Mapping[str, str]) -> tuple[FusionConfig | None, int | None]:
    """The settings in URL query parameters (:func:`config_params`): (config or None when there are no weights or
    they are unusable, list length or None). Values outside the controls' ranges are not used."""
    k_value = _number(str(params.get("tk", "")))
    k = int(k_value) if k_value is not None and 5 <= k_value <= 50 and k_value % 5 == 0 else None
    text = str(params.get("tw", ""))
    if not text:
        return None, k
    weights: dict[str, object] = {}
    for part in text.split(",")[: 2 * len(CHANNELS)]:
        name, _, value = part.partition(":")
        number = _number(value)
        weights[name] = value if number is None else number
    try:
        checked = check_weights(weights)
    except WeightsError:
        return None, k
    norm = str(params.get("tn", "minmax"))
    rrf = _number(str(params.get("trrf", "")))
    mmr = _number(str(params.get("tmmr", "1")))
    return FusionConfig(
        weights=checked, normalisation=norm if norm in NORMALISATIONS else "minmax",
        method="rrf" if rrf is not None else "weighted",
        rrf_k=int(min(1000, max(1, rrf))) if rrf is not None else 60,
        mmr_lambda=min(1.0, max(0.0, mmr)) if mmr is not None else 1.0,
    ), k


def tags_text(tags: Sequence[TagLike]) -> str:
    """``+tag (0.55), −tag (0.50)`` for the interest tags a query uses (text only, never markup)."""
    return ", ".join(f"{'−' if tag.polarity < 0 else '+'}{tag.text} ({tag.weight:.2f})" for tag in tags)
