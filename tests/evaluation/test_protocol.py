"""The whole evaluation (split, tune on validation, evaluate on test, typed interests) and its CLI."""

from __future__ import annotations

import io
import json
import math
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from core.cli.commands import main
from core.data.splits import SplitParams
from core.evaluation.baselines import BASELINES
from core.evaluation.options import EvalOptions
from core.evaluation.protocol import evaluate_dataset
from tests.evaluation.conftest import clustered


def test_evaluate_dataset_without_item_text() -> None:
    ds = clustered(with_text=False)
    opts = EvalOptions(split=SplitParams(kind="random", relevance_threshold=4.0, seed=3), n_trials=6,
                       tune_users=50, n_boot=100, model="use-m3")
    report = evaluate_dataset(ds, opts)
    names = [r.name for r in report.experiment.results]
    expected = {"most_popular", "item_knn_cf", "als", "bpr", "channel:mf", "fused_default", "fused_tuned"}
    assert expected <= set(names)
    assert "mean_vector" not in names and "mean_vector" in report.experiment.extra["skipped"]
    assert {"semantic", "history"} <= set(report.dropped_channels)
    assert report.typed is None and report.tuning is not None and report.tuning.n_trials == 6
    payload = json.loads(json.dumps(report.to_dict()))
    for row in payload["results"]:
        for col in ("ndcg@10", "recall@10", "precision@10", "coverage@10"):
            assert col in row
    assert payload["significance"] and payload["significance"][0]["reference"] in BASELINES + tuple(
        f"channel:{c}" for c in ("mf", "item_knn", "popularity", "recency", "graph"))
    assert "fused_tuned" in report.to_markdown()


@pytest.mark.slow
def test_evaluate_dataset_with_text_and_typed_interests(use_encoder) -> None:  # type: ignore[no-untyped-def]
    ds = clustered(n_users=60)
    opts = EvalOptions(split=SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0), n_trials=5,
                       tune_users=40, n_boot=100)
    seen: list[float] = []
    report = evaluate_dataset(ds, opts, encoder=use_encoder, progress=lambda f, _m: seen.append(f))
    names = [r.name for r in report.experiment.results]
    assert "mean_vector" in names and "channel:history" in names
    assert report.typed is not None and report.typed["n_users"] > 0
    row = report.typed["rows"][0]
    assert {"ndcg_history", "ndcg_typed", "ndcg_typed_tuned", "chosen_typed_weight"} <= set(row)
    from core.evaluation.typed import TYPED_WEIGHTS

    for row in report.typed["rows"]:  # "off" (None) means the history-only list itself
        if row["chosen_typed_weight"] is None:
            assert row["ndcg_typed_tuned"] == row["ndcg_history"]
        else:
            assert row["chosen_typed_weight"] in TYPED_WEIGHTS
    assert not math.isnan(report.experiment.result("mean_vector").aggregate["ild"])
    assert seen[-1] == 1.0 and seen == sorted(seen)


def _run_cli(argv: list[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(argv)
    return code, json.loads(buf.getvalue()) if buf.getvalue().strip() else {}


def test_cli_evaluate_and_tune_on_a_csv(tmp_path: Path) -> None:
    ds = clustered(with_text=False)
    path = tmp_path / "ratings.csv"
    ds.interactions[["user_id", "item_id", "rating", "timestamp"]].to_csv(path, index=False)
    code, out = _run_cli(["evaluate", "--data", str(path), "--k", "5", "--split", "leave_last", "--json",
                          "--trials", "4", "--bootstrap", "50"])
    assert code == 0
    names = {r["name"] for r in out["results"]}
    assert {"most_popular", "als", "fused_default", "fused_tuned"} <= names
    assert all({"ndcg@5", "recall@5", "precision@5", "coverage@5"} <= set(r) for r in out["results"])
    code, tuned = _run_cli(["tune", "--data", str(path), "--trials", "4", "--json"])
    assert code == 0 and set(tuned["best_weights"]) >= {"mf", "item_knn"} and tuned["n_trials"] == 4
    code, _ = _run_cli(["evaluate", "--data", str(tmp_path / "missing.csv"), "--json"])
    assert code == 2


@pytest.mark.slow
def test_movielens_collaborative_fusion_beats_popularity(movielens) -> None:  # type: ignore[no-untyped-def]
    """A small real run: 150 MovieLens test users, ids and ratings only (no encoder), 6 tuning trials."""
    opts = EvalOptions(split=SplitParams(kind="random", relevance_threshold=4.0, seed=1), model=None,
                       baselines=("most_popular", "als"), channels=("mf", "item_knn", "popularity"),
                       n_trials=6, tune_users=150, max_users=150, typed=False, n_boot=200)
    report = evaluate_dataset(movielens, opts)
    ndcg = {r.name: r.aggregate["ndcg"] for r in report.experiment.results}
    assert report.experiment.split_stats["n_eval_users"] == 150
    assert ndcg["als"] > 1.2 * ndcg["most_popular"]
    assert ndcg["fused_default"] > ndcg["most_popular"] and ndcg["fused_tuned"] > ndcg["most_popular"]
    cover = {r.name: r.aggregate["coverage"] for r in report.experiment.results}
    assert cover["als"] > cover["most_popular"]  # personalised lists reach more of the catalogue
