"""Remembered settings: the ``settings`` table (key -> JSON value, e.g. the UI language)."""

from __future__ import annotations

import json
import time
from typing import Any

from core.workspace.database import Database
from core.workspace.records import to_json


class SettingsTables(Database):
    """Get and set JSON values by key."""

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
                (str(key), to_json(value), time.time()),
            )

