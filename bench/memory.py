"""Process memory for the benchmarks (Linux ``/proc/self/status``): current and peak resident set size.

``VmHWM`` is the peak RSS since the process started or since :func:`reset_peak` (Linux >= 4.0: writing 5
to ``/proc/self/clear_refs``), so "extra peak memory of a step" is ``VmHWM`` after the step minus
``VmRSS`` before it, with the peak reset in between.
"""

from __future__ import annotations

from pathlib import Path

_STATUS = Path("/proc/self/status")


def status_mb(field: str) -> float | None:
    """A ``/proc/self/status`` memory field (``VmRSS``, ``VmHWM``) in MiB; None where it cannot be read."""
    try:
        for line in _STATUS.read_text(encoding="ascii").splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter so ``VmHWM`` measures from now; False when unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
        return True
    except OSError:
        return False
