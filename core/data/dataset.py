"""The :class:`Dataset`: validated interactions + item metadata in the shape every module expects.

Canonical columns (produced by the loaders, :mod:`core.data.loaders`, relied on everywhere else):

``interactions``: ``user_id`` (str), ``item_id`` (str), ``rating`` (float64, the interaction weight;
1.0 for implicit events), ``timestamp`` (float64 seconds since the Unix epoch, NaN when unknown),
``event`` (str, "" when unknown), ``user_idx`` / ``item_idx`` (int32 positions in the maps below).

``items``: one row per item, row *i* is item index *i*: ``item_id`` (str), ``title`` (str),
``description`` (str), ``category`` (str, may be ""), ``tags`` (tuple[str, ...]), ``year`` (float64,
NaN when unknown). Items that appear only in interactions get their id as title. Optional: ``people``
(tuple[str, ...], the names of a column mapped as people: director / cast / author / artist; ``()`` when
unknown), present only when the items had it; it counts in the fingerprint.

``signal`` (:class:`~core.data.signal.Signal`): what ``rating`` measures -- explicit rating (with its scale),
implicit count, binary event or duration -- declared by the user or guessed from the per-pair values of
:attr:`Dataset.matrix` (:func:`~core.data.signal.guess_signal`). A declared signal that differs from the
guess counts in the fingerprint (models trained for one signal are not reused for the other).

``user_tags`` (optional): free text users wrote about items (MovieLens ``tags.csv``): ``user_id``,
``item_id``, ``tag``, ``timestamp``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from core.common.artefacts import Fingerprint, as_text_array
from core.data.arrow import dictionary_codes
from core.data.signal import Signal, guess_signal, with_scale

INTERACTION_COLUMNS: tuple[str, ...] = ("user_id", "item_id", "rating", "timestamp", "event")
ITEM_COLUMNS: tuple[str, ...] = ("item_id", "title", "description", "category", "tags", "year")


def _encode(values: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """(code of each row, distinct values) of a string column."""
    return dictionary_codes(as_text_array(values))


def _positions(lookup: pa.Array) -> np.ndarray:
    """``index_in`` results as int32 positions (every value is known at this point)."""
    return np.asarray(lookup.to_numpy(zero_copy_only=False), dtype=np.int32)


def _fingerprint(columns: list[tuple[str, Any]], extra: str) -> str:
    """Content hash of named columns (numeric arrays or text) plus ``extra``; 16 hex chars."""
    digest = Fingerprint(salt=extra)
    for col, values in columns:
        digest.column(col, values)
    return digest.hexdigest(16)


@dataclass(frozen=True)
class EncodedIds:
    """Dictionary encoding of the interaction id columns: ``values[codes] == column``, values distinct."""

    user_codes: np.ndarray
    user_values: pa.Array
    item_codes: np.ndarray
    item_values: pa.Array


@dataclass(frozen=True, eq=False)
class Dataset:
    """Immutable, indexed view of one dataset. Build with :meth:`from_frames`."""

    name: str
    interactions: pd.DataFrame
    items: pd.DataFrame
    user_ids: np.ndarray
    item_ids: np.ndarray
    user_index: dict[str, int]
    item_index: dict[str, int]
    fingerprint: str
    user_tags: pd.DataFrame | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    signal: Signal = field(default_factory=lambda: Signal("binary", reason="no_values", guessed=True))

    @classmethod
    def from_frames(
        cls,
        name: str,
        interactions: pd.DataFrame,
        items: pd.DataFrame | None = None,
        user_tags: pd.DataFrame | None = None,
        meta: dict[str, Any] | None = None,
        *,
        encoded: EncodedIds | None = None,
        signal: Signal | None = None,
    ) -> Dataset:
        """Index canonical frames (see module docstring). Items missing from ``items`` are added.

        ``encoded`` (optional, from :mod:`core.data.loaders`, which already computed it) is the dictionary
        encoding of the ``user_id`` and ``item_id`` columns; it saves re-hashing every row. ``signal``: the
        declared :class:`Signal` (None: guessed from the per-pair values).
        """
        # pandas >= 3 is copy-on-write: this selection never writes through to the caller's frame
        inter = interactions.loc[:, list(INTERACTION_COLUMNS)].reset_index(drop=True)
        for col in ("user_id", "item_id"):
            if inter[col].dtype != "str":
                inter[col] = inter[col].astype(str)
        inter["rating"] = inter["rating"].astype("float64")
        inter["timestamp"] = inter["timestamp"].astype("float64")
        if inter["event"].dtype != "str" or inter["event"].isna().any():
            inter["event"] = inter["event"].fillna("").astype(str)
        if items is None:
            items = pd.DataFrame({"item_id": pd.Series(dtype=str)})
        item_frame = items.copy()
        item_frame["item_id"] = item_frame["item_id"].astype(str)
        catalogue = as_text_array(item_frame["item_id"])
        if pc.count_distinct(catalogue).as_py() != len(catalogue):
            item_frame = item_frame.drop_duplicates("item_id", keep="first")
            catalogue = as_text_array(item_frame["item_id"])
        # id -> position: encode the column once, then look up only its distinct values
        if encoded is not None and len(encoded.item_codes) == len(inter):
            item_codes, item_values = encoded.item_codes, encoded.item_values
        else:
            item_codes, item_values = _encode(inter["item_id"])
        item_lookup = pc.index_in(item_values, value_set=catalogue)
        if item_lookup.null_count:
            unseen = pc.filter(item_values, pc.is_null(item_lookup)).to_pylist()
            extra_items = pd.DataFrame({"item_id": pd.Series(sorted(str(v) for v in unseen), dtype=str)})
            item_frame = pd.concat([item_frame, extra_items])
            catalogue = as_text_array(item_frame["item_id"])
            item_lookup = pc.index_in(item_values, value_set=catalogue)
        item_frame = item_frame.reset_index(drop=True)
        for col, default in (("title", ""), ("description", ""), ("category", "")):
            if col not in item_frame:
                item_frame[col] = default
            if item_frame[col].dtype != "str" or item_frame[col].hasnans:
                item_frame[col] = item_frame[col].fillna(default).astype(str)
        empty_title = item_frame["title"].str.strip() == ""
        if empty_title.any():
            item_frame.loc[empty_title, "title"] = item_frame.loc[empty_title, "item_id"]
        if "tags" not in item_frame:
            item_frame["tags"] = [() for _ in range(len(item_frame))]
        for col in ("tags", "people") if "people" in item_frame else ("tags",):
            values = item_frame[col].to_numpy(dtype=object)
            if set(map(type, values)) - {tuple}:  # normalise only when something is not a tuple already
                item_frame[col] = pd.Series([_as_tuple(v) for v in values], index=item_frame.index, dtype=object)
        if "year" not in item_frame:
            item_frame["year"] = np.nan
        item_frame["year"] = pd.to_numeric(item_frame["year"], errors="coerce").astype("float64")

        item_ids = item_frame["item_id"].to_numpy(dtype=object)
        item_index = dict(zip(item_ids.tolist(), range(len(item_ids)), strict=True))
        if encoded is not None and len(encoded.user_codes) == len(inter):
            user_codes, user_values = encoded.user_codes, encoded.user_values
        else:
            user_codes, user_values = _encode(inter["user_id"])
        user_list = sorted((str(u) for u in user_values.to_pylist()), key=_natural_key)
        user_ids = np.array(user_list, dtype=object)
        user_index = dict(zip(user_list, range(len(user_list)), strict=True))
        user_lookup = pc.index_in(user_values, value_set=pa.array(user_list, pa.large_string()))
        inter["user_idx"] = _positions(user_lookup)[user_codes]
        inter["item_idx"] = _positions(item_lookup)[item_codes]
        # the ids are fully described by the sorted id arrays + positions, which hash much faster
        event_arr = as_text_array(inter["event"])
        if len(event_arr) and pc.max(pc.utf8_length(event_arr)).as_py() == 0:  # no event types: skip hashing
            event_codes, event_names = np.zeros(len(event_arr), dtype=np.int32), [""]
        else:
            events = pc.dictionary_encode(event_arr)
            event_codes = np.asarray(events.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
            event_names = [str(v) for v in events.dictionary.to_pylist()]
        columns: list[tuple[str, Any]] = [
            ("user_idx", inter["user_idx"].to_numpy()), ("item_idx", inter["item_idx"].to_numpy()),
            ("rating", inter["rating"].to_numpy()), ("timestamp", inter["timestamp"].to_numpy()),
            ("event", event_codes),
        ]
        columns += [(f"items.{c}", item_frame[c]) for c in item_frame.columns if c not in ("tags", "people")]
        if "people" in item_frame:  # one text per item, names joined by a separator no name holds
            columns.append(("items.people", ["\x1f".join(map(str, p)) for p in item_frame["people"]]))
        extra = "\x1f".join([name, *user_list, "\x1e", *event_names])
        matrix = _interaction_matrix(inter, len(user_list), len(item_ids))
        pair_values = matrix.data.astype(np.float64)
        guess = guess_signal(pair_values)
        chosen = guess if signal is None else with_scale(signal, pair_values)
        if (chosen.kind, chosen.scale) != (guess.kind, guess.scale):
            extra += f"\x1dsignal={chosen.kind}:{chosen.scale}"
        fp = _fingerprint(columns, extra)
        dataset = cls(
            name=name,
            interactions=inter,
            items=item_frame,
            user_ids=user_ids,
            item_ids=item_ids,
            user_index=user_index,
            item_index=item_index,
            fingerprint=fp,
            user_tags=user_tags,
            meta=dict(meta or {}),
            signal=chosen,
        )
        dataset.__dict__["matrix"] = matrix  # built for the guess: fill the cached property
        return dataset

    @property
    def n_users(self) -> int:
        """Number of distinct users."""
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """Number of items (catalogue size, including items nobody interacted with)."""
        return len(self.item_ids)

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """Users x items CSR matrix of summed interaction weights (float32)."""
        return _interaction_matrix(self.interactions, self.n_users, self.n_items)

    @cached_property
    def item_popularity(self) -> np.ndarray:
        """Number of distinct users who interacted with each item (int64, length n_items)."""
        return np.bincount(
            self.interactions.drop_duplicates(["user_idx", "item_idx"])["item_idx"].to_numpy(),
            minlength=self.n_items,
        ).astype(np.int64)

    def user_history(self, user_id: str) -> pd.DataFrame:
        """The user's interactions sorted by time (oldest first); empty frame for an unknown user."""
        inter = self.interactions
        rows = inter[inter["user_id"] == str(user_id)]
        return rows.sort_values(["timestamp", "item_idx"], kind="stable")

    def titles(self, indices: np.ndarray | list[int]) -> list[str]:
        """Titles of items by index."""
        return [str(t) for t in self.items["title"].to_numpy()[np.asarray(indices, dtype=int)]]

    def stats(self) -> dict[str, float | int]:
        """Summary statistics: sizes, density, rating range, time span."""
        inter = self.interactions
        n_pairs = int(self.matrix.nnz)
        ts = inter["timestamp"].dropna()
        return {
            "interactions": len(inter),
            "users": self.n_users,
            "items": self.n_items,
            "items_with_interactions": int((self.item_popularity > 0).sum()),
            "density": n_pairs / max(1, self.n_users * self.n_items),
            "rating_min": float(inter["rating"].min()) if len(inter) else float("nan"),
            "rating_max": float(inter["rating"].max()) if len(inter) else float("nan"),
            "rating_mean": float(inter["rating"].mean()) if len(inter) else float("nan"),
            "mean_per_user": len(inter) / max(1, self.n_users),
            "mean_per_item": len(inter) / max(1, int((self.item_popularity > 0).sum())),
            "time_min": float(ts.min()) if len(ts) else float("nan"),
            "time_max": float(ts.max()) if len(ts) else float("nan"),
            "categories": int(self.items["category"].replace("", np.nan).nunique()),
        }


def _interaction_matrix(inter: pd.DataFrame, n_users: int, n_items: int) -> sparse.csr_matrix:
    """Users x items CSR matrix of the summed ``rating`` of each (user, item) pair (float32)."""
    mat = sparse.csr_matrix(
        (inter["rating"].to_numpy(np.float32), (inter["user_idx"].to_numpy(), inter["item_idx"].to_numpy())),
        shape=(n_users, n_items),
        dtype=np.float32,
    )
    mat.sum_duplicates()
    return mat


def _as_tuple(value: Any) -> tuple[str, ...]:
    """A tag / name list cell as a tuple (lists and arrays from Parquet converted; anything else is empty)."""
    if type(value) is tuple:
        return value
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple, np.ndarray)) else ()


def _natural_key(value: str) -> tuple[int, int | str]:
    """Sort numeric-looking ids numerically ("2" < "10"), others alphabetically after them."""
    return (0, int(value)) if value.isdigit() and len(value) < 19 else (1, value)
