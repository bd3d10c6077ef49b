"""``ease``: EASE^R (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019), closed form.

With ``X`` the binarised users x items matrix and ``G = X^T X + lambda I``, the item-item weights are
``P = G^-1``, ``B = I - P diag(1 / diag(P))`` (so ``B_ij = -P_ij / P_jj`` and ``diag(B) = 0``), and a user
with seed row ``x`` scores ``x B``. Here ``x`` is the user's history plus the items the typed interests
name (pseudo-history, as :mod:`~core.ranking.channels.item_knn` does); avoided named items subtract their
row. The evidence is the seed item with the largest weight to the recommended one ("people who liked X also
liked this", the item-kNN codes).

Why a short implementation and not a library: Cornac's ``cornac.models.EASE``
(``cornac/models/ease/recom_ease.py``) and RecBole's ``recbole/model/general_recommender/ease.py`` compute
exactly these lines (dense Gram matrix, ``np.linalg.inv``, divide by ``-diag(P)``, zero the diagonal), but
each brings its own dataset pipeline (RecBole also torch) for a ten-line closed form, and neither bounds
memory: ``np.linalg.inv`` allocates an identity and copies beside the matrix (measured on MovieLens' 9,742
items in float32: 2.7 GB extra and 92 s under load, against no extra and 12.5 s inverted in place). This
module instead builds the Gram matrix in column blocks straight into one float32 array and inverts it in
place (``scipy.linalg.inv(overwrite_a=True)``: LAPACK getrf/getri), so the peak is about ``4 n^2`` bytes
(MovieLens: 447 MB extra, 10.9 s, ``python -m bench.bench_ease``, ``bench/results/bench_ease.md``). float32
against float64 on MovieLens: max |dB| 7e-7 for max |B| 0.12, the same top-10 lists for the 50 users
compared. It is tested against a per-column constrained least-squares solution (Steck's formulation, no
inverse) on a small fixture.

Memory guard (:func:`memory_check`): the channel needs about :func:`ease_bytes` ``(n_items)`` bytes; it
runs only when that is within ``memory_limit_mb`` (default: half of the memory available at fit time,
``MemAvailable`` of ``/proc/meminfo`` or the cgroup's limit, whichever is smaller, so it never swaps) and
``n_items <= max_items`` (the inversion is cubic: MovieLens' 9,742 items take 11-13 s on this 2-core
machine, so the default cap of 20,000 items means about 8x that). With 22 GB available here, memory alone
would allow about 54,000 items; the cap skips larger catalogues first. Otherwise it reports ``too_large``
and scores nothing, and the baseline of the same name (:mod:`core.evaluation.baselines`) is listed as
skipped with the figures. A fit still held by another channel on the same interactions and ``l2`` is
reused (:func:`shared_ease_weights`): the evaluation's ``channel:ease`` and its ``ease`` baseline share one.

Its fusion weight is 0.0 until the tuning issue chooses one on validation users; it is fitted on first use
(``core.engine.DEFERRED_CHANNELS``; the set-up's ``prepare`` leaves it too, as it keeps nothing on disk),
so the app's first start does not grow.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import scipy.linalg
from scipy import sparse

from core.common.errors import ConfigError, InterestLensError
from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset
from core.ranking.base import ChannelContext, Evidence, ensure_applicable, named_items, seed_reason, seed_row
from core.ranking.query import Query

GRAM_BLOCK_BYTES = 64 * 2**20
"""Size of one dense column block of the Gram matrix while it is built (bounds the sparse product too)."""
TOO_LARGE = ("EASE^R needs about {need_mb:,.0f} MB for its {n_items:,} x {n_items:,} item matrix; "
             "{limit_mb:,.0f} MB may be used and at most {max_items:,} items")
"""The English reason a skipped fit gives (the Evaluate page translates it with the figures)."""
TOO_LARGE_PATTERN = re.compile(r"EASE\^R needs about (?P<need_mb>[\d,]+) MB for its (?P<n_items>[\d,]+) x [\d,]+ "
                               r"item matrix; (?P<limit_mb>[\d,]+) MB may be used "
                               r"and at most (?P<max_items>[\d,]+) items")
"""Matches :data:`TOO_LARGE` sentences (named groups: the figures, with thousands separators)."""

_FITTED: weakref.WeakValueDictionary[tuple[str, float], np.ndarray] = weakref.WeakValueDictionary()
"""Fitted ``B`` matrices by (interaction digest, l2) while some channel still holds one: the evaluation's
channel and its baseline of the same name share one fit (and one copy in memory) on the same training data."""
_FIT_LOCK = threading.Lock()
"""One EASE^R fit at a time in a process (two would need twice the memory the guard allowed for)."""


@dataclass(frozen=True)
class EASEParams:
    """``l2``: the ridge ``lambda`` (200: best of the issue's sweep on MovieLens); ``memory_limit_mb``: the
    memory the fit may use (None: half of what is available at fit time); ``max_items``: the largest
    catalogue it inverts (the fit time grows with the cube of the item count)."""

    l2: float = 200.0
    memory_limit_mb: float | None = None
    max_items: int = 20_000


@dataclass(frozen=True)
class MemoryCheck:
    """Whether EASE^R fits: the bytes it needs, the limit it was held to, and the items it would invert."""

    n_items: int
    need_bytes: int
    limit_bytes: int
    max_items: int

    @property
    def fits(self) -> bool:
        """True when both the memory and the item limit allow the fit."""
        return self.need_bytes <= self.limit_bytes and self.n_items <= self.max_items

    def reason(self) -> str:
        """The English sentence a skipped fit reports (:data:`TOO_LARGE` with the figures)."""
        return TOO_LARGE.format(need_mb=self.need_bytes / 2**20, n_items=self.n_items,
                                limit_mb=self.limit_bytes / 2**20, max_items=self.max_items)


class ModelTooLarge(InterestLensError):
    """Raised by :func:`ease_weights` (and the EASE^R baseline) when :class:`MemoryCheck` says no."""

    def __init__(self, check: MemoryCheck) -> None:
        super().__init__(check.reason())
        self.check = check


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def available_memory_bytes() -> int | None:
    """Memory this process may still use: ``MemAvailable`` (``/proc/meminfo``), lowered to the cgroup's
    remaining limit when there is one (v2 ``memory.max`` or v1 ``memory.limit_in_bytes``); None if unknown."""
    found: list[int] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
                break
    except (OSError, ValueError, IndexError):
        pass
    root = Path("/sys/fs/cgroup")
    for limit_file, usage_file in (("memory.max", "memory.current"),
                                   ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes")):
        limit, usage = _read_int(root / limit_file), _read_int(root / usage_file)
        if limit is not None and usage is not None and limit < 2**60:
            found.append(max(0, limit - usage))
    return min(found) if found else None


def ease_bytes(n_items: int) -> int:
    """Peak extra bytes of :func:`ease_weights` for ``n_items`` items: the float32 matrix (inverted in place),
    one Gram block and LAPACK's workspace."""
    n = int(n_items)
    return 4 * n * n + min(GRAM_BLOCK_BYTES, 12 * n * n) + 4 * 64 * n


def memory_check(n_items: int, params: EASEParams, available: int | None = None) -> MemoryCheck:
    """Whether EASE^R with ``params`` fits ``n_items`` items (``available``: bytes, measured when None)."""
    if params.memory_limit_mb is not None:
        limit = int(float(params.memory_limit_mb) * 2**20)
    else:
        free = available if available is not None else available_memory_bytes()
        limit = free // 2 if free is not None else 2 * 2**30  # unknown: assume 2 GB may be used
    return MemoryCheck(int(n_items), ease_bytes(n_items), limit, int(params.max_items))


def binary_matrix(matrix: Any) -> sparse.csr_matrix:
    """The users x items matrix with every stored interaction set to 1 (float32, explicit zeros dropped)."""
    out: sparse.csr_matrix = sparse.csr_matrix(sparse.csr_matrix(matrix).astype(np.float32), copy=True)
    out.eliminate_zeros()
    out.data[:] = 1.0
    return out


def ease_weights(matrix: Any, l2: float, progress: ProgressFn | None = None) -> np.ndarray:
    """EASE^R's ``B`` (n_items x n_items float32, C order, zero diagonal) from a users x items matrix
    (binarised here). The caller checks memory first (:func:`memory_check`)."""
    if not float(l2) > 0:
        raise ConfigError(f"EASE^R needs l2 > 0, got {l2!r}")
    x = binary_matrix(matrix).tocsc()
    xt = x.T.tocsr()
    n = x.shape[1]
    gram = np.empty((n, n), dtype=np.float32, order="F")
    block = max(1, GRAM_BLOCK_BYTES // max(1, 4 * n))
    for start in range(0, n, block):
        stop = min(n, start + block)
        gram[:, start:stop] = (xt @ x[:, start:stop]).toarray()
        report(progress, 0.2 * stop / max(1, n), "EASE^R Gram matrix")
    gram[np.diag_indices(n)] += np.float32(l2)
    report(progress, 0.2, "EASE^R inverse")
    inverse = scipy.linalg.inv(gram, overwrite_a=True, check_finite=False)  # getrf/getri, in place
    del gram
    # G is symmetric, so P is (up to rounding): its transpose view is C-ordered, as scoring wants
    weights = np.asarray(inverse.T if inverse.flags.f_contiguous else inverse)
    diag = weights.diagonal().copy()
    weights /= -diag[None, :]
    np.fill_diagonal(weights, 0.0)
    report(progress, 1.0, "EASE^R ready")
    return weights


def interaction_digest(matrix: Any) -> str:
    """A digest of which (user, item) pairs are stored: EASE^R's input after binarising."""
    x = binary_matrix(matrix)
    x.sort_indices()
    h = hashlib.blake2b(digest_size=16)
    h.update(np.asarray(x.shape, dtype=np.int64).tobytes())
    h.update(np.asarray(x.indptr, dtype=np.int64).tobytes())
    h.update(np.asarray(x.indices, dtype=np.int64).tobytes())
    return h.hexdigest()


def shared_ease_weights(matrix: Any, params: EASEParams,
                        progress: ProgressFn | None = None) -> tuple[np.ndarray | None, MemoryCheck]:
    """:func:`ease_weights` (read-only) when :func:`memory_check` allows it, else None; a fit still held by
    another channel on the same interactions and ``l2`` is reused instead of computed again."""
    n_items = int(matrix.shape[1])
    key = (interaction_digest(matrix), float(params.l2))
    with _FIT_LOCK:
        cached = _FITTED.get(key)
        check = memory_check(n_items, params)
        if cached is not None:  # reusing a fit needs no memory
            return cached, MemoryCheck(n_items, 0, check.limit_bytes, max(n_items, check.max_items))
        if not check.fits:
            return None, check
        weights = ease_weights(matrix, params.l2, progress)
        weights.flags.writeable = False
        _FITTED[key] = weights
        return weights, check


def seed_matrix(dataset: Dataset, queries: list[Query]) -> sparse.csr_matrix:
    """(n_queries, n_items) binary seed rows: the user's history and the wanted named items 1 each, the
    avoided named items ``-w / max w`` (as item-kNN scores them)."""
    indptr, indices, data = [0], [np.zeros(0, np.int64)], [np.zeros(0)]
    for q in queries:
        items, _ = seed_row(dataset, q)
        avoided, avoid_w = named_items(dataset, q, polarity=-1)
        indices.append(np.concatenate([items, avoided]))
        data.append(np.concatenate([np.ones(items.size), -avoid_w / max(float(avoid_w.max(initial=0.0)), 1e-12)]))
        indptr.append(indptr[-1] + items.size + avoided.size)
    rows = sparse.csr_matrix((np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
                             shape=(len(queries), dataset.n_items))
    rows.sum_duplicates()
    return rows


def seed_evidence(dataset: Dataset, query: Query, weights_to: Any) -> Evidence:
    """"People who liked X also liked this": ``weights_to(candidates)`` gives each candidate seed's weight
    to the item; a named item explains first (``named_item``), then the history (``co_liked``, ties: the
    lower index); ``similar_users`` when no seed has a positive weight."""
    for code, candidates in (("named_item", named_items(dataset, query)[0]),
                             ("co_liked", np.sort(seed_row(dataset, query)[0]))):
        if candidates.size:
            col = np.asarray(weights_to(candidates), dtype=np.float64).ravel()
            best = int(np.argmax(col))
            if col[best] > 0:
                j = int(candidates[best])
                return Evidence(code, {"item_idx": j, "title": str(dataset.titles([j])[0])})
    return Evidence("similar_users")


class EASEChannel:
    """EASE^R item-item weights over the interaction matrix (see the module docstring)."""

    name: ClassVar[str] = "ease"
    default_weight: ClassVar[float] = 0.0
    Params: ClassVar[type[EASEParams]] = EASEParams

    def __init__(self, params: EASEParams | None = None, **knobs: Any) -> None:
        self.params = params or EASEParams(**knobs)

    def fit(self, ctx: ChannelContext, progress: ProgressFn | None = None) -> Self:
        """Compute ``B`` when the catalogue fits (:func:`memory_check`), else remember why not."""
        self.dataset_ = ctx.dataset
        self.weights_: np.ndarray | None = None
        t0 = time.perf_counter()
        if ctx.dataset.matrix.nnz:
            self.weights_, self.memory_ = shared_ease_weights(ctx.dataset.matrix, self.params, progress)
        else:
            self.memory_ = memory_check(ctx.dataset.n_items, self.params)
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def why_not(self, query: Query) -> str | None:
        """Needs interactions, a catalogue that fits memory, and seeds (a known user or named items)."""
        if not hasattr(self, "dataset_"):
            return "not_fitted"
        if not self.dataset_.matrix.nnz:
            return "no_interactions"
        if self.weights_ is None:
            return "too_large"
        return seed_reason(self.dataset_, query)

    def score(self, queries: list[Query]) -> np.ndarray:
        """``x B`` per query, ``x`` its seed row (:func:`seed_matrix`)."""
        ensure_applicable(self, queries)
        assert self.weights_ is not None
        seeds = seed_matrix(self.dataset_, queries)
        # only the seeds' rows of B, in float64: a float64 sparse x float32 dense product would convert the
        # whole n_items x n_items matrix on every call (760 MB on MovieLens); the sums are the same
        cols = np.unique(seeds.indices)
        return np.asarray(seeds[:, cols] @ self.weights_[cols].astype(np.float64), dtype=np.float64)

    def explain(self, query: Query, item: int) -> Evidence | None:
        """The seed item with the largest weight ``B[j, item]`` (:func:`seed_evidence`)."""
        weights = self.weights_
        if weights is None:
            return None
        return seed_evidence(self.dataset_, query, lambda c: weights[c, int(item)])
