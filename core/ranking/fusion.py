"""Fusion: the channel scores of a batch of queries -> ranked lists with per-channel contributions.

The one implementation every view uses (pages, CLI, evaluation, tuning, map), batch-first: a single
query is a batch of one. For each query (row) of a :class:`~core.ranking.scoring.ScoreBatch`:

1. **normalise** each channel's row (``minmax`` to [0, 1], ``zscore``, or ``rank`` percentile in
   [0, 1]); a channel that did not score the query contributes 0. Normalised matrices are cached on the
   batch per method, so a weight change only redoes step 2;
2. **combine**: weighted sum with :class:`~core.ranking.config.FusionWeights`, or weighted reciprocal
   rank fusion ``sum_c w_c / (k + rank_c)`` (ranks: competition ranking, 1 = best);
3. **exclude** items already seen, items outside the optional :class:`ItemFilter` (category, year
   range) and the items a query avoids (``avoid``: what its typed text rules out, "no horror", see
   :meth:`core.ranking.ranker.Ranker.avoided_items`; left out whatever ``exclude_seen`` says); a ``-inf``
   channel score excludes the item when that channel is on. A query for which no channel with a positive
   weight applies gets an empty list. Fused scores are finite by construction (normalised components
   times finite weights); a sum that overflows raises :class:`~core.common.errors.ConfigError` rather than
   ranking every item as tied (which would list them in item order);
4. **top-k** with :func:`core.common.selection.top_k` (ties by item index, ascending);
5. optional **MMR** diversity re-rank over item vectors with ``lambda`` (1.0 = plain ranking).

:func:`rank_batch` returns only the lists (evaluation); :func:`fuse_batch` / :func:`fuse` add the
per-channel breakdown the UI shows, and :func:`what_if` each listed item's rank if one channel's weight
were zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse, stats

from core.common.errors import ConfigError
from core.common.selection import mmr, top_k, top_k_rows
from core.data.dataset import Dataset
from core.ranking.config import MAX_WEIGHT, FusionConfig, FusionWeights
from core.ranking.registry import CHANNELS
from core.ranking.scoring import ScoreBatch

NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")
METHODS: tuple[str, ...] = ("weighted", "rrf")

Seen = sparse.spmatrix | np.ndarray | list[np.ndarray] | None
"""Items already seen, per query: a sparse (n_queries, n_items) matrix, a bool matrix, a list of index
arrays, or, for a batch of one, one index array / bool mask."""


# --- normalisation ----------------------------------------------------------------------------


def normalise(scores: np.ndarray, method: str = "minmax") -> np.ndarray:
    """Normalise scores along the last axis (float64 out; ``-inf`` entries map to the row's lowest value).

    - ``minmax``: ``(x - min) / (max - min)`` over finite values, in [0, 1]; a constant row -> 0;
    - ``zscore``: ``(x - mean) / std`` over finite values; a constant row -> 0;
    - ``rank``: rank percentile ``(average_rank - 1) / (n - 1)`` in [0, 1], best = 1, ties share.
    """
    x = np.asarray(scores, dtype=np.float64)
    one = x.ndim == 1
    x2 = x[None, :] if one else x.reshape(-1, x.shape[-1])
    out = _normalise_rows(x2, method)
    return out[0] if one else out.reshape(x.shape)


def _normalise_rows(x: np.ndarray, method: str) -> np.ndarray:
    n = x.shape[1]
    finite = np.isfinite(x)
    count = finite.sum(axis=1)
    has = count > 0
    if method == "minmax":
        lo = np.where(finite, x, np.inf).min(axis=1)
        hi = np.where(finite, x, -np.inf).max(axis=1)
        span = np.where(has & (hi > lo), hi - lo, 1.0)
        out = np.where((has & (hi > lo))[:, None], (x - lo[:, None]) / span[:, None], 0.0)
        return np.where(finite, out, 0.0)
    if method == "zscore":
        safe = np.where(finite, x, 0.0)
        mean = safe.sum(axis=1) / np.maximum(count, 1)
        dev = np.where(finite, x - mean[:, None], 0.0)
        std = np.sqrt((dev * dev).sum(axis=1) / np.maximum(count, 1))
        ok = has & (std > 0)
        out = np.where(ok[:, None], dev / np.where(ok, std, 1.0)[:, None], 0.0)
        floor = np.where(finite, out, np.inf).min(axis=1)
        floor = np.where(ok & np.isfinite(floor), floor, 0.0)
        return np.where(finite, out, floor[:, None])
    if method == "rank":
        if n <= 1:
            return np.where(finite, 1.0, 0.0)
        ranked = stats.rankdata(np.where(finite, x, -np.inf), method="average", axis=1)
        return np.where(finite, (ranked - 1.0) / (n - 1), 0.0)
    raise ConfigError(f"unknown normalisation {method!r}; expected one of {list(NORMALISATIONS)}")


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1-based ranks by descending score along the last axis; ties share the best rank ("1224")."""
    x = np.asarray(scores, dtype=np.float64)
    return stats.rankdata(-np.where(np.isnan(x), -np.inf, x), method="min", axis=-1).astype(np.float64)


def components(batch: ScoreBatch, config: FusionConfig) -> np.ndarray:
    """(n_channels, n_queries, n_items) matrix whose weighted channel sum is the fused score (cached).

    Zero wherever a channel did not score a query."""
    if config.method == "weighted":
        key: tuple[Any, ...] = ("norm", config.normalisation)
        if config.normalisation not in NORMALISATIONS:
            raise ConfigError(f"unknown normalisation {config.normalisation!r}; expected one of {list(NORMALISATIONS)}")
    elif config.method == "rrf":
        if int(config.rrf_k) < 0:
            raise ConfigError("RRF k must be >= 0")
        key = ("rrf", int(config.rrf_k))
    else:
        raise ConfigError(f"unknown fusion method {config.method!r}; expected one of {list(METHODS)}")
    hit = batch.cache.get(key)
    if hit is not None:
        return hit
    if key[0] == "norm":
        comp = normalise(batch.raw, config.normalisation)
    else:
        ranks = batch.cache.get(("ranks",))
        if ranks is None:
            ranks = competition_ranks(batch.raw)
            batch.cache[("ranks",)] = ranks
        comp = 1.0 / (float(key[1]) + ranks)
    comp = np.where(batch.applies[:, :, None], comp, 0.0)
    batch.cache[key] = comp
    return comp


def weight_vector(names: tuple[str, ...], weights: FusionWeights | Mapping[str, float]) -> np.ndarray:
    """Weights aligned with ``names`` (channels without a weight get 0)."""
    values = dict(weights)
    w = np.array([float(values.get(c, 0.0)) for c in names], dtype=np.float64)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ConfigError("fusion weights must be finite and non-negative")
    return w


def _check_config(config: FusionConfig) -> None:
    if config.normalisation not in NORMALISATIONS:
        raise ConfigError(
            f"unknown normalisation {config.normalisation!r}; expected one of {list(NORMALISATIONS)}"
        )
    if config.method not in METHODS:
        raise ConfigError(f"unknown fusion method {config.method!r}; expected one of {list(METHODS)}")
    if not 0.0 <= float(config.mmr_lambda) <= 1.0:
        raise ConfigError("MMR lambda must be within [0, 1]")


# --- filters and eligibility ------------------------------------------------------------------


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


def seen_matrix(seen: Seen, n_queries: int, n_items: int) -> np.ndarray | None:
    """``seen`` in any accepted form as a bool (n_queries, n_items) matrix (None: nothing seen)."""
    if seen is None:
        return None
    out = np.zeros((n_queries, n_items), dtype=bool)
    if isinstance(seen, sparse.spmatrix | sparse.sparray):
        csr: Any = sparse.csr_matrix(seen)  # type: ignore[call-overload]
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        out[rows, csr.indices] = True
        return out
    if isinstance(seen, list):
        for i, idx in enumerate(seen):
            out[i, np.asarray(idx, dtype=np.int64)] = True
        return out
    arr = np.asarray(seen)
    if arr.dtype == bool:
        if arr.shape == (n_items,) and n_queries == 1:
            return arr[None, :].copy()
        if arr.shape != (n_queries, n_items):
            raise ConfigError(f"seen mask has shape {arr.shape}; expected ({n_queries}, {n_items})")
        return arr
    if n_queries != 1:
        raise ConfigError("seen as one index array needs a batch of one query")
    out[0, arr.astype(np.int64)] = True
    return out


def _allowed_mask(allowed: np.ndarray | None, n_items: int) -> np.ndarray | None:
    if allowed is None:
        return None
    arr = np.asarray(allowed)
    if arr.dtype == bool:
        if arr.shape != (n_items,):
            raise ConfigError(f"mask has shape {arr.shape}; expected ({n_items},)")
        return arr
    mask = np.zeros(n_items, dtype=bool)
    mask[arr.astype(np.int64)] = True
    return mask


def eligibility(
    batch: ScoreBatch,
    config: FusionConfig,
    w: np.ndarray,
    seen: Seen = None,
    allowed: np.ndarray | None = None,
    avoid: Seen = None,
) -> np.ndarray:
    """(n_queries, n_items) bool: not seen (if excluded), allowed, not avoided, not ``-inf`` in an active
    channel, and at least one channel with a positive weight scored the query."""
    q, n = batch.n_queries, batch.n_items
    ok = np.ones((q, n), dtype=bool)
    seen_mask = seen_matrix(seen, q, n) if config.exclude_seen else None
    if seen_mask is not None:
        ok &= ~seen_mask
    avoid_mask = seen_matrix(avoid, q, n)
    if avoid_mask is not None:
        ok &= ~avoid_mask
    allowed_mask = _allowed_mask(allowed, n)
    if allowed_mask is not None:
        ok &= allowed_mask[None, :]
    for j in np.flatnonzero(w > 0):
        blocked = _blocked(batch, int(j))
        if blocked is not None:
            ok &= ~blocked
    active = np.zeros(q, dtype=bool)
    if len(w):
        active = np.asarray((batch.applies & (w > 0)[:, None]).any(axis=0), dtype=bool)
    ok &= active[:, None]
    return ok


def _blocked(batch: ScoreBatch, j: int) -> np.ndarray | None:
    """Where channel ``j`` excludes items (``-inf`` in a query it scored); None when nowhere (cached)."""
    key = ("blocked", j)
    if key not in batch.cache:
        blocked = np.isneginf(batch.raw[j]) & batch.applies[j][:, None]
        batch.cache[key] = blocked if blocked.any() else np.zeros((0, 0), dtype=bool)
    hit = batch.cache[key]
    return hit if hit.size else None


def fused_scores(
    batch: ScoreBatch,
    config: FusionConfig,
    seen: Seen = None,
    allowed: np.ndarray | None = None,
    avoid: Seen = None,
) -> np.ndarray:
    """(n_queries, n_items) fused scores under ``config``; ineligible items are ``-inf``.

    Raises :class:`ConfigError` when an eligible item's fused score is not finite (weights so large that
    the sum overflows): a list of tied ``inf`` scores would silently be item-index order."""
    _check_config(config)
    w = weight_vector(batch.names, config.weights)
    if not batch.names:
        return np.full((batch.n_queries, batch.n_items), -np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        final = np.einsum("cqi,c->qi", components(batch, config), w)
    ok = eligibility(batch, config, w, seen, allowed, avoid)
    if not np.isfinite(final).all() and not np.isfinite(final[ok]).all():
        raise ConfigError(f"the fused scores are not finite numbers (the largest weight is {float(w.max()):g}): "
                          f"the weights are too large to rank by; use weights of at most {MAX_WEIGHT:g}")
    final[~ok] = -np.inf
    return np.asarray(final, dtype=np.float64)


# --- ranked lists -------------------------------------------------------------------------------


def _mmr_row(final: np.ndarray, pool: np.ndarray, item_vectors: np.ndarray, k: int, lam: float) -> np.ndarray:
    if pool.size <= 1:
        return pool[:k]
    rel = normalise(final[pool], "minmax")
    vecs = np.asarray(item_vectors[pool], dtype=np.float64)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = np.divide(vecs, norms, out=np.zeros_like(vecs), where=norms > 0)
    chosen = mmr(rel, np.maximum(vecs @ vecs.T, 0.0), k, lam)
    return pool[np.asarray(chosen, dtype=np.int64)]


def _lists(
    final: np.ndarray, config: FusionConfig, k: int, item_vectors: np.ndarray | None, mmr_pool: int | None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per row: the chosen items and their relevance ranks (before MMR)."""
    use_mmr = float(config.mmr_lambda) < 1.0
    if use_mmr and item_vectors is None:
        raise ConfigError("the MMR diversity re-rank needs item vectors")
    pool_k = max(int(mmr_pool or max(5 * k, 50)), k) if use_mmr else k
    if final.shape[0] <= 4:
        pools = [top_k(final[r], pool_k) for r in range(final.shape[0])]
    else:
        block = top_k_rows(final, pool_k)
        pools = [row[row >= 0] for row in block]
    items: list[np.ndarray] = []
    ranks: list[np.ndarray] = []
    for r, pool in enumerate(pools):
        if use_mmr:
            assert item_vectors is not None
            chosen = _mmr_row(final[r], pool, item_vectors, k, float(config.mmr_lambda))
            pos = {int(item): i for i, item in enumerate(pool)}
            rel = np.array([pos[int(i)] + 1 for i in chosen], dtype=np.int64)
        else:
            chosen = pool[:k]
            rel = np.arange(1, chosen.size + 1, dtype=np.int64)
        items.append(np.asarray(chosen, dtype=np.int64))
        ranks.append(rel)
    return items, ranks


def rank_batch(
    batch: ScoreBatch,
    config: FusionConfig,
    k: int,
    *,
    seen: Seen = None,
    allowed: np.ndarray | None = None,
    item_vectors: np.ndarray | None = None,
    mmr_pool: int | None = None,
    avoid: Seen = None,
) -> np.ndarray:
    """(n_queries, k) top-k item positions per query, ``-1`` padded (the lists only: evaluation)."""
    final = fused_scores(batch, config, seen, allowed, avoid)
    items, _ = _lists(final, config, k, item_vectors, mmr_pool)
    out = np.full((batch.n_queries, k), -1, dtype=np.int64)
    for r, row in enumerate(items):
        out[r, : row.size] = row
    return out


@dataclass(frozen=True)
class FusionResult:
    """The top-k list of one query: per item its final score, rank and per-channel breakdown.

    Rows are items in rank order. ``normalised[i, j]`` is channel ``channels[j]``'s normalised score of
    item ``items[i]`` under the configured normalisation; ``contributions[i, j]`` is what that channel
    added to the final score (``w_j * normalised`` for weighted fusion, ``w_j / (k + rank_j)`` for RRF),
    so each row of ``contributions`` sums to ``score``. ``relevance_rank`` is the rank before the MMR
    re-rank (equal to ``rank`` when ``mmr_lambda`` is 1). ``baseline``: what each channel adds to a
    typical (median) item, ``w * median component``.
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


def fuse_batch(
    batch: ScoreBatch,
    config: FusionConfig | None = None,
    *,
    k: int = 20,
    seen: Seen = None,
    allowed: np.ndarray | None = None,
    item_vectors: np.ndarray | None = None,
    mmr_pool: int | None = None,
    with_baseline: bool = True,
    avoid: Seen = None,
) -> list[FusionResult]:
    """Fuse every query of ``batch`` into a top-``k`` list with its per-channel breakdown.

    ``seen``: items already seen per query (excluded when ``config.exclude_seen``); ``allowed``: bool
    mask or indices from :meth:`ItemFilter.mask`; ``avoid``: items each query rules out (always
    excluded, in any form ``seen`` takes); ``item_vectors``: needed only for MMR;
    ``mmr_pool``: how many relevance-ranked candidates MMR chooses from (default ``max(5k, 50)``);
    ``with_baseline=False`` skips the per-channel medians behind :attr:`FusionResult.baseline`.
    """
    config = config or FusionConfig()
    final = fused_scores(batch, config, seen, allowed, avoid)
    items, rel_ranks = _lists(final, config, k, item_vectors, mmr_pool)
    w = weight_vector(batch.names, config.weights)
    comp = components(batch, config) if batch.names else np.zeros((0, batch.n_queries, batch.n_items))
    norm = comp if config.method == "weighted" else components(batch, _as_weighted(config)) if batch.names else comp
    n_eligible = np.isfinite(final).sum(axis=1)
    out: list[FusionResult] = []
    for r in range(batch.n_queries):
        chosen = items[r]
        baseline = _medians(batch, config)[:, r] * w if with_baseline and batch.names else None
        out.append(FusionResult(
            items=chosen,
            score=final[r, chosen],
            rank=np.arange(1, chosen.size + 1, dtype=np.int64),
            relevance_rank=rel_ranks[r],
            channels=batch.names,
            normalised=norm[:, r, chosen].T.copy(),
            contributions=(comp[:, r, chosen] * w[:, None]).T.copy(),
            config=config,
            n_eligible=int(n_eligible[r]),
            dropped=dict(batch.dropped[r]),
            baseline=baseline,
        ))
    return out


def _medians(batch: ScoreBatch, config: FusionConfig) -> np.ndarray:
    """(n_channels, n_queries) median component of each channel over all items (cached per method):
    ``w * median`` is what a channel adds to a typical item; explanations use the lift above it."""
    key = ("median", config.method, config.normalisation if config.method == "weighted" else int(config.rrf_k))
    if key not in batch.cache:
        batch.cache[key] = np.median(components(batch, config), axis=2)
    return batch.cache[key]


def _as_weighted(config: FusionConfig) -> FusionConfig:
    from dataclasses import replace

    return replace(config, method="weighted")


def fuse(
    scores: ScoreBatch | Mapping[str, np.ndarray],
    config: FusionConfig | None = None,
    **options: Any,
) -> FusionResult:
    """:func:`fuse_batch` of a single query (a batch of one, or ``{channel: (n_items,) scores}``)."""
    batch = scores if isinstance(scores, ScoreBatch) else ScoreBatch.from_arrays(scores)
    if batch.n_queries != 1:
        raise ConfigError(f"fuse takes one query; this batch holds {batch.n_queries} (use fuse_batch)")
    return fuse_batch(batch, config, **options)[0]


def what_if(
    batch: ScoreBatch,
    result: FusionResult,
    *,
    row: int = 0,
    seen: Seen = None,
    allowed: np.ndarray | None = None,
    avoid: Seen = None,
) -> np.ndarray:
    """(len(result), n_channels) int64: each listed item's relevance rank if that channel's weight were 0.

    Ranks are 1-based among eligible items, ties broken by item index (as in :func:`fuse`); they are
    relevance ranks, i.e. before any MMR re-rank. Column ``j`` is channel ``result.channels[j]``. An
    item that would become ineligible gets rank 0.
    """
    if batch.names != result.channels:
        raise ConfigError("the score batch does not match the fusion result's channels")
    config = result.config
    w = weight_vector(batch.names, config.weights)
    items = result.items
    out = np.zeros((items.size, len(batch.names)), dtype=np.int64)
    if items.size == 0:
        return out
    one = batch if batch.n_queries == 1 else batch.row(row)
    if one.names != batch.names:
        raise ConfigError("what_if needs a row scored by every channel of the batch")
    comp = components(one, config)[:, 0, :]
    base = np.einsum("ci,c->i", comp, w)
    for j in range(len(batch.names)):
        w_j = w.copy()
        w_j[j] = 0.0
        alt = base - comp[j] * w[j] if w[j] != 0 else base.copy()
        ok = eligibility(one, config, w_j, seen, allowed, avoid)[0]
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
        out[:, j] = np.where(ok[items], higher + ties + 1, 0)
    return out


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
