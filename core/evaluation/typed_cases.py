"""Typed interests evaluated on cases: a cold user types text, is the ranking any good? (``evaluate-interests``)

For every case (:mod:`core.evaluation.cases`: ``text``, ``targets``, ``mentioned``) the text is decomposed
with the engine (``Engine.decompose``) and ranked over the whole catalogue by:

- **fused** — the typed profile through the engine's one ranking path
  (``engine.recommend(Query(profile=...), config, k, explain=False)``), for the given configuration and
  any ``extra_configs`` (e.g. a tuned preset);
- **ablations** — the same with the profile cut to one tag kind (``item`` / ``attribute`` / ``text`` /
  ``gist``, :data:`KINDS`); a case without tags of that kind gets an empty list (a miss);
- **baselines**, measured in the same run on the same cases: ``most popular`` (the popularity channel
  alone), ``whole text`` (the whole text embedded as one query,
  :func:`core.interests.composition.whole_text_scores`), ``item-kNN (named items)`` (the item_knn
  channel alone, with item tags for the named items as the query: an empty list when there are none)
  and ``seed recipe`` (the mean tag vector: the semantic channel alone, composition ``single``).

**Named items** — the case's ``mentioned`` plus the items the title matcher recognised in the text
(item tags) — are removed from every method's list before it is cut at ``k`` (the same rule for every
method: the person has seen them), and removed from the case's targets (``n_targets_named``); a case
left without targets is skipped (``n_skipped``).

Metrics per case (:mod:`core.evaluation.metrics`): Recall@k and NDCG@k for each ``k`` and MRR over the
top ``max(k)``; means with percentile-bootstrap 95% intervals over cases
(:func:`core.evaluation.statistics.bootstrap_ci`), and a paired comparison
(:func:`~core.evaluation.statistics.paired_comparison`: Wilcoxon, paired t, bootstrap interval of the
difference) of each fused ranking against the best baseline of the run.

Tuning fusion weights for this cold-start setting lives in :mod:`core.evaluation.typed_tuning`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from core.common.errors import ConfigError, InterestLensError
from core.common.progress import ProgressFn, report
from core.common.selection import top_k
from core.data.dataset import Dataset
from core.evaluation import metrics as M
from core.evaluation.cases import CaseSet, TypedCase
from core.evaluation.statistics import Comparison, Interval, bootstrap_ci, format_p, paired_comparison
from core.interests.composition import whole_text_scores
from core.interests.editing import renormalise
from core.interests.profile import TAG_KINDS, InterestProfile, InterestTag, TextEncoder
from core.ranking.base import named_items, tag_kind
from core.ranking.config import FusionConfig
from core.ranking.fusion import ItemFilter, channel_only_config
from core.ranking.query import Composition, Query
from core.ranking.ranker import Ranker, Recommendation

KINDS: tuple[str, ...] = TAG_KINDS
"""Tag kinds of a decomposed profile (``InterestTag.kind``), one ablation each."""
DEFAULT_KS: tuple[int, ...] = (10, 50)
FUSED, ABLATION, BASELINE = "fused", "ablation", "baseline"
BASELINES: tuple[str, ...] = ("most popular", "whole text", "item-kNN (named items)", "seed recipe (mean tag vector)")


class TypedEngine(Protocol):
    """What the run needs of :class:`core.engine.Engine` (the engine stage sits above this one)."""

    @property
    def dataset(self) -> Dataset:
        """The catalogue and its interactions."""
        ...

    @property
    def encoder(self) -> TextEncoder:
        """The text encoder."""
        ...

    @property
    def item_vectors(self) -> np.ndarray:
        """(n_items, d) unit item vectors."""
        ...

    @property
    def ranker(self) -> Ranker:
        """The one ranking path."""
        ...

    def decompose(self, text: str) -> InterestProfile:
        """Typed text -> interest profile."""
        ...

    def recommend(
        self, query: Query, config: FusionConfig | None = None, k: int = 20, item_filter: ItemFilter | None = None,
        explain: bool = True,
    ) -> Recommendation:
        """One query's fused top-k list."""
        ...


# --- cases prepared once: profile, named items, relevant items -------------------------------------


def recognised_items(profile: InterestProfile, dataset: Dataset) -> tuple[int, ...]:
    """Item positions of the profile's item tags, wanted or avoided (either way the person has seen them):
    the items the ranking stage itself leaves out of lists (``core.ranking.base.named_items``)."""
    query = Query(profile=profile)
    found = [named_items(dataset, query, polarity)[0] for polarity in (1, -1)]
    return tuple(dict.fromkeys(int(i) for arr in found for i in arr))


@dataclass(frozen=True, eq=False)
class PreparedCase:
    """A case with its decomposed profile; ``named`` = mentioned + recognised (sorted), ``relevant`` =
    targets that are not named; ``error`` why the text could not be decomposed (the profile is then empty
    and every method that needs it returns an empty list)."""

    case: TypedCase
    profile: InterestProfile
    recognised: tuple[int, ...]
    named: np.ndarray
    relevant: frozenset[int]
    n_targets_named: int
    error: str | None = None


def prepare_cases(
    engine: TypedEngine, cases: Sequence[TypedCase], progress: ProgressFn | None = None
) -> list[PreparedCase]:
    """Decompose every case's text with the engine and work out its named and relevant items."""
    out: list[PreparedCase] = []
    for i, case in enumerate(cases):
        error = None
        try:
            profile = engine.decompose(case.text)
        except InterestLensError as exc:  # e.g. only symbols or filler words: no interest to rank by
            profile, error = InterestProfile(text=case.text, tags=[]), str(exc)
        recognised = recognised_items(profile, engine.dataset)
        named = np.unique(np.asarray(case.mentioned + recognised, dtype=np.int64))
        relevant = frozenset(int(t) for t in case.targets) - {int(n) for n in named}
        out.append(PreparedCase(case, profile, recognised, named, relevant,
                                len(case.targets) - len(relevant), error))
        report(progress, (i + 1) / max(1, len(cases)), f"decomposed {i + 1}/{len(cases)} cases")
    return out


def without_named(items: np.ndarray, named: np.ndarray, k: int) -> np.ndarray:
    """The first ``k`` items of a ranked list that are not named, ``-1`` padded to length ``k``."""
    ranked = np.asarray(items, dtype=np.int64)
    ranked = ranked[ranked >= 0]
    if len(named):
        ranked = ranked[~np.isin(ranked, named)]
    out = np.full(k, -1, dtype=np.int64)
    out[: min(k, len(ranked))] = ranked[:k]
    return out


def sub_profile(profile: InterestProfile, keep: Callable[[InterestTag], bool]) -> InterestProfile | None:
    """The profile with only the tags ``keep`` accepts, weights re-normalised; None when none is left."""
    tags = [t for t in profile.tags if keep(t)]
    if not tags:
        return None
    return renormalise(replace(profile, tags=tags))


def named_items_profile(prepared: PreparedCase, dataset: Dataset, item_vectors: np.ndarray) -> InterestProfile | None:
    """One equally weighted item tag per named item (mentioned + recognised, the item's own vector): the
    query of the item-kNN baseline; None when nothing is named."""
    named = prepared.named.tolist()
    if not named:
        return None
    tags = [InterestTag(text=title, weight=1.0 / len(named), vector=item_vectors[i], source="match", kind="item",
                        key=str(dataset.item_ids[i]), label=title)
            for i, title in zip(named, dataset.titles(named), strict=True)]
    return InterestProfile(text=prepared.case.text, tags=tags, language=prepared.profile.language)


# --- methods ------------------------------------------------------------------------------------------

Lister = Callable[[PreparedCase, int], np.ndarray]
"""A method: (prepared case, list length) -> ranked item positions, best first (named items not yet removed)."""


@dataclass(frozen=True)
class Method:
    """One ranking method of the run."""

    name: str
    group: str
    note: str
    rank: Lister = field(repr=False, compare=False)


def _engine_lister(
    engine: TypedEngine, config: FusionConfig, query_profile: Callable[[PreparedCase], InterestProfile | None],
    composition: Composition | None = None,
) -> Lister:
    def run(p: PreparedCase, k: int) -> np.ndarray:
        profile = query_profile(p)
        if profile is None:
            return np.zeros(0, dtype=np.int64)
        query = Query(profile=profile, composition=composition)
        return np.asarray(engine.recommend(query, config, k=k, explain=False).result.items, dtype=np.int64)

    return run


def _typed(p: PreparedCase) -> InterestProfile | None:
    return p.profile if p.profile.tags else None


def _only_kind(kind: str) -> Callable[[PreparedCase], InterestProfile | None]:
    return lambda p: sub_profile(p.profile, lambda t: tag_kind(t) == kind)


def typed_methods(
    engine: TypedEngine, config: FusionConfig, extra_configs: Mapping[str, FusionConfig] | None = None,
    kinds: Sequence[str] = KINDS, name: str = "fused",
) -> list[Method]:
    """The fused ranking(s) (``name`` for ``config``), one ablation per tag kind (with ``config``), and the
    baselines (see the module docstring)."""
    ds, vectors = engine.dataset, engine.item_vectors
    methods = [Method(name, FUSED, "decomposed profile, the given fusion config",
                      _engine_lister(engine, config, _typed))]
    for label, extra in (extra_configs or {}).items():
        methods.append(Method(label, FUSED, "decomposed profile, " + label, _engine_lister(engine, extra, _typed)))
    for kind in kinds:
        methods.append(Method(f"{kind} tags only", ABLATION, f"profile cut to its {kind} tags, same config",
                              _engine_lister(engine, config, _only_kind(kind))))

    def whole_text(p: PreparedCase, k: int) -> np.ndarray:
        return top_k(whole_text_scores(p.case.text, engine.encoder, vectors), k)

    methods += [
        Method("most popular", BASELINE, "popularity channel alone",
               _engine_lister(engine, channel_only_config("popularity", config), lambda p: p.profile)),
        Method("whole text", BASELINE, "the whole text embedded as one query", whole_text),
        Method("item-kNN (named items)", BASELINE, "item_knn channel alone, the named items as the query",
               _engine_lister(engine, channel_only_config("item_knn", config),
                              lambda p: named_items_profile(p, ds, vectors))),
        Method("seed recipe (mean tag vector)", BASELINE, "semantic channel alone, composition single",
               _engine_lister(engine, channel_only_config("semantic", config), _typed, "single")),
    ]
    names = [m.name for m in methods]
    if len(set(names)) != len(names):
        raise ConfigError(f"method names must be unique, got {sorted(n for n in set(names) if names.count(n) > 1)}")
    return methods


# --- metrics and the report ---------------------------------------------------------------------------


def metric_names(ks: Sequence[int]) -> list[str]:
    """Reported metric names: ``recall@k`` and ``ndcg@k`` per k, then ``mrr`` (over the top max(k))."""
    return [f"recall@{k}" for k in ks] + [f"ndcg@{k}" for k in ks] + ["mrr"]


def case_metrics(lists: np.ndarray, relevant: Sequence[frozenset[int]], ks: Sequence[int]) -> dict[str, np.ndarray]:
    """Per-case metric values of ``(n_cases, max(k))`` lists (named items already removed)."""
    out: dict[str, np.ndarray] = {}
    for k in ks:
        out[f"recall@{k}"] = np.array([M.recall_at_k(r, s, k) for r, s in zip(lists, relevant, strict=True)])
    for k in ks:
        out[f"ndcg@{k}"] = np.array([M.ndcg_at_k(r, s, k) for r, s in zip(lists, relevant, strict=True)])
    top = max(ks)
    out["mrr"] = np.array([M.reciprocal_rank_at_k(r, s, top) for r, s in zip(lists, relevant, strict=True)])
    return out


@dataclass
class MethodResult:
    """One method's per-case values, means and bootstrap intervals."""

    name: str
    group: str
    note: str
    per_case: dict[str, np.ndarray]
    intervals: dict[str, Interval]
    n_ranked: int
    """Cases for which the method returned a non-empty list."""
    lists: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """(n_cases, max(k)) item positions, named items removed, ``-1`` padded."""

    def mean(self, metric: str) -> float:
        """Mean of ``metric`` over the cases."""
        return self.intervals[metric].mean

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (no per-case values)."""
        return {"name": self.name, "group": self.group, "note": self.note, "n_ranked": self.n_ranked,
                "metrics": {m: {"mean": _r(i.mean), "low": _r(i.low), "high": _r(i.high)}
                            for m, i in self.intervals.items()}}


def _r(x: float, digits: int = 6) -> float | None:
    return round(float(x), digits) if math.isfinite(x) else None


@dataclass
class TypedCasesReport:
    """The result of :func:`evaluate_typed_cases`."""

    dataset: str
    source: str
    split: str
    ks: tuple[int, ...]
    config: FusionConfig
    case_ids: list[str]
    methods: list[MethodResult]
    comparisons: list[Comparison]
    cases: dict[str, Any]
    """Summary of the cases file: splits, titles resolved, unresolved entries (:meth:`CaseSet.summary`)."""
    named: dict[str, Any]
    kinds: dict[str, int]
    """Cases whose profile has at least one tag of each kind."""
    n_skipped: int
    seconds: float
    item_ids: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=object))
    """The dataset's item ids (position -> id), to report lists by id."""
    undecomposed: list[dict[str, str]] = field(default_factory=list)
    """Evaluated cases whose text could not be decomposed (``id``, ``reason``): typed methods missed them."""
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_cases(self) -> int:
        """Cases evaluated (with at least one target that is not named)."""
        return len(self.case_ids)

    @property
    def metrics(self) -> list[str]:
        """Metric names, in table order."""
        return metric_names(self.ks)

    def method(self, name: str) -> MethodResult:
        """The result of one method by name."""
        for m in self.methods:
            if m.name == name:
                return m
        raise KeyError(name)

    def best_baseline(self, metric: str | None = None) -> MethodResult | None:
        """The baseline with the highest mean ``metric`` (default ``recall@<first k>``)."""
        metric = metric or f"recall@{self.ks[0]}"
        baselines = [m for m in self.methods if m.group == BASELINE]
        return max(baselines, key=lambda m: m.mean(metric)) if baselines else None

    def to_dict(self, per_case: bool = False) -> dict[str, Any]:
        """JSON-ready report; ``per_case`` adds every method's per-case values and lists (item ids), in the
        order of ``case_ids``."""
        best = self.best_baseline()
        out: dict[str, Any] = {
            "dataset": self.dataset, "source": self.source, "split": self.split, "k": list(self.ks),
            "n_cases": self.n_cases, "n_skipped": self.n_skipped, "config": self.config.to_dict(),
            "metrics": self.metrics, "methods": [m.as_dict() for m in self.methods],
            "best_baseline": best.name if best is not None else None,
            "comparisons": [c.as_dict() for c in self.comparisons],
            "cases": self.cases, "named": self.named, "kinds": self.kinds,
            "seconds": round(self.seconds, 2), "undecomposed": self.undecomposed, "examples": self.examples,
        }
        if per_case:
            out["case_ids"] = list(self.case_ids)
            out["per_case"] = {m.name: {k: [round(float(v), 6) for v in vals] for k, vals in m.per_case.items()}
                               for m in self.methods}
            out["lists"] = {m.name: [[str(self.item_ids[i]) for i in row if i >= 0] for row in m.lists]
                            for m in self.methods}
        return out

    def to_markdown(self) -> str:
        """A Markdown report: the table of methods, the paired comparisons, the cases' bookkeeping."""
        lines = [f"# Typed interests on {self.n_cases} cases ({self.split}) — {self.dataset}", "",
                 f"Cases file `{self.source}`; named items excluded from every list; 95% bootstrap intervals "
                 f"over cases in brackets; MRR over the top {max(self.ks)}.", ""]
        lines += markdown_table(self.methods, self.metrics)
        if self.comparisons:
            lines += ["", "Paired comparisons (per case, same cases):", "",
                      "| candidate | reference | metric | candidate | reference | difference [95% CI] "
                      "| Wilcoxon p | paired t p |", "|---|---|---|---:|---:|---:|---:|---:|"]
            for c in self.comparisons:
                lines.append(f"| {c.candidate} | {c.reference} | {c.metric} | {c.candidate_mean:.4f} | "
                             f"{c.reference_mean:.4f} | {c.difference:+.4f} [{c.diff_low:+.4f}, {c.diff_high:+.4f}] "
                             f"| {format_p(c.wilcoxon_p)} | {format_p(c.ttest_p)} |")
        n_un = self.cases.get("n_unresolved", {})
        lines += ["", f"- cases evaluated: {self.n_cases} (skipped, every target named: {self.n_skipped}); "
                      f"titles resolved: {self.cases.get('n_titles_resolved', 0)}; unresolved entries: "
                      + ", ".join(f"{f} {n}" for f, n in n_un.items()),
                  f"- named items per case: {self.named.get('mean_named', 0):.2f} (recognised in the text "
                  f"{self.named.get('mean_recognised', 0):.2f}); targets removed because named: "
                  f"{self.named.get('n_targets_named', 0)}",
                  "- cases with tags of each kind: " + ", ".join(f"{k} {n}" for k, n in self.kinds.items())
                  + f"; texts that could not be decomposed: {len(self.undecomposed)}",
                  f"- time: {self.seconds:.1f} s", ""]
        return "\n".join(lines)


def markdown_table(methods: Sequence[MethodResult], metrics: Sequence[str]) -> list[str]:
    """Rows of a Markdown table of methods (mean [low, high] per metric)."""
    head = "| method | group | cases ranked | " + " | ".join(metrics) + " |"
    rows = [head, "|---|---|---:|" + "---:|" * len(metrics)]
    for m in methods:
        cells = [f"{m.mean(x):.4f} [{m.intervals[x].low:.3f}, {m.intervals[x].high:.3f}]" for x in metrics]
        rows.append(f"| {m.name} | {m.group} | {m.n_ranked} | " + " | ".join(cells) + " |")
    return rows


# --- the run ------------------------------------------------------------------------------------------


def _check_ks(k: Sequence[int] | int) -> tuple[int, ...]:
    ks = (int(k),) if isinstance(k, int) else tuple(int(x) for x in k)
    if not ks or any(x < 1 for x in ks):
        raise ConfigError("every k must be a positive integer")
    return tuple(sorted(set(ks)))


def evaluate_typed_cases(
    engine: TypedEngine,
    cases: CaseSet,
    *,
    k: Sequence[int] | int = DEFAULT_KS,
    config: FusionConfig | None = None,
    extra_configs: Mapping[str, FusionConfig] | None = None,
    name: str = "fused",
    split: str = "all",
    n_boot: int = 1000,
    seed: int = 0,
    prepared: Sequence[PreparedCase] | None = None,
    progress: ProgressFn | None = None,
) -> TypedCasesReport:
    """Rank every case with every method (module docstring) and measure them. ``config`` (labelled ``name``)
    is the fused ranking the ablations use, ``extra_configs`` more fused rankings by label; ``split`` labels
    the report (select the cases with :meth:`CaseSet.select` first); ``prepared`` reuses decomposed cases."""
    started = time.perf_counter()
    ks = _check_ks(k)
    top = max(ks)
    config = config or FusionConfig()
    if not cases.cases:
        raise ConfigError(f"{cases.source}: no case to evaluate")
    ready = list(prepared) if prepared is not None else prepare_cases(
        engine, cases.cases, None if progress is None else (lambda f, m: report(progress, 0.3 * f, m)))
    usable = [p for p in ready if p.relevant]
    if not usable:
        raise ConfigError(f"{cases.source}: every target of every case is a named item; nothing to evaluate")
    methods = typed_methods(engine, config, extra_configs, name=name)
    lists = {m.name: np.full((len(usable), top), -1, dtype=np.int64) for m in methods}
    for i, p in enumerate(usable):  # case by case: every method of one case reuses its cached channel scores
        pool = top + len(p.named)
        for m in methods:
            lists[m.name][i] = without_named(m.rank(p, pool), p.named, top)
        report(progress, 0.3 + 0.65 * (i + 1) / len(usable), f"ranked case {i + 1}/{len(usable)}")
    relevant = [p.relevant for p in usable]
    results: list[MethodResult] = []
    for m in methods:
        values = case_metrics(lists[m.name], relevant, ks)
        intervals = {metric: bootstrap_ci(v, n_boot=n_boot, seed=seed) for metric, v in values.items()}
        results.append(MethodResult(m.name, m.group, m.note, values, intervals,
                                    int((lists[m.name][:, 0] >= 0).sum()), lists[m.name]))
    comparisons = _compare(results, ks, n_boot, seed)
    report(progress, 1.0, "typed-interest evaluation done")
    return TypedCasesReport(
        dataset=engine.dataset.name, source=cases.source, split=split, ks=ks, config=config,
        case_ids=[p.case.id for p in usable], methods=results, comparisons=comparisons,
        cases=cases.summary(), named=_named_summary(ready),
        kinds={kd: sum(any(tag_kind(t) == kd for t in p.profile.tags) for p in usable) for kd in KINDS},
        n_skipped=len(ready) - len(usable), seconds=time.perf_counter() - started,
        item_ids=np.asarray(engine.dataset.item_ids),
        undecomposed=[{"id": p.case.id, "reason": p.error} for p in usable if p.error is not None],
        examples=_examples(engine.dataset, usable[:3], lists[name][:3]),
    )


def _compare(results: Sequence[MethodResult], ks: Sequence[int], n_boot: int, seed: int) -> list[Comparison]:
    baselines = [m for m in results if m.group == BASELINE]
    if not baselines:
        return []
    out: list[Comparison] = []
    for metric in [f"recall@{k}" for k in ks] + [f"ndcg@{ks[0]}"]:
        best = max(baselines, key=lambda m: m.mean(metric))
        for m in results:
            if m.group == FUSED:
                out.append(paired_comparison(m.per_case[metric], best.per_case[metric], names=(m.name, best.name),
                                             metric=metric, n_boot=n_boot, seed=seed))
    return out


def _named_summary(prepared: Sequence[PreparedCase]) -> dict[str, Any]:
    """Named items per evaluated case; targets dropped because named counted over every case (skipped too)."""
    used = [p for p in prepared if p.relevant]
    n = max(1, len(used))
    return {"mean_named": sum(len(p.named) for p in used) / n,
            "mean_mentioned": sum(len(p.case.mentioned) for p in used) / n,
            "mean_recognised": sum(len(p.recognised) for p in used) / n,
            "n_targets_named": int(sum(p.n_targets_named for p in prepared))}


def _examples(dataset: Dataset, prepared: Sequence[PreparedCase], lists: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for p, row in zip(prepared, lists, strict=False):
        items = [int(i) for i in row[:5] if i >= 0]
        out.append({"id": p.case.id, "text": p.case.text[:200],
                    "tags": [{"text": t.text, "kind": tag_kind(t), "polarity": int(t.polarity),
                              "weight": round(float(t.weight), 4)} for t in p.profile.tags],
                    "named": [str(x) for x in dataset.titles(p.named.tolist())] if len(p.named) else [],
                    "top5": [str(x) for x in dataset.titles(items)] if items else []})
    return out
