"""The dashboard's channels and fusion as recommenders: batched scoring and fusion equal the real fuse()."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.splits import Split
from core.evaluation.suite import ChannelSuite
from core.ranking.base import user_row
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.fusion import fuse
from core.ranking.ranker import scoring_batch_size
from core.ranking.registry import ChannelParams
from core.ranking.scoring import score_queries
from tests.evaluation.conftest import genre_vectors


@pytest.fixture(scope="module")
def suite(split: Split) -> ChannelSuite:
    params = ChannelParams.of(mf={"factors": 16}, num_threads=1)
    return ChannelSuite(split.train, genre_vectors(split.train), params=params).fit()


def test_batched_fusion_equals_fuse(suite, split) -> None:  # type: ignore[no-untyped-def]
    users = split.users
    batch = suite.batch(users)
    rng = np.random.default_rng(3)
    configs = {"default": FusionConfig()}
    for i, norm in enumerate(("minmax", "zscore", "rank", "minmax", "zscore")):
        weights = {c: float(rng.choice([0.0, rng.random()])) for c in ("history", "mf", "item_knn",
                                                                      "popularity", "recency", "graph")}
        weights["mf"] = max(weights["mf"], 0.1)
        configs[f"c{i}"] = FusionConfig(weights=FusionWeights.from_dict(weights), normalisation=norm)
    for name, config in configs.items():
        suite.register(name, config)
    lists = suite.recommend_all(users, 10)  # the real fuse(), user by user
    for name, config in configs.items():
        np.testing.assert_array_equal(batch.top_k(config, 10), lists[name], err_msg=name)


def test_recommend_all_batched_scoring_equals_one_by_one(suite, split) -> None:  # type: ignore[no-untyped-def]
    """recommend_all scores users in batches; the lists equal scoring each user alone + fuse."""
    users = split.users
    config = FusionConfig()
    other = suite.with_profiles({})
    other.register("default", config)
    lists = other.recommend_all(users, 10)["default"]
    for row, u in enumerate(users):
        q = other.query(int(u))
        scored = score_queries(suite.channels_, [q], n_items=suite.train.n_items)
        seen, _ = user_row(suite.train, q.user_id)
        items = fuse(scored, config, k=10, seen=[seen]).items
        np.testing.assert_array_equal(lists[row, : len(items)], items)


def test_fuse_without_baseline_same_ranking(suite, split) -> None:  # type: ignore[no-untyped-def]
    scored = score_queries(suite.channels_, [suite.query(int(split.users[0]))], n_items=suite.train.n_items)
    full = fuse(scored, FusionConfig(), k=10)
    lean = fuse(scored, FusionConfig(), k=10, with_baseline=False)
    np.testing.assert_array_equal(full.items, lean.items)
    np.testing.assert_array_equal(full.contributions, lean.contributions)
    assert full.baseline is not None and lean.baseline is None
    np.testing.assert_array_equal(lean.lift, lean.contributions)


def test_scoring_batch_size_is_bounded() -> None:
    assert scoring_batch_size(10) == 256 and scoring_batch_size(10_000_000) == 8
    assert 8 <= scoring_batch_size(100_000) <= 256


def test_channel_suite_reports_dropped_channels(suite, split) -> None:  # type: ignore[no-untyped-def]
    share = suite.applicable(split.users)
    assert share["semantic"] == 0.0  # no typed interests in a history-only evaluation
    assert share["mf"] == 1.0 and share["history"] == 1.0
    assert "semantic" in suite.drop_reasons(split.users)
