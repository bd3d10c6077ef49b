"""Balanced, seeded display samples: draw a fair subset of many points for a chart, never "first N".

The map can hold far more items than a browser draws comfortably, and users and items differ in
number by orders of magnitude. :func:`stratified_sample` picks a subset of one population (items by
category, users by history-interest cluster, ...) so that

- each stratum gets a share **proportional** to its size, but never fewer than ``min_per_stratum``
  points (or the whole stratum when it is smaller): small genres stay visible;
- the allocation is found by water-filling (one scale factor ``s`` with
  ``sum_i clip(s * size_i, floor_i, size_i) = n``) and rounded by largest remainder, so the total is
  exactly ``n``;
- inside a stratum the points are a seeded random permutation (the seed mixes ``seed`` with a CRC of
  the stratum's label), so the same inputs always give the same sample, and raising ``n`` never
  reshuffles a stratum: it takes a longer prefix of the same permutation, so points stay on screen;
- indices in ``always`` (a clicked point, its neighbours, recommendations) are added on top.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SampleReport:
    """What a stratified sample drew: per-stratum population and sample sizes."""

    labels: tuple[str, ...]
    population: tuple[int, ...]
    drawn: tuple[int, ...]
    pinned: int

    @property
    def total(self) -> int:
        """Number of indices returned (drawn + pinned extras)."""
        return int(sum(self.drawn)) + self.pinned


def allocate(sizes: Sequence[int] | np.ndarray, n: int, min_per_stratum: int = 5) -> np.ndarray:
    """Per-stratum sample sizes summing to ``min(n, sum(sizes))``: proportional, with a floor.

    The floor of a stratum is ``min(size, min_per_stratum)``. When the floors alone exceed ``n``, the
    budget is shared out as evenly as possible instead (each stratum gets ``n // strata`` or one more,
    larger strata first), capped by stratum size.
    """
    caps = np.asarray(sizes, dtype=np.int64)
    if caps.ndim != 1 or (caps < 0).any():
        raise ValueError("sizes must be a 1-d array of non-negative counts")
    total = int(caps.sum())
    n = int(max(0, min(n, total)))
    if n == total:
        full: np.ndarray = caps.copy()
        return full
    if n == 0:
        return np.zeros_like(caps)
    floors = np.minimum(caps, max(0, int(min_per_stratum)))
    if floors.sum() >= n:
        return _even_split(caps, n)
    # Water-filling on the continuous allocation clip(s * size, floor, size), then largest remainder.
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if np.clip(mid * caps, floors, caps).sum() > n:
            hi = mid
        else:
            lo = mid
    target = np.clip(hi * caps, floors, caps)
    alloc: np.ndarray = np.maximum(np.minimum(np.floor(target).astype(np.int64), caps), floors)
    remainder = n - int(alloc.sum())
    if remainder > 0:
        frac = target - np.floor(target)
        order = np.lexsort((np.arange(len(caps)), -caps, -frac))  # biggest fraction, then biggest stratum
        for i in order:
            if remainder == 0:
                break
            if alloc[i] < caps[i]:
                alloc[i] += 1
                remainder -= 1
    elif remainder < 0:  # rounding overshoot: take back from the strata furthest above their floor
        order = np.lexsort((np.arange(len(caps)), -(alloc - floors)))
        for i in order:
            if remainder == 0:
                break
            if alloc[i] > floors[i]:
                alloc[i] -= 1
                remainder += 1
    return alloc


def _even_split(caps: np.ndarray, n: int) -> np.ndarray:
    """Share ``n`` as evenly as possible over strata, capped by their sizes (larger strata first)."""
    alloc = np.zeros_like(caps)
    left = n
    order = np.lexsort((np.arange(len(caps)), -caps))
    while left > 0:
        open_ = [i for i in order if alloc[i] < caps[i]]
        if not open_:
            break
        share = max(1, left // len(open_))
        for i in open_:
            take = int(min(share, caps[i] - alloc[i], left))
            alloc[i] += take
            left -= take
            if left == 0:
                break
    return alloc


def _stratum_seed(seed: int, label: str) -> int:
    return (int(seed) * 1_000_003 + zlib.crc32(label.encode("utf-8"))) % (2**63)


def stratified_sample(
    labels: Sequence[object] | np.ndarray,
    n: int,
    *,
    min_per_stratum: int = 5,
    seed: int = 0,
    always: Iterable[int] = (),
) -> tuple[np.ndarray, SampleReport]:
    """Indices (sorted int64) of a stratified sample of size ``n`` over ``labels``, plus a report.

    ``labels[i]`` is point *i*'s stratum (anything with a string form; ``None``/NaN become ``""``).
    See the module docstring for the allocation rule. ``always`` indices are included in addition.
    """
    keys = np.array(["" if _missing(v) else str(v) for v in labels], dtype=object)
    uniq, inverse = np.unique(keys.astype(str), return_inverse=True)
    sizes = np.bincount(inverse, minlength=len(uniq))
    alloc = allocate(sizes, n, min_per_stratum)
    chosen: list[np.ndarray] = []
    for s, label in enumerate(uniq):
        if alloc[s] == 0:
            continue
        members = np.flatnonzero(inverse == s)
        perm = np.random.default_rng(_stratum_seed(seed, str(label))).permutation(len(members))
        chosen.append(members[perm[: alloc[s]]])
    drawn = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    pinned = np.array(sorted({int(i) for i in always if 0 <= int(i) < len(keys)}), dtype=np.int64)
    extra = np.setdiff1d(pinned, drawn)
    result = np.union1d(drawn, extra).astype(np.int64)
    report = SampleReport(labels=tuple(str(u) for u in uniq), population=tuple(int(x) for x in sizes),
                          drawn=tuple(int(x) for x in alloc), pinned=len(extra))
    return result, report


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)
