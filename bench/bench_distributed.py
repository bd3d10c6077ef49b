"""The Ray backend against the in-process run: embedding, item-kNN and sharded evaluation, on this machine.

Run from the repo root, when no other benchmark runs (2 shared cores)::

    nice -n 10 python -m bench.bench_distributed                   # 20,000 texts, 3 repeats
    nice -n 10 python -m bench.bench_distributed --texts 4000 --repeats 1

Measured in one process, with one local Ray runtime (``ray.init(num_cpus=2)``; its start-up is reported
apart, a cluster is started once and serves many jobs):

- ``embedding``: ``--texts`` item documents of the SYNTHETIC 100k-item catalogue (:mod:`bench.synth`),
  cold vector cache each run. In-process = ``load_encoder`` + ``embed_texts``; Ray =
  ``embed_texts_ray`` with 1 and 2 workers (each loads the encoder once; the driver writes every batch
  to the cache). ``overhead = Ray 1 worker / in-process``, target <= 1.5; the 2-worker figure shows what a
  second worker brings on 2 cores (each worker already runs 2 encoder threads).
- ``item_knn``: :func:`core.ranking.channels.item_knn.item_similarity_topk` on the SYNTHETIC 1M-interaction
  matrix (100k items), locally and as Ray tasks (``RayMap``, 2 workers); the two matrices are checked equal.
- ``evaluation``: ``evaluate_dataset`` on MovieLens (no tuning, no typed study, no text model), locally and
  with the test users' recommend + metric step in Ray shards; the tables are checked identical.

Medians of ``--repeats`` runs. Results: ``bench/results/bench_distributed.json`` (each figure with its
target) and ``.md``.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OVERHEAD_TARGET = 1.5
"""Ray-local wall time / in-process wall time, at most (issue 19)."""
SYNTH_SIZE = (1_000_000, 100_000)
"""Interactions, items of the item-kNN matrix (bench.synth's ``1m``)."""


def _median(values: list[float]) -> float:
    return round(float(statistics.median(values)), 3)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def synthetic(work: Path) -> Path:
    """The SYNTHETIC 1M-interaction / 100k-item dataset folder (generated once under ``work``)."""
    from bench.synth import generate

    folder = work / "synth-1m"
    if not (folder / "interactions.csv").is_file():
        generate(SYNTH_SIZE[0], SYNTH_SIZE[1], folder, seed=0)
    return folder


def bench_embedding(folder: Path, n_texts: int, repeats: int, work: Path) -> dict[str, Any]:
    """In-process vs Ray (1 and 2 workers) cold embedding of ``n_texts`` synthetic item documents."""
    import pandas as pd

    from core.distributed.backend import Backend
    from core.distributed.embedding import embed_texts_ray
    from core.vectors.encoders import load_encoder
    from core.vectors.vector_cache import VectorCache, embed_texts

    items = pd.read_csv(folder / "items.csv", nrows=n_texts, dtype=str).fillna("")
    texts = (items["title"] + ". " + items.get("genres", "") + ". " + items.get("description", "")).tolist()
    runs: dict[str, list[float]] = {"in_process": [], "ray_1_worker": [], "ray_2_workers": []}
    vectors: dict[str, np.ndarray] = {}
    for r in range(repeats):
        def local(r: int = r) -> Any:
            load_encoder.cache_clear()
            return embed_texts(load_encoder("use-m3"), texts, VectorCache(work / f"local-{r}", "use-m3"))

        seconds, result = _timed(local)
        runs["in_process"].append(seconds)
        vectors["in_process"] = result.vectors
        load_encoder.cache_clear()
        for label, workers in (("ray_1_worker", 1), ("ray_2_workers", 2)):
            cache = VectorCache(work / f"{label}-{r}", "use-m3")
            seconds, result = _timed(lambda c=cache, w=workers: embed_texts_ray(texts, "use-m3", c, Backend("ray"),
                                                                                 workers=w))
            runs[label].append(seconds)
            vectors[label] = result.vectors
        print(f"embedding run {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in runs.items()), file=sys.stderr)
    medians = {k: _median(v) for k, v in runs.items()}
    return {
        "texts": len(texts), "repeats": repeats, "seconds": runs, "median_seconds": medians,
        "overhead_ray_1_worker": round(medians["ray_1_worker"] / medians["in_process"], 3),
        "overhead_ray_2_workers": round(medians["ray_2_workers"] / medians["in_process"], 3),
        "overhead_target": OVERHEAD_TARGET,
        "max_abs_difference_vs_in_process": float(max(np.abs(vectors[k] - vectors["in_process"]).max()
                                                      for k in ("ray_1_worker", "ray_2_workers"))),
        "difference_target": 1e-6,
    }


def _synthetic_matrix(folder: Path) -> Any:
    """The users x items CSR matrix of the synthetic interactions (ratings as values)."""
    import pandas as pd
    from scipy import sparse

    frame = pd.read_csv(folder / "interactions.csv", usecols=["user_id", "item_id", "rating"],
                        dtype={"user_id": str, "item_id": str})
    users = frame["user_id"].astype("category").cat.codes.to_numpy()
    items = frame["item_id"].astype("category").cat.codes.to_numpy()
    matrix = sparse.csr_matrix((frame["rating"].to_numpy(np.float32), (users, items)))
    matrix.sum_duplicates()
    return matrix


def bench_item_knn(folder: Path, repeats: int) -> dict[str, Any]:
    """Local vs Ray-task item-kNN similarity at 1M interactions; the matrices must be equal."""
    from core.distributed.backend import RayMap, plan_workers
    from core.ranking.channels.item_knn import item_similarity_topk

    matrix = _synthetic_matrix(folder)
    ray_map = RayMap(plan_workers(2.0, workers=2))
    local_s, remote_s = [], []
    equal = True
    for r in range(repeats):
        seconds, local = _timed(lambda: item_similarity_topk(matrix, 50))
        local_s.append(seconds)
        seconds, remote = _timed(lambda: item_similarity_topk(matrix, 50, map_blocks=ray_map))
        remote_s.append(seconds)
        equal &= bool(local.nnz == remote.nnz and (local != remote).nnz == 0)
        print(f"item-kNN run {r + 1}: local {local_s[-1]:.1f} s, Ray {remote_s[-1]:.1f} s", file=sys.stderr)
    return {"interactions": int(matrix.nnz), "users": int(matrix.shape[0]), "items": int(matrix.shape[1]),
            "k": 50, "repeats": repeats, "local_seconds": _median(local_s), "ray_seconds": _median(remote_s),
            "ratio": round(_median(remote_s) / _median(local_s), 3), "ratio_target": OVERHEAD_TARGET,
            "equal_matrices": equal, "workers": "2 x 0.75 CPU"}


def bench_evaluation(repeats: int) -> dict[str, Any]:
    """``evaluate_dataset`` on MovieLens, locally and with the recommend + metric step in Ray shards."""
    from core.data.demos import load_demo
    from core.distributed.backend import RayMap, plan_workers
    from core.evaluation.options import EvalOptions
    from core.evaluation.protocol import evaluate_dataset

    dataset = load_demo("movielens")
    opts = EvalOptions(tune=False, typed=False, model=None, n_boot=1000)
    ray_map = RayMap(plan_workers(2.0, workers=2))
    out: dict[str, list[float]] = {"local": [], "ray": [], "local_step": [], "ray_step": []}
    same = True
    for r in range(repeats):
        seconds, local = _timed(lambda: evaluate_dataset(dataset, opts))
        out["local"].append(seconds)
        out["local_step"].append(_step_seconds(local))
        seconds, sharded = _timed(lambda: evaluate_dataset(dataset, opts, map_shards=ray_map))
        out["ray"].append(seconds)
        out["ray_step"].append(_step_seconds(sharded))
        same &= local.experiment.to_markdown() == sharded.experiment.to_markdown()
        print(f"evaluation run {r + 1}: local {out['local'][-1]:.1f} s, Ray {out['ray'][-1]:.1f} s", file=sys.stderr)
    return {"dataset": "MovieLens latest-small", "users": len(local.experiment.users),
            "configurations": len(local.experiment.results), "repeats": repeats,
            "local_seconds": _median(out["local"]), "ray_seconds": _median(out["ray"]),
            "local_recommend_step_seconds": _median(out["local_step"]),
            "ray_recommend_step_seconds": _median(out["ray_step"]),
            "ratio": round(_median(out["ray"]) / _median(out["local"]), 3), "ratio_target": OVERHEAD_TARGET,
            "identical_tables": same}


def _step_seconds(report: Any) -> float:
    """Wall time of the recommend step: the baselines' plus the channel suite's shared pass (amortised)."""
    return float(sum(r.recommend_seconds for r in report.experiment.results))


def machine_info() -> dict[str, Any]:
    """CPU count, load average and versions."""
    import ray

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "ray": ray.__version__,
            "load_average_1m_5m_15m": [round(x, 2) for x in load]}


def markdown(report: dict[str, Any]) -> str:
    """The results as a short Markdown table."""
    e, k, v = report["embedding"], report["item_knn"], report["evaluation"]
    ok = lambda value, target: "yes" if value <= target else "no"  # noqa: E731
    rows = [
        "| step | in-process | Ray | ratio | target | met |", "|---|---:|---:|---:|---:|---|",
        f"| embedding, {e['texts']:,} texts, 1 worker | {e['median_seconds']['in_process']} s | "
        f"{e['median_seconds']['ray_1_worker']} s | {e['overhead_ray_1_worker']} | <= {OVERHEAD_TARGET} | "
        f"{ok(e['overhead_ray_1_worker'], OVERHEAD_TARGET)} |",
        f"| embedding, {e['texts']:,} texts, 2 workers | {e['median_seconds']['in_process']} s | "
        f"{e['median_seconds']['ray_2_workers']} s | {e['overhead_ray_2_workers']} | (informational) | |",
        f"| item-kNN, {k['interactions']:,} interactions | {k['local_seconds']} s | {k['ray_seconds']} s | "
        f"{k['ratio']} | <= {OVERHEAD_TARGET} | {ok(k['ratio'], OVERHEAD_TARGET)} |",
        f"| evaluation, MovieLens ({v['users']} users) | {v['local_seconds']} s | {v['ray_seconds']} s | "
        f"{v['ratio']} | <= {OVERHEAD_TARGET} | {ok(v['ratio'], OVERHEAD_TARGET)} |",
    ]
    checks = (f"Ray vectors vs in-process: max |diff| {e['max_abs_difference_vs_in_process']:.2e} (target <= 1e-6); "
              f"item-kNN matrices equal: {k['equal_matrices']}; evaluation tables identical: "
              f"{v['identical_tables']}. Ray runtime start-up: {report['ray_start_seconds']} s (once per cluster).")
    return "# bench_distributed\n\n" + "\n".join(rows) + "\n\n" + checks + "\n"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three comparisons and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=20_000, help="texts to embed (default 20,000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--workdir", type=Path, default=None, help="where the synthetic data goes (default: temp)")
    args = parser.parse_args(argv)
    import ray

    from core.distributed.backend import Backend, connect

    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        work = args.workdir or Path(tmp)
        os.environ["INTERESTLENS_WORKSPACE"] = str(work / "workspace")
        folder = synthetic(work)
        start_s, _ = _timed(lambda: ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                                             object_store_memory=1 << 30))
        connect(Backend("ray"))
        try:
            report = {"machine": machine_info(), "ray_start_seconds": round(start_s, 2),
                      "embedding": bench_embedding(folder, args.texts, args.repeats, work / "caches"),
                      "item_knn": bench_item_knn(folder, args.repeats),
                      "evaluation": bench_evaluation(args.repeats)}
        finally:
            ray.shutdown()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_distributed.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "bench_distributed.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return report


if __name__ == "__main__":
    main()
