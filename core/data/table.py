"""The :class:`RawTable`: a parsed file before column mapping (every cell a string), how its header is
cleaned (RecBole type suffixes, empty and repeated names), and the records that could not be parsed.

Row numbers: for text files a row's number is the physical line where its record starts (the header is
line 1; a headerless file's first record is line 1). Parquet, JSON arrays and in-memory frames have no
lines: there it is the record's position + 2, the line it would have in the same table saved as CSV.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from core.data.arrow import str_frame
from core.data.report import MAX_VALUE_CHARS, REASONS, Problem

RECBOLE_RE = re.compile(r"^\s*(.+?)\s*:\s*(token_seq|float_seq|token|float)\s*$", re.IGNORECASE)
"""A RecBole atomic-file header field, ``name:type`` (group 1 the name, group 2 the type)."""


@dataclass(eq=False)
class RawTable:
    """A parsed file before mapping: every cell a string (no NA), plus where each row came from."""

    name: str
    table: pa.Table  # every column a string column without nulls, named as ``columns``
    encoding: str
    delimiter: str | None
    file_format: str
    seq_columns: frozenset[str] = frozenset()  # RecBole ``token_seq`` columns (space-separated lists)
    parse_problems: list[Problem] = field(default_factory=list)  # malformed records (never in frame)
    parse_rejected: pd.DataFrame | None = None  # their cells + ``raw``, ``line``, ``reason``
    headerless: bool = False
    plain: bool = False  # True when no cell can have surrounding whitespace (lets validation skip trimming)
    _lines: np.ndarray | None = field(default=None, repr=False)
    _line_source: Callable[[], np.ndarray] | None = field(default=None, repr=False)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The parsed rows as a pandas frame of strings (built on first use; validation uses ``table``)."""
        if self._frame is None:
            columns: dict[str, Any] = {name: self.table.column(name).combine_chunks() for name in self.columns}
            frame = str_frame(columns)
            frame.columns = pd.Index(self.columns, dtype=object)
            self._frame = frame
        return self._frame

    @property
    def columns(self) -> list[str]:
        """Column names (RecBole type suffixes stripped)."""
        return [str(c) for c in self.table.column_names]

    @property
    def n_rows(self) -> int:
        """Rows parsed into ``table`` (malformed records excluded)."""
        return int(self.table.num_rows)

    @property
    def rows_total(self) -> int:
        """Records in the file: parsed rows plus malformed ones."""
        return self.n_rows + len(self.parse_problems)

    def line_numbers(self) -> np.ndarray:
        """1-based line number (or pseudo line) of each row of ``frame`` (computed on first use)."""
        if self._lines is None:
            lines: np.ndarray | None = None
            if self._line_source is not None:
                lines = self._line_source()
            if lines is None or len(lines) != self.n_rows:
                lines = np.arange(2, self.n_rows + 2, dtype=np.int64)
            self._lines = lines.astype(np.int64)
        return self._lines


def clean_header(fields: list[str]) -> tuple[list[str], frozenset[str], bool]:
    """Strip RecBole type suffixes, fill empty names, de-duplicate; also report whether it was RecBole.

    Returns (names, the RecBole ``*_seq`` columns, whether any field had a RecBole type).
    """
    names: list[str] = []
    seq: set[str] = set()
    recbole = False
    for i, raw in enumerate(fields):
        label = raw.strip().strip("\ufeff").strip()
        match = RECBOLE_RE.match(label)
        if match:
            recbole = True
            label = match.group(1)
            if match.group(2).lower().endswith("_seq"):
                seq.add(label)
        names.append(label or f"column_{i + 1}")
    seen: dict[str, int] = {}
    unique: list[str] = []
    for label in names:
        if label in seen:
            seen[label] += 1
            new = f"{label}.{seen[label]}"
            while new in seen:
                seen[label] += 1
                new = f"{label}.{seen[label]}"
            seen[new] = 0
            unique.append(new)
        else:
            seen[label] = 0
            unique.append(label)
    return unique, frozenset(seq), recbole


def named_table(columns: list[pa.Array] | pa.Table, names: list[str]) -> pa.Table:
    """Give positional columns (a table's, or a list of arrays) their cleaned names, one chunk each."""
    arrays = [columns.column(i) for i in range(columns.num_columns)] if isinstance(columns, pa.Table) else columns
    chunks = [arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr for arr in arrays]
    return pa.table(dict(zip(names, chunks, strict=True)))


@dataclass
class Malformed:
    """Records a reader could not split into the header's columns: one :class:`Problem` each, and the
    rejected-rows frame (their cells padded to the header, the raw record, its line and the reason)."""

    problems: list[Problem] = field(default_factory=list)
    _rows: list[tuple[list[str], str, int, str]] = field(default_factory=list)

    def add(self, line: int, raw: str, cells: list[str], code: str, **params: Any) -> None:
        """Record the malformed record ``raw`` starting on ``line``, rejected for ``code``."""
        reason = REASONS[code].format(**params)
        self.problems.append(Problem(line, "", raw[:MAX_VALUE_CHARS], reason, code))
        self._rows.append((cells, raw, line, reason))

    def rejected(self, names: list[str]) -> pd.DataFrame | None:
        """The rejected rows under the header ``names`` (``None`` when every record parsed)."""
        if not self._rows:
            return None
        n = len(names)
        frame = pd.DataFrame(
            [(cells + [""] * n)[:n] for cells, *_ in self._rows], columns=pd.Index(names, dtype=object), dtype=object
        )
        frame["raw"] = [row[1] for row in self._rows]
        frame["line"] = [row[2] for row in self._rows]
        frame["reason"] = [row[3] for row in self._rows]
        return frame
