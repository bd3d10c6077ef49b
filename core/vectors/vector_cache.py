"""The on-disk text -> vector cache and embedding through it.

:class:`VectorCache` holds vectors per model keyed by the SHA-1 of each text, shared by every dataset
(the same title in two datasets is encoded once). :func:`embed_texts` encodes only what the cache
misses; :func:`embed_items` does that for a dataset's item documents. Derived per-dataset files
(indexes, maps) live in the artefact cache of :mod:`core.common.artefacts` instead.

Work is not lost and not repeated:

- :func:`embed_texts` writes a shard every :data:`CHECKPOINT_TEXTS` distinct texts it encodes, so a run
  killed at 95 % keeps everything but the last chunk, and the next run encodes only the rest.
- Chunks are fixed slices of the distinct texts in input order, each guarded by a lock file
  (:func:`core.common.locks.exclusive`). Concurrent runs over the same texts share the work: each takes
  the chunks nobody holds, then waits for the others' chunks and reads them from disk; every text is
  encoded once.
- Every shard carries a blake2b checksum of its arrays and a record of the model, dimension and numpy
  version (inside the ``.npz``, so it is written atomically with the vectors; the zip format adds a
  CRC-32 per array). A shard that fails (unreadable, wrong shape, non-finite values, checksum mismatch)
  is deleted, reported (:attr:`EmbedResult.notices`) and its texts encoded again. Shards written before
  checksums existed are still read: their zip CRC-32 is checked by numpy's loader.
- Temp files of killed writers and unheld lock files are removed the first time a process uses the cache
  folder (:func:`core.common.artefacts.tidy_folder`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.common.artefacts import atomic_write_npz, safe_name, tidy_folder
from core.common.config import cache_dir
from core.common.integrity import CacheCheckFailed, CacheNotice, bytes_checksum, discard, library_versions
from core.common.locks import exclusive, lock_path
from core.common.progress import ProgressFn, report, scaled
from core.vectors.documents import DEFAULT_TEMPLATE, item_documents
from core.vectors.encoders import DEFAULT_MODEL, Encoder, load_encoder

if TYPE_CHECKING:
    from core.data.dataset import Dataset

SHARD_FORMAT = 2
"""Shard layout: 1 = ``keys`` + ``vectors``; 2 adds ``checksum`` (blake2b of both) and ``meta`` (JSON)."""
CHECKPOINT_TEXTS = 2048
""":func:`embed_texts` saves a shard after each chunk of this many distinct texts: at most one chunk of
work (about 10 s of USE m3 on one CPU core) is lost when a run is killed."""
_UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error)


def text_key(text: str) -> bytes:
    """The cache key of a text: its SHA-1 digest (20 raw bytes) over UTF-8."""
    return hashlib.sha1(text.encode("utf-8")).digest()


def shard_checksum(keys: np.ndarray, vectors: np.ndarray) -> str:
    """blake2b over a shard's key and vector arrays (shapes and dtypes included)."""
    header = f"{keys.dtype.str}{keys.shape}{vectors.dtype.str}{vectors.shape}".encode()
    return bytes_checksum(header, np.ascontiguousarray(keys).data, np.ascontiguousarray(vectors).data)


class VectorCache:
    """On-disk text → vector cache for one model: ``<root>/<safe model id>/shard-*.npz``.

    Each shard holds ``keys`` (SHA-1 digests of the texts, uint8 (n, 20)), ``vectors`` (float32),
    ``checksum`` and ``meta`` (see the module docstring). New vectors go to a new shard written
    atomically (temp file + ``os.replace``), so a crash never leaves a half-written shard and concurrent
    writers never clash. Shards are re-scanned when a lookup misses (another process may have added
    some) and merged into one when there are more than ``max_shards`` (by one process at a time).
    ``root=None`` uses ``core.common.config.cache_dir("vectors")``.
    """

    def __init__(self, root: Path | str | None, model_id: str, max_shards: int = 16) -> None:
        self.model_id = model_id
        base = Path(root) if root is not None else cache_dir("vectors")
        self.path = base / safe_name(model_id)
        self.max_shards = max_shards
        self._index: dict[bytes, int] = {}
        self._blocks: list[np.ndarray] = []
        self._matrix: np.ndarray | None = None
        self._dim: int | None = None
        self._seen: set[str] = set()
        self._loaded: set[str] = set()
        self._notices: list[CacheNotice] = []

    @classmethod
    def default(cls, model_id: str) -> VectorCache:
        """The cache for ``model_id`` inside the workspace."""
        return cls(None, model_id)

    def __len__(self) -> int:
        self._refresh()
        return len(self._index)

    @property
    def dim(self) -> int | None:
        """Vector dimension of the cached vectors (None while empty)."""
        return self._dim

    def take_notices(self) -> list[CacheNotice]:
        """Damaged shards removed since the last call (each also logged)."""
        notices, self._notices = self._notices, []
        return notices

    def _shards(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return sorted(self.path.glob("shard-*.npz"))

    def _ingest(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if len(keys) == 0 or vectors.ndim != 2 or keys.shape != (len(vectors), 20):
            return
        if self._dim is None:
            self._dim = int(vectors.shape[1])
        if vectors.shape[1] != self._dim:
            return
        start = len(self._index)  # every stored row belongs to exactly one key
        as_bytes = [row.tobytes() for row in np.ascontiguousarray(keys, dtype=np.uint8)]
        fresh = [i for i, k in enumerate(as_bytes) if k not in self._index]
        if not fresh:
            return
        block = np.ascontiguousarray(vectors[fresh], dtype=np.float32)
        for j, i in enumerate(fresh):
            self._index[as_bytes[i]] = start + j
        self._blocks.append(block)
        self._matrix = None

    def _read_shard(self, shard: Path) -> tuple[np.ndarray, np.ndarray] | None:
        """A shard's verified (keys, vectors); None when it vanished, is not ours to read or comes from a
        newer format; raises :class:`CacheCheckFailed` when it is damaged."""
        try:
            with np.load(shard, allow_pickle=False) as data:
                names = set(data.files)
                keys = np.asarray(data["keys"])
                vectors = np.asarray(data["vectors"])
                digest = bytes(np.asarray(data["checksum"], np.uint8)).decode() if "checksum" in names else None
                meta: Any = json.loads(bytes(np.asarray(data["meta"], np.uint8))) if "meta" in names else {}
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            return None  # merged away by another process, or not readable by this user: leave it
        except (*_UNREADABLE, UnicodeDecodeError) as exc:
            raise CacheCheckFailed(shard, "corrupt", f"unreadable: {exc}") from None
        if not isinstance(meta, dict):
            raise CacheCheckFailed(shard, "corrupt", "its metadata is not a JSON object")
        if int(meta.get("format", 1)) > SHARD_FORMAT:
            return None  # written by a newer InterestLens: neither read nor removed
        if meta and meta.get("model_id") != self.model_id:
            raise CacheCheckFailed(shard, "corrupt", f"written for model {meta.get('model_id')!r}")
        if (vectors.ndim != 2 or keys.dtype != np.uint8 or keys.shape != (len(vectors), 20)
                or vectors.dtype != np.float32):
            raise CacheCheckFailed(shard, "corrupt", "arrays of the wrong shape or type")
        if digest is not None and digest != shard_checksum(keys, vectors):
            raise CacheCheckFailed(shard, "corrupt", "checksum mismatch: the bytes changed after they were written")
        if not np.isfinite(vectors).all():
            raise CacheCheckFailed(shard, "corrupt", "non-finite vector values")
        return keys, vectors

    def _refresh(self) -> None:
        """Load shards written since the last scan (by this or another process); remove damaged ones."""
        if self.path.is_dir():
            tidy_folder(self.path)  # once per process: temp files of killed writers, unheld locks
        for shard in self._shards():
            if shard.name in self._seen:
                continue
            self._seen.add(shard.name)
            try:
                read = self._read_shard(shard)
            except CacheCheckFailed as failure:
                self._notices.append(discard("vectors", failure))
                continue
            if read is not None:
                self._loaded.add(shard.name)
                self._ingest(*read)

    def _all(self) -> np.ndarray:
        if self._matrix is None:
            dim = self._dim or 0
            self._matrix = np.concatenate(self._blocks) if self._blocks else np.zeros((0, dim), np.float32)
            self._blocks = [self._matrix] if len(self._matrix) else []
        return self._matrix

    def get(self, keys: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Look keys up: returns (vectors for the found ones in key order, found mask)."""
        if any(k not in self._index for k in keys):
            self._refresh()
        rows = np.array([self._index.get(k, -1) for k in keys], dtype=np.int64)
        found = rows >= 0
        if not found.any():
            return np.zeros((0, self._dim or 0), np.float32), found
        return self._all()[rows[found]].copy(), found

    def _write_shard(self, keys: np.ndarray, vectors: np.ndarray) -> str:
        """Write one shard (arrays, checksum, metadata) atomically; returns its file name."""
        meta = {"format": SHARD_FORMAT, "model_id": self.model_id, "dim": int(vectors.shape[1]),
                "count": len(keys), "built_with": library_versions(("numpy",))}
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.time_ns():020d}-{os.getpid()}.npz"
        atomic_write_npz(self.path / name, keys=keys, vectors=vectors,
                         checksum=np.frombuffer(shard_checksum(keys, vectors).encode(), np.uint8),
                         meta=np.frombuffer(json.dumps(meta).encode(), np.uint8))
        self._seen.add(name)
        self._loaded.add(name)
        return name

    def put(self, keys: Sequence[bytes], vectors: np.ndarray, compact: bool = True) -> None:
        """Store vectors under keys (one new shard, written atomically); existing keys are skipped.

        ``compact=False`` leaves merging shards to a later :meth:`compact_if_needed` (a long run
        writing many checkpoints merges once at the end)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(keys) != len(vectors):
            raise ValueError("keys and vectors differ in length")
        if len(keys) == 0:
            return
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise ValueError(
                f"cache for {self.model_id} holds {self._dim}-d vectors, got {vectors.shape[1]}-d"
            )
        new = [i for i, k in enumerate(keys) if k not in self._index]
        if not new:
            return
        key_arr = _key_matrix([keys[i] for i in new])
        vec_arr = np.ascontiguousarray(vectors[new])
        self._write_shard(key_arr, vec_arr)
        self._ingest(key_arr, vec_arr)
        if compact:
            self.compact_if_needed()

    def compact_if_needed(self) -> None:
        """:meth:`compact` when there are more than ``max_shards`` shards."""
        if len(self._shards()) > self.max_shards:
            self.compact()

    def compact(self) -> None:
        """Merge every shard into one (atomic write first, then remove the merged shards).

        One process compacts at a time (a lock tried without waiting: if another process is compacting,
        this one skips). Only shards that were read successfully are removed, so a shard that appears
        meanwhile, or could not be read, is never lost.
        """
        with exclusive(lock_path(self.path / "compact"), timeout=0) as held:
            if not held:
                return
            old = self._shards()
            self._refresh()
            merged = [shard for shard in old if shard.name in self._loaded]
            if len(merged) <= 1:
                return
            matrix = self._all()
            ordered: list[bytes] = [b""] * len(self._index)
            for key, row in self._index.items():
                ordered[row] = key
            self._write_shard(_key_matrix(ordered), matrix)
            for shard in merged:
                with contextlib.suppress(FileNotFoundError):
                    shard.unlink()

    def clear(self) -> None:
        """Delete every cached vector of this model (disk and memory)."""
        for shard in self._shards():
            with contextlib.suppress(FileNotFoundError):
                shard.unlink()
        self._index.clear()
        self._blocks.clear()
        self._matrix = None
        self._dim = None
        self._seen.clear()
        self._loaded.clear()


def _key_matrix(keys: Sequence[bytes]) -> np.ndarray:
    """SHA-1 digests as a uint8 (n, 20) matrix (``S20`` would drop trailing zero bytes)."""
    if any(len(k) != 20 for k in keys):
        raise ValueError("cache keys must be 20-byte SHA-1 digests (see text_key)")
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), 20).copy()


# --- embedding through the cache --------------------------------------------------------------------


@dataclass
class EmbedResult:
    """Vectors for a list of texts plus how they were obtained."""

    vectors: np.ndarray
    """(n_texts, dim) float32, L2-normalised, in input order."""
    n_cached: int
    """Distinct texts served from the cache."""
    n_encoded: int
    """Distinct texts that went through the encoder."""
    seconds: float
    """Wall time of the whole call."""
    notices: list[CacheNotice] = field(default_factory=list)
    """Damaged cache shards that were removed (their texts were encoded again)."""

    @property
    def n_texts(self) -> int:
        """Number of input texts (duplicates included)."""
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        """Vector dimension."""
        return int(self.vectors.shape[1])


def embed_texts(
    encoder: Encoder,
    texts: Sequence[str],
    cache: VectorCache | None = None,
    progress: ProgressFn | None = None,
    batch_size: int = 256,
    checkpoint: int = CHECKPOINT_TEXTS,
) -> EmbedResult:
    """Encode ``texts`` (identical texts once), reusing and filling ``cache`` when given.

    The distinct texts are worked through in chunks of ``checkpoint``; each chunk's vectors are saved
    as a shard as soon as it is encoded, and concurrent runs share the chunks (see the module
    docstring). ``batch_size`` 256 rather than 64: per-call overhead makes USE m3 ~2.5x slower at 64.
    """
    started = time.perf_counter()
    texts = [str(t) for t in texts]
    if cache is not None and cache.model_id != encoder.model_id:
        raise ValueError(f"cache is for model {cache.model_id!r}, encoder is {encoder.model_id!r}")
    if checkpoint < 1:
        raise ValueError("checkpoint must be at least 1 text")
    keys = [text_key(t) for t in texts]
    unique: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        unique.setdefault(key, i)
    ukeys = list(unique)
    run = _EmbedRun(encoder, ukeys, [texts[unique[k]] for k in ukeys], cache, progress, batch_size)
    report(progress, 0.0, "cache lookup")
    run.lookup(range(len(ukeys)))
    n_from_start = int(run.found.sum())
    run.encode_missing(checkpoint)
    report(progress, 1.0, f"{len(ukeys)} texts")
    pos = {k: j for j, k in enumerate(ukeys)}
    order = np.fromiter((pos[k] for k in keys), dtype=np.int64, count=len(keys))
    vectors = run.vectors[order] if len(keys) else np.zeros((0, encoder.dim), np.float32)
    return EmbedResult(
        vectors=vectors,
        n_cached=n_from_start + run.n_found_later,
        n_encoded=run.n_encoded,
        seconds=time.perf_counter() - started,
        notices=cache.take_notices() if cache is not None else [],
    )


class _EmbedRun:
    """The state of one :func:`embed_texts` call: distinct texts, their vectors so far, what is found."""

    def __init__(self, encoder: Encoder, keys: list[bytes], texts: list[str], cache: VectorCache | None,
                 progress: ProgressFn | None, batch_size: int) -> None:
        self.encoder, self.keys, self.texts, self.cache = encoder, keys, texts, cache
        self.progress, self.batch_size = progress, batch_size
        self.vectors = np.zeros((len(keys), encoder.dim), dtype=np.float32)
        self.found = np.zeros(len(keys), dtype=bool)
        self.n_encoded = 0
        self.n_found_later = 0
        self._to_do = 0
        self._done = 0

    def lookup(self, rows: Sequence[int] | range) -> int:
        """Fill the rows the cache holds (re-reading shards other processes wrote); returns how many."""
        wanted = [r for r in rows if not self.found[r]]
        if self.cache is None or not wanted:
            return 0
        cached, hit = self.cache.get([self.keys[r] for r in wanted])
        if not hit.any() or cached.shape[1] != self.encoder.dim:
            return 0
        got = np.asarray(wanted, dtype=np.int64)[hit]
        self.vectors[got] = cached
        self.found[got] = True
        return len(got)

    def encode_missing(self, checkpoint: int) -> None:
        """Encode what the cache lacks, chunk by chunk, saving each chunk; chunks other processes hold
        are left for last and usually found on disk by then."""
        chunks = [range(a, min(a + checkpoint, len(self.keys))) for a in range(0, len(self.keys), checkpoint)]
        pending = [c for c in chunks if not self.found[c.start : c.stop].all()]
        self._to_do = int((~self.found).sum())
        if self.cache is None:
            for chunk in pending:
                self._encode(chunk)
            return
        deferred = []
        for chunk in pending:
            with exclusive(self._lock(chunk), timeout=0) as held:
                if held:
                    self._encode(chunk)
                else:
                    deferred.append(chunk)
        for chunk in deferred:  # another run holds it: wait, then take what it saved
            with exclusive(self._lock(chunk)):
                self._encode(chunk)
        self.cache.compact_if_needed()

    def _lock(self, chunk: range) -> Path:
        assert self.cache is not None
        digest = bytes_checksum(b"".join(self.keys[chunk.start : chunk.stop]))[:20]
        return lock_path(self.cache.path / f"chunk-{digest}")

    def _encode(self, chunk: range) -> None:
        """Encode the chunk's rows still missing (after one more cache lookup) and save them as a shard."""
        missing_before = int((~self.found[chunk.start : chunk.stop]).sum())
        if self.cache is not None:
            self.n_found_later += self.lookup(chunk)
        rows = [r for r in chunk if not self.found[r]]
        low = 0.02 + 0.96 * self._done / max(1, self._to_do)
        high = 0.02 + 0.96 * (self._done + missing_before) / max(1, self._to_do)
        if rows:
            fresh = np.asarray(self.encoder.encode([self.texts[r] for r in rows], batch_size=self.batch_size,
                                                   progress=scaled(self.progress, low, high)), np.float32)
            if self.cache is not None:
                self.cache.put([self.keys[r] for r in rows], fresh, compact=False)
            self.vectors[rows] = fresh
            self.found[rows] = True
            self.n_encoded += len(rows)
        self._done += missing_before
        report(self.progress, high, f"{self._done} of {self._to_do} texts")


def cache_coverage(texts: Sequence[str], cache: VectorCache) -> tuple[int, int]:
    """(distinct texts already in ``cache``, distinct texts): is a cheap check before encoding."""
    keys = list(dict.fromkeys(text_key(str(t)) for t in texts))
    _, found = cache.get(keys)
    return int(found.sum()), len(keys)


def embed_items(
    dataset: Dataset,
    encoder: Encoder | str = DEFAULT_MODEL,
    template: str = DEFAULT_TEMPLATE,
    cache: VectorCache | bool = True,
    progress: ProgressFn | None = None,
) -> EmbedResult:
    """Item vectors of ``dataset`` (row i = item index i) from its :func:`item_documents`.

    ``cache=True`` uses the workspace cache of the encoder's model, ``False`` disables caching.
    """
    enc = load_encoder(encoder) if isinstance(encoder, str) else encoder
    docs = item_documents(dataset, template)
    store: VectorCache | None
    if cache is True:
        store = VectorCache.default(enc.model_id)
    elif cache is False:
        store = None
    else:
        store = cache
    return embed_texts(enc, docs, store, progress)
