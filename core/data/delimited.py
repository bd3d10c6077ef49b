"""Delimited text (CSV, TSV, ``;`` ``|`` ``::``, RecBole atomic files) into a :class:`~core.data.table.RawTable`,
within the row and memory budget of :class:`~core.data.read_options.ReadOptions`.

The input is the file's text as UTF-8 bytes (never one Python string of the whole file). The delimiter
is sniffed from a sample; the header is detected (an all-numeric first record means a headerless file)
and cleaned. The fast path is pyarrow's multi-threaded CSV reader with every column read as text, used
when counting newlines and delimiters proves the file fits the budget; otherwise pyarrow's streaming
reader decodes it block by block and stops the moment the budget is passed. A file pyarrow cannot parse
exactly (ragged rows) goes through the ``csv`` module instead, record by record, the good rows turned
into Arrow chunks as it goes, each malformed record a problem with its exact line. Line numbers are
computed only when a problem needs them.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from core.data.read_options import Budget, ReadOptions
from core.data.report import IngestError
from core.data.table import Malformed, RawTable, clean_header, named_table, take_columns

_NUMERIC_RE = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
_DELIMITERS = (",", "\t", ";", "|")
_TAB_EXTENSIONS = {".tsv", ".tab", ".inter", ".item", ".user", ".kg", ".link"}


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


def sniff_delimiter(lines: list[str], ext: str) -> str:
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


_CHUNK_ROWS = 65_536
"""Good rows the ``csv`` module path keeps as Python lists before turning them into Arrow chunks."""
_STREAM_BLOCK = 1 << 22
_EAGER_LINES = 1 << 23
"""Above this many bytes, an unquoted file's line numbers are computed at once so its bytes can be freed."""


def _text_stream(data: bytes) -> io.TextIOWrapper:
    """The UTF-8 bytes as a text stream (no newline translation: the ``csv`` module handles them)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline="")


def _allow_fields(size: int) -> None:
    """Let the ``csv`` module read fields up to ``size`` characters (cells over ``max_cell_bytes`` are
    then rejected row by row instead of failing the whole file). The limit is process-wide, so it is
    only ever raised."""
    if csv.field_size_limit() < size:
        csv.field_size_limit(size)


def _records(data: bytes, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of every record, quote-aware; raises ``csv.Error`` where parsing fails."""
    _allow_fields(len(data) + 1)
    reader = csv.reader(_text_stream(data), delimiter=delimiter, quotechar='"', strict=False)
    prev = 0
    for rec in reader:
        yield prev + 1, reader.line_num, rec
        prev = reader.line_num


def _blank(rec: list[str]) -> bool:
    """True for an empty record (a blank line)."""
    return not rec or (len(rec) == 1 and not rec[0].strip())


def _plain_line_numbers(data: bytes, header: bool) -> np.ndarray:
    """Line numbers of the non-blank lines of ``data`` (no quoted newlines), minus the header line."""
    arr = np.frombuffer(data, dtype=np.uint8)
    step = 1 << 24  # scanned in pieces: no temporary the size of the file
    pieces = [np.flatnonzero(arr[at : at + step] == 10) + at for at in range(0, len(arr), step)]
    newlines = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(arr)]))
    lengths = ends - starts
    last = np.clip(ends - 1, 0, max(len(arr) - 1, 0))
    has_cr = (lengths > 0) & (arr[last] == 13) if len(arr) else np.zeros(len(lengths), bool)
    lengths = lengths - has_cr
    nonblank = np.flatnonzero(lengths > 0) + 1
    return nonblank[1:] if header else nonblank


def _csv_line_numbers(data: bytes, delimiter: str, header: bool) -> np.ndarray:
    """Start line of each non-blank record (quote-aware), minus the header record."""
    lines = array("q", (start for start, _, rec in _records(data, delimiter) if not _blank(rec)))
    arr = np.frombuffer(lines, dtype=np.int64) if len(lines) else np.zeros(0, np.int64)
    return arr[1:] if header else arr


def _fits(data: bytes, delimiter: str, n_cols: int, headerless: bool, options: ReadOptions) -> bool:
    """True when the file cannot exceed the budget whatever its quoting: at most one record per line,
    and at most one cell per delimiter (each cell's text plus an 8-byte offset)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines - (0 if headerless else 1) > options.max_rows:
        return False
    cells = data.count(delimiter.encode("utf-8")) + lines + n_cols
    return len(data) + 8 * cells <= options.max_table_bytes


def _arrow_options(
    n_cols: int, headerless: bool, delimiter: str, has_quote: bool, block: int, on_invalid: Any
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    col_names = [f"c{i}" for i in range(n_cols)]
    return (
        pacsv.ReadOptions(column_names=col_names, skip_rows=0 if headerless else 1, block_size=block),
        pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            newlines_in_values=has_quote,
            invalid_row_handler=on_invalid,
        ),
        pacsv.ConvertOptions(
            column_types=dict.fromkeys(col_names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _read_arrow(
    data: bytes, n_cols: int, headerless: bool, delimiter: str, has_quote: bool, budget: Budget
) -> pa.Table | None:
    """pyarrow's CSV reader (all columns text); ``None`` when a record is malformed or parsing fails.

    Raises the budget's :class:`IngestError` when the file is over budget (streamed block by block then).
    """
    bad_rows: list[Any] = []

    def _on_invalid(row: Any) -> str:
        bad_rows.append(row)
        return "error"  # the csv module path reads the file instead: stop here

    try:
        if _fits(data, delimiter, n_cols, headerless, budget.options):
            # one block per CPU (at least 1 MiB): parallel parsing without many small chunks
            block = max(1 << 20, len(data) // max(1, pa.cpu_count()) + 1)
            read, parse, convert = _arrow_options(n_cols, headerless, delimiter, has_quote, block, _on_invalid)
            table = pacsv.read_csv(io.BytesIO(data), read_options=read, parse_options=parse, convert_options=convert)
            return None if bad_rows else table
        read, parse, convert = _arrow_options(n_cols, headerless, delimiter, has_quote, _STREAM_BLOCK, _on_invalid)
        batches: list[pa.RecordBatch] = []
        stream = pacsv.open_csv(io.BytesIO(data), read_options=read, parse_options=parse, convert_options=convert)
        with stream as reader:
            for batch in reader:
                if bad_rows:
                    return None
                budget.add(batch.num_rows, int(batch.nbytes))
                batches.append(batch)
        if bad_rows:
            return None
        return pa.Table.from_batches(batches, reader.schema)
    except (pa.ArrowException, ValueError, OverflowError):
        return None


def read_delimited(data: bytes, name: str, encoding: str, ext: str, options: ReadOptions | None = None) -> RawTable:
    """Delimited text from its UTF-8 bytes, within the budget of ``options`` (default: :class:`ReadOptions`)."""
    options = options or ReadOptions()
    budget = Budget(options, name)
    lead = re.match(rb"(?:[ \t\f\v]*\r?\n)*", data)
    offset = lead.group().count(b"\n") if lead else 0
    if offset and lead:
        data = data[lead.end() :]
    sample = data[:65536].decode("utf-8", errors="ignore")
    sample_lines = [ln for ln in sample.splitlines()[:60] if ln.strip()]
    if len(data) > 65536 and len(sample_lines) > 1:
        sample_lines = sample_lines[:-1]  # the last sampled line may be cut short
    if not sample_lines:
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    delimiter = sniff_delimiter(sample_lines, ext)
    parse_delim = delimiter
    if delimiter == "::":
        data = data.replace(b"::", b"\x1f")
        sample_lines = [ln.replace("::", "\x1f") for ln in sample_lines]
        parse_delim = "\x1f"
    _allow_fields(len(sample_lines[0]) + 1)
    header_fields = next(csv.reader(sample_lines[:1], delimiter=parse_delim, quotechar='"', strict=False))
    headerless = bool(header_fields) and all(_NUMERIC_RE.match(f) for f in header_fields)
    if headerless:
        names = [f"column_{i + 1}" for i in range(len(header_fields))]
        seq: frozenset[str] = frozenset()
        recbole = False
    else:
        names, seq, recbole = clean_header(header_fields)
    file_format = (
        "recbole" if recbole or ext in (".inter", ".item") else ("tsv" if delimiter == "\t" else "csv")
    )
    has_quote = b'"' in data
    table = _read_arrow(data, len(names), headerless, parse_delim, has_quote, budget)
    if table is None:
        return _read_delimited_python(
            data, name, encoding, delimiter, parse_delim, names, seq, headerless, file_format, offset, budget
        )
    if table.num_rows == 0:
        raise IngestError(f"{name}: has a header but no data rows", "no_rows", name=name)
    if has_quote and data.count(b'"') % 2:
        _check_unclosed_quote(data, name, parse_delim, offset)

    def _lines() -> np.ndarray:
        if has_quote:
            return _csv_line_numbers(data, parse_delim, not headerless) + offset
        return _plain_line_numbers(data, not headerless) + offset

    eager = None if has_quote or len(data) <= _EAGER_LINES else _lines()  # a large file's bytes are not kept

    columns = take_columns(table)
    del table  # so that named_table frees each column's chunks as it combines them
    plain = (
        data.isascii()
        and b" " not in data
        and b"\x0b" not in data
        and b"\x0c" not in data
        and (parse_delim == "\t" or b"\t" not in data)
    )
    return RawTable(
        name=name,
        table=named_table(columns, names),
        encoding=encoding,
        delimiter=delimiter,
        file_format=file_format,
        seq_columns=seq,
        headerless=headerless,
        plain=plain,
        _lines=eager,
        _line_source=None if eager is not None else _lines,
    )


def _check_unclosed_quote(data: bytes, name: str, delimiter: str, offset: int) -> None:
    """Raise if a quoted field opens and never closes (it would silently swallow the rest of the file)."""
    last: tuple[int, int, list[str]] = (0, 0, [])
    try:
        for record in _records(data, delimiter):
            last = record
    except csv.Error:
        pass
    start, end, rec = last
    ends_open = not data.rstrip(b"\r\n").endswith(b'"')
    if (any("\n" in cell for cell in rec) and ends_open) or end - start > 1000:
        line = start + offset
        raise IngestError(
            f'{name}: line {line}: a quote (") opens a field that is never closed',
            "unclosed_quote",
            name=name,
            line=line,
        )


class _ColumnChunks:
    """Good rows of the ``csv`` module path, turned into Arrow string chunks every ``_CHUNK_ROWS`` rows."""

    def __init__(self, n_cols: int, budget: Budget) -> None:
        self.rows: list[list[str]] = []
        self.chunks: list[list[pa.Array]] = [[] for _ in range(n_cols)]
        self.budget = budget
        self.count = 0

    def add(self, rec: list[str]) -> None:
        self.rows.append(rec)
        if len(self.rows) >= _CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = zip(*self.rows, strict=True)
        arrays = [pa.array(list(col), pa.large_string()) for col in columns]
        self.budget.add(len(self.rows), sum(int(a.nbytes) for a in arrays))
        for i, arr in enumerate(arrays):
            self.chunks[i].append(arr)
        self.count += len(self.rows)
        self.rows = []

    def columns(self) -> list[pa.Array]:
        self.flush()
        out: list[pa.Array] = []
        for i, parts in enumerate(self.chunks):
            if not parts:
                out.append(pa.array([], pa.large_string()))
            else:
                out.append(parts[0] if len(parts) == 1 else pa.concat_arrays(parts))
            self.chunks[i] = []
        return out


def _read_delimited_python(
    data: bytes,
    name: str,
    encoding: str,
    delimiter: str,
    parse_delim: str,
    names: list[str],
    seq: frozenset[str],
    headerless: bool,
    file_format: str,
    offset: int,
    budget: Budget,
) -> RawTable:
    """Slow, forgiving parse with the csv module: exact line numbers, malformed rows become problems;
    good rows become Arrow chunks as they come, and the budget is checked as the file is read."""
    n_cols = len(names)
    good = _ColumnChunks(n_cols, budget)
    lines = array("q")
    malformed = Malformed()
    end = 0  # last line of the last record read (where a parse error is reported)
    seen_header = headerless
    pending_bad = pending_size = 0  # malformed records not yet counted against the budget
    try:
        for record in _records(data, parse_delim):
            first, end, rec = record
            start = first + offset
            if _blank(rec):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(rec) == n_cols:
                good.add(rec)
                lines.append(start)
                continue
            raw = delimiter.join(rec)
            malformed.add(start, raw, rec, "bad_field_count", found=len(rec), expected=n_cols)
            pending_bad += 1
            pending_size += len(raw) + 8 * (len(rec) + 1)  # like a good row: its text and an offset per cell
            if pending_bad >= 4096:
                budget.add(pending_bad, pending_size)
                pending_bad = pending_size = 0
    except csv.Error as exc:
        line = end + 1 + offset
        raise IngestError(
            f"{name}: line {line} cannot be parsed ({exc}); is a quote left open?",
            "malformed",
            name=name,
            line=line,
        ) from exc
    budget.add(pending_bad, pending_size)
    columns = good.columns()
    if not good.count and not malformed.count:
        raise IngestError(f"{name}: has a header but no data rows", "no_rows", name=name)
    if b'"' in data and data.count(b'"') % 2:
        _check_unclosed_quote(data, name, parse_delim, offset)
    return RawTable(
        name=name,
        table=named_table(columns, names),
        encoding=encoding,
        delimiter=delimiter,
        file_format=file_format,
        seq_columns=seq,
        parse_problems=malformed.problems,
        parse_rejected=malformed.rejected(names),
        headerless=headerless,
        _lines=np.frombuffer(lines, dtype=np.int64).copy() if len(lines) else np.zeros(0, np.int64),
    )
