"""``recency``: freshness ``0.5 ** (age / half_life)`` from the item's year or first / last interaction time.

``basis="auto"`` uses the year when at least half of the items carry one (a film's release), else the
first interaction time (when an item appeared). Items lacking the basis fall back to the other source;
items with neither score 0. ``half_life_days=None`` uses the median item age.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self

import numpy as np

from core.common.errors import ConfigError
from core.ranking.base import SECONDS_PER_DAY, SECONDS_PER_YEAR, ChannelContext, Evidence, ensure_applicable
from core.ranking.query import Query

Basis = Literal["auto", "year", "first_seen", "last_seen"]


@dataclass(frozen=True)
class RecencyParams:
    """``basis``: where an item's time comes from; ``half_life_days``: None = the median item age."""

    basis: Basis = "auto"
    half_life_days: float | None = None


def _year_to_epoch(year: np.ndarray) -> np.ndarray:
    return (np.asarray(year, dtype=np.float64) + 0.5 - 1970.0) * SECONDS_PER_YEAR


class RecencyChannel:
    """Freshness from release year or first interaction time."""

    name: ClassVar[str] = "recency"
    default_weight: ClassVar[float] = 0.0
    Params: ClassVar[type[RecencyParams]] = RecencyParams

    def __init__(self, params: RecencyParams | None = None, **knobs: Any) -> None:
        self.params = params or RecencyParams(**knobs)
        if self.params.basis not in ("auto", "year", "first_seen", "last_seen"):
            raise ConfigError(f"unknown recency basis {self.params.basis!r}")

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
        self.years_ = ds.items["year"].to_numpy(np.float64)
        year = _year_to_epoch(self.years_)
        basis = self.params.basis
        if basis == "auto":
            basis = "year" if np.isfinite(year).mean() >= 0.5 else "first_seen"
        self.basis_ = basis
        primary = {"year": year, "first_seen": first, "last_seen": last}[basis]
        fallback = first if basis == "year" else year
        self.item_time_ = np.where(np.isfinite(primary), primary, fallback)
        known = self.item_time_[np.isfinite(self.item_time_)]
        self.t_max_ = float(known.max()) if len(known) else None
        if self.params.half_life_days is not None:
            self.half_life_days_ = float(self.params.half_life_days)
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

    def score(self, queries: list[Query]) -> np.ndarray:
        """Exponential freshness in (0, 1]; 0 for items of unknown age."""
        ensure_applicable(self, queries)
        assert self.t_max_ is not None
        out = np.zeros((len(queries), self.dataset_.n_items), dtype=np.float64)
        for i, q in enumerate(queries):
            ref = float(q.now) if q.now is not None else self.t_max_
            age = np.maximum(ref - self.item_time_, 0.0) / SECONDS_PER_DAY
            fresh = np.power(0.5, age / self.half_life_days_)
            out[i] = np.where(np.isfinite(fresh), fresh, 0.0)
        return out

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The item's year, or the day it was first seen."""
        year = float(self.years_[item])
        if self.basis_ == "year" and np.isfinite(year):
            return Evidence("fresh_year", {"year": int(year)})
        when = float(self.item_time_[item])
        return Evidence("fresh_seen", {"time": when}) if np.isfinite(when) else None
