"""The loaders: a file in, its validated canonical frame and :class:`~core.data.report.LoadReport` out, and
:func:`load_dataset`, which builds the :class:`~core.data.dataset.Dataset` from them.

Pipeline (one direction): :func:`~core.data.readers.read_table` (format, encoding, delimiter; every cell
a string) -> :func:`~core.data.mapping.resolve_mapping` (role -> column; the caller may override) ->
vectorised parsing and checks (:mod:`core.data.cells`, :mod:`core.data.validation`) -> the report of
good rows, problems and rejected rows -> ``Dataset.from_frames``.

Nothing here raises a library exception for bad input: a file that yields no table raises
:class:`~core.data.report.IngestError`; a failure inside validation becomes one as well; a table whose
every row is bad raises :class:`~core.data.report.NothingLoadedError` from :func:`load_dataset` (it
carries the reports, so the problems can still be shown). The happy path is vectorised (pyarrow);
Python loops run only over the kept bad rows, distinct tag strings and distinct user ids (pseudonymisation).

Bounded reports: each loader keeps the first ``max_kept`` problems and rejected rows (default
:func:`~core.data.rejects.default_max_kept`: 1,000 or ``$INTERESTLENS_MAX_PROBLEMS``), counts the rest
exactly and writes every rejected row to
``rejected_path`` (or, when more were rejected than it keeps, to a new file in the workspace).

Privacy: with ``pseudonymise_key`` no raw user id leaves the loader -- not in the frame, the problems,
the rejected rows or their file (:mod:`core.data.pseudonyms`), nor in an error message (a library's
detail, which may quote a cell, is left out).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.common.errors import ConfigError, DataError
from core.common.progress import ProgressFn, report
from core.data.arrow import blank_strings, bool_mask, dictionary_codes, keep_rows, str_frame, str_series
from core.data.cells import is_missing, item_people, item_tags, parse_numbers, trimmed_cells
from core.data.dataset import Dataset, EncodedIds
from core.data.events import aggregate_events, check_event_weights
from core.data.mapping import resolve_mapping
from core.data.pseudonyms import pseudonymise_ids, user_hider
from core.data.readers import Source, error_detail, read_table, source_label
from core.data.report import IngestError, LoadReport, NothingLoadedError
from core.data.signal import Signal, guess_signal, resolve_signal
from core.data.table import RawTable
from core.data.validation import Checks, build_report, duplicates, in_catalogue, restrict_codes

KnownItems = Collection[str] | pd.Series | np.ndarray | pd.Index
"""The item ids of a catalogue, for the ``unknown_item`` check."""


def _never_raw(fn: Callable[..., LoadReport]) -> Callable[..., LoadReport]:
    """Turn any non-DataError failure inside a loader into one readable :class:`IngestError`; under
    pseudonymisation leave out the library's detail (it may quote a cell, i.e. a raw user id)."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(source: Source, *args: Any, **kwargs: Any) -> LoadReport:
        private = signature.bind_partial(source, *args, **kwargs).arguments.get("pseudonymise_key") is not None
        label = source_label(source, str(kwargs.get("name") or ""))
        try:
            return fn(source, *args, **kwargs)
        except IngestError as exc:
            if private and exc.code == "unreadable":  # its message ends with a library's detail
                raise IngestError(f"{label}: could not be read as a table", "unreadable", name=label) from None
            raise
        except (DataError, MemoryError, KeyboardInterrupt):
            raise
        except Exception as exc:
            detail = type(exc).__name__ if private else f"{type(exc).__name__}: {error_detail(exc)}"
            raise IngestError(f"{label}: could not be validated ({detail})", "unreadable", name=label) from (
                None if private else exc
            )

    return wrapper


@_never_raw
def load_interactions(
    source: Source,
    mapping: Mapping[str, str | None] | None = None,
    known_items: KnownItems | None = None,
    pseudonymise_key: str | bytes | None = None,
    *,
    name: str = "",
    now: float | None = None,
    max_kept: int | None = None,
    rejected_path: Path | str | None = None,
) -> LoadReport:
    """Load and validate an interaction file; the frame has the canonical interaction columns.

    Rejected: missing user/item id, a rating that is empty, NaN, not a number, infinite, negative or
    > 1e6, a timestamp that is empty, NaN, unparseable, before 1970 or in the future (> now + 1 day), an
    item not in ``known_items`` (when given), and a repeat of an earlier row's (user, item, timestamp[, event]).
    No rating column means implicit feedback (weight 1.0); no timestamp column means NaN timestamps.
    """
    raw = read_table(source, name)
    roles = resolve_mapping(raw, "interactions", mapping)
    n = raw.n_rows
    checks = Checks(n)
    user = trimmed_cells(raw, roles["user"])
    item = trimmed_cells(raw, roles["item"])
    user_codes, user_dict = dictionary_codes(user)  # checks on ids run once per distinct id
    item_codes, item_dict = dictionary_codes(item)
    user_missing = is_missing(user_dict)[user_codes]
    item_missing = is_missing(item_dict)[item_codes]
    checks.add(user_missing, roles["user"], "missing_id", role="user")
    checks.add(item_missing, roles["item"], "missing_id", role="item")
    rating = checks.ratings(raw, roles["rating"]) if "rating" in roles else np.ones(n, dtype=np.float64)
    timestamp = checks.timestamps(raw, roles["timestamp"], now) if "timestamp" in roles else np.full(n, np.nan)
    event = trimmed_cells(raw, roles["event"]) if "event" in roles else None
    if known_items is not None:
        known = in_catalogue(item_dict, known_items)[item_codes]
        checks.add(~known & ~item_missing, roles["item"], "unknown_item")

    good = ~checks.bad()
    keys = [user_codes, item_codes, timestamp]
    if event is not None:
        keys.append(dictionary_codes(event)[0])
    dup, ref = duplicates(keys, good)
    checks.add(dup, roles["user"], "duplicate", ref=ref)
    good &= ~dup

    keep = None if good.all() else pa.array(good)
    users = keep_rows(user, keep)
    encoded = None
    if pseudonymise_key is not None:
        users = pseudonymise_ids(users, pseudonymise_key)
    else:
        encoded = EncodedIds(
            *restrict_codes(user_codes, user_dict, good), *restrict_codes(item_codes, item_dict, good)
        )
    frame = str_frame(
        {
            "user_id": users,
            "item_id": keep_rows(item, keep),
            "rating": rating[good],
            "timestamp": timestamp[good],
            "event": keep_rows(event, keep) if event is not None else blank_strings(int(good.sum())),
        }
    )
    result = build_report(
        raw, "interactions", checks, frame, roles, user_hider(roles["user"], pseudonymise_key),
        max_kept=max_kept, rejected_path=rejected_path,
    )
    result.encoded = encoded
    return result


def _item_years(year_text: pa.Array | None, title: pa.Array) -> np.ndarray:
    """Release years from the year column, else from "(1995)" at the end of the title; NaN if implausible."""
    if year_text is not None:
        year = parse_numbers(year_text).values
    else:
        found = pc.extract_regex(title, r"\((?P<y>\d{4})\)\s*$")
        year_str = pc.struct_field(found, [0])
        year = np.asarray(pc.cast(year_str, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.where(np.isfinite(year) & (year > 0) & (year < 3000), year, np.nan)


@_never_raw
def load_items(
    source: Source,
    mapping: Mapping[str, str | None] | None = None,
    *,
    name: str = "",
    max_kept: int | None = None,
    rejected_path: Path | str | None = None,
) -> LoadReport:
    """Load and validate an item metadata file; the frame has the canonical item columns.

    Rejected: missing item id, an item id defined twice (the first definition wins). Titles and
    descriptions are kept verbatim (HTML is data; the UI escapes it). Tags come from the ``tags`` and
    ``genres`` columns; the category falls back to the first genre; the year to "(1995)" in the title.
    A ``people`` column (director / cast / author / artist) becomes a ``people`` column of name tuples.
    """
    raw = read_table(source, name)
    roles = resolve_mapping(raw, "items", mapping)
    if "genres" not in roles and roles.get("category") in raw.seq_columns:
        roles["genres"] = roles.pop("category")  # RecBole "class:token_seq" is a genre list
    checks = Checks(raw.n_rows)
    item = trimmed_cells(raw, roles["item"])
    missing = is_missing(item)
    checks.add(missing, roles["item"], "missing_id", role="item")
    dup, ref = duplicates([dictionary_codes(item)[0]], ~missing)
    checks.add(dup, roles["item"], "duplicate_item", ref=ref)
    good = ~checks.bad()
    keep = None if good.all() else pa.array(good)
    n_good = int(good.sum())

    def text(role: str) -> pa.Array | None:
        return keep_rows(trimmed_cells(raw, roles[role]), keep) if role in roles else None

    empty = blank_strings(n_good)
    title = text("title")
    title_en = text("title_en")
    if title is None:
        title = title_en if title_en is not None else empty
    elif title_en is not None:
        title = pc.if_else(pc.equal(title, ""), title_en, title)
    description = text("description")
    description_en = text("description_en")
    if description is None:
        description = description_en if description_en is not None else empty
    tags, first_genre = item_tags(
        text("genres"),
        text("tags"),
        n_good,
        genres_seq=roles.get("genres") in raw.seq_columns,
        tags_seq=roles.get("tags") in raw.seq_columns,
    )
    category = text("category")
    if category is None:
        category = first_genre if first_genre is not None else empty

    frame = str_frame(
        {"item_id": keep_rows(item, keep), "title": title, "description": description, "category": category}
    )
    frame["tags"] = pd.Series(tags, dtype=object, copy=False)
    frame["year"] = _item_years(text("year"), title)
    if title_en is not None:
        frame["title_en"] = str_series(title_en)
    if description_en is not None:
        frame["description_en"] = str_series(description_en)
    if "people" in roles:
        people = item_people(text("people"), n_good, seq=roles["people"] in raw.seq_columns)
        frame["people"] = pd.Series(people, dtype=object, copy=False)
    return build_report(raw, "items", checks, frame, roles, max_kept=max_kept, rejected_path=rejected_path)


@_never_raw
def load_user_tags(
    source: Source,
    mapping: Mapping[str, str | None] | None = None,
    known_items: KnownItems | None = None,
    pseudonymise_key: str | bytes | None = None,
    *,
    name: str = "",
    now: float | None = None,
    max_kept: int | None = None,
    rejected_path: Path | str | None = None,
) -> LoadReport:
    """Load free-text tags users wrote about items (MovieLens ``tags.csv``): user, item, tag, timestamp."""
    raw = read_table(source, name)
    roles = resolve_mapping(raw, "user_tags", mapping)
    n = raw.n_rows
    checks = Checks(n)
    user = trimmed_cells(raw, roles["user"])
    item = trimmed_cells(raw, roles["item"])
    tag = trimmed_cells(raw, roles["tag"])
    item_missing = is_missing(item)
    checks.add(is_missing(user), roles["user"], "missing_id", role="user")
    checks.add(item_missing, roles["item"], "missing_id", role="item")
    checks.add(bool_mask(pc.equal(tag, "")), roles["tag"], "tag_missing")
    timestamp = checks.timestamps(raw, roles["timestamp"], now) if "timestamp" in roles else np.full(n, np.nan)
    if known_items is not None:
        checks.add(~in_catalogue(item, known_items) & ~item_missing, roles["item"], "unknown_item")
    good = ~checks.bad()
    keep = None if good.all() else pa.array(good)
    users = keep_rows(user, keep)
    if pseudonymise_key is not None:
        users = pseudonymise_ids(users, pseudonymise_key)
    frame = str_frame(
        {
            "user_id": users,
            "item_id": keep_rows(item, keep),
            "tag": keep_rows(tag, keep),
            "timestamp": timestamp[good],
        }
    )
    return build_report(
        raw, "user_tags", checks, frame, roles, user_hider(roles["user"], pseudonymise_key),
        max_kept=max_kept, rejected_path=rejected_path,
    )


def _try_read(source: Source) -> RawTable | BaseException:
    """read_table for a worker thread: the DataError is returned, not raised, so it can be re-raised in order."""
    try:
        return read_table(source)
    except DataError as exc:
        return exc


def load_dataset(
    interactions: Source,
    items: Source | None = None,
    *,
    name: str,
    interaction_mapping: Mapping[str, str | None] | None = None,
    item_mapping: Mapping[str, str | None] | None = None,
    user_tags: Source | None = None,
    pseudonymise_key: str | bytes | None = None,
    progress: ProgressFn | None = None,
    max_kept: int | None = None,
    rejected_path: Path | str | None = None,
    signal: str | Signal | None = None,
    event_weights: Mapping[str, float] | None = None,
) -> tuple[Dataset, LoadReport, LoadReport | None]:
    """Load interactions (+ optional items and user tags) into a :class:`Dataset` with the two reports.

    ``max_kept``: problems and rejected rows each report keeps in memory; ``rejected_path``: where every
    rejected interaction row is written (the item and tag files' go to workspace files when needed).
    ``signal``: what the value column is (``auto``/None: guessed; ``rating``/``explicit``, ``count``,
    ``binary``, ``duration`` or a :class:`Signal`). An event log -- no value column but an event type
    column, or ``event_weights`` given -- is summed into one weighted count per user-item pair
    (:func:`core.data.events.aggregate_events`; ``meta["events"]`` has the figures).
    Raises :class:`NothingLoadedError` (a :class:`DataError`) when no interaction or no item survives, and
    ConfigError for a bad ``signal`` or ``event_weights`` (before reading anything).
    """
    declared = None if signal is None else resolve_signal(signal, None)
    if isinstance(signal, str) and signal.strip().lower() in ("", "auto"):
        declared = None
    weights = check_event_weights(event_weights) if event_weights is not None else None
    report(progress, 0.0, "reading items" if items is not None else "reading interactions")
    item_report = None
    known = None
    if items is not None:
        # parse the interaction file in a second thread while the items are validated (arrow's CSV
        # reader releases the GIL); its errors surface below, after the item file's own
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest") as pool:
            pending = None if isinstance(interactions, RawTable) else pool.submit(_try_read, interactions)
            item_report = load_items(items, item_mapping, max_kept=max_kept)
            if item_report.rows_loaded == 0:
                raise NothingLoadedError.for_report(item_report, [item_report])
            known = item_report.frame["item_id"]
            report(progress, 0.25, "reading interactions")
            if pending is not None:
                interactions = pending.result()
    if isinstance(interactions, BaseException):
        raise interactions
    inter_report = load_interactions(
        interactions, interaction_mapping, known_items=known, pseudonymise_key=pseudonymise_key,
        max_kept=max_kept, rejected_path=rejected_path,
    )
    reports = [inter_report] + ([item_report] if item_report is not None else [])
    if inter_report.rows_loaded == 0:
        raise NothingLoadedError.for_report(inter_report, reports)
    tags_frame: pd.DataFrame | None = None
    meta: dict[str, Any] = {
        "source": {"interactions": inter_report.name, "items": item_report.name if item_report else None},
        "pseudonymised": pseudonymise_key is not None,
        "rows_rejected": inter_report.rows_rejected + (item_report.rows_rejected if item_report else 0),
    }
    if user_tags is not None:
        report(progress, 0.6, "reading user tags")
        tag_report = load_user_tags(user_tags, known_items=known, pseudonymise_key=pseudonymise_key, max_kept=max_kept)
        tags_frame = tag_report.frame
        meta["user_tags_report"] = tag_report.summary(with_problems=False)
        meta["user_tags_report"].pop("rejected_file", None)  # a workspace file that is pruned later
    report(progress, 0.75, "indexing")
    frame, encoded = inter_report.frame, inter_report.encoded
    if "rating" not in inter_report.mapping and ("event" in inter_report.mapping or weights is not None):
        aggregated = aggregate_events(frame, weights)
        frame, encoded = aggregated.frame, None
        meta["events"] = aggregated.summary()
        if declared is None:
            declared = _event_signal(aggregated.frame["rating"].to_numpy(np.float64), aggregated.n_events,
                                     len(aggregated.weights))
    elif weights is not None:
        column = inter_report.mapping.get("rating", "")
        raise ConfigError(f"event weights apply to event logs without a value column; this file's column "
                          f"{column!r} is the value (unmap it to count events instead)")
    items_frame = item_report.frame if item_report is not None else None
    if declared is None and "rating" not in inter_report.mapping and "events" not in meta:
        declared = _valueless_signal(frame)
    dataset = Dataset.from_frames(
        name, frame, items_frame, user_tags=tags_frame, meta=meta, encoded=encoded, signal=declared
    )
    report(progress, 1.0, "done")
    return dataset, inter_report, item_report


def _event_signal(values: np.ndarray, n_events: int, n_types: int) -> Signal:
    """The signal of summed event weights: a count (reason ``events_aggregated``), or the guess when every
    pair ended up with the same value (e.g. one view each: binary)."""
    if len(values) == 0 or float(values.min()) == float(values.max()):
        return guess_signal(values)
    figures = (("events", int(n_events)), ("types", int(n_types)), ("pairs", len(values)))
    return Signal("count", reason="events_aggregated", figures=figures, guessed=True)


def _valueless_signal(frame: pd.DataFrame) -> Signal | None:
    """A file without a value column: binary (``no_value_column``) when no user-item pair repeats; None (the
    guess on the per-pair counts) when some do."""
    if frame.duplicated(["user_id", "item_id"]).any():
        return None
    return Signal("binary", reason="no_value_column", guessed=True)
