"""core.vectors.vector_cache: the on-disk text -> vector cache, embed_texts / embed_items, the ``embed`` CLI."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset
from core.vectors.documents import item_documents
from core.vectors.encoders import Encoder
from core.vectors.users import user_vectors
from core.vectors.vector_cache import VectorCache, embed_items, embed_texts, text_key


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


def cache_folder_differs(a: str, b: str) -> bool:
    """Two model ids that differ only in characters a folder name cannot hold still get two folders."""
    return VectorCache(Path("/tmp"), a).path != VectorCache(Path("/tmp"), b).path


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
    assert cache_folder_differs("path:/a b/c", "path:/a_b/c")


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


def test_real_cache_round_trip(use_encoder: Encoder, tmp_path: Path, movielens: Dataset) -> None:
    texts = [*item_documents(movielens)[:40], "我喜欢科幻电影", "我喜欢科幻电影"]
    cache = VectorCache(tmp_path, use_encoder.model_id)
    first = embed_texts(use_encoder, texts, cache)
    assert first.n_encoded == 41 and first.n_cached == 0
    second = embed_texts(use_encoder, texts, VectorCache(tmp_path, use_encoder.model_id))
    assert second.n_encoded == 0 and second.n_cached == 41
    np.testing.assert_array_equal(first.vectors, second.vectors)


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
