"""EASE^R: the closed form equals Steck's constrained least squares solved per column, the memory guard skips
(never crashes) when the item matrix does not fit, named items seed the scores, and the evidence names the
seed item with the largest weight."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from core.common.errors import ConfigError
from core.engine import DEFERRED_CHANNELS
from core.ranking.base import ChannelContext, ChannelNotApplicable
from core.ranking.channels.ease import (
    TOO_LARGE_PATTERN,
    EASEChannel,
    EASEParams,
    ModelTooLarge,
    available_memory_bytes,
    ease_bytes,
    ease_weights,
    memory_check,
)
from core.ranking.config import FusionConfig, FusionWeights
from core.ranking.query import Query
from core.ranking.ranker import Ranker
from tests.ranking.test_channels import World, make_world
from tests.ranking.test_named_items import Profile, Tag


def _random_matrix(n_users: int = 40, n_items: int = 15, density: float = 0.3, seed: int = 0) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = (rng.random((n_users, n_items)) < density).astype(np.float64) * rng.integers(1, 6, (n_users, n_items))
    dense[:, -1] = 0.0  # an item nobody used
    return sparse.csr_matrix(dense)


def _reference(matrix: sparse.csr_matrix, l2: float) -> np.ndarray:
    """Per column j: min ||X_j - X b||^2 + l2 ||b||^2 subject to b_j = 0, solved by least squares on the
    other columns stacked with sqrt(l2) I (no matrix inverse anywhere)."""
    x = (matrix.toarray() > 0).astype(np.float64)
    n = x.shape[1]
    out = np.zeros((n, n))
    for j in range(n):
        others = [i for i in range(n) if i != j]
        a = np.vstack([x[:, others], np.sqrt(l2) * np.eye(n - 1)])
        b = np.concatenate([x[:, j], np.zeros(n - 1)])
        out[others, j] = np.linalg.lstsq(a, b, rcond=None)[0]
    return out


@pytest.mark.parametrize(("l2", "seed"), [(5.0, 0), (0.5, 1), (200.0, 2)])
def test_closed_form_equals_per_column_least_squares(l2: float, seed: int) -> None:
    matrix = _random_matrix(seed=seed)
    weights = ease_weights(matrix, l2)
    assert weights.dtype == np.float32 and weights.flags.c_contiguous
    assert np.all(np.diag(weights) == 0)
    np.testing.assert_allclose(weights, _reference(matrix, l2), atol=1e-6)
    assert np.all(weights[:, -1] == 0)  # nothing predicts an item nobody used


def test_gram_blocks_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = _random_matrix(60, 23, seed=4)
    whole = ease_weights(matrix, 3.0)
    monkeypatch.setattr("core.ranking.channels.ease.GRAM_BLOCK_BYTES", 4 * 23 * 2)  # two columns per block
    np.testing.assert_array_equal(ease_weights(matrix, 3.0), whole)


def test_l2_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        ease_weights(_random_matrix(), 0.0)


@pytest.fixture(scope="module")
def world() -> World:
    return make_world(seed=3)


@pytest.fixture(scope="module")
def channel(world: World) -> EASEChannel:
    return EASEChannel(l2=20.0).fit(world.ctx())


def test_scores_are_history_times_weights(world: World, channel: EASEChannel) -> None:
    ds = world.dataset
    users = ["u3", "u5", "u10"]
    x = (ds.matrix.toarray() > 0).astype(np.float64)
    expected = np.stack([x[ds.user_index[u]] for u in users]) @ _reference(ds.matrix, 20.0)
    scores = channel.score([Query(user_id=u) for u in users])
    assert scores.shape == (3, ds.n_items) and scores.dtype == np.float64
    np.testing.assert_allclose(scores, expected, atol=1e-5)


def test_named_items_seed_a_cold_query_and_avoided_ones_subtract(world: World, channel: EASEChannel) -> None:
    weights = channel.weights_
    assert weights is not None
    cold = Query(profile=Profile([Tag("film 3", 0.5, 1, None, "item", "i3"),
                                  Tag("film 7", 0.5, 1, None, "item", "i7")]))
    assert channel.why_not(cold) is None
    np.testing.assert_allclose(channel.score([cold])[0], weights[3] + weights[7], atol=1e-6)
    # a user plus a named film they have not seen: the film joins the history
    u = world.dataset.user_index["u3"]
    seen = world.dataset.matrix[u].indices
    extra = int(np.setdiff1d(np.arange(world.dataset.n_items), seen)[0])
    both = Query(user_id="u3", profile=Profile([Tag("x", 1.0, 1, None, "item", f"i{extra}")]))
    np.testing.assert_allclose(channel.score([both])[0], weights[np.append(seen, extra)].sum(axis=0), atol=1e-5)
    avoided = Query(profile=Profile([Tag("film 3", 1.0, 1, None, "item", "i3"),
                                     Tag("not film 9", 1.0, -1, None, "item", "i9")]))
    np.testing.assert_allclose(channel.score([avoided])[0], weights[3] - weights[9], atol=1e-6)


def test_evidence_names_the_seed_with_the_largest_weight(world: World, channel: EASEChannel) -> None:
    weights = channel.weights_
    assert weights is not None
    ds = world.dataset
    query = Query(user_id="u3")
    seen = np.sort(ds.matrix[ds.user_index["u3"]].indices)
    item = int(np.argmax(np.where(np.isin(np.arange(ds.n_items), seen), -np.inf, channel.score([query])[0])))
    ev = channel.explain(query, item)
    assert ev is not None and ev.code == "co_liked"
    best = int(seen[np.argmax(weights[seen, item])])
    assert ev.args == {"item_idx": best, "title": str(ds.titles([best])[0])}
    named = Query(user_id="u3", profile=Profile([Tag("film 3", 1.0, 1, None, "item", "i3")]))
    target = int(np.argmax(weights[3]))
    ev_named = channel.explain(named, target)
    assert ev_named is not None and ev_named.code == "named_item" and ev_named.args["item_idx"] == 3
    # no seed has a positive weight to the item: nothing specific to name
    lonely = Query(profile=Profile([Tag("film 3", 1.0, 1, None, "item", "i3")]))
    negative = int(np.argmin(weights[3]))
    assert weights[3, negative] <= 0
    ev_none = channel.explain(lonely, negative)
    assert ev_none is not None and ev_none.code == "similar_users"


def test_memory_guard_skips_with_a_reason(world: World) -> None:
    small = EASEChannel(memory_limit_mb=0.01).fit(world.ctx())
    assert small.weights_ is None and not small.memory_.fits
    assert small.why_not(Query(user_id="u3")) == "too_large"
    with pytest.raises(ChannelNotApplicable) as err:
        small.score([Query(user_id="u3")])
    assert err.value.code == "too_large"
    assert small.explain(Query(user_id="u3"), 0) is None
    reason = small.memory_.reason()
    match = TOO_LARGE_PATTERN.fullmatch(reason)
    assert match is not None and match["n_items"] == f"{world.dataset.n_items:,}"
    assert str(ModelTooLarge(small.memory_)) == reason
    few = EASEChannel(max_items=world.dataset.n_items - 1).fit(world.ctx())
    assert few.why_not(Query(user_id="u3")) == "too_large"
    assert EASEChannel(max_items=world.dataset.n_items).fit(world.ctx()).why_not(Query(user_id="u3")) is None


def test_channels_on_the_same_interactions_share_one_fit(world: World, channel: EASEChannel) -> None:
    other = EASEChannel(l2=20.0).fit(ChannelContext(world.dataset))
    assert other.weights_ is channel.weights_ and not other.weights_.flags.writeable
    assert other.memory_.fits and other.memory_.need_bytes == 0  # reusing it needs no memory
    assert EASEChannel(l2=21.0).fit(ChannelContext(world.dataset)).weights_ is not channel.weights_


def test_memory_check_uses_half_the_available_memory() -> None:
    n = 9742
    assert ease_bytes(n) >= 4 * n * n
    check = memory_check(n, EASEParams(), available=2 * ease_bytes(n))
    assert check.limit_bytes == ease_bytes(n) and check.fits
    assert not memory_check(n, EASEParams(), available=2 * ease_bytes(n) - 2).fits
    assert memory_check(n, EASEParams(memory_limit_mb=10_000), available=0).fits  # an explicit limit wins
    free = available_memory_bytes()
    assert free is None or free > 0


def test_weight_zero_fitted_on_first_use_and_fused_like_any_channel(world: World) -> None:
    """Weight 0 by default and deferred by the engine; given a weight, its scores reach the fused list,
    the what-if ranks and the reasons like any channel's."""
    assert FusionWeights().ease == 0.0 and "ease" in DEFERRED_CHANNELS
    channel = EASEChannel(l2=20.0).fit(ChannelContext(world.dataset))
    ranker = Ranker(world.dataset, {"ease": channel})
    rec = ranker.recommend(Query(user_id="u3"), FusionConfig(weights=FusionWeights.from_dict({"ease": 1.0})), k=5)
    scores = channel.score([Query(user_id="u3")])[0]
    seen = world.dataset.matrix[world.dataset.user_index["u3"]].indices
    scores[seen] = -np.inf
    assert rec.result.items.tolist() == np.argsort(-scores, kind="stable")[:5].tolist()
    first = rec.explanations[0].reasons
    assert first and first[0].channel == "ease" and first[0].code == "co_liked"
    assert rec.what_if.shape == (5, 1)
