"""Dates written as text: ISO, Chinese (2024年3月5日) and the usual formats, and the day/month order of
``04/03/2021``-style dates, decided once per column and reported, never guessed row by row.

A column's order comes from the ``date_format`` option when it names one (``dmy``, ``mdy``, ``ymd`` or a
strftime pattern); otherwise from its own dates: a first number above 12 (``13/01/2021``) proves
day-first, a second one above 12 (``01/13/2021``) month-first. When nothing proves either, month-first
is assumed (pandas' and dateutil's convention) and a notice says so; when both occur, the majority
wins and the dates that contradict it are rejected (``date_order``), never read in a mixed way.
Year-first dates (``2021/03/04``) are always year-month-day.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data.read_options import DATE_ORDERS
from core.data.report import Notice

_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_CN_DATE_RE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*[日号]?\s*")
_CN_TIME_RE = re.compile(r"(\d{1,2})\s*[时點点]\s*(?:(\d{1,2})\s*分)?\s*(?:(\d{1,2})\s*秒)?")
_NUMERIC_DATE_RE = r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?P<rest>(?:[ T].*)?)$"
"""``A/B/YYYY`` (or ``.``/``-``, 2-digit years too) with an optional time: day/month order unknown."""
_CHUNK = 50_000


@dataclass
class DateParse:
    """Text dates as epoch seconds (NaN where not a date), the cells that contradict the column's
    day/month order, and the notices that say which order was used and why."""

    seconds: np.ndarray
    misordered: np.ndarray
    notices: list[Notice] = field(default_factory=list)
    order: str = ""  # the day/month order used for A/B/Y dates ("dmy" / "mdy"), "" when there were none


def seconds_of(parsed: object) -> np.ndarray:
    """Datetimes (Series / Index, UTC) as float epoch seconds, NaN for NaT; a fresh writable array."""
    values = (parsed - _EPOCH) / pd.Timedelta(seconds=1)  # type: ignore[operator]
    return np.array(pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def normalise_date(text: str) -> str:
    """NFKC, Chinese dates and times as ISO (``2024年3月5日 8时`` -> ``2024-03-05 08:00:00``), spaces squeezed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CN_DATE_RE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} ", text)
    text = _CN_TIME_RE.sub(
        lambda m: f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}:{int(m.group(3) or 0):02d}", text
    )
    return re.sub(r"\s+", " ", text).strip()


def _free_form(series: pd.Series) -> np.ndarray:
    """Epoch seconds of date strings in any common form (ISO first, then dateutil's); NaN if not a date."""
    out = np.full(len(series), np.nan)
    if not len(series):
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(ValueError, TypeError, OverflowError):
            out = seconds_of(pd.to_datetime(series, format="ISO8601", errors="coerce", utc=True))
        rest = np.flatnonzero(np.isnan(out))
        for start in range(0, len(rest), _CHUNK):
            chunk = rest[start : start + _CHUNK]
            try:
                parsed = pd.to_datetime(series.iloc[chunk], format="mixed", errors="coerce", utc=True)
                out[chunk] = seconds_of(parsed)
            except (ValueError, TypeError, OverflowError):
                for i in chunk:
                    try:
                        one = pd.to_datetime(series.iloc[i], errors="coerce", utc=True)
                        out[i] = (one - _EPOCH) / pd.Timedelta(seconds=1) if not pd.isna(one) else np.nan
                    except (ValueError, TypeError, OverflowError):
                        out[i] = np.nan
    return out


def _strftime(series: pd.Series, fmt: str) -> np.ndarray:
    """Epoch seconds of ``series`` read with one strftime pattern; NaN where it does not fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return seconds_of(pd.to_datetime(series, format=fmt, errors="coerce", utc=True))
        except (ValueError, TypeError, OverflowError):
            return np.full(len(series), np.nan)


def _iso_from_parts(parts: pa.StructArray, order: str) -> pd.Series:
    """``A/B/Y rest`` parts rewritten as ``YYYY-MM-DD rest`` for a day-first or month-first order."""
    a, b, year, rest = (pc.struct_field(parts, [i]) for i in range(4))
    day, month = (a, b) if order == "dmy" else (b, a)
    short = pc.equal(pc.utf8_length(year), 2)
    if pc.any(short).as_py():  # POSIX pivot: 69-99 -> 19xx, 00-68 -> 20xx
        two = pc.cast(pc.if_else(short, year, "0"), pa.int64())
        full = pc.cast(pc.if_else(pc.less(two, 69), pc.add(two, 2000), pc.add(two, 1900)), pa.large_string())
        year = pc.if_else(short, full, year)
    typ = year.type
    iso = pc.binary_join_element_wise(
        year, pc.utf8_lpad(month, 2, "0"), pc.utf8_lpad(day, 2, "0"), pa.scalar("-", typ)
    )
    joined = pc.binary_join_element_wise(iso, rest, pa.scalar("", typ))
    return pd.Series(np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object))


def _numbers(arr: pa.Array) -> np.ndarray:
    """A string array of small whole numbers as int64."""
    return np.asarray(pc.cast(arr, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def _example(idx: np.ndarray, texts: list[str], lines: np.ndarray | None) -> tuple[int | None, str]:
    """(line, text) of the first of ``idx``."""
    first = int(idx[0])
    return (int(lines[first]) if lines is not None else None), texts[first]


def _where(line: int | None, value: str) -> str:
    return f'line {line} ("{value}")' if line is not None else f'"{value}"'


def parse_text_dates(
    texts: list[str],
    date_format: str = "auto",
    *,
    column: str = "",
    lines: Callable[[], np.ndarray] | None = None,
) -> DateParse:
    """Parse date strings to epoch seconds with one day/month order for the whole column.

    ``lines()`` gives the line of each text (for the notices); ``date_format``: ``auto``, ``dmy``,
    ``mdy``, ``ymd`` or a strftime pattern.
    """
    n = len(texts)
    misordered = np.zeros(n, dtype=bool)
    notices: list[Notice] = []
    normalised = pd.Series([normalise_date(v) for v in texts], dtype=object)
    if date_format not in ("auto", *DATE_ORDERS):
        seconds = _strftime(normalised, date_format)
        if n:
            notices.append(Notice(
                "dates_format", f"column {column}: dates read with the format {date_format} (date_format setting)",
                {"column": column, "format": date_format},
            ))  # fmt: skip
        return DateParse(seconds, misordered, notices)
    parts = pc.extract_regex(pa.array(normalised.tolist(), pa.large_string()), _NUMERIC_DATE_RE)
    matched = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
    seconds = np.full(n, np.nan)
    rest_idx = np.flatnonzero(~matched)
    seconds[rest_idx] = _free_form(normalised.iloc[rest_idx].reset_index(drop=True))
    if not matched.any():
        return DateParse(seconds, misordered, notices)
    idx = np.flatnonzero(matched)
    sub = pc.filter(parts, pa.array(matched))
    a, b = _numbers(pc.struct_field(sub, [0])), _numbers(pc.struct_field(sub, [1]))
    day_first = (a > 12) & (b <= 12)
    month_first = (b > 12) & (a <= 12)
    ambiguous = (a <= 12) & (b <= 12) & (a != b)
    line_of = lines() if lines is not None else None
    sub_texts = [texts[i] for i in idx]
    sub_lines = line_of[idx] if line_of is not None else None
    order = date_format
    if order == "ymd":
        wrong = np.ones(len(idx), dtype=bool)  # year-first was promised; A/B/Y dates do not fit it
        order = "mdy"
    elif order in ("dmy", "mdy"):
        wrong = month_first if order == "dmy" else day_first
    else:
        n_day, n_month = int(day_first.sum()), int(month_first.sum())
        if n_day and n_month:
            order = "dmy" if n_day >= n_month else "mdy"
            wrong = month_first if order == "dmy" else day_first
            d_line, d_value = _example(np.flatnonzero(day_first), sub_texts, sub_lines)
            m_line, m_value = _example(np.flatnonzero(month_first), sub_texts, sub_lines)
            notices.append(Notice(
                "dates_conflict",
                f"column {column}: dates are written both day-first ({n_day:,}, e.g. {_where(d_line, d_value)}) and "
                f"month-first ({n_month:,}, e.g. {_where(m_line, m_value)}); read {DATE_ORDERS[order]}, the "
                f"majority, and rejected the {int(wrong.sum()):,} that do not fit",
                {"column": column, "order": order, "day_first": n_day, "month_first": n_month,
                 "rejected": int(wrong.sum()), "day_line": d_line, "day_value": d_value, "month_line": m_line,
                 "month_value": m_value},
            ))  # fmt: skip
        else:
            wrong = np.zeros(len(idx), dtype=bool)
            if n_day or n_month:
                order = "dmy" if n_day else "mdy"
                line, value = _example(np.flatnonzero(day_first if n_day else month_first), sub_texts, sub_lines)
                part = "first" if n_day else "second"
                notices.append(Notice(
                    "dates_day_first" if n_day else "dates_month_first",
                    f"column {column}: dates read {DATE_ORDERS[order]} because the {part} number is above 12 on "
                    f"{_where(line, value)}",
                    {"column": column, "order": order, "line": line, "value": value},
                ))  # fmt: skip
            else:
                order = "mdy"
                if ambiguous.any():
                    line, value = _example(np.flatnonzero(ambiguous), sub_texts, sub_lines)
                    notices.append(Notice(
                        "dates_ambiguous",
                        f"column {column}: {int(ambiguous.sum()):,} dates such as {_where(line, value)} could be "
                        f"day-first or month-first and no date in the file tells which; read {DATE_ORDERS[order]}. "
                        "If they are day-first, set date_format to dmy (CLI: --date-format dmy)",
                        {"column": column, "order": order, "count": int(ambiguous.sum()), "line": line,
                         "value": value},
                    ))  # fmt: skip
    if date_format in ("dmy", "mdy"):
        notices.append(Notice(
            "dates_explicit", f"column {column}: dates read {DATE_ORDERS[date_format]} (date_format setting)",
            {"column": column, "order": date_format},
        ))  # fmt: skip
    iso = _iso_from_parts(sub, order)
    parsed = _free_form(iso)
    parsed[wrong] = np.nan
    seconds[idx] = parsed
    misordered[idx[wrong]] = True
    return DateParse(seconds, misordered, notices, date_format if date_format == "ymd" else order)
