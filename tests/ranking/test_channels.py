"""Scoring channels: each channel's own behaviour, batch scoring against the one-query path.

The contract every channel passes lives in ``tests/ranking/test_channel_contract.py``. The toy world
(``make_world``) is a small catalogue with planted structure: items belong to genres, item vectors point
along their genres' directions, users prefer one or two genres and rate those items highly, and a few
items ("cold") have no interactions at all. The other ranking tests import it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from core.common.errors import ConfigError
from core.common.selection import top_k
from core.data.dataset import Dataset
from core.interests.decompose import decompose
from core.interests.profile import InterestProfile, InterestTag
from core.interests.recognise import catalogue_index
from core.ranking.base import Channel, ChannelContext, user_row
from core.ranking.channels.graph import (
    GraphChannel,
    build_attribute_graph,
    personalized_pagerank,
    personalized_pagerank_many,
)
from core.ranking.channels.history import HistoryChannel
from core.ranking.channels.item_knn import ItemKNNChannel, item_similarity_topk
from core.ranking.channels.mf import MFChannel
from core.ranking.channels.popularity import PopularityChannel
from core.ranking.channels.recency import RecencyChannel
from core.ranking.channels.semantic import SemanticChannel
from core.ranking.query import Query
from core.ranking.registry import ChannelParams, build_channels
from core.ranking.scoring import score_queries
from tests.data.zh_films import STEPHEN_CHOW, zh_films
from tests.interests.test_recognise import CharEncoder

PARAMS = ChannelParams.of(mf={"factors": 16}, item_knn={"k": 20})
"""Small, fast channel parameters for the toy world."""

GENRES: tuple[str, ...] = ("Sci-Fi", "Comedy", "Horror", "Drama", "Romance", "Documentary")


@dataclass
class World:
    """A toy dataset with planted genre structure (see the module docstring)."""

    dataset: Dataset
    item_vectors: np.ndarray
    genre_vectors: np.ndarray
    genre_of: np.ndarray  # primary genre index per item
    cold: np.ndarray  # indices of items without interactions
    favourites: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def ctx(self, **kw: Any) -> ChannelContext:
        """A channel context over this world."""
        return ChannelContext(self.dataset, item_vectors=self.item_vectors, **kw)

    def profile(self, *genres: str, negative: tuple[str, ...] = (), gist: bool = False) -> InterestProfile:
        """Typed interests: one positive tag per genre (its direction as vector), negatives after; with
        ``gist`` a gist tag (the genres' mean direction) takes a third of the positive weight."""
        vec = {g: self.genre_vectors[GENRES.index(g)] for g in (*genres, *negative)}
        share = 2.0 / 3.0 if gist else 1.0
        tags = [InterestTag(g.lower(), share / len(genres), 1, vec[g]) for g in genres]
        if gist:
            mean = np.mean([vec[g] for g in genres], axis=0)
            tags.append(InterestTag(" ".join(genres).lower(), 1.0 / 3.0, 1, mean / np.linalg.norm(mean),
                                    source="gist", kind="gist"))
        tags += [InterestTag(g.lower(), 0.5 / max(1, len(negative)), -1, vec[g]) for g in negative]
        return InterestProfile(" ".join(genres), tags, "en")


def make_world(
    n_items: int = 150, n_users: int = 60, n_cold: int = 12, dim: int = 32, seed: int = 0,
    timestamps: bool = True, years: bool = True, genres: bool = True,
) -> World:
    """Build the toy world deterministically from ``seed``."""
    rng = np.random.default_rng(seed)
    dirs = rng.normal(size=(len(GENRES), dim))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    genre_of = np.arange(n_items) % len(GENRES)
    other = (genre_of + rng.integers(1, len(GENRES), n_items)) % len(GENRES)
    second = np.where(rng.random(n_items) < 0.3, other, -1)
    vecs = dirs[genre_of] + 0.35 * rng.normal(size=(n_items, dim)) / np.sqrt(dim) * 3
    vecs[second >= 0] += 0.4 * dirs[second[second >= 0]]
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    tags = [tuple(GENRES[g] for g in (genre_of[i], second[i]) if g >= 0) if genres else ()
            for i in range(n_items)]
    items = pd.DataFrame({
        "item_id": [f"i{i}" for i in range(n_items)],
        "title": [f"{GENRES[genre_of[i]]} story {i}" for i in range(n_items)],
        "tags": tags,
        "category": [GENRES[g] if genres else "" for g in genre_of],
        "year": rng.integers(1970, 2020, n_items).astype(float) if years else np.nan,
    })
    cold = np.arange(n_items - n_cold, n_items)
    warm = np.arange(n_items - n_cold)
    rows = []
    favourites: dict[str, tuple[int, ...]] = {}
    t0 = 1_500_000_000.0
    for u in range(n_users):
        fav = tuple(int(g) for g in rng.choice(len(GENRES), size=1 + int(rng.random() < 0.4), replace=False))
        favourites[f"u{u}"] = fav
        liked_pool = warm[np.isin(genre_of[warm], fav)]
        other_pool = warm[~np.isin(genre_of[warm], fav)]
        n = int(rng.integers(10, 22))
        n_fav = min(round(n * 0.8), len(liked_pool))
        picks = np.concatenate([rng.choice(liked_pool, n_fav, replace=False),
                                rng.choice(other_pool, n - n_fav, replace=False)])
        for j, item in enumerate(picks):
            scale = [4.0, 4.5, 5.0] if genre_of[item] in fav else [1.0, 2.0, 3.0]
            rating = float(rng.choice(scale))
            ts = t0 + u * 3_600 + j * 86_400.0 + float(item) * 10 if timestamps else np.nan
            rows.append((f"u{u}", f"i{item}", rating, ts, ""))
    inter = pd.DataFrame(rows, columns=["user_id", "item_id", "rating", "timestamp", "event"])
    ds = Dataset.from_frames("toy", inter, items)
    return World(ds, vecs.astype(np.float32), dirs.astype(np.float32), genre_of, cold, favourites)


class FakeTag:
    """A minimal tag object (anything with text, weight, polarity, vector satisfies the protocol)."""

    def __init__(self, text: str, weight: float, polarity: int, vector: np.ndarray | None) -> None:
        self.text, self.weight, self.polarity, self.vector = text, weight, polarity, vector


class FakeProfile:
    """A minimal profile object that is not a ``core.interests.profile.InterestProfile``."""

    def __init__(self, tags: list[FakeTag]) -> None:
        self.tags = tags

    def composed_vector(self) -> np.ndarray | None:
        acc = sum(t.polarity * t.weight * t.vector for t in self.tags if t.vector is not None)
        if isinstance(acc, int):
            return None
        return acc / np.linalg.norm(acc)


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def fitted(world: World) -> dict[str, Channel]:
    return build_channels(world.ctx(), PARAMS)


def _genre_share(world: World, items: np.ndarray, genres: tuple[int, ...]) -> float:
    """Share of ``items`` whose primary genre is one of ``genres``."""
    return float(np.isin(world.genre_of[items], genres).mean())


def _tagged_share(world: World, items: np.ndarray, genres: tuple[int, ...]) -> float:
    """Share of ``items`` tagged (primary or second genre) with one of ``genres``."""
    names = {GENRES[g] for g in genres}
    tags = world.dataset.items["tags"].to_numpy()
    return float(np.mean([bool(names & set(tags[i])) for i in items]))


def ranking(scores: np.ndarray, exclude: np.ndarray | None = None, k: int | None = None) -> np.ndarray:
    """Item indices by descending score, ties by ascending index; ``exclude`` (bool mask) and ``-inf`` removed."""
    arr = np.asarray(scores, dtype=np.float64)
    if exclude is not None:
        arr = np.where(np.asarray(exclude, dtype=bool), -np.inf, arr)
    return top_k(arr, arr.size if k is None else k)


def seen_of(dataset: Dataset, user_id: str | None) -> np.ndarray:
    """Boolean mask of the items the user already interacted with (all False for unknown / no user)."""
    mask = np.zeros(dataset.n_items, dtype=bool)
    mask[user_row(dataset, user_id)[0]] = True
    return mask


# --- channel behaviour ------------------------------------------------------------------------


class TestSemantic:
    def test_profile_ranks_its_genre_first(self, world: World, fitted: dict[str, Channel]) -> None:
        for genre in ("Sci-Fi", "Romance"):
            top = ranking(fitted["semantic"].score([Query(profile=world.profile(genre))])[0], k=10)
            assert _genre_share(world, top, (GENRES.index(genre),)) >= 0.9

    def test_single_and_multi_modes(self, world: World) -> None:
        profile = world.profile("Sci-Fi", "Comedy")
        for mode in ("single", "multi"):
            channel = SemanticChannel(mode=mode).fit(world.ctx())
            top = ranking(channel.score([Query(profile=profile)])[0], k=20)
            assert _genre_share(world, top, (0, 1)) >= 0.85, mode
        multi = ranking(SemanticChannel(mode="multi").fit(world.ctx()).score([Query(profile=profile)])[0], k=20)
        # multi-interest keeps both interests in the list
        assert {0, 1} <= set(world.genre_of[multi].tolist())

    def test_negative_tag_pushes_items_down(self, world: World, fitted: dict[str, Channel]) -> None:
        plain = fitted["semantic"].score([Query(profile=world.profile("Sci-Fi", "Horror"))])[0]
        profile = world.profile("Sci-Fi", "Horror", negative=("Horror",))
        avoid = fitted["semantic"].score([Query(profile=profile)])[0]
        horror = world.genre_of == GENRES.index("Horror")
        assert (avoid[horror] - plain[horror]).mean() < (avoid[~horror] - plain[~horror]).mean()

    def test_profile_like_objects_work_too(self, world: World, fitted: dict[str, Channel]) -> None:
        fake = FakeProfile([FakeTag("space", 1.0, 1, world.genre_vectors[0]),
                            FakeTag("gore", 0.5, -1, world.genre_vectors[2])])
        for mode in ("single", "multi"):
            channel = SemanticChannel(mode=mode).fit(world.ctx())
            scores = channel.score([Query(profile=fake)])[0]
            assert _genre_share(world, ranking(scores, k=10), (0,)) >= 0.9
            assert scores[world.genre_of == 2].mean() < scores[world.genre_of == 3].mean()

    def test_profile_without_vectors(self, world: World, fitted: dict[str, Channel]) -> None:
        fake = FakeProfile([FakeTag("space", 1.0, 1, None)])
        assert fitted["semantic"].why_not(Query(profile=fake)) == "profile_without_vectors"


class TestHistory:
    def test_prefers_the_users_genres(self, world: World, fitted: dict[str, Channel]) -> None:
        shares = []
        for user, fav in list(world.favourites.items())[:20]:
            scores = fitted["history"].score([Query(user_id=user)])[0]
            top = ranking(scores, seen_of(world.dataset, user), k=10)
            shares.append(_genre_share(world, top, fav))
        assert np.mean(shares) >= 0.8

    def test_uses_precomputed_user_vectors(self, world: World) -> None:
        n_users = world.dataset.n_users
        user_vectors = np.zeros((n_users, world.item_vectors.shape[1]), dtype=np.float32)
        user_vectors[:, 0] = 1.0
        has = np.ones(n_users, dtype=bool)
        has[world.dataset.user_index["u5"]] = False
        channel = HistoryChannel().fit(world.ctx(user_vectors=user_vectors, has_vector=has))
        np.testing.assert_allclose(channel.score([Query(user_id="u3")])[0], world.item_vectors[:, 0], rtol=1e-6)
        assert channel.why_not(Query(user_id="u5")) == "no_history"
        # a query with its own "now" recomputes the vector from the history (time decay)
        assert not np.allclose(channel.score([Query(user_id="u3", now=1.6e9)])[0], world.item_vectors[:, 0])


class TestMF:
    @pytest.mark.parametrize("algorithm", ["als", "bpr"])
    def test_learns_taste(self, world: World, algorithm: str) -> None:
        channel = MFChannel(algorithm=algorithm, factors=16, iterations=30 if algorithm == "als" else 200,
                            learning_rate=0.05).fit(world.ctx())
        shares = []
        for user, fav in list(world.favourites.items())[:30]:
            top = ranking(channel.score([Query(user_id=user)])[0], seen_of(world.dataset, user), k=10)
            shares.append(_genre_share(world, top, fav))
        chance = np.mean([len(f) / len(GENRES) for f in world.favourites.values()])
        assert np.mean(shares) > chance + 0.2, (np.mean(shares), chance)

    def test_parameters_are_used(self, world: World) -> None:
        a = MFChannel(factors=8, regularization=0.01).fit(world.ctx())
        b = MFChannel(factors=12, regularization=0.5, alpha=10.0).fit(world.ctx())
        assert a.item_factors_ is not None and b.item_factors_ is not None
        assert a.item_factors_.shape[1] == 8 and b.item_factors_.shape[1] == 12
        with pytest.raises(ConfigError):
            MFChannel(algorithm="svd")


class TestItemKNN:
    def test_matches_brute_force(self, world: World) -> None:
        mat = world.dataset.matrix
        k = 7
        sim = item_similarity_topk(mat, k=k).toarray()
        dense = (mat > 0).astype(float).toarray()
        norms = np.linalg.norm(dense, axis=0)
        full = dense.T @ dense / np.outer(np.where(norms > 0, norms, 1), np.where(norms > 0, norms, 1))
        np.fill_diagonal(full, 0)
        for j in range(mat.shape[1]):
            kept = np.flatnonzero(sim[j])
            assert len(kept) <= k
            if len(kept):
                # every kept neighbour is at least as similar as every dropped one
                np.testing.assert_allclose(sim[j, kept], full[j, kept], rtol=1e-5)
                dropped = np.setdiff1d(np.flatnonzero(full[j] > 0), kept)
                if len(dropped):
                    assert full[j, dropped].max() <= sim[j, kept].min() + 1e-6
            else:
                assert full[j].max() == 0

    def test_dense_and_sparse_paths_agree(self, world: World) -> None:
        mat = world.dataset.matrix
        dense = item_similarity_topk(mat, k=10).toarray()
        np.testing.assert_allclose(item_similarity_topk(mat, k=10, dense_limit=0).toarray(), dense,
                                   rtol=1e-5, atol=1e-7)
        # same neighbours, ties included (the lowest item index wins a tie at the k-th similarity)
        np.testing.assert_array_equal(item_similarity_topk(mat, k=10, dense_limit=0).toarray() != 0, dense != 0)

    def test_ties_keep_lowest_index(self) -> None:
        # item 0 co-occurs equally with items 1..5 (identical columns): k=2 keeps items 1 and 2
        mat = sparse.csr_matrix(np.array([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], dtype=np.float32))
        for limit in (60_000_000, 0):
            sim = item_similarity_topk(mat, k=2, dense_limit=limit)
            assert sim[0].indices.tolist() == [1, 2]
            assert sim[3].indices.tolist() == [0, 1]

    def test_score_is_sum_of_similarities(self, world: World, fitted: dict[str, Channel]) -> None:
        channel = fitted["item_knn"]
        assert isinstance(channel, ItemKNNChannel) and channel.similarity_ is not None
        items = world.dataset.matrix[world.dataset.user_index["u3"]].indices
        expected = np.asarray(channel.similarity_[items].sum(axis=0)).ravel()
        np.testing.assert_allclose(channel.score([Query(user_id="u3")])[0], expected, rtol=1e-6)

    def test_neighbours_in(self, fitted: dict[str, Channel]) -> None:
        channel = fitted["item_knn"]
        assert isinstance(channel, ItemKNNChannel) and channel.similarity_ is not None
        row = channel.similarity_[5].toarray().ravel()
        best = int(np.argmax(row))
        hit = channel.neighbours_in(5, np.array([best, 0, 1]))
        assert hit is not None and hit[0] == best


class TestPopularity:
    def test_counts_distinct_users(self, world: World, fitted: dict[str, Channel]) -> None:
        scores = fitted["popularity"].score([Query()])[0]
        np.testing.assert_allclose(np.expm1(scores), world.dataset.item_popularity)
        assert scores[world.cold].max() == 0

    def test_window(self) -> None:
        day = 86_400.0
        inter = pd.DataFrame({
            "user_id": ["a", "b", "c", "a", "a", "b"],
            "item_id": ["x", "x", "x", "y", "y", "y"],
            "rating": 1.0,
            "timestamp": [0, 1 * day, 2 * day, 9 * day, 9.5 * day, 10 * day],
            "event": "",
        })
        ds = Dataset.from_frames("pop", inter)
        ix, iy = ds.item_index["x"], ds.item_index["y"]
        all_time = PopularityChannel().fit(ChannelContext(ds))
        recent = PopularityChannel(window_days=3).fit(ChannelContext(ds))
        assert all_time.counts()[[ix, iy]].tolist() == [3, 2]
        assert recent.counts()[[ix, iy]].tolist() == [0, 2]  # 'a' twice on y counts once
        assert recent.counts(now=2 * day)[[ix, iy]].tolist() == [3, 0]
        assert recent.score([Query(now=2 * day)])[0][ix] > recent.score([Query(now=2 * day)])[0][iy]
        # a batch of queries at different times: one window per row
        block = recent.score([Query(now=2 * day), Query(), Query(now=9.5 * day)])
        np.testing.assert_allclose(np.expm1(block[:, [ix, iy]]), [[3, 0], [0, 2], [0, 1]], atol=1e-12)


class TestRecency:
    def test_newer_years_score_higher(self, world: World, fitted: dict[str, Channel]) -> None:
        channel = fitted["recency"]
        assert isinstance(channel, RecencyChannel) and channel.basis_ == "year"
        scores = channel.score([Query()])[0]
        years = world.dataset.items["year"].to_numpy()
        order = np.argsort(years)
        assert np.all(np.diff(scores[order]) >= -1e-12)
        assert scores.max() <= 1.0 and scores.min() > 0

    def test_first_seen_basis_without_years(self) -> None:
        w = make_world(years=False)
        channel = RecencyChannel().fit(w.ctx())
        assert channel.basis_ == "first_seen"
        scores = channel.score([Query()])[0]
        assert (scores[w.cold] == 0).all(), "items of unknown age score 0"
        first = w.dataset.interactions.groupby("item_idx")["timestamp"].min()
        idx = first.index.to_numpy()
        assert np.corrcoef(first.to_numpy(), scores[idx])[0, 1] > 0.9

    def test_half_life(self, world: World) -> None:
        channel = RecencyChannel(basis="year", half_life_days=365.25).fit(world.ctx())
        years = world.dataset.items["year"].to_numpy()
        newest = years.max()
        scores = channel.score([Query()])[0]
        i_old = int(np.flatnonzero(years == newest - 1)[0]) if (years == newest - 1).any() else None
        i_new = int(np.flatnonzero(years == newest)[0])
        assert scores[i_new] == pytest.approx(1.0)
        if i_old is not None:
            assert scores[i_old] == pytest.approx(0.5, rel=1e-3)


class TestGraph:
    def test_graph_attributes(self, world: World) -> None:
        graph = build_attribute_graph(world.dataset)
        assert set(GENRES) <= set(graph.names)
        assert any(kind == "decade" for kind in graph.kinds)
        assert graph.incidence.shape == (world.dataset.n_items, graph.n_attributes)

    def test_user_tags_and_extra_columns_become_attributes(self, world: World) -> None:
        items = world.dataset.items.copy()
        items["studio"] = ["Ghibli" if i % 2 else "Pixar" for i in range(len(items))]
        user_tags = pd.DataFrame({"user_id": ["u1", "u2", "u3"], "item_id": ["i0", "i6", "i12"],
                                  "tag": ["space opera", "Space Opera", "space opera"]})
        ds = Dataset.from_frames("t", world.dataset.interactions, items, user_tags)
        graph = build_attribute_graph(ds)
        assert "Ghibli" in graph.names and "meta:studio" in graph.kinds
        j = graph.names.index("space opera")  # merged by normalised name, first spelling kept
        assert graph.incidence[:, j].nnz == 3

    def test_pagerank_matches_linear_solve(self) -> None:
        rng = np.random.default_rng(3)
        adj = (rng.random((12, 12)) < 0.3).astype(float)
        adj = np.triu(adj, 1)
        adj = adj + adj.T
        adj[np.arange(12), (np.arange(12) + 1) % 12] = 1
        adj[(np.arange(12) + 1) % 12, np.arange(12)] = 1
        p = adj / adj.sum(axis=0, keepdims=True)
        s = np.zeros(12)
        s[[0, 5]] = [0.7, 0.3]
        r = personalized_pagerank(sparse.csr_matrix(p), s, alpha=0.3, iterations=500, tol=1e-14)
        exact = 0.3 * np.linalg.solve(np.eye(12) - 0.7 * p, s)
        np.testing.assert_allclose(r, exact, atol=1e-10)
        assert r.sum() == pytest.approx(1.0)

    def test_history_seed_reaches_the_users_genres(self, world: World, fitted: dict[str, Channel]) -> None:
        shares = []
        for user, fav in list(world.favourites.items())[:20]:
            scores = fitted["graph"].score([Query(user_id=user)])[0]
            top = ranking(scores, seen_of(world.dataset, user), k=10)
            shares.append(_tagged_share(world, top, fav))
        assert np.mean(shares) >= 0.8

    def test_tag_text_matches_attribute_names(self, world: World) -> None:
        channel = GraphChannel().fit(ChannelContext(world.dataset))  # no vectors: text matching only
        profile = FakeProfile([FakeTag("good sci-fi films", 1.0, 1, None)])
        matched = channel.match_attributes(profile.tags[0])
        assert [channel.graph_.names[j] for j in matched] == ["Sci-Fi"]
        top = ranking(channel.score([Query(profile=profile)])[0], k=15)
        assert _tagged_share(world, top, (0,)) == 1.0

    def test_tag_vector_matches_attributes(self, world: World, fitted: dict[str, Channel]) -> None:
        # Chinese text that matches no attribute name: the vector finds the genre
        profile = FakeProfile([FakeTag("科幻", 1.0, 1, world.genre_vectors[0])])
        channel = fitted["graph"]
        assert isinstance(channel, GraphChannel)
        names = [channel.graph_.names[j] for j in channel.match_attributes(profile.tags[0])]
        assert names[:1] == ["Sci-Fi"]
        top = ranking(channel.score([Query(profile=profile)])[0], k=15)
        assert _tagged_share(world, top, (0,)) >= 0.9

    def test_encoder_name_vectors(self, world: World) -> None:
        class NameEncoder:
            def encode(self, texts: list[str]) -> np.ndarray:
                out = np.zeros((len(texts), world.genre_vectors.shape[1]), dtype=np.float32)
                for i, t in enumerate(texts):
                    if t in GENRES:
                        out[i] = world.genre_vectors[GENRES.index(t)]
                return out

        channel = GraphChannel().fit(ChannelContext(world.dataset, encoder=NameEncoder()))
        tag = FakeTag("喜剧", 1.0, 1, world.genre_vectors[1])
        assert channel.graph_.names[next(iter(channel.match_attributes(tag)))] == "Comedy"

    def test_negative_tags_subtract(self, world: World, fitted: dict[str, Channel]) -> None:
        channel = fitted["graph"]
        plus = channel.score([Query(user_id="u3")])[0]
        minus = channel.score([Query(user_id="u3", profile=FakeProfile([FakeTag("horror", 0.5, -1, None)]))])[0]
        horror = world.genre_of == 2
        assert (minus[horror] < plus[horror]).all()

    def test_shared_attributes(self, world: World, fitted: dict[str, Channel]) -> None:
        channel = fitted["graph"]
        assert isinstance(channel, GraphChannel)
        profile = world.profile("Sci-Fi")
        top = ranking(channel.score([Query(profile=profile)])[0], k=1)[0]
        assert "Sci-Fi" in channel.shared_attributes(Query(profile=profile), int(top))

    def test_people_are_attribute_nodes_and_a_person_seeds_the_walk(self) -> None:
        films = zh_films()
        graph = build_attribute_graph(films)
        chow = graph.names.index("周星驰 / Stephen Chow")
        assert graph.kinds[chow] == "attr" and "people" not in {k.removeprefix("meta:") for k in graph.kinds}
        column = graph.incidence[:, chow].toarray().ravel()
        assert sorted(films.item_ids[column > 0]) == list(STEPHEN_CHOW) and set(column[column > 0]) == {1.0}
        assert "姜文" not in graph.names  # one film: connects nothing (min_degree)
        channel = GraphChannel().fit(ChannelContext(films))  # no vectors, no encoder: names only
        catalogue = catalogue_index(films)
        for text in ("我喜欢周星驰的喜剧", "I love Stephen Chow", "Chow"):
            profile = InterestProfile(text, [
                InterestTag(m.surface, 1.0, 1, None, kind="attribute", key=m.key, label=m.label)
                for m in catalogue.find(text)], "zh")
            top = ranking(channel.score([Query(profile=profile)])[0], k=len(STEPHEN_CHOW))
            assert sorted(films.item_ids[top]) == list(STEPHEN_CHOW), text
        comedies = InterestProfile("喜剧", [InterestTag("喜剧", 1.0, 1, None, kind="attribute", key="tags:喜剧",
                                                       label="喜剧")], "zh")
        comedy = channel.score([Query(profile=comedies)])[0]
        assert comedy[films.item_index["Z18"]] > 0  # 让子弹飞 is a comedy too: the person is what ranks his first

    def test_a_recognised_person_and_an_avoided_genre_through_decomposition(self) -> None:
        films = zh_films()
        channel = GraphChannel().fit(ChannelContext(films))
        profile = decompose("I love Stephen Chow, no horror", CharEncoder(), None, catalogue=catalogue_index(films))
        scores = channel.score([Query(profile=profile)])[0]
        top = ranking(scores, k=len(STEPHEN_CHOW))
        assert sorted(films.item_ids[top]) == list(STEPHEN_CHOW)
        horror = [films.item_index[i] for i in ("Z16", "Z17")]
        assert (scores[horror] < 0).all() and set(np.argsort(scores)[:2]) == set(horror)


class TestColdStart:
    """A new user with typed interests only, and items nobody interacted with."""

    def test_new_user_with_interests(self, world: World, fitted: dict[str, Channel]) -> None:
        from core.ranking.config import FusionConfig, FusionWeights
        from core.ranking.fusion import fuse

        batch = score_queries(fitted, [Query(profile=world.profile("Documentary"))])
        assert set(batch.scores(0)) == {"semantic", "popularity", "recency", "graph", "learned"}
        assert batch.dropped[0] == {"gist": "no_gist", "history": "no_user", "mf": "no_user", "item_knn": "no_user",
                                    "ease": "no_user", "rp3beta": "no_user"}
        fused = fuse(batch, FusionConfig(weights=FusionWeights()), k=10)
        assert _genre_share(world, fused.items, (GENRES.index("Documentary"),)) >= 0.9

    def test_cold_items_reachable_by_content_and_graph(
        self, world: World, fitted: dict[str, Channel]
    ) -> None:
        from core.ranking.config import FusionConfig, FusionWeights
        from core.ranking.fusion import fuse

        cold_scifi = world.cold[world.genre_of[world.cold] == 0]
        assert cold_scifi.size >= 1
        query = Query(profile=world.profile("Sci-Fi"))
        tagged = np.array(["Sci-Fi" in t for t in world.dataset.items["tags"]])
        for name in ("semantic", "graph"):
            scores = fitted[name].score([query])[0]
            rank_of = {int(i): r for r, i in enumerate(ranking(scores))}
            # within the Sci-Fi block: primary-genre items for the vectors, any Sci-Fi tag for the graph
            n_scifi = int((world.genre_of == 0).sum()) if name == "semantic" else int(tagged.sum())
            assert all(rank_of[int(i)] < n_scifi for i in cold_scifi), name
        # warm user: content channels lift cold items that match the taste; mf alone cannot
        user = next(u for u, fav in world.favourites.items() if fav == (0,))
        scores = score_queries(fitted, [Query(user_id=user, profile=world.profile("Sci-Fi"))]).scores(0)
        weights = FusionWeights.from_dict({"semantic": 1, "history": 1, "graph": 1})
        content = fuse(scores, FusionConfig(weights=weights), k=25, seen=seen_of(world.dataset, user))
        assert np.isin(cold_scifi, content.items).any()
        mf_only = ranking(scores["mf"], seen_of(world.dataset, user), k=25)
        assert np.isin(cold_scifi, content.items).sum() > np.isin(cold_scifi, mf_only).sum()


class TestBatchScoring:
    """score_queries on a batch (evaluation, tuning) against a batch of one per query."""

    def _queries(self, world: World) -> list[Query]:
        users = [str(u) for u in world.dataset.user_ids[:25]]
        queries = [Query(user_id=u) for u in users]
        queries.append(Query(user_id=users[0], profile=world.profile("Sci-Fi", negative=("Horror",))))
        queries.append(Query(profile=world.profile("Documentary")))  # no user: several channels drop
        queries.append(Query(user_id="nobody"))
        return queries

    def test_matches_one_query_at_a_time(self, world: World, fitted: dict[str, Channel]) -> None:
        queries = self._queries(world)
        batch = score_queries(fitted, queries)
        assert batch.n_queries == len(queries)
        for i, q in enumerate(queries):
            one = score_queries(fitted, [q])
            got = batch.row(i)
            assert got.dropped == one.dropped
            assert got.names == one.names
            assert set(batch.scores(i)) == set(one.scores(0))
            for name, scores in one.scores(0).items():
                if name in ("history", "mf", "learned"):  # BLAS: matrix-matrix vs matrix-vector order
                    np.testing.assert_allclose(batch.scores(i)[name], scores, rtol=1e-5, atol=1e-6)
                else:  # identical, not merely close
                    np.testing.assert_array_equal(batch.scores(i)[name], scores, err_msg=name)

    def test_only_and_empty(self, world: World, fitted: dict[str, Channel]) -> None:
        batch = score_queries(fitted, self._queries(world), only=("mf", "graph"))
        assert batch.names == ("mf", "graph")
        assert not batch.applies[batch.names.index("mf"), -2]
        assert batch.applies[batch.names.index("graph"), -2]
        assert batch.dropped[-2] == {"mf": "no_user"}
        empty = score_queries(fitted, [])
        assert empty.names == () and empty.dropped == [] and empty.n_queries == 0

    @pytest.mark.parametrize("tol", [1e-9, 1e-4, 1e-2])
    def test_batched_pagerank_is_exact(self, tol: float) -> None:
        rng = np.random.default_rng(3)
        adj: Any = sparse.random(60, 60, density=0.08, random_state=3, format="csr")
        adj = adj + adj.T
        adj = adj.tolil()
        adj[:, 5] = 0  # a dangling node
        adj[5, :] = 0
        adj = sparse.csr_matrix(adj)
        deg = np.asarray(adj.sum(axis=0)).ravel()
        inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
        trans = sparse.csr_matrix(adj @ sparse.diags(inv))
        dangling = np.flatnonzero(deg == 0)
        starts = rng.random((7, 60))
        starts /= starts.sum(axis=1, keepdims=True)
        many = personalized_pagerank_many(trans, starts, 0.3, 40, tol, dangling)
        for row, s in zip(many, starts, strict=True):
            np.testing.assert_array_equal(row, personalized_pagerank(trans, s, 0.3, 40, tol, dangling))


@pytest.mark.slow
def test_movielens_channels(movielens: Dataset) -> None:
    """At MovieLens scale every channel fits, scores a user quickly and beats chance on a holdout."""

    inter = movielens.interactions.sort_values(["user_idx", "timestamp"])
    test = inter.groupby("user_idx").tail(3)
    train = Dataset.from_frames("train", inter.drop(test.index), movielens.items, movielens.user_tags)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(train.n_items, 16)).astype(np.float32)
    channels = build_channels(ChannelContext(train, item_vectors=vectors))
    users = train.user_ids[::10]
    hits = dict.fromkeys(("mf", "item_knn", "popularity", "graph"), 0)
    for user in users:
        truth = {train.item_index[i] for i in test[test["user_id"] == user]["item_id"]}
        scores = score_queries(channels, [Query(user_id=str(user))]).scores(0)
        seen = seen_of(train, str(user))
        for name in hits:
            hits[name] += len(truth & set(ranking(scores[name], seen, k=20).tolist()))
    n_truth = 3 * len(users)
    chance = 20 / train.n_items
    for name, h in hits.items():
        assert h / n_truth > 5 * chance, (name, h / n_truth)
    assert hits["mf"] > hits["popularity"] * 0.9


def test_gist_channel_scores_the_gist_and_optionally_the_avoided_tags(world: World) -> None:
    from core.ranking.channels.gist import GistChannel, gist_vector

    profile = world.profile("Comedy", "Drama", negative=("Horror",), gist=True)
    plain = GistChannel().fit(world.ctx())
    strict = GistChannel(penalise_negatives=True).fit(world.ctx())
    vec = gist_vector(profile, world.item_vectors.shape[1])
    assert vec is not None
    row = plain.score([Query(profile=profile)])[0]
    np.testing.assert_allclose(row, world.item_vectors.astype(np.float64) @ vec.astype(np.float64), atol=1e-5)
    horror = np.flatnonzero(world.genre_of == GENRES.index("Horror"))
    penalised = strict.score([Query(profile=profile)])[0]
    assert (penalised[horror] <= row[horror] + 1e-9).all() and (penalised[horror] < row[horror]).any()
    assert plain.why_not(Query(profile=world.profile("Comedy"))) == "no_gist"
