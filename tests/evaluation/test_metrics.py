"""Metrics against hand-computed textbook examples and independent implementations (scikit-learn)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, ndcg_score

from core.evaluation import metrics as M

# One worked example used throughout: ranked list [7, 3, 9, 1, 5], relevant {3, 5, 8}, k = 5.
# Hits at ranks 2 and 5.
RANKED = [7, 3, 9, 1, 5]
RELEVANT = {3, 5, 8}


def test_precision_recall_hit_by_hand() -> None:
    assert M.precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 5)
    assert M.recall_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)
    assert M.precision_at_k(RANKED, RELEVANT, 1) == 0.0
    assert M.recall_at_k(RANKED, RELEVANT, 2) == pytest.approx(1 / 3)
    assert M.hit_at_k(RANKED, RELEVANT, 1) == 0.0
    assert M.hit_at_k(RANKED, RELEVANT, 2) == 1.0


def test_ndcg_by_hand() -> None:
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    idcg = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)  # min(|R|=3, k=5) hits on top
    assert M.dcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(dcg)
    assert M.ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(dcg / idcg)
    # k smaller than |R|: ideal has k hits
    assert M.ndcg_at_k(RANKED, RELEVANT, 2) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert M.ndcg_at_k([3, 5, 8], RELEVANT, 3) == pytest.approx(1.0)


def test_map_mrr_by_hand() -> None:
    # precision at the hit ranks: 1/2 at rank 2, 2/5 at rank 5; divided by min(3, 5) = 3
    assert M.average_precision_at_k(RANKED, RELEVANT, 5) == pytest.approx((1 / 2 + 2 / 5) / 3)
    assert M.average_precision_at_k(RANKED, RELEVANT, 2) == pytest.approx((1 / 2) / 2)
    assert M.reciprocal_rank_at_k(RANKED, RELEVANT, 5) == pytest.approx(1 / 2)
    assert M.reciprocal_rank_at_k(RANKED, RELEVANT, 1) == 0.0


def test_padding_and_empty_relevance() -> None:
    padded = [3, -1, -1]
    assert M.precision_at_k(padded, {3}, 3) == pytest.approx(1 / 3)
    assert M.ndcg_at_k(padded, {3}, 3) == pytest.approx(1.0)
    assert M.precision_at_k([-1, -1], {-1}, 2) == 0.0  # padding never counts as a hit
    for fn in (M.recall_at_k, M.ndcg_at_k, M.average_precision_at_k):
        assert fn(RANKED, set(), 5) == 0.0
    with pytest.raises(ValueError):
        M.precision_at_k(RANKED, RELEVANT, 0)


def test_ndcg_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    n_items = 40
    for _ in range(50):
        scores = rng.permutation(n_items).astype(float)  # distinct scores: no tie handling differences
        relevant = set(rng.choice(n_items, size=rng.integers(1, 8), replace=False).tolist())
        ranked = np.argsort(-scores)
        y_true = np.zeros(n_items)
        y_true[list(relevant)] = 1
        for k in (1, 5, 10, 40):
            expected = ndcg_score(y_true[None, :], scores[None, :], k=k)
            assert M.ndcg_at_k(ranked, relevant, k) == pytest.approx(expected)


def test_full_ranking_ap_matches_sklearn() -> None:
    rng = np.random.default_rng(1)
    n_items = 30
    for _ in range(50):
        scores = rng.permutation(n_items).astype(float)
        relevant = set(rng.choice(n_items, size=rng.integers(1, 10), replace=False).tolist())
        y_true = np.zeros(n_items)
        y_true[list(relevant)] = 1
        ranked = np.argsort(-scores)
        expected = average_precision_score(y_true, scores)
        assert M.average_precision_at_k(ranked, relevant, n_items) == pytest.approx(expected)


def test_vectorised_equals_single_user() -> None:
    rng = np.random.default_rng(2)
    n_users, n_items, k = 60, 50, 10
    recs = np.stack([rng.permutation(n_items)[:k] for _ in range(n_users)])
    recs[5, 7:] = -1  # a short list
    relevant = [
        set(rng.choice(n_items, size=rng.integers(0, 12), replace=False).tolist()) for _ in range(n_users)
    ]
    got = M.accuracy_per_user(recs, relevant, k)
    single = {
        "precision": M.precision_at_k, "recall": M.recall_at_k, "ndcg": M.ndcg_at_k,
        "map": M.average_precision_at_k, "mrr": M.reciprocal_rank_at_k, "hit_rate": M.hit_at_k,
    }
    for name, fn in single.items():
        expected = np.array([fn(recs[u], relevant[u], k) for u in range(n_users)])
        np.testing.assert_allclose(got[name], expected, err_msg=name)
    # a smaller k evaluates only the prefix
    got5 = M.accuracy_per_user(recs, relevant, 5, metrics=("ndcg",))
    np.testing.assert_allclose(got5["ndcg"], [M.ndcg_at_k(recs[u], relevant[u], 5) for u in range(n_users)])
    with pytest.raises(ValueError):
        M.accuracy_per_user(recs, relevant, k, metrics=("nope",))


def test_coverage_and_gini_by_hand() -> None:
    recs = np.array([[0, 1], [0, 2], [0, 1]])
    # items 0,1,2 of 5 recommended -> coverage 3/5; counts [3, 2, 1, 0, 0]
    assert M.catalogue_coverage(recs, 5, 2) == pytest.approx(3 / 5)
    assert M.catalogue_coverage(recs, 5, 1) == pytest.approx(1 / 5)
    np.testing.assert_array_equal(M.exposure_counts(recs, 5, 2), [3, 2, 1, 0, 0])
    # Gini of [0,0,1,2,3] sorted: sum((2i-n-1) x_i) / (n sum x), (2i-n-1) = -4,-2,0,2,4
    # -> (0*1 + 2*2 + 4*3) / (5*6) = 16/30
    assert M.gini_exposure(recs, 5, 2) == pytest.approx(16 / 30)
    assert M.gini_coefficient(np.ones(7)) == pytest.approx(0.0)
    assert M.gini_coefficient(np.array([0, 0, 0, 10.0])) == pytest.approx(3 / 4)  # (n-1)/n when concentrated
    assert M.gini_coefficient(np.zeros(3)) == 0.0


def test_gini_matches_mean_absolute_difference_definition() -> None:
    x = np.random.default_rng(3).integers(0, 20, size=25).astype(float)
    mad = np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())
    assert M.gini_coefficient(x) == pytest.approx(mad)


def test_novelty_and_arp_by_hand() -> None:
    pop = np.array([8, 4, 2, 1, 0])
    recs = np.array([[0, 1], [2, 4]])
    # user 0: (-log2(8/8) - log2(4/8)) / 2 = 0.5
    # user 1: (log2(8/2) + log2(8/1)) / 2 = 2.5 (pop 0 clipped to 1)
    assert M.novelty(recs, pop, n_users=8, k=2) == pytest.approx((0.5 + 2.5) / 2)
    assert M.average_popularity(recs, pop, 2) == pytest.approx(((8 + 4) / 2 + (2 + 0) / 2) / 2)
    assert math.isnan(M.novelty(np.full((2, 2), -1), pop, 8, 2))


def test_intra_list_diversity_by_hand() -> None:
    vecs = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    # pairs in list [0,1,2]: cos(0,1)=0, cos(0,2)=cos(1,2)=1/sqrt2 -> mean dissimilarity
    expected = 1 - (0 + 2 / math.sqrt(2)) / 3
    assert M.intra_list_diversity(np.array([[0, 1, 2]]), vecs, 3) == pytest.approx(expected)
    assert M.intra_list_diversity(np.array([[0, 0]]), vecs, 2) == pytest.approx(0.0)
    assert math.isnan(M.intra_list_diversity(np.array([[0, 1]]), None, 2))
    assert math.isnan(M.intra_list_diversity(np.array([[0, -1]]), vecs, 2))


def test_beyond_accuracy_dispatch() -> None:
    recs = np.array([[0, 1], [1, 2]])
    out = M.beyond_accuracy(recs, n_items=4, popularity=np.array([3, 2, 1, 0]), n_users=3, k=2,
                            item_vectors=np.eye(4))
    assert set(out) == set(M.BEYOND_METRICS)
    assert out["coverage"] == pytest.approx(3 / 4)
    assert out["ild"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        M.beyond_accuracy(recs, n_items=4, popularity=np.zeros(4), n_users=3, k=2, metrics=("x",))
