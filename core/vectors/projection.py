"""2-D maps of embedding vectors with UMAP, linked to hnswlib neighbours: the projector and its maths.

:class:`Projector` is a scikit-learn-style wrapper over ``umap-learn`` (constructor stores parameters,
``fit`` returns ``self``, learned attributes end in ``_``, randomness through ``random_state``).

Neighbour graph (``knn``)
    ``"hnsw"`` (default): the k-nearest-neighbour graph comes from hnswlib (:class:`core.vectors.index.HnswIndex`,
    or an index the caller already built over the same vectors) and is handed to UMAP as
    ``precomputed_knn=(knn_indices, knn_dists)`` with cosine distances ``1 - cos``. ``"umap"``: UMAP's own
    NN-descent search (slower; the baseline in ``bench/bench_projection.py``).

Placing new points (:meth:`Projector.transform`)
    umap-learn 0.5.12 cannot ``transform`` when fitted with a ``precomputed_knn`` that lacks an
    NN-descent index (its ``transform`` raises ``NotImplementedError``), and its own ``transform``
    compiles numba code on every process start. New points (typed interests, a composed interest
    vector, a new user) are therefore placed without refitting, in numpy:

    1. find the point's ``n_neighbors`` nearest fitted points (hnswlib when the map was fitted in this
       process, an index the caller passes, or exact search);
    2. weight them with UMAP's own transform membership strengths ``w_j = exp(-d_j / sigma)``, ``sigma``
       found by binary search so that ``sum_j w_j = log2(k)`` (``smooth_knn_dist`` with
       ``local_connectivity`` 0, as ``UMAP.transform`` uses); a point within ``1e-5`` of a fitted point
       (float32 rounding of hnswlib's ``1 - cos``) lands exactly on it (UMAP's ``init_graph_transform``);
    3. start at the weighted mean of the neighbours' map coordinates (UMAP's initial guess), then run
       ``refine_steps`` mean-shift steps: neighbour *j* gets weight ``w_j * exp(-(r_j / h)^2)`` with
       ``r_j`` its map distance to the current position and ``h = 0.5 * median(r)``. A plain mean lands
       between clusters when a point's neighbours are split across the map; the mean-shift moves it to
       the densest group of its neighbours instead.

    On MovieLens (9,000 fitted titles, 742 held out) the held-out points' 10 nearest *map* neighbours
    contain 21% of their 10 nearest *vector* neighbours with this placement, 6% with the plain weighted
    mean, 13% with ``UMAP.transform`` (which also took 46 s with compilation); fitted points score 18%
    on the same measure. See ``bench/bench_projection.py`` (``placement``).

Maps of a dataset's items and users (fitted jointly, cached on disk) are built by
:func:`core.vectors.maps.build_map` on top of this module.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, Self

import numpy as np

from core.common.config import IndexParams
from core.common.progress import ProgressFn, report

KnnMode = Literal["hnsw", "umap"]
Metric = Literal["cosine", "euclidean"]
TRUST_NEIGHBOURS = 10
TRUST_SAMPLE = 2000
GRAPH_INDEX_PARAMS = IndexParams(M=16, ef_construction=64, ef=64)
"""hnswlib settings for the projector's own graph: UMAP needs approximate neighbours only. On the
9,742 MovieLens vectors ``ef_construction`` 64 keeps recall@15 at 0.99 (0.997 at the engine's 200)
for a quarter of the build time (3.5 s vs 14.9 s single-threaded on a loaded 2-core machine)."""


class QueryIndex(Protocol):
    """The part of :class:`core.vectors.index.NeighbourIndex` the projector uses."""

    def query(self, vectors: np.ndarray, k: int, exclude: Any = ...) -> tuple[np.ndarray, np.ndarray]: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class ProjectionParams:
    """Everything that changes a map (part of its cache key).

    ``n_epochs`` 200 instead of umap-learn's 500 for fewer than 10,000 points: on MovieLens the
    trustworthiness is the same (0.900 vs 0.901) at a third of the time (see the benchmark).
    """

    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: str = "cosine"
    random_state: int | None = 42
    knn: str = "hnsw"
    n_epochs: int = 200
    refine_steps: int = 10

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON)."""
        return asdict(self)


# --- helpers -------------------------------------------------------------------------------------


def as_matrix(vectors: np.ndarray, metric: str) -> np.ndarray:
    """A float32 (n, d) copy of ``vectors``, finite, rows unit-length for ``cosine`` (zero rows refused)."""
    arr = np.array(vectors, dtype=np.float32, copy=True, order="C", ndmin=2)
    if arr.ndim != 2:
        raise ValueError(f"vectors must be a 2-d array, got shape {np.shape(vectors)}")
    if not np.isfinite(arr).all():
        raise ValueError("vectors contain NaN or infinite values")
    if metric == "cosine":
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        if (norms <= 1e-12).any():
            raise ValueError("cosine projection needs non-zero vectors (drop users without a profile)")
        arr /= norms
    return arr


def _distances(queries: np.ndarray, data: np.ndarray, metric: str) -> np.ndarray:
    if metric == "cosine":
        out: np.ndarray = np.clip(1.0 - queries @ data.T, 0.0, 2.0)
        return out
    sq = (queries**2).sum(1)[:, None] + (data**2).sum(1)[None, :] - 2.0 * queries @ data.T
    dist: np.ndarray = np.sqrt(np.clip(sq, 0.0, None))
    return dist


def exact_neighbours(
    queries: np.ndarray, data: np.ndarray, k: int, metric: str = "cosine", block: int = 1024
) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest rows of ``data`` for each query: ``(ids int64 (q, k), distances float32 (q, k))``."""
    k = min(int(k), len(data))
    ids = np.zeros((len(queries), k), dtype=np.int64)
    dists = np.zeros((len(queries), k), dtype=np.float32)
    for start in range(0, len(queries), block):
        d = _distances(queries[start : start + block], data, metric)
        top = np.argpartition(d, k - 1, axis=1)[:, :k] if k < len(data) else np.tile(np.arange(len(data)),
                                                                                      (len(d), 1))
        top_d = np.take_along_axis(d, top, axis=1)
        order = np.lexsort((top, top_d), axis=1)
        ids[start : start + len(d)] = np.take_along_axis(top, order, axis=1)
        dists[start : start + len(d)] = np.take_along_axis(top_d, order, axis=1)
    return ids, dists


def index_neighbours(index: QueryIndex, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Neighbours from a cosine :class:`NeighbourIndex` as (ids, cosine distances)."""
    ids, sims = index.query(queries, k)
    ids = np.asarray(ids, dtype=np.int64)
    sims = np.asarray(sims, dtype=np.float32)
    dists = np.where(ids >= 0, np.clip(1.0 - sims, 0.0, 2.0), np.inf).astype(np.float32)
    return ids, dists


def self_first(ids: np.ndarray, dists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make row *i* start with point *i* at distance 0 (UMAP expects each point as its own neighbour)."""
    ids = ids.copy()
    dists = dists.copy()
    first_ok = ids[:, 0] == np.arange(len(ids))
    dists[first_ok, 0] = 0.0
    for i in np.flatnonzero(~first_ok):
        row = ids[i]
        hit = np.flatnonzero(row == i)
        keep = np.delete(np.arange(ids.shape[1]), hit[0]) if len(hit) else np.arange(ids.shape[1] - 1)
        ids[i] = np.concatenate([[i], row[keep][: ids.shape[1] - 1]])
        dists[i] = np.concatenate([[0.0], dists[i, keep][: ids.shape[1] - 1]])
    return ids, dists


def membership_weights(dists: np.ndarray, n_iter: int = 64) -> np.ndarray:
    """UMAP's transform membership strengths ``exp(-d / sigma)`` per row (``sum = log2(k)``); 0 for padding.

    ``dists`` (q, k), non-finite entries are padding. Mirrors ``umap.umap_.smooth_knn_dist`` with
    ``local_connectivity=0`` (``rho = 0``) including its lower bound ``sigma >= 1e-3 * mean distance``.
    """
    d = np.asarray(dists, dtype=np.float64)
    valid = np.isfinite(d)
    d0 = np.where(valid, d, 0.0)
    k_valid = np.maximum(valid.sum(1), 1)
    target = np.log2(np.maximum(k_valid, 2))
    lo = np.zeros(len(d))
    hi = np.full(len(d), np.inf)
    mid = np.ones(len(d))
    for _ in range(n_iter):
        psum = np.where(valid, np.exp(-d0 / mid[:, None]), 0.0).sum(1)
        above = psum > target
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
        mid = np.where(np.isinf(hi), mid * 2.0, (lo + hi) / 2.0)
    mean_d = np.where(valid.any(1), (d0 * valid).sum(1) / k_valid, 0.0)
    sigma = np.maximum(mid, 1e-3 * mean_d) + 1e-12
    return np.where(valid, np.exp(-d0 / sigma[:, None]), 0.0)


def place_by_neighbours(
    embedding: np.ndarray,
    neighbour_ids: np.ndarray,
    neighbour_dists: np.ndarray,
    refine_steps: int = 10,
    bandwidth: float = 0.5,
    exact_tol: float = 1e-5,
) -> np.ndarray:
    """Map coordinates for new points from their fitted neighbours (see the module docstring).

    ``neighbour_ids`` (q, k) index rows of ``embedding`` (-1 = padding); ``neighbour_dists`` are the
    high-dimensional distances. Rows without any neighbour get NaN.
    """
    emb = np.asarray(embedding, dtype=np.float64)
    ids = np.asarray(neighbour_ids, dtype=np.int64)
    dists = np.where(ids >= 0, np.asarray(neighbour_dists, dtype=np.float64), np.inf)
    weights = membership_weights(dists)
    nb = emb[np.clip(ids, 0, None)]  # (q, k, 2)
    total = weights.sum(1)
    pos = np.full((len(ids), emb.shape[1]), np.nan)
    ok = total > 0
    pos[ok] = (weights[ok, :, None] * nb[ok]).sum(1) / total[ok, None]
    rows = np.flatnonzero(ok)
    w, nbr, cur = weights[rows], nb[rows], pos[rows]
    has = w > 0  # every selected row has at least one neighbour
    for _ in range(max(0, int(refine_steps))):
        r = np.linalg.norm(nbr - cur[:, None, :], axis=2)
        h = bandwidth * np.nanmedian(np.where(has, r, np.nan), axis=1) + 1e-9
        z = np.where(has, (r / h[:, None]) ** 2, np.inf)
        z -= z.min(axis=1, keepdims=True)  # the closest neighbour keeps factor 1: no underflow to 0
        ww = np.where(has, w * np.exp(-z), 0.0)
        cur = (ww[:, :, None] * nbr).sum(1) / ww.sum(1)[:, None]
    pos[rows] = cur
    exact = (ids >= 0) & (dists <= exact_tol)
    hit = exact.any(1)
    if hit.any():
        first = np.argmax(exact, axis=1)
        pos[hit] = emb[ids[hit, first[hit]]]
    return pos.astype(np.float32)


def trustworthiness(
    vectors: np.ndarray,
    embedding: np.ndarray,
    n_neighbors: int = TRUST_NEIGHBOURS,
    sample: int = TRUST_SAMPLE,
    seed: int = 0,
    metric: str = "cosine",
) -> float:
    """scikit-learn's trustworthiness of ``embedding`` w.r.t. ``vectors`` on a seeded random sample.

    1.0 means every map neighbourhood (``n_neighbors``) is also a neighbourhood in the original space;
    random maps score ~0.5. Neighbourhoods are taken within the sample (at most ``sample`` points).
    """
    from sklearn.manifold import trustworthiness as sk_trust

    x = np.asarray(vectors, dtype=np.float32)
    e = np.asarray(embedding, dtype=np.float32)
    n = len(x)
    if n <= 2 * n_neighbors + 1:
        raise ValueError(f"trustworthiness needs more than {2 * n_neighbors + 1} points, got {n}")
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(n, sample, replace=False)) if n > sample else np.arange(n)
    return float(sk_trust(x[rows], e[rows], n_neighbors=n_neighbors, metric=metric))


# --- the projector -------------------------------------------------------------------------------


class Projector:
    """UMAP to 2-D with a reusable hnswlib neighbour graph and neighbour-based placement of new points.

    Learned attributes: ``embedding_`` (n, 2) float32, ``vectors_`` (the fitted, normalised vectors),
    ``knn_indices_`` / ``knn_dists_`` (the graph UMAP used, ``None`` for ``knn="umap"``), ``index_``
    (the hnswlib index, or ``None``), ``timings_`` (seconds per stage).
    """

    embedding_: np.ndarray
    vectors_: np.ndarray
    n_samples_: int
    index_: QueryIndex | None
    knn_indices_: np.ndarray | None
    knn_dists_: np.ndarray | None
    timings_: dict[str, float]

    def __init__(
        self,
        n_neighbors: int = 15,
        min_dist: float = 0.1,
        metric: Metric = "cosine",
        random_state: int | None = 42,
        knn: KnnMode = "hnsw",
        n_epochs: int = 200,
        refine_steps: int = 10,
        index_params: IndexParams | None = None,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.metric = metric
        self.random_state = random_state
        self.knn = knn
        self.n_epochs = n_epochs
        self.refine_steps = refine_steps
        self.index_params = index_params

    @classmethod
    def from_params(cls, params: ProjectionParams, index_params: IndexParams | None = None) -> Projector:
        """A projector with the settings of ``params``."""
        return cls(n_neighbors=params.n_neighbors, min_dist=params.min_dist,
                   metric=params.metric,  # type: ignore[arg-type]
                   random_state=params.random_state, knn=params.knn,  # type: ignore[arg-type]
                   n_epochs=params.n_epochs, refine_steps=params.refine_steps, index_params=index_params)

    def get_params(self) -> ProjectionParams:
        """The settings as a hashable :class:`ProjectionParams`."""
        return ProjectionParams(n_neighbors=int(self.n_neighbors), min_dist=float(self.min_dist),
                                metric=str(self.metric), random_state=self.random_state, knn=str(self.knn),
                                n_epochs=int(self.n_epochs), refine_steps=int(self.refine_steps))

    def _check(self) -> None:
        if self.metric not in ("cosine", "euclidean"):
            raise ValueError(f"metric must be 'cosine' or 'euclidean', got {self.metric!r}")
        if self.knn not in ("hnsw", "umap"):
            raise ValueError(f"knn must be 'hnsw' or 'umap', got {self.knn!r}")
        if self.knn == "hnsw" and self.metric != "cosine":
            raise ValueError("the hnswlib neighbour graph is cosine; use metric='cosine' or knn='umap'")
        if int(self.n_neighbors) < 2:
            raise ValueError("n_neighbors must be at least 2")
        if not 0.0 <= float(self.min_dist) <= 1.0:
            raise ValueError("min_dist must be within [0, 1]")

    def knn_graph(
        self, vectors: np.ndarray, k: int, index: QueryIndex | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """k-NN graph of ``vectors`` (self first) from ``index`` or a new hnswlib index (sets ``index_``)."""
        x = as_matrix(vectors, "cosine")
        if index is None:
            from core.vectors.index import HnswIndex

            index = HnswIndex(x.shape[1], self.index_params or GRAPH_INDEX_PARAMS)
            index.build(x)
        if len(index) != len(x):
            raise ValueError(f"index holds {len(index)} vectors but {len(x)} are being projected")
        self.index_ = index
        ids, dists = index_neighbours(index, x, k)
        missing = ids < 0
        if missing.any():  # an approximate index returned fewer than k: fill from exact search
            rows = np.flatnonzero(missing.any(1))
            ids[rows], dists[rows] = exact_neighbours(x[rows], x, k, "cosine")
        return self_first(ids, dists)

    def fit(
        self,
        vectors: np.ndarray,
        progress: ProgressFn | None = None,
        *,
        knn_graph: tuple[np.ndarray, np.ndarray] | None = None,
        index: QueryIndex | None = None,
    ) -> Self:
        """Fit the map on ``vectors`` (n, d); returns ``self``.

        ``knn_graph`` = ``(indices, distances)`` (n, >= n_neighbors, self first) skips the neighbour
        search; ``index`` = a cosine :class:`~core.vectors.index.NeighbourIndex` already built over exactly
        these vectors (e.g. the engine's item index) is queried instead of building a new one.
        """
        self._check()
        started = time.perf_counter()
        x = as_matrix(vectors, self.metric)
        n = len(x)
        if n < 4:
            raise ValueError(f"a map needs at least 4 points, got {n}")
        k = min(int(self.n_neighbors), n - 1)
        timings: dict[str, float] = {}
        self.index_ = None
        self.knn_indices_ = None
        self.knn_dists_ = None
        kwargs: dict[str, Any] = {}
        if self.knn == "hnsw" or knn_graph is not None:
            report(progress, 0.0, "neighbour graph (hnswlib)")
            t0 = time.perf_counter()
            if knn_graph is not None:
                g_ids = np.asarray(knn_graph[0], dtype=np.int64)
                g_d = np.asarray(knn_graph[1], dtype=np.float32)
                if g_ids.shape != g_d.shape or g_ids.shape[0] != n or g_ids.shape[1] < k:
                    raise ValueError(f"knn_graph must be two ({n}, >={k}) arrays")
                ids, dists = self_first(g_ids[:, :k], g_d[:, :k])
            else:
                ids, dists = self.knn_graph(x, k, index)
            timings["knn"] = time.perf_counter() - t0
            self.knn_indices_, self.knn_dists_ = ids, dists
            kwargs["precomputed_knn"] = (ids, dists)
        report(progress, 0.25, "UMAP layout")
        t0 = time.perf_counter()
        import umap

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*precomputed_knn.*")
            warnings.filterwarnings("ignore", message=".*n_jobs.*")
            warnings.filterwarnings("ignore", message=".*force_all_finite.*")
            warnings.filterwarnings("ignore", message=".*ensure_all_finite.*")
            model = umap.UMAP(n_neighbors=k, min_dist=float(self.min_dist), metric=self.metric,
                              random_state=self.random_state, n_epochs=int(self.n_epochs),
                              n_components=2, **kwargs)
            embedding = model.fit_transform(x)
        timings["umap"] = time.perf_counter() - t0
        self.embedding_ = np.asarray(embedding, dtype=np.float32)
        self.vectors_ = x
        self.n_samples_ = n
        timings["total"] = time.perf_counter() - started
        self.timings_ = timings
        report(progress, 1.0, "map ready")
        return self

    def fit_transform(self, vectors: np.ndarray, progress: ProgressFn | None = None) -> np.ndarray:
        """``fit(vectors).embedding_``."""
        return self.fit(vectors, progress).embedding_

    @classmethod
    def from_embedding(
        cls, vectors: np.ndarray, embedding: np.ndarray, params: ProjectionParams | None = None,
        index: QueryIndex | None = None,
    ) -> Projector:
        """A fitted projector rebuilt from stored coordinates (no UMAP run), ready to ``transform``."""
        proj = cls.from_params(params or ProjectionParams())
        x = as_matrix(vectors, proj.metric)
        emb = np.asarray(embedding, dtype=np.float32)
        if emb.shape != (len(x), 2):
            raise ValueError(f"embedding must have shape ({len(x)}, 2), got {emb.shape}")
        proj.vectors_ = x
        proj.embedding_ = emb
        proj.n_samples_ = len(x)
        proj.index_ = index
        proj.knn_indices_ = None
        proj.knn_dists_ = None
        proj.timings_ = {}
        return proj

    def _fitted(self) -> None:
        if not hasattr(self, "embedding_"):
            raise RuntimeError("Projector is not fitted yet: call fit() first")

    def neighbours(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """k nearest fitted points of ``vectors``: ``(ids int64, distances float32)`` (hnswlib or exact)."""
        self._fitted()
        q = as_matrix(vectors, self.metric)
        if q.shape[1] != self.vectors_.shape[1]:
            raise ValueError(f"expected {self.vectors_.shape[1]}-d vectors, got {q.shape[1]}-d")
        k = min(int(k), self.n_samples_)
        if self.index_ is not None and self.metric == "cosine":
            ids, dists = index_neighbours(self.index_, q, k)
            if not (ids < 0).any():
                return ids, dists
        return exact_neighbours(q, self.vectors_, k, self.metric)

    def transform(self, new_vectors: np.ndarray) -> np.ndarray:
        """Place new points on the fitted map without refitting (neighbour-weighted placement)."""
        self._fitted()
        q = np.asarray(new_vectors, dtype=np.float32)
        if q.ndim == 1:
            q = q[None, :]
        if len(q) == 0:
            return np.zeros((0, 2), dtype=np.float32)
        ids, dists = self.neighbours(q, min(int(self.n_neighbors), self.n_samples_))
        return place_by_neighbours(self.embedding_, ids, dists, refine_steps=int(self.refine_steps))
