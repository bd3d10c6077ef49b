"""What loading a file produced: the :class:`LoadReport` (good rows, problems, rejected rows), each
:class:`Problem` with its stable code, and the two ingestion errors.

Every bad cell becomes a :class:`Problem`: 1-based line number, column, raw value (at most
``MAX_VALUE_CHARS``), an English reason and a stable ``code`` (a key of :data:`REASONS`) that the UI
translates. A file that yields no table at all raises :class:`IngestError` (a
:class:`~core.common.errors.DataError` with a ``code`` and ``params`` for translation); a table whose every
row is bad raises :class:`NothingLoadedError`, which carries the reports so the problems can still be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    "timestamp_unparseable": "timestamp is neither a date nor a Unix time",
    "timestamp_before_1970": "timestamp is before 1970",
    "timestamp_future": "timestamp is in the future",
    "duplicate": "duplicate of line {ref} (same user, item and timestamp)",
    "duplicate_item": "item id already defined on line {ref}",
    "unknown_item": "item is not in the item table",
    "tag_missing": "tag is empty",
    "bad_field_count": "row has {found} fields but the header has {expected}",
    "bad_json": "line is not a JSON object",
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
class Problem:
    """One rejected cell: where (1-based line, column), what (raw value, <= 200 chars) and why."""

    row: int
    column: str
    value: str
    reason: str
    code: str = ""
    ref_row: int | None = None  # the earlier line a duplicate repeats

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (``ref_row`` only when set)."""
        out: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "code": self.code,
        }
        if self.ref_row is not None:
            out["ref_row"] = self.ref_row
        return out


@dataclass(eq=False)
class LoadReport:
    """Result of loading one file: the canonical frame of good rows plus everything that was rejected."""

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

    @property
    def rows_loaded(self) -> int:
        """Number of rows that passed validation."""
        return len(self.frame)

    @property
    def rows_rejected(self) -> int:
        """Number of rows rejected (each may carry several problems)."""
        return len(self.rejected)

    def rejected_csv(self) -> bytes:
        """Rejected rows (original columns + ``line`` + ``reason``) as UTF-8-with-BOM CSV for Excel.

        The values are the uploaded ones, so cells a spreadsheet would run as formulas are escaped
        (:func:`core.common.csv_safe.csv_bytes`).
        """
        return csv_bytes(self.rejected)

    def problem_counts(self) -> dict[str, int]:
        """How many problems of each code."""
        counts: dict[str, int] = {}
        for prob in self.problems:
            counts[prob.code] = counts.get(prob.code, 0) + 1
        return counts

    def summary(self, with_problems: bool = True) -> dict[str, Any]:
        """JSON-friendly summary (what the CLI prints and ``Dataset.meta`` keeps)."""
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
        }
        if with_problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        return out
