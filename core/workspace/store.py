"""The workspace store: everything a team leaves behind survives a restart (SQLite + Parquet files).

Layout under the workspace folder (``core.common.config.workspace_dir()`` by default)::

    interestlens.sqlite3          SQLite database in WAL mode (tables: :mod:`core.workspace.schema`)
    datasets/<key>/*.parquet      registered datasets, one folder per content hash

:class:`Workspace` is one object with every table family's methods; each family lives in its own
module on top of :class:`core.workspace.database.Database` (connections, transactions, migrations):

- :mod:`core.workspace.datasets` -- ``register`` / ``register_dataset``, ``list_datasets``,
  ``get_dataset``, ``load_dataset(_frames)``, ``delete_dataset``;
- :mod:`core.workspace.presets` -- ``save_preset``, ``list_presets``, ``load_preset``, ``delete_preset``;
- :mod:`core.workspace.runs` -- ``record_run``, ``list_runs``, ``get_run``;
- :mod:`core.workspace.feedback` -- ``record_feedback``, ``list_feedback``, ``clear_feedback``;
- :mod:`core.workspace.settings` -- ``get_setting``, ``set_setting``.

Nothing executable is stored: frames go to Parquet, everything else to JSON text
(:func:`core.workspace.records.to_json`); no pickle. Derived files (vectors, indexes, maps) are not
listed here: they live in the artefact cache (:mod:`core.common.artefacts`), found by path.
"""

from __future__ import annotations

import threading
from pathlib import Path

from core.common.config import workspace_dir
from core.workspace.datasets import DatasetTables
from core.workspace.feedback import FeedbackTables
from core.workspace.presets import PresetTables
from core.workspace.runs import RunTables
from core.workspace.settings import SettingsTables


class Workspace(DatasetTables, PresetTables, RunTables, FeedbackTables, SettingsTables):
    """Persistent workspace state in one folder; safe to share between threads and processes."""


_DEFAULT: dict[Path, Workspace] = {}
_DEFAULT_LOCK = threading.Lock()


def default_workspace() -> Workspace:
    """The workspace at ``core.common.config.workspace_dir()``, opened (and migrated) once per process per folder."""
    root = workspace_dir()
    with _DEFAULT_LOCK:
        if root not in _DEFAULT:
            _DEFAULT[root] = Workspace(root)
        return _DEFAULT[root]
