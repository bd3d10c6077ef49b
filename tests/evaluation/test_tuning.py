"""Optuna tuning: fusion weights find a known optimum, tuning uses only validation data, baselines tune."""

from __future__ import annotations

import json

import numpy as np

from core.data.dataset import Dataset
from core.data.splits import SplitParams, tuning_splits
from core.evaluation import metrics as M
from core.evaluation.guarded_tuning import guard_decision, tune_fusion_on_validation
from core.evaluation.options import EvalOptions
from core.evaluation.suite import ChannelSuite
from core.evaluation.tuning import (
    TuningResult,
    tune_baseline,
    tune_channel_params,
    tune_fusion,
    tuning_from_dict,
    tuning_to_dict,
    with_weight,
)
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.registry import ChannelParams
from tests.evaluation.conftest import clustered, genre_vectors


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


def _guarded(base: FusionConfig, channels: tuple[str, ...]) -> tuple[TuningResult, FusionConfig]:
    ds = clustered(with_text=False)
    params = SplitParams(kind="random", relevance_threshold=4.0, seed=3)
    test_split, val = tuning_splits(ds, params)
    opts = EvalOptions(split=params, fusion=base, channels=channels, n_trials=12, tune_folds=3, model=None,
                       seed=5)
    result, suite = tune_fusion_on_validation(val, options=opts, channel_params=ChannelParams.of(mf={"factors": 8}),
                                              parent=test_split.train)
    assert result is not None and suite.train is val.train
    return result, base


def test_guard_keeps_the_defaults_when_no_weight_helps() -> None:
    # one channel alone: every positive weight ranks the same, so tuning cannot change a single list
    result, base = _guarded(FusionConfig(weights=FusionWeights.from_dict({"item_knn": 1.0})), ("item_knn",))
    decision = result.decision
    assert not decision["adopted"] and decision["reason"] == "identical" and decision["n_folds"] == 3
    assert result.best_config == base and result.candidate_config is not None
    assert "kept the defaults" in decision["message"]
    assert result.as_dict()["decision"]["adopted"] is False  # recorded in the JSON payload
    back = tuning_from_dict(json.loads(json.dumps(tuning_to_dict(result))))
    assert back is not None and back.decision == decision and back.candidate_config == result.candidate_config


def test_guard_adopts_weights_that_clearly_help() -> None:
    # item_knn is the useful channel but starts with a tiny weight beside popularity
    base = FusionConfig(weights=FusionWeights.from_dict({"popularity": 1.0, "item_knn": 0.01}))
    result, _ = _guarded(base, ("item_knn", "popularity"))
    decision = result.decision
    assert decision["adopted"] and decision["reason"] == "significant_gain", decision
    assert decision["wilcoxon_p"] < 0.05 and decision["difference"] > 0
    assert result.best_config != base and result.candidate_config is None
    weights = result.best_config.weights.as_dict()
    assert weights["item_knn"] > weights["popularity"] * 0.1
    assert result.best_value > result.base_value
    # importances: one share per searched weight, summing to 1
    assert set(result.importances) == {"item_knn", "popularity"}
    assert abs(sum(result.importances.values()) - 1.0) < 1e-9
    again, _ = _guarded(base, ("item_knn", "popularity"))
    assert again.best_config == result.best_config and again.decision == decision  # seeded


def test_guard_decision_reasons() -> None:
    rng = np.random.default_rng(0)
    default = rng.random(300)
    noise = rng.normal(0, 0.05, 300)
    flat = guard_decision(default + noise - noise.mean(), default, n_folds=3, in_sample=False, metric="ndcg@10")
    assert not flat["adopted"] and flat["reason"] in ("not_significant", "no_gain")
    better = guard_decision(default + 0.05 + noise, default, n_folds=3, in_sample=False, metric="ndcg@10")
    assert better["adopted"] and better["reason"] == "significant_gain" and better["relative"] > 0
    worse = guard_decision(default - 0.05 + noise, default, n_folds=3, in_sample=False, metric="ndcg@10")
    assert not worse["adopted"] and worse["reason"] == "no_gain"
    same = guard_decision(default, default, n_folds=1, in_sample=True, metric="ndcg@10")
    assert same["reason"] == "identical" and not same["adopted"]
    assert guard_decision(default + 0.05 + noise, default, n_folds=1, in_sample=True,
                          metric="ndcg@10")["reason"] == "in_sample"


def test_penalty_pulls_toward_the_base_weights() -> None:
    target = {"mf": 0.9, "item_knn": 0.1}
    base = FusionConfig(weights=FusionWeights.from_dict({"mf": 0.5, "item_knn": 0.5}))

    def objective(config: FusionConfig) -> float:
        w = config.weights.as_dict()
        return 1.0 - 0.01 * sum((w[c] - v) ** 2 for c, v in target.items())

    free = tune_fusion(objective, list(target), base=base, n_trials=40, seed=3, tune_normalisation=False)
    pulled = tune_fusion(objective, list(target), base=base, n_trials=40, seed=3, tune_normalisation=False,
                         penalty=1.0)
    assert free.best_config.weights.as_dict()["mf"] > 0.7
    assert pulled.best_config == base  # the small gain does not pay for moving away from the base
    assert {"value", "penalised"} <= set(pulled.trials.columns)
