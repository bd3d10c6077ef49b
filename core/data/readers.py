"""Read a file into a :class:`~core.data.table.RawTable`: sniff the format and the text encoding, keep every cell
as the string a CSV would have held.

Formats: delimited text (:mod:`core.data.delimited`; RecBole atomic files too), Parquet, JSON Lines (and a
JSON array of objects), pandas frames. Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK / GB18030
(detected), else charset-normalizer's guess. Binary files (spreadsheets, archives, images) are refused
with a message that says what they are.

Nothing here raises a library exception for bad input: a file that yields no table at all raises
:class:`~core.data.report.IngestError` (a :class:`~core.common.errors.DataError`).
"""

from __future__ import annotations

import codecs
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.common.errors import DataError
from core.data.delimited import read_delimited
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


def _read_source(source: Source, name: str) -> tuple[bytes, str]:
    """The bytes of a path / bytes / file-like source and a display name for messages."""
    label = source_label(source, name)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), label
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise IngestError(f"{label}: file not found ({path})", "not_found", name=label)
        if not path.is_file():
            raise IngestError(f"{label}: is not a file ({path})", "not_found", name=label)
        try:
            return path.read_bytes(), label
        except OSError as exc:
            raise IngestError(f"{label}: cannot be read ({exc.strerror})", "not_found", name=label) from exc
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
        return _table_from_frame(source, source_label(source, name))
    data, label = _read_source(source, name)
    try:
        return _parse_bytes(data, label)
    except DataError:
        raise
    except MemoryError as exc:
        raise IngestError(f"{label}: too large to load in memory", "too_large", name=label) from exc
    except Exception as exc:  # any parser failure becomes one readable error
        raise IngestError(
            f"{label}: could not be read as a table ({error_detail(exc)})", "unreadable", name=label
        ) from exc


def _parse_bytes(data: bytes, name: str) -> RawTable:
    """Dispatch on the content: Parquet, refused binary formats, JSON, else delimited text."""
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
    return read_delimited(text, name, encoding, ext, utf8)


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
    names, seq, _ = clean_header(raw_names)
    if table.num_rows == 0:
        raise IngestError(f"{name}: has columns but no rows", "no_rows", name=name)
    frame = named_table([_arrow_to_str(table.column(i)) for i in range(table.num_columns)], names)
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
        lines = np.arange(2, len(doc) + 2, dtype=np.int64)
        return _json_raw(name, encoding, "json", doc, lines, Malformed())
    records: list[dict[str, Any]] = []
    lines_list: list[int] = []
    malformed = Malformed()
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
            malformed.add(number, line, [], "bad_json")
    if not records and not malformed.problems:
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if not records:
        raise IngestError(f"{name}: no line is a JSON object", "unreadable", name=name)
    return _json_raw(name, encoding, "jsonl", records, np.asarray(lines_list, np.int64), malformed)


def _json_raw(
    name: str, encoding: str, fmt: str, records: list[dict[str, Any]], lines: np.ndarray, malformed: Malformed
) -> RawTable:
    """The RawTable of parsed JSON objects (columns in order of first appearance; absent keys are "")."""
    keys: dict[str, None] = {}
    for rec in records:
        for key in rec:
            keys.setdefault(str(key), None)
    names, seq, _ = clean_header(list(keys))
    cells = [pa.array([_py_to_str(rec.get(key)) for rec in records], pa.large_string()) for key in keys]
    return RawTable(
        name=name,
        table=named_table(cells, names),
        encoding=encoding,
        delimiter=None,
        file_format=fmt,
        seq_columns=seq,
        parse_problems=malformed.problems,
        parse_rejected=malformed.rejected(names),
        _lines=lines,
    )
