"""Checkpoints of one offline evaluation run, so an interrupted run resumes instead of starting over.

An evaluation (:func:`core.evaluation.protocol.evaluate_dataset`) spends its time in a few long stages:
tuning baselines and fusion weights with Optuna on validation users, then fitting and ranking every
configuration on the test split. :class:`Checkpoint` keeps each finished stage on disk as it ends,
in a folder keyed by everything the results depend on (dataset fingerprint, evaluation options, encoder),
so a run killed by a crash, a closed browser tab or Ctrl-C picks up where it stopped:

- ``save_json(stage, payload)`` / ``load_json(stage)``: a tuning result (JSON);
- ``save_lists(key, lists, ...)`` / ``load_lists(key)``: one configuration's ranked lists (npz, with the
  fit and recommend seconds of the run that computed them).

Writes are atomic (:func:`core.common.artefacts.atomic_write_json` / ``atomic_write_npz``); an unreadable
or mismatched file counts as missing (the stage runs again). The folder is removed when the run
completes (:meth:`Checkpoint.clear`): a checkpoint resumes a run, it is not a result cache.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.common.artefacts import atomic_write_json, atomic_write_npz, fingerprint, safe_name
from core.common.config import cache_dir


@dataclass(frozen=True)
class Checkpoint:
    """Finished stages of one evaluation run, in ``folder``."""

    folder: Path

    @classmethod
    def for_run(cls, *identity: Any) -> Checkpoint:
        """The checkpoint of the run identified by ``identity`` (dataset fingerprint, options, model …),
        under the cache folder ``evaluation/``."""
        return cls(cache_dir("evaluation", fingerprint(*identity)))

    def _path(self, name: str, suffix: str) -> Path:
        return self.folder / f"{safe_name(name)}{suffix}"

    def save_json(self, stage: str, payload: Any) -> None:
        """Keep a finished stage's JSON-ready result."""
        atomic_write_json(self._path(stage, ".json"), {"stage": stage, "payload": payload})

    def load_json(self, stage: str) -> Any | None:
        """The stage's saved result, or None (never saved, unreadable, or saved for another stage)."""
        path = self._path(stage, ".json")
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("stage") != stage:
            return None
        return doc.get("payload")

    def save_lists(self, key: str, lists: np.ndarray, fit_seconds: float, recommend_seconds: float) -> None:
        """Keep one configuration's ranked lists (and the time they took)."""
        atomic_write_npz(self._path(key, ".npz"), lists=np.asarray(lists, dtype=np.int64),
                         seconds=np.array([fit_seconds, recommend_seconds], dtype=np.float64))

    def load_lists(self, key: str, shape: tuple[int, int]) -> tuple[np.ndarray, float, float] | None:
        """The saved lists of ``key`` if they have ``shape`` (users x k), with their fit / recommend
        seconds; None otherwise."""
        path = self._path(key, ".npz")
        try:
            with np.load(path, allow_pickle=False) as data:
                lists = np.asarray(data["lists"], dtype=np.int64)
                seconds = np.asarray(data["seconds"], dtype=np.float64)
        except (OSError, ValueError, KeyError):
            return None
        if lists.shape != shape or seconds.shape != (2,):
            return None
        return lists, float(seconds[0]), float(seconds[1])

    def n_saved(self) -> int:
        """How many stages and configurations are on disk."""
        if not self.folder.is_dir():
            return 0
        return sum(1 for p in self.folder.iterdir() if p.suffix in (".json", ".npz"))

    def clear(self) -> None:
        """Remove the checkpoint (the run completed)."""
        shutil.rmtree(self.folder, ignore_errors=True)
