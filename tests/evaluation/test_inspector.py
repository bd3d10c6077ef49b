"""The per-user inspector: its lists are the evaluation's lists, its hits the split's held-out items.

One evaluation run (no tuning, no text model) on the clustered synthetic data; every evaluated user is
then inspected with the run's own split and fitted suite.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from core.common.errors import ConfigError
from core.data.splits import Split, SplitParams, split_dataset
from core.evaluation.compare import fit_suite
from core.evaluation.inspector import FUSED, default_channels, inspect_user
from core.evaluation.options import EvalOptions
from core.evaluation.protocol import EvaluationReport, evaluate_dataset
from core.evaluation.suite import ChannelSuite
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.registry import CHANNELS as REGISTRY
from tests.evaluation.conftest import clustered

CHANNELS = ("mf", "item_knn", "popularity", "ease", "rp3beta", "graph", "recency")
K = 10


@pytest.fixture(scope="module")
def run() -> EvaluationReport:
    options = EvalOptions(split=SplitParams(kind="leave_last", n_last=3, relevance_threshold=4.0),
                          baselines=("most_popular",), channels=CHANNELS, tune=False, tune_confidence=False,
                          typed=False, model=None, n_boot=0, k=K)
    return evaluate_dataset(clustered(), options)


def _ids(split: Split, row: np.ndarray) -> list[str]:
    return [str(split.train.item_ids[i]) for i in row if i >= 0]


def _inspect(run: EvaluationReport, user: int | str, **kw: Any) -> Any:
    suite: ChannelSuite = run.runtime["suite"]
    return inspect_user(run.runtime["split"], suite, suite.configs["fused_default"], user, k=K,
                        channels=kw.pop("channels", CHANNELS), channel_base=FusionConfig(), **kw)


def test_the_run_keeps_its_suite_and_split(run: EvaluationReport) -> None:
    suite = run.runtime["suite"]
    assert isinstance(suite, ChannelSuite) and suite.train is run.runtime["split"].train
    assert "fused_default" in suite.configs and all(f"channel:{c}" in suite.configs for c in CHANNELS)


def test_lists_equal_the_evaluation_lists_for_every_user(run: EvaluationReport) -> None:
    split: Split = run.runtime["split"]
    exp = run.experiment
    assert len(exp.users) > 50
    for row, user in enumerate(exp.users):
        inspection = _inspect(run, int(user))
        assert [e.item_id for e in inspection.fused.entries] == _ids(split, exp.result("fused_default")
                                                                     .recommendations[row])
        assert inspection.fused.metrics["ndcg"] == pytest.approx(exp.result("fused_default").per_user["ndcg"][row])
        for lst in inspection.channels:
            assert lst.reason is None, lst.name
            run_row = exp.result(lst.name).recommendations[row]
            assert [e.item_id for e in lst.entries] == _ids(split, run_row), (lst.name, user)
            assert lst.metrics["recall"] == pytest.approx(exp.result(lst.name).per_user["recall"][row])


def test_hits_are_the_split_held_out_relevant_items(run: EvaluationReport) -> None:
    split: Split = run.runtime["split"]
    total_hits = 0
    for user in split.users[:30]:
        inspection = _inspect(run, int(user))
        relevant = {str(split.train.item_ids[i]) for i in split.relevant[int(user)]}
        assert inspection.relevant_ids == relevant and inspection.evaluated
        uid = str(split.train.user_ids[int(user)])
        held = split.held_out[split.held_out["user_id"] == uid]
        assert sorted(h.item_id for h in inspection.held_out) == sorted(held["item_id"].astype(str))
        for lst in inspection.lists():
            assert [e.held_out for e in lst.entries] == [e.item_id in relevant for e in lst.entries]
            assert lst.hits == round(lst.metrics["precision"] * K)
            total_hits += lst.hits
    assert total_hits > 0  # the fixture's users do find their held-out items


def test_fused_contributions_cover_the_weighted_channels_and_sum_in_rank_order(run: EvaluationReport) -> None:
    user = int(run.runtime["split"].users[0])
    inspection = _inspect(run, user)
    weighted = {c for c, w in inspection.fused.config.weights.items() if w > 0}
    totals = []
    for entry in inspection.fused.entries:
        assert entry.contributions is not None
        assert {c for c, _ in entry.contributions} <= weighted
        totals.append(sum(v for _, v in entry.contributions))
    assert totals == sorted(totals, reverse=True)  # no MMR: the fused score orders the list
    assert all(e.contributions is None for lst in inspection.channels for e in lst.entries)


def test_history_is_the_training_part_newest_first(run: EvaluationReport) -> None:
    split: Split = run.runtime["split"]
    user = int(split.users[3])
    inspection = _inspect(run, user)
    uid = inspection.user_id
    assert len(inspection.history) == int((split.train.interactions["user_id"] == uid).sum())
    times = [h.timestamp for h in inspection.history]
    assert times == sorted(times, reverse=True)
    assert max(times) < min(h.timestamp for h in inspection.held_out)  # leave-last: held out are the newest
    assert not {h.item_id for h in inspection.history} & {h.item_id for h in inspection.held_out}
    assert all(h.title for h in inspection.history)


def test_tags_are_the_users_training_tags(run: EvaluationReport) -> None:
    split: Split = run.runtime["split"]
    inspection = _inspect(run, int(split.users[0]))
    tags = split.train.user_tags
    assert tags is not None
    mine = tags[tags["user_id"] == inspection.user_id]
    assert len(inspection.tags) == len(mine) > 0
    assert {g.tag for g in inspection.tags} == set(mine["tag"])
    assert not {g.item_id for g in inspection.tags} & inspection.relevant_ids


def test_a_channel_that_cannot_rank_the_user_gives_its_reason(run: EvaluationReport) -> None:
    inspection = _inspect(run, int(run.runtime["split"].users[0]), channels=("mf", "semantic"))
    by_name = {lst.name: lst for lst in inspection.channels}
    assert by_name["channel:semantic"].reason is not None and by_name["channel:semantic"].entries == ()
    assert by_name["channel:mf"].reason is None and len(by_name["channel:mf"].entries) == K


def test_default_channels_are_the_weighted_fitted_ones(run: EvaluationReport) -> None:
    suite: ChannelSuite = run.runtime["suite"]
    config = FusionConfig(weights=FusionWeights.from_dict({"mf": 1.0, "recency": 0.5, "semantic": 0.2}))
    expected = [c for c in REGISTRY if c in ("mf", "recency", "semantic")]  # registry order
    assert default_channels(suite, config) == expected
    inspection = inspect_user(run.runtime["split"], suite, config, int(run.runtime["split"].users[0]), k=5)
    assert [lst.name for lst in inspection.channels] == [f"channel:{c}" for c in expected]
    assert inspection.fused.name == FUSED and len(inspection.fused.entries) == 5


def test_a_training_user_without_held_out_items() -> None:
    split = split_dataset(clustered(), SplitParams(kind="leave_last", n_last=1, relevance_threshold=5.0))
    outside = next(u for u in range(split.train.n_users) if u not in split.relevant)
    suite = fit_suite(split.train, ["popularity", "item_knn"])
    config = FusionConfig(weights=FusionWeights.from_dict({"popularity": 0.3, "item_knn": 1.0}))
    inspection = inspect_user(split, suite, config, split.train.user_ids[outside], k=K)
    assert not inspection.evaluated and inspection.fused.metrics["ndcg"] == 0.0
    assert len(inspection.fused.entries) == K and [lst.name for lst in inspection.channels] == [
        f"channel:{c}" for c in REGISTRY if c in ("popularity", "item_knn")]


def test_json_ready_and_typed_texts_deduplicated(run: EvaluationReport) -> None:
    inspection = _inspect(run, int(run.runtime["split"].users[0]), typed_texts=["space opera", " space opera ", ""])
    assert inspection.typed_texts == ("space opera",)
    doc = json.loads(json.dumps(inspection.to_dict(), allow_nan=False))
    assert doc["lists"][0]["name"] == FUSED and len(doc["lists"]) == 1 + len(CHANNELS)
    assert doc["lists"][0]["items"][0]["contributions"]
    assert doc["history"] and doc["held_out"] and doc["tags"]


def test_bad_requests_raise_config_errors(run: EvaluationReport) -> None:
    suite: ChannelSuite = run.runtime["suite"]
    split: Split = run.runtime["split"]
    config = suite.configs["fused_default"]
    with pytest.raises(ConfigError, match="no training interactions"):
        inspect_user(split, suite, config, "nobody")
    with pytest.raises(ConfigError, match="outside"):
        inspect_user(split, suite, config, split.train.n_users)
    with pytest.raises(ConfigError, match="unknown channel"):
        inspect_user(split, suite, config, 0, channels=["nope"])
    with pytest.raises(ConfigError, match="k must be"):
        inspect_user(split, suite, config, 0, k=0)
    other = split_dataset(clustered(), SplitParams(kind="leave_last", n_last=2))
    with pytest.raises(ConfigError, match="different training"):
        inspect_user(other, suite, config, 0)
