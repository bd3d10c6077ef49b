"""Pseudonymised user ids: each id is replaced at load time by a keyed hash, so the original ids never
reach the dataset, the problems, the rejected rows (in memory or on disk) or an error message.

The pseudonym is the first 16 hex characters of HMAC-SHA256(key, id): stable for one key (the same user
gets the same pseudonym in every file loaded with it), not reversible without the key.

What is hidden where (the :class:`Hider` is applied by :mod:`core.data.validation` and
:mod:`core.data.rejects`):

- the user column of every problem and every rejected row is replaced by its pseudonym (a missing-value
  spelling such as ``""`` or ``NaN`` is not an id and stays as it is);
- a record the reader could not split into the header's columns (wrong field count, a line that is not
  JSON) cannot say which of its cells is the id: only its line, its reason and the pseudonym of the cell
  in the user column's position are kept; its other cells are blanked, its raw text is dropped and its
  problem's value is empty (``Problem.redacted``);
- a record rejected for one bad cell (a NUL byte, an oversized cell) was split correctly: it keeps its
  cells (the user one as a pseudonym) and its problem shows that cell; its raw text is dropped;
- rejected rows show only the mapped columns: an unmapped column (an ``email``, a ``name``) may hold the
  id as well, and nothing unmapped is loaded anyway;
- an error message never quotes a library's detail (which may quote a cell) (:mod:`core.data.loaders`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from core.data.cells import NA_WORDS


def pseudonym_function(key: str | bytes) -> Callable[[str], str]:
    """The function mapping one id to its pseudonym under ``key``."""
    secret = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    keyed = hmac.new(secret, digestmod=hashlib.sha256)  # the key schedule once; each id hashes a copy

    def _one(value: str) -> str:
        mac = keyed.copy()
        mac.update(value.encode("utf-8", "surrogatepass"))
        return mac.hexdigest()[:16]

    return _one


def pseudonymise_ids(ids: pa.Array, key: str | bytes) -> pa.Array:
    """Replace each id by the first 16 hex chars of HMAC-SHA256(key, id) (one HMAC per distinct id)."""
    encoded = pc.dictionary_encode(ids)
    one = pseudonym_function(key)
    mapped = pa.array([one(str(v)) for v in encoded.dictionary.to_pylist()], pa.large_string())
    return pc.take(mapped, encoded.indices)


@dataclass(frozen=True)
class Hider:
    """Hides the user ``column`` of problems and rejected rows behind pseudonyms (see the module doc)."""

    column: str
    pseudonym: Callable[[str], str]

    def value(self, value: str) -> str:
        """The pseudonym of one cell of the user column (missing-value spellings unchanged)."""
        return value if value.strip().lower() in NA_WORDS else self.pseudonym(value.strip())

    def __call__(self, column: str, values: list[str]) -> list[str]:
        """``values`` of ``column``: pseudonyms in the user column (one HMAC per distinct value), else as is."""
        if column != self.column:
            return values
        seen: dict[str, str] = {}
        return [seen[v] if v in seen else seen.setdefault(v, self.value(v)) for v in values]


def user_hider(column: str | None, key: str | bytes | None) -> Hider | None:
    """A :class:`Hider` that pseudonymises the user ``column`` in problems and rejected rows (missing-value
    spellings stay as they are); ``None`` when nothing is pseudonymised."""
    if key is None or column is None:
        return None
    return Hider(column, pseudonym_function(key))
