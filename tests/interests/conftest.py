"""Fixtures shared by the interests tests: MovieLens vectors, an HNSW index, genres, one decomposed profile."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.dataset import Dataset
from core.interests.decompose import decompose
from core.interests.profile import InterestProfile
from core.vectors.index import HnswIndex


@pytest.fixture(scope="session")
def vectors(movielens_vectors: np.ndarray) -> np.ndarray:
    """MovieLens item vectors (use-m3)."""
    return movielens_vectors


@pytest.fixture(scope="session")
def index(vectors: np.ndarray) -> HnswIndex:
    """An HNSW index over :func:`vectors`."""
    return HnswIndex(vectors.shape[1]).build(vectors)


@pytest.fixture(scope="session")
def genres(movielens: Dataset) -> list[frozenset[str]]:
    """Each MovieLens item's genres."""
    return [frozenset(t) for t in movielens.items["tags"]]


@pytest.fixture(scope="session")
def base(use_encoder, vectors: np.ndarray) -> InterestProfile:  # type: ignore[no-untyped-def]
    """Three wanted tags and one avoided tag, decomposed with the real encoder."""
    return decompose("科幻电影、喜剧和纪录片，不要恐怖片", use_encoder, vectors)

