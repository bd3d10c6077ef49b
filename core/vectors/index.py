"""Nearest-neighbour indexes over L2-normalised vectors: exact (numpy) and approximate (hnswlib).

Both implement :class:`NeighbourIndex`: ids are row positions ``0..n-1`` in insertion order,
``query`` returns ``(ids int64 (q, k), cosine similarities float32 (q, k))`` best first, padded with
``-1`` / ``-inf`` when fewer than ``k`` neighbours exist, and ``exclude`` removes ids from every
query's answer. Vectors are normalised on the way in, so inner product = cosine. A zero vector has no
direction: a zero row (e.g. a user without a profile) is never returned as a neighbour, and a zero
query gets only padding.

Saved indexes are verified, not trusted: ``save`` records the file's blake2b checksum, size,
parameters and library versions in a ``.meta.json`` sidecar; ``load`` checks them before hnswlib (or
numpy) reads a byte, because hnswlib's loader trusts its input and a graph with damaged bytes of the
right size segfaults on the first query. :func:`build_item_index` deletes a file that fails, rebuilds it
and reports a :class:`~core.common.integrity.CacheNotice`.

HNSW parameters (``core.common.config.IndexParams``; the reasoning follows hnswlib's ALGO_PARAMS.md, the
measured figures come from ``python -m bench.bench_ann``, see ``bench/results/bench_ann.md``):

- ``M`` (links per node, 2*M on layer 0): memory is about ``M * 2 * 4`` bytes per element of links on
  top of ``4 * dim`` bytes of vector. Text embeddings have a high intrinsic dimension, for which
  ALGO_PARAMS.md suggests M of 12-48; M=16 already gives recall@10 >= 0.99 on MovieLens-scale USE
  vectors and >= 0.98 on 100k clustered 512-d vectors, so larger M only costs memory and build time.
- ``ef_construction`` (build beam width): quality of the graph; raising it past the point where
  recall at a fixed ``ef`` stops improving only slows the build. 200 is at that plateau here.
- ``ef`` (query beam width, always >= k): the recall/latency dial, settable at any time without a
  rebuild (:meth:`HnswIndex.set_ef`). The default 128 keeps recall@10 >= 0.98 up to 100k vectors
  (64 drops to 0.976 there; see ``IndexParams``).
- ``seed`` feeds hnswlib's ``random_seed`` (level assignment). Builds use one thread by default so
  the same vectors and seed always give the same graph and the same answers; ``threads > 1`` builds
  faster but the graph then depends on thread scheduling.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, Literal, Protocol, Self, runtime_checkable

import numpy as np

from core.common.artefacts import atomic_write_json, atomic_write_recorded, fingerprint, tidy_folder
from core.common.config import IndexParams
from core.common.integrity import CacheCheckFailed, CacheNotice, discard, unchanged, verify_file
from core.common.locks import exclusive, lock_path

IndexKind = Literal["hnsw", "exact"]
_FORMAT_VERSION = 1
HNSW_CHECKED_LIBRARIES = ("hnswlib",)
"""A saved graph is only loaded by the hnswlib version that wrote it (its loader trusts the bytes)."""


@runtime_checkable
class NeighbourIndex(Protocol):
    """A k-nearest-neighbour index over cosine similarity."""

    dim: int

    def build(self, vectors: np.ndarray) -> Self:
        """Replace the contents with ``vectors`` (ids 0..n-1); returns self."""
        ...

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors; their ids continue the numbering."""
        ...

    def query(
        self, vectors: np.ndarray, k: int, exclude: Collection[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """k nearest ids (int64, -1 padded) and cosine similarities (float32, -inf padded) per row."""
        ...

    def save(self, path: Path) -> None:
        """Persist to ``path`` atomically."""
        ...

    @classmethod
    def load(cls, path: Path) -> Self:
        """Load an index written by :meth:`save`."""
        ...

    def __len__(self) -> int:
        """Number of indexed vectors."""
        ...


# --- helpers -------------------------------------------------------------------------------------


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Float32 C-contiguous copy with each row scaled to unit L2 norm (zero rows stay zero)."""
    arr = np.array(vectors, dtype=np.float32, copy=True, order="C", ndmin=2)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    np.divide(arr, norms, out=arr, where=norms > 0)
    return arr


def rows_to_add(vectors: np.ndarray, dim: int) -> np.ndarray:
    """``vectors`` normalised for an index of dimension ``dim`` (possibly empty); ValueError on another dimension."""
    arr = normalise_rows(vectors)
    if arr.shape[0] and arr.shape[1] != dim:
        raise ValueError(f"expected {dim}-d vectors, got {arr.shape[1]}-d")
    return arr


def _as_queries(vectors: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(normalised float32 (q, dim) queries, mask of zero queries); a 1-D vector is one query."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise ValueError(f"query vectors must have {dim} columns, got shape {np.shape(vectors)}")
    norms = np.sqrt(np.einsum("ij,ij->i", arr, arr))
    zero = norms == 0
    out = np.ascontiguousarray(arr / np.where(zero, 1.0, norms)[:, None], dtype=np.float32)
    return out, zero


def _empty_result(q: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((q, k), -1, dtype=np.int64), np.full((q, k), -np.inf, dtype=np.float32)


def _zero_rows(arr: np.ndarray) -> np.ndarray:
    """Positions of all-zero rows."""
    return np.flatnonzero(~np.any(arr != 0, axis=1)) if arr.size else np.zeros(0, dtype=np.int64)


def _blank_zero_queries(zero: np.ndarray, ids: np.ndarray, sims: np.ndarray) -> None:
    if zero.any():
        ids[zero] = -1
        sims[zero] = -np.inf


def meta_path(path: Path) -> Path:
    """The JSON sidecar holding an index file's metadata."""
    return path.with_name(path.name + ".meta.json")


def read_meta(path: Path) -> dict[str, Any] | None:
    """The metadata written next to an index file, or None when absent or unreadable."""
    try:
        data = json.loads(meta_path(Path(path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def recall_at_k(approx_ids: np.ndarray, exact_ids: np.ndarray) -> float:
    """Mean fraction of each row's true neighbours (``exact_ids``, -1 ignored) found in ``approx_ids``."""
    approx = np.asarray(approx_ids)
    exact = np.asarray(exact_ids)
    hits = 0
    total = 0
    for a_row, e_row in zip(approx, exact, strict=True):
        truth = set(int(i) for i in e_row if i >= 0)
        total += len(truth)
        hits += len(truth.intersection(int(i) for i in a_row if i >= 0))
    return hits / total if total else 1.0


# --- exact ---------------------------------------------------------------------------------------


class ExactIndex:
    """Brute-force cosine search with numpy: the ground truth and the small-data fallback."""

    def __init__(self, dim: int, block_size: int = 1024) -> None:
        self.dim = int(dim)
        self.block_size = int(block_size)
        self._vectors = np.zeros((0, self.dim), dtype=np.float32)
        self._zero = np.zeros(0, dtype=np.int64)
        self.fingerprint = ""

    def __len__(self) -> int:
        return int(self._vectors.shape[0])

    @property
    def vectors(self) -> np.ndarray:
        """The stored (normalised) vectors, read-only view."""
        view = self._vectors.view()
        view.flags.writeable = False
        return view

    def build(self, vectors: np.ndarray) -> Self:
        """Replace the contents with ``vectors``."""
        self._vectors = np.zeros((0, self.dim), dtype=np.float32)
        self._zero = np.zeros(0, dtype=np.int64)
        self.add(vectors)
        return self

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors (ids continue the numbering)."""
        arr = rows_to_add(vectors, self.dim)
        if arr.shape[0] == 0:
            return
        self._zero = np.concatenate([self._zero, _zero_rows(arr) + len(self)])
        self._vectors = np.concatenate([self._vectors, arr]) if len(self) else arr

    def query(
        self, vectors: np.ndarray, k: int, exclude: Collection[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k by inner product on normalised vectors."""
        queries, zero = _as_queries(vectors, self.dim)
        ids, sims = _empty_result(len(queries), k)
        n = len(self)
        if n == 0 or k <= 0:
            return ids, sims
        asked = np.array(sorted(i for i in (exclude or ()) if 0 <= int(i) < n), dtype=np.int64)
        excl = np.union1d(asked, self._zero)
        kk = min(k, n)
        for start in range(0, len(queries), self.block_size):
            block = queries[start : start + self.block_size] @ self._vectors.T
            if len(excl):
                block[:, excl] = -np.inf
            top = np.argpartition(-block, kk - 1, axis=1)[:, :kk] if kk < n else np.tile(np.arange(n), (len(block), 1))
            top_sims = np.take_along_axis(block, top, axis=1)
            order = np.lexsort((top, -top_sims), axis=1)  # best first, ties by id
            top = np.take_along_axis(top, order, axis=1)
            top_sims = np.take_along_axis(top_sims, order, axis=1)
            valid = np.isfinite(top_sims)
            ids[start : start + len(block), :kk] = np.where(valid, top, -1)
            sims[start : start + len(block), :kk] = np.where(valid, top_sims, -np.inf)
        _blank_zero_queries(zero, ids, sims)
        return ids, sims

    def save(self, path: Path) -> None:
        """Write the vectors as ``.npy`` plus a metadata sidecar (with the file's checksum), atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            meta_path(path).unlink()  # a reader never pairs new data with old metadata
        vectors = self._vectors

        def _write(tmp: Path) -> None:
            with open(tmp, "wb") as handle:
                np.save(handle, vectors, allow_pickle=False)

        record = atomic_write_recorded(path, _write)
        atomic_write_json(meta_path(path), {"kind": "exact", "dim": self.dim, "count": len(self),
                                            "version": _FORMAT_VERSION, "fingerprint": self.fingerprint,
                                            **record})

    @classmethod
    def load(cls, path: Path) -> Self:
        """Load an index written by :meth:`save`; its bytes are checked against the recorded checksum
        first (:class:`~core.common.integrity.CacheCheckFailed`, a ``ValueError``, when they differ)."""
        path = Path(path)
        meta = read_meta(path)
        if meta is None or meta.get("kind") != "exact":
            raise FileNotFoundError(f"no exact-index metadata next to {path}")
        before = verify_file(path, meta)
        arr = np.load(path, allow_pickle=False)
        if not unchanged(before, path):
            raise CacheCheckFailed(path, "corrupt", "the file changed while it was being read")
        if arr.ndim != 2 or int(meta.get("count", len(arr))) != len(arr):
            raise CacheCheckFailed(path, "corrupt", "the array does not match its metadata")
        index = cls(int(arr.shape[1]))
        index._vectors = np.ascontiguousarray(arr, dtype=np.float32)
        index._zero = _zero_rows(index._vectors)
        index.fingerprint = str(meta.get("fingerprint", ""))
        return index


# --- HNSW ----------------------------------------------------------------------------------------


class HnswIndex:
    """Approximate search with hnswlib (see the module docstring for the parameters)."""

    def __init__(
        self,
        dim: int,
        params: IndexParams | None = None,
        space: Literal["cosine", "ip"] = "cosine",
        threads: int = 1,
        max_exclude_overfetch: int = 512,
    ) -> None:
        if space not in ("cosine", "ip"):
            raise ValueError("space must be 'cosine' or 'ip'")
        self.dim = int(dim)
        self.params = params or IndexParams()
        self.space = space
        self.threads = max(1, int(threads))
        self.max_exclude_overfetch = int(max_exclude_overfetch)
        self._index: Any = None
        self._count = 0
        self._zero: set[int] = set()
        self.fingerprint = ""

    def __len__(self) -> int:
        return self._count

    def _new_index(self, capacity: int) -> Any:
        import hnswlib

        index = hnswlib.Index(space=self.space, dim=self.dim)
        index.init_index(max_elements=max(1, capacity), M=self.params.M,
                         ef_construction=self.params.ef_construction, random_seed=self.params.seed)
        index.set_ef(self.params.ef)
        return index

    def set_ef(self, ef: int) -> None:
        """Change the query beam width without rebuilding (recall/latency trade-off)."""
        self.params = IndexParams(M=self.params.M, ef_construction=self.params.ef_construction,
                                  ef=int(ef), seed=self.params.seed)
        if self._index is not None:
            self._index.set_ef(int(ef))

    def build(self, vectors: np.ndarray) -> Self:
        """Build a fresh graph over ``vectors`` (ids 0..n-1)."""
        arr = normalise_rows(vectors)
        self._index = self._new_index(arr.shape[0])
        self._count = 0
        self._zero = set()
        self._add_normalised(arr)
        return self

    def add(self, vectors: np.ndarray) -> None:
        """Insert vectors, growing the graph as needed (ids continue the numbering)."""
        self._add_normalised(normalise_rows(vectors))

    def _add_normalised(self, arr: np.ndarray) -> None:
        if arr.shape[0] == 0:
            return
        if arr.shape[1] != self.dim:
            raise ValueError(f"expected {self.dim}-d vectors, got {arr.shape[1]}-d")
        if self._index is None:
            self._index = self._new_index(arr.shape[0])
        needed = self._count + arr.shape[0]
        if needed > self._index.get_max_elements():
            self._index.resize_index(max(needed, int(self._index.get_max_elements() * 1.5)))
        ids = np.arange(self._count, needed, dtype=np.int64)
        self._index.add_items(arr, ids, num_threads=self.threads)
        self._zero.update(int(i) + self._count for i in _zero_rows(arr))
        self._count = needed

    def query(
        self, vectors: np.ndarray, k: int, exclude: Collection[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Approximate top-k; ``exclude`` is handled by over-fetching, or hnswlib's filter when large."""
        queries, zero = _as_queries(vectors, self.dim)
        ids, sims = _empty_result(len(queries), k)
        n = self._count
        if n == 0 or k <= 0 or len(queries) == 0:
            return ids, sims
        excl = {int(i) for i in (exclude or ()) if 0 <= int(i) < n} | self._zero
        available = n - len(excl)
        kk = min(k, available)
        if kk <= 0:
            return ids, sims
        if not excl:
            got_ids, got_sims = self._knn(queries, kk, None)
            ids[:, :kk] = got_ids
            sims[:, :kk] = got_sims
        elif len(excl) <= self.max_exclude_overfetch:
            fetch = min(n, kk + len(excl))
            got_ids, got_sims = self._knn(queries, fetch, None)
            for row in range(len(queries)):
                keep = [j for j, i in enumerate(got_ids[row]) if i >= 0 and int(i) not in excl][:kk]
                ids[row, : len(keep)] = got_ids[row, keep]
                sims[row, : len(keep)] = got_sims[row, keep]
        else:
            allowed: Callable[[int], bool] = lambda label: label not in excl  # noqa: E731
            got_ids, got_sims = self._knn(queries, kk, allowed)
            ids[:, :kk] = got_ids
            sims[:, :kk] = got_sims
        _blank_zero_queries(zero, ids, sims)
        return ids, sims

    def _knn(
        self, queries: np.ndarray, k: int, allowed: Callable[[int], bool] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """hnswlib query with ef >= k; falls back to exact search over the stored vectors if the
        graph cannot return k results (tiny or heavily filtered indexes). Results come nearest first."""
        index = self._index
        widen = k > self.params.ef
        if widen:
            index.set_ef(k)
        try:
            if allowed is None:
                labels, dists = index.knn_query(queries, k=k, num_threads=self.threads)
            else:  # a Python filter holds the GIL: one thread
                labels, dists = index.knn_query(queries, k=k, num_threads=1, filter=allowed)
            got_ids = np.asarray(labels, dtype=np.int64)
            got_sims = (1.0 - np.asarray(dists, dtype=np.float32)).astype(np.float32)
        except RuntimeError:
            stored = np.asarray(index.get_items(np.arange(self._count), return_type="numpy"), np.float32)
            exact = ExactIndex(self.dim).build(stored)
            excluded = None if allowed is None else [i for i in range(self._count) if not allowed(i)]
            got_ids, got_sims = exact.query(queries, k, excluded)
        finally:
            if widen:
                index.set_ef(self.params.ef)
        return got_ids, got_sims

    def save(self, path: Path) -> None:
        """Write the hnswlib graph, then a metadata sidecar with the graph's checksum, parameters and
        library versions, each atomically (graph first)."""
        if self._index is None:
            self._index = self._new_index(1)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            meta_path(path).unlink()  # a reader never pairs a new graph with old metadata
        raw = self._index
        record = atomic_write_recorded(path, lambda tmp: raw.save_index(str(tmp)))
        meta = {"kind": "hnsw", "dim": self.dim, "count": self._count, "space": self.space,
                "M": self.params.M, "ef_construction": self.params.ef_construction, "ef": self.params.ef,
                "seed": self.params.seed, "version": _FORMAT_VERSION, "zero_ids": sorted(self._zero),
                "fingerprint": self.fingerprint, **record}
        atomic_write_json(meta_path(path), meta)

    @classmethod
    def load(cls, path: Path, threads: int = 1) -> Self:
        """Load an index written by :meth:`save` (parameters come from its metadata sidecar).

        The file's size, blake2b checksum and hnswlib version are checked against the metadata *before*
        hnswlib reads a byte (its loader trusts the file: a damaged graph segfaults on the first query);
        any mismatch raises :class:`~core.common.integrity.CacheCheckFailed` (a ``ValueError``).
        """
        import hnswlib

        path = Path(path)
        meta = read_meta(path)
        if meta is None or meta.get("kind") != "hnsw":
            raise FileNotFoundError(f"no HNSW metadata next to {path}")
        before = verify_file(path, meta, HNSW_CHECKED_LIBRARIES)
        params = IndexParams(M=int(meta["M"]), ef_construction=int(meta["ef_construction"]),
                             ef=int(meta["ef"]), seed=int(meta["seed"]))
        obj = cls(int(meta["dim"]), params, space=meta["space"], threads=threads)
        raw = hnswlib.Index(space=obj.space, dim=obj.dim)
        raw.load_index(str(path), max_elements=max(1, int(meta["count"])))
        if not unchanged(before, path):
            raise CacheCheckFailed(path, "corrupt", "the file changed while it was being read")
        if raw.get_current_count() != int(meta["count"]):
            raise CacheCheckFailed(path, "corrupt", "the graph does not match its metadata")
        raw.set_ef(params.ef)
        obj._index = raw
        obj._count = int(meta["count"])
        obj._zero = {int(i) for i in meta.get("zero_ids", [])}
        obj.fingerprint = str(meta.get("fingerprint", ""))
        return obj

    def index_file_size(self) -> int:
        """Bytes the graph takes when saved."""
        return int(self._index.index_file_size()) if self._index is not None else 0


# --- factory with an on-disk cache ---------------------------------------------------------------


def make_index(
    kind: IndexKind, dim: int, params: IndexParams | None = None, threads: int = 1
) -> NeighbourIndex:
    """An empty index of the given kind."""
    if kind == "hnsw":
        return HnswIndex(dim, params, threads=threads)
    if kind == "exact":
        return ExactIndex(dim)
    raise ValueError(f"unknown index kind {kind!r}; use 'hnsw' or 'exact'")


def build_item_index(
    vectors: np.ndarray,
    kind: IndexKind = "hnsw",
    params: IndexParams | None = None,
    cache_path: Path | None = None,
    threads: int = 1,
    notices: list[CacheNotice] | None = None,
) -> NeighbourIndex:
    """Build an index over ``vectors`` or load it from ``cache_path`` when its fingerprint matches.

    The fingerprint covers the vectors' bytes, the index kind and the HNSW parameters, so any change
    rebuilds. A cached file is verified before it is loaded (size, checksum, hnswlib version); a file
    that fails is deleted, rebuilt and rewritten atomically, and a
    :class:`~core.common.integrity.CacheNotice` saying so is appended to ``notices`` (and logged).
    Processes building the same file take turns (:func:`core.common.locks.exclusive`): the first builds,
    the others load its result.
    """
    params = params or IndexParams()
    arr = normalise_rows(vectors)
    if kind not in ("hnsw", "exact"):
        raise ValueError(f"unknown index kind {kind!r}; use 'hnsw' or 'exact'")
    key = fingerprint(arr, kind, params, _FORMAT_VERSION, length=40)
    if cache_path is None:
        return make_index(kind, arr.shape[1], params, threads).build(arr)
    cache_path = Path(cache_path)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    tidy_folder(cache_path.parent)
    with exclusive(lock_path(cache_path)):
        loaded = _load_cached(cache_path, kind, key, len(arr), threads, notices)
        if loaded is not None:
            return loaded
        index: ExactIndex | HnswIndex = (
            HnswIndex(arr.shape[1], params, threads=threads) if kind == "hnsw" else ExactIndex(arr.shape[1])
        )
        index.build(arr)
        index.fingerprint = key
        index.save(cache_path)
        return index


def _load_cached(
    path: Path, kind: IndexKind, key: str, count: int, threads: int, notices: list[CacheNotice] | None
) -> NeighbourIndex | None:
    """The verified cached index at ``path`` when it holds exactly these vectors, else None (a damaged
    file is deleted first, with a notice)."""
    sidecar = meta_path(path)
    meta = read_meta(path)
    if meta is None:
        if sidecar.exists():  # metadata that cannot be parsed: the entry cannot be verified
            failure = CacheCheckFailed(sidecar, "corrupt", "its metadata cannot be read")
            _note(discard("index", failure, path), notices)
        return None  # absent, or a graph whose save was interrupted: rebuilt and overwritten
    if meta.get("fingerprint") != key or meta.get("kind") != kind or not path.exists():
        return None  # built from other vectors or parameters: an ordinary stale entry
    try:
        loaded: NeighbourIndex = HnswIndex.load(path, threads=threads) if kind == "hnsw" else ExactIndex.load(path)
    except CacheCheckFailed as failed:
        _note(discard("index", failed, sidecar), notices)
        return None
    except (OSError, ValueError, RuntimeError, KeyError, TypeError) as exc:
        _note(discard("index", CacheCheckFailed(path, "corrupt", f"unreadable: {exc}"), sidecar), notices)
        return None
    if len(loaded) != count:
        _note(discard("index", CacheCheckFailed(path, "corrupt", "wrong number of vectors"), sidecar), notices)
        return None
    return loaded


def _note(notice: CacheNotice, notices: list[CacheNotice] | None) -> None:
    if notices is not None:
        notices.append(notice)
