"""Cell parsing for validation, vectorised over Arrow string columns: missing values, numbers, timestamps
(Unix seconds / ms / µs / ns, yyyymmdd; text dates through :mod:`core.data.dates`) and tag lists.

Parsing never rejects anything itself: it returns values plus masks (missing, not a number,
unparseable) that :mod:`core.data.validation` turns into problems. Python loops run only over distinct
tag strings and over cells that are not plain numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.data.arrow import bool_mask, dictionary_codes
from core.data.dates import parse_text_dates, seconds_of
from core.data.report import Notice
from core.data.table import RawTable

NA_WORDS = ("", "nan", "null", "none", "na", "n/a", "#n/a", "<na>", "nil", "无", "空")
"""Lower-case spellings of "no value" (a cell holding one of them, in any case, is missing)."""
_NA_VARIANTS = pa.array(
    sorted({v for w in NA_WORDS for v in (w, w.upper(), w.capitalize(), w.title())} | {"NaN"}),
    pa.large_string(),
)


def column_text(raw: RawTable, col: str) -> pa.Array:
    """A column of the raw table as one arrow string array without nulls."""
    arr = raw.table.column(col)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type)):
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "") if arr.null_count else arr


def trimmed_cells(raw: RawTable, col: str) -> pa.Array:
    """A column with surrounding whitespace removed (skipped when the file has none anywhere)."""
    arr = column_text(raw, col)
    return arr if raw.plain else pc.utf8_trim_whitespace(arr)


def is_missing(trimmed: pa.Array) -> np.ndarray:
    """Cells that mean "no value": empty or a usual NA spelling (nan, NULL, None, N/A, ...)."""
    return bool_mask(pc.is_in(trimmed, value_set=_NA_VARIANTS))


@dataclass
class Numbers:
    """A parsed column of numbers and what was wrong with the cells that are not numbers."""

    values: np.ndarray  # float64; NaN where missing or not a number
    missing: np.ndarray  # empty / NA token (including "nan")
    nan_token: np.ndarray  # the cell literally says NaN
    not_numeric: np.ndarray  # present but not a number


def parse_numbers(trimmed: pa.Array) -> Numbers:
    """Parse a column of numbers; the all-numeric case is one arrow cast."""
    n = len(trimmed)
    none = np.zeros(n, dtype=bool)
    try:
        values = np.array(pc.cast(trimmed, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        nan = np.isnan(values)
        if not nan.any():
            return Numbers(values, none, none, none)
        return Numbers(values, nan, nan, none)  # the cast succeeded, so NaN came from a NaN spelling
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    missing = is_missing(trimmed)
    nan_token = missing & bool_mask(pc.equal(pc.utf8_lower(trimmed), "nan"))
    series = pd.Series(np.asarray(trimmed.to_numpy(zero_copy_only=False), dtype=object))
    values = np.array(pd.to_numeric(series.where(~missing, "nan"), errors="coerce"), dtype=np.float64)
    lower = series.str.lower()
    not_numeric = np.isnan(values) & ~missing & ~lower.isin(["+nan", "-nan"]).to_numpy()
    values[not_numeric] = np.nan
    return Numbers(values, missing, nan_token, not_numeric)


def _epoch_from_numbers(values: np.ndarray, all_finite: bool = False) -> np.ndarray:
    """Numbers as epoch seconds: yyyymmdd integers, else seconds / ms / µs / ns by magnitude.

    May return ``values`` itself (plain seconds); callers own that array.
    """
    finite = values if all_finite else values[np.isfinite(values)]
    if not len(finite):
        return values
    low, high = float(finite.min()), float(finite.max())
    if low >= 19000101 and high <= 21001231 and np.all(finite == np.floor(finite)):
        ints = finite.astype(np.int64)
        month, day = (ints // 100) % 100, ints % 100
        if np.all((month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)):
            out = np.full(len(values), np.nan)
            mask = np.isfinite(values)
            parsed = pd.to_datetime(
                pd.Series(values[mask].astype(np.int64).astype(str)),
                format="%Y%m%d",
                errors="coerce",
                utc=True,
            )
            out[mask] = seconds_of(parsed)
            return out
    if max(abs(low), abs(high)) < 1e11:  # all plain seconds (the usual case)
        return values
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        return np.where(
            magnitude < 1e11,
            values,
            np.where(magnitude < 1e14, values / 1e3, np.where(magnitude < 1e17, values / 1e6, values / 1e9)),
        )


@dataclass
class Timestamps:
    """A parsed timestamp column: epoch seconds and what was wrong with the cells that are not times."""

    seconds: np.ndarray  # float64 epoch seconds; NaN where missing, unparseable or misordered
    missing: np.ndarray  # empty / NA token (including "nan")
    nan_token: np.ndarray  # the cell literally says NaN
    unparseable: np.ndarray  # present but neither a date nor a Unix time
    misordered: np.ndarray  # a date contradicting the column's day/month order
    notices: list[Notice]
    order: str = ""  # the day/month order of A/B/Y dates ("dmy" / "mdy" / "ymd"), "" when there were none


def read_timestamps(
    trimmed: pa.Array,
    date_format: str = "auto",
    *,
    column: str = "",
    lines: Callable[[], np.ndarray] | None = None,
) -> Timestamps:
    """Parse a timestamp column: Unix seconds / ms / µs / ns, yyyymmdd, ISO, Chinese and other dates (one
    day/month order per column, :mod:`core.data.dates`). ``lines()``: each row's line, for the notices."""
    num = parse_numbers(trimmed)
    n = len(num.values)
    none = np.zeros(n, dtype=bool)
    finite = np.isfinite(num.values)
    if finite.all():  # the usual case: every cell is a number
        return Timestamps(_epoch_from_numbers(num.values, all_finite=True), none, none, none, none, [])
    seconds = _epoch_from_numbers(num.values)
    unparseable = ~num.missing & ~num.not_numeric & ~finite  # "inf", "-nan"
    misordered = none.copy()
    notices: list[Notice] = []
    order = ""
    if num.not_numeric.any():
        idx = np.flatnonzero(num.not_numeric)
        texts = [str(t) for t in pc.take(trimmed, pa.array(idx)).to_pylist()]
        sub_lines = (lambda: lines()[idx]) if lines is not None else None
        parsed = parse_text_dates(texts, date_format, column=column, lines=sub_lines)
        seconds[idx] = parsed.seconds
        misordered[idx] = parsed.misordered
        unparseable[idx] = np.isnan(parsed.seconds) & ~parsed.misordered
        notices.extend(parsed.notices)
        order = parsed.order
    seconds[unparseable | misordered] = np.nan
    return Timestamps(seconds, num.missing, num.nan_token, unparseable, misordered, notices, order)


def parse_timestamps(trimmed: pa.Array, date_format: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """(epoch seconds, NaN when missing or unparseable; mask of present-but-unparseable values)."""
    parsed = read_timestamps(trimmed, date_format)
    return parsed.seconds, parsed.unparseable | parsed.misordered


# --- tag lists ------------------------------------------------------------------------------------

_TAG_SPLIT = r"[|,;、，；]"
_TAG_SPLIT_WS = r"[|,;、，；\s]+"
_TAG_SLASH = re.compile(r"\s*／\s*")
_NAME_SLASH = re.compile(r"\s*[/／]\s*")
_HAN_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_TAG_PLACEHOLDERS = {"", "(no genres listed)", "none", "null", "nan", "n/a", "na", "-", "无"}
_TAG_PLACEHOLDER_ARRAY = pa.array(sorted(_TAG_PLACEHOLDERS), pa.large_string())
_NO_TAGS: tuple[str, ...] = ()


def _object_array(values: list[tuple[str, ...]], codes: np.ndarray) -> np.ndarray:
    """``values[codes]`` as an object array of tuples, without a Python loop over the rows."""
    distinct = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        distinct[i] = value
    return distinct[codes] if len(values) else np.empty(len(codes), dtype=object)


def _slash_parts(value: str, slash: re.Pattern[str]) -> list[str]:
    """``value`` cut at slashes, except a bilingual pair of one Chinese and one non-Chinese name
    (``"周星驰 / Stephen Chow"``, the convention of labels such as ``"科幻 / Sci-Fi"``), which stays whole."""
    sides = [p.strip() for p in slash.split(value)]
    sides = [p for p in sides if p and p.lower() not in _TAG_PLACEHOLDERS]
    if len(sides) == 2 and sum(bool(_HAN_RE.search(p)) for p in sides) == 1:
        return [value]
    return sides


def _split_tags(
    arr: pa.Array, whitespace: bool, slash: re.Pattern[str] = _TAG_SLASH
) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Split tag strings on | , ; 、 ， ； (and spaces for RecBole token_seq) and ``slash`` (／ for tags),
    once per distinct string; a bilingual "中文 / English" pair is one value (:func:`_slash_parts`).

    Returns (tag tuples of the distinct strings, code of each row into that list). Placeholders such as
    "(no genres listed)" are dropped; repeated tags within one string are kept once.
    """
    codes, uniques = dictionary_codes(pc.utf8_trim_whitespace(arr))
    lists = pc.split_pattern_regex(uniques, _TAG_SPLIT_WS if whitespace else _TAG_SPLIT)
    parents = np.asarray(pc.list_parent_indices(lists).to_numpy(zero_copy_only=False), dtype=np.int64)
    parts = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = ~bool_mask(pc.is_in(pc.utf8_lower(parts), value_set=_TAG_PLACEHOLDER_ARRAY))
    values = pc.filter(parts, pa.array(keep)).to_pylist()
    bounds = np.searchsorted(parents[keep], np.arange(len(uniques) + 1))
    pairs = zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    split = [tuple(dict.fromkeys(values[start:end])) for start, end in pairs]
    for i, tags in enumerate(split):  # a Python pass only over the few distinct strings with a slash
        if any(slash.search(t) for t in tags):
            split[i] = tuple(dict.fromkeys(p for t in tags for p in _slash_parts(t, slash)))
    return split, codes


def item_people(people: pa.Array | None, n: int, *, seq: bool = False) -> np.ndarray:
    """The tuple of names of each of ``n`` items, split like tags and also at ``/`` (Douban's
    ``"周星驰 / 吴孟达"``), a "中文 / English" pair of one person kept whole; ``()`` without a column."""
    if people is None:
        return _object_array([_NO_TAGS], np.zeros(n, dtype=np.int64))
    uniques, codes = _split_tags(people, seq, _NAME_SLASH)
    return _object_array(uniques, codes)


def item_tags(
    genres: pa.Array | None, tags: pa.Array | None, n: int, *, genres_seq: bool = False, tags_seq: bool = False
) -> tuple[np.ndarray, pa.Array | None]:
    """The tag tuple of each of ``n`` items (genres first, then tags not already among them) and each
    item's first genre (``None`` without a genres column). ``*_seq``: RecBole token_seq (space-separated)."""
    tag_tuples = _object_array([_NO_TAGS], np.zeros(n, dtype=np.int64))
    first_genre: pa.Array | None = None
    if genres is not None:
        uniques, codes = _split_tags(genres, genres_seq)
        first_genre = pc.take(pa.array([u[0] if u else "" for u in uniques], pa.large_string()), codes)
        tag_tuples = _object_array(uniques, codes)  # shares one tuple per distinct string
    if tags is not None:
        uniques, codes = _split_tags(tags, tags_seq)
        if genres is None:
            tag_tuples = _object_array(uniques, codes)
        else:
            merged = [
                a + tuple(t for t in uniques[c] if t not in a)
                for a, c in zip(tag_tuples.tolist(), codes.tolist(), strict=True)
            ]
            tag_tuples = _object_array(merged, np.arange(n))
    return tag_tuples, first_genre
