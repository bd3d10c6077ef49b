"""Parquet into a :class:`~core.data.table.RawTable` within a row and memory budget.

A Parquet file is small on disk and can be huge in memory (a dictionary-encoded column of one value
repeated 5 million times is a few kilobytes compressed). So the footer is read first: a file with more
rows than ``max_rows``, or whose plain-encoded pages already exceed the byte budget, is refused before a
single page is decoded. The rest is read one row group at a time, text columns kept dictionary-encoded
until their decoded size (each value's length times how often it occurs) has been counted against the
budget; only then is the row group expanded to strings.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.data.arrow import to_text
from core.data.read_options import Budget, ReadOptions
from core.data.report import IngestError
from core.data.table import RawTable, clean_header, named_table

_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)


def _is_text(typ: pa.DataType) -> bool:
    return any(check(typ) for check in _TEXT_TYPES)


def _dictionary_paths(schema: pa.Schema) -> list[str]:
    """Columns (and list elements) to keep dictionary-encoded on read: every text leaf."""
    paths: list[str] = []
    for fld in schema:
        typ = fld.type
        if pa.types.is_dictionary(typ):
            continue  # stored as a dictionary already (pyarrow reads it back as one)
        if _is_text(typ):
            paths.append(fld.name)
        elif (pa.types.is_list(typ) or pa.types.is_large_list(typ)) and _is_text(typ.value_type):
            paths.append(f"{fld.name}.list.element")
    return paths


def _dictionary_bytes(arr: pa.DictionaryArray) -> int:
    """Decoded size of a dictionary array: each row's value length, summed, without expanding it."""
    if len(arr) == 0:
        return 0
    lengths = np.asarray(pc.binary_length(arr.dictionary).to_numpy(zero_copy_only=False), dtype=np.int64)
    if not len(lengths):
        return 0
    codes = np.asarray(pc.fill_null(arr.indices, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return int(np.bincount(codes, minlength=len(lengths)) @ lengths)


def _decoded_bytes(col: pa.ChunkedArray) -> int | None:
    """Decoded text size of a column still dictionary-encoded (values + ``|`` separators of lists);
    ``None`` when it is not (its size is measured after conversion)."""
    typ = col.type
    total = 0
    if pa.types.is_dictionary(typ):
        for chunk in col.chunks:
            total += _dictionary_bytes(chunk)
        return total
    if (pa.types.is_list(typ) or pa.types.is_large_list(typ)) and pa.types.is_dictionary(typ.value_type):
        for chunk in col.chunks:
            flat = chunk.flatten()
            total += _dictionary_bytes(flat) + len(flat)
        return total
    return None


def _footer_check(meta: pq.FileMetaData, budget: Budget) -> None:
    """Refuse from the footer alone: too many rows, or plain pages already larger than the byte budget."""
    budget.check_rows(int(meta.num_rows), exact=True)
    stored = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            stored += int(group.column(c).total_uncompressed_size or 0)
    budget.check_bytes(stored + 8 * int(meta.num_rows) * max(1, int(meta.num_columns)), exact=False)


def read_parquet(source: bytes | Path, name: str, options: ReadOptions) -> RawTable:
    """A Parquet file (its bytes or its path) as a :class:`RawTable`, refused as soon as it exceeds the budget."""
    budget = Budget(options, name)
    try:
        handle = pq.ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        schema = handle.schema_arrow
        paths = _dictionary_paths(schema)
        if paths:
            handle = pq.ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source, read_dictionary=paths)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(
            f"{name}: is not a readable Parquet file ({str(exc)[:120]})", "unreadable", name=name
        ) from exc
    if len(schema) == 0:
        raise IngestError(f"{name}: the Parquet file has no columns", "no_rows", name=name)
    meta = handle.metadata
    _footer_check(meta, budget)
    names, seq, _ = clean_header([str(f.name) for f in schema])
    chunks: list[list[pa.Array]] = [[] for _ in names]
    try:
        for g in range(meta.num_row_groups):
            group = handle.read_row_group(g)
            if group.num_rows == 0:
                continue
            counted = [_decoded_bytes(group.column(i)) for i in range(group.num_columns)]
            # dictionaries are counted before they are expanded: a bomb is refused here, at no cost
            budget.add(group.num_rows, sum(c + 8 * group.num_rows for c in counted if c is not None))
            converted = [to_text(group.column(i)) for i in range(group.num_columns)]
            budget.add(0, sum(int(a.nbytes) for a, c in zip(converted, counted, strict=True) if c is None))
            for i, arr in enumerate(converted):
                chunks[i].append(arr)
            del group
    except IngestError:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(
            f"{name}: is not a readable Parquet file ({str(exc)[:120]})", "unreadable", name=name
        ) from exc
    if budget.rows == 0:
        raise IngestError(f"{name}: has columns but no rows", "no_rows", name=name)
    columns: list[pa.Array] = []
    for i, parts in enumerate(chunks):  # one column at a time, so only one is ever held twice
        columns.append(parts[0] if len(parts) == 1 else pa.concat_arrays(parts))
        chunks[i] = []
    return RawTable(
        name=name,
        table=named_table(columns, names),
        encoding="binary",
        delimiter=None,
        file_format="parquet",
        seq_columns=seq,
    )
