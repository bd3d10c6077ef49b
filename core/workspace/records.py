"""What the workspace store hands back: typed records, its error, and how record fields become JSON text.

Every non-frame value is stored as JSON text (:func:`to_json`): numpy scalars and arrays, dataclasses
and paths are converted, non-finite floats become ``null``, and anything else is refused; nothing
executable (no pickle) ever enters the database.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd

from core.common.errors import InterestLensError
from core.interests.feedback import Event
from core.ranking.config import FusionConfig

FEEDBACK_ACTIONS: tuple[Event, ...] = get_args(Event)
"""The feedback events the store accepts (those :mod:`core.interests.feedback` applies)."""


class WorkspaceError(InterestLensError):
    """The workspace cannot be used (unwritable, not a database, newer schema) or lacks a record."""


@dataclass(frozen=True)
class DatasetRecord:
    """A registered dataset as listed in the workspace."""

    key: str
    name: str
    created_at: float
    n_interactions: int
    n_items: int
    n_user_tags: int
    n_users: int | None
    source_files: tuple[str, ...]
    mapping: dict[str, Any]
    fingerprint: str | None
    last_opened_at: float | None
    signal: dict[str, Any] | None = None  # the declared / accepted signal (Signal.to_dict); None: guess on load


@dataclass(frozen=True)
class DatasetFrames:
    """The stored frames of one dataset (``items`` / ``user_tags`` are None when not registered)."""

    record: DatasetRecord
    interactions: pd.DataFrame
    items: pd.DataFrame | None
    user_tags: pd.DataFrame | None


@dataclass(frozen=True)
class PresetRecord:
    """A saved fusion preset; ``dataset_fingerprint`` is None for a global preset."""

    name: str
    dataset_fingerprint: str | None
    config: FusionConfig
    created_at: float
    updated_at: float


@dataclass(frozen=True)
class RunRecord:
    """One recorded evaluation run."""

    id: int
    name: str
    dataset_fingerprint: str
    config: dict[str, Any]
    results: dict[str, Any]
    created_at: float


@dataclass(frozen=True)
class FeedbackEvent:
    """One like / dislike / click a session gave an item, with what a page needs to replay it.

    ``profile_text`` is the typed interest text the feedback applied to (None when not recorded), so a
    page can re-apply a session's events, oldest first, to the profile decomposed from that text.
    """

    id: int
    session_id: str
    dataset_fingerprint: str
    user_id: str | None
    item_id: str
    action: Event
    ts: float
    profile_text: str | None = None


def _jsonable(value: Any, depth: int = 0) -> Any:
    """Plain JSON data from numpy / dataclass / Path values; non-finite floats become null."""
    if depth > 64:
        raise ValueError("value nested too deeply to store as JSON")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return [_jsonable(v, depth + 1) for v in value.tolist()]
    if isinstance(value, Path):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value), depth + 1)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v, depth + 1) for v in items]
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def to_json(value: Any) -> str:
    """``value`` as canonical JSON text (sorted keys, UTF-8 kept, NaN refused after conversion to null)."""
    return json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False, sort_keys=True)
