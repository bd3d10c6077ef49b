"""core.common.integrity: checksums, library versions, verification before use, discard + notice."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import pytest

from core.common.artefacts import atomic_write_recorded
from core.common.integrity import (
    CHECKSUM_FIELD,
    VERSIONS_FIELD,
    CacheCheckFailed,
    CacheNotice,
    build_record,
    bytes_checksum,
    discard,
    file_checksum,
    library_versions,
    unchanged,
    verify_file,
)


def _flip_middle(path: Path, n: int = 64) -> None:
    """Overwrite ``n`` bytes in the middle of a file with different bytes, keeping its size."""
    data = bytearray(path.read_bytes())
    mid = len(data) // 2 - n // 2
    data[mid : mid + n] = bytes((b ^ 0xFF) for b in data[mid : mid + n])
    path.write_bytes(bytes(data))


def test_file_checksum_is_blake2b_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    payload = os.urandom(3 * (1 << 20) + 17)  # spans several read chunks
    path.write_bytes(payload)
    assert file_checksum(path) == hashlib.blake2b(payload, digest_size=32).hexdigest()
    assert len(file_checksum(path)) == 64


def test_bytes_checksum_includes_the_split() -> None:
    assert bytes_checksum(b"ab", b"c") != bytes_checksum(b"a", b"bc")
    assert bytes_checksum(b"ab", b"c") == bytes_checksum(b"ab", b"c")


def test_library_versions_names_the_build_libraries() -> None:
    versions = library_versions()
    assert set(versions) == {"numpy", "hnswlib", "umap-learn"}
    import numpy

    assert versions["numpy"] == numpy.__version__
    assert library_versions(("no-such-distribution-xyz",)) == {"no-such-distribution-xyz": "absent"}


def test_recorded_write_describes_exactly_the_bytes_that_land(tmp_path: Path) -> None:
    target = tmp_path / "artefact.bin"
    def write(tmp: Path) -> None:
        tmp.write_bytes(b"x" * 1000)

    record = atomic_write_recorded(target, write)
    assert record[CHECKSUM_FIELD] == file_checksum(target) and record["bytes"] == 1000
    assert record[VERSIONS_FIELD] == library_versions()
    assert verify_file(target, record).st_size == 1000


def test_verify_file_refuses_flipped_bytes_of_the_same_size(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(os.urandom(4096))
    meta = build_record(file_checksum(path), 4096)
    _flip_middle(path)
    assert path.stat().st_size == 4096
    with pytest.raises(CacheCheckFailed, match="checksum mismatch") as info:
        verify_file(path, meta)
    assert info.value.code == "corrupt" and isinstance(info.value, ValueError)


def test_verify_file_refuses_wrong_size_missing_checksum_and_other_versions(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"12345678")
    good = build_record(file_checksum(path), 8)
    with pytest.raises(CacheCheckFailed, match="expected 9") as info:
        verify_file(path, {**good, "bytes": 9})
    assert info.value.code == "corrupt"
    with pytest.raises(CacheCheckFailed) as info:
        verify_file(path, {"bytes": 8})  # written before checksums existed
    assert info.value.code == "unverified"
    old = {**good, VERSIONS_FIELD: {**good[VERSIONS_FIELD], "hnswlib": "0.0.1"}}
    verify_file(path, old)  # versions only matter when asked for
    with pytest.raises(CacheCheckFailed, match=r"hnswlib 0\.0\.1") as info:
        verify_file(path, old, ("hnswlib",))
    assert info.value.code == "versions"
    path.unlink()
    with pytest.raises(CacheCheckFailed, match="cannot be read"):
        verify_file(path, good)


def test_unchanged_sees_a_replaced_or_rewritten_file(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"one")
    before = path.stat()
    assert unchanged(before, path)
    other = tmp_path / "b.bin"
    other.write_bytes(b"two")
    os.replace(other, path)  # another writer's file moved into place
    assert not unchanged(before, path)
    path.unlink()
    assert not unchanged(before, path)


def test_discard_deletes_the_file_and_its_sidecars_and_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data, meta = tmp_path / "idx.hnsw", tmp_path / "idx.hnsw.meta.json"
    data.write_bytes(b"graph")
    meta.write_text("{}")
    failure = CacheCheckFailed(data, "corrupt", "checksum mismatch")
    with caplog.at_level(logging.WARNING, logger="core.common.integrity"):
        notice = discard("index", failure, meta)
    assert not data.exists() and not meta.exists()
    assert notice == CacheNotice(kind="index", path=str(data), code="corrupt", detail="checksum mismatch")
    assert notice.file_name == "idx.hnsw"
    assert "idx.hnsw" in caplog.text and "rebuilt" in caplog.text
    assert notice.as_dict()["message"] == notice.message
    shard = CacheNotice(kind="vectors", path="/x/shard-1.npz", code="corrupt", detail="d")
    assert "encoded again" in shard.message
