"""Baseline recommenders and the :class:`Recommender` protocol every evaluated configuration implements.

A recommender is fitted on a training :class:`~core.data.dataset.Dataset` (``fit(train) -> self``) and
returns top-k item positions per user (``recommend(users, k, exclude_seen) -> (n, k)``, best first,
``-1`` padded). Baselines:

- :class:`MostPopular`: items by number of distinct training users.
- :class:`ItemKNN`: ``implicit``'s item-item cosine neighbourhood model (``K`` neighbours).
- :class:`ImplicitALS` / :class:`ImplicitBPR`: ``implicit``'s ALS (Hu, Koren & Volinsky 2008) and BPR
  (Rendle et al. 2009), trained on binarised interactions.
- :class:`MeanVectorCosine`: the seed articles' recommender: a user vector is the plain mean of the
  vectors of the items they interacted with; items are ranked by cosine to it.

:func:`make_baseline` builds any of them by its table name (:data:`BASELINES`) from hyper-parameters
over :data:`BASELINE_DEFAULTS`; the evaluation protocol and the baseline tuner both build them that way.
"""

from __future__ import annotations

import warnings
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from implicit.cpu.als import AlternatingLeastSquares
from implicit.cpu.bpr import BayesianPersonalizedRanking
from implicit.nearest_neighbours import CosineRecommender
from implicit.recommender_base import RecommenderBase
from scipy import sparse
from threadpoolctl import threadpool_limits

from core.common.errors import ConfigError
from core.common.selection import top_k_rows
from core.data.dataset import Dataset


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


class _ImplicitModel:
    """Shared fit / recommend plumbing for ``implicit`` models (single BLAS thread, seeded)."""

    name: str = "implicit"
    train_: Dataset
    user_items_: sparse.csr_matrix
    model_: RecommenderBase

    def _make(self) -> RecommenderBase:
        raise NotImplementedError

    def fit(self, train: Dataset) -> Self:
        """Train the ``implicit`` model on the binarised training matrix."""
        self.train_ = train
        self.user_items_ = binarised(train.matrix)
        with threadpool_limits(1, "blas"), warnings.catch_warnings():
            # implicit's own item-kNN converts an internal COO matrix and warns about it
            warnings.filterwarnings("ignore", message="Method expects CSR input")
            self.model_ = self._make()
            self.model_.fit(self.user_items_, show_progress=False)
        return self

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """``implicit``'s batched ``recommend``; filtered / missing slots become -1."""
        users = np.asarray(users, dtype=np.int64)
        if len(users) == 0:
            return np.zeros((0, k), dtype=np.int64)
        n = min(k, self.train_.n_items)
        ids, scores = self.model_.recommend(
            users, self.user_items_[users], N=n, filter_already_liked_items=exclude_seen
        )
        out: np.ndarray = np.asarray(ids, dtype=np.int64).reshape(len(users), -1)
        values = np.asarray(scores, dtype=np.float64).reshape(len(users), -1)
        out[~np.isfinite(values) | (out < 0)] = -1
        if out.shape[1] < k:
            out = np.concatenate([out, np.full((len(users), k - out.shape[1]), -1, dtype=np.int64)], axis=1)
        return out


class ItemKNN(_ImplicitModel):
    """Item-based k-nearest-neighbour CF: ``implicit.nearest_neighbours.CosineRecommender``."""

    def __init__(self, neighbours: int = 100, name: str = "item_knn") -> None:
        self.neighbours = neighbours
        self.name = name

    def _make(self) -> RecommenderBase:
        return CosineRecommender(K=self.neighbours, num_threads=1)


class ImplicitALS(_ImplicitModel):
    """Weighted-regularised ALS for implicit feedback (``implicit.als``), binarised interactions."""

    def __init__(self, factors: int = 64, regularization: float = 0.05, alpha: float = 2.0,
                 iterations: int = 15, random_state: int = 42, name: str = "als") -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.random_state = random_state
        self.name = name

    def _make(self) -> RecommenderBase:
        return AlternatingLeastSquares(
            factors=self.factors, regularization=self.regularization, alpha=self.alpha,
            iterations=self.iterations, random_state=self.random_state, num_threads=1,
        )


class ImplicitBPR(_ImplicitModel):
    """Bayesian personalised ranking matrix factorisation (``implicit.bpr``), binarised interactions."""

    def __init__(self, factors: int = 64, learning_rate: float = 0.05, regularization: float = 0.01,
                 iterations: int = 100, random_state: int = 42, name: str = "bpr") -> None:
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.random_state = random_state
        self.name = name

    def _make(self) -> RecommenderBase:
        return BayesianPersonalizedRanking(
            factors=self.factors, learning_rate=self.learning_rate, regularization=self.regularization,
            iterations=self.iterations, random_state=self.random_state, num_threads=1,
        )


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


BASELINES: tuple[str, ...] = ("most_popular", "item_knn_cf", "als", "bpr", "mean_vector")
"""Baseline configuration names, in table order."""

BASELINE_DEFAULTS: dict[str, dict[str, Any]] = {
    "item_knn_cf": {"neighbours": 100},
    "als": {"factors": 64, "regularization": 0.05, "alpha": 2.0},
    "bpr": {"factors": 64, "learning_rate": 0.05, "regularization": 0.01, "iterations": 100},
}
"""Default hyper-parameters of the tunable baselines (the keys are what tuning searches)."""

TUNABLE_BASELINES: tuple[str, ...] = tuple(BASELINE_DEFAULTS)

_MODELS: dict[str, type[ItemKNN] | type[ImplicitALS] | type[ImplicitBPR]] = {
    "item_knn_cf": ItemKNN, "als": ImplicitALS, "bpr": ImplicitBPR,
}


def baseline_params(name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The hyper-parameters of baseline ``name``: :data:`BASELINE_DEFAULTS` overridden by ``params``."""
    if name not in BASELINES:
        raise ValueError(f"unknown baseline {name!r}; expected some of {list(BASELINES)}")
    return {**BASELINE_DEFAULTS.get(name, {}), **(params or {})}


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
