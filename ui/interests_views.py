"""Helpers of the Interests page: the tag table, the weight chart, result rows and feedback replay.

Nothing here draws (so it can be tested directly); the page (``pages/interests.py``) draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.data.dataset import Dataset
from core.interests.profile import MAX_CHARS, NOTICE_MESSAGES, InterestProfile, InterestTag
from core.ranking.config import FusionConfig
from core.ranking.registry import CHANNELS
from ui.safe import plot_text

EXAMPLES: tuple[str, ...] = (
    "我喜欢科幻电影和轻松的喜剧，不要恐怖片",
    "dark psychological thrillers and animated films for kids, no romance",
    "想看烧脑的悬疑推理片，还有浪漫的爱情片",
    "我喜欢sci-fi和comedy，不要horror",
)
"""Example queries offered as buttons (Chinese, English, mixed); content, not UI labels."""

POSITIVE_COLOUR = "#4C78A8"
NEGATIVE_COLOUR = "#E45756"
TABLE_COLUMNS = ("text", "weight", "polarity", "grounded", "grounding", "source")

Translate = Callable[..., str]
"""One like / dislike / click: (item position, event, item title)."""


def profile_frame(profile: InterestProfile | None) -> pd.DataFrame:
    """One row per tag: text, weight, polarity (+1 / -1), grounded, grounding (NaN: unmeasured), source."""
    tags = profile.tags if profile is not None else []
    return pd.DataFrame(
        {
            "text": [str(tag.text) for tag in tags],
            "weight": [round(float(tag.weight), 4) for tag in tags],
            "polarity": [1 if tag.polarity > 0 else -1 for tag in tags],
            "grounded": [bool(tag.grounded) for tag in tags],
            "grounding": [None if math.isnan(tag.grounding) else round(float(tag.grounding), 3) for tag in tags],
            "source": [str(tag.source) for tag in tags],
        },
        columns=list(TABLE_COLUMNS),
    )


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def editor_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The editable part of an (edited) tag table as rows of ``text``, ``weight``, ``polarity``.

    Blank texts are dropped; a missing weight stays None (see :func:`fill_missing_weights`); a missing or
    unreadable polarity counts as +1.
    """
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        raw = record.get("text")
        text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw).strip()
        if not text:
            continue
        polarity = _number(record.get("polarity"))
        rows.append({
            "text": text,
            "weight": _number(record.get("weight")),
            "polarity": -1 if polarity is not None and polarity < 0 else 1,
        })
    return rows


def signature(rows: Sequence[dict[str, Any]]) -> tuple[tuple[str, float | None, int], ...]:
    """Comparable form of table rows (weights rounded), to detect edits."""
    return tuple(
        (str(r["text"]), None if r["weight"] is None else round(float(r["weight"]), 4), int(r["polarity"]))
        for r in rows
    )


def single_weight_edit(
    before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]
) -> tuple[int, float] | None:
    """(position, new weight) when the only edit is one row's weight, else None.

    The page then pins that weight (``core.interests.editing.set_weight``: the tag keeps it, the others of its
    polarity share the rest) instead of re-normalising every weight proportionally.
    """
    if len(before) != len(after):
        return None
    changed: list[tuple[int, float]] = []
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if (old["text"], old["polarity"]) != (new["text"], new["polarity"]):
            return None
        if new["weight"] is None:
            return None
        if old["weight"] is None or round(float(old["weight"]), 4) != round(float(new["weight"]), 4):
            changed.append((i, float(new["weight"])))
    return changed[0] if len(changed) == 1 else None


def fill_missing_weights(rows: Sequence[dict[str, Any]], profile: InterestProfile | None) -> list[dict[str, Any]]:
    """Rows where a missing weight (a row just added) becomes the mean weight of its polarity group."""
    out: list[dict[str, Any]] = []
    tags = profile.tags if profile is not None else []
    for row in rows:
        if row["weight"] is None:
            same = [float(t.weight) for t in tags if t.polarity == row["polarity"]]
            row = {**row, "weight": float(np.mean(same)) if same else 1.0}
        out.append(row)
    return out


def weight_chart(profile: InterestProfile, title: str, axis: str, ungrounded_mark: str) -> go.Figure:
    """Horizontal bars of tag weights: wanted tags to the right, avoided ones to the left in another colour.

    Ungrounded tags get ``ungrounded_mark`` after their label and a hatched bar.
    """
    tags = profile.tags
    labels = [plot_text(tag.text, 40) + ("" if tag.grounded else f" {ungrounded_mark}") for tag in tags]
    # the same text can be both wanted and avoided: keep the y categories distinct
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    values = [float(tag.weight) * (1 if tag.polarity > 0 else -1) for tag in tags]
    colours = [POSITIVE_COLOUR if tag.polarity > 0 else NEGATIVE_COLOUR for tag in tags]
    patterns = ["" if tag.grounded else "/" for tag in tags]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", marker={"color": colours, "pattern": {"shape": patterns}},
        text=[f"{v:+.2f}" for v in values], textposition="auto",
        hovertemplate="%{y}<br>%{x:.3f}<extra></extra>",
    ))
    fig.update_layout(
        title=title, xaxis_title=axis, height=120 + 32 * max(1, len(tags)),
        margin={"l": 10, "r": 10, "t": 40, "b": 10}, yaxis={"autorange": "reversed", "type": "category"},
        showlegend=False,
    )
    fig.add_vline(x=0.0, line_width=1, line_color="#888")
    return fig


def _tag_text(tags: Any) -> str:
    if tags is None or isinstance(tags, float):
        return ""
    if isinstance(tags, str):
        return tags
    return ", ".join(str(t) for t in tags)


def result_records(dataset: Dataset, top: np.ndarray, scores: np.ndarray) -> list[dict[str, Any]]:
    """Rows for the result list: rank, item index and id, title, category, tags, score."""
    items = dataset.items
    out: list[dict[str, Any]] = []
    for pos, (item, score) in enumerate(zip(top.tolist(), scores.tolist(), strict=True), start=1):
        out.append({
            "rank": pos,
            "item_idx": int(item),
            "item_id": str(dataset.item_ids[item]),
            "title": str(items["title"].iat[item]),
            "category": str(items["category"].iat[item]) if "category" in items else "",
            "tags": _tag_text(items["tags"].iat[item]) if "tags" in items else "",
            "score": round(float(score), 4),
        })
    return out


def history_rows(dataset: Dataset, tags: Sequence[InterestTag]) -> list[dict[str, Any]]:
    """One row per history interest: label, weight, medoid item's title, number of items, cohesion."""
    rows: list[dict[str, Any]] = []
    for tag in tags:
        medoid = tag.medoid_item
        title = ""
        if medoid is not None and medoid in dataset.item_index:
            title = str(dataset.items["title"].iat[dataset.item_index[medoid]])
        rows.append({
            "label": str(tag.text),
            "weight": round(float(tag.weight), 3),
            "medoid": title,
            "n_items": len(tag.item_ids),
            "cohesion": None if math.isnan(tag.grounding) else round(float(tag.grounding), 3),
        })
    return rows


def history_frame(dataset: Dataset, tags: Sequence[InterestTag], translate: Translate) -> pd.DataFrame:
    """The history-interest table with translated headers (rows from :func:`history_rows`)."""
    rows = history_rows(dataset, tags)
    columns = {"label": "label", "weight": "weight", "medoid": "medoid", "n_items": "items", "cohesion": "cohesion"}
    return pd.DataFrame({translate(f"interests.hcol.{name}"): [r[field] for r in rows]
                         for field, name in columns.items()})


def tag_columns(translate: Translate) -> dict[str, Any]:
    """``st.data_editor`` column configuration of the tag table (:func:`profile_frame`)."""
    col = st.column_config
    return {
        "text": col.TextColumn(translate("interests.col.text"), required=True, max_chars=200),
        "weight": col.NumberColumn(translate("interests.col.weight"), min_value=0.0, max_value=1.0, step=0.01,
                                   format="%.3f", help=translate("interests.col.weight_help")),
        "polarity": col.SelectboxColumn(translate("interests.col.polarity"), options=[1, -1],
                                        help=translate("interests.col.polarity_help")),
        "grounded": col.CheckboxColumn(translate("interests.col.grounded"),
                                       help=translate("interests.col.grounded_help")),
        "grounding": col.NumberColumn(translate("interests.col.grounding"), format="%.3f"),
        "source": col.TextColumn(translate("interests.col.source")),
    }


def notice_text(code: str, translate: Translate, catalogue: Mapping[str, object]) -> str:
    """The notice in the UI language when the catalogue has it, else core's English message."""
    key = f"interests.notice.{code}"
    if key in catalogue:
        return translate(key, n=f"{MAX_CHARS:,}")
    return NOTICE_MESSAGES.get(code, code)


def weights_text(config: FusionConfig, channel_label: Callable[[str], str]) -> str:
    """The non-zero channel weights of a fusion configuration, e.g. ``semantic 1.00 · graph 0.30``."""
    weights = config.weights.as_dict()
    parts = [f"{channel_label(name)} {weights[name]:.2f}" for name in CHANNELS if weights[name] > 0]
    if config.method == "rrf":
        parts.append(f"RRF k={config.rrf_k}")
    if config.mmr_lambda < 1.0:
        parts.append(f"MMR λ={config.mmr_lambda:.2f}")
    return " · ".join(parts) or "—"
