"""Offline evaluation: recommenders, baselines, one experiment table, confidence intervals, significance.

An experiment fits every configuration on the **same** training Dataset of one :class:`~core.data.splits.Split`,
asks each for its top-k list of every evaluated user (seen items excluded, full catalogue ranked, no
sampled negatives), and scores the lists with :mod:`core.evaluation.metrics`. The result is one table (pandas):
the mean of every metric, a 95% percentile-bootstrap interval over users for each accuracy metric,
the best value per column marked, and paired tests (Wilcoxon signed-rank and paired t-test over
per-user NDCG@k) of each fused configuration against the best baseline.

Every configuration implements the small :class:`Recommender` protocol (``fit(train) -> self``;
``recommend(users, k, exclude_seen) -> (n, k) item positions, -1 padded``). Baselines here:

- :class:`MostPopular`: items by number of distinct training users.
- :class:`ItemKNN`: ``implicit``'s item-item cosine neighbourhood model (``K`` neighbours).
- :class:`ImplicitALS` / :class:`ImplicitBPR`: ``implicit``'s ALS (Hu, Koren & Volinsky 2008) and BPR
  (Rendle et al. 2009), trained on binarised interactions.
- :class:`MeanVectorCosine`: the seed articles' recommender: a user vector is the plain mean of the
  vectors of the items they interacted with; items are ranked by cosine to it.

Channel-only and fused configurations (:class:`ChannelRecommender`, :class:`FusedRecommender`) score
with the dashboard's own channels and fusion (:mod:`core.ranking.channels`, :mod:`core.ranking.fusion`), fitted once per
training Dataset in a shared :class:`ChannelSuite`.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse, stats

from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.data.splits import Split
from core.evaluation import metrics as M

# --- the protocol and shared helpers --------------------------------------------------------------


@runtime_checkable
class Recommender(Protocol):
    """Anything that can be fitted on a training Dataset and return top-k item positions per user."""

    name: str

    def fit(self, train: Dataset) -> Self:
        """Learn from the training interactions; returns self."""
        ...

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """Top-``k`` item positions (int64, shape (len(users), k), best first, ``-1`` padded)."""
        ...


def mask_seen(scores: np.ndarray, matrix: sparse.csr_matrix, users: np.ndarray) -> np.ndarray:
    """Set the scores of items each user interacted with in ``matrix`` to ``-inf`` (in place; returned)."""
    sub = matrix[np.asarray(users, dtype=np.int64)]
    rows = np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))
    scores[rows, sub.indices] = -np.inf
    return scores


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest finite scores per row (ties by lower position), ``-1`` padded."""
    scores = np.asarray(scores, dtype=np.float64)
    n, m = scores.shape
    if n == 0:
        return np.zeros((0, k), dtype=np.int64)
    kk = min(k, m)
    part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk] if kk < m else np.tile(np.arange(m), (n, 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    ids = np.take_along_axis(part, order, axis=1).astype(np.int64)
    ids[~np.isfinite(np.take_along_axis(part_scores, order, axis=1))] = -1
    if kk < k:
        ids = np.concatenate([ids, np.full((n, k - kk), -1, dtype=np.int64)], axis=1)
    return ids


class ScoringRecommender:
    """Base class for recommenders that produce a full score row per user (``score_users``)."""

    name: str = "scoring"
    train_: Dataset

    def fit(self, train: Dataset) -> Self:
        """Store the training Dataset (subclasses learn more)."""
        self.train_ = train
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Float64 scores of shape (len(users), n_items); higher is better."""
        raise NotImplementedError

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """Top-k of :meth:`score_users`, seen items excluded, in batches of users."""
        users = np.asarray(users, dtype=np.int64)
        out = np.full((len(users), k), -1, dtype=np.int64)
        batch = max(1, 4_000_000 // max(1, self.train_.n_items))
        for start in range(0, len(users), batch):
            chunk = users[start : start + batch]
            scores = np.array(self.score_users(chunk), dtype=np.float64)
            scores[~np.isfinite(scores)] = -np.inf
            if exclude_seen:
                mask_seen(scores, self.train_.matrix, chunk)
            out[start : start + len(chunk)] = top_k(scores, k)
        return out


# --- baselines ------------------------------------------------------------------------------------


class MostPopular(ScoringRecommender):
    """Ranks every user's unseen items by the number of distinct training users who interacted."""

    def __init__(self, name: str = "most_popular") -> None:
        self.name = name

    def fit(self, train: Dataset) -> Self:
        """Count item popularity on the training data."""
        self.train_ = train
        self.popularity_ = train.item_popularity.astype(np.float64)
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """The same popularity row for every user."""
        return np.tile(self.popularity_, (len(users), 1))


def binarised(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The user-item matrix with every stored interaction set to 1 (float32)."""
    out = matrix.copy().astype(np.float32)
    out.data[:] = 1.0
    out.eliminate_zeros()
    return out


class _ImplicitModel:
    """Shared fit / recommend plumbing for ``implicit`` models (single BLAS thread, seeded)."""

    name: str = "implicit"
    train_: Dataset
    user_items_: sparse.csr_matrix
    model_: Any

    def _make(self) -> Any:
        raise NotImplementedError

    def fit(self, train: Dataset) -> Self:
        """Train the ``implicit`` model on the binarised training matrix."""
        from threadpoolctl import threadpool_limits

        self.train_ = train
        self.user_items_ = binarised(train.matrix)
        with threadpool_limits(1, "blas"), warnings.catch_warnings():
            # implicit's own item-kNN converts an internal COO matrix and warns about it
            warnings.filterwarnings("ignore", message="Method expects CSR input")
            self.model_ = self._make()
            self.model_.fit(self.user_items_, show_progress=False)
        return self

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """``implicit``'s batched ``recommend``; filtered / missing slots become -1."""
        users = np.asarray(users, dtype=np.int64)
        if len(users) == 0:
            return np.zeros((0, k), dtype=np.int64)
        n = min(k, self.train_.n_items)
        ids, scores = self.model_.recommend(
            users, self.user_items_[users], N=n, filter_already_liked_items=exclude_seen
        )
        out: np.ndarray = np.asarray(ids, dtype=np.int64).reshape(len(users), -1)
        values = np.asarray(scores, dtype=np.float64).reshape(len(users), -1)
        out[~np.isfinite(values) | (out < 0)] = -1
        if out.shape[1] < k:
            out = np.concatenate([out, np.full((len(users), k - out.shape[1]), -1, dtype=np.int64)], axis=1)
        return out


class ItemKNN(_ImplicitModel):
    """Item-based k-nearest-neighbour CF: ``implicit.nearest_neighbours.CosineRecommender``."""

    def __init__(self, neighbours: int = 100, name: str = "item_knn") -> None:
        self.neighbours = neighbours
        self.name = name

    def _make(self) -> Any:
        from implicit.nearest_neighbours import CosineRecommender

        return CosineRecommender(K=self.neighbours, num_threads=1)


class ImplicitALS(_ImplicitModel):
    """Weighted-regularised ALS for implicit feedback (``implicit.als``), binarised interactions."""

    def __init__(self, factors: int = 64, regularization: float = 0.05, alpha: float = 2.0,
                 iterations: int = 15, random_state: int = 42, name: str = "als") -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.random_state = random_state
        self.name = name

    def _make(self) -> Any:
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=self.factors, regularization=self.regularization, alpha=self.alpha,
            iterations=self.iterations, random_state=self.random_state, num_threads=1,
        )


class ImplicitBPR(_ImplicitModel):
    """Bayesian personalised ranking matrix factorisation (``implicit.bpr``), binarised interactions."""

    def __init__(self, factors: int = 64, learning_rate: float = 0.05, regularization: float = 0.01,
                 iterations: int = 100, random_state: int = 42, name: str = "bpr") -> None:
        self.factors = factors
        self.learning_rate = learning_rate
        self.regularization = regularization
        self.iterations = iterations
        self.random_state = random_state
        self.name = name

    def _make(self) -> Any:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        return BayesianPersonalizedRanking(
            factors=self.factors, learning_rate=self.learning_rate, regularization=self.regularization,
            iterations=self.iterations, random_state=self.random_state, num_threads=1,
        )


class MeanVectorCosine(ScoringRecommender):
    """The seeds' content recommender: user vector = plain mean of history item vectors; cosine ranking."""

    def __init__(self, item_vectors: np.ndarray, name: str = "mean_vector") -> None:
        self.item_vectors = np.asarray(item_vectors, dtype=np.float32)
        self.name = name

    def fit(self, train: Dataset) -> Self:
        """Average each user's item vectors (no rating or time weighting), then L2-normalise."""
        if self.item_vectors.shape[0] != train.n_items:
            raise ValueError("item_vectors rows must match the training dataset's items")
        norms = np.linalg.norm(self.item_vectors, axis=1, keepdims=True)
        self.unit_ = self.item_vectors / np.where(norms > 0, norms, 1.0)
        profiles = np.asarray(binarised(train.matrix) @ self.unit_, dtype=np.float32)
        pn = np.linalg.norm(profiles, axis=1, keepdims=True)
        self.user_vectors_ = profiles / np.where(pn > 0, pn, 1.0)
        self.train_ = train
        return self

    def score_users(self, users: np.ndarray) -> np.ndarray:
        """Cosine similarity of every item to each user's mean vector."""
        return np.asarray(self.user_vectors_[users] @ self.unit_.T, dtype=np.float64)


# --- experiment ------------------------------------------------------------------------------------


@dataclass
class ConfigResult:
    """One configuration's recommendations and scores on one split."""

    name: str
    group: str
    recommendations: np.ndarray
    per_user: dict[str, np.ndarray]
    aggregate: dict[str, float]
    intervals: dict[str, M.Interval]
    fit_seconds: float
    recommend_seconds: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Comparison:
    """A paired comparison of one configuration against a reference over the same users."""

    candidate: str
    reference: str
    metric: str
    candidate_mean: float
    reference_mean: float
    difference: float
    relative: float
    diff_low: float
    diff_high: float
    wilcoxon_p: float
    ttest_p: float
    n_users: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in self.__dict__.items()}


def paired_comparison(
    candidate: np.ndarray, reference: np.ndarray, *, names: tuple[str, str], metric: str,
    n_boot: int = 1000, seed: int = 0,
) -> Comparison:
    """Wilcoxon signed-rank and paired t-test of per-user ``candidate - reference``, with a bootstrap CI."""
    a = np.asarray(candidate, dtype=np.float64)
    b = np.asarray(reference, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("paired samples must have the same shape")
    diff = a - b
    ci = M.bootstrap_ci(diff, n_boot=n_boot, seed=seed)
    wil = float("nan")
    tt = float("nan")
    if len(diff) >= 2 and np.any(diff != 0):
        wil = float(stats.wilcoxon(a, b, zero_method="wilcox", alternative="two-sided").pvalue)
        tt = float(stats.ttest_rel(a, b).pvalue)
    ref_mean = float(b.mean()) if len(b) else float("nan")
    return Comparison(
        candidate=names[0], reference=names[1], metric=metric,
        candidate_mean=float(a.mean()) if len(a) else float("nan"), reference_mean=ref_mean,
        difference=ci.mean, relative=(ci.mean / ref_mean) if ref_mean else float("nan"),
        diff_low=ci.low, diff_high=ci.high, wilcoxon_p=wil, ttest_p=tt, n_users=len(diff),
    )


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
                if metric in res.intervals and math.isfinite(value):
                    iv = res.intervals[metric]
                    text += f" [{iv.low:.{digits}f}, {iv.high:.{digits}f}]"
                if best.get(col) == res.name:
                    text = f"**{text}**"
                cells.append(text)
            lines.append(f"| {res.name} | {res.group} | " + " | ".join(cells) + " |")
        if self.comparisons:
            lines += ["", "| candidate | reference | metric | Δ mean | relative | 95% CI of Δ "
                      "| Wilcoxon p | t-test p |", "|---|---|---|---:|---:|---|---:|---:|"]
            for c in self.comparisons:
                lines.append(
                    f"| {c.candidate} | {c.reference} | {c.metric} | {c.difference:+.{digits}f} | "
                    f"{c.relative:+.1%} | [{c.diff_low:+.{digits}f}, {c.diff_high:+.{digits}f}] | "
                    f"{_fmt_p(c.wilcoxon_p)} | {_fmt_p(c.ttest_p)} |"
                )
        return "\n".join(lines) + "\n"


def _fmt_p(p: float) -> str:
    if not math.isfinite(p):
        return "—"
    return f"{p:.2e}" if p < 1e-3 else f"{p:.4f}"


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


CANDIDATE_GROUPS = ("fused", "tuned")
REFERENCE_GROUPS = ("baseline", "channel")


def evaluate_lists(
    recommendations: np.ndarray, split: Split, users: np.ndarray, *, k: int, metrics: Sequence[str],
    item_vectors: np.ndarray | None, n_boot: int, seed: int,
) -> tuple[dict[str, np.ndarray], dict[str, float], dict[str, M.Interval]]:
    """Per-user accuracy, aggregate means (accuracy + beyond-accuracy) and bootstrap CIs of one config."""
    acc = [m for m in metrics if m in M.ACCURACY_METRICS]
    beyond = [m for m in metrics if m in M.BEYOND_METRICS]
    per_user = M.accuracy_per_user(recommendations, split.relevant_sets(users), k, acc)
    aggregate = {m: float(v.mean()) if len(v) else float("nan") for m, v in per_user.items()}
    intervals = (
        {m: M.bootstrap_ci(v, n_boot=n_boot, seed=seed) for m, v in per_user.items()} if n_boot else {}
    )
    train = split.train
    aggregate.update(
        M.beyond_accuracy(
            recommendations, n_items=train.n_items, popularity=train.item_popularity,
            n_users=train.n_users, k=k, item_vectors=item_vectors, metrics=beyond,
        )
    )
    return per_user, aggregate, intervals


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
) -> ExperimentResult:
    """Fit and score every configuration on ``split``; compare fused/tuned ones to the best baseline.

    ``item_vectors`` (aligned with the dataset's items) enable intra-list diversity. A configuration
    that raises :class:`~core.common.errors.InterestLensError` while fitting (e.g. a content channel on a
    dataset without item text) is skipped and listed in ``extra["skipped"]`` with the reason.
    """
    from core.common.errors import InterestLensError

    if k < 1:
        raise ValueError("k must be at least 1")
    metrics = tuple(dict.fromkeys([*metrics, compare_metric]))
    users = split.users
    started = time.perf_counter()
    results: list[ConfigResult] = []
    skipped: dict[str, str] = {}
    n = max(1, len(configs))
    for i, spec in enumerate(configs):
        report(progress, i / n, f"{spec.name}: fit")
        t0 = time.perf_counter()
        try:
            model = spec.factory(split.train).fit(split.train)
        except InterestLensError as exc:
            skipped[spec.name] = str(exc)
            continue
        t1 = time.perf_counter()
        report(progress, (i + 0.5) / n, f"{spec.name}: recommend")
        recs = model.recommend(users, k, exclude_seen=True)
        t2 = time.perf_counter()
        per_user, aggregate, intervals = evaluate_lists(
            recs, split, users, k=k, metrics=metrics, item_vectors=item_vectors, n_boot=n_boot, seed=seed
        )
        results.append(ConfigResult(spec.name, spec.group, recs, per_user, aggregate, intervals,
                                    t1 - t0, t2 - t1, dict(spec.params)))
    comparisons = compare_to_best_baseline(results, compare_metric, n_boot=n_boot, seed=seed)
    report(progress, 1.0, "done")
    extra: dict[str, Any] = {"skipped": skipped} if skipped else {}
    return ExperimentResult(k, metrics, users, results, comparisons, dict(split.stats),
                            time.perf_counter() - started, extra)


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


def baseline_specs(item_vectors: np.ndarray | None = None) -> list[ConfigSpec]:
    """The classic baselines: most popular, item-kNN, ALS, BPR and (with vectors) mean-vector cosine."""
    specs = [
        ConfigSpec("most_popular", "baseline", lambda _t: MostPopular()),
        ConfigSpec("item_knn_cf", "baseline", lambda _t: ItemKNN(name="item_knn_cf"), {"K": 100}),
        ConfigSpec("als", "baseline", lambda _t: ImplicitALS(), {"factors": 64, "regularization": 0.05}),
        ConfigSpec("bpr", "baseline", lambda _t: ImplicitBPR(), {"factors": 64, "iterations": 100}),
    ]
    if item_vectors is not None:
        vecs = item_vectors
        specs.append(ConfigSpec("mean_vector", "baseline", lambda _t: MeanVectorCosine(vecs)))
    return specs




# --- the dashboard's channels and fusion as recommenders -------------------------------------------


def has_item_text(dataset: Dataset) -> bool:
    """True when items carry any text beyond their ids (title, description, tags, category, user tags)."""
    items = dataset.items
    if len(items) == 0:
        return False
    titled = (items["title"].astype(str) != items["item_id"].astype(str)).any()
    described = (items["description"].astype(str).str.strip() != "").any()
    tagged = any(len(t) for t in items["tags"])
    categorised = (items["category"].astype(str).str.strip() != "").any()
    user_tagged = dataset.user_tags is not None and len(dataset.user_tags) > 0
    return bool(titled or described or tagged or categorised or user_tagged)


SCORING_BATCH_BYTES = 48 * 2**20
"""Bytes of one channel's (users x items) float64 score block while scoring users in batches."""


def scoring_batch_size(n_items: int) -> int:
    """Users scored together: one channel's block stays near :data:`SCORING_BATCH_BYTES` (8..256 users)."""
    return int(min(256, max(8, SCORING_BATCH_BYTES // (8 * max(1, n_items)))))


class ChannelSuite:
    """The dashboard's channels fitted once on one training Dataset, shared by every channel/fused config.

    Users are scored in batches with :func:`core.ranking.channels.score_batch` (one matrix product / one
    batched PageRank walk per channel and batch: the same scores :func:`core.ranking.channels.score_all` gives,
    history and mf up to float32 rounding) and fused one by one with the real
    :func:`core.ranking.fusion.fuse` (what the dashboard shows); every registered fusion config is evaluated
    in the same pass so channel scores are computed once per user. ``profiles`` (training
    ``user_idx`` -> interest profile) add typed interests to those users' queries.
    """

    def __init__(
        self,
        train: Dataset,
        item_vectors: np.ndarray | None = None,
        *,
        params: Any | None = None,
        encoder: Any | None = None,
        profiles: dict[int, Any] | None = None,
    ) -> None:
        self.train = train
        self.item_vectors = item_vectors
        self.params = params
        self.encoder = encoder
        self.profiles: dict[int, Any] = dict(profiles or {})
        self.configs: dict[str, Any] = {}
        self._memo: dict[tuple[bytes, int], dict[str, np.ndarray]] = {}
        self.scoring_seconds = 0.0

    def fit(self, progress: ProgressFn | None = None) -> Self:
        """Compute user vectors (when item vectors exist) and fit every channel on the training data."""
        from core.ranking.channels import ChannelContext, build_channels

        t0 = time.perf_counter()
        user_vecs = has_vector = None
        if self.item_vectors is not None:
            from core.vectors.embedding import user_vectors

            user_vecs, has_vector = user_vectors(self.train, self.item_vectors)
        ctx = ChannelContext(self.train, self.item_vectors, user_vecs, has_vector, self.encoder)
        self.channels_ = build_channels(ctx, self.params, progress)
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def with_profiles(self, profiles: dict[int, Any]) -> ChannelSuite:
        """A suite sharing these fitted channels whose queries carry the given typed interests."""
        other = ChannelSuite(self.train, self.item_vectors, params=self.params, encoder=self.encoder,
                             profiles=profiles)
        other.channels_ = self.channels_
        other.fit_seconds_ = 0.0
        return other

    def query(self, user: int) -> Any:
        """The channel query of one training user (with typed interests when the suite has them)."""
        from core.ranking.channels import Query

        return Query(user_id=str(self.train.user_ids[int(user)]), profile=self.profiles.get(int(user)))

    def applicable(self, users: np.ndarray) -> dict[str, float]:
        """Per channel, the share of ``users`` it can score (0 = the channel drops out everywhere)."""
        counts = dict.fromkeys(self.channels_, 0)
        for u in users:
            q = self.query(int(u))
            for name, channel in self.channels_.items():
                counts[name] += channel.why_not(q) is None
        return {name: c / max(1, len(users)) for name, c in counts.items()}

    def drop_reasons(self, users: np.ndarray) -> dict[str, str]:
        """For channels that apply to none of ``users``: the English reason (from the first user)."""
        from core.ranking.channels import DROP_REASONS

        out: dict[str, str] = {}
        share = self.applicable(users)
        for name, s in share.items():
            if s == 0 and len(users):
                code = self.channels_[name].why_not(self.query(int(users[0]))) or "unknown"
                out[name] = DROP_REASONS.get(code, code)
        return out

    def register(self, name: str, config: Any) -> None:
        """Add a fusion config (:class:`core.common.config.FusionConfig`) to evaluate in the shared pass."""
        if self.configs.get(name) == config:
            return
        self.configs[name] = config
        self._memo.clear()

    def recommend_all(
        self, users: np.ndarray, k: int, progress: ProgressFn | None = None
    ) -> dict[str, np.ndarray]:
        """Top-k lists of every registered config for ``users`` (one channel-scoring pass, memoised)."""
        from core.common.errors import ConfigError
        from core.ranking.channels import score_batch, user_row
        from core.ranking.fusion import ScoreTable, fuse

        users = np.asarray(users, dtype=np.int64)
        key = (users.tobytes(), k)
        if key in self._memo:
            return self._memo[key]
        t0 = time.perf_counter()
        out = {name: np.full((len(users), k), -1, dtype=np.int64) for name in self.configs}
        step = scoring_batch_size(self.train.n_items)
        for start in range(0, len(users), step):
            chunk = users[start : start + step]
            queries = [self.query(int(u)) for u in chunk]
            batch = score_batch(self.channels_, queries)  # channel scores of the whole chunk at once
            for offset, q in enumerate(queries):
                row = start + offset
                scored = batch.row(offset)
                if not scored.scores:
                    continue
                table = ScoreTable(scored.scores, scored.dropped)
                seen, _ = user_row(self.train, q.user_id)
                for name, config in self.configs.items():
                    weights = config.weights.as_dict()
                    if not any(weights.get(c, 0.0) > 0 for c in table.names):
                        continue  # every channel with weight dropped out for this user: empty list
                    try:
                        items = fuse(table, config, k=k, seen=seen, item_vectors=self.item_vectors,
                                     with_baseline=False).items
                    except ConfigError:
                        continue
                    out[name][row, : len(items)] = items
            report(progress, min(1.0, (start + len(chunk)) / max(1, len(users))),
                   f"scored users {start + len(chunk)}/{len(users)}")
        self.scoring_seconds = time.perf_counter() - t0
        self._memo = {key: out}
        return out

    def batch(self, users: np.ndarray, normalisations: Sequence[str] = ("minmax", "zscore", "rank"),
              progress: ProgressFn | None = None, channels: Sequence[str] | None = None) -> BatchScores:
        """Normalised channel scores of ``users`` held in memory, for fast repeated fusion (tuning).

        ``channels`` limits what is kept (default: every channel); leave out only channels that apply
        to none of ``users``, else fusion would differ from :func:`core.ranking.fusion.fuse`.
        """
        return BatchScores.build(self, users, normalisations, progress, channels)


class BatchScores:
    """Normalised channel scores of many users, fused in one vectorised step per configuration.

    Holds, per normalisation, a float32 array (n_channels, n_users, n_items) computed with
    :func:`core.ranking.fusion.normalise` row by row (a channel that drops out for a user is all zero there, as
    if absent). :meth:`top_k` reproduces :func:`core.ranking.fusion.fuse`'s weighted ranking (seen items
    excluded, ties by item index) for all users at once; the tests check it against ``fuse``.
    """

    def __init__(self, users: np.ndarray, names: tuple[str, ...], normalised: dict[str, np.ndarray],
                 seen: sparse.csr_matrix, excluded: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        self.users = users
        self.names = names
        self.normalised = normalised
        self.seen = seen
        self.excluded = excluded

    @classmethod
    def build(cls, suite: ChannelSuite, users: np.ndarray, normalisations: Sequence[str],
              progress: ProgressFn | None = None, channels: Sequence[str] | None = None) -> BatchScores:
        """Score ``users`` with the channels of ``suite`` (all, or ``channels``) and normalise each row."""
        from core.ranking.channels import score_batch
        from core.ranking.fusion import normalise

        users = np.asarray(users, dtype=np.int64)
        names = tuple(c for c in suite.channels_ if channels is None or c in channels)
        n_items = suite.train.n_items
        arrays = {m: np.zeros((len(names), len(users), n_items), dtype=np.float32) for m in normalisations}
        excl_rows: dict[int, list[np.ndarray]] = {}
        excl_cols: dict[int, list[np.ndarray]] = {}
        step = scoring_batch_size(n_items)
        for start in range(0, len(users), step):
            chunk = users[start : start + step]
            batch = score_batch(suite.channels_, [suite.query(int(u)) for u in chunk], only=names)
            for offset in range(len(chunk)):
                row = start + offset
                scored = batch.row(offset)
                for j, name in enumerate(names):
                    if name not in scored.scores:
                        continue
                    raw = np.asarray(scored.scores[name], dtype=np.float64)
                    for method, arr in arrays.items():
                        arr[j, row] = normalise(raw, method)
                    neg = np.flatnonzero(np.isneginf(raw))
                    if len(neg):
                        excl_rows.setdefault(j, []).append(np.full(len(neg), row))
                        excl_cols.setdefault(j, []).append(neg)
            report(progress, min(1.0, (start + len(chunk)) / max(1, len(users))),
                   f"scored users {start + len(chunk)}/{len(users)}")
        excluded = {j: (np.concatenate(excl_rows[j]), np.concatenate(excl_cols[j])) for j in excl_rows}
        report(progress, 1.0, "scores ready")
        return cls(users, names, arrays, suite.train.matrix[users], excluded)

    def fused(self, config: Any) -> np.ndarray:
        """Fused scores (n_users, n_items) float64 under a weighted ``config``; ineligible items -inf."""
        from core.common.errors import ConfigError

        if config.method != "weighted":
            raise ConfigError("batched fusion supports the weighted method only")
        if config.normalisation not in self.normalised:
            raise ConfigError(f"normalisation {config.normalisation!r} was not precomputed")
        norm = self.normalised[config.normalisation]
        weights = config.weights.as_dict()
        total = np.zeros(norm.shape[1:], dtype=np.float64)
        for j, name in enumerate(self.names):
            w = float(weights.get(name, 0.0))
            if w > 0:
                total += w * norm[j]
        for j, (rows, cols) in self.excluded.items():
            if float(weights.get(self.names[j], 0.0)) > 0:
                total[rows, cols] = -np.inf
        if config.exclude_seen:
            mask_seen(total, self.seen, np.arange(len(self.users)))
        return total

    def top_k(self, config: Any, k: int) -> np.ndarray:
        """Top-k item positions per user under ``config`` (``-1`` padded)."""
        return top_k(self.fused(config), k)


class SuiteRecommender:
    """One registered fusion config of a :class:`ChannelSuite` as a :class:`Recommender`."""

    def __init__(self, suite: ChannelSuite, name: str, config: Any) -> None:
        self.suite = suite
        self.name = name
        self.config = config
        suite.register(name, config)

    def fit(self, train: Dataset) -> Self:
        """The suite is fitted once up front; ``train`` must be its training Dataset."""
        if train is not self.suite.train:
            raise ValueError("the channel suite was fitted on a different training dataset")
        return self

    def recommend(self, users: np.ndarray, k: int, exclude_seen: bool = True) -> np.ndarray:
        """This config's lists from the suite's shared scoring pass."""
        return self.suite.recommend_all(users, k)[self.name]


# --- the whole evaluation: split, baselines, channels, fusion, tuning, typed interests ----------------

BASELINES: tuple[str, ...] = ("most_popular", "item_knn_cf", "als", "bpr", "mean_vector")
"""Baseline configuration names, in table order."""


@dataclass(frozen=True)
class EvalOptions:
    """Everything one evaluation run needs to know (the page and the CLI fill it in)."""

    split: Any = None  # SplitParams; None = SplitParams()
    k: int = 10
    metrics: tuple[str, ...] = M.ALL_METRICS
    baselines: tuple[str, ...] = BASELINES
    channels: tuple[str, ...] = ("semantic", "history", "mf", "item_knn", "popularity", "recency", "graph")
    fused: bool = True
    fusion: Any = None  # FusionConfig; None = FusionConfig()
    tune: bool = True
    n_trials: int = 40
    timeout: float | None = None
    tune_users: int | None = None  # validation users to tune on; None = all (capped by BATCH_MEMORY)
    tune_normalisation: bool = True
    tune_baselines: bool = False
    baseline_trials: int = 8
    tune_channels: bool = False
    channel_trials: int = 10
    typed: bool = True
    model: str | None = "use-m3"
    n_boot: int = 1000
    seed: int = 42
    max_users: int | None = None


@dataclass
class EvaluationReport:
    """The result of :func:`evaluate_dataset`: the test-split table plus tuning and typed-interest parts."""

    experiment: ExperimentResult
    options: EvalOptions
    dataset: str
    tuning: Any | None = None  # core.evaluation.tuning.TuningResult
    baseline_tuning: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_tuning: dict[str, dict[str, Any]] = field(default_factory=dict)
    typed: dict[str, Any] | None = None
    dropped_channels: dict[str, str] = field(default_factory=dict)
    validation_stats: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    runtime: dict[str, Any] = field(default_factory=dict, repr=False)
    """Live objects for follow-up analyses (validation split, fitted suites); never serialised."""

    def table(self, with_ci: bool = True) -> pd.DataFrame:
        """The experiment table (see :meth:`ExperimentResult.table`)."""
        return self.experiment.table(with_ci)

    def to_dict(self) -> dict[str, Any]:
        """One JSON object: ``results`` (per configuration), ``best``, ``significance``, tuning, typed."""
        from core.data.splits import SplitParams

        out = self.experiment.to_dict()
        split = self.options.split or SplitParams()
        out["dataset"] = self.dataset
        out["split"] = {"params": split.as_dict(), **out["split"]}
        if self.validation_stats:
            out["validation_split"] = self.validation_stats
        if self.tuning is not None:
            out["tuning"] = self.tuning.as_dict()
        if self.baseline_tuning:
            out["baseline_tuning"] = self.baseline_tuning
        if self.channel_tuning:
            out["channel_tuning"] = self.channel_tuning
        if self.typed is not None:
            out["typed_interests"] = self.typed
        if self.dropped_channels:
            out["dropped_channels"] = self.dropped_channels
        out["seconds"] = round(self.seconds, 2)
        return out

    def to_markdown(self, digits: int = 4) -> str:
        """The table and tests as Markdown, plus the tuned weights and the typed-interest comparison."""
        parts = [f"## {self.dataset}: k = {self.experiment.k}, {len(self.experiment.users)} test users\n",
                 self.experiment.to_markdown(digits)]
        if self.tuning is not None:
            weights = ", ".join(f"{c} {w:.3f}" for c, w in self.tuning.best_config.weights.as_dict().items())
            parts.append(
                f"\nTuned on the validation split ({self.tuning.n_trials} trials, seed {self.tuning.seed}): "
                f"{self.tuning.metric} {self.tuning.base_value:.4f} (default) → "
                f"{self.tuning.best_value:.4f}; "
                f"normalisation {self.tuning.best_config.normalisation}; weights {weights}.\n"
            )
        if self.typed is not None and self.typed.get("rows"):
            n_typed = self.typed["n_users"]
            parts.append(
                f"\nTyped interests ({n_typed} test users with their own free-text tags; semantic weight "
                "either the configuration's own or chosen on validation users):\n\n"
                "| configuration | ndcg history | ndcg + typed (own w) | ndcg + typed (chosen w) | w chosen "
                "| recall history | recall + typed (chosen w) | Wilcoxon p (chosen vs history) |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|"
            )

            def num(value: Any) -> str:
                return "—" if value is None else f"{float(value):.{digits}f}"

            for row in self.typed["rows"]:
                p = row.get("wilcoxon_p_tuned")
                parts.append(
                    f"| {row['name']} | {num(row['ndcg_history'])} | {num(row['ndcg_typed'])} | "
                    f"{num(row.get('ndcg_typed_tuned'))} | {row.get('chosen_semantic_weight', '—')} | "
                    f"{num(row['recall_history'])} | {num(row.get('recall_typed_tuned'))} | "
                    f"{_fmt_p(p if p is not None else float('nan'))} |"
                )
            only = self.typed.get("typed_only", {})
            parts.append(f"\nTyped interests alone (semantic channel only): ndcg {num(only.get('ndcg'))}, "
                         f"recall {num(only.get('recall'))}.\n")
        if self.dropped_channels:
            parts.append("\nChannels that dropped out: " + "; ".join(
                f"{c} ({r})" for c, r in self.dropped_channels.items()) + "\n")
        return "\n".join(parts)


def _item_vectors_for(
    dataset: Dataset, encoder: Any | None, progress: ProgressFn | None
) -> np.ndarray | None:
    """Item vectors of ``dataset``'s own item documents (None without an encoder or item text)."""
    if encoder is None or not has_item_text(dataset):
        return None
    from core.vectors.embedding import embed_items

    return np.asarray(embed_items(dataset, encoder, progress=progress).vectors, dtype=np.float32)


def _ndcg_objective(
    recommend: Callable[[np.ndarray, int], np.ndarray], split: Split, users: np.ndarray, k: int
) -> float:
    recs = recommend(users, k)
    return float(M.accuracy_per_user(recs, split.relevant_sets(users), k, ("ndcg",))["ndcg"].mean())


def _baseline_space(name: str, trial: Any) -> tuple[Recommender, dict[str, Any]]:
    """Optuna search space of one baseline; returns the model and its parameters."""
    if name == "item_knn_cf":
        params: dict[str, Any] = {"neighbours": trial.suggest_int("neighbours", 10, 400, log=True)}
        return ItemKNN(params["neighbours"], name=name), params
    if name == "als":
        params = {
            "factors": trial.suggest_categorical("factors", [32, 64, 128]),
            "regularization": trial.suggest_float("regularization", 1e-3, 1.0, log=True),
            "alpha": trial.suggest_float("alpha", 0.5, 40.0, log=True),
        }
        return ImplicitALS(**params, name=name), params
    if name == "bpr":
        params = {
            "factors": trial.suggest_categorical("factors", [32, 64, 128]),
            "learning_rate": trial.suggest_float("learning_rate", 0.005, 0.2, log=True),
            "regularization": trial.suggest_float("regularization", 1e-4, 0.1, log=True),
            "iterations": trial.suggest_int("iterations", 50, 300, step=50),
        }
        return ImplicitBPR(**params, name=name), params
    raise ValueError(f"baseline {name!r} has no hyper-parameters to tune")


TUNABLE_BASELINES: tuple[str, ...] = ("item_knn_cf", "als", "bpr")


def tune_baseline(
    name: str, validation: Split, *, k: int = 10, n_trials: int = 8, seed: int = 42,
    users: np.ndarray | None = None, progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Tune one baseline's hyper-parameters on the validation split (Optuna TPE, seeded); best params."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    chosen = validation.users if users is None else users
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    defaults: dict[str, dict[str, Any]] = {"item_knn_cf": {"neighbours": 100},
                "als": {"factors": 64, "regularization": 0.05, "alpha": 2.0},
                "bpr": {"factors": 64, "learning_rate": 0.05, "regularization": 0.01, "iterations": 100}}
    study.enqueue_trial(defaults[name])

    def objective(trial: Any) -> float:
        model, _ = _baseline_space(name, trial)
        model.fit(validation.train)
        value = _ndcg_objective(lambda u, kk: model.recommend(u, kk), validation, chosen, k)
        report(progress, (trial.number + 1) / n_trials, f"{name}: trial {trial.number + 1}/{n_trials}")
        return value

    study.optimize(objective, n_trials=n_trials)
    return {"params": dict(study.best_params), "validation_ndcg": round(float(study.best_value), 6),
            "default_validation_ndcg": round(float(study.trials[0].value or 0.0), 6), "n_trials": n_trials}


def _baseline_spec(name: str, params: dict[str, Any], item_vectors: np.ndarray | None) -> ConfigSpec | None:
    if name == "most_popular":
        return ConfigSpec(name, "baseline", lambda _t: MostPopular(name))
    if name == "item_knn_cf":
        nb = int(params.get("neighbours", 100))
        return ConfigSpec(name, "baseline", lambda _t: ItemKNN(nb, name=name), {"neighbours": nb})
    if name == "als":
        p = {"factors": 64, "regularization": 0.05, "alpha": 2.0, **params}
        return ConfigSpec(name, "baseline", lambda _t: ImplicitALS(**p, name=name), dict(p))
    if name == "bpr":
        p = {"factors": 64, "learning_rate": 0.05, "regularization": 0.01, "iterations": 100, **params}
        return ConfigSpec(name, "baseline", lambda _t: ImplicitBPR(**p, name=name), dict(p))
    if name == "mean_vector":
        if item_vectors is None:
            return None
        vecs = item_vectors
        return ConfigSpec(name, "baseline", lambda _t: MeanVectorCosine(vecs, name=name))
    raise ValueError(f"unknown baseline {name!r}; expected some of {list(BASELINES)}")


def user_tag_text(dataset: Dataset, max_tags: int = 8) -> dict[int, str]:
    """Per training user with free-text tags: their most frequent distinct tags joined by ", "."""
    tags = dataset.user_tags
    if tags is None or len(tags) == 0 or not {"user_id", "tag"} <= set(tags.columns):
        return {}
    frame = pd.DataFrame({"user_id": tags["user_id"].astype(str), "tag": tags["tag"].astype(str).str.strip()})
    frame = frame[(frame["tag"] != "") & frame["user_id"].isin(dataset.user_index)]
    frame["key"] = frame["tag"].str.casefold()
    grouped = frame.groupby(["user_id", "key"], sort=False)
    counts = grouped.agg(n=("tag", "size"), tag=("tag", "first")).reset_index()
    counts = counts.sort_values(["user_id", "n", "key"], ascending=[True, False, True], kind="stable")
    out: dict[int, str] = {}
    for uid, group in counts.groupby("user_id", sort=False):
        out[dataset.user_index[str(uid)]] = ", ".join(group["tag"].head(max_tags))
    return out


TYPED_WEIGHTS: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0)
"""Semantic-channel weights tried on validation users when adding typed interests to a fusion config."""


def _typed_profiles(
    split: Split, encoder: Any, item_vectors: np.ndarray | None, max_tags: int, progress: ProgressFn | None
) -> tuple[dict[int, Any], dict[int, str], int]:
    """Interest profiles decomposed from each evaluated user's own free-text tags (training part only)."""
    from core.common.errors import InterestLensError
    from core.interests.decompose import decompose
    from core.interests.text import add_user_terms, catalogue_terms

    texts = user_tag_text(split.train, max_tags)
    candidates = sorted(u for u in texts if u in split.relevant)
    # the same catalogue terms the dashboard's Engine.decompose uses (Chinese titles / tags kept whole)
    items = split.train.items
    terms = catalogue_terms(items["title"].tolist(), [t for tags in items["tags"] for t in tags])
    add_user_terms(terms)
    profiles: dict[int, Any] = {}
    for i, u in enumerate(candidates):
        try:
            profiles[u] = decompose(texts[u], encoder, item_vectors, max_tags=max_tags, catalogue_terms=terms)
        except InterestLensError:
            continue  # tags without any usable words (symbols only): no typed interests
        report(progress, (i + 1) / max(1, len(candidates)), "decomposing typed interests")
    return profiles, texts, len(candidates)


def _with_semantic(config: Any, weight: float) -> Any:
    return _with_weight(config, "semantic", weight)


def typed_interest_evaluation(
    suite: ChannelSuite, split: Split, encoder: Any, configs: dict[str, Any], *, k: int = 10,
    max_tags: int = 8, validation_suite: ChannelSuite | None = None, validation: Split | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """History-only vs history + typed interests (the users' own free-text tags), same test users.

    Typed interests are each user's most frequent free-text tags written on *training* items (tags on
    held-out items were removed by the split), decomposed with :func:`core.interests.decompose.decompose`. For
    every fusion config three lists are compared on the users who have such tags: history only; history
    + typed with the config's own semantic weight; and history + typed with the semantic weight picked
    from :data:`TYPED_WEIGHTS` on the validation split's tagged users (never on test users).
    """
    profiles, texts, n_tagged = _typed_profiles(split, encoder, suite.item_vectors, max_tags,
                                                scaled(progress, 0.0, 0.3))
    users = np.array(sorted(profiles), dtype=np.int64)
    result: dict[str, Any] = {"n_users": len(users), "n_users_with_tags": n_tagged, "rows": [],
                              "weights_tried": list(TYPED_WEIGHTS)}
    if len(users) == 0:
        return result
    chosen: dict[str, float] = {}
    if validation_suite is not None and validation is not None:
        val_profiles, _, _ = _typed_profiles(validation, encoder, validation_suite.item_vectors, max_tags,
                                             scaled(progress, 0.3, 0.45))
        val_users = np.array(sorted(val_profiles), dtype=np.int64)
        if len(val_users):
            sweep = validation_suite.with_profiles(val_profiles)
            for name, config in configs.items():
                for w in TYPED_WEIGHTS:
                    sweep.register(f"{name}|{w}", _with_semantic(config, w))
            lists = sweep.recommend_all(val_users, k, scaled(progress, 0.45, 0.6))
            rel = validation.relevant_sets(val_users)
            for name in configs:
                values = {
                    w: float(M.accuracy_per_user(lists[f"{name}|{w}"], rel, k, ("ndcg",))["ndcg"].mean())
                    for w in TYPED_WEIGHTS
                }
                chosen[name] = max(TYPED_WEIGHTS, key=lambda w: (values[w], -w))
            result["n_validation_users"] = len(val_users)
    from core.ranking.fusion import channel_only_config

    plain = ChannelSuite(suite.train, suite.item_vectors, params=suite.params, encoder=suite.encoder)
    plain.channels_ = suite.channels_
    typed = suite.with_profiles(profiles)
    for name, config in configs.items():
        plain.register(name, config)
        typed.register(name, config)
        if name in chosen:
            typed.register(f"{name}|chosen", _with_semantic(config, chosen[name]))
    typed.register("channel:semantic (typed only)", channel_only_config("semantic"))
    before = plain.recommend_all(users, k, scaled(progress, 0.6, 0.8))
    after = typed.recommend_all(users, k, scaled(progress, 0.8, 1.0))
    relevant = split.relevant_sets(users)

    def scores(recs: np.ndarray) -> dict[str, np.ndarray]:
        return M.accuracy_per_user(recs, relevant, k, ("ndcg", "recall"))

    for name, config in configs.items():
        a = scores(before[name])
        b = scores(after[name])
        row: dict[str, Any] = {
            "name": name, "semantic_weight": float(config.weights.semantic),
            "ndcg_history": float(a["ndcg"].mean()), "ndcg_typed": float(b["ndcg"].mean()),
            "recall_history": float(a["recall"].mean()), "recall_typed": float(b["recall"].mean()),
            "wilcoxon_p": _p_or_none(paired_comparison(b["ndcg"], a["ndcg"], names=("typed", name),
                                                       metric="ndcg").wilcoxon_p),
        }
        if name in chosen:
            c = scores(after[f"{name}|chosen"])
            comp = paired_comparison(c["ndcg"], a["ndcg"], names=("typed tuned", name), metric="ndcg")
            row.update({
                "chosen_semantic_weight": chosen[name], "ndcg_typed_tuned": float(c["ndcg"].mean()),
                "recall_typed_tuned": float(c["recall"].mean()),
                "wilcoxon_p_tuned": _p_or_none(comp.wilcoxon_p),
            })
        result["rows"].append(row)
    only = scores(after["channel:semantic (typed only)"])
    result["typed_only"] = {"ndcg": float(only["ndcg"].mean()), "recall": float(only["recall"].mean())}
    result["examples"] = [{"user_id": str(split.train.user_ids[u]), "text": texts[u],
                           "tags": [t.text for t in profiles[u].tags]} for u in users[:3]]
    report(progress, 1.0, "typed interests done")
    return result


def _p_or_none(p: float) -> float | None:
    return p if math.isfinite(p) else None


def _suite_spec(suite: ChannelSuite, name: str, group: str, config: Any) -> ConfigSpec:
    """A ConfigSpec evaluating ``config`` through the shared channel suite."""
    return ConfigSpec(name, group, lambda _t: SuiteRecommender(suite, name, config),
                      {"weights": config.weights.as_dict(), "normalisation": config.normalisation})


def tune_fusion_on_validation(
    validation: Split,
    users: np.ndarray | None = None,
    *,
    options: EvalOptions | None = None,
    encoder: Any | None = None,
    channel_params: Any | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Any | None, ChannelSuite]:
    """Tune fusion weights (+ normalisation) with Optuna on ``validation`` users; (result, fitted suite).

    Channels are fitted on ``validation.train`` (item vectors from its own item documents when an
    encoder is given); every channel in ``options.channels`` that applies to at least one validation
    user is tuned. The result is ``None`` when no channel applies.
    """
    from core.common.config import FusionConfig
    from core.evaluation.tuning import NORMALISATIONS, tune_fusion
    from core.ranking.channels import ChannelParams

    opts = options or EvalOptions()
    base_config = opts.fusion or FusionConfig()
    chosen = tuning_users(validation, opts) if users is None else users
    report(progress, 0.0, "fitting channels on the validation split's training data")
    vectors = _item_vectors_for(validation.train, encoder, None)
    params = channel_params or ChannelParams(random_state=opts.seed)
    suite = ChannelSuite(validation.train, vectors, params=params, encoder=encoder)
    suite.fit(scaled(progress, 0.0, 0.1))
    share = suite.applicable(chosen)
    applicable = [c for c, v in share.items() if v > 0]
    tunable = [c for c in opts.channels if c in applicable]
    if not tunable or len(chosen) == 0:
        return None, suite
    norms = NORMALISATIONS if opts.tune_normalisation else (base_config.normalisation,)
    per_user = len(applicable) * validation.train.n_items * 4 * len(norms)
    if len(chosen) * per_user > BATCH_MEMORY:  # keep the in-memory score cube bounded on big catalogues
        chosen = np.sort(np.random.default_rng(opts.seed).choice(chosen, max(1, BATCH_MEMORY // per_user),
                                                                 replace=False))
    batch = suite.batch(chosen, norms, scaled(progress, 0.1, 0.35), channels=applicable)
    relevant = validation.relevant_sets(chosen)

    def objective(config: Any) -> float:
        recs = batch.top_k(config, opts.k)
        return float(M.accuracy_per_user(recs, relevant, opts.k, ("ndcg",))["ndcg"].mean())

    result = tune_fusion(
        objective, tunable, base=base_config, n_trials=opts.n_trials, timeout=opts.timeout, seed=opts.seed,
        tune_normalisation=opts.tune_normalisation, metric=f"ndcg@{opts.k}",
        progress=scaled(progress, 0.35, 1.0),
    )
    result.context["n_validation_users"] = len(chosen)
    return result, suite


BATCH_MEMORY = 768 * 2**20
"""Bytes the tuner may hold as normalised score cubes (users x channels x items x normalisations)."""


def tuning_users(validation: Split, options: EvalOptions) -> np.ndarray:
    """Validation users to tune on: all, or a seeded sample of ``options.tune_users``."""
    if options.tune_users is None or options.tune_users <= 0:
        return validation.users
    return validation.subsample(options.tune_users, seed=options.seed).users


TUNABLE_CHANNELS: tuple[str, ...] = ("mf", "item_knn")
"""Channels whose own hyper-parameters :func:`tune_channel_params` can tune on validation."""


def _channel_space(name: str, trial: Any) -> dict[str, Any]:
    """Optuna search space of one channel's :class:`core.ranking.channels.ChannelParams` fields."""
    if name == "mf":
        return {
            "mf_factors": trial.suggest_categorical("mf_factors", [32, 64, 128]),
            "mf_regularization": trial.suggest_float("mf_regularization", 1e-3, 10.0, log=True),
            "mf_alpha": trial.suggest_float("mf_alpha", 0.1, 50.0, log=True),
        }
    if name == "item_knn":
        return {
            "knn_neighbours": trial.suggest_int("knn_neighbours", 10, 400, log=True),
            "knn_use_rating": trial.suggest_categorical("knn_use_rating", [False, True]),
        }
    raise ValueError(f"channel {name!r} has no hyper-parameters to tune")


def channel_ndcg(channel: Any, split: Split, users: np.ndarray, k: int) -> float:
    """Mean NDCG@k of one fitted channel used alone (seen items excluded) on ``split``'s ``users``."""
    from core.ranking.channels import Query

    scores = np.stack([np.asarray(channel.score(Query(user_id=str(split.train.user_ids[int(u)]))),
                                  dtype=np.float64) for u in users])
    mask_seen(scores, split.train.matrix, users)
    recs = top_k(scores, k)
    return float(M.accuracy_per_user(recs, split.relevant_sets(users), k, ("ndcg",))["ndcg"].mean())


def tune_channel_params(
    validation: Split, users: np.ndarray, *, base: Any, channels: Sequence[str] = TUNABLE_CHANNELS,
    k: int = 10, n_trials: int = 10, seed: int = 42, progress: ProgressFn | None = None,
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """Tune the mf / item_knn channels' own hyper-parameters alone on validation (Optuna TPE, seeded).

    The same treatment :func:`tune_baseline` gives the baselines, so fusion does not win merely
    because its components were tuned and the baselines were not (or the reverse). Returns the
    updated :class:`core.ranking.channels.ChannelParams` and, per channel, the best parameters with the
    default's and the best validation NDCG.
    """
    from dataclasses import replace

    import optuna

    from core.ranking.channels import ChannelContext, make_channels

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    ctx = ChannelContext(validation.train)
    params = base
    summary: dict[str, dict[str, Any]] = {}
    todo = [c for c in channels if c in TUNABLE_CHANNELS]
    for i, name in enumerate(todo):
        sub = scaled(progress, i / len(todo), (i + 1) / len(todo))
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
        defaults = {f: getattr(base, f) for f in ({"mf": ("mf_factors", "mf_regularization", "mf_alpha"),
                                                  "item_knn": ("knn_neighbours", "knn_use_rating")}[name])}
        study.enqueue_trial(defaults)

        def objective(
            trial: Any, name: str = name, sub: ProgressFn | None = sub, start: Any = params
        ) -> float:
            trial_params = replace(start, **_channel_space(name, trial))
            channel = make_channels(trial_params)[name].fit(ctx)
            report(sub, (trial.number + 1) / n_trials, f"channel {name}: trial {trial.number + 1}/{n_trials}")
            return channel_ndcg(channel, validation, users, k)

        study.optimize(objective, n_trials=n_trials)
        params = replace(params, **study.best_params)
        summary[name] = {
            "params": dict(study.best_params), "validation_ndcg": round(float(study.best_value), 6),
            "default_validation_ndcg": round(float(study.trials[0].value or 0.0), 6), "n_trials": n_trials,
        }
    return params, summary


def prepare_encoder(dataset: Dataset, options: EvalOptions, encoder: Any | None = None) -> Any | None:
    """The encoder to embed item text with: None when the dataset has no item text or the model is off."""
    if options.model is None or not has_item_text(dataset):
        return None
    if encoder is not None:
        return encoder
    from core.vectors.embedding import load_encoder

    return load_encoder(str(options.model))


def tune_dataset(
    dataset: Dataset,
    options: EvalOptions | None = None,
    *,
    encoder: Any | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Any | None, Split]:
    """Only the tuning step of :func:`evaluate_dataset`: (TuningResult or None, the validation split).

    The validation split is carved out of the test split's training part exactly as in
    :func:`evaluate_dataset`, so weights tuned here can be evaluated there without leakage.
    """
    from core.data.splits import SplitParams, tuning_splits

    opts = options or EvalOptions()
    _, validation = tuning_splits(dataset, opts.split or SplitParams())
    enc = prepare_encoder(dataset, opts, encoder)
    result, _ = tune_fusion_on_validation(validation, options=opts, encoder=enc, progress=progress)
    return result, validation


def evaluate_dataset(
    dataset: Dataset,
    options: EvalOptions | None = None,
    *,
    encoder: Any | None = None,
    progress: ProgressFn | None = None,
) -> EvaluationReport:
    """Split ``dataset``, tune on validation, and evaluate baselines, channels and fusion on the test split.

    Steps (progress reported throughout): split (+ a validation split carved out of training when
    tuning); item vectors of the training items (``options.model``; skipped without item text, so
    content channels and the mean-vector baseline drop out with a reason); optional baseline tuning
    and fusion tuning on validation users only; one experiment on the test split with every
    configuration; the typed-interest comparison for users who wrote free-text tags.
    """
    from core.common.config import FusionConfig
    from core.common.errors import ConfigError
    from core.data.splits import SplitParams, split_dataset, tuning_splits
    from core.ranking.channels import ChannelParams
    from core.ranking.fusion import channel_only_config

    opts = options or EvalOptions()
    params = opts.split or SplitParams()
    base_config = opts.fusion or FusionConfig()
    started = time.perf_counter()
    report(progress, 0.0, "splitting")
    try:
        split, validation = tuning_splits(dataset, params)
    except ConfigError:  # too little data to carve a validation split: evaluate without tuning
        if opts.tune or opts.tune_baselines or opts.tune_channels:
            raise
        split, validation = split_dataset(dataset, params), None
    if opts.max_users is not None:
        split = split.subsample(opts.max_users, seed=opts.seed)
    if len(split.relevant) == 0:
        raise ConfigError("no user has a relevant held-out item; try another split or a lower threshold")
    report(progress, 0.02, f"loading encoder {opts.model}")
    encoder = prepare_encoder(dataset, opts, encoder)
    report(progress, 0.05, "embedding items")
    item_vectors = _item_vectors_for(split.train, encoder, scaled(progress, 0.05, 0.15))
    channel_params = ChannelParams(random_state=opts.seed)
    channel_tuning: dict[str, dict[str, Any]] = {}

    baseline_params: dict[str, dict[str, Any]] = {}
    tuning = None
    val_suite: ChannelSuite | None = None
    validation_stats: dict[str, Any] = {}
    val_users = np.zeros(0, dtype=np.int64)
    if validation is not None:
        validation_stats = dict(validation.stats)
        val_users = tuning_users(validation, opts)
        if opts.tune_baselines:
            todo = [b for b in opts.baselines if b in TUNABLE_BASELINES]
            for i, name in enumerate(todo):
                sub = scaled(progress, 0.15 + 0.15 * i / len(todo), 0.15 + 0.15 * (i + 1) / len(todo))
                report(sub, 0.0, f"tuning baseline {name}")
                baseline_params[name] = tune_baseline(
                    name, validation, k=opts.k, n_trials=opts.baseline_trials, seed=opts.seed,
                    users=val_users, progress=sub,
                )
        if opts.tune_channels:
            channel_params, channel_tuning = tune_channel_params(
                validation, val_users, base=channel_params,
                channels=[c for c in TUNABLE_CHANNELS if c in opts.channels], k=opts.k,
                n_trials=opts.channel_trials, seed=opts.seed, progress=scaled(progress, 0.3, 0.4),
            )
        if opts.tune and opts.fused:
            report(progress, 0.4, "tuning fusion weights on the validation split")
            tuning, val_suite = tune_fusion_on_validation(
                validation, val_users, options=opts, encoder=encoder, channel_params=channel_params,
                progress=scaled(progress, 0.4, 0.6),
            )

    report(progress, 0.6, "fitting channels on the test split's training data")
    specs: list[ConfigSpec] = []
    skipped: dict[str, str] = {}
    for name in opts.baselines:
        spec = _baseline_spec(name, baseline_params.get(name, {}).get("params", {}), item_vectors)
        if spec is None:
            skipped[name] = "needs item vectors (no item text or no encoder)"
        else:
            if name in baseline_params:
                spec.params["tuned_on_validation"] = True
            specs.append(spec)
    dropped: dict[str, str] = {}
    configs_for_typed: dict[str, Any] = {}
    if opts.channels or opts.fused:
        suite = ChannelSuite(split.train, item_vectors, params=channel_params, encoder=encoder)
        suite.fit(scaled(progress, 0.6, 0.65))
        dropped = suite.drop_reasons(split.users)
        for name in opts.channels:
            if name in dropped:
                continue
            only = channel_only_config(name, base_config)
            specs.append(_suite_spec(suite, f"channel:{name}", "channel", only))
        if opts.fused:
            specs.append(_suite_spec(suite, "fused_default", "fused", base_config))
            configs_for_typed["fused_default"] = base_config
            if tuning is not None:
                specs.append(_suite_spec(suite, "fused_tuned", "tuned", tuning.best_config))
                configs_for_typed["fused_tuned"] = tuning.best_config
        # register every suite config before the first recommend so one scoring pass serves them all
        for spec in specs:
            if spec.group in ("channel", "fused", "tuned"):
                spec.factory(split.train)
    experiment = run_experiment(
        split, specs, k=opts.k, metrics=opts.metrics, item_vectors=item_vectors, n_boot=opts.n_boot,
        seed=opts.seed, progress=scaled(progress, 0.65, 0.92),
    )
    if skipped:
        experiment.extra.setdefault("skipped", {}).update(skipped)
    shared = [r for r in experiment.results if r.group in ("channel", "fused", "tuned")]
    if shared:  # one scoring pass served every suite config: split its time evenly (amortised)
        total = sum(r.recommend_seconds for r in shared)
        for r in shared:
            r.recommend_seconds = total / len(shared)
        experiment.extra["channel_fit_seconds"] = round(suite.fit_seconds_, 2)
    typed = None
    if opts.typed and encoder is not None and item_vectors is not None and configs_for_typed:
        typed = typed_interest_evaluation(
            suite, split, encoder, configs_for_typed, k=opts.k, validation_suite=val_suite,
            validation=validation, progress=scaled(progress, 0.92, 1.0),
        )
    report(progress, 1.0, "evaluation done")
    return EvaluationReport(
        experiment=experiment, options=opts, dataset=dataset.name, tuning=tuning,
        baseline_tuning=baseline_params, channel_tuning=channel_tuning, typed=typed, dropped_channels=dropped,
        validation_stats=validation_stats, seconds=time.perf_counter() - started,
        runtime={"validation": validation, "validation_users": val_users, "validation_suite": val_suite,
                 "channel_params": channel_params, "encoder": encoder, "split": split},
    )


SWEEP_WEIGHTS: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
"""Default weights of :func:`weight_sweep`."""


def weight_sweep(
    evaluation: EvaluationReport,
    channel: str,
    weights: Sequence[float] = SWEEP_WEIGHTS,
    *,
    base: Any | None = None,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """NDCG / recall / coverage@k on the **validation** users as one channel's weight moves.

    The other weights stay at ``base`` (default: the tuned config, else the run's fusion config).
    Runs on the validation split, so reading the curve never amounts to tuning on the test split.
    Columns: ``weight``, ``ndcg@k``, ``recall@k``, ``coverage@k``.
    """
    from core.common.config import CHANNELS, FusionConfig
    from core.common.errors import ConfigError

    if channel not in CHANNELS:
        raise ConfigError(f"unknown channel {channel!r}")
    validation: Split | None = evaluation.runtime.get("validation")
    if validation is None:
        raise ConfigError("this run has no validation split to sweep on")
    k = evaluation.experiment.k
    if base is None:
        base = evaluation.tuning.best_config if evaluation.tuning is not None else evaluation.options.fusion
    base = base or FusionConfig()
    suite: ChannelSuite | None = evaluation.runtime.get("validation_suite")
    if suite is None:
        encoder = evaluation.runtime.get("encoder")
        vectors = _item_vectors_for(validation.train, encoder, None)
        suite = ChannelSuite(validation.train, vectors, params=evaluation.runtime.get("channel_params"),
                             encoder=encoder)
        suite.fit(scaled(progress, 0.0, 0.3))
        evaluation.runtime["validation_suite"] = suite
    users = evaluation.runtime.get("validation_users")
    if users is None or len(users) == 0:
        users = tuning_users(validation, evaluation.options)
    batch = suite.batch(users, (base.normalisation,), scaled(progress, 0.3, 0.9))
    relevant = validation.relevant_sets(users)
    rows = []
    for w in weights:
        recs = batch.top_k(_with_weight(base, channel, float(w)), k)
        acc = M.accuracy_per_user(recs, relevant, k, ("ndcg", "recall"))
        rows.append({"weight": float(w), f"ndcg@{k}": float(acc["ndcg"].mean()),
                     f"recall@{k}": float(acc["recall"].mean()),
                     f"coverage@{k}": M.catalogue_coverage(recs, validation.train.n_items, k)})
    report(progress, 1.0, "sweep done")
    return pd.DataFrame(rows)


def _with_weight(config: Any, channel: str, weight: float) -> Any:
    """``config`` with one channel's weight replaced."""
    from dataclasses import replace

    from core.common.config import FusionWeights

    weights = config.weights.as_dict()
    weights[channel] = float(weight)
    return replace(config, weights=FusionWeights.from_dict(weights))


def runs_table(runs: Sequence[tuple[str, dict[str, Any]]]) -> pd.DataFrame:
    """Compare stored runs: one row per (run, configuration) with every ``metric@k`` column they report.

    ``runs`` holds ``(run label, EvaluationReport.to_dict() payload)`` pairs (what the workspace
    stores). Runs with different ``k`` simply fill different columns.
    """
    rows: list[dict[str, Any]] = []
    for label, payload in runs:
        for entry in payload.get("results", []):
            row: dict[str, Any] = {"run": label, "name": entry.get("name"), "group": entry.get("group")}
            row.update({key: value for key, value in entry.items() if "@" in key})
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=["run", "name", "group"])
    return pd.DataFrame(rows)


def benchmark_options() -> EvalOptions:
    """The settings of ``python -m bench.bench_evaluate`` (the README's MovieLens table).

    Per-user random 80/20 split, relevance = rating >= 4 (of 5), k = 10, seed 42. Every tunable
    component gets the same treatment on the validation split: item-kNN / ALS / BPR baselines (8 Optuna
    trials each), the mf / item_knn channels (10 trials each), then the fusion weights and
    normalisation (60 trials) on every validation user. The Evaluate page's "benchmark settings"
    button loads exactly these, so it reproduces the same numbers.
    """
    from core.data.splits import SplitParams

    return EvalOptions(
        split=SplitParams(kind="random", test_ratio=0.2, relevance_threshold=4.0, seed=42),
        k=10, n_trials=60, tune_users=None, tune_baselines=True, baseline_trials=8, tune_channels=True,
        channel_trials=10, typed=True, n_boot=1000, seed=42,
    )
