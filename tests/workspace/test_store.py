"""The workspace store: persistence across reopen, migrations, atomic writes, concurrent writers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.ranking.config import FusionConfig, FusionWeights
from core.data.dataset import Dataset
from core.common.errors import ConfigError, DataError
from core.workspace.store import (
    DB_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    Workspace,
    WorkspaceError,
    content_key,
    default_workspace,
    migrate,
)

ROOT = Path(__file__).resolve().parents[2]


def _frames(n_users: int = 5, n_items: int = 8, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = [(f"u{u}", f"i{i}") for u in range(n_users) for i in rng.choice(n_items, 3, replace=False)]
    inter = pd.DataFrame(
        {
            "user_id": [u for u, _ in rows],
            "item_id": [i for _, i in rows],
            "rating": rng.integers(1, 6, len(rows)).astype("float64"),
            "timestamp": np.where(np.arange(len(rows)) % 4 == 0, np.nan, 1.7e9 + np.arange(len(rows)) * 60.0),
            "event": ["收藏" if k % 2 else "" for k in range(len(rows))],
        }
    )
    items = pd.DataFrame(
        {
            "item_id": [f"i{i}" for i in range(n_items)],
            "title": [f"星海 {i} <b>bold</b>" for i in range(n_items)],
            "description": ["一艘世代飞船 / A generation ship"] * n_items,
            "category": ["科幻 / Sci-Fi", ""] * (n_items // 2),
            "tags": [("太空", "space"), ()] * (n_items // 2),
            "year": [2019.0, np.nan] * (n_items // 2),
        }
    )
    return inter, items


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


def test_new_workspace_is_wal_and_current_schema(ws: Workspace) -> None:
    assert ws.schema_version() == SCHEMA_VERSION == len(MIGRATIONS) == 2
    assert (ws.root / DB_NAME).exists() and ws.datasets_dir.is_dir()
    with sqlite3.connect(ws.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"datasets", "artefacts", "presets", "runs", "feedback", "settings"} <= tables


def test_context_manager_closes_and_the_store_stays_usable(tmp_path: Path) -> None:
    with Workspace(tmp_path / "cm") as ws:
        ws.set_setting("language", "zh")
    assert not (tmp_path / "cm" / f"{DB_NAME}-wal").exists()
    assert ws.get_setting("language") == "zh"  # calls after close() open their own connection
    ws.checkpoint()


def test_default_workspace_follows_the_environment(tmp_workspace: Path) -> None:
    ws = default_workspace()
    assert ws.root == tmp_workspace.resolve()
    assert default_workspace() is ws


def test_dataset_round_trip_keeps_values_and_types(ws: Workspace) -> None:
    inter, items = _frames()
    key = ws.register_dataset(inter, items, "上传 <script>", source_files=["评分.csv", "items.tsv"],
                              mapping={"user": "用户ID"}, fingerprint="fp1")
    stored = ws.load_dataset_frames(key)
    pd.testing.assert_frame_equal(stored.interactions, inter)
    assert stored.items is not None and stored.user_tags is None
    pd.testing.assert_frame_equal(stored.items, items)
    assert stored.items["tags"].iloc[0] == ("太空", "space")  # list columns come back as tuples
    record = stored.record
    assert (record.key, record.name, record.fingerprint) == (key, "上传 <script>", "fp1")
    assert (record.n_interactions, record.n_items, record.n_user_tags, record.n_users) == (15, 8, 0, 5)
    assert record.source_files == ("评分.csv", "items.tsv") and record.mapping == {"user": "用户ID"}
    files = sorted(p.name for p in (ws.datasets_dir / key).iterdir())
    assert files == ["interactions.parquet", "items.parquet"]  # no temp files left behind


def test_same_content_same_key_different_content_new_key(ws: Workspace) -> None:
    inter, items = _frames()
    key = ws.register_dataset(inter, items, "first")
    assert ws.register_dataset(inter.copy(), items.copy(), "second name") == key
    assert [r.name for r in ws.list_datasets()] == ["first"]
    changed = inter.copy()
    changed.loc[0, "rating"] = 5.5
    key2 = ws.register_dataset(changed, items, "changed")
    assert key2 != key and content_key(changed, items) == key2
    assert ws.register_dataset(inter, None, "no items") not in {key, key2}
    assert len(ws.list_datasets()) == 3
    assert ws.load_dataset_frames(key2).record.name == "changed"
    assert ws.list_datasets()[0].key == key2  # most recently opened first


def test_register_and_rebuild_a_dataset_object_with_the_same_fingerprint(ws: Workspace) -> None:
    inter, items = _frames(n_users=12, n_items=10, seed=3)
    user_tags = pd.DataFrame(
        {"user_id": ["u1"], "item_id": ["i2"], "tag": ["太空歌剧"], "timestamp": [1.7e9]}
    )
    dataset = Dataset.from_frames("demo 数据", inter, items, user_tags)
    key = ws.register(dataset, source_files=["a.csv"])
    again = ws.load_dataset(key)
    assert again.fingerprint == dataset.fingerprint
    assert again.n_users == dataset.n_users and again.n_items == dataset.n_items
    assert again.items["tags"].tolist() == dataset.items["tags"].tolist()
    assert again.user_tags is not None and again.user_tags["tag"].tolist() == ["太空歌剧"]
    assert again.meta["workspace_key"] == key
    assert ws.get_dataset(key).fingerprint == dataset.fingerprint


def test_mixed_type_columns_are_stored_as_text(ws: Workspace) -> None:
    raw = pd.DataFrame({"user": ["a", "b", "c"], "item": [1, "x", 2.5], "extra": [None, {"k": 1}, "v"]})
    key = ws.register_dataset(raw, None, "raw upload")
    back = ws.load_dataset_frames(key).interactions
    assert back["item"].tolist() == ["1", "x", "2.5"]
    assert back["user"].tolist() == ["a", "b", "c"]
    with pytest.raises(DataError, match="lacks canonical columns"):
        ws.load_dataset(key)


def test_missing_dataset_and_missing_files_give_readable_errors(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="no dataset 'nope'"):
        ws.load_dataset_frames("nope")
    inter, items = _frames()
    key = ws.register_dataset(inter, items, "x")
    (ws.datasets_dir / key / "items.parquet").unlink()
    with pytest.raises(DataError, match=r"items\.parquet is missing"):
        ws.load_dataset_frames(key)
    assert ws.delete_dataset(key) is True
    assert not (ws.datasets_dir / key).exists() and ws.list_datasets() == []
    assert ws.delete_dataset(key) is False


def test_failed_parquet_write_registers_nothing_and_leaves_no_temp_files(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    real = pq.write_table
    calls = {"n": 0}

    def crash_on_second(table, where, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        real(table, where, *args, **kwargs)  # the temp file exists now ...
        if calls["n"] == 2:
            raise OSError("disk full")  # ... and the process "dies" before os.replace

    monkeypatch.setattr(pq, "write_table", crash_on_second)
    inter, items = _frames()
    with pytest.raises(OSError, match="disk full"):
        ws.register_dataset(inter, items, "half written")
    assert ws.list_datasets() == []
    folder = ws.datasets_dir / content_key(inter, items)
    assert sorted(p.name for p in folder.iterdir()) == ["interactions.parquet"]  # complete files only
    monkeypatch.setattr(pq, "write_table", real)
    key = ws.register_dataset(inter, items, "retry")  # a retry completes the dataset
    pd.testing.assert_frame_equal(ws.load_dataset_frames(key).items, items)


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


def test_feedback_events_filters_and_clearing(ws: Workspace) -> None:
    ws.record_feedback("s1", "fpA", "I0001", "like", user_id="U0001", ts=100.0)
    ws.record_feedback("s1", "fpA", "I0002", "dislike", ts=50.0)
    ws.record_feedback("s2", "fpA", "I0001", "click", ts=75.0)
    ws.record_feedback("s1", "fpB", "I0003", "like", ts=10.0)
    events = ws.list_feedback("fpA")
    assert [(e.item_id, e.action, e.ts) for e in events] == [
        ("I0002", "dislike", 50.0), ("I0001", "click", 75.0), ("I0001", "like", 100.0)]
    assert [e.item_id for e in ws.list_feedback("fpA", session_id="s1")] == ["I0002", "I0001"]
    assert [e.user_id for e in ws.list_feedback(user_id="U0001")] == ["U0001"]
    assert len(ws.list_feedback("fpA", since=60.0)) == 2 and len(ws.list_feedback()) == 4
    with pytest.raises(ValueError, match="like"):
        ws.record_feedback("s1", "fpA", "I0001", "love")
    with pytest.raises(ValueError, match="finite"):
        ws.record_feedback("s1", "fpA", "I0001", "like", ts=float("nan"))
    assert ws.clear_feedback("fpA", "s1") == 2
    assert [e.session_id for e in ws.list_feedback("fpA")] == ["s2"]


def test_settings_hold_json_values(ws: Workspace) -> None:
    assert ws.get_setting("language") is None and ws.get_setting("language", "zh") == "zh"
    ws.set_setting("language", "en")
    ws.set_setting("language", "zh")
    ws.set_setting("recent", {"datasets": ["a", "b"], "k": 10, "ratio": 0.5, "on": True})
    assert ws.get_setting("language") == "zh"
    assert ws.get_setting("recent") == {"datasets": ["a", "b"], "k": 10, "ratio": 0.5, "on": True}


def test_artefacts_found_by_kind_fingerprint_params_and_dropped_when_file_vanishes(ws: Workspace) -> None:
    cache = ws.root / "cache"
    cache.mkdir()
    old, new, other = cache / "v1.npy", cache / "v2.npy", cache / "idx.bin"
    for path in (old, new, other):
        path.write_bytes(b"x")
    ws.record_artefact("vectors", "fpA", {"model": "use-m3", "dim": 512}, old)
    ws.record_artefact("vectors", "fpA", {"dim": 512, "model": "use-m3"}, new)  # same params: replaced
    ws.record_artefact("index", "fpA", {"M": 16}, other)
    found = ws.find_artefact("vectors", "fpA", {"model": "use-m3", "dim": 512})
    assert found is not None and found.path == new and found.params == {"dim": 512, "model": "use-m3"}
    assert ws.find_artefact("vectors", "fpA", {"model": "minilm"}) is None
    assert ws.find_artefact("vectors", "fpB") is None
    found_any = ws.find_artefact("index", "fpA")
    assert found_any is not None and found_any.path == other
    other.unlink()
    assert ws.find_artefact("index", "fpA") is None
    with sqlite3.connect(ws.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM artefacts WHERE kind = 'index'").fetchone()[0] == 0


def test_reopening_the_folder_finds_everything_even_after_moving_it(tmp_path: Path) -> None:
    first = Workspace(tmp_path / "a")
    inter, items = _frames()
    key = first.register_dataset(inter, items, "kept")
    first.save_preset("kept preset", FusionConfig(weights=FusionWeights(graph=2.0)))
    run_id = first.record_run("kept run", "fp", {"k": 5}, {"ndcg": 0.5})
    first.record_feedback("s", "fp", "i1", "like", ts=1.0)
    first.set_setting("language", "en")
    (first.root / "cache").mkdir()
    (first.root / "cache" / "vec.npy").write_bytes(b"v")
    first.record_artefact("vectors", "fp", {"m": 1}, first.root / "cache" / "vec.npy")
    first.close()  # the WAL is folded into the database file: the folder is self-contained
    assert not (tmp_path / "a" / f"{DB_NAME}-wal").exists()
    del first
    shutil.move(tmp_path / "a", tmp_path / "b")  # like a restart on another machine / folder

    again = Workspace(tmp_path / "b")
    assert [d.key for d in again.list_datasets()] == [key]
    pd.testing.assert_frame_equal(again.load_dataset_frames(key).interactions, inter)
    assert again.load_preset("kept preset").weights.graph == 2.0
    assert again.get_run(run_id).results == {"ndcg": 0.5}
    assert [e.item_id for e in again.list_feedback("fp")] == ["i1"]
    assert again.get_setting("language") == "en"
    artefact = again.find_artefact("vectors", "fp", {"m": 1})
    assert artefact is not None and artefact.path == (tmp_path / "b" / "cache" / "vec.npy").resolve()


def test_v1_database_is_migrated_in_place(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    db = root / DB_NAME
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    assert migrate(conn, target=1) == 1  # what version 1 of InterestLens created
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
    assert ws.schema_version() == 2
    (record,) = ws.list_datasets()
    assert (record.key, record.name, record.last_opened_at) == ("k1", "old data", 1234.5)  # backfilled
    assert [e.item_id for e in ws.list_feedback("fp", session_id="s")] == ["i"]
    with sqlite3.connect(db) as check:
        indexes = {r[1] for r in check.execute("PRAGMA index_list(feedback)")}
    assert "feedback_by_session" in indexes
    assert Workspace(root).schema_version() == 2  # opening again is a no-op


def test_newer_schema_and_non_database_files_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "future"
    Workspace(root)
    with sqlite3.connect(root / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(WorkspaceError, match="newer than this InterestLens understands"):
        Workspace(root)
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / DB_NAME).write_bytes(b"this is not an sqlite database at all" * 100)
    with pytest.raises(WorkspaceError, match="cannot be used"):
        Workspace(junk)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match="cannot create the workspace folder"):
        Workspace(blocker / "ws")


def test_concurrent_writers_on_threads_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    stores = [Workspace(root), Workspace(root)]  # two "sessions" opening the same folder
    n_threads, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(n_threads)
    inter, items = _frames()

    def work(t: int) -> None:
        ws = stores[t % 2]
        try:
            barrier.wait()
            ws.register_dataset(inter, items, f"same data from thread {t}")
            for k in range(per_thread):
                ws.record_feedback(f"s{t}", "fp", f"i{k}", "like")
                ws.record_run(f"run {t}-{k}", "fp", {"t": t}, {"k": k})
                ws.set_setting(f"thread-{t}", k)
                ws.save_preset(f"p{t}", FusionConfig(weights=FusionWeights(mf=k / per_thread)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors, errors
    check = Workspace(root)
    assert len(check.list_feedback("fp")) == n_threads * per_thread
    assert len(check.list_runs("fp", limit=10_000)) == n_threads * per_thread
    assert {check.get_setting(f"thread-{t}") for t in range(n_threads)} == {per_thread - 1}
    presets = check.list_presets()
    assert len(presets) == n_threads
    assert all(p.config.weights.mf == (per_thread - 1) / per_thread for p in presets)
    assert len(check.list_datasets()) == 1
    for t in range(n_threads):
        assert [e.item_id for e in check.list_feedback("fp", session_id=f"s{t}")] == [
            f"i{k}" for k in range(per_thread)]


_WRITER = """
import sys, time
from core.workspace.store import Workspace
ws = Workspace(sys.argv[1])
print("ready", flush=True)
k = 0
while True:
    ws.record_run(f"run {k}", "fp", {"k": k}, {"values": list(range(200))})
    k += 1
"""


def test_killing_a_writer_mid_stream_leaves_a_consistent_database(tmp_path: Path) -> None:
    root = tmp_path / "killed"
    Workspace(root)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", _WRITER, str(root)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(root / DB_NAME) as conn:
                if conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] >= 50:
                    break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # no chance to clean up, possibly mid-transaction
    finally:
        proc.kill()
        proc.wait(timeout=30)
    ws = Workspace(root)
    with sqlite3.connect(root / DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = ws.list_runs("fp", limit=100_000)
    assert len(runs) >= 50
    # Every committed run is complete and the ids have no holes: no half-written row exists.
    assert sorted(r.config["k"] for r in runs) == list(range(len(runs)))
    assert all(r.results == {"values": list(range(200))} for r in runs)
    ws.record_run("after restart", "fp", {}, {})
    assert ws.list_runs("fp", limit=1)[0].name == "after restart"


def test_records_are_plain_json_in_the_database(ws: Workspace) -> None:
    ws.save_preset("p", FusionConfig())
    ws.record_run("r", "fp", {"a": 1}, {"b": [1, 2]})
    with sqlite3.connect(ws.db_path) as conn:
        body = conn.execute("SELECT body FROM presets").fetchone()[0]
        config, results = conn.execute("SELECT config, results FROM runs").fetchone()
    assert json.loads(body)["format"] == "interestlens-preset"
    assert json.loads(config) == {"a": 1} and json.loads(results) == {"b": [1, 2]}
