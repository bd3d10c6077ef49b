"""``popularity``: ``log1p`` of the number of distinct users per item, optionally within a recent window.

The smallest channel, and the example to copy when adding one: a ``Params`` dataclass, a class with
``name`` and ``default_weight``, ``fit`` / ``why_not`` / batch ``score`` / ``explain``, and one line in
:data:`core.ranking.registry.CHANNEL_TYPES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np

from core.ranking.base import SECONDS_PER_DAY, ChannelContext, Evidence, ensure_applicable
from core.ranking.query import Query


@dataclass(frozen=True)
class PopularityParams:
    """``window_days``: count only interactions in the last this many days (None: all time)."""

    window_days: float | None = None


class PopularityChannel:
    """Number of distinct users per item (optionally in a recent window)."""

    name: ClassVar[str] = "popularity"
    default_weight: ClassVar[float] = 0.2
    Params: ClassVar[type[PopularityParams]] = PopularityParams

    def __init__(self, params: PopularityParams | None = None, **knobs: Any) -> None:
        self.params = params or PopularityParams(**knobs)

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

    @property
    def window_days(self) -> float | None:
        """The counting window in days, when one is set and the data has times."""
        return self.params.window_days if self.t_max_ is not None else None

    def counts(self, now: float | None = None) -> np.ndarray:
        """Distinct users per item (in ``[now - window, now]`` when a window is set and time is known)."""
        window = self.params.window_days
        if window is None or self.t_max_ is None:
            return self.counts_
        ref = float(now) if now is not None else self.t_max_
        if ref not in self._cache:
            lo = np.searchsorted(self.ts_, ref - float(window) * SECONDS_PER_DAY, side="left")
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

    def score(self, queries: list[Query]) -> np.ndarray:
        """``log1p(count)`` so a few blockbusters do not flatten everything else after normalisation."""
        ensure_applicable(self, queries)
        out = np.zeros((len(queries), self.dataset_.n_items), dtype=np.float64)
        for i, q in enumerate(queries):
            out[i] = np.log1p(self.counts(q.now))
        return out

    def explain(self, query: Query, item: int) -> Evidence | None:
        """How many people interacted with the item (in the window, when one is set)."""
        count = int(self.counts(query.now)[item])
        if self.window_days is not None:
            return Evidence("popular_window", {"count": count, "days": round(self.window_days)})
        return Evidence("popular", {"count": count})
