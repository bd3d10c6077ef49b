"""Uncertainty and significance over users: bootstrap intervals, paired tests, p-value formatting.

- :func:`bootstrap_ci`: percentile bootstrap interval of a mean over users (users resampled with
  replacement, seeded).
- :func:`paired_comparison`: one configuration against a reference on the same users: the mean
  per-user difference with its bootstrap interval, the Wilcoxon signed-rank test and the paired t-test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided confidence interval."""

    mean: float
    low: float
    high: float


def bootstrap_ci(
    values: np.ndarray, n_boot: int = 1000, confidence: float = 0.95, seed: int = 0
) -> Interval:
    """Percentile bootstrap interval of the mean over users (resampling users with replacement); with
    ``n_boot < 1`` (``--bootstrap 0``: no intervals) the mean alone, its bounds NaN."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    if n_boot < 1:
        return Interval(float(x.mean()), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot, dtype=np.float64)
    chunk = max(1, 2_000_000 // max(len(x), 1))
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, len(x), size=(stop - start, len(x)))
        means[start:stop] = x[idx].mean(axis=1)
    alpha = (1.0 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Interval(float(x.mean()), float(low), float(high))


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
    ci = bootstrap_ci(diff, n_boot=n_boot, seed=seed)
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


def format_p(p: float) -> str:
    """A p-value for tables: 4 decimals, scientific below 0.001, an em dash when undefined."""
    if not math.isfinite(p):
        return "—"
    return f"{p:.2e}" if p < 1e-3 else f"{p:.4f}"


def p_or_none(p: float) -> float | None:
    """``p`` for JSON: None when it is undefined (NaN)."""
    return p if math.isfinite(p) else None
