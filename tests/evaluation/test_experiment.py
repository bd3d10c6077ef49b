"""One experiment: the table, intervals, best-per-column marks and the JSON / Markdown exports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.data.splits import Split
from core.evaluation import metrics as M
from core.evaluation.baselines import ItemKNN, MostPopular
from core.evaluation.experiment import ConfigSpec, baseline_spec, run_experiment
from tests.evaluation.conftest import genre_vectors


def test_run_experiment_table_and_exports(split) -> None:  # type: ignore[no-untyped-def]
    specs = [ConfigSpec("pop", "baseline", lambda _t: MostPopular()),
             ConfigSpec("knn", "baseline", lambda _t: ItemKNN(20))]
    calls: list[float] = []
    res = run_experiment(split, specs, k=5, item_vectors=genre_vectors(split.train), n_boot=300,
                         progress=lambda f, _m: calls.append(f))
    assert calls[-1] == 1.0 and all(0 <= f <= 1 for f in calls)
    table = res.table()
    assert list(table.index) == ["pop", "knn"]
    for col in ("precision@5", "recall@5", "ndcg@5", "map@5", "mrr@5", "hit_rate@5", "coverage@5",
                "gini@5", "novelty@5", "ild@5", "arp@5", "ndcg@5 low", "ndcg@5 high"):
        assert col in table.columns, col
    for name in table.index:
        assert table.loc[name, "ndcg@5 low"] <= table.loc[name, "ndcg@5"] <= table.loc[name, "ndcg@5 high"]
    # the mean in the table is the mean of the per-user values, recomputed independently here
    knn = res.result("knn")
    manual = np.mean([M.ndcg_at_k(r, rel, 5) for r, rel in zip(knn.recommendations, split.relevant_sets(),
                                                                 strict=True)])
    assert table.loc["knn", "ndcg@5"] == pytest.approx(manual)
    best = res.best()
    assert best["ndcg@5"] == table["ndcg@5"].idxmax()
    assert best["gini@5"] == table["gini@5"].idxmin()  # lower is better
    payload = json.loads(json.dumps(res.to_dict()))
    assert {r["name"] for r in payload["results"]} == {"pop", "knn"}
    assert payload["results"][0]["ci95"]["ndcg@5"][0] <= payload["results"][0]["ndcg@5"]
    md = res.to_markdown()
    assert md.startswith("| configuration |") and "**" in md


def test_baseline_spec_params_and_factory(split: Split) -> None:
    assert baseline_spec("mean_vector") is None  # no item vectors: the protocol lists it as skipped
    spec = baseline_spec("item_knn_cf", {"neighbours": 7})
    assert spec is not None and spec.group == "baseline" and spec.params == {"neighbours": 7}
    spec.params["tuned_on_validation"] = True  # the protocol marks tuned baselines this way
    model = spec.factory(split.train)
    assert isinstance(model, ItemKNN) and model.neighbours == 7
