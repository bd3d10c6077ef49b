"""What loading a file produced: the :class:`LoadReport` (good rows, problems, rejected rows), each
:class:`Problem` with its stable code, and the two ingestion errors.

Every bad cell becomes a :class:`Problem`: 1-based line number, column, raw value (at most
``MAX_VALUE_CHARS``; empty and ``redacted`` when it could hold a raw user id under pseudonymisation), an
English reason and a stable ``code`` (a key of :data:`REASONS`) that the UI translates. A file that yields
no table at all raises :class:`IngestError` (a :class:`~core.common.errors.DataError` with a ``code`` and
``params`` for translation); a table whose every row is bad raises :class:`NothingLoadedError`, which
carries the reports so the problems can still be shown.

A report keeps a bounded number of problems and rejected rows in memory (the first ones by line; see
:mod:`core.data.rejects`): ``rows_rejected``, ``problem_counts()`` and ``problems_total`` are exact, and
``rejected_file`` (when set) holds every rejected row.

Missing values are treated alike in every numeric column: an empty (or ``null``, ``N/A`` …) rating or
timestamp rejects its row (``rating_missing`` / ``timestamp_missing``), and so does a literal ``NaN``
(``rating_nan`` / ``timestamp_nan``). A file without a rating column is implicit feedback (weight 1); a
file without a timestamp column has no times (NaN) -- unmap the column to keep rows whose time is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from core.common.csv_safe import csv_bytes
from core.common.errors import DataError
from core.data.dataset import EncodedIds

MAX_VALUE_CHARS = 200
"""Raw values kept in a :class:`Problem` are cut to this many characters."""

REASONS: dict[str, str] = {
    "missing_id": "{role} id is missing",
    "rating_missing": "rating is empty",
    "rating_nan": "rating is NaN",
    "rating_not_numeric": "rating is not a number",
    "rating_infinite": "rating is infinite",
    "rating_negative": "rating is negative",
    "rating_too_large": "rating is larger than 1,000,000",
    "timestamp_missing": "timestamp is empty",
    "timestamp_nan": "timestamp is NaN",
    "timestamp_unparseable": "timestamp is neither a date nor a Unix time",
    "timestamp_before_1970": "timestamp is before 1970",
    "timestamp_future": "timestamp is in the future",
    "duplicate": "duplicate of line {ref} (same user, item and timestamp)",
    "duplicate_item": "item id already defined on line {ref}",
    "unknown_item": "item is not in the item table",
    "tag_missing": "tag is empty",
    "bad_field_count": "row has {found} fields but the header has {expected}",
    "bad_json": "line is not a JSON object",
    "nul_byte": "cell contains a NUL byte (binary data)",
    "cell_too_large": "cell is {size} bytes, over the limit of {limit} bytes",
    "date_order": "date does not fit the day/month order of the rest of the column ({order})",
}
"""Stable problem codes and their English reason templates (the UI translates by code)."""


class IngestError(DataError):
    """A :class:`DataError` with a stable ``code`` and format ``params`` so the UI can translate it."""

    def __init__(self, message: str, code: str = "unreadable", **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, Any] = params


class NothingLoadedError(IngestError):
    """Every row of a file was rejected; ``reports`` hold the problems so they can still be shown."""

    def __init__(self, message: str, reports: list[LoadReport], **params: Any) -> None:
        super().__init__(message, "nothing_loaded", **params)
        self.reports = reports

    @classmethod
    def for_report(cls, report: LoadReport, reports: list[LoadReport]) -> NothingLoadedError:
        """The error for ``report`` (no row loaded): its most frequent problem codes and its first problem."""
        counts = sorted(report.problem_counts().items(), key=lambda kv: -kv[1])
        top = ", ".join(f"{n} × {code}" for code, n in counts[:4])
        first = report.problems[0] if report.problems else None
        where = f"; first at line {first.row}: {first.reason}" if first else ""
        return cls(
            f"{report.name}: no usable rows — all {report.rows_total} were rejected ({top}){where}",
            reports,
            name=report.name,
            rows=report.rows_total,
        )


@dataclass(frozen=True)
class Notice:
    """Something decided about a whole column rather than one row (e.g. which date order was assumed, and
    why): a stable ``code`` and its ``params`` (the UI translates by code) and the English ``message``."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {"code": self.code, "message": self.message, "params": dict(self.params)}


@dataclass(frozen=True)
class Problem:
    """One rejected cell: where (1-based line, column), what (raw value, <= 200 chars) and why.

    ``redacted``: the value was withheld (empty) because it could hold a raw user id (a malformed record
    under pseudonymisation)."""

    row: int
    column: str
    value: str
    reason: str
    code: str = ""
    ref_row: int | None = None  # the earlier line a duplicate repeats
    redacted: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (``ref_row`` and ``redacted`` only when set)."""
        out: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "code": self.code,
        }
        if self.ref_row is not None:
            out["ref_row"] = self.ref_row
        if self.redacted:
            out["redacted"] = True
        return out


@dataclass(frozen=True)
class Tally:
    """How many problems share one code, column and reason (its line reference, if any, shown as "…")."""

    code: str
    column: str
    reason: str
    count: int


@dataclass(eq=False)
class LoadReport:
    """Result of loading one file: the canonical frame of good rows plus everything that was rejected.

    ``problems`` and ``rejected`` hold the first problems / rejected rows by line (at most the loader's
    ``max_kept`` each); ``n_rejected`` and ``counts`` are the exact totals; ``rejected_file`` is the CSV of
    every rejected row when one was written (more rows than ``max_kept``, or a path was asked for).
    """

    kind: str
    frame: pd.DataFrame
    problems: list[Problem]
    rejected: pd.DataFrame
    rows_total: int
    encoding: str
    delimiter: str | None
    file_format: str
    mapping: dict[str, str]
    name: str = ""
    encoded: EncodedIds | None = field(default=None, repr=False)  # id encoding of ``frame`` (internal)
    n_rejected: int | None = None  # exact number of rejected rows (None: ``len(rejected)``)
    counts: dict[str, int] | None = None  # exact problems per code (None: counted from ``problems``)
    tallies: list[Tally] | None = None  # exact problems per (code, column, reason) (None: from ``problems``)
    rejected_file: Path | None = None
    pseudonymised: bool = False
    notices: list[Notice] = field(default_factory=list)  # column-wide decisions (the date order assumed, why)

    @property
    def rows_loaded(self) -> int:
        """Number of rows that passed validation."""
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        """Number of rows rejected (each may carry several problems), including those not kept in memory."""
        return len(self.rejected) if self.n_rejected is None else self.n_rejected

    @property
    def problems_total(self) -> int:
        """Number of problems, including those not kept in memory."""
        return sum(self.problem_counts().values())

    @property
    def truncated(self) -> bool:
        """True when some problems or rejected rows are only counted (and in ``rejected_file``)."""
        return self.problems_total > len(self.problems) or self.rows_rejected > len(self.rejected)

    def rejected_csv(self) -> bytes:
        """Every rejected row (original columns + ``line`` + ``reason``) as UTF-8-with-BOM CSV for Excel.

        The values are the uploaded ones, so cells a spreadsheet would run as formulas are escaped
        (:func:`core.common.csv_safe.csv_bytes`). Read from ``rejected_file`` when there is one (it can be
        large: prefer the file itself).
        """
        if self.rejected_file is not None:
            return Path(self.rejected_file).read_bytes()
        return csv_bytes(self.rejected)

    def problem_counts(self) -> dict[str, int]:
        """How many problems of each code (exact, including those not kept in memory)."""
        if self.counts is not None:
            return dict(self.counts)
        counts: dict[str, int] = {}
        for prob in self.problems:
            counts[prob.code] = counts.get(prob.code, 0) + 1
        return counts

    def tally(self) -> list[Tally]:
        """Exact problem counts per (code, column, reason without its line reference), most frequent first."""
        if self.tallies is not None:
            return sorted(self.tallies, key=lambda t: -t.count)
        counts: dict[tuple[str, str, str], int] = {}
        for prob in self.problems:
            reason = REASONS[prob.code].format(ref="…") if prob.ref_row is not None else prob.reason
            key = (prob.code, prob.column, reason)
            counts[key] = counts.get(key, 0) + 1
        return sorted((Tally(*key, n) for key, n in counts.items()), key=lambda t: -t.count)

    def summary(self, with_problems: bool = True) -> dict[str, Any]:
        """JSON-friendly summary (what the CLI prints and ``Dataset.meta`` keeps); ``problems`` lists the
        kept ones only (``problems_total`` counts all; ``rejected_file`` has every rejected row)."""
        out: dict[str, Any] = {
            "file": self.name,
            "kind": self.kind,
            "file_format": self.file_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "mapping": dict(self.mapping),
            "rows_total": self.rows_total,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "problem_counts": self.problem_counts(),
            "problems_total": self.problems_total,
            "rejected_file": str(self.rejected_file) if self.rejected_file is not None else None,
            "pseudonymised": self.pseudonymised,
            "notices": [n.to_dict() for n in self.notices],
        }
        if with_problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        return out
