"""Explanations: the right tag, the right history item, the right evidence, in both languages."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from core.data.dataset import Dataset
from core.ranking.base import Channel
from core.ranking.channels import score_all, seen_mask
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.explain import Explainer, explain
from core.ranking.fusion import ScoreTable, fuse
from core.ranking.query import Query
from core.ranking.registry import ChannelParams, build_channels
from tests.ranking.test_channels import GENRES, World, make_world


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(seed=2)


@pytest.fixture(scope="module")
def channels(world: World) -> dict[str, Channel]:
    return build_channels(world.ctx(), ChannelParams(mf_factors=16, knn_neighbours=20))


def _only(name: str, **extra: float) -> FusionConfig:
    return FusionConfig(weights=FusionWeights.from_dict({name: 1.0, **extra}))


def _fused(world: World, channels: dict[str, Channel], query: Query, config: FusionConfig, k: int = 10):  # type: ignore[no-untyped-def]
    scores = score_all(channels, query)
    seen = seen_mask(world.dataset, query.user_id)
    return fuse(ScoreTable.from_channel_scores(scores), config, k=k, seen=seen)


def test_semantic_reason_names_the_matching_tag(world: World, channels: dict[str, Channel]) -> None:
    query = Query(profile=world.profile("Sci-Fi", "Comedy"))
    result = _fused(world, channels, query, _only("semantic"), k=20)
    explanations = explain(result, query, world.dataset, channels, world.item_vectors)
    assert len(explanations) == 20
    checked = 0
    for exp in explanations:
        genre = GENRES[world.genre_of[exp.item_idx]]
        if genre not in ("Sci-Fi", "Comedy"):
            continue
        checked += 1
        assert f"“{genre.lower()}”" in exp.en, exp.en
        assert f"「{genre.lower()}」" in exp.zh, exp.zh
        assert exp.reasons[0].channel == "semantic" and exp.reasons[0].evidence["tag"] == genre.lower()
    assert checked >= 15


def test_history_reason_names_the_closest_highly_rated_item(
    world: World, channels: dict[str, Channel]
) -> None:
    user = "u4"
    query = Query(user_id=user)
    result = _fused(world, channels, query, _only("history"))
    hist = world.dataset.user_history(user)
    liked = hist[hist["rating"] >= max(hist["rating"].mean(), hist["rating"].median())]["item_idx"].to_numpy()
    vecs = world.item_vectors
    for exp in explain(result, query, world.dataset, channels, vecs):
        closest = int(liked[np.argmax(vecs[liked] @ vecs[exp.item_idx])])
        title = world.dataset.titles([closest])[0]
        assert exp.en.startswith(f"Because you rated “{title}” highly"), exp.en
        assert exp.zh.startswith(f"因为你给《{title}》打了高分"), exp.zh
        assert exp.reasons[0].evidence["item_idx"] == closest


def test_implicit_feedback_says_liked(world: World) -> None:
    inter = world.dataset.interactions.assign(rating=1.0)
    ds = Dataset.from_frames("implicit", inter, world.dataset.items)
    chans = build_channels(replace(world.ctx(), dataset=ds), ChannelParams(mf_factors=8))
    query = Query(user_id="u4")
    scores = score_all(chans, query)
    result = fuse(scores.scores, _only("history"), k=3, seen=seen_mask(ds, "u4"))
    for exp in Explainer(ds, chans, world.item_vectors).explain(result, query):
        assert exp.en.startswith("Because you liked “") and exp.zh.startswith("因为你喜欢《")


def test_item_knn_reason_names_the_neighbour(world: World, channels: dict[str, Channel]) -> None:
    user = "u9"
    query = Query(user_id=user)
    result = _fused(world, channels, query, _only("item_knn"))
    sim = channels["item_knn"].similarity_  # type: ignore[attr-defined]
    hist = world.dataset.user_history(user)
    # the history item with the largest neighbour weight; ties go to the better-rated, then lower index
    hist = hist.sort_values(["rating", "item_idx"], ascending=[False, True])
    history = hist["item_idx"].to_numpy()
    for exp in explain(result, query, world.dataset, channels, world.item_vectors):
        column = sim[history][:, exp.item_idx].toarray().ravel()
        source = int(history[np.argmax(column)])
        title = world.dataset.titles([source])[0]
        assert exp.en == f"People who liked “{title}” also liked this."
        assert exp.zh == f"喜欢《{title}》的人也喜欢它。"


def test_collaborative_popularity_and_freshness(world: World, channels: dict[str, Channel]) -> None:
    query = Query(user_id="u1")
    mf = explain(_fused(world, channels, query, _only("mf")), query, world.dataset, channels)
    assert all(e.en == "People with similar taste liked it." for e in mf)
    assert all(e.zh == "和你口味相似的人也喜欢它。" for e in mf)
    pop_result = _fused(world, channels, query, _only("popularity"), k=3)
    for exp in explain(pop_result, query, world.dataset, channels):
        count = int(world.dataset.item_popularity[exp.item_idx])
        assert exp.en == f"Popular: {count} people interacted with it."
        assert f"{count} 位用户" in exp.zh
    fresh = _fused(world, channels, query, _only("recency"), k=3)
    for exp in explain(fresh, query, world.dataset, channels):
        year = int(world.dataset.items["year"].iloc[exp.item_idx])
        assert exp.en == f"Recent: from {year}." and f"{year} 年" in exp.zh


def test_graph_reason_names_shared_attributes(world: World, channels: dict[str, Channel]) -> None:
    query = Query(profile=world.profile("Horror"))
    result = _fused(world, channels, query, _only("graph"), k=8)
    for exp in explain(result, query, world.dataset, channels):
        tags = world.dataset.items["tags"].iloc[exp.item_idx]
        attrs = exp.reasons[0].evidence["attributes"]
        assert attrs[0] == "Horror" and set(attrs) <= {*tags, *[f"{int(y) // 10 * 10}s" for y in
                                                               [world.dataset.items["year"].iloc[exp.item_idx]]]}
        assert exp.en.startswith("Shares “Horror”") and "with your interests" in exp.en
        assert exp.zh.startswith("与你的兴趣同属「Horror」")


def test_two_strongest_reasons_in_order(world: World, channels: dict[str, Channel]) -> None:
    query = Query(user_id="u4", profile=world.profile("Sci-Fi"))
    weights = FusionWeights.from_dict({"semantic": 1.0, "history": 0.6, "popularity": 0.05})
    config = FusionConfig(weights=weights)
    result = _fused(world, channels, query, config)
    explanations = explain(result, query, world.dataset, channels, world.item_vectors)
    for row, exp in enumerate(explanations):
        assert 1 <= len(exp.reasons) <= 2
        lift = dict(zip(result.channels, result.lift[row], strict=True))
        strengths = [lift[r.channel] for r in exp.reasons]
        assert strengths == sorted(strengths, reverse=True)
        assert exp.reasons[0].channel == max(lift, key=lambda c: lift[c])
        assert "；" in exp.zh if len(exp.reasons) == 2 else True
    # deterministic
    again = explain(result, query, world.dataset, channels, world.item_vectors)
    assert [e.en for e in again] == [e.en for e in explanations]
    assert [e.text("zh") for e in again] == [e.zh for e in explanations]


def test_no_contribution_gives_generic_reason(world: World, channels: dict[str, Channel]) -> None:
    query = Query(user_id="u1")
    result = _fused(world, channels, query, FusionConfig(weights=FusionWeights.from_dict({})), k=2)
    exps = explain(result, query, world.dataset, channels)
    assert all(e.reasons == () and e.en == "Ranked high by the combined signals." for e in exps)


def test_titles_stay_plain_text() -> None:
    world = make_world(seed=3, n_items=60, n_users=20, n_cold=0)
    items = world.dataset.items.copy()
    items["title"] = [f"<b>{t}</b> & co" for t in items["title"]]
    ds = Dataset.from_frames("html", world.dataset.interactions, items)
    chans = build_channels(replace(world.ctx(), dataset=ds), ChannelParams(mf_factors=8))
    query = Query(user_id="u2")
    result = fuse(score_all(chans, query).scores, _only("history"), k=3, seen=seen_mask(ds, "u2"))
    for exp in explain(result, query, ds, chans, world.item_vectors):
        assert isinstance(exp.en, str) and "<b>" in exp.en  # verbatim: escaping is the renderer's job
        assert pd.notna(exp.zh)


def test_a_channel_that_lifts_nothing_claims_no_credit(world: World, channels: dict[str, Channel]) -> None:
    """Multi-interest scores sit at a floor for most items; with negatives below it, min-max gives the
    floor a large normalised value. Such an item's reason must come from what actually lifted it."""
    n = world.dataset.n_items
    rng = np.random.default_rng(0)
    semantic = np.zeros(n)
    semantic[:5] = [0.9, 0.8, 0.7, 0.6, 0.5]
    semantic[10:20] = -1.0  # penalised by a negative interest
    mf = rng.random(n)
    mf[30] = 5.0  # item 30: at the semantic floor, top by mf
    result = fuse({"semantic": semantic, "mf": mf}, FusionConfig(weights=FusionWeights.from_dict(
        {"semantic": 1.0, "mf": 1.0})), k=10)
    row = result.items.tolist().index(30)
    assert result.contribution_dict(row)["semantic"] > 0.5  # min-max floor: large, but not a lift
    query = Query(user_id="u1", profile=world.profile("Sci-Fi"))
    exps = explain(result, query, world.dataset, channels, world.item_vectors)
    assert [r.channel for r in exps[row].reasons] == ["mf"]
    top = result.items.tolist().index(0)
    assert "semantic" in [r.channel for r in exps[top].reasons]
