"""core.vectors.sampling: balanced, seeded display samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.vectors.sampling import allocate, stratified_sample


def test_allocate_is_proportional_with_a_floor() -> None:
    sizes = np.array([1000, 300, 50, 3, 0])
    alloc = allocate(sizes, 200, min_per_stratum=10)
    assert alloc.sum() == 200
    assert (alloc <= sizes).all()
    assert alloc[3] == 3 and alloc[4] == 0  # small strata entirely, empty ones nothing
    assert alloc[2] >= 10  # floor kept although 50/1353*200 ~ 7
    assert alloc[0] > alloc[1] > alloc[2]  # otherwise proportional
    assert alloc[0] / alloc[1] == pytest.approx(1000 / 300, rel=0.1)
    assert list(allocate(sizes, 5000)) == list(sizes)  # more than available: everything
    tight = allocate(np.array([100, 100, 100, 5]), 8, min_per_stratum=10)  # floors exceed the budget
    assert tight.sum() == 8 and (tight >= 1).all()
    assert allocate(sizes, 0).sum() == 0


def test_stratified_sample_is_balanced_seeded_and_not_first_n() -> None:
    labels = np.array(["Drama"] * 600 + ["Comedy"] * 300 + ["Horror"] * 20 + ["Film-Noir"] * 4)
    idx, report = stratified_sample(labels, 100, min_per_stratum=8, seed=1)
    assert len(idx) == 100 and report.total == 100
    assert np.array_equal(idx, np.unique(idx))  # sorted, no repeats
    drawn = dict(zip(report.labels, report.drawn, strict=True))
    picked = pd.Series(labels[idx]).value_counts().to_dict()
    assert picked == {k: v for k, v in drawn.items() if v}
    assert picked["Film-Noir"] == 4 and picked["Horror"] == 8
    assert picked["Drama"] > picked["Comedy"] > picked["Horror"]
    assert not np.array_equal(idx[: picked["Drama"]], np.arange(picked["Drama"]))  # not the first N
    again, _ = stratified_sample(labels, 100, min_per_stratum=8, seed=1)
    assert np.array_equal(idx, again)
    other, _ = stratified_sample(labels, 100, min_per_stratum=8, seed=2)
    assert not np.array_equal(idx, other)


def test_stratified_sample_grows_without_reshuffling_and_pins() -> None:
    labels = ["a"] * 500 + ["b"] * 500 + [None] * 100
    small, _ = stratified_sample(labels, 60, seed=0)
    large, _ = stratified_sample(labels, 200, seed=0)
    assert set(small) <= set(large)  # raising the sample keeps what was on screen
    pinned, report = stratified_sample(labels, 60, seed=0, always=[1099, 5, 5, -1, 5000])
    assert {1099, 5} <= set(pinned)
    assert set(small) <= set(pinned)
    assert report.total == len(pinned) == 60 + report.pinned
    everything, _ = stratified_sample(labels, 10_000)
    assert len(everything) == 1100
