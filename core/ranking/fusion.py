"""Fusion: per-channel scores -> one ranked list with per-channel contributions.

Pipeline for one query (the channel scores are computed once and cached in a :class:`ScoreTable`):

1. **normalise** each channel (``minmax`` to [0, 1], ``zscore``, or ``rank`` percentile in [0, 1]);
   the table normalises each channel once per method and keeps the (n_items, n_channels) matrix;
2. **combine**: weighted sum ``M @ w`` with :class:`~core.common.config.FusionWeights`, or weighted
   reciprocal rank fusion ``sum_c w_c / (k + rank_c)`` (ranks: competition ranking, 1 = best);
3. **exclude** items already seen and items outside the optional :class:`ItemFilter`
   (category, year range); a ``-inf`` channel score excludes the item when that channel is on;
4. **top-k** by ``np.argpartition`` (ties broken by item index, ascending);
5. optional **MMR** diversity re-rank over item vectors with ``lambda`` (1.0 = plain ranking).

:func:`what_if` gives, for every recommended item, its relevance rank if one channel's weight were
zero (all channels at once, vectorised). A re-weighting of 100k items x 7 channels takes about a
millisecond once the table is built (``python -m bench.bench_fusion``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from core.common.config import CHANNELS, FusionConfig, FusionWeights
from core.common.errors import ConfigError
from core.data.dataset import Dataset

NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")
METHODS: tuple[str, ...] = ("weighted", "rrf")


# --- normalisation ----------------------------------------------------------------------------


def normalise(scores: np.ndarray, method: str = "minmax") -> np.ndarray:
    """Normalise one channel's scores (float64 out; ``-inf`` entries map to the lowest value).

    - ``minmax``: ``(x - min) / (max - min)`` over finite values, in [0, 1]; a constant channel -> 0;
    - ``zscore``: ``(x - mean) / std`` over finite values; a constant channel -> 0;
    - ``rank``: rank percentile ``(average_rank - 1) / (n - 1)`` in [0, 1], best = 1, ties share.
    """
    x = np.asarray(scores, dtype=np.float64)
    finite = np.isfinite(x)
    all_finite = bool(finite.all())
    vals = x if all_finite else x[finite]
    out: np.ndarray
    if vals.size == 0:
        return np.zeros_like(x)
    if method == "minmax":
        lo, hi = float(vals.min()), float(vals.max())
        out = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
        floor = 0.0
    elif method == "zscore":
        mean, std = float(vals.mean()), float(vals.std())
        out = (x - mean) / std if std > 0 else np.zeros_like(x)
        floor = float(out[finite].min()) if std > 0 else 0.0
    elif method == "rank":
        n = x.size
        ranked = stats.rankdata(np.where(finite, x, -np.inf), method="average")
        out = (ranked - 1.0) / (n - 1) if n > 1 else np.ones_like(x)
        floor = 0.0
        if not all_finite:
            out = np.where(finite, out, 0.0)
        return np.asarray(out, dtype=np.float64)
    else:
        raise ConfigError(f"unknown normalisation {method!r}; expected one of {list(NORMALISATIONS)}")
    if not all_finite:
        out = np.where(finite, out, floor)
    return np.asarray(out, dtype=np.float64)


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1-based ranks by descending score; tied items share the best rank ("1224" ranking)."""
    x = np.asarray(scores, dtype=np.float64)
    return stats.rankdata(-np.where(np.isnan(x), -np.inf, x), method="min").astype(np.float64)


# --- the cached score table -------------------------------------------------------------------


class ScoreTable:
    """One query's channel scores, with normalisations and RRF terms cached for fast re-weighting.

    ``names`` lists the channels present (in :data:`CHANNELS` order, unknown names after them);
    ``raw`` is (n_items, n_channels) float64. ``dropped`` keeps the reason codes of absent channels.
    """

    def __init__(self, scores: Mapping[str, np.ndarray], dropped: Mapping[str, str] | None = None) -> None:
        order = [c for c in CHANNELS if c in scores] + [c for c in scores if c not in CHANNELS]
        if not order:
            raise ConfigError("no channel produced scores; nothing to fuse")
        arrays = [np.asarray(scores[c], dtype=np.float64).ravel() for c in order]
        n = arrays[0].size
        if any(a.size != n for a in arrays):
            raise ConfigError("channel score arrays differ in length")
        if any(np.isnan(a).any() or np.isposinf(a).any() for a in arrays):
            raise ConfigError("channel scores must be finite (or -inf for excluded items)")
        self.names: tuple[str, ...] = tuple(order)
        self.raw = np.ascontiguousarray(np.stack(arrays, axis=1))
        self.dropped: dict[str, str] = dict(dropped or {})
        self.n_items = n
        self.excluded: dict[str, np.ndarray] = {
            c: np.isneginf(a) for c, a in zip(order, arrays, strict=True) if np.isneginf(a).any()
        }
        # matrices are stored channel-major, (n_channels, n_items) C-contiguous, and handed out as
        # (n_items, n_channels) views: ``view @ w`` is then one BLAS gemv over contiguous rows
        self._norm: dict[str, np.ndarray] = {}
        self._rrf: dict[int, np.ndarray] = {}
        self._ranks: np.ndarray | None = None
        self._blocked: dict[tuple[Any, ...], np.ndarray] = {}
        self._medians: dict[tuple[str, int], np.ndarray] = {}

    @classmethod
    def from_channel_scores(cls, channel_scores: Any) -> ScoreTable:
        """The table of a :class:`core.ranking.channels.ChannelScores`, built once and kept in its ``cache``.

        Whoever caches the channel scores of a query (the engine does) thereby also caches the
        normalised matrices, so the next re-weighting skips straight to ``M @ w``.
        """
        cache = getattr(channel_scores, "cache", None)
        if isinstance(cache, dict) and isinstance(cache.get("score_table"), ScoreTable):
            table: ScoreTable = cache["score_table"]
            return table
        table = cls(channel_scores.scores, channel_scores.dropped)
        if isinstance(cache, dict):
            cache["score_table"] = table
        return table

    def normalised(self, method: str) -> np.ndarray:
        """(n_items, n_channels) normalised scores, computed once per method."""
        if method not in self._norm:
            if method not in NORMALISATIONS:
                raise ConfigError(f"unknown normalisation {method!r}; expected one of {list(NORMALISATIONS)}")
            self._norm[method] = np.stack([normalise(self.raw[:, j], method) for j in range(len(self.names))])
        return self._norm[method].T

    def ranks(self) -> np.ndarray:
        """(n_items, n_channels) competition ranks per channel (1 = best)."""
        if self._ranks is None:
            self._ranks = np.stack([competition_ranks(self.raw[:, j]) for j in range(len(self.names))])
        return self._ranks.T

    def rrf_terms(self, k: int) -> np.ndarray:
        """(n_items, n_channels) ``1 / (k + rank)`` per channel, cached per ``k``."""
        if k < 0:
            raise ConfigError("RRF k must be >= 0")
        if k not in self._rrf:
            self.ranks()
            assert self._ranks is not None
            self._rrf[k] = 1.0 / (float(k) + self._ranks)
        return self._rrf[k].T

    def medians(self, config: FusionConfig) -> np.ndarray:
        """(n_channels,) median of each channel's fusion component over all items (cached).

        ``w * median`` is what a channel adds to a typical item; explanations use the *lift* above it.
        """
        key = ("rrf", int(config.rrf_k)) if config.method == "rrf" else (config.normalisation, 0)
        if key not in self._medians:
            self._medians[key] = np.median(self.components(config).T, axis=1)
        return self._medians[key]

    def weight_vector(self, weights: FusionWeights | Mapping[str, float]) -> np.ndarray:
        """Weights aligned with ``names`` (channels without a weight get 0)."""
        values = weights.as_dict() if isinstance(weights, FusionWeights) else dict(weights)
        w = np.array([float(values.get(c, 0.0)) for c in self.names], dtype=np.float64)
        if not np.isfinite(w).all() or (w < 0).any():
            raise ConfigError("fusion weights must be finite and non-negative")
        return w

    def components(self, config: FusionConfig) -> np.ndarray:
        """The matrix whose weighted row sums give the fused score under ``config``."""
        if config.method == "weighted":
            return self.normalised(config.normalisation)
        if config.method == "rrf":
            return self.rrf_terms(int(config.rrf_k))
        raise ConfigError(f"unknown fusion method {config.method!r}; expected one of {list(METHODS)}")


# --- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFilter:
    """Optional candidate restrictions: allowed categories and an inclusive year range.

    Items of unknown year are dropped when a year bound is set, unless ``keep_unknown_year``.
    """

    categories: frozenset[str] | None = None
    year_min: float | None = None
    year_max: float | None = None
    keep_unknown_year: bool = False

    def is_empty(self) -> bool:
        """True when the filter restricts nothing."""
        return self.categories is None and self.year_min is None and self.year_max is None

    def mask(self, dataset: Dataset) -> np.ndarray:
        """Boolean mask of allowed items."""
        keep = np.ones(dataset.n_items, dtype=bool)
        if self.categories is not None:
            keep &= dataset.items["category"].isin(sorted(self.categories)).to_numpy()
        if self.year_min is not None or self.year_max is not None:
            year = dataset.items["year"].to_numpy(np.float64)
            ok = np.isfinite(year)
            in_range = ok.copy()
            if self.year_min is not None:
                in_range &= year >= float(self.year_min)
            if self.year_max is not None:
                in_range &= year <= float(self.year_max)
            keep &= in_range | (~ok if self.keep_unknown_year else False)
        return keep


def _as_mask(value: np.ndarray | None, n: int) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ConfigError(f"mask has shape {arr.shape}; expected ({n},)")
        return arr
    mask = np.zeros(n, dtype=bool)
    mask[arr.astype(np.int64)] = True
    return mask


def _digest(value: np.ndarray | None) -> Any:
    """A cheap content key for a mask or index array (None stays None)."""
    if value is None:
        return None
    arr = np.asarray(value)
    if arr.dtype == bool:
        return ("mask", arr.size, hash(np.packbits(arr).tobytes()))
    return ("idx", hash(np.sort(arr.astype(np.int64)).tobytes()))


def eligibility(
    table: ScoreTable,
    config: FusionConfig,
    seen: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Items that may be recommended: not seen (if excluded), allowed, not ``-inf`` in an active channel.

    The mask is cached on the table per (seen, allowed, active exclusions), so re-weighting the same
    query does not rebuild it. Treat the returned array as read-only.
    """
    n = table.n_items
    w = table.weight_vector(config.weights) if weights is None else weights
    active = tuple(name for j, name in enumerate(table.names) if w[j] > 0 and name in table.excluded)
    seen_key = _digest(seen) if config.exclude_seen else None
    key = (bool(config.exclude_seen), seen_key, _digest(allowed), active)
    cached = table._blocked.get(key)
    if cached is not None:
        return cached
    ok = np.ones(n, dtype=bool)
    seen_mask = _as_mask(seen, n)
    if config.exclude_seen and seen_mask is not None:
        ok &= ~seen_mask
    allowed_mask = _as_mask(allowed, n)
    if allowed_mask is not None:
        ok &= allowed_mask
    for name in active:
        ok &= ~table.excluded[name]
    if len(table._blocked) >= 8:
        table._blocked.clear()
    table._blocked[key] = ok
    return ok


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FusionResult:
    """The top-k list of one fusion: per item its final score, rank and per-channel breakdown.

    Rows are items in rank order. ``normalised[i, j]`` is channel ``channels[j]``'s normalised score of
    item ``items[i]`` under the configured normalisation; ``contributions[i, j]`` is what that channel
    added to the final score (``w_j * normalised`` for weighted fusion, ``w_j / (k + rank_j)`` for
    RRF), so each row of ``contributions`` sums to ``score``. ``relevance_rank`` is the rank before the
    MMR re-rank (equal to ``rank`` when ``mmr_lambda`` is 1).
    """

    items: np.ndarray
    score: np.ndarray
    rank: np.ndarray
    relevance_rank: np.ndarray
    channels: tuple[str, ...]
    normalised: np.ndarray
    contributions: np.ndarray
    config: FusionConfig
    n_eligible: int
    dropped: dict[str, str] = field(default_factory=dict)
    baseline: np.ndarray | None = None
    """(n_channels,) what each channel adds to a typical (median) item: ``w * median component``."""

    @property
    def lift(self) -> np.ndarray:
        """(k, n_channels) contribution above the channel's typical one: why *this* item rose."""
        if self.baseline is None:
            return self.contributions
        return np.asarray(self.contributions - self.baseline[None, :], dtype=np.float64)

    def __len__(self) -> int:
        return int(self.items.size)

    def contribution_dict(self, row: int, all_channels: bool = True) -> dict[str, float]:
        """Contributions of the item in ``row`` by channel; with ``all_channels`` absent ones are 0.0."""
        out = {c: float(v) for c, v in zip(self.channels, self.contributions[row], strict=True)}
        if all_channels:
            extra = {c: v for c, v in out.items() if c not in CHANNELS}
            return {c: out.get(c, 0.0) for c in CHANNELS} | extra
        return out

    def to_frame(self, dataset: Dataset | None = None) -> pd.DataFrame:
        """One row per item: rank, item_idx, [item_id, title], score, ``norm:<c>`` and ``contrib:<c>``."""
        frame = pd.DataFrame({"rank": self.rank, "item_idx": self.items, "score": self.score,
                              "relevance_rank": self.relevance_rank})
        if dataset is not None:
            frame.insert(2, "item_id", dataset.item_ids[self.items].astype(str))
            frame.insert(3, "title", dataset.titles(self.items))
        for j, name in enumerate(self.channels):
            frame[f"norm:{name}"] = self.normalised[:, j]
        for j, name in enumerate(self.channels):
            frame[f"contrib:{name}"] = self.contributions[:, j]
        return frame


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores (``-inf`` dropped), best first, ties by ascending index.

    Exact, and cheaper than a full ``argpartition`` on large arrays: a threshold from a strided sample
    keeps only the items that can reach the top ``k`` (when at least ``k`` items reach it, the true
    top ``k`` all do); when the guess misses, one ``np.partition`` finds the k-th value instead. Items
    tied with the k-th value are taken in index order, so huge tie groups (a sparse channel's zeros)
    stay cheap.
    """
    n = scores.size
    k = min(int(k), n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    pool: np.ndarray | None = None
    if n > 4096 and k * 64 < n:
        step = n // 2048
        sample = scores[::step]
        m = min(sample.size, max(1, -(-4 * k // step)))
        thr = np.partition(sample, sample.size - m)[sample.size - m]
        if thr > -np.inf:
            cand = np.flatnonzero(scores >= thr)
            if k <= cand.size <= 16 * 1024:
                pool = cand
    if pool is None:
        pool = np.arange(n)
    vals = scores[pool]
    kth = np.partition(vals, vals.size - k)[vals.size - k]
    above = pool[vals > kth]
    tied = pool[vals == kth][: k - above.size]
    best = np.concatenate([above, tied])
    best = best[np.lexsort((best, -scores[best]))]
    return np.asarray(best[scores[best] > -np.inf], dtype=np.int64)


def mmr_rerank(
    candidates: np.ndarray, relevance: np.ndarray, item_vectors: np.ndarray, k: int, lam: float
) -> np.ndarray:
    """Maximal marginal relevance: greedily pick ``argmax lam * rel - (1 - lam) * max_sim_to_picked``.

    ``candidates`` are item indices in relevance order, ``relevance`` their fused scores (min-max
    scaled inside the pool). With ``lam == 1`` the input order is returned unchanged.
    """
    if lam >= 1.0 or candidates.size <= 1:
        return candidates[:k]
    rel = normalise(relevance, "minmax")
    vecs = np.asarray(item_vectors[candidates], dtype=np.float64)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = np.divide(vecs, norms, out=np.zeros_like(vecs), where=norms > 0)
    sim = vecs @ vecs.T
    picked: list[int] = []
    max_sim = np.zeros(candidates.size)
    available = np.ones(candidates.size, dtype=bool)
    for _ in range(min(k, candidates.size)):
        gain = lam * rel - (1.0 - lam) * max_sim
        gain[~available] = -np.inf
        j = int(np.argmax(gain))
        picked.append(j)
        available[j] = False
        np.maximum(max_sim, sim[:, j], out=max_sim)
    return candidates[np.array(picked, dtype=np.int64)]


def weighted_sum(components: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``components @ weights`` for an (n_items, n_channels) view, single-threaded and BLAS-free.

    ``np.einsum`` (without ``optimize``) runs its own C loop: on a small shared machine a multi-threaded
    BLAS gemv can stall for milliseconds waiting for a busy core, this never does.
    """
    return np.asarray(np.einsum("ji,j->i", components.T, weights), dtype=np.float64)


def _check_config(config: FusionConfig) -> None:
    if config.normalisation not in NORMALISATIONS:
        raise ConfigError(
            f"unknown normalisation {config.normalisation!r}; expected one of {list(NORMALISATIONS)}"
        )
    if config.method not in METHODS:
        raise ConfigError(f"unknown fusion method {config.method!r}; expected one of {list(METHODS)}")
    if not 0.0 <= float(config.mmr_lambda) <= 1.0:
        raise ConfigError("MMR lambda must be within [0, 1]")


def fuse(
    scores: ScoreTable | Mapping[str, np.ndarray],
    config: FusionConfig | None = None,
    *,
    k: int = 20,
    seen: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    item_vectors: np.ndarray | None = None,
    mmr_pool: int | None = None,
    with_baseline: bool = True,
) -> FusionResult:
    """Fuse channel scores into a top-``k`` list (see the module docstring for the steps).

    ``seen``: indices or bool mask of items the user already has (excluded when
    ``config.exclude_seen``); ``allowed``: bool mask or indices from :meth:`ItemFilter.mask`;
    ``item_vectors``: needed only for MMR (``config.mmr_lambda < 1``); ``mmr_pool``: how many
    relevance-ranked candidates MMR chooses from (default ``max(5k, 50)``); ``with_baseline=False``
    skips the per-channel medians behind :attr:`FusionResult.baseline` (a sort of every channel, the
    dearest step of a first fusion; offline evaluation needs only the items).
    """
    config = config or FusionConfig()
    _check_config(config)
    table = scores if isinstance(scores, ScoreTable) else ScoreTable(scores)
    w = table.weight_vector(config.weights)
    comp = table.components(config)
    final = weighted_sum(comp, w)
    ok = eligibility(table, config, seen, allowed, w)
    n_eligible = int(ok.sum())
    np.putmask(final, ~ok, -np.inf)
    use_mmr = float(config.mmr_lambda) < 1.0
    if use_mmr and item_vectors is None:
        raise ConfigError("the MMR diversity re-rank needs item vectors")
    pool = max(int(mmr_pool or max(5 * k, 50)), k) if use_mmr else k
    ranked = top_k(final, pool)
    relevance_rank = np.arange(1, ranked.size + 1)
    if use_mmr:
        assert item_vectors is not None
        chosen = mmr_rerank(ranked, final[ranked], item_vectors, k, float(config.mmr_lambda))
        pos = {int(item): i for i, item in enumerate(ranked)}
        relevance_rank = np.array([pos[int(i)] + 1 for i in chosen], dtype=np.int64)
        ranked = chosen
    ranked = ranked[:k]
    relevance_rank = relevance_rank[: ranked.size]
    norm = table.normalised(config.normalisation)[ranked]
    contrib = comp[ranked] * w
    baseline = table.medians(config) * w if with_baseline else None
    return FusionResult(
        items=ranked,
        score=final[ranked],
        rank=np.arange(1, ranked.size + 1, dtype=np.int64),
        relevance_rank=relevance_rank.astype(np.int64),
        channels=table.names,
        normalised=norm,
        contributions=contrib,
        config=config,
        n_eligible=n_eligible,
        dropped=dict(table.dropped),
        baseline=baseline,
    )


def what_if(
    scores: ScoreTable | Mapping[str, np.ndarray],
    result: FusionResult,
    *,
    seen: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
) -> np.ndarray:
    """(len(result), n_channels) int64: each listed item's relevance rank if that channel's weight were 0.

    Ranks are 1-based among eligible items, ties broken by item index (as in :func:`fuse`); they are
    relevance ranks, i.e. before any MMR re-rank. Column ``j`` is channel ``result.channels[j]``. An
    item that would become ineligible (never happens for zeroing a weight) would get rank 0.
    """
    table = scores if isinstance(scores, ScoreTable) else ScoreTable(scores)
    if table.names != result.channels:
        raise ConfigError("the score table does not match the fusion result's channels")
    config = result.config
    w = table.weight_vector(config.weights)
    comp = table.components(config)
    base = weighted_sum(comp, w)
    items = result.items
    out = np.zeros((items.size, len(table.names)), dtype=np.int64)
    if items.size == 0:
        return out
    for j in range(len(table.names)):
        w_j = w.copy()
        w_j[j] = 0.0
        alt = base - comp[:, j] * w[j] if w[j] != 0 else base.copy()
        ok = eligibility(table, config, seen, allowed, w_j)
        np.putmask(alt, ~ok, -np.inf)
        vals = alt[items]
        # only scores >= the lowest listed item's can rank above any listed item: sort just those
        above = np.sort(alt[alt >= vals.min()]) if np.isfinite(vals.min()) else np.sort(alt)
        right = np.searchsorted(above, vals, side="right")
        higher = above.size - right
        equal = right - np.searchsorted(above, vals, side="left")
        ties = np.zeros(items.size, dtype=np.int64)
        for r in np.flatnonzero(equal > 1):  # equal scores: the lower item index ranks first
            ties[r] = np.count_nonzero(alt[: int(items[r])] == vals[r])
        ranks = higher + ties + 1
        out[:, j] = np.where(ok[items], ranks, 0)
    return out


def what_if_frame(result: FusionResult, ranks: np.ndarray) -> pd.DataFrame:
    """What-if ranks as a frame: one row per item, ``rank`` and ``without:<channel>`` columns."""
    frame = pd.DataFrame({"rank": result.rank, "item_idx": result.items})
    for j, name in enumerate(result.channels):
        frame[f"without:{name}"] = ranks[:, j]
    return frame


def channel_only_config(name: str, base: FusionConfig | None = None) -> FusionConfig:
    """A config whose weights are all zero except ``name`` (weight 1)."""
    from dataclasses import replace

    if name not in CHANNELS:
        raise ConfigError(f"unknown channel {name!r}")
    base = base or FusionConfig()
    return replace(base, weights=FusionWeights.from_dict({name: 1.0}))


def rank_movement(
    previous: np.ndarray | list[int] | None, current: np.ndarray | list[int]
) -> list[int | None]:
    """For each item of ``current`` (in rank order): positions gained since ``previous`` (positive = up,
    0 = same place), or None for an item that was not in the previous list."""
    if previous is None:
        return [None] * len(current)
    before = {int(item): pos for pos, item in enumerate(np.asarray(previous).tolist())}
    return [before[int(item)] - pos if int(item) in before else None
            for pos, item in enumerate(np.asarray(current).tolist())]
