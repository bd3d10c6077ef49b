"""Arrow column helpers of the data stage: dictionary codes, boolean masks, row selection, and pandas
frames over Arrow string columns without copying them.

Text columns travel as Arrow ``large_string`` arrays from the readers to the :class:`~core.data.dataset.Dataset`
(pandas' default ``str`` dtype wraps them); numbers as numpy arrays. :func:`to_text` turns any Arrow column
(Parquet, JSON, frames) into the strings a CSV would have held; :func:`text_nbytes` is what it costs.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
"""pandas' default ``str`` dtype (Arrow-backed, NaN for missing)."""


def dictionary_codes(arr: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(int64 code of each row, the distinct values) of an Arrow array."""
    encoded = pc.dictionary_encode(arr)
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64), encoded.dictionary


def bool_mask(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array as a numpy ``bool`` mask."""
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)


def keep_rows(arr: pa.Array, keep: pa.Array | None) -> pa.Array:
    """The rows of ``arr`` selected by the boolean array ``keep`` (``None`` = all of them, no copy)."""
    return arr if keep is None else pc.filter(arr, keep)


def blank_strings(n: int) -> pa.Array:
    """``n`` empty strings."""
    return pa.repeat(pa.scalar("", pa.large_string()), n)


def str_series(arr: pa.Array) -> Any:
    """An Arrow string array as pandas' ``str`` extension array (wrapped, not converted)."""
    return ArrowStringArray(pc.cast(arr, pa.large_string()), dtype=STR_DTYPE)  # type: ignore[call-arg]


def str_frame(columns: dict[str, pa.Array | np.ndarray]) -> pd.DataFrame:
    """A pandas frame over Arrow string columns and numpy numeric columns, without copying them."""
    data = {k: (str_series(v) if isinstance(v, pa.Array) else v) for k, v in columns.items()}
    return pd.DataFrame(data, copy=False)


def py_text(value: Any) -> str:
    """A JSON / Python cell as the string a CSV would have held (``None`` -> "", lists joined with ``|``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return "|".join(py_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _float_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Floats as text without a Python loop: whole numbers (ids that became float because of nulls)
    without ".0", others in their shortest round-trip form; nulls as ""."""
    values = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (values == np.floor(values)) & (np.abs(values) < 1e15)
    text = pc.cast(pa.array(values), pa.large_string())
    if whole.any():
        ints = pc.cast(pa.array(np.where(whole, values, 0.0).astype(np.int64)), pa.large_string())
        text = pc.if_else(pa.array(whole), ints, text)
    if arr.null_count:
        text = pc.if_else(pc.is_null(arr), "", text)
    return text


def to_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Any Arrow column as non-null large strings: dictionaries expanded, lists joined with ``|``, floats
    as :func:`_float_text`, dates and times ISO, nulls ""."""
    typ = arr.type
    try:
        if pa.types.is_dictionary(typ):
            arr = arr.cast(typ.value_type) if isinstance(arr, pa.Array) else pc.cast(arr, typ.value_type)
            typ = arr.type
        if pa.types.is_list(typ) or pa.types.is_large_list(typ):
            inner = pc.cast(arr, pa.list_(pa.string()))
            out = pc.binary_join(inner, "|")
        elif pa.types.is_floating(typ):
            out = _float_text(arr)
        elif pa.types.is_timestamp(typ) or pa.types.is_date(typ):
            out = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S")
        else:
            out = pc.cast(arr, pa.large_string())
        out = pc.fill_null(pc.cast(out, pa.large_string()), "")
        return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out
    except (pa.ArrowException, TypeError, ValueError):
        return pa.array([py_text(v) for v in arr.to_pylist()], pa.large_string())


def text_nbytes(arr: pa.Array | pa.ChunkedArray) -> int:
    """Bytes a text column holds: its characters (UTF-8) plus 8 bytes of offset per cell."""
    return int(arr.nbytes)
