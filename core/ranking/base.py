"""The channel contract: what every scoring channel is, and the helpers channels share.

A channel is one module under :mod:`core.ranking.channels` holding

- a frozen ``Params`` dataclass (its knobs, with defaults) and a ``default_weight`` for fusion;
- the channel class: the constructor stores a ``Params``; ``fit(ctx)`` learns from a
  :class:`ChannelContext` and returns ``self`` (learned attributes end in ``_``);
  ``why_not(query)`` gives a reason code from :data:`DROP_REASONS` when it cannot score a query (None
  when it can); ``score(queries)`` scores a **batch** of queries it accepts into an
  ``(n_queries, n_items)`` float64 array (higher is better; ``-inf`` only means "excluded"; a single
  query is a batch of one, as in implicit's ``recommend(userids)``); ``explain(query, item)`` returns
  the evidence code and arguments for one recommended item (rendered into zh/en by ``ui/i18n``).

:mod:`core.ranking.registry` lists the channels; :mod:`core.ranking.scoring` scores a batch with all of
them and records every dropped channel's reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import numpy as np

from core.common.errors import ConfigError, InterestLensError
from core.common.progress import ProgressFn, report
from core.data.dataset import Dataset
from core.ranking.query import Query

SECONDS_PER_DAY = 86_400.0
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY

DROP_REASONS: dict[str, str] = {
    "not_fitted": "the channel has not been fitted yet",
    "on_first_use": "the channel trains a model and is fitted once a configuration gives it a weight",
    "no_item_vectors": "item vectors are not available (no item text was embedded)",
    "no_profile": "no typed interests were given",
    "profile_without_vectors": "the typed interests carry no vectors",
    "no_text_tags": "the typed interests have no free-text tags with vectors (only named items or attributes)",
    "no_gist": "the typed interests have no wanted whole-text (gist) tag",
    "no_user": "no user was chosen",
    "unknown_user": "the user does not appear in the interaction data",
    "no_history": "the user has no usable interaction history",
    "no_interactions": "the dataset has no interactions",
    "no_time": "the data carries neither timestamps nor years",
    "no_attributes": "the items carry no attributes (genres, tags, category, year) to build a graph from",
    "no_seed": "neither the user's history nor the typed interests match anything in the item graph",
    "too_large": "the catalogue is too large for the channel's dense item x item matrix in the memory available",
}
"""Reason codes :meth:`Channel.why_not` returns, with an English gloss for logs and the CLI (the UI
translates the codes through ``ui/i18n``: ``tuning.reason.<code>``)."""


class ChannelNotApplicable(InterestLensError):
    """Raised by :meth:`Channel.score` for a query the channel cannot score (see ``why_not``)."""

    def __init__(self, channel: str, code: str) -> None:
        super().__init__(f"channel '{channel}' cannot score this query: {DROP_REASONS.get(code, code)}")
        self.channel = channel
        self.code = code


BlockMap = Callable[[Callable[..., Any], tuple[Any, ...], Sequence[Any], ProgressFn | None], list[Any]]
"""Runs ``fn(*shared, item)`` for every item and returns the results in item order: :func:`map_locally` in
this process, or ``core.distributed.backend.RayMap`` as Ray tasks (item-item similarity blocks, user shards)."""


def map_locally(fn: Callable[..., Any], shared: tuple[Any, ...], items: Sequence[Any],
                progress: ProgressFn | None = None) -> list[Any]:
    """The in-process :data:`BlockMap`: one item after the other, progress after each."""
    out = []
    for i, item in enumerate(items):
        out.append(fn(*shared, item))
        report(progress, (i + 1) / max(1, len(items)), f"{i + 1}/{len(items)} blocks")
    return out


class _NeighbourIndex(Protocol):
    def query(self, vectors: np.ndarray, k: int, exclude: Any = None) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass
class ChannelContext:
    """Everything channels may learn from. Only ``dataset`` is required.

    ``item_vectors``: (n_items, d) float32, rows L2-normalised (``core.vectors``);
    ``user_vectors`` / ``has_vector``: (n_users, d) and a bool mask; when absent the history channel
    builds the user's vector from the history on the fly; ``item_index``: the engine's neighbour index
    over ``item_vectors`` (the semantic channel's multi-interest retrieval uses it, exact search
    otherwise); ``encoder``: optional, lets the graph channel embed attribute names;
    ``random_state`` / ``num_threads``: shared by channels that train models; ``map_blocks``: where the
    item-item channels compute their similarity blocks (None: in this process; see :data:`BlockMap`).
    """

    dataset: Dataset
    item_vectors: np.ndarray | None = None
    user_vectors: np.ndarray | None = None
    has_vector: np.ndarray | None = None
    encoder: Any | None = None
    item_index: _NeighbourIndex | None = None
    random_state: int = 42
    num_threads: int = 2
    extra: dict[str, Any] = field(default_factory=dict)
    map_blocks: BlockMap | None = None


@dataclass(frozen=True)
class Evidence:
    """Why one channel lifted one item: a code (``explain.<code>`` in ui/i18n) and its arguments."""

    code: str
    args: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Channel(Protocol):
    """One scoring signal (see the module docstring)."""

    name: ClassVar[str]
    default_weight: ClassVar[float]

    def fit(self, ctx: ChannelContext) -> Self:
        """Learn from the context; returns self."""
        ...

    def why_not(self, query: Query) -> str | None:
        """None when the channel can score ``query``, else a reason code from :data:`DROP_REASONS`."""
        ...

    def score(self, queries: list[Query]) -> np.ndarray:
        """(len(queries), n_items) float64 scores; raises :class:`ChannelNotApplicable` for a query
        ``why_not`` rejects."""
        ...

    def explain(self, query: Query, item: int) -> Evidence | None:
        """Evidence for one recommended item (None: nothing specific to say)."""
        ...


# --- helpers shared by several channels -------------------------------------------------------------


def as_item_vectors(vectors: np.ndarray | None, n_items: int) -> np.ndarray | None:
    """Validate item vectors and return them as float32 rows with unit norm (zero rows stay zero)."""
    if vectors is None:
        return None
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2 or arr.shape[0] != n_items:
        raise ConfigError(f"item vectors have shape {arr.shape}; expected ({n_items}, d)")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if np.allclose(norms[norms > 0], 1.0, atol=1e-3):
        return arr
    out = np.zeros_like(arr)
    np.divide(arr, norms, out=out, where=norms > 0)
    return out


def unit_vector(vector: np.ndarray) -> np.ndarray | None:
    """``vector`` scaled to unit L2 norm as float32 (None for a zero or non-finite vector)."""
    vec = np.asarray(vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(vec))
    if not math.isfinite(norm) or norm == 0.0:
        return None
    return vec / norm


def clean_scores(scores: np.ndarray) -> np.ndarray:
    """float64 copy with NaN -> minimum finite value and +inf -> maximum finite value (-inf kept), per row."""
    out = np.array(scores, dtype=np.float64, copy=True)
    finite = np.isfinite(out)
    if finite.all():
        return out
    rows = out if out.ndim == 2 else out[None, :]
    fin = finite if out.ndim == 2 else finite[None, :]
    for r in np.flatnonzero(~fin.all(axis=1)):
        row, ok = rows[r], fin[r]
        lo = float(row[ok].min()) if ok.any() else 0.0
        hi = float(row[ok].max()) if ok.any() else 0.0
        row[np.isnan(row)] = lo
        row[np.isposinf(row)] = hi
    return out


def user_row(dataset: Dataset, user_id: str | None) -> tuple[np.ndarray, np.ndarray]:
    """The user's item indices and summed interaction weights from ``dataset.matrix`` (empty if unknown)."""
    if user_id is None or str(user_id) not in dataset.user_index:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    mat = dataset.matrix
    u = dataset.user_index[str(user_id)]
    start, end = int(mat.indptr[u]), int(mat.indptr[u + 1])
    return mat.indices[start:end].astype(np.int64), mat.data[start:end].astype(np.float64)


def user_rows(dataset: Dataset, queries: list[Query]) -> np.ndarray:
    """Dataset user positions of the queries' users (every query must name a known user)."""
    return np.array([dataset.user_index[str(q.user_id)] for q in queries], dtype=np.int64)


def tag_kind(tag: object) -> str:
    """A tag's kind: "item" | "attribute" | "text" | "gist" (profiles without kinds are all "text")."""
    return str(getattr(tag, "kind", None) or "text")


def named_items(dataset: Dataset, query: Query, polarity: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Item positions the query's typed text names (item tags of that polarity) and their tag weights.

    A named film is a strong signal of taste: the collaborative channels treat the wanted ones as
    pseudo-history (what a cold user "watched"), and the avoided ones as items to push away."""
    if query.profile is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    found: dict[int, float] = {}
    for tag in query.profile.tags:
        if tag_kind(tag) != "item" or (int(tag.polarity) >= 0) != (polarity >= 0) or float(tag.weight) <= 0:
            continue
        idx = dataset.item_index.get(str(getattr(tag, "key", None)))
        if idx is not None:
            found[int(idx)] = found.get(int(idx), 0.0) + float(tag.weight)
    items = np.fromiter(found, dtype=np.int64, count=len(found))
    return items, np.fromiter(found.values(), dtype=np.float64, count=len(found))


def seed_reason(dataset: Dataset, query: Query) -> str | None:
    """None when the query has a known user or names at least one wanted item; else why not."""
    if named_items(dataset, query)[0].size:
        return None
    return user_reason(dataset, query)


def seed_row(dataset: Dataset, query: Query, named_value: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The query's seed items: the user's history (summed interaction weights) plus the wanted named items
    (``named_value`` each, unless the history already has them)."""
    items, weights = user_row(dataset, query.user_id)
    named, _ = named_items(dataset, query)
    extra = named[~np.isin(named, items)]
    if extra.size:
        items = np.concatenate([items, extra])
        weights = np.concatenate([weights, np.full(extra.size, float(named_value))])
    return items, weights


def user_reason(dataset: Dataset, query: Query) -> str | None:
    """``no_user`` / ``unknown_user`` when the query does not name a known user, else None."""
    if query.user_id is None:
        return "no_user"
    if str(query.user_id) not in dataset.user_index:
        return "unknown_user"
    return None


def ensure_applicable(channel: Channel, queries: list[Query]) -> None:
    """Raise :class:`ChannelNotApplicable` with the channel's own reason for the first query it rejects."""
    for query in queries:
        reason = channel.why_not(query)
        if reason is not None:
            raise ChannelNotApplicable(channel.name, reason)
