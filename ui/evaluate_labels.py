"""Names of the Evaluate page in the UI language: configurations, metrics, columns, groups, reasons.

The core names what it evaluates with ids (``most_popular``, ``channel:recency``, ``fused_tuned``,
``ndcg@10``, the ``run`` / ``name`` / ``group`` columns of :func:`core.evaluation.protocol.runs_table`).
Those ids stay in every export (CSV, Markdown, JSON); everything drawn on the page goes through these
functions and the zh/en catalogue. A name the catalogue does not know (a configuration added later, a
user-named run) is shown as it is: it is data, not a label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from core.evaluation.baselines import BASELINES
from core.ranking.base import DROP_REASONS
from core.ranking.channels.ease import TOO_LARGE_PATTERN
from core.ranking.registry import CHANNELS

Translate = Callable[..., str]
CHANNEL_PREFIX = "channel:"
FUSED_NAMES: tuple[str, ...] = ("fused_default", "fused_tuned")
GROUP_NAMES: tuple[str, ...] = ("baseline", "channel", "fused", "tuned")
METRIC_IDS: tuple[str, ...] = ("precision", "recall", "ndcg", "map", "mrr", "hit_rate", "coverage", "gini",
                               "novelty", "ild", "arp")
PARAMS: tuple[str, ...] = ("neighbours", "factors", "regularization", "alpha", "learning_rate", "iterations",
                           "mf_factors", "mf_regularization", "mf_alpha", "knn_neighbours", "knn_use_rating",
                           "l2", "rp3_alpha", "rp3_beta", "confidence")
"""Hyper-parameters the baseline and channel tuning report (``evaluate.param.<name>``)."""
RUN_COLUMNS: dict[str, str] = {"run": "evaluate.col.run", "name": "evaluate.col.configuration",
                               "group": "evaluate.col.group", "fit s": "evaluate.col.fit_s",
                               "recommend s": "evaluate.col.recommend_s"}
"""Non-metric columns of the core's tables -> their catalogue key."""
_REASON_CODES: dict[str, str] = {text: code for code, text in DROP_REASONS.items()}
_SKIP_REASONS: dict[str, str] = {"needs item vectors (no item text or no encoder)": "needs_vectors"}


def config_label(name: str, translate: Translate) -> str:
    """A configuration's name as shown: ``item_knn_cf`` -> "Item kNN (implicit)", ``channel:mf`` -> "Matrix
    factorisation alone", ``fused_tuned`` -> "Fusion, tuned weights"; an unknown name as it is."""
    if name in BASELINES:
        return translate(f"evaluate.baseline.{name}")
    if name.startswith(CHANNEL_PREFIX) and name[len(CHANNEL_PREFIX):] in CHANNELS:
        return translate("evaluate.config.channel", channel=translate(f"tuning.channel.{name[len(CHANNEL_PREFIX):]}"))
    if name in FUSED_NAMES:
        return translate(f"evaluate.config.{name}")
    return name


def channel_label(name: str, translate: Translate) -> str:
    """A channel id (``mf``) in the UI language; an unknown id as it is."""
    return translate(f"tuning.channel.{name}") if name in CHANNELS else name


def group_label(group: str, translate: Translate) -> str:
    """baseline / channel / fused / tuned in the UI language; an unknown group as it is."""
    return translate(f"evaluate.group.{group}") if group in GROUP_NAMES else group


def metric_label(metric: str, translate: Translate) -> str:
    """``recall@10`` -> "召回率@10" / "Recall@10"; ``ndcg`` -> "NDCG"; an unknown metric as it is."""
    base, _, k = metric.partition("@")
    if base not in METRIC_IDS:
        return metric
    label = translate(f"evaluate.metric.{base}")
    return f"{label}@{k}" if k else label


def column_label(column: str, translate: Translate) -> str:
    """A column of the core's tables (``run``, ``name``, ``group``, ``ndcg@10``, ``fit s``) as shown."""
    if column in RUN_COLUMNS:
        return translate(RUN_COLUMNS[column])
    return metric_label(column, translate)


TRANSFORM_PARAMS: dict[str, tuple[str, ...]] = {
    "binary": ("alpha",), "linear": ("alpha",), "log": ("alpha", "eps"), "bm25": ("alpha", "k1", "b"),
    "tfidf": ("alpha",), "centred": ("alpha",), "threshold": ("alpha", "threshold")}
"""The parameters each interaction transform uses (:class:`core.data.confidence.Confidence`)."""


def transform_label(doc: Mapping[str, Any] | str, translate: Translate) -> str:
    """An interaction transform (a Confidence's ``to_dict`` or its kind) as "Log scaling (α 1, ε 1)"."""
    fields = {"kind": doc} if isinstance(doc, str) else dict(doc)
    kind = str(fields.get("kind", ""))
    if kind not in TRANSFORM_PARAMS:
        return kind
    used = [f"{translate(f'evaluate.transform.param.{n}')} {float(fields[n]):g}"
            for n in TRANSFORM_PARAMS[kind] if n in fields]
    name = translate(f"evaluate.transform.{kind}")
    return f"{name} ({', '.join(used)})" if used else name


def param_text(params: Mapping[str, Any], translate: Translate) -> str:
    """Tuned hyper-parameters as "Factors 64 · Regularisation 0.0123" (numbers to 3 significant digits)."""
    parts = []
    for key, value in params.items():
        name = translate(f"evaluate.param.{key}") if key in PARAMS else key
        if key == "confidence" and isinstance(value, (Mapping, str)):
            parts.append(f"{translate('evaluate.param.confidence')} {transform_label(value, translate)}")
            continue
        if isinstance(value, bool):
            shown = translate("evaluate.yes" if value else "evaluate.no")
        elif isinstance(value, float):
            shown = f"{value:.3g}"
        else:
            shown = str(value)
        parts.append(f"{name} {shown}")
    return " · ".join(parts)


def reason_text(reason: str, translate: Translate) -> str:
    """Why a configuration or channel was not evaluated, translated when the core's reason is a known one
    (a channel's drop reason, a baseline that needs item vectors, EASE^R too large for memory, with its
    figures); any other reason as the core wrote it."""
    too_large = TOO_LARGE_PATTERN.fullmatch(reason)
    if too_large is not None:
        return translate("evaluate.reason.too_large", **too_large.groupdict())
    if reason in _REASON_CODES:
        return translate(f"tuning.reason.{_REASON_CODES[reason]}")
    if reason in _SKIP_REASONS:
        return translate(f"evaluate.reason.{_SKIP_REASONS[reason]}")
    return reason


def runs_display(table: pd.DataFrame, translate: Translate) -> pd.DataFrame:
    """The stored-run comparison (:func:`core.evaluation.protocol.runs_table`) with configuration and group
    names and every column header in the UI language (the run labels are the user's names: kept)."""
    frame = table.copy()
    if "name" in frame.columns:
        frame["name"] = [config_label(str(n), translate) for n in frame["name"]]
    if "group" in frame.columns:
        frame["group"] = [group_label(str(g), translate) for g in frame["group"]]
    return frame.rename(columns={c: column_label(str(c), translate) for c in frame.columns})
