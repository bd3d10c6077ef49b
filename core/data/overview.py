"""The dataset at a glance: the small summaries the Overview page draws, computed vectorised from a Dataset.

Every function takes a :class:`~core.data.dataset.Dataset` and returns a small frozen dataclass of a few
numbers and a short frame (at most a few hundred rows whatever the dataset's size), so the page can cache
it per dataset fingerprint and draw it in either language:

- :func:`timeline`: interactions per day / week / month / year (the unit follows the time span), or
  ``None`` when no interaction has a timestamp;
- :func:`long_tail`: items sorted by interaction count, a down-sampled curve, the share of interactions
  the top 10 % / 20 % of the catalogue hold, and the most popular items;
- :func:`category_mix`: items and interactions per value of an item attribute (``category``, one value
  per item, or ``tags``, several: an item counts once under each of its values);
- :func:`user_activity`: interactions per user as a histogram on log-spaced bins, median and spread;
- :func:`rating_distribution`: interactions per rating value (binned when there are many values), or
  ``None`` for implicit feedback (every interaction weighs the same);
- :func:`event_mix`: interactions per event type, or ``None`` when the data has none.

:func:`compute_overview` bundles them. No streamlit here: ``ui.overview_views`` builds the figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain
from typing import Literal

import numpy as np
import pandas as pd

from core.data.dataset import Dataset

TimeUnit = Literal["day", "week", "month", "year"]
AttributeSource = Literal["category", "tags"]

DAY = 86_400
MAX_PERIODS = 600
"""Most bars a timeline may have; a longer span moves to the next coarser unit."""
CURVE_POINTS = 1_200
"""Most points of the long-tail curve (the head is kept whole, the rest sampled evenly)."""
CURVE_HEAD = 200
TOP_ITEMS = 10
TOP_VALUES = 15
RATING_VALUES = 20
"""Up to this many distinct rating values are counted one by one; more are binned."""
RATING_BINS = 20
TOP_EVENTS = 10
GENRE_LIKE_VALUES = 60
"""A multi-valued attribute with at most this many distinct values reads like genres (preferred)."""


@dataclass(frozen=True)
class Timeline:
    """Interactions per period: ``counts`` has ``start`` (datetime64, UTC, naive) and ``interactions``,
    one row per period from the first to the last (empty periods included, as 0)."""

    unit: TimeUnit
    counts: pd.DataFrame
    dated: int
    undated: int
    first: float
    last: float

    @property
    def busiest(self) -> pd.Timestamp:
        """Start of the period with the most interactions (the first one on a tie)."""
        return pd.Timestamp(self.counts["start"].iloc[int(self.counts["interactions"].to_numpy().argmax())])


@dataclass(frozen=True)
class LongTail:
    """Items sorted by interaction count. ``curve``: ``rank`` (1-based), ``catalogue_share`` (rank /
    items, 0..1), ``interactions`` (of the item at that rank), ``cumulative_share`` (of all interactions
    held by the items up to that rank). ``top``: the most popular items (``item_idx``, ``title``,
    ``interactions``, ``users``, ``share``)."""

    curve: pd.DataFrame
    top: pd.DataFrame
    items: int
    items_without: int
    total: int
    top10_share: float
    top20_share: float

    @property
    def half_share(self) -> float:
        """Smallest share of the catalogue that holds half of all interactions (0 when there are none)."""
        curve = self.curve
        reached = curve.index[curve["cumulative_share"].to_numpy() >= 0.5]
        return float(curve.loc[reached[0], "catalogue_share"]) if len(reached) else 0.0


@dataclass(frozen=True)
class CategoryMix:
    """Items and interactions per value of one item attribute. ``table`` (the values with the most
    interactions, most first): ``value``, ``items``, ``interactions``, ``item_share`` (of the catalogue),
    ``interaction_share`` (of all interactions). An item with several values counts under each, so shares
    of a multi-valued attribute can add up to more than 1."""

    source: AttributeSource
    table: pd.DataFrame
    values: int
    items_with_value: int
    items: int
    multi_valued: bool


@dataclass(frozen=True)
class UserActivity:
    """Interactions per user. ``histogram``: ``low``, ``high`` (inclusive interaction counts) and
    ``users`` per bin (one bin per count up to 10, log-spaced above: :func:`activity_edges`); ``single``:
    users with exactly one interaction."""

    histogram: pd.DataFrame
    users: int
    median: float
    mean: float
    p90: float
    maximum: int
    single: int


@dataclass(frozen=True)
class RatingDistribution:
    """Interactions per rating. ``table``: ``low``, ``high`` (equal when each value is counted alone) and
    ``interactions``; ``binned`` when values were grouped into equal-width bins -- or, for counts and
    durations (``kind``: the dataset's signal kind), into bins of doubling width, so a heavy tail stays
    visible (counts: whole numbers ``low`` .. ``high`` inclusive)."""

    table: pd.DataFrame
    binned: bool
    mean: float
    median: float
    kind: str = "explicit"


@dataclass(frozen=True)
class Headline:
    """The headline figures: sizes, density (distinct user-item pairs / users x items), rating range (NaN
    without interactions) and time span (NaN without timestamps)."""

    interactions: int
    users: int
    items: int
    items_with_interactions: int
    density: float
    rating_min: float
    rating_max: float
    time_min: float
    time_max: float


@dataclass(frozen=True)
class Overview:
    """Everything the Overview page shows about one dataset."""

    fingerprint: str
    headline: Headline
    timeline: Timeline | None
    tail: LongTail
    categories: tuple[CategoryMix, ...]
    activity: UserActivity
    ratings: RatingDistribution | None
    events: pd.DataFrame | None


# --- time ------------------------------------------------------------------------------------------


def _periods(days: np.ndarray, unit: TimeUnit) -> np.ndarray:
    """Start of each day's period as datetime64 (day / week from Monday / month / year)."""
    if unit == "week":
        days = days - (days + 3) % 7  # Monday of the week: 1970-01-01 was a Thursday
    dates: np.ndarray = days.astype("datetime64[D]")
    if unit in ("month", "year"):
        dates = dates.astype("datetime64[M]" if unit == "month" else "datetime64[Y]")
    return dates


def time_unit(first: float, last: float) -> TimeUnit:
    """The histogram unit for a time span: days up to ~3 months, weeks up to 2 years, then months
    (years when that would still be more than :data:`MAX_PERIODS` bars)."""
    span_days = (last - first) / DAY
    if span_days <= 92:
        return "day"
    if span_days <= 730:
        return "week"
    return "month" if span_days / 30.44 <= MAX_PERIODS else "year"


def timeline(ds: Dataset) -> Timeline | None:
    """Interactions per period over the dataset's time span; ``None`` when no interaction has a time."""
    ts = ds.interactions["timestamp"].to_numpy(dtype=np.float64)
    known = np.isfinite(ts)
    dated = int(known.sum())
    if not dated:
        return None
    ts = ts[known] if dated < len(ts) else ts
    first, last = float(ts.min()), float(ts.max())
    unit = time_unit(first, last)
    days = np.floor_divide(ts, DAY).astype(np.int64)
    periods = _periods(days, unit)
    lo, hi = periods.min(), periods.max()
    if unit == "week":
        starts = np.arange(lo, hi + np.timedelta64(1, "D"), np.timedelta64(7, "D"))
        slot = (periods - lo).astype(np.int64) // 7
    else:
        starts = np.arange(lo, hi + 1)
        slot = (periods - lo).astype(np.int64)
    counts = np.bincount(slot, minlength=len(starts)).astype(np.int64)
    frame = pd.DataFrame({"start": starts.astype("datetime64[s]"), "interactions": counts})
    return Timeline(unit=unit, counts=frame, dated=dated, undated=len(known) - dated, first=first, last=last)


# --- items -----------------------------------------------------------------------------------------


def interactions_per_item(ds: Dataset) -> np.ndarray:
    """Number of interactions (rows) of each item, int64 of length ``n_items``."""
    return np.bincount(ds.interactions["item_idx"].to_numpy(), minlength=ds.n_items).astype(np.int64)


def top_share(counts: np.ndarray, fraction: float) -> float:
    """Share of the total the largest ``fraction`` of ``counts`` hold (at least one entry); 0 if empty."""
    total = int(counts.sum())
    if not len(counts) or total <= 0:
        return 0.0
    k = max(1, math.ceil(fraction * len(counts) - 1e-9))
    head = np.partition(counts, len(counts) - k)[len(counts) - k:]
    return float(head.sum()) / total


def _curve_ranks(n: int) -> np.ndarray:
    """0-based ranks to draw: the whole head, then evenly spaced ranks to the last one."""
    if n <= CURVE_POINTS:
        return np.arange(n)
    rest = np.linspace(CURVE_HEAD, n - 1, CURVE_POINTS - CURVE_HEAD).round().astype(np.int64)
    return np.unique(np.concatenate([np.arange(CURVE_HEAD), rest]))


def long_tail(ds: Dataset, per_item: np.ndarray | None = None, top: int = TOP_ITEMS) -> LongTail:
    """Items by interaction count (the popularity long tail) with the top 10 % / 20 % shares."""
    counts = interactions_per_item(ds) if per_item is None else per_item
    order = np.argsort(-counts, kind="stable")
    ranked = counts[order]
    total = int(ranked.sum())
    n = len(ranked)
    cumulative = np.cumsum(ranked) / max(total, 1)
    ranks = _curve_ranks(n)
    curve = pd.DataFrame({
        "rank": ranks + 1,
        "catalogue_share": (ranks + 1) / max(n, 1),
        "interactions": ranked[ranks],
        "cumulative_share": cumulative[ranks] if n else np.zeros(0),
    })
    head = order[: min(top, int((ranked > 0).sum()))]
    users = ds.item_popularity[head] if len(head) else np.zeros(0, dtype=np.int64)
    top_frame = pd.DataFrame({
        "item_idx": head.astype(np.int64),
        "title": ds.titles(head) if len(head) else pd.Series(dtype=str),
        "interactions": counts[head],
        "users": users,
        "share": counts[head] / max(total, 1),
    })
    return LongTail(
        curve=curve, top=top_frame, items=n, items_without=int((counts == 0).sum()), total=total,
        top10_share=top_share(counts, 0.10), top20_share=top_share(counts, 0.20),
    )


def _attribute_codes(ds: Dataset, source: AttributeSource) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(item index, value code) pairs of an attribute's non-empty values, and the distinct values."""
    column = ds.items[source]
    if source == "category":
        values = column.astype(str).str.strip()
        keep = (values != "").to_numpy()
        items = np.flatnonzero(keep)
        flat: list[str] | pd.Series = values[keep]
    else:
        cells = column.to_numpy(dtype=object)
        lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
        stripped = pd.Series(list(chain.from_iterable(cells)), dtype=object).astype(str).str.strip()
        rows = np.repeat(np.arange(len(cells)), lengths)
        keep = (stripped != "").to_numpy()
        pairs = pd.DataFrame({"item": rows[keep], "value": stripped[keep].to_numpy()}).drop_duplicates()
        items, flat = pairs["item"].to_numpy(), pairs["value"]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    return np.asarray(items, dtype=np.int64), codes.astype(np.int64), pd.Index(uniques)


def category_mix(
    ds: Dataset, source: AttributeSource = "category", per_item: np.ndarray | None = None, top: int = TOP_VALUES,
) -> CategoryMix | None:
    """Items and interactions per value of ``category`` or ``tags``; ``None`` when no item has a value."""
    if source not in ds.items:
        return None
    items, codes, uniques = _attribute_codes(ds, source)
    if not len(codes):
        return None
    counts = interactions_per_item(ds) if per_item is None else per_item
    n_items = np.bincount(codes, minlength=len(uniques))
    n_inter = np.bincount(codes, weights=counts[items].astype(np.float64), minlength=len(uniques))
    total = int(counts.sum())
    table = pd.DataFrame({
        "value": uniques.astype(str),
        "items": n_items.astype(np.int64),
        "interactions": n_inter.round().astype(np.int64),
    })
    table = table.sort_values(["interactions", "items", "value"], ascending=[False, False, True], kind="stable")
    table = table.head(top).reset_index(drop=True)
    table["item_share"] = table["items"] / max(ds.n_items, 1)
    table["interaction_share"] = table["interactions"] / max(total, 1)
    has_value = np.zeros(ds.n_items, dtype=bool)
    has_value[items] = True
    return CategoryMix(
        source=source, table=table, values=len(uniques), items_with_value=int(has_value.sum()),
        items=ds.n_items, multi_valued=source == "tags",
    )


def category_sources(ds: Dataset, per_item: np.ndarray | None = None) -> tuple[CategoryMix, ...]:
    """The attribute mixes a dataset offers, the one that reads best first: genre-like tags (few distinct
    values, as MovieLens' genres) before a single category, a single category before free-text tags."""
    counts = interactions_per_item(ds) if per_item is None else per_item
    mixes = [m for m in (category_mix(ds, "category", counts), category_mix(ds, "tags", counts)) if m is not None]

    def _order(mix: CategoryMix) -> int:
        if mix.source == "tags":
            return 0 if mix.values <= GENRE_LIKE_VALUES else 2
        return 1

    return tuple(sorted(mixes, key=_order))


# --- users and ratings -----------------------------------------------------------------------------


def activity_edges(maximum: int) -> np.ndarray:
    """Integer bin starts for interaction counts 1..``maximum``: one per count up to 10, then log-spaced
    (about 8 bins per decade); the last bin ends at ``maximum``."""
    if maximum <= 10:
        return np.arange(1, maximum + 1, dtype=np.int64)
    decades = math.log10(maximum + 1)
    spaced = np.geomspace(10, maximum + 1, max(2, math.ceil(8 * (decades - 1)) + 1))
    return np.unique(np.concatenate([np.arange(1, 10), np.floor(spaced[:-1])]).astype(np.int64))


def user_activity(ds: Dataset) -> UserActivity:
    """Histogram of interactions per user with median, mean, 90th percentile and maximum."""
    per_user = np.bincount(ds.interactions["user_idx"].to_numpy(), minlength=ds.n_users).astype(np.int64)
    active = per_user[per_user > 0]
    if not len(active):
        empty = pd.DataFrame({"low": pd.Series(dtype=np.int64), "high": pd.Series(dtype=np.int64),
                              "users": pd.Series(dtype=np.int64)})
        return UserActivity(empty, 0, 0.0, 0.0, 0.0, 0, 0)
    maximum = int(active.max())
    starts = activity_edges(maximum)
    slot = np.searchsorted(starts, active, side="right") - 1
    users = np.bincount(slot, minlength=len(starts)).astype(np.int64)
    highs = np.append(starts[1:] - 1, maximum)
    frame = pd.DataFrame({"low": starts, "high": highs, "users": users})
    return UserActivity(
        histogram=frame, users=len(active), median=float(np.median(active)), mean=float(active.mean()),
        p90=float(np.percentile(active, 90)), maximum=maximum, single=int((active == 1).sum()),
    )


def rating_distribution(ds: Dataset) -> RatingDistribution | None:
    """Interactions per rating value (or per bin when there are many); ``None`` for implicit feedback."""
    ratings = ds.interactions["rating"].to_numpy(dtype=np.float64)
    ratings = ratings[np.isfinite(ratings)]
    if not len(ratings):
        return None
    values, counts = np.unique(ratings, return_counts=True)
    if len(values) <= 1:
        return None
    kind = ds.signal.kind
    if len(values) <= RATING_VALUES:
        table = pd.DataFrame({"low": values, "high": values, "interactions": counts.astype(np.int64)})
        binned = False
    elif kind == "count" and values[0] >= 0 and bool(np.all(values == np.floor(values))):
        # whole-number bins of doubling width: 1, 2-3, 4-7, ... (0 alone when present)
        starts = np.unique(np.concatenate([[values[0]], 2.0 ** np.arange(0, np.ceil(np.log2(values[-1] + 1)) + 1)]))
        starts = starts[starts <= values[-1]]
        highs = np.append(starts[1:] - 1, values[-1])
        hist = np.bincount(np.searchsorted(starts, ratings, side="right") - 1, minlength=len(starts))
        table = pd.DataFrame({"low": starts, "high": highs, "interactions": hist.astype(np.int64)})
        binned = True
    else:
        edges = np.geomspace(values[0], values[-1], RATING_BINS + 1) if kind == "duration" and values[0] > 0 \
            else RATING_BINS
        hist, edges = np.histogram(ratings, bins=edges)
        table = pd.DataFrame({"low": edges[:-1], "high": edges[1:], "interactions": hist.astype(np.int64)})
        binned = True
    return RatingDistribution(table=table, binned=binned, mean=float(ratings.mean()),
                              median=float(np.median(ratings)), kind=kind)


def event_mix(ds: Dataset, top: int = TOP_EVENTS) -> pd.DataFrame | None:
    """Interactions per event type (``event``, ``interactions``, ``share``), most first; ``None`` when
    no interaction names one."""
    events = ds.interactions["event"]
    counts = events[events.str.strip() != ""].value_counts()
    if counts.empty:
        return None
    frame = pd.DataFrame({"event": counts.index.astype(str), "interactions": counts.to_numpy(dtype=np.int64)})
    frame["share"] = frame["interactions"] / len(events)
    return frame.head(top).reset_index(drop=True)


# --- all of it -------------------------------------------------------------------------------------


def headline(ds: Dataset) -> Headline:
    """The headline figures of :meth:`Dataset.stats`, typed."""
    stats = ds.stats()
    return Headline(
        interactions=int(stats["interactions"]), users=int(stats["users"]), items=int(stats["items"]),
        items_with_interactions=int(stats["items_with_interactions"]), density=float(stats["density"]),
        rating_min=float(stats["rating_min"]), rating_max=float(stats["rating_max"]),
        time_min=float(stats["time_min"]), time_max=float(stats["time_max"]),
    )


def compute_overview(ds: Dataset) -> Overview:
    """Every summary of the Overview page for one dataset."""
    per_item = interactions_per_item(ds)
    return Overview(
        fingerprint=ds.fingerprint,
        headline=headline(ds),
        timeline=timeline(ds),
        tail=long_tail(ds, per_item),
        categories=category_sources(ds, per_item),
        activity=user_activity(ds),
        ratings=rating_distribution(ds),
        events=event_mix(ds),
    )
