"""core.workspace.runs: runs stored as plain JSON (numpy values, NaN), listed newest first."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from core.ranking.config import FusionConfig
from core.workspace.records import WorkspaceError
from core.workspace.store import Workspace


def test_runs_record_json_with_numpy_values_and_nan(ws: Workspace) -> None:
    results = {"ndcg@10": np.float32(0.25), "recall": np.array([0.1, np.nan]), "users": np.int64(610),
               "coverage": float("inf"), "models": ("mf", "popularity"), "path": Path("/tmp/x")}
    run_id = ws.record_run("weights sweep", "fpA", {"k": 10, "seed": np.int32(1)}, results)
    ws.record_run("other dataset", "fpB", {}, {})
    later = ws.record_run("second", "fpA", {"k": 20}, {"ndcg@10": 0.3})
    run = ws.get_run(run_id)
    assert run.name == "weights sweep" and run.dataset_fingerprint == "fpA"
    assert run.config == {"k": 10, "seed": 1}
    assert run.results == {"ndcg@10": 0.25, "recall": [0.1, None], "users": 610, "coverage": None,
                           "models": ["mf", "popularity"], "path": "/tmp/x"}
    assert [r.id for r in ws.list_runs("fpA")] == [later, run_id]
    assert len(ws.list_runs()) == 3 and len(ws.list_runs(limit=1)) == 1
    with pytest.raises(WorkspaceError, match="no evaluation run #999"):
        ws.get_run(999)
    with pytest.raises(TypeError, match="cannot store a object as JSON"):
        ws.record_run("bad", "fpA", {}, {"x": object()})
    assert len(ws.list_runs()) == 3


def test_runs_and_presets_are_plain_json_in_the_database(ws: Workspace) -> None:
    ws.save_preset("p", FusionConfig())
    ws.record_run("r", "fp", {"a": 1}, {"b": [1, 2]})
    with sqlite3.connect(ws.db_path) as conn:
        body = conn.execute("SELECT body FROM presets").fetchone()[0]
        config, results = conn.execute("SELECT config, results FROM runs").fetchone()
    assert json.loads(body)["format"] == "interestlens-preset"
    assert json.loads(config) == {"a": 1} and json.loads(results) == {"b": [1, 2]}
