"""``history``: the user's (time-decayed, rating-weighted) history vector against item vectors."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.ranking.base import (
    SECONDS_PER_DAY,
    ChannelContext,
    ChannelNotApplicable,
    Evidence,
    as_item_vectors,
    ensure_applicable,
    named_items,
    seed_reason,
    unit_vector,
    user_reason,
)
from core.ranking.query import Query


@dataclass(frozen=True)
class HistoryParams:
    """``half_life_days``: an interaction's weight halves every this many days (None: no decay)."""

    half_life_days: float | None = 180.0


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


@dataclass(frozen=True)
class LikedItems:
    """A user's history for explanations: items best-rated first, the liked subset, and whether the
    ratings vary (so "rated highly" means something)."""

    items: np.ndarray
    liked: np.ndarray
    explicit: bool


def liked_items(dataset: Dataset, user_id: str | None) -> LikedItems | None:
    """The user's items, best-rated first, and those at or above the user's typical rating."""
    if user_id is None or str(user_id) not in dataset.user_index:
        return None
    hist = dataset.user_history(str(user_id))
    if hist.empty:
        return None
    best = hist.groupby("item_idx", sort=True)["rating"].max()
    items = best.index.to_numpy(np.int64)
    ratings = best.to_numpy(np.float64)
    order = np.lexsort((items, -ratings))
    items, ratings = items[order], ratings[order]
    explicit = bool(np.ptp(ratings) > 0)
    liked = items
    if explicit:
        cut = max(float(np.mean(ratings)), float(np.quantile(ratings, 0.5)))
        liked = items[ratings >= cut]
    return LikedItems(items, liked if liked.size else items, explicit)


class HistoryChannel:
    """The user's history vector (precomputed user vector or built on the fly) against item vectors."""

    name: ClassVar[str] = "history"
    default_weight: ClassVar[float] = 0.5
    Params: ClassVar[type[HistoryParams]] = HistoryParams

    def __init__(self, params: HistoryParams | None = None, **knobs: Any) -> None:
        self.params = params or HistoryParams(**knobs)

    def fit(self, ctx: ChannelContext) -> Self:
        """Keep item vectors and, when given, the precomputed user vectors."""
        self.dataset_ = ctx.dataset
        self.item_vectors_ = as_item_vectors(ctx.item_vectors, ctx.dataset.n_items)
        self.user_vectors_ = ctx.user_vectors
        self.has_vector_ = ctx.has_vector
        if ctx.user_vectors is not None and np.asarray(ctx.user_vectors).shape[0] != ctx.dataset.n_users:
            raise ConfigError("user vectors must have one row per dataset user")
        self._vector_cache: tuple[tuple[str, float | None] | None, np.ndarray | None] = (None, None)
        self._liked: OrderedDict[str, LikedItems | None] = OrderedDict()
        return self

    def _vector(self, query: Query) -> np.ndarray | None:
        """The user's history vector, with the items the typed text names added as if watched (their
        weighted mean vector, as much as the history); None when there is neither."""
        assert self.item_vectors_ is not None
        own = self._user_vector(query) if user_reason(self.dataset_, query) is None else None
        named, weights = named_items(self.dataset_, query)
        if named.size == 0:
            return own
        mean = unit_vector((weights[:, None] * self.item_vectors_[named].astype(np.float64)).sum(axis=0))
        if own is None or mean is None:
            return mean if mean is not None else own
        return unit_vector(own.astype(np.float64) + mean)

    def _user_vector(self, query: Query) -> np.ndarray | None:
        assert self.item_vectors_ is not None and query.user_id is not None
        u = self.dataset_.user_index[str(query.user_id)]
        if self.user_vectors_ is not None and query.now is None:
            has = True if self.has_vector_ is None else bool(self.has_vector_[u])
            return unit_vector(np.asarray(self.user_vectors_[u])) if has else None
        key = (str(query.user_id), query.now)
        cached_key, cached = self._vector_cache  # one tuple: atomic under concurrent sessions
        if cached_key == key:
            return cached
        vec = history_vector(self.dataset_, self.item_vectors_, key[0], self.params.half_life_days, query.now)
        self._vector_cache = (key, vec)
        return vec

    def why_not(self, query: Query) -> str | None:
        """Needs item vectors and seeds: a known user with history, or items named in the typed interests."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.item_vectors_ is None:
            return "no_item_vectors"
        reason = seed_reason(self.dataset_, query)
        if reason is not None:
            return reason
        if self._vector(query) is None:
            return "no_history"
        return None

    def score(self, queries: list[Query]) -> np.ndarray:
        """Cosine between each user's history vector and every item vector (one float32 matrix product)."""
        ensure_applicable(self, queries)
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

    def liked(self, user_id: str | None) -> LikedItems | None:
        """:func:`liked_items` of a user, cached (a slider move re-explains the same user)."""
        if user_id is None:
            return None
        key = str(user_id)
        if key not in self._liked:
            self._liked[key] = liked_items(self.dataset_, key)
            while len(self._liked) > 64:
                self._liked.popitem(last=False)
        return self._liked[key]

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The liked history item whose vector is closest to ``item``."""
        history = self.liked(query.user_id)
        if history is None or self.item_vectors_ is None or history.liked.size == 0:
            return None
        sims = self.item_vectors_[history.liked] @ self.item_vectors_[item]
        j = int(history.liked[int(np.argmax(sims))])
        code = "history_rated" if history.explicit else "history_liked"
        return Evidence(code, {"item_idx": j, "title": str(self.dataset_.titles([j])[0])})
