"""Delimited text (CSV, TSV, ``;`` ``|`` ``::``, RecBole atomic files) into a :class:`~core.data.table.RawTable`.

The delimiter is sniffed from a sample; the header is detected (an all-numeric first record means a
headerless file) and cleaned. The fast path is pyarrow's multi-threaded CSV reader with every column
read as text; a file it cannot parse exactly (ragged rows) goes through the ``csv`` module instead,
where each malformed record becomes a problem with its exact line. Line numbers are computed only
when a problem needs them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from core.data.report import IngestError
from core.data.table import Malformed, RawTable, clean_header, named_table

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


def _records(text: str, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of every record, quote-aware; raises ``csv.Error`` where parsing fails."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
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
    lines = [start for start, _, rec in _records(text, delimiter) if not _blank(rec)]
    arr = np.asarray(lines, dtype=np.int64)
    return arr[1:] if header else arr


def read_delimited(text: str, name: str, encoding: str, ext: str, utf8: bytes | None = None) -> RawTable:
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
    delimiter = sniff_delimiter(sample_lines, ext)
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
        names, seq, recbole = clean_header(header_fields)
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
        table=named_table(table, names),
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
    last: tuple[int, int, list[str]] = (0, 0, [])
    try:
        for record in _records(text, delimiter):
            last = record
    except csv.Error:
        pass
    start, end, rec = last
    ends_open = not text.rstrip("\r\n").endswith('"')
    if (any("\n" in cell for cell in rec) and ends_open) or end - start > 1000:
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
    rows: list[list[str]] = []
    lines: list[int] = []
    malformed = Malformed()
    end = 0  # last line of the last record read (where a parse error is reported)
    seen_header = headerless
    try:
        for record in _records(text, parse_delim):
            first, end, rec = record
            start = first + offset
            if _blank(rec):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(rec) == n_cols:
                rows.append(rec)
                lines.append(start)
                continue
            malformed.add(start, delimiter.join(rec), rec, "bad_field_count", found=len(rec), expected=n_cols)
    except csv.Error as exc:
        line = end + 1 + offset
        raise IngestError(
            f"{name}: line {line} cannot be parsed ({exc}); is a quote left open?",
            "malformed",
            name=name,
            line=line,
        ) from exc
    if not rows and not malformed.problems:
        raise IngestError(f"{name}: has a header but no data rows", "no_rows", name=name)
    if '"' in text and text.count('"') % 2:
        _check_unclosed_quote(text, name, parse_delim, offset)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(n_cols)]
    return RawTable(
        name=name,
        table=named_table([pa.array(list(col), pa.large_string()) for col in columns], names),
        encoding=encoding,
        delimiter=delimiter,
        file_format=file_format,
        seq_columns=seq,
        parse_problems=malformed.problems,
        parse_rejected=malformed.rejected(names),
        headerless=headerless,
        _lines=np.asarray(lines, dtype=np.int64),
    )
