"""ui.evaluate_progress: the core's English progress messages become "step i of n: stage — work left" in
zh/en, remembering the stage across detail messages, and never show the English message itself."""

from __future__ import annotations

import re

import pytest

from core.evaluation.options import EvalOptions
from ui.evaluate_progress import EvalProgress, expected_configs, planned_stages
from ui.i18n import LANGS, t

OPTS = EvalOptions(baselines=("most_popular", "item_knn_cf", "als"), channels=("mf", "recency"), fused=True,
                   tune=True, tune_baselines=True, typed=True)
# the messages a run reports, worded as evaluate_dataset and its steps word them, in order
RUN = [
    (0.0, "splitting"), (0.02, "loading encoder use-m3"), (0.05, "embedding items"), (0.05, "cache lookup"),
    (0.13, "256/300"), (0.148, "300 of 300 texts"), (0.15, "tuning baseline item_knn_cf"),
    (0.17, "item_knn_cf: trial 3/8"), (0.25, "baseline als: tuning resumed from the interrupted run"),
    (0.4, "tuning fusion weights on the validation split"),
    (0.4, "fitting channels on the validation split's training data"), (0.407, "fitting mf"),
    (0.458, "scored users 256/333"), (0.55, "trial 12/40: best ndcg@10 0.3715"), (0.6, "best ndcg@10 0.3715"),
    (0.6, "fitting channels on the test split's training data"), (0.61, "fitting item_knn"),
    (0.62, "channels ready"), (0.65, "most_popular: fit"), (0.68, "item_knn_cf: recommend"),
    (0.7, "als: recommend"), (0.75, "channel:mf: fit"), (0.8, "channel:recency: fit"),
    (0.81, "scored queries 64/593"), (0.9, "fused_tuned: recommend"),
    (0.92, "done"), (0.93, "decomposing typed interests 12/80"), (0.95, "decomposing typed interests 40/80"),
    (0.97, "scored queries 100/120"), (1.0, "typed interests done"),
]


def _tr(lang: str):  # type: ignore[no-untyped-def]
    return lambda key, **kw: t(key, lang, **kw)


def test_plan_follows_the_options() -> None:
    assert expected_configs(OPTS) == ["most_popular", "item_knn_cf", "als", "channel:mf", "channel:recency",
                                      "fused_default", "fused_tuned"]
    assert planned_stages(OPTS) == ["split", "embed", "tune_baselines", "tune_fusion", "fit", "configs", "typed"]
    quick = EvalOptions(baselines=("most_popular",), channels=(), fused=False, tune=True, typed=True)
    assert planned_stages(quick) == ["split", "embed", "configs"]
    assert expected_configs(quick) == ["most_popular"]


def test_english_texts_of_a_run() -> None:
    narrator = EvalProgress.for_options(OPTS, _tr("en"))
    texts = {message: narrator.text(fraction, message) for fraction, message in RUN}
    assert texts["splitting"] == "Step 1 of 7: Splitting into training and test data · 0%"
    assert texts["256/300"] == "Step 2 of 7: Embedding the items — 256 of 300 texts encoded · 13%"
    assert texts["item_knn_cf: trial 3/8"] == (
        "Step 3 of 7: Tuning the baselines — Item kNN (implicit): trial 3 of 8 · 17%")
    assert texts["baseline als: tuning resumed from the interrupted run"].startswith(
        "Step 3 of 7: Tuning the baselines — ALS (implicit) (reusing")
    assert texts["fitting mf"] == (
        "Step 4 of 7: Tuning the fusion weights on validation users — fitting “Matrix factorisation” · 40%")
    assert texts["scored users 256/333"].endswith("— 256 of 333 users scored · 45%")
    assert texts["trial 12/40: best ndcg@10 0.3715"] == (
        "Step 4 of 7: Tuning the fusion weights on validation users — trial 12 of 40, best NDCG@10 so far 0.3715 · 55%")
    assert texts["fitting item_knn"].startswith("Step 5 of 7: Fitting the channels on the training data — fitting")
    assert texts["als: recommend"] == (
        "Step 6 of 7: Scoring the configurations — configuration 3 of 7: ALS (implicit) · 70%")
    assert texts["channel:recency: fit"].endswith("configuration 5 of 7: Freshness alone · 80%")
    assert texts["scored queries 64/593"] == "Step 6 of 7: Scoring the configurations — 64 of 593 users scored · 81%"
    assert texts["decomposing typed interests 40/80"] == (
        "Step 7 of 7: Evaluating typed interests — decomposing users' tags: 40 of 80 · 95%")
    assert texts["scored queries 100/120"].startswith("Step 7 of 7: Evaluating typed interests — 100 of 120")
    assert texts["typed interests done"] == "Putting the results together…"


@pytest.mark.parametrize("lang", LANGS)
def test_no_core_message_reaches_the_screen(lang: str) -> None:
    narrator = EvalProgress.for_options(OPTS, _tr(lang))
    for fraction, message in [*RUN, (0.5, "some future message"), (0.5, "item neighbours")]:
        text = narrator.text(fraction, message)
        counts_only = re.fullmatch(r"\d+/\d+|\d+ of \d+ texts", message) is not None
        assert counts_only or message not in text, (message, text)
        assert "[" not in text and "_" not in text, (message, text)
    assert narrator.text(0.2, "tuning baseline als").startswith("第 3/7 步：调优基线 — ALS") if lang == "zh" else True


def test_unknown_message_keeps_the_stage() -> None:
    narrator = EvalProgress.for_options(OPTS, _tr("en"))
    narrator.text(0.4, "tuning fusion weights on the validation split")
    assert narrator.text(0.45, "something new") == "Step 4 of 7: Tuning the fusion weights on validation users · 45%"


def test_sweep_progress() -> None:
    narrator = EvalProgress(_tr("en"), stage="sweep")
    assert narrator.text(0.5, "scored users 10/20") == "Sweeping the weight — 10 of 20 users scored · 50%"


def test_configurations_the_core_skips_leave_the_count() -> None:
    opts = EvalOptions(baselines=("most_popular",), channels=("semantic", "mf", "learned"), fused=True, tune=False)
    narrator = EvalProgress.for_options(opts, _tr("en"))
    assert narrator.text(0.66, "most_popular: fit").endswith("configuration 1 of 5: Most popular · 66%")
    # channel:semantic applied to nobody: the core goes straight to channel:mf
    assert narrator.text(0.7, "channel:mf: fit").endswith("configuration 2 of 4: Matrix factorisation alone · 70%")
    assert narrator.text(0.72, "channel:mf: recommend").endswith(
        "configuration 2 of 4: Matrix factorisation alone · 72%")
    assert narrator.text(0.9, "fused_default: fit").endswith("configuration 3 of 3: Fusion, default weights · 90%")
