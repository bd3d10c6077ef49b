"""Candidate generation (a benchmark prototype, not used by the engine): score a few thousand likely items
instead of the whole catalogue.

``bench/bench_scale.py`` measures how much of the exact top-k these candidates recall at 1M+ items; the
engine scores the whole catalogue (fast enough at the 100k items the product promises, see
``docs/scaling.md``). Kept here, with its tests in ``tests/bench/``, until the engine needs it.

A candidate set is the union of

- **ann**: the nearest items to the query's interest / user vector(s) in the item vector index
  (:class:`core.vectors.index.NeighbourIndex`, HNSW in practice), ``n_ann`` per query vector;
- **mf**: the top ``n_mf`` items by matrix-factorisation score ``item_factors @ user_factor`` (exact
  top-N with ``argpartition``, or through an inner-product index over the item factors when given);
- **recent**: the ``n_per_recent`` nearest items to each of the user's ``n_recent`` latest items
  (the item-to-item path that the history and item-kNN channels reward);
- **popular**: the ``n_popular`` most popular items, the fallback that keeps a cold user's list full;

minus the items to exclude (already seen). Channels and fusion then only run on those rows, so
a slider move re-weights arrays of ~``n_ann + n_mf + ...`` entries instead of ``n_items``.

Candidate generation is lossy. :func:`candidate_recall` measures how much of the full-catalogue top-k
(of whatever final score you trust) survives in the candidate set; :func:`topk_overlap` compares two
ranked lists. ``python -m bench.bench_scale`` reports both at 100k items (see ``docs/scaling.md``).
Below ``CandidateParams.min_catalogue`` items :func:`use_candidates` says "score everything": at that
size full scoring is cheap and exact.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from core.common.selection import top_k
from core.vectors.index import NeighbourIndex

SOURCES: tuple[str, ...] = ("ann", "mf", "recent", "popular")
"""Candidate sources, in the order they are merged."""


@dataclass(frozen=True)
class CandidateParams:
    """How many items each source contributes (before de-duplication) and when to use candidates."""

    n_ann: int = 1000
    n_mf: int = 1000
    n_recent: int = 20
    n_per_recent: int = 50
    n_popular: int = 200
    min_catalogue: int = 20_000
    """Catalogues smaller than this are scored in full (:func:`use_candidates` returns False)."""


@dataclass
class CandidateSet:
    """Sorted, unique item indices plus where they came from."""

    indices: np.ndarray
    """int64, ascending, unique item positions."""
    n_items: int
    """Catalogue size the indices refer to."""
    contributed: dict[str, int] = field(default_factory=dict)
    """Items each source added that no earlier source had (keys from :data:`SOURCES`)."""

    def __len__(self) -> int:
        return len(self.indices)

    def mask(self) -> np.ndarray:
        """Boolean mask of length ``n_items``, True for candidates."""
        out = np.zeros(self.n_items, dtype=bool)
        out[self.indices] = True
        return out

    def restrict(self, scores: Mapping[str, np.ndarray], anchors: bool = False) -> dict[str, np.ndarray]:
        """Each full-length score array cut down to the candidates (same order as :attr:`indices`).

        With ``anchors`` two rows are appended per channel: its lowest and highest finite score over the
        whole catalogue. Min-max normalisation over the restricted arrays then uses the catalogue's
        range, as full scoring would; keep the anchor rows out of the ranking with
        ``allowed=candidate_set.real_rows()``.
        """
        out: dict[str, np.ndarray] = {}
        for name, arr in scores.items():
            full = np.asarray(arr, dtype=np.float64)
            sub = full[self.indices]
            if anchors:
                finite = full[np.isfinite(full)]
                lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
                sub = np.concatenate([sub, [lo, hi]])
            out[name] = sub
        return out

    def real_rows(self, anchors: bool = True) -> np.ndarray:
        """Boolean mask over restricted rows: True for candidates, False for the two anchor rows."""
        mask = np.ones(len(self) + (2 if anchors else 0), dtype=bool)
        if anchors:
            mask[-2:] = False
        return mask

    def expand(self, values: np.ndarray, fill: float = -np.inf) -> np.ndarray:
        """A candidate-aligned array scattered back to full length, ``fill`` elsewhere."""
        out = np.full(self.n_items, fill, dtype=np.float64)
        out[self.indices] = values
        return out

    def to_items(self, local: np.ndarray) -> np.ndarray:
        """Map positions within the candidate set (``-1`` kept) back to item indices."""
        local = np.asarray(local, dtype=np.int64)
        ok = (local >= 0) & (local < len(self))
        return np.where(ok, self.indices[np.clip(local, 0, max(0, len(self) - 1))], -1)


def _as_ids(values: Collection[int] | np.ndarray | None) -> np.ndarray:
    """Unique int64 ids from any collection (empty for None)."""
    if values is None:
        return np.zeros(0, dtype=np.int64)
    arr = values if isinstance(values, np.ndarray) else np.fromiter((int(v) for v in values), np.int64)
    return np.unique(arr.astype(np.int64).ravel())


def use_candidates(n_items: int, params: CandidateParams | None = None) -> bool:
    """True when the catalogue is large enough that candidate generation should replace full scoring."""
    return n_items >= (params or CandidateParams()).min_catalogue


def top_n(scores: np.ndarray, n: int, exclude: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``n`` highest finite scores, best first (ties by index); ``exclude`` removed
    (:func:`core.common.selection.top_k` after masking)."""
    arr = np.asarray(scores, dtype=np.float64)
    if exclude is not None and len(exclude):
        arr = arr.copy()
        arr[np.asarray(exclude, dtype=np.int64)] = -np.inf
    return top_k(arr, n)


def popularity_order(popularity: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` most popular item indices (ties by index): precompute once per dataset."""
    return top_n(np.asarray(popularity, dtype=np.float64), n)


def generate_candidates(
    n_items: int,
    params: CandidateParams | None = None,
    *,
    query_vectors: np.ndarray | None = None,
    item_index: NeighbourIndex | None = None,
    user_factor: np.ndarray | None = None,
    item_factors: np.ndarray | None = None,
    factor_index: NeighbourIndex | None = None,
    recent_items: np.ndarray | None = None,
    item_vectors: np.ndarray | None = None,
    popular: np.ndarray | None = None,
    exclude: Collection[int] | np.ndarray | None = None,
) -> CandidateSet:
    """Union of ANN, MF, recent-item-neighbour and popular candidates, minus ``exclude``.

    ``query_vectors``: one or more interest / user vectors (rows) for the ANN source, answered by
    ``item_index``. ``user_factor`` with ``item_factors`` (exact) or ``factor_index`` (an inner-product
    index over the item factors) for the MF source. ``recent_items``: the user's items, latest last;
    the neighbours of their rows in ``item_vectors`` come from ``item_index``. ``popular``: item
    indices by falling popularity (see :func:`popularity_order`). Any source whose inputs are missing
    is skipped. Sources over-fetch by the number of excluded items (capped at their own size) so
    exclusion does not starve them.
    """
    params = params or CandidateParams()
    excl = _as_ids(exclude)
    excl = excl[(excl >= 0) & (excl < n_items)]
    chosen = np.zeros(n_items, dtype=bool)
    blocked = np.zeros(n_items, dtype=bool)
    blocked[excl] = True
    contributed: dict[str, int] = {}

    def take(name: str, ids: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64).ravel()
        ids = ids[(ids >= 0) & (ids < n_items)]
        ids = ids[~blocked[ids]]
        fresh = np.unique(ids[~chosen[ids]])
        chosen[fresh] = True
        contributed[name] = contributed.get(name, 0) + len(fresh)

    def overfetch(n: int) -> int:
        return int(min(n_items, n + min(len(excl), n)))

    if query_vectors is not None and item_index is not None and params.n_ann > 0 and len(item_index):
        queries = np.atleast_2d(np.asarray(query_vectors, dtype=np.float32))
        queries = queries[np.linalg.norm(queries, axis=1) > 0]
        if len(queries):
            ids, _ = item_index.query(queries, overfetch(params.n_ann))
            for row in ids:
                row = row[row >= 0]
                take("ann", row[~blocked[row]][: params.n_ann])
    if user_factor is not None and params.n_mf > 0:
        uf = np.asarray(user_factor, dtype=np.float32).ravel()
        if factor_index is not None and len(factor_index):
            ids, _ = factor_index.query(uf[None, :], overfetch(params.n_mf))
            row = ids[0][ids[0] >= 0]
            take("mf", row[~blocked[row]][: params.n_mf])
        elif item_factors is not None:
            scores = np.asarray(item_factors, dtype=np.float32) @ uf
            take("mf", top_n(scores, params.n_mf, excl))
    if (recent_items is not None and item_vectors is not None and item_index is not None
            and params.n_recent > 0 and len(item_index)):
        recent = np.asarray(recent_items, dtype=np.int64).ravel()
        recent = recent[(recent >= 0) & (recent < len(item_index))][-params.n_recent:]
        if len(recent):
            ids, _ = item_index.query(np.asarray(item_vectors)[recent],
                                      min(n_items, params.n_per_recent + 1))
            take("recent", ids)
    if popular is not None and params.n_popular > 0:
        pop = np.asarray(popular, dtype=np.int64)
        pop = pop[(pop >= 0) & (pop < n_items)]
        take("popular", pop[~blocked[pop]][: params.n_popular])
    return CandidateSet(indices=np.flatnonzero(chosen).astype(np.int64), n_items=n_items,
                        contributed=contributed)


def candidate_recall(full_scores: np.ndarray, candidates: CandidateSet | np.ndarray, k: int,
                     exclude: Collection[int] | np.ndarray | None = None) -> float:
    """Share of the full-catalogue top-``k`` (by ``full_scores``, ``exclude`` removed) inside the candidates.

    1.0 means candidate generation lost nothing for this score; a fused score computed on the full
    catalogue is the reference the engine would otherwise show.
    """
    truth = top_n(full_scores, k, None if exclude is None else _as_ids(exclude))
    if len(truth) == 0:
        return 1.0
    idx = candidates.indices if isinstance(candidates, CandidateSet) else np.asarray(candidates, np.int64)
    return float(np.isin(truth, idx).mean())


def topk_overlap(ranked: np.ndarray, reference: np.ndarray, k: int) -> float:
    """``|top-k(ranked) ∩ top-k(reference)| / |top-k(reference)|`` over valid (>= 0) ids."""
    ref = np.asarray(reference, dtype=np.int64)[:k]
    ref = ref[ref >= 0]
    if len(ref) == 0:
        return 1.0
    got = np.asarray(ranked, dtype=np.int64)[:k]
    return float(np.isin(ref, got[got >= 0]).mean())
