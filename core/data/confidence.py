"""Confidence: how the user x item value matrix becomes the matrix the collaborative models learn from.

One named transform with its parameters (:class:`Confidence`) turns the stored values ``r`` (ratings,
play counts, clicks, durations) into a confidence ``c`` for every kept pair, the way Hu, Koren &
Volinsky (2008) define it for ALS: ``c = 1 + alpha * w`` where ``w`` is the transform's weight:

=============  =================================================================================
``binary``     ``w = 1`` for every observed pair (the value is ignored)
``linear``     ``w = r`` (the old ``1 + alpha * rating``; explodes on counts: 13,883 plays -> 27,767)
``log``        ``w = log(1 + r / eps)`` (Hu-Koren-Volinsky's log scaling for counts)
``bm25``       ``w`` = ``implicit.nearest_neighbours.bm25_weight`` (``K1 = k1``, ``B = b``), items as
               documents and users as terms, as implicit's BM25 recommender and its last.fm example do
``tfidf``      ``w`` = ``implicit.nearest_neighbours.tfidf_weight`` (``sqrt(r) * idf(user)``), same layout
``centred``    ``w = r - mean(user's values)``; pairs *below* the user's own mean are **dropped** (a
               rating under the person's average is not evidence of liking), pairs at the mean stay
               with ``w = 0`` (``c = 1``: seen, no extra confidence)
``threshold``  ``w = 1`` when ``r >= threshold``; pairs under it are **dropped**
=============  =================================================================================

Negative values count as 0 for ``linear``, ``log``, ``bm25`` and ``tfidf``. ``implicit``'s ALS reads the
matrix values as the confidence itself (its own ``alpha`` stays 1), BPR uses the kept pairs as positives
and item-kNN takes the cosine over the prepared columns; the same prepared matrix feeds the ``mf``
channel and the ALS / BPR baselines (one code path, :mod:`core.ranking.channels.mf`).

Defaults per signal kind (:func:`default_confidence`):

- explicit ratings -> ``binary`` with ``alpha = 1`` (confidence 2 on every rated pair, what the ALS
  baseline always used). Chosen on MovieLens *validation* users (mf channel alone, NDCG@10, mean of
  splits with seeds 1-3): binary alpha=1 0.1907, log alpha=1 0.1907, binary alpha=2 0.1890, the old
  linear alpha=2 0.1812; on the seed-42 split threshold >= 4 0.168, centred 0.171, bm25 0.173, tfidf
  0.182. Top-N accuracy rewards *what* people watch more than how they rated it, and thresholding or
  centring throw away watched items that are still evidence of what someone watches next; log ties with
  binary, which is simpler. Use ``threshold`` or ``centred`` when the task is "items the person will *like*".
- implicit counts and durations -> ``log`` with ``alpha = 1``, ``eps = 1``: the count's order of
  magnitude raises the confidence (1 play -> 1.69, 13,883 plays -> 10.5) without letting a few heavy
  pairs dominate the factors, which is what the linear confidence did.
- binary events -> ``binary``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
from scipy import sparse

from core.common.errors import ConfigError

ConfidenceKind = Literal["binary", "linear", "log", "bm25", "tfidf", "centred", "threshold"]
KINDS: tuple[str, ...] = ("binary", "linear", "log", "bm25", "tfidf", "centred", "threshold")
"""Every transform name, in documentation order."""

SignalKind = Literal["explicit", "count", "binary", "duration"]
SIGNAL_KINDS: tuple[str, ...] = ("explicit", "count", "binary", "duration")
"""What a dataset's value column can be: explicit rating, implicit count, binary event, duration."""

_DROPPING: frozenset[str] = frozenset({"centred", "threshold"})
_GLOBAL: frozenset[str] = frozenset({"bm25"})


def _finite(name: str, value: float, low: float | None = None, high: float | None = None) -> float:
    """``value`` as a float when finite and in ``[low, high]``; ConfigError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"confidence {name} must be a number, not {value!r}")
    out = float(value)
    if not math.isfinite(out) or (low is not None and out < low) or (high is not None and out > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"confidence {name} must be a finite number {bounds}, not {value!r}")
    return out


@dataclass(frozen=True)
class Confidence:
    """A named value -> confidence transform and its parameters (see the module docstring).

    ``alpha`` >= 0 scales the weight (``c = 1 + alpha * w``); ``eps`` > 0 is ``log``'s count scale;
    ``k1`` >= 0 and ``b`` in [0, 1] are BM25's; ``threshold`` is the value a pair needs under ``threshold``.
    Parameters a kind does not use are kept (so switching kinds keeps them) but do not change its result.
    """

    kind: str = "binary"
    alpha: float = 1.0
    eps: float = 1.0
    k1: float = 100.0
    b: float = 0.8
    threshold: float = 4.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError(f"unknown confidence transform {self.kind!r}; expected one of {list(KINDS)}")
        _finite("alpha", self.alpha, 0.0)
        if _finite("eps", self.eps, 0.0) == 0.0:
            raise ConfigError("confidence eps must be greater than 0")
        _finite("k1", self.k1, 0.0)
        _finite("b", self.b, 0.0, 1.0)
        _finite("threshold", self.threshold, -1e300)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (:meth:`from_dict` reads them back)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, doc: Any) -> Confidence:
        """A Confidence from :meth:`to_dict`'s mapping (missing keys: defaults) or a bare kind name."""
        if isinstance(doc, Confidence):
            return doc
        if isinstance(doc, str):
            return cls(kind=doc)
        if not isinstance(doc, dict):
            raise ConfigError(f"a confidence is a transform name or an object, not {type(doc).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise ConfigError(f"confidence has no parameter(s) {unknown}; it has {sorted(known)}")
        return cls(**doc)

    def label(self) -> str:
        """A short description for tables and logs, e.g. ``log(alpha=1, eps=1)``."""
        used = {"binary": ("alpha",), "linear": ("alpha",), "log": ("alpha", "eps"), "bm25": ("alpha", "k1", "b"),
                "tfidf": ("alpha",), "centred": ("alpha",), "threshold": ("alpha", "threshold")}[self.kind]
        return f"{self.kind}(" + ", ".join(f"{n}={getattr(self, n):g}" for n in used) + ")"


def default_confidence(signal: str) -> Confidence:
    """The default transform for a signal kind (explicit -> binary, count / duration -> log, binary -> binary)."""
    if signal not in SIGNAL_KINDS:
        raise ConfigError(f"unknown signal kind {signal!r}; expected one of {list(SIGNAL_KINDS)}")
    if signal in ("count", "duration"):
        return Confidence(kind="log", alpha=1.0, eps=1.0)
    return Confidence(kind="binary", alpha=1.0)


def _weights(matrix: sparse.csr_matrix, conf: Confidence) -> sparse.csr_matrix:
    """The transform's weight ``w`` per kept pair (float64, rows = users); dropped pairs removed."""
    from implicit.nearest_neighbours import bm25_weight, tfidf_weight

    x = sparse.csr_matrix(matrix, dtype=np.float64, copy=True)
    x.sort_indices()
    kind = conf.kind
    if kind == "binary":
        x.data[:] = 1.0
    elif kind == "linear":
        np.clip(x.data, 0.0, None, out=x.data)
    elif kind == "log":
        x.data = np.log1p(np.clip(x.data, 0.0, None) / conf.eps)
    elif kind in ("bm25", "tfidf"):
        np.clip(x.data, 0.0, None, out=x.data)
        # implicit weighs rows as documents and columns as terms; its BM25 recommender passes items x users
        weighted = bm25_weight(x.T, K1=conf.k1, B=conf.b) if kind == "bm25" else tfidf_weight(x.T)
        out = sparse.csr_matrix(sparse.coo_matrix(weighted).T, dtype=np.float64)
        out.sort_indices()
        # same structure as x (coo -> csr keeps every stored pair, zeros included)
        x = sparse.csr_matrix((np.clip(out.data, 0.0, None), out.indices, out.indptr), shape=x.shape)
    elif kind == "centred":
        counts = np.diff(x.indptr)
        sums = np.bincount(np.repeat(np.arange(x.shape[0]), counts), weights=x.data, minlength=x.shape[0])
        means = np.divide(sums, counts, out=np.zeros(x.shape[0]), where=counts > 0)
        x.data = x.data - np.repeat(means, counts)
        x = _keep(x, x.data >= -1e-9 * np.maximum(1.0, np.abs(np.repeat(means, counts))))
        np.clip(x.data, 0.0, None, out=x.data)
    else:  # threshold
        x = _keep(x, x.data >= conf.threshold)
        x.data[:] = 1.0
    return x


def _keep(x: sparse.csr_matrix, mask: np.ndarray) -> sparse.csr_matrix:
    """The pairs of ``x`` where ``mask`` holds (same shape; kept order)."""
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))[mask]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=x.shape[0]))])
    return sparse.csr_matrix((x.data[mask], x.indices[mask], indptr), shape=x.shape)


def prepare(matrix: sparse.csr_matrix, conf: Confidence) -> sparse.csr_matrix:
    """The prepared users x items matrix: ``1 + alpha * w`` (float32) on every kept pair (see the module)."""
    if not isinstance(conf, Confidence):
        raise ConfigError(f"expected a Confidence, not {type(conf).__name__}")
    w = _weights(sparse.csr_matrix(matrix), conf)
    out = sparse.csr_matrix(((1.0 + conf.alpha * w.data).astype(np.float32), w.indices, w.indptr), shape=w.shape)
    out.sort_indices()
    return out


def prepare_rows(
    matrix: sparse.csr_matrix, rows: sparse.csr_matrix, conf: Confidence
) -> sparse.csr_matrix:
    """``rows`` (new users' values, e.g. folded-in seeds) prepared as if they were part of ``matrix``.

    Per-row transforms ignore ``matrix`` (``tfidf``'s idf is per user, from the user's own row); ``bm25``
    normalises by every item's total, so the rows are stacked under it, prepared together, and cut out.
    """
    r = sparse.csr_matrix(rows)
    if conf.kind not in _GLOBAL:
        return prepare(r, conf)
    both = sparse.vstack([sparse.csr_matrix(matrix), r], format="csr")
    return sparse.csr_matrix(prepare(both, conf)[matrix.shape[0]:])
