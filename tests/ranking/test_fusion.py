"""Fusion: normalisations, weighted sum and RRF against hand computations, exclusions, filters, MMR,
single-channel reproduction for every channel, what-if ranks against brute force, and speed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.common.errors import ConfigError
from core.ranking.channels import channel_ranking, score_all, seen_mask
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.fusion import (
    ItemFilter,
    ScoreTable,
    channel_only_config,
    competition_ranks,
    fuse,
    normalise,
    top_k,
    what_if,
    what_if_frame,
)
from core.ranking.query import Query
from core.ranking.registry import CHANNELS, ChannelParams, build_channels
from tests.ranking.test_channels import World, make_world

# --- normalisation ----------------------------------------------------------------------------


def test_minmax() -> None:
    np.testing.assert_allclose(normalise(np.array([2.0, 4.0, 3.0, 6.0]), "minmax"), [0.0, 0.5, 0.25, 1.0])


def test_zscore() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mean, std = 2.5, np.sqrt(1.25)
    np.testing.assert_allclose(normalise(x, "zscore"), (x - mean) / std)


def test_rank_percentile_with_ties() -> None:
    # ranks ascending: 10 -> 1, 20 -> 2.5, 20 -> 2.5, 30 -> 4, 40 -> 5 ; (r - 1) / 4
    np.testing.assert_allclose(normalise(np.array([20.0, 10.0, 40.0, 20.0, 30.0]), "rank"),
                               [0.375, 0.0, 1.0, 0.375, 0.75])


@pytest.mark.parametrize("method", ["minmax", "zscore", "rank"])
def test_constant_and_excluded(method: str) -> None:
    np.testing.assert_array_equal(normalise(np.full(4, 3.0), method), np.zeros(4) if method != "rank" else
                                  np.full(4, 0.5))
    out = normalise(np.array([1.0, -np.inf, 3.0, 2.0]), method)
    assert np.isfinite(out).all()
    assert out[1] == out.min()
    assert out[2] == out.max()


def test_unknown_normalisation() -> None:
    with pytest.raises(ConfigError):
        normalise(np.ones(3), "softmax")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=40),
       st.sampled_from(["minmax", "zscore", "rank"]))
def test_normalisations_preserve_order(values: list[float], method: str) -> None:
    x = np.array(values)
    out = normalise(x, method)
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(out[order]) >= -1e-9)
    if method in ("minmax", "rank"):
        assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-12


def test_competition_ranks() -> None:
    np.testing.assert_array_equal(competition_ranks(np.array([5.0, 9.0, 5.0, 1.0])), [2, 1, 2, 4])


# --- combination ------------------------------------------------------------------------------

SCORES = {
    "semantic": np.array([0.9, 0.1, 0.5, 0.3, 0.7]),
    "mf": np.array([1.0, 4.0, 2.0, 3.0, 0.0]),
    "popularity": np.array([10.0, 30.0, 20.0, 50.0, 40.0]),
}


def test_weighted_sum_by_hand() -> None:
    weights = FusionWeights.from_dict({"semantic": 2.0, "mf": 1.0, "popularity": 0.5})
    result = fuse(SCORES, FusionConfig(weights=weights, normalisation="minmax"), k=5)
    sem = (SCORES["semantic"] - 0.1) / 0.8
    mf = SCORES["mf"] / 4.0
    pop = (SCORES["popularity"] - 10) / 40
    expected = 2 * sem + mf + 0.5 * pop
    assert result.items.tolist() == np.argsort(-expected, kind="stable").tolist()
    np.testing.assert_allclose(result.score, np.sort(expected)[::-1])
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.score)
    j = result.channels.index("semantic")
    np.testing.assert_allclose(result.contributions[:, j], 2 * sem[result.items])
    np.testing.assert_allclose(result.normalised[:, j], sem[result.items])


def test_rrf_by_hand() -> None:
    """RRF score = sum_c w_c / (k + rank_c), ranks 1 = best; here k = 1 so the numbers stay readable."""
    # ranks per channel (1 = best):   item: 0  1  2  3  4
    #   semantic [0.9,.1,.5,.3,.7] ->        1  5  3  4  2
    #   mf       [1,4,2,3,0]       ->        4  1  3  2  5
    #   popularity [10,30,20,50,40] ->       5  3  4  1  2
    # with weights 1, 1, 2 and k = 1:
    expected = {
        0: 1 / 2 + 1 / 5 + 2 / 6,
        1: 1 / 6 + 1 / 2 + 2 / 4,
        2: 1 / 4 + 1 / 4 + 2 / 5,
        3: 1 / 5 + 1 / 3 + 2 / 2,
        4: 1 / 3 + 1 / 6 + 2 / 3,
    }
    weights = FusionWeights.from_dict({"semantic": 1.0, "mf": 1.0, "popularity": 2.0})
    result = fuse(SCORES, FusionConfig(weights=weights, method="rrf", rrf_k=1), k=5)
    assert result.items.tolist() == sorted(expected, key=lambda i: (-expected[i], i))  # [3, 4, 1, 0, 2]
    np.testing.assert_allclose(result.score, [expected[i] for i in result.items.tolist()])
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.score)


def test_rrf_ties_share_a_rank() -> None:
    scores = {"semantic": np.array([1.0, 1.0, 0.0]), "mf": np.array([0.0, 1.0, 2.0])}
    result = fuse(scores, FusionConfig(weights=FusionWeights.from_dict({"semantic": 1, "mf": 1}),
                                       method="rrf", rrf_k=0), k=3)
    # semantic ranks 1, 1, 3 ; mf ranks 3, 2, 1
    np.testing.assert_allclose(sorted(result.score, reverse=True), sorted([1 + 1 / 3, 1 + 1 / 2, 1 / 3 + 1],
                                                                           reverse=True))


def test_exclusions_and_filters(world_scores: tuple[World, ScoreTable, np.ndarray]) -> None:
    world, table, seen = world_scores
    config = FusionConfig()
    result = fuse(table, config, k=30, seen=seen)
    assert not np.isin(result.items, np.flatnonzero(seen)).any()
    kept = fuse(table, replace(config, exclude_seen=False), k=30, seen=seen)
    assert np.isin(kept.items, np.flatnonzero(seen)).any()
    same_by_index = fuse(table, config, k=30, seen=np.flatnonzero(seen))
    np.testing.assert_array_equal(same_by_index.items, result.items)

    flt = ItemFilter(categories=frozenset({"Comedy"}), year_min=1990, year_max=2009)
    filtered = fuse(table, config, k=30, seen=seen, allowed=flt.mask(world.dataset))
    items = world.dataset.items.iloc[filtered.items]
    assert (items["category"] == "Comedy").all()
    assert items["year"].between(1990, 2009).all()
    assert filtered.n_eligible == int((flt.mask(world.dataset) & ~seen).sum())
    assert ItemFilter().is_empty() and ItemFilter().mask(world.dataset).all()


def test_minus_inf_excludes_only_when_channel_is_on() -> None:
    scores = {"semantic": np.array([0.9, -np.inf, 0.1]), "mf": np.array([0.0, 5.0, 1.0])}
    on = fuse(scores, FusionConfig(weights=FusionWeights.from_dict({"semantic": 1, "mf": 1})), k=3)
    assert 1 not in on.items.tolist()
    off = fuse(scores, FusionConfig(weights=FusionWeights.from_dict({"mf": 1})), k=3)
    assert off.items.tolist() == [1, 2, 0]


def test_bad_input() -> None:
    with pytest.raises(ConfigError):
        ScoreTable({})
    with pytest.raises(ConfigError):
        ScoreTable({"mf": np.array([1.0, np.nan])})
    with pytest.raises(ConfigError):
        ScoreTable({"mf": np.ones(3), "semantic": np.ones(4)})
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(normalisation="softmax"))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(mmr_lambda=1.5))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(weights=FusionWeights(mf=-1.0)))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(mmr_lambda=0.5))  # MMR needs item vectors


# --- on the toy world -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_scores() -> tuple[World, ScoreTable, np.ndarray]:
    """A warm user who also typed interests: all seven channels apply."""
    world = make_world(seed=1)
    channels = build_channels(world.ctx(), ChannelParams(mf_factors=16, knn_neighbours=20))
    user = "u7"
    result = score_all(channels, Query(user_id=user, profile=world.profile("Sci-Fi", "Comedy")))
    assert set(result.scores) == set(CHANNELS), result.dropped
    return world, ScoreTable.from_channel_scores(result), seen_mask(world.dataset, user)


@pytest.mark.parametrize("name", CHANNELS)
@pytest.mark.parametrize("method", ["minmax", "zscore", "rank", "rrf"])
def test_single_channel_reproduces_its_ranking(
    name: str, method: str, world_scores: tuple[World, ScoreTable, np.ndarray]
) -> None:
    _, table, seen = world_scores
    base = FusionConfig(method="rrf") if method == "rrf" else FusionConfig(normalisation=method)
    config = channel_only_config(name, base)
    result = fuse(table, config, k=40, seen=seen)
    raw = table.raw[:, table.names.index(name)]
    expected = channel_ranking(raw, seen, k=40)
    np.testing.assert_array_equal(result.items, expected)


def test_mmr_lambda_one_is_plain_ranking(world_scores: tuple[World, ScoreTable, np.ndarray]) -> None:
    world, table, seen = world_scores
    plain = fuse(table, FusionConfig(), k=20, seen=seen)
    mmr = fuse(table, FusionConfig(mmr_lambda=1.0), k=20, seen=seen, item_vectors=world.item_vectors)
    np.testing.assert_array_equal(plain.items, mmr.items)
    np.testing.assert_array_equal(mmr.relevance_rank, np.arange(1, 21))


def test_mmr_diversifies(world_scores: tuple[World, ScoreTable, np.ndarray]) -> None:
    world, table, seen = world_scores
    vecs = world.item_vectors

    def mean_pairwise(items: np.ndarray) -> float:
        sims = vecs[items] @ vecs[items].T
        return float(sims[np.triu_indices(len(items), 1)].mean())

    plain = fuse(table, FusionConfig(), k=10, seen=seen)
    diverse = fuse(table, FusionConfig(mmr_lambda=0.3), k=10, seen=seen, item_vectors=vecs, mmr_pool=60)
    assert mean_pairwise(diverse.items) < mean_pairwise(plain.items)
    assert diverse.items[0] == plain.items[0], "the most relevant item is always picked first"
    pool = fuse(table, FusionConfig(), k=60, seen=seen).items
    assert np.isin(diverse.items, pool).all()
    assert sorted(diverse.relevance_rank.tolist()) != list(range(1, 11))


def test_result_frame(world_scores: tuple[World, ScoreTable, np.ndarray]) -> None:
    world, table, seen = world_scores
    result = fuse(table, FusionConfig(), k=5, seen=seen)
    frame = result.to_frame(world.dataset)
    assert list(frame["rank"]) == [1, 2, 3, 4, 5]
    assert list(frame["item_id"]) == world.dataset.item_ids[result.items].tolist()
    for name in CHANNELS:
        assert f"contrib:{name}" in frame and f"norm:{name}" in frame
    contrib = result.contribution_dict(0)
    assert list(contrib) == list(CHANNELS)
    assert sum(contrib.values()) == pytest.approx(result.score[0])


@pytest.mark.parametrize("method", ["weighted", "rrf"])
def test_what_if_matches_brute_force(method: str, world_scores: tuple[World, ScoreTable, np.ndarray]) -> None:
    _, table, seen = world_scores
    weights = FusionWeights(semantic=1.0, history=0.5, mf=1.0, item_knn=0.5, popularity=0.2, recency=0.0,
                            graph=0.3)
    config = FusionConfig(weights=weights, method=method)
    result = fuse(table, config, k=15, seen=seen)
    ranks = what_if(table, result, seen=seen)
    assert ranks.shape == (15, len(CHANNELS))
    everything = int((~seen).sum())
    for j, name in enumerate(result.channels):
        zeroed = replace(config, weights=replace(weights, **{name: 0.0}))
        full = fuse(table, zeroed, k=everything, seen=seen).items.tolist()
        expected = [full.index(int(i)) + 1 for i in result.items]
        assert ranks[:, j].tolist() == expected, name
    # recency already has weight 0: its what-if rank is the current rank
    assert ranks[:, result.channels.index("recency")].tolist() == list(range(1, 16))
    frame = what_if_frame(result, ranks)
    assert list(frame.columns) == ["rank", "item_idx", *[f"without:{c}" for c in CHANNELS]]


# --- top-k and speed --------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.integers(0, 3), st.integers(0, 10_000))
def test_top_k_equals_full_sort(k: int, kind: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 20_000))
    if kind == 0:
        x = rng.normal(size=n)
    elif kind == 1:
        x = rng.integers(0, 4, size=n).astype(float)  # heavy ties
    elif kind == 2:
        x = np.where(rng.random(n) < 0.995, 0.0, rng.random(n))  # a sparse channel
    else:
        x = rng.normal(size=n)
        x[rng.random(n) < 0.7] = -np.inf
    np.testing.assert_array_equal(top_k(x, k), channel_ranking(x, None, k))


def test_rerank_100k_items_matches_a_full_sort() -> None:
    """Re-weighting a cached 100k-item table gives the brute-force top 20 (speed: bench/bench_fusion.py)."""
    rng = np.random.default_rng(0)
    n = 100_000
    raw = {c: rng.normal(size=n) for c in CHANNELS}
    table = ScoreTable(raw)
    seen = rng.choice(n, 300, replace=False)
    config = FusionConfig()
    matrix = np.stack([normalise(raw[c], config.normalisation) for c in CHANNELS])
    for _ in range(5):
        weights = FusionWeights(**{c: float(rng.random()) for c in CHANNELS})
        result = fuse(table, replace(config, weights=weights), k=20, seen=seen)
        total = np.array([weights.as_dict()[c] for c in CHANNELS]) @ matrix
        total[seen] = -np.inf
        expected = np.lexsort((np.arange(n), -total))[:20]
        assert result.items.tolist() == expected.tolist()

def test_table_is_cached_with_the_channel_scores() -> None:
    from core.ranking.channels import ChannelScores

    scores = ChannelScores({"mf": np.array([1.0, 2.0, 3.0])}, {"semantic": "no_profile"})
    table = ScoreTable.from_channel_scores(scores)
    assert ScoreTable.from_channel_scores(scores) is table
    assert table.dropped == {"semantic": "no_profile"}
    assert fuse(table, FusionConfig(weights=FusionWeights(mf=1.0)), k=2).dropped == {"semantic": "no_profile"}


def test_baseline_and_lift() -> None:
    weights = FusionWeights.from_dict({"semantic": 2.0, "mf": 1.0, "popularity": 0.5})
    result = fuse(SCORES, FusionConfig(weights=weights), k=5)
    table = ScoreTable(SCORES)
    medians = np.median(table.normalised("minmax"), axis=0)
    w = table.weight_vector(weights)
    assert result.baseline is not None
    np.testing.assert_allclose(result.baseline, medians * w)
    np.testing.assert_allclose(result.lift, result.contributions - medians * w)


def test_rank_movement() -> None:
    from core.ranking.fusion import rank_movement

    assert rank_movement([5, 3, 9, 1], [3, 9, 7, 5]) == [1, 1, None, -3]
    assert rank_movement(None, [1, 2]) == [None, None]
