"""core.workspace.presets: scoped presets, overwrite, validation of stored bodies."""

from __future__ import annotations

import sqlite3
import time

import pytest

from core.common.errors import ConfigError
from core.ranking.config import FusionConfig, FusionWeights
from core.workspace.records import WorkspaceError
from core.workspace.store import Workspace


def test_presets_scoped_saved_overwritten_listed_and_deleted(ws: Workspace) -> None:
    cold = FusionConfig(weights=FusionWeights(semantic=2.0, popularity=1.0), method="rrf", rrf_k=30)
    html = "冷启动 <img src=x onerror=alert(1)>"
    first = ws.save_preset(html, cold)
    ws.save_preset("history heavy", FusionConfig(weights=FusionWeights(history=3.0)), "fpA")
    ws.save_preset("history heavy", FusionConfig(weights=FusionWeights(history=1.0)))
    assert ws.load_preset(html) == cold
    # The dataset's own preset shadows the global one of the same name.
    assert ws.load_preset("history heavy", "fpA").weights.history == 3.0
    assert ws.load_preset("history heavy").weights.history == 1.0
    assert ws.load_preset("history heavy", "other").weights.history == 1.0
    names = [(p.name, p.dataset_fingerprint) for p in ws.list_presets("fpA")]
    assert names == [("history heavy", None), ("history heavy", "fpA"), (html, None)]
    assert len(ws.list_presets()) == 2 and len(ws.list_presets(all_datasets=True)) == 3
    time.sleep(0.01)
    updated = ws.save_preset(html, FusionConfig())
    assert updated.created_at == first.created_at and updated.updated_at > first.updated_at
    assert ws.load_preset(html) == FusionConfig()
    assert ws.delete_preset("history heavy", "fpA") is True
    assert ws.load_preset("history heavy", "fpA").weights.history == 1.0
    assert ws.delete_preset("history heavy", "fpA") is False
    with pytest.raises(WorkspaceError, match="no preset named 'gone'"):
        ws.load_preset("gone")


def test_invalid_presets_are_refused_and_tampered_rows_skipped(ws: Workspace) -> None:
    with pytest.raises(ConfigError):
        ws.save_preset("too strong", FusionConfig(weights=FusionWeights(mf=50.0)))
    with pytest.raises(ConfigError):
        ws.save_preset("x" * 500, FusionConfig())
    assert ws.list_presets(all_datasets=True) == []
    ws.save_preset("ok", FusionConfig())
    with sqlite3.connect(ws.db_path) as conn:  # someone edits the database by hand
        conn.execute(
            "INSERT INTO presets (name, dataset_fp, body, created_at, updated_at) VALUES (?, NULL, ?, 0, 0)",
            ("evil", '{"name": "evil", "weights": {"mf": NaN}}'),
        )
    assert [p.name for p in ws.list_presets()] == ["ok"]
    with pytest.raises(ConfigError, match="NaN is not allowed"):
        ws.load_preset("evil")

