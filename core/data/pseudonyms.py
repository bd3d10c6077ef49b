"""Pseudonymised user ids: each id is replaced at load time by a keyed hash, so the original ids never
reach the dataset, the problems or the rejected-rows download.

The pseudonym is the first 16 hex characters of HMAC-SHA256(key, id): stable for one key (the same user
gets the same pseudonym in every file loaded with it), not reversible without the key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from core.data.cells import NA_WORDS
from core.data.validation import Hider


def pseudonym_function(key: str | bytes) -> Callable[[str], str]:
    """The function mapping one id to its pseudonym under ``key``."""
    secret = key.encode("utf-8") if isinstance(key, str) else bytes(key)

    def _one(value: str) -> str:
        return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    return _one


def pseudonymise_ids(ids: pa.Array, key: str | bytes) -> pa.Array:
    """Replace each id by the first 16 hex chars of HMAC-SHA256(key, id) (one HMAC per distinct id)."""
    encoded = pc.dictionary_encode(ids)
    one = pseudonym_function(key)
    mapped = pa.array([one(str(v)) for v in encoded.dictionary.to_pylist()], pa.large_string())
    return pc.take(mapped, encoded.indices)


def user_hider(column: str | None, key: str | bytes | None) -> Hider | None:
    """A :data:`~core.data.validation.Hider` that pseudonymises the user ``column`` in problems and rejected
    rows (missing-value spellings stay as they are); ``None`` when nothing is pseudonymised."""
    if key is None or column is None:
        return None
    one = pseudonym_function(key)

    def _hide(col: str, values: list[str]) -> list[str]:
        if col != column:
            return values
        return [v if v.strip().lower() in NA_WORDS else one(v.strip()) for v in values]

    return _hide
