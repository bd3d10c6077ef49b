"""Compare two configurations on the same split and the same test users: what changes, for whom, and how much.

A configuration (:class:`Configuration`) is a fusion config (the default fusion, a bundled or saved preset,
a JSON configuration file), one channel alone (``channel:<name>``) or a baseline (:data:`BASELINES`). Both
are ranked on one :class:`~core.data.splits.Split` through the paths the evaluation table uses: fused and
single-channel configurations through a :class:`~core.evaluation.suite.ChannelSuite` (the engine's one
batch-first path, :meth:`~core.ranking.ranker.Ranker.rank_many`, one scoring pass for both), baselines
through :func:`~core.evaluation.baselines.make_baseline`; per-user metrics come from
:func:`core.evaluation.metrics.accuracy_per_user`, deltas and tests from
:func:`core.evaluation.statistics.paired_comparison`.

:func:`compare_configurations` returns a :class:`ConfigComparison` (frozen, :meth:`~ConfigComparison.to_dict`
is JSON-ready). Every delta is **B - A**: A is the reference, B the candidate; a "win" is a user whose
NDCG@k is higher under B. List overlap per user: Jaccard@k and rank-biased overlap (:func:`rbo_ext`).
The users with the largest gains and losses carry both lists with the held-out relevant items marked and,
for fused configurations, each channel's contribution to every listed item
(:attr:`core.ranking.fusion.FusionResult.contributions`, from :meth:`~core.ranking.ranker.Ranker.recommend`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.common.errors import ConfigError
from core.common.files import read_bounded
from core.common.progress import ProgressFn, report, scaled
from core.data.dataset import Dataset
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.baselines import BASELINES, make_baseline
from core.evaluation.options import has_item_text
from core.evaluation.statistics import paired_comparison
from core.evaluation.suite import ChannelSuite
from core.ranking.base import ChannelContext
from core.ranking.config import FusionConfig
from core.ranking.fusion import channel_only_config
from core.ranking.presets import MAX_BYTES, bundled_presets, config_from_json
from core.ranking.ranker import Ranker
from core.ranking.registry import CHANNELS, ChannelParams, make_channels
from core.vectors.encoders import Encoder
from core.vectors.users import user_vectors

COMPARE_METRICS: tuple[str, ...] = ("ndcg", "recall", "precision", "map", "mrr", "hit_rate")
"""Accuracy metrics compared (per user, then paired)."""
RBO_P = 0.9
"""Persistence of rank-biased overlap: the top 10 ranks carry about 86% of the weight (Webber et al. 2010)."""
TIE_TOLERANCE = 1e-12
"""Per-user NDCG differences at most this large count as ties."""
TEXT_CHANNELS: tuple[str, ...] = ("semantic", "gist", "history", "learned")
"""Channels that score from item-text vectors: the encoder is loaded only when a compared config uses one."""
STAGES: dict[str, str] = {
    "split": "splitting the data", "vectors": "embedding item text", "fit": "fitting the compared models",
    "rank": "ranking both configurations", "metrics": "per-user metrics and paired tests",
    "cases": "largest gains and losses",
}
"""The named stages :func:`compare_configurations` reports (progress messages equal to these values)."""


# --- configurations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Configuration:
    """One side of a comparison: ``kind`` ``fused`` (``config``), ``channel`` (``config`` = that channel
    alone) or ``baseline`` (``baseline``, a :data:`BASELINES` name); ``label`` is what the user typed."""

    label: str
    kind: str
    config: FusionConfig | None = None
    baseline: str | None = None

    def channels(self) -> tuple[str, ...]:
        """The channels this configuration ranks with (positive weight); none for a baseline."""
        if self.config is None:
            return ()
        return tuple(c for c, w in self.config.weights.items() if w > 0)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (the fusion config in full when there is one)."""
        out: dict[str, Any] = {"label": self.label, "kind": self.kind}
        if self.config is not None:
            out["config"] = self.config.to_dict()
        if self.baseline is not None:
            out["baseline"] = self.baseline
        return out


def resolve_configuration(text: str, presets: Mapping[str, FusionConfig] | None = None) -> Configuration:
    """``default``, ``channel:<name>``, a baseline name, a bundled preset (key or name), a saved preset in
    ``presets`` (name -> config) or a JSON configuration file; anything else raises ConfigError."""
    label = str(text).strip()
    if not label:
        raise ConfigError("a configuration name is empty; give a preset, a baseline, channel:<name> or a file")
    if label in ("default", "fused_default"):
        return Configuration(label, "fused", FusionConfig())
    if label.startswith("channel:"):
        name = label.split(":", 1)[1]
        if name not in CHANNELS:
            raise ConfigError(f"unknown channel {name!r} in {label!r}; expected one of {', '.join(CHANNELS)}")
        return Configuration(label, "channel", channel_only_config(name))
    if label in BASELINES:
        return Configuration(label, "baseline", baseline=label)
    for key, (name, config) in bundled_presets().items():
        if label in (key, name):
            return Configuration(label, "fused", config)
    if presets and label in presets:
        return Configuration(label, "fused", presets[label])
    path = Path(label)
    if path.suffix.lower() == ".json" or path.is_file():
        if not path.is_file():
            raise ConfigError(f"configuration file not found: {label[:120]}")
        return Configuration(label, "fused", config_from_json(read_bounded(path, MAX_BYTES, what="configuration"),
                                                              source=path.name))
    known = ["default", *bundled_presets(), *(presets or {}), *BASELINES, "channel:<name>"]
    raise ConfigError(f"unknown configuration {label[:80]!r}; expected one of {', '.join(known)} or a .json file")


# --- list overlap ---------------------------------------------------------------------------------------


def _valid(items: Sequence[int] | np.ndarray) -> list[int]:
    """The list without ``-1`` padding (order kept)."""
    return [int(i) for i in items if int(i) >= 0]


def jaccard(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> float:
    """|A ∩ B| / |A ∪ B| of two top-k lists (``-1`` padding ignored); two empty lists are identical (1)."""
    sa, sb = set(_valid(a)), set(_valid(b))
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def rbo_ext(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, p: float = RBO_P) -> float:
    """Extrapolated rank-biased overlap of two rankings (Webber, Moffat & Zobel 2010, eq. 32).

    With ``S`` the shorter list (length ``s``), ``L`` the longer (``l``), ``X_d`` the number of items the two
    share in their top ``d``::

        RBO_ext = (1-p)/p * (sum_{d=1..l} X_d/d p^d + sum_{d=s+1..l} X_s (d-s)/(s d) p^d)
                  + ((X_l - X_s)/l + X_s/s) p^l

    Identical lists give 1, disjoint lists 0; agreement near the top weighs more (``p`` near 1 looks
    deeper). ``-1`` padding is ignored; two empty lists give 1, one empty list 0.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("RBO persistence p must be between 0 and 1 (exclusive)")
    la, lb = _valid(a), _valid(b)
    short, long_ = (la, lb) if len(la) <= len(lb) else (lb, la)
    s, ln = len(short), len(long_)
    if ln == 0:
        return 1.0
    if s == 0:
        return 0.0
    seen_s: set[int] = set()
    seen_l: set[int] = set()
    overlap = 0
    x = np.zeros(ln + 1, dtype=np.float64)  # x[d] = X_d
    for d in range(1, ln + 1):
        item_l = long_[d - 1]
        if d <= s:
            item_s = short[d - 1]
            if item_s == item_l:
                overlap += 1
            else:
                overlap += (item_s in seen_l) + (item_l in seen_s)
            seen_s.add(item_s)
        else:
            overlap += item_l in seen_s
        seen_l.add(item_l)
        x[d] = overlap
    depth = np.arange(1, ln + 1, dtype=np.float64)
    weights = p**depth
    total = float(np.sum(x[1:] / depth * weights))
    x_s, x_l = x[s], x[ln]
    if ln > s:
        tail = depth[s:]
        total += float(np.sum(x_s * (tail - s) / (s * tail) * weights[s:]))
    return float((1 - p) / p * total + ((x_l - x_s) / ln + x_s / s) * p**ln)


# --- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Histogram:
    """Counts of values between consecutive ``edges`` (``len(edges) == len(counts) + 1``)."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"edges": [round(e, 6) for e in self.edges], "counts": list(self.counts)}


def histogram(values: np.ndarray, edges: np.ndarray) -> Histogram:
    """:class:`Histogram` of ``values`` over ``edges`` (the last bin includes its right edge, as numpy's)."""
    counts, _ = np.histogram(np.asarray(values, dtype=np.float64), bins=edges)
    return Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts))


def delta_edges(deltas: np.ndarray, bins: int = 21) -> np.ndarray:
    """Edges symmetric around 0 over the largest absolute delta (an odd ``bins``: the middle bin holds 0)."""
    top = float(np.max(np.abs(deltas))) if len(deltas) else 0.0
    top = top if top > 0 else 1.0
    return np.linspace(-top, top, bins + 1)


@dataclass(frozen=True)
class MetricDelta:
    """One metric for both configurations: means, ``delta`` = B - A with its 95% bootstrap interval, and
    the paired Wilcoxon signed-rank / t-test p-values (NaN when every user ties)."""

    metric: str
    mean_a: float
    mean_b: float
    delta: float
    low: float
    high: float
    wilcoxon_p: float
    ttest_p: float

    @property
    def relative(self) -> float:
        """``delta / mean_a`` (NaN when A's mean is 0)."""
        return self.delta / self.mean_a if self.mean_a else float("nan")


@dataclass(frozen=True)
class Overlap:
    """How alike the two lists are, per user: Jaccard@k and RBO_ext (``p``), summarised."""

    p: float
    jaccard_mean: float
    jaccard_median: float
    rbo_mean: float
    rbo_median: float
    identical: int
    disjoint: int
    jaccard_histogram: Histogram
    rbo_histogram: Histogram


@dataclass(frozen=True)
class ListEntry:
    """One item of a user's list: rank, id, title, whether it is a held-out relevant item, and (fused
    configurations) each channel's contribution to its fused score."""

    rank: int
    item_id: str
    title: str
    held_out: bool
    contributions: tuple[tuple[str, float], ...] | None = None


@dataclass(frozen=True)
class UserCase:
    """A user whose NDCG@k moved most: both lists side by side."""

    user_id: str
    ndcg_a: float
    ndcg_b: float
    delta: float
    n_held_out: int
    list_a: tuple[ListEntry, ...]
    list_b: tuple[ListEntry, ...]
    jaccard: float
    rbo: float


@dataclass(frozen=True)
class ConfigComparison:
    """Everything :func:`compare_configurations` found (deltas are B - A)."""

    dataset: str
    a: Configuration
    b: Configuration
    k: int
    split: dict[str, Any]
    users: tuple[str, ...]
    metrics: tuple[MetricDelta, ...]
    wins: int
    ties: int
    losses: int
    delta_histogram: Histogram
    overlap: Overlap
    gains: tuple[UserCase, ...]
    drops: tuple[UserCase, ...]
    ndcg_a: tuple[float, ...]
    ndcg_b: tuple[float, ...]
    jaccard: tuple[float, ...]
    rbo: tuple[float, ...]
    seconds: float
    stages: tuple[tuple[str, float], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_users(self) -> int:
        """Number of test users compared."""
        return len(self.users)

    def metric(self, name: str) -> MetricDelta:
        """The :class:`MetricDelta` of metric ``name`` (e.g. ``ndcg``)."""
        for m in self.metrics:
            if m.metric == name:
                return m
        raise KeyError(name)

    def to_dict(self, per_user: bool = True) -> dict[str, Any]:
        """One JSON-ready object (non-finite numbers become null); ``per_user`` adds the per-user arrays."""
        k = self.k
        out: dict[str, Any] = {
            "dataset": self.dataset, "k": k, "n_users": self.n_users, "direction": "B - A",
            "a": self.a.as_dict(), "b": self.b.as_dict(), "split": self.split,
            "metrics": [{"metric": f"{m.metric}@{k}", "mean_a": _num(m.mean_a), "mean_b": _num(m.mean_b),
                         "delta": _num(m.delta), "relative": _num(m.relative),
                         "ci95": [_num(m.low), _num(m.high)], "wilcoxon_p": _p(m.wilcoxon_p),
                         "ttest_p": _p(m.ttest_p)} for m in self.metrics],
            "ndcg_users": {"wins": self.wins, "ties": self.ties, "losses": self.losses,
                           "delta_histogram": self.delta_histogram.as_dict()},
            "overlap": {"p": self.overlap.p, "jaccard_mean": _num(self.overlap.jaccard_mean),
                        "jaccard_median": _num(self.overlap.jaccard_median),
                        "rbo_mean": _num(self.overlap.rbo_mean), "rbo_median": _num(self.overlap.rbo_median),
                        "identical": self.overlap.identical, "disjoint": self.overlap.disjoint,
                        "jaccard_histogram": self.overlap.jaccard_histogram.as_dict(),
                        "rbo_histogram": self.overlap.rbo_histogram.as_dict()},
            "largest_gains": [_case_dict(c) for c in self.gains],
            "largest_losses": [_case_dict(c) for c in self.drops],
            "seconds": round(self.seconds, 3),
            "stages": {name: round(s, 3) for name, s in self.stages},
            "notes": list(self.notes),
        }
        if per_user:
            out["per_user"] = {"user_id": list(self.users), "ndcg_a": [_num(v) for v in self.ndcg_a],
                               "ndcg_b": [_num(v) for v in self.ndcg_b],
                               "jaccard": [_num(v) for v in self.jaccard], "rbo": [_num(v) for v in self.rbo]}
        return out


def _num(value: float, digits: int = 6) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def _p(value: float) -> float | None:
    """A p-value for JSON: unrounded (tiny values stay distinguishable from 0), null when undefined."""
    return float(value) if math.isfinite(value) else None


def _case_dict(case: UserCase) -> dict[str, Any]:
    def entries(rows: tuple[ListEntry, ...]) -> list[dict[str, Any]]:
        return [{"rank": e.rank, "item_id": e.item_id, "title": e.title, "held_out": e.held_out,
                 **({"contributions": {c: _num(v) for c, v in e.contributions}}
                    if e.contributions is not None else {})} for e in rows]

    return {"user_id": case.user_id, "ndcg_a": _num(case.ndcg_a), "ndcg_b": _num(case.ndcg_b),
            "delta": _num(case.delta), "n_held_out": case.n_held_out, "jaccard": _num(case.jaccard),
            "rbo": _num(case.rbo), "list_a": entries(case.list_a), "list_b": entries(case.list_b)}


# --- running a comparison -------------------------------------------------------------------------------


def needs_vectors(a: Configuration, b: Configuration) -> bool:
    """Whether either configuration ranks with item-text vectors (a text channel, the mean-vector baseline)."""
    return any(c in TEXT_CHANNELS for conf in (a, b) for c in conf.channels()) or "mean_vector" in (
        a.baseline, b.baseline)


def fit_suite(train: Dataset, channels: Sequence[str], item_vectors: np.ndarray | None = None, *,
              params: ChannelParams | None = None, encoder: Encoder | None = None,
              progress: ProgressFn | None = None) -> ChannelSuite:
    """A :class:`ChannelSuite` with only ``channels`` fitted (as :meth:`ChannelSuite.fit` fits each one).

    Fusion gives a channel of weight 0 no say (it neither scores nor rules items out), so ranking a
    configuration with only its positive-weight channels fitted gives the full suite's lists (tested);
    it spares fitting models neither side uses (EASE^R's dense matrix, the learned text map)."""
    suite = ChannelSuite(train, item_vectors, params=params, encoder=encoder)
    p = params or ChannelParams()
    t0 = time.perf_counter()
    user_vecs = has_vector = None
    if item_vectors is not None:
        user_vecs, has_vector = user_vectors(train, item_vectors)
    ctx = ChannelContext(train, item_vectors, user_vecs, has_vector, encoder, random_state=p.random_state,
                         num_threads=p.num_threads)
    wanted = [c for c in CHANNELS if c in set(channels)]
    fitted = {}
    for i, (name, channel) in enumerate((n, c) for n, c in make_channels(p).items() if n in wanted):
        report(progress, i / max(1, len(wanted)), f"fitting {name}")
        fitted[name] = channel.fit(ctx)
    suite.channels_ = fitted
    suite.ranker_ = Ranker(train, fitted, item_vectors)
    suite.fit_seconds_ = time.perf_counter() - t0
    return suite


def _lists_of(conf: Configuration, suite: ChannelSuite | None, split: Split, users: np.ndarray, k: int,
              item_vectors: np.ndarray | None, seed: int) -> np.ndarray:
    """``(n_users, k)`` item positions of one configuration (suite configs must be registered first)."""
    if conf.kind == "baseline":
        assert conf.baseline is not None
        model = make_baseline(conf.baseline, None, item_vectors)
        if hasattr(model, "random_state"):
            model.random_state = seed
        return np.asarray(model.fit(split.train).recommend(users, k, exclude_seen=True), dtype=np.int64)
    assert suite is not None
    return suite.recommend_all(users, k)[_key(conf)]


def _key(conf: Configuration) -> str:
    return f"{conf.kind}:{conf.label}"


def compare_configurations(
    split: Split,
    a: Configuration,
    b: Configuration,
    *,
    k: int = 10,
    item_vectors: np.ndarray | None = None,
    encoder: Encoder | None = None,
    dataset_name: str = "",
    n_boot: int = 1000,
    seed: int = 42,
    n_cases: int = 5,
    channel_params: ChannelParams | None = None,
    progress: ProgressFn | None = None,
) -> ConfigComparison:
    """Rank both configurations for every evaluated user of ``split`` and compare them (see the module doc).

    ``item_vectors`` (aligned with ``split.train``'s items) are needed by text channels and the mean-vector
    baseline; ``n_cases`` users with the largest gains and as many with the largest losses are shown."""
    if k < 1:
        raise ConfigError("k must be at least 1")
    started = time.perf_counter()
    stages: list[tuple[str, float]] = []
    clock = [time.perf_counter()]

    def stage(key: str, fraction: float) -> None:
        now = time.perf_counter()
        if stages:
            stages[-1] = (stages[-1][0], now - clock[0])
        clock[0] = now
        stages.append((key, 0.0))
        report(progress, fraction, STAGES[key])

    users = split.users
    if len(users) == 0:
        raise ConfigError("no test user has a relevant held-out item; try another split or a lower threshold")
    train = split.train
    notes: list[str] = []
    if needs_vectors(a, b) and item_vectors is None:
        notes.append("item text vectors are not available: text channels (semantic, gist, history, learned) "
                     "score nothing in either configuration")
    stage("fit", 0.1)
    suite: ChannelSuite | None = None
    fused = [c for c in (a, b) if c.config is not None]
    if fused:
        channels = sorted({ch for c in fused for ch in c.channels()})
        suite = fit_suite(train, channels, item_vectors, params=channel_params or ChannelParams(random_state=seed),
                          encoder=encoder, progress=scaled(progress, 0.1, 0.4))
        for conf in fused:
            assert conf.config is not None
            suite.register(_key(conf), conf.config)
    stage("rank", 0.4)
    lists_a = _lists_of(a, suite, split, users, k, item_vectors, seed)
    lists_b = _lists_of(b, suite, split, users, k, item_vectors, seed)
    stage("metrics", 0.8)
    relevant = split.relevant_sets(users)
    per_a = M.accuracy_per_user(lists_a, relevant, k, COMPARE_METRICS)
    per_b = M.accuracy_per_user(lists_b, relevant, k, COMPARE_METRICS)
    deltas = []
    for metric in COMPARE_METRICS:
        c = paired_comparison(per_b[metric], per_a[metric], names=(b.label, a.label), metric=metric,
                              n_boot=n_boot, seed=seed)
        deltas.append(MetricDelta(metric, c.reference_mean, c.candidate_mean, c.difference, c.diff_low,
                                  c.diff_high, c.wilcoxon_p, c.ttest_p))
    ndcg_delta = per_b["ndcg"] - per_a["ndcg"]
    wins = int(np.sum(ndcg_delta > TIE_TOLERANCE))
    losses = int(np.sum(ndcg_delta < -TIE_TOLERANCE))
    jac = np.array([jaccard(x, y) for x, y in zip(lists_a, lists_b, strict=True)], dtype=np.float64)
    rbo = np.array([rbo_ext(x, y) for x, y in zip(lists_a, lists_b, strict=True)], dtype=np.float64)
    unit = np.linspace(0.0, 1.0, 11)
    overlap = Overlap(RBO_P, float(jac.mean()), float(np.median(jac)), float(rbo.mean()), float(np.median(rbo)),
                      int(np.sum(jac >= 1.0)), int(np.sum(jac <= 0.0)), histogram(jac, unit), histogram(rbo, unit))
    stage("cases", 0.9)
    order = np.argsort(-ndcg_delta, kind="stable")
    gain_rows = [int(r) for r in order[:n_cases] if ndcg_delta[r] > TIE_TOLERANCE]
    drop_rows = [int(r) for r in order[::-1][:n_cases] if ndcg_delta[r] < -TIE_TOLERANCE]
    cases = {r: _case(r, users, lists_a, lists_b, per_a["ndcg"], per_b["ndcg"], relevant, jac, rbo,
                      (a, b), suite, k, train) for r in {*gain_rows, *drop_rows}}
    stages[-1] = (stages[-1][0], time.perf_counter() - clock[0])
    report(progress, 1.0, "done")
    user_ids = tuple(str(u) for u in train.user_ids[users])
    return ConfigComparison(
        dataset=dataset_name or train.name, a=a, b=b, k=k, split={**split.params.as_dict(), **split.stats},
        users=user_ids, metrics=tuple(deltas), wins=wins, ties=len(users) - wins - losses, losses=losses,
        delta_histogram=histogram(ndcg_delta, delta_edges(ndcg_delta)), overlap=overlap,
        gains=tuple(cases[r] for r in gain_rows), drops=tuple(cases[r] for r in drop_rows),
        ndcg_a=tuple(float(v) for v in per_a["ndcg"]), ndcg_b=tuple(float(v) for v in per_b["ndcg"]),
        jaccard=tuple(float(v) for v in jac), rbo=tuple(float(v) for v in rbo),
        seconds=time.perf_counter() - started, stages=tuple(stages), notes=tuple(notes),
    )


def _case(row: int, users: np.ndarray, lists_a: np.ndarray, lists_b: np.ndarray, ndcg_a: np.ndarray,
          ndcg_b: np.ndarray, relevant: list[frozenset[int]], jac: np.ndarray, rbo: np.ndarray,
          confs: tuple[Configuration, Configuration], suite: ChannelSuite | None, k: int,
          train: Dataset) -> UserCase:
    """One user's both lists, held-out relevant items marked, with contributions for fused configurations."""
    user = int(users[row])
    rel = relevant[row]
    sides = [list_entries(train, lists[row], rel, suite=suite, user=user, config=conf.config, k=k)
             for conf, lists in zip(confs, (lists_a, lists_b), strict=True)]
    return UserCase(user_id=str(train.user_ids[user]), ndcg_a=float(ndcg_a[row]), ndcg_b=float(ndcg_b[row]),
                    delta=float(ndcg_b[row] - ndcg_a[row]), n_held_out=len(rel), list_a=sides[0], list_b=sides[1],
                    jaccard=float(jac[row]), rbo=float(rbo[row]))


def list_entries(train: Dataset, items: Sequence[int] | np.ndarray, relevant: Collection[int], *,
                 suite: ChannelSuite | None = None, user: int | None = None, config: FusionConfig | None = None,
                 k: int = 10) -> tuple[ListEntry, ...]:
    """One ranked list as :class:`ListEntry` rows (titles, held-out relevant items marked); with ``suite``,
    training ``user`` and a fusion ``config``, each positive-weight channel's contribution to every listed
    item (the :class:`~core.ranking.fusion.FusionResult` of :meth:`~core.ranking.ranker.Ranker.recommend`)."""
    chosen = _valid(items)
    contrib: dict[int, tuple[tuple[str, float], ...]] = {}
    if config is not None and suite is not None and user is not None and chosen:
        rec = suite.ranker_.recommend(suite.query(int(user)), config, k=k, with_reasons=False)
        active = [j for j, c in enumerate(rec.result.channels) if config.weights.get(c, 0.0) > 0]
        for r, item in enumerate(rec.result.items):
            contrib[int(item)] = tuple((rec.result.channels[j], float(rec.result.contributions[r, j]))
                                       for j in active)
    titles = train.titles(chosen) if chosen else []
    return tuple(ListEntry(rank=i + 1, item_id=str(train.item_ids[item]), title=titles[i], held_out=item in relevant,
                           contributions=contrib.get(item) if config is not None else None)
                 for i, item in enumerate(chosen))


def item_vectors_needed(dataset: Dataset, a: Configuration, b: Configuration) -> bool:
    """Whether to load an encoder: a compared config uses item text and the dataset has any."""
    return needs_vectors(a, b) and has_item_text(dataset)
