"""Optuna tuning: fusion weights find a known optimum, tuning uses only validation data, baselines tune."""

from __future__ import annotations

from core.data.dataset import Dataset
from core.data.splits import SplitParams, tuning_splits
from core.evaluation import metrics as M
from core.evaluation.suite import ChannelSuite
from core.evaluation.tuning import tune_baseline, tune_channel_params, tune_fusion, with_weight
from core.ranking.config import FusionConfig
from core.ranking.registry import ChannelParams
from tests.evaluation.conftest import genre_vectors


def test_tune_fusion_finds_a_known_optimum() -> None:
    target = {"mf": 0.8, "item_knn": 0.2, "popularity": 0.0}

    def objective(config: FusionConfig) -> float:
        w = config.weights.as_dict()
        bonus = 0.05 if config.normalisation == "rank" else 0.0
        return bonus - sum((w[c] - v) ** 2 for c, v in target.items())

    seen: list[float] = []
    res = tune_fusion(objective, list(target), n_trials=60, seed=7, progress=lambda f, _m: seen.append(f))
    again = tune_fusion(objective, list(target), n_trials=60, seed=7)
    assert res.n_trials == 60 and seen[-1] == 1.0
    assert res.best_config.normalisation == "rank"
    assert res.best_value > -0.02 + 0.05
    assert res.best_value >= res.base_value  # warm start: never worse than the default on this objective
    assert again.best_config == res.best_config  # seeded
    assert set(res.trials.columns) >= {"trial", "value", "w_mf", "normalisation"}


def test_tuned_fusion_beats_default_on_validation_and_uses_only_validation(data: Dataset) -> None:
    test_split, val = tuning_splits(data, SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0))
    params = ChannelParams.of(mf={"factors": 16})
    val_suite = ChannelSuite(val.train, genre_vectors(val.train), params=params).fit()
    batch = val_suite.batch(val.users, ("minmax",))
    calls: list[int] = []

    def objective(config: FusionConfig) -> float:
        calls.append(1)
        recs = batch.top_k(config, 10)
        return float(M.accuracy_per_user(recs, val.relevant_sets(), 10, ("ndcg",))["ndcg"].mean())

    res = tune_fusion(objective, ["history", "mf", "item_knn", "popularity"], n_trials=12, seed=1,
                      tune_normalisation=False)
    assert len(calls) == 12 and res.best_value >= res.base_value
    # the validation training data never contains a test-split interaction
    held = set(zip(test_split.held_out["user_id"], test_split.held_out["item_id"], strict=True))
    val_train = val.train.interactions
    assert not held & set(zip(val_train["user_id"], val_train["item_id"], strict=True))


def test_tune_baseline(data: Dataset) -> None:
    _, val = tuning_splits(data, SplitParams(kind="leave_last", n_last=3))
    out = tune_baseline("item_knn_cf", val, n_trials=4, seed=0)
    assert out["validation_ndcg"] >= out["default_validation_ndcg"]
    assert 10 <= out["params"]["neighbours"] <= 400


def test_tune_channel_params_updates_only_the_tuned_channel(data: Dataset) -> None:
    _, val = tuning_splits(data, SplitParams(kind="leave_last", n_last=3))
    base = ChannelParams.of(mf={"factors": 16})
    params, summary = tune_channel_params(val, val.users, base=base, channels=("item_knn",), n_trials=3, seed=0)
    assert set(summary) == {"item_knn"}
    best = summary["item_knn"]
    assert best["validation_ndcg"] >= best["default_validation_ndcg"] and best["n_trials"] == 3
    assert params.get("item_knn").k == best["params"]["knn_neighbours"]
    assert params.get("item_knn").use_rating == best["params"]["knn_use_rating"]
    assert params.get("mf") == base.get("mf")  # untouched


def test_with_weight_replaces_one_weight() -> None:
    base = FusionConfig(normalisation="rank")
    changed = with_weight(base, "semantic", 0.35)
    assert changed.weights.as_dict()["semantic"] == 0.35 and changed.normalisation == "rank"
    assert {c: w for c, w in changed.weights.as_dict().items() if c != "semantic"} == {
        c: w for c, w in base.weights.as_dict().items() if c != "semantic"}
