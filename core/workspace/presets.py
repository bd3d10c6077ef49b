"""Saved fusion presets: the ``presets`` table (global, or per dataset fingerprint).

A preset body is the JSON of :func:`core.ranking.presets.preset_to_json` and is validated again when
read: a row edited by hand into something invalid is skipped (listing) or refused (loading).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from core.common.errors import ConfigError
from core.ranking.config import FusionConfig
from core.ranking.presets import preset_from_json, preset_to_json
from core.workspace.database import Database
from core.workspace.records import PresetRecord, WorkspaceError

log = logging.getLogger(__name__)


class PresetTables(Database):
    """Save, list, load and delete fusion presets."""

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
