"""Cross-process locks for cache writers, so concurrent cold runs do each piece of work once.

:func:`exclusive` holds a ``filelock.FileLock`` (``flock`` on Unix, with filelock's own fallback on
filesystems without it) on a hidden ``.<name>.lock`` file next to what is being built. The first
process builds; the others wait, then find the finished artefact and load it. When the holder is
killed the kernel releases the lock at once, so a dead process never blocks anyone.

Timeout: a waiter gives up after :data:`LOCK_TIMEOUT_S` (or the ``timeout`` given) and does the work
itself, unlocked: duplicate work, never a wrong or lost result, because every write is atomic.

Lock files do not pile up: the holder deletes the file before releasing it (filelock then makes any
process that was waiting on the deleted file retry on a fresh one), and :func:`clean_stale_locks`
removes lock files nobody holds (left by a killed process) when a cache folder is first used.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 600.0
"""How long a writer waits for another process building the same artefact before building it too. Ten
minutes covers building the largest index or map this project targets on a slow, shared CPU."""

LOCK_NAME = re.compile(r"^\..+\.lock$")
"""Lock files this module creates (hidden, ``.<name>.lock``)."""


def lock_path(target: Path | str, name: str | None = None) -> Path:
    """The hidden lock file guarding ``target`` (``name`` replaces the target's file name in it)."""
    target = Path(target)
    return target.with_name(f".{name or target.name}.lock")


@contextlib.contextmanager
def exclusive(path: Path | str, timeout: float = LOCK_TIMEOUT_S) -> Iterator[bool]:
    """Hold the lock file ``path`` (created if needed) for the block; yields True when held.

    ``timeout=0`` only tries: the block then runs with False when another process holds it, and the
    caller decides (e.g. do other work first). After a longer wait it logs and runs unlocked (False).
    """
    path = Path(path)
    lock = FileLock(str(path))
    held = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire(timeout=timeout)
        held = True
    except Timeout:
        if timeout > 0:
            log.warning("waited %.0f s for %s; continuing without it", timeout, path)
    except OSError as exc:  # e.g. a read-only cache folder: work unlocked rather than fail
        log.warning("cannot lock %s (%s); continuing without it", path, exc.strerror or exc)
    if not held:
        yield False
        return
    try:
        yield True
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still held: waiters on this file retry on a new one
        lock.release()


def clean_stale_locks(folder: Path | str) -> list[Path]:
    """Delete lock files in ``folder`` that no process holds (left by killed processes); returns them."""
    removed: list[Path] = []
    try:
        candidates = [p for p in Path(folder).iterdir() if LOCK_NAME.match(p.name) and p.is_file()]
    except OSError:
        return removed
    for candidate in candidates:
        with exclusive(candidate, timeout=0) as held:
            if held:  # nobody holds it: exclusive() deletes it on the way out
                removed.append(candidate)
    return removed
