"""Top-k and MMR (``core.common.selection``): against a full sort, row-wise against one row, ties by lower
index, ``-inf`` dropped and ``-1`` padding, huge tie groups, and MMR's relevance order, groups and accept."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.common.selection import mmr, top_k, top_k_rows


def full_sort(scores: np.ndarray, k: int) -> np.ndarray:
    """Reference: every finite item by descending score, ties by ascending index, first ``k``."""
    x = np.where(np.isnan(scores), -np.inf, np.asarray(scores, dtype=np.float64))
    order = np.lexsort((np.arange(x.size), -x))
    return order[x[order] > -np.inf][: max(k, 0)]


def _scores(rng: np.random.Generator, n: int, kind: int) -> np.ndarray:
    if kind == 0:
        return rng.normal(size=n)
    if kind == 1:
        return rng.integers(0, 4, size=n).astype(float)  # heavy ties
    if kind == 2:
        return np.where(rng.random(n) < 0.995, 0.0, rng.random(n))  # a sparse channel: a huge tie at 0
    x = rng.normal(size=n)
    x[rng.random(n) < 0.7] = -np.inf  # mostly excluded
    return x


# --- top_k ------------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.integers(0, 3), st.integers(0, 10_000))
def test_top_k_equals_full_sort(k: int, kind: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 20_000))  # above 4096 the sampled-threshold path runs
    x = _scores(rng, n, kind)
    np.testing.assert_array_equal(top_k(x, k), full_sort(x, k))


def test_top_k_ties_go_to_the_lower_index() -> None:
    x = np.array([1.0, 3.0, 2.0, 3.0, 2.0, 3.0])
    assert top_k(x, 2).tolist() == [1, 3]
    assert top_k(x, 4).tolist() == [1, 3, 5, 2]
    assert top_k(np.zeros(7), 3).tolist() == [0, 1, 2]


def test_top_k_drops_minus_inf_and_nan() -> None:
    x = np.array([-np.inf, 0.5, np.nan, -np.inf, 0.1])
    assert top_k(x, 5).tolist() == [1, 4]
    assert top_k(np.full(4, -np.inf), 2).tolist() == []
    assert top_k(x, 0).tolist() == [] and top_k(x, -3).tolist() == []
    assert top_k(x, 2).dtype == np.int64


def test_top_k_big_tie_groups() -> None:
    n = 300_000
    x = np.zeros(n)
    hits = np.array([299_999, 150_000, 7, 123_456])
    x[hits] = [4.0, 3.0, 2.0, 1.0]
    got = top_k(x, 50)
    assert got[:4].tolist() == hits.tolist()
    assert got[4:].tolist() == [i for i in range(60) if i != 7][:46]  # the zero tie group in index order
    x[n // 2 :] = -np.inf
    np.testing.assert_array_equal(top_k(x, 50), full_sort(x, 50))


# --- top_k_rows ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 40), st.integers(0, 3), st.integers(0, 10_000))
def test_top_k_rows_agrees_with_top_k(k: int, kind: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_rows, n_items = int(rng.integers(1, 9)), int(rng.integers(1, 300))
    x = _scores(rng, n_rows * n_items, kind).reshape(n_rows, n_items)
    x[0] = -np.inf  # a row with nothing eligible
    rows = top_k_rows(x, k)
    assert rows.shape == (n_rows, k) and rows.dtype == np.int64
    for r in range(n_rows):
        expected = top_k(x[r], k)
        np.testing.assert_array_equal(rows[r, : expected.size], expected)
        assert (rows[r, expected.size :] == -1).all()
        np.testing.assert_array_equal(expected, full_sort(x[r], k))


def test_top_k_rows_ties_padding_and_big_tie_groups() -> None:
    x = np.array([
        [1.0, 3.0, 2.0, 3.0, 2.0],
        [-np.inf, 0.5, -np.inf, -np.inf, 0.1],
        [0.0, 0.0, 0.0, 0.0, 0.0],
    ])
    assert top_k_rows(x, 3).tolist() == [[1, 3, 2], [1, 4, -1], [0, 1, 2]]
    assert top_k_rows(x, 7).tolist() == [[1, 3, 2, 4, 0, -1, -1], [1, 4, -1, -1, -1, -1, -1],
                                         [0, 1, 2, 3, 4, -1, -1]]
    assert top_k_rows(x, 0).shape == (3, 0)
    assert top_k_rows(np.zeros((0, 5)), 2).shape == (0, 2)
    # a sparse channel: most of each row tied at zero, more tied items than fit
    rng = np.random.default_rng(1)
    big = np.where(rng.random((4, 50_000)) < 0.999, 0.0, rng.random((4, 50_000)))
    rows = top_k_rows(big, 100)
    for r in range(4):
        np.testing.assert_array_equal(rows[r], full_sort(big[r], 100))
    with pytest.raises(ValueError):
        top_k_rows(np.zeros(5), 2)


# --- mmr --------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 25), st.integers(0, 10_000))
def test_mmr_with_lambda_one_is_relevance_order(k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    rel = rng.integers(0, 5, size=n).astype(float)  # ties: the lower position first
    sim = rng.random((n, n))
    assert mmr(rel, sim, k, 1.0) == full_sort(rel, k).tolist()


def test_mmr_by_hand() -> None:
    rel = np.array([1.0, 0.9, 0.5])
    sim = np.array([[1.0, 0.95, 0.1], [0.95, 1.0, 0.2], [0.1, 0.2, 1.0]])
    # gains with lam 0.5: first 0 (0.5 > 0.45 > 0.25); then 1: 0.45 - 0.475, 2: 0.25 - 0.05 -> 2; then 1
    assert mmr(rel, sim, 3, 0.5) == [0, 2, 1]
    assert mmr(rel, sim, 2, 0.5) == [0, 2]
    assert mmr(rel, sim, 10, 0.5) == [0, 2, 1]  # stops when the pool is empty
    assert mmr(rel, sim, 0, 0.5) == []


def test_mmr_groups_only_penalise_within_a_group() -> None:
    rel = np.array([1.0, 0.9, 0.8])
    same = np.ones((3, 3))
    # one group: 1 (0.45 - 0.5) beats 2 (0.4 - 0.5); two groups: 2 has no chosen neighbour in its group
    assert mmr(rel, same, 3, 0.5) == [0, 1, 2]
    assert mmr(rel, same, 3, 0.5, groups=np.array([0, 0, 1])) == [0, 2, 1]


def test_mmr_accept_can_refuse_a_candidate() -> None:
    rel = np.array([1.0, 0.95, 0.8, 0.7])
    sim = np.array([[1.0, 0.9, 0.0, 0.0], [0.9, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.3], [0.0, 0.0, 0.3, 1.0]])
    asked: list[tuple[int, float]] = []

    def accept(i: int, redundancy: float) -> bool:
        asked.append((i, round(redundancy, 6)))
        return redundancy < 0.5  # refuse near-duplicates of a chosen candidate

    chosen = mmr(rel, sim, 4, 0.9, accept=accept)
    # 0 (nothing chosen: redundancy 0); 1 is the best next (0.855 - 0.09 > 0.72) but a near-duplicate of 0: it
    # leaves the pool unchosen; then 2 and 3 (3's redundancy is its similarity to 2)
    assert chosen == [0, 2, 3]
    assert asked == [(0, 0.0), (1, 0.9), (2, 0.0), (3, 0.3)]
    # refused candidates do not count towards k
    assert mmr(rel, sim, 2, 0.9, accept=accept) == [0, 2]
