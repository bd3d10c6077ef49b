"""Encoders, item documents, the on-disk vector cache, user vectors and the ``embed`` CLI command."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.common.errors import ConfigError, ModelUnavailableError
from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset
from core.vectors.embedding import (
    DEFAULT_TEMPLATE,
    Encoder,
    VectorCache,
    aggregate_user_tags,
    embed_items,
    embed_texts,
    interaction_weights,
    item_documents,
    load_encoder,
    safe_model_id,
    text_key,
    user_vectors,
)

DAY = 86_400.0


class FakeEncoder:
    """Deterministic hash-based encoder that records what it was asked to encode."""

    def __init__(self, model_id: str = "fake", dim: int = 8) -> None:
        self._model_id = model_id
        self._dim = dim
        self.calls: list[list[str]] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: ProgressFn | None = None
    ) -> np.ndarray:
        self.calls.append(list(texts))
        rows = []
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
            vec = np.random.default_rng(seed).normal(size=self._dim)
            rows.append(vec / np.linalg.norm(vec))
            report(progress, (i + 1) / len(texts), text)
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self._dim)


def small_dataset() -> Dataset:
    """Four items, three users; timestamps in days; one item nobody rated."""
    t = 1_700_000_000.0
    items = pd.DataFrame({
        "item_id": ["a", "b", "c", "d"],
        "title": ["Alien (1979)", "月光宝盒", "Heat", "Untouched"],
        "category": ["Horror", "", "Crime", ""],
        "tags": [("Horror", "Sci-Fi"), (), ("Crime", "Thriller", "Crime"), ("(no genres listed)",)],
        "description": ["", "周星驰 经典喜剧", "A heist in LA.", ""],
        "year": [1979, np.nan, 1995, np.nan],
    })
    inter = pd.DataFrame({
        "user_id": ["u1", "u1", "u1", "u2", "u2", "u3"],
        "item_id": ["a", "b", "c", "a", "c", "d"],
        "rating": [5.0, 5.0, 2.0, 3.0, 3.0, 4.0],
        "timestamp": [t, t - 180 * DAY, t, t, t - 360 * DAY, np.nan],
        "event": [""] * 6,
    })
    user_tags = pd.DataFrame({
        "user_id": ["u1", "u2", "u3", "u1", "u2", "u1"],
        "item_id": ["a", "a", "a", "a", "c", "zzz"],
        "tag": ["scary", "Scary ", "space", "aliens", "heist", "ignored: unknown item"],
        "timestamp": [t] * 6,
    })
    return Dataset.from_frames("small", inter, items, user_tags)


# --- item documents --------------------------------------------------------------------------------


def test_item_documents_default_template() -> None:
    docs = item_documents(small_dataset())
    assert docs == [
        "Alien (1979). Horror. Sci-Fi. scary, aliens, space",
        "月光宝盒. 周星驰 经典喜剧",
        "Heat. Crime. Thriller. heist. A heist in LA.",
        "Untouched",
    ]


def test_item_documents_custom_template_and_caps() -> None:
    ds = small_dataset()
    template = "Film: {title} ({year}) | genres: {tags} | users say: {user_tags}"
    docs = item_documents(ds, template, max_user_tags=1)
    assert docs[0] == "Film: Alien (1979) (1979) | genres: Horror, Sci-Fi | users say: scary"
    assert docs[1] == "Film: 月光宝盒"  # empty fields drop together with the text before them
    assert item_documents(ds, "{title} ({year}) {description}")[1:3] == ["月光宝盒 周星驰 经典喜剧",
                                                                      "Heat (1995) A heist in LA."]
    assert aggregate_user_tags(ds, 2)[0] == ["scary", "aliens"]  # 2x scary (case-insensitive) first


def test_item_documents_extra_item_columns(bilingual: Dataset) -> None:
    assert "title_en" in bilingual.items.columns
    docs = item_documents(bilingual, "{title} / {title_en}")
    assert docs[0] == "星海远航 / Voyage Across the Star Sea"
    assert item_documents(bilingual)[0].startswith("星海远航. 科幻 / Sci-Fi. 太空")


@pytest.mark.parametrize("template", ["{title} {rating}", "{title:>20}", "{title", "no fields at all"])
def test_item_documents_bad_template(template: str) -> None:
    with pytest.raises(ConfigError):
        item_documents(small_dataset(), template)


def test_item_documents_movielens(movielens: Dataset) -> None:
    docs = item_documents(movielens)
    assert len(docs) == movielens.n_items == 9742
    toy = docs[movielens.item_index["1"]]
    assert toy.startswith("Toy Story (1995)") and "Animation" in toy and "pixar" in toy
    assert all(d.strip() for d in docs)
    assert DEFAULT_TEMPLATE.count("{") == 5


# --- cache and embed_texts -------------------------------------------------------------------------


def test_embed_texts_deduplicates_without_cache() -> None:
    enc = FakeEncoder()
    result = embed_texts(enc, ["x", "y", "x", "x"])
    assert enc.calls == [["x", "y"]]
    assert result.n_encoded == 2 and result.n_cached == 0 and result.n_texts == 4 and result.dim == 8
    np.testing.assert_array_equal(result.vectors[0], result.vectors[2])
    assert result.vectors.dtype == np.float32 and result.seconds >= 0


def test_cache_round_trip_survives_a_restart(tmp_path: Path) -> None:
    enc = FakeEncoder()
    seen: list[float] = []
    first = embed_texts(enc, ["alpha", "beta", "gamma", "alpha"], VectorCache(tmp_path, "fake"),
                        progress=lambda f, m: seen.append(f))
    assert first.n_encoded == 3 and first.n_cached == 0
    assert seen[-1] == 1.0 and seen == sorted(seen)

    restarted = VectorCache(tmp_path, "fake")  # a new process: nothing in memory
    second = embed_texts(enc, ["alpha", "beta", "gamma", "alpha"], restarted)
    assert second.n_encoded == 0 and second.n_cached == 3
    np.testing.assert_array_equal(first.vectors, second.vectors)
    assert len(enc.calls) == 1

    third = embed_texts(enc, ["gamma", "delta"], restarted)
    assert (third.n_cached, third.n_encoded) == (1, 1) and enc.calls[-1] == ["delta"]
    assert len(restarted) == 4
    assert not list(restarted.path.glob("*.tmp-*"))


def test_cache_is_per_model(tmp_path: Path) -> None:
    embed_texts(FakeEncoder("m1"), ["same text"], VectorCache(tmp_path, "m1"))
    other = FakeEncoder("m2", dim=4)
    result = embed_texts(other, ["same text"], VectorCache(tmp_path, "m2"))
    assert result.n_encoded == 1 and result.dim == 4
    with pytest.raises(ValueError):
        embed_texts(other, ["x"], VectorCache(tmp_path, "m1"))
    assert safe_model_id("path:/a b/c") != safe_model_id("path:/a_b/c")


def test_cache_sees_other_writers_and_compacts(tmp_path: Path) -> None:
    enc = FakeEncoder()
    reader = VectorCache(tmp_path, "fake", max_shards=3)
    assert len(reader) == 0
    writer = VectorCache(tmp_path, "fake", max_shards=3)
    for i in range(6):
        embed_texts(enc, [f"t{i}", f"u{i}"], writer)
    assert len(list(writer.path.glob("shard-*.npz"))) <= 3
    found = embed_texts(enc, [f"t{i}" for i in range(6)], reader)  # refreshed from disk on a miss
    assert found.n_encoded == 0
    assert len(VectorCache(tmp_path, "fake")) == 12


def test_cache_ignores_a_damaged_shard(tmp_path: Path) -> None:
    enc = FakeEncoder()
    cache = VectorCache(tmp_path, "fake")
    embed_texts(enc, ["kept"], cache)
    (cache.path / "shard-99999999999999999999-1.npz").write_bytes(b"not a zip")
    again = embed_texts(enc, ["kept", "new"], VectorCache(tmp_path, "fake"))
    assert (again.n_cached, again.n_encoded) == (1, 1)
    cache.clear()
    assert len(VectorCache(tmp_path, "fake")) == 0


def test_text_key_is_sha1_and_zero_bytes_survive(tmp_path: Path) -> None:
    assert text_key("科幻") == hashlib.sha1("科幻".encode()).digest()
    keys = [b"\x01" * 19 + b"\x00", b"\x00" * 20]  # trailing zero bytes must not be stripped
    VectorCache(tmp_path, "fake").put(keys, np.ones((2, 3), np.float32))
    vectors, found = VectorCache(tmp_path, "fake").get(keys)
    assert found.all() and vectors.shape == (2, 3)


# --- user vectors ----------------------------------------------------------------------------------


def test_interaction_weights_rating_and_decay() -> None:
    ds = small_dataset()
    w = interaction_weights(ds, half_life_days=180.0, use_rating=True)
    # u1 ratings 5, 5, 2 (mean 4): centred+clipped 1, 1, 0; b is 180 days older: x0.5.
    # u2 rates everything 3: uniform 1; c is 360 days older: x0.25. u3: one item, no timestamp.
    np.testing.assert_allclose(w, [1.0, 0.5, 0.0, 1.0, 0.25, 1.0])
    np.testing.assert_allclose(interaction_weights(ds, None, False), np.ones(6))
    with pytest.raises(ValueError):
        interaction_weights(ds, half_life_days=0)


def test_user_vectors_weighted_mean_and_no_vector_users() -> None:
    ds = small_dataset()
    eye = np.eye(4, 5, dtype=np.float32)  # item i -> unit vector e_i; item d gets e_3
    vecs, has = user_vectors(ds, eye, half_life_days=180.0)
    u1, u2, u3 = (ds.user_index[u] for u in ("u1", "u2", "u3"))
    expected_u1 = np.array([1.0, 0.5, 0, 0, 0]) / np.linalg.norm([1.0, 0.5])
    expected_u2 = np.array([1.0, 0, 0.25, 0, 0]) / np.linalg.norm([1.0, 0.25])
    np.testing.assert_allclose(vecs[u1], expected_u1, atol=1e-6)
    np.testing.assert_allclose(vecs[u2], expected_u2, atol=1e-6)
    assert has.tolist() == [True, True, True] and vecs.dtype == np.float32

    plain, _ = user_vectors(ds, eye, half_life_days=None, use_rating=False)
    np.testing.assert_allclose(plain[u1], np.array([1, 1, 1, 0, 0]) / np.sqrt(3), atol=1e-6)

    no_d = eye.copy()
    no_d[3] = 0.0  # item d has no vector: u3 has nothing to average
    vecs, has = user_vectors(ds, no_d)
    assert not has[u3] and not vecs[u3].any()
    assert np.allclose(np.linalg.norm(vecs[has], axis=1), 1.0)
    with pytest.raises(ValueError):
        user_vectors(ds, eye[:3])


# --- real encoders ---------------------------------------------------------------------------------

PAIRS = [
    ("科幻电影", "science fiction movies"),
    ("我喜欢听流行音乐", "I like listening to pop music"),
    ("恐怖片", "horror films"),
    ("爱情喜剧", "romantic comedy"),
    ("足球比赛", "a football match"),
]


def test_default_encoder_contract(use_encoder: Encoder) -> None:
    assert isinstance(use_encoder, Encoder)
    assert use_encoder.model_id == "use-m3" and use_encoder.dim == 512
    vecs = use_encoder.encode(["", "hello", "你好"], batch_size=2)
    assert vecs.shape == (3, 512) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_default_encoder_aligns_chinese_and_english(use_encoder: Encoder) -> None:
    zh = use_encoder.encode([p[0] for p in PAIRS])
    en = use_encoder.encode([p[1] for p in PAIRS])
    sims = zh @ en.T
    for i, (a, b) in enumerate(PAIRS):
        unrelated = np.delete(sims[i], i)
        assert sims[i, i] > unrelated.max() + 0.1, (a, b, sims[i])
        assert sims[i, i] > np.delete(sims[:, i], i).max() + 0.1
    assert np.diag(sims).mean() > 0.6 > np.median(sims[~np.eye(len(PAIRS), dtype=bool)]) + 0.3


def test_real_cache_round_trip(use_encoder: Encoder, tmp_path: Path, movielens: Dataset) -> None:
    texts = [*item_documents(movielens)[:40], "我喜欢科幻电影", "我喜欢科幻电影"]
    cache = VectorCache(tmp_path, use_encoder.model_id)
    first = embed_texts(use_encoder, texts, cache)
    assert first.n_encoded == 41 and first.n_cached == 0
    second = embed_texts(use_encoder, texts, VectorCache(tmp_path, use_encoder.model_id))
    assert second.n_encoded == 0 and second.n_cached == 41
    np.testing.assert_array_equal(first.vectors, second.vectors)


def test_minilm_is_bundled_and_english() -> None:
    enc = load_encoder("minilm")
    assert enc.dim == 384 and enc.model_id == "minilm"
    vecs = enc.encode(["horror films", "scary movies", "tax law"])
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


@pytest.mark.timeout(120)  # a hang guard (a network wait would block far longer), not a speed assertion
@pytest.mark.parametrize("name", ["no-such-org/no-such-model-xyz", "/nonexistent/folder/model"])
def test_unavailable_model_fails_fast(name: str) -> None:
    with pytest.raises(ModelUnavailableError, match=r"(?i)not available offline|could not load"):
        load_encoder(name)


@pytest.mark.slow
def test_embed_items_whole_movielens_then_reload(movielens: Dataset, use_encoder: Encoder) -> None:
    """Done-when: all 9,742 MovieLens items embedded, then served from the on-disk cache after a restart.

    Uses the session workspace's cache (so other tests reuse these vectors instead of re-encoding);
    the cold-vs-warm property on a fresh cache is covered by test_real_cache_round_trip.
    """
    docs = item_documents(movielens)
    first = embed_items(movielens, use_encoder)
    assert first.vectors.shape == (9742, 512)
    assert first.n_cached + first.n_encoded == len(set(docs))
    restarted = VectorCache.default(use_encoder.model_id)  # nothing in memory: shards read from disk
    second = embed_items(movielens, use_encoder, cache=restarted)
    assert second.n_encoded == 0 and second.n_cached == len(set(docs))
    np.testing.assert_array_equal(first.vectors, second.vectors)
    vecs, has = user_vectors(movielens, second.vectors)
    assert has.all() and vecs.shape == (movielens.n_users, 512)


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_embed_json(capsys: pytest.CaptureFixture[str], tmp_workspace: Path) -> None:
    from core.cli.commands import main

    assert main(["embed", "--data", "bilingual", "--model", "use-m3", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["dim"] == 512 and first["encoded"] > 0 and first["cached"] == 0
    assert first["items"] == first["encoded"] + first["duplicates"]
    assert main(["embed", "--data", "bilingual", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["encoded"] == 0 and second["cached"] == first["encoded"]
    assert main(["embed", "--data", "bilingual", "--model", "nope/missing-model"]) == 2
