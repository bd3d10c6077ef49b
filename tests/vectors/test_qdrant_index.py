"""QdrantIndex beyond the shared contract (tests/vectors/test_index.py): a persisted folder, collection
ownership, reuse and rebuild, the filter path, batches, and clear errors for hostile set-ups."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.common.config import IndexParams
from core.common.integrity import CacheCheckFailed
from core.vectors import qdrant_index
from core.vectors.index import ExactIndex, meta_path
from core.vectors.qdrant_index import IndexBackendError, QdrantIndex, client_for, close_client
from tests.vectors.test_index import DIM, clustered

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A Qdrant local-mode folder, its client closed after the test (the folder lock is released)."""
    path = tmp_path / "qdrant"
    yield path
    close_client(str(path))


def in_folder(folder: Path, dim: int = DIM, model: str = "m", name: str = "items") -> QdrantIndex:
    return QdrantIndex(dim, location=str(folder), collection=name, model=model)


def test_a_folder_collection_survives_a_new_client(folder: Path, tmp_path: Path) -> None:
    data = clustered(400)
    index = in_folder(folder).build(data)
    before = index.query(data[:10], k=7, exclude={1, 2})
    index.save(tmp_path / "items.ref")
    close_client(str(folder))  # as a new process would: nothing is kept in memory
    loaded = QdrantIndex.load(tmp_path / "items.ref")
    after = loaded.query(data[:10], k=7, exclude={1, 2})
    np.testing.assert_array_equal(before[0], after[0])
    np.testing.assert_allclose(before[1], after[1], atol=1e-6)
    assert (folder / "collection" / "items").is_dir()  # the vectors live in the collection, not the reference


def test_build_or_reuse_reuses_the_same_vectors_and_rebuilds_other_ones(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clustered(300)
    first = QdrantIndex.build_or_reuse(str(folder), "items", data, model="m")
    close_client(str(folder))
    built: list[int] = []
    original = QdrantIndex._build

    def counting(self: QdrantIndex, arr: np.ndarray, key: str) -> QdrantIndex:
        built.append(len(arr))
        return original(self, arr, key)

    monkeypatch.setattr(QdrantIndex, "_build", counting)
    again = QdrantIndex.build_or_reuse(str(folder), "items", data, model="m")
    assert built == [] and again.fingerprint == first.fingerprint and len(again) == 300
    np.testing.assert_array_equal(again.query(data[:5], 5)[0], first.query(data[:5], 5)[0])
    other = QdrantIndex.build_or_reuse(str(folder), "items", data[:120], model="m")  # the dataset changed
    assert built == [120] and len(other) == 120
    assert other.query(data[200], 3)[0].max() < 120


def test_an_interrupted_build_is_rebuilt_not_reused(folder: Path) -> None:
    data = clustered(200)
    index = QdrantIndex.build_or_reuse(str(folder), "items", data, model="m")
    index._write_meta(complete=False)  # what a build killed half-way leaves behind
    again = QdrantIndex.build_or_reuse(str(folder), "items", data, model="m")
    assert again.existing_meta() is not None and again.existing_meta()["complete"] is True  # type: ignore[index]


def test_a_collection_of_another_dimension_or_model_is_refused(folder: Path) -> None:
    in_folder(folder, dim=DIM, model="use-m3").build(clustered(50))
    with pytest.raises(IndexBackendError, match="32-d vectors of the model 'use-m3'"):
        QdrantIndex.build_or_reuse(str(folder), "items", clustered(50, dim=16), model="use-m3")
    with pytest.raises(IndexBackendError, match=r"model 'use-m3'.*'minilm'"):
        QdrantIndex.build_or_reuse(str(folder), "items", clustered(50), model="minilm")
    assert len(QdrantIndex.build_or_reuse(str(folder), "items", clustered(50), model="use-m3")) == 50


def test_a_collection_another_program_wrote_is_left_alone(folder: Path) -> None:
    from qdrant_client import models

    raw = client_for(str(folder)).raw
    raw.create_collection("theirs", vectors_config=models.VectorParams(size=DIM, distance=models.Distance.DOT))
    raw.upsert("theirs", points=models.Batch(ids=[7], vectors=[[1.0] * DIM]))
    with pytest.raises(IndexBackendError, match="not created by InterestLens"):
        QdrantIndex.build_or_reuse(str(folder), "theirs", clustered(20), model="m")
    assert raw.count("theirs").count == 1


def test_large_exclusions_use_a_filter_and_match_exact_search() -> None:
    data = clustered(300, seed=5)
    index = QdrantIndex(DIM, collection=f"f{uuid.uuid4().hex}", max_exclude_overfetch=0).build(data)
    banned = set(range(0, 300, 2))
    truth, _ = ExactIndex(DIM).build(data).query(data[:8], 6, exclude=banned)
    got, sims = index.query(data[:8], 6, exclude=banned)
    np.testing.assert_array_equal(got, truth)
    assert np.isfinite(sims).all()


def test_more_queries_than_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qdrant_index, "QUERY_BATCH", 16)
    monkeypatch.setattr(qdrant_index, "UPLOAD_BATCH", 64)
    data = clustered(250, seed=6)
    queries = np.vstack([clustered(40, seed=7), np.zeros((1, DIM), np.float32)])
    index = QdrantIndex(DIM, collection=f"b{uuid.uuid4().hex}").build(data)
    truth, _ = ExactIndex(DIM).build(data).query(queries, 10)
    got, sims = index.query(queries, 10)
    np.testing.assert_array_equal(got, truth)
    assert (got[-1] == -1).all() and np.isneginf(sims[-1]).all()  # the zero query


def test_an_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with pytest.raises(IndexBackendError, match=f"cannot reach the Qdrant server at {url}"):
        QdrantIndex.build_or_reuse(url, "items", clustered(10), model="m")


def test_a_file_where_the_folder_should_be_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    with pytest.raises(IndexBackendError, match="is a file"):
        QdrantIndex.build_or_reuse(str(path), "items", clustered(10), model="m")


def test_a_folder_another_process_holds_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "busy"
    holder = textwrap.dedent(f"""
        import sys, time
        from qdrant_client import QdrantClient
        client = QdrantClient(path={str(path)!r})
        print("open", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        with pytest.raises(IndexBackendError, match="open in another process"):
            QdrantIndex.build_or_reuse(str(path), "items", clustered(10), model="m")
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
        close_client(str(path))


def test_a_damaged_reference_is_refused(folder: Path, tmp_path: Path) -> None:
    index = in_folder(folder).build(clustered(30))
    ref = tmp_path / "items.ref"
    index.save(ref)
    ref.write_text(ref.read_text().replace('"count": 30', '"count": 31'))
    with pytest.raises(CacheCheckFailed):
        QdrantIndex.load(ref)
    assert meta_path(ref).exists()


def test_a_collection_that_changed_since_the_save_is_refused(folder: Path, tmp_path: Path) -> None:
    data = clustered(30)
    index = in_folder(folder).build(data)
    index.save(tmp_path / "items.ref")
    index.add(data[:5])
    with pytest.raises(IndexBackendError, match="changed since it was saved"):
        QdrantIndex.load(tmp_path / "items.ref")


def test_server_requests_carry_the_hnsw_beam_width() -> None:
    index = QdrantIndex(DIM, location="http://qdrant.invalid:6333", params=IndexParams(ef=96))
    captured: list[object] = []

    class Raw:
        def query_batch_points(self, collection: str, requests: list[object]) -> list[object]:
            captured.extend(requests)
            return [type("R", (), {"points": []})() for _ in requests]

    index._client = qdrant_index._Client(Raw(), index.location)
    index._count = 5
    index.query(np.ones((2, DIM), np.float32), 10)
    assert [r.params.hnsw_ef for r in captured] == [96, 96]  # type: ignore[attr-defined]
