"""User vectors: each user's profile as the rating- and time-weighted mean of their item vectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from core.data.dataset import Dataset

SECONDS_PER_DAY = 86_400.0


def interaction_weights(
    dataset: Dataset, half_life_days: float | None = 180.0, use_rating: bool = True
) -> np.ndarray:
    """Weight of each interaction row (float64, aligned with ``dataset.interactions``).

    weight = rating part x time part, where

    - rating part (``use_rating``): the rating *centred on the user's own mean and clipped at 0*,
      ``max(r - mean_u, 0)``. Centring removes rater bias (a harsh rater's 3.5 can be a like), clipping
      keeps the profile a mean of liked items instead of pushing it away from disliked ones (negative
      weights make a "mean" point anywhere). When every rating of a user equals their mean (implicit
      data, or a user who rates everything alike), all their interactions get 1.
    - time part: ``0.5 ** (age_days / half_life_days)`` with age relative to that user's latest
      interaction (not the wall clock, so old datasets do not decay to nothing); 1 when
      ``half_life_days`` is None or the timestamp is unknown.
    """
    inter = dataset.interactions
    n = len(inter)
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    users = inter["user_idx"].to_numpy(dtype=np.int64)
    weights = np.ones(n, dtype=np.float64)
    if use_rating:
        rating = inter["rating"].to_numpy(dtype=np.float64)
        rating = np.where(np.isfinite(rating), rating, np.nan)
        sums = np.bincount(users, weights=np.nan_to_num(rating), minlength=dataset.n_users)
        counts = np.bincount(users, weights=np.isfinite(rating).astype(float), minlength=dataset.n_users)
        mean = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        centred = np.clip(np.nan_to_num(rating - mean[users], nan=0.0), 0.0, None)
        total = np.bincount(users, weights=centred, minlength=dataset.n_users)
        weights = np.where(total[users] > 1e-12, centred, 1.0)
    if half_life_days is not None:
        if half_life_days <= 0:
            raise ValueError("half_life_days must be positive (or None for no decay)")
        ts = inter["timestamp"].to_numpy(dtype=np.float64)
        known = np.isfinite(ts)
        latest = np.full(dataset.n_users, -np.inf)
        np.maximum.at(latest, users[known], ts[known])
        age_days = np.where(known, (latest[users] - np.where(known, ts, 0.0)) / SECONDS_PER_DAY, 0.0)
        weights = weights * np.power(0.5, np.clip(age_days, 0.0, None) / half_life_days)
    return weights


def user_vectors(
    dataset: Dataset,
    item_vectors: np.ndarray,
    half_life_days: float | None = 180.0,
    use_rating: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """User profiles: the weighted mean of each user's item vectors, rows L2-normalised.

    Weights come from :func:`interaction_weights` (rating centred per user and clipped at 0, times a
    time decay with ``half_life_days`` relative to the user's latest interaction). Returns
    ``(vectors (n_users, d) float32, has_vector bool (n_users,))``; a user with no usable history has
    ``has_vector False`` and a zero row that must not be used as a vector.
    """
    item_vectors = np.asarray(item_vectors, dtype=np.float32)
    if item_vectors.ndim != 2 or item_vectors.shape[0] != dataset.n_items:
        raise ValueError(f"item_vectors must have shape ({dataset.n_items}, d), got {item_vectors.shape}")
    inter = dataset.interactions
    weights = interaction_weights(dataset, half_life_days, use_rating)
    mat = sparse.csr_matrix(
        (weights, (inter["user_idx"].to_numpy(), inter["item_idx"].to_numpy())),
        shape=(dataset.n_users, dataset.n_items),
        dtype=np.float64,
    )
    mat.sum_duplicates()
    profiles = np.asarray(mat @ item_vectors.astype(np.float64), dtype=np.float64)
    norms = np.linalg.norm(profiles, axis=1)
    has_vector = norms > 1e-9
    out = np.zeros(profiles.shape, dtype=np.float32)
    out[has_vector] = (profiles[has_vector] / norms[has_vector, None]).astype(np.float32)
    return out, has_vector
