"""Recorded evaluation runs: the ``runs`` table (config and results as JSON, per dataset fingerprint)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from core.workspace.database import Database
from core.workspace.records import RunRecord, WorkspaceError, to_json


class RunTables(Database):
    """Record, list and read evaluation runs."""

    def record_run(
        self, name: str, dataset_fingerprint: str, config: Mapping[str, Any], results: Mapping[str, Any]
    ) -> int:
        """Store an evaluation run (config and results as JSON; NaN becomes null); returns its id."""
        config_json, results_json = to_json(dict(config)), to_json(dict(results))
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
