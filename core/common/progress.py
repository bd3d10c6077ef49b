"""Progress reporting without a UI dependency.

Long-running engine functions accept ``progress: ProgressFn | None``; they call it with a fraction in
[0, 1] and a short message. The UI adapts it to ``st.progress``; the CLI to a tqdm bar on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

ProgressFn = Callable[[float, str], None]


def report(progress: ProgressFn | None, fraction: float, message: str) -> None:
    """Call ``progress`` if given, clamping the fraction to [0, 1]."""
    if progress is not None:
        progress(min(1.0, max(0.0, float(fraction))), message)


def scaled(progress: ProgressFn | None, start: float, end: float) -> ProgressFn | None:
    """Map a sub-task's [0, 1] progress into [start, end] of the parent's progress."""
    if progress is None:
        return None
    parent = progress

    def _inner(fraction: float, message: str) -> None:
        parent(start + (end - start) * min(1.0, max(0.0, fraction)), message)

    return _inner


def cli_progress(desc: str = "") -> ProgressFn:
    """A tqdm progress bar on stderr driven by fractions (for the CLI and benchmarks)."""
    from tqdm import tqdm

    bar: Any = tqdm(total=1000, desc=desc, file=sys.stderr, leave=False)

    def _inner(fraction: float, message: str) -> None:
        bar.set_postfix_str(message[:40], refresh=False)
        bar.update(int(fraction * 1000) - bar.n)
        if fraction >= 1.0:
            bar.close()

    return _inner
