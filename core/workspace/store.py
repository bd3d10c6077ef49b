"""The workspace store: everything a team leaves behind survives a restart (SQLite + Parquet files).

Layout under the workspace folder (``core.common.config.workspace_dir()`` by default)::

    interestlens.sqlite3          SQLite database in WAL mode (schema below)
    datasets/<key>/*.parquet      registered datasets, one folder per content hash

Tables: ``datasets`` (registered uploads: name, row counts, source files, column mapping JSON,
dataset fingerprint), ``artefacts`` (vectors / index / projection files by kind + fingerprint + params
JSON), ``presets`` (fusion presets, global or per dataset fingerprint, JSON validated by
:mod:`core.ranking.presets`), ``runs`` (evaluation runs: config and results JSON), ``feedback`` (like / dislike /
click events per session), ``settings`` (key -> JSON value, e.g. the remembered UI language).

Design choices:

- **One connection per call.** Streamlit runs every session on its own thread; a connection is opened
  for each method call and closed before it returns, so no connection ever crosses threads. Opening an
  SQLite connection costs well under a millisecond; one idle connection per :class:`Workspace` keeps
  the WAL open so closing the others does not trigger a checkpoint each time.
- **Serialised, atomic writes.** Every write is one ``BEGIN IMMEDIATE`` transaction (writers queue on
  the database lock for up to 30 s instead of failing); readers never block in WAL mode. Parquet files
  are written to a temporary name and moved into place with ``os.replace``; the database row that makes
  a dataset visible is inserted only after its files are complete, so a crash leaves at worst an unused
  folder, never a dataset with missing files.
- **Versioned schema.** ``PRAGMA user_version`` holds the schema version; :data:`MIGRATIONS` is the
  ordered list of migration functions, applied in one transaction when a workspace is opened. A
  workspace written by a newer version is refused rather than damaged.
- **Nothing executable is stored.** Frames go to Parquet, everything else to JSON text; no pickle.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from core.common.config import FusionConfig, workspace_dir
from core.data.dataset import INTERACTION_COLUMNS, Dataset
from core.common.errors import ConfigError, DataError, InterestLensError
from core.ranking.presets import preset_from_json, preset_to_json

log = logging.getLogger(__name__)

DB_NAME = "interestlens.sqlite3"
FEEDBACK_ACTIONS: tuple[str, ...] = ("like", "dislike", "click")
BUSY_TIMEOUT_S = 30.0
_FRAME_FILES: tuple[str, ...] = ("interactions", "items", "user_tags")


class WorkspaceError(InterestLensError):
    """The workspace cannot be used (unwritable, not a database, newer schema) or lacks a record."""


# --- schema and migrations ------------------------------------------------------------------------


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the current transaction (``executescript`` would COMMIT first)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """Initial schema."""
    _execute_script(
        conn,
        """
        CREATE TABLE datasets (
            key            TEXT PRIMARY KEY,
            name           TEXT NOT NULL,
            created_at     REAL NOT NULL,
            n_interactions INTEGER NOT NULL,
            n_items        INTEGER NOT NULL,
            n_user_tags    INTEGER NOT NULL DEFAULT 0,
            n_users        INTEGER,
            source_files   TEXT NOT NULL DEFAULT '[]',
            mapping        TEXT NOT NULL DEFAULT '{}',
            fingerprint    TEXT
        );
        CREATE TABLE artefacts (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            kind        TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            params      TEXT NOT NULL,
            path        TEXT NOT NULL,
            created_at  REAL NOT NULL,
            UNIQUE (kind, fingerprint, params)
        );
        CREATE TABLE presets (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL,
            dataset_fp  TEXT,
            body        TEXT NOT NULL,
            created_at  REAL NOT NULL,
            updated_at  REAL NOT NULL
        );
        CREATE UNIQUE INDEX presets_scope ON presets (name, IFNULL(dataset_fp, ''));
        CREATE TABLE runs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL,
            dataset_fp  TEXT NOT NULL,
            config      TEXT NOT NULL,
            results     TEXT NOT NULL,
            created_at  REAL NOT NULL
        );
        CREATE INDEX runs_by_dataset ON runs (dataset_fp, created_at);
        CREATE TABLE feedback (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id  TEXT NOT NULL,
            dataset_fp  TEXT NOT NULL,
            user_id     TEXT,
            item_id     TEXT NOT NULL,
            action      TEXT NOT NULL CHECK (action IN ('like', 'dislike', 'click')),
            ts          REAL NOT NULL
        );
        CREATE INDEX feedback_by_dataset ON feedback (dataset_fp, ts);
        CREATE TABLE settings (
            key         TEXT PRIMARY KEY,
            value       TEXT NOT NULL,
            updated_at  REAL NOT NULL
        );
        """
    )


def _migrate_v2(conn: sqlite3.Connection) -> None:
    """Remember when each dataset was last opened (backfilled from created_at); index feedback by session."""
    conn.execute("ALTER TABLE datasets ADD COLUMN last_opened_at REAL")
    conn.execute("UPDATE datasets SET last_opened_at = created_at")
    conn.execute("CREATE INDEX feedback_by_session ON feedback (dataset_fp, session_id, ts)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_v1, _migrate_v2)
"""Migration *i* (0-based) upgrades a database from version *i* to *i + 1*. Append, never edit."""
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply pending migrations up to ``target`` inside the caller's transaction; returns the new version."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"this workspace has schema version {version}, newer than this InterestLens understands "
            f"({SCHEMA_VERSION}); upgrade InterestLens or choose another workspace folder"
        )
    for number in range(version, min(target, SCHEMA_VERSION)):
        MIGRATIONS[number](conn)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    return max(version, min(target, SCHEMA_VERSION))


# --- records ----------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class DatasetFrames:
    """The stored frames of one dataset (``items`` / ``user_tags`` are None when not registered)."""

    record: DatasetRecord
    interactions: pd.DataFrame
    items: pd.DataFrame | None
    user_tags: pd.DataFrame | None


@dataclass(frozen=True)
class ArtefactRecord:
    """A cached artefact file (vectors, index, projection, ...) keyed by kind, fingerprint and params."""

    id: int
    kind: str
    fingerprint: str
    params: dict[str, Any]
    path: Path
    created_at: float


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
    """One like / dislike / click a session gave an item."""

    id: int
    session_id: str
    dataset_fingerprint: str
    user_id: str | None
    item_id: str
    action: str
    ts: float


# --- JSON helpers -----------------------------------------------------------------------------------


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


def _dumps(value: Any) -> str:
    return json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False, sort_keys=True)


# --- frames -----------------------------------------------------------------------------------------


def _frame_digest(frame: pd.DataFrame, digest: Any) -> None:
    header = json.dumps([[str(c) for c in frame.columns], [str(t) for t in frame.dtypes]])
    digest.update(header.encode())
    digest.update(str(len(frame)).encode())
    for col in range(frame.shape[1]):
        series = frame.iloc[:, col]
        try:  # numbers and plain strings hash natively (fast); lists / tuples / dicts need text first
            hashed = pd.util.hash_pandas_object(series, index=False)
        except TypeError:
            hashed = pd.util.hash_pandas_object(series.astype(str), index=False)
        digest.update(hashed.to_numpy().tobytes())


def content_key(
    interactions: pd.DataFrame, items: pd.DataFrame | None = None, user_tags: pd.DataFrame | None = None
) -> str:
    """Content hash of the frames (column names, dtypes and values): the key a dataset is stored under."""
    digest = hashlib.sha256(b"interestlens-dataset-v1")
    for label, frame in zip(_FRAME_FILES, (interactions, items, user_tags), strict=True):
        digest.update(label.encode())
        if frame is not None:
            _frame_digest(frame, digest)
    return digest.hexdigest()[:24]


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
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


def _read_frame(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for col in frame.columns:
        if frame[col].dtype == object:
            sample = frame[col].dropna()
            if len(sample) and isinstance(sample.iloc[0], np.ndarray):
                frame[col] = [tuple(v) if isinstance(v, np.ndarray) else () for v in frame[col]]
    return frame


def _write_atomic(path: Path, table: pa.Table) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --- the store --------------------------------------------------------------------------------------


class Workspace:
    """Persistent workspace state in one folder; safe to share between threads and processes."""

    def __init__(self, root: Path | None = None) -> None:
        """Open (creating and migrating if needed) the workspace at ``root`` (default: workspace_dir())."""
        self.root = (Path(root) if root is not None else workspace_dir()).resolve()
        self.db_path = self.root / DB_NAME
        self.datasets_dir = self.root / "datasets"
        try:
            self.datasets_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise WorkspaceError(f"cannot create the workspace folder {self.root}: {reason}") from None
        with self._connection() as conn:
            try:
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise self._database_error(exc) from None
            if str(mode).lower() != "wal":
                log.warning("workspace %s: journal mode is %s, not WAL", self.root, mode)
        with self._write() as conn:
            migrate(conn)
        # An idle connection held open for the object's lifetime. Without it every per-call connection
        # would be the last one to close, and SQLite checkpoints and truncates the WAL (with fsync) on
        # last close: ~25 ms per write instead of ~1 ms. It never runs queries after this read.
        self._keeper: sqlite3.Connection | None = sqlite3.connect(self.db_path, check_same_thread=False)
        self._keeper.execute("SELECT COUNT(*) FROM settings").fetchone()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    def close(self) -> None:
        """Release the idle connection (the WAL is then checkpointed); further calls still work."""
        keeper, self._keeper = getattr(self, "_keeper", None), None
        if keeper is not None:
            keeper.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown sqlite3 may already be gone
            self.close()

    # connections ------------------------------------------------------------------------------

    def _database_error(self, exc: sqlite3.Error) -> WorkspaceError:
        return WorkspaceError(f"workspace database {self.db_path} cannot be used: {exc}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._database_error(exc) from None
        try:
            try:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                conn.execute("PRAGMA synchronous = NORMAL")
            except sqlite3.DatabaseError as exc:
                raise self._database_error(exc) from None
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One serialised write transaction: committed on success, rolled back on any exception."""
        with self._connection() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._database_error(exc) from None
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            try:
                yield conn
            except sqlite3.DatabaseError as exc:
                raise self._database_error(exc) from None

    def schema_version(self) -> int:
        """The database's schema version (``PRAGMA user_version``)."""
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def checkpoint(self) -> None:
        """Fold the WAL file into the database file (e.g. before copying the workspace folder)."""
        with self._connection() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # datasets --------------------------------------------------------------------------------

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
    ) -> str:
        """Store the frames as Parquet under their content hash and list them; returns the key.

        Registering identical content again returns the same key and keeps the first record.
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
            for label, frame in zip(_FRAME_FILES, (interactions_df, items_df, user_tags), strict=True):
                if frame is not None:
                    _write_atomic(folder / f"{label}.parquet", _arrow_table(frame))
        n_users = int(interactions_df["user_id"].nunique()) if "user_id" in interactions_df else None
        now = time.time()
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO datasets (key, name, created_at, n_interactions, n_items, n_user_tags,"
                " n_users, source_files, mapping, fingerprint, last_opened_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    name,
                    now,
                    len(interactions_df),
                    0 if items_df is None else len(items_df),
                    0 if user_tags is None else len(user_tags),
                    n_users,
                    _dumps([str(s) for s in source_files]),
                    _dumps(dict(mapping or {})),
                    fingerprint,
                    now,
                ),
            )
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
        )

    @staticmethod
    def _dataset_record(row: sqlite3.Row | tuple[Any, ...]) -> DatasetRecord:
        (key, name, created, n_inter, n_items, n_tags, n_users, files, mapping, fp, opened) = row
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
        )

    _DATASET_COLUMNS = (
        "key, name, created_at, n_interactions, n_items, n_user_tags, n_users, source_files, mapping,"
        " fingerprint, last_opened_at"
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
        for label in _FRAME_FILES:
            path = folder / f"{label}.parquet"
            if path.exists():
                try:
                    frames[label] = _read_frame(path)
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
        return Dataset.from_frames(
            stored.record.name, stored.interactions, stored.items, stored.user_tags, meta
        )

    def delete_dataset(self, key: str) -> bool:
        """Forget a dataset and delete its files; False when it was not registered."""
        with self._write() as conn:
            deleted = conn.execute("DELETE FROM datasets WHERE key = ?", (key,)).rowcount > 0
        if deleted:
            shutil.rmtree(self.datasets_dir / key, ignore_errors=True)
        return deleted

    # artefacts -------------------------------------------------------------------------------

    def _relative(self, path: Path) -> str:
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return str(resolved)

    def _absolute(self, stored: str) -> Path:
        path = Path(stored)
        return path if path.is_absolute() else self.root / path

    def record_artefact(
        self, kind: str, fingerprint: str, params: Mapping[str, Any], path: Path
    ) -> ArtefactRecord:
        """Remember that ``path`` holds the ``kind`` artefact for (fingerprint, params); replaces older."""
        params_json = _dumps(dict(params))
        now = time.time()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO artefacts (kind, fingerprint, params, path, created_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (kind, fingerprint, params) DO UPDATE SET path = excluded.path,"
                " created_at = excluded.created_at",
                (kind, fingerprint, params_json, self._relative(path), now),
            )
            (art_id,) = conn.execute(
                "SELECT id FROM artefacts WHERE kind = ? AND fingerprint = ? AND params = ?",
                (kind, fingerprint, params_json),
            ).fetchone()
        resolved = Path(path).resolve()
        return ArtefactRecord(int(art_id), kind, fingerprint, json.loads(params_json), resolved, now)

    def find_artefact(
        self, kind: str, fingerprint: str, params: Mapping[str, Any] | None = None
    ) -> ArtefactRecord | None:
        """The newest artefact of ``kind`` for ``fingerprint`` (and exactly ``params`` when given) whose file
        still exists; None otherwise (records of vanished files are dropped)."""
        query = (
            "SELECT id, kind, fingerprint, params, path, created_at FROM artefacts"
            " WHERE kind = ? AND fingerprint = ?"
        )
        args: list[Any] = [kind, fingerprint]
        if params is not None:
            query += " AND params = ?"
            args.append(_dumps(dict(params)))
        with self._read() as conn:
            rows = conn.execute(query + " ORDER BY created_at DESC, id DESC", args).fetchall()
        stale: list[int] = []
        found: ArtefactRecord | None = None
        for art_id, a_kind, a_fp, a_params, a_path, created in rows:
            path = self._absolute(a_path)
            if path.exists():
                found = ArtefactRecord(int(art_id), a_kind, a_fp, json.loads(a_params), path, float(created))
                break
            stale.append(int(art_id))
        if stale:
            with self._write() as conn:
                conn.executemany("DELETE FROM artefacts WHERE id = ?", [(i,) for i in stale])
        return found

    # presets ---------------------------------------------------------------------------------

    def save_preset(
        self, name: str, config: FusionConfig, dataset_fingerprint: str | None = None
    ) -> PresetRecord:
        """Create or overwrite preset ``name`` (global, or for one dataset fingerprint) as validated JSON."""
        body = preset_to_json(name, config)
        now = time.time()
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, created_at FROM presets WHERE name = ? AND IFNULL(dataset_fp, '') = ?",
                (name, dataset_fingerprint or ""),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO presets (name, dataset_fp, body, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (name, dataset_fingerprint, body, now, now),
                )
                created = now
            else:
                conn.execute("UPDATE presets SET body = ?, updated_at = ? WHERE id = ?", (body, now, row[0]))
                created = float(row[1])
        return PresetRecord(name, dataset_fingerprint, config, created, now)

    def list_presets(
        self, dataset_fingerprint: str | None = None, *, all_datasets: bool = False
    ) -> list[PresetRecord]:
        """Global presets plus those of ``dataset_fingerprint`` (or every preset), by name.

        A stored body that no longer validates is skipped with a logged warning.
        """
        query = "SELECT name, dataset_fp, body, created_at, updated_at FROM presets"
        args: tuple[Any, ...] = ()
        if not all_datasets:
            query += " WHERE dataset_fp IS NULL OR dataset_fp = ?"
            args = (dataset_fingerprint or "",)
        with self._read() as conn:
            rows = conn.execute(query + " ORDER BY name, IFNULL(dataset_fp, '')", args).fetchall()
        records = []
        for name, fp, body, created, updated in rows:
            try:
                _, config = preset_from_json(body, source=f"stored preset {name!r}")
            except ConfigError as exc:
                log.warning("skipping invalid preset: %s", exc)
                continue
            records.append(PresetRecord(name, fp, config, float(created), float(updated)))
        return records

    def load_preset(self, name: str, dataset_fingerprint: str | None = None) -> FusionConfig:
        """The preset ``name``: the dataset's own if any, else the global one; WorkspaceError if none."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT body FROM presets WHERE name = ? AND (dataset_fp IS NULL OR dataset_fp = ?)"
                " ORDER BY dataset_fp IS NULL LIMIT 1",
                (name, dataset_fingerprint or ""),
            ).fetchone()
        if row is None:
            raise WorkspaceError(f"no preset named {name!r}")
        return preset_from_json(row[0], source=f"stored preset {name!r}")[1]

    def delete_preset(self, name: str, dataset_fingerprint: str | None = None) -> bool:
        """Delete the preset ``name`` of exactly this scope (global when fingerprint is None)."""
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM presets WHERE name = ? AND IFNULL(dataset_fp, '') = ?",
                (name, dataset_fingerprint or ""),
            )
            return cur.rowcount > 0

    # evaluation runs -------------------------------------------------------------------------

    def record_run(
        self, name: str, dataset_fingerprint: str, config: Mapping[str, Any], results: Mapping[str, Any]
    ) -> int:
        """Store an evaluation run (config and results as JSON; NaN becomes null); returns its id."""
        config_json, results_json = _dumps(dict(config)), _dumps(dict(results))
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO runs (name, dataset_fp, config, results, created_at) VALUES (?, ?, ?, ?, ?)",
                (str(name), dataset_fingerprint, config_json, results_json, time.time()),
            )
            return int(cur.lastrowid or 0)

    @staticmethod
    def _run(row: tuple[Any, ...]) -> RunRecord:
        run_id, name, fp, config, results, created = row
        return RunRecord(int(run_id), name, fp, json.loads(config), json.loads(results), float(created))

    def list_runs(self, dataset_fingerprint: str | None = None, limit: int = 200) -> list[RunRecord]:
        """Recorded runs (of one dataset, or all), newest first."""
        query = "SELECT id, name, dataset_fp, config, results, created_at FROM runs"
        args: list[Any] = []
        if dataset_fingerprint is not None:
            query += " WHERE dataset_fp = ?"
            args.append(dataset_fingerprint)
        args.append(int(limit))
        with self._read() as conn:
            rows = conn.execute(query + " ORDER BY created_at DESC, id DESC LIMIT ?", args).fetchall()
        return [self._run(r) for r in rows]

    def get_run(self, run_id: int) -> RunRecord:
        """One run by id; WorkspaceError when unknown."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id, name, dataset_fp, config, results, created_at FROM runs WHERE id = ?",
                (int(run_id),),
            ).fetchone()
        if row is None:
            raise WorkspaceError(f"no evaluation run #{run_id} in the workspace")
        return self._run(row)

    # feedback --------------------------------------------------------------------------------

    def record_feedback(
        self,
        session_id: str,
        dataset_fingerprint: str,
        item_id: str,
        action: str,
        *,
        user_id: str | None = None,
        ts: float | None = None,
    ) -> int:
        """Append one feedback event (action like / dislike / click); returns its id."""
        if action not in FEEDBACK_ACTIONS:
            raise ValueError(f"feedback action must be one of {FEEDBACK_ACTIONS}, got {action!r}")
        when = time.time() if ts is None else float(ts)
        if not math.isfinite(when):
            raise ValueError("feedback timestamp must be finite")
        uid = None if user_id is None else str(user_id)
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (session_id, dataset_fp, user_id, item_id, action, ts)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (str(session_id), dataset_fingerprint, uid, str(item_id), action, when),
            )
            return int(cur.lastrowid or 0)

    def list_feedback(
        self,
        dataset_fingerprint: str | None = None,
        *,
        session_id: str | None = None,
        user_id: str | None = None,
        since: float | None = None,
    ) -> list[FeedbackEvent]:
        """Feedback events matching every given filter, oldest first."""
        clauses: list[str] = []
        args: list[Any] = []
        filters = (("dataset_fp", dataset_fingerprint), ("session_id", session_id), ("user_id", user_id))
        for column, value in filters:
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            clauses.append("ts >= ?")
            args.append(float(since))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, session_id, dataset_fp, user_id, item_id, action, ts FROM feedback"
                f"{where} ORDER BY ts, id",
                args,
            ).fetchall()
        return [FeedbackEvent(int(r[0]), r[1], r[2], r[3], r[4], r[5], float(r[6])) for r in rows]

    def clear_feedback(self, dataset_fingerprint: str, session_id: str) -> int:
        """Delete one session's feedback on one dataset; returns how many events were removed."""
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM feedback WHERE dataset_fp = ? AND session_id = ?",
                (dataset_fingerprint, session_id),
            )
            return cur.rowcount

    # settings --------------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The JSON value stored under ``key``, or ``default``."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value under ``key`` (replacing the old one)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (str(key), _dumps(value), time.time()),
            )


_DEFAULT: dict[Path, Workspace] = {}
_DEFAULT_LOCK = threading.Lock()


def default_workspace() -> Workspace:
    """The workspace at ``core.common.config.workspace_dir()``, opened (and migrated) once per process per folder."""
    root = workspace_dir()
    with _DEFAULT_LOCK:
        if root not in _DEFAULT:
            _DEFAULT[root] = Workspace(root)
        return _DEFAULT[root]


__all__ = [
    "FEEDBACK_ACTIONS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArtefactRecord",
    "DatasetFrames",
    "DatasetRecord",
    "FeedbackEvent",
    "PresetRecord",
    "RunRecord",
    "Workspace",
    "WorkspaceError",
    "content_key",
    "default_workspace",
    "migrate",
]
