"""Time to a UMAP map, cold and cached; UMAP's own neighbour search vs the reused hnswlib graph.

Run from the repo root (on a quiet machine for publishable figures)::

    python -m bench.bench_projection                  # everything (~15-25 min on 2 cores)
    python -m bench.bench_projection --quick          # MovieLens + 10k only, 1 repeat (~5 min)

Scenarios and what is measured:

- **cold MovieLens map** (target <= 30 s): a *fresh Python process* (``subprocess``) loads the 9,742
  MovieLens item vectors (USE m3, precomputed: embedding is measured by ``bench_embedding``) and runs
  ``core.vectors.maps.build_map`` without cache: hnswlib graph + UMAP layout (numba JIT compilation of
  UMAP's layout code included, it is not cached on disk by umap-learn) + trustworthiness. Wall time of
  the whole subprocess (interpreter start and imports included). Variants: ``warm numba cache``
  (numba's on-disk cache of pynndescent/umap functions already filled, the normal case; the graph
  comes from a new hnswlib index), ``empty numba cache`` (``NUMBA_CACHE_DIR`` pointed at an empty
  folder: the very first run after installing, everything compiled) and ``engine index`` (the graph
  is queried from an item index loaded from disk, as the Map page does with the engine's index).
- **cached map** (target <= 1 s): ``build_map`` finding its coordinates in the disk cache (vector
  checksum + ``np.load`` + metadata), in-process, and as a whole fresh process.
- **hnswlib graph vs UMAP's NN-descent** (target: hnswlib trustworthiness >= UMAP's - 0.02): fit time
  and trustworthiness (k=10, 2,000-point sample) of ``Projector(knn="hnsw")`` and ``knn="umap"``
  (both ``random_state=42``, 200 epochs, numba already compiled in this process) on MovieLens and on
  SYNTHETIC clustered 512-d vectors (``bench.bench_ann.clustered_vectors``: nested topic/sub-topic
  centres, Zipf-like sizes) at 10,000 and 50,000 points, beyond MovieLens' size.
- **placement of new points**: fit on 9,000 MovieLens items, place the 742 held out; recall of their
  10 nearest vector neighbours among their 10 nearest map neighbours, for the projector's placement
  (weighted mean + mean-shift), the plain weighted mean (UMAP's initial guess), and
  ``umap.UMAP.transform``; plus the time per call.

Results: ``bench/results/bench_projection.json`` (each figure with its target) and ``.md``.
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
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
COLD_TARGET_S = 30.0
CACHED_TARGET_S = 1.0
TRUST_MARGIN = 0.02


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def movielens_item_vectors() -> np.ndarray:
    """The MovieLens item vectors (USE m3) through the workspace vector cache (encoded on first use)."""
    from core.data.demos import load_demo
    from core.vectors.encoders import load_encoder
    from core.vectors.vector_cache import embed_items

    return embed_items(load_demo("movielens"), load_encoder("use-m3")).vectors


def synthetic_vectors(n: int, seed: int = 0) -> np.ndarray:
    """SYNTHETIC clustered unit vectors (512-d), the generator ``bench_ann`` uses, topics scaled with n."""
    from bench.bench_ann import clustered_vectors

    topics = max(20, n // 1000)
    return clustered_vectors(n, dim=512, topics=topics, sub_per_topic=10, seed=seed)


# --- the cold worker (runs in a fresh process) ---------------------------------------------------


def _worker(vectors_path: str, cache_root: str, use_cache: bool, index_path: str = "") -> None:
    """Load vectors (and a saved item index), build the map, print stage timings as JSON."""
    started = time.perf_counter()
    from core.vectors.index import HnswIndex
    from core.vectors.maps import build_map

    imported = time.perf_counter()
    vectors = np.load(vectors_path)
    index = HnswIndex.load(Path(index_path)) if index_path else None
    loaded = time.perf_counter()
    pm = build_map(vectors, fingerprint="bench-movielens", model_id="use-m3", use_cache=use_cache,
                   cache_root=Path(cache_root), item_index=index)
    done = time.perf_counter()
    print(json.dumps({"import_s": imported - started, "load_s": loaded - imported, "map_s": done - loaded,
                      "from_cache": pm.from_cache, "trustworthiness": pm.trustworthiness,
                      "timings": pm.timings, "n": len(vectors)}))


def _run_worker(vectors_path: Path, cache_root: Path, use_cache: bool, numba_dir: str | None,
                index_path: Path | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if numba_dir is not None:
        env["NUMBA_CACHE_DIR"] = numba_dir
    cmd = [sys.executable, "-m", "bench.bench_projection", "--worker", str(vectors_path), str(cache_root),
           "1" if use_cache else "0", str(index_path or "")]
    started = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    info: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    info["wall_s"] = wall
    return info


def cold_and_cached(vectors: np.ndarray, repeats: int, cached_repeats: int) -> dict[str, Any]:
    """Cold map in fresh processes (warm / empty numba cache) and cached map (in-process, fresh process)."""
    from core.common.config import IndexParams
    from core.vectors.index import HnswIndex
    from core.vectors.maps import build_map

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vectors.npy"
        np.save(path, vectors)
        index_path = Path(tmp) / "items.hnsw"  # what the engine keeps on disk (its IndexParams)
        HnswIndex(vectors.shape[1], IndexParams()).build(vectors).save(index_path)
        for variant in ("warm_numba_cache", "empty_numba_cache", "warm_numba_cache_engine_index"):
            runs = []
            for r in range(repeats):
                numba_dir = str(Path(tmp) / f"numba-{r}") if variant == "empty_numba_cache" else None
                reuse = index_path if variant.endswith("engine_index") else None
                runs.append(_run_worker(path, Path(tmp) / f"cold-{variant}-{r}", False, numba_dir, reuse))
                print(f"  cold {variant} run {r + 1}: {runs[-1]['wall_s']:.1f} s", file=sys.stderr)
            walls = [x["wall_s"] for x in runs]
            out[f"cold_map_{variant}"] = {
                "value": statistics.median(walls), "unit": "s", "target": f"<= {COLD_TARGET_S}",
                "meets_target": statistics.median(walls) <= COLD_TARGET_S, "runs": walls,
                "stages_median": {k: statistics.median(float(x["timings"].get(k, 0.0)) for x in runs)
                                  for k in ("knn", "umap", "trustworthiness")},
                "import_s_median": statistics.median(x["import_s"] for x in runs),
                "trustworthiness": statistics.median(x["trustworthiness"] for x in runs),
            }
        # cached: fill the cache once, then time hits
        root = Path(tmp) / "cache"
        build_map(vectors, fingerprint="bench-movielens", model_id="use-m3", cache_root=root)
        hits = []
        for _ in range(cached_repeats):
            t0 = time.perf_counter()
            pm = build_map(vectors, fingerprint="bench-movielens", model_id="use-m3", cache_root=root)
            hits.append(time.perf_counter() - t0)
            assert pm.from_cache
        median_hit = statistics.median(hits)
        out["cached_map_in_process"] = {"value": median_hit, "unit": "s", "target": f"<= {CACHED_TARGET_S}",
                                        "meets_target": median_hit <= CACHED_TARGET_S, "runs": hits}
        procs = [_run_worker(path, root, True, None) for _ in range(max(1, repeats))]
        assert all(p["from_cache"] for p in procs)
        walls = [p["wall_s"] for p in procs]
        out["cached_map_fresh_process"] = {
            "value": statistics.median(walls), "unit": "s", "target": "informational (includes interpreter "
            "start and imports)", "runs": walls,
            "map_s_median": statistics.median(p["map_s"] for p in procs)}
    return out


# --- hnswlib graph vs NN-descent -------------------------------------------------------------------


def compare_knn(name: str, vectors: np.ndarray, repeats: int) -> dict[str, Any]:
    """Fit time and trustworthiness of both neighbour-graph paths on one vector set."""
    from core.vectors.projection import Projector, trustworthiness

    row: dict[str, Any] = {"points": len(vectors), "dim": int(vectors.shape[1]), "repeats": repeats}
    for knn in ("hnsw", "umap"):
        times, trusts, stages = [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            proj = Projector(knn=knn, random_state=42).fit(vectors)  # type: ignore[arg-type]
            times.append(time.perf_counter() - t0)
            trusts.append(trustworthiness(proj.vectors_, proj.embedding_, n_neighbors=10, sample=2000))
            stages.append(proj.timings_)
        row[knn] = {"fit_s": statistics.median(times), "fit_runs": times,
                    "trustworthiness": statistics.median(trusts),
                    "knn_s": statistics.median(s.get("knn", 0.0) for s in stages),
                    "umap_s": statistics.median(s.get("umap", 0.0) for s in stages)}
        print(f"  {name} {knn}: {row[knn]['fit_s']:.1f} s, trust {row[knn]['trustworthiness']:.4f}",
              file=sys.stderr)
    diff = row["hnsw"]["trustworthiness"] - row["umap"]["trustworthiness"]
    row["trust_diff"] = {"value": diff, "target": f">= -{TRUST_MARGIN}",
                         "meets_target": diff >= -TRUST_MARGIN}
    row["speedup"] = row["umap"]["fit_s"] / row["hnsw"]["fit_s"]
    return row


# --- placement ------------------------------------------------------------------------------------


def placement(vectors: np.ndarray, with_umap_transform: bool) -> dict[str, Any]:
    """Held-out placement quality and time (see the module docstring)."""
    from core.vectors.projection import Projector, exact_neighbours, place_by_neighbours

    perm = np.random.default_rng(1).permutation(len(vectors))
    fit_rows, held = perm[:9000], perm[9000:]
    out: dict[str, Any] = {"fitted": len(fit_rows), "held_out": len(held)}
    nb, _ = exact_neighbours(vectors[held], vectors[fit_rows], 10)

    def recall(emb: np.ndarray, placed: np.ndarray) -> float:
        d = ((placed[:, None, :] - emb[None, :, :]) ** 2).sum(2)
        near = np.argsort(d, axis=1)[:, :10]
        return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(near, nb, strict=True)]))

    proj = Projector(random_state=42).fit(vectors[fit_rows])
    t0 = time.perf_counter()
    placed = proj.transform(vectors[held])
    out["projector_transform"] = {"recall_at_10": recall(proj.embedding_, placed),
                                  "seconds": time.perf_counter() - t0}
    ids, dists = proj.neighbours(vectors[held], proj.n_neighbors)
    plain = place_by_neighbours(proj.embedding_, ids, dists, refine_steps=0)
    out["weighted_mean_only"] = {"recall_at_10": recall(proj.embedding_, plain)}
    sample = np.random.default_rng(2).choice(len(fit_rows), 500, replace=False)
    s_nb, _ = exact_neighbours(proj.vectors_[sample], proj.vectors_, 11)
    d = ((proj.embedding_[sample][:, None, :] - proj.embedding_[None, :, :]) ** 2).sum(2)
    near = np.argsort(d, axis=1)[:, 1:11]
    out["fitted_points_baseline"] = {"recall_at_10": float(np.mean(
        [len(set(a) & set(b[1:])) / 10 for a, b in zip(near, s_nb, strict=True)]))}
    if with_umap_transform:
        import umap

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", random_state=42, n_epochs=200)
            emb = model.fit_transform(vectors[fit_rows])
            t0 = time.perf_counter()
            placed_u = model.transform(vectors[held])
            seconds = time.perf_counter() - t0
        out["umap_transform"] = {"recall_at_10": recall(emb, placed_u), "seconds_first_call": seconds}
    return out


# --- report ---------------------------------------------------------------------------------------


def write_md(result: dict[str, Any], path: Path) -> None:
    """A short Markdown table of the headline figures."""
    lines = ["# bench_projection", "", f"Command: `{result['meta']['command']}`  ",
             f"Machine: {result['meta']['machine']}; load average before/after: "
             f"{result['meta']['load_before']} / {result['meta']['load_after']}", ""]
    if result["meta"].get("notes"):
        lines += [f"**Notes:** {result['meta']['notes']}", ""]
    cc = result.get("cold_cached", {})
    if cc:
        lines += ["| figure | value | target | met |", "|---|---|---|---|"]
        for key in ("cold_map_warm_numba_cache", "cold_map_empty_numba_cache",
                    "cold_map_warm_numba_cache_engine_index", "cached_map_in_process",
                    "cached_map_fresh_process"):
            if key in cc:
                f = cc[key]
                lines.append(f"| {key} | {f['value']:.3f} s | {f['target']} | {f.get('meets_target', '—')} |")
        lines.append("")
    lines += ["| data | points | hnsw fit s | NN-descent fit s | speed-up | hnsw trust | NN-descent trust | "
              "diff (>= -0.02) |", "|---|---|---|---|---|---|---|---|"]
    for name, row in result.get("knn", {}).items():
        lines.append(f"| {name} | {row['points']:,} | {row['hnsw']['fit_s']:.1f} | "
                     f"{row['umap']['fit_s']:.1f} | {row['speedup']:.2f}x | "
                     f"{row['hnsw']['trustworthiness']:.4f} | {row['umap']['trustworthiness']:.4f} | "
                     f"{row['trust_diff']['value']:+.4f} |")
    pl = result.get("placement")
    if pl:
        lines += ["", "| placement (742 held-out MovieLens items) | recall@10 of vector neighbours "
                  "on the map |", "|---|---|"]
        for key in ("projector_transform", "weighted_mean_only", "umap_transform", "fitted_points_baseline"):
            if key in pl:
                lines.append(f"| {key} | {pl[key]['recall_at_10']:.3f} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "--worker":
        _worker(argv[1], argv[2], argv[3] == "1", argv[4] if len(argv) > 4 else "")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000],
                        help="synthetic sizes for the hnswlib vs NN-descent comparison")
    parser.add_argument("--repeats", type=int, default=3, help="cold runs and fits per configuration")
    parser.add_argument("--big-repeats", type=int, default=1, help="fits per configuration at >= 50k points")
    parser.add_argument("--cached-repeats", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="10k only, 1 repeat, no umap.transform baseline")
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--skip-umap-transform", action="store_true")
    parser.add_argument("--notes", default="", help="free text stored with the results (e.g. machine load)")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench_projection.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats, args.big_repeats, args.skip_umap_transform = [10_000], 1, 1, True
    import numba
    import umap
    from sklearn import __version__ as sk_version

    result: dict[str, Any] = {"meta": {
        "command": "python -m bench.bench_projection " + " ".join(argv),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs, {platform.python_version()}",
        "versions": {"umap-learn": umap.__version__, "numba": numba.__version__, "scikit-learn": sk_version,
                     "numpy": np.__version__},
        "load_before": _load(), "notes": args.notes, "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "synthetic": "SYNTHETIC clustered 512-d unit vectors beyond MovieLens size "
                     "(bench.bench_ann.clustered_vectors)",
    }}
    print("MovieLens item vectors …", file=sys.stderr)
    ml = movielens_item_vectors()
    if not args.skip_cold:
        print("cold / cached map …", file=sys.stderr)
        result["cold_cached"] = cold_and_cached(ml, args.repeats, args.cached_repeats)
    print("hnswlib graph vs NN-descent …", file=sys.stderr)
    from core.vectors.projection import Projector

    for knn in ("hnsw", "umap"):  # compile numba code of both paths (NN-descent needs > 4,096 points)
        Projector(knn=knn, random_state=42, n_epochs=20).fit(ml[:5000])  # type: ignore[arg-type]
    result["knn"] = {"movielens": compare_knn("movielens", ml, args.repeats)}
    for n in args.sizes:
        reps = args.big_repeats if n >= 50_000 else args.repeats
        name = f"synthetic-{n // 1000}k"
        result["knn"][name] = compare_knn(name, synthetic_vectors(n), reps)
    print("placement …", file=sys.stderr)
    result["placement"] = placement(ml, not args.skip_umap_transform)
    result["meta"]["load_after"] = _load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    write_md(result, args.out.with_suffix(".md"))
    print(args.out.with_suffix(".md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
