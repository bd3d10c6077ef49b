"""Rejected records at bounded memory: what a reader could not parse (:class:`Malformed`, kept compactly
as Arrow chunks instead of one Python object per record), and the on-disk CSV of every rejected row
(:class:`RejectedWriter`, written in chunks; :func:`new_rejected_path` places it in the workspace).

A junk file costs a bounded amount: the loaders keep the first ``MAX_KEPT`` problems and rejected rows
in memory (what the Data page shows and the CLI prints), count the rest exactly, and write all rejected
rows to a file (:func:`core.data.validation.build_report`).
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.common.config import workspace_dir
from core.common.csv_safe import FORMULA_START, escape_formula
from core.data.report import MAX_VALUE_CHARS, REASONS, IngestError, Problem

if TYPE_CHECKING:
    from core.data.pseudonyms import Hider

MAX_KEPT = 1000
"""Default number of problems and of rejected rows a report keeps in memory (the rest are counted and
written to the rejected-rows file); a deployment sets another with ``INTERESTLENS_MAX_PROBLEMS``."""
ENV_MAX_KEPT = "INTERESTLENS_MAX_PROBLEMS"
MAX_KEPT_LIMIT = 1_000_000
"""The most problems a report may be asked to keep (its memory grows with this number)."""
CHUNK_ROWS = 50_000
"""Rows per chunk when the rejected-rows file is written."""
REJECTED_DIR = "rejected"
"""Folder of the workspace that holds the rejected-rows files of uploads."""
REJECTED_MAX_AGE = 86_400.0
"""Rejected-rows files older than this (seconds) are deleted when a new one is written."""

RAW, LINE, REASON = "\x00raw", "\x00line", "\x00reason"
"""Keys of the columns a rejected row gets besides the file's own (named by :func:`extra_names`)."""

_FLUSH = 8192
_FORMULA_FIRST = frozenset(FORMULA_START)
_WORD = pa.dictionary(pa.int32(), pa.string())  # a few distinct values repeated on every record
_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("code", _WORD),
        ("reason", _WORD),
        ("raw", pa.large_string()),  # null when it is ``sep.join(cells)``
        ("cells", pa.list_(pa.large_string())),
        ("column", _WORD),
        ("sep", _WORD),
    ]
)
_SEPARATORS = (",", "\t", ";", "|", "::", "\x1f", " ")


class Malformed:
    """Records a reader could not split into the header's columns, collected compactly.

    ``problems`` holds the first ``keep`` records as :class:`Problem` (value: the raw record); every record's
    line, code, reason, cells and raw text go into Arrow chunks of ``8192`` records (bytes, not Python
    objects; the codes and reasons dictionary-encoded, the raw text left out when it is the cells joined by
    the file's delimiter), from which :meth:`rejected` builds the :class:`MalformedRows` of a ``RawTable``.
    """

    def __init__(self, keep: int | None = None) -> None:
        self.keep = default_max_kept() if keep is None else keep
        self.problems: list[Problem] = []
        self.count = 0
        self._pending: list[tuple[int, str, str, str | None, list[str], str, str]] = []
        self._batches: list[pa.RecordBatch] = []
        self._sep: str | None = None  # the delimiter the records' raw text is joined with, once seen

    def add(self, line: int, raw: str, cells: list[str], code: str, column: str = "", **params: Any) -> None:
        """Record the malformed record ``raw`` starting on ``line``, rejected for ``code`` (``column``: the
        cell at fault, when one is: a NUL byte, an oversized cell)."""
        reason = REASONS[code].format(**params)
        if len(self.problems) < self.keep:
            self.problems.append(Problem(line, column, raw[:MAX_VALUE_CHARS], reason, code))
        self.count += 1
        texts = [str(c) for c in cells]
        sep = self._separator(raw, texts)
        self._pending.append((line, code, reason, None if sep is not None else raw, texts, column, sep or ""))
        if len(self._pending) >= _FLUSH:
            self._flush()

    def _separator(self, raw: str, cells: list[str]) -> str | None:
        """The separator ``raw`` is ``cells`` joined with (then ``raw`` need not be stored), else None."""
        if not cells:
            return None
        if self._sep is not None and self._sep.join(cells) == raw:
            return self._sep
        if len(cells) == 1:
            return "" if cells[0] == raw else None
        for sep in _SEPARATORS:
            if sep.join(cells) == raw:
                self._sep = sep
                return sep
        return None

    def _flush(self) -> None:
        if not self._pending:
            return
        cols = list(zip(*self._pending, strict=True))
        arrays = [
            pa.array(list(col), typ.value_type).dictionary_encode()
            if pa.types.is_dictionary(typ)
            else pa.array(list(col), typ)
            for col, typ in zip(cols, _SCHEMA.types, strict=True)
        ]
        self._batches.append(pa.RecordBatch.from_arrays(arrays, schema=_SCHEMA))
        self._pending = []

    def rejected(self, names: list[str]) -> MalformedRows | None:
        """Every record under the header ``names`` (``None`` when every record parsed)."""
        self._flush()
        if not self.count:
            return None
        return MalformedRows(names, pa.Table.from_batches(self._batches, _SCHEMA))  # chunks kept: no copy


class MalformedRows:
    """The malformed records of one file under its header: one compact Arrow table (line, code, reason,
    raw text, cells, the column at fault -- "" when the record could not be split into the header's
    columns), read back a few rows at a time."""

    def __init__(self, names: list[str], table: pa.Table) -> None:
        self.names = list(names)
        self.table = table

    @property
    def count(self) -> int:
        """Number of malformed records."""
        return int(self.table.num_rows)

    def __len__(self) -> int:
        return self.count

    def lines(self) -> np.ndarray:
        """The line of each record (in file order)."""
        return np.asarray(self.table.column("line").to_numpy(), dtype=np.int64)

    def code_counts(self) -> dict[str, int]:
        """How many records of each problem code."""
        counts: dict[str, int] = {}
        for (code, _column, _reason), n in self.reason_counts().items():
            counts[code] = counts.get(code, 0) + n
        return counts

    def reason_counts(self) -> dict[tuple[str, str, str], int]:
        """How many records per (code, column at fault or "", reason), counted chunk by chunk on the
        dictionary codes (each chunk has its own dictionaries)."""
        out: dict[tuple[str, str, str], int] = {}
        names = ("code", "column", "reason")
        columns = [self.table.column(name) for name in names]
        for chunks in zip(*(col.chunks for col in columns), strict=True):
            if not len(chunks[0]):
                continue
            words = [c.dictionary.to_pylist() for c in chunks]
            sizes = [max(len(w), 1) for w in words]
            index = [np.asarray(c.indices.to_numpy(zero_copy_only=False), dtype=np.int64) for c in chunks]
            combined = (index[0] * sizes[1] + index[1]) * sizes[2] + index[2]  # one int per combination
            counts = np.bincount(combined, minlength=sizes[0] * sizes[1] * sizes[2])
            for flat in np.flatnonzero(counts).tolist():
                a, rest = divmod(flat, sizes[1] * sizes[2])
                b, c = divmod(rest, sizes[2])
                key = (str(words[0][a]), str(words[1][b] or ""), str(words[2][c]))
                out[key] = out.get(key, 0) + int(counts[flat])
        return out

    def _taken(self, positions: np.ndarray, names: tuple[str, ...]) -> dict[str, Any]:
        """Columns ``names`` of the records at ``positions``: ``cells`` as one Arrow list array, the others as
        Python lists (dictionary columns decoded by Arrow), ``raw`` rebuilt where only the cells were kept."""
        wanted = set(names) | ({"cells", "sep"} if "raw" in names else set())
        taken = self.table.select([c for c in self.table.column_names if c in wanted]).take(
            pa.array(np.asarray(positions, dtype=np.int64))
        )
        rows: dict[str, Any] = {}
        for name, column in zip(taken.column_names, taken.columns, strict=True):
            if name == "cells":
                rows[name] = column.combine_chunks()
                continue
            if pa.types.is_dictionary(column.type):
                column = pc.cast(column, column.type.value_type)
            rows[name] = column.to_pylist()
        if "raw" in names:
            rows["raw"] = [
                raw if raw is not None else (sep or "").join(cells or [])
                for raw, sep, cells in zip(rows["raw"], rows["sep"], rows["cells"].to_pylist(), strict=True)
            ]
        return rows

    def _cells(self, cells: pa.Array) -> list[list[str]]:
        """Each header position's cell of every record ("" where a record is shorter), without a Python
        loop over the records."""
        k, n = len(cells), len(self.names)
        lengths = np.asarray(pc.fill_null(pc.list_value_length(cells), 0).to_numpy(zero_copy_only=False), np.int64)
        flat = np.empty(int(lengths.sum()), dtype=object)
        flat[:] = pc.list_flatten(cells).to_pylist()
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        out = []
        for j in range(n):
            has = lengths > j
            column = np.full(k, "", dtype=object)
            column[has] = flat[starts[has] + j]
            out.append(column.tolist())
        return out

    def problems(self, positions: np.ndarray, hide: Hider | None = None) -> list[Problem]:
        """The :class:`Problem` of each record at ``positions``: its value is the raw record. With ``hide``
        (pseudonymisation) a record with a cell at fault (aligned with the header) shows that cell (a
        pseudonym in the user column); any other record holds the id somewhere, so its value is withheld."""
        rows = self._taken(positions, ("line", "code", "reason", "raw", "column", "cells"))
        cells = self._cells(rows["cells"])
        out = []
        for i, (line, code, reason, raw, column) in enumerate(
            zip(rows["line"], rows["code"], rows["reason"], rows["raw"], rows["column"], strict=True)
        ):
            column = column or ""
            if hide is None:
                out.append(Problem(line, column, raw[:MAX_VALUE_CHARS], reason, code))
            elif column in self.names:
                cell = cells[self.names.index(column)][i]
                out.append(Problem(line, column, hide(column, [cell])[0][:MAX_VALUE_CHARS], reason, code))
            else:
                out.append(Problem(line, column, "", reason, code, redacted=True))
        return out

    def columns(self, positions: np.ndarray, hide: Hider | None, with_raw: bool) -> dict[str, list[Any]]:
        """The records at ``positions`` as rejected rows, column by column: cells padded to the header, ``raw``
        (if ``with_raw``), ``line``, ``reason``. With ``hide`` the user column shows pseudonyms and the raw
        text is dropped; a record that could not be split into the header's columns (no cell at fault)
        keeps only that pseudonym -- which of its cells holds (part of) the id is unknown."""
        wanted = ("line", "reason", "column", "cells") + (("raw",) if with_raw and hide is None else ())
        rows = self._taken(positions, wanted)
        aligned = np.asarray([bool(c) for c in rows["column"]], dtype=bool)
        out: dict[str, list[Any]] = {}
        for name, values in zip(self.names, self._cells(rows["cells"]), strict=True):
            if hide is not None:
                if name == hide.column:
                    values = hide(name, values)
                elif not aligned.all():
                    values = np.where(aligned, np.asarray(values, dtype=object), "").tolist()
            out[name] = values
        if with_raw:
            out[RAW] = [""] * len(rows["line"]) if hide is not None else rows["raw"]
        out[LINE] = rows["line"]
        out[REASON] = rows["reason"]
        return out


# --- the rejected-rows file -------------------------------------------------------------------------


def default_max_kept() -> int:
    """How many problems / rejected rows a report keeps: ``$INTERESTLENS_MAX_PROBLEMS`` (1 to 1,000,000) or
    :data:`MAX_KEPT` (also when the variable is not such a number)."""
    text = os.environ.get(ENV_MAX_KEPT, "").replace(",", "").replace("_", "").strip()
    if text.isdigit() and len(text) <= 7 and 1 <= int(text) <= MAX_KEPT_LIMIT:
        return int(text)
    return MAX_KEPT


def extra_names(columns: list[str]) -> dict[str, str]:
    """The names of the ``raw``, ``line`` and ``reason`` columns of rejected rows: those words, with leading
    underscores when the file already has a column of that name."""
    taken = set(columns)
    out: dict[str, str] = {}
    for key, word in ((RAW, "raw"), (LINE, "line"), (REASON, "reason")):
        name = word
        while name in taken:
            name = "_" + name
        out[key] = name
        taken.add(name)
    return out


def rejected_dir() -> Path:
    """The workspace folder of rejected-rows files (created on demand)."""
    path = workspace_dir() / REJECTED_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def prune_rejected(max_age: float = REJECTED_MAX_AGE, now: float | None = None) -> int:
    """Delete rejected-rows files older than ``max_age`` seconds; how many were deleted."""
    limit = (time.time() if now is None else now) - max_age
    removed = 0
    for path in rejected_dir().glob("rejected-*.csv"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def new_rejected_path(name: str = "") -> Path:
    """A new, empty file for the rejected rows of the file ``name`` in the workspace (older ones pruned)."""
    prune_rejected()
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(name).stem)[:40] or "data"
    fd, path = tempfile.mkstemp(prefix=f"rejected-{stem}-", suffix=".csv", dir=rejected_dir())
    os.close(fd)
    return Path(path)


def escape_cells(values: list[Any]) -> list[Any]:
    """``values`` with each text a spreadsheet would run as a formula escaped
    (:func:`core.common.csv_safe.escape_formula`); only cells starting like a formula are looked at."""
    return [escape_formula(v) if isinstance(v, str) and v[:1] in _FORMULA_FIRST else v for v in values]


def _escape_texts(values: list[str]) -> list[str]:
    """:func:`escape_cells` for a column known to hold only strings."""
    return [escape_formula(v) if v[:1] in _FORMULA_FIRST else v for v in values]


class RejectedWriter:
    """Writes rejected rows as one CSV (UTF-8 with BOM, formulas escaped like every download), chunk by chunk."""

    def __init__(self, path: Path | str, columns: list[str], numeric: Collection[str] = ()) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.numeric = frozenset(numeric)  # columns of numbers (never escaped)
        self.rows = 0
        self._fh: IO[str] | None = None
        self._writer: Any = None

    def __enter__(self) -> RejectedWriter:
        try:
            self._fh = open(self.path, "w", encoding="utf-8", errors="replace", newline="")
        except OSError as exc:
            raise IngestError(
                f"cannot write the rejected rows to {self.path} ({exc.strerror or exc})",
                "rejected_unwritable",
                name=str(self.path),
            ) from exc
        self._fh.write("\ufeff")  # the BOM Excel needs to pick UTF-8 (written once: utf-8-sig is slower per write)
        self._writer = csv.writer(self._fh, lineterminator="\n")  # the dialect pandas' to_csv writes
        self._writer.writerow(escape_cells(self.columns))
        return self

    def write(self, columns: dict[str, list[Any]]) -> None:
        """Append rows given column by column (the keys must be ``columns``), formulas escaped."""
        if self._fh is None:
            raise RuntimeError("RejectedWriter used outside its with-block")
        cols = [columns[name] if name in self.numeric else _escape_texts(columns[name]) for name in self.columns]
        n = len(cols[0]) if cols else 0
        if n:
            self._writer.writerows(zip(*cols, strict=True))
            self.rows += n

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if exc_type is not None:  # no half-written file is left behind
            self.path.unlink(missing_ok=True)
