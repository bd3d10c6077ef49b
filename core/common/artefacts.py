"""The one artefact store: one fingerprint scheme, one atomic write, one cache folder for derived files.

Fingerprints (:class:`Fingerprint`, :func:`fingerprint`)
    A content hash fed with typed *parts*: ``bytes``, ``str``, numbers, ``None``, numpy arrays,
    pandas series / data frames, mappings, dataclasses and sequences of those. Every part is written
    with a one-byte type tag and its length, so ``("ab", "c")`` and ``("a", "bc")`` differ. Arrays are
    hashed exactly (dtype, shape, bytes); a data frame by its header (column names, dtypes, length)
    and then each column by content (:meth:`Fingerprint.column`: numbers as their bytes in the
    narrowest dtype that holds them exactly, text as UTF-8 via Arrow, so an ``int64`` column and its
    ``int32`` copy, or an ``object`` and an Arrow-backed text column, hash alike). The digest is
    SHA-1 (a cache key, not a security boundary): it is the digest the dataset fingerprint has always
    used, and that fingerprint is persisted in workspaces (presets and runs are stored per dataset
    fingerprint), so keeping it byte-for-byte keeps saved presets attached to their datasets.

Atomic writes (:func:`atomic_write` and the ``atomic_write_*`` conveniences), orphan clean-up
    Write to a hidden temp file in the target's folder, flush it to disk, then ``os.replace`` it
    into place: a reader sees the old file or the new one, never half of one, and a process killed
    mid-write leaves at worst a ``.<name>.tmp-<pid>-<thread>`` file that no reader picks up.
    :func:`tidy_folder` (run once per process on each cache folder and the workspace's dataset folders)
    deletes such orphans: temp files whose process is dead, or that are older than the live process now
    holding that PID (PID reuse), plus lock files nobody holds (:mod:`core.common.locks`). The workspace
    is a single-host folder (SQLite's WAL needs one host too), so a PID names a process on this machine.

The artefact cache (:class:`ArtefactCache`, :func:`artefact_path`)
    Files derived from a dataset (neighbour indexes, 2-D maps, ...) live at
    ``<cache>/<kind>/<dataset fingerprint>/<model>-<parameter digest><suffix>`` under
    ``core.common.config.cache_dir()``: one folder per dataset, so a dataset's artefacts can be listed
    or removed together, and any change of model or parameters gives a new file. The per-text vector
    cache (``core.vectors.vector_cache``) is a different thing: it is keyed by model and text only and
    shared by every dataset, but it writes through :func:`atomic_write` as well. Every cached file is
    verified before use (:mod:`core.common.integrity`: checksum, size, library versions) and builders of
    the same file take turns (:mod:`core.common.locks`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.common.config import cache_dir
from core.common.integrity import build_record, file_checksum
from core.common.locks import clean_stale_locks

log = logging.getLogger(__name__)

# --- fingerprints --------------------------------------------------------------------------------


def as_text_array(values: pd.Series | np.ndarray | list[Any]) -> pa.Array:
    """Values as one contiguous Arrow ``large_string`` array (zero-copy for arrow-backed ``str`` columns).

    Values Arrow cannot type as text (numbers, tuples, mixed objects) are converted with ``str``.
    """
    try:
        arr = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError):
        arr = pa.array([str(v) for v in values], pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.large_string()) if pa.types.is_string(arr.type) else pc.cast(
            pa.array([str(v) for v in arr.to_pylist()]), pa.large_string())
    return arr


def _compact(array: np.ndarray) -> np.ndarray:
    """The same numbers in the narrowest exact dtype (fewer bytes to hash); NaN-free floats only."""
    if array.dtype.kind == "f" and len(array):
        low, high = array.min(), array.max()
        if np.isfinite(low) and np.isfinite(high):
            if low >= 0 and high < 2**32 and np.array_equal(np.floor(array), array):
                return array.astype(np.uint32)  # whole numbers, e.g. Unix seconds
            narrow = array.astype(np.float32)
            if np.array_equal(narrow, array):
                return narrow  # e.g. 0.5-step ratings
    elif array.dtype.kind in "iu" and len(array):
        low, high = int(array.min()), int(array.max())
        for kind in (np.uint8, np.uint16, np.int32):
            info = np.iinfo(kind)
            if info.min <= low and high <= info.max:
                return array.astype(kind, copy=False)
    return array


class Fingerprint:
    """An incremental content hash over typed parts (see the module docstring); ``hexdigest`` reads it.

    ``salt`` is fed first as raw UTF-8 (it names what is hashed, or carries a format version).
    """

    def __init__(self, *parts: Any, salt: str = "") -> None:
        self._digest = hashlib.sha1(salt.encode("utf-8"), usedforsecurity=False)
        for part in parts:
            self.update(part)

    def _tagged(self, tag: bytes, payload: bytes) -> None:
        self._digest.update(tag + len(payload).to_bytes(8, "little") + payload)

    def update(self, part: Any) -> Fingerprint:
        """Feed one part (bytes, str, number, None, array, series, frame, mapping, dataclass, sequence)."""
        if part is None or isinstance(part, bool | int | float):
            self._tagged(b"n", repr(part).encode())
        elif isinstance(part, str):
            self._tagged(b"s", part.encode("utf-8"))
        elif isinstance(part, bytes | bytearray | memoryview):
            self._tagged(b"b", bytes(part))
        elif isinstance(part, np.ndarray):
            arr = np.ascontiguousarray(part)
            if arr.dtype.kind == "O":
                self._tagged(b"o", repr(arr.shape).encode())
                self.column("", arr.reshape(-1))
            else:
                self._tagged(b"a", f"{arr.dtype.str}{arr.shape}".encode())
                self._digest.update(arr.data)
        elif isinstance(part, pd.DataFrame):
            header = json.dumps([[str(c) for c in part.columns], [str(t) for t in part.dtypes], len(part)])
            self._tagged(b"f", header.encode())
            for position in range(part.shape[1]):
                self.column(str(part.columns[position]), part.iloc[:, position])
        elif isinstance(part, pd.Series):
            self._tagged(b"c", f"{part.dtype}|{len(part)}".encode())
            self.column(str(part.name), part)
        elif dataclasses.is_dataclass(part) and not isinstance(part, type):
            self._tagged(b"d", type(part).__qualname__.encode())
            self.update(dataclasses.asdict(part))
        elif isinstance(part, Mapping):
            self._tagged(b"m", str(len(part)).encode())
            for key in sorted(part, key=str):
                self.update(str(key))
                self.update(part[key])
        elif isinstance(part, list | tuple | set | frozenset):
            items: Iterable[Any] = sorted(part, key=repr) if isinstance(part, set | frozenset) else part
            self._tagged(b"l", str(len(part)).encode())
            for item in items:
                self.update(item)
        elif isinstance(part, Path):
            self._tagged(b"p", str(part).encode("utf-8"))
        else:
            raise TypeError(f"cannot fingerprint a {type(part).__name__}")
        return self

    def column(self, name: str, values: pd.Series | np.ndarray) -> Fingerprint:
        """Feed a named column by content: numbers as their bytes (narrowest exact dtype, tagged), text
        as Arrow offsets + UTF-8 data. This is the encoding of the dataset fingerprint (kept stable)."""
        self._digest.update(f"\x1f{name}\x1f".encode())
        array = values.to_numpy() if isinstance(values, pd.Series) and values.dtype.kind in "biuf" else None
        if array is None and not isinstance(values, pd.Series):
            array = np.asarray(values)
        if array is not None and array.dtype.kind in "biuf":
            narrow = _compact(array)
            self._digest.update(narrow.dtype.str.encode())
            self._digest.update(np.ascontiguousarray(narrow).tobytes())
            return self
        arr = pc.fill_null(as_text_array(values), "")
        if arr.offset:
            arr = pa.concat_arrays([pa.array([], arr.type), arr])
        _, offsets_buf, data_buf = arr.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=np.int64)[: len(arr) + 1]
        self._digest.update((offsets - offsets[0]).tobytes())
        if data_buf is not None and len(offsets):
            self._digest.update(memoryview(data_buf)[int(offsets[0]) : int(offsets[-1])])
        return self

    def hexdigest(self, length: int = 24) -> str:
        """The first ``length`` hex characters of the digest (at most 40)."""
        return self._digest.hexdigest()[:length]


def fingerprint(*parts: Any, length: int = 24) -> str:
    """Hex fingerprint of ``parts`` (see :class:`Fingerprint`), e.g. ``fingerprint(vectors, "hnsw", params)``."""
    return Fingerprint(*parts).hexdigest(length)


def safe_name(name: str) -> str:
    """A folder- and file-safe, collision-free form of ``name`` (readable prefix + short hash)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:40] or "model"
    return f"{readable}-{hashlib.sha1(name.encode('utf-8'), usedforsecurity=False).hexdigest()[:8]}"


# --- atomic writes -------------------------------------------------------------------------------


def temp_path(path: Path) -> Path:
    """The hidden temp file :func:`atomic_write` uses for ``path`` (unique per process and thread)."""
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")


def atomic_write(path: Path | str, write: Callable[[Path], None], *, durable: bool = True) -> Path:
    """Create ``path`` atomically: ``write(temp)`` fills a temp file in the same folder, then it is
    flushed to disk (``durable``) and moved into place with ``os.replace``. Returns ``path``.

    The parent folder is created. When ``write`` raises, the temp file is removed and ``path`` is
    untouched. ``write`` must write to exactly the path it is given (``np.save`` on a path appends
    ``.npy``; use :func:`atomic_write_npy` or write to an open handle).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


_TEMP_NAME = re.compile(r"^\..+\.tmp-(\d+)-\d+(-wal|-shm|-journal)?$")
"""An :func:`atomic_write` temp file (or the SQLite side files of a database being created under one)."""
_START_SLACK_S = 2.0
"""A process's start time from /proc is only exact to about a second (boot time is whole seconds)."""


def _process_start(pid: int) -> float | None:
    """Wall-clock start time of a live process (Linux ``/proc``), None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + int(stat[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists but belongs to another user
        return True
    return True


def is_orphan_temp(path: Path) -> bool:
    """True for an :func:`atomic_write` temp file no live writer owns: its PID is dead, or the live
    process with that PID started after the file was last written (the PID was reused)."""
    match = _TEMP_NAME.match(path.name)
    if match is None:
        return False
    pid = int(match.group(1))
    if not _pid_alive(pid):
        return True
    started = _process_start(pid)
    try:
        return started is not None and path.stat().st_mtime < started - _START_SLACK_S
    except OSError:
        return False


def clean_stale_temps(folder: Path | str, recursive: bool = False) -> list[Path]:
    """Delete orphaned temp files (:func:`is_orphan_temp`) in ``folder`` (and below when ``recursive``)."""
    root = Path(folder)
    try:
        candidates = list(root.rglob(".*.tmp-*") if recursive else root.glob(".*.tmp-*"))
    except OSError:
        return []
    removed = []
    for path in candidates:
        if path.is_file() and is_orphan_temp(path):
            try:
                path.unlink()
            except OSError:  # gone already, or not ours to delete
                continue
            removed.append(path)
    if removed:
        log.info("removed %d temp file(s) left by interrupted writes in %s", len(removed), root)
    return removed


_TIDIED: set[tuple[Path, bool]] = set()
_TIDIED_LOCK = threading.Lock()


def tidy_folder(folder: Path | str, recursive: bool = False, again: bool = False) -> list[Path]:
    """Remove orphaned temp files and unheld lock files from ``folder``, once per process per folder
    (``again`` forces another pass); returns what was removed."""
    key = (Path(folder).resolve(), recursive)
    with _TIDIED_LOCK:
        if key in _TIDIED and not again:
            return []
        _TIDIED.add(key)
    removed = clean_stale_temps(key[0], recursive)
    folders = [key[0], *(p for p in key[0].rglob("*") if p.is_dir())] if recursive else [key[0]]
    for sub in folders:
        removed.extend(clean_stale_locks(sub))
    return removed


def _via_handle(write: Callable[[IO[bytes]], object]) -> Callable[[Path], None]:
    def _write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            write(handle)

    return _write


def atomic_write_recorded(path: Path | str, write: Callable[[Path], None]) -> dict[str, Any]:
    """:func:`atomic_write`, returning the written file's integrity record (blake2b digest, size, library
    versions: :func:`core.common.integrity.build_record`), taken from the temp file before it is moved
    into place, so it describes exactly the bytes that land."""
    record: dict[str, Any] = {}

    def _write(tmp: Path) -> None:
        write(tmp)
        record.update(build_record(file_checksum(tmp), tmp.stat().st_size))

    atomic_write(path, _write)
    return record


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, _via_handle(lambda handle: handle.write(data)))


def atomic_write_json(path: Path | str, payload: Any) -> Path:
    """Write ``payload`` as indented UTF-8 JSON to ``path`` atomically."""
    return atomic_write_bytes(path, json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"))


def atomic_write_npy(path: Path | str, array: np.ndarray) -> Path:
    """Write one array as ``.npy`` (no pickle) to exactly ``path``, atomically."""
    return atomic_write(path, _via_handle(lambda handle: np.save(handle, array, allow_pickle=False)))


def atomic_write_npz(path: Path | str, **arrays: np.ndarray) -> Path:
    """Write uncompressed named arrays as ``.npz`` to exactly ``path``, atomically."""
    return atomic_write(path, _via_handle(lambda handle: np.savez(handle, **arrays)))  # type: ignore[arg-type]


# --- the artefact cache --------------------------------------------------------------------------


class ArtefactCache:
    """Derived files keyed by kind + dataset fingerprint + model + parameters (see the module docstring).

    ``root=None`` uses ``core.common.config.cache_dir()`` (the workspace cache, resolved at each call
    so a changed ``$INTERESTLENS_WORKSPACE`` is honoured).
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else None

    def folder(self, kind: str, dataset_fp: str) -> Path:
        """The folder holding every ``kind`` artefact of one dataset (created on demand)."""
        if not re.fullmatch(r"[A-Za-z0-9_-]+", kind):
            raise ValueError(f"artefact kind must be a plain name, got {kind!r}")
        base = self.root if self.root is not None else cache_dir()
        plain = re.fullmatch(r"[A-Za-z0-9_-]{1,64}", dataset_fp) is not None
        path = base / kind / (dataset_fp if plain else safe_name(dataset_fp))
        path.mkdir(parents=True, exist_ok=True)
        tidy_folder(path)
        return path

    def path(self, kind: str, dataset_fp: str, model: str, params: Any = None, suffix: str = "") -> Path:
        """Where the ``kind`` artefact of (dataset, model, params) lives; ``suffix`` e.g. ``".hnsw"``."""
        return self.folder(kind, dataset_fp) / f"{safe_name(model)}-{fingerprint(params, length=16)}{suffix}"


def artefact_path(kind: str, dataset_fp: str, model: str, params: Any = None, suffix: str = "") -> Path:
    """The path of an artefact in the workspace cache (:meth:`ArtefactCache.path` with the default root)."""
    return ArtefactCache().path(kind, dataset_fp, model, params, suffix)
