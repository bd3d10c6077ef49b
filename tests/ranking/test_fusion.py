"""Fusion: normalisations, weighted sum and RRF against hand computations, exclusions, filters, MMR,
single-channel reproduction for every channel, what-if ranks against brute force, batch fusion against
per-query fusion, and speed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core.common.selection as selection
from core.common.errors import ConfigError
from core.ranking.base import Channel
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.fusion import (
    FusionResult,
    ItemFilter,
    channel_only_config,
    competition_ranks,
    components,
    fuse,
    fuse_batch,
    fused_scores,
    normalise,
    rank_batch,
    rank_movement,
    weight_vector,
    what_if,
)
from core.ranking.query import Query
from core.ranking.ranker import Ranker
from core.ranking.registry import CHANNELS, build_channels
from core.ranking.scoring import ScoreBatch, score_queries
from tests.ranking.test_channels import PARAMS, World, make_world, ranking, seen_of

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


@pytest.mark.parametrize("method", ["minmax", "zscore", "rank"])
def test_normalise_2d_equals_1d_per_row(method: str) -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(9, 40))
    x[1] = 2.5  # a constant row
    x[2, rng.random(40) < 0.5] = -np.inf  # excluded items
    x[3] = -np.inf  # nothing finite
    x[3, 7] = 1.0
    x[4] = rng.integers(0, 3, 40)  # heavy ties
    x[5, :] = -np.inf  # an all-excluded row
    two = normalise(x, method)
    assert two.shape == x.shape and two.dtype == np.float64
    for r in range(x.shape[0]):
        np.testing.assert_allclose(two[r], normalise(x[r], method), rtol=1e-12, atol=1e-12, err_msg=str(r))
    # and on the last axis of a 3-D stack (channels x queries x items)
    three = normalise(np.stack([x, x[::-1]]), method)
    np.testing.assert_allclose(three[0], two, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(three[1], two[::-1], rtol=1e-12, atol=1e-12)


def test_competition_ranks() -> None:
    np.testing.assert_array_equal(competition_ranks(np.array([5.0, 9.0, 5.0, 1.0])), [2, 1, 2, 4])
    np.testing.assert_array_equal(competition_ranks(np.array([[5.0, 9.0, 5.0], [1.0, 1.0, 2.0]])),
                                  [[2, 1, 2], [2, 2, 1]])


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


def test_exclusions_and_filters(world_scores: tuple[World, ScoreBatch, np.ndarray]) -> None:
    world, batch, seen = world_scores
    config = FusionConfig()
    result = fuse(batch, config, k=30, seen=seen)
    assert not np.isin(result.items, np.flatnonzero(seen)).any()
    kept = fuse(batch, replace(config, exclude_seen=False), k=30, seen=seen)
    assert np.isin(kept.items, np.flatnonzero(seen)).any()
    same_by_index = fuse(batch, config, k=30, seen=np.flatnonzero(seen))
    np.testing.assert_array_equal(same_by_index.items, result.items)

    flt = ItemFilter(categories=frozenset({"Comedy"}), year_min=1990, year_max=2009)
    filtered = fuse(batch, config, k=30, seen=seen, allowed=flt.mask(world.dataset))
    assert len(filtered) > 0
    items = world.dataset.items.iloc[filtered.items]
    assert (items["category"] == "Comedy").all()
    assert items["year"].between(1990, 2009).all()
    assert filtered.n_eligible == int((flt.mask(world.dataset) & ~seen).sum())
    assert ItemFilter().is_empty() and ItemFilter().mask(world.dataset).all()


def test_minus_inf_excludes_only_when_channel_is_on() -> None:
    scores = {"semantic": np.array([0.9, -np.inf, 0.1]), "mf": np.array([0.0, 5.0, 1.0])}
    on = fuse(scores, FusionConfig(weights=FusionWeights.from_dict({"semantic": 1, "mf": 1})), k=3)
    assert on.items.tolist() == [0, 2]
    off = fuse(scores, FusionConfig(weights=FusionWeights.from_dict({"mf": 1})), k=3)
    assert off.items.tolist() == [1, 2, 0]


def test_bad_input() -> None:
    with pytest.raises(ConfigError):
        ScoreBatch.from_arrays({})
    with pytest.raises(ConfigError):
        ScoreBatch.from_arrays({"mf": np.array([1.0, np.nan])})
    with pytest.raises(ConfigError):
        ScoreBatch.from_arrays({"mf": np.array([1.0, np.inf])})
    with pytest.raises(ConfigError):
        ScoreBatch.from_arrays({"mf": np.ones(3), "semantic": np.ones(4)})
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(normalisation="softmax"))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(method="borda"))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(mmr_lambda=1.5))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(weights=FusionWeights(mf=-1.0)))
    with pytest.raises(ConfigError):
        fuse(SCORES, FusionConfig(mmr_lambda=0.5))  # MMR needs item vectors
    two = ScoreBatch.from_arrays(SCORES)
    many = ScoreBatch(two.names, np.concatenate([two.raw, two.raw], axis=1), np.ones((3, 2), dtype=bool),
                      [{}, {}], two.n_items)
    with pytest.raises(ConfigError):
        fuse(many, FusionConfig())  # fuse takes one query: fuse_batch takes many


def test_avoided_items_are_excluded_whatever_exclude_seen_says() -> None:
    """``avoid`` (what a typed text rules out) leaves items out even when seen items are kept, in every form
    ``seen`` takes, in fused scores, lists, batches and what-if ranks."""
    config = FusionConfig(weights=FusionWeights.from_dict({"semantic": 1.0, "mf": 1.0}))
    plain = fuse(SCORES, config, k=5)
    avoid = plain.items[:2]
    for form in (avoid, np.isin(np.arange(5), avoid), [avoid]):
        for keep_seen in (True, False):
            result = fuse(SCORES, replace(config, exclude_seen=keep_seen), k=5, avoid=form)
            assert result.items.tolist() == plain.items[2:].tolist()
            assert result.n_eligible == 3
    scores = fused_scores(ScoreBatch.from_arrays(SCORES), config, avoid=avoid)[0]
    assert np.isneginf(scores[avoid]).all() and np.isfinite(np.delete(scores, avoid)).all()
    batch = ScoreBatch.from_arrays(SCORES)
    assert rank_batch(batch, config, 5, avoid=avoid)[0].tolist() == [*plain.items[2:].tolist(), -1, -1]
    result = fuse(batch, config, k=3, avoid=avoid)
    ranks = what_if(batch, result, avoid=avoid)
    assert ranks.min() >= 1 and ranks.max() <= 3  # avoided items never rank above a listed one


def test_overflowing_weights_raise_instead_of_ranking_by_item_index() -> None:
    """1e308 on every channel made every fused score inf: the list came out in item-id order, silently."""
    config = FusionConfig(weights=FusionWeights(**{c: 1e308 for c in CHANNELS}))
    with pytest.raises(ConfigError, match="not finite"):
        fuse(SCORES, config, k=5)
    with pytest.raises(ConfigError, match="at most 10"):
        rank_batch(ScoreBatch.from_arrays(SCORES), config, 5)
    # finite but huge weights whose sum stays finite still rank by the scores, not by index
    huge = fuse(SCORES, FusionConfig(weights=FusionWeights.from_dict({"mf": 1e300})), k=5)
    assert huge.items.tolist() == np.argsort(-SCORES["mf"], kind="stable").tolist()
    # an overflow only among excluded items is no problem: they are never ranked
    only_excluded = ScoreBatch.from_arrays({"mf": np.array([1.0, 2.0, 3.0]), "semantic": np.array([0.0, 0.5, 1.0])})
    w = FusionWeights.from_dict({"mf": 1e308, "semantic": 1e308})
    assert fuse(only_excluded, FusionConfig(weights=w), k=3, avoid=np.array([2])).items.tolist() == [1, 0]


def test_no_active_channel_gives_an_empty_list() -> None:
    # the only channel with a positive weight did not score the query: nothing to rank by
    batch = ScoreBatch.from_arrays({"popularity": np.arange(5.0)}, {"mf": "no_user"})
    result = fuse(batch, FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0})), k=3)
    assert len(result) == 0 and result.n_eligible == 0
    assert result.dropped == {"mf": "no_user"}
    assert result.contributions.shape == (0, 1)
    # a batch where no channel scored anything at all
    empty = ScoreBatch((), np.zeros((0, 2, 5)), np.zeros((0, 2), dtype=bool), [{"mf": "no_user"}, {}], 5)
    assert [len(r) for r in fuse_batch(empty, FusionConfig(), k=3)] == [0, 0]
    np.testing.assert_array_equal(rank_batch(empty, FusionConfig(), 3), np.full((2, 3), -1))


# --- on the toy world -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_channels() -> tuple[World, dict[str, Channel]]:
    world = make_world(seed=1)
    return world, build_channels(world.ctx(), PARAMS)


@pytest.fixture(scope="module")
def world_scores(world_channels: tuple[World, dict[str, Channel]]) -> tuple[World, ScoreBatch, np.ndarray]:
    """A warm user who also typed interests (with a gist): every channel applies."""
    world, channels = world_channels
    user = "u7"
    batch = score_queries(channels, [Query(user_id=user, profile=world.profile("Sci-Fi", "Comedy", gist=True))])
    assert batch.names == CHANNELS, batch.dropped
    return world, batch, seen_of(world.dataset, user)


@pytest.mark.parametrize("name", CHANNELS)
@pytest.mark.parametrize("method", ["minmax", "zscore", "rank", "rrf"])
def test_single_channel_reproduces_its_ranking(
    name: str, method: str, world_scores: tuple[World, ScoreBatch, np.ndarray]
) -> None:
    _, batch, seen = world_scores
    base = FusionConfig(method="rrf") if method == "rrf" else FusionConfig(normalisation=method)
    config = channel_only_config(name, base)
    result = fuse(batch, config, k=40, seen=seen)
    expected = ranking(batch.scores(0)[name], seen, k=40)
    np.testing.assert_array_equal(result.items, expected)


def test_mmr_lambda_one_is_plain_ranking(world_scores: tuple[World, ScoreBatch, np.ndarray]) -> None:
    world, batch, seen = world_scores
    plain = fuse(batch, FusionConfig(), k=20, seen=seen)
    mmr = fuse(batch, FusionConfig(mmr_lambda=1.0), k=20, seen=seen, item_vectors=world.item_vectors)
    np.testing.assert_array_equal(plain.items, mmr.items)
    np.testing.assert_array_equal(mmr.relevance_rank, np.arange(1, 21))


def test_mmr_diversifies(world_scores: tuple[World, ScoreBatch, np.ndarray]) -> None:
    world, batch, seen = world_scores
    vecs = world.item_vectors

    def mean_pairwise(items: np.ndarray) -> float:
        sims = vecs[items] @ vecs[items].T
        return float(sims[np.triu_indices(len(items), 1)].mean())

    plain = fuse(batch, FusionConfig(), k=10, seen=seen)
    diverse = fuse(batch, FusionConfig(mmr_lambda=0.3), k=10, seen=seen, item_vectors=vecs, mmr_pool=60)
    assert mean_pairwise(diverse.items) < mean_pairwise(plain.items)
    assert diverse.items[0] == plain.items[0], "the most relevant item is always picked first"
    pool = fuse(batch, FusionConfig(), k=60, seen=seen).items
    assert np.isin(diverse.items, pool).all()
    assert sorted(diverse.relevance_rank.tolist()) != list(range(1, 11))
    np.testing.assert_array_equal(diverse.relevance_rank, [pool.tolist().index(int(i)) + 1 for i in diverse.items])


def test_mmr_path_uses_the_shared_selection_mmr(
    world_scores: tuple[World, ScoreBatch, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, batch, seen = world_scores
    vecs = world.item_vectors
    calls: list[tuple[int, float]] = []

    def spy(relevance: np.ndarray, similarity: np.ndarray, k: int, lam: float, **kw: Any) -> list[int]:
        calls.append((int(k), float(lam)))
        return selection.mmr(relevance, similarity, k, lam, **kw)

    monkeypatch.setattr("core.ranking.fusion.mmr", spy)
    config = FusionConfig(mmr_lambda=0.4)
    diverse = fuse(batch, config, k=10, seen=seen, item_vectors=vecs, mmr_pool=50)
    assert calls == [(10, 0.4)]
    # the same list from selection.mmr by hand: the relevance pool, min-max relevance, cosine >= 0
    final = fused_scores(batch, config, seen)[0]
    pool = selection.top_k(final, 50)
    rel = normalise(final[pool], "minmax")
    unit = vecs[pool] / np.linalg.norm(vecs[pool], axis=1, keepdims=True)
    chosen = selection.mmr(rel, np.maximum(unit @ unit.T, 0.0), 10, 0.4)
    np.testing.assert_array_equal(diverse.items, pool[chosen])
    calls.clear()
    fuse(batch, FusionConfig(mmr_lambda=1.0), k=10, seen=seen, item_vectors=vecs)
    assert calls == [], "lambda = 1 is the plain ranking: no MMR pass"


def test_result_rows(world_scores: tuple[World, ScoreBatch, np.ndarray]) -> None:
    _, batch, seen = world_scores
    result = fuse(batch, FusionConfig(), k=5, seen=seen)
    assert len(result) == 5
    assert result.rank.tolist() == [1, 2, 3, 4, 5]
    assert result.normalised.shape == result.contributions.shape == (5, len(CHANNELS))
    assert (np.diff(result.score) <= 0).all()
    contrib = result.contribution_dict(0)
    assert list(contrib) == list(CHANNELS)
    assert sum(contrib.values()) == pytest.approx(result.score[0])


def _brute_force_rank(batch: ScoreBatch, config: FusionConfig, row: int, seen: np.ndarray,
                      items: np.ndarray) -> list[int]:
    """1-based rank of each of ``items`` among the row's eligible items (ties by index); 0 = ineligible."""
    final = fused_scores(batch, config, seen=None)[row]
    if config.exclude_seen:
        final[seen] = -np.inf
    order = [int(i) for i in np.lexsort((np.arange(final.size), -final)) if np.isfinite(final[i])]
    return [order.index(int(i)) + 1 if int(i) in order else 0 for i in items]


@pytest.mark.parametrize("method", ["weighted", "rrf"])
def test_what_if_matches_brute_force(method: str, world_scores: tuple[World, ScoreBatch, np.ndarray]) -> None:
    _, batch, seen = world_scores
    weights = FusionWeights(semantic=1.0, history=0.5, mf=1.0, item_knn=0.5, popularity=0.2, recency=0.0,
                            graph=0.3)
    config = FusionConfig(weights=weights, method=method)
    result = fuse(batch, config, k=15, seen=seen)
    ranks = what_if(batch, result, seen=seen)
    assert ranks.shape == (15, len(CHANNELS))
    everything = int((~seen).sum())
    for j, name in enumerate(result.channels):
        zeroed = replace(config, weights=weights.with_(**{name: 0.0}))
        full = fuse(batch, zeroed, k=everything, seen=seen).items.tolist()
        expected = [full.index(int(i)) + 1 for i in result.items]
        assert ranks[:, j].tolist() == expected, name
        assert expected == _brute_force_rank(batch, zeroed, 0, seen, result.items), name
    # recency already has weight 0: its what-if rank is the current rank
    assert ranks[:, result.channels.index("recency")].tolist() == list(range(1, 16))


# --- batch fusion = per-query fusion ------------------------------------------------------------


def _queries(world: World) -> list[Query]:
    """Users with and without typed interests, interests only, and an unknown user (several channels drop)."""
    return [
        Query(user_id="u7", profile=world.profile("Sci-Fi", "Comedy")),
        Query(user_id="u3"),
        Query(user_id="u11", profile=world.profile("Horror", negative=("Drama",))),
        Query(profile=world.profile("Documentary")),
        Query(user_id="nobody"),
        Query(user_id="u20", profile=world.profile("Romance")),
        Query(user_id="u5"),
    ]


CONFIGS = {
    "minmax": FusionConfig(),
    "zscore": FusionConfig(normalisation="zscore"),
    "rank": FusionConfig(normalisation="rank"),
    "rrf": FusionConfig(method="rrf", rrf_k=10),
    "mmr": FusionConfig(mmr_lambda=0.5),
    "keep_seen": FusionConfig(exclude_seen=False, weights=FusionWeights(recency=0.4)),
    "user_only": FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0, "item_knn": 0.5})),
}


@pytest.fixture(scope="module")
def world_batch(
    world_channels: tuple[World, dict[str, Channel]],
) -> tuple[World, dict[str, Channel], list[Query], ScoreBatch]:
    world, channels = world_channels
    queries = _queries(world)
    return world, channels, queries, score_queries(channels, queries)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_fuse_batch_equals_fuse_per_query(
    name: str, world_batch: tuple[World, dict[str, Channel], list[Query], ScoreBatch]
) -> None:
    world, _, queries, batch = world_batch
    config = CONFIGS[name]
    ranker = Ranker(world.dataset, {})
    seen = ranker.seen(queries)
    flt = ItemFilter(year_min=1980)
    allowed = flt.mask(world.dataset)
    results = fuse_batch(batch, config, k=12, seen=seen, allowed=allowed, item_vectors=world.item_vectors)
    assert len(results) == len(queries)
    lengths = []
    for i, (query, got) in enumerate(zip(queries, results, strict=True)):
        one = fuse(batch.row(i), config, k=12, seen=ranker.seen_items(query.user_id), allowed=allowed,
                   item_vectors=world.item_vectors)
        np.testing.assert_array_equal(got.items, one.items, err_msg=f"{name} row {i}")
        np.testing.assert_allclose(got.score, one.score, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(got.rank, one.rank)
        np.testing.assert_array_equal(got.relevance_rank, one.relevance_rank)
        assert got.n_eligible == one.n_eligible and got.dropped == one.dropped == batch.dropped[i]
        for r in range(len(got)):
            a, b = got.contribution_dict(r), one.contribution_dict(r)
            assert list(a) == list(b)
            np.testing.assert_allclose(list(a.values()), list(b.values()), rtol=1e-12, atol=1e-12)
        # channels that did not score this query add nothing
        for j, channel in enumerate(got.channels):
            if channel not in one.channels:
                assert not got.contributions[:, j].any() and not got.normalised[:, j].any()
            else:
                np.testing.assert_allclose(got.normalised[:, j], one.normalised[:, one.channels.index(channel)],
                                           rtol=1e-12, atol=1e-12)
        lengths.append(len(got))
    assert max(lengths) == 12, "no row produced a full list"
    if name == "user_only":  # the interests-only query has no active channel: an empty list
        assert lengths[3] == 0 and lengths[4] == 0
        assert lengths[0] == 12


@pytest.mark.parametrize("name", list(CONFIGS))
def test_rank_batch_equals_fuse_batch_items(
    name: str, world_batch: tuple[World, dict[str, Channel], list[Query], ScoreBatch]
) -> None:
    world, _, queries, batch = world_batch
    config = CONFIGS[name]
    seen = Ranker(world.dataset, {}).seen(queries)
    lists = rank_batch(batch, config, 12, seen=seen, item_vectors=world.item_vectors)
    results = fuse_batch(batch, config, k=12, seen=seen, item_vectors=world.item_vectors)
    assert lists.shape == (len(queries), 12) and lists.dtype == np.int64
    for row, result in zip(lists, results, strict=True):
        n = len(result)
        np.testing.assert_array_equal(row[:n], result.items)
        assert (row[n:] == -1).all()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_contributions_sum_to_the_score(
    name: str, world_batch: tuple[World, dict[str, Channel], list[Query], ScoreBatch]
) -> None:
    world, _, queries, batch = world_batch
    config = CONFIGS[name]
    seen = Ranker(world.dataset, {}).seen(queries)
    checked = 0
    for result in fuse_batch(batch, config, k=12, seen=seen, item_vectors=world.item_vectors):
        np.testing.assert_allclose(result.contributions.sum(axis=1), result.score, rtol=1e-12, atol=1e-12)
        w = weight_vector(result.channels, config.weights)
        if config.method == "weighted":
            np.testing.assert_allclose(result.contributions, result.normalised * w[None, :], rtol=1e-12)
        checked += len(result)
    assert checked > 0


@pytest.mark.parametrize("method", ["weighted", "rrf"])
def test_what_if_on_a_batch_row_matches_brute_force(
    method: str, world_batch: tuple[World, dict[str, Channel], list[Query], ScoreBatch]
) -> None:
    world, _, queries, batch = world_batch
    config = FusionConfig(method=method, weights=FusionWeights(recency=0.3))
    rows = [i for i in range(len(queries)) if batch.applies[:, i].all()]
    assert len(rows) >= 2, "the batch needs rows scored by every channel"
    results = fuse_batch(batch, config, k=10, seen=Ranker(world.dataset, {}).seen(queries))
    for i in rows:
        seen = seen_of(world.dataset, queries[i].user_id)
        ranks = what_if(batch, results[i], row=i, seen=seen)
        np.testing.assert_array_equal(ranks, what_if(batch.row(i), fuse(batch.row(i), config, k=10, seen=seen),
                                                     seen=seen))
        for j, name in enumerate(results[i].channels):
            zeroed = replace(config, weights=config.weights.with_(**{name: 0.0}))
            expected = _brute_force_rank(batch, zeroed, i, seen, results[i].items)
            assert ranks[:, j].tolist() == expected, (i, name)


def test_what_if_rejects_a_row_some_channel_did_not_score(
    world_batch: tuple[World, dict[str, Channel], list[Query], ScoreBatch]
) -> None:
    batch = world_batch[3]
    results = fuse_batch(batch, FusionConfig(), k=5)
    with pytest.raises(ConfigError):
        what_if(batch, results[3], row=3)  # interests only: the user channels dropped out


# --- speed, caching, baseline ---------------------------------------------------------------------


def test_rerank_100k_items_matches_a_full_sort() -> None:
    """Re-weighting a cached 100k-item batch gives the brute-force top 20 (speed: bench/bench_fusion.py)."""
    rng = np.random.default_rng(0)
    n = 100_000
    raw = {c: rng.normal(size=n) for c in CHANNELS}
    batch = ScoreBatch.from_arrays(raw)
    seen = rng.choice(n, 300, replace=False)
    config = FusionConfig()
    matrix = np.stack([normalise(raw[c], config.normalisation) for c in CHANNELS])
    for _ in range(5):
        weights = FusionWeights(**{c: float(rng.random()) for c in CHANNELS})
        result = fuse(batch, replace(config, weights=weights), k=20, seen=seen)
        total = np.array([weights.as_dict()[c] for c in CHANNELS]) @ matrix
        total[seen] = -np.inf
        expected = np.lexsort((np.arange(n), -total))[:20]
        assert result.items.tolist() == expected.tolist()


def test_normalised_scores_are_cached_with_the_batch() -> None:
    batch = ScoreBatch.from_arrays({"mf": np.array([1.0, 2.0, 3.0])}, {"semantic": "no_profile"})
    config = FusionConfig(weights=FusionWeights(mf=1.0))
    first = components(batch, config)
    assert components(batch, replace(config, weights=FusionWeights(mf=2.0))) is first  # a weight change reuses it
    assert components(batch, replace(config, normalisation="rank")) is not first
    assert batch.dropped == [{"semantic": "no_profile"}]
    assert fuse(batch, config, k=2).dropped == {"semantic": "no_profile"}


def test_baseline_and_lift() -> None:
    weights = FusionWeights.from_dict({"semantic": 2.0, "mf": 1.0, "popularity": 0.5})
    result = fuse(SCORES, FusionConfig(weights=weights), k=5)
    medians = np.median(np.stack([normalise(SCORES[c], "minmax") for c in result.channels]), axis=1)
    w = weight_vector(result.channels, weights)
    assert result.channels == ("semantic", "mf", "popularity")
    assert result.baseline is not None
    np.testing.assert_allclose(result.baseline, medians * w)
    np.testing.assert_allclose(result.lift, result.contributions - medians * w)
    plain: FusionResult = fuse(SCORES, FusionConfig(weights=weights), k=5, with_baseline=False)
    assert plain.baseline is None
    np.testing.assert_array_equal(plain.lift, plain.contributions)


def test_rank_movement() -> None:
    assert rank_movement([5, 3, 9, 1], [3, 9, 7, 5]) == [1, 1, None, -3]
    assert rank_movement(None, [1, 2]) == [None, None]
