"""Row validation: the checks that reject a row (each with a stable problem code), duplicate detection,
and the :class:`~core.data.report.LoadReport` built from them.

A loader parses its columns (:mod:`core.data.cells`), adds one boolean mask per check to a
:class:`Checks` collector, keeps the rows no mask hit, and calls :func:`build_report`, which turns
every hit cell into a :class:`~core.data.report.Problem` (exact line, raw value, reason) and every
rejected row into a line of the rejected-rows table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.common.artefacts import as_text_array
from core.data.arrow import bool_mask
from core.data.cells import column_text, parse_numbers, parse_timestamps, trimmed_cells
from core.data.report import MAX_VALUE_CHARS, REASONS, LoadReport, Problem
from core.data.table import RawTable

MAX_RATING = 1e6
"""Ratings above this are rejected (``rating_too_large``)."""
FUTURE_SLACK_SECONDS = 86_400.0
"""Timestamps later than now + this are rejected (``timestamp_future``): one day of clock skew."""

Hider = Callable[[str, list[str]], list[str]]
"""Rewrites the values of one column before they are shown (pseudonymised ids stay hidden)."""


class Checks:
    """Collects (mask, column, code, reason-params) for one table and turns them into problems."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.entries: list[tuple[np.ndarray, str, str, dict[str, Any], np.ndarray | None]] = []

    def add(
        self, mask: np.ndarray, column: str, code: str, ref: np.ndarray | None = None, **params: Any
    ) -> None:
        """Reject the rows where ``mask`` is set for ``code`` (``ref``: the earlier row each one repeats)."""
        if mask.any():
            self.entries.append((mask, column, code, params, ref))

    def bad(self) -> np.ndarray:
        """Rows hit by at least one check."""
        out = np.zeros(self.n, dtype=bool)
        for mask, *_ in self.entries:
            out |= mask
        return out

    def ratings(self, raw: RawTable, column: str) -> np.ndarray:
        """Parse a rating column; reject empty, NaN, non-numeric, infinite, negative and > 1e6 values."""
        num = parse_numbers(trimmed_cells(raw, column))
        rating = num.values
        self.add(num.nan_token, column, "rating_nan")
        self.add(num.missing & ~num.nan_token, column, "rating_missing")
        self.add(num.not_numeric, column, "rating_not_numeric")
        self.add(~num.missing & ~num.not_numeric & np.isnan(rating), column, "rating_nan")
        with np.errstate(invalid="ignore"):
            self.add(np.isinf(rating), column, "rating_infinite")
            self.add(np.isfinite(rating) & (rating < 0), column, "rating_negative")
            self.add(np.isfinite(rating) & (rating > MAX_RATING), column, "rating_too_large")
        return rating

    def timestamps(self, raw: RawTable, column: str, now: float | None = None) -> np.ndarray:
        """Parse a timestamp column (epoch seconds); reject unparseable, pre-1970 and future values
        (later than ``now`` -- the current time when ``None`` -- plus one day)."""
        timestamp, unparseable = parse_timestamps(trimmed_cells(raw, column))
        limit = (time.time() if now is None else now) + FUTURE_SLACK_SECONDS
        self.add(unparseable, column, "timestamp_unparseable")
        with np.errstate(invalid="ignore"):
            self.add(timestamp < 0, column, "timestamp_before_1970")
            self.add(timestamp > limit, column, "timestamp_future")
        return timestamp


def in_catalogue(values: pa.Array, known_items: Collection[str] | pd.Series | np.ndarray | pd.Index) -> np.ndarray:
    """Which ``values`` (item ids) are among ``known_items``."""
    if isinstance(known_items, pd.Index):
        known_items = pd.Series(known_items)
    elif not isinstance(known_items, (pd.Series, np.ndarray)):
        known_items = list(known_items)
    return bool_mask(pc.is_in(values, value_set=as_text_array(known_items)))


def build_report(
    raw: RawTable,
    kind: str,
    checks: Checks,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    hide: Hider | None = None,
) -> LoadReport:
    """Build the :class:`LoadReport`: problems sorted by line, rejected rows with line and joined reasons."""
    problems: list[Problem] = list(raw.parse_problems)
    reasons: dict[int, list[str]] = {}
    if checks.entries:
        lines = raw.line_numbers()
        for mask, column, code, params, ref in checks.entries:
            idx = np.flatnonzero(mask)
            values = [str(v) for v in pc.take(column_text(raw, column), pa.array(idx)).to_pylist()]
            if hide is not None:
                values = hide(column, values)
            refs = ref[idx] if ref is not None else None
            for j, i in enumerate(idx):
                ref_line = int(lines[refs[j]]) if refs is not None else None
                reason = REASONS[code].format(ref=ref_line, **params)
                problems.append(
                    Problem(int(lines[i]), column, values[j][:MAX_VALUE_CHARS], reason, code, ref_line)
                )
                reasons.setdefault(int(i), []).append(reason)
    problems.sort(key=lambda p: p.row)
    parts: list[pd.DataFrame] = []
    if reasons:
        bad_idx = np.array(sorted(reasons), dtype=np.int64)
        rej = raw.table.take(pa.array(bad_idx)).to_pandas().astype(object)
        rej.columns = pd.Index(raw.columns, dtype=object)
        if hide is not None:
            for col in rej.columns:
                rej[col] = hide(str(col), [str(v) for v in rej[col]])
        rej["line"] = raw.line_numbers()[bad_idx]
        rej["reason"] = ["; ".join(reasons[int(i)]) for i in bad_idx]
        parts.append(rej)
    if raw.parse_rejected is not None and len(raw.parse_rejected):
        parts.append(raw.parse_rejected)
    if parts:
        rejected = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        rejected = rejected.sort_values("line", kind="stable").reset_index(drop=True)
        front = [c for c in rejected.columns if c not in ("raw", "line", "reason")]
        rejected = rejected[front + [c for c in ("raw", "line", "reason") if c in rejected.columns]]
    else:
        rejected = pd.DataFrame(columns=pd.Index([*raw.columns, "line", "reason"], dtype=object))
    return LoadReport(
        kind=kind,
        frame=frame,
        problems=problems,
        rejected=rejected,
        rows_total=raw.rows_total,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        file_format=raw.file_format,
        mapping=mapping,
        name=raw.name,
    )


def restrict_codes(codes: np.ndarray, values: pa.Array, good: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """The dictionary encoding of the ``good`` rows only (values no good row uses are dropped)."""
    if good.all():
        return codes, values
    kept = codes[good]
    used = np.bincount(kept, minlength=len(values)) > 0
    if used.all():
        return kept, values
    remap = np.cumsum(used) - 1
    return remap[kept], pc.filter(values, pa.array(used))


_MIX = np.uint64(0x9E3779B97F4A7C15)


def duplicates(keys: list[np.ndarray], candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (among ``candidates``) repeating an earlier candidate's key; and the earlier row of each.

    Keys are int codes or floats (NaN equals NaN). A cheap 64-bit mix of the keys is sorted to find
    colliding values (usually none); only rows with a colliding mix are compared exactly.
    """
    n = len(keys[0])
    dup = np.zeros(n, dtype=bool)
    ref = np.zeros(n, dtype=np.int64)
    every = bool(candidates.all())
    idx = np.arange(n) if every else np.flatnonzero(candidates)
    if len(idx) < 2:
        return dup, ref
    if len(keys) >= 2 and keys[0].dtype.kind in "iu" and keys[1].dtype.kind in "iu":
        # shortcut: if no (first, second) code pair repeats (a user rates an item once), nothing can
        first, second = (keys[0], keys[1]) if every else (keys[0][idx], keys[1][idx])
        width = int(second.max()) + 1 if len(second) else 1
        if int(first.max()) < (2**62) // width:
            pairs = np.sort(first.astype(np.int64) * width + second)
            if not (pairs[1:] == pairs[:-1]).any():
                return dup, ref
    mixed = np.zeros(len(idx), dtype=np.uint64)
    for key in keys:
        part = key if every else key[idx]
        if part.dtype.kind == "f":
            bits = np.where(np.isnan(part), np.inf, part + 0.0).view(np.uint64)  # NaN == NaN, -0.0 == 0.0
        else:
            bits = part.astype(np.int64, copy=False).view(np.uint64)
        mixed ^= bits
        mixed *= _MIX
        mixed ^= mixed >> np.uint64(31)
    ordered = np.sort(mixed)
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return dup, ref
    maybe = np.isin(mixed, ordered[1:][same])
    sub_idx = idx[maybe]
    sub = pd.DataFrame({f"k{j}": key[sub_idx] for j, key in enumerate(keys)})
    group = sub.groupby(list(sub.columns), dropna=False, sort=False).ngroup().to_numpy()
    first_pos = pd.Series(np.arange(len(sub_idx))).groupby(group).transform("min").to_numpy()
    is_dup = first_pos != np.arange(len(sub_idx))
    dup[sub_idx[is_dup]] = True
    ref[sub_idx[is_dup]] = sub_idx[first_pos[is_dup]]
    return dup, ref
