"""core.common.locks: one process at a time per artefact, no waiting on the dead, no lock files left behind."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.common.locks import LOCK_NAME, clean_stale_locks, exclusive, lock_path

ROOT = Path(__file__).resolve().parents[2]

_HOLDER = r"""
import sys, time
sys.path.insert(0, sys.argv[2])
from core.common.locks import exclusive
with exclusive(sys.argv[1]) as held:
    print("held" if held else "not held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def _hold_in_subprocess(path: Path, seconds: float) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path), str(ROOT), str(seconds)],
                            stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"held"
    return proc


def test_lock_path_is_hidden_next_to_the_target(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "items.hnsw") == tmp_path / ".items.hnsw.lock"
    assert lock_path(tmp_path / "vectors" / "x", "chunk-ab") == tmp_path / "vectors" / ".chunk-ab.lock"
    assert LOCK_NAME.match(".items.hnsw.lock") and not LOCK_NAME.match("items.hnsw")


def test_another_process_holding_the_lock_excludes_us_until_it_is_done(tmp_path: Path) -> None:
    path = tmp_path / ".x.lock"
    proc = _hold_in_subprocess(path, 1.5)
    try:
        with exclusive(path, timeout=0) as held:
            assert held is False  # only tried
        started = time.monotonic()
        with exclusive(path, timeout=30) as held:
            assert held is True  # waited for the holder to finish
            assert proc.poll() is not None or time.monotonic() - started > 0.5
    finally:
        proc.wait(timeout=30)
    assert not path.exists()  # the last holder removed the lock file


def test_a_killed_holder_releases_at_once(tmp_path: Path) -> None:
    path = tmp_path / ".x.lock"
    proc = _hold_in_subprocess(path, 300)
    proc.kill()
    proc.wait(timeout=30)
    assert path.exists()  # a killed process leaves its lock file ...
    with exclusive(path, timeout=5) as held:
        assert held  # ... but not its lock
    assert not path.exists()


def test_threads_take_turns_and_waiters_survive_the_file_being_removed(tmp_path: Path) -> None:
    path = tmp_path / ".shared.lock"
    inside = 0
    overlaps: list[int] = []
    order: list[int] = []

    def work(i: int) -> None:
        nonlocal inside
        with exclusive(path, timeout=30) as held:
            assert held
            inside += 1
            overlaps.append(inside)
            time.sleep(0.05)
            order.append(i)
            inside -= 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert sorted(order) == list(range(6)) and max(overlaps) == 1
    assert not path.exists()


def test_a_timeout_runs_the_block_unlocked_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / ".slow.lock"
    proc = _hold_in_subprocess(path, 30)
    try:
        with caplog.at_level(logging.WARNING, logger="core.common.locks"), exclusive(path, timeout=0.3) as held:
            assert held is False
        assert "continuing without it" in caplog.text
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_clean_stale_locks_removes_only_unheld_lock_files(tmp_path: Path) -> None:
    stale = tmp_path / ".left-by-a-killed-process.lock"
    stale.write_text("")
    other = tmp_path / "not-a-lock.txt"
    other.write_text("keep me")
    busy = tmp_path / ".busy.lock"
    proc = _hold_in_subprocess(busy, 30)
    try:
        removed = clean_stale_locks(tmp_path)
        assert removed == [stale] and not stale.exists()
        assert busy.exists() and other.exists()
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert clean_stale_locks(tmp_path / "missing-folder") == []
