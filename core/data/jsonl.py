"""JSON Lines (one object per line) and JSON arrays of objects into a :class:`~core.data.table.RawTable`,
decoded in chunks of records within the row and memory budget.

Records are turned into Arrow string columns every ``CHUNK_ROWS`` records, so the Python objects of at
most one chunk exist at a time; columns appear in order of first appearance and a key a record lacks is
"". A line that is not a JSON object is a malformed record (``bad_json``) with its line number.
"""

from __future__ import annotations

import io
import json
from array import array
from typing import Any

import numpy as np
import pyarrow as pa

from core.data.arrow import blank_strings, py_text
from core.data.read_options import Budget, ReadOptions
from core.data.report import IngestError
from core.data.table import Malformed, RawTable, clean_header, named_table

CHUNK_ROWS = 50_000
"""Records decoded into Python objects at a time."""
_WS = " \t\r\n"


class _Columns:
    """Arrow string columns built from records chunk by chunk, within a budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.keys: dict[str, list[tuple[int, pa.Array]]] = {}
        self.rows = 0
        self.pending: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any]) -> None:
        """Append one record (flushed to Arrow every ``CHUNK_ROWS``)."""
        self.pending.append(record)
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        """Turn the pending records into Arrow arrays and count them against the budget."""
        if not self.pending:
            return
        order: dict[str, None] = {}
        for rec in self.pending:
            for key in rec:
                order.setdefault(key, None)
        size = 0
        for key in order:
            arr = pa.array([py_text(rec.get(key)) for rec in self.pending], pa.large_string())
            size += int(arr.nbytes)
            self.keys.setdefault(str(key), []).append((self.rows, arr))
        self.budget.add(len(self.pending), size)
        self.rows += len(self.pending)
        self.pending = []

    def table(self) -> tuple[list[str], list[pa.Array]]:
        """(keys in order of first appearance, one array per key; absent values "")."""
        self.flush()
        keys = list(self.keys)
        columns: list[pa.Array] = []
        for key in keys:
            parts: list[pa.Array] = []
            at = 0
            for start, arr in self.keys.pop(key):
                if start > at:
                    parts.append(blank_strings(start - at))
                parts.append(arr)
                at = start + len(arr)
            if at < self.rows:
                parts.append(blank_strings(self.rows - at))
            columns.append(parts[0] if len(parts) == 1 else pa.concat_arrays(parts))
        return keys, columns


def _raw(name: str, encoding: str, fmt: str, cols: _Columns, lines: np.ndarray, malformed: Malformed) -> RawTable:
    keys, arrays = cols.table()
    names, seq, _ = clean_header(keys)
    return RawTable(
        name=name,
        table=named_table(arrays, names),
        encoding=encoding,
        delimiter=None,
        file_format=fmt,
        seq_columns=seq,
        parse_problems=malformed.problems,
        parse_rejected=malformed.rejected(names),
        _lines=lines,
    )


def _read_array(text: str, name: str, encoding: str, force: bool, budget: Budget) -> RawTable | None:
    """A JSON array of objects, object by object; ``None`` when it is not JSON and ``force`` is off."""
    decoder = json.JSONDecoder()
    cols = _Columns(budget)
    pos = text.index("[") + 1
    end = len(text)
    try:
        while True:
            while pos < end and text[pos] in _WS:
                pos += 1
            if pos < end and text[pos] == "]" and cols.rows + len(cols.pending) == 0:
                pos += 1
                break
            obj, pos = decoder.raw_decode(text, pos)
            if not isinstance(obj, dict):
                raise IngestError(
                    f"{name}: a JSON file must be an array of objects or one object per line", "unreadable", name=name
                )
            cols.add(obj)
            while pos < end and text[pos] in _WS:
                pos += 1
            if pos < end and text[pos] == ",":
                pos += 1
                continue
            if pos < end and text[pos] == "]":
                pos += 1
                break
            raise json.JSONDecodeError("expected ',' or ']'", text, pos)
        if text[pos:].strip(_WS):
            raise json.JSONDecodeError("extra data after the array", text, pos)
    except (json.JSONDecodeError, RecursionError) as exc:
        if not force:
            return None
        raise IngestError(f"{name}: is not valid JSON ({exc})", "unreadable", name=name) from exc
    total = cols.rows + len(cols.pending)
    if not total:
        raise IngestError(f"{name}: the JSON array is empty", "no_rows", name=name)
    return _raw(name, encoding, "json", cols, np.arange(2, total + 2, dtype=np.int64), Malformed())


def read_json(data: bytes, name: str, encoding: str, force: bool, options: ReadOptions) -> RawTable | None:
    """JSON Lines or a JSON array of objects (``data``: UTF-8); ``None`` if it is not JSON at all (and the
    extension did not promise JSON: ``force``)."""
    budget = Budget(options, name)
    head = data[:64].lstrip()
    if head.startswith(b"["):
        return _read_array(data.decode("utf-8"), name, encoding, force, budget)
    cols = _Columns(budget)
    lines = array("q")
    malformed = Malformed()
    first = True
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=None)
    for number, line in enumerate(stream, start=1):
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
            cols.add(obj)
            lines.append(number)
        else:
            malformed.add(number, line.rstrip("\r\n"), [], "bad_json")
            budget.add(1, len(line) + 8)  # like a good row: its text and an offset
    if not lines and not malformed.count:
        raise IngestError(f"{name} is empty", "empty_file", name=name)
    if not lines:
        raise IngestError(f"{name}: no line is a JSON object", "unreadable", name=name)
    return _raw(name, encoding, "jsonl", cols, np.frombuffer(lines, dtype=np.int64).copy(), malformed)
