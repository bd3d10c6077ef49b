"""core.evaluation.bias: popularity deciles, recommendation shares and long-tail share by hand."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.bias import popularity_bias, popularity_bins, recommended_share, tail_share
from core.evaluation.experiment import baseline_spec, run_experiment


def test_bins_and_shares_by_hand() -> None:
    pop = np.array([1, 9, 5, 7, 0])  # ranks: i1, i3, i2, i0, i4
    bins = popularity_bins(pop, 5)
    np.testing.assert_array_equal(bins, [3, 0, 2, 1, 4])
    np.testing.assert_array_equal(popularity_bins(np.arange(20), 10), np.repeat(np.arange(10), 2)[::-1])
    recs = np.array([[1, 3], [1, -1]])  # three valid slots: two in bin 0, one in bin 1
    np.testing.assert_allclose(recommended_share(recs, bins, 2, 5), [2 / 3, 1 / 3, 0, 0, 0])
    tail = np.array([True, False, False, False, True])
    assert tail_share(np.array([[0, 1], [4, -1]]), tail, 2) == pytest.approx((0.5 + 1.0) / 2)
    with pytest.raises(ValueError):
        popularity_bins(pop, 0)


def test_popularity_bias_of_an_experiment(split: Split) -> None:
    specs = [baseline_spec("most_popular"), baseline_spec("item_knn_cf")]
    result = run_experiment(split, [s for s in specs if s is not None], k=5, n_boot=0)
    bias = popularity_bias(result, split.train)
    train = split.train
    assert bias.interaction_share.sum() == pytest.approx(1.0)
    assert bias.item_counts.sum() == train.n_items
    assert bias.interaction_share[0] >= bias.interaction_share[-1]
    for name, share in bias.recommended_share.items():
        assert share.sum() == pytest.approx(1.0)
        recs = result.result(name).recommendations
        assert bias.average_popularity[name] == pytest.approx(M.average_popularity(recs, train.item_popularity, 5))
        assert bias.coverage[name] == pytest.approx(M.catalogue_coverage(recs, train.n_items, 5))
    # most_popular lists only the most popular items: all in the first deciles, never the tail
    top = bias.recommended_share["most_popular"]
    assert top[0] > bias.interaction_share[0] and bias.tail_share["most_popular"] == 0.0
    payload = bias.to_dict()
    assert len(payload["deciles"]) == 10 and set(payload["configs"]) == {"most_popular", "item_knn_cf"}
    assert "| 10 |" in bias.to_markdown()
    only = popularity_bias(result, train, configs=["item_knn_cf"])
    assert list(only.recommended_share) == ["item_knn_cf"]
