"""Registered datasets: their frames as Parquet files under a content key, listed in the ``datasets`` table.

Layout under the workspace folder::

    datasets/<key>/interactions.parquet   (and items.parquet, user_tags.parquet when registered)

The key is :func:`content_key`, a content hash of the frames, so registering the same data twice
gives the same key. Parquet files are written to a temporary name and moved into place
(:func:`core.common.artefacts.atomic_write`); the database row that makes a dataset visible is
inserted only after its files are complete, so a crash leaves at worst an unused folder, never a
dataset with missing files.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from core.common.artefacts import Fingerprint, atomic_write
from core.common.errors import DataError, InterestLensError
from core.data.dataset import INTERACTION_COLUMNS, Dataset
from core.data.signal import Signal
from core.workspace.database import Database
from core.workspace.records import DatasetFrames, DatasetRecord, WorkspaceError, to_json

FRAME_FILES: tuple[str, ...] = ("interactions", "items", "user_tags")
"""The frames a dataset may have, in the order they are hashed and stored."""


def content_key(
    interactions: pd.DataFrame, items: pd.DataFrame | None = None, user_tags: pd.DataFrame | None = None
) -> str:
    """Content hash of the frames (column names, dtypes and values): the key a dataset is stored under.

    Keys are ids kept in the database, so datasets registered under an earlier scheme still load.
    """
    digest = Fingerprint(salt="interestlens-dataset-v2")
    for label, frame in zip(FRAME_FILES, (interactions, items, user_tags), strict=True):
        digest.update(label).update(frame)
    return digest.hexdigest(24)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """An Arrow table of ``frame``; object columns Arrow cannot type (mixed values) become text."""
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        fixed = frame.copy()
        for col in fixed.columns:
            if fixed[col].dtype != object:
                continue
            try:
                pa.array(fixed[col], from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                fixed[col] = [None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                              for v in fixed[col]]
        return pa.Table.from_pandas(fixed, preserve_index=False)


def read_frame(path: Path) -> pd.DataFrame:
    """A stored frame read back; list columns come back as tuples (as they were registered)."""
    frame = pd.read_parquet(path)
    for col in frame.columns:
        if frame[col].dtype == object:
            sample = frame[col].dropna()
            if len(sample) and isinstance(sample.iloc[0], np.ndarray):
                frame[col] = [tuple(v) if isinstance(v, np.ndarray) else () for v in frame[col]]
    return frame


def write_frame(path: Path, table: pa.Table) -> None:
    """Write ``table`` as Parquet to ``path`` atomically (:func:`core.common.artefacts.atomic_write`)."""
    import pyarrow.parquet as pq

    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


class DatasetTables(Database):
    """The ``datasets`` table and the Parquet files behind it."""

    def register_dataset(
        self,
        interactions_df: pd.DataFrame,
        items_df: pd.DataFrame | None,
        name: str,
        *,
        user_tags: pd.DataFrame | None = None,
        source_files: Sequence[str] = (),
        mapping: Mapping[str, Any] | None = None,
        fingerprint: str | None = None,
        signal: Signal | None = None,
    ) -> str:
        """Store the frames as Parquet under their content hash and list them; returns the key.

        Registering identical content again returns the same key and keeps the first record, except its
        signal: a newly declared one replaces the stored one (the user changed their mind about the values).
        ``signal`` None: guessed from the values each time the dataset is loaded.
        """
        if not isinstance(interactions_df, pd.DataFrame):
            raise DataError("register_dataset needs the interactions as a data frame")
        name = str(name).strip() or "dataset"
        key = content_key(interactions_df, items_df, user_tags)
        with self._read() as conn:
            exists = conn.execute("SELECT 1 FROM datasets WHERE key = ?", (key,)).fetchone() is not None
        folder = self.datasets_dir / key
        if not exists or not (folder / "interactions.parquet").exists():
            folder.mkdir(parents=True, exist_ok=True)
            for label, frame in zip(FRAME_FILES, (interactions_df, items_df, user_tags), strict=True):
                if frame is not None:
                    write_frame(folder / f"{label}.parquet", arrow_table(frame))
        n_users = int(interactions_df["user_id"].nunique()) if "user_id" in interactions_df else None
        now = time.time()
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO datasets (key, name, created_at, n_interactions, n_items, n_user_tags,"
                " n_users, source_files, mapping, fingerprint, last_opened_at, signal)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    name,
                    now,
                    len(interactions_df),
                    0 if items_df is None else len(items_df),
                    0 if user_tags is None else len(user_tags),
                    n_users,
                    to_json([str(s) for s in source_files]),
                    to_json(dict(mapping or {})),
                    fingerprint,
                    now,
                    None if signal is None else to_json(signal.to_dict()),
                ),
            )
            if exists and signal is not None:
                conn.execute("UPDATE datasets SET signal = ?, fingerprint = COALESCE(?, fingerprint) WHERE key = ?",
                             (to_json(signal.to_dict()), fingerprint, key))
        return key

    def register(
        self, dataset: Dataset, *, source_files: Sequence[str] = (), mapping: Mapping[str, Any] | None = None
    ) -> str:
        """Register a loaded :class:`Dataset` (its canonical frames and fingerprint); returns the key."""
        return self.register_dataset(
            dataset.interactions.loc[:, list(INTERACTION_COLUMNS)],
            dataset.items,
            dataset.name,
            user_tags=dataset.user_tags,
            source_files=source_files,
            mapping=mapping,
            fingerprint=dataset.fingerprint,
            signal=dataset.signal,
        )

    @staticmethod
    def _dataset_record(row: sqlite3.Row | tuple[Any, ...]) -> DatasetRecord:
        (key, name, created, n_inter, n_items, n_tags, n_users, files, mapping, fp, opened, signal) = row
        return DatasetRecord(
            key=key,
            name=name,
            created_at=float(created),
            n_interactions=int(n_inter),
            n_items=int(n_items),
            n_user_tags=int(n_tags),
            n_users=None if n_users is None else int(n_users),
            source_files=tuple(json.loads(files)),
            mapping=dict(json.loads(mapping)),
            fingerprint=fp,
            last_opened_at=None if opened is None else float(opened),
            signal=None if signal is None else dict(json.loads(signal)),
        )

    _DATASET_COLUMNS = (
        "key, name, created_at, n_interactions, n_items, n_user_tags, n_users, source_files, mapping,"
        " fingerprint, last_opened_at, signal"
    )

    def list_datasets(self) -> list[DatasetRecord]:
        """Registered datasets, most recently opened first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {self._DATASET_COLUMNS} FROM datasets ORDER BY last_opened_at DESC, created_at DESC"
            ).fetchall()
        return [self._dataset_record(r) for r in rows]

    def get_dataset(self, key: str) -> DatasetRecord:
        """The record of one registered dataset; WorkspaceError when unknown."""
        with self._read() as conn:
            query = f"SELECT {self._DATASET_COLUMNS} FROM datasets WHERE key = ?"
            row = conn.execute(query, (key,)).fetchone()
        if row is None:
            raise WorkspaceError(f"no dataset {key!r} in the workspace {self.root}")
        return self._dataset_record(row)

    def load_dataset_frames(self, key: str) -> DatasetFrames:
        """Read a registered dataset's frames back (and mark it as just opened)."""
        record = self.get_dataset(key)
        folder = self.datasets_dir / key
        frames: dict[str, pd.DataFrame | None] = {}
        expected = {"interactions": True, "items": record.n_items > 0, "user_tags": record.n_user_tags > 0}
        for label in FRAME_FILES:
            path = folder / f"{label}.parquet"
            if path.exists():
                try:
                    frames[label] = read_frame(path)
                except (OSError, pa.ArrowException) as exc:
                    problem = f"dataset {record.name!r}: stored {path.name} is unreadable: {exc}"
                    raise DataError(problem) from None
            elif expected[label]:
                raise DataError(f"dataset {record.name!r}: stored file {path} is missing; register it again")
            else:
                frames[label] = None
        with self._write() as conn:
            conn.execute("UPDATE datasets SET last_opened_at = ? WHERE key = ?", (time.time(), key))
        interactions = frames["interactions"]
        assert interactions is not None
        return DatasetFrames(record, interactions, frames["items"], frames["user_tags"])

    def load_dataset(self, key: str) -> Dataset:
        """Rebuild the :class:`Dataset` of a dataset registered with canonical columns."""
        stored = self.load_dataset_frames(key)
        missing = [c for c in INTERACTION_COLUMNS if c not in stored.interactions.columns]
        if missing:
            raise DataError(f"dataset {stored.record.name!r} lacks canonical columns {missing}")
        meta = {"workspace_key": key, "source_files": list(stored.record.source_files)}
        signal = None
        if stored.record.signal is not None:
            try:
                signal = Signal.from_dict(stored.record.signal)
            except InterestLensError:  # a damaged or foreign record: guess again rather than refuse the data
                signal = None
        return Dataset.from_frames(
            stored.record.name, stored.interactions, stored.items, stored.user_tags, meta, signal=signal
        )

    def delete_dataset(self, key: str) -> bool:
        """Forget a dataset and delete its files; False when it was not registered."""
        with self._write() as conn:
            deleted = conn.execute("DELETE FROM datasets WHERE key = ?", (key,)).rowcount > 0
        if deleted:
            shutil.rmtree(self.datasets_dir / key, ignore_errors=True)
        return deleted
