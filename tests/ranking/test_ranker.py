"""The Ranker: the one path from queries to lists. Its single-query cache, its seen items, ``rank_many``
against scoring and fusing by hand (in chunks), and ``recommend`` against fuse + what-if + explain."""

from __future__ import annotations

import numpy as np
import pytest

from core.ranking.base import Channel
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.explain import explain
from core.ranking.fusion import ItemFilter, fuse, rank_batch, what_if
from core.ranking.query import Query
from core.ranking.ranker import Ranker, scoring_batch_size
from core.ranking.registry import build_channels
from core.ranking.scoring import score_queries
from tests.ranking.test_channels import PARAMS, World, make_world, seen_of


@pytest.fixture(scope="module")
def world_channels() -> tuple[World, dict[str, Channel]]:
    world = make_world(seed=4)
    return world, build_channels(world.ctx(), PARAMS)


def _queries(world: World) -> list[Query]:
    users = [Query(user_id=f"u{i}") for i in range(9)]
    return [*users, Query(profile=world.profile("Drama")), Query(user_id="nobody"),
            Query(user_id="u2", profile=world.profile("Comedy", negative=("Horror",)))]


def test_single_query_scores_are_cached(world_channels: tuple[World, dict[str, Channel]]) -> None:
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels, cache_size=2)
    q = Query(user_id="u1", profile=world.profile("Sci-Fi"))
    first = ranker.score([q])
    assert ranker.score([Query(user_id="u1", profile=world.profile("Sci-Fi"))]) is first  # same key
    assert ranker.score([Query(user_id="u2")]) is not first
    ranker.score([Query(user_id="u3")])  # evicts the least recently used: q
    again = ranker.score([q])
    assert again is not first
    for name, row in first.scores(0).items():
        np.testing.assert_array_equal(again.scores(0)[name], row)
    assert ranker.score([q], only=("mf",)).names == ("mf",)  # a partial scoring is not cached
    ranker.clear_cache()
    assert ranker.score([q]) is not again


def test_seen(world_channels: tuple[World, dict[str, Channel]]) -> None:
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels)
    queries = _queries(world)
    seen = ranker.seen(queries).toarray()
    assert seen.shape == (len(queries), world.dataset.n_items)
    for i, q in enumerate(queries):
        np.testing.assert_array_equal(seen[i], seen_of(world.dataset, q.user_id))
        np.testing.assert_array_equal(np.sort(ranker.seen_items(q.user_id)), np.flatnonzero(seen[i]))
    assert not seen[9].any() and not seen[10].any()
    assert seen[0].any()


def test_rank_many_equals_scoring_and_fusing_by_hand(
    world_channels: tuple[World, dict[str, Channel]], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, channels = world_channels
    assert 8 <= scoring_batch_size(world.dataset.n_items) <= 256
    monkeypatch.setattr("core.ranking.ranker.scoring_batch_size", lambda n_items: 5)  # several chunks
    ranker = Ranker(world.dataset, channels, world.item_vectors)
    queries = _queries(world)
    configs = {"default": FusionConfig(), "rrf": FusionConfig(method="rrf"),
               "mmr": FusionConfig(mmr_lambda=0.6),
               "mf": FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0}))}
    lists = ranker.rank_many(queries, configs, k=8)
    batch = score_queries(channels, queries)
    seen = ranker.seen(queries)
    for name, config in configs.items():
        expected = rank_batch(batch, config, 8, seen=seen, item_vectors=world.item_vectors)
        np.testing.assert_array_equal(lists[name], expected, err_msg=name)
    assert (lists["mf"][9] == -1).all(), "interests only: mf cannot score it"
    assert (lists["default"] >= 0).all()


def test_recommend_is_fuse_what_if_and_explain(world_channels: tuple[World, dict[str, Channel]]) -> None:
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels, world.item_vectors)
    query = Query(user_id="u2", profile=world.profile("Comedy"))
    config = FusionConfig(weights=FusionWeights(recency=0.2))
    flt = ItemFilter(year_min=1985)
    rec = ranker.recommend(query, config, k=10, item_filter=flt)
    batch = score_queries(channels, [query])
    seen = seen_of(world.dataset, "u2")
    allowed = flt.mask(world.dataset)
    result = fuse(batch, config, k=10, seen=seen, allowed=allowed)
    np.testing.assert_array_equal(rec.result.items, result.items)
    np.testing.assert_allclose(rec.result.score, result.score)
    np.testing.assert_array_equal(rec.what_if, what_if(batch, result, seen=seen, allowed=allowed))
    assert rec.explanations == explain(result, query, channels)
    assert len(rec.result) == 10 and (world.dataset.items["year"].to_numpy()[rec.result.items] >= 1985).all()
    assert not np.isin(rec.result.items, np.flatnonzero(seen)).any()
    assert ranker.recommend(query, config, k=10, with_reasons=False).explanations == []
