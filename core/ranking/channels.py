"""Scoring channels: independent signals that each score every item for one query.

Every channel follows one small protocol (:class:`Channel`): the constructor only stores parameters,
``fit(ctx)`` learns from a :class:`ChannelContext` (dataset, item vectors, user vectors) and returns
``self``, ``why_not(query)`` says why the channel cannot score this query (``None`` when it can) and
``score(query)`` returns a float64 array of length ``dataset.n_items`` (higher is better, finite;
``-inf`` only means "excluded").

Channels (names are :data:`core.common.config.CHANNELS`):

- ``semantic``   typed interests (an ``InterestProfile``) against item vectors, single composed vector
  or one score per interest tag (multi-interest);
- ``history``    the user's (time-decayed, rating-weighted) history vector against item vectors;
- ``mf``         implicit-feedback matrix factorisation (ALS or BPR from ``implicit``);
- ``item_knn``   item-item cosine over the interaction matrix, top-K neighbours kept sparse;
- ``popularity`` distinct users per item, optionally within a recent time window;
- ``recency``    freshness from the item's year or first/last interaction time;
- ``graph``      personalised PageRank over an item-attribute graph (genres, tags, category, decade,
  users' free-text tags), restarting from the user's items and the attributes matching typed interests.

:func:`build_channels` fits all of them; :func:`score_all` scores one query and records, for every
channel that dropped out, a reason code (:data:`DROP_REASONS` holds the English sentence; the UI
translates the code).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse

from core.common.config import CHANNELS
from core.common.errors import ConfigError, InterestLensError
from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset

SECONDS_PER_DAY = 86_400.0
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY

DROP_REASONS: dict[str, str] = {
    "not_fitted": "the channel has not been fitted yet",
    "no_item_vectors": "item vectors are not available (no item text was embedded)",
    "no_profile": "no typed interests were given",
    "profile_without_vectors": "the typed interests carry no vectors",
    "no_user": "no user was chosen",
    "unknown_user": "the user does not appear in the interaction data",
    "no_history": "the user has no usable interaction history",
    "no_interactions": "the dataset has no interactions",
    "no_time": "the data carries neither timestamps nor years",
    "no_attributes": "the items carry no attributes (genres, tags, category, year) to build a graph from",
    "no_seed": "neither the user's history nor the typed interests match anything in the item graph",
}
"""Reason codes :meth:`Channel.why_not` returns, with an English explanation (the UI translates codes)."""


class ChannelNotApplicable(InterestLensError):
    """Raised by :meth:`Channel.score` for a query the channel cannot score (see ``why_not``)."""

    def __init__(self, channel: str, code: str) -> None:
        super().__init__(f"channel '{channel}' cannot score this query: {DROP_REASONS.get(code, code)}")
        self.channel = channel
        self.code = code


# --- the interest-profile contract (core.interests.decompose implements it) -------------------------------


@runtime_checkable
class TagLike(Protocol):
    """One weighted interest tag (``core.interests.decompose.InterestTag``); read-only attributes suffice."""

    @property
    def text(self) -> str:
        """The tag's words."""
        ...

    @property
    def weight(self) -> float:
        """Magnitude (positive tags' weights sum to 1 in core.interests.decompose)."""
        ...

    @property
    def polarity(self) -> int:
        """+1 want, -1 avoid."""
        ...

    @property
    def vector(self) -> np.ndarray | None:
        """L2-normalised embedding, or None."""
        ...


@runtime_checkable
class ProfileLike(Protocol):
    """Typed interests decomposed into tags (``core.interests.decompose.InterestProfile``)."""

    @property
    def tags(self) -> Sequence[TagLike]:
        """The tags, positive and negative."""
        ...

    def composed_vector(self) -> np.ndarray | None:
        """Weighted sum of tag vectors (negatives subtract), L2-normalised; None without vectors."""
        ...


@dataclass(frozen=True, eq=False)
class Query:
    """Who or what to recommend for: a known user, typed interests, or both; ``now`` in epoch seconds."""

    user_id: str | None = None
    profile: ProfileLike | None = None
    now: float | None = None
    composition: Literal["single", "multi"] | None = None
    """How the semantic channel composes the profile's tags; None = the channel's configured default."""

    def key(self) -> tuple[Any, ...]:
        """A hashable identity for caches: user, time, composition and the profile's tags."""
        tags: tuple[tuple[str, float, int], ...] = ()
        if self.profile is not None:
            tags = tuple((str(t.text), round(float(t.weight), 9), int(t.polarity)) for t in self.profile.tags)
        return (self.user_id, self.now, self.composition, tags)


@dataclass
class ChannelContext:
    """Everything channels may learn from. Only ``dataset`` is required.

    ``item_vectors``: (n_items, d) float32, rows L2-normalised (``core.vectors.embedding``).
    ``user_vectors`` / ``has_vector``: (n_users, d) and a bool mask (``core.vectors.embedding.user_vectors``);
    when absent the history channel builds the user's vector from the history on the fly.
    ``encoder``: optional, lets the graph channel embed attribute names to match typed interests.
    """

    dataset: Dataset
    item_vectors: np.ndarray | None = None
    user_vectors: np.ndarray | None = None
    has_vector: np.ndarray | None = None
    encoder: Any | None = None


@dataclass(frozen=True)
class ChannelParams:
    """Hyper-parameters of every channel (hashable, so usable as a cache key)."""

    semantic_mode: Literal["single", "multi"] = "multi"
    history_half_life_days: float | None = 180.0
    mf_algorithm: Literal["als", "bpr"] = "als"
    mf_factors: int = 64
    mf_regularization: float = 0.05
    mf_iterations: int | None = None  # None: 15 for ALS, 100 for BPR
    mf_alpha: float = 2.0
    mf_learning_rate: float = 0.05
    knn_neighbours: int = 50
    knn_use_rating: bool = False
    popularity_window_days: float | None = None
    recency_basis: Literal["auto", "year", "first_seen", "last_seen"] = "auto"
    recency_half_life_days: float | None = None
    graph_restart: float = 0.3
    graph_iterations: int = 40
    graph_tag_share: float = 0.5
    graph_min_degree: int = 2
    random_state: int = 42
    num_threads: int = 2


@runtime_checkable
class Channel(Protocol):
    """One scoring signal. ``score`` returns float64 (n_items,), higher is better."""

    name: str
    description: str

    def fit(self, ctx: ChannelContext) -> Self:
        """Learn from the context; returns self."""
        ...

    def why_not(self, query: Query) -> str | None:
        """None when the channel can score ``query``, else a reason code from :data:`DROP_REASONS`."""
        ...

    def score(self, query: Query) -> np.ndarray:
        """Scores for every item; raises :class:`ChannelNotApplicable` when ``why_not`` gives a reason."""
        ...


# --- shared helpers ---------------------------------------------------------------------------


def _as_item_vectors(vectors: np.ndarray | None, n_items: int) -> np.ndarray | None:
    """Validate item vectors and return them as float32 rows with unit norm (zero rows stay zero)."""
    if vectors is None:
        return None
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[0] != n_items:
        raise ConfigError(f"item vectors have shape {arr.shape}; expected ({n_items}, d)")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if np.allclose(norms[norms > 0], 1.0, atol=1e-3):
        return arr
    out = np.zeros_like(arr)
    np.divide(arr, norms, out=out, where=norms > 0)
    return out


def unit_vector(vector: np.ndarray) -> np.ndarray | None:
    """``vector`` scaled to unit L2 norm as float32 (None for a zero or non-finite vector)."""
    vec = np.asarray(vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(vec))
    if not math.isfinite(norm) or norm == 0.0:
        return None
    return vec / norm


def _clean(scores: np.ndarray) -> np.ndarray:
    """float64 copy with NaN -> minimum finite value and +inf -> maximum finite value (-inf kept)."""
    out = np.asarray(scores, dtype=np.float64).copy()
    finite = np.isfinite(out)
    if finite.all():
        return out
    lo = float(out[finite].min()) if finite.any() else 0.0
    hi = float(out[finite].max()) if finite.any() else 0.0
    out[np.isnan(out)] = lo
    out[np.isposinf(out)] = hi
    return out


def user_row(dataset: Dataset, user_id: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The user's item indices and summed interaction weights from ``dataset.matrix`` (empty if unknown)."""
    if user_id is None or str(user_id) not in dataset.user_index:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    mat = dataset.matrix
    u = dataset.user_index[str(user_id)]
    start, end = int(mat.indptr[u]), int(mat.indptr[u + 1])
    return mat.indices[start:end].astype(np.int64), mat.data[start:end].astype(np.float64)


def seen_mask(dataset: Dataset, user_id: str | None) -> np.ndarray:
    """Boolean mask of items the user already interacted with (all False for unknown / no user)."""
    mask = np.zeros(dataset.n_items, dtype=bool)
    items, _ = user_row(dataset, user_id)
    mask[items] = True
    return mask


def _user_reason(dataset: Dataset, query: Query) -> str | None:
    if query.user_id is None:
        return "no_user"
    if str(query.user_id) not in dataset.user_index:
        return "unknown_user"
    return None


def positive_tags(profile: ProfileLike) -> list[TagLike]:
    """Tags with positive polarity and weight."""
    return [t for t in profile.tags if int(t.polarity) >= 0 and float(t.weight) > 0]


def negative_tags(profile: ProfileLike) -> list[TagLike]:
    """Tags with negative polarity (things to avoid) and positive weight."""
    return [t for t in profile.tags if int(t.polarity) < 0 and float(t.weight) > 0]


def tag_similarities(profile: ProfileLike, item_vectors: np.ndarray) -> tuple[list[TagLike], np.ndarray]:
    """Tags that carry vectors and their cosine to every item: (tags, (n_tags, n_items) float32)."""
    tags = [t for t in profile.tags if t.vector is not None and unit_vector(np.asarray(t.vector)) is not None]
    if not tags:
        return [], np.zeros((0, item_vectors.shape[0]), dtype=np.float32)
    mat = np.stack([unit_vector(np.asarray(t.vector)) for t in tags])  # type: ignore[misc]
    return tags, mat @ item_vectors.T


def multi_interest_scores(profile: ProfileLike, item_vectors: np.ndarray) -> np.ndarray:
    """Multi-interest score: best weighted match over positive tags minus best match of negative tags.

    ``s_i = max_t (w_t / max w) cos(t, i) - max_n (w_n / max w) max(0, cos(n, i))``; used when
    :func:`core.interests.decompose.score_items` is not available.
    """
    tags, sims = tag_similarities(profile, item_vectors)
    n = item_vectors.shape[0]
    if not tags:
        return np.zeros(n, dtype=np.float64)
    weights = np.array([float(t.weight) for t in tags], dtype=np.float64)
    polarity = np.array([int(t.polarity) for t in tags])
    pos, neg = polarity >= 0, polarity < 0
    top = float(weights[pos].max()) if pos.any() else float(weights.max())
    rel = weights / max(top, 1e-12)
    out = np.zeros(n, dtype=np.float64)
    if pos.any():
        out += (rel[pos, None] * sims[pos].astype(np.float64)).max(axis=0)
    if neg.any():
        out -= (rel[neg, None] * np.maximum(sims[neg].astype(np.float64), 0.0)).max(axis=0)
    return out


def _ensure_applicable(channel: Channel, query: Query) -> None:
    """Raise :class:`ChannelNotApplicable` with the channel's own reason when it cannot score ``query``."""
    reason = channel.why_not(query)
    if reason is not None:
        raise ChannelNotApplicable(channel.name, reason)


# --- semantic ---------------------------------------------------------------------------------


class SemanticChannel:
    """Typed interests against item vectors (single composed vector or multi-interest)."""

    name = "semantic"
    description = "typed interests vs item text vectors (cosine)"

    def __init__(self, mode: Literal["single", "multi"] = "multi") -> None:
        if mode not in ("single", "multi"):
            raise ConfigError(f"semantic mode must be 'single' or 'multi', not {mode!r}")
        self.mode = mode

    def fit(self, ctx: ChannelContext) -> Self:
        """Keep the (unit-norm) item vectors."""
        self.item_vectors_ = _as_item_vectors(ctx.item_vectors, ctx.dataset.n_items)
        self.n_items_ = ctx.dataset.n_items
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs item vectors and a profile with at least one tag vector."""
        if not hasattr(self, "n_items_"):
            return "not_fitted"
        if self.item_vectors_ is None:
            return "no_item_vectors"
        if query.profile is None or not list(query.profile.tags):
            return "no_profile"
        profile = query.profile
        if not any(t.vector is not None for t in profile.tags) and profile.composed_vector() is None:
            return "profile_without_vectors"
        return None

    def score(self, query: Query) -> np.ndarray:
        """Cosine of the composed interest vector (single) or per-tag best match (multi)."""
        _ensure_applicable(self, query)
        assert self.item_vectors_ is not None and query.profile is not None
        profile = query.profile
        from core.interests.decompose import InterestProfile, score_items

        mode = query.composition or self.mode
        if isinstance(profile, InterestProfile):  # the interests module's own composition
            return _clean(score_items(profile, self.item_vectors_, mode))
        if mode == "single":
            composed = profile.composed_vector()
            vec = unit_vector(composed) if composed is not None else None
            if vec is None:
                return np.zeros(self.n_items_, dtype=np.float64)
            return np.asarray(self.item_vectors_ @ vec, dtype=np.float64)
        return multi_interest_scores(profile, self.item_vectors_)


# --- history ----------------------------------------------------------------------------------


def history_vector(
    dataset: Dataset,
    item_vectors: np.ndarray,
    user_id: str,
    half_life_days: float | None = 180.0,
    now: float | None = None,
) -> np.ndarray | None:
    """Time-decayed, rating-weighted mean of the user's item vectors, L2-normalised (None if empty).

    Weight of an interaction = rating (clipped at a small positive floor) x ``0.5 ** (age / half-life)``
    where age is measured from ``now`` (default: the user's latest interaction).
    """
    hist = dataset.user_history(user_id)
    if hist.empty:
        return None
    idx = hist["item_idx"].to_numpy()
    weight = np.clip(hist["rating"].to_numpy(np.float64), 1e-3, None)
    ts = hist["timestamp"].to_numpy(np.float64)
    if half_life_days and np.isfinite(ts).any():
        ref = float(now) if now is not None else float(np.nanmax(ts))
        age = np.where(np.isfinite(ts), np.maximum(ref - ts, 0.0), 0.0) / SECONDS_PER_DAY
        weight = weight * np.power(0.5, age / float(half_life_days))
    vec = (weight[:, None] * item_vectors[idx].astype(np.float64)).sum(axis=0)
    return unit_vector(vec)


class HistoryChannel:
    """The user's history vector (precomputed user vector or built on the fly) against item vectors."""

    name = "history"
    description = "user's history vector vs item text vectors (cosine)"

    def __init__(self, half_life_days: float | None = 180.0) -> None:
        self.half_life_days = half_life_days

    def fit(self, ctx: ChannelContext) -> Self:
        """Keep item vectors and, when given, the precomputed user vectors."""
        self.dataset_ = ctx.dataset
        self.item_vectors_ = _as_item_vectors(ctx.item_vectors, ctx.dataset.n_items)
        self.user_vectors_ = ctx.user_vectors
        self.has_vector_ = ctx.has_vector
        if ctx.user_vectors is not None and np.asarray(ctx.user_vectors).shape[0] != ctx.dataset.n_users:
            raise ConfigError("user vectors must have one row per dataset user")
        self._vector_cache: tuple[tuple[str, float | None] | None, np.ndarray | None] = (None, None)
        return self

    def _vector(self, query: Query) -> np.ndarray | None:
        assert self.item_vectors_ is not None and query.user_id is not None
        u = self.dataset_.user_index[str(query.user_id)]
        if self.user_vectors_ is not None and query.now is None:
            has = True if self.has_vector_ is None else bool(self.has_vector_[u])
            return unit_vector(np.asarray(self.user_vectors_[u])) if has else None
        key = (str(query.user_id), query.now)
        cached_key, cached = self._vector_cache  # one tuple: atomic under concurrent sessions
        if cached_key == key:
            return cached
        vec = history_vector(self.dataset_, self.item_vectors_, key[0], self.half_life_days, query.now)
        self._vector_cache = (key, vec)
        return vec

    def why_not(self, query: Query) -> str | None:
        """Needs item vectors and a known user with history."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.item_vectors_ is None:
            return "no_item_vectors"
        reason = _user_reason(self.dataset_, query)
        if reason is not None:
            return reason
        if self._vector(query) is None:
            return "no_history"
        return None

    def score(self, query: Query) -> np.ndarray:
        """Cosine between the user's history vector and every item vector."""
        _ensure_applicable(self, query)
        vec = self._vector(query)
        assert vec is not None and self.item_vectors_ is not None
        return (self.item_vectors_ @ vec.astype(np.float32)).astype(np.float64)

    def score_many(self, queries: Sequence[Query]) -> np.ndarray:
        """(len(queries), n_items) scores of queries ``why_not`` accepts, as one float32 matrix product.

        Equal to :meth:`score` row by row up to float32 rounding (the BLAS sums in another order).
        """
        assert self.item_vectors_ is not None
        if not queries:
            return np.zeros((0, self.dataset_.n_items), dtype=np.float64)
        vecs = []
        for q in queries:
            vec = self._vector(q)
            if vec is None:
                raise ChannelNotApplicable(self.name, "no_history")
            vecs.append(vec.astype(np.float32))
        return np.asarray(np.stack(vecs) @ self.item_vectors_.T, dtype=np.float64)


# --- matrix factorisation ---------------------------------------------------------------------


class MFChannel:
    """Implicit-feedback matrix factorisation from the ``implicit`` library (CPU models).

    ALS (Hu, Koren, Volinsky 2008): confidence ``c_ui = 1 + alpha * rating`` for observed pairs;
    implicit reads the matrix values as the confidence itself, so we pass ``1 + alpha * rating`` and
    keep the library's own ``alpha`` at 1. BPR: observed pairs are positives (rating ignored).
    """

    name = "mf"
    description = "matrix factorisation (implicit ALS / BPR) over the interaction matrix"

    def __init__(
        self,
        algorithm: Literal["als", "bpr"] = "als",
        factors: int = 64,
        regularization: float = 0.05,
        iterations: int | None = None,
        alpha: float = 2.0,
        learning_rate: float = 0.05,
        random_state: int = 42,
        num_threads: int = 2,
    ) -> None:
        if algorithm not in ("als", "bpr"):
            raise ConfigError(f"mf algorithm must be 'als' or 'bpr', not {algorithm!r}")
        self.algorithm = algorithm
        self.factors = factors
        self.regularization = regularization
        self.iterations = iterations
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.random_state = random_state
        self.num_threads = num_threads

    def fit(self, ctx: ChannelContext) -> Self:
        """Train the factor model on the dataset's user x item matrix."""
        from threadpoolctl import threadpool_limits

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
            if self.algorithm == "als":
                conf.data = 1.0 + float(self.alpha) * np.clip(conf.data, 0.0, None)
                model: Any = AlternatingLeastSquares(
                    factors=self.factors, regularization=self.regularization, alpha=1.0,
                    iterations=self.iterations or 15, random_state=self.random_state,
                    num_threads=self.num_threads,
                )
            else:
                conf.data = np.ones_like(conf.data)
                # one thread: BPR's parallel SGD (Hogwild) is not reproducible across runs
                model = BayesianPersonalizedRanking(
                    factors=self.factors, learning_rate=self.learning_rate,
                    regularization=self.regularization, iterations=self.iterations or 100,
                    random_state=self.random_state, num_threads=1,
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
        return _user_reason(self.dataset_, query)

    def score(self, query: Query) -> np.ndarray:
        """Inner product of the user's factors with every item's factors."""
        _ensure_applicable(self, query)
        assert self.user_factors_ is not None and self.item_factors_ is not None
        u = self.dataset_.user_index[str(query.user_id)]
        return np.asarray(self.item_factors_ @ self.user_factors_[u], dtype=np.float64)

    def score_many(self, queries: Sequence[Query]) -> np.ndarray:
        """(len(queries), n_items) scores as one matrix product (equal to :meth:`score` up to float32
        rounding order)."""
        assert self.user_factors_ is not None and self.item_factors_ is not None
        rows = np.array([self.dataset_.user_index[str(q.user_id)] for q in queries], dtype=np.int64)
        return np.asarray(self.user_factors_[rows] @ self.item_factors_.T, dtype=np.float64)


# --- item neighbourhood -----------------------------------------------------------------------


def _dense_topk(sims: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``sims`` (row ``i`` is item ``idx[i]``, itself excluded) the ``k`` largest positive
    values; ties at the k-th value go to the lowest item index. Returns (row, column, value)."""
    n = sims.shape[1]
    sims[np.arange(len(idx)), idx] = 0.0
    if k < n:
        kth = -np.partition(-sims, k - 1, axis=1)[:, k - 1]
        above = sims > kth[:, None]
        tied = sims == kth[:, None]
        room = k - above.sum(axis=1)
        keep = above | (tied & (np.cumsum(tied, axis=1) <= room[:, None]))
        keep &= sims > 0
    else:
        keep = sims > 0
    r, c = np.nonzero(keep)
    return r, c, sims[r, c]


def _sparse_topk(prod: sparse.csr_matrix, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_dense_topk` on a sparse block (only stored positive entries can be neighbours)."""
    prod.sort_indices()
    coo = prod.tocoo()  # row-major, columns ascending within a row
    r, c, v = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    ok = (c != idx[r]) & (v > 0)
    r, c, v = r[ok], c[ok], v[ok]
    counts = np.bincount(r, minlength=len(idx))
    crowded = counts[r] > k  # rows with at most k neighbours keep them all
    if crowded.any():
        cr, cc, cv = r[crowded], c[crowded], v[crowded]
        # one float64 key: row first, then value descending (exact: v is float32, rows < 2**20); the
        # stable sort keeps equal values in ascending column order
        order = np.argsort(cr * 4.0 + (1.0 - cv.astype(np.float64)), kind="stable")
        cr, cc, cv = cr[order], cc[order], cv[order]
        starts = np.searchsorted(cr, np.arange(len(idx)))
        top = (np.arange(len(cr)) - starts[cr]) < k
        r = np.concatenate([r[~crowded], cr[top]])
        c = np.concatenate([c[~crowded], cc[top]])
        v = np.concatenate([v[~crowded], cv[top]])
    return r, c, v


def item_similarity_topk(
    matrix: sparse.csr_matrix,
    k: int = 50,
    use_rating: bool = False,
    progress: ProgressFn | None = None,
    dense_limit: int = 60_000_000,
) -> sparse.csr_matrix:
    """Item-item cosine over a users x items matrix, keeping the top ``k`` neighbours per item.

    Row ``j`` of the result holds item ``j``'s neighbours (self excluded, zeros dropped). Computed in
    blocks of items so memory stays bounded: ``block x n_items`` floats at a time. When the matrix has
    at most ``dense_limit`` cells it is densified once (sparse x dense products are faster); otherwise
    the blocks stay sparse and only co-occurring pairs are ranked (a full-width ``argpartition`` per
    item was 2/3 of the 1M-interaction fit). Ties at the k-th similarity keep the lowest item indices,
    so both paths return the same neighbours.
    """
    x = matrix.astype(np.float32).tocsc(copy=True)
    if not use_rating:
        x.data = np.ones_like(x.data)
    n_items = x.shape[1]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=0)).ravel())
    inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    xn = (x @ sparse.diags(inv.astype(np.float32))).tocsr()
    xt = xn.T.tocsr()
    dense_ok = xn.shape[0] * n_items <= dense_limit
    rhs: Any = xn.toarray() if dense_ok else xn
    k = max(1, min(int(k), n_items - 1)) if n_items > 1 else 1
    block = max(1, min(n_items, 8_000_000 // max(1, n_items)))
    if not dense_ok:  # sparse blocks hold only co-occurring pairs: more rows per block fit the same memory
        block = max(block, min(n_items, 128))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    active = np.flatnonzero(norms > 0)
    for start in range(0, len(active), block):
        idx = active[start : start + block]
        prod: Any = xt[idx] @ rhs
        if isinstance(prod, np.ndarray):
            r, c, v = _dense_topk(np.asarray(prod, dtype=np.float32), idx, k)
        else:
            r, c, v = _sparse_topk(sparse.csr_matrix(prod, dtype=np.float32), idx, k)
        rows.append(idx[r])
        cols.append(c)
        vals.append(v)
        report(progress, (start + len(idx)) / max(1, len(active)), "item neighbours")
    if not rows:
        empty = np.zeros(0, np.int64)
        return sparse.csr_matrix((np.zeros(0, np.float32), (empty, empty)), shape=(n_items, n_items))
    sim = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_items, n_items),
        dtype=np.float32,
    )
    sim.sort_indices()
    return sim


class ItemKNNChannel:
    """Item-based collaborative filtering: sum of cosine similarities to the user's items."""

    name = "item_knn"
    description = "item-item cosine neighbours over the interaction matrix"

    def __init__(self, k: int = 50, use_rating: bool = False) -> None:
        self.k = k
        self.use_rating = use_rating

    def fit(self, ctx: ChannelContext, progress: ProgressFn | None = None) -> Self:
        """Compute the sparse top-K item-item similarity matrix."""
        self.dataset_ = ctx.dataset
        self.similarity_: sparse.csr_matrix | None = None
        if ctx.dataset.matrix.nnz:
            self.similarity_ = item_similarity_topk(ctx.dataset.matrix, self.k, self.use_rating, progress)
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs interactions and a known user."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.similarity_ is None:
            return "no_interactions"
        return _user_reason(self.dataset_, query)

    def score(self, query: Query) -> np.ndarray:
        """``score_i = sum_{j in user's items} sim(j, i)`` (rating-weighted when ``use_rating``)."""
        _ensure_applicable(self, query)
        assert self.similarity_ is not None
        items, weights = user_row(self.dataset_, query.user_id)
        w = weights if self.use_rating else np.ones_like(weights)
        row = sparse.csr_matrix((w, (np.zeros_like(items), items)), shape=(1, self.dataset_.n_items))
        return np.asarray((row @ self.similarity_).toarray(), dtype=np.float64).ravel()

    def score_many(self, queries: Sequence[Query]) -> np.ndarray:
        """(len(queries), n_items) scores: the users' rows times the similarity matrix in one sparse
        product (identical to :meth:`score` row by row: same terms, summed in the same order)."""
        assert self.similarity_ is not None
        rows = np.array([self.dataset_.user_index[str(q.user_id)] for q in queries], dtype=np.int64)
        sub = self.dataset_.matrix[rows].astype(np.float64)
        if not self.use_rating:
            sub.data = np.ones_like(sub.data)
        return np.asarray((sub @ self.similarity_).toarray(), dtype=np.float64)

    def neighbours_in(self, item: int, candidates: np.ndarray) -> tuple[int, float] | None:
        """The candidate item most similar to ``item`` and its similarity (None when none is a neighbour)."""
        if self.similarity_ is None or len(candidates) == 0:
            return None
        rows = self.similarity_[np.asarray(candidates, dtype=np.int64)]
        col = np.asarray(rows[:, int(item)].toarray()).ravel()
        best = int(np.argmax(col))
        return (int(candidates[best]), float(col[best])) if col[best] > 0 else None


# --- popularity -------------------------------------------------------------------------------


class PopularityChannel:
    """``log1p`` of the number of distinct users per item, optionally within a recent window."""

    name = "popularity"
    description = "number of distinct users per item (optionally in a recent window)"

    def __init__(self, window_days: float | None = None) -> None:
        self.window_days = window_days

    def fit(self, ctx: ChannelContext) -> Self:
        """Precompute all-time counts and a time-sorted view for windowed counts."""
        ds = ctx.dataset
        self.dataset_ = ds
        self.counts_ = ds.item_popularity.astype(np.float64)
        inter = ds.interactions
        ts = inter["timestamp"].to_numpy(np.float64)
        ok = np.isfinite(ts)
        order = np.argsort(ts[ok], kind="stable")
        self.ts_ = ts[ok][order]
        self.pair_ = (inter["user_idx"].to_numpy(np.int64)[ok][order] * ds.n_items
                      + inter["item_idx"].to_numpy(np.int64)[ok][order])
        self.t_max_ = float(self.ts_[-1]) if len(self.ts_) else None
        self._cache: dict[float | None, np.ndarray] = {}
        return self

    def counts(self, now: float | None = None) -> np.ndarray:
        """Distinct users per item (in ``[now - window, now]`` when a window is set and time is known)."""
        if self.window_days is None or self.t_max_ is None:
            return self.counts_
        ref = float(now) if now is not None else self.t_max_
        if ref not in self._cache:
            lo = np.searchsorted(self.ts_, ref - float(self.window_days) * SECONDS_PER_DAY, side="left")
            hi = np.searchsorted(self.ts_, ref, side="right")
            pairs = np.unique(self.pair_[lo:hi])
            n = self.dataset_.n_items
            self._cache[ref] = np.bincount(pairs % n, minlength=n).astype(np.float64)
        return self._cache[ref]

    def why_not(self, query: Query) -> str | None:
        """Applies whenever the dataset has interactions."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        return None if self.counts_.sum() > 0 else "no_interactions"

    def score(self, query: Query) -> np.ndarray:
        """``log1p(count)`` so a few blockbusters do not flatten everything else after normalisation."""
        _ensure_applicable(self, query)
        return np.asarray(np.log1p(self.counts(query.now)), dtype=np.float64)


# --- recency ----------------------------------------------------------------------------------


def _year_to_epoch(year: np.ndarray) -> np.ndarray:
    return (np.asarray(year, dtype=np.float64) + 0.5 - 1970.0) * SECONDS_PER_YEAR


class RecencyChannel:
    """Freshness ``0.5 ** (age / half_life)`` from the item's year or first / last interaction time.

    ``basis="auto"`` uses the year when at least half of the items carry one (a film's release), else
    the first interaction time (when an item appeared). Items lacking the basis fall back to the other
    source; items with neither score 0. ``half_life_days=None`` uses the median item age.
    """

    name = "recency"
    description = "freshness from release year or first interaction time"

    def __init__(
        self,
        basis: Literal["auto", "year", "first_seen", "last_seen"] = "auto",
        half_life_days: float | None = None,
    ) -> None:
        if basis not in ("auto", "year", "first_seen", "last_seen"):
            raise ConfigError(f"unknown recency basis {basis!r}")
        self.basis = basis
        self.half_life_days = half_life_days

    def fit(self, ctx: ChannelContext) -> Self:
        """Derive one time (epoch seconds, NaN when unknown) per item."""
        ds = ctx.dataset
        self.dataset_ = ds
        n = ds.n_items
        inter = ds.interactions
        ts = inter["timestamp"].to_numpy(np.float64)
        ok = np.isfinite(ts)
        first = np.full(n, np.nan)
        last = np.full(n, np.nan)
        if ok.any():
            idx = inter["item_idx"].to_numpy(np.int64)[ok]
            first_v = np.full(n, np.inf)
            last_v = np.full(n, -np.inf)
            np.minimum.at(first_v, idx, ts[ok])
            np.maximum.at(last_v, idx, ts[ok])
            first = np.where(np.isfinite(first_v), first_v, np.nan)
            last = np.where(np.isfinite(last_v), last_v, np.nan)
        year = _year_to_epoch(ds.items["year"].to_numpy(np.float64))
        basis = self.basis
        if basis == "auto":
            basis = "year" if np.isfinite(year).mean() >= 0.5 else "first_seen"
        self.basis_ = basis
        primary = {"year": year, "first_seen": first, "last_seen": last}[basis]
        fallback = first if basis == "year" else year
        self.item_time_ = np.where(np.isfinite(primary), primary, fallback)
        known = self.item_time_[np.isfinite(self.item_time_)]
        self.t_max_ = float(known.max()) if len(known) else None
        if self.half_life_days is not None:
            self.half_life_days_ = float(self.half_life_days)
        elif len(known):
            median_age = float(np.median(self.t_max_ - known)) / SECONDS_PER_DAY
            self.half_life_days_ = max(median_age, 1.0)
        else:
            self.half_life_days_ = 365.0
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs at least one item with a year or an interaction time."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        return None if self.t_max_ is not None else "no_time"

    def score(self, query: Query) -> np.ndarray:
        """Exponential freshness in (0, 1]; 0 for items of unknown age."""
        _ensure_applicable(self, query)
        assert self.t_max_ is not None
        ref = float(query.now) if query.now is not None else self.t_max_
        age = np.maximum(ref - self.item_time_, 0.0) / SECONDS_PER_DAY
        fresh = np.power(0.5, age / self.half_life_days_)
        return np.where(np.isfinite(fresh), fresh, 0.0).astype(np.float64)


# --- knowledge graph --------------------------------------------------------------------------


def _norm_name(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower())


_STOP_ATTRIBUTES = {"(no genres listed)", "", "nan", "none"}


@dataclass
class AttributeGraph:
    """Items and their attributes as a bipartite graph.

    ``incidence``: (n_items, n_attributes) CSR of edge weights; ``names``: display name of each
    attribute (first spelling seen); ``kinds``: "attr" (genre / tag / category / user tag, merged by
    normalised name), "decade", or "meta:<column>" for extra metadata columns.
    """

    incidence: sparse.csr_matrix
    names: list[str]
    kinds: list[str]
    keys: list[str] = field(default_factory=list)

    @property
    def n_attributes(self) -> int:
        """Number of attribute nodes."""
        return len(self.names)


def build_attribute_graph(dataset: Dataset, min_degree: int = 2) -> AttributeGraph:
    """Collect attributes from tags, category, decade, users' free-text tags and extra item columns.

    Edge weights: item tags / category 1.0, decade 0.5, users' free-text tags 0.5, extra string
    columns 0.5. Attributes attached to fewer than ``min_degree`` items connect nothing and are dropped.
    """
    items = dataset.items
    edges: dict[tuple[int, str], float] = {}
    display: dict[str, str] = {}
    kind_of: dict[str, str] = {}

    def add(item: int, kind: str, name: str, weight: float) -> None:
        norm = _norm_name(name)
        if norm in _STOP_ATTRIBUTES:
            return
        key = f"{kind}:{norm}"
        display.setdefault(key, str(name).strip())
        kind_of.setdefault(key, kind)
        edges[(item, key)] = max(edges.get((item, key), 0.0), weight)

    for i, (tags, category, year) in enumerate(
        zip(items["tags"].to_numpy(), items["category"].to_numpy(), items["year"].to_numpy(), strict=True)
    ):
        for tag in tags:
            add(i, "attr", str(tag), 1.0)
        if category:
            add(i, "attr", str(category), 1.0)
        if np.isfinite(year):
            add(i, "decade", f"{int(year) // 10 * 10}s", 0.5)
    user_tags = dataset.user_tags
    if user_tags is not None and len(user_tags) and {"item_id", "tag"} <= set(user_tags.columns):
        pairs = user_tags[["item_id", "tag"]].astype(str).drop_duplicates()
        for item_id, tag in zip(pairs["item_id"], pairs["tag"], strict=True):
            idx = dataset.item_index.get(item_id)
            if idx is not None:
                add(idx, "attr", tag, 0.5)
    canonical = {"item_id", "title", "description", "category", "tags", "year"}
    for col in items.columns:
        values = items[col]
        if col in canonical or not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        if not all(isinstance(v, str) for v in values.head(50)):
            continue
        if values.nunique() > max(2, 0.5 * len(values)):
            continue  # identifier-like columns connect nothing useful
        for i, value in enumerate(values.to_numpy()):
            if isinstance(value, str) and value.strip():
                add(i, f"meta:{col}", value, 0.5)

    degree: dict[str, int] = {}
    for (_, key) in edges:
        degree[key] = degree.get(key, 0) + 1
    keys = sorted(k for k, d in degree.items() if d >= min_degree)
    col_of = {k: j for j, k in enumerate(keys)}
    kept = [(i, col_of[k], w) for (i, k), w in edges.items() if k in col_of]
    if kept:
        r, c, w = (np.array(v) for v in zip(*kept, strict=True))
    else:
        r, c, w = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    inc = sparse.csr_matrix((w.astype(np.float64), (r, c)), shape=(dataset.n_items, len(keys)))
    return AttributeGraph(inc, [display[k] for k in keys], [kind_of[k] for k in keys], keys)


def personalized_pagerank(
    transition: sparse.csr_matrix,
    restart: np.ndarray,
    alpha: float = 0.3,
    iterations: int = 40,
    tol: float = 1e-9,
    dangling: np.ndarray | None = None,
) -> np.ndarray:
    """Power iteration ``r <- (1 - alpha) P r + alpha s`` with dangling mass sent back to ``s``.

    ``transition`` is column-stochastic (columns of dangling nodes are zero); ``restart`` sums to 1.
    """
    s = np.asarray(restart, dtype=np.float64)
    r = s.copy()
    for _ in range(iterations):
        lost = float(r[dangling].sum()) if dangling is not None else 0.0
        nxt = (1.0 - alpha) * (transition @ r) + (alpha + (1.0 - alpha) * lost) * s
        if float(np.abs(nxt - r).sum()) < tol:
            return nxt
        r = nxt
    return r


def personalized_pagerank_many(
    transition: sparse.csr_matrix,
    restarts: np.ndarray,
    alpha: float = 0.3,
    iterations: int = 40,
    tol: float = 1e-9,
    dangling: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`personalized_pagerank` of many restart vectors (rows of ``restarts``) at once.

    One sparse x dense product per iteration instead of one sparse x vector product per walk, with the
    same per-walk stopping rule: a walk whose L1 change drops below ``tol`` is frozen at that
    iteration. Sums run in the same order as the single-walk version, so every row equals
    :func:`personalized_pagerank` of that restart vector exactly. Returns (n_walks, n_nodes).
    """
    s_all = np.asarray(restarts, dtype=np.float64)
    out = s_all.copy()
    active = np.arange(s_all.shape[0])
    r = s_all.T.copy()  # (n_nodes, n_active): the layout the sparse product wants
    s = r.copy()
    for _ in range(iterations):
        if active.size == 0:
            break
        # dangling mass per walk, summed along contiguous rows exactly as the 1-d version sums
        lost = np.ascontiguousarray(r[dangling].T).sum(axis=1) if dangling is not None else np.zeros(active.size)
        nxt = transition @ r
        nxt *= 1.0 - alpha  # in place, element by element the same operations as the 1-d version
        nxt += (alpha + (1.0 - alpha) * lost) * s
        diff = nxt - r
        np.abs(diff, out=diff)
        # column sums (sequential) differ from the 1-d pairwise sum by < n * eps relative: only walks
        # near the threshold get the exact 1-d sum, so the stopping decision is the single walk's
        near = np.flatnonzero(diff.sum(axis=0) < tol * (1.0 + 1e-6))
        done = np.zeros(active.size, dtype=bool)
        for c in near:
            done[c] = float(np.ascontiguousarray(diff[:, c]).sum()) < tol
        if done.any():
            out[active[done]] = nxt[:, done].T
            keep = ~done
            active, nxt, s = active[keep], np.ascontiguousarray(nxt[:, keep]), np.ascontiguousarray(s[:, keep])
        r = nxt
    if active.size:
        out[active] = r.T
    return out


class GraphChannel:
    """Personalised PageRank over the item-attribute graph.

    The restart vector mixes the user's items (weighted by rating) and the attributes matching the
    positive interest tags: exact / whole-word match of the tag text to attribute names, plus the best
    embedding matches of the tag vector to attribute vectors. An attribute's vector is the centroid of
    its items' vectors (grounded in the catalogue; on MovieLens it maps 科幻电影 to Sci-Fi / space /
    space opera, where embedded attribute *names* pick generic user tags such as "movies"); the
    encoder's name vectors are used only when there are no item vectors. Up to ``match_top``
    attributes per tag are kept, each with cosine >= ``match_floor`` and >= ``match_ratio`` x the best
    one. Attributes matching negative tags seed a second walk whose item scores are subtracted.

    Each tag's restart mass (its weight) is split over its attributes in proportion to
    ``strength * degree ** degree_power``. The first step of the walk divides an attribute's mass
    among its items, so with power 0 a niche attribute (12 "space" films) hands each film ~80x more
    than "Sci-Fi" (980 films) and one niche interest drowns the others; with power 1 every matched
    item gets the same share and broad genres flood the list. 0.5 sits between the two.
    """

    name = "graph"
    description = "personalised PageRank over the item-attribute graph"

    def __init__(
        self,
        restart: float = 0.3,
        iterations: int = 40,
        tag_share: float = 0.5,
        min_degree: int = 2,
        match_top: int = 3,
        match_floor: float = 0.2,
        match_ratio: float = 0.85,
        degree_power: float = 0.5,
    ) -> None:
        self.restart = restart
        self.iterations = iterations
        self.tag_share = tag_share
        self.min_degree = min_degree
        self.match_top = match_top
        self.match_floor = match_floor
        self.match_ratio = match_ratio
        self.degree_power = degree_power

    def fit(self, ctx: ChannelContext) -> Self:
        """Build the graph, its transition matrix and attribute vectors for tag matching."""
        ds = ctx.dataset
        self.dataset_ = ds
        self.graph_ = build_attribute_graph(ds, self.min_degree)
        inc = self.graph_.incidence
        n_items, n_attr = inc.shape
        self.n_nodes_ = n_items + n_attr
        if n_attr:
            adj: Any = sparse.bmat([[None, inc], [inc.T.tocsr(), None]], format="csr")
            deg = np.asarray(adj.sum(axis=0)).ravel()
            inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
            self.transition_: sparse.csr_matrix | None = sparse.csr_matrix(adj @ sparse.diags(inv))
            self.dangling_ = np.flatnonzero(deg == 0)
        else:
            self.transition_ = None
            self.dangling_ = np.zeros(0, dtype=np.int64)
        self.attr_names_norm_ = [_norm_name(n) for n in self.graph_.names]
        self.matchable_ = np.array([k == "attr" for k in self.graph_.kinds], dtype=bool)
        # attribute vectors: the centroid of the member items' vectors; the embedded attribute names
        # only when there are no item vectors (see the class docstring)
        self.attr_vectors_: np.ndarray | None = None
        item_vectors = _as_item_vectors(ctx.item_vectors, n_items)
        if item_vectors is not None and n_attr:
            col_sum = inc.T @ item_vectors.astype(np.float64)
            norms = np.linalg.norm(col_sum, axis=1, keepdims=True)
            self.attr_vectors_ = np.divide(col_sum, norms, out=np.zeros_like(col_sum), where=norms > 0)
        elif ctx.encoder is not None and n_attr:
            names_vec = np.asarray(ctx.encoder.encode(self.graph_.names), dtype=np.float64)
            norms = np.linalg.norm(names_vec, axis=1, keepdims=True)
            self.attr_vectors_ = np.divide(names_vec, norms, out=np.zeros_like(names_vec), where=norms > 0)
        # last query's results, each stored as one (key, value) tuple: a single attribute assignment is
        # atomic, so concurrent sessions sharing this channel never pair one query's key with another's value
        self._walk_cache: tuple[tuple[Any, ...] | None, np.ndarray | None] = (None, None)
        self._restart_cache: tuple[tuple[Any, ...] | None, tuple[np.ndarray | None, np.ndarray | None]] = (
            None, (None, None))
        return self

    def match_attributes(self, tag: TagLike) -> dict[int, float]:
        """Attribute columns a tag matches, with a strength in (0, 1]."""
        out: dict[int, float] = {}
        text = _norm_name(tag.text)
        if text:
            for j, name in enumerate(self.attr_names_norm_):
                if not self.matchable_[j] or len(name) < 2:
                    continue
                if name == text:
                    out[j] = 1.0
                elif (len(name) >= 3 or not name.isascii()) and _contains_word(text, name):
                    out[j] = max(out.get(j, 0.0), 0.9)
        vec = unit_vector(np.asarray(tag.vector)) if tag.vector is not None else None
        attr = self.attr_vectors_
        if vec is not None and attr is not None and attr.shape[1] == vec.shape[0] and self.matchable_.any():
            sims = np.where(self.matchable_, attr @ vec.astype(np.float64), -np.inf)
            top = np.argsort(-sims, kind="stable")[: self.match_top]
            cut = max(self.match_floor, self.match_ratio * float(sims[top[0]]))
            for j in top:
                if sims[j] >= cut:
                    out[int(j)] = max(out.get(int(j), 0.0), float(sims[j]))
        return out

    def _tag_restart(self, tags: list[TagLike]) -> np.ndarray | None:
        """Restart mass on attribute nodes: each tag gives its weight, split over its matched attributes
        in proportion to ``strength * degree ** degree_power`` (see the constructor)."""
        n_items = self.dataset_.n_items
        s = np.zeros(self.n_nodes_)
        degree = np.diff(self.graph_.incidence.tocsc().indptr).astype(np.float64)
        for tag in tags:
            matched = self.match_attributes(tag)
            if not matched:
                continue
            cols = np.fromiter(matched, dtype=np.int64)
            share = np.fromiter(matched.values(), dtype=np.float64) * degree[cols] ** self.degree_power
            s[n_items + cols] += float(tag.weight) * share / share.sum()
        total = s.sum()
        return s / total if total > 0 else None

    def _restarts(self, query: Query) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(positive restart, negative restart) over all nodes; None where nothing seeds the walk."""
        key = query.key()
        cached_key, cached = self._restart_cache
        if cached_key == key:
            return cached
        value = self._compute_restarts(query)
        self._restart_cache = (key, value)
        return value

    def _compute_restarts(self, query: Query) -> tuple[np.ndarray | None, np.ndarray | None]:
        n_items = self.dataset_.n_items
        hist: np.ndarray | None = None
        items, weights = user_row(self.dataset_, query.user_id)
        if len(items):
            hist = np.zeros(self.n_nodes_)
            w = np.clip(weights, 1e-3, None)
            hist[items] = w / w.sum()
            if self.transition_ is not None:
                has_edges = np.zeros(self.n_nodes_, dtype=bool)
                has_edges[:n_items] = np.diff(self.graph_.incidence.indptr) > 0
                if not has_edges[items].any():
                    hist = None
        pos = neg = None
        if query.profile is not None:
            pos = self._tag_restart(positive_tags(query.profile))
            neg = self._tag_restart(negative_tags(query.profile))
        if hist is not None and pos is not None:
            return (1.0 - self.tag_share) * hist + self.tag_share * pos, neg
        return (hist if hist is not None else pos), neg

    def why_not(self, query: Query) -> str | None:
        """Needs attributes and at least one seed (history with attributes, or a matching interest tag)."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.transition_ is None:
            return "no_attributes"
        pos, _ = self._restarts(query)
        return None if pos is not None else "no_seed"

    def node_scores(self, query: Query) -> np.ndarray:
        """PageRank mass of every node (items first, then attributes), negative walk subtracted."""
        key = query.key()
        cached_key, cached = self._walk_cache
        if cached_key == key and cached is not None:
            return cached
        pos, neg = self._restarts(query)
        if pos is None or self.transition_ is None:
            raise ChannelNotApplicable(self.name, "no_attributes" if self.transition_ is None else "no_seed")
        r = personalized_pagerank(self.transition_, pos, self.restart, self.iterations,
                                  dangling=self.dangling_)
        if neg is not None:
            r = r - personalized_pagerank(self.transition_, neg, self.restart, self.iterations,
                                          dangling=self.dangling_)
        self._walk_cache = (key, r)
        return r

    def score(self, query: Query) -> np.ndarray:
        """The item part of the personalised PageRank vector."""
        _ensure_applicable(self, query)
        return self.node_scores(query)[: self.dataset_.n_items].astype(np.float64).copy()

    def score_many(self, queries: Sequence[Query]) -> np.ndarray:
        """(len(queries), n_items) item scores, the walks of all queries run together
        (:func:`personalized_pagerank_many`; identical to :meth:`score` row by row)."""
        n_items = self.dataset_.n_items
        if not queries:
            return np.zeros((0, n_items), dtype=np.float64)
        if self.transition_ is None:
            raise ChannelNotApplicable(self.name, "no_attributes")
        seeds = [self._compute_restarts(q) for q in queries]
        starts = [pos for pos, _ in seeds if pos is not None]
        if len(starts) < len(seeds):
            raise ChannelNotApplicable(self.name, "no_seed")
        pos_walks = personalized_pagerank_many(self.transition_, np.stack(starts),
                                               self.restart, self.iterations, dangling=self.dangling_)
        out = np.ascontiguousarray(pos_walks[:, :n_items])
        with_neg = [i for i, (_, neg) in enumerate(seeds) if neg is not None]
        if with_neg:
            neg_walks = personalized_pagerank_many(
                self.transition_, np.stack([neg for _, neg in seeds if neg is not None]),
                self.restart, self.iterations, dangling=self.dangling_)
            out[with_neg] = pos_walks[with_neg, :n_items] - neg_walks[:, :n_items]
        return out

    def shared_attributes(self, query: Query, item: int, top: int = 2) -> list[str]:
        """The item's attributes carrying the most PageRank mass for this query (why it was reached)."""
        if self.why_not(query) is not None:
            return []
        r = self.node_scores(query)
        inc = self.graph_.incidence
        cols = inc.indices[inc.indptr[item] : inc.indptr[item + 1]]
        if len(cols) == 0:
            return []
        mass = r[self.dataset_.n_items + cols]
        order = np.lexsort((cols, -mass))
        return [self.graph_.names[int(cols[o])] for o in order[:top] if mass[o] > 0]


def _contains_word(text: str, name: str) -> bool:
    """``name`` occurs in ``text`` (as whole words for Latin-script names)."""
    if name not in text:  # cheap test first: most attributes do not occur at all
        return False
    if not name.isascii():
        return True
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


# --- building and scoring everything ----------------------------------------------------------


def make_channels(params: ChannelParams | None = None) -> dict[str, Channel]:
    """Unfitted channels in :data:`CHANNELS` order, configured from ``params``."""
    p = params or ChannelParams()
    channels: dict[str, Channel] = {
        "semantic": SemanticChannel(p.semantic_mode),
        "history": HistoryChannel(p.history_half_life_days),
        "mf": MFChannel(p.mf_algorithm, p.mf_factors, p.mf_regularization, p.mf_iterations, p.mf_alpha,
                        p.mf_learning_rate, p.random_state, p.num_threads),
        "item_knn": ItemKNNChannel(p.knn_neighbours, p.knn_use_rating),
        "popularity": PopularityChannel(p.popularity_window_days),
        "recency": RecencyChannel(p.recency_basis, p.recency_half_life_days),
        "graph": GraphChannel(p.graph_restart, p.graph_iterations, p.graph_tag_share, p.graph_min_degree),
    }
    assert tuple(channels) == CHANNELS
    return channels


def build_channels(
    ctx: ChannelContext, params: ChannelParams | None = None, progress: ProgressFn | None = None
) -> dict[str, Channel]:
    """Fit every channel on ``ctx`` (in :data:`CHANNELS` order) and return them by name."""
    channels = make_channels(params)
    for i, (name, channel) in enumerate(channels.items()):
        report(progress, i / len(channels), f"fitting {name}")
        channel.fit(ctx)
    report(progress, 1.0, "channels ready")
    return channels


@dataclass
class ChannelScores:
    """Scores of one query: ``scores`` for channels that applied, ``dropped`` reason codes otherwise."""

    scores: dict[str, np.ndarray]
    dropped: dict[str, str]
    seconds: dict[str, float] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Derived objects kept with the scores (``core.ranking.fusion.ScoreTable`` keeps its table here)."""

    def reason(self, name: str) -> str | None:
        """English sentence for why ``name`` dropped out (None if it scored)."""
        code = self.dropped.get(name)
        return None if code is None else DROP_REASONS.get(code, code)


def score_all(
    channels: Mapping[str, Channel],
    query: Query,
    only: Sequence[str] | None = None,
    on_error: Callable[[str, Exception], None] | None = None,
) -> ChannelScores:
    """Score ``query`` with every channel (or those in ``only``); channels that cannot apply are dropped.

    The reason for each dropped channel is kept, so the UI can show it instead of silently losing the
    channel.
    """
    scores: dict[str, np.ndarray] = {}
    dropped: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name, channel in channels.items():
        if only is not None and name not in only:
            continue
        t0 = time.perf_counter()
        reason = channel.why_not(query)
        if reason is not None:
            dropped[name] = reason
            continue
        try:
            scores[name] = channel.score(query)
        except ChannelNotApplicable as exc:
            dropped[name] = exc.code
        seconds[name] = time.perf_counter() - t0
    return ChannelScores(scores, dropped, seconds)


@dataclass
class BatchChannelScores:
    """Scores of many queries: per channel one (n_queries, n_items) float64 matrix.

    ``applies[name]`` marks the queries the channel scored (other rows are zero and must be ignored);
    ``dropped[i]`` holds query ``i``'s reason codes. :meth:`row` gives query ``i`` as the
    :class:`ChannelScores` :func:`score_all` would have returned (views, no copies).
    """

    scores: dict[str, np.ndarray]
    applies: dict[str, np.ndarray]
    dropped: list[dict[str, str]]
    seconds: dict[str, float] = field(default_factory=dict)

    def row(self, i: int) -> ChannelScores:
        """Query ``i``'s channel scores."""
        scores = {name: mat[i] for name, mat in self.scores.items() if self.applies[name][i]}
        return ChannelScores(scores, dict(self.dropped[i]))


def score_batch(
    channels: Mapping[str, Channel], queries: Sequence[Query], only: Sequence[str] | None = None
) -> BatchChannelScores:
    """:func:`score_all` for many queries at once (evaluation, tuning).

    Channels with a ``score_many`` method (history, mf, item_knn, graph) score all applicable queries
    in one matrix product / one batched walk; the others are called query by query. Results equal
    :func:`score_all`'s row by row; history and mf only up to float32 rounding (BLAS matrix-matrix
    products add in another order than matrix-vector ones: differences of ~1e-6 on cosines).
    Memory: one (n_queries, n_items) float64 matrix per channel; callers batch their queries.
    """
    n = len(queries)
    scores: dict[str, np.ndarray] = {}
    applies: dict[str, np.ndarray] = {}
    dropped: list[dict[str, str]] = [{} for _ in range(n)]
    seconds: dict[str, float] = {}
    for name, channel in channels.items():
        if only is not None and name not in only:
            continue
        t0 = time.perf_counter()
        ok = np.zeros(n, dtype=bool)
        for i, q in enumerate(queries):
            reason = channel.why_not(q)
            if reason is None:
                ok[i] = True
            else:
                dropped[i][name] = reason
        if not ok.any():
            continue
        rows = [int(i) for i in np.flatnonzero(ok)]
        many = getattr(channel, "score_many", None)
        block: np.ndarray | None = None
        if many is not None:
            try:
                block = np.asarray(many([queries[i] for i in rows]), dtype=np.float64)
            except ChannelNotApplicable:
                block = None  # some query could not be scored after all: fall back to one by one
        if block is None:
            one_by_one: list[np.ndarray | None] = []
            for i in rows:
                try:
                    one_by_one.append(np.asarray(channel.score(queries[i]), dtype=np.float64))
                except ChannelNotApplicable as exc:
                    one_by_one.append(None)
                    ok[i] = False
                    dropped[i][name] = exc.code
            width = next((len(v) for v in one_by_one if v is not None), None)
            if width is None:
                continue
            block = np.zeros((len(rows), width), dtype=np.float64)
            for j, v in enumerate(one_by_one):
                if v is not None:
                    block[j] = v
        if len(rows) == n:
            mat = block
        else:
            mat = np.zeros((n, block.shape[1]), dtype=np.float64)
            mat[rows] = block
        mat[~ok] = 0.0
        scores[name] = mat
        applies[name] = ok
        seconds[name] = time.perf_counter() - t0
    return BatchChannelScores(scores, applies, dropped, seconds)


def channel_ranking(
    scores: np.ndarray, exclude: np.ndarray | None = None, k: int | None = None
) -> np.ndarray:
    """Item indices by descending score, ties by ascending index; ``exclude`` (bool mask) removed."""
    arr = np.asarray(scores, dtype=np.float64)
    idx = np.arange(len(arr))
    keep = arr > -np.inf
    if exclude is not None:
        keep &= ~np.asarray(exclude, dtype=bool)
    idx, arr = idx[keep], arr[keep]
    order = np.lexsort((idx, -arr))
    out = idx[order]
    return out[:k] if k is not None else out
