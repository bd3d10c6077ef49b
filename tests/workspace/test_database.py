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
    assert ws.schema_version() == SCHEMA_VERSION == 4
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



# --- an empty or foreign database file is reported, never replaced (issue 16) ---------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty \\(0 bytes\\)"), (b"hello", "not an SQLite database"),
     (b"SQLite format 2\x00" + b"\x00" * 200, "not an SQLite database")],
)
def test_an_empty_or_foreign_database_file_is_refused_and_left_alone(
    tmp_path: Path, content: bytes, message: str
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    db = root / DB_NAME
    db.write_bytes(content)
    with pytest.raises(WorkspaceError, match=message) as info:
        Workspace(root)
    assert str(db) in str(info.value) and "backup" in str(info.value)
    assert db.read_bytes() == content  # not silently turned into an empty workspace
    assert not (root / f"{DB_NAME}-wal").exists()


def test_a_database_deleted_while_running_is_reported_not_recreated(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.set_setting("language", "en")
    ws.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ws.db_path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(WorkspaceError, match="is missing") as info:
        ws.get_setting("language")
    assert str(ws.db_path) in str(info.value)
    assert not ws.db_path.exists()
    fresh = Workspace(tmp_path / "ws")  # a deliberate new start creates a new, empty one
    assert fresh.get_setting("language") is None


_OPENER = """
import sys, time
from pathlib import Path
from core.workspace.store import Workspace
go = Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
Workspace(sys.argv[1]).set_setting(f"p{sys.argv[3]}", 1)
"""


def test_concurrent_first_opens_never_see_a_half_created_database(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def open_it() -> None:
        try:
            barrier.wait()
            Workspace(root).schema_version()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors, errors

    root2, go = tmp_path / "fresh2", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _OPENER, str(root2), str(go), str(i)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT) for i in range(4)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()[-1500:]
    ws = Workspace(root2)
    assert {ws.get_setting(f"p{i}") for i in range(4)} == {1}
    assert sorted(p.name for p in root2.iterdir() if p.name.startswith(".")) == []  # no temp database left


def test_opening_removes_temp_files_killed_writers_left(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # a writer that is gone
    dead.wait(timeout=30)
    orphan = root / "datasets" / "abc123" / f".interactions.parquet.tmp-{dead.pid}-1"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"half a parquet file")
    half_db = root / f".{DB_NAME}.tmp-{dead.pid}-1"
    half_db.write_bytes(b"")
    kept = root / "datasets" / "abc123" / "interactions.parquet"
    kept.write_bytes(b"a finished file")
    Workspace(root)  # the first open of this folder in this process (a restart) tidies it
    assert not orphan.exists() and not half_db.exists() and kept.exists()
