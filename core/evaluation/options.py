"""The settings of one evaluation run (:class:`EvalOptions`) and the encoder / item vectors they resolve to.

The Evaluate page and the CLI fill in :class:`EvalOptions`; :func:`benchmark_options` are the
settings behind the README's MovieLens table. Content channels and the mean-vector baseline need item
vectors: :func:`prepare_encoder` loads the configured model only when the dataset has item text
(:func:`has_item_text`), and :func:`item_vectors_for` embeds a training Dataset's own item documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.common.progress import ProgressFn
from core.data.dataset import Dataset
from core.data.splits import SplitParams
from core.evaluation import metrics as M
from core.evaluation.baselines import BASELINES
from core.ranking.config import FusionConfig
from core.ranking.registry import CHANNELS
from core.vectors.encoders import Encoder, load_encoder
from core.vectors.vector_cache import embed_items


@dataclass(frozen=True)
class EvalOptions:
    """Everything one evaluation run needs to know (the page and the CLI fill it in)."""

    split: SplitParams | None = None  # None = SplitParams()
    k: int = 10
    metrics: tuple[str, ...] = M.ALL_METRICS
    baselines: tuple[str, ...] = BASELINES
    channels: tuple[str, ...] = CHANNELS
    fused: bool = True
    fusion: FusionConfig | None = None  # None = FusionConfig()
    tune: bool = True
    n_trials: int = 40
    timeout: float | None = None
    tune_users: int | None = None  # validation users to tune on; None = all (capped by tuning.BATCH_MEMORY)
    tune_normalisation: bool = True  # screened at the default weights; changed only on a significant win
    tune_folds: int = 3  # validation folds (core.evaluation.folds); the guard scores each out of fold
    tune_penalty: float = 0.05  # pull toward the default weights (core.evaluation.guarded_tuning)
    tune_confidence: bool = True  # choose the interaction transform on validation (core.evaluation.confidence_tuning)
    tune_baselines: bool = False
    baseline_trials: int = 8
    tune_channels: bool = False
    channel_trials: int = 10
    typed: bool = True
    model: str | None = "use-m3"
    n_boot: int = 1000
    seed: int = 42
    max_users: int | None = None


def benchmark_options() -> EvalOptions:
    """The settings of ``python -m bench.bench_evaluate`` (the README's MovieLens table).

    Per-user random 80/20 split, relevance = rating >= 4 (of 5), k = 10, seed 42. Every tunable
    component gets the same treatment on the validation split: item-kNN / ALS / BPR baselines (8 Optuna
    trials each), the mf / item_knn channels (10 trials each), then the fusion weights (60 trials per
    search) on 3 validation folds, kept only when they beat the defaults out of fold
    (:mod:`core.evaluation.guarded_tuning`). The Evaluate page's "benchmark settings"
    button loads exactly these, so it reproduces the same numbers.
    """
    return EvalOptions(
        split=SplitParams(kind="random", test_ratio=0.2, relevance_threshold=4.0, seed=42),
        k=10, n_trials=60, tune_users=None, tune_folds=3, tune_penalty=0.05, tune_baselines=True,
        baseline_trials=8, tune_channels=True, channel_trials=10, typed=True, n_boot=1000, seed=42,
    )


def has_item_text(dataset: Dataset) -> bool:
    """True when items carry any text beyond their ids (title, description, tags, category, user tags)."""
    items = dataset.items
    if len(items) == 0:
        return False
    titled = (items["title"].astype(str) != items["item_id"].astype(str)).any()
    described = (items["description"].astype(str).str.strip() != "").any()
    tagged = any(len(t) for t in items["tags"])
    categorised = (items["category"].astype(str).str.strip() != "").any()
    user_tagged = dataset.user_tags is not None and len(dataset.user_tags) > 0
    return bool(titled or described or tagged or categorised or user_tagged)


def prepare_encoder(dataset: Dataset, options: EvalOptions, encoder: Encoder | None = None) -> Encoder | None:
    """The encoder to embed item text with: None when the dataset has no item text or the model is off."""
    if options.model is None or not has_item_text(dataset):
        return None
    if encoder is not None:
        return encoder
    return load_encoder(str(options.model))


def item_vectors_for(
    dataset: Dataset, encoder: Encoder | None, progress: ProgressFn | None = None
) -> np.ndarray | None:
    """Item vectors of ``dataset``'s own item documents (None without an encoder or item text)."""
    if encoder is None or not has_item_text(dataset):
        return None
    return np.asarray(embed_items(dataset, encoder, progress=progress).vectors, dtype=np.float32)
