"""Choosing the interaction transform on validation users (issue 20 item 2)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.data.confidence import Confidence, default_confidence
from core.data.dataset import Dataset
from core.data.signal import declared
from core.data.splits import SplitParams, tuning_splits
from core.evaluation import confidence_tuning as CT
from core.evaluation.baselines import make_baseline
from core.evaluation.options import EvalOptions
from core.evaluation.protocol import evaluate_dataset
from core.ranking.registry import ChannelParams
from tests.evaluation.conftest import clustered


def plays(n_users: int = 90, seed: int = 0) -> Dataset:
    """Clustered play counts: each user plays their genre's items many times, a few others once."""
    base = clustered(n_users=n_users, seed=seed, with_text=False)
    inter = base.interactions.copy()
    rng = np.random.default_rng(seed)
    liked = inter["rating"] >= 4.0
    inter["rating"] = np.where(liked, rng.integers(3, 400, len(inter)), 1).astype(float)
    items = pd.DataFrame({"item_id": base.item_ids})
    return Dataset.from_frames("plays", inter, items, signal=declared("count"))


def test_candidates_start_with_the_signal_default_and_use_the_split_threshold() -> None:
    for signal in ("explicit", "count", "binary", "duration"):
        todo = CT.candidates_for(signal, relevance_threshold=3.5)
        assert todo[0] == default_confidence(signal)
        assert len(set(todo)) == len(todo)
    explicit = CT.candidates_for("explicit", relevance_threshold=3.5)
    assert Confidence("threshold", alpha=1.0, threshold=3.5) in explicit
    assert {c.kind for c in CT.candidates_for("count")} >= {"log", "binary", "bm25", "tfidf"}
    assert CT.candidates_for("binary") == (Confidence("binary"),)


def _fake_scores(monkeypatch: pytest.MonkeyPatch, by_kind: dict[str, np.ndarray]) -> None:
    def fake(validation, users, base, conf, k, ctx):  # type: ignore[no-untyped-def]
        return by_kind.get(conf.label(), by_kind["other"])

    monkeypatch.setattr(CT, "per_user_ndcg", fake)


def test_a_clear_winner_is_adopted_and_a_noisy_one_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = plays()
    _, validation = tuning_splits(ds, SplitParams(kind="random", seed=1))
    users = validation.users
    rng = np.random.default_rng(0)
    default = rng.uniform(0.1, 0.5, len(users))
    default_label = default_confidence("count").label()
    # bm25 wins for almost every user: adopted with a small p
    better = default + rng.uniform(0.02, 0.08, len(users))
    _fake_scores(monkeypatch, {default_label: default, "bm25(alpha=1, k1=100, b=0.8)": better,
                               "other": default - 0.01})
    choice = CT.choose_confidence(validation, users)
    assert choice.adopted and choice.chosen.kind == "bm25" and choice.p_value < CT.ALPHA
    assert choice.scores[0]["label"] == default_label
    assert "beat the default" in choice.reason
    # a higher mean that comes from noise alone: the default is kept, with the reason
    noise = rng.normal(0, 0.2, len(users))
    _fake_scores(monkeypatch, {default_label: default, "tfidf(alpha=1)": default + noise - noise.mean() + 1e-3,
                               "other": default - 0.01})
    kept = CT.choose_confidence(validation, users)
    assert not kept.adopted and kept.chosen == default_confidence("count")
    assert kept.p_value >= CT.ALPHA and "kept the default" in kept.reason
    again = CT.ConfidenceChoice.from_dict(json.loads(json.dumps(kept.to_dict())))
    assert again.chosen == kept.chosen and again.scores == kept.scores and not again.adopted


def test_real_choice_on_play_counts_scores_every_candidate() -> None:
    ds = plays()
    _, validation = tuning_splits(ds, SplitParams(kind="random", seed=1))
    choice = CT.choose_confidence(validation, validation.users, k=10)
    assert [row["label"] for row in choice.scores] == [c.label() for c in CT.candidates_for("count")]
    assert all(0.0 <= row["validation_ndcg"] <= 1.0 for row in choice.scores)
    assert choice.chosen in CT.candidates_for("count")


def test_apply_gives_the_channel_and_its_baselines_one_matrix() -> None:
    chosen = Confidence("bm25", alpha=2.0)
    fixed: dict[str, dict[str, object]] = {}
    params = CT.apply_confidence(chosen, ChannelParams(), fixed)
    assert params.get("mf").confidence == chosen
    als = make_baseline("als", fixed["als"])
    bpr = make_baseline("bpr", fixed["bpr"])
    assert als.params.confidence == chosen and bpr.params.confidence == chosen  # type: ignore[attr-defined]


def test_evaluation_records_the_choice_and_fits_als_with_it() -> None:
    ds = plays()
    opts = EvalOptions(split=SplitParams(kind="random", seed=3, relevance_threshold=None), tune=False,
                       n_boot=50, model=None, baselines=("most_popular", "als"), channels=("mf", "popularity"),
                       typed=False)
    report = evaluate_dataset(ds, opts)
    assert report.confidence is not None
    chosen = report.confidence.chosen
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["confidence"]["chosen"] == chosen.to_dict()
    assert len(payload["confidence"]["scores"]) == len(CT.candidates_for("count"))
    assert Confidence.from_dict(report.experiment.result("als").params["confidence"]) == chosen
    assert report.runtime["channel_params"].get("mf").confidence == chosen
    assert "Interaction transform (count data)" in report.to_markdown()
    # the mf channel alone and the ALS baseline are one model on one matrix: the same lists
    als = report.experiment.result("als").recommendations
    mf = report.experiment.result("channel:mf").recommendations
    assert np.array_equal(als, mf)


def test_switched_off_keeps_the_signal_default() -> None:
    ds = plays()
    opts = EvalOptions(split=SplitParams(kind="random", seed=3, relevance_threshold=None), tune=False,
                       tune_confidence=False, n_boot=50, model=None, baselines=("als",), channels=("mf",),
                       typed=False)
    report = evaluate_dataset(ds, opts)
    assert report.confidence is None and "confidence" not in report.to_dict()


def test_the_mf_channel_takes_the_tuned_als_baselines_parameters() -> None:
    """One model, one tuning: with both tuned on validation, channel:mf and ALS stay the same lists."""
    ds = plays()
    opts = EvalOptions(split=SplitParams(kind="random", seed=3, relevance_threshold=None), tune=False,
                       tune_baselines=True, baseline_trials=3, tune_channels=True, channel_trials=2, n_boot=50,
                       model=None, baselines=("als",), channels=("mf", "item_knn"), typed=False)
    report = evaluate_dataset(ds, opts)
    shared = report.channel_tuning["mf"]
    assert shared["shared_with"] == "als"
    assert shared["validation_ndcg"] == report.baseline_tuning["als"]["validation_ndcg"]
    assert set(shared["params"]) == {"mf_factors", "mf_regularization", "mf_alpha"}
    assert "shared_with" not in report.channel_tuning["item_knn"]  # searched on its own
    mf = report.runtime["channel_params"].get("mf")
    als = report.baseline_tuning["als"]["params"]
    assert (mf.factors, mf.regularization, mf.confidence.alpha) == (als["factors"], als["regularization"], als["alpha"])
    assert np.array_equal(report.experiment.result("als").recommendations,
                          report.experiment.result("channel:mf").recommendations)
