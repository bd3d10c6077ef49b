"""Popularity bias of recommendation lists: where the recommendations fall on the training popularity curve.

Items are ranked by training popularity (distinct training users, most popular first, ties by item
position) and cut into ``n_bins`` (10: deciles) groups of equal item count; decile 1 holds the most
popular tenth of the catalogue, decile 10 the least popular (items nobody interacted with included).
For each decile: its share of the training interactions and, per configuration, its share of all
recommended slots (``-1`` padding ignored). A recommender without popularity bias puts about as much of
its lists in each decile as users put interactions there; most put far more in decile 1.

Beside the chart, per configuration: the share of recommendations from the long tail (the
``tail`` tier of :func:`core.evaluation.slices.popularity_tiers`; "APLT", Abdollahpouri et al. 2019),
average recommendation popularity (:func:`core.evaluation.metrics.average_popularity`) and catalogue
coverage (:func:`core.evaluation.metrics.catalogue_coverage`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.data.dataset import Dataset
from core.evaluation import metrics as M
from core.evaluation.experiment import ExperimentResult
from core.evaluation.slices import popularity_tiers


@dataclass
class PopularityBias:
    """Interaction share and per-configuration recommendation share of each popularity decile."""

    n_bins: int
    item_counts: np.ndarray
    popularity_range: list[tuple[int, int]]
    interaction_share: np.ndarray
    recommended_share: dict[str, np.ndarray]
    tail_share: dict[str, float]
    average_popularity: dict[str, float]
    coverage: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: per decile its items, popularity range and interaction share; per configuration its shares."""

        def r(v: float) -> float | None:
            return round(float(v), 6) if math.isfinite(v) else None

        return {
            "n_bins": self.n_bins,
            "deciles": [{"decile": d + 1, "items": int(self.item_counts[d]),
                         "popularity": list(self.popularity_range[d]),
                         "interaction_share": r(self.interaction_share[d])} for d in range(self.n_bins)],
            "configs": {name: {"recommended_share": [r(v) for v in share], "tail_share": r(self.tail_share[name]),
                               "average_popularity": r(self.average_popularity[name]),
                               "coverage": r(self.coverage[name])}
                        for name, share in self.recommended_share.items()},
        }

    def to_markdown(self, digits: int = 3) -> str:
        """A Markdown table: one row per decile (interaction share, then each configuration's share)."""
        names = list(self.recommended_share)
        lines = ["### Popularity bias (share per training-popularity decile; 1 = most popular)", "",
                 "| decile | items | popularity | interactions | " + " | ".join(names) + " |",
                 "|---:|---:|---|---:|" + "---:|" * len(names)]
        for d in range(self.n_bins):
            lo, hi = self.popularity_range[d]
            cells = [f"{self.recommended_share[n][d]:.{digits}f}" for n in names]
            lines.append(f"| {d + 1} | {int(self.item_counts[d])} | {lo}–{hi} | "
                         f"{self.interaction_share[d]:.{digits}f} | " + " | ".join(cells) + " |")
        tails = " | ".join(f"{self.tail_share[n]:.{digits}f}" for n in names)
        lines.append(f"| long-tail share | | | | {tails} |")
        return "\n".join(lines) + "\n"


def popularity_bins(popularity: np.ndarray, n_bins: int = 10) -> np.ndarray:
    """Decile (0 = most popular) of each item: equal item counts by popularity rank (ties by position)."""
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    pop = np.asarray(popularity, dtype=np.int64)
    order = np.argsort(-pop, kind="stable")
    rank = np.empty(len(pop), dtype=np.int64)
    rank[order] = np.arange(len(pop))
    return np.minimum(rank * n_bins // max(len(pop), 1), n_bins - 1)


def recommended_share(recommendations: np.ndarray, bins: np.ndarray, k: int, n_bins: int) -> np.ndarray:
    """Share of the recommended slots (top ``k``, padding ignored) falling in each bin."""
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    valid = recs[recs >= 0]
    counts = np.bincount(bins[valid], minlength=n_bins).astype(np.float64)
    total = counts.sum()
    return counts / total if total > 0 else counts


def tail_share(recommendations: np.ndarray, tail: np.ndarray, k: int) -> float:
    """Mean over lists of the share of a list's items in the long tail (``tail``: boolean per item)."""
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    shares = [float(tail[row[row >= 0]].mean()) for row in recs if (row >= 0).any()]
    return float(np.mean(shares)) if shares else float("nan")


def popularity_bias(
    result: ExperimentResult, train: Dataset, *, configs: Sequence[str] | None = None, n_bins: int = 10,
    tail_share_of_interactions: float = 0.2,
) -> PopularityBias:
    """Popularity deciles of ``train`` and each configuration's recommendation share per decile."""
    pop = train.item_popularity
    bins = popularity_bins(pop, n_bins)
    total = float(pop.sum())
    inter = np.array([pop[bins == d].sum() for d in range(n_bins)], dtype=np.float64)
    inter = inter / total if total > 0 else inter
    counts = np.bincount(bins, minlength=n_bins)
    ranges = [(int(pop[bins == d].min()), int(pop[bins == d].max())) if counts[d] else (0, 0)
              for d in range(n_bins)]
    tiers, _ = popularity_tiers(pop, 0.2, tail_share_of_interactions)
    tail = tiers == 2
    shares: dict[str, np.ndarray] = {}
    tails: dict[str, float] = {}
    arp: dict[str, float] = {}
    cov: dict[str, float] = {}
    for res in result.results:
        if configs is not None and res.name not in configs:
            continue
        shares[res.name] = recommended_share(res.recommendations, bins, result.k, n_bins)
        tails[res.name] = tail_share(res.recommendations, tail, result.k)
        arp[res.name] = M.average_popularity(res.recommendations, pop, result.k)
        cov[res.name] = M.catalogue_coverage(res.recommendations, train.n_items, result.k)
    return PopularityBias(n_bins, counts, ranges, inter, shares, tails, arp, cov)
