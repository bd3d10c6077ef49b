"""The vector database behind the neighbour index vs hnswlib, at 100k 512-d vectors.

Run from the repo root, on a quiet machine, once::

    python -m bench.bench_vectordb                                   # hnswlib vs Qdrant local mode
    python -m bench.bench_vectordb --milvus-python /tmp/milvenv/bin/python   # + Milvus Lite (own venv)

Data: ``bench.bench_ann.clustered_vectors`` (100,000 base + held-out query vectors, 512-d, nested topic
clusters like sentence embeddings). Ground truth: :class:`core.vectors.index.ExactIndex`.

Contenders:

- ``hnswlib``: :class:`core.vectors.index.HnswIndex`, default ``IndexParams`` (M=16, ef_construction=200,
  ef=128), one build thread.
- ``qdrant-local``: :class:`core.vectors.qdrant_index.QdrantIndex` in Qdrant's local mode persisted in a
  folder (``qdrant:PATH``): brute force over every point per query (no HNSW), one SQLite row per point.
- ``milvus-lite`` (optional, ``--milvus-python``): ``pymilvus`` + ``milvus-lite`` in their own virtualenv
  (they are not project dependencies), an HNSW index (M=16, efConstruction=200, ef=128, COSINE) in a
  local ``.db`` folder; run by this file in ``--milvus-worker`` mode, which imports only numpy and pymilvus.

Figures per contender: build seconds (insert + index, median of ``--runs``), recall@10 against exact
search, p50 single-query latency in ms through the public API (median over queries, median of runs).
Brute-force local mode costs ~n x d flops plus a full sort per query, so it gets ``--slow-queries``
queries (100 by default) while the graph indexes get ``--queries``. Target: recall@10 >= 0.98.

Results: ``bench/results/bench_vectordb.json`` (every figure with its target) and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RECALL_TARGET = 0.98
K = 10


# --- Milvus Lite worker (runs in the Milvus venv: numpy + pymilvus only) ------------------------------


def milvus_worker(folder: Path, runs: int, queries_n: int) -> dict[str, Any]:
    """Build a Milvus Lite HNSW collection over ``folder/base.npy`` ``runs`` times; answer the queries."""
    import importlib.metadata as md

    from pymilvus import DataType, MilvusClient

    base = np.load(folder / "base.npy")
    queries = np.load(folder / "queries.npy")[:queries_n]
    builds: list[float] = []
    lat_runs: list[float] = []
    found: np.ndarray | None = None
    for run in range(runs):
        client = MilvusClient(uri=str(folder / f"milvus{run}.db"))
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=int(base.shape[1]))
        index = client.prepare_index_params()
        index.add_index(field_name="vec", index_type="HNSW", metric_type="COSINE",
                        params={"M": 16, "efConstruction": 200})
        start = time.perf_counter()
        client.create_collection("bench", schema=schema, index_params=index)
        for s in range(0, len(base), 2000):
            rows = [{"id": i, "vec": base[i].tolist()} for i in range(s, min(s + 2000, len(base)))]
            client.insert("bench", rows)
        client.flush("bench")
        client.load_collection("bench")
        client.search("bench", data=[queries[0].tolist()], limit=K, search_params={"params": {"ef": 128}})
        builds.append(time.perf_counter() - start)
        times: list[float] = []
        got = np.full((len(queries), K), -1, dtype=np.int64)
        for qi, q in enumerate(queries):
            t0 = time.perf_counter()
            hits = client.search("bench", data=[q.tolist()], limit=K, anns_field="vec",
                                 search_params={"metric_type": "COSINE", "params": {"ef": 128}})
            times.append((time.perf_counter() - t0) * 1000)
            ids = [int(h["id"]) for h in hits[0]]
            got[qi, : len(ids)] = ids
        lat_runs.append(statistics.median(times))
        found = got
        client.close()
    assert found is not None
    np.save(folder / "milvus_ids.npy", found)
    return {"build_s_runs": builds, "p50_ms_runs": lat_runs,
            "versions": {p: md.version(p) for p in ("pymilvus", "milvus-lite")}}


# --- the project's indexes -------------------------------------------------------------------------


def recall(got: np.ndarray, truth: np.ndarray) -> float:
    """recall@k of ``got`` against ``truth`` (core.vectors.index.recall_at_k)."""
    from core.vectors.index import recall_at_k

    return float(recall_at_k(got, truth))


def single_query_ms(index: Any, queries: np.ndarray) -> tuple[float, np.ndarray]:
    """(median ms of one-row queries through ``index.query``, the answers)."""
    times = []
    answers = np.full((len(queries), K), -1, dtype=np.int64)
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        ids, _ = index.query(q, K)
        times.append((time.perf_counter() - t0) * 1000)
        answers[i] = ids[0]
    return statistics.median(times), answers


def run_hnsw(base: np.ndarray, queries: np.ndarray, truth: np.ndarray, runs: int) -> dict[str, Any]:
    """Build and query :class:`HnswIndex` ``runs`` times."""
    from core.vectors.index import HnswIndex

    builds, lats, rec = [], [], 0.0
    for _ in range(runs):
        t0 = time.perf_counter()
        index = HnswIndex(base.shape[1]).build(base)
        builds.append(time.perf_counter() - t0)
        p50, got = single_query_ms(index, queries)
        lats.append(p50)
        rec = recall(got, truth[: len(queries)])
        del index
    return _row("hnswlib", builds, lats, rec, len(queries))


def run_qdrant_local(base: np.ndarray, queries: np.ndarray, truth: np.ndarray, runs: int,
                     work: Path) -> dict[str, Any]:
    """Build :class:`QdrantIndex` in a local folder ``runs`` times; query it."""
    from core.vectors.qdrant_index import QdrantIndex, close_client

    builds, lats, rec = [], [], 0.0
    for run in range(runs):
        folder = str(work / f"qdrant{run}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "local mode is not recommended above 20,000 points"
            t0 = time.perf_counter()
            index = QdrantIndex(base.shape[1], location=folder, collection="bench", model="bench").build(base)
            builds.append(time.perf_counter() - t0)
            p50, got = single_query_ms(index, queries)
        lats.append(p50)
        rec = recall(got, truth[: len(queries)])
        close_client(folder)
    return _row("qdrant-local", builds, lats, rec, len(queries))


def run_milvus(python: str, base: np.ndarray, queries: np.ndarray, truth: np.ndarray, runs: int,
               work: Path) -> dict[str, Any]:
    """Run the Milvus Lite worker in its own interpreter; its failure is recorded, not raised."""
    folder = work / "milvus"
    folder.mkdir()
    np.save(folder / "base.npy", base)
    np.save(folder / "queries.npy", queries)
    cmd = [python, str(Path(__file__).resolve()), "--milvus-worker", str(folder), "--runs", str(runs),
           "--queries", str(len(queries))]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"name": "milvus-lite", "error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    got = np.load(folder / "milvus_ids.npy")
    row = _row("milvus-lite", out["build_s_runs"], out["p50_ms_runs"], recall(got, truth[: len(got)]), len(got))
    row["versions"] = out["versions"]
    return row


def _row(name: str, builds: list[float], lats: list[float], rec: float, n_queries: int) -> dict[str, Any]:
    return {"name": name, "build_s": round(statistics.median(builds), 2), "build_s_runs": [round(b, 2) for b in builds],
            "recall_at_10": round(rec, 4), "recall_target": RECALL_TARGET, "meets_recall": rec >= RECALL_TARGET,
            "p50_query_ms": round(statistics.median(lats), 3), "p50_query_ms_runs": [round(x, 3) for x in lats],
            "queries": n_queries}


def to_markdown(report: dict[str, Any]) -> str:
    """The report as a Markdown table."""
    lines = [f"# Vector database vs hnswlib ({report['n']:,} x {report['dim']}-d clustered vectors)", "",
             f"Command: `{report['command']}`. Medians of {report['runs']} runs ({report['slow_runs']} build(s) "
             "of the Qdrant local folder); recall@10 vs exact search "
             f"(target >= {RECALL_TARGET}).", "",
             "| index | build s | recall@10 | target | p50 query ms | queries |", "|---|---|---|---|---|---|"]
    for row in report["results"]:
        if "error" in row:
            lines.append(f"| {row['name']} | failed: {' '.join(row['error'])} | | | | |")
            continue
        mark = "yes" if row["meets_recall"] else "NO"
        lines.append(f"| {row['name']} | {row['build_s']} | {row['recall_at_10']} | >= {RECALL_TARGET} ({mark}) | "
                     f"{row['p50_query_ms']} | {row['queries']} |")
    lines += ["", "qdrant-local is Qdrant's in-process mode: exact brute force (recall 1.0 by construction), "
              "no HNSW; a Qdrant server builds HNSW per collection. " + report["note"], ""]
    load = report.get("load_average_at_end")
    if load:
        lines += [f"Load average at the end (1/5/15 min): {', '.join(f'{x:.1f}' for x in load)} on "
                  f"{os.cpu_count()} cores: other jobs shared the machine, so build times are pessimistic and "
                  "not comparable across rows run at different moments (per-run figures are in the JSON).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write bench/results/bench_vectordb.{json,md}."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="base vectors")
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--queries", type=int, default=500, help="queries for the graph indexes")
    parser.add_argument("--slow-queries", type=int, default=100, help="queries for brute-force local mode")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow-runs", type=int, default=1,
                        help="builds of the Qdrant local folder (one SQLite commit per point: minutes at 100k)")
    parser.add_argument("--milvus-python", help="python of a venv with pymilvus + milvus-lite")
    parser.add_argument("--milvus-worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(RESULTS / "bench_vectordb"))
    args = parser.parse_args(argv)
    if args.milvus_worker:
        print(json.dumps(milvus_worker(Path(args.milvus_worker), args.runs, args.queries)))
        return 0

    from bench.bench_ann import clustered_vectors
    from core.vectors.index import ExactIndex

    data = clustered_vectors(args.n + args.queries, args.dim)
    base, queries = data[: args.n], data[args.n :]
    truth, _ = ExactIndex(args.dim).build(base).query(queries, K)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_vectordb_") as tmp:
        work = Path(tmp)
        print("hnswlib …", file=sys.stderr)
        results.append(run_hnsw(base, queries, truth, args.runs))
        print("qdrant local …", file=sys.stderr)
        results.append(run_qdrant_local(base, queries[: args.slow_queries], truth, args.slow_runs, work))
        if args.milvus_python:
            print("milvus lite …", file=sys.stderr)
            results.append(run_milvus(args.milvus_python, base, queries, truth, args.runs, work))
    import importlib.metadata as md

    report = {"n": args.n, "dim": args.dim, "k": K, "runs": args.runs, "slow_runs": args.slow_runs,
              "results": results, "load_average_at_end": list(os.getloadavg()),
              "command": "python -m bench.bench_vectordb " + " ".join(argv if argv is not None else sys.argv[1:]),
              "versions": {p: md.version(p) for p in ("qdrant-client", "hnswlib", "numpy")},
              "note": f"qdrant-local answered {min(args.slow_queries, args.queries)} queries (each scores every "
                      f"point); the graph indexes {args.queries}."}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(to_markdown(report), encoding="utf-8")
    print(to_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
