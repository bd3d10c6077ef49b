"""Neighbour indexes: one contract run against ExactIndex, HnswIndex and QdrantIndex, then HNSW quality and caching."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from core.common.config import IndexParams
from core.common.integrity import CacheCheckFailed, CacheNotice
from core.data.dataset import Dataset
from core.vectors.documents import item_documents
from core.vectors.encoders import Encoder
from core.vectors.index import (
    ExactIndex,
    HnswIndex,
    NeighbourIndex,
    build_item_index,
    make_index,
    meta_path,
    read_meta,
    recall_at_k,
)
from core.vectors.qdrant_index import QdrantIndex
from core.vectors.vector_cache import VectorCache, embed_texts

DIM = 32
ROOT = Path(__file__).resolve().parents[2]


def clustered(n: int, dim: int = DIM, clusters: int = 20, spread: float = 0.35, seed: int = 0) -> np.ndarray:
    """Unit vectors scattered around random cluster centres (like topic-clustered text embeddings)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, clusters, size=n)
    x = centres[labels] + spread * rng.normal(size=(n, dim)) / np.sqrt(dim)
    unit: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return unit


@pytest.fixture(params=["exact", "hnsw", "qdrant"])
def kind(request: pytest.FixtureRequest) -> str:
    """Index implementation under test (qdrant: QdrantIndex in Qdrant's in-memory local mode)."""
    return str(request.param)


@pytest.fixture(params=["exact", "hnsw"])
def file_kind(request: pytest.FixtureRequest) -> str:
    """Index implementations whose saved form is the index file itself (cached by build_item_index)."""
    return str(request.param)


@pytest.fixture
def data() -> np.ndarray:
    """500 clustered 32-d vectors."""
    return clustered(500)


def new_index(kind: str, dim: int = DIM) -> NeighbourIndex:
    params = IndexParams(M=16, ef_construction=100, ef=64)
    if kind == "qdrant":  # a fresh collection each time in the process's shared in-memory Qdrant
        return QdrantIndex(dim, location=":memory:", collection=f"t{uuid.uuid4().hex}", model="test", params=params)
    return make_index("hnsw" if kind == "hnsw" else "exact", dim, params)


class TestIndexContract:
    """Every NeighbourIndex behaves the same way (run once per implementation)."""

    def test_is_a_neighbour_index(self, kind: str) -> None:
        assert isinstance(new_index(kind), NeighbourIndex)

    def test_build_returns_self_and_counts(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind)
        assert len(index) == 0
        assert index.build(data) is index
        assert len(index) == len(data)
        assert index.dim == DIM

    def test_query_shapes_dtypes_order_and_self_match(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data)
        ids, sims = index.query(data[:25], k=10)
        assert ids.shape == (25, 10) and sims.shape == (25, 10)
        assert ids.dtype == np.int64 and sims.dtype == np.float32
        assert (ids[:, 0] == np.arange(25)).all()  # every vector is its own nearest neighbour
        np.testing.assert_allclose(sims[:, 0], 1.0, atol=1e-5)
        assert (np.diff(sims, axis=1) <= 1e-6).all()  # best first
        assert all(len(set(row)) == 10 for row in ids.tolist())

    def test_scores_are_cosine_similarities(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data * 3.0)  # scale must not matter
        query = data[7] * 0.5 + data[300] * 0.5
        ids, sims = index.query(query, k=5)  # a 1-D query is one row
        expected = data[ids[0]] @ (query / np.linalg.norm(query))
        np.testing.assert_allclose(sims[0], expected, atol=1e-5)

    def test_padding_when_fewer_than_k(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data[:4])
        ids, sims = index.query(data[:2], k=6)
        assert (ids[:, 4:] == -1).all() and np.isneginf(sims[:, 4:]).all()
        assert sorted(ids[0, :4].tolist()) == [0, 1, 2, 3]

    def test_empty_index_returns_only_padding(self, kind: str, data: np.ndarray) -> None:
        ids, sims = new_index(kind).query(data[:3], k=4)
        assert (ids == -1).all() and np.isneginf(sims).all()

    def test_exclude_removes_ids(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data)
        plain, _ = index.query(data[:5], k=10)
        banned = {int(i) for i in plain[:, :3].ravel()}
        ids, sims = index.query(data[:5], k=10, exclude=banned)
        assert not banned.intersection(ids.ravel().tolist())
        assert (ids >= 0).all() and np.isfinite(sims).all()

    def test_large_exclude_set(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data)
        banned = set(range(0, 500, 1)) - {10, 20, 30}  # everything but three ids
        ids, sims = index.query(data[:2], k=5, exclude=banned)
        assert sorted(ids[0, :3].tolist()) == [10, 20, 30]
        assert (ids[:, 3:] == -1).all() and np.isneginf(sims[:, 3:]).all()

    def test_exclude_everything(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data[:50])
        ids, _ = index.query(data[:1], k=3, exclude=range(50))
        assert (ids == -1).all()

    def test_zero_vectors_are_never_neighbours(self, kind: str, data: np.ndarray, tmp_path: Path) -> None:
        with_zeros = data[:100].copy()
        with_zeros[[3, 50]] = 0.0  # e.g. users without a profile vector
        index = new_index(kind).build(with_zeros)
        ids, _ = index.query(data[:10], k=99)
        assert not {3, 50}.intersection(ids.ravel().tolist())
        assert (ids[:, 98] == -1).all() and (ids[:, :98] >= 0).all()
        ids, sims = index.query(np.zeros(DIM, np.float32), k=5)  # a zero query has no neighbours
        assert (ids == -1).all() and np.isneginf(sims).all()
        index.save(tmp_path / "z.idx")
        ids, _ = type(index).load(tmp_path / "z.idx").query(data[:10], k=99)
        assert not {3, 50}.intersection(ids.ravel().tolist())

    def test_add_continues_numbering(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data[:300])
        index.add(data[300:])
        assert len(index) == 500
        ids, _ = index.query(data[450:460], k=1)
        assert ids[:, 0].tolist() == list(range(450, 460))

    def test_add_to_empty_then_query(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind)
        index.add(data[:20])
        ids, _ = index.query(data[5], k=1)
        assert ids[0, 0] == 5

    def test_wrong_dimension_raises(self, kind: str, data: np.ndarray) -> None:
        index = new_index(kind).build(data)
        with pytest.raises(ValueError):
            index.query(np.ones((1, DIM + 1), np.float32), k=3)
        with pytest.raises(ValueError):
            index.add(np.ones((2, DIM + 1), np.float32))

    def test_save_load_round_trip(self, kind: str, data: np.ndarray, tmp_path: Path) -> None:
        index = new_index(kind).build(data)
        path = tmp_path / "sub" / f"items.{kind}"
        index.save(path)
        assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, meta_path(path).name])
        loaded = type(index).load(path)
        assert len(loaded) == len(index) and loaded.dim == DIM
        a_ids, a_sims = index.query(data[:20], k=8, exclude={3})
        b_ids, b_sims = loaded.query(data[:20], k=8, exclude={3})
        np.testing.assert_array_equal(a_ids, b_ids)
        np.testing.assert_allclose(a_sims, b_sims, atol=1e-6)
        loaded.add(data[:2])  # a loaded index keeps growing
        assert len(loaded) == len(data) + 2

    def test_recall_against_exact_search(self, kind: str, data: np.ndarray) -> None:
        queries = clustered(60, seed=21)  # held out: no trivial self matches
        truth, _ = ExactIndex(DIM).build(data).query(queries, k=10)
        got, _ = new_index(kind).build(data).query(queries, k=10)
        assert recall_at_k(got, truth) >= 0.98


class TestIndexFileCache:
    """Indexes saved as their own file: the verified artefact cache of build_item_index."""

    def test_truncated_file_is_refused_and_the_cache_rebuilds(
        self, file_kind: str, data: np.ndarray, tmp_path: Path
    ) -> None:
        kind = file_kind
        params = IndexParams(M=16, ef_construction=100, ef=64)
        path = tmp_path / f"items.{kind}"
        first = build_item_index(data, "hnsw" if kind == "hnsw" else "exact", params, cache_path=path)
        raw = path.read_bytes()
        path.write_bytes(raw[: len(raw) // 2])  # a copy cut short, metadata intact
        with pytest.raises(ValueError, match="damaged"):
            type(first).load(path)
        again = build_item_index(data, "hnsw" if kind == "hnsw" else "exact", params, cache_path=path)
        np.testing.assert_array_equal(first.query(data[:5], 5)[0], again.query(data[:5], 5)[0])
        assert len(type(first).load(path)) == len(data)  # the damaged file was replaced


def test_exact_index_matches_brute_force() -> None:
    x = clustered(300, seed=3)
    q = clustered(7, seed=4)
    ids, _ = ExactIndex(DIM).build(x).query(q, k=10)
    truth = np.argsort(-(q @ x.T), axis=1, kind="stable")[:, :10]
    np.testing.assert_array_equal(ids, truth)


def test_hnsw_is_deterministic_with_a_seed(tmp_path: Path) -> None:
    x = clustered(2000, seed=5)
    params = IndexParams(M=8, ef_construction=40, ef=12, seed=7)  # small ef: approximate answers
    a, b = HnswIndex(DIM, params).build(x), HnswIndex(DIM, params).build(x)
    a_ids, _ = a.query(x[:200] + 0.01, k=10)
    b_ids, _ = b.query(x[:200] + 0.01, k=10)
    np.testing.assert_array_equal(a_ids, b_ids)
    a.save(tmp_path / "a.bin")
    b.save(tmp_path / "b.bin")
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "b.bin").read_bytes()


def test_hnsw_ef_is_the_recall_dial() -> None:
    x = clustered(5000, clusters=50, seed=8)
    q = clustered(200, clusters=50, seed=9)
    exact_ids, _ = ExactIndex(DIM).build(x).query(q, k=10)
    index = HnswIndex(DIM, IndexParams(M=8, ef_construction=100, ef=10, seed=1)).build(x)
    low = recall_at_k(index.query(q, k=10)[0], exact_ids)
    index.set_ef(200)
    high = recall_at_k(index.query(q, k=10)[0], exact_ids)
    assert high >= 0.95 and high > low
    assert index.params.ef == 200


def test_hnsw_inner_product_space_matches_cosine() -> None:
    x = clustered(400, seed=10)
    cos_ids, cos_sims = HnswIndex(DIM, space="cosine").build(x).query(x[:10], k=5)
    ip_ids, ip_sims = HnswIndex(DIM, space="ip").build(x).query(x[:10], k=5)
    np.testing.assert_array_equal(cos_ids, ip_ids)
    np.testing.assert_allclose(cos_sims, ip_sims, atol=1e-5)


def test_recall_at_k_definition() -> None:
    assert recall_at_k(np.array([[1, 2, 3]]), np.array([[3, 2, 9]])) == pytest.approx(2 / 3)
    assert recall_at_k(np.array([[1, -1]]), np.array([[1, -1]])) == 1.0


def test_build_item_index_reuses_cache_when_fingerprint_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = clustered(600, seed=11)
    path = tmp_path / "items.hnsw"
    first = build_item_index(x, "hnsw", IndexParams(), cache_path=path)
    fingerprint = (read_meta(path) or {}).get("fingerprint")
    assert fingerprint and len(first) == 600

    def no_build(self: HnswIndex, vectors: np.ndarray) -> HnswIndex:
        raise AssertionError("should have loaded from the cache")

    with monkeypatch.context() as m:
        m.setattr(HnswIndex, "build", no_build)
        again = build_item_index(x, "hnsw", IndexParams(), cache_path=path)
    np.testing.assert_array_equal(first.query(x[:5], 5)[0], again.query(x[:5], 5)[0])

    changed = build_item_index(x[:500], "hnsw", IndexParams(), cache_path=path)  # new vectors: rebuilt
    assert len(changed) == 500 and (read_meta(path) or {}).get("fingerprint") != fingerprint
    other = build_item_index(x[:500], "hnsw", IndexParams(ef=100), cache_path=path)  # new params
    assert isinstance(other, HnswIndex) and other.params.ef == 100

    path.write_bytes(b"garbage")  # a damaged file is rebuilt, not trusted
    meta = read_meta(path)
    assert meta is not None
    repaired = build_item_index(x[:500], "hnsw", IndexParams(ef=100), cache_path=path)
    assert repaired.query(x[:3], 1)[0][:, 0].tolist() == [0, 1, 2]

    exact = build_item_index(x, "exact", cache_path=tmp_path / "items.exact")
    assert isinstance(exact, ExactIndex) and len(exact) == 600
    assert not list(tmp_path.glob("*.tmp-*"))


def test_unknown_index_kind() -> None:
    with pytest.raises(ValueError):
        make_index("faiss", 8)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def movielens_item_vectors(movielens: Dataset, use_encoder: Encoder) -> np.ndarray:
    """Real USE m3 vectors of 3000 MovieLens item documents (via the session workspace's vector cache,
    so they are encoded at most once per test session)."""
    docs = item_documents(movielens)[:3000]
    return embed_texts(use_encoder, docs, VectorCache.default(use_encoder.model_id)).vectors


@pytest.mark.slow
def test_hnsw_recall_on_real_movielens_use_vectors(movielens_item_vectors: np.ndarray) -> None:
    """recall@10 of HNSW (default IndexParams) vs exact search on 3000 real USE item vectors."""
    vectors = movielens_item_vectors
    assert vectors.shape == (3000, 512)
    base, queries = vectors[:2500], vectors[2500:]  # held-out queries: no trivial self matches
    truth, _ = ExactIndex(512).build(base).query(queries, k=10)
    hnsw = HnswIndex(512, IndexParams()).build(base)
    got, _ = hnsw.query(queries, k=10)
    recall = recall_at_k(got, truth)
    assert recall >= 0.95, recall
    started = time.perf_counter()
    hnsw.query(queries[:50], k=10)
    assert (time.perf_counter() - started) / 50 < 0.01  # well under 10 ms per query even on a busy box



# --- cached indexes are verified, not trusted (issue 16) -------------------------------------------

_CORRUPT_AND_QUERY = r"""
import json, sys
from pathlib import Path
import numpy as np
sys.path.insert(0, sys.argv[2])
from core.common.integrity import CacheCheckFailed
from core.vectors.index import HnswIndex, build_item_index

path = Path(sys.argv[1])
vectors = np.random.default_rng(0).normal(size=(2000, 32)).astype(np.float32)
build_item_index(vectors, cache_path=path)
size = path.stat().st_size
chunk = min(1 << 20, size // 2)  # the probe overwrote 1 MB in the middle; this graph is ~0.5 MB
with open(path, "r+b") as handle:
    handle.seek(size // 2 - chunk // 2)
    handle.write(np.random.default_rng(1).bytes(chunk))
assert path.stat().st_size == size
out = {}
try:
    HnswIndex.load(path)
    out["direct_load"] = "loaded"
except CacheCheckFailed as exc:
    out["direct_load"] = exc.code
notices = []
index = build_item_index(vectors, cache_path=path, notices=notices)
ids, _ = index.query(vectors, 10)  # before the fix: segfault (exit 139) right here
out["self_hits"] = float((ids[:, 0] == np.arange(len(vectors))).mean())
out["notices"] = [n.as_dict() for n in notices]
again = []
build_item_index(vectors, cache_path=path, notices=again)
out["then_loaded_clean"] = not again
print(json.dumps(out))
"""


def test_a_same_size_corrupted_hnsw_file_is_rebuilt_not_segfaulted_on(tmp_path: Path) -> None:
    """The issue's reproduction, in a subprocess so that a regression cannot kill pytest."""
    path = tmp_path / "items.hnsw"
    proc = subprocess.run([sys.executable, "-c", _CORRUPT_AND_QUERY, str(path), str(ROOT)],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, f"exit {proc.returncode} (139/-11 = segfault): {proc.stderr.decode()[-2000:]}"
    out = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert out["direct_load"] == "corrupt"  # HnswIndex.load refuses before hnswlib reads the bytes
    assert [n["code"] for n in out["notices"]] == ["corrupt"]
    assert out["notices"][0]["kind"] == "index" and "checksum" in out["notices"][0]["detail"]
    assert out["self_hits"] >= 0.99 and out["then_loaded_clean"]
    assert b"rebuilt" in proc.stderr  # the notice is logged as well


def _flip_middle(path: Path, n: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    mid = len(data) // 2 - n // 2
    data[mid : mid + n] = bytes(b ^ 0x5A for b in data[mid : mid + n])
    path.write_bytes(bytes(data))


def test_saved_indexes_record_checksum_parameters_and_versions(tmp_path: Path) -> None:
    import hnswlib  # noqa: F401  (installed: its version is recorded)

    from core.common.integrity import file_checksum, library_versions

    x = clustered(300, seed=12)
    for kind_name, path in (("hnsw", tmp_path / "i.hnsw"), ("exact", tmp_path / "i.exact")):
        build_item_index(x, kind_name, IndexParams(M=8), cache_path=path)  # type: ignore[arg-type]
        meta = read_meta(path)
        assert meta is not None
        assert meta["blake2b"] == file_checksum(path) and meta["bytes"] == path.stat().st_size
        assert meta["built_with"] == library_versions() and meta["kind"] == kind_name
    hnsw_meta = read_meta(tmp_path / "i.hnsw") or {}
    assert (hnsw_meta["M"], hnsw_meta["ef_construction"], hnsw_meta["dim"]) == (8, 200, DIM)


def test_a_corrupted_exact_index_is_rebuilt_with_a_notice(tmp_path: Path) -> None:
    x = clustered(400, seed=13)
    path = tmp_path / "items.exact"
    build_item_index(x, "exact", cache_path=path)
    size = path.stat().st_size
    _flip_middle(path)
    assert path.stat().st_size == size
    with pytest.raises(CacheCheckFailed):
        ExactIndex.load(path)
    notices: list[CacheNotice] = []
    index = build_item_index(x, "exact", cache_path=path, notices=notices)
    assert [n.code for n in notices] == ["corrupt"] and notices[0].path == str(path)
    assert index.query(x[:5], 1)[0][:, 0].tolist() == [0, 1, 2, 3, 4]
    assert ExactIndex.load(path).fingerprint  # the rewritten file verifies


def test_other_hnswlib_version_missing_checksum_or_bad_sidecar_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = clustered(300, seed=14)
    path = tmp_path / "items.hnsw"

    def rewrite_meta(change: dict[str, object], drop: str | None = None) -> None:
        meta = read_meta(path) or {}
        meta.update(change)
        if drop:
            meta.pop(drop)
        meta_path(path).write_text(json.dumps(meta))

    def rebuild_codes() -> list[str]:
        notices: list[CacheNotice] = []
        index = build_item_index(x, "hnsw", cache_path=path, notices=notices)
        assert index.query(x[:3], 1)[0][:, 0].tolist() == [0, 1, 2]
        return [n.code for n in notices]

    build_item_index(x, "hnsw", cache_path=path)
    rewrite_meta({"built_with": {"hnswlib": "0.0.1", "numpy": "1.0", "umap-learn": "0.1"}})
    assert rebuild_codes() == ["versions"]
    rewrite_meta({}, drop="blake2b")  # as written before checksums existed
    assert rebuild_codes() == ["unverified"]
    meta_path(path).write_text("{not json")
    assert rebuild_codes() == ["corrupt"]
    assert rebuild_codes() == []  # and now it is trusted again

    def refuse_hnswlib(*args: object, **kwargs: object) -> None:
        raise AssertionError("hnswlib must not read an unverified file")

    import hnswlib

    _flip_middle(path)
    monkeypatch.setattr(hnswlib.Index, "load_index", refuse_hnswlib)
    notices: list[CacheNotice] = []
    build_item_index(x, "hnsw", cache_path=path, notices=notices)
    assert [n.code for n in notices] == ["corrupt"]


def test_concurrent_builders_of_the_same_index_build_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x = clustered(800, seed=15)
    path = tmp_path / "shared.hnsw"
    builds: list[int] = []
    original = HnswIndex.build

    def counting_build(self: HnswIndex, vectors: np.ndarray) -> HnswIndex:
        builds.append(1)
        time.sleep(0.3)  # a slow build: the others arrive while it runs
        return original(self, vectors)

    monkeypatch.setattr(HnswIndex, "build", counting_build)
    results: list[NeighbourIndex] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        barrier.wait()
        results.append(build_item_index(x, "hnsw", cache_path=path))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert len(results) == 4 and len(builds) == 1
    assert all(len(r) == 800 for r in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.hnsw", "shared.hnsw.meta.json"]
