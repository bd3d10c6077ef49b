"""Shared evaluation test data: a small clustered synthetic dataset (users like the items of "their" genre).

Collaborative baselines must beat popularity on it and tuned fusion must not lose to the default on
validation; everything runs in seconds. Test modules import :func:`clustered` / :func:`genre_vectors`
from here; the ``data`` and ``split`` fixtures are shared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.data.splits import Split, SplitParams, split_dataset

N_GENRES = 4
ITEMS_PER_GENRE = 20


def clustered(n_users: int = 80, seed: int = 0, with_text: bool = True) -> Dataset:
    """Users each prefer one genre (10 of 13 items from it, skewed to its head items)."""
    rng = np.random.default_rng(seed)
    n_items = N_GENRES * ITEMS_PER_GENRE
    rows = []
    t = 1.6e9
    for u in range(n_users):
        genre = u % N_GENRES
        own = genre * ITEMS_PER_GENRE + np.arange(ITEMS_PER_GENRE)
        p = 1.0 / np.arange(1, ITEMS_PER_GENRE + 1) ** 0.7
        liked = rng.choice(own, size=10, replace=False, p=p / p.sum())
        other = rng.choice(np.setdiff1d(np.arange(n_items), own), size=3, replace=False)
        for i in rng.permutation(np.concatenate([liked, other])):
            t += float(rng.integers(60, 6000))
            rating = float(rng.choice([4.0, 4.5, 5.0])) if i in liked else float(rng.choice([1.0, 2.0, 3.0]))
            rows.append((f"u{u}", f"m{i}", rating, t, ""))
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp", "event"])
    genres = ["space opera", "cozy mystery", "romantic comedy", "horror"]
    if with_text:
        items = pd.DataFrame({
            "item_id": [f"m{i}" for i in range(n_items)],
            "title": [f"{genres[i // ITEMS_PER_GENRE].title()} story {i}" for i in range(n_items)],
            "category": [genres[i // ITEMS_PER_GENRE] for i in range(n_items)],
            "tags": [(genres[i // ITEMS_PER_GENRE], f"mood{i % 3}") for i in range(n_items)],
            "year": [1990 + i % 30 for i in range(n_items)],
        })
        tagged = inter.groupby("user_id").head(2)
        user_tags = pd.DataFrame({
            "user_id": tagged["user_id"], "item_id": tagged["item_id"],
            "tag": [genres[int(str(u)[1:]) % N_GENRES] for u in tagged["user_id"]],
            "timestamp": tagged["timestamp"],
        })
        return Dataset.from_frames("clustered", inter, items, user_tags=user_tags)
    ids_only = pd.DataFrame({"item_id": [f"m{i}" for i in range(n_items)]})
    return Dataset.from_frames("clustered-ids", inter, ids_only)


def genre_vectors(ds: Dataset, seed: int = 1, noise: float = 0.6) -> np.ndarray:
    """Synthetic item vectors: genre centroid + noise, L2-normalised (16-d)."""
    rng = np.random.default_rng(seed)
    centroids = rng.normal(size=(N_GENRES, 16))
    genre = np.array([int(str(i)[1:]) // ITEMS_PER_GENRE for i in ds.item_ids])
    vecs = centroids[genre] + noise * rng.normal(size=(ds.n_items, 16))
    return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return clustered()


@pytest.fixture(scope="module")
def split(data: Dataset) -> Split:
    return split_dataset(data, SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0))
