"""Arrow column helpers of the data stage: dictionary codes, boolean masks, row selection, and pandas
frames over Arrow string columns without copying them.

Text columns travel as Arrow ``large_string`` arrays from the readers to the :class:`~core.data.dataset.Dataset`
(pandas' default ``str`` dtype wraps them); numbers as numpy arrays.
"""

from __future__ import annotations

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
