"""CSV downloads that a spreadsheet opens as data: formula escaping (CSV injection) and Excel-friendly bytes.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (``=HYPERLINK(...)`` exfiltrates, ``@SUM(...)`` evaluates). Following OWASP's
CSV-injection guidance such a cell gets a leading apostrophe, which spreadsheets show as text and do not
run. Plain numbers (``-1``, ``-0.5``, ``+3``, ``-2e-3``) are left alone so they stay readable as numbers:
a spreadsheet evaluates them to themselves. Every download of user-supplied values goes through
:func:`csv_bytes` (the rejected rows of an upload, the map selection).
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP)."""

_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def escape_formula(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet would run it as a formula; numbers unchanged."""
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _escape_cell(value: object) -> object:
    return escape_formula(value) if isinstance(value, str) else value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name escaped; numeric columns untouched."""
    out = frame.copy()
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out.isetitem(position, [_escape_cell(v) for v in series])
    out.columns = pd.Index([_escape_cell(c) for c in out.columns], dtype=object)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV in UTF-8 with a BOM (so Excel picks the encoding), formulas escaped, no index."""
    return escape_frame(frame).to_csv(index=False).encode("utf-8-sig")
