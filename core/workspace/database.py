"""The workspace folder and its SQLite database: connections, transactions, opening and migrating.

:class:`Database` is the base of :class:`core.workspace.store.Workspace`; the table families
(``datasets``, ``presets``, ``runs``, ``feedback``, ``settings``) add their queries on top of its
``_read`` / ``_write`` context managers.

- **One connection per call.** Streamlit runs every session on its own thread; a connection is opened
  for each method call and closed before it returns, so no connection ever crosses threads. Opening an
  SQLite connection costs well under a millisecond; one idle connection per object keeps the WAL open
  so closing the others does not trigger a checkpoint each time.
- **Serialised, atomic writes.** Every write is one ``BEGIN IMMEDIATE`` transaction (writers queue on
  the database lock for up to :data:`BUSY_TIMEOUT_S` instead of failing); readers never block in WAL
  mode.
- **Versioned schema.** Opening applies :func:`core.workspace.schema.migrate` in one transaction.
- **Never silently replaced.** A new database is built under a temp name and linked into place only
  if none exists, so no process ever sees a half-created (zero-length) file. An existing file that is
  empty or not an SQLite database is refused with a :class:`WorkspaceError` naming it, and per-call
  connections open with ``mode=rw``: a database deleted while the app runs is reported, not recreated
  empty. Either way the user's file is left as it is, for them to restore or move away.
- **No litter.** Opening removes temp files that killed writers left under ``datasets/``
  (:func:`core.common.artefacts.tidy_folder`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from core.common.artefacts import temp_path, tidy_folder
from core.common.config import workspace_dir
from core.workspace.records import WorkspaceError
from core.workspace.schema import DB_NAME, migrate

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for the database lock before failing."""
SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file."""


def check_database_file(path: Path) -> None:
    """Raise :class:`WorkspaceError` naming ``path`` when it exists but cannot be a workspace database:
    empty (zero bytes), shorter than an SQLite header, or not starting with one. A missing file passes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WorkspaceError(f"workspace database {path} cannot be read: {exc.strerror or exc}") from None
    advice = ("Restore it from a backup, or move it away to start a new, empty workspace in this folder; "
              "InterestLens does not replace it.")
    if size == 0:
        raise WorkspaceError(f"workspace database {path} is empty (0 bytes): it was truncated or "
                             f"overwritten, so its datasets, presets and runs cannot be read. {advice}")
    if not head.startswith(SQLITE_HEADER):
        raise WorkspaceError(f"workspace database {path} cannot be used: it is not an SQLite database "
                             f"({size:,} bytes without the SQLite header). {advice}")


class Database:
    """A workspace folder with its database, opened (created and migrated if needed) on construction."""

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
        tidy_folder(self.root)
        tidy_folder(self.datasets_dir, recursive=True)
        check_database_file(self.db_path)
        if not self.db_path.exists():
            self._create()
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
        self._keeper: sqlite3.Connection | None = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
        self._keeper.execute("SELECT COUNT(*) FROM settings").fetchone()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    def close(self) -> None:
        """Release the idle connection (the WAL is then checkpointed); further calls still work."""
        keeper, self._keeper = getattr(self, "_keeper", None), None
        if keeper is not None:
            keeper.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown sqlite3 may already be gone
            self.close()

    # connections ------------------------------------------------------------------------------

    @property
    def _uri(self) -> str:
        """The database as a read-write URI that never creates the file."""
        return f"{self.db_path.as_uri()}?mode=rw"

    def _create(self) -> None:
        """Build a new, migrated database under a temp name and link it into place unless another
        process created one first (then theirs is used); readers never see a half-created file."""
        tmp = temp_path(self.db_path)
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("BEGIN IMMEDIATE")
                migrate(conn)
                conn.execute("COMMIT")
            finally:
                conn.close()
            try:
                os.link(tmp, self.db_path)
            except FileExistsError:
                pass  # another process won the race: use its database
            except OSError:  # no hard links on this filesystem
                if not self.db_path.exists():
                    os.replace(tmp, self.db_path)
        except (sqlite3.Error, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise WorkspaceError(f"cannot create the workspace database {self.db_path}: {reason}") from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
                leftover.unlink(missing_ok=True)

    def _database_error(self, exc: sqlite3.Error) -> WorkspaceError:
        if not self.db_path.exists():
            return WorkspaceError(f"workspace database {self.db_path} is missing: it was moved or deleted "
                                  "while InterestLens was running. Restore it, or restart to begin a new, "
                                  "empty workspace.")
        return WorkspaceError(f"workspace database {self.db_path} cannot be used: {exc}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self._uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
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
