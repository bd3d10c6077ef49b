"""The neighbour index in a Qdrant collection: local in-process mode (a folder or memory) or a server by URL.

:class:`QdrantIndex` implements :class:`core.vectors.index.NeighbourIndex` on ``qdrant-client``:

- **ids**: point id = row position ``0..n-1`` (the item or user index), so answers need no mapping. All-zero
  rows (users without a profile) get no point: they are counted (ids keep their numbering) but never found.
- **vectors**: normalised on the way in, stored with ``Distance.COSINE``; scores are cosine similarities.
- **exclude**: up to ``max_exclude_overfetch`` ids are dropped from an over-fetched answer (``k + len``);
  more become a ``must_not`` ``HasIdCondition`` filter. Over-fetching is also faster in local mode, which
  checks a filter point by point in Python.
- **batches**: :meth:`query` sends its rows as ``query_batch_points`` requests, :data:`QUERY_BATCH` at a time.
- **what the collection records** (its ``metadata``): that InterestLens built it, the model and dimension,
  the number of ids, the vectors' fingerprint and whether the build finished. A collection that another
  model, another dimension or another program wrote is refused with :class:`IndexBackendError`, never
  overwritten; one with other vectors of the same model is rebuilt (:meth:`QdrantIndex.build_or_reuse`).
- **persistence**: the collection is the index. :meth:`save` writes a small reference file (where the
  collection lives, its name, model, dimension, count) and :meth:`load` reopens the collection it names.

Local mode (``QdrantClient(path=...)``/``":memory:"``) is exact brute force: every query scores all points
with numpy and sorts them (``qdrant_client/local/local_collection.py``, ``search``); it has no HNSW graph,
persists each point as its own SQLite row, and lets one process open a folder at a time. A server
(``qdrant:http://HOST:6333``) builds an HNSW graph per collection (``m`` and ``ef_construct`` from
:class:`~core.common.config.IndexParams`, ``hnsw_ef`` per query). Figures: ``bench/results/bench_vectordb.md``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, Self

import numpy as np

from core.common.artefacts import atomic_write_json, atomic_write_recorded, fingerprint
from core.common.config import IndexParams
from core.common.errors import InterestLensError
from core.common.integrity import CacheCheckFailed, verify_file
from core.vectors.index import (
    _as_queries,
    _empty_result,
    _zero_rows,
    meta_path,
    normalise_rows,
    read_meta,
    rows_to_add,
)

APP = "interestlens"
FORMAT_VERSION = 1
MEMORY = ":memory:"
UPLOAD_BATCH = 1024
QUERY_BATCH = 256
CONNECT_TIMEOUT_S = 5
"""Seconds to wait for a Qdrant server before saying it cannot be reached."""


class IndexBackendError(InterestLensError):
    """The vector database cannot serve this index: unreachable, locked, or a collection of other vectors."""


# --- clients: one per location and process -----------------------------------------------------------


class _Client:
    """A QdrantClient with a lock (local mode is not safe for concurrent writers) and its location."""

    def __init__(self, raw: Any, location: str) -> None:
        self.raw = raw
        self.location = location
        self.lock = threading.RLock()


_CLIENTS: dict[str, _Client] = {}
_CLIENTS_LOCK = threading.Lock()


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def client_for(location: str, timeout: int = CONNECT_TIMEOUT_S) -> _Client:
    """The process's client for ``location`` (a folder, ``":memory:"`` or a server URL), opened on first use.

    A folder is shared by every index of this process (Qdrant's local mode locks it per process); a server is
    asked for its collections once, with a ``timeout``-second limit, so an unreachable one fails here.
    """
    with _CLIENTS_LOCK:
        known = _CLIENTS.get(location)
        if known is not None:
            return known
        client = _Client(_open(location, timeout), location)
        _CLIENTS[location] = client
        return client


def _open(location: str, timeout: int) -> Any:
    from qdrant_client import QdrantClient

    if location == MEMORY:
        return QdrantClient(location=MEMORY)
    if _is_url(location):
        raw = QdrantClient(url=location, timeout=timeout, api_key=os.environ.get("QDRANT_API_KEY") or None,
                           check_compatibility=False)
        try:
            raw.get_collections()
        except Exception as exc:  # httpx / qdrant transport errors of many kinds
            raw.close()
            raise IndexBackendError(
                f"cannot reach the Qdrant server at {location} within {timeout} s ({type(exc).__name__}: "
                f"{_first_line(exc)}); start it (docs/scaling.md) or use --index hnsw") from None
        return raw
    folder = Path(location)
    if folder.exists() and not folder.is_dir():
        raise IndexBackendError(f"{folder} is a file; Qdrant's local mode keeps its collections in a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # every call holds the client's lock (_talking), so SQLite may be used from the pages' threads
        return QdrantClient(path=str(folder), force_disable_check_same_thread=True)
    except RuntimeError as exc:
        if "already accessed" in str(exc):
            raise IndexBackendError(
                f"the Qdrant folder {folder} is open in another process (local mode allows one at a time); "
                "close it there, or run a Qdrant server and use qdrant:http://HOST:6333") from None
        raise IndexBackendError(f"cannot open the Qdrant folder {folder}: {_first_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise IndexBackendError(f"cannot open the Qdrant folder {folder}: {_first_line(exc)}") from None


def close_all() -> None:
    """Close every client of this process (registered with atexit: local folders are unlocked cleanly)."""
    for location in list(_CLIENTS):
        close_client(location)


atexit.register(close_all)


def close_client(location: str) -> None:
    """Close and forget the process's client for ``location`` (releases a local folder's lock)."""
    with _CLIENTS_LOCK:
        client = _CLIENTS.pop(location, None)
    if client is not None:
        with client.lock, contextlib.suppress(Exception):
            client.raw.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


@contextlib.contextmanager
def _talking(client: _Client, what: str) -> Iterator[Any]:
    """Hold the client's lock; turn transport and server errors into :class:`IndexBackendError`."""
    with client.lock:
        try:
            yield client.raw
        except (IndexBackendError, ValueError) as exc:
            if isinstance(exc, IndexBackendError) or not _is_url(client.location):
                raise
            raise IndexBackendError(f"Qdrant at {client.location} failed while {what}: {_first_line(exc)}") from None
        except Exception as exc:
            raise IndexBackendError(f"Qdrant at {client.location} failed while {what}: {_first_line(exc)}") from None


# --- the index ---------------------------------------------------------------------------------------


class QdrantIndex:
    """A :class:`~core.vectors.index.NeighbourIndex` stored in one Qdrant collection (module docstring)."""

    def __init__(
        self,
        dim: int,
        *,
        location: str = MEMORY,
        collection: str = "interestlens",
        model: str = "",
        params: IndexParams | None = None,
        max_exclude_overfetch: int = 512,
    ) -> None:
        self.dim = int(dim)
        self.location = str(location)
        self.collection = str(collection)
        self.model = str(model)
        self.params = params or IndexParams()
        self.max_exclude_overfetch = int(max_exclude_overfetch)
        self.fingerprint = ""
        self._count = 0
        self._client: _Client | None = None
        """A client to use instead of the process's shared one (tests)."""

    def __len__(self) -> int:
        return self._count

    @property
    def client(self) -> _Client:
        """The process's client of this index's location (opened, and checked, on first use; looked up on
        every call, so an index outlives :func:`close_client`)."""
        return self._client if self._client is not None else client_for(self.location)

    # --- collection metadata ---------------------------------------------------------------------

    def _meta(self, **changes: Any) -> dict[str, Any]:
        meta = {"app": APP, "format": FORMAT_VERSION, "model": self.model, "dim": self.dim,
                "count": self._count, "fingerprint": self.fingerprint, "complete": True}
        meta.update(changes)
        return meta

    def existing_meta(self) -> dict[str, Any] | None:
        """The collection's recorded metadata, or None when it does not exist; refuses (IndexBackendError)
        a collection this index must not use: written by another program, model or dimension."""
        with _talking(self.client, f"reading collection {self.collection}") as raw:
            if not raw.collection_exists(self.collection):
                return None
            info = raw.get_collection(self.collection)
        meta = dict(info.config.metadata or {})
        size = _vector_size(info)
        where = f"Qdrant collection {self.collection!r} at {self.location}"
        if meta.get("app") != APP:
            raise IndexBackendError(f"{where} was not created by InterestLens; it is left untouched (name "
                                    "another collection with #NAME at the end of the index URI)")
        stored_dim = int(meta.get("dim", size or 0))
        stored_model = str(meta.get("model", ""))
        if stored_dim != self.dim or (size is not None and size != self.dim) or (
                self.model and stored_model and stored_model != self.model):
            raise IndexBackendError(
                f"{where} holds {stored_dim}-d vectors of the model {stored_model!r}; this index needs "
                f"{self.dim}-d vectors of {self.model!r}: name another collection (#NAME) or delete that one")
        return meta

    def _create(self) -> None:
        """(Re)create the collection, empty, marked incomplete until a build finishes."""
        from qdrant_client import models

        self.existing_meta()  # refuses someone else's collection before deleting anything
        with _talking(self.client, f"creating collection {self.collection}") as raw:
            if raw.collection_exists(self.collection):
                raw.delete_collection(self.collection)
            raw.create_collection(
                self.collection,
                vectors_config=models.VectorParams(size=self.dim, distance=models.Distance.COSINE),
                hnsw_config=models.HnswConfigDiff(m=self.params.M, ef_construct=self.params.ef_construction),
                metadata=self._meta(complete=False),
            )

    def _write_meta(self, **changes: Any) -> None:
        with _talking(self.client, f"updating collection {self.collection}") as raw:
            raw.update_collection(self.collection, metadata=self._meta(**changes))

    # --- NeighbourIndex ----------------------------------------------------------------------------

    def build(self, vectors: np.ndarray) -> Self:
        """Replace the collection's contents with ``vectors`` (ids 0..n-1)."""
        return self._build(normalise_rows(vectors), "")

    def _build(self, arr: np.ndarray, key: str) -> Self:
        """Recreate the collection with the normalised ``arr``; ``key`` is their fingerprint (or "")."""
        if arr.shape[0] and arr.shape[1] != self.dim:
            raise ValueError(f"expected {self.dim}-d vectors, got {arr.shape[1]}-d")
        self._count = 0
        self.fingerprint = key
        self._create()
        self._upload(arr, 0)
        self._count = int(arr.shape[0])
        self._write_meta()  # complete only now: an interrupted build is rebuilt, never reused
        return self

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors; their ids continue the numbering."""
        arr = rows_to_add(vectors, self.dim)
        if arr.shape[0] == 0:
            return
        if self.existing_meta() is None:
            self._create()
        self._write_meta(complete=False)
        self._upload(arr, self._count)
        self._count += int(arr.shape[0])
        self.fingerprint = ""  # no longer the vectors of a build
        self._write_meta()

    def _upload(self, arr: np.ndarray, first_id: int) -> None:
        from qdrant_client import models

        zero = set(_zero_rows(arr).tolist())
        for start in range(0, arr.shape[0], UPLOAD_BATCH):
            rows = [r for r in range(start, min(start + UPLOAD_BATCH, arr.shape[0])) if r not in zero]
            if not rows:
                continue
            batch = models.Batch(ids=[first_id + r for r in rows], vectors=arr[rows].tolist())
            with _talking(self.client, f"writing to collection {self.collection}") as raw:
                raw.upsert(self.collection, points=batch, wait=True)

    def query(
        self, vectors: np.ndarray, k: int, exclude: Collection[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """k nearest ids and cosine similarities per row (``-1`` / ``-inf`` padded), best first."""
        queries, zero = _as_queries(vectors, self.dim)
        ids, sims = _empty_result(len(queries), k)
        n = self._count
        if n == 0 or k <= 0 or len(queries) == 0:
            return ids, sims
        excl = sorted({int(i) for i in (exclude or ()) if 0 <= int(i) < n})
        kk = min(k, n - len(excl))
        if kk <= 0:
            return ids, sims
        overfetch = len(excl) <= self.max_exclude_overfetch
        fetch = min(n, kk + len(excl)) if overfetch else kk
        banned = set(excl)
        live = np.flatnonzero(~zero)
        for start in range(0, len(live), QUERY_BATCH):
            rows = live[start : start + QUERY_BATCH]
            answers = self._search(queries[rows], fetch, None if overfetch else excl)
            for row, points in zip(rows, answers, strict=True):
                kept = [(int(p.id), float(p.score)) for p in points if int(p.id) not in banned][:kk]
                if kept:
                    ids[row, : len(kept)] = [i for i, _ in kept]
                    sims[row, : len(kept)] = [s for _, s in kept]
        return ids, sims

    def _search(self, queries: np.ndarray, limit: int, excluded: list[int] | None) -> list[list[Any]]:
        """One ``query_batch_points`` call: the points of each query, nearest first."""
        from qdrant_client import models

        ids: list[models.ExtendedPointId] = list(excluded or ())
        flt = models.Filter(must_not=[models.HasIdCondition(has_id=ids)]) if ids else None
        # local mode is exact and warns about search parameters; a server's HNSW gets ef >= limit
        search = models.SearchParams(hnsw_ef=max(self.params.ef, limit)) if _is_url(self.location) else None
        requests = [models.QueryRequest(query=q.tolist(), limit=limit, filter=flt, params=search,
                                        with_payload=False, with_vector=False) for q in queries]
        with _talking(self.client, f"searching collection {self.collection}") as raw:
            responses = raw.query_batch_points(self.collection, requests=requests)
        return [list(r.points) for r in responses]

    # --- persistence --------------------------------------------------------------------------------

    def reference(self) -> dict[str, Any]:
        """What :meth:`save` records: where the collection lives and what it holds."""
        return {"kind": "qdrant", "location": self.location, "collection": self.collection, "model": self.model,
                "dim": self.dim, "count": self._count, "fingerprint": self.fingerprint,
                "M": self.params.M, "ef_construction": self.params.ef_construction, "ef": self.params.ef,
                "seed": self.params.seed, "version": FORMAT_VERSION}

    def save(self, path: Path) -> None:
        """Write a reference to the collection at ``path`` (plus the checksummed ``.meta.json`` sidecar);
        the vectors themselves live in the collection, which Qdrant persists on every write."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            meta_path(path).unlink()
        body = json.dumps(self.reference(), sort_keys=True).encode("utf-8")

        def _write(tmp: Path) -> None:
            tmp.write_bytes(body)

        record = atomic_write_recorded(path, _write)
        atomic_write_json(meta_path(path), {**self.reference(), **record})

    @classmethod
    def load(cls, path: Path) -> Self:
        """Reopen the collection a :meth:`save` reference names; a damaged reference raises
        :class:`~core.common.integrity.CacheCheckFailed`, a missing or changed collection
        :class:`IndexBackendError`."""
        path = Path(path)
        meta = read_meta(path)
        if meta is None or meta.get("kind") != "qdrant":
            raise FileNotFoundError(f"no Qdrant index reference next to {path}")
        verify_file(path, meta, ())
        try:
            ref = json.loads(path.read_text(encoding="utf-8"))
            params = IndexParams(M=int(ref["M"]), ef_construction=int(ref["ef_construction"]), ef=int(ref["ef"]),
                                 seed=int(ref["seed"]))
            index = cls(int(ref["dim"]), location=str(ref["location"]), collection=str(ref["collection"]),
                        model=str(ref["model"]), params=params)
            count = int(ref["count"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CacheCheckFailed(path, "corrupt", f"unreadable reference: {exc}") from None
        stored = index.existing_meta()
        if stored is None:
            raise IndexBackendError(f"the Qdrant collection {index.collection!r} at {index.location} is gone")
        if not stored.get("complete") or int(stored.get("count", -1)) != count:
            raise IndexBackendError(f"the Qdrant collection {index.collection!r} at {index.location} changed "
                                    "since it was saved (or its build did not finish)")
        index._count = count
        index.fingerprint = str(stored.get("fingerprint", ""))
        return index

    @classmethod
    def build_or_reuse(
        cls, location: str, collection: str, vectors: np.ndarray, *, model: str, params: IndexParams | None = None
    ) -> QdrantIndex:
        """The collection as an index over ``vectors``: reused when it finished a build of exactly these
        vectors (fingerprint and count), else rebuilt; another model's or program's collection is refused."""
        params = params or IndexParams()
        arr = normalise_rows(vectors)
        key = fingerprint(arr, "qdrant", params, FORMAT_VERSION, length=40)
        index = cls(arr.shape[1], location=location, collection=collection, model=model, params=params)
        stored = index.existing_meta()
        if (stored is not None and stored.get("complete") and stored.get("fingerprint") == key
                and int(stored.get("count", -1)) == len(arr)):
            index._count = len(arr)
            index.fingerprint = key
            return index
        return index._build(arr, key)


def _vector_size(info: Any) -> int | None:
    """The dense vector size of a collection's unnamed vector, when it has one."""
    vectors = getattr(info.config.params, "vectors", None)
    size = getattr(vectors, "size", None)
    return int(size) if size is not None else None
