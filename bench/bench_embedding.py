"""Encode throughput of the bundled models and cached reload vs re-encode, on MovieLens item documents.

Run from the repo root (quiet machine for publishable figures)::

    python -m bench.bench_embedding                      # 2,000-document subset, 5 repeats
    python -m bench.bench_embedding --docs all --repeats 5

Measured, each as the median of ``--repeats`` runs, side by side in one process:

- ``encode``: ``Encoder.encode`` on the first ``--docs`` item documents of MovieLens
  (``core.vectors.documents.item_documents``), per model (``use-m3``, ``minilm``): items/s.
- ``cold``: ``embed_texts`` with an empty on-disk ``VectorCache`` (encode + write the shard).
- ``warm``: a *new* ``VectorCache`` on the same folder (what a restart sees: shards read from disk)
  + ``embed_texts`` on the same documents: every vector comes from the cache.
  ``reload speed-up = median(re-encode) / median(warm)``, target >= 50x.
- ``full reload``: warm reload of all 9,742 documents (one cold pass first), use-m3 only.

Results: ``bench/results/bench_embedding.json`` (every figure with its target) and ``.md``.
The subset default keeps a run to a couple of minutes on 2 shared cores; ``--docs all`` measures the
whole catalogue (~9,742 docs per repeat per model).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from core.data.dataset import Dataset
from core.vectors.documents import item_documents
from core.vectors.encoders import load_encoder
from core.vectors.vector_cache import VectorCache, embed_texts

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RELOAD_TARGET = 50.0
THROUGHPUT_TARGETS = {"use-m3": 1000.0, "minilm": None}
"""items/s. use-m3: DESIGN.md quotes ~3,000 sentences/s on 2 cores for short sentences; item documents
are longer (mean ~49 characters with user tags), so 1,000/s is the bar. MiniLM: informational only."""


def movielens_dataset() -> Dataset:
    """The MovieLens demo Dataset (``core.data.demos.load_demo("movielens")``)."""
    from core.data.demos import load_demo

    return load_demo("movielens")


def machine_info() -> dict[str, Any]:
    """CPU count, load average and library versions: the context a figure needs."""
    import hnswlib
    import sentence_transformers

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1m_5m_15m": [round(x, 2) for x in load],
        "numpy": np.__version__,
        "hnswlib": getattr(hnswlib, "__version__", "0.8.0"),
        "sentence_transformers": sentence_transformers.__version__,
    }


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def bench_model(model: str, docs: list[str], repeats: int) -> dict[str, Any]:
    """Throughput, cold (empty cache) and warm (restart, full cache) timings for one model."""
    t0 = time.perf_counter()
    encoder = load_encoder(model)
    load_seconds = time.perf_counter() - t0
    encoder.encode(docs[:64], batch_size=64)  # warm-up (lazy init, first-call allocations)
    encode_s: list[float] = []
    cold_s: list[float] = []
    warm_s: list[float] = []
    identical = True
    for _ in range(repeats):
        started = time.perf_counter()
        reference = encoder.encode(docs, batch_size=256)
        encode_s.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory(prefix="bench-emb-") as tmp:
            cold = embed_texts(encoder, docs, VectorCache(tmp, encoder.model_id))
            cold_s.append(cold.seconds)
            restarted = VectorCache(tmp, encoder.model_id)  # nothing in memory: reads the shards
            started = time.perf_counter()
            warm = embed_texts(encoder, docs, restarted)
            warm_s.append(time.perf_counter() - started)
            identical &= bool(warm.n_encoded == 0 and np.array_equal(warm.vectors, cold.vectors))
            identical &= bool(np.allclose(reference, cold.vectors, atol=1e-5))
    n = len(docs)
    throughput = n / _median(encode_s)
    target = THROUGHPUT_TARGETS.get(model)
    ratio = _median(encode_s) / _median(warm_s)
    return {
        "model": model,
        "dim": encoder.dim,
        "docs": n,
        "load_seconds": round(load_seconds, 3),
        "encode_seconds_median": round(_median(encode_s), 4),
        "encode_seconds_runs": [round(x, 4) for x in encode_s],
        "throughput_items_per_s": round(throughput, 1),
        "throughput_target_items_per_s": target,
        "throughput_meets_target": None if target is None else throughput >= target,
        "cold_embed_seconds_median": round(_median(cold_s), 4),
        "warm_reload_seconds_median": round(_median(warm_s), 5),
        "warm_reload_seconds_runs": [round(x, 5) for x in warm_s],
        "reload_speedup_vs_reencode": round(ratio, 1),
        "reload_speedup_target": RELOAD_TARGET,
        "reload_meets_target": ratio >= RELOAD_TARGET,
        "cached_vectors_identical": identical,
    }


def bench_full_reload(docs: list[str], repeats: int) -> dict[str, Any]:
    """Warm reload of the whole catalogue with use-m3 (one cold pass fills a temp cache first)."""
    encoder = load_encoder("use-m3")
    with tempfile.TemporaryDirectory(prefix="bench-emb-full-") as tmp:
        cold = embed_texts(encoder, docs, VectorCache(tmp, encoder.model_id))
        warm_s = []
        for _ in range(repeats):
            started = time.perf_counter()
            warm = embed_texts(encoder, docs, VectorCache(tmp, encoder.model_id))
            warm_s.append(time.perf_counter() - started)
            assert warm.n_encoded == 0
    ratio = cold.seconds / _median(warm_s)
    return {
        "model": "use-m3",
        "docs": len(docs),
        "distinct_texts": cold.n_encoded,
        "cold_embed_seconds_single_run": round(cold.seconds, 3),
        "cold_throughput_items_per_s": round(len(docs) / cold.seconds, 1),
        "warm_reload_seconds_median": round(_median(warm_s), 4),
        "reload_speedup_vs_cold": round(ratio, 1),
        "reload_speedup_target": RELOAD_TARGET,
        "reload_meets_target": ratio >= RELOAD_TARGET,
    }


def to_markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = [
        "# bench_embedding",
        "",
        f"Command: `{report['command']}`  ",
        f"Machine: {report['machine']['cpus']} CPUs, load average "
        f"{report['machine']['load_average_1m_5m_15m']} at start, "
        f"{report['machine_end_load_average']} at end.",
        "",
        f"Documents: the first {report['docs']} MovieLens item documents (default template); medians of "
        f"{report['repeats']} runs.",
        "",
        "| model | dim | encode items/s (target) | cold embed s | warm reload s | reload speed-up (target) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["models"]:
        target = row["throughput_target_items_per_s"]
        lines.append(
            f"| {row['model']} | {row['dim']} | {row['throughput_items_per_s']:,.0f} "
            f"({'>= ' + format(target, ',.0f') if target else 'n/a'}) | "
            f"{row['cold_embed_seconds_median']:.3f} | "
            f"{row['warm_reload_seconds_median']:.4f} | {row['reload_speedup_vs_reencode']:,.0f}x (>= 50x) |"
        )
    full = report.get("full_reload")
    if full:
        lines += [
            "",
            f"Whole catalogue, use-m3: {full['docs']:,} documents ({full['distinct_texts']:,} distinct), "
            f"cold {full['cold_embed_seconds_single_run']:.2f} s (one run, "
            f"{full['cold_throughput_items_per_s']:,.0f} items/s), "
            f"warm reload {full['warm_reload_seconds_median']:.4f} s (median): "
            f"{full['reload_speedup_vs_cold']:,.0f}x (target >= 50x).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, write JSON + Markdown."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_embedding",
                                     description="Encode throughput and cached reload vs re-encode.")
    parser.add_argument("--docs", default="2000", help="number of documents, or 'all' (9,742)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", default="use-m3,minilm")
    parser.add_argument("--no-full", action="store_true", help="skip the whole-catalogue reload")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")

    machine = machine_info()
    dataset = movielens_dataset()
    all_docs = item_documents(dataset)
    docs = all_docs if args.docs == "all" else all_docs[: int(args.docs)]
    rows = []
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        print(f"[bench_embedding] {model}: {len(docs)} docs x {args.repeats} runs", file=sys.stderr)
        rows.append(bench_model(model, docs, args.repeats))
    full = None if args.no_full else bench_full_reload(all_docs, args.repeats)
    report = {
        "benchmark": "bench_embedding",
        "command": " ".join(["python -m bench.bench_embedding",
                             *(argv if argv is not None else sys.argv[1:])]),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine,
        "machine_end_load_average": [round(x, 2) for x in os.getloadavg()],
        "dataset": {"name": dataset.name, "items": dataset.n_items,
                    "mean_doc_chars": round(float(np.mean([len(d) for d in all_docs])), 1)},
        "docs": len(docs),
        "repeats": args.repeats,
        "models": rows,
        "full_reload": full,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_embedding.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    markdown = to_markdown(report)
    (args.out / "bench_embedding.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
