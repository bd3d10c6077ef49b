"""``python -m core compare`` on MovieLens, warm: two fused configurations, 600 test users (issue 18 target <= 30 s).

Run from the repo root (takes about two minutes)::

    python -m bench.bench_compare [--repeats 5]

Runs the command as a user would (a fresh process each time) comparing the default fusion (A) with the
bundled ``typed_cold_start`` preset (B) on ``demo:movielens``, ``--max-users 600``: once to warm the caches
(item vectors, the learned channel's text map), then ``--repeats`` timed runs. Reports the median wall
seconds of the whole process (imports and the text model included) beside the target, the command's own
per-stage seconds from the last run, and the headline comparison. Results: ``bench/results/bench_compare.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
TARGET_SECONDS = 30.0
COMMAND = ["compare", "default", "typed_cold_start", "--data", "demo:movielens", "--max-users", "600",
           "--json", "--no-per-user", "--quiet"]


def run_once(out: Path) -> float:
    """Wall seconds of one ``python -m core compare`` process writing its JSON to ``out``."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "core", *COMMAND, "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Warm up once, time ``--repeats`` runs, write the JSON result and return it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "compare.json"
        warmup = run_once(out)
        times = [run_once(out) for _ in range(max(1, args.repeats))]
        doc = json.loads(out.read_text(encoding="utf-8"))
    ndcg = doc["metrics"][0]
    result = {
        "command": "python -m core " + " ".join(COMMAND),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "warm_seconds_median": {"value": round(statistics.median(times), 2), "target": TARGET_SECONDS,
                                "met": statistics.median(times) <= TARGET_SECONDS},
        "warm_seconds_runs": [round(t, 2) for t in times],
        "first_run_seconds": round(warmup, 2),
        "stages_last_run": doc["stages"],
        "n_users": doc["n_users"],
        "ndcg": {"a": ndcg["mean_a"], "b": ndcg["mean_b"], "delta": ndcg["delta"], "ci95": ndcg["ci95"],
                 "wilcoxon_p": ndcg["wilcoxon_p"]},
        "ndcg_users": {k: doc["ndcg_users"][k] for k in ("wins", "ties", "losses")},
        "overlap": {k: doc["overlap"][k] for k in ("jaccard_mean", "rbo_mean")},
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_compare.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
