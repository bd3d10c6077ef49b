"""Validated ingestion vs a bare ``pandas.read_csv`` of the same MovieLens files.

Run from the repo root::

    python -m bench.bench_ingest              # 5 repeats (median) -> bench/results/bench_ingest.{json,md}
    python -m bench.bench_ingest --repeats 9

- baseline: ``pandas.read_csv(ratings.csv)`` + ``pandas.read_csv(movies.csv)`` with default options (type
  inference, no validation, no Dataset).
- target: ``core.data.loaders.load_dataset(ratings.csv, movies.csv)``: format/encoding/delimiter sniffing,
  every cell read as text, column mapping, row validation (ids, ratings, timestamps, duplicates, unknown
  items), genre tags, year from the title, and the indexed ``Dataset`` (id maps, fingerprint).
- also reported (no target): validation without building the Dataset, and the same ratings with 1% of
  the rows broken (the unhappy path that builds problem records).

Each repeat runs baseline and target back to back (interleaved, so machine noise hits both); the
figure is the median of the repeats. Target: ratio <= 3.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.data.loaders import load_dataset, load_interactions, load_items

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RATINGS = ROOT / "data" / "ml-latest-small" / "ratings.csv"
MOVIES = ROOT / "data" / "ml-latest-small" / "movies.csv"
RATIO_TARGET = 3.0


def _time(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process, all threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def _baseline() -> None:
    pd.read_csv(RATINGS)
    pd.read_csv(MOVIES)


def _target() -> None:
    load_dataset(RATINGS, MOVIES, name="MovieLens latest-small")


def _validation_only() -> None:
    items = load_items(MOVIES)
    load_interactions(RATINGS, known_items=items.frame["item_id"])


def _broken_ratings() -> bytes:
    """ratings.csv with every 100th data row broken in one of five ways."""
    lines = RATINGS.read_bytes().decode("utf-8").splitlines()
    breakers = (
        lambda p: [p[0], p[1], "abc", p[3]],
        lambda p: ["", p[1], p[2], p[3]],
        lambda p: [p[0], p[1], "-1", p[3]],
        lambda p: [p[0], p[1], p[2], "4102444800"],  # 2100-01-01
        lambda p: [p[0], p[1], "inf", p[3]],
    )
    for k, i in enumerate(range(1, len(lines), 100)):
        lines[i] = ",".join(breakers[k % len(breakers)](lines[i].split(",")))
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(repeats: int) -> dict[str, Any]:
    """Measure everything; returns the JSON document."""
    broken = _broken_ratings()
    rows: dict[str, list[float]] = {
        k: [] for k in ("baseline", "target", "validation_only", "broken", "broken_baseline")
    }
    cpu: dict[str, list[float]] = {k: [] for k in rows}

    def _broken() -> None:
        load_interactions(broken, name="ratings_broken.csv")

    def _broken_baseline() -> None:
        import io

        pd.read_csv(io.BytesIO(broken))

    for fn in (_baseline, _target, _validation_only, _broken, _broken_baseline):  # warm-up (imports, caches)
        fn()
    steps = {
        "baseline": _baseline,
        "target": _target,
        "validation_only": _validation_only,
        "broken_baseline": _broken_baseline,
        "broken": _broken,
    }
    for _ in range(repeats):
        for key, fn in steps.items():
            wall, used = _time(fn)
            rows[key].append(wall)
            cpu[key].append(used)
    med = {k: statistics.median(v) for k, v in rows.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    ratio = med["target"] / med["baseline"]
    broken_report = load_interactions(broken, name="ratings_broken.csv")
    return {
        "benchmark": "bench_ingest",
        "data": "MovieLens latest-small ratings.csv (100,836 rows) + movies.csv (9,742 rows)",
        "repeats": repeats,
        "statistic": "median of interleaved repeats",
        "baseline": "pandas.read_csv(ratings.csv) + pandas.read_csv(movies.csv)",
        "target_measured": "core.data.loaders.load_dataset(ratings.csv, movies.csv) -> Dataset",
        "baseline_seconds": round(med["baseline"], 5),
        "target_seconds": round(med["target"], 5),
        "ratio": round(ratio, 3),
        "ratio_target": f"<= {RATIO_TARGET:g}x",
        "ratio_met": bool(ratio <= RATIO_TARGET),
        "cpu_baseline_seconds": round(med_cpu["baseline"], 5),
        "cpu_target_seconds": round(med_cpu["target"], 5),
        "cpu_ratio": round(med_cpu["target"] / med_cpu["baseline"], 3),
        "cpu_note": "process CPU time (all threads; pyarrow parses CSV on several threads), less sensitive "
        "to other processes than wall time",
        "validation_only_seconds": round(med["validation_only"], 5),
        "validation_only_ratio": round(med["validation_only"] / med["baseline"], 3),
        "validation_only_note": "load_items + load_interactions, no Dataset (no target)",
        "broken_1pct": {
            "rows_rejected": broken_report.rows_rejected,
            "seconds": round(med["broken"], 5),
            "bare_read_seconds": round(med["broken_baseline"], 5),
            "ratio": round(med["broken"] / med["broken_baseline"], 3),
            "note": "ratings only, every 100th row broken; builds one Problem per bad cell (no target)",
        },
        "all_runs_seconds": {k: [round(x, 5) for x in v] for k, v in rows.items()},
        "all_runs_cpu_seconds": {k: [round(x, 5) for x in v] for k, v in cpu.items()},
        "machine": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "cpus": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }


def write(result: dict[str, Any]) -> None:
    """bench/results/bench_ingest.json and .md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_ingest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    broken = result["broken_1pct"]
    md = [
        "# bench_ingest — validated load vs bare pandas.read_csv",
        "",
        f"Data: {result['data']}. {result['statistic']} of {result['repeats']} runs.",
        "",
        "| measurement | seconds | ratio to bare read | target |",
        "|---|---:|---:|---|",
        f"| bare `pandas.read_csv` (baseline) | {result['baseline_seconds']:.4f} | 1.00 | |",
        f"| `core.data.loaders.load_dataset` -> Dataset | {result['target_seconds']:.4f} | {result['ratio']:.2f} | "
        f"{result['ratio_target']} ({'met' if result['ratio_met'] else 'NOT met'}) |",
        f"| same, CPU time (all threads) | {result['cpu_target_seconds']:.4f} | {result['cpu_ratio']:.2f} | "
        f"(baseline CPU {result['cpu_baseline_seconds']:.4f} s) |",
        f"| validation only (no Dataset) | {result['validation_only_seconds']:.4f} | "
        f"{result['validation_only_ratio']:.2f} | — |",
        f"| ratings with 1% broken rows ({broken['rows_rejected']} rejected) | {broken['seconds']:.4f} | "
        f"{broken['ratio']:.2f} (vs its own bare read) | — |",
        "",
        "Wall time is the target's measure. When other processes load the machine, compare the CPU-time "
        "row too.",
        "",
        f"Machine: {result['machine']['cpus']} CPUs, load average at the end "
        f"{result['machine']['load_average_at_end']}; Python {result['machine']['python']}, "
        f"pandas {result['machine']['pandas']}.",
        "",
    ]
    (RESULTS / "bench_ingest.md").write_text("\n".join(md), encoding="utf-8")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="interleaved repeats (median); >= 5")
    args = parser.parse_args()
    result = run(max(5, args.repeats))
    write(result)
    print(
        json.dumps(
            {
                k: result[k]
                for k in (
                    "baseline_seconds",
                    "target_seconds",
                    "ratio",
                    "ratio_target",
                    "ratio_met",
                    "cpu_ratio",
                )
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
