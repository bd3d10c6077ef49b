"""Items named in typed text act as pseudo-history: a cold query that names films gets the collaborative
channels (item-kNN, MF fold-in, history vector, graph walk) as if the person had watched them, the named
films are left out of the list, and an avoided film ("not Titanic") pushes its neighbours down."""

from __future__ import annotations

import numpy as np
import pytest

from core.ranking.base import named_items, seed_reason, seed_row
from core.ranking.channels.item_knn import ItemKNNChannel
from core.ranking.config import FusionConfig
from core.ranking.query import Query
from core.ranking.ranker import Ranker
from core.ranking.registry import ChannelParams, build_channels
from tests.ranking.test_channels import GENRES, World, make_world


class Tag:
    """A tag with a kind and a catalogue key, as decomposition makes for a recognised title."""

    def __init__(self, text: str, weight: float, polarity: int, vector: np.ndarray | None,
                 kind: str = "text", key: str | None = None) -> None:
        self.text, self.weight, self.polarity, self.vector = text, weight, polarity, vector
        self.kind, self.key, self.label = kind, key, text


class Profile:
    def __init__(self, tags: list[Tag]) -> None:
        self.tags = tags

    def composed_vector(self) -> np.ndarray | None:
        return None


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(seed=3)


@pytest.fixture(scope="module")
def ranker(world: World) -> Ranker:
    params = ChannelParams.of(mf={"factors": 16}, item_knn={"k": 20})
    channels = build_channels(world.ctx(), params)
    return Ranker(world.dataset, channels, world.item_vectors)


def _named(world: World, items: list[int], polarity: int = 1) -> Profile:
    return Profile([Tag(f"film {i}", 1.0 / len(items), polarity, world.item_vectors[i], "item", f"i{i}")
                    for i in items])


def test_named_items_and_seeds(world: World) -> None:
    ds = world.dataset
    q = Query(profile=_named(world, [3, 7]))
    items, weights = named_items(ds, q)
    assert sorted(items.tolist()) == [3, 7] and np.allclose(weights, 0.5)
    assert seed_reason(ds, q) is None  # a cold query that names items has seeds
    assert seed_reason(ds, Query()) == "no_user"
    unknown = Profile([Tag("nothing", 1.0, 1, None, "item", "no-such-id")])
    assert named_items(ds, Query(profile=unknown))[0].size == 0
    user = str(ds.user_ids[0])
    history, _ = seed_row(ds, Query(user_id=user))
    both, w = seed_row(ds, Query(user_id=user, profile=_named(world, [3])), named_value=5.0)
    assert set(both.tolist()) == set(history.tolist()) | {3}
    if 3 not in history:
        assert w[both.tolist().index(3)] == 5.0


def test_cold_query_naming_films_uses_the_collaborative_channels(world: World, ranker: Ranker) -> None:
    genre = 2
    liked = [i for i in range(60) if world.genre_of[i] == genre][:3]
    rec = ranker.recommend(Query(profile=_named(world, liked)), FusionConfig(), k=10)
    assert {"item_knn", "mf", "history", "graph"} <= set(rec.result.channels)
    assert not set(liked) & set(rec.result.items.tolist())  # the named films are not recommended back
    share = np.mean(world.genre_of[rec.result.items] == genre)
    assert share >= 0.6, (share, GENRES[genre])  # their genre comes back, through people who liked them
    reasons = {r.code for e in rec.explanations for r in e.reasons}
    assert "named_item" in reasons


def test_item_knn_equals_a_user_who_watched_the_named_films(world: World) -> None:
    """Pseudo-history is exactly history: item-kNN of a cold query naming a user's films equals that user's."""
    channel = ItemKNNChannel(k=20).fit(world.ctx())
    ds = world.dataset
    user = str(ds.user_ids[5])
    items = ds.matrix[ds.user_index[user]].indices.tolist()
    profile = Profile([Tag(f"film {i}", 1.0, 1, None, "item", f"i{i}") for i in items])
    as_user, as_text = channel.score([Query(user_id=user), Query(profile=profile)])
    np.testing.assert_allclose(as_text, as_user)


def test_avoided_film_is_excluded_and_its_neighbours_pushed_down(world: World, ranker: Ranker) -> None:
    genre = 1
    liked = [i for i in range(60) if world.genre_of[i] == genre][:2]
    base = ranker.recommend(Query(profile=_named(world, liked)), FusionConfig(), k=20)
    avoided = int(base.result.items[0])
    avoid = Tag("not that one", 0.5, -1, world.item_vectors[avoided], "item", f"i{avoided}")
    tags = [*_named(world, liked).tags, avoid]
    after = ranker.recommend(Query(profile=Profile(tags)), FusionConfig(), k=20)
    assert avoided not in after.result.items.tolist()
    knn = ranker.channels["item_knn"]
    with_avoid, without = knn.score([Query(profile=Profile(tags)), Query(profile=_named(world, liked))])
    neighbours = knn.similarity_[avoided].indices  # type: ignore[attr-defined]
    assert np.all(with_avoid[neighbours] < without[neighbours])  # every neighbour of the avoided film drops
    others = np.setdiff1d(np.arange(world.dataset.n_items), np.append(neighbours, avoided))
    np.testing.assert_allclose(with_avoid[others], without[others])  # nothing else moves
