"""The ``learned`` channel: a text -> collaborative-space model trained on the toy world.

The shared channel contract runs in ``tests/ranking/test_channel_contract.py``; here: determinism for a
seed, the artefact cache, what the scores mean (a genre's direction ranks that genre first, avoided tags
subtract), which tag kinds count, the users'-tags training pairs, and the explanation.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import core.ranking.channels.learned as learned_module
from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.interests.profile import InterestProfile
from core.ranking.base import ChannelContext
from core.ranking.channels.learned import (
    LearnedChannel,
    LearnedParams,
    distinct_tags,
    liked_matrix,
    training_pairs,
)
from core.ranking.query import Query
from tests.ranking.test_channels import GENRES, FakeProfile, FakeTag, World, make_world, ranking

FAST = LearnedParams(factors=16, hidden=32, epochs=30, batch_size=64, learning_rate=1e-2)
"""Small, fast parameters for the toy world."""


class KindTag(FakeTag):
    """A tag with a kind (what the interests stage gives typed tags)."""

    def __init__(self, text: str, weight: float, polarity: int, vector: np.ndarray | None, kind: str) -> None:
        super().__init__(text, weight, polarity, vector)
        self.kind = kind


class GenreEncoder:
    """A fake encoder: a text naming a genre maps to that genre's direction (else a fixed random unit)."""

    model_id = "fake-genre-encoder"

    def __init__(self, world: World) -> None:
        self.world = world
        self.dim = world.item_vectors.shape[1]
        self.calls = 0

    def encode(self, texts: list[str], batch_size: int = 64, progress: Any = None) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            hit = [g for g in GENRES if g.lower() in text.lower()]
            if hit:
                out[i] = self.world.genre_vectors[GENRES.index(hit[0])]
            else:
                vec = np.random.default_rng(len(text)).normal(size=self.dim)
                out[i] = vec / np.linalg.norm(vec)
        return out


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def channel(world: World) -> LearnedChannel:
    return LearnedChannel(FAST).fit(world.ctx())


def test_fit_is_deterministic_for_a_seed(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fits = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        monkeypatch.setenv("INTERESTLENS_WORKSPACE", str(tmp_path / name))  # a fresh cache: really trains
        fitted = LearnedChannel(FAST).fit(world.ctx(random_state=seed))
        assert not fitted.from_cache_
        fits.append(fitted)
    first, again, other = (f.map_ for f in fits)
    assert first is not None and again is not None and other is not None
    for field in ("w1", "b1", "w2", "b2", "item_factors", "item_bias"):
        np.testing.assert_array_equal(getattr(first, field), getattr(again, field), err_msg=field)
    assert first.scale == again.scale
    assert not np.array_equal(first.w1, other.w1)
    query = Query(profile=world.profile("Comedy"))
    np.testing.assert_array_equal(fits[0].score([query]), fits[1].score([query]))


def test_second_fit_loads_from_the_cache(world: World, tmp_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = learned_module.train_text_map

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(learned_module, "train_text_map", counting)
    trained = LearnedChannel(FAST).fit(world.ctx())
    assert calls == [1] and not trained.from_cache_
    assert trained.cache_path_ is not None and trained.cache_path_.is_file()
    assert str(trained.cache_path_).startswith(str(tmp_workspace))
    loaded = LearnedChannel(FAST).fit(world.ctx())
    assert calls == [1], "the second fit trained again"
    assert loaded.from_cache_ and loaded.report_["from_cache"] is True
    assert loaded.report_["best_epoch"] == trained.report_["best_epoch"]
    query = Query(profile=world.profile("Sci-Fi", "Drama", negative=("Horror",)))
    np.testing.assert_allclose(loaded.score([query]), trained.score([query]), rtol=1e-6, atol=1e-6)
    # other parameters or another seed are another artefact
    LearnedChannel(FAST).fit(world.ctx(random_state=1))
    assert calls == [1, 1]


def test_a_damaged_cache_file_is_retrained(world: World, tmp_workspace: Path) -> None:
    trained = LearnedChannel(FAST).fit(world.ctx())
    assert trained.cache_path_ is not None
    trained.cache_path_.write_bytes(b"not an npz file")
    again = LearnedChannel(FAST).fit(world.ctx())
    assert not again.from_cache_
    np.testing.assert_array_equal(again.map_.w1, trained.map_.w1)  # type: ignore[union-attr]


def test_fit_reports_progress(world: World, tmp_workspace: Path) -> None:
    seen: list[tuple[float, str]] = []
    LearnedChannel(FAST).fit(world.ctx(), progress=lambda f, m: seen.append((f, m)))
    assert seen[-1][0] == 1.0
    assert any("epoch" in message for _, message in seen)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_a_genre_direction_ranks_that_genre_first(world: World, channel: LearnedChannel) -> None:
    for genre in ("Sci-Fi", "Romance", "Documentary"):
        top = ranking(channel.score([Query(profile=world.profile(genre))])[0], k=10)
        share = float(np.mean(world.genre_of[top] == GENRES.index(genre)))
        assert share >= 0.8, (genre, share)


def test_negative_tags_subtract(world: World, channel: LearnedChannel) -> None:
    plain = channel.score([Query(profile=world.profile("Sci-Fi"))])[0]
    avoid = channel.score([Query(profile=world.profile("Sci-Fi", negative=("Horror",)))])[0]
    horror = world.genre_of == GENRES.index("Horror")
    assert (avoid - plain)[horror].mean() < (avoid - plain)[~horror].mean()
    # exactly the avoided tag's pull, weighted (the behaviour prior comes from wanted tags only)
    assert channel.map_ is not None
    pull = channel.map_.pull(channel.map_.project(world.genre_vectors[[GENRES.index("Horror")]]))[0]
    np.testing.assert_allclose(avoid, plain - 0.5 * pull, rtol=1e-6, atol=1e-6)
    top = ranking(avoid, k=20)
    assert not horror[top].any()


def test_only_text_and_gist_tags_count(world: World, channel: LearnedChannel) -> None:
    scifi, comedy = world.genre_vectors[0], world.genre_vectors[1]
    named = FakeProfile([KindTag("Sci-Fi story 0", 1.0, 1, scifi, "item"),
                         KindTag("sci-fi", 1.0, 1, scifi, "attribute")])
    assert channel.why_not(Query(profile=named)) == "no_text_tags"
    gist = FakeProfile([KindTag("funny things", 1.0, 1, comedy, "gist")])
    mixed = FakeProfile([KindTag("funny things", 1.0, 1, comedy, "gist"),
                         KindTag("Sci-Fi story 0", 1.0, 1, scifi, "item")])
    assert channel.why_not(Query(profile=mixed)) is None
    np.testing.assert_array_equal(channel.score([Query(profile=mixed)]), channel.score([Query(profile=gist)]))
    untyped = FakeProfile([FakeTag("funny things", 1.0, 1, comedy)])  # no kind: free text
    np.testing.assert_array_equal(channel.score([Query(profile=untyped)]), channel.score([Query(profile=gist)]))
    assert channel.why_not(Query(profile=FakeProfile([FakeTag("x", 1.0, 1, None)]))) == "profile_without_vectors"
    assert channel.why_not(Query(profile=InterestProfile("", []))) == "no_profile"
    wrong_dim = FakeProfile([FakeTag("x", 1.0, 1, np.ones(7, np.float32))])
    assert channel.why_not(Query(profile=wrong_dim)) == "no_text_tags"


def test_explain_names_the_tag_that_pulls_hardest(world: World, channel: LearnedChannel) -> None:
    query = Query(profile=world.profile("Sci-Fi", "Comedy"))
    scores = channel.score([query])[0]
    for genre in ("Sci-Fi", "Comedy"):
        members = np.flatnonzero(world.genre_of == GENRES.index(genre))
        best = int(members[np.argmax(scores[members])])
        evidence = channel.explain(query, best)
        assert evidence is not None and evidence.code == "learned"
        assert evidence.args == {"tag": genre.lower()}
    with_avoided = Query(profile=world.profile("Sci-Fi", negative=("Horror",)))
    evidence = channel.explain(with_avoided, int(np.argmax(channel.score([with_avoided])[0])))
    assert evidence is not None and evidence.args == {"tag": "sci-fi"}  # an avoided tag never explains


def _tagged_world() -> Dataset:
    base = make_world().dataset
    tags = pd.DataFrame({"user_id": ["u1", "u1", "u2", "nobody"], "item_id": ["i0", "i6", "i0", "i12"],
                         "tag": ["Sci-Fi classic", " sci-fi CLASSIC ", "Sci-Fi classic", "Sci-Fi blast"]})
    return Dataset.from_frames("toy tagged", base.interactions, base.items, user_tags=tags)


def test_distinct_tags_and_their_training_pairs() -> None:
    ds = _tagged_world()
    names, rows = distinct_tags(ds)
    assert names == ["Sci-Fi blast", "Sci-Fi classic"]  # case-folded, first spelling kept, sorted by key
    assert rows["tag"].tolist() == [1, 1, 1, 0]
    assert rows["user_idx"].tolist()[-1] == -1  # the unknown user still tags a known item
    liked = liked_matrix(ds)
    vectors = np.eye(ds.n_items, 8, dtype=np.float32)
    tag_vectors = np.ones((2, 8), np.float32)
    x, y, which, n_items = training_pairs(ds, vectors, liked, tag_vectors, rows, "tagged", tag_weight=0.5)
    assert x.shape == (n_items + 2, 8) and (which[:n_items] >= 0).all() and (which[n_items:] == -1).all()
    np.testing.assert_allclose(np.asarray(y.sum(axis=1)).ravel(), [1.0] * n_items + [0.5, 0.5], rtol=1e-6)
    classic = y[n_items + 1].toarray().ravel()
    np.testing.assert_allclose(classic[[0, 6]], [0.5 * 2 / 3, 0.5 * 1 / 3], rtol=1e-6)
    assert np.count_nonzero(classic) == 2
    _, y2, _, _ = training_pairs(ds, vectors, liked, tag_vectors, rows, "tagger")
    # "tagger": half the tagged items, half the taggers' liked items (u1 wrote it twice, u2 once)
    normed = liked.toarray() / np.maximum(liked.toarray().sum(axis=1, keepdims=True), 1)
    tagged = np.zeros(ds.n_items)
    tagged[[0, 6]] = [2 / 3, 1 / 3]
    writers = 2 / 3 * normed[ds.user_index["u1"]] + 1 / 3 * normed[ds.user_index["u2"]]
    np.testing.assert_allclose(y2[n_items + 1].toarray().ravel(), 0.5 * tagged + 0.5 * writers, atol=1e-6)
    # item examples: "people who liked this also liked", the item itself among them
    assert y[0, which[0]] > 0
    np.testing.assert_allclose(y[0].toarray().ravel(), normed[liked[:, which[0]].nonzero()[0]].mean(axis=0),
                               atol=1e-6)


def test_users_tags_become_training_pairs_with_an_encoder(tmp_workspace: Path) -> None:
    world = make_world()
    encoder = GenreEncoder(world)
    ctx = ChannelContext(_tagged_world(), item_vectors=world.item_vectors, encoder=encoder)
    fitted = LearnedChannel(FAST).fit(ctx)
    assert fitted.report_["n_tag_examples"] == 2 and encoder.calls == 1
    off = LearnedChannel(replace(FAST, user_tags="off")).fit(ctx)
    assert off.report_["n_tag_examples"] == 0 and encoder.calls == 1
    no_encoder = LearnedChannel(FAST).fit(ChannelContext(ctx.dataset, item_vectors=world.item_vectors))
    assert no_encoder.report_["n_tag_examples"] == 0
    assert len({fitted.cache_path_, off.cache_path_, no_encoder.cache_path_}) == 3


def test_params_are_checked() -> None:
    with pytest.raises(ConfigError):
        LearnedChannel(user_tags="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        LearnedChannel(epochs=0)
    with pytest.raises(ConfigError):
        LearnedChannel(dropout=1.0)


def test_linear_map_works_too(world: World, tmp_workspace: Path) -> None:
    linear = LearnedChannel(replace(FAST, hidden=0)).fit(world.ctx())
    assert linear.map_ is not None and linear.map_.w2.size == 0
    top = ranking(linear.score([Query(profile=world.profile("Comedy"))])[0], k=10)
    assert float(np.mean(world.genre_of[top] == GENRES.index("Comedy"))) >= 0.8
