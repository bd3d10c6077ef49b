"""One experiment: every configuration fitted on the same training data, scored on the same users.

An experiment fits every configuration (:class:`ConfigSpec`) on the **same** training Dataset of one
:class:`~core.data.splits.Split`, asks each for its top-k list of every evaluated user (seen items
excluded, full catalogue ranked, no sampled negatives), and scores the lists with
:mod:`core.evaluation.metrics`. The result (:class:`ExperimentResult`) is one table (pandas): the mean
of every metric, a 95% percentile-bootstrap interval over users for each accuracy metric, the best
value per column marked, and paired tests (:mod:`core.evaluation.statistics`, over per-user NDCG@k)
of each fused configuration against the best baseline or single channel.

Configurations: baselines (:func:`baseline_spec`, models from :mod:`core.evaluation.baselines`) and the
dashboard's channels and fusion through a shared :class:`~core.evaluation.suite.ChannelSuite`
(:func:`suite_spec`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.common.artefacts import fingerprint
from core.common.errors import InterestLensError
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.baselines import Recommender, baseline_params, make_baseline
from core.evaluation.checkpoint import Checkpoint
from core.evaluation.statistics import Comparison, Interval, bootstrap_ci, format_p, paired_comparison
from core.evaluation.suite import ChannelSuite, SuiteRecommender
from core.ranking.base import BlockMap
from core.ranking.config import FusionConfig
from core.ranking.ranker import scoring_batch_size


@dataclass
class ConfigResult:
    """One configuration's recommendations and scores on one split."""

    name: str
    group: str
    recommendations: np.ndarray
    per_user: dict[str, np.ndarray]
    aggregate: dict[str, float]
    intervals: dict[str, Interval]
    fit_seconds: float
    recommend_seconds: float
    params: dict[str, Any] = field(default_factory=dict)
    decision: dict[str, Any] | None = None
    """For ``fused_tuned``: the tuning guard's verdict (adopted or kept the defaults, reason, figures)."""


@dataclass
class ConfigSpec:
    """A named configuration to evaluate: a recommender factory and its group.

    Groups: ``baseline`` (classic models), ``channel`` (one dashboard channel alone), ``fused``
    (the dashboard's fusion), ``tuned`` (fusion with weights tuned on the validation split).
    """

    name: str
    group: str
    factory: Callable[[Dataset], Recommender]
    params: dict[str, Any] = field(default_factory=dict)
    decision: dict[str, Any] | None = None


CANDIDATE_GROUPS = ("fused", "tuned")
REFERENCE_GROUPS = ("baseline", "channel")


@dataclass
class ExperimentResult:
    """Every configuration's scores on one split, plus comparisons; renders to a table / JSON / Markdown."""

    k: int
    metrics: tuple[str, ...]
    users: np.ndarray
    results: list[ConfigResult]
    comparisons: list[Comparison]
    split_stats: dict[str, Any]
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, metric: str) -> str:
        """Table column name of a metric (``ndcg@10``)."""
        return f"{metric}@{self.k}"

    def result(self, name: str) -> ConfigResult:
        """The result of the configuration called ``name``."""
        for res in self.results:
            if res.name == name:
                return res
        raise KeyError(name)

    def table(self, with_ci: bool = True) -> pd.DataFrame:
        """One row per configuration: group, mean metrics (``metric@k``), CI bounds, timings."""
        rows = []
        for res in self.results:
            row: dict[str, Any] = {"name": res.name, "group": res.group}
            for metric in self.metrics:
                col = self.column(metric)
                row[col] = res.aggregate.get(metric, float("nan"))
                if with_ci and metric in res.intervals:
                    row[f"{col} low"] = res.intervals[metric].low
                    row[f"{col} high"] = res.intervals[metric].high
            row["fit s"] = res.fit_seconds
            row["recommend s"] = res.recommend_seconds
            rows.append(row)
        return pd.DataFrame(rows).set_index("name")

    def best(self) -> dict[str, str]:
        """Per metric column, the name of the configuration with the best mean (direction-aware)."""
        table = self.table(with_ci=False)
        out: dict[str, str] = {}
        for metric in self.metrics:
            col = self.column(metric)
            values = table[col].astype(float)
            if values.notna().any():
                best = values.idxmax() if M.HIGHER_IS_BETTER.get(metric, True) else values.idxmin()
                out[col] = str(best)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``results`` (per configuration: ``name`` and ``metric@k``), ``best``, tests."""

        def clean(v: float) -> float | None:
            return None if not math.isfinite(v) else round(float(v), 6)

        results = []
        for res in self.results:
            entry: dict[str, Any] = {"name": res.name, "group": res.group}
            for metric in self.metrics:
                entry[self.column(metric)] = clean(res.aggregate.get(metric, float("nan")))
            entry["ci95"] = {
                self.column(m): [clean(iv.low), clean(iv.high)] for m, iv in res.intervals.items()
            }
            entry["fit_seconds"] = round(res.fit_seconds, 3)
            entry["recommend_seconds"] = round(res.recommend_seconds, 3)
            if res.params:
                entry["params"] = res.params
            if res.decision:
                entry["tuning_decision"] = res.decision
            results.append(entry)
        return {
            "k": self.k,
            "n_users": len(self.users),
            "split": {k: v for k, v in self.split_stats.items()},
            "results": results,
            "best": self.best(),
            "significance": [c.as_dict() for c in self.comparisons],
            "seconds": round(self.seconds, 2),
            **self.extra,
        }

    def to_markdown(self, digits: int = 4) -> str:
        """A Markdown table (best per column in bold, CI in brackets) followed by the significance tests."""
        best = self.best()
        cols = [self.column(m) for m in self.metrics]
        lines = ["| configuration | group | " + " | ".join(cols) + " |",
                 "|---|---|" + "---:|" * len(cols)]
        for res in self.results:
            cells = []
            for metric, col in zip(self.metrics, cols, strict=True):
                value = res.aggregate.get(metric, float("nan"))
                text = "—" if not math.isfinite(value) else f"{value:.{digits}f}"
                iv = res.intervals.get(metric)
                if iv is not None and math.isfinite(value) and math.isfinite(iv.low):  # no interval with 0 resamples
                    text += f" [{iv.low:.{digits}f}, {iv.high:.{digits}f}]"
                if best.get(col) == res.name:
                    text = f"**{text}**"
                cells.append(text)
            lines.append(f"| {res.name} | {res.group} | " + " | ".join(cells) + " |")
        notes = [f"{res.name}: {res.decision['message']}" for res in self.results
                 if res.decision and res.decision.get("message")]
        if notes:
            lines += [""] + [f"_{note}._" for note in notes]
        if self.comparisons:
            lines += ["", "| candidate | reference | metric | Δ mean | relative | 95% CI of Δ "
                      "| Wilcoxon p | t-test p |", "|---|---|---|---:|---:|---|---:|---:|"]
            for c in self.comparisons:  # no interval with 0 bootstrap resamples
                ci = f"[{c.diff_low:+.{digits}f}, {c.diff_high:+.{digits}f}]" if math.isfinite(c.diff_low) else "—"
                lines.append(
                    f"| {c.candidate} | {c.reference} | {c.metric} | {c.difference:+.{digits}f} | "
                    f"{c.relative:+.1%} | {ci} | {format_p(c.wilcoxon_p)} | {format_p(c.ttest_p)} |"
                )
        return "\n".join(lines) + "\n"


def evaluate_lists(
    recommendations: np.ndarray, split: Split, users: np.ndarray, *, k: int, metrics: Sequence[str],
    item_vectors: np.ndarray | None, n_boot: int, seed: int, per_user: dict[str, np.ndarray] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, float], dict[str, Interval]]:
    """Per-user accuracy (``per_user`` when already computed, e.g. by user shards), aggregate means
    (accuracy + beyond-accuracy) and bootstrap CIs of one config."""
    acc = [m for m in metrics if m in M.ACCURACY_METRICS]
    beyond = [m for m in metrics if m in M.BEYOND_METRICS]
    if per_user is None:
        per_user = M.accuracy_per_user(recommendations, split.relevant_sets(users), k, acc)
    aggregate = {m: float(v.mean()) if len(v) else float("nan") for m, v in per_user.items()}
    intervals = (
        {m: bootstrap_ci(v, n_boot=n_boot, seed=seed) for m, v in per_user.items()} if n_boot else {}
    )
    train = split.train
    aggregate.update(
        M.beyond_accuracy(
            recommendations, n_items=train.n_items, popularity=train.item_popularity,
            n_users=train.n_users, k=k, item_vectors=item_vectors, metrics=beyond,
        )
    )
    return per_user, aggregate, intervals


def recommend_shard(models: Sequence[Recommender], k: int, accuracy: Sequence[str],
                    shard: tuple[np.ndarray, list[frozenset[int]]]) -> list[tuple[np.ndarray, dict[str, np.ndarray]]]:
    """One shard of users through every model: (top-k lists, per-user accuracy) per model, exactly what the
    local run computes for those users (models sharing a channel suite reuse its one scoring pass)."""
    users, relevant = shard
    out = []
    for model in models:
        recs = model.recommend(users, k, exclude_seen=True)
        out.append((recs, M.accuracy_per_user(recs, relevant, k, accuracy)))
    return out


def user_shards(split: Split, users: np.ndarray, n_shards: int) -> list[tuple[np.ndarray, list[frozenset[int]]]]:
    """``users`` cut into about ``n_shards`` consecutive shards whose sizes are multiples of the ranking
    path's scoring batch, so every shard is scored in the very batches the local run uses."""
    step = scoring_batch_size(split.train.n_items)
    per = step * max(1, math.ceil(len(users) / max(1, n_shards) / step))
    return [(users[a : a + per], split.relevant_sets(users[a : a + per])) for a in range(0, len(users), per)]


def run_experiment(
    split: Split,
    configs: Sequence[ConfigSpec],
    *,
    k: int = 10,
    metrics: Sequence[str] = M.ALL_METRICS,
    item_vectors: np.ndarray | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    compare_metric: str = "ndcg",
    progress: ProgressFn | None = None,
    checkpoint: Checkpoint | None = None,
    map_shards: BlockMap | None = None,
    n_shards: int = 8,
) -> ExperimentResult:
    """Fit and score every configuration on ``split``; compare fused/tuned ones to the best baseline.

    ``item_vectors`` (aligned with the dataset's items) enable intra-list diversity. A configuration
    that raises :class:`~core.common.errors.InterestLensError` while fitting (e.g. a content channel on a
    dataset without item text) is skipped and listed in ``extra["skipped"]`` with the reason. With a
    ``checkpoint`` each configuration's lists are kept as soon as they are ranked, and lists kept by an
    interrupted run with the same configuration are reused (``extra["resumed"]`` names them).

    ``map_shards`` (e.g. ``core.distributed.backend.RayMap``) fits every configuration here, then runs
    :func:`recommend_shard` over ``n_shards`` shards of the users there: lists, per-user metrics, tables
    and intervals are the local run's (``recommend s`` is then the sharded step's wall time, shared).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    metrics = tuple(dict.fromkeys([*metrics, compare_metric]))
    accuracy = [m for m in metrics if m in M.ACCURACY_METRICS]
    users = split.users
    started = time.perf_counter()
    results: list[ConfigResult] = []
    skipped: dict[str, str] = {}
    n = max(1, len(configs))
    resumed: list[str] = []
    ranked: dict[str, tuple[np.ndarray, dict[str, np.ndarray] | None, float, float]] = {}
    fitted: dict[str, tuple[Recommender, float]] = {}
    for i, spec in enumerate(configs):
        key = f"lists:{spec.name}:{fingerprint(spec.params, k, users)}"
        saved = checkpoint.load_lists(key, (len(users), k)) if checkpoint is not None else None
        if saved is not None:
            ranked[spec.name] = (saved[0], None, saved[1], saved[2])
            resumed.append(spec.name)
            report(progress, (i + 0.5) / n, f"{spec.name}: resumed from the interrupted run")
            continue
        report(progress, i / n, f"{spec.name}: fit")
        t0 = time.perf_counter()
        try:
            model = spec.factory(split.train).fit(split.train)
        except InterestLensError as exc:
            skipped[spec.name] = str(exc)
            continue
        fit_s = time.perf_counter() - t0
        if map_shards is None:
            report(progress, (i + 0.5) / n, f"{spec.name}: recommend")
            t1 = time.perf_counter()
            recs = model.recommend(users, k, exclude_seen=True)
            ranked[spec.name] = (recs, None, fit_s, time.perf_counter() - t1)
            if checkpoint is not None:
                checkpoint.save_lists(key, recs, fit_s, ranked[spec.name][3])
        else:
            fitted[spec.name] = (model, fit_s)
    if fitted and map_shards is not None:
        ranked.update(_sharded(fitted, users, split, k, accuracy, map_shards, n_shards, scaled(progress, 0.5, 0.95)))
        if checkpoint is not None:
            for spec in configs:
                if spec.name in fitted:
                    recs, _, fit_s, rec_s = ranked[spec.name]
                    checkpoint.save_lists(f"lists:{spec.name}:{fingerprint(spec.params, k, users)}", recs, fit_s, rec_s)
    for spec in configs:
        if spec.name not in ranked:
            continue
        recs, per_user, fit_s, rec_s = ranked[spec.name]
        per_user, aggregate, intervals = evaluate_lists(
            recs, split, users, k=k, metrics=metrics, item_vectors=item_vectors, n_boot=n_boot, seed=seed,
            per_user=per_user,
        )
        results.append(ConfigResult(spec.name, spec.group, recs, per_user, aggregate, intervals,
                                    fit_s, rec_s, dict(spec.params), spec.decision))
    comparisons = compare_to_best_baseline(results, compare_metric, n_boot=n_boot, seed=seed)
    report(progress, 1.0, "done")
    extra: dict[str, Any] = {"skipped": skipped} if skipped else {}
    if resumed:
        extra["resumed"] = resumed
    return ExperimentResult(k, metrics, users, results, comparisons, dict(split.stats),
                            time.perf_counter() - started, extra)


def _sharded(fitted: dict[str, tuple[Recommender, float]], users: np.ndarray, split: Split, k: int,
             accuracy: Sequence[str], map_shards: BlockMap, n_shards: int, progress: ProgressFn | None,
             ) -> dict[str, tuple[np.ndarray, dict[str, np.ndarray] | None, float, float]]:
    """Every fitted model's lists and per-user accuracy from :func:`recommend_shard` over user shards,
    concatenated in user order."""
    names = list(fitted)
    t0 = time.perf_counter()
    parts = map_shards(recommend_shard, ([fitted[n][0] for n in names], k, accuracy),
                       user_shards(split, users, n_shards), progress)
    rec_s = (time.perf_counter() - t0) / max(1, len(names))
    out: dict[str, tuple[np.ndarray, dict[str, np.ndarray] | None, float, float]] = {}
    for j, name in enumerate(names):
        recs = np.concatenate([part[j][0] for part in parts]) if parts else np.zeros((0, k), np.int64)
        per_user = {m: np.concatenate([part[j][1][m] for part in parts]) if parts else np.zeros(0)
                    for m in accuracy}
        out[name] = (recs, per_user, fitted[name][1], rec_s)
    return out


def compare_to_best_baseline(
    results: Sequence[ConfigResult], metric: str = "ndcg", *, n_boot: int = 1000, seed: int = 0
) -> list[Comparison]:
    """Paired tests of every fused / tuned configuration against the best baseline or single channel."""
    references = [r for r in results if r.group in REFERENCE_GROUPS and metric in r.per_user]
    candidates = [r for r in results if r.group in CANDIDATE_GROUPS and metric in r.per_user]
    if not references or not candidates:
        return []
    best = max(references, key=lambda r: r.aggregate[metric])
    out = []
    for cand in candidates:
        out.append(paired_comparison(cand.per_user[metric], best.per_user[metric],
                                     names=(cand.name, best.name), metric=metric, n_boot=n_boot, seed=seed))
    return out


def baseline_spec(
    name: str, params: dict[str, Any] | None = None, item_vectors: np.ndarray | None = None
) -> ConfigSpec | None:
    """Baseline ``name`` as a ConfigSpec (``params`` over its defaults); None: mean_vector without vectors."""
    if name == "mean_vector" and item_vectors is None:
        return None
    merged = baseline_params(name, params)
    return ConfigSpec(name, "baseline", lambda _t: make_baseline(name, merged, item_vectors), dict(merged))


def suite_spec(suite: ChannelSuite, name: str, group: str, config: FusionConfig) -> ConfigSpec:
    """A ConfigSpec evaluating ``config`` through the shared channel suite."""
    return ConfigSpec(name, group, lambda _t: SuiteRecommender(suite, name, config),
                      {"weights": config.weights.as_dict(), "normalisation": config.normalisation})
