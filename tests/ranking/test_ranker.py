"""The Ranker: the one path from queries to lists. Its single-query cache, its seen items, ``rank_many``
against scoring and fusing by hand (in chunks), and ``recommend`` against fuse + what-if + explain."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.interests.profile import InterestProfile, InterestTag
from core.ranking.base import Channel
from core.ranking.config import FusionConfig, FusionWeights, WeightsError
from core.ranking.explain import explain
from core.ranking.fusion import ItemFilter, fuse, rank_batch, what_if
from core.ranking.query import Query
from core.ranking.ranker import Ranker, scoring_batch_size
from core.ranking.registry import CHANNELS, build_channels
from core.ranking.scoring import score_queries
from tests.ranking.test_channels import GENRES, PARAMS, World, make_world, seen_of


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


# --- what the typed text rules out (issue 16) ----------------------------------------------------------


def _attribute(world: World, genre: str, polarity: int, weight: float = 0.5) -> InterestTag:
    vec = world.genre_vectors[GENRES.index(genre)]
    return InterestTag(genre.lower(), weight, polarity, vec, source="match", kind="attribute", key=f"tags:{genre}",
                       label=genre)


def _has(world: World, items: np.ndarray, genre: str) -> np.ndarray:
    tags = world.dataset.items["tags"].to_numpy()
    return np.array([genre in tags[int(i)] for i in items], dtype=bool)


def test_only_avoided_genres_rank_what_remains_with_those_genres_left_out(
    world_channels: tuple[World, dict[str, Channel]],
) -> None:
    """'no horror, no comedy, no drama': popularity ranks what is left; not one avoided-genre item is listed,
    whatever exclude_seen says, and each item's first reason says it is outside what was avoided."""
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels, world.item_vectors)
    avoided = ("Horror", "Comedy", "Drama")
    profile = InterestProfile("no horror, no comedy, no drama", [_attribute(world, g, -1) for g in avoided])
    query = Query(profile=profile)
    out = ranker.avoided_items(query)
    expected = np.unique(np.concatenate([ranker.catalogue.items_for(f"tags:{g}") for g in avoided]))
    np.testing.assert_array_equal(out, expected)
    assert out.size and all(_has(world, out, "Horror") | _has(world, out, "Comedy") | _has(world, out, "Drama"))
    plain = ranker.recommend(Query(), FusionConfig(), k=40)  # popularity alone: avoided genres on top
    assert (_has(world, plain.result.items, "Drama") | _has(world, plain.result.items, "Horror")).any()
    for config in (FusionConfig(), FusionConfig(exclude_seen=False), FusionConfig(method="rrf")):
        rec = ranker.recommend(query, config, k=40)
        assert len(rec.result) == 40
        for genre in avoided:
            assert not _has(world, rec.result.items, genre).any(), genre
        assert rec.result.n_eligible == world.dataset.n_items - out.size
        first = [e.reasons[0] for e in rec.explanations]
        assert {(r.channel, r.code) for r in first} == {("avoided", "outside_avoided")}
        assert first[0].args == {"avoided": ["horror", "comedy", "drama"]}
        assert len(rec.explanations[0].reasons) >= 2  # and the channel that ranked it (popular)
        assert not {r.code for e in rec.explanations for r in e.reasons} & {"semantic", "gist", "learned"}
    scores = ranker.fused_scores(query)
    assert np.isnan(scores[out]).all() and np.isfinite(np.delete(scores, out)).any()
    lists = ranker.rank_many([query, Query(user_id="u1", profile=profile)], {"d": FusionConfig()}, k=30)["d"]
    for row in lists:
        assert not np.isin(row[row >= 0], out).any()


def test_a_wanted_profile_keeps_its_own_reasons_and_still_leaves_the_avoided_genre_out(
    world_channels: tuple[World, dict[str, Channel]],
) -> None:
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels, world.item_vectors)
    profile = InterestProfile("sci-fi, no horror", [InterestTag("sci-fi", 1.0, 1, world.genre_vectors[0]),
                                                    _attribute(world, "Horror", -1)])
    rec = ranker.recommend(Query(profile=profile), FusionConfig(), k=30)
    assert not _has(world, rec.result.items, "Horror").any()
    assert all(r.code != "outside_avoided" for e in rec.explanations for r in e.reasons)


def test_a_contradicted_attribute_is_not_ruled_out(world_channels: tuple[World, dict[str, Channel]]) -> None:
    """'I like horror, no horror': the profile reports it; the ranking does not silently pick the avoidance."""
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels, world.item_vectors)
    both = InterestProfile("horror, no horror", [_attribute(world, "Horror", 1, 1.0), _attribute(world, "Horror", -1)])
    assert ranker.avoided_items(Query(profile=both)).size == 0
    assert ranker.ruled_out(Query(profile=both))[1] == []
    rec = ranker.recommend(Query(profile=both), FusionConfig(), k=10)
    assert _has(world, rec.result.items, "Horror").any()


def test_unknown_keys_zero_weights_and_avoided_titles(world_channels: tuple[World, dict[str, Channel]]) -> None:
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels)
    unknown = InterestTag("x", 0.5, -1, None, kind="attribute", key="tags:No Such Genre")
    off = replace(_attribute(world, "Horror", -1), weight=0.0)
    free = InterestTag("gore", 0.5, -1, world.genre_vectors[2])  # free text: pushed down, never excluded
    title = InterestTag("not story 3", 0.5, -1, None, kind="item", key="i3", label="Drama story 3")
    profile = InterestProfile("t", [unknown, off, free, title])
    items, texts = ranker.ruled_out(Query(profile=profile))
    assert items.tolist() == [3] and texts == ["not story 3"]
    assert 3 not in ranker.known_items(Query(profile=profile)).tolist()  # avoided: not "seen"
    rec = ranker.recommend(Query(profile=profile), FusionConfig(exclude_seen=False), k=world.dataset.n_items)
    assert 3 not in rec.result.items.tolist()


def test_recommend_refuses_weights_the_shared_check_refuses(world_channels: tuple[World, dict[str, Channel]]) -> None:
    world, channels = world_channels
    ranker = Ranker(world.dataset, channels)
    query = Query(user_id="u1")
    for weights in (FusionWeights.from_dict({}), FusionWeights(mf=11.0), FusionWeights(**{c: 1e308 for c in CHANNELS})):
        with pytest.raises(WeightsError):
            ranker.recommend(query, FusionConfig(weights=weights))
        with pytest.raises(WeightsError):
            ranker.fused_scores(query, FusionConfig(weights=weights))
