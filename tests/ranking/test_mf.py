"""The mf channel's confidence: parameters (and old ``alpha`` configurations), training and fold-in on the
prepared matrix. That the ALS / BPR baselines rank as this channel is checked in
tests/evaluation/test_baselines.py."""

from __future__ import annotations

import numpy as np
import pytest
from implicit.cpu.als import AlternatingLeastSquares
from scipy import sparse

from core.common.errors import ConfigError
from core.data.confidence import Confidence, prepare, prepare_rows
from core.evaluation.tuning import TUNABLE_CHANNELS, channel_value, with_channel_values
from core.ranking.base import seed_row
from core.ranking.channels.mf import MFChannel, MFParams, factors_key, mf_params, resolved_confidence
from core.ranking.query import Query
from core.ranking.registry import ChannelParams
from tests.ranking.test_channels import World, make_world
from tests.ranking.test_named_items import _named


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(seed=5)


def test_params_carry_a_confidence() -> None:
    assert MFParams().confidence is None  # the dataset's signal decides (resolved_confidence)
    assert MFParams(confidence="log").confidence == Confidence("log")  # type: ignore[arg-type]
    assert MFParams(confidence={"kind": "bm25", "k1": 20.0}).confidence.k1 == 20.0  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        MFParams(confidence={"kind": "cubic"})  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        MFParams(confidence=Confidence("log", alpha=-1.0))


def test_old_alpha_configurations_still_load() -> None:
    """Before, ``alpha`` meant confidence ``1 + alpha * rating``: the linear transform."""
    assert mf_params({"factors": 8, "alpha": 10.0}) == MFParams(factors=8, confidence=Confidence("linear", 10.0))
    assert mf_params({"alpha": 3.0, "confidence": "log"}).confidence == Confidence("log", alpha=3.0)
    assert MFChannel(alpha=10.0).params.confidence == Confidence("linear", alpha=10.0)
    with pytest.raises(ConfigError):
        mf_params({"alpha": float("nan")})
    # registry and tuning set the confidence as a whole, or its alpha alone (the ``mf_alpha`` search key)
    params = ChannelParams().with_channel("mf", confidence=Confidence("log", alpha=2.0))
    assert TUNABLE_CHANNELS["mf"]["mf_alpha"] == "confidence.alpha"
    tuned = with_channel_values(params, "mf", {"mf_alpha": 7.5, "mf_factors": 32})
    assert tuned.get("mf").confidence == Confidence("log", alpha=7.5) and tuned.get("mf").factors == 32
    assert channel_value(tuned.get("mf"), "confidence.alpha") == 7.5


def test_the_confidence_is_part_of_the_shared_factors_key() -> None:
    a = factors_key(MFParams(confidence=Confidence("log")), 42)
    assert a != factors_key(MFParams(confidence=Confidence("log", alpha=2.0)), 42)
    assert a == factors_key(MFParams(confidence=Confidence("log")), 42)


@pytest.mark.parametrize("conf", [Confidence("linear", alpha=2.0), Confidence("centred", alpha=3.0)])
def test_trains_on_the_prepared_matrix(world: World, conf: Confidence) -> None:
    channel = MFChannel(MFParams(factors=8, iterations=4, confidence=conf)).fit(world.ctx(random_state=3))
    ref = AlternatingLeastSquares(factors=8, regularization=0.05, alpha=1.0, iterations=4, random_state=3,
                                  num_threads=2)
    ref.fit(prepare(world.dataset.matrix, conf), show_progress=False)
    np.testing.assert_allclose(channel.item_factors_, ref.item_factors, rtol=1e-4, atol=1e-5)


def test_a_transform_that_keeps_nothing_leaves_no_model(world: World) -> None:
    channel = MFChannel(MFParams(factors=8, confidence=Confidence("threshold", threshold=1e9))).fit(world.ctx())
    assert channel.item_factors_ is None
    assert channel.why_not(Query(user_id=str(world.dataset.user_ids[0]))) == "no_interactions"


@pytest.mark.parametrize("conf", [Confidence("log", alpha=2.0), Confidence("bm25", alpha=0.5)])
def test_fold_in_prepares_the_seeds_like_training(world: World, conf: Confidence) -> None:
    ds = world.dataset
    channel = MFChannel(MFParams(factors=8, iterations=4, confidence=conf)).fit(world.ctx())
    user = str(ds.user_ids[2])
    query = Query(user_id=user, profile=_named(world, [1, 4]))  # type: ignore[arg-type]
    items, weights = seed_row(ds, query, named_value=channel.liked_)
    row = np.zeros((1, ds.n_items))
    row[0, items] = weights
    seeds = prepare_rows(ds.matrix, sparse.csr_matrix(row), conf)
    expected = channel.model_.recalculate_user(np.arange(1), seeds)
    np.testing.assert_allclose(channel.user_factors([query])[0], np.asarray(expected).ravel(), rtol=1e-4,
                               atol=1e-5)
    # a known user without named items keeps the trained factors
    np.testing.assert_array_equal(channel.user_factors([Query(user_id=user)])[0],
                                  channel.user_factors_[ds.user_index[user]])


def test_the_default_confidence_follows_the_signal(world: World) -> None:
    from dataclasses import replace as dc_replace

    from core.data.confidence import default_confidence
    from core.data.signal import declared
    from core.ranking.base import ChannelContext

    ds = world.dataset
    assert resolved_confidence(MFParams(), ds) == default_confidence(ds.signal.kind)
    assert resolved_confidence(MFParams(confidence=Confidence("tfidf")), ds) == Confidence("tfidf")
    # explicit ratings: binary alpha=1, exactly what the channel did before the signal existed
    rated = dc_replace(ds, signal=declared("explicit", (0.5, 5.0)))
    ctx = world.ctx(random_state=3)
    auto = MFChannel(MFParams(factors=8, iterations=4)).fit(ChannelContext(rated, random_state=3,
                                                                           num_threads=ctx.num_threads))
    fixed = MFChannel(MFParams(factors=8, iterations=4, confidence=Confidence("binary", alpha=1.0))).fit(
        ChannelContext(rated, random_state=3, num_threads=ctx.num_threads))
    assert auto.confidence_ == Confidence("binary", alpha=1.0)
    np.testing.assert_allclose(auto.item_factors_, fixed.item_factors_, rtol=1e-5, atol=1e-6)
    # counts: log scaling (1 + log(1 + c))
    plays = dc_replace(ds, signal=declared("count"))
    counted = MFChannel(MFParams(factors=8, iterations=4)).fit(ChannelContext(plays, random_state=3,
                                                                              num_threads=ctx.num_threads))
    assert counted.confidence_ == Confidence("log", alpha=1.0, eps=1.0)
    ref = AlternatingLeastSquares(factors=8, regularization=0.05, alpha=1.0, iterations=4, random_state=3,
                                  num_threads=ctx.num_threads)
    ref.fit(prepare(plays.matrix, Confidence("log")), show_progress=False)
    np.testing.assert_allclose(counted.item_factors_, ref.item_factors, rtol=1e-4, atol=1e-5)
