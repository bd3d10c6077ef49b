"""Explanations: the right reason code with the right evidence (tag, history item, neighbour, count,
year, attributes), strongest first. The zh/en sentences are tested in ``tests/ui/test_reasons.py``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.data.dataset import Dataset
from core.ranking.base import Channel
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.explain import Explanation, Reason, explain
from core.ranking.fusion import FusionResult, fuse
from core.ranking.query import Query
from core.ranking.registry import ChannelParams, build_channels
from core.ranking.scoring import score_queries
from tests.ranking.test_channels import GENRES, PARAMS, World, make_world, seen_of


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(seed=2)


@pytest.fixture(scope="module")
def channels(world: World) -> dict[str, Channel]:
    return build_channels(world.ctx(), PARAMS)


def _only(name: str, **extra: float) -> FusionConfig:
    return FusionConfig(weights=FusionWeights.from_dict({name: 1.0, **extra}))


def _fused(
    dataset: Dataset, channels: dict[str, Channel], query: Query, config: FusionConfig, k: int = 10
) -> FusionResult:
    batch = score_queries(channels, [query])
    return fuse(batch, config, k=k, seen=seen_of(dataset, query.user_id))


def _explained(
    world: World, channels: dict[str, Channel], query: Query, config: FusionConfig, k: int = 10
) -> tuple[FusionResult, list[Explanation]]:
    result = _fused(world.dataset, channels, query, config, k)
    assert len(result) == k
    explanations = explain(result, query, channels)
    assert [e.item_idx for e in explanations] == result.items.tolist()
    return result, explanations


def test_semantic_reason_names_the_matching_tag(world: World, channels: dict[str, Channel]) -> None:
    query = Query(profile=world.profile("Sci-Fi", "Comedy"))
    _, explanations = _explained(world, channels, query, _only("semantic"), k=20)
    checked = 0
    for exp in explanations:
        genre = GENRES[world.genre_of[exp.item_idx]]
        if genre not in ("Sci-Fi", "Comedy"):
            continue
        checked += 1
        assert exp.reasons[0] == Reason("semantic", "semantic", {"tag": genre.lower()})
    assert checked >= 15


def test_history_reason_names_the_closest_highly_rated_item(
    world: World, channels: dict[str, Channel]
) -> None:
    user = "u4"
    query = Query(user_id=user)
    _, explanations = _explained(world, channels, query, _only("history"))
    hist = world.dataset.user_history(user)
    liked = hist[hist["rating"] >= max(hist["rating"].mean(), hist["rating"].median())]["item_idx"].to_numpy()
    vecs = world.item_vectors
    for exp in explanations:
        closest = int(liked[np.argmax(vecs[liked] @ vecs[exp.item_idx])])
        title = world.dataset.titles([closest])[0]
        assert exp.reasons[0] == Reason("history", "history_rated", {"item_idx": closest, "title": title})


def test_implicit_feedback_says_liked(world: World) -> None:
    inter = world.dataset.interactions.assign(rating=1.0)
    ds = Dataset.from_frames("implicit", inter, world.dataset.items)
    chans = build_channels(replace(world.ctx(), dataset=ds), ChannelParams.of(mf={"factors": 8}))
    query = Query(user_id="u4")
    result = _fused(ds, chans, query, _only("history"), k=3)
    explanations = explain(result, query, chans)
    assert len(explanations) == 3
    for exp in explanations:
        assert [r.code for r in exp.reasons] == ["history_liked"]


def test_item_knn_reason_names_the_neighbour(world: World, channels: dict[str, Channel]) -> None:
    sim = channels["item_knn"].similarity_  # type: ignore[attr-defined]
    ties = 0
    for user in ("u9", *[f"u{i}" for i in range(20)]):
        query = Query(user_id=user)
        _, explanations = _explained(world, channels, query, _only("item_knn"))
        # the history item with the largest neighbour weight; ties go to the better-rated, then lower index
        hist = world.dataset.user_history(user).sort_values(["rating", "item_idx"], ascending=[False, True])
        history = hist["item_idx"].to_numpy()
        for exp in explanations:
            column = sim[history][:, exp.item_idx].toarray().ravel()
            source = int(history[np.argmax(column)])
            ties += int((column == column.max()).sum() > 1)
            title = world.dataset.titles([source])[0]
            assert exp.reasons == (Reason("item_knn", "co_liked", {"item_idx": source, "title": title}),), user
    assert ties > 0, "no tie between history items: the tie rule went untested"


def test_collaborative_popularity_and_freshness(world: World, channels: dict[str, Channel]) -> None:
    query = Query(user_id="u1")
    _, mf = _explained(world, channels, query, _only("mf"))
    assert all(e.reasons == (Reason("mf", "similar_users", {}),) for e in mf)
    _, popular = _explained(world, channels, query, _only("popularity"), k=3)
    for exp in popular:
        count = int(world.dataset.item_popularity[exp.item_idx])
        assert exp.reasons == (Reason("popularity", "popular", {"count": count}),)
    _, fresh = _explained(world, channels, query, _only("recency"), k=3)
    for exp in fresh:
        year = int(world.dataset.items["year"].iloc[exp.item_idx])
        assert exp.reasons == (Reason("recency", "fresh_year", {"year": year}),)


def test_graph_reason_names_shared_attributes(world: World, channels: dict[str, Channel]) -> None:
    query = Query(profile=world.profile("Horror"))
    _, explanations = _explained(world, channels, query, _only("graph"), k=8)
    for exp in explanations:
        tags = world.dataset.items["tags"].iloc[exp.item_idx]
        decade = f"{int(world.dataset.items['year'].iloc[exp.item_idx]) // 10 * 10}s"
        reason = exp.reasons[0]
        assert (reason.channel, reason.code) == ("graph", "attributes_interests")
        attrs = reason.args["attributes"]
        assert attrs[0] == "Horror" and set(attrs) <= {*tags, decade}
    # with the user's history seeding the walk, the attributes are "what you like"
    user_query = Query(user_id="u4")
    _, from_history = _explained(world, channels, user_query, _only("graph"), k=5)
    assert {r.code for e in from_history for r in e.reasons} == {"attributes_history"}


def test_two_strongest_reasons_in_order(world: World, channels: dict[str, Channel]) -> None:
    query = Query(user_id="u4", profile=world.profile("Sci-Fi"))
    weights = FusionWeights.from_dict({"semantic": 1.0, "history": 0.6, "popularity": 0.05})
    result, explanations = _explained(world, channels, query, FusionConfig(weights=weights))
    two = 0
    for row, exp in enumerate(explanations):
        assert 1 <= len(exp.reasons) <= 2
        lift = dict(zip(result.channels, result.lift[row], strict=True))
        strengths = [lift[r.channel] for r in exp.reasons]
        assert strengths == sorted(strengths, reverse=True)
        assert exp.reasons[0].channel == max(lift, key=lambda c: lift[c])
        two += len(exp.reasons) == 2
    assert two >= 1, "no item had a second reason: the ordering of two reasons went untested"
    # deterministic
    assert explain(result, query, channels) == explanations


def test_no_lift_gives_no_reason(world: World, channels: dict[str, Channel]) -> None:
    """A channel that scores every item the same lifts none of them: the item gets no reason code
    (the UI then says "ranked high by the combined signals")."""
    n = world.dataset.n_items
    result = fuse({"mf": np.ones(n)}, FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0})), k=2)
    assert len(result) == 2
    exps = explain(result, Query(user_id="u1"), channels)
    assert [e.reasons for e in exps] == [(), ()]


def test_outside_leads_every_explanation(world: World, channels: dict[str, Channel]) -> None:
    """With nothing to search towards, each item first says it is outside what the text avoids."""
    n = world.dataset.n_items
    result = fuse({"popularity": np.arange(n, dtype=float)},
                  FusionConfig(weights=FusionWeights.from_dict({"popularity": 1.0})), k=3)
    plain = explain(result, Query(), channels)
    outside = explain(result, Query(), channels, outside=["horror", "drama"])
    lead = Reason("avoided", "outside_avoided", {"avoided": ["horror", "drama"]})
    assert [e.reasons for e in outside] == [(lead, *e.reasons) for e in plain]
    assert [e.item_idx for e in outside] == result.items.tolist()


def test_titles_stay_plain_text() -> None:
    world = make_world(seed=3, n_items=60, n_users=20, n_cold=0)
    items = world.dataset.items.copy()
    items["title"] = [f"<b>{t}</b> & co" for t in items["title"]]
    ds = Dataset.from_frames("html", world.dataset.interactions, items)
    chans = build_channels(replace(world.ctx(), dataset=ds), ChannelParams.of(mf={"factors": 8}))
    query = Query(user_id="u2")
    result = _fused(ds, chans, query, _only("history"), k=3)
    explanations = explain(result, query, chans)
    assert len(explanations) == 3
    for exp in explanations:
        title = exp.reasons[0].args["title"]
        assert title.startswith("<b>") and title.endswith("</b> & co")  # verbatim: escaping is the renderer's job


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
    exps = explain(result, query, channels)
    assert [r.channel for r in exps[row].reasons] == ["mf"]
    top = result.items.tolist().index(0)
    assert "semantic" in [r.channel for r in exps[top].reasons]


def test_max_reasons_and_unknown_channels(world: World, channels: dict[str, Channel]) -> None:
    query = Query(user_id="u4", profile=world.profile("Sci-Fi"))
    weights = FusionWeights.from_dict({"semantic": 1.0, "history": 1.0, "item_knn": 1.0, "graph": 1.0})
    result = _fused(world.dataset, channels, query, FusionConfig(weights=weights))
    assert all(len(e.reasons) <= 1 for e in explain(result, query, channels, max_reasons=1))
    # a channel missing from the mapping gives no evidence instead of failing
    without_semantic = {k: v for k, v in channels.items() if k != "semantic"}
    for exp in explain(result, query, without_semantic):
        assert "semantic" not in [r.channel for r in exp.reasons]
