"""The on-disk text -> vector cache and embedding through it.

:class:`VectorCache` holds vectors per model keyed by the SHA-1 of each text, shared by every dataset
(the same title in two datasets is encoded once). :func:`embed_texts` encodes only what the cache
misses; :func:`embed_items` does that for a dataset's item documents. Derived per-dataset files
(indexes, maps) live in the artefact cache of :mod:`core.common.artefacts` instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.common.artefacts import atomic_write_npz, safe_name
from core.common.config import cache_dir
from core.common.progress import ProgressFn, report, scaled
from core.vectors.documents import DEFAULT_TEMPLATE, item_documents
from core.vectors.encoders import DEFAULT_MODEL, Encoder, load_encoder

if TYPE_CHECKING:
    from core.data.dataset import Dataset

def text_key(text: str) -> bytes:
    """The cache key of a text: its SHA-1 digest (20 raw bytes) over UTF-8."""
    return hashlib.sha1(text.encode("utf-8")).digest()


class VectorCache:
    """On-disk text → vector cache for one model: ``<root>/<safe model id>/shard-*.npz``.

    Each shard holds ``keys`` (SHA-1 digests of the texts, uint8 (n, 20)) and ``vectors`` (float32). New
    vectors go to a new shard written atomically (temp file + ``os.replace``), so a crash never leaves a
    half-written shard and concurrent writers never clash. Shards are re-scanned when a lookup misses
    (another process may have added some) and merged into one when there are more than
    ``max_shards``. ``root=None`` uses ``core.common.config.cache_dir("vectors")``.
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

    def _refresh(self) -> None:
        """Load shards written since the last scan (by this or another process)."""
        for shard in self._shards():
            if shard.name in self._seen:
                continue
            self._seen.add(shard.name)
            try:
                with np.load(shard, allow_pickle=False) as data:
                    keys = np.asarray(data["keys"])
                    vectors = np.asarray(data["vectors"], dtype=np.float32)
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                continue  # vanished (merged by another process) or unreadable: ignore it
            if vectors.ndim == 2 and np.isfinite(vectors).all():
                self._ingest(keys, vectors)

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

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store vectors under keys (one new shard, written atomically); existing keys are skipped."""
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
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.time_ns():020d}-{os.getpid()}.npz"
        atomic_write_npz(self.path / name, keys=key_arr, vectors=vec_arr)
        self._seen.add(name)
        self._ingest(key_arr, vec_arr)
        if len(self._shards()) > self.max_shards:
            self.compact()

    def compact(self) -> None:
        """Merge every shard into one (atomic write first, then remove the merged shards)."""
        self._refresh()
        old = self._shards()
        if len(old) <= 1:
            return
        matrix = self._all()
        ordered: list[bytes] = [b""] * len(self._index)
        for key, row in self._index.items():
            ordered[row] = key
        keys = _key_matrix(ordered)
        name = f"shard-{time.time_ns():020d}-{os.getpid()}.npz"
        atomic_write_npz(self.path / name, keys=keys, vectors=matrix)
        self._seen.add(name)
        for shard in old:
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
) -> EmbedResult:
    """Encode ``texts`` (identical texts once), reusing and filling ``cache`` when given.

    ``batch_size`` 256 rather than 64: per-call overhead makes USE m3 ~2.5x slower at 64.
    """
    started = time.perf_counter()
    texts = [str(t) for t in texts]
    if cache is not None and cache.model_id != encoder.model_id:
        raise ValueError(f"cache is for model {cache.model_id!r}, encoder is {encoder.model_id!r}")
    keys = [text_key(t) for t in texts]
    unique: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        unique.setdefault(key, i)
    ukeys = list(unique)
    utexts = [texts[unique[k]] for k in ukeys]
    uvecs = np.zeros((len(ukeys), encoder.dim), dtype=np.float32)
    found = np.zeros(len(ukeys), dtype=bool)
    report(progress, 0.0, "cache lookup")
    if cache is not None and ukeys:
        cached, found = cache.get(ukeys)
        if found.any() and cached.shape[1] == encoder.dim:
            uvecs[found] = cached
        else:
            found = np.zeros(len(ukeys), dtype=bool)
    missing = np.flatnonzero(~found)
    if len(missing):
        fresh = encoder.encode([utexts[i] for i in missing], batch_size=batch_size,
                               progress=scaled(progress, 0.02, 0.98))
        uvecs[missing] = fresh
        if cache is not None:
            cache.put([ukeys[i] for i in missing], fresh)
    report(progress, 1.0, f"{len(ukeys)} texts")
    pos = {k: j for j, k in enumerate(ukeys)}
    order = np.fromiter((pos[k] for k in keys), dtype=np.int64, count=len(keys))
    vectors = uvecs[order] if len(keys) else np.zeros((0, encoder.dim), np.float32)
    return EmbedResult(
        vectors=vectors,
        n_cached=int(found.sum()),
        n_encoded=len(missing),
        seconds=time.perf_counter() - started,
    )


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
