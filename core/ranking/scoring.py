"""Scoring a batch of queries with every channel: :class:`ScoreBatch` and :func:`score_queries`.

A channel scores the queries it accepts in one call (one matrix product, one batched walk); the
queries it rejects keep their reason code. The batch holds, per channel, an ``(n_queries, n_items)``
float64 matrix and a mask of the queries it scored, plus the caches fusion fills (normalised matrices,
RRF terms), so re-weighting the same batch only redoes a weighted sum.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.common.errors import ConfigError
from core.ranking.base import DROP_REASONS, Channel, ChannelNotApplicable
from core.ranking.query import Query
from core.ranking.registry import CHANNELS


@dataclass(eq=False)
class ScoreBatch:
    """Channel scores of ``n_queries`` queries.

    ``names``: the channels that scored at least one query (registry order); ``raw``: (n_channels,
    n_queries, n_items) float64, zero where a channel did not score a query; ``applies``: (n_channels,
    n_queries) bool; ``dropped[i]``: query ``i``'s reason codes by channel; ``seconds``: time per channel.
    """

    names: tuple[str, ...]
    raw: np.ndarray
    applies: np.ndarray
    dropped: list[dict[str, str]]
    n_items: int
    seconds: dict[str, float] = field(default_factory=dict)
    cache: dict[Any, np.ndarray] = field(default_factory=dict, repr=False)
    """Derived matrices (normalisations, ranks, RRF terms, eligibility), filled by :mod:`core.ranking.fusion`."""

    @property
    def n_queries(self) -> int:
        """Number of queries in the batch."""
        return len(self.dropped)

    @classmethod
    def from_arrays(
        cls, scores: Mapping[str, np.ndarray], dropped: Mapping[str, str] | None = None
    ) -> ScoreBatch:
        """A batch of one query from ``{channel: (n_items,) scores}`` (tests, benchmarks, what-if tools)."""
        order = [c for c in CHANNELS if c in scores] + [c for c in scores if c not in CHANNELS]
        if not order:
            raise ConfigError("no channel produced scores; nothing to fuse")
        arrays = [np.asarray(scores[c], dtype=np.float64).ravel() for c in order]
        n = arrays[0].size
        if any(a.size != n for a in arrays):
            raise ConfigError("channel score arrays differ in length")
        raw = np.stack(arrays)[:, None, :]
        _check_finite(raw)
        return cls(tuple(order), raw, np.ones((len(order), 1), dtype=bool), [dict(dropped or {})], n)

    def row(self, i: int) -> ScoreBatch:
        """Query ``i`` as a batch of one (views; channels that did not score it are left out)."""
        keep = [j for j in range(len(self.names)) if self.applies[j, i]]
        raw = self.raw[keep][:, i : i + 1, :]
        return ScoreBatch(tuple(self.names[j] for j in keep), raw, np.ones((len(keep), 1), dtype=bool),
                          [dict(self.dropped[i])], self.n_items, dict(self.seconds))

    def scores(self, i: int = 0) -> dict[str, np.ndarray]:
        """Query ``i``'s raw scores by channel (only channels that scored it)."""
        return {name: self.raw[j, i] for j, name in enumerate(self.names) if self.applies[j, i]}

    def reason(self, name: str, i: int = 0) -> str | None:
        """English gloss of why ``name`` dropped out for query ``i`` (None if it scored)."""
        code = self.dropped[i].get(name)
        return None if code is None else DROP_REASONS.get(code, code)


def _check_finite(raw: np.ndarray) -> None:
    if np.isnan(raw).any() or np.isposinf(raw).any():
        raise ConfigError("channel scores must be finite (or -inf for excluded items)")


def score_queries(
    channels: Mapping[str, Channel],
    queries: Sequence[Query],
    only: Sequence[str] | None = None,
    n_items: int | None = None,
) -> ScoreBatch:
    """Score ``queries`` with every channel (or those in ``only``); each channel scores the queries it
    accepts in one call, and every query keeps the reason code of each channel that dropped out.

    Memory: one (n_queries, n_items) float64 matrix per channel; callers batch their queries.
    """
    queries = list(queries)
    n = len(queries)
    names: list[str] = []
    blocks: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    dropped: list[dict[str, str]] = [{} for _ in range(n)]
    seconds: dict[str, float] = {}
    width = -1 if n_items is None else int(n_items)
    for name, channel in channels.items():
        if only is not None and name not in only:
            continue
        t0 = time.perf_counter()
        ok = np.zeros(n, dtype=bool)
        for i, q in enumerate(queries):
            reason = channel.why_not(q)
            if reason is None:
                ok[i] = True
            else:
                dropped[i][name] = reason
        rows = np.flatnonzero(ok)
        if rows.size == 0:
            continue
        try:
            block = np.asarray(channel.score([queries[i] for i in rows]), dtype=np.float64)
        except ChannelNotApplicable as exc:  # a channel changed its mind: score one by one
            block, ok = _one_by_one(channel, queries, rows, ok, dropped, name, exc)
            rows = np.flatnonzero(ok)
            if rows.size == 0:
                continue
        width = block.shape[1]
        full = block if rows.size == n else np.zeros((n, width), dtype=np.float64)
        if rows.size != n:
            full[rows] = block
        names.append(name)
        blocks.append(full)
        masks.append(ok)
        seconds[name] = time.perf_counter() - t0
    if not names:
        width = max(width, 0)
        return ScoreBatch((), np.zeros((0, n, width)), np.zeros((0, n), dtype=bool), dropped, width, seconds)
    raw = np.stack(blocks)
    _check_finite(raw)
    return ScoreBatch(tuple(names), raw, np.stack(masks), dropped, raw.shape[2], seconds)


def _one_by_one(
    channel: Channel, queries: list[Query], rows: np.ndarray, ok: np.ndarray, dropped: list[dict[str, str]],
    name: str, first: ChannelNotApplicable,
) -> tuple[np.ndarray, np.ndarray]:
    ok = ok.copy()
    kept: list[np.ndarray] = []
    for i in rows:
        try:
            kept.append(np.asarray(channel.score([queries[int(i)]]), dtype=np.float64)[0])
        except ChannelNotApplicable as exc:
            ok[i] = False
            dropped[int(i)][name] = exc.code
    if not kept:
        return np.zeros((0, 0)), ok
    return np.stack(kept), ok
