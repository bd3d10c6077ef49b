"""``mf``: implicit-feedback matrix factorisation from the ``implicit`` library (CPU models).

The model learns from the dataset's matrix prepared by a :class:`core.data.confidence.Confidence`
(``params.confidence``; default None: the dataset's signal decides, :func:`core.data.confidence.default_confidence`
-- explicit ratings and binary events: binary, confidence 2 on every observed pair; counts and durations:
``log``). ALS (Hu, Koren, Volinsky
2008) reads the prepared values as the confidence itself (implicit's own ``alpha`` stays 1); BPR uses
the kept pairs as positives. The ALS and BPR *baselines* (:mod:`core.evaluation.baselines`) are this
channel: same code, same prepared matrix, same ranking for the same parameters and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

import numpy as np
from scipy import sparse

from core.common.errors import ConfigError
from core.data.confidence import Confidence, default_confidence, prepare, prepare_rows
from core.data.dataset import Dataset
from core.ranking.base import ChannelContext, Evidence, ensure_applicable, named_items, seed_reason, seed_row
from core.ranking.query import Query


@dataclass(frozen=True)
class MFParams:
    """Model and training knobs; ``iterations=None`` means 15 for ALS, 100 for BPR; ``confidence``: how the
    values become the prepared matrix (a dict or a transform name is accepted and converted; None: the
    default for the dataset's signal, :func:`resolved_confidence`)."""

    algorithm: Literal["als", "bpr"] = "als"
    factors: int = 64
    regularization: float = 0.05
    iterations: int | None = None
    confidence: Confidence | None = None
    learning_rate: float = 0.05

    def __post_init__(self) -> None:
        if self.confidence is not None and not isinstance(self.confidence, Confidence):
            object.__setattr__(self, "confidence", Confidence.from_dict(self.confidence))


def mf_params(doc: dict[str, Any]) -> MFParams:
    """MFParams from a saved mapping; an old ``alpha`` (confidence ``1 + alpha * rating``) becomes
    ``Confidence("linear", alpha)``, or sets the alpha of a ``confidence`` given next to it."""
    doc = dict(doc)
    if "alpha" in doc:
        alpha = doc.pop("alpha")
        conf = doc.get("confidence")
        base = Confidence.from_dict(conf) if conf is not None else Confidence(kind="linear")
        doc["confidence"] = Confidence.from_dict({**base.to_dict(), "alpha": alpha})
    return MFParams(**doc)


def resolved_confidence(params: MFParams, dataset: Dataset) -> Confidence:
    """``params.confidence``, or the default for ``dataset``'s signal when it is None."""
    return params.confidence if params.confidence is not None else default_confidence(dataset.signal.kind)


SHARED_FACTORS = "mf_item_factors"
"""``ChannelContext.extra`` slot where the last fitted model leaves ``(factors_key, item factors)``, so a channel
fitting the same model on the same context (``learned``'s target space) does not train it again."""


def factors_key(params: MFParams, random_state: int) -> tuple[Any, ...]:
    """What decides a model's item factors on a given dataset (``iterations=None`` resolved)."""
    iterations = params.iterations or (15 if params.algorithm == "als" else 100)
    lr = float(params.learning_rate) if params.algorithm == "bpr" else 0.0
    return (params.algorithm, params.factors, float(params.regularization), iterations, params.confidence, lr,
            random_state)


def shared_item_factors(ctx: ChannelContext, params: MFParams) -> np.ndarray | None:
    """The item factors a model with ``params`` already left in ``ctx`` (None when there are none)."""
    slot = ctx.extra.get(SHARED_FACTORS)
    if isinstance(slot, tuple) and len(slot) == 2 and slot[0] == factors_key(params, ctx.random_state):
        return np.asarray(slot[1])
    return None


class MFChannel:
    """Matrix factorisation (implicit ALS / BPR) over the interaction matrix."""

    name: ClassVar[str] = "mf"
    default_weight: ClassVar[float] = 1.0
    Params: ClassVar[type[MFParams]] = MFParams

    def __init__(self, params: MFParams | None = None, **knobs: Any) -> None:
        self.params = params or mf_params(knobs)
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
        self.confidence_ = resolved_confidence(p, ctx.dataset)
        if mat.nnz == 0:
            return self
        conf = prepare(mat, self.confidence_)
        if conf.nnz == 0:  # the transform kept no pair (e.g. a threshold above every value)
            return self
        # import first (it loads BLAS libraries), then limit BLAS threads: implicit's solvers run their
        # own thread pool and warn when BLAS also spawns threads
        from implicit.cpu.als import AlternatingLeastSquares
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        with threadpool_limits(limits=1, user_api="blas"):
            if p.algorithm == "als":
                model: Any = AlternatingLeastSquares(
                    factors=p.factors, regularization=p.regularization, alpha=1.0,
                    iterations=p.iterations or 15, random_state=ctx.random_state, num_threads=ctx.num_threads,
                )
            else:
                conf.data[:] = 1.0
                # one thread: BPR's parallel SGD (Hogwild) is not reproducible across runs
                model = BayesianPersonalizedRanking(
                    factors=p.factors, learning_rate=p.learning_rate, regularization=p.regularization,
                    iterations=p.iterations or 100, random_state=ctx.random_state, num_threads=1,
                )
            model.fit(conf, show_progress=False)
        self.model_ = model
        self.liked_ = float(np.quantile(mat.data, 0.9))  # the value a named film stands for in fold-in
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float32)
        ctx.extra[SHARED_FACTORS] = (factors_key(p, ctx.random_state), self.item_factors_)  # one slot
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs a trained model and seeds: a known user, or items named in the typed interests."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.item_factors_ is None:
            return "no_interactions"
        return seed_reason(self.dataset_, query)

    def user_factors(self, queries: list[Query]) -> np.ndarray:
        """(n_queries, factors): a known user's trained factors; a query that names items gets factors folded
        in from its seeds (history + named items; ALS: implicit's ``recalculate_user`` least squares on the
        seeds prepared with the training confidence, a named film counting as a high rating; BPR: the mean
        factor of the seeds). Avoided named items are left to fusion's exclusion."""
        assert self.user_factors_ is not None and self.item_factors_ is not None
        ds = self.dataset_
        out = np.zeros((len(queries), self.item_factors_.shape[1]), dtype=np.float32)
        fold: list[int] = []
        for i, q in enumerate(queries):
            if named_items(ds, q)[0].size == 0:
                out[i] = self.user_factors_[ds.user_index[str(q.user_id)]]
            else:
                fold.append(i)
        if fold:
            rows = [seed_row(ds, queries[i], named_value=self.liked_) for i in fold]
            if self.params.algorithm == "als":
                indptr = np.cumsum([0] + [len(items) for items, _ in rows])
                values = sparse.csr_matrix((np.concatenate([w for _, w in rows]).astype(np.float64),
                                            np.concatenate([it for it, _ in rows]), indptr),
                                           shape=(len(fold), ds.n_items))
                values.sum_duplicates()
                user_items = prepare_rows(ds.matrix, values, self.confidence_)
                out[fold] = np.asarray(self.model_.recalculate_user(np.arange(len(fold)), user_items))
            else:
                out[fold] = np.stack([self.item_factors_[items].mean(axis=0) for items, _ in rows])
        return out

    def score(self, queries: list[Query]) -> np.ndarray:
        """Inner products of the queries' user factors with every item's factors (one matrix product)."""
        ensure_applicable(self, queries)
        assert self.item_factors_ is not None
        return np.asarray(self.user_factors(queries) @ self.item_factors_.T, dtype=np.float64)

    def explain(self, query: Query, item: int) -> Evidence | None:
        """Latent factors name no single reason: people with similar taste liked it."""
        return Evidence("similar_users")
