"""EASE^R and RP3beta fit cost on MovieLens (9,742 items), and where the EASE^R memory guard draws its line.

Run from the repo root (once; it takes about a minute)::

    python -m bench.bench_ease

Measures, on the whole MovieLens demo (binarised interactions):

- EASE^R (``l2`` 200): wall and CPU seconds of :func:`core.ranking.channels.ease.ease_weights`, and the
  extra peak memory of the process while it runs (``VmHWM`` of ``/proc/self/status`` after resetting it via
  ``/proc/self/clear_refs``, minus ``VmRSS`` before); the estimate :func:`~core.ranking.channels.ease.ease_bytes`
  beside it. Targets (issue 18): <= 60 s and <= 2 GB extra.
- the guard on this machine now: the memory available, the limit (half of it), and the largest catalogue the
  default guard lets EASE^R invert (memory and the ``max_items`` cap).
- RP3beta (``alpha`` 0.8, ``beta`` 0.3, ``k`` 100): wall seconds of the fit.

Results: ``bench/results/bench_ease.json`` and ``.md``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Any

from bench.memory import reset_peak, status_mb
from core.data.demos import load_demo
from core.ranking.channels.ease import EASEParams, available_memory_bytes, ease_bytes, ease_weights, memory_check
from core.ranking.channels.rp3beta import RP3betaParams, rp3beta_weights

RESULTS = Path(__file__).parent / "results"
TARGET_SECONDS = 60.0
TARGET_EXTRA_MB = 2048.0


def largest_catalogue(limit_bytes: int, max_items: int) -> int:
    """The largest item count whose :func:`ease_bytes` fits ``limit_bytes``, capped at ``max_items``."""
    n = int(math.sqrt(max(0, limit_bytes) / 4))
    while n > 0 and ease_bytes(n) > limit_bytes:
        n -= 1
    return min(n, max_items)


def main() -> dict[str, Any]:
    """Run the measurements and write the results."""
    ds = load_demo("movielens")
    params = EASEParams()
    before_mb = status_mb("VmRSS")
    reset = reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    weights = ease_weights(ds.matrix, params.l2)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = status_mb("VmHWM")
    extra_mb = (peak_mb - before_mb) if peak_mb is not None and before_mb is not None else float("nan")
    del weights
    available = available_memory_bytes()
    check = memory_check(ds.n_items, params)
    t1 = time.perf_counter()
    rp3 = rp3beta_weights(ds.matrix, RP3betaParams().alpha, RP3betaParams().beta, RP3betaParams().k)
    rp3_wall = time.perf_counter() - t1
    out: dict[str, Any] = {
        "dataset": "MovieLens latest-small (demo:movielens)", "n_users": ds.n_users, "n_items": ds.n_items,
        "interactions": int(ds.matrix.nnz), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "ease": {"l2": params.l2, "fit_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                 "target_seconds": TARGET_SECONDS, "extra_peak_mb": round(extra_mb, 1),
                 "peak_measured": "VmHWM after clear_refs" if reset else "VmHWM of the whole run (upper bound)",
                 "estimate_mb": round(ease_bytes(ds.n_items) / 2**20, 1), "target_extra_mb": TARGET_EXTRA_MB,
                 "meets_targets": wall <= TARGET_SECONDS and extra_mb <= TARGET_EXTRA_MB},
        "guard": {"available_mb": round(available / 2**20) if available is not None else None,
                  "limit_mb": round(check.limit_bytes / 2**20), "max_items": params.max_items,
                  "largest_catalogue": largest_catalogue(check.limit_bytes, params.max_items),
                  "largest_catalogue_by_memory": largest_catalogue(check.limit_bytes, 10**9)},
        "rp3beta": {"alpha": RP3betaParams().alpha, "beta": RP3betaParams().beta, "k": RP3betaParams().k,
                    "fit_seconds": round(rp3_wall, 2), "nnz": int(rp3.nnz)},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_ease.json").write_text(json.dumps(out, indent=2) + "\n")
    e, g, r = out["ease"], out["guard"], out["rp3beta"]
    md = [
        "# EASE^R and RP3beta fit cost (`python -m bench.bench_ease`)", "",
        f"{out['dataset']}: {out['n_users']:,} users, {out['n_items']:,} items, {out['interactions']:,} "
        f"interactions; {out['machine']}, load average {out['load_average']:.1f} at the start.", "",
        "| figure | measured | target |", "|---|---|---|",
        f"| EASE^R fit (l2 {e['l2']:g}), wall s | {e['fit_seconds']} | <= {TARGET_SECONDS:g} |",
        f"| EASE^R fit, CPU s | {e['cpu_seconds']} | |",
        f"| EASE^R extra peak memory, MB | {e['extra_peak_mb']} (estimate {e['estimate_mb']}) | "
        f"<= {TARGET_EXTRA_MB:g} |",
        f"| RP3beta fit (alpha {r['alpha']}, beta {r['beta']}, k {r['k']}), wall s | {r['fit_seconds']} | |", "",
        f"Guard now: {g['available_mb']:,} MB available, EASE^R may use half ({g['limit_mb']:,} MB): catalogues "
        f"up to {g['largest_catalogue_by_memory']:,} items fit in memory; the `max_items` cap "
        f"({g['max_items']:,}, the fit time grows with the cube of the item count) skips larger ones first, so "
        f"EASE^R runs up to {g['largest_catalogue']:,} items here and is skipped, with the reason, above.", "",
    ]
    (RESULTS / "bench_ease.md").write_text("\n".join(md))
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
