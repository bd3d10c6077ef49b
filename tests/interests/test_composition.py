"""core.interests.composition: single / multi scoring, the negative penalty, the whole-text baseline."""

from __future__ import annotations

import numpy as np
import pytest

from core.common.errors import InterestLensError
from core.common.selection import top_k
from core.interests import composition as co
from core.interests.decompose import decompose
from core.interests.profile import InterestProfile
from core.vectors.encoders import Encoder
from core.vectors.index import HnswIndex
from tests.interests.test_decompose import DONE_WHEN, _top_genres


def test_whole_text_baseline_is_fooled_by_the_negation(
    use_encoder: Encoder, vectors: np.ndarray, genres: list[frozenset[str]]
) -> None:
    """Why decomposition matters: the whole sentence embeds close to horror films."""
    top = _top_genres(co.whole_text_scores(DONE_WHEN, use_encoder, vectors), genres, 10)
    assert sum(1 for g in top if "Horror" in g) >= 3


def test_score_items_contract(base: InterestProfile, vectors: np.ndarray, index: HnswIndex) -> None:
    single = co.score_items(base, vectors, "single")
    multi = co.score_items(base, vectors, "multi", index, k=100)
    for scores in (single, multi):
        assert scores.dtype == np.float64 and scores.shape == (len(vectors),) and np.isfinite(scores).all()
    composed = base.composed_vector()
    assert composed is not None
    expected = vectors @ composed - co.negative_penalty(base, vectors)
    np.testing.assert_allclose(single, expected, atol=1e-5)
    penalty = co.negative_penalty(base, vectors)
    retrieved = (multi + penalty) != co.MULTI_FLOOR
    assert 100 <= retrieved.sum() <= len(base.positive()) * 100  # k items per positive tag, some shared
    assert (multi[~retrieved] <= co.MULTI_FLOOR).all() and (multi[retrieved] > -1).all()
    with pytest.raises(InterestLensError):
        co.score_items(base, vectors, "both")  # type: ignore[arg-type]


def test_multi_with_hnsw_matches_exact_search(base: InterestProfile, vectors: np.ndarray, index: HnswIndex) -> None:
    exact = set(top_k(co.score_items(base, vectors, "multi", None), 20).tolist())
    approx = set(top_k(co.score_items(base, vectors, "multi", index), 20).tolist())
    assert len(exact & approx) >= 17


def test_multi_gives_every_interest_its_share(
    use_encoder: Encoder, vectors: np.ndarray, index: HnswIndex, genres: list[frozenset[str]]
) -> None:
    profile = decompose("西部片和动画片", use_encoder, vectors, index)
    top = _top_genres(co.score_items(profile, vectors, "multi", index), genres, 10)
    assert sum(1 for g in top if "Western" in g) >= 3 and sum(1 for g in top if "Animation" in g) >= 3
