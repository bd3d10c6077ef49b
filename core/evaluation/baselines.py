"""Baseline recommenders and the :class:`Recommender` protocol every evaluated configuration implements.

A recommender is fitted on a training :class:`~core.data.dataset.Dataset` (``fit(train) -> self``) and
returns top-k item positions per user (``recommend(users, k, exclude_seen) -> (n, k)``, best first,
``-1`` padded). Baselines:

- :class:`MostPopular`: items by number of distinct training users.
- :class:`ItemKNN`: item-item cosine neighbourhood model (``neighbours`` per item): the ``item_knn``
  channel, which ranks as ``implicit``'s ``CosineRecommender``.
- :class:`ImplicitALS` / :class:`ImplicitBPR`: ``implicit``'s ALS (Hu, Koren & Volinsky 2008) and BPR
  (Rendle et al. 2009): the ``mf`` channel, on the matrix its :class:`~core.data.confidence.Confidence`
  prepares (binary by default, as the channel).
- :class:`EASE` / :class:`RP3beta`: the ``ease`` (EASE^R, Steck 2019) and ``rp3beta`` (Paudel et al. 2017)
  channels alone, the simple models Dacrema et al. (RecSys 2019) found hard to beat; EASE^R is skipped,
  with the reason, when its dense item x item matrix does not fit memory.
- :class:`MeanVectorCosine`: the seed articles' recommender: a user vector is the plain mean of the
  vectors of the items they interacted with; items are ranked by cosine to it.

:func:`make_baseline` builds any of them by its table name (:data:`BASELINES`) from hyper-parameters
over :data:`BASELINE_DEFAULTS`; the evaluation protocol and the baseline tuner both build them that way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from core.common.errors import ConfigError
from core.common.selection import top_k_rows
from core.data.confidence import Confidence, default_confidence
from core.data.dataset import Dataset
from core.ranking.base import Channel, ChannelContext
from core.ranking.channels.ease import EASEChannel, EASEParams, ModelTooLarge
from core.ranking.channels.item_knn import ItemKNNChannel, ItemKNNParams
from core.ranking.channels.mf import MFChannel, MFParams
from core.ranking.channels.rp3beta import RP3betaChannel, RP3betaParams
from core.ranking.query import Query


@runtime_checkable
class Recommender(Protocol):
    """Anything that can be fitted on a training Dataset and return top-k item positions per user."""

    name: str

    def fit(self, train: Dataset) -> Self:
        """Learn from the training interactions; returns self."""
        ...

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """Top-``k`` item positions (int64, shape (len(users), k), best first, ``-1`` padded)."""
        ...


def mask_seen(scores: np.ndarray, matrix: sparse.csr_matrix, users: np.ndarray) -> np.ndarray:
    """Set the scores of items each user interacted with in ``matrix`` to ``-inf`` (in place; returned)."""
    sub = matrix[np.asarray(users, dtype=np.int64)]
    rows = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))
    scores[rows, sub.indices] = -np.inf
    return scores


class ScoringRecommender:
    """Base class for recommenders that produce a full score row per user (``score_users``)."""

    name: str = "scoring"
    train_: Dataset

    def fit(self, train: Dataset) -> Self:
        """Store the training Dataset (subclasses learn more)."""
        self.train_ = train
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Float64 scores of shape (len(users), n_items); higher is better."""
        raise NotImplementedError

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """Top-k of :meth:`score_users`, seen items excluded, in batches of users."""
        users = np.asarray(users, dtype=np.int64)
        out = np.full((len(users), k), -1, dtype=np.int64)
        batch = max(1, 4_000_000 // max(1, self.train_.n_items))
        for start in range(0, len(users), batch):
            chunk = users[start : start + batch]
            scores = np.array(self.score_users(chunk), dtype=np.float64)
            scores[~np.isfinite(scores)] = -np.inf
            if exclude_seen:
                mask_seen(scores, self.train_.matrix, chunk)
            out[start : start + len(chunk)] = top_k_rows(scores, k)
        return out


# --- baselines ------------------------------------------------------------------------------------


class MostPopular(ScoringRecommender):
    """Ranks every user's unseen items by the number of distinct training users who interacted."""

    def __init__(self, name: str = "most_popular") -> None:
        self.name = name

    def fit(self, train: Dataset) -> Self:
        """Count item popularity on the training data."""
        self.train_ = train
        self.popularity_ = train.item_popularity.astype(np.float64)
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """The same popularity row for every user."""
        return np.tile(self.popularity_, (len(users), 1))


def binarised(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The user-item matrix with every stored interaction set to 1 (float32)."""
    out = matrix.copy().astype(np.float32)
    out.data[:] = 1.0
    out.eliminate_zeros()
    return out


class ChannelBaseline(ScoringRecommender):
    """A baseline that *is* a ranking channel: fitted alone on the training data, each user scored as the
    channel scores a query for that user (one implementation per model; seen items excluded here)."""

    name: str = "channel"
    random_state: int = 42
    channel_: Channel

    def make_channel(self) -> Channel:
        """The unfitted channel with this baseline's parameters."""
        raise NotImplementedError

    def fit(self, train: Dataset) -> Self:
        """Fit the channel on the training Dataset (one BLAS thread, seeded)."""
        self.train_ = train
        ctx = ChannelContext(train, random_state=self.random_state, num_threads=1)
        with threadpool_limits(1, "blas"):
            self.channel_ = self.make_channel().fit(ctx)
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """The channel's scores for each user (zeros for a user it cannot score, e.g. no kept history)."""
        queries = [Query(user_id=str(self.train_.user_ids[int(u)])) for u in np.asarray(users, dtype=np.int64)]
        out = np.zeros((len(queries), self.train_.n_items), dtype=np.float64)
        ok = [i for i, q in enumerate(queries) if self.channel_.why_not(q) is None]
        if ok:
            out[ok] = self.channel_.score([queries[i] for i in ok])
        return out


class ItemKNN(ChannelBaseline):
    """Item-based k-nearest-neighbour CF: the ``item_knn`` channel (binary cosine, ``neighbours`` per item).

    Same model as ``implicit.nearest_neighbours.CosineRecommender(K=neighbours + 1)``: implicit keeps each
    item as its own first neighbour, the channel does not (``tests/evaluation/test_baselines.py`` checks
    the two rank alike)."""

    def __init__(self, neighbours: int = ItemKNNParams().k, name: str = "item_knn") -> None:
        self.neighbours = neighbours
        self.name = name

    def make_channel(self) -> Channel:
        """The item_knn channel with ``k = neighbours``."""
        return ItemKNNChannel(ItemKNNParams(k=int(self.neighbours)))


class ImplicitALS(ChannelBaseline):
    """Weighted-regularised ALS for implicit feedback: the ``mf`` channel (``implicit``'s ALS) on the matrix
    prepared by ``confidence`` (a transform name or :class:`Confidence`; ``alpha`` sets its alpha).

    ``confidence=None`` or ``"auto"`` (the default) follows the training data's signal exactly as the mf
    channel's default does (:func:`~core.data.confidence.default_confidence`: log on counts, binary on
    ratings); :attr:`params` holds the resolved transform once fitted."""

    def __init__(self, factors: int = 64, regularization: float = 0.05, alpha: float | None = None,
                 iterations: int = 15, random_state: int = 42,
                 confidence: Confidence | str | dict[str, Any] | None = None, name: str = "als") -> None:
        auto = confidence is None or (isinstance(confidence, str) and confidence.strip().lower() == "auto")
        self.confidence = None if auto else Confidence.from_dict(confidence)
        self.alpha = None if alpha is None else float(alpha)
        self.params = self._params(MFParams(algorithm="als", factors=int(factors), regularization=float(regularization),
                                            iterations=int(iterations)), self.confidence)
        self.random_state = random_state
        self.name = name

    def _params(self, base: MFParams, conf: Confidence | None) -> MFParams:
        """``base`` with confidence ``conf`` (its alpha replaced by :attr:`alpha` when that is set)."""
        if conf is not None and self.alpha is not None:
            conf = replace(conf, alpha=self.alpha)
        return replace(base, confidence=conf)

    def make_channel(self) -> Channel:
        """The mf channel with these parameters (an automatic confidence resolved on the training data)."""
        train = getattr(self, "train_", None)
        if self.confidence is None and train is not None:
            self.params = self._params(self.params, default_confidence(train.signal.kind))
        return MFChannel(self.params)


class ImplicitBPR(ChannelBaseline):
    """Bayesian personalised ranking matrix factorisation: the ``mf`` channel with ``implicit``'s BPR
    (positives: the pairs ``confidence`` keeps; every observed pair by default)."""

    def __init__(self, factors: int = 64, learning_rate: float = 0.05, regularization: float = 0.01,
                 iterations: int = 100, random_state: int = 42,
                 confidence: Confidence | str | dict[str, Any] = "binary", name: str = "bpr") -> None:
        self.params = MFParams(algorithm="bpr", factors=int(factors), learning_rate=float(learning_rate),
                               regularization=float(regularization), iterations=int(iterations),
                               confidence=Confidence.from_dict(confidence))
        self.random_state = random_state
        self.name = name

    def make_channel(self) -> Channel:
        """The mf channel (BPR) with these parameters."""
        return MFChannel(self.params)


class EASE(ChannelBaseline):
    """EASE^R (Steck 2019): the ``ease`` channel alone (closed form, ``l2`` = lambda). When the catalogue is
    too large for memory, :meth:`fit` raises :class:`~core.ranking.channels.ease.ModelTooLarge` and the
    evaluation lists it as skipped with the figures."""

    def __init__(self, l2: float = EASEParams().l2, memory_limit_mb: float | None = None,
                 max_items: int = EASEParams().max_items, name: str = "ease") -> None:
        self.params = EASEParams(l2=float(l2), memory_limit_mb=memory_limit_mb, max_items=int(max_items))
        self.name = name

    def make_channel(self) -> Channel:
        """The ease channel with these parameters."""
        return EASEChannel(self.params)

    def fit(self, train: Dataset) -> Self:
        """Fit the channel (LAPACK may use every BLAS thread); raise ModelTooLarge when it was skipped."""
        self.train_ = train
        channel = EASEChannel(self.params).fit(ChannelContext(train, num_threads=1))
        if train.matrix.nnz and channel.weights_ is None:
            raise ModelTooLarge(channel.memory_)
        self.channel_ = channel
        return self


class RP3beta(ChannelBaseline):
    """RP3beta (Paudel et al. 2017, as Dacrema et al. 2019 run it): the ``rp3beta`` channel alone
    (``rp3_alpha``, ``rp3_beta``, ``neighbours`` per item)."""

    def __init__(self, rp3_alpha: float = RP3betaParams().alpha, rp3_beta: float = RP3betaParams().beta,
                 neighbours: int = RP3betaParams().k, name: str = "rp3beta") -> None:
        self.params = RP3betaParams(alpha=float(rp3_alpha), beta=float(rp3_beta), k=int(neighbours))
        self.name = name

    def make_channel(self) -> Channel:
        """The rp3beta channel with these parameters."""
        return RP3betaChannel(self.params)


class MeanVectorCosine(ScoringRecommender):
    """The seeds' content recommender: user vector = plain mean of history item vectors; cosine ranking."""

    def __init__(self, item_vectors: np.ndarray, name: str = "mean_vector") -> None:
        self.item_vectors = np.asarray(item_vectors, dtype=np.float32)
        self.name = name

    def fit(self, train: Dataset) -> Self:
        """Average each user's item vectors (no rating or time weighting), then L2-normalise."""
        if self.item_vectors.shape[0] != train.n_items:
            raise ValueError("item_vectors rows must match the training dataset's items")
        norms = np.linalg.norm(self.item_vectors, axis=1, keepdims=True)
        self.unit_ = self.item_vectors / np.where(norms > 0, norms, 1.0)
        profiles = np.asarray(binarised(train.matrix) @ self.unit_, dtype=np.float32)
        pn = np.linalg.norm(profiles, axis=1, keepdims=True)
        self.user_vectors_ = profiles / np.where(pn > 0, pn, 1.0)
        self.train_ = train
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Cosine similarity of every item to each user's mean vector."""
        return np.asarray(self.user_vectors_[users] @ self.unit_.T, dtype=np.float64)


BASELINES: tuple[str, ...] = ("most_popular", "item_knn_cf", "rp3beta", "ease", "als", "bpr", "mean_vector")
"""Baseline configuration names, in table order."""

BASELINE_DEFAULTS: dict[str, dict[str, Any]] = {
    "item_knn_cf": {"neighbours": ItemKNNParams().k},
    "als": {"factors": MFParams().factors, "regularization": MFParams().regularization,
            "alpha": Confidence().alpha, "confidence": "auto"},
    "bpr": {"factors": 64, "learning_rate": 0.05, "regularization": 0.01, "iterations": 100},
}
"""Default hyper-parameters of the tunable baselines (tuning searches some of the keys); the ALS and item-kNN
baselines' are the ``mf`` / ``item_knn`` channels' defaults, so each pair is the same model (ALS: confidence
``"auto"`` = the signal's default transform, whose alpha is 1 for every signal kind)."""

TUNABLE_BASELINES: tuple[str, ...] = tuple(BASELINE_DEFAULTS)

FIXED_DEFAULTS: dict[str, dict[str, Any]] = {
    "ease": {"l2": EASEParams().l2},
    "rp3beta": {"rp3_alpha": RP3betaParams().alpha, "rp3_beta": RP3betaParams().beta,
                "neighbours": RP3betaParams().k},
}
"""Hyper-parameters of the baselines the baseline tuner does not search (the channels' defaults, the values
the issue measured best on MovieLens; an EASE^R fit takes 12-40 s there, eight trials would add minutes)."""

_MODELS: dict[str, type[ItemKNN] | type[ImplicitALS] | type[ImplicitBPR] | type[EASE] | type[RP3beta]] = {
    "item_knn_cf": ItemKNN, "als": ImplicitALS, "bpr": ImplicitBPR, "ease": EASE, "rp3beta": RP3beta,
}


def baseline_params(name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The hyper-parameters of baseline ``name``: :data:`BASELINE_DEFAULTS` (or :data:`FIXED_DEFAULTS`)
    overridden by ``params``."""
    if name not in BASELINES:
        raise ValueError(f"unknown baseline {name!r}; expected some of {list(BASELINES)}")
    return {**BASELINE_DEFAULTS.get(name, {}), **FIXED_DEFAULTS.get(name, {}), **(params or {})}


def make_baseline(
    name: str, params: dict[str, Any] | None = None, item_vectors: np.ndarray | None = None
) -> Recommender:
    """An unfitted baseline by table name; ``mean_vector`` needs ``item_vectors`` (else ConfigError)."""
    merged = baseline_params(name, params)
    if name == "most_popular":
        return MostPopular(name)
    if name == "mean_vector":
        if item_vectors is None:
            raise ConfigError("mean_vector needs item vectors (no item text or no encoder)")
        return MeanVectorCosine(item_vectors, name=name)
    return _MODELS[name](**merged, name=name)
