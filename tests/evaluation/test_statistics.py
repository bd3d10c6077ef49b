"""Bootstrap intervals and paired significance tests against their definitions and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from core.evaluation.statistics import bootstrap_ci, paired_comparison


def test_bootstrap_ci_contains_mean_and_shrinks() -> None:
    rng = np.random.default_rng(4)
    small = rng.normal(0.3, 0.1, size=50)
    large = rng.normal(0.3, 0.1, size=5000)
    ci_small = bootstrap_ci(small, n_boot=500, seed=1)
    ci_large = bootstrap_ci(large, n_boot=500, seed=1)
    assert ci_small.low < ci_small.mean < ci_small.high
    assert (ci_large.high - ci_large.low) < (ci_small.high - ci_small.low)
    # normal approximation of the standard error: 95% half-width ~ 1.96 sd / sqrt(n)
    assert (ci_large.high - ci_large.low) / 2 == pytest.approx(1.96 * large.std() / math.sqrt(5000), rel=0.2)
    assert bootstrap_ci(small, n_boot=200, seed=7) == bootstrap_ci(small, n_boot=200, seed=7)
    assert math.isnan(bootstrap_ci(np.array([])).mean)


def test_paired_comparison_matches_scipy() -> None:
    rng = np.random.default_rng(5)
    b = rng.random(200)
    a = b + rng.normal(0.05, 0.1, 200)
    comp = paired_comparison(a, b, names=("a", "b"), metric="ndcg", n_boot=500)
    assert comp.wilcoxon_p == pytest.approx(stats.wilcoxon(a, b).pvalue)
    assert comp.ttest_p == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert comp.difference == pytest.approx(float((a - b).mean()))
    assert comp.relative == pytest.approx(float((a - b).mean() / b.mean()))
    assert comp.diff_low < comp.difference < comp.diff_high
    same = paired_comparison(b, b, names=("b", "b"), metric="ndcg")
    assert math.isnan(same.wilcoxon_p) and same.as_dict()["wilcoxon_p"] is None
    with pytest.raises(ValueError):
        paired_comparison(a, b[:-1], names=("a", "b"), metric="ndcg")


def test_bootstrap_ci_without_resamples_gives_the_mean_alone() -> None:
    interval = bootstrap_ci(np.array([0.1, 0.3, np.nan, 0.5]), n_boot=0)
    assert interval.mean == pytest.approx(0.3)
    assert np.isnan(interval.low) and np.isnan(interval.high)
