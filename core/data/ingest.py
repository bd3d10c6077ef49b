"""Ingestion: read an interaction or item file, map its columns, validate every row, keep the good ones.

Pipeline (one direction): ``read_table`` (format, encoding, delimiter; every cell kept as the raw string)
-> ``guess_mapping`` (role -> column, English and Chinese names; the caller may override) -> a vectorised
validation pass that turns each bad cell into a :class:`Problem` (1-based line number, column, raw value,
English reason and a stable ``code`` the UI translates) -> a :class:`LoadReport` holding the canonical
frame of good rows, the problems and the rejected rows (downloadable as CSV) -> ``load_dataset`` builds
the :class:`~core.data.dataset.Dataset`.

Formats: delimited text (``,`` tab ``;`` ``|`` ``::``; sniffed), RecBole atomic files (``user_id:token``
headers; ``.inter`` / ``.item``), Parquet, JSON Lines (and a JSON array of objects), pandas frames.
Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK / GB18030 (detected), else charset-normalizer.

Row numbers: for text files ``Problem.row`` is the physical line where the record starts (the header is
line 1; a headerless file's first record is line 1). For Parquet, JSON arrays and in-memory frames, which
have no lines, it is the record's position + 2 -- the line it would have in the same table saved as CSV.

Nothing here raises a library exception for bad input: a file that yields no table at all raises
:class:`~core.common.errors.DataError` (subclass :class:`IngestError`, which carries a ``code`` and ``params``
for translation); a table whose every row is bad raises :class:`NothingLoadedError` from
``load_dataset`` (it carries the reports, so the problems can still be shown).

The happy path is vectorised (pyarrow's multi-threaded CSV reader and pyarrow compute kernels); Python
loops only run over bad rows, distinct tag strings, distinct user ids (pseudonymisation) or files that
pyarrow cannot parse (ragged rows, JSON Lines).
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import hmac
import io
import json
import math
import re
import time
import unicodedata
import warnings
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from pandas.arrays import ArrowStringArray

from core.data.dataset import Dataset, EncodedIds
from core.common.errors import DataError
from core.common.progress import ProgressFn, report

Kind = Literal["interactions", "items", "user_tags"]

# --- errors ---------------------------------------------------------------------------------------


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


# --- problems and reports -------------------------------------------------------------------------

MAX_VALUE_CHARS = 200
MAX_RATING = 1e6
FUTURE_SLACK_SECONDS = 86_400.0

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
        """Rejected rows (original columns + ``line`` + ``reason``) as UTF-8-with-BOM CSV for Excel."""
        return self.rejected.to_csv(index=False).encode("utf-8-sig")

    def problem_counts(self) -> dict[str, int]:
        """How many problems of each code."""
        counts: dict[str, int] = {}
        for prob in self.problems:
            counts[prob.code] = counts.get(prob.code, 0) + 1
        return counts

    def problems_frame(self) -> pd.DataFrame:
        """Problems as a frame with columns row, column, value, reason, code, ref_row."""
        cols = ["row", "column", "value", "reason", "code", "ref_row"]
        if not self.problems:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        return pd.DataFrame(
            [(p.row, p.column, p.value, p.reason, p.code, p.ref_row) for p in self.problems], columns=cols
        )

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


# --- the raw table --------------------------------------------------------------------------------


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
            columns = {name: self.table.column(name).combine_chunks() for name in self.columns}
            frame = _frame(columns)
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


Source = Any  # RawTable | Path | str (path) | bytes | pd.DataFrame | file-like with .read()/.getvalue()

# --- reading: bytes, encodings, formats -----------------------------------------------------------

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook (export it as CSV)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls / Office file (export it as CSV)"),
    (b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
    (b"BZh", "a bzip2-compressed file (decompress it first)"),
    (b"\xfd7zXZ", "an xz-compressed file (decompress it first)"),
    (b"7z\xbc\xaf", "a 7-Zip archive (extract it first)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3", "an SQLite database"),
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_CJK_RE = re.compile(r"[\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_RECBOLE_RE = re.compile(r"^\s*(.+?)\s*:\s*(token_seq|float_seq|token|float)\s*$", re.IGNORECASE)
_NUMERIC_RE = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_DELIMITERS = (",", "\t", ";", "|")
_TAB_EXTENSIONS = {".tsv", ".tab", ".inter", ".item", ".user", ".kg", ".link"}


def _read_source(source: Source, name: str) -> tuple[bytes, str]:
    """The bytes of a path / bytes / file-like source and a display name for messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "<upload>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or path.name
        if not path.exists():
            raise IngestError(f"{label}: file not found ({path})", "not_found", name=label)
        if not path.is_file():
            raise IngestError(f"{label}: is not a file ({path})", "not_found", name=label)
        try:
            return path.read_bytes(), label
        except OSError as exc:
            raise IngestError(f"{label}: cannot be read ({exc.strerror})", "not_found", name=label) from exc
    label = name or str(getattr(source, "name", "") or "<upload>")
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue()), label
    if hasattr(source, "read"):
        data = source.read()
        return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), label
    raise IngestError(f"{label}: unsupported source type {type(source).__name__}", "unreadable", name=label)


def _looks_chinese(text: str) -> bool:
    """True when most non-ASCII characters of ``text`` are CJK (a plausible GBK/GB18030 decoding)."""
    sample = _NON_ASCII_RE.findall(text[:200_000])
    if not sample:
        return True
    cjk = len(_CJK_RE.findall("".join(sample)))
    return cjk >= 0.6 * len(sample)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes to text without asking the user: UTF-8(-BOM), UTF-16 BOM, GBK/GB18030, else a guess."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise IngestError(f"{name}: looks like a binary file, not a text table", "binary_file", name=name)
    try:
        text = data.decode("gb18030")
        if _looks_chinese(text):
            try:
                data.decode("gbk")
                return text, "gbk"
            except UnicodeDecodeError:
                return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), str(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise IngestError(f"{name}: the text encoding could not be recognised", "unknown_encoding", name=name)


def _check_text_like(text: str, name: str) -> None:
    """Refuse text that is mostly control characters (binary garbage that happened to decode)."""
    sample = text[:100_000]
    if "\x00" in sample:
        raise IngestError(f"{name}: looks like a binary file, not a text table", "binary_file", name=name)
    # control characters are single bytes in UTF-8 (never inside a multi-byte sequence): count them fast
    codes = np.frombuffer(sample.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    control = (codes < 32) & (codes != 9) & (codes != 10) & (codes != 13) & (codes != 12)
    bad = int(control.sum()) + int((codes == 127).sum()) + sample.count("\ufffd")
    if bad > max(2, 0.01 * len(sample)):
        raise IngestError(f"{name}: looks like a binary file, not a text table", "binary_file", name=name)


def read_table(source: Source, name: str = "") -> RawTable:
    """Read a file into a :class:`RawTable`: sniff format, encoding and delimiter; keep cells as strings.

    Raises :class:`DataError` (never a library exception) when there is no table in it at all.
    """
    if isinstance(source, RawTable):
        return source
    if isinstance(source, pd.DataFrame):
        return _table_from_frame(source, name or "<frame>")
    data, label = _read_source(source, name)
    try:
        return _parse_bytes(data, label)
    except DataError:
        raise
    except MemoryError as exc:
        raise IngestError(f"{label}: too large to load in memory", "too_large", name=label) from exc
    except Exception as exc:  # any parser failure becomes one readable error
        detail = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise IngestError(
            f"{label}: could not be read as a table ({detail})", "unreadable", name=label
        ) from exc


def _parse_bytes(data: bytes, name: str) -> RawTable:
    ext = Path(name).suffix.lower()
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if data[:4] == b"PAR1" or ext == ".parquet":
        return _read_parquet(data, name)
    for magic, what in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise IngestError(
                f"{name}: this is {what}, not a text table", "binary_file", name=name, what=what
            )
    text, encoding = _decode(data, name)
    _check_text_like(text, name)
    stripped = text.lstrip()
    if not stripped:
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if ext in (".jsonl", ".ndjson", ".json") or stripped[0] in "[{":
        table = _read_json(text, name, encoding, force=ext in (".jsonl", ".ndjson", ".json"))
        if table is not None:
            return table
    utf8 = data[3:] if encoding == "utf-8-sig" else data if encoding == "utf-8" else None
    return _read_delimited(text, name, encoding, ext, utf8)


# --- delimited text -------------------------------------------------------------------------------


def _field_counts(lines: list[str], delimiter: str) -> list[int]:
    try:
        return [len(r) for r in csv.reader(lines, delimiter=delimiter, quotechar='"', strict=False)]
    except csv.Error:
        return []


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    """(share of sample rows whose field count equals the header's, header field count)."""
    counts = _field_counts(lines, delimiter)
    if not counts or counts[0] < 2:
        return 0.0, counts[0] if counts else 0
    body = counts[1:] or counts[:1]
    return sum(c == counts[0] for c in body) / len(body), counts[0]


def _sniff_delimiter(lines: list[str], ext: str) -> str:
    """Pick the delimiter: ``::``, then csv.Sniffer if consistent, else the most consistent candidate."""
    if lines and all("::" in ln for ln in lines[: min(len(lines), 20)]):
        counts = [ln.count("::") for ln in lines[:20]]
        if len(set(counts)) == 1 and not any(d in lines[0] for d in ("\t", ",")):
            return "::"
    preferred = "\t" if ext in _TAB_EXTENSIONS else ","
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed:
        share, width = _consistency(lines, sniffed)
        if share >= 0.9 and width >= 2:
            best_pref, pref_width = _consistency(lines, preferred)
            # the Sniffer sometimes picks a character inside values; prefer the extension's default if
            # it splits the table at least as consistently into at least as many columns
            if preferred != sniffed and best_pref >= share and pref_width >= width:
                return preferred
            return sniffed
    scored = []
    for order, cand in enumerate((preferred, *[d for d in _DELIMITERS if d != preferred])):
        share, width = _consistency(lines, cand)
        if width >= 2:
            scored.append((share, width, -order, cand))
    if not scored:
        return preferred
    return max(scored)[3]


def _clean_header(fields: list[str]) -> tuple[list[str], frozenset[str], bool]:
    """Strip RecBole type suffixes, fill empty names, de-duplicate; also report whether it was RecBole."""
    names: list[str] = []
    seq: set[str] = set()
    recbole = False
    for i, raw in enumerate(fields):
        label = raw.strip().strip("\ufeff").strip()
        match = _RECBOLE_RE.match(label)
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


def _plain_line_numbers(data: bytes, header: bool) -> np.ndarray:
    """Line numbers of the non-blank lines of ``data`` (no quoted newlines), minus the header line."""
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(arr)]))
    lengths = ends - starts
    last = np.clip(ends - 1, 0, max(len(arr) - 1, 0))
    has_cr = (lengths > 0) & (arr[last] == 13) if len(arr) else np.zeros(len(lengths), bool)
    lengths = lengths - has_cr
    nonblank = np.flatnonzero(lengths > 0) + 1
    return nonblank[1:] if header else nonblank


def _csv_line_numbers(text: str, delimiter: str, header: bool) -> np.ndarray:
    """Start line of each non-blank record (quote-aware), minus the header record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    lines: list[int] = []
    prev = 0
    for rec in reader:
        start = prev + 1
        prev = reader.line_num
        if rec and not (len(rec) == 1 and not rec[0].strip()):
            lines.append(start)
    arr = np.asarray(lines, dtype=np.int64)
    return arr[1:] if header else arr


def _named(table: pa.Table, names: list[str]) -> pa.Table:
    """Give the (c0, c1, ...) columns their cleaned names, one contiguous chunk each."""
    return pa.table({name: table.column(i).combine_chunks() for i, name in enumerate(names)})


def _read_delimited(text: str, name: str, encoding: str, ext: str, utf8: bytes | None = None) -> RawTable:
    """Delimited text; ``utf8`` is the file's own UTF-8 bytes when it was UTF-8 (saves re-encoding)."""
    lead = re.match(r"(?:[ \t\f\v]*\r?\n)*", text)
    offset = lead.group().count("\n") if lead else 0
    if offset:
        text = text[lead.end() if lead else 0 :]
    sample_lines = [ln for ln in text[:65536].splitlines()[:60] if ln.strip()]
    if len(text) > 65536 and len(sample_lines) > 1:
        sample_lines = sample_lines[:-1]  # the last sampled line may be cut short
    if not sample_lines:
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    delimiter = _sniff_delimiter(sample_lines, ext)
    parse_delim = delimiter
    if delimiter == "::":
        text = text.replace("::", "\x1f")
        sample_lines = [ln.replace("::", "\x1f") for ln in sample_lines]
        parse_delim = "\x1f"
    header_fields = next(csv.reader(sample_lines[:1], delimiter=parse_delim, quotechar='"', strict=False))
    headerless = bool(header_fields) and all(_NUMERIC_RE.match(f) for f in header_fields)
    if headerless:
        names = [f"column_{i + 1}" for i in range(len(header_fields))]
        seq: frozenset[str] = frozenset()
        recbole = False
    else:
        names, seq, recbole = _clean_header(header_fields)
    file_format = (
        "recbole" if recbole or ext in (".inter", ".item") else ("tsv" if delimiter == "\t" else "csv")
    )
    has_quote = '"' in text
    data = utf8 if utf8 is not None and not offset and delimiter != "::" else text.encode("utf-8")
    n_cols = len(names)

    bad_rows: list[Any] = []

    def _on_invalid(row: Any) -> str:
        bad_rows.append(row)
        return "skip"

    table: pa.Table | None = None
    try:
        col_names = [f"c{i}" for i in range(n_cols)]
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                column_names=col_names,
                skip_rows=0 if headerless else 1,
                # one block per CPU (at least 1 MiB): parallel parsing without many small chunks
                block_size=max(1 << 20, len(data) // max(1, pa.cpu_count()) + 1),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=parse_delim,
                quote_char='"',
                double_quote=True,
                newlines_in_values=has_quote,
                invalid_row_handler=_on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(col_names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError, OverflowError):
        table = None
    if table is None or bad_rows:
        return _read_delimited_python(
            text, name, encoding, delimiter, parse_delim, names, seq, headerless, file_format, offset
        )
    if table.num_rows == 0:
        raise IngestError(f"{name}: has a header but no data rows", "no_rows", name=name)
    if has_quote and text.count('"') % 2:
        _check_unclosed_quote(text, name, parse_delim, offset)
    frame = _named(table, names)

    def _lines() -> np.ndarray:
        if has_quote:
            return _csv_line_numbers(text, parse_delim, not headerless) + offset
        return _plain_line_numbers(data, not headerless) + offset

    plain = (
        text.isascii()
        and " " not in text
        and "\x0b" not in text
        and "\x0c" not in text
        and (parse_delim == "\t" or "\t" not in text)
    )
    return RawTable(
        name=name,
        table=frame,
        encoding=encoding,
        delimiter=delimiter,
        file_format=file_format,
        seq_columns=seq,
        headerless=headerless,
        plain=plain,
        _line_source=_lines,
    )


def _check_unclosed_quote(text: str, name: str, delimiter: str, offset: int) -> None:
    """Raise if a quoted field opens and never closes (it would silently swallow the rest of the file)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    prev = 0
    last: tuple[int, list[str]] = (0, [])
    try:
        for rec in reader:
            last = (prev + 1, rec)
            prev = reader.line_num
    except csv.Error:
        pass
    start, rec = last
    ends_open = not text.rstrip("\r\n").endswith('"')
    if (any("\n" in cell for cell in rec) and ends_open) or prev - start > 1000:
        line = start + offset
        raise IngestError(
            f'{name}: line {line}: a quote (") opens a field that is never closed',
            "unclosed_quote",
            name=name,
            line=line,
        )


def _read_delimited_python(
    text: str,
    name: str,
    encoding: str,
    delimiter: str,
    parse_delim: str,
    names: list[str],
    seq: frozenset[str],
    headerless: bool,
    file_format: str,
    offset: int,
) -> RawTable:
    """Slow, forgiving parse with the csv module: exact line numbers, malformed rows become problems."""
    n_cols = len(names)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=parse_delim, quotechar='"', strict=False)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[Problem] = []
    bad_cells: list[list[str]] = []
    bad_meta: list[tuple[str, int, str]] = []
    prev = 0
    seen_header = headerless
    try:
        for rec in reader:
            start = prev + 1 + offset
            prev = reader.line_num
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(rec) == n_cols:
                rows.append(rec)
                lines.append(start)
                continue
            raw_text = delimiter.join(rec)
            reason = REASONS["bad_field_count"].format(found=len(rec), expected=n_cols)
            problems.append(Problem(start, "", raw_text[:MAX_VALUE_CHARS], reason, "bad_field_count"))
            bad_cells.append((rec + [""] * n_cols)[:n_cols])
            bad_meta.append((raw_text, start, reason))
    except csv.Error as exc:
        line = prev + 1 + offset
        raise IngestError(
            f"{name}: line {line} cannot be parsed ({exc}); is a quote left open?",
            "malformed",
            name=name,
            line=line,
        ) from exc
    if not rows and not problems:
        raise IngestError(f"{name}: has a header but no data rows", "no_rows", name=name)
    if '"' in text and text.count('"') % 2:
        _check_unclosed_quote(text, name, parse_delim, offset)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(n_cols)]
    table = pa.table({f"c{i}": pa.array(list(col), pa.large_string()) for i, col in enumerate(columns)})
    frame = _named(table, names)
    rejected = None
    if problems:
        rejected = pd.DataFrame(bad_cells, columns=pd.Index(names, dtype=object), dtype=object)
        rejected["raw"] = [m[0] for m in bad_meta]
        rejected["line"] = [m[1] for m in bad_meta]
        rejected["reason"] = [m[2] for m in bad_meta]
    return RawTable(
        name=name,
        table=frame,
        encoding=encoding,
        delimiter=delimiter,
        file_format=file_format,
        seq_columns=seq,
        parse_problems=problems,
        parse_rejected=rejected,
        headerless=headerless,
        _lines=np.asarray(lines, dtype=np.int64),
    )


# --- Parquet, JSON, frames ------------------------------------------------------------------------


def _py_to_str(value: Any) -> str:
    """A JSON / Python cell as the string a CSV would have held."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return "|".join(_py_to_str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _arrow_to_str(arr: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Any arrow column as non-null large strings (lists joined with ``|``; nulls become "")."""
    typ = arr.type
    try:
        if pa.types.is_dictionary(typ):
            arr = arr.cast(typ.value_type) if isinstance(arr, pa.Array) else pc.cast(arr, typ.value_type)
            typ = arr.type
        if pa.types.is_list(typ) or pa.types.is_large_list(typ):
            inner = pc.cast(arr, pa.list_(pa.string()))
            out = pc.binary_join(inner, "|")
        elif pa.types.is_floating(typ):
            # integral floats (ids that became float because of nulls) print without ".0"
            values = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)
            text = [_py_to_str(float(v)) for v in values] if len(values) < 2_000_000 else values.astype(str)
            out = pa.array(list(text), pa.large_string())
            out = pc.if_else(pc.is_null(arr), "", out) if arr.null_count else out
        elif pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            out = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S")
        else:
            out = pc.cast(arr, pa.large_string())
        out = pc.fill_null(pc.cast(out, pa.large_string()), "")
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    except (pa.ArrowException, TypeError, ValueError):
        return pa.array([_py_to_str(v) for v in arr.to_pylist()], pa.large_string())


def _table_from_arrow(table: pa.Table, name: str, encoding: str, file_format: str) -> RawTable:
    raw_names = [str(c) for c in table.column_names]
    names, seq, _ = _clean_header(raw_names)
    if table.num_rows == 0:
        raise IngestError(f"{name}: has columns but no rows", "no_rows", name=name)
    cols = {f"c{i}": _arrow_to_str(table.column(i)) for i in range(table.num_columns)}
    frame = _named(pa.table(cols), names)
    return RawTable(
        name=name, table=frame, encoding=encoding, delimiter=None, file_format=file_format, seq_columns=seq
    )


def _read_parquet(data: bytes, name: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(
            f"{name}: is not a readable Parquet file ({str(exc)[:120]})", "unreadable", name=name
        ) from exc
    if table.num_columns == 0:
        raise IngestError(f"{name}: the Parquet file has no columns", "no_rows", name=name)
    return _table_from_arrow(table, name, "binary", "parquet")


def _table_from_frame(df: pd.DataFrame, name: str) -> RawTable:
    if df.shape[1] == 0:
        raise IngestError(f"{name}: the table has no columns", "no_rows", name=name)
    try:
        table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        table = pa.table(
            {str(c): pa.array([_py_to_str(v) for v in df[c].tolist()], pa.large_string()) for c in df.columns}
        )
    return _table_from_arrow(table, name, "n/a", "frame")


def _records_to_table(records: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    columns: dict[str, None] = {}
    for rec in records:
        for key in rec:
            columns.setdefault(str(key), None)
    names = list(columns)
    cells = [[_py_to_str(rec.get(c)) for rec in records] for c in names]
    return names, cells


def _read_json(text: str, name: str, encoding: str, force: bool) -> RawTable | None:
    """JSON Lines (one object per line) or a JSON array of objects; ``None`` if it is not JSON at all."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            doc = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError) as exc:
            if not force:
                return None
            raise IngestError(f"{name}: is not valid JSON ({exc})", "unreadable", name=name) from exc
        if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
            raise IngestError(
                f"{name}: a JSON file must be an array of objects or one object per line",
                "unreadable",
                name=name,
            )
        if not doc:
            raise IngestError(f"{name}: the JSON array is empty", "no_rows", name=name)
        names, cells = _records_to_table(doc)
        lines = np.arange(2, len(doc) + 2, dtype=np.int64)
        return _json_raw(name, encoding, "json", names, cells, lines, [], [])
    records: list[dict[str, Any]] = []
    lines_list: list[int] = []
    problems: list[Problem] = []
    bad_raw: list[tuple[str, int]] = []
    first = True
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        if first:
            first = False
            if not isinstance(obj, dict) and not force:
                return None
        if isinstance(obj, dict):
            records.append(obj)
            lines_list.append(number)
        else:
            problems.append(Problem(number, "", line[:MAX_VALUE_CHARS], REASONS["bad_json"], "bad_json"))
            bad_raw.append((line, number))
    if not records and not problems:
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if not records:
        raise IngestError(f"{name}: no line is a JSON object", "unreadable", name=name)
    names, cells = _records_to_table(records)
    return _json_raw(
        name, encoding, "jsonl", names, cells, np.asarray(lines_list, np.int64), problems, bad_raw
    )


def _json_raw(
    name: str,
    encoding: str,
    fmt: str,
    names: list[str],
    cells: list[list[str]],
    lines: np.ndarray,
    problems: list[Problem],
    bad_raw: list[tuple[str, int]],
) -> RawTable:
    clean, seq, _ = _clean_header(names)
    table = pa.table({f"c{i}": pa.array(col, pa.large_string()) for i, col in enumerate(cells)})
    frame = _named(table, clean)
    rejected = None
    if problems:
        rejected = pd.DataFrame({c: [""] * len(bad_raw) for c in clean}, dtype=object)
        rejected["raw"] = [b[0] for b in bad_raw]
        rejected["line"] = [b[1] for b in bad_raw]
        rejected["reason"] = REASONS["bad_json"]
    return RawTable(
        name=name,
        table=frame,
        encoding=encoding,
        delimiter=None,
        file_format=fmt,
        seq_columns=seq,
        parse_problems=problems,
        parse_rejected=rejected,
        _lines=lines,
    )


# --- column mapping -------------------------------------------------------------------------------

ROLES: dict[str, tuple[str, ...]] = {
    "interactions": ("user", "item", "rating", "timestamp", "event"),
    "items": (
        "item",
        "title",
        "description",
        "tags",
        "genres",
        "category",
        "year",
        "title_en",
        "description_en",
    ),
    "user_tags": ("user", "item", "tag", "timestamp"),
}
"""Roles each kind of file can map, in display order."""

REQUIRED_ROLES: dict[str, tuple[str, ...]] = {
    "interactions": ("user", "item"),
    "items": ("item",),
    "user_tags": ("user", "item", "tag"),
}

# Normalised column names (see _norm: lower case, no spaces/underscores/dashes) per role, best first.
_SYNONYM_WORDS: dict[str, str] = {
    "user": "user users userid uid username visitor visitorid customer customerid member memberid buyer "
    "buyerid reviewer reviewerid account accountid 用户 用户id 用户编号 用户名 用户号 会员 会员id 客户 "
    "客户id 顾客 买家",
    "item": "item items itemid iid movie movieid film filmid product productid asin sku goods goodsid "
    "article articleid track trackid song songid book bookid isbn video videoid content contentid "
    "itemcode 物品 物品id 物品编号 商品 商品id 商品编号 电影 电影id 电影编号 影片 影片id 歌曲 歌曲id "
    "图书 图书id 书籍 视频 视频id 内容 内容id 项目 项目id 条目 条目id",
    "rating": "rating ratings score weight stars star rate count playcount plays clicks rank 评分 分数 "
    "打分 得分 权重 星级 评级 次数",
    "timestamp": "timestamp time ts date datetime timestamps created createdat eventtime unixreviewtime "
    "ratingtime 时间 日期 时间戳 评分时间 交互时间 创建时间 行为时间 发生时间",
    "event": "event events eventtype action actiontype behavior behaviour behaviortype behaviourtype "
    "interaction interactiontype type 行为 行为类型 事件 事件类型 操作 操作类型 交互类型",
    "title": "title name movietitle itemname itemtitle productname producttitle booktitle songname 标题 "
    "名称 片名 电影名 电影名称 名字 商品名称 商品名 物品名称 物品名 书名 歌名 中文标题 中文名",
    "description": "description desc summary overview plot synopsis abstract text 简介 描述 介绍 剧情 "
    "摘要 内容简介 剧情简介 中文简介",
    "tags": "tags tag labels label keywords keyword 标签 关键词 关键字",
    "genres": "genres genre 类型 题材 体裁 风格",
    "category": "category categories cat class section 类别 分类 类目 品类 栏目",
    "year": "year releaseyear 年份 年代 上映年份 出版年份 发行年份",
    "title_en": "titleen englishtitle entitle titleenglish 英文标题 英文名 英文名称 英文片名",
    "description_en": "descriptionen descen englishdescription descriptionenglish 英文简介 英文描述 英文介绍",
    "tag": "tag tags text label 标签 内容",
}
_SYNONYMS: dict[str, tuple[str, ...]] = {role: tuple(words.split()) for role, words in _SYNONYM_WORDS.items()}

_KIND_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    # short names that are only unambiguous in one kind of file
    "interactions": {"user": ("u",), "item": ("i",), "rating": ("r",), "timestamp": ("t",)},
    "items": {"item": ("id", "编号")},
    "user_tags": {"user": ("u",), "item": ("i",), "timestamp": ("t",)},
}

_HEADERLESS_ROLES: dict[str, tuple[str, ...]] = {
    "interactions": ("user", "item", "rating", "timestamp"),
    "items": ("item", "title", "genres"),
    "user_tags": ("user", "item", "tag", "timestamp"),
}


def _norm(name: str) -> str:
    """Normalised column name for matching: NFKC, no RecBole suffix, lower case, no separators."""
    label = unicodedata.normalize("NFKC", str(name)).strip()
    match = _RECBOLE_RE.match(label)
    if match:
        label = match.group(1)
    return re.sub(r"[\s_\-.:/()（）\[\]]+", "", label.lower())


def guess_mapping(columns: list[str], kind: Literal["interactions", "items", "user_tags"]) -> dict[str, str]:
    """Guess role -> column from common English and Chinese names (exact names first, then suffixes)."""
    if kind not in ROLES:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(ROLES)}")
    roles = ROLES[kind]
    cols = [str(c) for c in columns]
    if cols and all(re.fullmatch(r"column_\d+", c) for c in cols):
        return {role: col for role, col in zip(_HEADERLESS_ROLES[kind], cols, strict=False)}
    normed = {c: _norm(c) for c in cols}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for role in roles:  # pass 1: exact synonym, earliest synonym wins
        for syn in (*_SYNONYMS[role], *_KIND_SYNONYMS.get(kind, {}).get(role, ())):
            hit = next((c for c in cols if c not in used and normed[c] == syn), None)
            if hit is not None:
                mapping[role] = hit
                used.add(hit)
                break
    for role in roles:  # pass 2: the column name ends with a synonym ("item_title", "电影名称")
        if role in mapping:
            continue
        for syn in _SYNONYMS[role]:
            if len(syn) < (2 if not syn.isascii() else 4):
                continue
            hit = next((c for c in cols if c not in used and normed[c].endswith(syn)), None)
            if hit is not None:
                mapping[role] = hit
                used.add(hit)
                break
    return mapping


def resolve_mapping(
    raw: RawTable, kind: Kind, mapping: Mapping[str, str | None] | None = None
) -> dict[str, str]:
    """The guessed mapping with the caller's overrides (a role set to ""/None is unmapped); checked."""
    columns = raw.columns
    final = guess_mapping(columns, kind)
    by_norm = {_norm(c): c for c in columns}
    for role, col in (mapping or {}).items():
        if role not in ROLES[kind]:
            raise IngestError(
                f"{raw.name}: unknown role {role!r} for {kind}; roles are {', '.join(ROLES[kind])}",
                "unknown_role",
                name=raw.name,
                role=role,
                roles=", ".join(ROLES[kind]),
            )
        if col is None or str(col) == "":
            final.pop(role, None)
            continue
        col = str(col)
        if col not in columns:
            match = _RECBOLE_RE.match(col)
            alt = match.group(1) if match else by_norm.get(_norm(col))
            if alt not in columns:
                raise IngestError(
                    f"{raw.name}: column {col!r} (mapped to {role}) is not in the file; columns are "
                    f"{', '.join(columns)}",
                    "unknown_column",
                    name=raw.name,
                    column=col,
                    role=role,
                    columns=", ".join(columns),
                )
            col = str(alt)
        for other, other_col in list(final.items()):
            if other_col == col and other != role and other not in (mapping or {}):
                del final[other]
        final[role] = col
    seen: dict[str, str] = {}
    for role, col in final.items():
        if col in seen:
            raise IngestError(
                f"{raw.name}: column {col!r} is mapped to both {seen[col]} and {role}",
                "mapping_conflict",
                name=raw.name,
                column=col,
                role=role,
                other=seen[col],
            )
        seen[col] = role
    for role in REQUIRED_ROLES[kind]:
        if role not in final:
            raise IngestError(
                f"{raw.name}: no {role} column found (columns are: {', '.join(columns)}); name it e.g. "
                f"{' / '.join(_SYNONYMS[role][:3])} / {_SYNONYMS[role][-1]} or choose it in the mapping",
                "missing_column",
                name=raw.name,
                role=role,
                columns=", ".join(columns),
            )
    return {role: final[role] for role in ROLES[kind] if role in final}


# --- vectorised validation helpers ----------------------------------------------------------------

_NA_WORDS = ("", "nan", "null", "none", "na", "n/a", "#n/a", "<na>", "nil", "无", "空")
_NA_TOKENS = pa.array(list(_NA_WORDS), pa.large_string())
_NA_VARIANTS = pa.array(
    sorted({v for w in _NA_WORDS for v in (w, w.upper(), w.capitalize(), w.title())} | {"NaN"}),
    pa.large_string(),
)
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_CN_DATE_RE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*[日号]?\s*")
_CN_TIME_RE = re.compile(r"(\d{1,2})\s*[时點点]\s*(?:(\d{1,2})\s*分)?\s*(?:(\d{1,2})\s*秒)?")


def _column(raw: RawTable, col: str) -> pa.Array:
    """A column of the raw table as one arrow string array without nulls."""
    arr = raw.table.column(col)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type)):
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "") if arr.null_count else arr


def _cells(raw: RawTable, col: str) -> pa.Array:
    """A column with surrounding whitespace removed (skipped when the file has none anywhere)."""
    arr = _column(raw, col)
    return arr if raw.plain else pc.utf8_trim_whitespace(arr)


def _np_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def _missing(trimmed: pa.Array) -> np.ndarray:
    """Cells that mean "no value": empty or a usual NA spelling (nan, NULL, None, N/A, ...)."""
    return _np_bool(pc.is_in(trimmed, value_set=_NA_VARIANTS))


@dataclass
class _Numbers:
    values: np.ndarray  # float64; NaN where missing or not a number
    missing: np.ndarray  # empty / NA token (including "nan")
    nan_token: np.ndarray  # the cell literally says NaN
    not_numeric: np.ndarray  # present but not a number


def _numbers(trimmed: pa.Array) -> _Numbers:
    """Parse a column of numbers; the all-numeric case is one arrow cast."""
    n = len(trimmed)
    none = np.zeros(n, dtype=bool)
    try:
        values = np.array(pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        nan = np.isnan(values)
        if not nan.any():
            return _Numbers(values, none, none, none)
        return _Numbers(values, nan, nan, none)  # the cast succeeded, so NaN came from a NaN spelling
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    missing = _missing(trimmed)
    nan_token = missing & _np_bool(pc.equal(pc.utf8_lower(trimmed), "nan"))
    series = pd.Series(np.asarray(trimmed.to_numpy(zero_copy_only=False), dtype=object))
    values = np.array(pd.to_numeric(series.where(~missing, "nan"), errors="coerce"), dtype=np.float64)
    lower = series.str.lower()
    not_numeric = np.isnan(values) & ~missing & ~lower.isin(["+nan", "-nan"]).to_numpy()
    values[not_numeric] = np.nan
    return _Numbers(values, missing, nan_token, not_numeric)


def _seconds(parsed: Any) -> np.ndarray:
    """Datetimes (Series / Index, UTC) as float epoch seconds, NaN for NaT; a fresh writable array."""
    values = (parsed - _EPOCH) / pd.Timedelta(seconds=1)
    return np.array(pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _normalise_date(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _CN_DATE_RE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} ", text)
    text = _CN_TIME_RE.sub(
        lambda m: f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}:{int(m.group(3) or 0):02d}", text
    )
    return re.sub(r"\s+", " ", text).strip()


def _dates_to_epoch(values: list[str]) -> np.ndarray:
    """Parse date strings (ISO, Chinese 2024年3月5日, common formats) to epoch seconds; NaN if not a date."""
    series = pd.Series([_normalise_date(v) for v in values], dtype=object)
    out = np.full(len(series), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(series, format="ISO8601", errors="coerce", utc=True)
            out = _seconds(parsed)
        except (ValueError, TypeError, OverflowError):
            pass
        rest = np.flatnonzero(np.isnan(out))
        for start in range(0, len(rest), 50_000):
            chunk = rest[start : start + 50_000]
            try:
                parsed = pd.to_datetime(series.iloc[chunk], format="mixed", errors="coerce", utc=True)
                out[chunk] = _seconds(parsed)
            except (ValueError, TypeError, OverflowError):
                for i in chunk:
                    try:
                        one = pd.to_datetime(series.iloc[i], errors="coerce", utc=True)
                        out[i] = (one - _EPOCH) / pd.Timedelta(seconds=1) if not pd.isna(one) else np.nan
                    except (ValueError, TypeError, OverflowError):
                        out[i] = np.nan
    return out


def _epoch_from_numbers(values: np.ndarray, all_finite: bool = False) -> np.ndarray:
    """Numbers as epoch seconds: yyyymmdd integers, else seconds / ms / µs / ns by magnitude.

    May return ``values`` itself (plain seconds); callers own that array.
    """
    finite = values if all_finite else values[np.isfinite(values)]
    if not len(finite):
        return values
    low, high = float(finite.min()), float(finite.max())
    if low >= 19000101 and high <= 21001231 and np.all(finite == np.floor(finite)):
        ints = finite.astype(np.int64)
        month, day = (ints // 100) % 100, ints % 100
        if np.all((month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)):
            out = np.full(len(values), np.nan)
            mask = np.isfinite(values)
            parsed = pd.to_datetime(
                pd.Series(values[mask].astype(np.int64).astype(str)),
                format="%Y%m%d",
                errors="coerce",
                utc=True,
            )
            out[mask] = _seconds(parsed)
            return out
    if max(abs(low), abs(high)) < 1e11:  # all plain seconds (the usual case)
        return values
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        return np.where(
            magnitude < 1e11,
            values,
            np.where(magnitude < 1e14, values / 1e3, np.where(magnitude < 1e17, values / 1e6, values / 1e9)),
        )


def _parse_timestamps(trimmed: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(epoch seconds, NaN when missing or unparseable; mask of present-but-unparseable values)."""
    num = _numbers(trimmed)
    finite = np.isfinite(num.values)
    if finite.all():  # the usual case: every cell is a number
        return _epoch_from_numbers(num.values, all_finite=True), np.zeros(len(finite), dtype=bool)
    seconds = _epoch_from_numbers(num.values)
    unparseable = ~num.missing & ~num.not_numeric & ~finite  # "inf", "-nan"
    if num.not_numeric.any():
        idx = np.flatnonzero(num.not_numeric)
        texts = pc.take(trimmed, pa.array(idx)).to_pylist()
        parsed = _dates_to_epoch([str(t) for t in texts])
        seconds[idx] = parsed
        unparseable[idx] = np.isnan(parsed)
    seconds[unparseable] = np.nan
    return seconds, unparseable


class _Checks:
    """Collects (mask, column, code, reason-params) for one table and turns them into problems."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.entries: list[tuple[np.ndarray, str, str, dict[str, Any], np.ndarray | None]] = []

    def add(
        self, mask: np.ndarray, column: str, code: str, ref: np.ndarray | None = None, **params: Any
    ) -> None:
        if mask.any():
            self.entries.append((mask, column, code, params, ref))

    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, *_ in self.entries:
            out |= mask
        return out


def _finish(
    raw: RawTable,
    kind: str,
    checks: _Checks,
    good: np.ndarray,
    frame: pd.DataFrame,
    mapping: dict[str, str],
    hide: Callable[[str, list[str]], list[str]] | None = None,
) -> LoadReport:
    """Build the :class:`LoadReport`: problems sorted by line, rejected rows with line and joined reasons."""
    problems: list[Problem] = list(raw.parse_problems)
    reasons: dict[int, list[str]] = {}
    if checks.entries:
        lines = raw.line_numbers()
        for mask, column, code, params, ref in checks.entries:
            idx = np.flatnonzero(mask)
            values = [str(v) for v in pc.take(_column(raw, column), pa.array(idx)).to_pylist()]
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


def _encode(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(int64 code of each row, the distinct values)."""
    encoded = pc.dictionary_encode(arr)
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64), encoded.dictionary


def _codes(arr: pa.Array) -> np.ndarray:
    return _encode(arr)[0]


def _restrict(codes: np.ndarray, values: pa.Array, good: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """The dictionary encoding of the ``good`` rows only (values no good row uses are dropped)."""
    if good.all():
        return codes, values
    kept = codes[good]
    used = np.bincount(kept, minlength=len(values)) > 0
    if used.all():
        return kept, values
    remap = np.cumsum(used) - 1
    return remap[kept], pc.filter(values, pa.array(used))


def _keep(arr: pa.Array, keep: pa.Array | None) -> pa.Array:
    """The rows of ``arr`` selected by ``keep`` (``None`` = all of them, no copy)."""
    return arr if keep is None else pc.filter(arr, keep)


def _blank(n: int) -> pa.Array:
    """``n`` empty strings."""
    return pa.repeat(pa.scalar("", pa.large_string()), n)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _duplicates(keys: list[np.ndarray], candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _pseudonym_fn(key: str | bytes) -> Callable[[str], str]:
    secret = key.encode("utf-8") if isinstance(key, str) else bytes(key)

    def _one(value: str) -> str:
        return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    return _one


def pseudonymise_ids(ids: pa.Array, key: str | bytes) -> pa.Array:
    """Replace each id by the first 16 hex chars of HMAC-SHA256(key, id) (one HMAC per distinct id)."""
    encoded = pc.dictionary_encode(ids)
    one = _pseudonym_fn(key)
    mapped = pa.array([one(str(v)) for v in encoded.dictionary.to_pylist()], pa.large_string())
    return pc.take(mapped, encoded.indices)


def _hide_user(column: str | None, key: str | bytes | None) -> Callable[[str, list[str]], list[str]] | None:
    if key is None or column is None:
        return None
    one = _pseudonym_fn(key)

    def _hide(col: str, values: list[str]) -> list[str]:
        if col != column:
            return values
        return [v if v.strip().lower() in _NA_WORDS else one(v.strip()) for v in values]

    return _hide


def _known_array(known_items: Collection[str] | pd.Series | np.ndarray | pd.Index) -> pa.Array:
    if isinstance(known_items, (pd.Series, pd.Index)):
        try:
            arr = pa.array(known_items)
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                return pc.cast(arr, pa.large_string())
        except (pa.ArrowException, TypeError, ValueError):
            pass
        values = known_items.astype(str).to_numpy(dtype=object)
    else:
        values = np.asarray([str(v) for v in known_items], dtype=object)
    return pa.array(values, pa.large_string())


_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str" dtype


def _str_series(arr: pa.Array) -> Any:
    """An arrow string array as pandas' ``str`` extension array (wrapped, not converted)."""
    return ArrowStringArray(pc.cast(arr, pa.large_string()), dtype=_STR)  # type: ignore[call-arg]


def _frame(columns: dict[str, pa.Array | np.ndarray]) -> pd.DataFrame:
    """A pandas frame over arrow string columns and numpy numeric columns, without copying them."""
    data = {k: (_str_series(v) if isinstance(v, pa.Array) else v) for k, v in columns.items()}
    return pd.DataFrame(data, copy=False)


# --- loaders --------------------------------------------------------------------------------------


def _never_raw(fn: Callable[..., LoadReport]) -> Callable[..., LoadReport]:
    """Turn any non-DataError failure inside a loader into one readable :class:`IngestError`."""

    @functools.wraps(fn)
    def wrapper(source: Source, *args: Any, **kwargs: Any) -> LoadReport:
        try:
            return fn(source, *args, **kwargs)
        except (DataError, MemoryError, KeyboardInterrupt):
            raise
        except Exception as exc:
            label = (
                kwargs.get("name")
                or getattr(source, "name", "")
                or (Path(source).name if isinstance(source, (str, Path)) else "<upload>")
            )
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            raise IngestError(
                f"{label}: could not be validated ({type(exc).__name__}: {detail})",
                "unreadable",
                name=str(label),
            ) from exc

    return wrapper


@_never_raw
def load_interactions(
    source: Source,
    mapping: Mapping[str, str | None] | None = None,
    known_items: Collection[str] | pd.Series | np.ndarray | pd.Index | None = None,
    pseudonymise_key: str | bytes | None = None,
    *,
    name: str = "",
    now: float | None = None,
) -> LoadReport:
    """Load and validate an interaction file; the frame has the canonical interaction columns.

    Rejected: missing user/item id, a rating that is empty, NaN, not a number, infinite, negative or
    > 1e6, a timestamp that is unparseable, before 1970 or in the future (> now + 1 day), an item not in
    ``known_items`` (when given), and a repeat of an earlier row's (user, item, timestamp[, event]).
    No rating column means implicit feedback (weight 1.0); no timestamp column means NaN timestamps.
    """
    raw = read_table(source, name)
    roles = resolve_mapping(raw, "interactions", mapping)
    n = raw.n_rows
    checks = _Checks(n)
    user = _cells(raw, roles["user"])
    item = _cells(raw, roles["item"])
    user_codes, user_dict = _encode(user)  # checks on ids run once per distinct id
    item_codes, item_dict = _encode(item)
    user_missing = _missing(user_dict)[user_codes]
    item_missing = _missing(item_dict)[item_codes]
    checks.add(user_missing, roles["user"], "missing_id", role="user")
    checks.add(item_missing, roles["item"], "missing_id", role="item")

    if "rating" in roles:
        col = roles["rating"]
        num = _numbers(_cells(raw, col))
        rating = num.values
        checks.add(num.nan_token, col, "rating_nan")
        checks.add(num.missing & ~num.nan_token, col, "rating_missing")
        checks.add(num.not_numeric, col, "rating_not_numeric")
        checks.add(~num.missing & ~num.not_numeric & np.isnan(rating), col, "rating_nan")
        with np.errstate(invalid="ignore"):
            checks.add(np.isinf(rating), col, "rating_infinite")
            checks.add(np.isfinite(rating) & (rating < 0), col, "rating_negative")
            checks.add(np.isfinite(rating) & (rating > MAX_RATING), col, "rating_too_large")
    else:
        rating = np.ones(n, dtype=np.float64)

    if "timestamp" in roles:
        col = roles["timestamp"]
        timestamp, unparseable = _parse_timestamps(_cells(raw, col))
        limit = (time.time() if now is None else now) + FUTURE_SLACK_SECONDS
        checks.add(unparseable, col, "timestamp_unparseable")
        with np.errstate(invalid="ignore"):
            checks.add(timestamp < 0, col, "timestamp_before_1970")
            checks.add(timestamp > limit, col, "timestamp_future")
    else:
        timestamp = np.full(n, np.nan)

    event = _cells(raw, roles["event"]) if "event" in roles else None
    if known_items is not None:
        known = _np_bool(pc.is_in(item_dict, value_set=_known_array(known_items)))[item_codes]
        checks.add(~known & ~item_missing, roles["item"], "unknown_item")

    good = ~checks.bad()
    keys = [user_codes, item_codes, timestamp]
    if event is not None:
        keys.append(_encode(event)[0])
    dup, ref = _duplicates(keys, good)
    checks.add(dup, roles["user"], "duplicate", ref=ref)
    good &= ~dup

    keep = None if good.all() else pa.array(good)
    users = _keep(user, keep)
    encoded = None
    if pseudonymise_key is not None:
        users = pseudonymise_ids(users, pseudonymise_key)
    else:
        encoded = EncodedIds(*_restrict(user_codes, user_dict, good), *_restrict(item_codes, item_dict, good))
    n_good = int(good.sum())
    frame = _frame(
        {
            "user_id": users,
            "item_id": _keep(item, keep),
            "rating": rating[good],
            "timestamp": timestamp[good],
            "event": _keep(event, keep) if event is not None else _blank(n_good),
        }
    )
    hide = _hide_user(roles["user"], pseudonymise_key)
    report_ = _finish(raw, "interactions", checks, good, frame, roles, hide)
    report_.encoded = encoded
    return report_


_TAG_SPLIT = r"[|,;、，；]"
_TAG_SPLIT_WS = r"[|,;、，；\s]+"
_TAG_PLACEHOLDERS = {"", "(no genres listed)", "none", "null", "nan", "n/a", "na", "-", "无"}
_TAG_PLACEHOLDER_ARRAY = pa.array(sorted(_TAG_PLACEHOLDERS), pa.large_string())


def _object_array(values: list[tuple[str, ...]], codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` as an object array of tuples, without a Python loop over the rows."""
    distinct = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        distinct[i] = value
    return distinct[codes] if len(values) else np.empty(len(codes), dtype=object)


def _split_tags(arr: pa.Array, whitespace: bool) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Split tag strings on | , ; 、 ， ； (and spaces for RecBole token_seq), once per distinct string.

    Returns (tag tuples of the distinct strings, code of each row into that list). Placeholders such as
    "(no genres listed)" are dropped; repeated tags within one string are kept once.
    """
    codes, uniques = _encode(pc.utf8_trim_whitespace(arr))
    lists = pc.split_pattern_regex(uniques, _TAG_SPLIT_WS if whitespace else _TAG_SPLIT)
    parents = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), dtype=np.int64)
    parts = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = ~_np_bool(pc.is_in(pc.utf8_lower(parts), value_set=_TAG_PLACEHOLDER_ARRAY))
    values = pc.filter(parts, pa.array(keep)).to_pylist()
    bounds = np.searchsorted(parents[keep], np.arange(len(uniques) + 1))
    pairs = zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    split = [tuple(dict.fromkeys(values[start:end])) for start, end in pairs]
    return split, codes


@_never_raw
def load_items(
    source: Source, mapping: Mapping[str, str | None] | None = None, *, name: str = ""
) -> LoadReport:
    """Load and validate an item metadata file; the frame has the canonical item columns.

    Rejected: missing item id, an item id defined twice (the first definition wins). Titles and
    descriptions are kept verbatim (HTML is data; the UI escapes it). Tags come from the ``tags`` and
    ``genres`` columns; the category falls back to the first genre; the year to "(1995)" in the title.
    """
    raw = read_table(source, name)
    roles = resolve_mapping(raw, "items", mapping)
    if "genres" not in roles and roles.get("category") in raw.seq_columns:
        roles["genres"] = roles.pop("category")  # RecBole "class:token_seq" is a genre list
    n = raw.n_rows
    checks = _Checks(n)
    item = _cells(raw, roles["item"])
    missing = _missing(item)
    checks.add(missing, roles["item"], "missing_id", role="item")
    codes = _codes(item)
    dup, ref = _duplicates([codes], ~missing)
    checks.add(dup, roles["item"], "duplicate_item", ref=ref)
    good = ~checks.bad()
    keep = None if good.all() else pa.array(good)

    def text(role: str) -> pa.Array | None:
        return _keep(_cells(raw, roles[role]), keep) if role in roles else None

    empty = _blank(int(good.sum()))
    title = text("title")
    title_en = text("title_en")
    if title is None:
        title = title_en if title_en is not None else empty
    elif title_en is not None:
        title = pc.if_else(pc.equal(title, ""), title_en, title)
    description = text("description")
    description_en = text("description_en")
    if description is None:
        description = description_en if description_en is not None else empty

    n_good = int(good.sum())
    tag_tuples = _object_array([()], np.zeros(n_good, dtype=np.int64))
    first_genre: pa.Array | None = None
    for role in ("genres", "tags"):
        arr = text(role)
        if arr is None:
            continue
        uniques, codes_ = _split_tags(arr, roles[role] in raw.seq_columns)
        if role == "genres":
            first_genre = pc.take(pa.array([u[0] if u else "" for u in uniques], pa.large_string()), codes_)
        if "genres" in roles and role == "tags":  # both columns: genres first, then new tags
            merged = [
                a + tuple(t for t in uniques[c] if t not in a)
                for a, c in zip(tag_tuples.tolist(), codes_.tolist(), strict=True)
            ]
            tag_tuples = _object_array(merged, np.arange(n_good))
        else:
            tag_tuples = _object_array(uniques, codes_)  # shares one tuple per distinct string
    category = text("category")
    if category is None:
        category = first_genre if first_genre is not None else empty

    year_text = text("year")
    if year_text is not None:
        year = _numbers(year_text).values
    else:
        found = pc.extract_regex(title, r"\((?P<y>\d{4})\)\s*$")
        year_str = pc.struct_field(found, [0])
        year = np.asarray(pc.cast(year_str, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    year = np.where(np.isfinite(year) & (year > 0) & (year < 3000), year, np.nan)

    columns: dict[str, Any] = {
        "item_id": _keep(item, keep),
        "title": title,
        "description": description,
        "category": category,
    }
    frame = _frame(columns)
    frame["tags"] = pd.Series(tag_tuples, dtype=object, copy=False)
    frame["year"] = year
    if title_en is not None:
        frame["title_en"] = _str_series(title_en)
    if description_en is not None:
        frame["description_en"] = _str_series(description_en)
    return _finish(raw, "items", checks, good, frame, roles)


@_never_raw
def load_user_tags(
    source: Source,
    mapping: Mapping[str, str | None] | None = None,
    known_items: Collection[str] | pd.Series | np.ndarray | pd.Index | None = None,
    pseudonymise_key: str | bytes | None = None,
    *,
    name: str = "",
    now: float | None = None,
) -> LoadReport:
    """Load free-text tags users wrote about items (MovieLens ``tags.csv``): user, item, tag, timestamp."""
    raw = read_table(source, name)
    roles = resolve_mapping(raw, "user_tags", mapping)
    n = raw.n_rows
    checks = _Checks(n)
    user = _cells(raw, roles["user"])
    item = _cells(raw, roles["item"])
    tag = _cells(raw, roles["tag"])
    item_missing = _missing(item)
    checks.add(_missing(user), roles["user"], "missing_id", role="user")
    checks.add(item_missing, roles["item"], "missing_id", role="item")
    checks.add(_np_bool(pc.equal(tag, "")), roles["tag"], "tag_missing")
    if "timestamp" in roles:
        col = roles["timestamp"]
        timestamp, unparseable = _parse_timestamps(_cells(raw, col))
        limit = (time.time() if now is None else now) + FUTURE_SLACK_SECONDS
        checks.add(unparseable, col, "timestamp_unparseable")
        with np.errstate(invalid="ignore"):
            checks.add(timestamp < 0, col, "timestamp_before_1970")
            checks.add(timestamp > limit, col, "timestamp_future")
    else:
        timestamp = np.full(n, np.nan)
    if known_items is not None:
        unknown = ~_np_bool(pc.is_in(item, value_set=_known_array(known_items))) & ~item_missing
        checks.add(unknown, roles["item"], "unknown_item")
    good = ~checks.bad()
    keep = None if good.all() else pa.array(good)
    users = _keep(user, keep)
    if pseudonymise_key is not None:
        users = pseudonymise_ids(users, pseudonymise_key)
    frame = _frame(
        {
            "user_id": users,
            "item_id": _keep(item, keep),
            "tag": _keep(tag, keep),
            "timestamp": timestamp[good],
        }
    )
    return _finish(raw, "user_tags", checks, good, frame, roles, _hide_user(roles["user"], pseudonymise_key))


def _try_read(source: Source) -> RawTable | BaseException:
    """read_table for a worker thread: the DataError is returned, not raised, so it can be re-raised
    in order."""
    try:
        return read_table(source)
    except DataError as exc:
        return exc


def _nothing_loaded(report_: LoadReport, reports: list[LoadReport]) -> NothingLoadedError:
    counts = sorted(report_.problem_counts().items(), key=lambda kv: -kv[1])
    top = ", ".join(f"{n} × {code}" for code, n in counts[:4])
    first = report_.problems[0] if report_.problems else None
    where = f"; first at line {first.row}: {first.reason}" if first else ""
    return NothingLoadedError(
        f"{report_.name}: no usable rows — all {report_.rows_total} were rejected ({top}){where}",
        reports,
        name=report_.name,
        rows=report_.rows_total,
    )


def load_dataset(
    interactions: Source,
    items: Source | None = None,
    *,
    name: str,
    interaction_mapping: Mapping[str, str | None] | None = None,
    item_mapping: Mapping[str, str | None] | None = None,
    user_tags: Source | None = None,
    pseudonymise_key: str | bytes | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Dataset, LoadReport, LoadReport | None]:
    """Load interactions (+ optional items and user tags) into a :class:`Dataset` with the two reports.

    Raises :class:`NothingLoadedError` (a :class:`DataError`) when no interaction or no item survives.
    """
    report(progress, 0.0, "reading items" if items is not None else "reading interactions")
    item_report = None
    known = None
    if items is not None:
        # parse the interaction file in a second thread while the items are validated (arrow's CSV
        # reader releases the GIL); its errors surface below, after the item file's own
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest") as pool:
            pending = None if isinstance(interactions, RawTable) else pool.submit(_try_read, interactions)
            item_report = load_items(items, item_mapping)
            if item_report.rows_loaded == 0:
                raise _nothing_loaded(item_report, [item_report])
            known = item_report.frame["item_id"]
            report(progress, 0.25, "reading interactions")
            if pending is not None:
                interactions = pending.result()
    if isinstance(interactions, BaseException):
        raise interactions
    inter_report = load_interactions(
        interactions, interaction_mapping, known_items=known, pseudonymise_key=pseudonymise_key
    )
    reports = [inter_report] + ([item_report] if item_report is not None else [])
    if inter_report.rows_loaded == 0:
        raise _nothing_loaded(inter_report, reports)
    tags_frame: pd.DataFrame | None = None
    meta: dict[str, Any] = {
        "source": {"interactions": inter_report.name, "items": item_report.name if item_report else None},
        "pseudonymised": pseudonymise_key is not None,
        "rows_rejected": inter_report.rows_rejected + (item_report.rows_rejected if item_report else 0),
    }
    if user_tags is not None:
        report(progress, 0.6, "reading user tags")
        tag_report = load_user_tags(user_tags, known_items=known, pseudonymise_key=pseudonymise_key)
        tags_frame = tag_report.frame
        meta["user_tags_report"] = tag_report.summary(with_problems=False)
    report(progress, 0.75, "indexing")
    items_frame = item_report.frame if item_report is not None else None
    dataset = Dataset.from_frames(
        name, inter_report.frame, items_frame, user_tags=tags_frame, meta=meta, encoded=inter_report.encoded
    )
    report(progress, 1.0, "done")
    return dataset, inter_report, item_report
