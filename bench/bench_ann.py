"""Approximate (HnswIndex) vs exact (ExactIndex) nearest-neighbour search, side by side.

Run from the repo root (a quiet machine for publishable figures)::

    python -m bench.bench_ann                          # both scenarios, 5 repeats
    python -m bench.bench_ann --scenarios movielens    # MovieLens scale only (about a minute)

Scenarios:

- ``synthetic-100k``: 100,000 base + 1,000 held-out query vectors, 512-d (the default encoder's
  dimension), drawn around 1,000 sub-topic centres nested in 100 topics with per-cluster spread
  (cosine to the nearest neighbour ~0.6-0.8, to a random vector ~0, like sentence embeddings).
- ``movielens``: the 9,742 real USE m3 vectors of the MovieLens item documents (taken from the
  workspace VectorCache; encoded on the first run), queried by the 610 user vectors and by 1,000 item
  vectors with the item itself excluded (what the item-detail view does).

For each: build time, size on disk (``save``), peak extra RSS during the build (Linux ``VmHWM`` after
resetting it; hnswlib allocates in C++, invisible to tracemalloc), recall@10 against exact search,
and single-query latency through the public ``query`` API (median over queries, median of
``--repeats`` runs) for an ``ef`` sweep; plus an ``M`` sweep at MovieLens scale. Target: recall@10 >=
0.98 at >= 20x lower latency than exact, at the default ``IndexParams``.

Results: ``bench/results/bench_ann.json`` (every figure with its target) and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.memory import reset_peak, status_mb
from core.common.config import IndexParams
from core.vectors.index import ExactIndex, HnswIndex, NeighbourIndex, recall_at_k

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RECALL_TARGET = 0.98
SPEEDUP_TARGET = 20.0
EF_SWEEP = (10, 16, 32, 64, 128, 256)
M_SWEEP = (8, 16, 32)
K = 10


# --- memory ---------------------------------------------------------------------------------------


def measure_build(make: Any, vectors: np.ndarray) -> tuple[NeighbourIndex, float, float | None]:
    """(index, build seconds, peak extra RSS MB during the build or None if it cannot be measured)."""
    before = status_mb("VmRSS")
    ok = reset_peak()
    started = time.perf_counter()
    index = make().build(vectors)
    seconds = time.perf_counter() - started
    peak = status_mb("VmHWM") if ok else None
    if peak is None or before is None:
        peak_extra = None
        if before is None:
            peak_extra = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # whole-process peak
    else:
        peak_extra = max(0.0, peak - before)
    return index, seconds, peak_extra


def size_on_disk(index: NeighbourIndex) -> int:
    """Bytes of the saved index (graph/vectors + metadata sidecar)."""
    with tempfile.TemporaryDirectory(prefix="bench-ann-") as tmp:
        path = Path(tmp) / "index.bin"
        index.save(path)
        return sum(p.stat().st_size for p in Path(tmp).iterdir())


# --- data -----------------------------------------------------------------------------------------


def clustered_vectors(n: int, dim: int = 512, topics: int = 100, sub_per_topic: int = 10,
                      seed: int = 0) -> np.ndarray:
    """Unit vectors around nested cluster centres with Zipf-like cluster sizes and varied spreads."""
    rng = np.random.default_rng(seed)
    topic_c = rng.normal(size=(topics, dim))
    topic_c /= np.linalg.norm(topic_c, axis=1, keepdims=True)
    n_sub = topics * sub_per_topic
    sub_c = np.repeat(topic_c, sub_per_topic, axis=0) + 0.7 * rng.normal(size=(n_sub, dim)) / np.sqrt(dim)
    sub_c /= np.linalg.norm(sub_c, axis=1, keepdims=True)
    weights = 1.0 / np.arange(1, n_sub + 1) ** 0.7
    labels = rng.choice(n_sub, size=n, p=weights / weights.sum())
    spread = rng.uniform(0.5, 1.0, size=n_sub)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 20_000):
        lab = labels[start : start + 20_000]
        noise = rng.normal(size=(len(lab), dim)) / np.sqrt(dim)
        block = sub_c[lab] + spread[lab, None] * noise
        out[start : start + len(lab)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def movielens_vectors() -> tuple[np.ndarray, np.ndarray, list[Collection[int] | None]]:
    """(item vectors, query vectors, per-query exclude sets) for the MovieLens scenario."""
    from bench.bench_embedding import movielens_dataset
    from core.vectors.encoders import load_encoder
    from core.vectors.users import user_vectors
    from core.vectors.vector_cache import embed_items

    dataset = movielens_dataset()
    items = embed_items(dataset, load_encoder("use-m3")).vectors
    users, has = user_vectors(dataset, items)
    rng = np.random.default_rng(1)
    picked = rng.choice(len(items), size=1000, replace=False)
    queries = np.concatenate([users[has], items[picked]])
    excludes: list[Collection[int] | None] = [None] * int(has.sum()) + [{int(i)} for i in picked]
    return items, queries, excludes


# --- measurement ----------------------------------------------------------------------------------


def answers(index: NeighbourIndex, queries: np.ndarray, excludes: Sequence[Collection[int] | None] | None
            ) -> np.ndarray:
    """Top-K ids per query (batched when nothing is excluded, else one query at a time)."""
    if excludes is None:
        return index.query(queries, K)[0]
    return np.concatenate([index.query(q, K, exclude=e)[0] for q, e in zip(queries, excludes, strict=True)])


def latency_ms(index: NeighbourIndex, queries: np.ndarray, excludes: Sequence[Collection[int] | None] | None,
               repeats: int) -> tuple[float, float, list[float]]:
    """(median, p95, per-run medians) single-query latency in ms through ``query``."""
    run_medians: list[float] = []
    all_times: list[float] = []
    for _ in range(repeats):
        times = []
        for i, q in enumerate(queries):
            exclude = None if excludes is None else excludes[i]
            started = time.perf_counter()
            index.query(q, K, exclude=exclude)
            times.append((time.perf_counter() - started) * 1000.0)
        run_medians.append(statistics.median(times))
        all_times += times
    return statistics.median(run_medians), float(np.percentile(all_times, 95)), run_medians


def run_scenario(
    name: str,
    base: np.ndarray,
    queries: np.ndarray,
    excludes: Sequence[Collection[int] | None] | None,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Every measurement for one (base, queries) pair."""
    dim = base.shape[1]
    lat_q = queries[: args.latency_queries]
    lat_e = None if excludes is None else excludes[: args.latency_queries]
    print(f"[bench_ann] {name}: {len(base):,} x {dim}, {len(queries):,} queries", file=sys.stderr)

    exact, exact_build, exact_mem = measure_build(lambda: ExactIndex(dim), base)
    truth = answers(exact, queries, excludes)
    exact_lat, exact_p95, exact_runs = latency_ms(exact, lat_q, lat_e, args.repeats)
    exact_row = {"build_seconds": round(exact_build, 3), "size_on_disk_bytes": size_on_disk(exact),
                 "build_peak_extra_rss_mb": None if exact_mem is None else round(exact_mem, 1),
                 "latency_ms_median": round(exact_lat, 4), "latency_ms_p95": round(exact_p95, 4),
                 "latency_ms_run_medians": [round(x, 4) for x in exact_runs], "recall_at_10": 1.0}

    default = IndexParams()
    build_repeats = args.build_repeats if len(base) <= 20_000 else args.big_build_repeats
    build_times: list[float] = []
    hnsw: HnswIndex | None = None
    hnsw_mem: float | None = None
    for _ in range(max(1, build_repeats)):
        built, seconds, mem = measure_build(lambda: HnswIndex(dim, default), base)
        build_times.append(seconds)
        hnsw_mem = mem if hnsw_mem is None or (mem is not None and mem > hnsw_mem) else hnsw_mem
        assert isinstance(built, HnswIndex)
        hnsw = built
    assert hnsw is not None
    hnsw_size = size_on_disk(hnsw)

    sweep = []
    for ef in sorted(set(EF_SWEEP) | {default.ef}):
        hnsw.set_ef(ef)
        recall = recall_at_k(answers(hnsw, queries, excludes), truth)
        lat, p95, runs = latency_ms(hnsw, lat_q, lat_e, args.repeats)
        speedup = exact_lat / lat
        sweep.append({"ef": ef, "recall_at_10": round(recall, 4), "latency_ms_median": round(lat, 4),
                      "latency_ms_p95": round(p95, 4), "latency_ms_run_medians": [round(x, 4) for x in runs],
                      "speedup_vs_exact": round(speedup, 1),
                      "meets_target": recall >= RECALL_TARGET and speedup >= SPEEDUP_TARGET})
        print(f"  ef={ef:<4} recall@10={recall:.4f} latency={lat:.3f} ms  x{speedup:.1f}", file=sys.stderr)
    hnsw.set_ef(default.ef)
    headline = next(row for row in sweep if row["ef"] == default.ef)
    cheapest = next((row for row in sweep if row["meets_target"]), None)

    m_sweep = []
    if len(base) <= 20_000 or args.m_sweep_big:
        for m in M_SWEEP:
            params = IndexParams(M=m, ef_construction=default.ef_construction, ef=default.ef,
                                 seed=default.seed)
            index, seconds, mem = measure_build(lambda p=params: HnswIndex(dim, p), base)
            recall = recall_at_k(answers(index, queries, excludes), truth)
            lat, _, _ = latency_ms(index, lat_q, lat_e, args.repeats)
            m_sweep.append({"M": m, "ef_construction": default.ef_construction, "ef": default.ef,
                            "build_seconds": round(seconds, 3), "size_on_disk_bytes": size_on_disk(index),
                            "build_peak_extra_rss_mb": None if mem is None else round(mem, 1),
                            "recall_at_10": round(recall, 4), "latency_ms_median": round(lat, 4)})
            print(f"  M={m:<3} recall@10={recall:.4f} build={seconds:.1f}s", file=sys.stderr)

    return {
        "scenario": name,
        "n_base": len(base),
        "dim": int(dim),
        "n_queries_recall": len(queries),
        "n_queries_latency": len(lat_q),
        "exact": exact_row,
        "hnsw": {
            "params": {"M": default.M, "ef_construction": default.ef_construction, "ef": default.ef,
                       "seed": default.seed, "build_threads": 1},
            "build_seconds_median": round(statistics.median(build_times), 3),
            "build_seconds_runs": [round(x, 3) for x in build_times],
            "size_on_disk_bytes": hnsw_size,
            "build_peak_extra_rss_mb": None if hnsw_mem is None else round(hnsw_mem, 1),
            "recall_at_10": headline["recall_at_10"],
            "recall_target": RECALL_TARGET,
            "latency_ms_median": headline["latency_ms_median"],
            "speedup_vs_exact": headline["speedup_vs_exact"],
            "speedup_target": SPEEDUP_TARGET,
            "meets_target": headline["meets_target"],
            "cheapest_ef_meeting_target": None if cheapest is None else cheapest["ef"],
        },
        "ef_sweep": sweep,
        "m_sweep": m_sweep,
    }


# --- report ---------------------------------------------------------------------------------------


def to_markdown(report: dict[str, Any]) -> str:
    """The results as Markdown tables."""
    mach = report["machine"]
    lines = ["# bench_ann", "", f"Command: `{report['command']}`  ",
             f"Machine: {mach['cpus']} CPUs, load average {mach['load_average_1m_5m_15m']} at start, "
             f"{report['machine_end_load_average']} at end. Latency: one query at a time through "
             f"`query(vector, k=10)`, median over queries, median of {report['repeats']} runs.", ""]
    for sc in report["scenarios"]:
        ex, hn = sc["exact"], sc["hnsw"]
        p = hn["params"]
        lines += [
            f"## {sc['scenario']}: {sc['n_base']:,} x {sc['dim']}-d, {sc['n_queries_recall']:,} queries "
            f"({sc['n_queries_latency']} for latency)", "",
            "| index | recall@10 (target) | latency ms | speed-up (target) | build s | size on disk MB "
            "| build peak extra RSS MB |",
            "|---|---:|---:|---:|---:|---:|---:|",
            f"| ExactIndex (numpy) | 1.000 | {ex['latency_ms_median']:.3f} | 1x | "
            f"{ex['build_seconds']:.2f} | "
            f"{ex['size_on_disk_bytes'] / 1e6:.1f} | {ex['build_peak_extra_rss_mb']} |",
            f"| HnswIndex M={p['M']} efC={p['ef_construction']} ef={p['ef']} | {hn['recall_at_10']:.4f} "
            f"(>= {hn['recall_target']}) | {hn['latency_ms_median']:.3f} | {hn['speedup_vs_exact']:.0f}x "
            f"(>= {hn['speedup_target']:.0f}x) | {hn['build_seconds_median']:.2f} | "
            f"{hn['size_on_disk_bytes'] / 1e6:.1f} | {hn['build_peak_extra_rss_mb']} |",
            "", f"Meets target at the default ef: **{hn['meets_target']}**; cheapest ef meeting it: "
            f"{hn['cheapest_ef_meeting_target']}.", "",
            "| ef | recall@10 | latency ms | p95 ms | speed-up |", "|---:|---:|---:|---:|---:|",
        ]
        lines += [f"| {r['ef']} | {r['recall_at_10']:.4f} | {r['latency_ms_median']:.3f} | "
                  f"{r['latency_ms_p95']:.3f} | {r['speedup_vs_exact']:.0f}x |" for r in sc["ef_sweep"]]
        if sc["m_sweep"]:
            lines += ["", "| M | recall@10 (ef=64) | latency ms | build s | size MB |",
                      "|---:|---:|---:|---:|---:|"]
            lines += [f"| {r['M']} | {r['recall_at_10']:.4f} | {r['latency_ms_median']:.3f} | "
                      f"{r['build_seconds']:.2f} | {r['size_on_disk_bytes'] / 1e6:.1f} |"
                      for r in sc["m_sweep"]]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print the tables, write JSON + Markdown."""
    from bench.bench_embedding import machine_info

    parser = argparse.ArgumentParser(prog="python -m bench.bench_ann",
                                     description="HnswIndex vs ExactIndex: recall@10, latency, build, size.")
    parser.add_argument("--scenarios", default="movielens,synthetic-100k")
    parser.add_argument("--repeats", type=int, default=5, help="latency runs (median of run medians)")
    parser.add_argument("--build-repeats", type=int, default=5, help="HNSW builds at MovieLens scale")
    parser.add_argument("--big-build-repeats", type=int, default=1, help="HNSW builds at 100k (slow)")
    parser.add_argument("--latency-queries", type=int, default=200)
    parser.add_argument("--n", type=int, default=100_000, help="base size of the synthetic scenario")
    parser.add_argument("--m-sweep-big", action="store_true", help="also sweep M at 100k (3 more builds)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    machine = machine_info()
    scenarios = []
    for name in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
        if name == "movielens":
            base, queries, excludes = movielens_vectors()
            scenarios.append(run_scenario(name, base, queries, excludes, args))
        elif name.startswith("synthetic"):
            data = clustered_vectors(args.n + 1000, seed=0)
            scenarios.append(run_scenario(f"synthetic-{args.n // 1000}k", data[: args.n], data[args.n :],
                                          None, args))
        else:
            parser.error(f"unknown scenario {name!r}")
    report = {
        "benchmark": "bench_ann",
        "command": " ".join(["python -m bench.bench_ann", *(argv if argv is not None else sys.argv[1:])]),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine,
        "machine_end_load_average": [round(x, 2) for x in os.getloadavg()],
        "repeats": args.repeats,
        "k": K,
        "targets": {"recall_at_10": RECALL_TARGET, "speedup_vs_exact": SPEEDUP_TARGET},
        "scenarios": scenarios,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_ann.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    markdown = to_markdown(report)
    (args.out / "bench_ann.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
