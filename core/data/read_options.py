"""How far a reader may go: the row and memory budget a file must stay within while it is decoded, and
how ambiguous dates are read. Checked *while* decoding (Parquet row groups, CSV blocks, JSON Lines
chunks), so a small file that decodes to millions of rows is refused before its memory is spent.

Defaults (the product promises that 1M interactions / 100k items load, in the app and the CLI):

- ``max_rows`` = 2,000,000 records per file;
- ``max_table_mb`` = 192 MB of decoded cell text (bytes of every cell plus 8 bytes of offset each): a
  file at that size peaks below 1 GB through the whole load (bench/bench_hostile.py); 1M interactions
  with 64-character ids take ~115 MB;
- ``max_cell_bytes`` = 131,072 (the ``csv`` module's field limit): a larger cell rejects its row only;
- ``date_format`` = ``auto``: day/month order detected per column and reported.

The app and the CLI read the environment (``INTERESTLENS_MAX_ROWS``, ``INTERESTLENS_MAX_TABLE_MB``,
``INTERESTLENS_DATE_FORMAT``) — the deployment's settings; the CLI's ``--max-rows`` / ``--date-format``
override them for one run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from core.data.report import IngestError

DEFAULT_MAX_ROWS = 2_000_000
"""Records per file (interactions, items or user tags)."""
DEFAULT_MAX_TABLE_MB = 192
"""Decoded cell bytes (text + 8-byte offsets) per file, in MB (10**6 bytes)."""
DEFAULT_MAX_CELL_BYTES = 131_072
"""A cell longer than this (UTF-8 bytes) rejects its row; the ``csv`` module's default field limit."""

DATE_ORDERS = {"dmy": "day-first (dd/mm/yyyy)", "mdy": "month-first (mm/dd/yyyy)", "ymd": "year-first (yyyy/mm/dd)"}
"""The date orders ``date_format`` may name, and how messages describe them."""
DATE_PATTERNS = {"dmy": "dd/mm/yyyy", "mdy": "mm/dd/yyyy", "ymd": "yyyy/mm/dd"}
"""The same orders as language-neutral patterns (for reasons the UI translates)."""
_DATE_ALIASES = {
    "day-first": "dmy", "dayfirst": "dmy", "dd/mm/yyyy": "dmy", "dmy": "dmy",
    "month-first": "mdy", "monthfirst": "mdy", "mm/dd/yyyy": "mdy", "mdy": "mdy",
    "year-first": "ymd", "yearfirst": "ymd", "yyyy/mm/dd": "ymd", "yyyy-mm-dd": "ymd", "ymd": "ymd",
    "auto": "auto", "": "auto",
}  # fmt: skip
ENV_MAX_ROWS = "INTERESTLENS_MAX_ROWS"
ENV_MAX_TABLE_MB = "INTERESTLENS_MAX_TABLE_MB"
ENV_DATE_FORMAT = "INTERESTLENS_DATE_FORMAT"
_STRFTIME_RE = re.compile(r"%[dmyYbBHIMSpfzZjaA]")


def normalise_date_format(value: str | None) -> str:
    """``auto``, ``dmy``, ``mdy``, ``ymd`` or a strftime pattern (``%d.%m.%Y``); raises ValueError otherwise."""
    text = (value or "").strip()
    key = text.lower()
    if key in _DATE_ALIASES:
        return _DATE_ALIASES[key]
    if "%" in text:
        if not (("%d" in text and "%m" in text) or "%j" in text or "%b" in text or "%B" in text):
            raise ValueError(f"date format {text!r} names no day and month (use e.g. %d/%m/%Y)")
        if _STRFTIME_RE.search(text):
            return text
    raise ValueError(
        f"unknown date format {text!r}: use auto, dmy (day-first), mdy (month-first), ymd, or a strftime "
        "pattern such as %d/%m/%Y"
    )


@dataclass(frozen=True)
class ReadOptions:
    """The budget a file must stay within while it is decoded, and how dates are read."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_table_mb: int = DEFAULT_MAX_TABLE_MB
    max_cell_bytes: int = DEFAULT_MAX_CELL_BYTES
    date_format: str = "auto"

    def __post_init__(self) -> None:
        for name in ("max_rows", "max_table_mb", "max_cell_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number >= 1, not {value!r}")
        object.__setattr__(self, "date_format", normalise_date_format(self.date_format))

    @property
    def max_table_bytes(self) -> int:
        """``max_table_mb`` in bytes."""
        return self.max_table_mb * 1_000_000

    @classmethod
    def from_env(cls, **overrides: object) -> ReadOptions:
        """The deployment's settings (``INTERESTLENS_*`` variables), then ``overrides`` that are not None."""
        values: dict[str, object] = {}
        for env, key in ((ENV_MAX_ROWS, "max_rows"), (ENV_MAX_TABLE_MB, "max_table_mb")):
            text = os.environ.get(env, "").replace(",", "").replace("_", "").strip()
            if text:
                if not text.isdigit() or len(text) > 15:
                    raise ValueError(f"{env}={os.environ[env]!r} is not a whole number")
                values[key] = int(text)
        if os.environ.get(ENV_DATE_FORMAT, "").strip():
            values["date_format"] = os.environ[ENV_DATE_FORMAT]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> ReadOptions:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def default_options() -> ReadOptions:
    """The options a reader uses when none are given: the environment's, else the defaults (a bad
    environment value falls back to the defaults rather than refusing every file)."""
    try:
        return ReadOptions.from_env()
    except ValueError:
        return ReadOptions()


class Budget:
    """Counts rows and decoded bytes while a file is decoded; raises the moment either limit is passed."""

    def __init__(self, options: ReadOptions, name: str) -> None:
        self.options = options
        self.name = name
        self.rows = 0
        self.bytes = 0

    def check_rows(self, rows: int, exact: bool = True) -> None:
        """Refuse a file of ``rows`` records (``exact``: the file says so; else "at least")."""
        limit = self.options.max_rows
        if rows > limit:
            shown = f"{rows:,}" if exact else f"more than {limit:,}"
            raise IngestError(
                f"{self.name}: {shown} rows; the limit is {limit:,} rows — raise max_rows in settings "
                f"({ENV_MAX_ROWS}) or use the CLI with --max-rows",
                "too_many_rows",
                name=self.name,
                rows=f"{rows:,}" if exact else f"> {limit:,}",
                limit=f"{limit:,}",
            )

    def check_bytes(self, size: int, exact: bool = True) -> None:
        """Refuse a file whose cells decode to ``size`` bytes (text + offsets)."""
        limit = self.options.max_table_bytes
        if size > limit:
            shown = f"{size / 1e6:,.0f} MB" if exact else f"more than {self.options.max_table_mb:,} MB"
            raise IngestError(
                f"{self.name}: its cells decode to {shown}; the limit is {self.options.max_table_mb:,} MB — "
                f"raise max_table_mb in settings ({ENV_MAX_TABLE_MB})",
                "table_too_large",
                name=self.name,
                size=shown if exact else f"> {self.options.max_table_mb:,} MB",
                limit=f"{self.options.max_table_mb:,}",
            )

    def add(self, rows: int, size: int) -> None:
        """Count a decoded chunk of ``rows`` records and ``size`` bytes; raise when over a limit."""
        self.rows += rows
        self.bytes += size
        self.check_rows(self.rows, exact=False)
        self.check_bytes(self.bytes, exact=False)
