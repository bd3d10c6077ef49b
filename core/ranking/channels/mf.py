"""``mf``: implicit-feedback matrix factorisation from the ``implicit`` library (CPU models).

ALS (Hu, Koren, Volinsky 2008): confidence ``c_ui = 1 + alpha * rating`` for observed pairs; implicit
reads the matrix values as the confidence itself, so we pass ``1 + alpha * rating`` and keep the
library's own ``alpha`` at 1. BPR: observed pairs are positives (rating ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

import numpy as np

from core.common.errors import ConfigError
from core.ranking.base import ChannelContext, Evidence, ensure_applicable, user_reason, user_rows
from core.ranking.query import Query


@dataclass(frozen=True)
class MFParams:
    """Model and training knobs; ``iterations=None`` means 15 for ALS, 100 for BPR."""

    algorithm: Literal["als", "bpr"] = "als"
    factors: int = 64
    regularization: float = 0.05
    iterations: int | None = None
    alpha: float = 2.0
    learning_rate: float = 0.05


class MFChannel:
    """Matrix factorisation (implicit ALS / BPR) over the interaction matrix."""

    name: ClassVar[str] = "mf"
    default_weight: ClassVar[float] = 1.0
    Params: ClassVar[type[MFParams]] = MFParams

    def __init__(self, params: MFParams | None = None, **knobs: Any) -> None:
        self.params = params or MFParams(**knobs)
        if self.params.algorithm not in ("als", "bpr"):
            raise ConfigError(f"mf algorithm must be 'als' or 'bpr', not {self.params.algorithm!r}")

    def fit(self, ctx: ChannelContext) -> Self:
        """Train the factor model on the dataset's user x item matrix."""
        from threadpoolctl import threadpool_limits

        p = self.params
        self.dataset_ = ctx.dataset
        self.user_factors_: np.ndarray | None = None
        self.item_factors_: np.ndarray | None = None
        mat = ctx.dataset.matrix
        if mat.nnz == 0:
            return self
        conf = mat.copy().astype(np.float32)
        # import first (it loads BLAS libraries), then limit BLAS threads: implicit's solvers run their
        # own thread pool and warn when BLAS also spawns threads
        from implicit.cpu.als import AlternatingLeastSquares
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        with threadpool_limits(limits=1, user_api="blas"):
            if p.algorithm == "als":
                conf.data = 1.0 + float(p.alpha) * np.clip(conf.data, 0.0, None)
                model: Any = AlternatingLeastSquares(
                    factors=p.factors, regularization=p.regularization, alpha=1.0,
                    iterations=p.iterations or 15, random_state=ctx.random_state, num_threads=ctx.num_threads,
                )
            else:
                conf.data = np.ones_like(conf.data)
                # one thread: BPR's parallel SGD (Hogwild) is not reproducible across runs
                model = BayesianPersonalizedRanking(
                    factors=p.factors, learning_rate=p.learning_rate, regularization=p.regularization,
                    iterations=p.iterations or 100, random_state=ctx.random_state, num_threads=1,
                )
            model.fit(conf.tocsr(), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float32)
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs a trained model and a known user."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.item_factors_ is None:
            return "no_interactions"
        return user_reason(self.dataset_, query)

    def score(self, queries: list[Query]) -> np.ndarray:
        """Inner products of the users' factors with every item's factors (one matrix product)."""
        ensure_applicable(self, queries)
        assert self.user_factors_ is not None and self.item_factors_ is not None
        rows = user_rows(self.dataset_, queries)
        return np.asarray(self.user_factors_[rows] @ self.item_factors_.T, dtype=np.float64)

    def explain(self, query: Query, item: int) -> Evidence | None:
        """Latent factors name no single reason: people with similar taste liked it."""
        return Evidence("similar_users")
