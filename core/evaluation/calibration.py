"""Calibration of each top-k list's genre mix against the user's history (Steck, RecSys 2018).

Steck's "Calibrated Recommendations" compares two genre distributions of a user ``u``:

- ``p(g|u) = sum_{i in H} w_ui p(g|i) / sum_{i in H} w_ui`` over the items ``H`` in the user's (training)
  history,
- ``q(g|u) = sum_{i in L} w_r(i) p(g|i) / sum_{i in L} w_r(i)`` over the recommended list ``L``,

with ``p(g|i) = 1 / |genres(i)|`` for each genre of item ``i`` (an item's genres share it equally). The
miscalibration is the Kullback-Leibler divergence ``C_KL(p, q) = sum_g p(g|u) log(p(g|u) / q~(g|u))`` with
``q~ = (1 - alpha) q + alpha p`` and a small ``alpha`` (0.01) so that a genre missing from the list gives
a large but finite value; genres absent from the history add nothing. 0 = perfectly calibrated.
The paper leaves the weights open (e.g. recency for ``w_ui``, a rank discount for ``w_r(i)``); by default
every history item and every list slot weighs the same (``history_weights="rating"`` weighs the history
by the interaction weight). Items without any genre are left out of both sums; a user whose history or
list has no genre at all gets NaN, left out of the configuration's mean.

Genres: the items' ``tags`` when they form a small, genre-like vocabulary (at most :data:`MAX_GENRE_TAGS`
distinct values, as MovieLens' 19 genres), else the items' ``category`` (one genre per item).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from core.data.dataset import Dataset
from core.evaluation.experiment import ExperimentResult

ALPHA = 0.01
"""Steck's mixing weight of ``p`` into ``q`` (keeps the KL divergence finite)."""
MAX_GENRE_TAGS = 50
"""At most this many distinct item tags count as genres; richer tag vocabularies fall back to ``category``."""
IGNORED_GENRES = frozenset({"", "(no genres listed)"})
CHUNK_CELLS = 4_000_000
"""Users are scored in blocks of at most this many (user, genre) cells (32 MB per dense block)."""


@dataclass
class CalibrationReport:
    """Per configuration: each evaluated user's miscalibration and the mean over users with genres."""

    source: str
    genres: tuple[str, ...]
    alpha: float
    per_user: dict[str, np.ndarray]

    def mean(self, config: str) -> float:
        """Mean miscalibration of ``config`` over users with a defined score (NaN when none)."""
        values = self.per_user[config]
        finite = values[np.isfinite(values)]
        return float(finite.mean()) if len(finite) else float("nan")

    def n_users(self, config: str) -> int:
        """Users with a defined score for ``config``."""
        return int(np.isfinite(self.per_user[config]).sum())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: genre source, alpha, and per configuration the mean and the users scored."""
        return {
            "source": self.source, "n_genres": len(self.genres), "alpha": self.alpha,
            "configs": {name: {"miscalibration": (round(m, 6) if math.isfinite(m := self.mean(name)) else None),
                               "n_users": self.n_users(name)} for name in self.per_user},
        }

    def to_markdown(self, digits: int = 4) -> str:
        """A Markdown table of the mean miscalibration per configuration."""
        lines = [f"### Calibration (Steck 2018: KL(p || q~), alpha {self.alpha}, genres from {self.source}; "
                 "lower is better)", "", "| configuration | miscalibration | users |", "|---|---:|---:|"]
        for name in self.per_user:
            m = self.mean(name)
            lines.append(f"| {name} | {'—' if not math.isfinite(m) else f'{m:.{digits}f}'} | {self.n_users(name)} |")
        return "\n".join(lines) + "\n"


def genre_source(items: pd.DataFrame) -> Literal["tags", "category"] | None:
    """Where the items' genres are: ``tags`` (small vocabulary), ``category``, or None (neither)."""
    if "tags" in items:
        vocab = {str(t) for tags in items["tags"] for t in tags} - IGNORED_GENRES
        if 0 < len(vocab) <= MAX_GENRE_TAGS:
            return "tags"
    if "category" in items and bool((~items["category"].fillna("").astype(str).isin(IGNORED_GENRES)).any()):
        return "category"
    return None


def item_genre_matrix(items: pd.DataFrame, source: str) -> tuple[sparse.csr_matrix, tuple[str, ...]]:
    """(items x genres matrix of ``p(g|i)`` — rows sum to 1, or 0 for an item without genres; genre names)."""
    if source == "tags":
        lists = [[str(t) for t in tags if str(t) not in IGNORED_GENRES] for tags in items["tags"]]
    elif source == "category":
        lists = [[] if str(c) in IGNORED_GENRES else [str(c)] for c in items["category"].fillna("")]
    else:
        raise ValueError(f"unknown genre source {source!r}")
    names = tuple(sorted({g for gs in lists for g in gs}))
    col = {g: j for j, g in enumerate(names)}
    rows, cols, vals = [], [], []
    for i, gs in enumerate(lists):
        unique = list(dict.fromkeys(gs))
        for g in unique:
            rows.append(i)
            cols.append(col[g])
            vals.append(1.0 / len(unique))
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(lists), len(names)), dtype=np.float64)
    return matrix, names


def _normalise_rows(dist: np.ndarray) -> np.ndarray:
    totals = dist.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, dist / np.where(totals > 0, totals, 1.0), np.nan)


def genre_distributions(weights: sparse.csr_matrix, genres: sparse.csr_matrix) -> np.ndarray:
    """Row-wise genre distribution ``sum_i w_ui p(g|i) / sum_i w_ui`` over items with genres (NaN rows: none)."""
    return _normalise_rows(np.asarray((weights @ genres).todense(), dtype=np.float64))


def miscalibration(p: np.ndarray, q: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """Steck's ``KL(p || (1 - alpha) q + alpha p)`` per row (``0 log 0 = 0``; NaN where p or q is NaN)."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    q_mix = (1.0 - alpha) * q + alpha * p
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / q_mix), 0.0)
    out: np.ndarray = terms.sum(axis=1)
    out[np.isnan(p).any(axis=1) | np.isnan(q).any(axis=1)] = np.nan
    return out


def list_weights(recommendations: np.ndarray, n_items: int, k: int) -> sparse.csr_matrix:
    """Users x items matrix with 1 for each item in a user's top ``k`` (padding ``-1`` ignored)."""
    recs = np.asarray(recommendations, dtype=np.int64)[:, :k]
    rows, cols = np.nonzero(recs >= 0)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, recs[rows, cols])), shape=(recs.shape[0], n_items))


def history_weights(train: Dataset, users: np.ndarray, how: str = "uniform") -> sparse.csr_matrix:
    """Users x items history weights: 1 per distinct training item (``uniform``) or the interaction weight."""
    rows = sparse.csr_matrix(train.matrix[np.asarray(users, dtype=np.int64)], dtype=np.float64)
    if how == "uniform":
        rows.data = np.ones_like(rows.data)
    elif how == "rating":
        rows.data = np.maximum(rows.data, 0.0)
    else:
        raise ValueError(f"unknown history weighting {how!r}; expected 'uniform' or 'rating'")
    rows.eliminate_zeros()
    return rows


def calibration(
    result: ExperimentResult, train: Dataset, *, configs: Sequence[str] | None = None, alpha: float = ALPHA,
    source: str | None = None, history: str = "uniform",
) -> CalibrationReport | None:
    """Each configuration's per-user miscalibration on ``result.users``; None when the items have no genres."""
    chosen = source or genre_source(train.items)
    if chosen is None:
        return None
    genres, names = item_genre_matrix(train.items, chosen)
    users = np.asarray(result.users, dtype=np.int64)
    chosen_results = [r for r in result.results if configs is None or r.name in configs]
    per_user = {r.name: np.full(len(users), np.nan) for r in chosen_results}
    hist = history_weights(train, users, history)
    step = max(1, CHUNK_CELLS // max(len(names), 1))  # dense users x genres blocks stay small
    for start in range(0, len(users), step):
        stop = min(len(users), start + step)
        p = genre_distributions(hist[start:stop], genres)
        for res in chosen_results:
            lists = list_weights(np.asarray(res.recommendations)[start:stop], train.n_items, result.k)
            per_user[res.name][start:stop] = miscalibration(p, genre_distributions(lists, genres), alpha)
    return CalibrationReport(chosen, names, alpha, per_user)
