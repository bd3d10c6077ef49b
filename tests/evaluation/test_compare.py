"""Comparing two configurations: overlap measures by hand, self-comparison, deltas from separately ranked
lists, the cases shown, and configuration names."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from core.common.errors import ConfigError
from core.data.dataset import Dataset
from core.data.splits import Split, SplitParams, resolve_threshold, split_dataset
from core.evaluation import metrics as M
from core.evaluation.compare import (
    COMPARE_METRICS,
    ConfigComparison,
    compare_configurations,
    delta_edges,
    fit_suite,
    jaccard,
    rbo_ext,
    resolve_configuration,
)
from core.evaluation.suite import ChannelSuite
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.registry import ChannelParams

# --- overlap ---------------------------------------------------------------------------------------------


def test_rbo_values_computed_by_hand() -> None:
    # X = (1, 1, 3): (1 - p) / p * (0.9 + 0.5 * 0.81 + 0.729) + 0.729
    assert rbo_ext([1, 2, 3], [1, 3, 2]) == pytest.approx(2.034 / 9 + 0.729)
    # X = (0, 2): (1 / 9) * (1 * 0.81) + 0.81
    assert rbo_ext([1, 2], [2, 1]) == pytest.approx(0.09 + 0.81)
    # uneven lists, X = (1, 1, 1): 1/9 * (0.9 + 0.405 + 0.243 + [0.405 * 0.5 ... tail]) + extrapolation
    s, ln, p = 1, 3, 0.9
    x = [1, 1, 1]
    expected = (1 - p) / p * (sum(x[d - 1] / d * p**d for d in range(1, ln + 1))
                              + sum(1 * (d - s) / (s * d) * p**d for d in range(s + 1, ln + 1))) + (0 + 1) * p**ln
    assert rbo_ext([7], [7, 8, 9]) == pytest.approx(expected)


def test_rbo_properties() -> None:
    rng = np.random.default_rng(0)
    a = rng.permutation(50)[:10]
    assert rbo_ext(a, a) == pytest.approx(1.0)
    assert rbo_ext(a, a + 100) == 0.0
    b = rng.permutation(a)
    assert rbo_ext(a, b) == pytest.approx(rbo_ext(b, a))
    assert 0.0 <= rbo_ext(a, b) <= 1.0
    assert rbo_ext([1, 2, 3], [1, 2, 3, 4, 5]) == pytest.approx(1.0)  # a prefix agrees as far as it goes
    # agreement at the top weighs more than the same agreement at the bottom
    assert rbo_ext([1, 2, 3, 4], [1, 9, 8, 7]) > rbo_ext([1, 2, 3, 4], [9, 8, 7, 1])
    assert rbo_ext([1, 2, -1, -1], [1, 2]) == pytest.approx(1.0)  # padding ignored
    assert rbo_ext([], []) == 1.0 and rbo_ext([], [1]) == 0.0
    with pytest.raises(ValueError):
        rbo_ext([1], [1], p=1.0)


def test_jaccard_by_hand() -> None:
    assert jaccard([1, 2, 3, 4], [3, 4, 5, 6]) == pytest.approx(2 / 6)
    assert jaccard([1, 2], [2, 1]) == 1.0
    assert jaccard([1, 2], [3, 4]) == 0.0
    assert jaccard([1, -1], [1]) == 1.0
    assert jaccard([-1], [-1]) == 1.0


def test_delta_edges_are_symmetric_with_a_middle_bin_around_zero() -> None:
    edges = delta_edges(np.array([-0.2, 0.1, 0.0]))
    assert edges[0] == pytest.approx(-0.2) and edges[-1] == pytest.approx(0.2)
    middle = len(edges) // 2
    assert edges[middle - 1] < 0 < edges[middle]
    assert delta_edges(np.zeros(3))[-1] == 1.0


# --- comparisons on the bilingual demo -------------------------------------------------------------------


@pytest.fixture(scope="module")
def split(bilingual: Dataset) -> Split:
    params = SplitParams(relevance_threshold=resolve_threshold(bilingual, "auto"), seed=7)
    return split_dataset(bilingual, params).subsample(150, seed=7)


OTHER = FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0, "item_knn": 1.0, "popularity": 0.5}),
                     normalisation="rank")


@pytest.fixture(scope="module")
def two_presets(split: Split, tmp_path_factory: pytest.TempPathFactory) -> ConfigComparison:
    path = tmp_path_factory.mktemp("cfg") / "other.json"
    path.write_text(json.dumps(OTHER.to_dict()), encoding="utf-8")
    a = resolve_configuration("default")
    b = resolve_configuration(str(path))
    assert b.config == OTHER
    return compare_configurations(split, a, b, k=10, n_boot=200, seed=3, n_cases=4)


def test_self_comparison_ties_everywhere(split: Split) -> None:
    a = resolve_configuration("default")
    result = compare_configurations(split, a, resolve_configuration("fused_default"), k=10, n_boot=100)
    assert result.wins == 0 and result.losses == 0 and result.ties == result.n_users == len(split.users)
    for m in result.metrics:
        assert m.delta == 0.0 and m.low == 0.0 and m.high == 0.0 and math.isnan(m.wilcoxon_p)
        assert m.mean_a == m.mean_b
    assert result.overlap.jaccard_mean == 1.0 and result.overlap.rbo_mean == pytest.approx(1.0)
    assert result.overlap.identical == result.n_users and result.overlap.disjoint == 0
    assert result.gains == () and result.drops == ()
    assert sum(result.delta_histogram.counts) == result.n_users


def test_deltas_equal_the_difference_of_separately_computed_metrics(
        two_presets: ConfigComparison, split: Split) -> None:
    # every channel fitted: the evaluation table's own path (same model seed as the comparison)
    suite = ChannelSuite(split.train, params=ChannelParams(random_state=3)).fit()
    suite.register("a", FusionConfig())
    suite.register("b", OTHER)
    lists = suite.recommend_all(split.users, 10)
    relevant = split.relevant_sets(split.users)
    per_a = M.accuracy_per_user(lists["a"], relevant, 10, COMPARE_METRICS)
    per_b = M.accuracy_per_user(lists["b"], relevant, 10, COMPARE_METRICS)
    for metric in COMPARE_METRICS:
        got = two_presets.metric(metric)
        assert got.mean_a == pytest.approx(per_a[metric].mean())
        assert got.mean_b == pytest.approx(per_b[metric].mean())
        assert got.delta == pytest.approx((per_b[metric] - per_a[metric]).mean())
        assert got.low <= got.delta <= got.high
    np.testing.assert_allclose(two_presets.ndcg_a, per_a["ndcg"])
    np.testing.assert_allclose(two_presets.ndcg_b, per_b["ndcg"])
    diff = per_b["ndcg"] - per_a["ndcg"]
    assert two_presets.wins == int((diff > 1e-12).sum()) and two_presets.losses == int((diff < -1e-12).sum())
    assert two_presets.wins + two_presets.losses > 0
    expected_jaccard = [jaccard(x, y) for x, y in zip(lists["a"], lists["b"], strict=True)]
    np.testing.assert_allclose(two_presets.jaccard, expected_jaccard)
    assert two_presets.overlap.rbo_mean == pytest.approx(np.mean(
        [rbo_ext(x, y) for x, y in zip(lists["a"], lists["b"], strict=True)]))


def test_top_gain_and_loss_users_have_the_largest_deltas(two_presets: ConfigComparison) -> None:
    diff = np.array(two_presets.ndcg_b) - np.array(two_presets.ndcg_a)
    by_user = dict(zip(two_presets.users, diff, strict=True))
    ranked = np.sort(diff)
    gains = [c.delta for c in two_presets.gains]
    assert gains and gains == sorted(gains, reverse=True)
    np.testing.assert_allclose(gains, ranked[::-1][: len(gains)])
    drops = [c.delta for c in two_presets.drops]
    assert drops and drops == sorted(drops)
    np.testing.assert_allclose(drops, ranked[: len(drops)])
    for case in (*two_presets.gains, *two_presets.drops):
        assert by_user[case.user_id] == pytest.approx(case.delta)
        assert case.delta == pytest.approx(case.ndcg_b - case.ndcg_a)


def test_cases_show_both_lists_with_held_out_items_and_contributions(
        two_presets: ConfigComparison, split: Split) -> None:
    train = split.train
    case = two_presets.gains[0]
    relevant = {str(train.item_ids[i]) for i in split.relevant[train.user_index[case.user_id]]}
    for side, conf in ((case.list_a, FusionConfig()), (case.list_b, OTHER)):
        assert [e.rank for e in side] == list(range(1, len(side) + 1))
        for entry in side:
            assert entry.held_out == (entry.item_id in relevant)
            assert entry.contributions is not None
            names = [c for c, _ in entry.contributions]
            assert all(conf.weights[c] > 0 for c in names)
    # B gained: its list holds at least one held-out relevant item
    assert any(e.held_out for e in case.list_b)
    # the contributions are the fused score's parts: they rank the list in order
    totals = [sum(v for _, v in e.contributions or ()) for e in case.list_b]
    assert totals == sorted(totals, reverse=True)


def test_to_dict_is_json(two_presets: ConfigComparison) -> None:
    doc = json.loads(json.dumps(two_presets.to_dict()))
    assert doc["direction"] == "B - A" and doc["n_users"] == two_presets.n_users
    assert [m["metric"] for m in doc["metrics"]][:3] == ["ndcg@10", "recall@10", "precision@10"]
    assert len(doc["per_user"]["rbo"]) == two_presets.n_users
    assert "per_user" not in two_presets.to_dict(per_user=False)


def test_subset_suite_ranks_like_the_full_suite(split: Split) -> None:
    full = ChannelSuite(split.train).fit()
    full.register("b", OTHER)
    part = fit_suite(split.train, [c for c, w in OTHER.weights.items() if w > 0])
    assert set(part.channels_) == {"mf", "item_knn", "popularity"}
    part.register("b", OTHER)
    np.testing.assert_array_equal(full.recommend_all(split.users, 10)["b"], part.recommend_all(split.users, 10)["b"])


def test_a_baseline_against_a_channel(split: Split) -> None:
    result = compare_configurations(split, resolve_configuration("most_popular"),
                                    resolve_configuration("channel:popularity"), k=5, n_boot=50)
    assert result.a.kind == "baseline" and result.b.kind == "channel"
    assert result.n_users == len(split.users)
    for case in (*result.gains, *result.drops):
        assert all(e.contributions is None for e in case.list_a)
        assert all(e.contributions is not None for e in case.list_b)


def test_resolve_configuration(tmp_path: Path) -> None:
    assert resolve_configuration("default").config == FusionConfig()
    assert resolve_configuration("typed_cold_start").kind == "fused"
    assert resolve_configuration("typed interests, no history").config == resolve_configuration(
        "typed_cold_start").config
    assert resolve_configuration("ease").baseline == "ease"
    assert resolve_configuration("channel:mf").channels() == ("mf",)
    saved = FusionConfig(weights=FusionWeights.from_dict({"graph": 1.0}))
    assert resolve_configuration("mine", {"mine": saved}).config == saved
    for bad in ("", "nothing", "channel:nope", str(tmp_path / "missing.json")):
        with pytest.raises(ConfigError):
            resolve_configuration(bad)
    broken = tmp_path / "broken.json"
    broken.write_text('{"weights": {"mf": -1}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="weights"):
        resolve_configuration(str(broken))


def test_no_test_users_is_a_clear_error(split: Split) -> None:
    from dataclasses import replace

    with pytest.raises(ConfigError, match="no test user"):
        compare_configurations(replace(split, relevant={}), resolve_configuration("default"),
                               resolve_configuration("channel:mf"))
