"""Helpers of the Tuning page: the contribution chart, the result table and rank movement (nothing draws).

The page (``pages/tuning.py``) gets its list from ``Engine.recommend`` (through :mod:`ui.ranking`) and
draws what these functions build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from core.ranking.config import FusionConfig
from core.ranking.fusion import rank_movement
from core.ranking.query import TagLike
from core.ranking.ranker import Recommendation
from core.ranking.registry import CHANNELS
from ui.safe import plot_text

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


def results_frame(
    rec: Recommendation, records: Sequence[dict[str, Any]], moves: Sequence[int | None], translate: Translate
) -> pd.DataFrame:
    """The result table: rank, movement, title, score, reason, and the what-if rank without each channel."""
    result = rec.result
    table = pd.DataFrame({
        translate("tuning.col.rank"): result.rank,
        translate("tuning.col.move"): [movement_text(m, translate) for m in moves],
        translate("tuning.col.title"): [r["title"] for r in records],
        translate("tuning.col.score"): np.round(result.score, 4),
        translate("tuning.col.reason"): [r["reason"] for r in records],
    })
    for j, name in enumerate(result.channels):
        without = translate("tuning.col.without", channel=translate(f"tuning.channel.{name}"))
        table[without] = rec.what_if[:, j]
    return table


def tags_text(tags: Sequence[TagLike]) -> str:
    """``+tag (0.55), −tag (0.50)`` for the interest tags a query uses (text only, never markup)."""
    return ", ".join(f"{'−' if tag.polarity < 0 else '+'}{tag.text} ({tag.weight:.2f})" for tag in tags)
