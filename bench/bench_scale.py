"""The whole pipeline's cost curve: wall time and peak memory of every stage at 100k / 1M / 5M interactions.

Run from the repo root::

    python -m bench.bench_scale --sizes 100k,1m,5m          # every stage, every size (5M takes long)
    python -m bench.bench_scale --sizes 100k --stages rerank,candidates

For each size, :mod:`bench.synth` writes a seeded SYNTHETIC dataset (cached under
``workspace/bench_scale/<size>/data``). Every stage then runs in a **fresh subprocess** so its memory is
its own: the parent reads the child's peak RSS from ``os.wait4`` (``ru_maxrss``) and the child reports
its own ``VmHWM`` plus the RSS it had before the stage proper started (imports and prerequisites, e.g.
the pickled Dataset, loaded from the previous stages' artefacts in the work folder). Stage time is the
stage proper, not the prerequisites.

Stages (in order; each writes the artefacts the next ones load):

``generate``      bench.synth (CSV writing)
``ingest``        ``core.data.loaders.load_dataset`` on the CSVs -> Dataset (pickled for later stages)
``embed_cold``    ``item_documents`` + ``embed_texts`` into a fresh, empty ``VectorCache`` (use-m3); measured
                  once per catalogue (``items.csv`` SHA-1): 1M and 5M share their 100k items, so 5M
                  carries 1M's figure (marked); ``--recold`` re-measures
``embed_warm``    the same from the shared workspace cache the cold stage filled
``index_build``   ``HnswIndex`` over the item vectors (default ``IndexParams``)
``user_vectors``  ``core.vectors.users.user_vectors``
``als_fit``       the ``mf`` channel's fit (implicit ALS, the channel's own settings)
``channels``      fit every channel, then score one user with all channels (median of several users)
``rerank``        fusion of cached channel scores with new weights: the slider-move latency
``candidates``    candidate generation (ANN + MF + recent + popular) vs full scoring: time and recall
``umap``          ``core.vectors.maps`` on a stratified sample of items + users
``evaluate``      ``core.evaluation.protocol`` on 1,000 users (fused configuration + baselines)
``pipeline``      everything an engine holds, in one process: the 4 GB peak-RSS check

All sizes share one workspace (``<workdir>/workspace``): the text-vector cache is keyed by text hash.
Progress goes to stderr. A stage whose core module has not landed is recorded as ``missing`` with the
import error.
Results: ``bench/results/bench_scale.json`` (every figure with its target beside it), ``.md`` and the
log-log chart ``bench/results/scale_cost.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.memory import status_mb
from bench.synth import SIZES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
STAGES: tuple[str, ...] = ("generate", "ingest", "embed_cold", "embed_warm", "index_build", "user_vectors",
                           "als_fit", "channels", "rerank", "candidates", "umap", "evaluate", "pipeline")
MARK = "@@BENCH@@"
RSS_TARGET_MB = 4096.0
RERANK_TARGET_MS = 300.0
SEED = 0


# --- process memory ------------------------------------------------------------------------------


def _rss_mb(field: str) -> float:
    """A ``/proc/self/status`` memory field in MiB (the whole-process peak ``ru_maxrss`` off Linux)."""
    value = status_mb(field)
    return value if value is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --- worker side ---------------------------------------------------------------------------------


@dataclass
class Ctx:
    """Paths and knobs a stage needs."""

    size: str
    n_interactions: int
    n_items: int
    work: Path
    repeats: int
    eval_users: int
    umap_sample: int

    @property
    def data(self) -> Path:
        return self.work / "data"

    def path(self, name: str) -> Path:
        return self.work / name


_START: dict[str, float] = {}


def _start() -> float:
    """Mark the start of the stage proper: remember the RSS so far, return ``perf_counter()``."""
    _START["rss_before_mb"] = round(_rss_mb("VmRSS"), 1)
    return time.perf_counter()


class Missing(Exception):
    """A core module this stage needs has not landed yet."""


def _need(module: str, *names: str) -> Any:
    """Import ``module`` (and check ``names`` exist) or raise :class:`Missing`."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise Missing(f"{module}: {exc}") from exc
    absent = [n for n in names if not hasattr(mod, n)]
    if absent:
        raise Missing(f"{module} lacks {', '.join(absent)}")
    return mod


def _load_dataset(ctx: Ctx) -> Any:
    with open(ctx.path("dataset.pkl"), "rb") as fh:
        return pickle.load(fh)


def _load_vectors(ctx: Ctx) -> np.ndarray:
    return np.load(ctx.path("item_vectors.npy"))


def _median_ms(samples: list[float]) -> float:
    return round(1000.0 * statistics.median(samples), 2)


def _p95_ms(samples: list[float]) -> float:
    return round(1000.0 * float(np.percentile(samples, 95)), 2)


def _ingest_frames(ctx: Ctx) -> tuple[Any, str]:
    """Load the CSVs through core.data.loaders.load_dataset (the upload path); returns (dataset, via)."""
    try:
        data = _need("core.data.loaders", "load_dataset")
    except Missing:
        return _ingest_fallback(ctx), "FALLBACK pandas + Dataset.from_frames (core.data.loaders missing)"
    ds, _, _ = data.load_dataset(ctx.data / "interactions.csv", ctx.data / "items.csv",
                                 name=f"synthetic-{ctx.size}")
    return ds, "core.data.loaders.load_dataset"


def _ingest_fallback(ctx: Ctx) -> Any:
    """Canonical frames straight from the synthetic CSVs (only while core.data.loaders has not landed)."""
    import pandas as pd

    from core.data.dataset import Dataset

    inter = pd.read_csv(ctx.data / "interactions.csv", dtype={"user_id": str, "item_id": str})
    inter["event"] = ""
    items = pd.read_csv(ctx.data / "items.csv", dtype={"item_id": str})
    genres = items.pop("genres").fillna("").str.split("|")
    items["tags"] = [tuple(g) for g in genres]
    items["category"] = [g[0] if g else "" for g in genres]
    return Dataset.from_frames(f"synthetic-{ctx.size}", inter, items)


def stage_generate(ctx: Ctx) -> dict[str, Any]:
    from bench.synth import generate

    t0 = _start()
    summary = generate(ctx.n_interactions, ctx.n_items, ctx.data, seed=SEED)
    return {"seconds": time.perf_counter() - t0, "users": summary.users, "items": summary.items,
            "interactions": summary.interactions}


def stage_ingest(ctx: Ctx) -> dict[str, Any]:
    t0 = _start()
    ds, via = _ingest_frames(ctx)
    _ = ds.matrix, ds.item_popularity  # the engine needs these right away
    seconds = time.perf_counter() - t0
    with open(ctx.path("dataset.pkl.tmp"), "wb") as fh:
        pickle.dump(ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(ctx.path("dataset.pkl.tmp"), ctx.path("dataset.pkl"))
    stats = ds.stats()
    return {"seconds": seconds, "via": via, "users": ds.n_users, "items": ds.n_items,
            "interactions": int(stats["interactions"])}


def catalogue_sha1(ctx: Ctx) -> str:
    """SHA-1 of ``items.csv``: sizes with the same catalogue (1M and 5M) embed the very same texts."""
    import hashlib

    digest = hashlib.sha1()
    with open(ctx.data / "items.csv", "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _embed(ctx: Ctx, cold: bool) -> dict[str, Any]:
    """Item documents + ``embed_texts``. Cold: into a fresh, empty cache folder (then merged into the
    shared workspace cache); warm: straight from the shared workspace cache."""
    import shutil

    documents = _need("core.vectors.documents", "item_documents")
    emb = _need("core.vectors.vector_cache", "embed_texts", "VectorCache")
    encoders = _need("core.vectors.encoders", "load_encoder")
    ds = _load_dataset(ctx)
    encoder = encoders.load_encoder("use-m3")
    encoder.encode(["warm-up"])  # model load is not part of the stage
    shared = emb.VectorCache.default(encoder.model_id)  # the workspace cache evaluate_dataset also reads
    cold_root = ctx.path("cold-cache")
    if cold:
        shutil.rmtree(cold_root, ignore_errors=True)
    cache = emb.VectorCache(cold_root, encoder.model_id) if cold else shared
    t0 = _start()
    docs = documents.item_documents(ds)
    t_docs = time.perf_counter() - t0
    result = emb.embed_texts(encoder, docs, cache)
    seconds = time.perf_counter() - t0
    np.save(ctx.path("item_vectors.npy"), result.vectors)
    if cold:  # hand the freshly encoded shards to the shared cache (other sizes, evaluate, pipeline)
        shared.path.mkdir(parents=True, exist_ok=True)
        for shard in cache.path.glob("shard-*.npz"):
            shutil.move(str(shard), shared.path / shard.name)
        shutil.rmtree(cold_root, ignore_errors=True)
    return {"seconds": seconds, "documents_seconds": t_docs, "n_encoded": result.n_encoded,
            "n_cached": result.n_cached, "catalogue_sha1": catalogue_sha1(ctx),
            "texts_per_second": round(result.n_encoded / max(1e-9, seconds - t_docs), 1) if cold else None}


def stage_embed_cold(ctx: Ctx) -> dict[str, Any]:
    return _embed(ctx, cold=True)


def stage_embed_warm(ctx: Ctx) -> dict[str, Any]:
    return _embed(ctx, cold=False)


def stage_index_build(ctx: Ctx) -> dict[str, Any]:
    index_mod = _need("core.vectors.index", "HnswIndex", "ExactIndex", "recall_at_k")
    vectors = _load_vectors(ctx)
    t0 = _start()
    index = index_mod.HnswIndex(vectors.shape[1]).build(vectors)
    seconds = time.perf_counter() - t0
    index.save(ctx.path("items.hnsw"))
    rng = np.random.default_rng(SEED)
    probe = vectors[rng.choice(len(vectors), size=min(200, len(vectors)), replace=False)]
    t1 = time.perf_counter()
    approx, _ = index.query(probe, 10)
    query_ms = 1000.0 * (time.perf_counter() - t1) / len(probe)
    exact, _ = index_mod.ExactIndex(vectors.shape[1]).build(vectors).query(probe, 10)
    return {"seconds": seconds, "threads": index.threads,
            "recall_at_10": round(index_mod.recall_at_k(approx, exact), 4),
            "query_ms_per_vector": round(query_ms, 3)}


def stage_user_vectors(ctx: Ctx) -> dict[str, Any]:
    emb = _need("core.vectors.users", "user_vectors")
    ds = _load_dataset(ctx)
    vectors = _load_vectors(ctx)
    t0 = _start()
    users, has = emb.user_vectors(ds, vectors)
    seconds = time.perf_counter() - t0
    np.save(ctx.path("user_vectors.npy"), users)
    np.save(ctx.path("has_vector.npy"), has)
    return {"seconds": seconds, "users_with_vector": int(has.sum())}


def _channel_ctx(ctx: Ctx, ds: Any, vectors: np.ndarray) -> Any:
    ch = _need("core.ranking.base", "ChannelContext")
    users = np.load(ctx.path("user_vectors.npy")) if ctx.path("user_vectors.npy").exists() else None
    has = np.load(ctx.path("has_vector.npy")) if ctx.path("has_vector.npy").exists() else None
    return ch.ChannelContext(dataset=ds, item_vectors=vectors, user_vectors=users, has_vector=has)


def stage_als_fit(ctx: Ctx) -> dict[str, Any]:
    reg = _need("core.ranking.registry", "make_channels", "ChannelParams")
    base = _need("core.ranking.base", "ChannelContext")
    ds = _load_dataset(ctx)
    _ = ds.matrix
    mf = reg.make_channels(reg.ChannelParams())["mf"]
    cctx = base.ChannelContext(dataset=ds)
    t0 = _start()
    mf.fit(cctx)
    seconds = time.perf_counter() - t0
    np.save(ctx.path("user_factors.npy"), mf.user_factors_)
    np.save(ctx.path("item_factors.npy"), mf.item_factors_)
    return {"seconds": seconds, "factors": int(mf.params.factors), "iterations": int(mf.params.iterations or 15),
            "threads": int(cctx.num_threads)}


def _sample_users(ds: Any, n: int, seed: int = SEED) -> list[str]:
    """``n`` users spread over activity levels (stratified by interaction-count quartile)."""
    counts = np.diff(ds.matrix.indptr)
    order = np.argsort(counts, kind="stable")
    rng = np.random.default_rng(seed)
    groups = np.array_split(order, 4)
    picks: list[int] = []
    for g in groups:
        picks.extend(rng.choice(g, size=min(len(g), max(1, n // 4)), replace=False).tolist())
    return [str(ds.user_ids[i]) for i in picks[:n]]


def _interest_profile(ds: Any, vectors: np.ndarray) -> Any:
    """A typed-interest profile via core.interests.decompose (real decomposition), or None when it has not landed."""
    try:
        interests = _need("core.interests.decompose", "decompose")
        emb = _need("core.vectors.encoders", "load_encoder")
    except Missing:
        return None
    encoder = emb.load_encoder("use-m3")
    return interests.decompose("space operas and cozy mysteries, nothing gory", encoder, vectors)


class _Ranking:
    """The ranking-stage functions the scale stages use (imported lazily, as every stage does)."""

    def __init__(self) -> None:
        self.registry = _need("core.ranking.registry", "make_channels", "ChannelParams")
        self.base = _need("core.ranking.base", "user_row")
        self.scoring = _need("core.ranking.scoring", "score_queries")
        self.Query = _need("core.ranking.query", "Query").Query

    def score_all(self, channels: Any, query: Any) -> Any:
        """One query's channel scores (a ScoreBatch of one)."""
        return self.scoring.score_queries(channels, [query])

    def user_row(self, ds: Any, uid: str) -> Any:
        return self.base.user_row(ds, uid)

    def seen_mask(self, ds: Any, uid: str) -> np.ndarray:
        mask = np.zeros(ds.n_items, dtype=bool)
        mask[self.base.user_row(ds, uid)[0]] = True
        return mask


def _fit_channels(ctx: Ctx) -> tuple[Any, Any, dict[str, Any], dict[str, float]]:
    ch = _Ranking()
    ds = _load_dataset(ctx)
    vectors = _load_vectors(ctx)
    cctx = _channel_ctx(ctx, ds, vectors)
    channels = ch.registry.make_channels(ch.registry.ChannelParams())
    fit_seconds: dict[str, float] = {}
    for name, channel in channels.items():
        t = time.perf_counter()
        channel.fit(cctx)
        fit_seconds[name] = round(time.perf_counter() - t, 3)
    return ch, ds, channels, fit_seconds


def stage_channels(ctx: Ctx) -> dict[str, Any]:
    t0 = _start()
    ch, ds, channels, fit_seconds = _fit_channels(ctx)
    fit_total = time.perf_counter() - t0
    vectors = _load_vectors(ctx)
    profile = _interest_profile(ds, vectors)
    users = _sample_users(ds, max(5, ctx.repeats))
    per_user: list[float] = []
    per_channel: dict[str, list[float]] = {}
    scores = None
    for uid in users:
        t = time.perf_counter()
        result = ch.score_all(channels, ch.Query(user_id=uid, profile=profile))
        per_user.append(time.perf_counter() - t)
        for name, sec in result.seconds.items():
            per_channel.setdefault(name, []).append(sec)
        if scores is None:
            scores = result
            first_user = uid
    assert scores is not None
    seen = ch.seen_mask(ds, first_user)
    np.savez(ctx.path("scores.npz"), seen=seen, **scores.scores(0))
    return {"seconds": statistics.median(per_user), "score_one_user_ms": _median_ms(per_user),
            "score_one_user_p95_ms": _p95_ms(per_user), "fit_seconds_total": round(fit_total, 2),
            "fit_seconds": fit_seconds, "per_channel_ms": {k: _median_ms(v) for k, v in per_channel.items()},
            "dropped": scores.dropped[0], "with_profile": profile is not None}


def _random_configs(fusion: Any | None, n: int, seed: int = SEED) -> list[Any]:
    """``n`` fusion configs with random weights: what successive slider moves produce."""
    cfg = _need("core.ranking.config", "FusionConfig", "FusionWeights")
    names = _need("core.ranking.registry", "CHANNELS").CHANNELS
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        draws = rng.random(len(names))
        weights = cfg.FusionWeights.from_dict({c: float(w) for c, w in zip(names, draws, strict=True)})
        out.append(cfg.FusionConfig(weights=weights))
    return out


def _fuse(fusion: Any, scores: Any, config: Any, seen: np.ndarray | None, k: int) -> np.ndarray:
    """Run ``core.ranking.fusion.fuse`` (scores: a ScoreBatch or a dict) and return the ranked item indices."""
    result = fusion.fuse(scores, config, k=k, seen=seen)
    return np.asarray(result.items, dtype=np.int64)[:k]


def stage_rerank(ctx: Ctx) -> dict[str, Any]:
    """Slider moves on one query: channel scores cached in a ScoreBatch, only the weights change."""
    fusion = _need("core.ranking.fusion", "fuse", "what_if")
    scoring = _need("core.ranking.scoring", "ScoreBatch")
    data = np.load(ctx.path("scores.npz"))
    seen = data["seen"]
    scores = {k: data[k] for k in data.files if k != "seen"}
    configs = _random_configs(fusion, max(20, ctx.repeats))
    t0 = _start()
    table = scoring.ScoreBatch.from_arrays(scores)
    first = fusion.fuse(table, configs[0], k=20, seen=seen)
    first_s = time.perf_counter() - t0
    moves, with_what_if = [], []
    for config in configs[1:]:
        t = time.perf_counter()
        result = fusion.fuse(table, config, k=20, seen=seen)
        moves.append(time.perf_counter() - t)
        fusion.what_if(table, result, seen=seen)
        with_what_if.append(time.perf_counter() - t)
    return {"seconds": statistics.median(moves), "median_ms": _median_ms(moves), "p95_ms": _p95_ms(moves),
            "with_what_if_median_ms": _median_ms(with_what_if), "with_what_if_p95_ms": _p95_ms(with_what_if),
            "first_fuse_with_table_ms": round(1000 * first_s, 2), "target_ms": RERANK_TARGET_MS,
            "channels": sorted(scores), "n_moves": len(moves), "n_items": len(seen),
            "k": len(first)}


def stage_candidates(ctx: Ctx) -> dict[str, Any]:
    cand = _need("bench.candidates", "generate_candidates", "candidate_recall")
    fusion = _need("core.ranking.fusion", "fuse")
    index_mod = _need("core.vectors.index", "HnswIndex")
    ch, ds, channels, _ = _fit_channels(ctx)
    vectors = _load_vectors(ctx)
    index = index_mod.HnswIndex.load(ctx.path("items.hnsw"))
    user_vecs = np.load(ctx.path("user_vectors.npy"))
    mf = channels["mf"]
    popular = cand.popularity_order(ds.item_popularity, 1000)
    profile = _interest_profile(ds, vectors)
    params = cand.CandidateParams()
    config = _random_configs(fusion, 1)[0]
    config = type(config)()  # the default weights: the ranking a user first sees
    k = 20
    users = _sample_users(ds, 100)
    recalls, overlaps, overlaps_anchored, sizes = [], [], [], []
    t_gen, t_full, t_cand = [], [], []
    for uid in users:
        u = ds.user_index[uid]
        query = ch.Query(user_id=uid, profile=profile)
        seen = ch.seen_mask(ds, uid)
        t = time.perf_counter()
        full = ch.score_all(channels, query)
        full_top = _fuse(fusion, full.scores(0), config, seen, k)
        t_full.append(time.perf_counter() - t)
        queries = [user_vecs[u]]
        if profile is not None and profile.composed_vector() is not None:
            queries.append(profile.composed_vector())
        items_u, _ = ch.user_row(ds, uid)
        t = time.perf_counter()
        cs = cand.generate_candidates(ds.n_items, params, query_vectors=np.vstack(queries), item_index=index,
                                      user_factor=mf.user_factors_[u], item_factors=mf.item_factors_,
                                      recent_items=items_u, item_vectors=vectors, popular=popular,
                                      exclude=np.flatnonzero(seen))
        t_gen.append(time.perf_counter() - t)
        sub = cs.restrict(full.scores(0))
        t = time.perf_counter()
        local = _fuse(fusion, sub, config, None, k)
        t_cand.append(time.perf_counter() - t + t_gen[-1])
        cand_top = cs.to_items(local)
        anchored = fusion.fuse(cs.restrict(full.scores(0), anchors=True), config, k=k, allowed=cs.real_rows())
        overlaps_anchored.append(cand.topk_overlap(cs.to_items(np.asarray(anchored.items)), full_top, k))
        # reference: the fused score over the full catalogue; recall = its top-k inside the candidates
        overlaps.append(cand.topk_overlap(cand_top, full_top, k))
        valid = full_top[full_top >= 0]
        recalls.append(float(np.isin(valid, cs.indices).mean()) if len(valid) else 1.0)
        sizes.append(len(cs))
    return {"seconds": statistics.median(t_gen), "generate_ms": _median_ms(t_gen),
            "candidate_set_size_median": int(statistics.median(sizes)),
            "recall_at_20_mean": round(float(np.mean(recalls)), 4),
            "recall_at_20_min": round(float(np.min(recalls)), 4),
            "fused_top20_overlap_mean": round(float(np.mean(overlaps)), 4),
            "fused_top20_overlap_anchored_mean": round(float(np.mean(overlaps_anchored)), 4),
            "full_score_and_fuse_ms": _median_ms(t_full), "candidates_and_fuse_ms": _median_ms(t_cand),
            "users": len(users), "params": vars(params) if hasattr(params, "__dict__") else str(params)}


def stage_umap(ctx: Ctx) -> dict[str, Any]:
    """Joint item + user UMAP map (core.vectors.maps.build_map) on a stratified sample of the points."""
    proj = _need("core.vectors.maps", "build_map")
    sampling = _need("core.vectors.sampling", "stratified_sample")
    ds = _load_dataset(ctx)
    vectors = _load_vectors(ctx)
    users = np.load(ctx.path("user_vectors.npy"))
    has = np.load(ctx.path("has_vector.npy"))
    t0 = _start()
    user_budget = min(int(has.sum()), ctx.umap_sample // 5)
    item_budget = min(ds.n_items, ctx.umap_sample - user_budget)
    item_idx, _ = sampling.stratified_sample(ds.items["category"].to_numpy(), item_budget, seed=SEED)
    activity = np.diff(ds.matrix.indptr)
    quartile = np.searchsorted(np.quantile(activity, [0.25, 0.5, 0.75]), activity)
    cand_users = np.flatnonzero(has)
    pick, _ = sampling.stratified_sample(quartile[cand_users], user_budget, seed=SEED)
    user_mask = np.zeros(len(users), dtype=bool)
    user_mask[cand_users[pick]] = True
    t_sample = time.perf_counter() - t0
    result = proj.build_map(vectors[item_idx], users, user_mask, fingerprint=f"bench-{ctx.size}",
                            model_id="use-m3", use_cache=False)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "sample_seconds": round(t_sample, 3), "items_mapped": len(item_idx),
            "users_mapped": int(user_mask.sum()), "sample_cap": ctx.umap_sample,
            "trustworthiness": round(float(result.trustworthiness), 4),
            "timings": {k: round(float(v), 2) for k, v in result.timings.items()}}


def stage_evaluate(ctx: Ctx) -> dict[str, Any]:
    """core.evaluation.protocol.evaluate_dataset on 1,000 test users: baselines, every channel alone, fused default."""
    ev = _need("core.evaluation.protocol", "evaluate_dataset", "EvalOptions")
    emb = _need("core.vectors.encoders", "load_encoder")
    ds = _load_dataset(ctx)
    encoder = emb.load_encoder("use-m3")
    encoder.encode(["warm-up"])
    options = ev.EvalOptions(max_users=ctx.eval_users, tune=False, typed=False, seed=SEED)
    t0 = _start()
    report = ev.evaluate_dataset(ds, options, encoder=encoder)
    seconds = time.perf_counter() - t0
    results = report.experiment.results
    return {"seconds": seconds, "users": len(report.experiment.users), "k": options.k,
            "ndcg@10": {r.name: round(float(r.aggregate.get("ndcg", float("nan"))), 4) for r in results},
            "fit_seconds": {r.name: round(r.fit_seconds, 2) for r in results},
            "recommend_seconds": {r.name: round(r.recommend_seconds, 2) for r in results}}


def stage_pipeline(ctx: Ctx) -> dict[str, Any]:
    """Everything the dashboard builds, in one process through ``core.engine.Engine`` (warm text cache).

    Steps: ingest, ``Engine.prepare`` (item vectors, item index, user vectors, every channel), typed
    interests (``Engine.decompose``), the first ranking of one user (channel scores + fusion + what-if +
    explanations), then slider moves: ``Engine.recommend`` with new weights on the cached channel scores
    (the engine time the UI waits for), the sampled UMAP map, and evaluation of 1,000 users. The RSS
    after each step shows what accumulates; ``peak_rss_mb`` is the whole process's peak.
    """
    eng = _need("core.engine", "Engine")
    ch = _need("core.ranking.query", "Query")
    timings: dict[str, float] = {}
    rss_after: dict[str, float] = {}

    def step(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        out = fn()
        timings[name] = round(time.perf_counter() - t, 3)
        rss_after[name] = round(_rss_mb("VmRSS"), 1)
        return out

    t0 = _start()
    ds, _ = step("ingest", lambda: _ingest_frames(ctx))
    engine = eng.Engine(ds)
    step("load_encoder", lambda: engine.encoder.encode(["warm-up"]))
    step("item_vectors", lambda: engine.item_vectors)
    step("item_index", lambda: engine.item_index)
    step("user_vectors", lambda: engine.user_vectors)
    step("channels_fit", lambda: engine.channels)
    profile = step("decompose", lambda: engine.decompose("space operas and cozy mysteries, nothing gory"))
    uid = _sample_users(ds, 4)[-1]  # a user from the most active quartile
    query = ch.Query(user_id=uid, profile=profile)
    build_seconds = time.perf_counter() - t0
    step("first_recommend", lambda: engine.recommend(query))
    configs = _random_configs(None, max(20, ctx.repeats))
    moves: list[float] = []
    for config in configs:
        t = time.perf_counter()
        engine.recommend(query, config)
        moves.append(time.perf_counter() - t)
    rss_after["slider_moves"] = round(_rss_mb("VmRSS"), 1)
    extra: dict[str, Any] = {}
    try:
        umap = stage_umap_inline(ctx, ds, engine)
        timings["umap"] = umap["seconds"]
        rss_after["umap"] = round(_rss_mb("VmRSS"), 1)
    except Missing as exc:
        extra["umap_missing"] = str(exc)
    try:
        ev = _need("core.evaluation.protocol", "evaluate_dataset", "EvalOptions")
        options = ev.EvalOptions(max_users=ctx.eval_users, tune=False, typed=False, seed=SEED)
        step("evaluate", lambda: ev.evaluate_dataset(ds, options, encoder=engine.encoder))
    except Missing as exc:
        extra["evaluate_missing"] = str(exc)
    return {"seconds": time.perf_counter() - t0, "build_seconds": round(build_seconds, 2), "steps": timings,
            "rss_after_mb": rss_after, "slider_engine_median_ms": _median_ms(moves),
            "slider_engine_p95_ms": _p95_ms(moves), "slider_target_ms": RERANK_TARGET_MS,
            "rss_target_mb": RSS_TARGET_MB, "user": uid, "n_profile_tags": len(profile.tags), **extra}


def stage_umap_inline(ctx: Ctx, ds: Any, engine: Any) -> dict[str, Any]:
    """The sampled map inside the pipeline process (same sampling as the ``umap`` stage)."""
    proj = _need("core.vectors.maps", "build_map")
    sampling = _need("core.vectors.sampling", "stratified_sample")
    t0 = time.perf_counter()
    users, has = engine.user_vectors, engine.has_user_vector
    user_budget = min(int(has.sum()), ctx.umap_sample // 5)
    item_idx, _ = sampling.stratified_sample(ds.items["category"].to_numpy(),
                                             min(ds.n_items, ctx.umap_sample - user_budget), seed=SEED)
    cand_users = np.flatnonzero(has)
    pick, _ = sampling.stratified_sample(np.zeros(len(cand_users), dtype=int), user_budget, seed=SEED)
    mask = np.zeros(len(users), dtype=bool)
    mask[cand_users[pick]] = True
    proj.build_map(engine.item_vectors[item_idx], users, mask, fingerprint=f"bench-{ctx.size}",
                   model_id=engine.model, use_cache=False)
    return {"seconds": round(time.perf_counter() - t0, 2)}


WORKERS: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    "generate": stage_generate, "ingest": stage_ingest, "embed_cold": stage_embed_cold,
    "embed_warm": stage_embed_warm, "index_build": stage_index_build, "user_vectors": stage_user_vectors,
    "als_fit": stage_als_fit, "channels": stage_channels, "rerank": stage_rerank,
    "candidates": stage_candidates, "umap": stage_umap, "evaluate": stage_evaluate,
    "pipeline": stage_pipeline,
}


def run_worker(stage: str, ctx: Ctx) -> int:
    """Child process: run one stage, print one JSON line with its figures and memory."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # one workspace for every size: the text-vector cache is keyed by text hash, so the 100k-item
    # catalogue that 1M and 5M share is encoded once (index / projection caches are content-keyed too)
    os.environ["INTERESTLENS_WORKSPACE"] = str(ctx.work.parent / "workspace")
    # the 5M size is above the uploads' default row / decoded-size limits (core.data.read_options): raise them
    os.environ.setdefault("INTERESTLENS_MAX_ROWS", "10000000")
    os.environ.setdefault("INTERESTLENS_MAX_TABLE_MB", "4000")
    payload: dict[str, Any] = {"stage": stage, "size": ctx.size}
    try:
        payload.update(WORKERS[stage](ctx))
        payload["status"] = "ok"
    except Missing as exc:
        payload.update(status="missing", error=str(exc))
    except Exception as exc:  # recorded, not fatal: the other stages still run
        payload.update(status="error", error=f"{type(exc).__name__}: {exc}",
                       traceback=traceback.format_exc()[-2000:])
    payload.update(_START)
    payload["peak_rss_mb"] = round(_rss_mb("VmHWM"), 1)
    print(MARK + json.dumps(payload, default=_json_default), flush=True)
    return 0


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


# --- parent side ---------------------------------------------------------------------------------


def run_stage(stage: str, ctx: Ctx, timeout: float) -> dict[str, Any]:
    """Run ``stage`` in a fresh interpreter; merge its JSON with the parent's view of its memory."""
    cmd = [sys.executable, "-m", "bench.bench_scale", "--worker", stage, "--sizes", ctx.size,
           "--workdir", str(ctx.work.parent), "--repeats", str(ctx.repeats),
           "--eval-users", str(ctx.eval_users), "--umap-sample", str(ctx.umap_sample)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"stage": stage, "size": ctx.size, "status": "timeout", "wall_seconds": timeout}
    wall = time.perf_counter() - started
    line = next((ln for ln in reversed(out.splitlines()) if ln.startswith(MARK)), None)
    if line is None:
        return {"stage": stage, "size": ctx.size, "status": "crashed", "returncode": proc.returncode,
                "stderr": err[-2000:], "wall_seconds": round(wall, 2)}
    payload: dict[str, Any] = json.loads(line[len(MARK):])
    payload["wall_seconds"] = round(wall, 2)
    if isinstance(payload.get("seconds"), float):
        payload["seconds"] = round(payload["seconds"], 4)
    return payload


def _ctx(size: str, workdir: Path, args: argparse.Namespace) -> Ctx:
    n_inter, n_items = SIZES[size]
    work = workdir / size
    work.mkdir(parents=True, exist_ok=True)
    return Ctx(size, n_inter, n_items, work, args.repeats, args.eval_users, args.umap_sample)


def _load_previous() -> dict[str, Any]:
    path = RESULTS / "bench_scale.json"
    if path.exists():
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return data
        except ValueError:
            return {}
    return {}


def _cold_embedding_of_same_catalogue(size: str, ctx: Ctx) -> dict[str, Any] | None:
    """A measured cold embedding (this size first, then any other) of the same ``items.csv``, or None.

    Cold-encoding 100k texts with the real model takes ~25 min on the 2-core machine; 1M and 5M share
    their catalogue (``bench.synth``), so it is measured once per catalogue (``--recold`` re-measures).
    """
    if not (ctx.data / "items.csv").exists():
        return None
    sha = catalogue_sha1(ctx)
    results = _load_previous().get("results", {})
    order = [size] + [s for s in results if s != size]
    for other in order:
        res = results.get(other, {}).get("embed_cold", {})
        if res.get("status") == "ok" and res.get("catalogue_sha1") == sha and not res.get("carried_from"):
            return dict(res)
    return None


def main(argv: list[str] | None = None) -> int:
    """CLI entry point (parent) or one stage (``--worker``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scale", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100k,1m,5m", help=f"comma list of {list(SIZES)}")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma list of stages (default: all)")
    parser.add_argument("--workdir", type=Path, default=ROOT / "workspace" / "bench_scale")
    parser.add_argument("--repeats", type=int, default=20,
                        help="slider moves / scored users per latency figure")
    parser.add_argument("--eval-users", type=int, default=1000)
    parser.add_argument("--umap-sample", type=int, default=20_000)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per stage")
    parser.add_argument("--regenerate", action="store_true", help="re-run the generator even if data exists")
    parser.add_argument("--recold", action="store_true",
                        help="re-measure the cold embedding even if this catalogue was measured before")
    parser.add_argument("--no-write", action="store_true", help="print results, leave bench/results alone")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {list(SIZES)}")
    if args.worker:
        return run_worker(args.worker, _ctx(sizes[0], args.workdir, args))
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    bad = [s for s in stages if s not in STAGES]
    if bad:
        parser.error(f"unknown stage(s) {bad}; choose from {list(STAGES)}")

    for size in sizes:
        ctx = _ctx(size, args.workdir, args)
        for stage in stages:
            previous = _load_previous().get("results", {}).get(size, {}).get("generate", {})
            if stage == "generate" and (ctx.data / "interactions.csv").exists() and not args.regenerate \
                    and previous.get("status") == "ok":
                print(f"[{size}] generate      kept (data exists; --regenerate to redo)", file=sys.stderr,
                      flush=True)
                continue
            if stage == "embed_cold" and not args.recold:
                carried = _cold_embedding_of_same_catalogue(size, ctx)
                if carried is not None:
                    if carried.get("size") == size:
                        print(f"[{size}] embed_cold    kept ({carried['seconds']} s measured earlier on this "
                              "catalogue; --recold to re-measure)", file=sys.stderr, flush=True)
                        continue
                    res = dict(carried, size=size, carried_from=carried.get("size"),
                               note=f"same 100k-item catalogue as {carried.get('size')} (items.csv SHA-1 "
                                    "equal): identical texts, so the cold cost is that measurement")
                    print(f"[{size}] embed_cold    = {carried.get('size')} (same catalogue)", file=sys.stderr,
                          flush=True)
                    if not args.no_write:
                        report = _load_previous()
                        report.setdefault("results", {}).setdefault(size, {})[stage] = res
                        _write(report)
                    continue
            print(f"[{size}] {stage} ...", file=sys.stderr, flush=True)
            res = run_stage(stage, ctx, args.timeout)
            print(f"[{size}] {stage:13s} {res.get('status'):8s} {res.get('seconds', float('nan'))!s:>10} s  "
                  f"peak {res.get('peak_rss_mb', float('nan'))} MB  wall {res.get('wall_seconds')} s  "
                  f"{res.get('error', '')}", file=sys.stderr, flush=True)
            if not args.no_write:  # re-read first: another run may have written other sizes meanwhile
                report = _load_previous()
                report.setdefault("results", {}).setdefault(size, {})[stage] = res
                _write(report)
    return 0


def _environment() -> dict[str, Any]:
    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "mem_total_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "note": "shared 2-core machine; timings are noisy (other processes ran concurrently)"}


def _write(report: dict[str, Any]) -> None:
    """bench_scale.json + .md + the chart (atomic writes)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    report["environment"] = _environment()
    report["targets"] = {"pipeline_peak_rss_mb@1m": RSS_TARGET_MB, "rerank_median_ms@1m": RERANK_TARGET_MS}
    report["sizes"] = {k: {"interactions": v[0], "items": v[1]} for k, v in SIZES.items()}
    report["command"] = "python -m bench.bench_scale --sizes 100k,1m,5m"
    tmp = RESULTS / "bench_scale.json.tmp"
    tmp.write_text(json.dumps(report, indent=2, default=_json_default), encoding="utf-8")
    os.replace(tmp, RESULTS / "bench_scale.json")
    md = RESULTS / "bench_scale.md.tmp"
    md.write_text(render_markdown(report), encoding="utf-8")
    os.replace(md, RESULTS / "bench_scale.md")
    render_chart(report, RESULTS / "scale_cost.png")


# --- report --------------------------------------------------------------------------------------

STAGE_LABELS: dict[str, str] = {
    "generate": "generate (bench.synth)", "ingest": "ingestion (core.data.loaders)",
    "embed_cold": "embedding, cold cache", "embed_warm": "embedding, warm cache",
    "index_build": "HNSW index build", "user_vectors": "user vectors", "als_fit": "ALS fit (mf channel)",
    "channels": "channel scores, one user", "rerank": "fusion re-rank (slider)",
    "candidates": "candidate generation", "umap": "UMAP (sampled)", "evaluate": "evaluation (≤ 1,000 test users)",
    "pipeline": "whole pipeline, one process",
}


def _cell(res: dict[str, Any] | None) -> str:
    if not res:
        return "—"
    status = res.get("status")
    if status != "ok":
        return f"*{status}*"
    sec = float(res.get("seconds", float("nan")))
    time_s = f"{sec * 1000:.1f} ms" if sec < 1 else f"{sec:.1f} s"
    cell = f"{time_s} · {res.get('peak_rss_mb', float('nan')):.0f} MB"
    if res.get("carried_from"):
        cell += f" (= {res['carried_from']}: same catalogue)"
    return cell


def render_markdown(report: dict[str, Any]) -> str:
    """The cost table (time · peak RSS per stage and size), the targets, and what is missing."""
    results: dict[str, dict[str, Any]] = report.get("results", {})
    sizes = [s for s in SIZES if s in results]
    head = " | ".join(f"{s} ({SIZES[s][0]:,} inter. / {SIZES[s][1]:,} items)" for s in sizes)
    lines = ["# Scale benchmark: cost of every pipeline stage vs data size", "",
             "Produced by `python -m bench.bench_scale --sizes 100k,1m,5m` on SYNTHETIC data from "
             "`bench.synth` (MovieLens-shaped). Each cell: stage time (the stage proper) · peak RSS of the "
             "fresh process that ran it (imports and prerequisites included). Shared 2-core machine: "
             "timings are noisy (other agents' jobs ran at the same time; see `environment` in the JSON). "
             "1M and 5M share one 100k-item catalogue, so the cold embedding is measured once (1M); it is "
             "the stage most sensitive to contention (the encoder ran ~6x slower with other jobs on the 2 "
             "cores), re-measure it alone on an idle machine with `--stages embed_cold --recold`.", "",
             f"| stage | {head} |", "|---|" + "---|" * len(sizes)]
    for stage in STAGES:
        if not any(stage in results[s] for s in sizes):
            continue
        cells = " | ".join(_cell(results[s].get(stage)) for s in sizes)
        lines.append(f"| {STAGE_LABELS[stage]} | {cells} |")
    lines += ["", "## Targets (1M interactions / 100k items)", ""]
    one = results.get("1m", {})
    pipe = one.get("pipeline", {})
    rer = one.get("rerank", {})
    peak = max((float(r.get("peak_rss_mb", 0)) for r in one.values() if r.get("status") == "ok"),
               default=float("nan"))
    def verdict(value: Any, target: float) -> str:
        try:
            return "**met**" if float(value) <= target else "**NOT met**"
        except (TypeError, ValueError):
            return "not measured"

    lines.append(f"- whole pipeline in one process: peak RSS "
                 f"{pipe.get('peak_rss_mb', 'n/a')} MB (target {RSS_TARGET_MB:.0f} MB: "
                 f"{verdict(pipe.get('peak_rss_mb'), RSS_TARGET_MB)}); largest single stage {peak:.0f} MB")
    lines.append(f"- slider move, engine time (`Engine.recommend` on cached channel scores: fusion + what-if + "
                 f"explanations, inside the pipeline process): median {pipe.get('slider_engine_median_ms', 'n/a')} "
                 f"ms, p95 {pipe.get('slider_engine_p95_ms', 'n/a')} ms (target {RERANK_TARGET_MS:.0f} ms: "
                 f"{verdict(pipe.get('slider_engine_median_ms'), RERANK_TARGET_MS)})")
    lines.append(f"- fusion alone on a cached ScoreTable (`rerank` stage): median {rer.get('median_ms', 'n/a')} ms, "
                 f"p95 {rer.get('p95_ms', 'n/a')} ms; with what-if ranks {rer.get('with_what_if_median_ms', 'n/a')} ms")
    ev = {s: results[s].get("evaluate", {}) for s in sizes}
    if any(e.get("status") == "ok" for e in ev.values()):
        lines += ["", "## Evaluation: where the time goes", "",
                  "| size | test users | BPR fit | other baselines (fit + lists) | channel + fused lists "
                  "(batched scoring pass) | rest (split, vectors, channel fit, metrics) | total |",
                  "|---|---|---|---|---|---|---|"]
        for s, e in ev.items():
            if e.get("status") != "ok":
                continue
            fits = e.get("fit_seconds", {})
            recs = e.get("recommend_seconds", {})
            shared = sum(v for k, v in recs.items() if k.startswith(("channel:", "fused", "tuned")))
            base = sum(v for k, v in fits.items() if k != "bpr") + sum(
                v for k, v in recs.items() if not k.startswith(("channel:", "fused", "tuned")))
            total = float(e["seconds"])
            rest = total - base - shared - float(fits.get("bpr", 0.0))
            lines.append(f"| {s} | {e.get('users')} | {fits.get('bpr', float('nan')):.1f} s | {base:.1f} s | "
                         f"{shared:.1f} s | {rest:.1f} s | {total:.1f} s |")
    cands = {s: results[s].get("candidates", {}) for s in sizes}
    if any(c.get("status") == "ok" for c in cands.values()):
        lines += ["", "## Candidate generation (ANN + MF + recent-item neighbours + popular)", "",
                  "| size | candidates | recall of full top-20 | fused top-20 overlap (anchored) | generate "
                  "| full score+fuse | candidates+fuse |", "|---|---|---|---|---|---|---|"]
        for s, c in cands.items():
            if c.get("status") == "ok":
                lines.append(f"| {s} | {c['candidate_set_size_median']:,} | {c['recall_at_20_mean']:.3f} "
                             f"(min {c['recall_at_20_min']:.2f}) | {c['fused_top20_overlap_mean']:.3f} "
                             f"({c.get('fused_top20_overlap_anchored_mean', float('nan')):.3f}) | "
                             f"{c['generate_ms']} ms | {c['full_score_and_fuse_ms']} ms | "
                             f"{c['candidates_and_fuse_ms']} ms |")
    problems = [(s, st, r) for s in sizes for st, r in results[s].items() if r.get("status") != "ok"]
    if problems:
        lines += ["", "## Not measured", ""]
        for s, st, r in problems:
            lines.append(f"- {s} {st}: {r.get('status')} — {str(r.get('error', r.get('stderr', '')))[:300]}")
    lines += ["", "![cost vs size](scale_cost.png)", ""]
    return "\n".join(lines)


def render_chart(report: dict[str, Any], path: Path) -> None:
    """Log-log chart: stage time and peak RSS against the number of interactions (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results: dict[str, dict[str, Any]] = report.get("results", {})
    sizes = [s for s in SIZES if s in results]
    if not sizes:
        return
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(13, 5.5))
    markers = "os^vD<>phx*+P1"
    palette = plt.get_cmap("tab20")
    for i, stage in enumerate(STAGES):
        pts = [(SIZES[s][0], results[s][stage]) for s in sizes
               if results[s].get(stage, {}).get("status") == "ok"]
        if not pts:
            continue
        xs = [p[0] for p in pts]
        color = palette(i % 20)  # 13 stages: tab10 would repeat colours
        ax_t.plot(xs, [max(1e-4, float(p[1]["seconds"])) for p in pts], marker=markers[i % len(markers)],
                  label=STAGE_LABELS[stage], color=color)
        ax_m.plot(xs, [float(p[1]["peak_rss_mb"]) for p in pts], marker=markers[i % len(markers)],
                  label=STAGE_LABELS[stage], color=color)
    ax_t.axhline(RERANK_TARGET_MS / 1000.0, color="grey", ls=":", lw=1)
    ax_t.text(SIZES[sizes[0]][0], RERANK_TARGET_MS / 1000.0 * 1.1, "300 ms re-rank target", fontsize=8,
              color="grey")
    ax_m.axhline(RSS_TARGET_MB, color="grey", ls=":", lw=1)
    ax_m.text(SIZES[sizes[0]][0], RSS_TARGET_MB * 1.05, "4 GB target", fontsize=8, color="grey")
    for ax, title, ylabel in ((ax_t, "time per stage", "seconds"), (ax_m, "peak RSS per stage", "MB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("interactions (synthetic; 10k items at 100k, 100k items above)")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    handles, labels = ax_t.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=5, fontsize=8, frameon=False)
    fig.suptitle("InterestLens pipeline cost vs data size (python -m bench.bench_scale)")
    fig.tight_layout(rect=(0, 0.12, 1, 0.95))
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)


if __name__ == "__main__":
    raise SystemExit(main())
