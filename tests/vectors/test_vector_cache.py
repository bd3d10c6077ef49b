"""core.vectors.vector_cache: the on-disk text -> vector cache, embed_texts / embed_items, the ``embed`` CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
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


def test_a_damaged_shard_is_removed_and_its_texts_encoded_again(tmp_path: Path) -> None:
    enc = FakeEncoder()
    cache = VectorCache(tmp_path, "fake")
    embed_texts(enc, ["kept"], cache)
    junk = cache.path / "shard-99999999999999999999-1.npz"
    junk.write_bytes(b"not a zip")
    again = embed_texts(enc, ["kept", "new"], VectorCache(tmp_path, "fake"))
    assert (again.n_cached, again.n_encoded) == (1, 1)
    assert not junk.exists()  # removed, not just skipped
    assert [(n.kind, n.code, n.file_name) for n in again.notices] == [("vectors", "corrupt", junk.name)]
    cache.clear()
    assert len(VectorCache(tmp_path, "fake")) == 0


def _flip_middle(path: Path, n: int = 256) -> None:
    data = bytearray(path.read_bytes())
    mid = len(data) // 2 - n // 2
    data[mid : mid + n] = bytes(b ^ 0xA5 for b in data[mid : mid + n])
    path.write_bytes(bytes(data))


def test_flipped_bytes_in_a_shard_are_caught_and_only_its_texts_re_encoded(tmp_path: Path) -> None:
    enc = FakeEncoder(dim=64)
    first = [f"first {i}" for i in range(200)]
    second = [f"second {i}" for i in range(200)]
    embed_texts(enc, first, VectorCache(tmp_path, "fake"))
    embed_texts(enc, second, VectorCache(tmp_path, "fake"))
    shards = sorted(VectorCache(tmp_path, "fake").path.glob("shard-*.npz"))
    assert len(shards) == 2
    size = shards[1].stat().st_size
    _flip_middle(shards[1])
    assert shards[1].stat().st_size == size
    recount = FakeEncoder(dim=64)
    result = embed_texts(recount, first + second, VectorCache(tmp_path, "fake"))
    assert (result.n_cached, result.n_encoded) == (200, 200)
    assert sorted(t for call in recount.calls for t in call) == sorted(second)
    assert [n.code for n in result.notices] == ["corrupt"] and not shards[1].exists()
    np.testing.assert_array_equal(result.vectors, embed_texts(FakeEncoder(dim=64), first + second).vectors)


def test_a_shard_whose_arrays_were_altered_fails_its_own_checksum(tmp_path: Path) -> None:
    """A shard rewritten with other values (so the zip's own CRC-32 is valid) is caught by blake2b."""
    enc = FakeEncoder()
    embed_texts(enc, ["a", "b", "c"], VectorCache(tmp_path, "fake"))
    (shard,) = VectorCache(tmp_path, "fake").path.glob("shard-*.npz")
    with np.load(shard, allow_pickle=False) as data:
        arrays = {name: np.asarray(data[name]) for name in data.files}
    assert set(arrays) == {"keys", "vectors", "checksum", "meta"}
    meta = json.loads(bytes(arrays["meta"]))
    assert meta["model_id"] == "fake" and meta["dim"] == 8 and meta["built_with"]["numpy"] == np.__version__
    arrays["vectors"] = arrays["vectors"] + np.float32(0.01)
    np.savez(shard, **arrays)  # type: ignore[arg-type]
    result = embed_texts(FakeEncoder(), ["a", "b", "c"], VectorCache(tmp_path, "fake"))
    assert result.n_encoded == 3 and [n.detail.split(":")[0] for n in result.notices] == ["checksum mismatch"]


def test_shards_written_before_checksums_are_still_read(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path, "fake")
    cache.path.mkdir(parents=True)
    vectors = np.eye(2, 8, dtype=np.float32)
    np.savez(cache.path / "shard-00000000000000000001-1.npz", keys=np.stack(
        [np.frombuffer(text_key(t), np.uint8) for t in ("old a", "old b")]), vectors=vectors)
    got, found = cache.get([text_key("old a"), text_key("old b")])
    assert found.all() and np.array_equal(got, vectors) and not cache.take_notices()


# --- work is not lost (issue 16) -----------------------------------------------------------------


class Interrupted(Exception):
    """Raised from a progress callback to stand for a kill."""


def test_an_interrupted_run_keeps_its_checkpoints_and_resumes(tmp_path: Path) -> None:
    texts = [f"text {i}" for i in range(100)]
    first = FakeEncoder()
    encoded: list[str] = []

    def stop_after_35(fraction: float, message: str) -> None:
        if message.startswith("text "):
            encoded.append(message)
        if len(encoded) >= 35:
            raise Interrupted

    with pytest.raises(Interrupted):
        embed_texts(first, texts, VectorCache(tmp_path, "fake"), progress=stop_after_35, checkpoint=10)
    saved = VectorCache(tmp_path, "fake")
    assert len(saved) == 30  # three full chunks were saved; the fourth was cut short
    assert len(list(saved.path.glob("shard-*.npz"))) == 3
    second = FakeEncoder()
    resumed = embed_texts(second, texts, VectorCache(tmp_path, "fake"), checkpoint=10)
    assert (resumed.n_cached, resumed.n_encoded) == (30, 70)
    assert sum(len(call) for call in second.calls) == 70  # nothing written is encoded twice
    assert texts[:30] not in second.calls and not set(texts[:30]) & {t for c in second.calls for t in c}
    np.testing.assert_array_equal(resumed.vectors, embed_texts(FakeEncoder(), texts).vectors)
    assert not list(saved.path.glob(".*"))  # no temp or lock files left


def test_checkpoints_are_merged_once_at_the_end(tmp_path: Path) -> None:
    result = embed_texts(FakeEncoder(), [f"t{i}" for i in range(95)], VectorCache(tmp_path, "fake", max_shards=4),
                         checkpoint=10)
    shards = list(VectorCache(tmp_path, "fake").path.glob("shard-*.npz"))
    assert result.n_encoded == 95 and len(shards) == 1
    assert len(VectorCache(tmp_path, "fake")) == 95
    with pytest.raises(ValueError, match="checkpoint"):
        embed_texts(FakeEncoder(), ["x"], checkpoint=0)


_KILLED_WRITER = r"""
import os, sys, time
sys.path.insert(0, sys.argv[2])
import numpy as np
from core.vectors.vector_cache import VectorCache, text_key
def hang(fd):
    print("writing", flush=True)
    time.sleep(300)
os.fsync = hang  # the shard's temp file is written; the process dies before it is moved into place
VectorCache(sys.argv[1], "fake").put([text_key("x")], np.ones((1, 8), np.float32))
"""


def test_a_kill_during_a_shard_write_leaves_a_temp_file_the_next_start_removes(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(tmp_path), str(root)],
                            stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"writing"
    finally:
        proc.kill()
        proc.wait(timeout=30)
    folder = VectorCache(tmp_path, "fake").path
    orphans = list(folder.glob(".shard-*.tmp-*"))
    assert len(orphans) == 1 and str(proc.pid) in orphans[0].name
    assert len(VectorCache(tmp_path, "fake")) == 0  # the next start reads nothing from it ...
    assert not orphans[0].exists()  # ... and removes it


_CONCURRENT = r"""
import hashlib, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
import numpy as np
from core.vectors.vector_cache import VectorCache, embed_texts

class SlowEncoder:
    model_id, dim = "fake", 8
    def __init__(self):
        self.n = 0
    def encode(self, texts, batch_size=64, progress=None):
        self.n += len(texts)
        time.sleep(0.01 * len(texts))
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha1(t.encode()).digest()[:4], "little"))
                .normal(size=8) for t in texts]
        return np.asarray(rows, np.float32)

go = Path(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
enc = SlowEncoder()
result = embed_texts(enc, [f"doc {i}" for i in range(120)], VectorCache(sys.argv[1], "fake", max_shards=100),
                     checkpoint=10)
print(json.dumps({"encoded": enc.n, "n_encoded": result.n_encoded, "cached": result.n_cached}), flush=True)
"""


def test_concurrent_cold_runs_encode_each_text_once(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _CONCURRENT, str(tmp_path / "cache"), str(root), str(go)],
                              stdout=subprocess.PIPE) for _ in range(4)]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        go.touch()
        outs = [json.loads(proc.communicate(timeout=120)[0].decode().strip().splitlines()[-1]) for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(timeout=30)
    assert all(proc.returncode == 0 for proc in procs)
    assert sum(o["encoded"] for o in outs) == 120  # every text encoded by exactly one run
    assert all(o["n_encoded"] + o["cached"] == 120 for o in outs)
    folder = VectorCache(tmp_path / "cache", "fake").path
    rows = 0
    for shard in folder.glob("shard-*.npz"):
        with np.load(shard, allow_pickle=False) as data:
            rows += len(data["keys"])
    assert rows == 120  # no duplicate shard
    assert not list(folder.glob(".*"))


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
    assert first["cache_notices"] == []
    assert main(["embed", "--data", "bilingual", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["encoded"] == 0 and second["cached"] == first["encoded"]
    assert main(["embed", "--data", "bilingual", "--model", "nope/missing-model"]) == 2
