"""Joint 2-D maps of a dataset's items and users, cached in the artefact store.

Items and users are fitted jointly (one space: a user vector is a mean of item vectors) by a
:class:`~core.vectors.projection.Projector`, the trustworthiness is measured on a sample, and the
coordinates are cached with :class:`~core.common.artefacts.ArtefactCache` (kind ``maps``) keyed by
dataset fingerprint, model id, parameters and a checksum of the vectors. The ``.json`` metadata beside
the ``.npy`` coordinates records the file's blake2b checksum, size and library versions; a cached map
is verified before it is read and one that fails (damaged bytes, no checksum, another umap-learn) is
deleted, refitted and reported in :attr:`ProjectionMap.notices`. Processes fitting the same map take
turns (:func:`core.common.locks.exclusive`): the second one loads the first one's result. With the engine's item and
user indexes at hand, the UMAP neighbour graph is merged from them (:func:`joint_knn_graph`) instead
of building a new hnswlib index.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from core.common.artefacts import ArtefactCache, atomic_write_json, atomic_write_recorded, tidy_folder
from core.common.artefacts import fingerprint as artefact_fingerprint
from core.common.config import IndexParams
from core.common.integrity import CacheCheckFailed, CacheNotice, discard, unchanged, verify_file
from core.common.locks import exclusive, lock_path
from core.common.progress import ProgressFn, report, scaled
from core.vectors.projection import (
    TRUST_NEIGHBOURS,
    TRUST_SAMPLE,
    ProjectionParams,
    Projector,
    QueryIndex,
    as_matrix,
    exact_neighbours,
    index_neighbours,
    self_first,
    trustworthiness,
)

CACHE_VERSION = 2
"""Version of the cached map format (part of the cache key)."""
MAP_CHECKED_LIBRARIES = ("umap-learn",)
"""A cached map is refitted when another umap-learn version is installed (it would lay points out differently)."""


@dataclass
class ProjectionMap:
    """A fitted joint map: rows ``0..n_items-1`` are items, then the users listed in ``user_idx``."""

    coords: np.ndarray
    n_items: int
    user_idx: np.ndarray
    trustworthiness: float
    params: ProjectionParams
    key: str
    from_cache: bool
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    projector: Projector | None = None
    notices: list[CacheNotice] = field(default_factory=list)
    """Cached files that failed verification and were replaced while building this map."""

    @property
    def item_coords(self) -> np.ndarray:
        """(n_items, 2) item coordinates (row i = item index i)."""
        return self.coords[: self.n_items]

    @property
    def user_coords(self) -> np.ndarray:
        """(len(user_idx), 2) coordinates of the mapped users."""
        return self.coords[self.n_items :]

    def user_row(self) -> dict[int, int]:
        """Dataset user index -> row in :attr:`user_coords`."""
        return {int(u): r for r, u in enumerate(self.user_idx)}

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        """Place new vectors (typed interests, a new user) on this map."""
        if self.projector is None:
            raise RuntimeError("this map has no projector attached")
        return self.projector.transform(vectors)


def map_path(
    cache: ArtefactCache, fingerprint: str, model_id: str, params: ProjectionParams, checksum: str
) -> Path:
    """Where a map's coordinates live: dataset fingerprint + model id + parameters + vector checksum.

    The checksum of the vectors is part of the key because a changed item-document template changes
    the vectors but not the dataset fingerprint. The JSON metadata sits next to it (``.json``).
    """
    key = {"params": params.as_dict(), "vectors": checksum, "version": CACHE_VERSION}
    return cache.path("maps", fingerprint, model_id, key, ".npy")


def save_cached(path: Path, coords: np.ndarray, meta: dict[str, Any]) -> None:
    """Write the coordinates, then the ``.json`` metadata with their checksum, size and library versions,
    each atomically (the JSON marks a complete entry)."""
    js = path.with_suffix(".json")
    js.unlink(missing_ok=True)  # a reader never pairs new coordinates with old metadata
    array = np.asarray(coords, np.float32)

    def _write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.save(handle, array, allow_pickle=False)

    record = atomic_write_recorded(path, _write)
    atomic_write_json(js, {**meta, **record})


def load_cached(path: Path, notices: list[CacheNotice] | None = None) -> tuple[np.ndarray, dict[str, Any]] | None:
    """The verified coordinates and metadata stored at ``path``, or None when absent or incomplete.

    An entry that fails verification (unreadable metadata, checksum or size mismatch, no checksum,
    another umap-learn version, wrong shape) is deleted and a notice appended to ``notices``.
    """
    js = path.with_suffix(".json")
    if not js.exists():
        return None  # absent, or coordinates whose save was interrupted: refitted and overwritten
    try:
        meta = json.loads(js.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        _note(discard("map", CacheCheckFailed(js, "corrupt", f"its metadata cannot be read ({exc})"), path), notices)
        return None
    if not path.exists():
        return None
    try:
        before = verify_file(path, meta, MAP_CHECKED_LIBRARIES)
        coords = np.load(path, allow_pickle=False)
        if not unchanged(before, path):
            raise CacheCheckFailed(path, "corrupt", "the file changed while it was being read")
        if coords.ndim != 2 or coords.shape != (int(meta.get("n_rows", -1)), 2):
            raise CacheCheckFailed(path, "corrupt", "the coordinates do not match their metadata")
    except CacheCheckFailed as failure:
        _note(discard("map", failure, js), notices)
        return None
    except (OSError, ValueError, TypeError) as exc:
        _note(discard("map", CacheCheckFailed(path, "corrupt", f"unreadable: {exc}"), js), notices)
        return None
    return coords.astype(np.float32, copy=False), meta


def _note(notice: CacheNotice, notices: list[CacheNotice] | None) -> None:
    if notices is not None:
        notices.append(notice)


def joint_knn_graph(
    stacked: np.ndarray,
    n_items: int,
    user_idx: np.ndarray,
    item_index: QueryIndex,
    user_index: QueryIndex | None,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """k-NN graph of the stacked item + user vectors from two existing cosine indexes (no new build).

    ``item_index`` holds the item vectors (ids = item rows 0..n_items-1); ``user_index`` all users
    (ids = user indices, as the engine's); ``user_idx`` lists the users that are rows
    ``n_items, n_items+1, ...`` of ``stacked``. Each point's candidates from both indexes are merged
    by distance; users not in ``user_idx`` (no profile) are skipped. Self comes first.
    """
    x = as_matrix(stacked, "cosine")
    if len(item_index) != n_items:
        raise ValueError(f"item index holds {len(item_index)} vectors, expected {n_items}")
    ids, dists = index_neighbours(item_index, x, k)
    if len(user_idx):
        if user_index is None:
            raise ValueError("users are mapped but no user index was given")
        row_of = np.full(max(len(user_index), int(user_idx.max()) + 1), -1, dtype=np.int64)
        row_of[user_idx] = n_items + np.arange(len(user_idx))
        u_ids, u_d = index_neighbours(user_index, x, k + 5)
        known = (u_ids >= 0) & (u_ids < len(row_of))
        u_rows = np.where(known, row_of[np.clip(u_ids, 0, len(row_of) - 1)], -1)
        u_d = np.where(u_rows >= 0, u_d, np.inf)
        ids = np.concatenate([ids, u_rows], axis=1)
        dists = np.concatenate([dists, u_d], axis=1)
        order = np.argsort(dists, axis=1, kind="stable")[:, :k]
        ids = np.take_along_axis(ids, order, axis=1)
        dists = np.take_along_axis(dists, order, axis=1)
    missing = (ids < 0) | ~np.isfinite(dists)
    if missing.any():  # fewer than k candidates: fill those rows exactly
        rows = np.flatnonzero(missing.any(1))
        ids[rows], dists[rows] = exact_neighbours(x[rows], x, k, "cosine")
    return self_first(ids, dists.astype(np.float32))


FRESH_GRAPH_LIMIT = 20_000
"""Above this many points, without the engine's indexes to reuse, :func:`build_map` lets UMAP find the
neighbours (NN-descent): building a new hnswlib graph just for the map measured 10x slower and 0.04 less
trustworthy at 50k points (bench/results/bench_projection.md), while at MovieLens size it is on par."""


def build_map(
    item_vectors: np.ndarray,
    user_vectors: np.ndarray | None = None,
    user_mask: np.ndarray | None = None,
    *,
    fingerprint: str,
    model_id: str,
    params: ProjectionParams | None = None,
    progress: ProgressFn | None = None,
    use_cache: bool = True,
    cache_root: Path | None = None,
    index_params: IndexParams | None = None,
    item_index: QueryIndex | None = None,
    user_index: QueryIndex | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> ProjectionMap:
    """Joint UMAP map of items and (optionally) users, from the disk cache when possible.

    ``user_mask`` selects the users to map (e.g. ``has_vector`` from :func:`core.vectors.users.user_vectors`).
    With ``params.knn == "hnsw"``: when ``item_index`` (and ``user_index`` if users are mapped) are
    given — the engine's hnswlib indexes, ids = item / user indices — the graph is merged from them
    (:func:`joint_knn_graph`, no new build); otherwise one hnswlib index over all points is built with
    ``index_params`` (default :data:`core.vectors.projection.GRAPH_INDEX_PARAMS`). The returned map carries a
    :class:`Projector` (rebuilt from the coordinates on a cache hit) so new points can be placed with
    :meth:`ProjectionMap.transform`.
    """
    started = clock()
    params = params or ProjectionParams()
    items = np.asarray(item_vectors, dtype=np.float32)
    if user_vectors is not None:
        users_all = np.asarray(user_vectors, dtype=np.float32)
        mask = np.ones(len(users_all), bool) if user_mask is None else np.asarray(user_mask, bool)
        if mask.shape != (len(users_all),):
            raise ValueError("user_mask must have one entry per user vector")
        user_idx = np.flatnonzero(mask).astype(np.int64)
        stacked = np.concatenate([items, users_all[user_idx]]) if len(user_idx) else items
    else:
        user_idx = np.zeros(0, dtype=np.int64)
        stacked = items
    checksum = artefact_fingerprint(np.ascontiguousarray(stacked, dtype=np.float32))
    path = map_path(ArtefactCache(cache_root), fingerprint, model_id, params, checksum)
    key = path.stem
    n_items = len(items)
    notices: list[CacheNotice] = []

    def _finish(coords: np.ndarray, trust: float, from_cache: bool, timings: dict[str, float],
                projector: Projector) -> ProjectionMap:
        return ProjectionMap(coords=coords, n_items=n_items, user_idx=user_idx, trustworthiness=trust,
                             params=params, key=key, from_cache=from_cache, seconds=clock() - started,
                             timings=timings, projector=projector, notices=notices)

    def _fit() -> ProjectionMap:
        projector, trust, timings = _fit_map(stacked, n_items, user_idx, params, progress, index_params,
                                             item_index, user_index, clock)
        if use_cache:
            meta = {"key": key, "fingerprint": fingerprint, "model_id": model_id, "params": params.as_dict(),
                    "checksum": checksum, "n_rows": len(stacked), "n_items": n_items, "n_users": len(user_idx),
                    "trustworthiness": trust, "trust_neighbours": TRUST_NEIGHBOURS,
                    "trust_sample": min(TRUST_SAMPLE, len(stacked)), "timings": timings,
                    "version": CACHE_VERSION}
            save_cached(path, projector.embedding_, meta)
        report(progress, 1.0, "map ready")
        return _finish(projector.embedding_, trust, False, timings, projector)

    if not use_cache:
        return _fit()
    tidy_folder(path.parent)
    with exclusive(lock_path(path)):  # one process fits a map; the others wait and load it
        report(progress, 0.0, "looking for a cached map")
        hit = load_cached(path, notices)
        if hit is not None:
            coords, meta = hit
            report(progress, 1.0, "map loaded from cache")
            return _finish(coords, float(meta["trustworthiness"]), True,
                           {k: float(v) for k, v in meta.get("timings", {}).items()},
                           Projector.from_embedding(stacked, coords, params))
        return _fit()


def _fit_map(
    stacked: np.ndarray,
    n_items: int,
    user_idx: np.ndarray,
    params: ProjectionParams,
    progress: ProgressFn | None,
    index_params: IndexParams | None,
    item_index: QueryIndex | None,
    user_index: QueryIndex | None,
    clock: Callable[[], float],
) -> tuple[Projector, float, dict[str, float]]:
    """Fit the projector on the stacked vectors and measure trustworthiness: (projector, trust, timings)."""
    reuse = params.knn == "hnsw" and item_index is not None and (user_index is not None or not len(user_idx))
    fit_params = params
    if params.knn == "hnsw" and not reuse and len(stacked) > FRESH_GRAPH_LIMIT:
        fit_params = replace(params, knn="umap")  # a fresh hnswlib build only pays off on small maps
    projector = Projector.from_params(fit_params, index_params)
    graph: tuple[np.ndarray, np.ndarray] | None = None
    graph_seconds = 0.0
    if reuse and item_index is not None:
        report(progress, 0.0, "neighbour graph (reusing the hnswlib indexes)")
        t_graph = clock()
        k = min(int(params.n_neighbors), len(stacked) - 1)
        graph = joint_knn_graph(stacked, n_items, user_idx, item_index, user_index, k)
        graph_seconds = clock() - t_graph
    projector.fit(stacked, scaled(progress, 0.0, 0.9), knn_graph=graph)
    if graph is not None:
        projector.timings_["knn"] = graph_seconds
        projector.timings_["total"] += graph_seconds
    report(progress, 0.9, "measuring trustworthiness")
    t0 = clock()
    trust = trustworthiness(projector.vectors_, projector.embedding_, metric=params.metric) \
        if len(stacked) > 2 * TRUST_NEIGHBOURS + 1 else float("nan")
    timings = dict(projector.timings_)
    timings["trustworthiness"] = clock() - t0
    return projector, trust, timings
