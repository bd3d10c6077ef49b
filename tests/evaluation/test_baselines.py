"""The Recommender contract for every baseline, hand-checked baselines, and the baseline factory."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from implicit.nearest_neighbours import CosineRecommender
from scipy import sparse

from core.common.errors import ConfigError
from core.common.selection import top_k_rows
from core.data.confidence import SIGNAL_KINDS, Confidence, default_confidence
from core.data.dataset import Dataset
from core.evaluation.baselines import (
    EASE,
    ImplicitALS,
    ImplicitBPR,
    ItemKNN,
    MeanVectorCosine,
    MostPopular,
    Recommender,
    RP3beta,
    baseline_params,
    binarised,
    make_baseline,
    mask_seen,
)
from core.evaluation.experiment import ConfigSpec, run_experiment
from core.ranking.base import ChannelContext
from core.ranking.channels.ease import TOO_LARGE_PATTERN, EASEChannel, EASEParams, ModelTooLarge
from core.ranking.channels.item_knn import ItemKNNChannel, ItemKNNParams
from core.ranking.channels.mf import MFChannel, MFParams
from core.ranking.channels.rp3beta import RP3betaChannel, RP3betaParams
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.ranking.query import Query
from core.ranking.ranker import Ranker
from tests.evaluation.conftest import clustered, genre_vectors


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
    assert baseline_params("als", {"factors": 8}) == {"factors": 8, "regularization": 0.05, "alpha": 1.0,
                                                      "confidence": "auto"}
    model = make_baseline("bpr", {"iterations": 50})
    assert isinstance(model, ImplicitBPR) and model.name == "bpr"
    assert model.params.iterations == 50 and model.params.factors == 64 and model.params.learning_rate == 0.05
    als = make_baseline("als", {"alpha": 4.0, "confidence": "log"})
    assert isinstance(als, ImplicitALS) and als.params.confidence == Confidence("log", alpha=4.0)
    knn = make_baseline("item_knn_cf")
    assert isinstance(knn, ItemKNN) and knn.neighbours == ItemKNNParams().k == 50 and knn.name == "item_knn_cf"
    assert isinstance(make_baseline("most_popular"), MostPopular)
    assert isinstance(make_baseline("mean_vector", item_vectors=np.eye(3)), MeanVectorCosine)
    with pytest.raises(ConfigError):
        make_baseline("mean_vector")
    with pytest.raises(ValueError):
        make_baseline("no_such_baseline")


# --- one implementation per model: each collaborative baseline is its channel ---------------------------


def _counts(seed: int = 3) -> Dataset:
    """The clustered data with heavy-tailed play counts instead of ratings (liked items played more)."""
    base = clustered(60, seed=seed, with_text=False)
    rng = np.random.default_rng(seed)
    coo = base.matrix.tocoo()
    plays = np.where(coo.data >= 4, rng.pareto(1.2, coo.nnz) * 40 + 5, rng.pareto(1.5, coo.nnz) * 3 + 1).round()
    inter = pd.DataFrame({"user_id": base.user_ids[coo.row], "item_id": base.item_ids[coo.col],
                          "rating": plays, "timestamp": np.nan, "event": ""})
    return Dataset.from_frames("counts", inter)


def _channel_lists(ds: Dataset, channel: Any, users: np.ndarray, k: int) -> np.ndarray:
    """Top-k of the channel used alone, through the Ranker (the path evaluation and the pages take)."""
    ranker = Ranker(ds, {channel.name: channel})
    queries = [Query(user_id=str(ds.user_ids[int(u)])) for u in users]
    return ranker.rank_many(queries, {"only": channel_only_config(channel.name, FusionConfig())}, k)["only"]


@pytest.mark.parametrize("conf", [Confidence("binary"), Confidence("log", alpha=2.0),
                                  Confidence("linear", alpha=2.0), Confidence("bm25", alpha=0.5)])
def test_als_baseline_ranks_as_the_mf_channel(conf: Confidence) -> None:
    ds = _counts()
    users = np.arange(ds.n_users)
    params = MFParams(factors=8, regularization=0.1, iterations=6, confidence=conf)
    channel = MFChannel(params).fit(ChannelContext(ds, random_state=7, num_threads=2))
    baseline = ImplicitALS(factors=8, regularization=0.1, iterations=6, random_state=7, confidence=conf).fit(ds)
    assert baseline.params == params
    np.testing.assert_array_equal(baseline.recommend(users, 10), _channel_lists(ds, channel, users, 10))


def test_default_als_baseline_follows_the_signal_as_the_default_mf_channel() -> None:
    """Issue 20: on counts both default to the signal's transform (log), so the lists are the same."""
    ds = _counts()
    assert ds.signal.kind == "count"
    users = np.arange(ds.n_users)
    channel = MFChannel(MFParams(factors=8, iterations=6)).fit(ChannelContext(ds, random_state=42, num_threads=1))
    baseline = make_baseline("als", {"factors": 8, "iterations": 6}).fit(ds)
    assert isinstance(baseline, ImplicitALS)
    assert baseline.params.confidence == channel.confidence_ == default_confidence("count")
    lists = baseline.recommend(users, 10)
    np.testing.assert_array_equal(lists, _channel_lists(ds, channel, users, 10))
    # not vacuous: the old fixed binary confidence is another model on counts
    binary = make_baseline("als", {"factors": 8, "iterations": 6, "confidence": "binary"}).fit(ds)
    assert (binary.recommend(users, 10) != lists).any()
    # the default alpha is every signal kind's default alpha, so "auto" + alpha 1 is the signal's default exactly
    assert all(default_confidence(kind).alpha == baseline_params("als")["alpha"] for kind in SIGNAL_KINDS)


def test_the_transform_changes_the_als_model() -> None:
    """The check above is not vacuous: another confidence (or seed) gives other lists."""
    ds = _counts()
    users = np.arange(ds.n_users)
    lists = {c: ImplicitALS(factors=8, iterations=6, confidence=c).fit(ds).recommend(users, 10)
             for c in ("binary", "linear", "log")}
    assert (lists["binary"] != lists["linear"]).any() and (lists["log"] != lists["linear"]).any()


def test_bpr_baseline_ranks_as_the_mf_channel() -> None:
    ds = _counts()
    users = np.arange(ds.n_users)
    channel = MFChannel(MFParams(algorithm="bpr", factors=8, iterations=20, regularization=0.01)).fit(
        ChannelContext(ds, random_state=5))
    baseline = ImplicitBPR(factors=8, iterations=20, regularization=0.01, random_state=5).fit(ds)
    np.testing.assert_array_equal(baseline.recommend(users, 10), _channel_lists(ds, channel, users, 10))


def test_item_knn_baseline_ranks_as_the_channel_and_as_implicits_cosine() -> None:
    ds = _counts()
    users = np.arange(ds.n_users)
    baseline = ItemKNN(15).fit(ds)
    channel = ItemKNNChannel(ItemKNNParams(k=15)).fit(ChannelContext(ds))
    np.testing.assert_array_equal(baseline.recommend(users, 10), _channel_lists(ds, channel, users, 10))
    # the same model as implicit's CosineRecommender, which keeps each item as its own first neighbour:
    # K = k + 1 gives the same neighbour similarities (ties at the k-th place may pick another item)
    x = binarised(ds.matrix)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # implicit warns about its own COO conversion
        ref = CosineRecommender(K=16, num_threads=1)
        ref.fit(x, show_progress=False)
        ref_sim = ref.similarity.toarray()
        np.fill_diagonal(ref_sim, 0.0)
        ours = baseline.channel_.similarity_.toarray()
        np.testing.assert_allclose(np.sort(ours, axis=1), np.sort(ref_sim, axis=1), atol=1e-5)
        # with every neighbour kept there are no ties to break: identical scores for every list slot
        full = ItemKNN(ds.n_items).fit(ds)
        ref = CosineRecommender(K=ds.n_items + 1, num_threads=1)
        ref.fit(x, show_progress=False)
        _ids, values = ref.recommend(users, x[users], N=10)
    ours_scores = full.score_users(users)
    mask_seen(ours_scores, ds.matrix, users)
    np.testing.assert_allclose(np.take_along_axis(ours_scores, full.recommend(users, 10), axis=1), values,
                               rtol=1e-5)


def test_ease_and_rp3beta_baselines_rank_as_their_channels() -> None:
    ds = _counts()
    users = np.arange(ds.n_users)
    ease = EASE(l2=30.0).fit(ds)
    channel = EASEChannel(EASEParams(l2=30.0)).fit(ChannelContext(ds))
    np.testing.assert_array_equal(ease.recommend(users, 10), _channel_lists(ds, channel, users, 10))
    rp3 = RP3beta(rp3_alpha=0.7, rp3_beta=0.4, neighbours=20).fit(ds)
    walk = RP3betaChannel(RP3betaParams(alpha=0.7, beta=0.4, k=20)).fit(ChannelContext(ds))
    np.testing.assert_array_equal(rp3.recommend(users, 10), _channel_lists(ds, walk, users, 10))
    # not vacuous: other parameters give other lists
    assert (EASE(l2=3000.0).fit(ds).recommend(users, 10) != ease.recommend(users, 10)).any()
    assert (RP3beta(rp3_beta=0.0, neighbours=3).fit(ds).recommend(users, 10) != rp3.recommend(users, 10)).any()


def test_ease_and_rp3beta_are_in_the_table_with_their_defaults() -> None:
    assert baseline_params("ease") == {"l2": EASEParams().l2}
    assert baseline_params("rp3beta", {"neighbours": 50}) == {"rp3_alpha": RP3betaParams().alpha,
                                                              "rp3_beta": RP3betaParams().beta, "neighbours": 50}
    model = make_baseline("rp3beta", {"neighbours": 50})
    assert isinstance(model, RP3beta) and model.params == RP3betaParams(k=50) and model.name == "rp3beta"
    assert isinstance(make_baseline("ease", {"l2": 10.0}), EASE)


def test_ease_too_large_for_memory_is_skipped_with_the_reason(split) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelTooLarge):
        EASE(memory_limit_mb=0.01).fit(split.train)
    specs = [ConfigSpec("pop", "baseline", lambda _t: MostPopular()),
             ConfigSpec("ease", "baseline", lambda _t: EASE(memory_limit_mb=0.01))]
    res = run_experiment(split, specs, k=10, n_boot=50)
    assert [r.name for r in res.results] == ["pop"]
    match = TOO_LARGE_PATTERN.fullmatch(res.extra["skipped"]["ease"])
    assert match is not None and match["n_items"] == f"{split.train.n_items:,}"
