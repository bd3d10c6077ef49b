"""``item_knn``: item-based collaborative filtering, the sum of cosine similarities to the user's items.

The item-item cosine over the interaction matrix keeps the top ``k`` neighbours per item, sparse
(:func:`item_similarity_topk`, computed in bounded-memory blocks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
from scipy import sparse

from core.common.progress import ProgressFn, report
from core.ranking.base import (
    BlockMap,
    ChannelContext,
    Evidence,
    ensure_applicable,
    map_locally,
    named_items,
    seed_reason,
    seed_row,
)
from core.ranking.query import Query


@dataclass(frozen=True)
class ItemKNNParams:
    """``k``: neighbours kept per item; ``use_rating``: weight co-occurrences by rating (else binary)."""

    k: int = 50
    use_rating: bool = False


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


def similarity_block(xt: sparse.csr_matrix, rhs: Any, k: int, idx: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block of :func:`item_similarity_topk`: the top ``k`` neighbours of items ``idx`` from the
    normalised item rows ``xt`` times ``rhs`` (dense or sparse users x items). Returns (item, neighbour,
    cosine); the same function runs in this process and in a Ray task (``core.distributed``)."""
    prod: Any = xt[idx] @ rhs
    if isinstance(prod, np.ndarray):
        r, c, v = _dense_topk(np.asarray(prod, dtype=np.float32), idx, k)
    else:
        r, c, v = _sparse_topk(sparse.csr_matrix(prod, dtype=np.float32), idx, k)
    return idx[r], c, v


def assemble_blocks(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n: int) -> sparse.csr_matrix:
    """An (n, n) float32 CSR matrix (sorted indices) from (row, column, value) blocks."""
    if not parts:
        empty = np.zeros(0, np.int64)
        return sparse.csr_matrix((np.zeros(0, np.float32), (empty, empty)), shape=(n, n))
    sim = sparse.csr_matrix(
        (np.concatenate([p[2] for p in parts]), (np.concatenate([p[0] for p in parts]),
                                                 np.concatenate([p[1] for p in parts]))),
        shape=(n, n), dtype=np.float32,
    )
    sim.sort_indices()
    return sim


def item_similarity_topk(
    matrix: sparse.csr_matrix,
    k: int = 50,
    use_rating: bool = False,
    progress: ProgressFn | None = None,
    dense_limit: int = 60_000_000,
    map_blocks: BlockMap | None = None,
) -> sparse.csr_matrix:
    """Item-item cosine over a users x items matrix, keeping the top ``k`` neighbours per item.

    Row ``j`` of the result holds item ``j``'s neighbours (self excluded, zeros dropped). Computed in
    blocks of items so memory stays bounded: ``block x n_items`` floats at a time. When the matrix has
    at most ``dense_limit`` cells it is densified once (sparse x dense products are faster); otherwise
    the blocks stay sparse and only co-occurring pairs are ranked (a full-width ``argpartition`` per
    item was 2/3 of the 1M-interaction fit). Ties at the k-th similarity keep the lowest item indices,
    so both paths return the same neighbours. ``map_blocks`` runs :func:`similarity_block` over the
    blocks (default: in this process; ``core.distributed.backend.RayMap``: as Ray tasks, same result).
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
    active = np.flatnonzero(norms > 0)
    blocks = [active[start : start + block] for start in range(0, len(active), block)]
    parts = (map_blocks or map_locally)(similarity_block, (xt, rhs, k), blocks, progress)
    report(progress, 1.0, "item neighbours")
    return assemble_blocks(parts, n_items)


class ItemKNNChannel:
    """Item-item cosine neighbours over the interaction matrix."""

    name: ClassVar[str] = "item_knn"
    default_weight: ClassVar[float] = 0.5
    Params: ClassVar[type[ItemKNNParams]] = ItemKNNParams

    def __init__(self, params: ItemKNNParams | None = None, **knobs: Any) -> None:
        self.params = params or ItemKNNParams(**knobs)

    def fit(self, ctx: ChannelContext, progress: ProgressFn | None = None) -> Self:
        """Compute the sparse top-K item-item similarity matrix."""
        self.dataset_ = ctx.dataset
        self.similarity_: sparse.csr_matrix | None = None
        if ctx.dataset.matrix.nnz:
            self.similarity_ = item_similarity_topk(ctx.dataset.matrix, self.params.k, self.params.use_rating,
                                                    progress, map_blocks=ctx.map_blocks)
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs interactions and seeds: a known user, or items named in the typed interests."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if self.similarity_ is None:
            return "no_interactions"
        return seed_reason(self.dataset_, query)

    def score(self, queries: list[Query]) -> np.ndarray:
        """``score_i = sum_{j in seeds} w_j sim(j, i) - sum_{a in avoided} w_a sim(a, i)``: the seeds are the
        user's items (rating-weighted when ``use_rating``, else 1) plus the items the typed text names
        (pseudo-history); avoided named items push their neighbours down. One sparse product per batch."""
        ensure_applicable(self, queries)
        assert self.similarity_ is not None
        ds = self.dataset_
        liked = float(ds.matrix.data.max()) if self.params.use_rating and ds.matrix.nnz else 1.0
        indptr, indices, data = [0], [], []
        for q in queries:
            items, weights = seed_row(ds, q, named_value=liked)
            w = weights if self.params.use_rating else np.ones_like(weights)
            avoided, avoid_w = named_items(ds, q, polarity=-1)
            indices.append(np.concatenate([items, avoided]))
            data.append(np.concatenate([w, -liked * avoid_w / max(float(avoid_w.max(initial=0.0)), 1e-12)]))
            indptr.append(indptr[-1] + len(indices[-1]))
        rows = sparse.csr_matrix((np.concatenate(data) if data else np.zeros(0), np.concatenate(indices) if indices
                                  else np.zeros(0, np.int64), np.asarray(indptr)), shape=(len(queries), ds.n_items))
        rows.sum_duplicates()
        return np.asarray((rows @ self.similarity_).toarray(), dtype=np.float64)

    def neighbours_in(self, item: int, candidates: np.ndarray) -> tuple[int, float] | None:
        """The candidate item most similar to ``item`` and its similarity (None when none is a neighbour)."""
        if self.similarity_ is None or len(candidates) == 0:
            return None
        rows = self.similarity_[np.asarray(candidates, dtype=np.int64)]
        col = np.asarray(rows[:, int(item)].toarray()).ravel()
        best = int(np.argmax(col))
        return (int(candidates[best]), float(col[best])) if col[best] > 0 else None

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The history item with the largest neighbour weight to ``item`` (ties: the better-rated, then
        the lower index)."""
        named, _ = named_items(self.dataset_, query)
        hit = self.neighbours_in(item, named)  # an item the person named explains best
        if hit is not None:
            j = hit[0]
            return Evidence("named_item", {"item_idx": j, "title": str(self.dataset_.titles([j])[0])})
        items, weights = seed_row(self.dataset_, query)
        hit = self.neighbours_in(item, items[np.lexsort((items, -weights))])
        if hit is None:
            return Evidence("similar_users")
        j, _sim = hit
        return Evidence("co_liked", {"item_idx": j, "title": str(self.dataset_.titles([j])[0])})
