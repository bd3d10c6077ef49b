"""Fixtures shared by the vectors tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.common.config import data_dir

N_REAL = 2000


@pytest.fixture(scope="session")
def movie_vectors(use_encoder: Any) -> tuple[np.ndarray, pd.DataFrame]:
    """USE vectors of a seeded sample of 2,000 MovieLens movies ("title. genre, genre")."""
    movies = pd.read_csv(data_dir() / "ml-latest-small" / "movies.csv")
    rows = np.sort(np.random.default_rng(7).choice(len(movies), N_REAL, replace=False))
    sample = movies.iloc[rows].reset_index(drop=True)
    texts = (sample["title"] + ". " + sample["genres"].str.replace("|", ", ")).tolist()
    vectors = np.asarray(use_encoder.encode(texts, batch_size=256), dtype=np.float32)
    return vectors, sample
