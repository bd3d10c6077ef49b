"""Candidate generation: each source contributes what it promises, exclusions hold, recall is measured."""

from __future__ import annotations

import numpy as np
import pytest

from bench.candidates import (
    SOURCES,
    CandidateParams,
    CandidateSet,
    candidate_recall,
    generate_candidates,
    popularity_order,
    top_n,
    topk_overlap,
    use_candidates,
)
from core.vectors.index import ExactIndex, HnswIndex


def _clustered(n: int, dim: int = 32, clusters: int = 20, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim))
    vecs = centres[rng.integers(0, clusters, n)] + 0.4 * rng.standard_normal((n, dim))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs.astype(np.float32)


def test_top_n_orders_breaks_ties_and_excludes() -> None:
    scores = np.array([0.5, 0.9, 0.9, -np.inf, 0.1, 0.7])
    assert top_n(scores, 3).tolist() == [1, 2, 5]
    assert top_n(scores, 3, exclude=np.array([1])).tolist() == [2, 5, 0]
    assert top_n(scores, 10).tolist() == [1, 2, 5, 0, 4]  # -inf never returned
    assert top_n(scores, 0).size == 0


def test_popularity_order_is_most_popular_first() -> None:
    assert popularity_order(np.array([3, 10, 0, 10, 5]), 3).tolist() == [1, 3, 4]


def test_use_candidates_threshold() -> None:
    params = CandidateParams(min_catalogue=1000)
    assert not use_candidates(999, params)
    assert use_candidates(1000, params)


def test_each_source_contributes_and_exclusions_hold() -> None:
    n = 2000
    vectors = _clustered(n)
    index = ExactIndex(vectors.shape[1]).build(vectors)
    rng = np.random.default_rng(1)
    item_factors = rng.standard_normal((n, 8)).astype(np.float32)
    user_factor = rng.standard_normal(8).astype(np.float32)
    popularity = rng.integers(0, 100, n)
    seen = np.array([0, 1, 2, 3, 4, 5])
    params = CandidateParams(n_ann=50, n_mf=40, n_recent=3, n_per_recent=10, n_popular=30)
    query = vectors[10]
    cs = generate_candidates(
        n, params, query_vectors=query, item_index=index, user_factor=user_factor, item_factors=item_factors,
        recent_items=seen, item_vectors=vectors, popular=popularity_order(popularity, 100), exclude=seen,
    )
    assert set(cs.contributed) == set(SOURCES)
    assert sum(cs.contributed.values()) == len(cs)
    assert not np.isin(seen, cs.indices).any()
    assert np.all(np.diff(cs.indices) > 0)
    # the exact ANN top-50 (seen removed) is inside
    sims = vectors @ query
    sims[seen] = -np.inf
    assert np.isin(top_n(sims, 50), cs.indices).all()
    # the MF top-40 is inside
    assert np.isin(top_n(item_factors @ user_factor, 40, seen), cs.indices).all()
    # the 30 most popular unseen items are inside
    pop = popularity.astype(float)
    pop[seen] = -np.inf
    assert np.isin(top_n(pop, 30), cs.indices).all()
    # recall of the semantic top-20 is exact because n_ann >= 20
    assert candidate_recall(vectors @ query, cs, 20, exclude=seen) == 1.0


def test_missing_sources_are_skipped() -> None:
    cs = generate_candidates(100, CandidateParams(n_popular=10), popular=np.arange(100)[::-1])
    assert cs.contributed == {"popular": 10}
    assert cs.indices.tolist() == list(range(90, 100))
    empty = generate_candidates(100)
    assert len(empty) == 0


def test_candidate_set_restrict_expand_roundtrip() -> None:
    cs = CandidateSet(indices=np.array([2, 5, 7]), n_items=10)
    full = {"a": np.arange(10, dtype=float), "b": -np.arange(10, dtype=float)}
    sub = cs.restrict(full)
    assert sub["a"].tolist() == [2.0, 5.0, 7.0]
    back = cs.expand(sub["a"])
    assert back[5] == 5.0 and np.isneginf(back[0])
    assert cs.to_items(np.array([2, 0, -1])).tolist() == [7, 2, -1]
    assert cs.mask().sum() == 3


def test_candidate_recall_and_overlap() -> None:
    scores = np.arange(100, dtype=float)  # top-10 = 90..99
    assert candidate_recall(scores, np.arange(100), 10) == 1.0
    assert candidate_recall(scores, np.arange(95, 100), 10) == pytest.approx(0.5)
    assert candidate_recall(scores, np.arange(0, 90), 10, exclude=[99]) == pytest.approx(0.1)  # 89..98
    assert topk_overlap(np.array([1, 2, 3]), np.array([3, 2, 9]), 3) == pytest.approx(2 / 3)
    assert topk_overlap(np.array([1]), np.array([-1, -1]), 2) == 1.0


def test_hnsw_candidates_keep_recall_of_a_user_score() -> None:
    """With an approximate index the union still holds >= 95% of the exact semantic + MF top-20."""
    n = 5000
    vectors = _clustered(n, dim=48, clusters=40, seed=3)
    index = HnswIndex(vectors.shape[1]).build(vectors)
    rng = np.random.default_rng(4)
    item_factors = rng.standard_normal((n, 16)).astype(np.float32)
    recalls = []
    for _ in range(20):
        q = vectors[rng.integers(n)] + 0.2 * rng.standard_normal(vectors.shape[1]).astype(np.float32)
        uf = rng.standard_normal(16).astype(np.float32)
        cs = generate_candidates(n, CandidateParams(n_ann=300, n_mf=300, n_popular=0), query_vectors=q,
                                 item_index=index, user_factor=uf, item_factors=item_factors)
        sem = vectors @ (q / np.linalg.norm(q))
        mf = item_factors @ uf
        fused = (sem - sem.min()) / np.ptp(sem) + (mf - mf.min()) / np.ptp(mf)
        recalls.append(candidate_recall(fused, cs, 20))
    assert float(np.mean(recalls)) >= 0.95
    assert len(cs) <= 600


def test_anchors_keep_the_catalogue_min_max() -> None:
    cs = CandidateSet(indices=np.array([1, 2]), n_items=5)
    sub = cs.restrict({"a": np.array([0.0, 5.0, 6.0, 10.0, -np.inf])}, anchors=True)
    assert sub["a"].tolist() == [5.0, 6.0, 0.0, 10.0]
    assert cs.real_rows().tolist() == [True, True, False, False]
    assert cs.to_items(np.array([1, 2, 3])).tolist() == [2, -1, -1]
