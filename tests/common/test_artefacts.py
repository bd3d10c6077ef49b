"""core.common.artefacts: the one fingerprint scheme, the one atomic write, the one artefact cache."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.common.artefacts import (
    ArtefactCache,
    Fingerprint,
    artefact_path,
    atomic_write,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_npy,
    atomic_write_npz,
    clean_stale_temps,
    fingerprint,
    is_orphan_temp,
    safe_name,
    temp_path,
    tidy_folder,
)
from core.common.config import IndexParams
from core.data.dataset import Dataset

# --- fingerprints -------------------------------------------------------------------------------


def test_fingerprint_is_deterministic_and_sized() -> None:
    parts = ("model", 3, 0.5, None, b"\x00raw", np.arange(6, dtype=np.float32).reshape(2, 3))
    assert fingerprint(*parts) == fingerprint(*parts)
    assert len(fingerprint(*parts)) == 24 and len(fingerprint(*parts, length=40)) == 40
    assert all(c in "0123456789abcdef" for c in fingerprint(*parts))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("ab", "c"), ("a", "bc")),  # parts are framed, not concatenated
        ((1,), ("1",)),  # a number is not its text
        ((b"x",), ("x",)),  # bytes are not text
        ((True,), (1,)),
        ((None,), ("None",)),
        ((np.zeros(4, np.float32),), (np.zeros(4, np.float64),)),  # dtype counts
        ((np.zeros((2, 2), np.float32),), (np.zeros(4, np.float32),)),  # shape counts
        (([1, 2],), ([2, 1],)),  # sequences are ordered
        (({"a": 1},), ({"a": 2},)),
        ((IndexParams(),), (IndexParams(ef=64),)),  # dataclasses by their fields
    ],
)
def test_fingerprint_tells_parts_apart(a: tuple[object, ...], b: tuple[object, ...]) -> None:
    assert fingerprint(*a) != fingerprint(*b)


def test_fingerprint_of_mappings_and_sets_ignores_order() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({3, 1, 2}) == fingerprint({2, 3, 1})


def test_fingerprint_refuses_unknown_types() -> None:
    with pytest.raises(TypeError, match="cannot fingerprint"):
        fingerprint(object())


def test_frames_hash_by_content_and_header() -> None:
    frame = pd.DataFrame({"user_id": ["u1", "u2", None], "rating": [4.0, 3.5, 5.0], "n": [1, 2, 3]})
    same = pd.DataFrame({"user_id": ["u1", "u2", None], "rating": [4.0, 3.5, 5.0], "n": [1, 2, 3]})
    assert fingerprint(frame) == fingerprint(same)
    assert fingerprint(frame) != fingerprint(frame.assign(rating=[4.0, 3.5, 4.5]))  # a value
    assert fingerprint(frame) != fingerprint(frame.rename(columns={"n": "m"}))  # a column name
    assert fingerprint(frame) != fingerprint(frame[["rating", "user_id", "n"]])  # column order
    assert fingerprint(frame) != fingerprint(frame.iloc[:2])  # a row
    assert fingerprint(frame) != fingerprint(frame.astype({"n": "float64"}))  # a dtype (header)
    tags = pd.DataFrame({"tags": [("a", "b"), (), ("c",)]})  # tuples: hashed through their text
    assert fingerprint(tags) != fingerprint(pd.DataFrame({"tags": [("a",), (), ("c",)]}))


def test_columns_hash_by_content_whatever_the_storage() -> None:
    def col(values: object) -> str:
        return Fingerprint().column("c", values).hexdigest()  # type: ignore[arg-type]

    assert col(np.array([1, 2, 300], np.int64)) == col(np.array([1, 2, 300], np.int32))
    assert col(pd.Series(["a", "b"], dtype=object)) == col(pd.Series(["a", "b"], dtype="string[pyarrow]"))
    assert col(np.array([1, 2, 300])) != col(np.array([1, 2, 301]))
    assert col(pd.Series(["ab", "c"])) != col(pd.Series(["a", "bc"]))  # text keeps its offsets


def test_column_encoding_is_the_historical_dataset_hash() -> None:
    """The dataset fingerprint is persisted (presets, runs): its bytes must not change."""
    ratings = np.array([4.0, 3.5, 5.0])
    reference = hashlib.sha1(b"extra")
    reference.update(b"\x1frating\x1f")
    reference.update(np.dtype(np.float32).str.encode())  # 0.5 steps fit float32 exactly
    reference.update(ratings.astype(np.float32).tobytes())
    assert Fingerprint(salt="extra").column("rating", ratings).hexdigest(16) == reference.hexdigest()[:16]


def test_demo_dataset_fingerprints_are_stable(movielens: Dataset) -> None:
    assert movielens.fingerprint == "0336336d26acb795"  # as stored in existing workspaces


def test_safe_name_is_readable_and_collision_free() -> None:
    assert safe_name("use-m3").startswith("use-m3-")
    assert safe_name("path:/a b/c") != safe_name("path:/a_b/c")
    assert "/" not in safe_name("st:org/model") and " " not in safe_name("a b")


# --- atomic writes --------------------------------------------------------------------------------


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".tmp-" in p.name]


def test_atomic_write_creates_folders_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.bin"
    assert atomic_write_bytes(target, b"hello") == target
    assert target.read_bytes() == b"hello"
    atomic_write_bytes(target, b"")
    assert target.read_bytes() == b""
    assert _leftovers(target.parent) == []


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    atomic_write_json(target, {"v": 1})

    def crash(tmp: Path) -> None:
        tmp.write_text("{half")  # the temp file exists ...
        raise OSError("disk full")  # ... and the writer dies before the replace

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, crash)
    assert json.loads(target.read_text()) == {"v": 1}
    assert _leftovers(tmp_path) == []


def test_array_writers_write_exactly_the_path_given(tmp_path: Path) -> None:
    arr = np.arange(12, dtype=np.float32).reshape(3, 4)
    npy = atomic_write_npy(tmp_path / "coords.bin", arr)  # np.save on a path would add ".npy"
    np.testing.assert_array_equal(np.load(npy, allow_pickle=False), arr)
    npz = atomic_write_npz(tmp_path / "shard-1.npz", keys=np.zeros((3, 20), np.uint8), vectors=arr)
    with np.load(npz, allow_pickle=False) as data:
        np.testing.assert_array_equal(data["vectors"], arr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["coords.bin", "shard-1.npz"]


def test_json_is_utf8(tmp_path: Path) -> None:
    path = atomic_write_json(tmp_path / "meta.json", {"title": "星际穿越"})
    assert "星际穿越" in path.read_text(encoding="utf-8")


def test_temp_file_is_hidden_in_the_target_folder(tmp_path: Path) -> None:
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_bytes(b"1")

    atomic_write(tmp_path / "x.bin", write)
    assert seen[0].parent == tmp_path and seen[0].name.startswith(".x.bin.tmp-")


def _dead_pid() -> int:
    """The PID of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def test_orphan_temp_files_of_dead_or_older_processes_are_cleaned(tmp_path: Path) -> None:
    dead = tmp_path / f".shard-1.npz.tmp-{_dead_pid()}-140000"
    dead.write_bytes(b"half a shard")
    reused = tmp_path / f".items.hnsw.tmp-{os.getpid()}-1"  # our PID, but written before we started
    reused.write_bytes(b"old")
    long_ago = time.time() - 10 * 365 * 86400
    os.utime(reused, (long_ago, long_ago))
    live = temp_path(tmp_path / "map.npy")  # this process is writing it right now
    live.write_bytes(b"in progress")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("not ours")
    wal = tmp_path / f"{dead.name}-wal"  # SQLite's side file of a database created under a temp name
    wal.write_bytes(b"wal")
    assert is_orphan_temp(dead) and is_orphan_temp(reused) and is_orphan_temp(wal)
    assert not is_orphan_temp(live) and not is_orphan_temp(unrelated)
    assert sorted(clean_stale_temps(tmp_path)) == sorted([dead, reused, wal])
    assert live.exists() and unrelated.exists() and not dead.exists() and not reused.exists()


def test_tidy_folder_runs_once_per_folder_and_reaches_sub_folders(tmp_path: Path) -> None:
    nested = tmp_path / "datasets" / "abc"
    nested.mkdir(parents=True)
    orphan = nested / f".interactions.parquet.tmp-{_dead_pid()}-7"
    orphan.write_bytes(b"x")
    stale_lock = nested / ".interactions.parquet.lock"
    stale_lock.write_text("")
    assert tidy_folder(tmp_path / "datasets") == []  # not recursive: the sub-folder is untouched
    assert orphan.exists()
    assert sorted(tidy_folder(tmp_path / "datasets", recursive=True)) == sorted([orphan, stale_lock])
    again = nested / f".items.parquet.tmp-{_dead_pid()}-7"
    again.write_bytes(b"x")
    assert tidy_folder(tmp_path / "datasets", recursive=True) == []  # once per process ...
    assert tidy_folder(tmp_path / "datasets", recursive=True, again=True) == [again]  # ... unless asked


def test_the_artefact_cache_tidies_a_folder_when_it_is_first_used(tmp_path: Path) -> None:
    folder = tmp_path / "index" / "fp"
    folder.mkdir(parents=True)
    orphan = folder / f".m-0123.hnsw.tmp-{_dead_pid()}-1"
    orphan.write_bytes(b"x")
    ArtefactCache(tmp_path).path("index", "fp", "m", None, ".hnsw")
    assert not orphan.exists()


# --- the artefact cache ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Params:
    k: int = 10


def test_artefact_paths_are_keyed_by_dataset_model_and_params(tmp_path: Path) -> None:
    cache = ArtefactCache(tmp_path)
    path = cache.path("index", "0336336d26acb795", "use-m3", _Params(), ".hnsw")
    assert path.parent == tmp_path / "index" / "0336336d26acb795" and path.parent.is_dir()
    assert path.name.startswith(safe_name("use-m3") + "-") and path.suffix == ".hnsw"
    assert cache.path("index", "0336336d26acb795", "use-m3", _Params(), ".hnsw") == path  # stable
    others = {
        cache.path("index", "other-dataset", "use-m3", _Params(), ".hnsw"),
        cache.path("index", "0336336d26acb795", "minilm", _Params(), ".hnsw"),
        cache.path("index", "0336336d26acb795", "use-m3", _Params(k=11), ".hnsw"),
        cache.path("maps", "0336336d26acb795", "use-m3", _Params(), ".hnsw"),
    }
    assert path not in others and len(others) == 4
    odd = cache.path("maps", "fp with/slash", "m")
    assert odd.parent.parent == tmp_path / "maps"  # an unusual fingerprint stays one folder
    with pytest.raises(ValueError, match="plain name"):
        cache.path("../escape", "fp", "m")


def test_default_root_is_the_workspace_cache(tmp_workspace: Path) -> None:
    path = artefact_path("maps", "fp", "use-m3", {"n": 15}, ".npy")
    assert path.is_relative_to(tmp_workspace / "cache" / "maps" / "fp")
