"""Every accuracy metric of an experiment broken down by slices of users and of held-out items.

Four dimensions (each a :class:`Slicing`, whose ``thresholds`` say how it was cut, for the UI and reports):

- ``activity`` (user slices): the user's number of distinct training items. ``cold`` / ``light`` / ``heavy``
  are the terciles of that count over the evaluated users (``cold``: count <= ``cold_max``, ``heavy``:
  count > ``light_max``), so each tier holds about a third of the users whatever the dataset; fixed cut-offs
  can be passed instead. The per-user metric arrays of the experiment are averaged over the tier's users.
- ``popularity`` (item slices): items ranked by training popularity (distinct training users). ``head`` =
  the most popular items that together make the first ``head_share`` (20 %) of training interactions,
  ``tail`` = the least popular items making the last ``tail_share`` (20 %), ``mid`` the rest (items with
  no training interaction are in the tail). Items of equal popularity always share a tier, so the
  interaction shares are at least the nominal ones; the actual shares and popularity cut-offs are returned.
- ``category`` (item slices): the items' ``category`` column (the ``max_categories`` categories holding
  the most relevant held-out items; items without a category belong to no slice).
- ``language`` (item slices), on bilingual catalogues only: the language of each item's text (title +
  description) by :func:`core.interests.text.detect_language` (``zh`` / ``en`` / ``mixed``); a catalogue
  is bilingual when at least two of the three hold >= ``MIN_LANGUAGE_SHARE`` of the items.

Item slices keep only the held-out relevant items of the slice: a user belongs to the slice when at
least one of their relevant items does, and the metrics are recomputed on the same top-k list with the
relevant set restricted to the slice (:func:`core.evaluation.metrics.accuracy_per_user`): recall@k of
``tail`` is the share of a user's relevant tail items found in the top k; precision counts only the
slice's hits. Slices with fewer than ``min_users`` users are flagged ``small`` (their means are noisy).
Intervals: percentile bootstrap over the slice's users (:func:`core.evaluation.statistics.bootstrap_ci`)
for the ``ci_metrics``.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from core.data.dataset import Dataset
from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.experiment import ExperimentResult
from core.evaluation.statistics import Interval, bootstrap_ci
from core.interests.text import detect_language

DIMENSIONS: tuple[str, ...] = ("activity", "popularity", "category", "language")
ACTIVITY_TIERS: tuple[str, ...] = ("cold", "light", "heavy")
POPULARITY_TIERS: tuple[str, ...] = ("head", "mid", "tail")
LANGUAGES: tuple[str, ...] = ("zh", "en", "mixed")
MIN_SLICE_USERS = 30
"""Slices with fewer users are flagged small (a mean over fewer than ~30 users is too noisy to act on)."""
MIN_LANGUAGE_SHARE = 0.05
"""A language counts towards "bilingual" when at least this share of the items' text is in it."""
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
MAX_CATEGORIES = 12
"""At most this many categories (the ones with the most relevant held-out items) become slices."""


@dataclass(frozen=True)
class Slicing:
    """How one dimension cuts the evaluation: slice labels, the rule's figures, and each user's or item's slice.

    ``kind`` ``users``: ``assign`` gives the slice (index into ``labels``) of each evaluated user;
    ``items``: of each catalogue item. ``-1``: in no slice.
    """

    dimension: str
    kind: Literal["users", "items"]
    labels: tuple[str, ...]
    assign: np.ndarray
    thresholds: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SliceStat:
    """One configuration's metrics on one slice."""

    dimension: str
    slice: str
    config: str
    n_users: int
    means: dict[str, float]
    intervals: dict[str, Interval]
    small: bool


@dataclass
class SliceReport:
    """Every configuration's metrics per slice of every dimension, with each dimension's thresholds."""

    k: int
    metrics: tuple[str, ...]
    min_users: int
    slicings: list[Slicing]
    stats: list[SliceStat]
    skipped: dict[str, str]
    seconds: float

    def slicing(self, dimension: str) -> Slicing:
        """The slicing of ``dimension`` (KeyError when it was skipped)."""
        for s in self.slicings:
            if s.dimension == dimension:
                return s
        raise KeyError(dimension)

    def frame(self, dimension: str) -> pd.DataFrame:
        """One row per (slice, configuration): ``n_users``, ``small``, each metric and its CI bounds."""
        rows = []
        for st in self.stats:
            if st.dimension != dimension:
                continue
            row: dict[str, Any] = {"slice": st.slice, "config": st.config, "n_users": st.n_users,
                                   "small": st.small}
            for m in self.metrics:
                row[m] = st.means.get(m, float("nan"))
                if m in st.intervals:
                    row[f"{m} low"] = st.intervals[m].low
                    row[f"{m} high"] = st.intervals[m].high
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: per dimension its thresholds and per slice and configuration n_users, means, CIs."""

        def clean(v: float) -> float | None:
            return round(float(v), 6) if math.isfinite(v) else None

        out: dict[str, Any] = {"k": self.k, "min_users": self.min_users, "dimensions": {},
                               "skipped": dict(self.skipped), "seconds": round(self.seconds, 3)}
        for s in self.slicings:
            rows = [{"slice": st.slice, "config": st.config, "n_users": st.n_users, "small": st.small,
                     **{f"{m}@{self.k}": clean(st.means[m]) for m in self.metrics if m in st.means},
                     "ci95": {f"{m}@{self.k}": [clean(iv.low), clean(iv.high)] for m, iv in st.intervals.items()}}
                    for st in self.stats if st.dimension == s.dimension]
            out["dimensions"][s.dimension] = {"labels": list(s.labels), "thresholds": s.thresholds, "rows": rows}
        return out

    def to_markdown(self, metric: str = "ndcg", digits: int = 4) -> str:
        """One Markdown table per dimension: configurations as rows, slices as columns (``metric``, n users)."""
        lines: list[str] = [f"### Slices ({metric}@{self.k}; * = fewer than {self.min_users} users)", ""]
        for s in self.slicings:
            cells = {(st.config, st.slice): st for st in self.stats if st.dimension == s.dimension}
            labels = [lb for lb in s.labels if any(key[1] == lb for key in cells)]
            if not labels:
                continue
            counts = {key[1]: st.n_users for key, st in cells.items()}
            lines += [f"**{s.dimension}**: {describe_thresholds(s)}", "",
                      "| configuration | " + " | ".join(f"{lb} (n={counts[lb]})" for lb in labels) + " |",
                      "|---|" + "---:|" * len(labels)]
            for config in dict.fromkeys(key[0] for key in cells):
                row = []
                for lb in labels:
                    st = cells[(config, lb)]
                    value = st.means.get(metric, float("nan"))
                    text = "—" if not math.isfinite(value) else f"{value:.{digits}f}"
                    row.append(text + ("*" if st.small else ""))
                lines.append(f"| {config} | " + " | ".join(row) + " |")
            lines.append("")
        for dim, reason in self.skipped.items():
            lines.append(f"_{dim}: {reason}_")
        return "\n".join(lines).rstrip() + "\n"


SKIP_REASONS: dict[str, str] = {
    "no_categories": "the items have no category",
    "monolingual": "the catalogue is not bilingual",
    "no_text": "the items have no text",
}
"""English sentences of the codes in :attr:`SliceReport.skipped` (the UI has its own zh / en)."""


def describe_thresholds(slicing: Slicing) -> str:
    """English sentence of how ``slicing`` was cut (for the CLI's Markdown)."""
    th = slicing.thresholds
    if slicing.dimension == "activity":
        return (f"distinct training items per user: cold <= {th['cold_max']}, light <= {th['light_max']}, "
                f"heavy > {th['light_max']} ({th['rule']})")
    if slicing.dimension == "popularity":
        return (f"training users per item: head >= {th['head_min']} ({th['head_items']} items, "
                f"{th['head_interaction_share']:.0%} of interactions), tail <= {th['tail_max']} "
                f"({th['tail_items']} items, {th['tail_interaction_share']:.0%})")
    if slicing.dimension == "category":
        return f"{len(slicing.labels)} of {th['n_categories']} categories (most relevant held-out items)"
    return "language of the item text (title + description)"


# --- slicings -------------------------------------------------------------------------------------


def user_activity(train: Dataset, users: np.ndarray) -> np.ndarray:
    """Distinct training items of each of ``users`` (training positions)."""
    counts = np.diff(train.matrix.indptr)
    return np.asarray(counts[np.asarray(users, dtype=np.int64)], dtype=np.int64)


def activity_slicing(train: Dataset, users: np.ndarray, cuts: tuple[int, int] | None = None) -> Slicing:
    """Users by activity: terciles of their distinct training items, or fixed ``cuts`` (cold_max, light_max)."""
    counts = user_activity(train, users)
    if cuts is not None:
        cold_max, light_max = int(cuts[0]), int(cuts[1])
        rule = "fixed cut-offs"
    elif len(counts):
        q1, q2 = np.quantile(counts, [1 / 3, 2 / 3])
        cold_max, light_max = math.floor(q1), math.floor(q2)
        rule = "terciles of the evaluated users"
    else:
        cold_max, light_max, rule = 0, 0, "terciles of the evaluated users"
    if light_max < cold_max:
        raise ValueError("activity cut-offs must be ascending")
    assign = np.where(counts <= cold_max, 0, np.where(counts <= light_max, 1, 2)).astype(np.int64)
    thresholds = {"rule": rule, "fixed": cuts is not None, "cold_max": cold_max, "light_max": light_max,
                  "min": int(counts.min()) if len(counts) else 0, "max": int(counts.max()) if len(counts) else 0}
    return Slicing("activity", "users", ACTIVITY_TIERS, assign, thresholds)


def popularity_tiers(
    popularity: np.ndarray, head_share: float = 0.2, tail_share: float = 0.2
) -> tuple[np.ndarray, dict[str, Any]]:
    """(tier of each item: 0 head, 1 mid, 2 tail; the cut-offs and actual shares) by training popularity."""
    if not (0 < head_share < 1 and 0 < tail_share < 1 and head_share + tail_share <= 1):
        raise ValueError("head_share and tail_share must be in (0, 1) and sum to at most 1")
    pop = np.asarray(popularity, dtype=np.int64)
    total = float(pop.sum())
    tier = np.full(len(pop), 1, dtype=np.int64)
    if total <= 0:
        tier[:] = 2
        head_min, tail_max = int(pop.max(initial=0)) + 1, int(pop.max(initial=0))
    else:
        desc = np.sort(pop)[::-1]
        top = np.cumsum(desc) / total
        head_min = int(desc[int(np.searchsorted(top, head_share - 1e-12))])
        asc = desc[::-1]
        bottom = np.cumsum(asc) / total
        tail_max = int(asc[int(np.searchsorted(bottom, tail_share - 1e-12))])
        if tail_max >= head_min:  # tiny or flat catalogues: the head wins the shared popularity values
            tail_max = head_min - 1
        tier[pop >= head_min] = 0
        tier[pop <= tail_max] = 2
    share = [float(pop[tier == j].sum()) / total if total > 0 else 0.0 for j in range(3)]
    figures: dict[str, Any] = {
        "rule": f"head: top {head_share:.0%} of training interactions, tail: last {tail_share:.0%}",
        "head_share": head_share, "tail_share": tail_share, "head_min": head_min, "tail_max": tail_max,
        "head_items": int((tier == 0).sum()), "mid_items": int((tier == 1).sum()),
        "tail_items": int((tier == 2).sum()),
        "head_interaction_share": share[0], "mid_interaction_share": share[1], "tail_interaction_share": share[2],
    }
    return tier, figures


def popularity_slicing(train: Dataset, head_share: float = 0.2, tail_share: float = 0.2) -> Slicing:
    """Held-out items by popularity tier (head / mid / tail, see :func:`popularity_tiers`)."""
    tier, figures = popularity_tiers(train.item_popularity, head_share, tail_share)
    return Slicing("popularity", "items", POPULARITY_TIERS, tier, figures)


def category_slicing(train: Dataset, split: Split, users: np.ndarray,
                     max_categories: int = MAX_CATEGORIES) -> Slicing | None:
    """Held-out items by category (the ``max_categories`` with the most relevant items); None without any."""
    cats = train.items["category"].fillna("").astype(str).to_numpy()
    if not (cats != "").any():
        return None
    codes, uniques = pd.factorize(cats)
    relevant = np.fromiter((i for u in users for i in split.relevant[int(u)]), dtype=np.int64)
    held = np.bincount(codes[relevant], minlength=len(uniques)) if len(relevant) else np.zeros(len(uniques), int)
    order = [int(c) for c in np.argsort(-held, kind="stable") if uniques[c] != "" and held[c] > 0][:max_categories]
    assign = np.full(len(cats), -1, dtype=np.int64)
    for j, c in enumerate(order):
        assign[codes == c] = j
    n_categories = int(sum(1 for u in uniques if u != ""))
    thresholds = {"rule": "the categories with the most relevant held-out items", "n_categories": n_categories,
                  "shown": len(order), "max_categories": max_categories}
    return Slicing("category", "items", tuple(str(uniques[c]) for c in order), assign, thresholds)


def item_languages(items: pd.DataFrame) -> np.ndarray:
    """Language code of each item's title + description (:func:`detect_language`: zh, en, mixed, other, unknown)."""
    titles = items["title"].fillna("").astype(str)
    desc = items["description"].fillna("").astype(str) if "description" in items else pd.Series("", index=items.index)
    texts = [f"{a} {b}" for a, b in zip(titles, desc, strict=True)]
    found = {text: detect_language(text) for text in dict.fromkeys(texts)}
    return np.array([found[text] for text in texts], dtype=object)


def language_slicing(train: Dataset) -> Slicing | None:
    """Held-out items by the language of their text; None unless the catalogue is bilingual."""
    sample = " ".join(train.items["title"].fillna("").astype(str))
    if "description" in train.items:
        sample += " ".join(train.items["description"].fillna("").astype(str))
    if not (_HAN_RE.search(sample) and _LATIN_RE.search(sample)):  # one script alone: not bilingual, no need to detect
        return None
    langs = item_languages(train.items)
    shares = {lang: float((langs == lang).mean()) if len(langs) else 0.0 for lang in LANGUAGES}
    if sum(1 for v in shares.values() if v >= MIN_LANGUAGE_SHARE) < 2:
        return None
    assign = np.full(len(langs), -1, dtype=np.int64)
    for j, lang in enumerate(LANGUAGES):
        assign[langs == lang] = j
    thresholds = {"rule": "language of title + description", "item_shares": shares,
                  "min_share": MIN_LANGUAGE_SHARE}
    return Slicing("language", "items", LANGUAGES, assign, thresholds)


def slicings_for(
    split: Split, users: np.ndarray, dimensions: Sequence[str] = DIMENSIONS, *,
    activity_cuts: tuple[int, int] | None = None, head_share: float = 0.2, tail_share: float = 0.2,
) -> tuple[list[Slicing], dict[str, str]]:
    """The slicings of ``dimensions`` on ``split`` and the dimensions skipped (dimension -> reason code)."""
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown slice dimension(s) {sorted(unknown)}; expected some of {list(DIMENSIONS)}")
    train = split.train
    out: list[Slicing] = []
    skipped: dict[str, str] = {}
    for dim in dimensions:
        if dim == "activity":
            out.append(activity_slicing(train, users, activity_cuts))
        elif dim == "popularity":
            out.append(popularity_slicing(train, head_share, tail_share))
        elif dim == "category":
            cat = category_slicing(train, split, users)
            if cat is None:
                skipped[dim] = "no_categories"
            else:
                out.append(cat)
        else:
            lang = language_slicing(train)
            if lang is None:
                skipped[dim] = "monolingual"
            else:
                out.append(lang)
    return out, skipped


# --- metrics per slice ----------------------------------------------------------------------------


def _stat(dimension: str, label: str, config: str, values: dict[str, np.ndarray], *, min_users: int,
          ci_metrics: Sequence[str], n_boot: int, seed: int) -> SliceStat:
    n = len(next(iter(values.values()))) if values else 0
    means = {m: float(v.mean()) if len(v) else float("nan") for m, v in values.items()}
    intervals = {m: bootstrap_ci(values[m], n_boot=n_boot, seed=seed)
                 for m in ci_metrics if m in values and n_boot > 0 and n > 0}
    return SliceStat(dimension, label, config, n, means, intervals, n < min_users)


def slice_experiment(
    result: ExperimentResult,
    split: Split,
    *,
    dimensions: Sequence[str] = DIMENSIONS,
    configs: Sequence[str] | None = None,
    min_users: int = MIN_SLICE_USERS,
    ci_metrics: Sequence[str] = ("ndcg", "recall"),
    n_boot: int = 1000,
    seed: int = 0,
    activity_cuts: tuple[int, int] | None = None,
    head_share: float = 0.2,
    tail_share: float = 0.2,
) -> SliceReport:
    """Each accuracy metric of each configuration (``configs``: default all) per slice of ``dimensions``.

    ``split`` is the split the experiment ran on (its users are ``result.users``); nothing is re-ranked:
    user slices average the experiment's per-user arrays, item slices rescore its lists.
    """
    started = time.perf_counter()
    users = np.asarray(result.users, dtype=np.int64)
    metrics = tuple(m for m in result.metrics if m in M.ACCURACY_METRICS)
    chosen = [r for r in result.results if configs is None or r.name in configs]
    slicings, skipped = slicings_for(split, users, dimensions, activity_cuts=activity_cuts,
                                     head_share=head_share, tail_share=tail_share)
    relevant = split.relevant_sets(users)
    stats: list[SliceStat] = []
    kw: dict[str, Any] = {"min_users": min_users, "ci_metrics": ci_metrics, "n_boot": n_boot, "seed": seed}
    for s in slicings:
        for j, label in enumerate(s.labels):
            if s.kind == "users":
                rows = np.flatnonzero(s.assign == j)
                for res in chosen:
                    values = {m: np.asarray(res.per_user[m])[rows] for m in metrics if m in res.per_user}
                    stats.append(_stat(s.dimension, label, res.name, values, **kw))
                continue
            restricted = [frozenset(i for i in rel if s.assign[i] == j) for rel in relevant]
            rows = np.array([r for r, rel in enumerate(restricted) if rel], dtype=np.int64)
            kept = [restricted[r] for r in rows]
            for res in chosen:
                recs = np.asarray(res.recommendations)[rows]
                values = (M.accuracy_per_user(recs, kept, result.k, metrics) if len(rows)
                          else {m: np.zeros(0) for m in metrics})
                stats.append(_stat(s.dimension, label, res.name, values, **kw))
    return SliceReport(result.k, metrics, min_users, slicings, stats, skipped, time.perf_counter() - started)
