"""core.workspace.schema: migrations from every earlier version keep the data; newer schemas are refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.presets import preset_to_json
from core.workspace.datasets import arrow_table, content_key, write_frame
from core.workspace.schema import DB_NAME, MIGRATIONS, SCHEMA_VERSION, migrate
from core.workspace.store import Workspace
from tests.workspace.test_datasets import _frames


def _old_database(root: Path, version: int) -> sqlite3.Connection:
    """An empty database of schema ``version`` (what that InterestLens version created), in a transaction."""
    root.mkdir()
    conn = sqlite3.connect(root / DB_NAME, isolation_level=None)
    conn.execute("BEGIN")
    assert migrate(conn, target=version) == version
    return conn


def test_migrations_are_listed_in_order() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) == 4
    assert [m.__name__ for m in MIGRATIONS] == ["_migrate_v1", "_migrate_v2", "_migrate_v3", "_migrate_v4"]


def test_v1_database_is_migrated_in_place(tmp_path: Path) -> None:
    root = tmp_path / "old"
    db = root / DB_NAME
    conn = _old_database(root, 1)
    conn.execute(
        "INSERT INTO datasets (key, name, created_at, n_interactions, n_items)"
        " VALUES ('k1', 'old data', 1234.5, 3, 2)"
    )
    conn.execute(
        "INSERT INTO feedback (session_id, dataset_fp, item_id, action, ts)"
        " VALUES ('s', 'fp', 'i', 'like', 1)"
    )
    conn.execute("COMMIT")
    columns = {r[1] for r in conn.execute("PRAGMA table_info(datasets)")}
    conn.close()
    assert "last_opened_at" not in columns

    ws = Workspace(root)
    assert ws.schema_version() == SCHEMA_VERSION
    (record,) = ws.list_datasets()
    assert (record.key, record.name, record.last_opened_at) == ("k1", "old data", 1234.5)  # backfilled
    assert [e.item_id for e in ws.list_feedback("fp", session_id="s")] == ["i"]
    with sqlite3.connect(db) as check:
        indexes = {r[1] for r in check.execute("PRAGMA index_list(feedback)")}
    assert "feedback_by_session" in indexes
    assert Workspace(root).schema_version() == SCHEMA_VERSION  # opening again is a no-op


def test_v2_workspace_drops_artefacts_and_keeps_datasets_presets_runs_feedback(tmp_path: Path) -> None:
    root = tmp_path / "v2"
    conn = _old_database(root, 2)
    inter, items = _frames()
    key = content_key(inter, items)
    folder = root / "datasets" / key
    for label, frame in (("interactions", inter), ("items", items)):
        write_frame(folder / f"{label}.parquet", arrow_table(frame))
    conn.execute(
        "INSERT INTO datasets (key, name, created_at, n_interactions, n_items, fingerprint, last_opened_at)"
        " VALUES (?, 'kept data', 10.0, ?, ?, 'fpA', 20.0)",
        (key, len(inter), len(items)),
    )
    body = preset_to_json("kept preset", FusionConfig(weights=FusionWeights(graph=2.0)))
    conn.execute(
        "INSERT INTO presets (name, dataset_fp, body, created_at, updated_at) VALUES ('kept preset', 'fpA', ?, 1, 1)",
        (body,),
    )
    conn.execute(
        "INSERT INTO runs (name, dataset_fp, config, results, created_at) VALUES ('kept run', 'fpA', ?, ?, 5)",
        (json.dumps({"k": 10}), json.dumps({"ndcg@10": 0.25})),
    )
    conn.execute(
        "INSERT INTO feedback (session_id, dataset_fp, user_id, item_id, action, ts)"
        " VALUES ('s', 'fpA', 'U1', 'i3', 'dislike', 7.5)"
    )
    conn.execute("INSERT INTO settings (key, value, updated_at) VALUES ('language', '\"zh\"', 1)")
    conn.execute(
        "INSERT INTO artefacts (kind, fingerprint, params, path, created_at) VALUES ('index', 'fpA', '{}', 'x', 1)"
    )
    conn.execute("COMMIT")
    conn.close()

    ws = Workspace(root)
    assert ws.schema_version() == 4
    with sqlite3.connect(ws.db_path) as check:
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "artefacts" not in tables
    (record,) = ws.list_datasets()
    assert (record.key, record.name, record.fingerprint, record.last_opened_at) == (key, "kept data", "fpA", 20.0)
    stored = ws.load_dataset_frames(key)
    pd.testing.assert_frame_equal(stored.interactions, inter)
    assert stored.items is not None
    pd.testing.assert_frame_equal(stored.items, items)
    assert ws.load_preset("kept preset", "fpA").weights.graph == 2.0
    (run,) = ws.list_runs("fpA")
    assert (run.name, run.config, run.results) == ("kept run", {"k": 10}, {"ndcg@10": 0.25})
    (event,) = ws.list_feedback("fpA")
    assert (event.session_id, event.user_id, event.item_id, event.action, event.ts, event.profile_text) == (
        "s", "U1", "i3", "dislike", 7.5, None)
    assert ws.get_setting("language") == "zh"
    ws.record_feedback("s", "fpA", "i4", "like", profile_text="科幻", ts=8.0)  # the new column is usable
    assert [e.profile_text for e in ws.list_feedback("fpA", session_id="s")] == [None, "科幻"]


def test_v3_dataset_gets_a_null_signal_and_is_guessed_on_load(tmp_path: Path) -> None:
    root = tmp_path / "v3"
    conn = _old_database(root, 3)
    inter, items = _frames()
    inter = inter.assign(rating=(inter.index.to_numpy() % 40 + 11).astype("float64"))  # integers 11-50: counts
    key = content_key(inter, items)
    folder = root / "datasets" / key
    for label, frame in (("interactions", inter), ("items", items)):
        write_frame(folder / f"{label}.parquet", arrow_table(frame))
    conn.execute(
        "INSERT INTO datasets (key, name, created_at, n_interactions, n_items, fingerprint, last_opened_at)"
        " VALUES (?, 'old counts', 10.0, ?, ?, 'fpA', 20.0)",
        (key, len(inter), len(items)),
    )
    conn.execute("COMMIT")
    conn.close()

    ws = Workspace(root)
    assert ws.schema_version() == 4
    (record,) = ws.list_datasets()
    assert record.signal is None
    dataset = ws.load_dataset(key)
    assert dataset.signal.kind == "count" and dataset.signal.guessed and dataset.signal.reason == "integer_counts"
