"""The :class:`Dataset`: validated interactions + item metadata in the shape every module expects.

Canonical columns (produced by :mod:`core.data`, relied on everywhere else):

``interactions``: ``user_id`` (str), ``item_id`` (str), ``rating`` (float64, the interaction weight;
1.0 for implicit events), ``timestamp`` (float64 seconds since the Unix epoch, NaN when unknown),
``event`` (str, "" when unknown), ``user_idx`` / ``item_idx`` (int32 positions in the maps below).

``items``: one row per item, row *i* is item index *i*: ``item_id`` (str), ``title`` (str),
``description`` (str), ``category`` (str, may be ""), ``tags`` (tuple[str, ...]), ``year`` (float64,
NaN when unknown). Items that appear only in interactions get their id as title.

``user_tags`` (optional): free text users wrote about items (MovieLens ``tags.csv``): ``user_id``,
``item_id``, ``tag``, ``timestamp``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

INTERACTION_COLUMNS: tuple[str, ...] = ("user_id", "item_id", "rating", "timestamp", "event")
ITEM_COLUMNS: tuple[str, ...] = ("item_id", "title", "description", "category", "tags", "year")


def _fingerprint(interactions: pd.DataFrame, items: pd.DataFrame, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for frame in (interactions, items):
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        digest.update(hashed.tobytes())
    return digest.hexdigest()[:16]


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

    @classmethod
    def from_frames(
        cls,
        name: str,
        interactions: pd.DataFrame,
        items: pd.DataFrame | None = None,
        user_tags: pd.DataFrame | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Dataset:
        """Index canonical frames (see module docstring). Items missing from ``items`` are added."""
        inter = interactions.loc[:, list(INTERACTION_COLUMNS)].copy()
        inter["user_id"] = inter["user_id"].astype(str)
        inter["item_id"] = inter["item_id"].astype(str)
        inter["rating"] = inter["rating"].astype("float64")
        inter["timestamp"] = inter["timestamp"].astype("float64")
        inter["event"] = inter["event"].fillna("").astype(str)
        if items is None:
            items = pd.DataFrame({"item_id": pd.Series(dtype=str)})
        item_frame = items.copy()
        item_frame["item_id"] = item_frame["item_id"].astype(str)
        item_frame = item_frame.drop_duplicates("item_id", keep="first")
        missing = pd.Index(inter["item_id"].unique()).difference(pd.Index(item_frame["item_id"]))
        if len(missing):
            item_frame = pd.concat([item_frame, pd.DataFrame({"item_id": missing.astype(str)})])
        item_frame = item_frame.reset_index(drop=True)
        for col, default in (("title", ""), ("description", ""), ("category", "")):
            if col not in item_frame:
                item_frame[col] = default
            item_frame[col] = item_frame[col].fillna(default).astype(str)
        empty_title = item_frame["title"].str.strip() == ""
        item_frame.loc[empty_title, "title"] = item_frame.loc[empty_title, "item_id"]
        if "tags" not in item_frame:
            item_frame["tags"] = [() for _ in range(len(item_frame))]
        item_frame["tags"] = [tuple(t) if isinstance(t, (list, tuple, np.ndarray)) else () for t in item_frame["tags"]]
        if "year" not in item_frame:
            item_frame["year"] = np.nan
        item_frame["year"] = pd.to_numeric(item_frame["year"], errors="coerce").astype("float64")

        item_ids = item_frame["item_id"].to_numpy(dtype=object)
        item_index = {iid: i for i, iid in enumerate(item_ids)}
        user_ids = np.array(sorted(inter["user_id"].unique(), key=_natural_key), dtype=object)
        user_index = {uid: i for i, uid in enumerate(user_ids)}
        inter["user_idx"] = inter["user_id"].map(user_index).astype("int32")
        inter["item_idx"] = inter["item_id"].map(item_index).astype("int32")
        inter = inter.reset_index(drop=True)
        fp = _fingerprint(inter[list(INTERACTION_COLUMNS)], item_frame.drop(columns=["tags"]), name)
        return cls(
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
        )

    @property
    def n_users(self) -> int:
        """Number of distinct users."""
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """Number of items (catalogue size, including items nobody interacted with)."""
        return len(self.item_ids)

    @property
    def has_timestamps(self) -> bool:
        """True when at least one interaction carries a timestamp."""
        return bool(self.interactions["timestamp"].notna().any())

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """Users x items CSR matrix of summed interaction weights (float32)."""
        inter = self.interactions
        mat = sparse.csr_matrix(
            (inter["rating"].to_numpy(np.float32), (inter["user_idx"].to_numpy(), inter["item_idx"].to_numpy())),
            shape=(self.n_users, self.n_items),
            dtype=np.float32,
        )
        mat.sum_duplicates()
        return mat

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


def _natural_key(value: str) -> tuple[int, int | str]:
    """Sort numeric-looking ids numerically ("2" < "10"), others alphabetically after them."""
    return (0, int(value)) if value.isdigit() and len(value) < 19 else (1, value)
