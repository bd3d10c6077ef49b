"""The :class:`RawTable`: a parsed file before column mapping (every cell a string), how its header is
cleaned (RecBole type suffixes, empty and repeated names), and the records that could not be parsed.

Row numbers: for text files a row's number is the physical line where its record starts (the header is
line 1; a headerless file's first record is line 1). Parquet, JSON arrays and in-memory frames have no
lines: there it is the record's position + 2, the line it would have in the same table saved as CSV.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data.arrow import str_frame
from core.data.rejects import Malformed as Malformed  # re-exported: the readers collect malformed records
from core.data.rejects import MalformedRows
from core.data.report import Problem

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
    parse_problems: list[Problem] = field(default_factory=list)  # the first malformed records (never in frame)
    parse_rejected: MalformedRows | None = None  # every malformed record, compactly (core.data.rejects)
    headerless: bool = False
    plain: bool = False  # True when no cell can have surrounding whitespace (lets validation skip trimming)
    date_format: str = "auto"  # how text dates are read: auto / dmy / mdy / ymd / a strftime pattern
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
        malformed = self.parse_rejected.count if self.parse_rejected is not None else len(self.parse_problems)
        return self.n_rows + malformed

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

    def without_rows(self, drop: np.ndarray, malformed: Malformed) -> RawTable:
        """A copy without the rows ``drop`` (whose records ``malformed`` reports), merged with the malformed
        records already found; every remaining row keeps its line number."""
        keep = ~drop
        lines = self.line_numbers()
        found = malformed.rejected(self.columns)
        rejected = self.parse_rejected
        if found is not None and rejected is not None:
            both = pa.concat_tables([rejected.table, found.table])
            order = pc.sort_indices(both.column("line"))
            rejected = MalformedRows(self.columns, both.take(order))
        elif found is not None:
            rejected = found
        problems = sorted([*self.parse_problems, *malformed.problems], key=lambda p: p.row)
        return replace(
            self,
            table=self.table.filter(pa.array(keep)),
            parse_problems=problems[: max(malformed.keep, len(self.parse_problems))],
            parse_rejected=rejected,
            _lines=lines[keep],
            _line_source=None,
            _frame=None,
        )


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


def named_table(columns: list[pa.Array | pa.ChunkedArray] | pa.Table, names: list[str]) -> pa.Table:
    """Give positional columns (a table's, or a list of arrays) their cleaned names, one chunk each.

    A list is combined in place, one column at a time: when the caller holds nothing else of it, only one
    column is ever in memory twice (pass ``take_columns(table)`` rather than a table to get that)."""
    arrays = [columns.column(i) for i in range(columns.num_columns)] if isinstance(columns, pa.Table) else columns
    for i, arr in enumerate(arrays):
        if isinstance(arr, pa.ChunkedArray):
            arrays[i] = arr.combine_chunks()
            del arr
    return pa.table(dict(zip(names, arrays, strict=True)))


def take_columns(table: pa.Table) -> list[pa.Array | pa.ChunkedArray]:
    """The columns of ``table`` as a list (for :func:`named_table` to combine one by one; drop the table)."""
    return [table.column(i) for i in range(table.num_columns)]
