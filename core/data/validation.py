"""Row validation: the checks that reject a row (each with a stable problem code), duplicate detection,
and the :class:`~core.data.report.LoadReport` built from them.

A loader parses its columns (:mod:`core.data.cells`), adds one boolean mask per check to a
:class:`Checks` collector, keeps the rows no mask hit, and calls :func:`build_report`, which turns
the first ``max_kept`` hit cells into :class:`~core.data.report.Problem` objects (exact line, raw value,
reason) and the first ``max_kept`` rejected rows into the rejected-rows table, counts all of them
exactly, and writes every rejected row to a CSV file (:mod:`core.data.rejects`) when there are more
than it keeps or a path is asked for. Memory is bounded: the masks are one byte per row and nothing
is built per rejected row beyond the kept ones (the file is written in chunks).

With a :class:`~core.data.pseudonyms.Hider` (pseudonymisation) no raw user id reaches a problem, a
rejected row or the file: see :mod:`core.data.pseudonyms` for what is hidden where.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.common.artefacts import as_text_array
from core.data.arrow import bool_mask
from core.data.cells import column_text, is_missing, parse_numbers, read_timestamps, trimmed_cells
from core.data.pseudonyms import Hider
from core.data.read_options import DATE_PATTERNS
from core.data.rejects import (
    CHUNK_ROWS,
    LINE,
    RAW,
    REASON,
    RejectedWriter,
    default_max_kept,
    extra_names,
    new_rejected_path,
)
from core.data.report import MAX_VALUE_CHARS, REASONS, LoadReport, Notice, Problem, Tally
from core.data.table import RawTable

MAX_RATING = 1e6
"""Ratings above this are rejected (``rating_too_large``)."""
FUTURE_SLACK_SECONDS = 86_400.0
"""Timestamps later than now + this are rejected (``timestamp_future``): one day of clock skew."""
_NAN_WORDS = pa.array(["nan", "+nan", "-nan"], pa.large_string())

_Entry = tuple[np.ndarray, str, str, dict[str, Any], np.ndarray | None]


class Checks:
    """Collects (mask, column, code, reason-params) for one table and turns them into problems."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.entries: list[_Entry] = []
        self.notices: list[Notice] = []  # column-wide decisions (the date order of a timestamp column)

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
        """Parse a timestamp column (epoch seconds); reject a missing time like a missing rating -- empty or
        an NA spelling (``timestamp_missing``), a literal NaN (``timestamp_nan``) -- and unparseable,
        pre-1970 and future values (later than ``now`` -- the current time when ``None`` -- plus one day)."""
        cells = trimmed_cells(raw, column)
        parsed = read_timestamps(cells, raw.date_format, column=column, lines=raw.line_numbers)
        timestamp, unparseable = parsed.seconds, parsed.unparseable  # one day/month order per column
        self.notices.extend(parsed.notices)
        self.add(parsed.misordered, column, "date_order", order=DATE_PATTERNS.get(parsed.order, parsed.order))
        missing, nan_word = self._missing_times(cells, timestamp)
        limit = (time.time() if now is None else now) + FUTURE_SLACK_SECONDS
        self.add(missing, column, "timestamp_missing")
        self.add(nan_word, column, "timestamp_nan")
        self.add(unparseable & ~missing & ~nan_word, column, "timestamp_unparseable")
        with np.errstate(invalid="ignore"):
            self.add(timestamp < 0, column, "timestamp_before_1970")
            self.add(timestamp > limit, column, "timestamp_future")
        return timestamp

    @staticmethod
    def _missing_times(cells: pa.Array, timestamp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(no value, a NaN spelling) among the cells whose time is NaN (looked at only there)."""
        missing = np.zeros(len(timestamp), dtype=bool)
        nan_word = np.zeros(len(timestamp), dtype=bool)
        idx = np.flatnonzero(np.isnan(timestamp))
        if len(idx):
            sub = pc.take(cells, pa.array(idx))
            is_nan = bool_mask(pc.is_in(pc.utf8_lower(sub), value_set=_NAN_WORDS))
            nan_word[idx] = is_nan
            missing[idx] = is_missing(sub) & ~is_nan
        return missing, nan_word


def in_catalogue(values: pa.Array, known_items: Collection[str] | pd.Series | np.ndarray | pd.Index) -> np.ndarray:
    """Which ``values`` (item ids) are among ``known_items``."""
    if isinstance(known_items, pd.Index):
        known_items = pd.Series(known_items)
    elif not isinstance(known_items, (pd.Series, np.ndarray)):
        known_items = list(known_items)
    return bool_mask(pc.is_in(values, value_set=as_text_array(known_items)))


# --- the report ---------------------------------------------------------------------------------------


class _Rejected:
    """Every rejected row of one table, in line order: rows of the parsed table hit by a check, and the
    records the reader could not parse; turned into frames a chunk at a time."""

    def __init__(self, raw: RawTable, checks: Checks, hide: Hider | None, mapped: Collection[str] = ()) -> None:
        self.raw = raw
        self.checks = checks
        self.hide = hide
        self.malformed = raw.parse_rejected
        bad_idx = np.flatnonzero(checks.bad()) if checks.entries else np.empty(0, np.int64)
        self.lines = raw.line_numbers() if checks.entries else np.empty(0, np.int64)
        n_mal = self.malformed.count if self.malformed is not None else 0
        mal_lines = self.malformed.lines() if self.malformed is not None and n_mal else np.empty(0, np.int64)
        order = np.argsort(np.concatenate([self.lines[bad_idx], mal_lines]), kind="stable")
        self.from_table = order < len(bad_idx)  # else a malformed record
        self.position = np.concatenate([bad_idx, np.arange(n_mal, dtype=np.int64)])[order]
        self.count = len(order)
        self.with_raw = n_mal > 0 and hide is None
        # under pseudonymisation only the mapped columns are shown (an unmapped "email" or "name" column may
        # hold the id too, and nothing unmapped is loaded); otherwise every column of the file
        self.shown = [c for c in raw.columns if c in set(mapped)] if hide is not None else list(raw.columns)
        self.keys = [*self.shown, *([RAW] if self.with_raw else []), LINE, REASON]
        names = extra_names(raw.columns)
        self.columns = [names.get(key, key) for key in self.keys]  # what the file and the frame call them
        self.line_column = names[LINE]

    def chunk(self, start: int, stop: int) -> dict[str, list[Any]]:
        """Rejected rows ``start:stop`` (in line order), column by column (named as ``columns``)."""
        cols = self._chunk(start, stop)
        return {name: cols[key] for key, name in zip(self.keys, self.columns, strict=True)}

    def _chunk(self, start: int, stop: int) -> dict[str, list[Any]]:
        sel = slice(start, min(stop, self.count))
        from_table = self.from_table[sel]
        position = self.position[sel]
        parts: list[tuple[np.ndarray, dict[str, list[Any]]]] = []
        if from_table.any():
            parts.append((np.flatnonzero(from_table), self._table_rows(position[from_table])))
        if self.malformed is not None and not from_table.all():
            slots = np.flatnonzero(~from_table)
            parts.append((slots, self.malformed.columns(position[~from_table], self.hide, self.with_raw)))
        if len(parts) == 1:
            return parts[0][1]
        out: dict[str, list[Any]] = {}
        for name in self.keys:  # interleave the two sources back into line order
            merged = np.empty(len(position), dtype=object)
            for slots, cols in parts:
                merged[slots] = np.asarray(cols[name], dtype=object)
            out[name] = merged.tolist()
        return out

    def frame(self, start: int, stop: int) -> pd.DataFrame:
        """Rejected rows ``start:stop`` (in line order) as a frame of ``columns`` (``line`` an int column)."""
        cols = self.chunk(start, stop)
        frame = pd.DataFrame({name: pd.Series(cols.get(name, []), dtype=object) for name in self.columns})
        frame[self.line_column] = np.asarray(cols.get(self.line_column, []), dtype=np.int64)
        return frame

    def _table_rows(self, rows: np.ndarray) -> dict[str, list[Any]]:
        """Parsed rows ``rows`` (sorted) with their line and every reason that rejected them."""
        taken = self.raw.table.select(self.shown).take(pa.array(rows))
        out: dict[str, list[Any]] = {}
        for name, column in zip(self.shown, taken.columns, strict=True):
            values = [str(v) if v is not None else "" for v in column.to_pylist()]
            out[name] = self.hide(name, values) if self.hide is not None else values
        if self.with_raw:
            out[RAW] = [""] * len(rows)
        out[LINE] = self.lines[rows].tolist()
        reasons: list[list[str]] = [[] for _ in range(len(rows))]
        for mask, _column, code, params, ref in self.checks.entries:
            hit = np.flatnonzero(mask[rows])
            if ref is None:
                text = REASONS[code].format(ref=None, **params)
                for j in hit.tolist():
                    reasons[j].append(text)
            else:
                refs = self.lines[ref[rows[hit]]]
                for j, line in zip(hit.tolist(), refs.tolist(), strict=True):
                    reasons[j].append(REASONS[code].format(ref=line, **params))
        out[REASON] = ["; ".join(r) for r in reasons]
        return out


def _first_problems(raw: RawTable, checks: Checks, lines: np.ndarray, hide: Hider | None, keep: int) -> list[Problem]:
    """The first ``keep`` problems by line (a row's problems in check order; malformed records first)."""
    candidates: list[tuple[int, int, int]] = []  # (line, source: -1 malformed / entry number, position)
    malformed = raw.parse_rejected
    if malformed is not None and malformed.count:
        mal_lines = malformed.lines()[:keep]
        candidates += [(int(line), -1, i) for i, line in enumerate(mal_lines.tolist())]
    for e, (mask, *_rest) in enumerate(checks.entries):
        idx = np.flatnonzero(mask)[:keep]
        candidates += [(int(line), e, int(i)) for line, i in zip(lines[idx].tolist(), idx.tolist(), strict=True)]
    candidates.sort()
    chosen = candidates[:keep]
    by_source: dict[int, list[int]] = {}
    for _line, source, pos in chosen:
        by_source.setdefault(source, []).append(pos)
    made: dict[tuple[int, int], Problem] = {}
    for source, positions in by_source.items():
        arr = np.asarray(positions, dtype=np.int64)
        if source < 0:
            assert malformed is not None
            for pos, prob in zip(positions, malformed.problems(arr, hide), strict=True):
                made[(source, pos)] = prob
            continue
        mask, column, code, params, ref = checks.entries[source]
        values = [str(v) for v in pc.take(column_text(raw, column), pa.array(arr)).to_pylist()]
        if hide is not None:
            values = hide(column, values)
        for j, pos in enumerate(positions):
            ref_line = int(lines[ref[pos]]) if ref is not None else None
            reason = REASONS[code].format(ref=ref_line, **params)
            made[(source, pos)] = Problem(int(lines[pos]), column, values[j][:MAX_VALUE_CHARS], reason, code, ref_line)
    return [made[(source, pos)] for _line, source, pos in chosen]


def build_report(
    raw: RawTable,
    kind: str,
    checks: Checks,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    hide: Hider | None = None,
    *,
    max_kept: int | None = None,
    rejected_path: Path | str | None = None,
) -> LoadReport:
    """Build the :class:`LoadReport`: the first ``max_kept`` problems and rejected rows by line (default
    :func:`~core.data.rejects.default_max_kept`), exact counts,
    and -- when more rows were rejected than that, or ``rejected_path`` is given -- every rejected row
    written to ``rejected_path`` (else a new file in the workspace, :func:`~core.data.rejects.new_rejected_path`).
    """
    keep = default_max_kept() if max_kept is None else max(int(max_kept), 0)
    lines = raw.line_numbers() if checks.entries else np.empty(0, np.int64)
    tallies: dict[tuple[str, str, str], int] = {}
    if raw.parse_rejected is not None:
        tallies.update(raw.parse_rejected.reason_counts())
    for mask, column, code, params, ref in checks.entries:
        key = (code, column, REASONS[code].format(ref="…" if ref is not None else None, **params))
        tallies[key] = tallies.get(key, 0) + int(mask.sum())
    counts: dict[str, int] = {}
    for (code, _column, _reason), n in tallies.items():
        counts[code] = counts.get(code, 0) + n
    problems = _first_problems(raw, checks, lines, hide, keep)
    rejected_rows = _Rejected(raw, checks, hide, mapping.values())
    rejected = rejected_rows.frame(0, keep)
    rejected_file: Path | None = None
    if rejected_path is not None or rejected_rows.count > keep:
        rejected_file = Path(rejected_path) if rejected_path is not None else new_rejected_path(raw.name)
        with RejectedWriter(rejected_file, rejected_rows.columns, numeric=[rejected_rows.line_column]) as writer:
            for start in range(0, rejected_rows.count, CHUNK_ROWS):
                writer.write(rejected_rows.chunk(start, start + CHUNK_ROWS))
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
        n_rejected=rejected_rows.count,
        counts=counts,
        tallies=[Tally(code, column, reason, n) for (code, column, reason), n in tallies.items()],
        rejected_file=rejected_file,
        pseudonymised=hide is not None,
        notices=list(checks.notices),
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
