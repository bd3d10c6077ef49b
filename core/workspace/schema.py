"""The workspace database's layout: its file name, the versioned schema and the migrations to it.

``PRAGMA user_version`` holds the schema version; :data:`MIGRATIONS` is the ordered list of migration
functions, applied in the caller's transaction when a workspace is opened (:func:`migrate`). A
migration is appended, never edited: a workspace written by any earlier version upgrades in place,
and one written by a newer version is refused rather than damaged.

Tables (version 4): ``datasets`` (registered uploads: name, row counts, source files, column mapping
JSON, dataset fingerprint, last opened, signal JSON), ``presets`` (fusion presets, global or per dataset
fingerprint, JSON validated by :mod:`core.ranking.presets`), ``runs`` (evaluation runs: config and
results JSON), ``feedback`` (like / dislike / click events per session, with the interest text they
applied to), ``settings`` (key -> JSON value, e.g. the remembered UI language).

History: v1 the initial tables; v2 ``datasets.last_opened_at`` and a per-session feedback index; v3
drops ``artefacts`` (derived files are found by path in the artefact cache,
:mod:`core.common.artefacts`, never through the database) and adds ``feedback.profile_text``; v4 adds
``datasets.signal`` (what the value column measures, :class:`core.data.signal.Signal` as JSON; NULL for
datasets registered earlier: guessed from the values when loaded).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from core.workspace.records import WorkspaceError

DB_NAME = "interestlens.sqlite3"


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


def _migrate_v3(conn: sqlite3.Connection) -> None:
    """Drop the unused ``artefacts`` table; remember the interest text each feedback event applied to."""
    conn.execute("DROP TABLE IF EXISTS artefacts")
    conn.execute("ALTER TABLE feedback ADD COLUMN profile_text TEXT")


def _migrate_v4(conn: sqlite3.Connection) -> None:
    """Remember each dataset's signal (NULL for older rows: guessed from the values on load)."""
    conn.execute("ALTER TABLE datasets ADD COLUMN signal TEXT")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_migrate_v1, _migrate_v2, _migrate_v3, _migrate_v4)
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
