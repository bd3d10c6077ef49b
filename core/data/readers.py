"""Read a file into a :class:`~core.data.table.RawTable`: sniff the format and the text encoding, keep every cell
as the string a CSV would have held, within the row and memory budget of
:class:`~core.data.read_options.ReadOptions` (checked while decoding, so a bomb costs nothing).

Formats: delimited text (:mod:`core.data.delimited`; RecBole atomic files too), Parquet
(:mod:`core.data.parquet`), JSON Lines and JSON arrays of objects (:mod:`core.data.jsonl`), pandas frames.
Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK / GB18030 (detected), else charset-normalizer's
guess; text is converted to UTF-8 bytes chunk by chunk, never held as one Python string. Binary files
(spreadsheets, archives, images, mostly control bytes) are refused with a message that says what they
are; a few NUL bytes in a text file only cost their rows.

A bad cell costs its row, not the file: after parsing, a row with a cell holding a NUL byte or longer
than ``max_cell_bytes`` is taken out and reported (line, column, reason) like any malformed record.

Nothing here raises a library exception for bad input: a file that yields no table at all raises
:class:`~core.data.report.IngestError` (a :class:`~core.common.errors.DataError`).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.common.errors import DataError
from core.data.arrow import py_text, to_text
from core.data.delimited import read_delimited
from core.data.jsonl import read_json
from core.data.parquet import read_parquet
from core.data.read_options import ENV_MAX_TABLE_MB, Budget, ReadOptions, default_options
from core.data.report import IngestError
from core.data.table import Malformed, RawTable, clean_header, named_table

# --- sources, encodings, format dispatch ---------------------------------------------------------

Source = Any
"""What a reader accepts: a RawTable, a path (str or Path), bytes, a pandas frame, or a file-like object
with ``.read()`` / ``.getvalue()`` (a Streamlit upload)."""

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


def source_label(source: Source, name: str = "") -> str:
    """How messages name a source: ``name`` if given, else its file name, else "<upload>" / "<frame>"."""
    if name:
        return name
    if isinstance(source, (str, Path)):
        return Path(source).name
    if isinstance(source, RawTable):
        return source.name
    if isinstance(source, pd.DataFrame):
        return "<frame>"
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<upload>"
    return str(getattr(source, "name", "") or "<upload>")


def error_detail(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none), at most 160 characters."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def _read_source(source: Source, label: str, options: ReadOptions) -> bytes | Path:
    """The bytes of a path / bytes / file-like source; a Parquet path is returned as is (read by row group).

    A text file larger than twice the decoded-size budget is refused before it is read: its cells could
    not fit (each cell costs at least its text and an 8-byte offset)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise IngestError(f"{label}: file not found ({path})", "not_found", name=label)
        if not path.is_file():
            raise IngestError(f"{label}: is not a file ({path})", "not_found", name=label)
        try:
            with path.open("rb") as fh:
                magic = fh.read(4)
            if magic == b"PAR1":
                return path
            size = path.stat().st_size
            if size > 2 * options.max_table_bytes:
                mb = options.max_table_mb
                raise IngestError(
                    f"{label}: the file is {size / 1e6:,.0f} MB, too large for its cells to fit in {mb:,} MB — "
                    f"raise max_table_mb in settings ({ENV_MAX_TABLE_MB})",
                    "table_too_large", name=label, size=f"> {2 * mb:,} MB", limit=f"{mb:,}",
                )  # fmt: skip
            return path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{label}: cannot be read ({exc.strerror})", "not_found", name=label) from exc
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue())
    if hasattr(source, "read"):
        data = source.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise IngestError(f"{label}: unsupported source type {type(source).__name__}", "unreadable", name=label)


# --- encodings: any text to UTF-8 bytes, chunk by chunk ---------------------------------------------

_CHUNK = 1 << 22


def _utf8_valid(data: bytes | memoryview) -> bool:
    """True when ``data`` is valid UTF-8 (decoded in chunks; nothing kept)."""
    view = memoryview(data)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(view), _CHUNK):
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(view))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _to_utf8(data: bytes | memoryview, encoding: str) -> bytes:
    """``data`` decoded from ``encoding`` and re-encoded as UTF-8, chunk by chunk (raises UnicodeDecodeError)."""
    view = memoryview(data)
    decoder = codecs.getincrementaldecoder(encoding)()
    parts: list[bytes] = []
    for start in range(0, len(view), _CHUNK):
        text = decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(view))
        parts.append(text.encode("utf-8", errors="replace"))
    parts.append(decoder.decode(b"", final=True).encode("utf-8", errors="replace"))
    return b"".join(parts)


def _head_text(data: bytes, encoding: str, size: int = 400_000) -> str:
    """The first ``size`` bytes decoded (an incomplete trailing character dropped)."""
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:size], final=False)


def _looks_chinese(text: str) -> bool:
    """True when most non-ASCII characters of ``text`` are CJK (a plausible GBK/GB18030 decoding)."""
    sample = _NON_ASCII_RE.findall(text[:200_000])
    if not sample:
        return True
    cjk = len(_CJK_RE.findall("".join(sample)))
    return cjk >= 0.6 * len(sample)


def _binary_refusal(name: str) -> IngestError:
    return IngestError(f"{name}: looks like a binary file, not a text table", "binary_file", name=name)


_STRICT_TEXT = ("utf-8", "utf-8-sig", "utf-16")
"""Encodings whose decoding proves the file is text (the others decode almost any bytes)."""


def _mostly_control(sample: bytes, share: float = 0.01) -> bool:
    """True when more than ``share`` of ``sample`` (and at least 2 bytes) are control bytes or replacement
    characters: binary data, not a text table with a stray NUL in a cell or two."""
    if not sample:
        return False
    codes = np.frombuffer(sample, dtype=np.uint8)
    control = (codes < 32) & (codes != 9) & (codes != 10) & (codes != 13) & (codes != 12)
    bad = int(control.sum()) + int((codes == 127).sum()) + sample.count("\ufffd".encode())
    return bad > max(1, share * len(sample))


def _decode(data: bytes, name: str) -> tuple[bytes, str]:
    """The text as UTF-8 bytes and the encoding it was in, without asking the user: UTF-8(-BOM),
    UTF-16 BOM, GBK/GB18030, else charset-normalizer's guess."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _to_utf8(data, "utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        if _utf8_valid(memoryview(data)[3:]):
            return data[3:], "utf-8-sig"
    elif _utf8_valid(data):
        return data, "utf-8"
    head = data[:65536]
    if b"\x00" in head and _mostly_control(head):
        raise _binary_refusal(name)
    try:
        if _looks_chinese(_head_text(data, "gb18030")):
            utf8 = _to_utf8(data, "gb18030")
            return utf8, "gbk" if _gbk_valid(data) else "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is not None and best.encoding:
        try:
            return _to_utf8(data, str(best.encoding)), str(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise IngestError(f"{name}: the text encoding could not be recognised", "unknown_encoding", name=name)


def _gbk_valid(data: bytes) -> bool:
    """True when ``data`` decodes as GBK (the narrower name for the same text), checked in chunks."""
    decoder = codecs.getincrementaldecoder("gbk")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _CHUNK):
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(view))
    except UnicodeDecodeError:
        return False
    return True


# --- the entry point ------------------------------------------------------------------------------


def read_table(source: Source, name: str = "", options: ReadOptions | None = None) -> RawTable:
    """Read a file into a :class:`RawTable`: sniff format, encoding and delimiter; keep cells as strings.

    ``options``: the row / memory budget and the date format (default: the deployment's settings,
    :func:`~core.data.read_options.default_options`). Raises :class:`DataError` (never a library
    exception) when there is no table in it at all, or when it is over budget.
    """
    if isinstance(source, RawTable):
        return source
    options = options or default_options()
    label = source_label(source, name)
    try:
        if isinstance(source, pd.DataFrame):
            raw = _table_from_frame(source, label, options)
        else:
            raw = _parse(_read_source(source, label, options), label, options)
        raw = reject_bad_cells(raw, options)
    except DataError:
        raise
    except MemoryError as exc:
        raise IngestError(f"{label}: too large to load in memory", "too_large", name=label) from exc
    except Exception as exc:  # any parser failure becomes one readable error
        raise IngestError(
            f"{label}: could not be read as a table ({error_detail(exc)})", "unreadable", name=label
        ) from exc
    raw.date_format = options.date_format
    return raw


def _parse(data: bytes | Path, name: str, options: ReadOptions) -> RawTable:
    """Dispatch on the content: Parquet, refused binary formats, JSON, else delimited text."""
    ext = Path(name).suffix.lower()
    if isinstance(data, Path):
        return read_parquet(data, name, options)
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    if not data[:4096].strip(blank) and not data.strip(blank):  # the whole file only when it starts blank
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if data[:4] == b"PAR1" or ext == ".parquet":
        return read_parquet(data, name, options)
    for magic, what in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise IngestError(
                f"{name}: this is {what}, not a text table", "binary_file", name=name, what=what
            )
    utf8, encoding = _decode(data, name)
    del data
    # valid UTF-8 / UTF-16 is text: only a file that is largely control bytes is binary; a guessed
    # single-byte encoding decodes anything, so there a few control bytes already mean binary
    if _mostly_control(utf8[:100_000], 0.10 if encoding in _STRICT_TEXT else 0.01):
        raise _binary_refusal(name)
    stripped = utf8[:4096].lstrip()
    if not stripped and not utf8.strip():
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if ext in (".jsonl", ".ndjson", ".json") or stripped[:1] in (b"[", b"{"):
        table = read_json(utf8, name, encoding, ext in (".jsonl", ".ndjson", ".json"), options)
        if table is not None:
            return table
    return read_delimited(utf8, name, encoding, ext, options)


# --- a bad cell costs its row ---------------------------------------------------------------------

_NUL_SHOWN = "\u2400"  # ␀: how a NUL byte appears in the rejected row and the problem's value
_CUT = 1000  # characters of an oversized cell kept in the rejected row


def _bad_cells(col: pa.Array, max_cell_bytes: int, nul: bool) -> tuple[np.ndarray, np.ndarray]:
    """(cells holding a NUL byte, cells longer than ``max_cell_bytes``) of one column."""
    n = len(col)
    none = np.zeros(n, dtype=bool)
    has_nul = (
        np.asarray(pc.match_substring(col, "\x00").to_numpy(zero_copy_only=False), dtype=bool) if nul else none
    )
    lengths = pc.binary_length(col)
    top = pc.max(lengths).as_py()
    if top is None or top <= max_cell_bytes:
        return has_nul, none
    return has_nul, np.asarray(pc.greater(lengths, max_cell_bytes).to_numpy(zero_copy_only=False), dtype=bool)


def _shown(cell: str, limit: int) -> str:
    """A cell as the rejected row shows it: NUL bytes visible, an oversized cell cut."""
    if len(cell.encode("utf-8", errors="replace")) > limit:
        cell = f"{cell[:_CUT]}… ({len(cell.encode('utf-8', errors='replace')):,} bytes)"
    return cell.replace("\x00", _NUL_SHOWN)


def reject_bad_cells(raw: RawTable, options: ReadOptions) -> RawTable:
    """Take the rows with a cell holding a NUL byte or longer than ``max_cell_bytes`` out of ``raw`` and
    report each one (line, column, reason) with the other malformed records; the rest is untouched."""
    limit = options.max_cell_bytes
    columns = raw.columns
    masks: list[tuple[np.ndarray, np.ndarray]] = []
    any_bad = False
    for col_name in columns:
        col = raw.table.column(col_name).combine_chunks()
        if not len(col):
            masks.append((np.zeros(0, bool), np.zeros(0, bool)))
            continue
        data_buffer = col.buffers()[2]
        nul = data_buffer is not None and data_buffer.size > 0 and int(np.frombuffer(data_buffer, np.uint8).min()) == 0
        nul_mask, big_mask = _bad_cells(col, limit, nul)
        masks.append((nul_mask, big_mask))
        any_bad = any_bad or bool(nul_mask.any() or big_mask.any())
    if not any_bad:
        return raw
    bad = np.zeros(raw.n_rows, dtype=bool)
    for nul_mask, big_mask in masks:
        bad |= nul_mask | big_mask
    bad_idx = np.flatnonzero(bad)
    lines = raw.line_numbers()
    rows = raw.table.take(pa.array(bad_idx)).to_pydict()
    delimiter = raw.delimiter or ","
    malformed = Malformed()
    for j, i in enumerate(bad_idx):
        cells = [_shown(str(rows[c][j]), limit) for c in columns]
        for k, col_name in enumerate(columns):
            nul_mask, big_mask = masks[k]
            if big_mask[i]:
                size = len(str(rows[col_name][j]).encode("utf-8", errors="replace"))
                malformed.add(int(lines[i]), delimiter.join(cells), cells, "cell_too_large", column=col_name,
                              size=f"{size:,}", limit=f"{limit:,}")  # fmt: skip
                break
            if nul_mask[i]:
                malformed.add(int(lines[i]), delimiter.join(cells), cells, "nul_byte", column=col_name)
                break
    return raw.without_rows(bad, malformed)


# --- frames ---------------------------------------------------------------------------------------


def _table_from_frame(df: pd.DataFrame, name: str, options: ReadOptions) -> RawTable:
    if df.shape[1] == 0:
        raise IngestError(f"{name}: the table has no columns", "no_rows", name=name)
    Budget(options, name).check_rows(len(df))
    if len(df) == 0:
        raise IngestError(f"{name}: has columns but no rows", "no_rows", name=name)
    try:
        table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        table = pa.table(
            {str(c): pa.array([py_text(v) for v in df[c].tolist()], pa.large_string()) for c in df.columns}
        )
    names, seq, _ = clean_header([str(c) for c in table.column_names])
    columns = [to_text(table.column(i)) for i in range(table.num_columns)]
    Budget(options, name).check_bytes(sum(int(c.nbytes) for c in columns))
    return RawTable(
        name=name, table=named_table(columns, names), encoding="n/a", delimiter=None, file_format="frame",
        seq_columns=seq,
    )  # fmt: skip
