"""The Recommender contract for every baseline, hand-checked baselines, and the baseline factory."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from core.common.errors import ConfigError
from core.common.selection import top_k_rows
from core.data.dataset import Dataset
from core.evaluation.baselines import (
    ImplicitALS,
    ImplicitBPR,
    ItemKNN,
    MeanVectorCosine,
    MostPopular,
    Recommender,
    baseline_params,
    make_baseline,
    mask_seen,
)
from core.evaluation.experiment import ConfigSpec, run_experiment
from tests.evaluation.conftest import genre_vectors


def test_top_k_ties_padding_and_mask() -> None:
    scores = np.array([[0.5, 0.9, 0.9, -np.inf, 0.1], [-np.inf] * 5])
    np.testing.assert_array_equal(top_k_rows(scores, 3), [[1, 2, 0], [-1, -1, -1]])
    np.testing.assert_array_equal(top_k_rows(scores, 7)[0], [1, 2, 0, 4, -1, -1, -1])

    seen = sparse.csr_matrix(np.array([[0, 1, 0, 0, 0], [1, 0, 0, 0, 1]], dtype=np.float32))
    masked = mask_seen(np.zeros((2, 5)), seen, np.array([0, 1]))
    assert np.isneginf(masked[0, 1]) and np.isneginf(masked[1, 0]) and np.isneginf(masked[1, 4])
    assert np.isfinite(masked).sum() == 7


def _baselines(ds: Dataset) -> list[Recommender]:
    return [MostPopular(), ItemKNN(20), ImplicitALS(factors=16, iterations=10), ImplicitBPR(factors=16),
            MeanVectorCosine(genre_vectors(ds))]


@pytest.mark.parametrize("index", range(5))
def test_recommender_contract(split, index: int) -> None:  # type: ignore[no-untyped-def]
    train = split.train
    model = _baselines(train)[index].fit(train)
    assert isinstance(model, Recommender)
    users = split.users
    assert len(users) > 40
    recs = model.recommend(users, 10)
    assert recs.shape == (len(users), 10) and recs.dtype == np.int64
    assert ((recs >= -1) & (recs < train.n_items)).all()
    for row, u in zip(recs, users, strict=True):
        valid = row[row >= 0]
        assert len(set(valid.tolist())) == len(valid), "duplicates in a list"
        seen = set(train.matrix[int(u)].indices.tolist())
        assert not (set(valid.tolist()) & seen), "seen item recommended"
    again = _baselines(train)[index].fit(train).recommend(users, 10)
    np.testing.assert_array_equal(recs, again)  # seeded: same lists every time
    # k beyond the catalogue pads with -1 instead of failing
    wide = model.recommend(users[:2], train.n_items + 5)
    assert wide.shape == (2, train.n_items + 5) and (wide[:, -5:] == -1).all()


def test_most_popular_by_hand() -> None:
    inter = pd.DataFrame({"user_id": ["a", "b", "b", "c", "c", "c"],
                          "item_id": ["x", "x", "y", "x", "y", "z"],
                          "rating": 1.0, "timestamp": np.nan, "event": ""})
    ds = Dataset.from_frames("pop", inter)
    recs = MostPopular().fit(ds).recommend(np.array([0, 1, 2]), 3)
    ix = ds.item_index
    np.testing.assert_array_equal(recs[0], [ix["y"], ix["z"], -1])  # a saw x
    np.testing.assert_array_equal(recs[1], [ix["z"], -1, -1])
    np.testing.assert_array_equal(recs[2], [-1, -1, -1])


def test_mean_vector_cosine_by_hand() -> None:
    inter = pd.DataFrame({"user_id": ["a", "a"], "item_id": ["i0", "i1"], "rating": [5.0, 1.0],
                          "timestamp": np.nan, "event": ""})
    items = pd.DataFrame({"item_id": ["i0", "i1", "i2", "i3"]})
    ds = Dataset.from_frames("vec", inter, items)
    vecs = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=np.float32)
    model = MeanVectorCosine(vecs).fit(ds)
    # plain mean of i0 and i1 (ratings ignored) is (1,1,0)/sqrt2: cosine 1 with i2, 0 with i3
    expected = [1 / math.sqrt(2), 1 / math.sqrt(2), 1, 0]
    np.testing.assert_allclose(model.score_users(np.array([0]))[0], expected, atol=1e-6)
    np.testing.assert_array_equal(model.recommend(np.array([0]), 2)[0], [2, 3])


def test_collaborative_baselines_beat_popularity(split) -> None:  # type: ignore[no-untyped-def]
    specs = [ConfigSpec("pop", "baseline", lambda _t: MostPopular()),
             ConfigSpec("knn", "baseline", lambda _t: ItemKNN(20)),
             ConfigSpec("als", "baseline", lambda _t: ImplicitALS(factors=16, iterations=10))]
    res = run_experiment(split, specs, k=10, n_boot=200)
    ndcg = {r.name: r.aggregate["ndcg"] for r in res.results}
    assert ndcg["knn"] > ndcg["pop"] and ndcg["als"] > ndcg["pop"]


def test_make_baseline_merges_defaults_and_needs_vectors() -> None:
    assert baseline_params("als", {"factors": 8}) == {"factors": 8, "regularization": 0.05, "alpha": 2.0}
    model = make_baseline("bpr", {"iterations": 50})
    assert isinstance(model, ImplicitBPR) and model.name == "bpr"
    assert model.iterations == 50 and model.factors == 64 and model.learning_rate == 0.05
    knn = make_baseline("item_knn_cf")
    assert isinstance(knn, ItemKNN) and knn.neighbours == 100 and knn.name == "item_knn_cf"
    assert isinstance(make_baseline("most_popular"), MostPopular)
    assert isinstance(make_baseline("mean_vector", item_vectors=np.eye(3)), MeanVectorCosine)
    with pytest.raises(ConfigError):
        make_baseline("mean_vector")
    with pytest.raises(ValueError):
        make_baseline("no_such_baseline")
