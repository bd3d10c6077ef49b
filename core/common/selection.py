"""Choosing the best few of many: exact top-k (one row or many) and maximal marginal relevance.

Every ranked list in InterestLens is cut by these functions, so ties break the same way everywhere:
by **ascending position** (the lower item index first), and ``-inf`` means "not eligible".

- :func:`top_k`: one score row -> the positions of the ``k`` best, best first;
- :func:`top_k_rows`: a (n_rows, n_items) matrix -> (n_rows, k) positions, ``-1`` padded;
- :func:`mmr`: greedy maximal marginal relevance (Carbonell & Goldstein 1998) over a candidate pool,
  ``argmax lam * relevance - (1 - lam) * max_sim_to_chosen``; used for diverse item lists (fusion) and
  for non-redundant interest tags (decomposition, with groups and an acceptance rule).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest scores (``-inf`` dropped), best first, ties by ascending position.

    Exact, and cheaper than a full ``argpartition`` on large arrays: a threshold from a strided sample
    keeps only the items that can reach the top ``k`` (when at least ``k`` items reach it, the true
    top ``k`` all do); when the guess misses, one ``np.partition`` finds the k-th value instead. Items
    tied with the k-th value are taken in index order, so huge tie groups (a sparse channel's zeros)
    stay cheap.
    """
    scores = np.asarray(scores, dtype=np.float64)
    scores = np.where(np.isnan(scores), -np.inf, scores) if np.isnan(scores).any() else scores
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


def top_k_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Row-wise :func:`top_k`: (n_rows, n_items) -> (n_rows, k) int64 positions, ``-1`` padded."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"top_k_rows expects a 2-D array, got shape {scores.shape}")
    n, m = scores.shape
    k = int(k)
    out = np.full((n, max(k, 0)), -1, dtype=np.int64)
    if n == 0 or m == 0 or k <= 0:
        return out
    kk = min(k, m)
    part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk] if kk < m else np.tile(np.arange(m), (n, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    # a row may hold more items tied with its k-th value than fit: take those in index order
    kth = part_scores.min(axis=1)
    n_tied = (scores == kth[:, None]).sum(axis=1)
    tie_rows = np.flatnonzero(np.isfinite(kth) & (n_tied > (part_scores == kth[:, None]).sum(axis=1)))
    order = np.lexsort((part, -part_scores), axis=1)
    ids = np.take_along_axis(part, order, axis=1).astype(np.int64)
    ids[~np.isfinite(np.take_along_axis(part_scores, order, axis=1))] = -1
    for r in tie_rows:
        ids[r] = -1
        row = top_k(scores[r], kk)
        ids[r, : row.size] = row
    out[:, :kk] = ids
    return out


def mmr(
    relevance: np.ndarray,
    similarity: np.ndarray,
    k: int,
    lam: float,
    *,
    groups: np.ndarray | None = None,
    accept: Callable[[int, float], bool] | None = None,
) -> list[int]:
    """Greedy maximal marginal relevance over a pool of ``n`` candidates; returns chosen pool positions.

    At each step the candidate with the highest ``lam * relevance[i] - (1 - lam) * red[i]`` is taken,
    where ``red[i]`` is its largest ``similarity`` to an already chosen candidate of the same group
    (``groups``; all one group by default), 0 while none is chosen. Ties go to the lower position.
    ``accept(i, red_i)``, when given, may refuse the best candidate: it then leaves the pool without
    being chosen (decomposition drops near-duplicate tags that way). Stops after ``k`` choices or when
    the pool is empty. ``lam == 1`` without ``accept`` is plain relevance order.
    """
    rel = np.asarray(relevance, dtype=np.float64)
    n = rel.size
    sim = np.asarray(similarity, dtype=np.float64)
    grp = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups)
    red = np.zeros(n, dtype=np.float64)
    has = np.zeros(n, dtype=bool)
    available = np.ones(n, dtype=bool)
    chosen: list[int] = []
    while len(chosen) < k and available.any():
        gain = lam * rel - (1.0 - lam) * np.where(has, red, 0.0)
        gain[~available] = -np.inf
        j = int(np.argmax(gain))
        available[j] = False
        red_j = float(red[j]) if has[j] else 0.0
        if accept is not None and not accept(j, red_j):
            continue
        chosen.append(j)
        same = grp == grp[j]
        red = np.where(same & has, np.maximum(red, sim[:, j]), np.where(same, sim[:, j], red))
        has |= same
    return chosen
