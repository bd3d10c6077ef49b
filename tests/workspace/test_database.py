"""core.workspace.database: WAL mode, connections per call, concurrent writers, killed writers, bad folders."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.ranking.config import FusionConfig, FusionWeights
from core.workspace.records import WorkspaceError
from core.workspace.schema import DB_NAME, SCHEMA_VERSION
from core.workspace.store import Workspace
from tests.workspace.test_datasets import _frames

ROOT = Path(__file__).resolve().parents[2]


def test_new_workspace_is_wal_and_current_schema(ws: Workspace) -> None:
    assert ws.schema_version() == SCHEMA_VERSION == 3
    assert (ws.root / DB_NAME).exists() and ws.datasets_dir.is_dir()
    with sqlite3.connect(ws.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables - {"sqlite_sequence"} == {"datasets", "presets", "runs", "feedback", "settings"}


def test_context_manager_closes_and_the_store_stays_usable(tmp_path: Path) -> None:
    with Workspace(tmp_path / "cm") as ws:
        ws.set_setting("language", "zh")
    assert not (tmp_path / "cm" / f"{DB_NAME}-wal").exists()
    assert ws.get_setting("language") == "zh"  # calls after close() open their own connection
    ws.checkpoint()


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

