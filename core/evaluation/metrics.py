"""Top-k recommendation metrics over the full catalogue (no sampled negatives), as pure functions.

Every accuracy metric takes one user's ranked list (item positions, best first; ``-1`` pads a list
that is shorter than ``k``) and the set of that user's relevant held-out items. Definitions (binary
relevance, ``rel_i = 1`` when the item at rank ``i`` is relevant, ``R`` the relevant set):

- ``precision@k = hits@k / k`` (a short list still divides by ``k``: empty slots count as misses).
- ``recall@k = hits@k / |R|``.
- ``ndcg@k = DCG@k / IDCG@k`` with ``DCG@k = sum_i rel_i / log2(i + 1)`` (ranks from 1) and the ideal
  DCG of ``min(|R|, k)`` hits at the top (Järvelin & Kekäläinen 2002, binary gain).
- ``ap@k = (1 / min(|R|, k)) * sum_i precision@i * rel_i`` (the usual MAP@k normalisation; with
  ``k`` = catalogue size it is the classic average precision).
- ``rr@k = 1 / rank`` of the first hit, 0 without a hit in the top k (mean = MRR).
- ``hit@k = 1`` when at least one relevant item is in the top k (mean = hit rate).

Beyond-accuracy metrics take the whole ``(n_users, k)`` recommendation matrix:

- ``coverage``: share of the catalogue recommended to at least one user.
- ``gini``: Gini coefficient of how often each catalogue item is recommended (0 = every item equally
  exposed, → 1 = all exposure on one item).
- ``novelty``: mean self-information ``-log2(pop_i / n_users)`` of recommended items, ``pop_i`` the
  number of training users who interacted with item ``i`` (clipped to at least 1 so an item nobody
  saw in training scores ``log2(n_users)`` instead of infinity) (Zhou et al. 2010).
- ``ild``: intra-list diversity, mean pairwise ``1 - cosine`` between the item vectors of one list,
  averaged over users (Ziegler et al. 2005).
- ``arp``: average recommendation popularity, mean training popularity of recommended items,
  averaged over users (Abdollahpouri et al. 2019).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

ACCURACY_METRICS: tuple[str, ...] = ("precision", "recall", "ndcg", "map", "mrr", "hit_rate")
"""Per-user accuracy metrics, in display order (names used in result tables as ``<name>@<k>``)."""

BEYOND_METRICS: tuple[str, ...] = ("coverage", "gini", "novelty", "ild", "arp")
"""Catalogue-level / list-level metrics computed from all lists at once."""

ALL_METRICS: tuple[str, ...] = ACCURACY_METRICS + BEYOND_METRICS

HIGHER_IS_BETTER: dict[str, bool] = {
    "precision": True, "recall": True, "ndcg": True, "map": True, "mrr": True, "hit_rate": True,
    "coverage": True, "gini": False, "novelty": True, "ild": True, "arp": False,
}
"""Direction of each metric, used to mark the best value per column."""


def _hits(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> np.ndarray:
    """Binary relevance of the top ``k`` ranks (padding ``-1`` is never relevant)."""
    if k <= 0:
        raise ValueError("k must be positive")
    top = np.asarray(ranked, dtype=np.int64)[:k]
    rel = np.fromiter((int(i) in relevant for i in top), dtype=bool, count=len(top))
    return rel & (top >= 0)


def precision_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """Share of the top ``k`` slots holding a relevant item."""
    return float(_hits(ranked, relevant, k).sum()) / k


def recall_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """Share of the relevant items found in the top ``k`` (0 when nothing is relevant)."""
    if not relevant:
        return 0.0
    return float(_hits(ranked, relevant, k).sum()) / len(relevant)


def _discounts(n: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, n + 2, dtype=np.float64))


def dcg_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """Discounted cumulative gain with binary gain and a log2 rank discount."""
    hits = _hits(ranked, relevant, k)
    return float((hits * _discounts(len(hits))).sum())


def ndcg_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """DCG@k divided by the DCG of an ideal list with ``min(|R|, k)`` hits on top (0 when R is empty)."""
    if not relevant:
        return 0.0
    ideal = float(_discounts(min(len(relevant), k)).sum())
    return dcg_at_k(ranked, relevant, k) / ideal


def average_precision_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """AP@k: sum of precision@i at each relevant rank i <= k, divided by ``min(|R|, k)``."""
    if not relevant:
        return 0.0
    hits = _hits(ranked, relevant, k)
    if not hits.any():
        return 0.0
    precisions = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float((precisions * hits).sum()) / min(len(relevant), k)


def reciprocal_rank_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """1 / rank of the first relevant item in the top ``k``; 0 when there is none."""
    hits = _hits(ranked, relevant, k)
    first = np.flatnonzero(hits)
    return 0.0 if len(first) == 0 else 1.0 / (int(first[0]) + 1)


def hit_at_k(ranked: Sequence[int] | np.ndarray, relevant: Collection[int], k: int) -> float:
    """1.0 when any relevant item is in the top ``k``, else 0.0."""
    return float(_hits(ranked, relevant, k).any())


_PER_USER = {
    "precision": precision_at_k,
    "recall": recall_at_k,
    "ndcg": ndcg_at_k,
    "map": average_precision_at_k,
    "mrr": reciprocal_rank_at_k,
    "hit_rate": hit_at_k,
}


def accuracy_per_user(
    recommendations: np.ndarray,
    relevant: Sequence[Collection[int]],
    k: int,
    metrics: Sequence[str] = ACCURACY_METRICS,
) -> dict[str, np.ndarray]:
    """Each accuracy metric for each row of ``recommendations`` (n_users, >= k) against ``relevant``.

    Vectorised over users; equal to calling the single-user functions row by row.
    """
    recs = np.asarray(recommendations, dtype=np.int64)
    if recs.ndim != 2 or recs.shape[0] != len(relevant):
        raise ValueError("recommendations must be (n_users, k) with one relevant set per row")
    unknown = set(metrics) - set(_PER_USER)
    if unknown:
        raise ValueError(f"unknown accuracy metric(s) {sorted(unknown)}")
    n = recs.shape[0]
    top: np.ndarray = recs[:, :k]
    width = top.shape[1]
    hits: np.ndarray = np.zeros((n, k), dtype=bool)
    sizes = np.fromiter((len(r) for r in relevant), dtype=np.int64, count=n)
    if sizes.sum() and width:  # one isin over (row, item) keys instead of one per row
        flat = np.fromiter((int(i) for r in relevant for i in r), dtype=np.int64, count=int(sizes.sum()))
        span = int(max(flat.max(), top.max())) + 1
        rows = np.arange(n, dtype=np.int64)
        keys = np.repeat(rows, sizes) * span + flat
        hits[:, :width] = np.isin(rows[:, None] * span + top, keys) & (top >= 0)
    n_rel = np.array([len(r) for r in relevant], dtype=np.float64)
    n_hits = hits.sum(axis=1).astype(np.float64)
    disc = _discounts(k)
    out: dict[str, np.ndarray] = {}
    safe_rel = np.maximum(n_rel, 1.0)
    if "precision" in metrics:
        out["precision"] = n_hits / k
    if "recall" in metrics:
        out["recall"] = np.where(n_rel > 0, n_hits / safe_rel, 0.0)
    if "ndcg" in metrics:
        ideal_cum = np.concatenate([[0.0], np.cumsum(disc)])
        ideal = ideal_cum[np.minimum(n_rel, k).astype(int)]
        dcg = (hits * disc).sum(axis=1)
        out["ndcg"] = np.where(ideal > 0, dcg / np.where(ideal > 0, ideal, 1.0), 0.0)
    if "map" in metrics:
        prec_at = np.cumsum(hits, axis=1) / np.arange(1, k + 1)
        denom = np.maximum(np.minimum(n_rel, k), 1.0)
        out["map"] = np.where(n_rel > 0, (prec_at * hits).sum(axis=1) / denom, 0.0)
    if "mrr" in metrics:
        first = np.argmax(hits, axis=1)
        out["mrr"] = np.where(hits.any(axis=1), 1.0 / (first + 1), 0.0)
    if "hit_rate" in metrics:
        out["hit_rate"] = np.asarray(hits.any(axis=1), dtype=np.float64)
    return {name: out[name] for name in metrics}


def mean_accuracy(
    recommendations: np.ndarray, relevant: Sequence[Collection[int]], k: int, metric: str = "ndcg"
) -> float:
    """Mean over users of one accuracy metric (what tuning maximises)."""
    return float(accuracy_per_user(recommendations, relevant, k, (metric,))[metric].mean())


def _valid(recommendations: np.ndarray, k: int) -> np.ndarray:
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    return recs[recs >= 0]


def exposure_counts(recommendations: np.ndarray, n_items: int, k: int) -> np.ndarray:
    """How many lists each catalogue item appears in (int64, length ``n_items``)."""
    return np.bincount(_valid(recommendations, k), minlength=n_items).astype(np.int64)


def catalogue_coverage(recommendations: np.ndarray, n_items: int, k: int) -> float:
    """Share of the ``n_items`` catalogue that appears in at least one top-k list."""
    if n_items <= 0:
        return 0.0
    return float((exposure_counts(recommendations, n_items, k) > 0).sum()) / n_items


def gini_coefficient(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = perfectly equal; 0 when all are zero)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float(((2 * ranks - n - 1) * x).sum() / (n * total))


def gini_exposure(recommendations: np.ndarray, n_items: int, k: int) -> float:
    """Gini coefficient of recommendation counts over the whole catalogue (unrecommended items count 0)."""
    return gini_coefficient(exposure_counts(recommendations, n_items, k))


def novelty(recommendations: np.ndarray, popularity: np.ndarray, n_users: int, k: int) -> float:
    """Mean self-information ``-log2(pop/n_users)`` of recommended items (pop clipped to >= 1), per list."""
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    pop = np.maximum(np.asarray(popularity, dtype=np.float64), 1.0)
    info = -np.log2(np.minimum(pop / max(n_users, 1), 1.0))
    per_user = [float(info[row[row >= 0]].mean()) for row in recs if (row >= 0).any()]
    return float(np.mean(per_user)) if per_user else float("nan")


def average_popularity(recommendations: np.ndarray, popularity: np.ndarray, k: int) -> float:
    """Mean training popularity of recommended items, per list, averaged over lists (ARP)."""
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    pop = np.asarray(popularity, dtype=np.float64)
    per_user = [float(pop[row[row >= 0]].mean()) for row in recs if (row >= 0).any()]
    return float(np.mean(per_user)) if per_user else float("nan")


def intra_list_diversity(recommendations: np.ndarray, item_vectors: np.ndarray | None, k: int) -> float:
    """Mean pairwise ``1 - cosine`` inside each list, over lists with >= 2 items (NaN without vectors)."""
    if item_vectors is None:
        return float("nan")
    vecs = np.asarray(item_vectors, dtype=np.float64)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    unit = vecs / np.where(norms > 0, norms, 1.0)
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    values: list[float] = []
    for row in recs:
        ids = row[row >= 0]
        m = len(ids)
        if m < 2:
            continue
        sims = unit[ids] @ unit[ids].T
        mean_sim = (sims.sum() - np.trace(sims)) / (m * (m - 1))
        values.append(1.0 - float(mean_sim))
    return float(np.mean(values)) if values else float("nan")


def beyond_accuracy(
    recommendations: np.ndarray,
    *,
    n_items: int,
    popularity: np.ndarray,
    n_users: int,
    k: int,
    item_vectors: np.ndarray | None = None,
    metrics: Sequence[str] = BEYOND_METRICS,
) -> dict[str, float]:
    """The catalogue-level metrics in ``metrics`` for one configuration's recommendation matrix."""
    out: dict[str, float] = {}
    for name in metrics:
        if name == "coverage":
            out[name] = catalogue_coverage(recommendations, n_items, k)
        elif name == "gini":
            out[name] = gini_exposure(recommendations, n_items, k)
        elif name == "novelty":
            out[name] = novelty(recommendations, popularity, n_users, k)
        elif name == "ild":
            out[name] = intra_list_diversity(recommendations, item_vectors, k)
        elif name == "arp":
            out[name] = average_popularity(recommendations, popularity, k)
        else:
            raise ValueError(f"unknown beyond-accuracy metric {name!r}")
    return out
