"""Tuning fusion for typed interests without history (a cold-start preset) on typed-interest cases.

:class:`CaseScores` scores every channel once for many prepared cases (``engine.ranker.score``: the
engine's own channels) and fuses any :class:`~core.ranking.config.FusionConfig` with
:func:`core.ranking.fusion.rank_batch`, dropping named items before cutting at ``k`` exactly as
:func:`core.evaluation.typed_cases.evaluate_typed_cases` does, so a tuned value is what
``engine.recommend`` then reproduces, case for case.

- :func:`tune_typed_fusion`: the weights of every channel that scores the cases, and the normalisation,
  maximising mean Recall@k (or NDCG@k) with seeded Optuna TPE (:func:`core.evaluation.tuning.tune_fusion`,
  warm-started with the base config and every channel alone). Give it the ``dev`` cases only.
- :func:`cross_validate_tuning`: an out-of-sample estimate from the tuning cases alone: ``folds``-fold,
  tune on the other folds, measure the held-out one (tuned vs the base config), so the choice of
  objective and trial count can be made without looking at ``test``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from core.common.errors import ConfigError
from core.common.progress import ProgressFn, report, scaled
from core.evaluation import metrics as M
from core.evaluation.cases import CaseSet
from core.evaluation.tuning import TuningResult, tune_fusion
from core.evaluation.typed_cases import PreparedCase, TypedEngine, prepare_cases, without_named
from core.ranking.config import FusionConfig
from core.ranking.fusion import rank_batch
from core.ranking.query import Query
from core.ranking.scoring import ScoreBatch

METRICS = {"recall": M.recall_at_k, "ndcg": M.ndcg_at_k}
"""Tunable per-case metrics by name."""


@dataclass(eq=False)
class CaseScores:
    """Every channel's scores for prepared cases that have targets (one row per case)."""

    prepared: list[PreparedCase]
    batch: ScoreBatch
    item_vectors: np.ndarray | None = None
    avoid: sparse.csr_matrix | None = None
    """Items each case's text rules out (``Ranker.avoided``), left out as ``engine.recommend`` does."""

    @classmethod
    def build(
        cls, engine: TypedEngine, cases: CaseSet, prepared: Sequence[PreparedCase] | None = None,
        progress: ProgressFn | None = None,
    ) -> CaseScores:
        """Decompose (unless ``prepared``) and score the cases with the engine's channels."""
        ready = list(prepared) if prepared is not None else prepare_cases(engine, cases.cases, progress)
        usable = [p for p in ready if p.relevant]
        if not usable:
            raise ConfigError(f"{cases.source}: no case with a target that is not named")
        queries = [Query(profile=p.profile) for p in usable]
        batch = engine.ranker.score(queries)
        return cls(usable, batch, engine.item_vectors, engine.ranker.avoided(queries))

    def __len__(self) -> int:
        return len(self.prepared)

    @property
    def applicable(self) -> list[str]:
        """Channels that score at least one case."""
        return [name for name, row in zip(self.batch.names, self.batch.applies, strict=True) if row.any()]

    def subset(self, rows: Sequence[int]) -> CaseScores:
        """The same scores for some cases only."""
        idx = np.asarray(rows, dtype=np.int64)
        b = self.batch
        batch = ScoreBatch(b.names, b.raw[:, idx], b.applies[:, idx], [b.dropped[i] for i in idx], b.n_items)
        avoid = None if self.avoid is None else self.avoid[idx]
        return CaseScores([self.prepared[i] for i in idx], batch, self.item_vectors, avoid)

    def lists(self, config: FusionConfig, k: int) -> np.ndarray:
        """(n_cases, k) fused lists with named items removed, ``-1`` padded."""
        pool = k + max((len(p.named) for p in self.prepared), default=0)
        vectors = self.item_vectors if config.mmr_lambda < 1.0 else None
        ranked = rank_batch(self.batch, config, pool, item_vectors=vectors, avoid=self.avoid)
        return np.stack([without_named(row, p.named, k) for row, p in zip(ranked, self.prepared, strict=True)])

    def mean(self, config: FusionConfig, metric: str = "recall", k: int = 10) -> float:
        """Mean ``metric@k`` of ``config`` over the cases."""
        fn = _metric(metric)
        lists = self.lists(config, k)
        return float(np.mean([fn(row, p.relevant, k) for row, p in zip(lists, self.prepared, strict=True)]))


def _metric(name: str) -> Any:
    fn = METRICS.get(name)
    if fn is None:
        raise ConfigError(f"unknown tuning metric {name!r}; use one of {sorted(METRICS)}")
    return fn


def tune_typed_fusion(
    scores: CaseScores,
    *,
    k: int = 10,
    metric: str = "recall",
    base: FusionConfig | None = None,
    n_trials: int = 60,
    timeout: float | None = None,
    seed: int = 42,
    progress: ProgressFn | None = None,
) -> TuningResult:
    """Fusion weights (every channel that scores a case) + normalisation maximising mean ``metric@k`` over
    the cases of ``scores`` (the ``dev`` cases only), seeded Optuna TPE warm-started with ``base`` and each
    channel alone."""
    _metric(metric)
    channels = scores.applicable
    result = tune_fusion(lambda config: scores.mean(config, metric, k), channels, base=base or FusionConfig(),
                         n_trials=n_trials, timeout=timeout, seed=seed, metric=f"{metric}@{k}", progress=progress)
    result.context.update({"n_cases": len(scores), "tuned_channels": channels})
    return result


def cross_validate_tuning(
    scores: CaseScores,
    *,
    folds: int = 3,
    k: int = 10,
    metric: str = "recall",
    base: FusionConfig | None = None,
    n_trials: int = 60,
    seed: int = 42,
    report_k: Sequence[int] = (10, 50),
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Held-out Recall@k of the tuning recipe within the given cases: split them into ``folds`` (seeded),
    tune on all folds but one, measure the held-out fold with the tuned and the ``base`` config; the mean
    over folds (and each fold's figures)."""
    if folds < 2 or folds > len(scores):
        raise ConfigError(f"folds must be between 2 and the number of cases ({len(scores)}), got {folds}")
    base = base or FusionConfig()
    order = np.random.default_rng(seed).permutation(len(scores))
    parts = np.array_split(order, folds)
    per_fold: list[dict[str, Any]] = []
    for f, held in enumerate(parts):
        train = np.concatenate([p for g, p in enumerate(parts) if g != f])
        tuned = tune_typed_fusion(scores.subset(train.tolist()), k=k, metric=metric, base=base, n_trials=n_trials,
                                  seed=seed, progress=scaled(progress, f / folds, (f + 1) / folds)).best_config
        test = scores.subset(held.tolist())
        per_fold.append({"n_cases": len(held),
                         "tuned": {f"recall@{r}": test.mean(tuned, "recall", r) for r in report_k},
                         "base": {f"recall@{r}": test.mean(base, "recall", r) for r in report_k}})
    report(progress, 1.0, "cross-validation done")

    def avg(which: str) -> dict[str, float]:
        return {f"recall@{r}": round(float(np.mean([p[which][f"recall@{r}"] for p in per_fold])), 6)
                for r in report_k}

    return {"folds": folds, "metric": f"{metric}@{k}", "n_trials": n_trials, "seed": seed,
            "tuned": avg("tuned"), "base": avg("base"), "per_fold": per_fold}
