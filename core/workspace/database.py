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
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from core.common.config import workspace_dir
from core.workspace.records import WorkspaceError
from core.workspace.schema import DB_NAME, migrate

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for the database lock before failing."""


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
